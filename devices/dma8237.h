/*
 * dma8237.h - the PC/AT pair of Intel 8237A DMA controllers with page
 * registers.
 *
 * Channels are numbered 0-7: 0-3 are the 8-bit controller (ports 0x00-0x0F),
 * 4-7 the 16-bit one (ports 0xC0-0xDF, word addressing; channel 4 cascades
 * the first controller).  Page registers are at 0x81-0x8F.
 *
 * Devices pull data: when a device has data for memory (or wants data from
 * it), it calls dma8237_write_memory (or dma8237_read_memory), which moves as
 * many bytes as the channel's programming allows and returns that number.
 */
#ifndef CINDER_DEVICES_DMA8237_H
#define CINDER_DEVICES_DMA8237_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/device.h"

struct bus;

struct dma8237;
extern const struct device_desc dma8237_desc;

/* Map ports 0x00-0x0F, 0x81-0x8F and 0xC0-0xDF.  NULL if any is taken or out
 * of memory. */
struct dma8237 *dma8237_create(struct bus *bus);

/* Memory -> device (the channel should be in read-transfer mode): copy up to
 * len bytes of guest memory into buf, following the channel's address,
 * direction, page and count; stop at terminal count unless auto-initialising.
 * Returns the bytes moved (0 if the channel is masked or not ready).  On a
 * 16-bit channel a transfer is a word: len is rounded down to even. */
int dma8237_read_memory(struct dma8237 *s, int channel, void *buf, int len);
/* Device -> memory (write-transfer mode): the same in the other direction;
 * guest RAM is written through the bus, so decoded code is invalidated. */
int dma8237_write_memory(struct dma8237 *s, int channel, const void *buf, int len);

/* True if a transfer on channel could move data now: controller enabled,
 * channel unmasked and not a cascade channel. */
bool dma8237_channel_ready(struct dma8237 *s, int channel);
/* DREQ input of channel (shown in the status register's request bits). */
void dma8237_set_dreq(struct dma8237 *s, int channel, bool level);
/* True if the channel's last transfer reached terminal count (EOP); cleared
 * when the channel is reprogrammed or moves data again. */
bool dma8237_terminal_count(struct dma8237 *s, int channel);

#endif

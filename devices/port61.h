/*
 * port61.h - System Control Port B (port 0x61): speaker gate and data, refresh
 * toggle, counter 2 output.
 */
#ifndef CINDER_DEVICES_PORT61_H
#define CINDER_DEVICES_PORT61_H

#include <stdint.h>

#include "devices/device.h"

struct bus;
struct sched;
struct pit8254;

#define PORT61_IOBASE 0x61
#define PORT61_GATE2 0x01        /* bit 0 (r/w): counter 2 GATE */
#define PORT61_SPKR_DATA 0x02    /* bit 1 (r/w): speaker data enable (ANDed with OUT2) */
#define PORT61_PARITY_DIS 0x04   /* bit 2 (r/w): RAM parity check disable (stored only) */
#define PORT61_IOCHK_DIS 0x08    /* bit 3 (r/w): I/O channel check disable (stored only) */
#define PORT61_REFRESH 0x10      /* bit 4 (r): toggles every refresh period */
#define PORT61_OUT2 0x20         /* bit 5 (r): counter 2 OUT */
#define PORT61_REFRESH_NS 15085u /* refresh period: 18 clocks of 1.193182 MHz */

struct port61;
extern const struct device_desc port61_desc;

/* Map port 0x61 and drive pit's counter 2 GATE (low after creation and reset).
 * NULL if the port is taken or out of memory. */
struct port61 *port61_create(struct bus *bus, struct sched *sched, struct pit8254 *pit);

#endif

/*
 * post_port.c - port 0x80, where BIOSes write POST checkpoint codes.
 *
 * On a PC a write to 0x80 lands on a POST diagnostic card if one is fitted
 * (and on the DMA page registers' unused slot); firmware also uses it as a
 * ~1 us I/O delay.  With "-d post" each write is logged as "POST 0xNN", which
 * is the first thing to look at when a BIOS stalls.
 *
 * Not emulated: the rest of the DMA page register block (0x81-0x8F, the DMA
 * issue maps it); reads return all ones as on QEMU (which has no reader here).
 */
#include "devices/post_port.h"

#include <stdlib.h>

#include "mem/bus.h"
#include "mem/log.h"

struct post_port {
    struct bus *bus;       /* bus the port is mapped on */
    struct region *region; /* port 0x80 */
    uint8_t last;          /* last code written, for info */
};

static void post_port_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct post_port *s = opaque;
    s->last = (uint8_t)value;
    LOG(LOG_POST, "POST 0x%02X", s->last);
}

static const struct io_ops post_port_ops = {
    .write = post_port_write,
    .impl_min = 1,
    .impl_max = 1,
    .name = "post",
};

struct post_port *post_port_create(struct bus *bus)
{
    struct post_port *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->bus = bus;
    s->region = bus_map_ports(bus, POST_PORT_IOBASE, 1, &post_port_ops, s);
    if (!s->region) {
        free(s);
        return NULL;
    }
    return s;
}

static void post_port_destroy(void *opaque)
{
    struct post_port *s = opaque;
    bus_unmap(s->bus, s->region);
    free(s);
}

static void post_port_info(void *opaque, FILE *out)
{
    struct post_port *s = opaque;
    fprintf(out, "post: last code 0x%02X\n", s->last);
}

const struct device_desc post_port_desc = {
    .name = "post",
    .destroy = post_port_destroy,
    .info = post_port_info,
};

/*
 * debugcon.c - the debug console port: each byte written goes to the host.
 *
 * Models Bochs's port 0xE9 hack as QEMU's isa-debugcon does it
 * (hw/char/debugcon.c): one port, every written byte is sent to a chardev,
 * reads return the "readback" value 0xE9 so a guest can detect the port.
 * SeaBIOS (Debian's build) logs to 0x402; our asm tests report on 0xE9.
 *
 * Not emulated: input, a configurable readback value.  A 16- or 32-bit OUT
 * is split by the bus into bytes; only the byte that lands on our port is
 * printed (QEMU's impl size is 1 too).
 */
#include "devices/debugcon.h"

#include <stdlib.h>

#include "devices/chardev.h"
#include "mem/bus.h"

struct debugcon {
    struct bus *bus;        /* bus the port is mapped on */
    struct region *region;  /* our one-port region */
    struct chardev *out;    /* host end (not owned) */
    uint16_t iobase;        /* port number */
    uint64_t bytes;         /* bytes written since power-on, for info */
};

static uint32_t debugcon_read(void *opaque, uint32_t offset, unsigned size)
{
    return DEBUGCON_READBACK;
}

static void debugcon_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct debugcon *s = opaque;
    uint8_t ch = (uint8_t)value;
    s->bytes++;
    chardev_write(s->out, &ch, 1);
}

static const struct io_ops debugcon_ops = {
    .read = debugcon_read,
    .write = debugcon_write,
    .impl_min = 1,
    .impl_max = 1,
    .name = "debugcon",
};

struct debugcon *debugcon_create(struct bus *bus, uint16_t iobase, struct chardev *out)
{
    struct debugcon *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->bus = bus;
    s->out = out;
    s->iobase = iobase;
    s->region = bus_map_ports(bus, iobase, 1, &debugcon_ops, s);
    if (!s->region) {
        free(s);
        return NULL;
    }
    return s;
}

static void debugcon_destroy(void *opaque)
{
    struct debugcon *s = opaque;
    chardev_flush(s->out);
    bus_unmap(s->bus, s->region);
    free(s);
}

static void debugcon_info(void *opaque, FILE *out)
{
    struct debugcon *s = opaque;
    fprintf(out, "debugcon: port 0x%x, %llu bytes written\n", s->iobase,
            (unsigned long long)s->bytes);
}

const struct device_desc debugcon_desc = {
    .name = "debugcon",
    .destroy = debugcon_destroy,
    .info = debugcon_info,
};

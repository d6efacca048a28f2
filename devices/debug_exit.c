/*
 * debug_exit.c - isa-debug-exit: a guest write ends the emulator.
 *
 * Models QEMU's hw/misc/debugexit.c, which test guests use to report a
 * result as the process exit status: writing V (any width up to iosize)
 * exits with status (V << 1) | 1, so no guest value can look like a clean
 * exit 0.  Unlike QEMU, which calls exit() inside the port write, we ask the
 * board to stop the CPU at the instruction boundary so that every output file
 * is flushed and closed first.
 *
 * Not emulated: reads (QEMU's region has no read handler: all ones).
 */
#include "devices/debug_exit.h"

#include <stdlib.h>

#include "mem/bus.h"

struct debug_exit {
    struct bus *bus;                           /* bus the ports are mapped on */
    struct region *region;                     /* the iosize ports */
    void (*request)(void *opaque, int status); /* board's "stop and exit" hook */
    void *opaque;                              /* its argument */
    uint16_t iobase;                           /* first port */
    unsigned iosize;                           /* ports covered: 1, 2 or 4 */
};

static void debug_exit_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct debug_exit *s = opaque;
    s->request(s->opaque, debug_exit_status(value));
}

static const struct io_ops debug_exit_ops = {
    .write = debug_exit_write,
    .impl_min = 1,
    .impl_max = 4,
    .name = "isa-debug-exit",
};

struct debug_exit *debug_exit_create(struct bus *bus, uint16_t iobase, unsigned iosize,
                                     void (*request)(void *opaque, int status), void *opaque)
{
    if ((iosize != 1 && iosize != 2 && iosize != 4) || !request)
        return NULL;
    struct debug_exit *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->bus = bus;
    s->request = request;
    s->opaque = opaque;
    s->iobase = iobase;
    s->iosize = iosize;
    s->region = bus_map_ports(bus, iobase, (uint16_t)iosize, &debug_exit_ops, s);
    if (!s->region) {
        free(s);
        return NULL;
    }
    return s;
}

static void debug_exit_destroy(void *opaque)
{
    struct debug_exit *s = opaque;
    bus_unmap(s->bus, s->region);
    free(s);
}

static void debug_exit_info(void *opaque, FILE *out)
{
    struct debug_exit *s = opaque;
    fprintf(out, "isa-debug-exit: ports 0x%x-0x%x\n", s->iobase, s->iobase + s->iosize - 1);
}

const struct device_desc debug_exit_desc = {
    .name = "isa-debug-exit",
    .destroy = debug_exit_destroy,
    .info = debug_exit_info,
};

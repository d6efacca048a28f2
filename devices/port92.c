/*
 * port92.c - System Control Port A at 0x92 ("fast A20" and "fast reset").
 *
 * Sources: IBM PS/2 Hardware Interface Technical Reference (system control
 * port A); Intel PIIX4 datasheet 4.1.x "Port 92h"; QEMU hw/i386/pc.c port92.
 * Bit 1 drives the A20 gate (through the bus, which tells the CPU to flush its
 * TLB); writing bit 0 from 0 to 1 pulses the CPU's INIT/RESET.  Reads return
 * the last value written, as QEMU's model does.
 *
 * Not emulated: bits 2-7 (security lock, watchdog, activity LEDs), the OR with
 * the 8042's A20 output (the keyboard controller issue combines the two).
 */
#include "devices/port92.h"

#include <stdlib.h>

#include "mem/bus.h"
#include "mem/log.h"

struct port92 {
    struct bus *bus;                    /* bus (A20 gate lives there) */
    struct region *region;              /* port 0x92 */
    void (*reset_request)(void *opaque); /* board's reset hook */
    void *opaque;                       /* its argument */
    uint8_t value;                      /* last value written (bits 0 and 1 meaningful) */
};

static uint32_t port92_read(void *opaque, uint32_t offset, unsigned size)
{
    struct port92 *s = opaque;
    return s->value;
}

static void port92_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct port92 *s = opaque;
    uint8_t old = s->value;
    s->value = (uint8_t)value;
    bus_set_a20(s->bus, (value & PORT92_A20) != 0);
    LOG(LOG_BUS, "port92: write 0x%02X (A20 %s)", s->value, value & PORT92_A20 ? "on" : "off");
    if ((value & PORT92_RESET) && !(old & PORT92_RESET)) {
        LOG(LOG_PM, "port92: fast reset");
        s->reset_request(s->opaque);
    }
}

static const struct io_ops port92_ops = {
    .read = port92_read,
    .write = port92_write,
    .impl_min = 1,
    .impl_max = 1,
    .name = "port92",
};

struct port92 *port92_create(struct bus *bus, void (*reset_request)(void *opaque), void *opaque)
{
    struct port92 *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->bus = bus;
    s->reset_request = reset_request;
    s->opaque = opaque;
    s->region = bus_map_ports(bus, PORT92_IOBASE, 1, &port92_ops, s);
    if (!s->region) {
        free(s);
        return NULL;
    }
    return s;
}

/* The reset bit self-clears (QEMU: outport &= ~1), so the next write of 1
 * resets again; the A20 bit keeps its value, as on the PIIX. */
static void port92_reset(void *opaque)
{
    struct port92 *s = opaque;
    s->value &= (uint8_t)~PORT92_RESET;
}

static void port92_destroy(void *opaque)
{
    struct port92 *s = opaque;
    bus_unmap(s->bus, s->region);
    free(s);
}

static void port92_info(void *opaque, FILE *out)
{
    struct port92 *s = opaque;
    fprintf(out, "port92: 0x%02X (A20 %s)\n", s->value, s->value & PORT92_A20 ? "on" : "off");
}

const struct device_desc port92_desc = {
    .name = "port92",
    .reset = port92_reset,
    .destroy = port92_destroy,
    .info = port92_info,
};

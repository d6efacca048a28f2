/*
 * port61.c - System Control Port B at 0x61 (PC/AT).
 *
 * Sources: IBM PC/AT Technical Reference, "System Control Port B"; Intel
 * PIIX4 datasheet "NMI Status and Control Register (port 61h)".  Bits 0-3
 * are read/write: bit 0 gates 8254 counter 2, bit 1 enables the speaker data
 * (speaker = OUT2 AND bit 1), bits 2-3 disable the parity / I/O channel check
 * NMIs.  Bit 4 is the refresh request toggle, which BIOSes poll as a 15 us
 * delay loop: on real boards it follows counter 1's refresh output; here it is
 * derived from the virtual clock (it flips every 15.085 us), so a guest that
 * reprograms counter 1 does not change it.  Bit 5 reads counter 2's OUT.
 *
 * Not emulated: sound (the speaker has no audio output yet: the level
 * OUT2 AND bit 1 is computed by port61_speaker_level for the future audio
 * backend), the parity and I/O channel check NMIs (bits 6 and 7 read 0).
 */
#include "devices/port61.h"

#include <stdbool.h>
#include <stdlib.h>

#include "devices/pit8254.h"
#include "mem/bus.h"
#include "mem/log.h"
#include "mem/sched.h"

struct port61 {
    struct bus *bus;       /* bus the port is on */
    struct sched *sched;   /* virtual clock (refresh toggle) */
    struct pit8254 *pit;   /* counter 2 GATE and OUT */
    struct region *region; /* port 0x61 */
    uint8_t value;         /* bits 0-3 as last written */
};

/* Level of the speaker cone: OUT2 gated by the data-enable bit.  No audio
 * backend consumes it yet. */
static bool port61_speaker_level(struct port61 *s)
{
    return (s->value & PORT61_SPKR_DATA) && pit8254_out(s->pit, 2);
}

static uint32_t port61_read(void *opaque, uint32_t offset, unsigned size)
{
    struct port61 *s = opaque;
    uint8_t v = s->value & 0x0F;
    if ((sched_now(s->sched) / PORT61_REFRESH_NS) & 1) v |= PORT61_REFRESH;
    if (pit8254_out(s->pit, 2)) v |= PORT61_OUT2;
    return v;
}

static void port61_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct port61 *s = opaque;
    s->value = (uint8_t)(value & 0x0F);
    pit8254_set_gate(s->pit, 2, (s->value & PORT61_GATE2) != 0);
    LOG(LOG_PIT, "port61: write 0x%02X (gate2 %d, speaker %s)", s->value, s->value & PORT61_GATE2,
        port61_speaker_level(s) ? "high" : "low");
}

static const struct io_ops port61_ops = {
    .read = port61_read,
    .write = port61_write,
    .impl_min = 1,
    .impl_max = 1,
    .name = "port61",
};

static void port61_reset(void *opaque)
{
    struct port61 *s = opaque;
    s->value = 0;
    pit8254_set_gate(s->pit, 2, false);
}

struct port61 *port61_create(struct bus *bus, struct sched *sched, struct pit8254 *pit)
{
    struct port61 *s = calloc(1, sizeof(*s));
    if (!s) return NULL;
    s->bus = bus;
    s->sched = sched;
    s->pit = pit;
    s->region = bus_map_ports(bus, PORT61_IOBASE, 1, &port61_ops, s);
    if (!s->region) {
        free(s);
        return NULL;
    }
    port61_reset(s);
    return s;
}

static void port61_destroy(void *opaque)
{
    struct port61 *s = opaque;
    bus_unmap(s->bus, s->region);
    free(s);
}

static void port61_info(void *opaque, FILE *out)
{
    struct port61 *s = opaque;
    fprintf(out, "port61: 0x%02X (gate2 %d, speaker data %d, OUT2 %d, speaker %d)\n", s->value,
            s->value & 1, (s->value >> 1) & 1, pit8254_out(s->pit, 2), port61_speaker_level(s));
}

const struct device_desc port61_desc = {
    .name = "port61",
    .reset = port61_reset,
    .destroy = port61_destroy,
    .info = port61_info,
};

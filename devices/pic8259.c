/*
 * pic8259.c - the PC/AT's two cascaded Intel 8259A interrupt controllers and
 * the PIIX edge/level control registers.
 *
 * Sources: Intel 8259A Programmable Interrupt Controller datasheet (order
 * 231468): "Interrupt Sequence", "Programming the 8259A" (ICW1-ICW4, OCW1-OCW3),
 * "Fully Nested Mode", "End of Interrupt", "Automatic Rotation", "Specific
 * Rotation", "Special Mask Mode", "Poll Command", "Cascade Mode", "Special
 * Fully Nested Mode", "Edge and Level Triggered Modes" (a request that vanishes
 * before the acknowledge gives the default IR7 vector), "Reading the 8259A
 * Status".  Intel 82371SB PIIX3 datasheet, ELCR1/ELCR2 at 4D0h/4D1h (IRQ 0, 1,
 * 2, 8 and 13 cannot be level-triggered; ICW1's LTIM bit is ignored, the ELCR
 * decides).  IBM PC/AT Technical Reference for the wiring: master at 20h/21h,
 * slave at A0h/A1h with its INT on master IR2, ISA IRQ2 redirected to IRQ 9.
 *
 * Model:
 * - Each input keeps the level its wire last had (pins).  An edge-triggered
 *   input sets its IRR bit on a 0->1 change, and the bit stays latched until
 *   the request is acknowledged (or ICW1 resets the edge sense), so a short
 *   irq_pulse() is never lost.  A level-triggered input's IRR bit follows the
 *   wire: it drops when the wire drops and reasserts right after the
 *   acknowledge (and after EOI) while the wire stays high.
 * - The slave's INT drives master IR2 like any other wire (edge-triggered, as
 *   the ELCR forces).  Hence a slave request that vanishes before INTA leaves
 *   master IRR2 latched and the acknowledge returns the slave's IR7 (IRQ 15
 *   spurious) with master ISR2 set, which Linux expects and EOIs.  During the
 *   acknowledge the slave's INT is taken as low (the request just moved into
 *   its ISR), so a request still pending in the slave afterwards (auto-EOI)
 *   makes a fresh edge on IR2 instead of being lost.
 * - Priority: `lowest` is the IR with the lowest priority; rotation and the
 *   set-priority command move it.  A request interrupts when it has higher
 *   priority than every in-service level.  In special mask mode in-service
 *   levels block only themselves (datasheet: masking a level enables all other
 *   unmasked levels, lower as well as higher), and a non-specific EOI ignores
 *   masked ISR bits.  In special fully nested mode the master's cascade ISR
 *   bits do not block further requests from the same slave.
 * - The INTR output is derived in pic8259_update_irq() from state after every
 *   change; the CPU callback runs only when the level changes.
 * - The poll command (OCW3 P) makes the next read of either port act as an
 *   acknowledge: it sets the ISR bit of the highest request and returns
 *   0x80 | level, or 0x00 with no request (I = 0; the datasheet leaves W2-W0
 *   undefined then).  A poll never auto-EOIs (auto-EOI happens on the last
 *   INTA pulse of a real acknowledge).
 * - ICW1 clears IMR, ISR, special mask, poll, rotate-in-AEOI and the edge
 *   latches (edge IRR bits), sets IR7 lowest, selects IRR for reads, and sets
 *   the slave address to 7; without IC4, ICW4 becomes 0.  The datasheet does
 *   not say ISR is cleared; we clear it so a re-initialised chip starts clean.
 * - Device reset (no RESET pin on the 8259A; the PIIX resets it): IMR = 0xFF so
 *   nothing is delivered before the BIOS programs the chips, ISR and edge
 *   latches clear, ELCR = 0 (its PIIX default), IR7 lowest, vector bases 0,
 *   AT cascade (master ICW3 = 04h, slave ID 2) and 8086 mode.
 *
 * Not emulated: MCS-80/85 mode (ICW4 uPM = 0: logged once, vectors are still
 * delivered the 8086 way; ICW1 A7-A5/ADI and ICW2 A10-A8 are stored only);
 * buffered mode (BUF, M/S stored only: the AT wiring fixes who is master);
 * slaves on master inputs other than IR2 (an acknowledge of such a cascade
 * input reads open bus, 0xFF); INTA timing and the nine-cycle 8080 sequence.
 */
#include "devices/pic8259.h"

#include <stdlib.h>

#include "mem/bus.h"
#include "mem/log.h"

/* ICW1 bits */
#define ICW1_IC4 0x01  /* ICW4 will follow */
#define ICW1_SNGL 0x02 /* single (no ICW3) */
#define ICW1_LTIM 0x08 /* level-triggered (ignored: the ELCR decides) */
#define ICW1_INIT 0x10 /* D4 = 1 with A0 = 0 selects ICW1 */
/* ICW4 bits */
#define ICW4_UPM 0x01  /* 8086/8088 mode */
#define ICW4_AEOI 0x02 /* automatic EOI */
#define ICW4_MS 0x04   /* buffered master (1) / slave (0) */
#define ICW4_BUF 0x08  /* buffered mode */
#define ICW4_SFNM 0x10 /* special fully nested mode */
/* OCW3 bits */
#define OCW3_RIS 0x01  /* with RR: read ISR (1) or IRR (0) */
#define OCW3_RR 0x02   /* read register command */
#define OCW3_P 0x04    /* poll */
#define OCW3_SEL 0x08  /* D3 = 1, D4 = 0 with A0 = 0 selects OCW3 */
#define OCW3_SMM 0x20  /* with ESMM: set (1) or reset (0) special mask mode */
#define OCW3_ESMM 0x40 /* enable special mask mode change */

enum { INIT_NONE = 0, INIT_ICW2 = 2, INIT_ICW3 = 3, INIT_ICW4 = 4 };

struct pic8259_chip {
    uint8_t irr;        /* interrupt request register: bit n = request pending on IRn */
    uint8_t isr;        /* in-service register: bit n = IRn acknowledged, not yet EOI'd */
    uint8_t imr;        /* interrupt mask register (OCW1): bit n = IRn masked */
    uint8_t pins;       /* level each IR input last had (for edge detection) */
    uint8_t elcr;       /* PIIX ELCR: bit n = IRn level-triggered (else edge) */
    uint8_t elcr_mask;  /* ELCR bits that may be set (others forced edge) */
    uint8_t lowest;     /* IR number (0-7) with the lowest priority; lowest+1 is highest */
    uint8_t icw1;       /* last ICW1 (IC4, SNGL, ADI, LTIM, A7-A5) */
    uint8_t icw2;       /* last ICW2: vector base in bits 7-3 (8086 mode) */
    uint8_t icw3;       /* master: bit n = slave on IRn; slave: its ID in bits 2-0 */
    uint8_t icw4;       /* last ICW4 (uPM, AEOI, M/S, BUF, SFNM); 0 if not needed */
    uint8_t init_state; /* next ICW expected on A0 = 1 (INIT_ICW2..4), INIT_NONE when operating */
    bool read_isr;      /* OCW3 RR/RIS: a read at A0 = 0 returns ISR (true) or IRR */
    bool poll;          /* OCW3 P: the next read is a poll (acts as an acknowledge) */
    bool special_mask;  /* OCW3 special mask mode */
    bool rotate_aeoi;   /* OCW2 rotate in automatic EOI mode */
    bool int_out;       /* INT output level, derived by pic8259_update_irq */
};

struct pic8259 {
    struct pic8259_chip chip[2]; /* [0] master (IRQ 0-7), [1] slave (IRQ 8-15) */
    uint16_t wires;  /* level of each ISA IRQ wire 0-15 as devices set it (bit 2: ISA IRQ2) */
    bool intr;       /* INTR output to the CPU, as last reported */
    struct bus *bus; /* bus the ports are mapped on */
    struct region *regions[3];                  /* 0x20, 0xA0, 0x4D0 */
    void (*cpu_intr)(void *opaque, bool level); /* board hook to the CPU's INTR pin */
    void *cpu_opaque;                           /* its argument */
};

#define MASTER(s) (&(s)->chip[0])
#define SLAVE(s) (&(s)->chip[1])

static void pic8259_update_irq(struct pic8259 *s);

static bool chip_is_master(const struct pic8259 *s, const struct pic8259_chip *c)
{
    return c == MASTER(s);
}

/* Master inputs that have a slave behind them (cascade mode only). */
static uint8_t cascade_bits(const struct pic8259_chip *m)
{
    return (m->icw1 & ICW1_SNGL) ? 0 : m->icw3;
}

/* Priority of the highest set bit of mask: 0 (highest) .. 7, 8 if none. */
static int chip_priority(const struct pic8259_chip *c, uint8_t mask)
{
    for (int i = 0; i < 8; i++)
        if (mask & (1u << ((c->lowest + 1 + i) & 7))) return i;
    return 8;
}

static int prio_to_ir(const struct pic8259_chip *c, int prio)
{
    return (c->lowest + 1 + prio) & 7;
}

/* The IR this chip would interrupt for now, or -1 (its INT output is low). */
static int chip_get_irq(const struct pic8259 *s, const struct pic8259_chip *c)
{
    uint8_t pending = c->irr & ~c->imr;
    if (!pending) return -1;
    if (c->special_mask) {
        /* In-service levels block only themselves. */
        pending &= ~c->isr;
        return pending ? prio_to_ir(c, chip_priority(c, pending)) : -1;
    }
    uint8_t in_service = c->isr;
    if (chip_is_master(s, c) && (c->icw4 & ICW4_SFNM))
        in_service &= ~cascade_bits(c); /* a slave may nest above its own in-service level */
    int prio = chip_priority(c, pending);
    return prio < chip_priority(c, in_service) ? prio_to_ir(c, prio) : -1;
}

/* A wire into IRn changed (or was re-asserted) to level. */
static void chip_set_pin(struct pic8259_chip *c, int ir, bool level)
{
    uint8_t bit = (uint8_t)(1u << ir);
    if (c->elcr & bit) {
        c->irr = level ? (c->irr | bit) : (c->irr & ~bit);
    } else if (level && !(c->pins & bit)) {
        c->irr |= bit; /* rising edge: latch */
    }
    c->pins = level ? (c->pins | bit) : (c->pins & ~bit);
}

/* First (or only) INTA, or a poll read: IRn moves from IRR into ISR. */
static void chip_intack(struct pic8259_chip *c, int ir, bool may_aeoi)
{
    uint8_t bit = (uint8_t)(1u << ir);
    if (!(c->elcr & bit))
        c->irr &= ~bit; /* edge latch consumed; a level request stays while the wire is high */
    if (may_aeoi && (c->icw4 & ICW4_AEOI)) {
        if (c->rotate_aeoi) c->lowest = (uint8_t)ir;
    } else {
        c->isr |= bit;
    }
}

static uint8_t chip_vector(const struct pic8259_chip *c, int ir)
{
    return (uint8_t)((c->icw2 & 0xF8) | ir);
}

/* Edge latches cleared, level-triggered IRR bits follow their wires. */
static void chip_resync_irr(struct pic8259_chip *c)
{
    c->irr = c->pins & c->elcr;
}

static void chip_icw1(struct pic8259 *s, struct pic8259_chip *c, uint8_t v)
{
    c->icw1 = v;
    c->imr = 0;
    c->isr = 0;
    chip_resync_irr(c);
    c->lowest = 7;
    c->special_mask = false;
    c->read_isr = false;
    c->poll = false;
    c->rotate_aeoi = false;
    if (!chip_is_master(s, c)) c->icw3 = 7; /* "slave mode address set to 7" (until ICW3) */
    if (!(v & ICW1_IC4)) c->icw4 = 0;
    c->init_state = INIT_ICW2;
    if (v & ICW1_LTIM) LOG(LOG_PIC, "pic: ICW1 LTIM ignored (ELCR selects level triggering)");
}

static void chip_data_write(struct pic8259_chip *c, uint8_t v)
{
    switch (c->init_state) {
    case INIT_ICW2:
        c->icw2 = v;
        if (!(c->icw1 & ICW1_SNGL))
            c->init_state = INIT_ICW3;
        else
            c->init_state = (c->icw1 & ICW1_IC4) ? INIT_ICW4 : INIT_NONE;
        break;
    case INIT_ICW3:
        c->icw3 = v;
        c->init_state = (c->icw1 & ICW1_IC4) ? INIT_ICW4 : INIT_NONE;
        break;
    case INIT_ICW4:
        c->icw4 = v;
        c->init_state = INIT_NONE;
        break;
    default:
        c->imr = v; /* OCW1 */
        return;
    }
    if (c->init_state == INIT_NONE && !(c->icw4 & ICW4_UPM))
        LOG_UNIMPL_ONCE("pic: MCS-80/85 mode (ICW4 uPM = 0); vectors delivered 8086-style");
}

static void chip_ocw2(struct pic8259_chip *c, uint8_t v)
{
    int level = v & 7;
    switch (v >> 5) {
    case 1: /* non-specific EOI */
    case 5: /* rotate on non-specific EOI */ {
        uint8_t in_service = c->special_mask ? (c->isr & ~c->imr) : c->isr;
        int prio = chip_priority(c, in_service);
        if (prio == 8) break; /* nothing in service: nothing to clear, no rotation */
        int ir = prio_to_ir(c, prio);
        c->isr &= (uint8_t) ~(1u << ir);
        if (v >> 5 == 5) c->lowest = (uint8_t)ir;
        break;
    }
    case 3: /* specific EOI */ c->isr &= (uint8_t) ~(1u << level); break;
    case 7: /* rotate on specific EOI */
        c->isr &= (uint8_t) ~(1u << level);
        c->lowest = (uint8_t)level;
        break;
    case 6: /* set priority: IR level becomes the lowest */ c->lowest = (uint8_t)level; break;
    case 4: /* rotate in automatic EOI mode (set) */ c->rotate_aeoi = true; break;
    case 0: /* rotate in automatic EOI mode (clear) */ c->rotate_aeoi = false; break;
    default: /* 2: no operation */ break;
    }
}

static void chip_ocw3(struct pic8259_chip *c, uint8_t v)
{
    if (v & OCW3_ESMM) c->special_mask = (v & OCW3_SMM) != 0;
    if (v & OCW3_RR) c->read_isr = (v & OCW3_RIS) != 0;
    if (v & OCW3_P) c->poll = true; /* takes precedence over RR on the next read */
    if (v & 0x80) LOG(LOG_GUEST_ERRORS, "pic: OCW3 with D7 set (0x%02X)", v);
}

/* Poll read: the RD pulse acts as an acknowledge of the highest request. */
static uint8_t chip_poll(struct pic8259 *s, struct pic8259_chip *c)
{
    c->poll = false;
    int ir = chip_get_irq(s, c);
    if (ir < 0) return 0x00;
    chip_intack(c, ir, false);
    return (uint8_t)(0x80 | ir);
}

static uint32_t pic_port_read(void *opaque, uint32_t offset, unsigned size, int which)
{
    struct pic8259 *s = opaque;
    struct pic8259_chip *c = &s->chip[which];
    uint8_t v;
    if (c->poll) {
        v = chip_poll(s, c);
        pic8259_update_irq(s);
    } else if (offset & 1) {
        v = c->imr;
    } else {
        v = c->read_isr ? c->isr : c->irr;
    }
    return v;
}

static void pic_port_write(void *opaque, uint32_t offset, uint32_t value, unsigned size, int which)
{
    struct pic8259 *s = opaque;
    struct pic8259_chip *c = &s->chip[which];
    uint8_t v = (uint8_t)value;
    LOG(LOG_PIC, "pic: %s %s <- 0x%02X", which ? "slave" : "master", (offset & 1) ? "data" : "cmd",
        v);
    if (offset & 1)
        chip_data_write(c, v);
    else if (v & ICW1_INIT)
        chip_icw1(s, c, v);
    else if (v & OCW3_SEL)
        chip_ocw3(c, v);
    else
        chip_ocw2(c, v);
    pic8259_update_irq(s);
}

static uint32_t master_read(void *opaque, uint32_t offset, unsigned size)
{
    return pic_port_read(opaque, offset, size, 0);
}
static uint32_t slave_read(void *opaque, uint32_t offset, unsigned size)
{
    return pic_port_read(opaque, offset, size, 1);
}
static void master_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    pic_port_write(opaque, offset, value, size, 0);
}
static void slave_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    pic_port_write(opaque, offset, value, size, 1);
}

static uint32_t elcr_read(void *opaque, uint32_t offset, unsigned size)
{
    struct pic8259 *s = opaque;
    return s->chip[offset & 1].elcr;
}

static void elcr_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct pic8259 *s = opaque;
    struct pic8259_chip *c = &s->chip[offset & 1];
    uint8_t v = (uint8_t)value;
    if (v & ~c->elcr_mask)
        LOG(LOG_GUEST_ERRORS, "pic: ELCR%u reserved bits 0x%02X ignored", (offset & 1) + 1,
            v & ~c->elcr_mask);
    uint8_t to_level = (uint8_t)(v & c->elcr_mask & ~c->elcr);
    c->elcr = v & c->elcr_mask;
    /* Lines that became level-triggered request exactly while their wire is
     * high; lines that became edge-triggered keep what their IRR latched. */
    c->irr = (c->irr & ~to_level) | (c->pins & to_level);
    pic8259_update_irq(s);
}

static const struct io_ops master_ops = {
    .read = master_read,
    .write = master_write,
    .impl_min = 1,
    .impl_max = 1,
    .name = "pic-master",
};
static const struct io_ops slave_ops = {
    .read = slave_read,
    .write = slave_write,
    .impl_min = 1,
    .impl_max = 1,
    .name = "pic-slave",
};
static const struct io_ops elcr_ops = {
    .read = elcr_read,
    .write = elcr_write,
    .impl_min = 1,
    .impl_max = 1,
    .name = "elcr",
};

#ifdef CINDER_DEBUG
/* Invariants (CINDER_DEBUG builds, after every update): a level-triggered
 * IRR bit equals its wire; the ELCR holds only writable bits; the master's
 * cascade input mirrors the slave's INT; the reported INTR is the master's
 * INT; the slave's IR1 is ISA IRQ2 OR IRQ 9. */
static void pic8259_check_invariants(const struct pic8259 *s)
{
    for (int i = 0; i < 2; i++) {
        const struct pic8259_chip *c = &s->chip[i];
        if ((c->irr & c->elcr) != (c->pins & c->elcr) || (c->elcr & ~c->elcr_mask) ||
            c->lowest > 7 || c->init_state == 1 || c->init_state > INIT_ICW4) {
            fprintf(stderr, "cinder: pic8259 invariant broken (chip %d)\n", i);
            abort();
        }
    }
    bool ir9 = (s->wires & (1u << 2 | 1u << 9)) != 0;
    if (((MASTER(s)->pins >> PIC8259_CASCADE_IR) & 1) != SLAVE(s)->int_out ||
        s->intr != MASTER(s)->int_out || ((SLAVE(s)->pins >> 1) & 1) != ir9) {
        fprintf(stderr, "cinder: pic8259 invariant broken (cascade or INTR)\n");
        abort();
    }
}
#endif

/* The one place the outputs are derived: slave INT -> master IR2 -> CPU INTR. */
static void pic8259_update_irq(struct pic8259 *s)
{
    struct pic8259_chip *m = MASTER(s), *sl = SLAVE(s);
    sl->int_out = chip_get_irq(s, sl) >= 0;
    chip_set_pin(m, PIC8259_CASCADE_IR, sl->int_out);
    m->int_out = chip_get_irq(s, m) >= 0;
    if (m->int_out != s->intr) {
        s->intr = m->int_out;
        LOG(LOG_PIC, "pic: INTR %d", s->intr);
        if (s->cpu_intr) s->cpu_intr(s->cpu_opaque, s->intr);
    }
#ifdef CINDER_DEBUG
    pic8259_check_invariants(s);
#endif
}

/* Wire handler: n is the ISA IRQ number 0-15. */
static void pic8259_set_irq(void *opaque, int n, int level)
{
    struct pic8259 *s = opaque;
    if (n < 0 || n > 15) return;
    uint16_t bit = (uint16_t)(1u << n);
    s->wires = level ? (s->wires | bit) : (s->wires & ~bit);
    if (n == PIC8259_CASCADE_IR || n == 9) /* ISA IRQ2 is routed to IRQ 9 on the AT */
        chip_set_pin(SLAVE(s), 1, (s->wires & (1u << 2 | 1u << 9)) != 0);
    else
        chip_set_pin(&s->chip[n >> 3], n & 7, level != 0);
    pic8259_update_irq(s);
}

struct irq_line pic8259_irq(struct pic8259 *s, int n)
{
    struct irq_line l = {0};
    if (s && n >= 0 && n <= 15) {
        l.set = pic8259_set_irq;
        l.opaque = s;
        l.n = n;
    }
    return l;
}

int pic8259_ack(struct pic8259 *s)
{
    struct pic8259_chip *m = MASTER(s), *sl = SLAVE(s);
    int vector;
    int ir = chip_get_irq(s, m);
    if (ir < 0) {
        vector = chip_vector(m, 7); /* request vanished: default IR7, no ISR bit */
        LOG(LOG_PIC, "pic: spurious IRQ 7 (vector 0x%02X)", vector);
    } else if (cascade_bits(m) & (1u << ir)) {
        chip_intack(m, ir, true);
        bool slave_answers = ir == PIC8259_CASCADE_IR && !(sl->icw1 & ICW1_SNGL) &&
                             (sl->icw3 & 7) == PIC8259_CASCADE_IR;
        if (!slave_answers) {
            vector = 0xFF; /* no slave drives the data bus */
            LOG(LOG_GUEST_ERRORS, "pic: cascade acknowledge on IR%d, no slave answers", ir);
        } else {
            int sir = chip_get_irq(s, sl);
            if (sir < 0) {
                vector = chip_vector(sl, 7);
                LOG(LOG_PIC, "pic: spurious IRQ 15 (vector 0x%02X)", vector);
            } else {
                chip_intack(sl, sir, true);
                vector = chip_vector(sl, sir);
            }
            /* The slave's request moved into its ISR: its INT is low for now,
             * so a request still pending there makes a new edge on IR2. */
            chip_set_pin(m, PIC8259_CASCADE_IR, false);
        }
    } else {
        chip_intack(m, ir, true);
        vector = chip_vector(m, ir);
    }
    pic8259_update_irq(s);
    return vector;
}

int pic8259_cpu_ack(void *opaque)
{
    return pic8259_ack(opaque);
}

bool pic8259_intr(const struct pic8259 *s)
{
    return s->intr;
}

static void chip_reset(struct pic8259_chip *c, uint8_t icw3, uint8_t elcr_mask)
{
    uint8_t pins = c->pins; /* wire levels are the devices', not ours */
    *c = (struct pic8259_chip){0};
    c->pins = pins;
    c->elcr_mask = elcr_mask;
    c->imr = 0xFF;
    c->lowest = 7;
    c->icw1 = ICW1_INIT | ICW1_IC4;
    c->icw3 = icw3;
    c->icw4 = ICW4_UPM;
}

static void pic8259_reset(void *opaque)
{
    struct pic8259 *s = opaque;
    chip_reset(MASTER(s), 1u << PIC8259_CASCADE_IR, PIC8259_ELCR1_MASK);
    chip_reset(SLAVE(s), PIC8259_CASCADE_IR, PIC8259_ELCR2_MASK);
    pic8259_update_irq(s);
}

struct pic8259 *pic8259_create(struct bus *bus, void (*cpu_intr)(void *opaque, bool level),
                               void *cpu_opaque)
{
    struct pic8259 *s = calloc(1, sizeof(*s));
    if (!s) return NULL;
    s->bus = bus;
    s->cpu_intr = cpu_intr;
    s->cpu_opaque = cpu_opaque;
    s->regions[0] = bus_map_ports(bus, PIC8259_MASTER_BASE, 2, &master_ops, s);
    s->regions[1] = bus_map_ports(bus, PIC8259_SLAVE_BASE, 2, &slave_ops, s);
    s->regions[2] = bus_map_ports(bus, PIC8259_ELCR_BASE, 2, &elcr_ops, s);
    if (!s->regions[0] || !s->regions[1] || !s->regions[2]) {
        for (int i = 0; i < 3; i++)
            bus_unmap(bus, s->regions[i]);
        free(s);
        return NULL;
    }
    pic8259_reset(s);
    return s;
}

static void pic8259_destroy(void *opaque)
{
    struct pic8259 *s = opaque;
    for (int i = 0; i < 3; i++)
        bus_unmap(s->bus, s->regions[i]);
    free(s);
}

static void pic8259_info(void *opaque, FILE *out)
{
    struct pic8259 *s = opaque;
    fprintf(out, "pic8259: INTR %d wires 0x%04X\n", s->intr, s->wires);
    for (int i = 0; i < 2; i++) {
        const struct pic8259_chip *c = &s->chip[i];
        fprintf(out,
                "  %s: irr=%02X isr=%02X imr=%02X elcr=%02X base=0x%02X lowest=%d icw1=%02X "
                "icw3=%02X icw4=%02X%s%s%s%s%s\n",
                i ? "slave " : "master", c->irr, c->isr, c->imr, c->elcr, c->icw2 & 0xF8, c->lowest,
                c->icw1, c->icw3, c->icw4, c->init_state ? " (initialising)" : "",
                c->special_mask ? " smm" : "", c->rotate_aeoi ? " rotate-aeoi" : "",
                c->read_isr ? " read-isr" : "", c->poll ? " poll" : "");
    }
}

const struct device_desc pic8259_desc = {
    .name = "pic8259",
    .reset = pic8259_reset,
    .destroy = pic8259_destroy,
    .info = pic8259_info,
};

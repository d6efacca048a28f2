/*
 * pit8254.c - Intel 8254 programmable interval timer (three counters).
 *
 * Sources: Intel 82C54 CHMOS Programmable Interval Timer datasheet
 * (order 231244): "Control Word Format", "Write Operations", "Read
 * Operations" (counter latch command, read-back command, status byte, null
 * count), "Mode Definitions" (modes 0-5 and the GATE table), "Operation
 * Common to All Modes" (count loaded on the CLK pulse after it is written,
 * count 0 = 2^16 binary / 10^4 BCD); IBM PC/AT Technical Reference (counter 0
 * on IRQ 0, counter 2 gated by port 0x61 and driving the speaker).
 *
 * Time: the counters are never stepped.  The input clock (1.193182 MHz) is a
 * grid of absolute ticks: tick n happens at ceil(n * 1e9 / F) virtual ns.  A
 * counting element remembers the tick at which it was loaded (start) and its
 * count (n); the count and OUT at any tick are pure functions of
 * d = tick - start, so periodic modes have edges exactly at start + k*n and
 * never drift.  Counter 0 keeps one timer armed for its next possible OUT
 * change; its callback evaluates at the tick it was armed for, so every edge
 * reaches IRQ 0 in order even if the clock ran past several of them.
 *
 * Modelled: modes 0-5 (modes 6/7 alias 2/3), binary and BCD, LSB / MSB /
 * LSB-then-MSB access with separate read and write flip-flops, counter latch,
 * read-back of count and/or status for several counters, null count, count 0
 * as 65536 (10000 BCD), mode 0 stopping on the first byte of a two-byte
 * count, modes 2 and 3 taking a new count at the end of the current period
 * (mode 2) or half-cycle (mode 3), modes 1/5 retriggering, GATE (pause in
 * modes 0/4, stop with OUT high and reload on the rising edge in modes 2/3,
 * trigger in modes 1/5).
 *
 * Not emulated: the counting element's value between a control word and the
 * first load (the datasheet calls it undefined; we keep the old value), the
 * GATE being sampled on CLK edges (a gate change acts at the tick it happens
 * in), counts of 1 in mode 2/3 (illegal; mode 2 holds OUT low, mode 3 high),
 * power-up state (after reset every counter waits for a control word with OUT
 * high).  Counter 1 (DRAM refresh) has no output wire.  A mode 3 count of 2
 * on counter 0 makes an IRQ edge every 838 ns; the model delivers them all.
 */
#include "devices/pit8254.h"

#include <stdlib.h>

#include "mem/bus.h"
#include "mem/log.h"
#include "mem/sched.h"

#define TICK_NEVER INT64_MAX
#define PIT_CATCHUP_TICKS (1 << 17) /* ~110 ms: older OUT0 edges are not replayed */

enum pit_cstate {
    PIT_IDLE,         /* no count since the control word (or mode 0 mid-load) */
    PIT_WAIT_TRIGGER, /* mode 1/5: count written, waiting for a GATE rising edge */
    PIT_RUN,          /* counting: d = tick - start */
    PIT_HELD,         /* count loaded, counting suspended by GATE low: d = held_d */
};

struct pit_counter {
    uint8_t ctrl;         /* control word bits 5-0: RW (5-4), mode (3-1), BCD (0) */
    uint8_t cs;           /* enum pit_cstate */
    bool gate;            /* GATE input level */
    bool write_msb_next;  /* write flip-flop (RW=3): next write is the MSB */
    bool read_msb_next;   /* read flip-flop (RW=3, unlatched): next read is the MSB */
    bool count_latched;   /* output latch holds a latched count */
    bool latch_msb_next;  /* latched count (RW=3): next read returns its MSB */
    bool status_latched;  /* status byte latched by read-back, returned by the next read */
    bool null_count;      /* count register written, not yet in the counting element */
    bool pending;         /* mode 2/3: a new count loads at pending_tick */
    bool pending_low;     /* mode 3: the segment starting at pending_tick begins with OUT low */
    uint8_t cr_lsb;       /* LSB of a two-byte count, waiting for its MSB */
    uint8_t status;       /* latched status byte */
    uint16_t latch;       /* latched count, as the guest reads it (BCD if BCD) */
    uint32_t cr;          /* count register: last full count written, in clocks (1..modulus) */
    uint32_t n;           /* count of the running segment, in clocks (1..modulus) */
    uint32_t phase;       /* mode 3: clocks into the period at d = 0 (high half if starting low) */
    uint32_t stale;       /* counting element value shown before a load, in clocks (0..modulus-1) */
    int64_t start;        /* PIT_RUN: tick at which d = 0 (the count was loaded) */
    int64_t held_d;       /* PIT_HELD: clocks counted before GATE went low (>= 0) */
    int64_t pending_tick; /* tick at which the pending count loads */
    int64_t cr_load_tick; /* tick the count register reaches the counting element, or NEVER */
};

struct pit8254 {
    struct bus *bus;         /* bus the ports are on */
    struct sched *sched;     /* virtual clock */
    struct region *region;   /* ports base..base+3 */
    struct irq_line out0;    /* counter 0's OUT (IRQ 0) */
    struct timer timer;      /* counter 0's next possible OUT edge */
    int64_t timer_tick;      /* tick the timer is armed for */
    int8_t out0_level;       /* level last driven on out0; -1 before the first update */
    struct pit_counter c[3]; /* counters 0-2 */
};

/* ---- time ---- */

int64_t pit8254_ns_to_tick(uint64_t ns)
{
    return (int64_t)((unsigned __int128)ns * PIT8254_FREQ_HZ / 1000000000u);
}

uint64_t pit8254_tick_ns(int64_t tick)
{
    if (tick <= 0) return 0;
    return (uint64_t)(((unsigned __int128)tick * 1000000000u + PIT8254_FREQ_HZ - 1) /
                      PIT8254_FREQ_HZ);
}

static int64_t now_tick(const struct pit8254 *s)
{
    return pit8254_ns_to_tick(sched_now(s->sched));
}

/* ---- one counter: pure functions of (state, tick) ---- */

static unsigned cmode(const struct pit_counter *c)
{
    unsigned m = (c->ctrl >> 1) & 7;
    return m > 5 ? m - 4 : m; /* 6, 7 are 2, 3 */
}

static unsigned crw(const struct pit_counter *c)
{
    return (c->ctrl >> 4) & 3;
}
static bool cbcd(const struct pit_counter *c)
{
    return c->ctrl & 1;
}
static uint32_t modulus(const struct pit_counter *c)
{
    return cbcd(c) ? 10000 : 65536;
}

/* Clocks counted in the running or held segment; negative before the load. */
static int64_t counter_d(const struct pit_counter *c, int64_t tick)
{
    return c->cs == PIT_HELD ? c->held_d : tick - c->start;
}

/* Counting element value at tick, 0..modulus-1. */
static uint32_t counter_value(const struct pit_counter *c, int64_t tick)
{
    if (c->cs == PIT_IDLE || c->cs == PIT_WAIT_TRIGGER) return c->stale;
    int64_t d = counter_d(c, tick);
    if (d < 0) return c->stale;
    uint32_t m = modulus(c), n = c->n, v;
    switch (cmode(c)) {
    case 2: v = n - (uint32_t)(d % n); break;
    case 3: {
        uint32_t p = (uint32_t)((d + c->phase) % n), h = (n + 1) / 2;
        uint32_t q = p < h ? p : p - h;
        v = (n & ~1u) - 2 * q;
        break;
    }
    default: /* 0, 1, 4, 5: count down and wrap */ v = n + m - (uint32_t)(d % m); break;
    }
    return v % m;
}

static bool counter_out(const struct pit_counter *c, int64_t tick)
{
    unsigned mode = cmode(c);
    if (c->cs == PIT_IDLE) return mode != 0;
    if (c->cs == PIT_WAIT_TRIGGER) return true;
    if ((mode == 2 || mode == 3) && !c->gate) return true;
    int64_t d = counter_d(c, tick);
    if (d < 0) return mode != 0;
    int64_t n = c->n;
    switch (mode) {
    case 0:
    case 1: return d >= n;
    case 2: return n > 1 && d % n != n - 1;
    case 3: return (d + c->phase) % n < (n + 1) / 2;
    default: /* 4, 5 */ return d != n;
    }
}

/* First tick after tick at which OUT may change; TICK_NEVER if none. */
static int64_t counter_next_event(const struct pit_counter *c, int64_t tick)
{
    if (c->cs != PIT_RUN) return TICK_NEVER;
    int64_t d = tick - c->start, n = c->n, ev = TICK_NEVER;
    if (d < 0) {
        ev = c->start;
    } else {
        switch (cmode(c)) {
        case 0:
        case 1:
            if (d < n) ev = c->start + n;
            break;
        case 2:
            if (n > 1) {
                int64_t p = d % n;
                ev = p < n - 1 ? tick + (n - 1 - p) : tick + 1;
            }
            break;
        case 3:
            if (n > 1) {
                int64_t p = (d + c->phase) % n, h = (n + 1) / 2;
                ev = p < h ? tick + (h - p) : tick + (n - p);
            }
            break;
        default:
            if (d < n)
                ev = c->start + n;
            else if (d == n)
                ev = c->start + n + 1;
            break;
        }
    }
    if (c->pending && c->pending_tick > tick && c->pending_tick < ev) ev = c->pending_tick;
    return ev;
}

/* Bring lazily scheduled loads up to tick (monotonic, idempotent). */
static void counter_sync(struct pit_counter *c, int64_t tick)
{
    if (c->cs == PIT_RUN && c->pending && tick >= c->pending_tick) {
        c->n = c->cr;
        c->start = c->pending_tick;
        c->phase = c->pending_low ? (c->cr + 1) / 2 : 0;
        c->pending = false;
    }
    if (c->null_count && tick >= c->cr_load_tick) c->null_count = false;
}

static uint16_t counter_raw(const struct pit_counter *c, int64_t tick)
{
    uint32_t v = counter_value(c, tick);
    if (!cbcd(c)) return (uint16_t)v;
    return (uint16_t)((v / 1000) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | (v % 10));
}

static uint8_t counter_status(const struct pit_counter *c, int64_t tick)
{
    return (uint8_t)((counter_out(c, tick) ? 0x80 : 0) | (c->null_count ? 0x40 : 0) |
                     (c->ctrl & 0x3F));
}

/* The segment now running restarts from the count register at tick + 1. */
static void counter_load_next_clock(struct pit_counter *c, int64_t tick)
{
    c->stale = counter_value(c, tick);
    c->n = c->cr;
    c->phase = 0;
    c->pending = false;
    c->cr_load_tick = tick + 1;
    if (c->gate || cmode(c) == 1 || cmode(c) == 5) {
        c->cs = PIT_RUN;
        c->start = tick + 1;
    } else {
        c->cs = PIT_HELD; /* loaded on the next clock, but not decremented */
        c->held_d = 0;
    }
}

/* A full count was written (raw is the guest's 16-bit value). */
static void counter_write_count(struct pit_counter *c, int64_t tick, uint16_t raw)
{
    uint32_t val = raw;
    if (cbcd(c)) {
        uint32_t d3 = raw >> 12, d2 = raw >> 8 & 15, d1 = raw >> 4 & 15, d0 = raw & 15;
        if (d3 > 9 || d2 > 9 || d1 > 9 || d0 > 9)
            LOG(LOG_GUEST_ERRORS, "pit: invalid BCD count 0x%04X", raw);
        val = (d3 * 1000 + d2 * 100 + d1 * 10 + d0) % 10000;
    }
    if (val == 0) val = modulus(c);
    c->cr = val;
    c->null_count = true;
    c->cr_load_tick = TICK_NEVER;

    switch (cmode(c)) {
    case 1:
    case 5:
        /* Loaded on the next trigger; a running count is not disturbed. */
        if (c->cs == PIT_IDLE) c->cs = PIT_WAIT_TRIGGER;
        break;
    case 2:
    case 3:
        if (c->cs == PIT_RUN && tick >= c->start) {
            /* Counting: the new count waits for the end of the period (mode 2)
             * or of the current half-cycle (mode 3). */
            int64_t d = tick - c->start, n = c->n;
            if (cmode(c) == 2) {
                c->pending_tick = tick + (n - d % n);
                c->pending_low = false;
            } else {
                int64_t p = (d + c->phase) % n, h = (n + 1) / 2;
                c->pending_low = p < h;
                c->pending_tick = p < h ? tick + (h - p) : tick + (n - p);
            }
            c->pending = true;
            c->cr_load_tick = c->pending_tick;
        } else if (c->cs == PIT_HELD) {
            /* GATE low: the rising edge reloads from the count register. */
        } else {
            counter_load_next_clock(c, tick);
        }
        break;
    default: /* 0, 4: loaded on the next clock, counting restarts */
        counter_load_next_clock(c, tick);
        break;
    }
}

static void counter_write(struct pit_counter *c, int64_t tick, uint8_t v)
{
    switch (crw(c)) {
    case 1: counter_write_count(c, tick, v); break;
    case 2: counter_write_count(c, tick, (uint16_t)(v << 8)); break;
    case 3:
        if (!c->write_msb_next) {
            c->cr_lsb = v;
            c->write_msb_next = true;
            if (cmode(c) == 0) {
                /* Mode 0: the first byte stops counting and drives OUT low. */
                c->stale = counter_value(c, tick);
                c->cs = PIT_IDLE;
                c->pending = false;
                c->null_count = true;
                c->cr_load_tick = TICK_NEVER;
            }
        } else {
            c->write_msb_next = false;
            counter_write_count(c, tick, (uint16_t)(c->cr_lsb | v << 8));
        }
        break;
    default: break;
    }
}

static uint8_t counter_read(struct pit_counter *c, int64_t tick)
{
    if (c->status_latched) {
        c->status_latched = false;
        return c->status;
    }
    unsigned rw = crw(c);
    if (c->count_latched) {
        if (rw == 3 && !c->latch_msb_next) {
            c->latch_msb_next = true;
            return (uint8_t)c->latch;
        }
        c->count_latched = false;
        c->latch_msb_next = false;
        return (uint8_t)(rw == 1 ? c->latch : c->latch >> 8);
    }
    uint16_t raw = counter_raw(c, tick);
    switch (rw) {
    case 1: return (uint8_t)raw;
    case 2: return (uint8_t)(raw >> 8);
    default:
        c->read_msb_next = !c->read_msb_next;
        return (uint8_t)(c->read_msb_next ? raw : raw >> 8);
    }
}

static void counter_latch(struct pit_counter *c, int64_t tick)
{
    if (c->count_latched) return; /* further latches are ignored until read */
    c->latch = counter_raw(c, tick);
    c->count_latched = true;
    c->latch_msb_next = false;
}

static void counter_control(struct pit_counter *c, int64_t tick, uint8_t ctrl)
{
    c->stale = counter_value(c, tick);
    c->ctrl = ctrl & 0x3F;
    c->cs = PIT_IDLE;
    c->write_msb_next = false;
    c->read_msb_next = false;
    c->count_latched = false;
    c->latch_msb_next = false;
    c->status_latched = false;
    c->pending = false;
    c->null_count = true;
    c->cr_load_tick = TICK_NEVER;
}

static void counter_set_gate(struct pit_counter *c, int64_t tick, bool level)
{
    if (level == c->gate) return;
    c->gate = level;
    unsigned mode = cmode(c);
    if (level) {
        switch (mode) {
        case 1:
        case 5:
        case 2:
        case 3:
            /* Trigger (1/5) or restart (2/3): reload from the count register. */
            if (c->cs != PIT_IDLE) counter_load_next_clock(c, tick);
            break;
        default:
            if (c->cs == PIT_HELD) { /* modes 0/4 resume on the next clock */
                c->cs = PIT_RUN;
                c->start = tick + 1 - c->held_d;
            }
            break;
        }
    } else if (mode != 1 && mode != 5 && c->cs == PIT_RUN) {
        int64_t d = tick - c->start;
        c->held_d = d < 0 ? 0 : d;
        c->cs = PIT_HELD;
        c->pending = false; /* modes 2/3 reload the count register on the rising edge */
    }
}

static void counter_reset(struct pit_counter *c)
{
    bool gate = c->gate; /* an input: its driver keeps it */
    *c = (struct pit_counter){0};
    c->gate = gate;
    c->ctrl = 0x36; /* LSB then MSB, mode 3, binary: what every BIOS programs */
    c->cr = c->n = 65536;
    c->cr_load_tick = TICK_NEVER;
}

/* ---- the chip ---- */

/* Drive OUT0 from the state at tick and arm the timer for its next edge. */
static void pit8254_update_irq(struct pit8254 *s, int64_t tick)
{
    struct pit_counter *c = &s->c[0];
    int level = counter_out(c, tick);
    if (level != s->out0_level) {
        s->out0_level = (int8_t)level;
        irq_set(&s->out0, level);
    }
    int64_t ev = counter_next_event(c, tick);
    if (ev == TICK_NEVER) {
        timer_del(&s->timer);
    } else {
        s->timer_tick = ev;
        timer_mod(&s->timer, pit8254_tick_ns(ev));
    }
}

static void pit8254_timer_fire(void *opaque)
{
    struct pit8254 *s = opaque;
    /* Evaluate at the edge itself: if the clock overshot, the next edge is
     * already due and fires in the same sched_run_due, in order.  After a
     * jump of more than PIT_CATCHUP_TICKS (the host slept, say) the missed
     * edges are dropped, as the PIC would have merged them: a guest's
     * 1 MHz square wave must not cost hours of host time. */
    int64_t tick = s->timer_tick, now = now_tick(s);
    if (now - tick > PIT_CATCHUP_TICKS) tick = now;
    counter_sync(&s->c[0], tick);
    pit8254_update_irq(s, tick);
}

static uint32_t pit8254_read(void *opaque, uint32_t offset, unsigned size)
{
    struct pit8254 *s = opaque;
    if (offset == 3) return 0xFF; /* the control register is write-only */
    int64_t tick = now_tick(s);
    struct pit_counter *c = &s->c[offset];
    counter_sync(c, tick);
    uint8_t v = counter_read(c, tick);
    pit8254_update_irq(s, tick);
    return v;
}

static void pit8254_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct pit8254 *s = opaque;
    int64_t tick = now_tick(s);
    uint8_t v = (uint8_t)value;
    for (int i = 0; i < 3; i++)
        counter_sync(&s->c[i], tick);

    if (offset < 3) {
        counter_write(&s->c[offset], tick, v);
    } else if ((v >> 6) == 3) {
        /* Read-back: bit 5 low latches counts, bit 4 low latches status. */
        for (int i = 0; i < 3; i++) {
            if (!(v & (2 << i))) continue;
            struct pit_counter *c = &s->c[i];
            if (!(v & 0x20)) counter_latch(c, tick);
            if (!(v & 0x10) && !c->status_latched) {
                c->status = counter_status(c, tick);
                c->status_latched = true;
            }
        }
    } else if (((v >> 4) & 3) == 0) {
        counter_latch(&s->c[v >> 6], tick);
    } else {
        counter_control(&s->c[v >> 6], tick, v);
        LOG(LOG_PIT, "pit: counter %d mode %u rw %u%s", v >> 6, cmode(&s->c[v >> 6]), (v >> 4) & 3,
            v & 1 ? " BCD" : "");
    }
    pit8254_update_irq(s, tick);
}

static const struct io_ops pit8254_ops = {
    .read = pit8254_read,
    .write = pit8254_write,
    .impl_min = 1,
    .impl_max = 1,
    .name = "pit8254",
};

void pit8254_set_gate(struct pit8254 *s, int counter, bool level)
{
    if (counter < 0 || counter > 2) return;
    int64_t tick = now_tick(s);
    struct pit_counter *c = &s->c[counter];
    counter_sync(c, tick);
    counter_set_gate(c, tick, level);
    pit8254_update_irq(s, tick);
}

bool pit8254_out(struct pit8254 *s, int counter)
{
    if (counter < 0 || counter > 2) return false;
    int64_t tick = now_tick(s);
    struct pit_counter *c = &s->c[counter];
    counter_sync(c, tick);
    return counter_out(c, tick);
}

static void pit8254_reset(void *opaque)
{
    struct pit8254 *s = opaque;
    for (int i = 0; i < 3; i++)
        counter_reset(&s->c[i]);
    pit8254_update_irq(s, now_tick(s));
}

struct pit8254 *pit8254_create(struct bus *bus, struct sched *sched, uint16_t base,
                               struct irq_line out0)
{
    struct pit8254 *s = calloc(1, sizeof(*s));
    if (!s) return NULL;
    s->bus = bus;
    s->sched = sched;
    s->out0 = out0;
    s->out0_level = -1;
    timer_init(&s->timer, sched, pit8254_timer_fire, s, "pit8254");
    for (int i = 0; i < 3; i++)
        s->c[i].gate = true;
    s->region = bus_map_ports(bus, base, 4, &pit8254_ops, s);
    if (!s->region) {
        LOG(LOG_GUEST_ERRORS, "pit: ports 0x%X-0x%X are taken", base, base + 3);
        free(s);
        return NULL;
    }
    pit8254_reset(s);
    return s;
}

static void pit8254_destroy(void *opaque)
{
    struct pit8254 *s = opaque;
    timer_del(&s->timer);
    bus_unmap(s->bus, s->region);
    free(s);
}

static void pit8254_info(void *opaque, FILE *out)
{
    static const char *const state_names[] = {"idle", "wait-trigger", "run", "held"};
    struct pit8254 *s = opaque;
    int64_t tick = now_tick(s);
    for (int i = 0; i < 3; i++) {
        struct pit_counter *c = &s->c[i];
        counter_sync(c, tick);
        fprintf(out, "pit: counter %d mode %u rw %u %s gate %d out %d count %u/%u %s%s%s\n", i,
                cmode(c), crw(c), cbcd(c) ? "bcd" : "bin", c->gate, counter_out(c, tick),
                counter_value(c, tick), c->cr, state_names[c->cs], c->null_count ? " null" : "",
                c->pending ? " pending" : "");
    }
}

const struct device_desc pit8254_desc = {
    .name = "pit8254",
    .reset = pit8254_reset,
    .destroy = pit8254_destroy,
    .info = pit8254_info,
};

/*
 * pit8254_test.c - the 8254 PIT and port 0x61, driven through the bus with a
 * fake clock.
 *
 * Times are chosen on the PIT's tick grid (pit8254_tick_ns).  A count written
 * during tick T is loaded at tick T+1 (d = 0) and decremented from T+2 on, so
 * with the write at tick 0 the counter reads n - d at tick 1 + d.  The clock
 * is advanced the way the board does it: to each timer deadline in turn, so
 * every IRQ edge is recorded at the exact ns it happens.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pit8254.h"
#include "devices/port61.h"
#include "mem/bus.h"
#include "mem/irq.h"
#include "mem/sched.h"

#define MAX_EDGES 4096

static struct bus *bus;
static struct sched *sched;
static struct pit8254 *pit;
static struct port61 *p61;

static struct {
    int level;                   /* current IRQ 0 level */
    int rises, falls;            /* edges seen */
    int sets;                    /* irq_set calls */
    uint64_t rise_ns[MAX_EDGES]; /* time of each rising edge */
    uint64_t fall_ns[MAX_EDGES]; /* time of each falling edge */
} irq0;

static void irq0_set(void *opaque, int n, int level)
{
    irq0.sets++;
    if (level && !irq0.level) {
        if (irq0.rises < MAX_EDGES) irq0.rise_ns[irq0.rises] = sched_now(sched);
        irq0.rises++;
    } else if (!level && irq0.level) {
        if (irq0.falls < MAX_EDGES) irq0.fall_ns[irq0.falls] = sched_now(sched);
        irq0.falls++;
    }
    irq0.level = level;
}

static void setup(void)
{
    memset(&irq0, 0, sizeof(irq0));
    bus = bus_create();
    sched = sched_create();
    ck_assert_ptr_nonnull(bus);
    ck_assert_ptr_nonnull(sched);
    pit = pit8254_create(bus, sched, PIT8254_IOBASE, (struct irq_line){irq0_set, NULL, 0});
    ck_assert_ptr_nonnull(pit);
    p61 = port61_create(bus, sched, pit);
    ck_assert_ptr_nonnull(p61);
    /* After reset OUT0 is high (counter waiting for its first control word). */
    ck_assert_int_eq(irq0.level, 1);
    irq0.rises = irq0.falls = irq0.sets = 0;
}

static void teardown(void)
{
    port61_desc.destroy(p61);
    pit8254_desc.destroy(pit);
    sched_destroy(sched);
    bus_destroy(bus);
}

static void outb(uint16_t port, uint8_t v)
{
    bus_port_write(bus, port, v, 1);
}
static uint8_t inb(uint16_t port)
{
    return (uint8_t)bus_port_read(bus, port, 1);
}

/* Advance to ns, firing every timer at its own deadline on the way. */
static void advance_to(uint64_t ns)
{
    while (sched_next_deadline(sched) <= ns) {
        uint64_t d = sched_next_deadline(sched);
        if (d > sched_now(sched)) sched_advance(sched, d - sched_now(sched));
        sched_run_due(sched);
    }
    if (ns > sched_now(sched)) sched_advance(sched, ns - sched_now(sched));
    sched_run_due(sched);
}

static void at_tick(int64_t t)
{
    advance_to(pit8254_tick_ns(t));
}

static void load(int ch, uint8_t ctrl, uint16_t count)
{
    outb(0x43, (uint8_t)(ch << 6 | ctrl));
    outb((uint16_t)(0x40 + ch), (uint8_t)count);
    outb((uint16_t)(0x40 + ch), (uint8_t)(count >> 8));
}

/* LSB then MSB (two reads, in this order). */
static uint16_t read16(int ch)
{
    uint8_t lo = inb((uint16_t)(0x40 + ch));
    return (uint16_t)(lo | inb((uint16_t)(0x40 + ch)) << 8);
}

/* Counter latch command, then LSB and MSB. */
static uint16_t latch_read(int ch)
{
    outb(0x43, (uint8_t)(ch << 6));
    uint8_t lo = inb((uint16_t)(0x40 + ch));
    return (uint16_t)(lo | inb((uint16_t)(0x40 + ch)) << 8);
}

/* Read-back status of one counter. */
static uint8_t status(int ch)
{
    outb(0x43, (uint8_t)(0xE0 | 2 << ch));
    return inb((uint16_t)(0x40 + ch));
}

static bool out2(void)
{
    return inb(0x61) & 0x20;
}

START_TEST(test_tick_grid)
{
    for (int64_t t = 0; t < 100000; t += 7) {
        uint64_t ns = pit8254_tick_ns(t);
        if (pit8254_ns_to_tick(ns) != t || (ns && pit8254_ns_to_tick(ns - 1) != t - 1))
            ck_abort_msg("tick %lld at %llu ns", (long long)t, (unsigned long long)ns);
    }
    ck_assert_uint_eq(pit8254_tick_ns(PIT8254_FREQ_HZ), 1000000000u);
}
END_TEST

START_TEST(test_mode0_interrupt_on_terminal_count)
{
    load(0, 0x30, 1000);
    ck_assert_int_eq(irq0.level, 0);
    at_tick(1 + 500);
    ck_assert_uint_eq(latch_read(0), 500);
    at_tick(1000);
    ck_assert_int_eq(irq0.level, 0);
    ck_assert_uint_eq(latch_read(0), 1);
    advance_to(pit8254_tick_ns(1001) - 1);
    ck_assert_int_eq(irq0.level, 0);
    at_tick(1001);
    ck_assert_int_eq(irq0.level, 1);
    ck_assert_int_eq(irq0.rises, 1);
    ck_assert_uint_eq(irq0.rise_ns[0], pit8254_tick_ns(1001));
    ck_assert_uint_eq(latch_read(0), 0);
    /* The counter wraps and keeps counting; OUT stays high, no more edges. */
    at_tick(1003);
    ck_assert_uint_eq(latch_read(0), 0xFFFE);
    at_tick(1001 + 65536 * 3);
    ck_assert_int_eq(irq0.rises, 1);
    ck_assert_int_eq(irq0.level, 1);
    ck_assert_uint_eq(sched_next_deadline(sched), UINT64_MAX);
}
END_TEST

START_TEST(test_mode0_two_byte_write_stops_counting)
{
    load(0, 0x30, 1000);
    at_tick(101); /* count 900 */
    ck_assert_uint_eq(latch_read(0), 900);
    outb(0x40, 0x10); /* first byte: counting stops, OUT low, null count */
    ck_assert_uint_eq(status(0) & 0xC0, 0x40);
    at_tick(301);
    ck_assert_uint_eq(latch_read(0), 900);     /* frozen */
    ck_assert_uint_eq(status(0) & 0x40, 0x40); /* still null count */
    outb(0x40, 0x00);                          /* 0x0010 = 16: loads at the next clock */
    ck_assert_uint_eq(status(0) & 0x40, 0x40);
    at_tick(302);
    ck_assert_uint_eq(status(0) & 0xC0, 0x00);
    ck_assert_uint_eq(latch_read(0), 16);
    at_tick(302 + 16);
    ck_assert_int_eq(irq0.level, 1);
    ck_assert_uint_eq(irq0.rise_ns[0], pit8254_tick_ns(318));
    /* Rewriting in mode 0 drops OUT and restarts. */
    load(0, 0x30, 5);
    ck_assert_int_eq(irq0.level, 0);
    at_tick(318 + 6);
    ck_assert_int_eq(irq0.level, 1);
}
END_TEST

START_TEST(test_mode0_gate_pauses)
{
    outb(0x61, 0x01); /* gate 2 high */
    load(2, 0x30, 100);
    at_tick(41);
    ck_assert_uint_eq(latch_read(2), 60);
    outb(0x61, 0x00);
    at_tick(500);
    ck_assert_uint_eq(latch_read(2), 60);
    ck_assert(!out2());
    outb(0x61, 0x01); /* resumes on the next clock */
    at_tick(501 + 59);
    ck_assert_uint_eq(latch_read(2), 1);
    ck_assert(!out2());
    at_tick(501 + 60);
    ck_assert(out2());
}
END_TEST

START_TEST(test_mode1_hardware_one_shot)
{
    load(2, 0x32, 100);
    at_tick(50);
    ck_assert(out2()); /* waiting for the trigger */
    ck_assert_uint_eq(status(2) & 0x40, 0x40);
    outb(0x61, 0x01); /* trigger at tick 50: count loads at 51 */
    ck_assert(out2());
    at_tick(51);
    ck_assert(!out2());
    ck_assert_uint_eq(status(2) & 0x40, 0);
    ck_assert_uint_eq(latch_read(2), 100);
    at_tick(51 + 30);
    ck_assert_uint_eq(latch_read(2), 70);
    /* Retrigger: reloads from the count register (now 20). */
    outb(0x42, 20);
    outb(0x42, 0);
    at_tick(90);
    ck_assert_uint_eq(latch_read(2), 61); /* the new count waits for a trigger */
    outb(0x61, 0x00);
    outb(0x61, 0x01);
    at_tick(91 + 19);
    ck_assert(!out2());
    ck_assert_uint_eq(latch_read(2), 1);
    at_tick(91 + 20);
    ck_assert(out2());
    /* Gate level does not pause mode 1. */
    outb(0x61, 0x00);
    outb(0x61, 0x01);
    at_tick(112);
    outb(0x61, 0x00);
    at_tick(112 + 20);
    ck_assert(out2());
}
END_TEST

START_TEST(test_mode2_rate_generator_no_drift)
{
    const int64_t n = 11932; /* ~100 Hz */
    load(0, 0x34, (uint16_t)n);
    ck_assert_int_eq(irq0.level, 1);
    /* Counter readout during the first period. */
    at_tick(1 + 1000);
    ck_assert_uint_eq(latch_read(0), n - 1000);
    /* 100 s of virtual time: every rising edge exactly at start + k * n. */
    const int periods = 2000;
    advance_to(pit8254_tick_ns(1 + (int64_t)periods * n) + 1);
    ck_assert_int_eq(irq0.rises, periods);
    ck_assert_int_eq(irq0.falls, periods);
    for (int k = 1; k <= periods; k++) {
        uint64_t rise = pit8254_tick_ns(1 + k * n), fall = pit8254_tick_ns(k * n);
        if (irq0.rise_ns[k - 1] != rise || irq0.fall_ns[k - 1] != fall)
            ck_abort_msg("period %d: rise %llu (want %llu) fall %llu (want %llu)", k,
                         (unsigned long long)irq0.rise_ns[k - 1], (unsigned long long)rise,
                         (unsigned long long)irq0.fall_ns[k - 1], (unsigned long long)fall);
    }
    /* The long-run rate matches the input clock. */
    uint64_t span = irq0.rise_ns[periods - 1] - irq0.rise_ns[0];
    uint64_t ideal =
        (uint64_t)((periods - 1) * (unsigned __int128)n * 1000000000u / PIT8254_FREQ_HZ);
    ck_assert_uint_le(span > ideal ? span - ideal : ideal - span, 1);
    ck_assert_int_le(irq0.sets, 2 * periods + 1);
}
END_TEST

START_TEST(test_mode2_overshoot_delivers_every_edge)
{
    load(0, 0x34, 100);
    /* Jump far past many edges in one step: each edge still arrives in order. */
    sched_advance(sched, pit8254_tick_ns(1 + 100 * 50) + 10);
    sched_run_due(sched);
    ck_assert_int_eq(irq0.rises, 50);
    ck_assert_int_eq(irq0.falls, 50);
}
END_TEST

START_TEST(test_long_jump_drops_old_edges)
{
    load(0, 0x36, 2);                            /* 596 kHz square wave */
    sched_advance(sched, 3600ull * 1000000000u); /* an hour in one step */
    sched_run_due(sched);
    ck_assert_int_le(irq0.rises, 1 << 17);
    ck_assert_uint_gt(sched_next_deadline(sched), sched_now(sched));
    ck_assert_uint_le(sched_next_deadline(sched), sched_now(sched) + 1000);
}
END_TEST

START_TEST(test_mode2_reprogram_mid_count)
{
    load(0, 0x34, 1000);
    at_tick(1 + 300);
    outb(0x40, 500 & 0xFF);
    outb(0x40, 500 >> 8);
    ck_assert_uint_eq(status(0) & 0x40, 0x40); /* null until the period ends */
    at_tick(1 + 700);
    ck_assert_uint_eq(latch_read(0), 300); /* the old period runs on */
    at_tick(1 + 1000);
    ck_assert_int_eq(irq0.rises, 1);
    ck_assert_uint_eq(irq0.rise_ns[0], pit8254_tick_ns(1001));
    ck_assert_uint_eq(status(0) & 0x40, 0);
    ck_assert_uint_eq(latch_read(0), 500);
    at_tick(1001 + 5 * 500);
    ck_assert_int_eq(irq0.rises, 6);
    for (int k = 1; k < 6; k++)
        ck_assert_uint_eq(irq0.rise_ns[k], pit8254_tick_ns(1001 + k * 500));
}
END_TEST

START_TEST(test_mode3_square_wave_odd)
{
    outb(0x61, 0x01);
    load(2, 0x36, 5);
    /* Odd count 5: high 3 clocks, low 2; reads N-1 and then down by two. */
    static const uint16_t want_count[] = {4, 2, 0, 4, 2, 4, 2, 0, 4, 2};
    static const bool want_out[] = {1, 1, 1, 0, 0, 1, 1, 1, 0, 0};
    for (int i = 0; i < 10; i++) {
        at_tick(1 + i);
        ck_assert_uint_eq(latch_read(2), want_count[i]);
        ck_assert_int_eq(out2(), want_out[i]);
        ck_assert_int_eq(!!(status(2) & 0x80), want_out[i]);
    }
}
END_TEST

START_TEST(test_mode3_irq_timing)
{
    const int64_t n = 11931, h = 5966; /* odd: high 5966, low 5965 */
    load(0, 0x36, (uint16_t)n);
    at_tick(1 + 2);
    ck_assert_uint_eq(latch_read(0), n - 1 - 4);
    const int periods = 1000;
    advance_to(pit8254_tick_ns(1 + periods * n));
    ck_assert_int_eq(irq0.rises, periods);
    ck_assert_int_eq(irq0.falls, periods);
    for (int k = 0; k < periods; k++) {
        if (irq0.fall_ns[k] != pit8254_tick_ns(1 + k * n + h) ||
            irq0.rise_ns[k] != pit8254_tick_ns(1 + (k + 1) * n))
            ck_abort_msg("period %d", k);
    }
    /* Even count 0 = 65536: half periods of 32768. */
    load(0, 0x36, 0);
    int64_t t0 = pit8254_ns_to_tick(sched_now(sched)) + 1;
    int r = irq0.rises, f = irq0.falls;
    at_tick(t0 + 32768 - 1);
    ck_assert_int_eq(irq0.falls, f);
    at_tick(t0 + 32768);
    ck_assert_int_eq(irq0.falls, f + 1);
    at_tick(t0 + 65536);
    ck_assert_int_eq(irq0.rises, r + 1);
}
END_TEST

START_TEST(test_mode3_reprogram_half_cycle)
{
    load(0, 0x36, 1000);
    at_tick(1 + 200); /* high half */
    outb(0x40, 600 & 0xFF);
    outb(0x40, 600 >> 8);
    at_tick(1 + 499);
    ck_assert_int_eq(irq0.level, 1);
    at_tick(1 + 500); /* end of the old high half: low half of the new count */
    ck_assert_int_eq(irq0.level, 0);
    ck_assert_uint_eq(latch_read(0), 600);
    at_tick(1 + 500 + 300);
    ck_assert_int_eq(irq0.level, 1);
    at_tick(1 + 500 + 600);
    ck_assert_int_eq(irq0.level, 0);
    ck_assert_uint_eq(irq0.fall_ns[1], pit8254_tick_ns(1101));
}
END_TEST

START_TEST(test_mode3_gate)
{
    outb(0x61, 0x01);
    load(2, 0x36, 100);
    at_tick(1 + 60); /* low half */
    ck_assert(!out2());
    ck_assert_uint_eq(latch_read(2), 100 - 2 * 10);
    outb(0x61, 0x00); /* gate low: OUT high at once, count frozen */
    ck_assert(out2());
    at_tick(300);
    ck_assert(out2());
    ck_assert_uint_eq(latch_read(2), 80);
    outb(0x61, 0x01); /* rising edge: reload, full period from the next clock */
    at_tick(301 + 49);
    ck_assert(out2());
    at_tick(301 + 50);
    ck_assert(!out2());
}
END_TEST

START_TEST(test_mode2_gate)
{
    outb(0x61, 0x01);
    load(2, 0x34, 10);
    at_tick(1 + 9);
    ck_assert(!out2());
    outb(0x61, 0x00);
    ck_assert(out2());
    at_tick(100);
    ck_assert(out2());
    outb(0x61, 0x01);
    at_tick(101 + 8);
    ck_assert(out2());
    ck_assert_uint_eq(latch_read(2), 2);
    at_tick(101 + 9);
    ck_assert(!out2());
    at_tick(101 + 10);
    ck_assert(out2());
}
END_TEST

START_TEST(test_mode4_software_strobe)
{
    load(0, 0x38, 10);
    ck_assert_int_eq(irq0.level, 1);
    at_tick(1 + 9);
    ck_assert_int_eq(irq0.level, 1);
    ck_assert_int_eq(irq0.falls, 0);
    at_tick(1 + 10); /* count reaches 0: OUT low for one clock */
    ck_assert_int_eq(irq0.level, 0);
    ck_assert_uint_eq(irq0.fall_ns[0], pit8254_tick_ns(11));
    ck_assert_uint_eq(latch_read(0), 0);
    at_tick(12);
    ck_assert_int_eq(irq0.rises, 1);
    ck_assert_uint_eq(irq0.rise_ns[0], pit8254_tick_ns(12));
    ck_assert_uint_eq(latch_read(0), 0xFFFF); /* keeps counting, no reload */
    at_tick(12 + 65536 * 2);
    ck_assert_int_eq(irq0.falls, 1); /* no reload: one strobe only */
}
END_TEST

START_TEST(test_mode5_hardware_strobe)
{
    load(2, 0x3A, 10);
    at_tick(100);
    ck_assert(out2());
    outb(0x61, 0x01); /* trigger at 100, loaded at 101 */
    at_tick(101 + 9);
    ck_assert(out2());
    at_tick(101 + 10);
    ck_assert(!out2());
    at_tick(101 + 11);
    ck_assert(out2());
    outb(0x61, 0x00);
    outb(0x61, 0x01); /* retrigger */
    at_tick(113 + 10);
    ck_assert(!out2());
}
END_TEST

START_TEST(test_bcd)
{
    load(0, 0x31, 0x0100); /* mode 0, BCD 100 */
    at_tick(1 + 1);
    ck_assert_uint_eq(latch_read(0), 0x0099);
    at_tick(1 + 100);
    ck_assert_uint_eq(latch_read(0), 0x0000);
    ck_assert_int_eq(irq0.level, 1);
    at_tick(1 + 101);
    ck_assert_uint_eq(latch_read(0), 0x9999); /* BCD wraps to 9999 */
    /* BCD count 0 = 10000: mode 2 period of 10000 clocks. */
    load(0, 0x35, 0);
    int64_t t0 = pit8254_ns_to_tick(sched_now(sched)) + 1;
    at_tick(t0);
    ck_assert_uint_eq(latch_read(0), 0x0000);
    at_tick(t0 + 1);
    ck_assert_uint_eq(latch_read(0), 0x9999);
    at_tick(t0 + 1234);
    ck_assert_uint_eq(latch_read(0), 0x8766);
    int r = irq0.rises;
    at_tick(t0 + 30000);
    ck_assert_int_eq(irq0.rises, r + 3);
    ck_assert_uint_eq(status(0) & 0x3F, 0x35);
    /* LSB-only access in BCD. */
    outb(0x43, 0x11); /* mode 0, LSB, BCD */
    outb(0x40, 0x25);
    at_tick(pit8254_ns_to_tick(sched_now(sched)) + 1 + 5);
    outb(0x43, 0x00);
    ck_assert_uint_eq(inb(0x40), 0x20);
}
END_TEST

START_TEST(test_count_zero_binary)
{
    load(0, 0x30, 0);
    at_tick(1);
    ck_assert_uint_eq(latch_read(0), 0);
    at_tick(2);
    ck_assert_uint_eq(latch_read(0), 0xFFFF);
    at_tick(1 + 65535);
    ck_assert_int_eq(irq0.level, 0);
    at_tick(1 + 65536);
    ck_assert_int_eq(irq0.level, 1);
}
END_TEST

START_TEST(test_latch_and_access_modes)
{
    load(0, 0x34, 1000);
    at_tick(1 + 100);
    outb(0x43, 0x00); /* latch 900 */
    at_tick(1 + 200);
    outb(0x43, 0x00); /* ignored: a latch is pending */
    ck_assert_uint_eq(inb(0x40), 900 & 0xFF);
    at_tick(1 + 300);
    ck_assert_uint_eq(inb(0x40), 900 >> 8);
    /* Unlatched reads follow the flip-flop and the live count. */
    ck_assert_uint_eq(inb(0x40), 700 & 0xFF);
    at_tick(1 + 700);
    ck_assert_uint_eq(inb(0x40), 300 >> 8);
    /* Read and write flip-flops are independent. */
    outb(0x43, 0x00);
    ck_assert_uint_eq(inb(0x40), 300 & 0xFF);
    outb(0x40, 0x34);
    ck_assert_uint_eq(inb(0x40), 300 >> 8);
    outb(0x40, 0x12);
    ck_assert_uint_eq(status(0) & 0x40, 0x40); /* 0x1234 pending */
    /* MSB-only access. */
    outb(0x43, 0x60 | 0x04); /* counter 1, MSB only, mode 2 */
    outb(0x41, 0x02);        /* 0x0200 */
    int64_t t = pit8254_ns_to_tick(sched_now(sched));
    at_tick(t + 1 + 0x10);
    outb(0x43, 0x40);
    ck_assert_uint_eq(inb(0x41), 0x01); /* 0x1F0: MSB only */
    ck_assert_uint_eq(inb(0x41), 0x01); /* unlatched MSB */
    /* LSB-only access. */
    outb(0x43, 0x50 | 0x04);
    outb(0x41, 0x80);
    t = pit8254_ns_to_tick(sched_now(sched));
    at_tick(t + 1 + 0x10);
    ck_assert_uint_eq(inb(0x41), 0x70);
    ck_assert_uint_eq(inb(0x41), 0x70);
    /* The control register reads as open bus. */
    ck_assert_uint_eq(inb(0x43), 0xFF);
}
END_TEST

START_TEST(test_read_back)
{
    outb(0x61, 0x01);
    load(0, 0x34, 1000);
    load(1, 0x36, 2000);
    outb(0x43, 0xB0); /* counter 2: mode 0, LSB/MSB; no count yet */
    /* Status right after programming: null count. */
    ck_assert_uint_eq(status(0), 0x80 | 0x40 | 0x34);
    ck_assert_uint_eq(status(2), 0x00 | 0x40 | 0x30); /* mode 0: OUT low */
    at_tick(1 + 100);
    /* Latch count and status of counters 0 and 1 at once. */
    outb(0x43, 0xC0 | 0x06);
    at_tick(1 + 500);
    ck_assert_uint_eq(inb(0x40), 0x80 | 0x34); /* status first */
    ck_assert_uint_eq(inb(0x40), 900 & 0xFF);  /* then the count */
    ck_assert_uint_eq(inb(0x40), 900 >> 8);
    ck_assert_uint_eq(inb(0x41), 0x80 | 0x36);
    ck_assert_uint_eq(inb(0x41), (2000 - 200) & 0xFF);
    ck_assert_uint_eq(inb(0x41), (2000 - 200) >> 8);
    /* Count only, all three; a second read-back does not overwrite. */
    outb(0x43, 0xD0 | 0x0E);
    at_tick(1 + 600);
    outb(0x43, 0xD0 | 0x0E);
    ck_assert_uint_eq(read16(0), 500);
    ck_assert_uint_eq(read16(1), 2000 - 1000);
    /* Status only, counter 2. */
    outb(0x43, 0xE8);
    ck_assert_uint_eq(inb(0x42), 0x70);
    outb(0x42, 10);
    ck_assert_uint_eq(status(2) & 0x40, 0x40); /* only the LSB: still null */
    outb(0x42, 0);
    ck_assert_uint_eq(status(2) & 0x40, 0x40); /* loads at the next clock */
    at_tick(1 + 601);
    ck_assert_uint_eq(status(2), 0x30);
}
END_TEST

START_TEST(test_refresh_toggle)
{
    ck_assert_uint_eq(inb(0x61) & 0x10, 0);
    advance_to(PORT61_REFRESH_NS - 1);
    ck_assert_uint_eq(inb(0x61) & 0x10, 0);
    advance_to(PORT61_REFRESH_NS);
    ck_assert_uint_eq(inb(0x61) & 0x10, 0x10);
    /* A BIOS-style delay: count toggles over 1 ms. */
    int toggles = 0;
    uint8_t last = inb(0x61) & 0x10;
    uint64_t t0 = sched_now(sched);
    while (sched_now(sched) < t0 + 1000000) {
        sched_advance(sched, 1000);
        uint8_t v = inb(0x61) & 0x10;
        toggles += v != last;
        last = v;
    }
    ck_assert_int_ge(toggles, 65);
    ck_assert_int_le(toggles, 67);
}
END_TEST

START_TEST(test_port61_bits)
{
    outb(0x61, 0xFF);
    ck_assert_uint_eq(inb(0x61) & 0xCF, 0x0F); /* bits 0-3 stored, 6-7 read 0 */
    outb(0x61, 0x02);
    ck_assert_uint_eq(inb(0x61) & 0x0F, 0x02);
    port61_desc.reset(p61);
    ck_assert_uint_eq(inb(0x61) & 0x0F, 0);
    /* A second port61 or PIT on the same ports fails cleanly. */
    ck_assert_ptr_null(port61_create(bus, sched, pit));
    ck_assert_ptr_null(pit8254_create(bus, sched, 0x40, (struct irq_line){0}));
}
END_TEST

START_TEST(test_reset_and_info)
{
    load(0, 0x34, 100);
    at_tick(500);
    pit8254_desc.reset(pit);
    ck_assert_int_eq(irq0.level, 1);
    ck_assert_uint_eq(sched_next_deadline(sched), UINT64_MAX);
    FILE *f = tmpfile();
    pit8254_desc.info(pit, f);
    port61_desc.info(p61, f);
    ck_assert_int_gt(ftell(f), 0);
    fclose(f);
}
END_TEST

/* Random guest writes and time jumps: no crash, and the timer is always for the future. */
START_TEST(test_fuzz)
{
    uint32_t x = 12345;
    for (int i = 0; i < 200000; i++) {
        x = x * 1103515245u + 12345u;
        uint32_t r = x >> 8;
        switch (r % 8) {
        case 0:
        case 1: outb((uint16_t)(0x40 + (r >> 3) % 4), (uint8_t)(r >> 5)); break;
        case 2: inb((uint16_t)(0x40 + (r >> 3) % 4)); break;
        case 3: outb(0x61, (uint8_t)(r >> 3)); break;
        case 4: inb(0x61); break;
        default: advance_to(sched_now(sched) + (r >> 3) % 20000); break;
        }
        if (sched_next_deadline(sched) != UINT64_MAX &&
            sched_next_deadline(sched) <= sched_now(sched))
            ck_abort_msg("timer left due at step %d", i);
    }
}
END_TEST

static Suite *pit_suite(void)
{
    Suite *s = suite_create("pit8254");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_tick_grid);
    tcase_add_test(tc, test_mode0_interrupt_on_terminal_count);
    tcase_add_test(tc, test_mode0_two_byte_write_stops_counting);
    tcase_add_test(tc, test_mode0_gate_pauses);
    tcase_add_test(tc, test_mode1_hardware_one_shot);
    tcase_add_test(tc, test_mode2_rate_generator_no_drift);
    tcase_add_test(tc, test_mode2_overshoot_delivers_every_edge);
    tcase_add_test(tc, test_long_jump_drops_old_edges);
    tcase_add_test(tc, test_mode2_reprogram_mid_count);
    tcase_add_test(tc, test_mode2_gate);
    tcase_add_test(tc, test_mode3_square_wave_odd);
    tcase_add_test(tc, test_mode3_irq_timing);
    tcase_add_test(tc, test_mode3_reprogram_half_cycle);
    tcase_add_test(tc, test_mode3_gate);
    tcase_add_test(tc, test_mode4_software_strobe);
    tcase_add_test(tc, test_mode5_hardware_strobe);
    tcase_add_test(tc, test_bcd);
    tcase_add_test(tc, test_count_zero_binary);
    tcase_add_test(tc, test_latch_and_access_modes);
    tcase_add_test(tc, test_read_back);
    tcase_add_test(tc, test_refresh_toggle);
    tcase_add_test(tc, test_port61_bits);
    tcase_add_test(tc, test_reset_and_info);
    tcase_add_test(tc, test_fuzz);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(pit_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

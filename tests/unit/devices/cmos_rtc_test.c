/*
 * cmos_rtc_test.c - the MC146818A RTC/CMOS through ports 0x70-0x73 with a
 * fake clock: time readout in every format, counting, SET, divider reset, UIP
 * timing, periodic/alarm/update interrupts and register C, the memory-size and
 * boot bytes, the checksum, the extended bank, the NMI bit and index wrap.
 */
#include <check.h>
#include <stdlib.h>

#include "devices/cmos_rtc.h"
#include "mem/bus.h"
#include "mem/sched.h"

#define SEC 1000000000ull
#define MS 1000000ull

/* 2024-02-29 13:45:30 UTC, a Thursday (day of week 5 with Sunday = 1). */
#define EPOCH_LEAPDAY 1709214330ll

static struct bus *bus;
static struct sched *sched;
static struct cmos_rtc *rtc;
static int irq_level; /* current level of the IRQ 8 wire */
static int irq_rises; /* 0 -> 1 transitions seen */

static void irq_set_cb(void *opaque, int n, int level)
{
    ck_assert_int_eq(n, 8);
    if (level && !irq_level) irq_rises++;
    irq_level = level;
}

static void make(int64_t epoch)
{
    bus = bus_create();
    sched = sched_create();
    irq_level = 0;
    irq_rises = 0;
    rtc = cmos_rtc_create(bus, sched, (struct irq_line){irq_set_cb, NULL, 8}, epoch);
    ck_assert_ptr_nonnull(rtc);
}

static void setup(void)
{
    make(EPOCH_LEAPDAY);
}

static void teardown(void)
{
    cmos_rtc_desc.destroy(rtc);
    sched_destroy(sched);
    bus_destroy(bus);
}

static uint8_t rd(uint8_t idx)
{
    bus_port_write(bus, 0x70, idx, 1);
    return (uint8_t)bus_port_read(bus, 0x71, 1);
}

static void wr(uint8_t idx, uint8_t v)
{
    bus_port_write(bus, 0x70, idx, 1);
    bus_port_write(bus, 0x71, v, 1);
}

static void advance(uint64_t ns)
{
    sched_advance(sched, ns);
    sched_run_due(sched);
}

/* Advance to absolute virtual time t. */
static void advance_to(uint64_t t)
{
    ck_assert_uint_ge(t, sched_now(sched));
    advance(t - sched_now(sched));
}

static void recreate(int64_t epoch)
{
    teardown();
    make(epoch);
}

START_TEST(readout_formats)
{
    /* Power-on: BCD, 24 h. */
    ck_assert_uint_eq(rd(CMOS_REG_B), 0x02);
    ck_assert_uint_eq(rd(CMOS_REG_A) & 0x7F, 0x26);
    ck_assert_uint_eq(rd(CMOS_REG_D), 0x80);
    ck_assert_uint_eq(rd(CMOS_SECONDS), 0x30);
    ck_assert_uint_eq(rd(CMOS_MINUTES), 0x45);
    ck_assert_uint_eq(rd(CMOS_HOURS), 0x13);
    ck_assert_uint_eq(rd(CMOS_DAY_OF_WEEK), 5);
    ck_assert_uint_eq(rd(CMOS_DAY_OF_MONTH), 0x29);
    ck_assert_uint_eq(rd(CMOS_MONTH), 0x02);
    ck_assert_uint_eq(rd(CMOS_YEAR), 0x24);
    ck_assert_uint_eq(rd(CMOS_CENTURY), 0x20);

    wr(CMOS_REG_B, CMOS_B_DM | CMOS_B_24H); /* binary, 24 h */
    ck_assert_uint_eq(rd(CMOS_SECONDS), 30);
    ck_assert_uint_eq(rd(CMOS_MINUTES), 45);
    ck_assert_uint_eq(rd(CMOS_HOURS), 13);
    ck_assert_uint_eq(rd(CMOS_DAY_OF_MONTH), 29);
    ck_assert_uint_eq(rd(CMOS_YEAR), 24);
    ck_assert_uint_eq(rd(CMOS_CENTURY), 20);

    wr(CMOS_REG_B, 0); /* BCD, 12 h: 1 PM */
    ck_assert_uint_eq(rd(CMOS_HOURS), 0x81);
    wr(CMOS_REG_B, CMOS_B_DM); /* binary, 12 h */
    ck_assert_uint_eq(rd(CMOS_HOURS), 0x81);

    /* 12 AM and 12 PM, and 11 in BCD 12 h. */
    recreate(EPOCH_LEAPDAY - 13 * 3600); /* 00:45:30 */
    wr(CMOS_REG_B, 0);
    ck_assert_uint_eq(rd(CMOS_HOURS), 0x12);
    recreate(EPOCH_LEAPDAY - 3600); /* 12:45:30 */
    wr(CMOS_REG_B, 0);
    ck_assert_uint_eq(rd(CMOS_HOURS), 0x92);
    recreate(EPOCH_LEAPDAY + 10 * 3600); /* 23:45:30 */
    wr(CMOS_REG_B, 0);
    ck_assert_uint_eq(rd(CMOS_HOURS), 0x91);
    wr(CMOS_REG_B, CMOS_B_DM);
    ck_assert_uint_eq(rd(CMOS_HOURS), 0x8B);
    wr(CMOS_REG_B, CMOS_B_DM | CMOS_B_24H);
    ck_assert_uint_eq(rd(CMOS_HOURS), 23);

    /* Before 1970 and the 1900s century. */
    recreate(-1); /* 1969-12-31 23:59:59, a Wednesday */
    ck_assert_uint_eq(rd(CMOS_YEAR), 0x69);
    ck_assert_uint_eq(rd(CMOS_CENTURY), 0x19);
    ck_assert_uint_eq(rd(CMOS_MONTH), 0x12);
    ck_assert_uint_eq(rd(CMOS_DAY_OF_MONTH), 0x31);
    ck_assert_uint_eq(rd(CMOS_SECONDS), 0x59);
    ck_assert_uint_eq(rd(CMOS_DAY_OF_WEEK), 4);
}
END_TEST

START_TEST(time_advances)
{
    advance(SEC - 1);
    ck_assert_uint_eq(rd(CMOS_SECONDS), 0x30);
    advance(1);
    ck_assert_uint_eq(rd(CMOS_SECONDS), 0x31);
    advance(29 * SEC);
    ck_assert_uint_eq(rd(CMOS_SECONDS), 0x00);
    ck_assert_uint_eq(rd(CMOS_MINUTES), 0x46);
    /* 10:14:00 later: midnight, leap day to March 1st, Thursday to Friday. */
    advance((10 * 3600 + 14 * 60) * SEC);
    ck_assert_uint_eq(rd(CMOS_HOURS), 0x00);
    ck_assert_uint_eq(rd(CMOS_MINUTES), 0x00);
    ck_assert_uint_eq(rd(CMOS_DAY_OF_MONTH), 0x01);
    ck_assert_uint_eq(rd(CMOS_MONTH), 0x03);
    ck_assert_uint_eq(rd(CMOS_DAY_OF_WEEK), 6);

    /* Century rollover: 2099-12-31 23:59:59 -> 2100-01-01 (not a leap year). */
    recreate(4102444799ll);
    ck_assert_uint_eq(rd(CMOS_YEAR), 0x99);
    ck_assert_uint_eq(rd(CMOS_CENTURY), 0x20);
    advance(SEC);
    ck_assert_uint_eq(rd(CMOS_YEAR), 0x00);
    ck_assert_uint_eq(rd(CMOS_CENTURY), 0x21);
    ck_assert_uint_eq(rd(CMOS_MONTH), 0x01);
    ck_assert_uint_eq(rd(CMOS_DAY_OF_MONTH), 0x01);
    advance((31 + 28) * 86400 * SEC);
    ck_assert_uint_eq(rd(CMOS_MONTH), 0x03);
    ck_assert_uint_eq(rd(CMOS_DAY_OF_MONTH), 0x01);

    /* A long run keeps exact seconds: 100 days + 7 s. */
    recreate(EPOCH_LEAPDAY);
    advance((100 * 86400 + 7) * SEC);
    ck_assert_uint_eq(rd(CMOS_SECONDS), 0x37);
    ck_assert_uint_eq(rd(CMOS_MONTH), 0x06);
    ck_assert_uint_eq(rd(CMOS_DAY_OF_MONTH), 0x08); /* Feb 29 + 100 days = June 8 */
}
END_TEST

static void set_time_bcd(uint8_t cent, uint8_t yr, uint8_t mon, uint8_t day, uint8_t wday,
                         uint8_t h, uint8_t m, uint8_t sec)
{
    wr(CMOS_CENTURY, cent);
    wr(CMOS_YEAR, yr);
    wr(CMOS_MONTH, mon);
    wr(CMOS_DAY_OF_MONTH, day);
    wr(CMOS_DAY_OF_WEEK, wday);
    wr(CMOS_HOURS, h);
    wr(CMOS_MINUTES, m);
    wr(CMOS_SECONDS, sec);
}

START_TEST(set_mode)
{
    advance(300 * MS);
    wr(CMOS_REG_B, CMOS_B_24H | CMOS_B_UIE);
    wr(CMOS_REG_B, CMOS_B_SET | CMOS_B_24H | CMOS_B_UIE);
    ck_assert_uint_eq(rd(CMOS_REG_B), CMOS_B_SET | CMOS_B_24H); /* SET clears UIE */
    advance(5 * SEC);
    ck_assert_uint_eq(rd(CMOS_SECONDS), 0x30); /* frozen */
    ck_assert_uint_eq(rd(CMOS_REG_C) & CMOS_C_UF, 0);
    ck_assert_uint_eq(rd(CMOS_REG_A) & CMOS_A_UIP, 0);

    /* 2000-01-01 (Saturday) 23:59:58 */
    set_time_bcd(0x20, 0x00, 0x01, 0x01, 7, 0x23, 0x59, 0x58);
    ck_assert_uint_eq(rd(CMOS_SECONDS), 0x58); /* reads the written value */
    advance(2 * SEC);
    ck_assert_uint_eq(rd(CMOS_SECONDS), 0x58);
    wr(CMOS_REG_B, CMOS_B_24H); /* run: t = 5.3 s, divider phase kept */
    ck_assert_uint_eq(rd(CMOS_SECONDS), 0x58);
    advance(700 * MS - 1);
    ck_assert_uint_eq(rd(CMOS_SECONDS), 0x58);
    advance(1);
    ck_assert_uint_eq(rd(CMOS_SECONDS), 0x59);
    advance(SEC);
    ck_assert_uint_eq(rd(CMOS_SECONDS), 0x00);
    ck_assert_uint_eq(rd(CMOS_DAY_OF_MONTH), 0x02);
    ck_assert_uint_eq(rd(CMOS_DAY_OF_WEEK), 1); /* Sunday */

    /* SET in binary 12-hour mode: 1999-12-31 11:59:59 PM. */
    wr(CMOS_REG_B, CMOS_B_SET | CMOS_B_DM);
    wr(CMOS_CENTURY, 19);
    wr(CMOS_YEAR, 99);
    wr(CMOS_MONTH, 12);
    wr(CMOS_DAY_OF_MONTH, 31);
    wr(CMOS_DAY_OF_WEEK, 6);
    wr(CMOS_HOURS, 0x80 | 11);
    wr(CMOS_MINUTES, 59);
    wr(CMOS_SECONDS, 59);
    wr(CMOS_REG_B, CMOS_B_DM);
    advance(SEC);
    wr(CMOS_REG_B, CMOS_B_24H); /* BCD 24 h readout */
    ck_assert_uint_eq(rd(CMOS_CENTURY), 0x20);
    ck_assert_uint_eq(rd(CMOS_YEAR), 0x00);
    ck_assert_uint_eq(rd(CMOS_MONTH), 0x01);
    ck_assert_uint_eq(rd(CMOS_DAY_OF_MONTH), 0x01);
    ck_assert_uint_eq(rd(CMOS_HOURS), 0x00);
    ck_assert_uint_eq(rd(CMOS_DAY_OF_WEEK), 7);

    /* A write while running moves the clock at once. */
    wr(CMOS_MINUTES, 0x42);
    ck_assert_uint_eq(rd(CMOS_MINUTES), 0x42);
    ck_assert_uint_eq(rd(CMOS_HOURS), 0x00);
    advance(60 * SEC);
    ck_assert_uint_eq(rd(CMOS_MINUTES), 0x43);

    /* A weekday that disagrees with the date is kept and counts on. */
    wr(CMOS_DAY_OF_WEEK, 2);
    advance(86400 * SEC);
    ck_assert_uint_eq(rd(CMOS_DAY_OF_WEEK), 3);
    ck_assert_uint_eq(rd(CMOS_DAY_OF_MONTH), 0x02);
}
END_TEST

START_TEST(divider_reset)
{
    advance(250 * MS);
    wr(CMOS_REG_A, 0x70); /* divider in reset */
    advance(3 * SEC);
    ck_assert_uint_eq(rd(CMOS_SECONDS), 0x30);
    ck_assert_uint_eq(rd(CMOS_REG_A), 0x70);
    wr(CMOS_REG_A, 0x66);
    advance(3 * SEC);
    ck_assert_uint_eq(rd(CMOS_SECONDS), 0x30);
    wr(CMOS_REG_A, 0x26); /* leave reset: first update 500 ms later */
    uint64_t t0 = sched_now(sched);
    advance_to(t0 + 500 * MS - 244140 - 1);
    ck_assert_uint_eq(rd(CMOS_REG_A), 0x26);
    advance(1);
    ck_assert_uint_eq(rd(CMOS_REG_A), 0xA6);
    advance_to(t0 + 500 * MS - 1);
    ck_assert_uint_eq(rd(CMOS_SECONDS), 0x30);
    advance(1);
    ck_assert_uint_eq(rd(CMOS_SECONDS), 0x31);
    advance(SEC);
    ck_assert_uint_eq(rd(CMOS_SECONDS), 0x32);

    /* Other time bases stop the clock too (only 010 runs). */
    wr(CMOS_REG_A, 0x06);
    advance(5 * SEC);
    ck_assert_uint_eq(rd(CMOS_SECONDS), 0x32);
}
END_TEST

START_TEST(uip_window)
{
    for (int k = 1; k <= 3; k++) {
        uint64_t upd = k * SEC;
        advance_to(upd - 244140 - 1);
        ck_assert_uint_eq(rd(CMOS_REG_A) & CMOS_A_UIP, 0);
        advance(1);
        ck_assert_uint_eq(rd(CMOS_REG_A) & CMOS_A_UIP, CMOS_A_UIP);
        advance_to(upd - 1);
        ck_assert_uint_eq(rd(CMOS_REG_A), 0xA6);
        ck_assert_uint_eq(rd(CMOS_SECONDS), (uint8_t)(0x30 + k - 1));
        advance(1);
        ck_assert_uint_eq(rd(CMOS_REG_A), 0x26);
        ck_assert_uint_eq(rd(CMOS_SECONDS), (uint8_t)(0x30 + k));
    }
    /* A guest loop polling for UIP sees it once per second; UIP is read-only. */
    wr(CMOS_REG_A, 0xA6);
    ck_assert_uint_eq(rd(CMOS_REG_A), 0x26);
    int seen = 0, prev = 0;
    for (int i = 0; i < 40000; i++) {
        advance(100000); /* 100 us steps over 4 s */
        int uip = (rd(CMOS_REG_A) & CMOS_A_UIP) != 0;
        if (uip && !prev) seen++;
        prev = uip;
    }
    ck_assert_int_eq(seen, 4);
    /* SET holds UIP low. */
    wr(CMOS_REG_B, CMOS_B_SET | CMOS_B_24H);
    advance_to(8 * SEC - 1000);
    ck_assert_uint_eq(rd(CMOS_REG_A) & CMOS_A_UIP, 0);
}
END_TEST

/* Service IRQ 8 the way a guest does for count_s seconds: wait for the wire,
 * read C.  Returns the number of interrupts; checks each C value has want set. */
static int run_irq_handler(uint64_t until, uint8_t want)
{
    int n = 0;
    while (sched_now(sched) < until) {
        uint64_t next = sched_next_deadline(sched);
        if (next > until) next = until;
        advance_to(next);
        if (irq_level) {
            uint8_t c = rd(CMOS_REG_C);
            if ((c & want) != want || !(c & CMOS_C_IRQF))
                ck_abort_msg("C = 0x%02X at %llu", c, (unsigned long long)sched_now(sched));
            if (irq_level) ck_abort_msg("IRQ still high after reading C");
            n++;
        }
        if (n > 100000) ck_abort_msg("runaway");
    }
    return n;
}

START_TEST(periodic)
{
    ck_assert_uint_eq(sched_next_deadline(sched), UINT64_MAX); /* nothing enabled: no timer */
    /* Rate 6 = 1024 Hz: edges every 976562.5 ns, aligned with the seconds. */
    wr(CMOS_REG_B, CMOS_B_PIE | CMOS_B_24H);
    ck_assert_uint_eq(sched_next_deadline(sched), 976563);
    advance(976562);
    ck_assert_int_eq(irq_level, 0);
    advance(1);
    ck_assert_int_eq(irq_level, 1);
    ck_assert_uint_eq(rd(CMOS_REG_C), CMOS_C_IRQF | CMOS_C_PF);
    ck_assert_int_eq(irq_level, 0);
    ck_assert_uint_eq(rd(CMOS_REG_C), 0);
    ck_assert_uint_eq(sched_next_deadline(sched), 1953125);
    /* Exactly 1024 per second, no drift over 10 s. */
    advance_to(SEC);
    rd(CMOS_REG_C);
    irq_rises = 0;
    int n = run_irq_handler(11 * SEC, CMOS_C_PF);
    ck_assert_int_eq(n, 10240);
    ck_assert_int_eq(irq_rises, 10240);

    /* Other rates, counted over 2 s from a second boundary. */
    static const struct {
        uint8_t rs;
        int per_sec;
    } rates[] = {{1, 256}, {2, 128}, {3, 8192}, {4, 4096}, {7, 512}, {13, 8}, {15, 2}};
    for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
        wr(CMOS_REG_A, (uint8_t)(0x20 | rates[i].rs));
        uint64_t start = sched_now(sched) / SEC * SEC + SEC;
        advance_to(start);
        rd(CMOS_REG_C);
        n = run_irq_handler(start + 2 * SEC, CMOS_C_PF);
        ck_assert_msg(n == 2 * rates[i].per_sec, "rate %u: %d", rates[i].rs, n);
    }
    /* Rate 0: off. */
    wr(CMOS_REG_A, 0x20);
    rd(CMOS_REG_C);
    ck_assert_uint_eq(sched_next_deadline(sched), UINT64_MAX);
    advance(SEC / 2);
    ck_assert_uint_eq(rd(CMOS_REG_C) & CMOS_C_PF, 0);

    /* PF is set without PIE (no timer needed); enabling PIE then raises IRQF. */
    wr(CMOS_REG_B, CMOS_B_24H);
    wr(CMOS_REG_A, 0x26);
    ck_assert_uint_eq(sched_next_deadline(sched), UINT64_MAX);
    advance(2 * MS);
    ck_assert_int_eq(irq_level, 0);
    wr(CMOS_REG_B, CMOS_B_PIE | CMOS_B_24H);
    ck_assert_int_eq(irq_level, 1);
    wr(CMOS_REG_B, CMOS_B_24H); /* disabling drops IRQF (combinational) */
    ck_assert_int_eq(irq_level, 0);
    ck_assert_uint_eq(rd(CMOS_REG_C) & ~CMOS_C_UF, CMOS_C_PF);

    /* Divider reset stops the periodic interrupt. */
    wr(CMOS_REG_B, CMOS_B_PIE | CMOS_B_24H);
    wr(CMOS_REG_A, 0x76);
    rd(CMOS_REG_C);
    advance(SEC);
    ck_assert_int_eq(irq_level, 0);
    ck_assert_uint_eq(rd(CMOS_REG_C), 0);
}
END_TEST

START_TEST(update_ended)
{
    wr(CMOS_REG_A, 0x20); /* periodic rate 0, so PF stays clear */
    wr(CMOS_REG_B, CMOS_B_UIE | CMOS_B_24H);
    ck_assert_uint_eq(sched_next_deadline(sched), SEC);
    advance(SEC - 1);
    ck_assert_int_eq(irq_level, 0);
    advance(1);
    ck_assert_int_eq(irq_level, 1);
    ck_assert_uint_eq(rd(CMOS_SECONDS), 0x31); /* the new time is there */
    ck_assert_uint_eq(rd(CMOS_REG_C), CMOS_C_IRQF | CMOS_C_UF);
    ck_assert_int_eq(irq_level, 0);
    int n = run_irq_handler(6 * SEC, CMOS_C_UF);
    ck_assert_int_eq(n, 5);
    ck_assert_uint_eq(rd(CMOS_SECONDS), 0x36);

    /* UF without UIE: the flag still sets, the wire stays low. */
    wr(CMOS_REG_B, CMOS_B_24H);
    advance(SEC);
    ck_assert_int_eq(irq_level, 0);
    ck_assert_uint_eq(rd(CMOS_REG_C), CMOS_C_UF);
    ck_assert_uint_eq(rd(CMOS_REG_C), 0);
}
END_TEST

START_TEST(alarm)
{
    wr(CMOS_REG_A, 0x20); /* periodic rate 0, so PF stays clear */
    /* 13:45:35 in BCD: 5 s away. */
    wr(CMOS_SECONDS_ALARM, 0x35);
    wr(CMOS_MINUTES_ALARM, 0x45);
    wr(CMOS_HOURS_ALARM, 0x13);
    wr(CMOS_REG_B, CMOS_B_AIE | CMOS_B_24H);
    ck_assert_uint_eq(sched_next_deadline(sched), 5 * SEC);
    advance(5 * SEC - 1);
    ck_assert_int_eq(irq_level, 0);
    advance(1);
    ck_assert_int_eq(irq_level, 1);
    ck_assert_uint_eq(rd(CMOS_REG_C), CMOS_C_IRQF | CMOS_C_AF | CMOS_C_UF);
    ck_assert_int_eq(irq_level, 0);
    /* Next match is a day later. */
    ck_assert_uint_eq(sched_next_deadline(sched), (5 + 86400) * SEC);

    /* Don't care hours and minutes, seconds 00: at 13:46:00 and each minute. */
    wr(CMOS_HOURS_ALARM, 0xFF);
    wr(CMOS_MINUTES_ALARM, 0xC0);
    wr(CMOS_SECONDS_ALARM, 0x00);
    ck_assert_uint_eq(sched_next_deadline(sched), 30 * SEC);
    int n = run_irq_handler(30 * SEC + 3 * 60 * SEC, CMOS_C_AF);
    ck_assert_int_eq(n, 4);

    /* All don't care: every second. */
    wr(CMOS_SECONDS_ALARM, 0xC5);
    rd(CMOS_REG_C);
    uint64_t t = sched_now(sched);
    n = run_irq_handler(t + 10 * SEC, CMOS_C_AF);
    ck_assert_int_eq(n, 10);

    /* 12-hour alarm: 2 PM = 0x82 in BCD 12 h; the clock reads 13:mm:ss. */
    rd(CMOS_REG_C);
    ck_assert_uint_eq(rd(CMOS_HOURS), 0x13);
    int mins = (rd(CMOS_MINUTES) >> 4) * 10 + (rd(CMOS_MINUTES) & 15);
    int secs = (rd(CMOS_SECONDS) >> 4) * 10 + (rd(CMOS_SECONDS) & 15);
    uint64_t at = (sched_now(sched) / SEC + 1) * SEC; /* next update */
    uint64_t want = at + (uint64_t)((60 - mins) * 60 - secs - 1) * SEC;
    wr(CMOS_REG_B, CMOS_B_AIE);
    wr(CMOS_HOURS_ALARM, 0x82);
    wr(CMOS_MINUTES_ALARM, 0x00);
    wr(CMOS_SECONDS_ALARM, 0x00);
    ck_assert_int_eq(irq_level, 0);
    ck_assert_uint_eq(sched_next_deadline(sched), want);
    advance_to(want);
    ck_assert_int_eq(irq_level, 1);
    ck_assert_uint_eq(rd(CMOS_HOURS), 0x82);
    ck_assert_uint_eq(rd(CMOS_MINUTES), 0x00);
    ck_assert_uint_eq(rd(CMOS_SECONDS), 0x00);

    /* An alarm that can never match (bad BCD) arms nothing; AF stays clear. */
    rd(CMOS_REG_C);
    wr(CMOS_SECONDS_ALARM, 0x7A);
    ck_assert_uint_eq(sched_next_deadline(sched), UINT64_MAX);
    advance(120 * SEC);
    ck_assert_uint_eq(rd(CMOS_REG_C) & CMOS_C_AF, 0);

    /* AF without AIE: flag only. */
    wr(CMOS_REG_B, CMOS_B_24H);
    wr(CMOS_SECONDS_ALARM, 0xFF);
    ck_assert_uint_eq(rd(CMOS_HOURS_ALARM), 0x82); /* 2 PM in 12 h: never in 24 h */
    advance(SEC);
    ck_assert_uint_eq(rd(CMOS_REG_C), CMOS_C_UF);
    wr(CMOS_HOURS_ALARM, 0xC0);
    wr(CMOS_MINUTES_ALARM, 0xC0);
    advance(SEC);
    ck_assert_int_eq(irq_level, 0);
    ck_assert_uint_eq(rd(CMOS_REG_C), CMOS_C_AF | CMOS_C_UF);
}
END_TEST

START_TEST(memory_sizes)
{
    cmos_rtc_set_memory_size(rtc, 16ull << 20);
    ck_assert_uint_eq(rd(0x15), 0x80);
    ck_assert_uint_eq(rd(0x16), 0x02);
    ck_assert_uint_eq(rd(0x17) | rd(0x18) << 8, 15360);
    ck_assert_uint_eq(rd(0x30) | rd(0x31) << 8, 15360);
    ck_assert_uint_eq(rd(0x34) | rd(0x35) << 8, 0);
    ck_assert_uint_eq(rd(0x5B) | rd(0x5C) << 8 | rd(0x5D) << 16, 0);

    cmos_rtc_set_memory_size(rtc, 128ull << 20);
    ck_assert_uint_eq(rd(0x17) | rd(0x18) << 8, 0xFFFF);
    ck_assert_uint_eq(rd(0x30) | rd(0x31) << 8, 0xFFFF);
    ck_assert_uint_eq(rd(0x34) | rd(0x35) << 8, 112 * 16);

    cmos_rtc_set_memory_size(rtc, 3584ull << 20);
    ck_assert_uint_eq(rd(0x30) | rd(0x31) << 8, 0xFFFF);
    ck_assert_uint_eq(rd(0x34) | rd(0x35) << 8, (3584 - 16) * 16);
    ck_assert_uint_eq(rd(0x5B) | rd(0x5C) << 8 | rd(0x5D) << 16, 0);

    cmos_rtc_set_memory_size(rtc, 6ull << 30); /* 2.5 GiB above 4 GiB */
    ck_assert_uint_eq(rd(0x34) | rd(0x35) << 8, (3584 - 16) * 16);
    ck_assert_uint_eq(rd(0x5B) | rd(0x5C) << 8 | rd(0x5D) << 16, 2560 * 16);

    cmos_rtc_set_byte(rtc, CMOS_SMP_COUNT, 3);
    ck_assert_uint_eq(rd(0x5F), 3);
    ck_assert_int_eq(cmos_rtc_set_boot_order(rtc, "cdn", true), 0);
    ck_assert_uint_eq(rd(0x3D), 0x32);
    ck_assert_uint_eq(rd(0x38), 0x40);
    ck_assert_uint_eq(rd(0x2D) & 0x20, 0);
    ck_assert_int_eq(cmos_rtc_set_boot_order(rtc, "a", false), 0);
    ck_assert_uint_eq(rd(0x3D), 0x01);
    ck_assert_uint_eq(rd(0x38), 0x01);
    ck_assert_uint_eq(rd(0x2D) & 0x20, 0x20);
    ck_assert_int_eq(cmos_rtc_set_boot_order(rtc, "cx", true), -1);
    ck_assert_int_eq(cmos_rtc_set_boot_order(rtc, "cdna", true), -1);
    ck_assert_uint_eq(rd(0x3D), 0x01);
}
END_TEST

static unsigned checksum_via_ports(void)
{
    unsigned sum = 0;
    for (int i = 0x10; i <= 0x2D; i++)
        sum += rd((uint8_t)i);
    return sum;
}

START_TEST(checksum)
{
    ck_assert_uint_eq(rd(0x2E) << 8 | rd(0x2F), 0);
    cmos_rtc_set_memory_size(rtc, 64ull << 20);
    cmos_rtc_set_byte(rtc, CMOS_FLOPPY_TYPES, 0x40);
    cmos_rtc_set_byte(rtc, CMOS_EQUIPMENT, 0x41);
    cmos_rtc_set_byte(rtc, CMOS_DISK_DATA, 0xF0);
    cmos_rtc_set_byte(rtc, CMOS_DISK0_TYPE, 0x2F);
    for (int i = 0x1B; i <= 0x2D; i++)
        cmos_rtc_set_byte(rtc, i, 0xFF);
    unsigned sum = checksum_via_ports();
    ck_assert_uint_gt(sum, 0xFF);
    ck_assert_uint_eq(rd(0x2E), sum >> 8);
    ck_assert_uint_eq(rd(0x2F), sum & 0xFF);
    /* Bytes outside 0x10-0x2D leave it alone; guest writes do not recompute. */
    cmos_rtc_set_byte(rtc, 0x40, 0x77);
    ck_assert_uint_eq(rd(0x2E) << 8 | rd(0x2F), sum);
    wr(0x10, 0x44);
    ck_assert_uint_eq(rd(0x10), 0x44);
    ck_assert_uint_eq(rd(0x2E) << 8 | rd(0x2F), sum);
    /* The guest can write the checksum bytes (BIOS setup does). */
    wr(0x2E, 0x12);
    ck_assert_uint_eq(rd(0x2E), 0x12);
}
END_TEST

START_TEST(extended_bank_and_index)
{
    /* Extended bank: 0x72 index (bit 7 ignored) selects 128 + index. */
    bus_port_write(bus, 0x72, 0x05, 1);
    bus_port_write(bus, 0x73, 0xAB, 1);
    ck_assert_uint_eq(bus_port_read(bus, 0x73, 1), 0xAB);
    ck_assert_uint_eq(cmos_rtc_get_byte(rtc, 0x85), 0xAB);
    bus_port_write(bus, 0x72, 0x85, 1);
    ck_assert_uint_eq(bus_port_read(bus, 0x73, 1), 0xAB);
    cmos_rtc_set_byte(rtc, 0xFF, 0x5A);
    bus_port_write(bus, 0x72, 0x7F, 1);
    ck_assert_uint_eq(bus_port_read(bus, 0x73, 1), 0x5A);
    ck_assert_uint_eq(rd(0x7F), 0x00); /* the low bank is separate */
    ck_assert_uint_eq(rd(0x05), 0x00);

    /* 0x70: bit 7 is the NMI mask, so index 0x80-0xFF wraps to 0-0x7F. */
    ck_assert(!cmos_rtc_nmi_masked(rtc));
    cmos_rtc_set_byte(rtc, 0x40, 0x99);
    bus_port_write(bus, 0x70, 0xC0, 1);
    ck_assert(cmos_rtc_nmi_masked(rtc));
    ck_assert_uint_eq(bus_port_read(bus, 0x71, 1), 0x99);
    bus_port_write(bus, 0x70, 0x8F, 1);
    bus_port_write(bus, 0x71, 0x0A, 1);
    ck_assert_uint_eq(cmos_rtc_get_byte(rtc, 0x0F), 0x0A);
    ck_assert_uint_eq(cmos_rtc_get_byte(rtc, 0x8F), 0x00);
    bus_port_write(bus, 0x70, 0x80 | CMOS_SECONDS, 1);
    ck_assert_uint_eq(bus_port_read(bus, 0x71, 1), 0x30);
    ck_assert(cmos_rtc_nmi_masked(rtc));
    bus_port_write(bus, 0x70, 0x0F, 1);
    ck_assert(!cmos_rtc_nmi_masked(rtc));
    /* Index ports are write-only. */
    ck_assert_uint_eq(bus_port_read(bus, 0x70, 1), 0xFF);
    ck_assert_uint_eq(bus_port_read(bus, 0x72, 1), 0xFF);
    /* C and D are read-only. */
    wr(CMOS_REG_D, 0x00);
    ck_assert_uint_eq(rd(CMOS_REG_D), 0x80);
    wr(CMOS_REG_C, 0xF0);
    ck_assert_uint_eq(rd(CMOS_REG_C), 0x00);
    /* Port overlap is refused. */
    ck_assert_ptr_null(cmos_rtc_create(bus, sched, (struct irq_line){0}, 0));
}
END_TEST

START_TEST(century)
{
    /* Century under SET in BCD, then in binary. */
    wr(CMOS_REG_B, CMOS_B_SET | CMOS_B_24H);
    wr(CMOS_CENTURY, 0x19);
    wr(CMOS_YEAR, 0x96);
    wr(CMOS_REG_B, CMOS_B_24H);
    ck_assert_uint_eq(rd(CMOS_CENTURY), 0x19);
    ck_assert_uint_eq(rd(CMOS_YEAR), 0x96);
    ck_assert_uint_eq(rd(CMOS_MONTH), 0x02);
    ck_assert_uint_eq(rd(CMOS_DAY_OF_MONTH), 0x29); /* 1996 is a leap year */
    ck_assert_uint_eq(rd(CMOS_DAY_OF_WEEK), 5);     /* kept as written, not recomputed */

    wr(CMOS_REG_B, CMOS_B_SET | CMOS_B_24H | CMOS_B_DM);
    wr(CMOS_CENTURY, 21);
    wr(CMOS_YEAR, 5);
    wr(CMOS_DAY_OF_MONTH, 28);
    wr(CMOS_REG_B, CMOS_B_24H | CMOS_B_DM);
    ck_assert_uint_eq(rd(CMOS_CENTURY), 21);
    wr(CMOS_REG_B, CMOS_B_24H);
    ck_assert_uint_eq(rd(CMOS_CENTURY), 0x21);
    ck_assert_uint_eq(rd(CMOS_YEAR), 0x05);
    ck_assert_uint_eq(rd(CMOS_DAY_OF_MONTH), 0x28);
    /* 2105-02-28 -> 2105-03-01: 2105 is not a leap year. */
    advance((10 * 3600 + 14 * 60 + 30) * SEC);
    ck_assert_uint_eq(rd(CMOS_MONTH), 0x03);
    ck_assert_uint_eq(rd(CMOS_DAY_OF_MONTH), 0x01);
    ck_assert_uint_eq(rd(CMOS_CENTURY), 0x21);
}
END_TEST

START_TEST(reset_and_parse)
{
    wr(CMOS_REG_B, CMOS_B_PIE | CMOS_B_UIE | CMOS_B_AIE | CMOS_B_SQWE | CMOS_B_24H | CMOS_B_DM);
    advance(SEC);
    ck_assert_int_eq(irq_level, 1);
    bus_port_write(bus, 0x70, 0x80, 1);
    cmos_rtc_desc.reset(rtc);
    ck_assert_int_eq(irq_level, 0);
    ck_assert(!cmos_rtc_nmi_masked(rtc));
    ck_assert_uint_eq(rd(CMOS_REG_B), CMOS_B_24H | CMOS_B_DM);
    ck_assert_uint_eq(rd(CMOS_REG_C), 0);
    ck_assert_uint_eq(rd(CMOS_SECONDS), 31);
    ck_assert_uint_eq(sched_next_deadline(sched), UINT64_MAX);

    int64_t v = 0;
    ck_assert_int_eq(cmos_rtc_parse_base("2024-02-29T13:45:30", 0, &v), 0);
    ck_assert_int_eq(v, EPOCH_LEAPDAY);
    ck_assert_int_eq(cmos_rtc_parse_base("2024-02-29", 0, &v), 0);
    ck_assert_int_eq(v, EPOCH_LEAPDAY - 49530);
    ck_assert_int_eq(cmos_rtc_parse_base("utc", 1234, &v), 0);
    ck_assert_int_eq(v, 1234);
    ck_assert_int_eq(cmos_rtc_parse_base("localtime", 1234, &v), 0);
    ck_assert_int_eq(cmos_rtc_parse_base("2024-13-01", 0, &v), -1);
    ck_assert_int_eq(cmos_rtc_parse_base("2024-02-29T13:45", 0, &v), -1);
    ck_assert_int_eq(cmos_rtc_parse_base("now", 0, &v), -1);
    ck_assert_int_eq(cmos_rtc_parse_base("2024-02-29T13:45:30x", 0, &v), -1);

    FILE *f = fopen("/dev/null", "w");
    cmos_rtc_desc.info(rtc, f);
    fclose(f);
}
END_TEST

/* Random guest traffic: never crashes, the wire always equals IRQF. */
START_TEST(fuzz)
{
    uint32_t x = 12345;
    for (int i = 0; i < 200000; i++) {
        x = x * 1103515245u + 12345u;
        uint16_t port = (uint16_t)(0x70 + (x >> 8) % 4);
        uint8_t v = (uint8_t)(x >> 16);
        switch (x >> 28 & 3) {
        case 0: bus_port_write(bus, port, v, 1); break;
        case 1: bus_port_read(bus, port, 1); break;
        case 2: advance((x >> 12) % 3000000); break;
        default:
            bus_port_write(bus, 0x70, (x >> 20) & 0x0F, 1);
            bus_port_write(bus, 0x71, v, 1);
            break;
        }
        if ((int)((cmos_rtc_get_byte(rtc, CMOS_REG_C) & CMOS_C_IRQF) != 0) != irq_level)
            ck_abort_msg("wire differs from IRQF at step %d", i);
    }
    cmos_rtc_set_byte(rtc, -1, 0);
    cmos_rtc_set_byte(rtc, 256, 0);
    ck_assert_uint_eq(cmos_rtc_get_byte(rtc, 300), 0xFF);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cmos_rtc");
    TCase *t = tcase_create("cmos_rtc");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 60);
    tcase_add_test(t, readout_formats);
    tcase_add_test(t, time_advances);
    tcase_add_test(t, set_mode);
    tcase_add_test(t, divider_reset);
    tcase_add_test(t, uip_window);
    tcase_add_test(t, periodic);
    tcase_add_test(t, update_ended);
    tcase_add_test(t, alarm);
    tcase_add_test(t, memory_sizes);
    tcase_add_test(t, checksum);
    tcase_add_test(t, extended_bank_and_index);
    tcase_add_test(t, century);
    tcase_add_test(t, reset_and_parse);
    tcase_add_test(t, fuzz);
    suite_add_tcase(s, t);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

/*
 * cmos_rtc.c - Motorola MC146818A real-time clock plus CMOS RAM, as on the
 * PC/AT: index port 0x70 (bit 7 gates NMI), data port 0x71, and the PIIX4/ICH
 * extended bank (index 0x72, data 0x73) for bytes 128-255; IRQF drives IRQ 8.
 *
 * Sources: MC146818A datasheet (address map; time, calendar and alarm
 * registers with the BCD/binary and 12/24-hour formats; register A divider and
 * rate-select table; register B; register C flags and IRQF = PF.PIE + AF.AIE +
 * UF.UIE; register D VRT; "update cycle": UIP rises 244 us before the update;
 * "divider reset": the first update comes 500 ms after leaving reset; alarm
 * "don't care" codes 11xxxxxx; RESET pin clears PIE/AIE/UIE/SQWE and the flags).
 * IBM PC/AT Technical Reference (CMOS map, checksum over 0x10-0x2D stored
 * big-endian at 0x2E/0x2F, century byte 0x32).  SeaBIOS src/hw/rtc.h and
 * src/boot.c (what it reads: memory bytes, 0x5F CPU count, boot order in
 * 0x3D/0x38).  QEMU's mc146818 behaviour for the PC's choices (UIE cleared
 * when SET is written, C cleared on read, RAM hole at 3.5 GiB).
 *
 * Model.  Nothing ticks.  The 32.768 kHz divider chain has an origin
 * (div_origin_ns, tick 0): update instants (second boundaries) fall at
 * origin + 0.5 s + k s, periodic edges every 2^n ticks from the origin, both
 * computed exactly in integer nanoseconds (1 tick = 1953125/64 ns), so rates
 * never drift.  The date and time are base_sec (seconds since 1970 in the
 * guest's frame, proleptic Gregorian) plus the update instants since sync_ns.
 * Time registers are encoded at read time from that count; while SET is 1 they
 * are a frozen snapshot in ram[] that the guest edits, decoded back into
 * base_sec when SET goes to 0.  Register C flags are latched in reg_c up to
 * flags_ns and derived from the clock after it, so PF/UF/AF are set whether or
 * not their interrupts are enabled, without a timer.  One timer is armed, only
 * while IRQF is 0, for the next edge of an enabled source.  Every change that
 * would alter the derivation (registers A and B, time, alarm) first folds:
 * latch the flags and the time up to now.
 *
 * Not emulated: daylight-saving mode (DSE; logged once), the square-wave pin
 * (SQWE is a plain bit), time bases other than 32.768 kHz (divider 000, 001,
 * 011, 100, 101 stop the clock like reset, logged once), the 1984 us update
 * cycle (the registers change at the update instant, UIP covers only the 244 us
 * before it), register values read mid-update, and the chip's refusal to
 * convert stored values when DM or 24/12 change while the clock runs (we
 * re-encode the running time in the new format; the alarm bytes are compared
 * raw, as on the chip).  Out-of-range time values written by the guest roll
 * over arithmetically instead of counting the chip's way.  The year counts with
 * the full Gregorian rule and carries into the century byte (the chip itself
 * only knows "divisible by 4" and has no century).  Reads of ports 0x70 and
 * 0x72 return 0xFF (write-only on the PC).
 */
#include "devices/cmos_rtc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mem/bus.h"
#include "mem/log.h"
#include "mem/sched.h"

#define NS_PER_SEC 1000000000ll
#define HALF_SEC_NS 500000000ll
#define UIP_NS 244140ll    /* 8 ticks of 32.768 kHz: UIP rises this long before an update */
#define TICK_NUM 1953125ll /* one 32.768 kHz tick is TICK_NUM / TICK_DEN ns */
#define TICK_DEN 64ll
#define SECS_PER_DAY 86400ll

struct cmos_rtc {
    struct bus *bus;            /* bus the ports are mapped on */
    struct sched *sched;        /* virtual clock */
    struct region *region;      /* ports 0x70-0x73 */
    struct irq_line irq;        /* IRQ 8 wire: level = IRQF */
    struct timer timer;         /* next edge of an enabled interrupt source (only while IRQF = 0) */
    uint8_t ram[CMOS_RTC_SIZE]; /* CMOS bytes; the time registers (0, 2, 4, 6-9, 0x32) hold
                                   only the SET snapshot (scratch otherwise); alarms, A
                                   (without UIP) and B are stored; C and D are derived */
    uint8_t index;              /* selected byte 0-127 (port 0x70) */
    uint8_t ext_index;          /* selected byte 128-255 (port 0x72) */
    bool nmi_masked;            /* bit 7 of the last write to port 0x70 */
    int64_t div_origin_ns;      /* virtual ns of divider tick 0; updates at +0.5 s + k s */
    int64_t base_sec;           /* clock reading (s since 1970, guest frame) as of sync_ns */
    int64_t sync_ns;            /* virtual ns at which base_sec was taken */
    int8_t wday_adj;            /* day-of-week register = (days since 1970 + 4 + adj) mod 7 + 1,
                                   0-6: lets the guest keep a weekday that disagrees with the date */
    uint8_t reg_c;              /* PF/AF/UF latched up to flags_ns (no IRQF bit) */
    int64_t flags_ns;           /* virtual ns up to which reg_c holds the flags; >= sync_ns */
};

/* ---- arithmetic helpers ---- */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
    return q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
    return a - floor_div(a, b) * b;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (m 1-12).  The
 * era-based method from H. Hinnant's "chrono-Compatible Low-Level Date
 * Algorithms". */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* ---- the divider chain ---- */

static int64_t now_ns(const struct cmos_rtc *s)
{
    return (int64_t)sched_now(s->sched);
}

static bool divider_runs(const struct cmos_rtc *s)
{
    return (s->ram[CMOS_REG_A] & CMOS_A_DV_MASK) == CMOS_A_DV_RUN;
}

/* The time registers count (divider running and SET clear). */
static bool clock_runs(const struct cmos_rtc *s)
{
    return divider_runs(s) && !(s->ram[CMOS_REG_B] & CMOS_B_SET);
}

/* Update instants at or before t, counted from an arbitrary fixed point. */
static int64_t updates_le(const struct cmos_rtc *s, int64_t t)
{
    return floor_div(t - s->div_origin_ns - HALF_SEC_NS, NS_PER_SEC);
}

/* First update instant strictly after t. */
static int64_t next_update(const struct cmos_rtc *s, int64_t t)
{
    return s->div_origin_ns + HALF_SEC_NS + (updates_le(s, t) + 1) * NS_PER_SEC;
}

/* Periodic period in divider ticks for rate select rs (0: off).  Rates 1 and
 * 2 repeat 8 and 9 on a 32.768 kHz time base. */
static int64_t periodic_ticks(unsigned rs)
{
    if (rs == 0) return 0;
    if (rs <= 2) rs += 7;
    return 1ll << (rs - 1);
}

/* Periodic edges at or before t (period p ticks), counted from the origin. */
static int64_t periodic_le(const struct cmos_rtc *s, int64_t t, int64_t p)
{
    __int128 num = (__int128)(t - s->div_origin_ns) * TICK_DEN;
    __int128 den = (__int128)p * TICK_NUM;
    __int128 q = num / den;
    if (num % den != 0 && num < 0) q--;
    return (int64_t)q;
}

/* First periodic edge strictly after t, in whole ns (rounded up). */
static int64_t next_periodic(const struct cmos_rtc *s, int64_t t, int64_t p)
{
    __int128 j = (__int128)periodic_le(s, t, p) + 1;
    __int128 num = j * p * TICK_NUM;
    __int128 q = num / TICK_DEN;
    if (num % TICK_DEN != 0 && num > 0) q++;
    return s->div_origin_ns + (int64_t)q;
}

/* ---- time of day ---- */

/* The clock's reading (seconds since 1970) at virtual time t >= sync_ns. */
static int64_t clock_at(const struct cmos_rtc *s, int64_t t)
{
    if (!clock_runs(s)) return s->base_sec;
    return s->base_sec + updates_le(s, t) - updates_le(s, s->sync_ns);
}

static uint8_t enc(const struct cmos_rtc *s, int v)
{
    if (s->ram[CMOS_REG_B] & CMOS_B_DM) return (uint8_t)v;
    v %= 100;
    return (uint8_t)((v / 10) << 4 | v % 10);
}

static int dec(const struct cmos_rtc *s, uint8_t b)
{
    if (s->ram[CMOS_REG_B] & CMOS_B_DM) return b;
    return (b >> 4) * 10 + (b & 15);
}

static uint8_t enc_hour(const struct cmos_rtc *s, int h)
{
    if (s->ram[CMOS_REG_B] & CMOS_B_24H) return enc(s, h);
    int h12 = h % 12 == 0 ? 12 : h % 12;
    return (uint8_t)(enc(s, h12) | (h >= 12 ? 0x80 : 0));
}

static int dec_hour(const struct cmos_rtc *s, uint8_t b)
{
    if (s->ram[CMOS_REG_B] & CMOS_B_24H) return dec(s, b);
    int h12 = dec(s, b & 0x7F);
    return h12 % 12 + ((b & 0x80) ? 12 : 0);
}

/* The value register idx (a time register) would hold for clock reading t. */
static uint8_t time_reg(const struct cmos_rtc *s, int idx, int64_t t)
{
    int64_t days = floor_div(t, SECS_PER_DAY);
    int64_t sod = t - days * SECS_PER_DAY;
    int64_t y;
    int m, d;
    switch (idx) {
    case CMOS_SECONDS: return enc(s, (int)(sod % 60));
    case CMOS_MINUTES: return enc(s, (int)(sod / 60 % 60));
    case CMOS_HOURS: return enc_hour(s, (int)(sod / 3600));
    case CMOS_DAY_OF_WEEK: return (uint8_t)(floor_mod(days + 4 + s->wday_adj, 7) + 1);
    default: break;
    }
    civil_from_days(days, &y, &m, &d);
    switch (idx) {
    case CMOS_DAY_OF_MONTH: return enc(s, d);
    case CMOS_MONTH: return enc(s, m);
    case CMOS_YEAR: return enc(s, (int)floor_mod(y, 100));
    default: return enc(s, (int)floor_mod(floor_div(y, 100), 256));
    }
}

static bool is_time_reg(int idx)
{
    return (idx <= CMOS_YEAR && idx != CMOS_SECONDS_ALARM && idx != CMOS_MINUTES_ALARM &&
            idx != CMOS_HOURS_ALARM) ||
           idx == CMOS_CENTURY;
}

static const uint8_t time_regs[] = {CMOS_SECONDS,      CMOS_MINUTES, CMOS_HOURS, CMOS_DAY_OF_WEEK,
                                    CMOS_DAY_OF_MONTH, CMOS_MONTH,   CMOS_YEAR,  CMOS_CENTURY};

/* Copy the clock reading t into the time registers of ram[]. */
static void snapshot_time(struct cmos_rtc *s, int64_t t)
{
    for (size_t i = 0; i < sizeof(time_regs); i++)
        s->ram[time_regs[i]] = time_reg(s, time_regs[i], t);
}

/* Decode the time registers of ram[] into base_sec and wday_adj.  Values out of
 * range roll over arithmetically (month clamped to 1-12). */
static void load_time_from_ram(struct cmos_rtc *s)
{
    int64_t sec = dec(s, s->ram[CMOS_SECONDS]);
    int64_t min = dec(s, s->ram[CMOS_MINUTES]);
    int64_t hour = dec_hour(s, s->ram[CMOS_HOURS]);
    int64_t mday = dec(s, s->ram[CMOS_DAY_OF_MONTH]);
    int64_t mon = dec(s, s->ram[CMOS_MONTH]);
    int64_t year = dec(s, s->ram[CMOS_YEAR]) + 100ll * dec(s, s->ram[CMOS_CENTURY]);
    if (sec > 59 || min > 59 || hour > 23 || mday < 1 || mday > 31 || mon < 1 || mon > 12)
        LOG(LOG_GUEST_ERRORS, "rtc: invalid time %02lld:%02lld:%02lld %04lld-%02lld-%02lld",
            (long long)hour, (long long)min, (long long)sec, (long long)year, (long long)mon,
            (long long)mday);
    if (mon < 1) mon = 1;
    if (mon > 12) mon = 12;
    int64_t days = days_from_civil(year, mon, 1) + mday - 1;
    s->base_sec = days * SECS_PER_DAY + hour * 3600 + min * 60 + sec;
    int64_t wday = s->ram[CMOS_DAY_OF_WEEK];
    s->wday_adj = (int8_t)floor_mod(wday - 1 - (floor_div(s->base_sec, SECS_PER_DAY) + 4), 7);
}

/* ---- alarm ---- */

static bool alarm_match(uint8_t alarm, uint8_t value)
{
    return alarm >= 0xC0 || alarm == value;
}

/* Lowest set bit of mask at or above from, or -1. */
static int next_bit(uint64_t mask, int from)
{
    if (from >= 64) return -1;
    mask &= ~0ull << from;
    return mask ? __builtin_ctzll(mask) : -1;
}

/* First clock reading after t whose seconds, minutes and hours match the
 * alarm registers (raw byte compare, as the chip does); INT64_MAX if none can. */
static int64_t next_alarm(const struct cmos_rtc *s, int64_t t)
{
    uint64_t sm = 0, mm = 0, hm = 0;
    for (int v = 0; v < 60; v++) {
        if (alarm_match(s->ram[CMOS_SECONDS_ALARM], enc(s, v))) sm |= 1ull << v;
        if (alarm_match(s->ram[CMOS_MINUTES_ALARM], enc(s, v))) mm |= 1ull << v;
        if (v < 24 && alarm_match(s->ram[CMOS_HOURS_ALARM], enc_hour(s, v))) hm |= 1ull << v;
    }
    if (!sm || !mm || !hm || t >= INT64_MAX - 2 * SECS_PER_DAY) return INT64_MAX;
    t++;
    int64_t day = floor_div(t, SECS_PER_DAY);
    int sod = (int)(t - day * SECS_PER_DAY);
    int h = sod / 3600, m = sod / 60 % 60, sec = sod % 60;
    if (hm >> h & 1) {
        if (mm >> m & 1) {
            int s2 = next_bit(sm, sec);
            if (s2 >= 0) return day * SECS_PER_DAY + h * 3600 + m * 60 + s2;
        }
        int m2 = next_bit(mm, m + 1);
        if (m2 >= 0) return day * SECS_PER_DAY + h * 3600 + m2 * 60 + __builtin_ctzll(sm);
    }
    int h2 = next_bit(hm, h + 1);
    if (h2 < 0) {
        day++;
        h2 = __builtin_ctzll(hm);
    }
    return day * SECS_PER_DAY + h2 * 3600 + __builtin_ctzll(mm) * 60 + __builtin_ctzll(sm);
}

/* ---- register C ---- */

/* Flags set by edges in (flags_ns, t], on top of the latched ones. */
static uint8_t flags_at(const struct cmos_rtc *s, int64_t t)
{
    uint8_t c = s->reg_c;
    if (t <= s->flags_ns) return c;
    if (divider_runs(s)) {
        int64_t p = periodic_ticks(s->ram[CMOS_REG_A] & CMOS_A_RS_MASK);
        if (p && periodic_le(s, t, p) > periodic_le(s, s->flags_ns, p)) c |= CMOS_C_PF;
    }
    if (clock_runs(s) && updates_le(s, t) > updates_le(s, s->flags_ns)) {
        c |= CMOS_C_UF;
        if (next_alarm(s, clock_at(s, s->flags_ns)) <= clock_at(s, t)) c |= CMOS_C_AF;
    }
    return c;
}

static uint8_t irqf(const struct cmos_rtc *s, uint8_t flags)
{
    uint8_t en = s->ram[CMOS_REG_B] & (CMOS_B_PIE | CMOS_B_AIE | CMOS_B_UIE);
    return (flags & en) ? CMOS_C_IRQF : 0; /* PF/AF/UF sit at the bit positions of PIE/AIE/UIE */
}

static uint8_t reg_c_now(const struct cmos_rtc *s)
{
    uint8_t c = flags_at(s, now_ns(s));
    return c | irqf(s, c);
}

/* Latch flags and clock reading up to now, before anything that changes how
 * they are derived. */
static void fold(struct cmos_rtc *s)
{
    int64_t now = now_ns(s);
    s->reg_c = flags_at(s, now);
    s->flags_ns = now;
    s->base_sec = clock_at(s, now);
    s->sync_ns = now;
}

/* ---- IRQ and the timer ---- */

#ifdef CINDER_DEBUG
static void cmos_rtc_check_invariants(const struct cmos_rtc *s)
{
    if (s->flags_ns < s->sync_ns || s->flags_ns > now_ns(s) || s->wday_adj < 0 || s->wday_adj > 6 ||
        s->index > 0x7F || s->ext_index < 0x80 ||
        (s->reg_c & (uint8_t) ~(CMOS_C_PF | CMOS_C_AF | CMOS_C_UF)) ||
        (s->ram[CMOS_REG_A] & CMOS_A_UIP)) {
        fprintf(stderr, "cmos_rtc: invariant broken\n");
        abort();
    }
}
#endif

static void cmos_rtc_update_irq(struct cmos_rtc *s)
{
    int64_t now = now_ns(s);
#ifdef CINDER_DEBUG
    cmos_rtc_check_invariants(s);
#endif
    uint8_t c = reg_c_now(s);
    irq_set(&s->irq, (c & CMOS_C_IRQF) != 0);
    if (c & CMOS_C_IRQF) {
        /* Nothing more the guest can observe on the wire until C is read. */
        timer_del(&s->timer);
        return;
    }
    uint8_t b = s->ram[CMOS_REG_B];
    int64_t next = INT64_MAX;
    if ((b & CMOS_B_PIE) && divider_runs(s)) {
        int64_t p = periodic_ticks(s->ram[CMOS_REG_A] & CMOS_A_RS_MASK);
        if (p) next = next_periodic(s, now, p);
    }
    if ((b & CMOS_B_UIE) && clock_runs(s)) {
        int64_t u = next_update(s, now);
        if (u < next) next = u;
    }
    if ((b & CMOS_B_AIE) && clock_runs(s)) {
        int64_t t = clock_at(s, now);
        int64_t a = next_alarm(s, t);
        if (a != INT64_MAX) {
            int64_t u = next_update(s, now) + (a - t - 1) * NS_PER_SEC;
            if (u < next) next = u;
        }
    }
    if (next == INT64_MAX)
        timer_del(&s->timer);
    else
        timer_mod(&s->timer, (uint64_t)next);
}

static void cmos_rtc_timer_fire(void *opaque)
{
    cmos_rtc_update_irq(opaque);
}

/* ---- register access ---- */

static uint8_t read_reg(struct cmos_rtc *s, int idx, bool side_effects)
{
    int64_t now = now_ns(s);
    if (is_time_reg(idx) && !(s->ram[CMOS_REG_B] & CMOS_B_SET))
        return time_reg(s, idx, clock_at(s, now));
    switch (idx) {
    case CMOS_REG_A: {
        uint8_t a = s->ram[CMOS_REG_A];
        if (clock_runs(s) && next_update(s, now) - now <= UIP_NS) a |= CMOS_A_UIP;
        return a;
    }
    case CMOS_REG_C: {
        uint8_t c = reg_c_now(s);
        if (side_effects) {
            s->reg_c = 0;
            s->flags_ns = now;
            cmos_rtc_update_irq(s);
        }
        return c;
    }
    case CMOS_REG_D: return CMOS_D_VRT;
    default: return s->ram[idx];
    }
}

static void write_reg_a(struct cmos_rtc *s, uint8_t v)
{
    bool was_running = divider_runs(s);
    fold(s);
    s->ram[CMOS_REG_A] = v & (uint8_t)~CMOS_A_UIP;
    unsigned dv = (v & CMOS_A_DV_MASK) >> 4;
    if (dv != 2 && dv < 6)
        LOG_UNIMPL_ONCE("rtc: divider %u%u%u (only 32.768 kHz, 010, runs)", dv >> 2, dv >> 1 & 1,
                        dv & 1);
    if (!was_running && divider_runs(s)) {
        /* Leaving reset: the chain starts at 0 and the first update is 500 ms on. */
        s->div_origin_ns = now_ns(s);
    }
}

static void write_reg_b(struct cmos_rtc *s, uint8_t v)
{
    uint8_t old = s->ram[CMOS_REG_B];
    fold(s);
    if ((v & CMOS_B_SET) && !(old & CMOS_B_SET)) {
        /* Freeze: the guest now edits a snapshot (in the old format, which
         * is what the registers held).  SET clears UIE. */
        snapshot_time(s, s->base_sec);
        v &= (uint8_t)~CMOS_B_UIE;
    }
    s->ram[CMOS_REG_B] = v;
    if (!(v & CMOS_B_SET) && (old & CMOS_B_SET)) {
        load_time_from_ram(s); /* in the format in force now */
        s->sync_ns = now_ns(s);
    }
    if (v & CMOS_B_DSE) LOG_UNIMPL_ONCE("rtc: daylight saving enable (DSE)");
    if ((v ^ old) & (CMOS_B_DM | CMOS_B_24H))
        LOG(LOG_RTC, "rtc: format now %s, %s", v & CMOS_B_DM ? "binary" : "BCD",
            v & CMOS_B_24H ? "24 h" : "12 h");
}

static void write_reg(struct cmos_rtc *s, int idx, uint8_t v)
{
    if (is_time_reg(idx)) {
        if (s->ram[CMOS_REG_B] & CMOS_B_SET) {
            s->ram[idx] = v;
        } else {
            /* A write while counting moves the clock at once (the divider phase
             * is kept). */
            fold(s);
            snapshot_time(s, s->base_sec);
            s->ram[idx] = v;
            load_time_from_ram(s);
        }
    } else {
        switch (idx) {
        case CMOS_SECONDS_ALARM:
        case CMOS_MINUTES_ALARM:
        case CMOS_HOURS_ALARM:
            fold(s);
            s->ram[idx] = v;
            break;
        case CMOS_REG_A: write_reg_a(s, v); break;
        case CMOS_REG_B: write_reg_b(s, v); break;
        case CMOS_REG_C:
        case CMOS_REG_D:
            LOG(LOG_GUEST_ERRORS, "rtc: write 0x%02X to read-only register %X", v, idx);
            break;
        default: s->ram[idx] = v; break;
        }
    }
    LOG(LOG_RTC, "rtc: [0x%02X] <- 0x%02X", idx, v);
    cmos_rtc_update_irq(s);
}

static uint32_t cmos_rtc_read(void *opaque, uint32_t offset, unsigned size)
{
    struct cmos_rtc *s = opaque;
    switch (offset) {
    case 1: return read_reg(s, s->index, true);
    case 3: return s->ram[s->ext_index];
    default: return 0xFF; /* index ports are write-only */
    }
}

static void cmos_rtc_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct cmos_rtc *s = opaque;
    uint8_t v = (uint8_t)value;
    switch (offset) {
    case 0:
        s->index = v & 0x7F;
        s->nmi_masked = (v & 0x80) != 0;
        break;
    case 1: write_reg(s, s->index, v); break;
    case 2: s->ext_index = (uint8_t)(0x80 | (v & 0x7F)); break;
    default: s->ram[s->ext_index] = v; break;
    }
}

static const struct io_ops cmos_rtc_ops = {
    .read = cmos_rtc_read,
    .write = cmos_rtc_write,
    .impl_min = 1,
    .impl_max = 1,
    .name = "cmos_rtc",
};

/* ---- board API ---- */

static void update_checksum(struct cmos_rtc *s)
{
    unsigned sum = 0;
    for (int i = CMOS_FLOPPY_TYPES; i <= CMOS_BOOT_LEGACY; i++)
        sum += s->ram[i];
    s->ram[CMOS_CHECKSUM_HI] = (uint8_t)(sum >> 8);
    s->ram[CMOS_CHECKSUM_LO] = (uint8_t)sum;
}

void cmos_rtc_set_byte(struct cmos_rtc *s, int index, uint8_t v)
{
    if (index < 0 || index >= CMOS_RTC_SIZE) return;
    if (index <= CMOS_REG_D || index == CMOS_CENTURY) {
        write_reg(s, index, v);
        return;
    }
    s->ram[index] = v;
    if (index >= CMOS_FLOPPY_TYPES && index <= CMOS_BOOT_LEGACY) update_checksum(s);
}

uint8_t cmos_rtc_get_byte(struct cmos_rtc *s, int index)
{
    if (index < 0 || index >= CMOS_RTC_SIZE) return 0xFF;
    return index < 128 ? read_reg(s, index, false) : s->ram[index];
}

static void set_pair(struct cmos_rtc *s, int lo, uint64_t v)
{
    if (v > 0xFFFF) v = 0xFFFF;
    s->ram[lo] = (uint8_t)v;
    s->ram[lo + 1] = (uint8_t)(v >> 8);
}

void cmos_rtc_set_memory_size(struct cmos_rtc *s, uint64_t ram_bytes)
{
    uint64_t below = ram_bytes < CMOS_RTC_LOWMEM_MAX ? ram_bytes : CMOS_RTC_LOWMEM_MAX;
    uint64_t above = ram_bytes - below;
    uint64_t kib = below >> 10;
    set_pair(s, CMOS_BASE_MEM_LO, kib < 640 ? kib : 640);
    uint64_t ext = kib > 1024 ? kib - 1024 : 0;
    set_pair(s, CMOS_EXT_MEM_LO, ext);
    set_pair(s, CMOS_EXT_MEM2_LO, ext);
    set_pair(s, CMOS_MEM_16M_LO, below > (16u << 20) ? (below - (16u << 20)) >> 16 : 0);
    uint64_t hi = above >> 16;
    if (hi > 0xFFFFFF) hi = 0xFFFFFF;
    s->ram[CMOS_MEM_4G_LO] = (uint8_t)hi;
    s->ram[CMOS_MEM_4G_MID] = (uint8_t)(hi >> 8);
    s->ram[CMOS_MEM_4G_HI] = (uint8_t)(hi >> 16);
    update_checksum(s);
}

int cmos_rtc_set_boot_order(struct cmos_rtc *s, const char *order, bool check_floppy_sig)
{
    unsigned dev[3] = {0, 0, 0};
    size_t n = strlen(order);
    if (n > 3) return -1;
    for (size_t i = 0; i < n; i++) {
        switch (order[i]) {
        case 'a':
        case 'b': dev[i] = 1; break;
        case 'c': dev[i] = 2; break;
        case 'd': dev[i] = 3; break;
        case 'n': dev[i] = 4; break;
        default: return -1;
        }
    }
    s->ram[CMOS_BOOTFLAG2] = (uint8_t)(dev[1] << 4 | dev[0]);
    s->ram[CMOS_BOOTFLAG1] = (uint8_t)(dev[2] << 4 | (check_floppy_sig ? 0 : 1));
    if (dev[0] == 1)
        s->ram[CMOS_BOOT_LEGACY] |= 0x20;
    else
        s->ram[CMOS_BOOT_LEGACY] &= (uint8_t)~0x20;
    update_checksum(s);
    return 0;
}

bool cmos_rtc_nmi_masked(const struct cmos_rtc *s)
{
    return s->nmi_masked;
}

int cmos_rtc_parse_base(const char *spec, int64_t host_utc, int64_t *out)
{
    if (!strcmp(spec, "utc")) {
        *out = host_utc;
        return 0;
    }
    if (!strcmp(spec, "localtime")) {
        time_t t = (time_t)host_utc;
        struct tm tm;
        if (!localtime_r(&t, &tm)) return -1;
        *out = host_utc + tm.tm_gmtoff;
        return 0;
    }
    int y, mo, d, h = 0, mi = 0, sec = 0, len = 0;
    size_t n = strlen(spec);
    if (sscanf(spec, "%4d-%2d-%2d%n", &y, &mo, &d, &len) == 3 && (size_t)len == n) {
        /* date only */
    } else if (sscanf(spec, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &len) == 6 &&
               (size_t)len == n) {
        /* date and time */
    } else {
        return -1;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59 || h < 0 || mi < 0 ||
        sec < 0)
        return -1;
    *out = days_from_civil(y, mo, d) * SECS_PER_DAY + h * 3600 + mi * 60 + sec;
    return 0;
}

/* ---- descriptor ---- */

struct cmos_rtc *cmos_rtc_create(struct bus *bus, struct sched *sched, struct irq_line irq8,
                                 int64_t base_epoch_seconds)
{
    struct cmos_rtc *s = calloc(1, sizeof(*s));
    if (!s) return NULL;
    s->bus = bus;
    s->sched = sched;
    s->irq = irq8;
    timer_init(&s->timer, sched, cmos_rtc_timer_fire, s, "rtc");
    s->ram[CMOS_REG_A] = 0x26; /* 32.768 kHz, 1024 Hz periodic rate */
    s->ram[CMOS_REG_B] = CMOS_B_24H;
    int64_t now = now_ns(s);
    s->div_origin_ns = now - HALF_SEC_NS; /* next update one second from now */
    s->base_sec = base_epoch_seconds;
    s->sync_ns = now;
    s->flags_ns = now;
    s->ext_index = 0x80;
    s->region = bus_map_ports(bus, CMOS_RTC_IOBASE, CMOS_RTC_IOLEN, &cmos_rtc_ops, s);
    if (!s->region) {
        free(s);
        return NULL;
    }
    update_checksum(s);
    cmos_rtc_update_irq(s);
    return s;
}

/* RESET pin: clears PIE, AIE, UIE, SQWE and the flags; time, calendar, alarm,
 * register A, DM/24/DSE/SET and RAM are kept. */
static void cmos_rtc_reset(void *opaque)
{
    struct cmos_rtc *s = opaque;
    fold(s);
    s->ram[CMOS_REG_B] &= (uint8_t) ~(CMOS_B_PIE | CMOS_B_AIE | CMOS_B_UIE | CMOS_B_SQWE);
    s->reg_c = 0;
    s->index = 0;
    s->nmi_masked = false;
    cmos_rtc_update_irq(s);
}

static void cmos_rtc_destroy(void *opaque)
{
    struct cmos_rtc *s = opaque;
    timer_del(&s->timer);
    bus_unmap(s->bus, s->region);
    free(s);
}

static void cmos_rtc_info(void *opaque, FILE *out)
{
    struct cmos_rtc *s = opaque;
    int64_t t = clock_at(s, now_ns(s));
    int64_t days = floor_div(t, SECS_PER_DAY), sod = t - days * SECS_PER_DAY, y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    fprintf(out,
            "cmos_rtc: %04lld-%02d-%02d %02lld:%02lld:%02lld%s A=%02X B=%02X C=%02X index=%02X "
            "ext=%02X nmi %s\n",
            (long long)y, m, d, (long long)(sod / 3600), (long long)(sod / 60 % 60),
            (long long)(sod % 60), clock_runs(s) ? "" : " (stopped)",
            cmos_rtc_get_byte(s, CMOS_REG_A), s->ram[CMOS_REG_B], reg_c_now(s), s->index,
            s->ext_index, s->nmi_masked ? "masked" : "enabled");
}

const struct device_desc cmos_rtc_desc = {
    .name = "cmos_rtc",
    .reset = cmos_rtc_reset,
    .destroy = cmos_rtc_destroy,
    .info = cmos_rtc_info,
};

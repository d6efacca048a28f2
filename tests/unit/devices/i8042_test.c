/*
 * i8042_test.c - the 8042 keyboard controller with its PS/2 keyboard and
 * mouse, driven only through ports 0x60/0x64 on a real bus, with a fake
 * virtual clock, capturing IRQ 1 and IRQ 12 and the board callbacks.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devices/i8042.h"
#include "devices/ps2_kbd.h"
#include "devices/ps2_mouse.h"
#include "mem/bus.h"
#include "mem/sched.h"

#define MS 1000000ull

static struct bus *bus;
static struct sched *sched;
static struct i8042 *kbc;
static int irq_level[16]; /* current level per line */
static int irq_rises[16]; /* rising edges seen per line */
static int a20_calls;     /* a20 callback count */
static bool a20_state;    /* last value given to the a20 callback */
static int reset_calls;   /* reset callback count */
static int led_calls;     /* LED callback count */
static uint8_t led_state; /* last LEDs given */

static void irq_set_cb(void *opaque, int n, int level)
{
    if (level && !irq_level[n]) irq_rises[n]++;
    irq_level[n] = level;
}

static void a20_cb(void *board, bool on)
{
    ck_assert_ptr_eq(board, &a20_calls);
    a20_calls++;
    a20_state = on;
}

static void reset_cb(void *board)
{
    ck_assert_ptr_eq(board, &a20_calls);
    reset_calls++;
}

static void leds_cb(void *opaque, uint8_t leds)
{
    led_calls++;
    led_state = leds;
}

static void setup(void)
{
    bus = bus_create();
    sched = sched_create();
    for (int i = 0; i < 16; i++)
        irq_level[i] = irq_rises[i] = 0;
    a20_calls = reset_calls = led_calls = 0;
    a20_state = true;
    led_state = 0;
    struct irq_line l1 = {irq_set_cb, NULL, 1}, l12 = {irq_set_cb, NULL, 12};
    kbc = i8042_create(bus, sched, l1, l12, a20_cb, reset_cb, &a20_calls);
    ck_assert_ptr_nonnull(kbc);
    ps2_kbd_set_leds_callback(i8042_kbd(kbc), leds_cb, NULL);
}

static void teardown(void)
{
    i8042_desc.destroy(kbc);
    sched_destroy(sched);
    bus_destroy(bus);
}

static uint8_t status(void)
{
    return (uint8_t)bus_port_read(bus, 0x64, 1);
}
static void cmd(uint8_t v)
{
    bus_port_write(bus, 0x64, v, 1);
}
static void data(uint8_t v)
{
    bus_port_write(bus, 0x60, v, 1);
}
static uint8_t rd(void)
{
    return (uint8_t)bus_port_read(bus, 0x60, 1);
}
static void advance(uint64_t ns)
{
    sched_advance(sched, ns);
    sched_run_due(sched);
}

/* The output buffer holds b, from the mouse if aux; read it. */
#define EXPECT(b, aux)                                                                             \
    do {                                                                                           \
        uint8_t st_ = status();                                                                    \
        ck_assert_msg(st_ &I8042_STAT_OBF, "OBF clear, expected 0x%02X", (unsigned)(b));           \
        ck_assert_msg(!!(st_ & I8042_STAT_AUX_OBF) == !!(aux), "AUX_OBF wrong for 0x%02X",         \
                      (unsigned)(b));                                                              \
        ck_assert_uint_eq(rd(), (b));                                                              \
    } while (0)
#define EXPECT_EMPTY() ck_assert_uint_eq(status() & I8042_STAT_OBF, 0)

static void set_cb(uint8_t v)
{
    cmd(0x60);
    data(v);
}

static void mouse_cmd(uint8_t v)
{
    cmd(0xD4);
    data(v);
}

START_TEST(self_test_and_command_byte)
{
    uint8_t st = status();
    ck_assert_uint_eq(st & (I8042_STAT_OBF | I8042_STAT_IBF | I8042_STAT_SYS), 0);
    ck_assert(st & I8042_STAT_UNLOCK);
    cmd(0xAA);
    ck_assert(status() & I8042_STAT_CMD); /* A2: last write was a command */
    ck_assert_int_eq(irq_level[1], 1);    /* command byte enables IRQ 1 at reset */
    EXPECT(0x55, false);
    ck_assert_int_eq(irq_level[1], 0);
    ck_assert(status() & I8042_STAT_SYS);
    EXPECT_EMPTY();
    ck_assert_uint_eq(rd(), 0x55); /* an empty buffer still reads its last byte */

    cmd(0x20);
    EXPECT(0x07, false); /* KBD_INT | AUX_INT | SYS */
    cmd(0x60);
    data(0x65);
    ck_assert_uint_eq(status() & I8042_STAT_CMD, 0);
    cmd(0x20);
    EXPECT(0x65, false);
    /* SYS in the status register follows the command byte */
    set_cb(0x61);
    ck_assert_uint_eq(status() & I8042_STAT_SYS, 0);
    set_cb(0x65);
    ck_assert(status() & I8042_STAT_SYS);

    /* Controller RAM beyond the command byte */
    cmd(0x7F);
    data(0x5A);
    cmd(0x3F);
    EXPECT(0x5A, false);
    cmd(0xA9);
    EXPECT(0x00, false);
    cmd(0xAB);
    EXPECT(0x00, false);
    cmd(0xC0);
    EXPECT(0x80, false);
    cmd(0xA4);
    EXPECT(0xF1, false);

    /* Several replies queue behind each other */
    cmd(0xAA);
    cmd(0x20);
    EXPECT(0x55, false);
    EXPECT(0x65, false);
    EXPECT_EMPTY();

    /* Unknown commands do nothing visible */
    cmd(0x01);
    cmd(0xB5);
    EXPECT_EMPTY();
    ck_assert_int_eq(reset_calls, 0);

    /* Machine reset restores the command byte */
    i8042_desc.reset(kbc);
    cmd(0x20);
    EXPECT(0x03, false);
}
END_TEST

START_TEST(keyboard_reset_sequence)
{
    int rises = irq_rises[1];
    data(0xFF);
    ck_assert_int_eq(irq_rises[1], rises + 1);
    EXPECT(0xFA, false);
    EXPECT_EMPTY();
    /* Keys are not scanned during the self test */
    ps2_kbd_key(i8042_kbd(kbc), 0x1C, true);
    advance(PS2_BAT_NS - 1);
    EXPECT_EMPTY();
    advance(1);
    ck_assert_int_eq(irq_rises[1], rises + 2);
    EXPECT(0xAA, false);
    EXPECT_EMPTY();

    data(0xF2); /* identify */
    EXPECT(0xFA, false);
    EXPECT(0xAB, false);
    EXPECT(0x83, false);
    data(0xFE); /* resend the last byte */
    EXPECT(0x83, false);
    data(0xEE); /* echo: no ACK */
    EXPECT(0xEE, false);
    EXPECT_EMPTY();
    data(0x01); /* not a command */
    EXPECT(0xFE, false);
    data(0xF4);
    EXPECT(0xFA, false);
    data(0xF5); /* default and disable: keys ignored */
    EXPECT(0xFA, false);
    ps2_kbd_key(i8042_kbd(kbc), 0x1C, true);
    EXPECT_EMPTY();
    data(0xF4);
    EXPECT(0xFA, false);
    ps2_kbd_key(i8042_kbd(kbc), 0x1C, true);
    EXPECT(0x1C, false);

    /* Translated, the ID reads AB 41 */
    set_cb(0x43);
    data(0xF2);
    EXPECT(0xFA, false);
    EXPECT(0xAB, false);
    EXPECT(0x41, false);
}
END_TEST

START_TEST(scancode_translation)
{
    struct ps2_kbd *k = i8042_kbd(kbc);
    /* Untranslated set 2 */
    ps2_kbd_key(k, 0x1C, true);
    ps2_kbd_key(k, 0x1C, false);
    EXPECT(0x1C, false);
    EXPECT(0xF0, false);
    EXPECT(0x1C, false);
    ps2_kbd_key(k, PS2_KEY_EXT(0x74), true); /* right arrow */
    ps2_kbd_key(k, PS2_KEY_EXT(0x74), false);
    EXPECT(0xE0, false);
    EXPECT(0x74, false);
    EXPECT(0xE0, false);
    EXPECT(0xF0, false);
    EXPECT(0x74, false);
    EXPECT_EMPTY();

    /* XLAT on: set 1 in the output buffer, F0 folded into bit 7 */
    set_cb(0x45);
    int rises = irq_rises[1];
    ps2_kbd_key(k, 0x1C, true);
    ps2_kbd_key(k, 0x1C, false);
    EXPECT(0x1E, false);
    EXPECT(0x9E, false);
    ck_assert_int_eq(irq_rises[1], rises + 2); /* one interrupt per set-1 byte */
    const uint8_t up[] = {0xE0, 0xF0, 0x74};
    ps2_kbd_key(k, PS2_KEY_EXT(0x74), true);
    ps2_kbd_put_set2(k, up, sizeof(up));
    EXPECT(0xE0, false);
    EXPECT(0x4D, false);
    EXPECT(0xE0, false);
    EXPECT(0xCD, false);
    EXPECT_EMPTY();
    /* Print Screen and Pause */
    ps2_kbd_key(k, PS2_KEY_PRTSC, true);
    EXPECT(0xE0, false);
    EXPECT(0x2A, false);
    EXPECT(0xE0, false);
    EXPECT(0x37, false);
    ps2_kbd_key(k, PS2_KEY_PAUSE, true);
    const uint8_t pause1[] = {0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5};
    for (unsigned i = 0; i < sizeof(pause1); i++)
        EXPECT(pause1[i], false);
    ps2_kbd_key(k, PS2_KEY_PAUSE, false); /* Pause has no break */
    EXPECT_EMPTY();

    /* Spot-check the table over all letters */
    static const uint8_t s2[26] = {0x1C, 0x32, 0x21, 0x23, 0x24, 0x2B, 0x34, 0x33, 0x43,
                                   0x3B, 0x42, 0x4B, 0x3A, 0x31, 0x44, 0x4D, 0x15, 0x2D,
                                   0x1B, 0x2C, 0x3C, 0x2A, 0x1D, 0x22, 0x35, 0x1A};
    static const uint8_t s1[26] = {0x1E, 0x30, 0x2E, 0x20, 0x12, 0x21, 0x22, 0x23, 0x17,
                                   0x24, 0x25, 0x26, 0x32, 0x31, 0x18, 0x19, 0x10, 0x13,
                                   0x1F, 0x14, 0x16, 0x2F, 0x11, 0x2D, 0x15, 0x2C};
    for (int i = 0; i < 26; i++)
        if (ps2_kbd_translate(s2[i]) != s1[i])
            ck_abort_msg("letter %c: set 2 0x%02X -> 0x%02X, want 0x%02X", 'A' + i, s2[i],
                         ps2_kbd_translate(s2[i]), s1[i]);
    ck_assert_uint_eq(ps2_kbd_translate(0x83), 0x41); /* F7 */
    ck_assert_uint_eq(ps2_kbd_translate(0xFA), 0xFA);

    /* Scancode set query, translated: 2 reads as 0x41 */
    data(0xF0);
    EXPECT(0xFA, false);
    data(0x00);
    EXPECT(0xFA, false);
    EXPECT(0x41, false);

    /* The keyboard in set 1 itself, XLAT off */
    set_cb(0x05);
    data(0xF0);
    EXPECT(0xFA, false);
    data(0x01);
    EXPECT(0xFA, false);
    ck_assert_uint_eq(ps2_kbd_scancode_set(k), 1);
    ps2_kbd_key(k, 0x1C, true);
    ps2_kbd_key(k, 0x1C, false);
    EXPECT(0x1E, false);
    EXPECT(0x9E, false);
    data(0xF0);
    EXPECT(0xFA, false);
    data(0x00);
    EXPECT(0xFA, false);
    EXPECT(0x01, false);
    /* F6 restores set 2 */
    data(0xF6);
    EXPECT(0xFA, false);
    ck_assert_uint_eq(ps2_kbd_scancode_set(k), 2);
}
END_TEST

START_TEST(led_command)
{
    data(0xED);
    EXPECT(0xFA, false);
    ck_assert_int_eq(led_calls, 0);
    data(PS2_LED_CAPS | PS2_LED_NUM);
    EXPECT(0xFA, false);
    ck_assert_int_eq(led_calls, 1);
    ck_assert_uint_eq(led_state, PS2_LED_CAPS | PS2_LED_NUM);
    ck_assert_uint_eq(ps2_kbd_leds(i8042_kbd(kbc)), PS2_LED_CAPS | PS2_LED_NUM);
    /* A command in place of the option byte is taken as a command */
    data(0xED);
    EXPECT(0xFA, false);
    data(0xEE);
    EXPECT(0xEE, false);
    ck_assert_int_eq(led_calls, 1);
    /* Reset turns them off */
    data(0xFF);
    EXPECT(0xFA, false);
    ck_assert_uint_eq(ps2_kbd_leds(i8042_kbd(kbc)), 0);
}
END_TEST

START_TEST(typematic_timing)
{
    struct ps2_kbd *k = i8042_kbd(kbc);
    /* Default: 500 ms delay, then (8+3)*2*4.17 ms = 91.74 ms */
    ps2_kbd_key(k, 0x1C, true);
    EXPECT(0x1C, false);
    advance(500 * MS - 1);
    EXPECT_EMPTY();
    advance(1);
    EXPECT(0x1C, false);
    advance(91740000 - 1);
    EXPECT_EMPTY();
    advance(1);
    EXPECT(0x1C, false);
    ps2_kbd_key(k, 0x1C, false);
    EXPECT(0xF0, false);
    EXPECT(0x1C, false);
    advance(2000 * MS);
    EXPECT_EMPTY();

    /* Fastest: 250 ms, 30 cps (33.36 ms) */
    data(0xF3);
    EXPECT(0xFA, false);
    data(0x00);
    EXPECT(0xFA, false);
    ps2_kbd_key(k, PS2_KEY_EXT(0x75), true); /* up arrow */
    EXPECT(0xE0, false);
    EXPECT(0x75, false);
    int repeats = 0;
    for (int ms = 1; ms <= 1000; ms++) {
        advance(MS);
        while (status() & I8042_STAT_OBF) {
            uint8_t a = rd(), b = rd();
            if (a != 0xE0 || b != 0x75) ck_abort_msg("repeat %d: %02X %02X", repeats, a, b);
            repeats++;
        }
    }
    /* repeats at 250 + n * 33.36 ms for n = 0..22 */
    ck_assert_int_eq(repeats, 23);
    /* Another key takes over; releasing the first does not stop the second */
    ps2_kbd_key(k, 0x1C, true);
    EXPECT(0x1C, false);
    ps2_kbd_key(k, PS2_KEY_EXT(0x75), false);
    EXPECT(0xE0, false);
    EXPECT(0xF0, false);
    EXPECT(0x75, false);
    advance(250 * MS);
    EXPECT(0x1C, false);
    EXPECT_EMPTY();
    /* Slowest: 1 s delay, 2 cps */
    data(0xF3);
    EXPECT(0xFA, false);
    data(0x7F);
    EXPECT(0xFA, false);
    ps2_kbd_key(k, 0x1C, true);
    EXPECT(0x1C, false);
    advance(1000 * MS - 1);
    EXPECT_EMPTY();
    advance(1);
    EXPECT(0x1C, false);
    advance((8 + 7) * 8 * 4170000ull);
    EXPECT(0x1C, false);
}
END_TEST

START_TEST(mouse_reset_id_wheel_packets)
{
    struct ps2_mouse *m = i8042_mouse(kbc);
    int rises1 = irq_rises[1], rises12 = irq_rises[12];
    mouse_cmd(0xFF);
    EXPECT(0xFA, true);
    ck_assert_int_eq(irq_rises[12], rises12 + 1);
    EXPECT_EMPTY();
    advance(PS2_BAT_NS);
    EXPECT(0xAA, true);
    EXPECT(0x00, true);
    ck_assert_int_eq(irq_rises[1], rises1); /* mouse bytes never raise IRQ 1 */

    mouse_cmd(0xF2);
    EXPECT(0xFA, true);
    EXPECT(0x00, true);
    /* Reporting off: motion is not sent */
    ps2_mouse_event(m, 10, 10, 0, 0);
    EXPECT_EMPTY();

    /* Status request: stream, disabled, 1:1, resolution 2, 100/s */
    mouse_cmd(0xE7);
    EXPECT(0xFA, true);
    mouse_cmd(0xE9);
    EXPECT(0xFA, true);
    EXPECT(0x10, true);
    EXPECT(0x02, true);
    EXPECT(100, true);
    mouse_cmd(0xE6);
    EXPECT(0xFA, true);

    /* Standard 3-byte packets; Y points up in the packet */
    mouse_cmd(0xF4);
    EXPECT(0xFA, true);
    ps2_mouse_event(m, 5, 3, 1, PS2_MOUSE_LEFT);
    EXPECT(0x29, true); /* bit 3, left, Y sign */
    EXPECT(0x05, true);
    EXPECT(0xFD, true);
    EXPECT_EMPTY();
    ps2_mouse_event(m, 0, 0, 0, PS2_MOUSE_LEFT); /* no change: nothing */
    EXPECT_EMPTY();
    ps2_mouse_event(m, 0, 0, 0, 0); /* release */
    EXPECT(0x08, true);
    EXPECT(0x00, true);
    EXPECT(0x00, true);

    /* IntelliMouse knock: 200, 100, 80 */
    static const uint8_t knock[3] = {200, 100, 80};
    for (int i = 0; i < 3; i++) {
        mouse_cmd(0xF3);
        EXPECT(0xFA, true);
        mouse_cmd(knock[i]);
        EXPECT(0xFA, true);
    }
    mouse_cmd(0xF2);
    EXPECT(0xFA, true);
    EXPECT(0x03, true);
    ck_assert_uint_eq(ps2_mouse_id(m), 3);
    mouse_cmd(0xF4);
    EXPECT(0xFA, true);
    ps2_mouse_event(m, -4, -2, 1, PS2_MOUSE_RIGHT | PS2_MOUSE_MIDDLE);
    EXPECT(0x1E, true); /* bit 3, middle, right, X sign */
    EXPECT(0xFC, true);
    EXPECT(0x02, true);
    EXPECT(0x01, true);
    /* Overflow: clamped, overflow bits, wheel clamped to -8 */
    ps2_mouse_event(m, 300, -300, -20, 0);
    EXPECT(0xC8, true);
    EXPECT(0xFF, true);
    EXPECT(0xFF, true);
    EXPECT(0xF8, true);
    EXPECT_EMPTY();
    /* Motion accumulates while the guest does not read */
    ps2_mouse_event(m, 1, 0, 0, 0);
    for (int i = 0; i < 100; i++)
        ps2_mouse_event(m, 1, 0, 0, 0);
    ck_assert(status() & I8042_STAT_AUX_OBF);
    int total = 0, packets = 0;
    while (status() & I8042_STAT_OBF) {
        uint8_t b0 = rd(), x = rd(), y = rd(), z = rd();
        if (!(b0 & 0x08) || y || z) ck_abort_msg("bad packet %02X %02X %02X %02X", b0, x, y, z);
        total += x;
        packets++;
    }
    ck_assert_int_eq(total, 101);
    ck_assert_int_lt(packets, 101);

    /* Remote mode: nothing streams, EB reads the counters */
    mouse_cmd(0xF0);
    EXPECT(0xFA, true);
    ps2_mouse_event(m, 7, 0, 0, 0);
    EXPECT_EMPTY();
    mouse_cmd(0xEB);
    EXPECT(0xFA, true);
    EXPECT(0x08, true);
    EXPECT(0x07, true);
    EXPECT(0x00, true);
    EXPECT(0x00, true);

    /* Wrap mode echoes */
    mouse_cmd(0xEE);
    EXPECT(0xFA, true);
    mouse_cmd(0x42);
    EXPECT(0x42, true);
    mouse_cmd(0xEC);
    EXPECT(0xFA, true);

    /* Reset drops the wheel */
    mouse_cmd(0xFF);
    EXPECT(0xFA, true);
    advance(PS2_BAT_NS);
    EXPECT(0xAA, true);
    EXPECT(0x00, true);
    mouse_cmd(0xF2);
    EXPECT(0xFA, true);
    EXPECT(0x00, true);
    /* A bad sample rate is refused */
    mouse_cmd(0xF3);
    EXPECT(0xFA, true);
    mouse_cmd(0xFF);
    EXPECT(0xFE, true);
}
END_TEST

START_TEST(irq_routing_and_aux_obf)
{
    set_cb(0x03);
    cmd(0xD3);
    data(0x5A);
    uint8_t st = status();
    ck_assert_uint_eq(st & (I8042_STAT_OBF | I8042_STAT_AUX_OBF),
                      I8042_STAT_OBF | I8042_STAT_AUX_OBF);
    ck_assert_int_eq(irq_level[12], 1);
    ck_assert_int_eq(irq_level[1], 0);
    ck_assert_uint_eq(rd(), 0x5A);
    ck_assert_int_eq(irq_level[12], 0);
    ck_assert_uint_eq(status() & (I8042_STAT_OBF | I8042_STAT_AUX_OBF), 0);

    cmd(0xD2);
    data(0xA5);
    ck_assert_uint_eq(status() & (I8042_STAT_OBF | I8042_STAT_AUX_OBF), I8042_STAT_OBF);
    ck_assert_int_eq(irq_level[1], 1);
    ck_assert_int_eq(irq_level[12], 0);
    ck_assert_uint_eq(rd(), 0xA5);
    ck_assert_int_eq(irq_level[1], 0);

    /* Output port read shows which buffer is full (bits 4 and 5) */
    cmd(0xD3);
    data(0x11);
    cmd(0xD0);
    EXPECT(0x11, true);
    EXPECT(0xEF, false); /* 0xCF | OBF of the aux byte at the time */

    /* Interrupt enables gate each line separately */
    set_cb(0x00);
    cmd(0xD2);
    data(0x01);
    ck_assert(status() & I8042_STAT_OBF);
    ck_assert_int_eq(irq_level[1], 0);
    set_cb(0x01); /* enabling with a byte waiting raises the line */
    ck_assert_int_eq(irq_level[1], 1);
    EXPECT(0x01, false);
    set_cb(0x01);
    cmd(0xD3);
    data(0x02);
    ck_assert_int_eq(irq_level[12], 0);
    EXPECT(0x02, true);

    /* Back-to-back bytes: each gets its own rising edge */
    set_cb(0x03);
    struct ps2_kbd *k = i8042_kbd(kbc);
    int r1 = irq_rises[1], r12 = irq_rises[12];
    ps2_kbd_key(k, PS2_KEY_EXT(0x75), true);
    mouse_cmd(0xF2);
    EXPECT(0xE0, false); /* keyboard first */
    EXPECT(0x75, false);
    EXPECT(0xFA, true);
    EXPECT(0x00, true);
    ck_assert_int_eq(irq_rises[1], r1 + 2);
    ck_assert_int_eq(irq_rises[12], r12 + 2);
}
END_TEST

START_TEST(a20_and_reset_lines)
{
    cmd(0xD0);
    EXPECT(0xCF, false);
    cmd(0xD1);
    data(0xDD);
    ck_assert_int_eq(a20_calls, 1);
    ck_assert(!a20_state);
    ck_assert_int_eq(reset_calls, 0);
    cmd(0xD0);
    EXPECT(0xCD, false);
    cmd(0xD1);
    data(0xDD); /* no change, no call */
    ck_assert_int_eq(a20_calls, 1);
    cmd(0xD1);
    data(0xDF);
    ck_assert_int_eq(a20_calls, 2);
    ck_assert(a20_state);
    cmd(0xFF); /* the "null command" some BIOSes send after D1 */
    ck_assert_int_eq(reset_calls, 0);
    /* HP-style DD/DF */
    cmd(0xDD);
    ck_assert(!a20_state);
    cmd(0xDF);
    ck_assert(a20_state);
    ck_assert_int_eq(a20_calls, 4);

    cmd(0xFE);
    ck_assert_int_eq(reset_calls, 1);
    cmd(0xF0); /* pulses all four lines, reset among them */
    ck_assert_int_eq(reset_calls, 2);
    cmd(0xFD);
    ck_assert_int_eq(reset_calls, 2);
    cmd(0xD1);
    data(0xCE); /* reset line low */
    ck_assert_int_eq(reset_calls, 3);
    /* Machine reset puts A20 back on */
    cmd(0xDD);
    int calls = a20_calls;
    i8042_desc.reset(kbc);
    ck_assert_int_eq(a20_calls, calls + 1);
    ck_assert(a20_state);
    EXPECT_EMPTY();
}
END_TEST

START_TEST(disabled_interfaces_hold_data)
{
    struct ps2_kbd *k = i8042_kbd(kbc);
    struct ps2_mouse *m = i8042_mouse(kbc);
    cmd(0xAD);
    cmd(0x20);
    EXPECT(0x13, false); /* controller replies still come */
    ps2_kbd_key(k, 0x1C, true);
    EXPECT_EMPTY();
    ck_assert_int_eq(irq_level[1], 0);
    cmd(0xAE);
    ck_assert_int_eq(irq_level[1], 1);
    EXPECT(0x1C, false);

    mouse_cmd(0xF4);
    EXPECT(0xFA, true);
    cmd(0xA7);
    cmd(0x20);
    EXPECT(0x23, false);
    ps2_mouse_event(m, 3, 0, 0, 0);
    EXPECT_EMPTY();
    ck_assert_int_eq(irq_level[12], 0);
    cmd(0xA8);
    ck_assert_int_eq(irq_level[12], 1);
    EXPECT(0x08, true);
    EXPECT(0x03, true);
    EXPECT(0x00, true);

    /* The command byte's disable bits do the same */
    set_cb(0x33);
    ps2_kbd_key(k, 0x1C, false);
    ps2_mouse_event(m, 1, 0, 0, 0);
    EXPECT_EMPTY();
    set_cb(0x23); /* keyboard on, mouse still off */
    EXPECT(0xF0, false);
    EXPECT(0x1C, false);
    EXPECT_EMPTY();
    set_cb(0x03);
    EXPECT(0x08, true);
    EXPECT(0x01, true);
    EXPECT(0x00, true);

    /* Writing to the keyboard enables its interface */
    cmd(0xAD);
    data(0xEE);
    EXPECT(0xEE, false);
    cmd(0x20);
    EXPECT(0x03, false);
}
END_TEST

/* Random port traffic and clock steps: never crash, status stays consistent. */
START_TEST(random_traffic)
{
    uint32_t x = 12345;
    for (int i = 0; i < 200000; i++) {
        x = x * 1103515245u + 12345u;
        uint32_t r = x >> 8;
        switch (r & 7) {
        case 0:
        case 1: cmd((uint8_t)(r >> 8)); break;
        case 2:
        case 3: data((uint8_t)(r >> 8)); break;
        case 4: rd(); break;
        case 5: advance((r >> 8) % (3 * MS)); break;
        case 6: ps2_kbd_key(i8042_kbd(kbc), (uint16_t)((r >> 8) & 0xE0FF), (r >> 20) & 1); break;
        case 7:
            ps2_mouse_event(i8042_mouse(kbc), (int)((r >> 8) & 0x3FF) - 512,
                            (int)((r >> 12) & 0x3FF) - 512, (int)((r >> 16) & 15) - 8,
                            (r >> 20) & 7);
            break;
        }
        uint8_t st = status();
        if ((st & I8042_STAT_AUX_OBF) && !(st & I8042_STAT_OBF))
            ck_abort_msg("AUX_OBF without OBF at step %d", i);
        if (irq_level[1] && irq_level[12]) ck_abort_msg("both IRQs high at step %d", i);
        if ((irq_level[1] || irq_level[12]) && !(st & I8042_STAT_OBF))
            ck_abort_msg("IRQ without OBF at step %d", i);
    }
    /* Reset calls (from D1 / F0-FD) are fine here; the device still answers */
    i8042_desc.reset(kbc);
    cmd(0xAA);
    EXPECT(0x55, false);
}
END_TEST

START_TEST(create_overlap_and_info)
{
    struct irq_line none = {0};
    ck_assert_ptr_null(i8042_create(bus, sched, none, none, NULL, NULL, NULL));
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    i8042_desc.info(kbc, f);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "i8042: status"));
    ck_assert_ptr_nonnull(strstr(buf, "ps2_mouse: id 0"));
    free(buf);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("i8042");
    TCase *t = tcase_create("i8042");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, self_test_and_command_byte);
    tcase_add_test(t, keyboard_reset_sequence);
    tcase_add_test(t, scancode_translation);
    tcase_add_test(t, led_command);
    tcase_add_test(t, typematic_timing);
    tcase_add_test(t, mouse_reset_id_wheel_packets);
    tcase_add_test(t, irq_routing_and_aux_obf);
    tcase_add_test(t, a20_and_reset_lines);
    tcase_add_test(t, disabled_interfaces_hold_data);
    tcase_add_test(t, random_traffic);
    tcase_add_test(t, create_overlap_and_info);
    suite_add_tcase(s, t);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

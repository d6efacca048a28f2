/*
 * ps2_keymap_test.c - HID usage to PS/2 set 2: every key of a 105-key
 * keyboard has a code, the codes are distinct, each agrees with a separately
 * written set-1 table through the 8042's translation, and the special
 * sequences (extended keys, Print Screen, Pause, Ctrl+Break, Alt+SysRq, the
 * 102nd key), built by ps2_keymap_event with the modifier state as the
 * board keeps it, come out of a real 8042 byte for byte.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devices/i8042.h"
#include "devices/ps2_kbd.h"
#include "devices/ps2_keymap.h"
#include "mem/bus.h"
#include "mem/sched.h"

/* HID usage and its set-1 make code (0xE0xx for E0-prefixed keys), from
 * Microsoft's Keyboard Scan Code Specification, appendix C: the 105 keys of
 * an ISO keyboard, plus the ANSI backslash (0x31). */
/* clang-format off */
static const struct {
    unsigned hid;
    uint16_t set1;
} keys105[] = {
    {0x04, 0x1E}, {0x05, 0x30}, {0x06, 0x2E}, {0x07, 0x20}, {0x08, 0x12}, {0x09, 0x21},
    {0x0A, 0x22}, {0x0B, 0x23}, {0x0C, 0x17}, {0x0D, 0x24}, {0x0E, 0x25}, {0x0F, 0x26},
    {0x10, 0x32}, {0x11, 0x31}, {0x12, 0x18}, {0x13, 0x19}, {0x14, 0x10}, {0x15, 0x13},
    {0x16, 0x1F}, {0x17, 0x14}, {0x18, 0x16}, {0x19, 0x2F}, {0x1A, 0x11}, {0x1B, 0x2D},
    {0x1C, 0x15}, {0x1D, 0x2C}, /* letters */
    {0x1E, 0x02}, {0x1F, 0x03}, {0x20, 0x04}, {0x21, 0x05}, {0x22, 0x06}, {0x23, 0x07},
    {0x24, 0x08}, {0x25, 0x09}, {0x26, 0x0A}, {0x27, 0x0B}, /* digits */
    {0x28, 0x1C}, {0x29, 0x01}, {0x2A, 0x0E}, {0x2B, 0x0F}, {0x2C, 0x39}, {0x2D, 0x0C},
    {0x2E, 0x0D}, {0x2F, 0x1A}, {0x30, 0x1B}, {0x31, 0x2B}, {0x32, 0x2B}, {0x33, 0x27},
    {0x34, 0x28}, {0x35, 0x29}, {0x36, 0x33}, {0x37, 0x34}, {0x38, 0x35}, {0x39, 0x3A},
    {0x3A, 0x3B}, {0x3B, 0x3C}, {0x3C, 0x3D}, {0x3D, 0x3E}, {0x3E, 0x3F}, {0x3F, 0x40},
    {0x40, 0x41}, {0x41, 0x42}, {0x42, 0x43}, {0x43, 0x44}, {0x44, 0x57}, {0x45, 0x58},
    {0x47, 0x46}, /* Scroll Lock */
    {0x49, 0xE052}, {0x4A, 0xE047}, {0x4B, 0xE049}, {0x4C, 0xE053}, {0x4D, 0xE04F},
    {0x4E, 0xE051}, {0x4F, 0xE04D}, {0x50, 0xE04B}, {0x51, 0xE050}, {0x52, 0xE048},
    {0x53, 0x45}, {0x54, 0xE035}, {0x55, 0x37}, {0x56, 0x4A}, {0x57, 0x4E}, {0x58, 0xE01C},
    {0x59, 0x4F}, {0x5A, 0x50}, {0x5B, 0x51}, {0x5C, 0x4B}, {0x5D, 0x4C}, {0x5E, 0x4D},
    {0x5F, 0x47}, {0x60, 0x48}, {0x61, 0x49}, {0x62, 0x52}, {0x63, 0x53}, /* keypad */
    {0x64, 0x56}, {0x65, 0xE05D}, /* 102nd key, Menu */
    {0xE0, 0x1D}, {0xE1, 0x2A}, {0xE2, 0x38}, {0xE3, 0xE05B}, {0xE4, 0xE01D}, {0xE5, 0x36},
    {0xE6, 0xE038}, {0xE7, 0xE05C}, /* modifiers */
};
/* clang-format on */
#define N_KEYS (sizeof(keys105) / sizeof(keys105[0]))

START_TEST(every_key_has_a_code_matching_set1)
{
    /* 104 table rows + Print Screen + Pause = 106 usages: 105 keys and the
     * ANSI backslash, which shares its position code with ISO's # key. */
    ck_assert_uint_eq(N_KEYS + 2, 106);
    for (size_t i = 0; i < N_KEYS; i++) {
        uint16_t code = ps2_keymap_code(keys105[i].hid);
        if (!code) ck_abort_msg("HID 0x%02X has no code", keys105[i].hid);
        bool ext = (code & 0xFF00) == 0xE000;
        if (!ext && (code & 0xFF00))
            ck_abort_msg("HID 0x%02X: code 0x%04X is not a plain key", keys105[i].hid, code);
        uint16_t set1 = (uint16_t)((ext ? 0xE000 : 0) | ps2_kbd_translate((uint8_t)code));
        if (set1 != keys105[i].set1)
            ck_abort_msg("HID 0x%02X: set 2 0x%04X translates to set 1 0x%04X, want 0x%04X",
                         keys105[i].hid, code, set1, keys105[i].set1);
        for (size_t j = 0; j < i; j++)
            if (ps2_keymap_code(keys105[j].hid) == code &&
                !(keys105[i].hid == 0x32 && keys105[j].hid == 0x31))
                ck_abort_msg("HID 0x%02X and 0x%02X share code 0x%04X", keys105[j].hid,
                             keys105[i].hid, code);
    }
    ck_assert_uint_eq(ps2_keymap_code(0x46), PS2_KEY_PRTSC);
    ck_assert_uint_eq(ps2_keymap_code(0x48), PS2_KEY_PAUSE);
}
END_TEST

START_TEST(unmapped_and_out_of_range)
{
    ck_assert_uint_eq(ps2_keymap_code(0x00), 0); /* no event */
    ck_assert_uint_eq(ps2_keymap_code(0x01), 0); /* ErrorRollOver */
    ck_assert_uint_eq(ps2_keymap_code(0xE8), 0);
    ck_assert_uint_eq(ps2_keymap_code(0x1FF), 0);
    ck_assert_uint_eq(ps2_keymap_code(~0u), 0);
    struct ps2_keymap_state st = {0};
    uint8_t out[PS2_KEYMAP_SEQ_MAX];
    ck_assert_uint_eq(ps2_keymap_event(&st, 0xE8, true, out), 0);
    ck_assert_uint_eq(ps2_keymap_event(&st, ~0u, false, out), 0);
    ck_assert_uint_eq(ps2_keymap_event(&st, 0x46, false, out), 0); /* PrtSc up, never down */
    ck_assert_uint_eq(st.mods, 0);
    ck_assert_uint_eq(ps2_keymap_mod_bit(0xE0), PS2_KEYMAP_MOD_LCTRL);
    ck_assert_uint_eq(ps2_keymap_mod_bit(0xE6), PS2_KEYMAP_MOD_RALT);
    ck_assert_uint_eq(ps2_keymap_mod_bit(0xE7), PS2_KEYMAP_MOD_RGUI);
    ck_assert_uint_eq(ps2_keymap_mod_bit(0x04), 0);
    ck_assert_uint_eq(ps2_keymap_mod_bit(0xE8), 0);
    /* Extras beyond the 105 keys */
    ck_assert_uint_eq(ps2_keymap_code(0x87), 0x51);              /* Ro */
    ck_assert_uint_eq(ps2_keymap_code(0x89), 0x6A);              /* Yen */
    ck_assert_uint_eq(ps2_keymap_code(0x68), 0x08);              /* F13 */
    ck_assert_uint_eq(ps2_keymap_code(0x7F), PS2_KEY_EXT(0x23)); /* Mute */
}
END_TEST

/* --- byte sequences through a real 8042 ----------------------------------- */

static struct bus *bus;
static struct sched *sched;
static struct i8042 *kbc;
static struct ps2_keymap_state keymap; /* the board's host-keyboard state */

static void irq_nop(void *opaque, int n, int level) {}

static void setup(void)
{
    bus = bus_create();
    sched = sched_create();
    struct irq_line l1 = {irq_nop, NULL, 1}, l12 = {irq_nop, NULL, 12};
    kbc = i8042_create(bus, sched, l1, l12, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(kbc);
    memset(&keymap, 0, sizeof(keymap));
}

static void teardown(void)
{
    i8042_desc.destroy(kbc);
    sched_destroy(sched);
    bus_destroy(bus);
}

/* The bytes the 8042 hands out after one key event, sent as the board
 * does (pc_key_event). */
static size_t key_bytes(unsigned hid, bool down, uint8_t *out)
{
    uint8_t seq[PS2_KEYMAP_SEQ_MAX];
    size_t len = ps2_keymap_event(&keymap, hid, down, seq);
    if (len) ps2_kbd_put_set2(i8042_kbd(kbc), seq, len);
    size_t n = 0;
    while ((bus_port_read(bus, 0x64, 1) & I8042_STAT_OBF) && n < 16)
        out[n++] = (uint8_t)bus_port_read(bus, 0x60, 1);
    return n;
}

#define EXPECT_KEY(hid, down, ...)                                                                 \
    do {                                                                                           \
        static const uint8_t want_[] = {__VA_ARGS__};                                              \
        uint8_t got_[16];                                                                          \
        size_t n_ = key_bytes((hid), (down), got_);                                                \
        ck_assert_msg(n_ == sizeof(want_), "HID 0x%02X %s: %zu bytes, want %zu", (unsigned)(hid),  \
                      (down) ? "down" : "up", n_, sizeof(want_));                                  \
        ck_assert_mem_eq(got_, want_, sizeof(want_));                                              \
    } while (0)

START_TEST(set2_sequences)
{
    uint8_t got[16];
    EXPECT_KEY(0x04, true, 0x1C); /* A */
    EXPECT_KEY(0x04, false, 0xF0, 0x1C);
    EXPECT_KEY(0x4F, true, 0xE0, 0x74); /* Right */
    EXPECT_KEY(0x4F, false, 0xE0, 0xF0, 0x74);
    EXPECT_KEY(0x64, true, 0x61); /* 102nd key */
    EXPECT_KEY(0x64, false, 0xF0, 0x61);
    EXPECT_KEY(0x58, true, 0xE0, 0x5A);        /* keypad Enter */
    EXPECT_KEY(0x54, false, 0xE0, 0xF0, 0x4A); /* keypad / */
    EXPECT_KEY(0xE3, true, 0xE0, 0x1F);        /* left Windows */
    EXPECT_KEY(0xE3, false, 0xE0, 0xF0, 0x1F);
    EXPECT_KEY(0xE7, true, 0xE0, 0x27); /* right Windows */
    EXPECT_KEY(0xE7, false, 0xE0, 0xF0, 0x27);
    EXPECT_KEY(0x65, true, 0xE0, 0x2F); /* Menu */
    EXPECT_KEY(0x65, false, 0xE0, 0xF0, 0x2F);
    EXPECT_KEY(0x46, true, 0xE0, 0x12, 0xE0, 0x7C); /* Print Screen */
    EXPECT_KEY(0x46, false, 0xE0, 0xF0, 0x7C, 0xE0, 0xF0, 0x12);
    EXPECT_KEY(0x48, true, 0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77); /* Pause */
    ck_assert_uint_eq(key_bytes(0x48, false, got), 0);                      /* no break */

    /* Ctrl+Pause is Break, make and break at the press; the order the keys
     * are let go in does not matter. */
    EXPECT_KEY(0xE0, true, 0x14); /* left Ctrl */
    EXPECT_KEY(0x48, true, 0xE0, 0x7E, 0xE0, 0xF0, 0x7E);
    EXPECT_KEY(0xE0, false, 0xF0, 0x14);
    ck_assert_uint_eq(key_bytes(0x48, false, got), 0);
    /* Alt+Print Screen is SysRq; its release stays SysRq after Alt is up. */
    EXPECT_KEY(0xE6, true, 0xE0, 0x11); /* right Alt */
    EXPECT_KEY(0x46, true, 0x84);
    EXPECT_KEY(0xE6, false, 0xE0, 0xF0, 0x11);
    EXPECT_KEY(0x46, false, 0xF0, 0x84);
    /* Shift+Print Screen: E0 7C alone, both ways. */
    EXPECT_KEY(0xE1, true, 0x12); /* left Shift */
    EXPECT_KEY(0x46, true, 0xE0, 0x7C);
    EXPECT_KEY(0x46, false, 0xE0, 0xF0, 0x7C);
    /* Shift does not change Pause. */
    EXPECT_KEY(0x48, true, 0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77);
    EXPECT_KEY(0xE1, false, 0xF0, 0x12);
    ck_assert_uint_eq(keymap.mods, 0);

    /* With the 8042 translating (command byte 0x45): set 1 */
    bus_port_write(bus, 0x64, 0x60, 1);
    bus_port_write(bus, 0x60, 0x45, 1);
    EXPECT_KEY(0x04, true, 0x1E);
    EXPECT_KEY(0x04, false, 0x9E);
    EXPECT_KEY(0x64, true, 0x56);
    EXPECT_KEY(0xE7, true, 0xE0, 0x5C);
    EXPECT_KEY(0xE7, false, 0xE0, 0xDC);
    EXPECT_KEY(0xE2, true, 0x38); /* left Alt */
    EXPECT_KEY(0x46, true, 0x54); /* SysRq */
    EXPECT_KEY(0x46, false, 0xD4);
    EXPECT_KEY(0xE2, false, 0xB8);
    EXPECT_KEY(0xE4, true, 0xE0, 0x1D);             /* right Ctrl */
    EXPECT_KEY(0x48, true, 0xE0, 0x46, 0xE0, 0xC6); /* Break */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ps2_keymap");
    TCase *table = tcase_create("table");
    tcase_add_test(table, every_key_has_a_code_matching_set1);
    tcase_add_test(table, unmapped_and_out_of_range);
    suite_add_tcase(s, table);
    TCase *seq = tcase_create("sequences");
    tcase_add_checked_fixture(seq, setup, teardown);
    tcase_add_test(seq, set2_sequences);
    suite_add_tcase(s, seq);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

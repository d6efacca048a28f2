/*
 * ps2_keymap.c - USB HID keyboard usages (page 7) to PS/2 scancode set 2.
 *
 * Sources: USB HID Usage Tables 1.12 ch. 10 (the usage IDs) and Microsoft's
 * "Keyboard Scan Code Specification" rev 1.3a, appendix C (the set-2 make
 * code of each usage).  Covered: every key of a 105-key (ISO) keyboard,
 * including the 102nd key (HID 0x64, set 2 0x61), the Windows and Menu keys,
 * the keypad with its E0 Enter and slash, Print Screen (E0 12 E0 7C) and
 * Pause (E1 14 77 E1 F0 14 F0 77, no break); F13-F24, keypad = and comma,
 * the Japanese and Brazilian keys (Ro, Katakana/Hiragana, Yen, Henkan,
 * Muhenkan) and Mute/Volume.  Print Screen and Pause change with the
 * modifiers held, as on a real keyboard (SysRq, Break), so the board passes
 * its struct ps2_keymap_state with every event.
 *
 * Not modelled: the "fake shift" bytes (E0 F0 12 ...) a real keyboard sends
 * around the grey navigation keys while Shift or Num Lock is on (operating
 * systems ignore them); the Korean Hangul/Hanja keys (LANG1/LANG2, make-only
 * codes F2/F1 that set-1 translation cannot express); consumer-page keys
 * (media, browser), which are not keyboard-page usages.
 */
#include "devices/ps2_keymap.h"

#include <string.h>

#include "devices/ps2_kbd.h"

#define EXT(c) PS2_KEY_EXT(c)

/* Set-2 code of each usage below 0xE8 (0: none).  Laid out by key group. */
/* clang-format off */
static const uint16_t hid_to_set2[0xE8] = {
    /* Letters */
    [0x04] = 0x1C, [0x05] = 0x32, [0x06] = 0x21, [0x07] = 0x23, [0x08] = 0x24, [0x09] = 0x2B,
    [0x0A] = 0x34, [0x0B] = 0x33, [0x0C] = 0x43, [0x0D] = 0x3B, [0x0E] = 0x42, [0x0F] = 0x4B,
    [0x10] = 0x3A, [0x11] = 0x31, [0x12] = 0x44, [0x13] = 0x4D, [0x14] = 0x15, [0x15] = 0x2D,
    [0x16] = 0x1B, [0x17] = 0x2C, [0x18] = 0x3C, [0x19] = 0x2A, [0x1A] = 0x1D, [0x1B] = 0x22,
    [0x1C] = 0x35, [0x1D] = 0x1A,
    /* Digits 1-9, 0 */
    [0x1E] = 0x16, [0x1F] = 0x1E, [0x20] = 0x26, [0x21] = 0x25, [0x22] = 0x2E, [0x23] = 0x36,
    [0x24] = 0x3D, [0x25] = 0x3E, [0x26] = 0x46, [0x27] = 0x45,
    /* Enter, Escape, Backspace, Tab, Space, - = [ ] \ */
    [0x28] = 0x5A, [0x29] = 0x76, [0x2A] = 0x66, [0x2B] = 0x0D, [0x2C] = 0x29, [0x2D] = 0x4E,
    [0x2E] = 0x55, [0x2F] = 0x54, [0x30] = 0x5B, [0x31] = 0x5D,
    /* Non-US # (the ISO key left of Enter: the same position code as \) */
    [0x32] = 0x5D,
    /* ; ' ` , . / Caps Lock */
    [0x33] = 0x4C, [0x34] = 0x52, [0x35] = 0x0E, [0x36] = 0x41, [0x37] = 0x49, [0x38] = 0x4A,
    [0x39] = 0x58,
    /* F1-F12 */
    [0x3A] = 0x05, [0x3B] = 0x06, [0x3C] = 0x04, [0x3D] = 0x0C, [0x3E] = 0x03, [0x3F] = 0x0B,
    [0x40] = 0x83, [0x41] = 0x0A, [0x42] = 0x01, [0x43] = 0x09, [0x44] = 0x78, [0x45] = 0x07,
    /* Print Screen, Scroll Lock, Pause */
    [0x46] = PS2_KEY_PRTSC, [0x47] = 0x7E, [0x48] = PS2_KEY_PAUSE,
    /* Insert, Home, Page Up, Delete, End, Page Down, arrows (right, left, down, up) */
    [0x49] = EXT(0x70), [0x4A] = EXT(0x6C), [0x4B] = EXT(0x7D), [0x4C] = EXT(0x71),
    [0x4D] = EXT(0x69), [0x4E] = EXT(0x7A), [0x4F] = EXT(0x74), [0x50] = EXT(0x6B),
    [0x51] = EXT(0x72), [0x52] = EXT(0x75),
    /* Keypad: Num Lock / * - + Enter 1-9 0 . */
    [0x53] = 0x77, [0x54] = EXT(0x4A), [0x55] = 0x7C, [0x56] = 0x7B, [0x57] = 0x79,
    [0x58] = EXT(0x5A), [0x59] = 0x69, [0x5A] = 0x72, [0x5B] = 0x7A, [0x5C] = 0x6B,
    [0x5D] = 0x73, [0x5E] = 0x74, [0x5F] = 0x6C, [0x60] = 0x75, [0x61] = 0x7D, [0x62] = 0x70,
    [0x63] = 0x71,
    /* The 102nd key (ISO, between left Shift and Z), Menu (Application), Power, keypad = */
    [0x64] = 0x61, [0x65] = EXT(0x2F), [0x66] = EXT(0x37), [0x67] = 0x0F,
    /* F13-F24 */
    [0x68] = 0x08, [0x69] = 0x10, [0x6A] = 0x18, [0x6B] = 0x20, [0x6C] = 0x28, [0x6D] = 0x30,
    [0x6E] = 0x38, [0x6F] = 0x40, [0x70] = 0x48, [0x71] = 0x50, [0x72] = 0x57, [0x73] = 0x5F,
    /* Mute, Volume Up, Volume Down */
    [0x7F] = EXT(0x23), [0x80] = EXT(0x32), [0x81] = EXT(0x21),
    /* Keypad comma (Brazilian keypad .), International 1-5 (Ro, Katakana/
     * Hiragana, Yen, Henkan, Muhenkan) */
    [0x85] = 0x6D, [0x87] = 0x51, [0x88] = 0x13, [0x89] = 0x6A, [0x8A] = 0x64, [0x8B] = 0x67,
    /* Modifiers: left Ctrl, Shift, Alt, GUI (Windows); right Ctrl, Shift, Alt, GUI */
    [0xE0] = 0x14, [0xE1] = 0x12, [0xE2] = 0x11, [0xE3] = EXT(0x1F), [0xE4] = EXT(0x14),
    [0xE5] = 0x59, [0xE6] = EXT(0x11), [0xE7] = EXT(0x27),
};
/* clang-format on */

#define HID_PRINT_SCREEN 0x46
#define HID_PAUSE 0x48

/* Print Screen's variants (ps2_keymap_state.prtsc_down). */
#define PRTSC_UP 0
#define PRTSC_PLAIN 1 /* E0 12 E0 7C: the "fake shift" E0 12, then the key */
#define PRTSC_BARE 2  /* Ctrl or Shift held: E0 7C alone */
#define PRTSC_SYSRQ 3 /* Alt held: the PC/AT SysRq key, 84 */

uint8_t ps2_keymap_mod_bit(unsigned hid_usage)
{
    return hid_usage >= 0xE0 && hid_usage <= 0xE7 ? (uint8_t)(1u << (hid_usage - 0xE0)) : 0;
}

uint16_t ps2_keymap_code(unsigned hid_usage)
{
    if (hid_usage >= sizeof(hid_to_set2) / sizeof(hid_to_set2[0])) return 0;
    return hid_to_set2[hid_usage];
}

/* [E0] [F0] code: the make or break of a one-code key. */
static size_t plain_seq(uint16_t code, bool down, uint8_t *out)
{
    size_t n = 0;
    if ((code & 0xFF00) == 0xE000) out[n++] = 0xE0;
    if (!down) out[n++] = 0xF0;
    out[n++] = (uint8_t)code;
    return n;
}

size_t ps2_keymap_event(struct ps2_keymap_state *st, unsigned hid_usage, bool down,
                        uint8_t out[PS2_KEYMAP_SEQ_MAX])
{
    uint8_t bit = ps2_keymap_mod_bit(hid_usage);
    if (down)
        st->mods |= bit;
    else
        st->mods &= (uint8_t)~bit;

    /* A real keyboard sends the old PC/AT key's code where a legend was
     * shared (Microsoft's scan code spec, notes to appendix C): SysRq and
     * Break.  DOS programs test Ctrl+Break this way. */
    if (hid_usage == HID_PAUSE) {
        static const uint8_t pause[8] = {0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77};
        static const uint8_t brk[5] = {0xE0, 0x7E, 0xE0, 0xF0, 0x7E};
        if (!down) return 0; /* make and break both go at the press */
        if (st->mods & PS2_KEYMAP_MOD_CTRL) {
            memcpy(out, brk, sizeof(brk));
            return sizeof(brk);
        }
        memcpy(out, pause, sizeof(pause));
        return sizeof(pause);
    }
    if (hid_usage == HID_PRINT_SCREEN) {
        uint8_t variant = st->prtsc_down;
        if (down) {
            variant = (st->mods & PS2_KEYMAP_MOD_ALT)                             ? PRTSC_SYSRQ
                      : (st->mods & (PS2_KEYMAP_MOD_CTRL | PS2_KEYMAP_MOD_SHIFT)) ? PRTSC_BARE
                                                                                  : PRTSC_PLAIN;
            st->prtsc_down = variant;
        } else {
            st->prtsc_down = PRTSC_UP;
        }
        switch (variant) {
        case PRTSC_SYSRQ: return plain_seq(0x84, down, out);
        case PRTSC_BARE: return plain_seq(PS2_KEY_EXT(0x7C), down, out);
        case PRTSC_PLAIN: {
            static const uint8_t make[4] = {0xE0, 0x12, 0xE0, 0x7C};
            static const uint8_t brk[6] = {0xE0, 0xF0, 0x7C, 0xE0, 0xF0, 0x12};
            if (down) {
                memcpy(out, make, sizeof(make));
                return sizeof(make);
            }
            memcpy(out, brk, sizeof(brk));
            return sizeof(brk);
        }
        default: return 0; /* released without a press */
        }
    }
    uint16_t code = ps2_keymap_code(hid_usage);
    return code ? plain_seq(code, down, out) : 0;
}

/*
 * ps2_keymap.h - USB HID keyboard usages (page 7) to PS/2 scancode set 2.
 *
 * The board takes keys as HID usage IDs (which is what SDL_Scancode values
 * are), so the host's keyboard layout never matters: a usage names a key
 * position.  This table turns a key event into its set-2 make or break bytes
 * for ps2_kbd_put_set2(), and the keyboard converts them to the scancode set
 * the guest chose.
 */
#ifndef CINDER_DEVICES_PS2_KEYMAP_H
#define CINDER_DEVICES_PS2_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Modifier keys held, one bit per HID usage 0xE0-0xE7 (the order of a USB
 * boot-protocol report's modifier byte). */
#define PS2_KEYMAP_MOD_LCTRL 0x01
#define PS2_KEYMAP_MOD_LSHIFT 0x02
#define PS2_KEYMAP_MOD_LALT 0x04
#define PS2_KEYMAP_MOD_LGUI 0x08
#define PS2_KEYMAP_MOD_RCTRL 0x10
#define PS2_KEYMAP_MOD_RSHIFT 0x20
#define PS2_KEYMAP_MOD_RALT 0x40
#define PS2_KEYMAP_MOD_RGUI 0x80
#define PS2_KEYMAP_MOD_CTRL (PS2_KEYMAP_MOD_LCTRL | PS2_KEYMAP_MOD_RCTRL)
#define PS2_KEYMAP_MOD_ALT (PS2_KEYMAP_MOD_LALT | PS2_KEYMAP_MOD_RALT)
#define PS2_KEYMAP_MOD_SHIFT (PS2_KEYMAP_MOD_LSHIFT | PS2_KEYMAP_MOD_RSHIFT)

/* The bit of PS2_KEYMAP_MOD_* that HID usage hid_usage is (0 for a key
 * that is not a modifier). */
uint8_t ps2_keymap_mod_bit(unsigned hid_usage);

/* The set-2 make code of a plain or E0-prefixed key (PS2_KEY_EXT(c)), 0 when
 * the usage has none.  Print Screen and Pause give PS2_KEY_PRTSC and
 * PS2_KEY_PAUSE: their bytes depend on the modifiers (ps2_keymap_event). */
uint16_t ps2_keymap_code(unsigned hid_usage);

/* The host keyboard as the mapping needs it (one per board). */
struct ps2_keymap_state {
    uint8_t mods;       /* PS2_KEYMAP_MOD_* held */
    uint8_t prtsc_down; /* Print Screen is down: 0 no, else its variant (see .c) */
};

#define PS2_KEYMAP_SEQ_MAX 8 /* longest sequence: Pause */

/*
 * One key going down or up: the set-2 bytes to send (at most
 * PS2_KEYMAP_SEQ_MAX) in out, and their count; 0 when nothing is sent (no
 * code, Pause released, a release with no press).  As a real keyboard does,
 * the modifiers held at the press choose Print Screen's and Pause's bytes:
 * Alt+Print Screen is SysRq (84), Ctrl or Shift+Print Screen is E0 7C alone,
 * Ctrl+Pause is Break (E0 7E E0 F0 7E at once, nothing on release), and the
 * release matches the press whatever was let go in between.
 */
size_t ps2_keymap_event(struct ps2_keymap_state *st, unsigned hid_usage, bool down,
                        uint8_t out[PS2_KEYMAP_SEQ_MAX]);

#endif

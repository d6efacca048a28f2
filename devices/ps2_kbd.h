/*
 * ps2_kbd.h - PS/2 (MF II) keyboard behind the 8042, and the byte queue that
 * the PS/2 keyboard and mouse share.
 *
 * Input from the host is a key in PS/2 scancode set 2 (the set the keyboard
 * itself speaks): ps2_kbd_put_set2() takes the raw bytes of one make or break
 * sequence; ps2_kbd_key() builds them from a compact key code.
 */
#ifndef CINDER_DEVICES_PS2_KBD_H
#define CINDER_DEVICES_PS2_KBD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct sched;

/* A PS/2 device's output queue (bytes waiting to be clocked to the 8042).
 * Shared by ps2_kbd.c and ps2_mouse.c; not a device on its own. */
#define PS2_QUEUE_SIZE 64
struct ps2_queue {
    uint8_t data[PS2_QUEUE_SIZE]; /* ring buffer of bytes to send */
    uint8_t head;                 /* index of the oldest byte */
    uint8_t count;                /* bytes queued, 0..PS2_QUEUE_SIZE */
};

static inline unsigned ps2_queue_free(const struct ps2_queue *q)
{
    return PS2_QUEUE_SIZE - q->count;
}

static inline bool ps2_queue_push(struct ps2_queue *q, uint8_t b)
{
    if (q->count >= PS2_QUEUE_SIZE) return false;
    q->data[(q->head + q->count) % PS2_QUEUE_SIZE] = b;
    q->count++;
    return true;
}

static inline uint8_t ps2_queue_pop(struct ps2_queue *q)
{
    if (!q->count) return 0;
    uint8_t b = q->data[q->head];
    q->head = (uint8_t)((q->head + 1) % PS2_QUEUE_SIZE);
    q->count--;
    return b;
}

static inline void ps2_queue_clear(struct ps2_queue *q)
{
    q->head = 0;
    q->count = 0;
}

/* Compact key codes for ps2_kbd_key(): the set-2 make byte, with 0xE000 added
 * for E0-prefixed ("extended") keys.  Print Screen and Pause have their own
 * multi-byte sequences. */
#define PS2_KEY_EXT(code) (0xE000u | (code))
#define PS2_KEY_PRTSC 0xE07Cu /* make E0 12 E0 7C, break E0 F0 7C E0 F0 12 */
#define PS2_KEY_PAUSE 0xE114u /* make E1 14 77 E1 F0 14 F0 77, no break */

/* LED bits of the ED command's option byte. */
#define PS2_LED_SCROLL 0x01
#define PS2_LED_NUM 0x02
#define PS2_LED_CAPS 0x04

/* Timing (virtual ns). */
#define PS2_BAT_NS                                                                                 \
    1000000ull /* FF reset: ACK, then AA this long after (a real BAT takes                         \
                  300-500 ms; guests wait for it with a timeout) */

struct ps2_kbd;

/* notify(opaque) is called when bytes were queued from outside a
 * ps2_kbd_read() (key events, command replies, timers): the controller then
 * tries to move a byte into its output buffer. */
struct ps2_kbd *ps2_kbd_create(struct sched *, void (*notify)(void *opaque), void *opaque);
void ps2_kbd_destroy(struct ps2_kbd *); /* NULL is a no-op */
void ps2_kbd_reset(struct ps2_kbd *);   /* power-on defaults, empty queue, no timers */

/* The board's LED hook: called with PS2_LED_* bits whenever the guest sets them. */
void ps2_kbd_set_leds_callback(struct ps2_kbd *, void (*leds)(void *opaque, uint8_t leds),
                               void *opaque);
uint8_t ps2_kbd_leds(const struct ps2_kbd *);
unsigned ps2_kbd_scancode_set(const struct ps2_kbd *); /* 1, 2 or 3 */

/* Host to keyboard: one byte written by the controller (a command or its parameter). */
void ps2_kbd_write(struct ps2_kbd *, uint8_t byte);
/* Keyboard to host: bytes waiting, and the next one (0 if none). */
bool ps2_kbd_has_data(const struct ps2_kbd *);
uint8_t ps2_kbd_read(struct ps2_kbd *);

/* One key event as raw set-2 bytes (n <= 8), e.g. {0x1C} (A down), {0xF0, 0x1C}
 * (A up), {0xE0, 0xF0, 0x75} (Up arrow up).  Ignored while scanning is off.
 * Converted to the keyboard's current scancode set; starts or stops typematic
 * repeat. */
void ps2_kbd_put_set2(struct ps2_kbd *, const uint8_t *bytes, size_t n);
/* Make (down) or break of a compact key code (see PS2_KEY_*). */
void ps2_kbd_key(struct ps2_kbd *, uint16_t code, bool down);

/* The 8042's set-2 to set-1 translation table (one byte to one byte; the F0
 * break prefix is handled by the caller). */
uint8_t ps2_kbd_translate(uint8_t set2);

void ps2_kbd_info(const struct ps2_kbd *, FILE *out);

#endif

/*
 * ps2_kbd.c - PS/2 (IBM MF II) keyboard.
 *
 * Sources: IBM PS/2 Hardware Interface Technical Reference, "Keyboard and
 * Auxiliary Device Controller" and "101/102-Key Keyboard" chapters (commands
 * ED-FF, typematic rate/delay encoding, BAT completion code AA, ID AB 83);
 * A. Brouwer, "Keyboard scancodes" (the 8042 set-2 to set-1 translation
 * table, translated replies 43/41/3F to F0 00).
 *
 * The keyboard keeps its own output queue; the 8042 (i8042.c) pulls one byte
 * at a time with ps2_kbd_read().  Key input arrives as set-2 bytes and is sent
 * in the current set: set 2 as is, set 1 converted through the same table the
 * 8042 uses (F0 xx becomes xx' | 0x80).  Typematic repeat of the last key made
 * runs on the virtual clock: delay (250-1000 ms), then period
 * (8 + A) * 2^B * 4.17 ms from the F3 byte.  FF answers FA at once and AA
 * PS2_BAT_NS later.
 *
 * Not emulated: scancode set 3 codes (set 3 sends the set-2 bytes, logged
 * once) and the set-3 per-key commands F7-FD (ACKed, logged once); the
 * keyboard's 16-byte buffer size (we queue up to PS2_QUEUE_SIZE bytes, then
 * send the overrun code); the host inhibiting a transfer mid-byte and the
 * retransmission that follows; Print Screen's shorter typematic sequence (the
 * whole make sequence repeats); the keyboard's own power-on BAT (only FF sends
 * AA).
 */
#include "devices/ps2_kbd.h"

#include <stdlib.h>
#include <string.h>

#include "mem/log.h"
#include "mem/sched.h"

#define KBD_ACK 0xFA
#define KBD_RESEND 0xFE
#define KBD_BAT_OK 0xAA
#define KBD_ECHO 0xEE
#define KBD_DEFAULT_TYPEMATIC 0x2B /* 10.9 cps, 500 ms */
#define KBD_SEQ_MAX 8

struct ps2_kbd {
    struct sched *sched;                    /* virtual clock */
    void (*notify)(void *opaque);           /* controller: bytes were queued */
    void *notify_opaque;                    /* its argument */
    void (*leds_cb)(void *opaque, uint8_t); /* board: LEDs changed; may be NULL */
    void *leds_opaque;                      /* its argument */
    struct ps2_queue queue;                 /* bytes waiting for the controller */
    struct timer bat_timer;                 /* sends AA when the FF self test ends */
    struct timer repeat_timer;              /* next typematic repeat */
    uint8_t pending_cmd;       /* command awaiting its parameter (ED, F0, F3), 0: none */
    uint8_t last_sent;         /* last byte handed to the controller (for FE) */
    uint8_t leds;              /* PS2_LED_* bits last set by ED */
    uint8_t typematic;         /* F3 byte: bits 0-4 rate, 5-6 delay */
    uint8_t scancode_set;      /* 1, 2 or 3 */
    bool scanning;             /* key events are sent (F4; off after F5 and during BAT) */
    uint8_t held[KBD_SEQ_MAX]; /* set-2 make sequence of the repeating key */
    uint8_t held_len;          /* its length; 0: no key repeats */
};

/* The 8042's translation of set-2 bytes to set 1 (Brouwer, "Keyboard
 * scancodes", section 10.3).  Bytes from 0x80 up pass unchanged except 0x83
 * (F7) and 0x84 (SysRq). */
static const uint8_t set2_to_set1[128] = {
    0xff, 0x43, 0x41, 0x3f, 0x3d, 0x3b, 0x3c, 0x58, 0x64, 0x44, 0x42, 0x40, 0x3e, 0x0f, 0x29, 0x59,
    0x65, 0x38, 0x2a, 0x70, 0x1d, 0x10, 0x02, 0x5a, 0x66, 0x71, 0x2c, 0x1f, 0x1e, 0x11, 0x03, 0x5b,
    0x67, 0x2e, 0x2d, 0x20, 0x12, 0x05, 0x04, 0x5c, 0x68, 0x39, 0x2f, 0x21, 0x14, 0x13, 0x06, 0x5d,
    0x69, 0x31, 0x30, 0x23, 0x22, 0x15, 0x07, 0x5e, 0x6a, 0x72, 0x32, 0x24, 0x16, 0x08, 0x09, 0x5f,
    0x6b, 0x33, 0x25, 0x17, 0x18, 0x0b, 0x0a, 0x60, 0x6c, 0x34, 0x35, 0x26, 0x27, 0x19, 0x0c, 0x61,
    0x6d, 0x73, 0x28, 0x74, 0x1a, 0x0d, 0x62, 0x6e, 0x3a, 0x36, 0x1c, 0x1b, 0x75, 0x2b, 0x63, 0x76,
    0x55, 0x56, 0x77, 0x78, 0x79, 0x7a, 0x0e, 0x7b, 0x7c, 0x4f, 0x7d, 0x4b, 0x47, 0x7e, 0x7f, 0x6f,
    0x52, 0x53, 0x50, 0x4c, 0x4d, 0x48, 0x01, 0x45, 0x57, 0x4e, 0x51, 0x4a, 0x37, 0x49, 0x46, 0x54,
};

uint8_t ps2_kbd_translate(uint8_t b)
{
    if (b < 0x80) return set2_to_set1[b];
    if (b == 0x83) return 0x41;
    if (b == 0x84) return 0x54;
    return b;
}

static void kbd_notify(struct ps2_kbd *s)
{
    if (s->queue.count && s->notify) s->notify(s->notify_opaque);
}

/* Queue a reply or a whole key sequence.  A sequence that does not fit is
 * dropped and replaced by the overrun code (00 in sets 2/3, FF in set 1) if
 * the last slot is free, as the keyboard does when its buffer fills. */
static void kbd_queue(struct ps2_kbd *s, const uint8_t *b, size_t n)
{
    if (ps2_queue_free(&s->queue) <= n) {
        if (ps2_queue_free(&s->queue) >= 1 && s->queue.count &&
            s->queue.data[(s->queue.head + s->queue.count - 1) % PS2_QUEUE_SIZE] !=
                (s->scancode_set == 1 ? 0xFF : 0x00))
            ps2_queue_push(&s->queue, s->scancode_set == 1 ? 0xFF : 0x00);
        LOG(LOG_KBD, "kbd: queue full, key dropped");
        return;
    }
    for (size_t i = 0; i < n; i++)
        ps2_queue_push(&s->queue, b[i]);
}

static void kbd_reply(struct ps2_kbd *s, uint8_t b)
{
    /* Replies always fit: a command makes at most 3 bytes and the queue keeps
     * room for them by refusing key sequences that would leave none. */
    if (!ps2_queue_push(&s->queue, b))
        LOG(LOG_GUEST_ERRORS, "kbd: reply 0x%02X lost, queue full", b);
}

/* Convert a set-2 sequence to the current set and queue it. */
static void kbd_send_seq(struct ps2_kbd *s, const uint8_t *seq, size_t n)
{
    uint8_t out[KBD_SEQ_MAX];
    size_t m = 0;
    if (s->scancode_set == 1) {
        bool brk = false;
        for (size_t i = 0; i < n; i++) {
            if (seq[i] == 0xF0) {
                brk = true;
                continue;
            }
            if (seq[i] == 0xE0 || seq[i] == 0xE1) {
                out[m++] = seq[i];
                continue;
            }
            out[m++] = (uint8_t)(ps2_kbd_translate(seq[i]) | (brk ? 0x80 : 0));
            brk = false;
        }
    } else {
        if (s->scancode_set == 3) LOG_UNIMPL_ONCE("kbd: scancode set 3 (sending set 2 codes)");
        memcpy(out, seq, n);
        m = n;
    }
    kbd_queue(s, out, m);
}

static uint64_t kbd_delay_ns(const struct ps2_kbd *s)
{
    return 250000000ull * (1u + ((s->typematic >> 5) & 3u));
}

/* Period = (8 + A) * 2^B * 4.17 ms, A = bits 0-2, B = bits 3-4 (IBM). */
static uint64_t kbd_period_ns(const struct ps2_kbd *s)
{
    unsigned a = s->typematic & 7u, b = (s->typematic >> 3) & 3u;
    return (uint64_t)(8u + a) * (1u << b) * 4170000ull;
}

static void kbd_stop_repeat(struct ps2_kbd *s)
{
    s->held_len = 0;
    timer_del(&s->repeat_timer);
}

static void kbd_repeat_fire(void *opaque)
{
    struct ps2_kbd *s = opaque;
    if (!s->held_len || !s->scanning) return;
    kbd_send_seq(s, s->held, s->held_len);
    timer_mod(&s->repeat_timer, sched_now(s->sched) + kbd_period_ns(s));
    kbd_notify(s);
}

static void kbd_bat_fire(void *opaque)
{
    struct ps2_kbd *s = opaque;
    s->scanning = true;
    kbd_reply(s, KBD_BAT_OK);
    kbd_notify(s);
}

/* Defaults of F5/F6/FF: set 2, typematic 10.9 cps / 500 ms, no repeat. */
static void kbd_defaults(struct ps2_kbd *s)
{
    s->typematic = KBD_DEFAULT_TYPEMATIC;
    s->scancode_set = 2;
    kbd_stop_repeat(s);
}

static void kbd_set_leds(struct ps2_kbd *s, uint8_t leds)
{
    s->leds = leds & 7u;
    if (s->leds_cb) s->leds_cb(s->leds_opaque, s->leds);
}

struct ps2_kbd *ps2_kbd_create(struct sched *sched, void (*notify)(void *), void *opaque)
{
    struct ps2_kbd *s = calloc(1, sizeof(*s));
    if (!s) return NULL;
    s->sched = sched;
    s->notify = notify;
    s->notify_opaque = opaque;
    timer_init(&s->bat_timer, sched, kbd_bat_fire, s, "ps2_kbd.bat");
    timer_init(&s->repeat_timer, sched, kbd_repeat_fire, s, "ps2_kbd.repeat");
    ps2_kbd_reset(s);
    return s;
}

void ps2_kbd_destroy(struct ps2_kbd *s)
{
    if (!s) return;
    timer_del(&s->bat_timer);
    timer_del(&s->repeat_timer);
    free(s);
}

void ps2_kbd_reset(struct ps2_kbd *s)
{
    timer_del(&s->bat_timer);
    kbd_defaults(s);
    ps2_queue_clear(&s->queue);
    s->pending_cmd = 0;
    s->last_sent = 0;
    kbd_set_leds(s, 0);
    s->scanning = true;
}

void ps2_kbd_set_leds_callback(struct ps2_kbd *s, void (*leds)(void *, uint8_t), void *opaque)
{
    s->leds_cb = leds;
    s->leds_opaque = opaque;
}

uint8_t ps2_kbd_leds(const struct ps2_kbd *s)
{
    return s->leds;
}

unsigned ps2_kbd_scancode_set(const struct ps2_kbd *s)
{
    return s->scancode_set;
}

bool ps2_kbd_has_data(const struct ps2_kbd *s)
{
    return s->queue.count != 0;
}

uint8_t ps2_kbd_read(struct ps2_kbd *s)
{
    if (!s->queue.count) return s->last_sent;
    s->last_sent = ps2_queue_pop(&s->queue);
    return s->last_sent;
}

/* The parameter byte of ED, F0 or F3. */
static void kbd_param(struct ps2_kbd *s, uint8_t cmd, uint8_t v)
{
    switch (cmd) {
    case 0xED:
        kbd_reply(s, KBD_ACK);
        kbd_set_leds(s, v);
        LOG(LOG_KBD, "kbd: LEDs 0x%02X", s->leds);
        break;
    case 0xF0:
        kbd_reply(s, KBD_ACK);
        if (v == 0) {
            kbd_reply(s, s->scancode_set);
        } else if (v <= 3) {
            s->scancode_set = v;
            kbd_stop_repeat(s);
            LOG(LOG_KBD, "kbd: scancode set %u", v);
        } else {
            LOG(LOG_GUEST_ERRORS, "kbd: F0 with bad set %u", v);
        }
        break;
    case 0xF3:
        kbd_reply(s, KBD_ACK);
        s->typematic = v & 0x7F;
        break;
    }
}

void ps2_kbd_write(struct ps2_kbd *s, uint8_t v)
{
    uint8_t cmd = s->pending_cmd;
    s->pending_cmd = 0;
    /* A parameter is any byte that is not itself a command (commands are
     * ED and up; typematic bytes have bit 7 clear, LED and set bytes are small). */
    if (cmd && v < 0xED) {
        kbd_param(s, cmd, v);
        kbd_notify(s);
        return;
    }
    switch (v) {
    case 0xED: /* set LEDs */
    case 0xF0: /* get/set scancode set */
    case 0xF3: /* typematic rate/delay */
        kbd_reply(s, KBD_ACK);
        s->pending_cmd = v;
        break;
    case 0xEE: /* echo */ kbd_reply(s, KBD_ECHO); break;
    case 0xF2: /* identify: MF II keyboard */
        kbd_reply(s, KBD_ACK);
        kbd_reply(s, 0xAB);
        kbd_reply(s, 0x83);
        break;
    case 0xF4: /* enable: clear buffer, start scanning */
        ps2_queue_clear(&s->queue);
        kbd_reply(s, KBD_ACK);
        s->scanning = true;
        break;
    case 0xF5: /* default and disable */
        ps2_queue_clear(&s->queue);
        kbd_defaults(s);
        kbd_reply(s, KBD_ACK);
        s->scanning = false;
        break;
    case 0xF6: /* set default, keep scanning */
        ps2_queue_clear(&s->queue);
        kbd_defaults(s);
        kbd_reply(s, KBD_ACK);
        s->scanning = true;
        break;
    case 0xF7:
    case 0xF8:
    case 0xF9:
    case 0xFA:
    case 0xFB:
    case 0xFC:
    case 0xFD:
        LOG_UNIMPL_ONCE("kbd: set-3 key type command 0x%02X", v);
        kbd_reply(s, KBD_ACK);
        break;
    case 0xFE: /* resend */ kbd_reply(s, s->last_sent); break;
    case 0xFF: /* reset: ACK now, AA when the self test ends */
        ps2_queue_clear(&s->queue);
        kbd_defaults(s);
        kbd_set_leds(s, 0);
        s->scanning = false;
        kbd_reply(s, KBD_ACK);
        timer_mod(&s->bat_timer, sched_now(s->sched) + PS2_BAT_NS);
        break;
    default:
        LOG(LOG_GUEST_ERRORS, "kbd: unknown command 0x%02X", v);
        kbd_reply(s, KBD_RESEND);
        break;
    }
    kbd_notify(s);
}

void ps2_kbd_put_set2(struct ps2_kbd *s, const uint8_t *b, size_t n)
{
    if (!n || n > KBD_SEQ_MAX || !s->scanning) return;
    bool pause = b[0] == 0xE1;
    bool brk = !pause && memchr(b, 0xF0, n) != NULL;
    if (brk) {
        /* The break of the repeating key ends the repeat: compare the code
         * bytes (last byte, and the E0 prefix). */
        if (s->held_len && s->held[s->held_len - 1] == b[n - 1] &&
            (s->held[0] == 0xE0) == (b[0] == 0xE0))
            kbd_stop_repeat(s);
    } else if (pause) {
        kbd_stop_repeat(s); /* Pause has no typematic */
    } else {
        memcpy(s->held, b, n);
        s->held_len = (uint8_t)n;
        timer_mod(&s->repeat_timer, sched_now(s->sched) + kbd_delay_ns(s));
    }
    kbd_send_seq(s, b, n);
    kbd_notify(s);
}

void ps2_kbd_key(struct ps2_kbd *s, uint16_t code, bool down)
{
    uint8_t seq[KBD_SEQ_MAX];
    size_t n = 0;
    uint8_t c = (uint8_t)code;
    if (code == PS2_KEY_PAUSE) {
        static const uint8_t pause[8] = {0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77};
        if (down) ps2_kbd_put_set2(s, pause, sizeof(pause));
        return;
    }
    if (code == PS2_KEY_PRTSC) {
        static const uint8_t make[4] = {0xE0, 0x12, 0xE0, 0x7C};
        static const uint8_t brk[6] = {0xE0, 0xF0, 0x7C, 0xE0, 0xF0, 0x12};
        if (down)
            ps2_kbd_put_set2(s, make, sizeof(make));
        else
            ps2_kbd_put_set2(s, brk, sizeof(brk));
        return;
    }
    if ((code & 0xFF00) == 0xE000)
        seq[n++] = 0xE0;
    else if (code & 0xFF00)
        return; /* not a key code */
    if (!down) seq[n++] = 0xF0;
    seq[n++] = c;
    ps2_kbd_put_set2(s, seq, n);
}

void ps2_kbd_info(const struct ps2_kbd *s, FILE *out)
{
    fprintf(out,
            "ps2_kbd: set %u scanning %d leds 0x%X typematic 0x%02X queued %u pending_cmd 0x%02X "
            "repeat %s\n",
            s->scancode_set, s->scanning, s->leds, s->typematic, s->queue.count, s->pending_cmd,
            s->held_len ? "on" : "off");
}

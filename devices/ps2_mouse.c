/*
 * ps2_mouse.c - PS/2 mouse with the Microsoft IntelliMouse wheel.
 *
 * Sources: IBM PS/2 Hardware Interface Technical Reference, "Pointing Device"
 * (commands E6-FF, status bytes, the 3-byte packet with sign and overflow
 * bits, 2:1 scaling table); A. Chapweske, "The PS/2 Mouse Interface" (wrap
 * mode, the IntelliMouse knock sequence: sample rates 200, 100, 80 then Get
 * ID returns 3 and packets gain a 4th byte, the Z movement).
 *
 * Motion from the host accumulates in 9-bit-range counters.  A packet carries
 * the counters clamped to -256..255, with the overflow bit set for an axis
 * that went past that, and then the counters restart from zero (as a real
 * mouse does).  In stream mode with reporting on, a packet is queued when
 * there is motion or a button change and the mouse's queue is empty; motion
 * that arrives while a packet is still being read coalesces in the counters
 * and goes out as the next packet once the controller has drained the queue
 * (the way a real mouse coalesces motion between samples).
 * In remote mode, EB reads the counters.  FF answers FA at once, then AA 00
 * PS2_BAT_NS later.
 *
 * Not emulated: the sample rate as a pacing of packets (the rate is stored
 * and reported; packets go out as the guest reads them); resolution scaling
 * of host motion (host counts are device counts); the IntelliMouse Explorer
 * (ID 4, 5 buttons: the 200,200,80 sequence leaves ID 3); transfer inhibit
 * and retransmission.
 */
#include "devices/ps2_mouse.h"

#include <stdlib.h>

#include "devices/ps2_kbd.h" /* struct ps2_queue, PS2_BAT_NS */
#include "mem/log.h"
#include "mem/sched.h"

#define MOUSE_ACK 0xFA
#define MOUSE_RESEND 0xFE
#define MOUSE_BAT_OK 0xAA
#define MOUSE_COUNTER_MAX 65536 /* accumulators saturate here; far past the 9-bit packet range */

enum mouse_mode { MOUSE_STREAM, MOUSE_REMOTE, MOUSE_WRAP };

struct ps2_mouse {
    struct sched *sched;          /* virtual clock */
    void (*notify)(void *opaque); /* controller: bytes were queued */
    void *notify_opaque;          /* its argument */
    struct ps2_queue queue;       /* bytes waiting for the controller */
    struct timer bat_timer;       /* sends AA 00 when the FF self test ends */
    uint8_t pending_cmd;          /* command awaiting its parameter (E8, F3), 0: none */
    uint8_t last_sent;            /* last byte handed to the controller (for FE) */
    uint8_t mode;                 /* enum mouse_mode */
    uint8_t wrap_prev_mode;       /* mode to return to when EC leaves wrap mode */
    bool reporting;               /* stream packets enabled (F4) */
    bool scaling21;               /* 2:1 scaling (E7) instead of 1:1 */
    uint8_t resolution;           /* E8 value 0-3: 1, 2, 4, 8 counts/mm */
    uint8_t sample_rate;          /* F3 value, samples/s */
    uint8_t rate_hist[3];         /* last three F3 rates, oldest first (IntelliMouse knock) */
    uint8_t id;                   /* F2 answer: 0 standard, 3 IntelliMouse */
    int32_t dx;                   /* accumulated X counts, right positive */
    int32_t dy;                   /* accumulated Y counts, UP positive (packet convention) */
    int32_t dz;                   /* accumulated wheel counts, towards the user positive */
    uint8_t buttons;              /* current PS2_MOUSE_* state */
    uint8_t sent_buttons;         /* buttons in the last stream packet */
};

static void mouse_notify(struct ps2_mouse *s)
{
    if (s->queue.count && s->notify) s->notify(s->notify_opaque);
}

static void mouse_reply(struct ps2_mouse *s, uint8_t b)
{
    if (!ps2_queue_push(&s->queue, b))
        LOG(LOG_GUEST_ERRORS, "mouse: reply 0x%02X lost, queue full", b);
}

static int32_t clamp32(int32_t v, int32_t lo, int32_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* 2:1 scaling (IBM): 0 1 1 3 6 9 for 0..5, then twice the count. */
static int32_t scale21(int32_t v)
{
    static const int32_t tab[6] = {0, 1, 1, 3, 6, 9};
    int32_t a = v < 0 ? -v : v;
    int32_t r = a <= 5 ? tab[a] : 2 * a;
    return v < 0 ? -r : r;
}

/* Queue one packet from the counters and zero them.  scale: apply 2:1
 * scaling (stream mode only). */
static void mouse_send_packet(struct ps2_mouse *s, bool scale)
{
    int32_t dx = s->dx, dy = s->dy;
    if (scale && s->scaling21) {
        dx = scale21(clamp32(dx, -MOUSE_COUNTER_MAX, MOUSE_COUNTER_MAX));
        dy = scale21(clamp32(dy, -MOUSE_COUNTER_MAX, MOUSE_COUNTER_MAX));
    }
    uint8_t b0 = 0x08 | (s->buttons & 7u);
    if (dx < -256 || dx > 255) b0 |= 0x40;
    if (dy < -256 || dy > 255) b0 |= 0x80;
    dx = clamp32(dx, -256, 255);
    dy = clamp32(dy, -256, 255);
    if (dx < 0) b0 |= 0x10;
    if (dy < 0) b0 |= 0x20;
    mouse_reply(s, b0);
    mouse_reply(s, (uint8_t)dx);
    mouse_reply(s, (uint8_t)dy);
    if (s->id == 3) {
        mouse_reply(s, (uint8_t)(int8_t)clamp32(s->dz, -8, 7));
    }
    s->dx = s->dy = s->dz = 0;
    s->sent_buttons = s->buttons;
}

/* Stream mode: send what accumulated if there is something and room. */
static void mouse_stream(struct ps2_mouse *s)
{
    if (s->mode != MOUSE_STREAM || !s->reporting) return;
    if (!s->dx && !s->dy && !s->dz && s->buttons == s->sent_buttons) return;
    if (s->queue.count)
        return; /* one packet in flight; motion meanwhile coalesces, as between samples */
    mouse_send_packet(s, true);
}

static void mouse_defaults(struct ps2_mouse *s)
{
    s->sample_rate = 100;
    s->resolution = 2;
    s->scaling21 = false;
    s->reporting = false;
    s->mode = MOUSE_STREAM;
    s->dx = s->dy = s->dz = 0;
    s->sent_buttons = s->buttons;
}

static void mouse_bat_fire(void *opaque)
{
    struct ps2_mouse *s = opaque;
    mouse_reply(s, MOUSE_BAT_OK);
    mouse_reply(s, 0x00);
    mouse_notify(s);
}

struct ps2_mouse *ps2_mouse_create(struct sched *sched, void (*notify)(void *), void *opaque)
{
    struct ps2_mouse *s = calloc(1, sizeof(*s));
    if (!s) return NULL;
    s->sched = sched;
    s->notify = notify;
    s->notify_opaque = opaque;
    timer_init(&s->bat_timer, sched, mouse_bat_fire, s, "ps2_mouse.bat");
    ps2_mouse_reset(s);
    return s;
}

void ps2_mouse_destroy(struct ps2_mouse *s)
{
    if (!s) return;
    timer_del(&s->bat_timer);
    free(s);
}

void ps2_mouse_reset(struct ps2_mouse *s)
{
    timer_del(&s->bat_timer);
    ps2_queue_clear(&s->queue);
    s->buttons = 0;
    mouse_defaults(s);
    s->pending_cmd = 0;
    s->last_sent = 0;
    s->wrap_prev_mode = MOUSE_STREAM;
    s->id = 0;
    s->rate_hist[0] = s->rate_hist[1] = s->rate_hist[2] = 0;
}

bool ps2_mouse_has_data(const struct ps2_mouse *s)
{
    return s->queue.count != 0;
}

uint8_t ps2_mouse_read(struct ps2_mouse *s)
{
    if (!s->queue.count) return s->last_sent;
    s->last_sent = ps2_queue_pop(&s->queue);
    if (!s->queue.count)
        mouse_stream(s); /* motion that waited for room; the controller checks has_data */
    return s->last_sent;
}

static void mouse_param(struct ps2_mouse *s, uint8_t cmd, uint8_t v)
{
    switch (cmd) {
    case 0xE8:
        if (v > 3) {
            mouse_reply(s, MOUSE_RESEND);
            return;
        }
        s->resolution = v;
        mouse_reply(s, MOUSE_ACK);
        break;
    case 0xF3:
        if (v == 0 || v > 200) {
            mouse_reply(s, MOUSE_RESEND);
            return;
        }
        s->sample_rate = v;
        s->rate_hist[0] = s->rate_hist[1];
        s->rate_hist[1] = s->rate_hist[2];
        s->rate_hist[2] = v;
        if (s->rate_hist[0] == 200 && s->rate_hist[1] == 100 && s->rate_hist[2] == 80) {
            s->id = 3;
            LOG(LOG_KBD, "mouse: IntelliMouse mode (ID 3)");
        }
        mouse_reply(s, MOUSE_ACK);
        break;
    }
}

void ps2_mouse_write(struct ps2_mouse *s, uint8_t v)
{
    uint8_t cmd = s->pending_cmd;
    s->pending_cmd = 0;
    if (cmd) {
        mouse_param(s, cmd, v);
        mouse_notify(s);
        return;
    }
    if (s->mode == MOUSE_WRAP && v != 0xEC && v != 0xFF) {
        mouse_reply(s, v); /* wrap mode echoes every other byte */
        mouse_notify(s);
        return;
    }
    /* A command aborts any stream packet not yet sent, so the ACK is next. */
    ps2_queue_clear(&s->queue);
    switch (v) {
    case 0xE6: /* scaling 1:1 */
        s->scaling21 = false;
        mouse_reply(s, MOUSE_ACK);
        break;
    case 0xE7: /* scaling 2:1 */
        s->scaling21 = true;
        mouse_reply(s, MOUSE_ACK);
        break;
    case 0xE8: /* set resolution */
    case 0xF3: /* set sample rate */
        s->pending_cmd = v;
        mouse_reply(s, MOUSE_ACK);
        break;
    case 0xE9: /* status request */
        mouse_reply(s, MOUSE_ACK);
        mouse_reply(s, (uint8_t)((s->mode == MOUSE_REMOTE ? 0x40 : 0) | (s->reporting ? 0x20 : 0) |
                                 (s->scaling21 ? 0x10 : 0) | ((s->buttons & PS2_MOUSE_LEFT) << 2) |
                                 ((s->buttons & PS2_MOUSE_MIDDLE) >> 1) |
                                 ((s->buttons & PS2_MOUSE_RIGHT) >> 1)));
        mouse_reply(s, s->resolution);
        mouse_reply(s, s->sample_rate);
        break;
    case 0xEA: /* stream mode */
        s->mode = MOUSE_STREAM;
        s->dx = s->dy = s->dz = 0;
        mouse_reply(s, MOUSE_ACK);
        break;
    case 0xEB: /* read data */
        mouse_reply(s, MOUSE_ACK);
        mouse_send_packet(s, false);
        break;
    case 0xEC: /* reset wrap mode */
        if (s->mode == MOUSE_WRAP) s->mode = s->wrap_prev_mode;
        s->dx = s->dy = s->dz = 0;
        mouse_reply(s, MOUSE_ACK);
        break;
    case 0xEE: /* set wrap mode */
        if (s->mode != MOUSE_WRAP) s->wrap_prev_mode = s->mode;
        s->mode = MOUSE_WRAP;
        s->dx = s->dy = s->dz = 0;
        mouse_reply(s, MOUSE_ACK);
        break;
    case 0xF0: /* remote mode */
        s->mode = MOUSE_REMOTE;
        s->dx = s->dy = s->dz = 0;
        mouse_reply(s, MOUSE_ACK);
        break;
    case 0xF2: /* get device ID */
        mouse_reply(s, MOUSE_ACK);
        mouse_reply(s, s->id);
        break;
    case 0xF4: /* enable data reporting */
        s->reporting = true;
        s->dx = s->dy = s->dz = 0;
        s->sent_buttons = s->buttons;
        mouse_reply(s, MOUSE_ACK);
        break;
    case 0xF5: /* disable data reporting */
        s->reporting = false;
        s->dx = s->dy = s->dz = 0;
        mouse_reply(s, MOUSE_ACK);
        break;
    case 0xF6: /* set defaults */
        mouse_defaults(s);
        mouse_reply(s, MOUSE_ACK);
        break;
    case 0xFE: /* resend */ mouse_reply(s, s->last_sent); break;
    case 0xFF: /* reset: ACK, then AA 00 after the self test */
        mouse_defaults(s);
        s->id = 0;
        s->rate_hist[0] = s->rate_hist[1] = s->rate_hist[2] = 0;
        mouse_reply(s, MOUSE_ACK);
        timer_mod(&s->bat_timer, sched_now(s->sched) + PS2_BAT_NS);
        break;
    default:
        LOG(LOG_GUEST_ERRORS, "mouse: unknown command 0x%02X", v);
        mouse_reply(s, MOUSE_RESEND);
        break;
    }
    mouse_notify(s);
}

void ps2_mouse_event(struct ps2_mouse *s, int dx, int dy, int dz, unsigned buttons)
{
    if (s->mode == MOUSE_WRAP) return;
    s->dx = clamp32(s->dx + clamp32(dx, -MOUSE_COUNTER_MAX, MOUSE_COUNTER_MAX), -MOUSE_COUNTER_MAX,
                    MOUSE_COUNTER_MAX);
    s->dy = clamp32(s->dy - clamp32(dy, -MOUSE_COUNTER_MAX, MOUSE_COUNTER_MAX), -MOUSE_COUNTER_MAX,
                    MOUSE_COUNTER_MAX);
    s->dz = clamp32(s->dz + clamp32(dz, -MOUSE_COUNTER_MAX, MOUSE_COUNTER_MAX), -MOUSE_COUNTER_MAX,
                    MOUSE_COUNTER_MAX);
    s->buttons = (uint8_t)(buttons & 7u);
    mouse_stream(s);
    mouse_notify(s);
}

uint8_t ps2_mouse_id(const struct ps2_mouse *s)
{
    return s->id;
}

void ps2_mouse_info(const struct ps2_mouse *s, FILE *out)
{
    static const char *const modes[] = {"stream", "remote", "wrap"};
    fprintf(out,
            "ps2_mouse: id %u %s reporting %d rate %u res %u scale %s buttons 0x%X "
            "counters %d,%d,%d queued %u\n",
            s->id, modes[s->mode % 3], s->reporting, s->sample_rate, s->resolution,
            s->scaling21 ? "2:1" : "1:1", s->buttons, s->dx, s->dy, s->dz, s->queue.count);
}

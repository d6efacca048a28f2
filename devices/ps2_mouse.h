/*
 * ps2_mouse.h - PS/2 mouse (the 8042's auxiliary device), with the
 * IntelliMouse wheel extension (device ID 3, 4-byte packets).
 */
#ifndef CINDER_DEVICES_PS2_MOUSE_H
#define CINDER_DEVICES_PS2_MOUSE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct sched;
struct ps2_mouse;

/* Button bits of ps2_mouse_event (the order of packet byte 0). */
#define PS2_MOUSE_LEFT 0x01
#define PS2_MOUSE_RIGHT 0x02
#define PS2_MOUSE_MIDDLE 0x04

/* notify(opaque) is called when bytes were queued from outside a
 * ps2_mouse_read(): the controller then tries to fill its output buffer. */
struct ps2_mouse *ps2_mouse_create(struct sched *, void (*notify)(void *opaque), void *opaque);
void ps2_mouse_destroy(struct ps2_mouse *); /* NULL is a no-op */
void ps2_mouse_reset(struct ps2_mouse *);   /* power-on defaults, ID 0, empty queue */

/* Host to mouse: one byte sent by the controller (0xD4 command). */
void ps2_mouse_write(struct ps2_mouse *, uint8_t byte);
/* Mouse to host. */
bool ps2_mouse_has_data(const struct ps2_mouse *);
uint8_t ps2_mouse_read(struct ps2_mouse *);

/*
 * Host motion in mouse counts: dx > 0 right, dy > 0 DOWN (screen convention;
 * the packet's Y axis points up, so the mouse negates it), dz > 0 wheel turned
 * towards the user (sent as is in the IntelliMouse 4th byte, clamped to -8..7).
 * buttons: PS2_MOUSE_* bits, the current state.  Motion accumulates in the
 * mouse's counters; in stream mode with reporting on, a packet is queued as
 * soon as the previous one has been read.
 */
void ps2_mouse_event(struct ps2_mouse *, int dx, int dy, int dz, unsigned buttons);

uint8_t ps2_mouse_id(const struct ps2_mouse *); /* 0, or 3 after 200,100,80 */
void ps2_mouse_info(const struct ps2_mouse *, FILE *out);

#endif

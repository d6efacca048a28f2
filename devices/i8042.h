/*
 * i8042.h - the 8042 keyboard controller (ports 0x60/0x64, IRQ 1 and IRQ 12)
 * with its PS/2 keyboard and mouse.
 */
#ifndef CINDER_DEVICES_I8042_H
#define CINDER_DEVICES_I8042_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/device.h"
#include "mem/irq.h"

struct bus;
struct sched;
struct ps2_kbd;
struct ps2_mouse;

#define I8042_DATA_PORT 0x60
#define I8042_CMD_PORT 0x64

/* Status register (read 0x64). */
#define I8042_STAT_OBF 0x01     /* output buffer full */
#define I8042_STAT_IBF 0x02     /* input buffer full (always 0: writes are taken at once) */
#define I8042_STAT_SYS 0x04     /* system flag (command byte bit 2; set by self test) */
#define I8042_STAT_CMD 0x08     /* A2: last write was to 0x64 */
#define I8042_STAT_UNLOCK 0x10  /* keyboard not inhibited by the key lock */
#define I8042_STAT_AUX_OBF 0x20 /* output buffer holds a byte from the mouse */
#define I8042_STAT_TIMEOUT 0x40 /* general timeout */
#define I8042_STAT_PARITY 0x80  /* parity error */

/* Command byte (0x20 / 0x60). */
#define I8042_CB_KBD_INT 0x01 /* IRQ 1 on keyboard output buffer full */
#define I8042_CB_AUX_INT 0x02 /* IRQ 12 on mouse output buffer full */
#define I8042_CB_SYS 0x04     /* system flag */
#define I8042_CB_KBD_DIS 0x10 /* keyboard clock disabled */
#define I8042_CB_AUX_DIS 0x20 /* mouse clock disabled */
#define I8042_CB_XLAT 0x40    /* translate keyboard set 2 to set 1 */

/* Output port (0xD0 / 0xD1). */
#define I8042_OUT_RESET 0x01 /* 0 holds the CPU in reset */
#define I8042_OUT_A20 0x02   /* A20 gate */

struct i8042;
extern const struct device_desc i8042_desc;

/*
 * Maps 0x60 and 0x64 and creates the keyboard and the mouse.  a20(board, on)
 * is called when output port bit 1 changes (0xD1, 0xDD/0xDF, reset); the
 * output port starts with A20 on, so the board should start with its 8042 A20
 * input on.  reset(board) is called when the guest pulses the reset line
 * (0xFE and other 0xF0-0xFF pulses with bit 0 clear, or 0xD1 with bit 0 clear).
 * Either callback may be NULL.  NULL if a port is taken or out of memory.
 */
struct i8042 *i8042_create(struct bus *, struct sched *, struct irq_line irq1,
                           struct irq_line irq12, void (*a20)(void *board, bool on),
                           void (*reset)(void *board), void *board);

/* For the board's input path (ps2_kbd_key, ps2_mouse_event) and LED hook. */
struct ps2_kbd *i8042_kbd(struct i8042 *);
struct ps2_mouse *i8042_mouse(struct i8042 *);

#endif

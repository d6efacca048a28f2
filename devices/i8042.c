/*
 * i8042.c - Intel 8042 keyboard controller (AT/PS/2 "KBC").
 *
 * Sources: IBM PS/2 Hardware Interface Technical Reference, "Keyboard and
 * Auxiliary Device Controller" (status register, command byte, commands
 * 20-3F, 60-7F, A7-AE, C0, D0-D4, F0-FF, input and output port bits);
 * HelpPC "8042 - Keyboard Controller" (AT command list, status bits);
 * HP Vectra A20 commands DD/DF as accepted by many chipsets' KBC emulation.
 *
 * The controller has one output buffer shared by keyboard, mouse and its own
 * replies.  Each PS/2 device keeps its own queue (ps2_kbd.c, ps2_mouse.c);
 * when the buffer is empty the controller takes the next byte: its own
 * replies first (command results, 0xD2/0xD3 bytes), then the keyboard's (if
 * the keyboard clock is enabled in the command byte), then the mouse's (if
 * the aux clock is enabled).  A disabled interface keeps its bytes queued in
 * the device.  The guest reading 0x60 empties the buffer, which drops the IRQ
 * line, and the next byte is loaded at once (raising the line again: a fresh
 * edge for the edge-triggered PIC input).  IRQ 1 is high while the buffer
 * holds a non-mouse byte and command byte bit 0 is set; IRQ 12 while it holds
 * a mouse byte and bit 1 is set.  With XLAT (bit 6) the keyboard's set-2
 * bytes are translated to set 1 on their way in; an F0 break prefix is
 * swallowed and sets bit 7 of the next byte.
 *
 * The output port drives the A20 gate (bit 1) and the CPU reset line (bit 0,
 * active low); both go to the board through callbacks.  0xFE (and any
 * F0-FF with bit 0 clear) pulses reset.  Writing a byte for the keyboard to
 * 0x60 re-enables the keyboard interface, as real controllers do.
 *
 * Not emulated: the input buffer's busy time (IBF always reads 0: every
 * write is taken at once); transmit/receive timeouts and parity errors (both
 * devices are always attached and always answer, so status bits 6-7 read 0);
 * the delay between a read of 0x60 and the next byte; 0xC1/0xC2 (input port
 * polling into the status register), password commands other than A4
 * (answers "no password"), A1 version, AC diagnostic dump, E0 test inputs
 * (answers 0); keyboard lock (status bit 4 always reads "not inhibited");
 * pulses of output lines other than reset.
 */
#include "devices/i8042.h"

#include <stdlib.h>

#include "devices/ps2_kbd.h"
#include "devices/ps2_mouse.h"
#include "mem/bus.h"
#include "mem/log.h"
#include "mem/sched.h"

#define CTRL_QUEUE_SIZE 8
#define CTRL_QUEUE_AUX 0x100u    /* ctrl_queue entry flag: deliver as a mouse byte */
#define OUTPORT_RESET_VALUE 0xCF /* reset high, A20 on, unused lines high */
#define INPORT_VALUE 0x80        /* keyboard not inhibited; other bits 0 */
#define CB_RESET_VALUE (I8042_CB_KBD_INT | I8042_CB_AUX_INT)

struct i8042 {
    struct bus *bus;                      /* ports 0x60 and 0x64 live here */
    struct region *data_region;           /* port 0x60 */
    struct region *cmd_region;            /* port 0x64 */
    struct irq_line irq1;                 /* keyboard interrupt (IRQ 1) */
    struct irq_line irq12;                /* mouse interrupt (IRQ 12) */
    void (*a20)(void *board, bool);       /* board: output port A20 line changed; may be NULL */
    void (*reset)(void *board);           /* board: reset line pulsed; may be NULL */
    void *board;                          /* argument to a20 and reset */
    struct ps2_kbd *kbd;                  /* keyboard on the first port (owned) */
    struct ps2_mouse *mouse;              /* mouse on the aux port (owned) */
    uint8_t ram[32];                      /* controller RAM; ram[0] is the command byte */
    uint8_t outport;                      /* output port as written (bits 4-5 derived on read) */
    uint8_t out_data;                     /* output buffer; keeps the last byte after it is read */
    bool obf;                             /* output buffer full (status bit 0) */
    bool obf_aux;                         /* the byte came from the mouse (status bit 5) */
    bool last_was_cmd;                    /* A2: last write went to 0x64 (status bit 3) */
    uint8_t pending;                      /* command waiting for its data byte on 0x60; 0: none */
    bool xlat_break;                      /* translation saw F0: set bit 7 of the next key byte */
    uint16_t ctrl_queue[CTRL_QUEUE_SIZE]; /* controller's own bytes; CTRL_QUEUE_AUX flag */
    uint8_t ctrl_head;                    /* index of the oldest ctrl_queue entry */
    uint8_t ctrl_count;                   /* ctrl_queue entries in use */
};

static uint8_t cb(const struct i8042 *s)
{
    return s->ram[0];
}

static void i8042_update_irq(struct i8042 *s)
{
    irq_set(&s->irq1, s->obf && !s->obf_aux && (cb(s) & I8042_CB_KBD_INT));
    irq_set(&s->irq12, s->obf && s->obf_aux && (cb(s) & I8042_CB_AUX_INT));
}

static void ctrl_reply(struct i8042 *s, uint8_t b, bool aux)
{
    if (s->ctrl_count >= CTRL_QUEUE_SIZE) {
        LOG(LOG_GUEST_ERRORS, "i8042: reply 0x%02X dropped, guest not reading", b);
        return;
    }
    s->ctrl_queue[(s->ctrl_head + s->ctrl_count) % CTRL_QUEUE_SIZE] =
        (uint16_t)(b | (aux ? CTRL_QUEUE_AUX : 0));
    s->ctrl_count++;
}

static void load_obf(struct i8042 *s, uint8_t b, bool aux)
{
    s->out_data = b;
    s->obf = true;
    s->obf_aux = aux;
}

/* Move the next byte into an empty output buffer.  Bounded: the keyboard loop
 * only repeats over F0 prefixes it swallows, at most its queue size. */
static void i8042_fill(struct i8042 *s)
{
    if (s->obf) return;
    if (s->ctrl_count) {
        uint16_t e = s->ctrl_queue[s->ctrl_head];
        s->ctrl_head = (uint8_t)((s->ctrl_head + 1) % CTRL_QUEUE_SIZE);
        s->ctrl_count--;
        load_obf(s, (uint8_t)e, (e & CTRL_QUEUE_AUX) != 0);
        return;
    }
    if (!(cb(s) & I8042_CB_KBD_DIS)) {
        for (unsigned i = 0; i <= PS2_QUEUE_SIZE && ps2_kbd_has_data(s->kbd); i++) {
            uint8_t b = ps2_kbd_read(s->kbd);
            if (cb(s) & I8042_CB_XLAT) {
                if (b == 0xF0) {
                    s->xlat_break = true;
                    continue;
                }
                b = (uint8_t)(ps2_kbd_translate(b) | (s->xlat_break ? 0x80 : 0));
                s->xlat_break = false;
            }
            load_obf(s, b, false);
            return;
        }
    }
    if (!(cb(s) & I8042_CB_AUX_DIS) && ps2_mouse_has_data(s->mouse))
        load_obf(s, ps2_mouse_read(s->mouse), true);
}

/* A PS/2 device queued bytes. */
static void i8042_device_notify(void *opaque)
{
    struct i8042 *s = opaque;
    i8042_fill(s);
    i8042_update_irq(s);
}

static void set_outport(struct i8042 *s, uint8_t v)
{
    uint8_t old = s->outport;
    s->outport = v;
    if (((old ^ v) & I8042_OUT_A20) && s->a20) {
        LOG(LOG_BUS, "i8042: A20 %s", v & I8042_OUT_A20 ? "on" : "off");
        s->a20(s->board, (v & I8042_OUT_A20) != 0);
    }
}

static void pulse_reset(struct i8042 *s)
{
    LOG(LOG_PM, "i8042: system reset");
    if (s->reset) s->reset(s->board);
}

static uint8_t read_status(const struct i8042 *s)
{
    return (uint8_t)((s->obf ? I8042_STAT_OBF : 0) | (cb(s) & I8042_CB_SYS) |
                     (s->last_was_cmd ? I8042_STAT_CMD : 0) | I8042_STAT_UNLOCK |
                     (s->obf && s->obf_aux ? I8042_STAT_AUX_OBF : 0));
}

static uint32_t i8042_data_read(void *opaque, uint32_t offset, unsigned size)
{
    struct i8042 *s = opaque;
    uint8_t v = s->out_data;
    if (s->obf) {
        s->obf = false;
        s->obf_aux = false;
        i8042_update_irq(s); /* the line drops before the next byte raises it */
        i8042_fill(s);
    }
    i8042_update_irq(s);
    return v;
}

static void i8042_data_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct i8042 *s = opaque;
    uint8_t v = (uint8_t)value;
    uint8_t cmd = s->pending;
    bool do_reset = false;
    s->pending = 0;
    s->last_was_cmd = false;
    if (cmd >= 0x60 && cmd <= 0x7F) {
        s->ram[cmd - 0x60] = v;
        if (cmd == 0x60) LOG(LOG_KBD, "i8042: command byte 0x%02X", v);
    } else if (cmd == 0xD1) {
        set_outport(s, v);
        do_reset = !(v & I8042_OUT_RESET);
    } else if (cmd == 0xD2) {
        ctrl_reply(s, v, false);
    } else if (cmd == 0xD3) {
        ctrl_reply(s, v, true);
    } else if (cmd == 0xD4) {
        ps2_mouse_write(s->mouse, v);
    } else {
        s->ram[0] &= (uint8_t)~I8042_CB_KBD_DIS; /* sending to the keyboard enables it */
        ps2_kbd_write(s->kbd, v);
    }
    if (do_reset) pulse_reset(s);
    i8042_fill(s);
    i8042_update_irq(s);
}

static uint32_t i8042_cmd_read(void *opaque, uint32_t offset, unsigned size)
{
    return read_status(opaque);
}

static void i8042_cmd_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct i8042 *s = opaque;
    uint8_t v = (uint8_t)value;
    bool do_reset = false;
    s->last_was_cmd = true;
    s->pending = 0; /* a new command abandons one still waiting for data */
    if (v >= 0x20 && v <= 0x3F) {
        ctrl_reply(s, s->ram[v - 0x20], false);
    } else if (v >= 0x60 && v <= 0x7F) {
        s->pending = v;
    } else if (v >= 0xF0) {
        do_reset = !(v & 1); /* pulse the output lines whose bit is 0; bit 0 is reset */
    } else {
        switch (v) {
        case 0xA4: /* password installed? */ ctrl_reply(s, 0xF1, false); break;
        case 0xA7: s->ram[0] |= I8042_CB_AUX_DIS; break;
        case 0xA8: s->ram[0] &= (uint8_t)~I8042_CB_AUX_DIS; break;
        case 0xA9: /* aux interface test: no error */
        case 0xAB: /* keyboard interface test: no error */ ctrl_reply(s, 0x00, false); break;
        case 0xAA: /* self test: passed, system flag set */
            s->ram[0] |= I8042_CB_SYS;
            ctrl_reply(s, 0x55, false);
            break;
        case 0xAD: s->ram[0] |= I8042_CB_KBD_DIS; break;
        case 0xAE: s->ram[0] &= (uint8_t)~I8042_CB_KBD_DIS; break;
        case 0xC0: ctrl_reply(s, INPORT_VALUE, false); break;
        case 0xD0:
            ctrl_reply(s,
                       (uint8_t)((s->outport & ~0x30u) | (s->obf && !s->obf_aux ? 0x10 : 0) |
                                 (s->obf && s->obf_aux ? 0x20 : 0)),
                       false);
            break;
        case 0xD1:
        case 0xD2:
        case 0xD3:
        case 0xD4: s->pending = v; break;
        case 0xDD: /* A20 off */ set_outport(s, s->outport & (uint8_t)~I8042_OUT_A20); break;
        case 0xDF: /* A20 on */ set_outport(s, s->outport | I8042_OUT_A20); break;
        case 0xE0: /* test inputs */
            LOG_UNIMPL_ONCE("i8042: read test inputs (0xE0) answers 0");
            ctrl_reply(s, 0x00, false);
            break;
        default:
            LOG_UNIMPL_ONCE("i8042: controller command 0x%02X", v);
            LOG(LOG_GUEST_ERRORS, "i8042: unknown command 0x%02X", v);
            break;
        }
    }
    if (do_reset) pulse_reset(s);
    i8042_fill(s);
    i8042_update_irq(s);
}

static const struct io_ops i8042_data_ops = {
    .read = i8042_data_read,
    .write = i8042_data_write,
    .impl_min = 1,
    .impl_max = 1,
    .name = "i8042.data",
};

static const struct io_ops i8042_cmd_ops = {
    .read = i8042_cmd_read,
    .write = i8042_cmd_write,
    .impl_min = 1,
    .impl_max = 1,
    .name = "i8042.cmd",
};

static void i8042_reset(void *opaque)
{
    struct i8042 *s = opaque;
    for (unsigned i = 0; i < sizeof(s->ram); i++)
        s->ram[i] = 0;
    s->ram[0] = CB_RESET_VALUE;
    s->out_data = 0;
    s->obf = false;
    s->obf_aux = false;
    s->last_was_cmd = false;
    s->pending = 0;
    s->xlat_break = false;
    s->ctrl_head = 0;
    s->ctrl_count = 0;
    ps2_kbd_reset(s->kbd);
    ps2_mouse_reset(s->mouse);
    set_outport(s, OUTPORT_RESET_VALUE);
    i8042_update_irq(s);
}

static void i8042_free(struct i8042 *s)
{
    bus_unmap(s->bus, s->data_region);
    bus_unmap(s->bus, s->cmd_region);
    ps2_kbd_destroy(s->kbd);
    ps2_mouse_destroy(s->mouse);
    free(s);
}

struct i8042 *i8042_create(struct bus *bus, struct sched *sched, struct irq_line irq1,
                           struct irq_line irq12, void (*a20)(void *, bool), void (*reset)(void *),
                           void *board)
{
    struct i8042 *s = calloc(1, sizeof(*s));
    if (!s) return NULL;
    s->bus = bus;
    s->irq1 = irq1;
    s->irq12 = irq12;
    s->a20 = a20;
    s->reset = reset;
    s->board = board;
    s->outport = OUTPORT_RESET_VALUE; /* so reset reports no A20 change */
    s->kbd = ps2_kbd_create(sched, i8042_device_notify, s);
    s->mouse = ps2_mouse_create(sched, i8042_device_notify, s);
    s->data_region = bus_map_ports(bus, I8042_DATA_PORT, 1, &i8042_data_ops, s);
    s->cmd_region = bus_map_ports(bus, I8042_CMD_PORT, 1, &i8042_cmd_ops, s);
    if (!s->kbd || !s->mouse || !s->data_region || !s->cmd_region) {
        i8042_free(s);
        return NULL;
    }
    i8042_reset(s);
    return s;
}

struct ps2_kbd *i8042_kbd(struct i8042 *s)
{
    return s->kbd;
}

struct ps2_mouse *i8042_mouse(struct i8042 *s)
{
    return s->mouse;
}

static void i8042_destroy(void *opaque)
{
    i8042_free(opaque);
}

static void i8042_info(void *opaque, FILE *out)
{
    struct i8042 *s = opaque;
    fprintf(out,
            "i8042: status 0x%02X cmd 0x%02X outport 0x%02X obuf 0x%02X%s pending 0x%02X "
            "ctrl_queued %u\n",
            read_status(s), cb(s), s->outport, s->out_data,
            s->obf ? (s->obf_aux ? " (aux)" : " (kbd)") : "", s->pending, s->ctrl_count);
    ps2_kbd_info(s->kbd, out);
    ps2_mouse_info(s->mouse, out);
}

const struct device_desc i8042_desc = {
    .name = "i8042",
    .reset = i8042_reset,
    .destroy = i8042_destroy,
    .info = i8042_info,
};

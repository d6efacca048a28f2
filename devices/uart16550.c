/*
 * uart16550.c - the PC16550D UART with FIFOs, as on COM1-COM4 of a PC.
 *
 * Sources: National Semiconductor PC16550D datasheet (June 1995): §8.4 line
 * control, §8.5 typical clock circuits / divisor, §8.6 line status (errors
 * tied to the character at the top of the FIFO, LSR7), §8.7 FIFO interrupt
 * mode (trigger levels, character timeout: data in the RX FIFO and neither a
 * new character nor a CPU read for 4 character times), §8.8 FIFO polled mode,
 * §8.9/Table IV interrupt identification and priorities and how each source
 * is reset (THRE: by reading IIR when it is the source, or by writing THR),
 * §8.10 IER (ETBEI set while THRE raises the interrupt at once), §8.11 MCR
 * (loopback: TX shift register to RX, RTS->CTS, DTR->DSR, OUT1->RI,
 * OUT2->DCD), §8.12 MSR (delta bits, TERI on the trailing edge of RI),
 * Table III reset values.  PC wiring: the IRQ output reaches the PIC only
 * while MCR.OUT2 is set (IBM PC/AT serial adapter; Super I/O chips gate it
 * internally on the register bit, so loopback does not change the gating).
 *
 * Time: nothing ticks.  A character occupies the line for
 * (start + data + parity + stop bits) * divisor * 16 / 1.8432 MHz of virtual
 * time.  The transmit shift register (TSR) remembers when its character
 * finishes (tsr_end_ns); the receive line remembers when the character being
 * received from the host queue arrives (rx_end_ns).  uart_catch_up() applies
 * every edge up to sched_now() (at most a FIFO's worth), and one timer is
 * armed for the next observable edge: a TX character leaving, an RX character
 * arriving, or the character timeout.  A fast guest sees THRE/TEMT as on a
 * real line but never blocks the host.
 *
 * Host input waits in a bounded queue (hostq) and moves onto the line only
 * when the RX FIFO (or RBR) has room, so host data is never lost; overrun
 * (OE) can only happen with loopback data, which a real line cannot hold back.
 *
 * Not emulated: parity and framing errors (the line is perfect: PE/FE exist
 * in the per-character flags but nothing sets them), sending a break to the
 * host (LCR bit 6 is logged; in loopback it does deliver a break to the
 * receiver), the RXRDY/TXRDY DMA pins (FCR bit 3 is stored only), the
 * "THRE delayed by one character" subtlety of §8.7 for a FIFO that never
 * held two bytes, and modem lines of a real host port (the inputs are
 * constant unless set with uart16550_set_modem_inputs).
 */
#include "devices/uart16550.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "devices/chardev.h"
#include "mem/bus.h"
#include "mem/log.h"
#include "mem/sched.h"

#define FIFO_SIZE 16

/* IER */
#define IER_ERBFI 0x01 /* received data available (and timeout) */
#define IER_ETBEI 0x02 /* transmitter holding register empty */
#define IER_ELSI 0x04  /* receiver line status */
#define IER_EDSSI 0x08 /* modem status */
/* IIR */
#define IIR_NO_INT 0x01
#define IIR_MSI 0x00
#define IIR_THRI 0x02
#define IIR_RDI 0x04
#define IIR_RLSI 0x06
#define IIR_CTI 0x0C
#define IIR_FIFO 0xC0
/* FCR */
#define FCR_ENABLE 0x01
#define FCR_RX_RESET 0x02
#define FCR_TX_RESET 0x04
#define FCR_DMA 0x08
#define FCR_TRIGGER 0xC0
/* LCR */
#define LCR_STOP 0x04
#define LCR_PARITY 0x08
#define LCR_BREAK 0x40
#define LCR_DLAB 0x80
/* MCR */
#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10
#define MCR_MASK 0x1F
/* LSR */
#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_PE 0x04
#define LSR_FE 0x08
#define LSR_BI 0x10
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define LSR_FIFO_ERR 0x80
#define LSR_ERRORS (LSR_OE | LSR_PE | LSR_FE | LSR_BI)
/* MSR */
#define MSR_DCTS 0x01
#define MSR_DDSR 0x02
#define MSR_TERI 0x04
#define MSR_DDCD 0x08

#define HOSTQ_BREAK 0x100 /* hostq entry: a break, not a byte */

struct uart16550 {
    struct bus *bus;        /* bus our ports are mapped on */
    struct region *region;  /* the 8 ports */
    struct sched *sched;    /* virtual clock */
    struct timer timer;     /* next TX end, RX arrival or character timeout */
    struct irq_line irq;    /* to the PIC, gated by OUT2 */
    struct chardev *cd;     /* host end (not owned); NULL: none */
    uint16_t base;          /* first port */

    /* registers */
    uint16_t divisor;       /* divisor latch (DLM:DLL); 0 acts as 65536 */
    uint8_t ier;            /* interrupt enable, bits 0-3 */
    uint8_t fcr;            /* FIFO control as last programmed: enable, DMA mode, trigger (bits 0, 3, 6-7) */
    uint8_t lcr;            /* line control */
    uint8_t mcr;            /* modem control, bits 0-4 */
    uint8_t lsr_err;        /* LSR OE/PE/FE/BI bits reported and not yet read */
    uint8_t msr_delta;      /* MSR bits 0-3: DCTS, DDSR, TERI, DDCD since the last MSR read */
    uint8_t msr_lines;      /* MSR bits 4-7 as last seen (for deltas): CTS, DSR, RI, DCD */
    uint8_t modem_in;       /* external modem inputs (MSR bit layout), used outside loopback */
    uint8_t scr;            /* scratch register */
    uint8_t rbr_last;       /* last byte read from RBR: what an empty RBR reads as */

    /* receiver */
    uint8_t rx_fifo[FIFO_SIZE];  /* RX FIFO (capacity 1 = RBR in 16450 mode) */
    uint8_t rx_flags[FIFO_SIZE]; /* per character: LSR PE/FE/BI bits not yet reported */
    uint8_t rx_head;             /* index of the oldest character */
    uint8_t rx_count;            /* characters held */
    bool rx_line_busy;           /* a host character is on the line */
    uint64_t rx_end_ns;          /* when it arrives (virtual ns) */
    uint64_t rx_last_ns;         /* last RX FIFO activity (arrival or CPU read), for the timeout */
    bool timeout_pending;        /* character timeout indication (IIR 0x0C) */

    /* transmitter */
    uint8_t tx_fifo[FIFO_SIZE];  /* TX FIFO (capacity 1 = THR in 16450 mode) */
    uint8_t tx_head;             /* index of the oldest byte */
    uint8_t tx_count;            /* bytes waiting for the shift register */
    bool tsr_busy;               /* the transmit shift register holds a character */
    uint8_t tsr;                 /* that character */
    uint64_t tsr_end_ns;         /* when its last stop bit leaves (virtual ns) */
    bool thri_pending;           /* THRE interrupt source armed (cleared by IIR read / THR write) */

    /* host side */
    uint16_t hostq[UART16550_HOSTQ_SIZE]; /* host bytes (or HOSTQ_BREAK) waiting for the line */
    uint16_t hostq_head;         /* index of the oldest entry */
    uint16_t hostq_count;        /* entries held */
    uint64_t max_char_ns;        /* cap on a character time, 0: none */
    uint64_t tx_bytes, rx_bytes; /* bytes sent to / taken from the host, for info */
    uint64_t overruns;           /* characters lost to overrun, for info */
};

static void uart_update_irq(struct uart16550 *s);
static void uart_catch_up(struct uart16550 *s);

static bool fifo_on(const struct uart16550 *s) { return s->fcr & FCR_ENABLE; }
static unsigned fifo_cap(const struct uart16550 *s) { return fifo_on(s) ? FIFO_SIZE : 1; }
static unsigned rx_trigger(const struct uart16550 *s)
{
    static const uint8_t levels[4] = {1, 4, 8, 14};
    return fifo_on(s) ? levels[s->fcr >> 6] : 1;
}

/* One character on the line, in ns: start, data, parity and stop bits at
 * CLOCK/(16*divisor) baud.  Computed in half bits for 1.5 stop bits. */
static uint64_t char_ns(const struct uart16550 *s)
{
    unsigned data = 5 + (s->lcr & 3);
    unsigned half_bits = 2 * (1 + data + ((s->lcr & LCR_PARITY) ? 1 : 0));
    half_bits += (s->lcr & LCR_STOP) ? (data == 5 ? 3 : 4) : 2;
    uint64_t div = s->divisor ? s->divisor : 65536;
    uint64_t ns = (half_bits * div * 16 * 1000000000ull + UART16550_CLOCK_HZ) /
                  (2ull * UART16550_CLOCK_HZ);
    if (s->max_char_ns && ns > s->max_char_ns)
        ns = s->max_char_ns;
    return ns ? ns : 1;
}

/* ---- receiver ---- */

static void rx_clear(struct uart16550 *s)
{
    s->rx_head = s->rx_count = 0;
    memset(s->rx_flags, 0, sizeof(s->rx_flags));
    s->timeout_pending = false;
}

/* A character finished arriving at time t. */
static void rx_push(struct uart16550 *s, uint8_t c, uint8_t flags, uint64_t t)
{
    unsigned cap = fifo_cap(s);
    s->rx_last_ns = t;
    s->timeout_pending = false;
    if (s->rx_count >= cap) {
        /* Overrun: in FIFO mode the new character is lost (the shift register
         * is overwritten); in 16450 mode it overwrites RBR. */
        s->lsr_err |= LSR_OE;
        s->overruns++;
        if (fifo_on(s))
            return;
        s->rx_fifo[s->rx_head] = c;
        s->rx_flags[s->rx_head] = flags;
        s->lsr_err |= flags;
        return;
    }
    unsigned i = (s->rx_head + s->rx_count) % FIFO_SIZE;
    s->rx_fifo[i] = c;
    s->rx_flags[i] = flags;
    if (s->rx_count++ == 0)
        s->lsr_err |= flags; /* at the top of the FIFO: revealed now */
}

static uint8_t rx_pop(struct uart16550 *s)
{
    if (s->rx_count == 0)
        return s->rbr_last;
    uint8_t c = s->rx_fifo[s->rx_head];
    s->rx_flags[s->rx_head] = 0;
    s->rx_head = (s->rx_head + 1) % FIFO_SIZE;
    s->rx_count--;
    if (s->rx_count)
        s->lsr_err |= s->rx_flags[s->rx_head]; /* next character's errors now at the top */
    s->rbr_last = c;
    return c;
}

static bool rx_fifo_has_errors(const struct uart16550 *s)
{
    for (unsigned i = 0; i < s->rx_count; i++)
        if (s->rx_flags[(s->rx_head + i) % FIFO_SIZE])
            return true;
    return false;
}

/* Move host characters over the line into the RX FIFO up to now. */
static void rx_pump(struct uart16550 *s, uint64_t now)
{
    for (;;) {
        uint64_t t = now;
        if (s->rx_line_busy) {
            if (s->rx_end_ns > now)
                return;
            uint16_t e = s->hostq[s->hostq_head];
            s->hostq_head = (uint16_t)((s->hostq_head + 1) % UART16550_HOSTQ_SIZE);
            s->hostq_count--;
            s->rx_line_busy = false;
            t = s->rx_end_ns;
            if (e & HOSTQ_BREAK)
                rx_push(s, 0, LSR_BI, t);
            else
                rx_push(s, (uint8_t)e, 0, t);
            s->rx_bytes++;
        }
        if ((s->mcr & MCR_LOOP) || s->hostq_count == 0 || s->rx_count >= fifo_cap(s))
            return;
        s->rx_line_busy = true;
        s->rx_end_ns = t + char_ns(s);
    }
}

/* ---- transmitter ---- */

/* The TSR's character has left at time t. */
static void tsr_done(struct uart16550 *s, uint64_t t)
{
    if (s->mcr & MCR_LOOP) {
        rx_push(s, s->tsr, 0, t);
    } else {
        chardev_write(s->cd, &s->tsr, 1);
        s->tx_bytes++;
    }
}

static void tx_pump(struct uart16550 *s, uint64_t now)
{
    while (s->tsr_busy && s->tsr_end_ns <= now) {
        uint64_t t = s->tsr_end_ns;
        tsr_done(s, t);
        if (s->tx_count) {
            s->tsr = s->tx_fifo[s->tx_head];
            s->tx_head = (s->tx_head + 1) % FIFO_SIZE;
            if (--s->tx_count == 0)
                s->thri_pending = true; /* THR/FIFO just became empty */
            s->tsr_end_ns = t + char_ns(s);
        } else {
            s->tsr_busy = false;
        }
    }
}

static void tx_write(struct uart16550 *s, uint8_t c)
{
    uint64_t now = sched_now(s->sched);
    s->thri_pending = false;
    if (!s->tsr_busy && s->tx_count == 0) {
        /* THR -> TSR at once: THR is empty again, so THRE re-arms. */
        s->tsr = c;
        s->tsr_busy = true;
        s->tsr_end_ns = now + char_ns(s);
        s->thri_pending = true;
        return;
    }
    if (s->tx_count >= fifo_cap(s)) {
        if (!fifo_on(s)) {
            /* 16450 mode: overwrites THR */
            s->tx_fifo[s->tx_head] = c;
            return;
        }
        LOG(LOG_GUEST_ERRORS, "uart 0x%x: write to a full TX FIFO, byte dropped", s->base);
        return;
    }
    s->tx_fifo[(s->tx_head + s->tx_count) % FIFO_SIZE] = c;
    s->tx_count++;
}

/* ---- modem status ---- */

static uint8_t msr_lines_now(const struct uart16550 *s)
{
    if (!(s->mcr & MCR_LOOP))
        return s->modem_in & 0xF0;
    uint8_t m = 0;
    if (s->mcr & MCR_RTS) m |= UART_MSR_CTS;
    if (s->mcr & MCR_DTR) m |= UART_MSR_DSR;
    if (s->mcr & MCR_OUT1) m |= UART_MSR_RI;
    if (s->mcr & MCR_OUT2) m |= UART_MSR_DCD;
    return m;
}

static void msr_refresh(struct uart16550 *s)
{
    uint8_t now = msr_lines_now(s), old = s->msr_lines, ch = now ^ old;
    if (ch & UART_MSR_CTS) s->msr_delta |= MSR_DCTS;
    if (ch & UART_MSR_DSR) s->msr_delta |= MSR_DDSR;
    if ((old & UART_MSR_RI) && !(now & UART_MSR_RI)) s->msr_delta |= MSR_TERI;
    if (ch & UART_MSR_DCD) s->msr_delta |= MSR_DDCD;
    s->msr_lines = now;
}

/* ---- interrupts and time ---- */

/* The IIR value (without the FIFO bits): the highest-priority source. */
static uint8_t uart_iir_id(const struct uart16550 *s)
{
    if ((s->ier & IER_ELSI) && (s->lsr_err & LSR_ERRORS))
        return IIR_RLSI;
    if ((s->ier & IER_ERBFI) && s->timeout_pending)
        return IIR_CTI;
    if ((s->ier & IER_ERBFI) && s->rx_count && s->rx_count >= rx_trigger(s))
        return IIR_RDI;
    if ((s->ier & IER_ETBEI) && s->thri_pending)
        return IIR_THRI;
    if ((s->ier & IER_EDSSI) && s->msr_delta)
        return IIR_MSI;
    return IIR_NO_INT;
}

static void uart_update_irq(struct uart16550 *s)
{
    /* Arm the timer for the next edge first (state is caught up). */
    uint64_t next = UINT64_MAX;
    if (s->tsr_busy)
        next = s->tsr_end_ns;
    if (s->rx_line_busy && s->rx_end_ns < next)
        next = s->rx_end_ns;
    if (fifo_on(s) && s->rx_count && !s->timeout_pending) {
        uint64_t t = s->rx_last_ns + 4 * char_ns(s);
        if (t < next)
            next = t;
    }
    if (next == UINT64_MAX)
        timer_del(&s->timer);
    else if (!timer_pending(&s->timer) || s->timer.deadline != next)
        timer_mod(&s->timer, next);

    bool level = (s->mcr & MCR_OUT2) && uart_iir_id(s) != IIR_NO_INT;
    irq_set(&s->irq, level);
}

static void uart_catch_up(struct uart16550 *s)
{
    uint64_t now = sched_now(s->sched);
    /* TX before RX: a loopback character arriving at t is in the FIFO before
     * host characters (there are none in loopback anyway). */
    tx_pump(s, now);
    rx_pump(s, now);
    if (fifo_on(s) && s->rx_count && !s->timeout_pending &&
        now >= s->rx_last_ns + 4 * char_ns(s))
        s->timeout_pending = true;
}

static void uart_timer_fire(void *opaque)
{
    struct uart16550 *s = opaque;
    uart_catch_up(s);
    uart_update_irq(s);
}

/* ---- registers ---- */

static uint32_t uart_read(void *opaque, uint32_t offset, unsigned size)
{
    struct uart16550 *s = opaque;
    uint8_t v = 0xFF;
    uart_catch_up(s);
    switch (offset) {
    case UART_RBR:
        if (s->lcr & LCR_DLAB) {
            v = (uint8_t)s->divisor;
            break;
        }
        v = rx_pop(s);
        s->timeout_pending = false;
        s->rx_last_ns = sched_now(s->sched); /* a CPU read restarts the timeout */
        rx_pump(s, sched_now(s->sched));     /* room for the next host character */
        break;
    case UART_IER:
        v = (s->lcr & LCR_DLAB) ? (uint8_t)(s->divisor >> 8) : s->ier;
        break;
    case UART_IIR: {
        uint8_t id = uart_iir_id(s);
        if (id == IIR_THRI)
            s->thri_pending = false; /* reading IIR resets the THRE source */
        v = id | (fifo_on(s) ? IIR_FIFO : 0);
        break;
    }
    case UART_LCR:
        v = s->lcr;
        break;
    case UART_MCR:
        v = s->mcr;
        break;
    case UART_LSR:
        v = s->lsr_err;
        if (s->rx_count)
            v |= LSR_DR;
        if (s->tx_count == 0)
            v |= LSR_THRE;
        if (s->tx_count == 0 && !s->tsr_busy)
            v |= LSR_TEMT;
        if (fifo_on(s) && rx_fifo_has_errors(s))
            v |= LSR_FIFO_ERR;
        s->lsr_err = 0;
        if (s->rx_count)
            s->rx_flags[s->rx_head] = 0; /* the top character's errors are reported */
        break;
    case UART_MSR:
        msr_refresh(s);
        v = s->msr_lines | s->msr_delta;
        s->msr_delta = 0;
        break;
    case UART_SCR:
        v = s->scr;
        break;
    }
    uart_update_irq(s);
    return v;
}

static void uart_write_fcr(struct uart16550 *s, uint8_t v)
{
    bool was_on = fifo_on(s);
    if (!(v & FCR_ENABLE)) {
        /* Other bits are not programmed while FCR0 is 0; clearing FCR0 clears both FIFOs. */
        if (was_on) {
            rx_clear(s);
            s->tx_count = 0;
            s->thri_pending = true;
        }
        s->fcr = 0;
        return;
    }
    if (!was_on) {
        rx_clear(s);
        s->tx_count = 0;
        s->thri_pending = true; /* "the first transmitter interrupt after changing FCR0 is immediate" */
    }
    s->fcr = v & (FCR_ENABLE | FCR_DMA | FCR_TRIGGER);
    if (v & FCR_RX_RESET)
        rx_clear(s); /* the shift register (line) is not cleared */
    if (v & FCR_TX_RESET) {
        s->tx_count = 0;
        s->thri_pending = true;
    }
    if (v & FCR_DMA)
        LOG_UNIMPL_ONCE("uart: FCR DMA mode (RXRDY/TXRDY pins) has no effect");
}

static void uart_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct uart16550 *s = opaque;
    uint8_t v = (uint8_t)value;
    uart_catch_up(s);
    switch (offset) {
    case UART_RBR:
        if (s->lcr & LCR_DLAB)
            s->divisor = (uint16_t)((s->divisor & 0xFF00) | v);
        else
            tx_write(s, v);
        break;
    case UART_IER:
        if (s->lcr & LCR_DLAB) {
            s->divisor = (uint16_t)((s->divisor & 0x00FF) | v << 8);
        } else {
            uint8_t old = s->ier;
            s->ier = v & 0x0F;
            if ((s->ier & IER_ETBEI) && !(old & IER_ETBEI) && s->tx_count == 0)
                s->thri_pending = true; /* enabling ETBEI while THRE interrupts at once */
            if (!(s->ier & IER_ETBEI))
                s->thri_pending = false;
        }
        break;
    case UART_IIR:
        uart_write_fcr(s, v);
        break;
    case UART_LCR: {
        uint8_t old = s->lcr;
        s->lcr = v;
        if ((v & LCR_BREAK) && !(old & LCR_BREAK)) {
            if (s->mcr & MCR_LOOP) {
                rx_push(s, 0, LSR_BI, sched_now(s->sched)); /* SOUT looped to SIN */
            } else {
                LOG_UNIMPL_ONCE("uart: break sent to the host is not passed on");
            }
        }
        break;
    }
    case UART_MCR: {
        uint8_t old = s->mcr;
        s->mcr = v & MCR_MASK;
        if ((old ^ s->mcr) & MCR_LOOP) {
            /* Entering loopback disconnects SIN: a host character on the line
             * goes back to waiting (it stays in hostq). */
            s->rx_line_busy = false;
            rx_pump(s, sched_now(s->sched));
        }
        msr_refresh(s);
        break;
    }
    case UART_LSR:
    case UART_MSR:
        LOG(LOG_GUEST_ERRORS, "uart 0x%x: write 0x%02x to read-only register %u", s->base, v,
            offset);
        break;
    case UART_SCR:
        s->scr = v;
        break;
    }
    uart_update_irq(s);
}

static const struct io_ops uart_ops = {
    .read = uart_read,
    .write = uart_write,
    .impl_min = 1,
    .impl_max = 1,
    .name = "uart16550",
};

/* ---- host side ---- */

static void hostq_push(struct uart16550 *s, uint16_t e)
{
    s->hostq[(s->hostq_head + s->hostq_count) % UART16550_HOSTQ_SIZE] = e;
    s->hostq_count++;
}

size_t uart16550_receive_room(const struct uart16550 *s)
{
    return UART16550_HOSTQ_SIZE - s->hostq_count;
}

size_t uart16550_receive(struct uart16550 *s, const uint8_t *buf, size_t len)
{
    uart_catch_up(s);
    size_t room = uart16550_receive_room(s);
    size_t n = len < room ? len : room;
    for (size_t i = 0; i < n; i++)
        hostq_push(s, buf[i]);
    rx_pump(s, sched_now(s->sched));
    uart_update_irq(s);
    return n;
}

void uart16550_receive_break(struct uart16550 *s)
{
    uart_catch_up(s);
    if (uart16550_receive_room(s))
        hostq_push(s, HOSTQ_BREAK);
    rx_pump(s, sched_now(s->sched));
    uart_update_irq(s);
}

static void uart_deliver(void *opaque, const uint8_t *buf, size_t len)
{
    uart16550_receive(opaque, buf, len);
}

unsigned uart16550_poll(struct uart16550 *s)
{
    unsigned ev = chardev_poll(s->cd, uart16550_receive_room(s), uart_deliver, s);
    if (ev & CHARDEV_EV_BREAK)
        uart16550_receive_break(s);
    return ev;
}

void uart16550_set_modem_inputs(struct uart16550 *s, uint8_t lines)
{
    uart_catch_up(s);
    s->modem_in = lines & 0xF0;
    msr_refresh(s);
    uart_update_irq(s);
}

void uart16550_set_max_char_ns(struct uart16550 *s, uint64_t ns)
{
    uart_catch_up(s);
    s->max_char_ns = ns;
    uart_update_irq(s);
}

/* ---- lifecycle ---- */

/* Master reset (Table III): IER, FCR, LCR, MCR, LSR, MSR deltas cleared; the
 * FIFOs and shift registers emptied.  RBR/THR, SCR and the divisor keep their
 * values.  Host bytes not yet on the line stay queued. */
static void uart16550_reset(void *opaque)
{
    struct uart16550 *s = opaque;
    s->ier = 0;
    s->fcr = 0;
    s->lcr = 0;
    s->mcr = 0;
    s->lsr_err = 0;
    s->msr_delta = 0;
    rx_clear(s);
    s->rx_line_busy = false;
    s->rx_last_ns = sched_now(s->sched);
    s->tx_head = s->tx_count = 0;
    s->tsr_busy = false;
    s->thri_pending = false;
    s->msr_lines = msr_lines_now(s);
    rx_pump(s, sched_now(s->sched));
    uart_update_irq(s);
}

struct uart16550 *uart16550_create(struct bus *bus, struct sched *sched, uint16_t base,
                                   struct irq_line irq, struct chardev *cd)
{
    struct uart16550 *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->bus = bus;
    s->sched = sched;
    s->irq = irq;
    s->cd = cd;
    s->base = base;
    s->divisor = 12; /* 9600 baud: undefined after power-on, a BIOS sets it */
    s->modem_in = UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD;
    timer_init(&s->timer, sched, uart_timer_fire, s, "uart16550");
    s->region = bus_map_ports(bus, base, 8, &uart_ops, s);
    if (!s->region) {
        free(s);
        return NULL;
    }
    uart16550_reset(s);
    return s;
}

static void uart16550_destroy(void *opaque)
{
    struct uart16550 *s = opaque;
    timer_del(&s->timer);
    chardev_flush(s->cd);
    bus_unmap(s->bus, s->region);
    free(s);
}

static void uart16550_info(void *opaque, FILE *out)
{
    struct uart16550 *s = opaque; /* state as of the last access or timer */
    uint64_t div = s->divisor ? s->divisor : 65536;
    fprintf(out,
            "uart16550 0x%x: %llu baud %u%c%s, IER=%02x IIR=%02x LCR=%02x MCR=%02x LSR-err=%02x "
            "MSR=%02x FIFO %s trig %u, rx %u/%u host %u, tx %u%s, sent %llu recv %llu overruns "
            "%llu\n",
            s->base, (unsigned long long)(UART16550_CLOCK_HZ / 16 / div), 5 + (s->lcr & 3),
            !(s->lcr & LCR_PARITY) ? 'N' : (s->lcr & 0x10) ? 'E' : 'O',
            (s->lcr & LCR_STOP) ? "2" : "1", s->ier,
            uart_iir_id(s) | (fifo_on(s) ? IIR_FIFO : 0), s->lcr, s->mcr, s->lsr_err,
            s->msr_lines | s->msr_delta, fifo_on(s) ? "on" : "off", rx_trigger(s), s->rx_count,
            fifo_cap(s), s->hostq_count, s->tx_count, s->tsr_busy ? "+tsr" : "",
            (unsigned long long)s->tx_bytes, (unsigned long long)s->rx_bytes,
            (unsigned long long)s->overruns);
}

const struct device_desc uart16550_desc = {
    .name = "uart16550",
    .reset = uart16550_reset,
    .destroy = uart16550_destroy,
    .info = uart16550_info,
};

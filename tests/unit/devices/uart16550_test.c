/*
 * uart16550_test.c - the 16550A UART through its ports, with a fake clock
 * and a memory chardev; the chardev's stdio escape through a pipe on stdin;
 * the tcp chardev on 127.0.0.1 (bounded in time).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "devices/chardev.h"
#include "devices/uart16550.h"
#include "mem/bus.h"
#include "mem/sched.h"

#define BASE UART16550_COM1_BASE
/* One 8N1 character at divisor 1 (115200 baud): 10 bits * 16 / 1.8432 MHz, rounded. */
#define CT1 86806ull
/* At divisor 12 (9600 baud). */
#define CT12 1041667ull

/* LCR/MCR/IER bits, spelled out so the test does not share the device's macros. */
#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10

static struct bus *bus;
static struct sched *sched;
static struct chardev *mem;
static struct uart16550 *u;
static int irq_level;   /* last level on the wire */
static int irq_rises;   /* rising edges seen */

static void irq_set_cb(void *opaque, int n, int level)
{
    if (level && !irq_level)
        irq_rises++;
    irq_level = level;
}

static uint8_t rd(unsigned reg) { return (uint8_t)bus_port_read(bus, BASE + reg, 1); }
static void wr(unsigned reg, uint8_t v) { bus_port_write(bus, BASE + reg, v, 1); }

static void advance(uint64_t ns)
{
    sched_advance(sched, ns);
    sched_run_due(sched);
}

/* Advance to an absolute virtual time, firing timers on the way in order. */
static void advance_to(uint64_t t)
{
    while (sched_now(sched) < t) {
        uint64_t d = sched_next_deadline(sched);
        uint64_t step = (d > sched_now(sched) && d < t) ? d - sched_now(sched) : t - sched_now(sched);
        advance(step);
    }
}

static void set_divisor(uint16_t div, uint8_t lcr)
{
    wr(UART_LCR, LCR_DLAB);
    wr(UART_RBR, (uint8_t)div);
    wr(UART_IER, (uint8_t)(div >> 8));
    wr(UART_LCR, lcr);
}

static void setup(void)
{
    bus = bus_create();
    sched = sched_create();
    mem = chardev_memory_create();
    irq_level = 0;
    irq_rises = 0;
    struct irq_line l = {irq_set_cb, NULL, 4};
    u = uart16550_create(bus, sched, BASE, l, mem);
    ck_assert_ptr_nonnull(u);
    set_divisor(1, LCR_8N1);
}

static void teardown(void)
{
    uart16550_desc.destroy(u);
    chardev_close(mem);
    sched_destroy(sched);
    bus_destroy(bus);
}

/* ---- registers ---- */

START_TEST(test_reset_values)
{
    ck_assert_uint_eq(rd(UART_IIR), 0x01);
    ck_assert_uint_eq(rd(UART_IER), 0x00);
    ck_assert_uint_eq(rd(UART_MCR), 0x00);
    ck_assert_uint_eq(rd(UART_LSR), 0x60); /* THRE | TEMT */
    ck_assert_uint_eq(rd(UART_MSR), 0xB0); /* DCD, DSR, CTS from the host, no deltas */
    ck_assert_int_eq(irq_level, 0);
    /* Overlapping ports are refused. */
    struct irq_line none = {0};
    ck_assert_ptr_null(uart16550_create(bus, sched, BASE + 4, none, NULL));
}
END_TEST

START_TEST(test_divisor_and_lcr)
{
    wr(UART_LCR, LCR_DLAB | 0x1F);
    wr(UART_RBR, 0x34);
    wr(UART_IER, 0x12);
    ck_assert_uint_eq(rd(UART_RBR), 0x34);
    ck_assert_uint_eq(rd(UART_IER), 0x12);
    ck_assert_uint_eq(rd(UART_LCR), 0x9F);
    wr(UART_LCR, 0x1F); /* DLAB off: IER is the real one, untouched */
    ck_assert_uint_eq(rd(UART_IER), 0x00);
    wr(UART_IER, 0xFF);
    ck_assert_uint_eq(rd(UART_IER), 0x0F); /* bits 4-7 are always 0 on the 16550A */
    wr(UART_IER, 0);
    wr(UART_LCR, LCR_DLAB);
    ck_assert_uint_eq(rd(UART_RBR), 0x34);
    ck_assert_uint_eq(rd(UART_IER), 0x12);
    /* The scratch register, MCR mask. */
    wr(UART_LCR, LCR_8N1);
    wr(UART_SCR, 0xA5);
    ck_assert_uint_eq(rd(UART_SCR), 0xA5);
    wr(UART_MCR, 0xFF);
    ck_assert_uint_eq(rd(UART_MCR), 0x1F);
    /* A 16-bit access is split by the bus: DLL and DLM at once. */
    wr(UART_MCR, 0);
    wr(UART_LCR, LCR_DLAB);
    bus_port_write(bus, BASE, 0x0180, 2);
    ck_assert_uint_eq(bus_port_read(bus, BASE, 2), 0x0180);
}
END_TEST

/* Character time follows divisor and word format: 7E2 at divisor 3 is
 * 1+7+1+2 = 11 bits at 38400 baud. */
START_TEST(test_char_time_follows_lcr)
{
    set_divisor(3, 0x1E); /* 7 bits, even parity, 2 stop */
    uint64_t ct = (22ull * 3 * 16 * 1000000000ull + UART16550_CLOCK_HZ) / (2ull * UART16550_CLOCK_HZ);
    wr(UART_RBR, 'x');
    advance(ct - 1);
    ck_assert_uint_eq(chardev_memory_pending(mem), 0);
    ck_assert_uint_eq(rd(UART_LSR) & 0x40, 0); /* TEMT clear while shifting */
    advance(1);
    ck_assert_uint_eq(chardev_memory_pending(mem), 1);
    ck_assert_uint_eq(rd(UART_LSR) & 0x60, 0x60);
    /* 5 bits with "2" stop bits means 1.5 stop bits: 1+5+1.5 = 7.5 bits. */
    set_divisor(1, 0x04);
    uint64_t t0 = sched_now(sched);
    wr(UART_RBR, 'y');
    uint64_t ct5 = (15ull * 16 * 1000000000ull + UART16550_CLOCK_HZ) / (2ull * UART16550_CLOCK_HZ);
    advance_to(t0 + ct5 - 1);
    ck_assert_uint_eq(chardev_memory_pending(mem), 1);
    advance(1);
    ck_assert_uint_eq(chardev_memory_pending(mem), 2);
}
END_TEST

/* ---- transmitter ---- */

START_TEST(test_tx_at_baud_rate)
{
    set_divisor(12, LCR_8N1);
    wr(UART_IIR, 0x07); /* FIFO on, both cleared */
    uint64_t t0 = sched_now(sched);
    for (int i = 0; i < 16; i++)
        wr(UART_RBR, (uint8_t)('A' + i));
    /* One byte went straight to the shift register, 15 wait in the FIFO. */
    ck_assert_uint_eq(rd(UART_LSR) & 0x60, 0x00);
    for (int k = 1; k <= 16; k++) {
        advance_to(t0 + k * CT12 - 1);
        if (chardev_memory_pending(mem) != (size_t)(k - 1))
            ck_abort_msg("byte %d early: %zu pending", k, chardev_memory_pending(mem));
        advance(1);
        if (chardev_memory_pending(mem) != (size_t)k)
            ck_abort_msg("byte %d late", k);
        uint8_t lsr = rd(UART_LSR);
        /* THRE once the FIFO has drained into the shift register (after byte 15
         * left, byte 16 is shifting); TEMT only after the last byte left. */
        if (((lsr & 0x20) != 0) != (k >= 15) || ((lsr & 0x40) != 0) != (k == 16))
            ck_abort_msg("LSR 0x%02x after byte %d", lsr, k);
    }
    uint8_t out[32];
    ck_assert_uint_eq(chardev_memory_take(mem, out, sizeof(out)), 16);
    ck_assert_int_eq(memcmp(out, "ABCDEFGHIJKLMNOP", 16), 0);
    /* 16 bytes at 9600 baud took 16/960 s of virtual time. */
    ck_assert_uint_eq(sched_now(sched) - t0, 16 * CT12);
}
END_TEST

START_TEST(test_tx_full_fifo_drops_and_16450_overwrite)
{
    wr(UART_IIR, 0x01);
    for (int i = 0; i < 20; i++) /* 1 to the TSR, 16 to the FIFO, 3 dropped */
        wr(UART_RBR, (uint8_t)i);
    advance(20 * CT1);
    ck_assert_uint_eq(chardev_memory_pending(mem), 17);
    uint8_t out[32];
    chardev_memory_take(mem, out, sizeof(out));
    ck_assert_uint_eq(out[16], 16);
    /* 16450 mode: a second write while THR is full replaces it. */
    wr(UART_IIR, 0x00);
    wr(UART_RBR, 'a'); /* to the TSR */
    wr(UART_RBR, 'b'); /* THR */
    wr(UART_RBR, 'c'); /* overwrites 'b' */
    advance(3 * CT1);
    ck_assert_uint_eq(chardev_memory_take(mem, out, sizeof(out)), 2);
    ck_assert_int_eq(memcmp(out, "ac", 2), 0);
}
END_TEST

START_TEST(test_thre_interrupt)
{
    wr(UART_MCR, MCR_OUT2);
    ck_assert_int_eq(irq_level, 0);
    wr(UART_IER, 0x02); /* ETBEI while THR empty: at once */
    ck_assert_int_eq(irq_level, 1);
    ck_assert_uint_eq(rd(UART_IIR), 0x02);
    /* Reading IIR (THRE the source) reset it. */
    ck_assert_int_eq(irq_level, 0);
    ck_assert_uint_eq(rd(UART_IIR), 0x01);
    /* Writing THR: the byte goes to the shift register, THR is empty again and
     * the interrupt re-arms. */
    wr(UART_RBR, 'a');
    ck_assert_int_eq(irq_level, 1);
    ck_assert_uint_eq(rd(UART_LSR) & 0x60, 0x20);
    ck_assert_uint_eq(rd(UART_IIR), 0x02);
    /* A second byte waits in THR: no THRE until the first has left. */
    wr(UART_RBR, 'b');
    ck_assert_int_eq(irq_level, 0);
    ck_assert_uint_eq(rd(UART_LSR) & 0x60, 0x00);
    advance(CT1 - 1);
    ck_assert_int_eq(irq_level, 0);
    advance(1);
    ck_assert_int_eq(irq_level, 1);
    ck_assert_uint_eq(rd(UART_LSR) & 0x60, 0x20); /* THRE, not yet TEMT */
    /* Writing THR (not reading IIR) also resets it. */
    wr(UART_RBR, 'c');
    ck_assert_int_eq(irq_level, 0);
    /* Disabling and re-enabling ETBEI while THR is empty interrupts again
     * (what Linux's THRE test does). */
    advance(CT1);
    ck_assert_int_eq(irq_level, 1);
    wr(UART_IER, 0x00);
    ck_assert_int_eq(irq_level, 0);
    wr(UART_IER, 0x02);
    ck_assert_int_eq(irq_level, 1);
    advance(CT1);
    ck_assert_uint_eq(rd(UART_LSR) & 0x60, 0x60);
    ck_assert_uint_eq(chardev_memory_pending(mem), 3);
}
END_TEST

/* ---- receiver ---- */

START_TEST(test_loopback_tx_to_rx)
{
    wr(UART_MCR, MCR_LOOP);
    wr(UART_RBR, 0x5A);
    ck_assert_uint_eq(rd(UART_LSR) & 0x01, 0);
    advance(CT1 - 1);
    ck_assert_uint_eq(rd(UART_LSR) & 0x01, 0);
    advance(1);
    ck_assert_uint_eq(rd(UART_LSR) & 0x61, 0x61);
    ck_assert_uint_eq(rd(UART_RBR), 0x5A);
    ck_assert_uint_eq(rd(UART_LSR) & 0x01, 0);
    ck_assert_uint_eq(chardev_memory_pending(mem), 0); /* nothing reached the host */
    /* Host input waits while in loopback, and arrives after it is left. */
    ck_assert_uint_eq(uart16550_receive(u, (const uint8_t *)"h", 1), 1);
    advance(5 * CT1);
    ck_assert_uint_eq(rd(UART_LSR) & 0x01, 0);
    wr(UART_MCR, 0);
    advance(CT1);
    ck_assert_uint_eq(rd(UART_LSR) & 0x01, 1);
    ck_assert_uint_eq(rd(UART_RBR), 'h');
}
END_TEST

/* RX data interrupt at each trigger level: the line delivers one host byte
 * per character time; the IRQ rises when the count reaches the level. */
START_TEST(test_fifo_trigger_levels)
{
    static const unsigned level[4] = {1, 4, 8, 14};
    wr(UART_MCR, MCR_OUT2);
    wr(UART_IER, 0x01);
    for (int i = 0; i < 4; i++) {
        wr(UART_IIR, (uint8_t)(i << 6 | 0x07));
        uint8_t buf[16];
        memset(buf, 'a' + i, sizeof(buf));
        uint64_t t0 = sched_now(sched);
        uart16550_receive(u, buf, 16);
        for (unsigned k = 1; k <= 16; k++) {
            advance_to(t0 + k * CT1);
            bool want = k >= level[i];
            if (irq_level != want)
                ck_abort_msg("level %u: irq %d after %u bytes", level[i], irq_level, k);
            uint8_t iir = rd(UART_IIR);
            if (want && iir != 0xC4)
                ck_abort_msg("level %u: IIR 0x%02x after %u bytes", level[i], iir, k);
        }
        /* Reading below the level drops the request. */
        for (unsigned k = 16; k >= level[i]; k--)
            rd(UART_RBR);
        ck_assert_int_eq(irq_level, 0);
        wr(UART_IIR, 0x03); /* clear the rest */
        ck_assert_uint_eq(rd(UART_LSR) & 0x01, 0);
    }
}
END_TEST

START_TEST(test_timeout_interrupt)
{
    wr(UART_MCR, MCR_OUT2);
    wr(UART_IER, 0x01);
    wr(UART_IIR, 0xC7); /* trigger 14 */
    uint64_t t0 = sched_now(sched);
    uart16550_receive(u, (const uint8_t *)"abc", 3);
    /* Last byte arrives at 3 CT; the timeout is 4 CT later. */
    advance_to(t0 + 7 * CT1 - 1);
    ck_assert_int_eq(irq_level, 0);
    ck_assert_uint_eq(rd(UART_IIR), 0xC1);
    advance(1);
    ck_assert_int_eq(irq_level, 1);
    ck_assert_uint_eq(rd(UART_IIR), 0xCC);
    /* Reading one character clears it and restarts the timer. */
    ck_assert_uint_eq(rd(UART_RBR), 'a');
    ck_assert_int_eq(irq_level, 0);
    uint64_t t1 = sched_now(sched);
    advance_to(t1 + 4 * CT1 - 1);
    ck_assert_int_eq(irq_level, 0);
    advance(1);
    ck_assert_uint_eq(rd(UART_IIR), 0xCC);
    /* A new character arriving also restarts it. */
    uint64_t t2 = sched_now(sched);
    uart16550_receive(u, (const uint8_t *)"d", 1);
    ck_assert_int_eq(irq_level, 1); /* still indicated until the arrival */
    advance_to(t2 + CT1);
    ck_assert_int_eq(irq_level, 0);
    ck_assert_uint_eq(rd(UART_LSR) & 0x01, 1);
    advance_to(t2 + 5 * CT1 - 1);
    ck_assert_int_eq(irq_level, 0);
    advance(1);
    ck_assert_int_eq(irq_level, 1);
    /* Draining the FIFO removes it for good. */
    rd(UART_RBR), rd(UART_RBR), rd(UART_RBR);
    ck_assert_uint_eq(rd(UART_LSR) & 0x01, 0);
    advance(100 * CT1);
    ck_assert_int_eq(irq_level, 0);
    ck_assert_uint_eq(rd(UART_IIR), 0xC1);
    /* No timeout in 16450 mode. */
    wr(UART_IIR, 0x00);
    uart16550_receive(u, (const uint8_t *)"e", 1);
    advance(10 * CT1);
    ck_assert_uint_eq(rd(UART_IIR), 0x04);
}
END_TEST

START_TEST(test_overrun)
{
    /* FIFO mode, loopback: 17 bytes sent (TSR + 16), the 17th overruns. */
    wr(UART_MCR, MCR_LOOP | MCR_OUT2);
    wr(UART_IER, 0x04);
    wr(UART_IIR, 0x07);
    for (int i = 0; i < 17; i++)
        wr(UART_RBR, (uint8_t)i);
    advance(16 * CT1);
    ck_assert_int_eq(irq_level, 0);
    ck_assert_uint_eq(rd(UART_LSR) & 0x03, 0x01);
    advance(CT1);
    ck_assert_int_eq(irq_level, 1);
    ck_assert_uint_eq(rd(UART_IIR), 0xC6);
    ck_assert_uint_eq(rd(UART_LSR) & 0x03, 0x03);
    ck_assert_int_eq(irq_level, 0); /* reading LSR clears OE and the interrupt */
    ck_assert_uint_eq(rd(UART_LSR) & 0x03, 0x01);
    for (int i = 0; i < 16; i++)
        if (rd(UART_RBR) != i)
            ck_abort_msg("FIFO byte %d lost", i);
    ck_assert_uint_eq(rd(UART_LSR) & 0x01, 0);
    /* 16450 mode: the newer byte replaces the unread one. */
    wr(UART_IIR, 0x00);
    wr(UART_RBR, 'x');
    wr(UART_RBR, 'y');
    advance(2 * CT1);
    ck_assert_uint_eq(rd(UART_LSR) & 0x03, 0x03);
    ck_assert_uint_eq(rd(UART_RBR), 'y');
}
END_TEST

START_TEST(test_host_queue_no_loss)
{
    static uint8_t buf[6000];
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)(i * 7 + 3);
    wr(UART_IIR, 0x07);
    size_t n = uart16550_receive(u, buf, sizeof(buf));
    ck_assert_uint_eq(n, UART16550_HOSTQ_SIZE);
    ck_assert_uint_eq(uart16550_receive_room(u), 0);
    /* The rest comes through the chardev as room appears. */
    chardev_memory_feed(mem, buf + n, sizeof(buf) - n);
    size_t got = 0;
    for (int iter = 0; iter < 100000 && got < sizeof(buf); iter++) {
        uart16550_poll(u);
        advance(16 * CT1);
        while (rd(UART_LSR) & 0x01) {
            uint8_t c = rd(UART_RBR);
            if (c != buf[got])
                ck_abort_msg("byte %zu: got 0x%02x want 0x%02x", got, c, buf[got]);
            got++;
        }
        if (rd(UART_LSR) & 0x02)
            ck_abort_msg("overrun on host data");
    }
    ck_assert_uint_eq(got, sizeof(buf));
}
END_TEST

START_TEST(test_host_break)
{
    wr(UART_MCR, MCR_OUT2);
    wr(UART_IER, 0x05);
    wr(UART_IIR, 0x07);
    uart16550_receive(u, (const uint8_t *)"a", 1);
    uart16550_receive_break(u);
    uart16550_receive(u, (const uint8_t *)"b", 1);
    advance(3 * CT1);
    /* 'a' on top: no error yet, but LSR7 says an error is in the FIFO. */
    ck_assert_uint_eq(rd(UART_LSR) & 0x9F, 0x81);
    ck_assert_uint_eq(rd(UART_RBR), 'a');
    /* The break character reaches the top: BI, line status interrupt. */
    ck_assert_int_eq(irq_level, 1);
    ck_assert_uint_eq(rd(UART_IIR), 0xC6);
    ck_assert_uint_eq(rd(UART_LSR) & 0x9F, 0x91);
    ck_assert_uint_eq(rd(UART_LSR) & 0x9F, 0x01); /* reported once */
    ck_assert_uint_eq(rd(UART_RBR), 0x00);
    ck_assert_uint_eq(rd(UART_RBR), 'b');
}
END_TEST

/* ---- interrupt identification ---- */

START_TEST(test_iir_priorities)
{
    /* Build every source at once in loopback: overrun (line status), data at
     * the trigger, THRE, and a modem status delta. */
    wr(UART_IIR, 0x01); /* trigger 1 */
    wr(UART_MCR, MCR_LOOP | MCR_OUT2);
    rd(UART_MSR); /* deltas from entering loopback (DCD from OUT2 etc.) */
    for (int i = 0; i < 17; i++)
        wr(UART_RBR, (uint8_t)i);
    advance(17 * CT1);
    wr(UART_MCR, MCR_LOOP | MCR_OUT2 | MCR_RTS); /* DCTS */
    wr(UART_IER, 0x0F);
    ck_assert_int_eq(irq_level, 1);
    ck_assert_uint_eq(rd(UART_IIR), 0xC6); /* line status first */
    ck_assert_uint_eq(rd(UART_IIR), 0xC6); /* reading IIR does not clear it */
    rd(UART_LSR);
    ck_assert_uint_eq(rd(UART_IIR), 0xC4); /* then received data */
    for (int i = 0; i < 16; i++)
        rd(UART_RBR);
    ck_assert_uint_eq(rd(UART_IIR), 0xC2); /* then THRE ... */
    ck_assert_uint_eq(rd(UART_IIR), 0xC0); /* ... reset by that read: modem status */
    ck_assert_int_eq(irq_level, 1);
    ck_assert_uint_eq(rd(UART_MSR) & 0x0F, 0x01);
    ck_assert_uint_eq(rd(UART_IIR), 0xC1);
    ck_assert_int_eq(irq_level, 0);
    /* Disabled sources do not show. */
    wr(UART_IER, 0x00);
    wr(UART_MCR, MCR_LOOP | MCR_OUT2);
    ck_assert_uint_eq(rd(UART_IIR), 0xC1);
    wr(UART_IER, 0x08);
    ck_assert_uint_eq(rd(UART_IIR), 0xC0);
}
END_TEST

START_TEST(test_msr_loopback_deltas)
{
    ck_assert_uint_eq(rd(UART_MSR), 0xB0);
    wr(UART_MCR, MCR_LOOP); /* all outputs off: CTS, DSR, DCD drop */
    ck_assert_uint_eq(rd(UART_MSR), 0x0B); /* DCTS DDSR DDCD, no TERI */
    ck_assert_uint_eq(rd(UART_MSR), 0x00);
    wr(UART_MCR, MCR_LOOP | MCR_RTS);
    ck_assert_uint_eq(rd(UART_MSR), 0x11); /* CTS + DCTS */
    wr(UART_MCR, MCR_LOOP | MCR_RTS | MCR_DTR);
    ck_assert_uint_eq(rd(UART_MSR), 0x32); /* + DSR, DDSR */
    wr(UART_MCR, MCR_LOOP | MCR_RTS | MCR_DTR | MCR_OUT1);
    ck_assert_uint_eq(rd(UART_MSR), 0x70); /* RI rising: no TERI */
    wr(UART_MCR, MCR_LOOP | MCR_RTS | MCR_DTR);
    ck_assert_uint_eq(rd(UART_MSR), 0x34); /* RI trailing edge: TERI */
    wr(UART_MCR, MCR_LOOP | MCR_OUT2);
    ck_assert_uint_eq(rd(UART_MSR), 0x8B); /* DCD up; CTS, DSR down */
    /* The modem status interrupt, gated by OUT2 (set here). */
    wr(UART_IER, 0x08);
    ck_assert_int_eq(irq_level, 0);
    wr(UART_MCR, MCR_LOOP | MCR_OUT2 | MCR_DTR);
    ck_assert_int_eq(irq_level, 1);
    ck_assert_uint_eq(rd(UART_IIR), 0x00);
    ck_assert_uint_eq(rd(UART_MSR), 0xA2);
    ck_assert_int_eq(irq_level, 0);
    /* Outside loopback, the host's lines. */
    wr(UART_MCR, MCR_OUT2);
    rd(UART_MSR);
    uart16550_set_modem_inputs(u, UART_MSR_CTS | UART_MSR_RI);
    ck_assert_int_eq(irq_level, 1);
    ck_assert_uint_eq(rd(UART_MSR), 0x5A); /* CTS RI; DDSR DDCD */
}
END_TEST

START_TEST(test_out2_gates_irq)
{
    wr(UART_IER, 0x02); /* THRE pending */
    ck_assert_uint_eq(rd(UART_IIR) & 0x0F, 0x02); /* pending inside the chip (and now reset) */
    wr(UART_IER, 0x00);
    wr(UART_IER, 0x02);
    ck_assert_int_eq(irq_level, 0);
    wr(UART_MCR, MCR_OUT2);
    ck_assert_int_eq(irq_level, 1);
    wr(UART_MCR, MCR_DTR | MCR_RTS);
    ck_assert_int_eq(irq_level, 0);
    wr(UART_MCR, MCR_DTR | MCR_RTS | MCR_OUT2);
    ck_assert_int_eq(irq_level, 1);
    ck_assert_int_eq(irq_rises, 2);
}
END_TEST

START_TEST(test_fcr_resets_and_reset)
{
    wr(UART_IIR, 0x01);
    uart16550_receive(u, (const uint8_t *)"abcd", 4);
    advance(4 * CT1);
    ck_assert_uint_eq(rd(UART_LSR) & 0x01, 1);
    wr(UART_IIR, 0x03); /* clear RX FIFO */
    ck_assert_uint_eq(rd(UART_LSR) & 0x01, 0);
    ck_assert_uint_eq(rd(UART_IIR) & 0xC0, 0xC0);
    wr(UART_IIR, 0x00); /* FIFOs off: IIR bits 6-7 clear */
    ck_assert_uint_eq(rd(UART_IIR) & 0xC0, 0x00);
    /* FCR bits other than 0 are ignored while writing FCR0 = 0. */
    wr(UART_IIR, 0xC0);
    ck_assert_uint_eq(rd(UART_IIR), 0x01);
    /* TX FIFO reset: THRE at once, the byte in the shift register still leaves. */
    wr(UART_IIR, 0x01);
    wr(UART_RBR, '1');
    wr(UART_RBR, '2');
    wr(UART_RBR, '3');
    wr(UART_IIR, 0x05);
    ck_assert_uint_eq(rd(UART_LSR) & 0x60, 0x20);
    advance(5 * CT1);
    ck_assert_uint_eq(chardev_memory_pending(mem), 1);
    /* Device reset. */
    wr(UART_IER, 0x0F);
    wr(UART_MCR, 0x1F);
    wr(UART_SCR, 0x42);
    uart16550_desc.reset(u);
    ck_assert_uint_eq(rd(UART_IER), 0);
    ck_assert_uint_eq(rd(UART_MCR), 0);
    ck_assert_uint_eq(rd(UART_IIR), 0x01);
    ck_assert_uint_eq(rd(UART_LSR), 0x60);
    ck_assert_uint_eq(rd(UART_SCR), 0x42);
    ck_assert_int_eq(irq_level, 0);
}
END_TEST

/* Whatever a guest writes, nothing breaks and the clock stays sane. */
START_TEST(test_random_pokes)
{
    uint32_t x = 12345;
    for (int i = 0; i < 200000; i++) {
        x = x * 1103515245 + 12345;
        unsigned reg = (x >> 16) & 7;
        if (x & 0x80000000u) {
            uint8_t v = (uint8_t)(x >> 8);
            if (reg == UART_LCR)
                v &= 0x7F | (x & 0x100 ? 0x80 : 0); /* DLAB sometimes */
            wr(reg, v);
        } else {
            rd(reg);
        }
        if ((i & 63) == 0) {
            uint8_t b = (uint8_t)x;
            uart16550_receive(u, &b, 1);
            advance((x >> 4) & 0xFFFF);
        }
    }
    uint8_t out[256];
    while (chardev_memory_take(mem, out, sizeof(out)))
        continue;
    FILE *f = fopen("/dev/null", "w");
    uart16550_desc.info(u, f);
    fclose(f);
}
END_TEST

/* ---- chardevs ---- */

struct sink {
    uint8_t buf[256]; /* delivered bytes */
    size_t len;       /* bytes delivered */
};

static void sink_deliver(void *opaque, const uint8_t *buf, size_t len)
{
    struct sink *k = opaque;
    if (k->len + len > sizeof(k->buf))
        ck_abort_msg("sink overflow");
    memcpy(k->buf + k->len, buf, len);
    k->len += len;
}

START_TEST(test_spec_syntax)
{
    static const char *good[] = {"stdio", "null", "none", "file:/tmp/x", "tcp:127.0.0.1:4555",
                                 "tcp::4555,server,nowait", "tcp:localhost:1,server=on,wait=off",
                                 "tcp:0.0.0.0:4555,server", "stdio,signal=on"};
    static const char *bad[] = {"", "file:", "tcp:", "tcp:host", "tcp:127.0.0.1:", "tcp::4555",
                                "tcp:h:12x", "tcp:h:1,telnet", "pty", "stdio,foo"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        if (!chardev_spec_valid(good[i]))
            ck_abort_msg("'%s' rejected", good[i]);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (chardev_spec_valid(bad[i]))
            ck_abort_msg("'%s' accepted", bad[i]);
    ck_assert(chardev_spec_is_none("none"));
    ck_assert(!chardev_spec_is_none("null"));
    char err[256];
    ck_assert_ptr_null(chardev_open("bogus", err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "bogus"));
}
END_TEST

/* The stdio escape, with a pipe standing in for stdin (not a terminal, so
 * no raw mode is involved). */
START_TEST(test_stdio_escape)
{
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    int saved = dup(STDIN_FILENO);
    dup2(p[0], STDIN_FILENO);
    close(p[0]);
    char err[256];
    struct chardev *cd = chardev_open("stdio", err, sizeof(err));
    ck_assert_ptr_nonnull(cd);
    struct sink k = {.len = 0};
    ck_assert_uint_eq(chardev_poll(cd, 64, sink_deliver, &k), 0); /* nothing yet, no block */
    ck_assert_int_eq(write(p[1], "ab\x01\x01" "c\x01" "bd\x01q", 10), 10);
    unsigned ev = chardev_poll(cd, 64, sink_deliver, &k);
    ck_assert_uint_eq(ev, CHARDEV_EV_BREAK); /* after "ab\x01c" */
    ck_assert_uint_eq(k.len, 4);
    ck_assert_int_eq(memcmp(k.buf, "ab\x01" "c", 4), 0);
    ev = chardev_poll(cd, 64, sink_deliver, &k); /* "d", unknown escape dropped */
    ck_assert_uint_eq(ev, 0);
    ck_assert_uint_eq(k.len, 5);
    ck_assert_uint_eq(k.buf[4], 'd');
    /* max is obeyed. */
    ck_assert_int_eq(write(p[1], "0123456789", 10), 10);
    chardev_poll(cd, 3, sink_deliver, &k);
    ck_assert_uint_eq(k.len, 8);
    chardev_poll(cd, 100, sink_deliver, &k);
    ck_assert_uint_eq(k.len, 15);
    ck_assert_int_eq(memcmp(k.buf + 5, "0123456789", 10), 0);
    ck_assert_int_eq(write(p[1], "\x01x", 2), 2);
    ev = chardev_poll(cd, 64, sink_deliver, &k);
    ck_assert_uint_eq(ev, CHARDEV_EV_QUIT);
    ck_assert(chardev_quit_requested(cd));
    chardev_close(cd);
    close(p[1]);
    dup2(saved, STDIN_FILENO);
    close(saved);
}
END_TEST

static uint16_t free_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    ck_assert_int_eq(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
    getsockname(s, (struct sockaddr *)&a, &len);
    close(s);
    return ntohs(a.sin_port);
}

static int connect_to(uint16_t port)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    ck_assert_int_eq(connect(s, (struct sockaddr *)&a, sizeof(a)), 0);
    return s;
}

/* Read exactly len bytes within 2 s. */
static void recv_exact(int s, uint8_t *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        struct pollfd p = {.fd = s, .events = POLLIN};
        if (poll(&p, 1, 2000) != 1)
            ck_abort_msg("timed out after %zu of %zu bytes", got, len);
        ssize_t n = recv(s, buf + got, len - got, 0);
        if (n <= 0)
            ck_abort_msg("connection closed");
        got += (size_t)n;
    }
}

/* Poll the UART until n host bytes reached its RBR, within 2 s. */
static void uart_read_host(struct uart16550 *uu, uint8_t *buf, size_t n)
{
    size_t got = 0;
    for (int i = 0; i < 2000 && got < n; i++) {
        uart16550_poll(uu);
        advance(20 * CT1);
        while (got < n && (rd(UART_LSR) & 1))
            buf[got++] = rd(UART_RBR);
        if (got < n)
            usleep(1000);
    }
    if (got != n)
        ck_abort_msg("only %zu of %zu bytes arrived", got, n);
}

START_TEST(test_tcp_server)
{
    uint16_t port = free_port();
    char spec[64], err[256];
    snprintf(spec, sizeof(spec), "tcp:127.0.0.1:%u,server,nowait", port);
    struct chardev *cd = chardev_open(spec, err, sizeof(err));
    ck_assert_msg(cd != NULL, "%s", err);
    ck_assert(!chardev_connected(cd));
    struct irq_line none = {0};
    uart16550_desc.destroy(u);
    u = uart16550_create(bus, sched, BASE, none, cd);
    set_divisor(1, LCR_8N1);
    wr(UART_IIR, 0x07);
    /* Output with no client is dropped, not blocking. */
    wr(UART_RBR, '!');
    advance(CT1);
    ck_assert_uint_eq(chardev_dropped(cd), 1);
    for (int round = 0; round < 2; round++) { /* a second client after the first leaves */
        int c = connect_to(port);
        for (int i = 0; i < 2000 && !chardev_connected(cd); i++) {
            uart16550_poll(u);
            if (!chardev_connected(cd))
                usleep(1000);
        }
        ck_assert(chardev_connected(cd));
        const char *msg = round ? "again" : "hello";
        ck_assert_int_eq(send(c, msg, 5, 0), 5);
        uint8_t in[5];
        uart_read_host(u, in, 5);
        ck_assert_int_eq(memcmp(in, msg, 5), 0);
        for (int i = 0; i < 5; i++)
            wr(UART_RBR, (uint8_t)('0' + i));
        advance(5 * CT1);
        uint8_t out[5];
        recv_exact(c, out, 5);
        ck_assert_int_eq(memcmp(out, "01234", 5), 0);
        close(c);
        for (int i = 0; i < 2000 && chardev_connected(cd); i++) {
            uart16550_poll(u);
            if (chardev_connected(cd))
                usleep(1000);
        }
        ck_assert(!chardev_connected(cd));
    }
    uart16550_desc.destroy(u);
    u = uart16550_create(bus, sched, BASE, none, mem);
    chardev_close(cd);
}
END_TEST

START_TEST(test_tcp_client)
{
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    ck_assert_int_eq(bind(ls, (struct sockaddr *)&a, sizeof(a)), 0);
    ck_assert_int_eq(listen(ls, 1), 0);
    getsockname(ls, (struct sockaddr *)&a, &len);
    char spec[64], err[256];
    snprintf(spec, sizeof(spec), "tcp:127.0.0.1:%u", ntohs(a.sin_port));
    struct chardev *cd = chardev_open(spec, err, sizeof(err));
    ck_assert_msg(cd != NULL, "%s", err);
    int c = accept(ls, NULL, NULL);
    ck_assert_int_ge(c, 0);
    chardev_write(cd, (const uint8_t *)"ping", 4);
    uint8_t out[4];
    recv_exact(c, out, 4);
    ck_assert_int_eq(memcmp(out, "ping", 4), 0);
    ck_assert_int_eq(send(c, "pong", 4, 0), 4);
    struct sink k = {.len = 0};
    for (int i = 0; i < 2000 && k.len < 4; i++) {
        chardev_poll(cd, 64, sink_deliver, &k);
        if (k.len < 4)
            usleep(1000);
    }
    ck_assert_uint_eq(k.len, 4);
    ck_assert_int_eq(memcmp(k.buf, "pong", 4), 0);
    close(c);
    chardev_close(cd);
    /* Nobody listening now: a clear error. */
    close(ls);
    ck_assert_ptr_null(chardev_open(spec, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, spec));
}
END_TEST

static Suite *uart_suite(void)
{
    Suite *s = suite_create("uart16550");
    TCase *tc = tcase_create("uart");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_reset_values);
    tcase_add_test(tc, test_divisor_and_lcr);
    tcase_add_test(tc, test_char_time_follows_lcr);
    tcase_add_test(tc, test_tx_at_baud_rate);
    tcase_add_test(tc, test_tx_full_fifo_drops_and_16450_overwrite);
    tcase_add_test(tc, test_thre_interrupt);
    tcase_add_test(tc, test_loopback_tx_to_rx);
    tcase_add_test(tc, test_fifo_trigger_levels);
    tcase_add_test(tc, test_timeout_interrupt);
    tcase_add_test(tc, test_overrun);
    tcase_add_test(tc, test_host_queue_no_loss);
    tcase_add_test(tc, test_host_break);
    tcase_add_test(tc, test_iir_priorities);
    tcase_add_test(tc, test_msr_loopback_deltas);
    tcase_add_test(tc, test_out2_gates_irq);
    tcase_add_test(tc, test_fcr_resets_and_reset);
    tcase_add_test(tc, test_random_pokes);
    tcase_add_test(tc, test_spec_syntax);
    tcase_add_test(tc, test_stdio_escape);
    tcase_add_test(tc, test_tcp_server);
    tcase_add_test(tc, test_tcp_client);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(uart_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

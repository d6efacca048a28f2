/*
 * uart16550.h - National Semiconductor PC16550D UART (COM1-COM4).
 */
#ifndef CINDER_DEVICES_UART16550_H
#define CINDER_DEVICES_UART16550_H

#include <stddef.h>
#include <stdint.h>

#include "devices/device.h"
#include "mem/irq.h"

struct bus;
struct sched;
struct chardev;

/* The PC's serial ports (IBM PC/AT BIOS convention). */
#define UART16550_COM1_BASE 0x3F8
#define UART16550_COM2_BASE 0x2F8
#define UART16550_COM3_BASE 0x3E8
#define UART16550_COM4_BASE 0x2E8
#define UART16550_COM1_IRQ 4
#define UART16550_COM2_IRQ 3
#define UART16550_COM3_IRQ 4
#define UART16550_COM4_IRQ 3

#define UART16550_CLOCK_HZ 1843200u  /* the PC's crystal: divisor 1 = 115200 baud */
#define UART16550_HOSTQ_SIZE 4096u   /* host bytes held while the RX FIFO is full */

/* Register offsets from the base. */
enum {
    UART_RBR = 0, /* read, DLAB=0: receiver buffer; write: THR; DLAB=1: DLL */
    UART_IER = 1, /* DLAB=0: interrupt enable; DLAB=1: DLM */
    UART_IIR = 2, /* read: interrupt identification; write: FCR */
    UART_LCR = 3,
    UART_MCR = 4,
    UART_LSR = 5,
    UART_MSR = 6,
    UART_SCR = 7,
};

/* MSR input lines (bits 4-7), for uart16550_set_modem_inputs. */
enum {
    UART_MSR_CTS = 0x10,
    UART_MSR_DSR = 0x20,
    UART_MSR_RI = 0x40,
    UART_MSR_DCD = 0x80,
};

struct uart16550;
extern const struct device_desc uart16550_desc;

/*
 * Map 8 ports at base.  irq is the IRQ wire (the chip's INTRPT gated by OUT2,
 * as the PC's serial cards do).  cd is the host end (not owned; NULL: output
 * discarded, no input).  NULL if the ports are taken or out of memory.
 */
struct uart16550 *uart16550_create(struct bus *bus, struct sched *sched, uint16_t base,
                                   struct irq_line irq, struct chardev *cd);

/* Host bytes for the receiver: queued (up to UART16550_HOSTQ_SIZE) and moved
 * into the RX FIFO at the line rate as it has room.  Returns bytes accepted. */
size_t uart16550_receive(struct uart16550 *s, const uint8_t *buf, size_t len);
/* A break condition from the host (one character time of spacing): queued
 * after the bytes already received; arrives as a 0 byte with LSR.BI. */
void uart16550_receive_break(struct uart16550 *s);
/* Room left in the host queue. */
size_t uart16550_receive_room(const struct uart16550 *s);

/* Pull input from the chardev (as much as the host queue takes), flush its
 * output.  Call between CPU slices and after waking from idle.  Returns the
 * chardev's CHARDEV_EV_* bits (QUIT: the user typed Ctrl-A x). */
unsigned uart16550_poll(struct uart16550 *s);

/* Modem input lines (UART_MSR_CTS|DSR|RI|DCD) outside loopback.  Default:
 * CTS, DSR and DCD asserted (a null-modem cable to a ready host). */
void uart16550_set_modem_inputs(struct uart16550 *s, uint8_t lines);

/* Upper bound on one character time in ns, 0 for none (the default: the
 * programmed baud rate is obeyed exactly).  A board may cap it so that a
 * guest console at 9600 baud does not slow a boot. */
void uart16550_set_max_char_ns(struct uart16550 *s, uint64_t ns);

#endif

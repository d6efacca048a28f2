/*
 * pic8259.h - the PC/AT pair of 8259A programmable interrupt controllers
 * (master at 0x20/0x21, slave at 0xA0/0xA1 on master IR2) plus the PIIX
 * edge/level control registers (ELCR) at 0x4D0/0x4D1.
 *
 * Devices get their wires from pic8259_irq(); the CPU gets the INTR pin
 * through the cpu_intr callback given at creation and acknowledges with
 * pic8259_ack() (pic8259_cpu_ack() has the struct cpu_irq_ack signature).
 */
#ifndef CINDER_DEVICES_PIC8259_H
#define CINDER_DEVICES_PIC8259_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/device.h"
#include "mem/irq.h"

struct bus;

#define PIC8259_MASTER_BASE 0x20 /* command (A0=0) and data (A0=1) ports of the master */
#define PIC8259_SLAVE_BASE 0xA0  /* same for the slave */
#define PIC8259_ELCR_BASE 0x4D0  /* ELCR1 (IRQ 0-7), ELCR2 (IRQ 8-15) */
#define PIC8259_CASCADE_IR 2     /* master input the slave's INT drives */
#define PIC8259_ELCR1_MASK 0xF8  /* writable ELCR1 bits: IRQ 0, 1, 2 always edge */
#define PIC8259_ELCR2_MASK 0xDE  /* writable ELCR2 bits: IRQ 8 and 13 always edge */

struct pic8259;
extern const struct device_desc pic8259_desc;

/* Map ports 0x20-0x21, 0xA0-0xA1 and 0x4D0-0x4D1.  cpu_intr(cpu_opaque, level)
 * is called each time the INTR output changes level (never twice with the
 * same level).  NULL (nothing mapped) on overlap or out of memory. */
struct pic8259 *pic8259_create(struct bus *bus, void (*cpu_intr)(void *opaque, bool level),
                               void *cpu_opaque);

/* The wire for ISA IRQ n (0-15).  set(level): a level-triggered line (ELCR bit
 * set) requests while high; an edge-triggered line latches a request on each
 * 0->1 transition.  IRQ 2 is the cascade on the AT; its wire is the ISA bus's
 * IRQ2 pin, which the AT routes to IRQ 9 (ORed with the IRQ 9 wire).  An n
 * outside 0-15 gives a disconnected wire. */
struct irq_line pic8259_irq(struct pic8259 *s, int n);

/* The CPU's interrupt acknowledge cycle: returns the vector (0-255) and
 * updates ISR/IRR (auto-EOI, rotation, cascade through the slave).  With no
 * valid request the chip answers with its spurious vector (base + 7) and sets
 * no ISR bit. */
int pic8259_ack(struct pic8259 *s);
int pic8259_cpu_ack(void *opaque); /* pic8259_ack for struct cpu_irq_ack */

bool pic8259_intr(const struct pic8259 *s); /* current INTR output level */

#endif

/*
 * pit8254.h - Intel 8254 programmable interval timer (PC ports 0x40-0x43).
 *
 * Counter 0's OUT drives IRQ 0; counter 1 is the DRAM refresh timer (its OUT
 * goes nowhere here: port 0x61 derives the refresh bit from the clock);
 * counter 2's GATE comes from port 0x61 bit 0 and its OUT feeds the speaker
 * and port 0x61 bit 5 (devices/port61.c).
 */
#ifndef CINDER_DEVICES_PIT8254_H
#define CINDER_DEVICES_PIT8254_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/device.h"
#include "mem/irq.h"

struct bus;
struct sched;

#define PIT8254_IOBASE 0x40
#define PIT8254_FREQ_HZ 1193182u /* input clock, 14.31818 MHz / 12 */

struct pit8254;
extern const struct device_desc pit8254_desc;

/* Map ports base..base+3.  out0 is counter 0's OUT (IRQ 0 on a PC).  NULL if
 * the ports are taken or out of memory.  Gates start high. */
struct pit8254 *pit8254_create(struct bus *bus, struct sched *sched, uint16_t base,
                               struct irq_line out0);
/* GATE input of counter 0-2 (the PC ties 0 and 1 high; 2 comes from port 0x61). */
void pit8254_set_gate(struct pit8254 *s, int counter, bool level);
/* OUT of counter 0-2 at the current virtual time. */
bool pit8254_out(struct pit8254 *s, int counter);

/* Conversions between virtual ns and absolute input-clock ticks (tick n is the
 * n-th rising CLK edge after power-on, at pit8254_tick_ns(n)).  Exact integer
 * arithmetic, so that periodic edges never drift; exported for tests. */
int64_t pit8254_ns_to_tick(uint64_t ns); /* last tick at or before ns */
uint64_t pit8254_tick_ns(int64_t tick);  /* virtual ns of tick (first ns at or after it) */

#endif

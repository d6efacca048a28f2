/*
 * pic8259_test.c - the dual 8259A and the ELCR, driven through the bus only
 * (ports 0x20/0x21, 0xA0/0xA1, 0x4D0/0x4D1), the IRQ wires the PIC hands out,
 * and the acknowledge the CPU would run.  The INTR output is captured by a
 * fake CPU that counts every call and fails on a repeated level.
 *
 * The PIC has no timers, so no clock is needed; every scenario is a sequence
 * of port accesses, wire changes and acknowledges.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pic8259.h"
#include "mem/bus.h"

static struct bus *bus;
static struct pic8259 *pic;
static bool intr;        /* INTR as the fake CPU sees it */
static int intr_calls;   /* callback invocations */
static int intr_rises;   /* 0->1 transitions */
static bool intr_repeat; /* callback called with an unchanged level */

static void cpu_intr(void *opaque, bool level)
{
    ck_assert_ptr_eq(opaque, &intr);
    if (level == intr) intr_repeat = true;
    intr = level;
    intr_calls++;
    if (level) intr_rises++;
}

static void setup(void)
{
    bus = bus_create();
    ck_assert_ptr_nonnull(bus);
    intr = false;
    intr_calls = intr_rises = 0;
    intr_repeat = false;
    pic = pic8259_create(bus, cpu_intr, &intr);
    ck_assert_ptr_nonnull(pic);
}

static void teardown(void)
{
    ck_assert_msg(!intr_repeat, "INTR callback repeated a level");
    pic8259_desc.destroy(pic);
    bus_destroy(bus);
}

static void out(uint16_t port, uint8_t v)
{
    bus_port_write(bus, port, v, 1);
}
static uint8_t in(uint16_t port)
{
    return (uint8_t)bus_port_read(bus, port, 1);
}
static void wire(int n, int level)
{
    struct irq_line l = pic8259_irq(pic, n);
    irq_set(&l, level);
}
static void pulse(int n)
{
    struct irq_line l = pic8259_irq(pic, n);
    irq_pulse(&l);
}
static uint8_t read_irr(uint16_t cmd)
{
    out(cmd, 0x0A);
    return in(cmd);
}
static uint8_t read_isr(uint16_t cmd)
{
    out(cmd, 0x0B);
    uint8_t v = in(cmd);
    out(cmd, 0x0A);
    return v;
}

/* arch/x86/kernel/i8259.c: probe, then init_8259A(auto_eoi). */
static void init_linux(bool auto_eoi)
{
    out(0xA1, 0xFF);
    out(0x21, 0xFB);
    ck_assert_uint_eq(in(0x21), 0xFB); /* probe: the IMR reads back */
    out(0x21, 0xFF);
    out(0xA1, 0xFF);
    out(0x20, 0x11);
    out(0x21, 0x30);
    out(0x21, 0x04);
    out(0x21, auto_eoi ? 0x03 : 0x01);
    out(0xA0, 0x11);
    out(0xA1, 0x38);
    out(0xA1, 0x02);
    out(0xA1, 0x01);
    out(0x21, 0xFB); /* all masked but the cascade */
    out(0xA1, 0xFF);
}

/* SeaBIOS src/hw/pic.c pic_setup: vectors 0x08 and 0x70, cascade unmasked. */
static void init_seabios(void)
{
    out(0x20, 0x11);
    out(0x21, 0x08);
    out(0x21, 0x04);
    out(0x21, 0x01);
    out(0xA0, 0x11);
    out(0xA1, 0x70);
    out(0xA1, 0x02);
    out(0xA1, 0x01);
    out(0x21, 0xFB);
    out(0xA1, 0xFF);
}

/* ---------------------------------------------------------------- reset */

START_TEST(test_reset_state)
{
    ck_assert(!intr);
    ck_assert(!pic8259_intr(pic));
    ck_assert_uint_eq(in(0x21), 0xFF);
    ck_assert_uint_eq(in(0xA1), 0xFF);
    ck_assert_uint_eq(in(0x20), 0x00); /* IRR */
    ck_assert_uint_eq(read_isr(0x20), 0x00);
    ck_assert_uint_eq(read_isr(0xA0), 0x00);
    ck_assert_uint_eq(in(0x4D0), 0x00);
    ck_assert_uint_eq(in(0x4D1), 0x00);
    /* Requests latch while masked but do not interrupt. */
    pulse(1);
    ck_assert_uint_eq(read_irr(0x20), 0x02);
    ck_assert(!intr);
    ck_assert_int_eq(intr_calls, 0);
    /* Usable out of reset: vector base 0, 8086 mode. */
    out(0x21, 0xF9); /* unmask 1 and 2 */
    ck_assert(intr);
    ck_assert_uint_eq(pic8259_ack(pic), 0x01);
    out(0x20, 0x20);
    /* Device reset: ISR and edge latches cleared, IMR back to all masked. */
    out(0x21, 0x00);
    pulse(3);
    pulse(4);
    ck_assert(intr);
    ck_assert_uint_eq(pic8259_ack(pic), 0x03);
    out(0x4D0, 0x20);
    pic8259_desc.reset(pic);
    ck_assert(!intr);
    ck_assert_uint_eq(in(0x21), 0xFF);
    ck_assert_uint_eq(read_irr(0x20), 0x00);
    ck_assert_uint_eq(read_isr(0x20), 0x00);
    ck_assert_uint_eq(in(0x4D0), 0x00);
}
END_TEST

START_TEST(test_create_overlap_and_destroy)
{
    ck_assert_ptr_null(pic8259_create(bus, cpu_intr, &intr)); /* ports taken */
    pic8259_desc.destroy(pic);
    ck_assert_uint_eq(in(0x20), 0xFF); /* unmapped now */
    ck_assert_uint_eq(in(0x4D0), 0xFF);
    pic = pic8259_create(bus, cpu_intr, &intr);
    ck_assert_ptr_nonnull(pic);
    struct irq_line bad = pic8259_irq(pic, 16);
    ck_assert_ptr_null(bad.set);
    irq_set(&bad, 1); /* no-op */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    pic8259_desc.info(pic, f);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "master"));
    ck_assert_ptr_nonnull(strstr(buf, "slave"));
    free(buf);
}
END_TEST

/* ------------------------------------------------------ init sequences */

START_TEST(test_linux_init)
{
    init_linux(false);
    ck_assert_uint_eq(in(0x21), 0xFB);
    ck_assert_uint_eq(in(0xA1), 0xFF);
    ck_assert_uint_eq(in(0x20), 0x00); /* reads IRR after ICW1 */
    /* Timer: unmask, pulse, acknowledge, specific EOI (0x60 + irq). */
    out(0x21, 0xFA);
    pulse(0);
    ck_assert(intr);
    ck_assert_uint_eq(pic8259_ack(pic), 0x30);
    ck_assert(!intr);
    ck_assert_uint_eq(read_isr(0x20), 0x01);
    out(0x20, 0x60);
    ck_assert_uint_eq(read_isr(0x20), 0x00);
    /* RTC on IRQ 8 through the slave: EOI slave 0x60, then master 0x62. */
    out(0xA1, 0xFE);
    pulse(8);
    ck_assert(intr);
    ck_assert_uint_eq(pic8259_ack(pic), 0x38);
    ck_assert(!intr);
    ck_assert_uint_eq(read_isr(0xA0), 0x01);
    ck_assert_uint_eq(read_isr(0x20), 0x04);
    out(0xA0, 0x60);
    out(0x20, 0x62);
    ck_assert_uint_eq(read_isr(0xA0), 0x00);
    ck_assert_uint_eq(read_isr(0x20), 0x00);
    ck_assert(!intr);
    ck_assert_int_eq(intr_rises, 2);
}
END_TEST

START_TEST(test_linux_auto_eoi)
{
    init_linux(true);
    out(0x21, 0xF8); /* 0, 1, 2 */
    out(0xA1, 0xFB); /* 10 */
    pulse(1);
    ck_assert_uint_eq(pic8259_ack(pic), 0x31);
    ck_assert_uint_eq(read_isr(0x20), 0x00); /* auto-EOI: nothing in service */
    ck_assert(!intr);
    /* Two slave requests back to back, no EOI at all: both delivered. */
    out(0xA0, 0x11);
    out(0xA1, 0x38);
    out(0xA1, 0x02);
    out(0xA1, 0x03); /* slave in auto-EOI too */
    out(0xA1, 0xEB); /* 10 and 12 */
    pulse(12);
    pulse(10);
    ck_assert(intr);
    ck_assert_uint_eq(pic8259_ack(pic), 0x3A);
    ck_assert(intr);
    ck_assert_uint_eq(pic8259_ack(pic), 0x3C);
    ck_assert(!intr);
    ck_assert_uint_eq(read_isr(0x20), 0x00);
    ck_assert_uint_eq(read_isr(0xA0), 0x00);
}
END_TEST

START_TEST(test_seabios_init)
{
    init_seabios();
    out(0x21, 0xFA); /* timer */
    wire(0, 1);
    ck_assert(intr);
    ck_assert_uint_eq(pic8259_ack(pic), 0x08);
    out(0x20, 0x20); /* non-specific EOI */
    wire(0, 0);
    ck_assert(!intr);
    /* IDE on IRQ 14: EOI slave then master, non-specific. */
    out(0xA1, 0xBF);
    wire(14, 1);
    ck_assert(intr);
    ck_assert_uint_eq(pic8259_ack(pic), 0x76);
    out(0xA0, 0x20);
    out(0x20, 0x20);
    ck_assert_uint_eq(read_isr(0x20), 0);
    ck_assert_uint_eq(read_isr(0xA0), 0);
    ck_assert(!intr); /* edge: holding the wire high does not re-request */
    wire(14, 0);
    wire(14, 1);
    ck_assert(intr);
    ck_assert_uint_eq(pic8259_ack(pic), 0x76);
}
END_TEST

START_TEST(test_single_mode_no_icw3)
{
    /* ICW1 single + IC4: ICW2, then ICW4, no ICW3. */
    out(0x20, 0x13);
    out(0x21, 0x48);
    out(0x21, 0x01);
    out(0x21, 0xAA); /* now OCW1 */
    ck_assert_uint_eq(in(0x21), 0xAA);
    out(0x21, 0x00);
    pulse(6);
    ck_assert_uint_eq(pic8259_ack(pic), 0x4E);
    out(0x20, 0x20);
    /* Single mode: IR2 (the slave's INT) is an ordinary input, the master
     * answers with its own vector and the slave is not asked. */
    out(0xA1, 0x00);
    pulse(8);
    ck_assert(intr);
    ck_assert_uint_eq(pic8259_ack(pic), 0x4A);
    ck_assert_uint_eq(read_isr(0xA0), 0x00);
    ck_assert_uint_eq(read_isr(0x20), 0x04);
    out(0x20, 0x20);
    /* Without IC4 the sequence ends at ICW2 (single) */
    out(0x20, 0x12);
    out(0x21, 0x50);
    out(0x21, 0x0F);
    ck_assert_uint_eq(in(0x21), 0x0F);
    ck_assert_uint_eq(read_isr(0x20), 0x00); /* ICW1 cleared ISR */
}
END_TEST

START_TEST(test_icw1_resets)
{
    init_seabios();
    out(0x21, 0x00);
    out(0xA1, 0x00);
    out(0x20, 0xC4); /* set priority: IR5 highest */
    out(0x20, 0x6B); /* special mask mode, read ISR */
    wire(3, 1);      /* high through the re-init */
    pulse(4);
    ck_assert(intr);
    out(0x20, 0x11);
    ck_assert(!intr);
    ck_assert_uint_eq(in(0x21), 0x00); /* IMR cleared */
    ck_assert_uint_eq(in(0x20), 0x00); /* reads IRR again; edge sense reset */
    out(0x21, 0x08);
    out(0x21, 0x04);
    out(0x21, 0x01);
    ck_assert(!intr); /* IR3 high but no new edge */
    wire(3, 0);
    wire(3, 1);
    pulse(7);
    ck_assert(intr);
    ck_assert_uint_eq(pic8259_ack(pic), 0x0B); /* IR0 highest again */
    ck_assert(!intr);                          /* not special mask any more */
}
END_TEST

/* ------------------------------------------------- masks and priority */

START_TEST(test_masking)
{
    init_seabios();
    pulse(5);
    ck_assert(!intr);
    ck_assert_uint_eq(read_irr(0x20), 0x20);
    out(0x21, 0xDB);
    ck_assert(intr);
    out(0x21, 0xFB);
    ck_assert(!intr);
    out(0x21, 0xDB);
    ck_assert(intr);
    ck_assert_int_eq(intr_rises, 2);
    /* Masking the cascade masks every slave input. */
    out(0x21, 0xFF);
    out(0xA1, 0x00);
    pulse(11);
    ck_assert(!intr);
    ck_assert_uint_eq(read_irr(0x20), 0x24); /* master sees IR2 requested */
    out(0x21, 0xFB);
    ck_assert(intr);
    ck_assert_uint_eq(pic8259_ack(pic), 0x73);
    /* Slave IMR holds the request back from the master altogether. */
    out(0xA0, 0x20);
    out(0x20, 0x20);
    out(0xA1, 0xFF);
    pulse(9);
    ck_assert(!intr);
    ck_assert_uint_eq(read_irr(0xA0), 0x02);
    ck_assert_uint_eq(read_irr(0x20) & 0x04, 0x00);
}
END_TEST

START_TEST(test_fully_nested_priority)
{
    init_seabios();
    out(0x21, 0x00);
    pulse(5);
    pulse(3);
    ck_assert_uint_eq(pic8259_ack(pic), 0x0B);
    ck_assert(!intr); /* 5 is below 3 in service */
    pulse(6);
    ck_assert(!intr);
    pulse(1);
    ck_assert(intr); /* 1 nests above 3 */
    ck_assert_uint_eq(pic8259_ack(pic), 0x09);
    ck_assert_uint_eq(read_isr(0x20), 0x0A);
    out(0x20, 0x20); /* clears 1, the highest in service */
    ck_assert_uint_eq(read_isr(0x20), 0x08);
    ck_assert(!intr);
    out(0x20, 0x20);
    ck_assert(intr);
    ck_assert_uint_eq(pic8259_ack(pic), 0x0D);
    out(0x20, 0x20);
    ck_assert_uint_eq(pic8259_ack(pic), 0x0E);
    out(0x20, 0x20);
    ck_assert(!intr);
    /* A request at the level in service waits for its EOI. */
    pulse(4);
    ck_assert_uint_eq(pic8259_ack(pic), 0x0C);
    pulse(4);
    ck_assert(!intr);
    out(0x20, 0x64);
    ck_assert(intr);
}
END_TEST

START_TEST(test_eoi_kinds)
{
    init_seabios();
    out(0x21, 0x00);
    pulse(6);
    ck_assert_uint_eq(pic8259_ack(pic), 0x0E);
    pulse(4);
    ck_assert_uint_eq(pic8259_ack(pic), 0x0C);
    pulse(2); /* ISA IRQ2 goes to IRQ 9, masked in the slave: nothing */
    ck_assert(!intr);
    ck_assert_uint_eq(read_isr(0x20), 0x50);
    out(0x20, 0x40); /* OCW2 no-op */
    ck_assert_uint_eq(read_isr(0x20), 0x50);
    out(0x20, 0x66); /* specific EOI of the lower one first */
    ck_assert_uint_eq(read_isr(0x20), 0x10);
    out(0x20, 0x61); /* specific EOI of a level not in service */
    ck_assert_uint_eq(read_isr(0x20), 0x10);
    out(0x20, 0x20);
    ck_assert_uint_eq(read_isr(0x20), 0x00);
    out(0x20, 0x20); /* nothing in service: harmless */
    ck_assert_uint_eq(read_isr(0x20), 0x00);
    ck_assert(!intr);
}
END_TEST

START_TEST(test_rotation)
{
    init_seabios();
    out(0x21, 0x00);
    /* Rotate on non-specific EOI: the serviced level becomes lowest. */
    pulse(0);
    pulse(1);
    ck_assert_uint_eq(pic8259_ack(pic), 0x08);
    out(0x20, 0xA0);
    pulse(0);
    ck_assert_uint_eq(pic8259_ack(pic), 0x09); /* 1 now beats 0 */
    out(0x20, 0xA0);                           /* 1 lowest: order 2..7,0,1 */
    pulse(1);
    pulse(7);
    ck_assert_uint_eq(pic8259_ack(pic), 0x0F);
    out(0x20, 0x20);
    ck_assert_uint_eq(pic8259_ack(pic), 0x08);
    out(0x20, 0x20);
    ck_assert_uint_eq(pic8259_ack(pic), 0x09);
    out(0x20, 0x20);
    ck_assert(!intr);
    /* Set priority: IR4 lowest, so IR5 highest; 6 beats 3. */
    out(0x20, 0xC4);
    pulse(3);
    pulse(6);
    ck_assert_uint_eq(pic8259_ack(pic), 0x0E);
    ck_assert(!intr); /* 3 is lower than 6 now */
    pulse(5);
    ck_assert(intr);
    ck_assert_uint_eq(pic8259_ack(pic), 0x0D);
    /* Non-specific EOI clears the highest in service under rotation: 5. */
    out(0x20, 0x20);
    ck_assert_uint_eq(read_isr(0x20), 0x40);
    /* Rotate on specific EOI: clear 6, make 2 lowest (3 highest). */
    /* Rotate on specific EOI: clear 6 and make it lowest (7 highest). */
    out(0x20, 0xE6);
    ck_assert_uint_eq(read_isr(0x20), 0x00);
    pulse(1);
    pulse(6);
    ck_assert_uint_eq(pic8259_ack(pic), 0x09); /* pending 1, 3, 6: order 7,0,1,... */
}
END_TEST

START_TEST(test_rotation_specific_order)
{
    init_seabios();
    out(0x21, 0x00);
    out(0x20, 0xC3); /* IR3 lowest: order 4,5,6,7,0,1,2,3 */
    pulse(3);
    pulse(1);
    pulse(0);
    pulse(4);
    ck_assert_uint_eq(pic8259_ack(pic), 0x0C);
    out(0x20, 0xE4); /* EOI 4 and make it lowest: order 5,6,7,0,1,2,3,4 */
    ck_assert_uint_eq(pic8259_ack(pic), 0x08);
    out(0x20, 0x20);
    ck_assert_uint_eq(pic8259_ack(pic), 0x09);
    out(0x20, 0x20);
    ck_assert_uint_eq(pic8259_ack(pic), 0x0B);
    out(0x20, 0x20);
    ck_assert(!intr);
}
END_TEST

START_TEST(test_rotate_in_auto_eoi)
{
    out(0x20, 0x11);
    out(0x21, 0x20);
    out(0x21, 0x04);
    out(0x21, 0x03); /* auto-EOI */
    out(0x21, 0x00);
    out(0x20, 0x80); /* rotate in AEOI: set */
    pulse(0);
    pulse(1);
    pulse(5);
    ck_assert_uint_eq(pic8259_ack(pic), 0x20);
    ck_assert_uint_eq(read_isr(0x20), 0x00);
    ck_assert(intr); /* auto-EOI: next one at once */
    ck_assert_uint_eq(pic8259_ack(pic), 0x21);
    pulse(0);
    ck_assert_uint_eq(pic8259_ack(pic), 0x25); /* 1 lowest now: 5 before 0 */
    ck_assert_uint_eq(pic8259_ack(pic), 0x20);
    ck_assert(!intr);
    out(0x20, 0x00); /* rotate in AEOI: clear */
    pulse(7);
    pulse(1); /* lowest is 0: 1 highest */
    ck_assert_uint_eq(pic8259_ack(pic), 0x21);
    pulse(3);
    ck_assert_uint_eq(pic8259_ack(pic), 0x23); /* no rotation: still 1..7,0 */
    ck_assert_uint_eq(pic8259_ack(pic), 0x27);
    ck_assert_uint_eq(read_isr(0x20), 0x00);
}
END_TEST

/* ------------------------------------------------------ edge and level */

START_TEST(test_elcr)
{
    out(0x4D0, 0xFF);
    out(0x4D1, 0xFF);
    ck_assert_uint_eq(in(0x4D0), PIC8259_ELCR1_MASK);
    ck_assert_uint_eq(in(0x4D1), PIC8259_ELCR2_MASK);
    bus_port_write(bus, 0x4D0, 0x0C20, 2);
    ck_assert_uint_eq(bus_port_read(bus, 0x4D0, 2), 0x0C20);
    /* IRQ 0, 1, 2, 8, 13 stay edge: a held-high IRQ 0 requests once. */
    init_seabios();
    out(0x21, 0xFA);
    out(0x4D0, 0x01);
    wire(0, 1);
    ck_assert_uint_eq(pic8259_ack(pic), 0x08);
    out(0x20, 0x20);
    ck_assert(!intr);
    wire(0, 0);
}
END_TEST

START_TEST(test_edge_latch)
{
    init_seabios();
    out(0x21, 0xFF);
    pulse(4); /* short pulse while masked: latched */
    ck_assert_uint_eq(read_irr(0x20), 0x10);
    out(0x21, 0xEF);
    ck_assert(intr);
    ck_assert_uint_eq(pic8259_ack(pic), 0x0C); /* not spurious: the latch held it */
    ck_assert_uint_eq(read_irr(0x20), 0x00);
    /* A new edge while in service is latched and delivered after EOI. */
    wire(4, 1);
    out(0x20, 0x20);
    ck_assert(intr);
    ck_assert_uint_eq(pic8259_ack(pic), 0x0C);
    out(0x20, 0x20);
    wire(4, 1); /* already high: repeated set(1) is no edge */
    wire(4, 1);
    ck_assert(!intr);
    ck_assert_uint_eq(read_irr(0x20), 0x00);
    /* Two edges before the acknowledge count once. */
    wire(4, 0);
    pulse(4);
    pulse(4);
    ck_assert_uint_eq(pic8259_ack(pic), 0x0C);
    out(0x20, 0x20);
    ck_assert(!intr);
}
END_TEST

START_TEST(test_level_triggered)
{
    init_seabios();
    out(0x4D0, 0x20); /* IRQ 5 level */
    out(0x4D1, 0x08); /* IRQ 11 level */
    out(0x21, 0xDB);
    out(0xA1, 0xF7);
    wire(5, 1);
    ck_assert(intr);
    ck_assert_uint_eq(pic8259_ack(pic), 0x0D);
    ck_assert(!intr);
    ck_assert_uint_eq(read_irr(0x20), 0x20); /* still requested */
    out(0x20, 0x20);
    ck_assert(intr); /* re-asserts after EOI while high */
    ck_assert_uint_eq(pic8259_ack(pic), 0x0D);
    wire(5, 0); /* handler quiets the device */
    ck_assert_uint_eq(read_irr(0x20), 0x00);
    out(0x20, 0x20);
    ck_assert(!intr);
    /* Level on the slave: the same through the cascade. */
    wire(11, 1);
    ck_assert_uint_eq(pic8259_ack(pic), 0x73);
    out(0xA0, 0x20);
    out(0x20, 0x20);
    ck_assert(intr);
    ck_assert_uint_eq(pic8259_ack(pic), 0x73);
    wire(11, 0);
    out(0xA0, 0x20);
    out(0x20, 0x20);
    ck_assert(!intr);
    /* Switching a high line to level makes it request; back to edge keeps the latch. */
    out(0x4D0, 0x00);
    wire(5, 1);
    ck_assert_uint_eq(pic8259_ack(pic), 0x0D);
    out(0x20, 0x20);
    ck_assert(!intr);
    out(0x4D0, 0x20);
    ck_assert(intr);
    out(0x4D0, 0x00);
    ck_assert(intr);
    ck_assert_uint_eq(pic8259_ack(pic), 0x0D);
}
END_TEST

/* ----------------------------------------------------- cascade, SFNM */

START_TEST(test_cascade)
{
    init_seabios();
    out(0xA1, 0x00);
    out(0x21, 0xFB);
    pulse(12);
    pulse(10);
    ck_assert_uint_eq(read_irr(0x20), 0x04);
    ck_assert_uint_eq(read_irr(0xA0), 0x14);
    ck_assert_uint_eq(pic8259_ack(pic), 0x72);
    ck_assert(!intr);
    ck_assert_uint_eq(read_isr(0xA0), 0x04);
    ck_assert_uint_eq(read_isr(0x20), 0x04);
    out(0xA0, 0x20);
    ck_assert(!intr); /* master ISR2 still blocks */
    out(0x20, 0x20);
    ck_assert(intr);
    ck_assert_uint_eq(pic8259_ack(pic), 0x74);
    out(0xA0, 0x20);
    out(0x20, 0x20);
    ck_assert(!intr);
    /* Master IR0/IR1 beat the cascade, IR3 loses to it. */
    out(0x21, 0xF0);
    pulse(3);
    pulse(15);
    pulse(1);
    ck_assert_uint_eq(pic8259_ack(pic), 0x09);
    out(0x20, 0x20);
    ck_assert_uint_eq(pic8259_ack(pic), 0x77);
    out(0xA0, 0x20);
    out(0x20, 0x20);
    ck_assert_uint_eq(pic8259_ack(pic), 0x0B);
    out(0x20, 0x20);
    ck_assert(!intr);
    /* ISA IRQ2 wire is IRQ 9 (ORed with the IRQ 9 wire). */
    wire(9, 1);
    ck_assert_uint_eq(pic8259_ack(pic), 0x71);
    out(0xA0, 0x20);
    out(0x20, 0x20);
    wire(2, 1); /* IR1 of the slave already high: no edge */
    ck_assert(!intr);
    wire(9, 0);
    wire(2, 0);
    wire(2, 1);
    ck_assert_uint_eq(pic8259_ack(pic), 0x71);
}
END_TEST

START_TEST(test_special_fully_nested)
{
    for (int sfnm = 0; sfnm < 2; sfnm++) {
        out(0x20, 0x11);
        out(0x21, 0x08);
        out(0x21, 0x04);
        out(0x21, sfnm ? 0x11 : 0x01);
        out(0xA0, 0x11);
        out(0xA1, 0x70);
        out(0xA1, 0x02);
        out(0xA1, 0x01);
        out(0x21, 0xFB);
        out(0xA1, 0x00);
        pulse(12);
        ck_assert_uint_eq(pic8259_ack(pic), 0x74);
        pulse(9); /* higher priority inside the same slave */
        ck_assert(intr == (sfnm != 0));
        if (sfnm) {
            ck_assert_uint_eq(pic8259_ack(pic), 0x71);
            ck_assert_uint_eq(read_isr(0xA0), 0x12);
            /* Software checks the slave's ISR before EOI'ing the master. */
            out(0xA0, 0x20);
            ck_assert_uint_eq(read_isr(0xA0), 0x10);
            out(0xA0, 0x20);
            ck_assert_uint_eq(read_isr(0xA0), 0x00);
            out(0x20, 0x20);
            ck_assert_uint_eq(read_isr(0x20), 0x00);
            pulse(13); /* lower than nothing in service: fine */
            ck_assert(intr);
            ck_assert_uint_eq(pic8259_ack(pic), 0x75);
            pulse(14); /* lower than 13 inside the slave: slave holds it */
            ck_assert(!intr);
        } else {
            out(0xA0, 0x20);
            ck_assert(!intr);
            out(0x20, 0x20);
            ck_assert(intr);
            ck_assert_uint_eq(pic8259_ack(pic), 0x71);
        }
    }
}
END_TEST

/* ------------------------------------------------------------- spurious */

START_TEST(test_spurious_7)
{
    init_linux(false);
    out(0x4D0, 0x20);
    out(0x21, 0xDB);
    wire(5, 1);
    ck_assert(intr);
    wire(5, 0); /* request vanishes before INTA */
    ck_assert(!intr);
    ck_assert_uint_eq(pic8259_ack(pic), 0x37);
    ck_assert_uint_eq(read_isr(0x20), 0x00); /* no ISR bit for a spurious IRQ 7 */
    /* A real IRQ 7 sets its ISR bit. */
    out(0x21, 0x5B);
    pulse(7);
    ck_assert_uint_eq(pic8259_ack(pic), 0x37);
    ck_assert_uint_eq(read_isr(0x20), 0x80);
    /* Nothing requested at all: spurious again, ISR untouched. */
    ck_assert_uint_eq(pic8259_ack(pic), 0x37);
    ck_assert_uint_eq(read_isr(0x20), 0x80);
}
END_TEST

START_TEST(test_spurious_15)
{
    init_linux(false);
    out(0x4D1, 0x04); /* IRQ 10 level */
    out(0xA1, 0xFB);
    wire(10, 1);
    ck_assert(intr);
    wire(10, 0);
    /* Master IR2 is edge-triggered: its latch still requests. */
    ck_assert(intr);
    ck_assert_uint_eq(read_irr(0xA0), 0x00);
    ck_assert_uint_eq(pic8259_ack(pic), 0x3F);
    ck_assert_uint_eq(read_isr(0xA0), 0x00); /* slave: no ISR bit */
    ck_assert_uint_eq(read_isr(0x20), 0x04); /* master: cascade in service */
    ck_assert(!intr);
    out(0x20, 0x62); /* Linux EOIs the master's cascade */
    ck_assert_uint_eq(read_isr(0x20), 0x00);
    ck_assert(!intr);
    wire(10, 1);
    ck_assert_uint_eq(pic8259_ack(pic), 0x3A);
}
END_TEST

/* ------------------------------------------- poll, special mask, reads */

START_TEST(test_poll)
{
    init_seabios();
    out(0x21, 0x00);
    out(0x20, 0x0C);
    ck_assert_uint_eq(in(0x20), 0x00); /* nothing requested */
    ck_assert_uint_eq(in(0x20), 0x00); /* plain IRR read again */
    pulse(6);
    pulse(3);
    out(0x20, 0x0C);
    ck_assert_uint_eq(in(0x20), 0x83);
    ck_assert(!intr); /* 3 in service, 6 below it */
    ck_assert_uint_eq(read_isr(0x20), 0x08);
    out(0x20, 0x20);
    ck_assert(intr);
    out(0x20, 0x0C);
    ck_assert_uint_eq(in(0x21), 0x86); /* the poll takes either port */
    ck_assert_uint_eq(in(0x21), 0x00); /* then A0=1 reads the IMR again */
    out(0x20, 0x20);
    /* Masked requests are not polled; poll wins over a read-register command. */
    out(0x21, 0x02);
    pulse(1);
    out(0x20, 0x0F);
    ck_assert_uint_eq(in(0x20), 0x00);
    ck_assert_uint_eq(in(0x20), 0x00); /* ISR selected by that OCW3 */
    out(0x20, 0x0A);
    ck_assert_uint_eq(in(0x20), 0x02);
    /* Poll the master for the cascade, then the slave. */
    out(0xA1, 0x00);
    pulse(13);
    out(0x20, 0x0C);
    ck_assert_uint_eq(in(0x20), 0x82);
    out(0xA0, 0x0C);
    ck_assert_uint_eq(in(0xA0), 0x85);
    ck_assert_uint_eq(read_isr(0xA0), 0x20);
    ck_assert_uint_eq(read_isr(0x20), 0x04);
}
END_TEST

START_TEST(test_special_mask)
{
    init_seabios();
    out(0x21, 0x00);
    pulse(3);
    ck_assert_uint_eq(pic8259_ack(pic), 0x0B);
    out(0x21, 0x08); /* mask own level */
    out(0x20, 0x68); /* set special mask mode */
    pulse(5);
    ck_assert(intr); /* lower level allowed */
    ck_assert_uint_eq(pic8259_ack(pic), 0x0D);
    ck_assert_uint_eq(read_isr(0x20), 0x28);
    pulse(5);
    ck_assert(!intr); /* in-service level blocks itself */
    pulse(6);
    ck_assert(intr);
    ck_assert_uint_eq(pic8259_ack(pic), 0x0E);
    /* Non-specific EOI skips masked ISR bits: clears 5, not 3. */
    out(0x20, 0x20);
    ck_assert_uint_eq(read_isr(0x20), 0x48);
    out(0x20, 0x20);
    ck_assert_uint_eq(read_isr(0x20), 0x08);
    out(0x20, 0x20); /* only masked 3 left: nothing cleared */
    ck_assert_uint_eq(read_isr(0x20), 0x08);
    /* Reset special mask mode: 3 in service blocks 5 again. */
    out(0x20, 0x48);
    ck_assert(!intr);
    out(0x21, 0x00);
    ck_assert(!intr);
    out(0x20, 0x63);
    ck_assert(intr);
    ck_assert_uint_eq(pic8259_ack(pic), 0x0D);
    /* OCW3 without ESMM leaves the mode alone. */
    out(0x20, 0x68);
    out(0x20, 0x28);
    out(0x21, 0x20);
    pulse(7);
    ck_assert(intr);
}
END_TEST

START_TEST(test_read_registers)
{
    init_seabios();
    out(0x21, 0x00);
    pulse(1);
    pulse(4);
    ck_assert_uint_eq(in(0x20), 0x12); /* IRR after ICW1 */
    ck_assert_uint_eq(pic8259_ack(pic), 0x09);
    out(0x20, 0x0B);
    ck_assert_uint_eq(in(0x20), 0x02);
    ck_assert_uint_eq(in(0x20), 0x02); /* selection persists */
    out(0x20, 0x08);                   /* OCW3 with RR = 0: no change */
    ck_assert_uint_eq(in(0x20), 0x02);
    ck_assert_uint_eq(in(0x21), 0x00); /* A0=1 always IMR */
    out(0x20, 0x0A);
    ck_assert_uint_eq(in(0x20), 0x10);
    /* Word access is split into bytes by the bus. */
    out(0x21, 0x5A);
    ck_assert_uint_eq(bus_port_read(bus, 0x20, 2), 0x5A10);
}
END_TEST

/* -------------------------------------------------- INTR and robustness */

START_TEST(test_intr_toggles)
{
    init_linux(false);
    int calls = intr_calls;
    out(0x21, 0x00);
    out(0xA1, 0x00);
    ck_assert_int_eq(intr_calls, calls); /* nothing pending: no call */
    pulse(3);
    ck_assert_int_eq(intr_calls, calls + 1);
    pulse(4); /* lower priority while INTR already high: no call */
    pulse(3);
    out(0x21, 0x00);
    out(0x20, 0x0B);
    ck_assert_int_eq(intr_calls, calls + 1);
    ck_assert_uint_eq(pic8259_ack(pic), 0x33);
    ck_assert_int_eq(intr_calls, calls + 2); /* low: 4 waits for 3 */
    pulse(1);
    ck_assert_int_eq(intr_calls, calls + 3);
    ck_assert_uint_eq(pic8259_ack(pic), 0x31);
    ck_assert_int_eq(intr_calls, calls + 4);
    out(0x20, 0x20);
    ck_assert_int_eq(intr_calls, calls + 4); /* 3 still in service */
    out(0x20, 0x20);
    ck_assert_int_eq(intr_calls, calls + 5); /* 4 now */
    ck_assert(intr);
    out(0x21, 0xFF);
    ck_assert_int_eq(intr_calls, calls + 6);
    out(0x21, 0xFF);
    ck_assert_int_eq(intr_calls, calls + 6);
    ck_assert(!intr);
}
END_TEST

static uint32_t rng = 12345;
static uint32_t rnd(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
}

START_TEST(test_fuzz)
{
    static const uint16_t ports[] = {0x20, 0x21, 0xA0, 0xA1, 0x4D0, 0x4D1};
    for (int i = 0; i < 200000; i++) {
        uint32_t r = rnd();
        switch (r % 5) {
        case 0:
        case 1: out(ports[(r >> 4) % 6], (uint8_t)(r >> 12)); break;
        case 2: (void)in(ports[(r >> 4) % 6]); break;
        case 3: wire((r >> 4) & 15, (r >> 9) & 1); break;
        default: {
            int v = pic8259_ack(pic);
            if (v < 0 || v > 255) ck_abort_msg("vector %d out of range", v);
        }
        }
        if (intr != pic8259_intr(pic))
            ck_abort_msg("callback level %d != INTR %d at step %d", intr, pic8259_intr(pic), i);
        if (intr_repeat) ck_abort_msg("INTR callback repeated a level at step %d", i);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pic8259");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_reset_state);
    tcase_add_test(tc, test_create_overlap_and_destroy);
    tcase_add_test(tc, test_linux_init);
    tcase_add_test(tc, test_linux_auto_eoi);
    tcase_add_test(tc, test_seabios_init);
    tcase_add_test(tc, test_single_mode_no_icw3);
    tcase_add_test(tc, test_icw1_resets);
    tcase_add_test(tc, test_masking);
    tcase_add_test(tc, test_fully_nested_priority);
    tcase_add_test(tc, test_eoi_kinds);
    tcase_add_test(tc, test_rotation);
    tcase_add_test(tc, test_rotation_specific_order);
    tcase_add_test(tc, test_rotate_in_auto_eoi);
    tcase_add_test(tc, test_elcr);
    tcase_add_test(tc, test_edge_latch);
    tcase_add_test(tc, test_level_triggered);
    tcase_add_test(tc, test_cascade);
    tcase_add_test(tc, test_special_fully_nested);
    tcase_add_test(tc, test_spurious_7);
    tcase_add_test(tc, test_spurious_15);
    tcase_add_test(tc, test_poll);
    tcase_add_test(tc, test_special_mask);
    tcase_add_test(tc, test_read_registers);
    tcase_add_test(tc, test_intr_toggles);
    tcase_add_test(tc, test_fuzz);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

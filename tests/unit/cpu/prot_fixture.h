/*
 * prot_fixture.h - shared fixture of seg_test.c and exceptions_test.c: a
 * CPU with 1 MiB of RAM, a GDT and IDT built in that RAM, and a landing pad
 * that plays the role of cpu_run's (cpu_loop.c) for direct calls.
 */
#ifndef CINDER_TESTS_PROT_FIXTURE_H
#define CINDER_TESTS_PROT_FIXTURE_H

#include <check.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/except.h"
#include "cpu/intr.h"
#include "cpu/mmu.h"
#include "cpu/seg.h"
#include "mem/bus.h"

#define RAM_SIZE (1u << 20)
#define GDT_BASE 0x10000u
#define IDT_BASE 0x11000u
#define STACK_TOP 0x9000u

static struct bus *bus;
static uint8_t *ram;
static struct cpu cpu;

static inline void put32(uint32_t a, uint32_t v) { memcpy(ram + a, &v, 4); }
static inline uint32_t get32(uint32_t a) { uint32_t v; memcpy(&v, ram + a, 4); return v; }
static inline uint16_t get16(uint32_t a) { uint16_t v; memcpy(&v, ram + a, 2); return v; }

/* Segment descriptor: access byte (P DPL S type) and flags nibble (G D/B). */
static inline void gdt_set(unsigned idx, uint32_t base, uint32_t limit, uint8_t access, uint8_t gdb)
{
    uint32_t lo = (limit & 0xffff) | (base << 16);
    uint32_t hi = ((base >> 16) & 0xff) | ((uint32_t)access << 8) | (limit & 0xf0000) |
                  ((uint32_t)gdb << 20) | (base & 0xff000000u);
    put32(GDT_BASE + idx * 8, lo);
    put32(GDT_BASE + idx * 8 + 4, hi);
}

/* 32-bit interrupt gate (type 0xE) or any other gate type. */
static inline void idt_set(unsigned vec, uint16_t sel, uint32_t off, uint8_t access)
{
    put32(IDT_BASE + vec * 8, (off & 0xffff) | ((uint32_t)sel << 16));
    put32(IDT_BASE + vec * 8 + 4, (off & 0xffff0000u) | ((uint32_t)access << 8));
}

enum { SEL_CODE0 = 0x08, SEL_DATA0 = 0x10 };

static inline void fixture_setup(void)
{
    bus = bus_create();
    ck_assert_ptr_nonnull(bus);
    ram = calloc(1, RAM_SIZE);
    ck_assert_ptr_nonnull(bus_map_ram(bus, 0, RAM_SIZE, ram, 0));
    struct cpu_config cfg = {0};
    ck_assert_int_eq(cpu_init(&cpu, bus, &cfg), 0);
}

static inline void fixture_teardown(void)
{
    cpu_destroy(&cpu);
    bus_destroy(bus);
    free(ram);
}

/* Flat ring-0 protected mode with a GDT of `entries` descriptors. */
static inline void enter_pm(unsigned entries)
{
    gdt_set(1, 0, 0xfffff, 0x9b, 0xc); /* code, exec/read */
    gdt_set(2, 0, 0xfffff, 0x93, 0xc); /* data, read/write */
    cpu.gdtr.base = GDT_BASE;
    cpu.gdtr.limit = entries * 8 - 1;
    cpu.idtr.base = IDT_BASE;
    cpu.idtr.limit = 0x7ff;
    cpu_set_cr0(&cpu, cpu.cr0 | CR0_PE);
    struct descriptor code = {get32(GDT_BASE + 8), get32(GDT_BASE + 12)};
    struct descriptor data = {get32(GDT_BASE + 16), get32(GDT_BASE + 20)};
    seg_load_cs_checked(&cpu, SEL_CODE0, code, 0);
    seg_set_desc(&cpu, SEG_SS, SEL_DATA0, data);
    seg_set_desc(&cpu, SEG_DS, SEL_DATA0, data);
    seg_set_desc(&cpu, SEG_ES, SEL_DATA0, data);
    cpu.regs[R_ESP] = STACK_TOP;
    cpu.eip = cpu.insn_eip = 0x1000;
}

/* Result of a guarded call: -1, or the raised vector and error code. */
static int last_vector;
static uint32_t last_error;

#define GUARD(stmt)                                  \
    do {                                             \
        last_vector = -1;                            \
        last_error = 0;                              \
        cpu.in_run = true;                           \
        if (setjmp(cpu.fault_jmp) == 0) {            \
            stmt;                                    \
        } else {                                     \
            last_vector = cpu.exc_vector;            \
            last_error = cpu.exc_error;              \
        }                                            \
        cpu.in_run = false;                          \
    } while (0)

#endif

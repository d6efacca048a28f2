/*
 * random_exec_test.c - the CPU executing garbage must never hurt the host.
 *
 * Fills guest RAM (and so the IVT/GDT/IDT/page tables it points at) with
 * pseudo-random bytes and runs the interpreter from many random states: real
 * mode, 16/32-bit protected mode at ring 0 and 3, with and without paging.
 * The guest may fault, triple-fault, halt or loop; the host process must
 * only ever return from cpu_run (the sanitizer build turns any out-of-bounds
 * access or undefined behaviour into a failure).  Fixed seeds: reproducible.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/seg.h"
#include "cpu/tlb.h"
#include "mem/bus.h"

#define RAM_SIZE (2u << 20)

static uint32_t rng_state;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* A port device that answers randomly, so IN-driven code paths vary too. */
static uint32_t noise_read(void *opaque, uint32_t off, unsigned size) { return rnd(); }
static void noise_write(void *opaque, uint32_t off, uint32_t v, unsigned size) {}
static const struct io_ops noise_ops = {noise_read, noise_write, 1, 4, "noise"};

static int fake_ack(void *opaque) { return (int)(rnd() & 0xff); }

static void random_state(struct cpu *c)
{
    for (int r = 0; r < 8; r++)
        c->regs[r] = rnd() % (RAM_SIZE + 0x10000);
    unsigned kind = rnd() % 4;
    if (kind == 0)
        return; /* real mode at the reset vector area, random RAM below it */
    c->cr0 |= CR0_PE;
    bool code32 = kind != 1;
    for (int i = 0; i < SEG_COUNT; i++) {
        struct seg *s = &c->seg[i];
        s->base = (rnd() & 1) ? 0 : rnd() % RAM_SIZE;
        s->limit = (rnd() & 1) ? 0xffffffffu : rnd();
        s->sel = (uint16_t)rnd();
        s->flags = (uint16_t)(SEGF_P | SEGF_S | (i == SEG_CS ? 0xb : 0x3) |
                              (code32 ? SEGF_DB | SEGF_G : 0));
        seg_update_cache(c, s, i);
    }
    c->gdtr = (struct dtr){rnd() % RAM_SIZE, rnd() & 0xffff};
    c->idtr = (struct dtr){rnd() % RAM_SIZE, rnd() & 0x7ff};
    c->tr.base = rnd() % RAM_SIZE;
    c->tr.limit = rnd() & 0xffff;
    c->eip = rnd() % RAM_SIZE;
    if (kind == 3) {
        c->cr3 = (rnd() % RAM_SIZE) & ~0xfffu;
        c->cr4 = rnd() & (CR4_PSE | CR4_PGE | CR4_PAE | CR4_VME | CR4_PVI);
        c->cr0 |= CR0_PG | ((rnd() & 1) ? CR0_WP : 0);
    }
    c->eflags = (rnd() & 0x3f7fd5u) | FL_RES1;
    c->eflags &= ~FL_TF; /* single-stepping garbage is slow, not different */
    cpu_set_cpl(c, (rnd() & 1) ? 3 : 0);
    tlb_flush_all(c);
}

START_TEST(garbage_never_crashes_the_host)
{
    struct bus *bus = bus_create();
    uint8_t *ram = malloc(RAM_SIZE);
    ck_assert_ptr_nonnull(bus_map_ram(bus, 0, RAM_SIZE, ram, 0));
    /* a ROM copy of random bytes where the reset vector is */
    uint8_t *rom = malloc(0x10000);
    ck_assert_ptr_nonnull(bus_map_ram(bus, 0xffff0000u, 0x10000, rom, BUS_RAM_ROM));
    ck_assert_ptr_nonnull(bus_map_ports(bus, 0, 0x100, &noise_ops, NULL));
    struct cpu *c = calloc(1, sizeof(*c));
    struct cpu_config cfg = {.pae = true};
    ck_assert_int_eq(cpu_init(c, bus, &cfg), 0);
    c->irq_ack = (struct cpu_irq_ack){fake_ack, NULL};
    uint64_t total = 0;
    unsigned outcomes[5] = {0};
    for (unsigned run = 0; run < 300; run++) {
        rng_state = 0x9e3779b9u * (run + 1);
        for (unsigned k = 0; k < RAM_SIZE; k += 4) {
            uint32_t v = rnd();
            memcpy(ram + k, &v, 4);
        }
        for (unsigned k = 0; k < 0x10000; k += 4) {
            uint32_t v = rnd();
            memcpy(rom + k, &v, 4);
        }
        cpu_reset(c);
        random_state(c);
        uint64_t start = c->icount;
        for (int slice = 0; slice < 20; slice++) {
            if (rnd() % 8 == 0)
                cpu_set_intr(c, rnd() & 1);
            enum cpu_exit why = cpu_run(c, 2000);
            outcomes[why]++;
            if (why == CPU_EXIT_SHUTDOWN) {
                cpu_reset(c);
                random_state(c);
            } else if (why == CPU_EXIT_HALT) {
                c->halted = false;
            }
        }
        total += c->icount - start;
    }
    fprintf(stderr, "random execution: %llu instructions; budget %u halt %u shutdown %u\n",
            (unsigned long long)total, outcomes[CPU_EXIT_BUDGET], outcomes[CPU_EXIT_HALT],
            outcomes[CPU_EXIT_SHUTDOWN]);
    ck_assert_uint_gt(total, 10000); /* it really executed things */
    cpu_destroy(c);
    free(c);
    bus_destroy(bus);
    free(ram);
    free(rom);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("random_exec");
    TCase *tc = tcase_create("random_exec");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, garbage_never_crashes_the_host);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed != 0;
}

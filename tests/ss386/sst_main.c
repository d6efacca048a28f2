/*
 * sst_main.c - cinder-sst: runs SingleStepTests per-instruction vectors (MOO
 * format) through the CPU interpreter and compares the final state.
 *
 * Rules (../shared/testdata/ss386/FORMAT.md, "Running one test"):
 *   - 16 MiB of RAM at 0, real mode; every segment base = selector << 4,
 *     limit 0xFFFF; registers and RAM bytes from INIT.  286 files: FLAGS bits
 *     12..15 cleared on load.
 *   - run until a HLT has executed (cpu_run returns CPU_EXIT_HALT) within a
 *     small instruction budget; not halting is a failure.
 *   - compare every register (FINA's value, or INIT's when FINA omits it) and
 *     every RAM byte of INIT overlaid by FINA (FINA lists only changed bytes,
 *     so an INIT byte absent from FINA must be unchanged).  Flags are ANDed
 *     with metadata.json's flags-mask, file and test RMSK/RM32, and for 286
 *     files 0x0FFF; when EXCP is present the same mask applies to the FLAGS
 *     word pushed by the exception (at final SS:SP+4; EXCP's flags_addr is
 *     that address rounded down to even, wrong by one for an odd SP).
 *     Segment registers also check that the cached base is selector << 4.
 *     General registers and EIP compare all 32 bits (a 16-bit test must leave
 *     the upper halves at 0).  386 files: EFLAGS bits 18-31 are neither
 *     loaded nor compared (see EFLAGS_386).
 *   - skipped, counted and listed: tests on the revocation list; 286 tests
 *     longer than 10 bytes (the 286 faults on them, a 386 does not).
 *   - "expected 286-vs-386 difference: <class>": 286 tests that fail on our
 *     386-class CPU only because of a documented 286-vs-386 difference, each
 *     proven exactly against our final state (README.md lists the classes,
 *     conditions and SDM references): #SS vs #GP (FORMAT.md), LOCK #UD, word
 *     string op / POP m16 at 0xFFFF, MOV to/from FS/GS, x87 operand past the
 *     limit, AAM 0.  Counted per class, listed with -v, neither passed nor
 *     failed; the per-file rate judged by --min-pass leaves them out (the
 *     "raw" rate beside it counts them as not passed).  Where a proof needs to
 *     know where our CPU went, the runner points the exception's IVT entry at
 *     a HLT of its own, only in RAM the test leaves unspecified.
 *
 * RAM reuse: one bus/RAM/CPU for the whole run; the CPU state saved after one
 * cpu_reset() is restored before each test (see load_test).  After each test
 * the bytes the test defined (INIT, FINA, planted) are zeroed through the bus
 * (so decoded code is invalidated); after a failure or a classified test,
 * which may have written anywhere, the
 * whole real-mode-reachable first 1 MiB + 64 KiB is cleared as well.
 *
 * Not done: cycle counts (CYCL), the prefetch queue (QUEU), protected-mode
 * vectors; --accel (there is only the interpreter so far).
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cpu/cpu.h"
#include "cpu/decode.h"
#include "cpu/insn_table.h"
#include "cpu/seg.h"
#include "mem/bus.h"
#include "mem/ram.h"
#include "tests/ss386/moo.h"

#define RAM_BYTES (16u << 20)
#define REAL_MODE_REACH 0x110000u /* FFFF:FFFF + 1, rounded up to a page */
#define MAX_BYTES_286 10          /* 286 instruction length limit (FORMAT.md) */
/* The bits a 386 has in EFLAGS (CF..VM).  The 386EX sample reports bits 18-31
 * as ones, which are not flags of that chip: they are neither loaded nor
 * compared. */
#define EFLAGS_386 0x0003FFFFu

/* ---- options ---- */

struct opts {
    bool verbose;
    bool list_failures;
    bool dump;
    double min_pass;
    const char *filter; /* file stem ("F7.6", "27"); "F7" also matches F7.0..F7.7 */
    long test_index;    /* -1: all */
    uint64_t budget;    /* instructions per test */
};

/* ---- results ---- */

enum skip_reason { SKIP_REVOKED, SKIP_TOO_LONG, SKIP_COUNT };
static const char *const skip_text[SKIP_COUNT] = {
    "on the revocation list",
    "longer than 10 bytes (the 286 rejects them, a 386 does not)",
};

struct listed { /* one test named in the final summary */
    char *text;
};
struct list {
    struct listed *v;
    size_t n, cap;
};

static void list_add(struct list *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void list_add(struct list *l, const char *fmt, ...)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 32;
        struct listed *nv = realloc(l->v, nc * sizeof(*nv));
        if (!nv) return;
        l->v = nv;
        l->cap = nc;
    }
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    l->v[l->n++].text = strdup(buf);
}

static void list_free(struct list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].text);
    free(l->v);
}

/* Expected 286-vs-386 differences: each test in one of these classes has been
 * proven (against our final state) to differ from the 286 only in that way.
 * Counted and listed apart; neither passed nor failed.  README.md has the
 * SDM references and the exact conditions. */
enum cls { CLS_SS_GP, CLS_LOCK, CLS_STRING, CLS_FSGS, CLS_X87, CLS_AAM0, CLS_COUNT };
static const char *const cls_short[CLS_COUNT] = {"#SS-vs-#GP", "LOCK", "string/POP at 0xFFFF",
                                                 "FS/GS",      "x87",  "AAM 0"};
static const char *const cls_text[CLS_COUNT] = {
    "#SS vs #GP: SS-based word operand at offset 0xFFFF (286 #GP, ours #SS; FORMAT.md)",
    "LOCK prefix: the 286 executes any LOCK-prefixed instruction, a 386 raises #UD "
    "(SDM vol.2 LOCK)",
    "word string op / POP m16 at offset 0xFFFF: the 286 advances SI/DI/CX (SP) before #GP, "
    "a 386 leaves them at their pre-instruction values",
    "MOV to/from FS/GS: the 286 has no FS/GS (#UD), a 386 executes the move",
    "x87 memory operand past the segment limit: the 286 without a coprocessor never reads it, "
    "a 386 with an FPU faults",
    "AAM 0: the 286 updates SF/ZF/PF before #DE, a 386 leaves them",
};

struct totals {
    uint64_t passed, failed, skipped[SKIP_COUNT];
    uint64_t cls[CLS_COUNT];
    bool test_matched; /* --test N found its test */
    struct list skip_list[SKIP_COUNT];
    struct list cls_list[CLS_COUNT];
    struct list below_min;
    int load_errors;
};

/* ---- machine ---- */

struct machine {
    struct bus *bus;
    uint8_t *ram;
    struct cpu *cpu;
    struct cpu *reset_state; /* *cpu right after cpu_reset(), restored per test */
    uint32_t *dirty; /* addresses to zero after the test */
    size_t ndirty, capdirty;
};

static int machine_init(struct machine *m)
{
    memset(m, 0, sizeof(*m));
    m->bus = bus_create();
    m->ram = ram_alloc(RAM_BYTES);
    m->cpu = calloc(1, sizeof(*m->cpu));
    m->reset_state = calloc(1, sizeof(*m->reset_state));
    if (!m->bus || !m->ram || !m->cpu || !m->reset_state) {
        fprintf(stderr, "cinder-sst: out of memory\n");
        return -1;
    }
    if (!bus_map_ram(m->bus, 0, RAM_BYTES, m->ram, 0)) {
        fprintf(stderr, "cinder-sst: cannot map RAM\n");
        return -1;
    }
    struct cpu_config cfg = {0};
    if (cpu_init(m->cpu, m->bus, &cfg)) {
        fprintf(stderr, "cinder-sst: cpu_init failed\n");
        return -1;
    }
    cpu_reset(m->cpu);
    memcpy(m->reset_state, m->cpu, sizeof(*m->cpu));
    return 0;
}

static void machine_free(struct machine *m)
{
    if (m->cpu) {
        cpu_destroy(m->cpu);
        free(m->cpu);
    }
    free(m->reset_state);
    if (m->bus) bus_destroy(m->bus);
    ram_free(m->ram, RAM_BYTES);
    free(m->dirty);
}

static void mark_dirty(struct machine *m, uint32_t addr)
{
    if (m->ndirty == m->capdirty) {
        size_t nc = m->capdirty ? m->capdirty * 2 : 256;
        uint32_t *nd = realloc(m->dirty, nc * sizeof(*nd));
        if (!nd) {
            /* cannot track: fall back to a full wipe now */
            memset(m->ram, 0, REAL_MODE_REACH);
            bus_code_write_check(m->bus, 0, REAL_MODE_REACH);
            m->ndirty = 0;
            return;
        }
        m->dirty = nd;
        m->capdirty = nc;
    }
    m->dirty[m->ndirty++] = addr;
}

static void poke(struct machine *m, uint32_t addr, uint8_t v)
{
    if (addr >= RAM_BYTES) return;
    bus_phys_write(m->bus, addr, v, 1);
    mark_dirty(m, addr);
}

static void machine_clean(struct machine *m, bool wipe)
{
    for (size_t i = 0; i < m->ndirty; i++)
        bus_phys_write(m->bus, m->dirty[i], 0, 1);
    m->ndirty = 0;
    if (wipe) {
        memset(m->ram, 0, REAL_MODE_REACH);
        bus_code_write_check(m->bus, 0, REAL_MODE_REACH);
    }
}

/* ---- register access by MOO bit number ---- */

enum rkind { K_NONE, K_GPR, K_SEG, K_IP, K_FLAGS, K_CR0, K_CR3, K_DR };
struct rdesc {
    enum rkind kind;
    int idx;
};

static struct rdesc reg_desc(bool is32, unsigned bit)
{
    static const struct rdesc r16[MOO_R16_COUNT] = {
        {K_GPR, R_EAX},  {K_GPR, R_EBX},  {K_GPR, R_ECX},  {K_GPR, R_EDX}, {K_SEG, SEG_CS},
        {K_SEG, SEG_SS}, {K_SEG, SEG_DS}, {K_SEG, SEG_ES}, {K_GPR, R_ESP}, {K_GPR, R_EBP},
        {K_GPR, R_ESI},  {K_GPR, R_EDI},  {K_IP, 0},       {K_FLAGS, 0},
    };
    static const struct rdesc r32[MOO_R32_COUNT] = {
        {K_CR0, 0},      {K_CR3, 0},      {K_GPR, R_EAX},  {K_GPR, R_EBX},  {K_GPR, R_ECX},
        {K_GPR, R_EDX},  {K_GPR, R_ESI},  {K_GPR, R_EDI},  {K_GPR, R_EBP},  {K_GPR, R_ESP},
        {K_SEG, SEG_CS}, {K_SEG, SEG_DS}, {K_SEG, SEG_ES}, {K_SEG, SEG_FS}, {K_SEG, SEG_GS},
        {K_SEG, SEG_SS}, {K_IP, 0},       {K_FLAGS, 0},    {K_DR, 6},       {K_DR, 7},
    };
    if (is32) return bit < MOO_R32_COUNT ? r32[bit] : (struct rdesc){K_NONE, 0};
    return bit < MOO_R16_COUNT ? r16[bit] : (struct rdesc){K_NONE, 0};
}

static unsigned reg_count(bool is32)
{
    return is32 ? MOO_R32_COUNT : MOO_R16_COUNT;
}

static uint32_t cpu_reg(struct cpu *c, struct rdesc d)
{
    switch (d.kind) {
    case K_GPR: return c->regs[d.idx];
    case K_SEG: return c->seg[d.idx].sel;
    case K_IP: return c->eip;
    case K_FLAGS: return cpu_get_eflags(c);
    case K_CR0: return c->cr0;
    case K_CR3: return c->cr3;
    case K_DR: return c->dr[d.idx];
    default: return 0;
    }
}

/* ---- per-file context ---- */

struct filectx {
    const char *path;
    const char *base; /* file name without directory */
    char stem[16];    /* "F7.6" */
    struct moo_file f;
    bool is286;         /* 16-bit register file: apply the 286 rules */
    uint32_t meta_mask; /* metadata.json flags-mask, widened; ~0 if none */
};

/* What the test expects after the run. */
struct mem_expect {
    uint32_t addr;
    uint8_t val, mask;
};
struct expect {
    bool is32;
    uint32_t val[MOO_REG_MAX];
    uint32_t mask[MOO_REG_MAX]; /* bits compared */
    struct mem_expect *mem;
    size_t nmem;
};

static uint32_t flags_mask_for(const struct filectx *fc, const struct moo_test *t)
{
    bool is32 = t->init.regs.is32;
    unsigned fb = is32 ? MOO_R32_EFLAGS : MOO_R16_FLAGS;
    uint32_t m = fc->meta_mask;
    if (fc->f.rmask.present && fc->f.rmask.is32 == is32 && (fc->f.rmask.mask & (1u << fb)))
        m &= fc->f.rmask.v[fb];
    if (t->fina.rmask.present && t->fina.rmask.is32 == is32 && (t->fina.rmask.mask & (1u << fb)))
        m &= t->fina.rmask.v[fb];
    m &= is32 ? EFLAGS_386 : 0x0FFF;
    return m;
}

static int build_expect(const struct filectx *fc, const struct moo_test *t, struct expect *e)
{
    bool is32 = t->init.regs.is32;
    memset(e->val, 0, sizeof(e->val));
    e->is32 = is32;
    for (unsigned i = 0; i < MOO_REG_MAX; i++) {
        e->mask[i] = 0;
        if (reg_desc(is32, i).kind == K_NONE) continue;
        e->mask[i] = 0xFFFFFFFFu;
        e->val[i] = t->init.regs.v[i];
        if (t->fina.regs.present && (t->fina.regs.mask & (1u << i))) e->val[i] = t->fina.regs.v[i];
        const struct moo_regs *rm[2] = {&fc->f.rmask, &t->fina.rmask};
        for (int k = 0; k < 2; k++)
            if (rm[k]->present && rm[k]->is32 == is32 && (rm[k]->mask & (1u << i)))
                e->mask[i] &= rm[k]->v[i];
    }
    unsigned fb = is32 ? MOO_R32_EFLAGS : MOO_R16_FLAGS;
    uint32_t fm = flags_mask_for(fc, t);
    e->mask[fb] = fm;

    size_t cap = (size_t)t->init.nram + t->fina.nram;
    e->mem = malloc((cap ? cap : 1) * sizeof(*e->mem));
    if (!e->mem) return -1;
    e->nmem = 0;
    for (int pass = 0; pass < 2; pass++) {
        const struct moo_state *s = pass ? &t->fina : &t->init;
        for (uint32_t i = 0; i < s->nram; i++) {
            size_t k;
            for (k = 0; k < e->nmem; k++)
                if (e->mem[k].addr == s->ram[i].addr) break;
            if (k == e->nmem) e->nmem++;
            e->mem[k] = (struct mem_expect){s->ram[i].addr, s->ram[i].val, 0xFF};
        }
    }
    if (t->has_excp) {
        /* The real-mode frame is IP, CS, FLAGS upward from the final SS:SP, so
         * FLAGS sits at SS:SP+4.  EXCP's flags_addr is that address rounded
         * down to even when SP is odd (the 16-bit bus address), so compute it. */
        unsigned ssb = is32 ? MOO_R32_SS : MOO_R16_SS, spb = is32 ? MOO_R32_ESP : MOO_R16_SP;
        uint32_t ss_base = (e->val[ssb] & 0xFFFF) << 4, sp = e->val[spb];
        uint32_t lo = ss_base + ((sp + 4) & 0xFFFF), hi = ss_base + ((sp + 5) & 0xFFFF);
        for (size_t k = 0; k < e->nmem; k++) {
            if (e->mem[k].addr == lo)
                e->mem[k].mask = (uint8_t)fm;
            else if (e->mem[k].addr == hi)
                e->mem[k].mask = (uint8_t)(fm >> 8);
        }
    }
    return 0;
}

static const char *flag_names[32] = {
    "CF", "1",     "PF",    "b3", "AF",  "b5", "ZF", "SF", "TF",  "IF",  "DF",
    "OF", "IOPL0", "IOPL1", "NT", "b15", "RF", "VM", "AC", "VIF", "VIP", "ID",
};

/* Compare the CPU and memory with e; print each difference when out != NULL.
 * Returns the number of differences. */
static unsigned compare(struct machine *m, const struct expect *e, FILE *out)
{
    struct cpu *c = m->cpu;
    unsigned diffs = 0;
    for (unsigned i = 0; i < reg_count(e->is32); i++) {
        struct rdesc d = reg_desc(e->is32, i);
        uint32_t got = cpu_reg(c, d) & e->mask[i], want = e->val[i] & e->mask[i];
        if (got != want) {
            diffs++;
            if (out) {
                fprintf(out, "    %-6s expected 0x%0*x got 0x%0*x", moo_reg_name(e->is32, i),
                        e->is32 ? 8 : 4, want, e->is32 ? 8 : 4, got);
                if (d.kind == K_FLAGS) {
                    fprintf(out, "  (differ:");
                    for (int b = 0; b < 32; b++)
                        if (((got ^ want) >> b) & 1)
                            fprintf(out, " %s", flag_names[b] ? flag_names[b] : "?");
                    fprintf(out, ")");
                }
                fprintf(out, "\n");
            }
        }
        if (d.kind == K_SEG) {
            /* Real mode: the hidden base must follow the selector. */
            uint32_t want_base = (uint32_t)(e->val[i] & 0xFFFF) << 4;
            if (c->seg[d.idx].base != want_base) {
                diffs++;
                if (out)
                    fprintf(out, "    %s.base expected 0x%x got 0x%x\n", moo_reg_name(e->is32, i),
                            want_base, c->seg[d.idx].base);
            }
        }
    }
    for (size_t k = 0; k < e->nmem; k++) {
        const struct mem_expect *me = &e->mem[k];
        uint8_t got = me->addr < RAM_BYTES ? m->ram[me->addr] : 0xFF;
        if ((got & me->mask) != (me->val & me->mask)) {
            diffs++;
            if (out)
                fprintf(out, "    [%06x] expected %02x got %02x%s\n", me->addr, me->val & me->mask,
                        got & me->mask, me->mask != 0xFF ? " (masked)" : "");
        }
    }
    return diffs;
}

/* ---- loading a test into the machine ---- */

static bool ram_listed(const struct moo_state *s, uint32_t addr)
{
    for (uint32_t i = 0; i < s->nram; i++)
        if (s->ram[i].addr == addr) return true;
    return false;
}

static void load_test(struct machine *m, const struct filectx *fc, const struct moo_test *t)
{
    struct cpu *c = m->cpu;
    const struct moo_regs *r = &t->init.regs;
    /* cpu_reset() per test cost 90% of the run (it flushes the decoded-block
     * cache and the TLB).  Restore the state saved right after the one reset
     * instead: the same architectural state; the decoded cache stays coherent
     * because every RAM change goes through the bus (poke, machine_clean);
     * the jump-cache generation moves forward, never back, so no stale entry
     * can hit (what the TLB flush in cpu_reset did for it). */
    uint32_t gen = c->jcache_gen;
    memcpy(c, m->reset_state, sizeof(*c));
    c->jcache_gen = gen + 1;
    uint16_t code_flags = c->seg[SEG_CS].flags ? c->seg[SEG_CS].flags : 0x9B;
    uint16_t data_flags = c->seg[SEG_DS].flags ? c->seg[SEG_DS].flags : 0x93;
    if (r->is32 && (r->mask & (1u << MOO_R32_CR0))) {
        uint32_t cr0 = r->v[MOO_R32_CR0] & ~(CR0_PE | CR0_PG);
        cpu_set_cr0(c, cr0);
    }
    for (unsigned i = 0; i < reg_count(r->is32); i++) {
        struct rdesc d = reg_desc(r->is32, i);
        uint32_t v = r->v[i];
        switch (d.kind) {
        case K_GPR: c->regs[d.idx] = v; break;
        case K_SEG: {
            struct seg *s = &c->seg[d.idx];
            s->sel = (uint16_t)v;
            s->base = (uint32_t)(v & 0xFFFF) << 4;
            s->limit = 0xFFFF;
            s->flags = d.idx == SEG_CS ? code_flags : data_flags;
            seg_update_cache(c, s, d.idx);
            break;
        }
        case K_IP: c->eip = c->insn_eip = v; break;
        case K_FLAGS:
            /* the 286 keeps bits 12..15 clear in real mode */
            v &= r->is32 ? EFLAGS_386 : 0x0FFF;
            cpu_set_eflags(c, v, 0xFFFFFFFFu);
            break;
        case K_CR3: c->cr3 = v; break;
        case K_DR: c->dr[d.idx] = v; break;
        default: break;
        }
    }
    c->halted = false;
    for (uint32_t i = 0; i < t->init.nram; i++)
        poke(m, t->init.ram[i].addr, t->init.ram[i].val);
    /* FINA bytes get written by the CPU: zero them afterwards too. */
    for (uint32_t i = 0; i < t->fina.nram; i++)
        mark_dirty(m, t->fina.ram[i].addr);
    (void)fc;
}

/* Make IVT entry `vector` point somewhere identifiable: when INIT and FINA
 * leave the entry unspecified (unlisted RAM is not part of the test), point it
 * at a HLT of our own at a paragraph in [area, area + 64 KiB) that the test
 * does not list.  When the test lists only part of the entry, its unlisted
 * bytes are 0; when it lists the entry but not the byte it points at, a HLT is
 * put there.  Returns the handler's CS:IP as the CPU will see it. */
static void plant_handler(struct machine *m, const struct moo_test *t, unsigned vector,
                          uint32_t area, uint16_t *seg, uint16_t *off)
{
    uint32_t ivt = vector * 4;
    bool any = false;
    for (uint32_t a = ivt; a < ivt + 4; a++)
        any |= ram_listed(&t->init, a) || ram_listed(&t->fina, a);
    if (any) {
        for (uint32_t a = ivt; a < ivt + 4; a++)
            if (!ram_listed(&t->init, a) && !ram_listed(&t->fina, a)) poke(m, a, 0);
        uint32_t o = m->ram[ivt] | m->ram[ivt + 1] << 8, s = m->ram[ivt + 2] | m->ram[ivt + 3] << 8;
        uint32_t x = (s << 4) + o;
        if (x < RAM_BYTES && (x < ivt || x >= ivt + 4) && !ram_listed(&t->init, x) && !ram_listed(&t->fina, x)) poke(m, x, 0xF4);
    } else {
        for (uint32_t x = area; x < area + 0x10000; x += 16) {
            if (ram_listed(&t->init, x) || ram_listed(&t->fina, x)) continue;
            uint16_t s = (uint16_t)(x >> 4);
            poke(m, ivt, 0);
            poke(m, ivt + 1, 0);
            poke(m, ivt + 2, (uint8_t)s);
            poke(m, ivt + 3, (uint8_t)(s >> 8));
            poke(m, x, 0xF4);
            break;
        }
    }
    *off = (uint16_t)(m->ram[ivt] | m->ram[ivt + 1] << 8);
    *seg = (uint16_t)(m->ram[ivt + 2] | m->ram[ivt + 3] << 8);
}

/* ---- output helpers ---- */

static void print_test_header(FILE *out, const char *what, const struct filectx *fc,
                              const struct moo_test *t)
{
    fprintf(out, "%s %s #%u  %s  bytes:", what, fc->base, t->index, t->name);
    for (uint32_t i = 0; i < t->nbytes; i++)
        fprintf(out, " %02x", t->bytes[i]);
    fprintf(out, "\n");
}

static void dump_regs(FILE *out, const char *label, const struct moo_regs *r)
{
    if (!r->present) return;
    fprintf(out, "  %s %s mask %#x:", label, r->is32 ? "RG32" : "REGS", r->mask);
    for (unsigned i = 0; i < MOO_REG_MAX; i++)
        if (r->mask & (1u << i)) {
            const char *n = moo_reg_name(r->is32, i);
            if (n)
                fprintf(out, " %s=%0*x", n, r->is32 ? 8 : 4, r->v[i]);
            else
                fprintf(out, " bit%u=%x", i, r->v[i]);
        }
    fprintf(out, "\n");
}

static void dump_state(FILE *out, const char *label, const struct moo_state *s)
{
    char l2[16];
    dump_regs(out, label, &s->regs);
    snprintf(l2, sizeof(l2), "%s-mask", label);
    dump_regs(out, l2, &s->rmask);
    if (s->has_ram) {
        fprintf(out, "  %s RAM %u:", label, s->nram);
        for (uint32_t i = 0; i < s->nram; i++)
            fprintf(out, " %06x=%02x", s->ram[i].addr, s->ram[i].val);
        fprintf(out, "\n");
    }
}

static void dump_test(FILE *out, const struct filectx *fc, const struct moo_test *t)
{
    print_test_header(out, "TEST", fc, t);
    dump_state(out, "INIT", &t->init);
    dump_state(out, "FINA", &t->fina);
    if (t->has_excp)
        fprintf(out, "  EXCP vector %u flags_addr %06x\n", t->excp_vector, t->excp_flags_addr);
    if (t->has_hash) {
        fprintf(out, "  HASH ");
        for (int i = 0; i < 20; i++)
            fprintf(out, "%02x", t->hash[i]);
        fprintf(out, "\n");
    }
}

static const char *exit_name(enum cpu_exit e)
{
    switch (e) {
    case CPU_EXIT_BUDGET: return "budget exhausted";
    case CPU_EXIT_HALT: return "halt";
    case CPU_EXIT_SHUTDOWN: return "shutdown (triple fault)";
    case CPU_EXIT_BREAKPOINT: return "breakpoint";
    case CPU_EXIT_REQUEST: return "exit request";
    default: return "?";
    }
}


/* ---- expected 286-vs-386 differences ---- */

#define FLAGS_DEFINED 0x0FD5u /* CF PF AF ZF SF TF IF DF OF, and IOPL/NT masked off */

/* The instruction as our decoder sees it (real mode, 16-bit code). */
struct insn_info {
    bool ok;          /* decoded */
    struct insn in;   /* x86_decode's result */
    unsigned npfx;    /* prefix bytes before the opcode */
    uint8_t opc;      /* the opcode byte */
    uint16_t ea;      /* ModRM memory offset with INIT's registers */
    uint16_t seg_sel; /* INIT selector of in.seg */
};

/* MOO 16-bit register bit for a ModRM-order general register. */
static unsigned moo16_gpr(unsigned r)
{
    static const unsigned map[8] = {MOO_R16_AX, MOO_R16_CX, MOO_R16_DX, MOO_R16_BX,
                                    MOO_R16_SP, MOO_R16_BP, MOO_R16_SI, MOO_R16_DI};
    return map[r & 7];
}

static unsigned moo16_seg(unsigned sreg)
{
    switch (sreg) {
    case SEG_ES: return MOO_R16_ES;
    case SEG_CS: return MOO_R16_CS;
    case SEG_SS: return MOO_R16_SS;
    default: return MOO_R16_DS;
    }
}

static bool is_prefix_byte(uint8_t b)
{
    switch (b) {
    case 0x26: case 0x2E: case 0x36: case 0x3E: case 0x64: case 0x65:
    case 0x66: case 0x67: case 0xF0: case 0xF2: case 0xF3: return true;
    default: return false;
    }
}

static void analyse(const struct moo_test *t, struct insn_info *ii)
{
    memset(ii, 0, sizeof(*ii));
    if (t->init.regs.is32 || !t->nbytes) return;
    int len = x86_decode(&ii->in, t->bytes, t->nbytes, 0);
    if (len <= 0) return;
    ii->ok = true;
    while (ii->npfx < t->nbytes && is_prefix_byte(t->bytes[ii->npfx]))
        ii->npfx++;
    ii->opc = ii->npfx < t->nbytes ? t->bytes[ii->npfx] : 0;
    const uint32_t *v = t->init.regs.v;
    uint32_t ea = ii->in.disp;
    if (ii->in.base != R_ZERO) ea += v[moo16_gpr(ii->in.base)];
    if (ii->in.index != R_ZERO) ea += v[moo16_gpr(ii->in.index)] << ii->in.scale;
    ii->ea = (uint16_t)ea;
    ii->seg_sel = (uint16_t)v[moo16_seg(ii->in.seg)];
}

/* LOCK is what makes the decoder reject it: with LOCK the form is invalid, and
 * the same bytes with the F0 prefixes removed decode to a valid instruction. */
static bool lock_is_the_ud(const struct moo_test *t, const struct insn_info *ii)
{
    if (!ii->ok || !(ii->in.pfx & PFX_LOCK) || ii->in.op != INSN_INVALID) return false;
    uint8_t b[32];
    size_t n = 0;
    for (uint32_t i = 0; i < t->nbytes && n < sizeof(b); i++)
        if (i >= ii->npfx || t->bytes[i] != 0xF0) b[n++] = t->bytes[i];
    struct insn in2;
    int len = x86_decode(&in2, b, n, 0);
    return len > 0 && in2.op != INSN_INVALID && !(in2.pfx & PFX_LOCK);
}

/* An expectation "INIT, unchanged", to be adjusted by the caller.  Flags are
 * compared on the defined bits; room for `extra` more memory bytes. */
static int init_expect(const struct moo_test *t, struct expect *e, size_t extra)
{
    e->is32 = false;
    memset(e->val, 0, sizeof(e->val));
    memset(e->mask, 0, sizeof(e->mask));
    for (unsigned i = 0; i < MOO_R16_COUNT; i++) {
        e->val[i] = t->init.regs.v[i];
        e->mask[i] = 0xFFFFFFFFu;
    }
    e->mask[MOO_R16_FLAGS] = FLAGS_DEFINED;
    e->mem = malloc((t->init.nram + extra + 1) * sizeof(*e->mem));
    if (!e->mem) return -1;
    e->nmem = 0;
    for (uint32_t i = 0; i < t->init.nram; i++)
        e->mem[e->nmem++] = (struct mem_expect){t->init.ram[i].addr, t->init.ram[i].val, 0xFF};
    return 0;
}

/* Copy of e with room for `extra` more memory bytes. */
static int copy_expect(const struct expect *e, struct expect *c, size_t extra)
{
    *c = *e;
    c->mem = malloc((e->nmem + extra + 1) * sizeof(*c->mem));
    if (!c->mem) return -1;
    memcpy(c->mem, e->mem, e->nmem * sizeof(*c->mem));
    return 0;
}

static struct mem_expect *expect_find(struct expect *e, uint32_t addr)
{
    for (size_t k = 0; k < e->nmem; k++)
        if (e->mem[k].addr == addr) return &e->mem[k];
    return NULL;
}

/* Set (or add) the expected byte at addr; the array has room (caller's extra). */
static void expect_byte(struct expect *e, uint32_t addr, uint8_t val, uint8_t mask)
{
    struct mem_expect *me = expect_find(e, addr);
    if (!me) me = &e->mem[e->nmem++];
    *me = (struct mem_expect){addr, val, mask};
}

/* The real-mode exception frame IP, CS, FLAGS upward from ss:sp (6 bytes). */
static void expect_frame(struct expect *e, uint16_t ss, uint16_t sp, uint16_t ip, uint16_t cs,
                         uint16_t flags, uint16_t fmask)
{
    uint32_t base = (uint32_t)ss << 4;
    uint16_t w[3] = {ip, cs, flags}, mk[3] = {0xFFFF, 0xFFFF, fmask};
    for (unsigned k = 0; k < 6; k++)
        expect_byte(e, base + ((sp + k) & 0xFFFF), (uint8_t)(w[k / 2] >> (8 * (k & 1))),
                    (uint8_t)(mk[k / 2] >> (8 * (k & 1))));
}

static uint16_t phys16(const struct machine *m, uint16_t sel, uint16_t off, uint8_t *ok)
{
    uint32_t a = ((uint32_t)sel << 4) + off, b = ((uint32_t)sel << 4) + (uint16_t)(off + 1);
    *ok = a < RAM_BYTES && b < RAM_BYTES;
    return *ok ? (uint16_t)(m->ram[a] | m->ram[b] << 8) : 0;
}

/* Our run ended in the handler at hseg:hoff after a fault on the instruction
 * at INIT's CS:IP, and nothing else changed: INIT plus the frame (FLAGS, CS,
 * IP of the instruction's first byte) at SS:SP-6, IF and TF cleared. */
static bool fault_only(struct machine *m, const struct moo_test *t, uint16_t hseg, uint16_t hoff)
{
    struct expect x;
    if (init_expect(t, &x, 8)) return false;
    const uint32_t *v = t->init.regs.v;
    uint16_t fl = (uint16_t)(v[MOO_R16_FLAGS] & FLAGS_DEFINED);
    uint16_t sp = (uint16_t)(v[MOO_R16_SP] - 6);
    x.val[MOO_R16_CS] = hseg;
    x.val[MOO_R16_IP] = (uint16_t)(hoff + 1);
    x.val[MOO_R16_SP] = sp;
    x.val[MOO_R16_FLAGS] = fl & ~(FL_IF | FL_TF);
    expect_frame(&x, (uint16_t)v[MOO_R16_SS], sp, (uint16_t)v[MOO_R16_IP], (uint16_t)v[MOO_R16_CS],
                 fl, FLAGS_DEFINED);
    bool ok = compare(m, &x, NULL) == 0;
    free(x.mem);
    return ok;
}

/* Class 2: word string op or POP m16 with its operand at offset 0xFFFF. */
static bool is_string_pop_form(const struct insn_info *ii, bool *ss_operand, unsigned *regs)
{
    if (!ii->ok || ii->in.op == INSN_INVALID || ii->in.size != 2) return false;
    unsigned si = 1u << MOO_R16_SI, di = 1u << MOO_R16_DI;
    bool rep = ii->in.pfx & (PFX_REP | PFX_REPNE);
    unsigned r;
    switch (ii->opc) {
    case 0xA5: case 0xA7: r = si | di; break; /* MOVSW, CMPSW */
    case 0xAB: case 0xAF: case 0x6D: r = di; break; /* STOSW, SCASW, INSW */
    case 0xAD: case 0x6F: r = si; break; /* LODSW, OUTSW */
    case 0x8F: /* POP m16 */
        if (ii->in.modrm >= 0xC0 || ((ii->in.modrm >> 3) & 7) != 0) return false;
        *regs = 1u << MOO_R16_SP;
        *ss_operand = ii->in.seg == SEG_SS;
        return true;
    default: return false;
    }
    if (rep) r |= 1u << MOO_R16_CX;
    *regs = r;
    *ss_operand = (r & si) && ii->in.seg == SEG_SS; /* the DI operand is always ES */
    return true;
}

/* Completed iterations of a word string op before the one that faults: the
 * first whose SI or DI (those it uses) is 0xFFFF.  -1 when no iteration would
 * fault (a REP count running out first). */
static int string_faulting_iteration(const struct moo_test *t, unsigned regs)
{
    const uint32_t *v = t->init.regs.v;
    uint16_t si = (uint16_t)v[MOO_R16_SI], di = (uint16_t)v[MOO_R16_DI];
    uint16_t step = (v[MOO_R16_FLAGS] & FL_DF) ? 0xFFFE : 2;
    bool rep = regs & (1u << MOO_R16_CX);
    uint32_t n = rep ? (uint16_t)v[MOO_R16_CX] : 1;
    for (uint32_t k = 0; k < n; k++) {
        if (((regs & (1u << MOO_R16_SI)) && si == 0xFFFF) ||
            ((regs & (1u << MOO_R16_DI)) && di == 0xFFFF))
            return (int)k;
        si = (uint16_t)(si + step);
        di = (uint16_t)(di + step);
    }
    return -1;
}

/* Class 2 check: e is the 286 expectation.  The 386 result is FINA with the
 * listed registers at their values before the faulting access: a string op's
 * SI/DI/CX as INIT advanced by the iterations completed before the faulting
 * one (0 without REP); POP's SP at INIT, i.e. 2 below the 286's, so its frame
 * 2 lower too.  CS:IP at the #SS handler when `ss` (ours took vector 12). */
static bool string_pop_matches(struct machine *m, const struct moo_test *t, const struct expect *e,
                               unsigned regs, bool ss, uint16_t ss_seg, uint16_t ss_off)
{
    struct expect x;
    if (copy_expect(e, &x, 8)) return false;
    bool ok = true;
    if (ss) {
        x.val[MOO_R16_CS] = ss_seg;
        x.val[MOO_R16_IP] = (uint16_t)(ss_off + 1);
    }
    if (regs & (1u << MOO_R16_SP)) {
        /* 286: SP advanced by 2, then the frame; 386: frame 2 lower. */
        uint16_t ss_sel = (uint16_t)x.val[MOO_R16_SS], sp286 = (uint16_t)x.val[MOO_R16_SP];
        uint32_t base = (uint32_t)ss_sel << 4;
        uint16_t w[3];
        for (unsigned k = 0; k < 3 && ok; k++) {
            struct mem_expect *lo = expect_find(&x, base + ((sp286 + 2 * k) & 0xFFFF));
            struct mem_expect *hi = expect_find(&x, base + ((sp286 + 2 * k + 1) & 0xFFFF));
            if (!lo || !hi) ok = false;
            else w[k] = (uint16_t)(lo->val | hi->val << 8);
        }
        if (ok) {
            /* the 286's frame bytes go back to INIT (unspecified if INIT does not list them) */
            for (unsigned k = 0; k < 6; k++) {
                uint32_t a = base + ((sp286 + k) & 0xFFFF);
                struct mem_expect *me = expect_find(&x, a);
                me->mask = 0;
                for (uint32_t i = 0; i < t->init.nram; i++)
                    if (t->init.ram[i].addr == a) *me = (struct mem_expect){a, t->init.ram[i].val, 0xFF};
            }
            uint16_t sp = (uint16_t)(sp286 - 2);
            expect_frame(&x, ss_sel, sp, w[0], w[1], w[2], (uint16_t)e->mask[MOO_R16_FLAGS]);
            x.val[MOO_R16_SP] = sp;
        }
        regs &= ~(1u << MOO_R16_SP);
    }
    if (regs) {
        int k = string_faulting_iteration(t, regs);
        const uint32_t *v = t->init.regs.v;
        uint16_t step = (v[MOO_R16_FLAGS] & FL_DF) ? 0xFFFE : 2;
        if (k < 0) ok = false;
        for (unsigned i = 0; i < MOO_R16_COUNT && ok; i++) {
            if (!(regs & (1u << i))) continue;
            if (i == MOO_R16_CX)
                x.val[i] = (uint16_t)(v[i] - (unsigned)k);
            else
                x.val[i] = (uint16_t)(v[i] + (unsigned)k * step);
        }
    }
    ok = ok && compare(m, &x, NULL) == 0;
    free(x.mem);
    return ok;
}

/* Class 3: MOV Sreg with Sreg = FS/GS; the 286 took #UD, ours did the move
 * and halted at the HLT after it, nothing else changed. */
static bool fsgs_move_matches(struct machine *m, const struct moo_test *t,
                              const struct insn_info *ii, const uint16_t pre_sel[SEG_COUNT])
{
    unsigned reg = (ii->in.modrm >> 3) & 7, sreg = reg == 4 ? SEG_FS : SEG_GS;
    struct cpu *c = m->cpu;
    struct expect x;
    if (init_expect(t, &x, 4)) return false;
    const uint32_t *v = t->init.regs.v;
    x.val[MOO_R16_IP] = (uint16_t)(v[MOO_R16_IP] + ii->in.len + 1);
    bool ok = true, mem = ii->in.modrm < 0xC0;
    if (mem && ii->ea == 0xFFFF) ok = false; /* a 386 faults on that word */
    uint32_t a = ((uint32_t)ii->seg_sel << 4) + ii->ea, b = ((uint32_t)ii->seg_sel << 4) + (uint16_t)(ii->ea + 1);
    if (ok && ii->opc == 0x8C) {
        uint16_t val = pre_sel[sreg];
        if (!mem) {
            x.val[moo16_gpr(ii->in.modrm & 7)] = val;
        } else {
            expect_byte(&x, a, (uint8_t)val, 0xFF);
            expect_byte(&x, b, (uint8_t)(val >> 8), 0xFF);
        }
        for (unsigned s = SEG_FS; s <= SEG_GS; s++)
            ok = ok && c->seg[s].sel == pre_sel[s];
    } else if (ok) {
        uint16_t val;
        if (!mem) {
            val = (uint16_t)v[moo16_gpr(ii->in.modrm & 7)];
        } else {
            uint8_t okr;
            val = phys16(m, ii->seg_sel, ii->ea, &okr); /* unchanged: compare checks INIT's bytes */
            ok = okr;
        }
        unsigned other = sreg == SEG_FS ? SEG_GS : SEG_FS;
        ok = ok && c->seg[sreg].sel == val && c->seg[sreg].base == (uint32_t)val << 4 &&
             c->seg[other].sel == pre_sel[other];
    }
    ok = ok && compare(m, &x, NULL) == 0;
    free(x.mem);
    return ok;
}

/* Class 5: AAM 0.  Only SF/ZF/PF differ (register and pushed FLAGS), and ours
 * are INIT's (a 386 leaves them). */
static bool aam0_matches(struct machine *m, const struct moo_test *t, const struct expect *e)
{
    const uint32_t zsp = FL_SF | FL_ZF | FL_PF;
    struct expect x;
    if (copy_expect(e, &x, 0)) return false;
    x.mask[MOO_R16_FLAGS] &= ~zsp;
    uint16_t ss = (uint16_t)x.val[MOO_R16_SS], sp = (uint16_t)x.val[MOO_R16_SP];
    uint32_t fa = ((uint32_t)ss << 4) + ((sp + 4) & 0xFFFF);
    struct mem_expect *me = expect_find(&x, fa);
    bool ok = me != NULL && fa < RAM_BYTES;
    if (ok) me->mask &= (uint8_t)~zsp;
    uint32_t init = t->init.regs.v[MOO_R16_FLAGS];
    ok = ok && compare(m, &x, NULL) == 0 && ((cpu_get_eflags(m->cpu) ^ init) & zsp) == 0 &&
         ((m->ram[fa] ^ init) & zsp) == 0;
    free(x.mem);
    return ok;
}

/* ---- running a file ---- */

struct file_result {
    uint64_t passed, failed, expected, skipped;
};

enum outcome { OUT_PASS, OUT_FAIL, OUT_EXPECTED, OUT_SKIP };

static enum outcome run_one(struct machine *m, struct filectx *fc, const struct moo_test *t,
                            const struct opts *o, const struct moo_revoked *rev, struct totals *tot)
{
    if (t->has_hash && moo_revoked_has(rev, t->hash)) {
        tot->skipped[SKIP_REVOKED]++;
        list_add(&tot->skip_list[SKIP_REVOKED], "%s #%u %s", fc->base, t->index, t->name);
        return OUT_SKIP;
    }
    if (fc->is286 && t->nbytes >= 1 && t->nbytes - 1 > MAX_BYTES_286) {
        tot->skipped[SKIP_TOO_LONG]++;
        list_add(&tot->skip_list[SKIP_TOO_LONG], "%s #%u %s (%u bytes)", fc->base, t->index,
                 t->name, t->nbytes - 1);
        return OUT_SKIP;
    }

    struct expect e;
    if (build_expect(fc, t, &e)) {
        fprintf(stderr, "cinder-sst: out of memory\n");
        exit(2);
    }
    load_test(m, fc, t);
    struct insn_info ii;
    analyse(t, &ii);
    uint16_t pre_sel[SEG_COUNT];
    for (unsigned s = 0; s < SEG_COUNT; s++)
        pre_sel[s] = m->cpu->seg[s].sel;
    int excp = fc->is286 && t->has_excp ? t->excp_vector : -1;

    /* Handlers planted before the run, for the classes whose proof needs to
     * know where our CPU went (only in memory the test leaves unspecified). */
    bool gp_test = excp == EXC_GP;
    uint16_t ss_seg = 0, ss_off = 0;
    if (gp_test) plant_handler(m, t, EXC_SS, 0xE0000, &ss_seg, &ss_off);
    /* class 1: the 286 executes LOCK with any instruction; a 386 raises #UD */
    bool lock_test = fc->is286 && excp != EXC_UD && lock_is_the_ud(t, &ii);
    uint16_t ud_seg = 0, ud_off = 0;
    if (lock_test) plant_handler(m, t, EXC_UD, 0xD0000, &ud_seg, &ud_off);
    /* class 4: D8 m32real at offset 0xFFFD..0xFFFF, which the 286 (no FPU) ran
     * as a no-op: only IP changed, no memory */
    bool x87_test = fc->is286 && excp < 0 && ii.ok && ii.in.op != INSN_INVALID &&
                    !(ii.in.pfx & PFX_LOCK) && ii.opc == 0xD8 && ii.in.modrm < 0xC0 &&
                    ii.ea > 0xFFFC && t->fina.nram == 0 && t->fina.regs.present &&
                    (t->fina.regs.mask & ~(1u << MOO_R16_FLAGS)) == (1u << MOO_R16_IP) &&
                    t->fina.regs.v[MOO_R16_IP] ==
                        (uint16_t)(t->init.regs.v[MOO_R16_IP] + ii.in.len + 1) &&
                    (!(t->fina.regs.mask & (1u << MOO_R16_FLAGS)) ||
                     ((t->fina.regs.v[MOO_R16_FLAGS] ^ t->init.regs.v[MOO_R16_FLAGS]) & 0x0FFF) == 0);
    uint16_t x87_seg = 0, x87_off = 0;
    if (x87_test)
        plant_handler(m, t, ii.in.seg == SEG_SS ? EXC_SS : EXC_GP, 0xC0000, &x87_seg, &x87_off);

    enum cpu_exit ex = cpu_run(m->cpu, o->budget);
    bool halted = ex == CPU_EXIT_HALT;
    unsigned diffs = compare(m, &e, NULL);
    enum outcome res = halted && diffs == 0 ? OUT_PASS : OUT_FAIL;
    int cls = -1;

    if (res == OUT_FAIL && halted && fc->is286) {
        bool ss_operand = false;
        unsigned sregs = 0;
        if (gp_test) { /* FORMAT.md: 286 #GP where a 386 raises #SS */
            struct expect alt = e;
            alt.val[MOO_R16_CS] = ss_seg;
            alt.val[MOO_R16_IP] = (uint16_t)(ss_off + 1);
            alt.mask[MOO_R16_CS] = alt.mask[MOO_R16_IP] = 0xFFFFFFFFu;
            if (compare(m, &alt, NULL) == 0) cls = CLS_SS_GP;
        }
        if (cls < 0 && lock_test && fault_only(m, t, ud_seg, ud_off)) cls = CLS_LOCK;
        if (cls < 0 && gp_test && is_string_pop_form(&ii, &ss_operand, &sregs) &&
            (string_pop_matches(m, t, &e, sregs, false, 0, 0) ||
             (ss_operand && string_pop_matches(m, t, &e, sregs, true, ss_seg, ss_off))))
            cls = CLS_STRING;
        if (cls < 0 && excp == EXC_UD && ii.ok && ii.in.op != INSN_INVALID &&
            (ii.opc == 0x8C || ii.opc == 0x8E) && ((ii.in.modrm >> 3) & 7) >= 4 &&
            ((ii.in.modrm >> 3) & 7) <= 5 && fsgs_move_matches(m, t, &ii, pre_sel))
            cls = CLS_FSGS;
        if (cls < 0 && x87_test && fault_only(m, t, x87_seg, x87_off)) cls = CLS_X87;
        if (cls < 0 && excp == EXC_DE && ii.ok && ii.in.op != INSN_INVALID && ii.opc == 0xD4 &&
            (ii.in.imm & 0xFF) == 0 && aam0_matches(m, t, &e))
            cls = CLS_AAM0;
        if (cls >= 0) res = OUT_EXPECTED;
    }

    if (res == OUT_FAIL && (o->verbose || o->list_failures)) {
        print_test_header(stdout, "FAIL", fc, t);
        if (o->verbose) {
            if (!halted)
                printf("    did not halt: %s after %llu instructions, at %04x:%04x\n",
                       exit_name(ex), (unsigned long long)o->budget, m->cpu->seg[SEG_CS].sel,
                       m->cpu->eip);
            if (t->has_excp) printf("    (expected exception: vector %u)\n", t->excp_vector);
            compare(m, &e, stdout);
        }
    }
    if (res == OUT_EXPECTED) {
        tot->cls[cls]++;
        list_add(&tot->cls_list[cls], "%s #%u %s", fc->base, t->index, t->name);
        if (o->verbose) {
            char what[64];
            snprintf(what, sizeof(what), "EXPECTED-DIFF(%s)", cls_short[cls]);
            print_test_header(stdout, what, fc, t);
        }
    }
    free(e.mem);
    machine_clean(m, res != OUT_PASS);
    return res;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static void file_stem(const char *base, char *stem, size_t cap)
{
    size_t n = strlen(base);
    const char *suf = ".MOO.gz";
    size_t sl = strlen(suf);
    if (n > sl && !strcasecmp(base + n - sl, suf))
        n -= sl;
    else if (n > 4 && !strcasecmp(base + n - 4, ".MOO"))
        n -= 4;
    snprintf(stem, cap, "%.*s", (int)n, base);
}

static bool filter_match(const char *filter, const char *stem)
{
    if (!filter) return true;
    if (!strcasecmp(filter, stem)) return true;
    /* "F7" selects every F7.N file */
    size_t n = strlen(filter);
    return !strchr(filter, '.') && !strncasecmp(filter, stem, n) && stem[n] == '.';
}

/* Per-directory metadata and revocation list, loaded once per directory. */
struct dirinfo {
    char dir[4096];
    bool loaded;
    bool have_meta;
    struct moo_meta meta;
    struct moo_revoked rev;
};

static void dirinfo_load(struct dirinfo *di, const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (slash)
        snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
    else
        snprintf(dir, sizeof(dir), ".");
    if (di->loaded && !strcmp(di->dir, dir)) return;
    if (di->loaded) {
        moo_meta_free(&di->meta);
        moo_revoked_free(&di->rev);
    }
    memset(di, 0, sizeof(*di));
    snprintf(di->dir, sizeof(di->dir), "%s", dir);
    di->loaded = true;
    char p[4200], err[300];
    struct stat st;
    snprintf(p, sizeof(p), "%s/metadata.json", dir);
    if (stat(p, &st) == 0) {
        if (moo_meta_load(p, &di->meta, err, sizeof(err)))
            fprintf(stderr, "cinder-sst: warning: %s (no flags masks used)\n", err);
        else
            di->have_meta = true;
    }
    snprintf(p, sizeof(p), "%s/revocation_list.txt", dir);
    if (stat(p, &st) == 0 && moo_revoked_load(p, &di->rev, err, sizeof(err)))
        fprintf(stderr, "cinder-sst: warning: %s (no tests revoked)\n", err);
}

static void run_file(struct machine *m, struct dirinfo *di, const char *path, const struct opts *o,
                     struct totals *tot)
{
    struct filectx fc = {.path = path, .base = base_name(path)};
    file_stem(fc.base, fc.stem, sizeof(fc.stem));
    char err[400];
    if (moo_load(path, &fc.f, err, sizeof(err))) {
        printf("%s  ERROR: %s\n", fc.base, err);
        tot->load_errors++;
        list_add(&tot->below_min, "%s (could not be read)", fc.base);
        return;
    }
    dirinfo_load(di, path);
    fc.is286 = fc.f.ntests && !fc.f.tests[0].init.regs.is32;
    fc.meta_mask = 0xFFFFFFFFu;
    uint32_t mm;
    if (di->have_meta && moo_meta_flags_mask(&di->meta, fc.stem, &mm))
        fc.meta_mask = mm | 0xFFFF0000u;

    struct file_result fr = {0};
    uint64_t cls_before[CLS_COUNT];
    memcpy(cls_before, tot->cls, sizeof(cls_before));
    for (uint32_t i = 0; i < fc.f.ntests; i++) {
        const struct moo_test *t = &fc.f.tests[i];
        if (o->test_index >= 0 && t->index != (uint32_t)o->test_index) continue;
        tot->test_matched = true;
        if (o->dump) {
            dump_test(stdout, &fc, t);
            continue;
        }
        switch (run_one(m, &fc, t, o, &di->rev, tot)) {
        case OUT_PASS: fr.passed++; break;
        case OUT_FAIL: fr.failed++; break;
        case OUT_EXPECTED: fr.expected++; break;
        case OUT_SKIP: fr.skipped++; break;
        }
    }
    if (!o->dump) {
        /* The pass rate judged against --min-pass leaves out skipped and
         * classified tests; the raw rate counts classified tests as not passed. */
        uint64_t total = fr.passed + fr.failed, raw_total = total + fr.expected;
        double pct = total ? 100.0 * (double)fr.passed / (double)total : 100.0;
        double raw = raw_total ? 100.0 * (double)fr.passed / (double)raw_total : 100.0;
        printf("%s  %s  %llu/%llu (%.2f%%)  raw %llu/%llu (%.2f%%)", fc.base,
               fc.f.mnemonic[0] ? fc.f.mnemonic : "?", (unsigned long long)fr.passed,
               (unsigned long long)total, pct, (unsigned long long)fr.passed,
               (unsigned long long)raw_total, raw);
        if (fr.skipped) printf("  [skipped %llu]", (unsigned long long)fr.skipped);
        if (fr.expected) {
            printf("  [expected 286-vs-386 difference %llu:", (unsigned long long)fr.expected);
            for (int c = 0; c < CLS_COUNT; c++)
                if (tot->cls[c] != cls_before[c])
                    printf(" %s %llu", cls_short[c],
                           (unsigned long long)(tot->cls[c] - cls_before[c]));
            printf("]");
        }
        printf("\n");
        if (pct < o->min_pass)
            list_add(&tot->below_min, "%s %s %.2f%%", fc.base, fc.f.mnemonic, pct);
        tot->passed += fr.passed;
        tot->failed += fr.failed;
    }
    fflush(stdout);
    moo_file_free(&fc.f);
}

/* ---- file list ---- */

struct paths {
    char **v;
    size_t n, cap;
};

static void paths_add(struct paths *p, const char *s)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        p->v = realloc(p->v, p->cap * sizeof(*p->v));
        if (!p->v) {
            fprintf(stderr, "cinder-sst: out of memory\n");
            exit(2);
        }
    }
    p->v[p->n++] = strdup(s);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_arg(struct paths *p, const char *arg)
{
    struct stat st;
    if (stat(arg, &st) != 0) {
        fprintf(stderr, "cinder-sst: %s: %s\n", arg, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        paths_add(p, arg);
        return 0;
    }
    DIR *d = opendir(arg);
    if (!d) {
        fprintf(stderr, "cinder-sst: %s: %s\n", arg, strerror(errno));
        return -1;
    }
    size_t first = p->n;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if (n > 7 && !strcmp(de->d_name + n - 7, ".MOO.gz")) {
            char full[4200];
            snprintf(full, sizeof(full), "%s/%s", arg, de->d_name);
            paths_add(p, full);
        }
    }
    closedir(d);
    qsort(p->v + first, p->n - first, sizeof(*p->v), cmp_str);
    if (p->n == first) fprintf(stderr, "cinder-sst: warning: no *.MOO.gz files in %s\n", arg);
    return 0;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: cinder-sst [options] FILE|DIR...\n"
            "Runs SingleStepTests MOO vectors (FILE.MOO.gz, or every *.MOO.gz in DIR) on the\n"
            "CPU interpreter.\n"
            "  -v, --verbose        print each failure with its bytes and state differences\n"
            "  --list-failures      print the name of each failing test\n"
            "  --filter OP          run only file OP (\"27\", \"F7.6\"; \"F7\" = all F7.N)\n"
            "  --test N             run only the test with upstream index N\n"
            "  --min-pass PCT       pass percentage every file must reach (default 99.0)\n"
            "  --budget N           instructions a test may run before it counts as not\n"
            "                       halting (default 64)\n"
            "  --dump               print the parsed tests instead of running them\n"
            "  -h, --help           this text\n"
            "Exit status: 0 if every file reached --min-pass, 1 otherwise, 2 on usage error.\n");
}

static int parse_num(const char *opt, const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *end || errno) {
        fprintf(stderr, "cinder-sst: %s: not a number: '%s'\n", opt, s);
        return -1;
    }
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    struct opts o = {.min_pass = 99.0, .test_index = -1, .budget = 64};
    struct paths files = {0};
    int bad = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        double v;
        bool need = !strcmp(a, "--filter") || !strcmp(a, "--test") || !strcmp(a, "--min-pass") ||
                    !strcmp(a, "--budget");
        if (need && i + 1 >= argc) {
            fprintf(stderr, "cinder-sst: %s needs a value\n", a);
            return 2;
        }
        if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
            o.verbose = true;
        } else if (!strcmp(a, "--list-failures")) {
            o.list_failures = true;
        } else if (!strcmp(a, "--dump")) {
            o.dump = true;
        } else if (!strcmp(a, "--filter")) {
            o.filter = argv[++i];
        } else if (!strcmp(a, "--test")) {
            if (parse_num(a, argv[++i], &v) || v < 0 || v > 0xFFFFFFFFu || v != (long)v) {
                fprintf(stderr, "cinder-sst: --test: expected a test index\n");
                return 2;
            }
            o.test_index = (long)v;
        } else if (!strcmp(a, "--min-pass")) {
            if (parse_num(a, argv[++i], &v) || v < 0 || v > 100) {
                fprintf(stderr, "cinder-sst: --min-pass: expected 0..100\n");
                return 2;
            }
            o.min_pass = v;
        } else if (!strcmp(a, "--budget")) {
            if (parse_num(a, argv[++i], &v) || v < 1 || v > 1e9) {
                fprintf(stderr, "cinder-sst: --budget: expected 1..1000000000\n");
                return 2;
            }
            o.budget = (uint64_t)v;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "cinder-sst: unknown option '%s' (try --help)\n", a);
            return 2;
        } else if (add_arg(&files, a)) {
            bad = 1;
        }
    }
    if (bad) return 2;
    if (!files.n) {
        usage(stderr);
        return 2;
    }

    struct machine m;
    if (machine_init(&m)) return 2;
    struct totals tot = {0};
    struct dirinfo *di = calloc(1, sizeof(*di));
    if (!di) return 2;
    size_t ran = 0;
    for (size_t i = 0; i < files.n; i++) {
        char stem[16];
        file_stem(base_name(files.v[i]), stem, sizeof(stem));
        if (!filter_match(o.filter, stem)) continue;
        ran++;
        run_file(&m, di, files.v[i], &o, &tot);
    }
    if (o.filter && !ran) fprintf(stderr, "cinder-sst: --filter %s matched no file\n", o.filter);
    if (o.test_index >= 0 && !tot.test_matched)
        fprintf(stderr, "cinder-sst: no test has index %ld in the files run\n", o.test_index);

    uint64_t skipped = 0;
    for (int r = 0; r < SKIP_COUNT; r++)
        skipped += tot.skipped[r];
    if (!o.dump) {
        for (int r = 0; r < SKIP_COUNT; r++) {
            if (!tot.skipped[r]) continue;
            printf("skipped %llu test(s) %s:\n", (unsigned long long)tot.skipped[r], skip_text[r]);
            for (size_t k = 0; k < tot.skip_list[r].n; k++)
                printf("  %s\n", tot.skip_list[r].v[k].text);
        }
        uint64_t classified = 0;
        for (int c = 0; c < CLS_COUNT; c++) {
            if (!tot.cls[c]) continue;
            classified += tot.cls[c];
            printf("expected 286-vs-386 difference: %s: %llu test(s)%s\n", cls_text[c],
                   (unsigned long long)tot.cls[c], o.verbose ? ":" : " (-v lists them)");
            if (o.verbose)
                for (size_t k = 0; k < tot.cls_list[c].n; k++)
                    printf("  %s\n", tot.cls_list[c].v[k].text);
        }
        if (tot.below_min.n) {
            printf("%zu file(s) below --min-pass %.2f%%:\n", tot.below_min.n, o.min_pass);
            for (size_t k = 0; k < tot.below_min.n; k++)
                printf("  %s\n", tot.below_min.v[k].text);
        }
        if (classified)
            printf("%llu classified as expected 286-vs-386 differences (neither passed nor "
                   "failed)\n",
                   (unsigned long long)classified);
        printf("%llu passed, %llu failed, %llu skipped\n", (unsigned long long)tot.passed,
               (unsigned long long)tot.failed, (unsigned long long)skipped);
    }
    int status = (tot.below_min.n || tot.load_errors || (o.filter && !ran)) ? 1 : 0;

    for (int r = 0; r < SKIP_COUNT; r++)
        list_free(&tot.skip_list[r]);
    for (int c = 0; c < CLS_COUNT; c++)
        list_free(&tot.cls_list[c]);
    list_free(&tot.below_min);
    if (di->loaded) {
        moo_meta_free(&di->meta);
        moo_revoked_free(&di->rev);
    }
    free(di);
    for (size_t i = 0; i < files.n; i++)
        free(files.v[i]);
    free(files.v);
    machine_free(&m);
    return status;
}

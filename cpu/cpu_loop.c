/*
 * cpu_loop.c - the run loop: find or decode the block at CS:EIP, execute it,
 * service interrupts between blocks, and land faults.
 *
 * Exceptions: a handler that faults calls cpu_raise(), which longjmps to the
 * landing pad in cpu_run().  There EIP is put back to the faulting
 * instruction and intr.c delivers the exception (escalating to #DF and
 * shutdown).  So a handler must not commit architectural state before its
 * last possible fault: load and check first, write back last.  String
 * instructions update ECX/ESI/EDI per iteration, so a restart is correct.
 *
 * Two speeds:
 *  - fast: run whole decoded blocks; interrupts are checked only between
 *    blocks (a device raising INTR sets stop_block to end the block early);
 *  - careful: one instruction at a time, used while something must happen at
 *    instruction granularity: EFLAGS.TF (single-step trap), armed DR7
 *    breakpoints, RF, the STI/MOV SS interrupt shadow, and -d exec/cpu traces.
 *
 * Sources: SDM vol. 3A 6.8.3 (interrupt shadow), 6.9 (priorities between
 * simultaneous events), 17.3 (debug exception conditions).
 */
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/decode.h"
#include "cpu/decoded_cache.h"
#include "cpu/except.h"
#include "cpu/insn_table.h"
#include "cpu/intr.h"
#include "cpu/mmu.h"
#include "cpu/trace.h"
#include "mem/bus.h"
#include "mem/log.h"

/* ---- decoding a block ---- */

/* Bytes of CS that may be fetched from offset eip (0 if eip is past the limit). */
static uint32_t cs_bytes_left(const struct cpu *c, uint32_t eip)
{
    const struct seg *cs = &c->seg[SEG_CS];
    if (eip > cs->limit)
        return 0;
    uint64_t n = (uint64_t)cs->limit - eip + 1;
    return n > 0x1000 ? 0x1000 : (uint32_t)n;
}

static void trace_decoded(struct cpu *c, uint32_t eip, const uint8_t *bytes, unsigned len)
{
    if (log_enabled(LOG_IN_ASM))
        trace_insn(c, c->seg[SEG_CS].base, eip, bytes, len, cpu_code32(c));
}

/* One instruction that straddles a page or lives in MMIO: gathered into a
 * buffer and decoded into a one-off block that is never cached. */
static struct dblock *decode_single(struct cpu *c, uint32_t eip, uint32_t lin, uint32_t paddr,
                                    const uint8_t *host, uint32_t mode)
{
    uint8_t buf[X86_MAX_INSN_LEN] = {0};
    uint32_t limit_left = cs_bytes_left(c, eip);
    unsigned have = 0;
    unsigned in_page = 0x1000 - (lin & 0xfff);
    unsigned want = X86_MAX_INSN_LEN < limit_left ? X86_MAX_INSN_LEN : limit_left;
    for (; have < want && have < in_page; have++)
        buf[have] = host ? host[have] : (uint8_t)bus_phys_read(c->bus, paddr + have, 1);
    struct insn in;
    int len = x86_decode(&in, buf, have, mode);
    if (len == -DECODE_NEED_MORE && have < want) {
        /* The rest is on the next page: fetching it may #PF, as on hardware. */
        uint32_t paddr2;
        const uint8_t *host2 = tlb_fetch_ptr(c, lin + have, &paddr2);
        for (unsigned k = 0; have < want; k++, have++)
            buf[have] = host2 ? host2[k] : (uint8_t)bus_phys_read(c->bus, paddr2 + k, 1);
        len = x86_decode(&in, buf, have, mode);
    }
    if (len < 0)
        cpu_raise_gp0(c); /* the instruction runs past the CS limit */
    trace_decoded(c, eip, buf, (unsigned)len);
    struct dblock *b = dcache_scratch(c->dcache);
    b->phys = paddr;
    b->mode = mode;
    b->bytes = (uint32_t)len;
    b->n = 1;
    b->insns[0] = in;
    b->cached = false;
    c->stat_decodes++;
    return b;
}

static struct dblock *decode_block(struct cpu *c, uint32_t eip, uint32_t lin, uint32_t paddr,
                                   const uint8_t *host, uint32_t mode)
{
    struct insn tmp[DBLOCK_MAX_INSNS];
    uint32_t in_page = 0x1000 - (lin & 0xfff);
    uint32_t limit_left = cs_bytes_left(c, eip);
    uint32_t avail = in_page < limit_left ? in_page : limit_left;
    uint32_t off = 0;
    unsigned n = 0;
    while (n < DBLOCK_MAX_INSNS && off < avail) {
        int len = x86_decode(&tmp[n], host + off, avail - off, mode);
        if (len < 0)
            break; /* straddles the page end or the CS limit: its own block */
        trace_decoded(c, eip + off, host + off, (unsigned)len);
        off += (uint32_t)len;
        uint32_t attrs = insn_rows[tmp[n].op].attrs;
        n++;
        if (attrs & (A_END | A_UD))
            break;
    }
    if (n == 0)
        return decode_single(c, eip, lin, paddr, host, mode);
    struct dblock *b = dblock_alloc(n);
    memcpy(b->insns, tmp, n * sizeof(struct insn));
    b->phys = paddr;
    b->mode = mode;
    b->bytes = off;
    b->n = (uint16_t)n;
    c->stat_decodes++;
    dcache_insert(c->dcache, b);
    bus_code_mark(c->bus, paddr, off);
    return b;
}

/* The jump cache key of the current mode: mode key plus the CPL-3 bit. */
static inline uint32_t jcache_key(const struct cpu *c)
{
    return cpu_mode_key(c) | (c->cpl == 3 ? 0x80000000u : 0);
}

/* The block at CS:EIP when the jump cache has it (NULL otherwise).  Inline:
 * this is the per-block lookup of the fast loop. */
static inline struct dblock *jcache_find(struct cpu *c)
{
    uint32_t eip = c->eip;
    const struct seg *cs = &c->seg[SEG_CS];
    uint32_t lin = cs->base + eip;
    const struct jump_cache_entry *j =
        &c->jcache[(lin ^ (lin >> JCACHE_BITS)) & (JCACHE_SIZE - 1)];
    if (likely(j->lin == lin && j->key == jcache_key(c) && j->gen == c->jcache_gen &&
               (uint64_t)eip + j->b->bytes - 1 <= cs->limit))
        return j->b;
    return NULL;
}

/* The block at CS:EIP, from the cache when possible.  May raise #PF/#GP. */
static struct dblock *fetch_block_slow(struct cpu *c)
{
    uint32_t eip = c->eip;
    const struct seg *cs = &c->seg[SEG_CS];
    uint32_t lin = cs->base + eip;
    uint32_t key = jcache_key(c);
    struct jump_cache_entry *j = &c->jcache[(lin ^ (lin >> JCACHE_BITS)) & (JCACHE_SIZE - 1)];
    if (eip > cs->limit)
        cpu_raise_gp0(c);
    uint32_t paddr;
    const uint8_t *host = tlb_fetch_ptr(c, lin, &paddr);
    uint32_t mode = cpu_mode_key(c);
    if (!host)
        return decode_single(c, eip, lin, paddr, NULL, mode);
    struct dblock *b = dcache_lookup(c->dcache, paddr, mode);
    if (b && (uint64_t)eip + b->bytes - 1 > cs->limit)
        return decode_single(c, eip, lin, paddr, host, mode); /* cached for a roomier limit */
    if (!b)
        b = decode_block(c, eip, lin, paddr, host, mode);
    if (b->cached) {
        j->lin = lin;
        j->key = key;
        j->gen = c->jcache_gen;
        j->b = b;
    }
    return b;
}

static inline struct dblock *fetch_block(struct cpu *c)
{
    struct dblock *b = jcache_find(c);
    return likely(b != NULL) ? b : fetch_block_slow(c);
}

/* ---- executing ---- */

static inline __attribute__((always_inline)) void exec_block(struct cpu *c,
                                                             const struct dblock *b, unsigned max)
{
    const struct insn *i = b->insns;
    const struct insn *end = i + (max < b->n ? max : b->n);
    /* 16-bit code: IP wraps within the segment (as on the 286 and in every
     * real-mode BIOS that relies on it). */
    uint32_t ip_mask = (b->mode & MODE_CODE32) ? 0xffffffffu : 0xffffu;
    for (; i < end; i++) {
        c->insn_eip = c->eip;
        c->eip = (c->eip + i->len) & ip_mask;
        c->icount++;
        i->fn(c, i);
        if (unlikely(c->stop_block))
            break; /* b may have been invalidated: do not touch it again */
    }
}

static bool exec_breakpoint_armed(const struct cpu *c)
{
    uint32_t dr7 = c->dr[7];
    if (!(dr7 & 0xff))
        return false;
    for (int n = 0; n < 4; n++)
        if (((dr7 >> (n * 2)) & 3) && ((dr7 >> (16 + n * 4)) & 3) == 0)
            return true;
    return false;
}

/* Instruction breakpoints are faults checked before the instruction runs
 * (suppressed by RF). */
static void check_exec_breakpoints(struct cpu *c)
{
    if (c->eflags & FL_RF)
        return;
    uint32_t lin = c->seg[SEG_CS].base + c->eip;
    uint32_t dr7 = c->dr[7], hit = 0;
    for (int n = 0; n < 4; n++)
        if (((dr7 >> (n * 2)) & 3) && ((dr7 >> (16 + n * 4)) & 3) == 0 && c->dr[n] == lin)
            hit |= 1u << n;
    if (hit) {
        c->dr[6] = (c->dr[6] & ~0xfu) | hit;
        cpu_raise_noerr(c, EXC_DB);
    }
}

/* Delivers a #DB trap with the DR6 bits collected for it.  A trap returns
 * to c->eip: the next instruction, the new task's first one (T bit), or the
 * REP string itself when it stopped after the element that hit a data
 * breakpoint (ops_string.c). */
static void deliver_db_trap(struct cpu *c, uint32_t dr6)
{
    c->dr[6] = (c->dr[6] & ~0x400fu) | dr6;
    c->insn_eip = c->eip;
    cpu_interrupt(c, EXC_DB, INTR_EXC, false, 0);
}

/* One instruction with every per-instruction duty (see the file comment).
 *
 * RF is cleared as the instruction starts rather than after it, so an
 * instruction that loads EFLAGS wholesale (IRET, a task switch) keeps the RF
 * it loaded: that is how a debugger resumes at an instruction breakpoint
 * (SDM 17.3.1.1).  A fault inside the instruction still pushes RF=1 (except.c).
 *
 * MOV SS/POP SS hold #DB traps (single-step, data breakpoints) as well as
 * interrupts until the next instruction completes; the held DR6 bits wait in
 * pending_dr6 and are reported together with that instruction's (SDM 6.8.3).
 * Anything else left in pending_dr6 at an instruction boundary (the T bit of
 * a task switch made by the fast path or by an interrupt delivery) is
 * delivered before the next instruction runs. */
static void step_careful(struct cpu *c)
{
    bool tf = c->eflags & FL_TF;
    bool held = c->trap_shadow;
    uint32_t dr6 = c->pending_dr6;
    c->trap_shadow = false;
    c->pending_dr6 = 0;
    c->insn_eip = c->eip;
    if (dr6 && !held) {
        deliver_db_trap(c, dr6);
        return;
    }
    if (exec_breakpoint_armed(c))
        check_exec_breakpoints(c);
    if (log_enabled(LOG_CPU))
        trace_cpu_state(c);
    struct dblock *b = fetch_block(c);
    if (log_enabled(LOG_EXEC))
        log_printf(LOG_EXEC, "Trace %04x:%08x [%08x]\n", c->seg[SEG_CS].sel, c->eip,
                   c->seg[SEG_CS].base + c->eip);
    c->eflags &= ~FL_RF; /* cleared by completing the instruction (see above) */
    exec_block(c, b, 1);
    dr6 |= c->pending_dr6;
    c->pending_dr6 = 0;
    if (tf)
        dr6 |= 0x4000; /* BS */
    if (c->trap_shadow) {
        c->pending_dr6 = dr6; /* MOV SS: report after the next instruction */
        return;
    }
    if (dr6)
        deliver_db_trap(c, dr6);
}

static inline bool needs_careful_step(const struct cpu *c)
{
    return (c->eflags & (FL_TF | FL_RF)) || c->intr_shadow || (c->dr[7] & 0xff) ||
           c->pending_dr6 || log_enabled(LOG_EXEC) || log_enabled(LOG_CPU);
}

/* True when the top of run_loop would do nothing but count the block and
 * fetch the next one: no stop request, shutdown, exit, shadow, halt, pending
 * NMI, #DB trap or deliverable INTR, budget left, and no reason for the
 * careful step.  One expression without branches, evaluated after every block
 * of the fast path, so that path can skip the loop top.  Keep it in step with
 * run_loop, service_interrupts and needs_careful_step. */
static inline bool fast_continue(const struct cpu *c)
{
    uint32_t fl = c->eflags;
    unsigned stop = (unsigned)c->stop_block | (unsigned)c->shutdown | (unsigned)c->exit_request |
                    (unsigned)c->intr_shadow | (unsigned)c->halted | (unsigned)c->nmi_pending |
                    ((unsigned)c->intr_line & ((fl & FL_IF) != 0)) | (c->pending_dr6 != 0) |
                    ((fl & (FL_TF | FL_RF)) != 0) | ((c->dr[7] & 0xff) != 0) |
                    ((log_mask & ((1ull << LOG_EXEC) | (1ull << LOG_CPU))) != 0);
    return !stop && c->icount < c->icount_limit;
}

/* External events between instructions, by the SDM 6.9 priorities (NMI
 * before INTR; a #DB trap still pending from the previous instruction, such
 * as a task switch's T bit, goes first: step_careful delivers it).  Returns
 * true when one was delivered. */
static bool service_interrupts(struct cpu *c)
{
    if (c->intr_shadow || c->pending_dr6 ||
        !(c->nmi_pending || (c->intr_line && (c->eflags & FL_IF))))
        return false;
    if (c->nmi_pending && !c->nmi_blocked) {
        c->nmi_pending = false;
        c->nmi_blocked = true;
        c->halted = false;
        c->insn_eip = c->eip;
        cpu_interrupt(c, EXC_NMI, INTR_EXT, false, 0);
        return true;
    }
    if (c->intr_line && (c->eflags & FL_IF) && c->irq_ack.ack) {
        int vector = c->irq_ack.ack(c->irq_ack.opaque);
        c->halted = false;
        if (vector < 0)
            return false; /* the PIC withdrew the request */
        c->insn_eip = c->eip;
        if (log_enabled(LOG_INT))
            trace_interrupt(c, vector, INTR_EXT, false, 0);
        cpu_interrupt(c, vector & 0xff, INTR_EXT, false, 0);
        return true;
    }
    return false;
}

static enum cpu_exit run_loop(struct cpu *c)
{
    dcache_collect(c->dcache);
    for (;;) {
        /* Blocks are only removed by events that also set stop_block, and no
         * block is running here, so this is when their memory can go. */
        if (unlikely(c->stop_block)) {
            c->stop_block = false;
            dcache_collect(c->dcache);
        }
        if (c->shutdown)
            return CPU_EXIT_SHUTDOWN;
        if (c->exit_request) {
            c->exit_request = false;
            return CPU_EXIT_REQUEST;
        }
        bool shadow = c->intr_shadow;
        service_interrupts(c);
        if (c->halted)
            return CPU_EXIT_HALT;
        if (c->icount >= c->icount_limit)
            return CPU_EXIT_BUDGET;
        c->stat_blocks++;
        if (needs_careful_step(c)) {
            step_careful(c);
            if (shadow)
                c->intr_shadow = false; /* the shadowed instruction has run */
            continue;
        }
        c->insn_eip = c->eip;
        struct dblock *b = fetch_block(c);
        for (;;) {
            b->exec_count++;
            exec_block(c, b, DBLOCK_MAX_INSNS);
            /* Straight on to the next block while the checks above would all
             * pass (fast_continue) and the jump cache has it; anything else
             * goes round the full loop. */
            if (unlikely(!fast_continue(c)))
                break;
            c->insn_eip = c->eip;
            b = jcache_find(c);
            if (unlikely(!b))
                break;
            c->stat_blocks++;
        }
    }
}

enum cpu_exit cpu_run(struct cpu *c, uint64_t max_insns)
{
    c->icount_limit = c->icount + max_insns;
    if (setjmp(c->fault_jmp) != 0) {
        /* Landed from cpu_raise(): back to the faulting instruction. */
        c->eip = c->insn_eip;
        c->stop_block = false;
        c->pending_dr6 = 0;
        /* Every delivery uses up budget, so a guest whose handlers fault
         * forever (an IVT pointing at the CS limit) still returns to the board. */
        c->icount++;
        if (log_enabled(LOG_INT))
            trace_interrupt(c, c->exc_vector, INTR_EXC, c->exc_has_error, c->exc_error);
        cpu_deliver_exception(c);
    }
    c->in_run = true;
    enum cpu_exit why = run_loop(c);
    c->in_run = false;
    return why;
}

void cpu_set_intr(struct cpu *c, bool level)
{
    c->intr_line = level;
    if (level)
        c->stop_block = true;
}

void cpu_set_nmi(struct cpu *c)
{
    c->nmi_pending = true;
    c->stop_block = true;
}

void cpu_request_exit(struct cpu *c)
{
    c->exit_request = true;
    c->stop_block = true;
}

uint64_t cpu_insn_count(const struct cpu *c) { return c->icount; }

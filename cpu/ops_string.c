/*
 * ops_string.c - string instructions MOVS CMPS STOS LODS SCAS INS OUTS with
 * the REP / REPE / REPNE prefixes.
 *
 * Sources: Intel SDM vol. 2 "MOVS", "CMPS", "STOS", "LODS", "SCAS", "INS",
 * "OUTS", "REP/REPE/REPZ/REPNE/REPNZ"; vol. 1 18.5 (I/O permission).
 *
 * The address size picks SI/DI/CX or ESI/EDI/ECX (a 16-bit address size
 * changes only the low words); the destination is always ES:(E)DI and the
 * source segment may be overridden.  A REP string runs inside one handler
 * call, but ECX/ESI/EDI are updated after every element so that a fault
 * restarts at the right element, and after a bounded chunk, or when
 * something set c->stop_block (an interrupt is pending), the handler leaves
 * EIP at the instruction so it resumes after the interrupt is taken.  An
 * element that hits a data breakpoint (c->pending_dr6, from tlb.c) ends the
 * handler the same way: the #DB trap comes after that iteration, with EIP at
 * the REP instruction and ECX/ESI/EDI counting the rest (SDM vol. 3A
 * 17.3.1.2, "Repeated string instructions").
 * F2 acts like F3 for the non-comparing strings.
 * Not emulated: the fast-string bulk copy (each element goes through the
 * MMU), and the rule that a REP string's interrupt window is one element.
 */
#include "cpu/alu.h"
#include "cpu/except.h"
#include "cpu/insn.h"
#include "cpu/ops.h"
#include "cpu/seg.h"
#include "mem/bus.h"

/* Elements per handler call before EIP is parked to let interrupts in. */
#define STRING_CHUNK 4096u

enum str_kind { STR_MOVS, STR_CMPS, STR_STOS, STR_LODS, STR_SCAS, STR_INS, STR_OUTS };

static inline void idx_set(struct cpu *c, unsigned r, uint32_t v, uint32_t am)
{
    c->regs[r] = (c->regs[r] & ~am) | (v & am);
}

static inline void idx_add(struct cpu *c, unsigned r, uint32_t delta, uint32_t am)
{
    idx_set(c, r, c->regs[r] + delta, am);
}

/* One element: memory and port traffic first, then the index registers. */
static void string_step(struct cpu *c, const struct insn *i, enum str_kind k, uint32_t am,
                        uint32_t delta)
{
    unsigned size = i->size;
    uint32_t si = c->regs[R_ESI] & am, di = c->regs[R_EDI] & am, v;
    uint16_t port = (uint16_t)c->regs[R_EDX];
    switch (k) {
    case STR_MOVS:
        v = cpu_read(c, i->seg, si, size);
        cpu_write(c, SEG_ES, di, v, size);
        idx_add(c, R_ESI, delta, am);
        idx_add(c, R_EDI, delta, am);
        break;
    case STR_CMPS: {
        uint32_t a = cpu_read(c, i->seg, si, size);
        uint32_t b = cpu_read(c, SEG_ES, di, size);
        alu_sub(c, a, b, size);
        idx_add(c, R_ESI, delta, am);
        idx_add(c, R_EDI, delta, am);
        break;
    }
    case STR_STOS:
        cpu_write(c, SEG_ES, di, reg_read(c, R_EAX, size), size);
        idx_add(c, R_EDI, delta, am);
        break;
    case STR_LODS:
        reg_write(c, R_EAX, cpu_read(c, i->seg, si, size), size);
        idx_add(c, R_ESI, delta, am);
        break;
    case STR_SCAS:
        alu_sub(c, reg_read(c, R_EAX, size), cpu_read(c, SEG_ES, di, size), size);
        idx_add(c, R_EDI, delta, am);
        break;
    case STR_INS:
        /* Check the destination before the port read, which may have side effects. */
        cpu_probe_write(c, SEG_ES, di, size);
        v = bus_port_read(c->bus, port, size);
        cpu_write(c, SEG_ES, di, v, size);
        idx_add(c, R_EDI, delta, am);
        break;
    case STR_OUTS:
        v = cpu_read(c, i->seg, si, size);
        bus_port_write(c->bus, port, v, size);
        idx_add(c, R_ESI, delta, am);
        break;
    }
}

static void string_op(struct cpu *c, const struct insn *i, enum str_kind k)
{
    uint32_t am = insn_amask(i);
    uint32_t delta = (c->eflags & FL_DF) ? (uint32_t)-(int32_t)i->size : i->size;
    bool compares = k == STR_CMPS || k == STR_SCAS;

    if (k == STR_INS || k == STR_OUTS) {
        if (!(i->pfx & (PFX_REP | PFX_REPNE)) || (c->regs[R_ECX] & am) != 0)
            cpu_io_check(c, (uint16_t)c->regs[R_EDX], i->size);
    }
    if (!(i->pfx & (PFX_REP | PFX_REPNE))) {
        string_step(c, i, k, am, delta);
        return;
    }
    /* F2 is REPNE for CMPS/SCAS; when both prefixes are present the last
     * one wins on hardware, which the decoder does not record: F2 is taken. */
    bool repne = i->pfx & PFX_REPNE;
    for (unsigned n = 1;; n++) {
        uint32_t count = c->regs[R_ECX] & am;
        if (count == 0)
            return;
        string_step(c, i, k, am, delta);
        idx_set(c, R_ECX, count - 1, am);
        if (count == 1)
            return;
        if (compares && flags_zf(c) == repne)
            return;
        if (n >= STRING_CHUNK || c->stop_block || c->pending_dr6) {
            c->eip = c->insn_eip;
            c->stop_block = true;
            return;
        }
    }
}

void op_movs(struct cpu *c, const struct insn *i) { string_op(c, i, STR_MOVS); }
void op_cmps(struct cpu *c, const struct insn *i) { string_op(c, i, STR_CMPS); }
void op_stos(struct cpu *c, const struct insn *i) { string_op(c, i, STR_STOS); }
void op_lods(struct cpu *c, const struct insn *i) { string_op(c, i, STR_LODS); }
void op_scas(struct cpu *c, const struct insn *i) { string_op(c, i, STR_SCAS); }
void op_ins(struct cpu *c, const struct insn *i) { string_op(c, i, STR_INS); }
void op_outs(struct cpu *c, const struct insn *i) { string_op(c, i, STR_OUTS); }

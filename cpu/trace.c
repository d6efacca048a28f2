/*
 * trace.c - -d in_asm/exec/cpu/int output, with capstone for disassembly.
 *
 * Formats follow QEMU's -d output closely enough that a side-by-side diff of
 * a Cinder and a QEMU trace of the same guest is readable: one line per
 * instruction "0xLINEAR: mnemonic operands", a register block like QEMU's
 * "-d cpu", and one line per interrupt.
 *
 * The capstone handle is the one piece of process-wide state here besides the
 * log sink: it is a host resource, created on first use and freed by
 * trace_shutdown(); it holds no guest state.
 *
 * Not done: FPU/MMX registers in the state dump, symbolic names.
 */
#include "cpu/trace.h"

#include <capstone/capstone.h>
#include <stdio.h>

#include "cpu/cpu.h"
#include "cpu/intr.h"
#include "mem/log.h"

static csh trace_cs;       /* capstone handle, 0 until first use */
static bool trace_cs_ok;   /* trace_cs is open */
static bool trace_cs_failed; /* cs_open failed once: do not retry on every insn */

_Static_assert(INTR_EXT == 0 && INTR_EXC == 1 && INTR_SOFT == 2 && INTR_ICEBP == 3,
               "trace_interrupt's kind names follow enum intr_kind");

static bool trace_open(bool code32)
{
    if (!trace_cs_ok && !trace_cs_failed) {
        if (cs_open(CS_ARCH_X86, CS_MODE_32, &trace_cs) == CS_ERR_OK)
            trace_cs_ok = true;
        else
            trace_cs_failed = true;
    }
    if (trace_cs_ok)
        cs_option(trace_cs, CS_OPT_MODE, code32 ? CS_MODE_32 : CS_MODE_16);
    return trace_cs_ok;
}

void trace_shutdown(void)
{
    if (trace_cs_ok)
        cs_close(&trace_cs);
    trace_cs_ok = false;
}

void trace_insn(struct cpu *c, uint32_t cs_base, uint32_t eip, const uint8_t *bytes,
                unsigned len, bool code32)
{
    FILE *out = log_file();
    uint32_t lin = cs_base + eip;
    cs_insn *insn = NULL;
    size_t n = 0;
    if (len && trace_open(code32))
        n = cs_disasm(trace_cs, bytes, len, lin, 1, &insn);
    if (n == 1) {
        fprintf(out, "0x%08x: %s%s%s\n", lin, insn[0].mnemonic, insn[0].op_str[0] ? " " : "",
                insn[0].op_str);
        cs_free(insn, n);
        return;
    }
    fprintf(out, "0x%08x: (bad)", lin);
    for (unsigned i = 0; i < len && i < 15; i++)
        fprintf(out, " %02x", bytes[i]);
    fputc('\n', out);
}

static void trace_seg(FILE *out, const char *name, const struct seg *s)
{
    fprintf(out, "%-3s=%04x %08x %08x %04x\n", name, s->sel, s->base, s->limit, s->flags);
}

void trace_cpu_state(struct cpu *c)
{
    static const char *const seg_names[SEG_COUNT] = {"ES", "CS", "SS", "DS", "FS", "GS"};
    FILE *out = log_file();
    uint32_t fl = cpu_get_eflags(c);
    fprintf(out, "EAX=%08x EBX=%08x ECX=%08x EDX=%08x\n", c->regs[R_EAX], c->regs[R_EBX],
            c->regs[R_ECX], c->regs[R_EDX]);
    fprintf(out, "ESI=%08x EDI=%08x EBP=%08x ESP=%08x\n", c->regs[R_ESI], c->regs[R_EDI],
            c->regs[R_EBP], c->regs[R_ESP]);
    fprintf(out, "EIP=%08x EFL=%08x [%c%c%c%c%c%c%c] CPL=%u II=%d A20=%d HLT=%d\n", c->eip, fl,
            fl & FL_DF ? 'D' : '-', fl & FL_OF ? 'O' : '-', fl & FL_SF ? 'S' : '-',
            fl & FL_ZF ? 'Z' : '-', fl & FL_AF ? 'A' : '-', fl & FL_PF ? 'P' : '-',
            fl & FL_CF ? 'C' : '-', c->cpl, c->intr_shadow, c->a20_mask == 0xFFFFFFFFu,
            c->halted);
    for (int i = 0; i < SEG_COUNT; i++)
        trace_seg(out, seg_names[i], &c->seg[i]);
    trace_seg(out, "LDT", &c->ldtr);
    trace_seg(out, "TR", &c->tr);
    fprintf(out, "GDT=     %08x %08x\n", c->gdtr.base, c->gdtr.limit);
    fprintf(out, "IDT=     %08x %08x\n", c->idtr.base, c->idtr.limit);
    fprintf(out, "CR0=%08x CR2=%08x CR3=%08x CR4=%08x\n", c->cr0, c->cr2, c->cr3, c->cr4);
    fprintf(out, "DR6=%08x DR7=%08x EFER=%016llx\n", c->dr[6], c->dr[7],
            (unsigned long long)c->efer);
}

void trace_interrupt(struct cpu *c, int vector, int kind, bool has_err, uint32_t err)
{
    static const char *const kinds[] = {"ext", "exc", "int", "icebp"};
    const char *k = kind >= 0 && kind < (int)(sizeof(kinds) / sizeof(kinds[0])) ? kinds[kind]
                                                                             : "?";
    FILE *out = log_file();
    fprintf(out, "int: v=%02x %s", vector & 0xff, k);
    if (has_err)
        fprintf(out, " e=%04x", err);
    fprintf(out, " cpl=%u pc=%08x (%04x:%08x) sp=%04x:%08x eax=%08x cr2=%08x\n", c->cpl,
            c->seg[SEG_CS].base + c->eip, c->seg[SEG_CS].sel, c->eip, c->seg[SEG_SS].sel,
            c->regs[R_ESP], c->regs[R_EAX], c->cr2);
}

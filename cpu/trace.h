/*
 * trace.h - human-readable traces for -d in_asm, exec, cpu, int.
 *
 * Called by the CPU loop when the matching log module is on; output goes to
 * the log sink (-D FILE, else stderr).  Disassembly is capstone's, so a trace
 * also cross-checks our decoder by eye.
 */
#ifndef CINDER_CPU_TRACE_H
#define CINDER_CPU_TRACE_H

#include <stdbool.h>
#include <stdint.h>

struct cpu;

/* "0xLINEAR: mnemonic operands" for the instruction at cs_base + eip. */
void trace_insn(struct cpu *c, uint32_t cs_base, uint32_t eip, const uint8_t *bytes,
                unsigned len, bool code32);
/* General, segment and control registers, EFLAGS, CPL. */
void trace_cpu_state(struct cpu *c);
/* One line per interrupt or exception taken; kind is enum intr_kind (cpu/intr.h). */
void trace_interrupt(struct cpu *c, int vector, int kind, bool has_err, uint32_t err);
/* Free the capstone handle (idempotent). */
void trace_shutdown(void);

#endif

/*
 * except.h - raising exceptions from anywhere inside an instruction.
 *
 * A handler that detects a fault calls cpu_raise(); it never returns: it
 * longjmps to the landing pad in cpu_run (cpu_loop.c), which restores EIP to
 * the faulting instruction and delivers the exception (intr.c), escalating to
 * #DF and then to shutdown (triple fault) by the SDM's table 6-5 rules.
 *
 * Because of this, a handler must not commit architectural state before its
 * last possible fault (load and check first, write back last).
 */
#ifndef CINDER_CPU_EXCEPT_H
#define CINDER_CPU_EXCEPT_H

#include <stdint.h>

#include "cpu/cpu.h"

_Noreturn void cpu_raise(struct cpu *c, int vector, uint32_t error_code);    /* with error code */
_Noreturn void cpu_raise_noerr(struct cpu *c, int vector);                   /* without */
static inline _Noreturn void cpu_raise_ud(struct cpu *c) { cpu_raise_noerr(c, EXC_UD); }
static inline _Noreturn void cpu_raise_gp0(struct cpu *c) { cpu_raise(c, EXC_GP, 0); }
/* Does this vector push an error code (8, 10-14, 17)? */
int exc_has_error_code(int vector);

#endif

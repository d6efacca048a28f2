/*
 * fpu.h - x87 FPU and MMX state embedded in struct cpu.
 *
 * Sources: Intel SDM vol. 1 ch. 8 (x87) and ch. 9 (MMX).  Registers are kept
 * in physical order (R0-R7); ST(i) is R[(top + i) & 7].  Values are exact
 * 80-bit extended reals held by the soft-float library (softfloat80.h), so
 * results do not depend on the host's long double.  MMX registers alias the
 * mantissas of R0-R7 (and an MMX write sets the exponent field to all ones).
 */
#ifndef CINDER_CPU_FPU_H
#define CINDER_CPU_FPU_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/softfloat/softfloat80.h"

struct fpu {
    struct f80 r[8];   /* physical registers R0-R7 */
    uint16_t cw;       /* control word */
    uint16_t sw;       /* status word with TOP in bits 11-13 kept in `top` instead */
    uint16_t tw;       /* full tag word, 2 bits per physical register (00 valid, 01 zero, 10 special, 11 empty) */
    uint8_t top;       /* stack top 0-7 */
    uint16_t fop;      /* last non-control opcode (11 bits) */
    uint32_t fip;      /* last instruction pointer offset */
    uint16_t fcs;      /* its code selector */
    uint32_t fdp;      /* last data operand offset */
    uint16_t fds;      /* its selector */
    uint32_t mxcsr;    /* stored by FXSAVE only (no SSE) */
    bool ferr;         /* FERR# output asserted (CR0.NE=0 error reporting, IRQ 13 on a PC) */
    bool ignne;        /* IGNNE# asserted by the board (port 0xF0 write) until ES clears */
};

struct cpu;
void fpu_reset(struct fpu *f);  /* FNINIT state (also used at RESET with cw = 0x0040 per SDM 9.1.1) */
void fpu_power_on(struct fpu *f);
/* The board's port 0xF0 write: drop FERR# and assert IGNNE# until the guest
 * clears the pending exception (FNCLEX, FNINIT, FLDENV, FRSTOR). */
void fpu_clear_ferr(struct cpu *c);

#endif

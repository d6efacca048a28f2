/*
 * intr.h - delivering interrupts and exceptions (intr.c), IRET, task switches.
 *
 * Sources: SDM vol. 3A ch. 6 (interrupt and exception handling), 7 (task
 * management), 20 (virtual-8086 mode incl. VME).
 */
#ifndef CINDER_CPU_INTR_H
#define CINDER_CPU_INTR_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "cpu/seg.h"

enum intr_kind {
    INTR_EXT,   /* external (PIC) or NMI: no DPL check, EIP = next instruction */
    INTR_EXC,   /* exception: no DPL check; EIP as set by the caller (fault or trap) */
    INTR_SOFT,  /* INT n / INT3 / INTO: gate DPL checked against CPL; VME redirection */
    INTR_ICEBP, /* INT1 (F1): like an exception, no DPL check */
};

/* Deliver `vector` now, through the IVT (real mode), the IDT (protected
 * mode, incl. V86 -> ring 0 and task gates).  The return address pushed is
 * c->eip, so callers set c->eip first (the faulting or the next instruction).
 * May raise (and thus longjmp) if delivery itself faults. */
void cpu_interrupt(struct cpu *c, int vector, enum intr_kind kind, bool has_error, uint32_t error);

/* INT n (CD ib): the IOPL and CR4.VME rules of V86 mode (SDM 20.3.3, table
 * 20-2), then cpu_interrupt(INTR_SOFT).  INT3/INTO use cpu_interrupt directly. */
void cpu_soft_int(struct cpu *c, int vector);

/* Exception landing pad, called by cpu_run after cpu_raise() longjmps and EIP
 * is back at the faulting instruction: applies SDM table 6-5 (double fault,
 * shutdown) and delivers c->exc_vector (except.c). */
void cpu_deliver_exception(struct cpu *c);

/* IRET / IRETD in every mode (real, PM same/outer ring, to V86, NT task return). */
void cpu_iret(struct cpu *c, unsigned osize);

enum task_switch_reason { TS_JMP, TS_CALL, TS_IRET, TS_INT };
/* Hardware task switch to the TSS named by sel (SDM 7.3). */
void cpu_task_switch(struct cpu *c, uint16_t sel, struct descriptor d, enum task_switch_reason why,
                     bool has_error, uint32_t error);

#endif

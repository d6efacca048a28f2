/*
 * except.c - raising exceptions and delivering them with the double-fault
 * rules.
 *
 * Sources: SDM vol. 3A 6.3-6.5 (sources and classes of exceptions, fault vs
 * trap restart points), 6.15 "Exception and Interrupt Reference" (error
 * codes, interrupt 8: table 6-5 "Conditions for Generating a Double Fault"),
 * 17.3.1.1 (RF on fault delivery).
 *
 * cpu_raise() records the exception and longjmps to cpu_run's landing pad,
 * which puts EIP back at the faulting instruction and calls
 * cpu_deliver_exception().  If the delivery itself raises, we come back here
 * with c->delivering still holding the first vector, which is how the
 * double-fault classes are applied without recursion.
 *
 * Not emulated: machine-check exceptions; a shutdown is reported to the loop
 * (CPU_EXIT_SHUTDOWN) and the board decides what a reset means.
 */
#include "cpu/except.h"

#include <stdio.h>
#include <stdlib.h>

#include "cpu/intr.h"

int exc_has_error_code(int vector)
{
    switch (vector) {
    case EXC_DF: case EXC_TS: case EXC_NP: case EXC_SS: case EXC_GP: case EXC_PF: case EXC_AC:
        return 1;
    default:
        return 0;
    }
}

static _Noreturn void raise_common(struct cpu *c, int vector, uint32_t error, bool has_error)
{
    c->exc_vector = vector;
    c->exc_error = error;
    c->exc_has_error = has_error;
    if (!c->in_run) {
        /* Only a programming error gets here: nothing can catch the fault. */
        fprintf(stderr, "cinder: exception %d (error %#x) raised outside cpu_run\n", vector, error);
        abort();
    }
    longjmp(c->fault_jmp, 1);
}

_Noreturn void cpu_raise(struct cpu *c, int vector, uint32_t error_code)
{
    raise_common(c, vector, error_code, exc_has_error_code(vector));
}

_Noreturn void cpu_raise_noerr(struct cpu *c, int vector)
{
    raise_common(c, vector, 0, false);
}

enum exc_class { EXC_BENIGN, EXC_CONTRIBUTORY, EXC_PAGEFAULT, EXC_DOUBLE };

static enum exc_class exc_class(int vector)
{
    switch (vector) {
    case EXC_DE: case EXC_TS: case EXC_NP: case EXC_SS: case EXC_GP:
        return EXC_CONTRIBUTORY;
    case EXC_PF:
        return EXC_PAGEFAULT;
    case EXC_DF:
        return EXC_DOUBLE;
    default:
        return EXC_BENIGN;
    }
}

void cpu_deliver_exception(struct cpu *c)
{
    int vector = c->exc_vector;
    uint32_t error = c->exc_error;
    bool has_error = c->exc_has_error;

    if (c->delivering >= 0) {
        enum exc_class first = exc_class(c->delivering);
        enum exc_class second = exc_class(vector);
        if (first == EXC_DOUBLE) {
            /* A fault while delivering #DF: triple fault. */
            c->shutdown = true;
            c->delivering = -1;
            return;
        }
        if ((first == EXC_CONTRIBUTORY && second == EXC_CONTRIBUTORY) ||
            (first == EXC_PAGEFAULT && second != EXC_BENIGN)) {
            vector = EXC_DF;
            error = 0;
            has_error = true;
        }
        /* Otherwise the second exception is handled serially. */
    }
    c->delivering = vector;
    c->halted = false;
    /* Faults push RF=1 so IRET does not re-trigger an instruction breakpoint;
     * #DB (instruction breakpoints, general detect) pushes it clear. */
    if (vector != EXC_DB)
        c->eflags |= FL_RF;
    cpu_interrupt(c, vector, INTR_EXC, has_error, error);
    c->delivering = -1;
}

/*
 * ops_io.c - IN and OUT with immediate and DX port numbers.
 *
 * Sources: SDM vol. 2 "IN", "OUT"; vol. 1 18.5 (I/O privilege and the TSS
 * I/O permission bit map, checked by cpu_io_check in seg.c).
 *
 * Timing: each IN/OUT adds io_cost_insns to the instruction count, so on the
 * virtual clock it lasts about an ISA bus cycle.  String I/O (INS/OUTS) is
 * not charged: disk PIO moves whole sectors at memory speed.
 *
 * Not emulated: I/O breakpoints (DR7 R/W = 10b with CR4.DE).
 */
#include "cpu/ops.h"
#include "cpu/seg.h"
#include "mem/bus.h"

static void do_in(struct cpu *c, uint16_t port, unsigned size)
{
    cpu_io_check(c, port, size);
    c->icount += c->io_cost_insns; /* the bus cycle ends before the data is there */
    reg_write(c, R_EAX, bus_port_read(c->bus, port, size), size);
}

static void do_out(struct cpu *c, uint16_t port, unsigned size)
{
    cpu_io_check(c, port, size);
    c->icount += c->io_cost_insns;
    bus_port_write(c->bus, port, reg_read(c, R_EAX, size), size);
}

void op_in_imm(struct cpu *c, const struct insn *i) { do_in(c, i->imm & 0xff, i->size); }
void op_in_dx(struct cpu *c, const struct insn *i) { do_in(c, c->regs[R_EDX] & 0xffff, i->size); }
void op_out_imm(struct cpu *c, const struct insn *i) { do_out(c, i->imm & 0xff, i->size); }
void op_out_dx(struct cpu *c, const struct insn *i) { do_out(c, c->regs[R_EDX] & 0xffff, i->size); }

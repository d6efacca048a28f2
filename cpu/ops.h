/*
 * ops.h - declarations of every instruction handler named in insn_table.def.
 * Handlers live in the ops_*.c / fpu_ops.c / mmx_ops.c family files.
 */
#ifndef CINDER_CPU_OPS_H
#define CINDER_CPU_OPS_H

#include "cpu/insn.h"

#define INSN(name, map, opc, reg, attrs, fr, fw, fn) insn_fn fn;
#include "cpu/insn_table.def"
#undef INSN

#endif

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

/* Per-form variants (insn_table.h "Per-form variants"): the same semantics
 * as the row's handler, for a ModRM register operand and a 32-bit operand
 * size only.  decode.c picks them through its reg32_forms[] table. */
#define ALU_REG32_DECL(name)                                                                       \
    insn_fn op_##name##_rm_r_reg32, op_##name##_r_rm_reg32, op_##name##_rm_imm_reg32;
ALU_REG32_DECL(add)
ALU_REG32_DECL(or)
ALU_REG32_DECL(adc)
ALU_REG32_DECL(sbb)
ALU_REG32_DECL(and)
ALU_REG32_DECL(sub)
ALU_REG32_DECL(xor)
ALU_REG32_DECL(cmp)
#undef ALU_REG32_DECL
insn_fn op_test_rm_r_reg32, op_test_rm_imm_reg32, op_inc_rm_reg32, op_dec_rm_reg32;
insn_fn op_mov_rm_r_reg32, op_mov_r_rm_reg32;

#endif

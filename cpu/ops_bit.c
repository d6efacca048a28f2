/*
 * ops_bit.c - bit test and scan: BT BTS BTR BTC (register and imm8 offset)
 * and BSF BSR.
 *
 * Sources: Intel SDM vol. 2 "BT", "BTS", "BTR", "BTC", "BSF", "BSR".
 * With a memory operand and a register offset, the offset is a signed
 * integer of the operand size that may reach outside the operand:
 * the handler moves the address by (offset >> log2(width)) operands.
 * An imm8 offset is taken modulo the width and never moves the address.
 * Flags: only CF for BTx (ZF is kept, OF SF AF PF are undefined and kept);
 * only ZF for BSF/BSR (others undefined and kept); a zero source leaves the
 * destination unchanged, as P6 does.
 */
#include "cpu/except.h"
#include "cpu/flags.h"
#include "cpu/insn.h"
#include "cpu/ops.h"

enum bt_kind { BT_TEST, BT_SET, BT_RESET, BT_COMPLEMENT };

static void bit_op(struct cpu *c, const struct insn *i, uint32_t off, bool reg_off, enum bt_kind k)
{
    unsigned size = i->size, bits = size * 8;
    unsigned bit = off & (bits - 1);
    uint32_t v, ea = 0;
    if (insn_is_reg(i)) {
        v = reg_read(c, insn_rm(i), size);
    } else {
        ea = insn_ea(c, i);
        if (reg_off) {
            int32_t soff = size == 2 ? (int16_t)off : (int32_t)off;
            int32_t units = size == 2 ? soff >> 4 : soff >> 5;
            ea = (ea + (uint32_t)units * size) & insn_amask(i);
        }
        v = cpu_read(c, i->seg, ea, size);
    }
    bool cf = (v >> bit) & 1;
    if (k != BT_TEST) {
        uint32_t m = 1u << bit;
        v = k == BT_SET ? v | m : k == BT_RESET ? v & ~m : v ^ m;
        if (insn_is_reg(i))
            reg_write(c, insn_rm(i), v, size);
        else
            cpu_write(c, i->seg, ea, v, size);
    }
    flags_set_some(c, FL_CF, cf ? FL_CF : 0);
}

void op_bt_rm_r(struct cpu *c, const struct insn *i) { bit_op(c, i, reg_read(c, insn_reg(i), i->size), true, BT_TEST); }
void op_bts_rm_r(struct cpu *c, const struct insn *i) { bit_op(c, i, reg_read(c, insn_reg(i), i->size), true, BT_SET); }
void op_btr_rm_r(struct cpu *c, const struct insn *i) { bit_op(c, i, reg_read(c, insn_reg(i), i->size), true, BT_RESET); }
void op_btc_rm_r(struct cpu *c, const struct insn *i) { bit_op(c, i, reg_read(c, insn_reg(i), i->size), true, BT_COMPLEMENT); }
void op_bt_rm_imm(struct cpu *c, const struct insn *i) { bit_op(c, i, i->imm, false, BT_TEST); }
void op_bts_rm_imm(struct cpu *c, const struct insn *i) { bit_op(c, i, i->imm, false, BT_SET); }
void op_btr_rm_imm(struct cpu *c, const struct insn *i) { bit_op(c, i, i->imm, false, BT_RESET); }
void op_btc_rm_imm(struct cpu *c, const struct insn *i) { bit_op(c, i, i->imm, false, BT_COMPLEMENT); }

void op_bsf(struct cpu *c, const struct insn *i)
{
    uint32_t v = rm_read(c, i, i->size);
    if (v == 0) {
        flags_set_some(c, FL_ZF, FL_ZF);
        return;
    }
    reg_write(c, insn_reg(i), (uint32_t)__builtin_ctz(v), i->size);
    flags_set_some(c, FL_ZF, 0);
}

void op_bsr(struct cpu *c, const struct insn *i)
{
    uint32_t v = rm_read(c, i, i->size);
    if (v == 0) {
        flags_set_some(c, FL_ZF, FL_ZF);
        return;
    }
    reg_write(c, insn_reg(i), 31u - (uint32_t)__builtin_clz(v), i->size);
    flags_set_some(c, FL_ZF, 0);
}

/*
 * ops_shift.c - shift and rotate group (C0/C1/D0-D3) and SHLD/SHRD.
 *
 * Sources: Intel SDM vol. 2 "SAL/SAR/SHL/SHR", "RCL/RCR/ROL/ROR", "SHLD",
 * "SHRD".  The arithmetic and the undefined-flag policy live in alu.c; the
 * handlers here fetch the operand and the count, and write back.
 * A count that is 0 after the 5-bit mask changes nothing, not even flags;
 * the memory operand is still read (it can fault) but not written.
 * Not emulated: the 8086 behaviour of unmasked counts.
 */
#include "cpu/alu.h"
#include "cpu/except.h"
#include "cpu/insn.h"
#include "cpu/ops.h"

static void shift_rm(struct cpu *c, const struct insn *i, unsigned count)
{
    unsigned size = i->size;
    uint32_t v = rm_read(c, i, size);
    count &= 0x1f;
    if (count == 0)
        return;
    uint32_t fl;
    if (insn_reg(i) <= SH_ROR) {
        /* ROL/ROR inline (the hot rotates): the same rules as alu_shift;
         * only CF and OF change. */
        unsigned bits = size * 8, n = count & (bits - 1), top = bits - 1;
        uint32_t m = size_mask(size);
        v &= m;
        uint32_t r = v;
        bool cf, of;
        if (insn_reg(i) == SH_ROL) {
            if (n)
                r = ((v << n) | (v >> (bits - n))) & m;
            cf = r & 1;
            of = cf ^ ((r >> top) & 1);
        } else {
            if (n)
                r = ((v >> n) | (v << (bits - n))) & m;
            cf = (r >> top) & 1;
            of = cf ^ ((r >> (top - 1)) & 1);
        }
        fl = (flags_arith(c) & ~(FL_CF | FL_OF)) | (cf ? FL_CF : 0) | (of ? FL_OF : 0);
        rm_write(c, i, r, size);
        flags_set_arith(c, fl);
        return;
    }
    /* Shifts define all six flags; only rotates carry the old ones through. */
    uint32_t fl_in = insn_reg(i) < 4 ? flags_arith(c) : 0;
    uint32_t r = alu_shift((enum shift_op)insn_reg(i), v, count, size, fl_in, &fl);
    rm_write(c, i, r, size);
    flags_set_arith(c, fl);
}

void op_shift_1(struct cpu *c, const struct insn *i) { shift_rm(c, i, 1); }
void op_shift_cl(struct cpu *c, const struct insn *i) { shift_rm(c, i, c->regs[R_ECX] & 0xff); }
void op_shift_imm(struct cpu *c, const struct insn *i) { shift_rm(c, i, i->imm & 0xff); }

static void shxd(struct cpu *c, const struct insn *i, unsigned count, bool left)
{
    unsigned size = i->size;
    uint32_t dst = rm_read(c, i, size);
    uint32_t src = reg_read(c, insn_reg(i), size);
    count &= 0x1f;
    if (count == 0)
        return;
    uint32_t fl, r;
    if (left)
        r = alu_shld(dst, src, count, size, flags_arith(c), &fl);
    else
        r = alu_shrd(dst, src, count, size, flags_arith(c), &fl);
    rm_write(c, i, r, size);
    flags_set_arith(c, fl);
}

void op_shld_imm(struct cpu *c, const struct insn *i) { shxd(c, i, i->imm, true); }
void op_shld_cl(struct cpu *c, const struct insn *i) { shxd(c, i, c->regs[R_ECX], true); }
void op_shrd_imm(struct cpu *c, const struct insn *i) { shxd(c, i, i->imm, false); }
void op_shrd_cl(struct cpu *c, const struct insn *i) { shxd(c, i, c->regs[R_ECX], false); }

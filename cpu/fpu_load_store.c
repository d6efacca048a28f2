/*
 * fpu_load_store.c - x87 data transfer: FLD/FILD/FBLD, FST/FSTP/FIST/FISTP/
 * FBSTP, FLD/FST ST(i), FXCH, FCMOVcc.
 *
 * Sources: Intel SDM vol. 2 pages of those instructions; vol. 1 4.2.2 and
 * 4.7 (real/integer/BCD formats, indefinites), 8.5.1.1 (stack faults:
 * masked response writes the QNaN / integer / BCD indefinite).
 *
 * Memory is read before anything changes and written (in one piece, so a
 * fault cannot leave half a value) before the register stack is updated.
 *
 * Not emulated: FISTTP (SSE3; its encodings are #UD on the Pentium II).
 */
#include <string.h>

#include "cpu/except.h"
#include "cpu/fpu_internal.h"

void fpu_load(struct cpu *c, struct f80_env *env, struct f80 v)
{
    struct fpu *f = &c->fpu;
    if (!st_empty(f, 7)) {
        if (fpu_stack_fault(c, true))
            fpu_push(f, f80_indefinite());
        return;
    }
    if (!fpu_env_blocks(env))
        fpu_push(f, v);
    fpu_finish(c, env);
    fpu_set_cc(f, SW_C1, 0);
}

void fpu_load_mem(struct cpu *c, const struct insn *i, unsigned kind)
{
    struct fpu *f = &c->fpu;
    struct f80_env env = fpu_env(f);
    uint32_t ea = insn_ea(c, i);
    uint8_t b[10];
    struct f80 v;
    switch (kind) {
    case FMEM_F32: v = f80_from_f32(&env, cpu_read(c, i->seg, ea, 4)); break;
    case FMEM_F64: v = f80_from_f64(&env, cpu_read64(c, i->seg, ea)); break;
    case FMEM_F80: /* no conversion, so no SNaN check for this format */
        cpu_read_bytes(c, i->seg, ea, b, 10);
        v = fpu_f80_from_bytes(b);
        break;
    case FMEM_I16: v = f80_from_i16((int16_t)cpu_read(c, i->seg, ea, 2)); break;
    case FMEM_I32: v = f80_from_i32((int32_t)cpu_read(c, i->seg, ea, 4)); break;
    case FMEM_I64: v = f80_from_i64((int64_t)cpu_read64(c, i->seg, ea)); break;
    default:
        cpu_read_bytes(c, i->seg, ea, b, 10);
        v = f80_from_bcd(b);
        break;
    }
    fpu_load(c, &env, v);
}

void fpu_store_mem(struct cpu *c, const struct insn *i, unsigned kind, bool pop)
{
    struct fpu *f = &c->fpu;
    struct f80_env env = fpu_env(f);
    uint32_t ea = insn_ea(c, i);
    bool empty = st_empty(f, 0);
    struct f80 v = empty ? f80_indefinite() : st_get(f, 0);
    if (empty) {
        /* underflow: a masked response stores the indefinite of the format */
        if (!(f->cw & SW_IE)) {
            fpu_stack_fault(c, false);
            return;
        }
    }
    uint8_t b[10];
    unsigned len = 0;
    switch (kind) {
    case FMEM_F32: {
        uint32_t x = f80_to_f32(&env, v);
        memcpy(b, &x, 4);
        len = 4;
        break;
    }
    case FMEM_F64: {
        uint64_t x = f80_to_f64(&env, v);
        memcpy(b, &x, 8);
        len = 8;
        break;
    }
    case FMEM_F80: fpu_f80_to_bytes(v, b); len = 10; break;
    case FMEM_I16: {
        uint16_t x = (uint16_t)f80_to_i16(&env, v);
        memcpy(b, &x, 2);
        len = 2;
        break;
    }
    case FMEM_I32: {
        uint32_t x = (uint32_t)f80_to_i32(&env, v);
        memcpy(b, &x, 4);
        len = 4;
        break;
    }
    case FMEM_I64: {
        uint64_t x = (uint64_t)f80_to_i64(&env, v);
        memcpy(b, &x, 8);
        len = 8;
        break;
    }
    default: f80_to_bcd(&env, v, b); len = 10; break;
    }
    if (empty) {
        /* the indefinite went through the converter only to get its image */
        env.flags = 0;
    } else if (fpu_env_blocks_mem(&env)) {
        fpu_finish(c, &env);
        return;
    }
    cpu_write_bytes(c, i->seg, ea, b, len);
    if (empty)
        fpu_stack_fault(c, false);
    else
        fpu_finish(c, &env);
    if (pop)
        fpu_pop(f);
}

void fpu_fld_sti(struct cpu *c, unsigned k)
{
    struct fpu *f = &c->fpu;
    struct f80_env env = fpu_env(f);
    if (st_empty(f, k)) {
        if (fpu_stack_fault(c, false))
            fpu_push(f, f80_indefinite());
        return;
    }
    fpu_load(c, &env, st_get(f, k));
}

void fpu_fst_sti(struct cpu *c, unsigned k, bool pop)
{
    struct fpu *f = &c->fpu;
    if (st_empty(f, 0)) {
        if (!fpu_stack_fault(c, false))
            return;
        st_set(f, k, f80_indefinite());
    } else {
        st_set(f, k, st_get(f, 0));
        fpu_set_cc(f, SW_C1, 0);
    }
    if (pop)
        fpu_pop(f);
}

void fpu_fxch(struct cpu *c, unsigned k)
{
    struct fpu *f = &c->fpu;
    struct f80 a = st_get(f, 0), b = st_get(f, k);
    if (st_empty(f, 0) || st_empty(f, k)) {
        if (!fpu_stack_fault(c, false))
            return;
        if (st_empty(f, 0))
            a = f80_indefinite();
        if (st_empty(f, k))
            b = f80_indefinite();
    } else {
        fpu_set_cc(f, SW_C1, 0);
    }
    st_set(f, 0, b);
    st_set(f, k, a);
}

void fpu_fcmov(struct cpu *c, unsigned k, bool cond)
{
    struct fpu *f = &c->fpu;
    if (st_empty(f, 0) || st_empty(f, k)) {
        if (fpu_stack_fault(c, false))
            st_set(f, 0, f80_indefinite());
        return;
    }
    if (cond)
        st_set(f, 0, st_get(f, k));
}

/*
 * fpu_internal.h - private cross-file API of the x87/MMX implementation
 * (fpu.c, fpu_ops.c, fpu_arith.c, fpu_load_store.c, fpu_control.c, mmx_ops.c).
 *
 * Sources: Intel SDM vol. 1 ch. 8 (8.1.3 status word, 8.1.7 tag word,
 * 8.5 exception conditions, 8.6-8.7 exception reporting) and vol. 1 ch. 9
 * (MMX/x87 aliasing, 9.5 and 9.6).
 *
 * The order every x87 handler follows, so that a fault never leaves partial
 * state: fpu_enter (#NM, pending #MF) -> read memory operands -> compute
 * into locals with a struct f80_env -> write memory -> commit registers,
 * TOP, tags and the status word -> fpu_note_ptrs.
 */
#ifndef CINDER_CPU_FPU_INTERNAL_H
#define CINDER_CPU_FPU_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "cpu/fpu.h"
#include "cpu/insn.h"

/* Status word bits (SDM vol.1 8.1.3). TOP lives in fpu.top, not in sw. */
#define SW_IE 0x0001u
#define SW_DE 0x0002u
#define SW_ZE 0x0004u
#define SW_OE 0x0008u
#define SW_UE 0x0010u
#define SW_PE 0x0020u
#define SW_SF 0x0040u
#define SW_ES 0x0080u
#define SW_C0 0x0100u
#define SW_C1 0x0200u
#define SW_C2 0x0400u
#define SW_TOP 0x3800u
#define SW_C3 0x4000u
#define SW_B 0x8000u
#define SW_CC (SW_C0 | SW_C1 | SW_C2 | SW_C3)
#define SW_EXC 0x003fu

/* Tag values (SDM vol.1 8.1.7) */
enum { TAG_VALID = 0, TAG_ZERO = 1, TAG_SPECIAL = 2, TAG_EMPTY = 3 };

/* Control word: IE..PE masks in bits 0-5, PC 8-9, RC 10-11. */
#define CW_PC_SHIFT 8
#define CW_RC_SHIFT 10

static inline unsigned fpu_phys(const struct fpu *f, unsigned i) { return (f->top + i) & 7; }
static inline unsigned fpu_tag_phys(const struct fpu *f, unsigned p) { return (f->tw >> (2 * p)) & 3; }
static inline bool st_empty(const struct fpu *f, unsigned i) { return fpu_tag_phys(f, fpu_phys(f, i)) == TAG_EMPTY; }
static inline struct f80 st_get(const struct fpu *f, unsigned i) { return f->r[fpu_phys(f, i)]; }

unsigned fpu_tag_of(struct f80 v);               /* tag a register with this content would get */
void fpu_set_phys(struct fpu *f, unsigned p, struct f80 v); /* write and retag */
static inline void st_set(struct fpu *f, unsigned i, struct f80 v) { fpu_set_phys(f, fpu_phys(f, i), v); }
void fpu_push(struct fpu *f, struct f80 v);      /* caller checked ST(7) for overflow */
void fpu_pop(struct fpu *f);
uint16_t fpu_full_tw(const struct fpu *f);       /* tag word with non-empty tags recomputed (FSTENV) */
void fpu_load_tw(struct fpu *f, uint16_t tw);    /* only empty/non-empty of tw matters (FLDENV) */
uint16_t fpu_get_sw(const struct fpu *f);        /* status word with TOP */
void fpu_put_sw(struct cpu *c, uint16_t sw);     /* FLDENV/FRSTOR: loads TOP too; recomputes ES */

/* The rounding/precision/mask environment from the control word. */
struct f80_env fpu_env(const struct fpu *f);
/* An unmasked IE, DE or ZE: the x87 stores nothing and does not pop. */
static inline bool fpu_env_blocks(const struct f80_env *e)
{
    return (e->flags & ~e->masks & (F80_IE | F80_DE | F80_ZE)) != 0;
}
/* Same for a memory destination, where unmasked OE/UE also suppress the store. */
static inline bool fpu_env_blocks_mem(const struct f80_env *e)
{
    return (e->flags & ~e->masks & F80_EXC_ALL & ~F80_PE) != 0;
}

/* Exception bookkeeping. fpu_finish ORs the env's exception flags into SW,
 * sets C1 from the env's "rounded up" bit, and updates ES/B. */
void fpu_finish(struct cpu *c, const struct f80_env *e);
void fpu_update_es(struct cpu *c);               /* ES/B from flags vs masks; drops FERR# when clear */
static inline void fpu_set_cc(struct fpu *f, uint16_t mask, uint16_t bits) { f->sw = (f->sw & ~mask) | (bits & mask); }
/* Stack overflow (push into a full slot) or underflow (empty source): IE+SF,
 * C1 = overflow.  Returns true when IE is masked, i.e. the caller goes on and
 * writes the QNaN indefinite. */
bool fpu_stack_fault(struct cpu *c, bool overflow);

/* Entry checks.  fpu_enter: CR0.EM or CR0.TS -> #NM.  fpu_check_pending: an
 * unmasked exception from an earlier instruction is reported now (#MF with
 * CR0.NE=1, FERR# otherwise), as every waiting x87 instruction does. */
void fpu_enter(struct cpu *c);
void fpu_check_pending(struct cpu *c);
/* Record FIP/FCS/FOP (and FDP/FDS when the instruction has a memory operand). */
void fpu_note_ptrs(struct cpu *c, const struct insn *i, unsigned esc);

/* 80-bit memory image */
struct f80 fpu_f80_from_bytes(const uint8_t b[10]);
void fpu_f80_to_bytes(struct f80 v, uint8_t b[10]);

/* ---- semantic families (called by the escape decoders in fpu_ops.c) ---- */
/* fpu_arith.c */
void fpu_arith(struct cpu *c, struct f80_env *env, unsigned op, const struct f80 *mem, unsigned k,
               bool dst_sti, bool pop);
void fpu_compare(struct cpu *c, struct f80_env *env, const struct f80 *mem, unsigned k, bool quiet,
                 unsigned pops, bool eflags);
void fpu_d9_reg(struct cpu *c, const struct insn *i); /* FCHS ... FCOS (D9 E0-FF) */
/* fpu_load_store.c */
void fpu_load(struct cpu *c, struct f80_env *env, struct f80 v); /* push a converted value */
void fpu_fld_sti(struct cpu *c, unsigned k);
void fpu_fst_sti(struct cpu *c, unsigned k, bool pop);
void fpu_fxch(struct cpu *c, unsigned k);
void fpu_fcmov(struct cpu *c, unsigned k, bool cond);
void fpu_store_mem(struct cpu *c, const struct insn *i, unsigned kind, bool pop); /* FST/FIST/FBSTP */
void fpu_load_mem(struct cpu *c, const struct insn *i, unsigned kind);          /* FLD/FILD/FBLD */
enum { FMEM_F32, FMEM_F64, FMEM_F80, FMEM_I16, FMEM_I32, FMEM_I64, FMEM_BCD };
/* fpu_control.c */
void fpu_fldenv(struct cpu *c, const struct insn *i, bool restore);  /* FLDENV, FRSTOR */
void fpu_fstenv(struct cpu *c, const struct insn *i, bool save);     /* FNSTENV, FNSAVE */
void fpu_fninit(struct cpu *c);
void fpu_fnclex(struct cpu *c);
void fpu_fldcw(struct cpu *c, uint16_t cw);

#endif

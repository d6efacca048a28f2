/*
 * insn_table.h - vocabulary of cpu/insn_table.def and the enum it generates.
 *
 * insn_table.def is the single source of truth for the ISA: one row per
 * opcode form,
 *   INSN(NAME, MAP, OPCODE, REG, ATTRS, FLAGS_READ, FLAGS_WRITTEN, HANDLER)
 * MAP 0 is the one-byte map, 1 the 0F map.  REG is ANY or the ModRM reg field
 * of a group opcode.  Consumers: the decoder tables (decode.c), enum insn_op
 * (here), the handler and name table (insn_rows[]), flag liveness for the
 * interpreter and the JIT, and block-end attributes.
 *
 * Per-form variants.  The HANDLER column stays the one semantics of a row.
 * For the hottest rows, decode.c's reg32_forms[] table (row handler ->
 * variant) names a handler specialised to one operand form, which the
 * decoder stores in insn.fn instead: today "ModRM operand is a register and
 * the operand size is 32 bits" (ALU Ev,Gv / Gv,Ev / Ev,Iz / Ev,Ib, TEST,
 * INC/DEC Ev, MOV Ev,Gv / Gv,Ev).  A variant must do exactly what the row
 * handler does for that form; insn.op still names the row.
 */
#ifndef CINDER_CPU_INSN_TABLE_H
#define CINDER_CPU_INSN_TABLE_H

#include "cpu/cpu.h"
#include "cpu/insn.h"

#define ANY (-1)

/* Decoding attributes */
#define A_MODRM (1u << 0)  /* has a ModRM byte */
#define A_BYTE (1u << 1)   /* operand size is 8 bits (insn.size = 1) */
#define A_IMM8 (1u << 2)   /* imm8, zero-extended */
#define A_IMM8S (1u << 3)  /* imm8, sign-extended to 32 bits */
#define A_IMM16 (1u << 4)  /* imm16 */
#define A_IMMV (1u << 5)   /* imm16 or imm32 by operand size */
#define A_MOFFS (1u << 6)  /* address-size offset in disp, no ModRM (A0-A3) */
#define A_FARPTR (1u << 7) /* ptr16:16/32: imm = offset, imm2 = selector */
#define A_ENTER (1u << 8)  /* imm16 in imm, imm8 in imm2 */
#define A_REL8 (1u << 9)   /* rel8 branch displacement, sign-extended into imm */
#define A_RELV (1u << 10)  /* rel16/rel32 by operand size, sign-extended into imm */
/* Semantic attributes */
#define A_END (1u << 12)   /* ends a decoded block: control transfer or mode change */
#define A_LOCK (1u << 13)  /* LOCK prefix allowed (memory destination only) */
#define A_MEM (1u << 14)   /* register form is #UD */
#define A_REGF (1u << 15)  /* ModRM always names registers (MOV CRn/DRn) */
#define A_PRIV (1u << 16)  /* CPL 0 only (checked by the handler) */
#define A_IO (1u << 17)    /* port I/O (IOPL / bitmap checked by the handler) */
#define A_FPU (1u << 18)   /* x87 or MMX: CR0.EM/TS checks (handler) */
#define A_STRING (1u << 19) /* string instruction, REP prefixes meaningful */
#define A_UD (1u << 20)    /* always #UD */

/* Flags sets for the READ/WRITTEN columns */
#define F_NONE 0u
#define F_ALL FL_ARITH
#define F_C FL_CF
#define F_Z FL_ZF
#define F_D FL_DF
#define F_OSZAP (FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF)
#define F_CC FL_ARITH /* condition-code readers: conservative, all six */

enum insn_op {
#define INSN(name, map, opc, reg, attrs, fr, fw, fn) INSN_##name,
#include "cpu/insn_table.def"
#undef INSN
    INSN_COUNT
};

/* Flag liveness metadata per row (insn_rows[] has the handler and name). */
struct insn_flags_info {
    uint16_t read;    /* FL_ARITH bits the row reads */
    uint16_t written; /* FL_ARITH bits the row writes */
};

#endif

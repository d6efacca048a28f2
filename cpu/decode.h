/*
 * decode.h - bytes -> struct insn.  A pure function of (bytes, mode): no CPU
 * side effects, so the same decoder serves the interpreter, the JIT, the
 * tracer and the capstone cross-check tests.
 */
#ifndef CINDER_CPU_DECODE_H
#define CINDER_CPU_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "cpu/insn.h"

#define X86_MAX_INSN_LEN 15

enum {
    DECODE_NEED_MORE = 1, /* the bytes end inside the instruction (page-crossing fetch) */
};

/* Decode one instruction.  `mode_bits` is MODE_CODE32 or 0 (cpu.h).
 * Returns the length (1-15), or -DECODE_NEED_MORE when `avail` bytes do not
 * hold the whole instruction.  Undefined opcodes, LOCK misuse and register
 * forms of memory-only rows decode to a row whose handler raises #UD; an
 * instruction longer than 15 bytes decodes (length 15) to a #GP(0) handler.
 * The table rows' attributes are available through decode_row_attrs(). */
int x86_decode(struct insn *out, const uint8_t *bytes, size_t avail, unsigned mode_bits);

uint32_t decode_row_attrs(unsigned op);
const char *decode_row_name(unsigned op);

#endif

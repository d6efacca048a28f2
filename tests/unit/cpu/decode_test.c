/*
 * decode_test.c - the decoder against capstone, an independent decoder.
 *
 * For every one- and two-byte opcode (with a spread of ModRM/SIB bytes) and
 * for random byte strings, in 16- and 32-bit code: the instruction length
 * must agree, and for ModRM memory operands so must base, index, scale and
 * displacement.  Instructions we decode as #UD (not on a Pentium II: SSE,
 * 3DNow!, VMX...) are skipped, as are the few valid opcodes capstone does not
 * know (SALC, the 0F 18-1F hint NOPs with odd ModRM, UD1/UD0 forms).
 */
#include <capstone/capstone.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/decode.h"
#include "cpu/insn_table.h"

static csh cs16, cs32;

static void open_capstone(void)
{
    ck_assert_int_eq(cs_open(CS_ARCH_X86, CS_MODE_16, &cs16), CS_ERR_OK);
    ck_assert_int_eq(cs_open(CS_ARCH_X86, CS_MODE_32, &cs32), CS_ERR_OK);
    cs_option(cs16, CS_OPT_DETAIL, CS_OPT_ON);
    cs_option(cs32, CS_OPT_DETAIL, CS_OPT_ON);
}

static void close_capstone(void)
{
    cs_close(&cs16);
    cs_close(&cs32);
}

static int reg_of_capstone(x86_reg r)
{
    switch (r) {
    case X86_REG_EAX: case X86_REG_AX: return R_EAX;
    case X86_REG_ECX: case X86_REG_CX: return R_ECX;
    case X86_REG_EDX: case X86_REG_DX: return R_EDX;
    case X86_REG_EBX: case X86_REG_BX: return R_EBX;
    case X86_REG_ESP: case X86_REG_SP: return R_ESP;
    case X86_REG_EBP: case X86_REG_BP: return R_EBP;
    case X86_REG_ESI: case X86_REG_SI: return R_ESI;
    case X86_REG_EDI: case X86_REG_DI: return R_EDI;
    case X86_REG_INVALID: return R_ZERO;
    default: return -1;
    }
}

/* Rows capstone does not decode although a Pentium II does. */
static bool capstone_blind(unsigned op)
{
    return op == INSN_SALC || op == INSN_UD1 || op == INSN_UD0 ||
           (op >= INSN_NOP_0F18 && op <= INSN_NOP_0F1F);
}

struct tally {
    unsigned compared, mem_compared;
};

/* Compare one byte string; returns false (with a message) on disagreement. */
static bool compare_one(const uint8_t *bytes, size_t n, bool code32, struct tally *t,
                        char *msg, size_t msglen)
{
    struct insn in;
    int len = x86_decode(&in, bytes, n, code32 ? MODE_CODE32 : 0);
    if (len < 0 || in.op == INSN_INVALID || capstone_blind(in.op))
        return true;
    cs_insn *ci;
    size_t cnt = cs_disasm(code32 ? cs32 : cs16, bytes, n, 0x1000, 1, &ci);
    if (cnt == 0)
        return true; /* capstone rejects (e.g. LOCK rules it models differently) */
    bool ok = true;
    if ((int)ci[0].size != len) {
        snprintf(msg, msglen, "%s %02x %02x %02x %02x %02x: length %d, capstone %u (%s %s)",
                 code32 ? "32" : "16", bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], len,
                 ci[0].size, ci[0].mnemonic, ci[0].op_str);
        ok = false;
    } else {
        t->compared++;
        uint32_t attrs = decode_row_attrs(in.op);
        if ((attrs & A_MODRM) && !(attrs & A_REGF) && in.modrm < 0xc0) {
            cs_x86 *x = &ci[0].detail->x86;
            for (int k = 0; k < x->op_count; k++) {
                if (x->operands[k].type != X86_OP_MEM)
                    continue;
                int base = reg_of_capstone(x->operands[k].mem.base);
                int index = reg_of_capstone(x->operands[k].mem.index);
                int scale = x->operands[k].mem.scale;
                uint32_t disp = (uint32_t)x->operands[k].mem.disp;
                uint32_t mask = (in.pfx & PFX_A32) ? 0xffffffffu : 0xffffu;
                unsigned shift = scale == 8 ? 3 : scale == 4 ? 2 : scale == 2 ? 1 : 0;
                bool same = base == in.base && index == in.index &&
                            (index == R_ZERO || shift == in.scale) &&
                            ((disp ^ in.disp) & mask) == 0;
                if (!same) {
                    snprintf(msg, msglen,
                             "%s %02x %02x %02x %02x: mem base %d/%d index %d/%d scale %u/%d "
                             "disp %x/%x (%s %s)",
                             code32 ? "32" : "16", bytes[0], bytes[1], bytes[2], bytes[3],
                             in.base, base, in.index, index, in.scale, scale, in.disp, disp,
                             ci[0].mnemonic, ci[0].op_str);
                    ok = false;
                }
                t->mem_compared++;
                break;
            }
        }
    }
    cs_free(ci, cnt);
    return ok;
}

static const uint8_t modrms[] = {0x00, 0x06, 0x04, 0x05, 0x44, 0x45, 0x84, 0x85, 0x3f,
                                 0x46, 0x87, 0xc0, 0xd1, 0xff, 0x0c, 0x14, 0x9c};

START_TEST(all_opcodes_agree_with_capstone)
{
    open_capstone();
    struct tally t = {0, 0};
    char msg[1024];
    unsigned failures = 0;
    for (int code32 = 0; code32 < 2; code32++)
        for (int map = 0; map < 2; map++)
            for (int opc = 0; opc < 256; opc++)
                for (size_t m = 0; m < sizeof modrms; m++) {
                    uint8_t b[16] = {0};
                    size_t k = 0;
                    if (map)
                        b[k++] = 0x0f;
                    else if (opc == 0x0f)
                        continue;
                    b[k++] = (uint8_t)opc;
                    b[k++] = modrms[m];
                    for (size_t j = k; j < sizeof b; j++)
                        b[j] = (uint8_t)(0x11 * j + m);
                    if (!compare_one(b, sizeof b, code32, &t, msg, sizeof msg)) {
                        if (failures++ < 10)
                            fprintf(stderr, "mismatch: %s\n", msg);
                    }
                }
    close_capstone();
    fprintf(stderr, "opcode sweep: %u lengths, %u memory operands compared\n", t.compared,
            t.mem_compared);
    ck_assert_uint_gt(t.compared, 5000);
    ck_assert_uint_eq(failures, 0);
}
END_TEST

START_TEST(random_bytes_agree_with_capstone)
{
    open_capstone();
    struct tally t = {0, 0};
    char msg[1024];
    unsigned failures = 0;
    srand(12345);
    for (int n = 0; n < 200000; n++) {
        uint8_t b[16];
        for (size_t j = 0; j < sizeof b; j++)
            b[j] = (uint8_t)rand();
        if (!compare_one(b, sizeof b, n & 1, &t, msg, sizeof msg)) {
            if (failures++ < 10)
                fprintf(stderr, "mismatch: %s\n", msg);
        }
    }
    close_capstone();
    fprintf(stderr, "random: %u lengths, %u memory operands compared\n", t.compared,
            t.mem_compared);
    ck_assert_uint_gt(t.compared, 50000);
    ck_assert_uint_eq(failures, 0);
}
END_TEST

START_TEST(prefixes_and_limits)
{
    struct insn in;
    /* 66 flips the operand size: mov ax, imm16 in 32-bit code is 4 bytes. */
    const uint8_t mov16[] = {0x66, 0xb8, 0x34, 0x12};
    ck_assert_int_eq(x86_decode(&in, mov16, sizeof mov16, MODE_CODE32), 4);
    ck_assert_uint_eq(in.size, 2);
    ck_assert_uint_eq(in.imm, 0x1234);
    /* segment override and default SS for [bp] */
    const uint8_t bp[] = {0x8b, 0x46, 0x02};
    ck_assert_int_eq(x86_decode(&in, bp, sizeof bp, 0), 3);
    ck_assert_uint_eq(in.seg, SEG_SS);
    const uint8_t esbp[] = {0x26, 0x8b, 0x46, 0x02};
    ck_assert_int_eq(x86_decode(&in, esbp, sizeof esbp, 0), 4);
    ck_assert_uint_eq(in.seg, SEG_ES);
    /* 15 prefixes + opcode = 16 bytes: #GP(0) handler, length 15 */
    uint8_t longi[20];
    memset(longi, 0x66, sizeof longi);
    longi[15] = 0x90;
    ck_assert_int_eq(x86_decode(&in, longi, sizeof longi, 0), 15);
    ck_assert_uint_eq(in.op, INSN_INVALID);
    /* truncated input asks for more */
    const uint8_t part[] = {0xb8, 0x01};
    ck_assert_int_eq(x86_decode(&in, part, sizeof part, MODE_CODE32), -DECODE_NEED_MORE);
    /* LOCK on a register destination and on MOV are #UD */
    const uint8_t lockreg[] = {0xf0, 0x01, 0xc0};
    ck_assert_int_eq(x86_decode(&in, lockreg, sizeof lockreg, MODE_CODE32), 3);
    ck_assert_uint_eq(in.op, INSN_INVALID);
    const uint8_t lockmov[] = {0xf0, 0x89, 0x00};
    x86_decode(&in, lockmov, sizeof lockmov, MODE_CODE32);
    ck_assert_uint_eq(in.op, INSN_INVALID);
    const uint8_t lockadd[] = {0xf0, 0x01, 0x00};
    x86_decode(&in, lockadd, sizeof lockadd, MODE_CODE32);
    ck_assert_uint_eq(in.op, INSN_ADD_Ev_Gv);
    /* LEA with a register operand is #UD */
    const uint8_t leareg[] = {0x8d, 0xc0};
    x86_decode(&in, leareg, sizeof leareg, MODE_CODE32);
    ck_assert_uint_eq(in.op, INSN_INVALID);
    /* group rows: F7 /0 has an immediate, F7 /2 does not */
    const uint8_t test_imm[] = {0xf7, 0xc0, 1, 2, 3, 4};
    ck_assert_int_eq(x86_decode(&in, test_imm, sizeof test_imm, MODE_CODE32), 6);
    const uint8_t notr[] = {0xf7, 0xd0};
    ck_assert_int_eq(x86_decode(&in, notr, sizeof notr, MODE_CODE32), 2);
    ck_assert_uint_eq(in.op, INSN_NOT_Ev);
    /* MOV CR ignores mod: no displacement is read */
    const uint8_t movcr[] = {0x0f, 0x22, 0x00};
    ck_assert_int_eq(x86_decode(&in, movcr, sizeof movcr, MODE_CODE32), 3);
    ck_assert(insn_is_reg(&in));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("decode");
    TCase *tc = tcase_create("decode");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, all_opcodes_agree_with_capstone);
    tcase_add_test(tc, random_bytes_agree_with_capstone);
    tcase_add_test(tc, prefixes_and_limits);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed != 0;
}

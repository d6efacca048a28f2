/*
 * fpu_test.c - x87 and MMX handlers driven through the real decoder on a
 * real-mode CPU with 1 MiB of RAM.  Each test places encoded instructions at
 * 0000:1000 and runs them one by one (decode, call the handler with a local
 * landing pad for cpu_raise), so the exact fault vector can be checked.
 *
 * Checked facts come from the SDM: tag word after loads/pops (8.1.7), stack
 * faults (8.5.1.1), FXAM classes, FSTENV/FSAVE images (figures 8-9..8-12),
 * FCOMI flags, FXSAVE layout and alignment, MMX saturation/pack/unpack.
 */
#include <check.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/decode.h"
#include "cpu/flags.h"
#include "cpu/fpu_internal.h"
#include "mem/bus.h"

#define RAM_SIZE (1u << 20)
#define CODE 0x1000u
#define DATA 0x2000u

static struct bus *bus;
static uint8_t *ram;
static struct cpu cpu;
static int ferr_level = -1;

static void ferr_cb(void *opaque, bool level) { ferr_level = level; }

static void setup(void)
{
    bus = bus_create();
    ck_assert_ptr_nonnull(bus);
    ram = calloc(1, RAM_SIZE);
    ck_assert_ptr_nonnull(bus_map_ram(bus, 0, RAM_SIZE, ram, 0));
    struct cpu_config cfg = { 0 };
    cfg.ferr = ferr_cb;
    ck_assert_int_eq(cpu_init(&cpu, bus, &cfg), 0);
    ferr_level = -1;
    /* real mode, CS = 0 so that code sits at linear CODE */
    cpu.seg[SEG_CS].sel = 0;
    cpu.seg[SEG_CS].base = 0;
    cpu.cr0 |= CR0_NE;
}

static void teardown(void)
{
    cpu_destroy(&cpu);
    bus_destroy(bus);
    free(ram);
}

/* Runs one instruction from `bytes`; returns -1 or the exception vector. */
static int run1(const uint8_t *bytes, unsigned n)
{
    struct insn in;
    memcpy(ram + CODE, bytes, n);
    int len = x86_decode(&in, ram + CODE, 15, 0);
    ck_assert_int_gt(len, 0);
    cpu.insn_eip = CODE;
    cpu.eip = CODE + (uint32_t)len;
    cpu.in_run = true;
    if (setjmp(cpu.fault_jmp)) {
        cpu.in_run = false;
        return cpu.exc_vector;
    }
    in.fn(&cpu, &in);
    cpu.in_run = false;
    return -1;
}

#define RUN(...)                                                     \
    ({                                                               \
        static const uint8_t b_[] = { __VA_ARGS__ };                 \
        run1(b_, sizeof b_);                                         \
    })

static uint16_t rd16(uint32_t a) { return (uint16_t)(ram[a] | ram[a + 1] << 8); }
static uint32_t rd32(uint32_t a) { return rd16(a) | (uint32_t)rd16(a + 2) << 16; }
static void wr32(uint32_t a, uint32_t v) { memcpy(ram + a, &v, 4); }
static void wr64(uint32_t a, uint64_t v) { memcpy(ram + a, &v, 8); }
static uint64_t rd64(uint32_t a) { uint64_t v; memcpy(&v, ram + a, 8); return v; }

START_TEST(tags_after_loads_and_pops)
{
    ck_assert_int_eq(RUN(0xdb, 0xe3), -1); /* FNINIT */
    ck_assert_uint_eq(cpu.fpu.tw, 0xffff);
    ck_assert_uint_eq(cpu.fpu.cw, 0x037f);
    RUN(0xd9, 0xe8); /* FLD1 -> R7 valid */
    RUN(0xd9, 0xee); /* FLDZ -> R6 zero */
    ck_assert_uint_eq(cpu.fpu.top, 6);
    ck_assert_uint_eq(cpu.fpu.tw, 0x1fff);
    wr32(DATA, 0x7f800000); /* +inf */
    RUN(0xd9, 0x06, 0x00, 0x20); /* FLD dword [0x2000] -> R5 special */
    ck_assert_uint_eq(cpu.fpu.tw, 0x1bff);
    RUN(0xdd, 0xd8); /* FSTP ST(0) */
    RUN(0xdd, 0xd8);
    ck_assert_uint_eq(cpu.fpu.tw, 0x3fff);
    ck_assert_uint_eq(cpu.fpu.top, 7);
    RUN(0xdd, 0xc0); /* FFREE ST(0) */
    ck_assert_uint_eq(cpu.fpu.tw, 0xffff);
    ck_assert_uint_eq(cpu.fpu.top, 7);
}
END_TEST

START_TEST(stack_overflow_and_underflow)
{
    RUN(0xdb, 0xe3);
    for (int k = 0; k < 8; k++)
        RUN(0xd9, 0xe8);
    ck_assert_uint_eq(cpu.fpu.sw & SW_EXC, 0);
    RUN(0xd9, 0xeb); /* FLDPI into a full stack */
    uint16_t sw = fpu_get_sw(&cpu.fpu);
    ck_assert_uint_eq(sw & (SW_IE | SW_SF | SW_C1), SW_IE | SW_SF | SW_C1);
    ck_assert_uint_eq(st_get(&cpu.fpu, 0).se, 0xffff);
    ck_assert_uint_eq(st_get(&cpu.fpu, 0).mant, 0xc000000000000000ull);
    ck_assert(!(sw & SW_ES)); /* masked */

    RUN(0xdb, 0xe3);
    RUN(0xd8, 0xc1); /* FADD ST(0), ST(1) on an empty stack */
    sw = fpu_get_sw(&cpu.fpu);
    ck_assert_uint_eq(sw & (SW_IE | SW_SF | SW_C1), SW_IE | SW_SF);
    ck_assert(!st_empty(&cpu.fpu, 0));
    ck_assert_uint_eq(st_get(&cpu.fpu, 0).mant, 0xc000000000000000ull);

    /* FIST of an empty register stores the integer indefinite */
    RUN(0xdb, 0xe3);
    RUN(0xdf, 0x1e, 0x00, 0x20); /* FISTP word [0x2000] */
    ck_assert_uint_eq(rd16(DATA), 0x8000);
}
END_TEST

START_TEST(unmasked_exception_is_deferred)
{
    RUN(0xdb, 0xe3);
    wr32(DATA, 0x037e); /* IE unmasked */
    RUN(0xd9, 0x2e, 0x00, 0x20); /* FLDCW [0x2000] */
    ck_assert_int_eq(RUN(0xdd, 0xd9), -1); /* FSTP ST(1), empty: reported later */
    ck_assert_uint_eq(cpu.fpu.top, 0); /* nothing popped */
    ck_assert(cpu.fpu.sw & SW_ES);
    ck_assert_int_eq(RUN(0xdf, 0xe0), -1); /* FNSTSW AX does not wait */
    ck_assert_uint_eq(cpu.regs[R_EAX] & 0xffff, 0x80c1 & ~SW_C1);
    ck_assert_int_eq(RUN(0x9b), EXC_MF); /* FWAIT */
    ck_assert_int_eq(RUN(0xd9, 0xe8), EXC_MF);
    /* CR0.NE = 0: FERR# instead, the instruction runs */
    cpu.cr0 &= ~CR0_NE;
    ck_assert_int_eq(RUN(0xd9, 0xe8), -1);
    ck_assert_int_eq(ferr_level, 1);
    fpu_clear_ferr(&cpu); /* port 0xF0 */
    ck_assert_int_eq(ferr_level, 0);
    ck_assert_int_eq(RUN(0xd9, 0xe8), -1);
    ck_assert_int_eq(ferr_level, 0); /* IGNNE# holds it off */
    RUN(0xdb, 0xe2); /* FNCLEX */
    ck_assert(!(cpu.fpu.sw & (SW_ES | SW_B | SW_IE | SW_SF)));
    ck_assert(!cpu.fpu.ignne);
}
END_TEST

START_TEST(fxam_classes)
{
    RUN(0xdb, 0xe3);
    RUN(0xd9, 0xe5); /* empty */
    ck_assert_uint_eq(cpu.fpu.sw & (SW_C3 | SW_C2 | SW_C0), SW_C3 | SW_C0);
    RUN(0xd9, 0xee); /* +0 */
    RUN(0xd9, 0xe5);
    ck_assert_uint_eq(cpu.fpu.sw & SW_CC, SW_C3);
    RUN(0xd9, 0xe0); /* FCHS: -0 */
    RUN(0xd9, 0xe5);
    ck_assert_uint_eq(cpu.fpu.sw & SW_CC, SW_C3 | SW_C1);
    RUN(0xd9, 0xe8); /* 1.0 */
    RUN(0xd9, 0xe5);
    ck_assert_uint_eq(cpu.fpu.sw & SW_CC, SW_C2);
    wr32(DATA, 0xff800000); /* -inf */
    RUN(0xd9, 0x06, 0x00, 0x20);
    RUN(0xd9, 0xe5);
    ck_assert_uint_eq(cpu.fpu.sw & SW_CC, SW_C2 | SW_C0 | SW_C1);
    wr32(DATA, 0x7fc00000); /* QNaN */
    RUN(0xd9, 0x06, 0x00, 0x20);
    RUN(0xd9, 0xe5);
    ck_assert_uint_eq(cpu.fpu.sw & SW_CC, SW_C0);
    memset(ram + DATA, 0, 10);
    ram[DATA] = 1; /* 80-bit denormal */
    RUN(0xdb, 0x2e, 0x00, 0x20); /* FLD tbyte [0x2000] */
    RUN(0xd9, 0xe5);
    ck_assert_uint_eq(cpu.fpu.sw & SW_CC, SW_C3 | SW_C2);
}
END_TEST

START_TEST(fstenv_layouts)
{
    RUN(0xdb, 0xe3);
    RUN(0xd9, 0xe8); /* FLD1 at 0000:1000, FOP 1E8 */
    RUN(0xd9, 0x36, 0x00, 0x20); /* FNSTENV [0x2000], 14-byte real-mode form */
    ck_assert_uint_eq(rd16(DATA + 0), 0x037f);
    ck_assert_uint_eq(rd16(DATA + 2), 0x3800);
    ck_assert_uint_eq(rd16(DATA + 4), 0x3fff);
    ck_assert_uint_eq(rd16(DATA + 6), 0x1000);
    ck_assert_uint_eq(rd16(DATA + 8), 0x01e8);
    ck_assert_uint_eq(cpu.fpu.cw, 0x037f); /* already all masked */

    RUN(0x66, 0xd9, 0x36, 0x00, 0x20); /* 28-byte real-mode form */
    ck_assert_uint_eq(rd32(DATA + 0), 0xffff037f);
    ck_assert_uint_eq(rd32(DATA + 4), 0xffff3800);
    ck_assert_uint_eq(rd32(DATA + 8), 0xffff3fff);
    ck_assert_uint_eq(rd32(DATA + 12), 0xffff1000);
    ck_assert_uint_eq(rd32(DATA + 16), 0x01e8);

    /* FLDENV round trip with a different TOP */
    ram[DATA + 5] = 0x28; /* sw TOP = 5 */
    RUN(0x66, 0xd9, 0x26, 0x00, 0x20);
    ck_assert_uint_eq(cpu.fpu.top, 5);
}
END_TEST

START_TEST(fsave_frstor)
{
    RUN(0xdb, 0xe3);
    RUN(0xd9, 0xe8); /* 1.0 */
    RUN(0xd9, 0xeb); /* pi */
    RUN(0xdd, 0x36, 0x00, 0x20); /* FNSAVE [0x2000], 94 bytes */
    ck_assert_uint_eq(rd16(DATA + 4), 0x0fff); /* R6, R7 valid */
    ck_assert_uint_eq(rd64(DATA + 14), 0xc90fdaa22168c235ull); /* ST0 = pi */
    ck_assert_uint_eq(rd16(DATA + 22), 0x4000);
    ck_assert_uint_eq(rd64(DATA + 24), 0x8000000000000000ull); /* ST1 = 1 */
    ck_assert_uint_eq(cpu.fpu.tw, 0xffff); /* FNSAVE reinitialised */
    ck_assert_uint_eq(cpu.fpu.top, 0);
    RUN(0xdd, 0x26, 0x00, 0x20); /* FRSTOR */
    ck_assert_uint_eq(cpu.fpu.top, 6);
    ck_assert_uint_eq(cpu.fpu.tw, 0x0fff);
    ck_assert_uint_eq(st_get(&cpu.fpu, 1).se, 0x3fff);
}
END_TEST

START_TEST(fcomi_flags)
{
    RUN(0xdb, 0xe3);
    RUN(0xd9, 0xe8); /* 1 */
    RUN(0xd9, 0xee); /* 0: ST0 = 0, ST1 = 1 */
    cpu_set_eflags(&cpu, FL_OF | FL_SF | FL_AF, FL_ARITH);
    RUN(0xdb, 0xf1); /* FCOMI ST0, ST1: 0 < 1 */
    ck_assert_uint_eq(cpu_get_eflags(&cpu) & FL_ARITH, FL_CF);
    RUN(0xdb, 0xe9); /* FUCOMI ST0, ST1 */
    ck_assert_uint_eq(cpu_get_eflags(&cpu) & FL_ARITH, FL_CF);
    RUN(0xd9, 0xc9); /* FXCH: ST0 = 1 */
    RUN(0xdb, 0xf1);
    ck_assert_uint_eq(cpu_get_eflags(&cpu) & FL_ARITH, 0);
    RUN(0xd9, 0xc0); /* FLD ST0 */
    RUN(0xdf, 0xf1); /* FCOMIP: equal, pops */
    ck_assert_uint_eq(cpu_get_eflags(&cpu) & FL_ARITH, FL_ZF);
    ck_assert_uint_eq(cpu.fpu.top, 6);
    wr32(DATA, 0x7fc00000);
    RUN(0xd9, 0x06, 0x00, 0x20); /* QNaN */
    RUN(0xdf, 0xe9); /* FUCOMIP: unordered, no IE for QNaN */
    ck_assert_uint_eq(cpu_get_eflags(&cpu) & FL_ARITH, FL_ZF | FL_PF | FL_CF);
    ck_assert(!(cpu.fpu.sw & SW_IE));
    /* FCMOVB: CF=1 from above */
    RUN(0xda, 0xc1); /* FCMOVB ST0, ST1: ST0 = 0 -> 1? ST0 is 1, ST1 is 0 */
    ck_assert_uint_eq(st_get(&cpu.fpu, 0).se, 0);
    ck_assert_uint_eq(st_get(&cpu.fpu, 0).mant, 0);
}
END_TEST

START_TEST(arith_and_conversions)
{
    RUN(0xdb, 0xe3);
    RUN(0xd9, 0xe8);
    RUN(0xd9, 0xe8);
    RUN(0xde, 0xc1); /* FADDP: 2 */
    wr32(DATA, 3);
    RUN(0xda, 0x0e, 0x00, 0x20); /* FIMUL dword [0x2000]: 6 */
    wr32(DATA, 0x40000000); /* 2.0f */
    RUN(0xd8, 0x3e, 0x00, 0x20); /* FDIVR dword: 2 / 6 */
    RUN(0xd8, 0x36, 0x00, 0x20); /* FDIV: (1/3) / 2 */
    wr32(DATA, 0x41400000);      /* 12.0f */
    RUN(0xd8, 0x0e, 0x00, 0x20); /* FMUL: 2 */
    RUN(0xd9, 0x1e, 0x04, 0x20); /* FSTP dword [0x2004] */
    ck_assert_uint_eq(rd32(DATA + 4), 0x40000000);
    ck_assert_uint_eq(cpu.fpu.tw, 0xffff);
    /* FILD/FISTP qword round trip */
    wr64(DATA, 0x123456789abcdef0ull);
    RUN(0xdf, 0x2e, 0x00, 0x20);
    RUN(0xdf, 0x3e, 0x08, 0x20);
    ck_assert_uint_eq(rd64(DATA + 8), 0x123456789abcdef0ull);
    /* DC E8+i is FSUB ST(i), ST0 = ST(i) - ST0; DC E0+i FSUBR = ST0 - ST(i) */
    RUN(0xd9, 0xe8); /* 1 */
    RUN(0xd9, 0xeb); /* pi, ST1 = 1 */
    RUN(0xdc, 0xe9); /* ST1 = 1 - pi < 0 */
    ck_assert(f80_sign(st_get(&cpu.fpu, 1)));
    /* FBSTP */
    RUN(0xdb, 0xe3);
    wr32(DATA, 1234);
    RUN(0xdb, 0x06, 0x00, 0x20);
    RUN(0xdf, 0x36, 0x10, 0x20);
    ck_assert_uint_eq(ram[DATA + 0x10], 0x34);
    ck_assert_uint_eq(ram[DATA + 0x11], 0x12);
    ck_assert_uint_eq(ram[DATA + 0x19], 0);
}
END_TEST

START_TEST(faults)
{
    cpu.cr0 |= CR0_TS;
    ck_assert_int_eq(RUN(0xd9, 0xe8), EXC_NM);
    ck_assert_int_eq(RUN(0x9b), -1); /* FWAIT: #NM only with MP too */
    cpu.cr0 |= CR0_MP;
    ck_assert_int_eq(RUN(0x9b), EXC_NM);
    ck_assert_int_eq(RUN(0x0f, 0xfc, 0xc1), EXC_NM); /* PADDB */
    cpu.cr0 &= ~(CR0_TS | CR0_MP);
    cpu.cr0 |= CR0_EM;
    ck_assert_int_eq(RUN(0x0f, 0xfc, 0xc1), EXC_UD);
    ck_assert_int_eq(RUN(0xd9, 0xe8), EXC_NM);
    cpu.cr0 &= ~CR0_EM;
    ck_assert_int_eq(RUN(0xdf, 0x0e, 0x00, 0x20), EXC_UD); /* FISTTP */
    ck_assert_int_eq(RUN(0xdd, 0x0e, 0x00, 0x20), EXC_UD);
    ck_assert_int_eq(RUN(0xdb, 0x0e, 0x00, 0x20), EXC_UD);
    ck_assert_int_eq(RUN(0xd9, 0xd1), EXC_UD);
    ck_assert_int_eq(RUN(0xd9, 0xef), EXC_UD);
    ck_assert_int_eq(RUN(0xdf, 0xe1), EXC_UD);
    ck_assert_int_eq(RUN(0xdb, 0xe0), -1); /* FENI */
    ck_assert_int_eq(RUN(0x0f, 0xae, 0x06, 0x08, 0x20), EXC_GP); /* FXSAVE misaligned */
}
END_TEST

START_TEST(fxsave_layout)
{
    RUN(0xdb, 0xe3);
    RUN(0xd9, 0xe8);
    ck_assert_int_eq(RUN(0x0f, 0xae, 0x06, 0x00, 0x20), -1);
    ck_assert_uint_eq(rd16(DATA), 0x037f);
    ck_assert_uint_eq(rd16(DATA + 2), 0x3800);
    ck_assert_uint_eq(ram[DATA + 4], 0x80);
    ck_assert_uint_eq(rd16(DATA + 6), 0x1e8);
    ck_assert_uint_eq(rd32(DATA + 24), 0x1f80);
    ck_assert_uint_eq(rd64(DATA + 32), 0x8000000000000000ull);
    ck_assert_uint_eq(rd16(DATA + 40), 0x3fff);
    RUN(0xdb, 0xe3);
    ck_assert_int_eq(RUN(0x0f, 0xae, 0x0e, 0x00, 0x20), -1); /* FXRSTOR */
    ck_assert_uint_eq(cpu.fpu.top, 7);
    ck_assert_uint_eq(cpu.fpu.tw, 0x3fff);
    wr32(DATA + 24, 0x10000);
    ck_assert_int_eq(RUN(0x0f, 0xae, 0x0e, 0x00, 0x20), EXC_GP);
}
END_TEST

static uint64_t mm(unsigned n) { return cpu.fpu.r[n].mant; }
static void set_mm(unsigned n, uint64_t v) { cpu.fpu.r[n].mant = v; }

START_TEST(mmx_ops)
{
    RUN(0xdb, 0xe3);
    set_mm(0, 0x7fff800000017ffeull);
    set_mm(1, 0x0001ffff00020005ull);
    RUN(0x0f, 0xed, 0xc1); /* PADDSW mm0, mm1 */
    ck_assert_uint_eq(mm(0), 0x7fff800000037fffull);
    ck_assert_uint_eq(cpu.fpu.r[0].se, 0xffff);
    ck_assert_uint_eq(cpu.fpu.tw, 0);
    ck_assert_uint_eq(cpu.fpu.top, 0);

    set_mm(2, 0x0100ff80007fff7full); /* words: 0x0100 0xff80 0x007f 0xff7f */
    set_mm(3, 0x8000000100ff0080ull);
    RUN(0x0f, 0x63, 0xd3); /* PACKSSWB mm2, mm3 */
    ck_assert_uint_eq(mm(2), 0x80017f7f7f807f80ull);
    set_mm(2, 0x0100ff80007fff7full);
    RUN(0x0f, 0x67, 0xd3); /* PACKUSWB */
    ck_assert_uint_eq(mm(2), 0x0001ff80ff007f00ull);
    set_mm(4, 0x0000800000007fffull);
    set_mm(5, 0x0001234500000001ull);
    RUN(0x0f, 0x6b, 0xe5); /* PACKSSDW */
    ck_assert_uint_eq(mm(4), 0x7fff00017fff7fffull);

    set_mm(6, 0x8877665544332211ull);
    set_mm(7, 0xfffefdfcddccbbaaull);
    RUN(0x0f, 0x60, 0xf7); /* PUNPCKLBW mm6, mm7 */
    ck_assert_uint_eq(mm(6), 0xdd44cc33bb22aa11ull);
    set_mm(6, 0x8877665544332211ull);
    RUN(0x0f, 0x6a, 0xf7); /* PUNPCKHDQ */
    ck_assert_uint_eq(mm(6), 0xfffefdfc88776655ull);
    wr32(DATA, 0x11223344);
    wr32(DATA + 4, 0xdeadbeef);
    set_mm(6, 0x8877665544332211ull);
    RUN(0x0f, 0x61, 0x36, 0x00, 0x20); /* PUNPCKLWD mm6, [0x2000] (m32) */
    ck_assert_uint_eq(mm(6), 0x1122443333442211ull);

    set_mm(6, 0x8000700012340001ull);
    set_mm(7, 20);
    RUN(0x0f, 0xe1, 0xf7); /* PSRAW mm6, mm7: count > 15 */
    ck_assert_uint_eq(mm(6), 0xffff000000000000ull);
    set_mm(6, 0x8000700012340001ull);
    RUN(0x0f, 0xd1, 0xf7); /* PSRLW: 0 */
    ck_assert_uint_eq(mm(6), 0);
    set_mm(6, 0x8000700012340001ull);
    RUN(0x0f, 0x71, 0xe6, 0x04); /* PSRAW mm6, 4 */
    ck_assert_uint_eq(mm(6), 0xf800070001230000ull);
    RUN(0x0f, 0x73, 0xf6, 0x08); /* PSLLQ mm6, 8 */
    ck_assert_uint_eq(mm(6), 0x0007000123000000ull);

    set_mm(0, 0x8000800080008000ull);
    set_mm(1, 0x8000800080008000ull);
    RUN(0x0f, 0xf5, 0xc1); /* PMADDWD */
    ck_assert_uint_eq(mm(0), 0x8000000080000000ull);
    set_mm(1, 0x00ff00ff7fff0002ull);
    set_mm(0, 0x0100000280000003ull);
    RUN(0x0f, 0xe5, 0xc1); /* PMULHW */
    ck_assert_uint_eq(mm(0), 0x00000000c0000000ull);
    set_mm(0, 0x0100000280000003ull);
    RUN(0x0f, 0xd5, 0xc1); /* PMULLW */
    ck_assert_uint_eq(mm(0), 0xff0001fe80000006ull);
    set_mm(0, 0x10ff7f0180000003ull);
    set_mm(1, 0x20017f0200000003ull);
    RUN(0x0f, 0xd8, 0xc1); /* PSUBUSB */
    ck_assert_uint_eq(mm(0), 0x00fe000080000000ull);
    set_mm(0, 0x10ff7f0180000003ull);
    RUN(0x0f, 0x64, 0xc1); /* PCMPGTB (signed) */
    ck_assert_uint_eq(mm(0), 0);
    set_mm(0, 0x10ff7f0180000003ull);
    RUN(0x0f, 0x74, 0xc1); /* PCMPEQB */
    ck_assert_uint_eq(mm(0), 0x0000ff0000ffffffull);

    cpu.regs[R_EAX] = 0xcafebabe;
    RUN(0x0f, 0x6e, 0xd0); /* MOVD mm2, eax */
    ck_assert_uint_eq(mm(2), 0xcafebabeull);
    set_mm(2, 0x1122334455667788ull);
    RUN(0x0f, 0x7f, 0x16, 0x00, 0x20); /* MOVQ [0x2000], mm2 */
    ck_assert_uint_eq(rd64(DATA), 0x1122334455667788ull);
    RUN(0x0f, 0x7e, 0xd3); /* MOVD ebx, mm2 */
    ck_assert_uint_eq(cpu.regs[R_EBX], 0x55667788);

    cpu.fpu.top = 3;
    RUN(0x0f, 0x77); /* EMMS */
    ck_assert_uint_eq(cpu.fpu.tw, 0xffff);
    ck_assert_uint_eq(cpu.fpu.top, 0);
}
END_TEST

static Suite *fpu_suite(void)
{
    Suite *s = suite_create("fpu");
    TCase *t = tcase_create("core");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, tags_after_loads_and_pops);
    tcase_add_test(t, stack_overflow_and_underflow);
    tcase_add_test(t, unmasked_exception_is_deferred);
    tcase_add_test(t, fxam_classes);
    tcase_add_test(t, fstenv_layouts);
    tcase_add_test(t, fsave_frstor);
    tcase_add_test(t, fcomi_flags);
    tcase_add_test(t, arith_and_conversions);
    tcase_add_test(t, faults);
    tcase_add_test(t, fxsave_layout);
    tcase_add_test(t, mmx_ops);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *r = srunner_create(fpu_suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

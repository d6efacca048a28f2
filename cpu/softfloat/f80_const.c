/*
 * f80_const.c - FLD1/FLDZ/FLDL2T/FLDL2E/FLDPI/FLDLG2/FLDLN2 and the 128-bit
 * constants of the transcendentals.
 *
 * Sources: Intel SDM vol. 1 ch. 8, load constant instructions (the x87 holds its constants to 66
 * bits and rounds them per RC when loading; no flags), checked on a real x87 in every rounding
 * mode: round to nearest goes up on the 66-bit halfway pattern 10b (FLDLG2 rounds up although its
 * 64-bit part is even), which we follow. All digits were computed with mpmath at 2000 bits
 * (gen_f80_consts.py in this folder prints them).
 *
 * Not emulated: nothing known.
 */
#include "cpu/softfloat/f80_internal.h"

/* The constant's top 64 bits and the next two ("66 bits"), exponent field. */
struct const66 {
    uint16_t se;
    uint64_t mant;
    uint8_t low2;
};

static const struct const66 consts66[] = {
    [F80_K_L2T] = {0x4000, 0xD49A784BCD1B8AFEull, 1},
    [F80_K_L2E] = {0x3FFF, 0xB8AA3B295C17F0BBull, 2},
    [F80_K_PI] = {0x4000, 0xC90FDAA22168C234ull, 3},
    [F80_K_LG2] = {0x3FFD, 0x9A209A84FBCFF798ull, 2},
    [F80_K_LN2] = {0x3FFE, 0xB17217F7D1CF79ABull, 3},
};

struct f80 f80_const(enum f80_const_id id, enum f80_round rc)
{
    const struct const66 *k;
    bool up;

    switch (id) {
    case F80_K_ONE: return f80_make(F80_BIAS, F80_INT_BIT);
    case F80_K_ZERO: return f80_zero(false);
    case F80_K_L2T:
    case F80_K_L2E:
    case F80_K_PI:
    case F80_K_LG2:
    case F80_K_LN2: break;
    default: return f80_indefinite();
    }
    k = &consts66[id];
    /* All positive, none with an all-ones mantissa, so no carry out. */
    switch (rc & 3) {
    case F80_RN: up = k->low2 >= 2; break;
    case F80_RU: up = k->low2 != 0; break;
    default: up = false; break;
    }
    return f80_make(k->se, k->mant + up);
}

/* Truncated to 128 bits; bit 0 set because each is irrational, so rounding
 * sees them as inexact in the right direction. */
const struct f80_wide f80_w_pi = {((f80_u128)0xC90FDAA22168C234ull << 64) | 0xC4C6628B80DC1CD1ull,
                                  1, false};
const struct f80_wide f80_w_ln2 = {((f80_u128)0xB17217F7D1CF79ABull << 64) | 0xC9E3B39803F2F6AFull,
                                   -1, false};
const struct f80_wide f80_w_log2e = {
    ((f80_u128)0xB8AA3B295C17F0BBull << 64) | 0xBE87FED0691D3E89ull, 0, false};
const struct f80_wide f80_w_2_over_pi = {
    ((f80_u128)0xA2F9836E4E441529ull << 64) | 0xFC2757D1F534DDC1ull, -1, false};

const struct f80_wide f80_w_atan_eighths[9] = {
    {0, 0, false},
    {((f80_u128)0xFEADD4D5617B6E32ull << 64) | 0xC897989F3E888EF7ull, -4, false},
    {((f80_u128)0xFADBAFC96406EB15ull << 64) | 0x6DC79EF5F7A217E5ull, -3, false},
    {((f80_u128)0xB7B0CA0F26F78473ull << 64) | 0x8AA32122DCFE4483ull, -2, false},
    {((f80_u128)0xED63382B0DDA7B45ull << 64) | 0x6FE445ECBC3A8D03ull, -2, false},
    {((f80_u128)0x8F005D5EF7F59F9Bull << 64) | 0x5C835E1665C43747ull, -1, false},
    {((f80_u128)0xA4BC7D1934F70924ull << 64) | 0x19A87F2A457DAC9Full, -1, false},
    {((f80_u128)0xB8053E2BC2319E73ull << 64) | 0xCB2DA55210A4443Dull, -1, false},
    {((f80_u128)0xC90FDAA22168C234ull << 64) | 0xC4C6628B80DC1CD1ull, -1, false},
};

/*
 * f80_bcd.c - FBLD and FBSTP, 18-digit packed BCD.
 *
 * Sources: Intel SDM vol. 1 4.7 (packed BCD: 9 bytes of digit pairs, least
 * significant first, sign in bit 7 of byte 9, bits 0-6 of byte 9 ignored on
 * load) and its encodings table (packed BCD indefinite: FFFF C000 0000 0000
 * 0000h), vol. 2 FBSTP (rounded per RC, #IA when out of range, NaN or
 * infinity).  The host-x87 test compares FBSTP bytes and flags exactly.
 *
 * Not emulated: FBLD of a nibble above 9 is undefined on the x87; we weigh it
 * by its binary value (digit * 10^n), a defined and repeatable result.
 */
#include "cpu/softfloat/f80_internal.h"

#define BCD_MAX 999999999999999999ull

struct f80 f80_from_bcd(const uint8_t bcd[10])
{
    uint64_t v = 0;
    int i;

    for (i = 8; i >= 0; i--)
        v = v * 100 + (uint64_t)(bcd[i] >> 4) * 10 + (bcd[i] & 15);
    return f80_from_u64((bcd[9] & 0x80) != 0, v);
}

static void bcd_indefinite(uint8_t bcd[10])
{
    int i;

    for (i = 0; i < 7; i++)
        bcd[i] = 0;
    bcd[7] = 0xC0;
    bcd[8] = 0xFF;
    bcd[9] = 0xFF;
}

void f80_to_bcd(struct f80_env *env, struct f80 a, uint8_t bcd[10])
{
    enum f80_kind k = f80_kind_of(a);
    uint64_t mag = 0;
    bool inexact = false, up = false;
    int i;

    if (k != F80K_ZERO) {
        if (k != F80K_NORMAL && k != F80K_DENORMAL) {
            f80_raise(env, F80_IE);
            bcd_indefinite(bcd);
            return;
        }
        if (!f80_round_to_u64(f80_unpack(a), env->round, &mag, &inexact, &up) || mag > BCD_MAX) {
            f80_raise(env, F80_IE);
            bcd_indefinite(bcd);
            return;
        }
    }
    if (inexact) env->flags |= F80_PE;
    if (up) env->flags |= F80_C1;
    for (i = 0; i < 9; i++) {
        uint8_t lo = (uint8_t)(mag % 10), hi = (uint8_t)(mag / 10 % 10);
        bcd[i] = (uint8_t)(hi << 4 | lo);
        mag /= 100;
    }
    bcd[9] = f80_sign(a) ? 0x80 : 0;
}

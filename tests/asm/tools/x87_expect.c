/* x87_expect.c - prints the 80-bit results that tests/asm/x87.asm expects,
 * computed by the host's own x87 (x86 or x86-64 hosts only).  The numbers
 * are pasted into x87.asm; rerun this and compare after editing that test:
 *
 *     cc -O0 -o x87_expect tests/asm/tools/x87_expect.c && ./x87_expect
 *
 * Every operation runs with the control word the test uses (all exceptions
 * masked, the given precision and rounding control). */
#include <stdio.h>
#include <stdint.h>

static void put(const char *name, const unsigned char *b)
{
    printf("%-16s db ", name);
    for (int i = 0; i < 10; i++)
        printf("0x%02X%s", b[i], i < 9 ? ", " : "\n");
}

static const char *pcname[] = {"24", "rsv", "53", "64"};
static const char *rcname[] = {"near", "down", "up", "zero"};

int main(void)
{
    unsigned char out[10];
    const int pcs[] = {0, 2, 3};
    for (int p = 0; p < 3; p++) {
        for (int rc = 0; rc < 4; rc++) {
            uint16_t cw = 0x003F | (pcs[p] << 8) | (rc << 10);
            char name[64];
            /* 1/3 */
            __asm__ volatile("fldcw %1\n\tfld1\n\tfld1\n\tfadd %%st(0), %%st(0)\n\t"
                             "fld1\n\tfaddp\n\tfdivrp\n\tfstpt %0\n\tfninit"
                             : "=m"(out) : "m"(cw));
            snprintf(name, sizeof name, "div1_3_p%s_%s", pcname[pcs[p]], rcname[rc]);
            put(name, out);
            /* -2/3 */
            __asm__ volatile("fldcw %1\n\tfld1\n\tfadd %%st(0), %%st(0)\n\tfchs\n\t"
                             "fld1\n\tfld1\n\tfadd %%st(0), %%st(0)\n\tfaddp\n\tfdivrp\n\tfstpt %0\n\tfninit"
                             : "=m"(out) : "m"(cw));
            snprintf(name, sizeof name, "divm2_3_p%s_%s", pcname[pcs[p]], rcname[rc]);
            put(name, out);
            /* sqrt(2) */
            __asm__ volatile("fldcw %1\n\tfld1\n\tfadd %%st(0), %%st(0)\n\tfsqrt\n\tfstpt %0\n\tfninit"
                             : "=m"(out) : "m"(cw));
            snprintf(name, sizeof name, "sqrt2_p%s_%s", pcname[pcs[p]], rcname[rc]);
            put(name, out);
        }
    }
    for (int rc = 0; rc < 4; rc++) {
        uint16_t cw = 0x033F | (rc << 10);
        char name[64];
#define CONST(insn, nm)                                                              \
    __asm__ volatile("fldcw %1\n\t" insn "\n\tfstpt %0\n\tfninit" : "=m"(out) : "m"(cw)); \
    snprintf(name, sizeof name, nm "_%s", rcname[rc]);                                \
    put(name, out);
        CONST("fldpi", "pi")
        CONST("fldl2e", "l2e")
        CONST("fldl2t", "l2t")
        CONST("fldlg2", "lg2")
        CONST("fldln2", "ln2")
    }
    return 0;
}

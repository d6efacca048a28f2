#!/usr/bin/env python3
"""Print the constants of f80_const.c and f80_trig.c (needs mpmath).

Wide constants are the value truncated to a 128-bit significand m with
value = m * 2^(e - 127); f80_const.c then sets bit 0 (they are irrational).
"""
from mpmath import mp, mpf, pi, log, atan, sqrt, floor, ldexp, frexp

mp.prec = 2000


def wide(name, x):
    m, ex = frexp(x)
    big = int(floor(ldexp(m, 128)))
    print("%-10s hi 0x%016X lo 0x%016X e %d" % (name, big >> 64, big & (2**64 - 1), ex - 1))


def x87_66(name, x):
    m, ex = frexp(x)
    big = int(floor(ldexp(m, 66)))
    print("%-10s se 0x%04X mant 0x%016X low2 %d" % (name, ex - 1 + 16383, big >> 2, big & 3))


for n, v in [("L2T", log(10, 2)), ("L2E", 1 / log(2)), ("PI", pi), ("LG2", log(2, 10)), ("LN2", log(2))]:
    x87_66(n, v)
for n, v in [("pi", pi), ("ln2", log(2)), ("log2e", 1 / log(2)), ("2/pi", 2 / pi), ("sqrt2", sqrt(2))]:
    wide(n, v)
for i in range(1, 9):
    wide("atan(%d/8)" % i, atan(mpf(i) / 8))
P = int(floor(ldexp(pi / 2, 384)))
print("pi/2*2^384 limbs (lsb first):")
print(", ".join("0x%016X" % ((P >> (64 * i)) & (2**64 - 1)) for i in range(7)))

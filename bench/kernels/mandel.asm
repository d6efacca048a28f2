; bench/mandel - x87 floating point: the Mandelbrot set on a 320x240 grid
; over [-2.0, 1.0] x [-1.2, 1.2], up to 256 iterations per point, all in the
; x87 register stack (fmul/fadd/fsub/fcomip).  The checksum is the total
; number of iterations, which is exact for any IEEE-conforming x87.

%define TEST_NAME 'bench_mandel'
%include "bench.inc"

W               equ 320
H               equ 240
MAXIT           equ 256
REPEAT          equ 1

section .text
test_main:
    mov eax, cr0
    and eax, ~0x0C              ; EM=0, TS=0
    or eax, 0x22
    mov cr0, eax
    fninit
    xor ebp, ebp                ; total iterations
    mov dword [rep_left], REPEAT
.again:
    mov dword [py], 0
.row:
    ; ci = -1.2 + py * (2.4 / H)
    fild dword [py]
    fmul qword [dy]
    fadd qword [y0]
    fstp qword [ci]
    mov dword [px], 0
.col:
    fild dword [px]
    fmul qword [dx_]
    fadd qword [x0]             ; st0 = cr
    fld qword [ci]              ; st0 = ci, st1 = cr
    fldz                        ; zi
    fldz                        ; zr   stack: zr zi ci cr
    mov ecx, MAXIT
.iter:
    ; zr2 = zr*zr, zi2 = zi*zi; stop when zr2 + zi2 > 4
    fld st0
    fmul st0, st0               ; zr2 zr zi ci cr
    fld st2
    fmul st0, st0               ; zi2 zr2 zr zi ci cr
    fld st0
    fadd st0, st2               ; zr2+zi2 zi2 zr2 zr zi ci cr
    fcomp qword [four]
    fnstsw ax
    test ah, 0x45               ; C3|C2|C0 all clear -> greater than 4
    jz .escape
    fsubp st1, st0              ; zr2-zi2 zr zi ci cr
    fadd st0, st4               ; new zr = zr2-zi2+cr
    fxch st1                    ; zr new_zr zi ci cr
    fmulp st2, st0              ; new_zr zr*zi ci cr
    fxch st1
    fadd st0, st0               ; 2*zr*zi new_zr ci cr
    fadd st0, st2               ; new zi
    fxch st1                    ; new_zr new_zi ci cr
    inc ebp
    dec ecx
    jnz .iter
    jmp .done_point
.escape:
    fstp st0
    fstp st0
.done_point:
    fstp st0
    fstp st0
    fstp st0
    fstp st0
    inc dword [px]
    cmp dword [px], W
    jb .col
    inc dword [py]
    cmp dword [py], H
    jb .row
    dec dword [rep_left]
    jnz .again
    mov eax, ebp
    call print_checksum
    ret

section .rodata
align 8
x0:     dq -2.0
y0:     dq -1.2
dx_:    dq 0.009375                 ; 3.0 / 320
dy:     dq 0.01                     ; 2.4 / 240
four:   dq 4.0

section .bss
px:     resd 1
py:     resd 1
ci:     resq 1
rep_left: resd 1

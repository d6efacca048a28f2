; x87_exc - x87 exception conditions and status-word details (SDM Vol. 1
; 8.1.3, 8.5, 8.6 and appendix D): stack overflow/underflow (IE+SF, C1 tells
; which), the masked results that go with them, C1 set when a result was
; rounded up, DE for denormal operands, FPREM1 quotient bits, bits 79:64
; set by MMX register writes; and unmasked
; exceptions: nothing happens at the faulting instruction, #MF (CR0.NE=1) is
; raised by the next waiting x87 instruction (not by FNSTSW/FNCLEX), the
; destination is left alone for IE/ZE, the result is stored for PE and
; stored bias-adjusted for OE, FSTENV points at the faulting instruction,
; FLDCW unmasking a pending flag; and no #MF when CR0.NE=0.  The PC/AT
; FERR#/IRQ13 path behind CR0.NE=0 needs the PICs and is in x87_ferr.

%define TEST_NAME 'x87_exc'
%include "mb.inc"

SW_IE           equ 0x0001
SW_DE           equ 0x0002
SW_ZE           equ 0x0004
SW_OE           equ 0x0008
SW_PE           equ 0x0020
SW_SF           equ 0x0040
SW_ES           equ 0x0080
SW_C0           equ 0x0100
SW_C1           equ 0x0200
SW_C2           equ 0x0400
SW_C3           equ 0x4000
SW_B            equ 0x8000
SW_CC           equ SW_C3 | SW_C2 | SW_C1 | SW_C0
SW_XF           equ 0x007F

%macro SWCHK 3
    fnstsw ax
    movzx eax, ax
    and eax, %2
    CHECK {%1}, eax, %3
%endmacro

%macro SETCW 1
    mov word [cw_tmp], %1
    fldcw [cw_tmp]
%endmacro

section .text
test_main:
    mov eax, cr0
    and eax, ~0x0C
    or eax, 0x22                ; MP, NE
    mov cr0, eax
    call t_stack
    call t_flags
    call t_mmx_alias
    call t_unmasked
    call t_ne0
    fninit
    ret

; ---------------------------------------------------------------------------
t_stack:
    TEST_SECTION 'stack overflow/underflow (masked)'
    fninit
    mov ecx, 8
.fill:
    fld1
    loop .fill
    SWCHK '8 pushes: no exception', SW_XF, 0
    fldz                        ; ninth push: overflow
    SWCHK 'overflow: IE SF C1=1', SW_XF | SW_C1 | SW_ES, SW_IE | SW_SF | SW_C1
    fstp tword [res80]
    CHECKMEM 'overflow loads the indefinite', res80, x_indef, 10
    fninit
    fld1
    fadd st0, st2               ; st2 is empty: underflow
    SWCHK 'underflow: IE SF C1=0', SW_XF | SW_C1 | SW_ES, SW_IE | SW_SF
    fstp tword [res80]
    CHECKMEM 'underflow result is the indefinite', res80, x_indef, 10
    fninit
    fstp qword [res64]          ; st0 is empty
    SWCHK 'fstp of empty: IE SF', SW_XF | SW_C1, SW_IE | SW_SF
    CHECK 'fstp of empty stores the indefinite (lo)', [res64], 0
    CHECK 'fstp of empty stores the indefinite (hi)', [res64 + 4], 0xFFF80000
    fninit
    fld1
    fxch st1                    ; exchange with an empty register
    SWCHK 'fxch with empty: IE SF', SW_XF, SW_IE | SW_SF
    fninit
    ret

; ---------------------------------------------------------------------------
t_flags:
    TEST_SECTION 'C1, DE, FPREM1 condition codes'
    fninit
    fld1
    fld dword [f_3]
    fdivp st1, st0              ; 1/3 rounds up in the last bit at PC=64
    SWCHK '1/3 near: PE with C1=1 (rounded up)', SW_XF | SW_C1, SW_PE | SW_C1
    fninit
    fld tword [x_denorm]
    fld1
    faddp st1, st0
    SWCHK 'denormal operand: DE', SW_DE, SW_DE
    fninit
    fld dword [f_3]
    fld dword [f_11]
    fprem1                      ; quotient rounded to nearest: 4 = Q2
    SWCHK 'fprem1 11,3: C0=Q2 C3=Q1 C1=Q0', SW_CC, SW_C0
    fninit
    ret

; ---------------------------------------------------------------------------
; SDM Vol. 1 9.5.1: an MMX register write sets bits 79:64 of the aliased x87
; register to all ones (so it reads as a NaN to x87 code).
t_mmx_alias:
    TEST_SECTION 'MMX writes set the x87 exponent bits'
    mov eax, 1
    cpuid
    test edx, 1 << 23
    jnz .have
    NOTE 'SKIP: no MMX'
    ret
.have:
    fninit
    movq mm3, [mm_val]
    fsave [sv]                  ; TOP=0 after MMX, so ST3 is R3
    CHECKMEM 'mm3 in the fsave image', sv + 28 + 3 * 10, mm_val_ext, 10
    emms
    fninit
    ret

; ---------------------------------------------------------------------------
t_unmasked:
    TEST_SECTION 'unmasked exceptions, CR0.NE=1 (#MF)'
    ; Stack overflow with IM clear: no fault at the overflowing FLD; the
    ; next waiting instruction raises #MF before it executes.
    fninit
    SETCW 0x037E
    mov ecx, 8
.fill:
    fld1
    loop .fill
.ovf:
    fldz
    SWCHK 'unmasked overflow: IE SF C1 ES B', SW_XF | SW_C1 | SW_ES | SW_B, SW_IE | SW_SF | SW_C1 | SW_ES | SW_B
    TRY .r1
.w1:
    fwait
.r1:
    ENDTRY
    CHECK_EXC 'fwait after unmasked overflow', 16, 0, .w1
    fnstenv [env]               ; non-waiting; FWAIT does not move FIP
    CHECK 'fstenv fip = the faulting fld', [env + 12], .ovf
    fnclex
    fnstsw ax
    movzx eax, ax
    and eax, 0x3800
    CHECK 'unmasked IE: TOP unchanged', eax, 0
    fstp qword [res64]
    CHECK 'unmasked IE: st0 unchanged (hi)', [res64 + 4], 0x3FF00000

    ; Zero divide: a non-waiting FNSTSW is fine, the next FLD1 faults.
    fninit
    SETCW 0x037B
    fld1
    fldz
    fdiv st1, st0               ; st1 = 1/0, unmasked: st1 stays 1
    NOFAULT 'fnstsw does not raise #MF', fnstsw ax
    TRY .r2
.w2:
    fld1
.r2:
    ENDTRY
    CHECK_EXC 'next fld1 after unmasked ZE', 16, 0, .w2
    fnclex
    fstp st0
    fstp qword [res64]
    CHECK 'unmasked ZE: destination unchanged (hi)', [res64 + 4], 0x3FF00000
    ; FNCLEX clears ES: a following FWAIT is quiet.
    NOFAULT 'fwait after fnclex', fwait

    ; PE unmasked: the rounded result is delivered anyway.
    fninit
    SETCW 0x035F
    fld1
    fld dword [f_3]
    fdivp st1, st0
    TRY .r3
.w3:
    fwait
.r3:
    ENDTRY
    CHECK_EXC 'fwait after unmasked PE', 16, 0, .w3
    fnclex
    fstp tword [res80]
    CHECKMEM 'unmasked PE: result stored', res80, x_third, 10

    ; OE unmasked: the result is stored with its exponent biased by -24576.
    fninit
    SETCW 0x0377
    fld tword [x_max]
    fadd st0, st0
    fnclex
    fstp tword [res80]
    CHECKMEM 'unmasked OE: bias-adjusted result', res80, x_max2_adj, 10

    ; A flag raised while masked becomes pending when FLDCW unmasks it.
    fninit
    fld1
    fldz
    fdivp st1, st0              ; masked ZE
    SETCW 0x037B                ; unmask ZE: ES set, fault at next wait
    SWCHK 'fldcw unmasking sets ES', SW_ES, SW_ES
    TRY .r4
.w4:
    fwait
.r4:
    ENDTRY
    CHECK_EXC 'fwait after fldcw unmasked a pending ZE', 16, 0, .w4
    fninit
    ret

; ---------------------------------------------------------------------------
; CR0.NE=0: an unmasked x87 exception raises no #MF; the waiting instruction
; asserts FERR# instead and carries on.  Delivery of FERR# as IRQ13 through
; the PICs is checked in x87_ferr.
t_ne0:
    TEST_SECTION 'CR0.NE=0: no #MF'
    mov eax, cr0
    and eax, ~0x20              ; NE=0
    mov cr0, eax
    fninit
    SETCW 0x037B
    fld1
    fldz
    fdivp st1, st0
    TRY .r1
    fwait                       ; the error is signalled here, as FERR#
    nop
.r1:
    ENDTRY
    CHECK 'no #MF with NE=0', [exc_vector], -1
    SWCHK 'ZE and ES stay set', SW_ZE | SW_ES, SW_ZE | SW_ES
    mov eax, cr0
    or eax, 0x20
    mov cr0, eax
    fninit
    ret

section .rodata
align 4
f_3:        dd 3.0
f_11:       dd 11.0
x_indef:    db 0, 0, 0, 0, 0, 0, 0, 0xC0, 0xFF, 0xFF
x_denorm:   db 0, 0, 0, 0, 0, 0, 0, 0x40, 0x00, 0x00
x_max:      db 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0x7F
; (max + max) * 2^-24576: significand unchanged, exponent 16384-24576 = -8192
x_max2_adj: db 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F
; 1/3 at PC=64, round to nearest (tools/x87_expect.c div1_3_p64_near)
x_third:    db 0xAB, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xFD, 0x3F

align 8
mm_val:     dq 0x80017FFF010280FF
mm_val_ext: dq 0x80017FFF010280FF
            dw 0xFFFF

section .bss
alignb 16
sv:         resb 108
env:        resb 28
res80:      resb 16
res64:      resd 2
cw_tmp:     resw 1

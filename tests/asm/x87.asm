; x87 - the floating-point unit (SDM Vol. 1 chapter 8, Vol. 2 F* entries):
; FNINIT state; loads and stores of every format (single, double, extended,
; word/dword/qword integers with rounding and the integer indefinite, packed
; BCD); division and square root in each rounding mode and precision
; control setting; the constants under each rounding mode; masked exception
; results and flags (IE/ZE/OE/UE/PE, C1 on round-up); FCOM/FUCOM/FCOMI/
; FUCOMI/FTST/FICOM condition codes; FCMOVcc; FXAM classes; transcendental
; and other instructions on inputs with exact results; FSTENV/FLDENV/FSAVE/
; FRSTOR/FXSAVE/FXRSTOR layouts and the tag word; FFREE/FINCSTP/FDECSTP.
; Stack overflow/underflow, C1 on round-up, DE, FPREM1 quotient bits and
; unmasked exceptions (#MF, FERR/IRQ13) are in x87_exc.
;
; 80-bit expected values were produced by the host x87 with
; tools/x87_expect.c (same control word, same exact inputs).

%define TEST_NAME 'x87'
%include "mb.inc"

SW_IE           equ 0x0001
SW_DE           equ 0x0002
SW_ZE           equ 0x0004
SW_OE           equ 0x0008
SW_UE           equ 0x0010
SW_PE           equ 0x0020
SW_SF           equ 0x0040
SW_ES           equ 0x0080
SW_C0           equ 0x0100
SW_C1           equ 0x0200
SW_C2           equ 0x0400
SW_C3           equ 0x4000
SW_CC           equ SW_C3 | SW_C2 | SW_C1 | SW_C0
SW_XF           equ 0x007F     ; exception flags + SF

; T80 what, expected - pop ST0 as 80 bits and compare
%macro T80 2
    fstp tword [res80]
    CHECKMEM {%1}, res80, %2, 10
%endmacro

; TI what, value - pop ST0 as a dword integer (current rounding) and compare
%macro TI 2
    fistp dword [res32]
    CHECK {%1}, [res32], %2
%endmacro

; TQ what, lo, hi - pop ST0 as a double and compare its bits
%macro TQ 3
    fstp qword [res64]
    CHECK {%1, ' (lo)'}, [res64], %2
    CHECK {%1, ' (hi)'}, [res64 + 4], %3
%endmacro

; SW what, mask, want - FNSTSW AX masked
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
    and eax, ~0x0C              ; EM=0 TS=0
    or eax, 0x22                ; MP, NE
    mov cr0, eax
    call t_init
    call t_formats
    call t_rounding
    call t_constants
    call t_arith
    call t_masked
    call t_compare
    call t_fcmov
    call t_fxam
    call t_transcendental
    call t_env
    call t_stack
    fninit
    ret

; ---------------------------------------------------------------------------
t_init:
    TEST_SECTION 'FNINIT state'
    ; The multiboot spec leaves the x87 state undefined, and straight after
    ; RESET it is table 9-1's (SDM Vol. 3 9.2): CW=0040H (every exception
    ; unmasked) and all eight registers tagged valid, so a push would be an
    ; unmasked stack overflow and #MF.  Initialise it as 9.2 asks first.
    fninit
    fld1                        ; dirty the state first
    fldz
    fninit
    fnstcw [cw_tmp]
    movzx eax, word [cw_tmp]
    CHECK 'cw after fninit', eax, 0x037F
    SWCHK 'sw after fninit', 0xFFFF, 0
    fnstenv [env]
    movzx eax, word [env + 8]
    CHECK 'tag word after fninit', eax, 0xFFFF
    fxam
    SWCHK 'fxam of empty st0', SW_C3 | SW_C2 | SW_C0, SW_C3 | SW_C0
    ret

; ---------------------------------------------------------------------------
t_formats:
    TEST_SECTION 'load/store formats'
    fninit
    fld dword [f_1_5]
    T80 'fld m32 -> m80', x_1_5
    fld qword [d_m0_1]
    TQ 'fld m64 -> fstp m64', 0x9999999A, 0xBFB99999
    fld qword [d_m0_1]
    fchs
    fstp dword [res32]
    CHECK 'fst m32 rounds 0.1', [res32], 0x3DCCCCCD
    fld tword [x_1_5]
    fst qword [res64]
    CHECK 'fst m64 (no pop) lo', [res64], 0
    CHECK 'fst m64 (no pop) hi', [res64 + 4], 0x3FF80000
    T80 'fld m80 -> fstp m80', x_1_5
    fild word [w_m32768]
    TI 'fild m16 -> fistp m32', 0xFFFF8000
    fild dword [d_int_max]
    fistp qword [res64]
    CHECK 'fild m32 -> fistp m64 lo', [res64], 0x7FFFFFFF
    CHECK 'fild m32 -> fistp m64 hi', [res64 + 4], 0
    fild qword [q_big]
    fistp qword [res64]
    CHECK 'fild m64 -> fistp m64 lo', [res64], 0x79F22087      ; -123456789012345
    CHECK 'fild m64 -> fistp m64 hi', [res64 + 4], 0xFFFF8FB7
    fld dword [f_40000]
    fistp word [res32]
    movzx eax, word [res32]
    CHECK 'fistp m16 out of range: integer indefinite', eax, 0x8000
    SWCHK 'fistp m16 out of range: IE', SW_IE, SW_IE
    fninit
    fbld [bcd_in]
    fistp qword [res64]
    CHECK 'fbld lo', [res64], 0x59CF0CB2     ; -123456789012345678
    CHECK 'fbld hi', [res64 + 4], 0xFE4964B4
    fild dword [d_m987654321]
    fbstp [res80]
    CHECKMEM 'fbstp', res80, bcd_out, 10
    fld dword [f_2_5]
    fbstp [res80]
    CHECKMEM 'fbstp rounds to even', res80, bcd_2, 10
    ; FIST rounding follows RC.
    fld dword [f_2_5]
    TI 'fistp 2.5 near', 2
    fld dword [f_3_5]
    TI 'fistp 3.5 near', 4
    fld dword [f_m2_5]
    TI 'fistp -2.5 near', -2
    SETCW 0x077F                ; RC down
    fld dword [f_2_5]
    TI 'fistp 2.5 down', 2
    fld dword [f_m2_5]
    TI 'fistp -2.5 down', -3
    SETCW 0x0B7F                ; RC up
    fld dword [f_2_5]
    TI 'fistp 2.5 up', 3
    fld dword [f_m2_5]
    TI 'fistp -2.5 up', -2
    SETCW 0x0F7F                ; RC zero
    fld dword [f_m2_5]
    TI 'fistp -2.5 zero', -2
    fld dword [f_3_5]
    TI 'fistp 3.5 zero', 3
    fninit
    ret

; ---------------------------------------------------------------------------
; 1/3, -2/3 and sqrt(2) under each precision (24/53/64) and rounding mode.
%macro ROUND_CASE 3     ; pc field, rc field, suffix
    SETCW 0x003F | (%1 << 8) | (%2 << 10)
    fld1
    fld dword [f_3]
    fdivp st1, st0
    T80 {'1/3 ', %str(%3)}, div1_3_%3
    fld dword [f_m2]
    fld dword [f_3]
    fdivp st1, st0
    T80 {'-2/3 ', %str(%3)}, divm2_3_%3
    fld dword [f_2]
    fsqrt
    T80 {'sqrt 2 ', %str(%3)}, sqrt2_%3
%endmacro

t_rounding:
    TEST_SECTION 'precision and rounding control'
    fninit
    ROUND_CASE 0, 0, p24_near
    ROUND_CASE 0, 1, p24_down
    ROUND_CASE 0, 2, p24_up
    ROUND_CASE 0, 3, p24_zero
    ROUND_CASE 2, 0, p53_near
    ROUND_CASE 2, 1, p53_down
    ROUND_CASE 2, 2, p53_up
    ROUND_CASE 2, 3, p53_zero
    ROUND_CASE 3, 0, p64_near
    ROUND_CASE 3, 1, p64_down
    ROUND_CASE 3, 2, p64_up
    ROUND_CASE 3, 3, p64_zero
    ; Precision control does not apply to loads/stores: a 64-bit value
    ; loaded at PC=24 keeps all its bits.
    SETCW 0x007F
    fld tword [div1_3_p64_near]
    T80 'fld m80 at PC=24 keeps 64 bits', div1_3_p64_near
    fninit
    ret

%macro CONST_CASE 2     ; rc field, suffix
    SETCW 0x037F | (%1 << 10)
    fldpi
    T80 {'fldpi ', %str(%2)}, pi_%2
    fldl2e
    T80 {'fldl2e ', %str(%2)}, l2e_%2
    fldl2t
    T80 {'fldl2t ', %str(%2)}, l2t_%2
    fldlg2
    T80 {'fldlg2 ', %str(%2)}, lg2_%2
    fldln2
    T80 {'fldln2 ', %str(%2)}, ln2_%2
%endmacro

t_constants:
    TEST_SECTION 'constants under each rounding mode'
    CONST_CASE 0, near
    CONST_CASE 1, down
    CONST_CASE 2, up
    CONST_CASE 3, zero
    fninit
    fldz
    TQ 'fldz', 0, 0
    fld1
    TQ 'fld1', 0, 0x3FF00000
    ret

; ---------------------------------------------------------------------------
t_arith:
    TEST_SECTION 'arithmetic forms'
    fninit
    fld dword [f_7]
    fsub dword [f_3]            ; st0 = 7 - 3
    TI 'fsub m32', 4
    fld dword [f_7]
    fsubr dword [f_3]           ; st0 = 3 - 7
    TI 'fsubr m32', -4
    fld dword [f_7]
    fld dword [f_3]
    fsubp st1, st0              ; st1 = st1 - st0 = 4
    TI 'fsubp', 4
    fld dword [f_7]
    fld dword [f_3]
    fsubrp st1, st0             ; st1 = st0 - st1 = -4
    TI 'fsubrp', -4
    fld dword [f_3]
    fld dword [f_7]
    fdivr st0, st1              ; st0 = st1 / st0 = 3/7 ... times 7 below
    fmul dword [f_7]
    TI 'fdivr then fmul', 3
    fstp st0
    fld dword [f_3]
    fiadd word [w_5]
    TI 'fiadd m16', 8
    fld dword [f_3]
    fimul dword [d_m4]
    TI 'fimul m32', -12
    fld dword [f_7]
    fisubr word [w_5]           ; 5 - 7
    TI 'fisubr m16', -2
    fld dword [f_m2_5]
    fabs
    fadd st0, st0
    TI 'fabs, fadd st0,st0', 5
    fld dword [f_3]
    fchs
    TI 'fchs', -3
    fld1
    fld dword [f_7]
    fxch st1
    TI 'fxch', 1
    TI 'fxch (2)', 7
    fld dword [f_16]
    fsqrt
    TI 'fsqrt 16', 4
    fld dword [f_2_5]
    frndint
    TI 'frndint 2.5 near', 2
    SETCW 0x0B7F
    fld dword [f_2_5]
    frndint
    fstp dword [res32]
    CHECK 'frndint 2.5 up', [res32], 0x40400000
    fninit
    ret

; ---------------------------------------------------------------------------
t_masked:
    TEST_SECTION 'masked exception results'
    fninit
    fld1
    fldz
    fdivp st1, st0              ; 1/0
    SWCHK '1/0: ZE', SW_XF, SW_ZE
    TQ '1/0 = +inf', 0, 0x7FF00000
    fninit
    fldz
    fldz
    fdivp st1, st0              ; 0/0
    SWCHK '0/0: IE', SW_XF, SW_IE
    T80 '0/0 = indefinite', x_indef
    fninit
    fld dword [f_m2]
    fsqrt
    SWCHK 'sqrt(-2): IE', SW_XF, SW_IE
    T80 'sqrt(-2) = indefinite', x_indef
    fninit
    fld1
    fld dword [f_3]
    fdivp st1, st0
    SWCHK '1/3: PE', SW_XF, SW_PE
    fninit
    fld1
    fld dword [f_3]
    fdivp st1, st0
    fld dword [f_m2]
    fmulp st1, st0              ; exact, clears C1
    fld1
    fld dword [f_3]
    SETCW 0x077F                ; RC down: 1/3 is rounded down
    fdivp st1, st0
    SWCHK '1/3 down: PE, C1 clear', SW_C1 | SW_PE, SW_PE
    fninit
    fld tword [x_max]
    fadd st0, st0               ; overflow -> +inf (RC near)
    SWCHK 'max+max: OE|PE', SW_XF, SW_OE | SW_PE
    TQ 'max+max = +inf', 0, 0x7FF00000
    fninit
    fld tword [x_min_norm]
    fmul dword [f_0_5]          ; tiny but exact: masked UE is not set
    SWCHK 'tiny exact: no UE', SW_XF, 0
    fstp st0
    fld tword [x_min_norm]
    fld dword [f_3]
    fdivp st1, st0              ; tiny and inexact: UE|PE
    SWCHK 'tiny inexact: UE|PE', SW_XF, SW_UE | SW_PE
    fninit
    ret

; ---------------------------------------------------------------------------
t_compare:
    TEST_SECTION 'FCOM/FUCOM/FCOMI/FUCOMI/FTST/FICOM'
    fninit
    fld dword [f_2]
    fld1                        ; st0=1, st1=2
    fcom st1
    SWCHK 'fcom 1 vs 2 (less)', SW_C3 | SW_C2 | SW_C0, SW_C0
    fcom dword [f_1]
    SWCHK 'fcom 1 vs 1 (equal)', SW_C3 | SW_C2 | SW_C0, SW_C3
    fcom dword [f_m2]
    SWCHK 'fcom 1 vs -2 (greater)', SW_C3 | SW_C2 | SW_C0, 0
    fcomi st0, st1
    CHECKF 'fcomi less', EFL_ZF | EFL_PF | EFL_CF | EFL_OF | EFL_SF | EFL_AF, EFL_CF
    fucomi st0, st0
    CHECKF 'fucomi equal', EFL_ZF | EFL_PF | EFL_CF, EFL_ZF
    fxch st1
    fcomi st0, st1
    CHECKF 'fcomi greater', EFL_ZF | EFL_PF | EFL_CF, 0
    fninit
    fld qword [d_qnan]
    fld1
    fucom st1
    SWCHK 'fucom qnan: unordered, no IE', SW_C3 | SW_C2 | SW_C0 | SW_IE, SW_C3 | SW_C2 | SW_C0
    fcom st1
    SWCHK 'fcom qnan: unordered, IE', SW_C3 | SW_C2 | SW_C0 | SW_IE, SW_C3 | SW_C2 | SW_C0 | SW_IE
    fnclex
    fucomi st0, st1
    CHECKF 'fucomi qnan: ZF PF CF', EFL_ZF | EFL_PF | EFL_CF, EFL_ZF | EFL_PF | EFL_CF
    SWCHK 'fucomi qnan: no IE', SW_IE, 0
    fcomi st0, st1
    SWCHK 'fcomi qnan: IE', SW_IE, SW_IE
    fninit
    fld tword [x_snan]
    fld1
    fucom st1
    SWCHK 'fucom snan: IE', SW_IE, SW_IE
    fninit
    fld dword [f_2]
    fld1
    fcomip st0, st1             ; pops once
    CHECKF 'fcomip less', EFL_ZF | EFL_PF | EFL_CF, EFL_CF
    fucomip st0, st0
    CHECKF 'fucomip equal', EFL_ZF | EFL_PF | EFL_CF, EFL_ZF
    fnstenv [env]
    movzx eax, word [env + 8]
    CHECK 'fcomip/fucomip popped twice', eax, 0xFFFF
    fninit
    fld dword [f_m2]
    ftst
    SWCHK 'ftst negative', SW_C3 | SW_C2 | SW_C0, SW_C0
    fldz
    fchs
    ftst
    SWCHK 'ftst -0 equals 0', SW_C3 | SW_C2 | SW_C0, SW_C3
    fninit
    fld dword [f_7]
    ficom word [w_5]
    SWCHK 'ficom 7 vs 5', SW_C3 | SW_C2 | SW_C0, 0
    ficomp dword [d_m4]
    SWCHK 'ficomp 7 vs -4', SW_C3 | SW_C2 | SW_C0, 0
    fld1
    fld1
    fcompp
    SWCHK 'fcompp equal', SW_C3 | SW_C2 | SW_C0, SW_C3
    fnstenv [env]
    movzx eax, word [env + 8]
    CHECK 'fcompp pops two', eax, 0xFFFF
    ret

; ---------------------------------------------------------------------------
; FCMOVcc st0, st1 with st0=1, st1=2: st0 becomes 2 when the condition holds.
%macro FCMOV_CASE 3     ; mnemonic, eflags, expected integer
    fninit
    fld dword [f_2]
    fld1
    push dword %2
    popfd
    %1 st0, st1
    TI {%str(%1), ' flags=', %str(%2)}, %3
%endmacro

t_fcmov:
    TEST_SECTION 'FCMOVcc'
    FCMOV_CASE fcmovb, 0x003, 2
    FCMOV_CASE fcmovb, 0x002, 1
    FCMOV_CASE fcmove, 0x042, 2
    FCMOV_CASE fcmove, 0x002, 1
    FCMOV_CASE fcmovbe, 0x042, 2
    FCMOV_CASE fcmovbe, 0x003, 2
    FCMOV_CASE fcmovbe, 0x002, 1
    FCMOV_CASE fcmovu, 0x006, 2
    FCMOV_CASE fcmovu, 0x002, 1
    FCMOV_CASE fcmovnb, 0x002, 2
    FCMOV_CASE fcmovnb, 0x003, 1
    FCMOV_CASE fcmovne, 0x002, 2
    FCMOV_CASE fcmovne, 0x042, 1
    FCMOV_CASE fcmovnbe, 0x002, 2
    FCMOV_CASE fcmovnbe, 0x042, 1
    FCMOV_CASE fcmovnu, 0x002, 2
    FCMOV_CASE fcmovnu, 0x006, 1
    fninit
    ret

; ---------------------------------------------------------------------------
%macro FXAM_CASE 3      ; what, load instruction, C3 C2 C1 C0 pattern
    fninit
    %2
    fxam
    SWCHK {%1}, SW_CC, %3
%endmacro

t_fxam:
    TEST_SECTION 'FXAM classes'
    FXAM_CASE '+0', fldz, SW_C3
    FXAM_CASE '+normal', fld1, SW_C2
    FXAM_CASE '-normal', fld dword [f_m2], SW_C2 | SW_C1
    FXAM_CASE '+inf', fld qword [d_inf], SW_C2 | SW_C0
    FXAM_CASE 'nan', fld qword [d_qnan], SW_C0
    FXAM_CASE 'denormal', fld tword [x_denorm], SW_C3 | SW_C2
    fninit
    fldz
    fchs
    fxam
    SWCHK '-0', SW_CC, SW_C3 | SW_C1
    fninit
    fxam
    SWCHK 'empty', SW_C3 | SW_C2 | SW_C0, SW_C3 | SW_C0
    fninit
    fld tword [x_unsupported]   ; pseudo-NaN/unnormal encodings: C3C2C0=000
    fxam
    SWCHK 'unsupported (unnormal)', SW_C3 | SW_C2 | SW_C0, 0
    fninit
    ret

; ---------------------------------------------------------------------------
t_transcendental:
    TEST_SECTION 'transcendentals and friends on exact inputs'
    fninit
    fldz
    fsin
    TQ 'fsin 0', 0, 0
    fldz
    fcos
    TQ 'fcos 0', 0, 0x3FF00000
    fldz
    fsincos                     ; st0 = cos, st1 = sin
    TQ 'fsincos 0: cos', 0, 0x3FF00000
    TQ 'fsincos 0: sin', 0, 0
    fldz
    fptan                       ; st0 = 1.0 pushed, st1 = tan
    SWCHK 'fptan 0: C2 clear (in range)', SW_C2, 0
    TQ 'fptan pushes 1.0', 0, 0x3FF00000
    TQ 'fptan 0', 0, 0
    fldz
    fld1
    fpatan                      ; atan(st1/st0) = atan(0/1)
    TQ 'fpatan 0/1', 0, 0
    fldz
    f2xm1
    TQ 'f2xm1 0', 0, 0
    fld1
    f2xm1
    TQ 'f2xm1 1', 0, 0x3FF00000
    fld1
    fchs
    f2xm1
    TQ 'f2xm1 -1', 0, 0xBFE00000
    fld dword [f_3]
    fld dword [f_8]
    fyl2x                       ; 3 * log2(8)
    TI 'fyl2x 3*log2(8)', 9
    fld dword [f_2]
    fldz
    fyl2xp1                     ; 2 * log2(1+0)
    TQ 'fyl2xp1 2*log2(1)', 0, 0
    fld dword [f_10]
    fld1
    fscale                      ; 1 * 2^10, st1 kept
    TI 'fscale', 1024
    TI 'fscale keeps st1', 10
    fld dword [f_10]
    fxtract                     ; st0 = significand, st1 = exponent
    fstp dword [res32]
    CHECK 'fxtract significand', [res32], 0x3FA00000          ; 1.25
    TI 'fxtract exponent', 3
    fld dword [f_3]
    fld dword [f_10]
    fprem                       ; 10 rem 3 = 1, quotient 3 -> Q2 Q1 Q0 = 0 1 1
    SWCHK 'fprem 10,3: C2=0 C0=Q2 C3=Q1 C1=Q0', SW_CC, SW_C3 | SW_C1
    TI 'fprem 10,3', 1
    fld dword [f_11]
    fprem
    TI 'fprem 11,3 (truncating)', 2
    fld dword [f_11]
    fprem1                      ; quotient rounded to nearest: 4
    TI 'fprem1 11,3 (nearest)', -1
    fstp st0
    fninit
    ret

; ---------------------------------------------------------------------------
t_env:
    TEST_SECTION 'FSTENV/FLDENV/FSAVE/FRSTOR/FXSAVE/FXRSTOR'
    fninit
    SETCW 0x027F                ; PC=53, to tell it from the default
    fld1                        ; R7 = 1.0 (valid)
    fldz                        ; R6 = 0 (zero)
.fip:
    fld qword [d_inf]           ; R5 = inf (special), TOP = 5
    fnstenv [env]
    movzx eax, word [env + 0]
    CHECK 'fstenv cw', eax, 0x027F
    movzx eax, word [env + 4]
    CHECK 'fstenv sw (TOP=5)', eax, 0x2800
    movzx eax, word [env + 8]
    CHECK 'fstenv tag word', eax, 0x1BFF
    CHECK 'fstenv fip', [env + 12], .fip
    movzx eax, word [env + 16]
    CHECK 'fstenv fcs', eax, KCODE
    CHECK 'fstenv fdp', [env + 20], d_inf
    movzx eax, word [env + 24]
    CHECK 'fstenv fds', eax, KDATA
    ; FSTENV masks all exceptions in the CW after storing.
    fnstcw [cw_tmp]
    movzx eax, word [cw_tmp]
    CHECK 'cw after fstenv', eax, 0x027F
    ; FLDENV of a crafted environment: RC=zero, all registers empty.
    mov word [env2 + 0], 0x0F7F
    mov word [env2 + 4], 0x0000
    mov word [env2 + 8], 0xFFFF
    fldenv [env2]
    fnstcw [cw_tmp]
    movzx eax, word [cw_tmp]
    CHECK 'fldenv cw', eax, 0x0F7F
    fxam
    SWCHK 'fldenv tag: st0 empty', SW_C3 | SW_C2 | SW_C0, SW_C3 | SW_C0
    ; Back to the saved one: the registers reappear.
    fldenv [env]
    fxam
    SWCHK 'fldenv back: st0 is inf', SW_C3 | SW_C2 | SW_C0, SW_C2 | SW_C0
    ; FSAVE: environment + 8 registers in ST order, then FNINIT.
    fsave [sv]
    movzx eax, word [sv + 8]
    CHECK 'fsave tag word', eax, 0x1BFF
    CHECKMEM 'fsave st0 (inf)', sv + 28, x_inf, 10
    CHECKMEM 'fsave st1 (0)', sv + 38, x_zero, 10
    CHECKMEM 'fsave st2 (1)', sv + 48, x_one, 10
    fnstcw [cw_tmp]
    movzx eax, word [cw_tmp]
    CHECK 'fsave reinitialises: cw', eax, 0x037F
    fnstenv [env2]
    movzx eax, word [env2 + 8]
    CHECK 'fsave reinitialises: tags', eax, 0xFFFF
    frstor [sv]
    fnstsw ax
    movzx eax, ax
    and eax, 0x3800
    CHECK 'frstor TOP', eax, 0x2800
    fstp st0
    fstp st0
    TI 'frstor st2', 1
    ; FXSAVE/FXRSTOR
    mov eax, 1
    cpuid
    test edx, 1 << 24
    jnz .fx
    NOTE 'SKIP FXSAVE: CPUID.1:EDX.FXSR=0'
    fninit
    ret
.fx:
    fninit
    SETCW 0x027F
    fld1
    fldz
    fld qword [d_inf]
    fxsave [fx]
    movzx eax, word [fx + 0]
    CHECK 'fxsave fcw', eax, 0x027F
    movzx eax, word [fx + 2]
    CHECK 'fxsave fsw', eax, 0x2800
    movzx eax, byte [fx + 4]
    CHECK 'fxsave abridged tag', eax, 0xE0
    CHECKMEM 'fxsave st0 (inf)', fx + 32, x_inf, 10
    CHECKMEM 'fxsave st1 (0)', fx + 48, x_zero, 10
    CHECKMEM 'fxsave st2 (1)', fx + 64, x_one, 10
    fninit
    fxrstor [fx]
    fnstcw [cw_tmp]
    movzx eax, word [cw_tmp]
    CHECK 'fxrstor fcw', eax, 0x027F
    fnstenv [env2]
    movzx eax, word [env2 + 8]
    CHECK 'fxrstor rebuilds the full tag word', eax, 0x1BFF
    fninit
    ret

; ---------------------------------------------------------------------------
t_stack:
    TEST_SECTION 'FFREE/FINCSTP/FDECSTP'
    ; FFREE/FINCSTP/FDECSTP
    fninit
    fld1
    fld1
    ffree st1                   ; R7 empty, R6 still valid, TOP unchanged
    fnstenv [env]
    movzx eax, word [env + 8]
    CHECK 'ffree st1 tag word', eax, 0xCFFF
    fincstp                     ; TOP 6 -> 7, tags unchanged
    fnstsw ax
    movzx eax, ax
    and eax, 0x3800
    CHECK 'fincstp TOP', eax, 0x3800
    fxam
    SWCHK 'st0 after fincstp is the freed reg', SW_C3 | SW_C2 | SW_C0, SW_C3 | SW_C0
    fdecstp
    fdecstp                     ; TOP 5: R5 empty
    fnstsw ax
    movzx eax, ax
    and eax, 0x3800
    CHECK 'fdecstp TOP', eax, 0x2800
    fninit
    ret

section .rodata
align 4
f_1:        dd 1.0
f_2:        dd 2.0
f_3:        dd 3.0
f_7:        dd 7.0
f_8:        dd 8.0
f_10:       dd 10.0
f_11:       dd 11.0
f_16:       dd 16.0
f_m2:       dd -2.0
f_0_5:      dd 0.5
f_1_5:      dd 1.5
f_2_5:      dd 2.5
f_3_5:      dd 3.5
f_m2_5:     dd -2.5
f_40000:    dd 40000.0
w_m32768:   dw -32768
w_5:        dw 5
d_m4:       dd -4
d_int_max:  dd 0x7FFFFFFF
d_m987654321: dd -987654321
align 8
q_big:      dq -123456789012345
d_m0_1:     dq -0.1
d_inf:      dq 0x7FF0000000000000
d_qnan:     dq 0x7FF8000000000000
x_1_5:      db 0, 0, 0, 0, 0, 0, 0, 0xC0, 0xFF, 0x3F
x_indef:    db 0, 0, 0, 0, 0, 0, 0, 0xC0, 0xFF, 0xFF
x_inf:      db 0, 0, 0, 0, 0, 0, 0, 0x80, 0xFF, 0x7F
x_zero:     db 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
x_one:      db 0, 0, 0, 0, 0, 0, 0, 0x80, 0xFF, 0x3F
x_max:      db 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0x7F
x_min_norm: db 0, 0, 0, 0, 0, 0, 0, 0x80, 0x01, 0x00
x_denorm:   db 0, 0, 0, 0, 0, 0, 0, 0x40, 0x00, 0x00
x_snan:     db 0, 0, 0, 0, 0, 0, 0, 0xA0, 0xFF, 0x7F
x_unsupported: db 0, 0, 0, 0, 0, 0, 0, 0x40, 0xFF, 0x3F   ; unnormal (J=0)
bcd_in:     db 0x78, 0x56, 0x34, 0x12, 0x90, 0x78, 0x56, 0x34, 0x12, 0x80
bcd_out:    db 0x21, 0x43, 0x65, 0x87, 0x09, 0, 0, 0, 0, 0x80
bcd_2:      db 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0x00
; Generated by tools/x87_expect.c:
    div1_3_p24_near  db 0x00, 0x00, 0x00, 0x00, 0x00, 0xAB, 0xAA, 0xAA, 0xFD, 0x3F
    divm2_3_p24_near db 0x00, 0x00, 0x00, 0x00, 0x00, 0xAB, 0xAA, 0xAA, 0xFE, 0xBF
    sqrt2_p24_near   db 0x00, 0x00, 0x00, 0x00, 0x00, 0xF3, 0x04, 0xB5, 0xFF, 0x3F
    div1_3_p24_down  db 0x00, 0x00, 0x00, 0x00, 0x00, 0xAA, 0xAA, 0xAA, 0xFD, 0x3F
    divm2_3_p24_down db 0x00, 0x00, 0x00, 0x00, 0x00, 0xAB, 0xAA, 0xAA, 0xFE, 0xBF
    sqrt2_p24_down   db 0x00, 0x00, 0x00, 0x00, 0x00, 0xF3, 0x04, 0xB5, 0xFF, 0x3F
    div1_3_p24_up    db 0x00, 0x00, 0x00, 0x00, 0x00, 0xAB, 0xAA, 0xAA, 0xFD, 0x3F
    divm2_3_p24_up   db 0x00, 0x00, 0x00, 0x00, 0x00, 0xAA, 0xAA, 0xAA, 0xFE, 0xBF
    sqrt2_p24_up     db 0x00, 0x00, 0x00, 0x00, 0x00, 0xF4, 0x04, 0xB5, 0xFF, 0x3F
    div1_3_p24_zero  db 0x00, 0x00, 0x00, 0x00, 0x00, 0xAA, 0xAA, 0xAA, 0xFD, 0x3F
    divm2_3_p24_zero db 0x00, 0x00, 0x00, 0x00, 0x00, 0xAA, 0xAA, 0xAA, 0xFE, 0xBF
    sqrt2_p24_zero   db 0x00, 0x00, 0x00, 0x00, 0x00, 0xF3, 0x04, 0xB5, 0xFF, 0x3F
    div1_3_p53_near  db 0x00, 0xA8, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xFD, 0x3F
    divm2_3_p53_near db 0x00, 0xA8, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xFE, 0xBF
    sqrt2_p53_near   db 0x00, 0x68, 0xDE, 0xF9, 0x33, 0xF3, 0x04, 0xB5, 0xFF, 0x3F
    div1_3_p53_down  db 0x00, 0xA8, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xFD, 0x3F
    divm2_3_p53_down db 0x00, 0xB0, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xFE, 0xBF
    sqrt2_p53_down   db 0x00, 0x60, 0xDE, 0xF9, 0x33, 0xF3, 0x04, 0xB5, 0xFF, 0x3F
    div1_3_p53_up    db 0x00, 0xB0, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xFD, 0x3F
    divm2_3_p53_up   db 0x00, 0xA8, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xFE, 0xBF
    sqrt2_p53_up     db 0x00, 0x68, 0xDE, 0xF9, 0x33, 0xF3, 0x04, 0xB5, 0xFF, 0x3F
    div1_3_p53_zero  db 0x00, 0xA8, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xFD, 0x3F
    divm2_3_p53_zero db 0x00, 0xA8, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xFE, 0xBF
    sqrt2_p53_zero   db 0x00, 0x60, 0xDE, 0xF9, 0x33, 0xF3, 0x04, 0xB5, 0xFF, 0x3F
    div1_3_p64_near  db 0xAB, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xFD, 0x3F
    divm2_3_p64_near db 0xAB, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xFE, 0xBF
    sqrt2_p64_near   db 0x84, 0x64, 0xDE, 0xF9, 0x33, 0xF3, 0x04, 0xB5, 0xFF, 0x3F
    div1_3_p64_down  db 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xFD, 0x3F
    divm2_3_p64_down db 0xAB, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xFE, 0xBF
    sqrt2_p64_down   db 0x84, 0x64, 0xDE, 0xF9, 0x33, 0xF3, 0x04, 0xB5, 0xFF, 0x3F
    div1_3_p64_up    db 0xAB, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xFD, 0x3F
    divm2_3_p64_up   db 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xFE, 0xBF
    sqrt2_p64_up     db 0x85, 0x64, 0xDE, 0xF9, 0x33, 0xF3, 0x04, 0xB5, 0xFF, 0x3F
    div1_3_p64_zero  db 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xFD, 0x3F
    divm2_3_p64_zero db 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xFE, 0xBF
    sqrt2_p64_zero   db 0x84, 0x64, 0xDE, 0xF9, 0x33, 0xF3, 0x04, 0xB5, 0xFF, 0x3F
    pi_near          db 0x35, 0xC2, 0x68, 0x21, 0xA2, 0xDA, 0x0F, 0xC9, 0x00, 0x40
    l2e_near         db 0xBC, 0xF0, 0x17, 0x5C, 0x29, 0x3B, 0xAA, 0xB8, 0xFF, 0x3F
    l2t_near         db 0xFE, 0x8A, 0x1B, 0xCD, 0x4B, 0x78, 0x9A, 0xD4, 0x00, 0x40
    lg2_near         db 0x99, 0xF7, 0xCF, 0xFB, 0x84, 0x9A, 0x20, 0x9A, 0xFD, 0x3F
    ln2_near         db 0xAC, 0x79, 0xCF, 0xD1, 0xF7, 0x17, 0x72, 0xB1, 0xFE, 0x3F
    pi_down          db 0x34, 0xC2, 0x68, 0x21, 0xA2, 0xDA, 0x0F, 0xC9, 0x00, 0x40
    l2e_down         db 0xBB, 0xF0, 0x17, 0x5C, 0x29, 0x3B, 0xAA, 0xB8, 0xFF, 0x3F
    l2t_down         db 0xFE, 0x8A, 0x1B, 0xCD, 0x4B, 0x78, 0x9A, 0xD4, 0x00, 0x40
    lg2_down         db 0x98, 0xF7, 0xCF, 0xFB, 0x84, 0x9A, 0x20, 0x9A, 0xFD, 0x3F
    ln2_down         db 0xAB, 0x79, 0xCF, 0xD1, 0xF7, 0x17, 0x72, 0xB1, 0xFE, 0x3F
    pi_up            db 0x35, 0xC2, 0x68, 0x21, 0xA2, 0xDA, 0x0F, 0xC9, 0x00, 0x40
    l2e_up           db 0xBC, 0xF0, 0x17, 0x5C, 0x29, 0x3B, 0xAA, 0xB8, 0xFF, 0x3F
    l2t_up           db 0xFF, 0x8A, 0x1B, 0xCD, 0x4B, 0x78, 0x9A, 0xD4, 0x00, 0x40
    lg2_up           db 0x99, 0xF7, 0xCF, 0xFB, 0x84, 0x9A, 0x20, 0x9A, 0xFD, 0x3F
    ln2_up           db 0xAC, 0x79, 0xCF, 0xD1, 0xF7, 0x17, 0x72, 0xB1, 0xFE, 0x3F
    pi_zero          db 0x34, 0xC2, 0x68, 0x21, 0xA2, 0xDA, 0x0F, 0xC9, 0x00, 0x40
    l2e_zero         db 0xBB, 0xF0, 0x17, 0x5C, 0x29, 0x3B, 0xAA, 0xB8, 0xFF, 0x3F
    l2t_zero         db 0xFE, 0x8A, 0x1B, 0xCD, 0x4B, 0x78, 0x9A, 0xD4, 0x00, 0x40
    lg2_zero         db 0x98, 0xF7, 0xCF, 0xFB, 0x84, 0x9A, 0x20, 0x9A, 0xFD, 0x3F
    ln2_zero         db 0xAB, 0x79, 0xCF, 0xD1, 0xF7, 0x17, 0x72, 0xB1, 0xFE, 0x3F

section .bss
alignb 16
fx:         resb 512
sv:         resb 108
env:        resb 28
env2:       resb 28
res80:      resb 16
res64:      resd 2
res32:      resd 1
cw_tmp:     resw 1

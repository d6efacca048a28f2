; pm_seg - protected-mode segment register loads (SDM Vol. 3 5.5-5.8 and the
; MOV/POP Sreg, JMP/CALL far pseudocode): null selectors, type, DPL/RPL/CPL,
; present bit, LDT selectors, the accessed bit, segment bases, conforming
; code, and 16-bit code segments called from 32-bit code.
;
; Error codes for selector faults are the selector with RPL cleared (EXT=0).
; Limit enforcement on accesses is in pm_seg_limit.

%define TEST_NAME 'pm_seg'
%include "mb.inc"

SEL_RO          equ 0x30        ; data, read-only, DPL 0
SEL_XO          equ 0x38        ; code, execute-only, DPL 0
SEL_XR          equ 0x40        ; code, execute/read, DPL 0
SEL_NP_DATA     equ 0x48        ; data, not present
SEL_NP_CODE     equ 0x50        ; code exec/read, not present
SEL_CONF        equ 0x58        ; conforming exec/read code, DPL 0
SEL_BASED       equ 0x60        ; data, base 0x12345, DPL 3
SEL_CODE16      equ 0x68        ; 16-bit code, base code16_start
SEL_LDT         equ 0x70        ; LDT descriptor
SEL_NOTACC      equ 0x78        ; data, accessed bit clear
SEL_CONF3       equ 0x80        ; conforming code, DPL 3
SEL_RO3         equ 0x88        ; data, read-only, DPL 3
SEL_BEYOND      equ GDT_ENTRIES * 8   ; first selector past the GDT limit

LDT_DATA0       equ 0x04        ; LDT index 0, TI=1: flat data DPL 0
LDT_BASED       equ 0x0C        ; LDT index 1: data base 0x23456

BASE_A          equ 0x12345
BASE_B          equ 0x23456

section .text
test_main:
    call setup
    call null_selectors
    call data_loads
    call stack_loads
    call code_loads
    call ring3_loads
    call ldt_loads
    call code16
    ret

setup:
    DESC SEL_RO, 0, 0xFFFFF, 0x90, 0xC0
    DESC SEL_XO, 0, 0xFFFFF, 0x98, 0xC0
    DESC SEL_XR, 0, 0xFFFFF, 0x9A, 0xC0
    DESC SEL_NP_DATA, 0, 0xFFFFF, 0x12, 0xC0
    DESC SEL_NP_CODE, 0, 0xFFFFF, 0x1A, 0xC0
    DESC SEL_CONF, 0, 0xFFFFF, 0x9E, 0xC0
    DESC SEL_BASED, BASE_A, 0xFFFF, 0xF2, 0x40
    DESC SEL_CODE16, code16_start, 0xFFFF, 0x9A, 0x00
    DESC SEL_LDT, ldt_table, 15, 0x82, 0x00
    DESC SEL_NOTACC, 0, 0xFFFFF, 0x92, 0xC0
    DESC SEL_CONF3, 0, 0xFFFFF, 0xFE, 0xC0
    DESC SEL_RO3, 0, 0xFFFFF, 0xF0, 0xC0
    mov dword [BASE_A], 0xA5A5A5A5
    mov dword [BASE_B], 0xB6B6B6B6
    ret

; ---------------------------------------------------------------------------
null_selectors:
    TEST_SECTION 'null selectors'
    ; Loading a null selector into DS/ES/FS/GS is legal (any RPL).
    NOFAULT 'mov ds, 0', mov ds, [zero_word]
    mov ax, ds
    movzx eax, ax
    CHECK 'ds keeps null selector value', eax, 0
    ; The next operand is read through DS, and an access through a null DS
    ; is #GP(0) (SDM Vol. 3 5.4.1): give DS back its flat descriptor first.
    call reload_ksegs
    NOFAULT 'mov es, 3', mov es, [three_word]
    mov ax, es
    movzx eax, ax
    CHECK 'es keeps null selector value', eax, 3
    call reload_ksegs
    NOFAULT 'mov fs, 0', mov fs, [zero_word]
    push dword 0
    NOFAULT 'pop gs null', pop gs
    call reload_ksegs
    ; ...but never into SS.
    mov ax, 0
    FAULTS 'mov ss, 0', 13, 0, mov ss, ax
    mov ax, 2
    FAULTS 'mov ss, 2 (null, rpl 2)', 13, 0, mov ss, ax
    ret

; ---------------------------------------------------------------------------
data_loads:
    TEST_SECTION 'data segment loads at CPL 0'
    mov ax, SEL_XO
    FAULTS 'ds <- execute-only code', 13, SEL_XO, mov ds, ax
    mov ax, TSS_SEL
    FAULTS 'ds <- TSS descriptor', 13, TSS_SEL, mov ds, ax
    mov ax, SEL_LDT
    FAULTS 'es <- LDT descriptor', 13, SEL_LDT, mov es, ax
    mov ax, SEL_BEYOND | 3
    FAULTS 'ds <- beyond GDT limit', 13, SEL_BEYOND, mov ds, ax
    mov ax, SEL_NP_DATA
    FAULTS 'ds <- not present', 11, SEL_NP_DATA, mov ds, ax
    mov ax, SEL_NP_CODE
    FAULTS 'fs <- not-present readable code', 11, SEL_NP_CODE, mov fs, ax
    mov ax, LDT_DATA0
    FAULTS 'gs <- LDT selector, LDTR null', 13, LDT_DATA0, mov gs, ax
    ; POP DS faults before ESP moves: the dword is still on the stack.
    push dword SEL_XO
    mov ebx, esp
    FAULTS 'pop ds <- execute-only', 13, SEL_XO, pop ds
    mov eax, esp
    add esp, 4
    CHECK 'pop ds fault leaves esp', eax, ebx

    ; Readable code is a legal data segment.
    mov ax, SEL_XR
    mov ds, ax
    mov eax, [BASE_A]
    call reload_ksegs
    CHECK 'read through code segment', eax, 0xA5A5A5A5

    ; Base: offset 0 of SEL_BASED is linear 0x12345.
    mov ax, SEL_BASED
    mov es, ax
    mov eax, [es:0]
    call reload_ksegs
    CHECK 'segment base', eax, 0xA5A5A5A5

    ; The CPU sets the accessed bit in the descriptor on a load.
    mov ax, SEL_NOTACC
    mov fs, ax
    call reload_ksegs
    movzx eax, byte [gdt + SEL_NOTACC + 5]
    CHECK 'accessed bit set', eax, 0x93

    ; RPL does not matter at CPL 0 for data if RPL <= DPL... RPL 3 to a
    ; DPL 0 segment does: max(CPL, RPL) must be <= DPL.
    mov ax, KDATA | 3
    FAULTS 'ds <- dpl0 data with rpl 3', 13, KDATA, mov ds, ax
    mov ax, UDATA
    NOFAULT 'ds <- dpl3 data at cpl0', mov ds, ax
    call reload_ksegs
    ret

; ---------------------------------------------------------------------------
stack_loads:
    TEST_SECTION 'stack segment loads'
    mov ax, SEL_RO
    FAULTS 'ss <- read-only data', 13, SEL_RO, mov ss, ax
    mov ax, SEL_XR
    FAULTS 'ss <- code', 13, SEL_XR, mov ss, ax
    mov ax, UDATA
    FAULTS 'ss <- dpl3 data (rpl3) at cpl0', 13, UDATA & ~3, mov ss, ax
    mov ax, KDATA | 1
    FAULTS 'ss <- rpl1 at cpl0', 13, KDATA, mov ss, ax
    mov ax, SEL_NP_DATA
    FAULTS 'ss <- not present', 12, SEL_NP_DATA, mov ss, ax
    mov ax, SEL_BEYOND
    FAULTS 'ss <- beyond GDT limit', 13, SEL_BEYOND, mov ss, ax
    mov ax, KDATA
    NOFAULT 'ss <- kdata', mov ss, ax
    ret

; ---------------------------------------------------------------------------
code_loads:
    TEST_SECTION 'code segment loads (far jmp/call) at CPL 0'
    FAULTS 'jmp far to data', 13, SEL_RO, jmp SEL_RO:target
    FAULTS 'jmp far to not-present', 11, SEL_NP_CODE, jmp SEL_NP_CODE:target
    FAULTS 'jmp far to dpl3 nonconforming', 13, UCODE & ~3, jmp UCODE:target
    FAULTS 'jmp far rpl3 to dpl0 nonconforming', 13, KCODE, jmp (KCODE | 3):target
    FAULTS 'call far to null', 13, 0, call 0:target
    FAULTS 'call far to LDT selector, LDTR null', 13, 0x0C, call 0x0C:target
    FAULTS 'jmp far to dpl3 conforming', 13, SEL_CONF3, jmp SEL_CONF3:target
    ; Conforming DPL 0 code at CPL 0: fine, CPL stays 0.
    call SEL_CONF:conf_fn
    CHECK 'call conforming dpl0', eax, SEL_CONF
    ; Execute-only code is fine for CS.
    call SEL_XO:xo_fn
    CHECK 'call execute-only', eax, 0x0E0E
    ret

target:
    jmp KCODE:.back             ; never reached if the far transfer faulted
.back:
    ret

conf_fn:
    mov ax, cs
    movzx eax, ax
    retf

xo_fn:
    mov eax, 0x0E0E
    retf

; ---------------------------------------------------------------------------
; At CPL 3 each try runs in its own call_ring3; a fault longjmps back here.
%macro R3_FAULTS 4      ; what, vector, error, user function (faults at .f)
    TRY %%rec
    mov eax, %4
    call call_ring3
%%rec:
    ENDTRY
    CHECK_EXC %1, %2, %3, %4.f
%endmacro

ring3_loads:
    TEST_SECTION 'segment loads at CPL 3'
    R3_FAULTS 'r3 ds <- kdata', 13, KDATA, u_ds_kdata
    R3_FAULTS 'r3 ds <- dpl0 readable nonconforming code', 13, SEL_XR, u_ds_xr
    R3_FAULTS 'r3 ss <- kdata', 13, KDATA, u_ss_kdata
    R3_FAULTS 'r3 ss <- dpl3 read-only', 13, SEL_RO3, u_ss_ro3
    R3_FAULTS 'r3 jmp far kcode', 13, KCODE, u_jmp_kcode
    R3_FAULTS 'r3 call far dpl0 code via rpl3', 13, SEL_XR, u_call_xr

    ; Conforming readable code is a legal data segment at any CPL, and a
    ; conforming DPL 0 code segment can be called from CPL 3 (CPL stays 3).
    TRY .conf_fail
    mov eax, u_conf
    call call_ring3
.conf_fail:
    ENDTRY
    CHECK_NOEXC 'r3 conforming'
    CHECK 'r3 ds <- conforming code', [r3_regs + R_EBX], 0xA5A5A5A5
    CHECK 'r3 call conforming: cs rpl is cpl', [r3_regs + R_EAX], SEL_CONF | 3

    ; Null selectors in DS..GS are legal at CPL 3 too.
    TRY .null_fail
    mov eax, u_null
    call call_ring3
.null_fail:
    ENDTRY
    CHECK_NOEXC 'r3 null data selectors'
    CHECK 'r3 ds after null load', [r3_regs + R_EAX], 0
    ret

u_ds_kdata:
    mov ax, KDATA
.f: mov ds, ax
    int R3_RETURN_VEC
u_ds_xr:
    mov ax, SEL_XR | 3
.f: mov ds, ax
    int R3_RETURN_VEC
u_ss_kdata:
    mov ax, KDATA | 3
.f: mov ss, ax
    int R3_RETURN_VEC
u_ss_ro3:
    mov ax, SEL_RO3 | 3
.f: mov ss, ax
    int R3_RETURN_VEC
u_jmp_kcode:
.f: jmp (KCODE | 3):target
    int R3_RETURN_VEC
u_call_xr:
.f: call (SEL_XR | 3):target
    int R3_RETURN_VEC
u_conf:
    mov ax, SEL_CONF | 3
    mov ds, ax
    mov ebx, [BASE_A]
    mov ax, UDATA
    mov ds, ax
    call (SEL_CONF | 3):conf_fn
    int R3_RETURN_VEC
u_null:
    xor eax, eax
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ax, ds
    movzx eax, ax
    int R3_RETURN_VEC

; ---------------------------------------------------------------------------
ldt_loads:
    TEST_SECTION 'LDT'
    ; LDT: index 0 flat data DPL 0, index 1 data at BASE_B DPL 0.
    mov eax, ldt_table
    mov dword [eax], 0x0000FFFF
    mov dword [eax + 4], 0x00CF9200
    mov dword [eax + 8], ((BASE_B & 0xFFFF) << 16) | 0xFFFF
    mov dword [eax + 12], (BASE_B & 0xFF000000) | ((BASE_B >> 16) & 0xFF) | 0x00409200
    mov ax, KDATA
    FAULTS 'lldt <- data descriptor', 13, KDATA, lldt ax
    mov ax, SEL_LDT
    lldt ax
    sldt ax
    movzx eax, ax
    CHECK 'sldt', eax, SEL_LDT
    mov ax, LDT_BASED
    mov gs, ax
    mov eax, [gs:0]
    call reload_ksegs
    CHECK 'LDT data segment base', eax, 0xB6B6B6B6
    mov ax, 0x14                ; LDT index 2: past the 16-byte LDT limit
    FAULTS 'gs <- beyond LDT limit', 13, 0x14, mov gs, ax
    xor eax, eax
    lldt ax                     ; a null LDT is legal
    mov ax, LDT_BASED
    FAULTS 'gs <- LDT selector after lldt 0', 13, LDT_BASED, mov gs, ax
    ret

; ---------------------------------------------------------------------------
; A 16-bit code segment (D=0) called from 32-bit code: operand and address
; size default to 16, so a push moves ESP by 2 (SS is still a 32-bit stack),
; a near call pushes a 16-bit IP, and the far return needs o32 to pop the
; 32-bit CS:EIP the 32-bit far call pushed.
code16:
    TEST_SECTION '16-bit code segment'
    call SEL_CODE16:(c16_entry - code16_start)
    CHECK '16-bit push size', ebx, 2
    CHECK '16-bit push eax size', ecx, 4
    CHECK '16-bit near call pushes ip', edx, c16_ret - code16_start
    CHECK '16-bit cs', eax, SEL_CODE16
    CHECK '16-bit 16-bit wraparound in add', esi, 0x12340000
    ret

section .text
align 16
code16_start:
BITS 16
c16_entry:
    mov ebx, esp
    push ax
    mov ecx, esp
    pop ax
    sub ebx, ecx
    mov ecx, esp
    push eax
    sub ecx, esp
    pop eax
    call c16_sub
c16_ret:
    mov ax, cs
    movzx eax, ax
    mov esi, 0x1234FFFF
    add si, 1                   ; 16-bit add leaves the upper half alone
    o32 retf
c16_sub:
    mov edx, [esp]              ; a16 would use SP; force a32 through ESP
    movzx edx, dx
    ret                         ; 16-bit near return pops 2 bytes
BITS 32

section .data
zero_word:  dw 0
three_word: dw 3

section .bss
alignb 8
ldt_table:  resq 2

; x87_ferr - the PC/AT way of reporting x87 errors (SDM Vol. 1 8.7 and
; appendix D, "MS-DOS compatibility" mode): with CR0.NE=0 an unmasked x87
; exception raises no #MF; the next waiting x87 instruction asserts FERR#,
; which the board routes to IRQ13 (slave PIC line 5); the IRQ13 handler
; writes port F0h (clearing the FERR#/IGNNE# latch) as DOS-era handlers do.
;
; Split out of x87_exc because it needs the 8259 PICs: it is assembled but
; not registered in ctest until the board has them (see CMakeLists.txt).

%define TEST_NAME 'x87_ferr'
%include "mb.inc"

VEC_IRQ13       equ 0x2D        ; slave PIC base 0x28 + 5

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
    call t_ferr
    fninit
    ret

; ---------------------------------------------------------------------------
; CR0.NE=0: an unmasked x87 exception asserts FERR#, which a PC routes to
; IRQ13 (slave PIC line 5); no #MF is raised.
t_ferr:
    TEST_SECTION 'CR0.NE=0: FERR# -> IRQ13'
    ; Remap the PICs: master 0x20, slave 0x28; only IRQ2 and IRQ13 open.
    mov al, 0x11
    out 0x20, al
    out 0xA0, al
    mov al, 0x20
    out 0x21, al
    mov al, 0x28
    out 0xA1, al
    mov al, 4
    out 0x21, al
    mov al, 2
    out 0xA1, al
    mov al, 1
    out 0x21, al
    out 0xA1, al
    mov al, 0xFB
    out 0x21, al
    mov al, 0xDF
    out 0xA1, al
    IDT_GATE VEC_IRQ13, KCODE, irq13_handler, 0x8E
    mov dword [irq13_count], 0
    mov eax, cr0
    and eax, ~0x20              ; NE=0
    mov cr0, eax
    fninit
    SETCW 0x037B
    fld1
    fldz
    fdivp st1, st0
    TRY .r1
    sti
    fwait                       ; the error is signalled here
    nop
    nop
    nop
    cli
.r1:
    ENDTRY
    CHECK 'no #MF with NE=0', [exc_vector], -1
    CHECK 'IRQ13 delivered once', [irq13_count], 1
    mov al, 0xFF
    out 0x21, al
    out 0xA1, al
    mov eax, cr0
    or eax, 0x20
    mov cr0, eax
    fninit
    ret

irq13_handler:
    push eax
    inc dword [ss:irq13_count]
    xor al, al
    out 0xF0, al                ; clear the FERR#/IGNNE latch
    fnclex
    mov al, 0x20
    out 0xA0, al
    out 0x20, al
    pop eax
    iretd

section .bss
cw_tmp:     resw 1
irq13_count: resd 1

; exceptions_strict - exception details that QEMU TCG does not model (see
; KNOWN_QEMU_DIFFERENCES.md), kept apart so that `exceptions` stays green
; on QEMU: #AC alignment checking, the EXT bit of error codes raised while
; delivering an exception, #UD for LOCK on MOV, and #GP(0) for illegal
; CR0/CR4 values (last, since QEMU misbehaves on them).

%define TEST_NAME 'exceptions_strict'
%include "mb.inc"

section .text
test_main:
    call align_check
    call ext_bit
    call lock_mov
    call bad_cr
    ret

; ---------------------------------------------------------------------------
; #AC(0): CR0.AM=1, EFLAGS.AC=1, CPL 3, and a misaligned operand (SDM Vol. 3
; 6.15 "Interrupt 17"; words on 2, dwords on 4, 64-bit operands on 8 bytes).
%macro R3_AC 3          ; what, expected vector (17 or -1), user function
    TRY %%rec
    mov eax, %3
    call call_ring3
%%rec:
    ENDTRY
%if %2 == -1
    CHECK_NOEXC %1
%else
    CHECK_EXC %1, %2, 0, %3.f
%endif
%endmacro

align_check:
    TEST_SECTION '#AC'
    mov eax, cr0
    or eax, 1 << 18             ; AM
    mov cr0, eax
    mov dword [r3_eflags], EFL_AC | 2
    R3_AC 'misaligned dword load', 17, u_ld32
    R3_AC 'misaligned word store', 17, u_st16
    R3_AC 'qword on a 4-byte boundary (fild)', 17, u_fild64
    R3_AC 'aligned dword', -1, u_aligned
    R3_AC 'byte at odd address', -1, u_byte
    mov dword [r3_eflags], 2    ; AC=0: no check
    R3_AC 'misaligned with EFLAGS.AC=0', -1, u_ld32
    mov dword [r3_eflags], EFL_AC | 2
    mov eax, cr0
    and eax, ~(1 << 18)         ; AM=0: no check
    mov cr0, eax
    R3_AC 'misaligned with CR0.AM=0', -1, u_ld32
    mov eax, cr0
    or eax, 1 << 18
    mov cr0, eax
    ; CPL 0 never checks alignment.
    pushfd
    or dword [esp], EFL_AC
    popfd
    NOFAULT 'misaligned at cpl0', mov eax, [ac_buf + 1]
    pushfd
    and dword [esp], ~EFL_AC
    popfd
    mov dword [r3_eflags], 2
    mov eax, cr0
    and eax, ~(1 << 18)
    mov cr0, eax
    ret

u_ld32:
.f: mov eax, [ac_buf + 1]
    int R3_RETURN_VEC
u_st16:
.f: mov [ac_buf + 3], ax
    int R3_RETURN_VEC
u_fild64:
.f: fild qword [ac_buf + 4]
    int R3_RETURN_VEC
u_aligned:
.f: mov eax, [ac_buf + 4]
    int R3_RETURN_VEC
u_byte:
.f: mov al, [ac_buf + 3]
    int R3_RETURN_VEC

; ---------------------------------------------------------------------------
; Error codes of faults that happen while the CPU delivers an exception
; carry EXT=1 (bit 0): the event is external to the program.  For INT n
; (software) EXT is 0; that case is in `exceptions`.
ext_bit:
    TEST_SECTION 'EXT bit'
    mov eax, [idt + 6 * 8 + 4]
    mov [saved_gate], eax
    and dword [idt + 6 * 8 + 4], ~0x8000        ; #UD gate not present
    FAULTS '#NP while delivering #UD', 11, 6 * 8 + 2 + 1, ud2
    mov eax, [saved_gate]
    mov [idt + 6 * 8 + 4], eax
    mov ax, [idt + 6 * 8 + 2]
    mov [saved_gate + 4], ax
    mov word [idt + 6 * 8 + 2], KDATA           ; gate target not code
    FAULTS '#GP while delivering #UD', 13, KDATA + 1, ud2
    mov ax, [saved_gate + 4]
    mov [idt + 6 * 8 + 2], ax
    ret

; ---------------------------------------------------------------------------
lock_mov:
    TEST_SECTION 'LOCK on MOV'
    mov ebx, ac_buf
    FAULTS 'lock mov [m], eax', 6, 0, db 0xF0, 0x89, 0x03
    FAULTS 'lock mov eax, [m]', 6, 0, db 0xF0, 0x8B, 0x03
    FAULTS 'lock mov byte [m], imm', 6, 0, db 0xF0, 0xC6, 0x03, 0x00
    ret

; ---------------------------------------------------------------------------
bad_cr:
    TEST_SECTION 'illegal CR0/CR4 values (#GP(0))'
    mov eax, cr0
    or eax, 0x20000000          ; NW=1 with CD=0
    and eax, ~0x40000000
    FAULTS 'cr0 NW=1 CD=0', 13, 0, mov cr0, eax
    mov eax, cr0
    or eax, 0x80000000
    and eax, ~1                 ; PG without PE
    FAULTS 'cr0 PG=1 PE=0', 13, 0, mov cr0, eax
    mov eax, cr4
    or eax, 0x80000000          ; reserved CR4 bit
    FAULTS 'cr4 reserved bit', 13, 0, mov cr4, eax
    ret

section .bss
alignb 16
ac_buf:     resb 32
saved_gate: resd 2

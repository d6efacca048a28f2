; debug - the debug facilities (SDM Vol. 3 chapter 17): DR0-DR3 instruction
; breakpoints (faults, EIP of the instruction) and RF suppressing the repeat
; on resume, data write and read/write breakpoints (traps, EIP of the next
; instruction) with 1/2/4-byte lengths and overlap, several hits at once,
; DR6 B0-B3/BS/BD, DR7.GD general detect, TF single-step (incl. the MOV SS
; shadow), a data breakpoint inside REP MOVSB (trap after that iteration),
; the TSS T bit (DR6.BT trap before the new task's first instruction), INT1
; (F1) and INT3.
;
; A hook handles #DB: it logs EIP, DR6 and ECX, clears DR6 (the CPU never
; does), optionally sets RF in the saved EFLAGS and stops single-stepping
; after a given number of traps, then resumes.

%define TEST_NAME 'debug'
%include "mb.inc"

DR6_B0          equ 1
DR6_B1          equ 2
DR6_B2          equ 4
DR6_B3          equ 8
DR6_BD          equ 1 << 13
DR6_BS          equ 1 << 14
DR6_BT          equ 1 << 15
DR6_MASK        equ DR6_B0 | DR6_B1 | DR6_B2 | DR6_B3 | DR6_BD | DR6_BS | DR6_BT

SEL_TSS_T       equ FREE_SEL    ; a task whose TSS has the T bit set

; DR7 field helpers: local enable, R/W and LEN for breakpoint n
%define L(n)        (1 << ((n) * 2))
%define RW(n, v)    ((v) << (16 + (n) * 4))
%define LEN(n, v)   ((v) << (18 + (n) * 4))
RW_X            equ 0
RW_W            equ 1
RW_RW           equ 3
LEN_1           equ 0
LEN_2           equ 1
LEN_4           equ 3
DR7_GD          equ 1 << 13

section .text
test_main:
    mov dword [exc_hook], db_hook
    call t_exec
    call t_data
    call t_step
    call t_gd
    call t_rep
    call t_tbit
    mov dword [exc_hook], 0
    call t_int1_int3
    xor eax, eax
    mov dr7, eax
    ret

; reset_log: clear the log and the hook's options (eax = RF-from-hit, ebx =
; stop single-step after this many traps)
reset_log:
    mov dword [db_n], 0
    mov [db_rf_from], eax
    mov [db_step_limit], ebx
    push eax
    xor eax, eax
    mov dr6, eax
    pop eax
    ret

db_hook:
    mov ebp, [esp + 4]
    cmp dword [ebp + F_VEC], 1
    jne .no
    mov ecx, [db_n]
    inc dword [db_n]
    cmp ecx, 16
    jae .opts
    mov eax, [ebp + F_EIP]
    mov [db_eip + ecx * 4], eax
    mov eax, dr6
    and eax, DR6_MASK
    mov [db_dr6 + ecx * 4], eax
    mov eax, [ebp + F_ECX]
    mov [db_ecx + ecx * 4], eax
    mov eax, dr7
    mov [db_dr7 + ecx * 4], eax
.opts:
    xor eax, eax
    mov dr6, eax
    mov eax, [db_n]
    cmp eax, [db_rf_from]
    jb .no_rf
    or dword [ebp + F_EFLAGS], EFL_RF
.no_rf:
    cmp eax, [db_step_limit]
    jb .keep_tf
    and dword [ebp + F_EFLAGS], ~EFL_TF
.keep_tf:
    cmp eax, 32                 ; runaway guard
    jb .ok
    and dword [ebp + F_EFLAGS], ~EFL_TF
    xor eax, eax
    mov dr7, eax
.ok:
    xor eax, eax
    ret
.no:
    mov eax, 1
    ret

; ---------------------------------------------------------------------------
t_exec:
    TEST_SECTION 'instruction breakpoints and RF'
    ; The hook sets RF on the first hit: the instruction then runs once.
    mov eax, 1
    mov ebx, 1000
    call reset_log
    mov eax, .bp1
    mov dr0, eax
    mov eax, L(0) | RW(0, RW_X) | LEN(0, LEN_1)
    mov dr7, eax
    xor ebx, ebx
.bp1:
    inc ebx
    xor eax, eax
    mov dr7, eax
    CHECK 'one hit', [db_n], 1
    CHECK 'fault: eip is the instruction', [db_eip], .bp1
    CHECK 'dr6.b0', [db_dr6], DR6_B0
    CHECK 'instruction ran once after RF', ebx, 1
    ; RF only on the second hit: without RF the resumed instruction hits
    ; its breakpoint again.
    mov eax, 2
    mov ebx, 1000
    call reset_log
    mov eax, .bp2
    mov dr3, eax
    mov eax, L(3) | RW(3, RW_X) | LEN(3, LEN_1)
    mov dr7, eax
    xor ebx, ebx
.bp2:
    inc ebx
    xor eax, eax
    mov dr7, eax
    CHECK 'without RF the breakpoint repeats', [db_n], 2
    CHECK 'second hit same eip', [db_eip + 4], .bp2
    CHECK 'dr6.b3', [db_dr6 + 4], DR6_B3
    CHECK 'ran once', ebx, 1
    ; A disabled breakpoint (address set, L/G clear) never fires.
    mov eax, 1
    mov ebx, 1000
    call reset_log
    mov eax, .bp3
    mov dr1, eax
    mov eax, L(0) | RW(1, RW_X)
    mov dr7, eax
.bp3:
    nop
    xor eax, eax
    mov dr7, eax
    CHECK 'disabled breakpoint', [db_n], 0
    ret

; ---------------------------------------------------------------------------
t_data:
    TEST_SECTION 'data breakpoints'
    mov eax, 1000
    mov ebx, 1000
    call reset_log
    mov eax, dvar
    mov dr1, eax
    mov eax, L(1) | RW(1, RW_W) | LEN(1, LEN_4)
    mov dr7, eax
    mov eax, [dvar]             ; read: no trap for a write breakpoint
    mov dword [dvar], 5
.w1_next:
    mov byte [dvar + 3], 1      ; overlaps the 4-byte range
.w2_next:
    mov byte [dvar + 4], 1      ; outside
    xor eax, eax
    mov dr7, eax
    CHECK 'write bp: two hits', [db_n], 2
    CHECK 'write bp: trap eip', [db_eip], .w1_next
    CHECK 'write bp: dr6.b1', [db_dr6], DR6_B1
    CHECK 'write bp: overlap trap eip', [db_eip + 4], .w2_next
    ; Read/write breakpoint, 2 bytes, hit by a read of a wider operand.
    mov eax, 1000
    mov ebx, 1000
    call reset_log
    mov eax, dvar + 8
    mov dr2, eax
    mov eax, L(2) | RW(2, RW_RW) | LEN(2, LEN_2)
    mov dr7, eax
    mov eax, [dvar + 6]         ; bytes 6..9 overlap 8..9
.r1_next:
    mov eax, [dvar + 12]        ; no overlap
    xor eax, eax
    mov dr7, eax
    CHECK 'rw bp: one hit', [db_n], 1
    CHECK 'rw bp: trap eip', [db_eip], .r1_next
    CHECK 'rw bp: dr6.b2', [db_dr6], DR6_B2
    ; One write matching two breakpoints sets both B bits.
    mov eax, 1000
    mov ebx, 1000
    call reset_log
    mov eax, dvar
    mov dr0, eax
    mov dr1, eax
    mov eax, L(0) | RW(0, RW_W) | LEN(0, LEN_4) | L(1) | RW(1, RW_RW) | LEN(1, LEN_1)
    mov dr7, eax
    mov dword [dvar], 7
    xor eax, eax
    mov dr7, eax
    CHECK 'two breakpoints at once: one trap', [db_n], 1
    CHECK 'two breakpoints at once: dr6', [db_dr6], DR6_B0 | DR6_B1
    ret

; ---------------------------------------------------------------------------
t_step:
    TEST_SECTION 'TF single step'
    mov eax, 1000
    mov ebx, 3
    call reset_log
    pushfd
    or dword [esp], EFL_TF
    popfd                       ; TF takes effect after the next instruction
    nop
.s2:
    nop
.s3:
    nop
.s4:
    CHECK 'three steps', [db_n], 3
    CHECK 'step 1 eip', [db_eip], .s2
    CHECK 'step 2 eip', [db_eip + 4], .s3
    CHECK 'step 3 eip', [db_eip + 8], .s4
    CHECK 'dr6.bs', [db_dr6], DR6_BS
    ; MOV SS holds off the single-step trap for one instruction.
    mov eax, 1000
    mov ebx, 2
    call reset_log
    mov ax, ss
    pushfd
    or dword [esp], EFL_TF
    popfd
    mov ecx, 1
.t1:
    mov ss, ax
    inc ecx
.t3:
    inc ecx
.t4:
    CHECK 'mov ss shadow: traps', [db_n], 2
    CHECK 'mov ss shadow: first trap after the insn', [db_eip], .t1
    CHECK 'mov ss shadow: next trap skips the shadow', [db_eip + 4], .t3
    ret

; ---------------------------------------------------------------------------
t_gd:
    TEST_SECTION 'DR7.GD general detect'
    mov eax, 1000
    mov ebx, 1000
    call reset_log
    mov eax, DR7_GD
    mov dr7, eax
    xor eax, eax
.gd:
    mov dr0, eax                ; #DB fault before the move, GD cleared
    CHECK 'gd: one fault', [db_n], 1
    CHECK 'gd: fault eip', [db_eip], .gd
    CHECK 'gd: dr6.bd', [db_dr6], DR6_BD
    mov eax, [db_dr7]
    and eax, DR7_GD
    CHECK 'gd cleared on entry to the handler', eax, 0
    xor eax, eax
    mov dr7, eax
    ret

; ---------------------------------------------------------------------------
; A REP MOVSB that writes a watched byte traps after that iteration, with
; ECX/ESI/EDI describing the rest; the resumed REP finishes the copy.
t_rep:
    TEST_SECTION 'data breakpoint inside REP MOVSB'
    mov eax, 1000
    mov ebx, 1000
    call reset_log
    mov eax, rep_dst + 5
    mov dr0, eax
    mov eax, L(0) | RW(0, RW_W) | LEN(0, LEN_1)
    mov dr7, eax
    mov esi, rep_src
    mov edi, rep_dst
    mov ecx, 10
    cld
.rep:
    rep movsb
    mov ebx, ecx
    xor eax, eax
    mov dr7, eax
    CHECK 'rep: one trap', [db_n], 1
    CHECK 'rep: trap eip is the rep insn', [db_eip], .rep
    CHECK 'rep: ecx at the trap', [db_ecx], 4
    CHECK 'rep: finished', ebx, 0
    CHECKMEM 'rep: data', rep_dst, rep_src, 10
    ret

; ---------------------------------------------------------------------------
; A task switch into a TSS with the T bit (byte 0x64, bit 0) set raises a #DB
; trap once the switch is complete, before the new task's first instruction,
; with DR6.BT (SDM Vol. 3 7.2.1, 17.2.3).  No breakpoint is armed and TF is
; clear, so nothing else makes the CPU single-step around the JMP.
t_tbit:
    TEST_SECTION 'TSS T bit'
    mov eax, 1000
    mov ebx, 1000
    call reset_log
    DESC SEL_TSS_T, tss_t, 0x67, 0x89, 0
    mov edi, tss_t
    mov ecx, 0x68 / 4
    xor eax, eax
    rep stosd
    mov dword [tss_t + 0x20], .task             ; EIP
    mov dword [tss_t + 0x24], 2                 ; EFLAGS
    mov dword [tss_t + 0x38], tbit_stack_top    ; ESP
    mov eax, cr3
    mov [tss_t + 0x1C], eax
    mov dword [tss_t + 0x4C], KCODE
    mov eax, KDATA
    mov [tss_t + 0x48], eax                     ; ES
    mov [tss_t + 0x50], eax                     ; SS
    mov [tss_t + 0x54], eax                     ; DS
    mov [tss_t + 0x58], eax                     ; FS
    mov [tss_t + 0x5C], eax                     ; GS
    mov word [tss_t + 0x64], 1                  ; T
    mov word [tss_t + 0x66], 0x68               ; no I/O bitmap
    jmp SEL_TSS_T:0
    ; the task jumps back to the main TSS, which resumes here
    CHECK 'T bit: one trap', [db_n], 1
    CHECK 'T bit: trap eip is the new task entry', [db_eip], .task
    CHECK 'T bit: dr6.bt', [db_dr6], DR6_BT
    clts
    ret
.task:
    nop
    jmp TSS_SEL:0

; ---------------------------------------------------------------------------
t_int1_int3:
    TEST_SECTION 'INT1 and INT3'
    TRY .r1
    db 0xF1
.a1:
    nop
.r1:
    ENDTRY
    CHECK_EXC 'int1 (f1)', 1, 0, .a1
    TRY .r2
    int3
.a2:
    nop
.r2:
    ENDTRY
    CHECK_EXC 'int3', 3, 0, .a2
    ret

section .data
rep_src:    db '0123456789'

section .bss
alignb 16
dvar:       resd 4
rep_dst:    resb 16
db_n:       resd 1
db_rf_from: resd 1
db_step_limit: resd 1
db_eip:     resd 16
db_dr6:     resd 16
db_ecx:     resd 16
db_dr7:     resd 16
alignb 16
tss_t:      resb 0x68
            resb 512
tbit_stack_top:

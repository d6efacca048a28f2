; pm_task - hardware task switching (SDM Vol. 3 chapter 7): JMP and CALL
; to a TSS, CALL through a task gate in the GDT, INT through a task gate in
; the IDT, IRET with NT=1 back along the link field, busy bits (set/cleared
; per JMP vs CALL/IRET, #GP on busy targets, LTR), the state saved in the
; outgoing TSS, CR0.TS set by every switch, #TS on an IRET to an available
; TSS, and a double fault delivered through a task gate as Linux i386 does.

%define TEST_NAME 'pm_task'
%include "mb.inc"

SEL_TSS_A       equ 0x30
SEL_TSS_B       equ 0x38
SEL_TSS_DF      equ 0x40
SEL_TGATE_A     equ 0x48        ; task gate in the GDT -> SEL_TSS_A
SEL_TSS_AVAIL   equ 0x50        ; an available TSS nobody runs
VEC_TASK        equ 0x88        ; IDT task gate -> SEL_TSS_B

; 32-bit TSS fields
T_LINK          equ 0x00
T_CR3           equ 0x1C
T_EIP           equ 0x20
T_EFLAGS        equ 0x24
T_EAX           equ 0x28
T_ESP           equ 0x38
T_ESI           equ 0x40
T_ES            equ 0x48
T_CS            equ 0x4C
T_SS            equ 0x50
T_DS            equ 0x54
T_FS            equ 0x58
T_GS            equ 0x5C
T_LDT           equ 0x60
T_IOMAP         equ 0x66

TYPE_AVAIL      equ 0x89
TYPE_BUSY       equ 0x8B

section .text
test_main:
    DESC SEL_TSS_A, tss_a, 0x67, TYPE_AVAIL, 0
    DESC SEL_TSS_B, tss_b, 0x67, TYPE_AVAIL, 0
    DESC SEL_TSS_DF, tss_df, 0x67, TYPE_AVAIL, 0
    DESC SEL_TSS_AVAIL, tss_avail, 0x67, TYPE_AVAIL, 0
    GATE gdt + SEL_TGATE_A, SEL_TSS_A, 0, 0x85, 0
    IDT_GATE VEC_TASK, SEL_TSS_B, 0, 0x85
    call t_jmp
    call t_call
    call t_gate_call
    call t_int_gate
    call t_busy
    call t_iret_avail
    call t_double_fault
    clts
    ret

; init_task: edi = TSS, eax = entry, ebx = stack top
init_task:
    pushad
    push edi
    mov ecx, 0x68 / 4
    push eax
    xor eax, eax
    rep stosd
    pop eax
    pop edi
    mov [edi + T_EIP], eax
    mov [edi + T_ESP], ebx
    mov dword [edi + T_EFLAGS], 2
    mov eax, cr3
    mov [edi + T_CR3], eax
    mov dword [edi + T_CS], KCODE
    mov eax, KDATA
    mov [edi + T_SS], eax
    mov [edi + T_DS], eax
    mov [edi + T_ES], eax
    mov [edi + T_FS], eax
    mov [edi + T_GS], eax
    mov word [edi + T_IOMAP], 0x68  ; past the limit: no I/O bitmap
    popad
    ret

; Snapshot taken inside a task: its TR, EFLAGS.NT, CR0.TS, link field and
; the descriptor types of the main TSS and of itself.
%macro SNAPSHOT 1       ; TSS address of the running task
    str ax
    movzx eax, ax
    mov [snap_tr], eax
    pushfd
    pop eax
    and eax, EFL_NT
    mov [snap_nt], eax
    mov eax, cr0
    and eax, 8
    mov [snap_ts], eax
    movzx eax, word [%1 + T_LINK]
    mov [snap_link], eax
    movzx eax, byte [gdt + TSS_SEL + 5]
    mov [snap_main_type], eax
    str bx
    movzx ebx, bx
    movzx eax, byte [gdt + ebx + 5]
    mov [snap_self_type], eax
%endmacro

; ---------------------------------------------------------------------------
t_jmp:
    TEST_SECTION 'JMP to a TSS'
    clts
    mov edi, tss_a
    mov eax, task_jmp_back
    mov ebx, stack_a_top
    call init_task
    mov esi, 0x5151
    mov eax, 0xEAEA
    jmp SEL_TSS_A:0
.after:
    CHECK 'outgoing TSS: saved eip', [main_tss + T_EIP], .after
    CHECK 'outgoing TSS: saved esi', [main_tss + T_ESI], 0x5151
    CHECK 'outgoing TSS: saved eax', [main_tss + T_EAX], 0xEAEA
    CHECK 'registers restored on return', esi, 0x5151
    CHECK 'task a: tr', [snap_tr], SEL_TSS_A
    CHECK 'task a: NT clear after jmp', [snap_nt], 0
    CHECK 'task a: CR0.TS set by the switch', [snap_ts], 8
    CHECK 'task a: link not written', [snap_link], 0
    CHECK 'task a: main TSS available (jmp)', [snap_main_type], TYPE_AVAIL
    CHECK 'task a: own TSS busy', [snap_self_type], TYPE_BUSY
    movzx eax, byte [gdt + SEL_TSS_A + 5]
    CHECK 'after jmp back: task a available', eax, TYPE_AVAIL
    movzx eax, byte [gdt + TSS_SEL + 5]
    CHECK 'after jmp back: main busy', eax, TYPE_BUSY
    str ax
    movzx eax, ax
    CHECK 'after jmp back: tr', eax, TSS_SEL
    CHECK 'task a state saved on its jmp', [tss_a + T_EIP], task_jmp_back.resume
    clts
    ret

task_jmp_back:
    SNAPSHOT tss_a
    jmp TSS_SEL:0
.resume:
    hlt                         ; never resumed

; ---------------------------------------------------------------------------
t_call:
    TEST_SECTION 'CALL to a TSS, IRET back'
    mov edi, tss_a
    mov eax, task_iret_back
    mov ebx, stack_a_top
    call init_task
    mov esi, 0x6161
    call SEL_TSS_A:0
    CHECK 'esi restored', esi, 0x6161
    CHECK 'task a: NT set by call', [snap_nt], EFL_NT
    CHECK 'task a: link = caller', [snap_link], TSS_SEL
    CHECK 'task a: caller stays busy', [snap_main_type], TYPE_BUSY
    CHECK 'task a: own busy', [snap_self_type], TYPE_BUSY
    movzx eax, byte [gdt + SEL_TSS_A + 5]
    CHECK 'after iret: task a available', eax, TYPE_AVAIL
    pushfd
    pop eax
    and eax, EFL_NT
    CHECK 'after iret: caller NT clear', eax, 0
    clts
    ret

task_iret_back:
    SNAPSHOT tss_a
    iretd
    jmp task_iret_back          ; a later switch to this TSS resumes here

; ---------------------------------------------------------------------------
t_gate_call:
    TEST_SECTION 'CALL through a GDT task gate'
    mov edi, tss_a
    mov eax, task_iret_back
    mov ebx, stack_a_top
    call init_task
    mov dword [snap_tr], 0
    call SEL_TGATE_A:0x12345678 ; offset ignored
    CHECK 'task gate: tr in task', [snap_tr], SEL_TSS_A
    CHECK 'task gate: link', [snap_link], TSS_SEL
    CHECK 'task gate: NT', [snap_nt], EFL_NT
    ; A second call resumes the task where it did its IRET.
    mov dword [snap_tr], 0
    call SEL_TGATE_A:0
    CHECK 'second call resumes after the iret', [snap_tr], SEL_TSS_A
    clts
    ret

; ---------------------------------------------------------------------------
t_int_gate:
    TEST_SECTION 'INT through an IDT task gate'
    mov edi, tss_b
    mov eax, task_int
    mov ebx, stack_b_top
    call init_task
    mov esi, 0x7171
    int VEC_TASK
.after:
    CHECK 'esi restored', esi, 0x7171
    CHECK 'task b: tr', [snap_tr], SEL_TSS_B
    CHECK 'task b: NT', [snap_nt], EFL_NT
    CHECK 'task b: link', [snap_link], TSS_SEL
    CHECK 'task b: saw the caller eip (after INT)', [snap_eip], .after
    CHECK 'task b: no frame pushed on its stack', [snap_esp], stack_b_top
    clts
    ret

task_int:
    SNAPSHOT tss_b
    mov eax, [main_tss + T_EIP]
    mov [snap_eip], eax
    mov [snap_esp], esp
    iretd

; ---------------------------------------------------------------------------
t_busy:
    TEST_SECTION 'busy TSS checks'
    FAULTS 'jmp to the running (busy) TSS', 13, TSS_SEL, jmp TSS_SEL:0
    FAULTS 'call to the running (busy) TSS', 13, TSS_SEL, call TSS_SEL:0
    mov byte [gdt + SEL_TSS_A + 5], TYPE_BUSY
    FAULTS 'call to a busy TSS', 13, SEL_TSS_A, call SEL_TSS_A:0
    mov ax, SEL_TSS_A
    FAULTS 'ltr of a busy TSS', 13, SEL_TSS_A, ltr ax
    mov byte [gdt + SEL_TSS_A + 5], TYPE_AVAIL
    ret

; ---------------------------------------------------------------------------
; IRET with NT=1 goes to the task in the link field, which must be busy.
t_iret_avail:
    TEST_SECTION 'IRET to an available TSS'
    mov word [main_tss + T_LINK], SEL_TSS_AVAIL
    TRY .rec
    pushfd
    or dword [esp], EFL_NT
    popfd
.insn:
    iretd
.rec:
    ENDTRY
    mov word [main_tss + T_LINK], 0
    CHECK_EXC 'iret nt=1 to available tss', 10, SEL_TSS_AVAIL, .insn
    str ax
    movzx eax, ax
    CHECK 'still in the main task', eax, TSS_SEL
    ret

; ---------------------------------------------------------------------------
; #DF through a task gate: the #GP gate is not present, so a #GP becomes a
; #NP during delivery -> #DF, which switches to a task with its own stack.
; The DF task finds the error code on its stack, repairs the IDT, points the
; interrupted task's saved EIP at df_resume and returns with IRET.
t_double_fault:
    TEST_SECTION '#DF through a task gate'
    mov edi, tss_df
    mov eax, task_df
    mov ebx, stack_df_top
    call init_task
    IDT_GATE 8, SEL_TSS_DF, 0, 0x85
    and byte [idt + 13 * 8 + 5], 0x7F           ; #GP gate not present
    mov [df_saved_esp], esp
    mov dword [df_err], -1
    mov ax, 0x7FF8
    mov ds, ax                  ; #GP(7FF8) -> #NP(13*8+2+1) -> #DF
    FAILMSG 'no double fault'
df_resume:
    mov esp, [ss:df_saved_esp]
    call reload_ksegs
    mov ecx, 8
    call restore_idt_entry
    CHECK 'df task: error code on its stack', [df_err], 0
    CHECK 'df task: tr', [snap_tr], SEL_TSS_DF
    CHECK 'df task: NT', [snap_nt], EFL_NT
    CHECK 'df task: link = interrupted task', [snap_link], TSS_SEL
    CHECK 'df task: its own stack', [df_esp], stack_df_top - 4
    movzx eax, byte [gdt + SEL_TSS_DF + 5]
    CHECK 'df task available after iret', eax, TYPE_AVAIL
    ret

task_df:
    mov [df_esp], esp
    pop dword [df_err]
    SNAPSHOT tss_df
    or byte [idt + 13 * 8 + 5], 0x80
    mov dword [main_tss + T_EIP], df_resume
    mov dword [main_tss + T_DS], KDATA
    iretd

section .bss
alignb 16
tss_a:          resb 0x68
tss_b:          resb 0x68
tss_df:         resb 0x68
tss_avail:      resb 0x68
snap_tr:        resd 1
snap_nt:        resd 1
snap_ts:        resd 1
snap_link:      resd 1
snap_main_type: resd 1
snap_self_type: resd 1
snap_eip:       resd 1
snap_esp:       resd 1
df_saved_esp:   resd 1
df_err:         resd 1
df_esp:         resd 1
alignb 16
                resb 4096
stack_a_top:
                resb 4096
stack_b_top:
                resb 4096
stack_df_top:

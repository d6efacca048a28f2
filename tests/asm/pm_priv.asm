; pm_priv - privilege level changes (SDM Vol. 3 5.8-5.10, 6.12, 16.5):
; ring 3 through IRET and far RET (with the DS..GS nulling rule), interrupt
; and trap gates from ring 3 (stack switch through TSS.SS0:ESP0, IF handling,
; gate DPL check), a gate to a ring-3 handler (no stack switch), 32- and
; 16-bit call gates with parameter copying, call gate checks, far RET/IRET to
; an inner level, IOPL (IN/OUT, CLI/STI, POPF) and the TSS I/O bitmap.

%define TEST_NAME 'pm_priv'
%include "mb.inc"

SEL_CG32        equ 0x30        ; 32-bit call gate DPL 3 -> KCODE:cg32_fn, 3 params
SEL_CG16        equ 0x38        ; 16-bit call gate DPL 3 -> SEL_KCODE_CG16:0, 2 params
SEL_KCODE_CG16  equ 0x40        ; ring-0 code based at cg16_fn
SEL_CG_DPL0     equ 0x48        ; call gate DPL 0
SEL_CG_NP       equ 0x50        ; call gate not present
SEL_CG_DATA     equ 0x58        ; call gate whose target is a data segment
SEL_CG_SAME     equ 0x60        ; DPL 0 gate -> KCODE (same-level call)
SEL_CG_OUT      equ 0x68        ; DPL 0 gate -> UCODE (outward: illegal)
SEL_U16CODE     equ 0x70        ; ring-3 code based at u16_start
SEL_U16STACK    equ 0x78        ; ring-3 stack, base SCRATCH, B=1

VEC_INT3        equ 0x80        ; interrupt gate, DPL 3
VEC_TRAP3       equ 0x81        ; trap gate, DPL 3
VEC_INT0        equ 0x82        ; interrupt gate, DPL 0
VEC_RING3H      equ 0x83        ; gate DPL 3 -> ring-3 handler

section .text
test_main:
    call setup
    call iret_to_ring3
    call retf_to_ring3
    call gates_from_ring3
    call call_gates
    call inward_returns
    call iopl_bitmap
    ret

setup:
    GATE gdt + SEL_CG32, KCODE, cg32_fn, 0xEC, 3
    GATE gdt + SEL_CG16, SEL_KCODE_CG16, 0, 0xE4, 2
    DESC SEL_KCODE_CG16, cg16_fn, 0xFFFF, 0x9A, 0x40
    GATE gdt + SEL_CG_DPL0, KCODE, cg32_fn, 0x8C, 0
    GATE gdt + SEL_CG_NP, KCODE, cg32_fn, 0x6C, 0
    GATE gdt + SEL_CG_DATA, KDATA, 0, 0xEC, 0
    GATE gdt + SEL_CG_SAME, KCODE, cg_same_fn, 0x8C, 2
    GATE gdt + SEL_CG_OUT, UCODE, 0, 0x8C, 0
    DESC SEL_U16CODE, u16_start, 0xFFFF, 0xFA, 0x40
    DESC SEL_U16STACK, SCRATCH, 0xFFFF, 0xF2, 0x40
    IDT_GATE VEC_INT3, KCODE, h_record, 0xEE
    IDT_GATE VEC_TRAP3, KCODE, h_record, 0xEF
    IDT_GATE VEC_INT0, KCODE, h_record, 0x8E
    IDT_GATE VEC_RING3H, UCODE, h_ring3, 0xEE
    ret

; ---------------------------------------------------------------------------
; IRET (and far RET) to CPL 3 with DS/FS holding a DPL 0 data selector and
; ES/GS a DPL 3 one: the CPU nulls the registers the new CPL may not use.
iret_to_ring3:
    TEST_SECTION 'IRET to ring 3'
    call .go                    ; r3_return comes back here
    call check_report
    mov eax, [r3_regs + R_EBP]
    and eax, EFL_CF | EFL_IOPL3
    CHECK 'eflags from the iret frame', eax, EFL_CF
    ret
.go:
    pushad
    mov [r3_saved_esp], esp
    push dword UDATA
    push dword user_stack_top
    push dword 0x0002 | EFL_CF  ; a recognisable EFLAGS
    push dword UCODE
    push dword u_report_segs
    call load_mixed_segs
    iretd

retf_to_ring3:
    TEST_SECTION 'far RET to ring 3'
    call .go
    call check_report
    ret
.go:
    pushad
    mov [r3_saved_esp], esp
    push dword UDATA
    push dword user_stack_top
    push dword UCODE
    push dword u_report_segs
    call load_mixed_segs
    retf

load_mixed_segs:
    mov ax, UDATA
    mov es, ax
    mov gs, ax
    mov ax, KDATA
    mov ds, ax
    mov fs, ax
    ret

u_report_segs:                  ; eax=ds ebx=es ecx=cs edx=ss esi=fs edi=gs, ebp=eflags
    pushfd                      ; first, before the XORs change the flags
    pop ebp
    xor eax, eax
    mov ax, ds
    xor ebx, ebx
    mov bx, es
    xor ecx, ecx
    mov cx, cs
    xor edx, edx
    mov dx, ss
    xor esi, esi
    mov si, fs
    xor edi, edi
    mov di, gs
    int R3_RETURN_VEC

check_report:
    CHECK 'ds nulled', [r3_regs + R_EAX], 0
    CHECK 'es kept', [r3_regs + R_EBX], UDATA
    CHECK 'cs', [r3_regs + R_ECX], UCODE
    CHECK 'ss', [r3_regs + R_EDX], UDATA
    CHECK 'fs nulled', [r3_regs + R_ESI], 0
    CHECK 'gs kept', [r3_regs + R_EDI], UDATA
    ret

; ---------------------------------------------------------------------------
gates_from_ring3:
    TEST_SECTION 'interrupt/trap gates from ring 3'
    ; Interrupt gate: stack switch to TSS.SS0:ESP0, five-dword frame, IF=0.
    mov dword [r3_eflags], 0x0202
    mov eax, u_int80
    call call_ring3
    mov dword [r3_eflags], 0x0002
    CHECK 'int gate: handler esp', [h_esp], trap_stack_top - 20
    CHECK 'int gate: frame eip', [h_frame], u_int80.ret
    CHECK 'int gate: frame cs', [h_frame + 4], UCODE
    mov eax, [h_frame + 8]
    and eax, EFL_IF | EFL_IOPL3 | EFL_VM
    CHECK 'int gate: frame eflags', eax, EFL_IF
    mov eax, [r3_regs + R_ESI]
    CHECK 'int gate: frame esp', [h_frame + 12], eax
    CHECK 'int gate: frame ss', [h_frame + 16], UDATA
    CHECK 'int gate: handler cs', [h_cs], KCODE
    CHECK 'int gate: handler ss', [h_ss], KDATA
    mov eax, [h_eflags]
    and eax, EFL_IF
    CHECK 'int gate clears IF', eax, 0
    CHECK 'int gate: ds untouched', [h_ds], UDATA
    CHECK 'back in ring 3 after iret', [r3_regs + R_EDI], 0x600D

    ; Trap gate: same, but IF stays as it was.
    mov dword [r3_eflags], 0x0202
    mov eax, u_int81
    call call_ring3
    mov dword [r3_eflags], 0x0002
    mov eax, [h_eflags]
    and eax, EFL_IF
    CHECK 'trap gate keeps IF', eax, EFL_IF
    CHECK 'trap gate: frame eip', [h_frame], u_int81.ret

    ; A DPL 0 gate cannot be reached by INT n from CPL 3: #GP with the IDT
    ; bit set in the error code.
    TRY .r1
    mov eax, u_int82
    call call_ring3
.r1:
    ENDTRY
    CHECK_EXC 'int to dpl0 gate', 13, VEC_INT0 * 8 + 2, u_int82.f

    ; A gate to a DPL 3 code segment: the handler runs at CPL 3 on the same
    ; stack, three-dword frame.
    mov eax, u_int83
    call call_ring3
    CHECK 'ring-3 handler: esp delta', [r3_regs + R_EBX], 12
    CHECK 'ring-3 handler: cs', [r3_regs + R_ECX], UCODE
    CHECK 'ring-3 handler: returned', [r3_regs + R_EAX], 0x83
    ret

u_int80:
    mov esi, esp
    mov edi, 0
    int VEC_INT3
.ret:
    mov edi, 0x600D
    int R3_RETURN_VEC
u_int81:
    int VEC_TRAP3
.ret:
    int R3_RETURN_VEC
u_int82:
.f: int VEC_INT0
    int R3_RETURN_VEC
u_int83:
    mov esi, esp
    int VEC_RING3H
    int R3_RETURN_VEC

; Ring-0 handler: copies the 5-dword frame and what it sees of itself.
h_record:
    mov [ss:h_esp], esp
    push eax
    mov eax, [esp + 4]
    mov [ss:h_frame], eax
    mov eax, [esp + 8]
    mov [ss:h_frame + 4], eax
    mov eax, [esp + 12]
    mov [ss:h_frame + 8], eax
    mov eax, [esp + 16]
    mov [ss:h_frame + 12], eax
    mov eax, [esp + 20]
    mov [ss:h_frame + 16], eax
    pushfd
    pop eax
    mov [ss:h_eflags], eax
    xor eax, eax
    mov ax, cs
    mov [ss:h_cs], eax
    mov ax, ss
    mov [ss:h_ss], eax
    mov ax, ds
    mov [ss:h_ds], eax
    pop eax
    iretd

; Ring-3 handler (through a DPL 3 gate to UCODE).
h_ring3:
    mov ebx, esi
    sub ebx, esp                ; frame size on the same stack
    mov ecx, [esp + 4]          ; saved CS
    mov eax, 0x83
    iretd

; ---------------------------------------------------------------------------
call_gates:
    TEST_SECTION '32-bit call gate with parameters'
    mov eax, u_cg32
    call call_ring3
    CHECK 'cg32: new esp', [cg_esp], trap_stack_top - 28
    CHECK 'cg32: cs is ring 0', [cg_cs], KCODE
    CHECK 'cg32: frame eip', [cg_frame], u_cg32.ret
    CHECK 'cg32: frame cs', [cg_frame + 4], UCODE
    CHECK 'cg32: param 0 (last pushed)', [cg_frame + 8], 0x33333333
    CHECK 'cg32: param 1', [cg_frame + 12], 0x22222222
    CHECK 'cg32: param 2', [cg_frame + 16], 0x11111111
    mov eax, [r3_regs + R_ESI]
    CHECK 'cg32: frame old esp', [cg_frame + 20], eax
    CHECK 'cg32: frame old ss', [cg_frame + 24], UDATA
    add eax, 12
    CHECK 'cg32: retf 12 pops caller params', [r3_regs + R_EDI], eax

    TEST_SECTION '16-bit call gate with parameters'
    ; A 16-bit gate pushes IP and SP only, so the caller runs in a code and
    ; a stack segment whose offsets fit in 16 bits.
    call .go16
    CHECK 'cg16: new esp', [cg_esp], trap_stack_top - 12
    movzx eax, word [cg_frame]
    CHECK 'cg16: frame ip', eax, u16_cg16.ret - u16_start
    movzx eax, word [cg_frame + 2]
    CHECK 'cg16: frame cs', eax, SEL_U16CODE | 3
    movzx eax, word [cg_frame + 4]
    CHECK 'cg16: param 0', eax, 0xBBBB
    movzx eax, word [cg_frame + 6]
    CHECK 'cg16: param 1', eax, 0xAAAA
    movzx eax, word [cg_frame + 8]
    CHECK 'cg16: frame sp', eax, 0x1000 - 4
    movzx eax, word [cg_frame + 10]
    CHECK 'cg16: frame ss', eax, SEL_U16STACK | 3
    CHECK 'cg16: retf 4 pops caller params', [r3_regs + R_EDI], 0x1000
    jmp .checks
.go16:
    pushad
    mov [r3_saved_esp], esp
    push dword SEL_U16STACK | 3
    push dword 0x1000
    push dword 2
    push dword SEL_U16CODE | 3
    push dword u16_cg16 - u16_start
    iretd

.checks:
    TEST_SECTION 'call gate checks'
    TRY .r1
    mov eax, u_cg_dpl0
    call call_ring3
.r1:
    ENDTRY
    CHECK_EXC 'gate dpl < cpl', 13, SEL_CG_DPL0, u_cg_dpl0.f
    TRY .r2
    mov eax, u_cg_np
    call call_ring3
.r2:
    ENDTRY
    CHECK_EXC 'gate not present', 11, SEL_CG_NP, u_cg_np.f
    TRY .r3
    mov eax, u_cg_data
    call call_ring3
.r3:
    ENDTRY
    CHECK_EXC 'gate target is data', 13, KDATA, u_cg_data.f
    TRY .r4
    mov eax, u_jmp_cg32
    call call_ring3
.r4:
    ENDTRY
    CHECK_EXC 'jmp through gate to inner level', 13, KCODE, u_jmp_cg32.f
    FAULTS 'call gate to outer level', 13, UCODE & ~3, call SEL_CG_OUT:0

    ; Same-level call through a gate: no stack switch, no parameter copy.
    push dword 0x5555
    push dword 0x6666
    mov esi, esp
    call SEL_CG_SAME:0x12345678 ; the offset in the instruction is ignored
.same_ret:
    add esp, 8
    CHECK 'same-level gate: esp delta', ebx, 8
    CHECK 'same-level gate: frame eip', ecx, .same_ret
    CHECK 'same-level gate: frame cs', edx, KCODE
    ret

cg_same_fn:
    mov ebx, esi
    sub ebx, esp
    mov ecx, [esp]
    mov edx, [esp + 4]
    retf

; 32-bit gate target: records its frame, returns popping 3 parameters.
cg32_fn:
    mov [ss:cg_esp], esp
    push eax
    push ecx
    push esi
    push edi
    lea esi, [esp + 16]
    mov edi, cg_frame
    mov ecx, 7
    cld
.copy:
    mov eax, [ss:esi]
    mov [ss:edi], eax
    add esi, 4
    add edi, 4
    loop .copy
    xor eax, eax
    mov ax, cs
    mov [ss:cg_cs], eax
    pop edi
    pop esi
    pop ecx
    pop eax
    retf 12

u_cg32:
    push dword 0x11111111
    push dword 0x22222222
    push dword 0x33333333
    mov esi, esp
    call (SEL_CG32 | 3):0
.ret:
    mov edi, esp
    int R3_RETURN_VEC
u_cg_dpl0:
.f: call (SEL_CG_DPL0 | 3):0
    int R3_RETURN_VEC
u_cg_np:
.f: call (SEL_CG_NP | 3):0
    int R3_RETURN_VEC
u_cg_data:
.f: call (SEL_CG_DATA | 3):0
    int R3_RETURN_VEC
u_jmp_cg32:
.f: jmp (SEL_CG32 | 3):0
    int R3_RETURN_VEC

; ---------------------------------------------------------------------------
inward_returns:
    TEST_SECTION 'far RET / IRET to an inner level'
    TRY .r1
    mov eax, u_retf_in
    call call_ring3
.r1:
    ENDTRY
    CHECK_EXC 'retf to ring 0 from ring 3', 13, KCODE, u_retf_in.f
    TRY .r2
    mov eax, u_iret_in
    call call_ring3
.r2:
    ENDTRY
    CHECK_EXC 'iret to ring 0 from ring 3', 13, KCODE, u_iret_in.f
    ret

u_retf_in:
    push dword KCODE
    push dword .f
.f: retf
u_iret_in:
    pushfd
    push dword KCODE
    push dword .f
.f: iretd

; ---------------------------------------------------------------------------
iopl_bitmap:
    TEST_SECTION 'IOPL and the I/O permission bitmap'
    ; IOPL 0, port 0x80 denied in the bitmap: #GP(0).
    TRY .r1
    mov eax, u_in80
    call call_ring3
.r1:
    ENDTRY
    CHECK_EXC 'in al,80h denied', 13, 0, u_in80.f
    ; Allow port 0x80 only.
    and byte [main_tss + 104 + 0x80 / 8], ~(1 << (0x80 % 8))
    TRY .r2
    mov eax, u_in80
    call call_ring3
.r2:
    ENDTRY
    CHECK_NOEXC 'in al,80h allowed by bitmap'
    ; A word access needs the bits of both ports.
    TRY .r3
    mov eax, u_inw80
    call call_ring3
.r3:
    ENDTRY
    CHECK_EXC 'in ax,80h with 81h denied', 13, 0, u_inw80.f
    and byte [main_tss + 104 + 0x81 / 8], ~(1 << (0x81 % 8))
    TRY .r4
    mov eax, u_inw80
    call call_ring3
.r4:
    ENDTRY
    CHECK_NOEXC 'in ax,80h with 80h,81h allowed'
    TRY .r4b
    mov eax, u_outdx
    call call_ring3
.r4b:
    ENDTRY
    CHECK_NOEXC 'out dx,al to an allowed port'
    ; An I/O map base past the TSS limit means everything is denied.
    mov word [main_tss + 102], TSS_TOTAL + 16
    TRY .r5
    mov eax, u_in80
    call call_ring3
.r5:
    ENDTRY
    CHECK_EXC 'io map base past TSS limit', 13, 0, u_in80.f
    mov word [main_tss + 102], 104
    or byte [main_tss + 104 + 0x80 / 8], 3  ; deny 0x80/0x81 again

    ; IOPL 3: the bitmap is not consulted.
    mov dword [r3_eflags], 0x3002
    TRY .r6
    mov eax, u_in80
    call call_ring3
.r6:
    ENDTRY
    CHECK_NOEXC 'in al,80h with IOPL 3'
    TRY .r7
    mov eax, u_cli_sti
    call call_ring3
.r7:
    ENDTRY
    CHECK_NOEXC 'cli/sti with IOPL 3'
    mov dword [r3_eflags], 0x0002

    ; IOPL 0: CLI faults; POPF silently keeps IF and IOPL.
    TRY .r8
    mov eax, u_cli_sti
    call call_ring3
.r8:
    ENDTRY
    CHECK_EXC 'cli with IOPL 0', 13, 0, u_cli_sti.f
    TRY .r9
    mov eax, u_popf
    call call_ring3
.r9:
    ENDTRY
    CHECK_NOEXC 'popf at cpl3'
    mov eax, [r3_regs + R_EAX]
    and eax, EFL_IF | EFL_IOPL3 | EFL_CF
    CHECK 'popf at cpl3 keeps IF and IOPL', eax, EFL_CF

    ; CPL 0 ignores the bitmap (CPL <= IOPL).
    NOFAULT 'in at cpl0 with port denied', in al, 0x80
    ret

u_in80:
.f: in al, 0x80
    int R3_RETURN_VEC
u_inw80:
.f: in ax, 0x80
    int R3_RETURN_VEC
u_outdx:
    mov dx, 0x80
    out dx, al
    int R3_RETURN_VEC
u_cli_sti:
.f: cli
    sti
    cli
    int R3_RETURN_VEC
u_popf:
    push dword EFL_IF | EFL_IOPL3 | EFL_CF | 2
    popfd
    pushfd
    pop eax
    int R3_RETURN_VEC

; ---------------------------------------------------------------------------
; Ring-3 code that runs with CS based at u16_start and a stack at SCRATCH.
align 16
u16_start:
u16_cg16:
    push word 0xAAAA
    push word 0xBBBB
    call (SEL_CG16 | 3):0
.ret:
    mov edi, esp
    int R3_RETURN_VEC

; 16-bit gate target (CS based at cg16_fn, offset 0): frame is six words.
cg16_fn:
    mov [ss:cg_esp], esp
    push eax
    mov eax, [esp + 4]
    mov [ss:cg_frame], eax
    mov eax, [esp + 8]
    mov [ss:cg_frame + 4], eax
    mov eax, [esp + 12]
    mov [ss:cg_frame + 8], eax
    pop eax
    o16 retf 4

section .bss
h_esp:      resd 1
h_frame:    resd 5
h_eflags:   resd 1
h_cs:       resd 1
h_ss:       resd 1
h_ds:       resd 1
cg_esp:     resd 1
cg_cs:      resd 1
cg_frame:   resd 8

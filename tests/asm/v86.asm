; v86 - virtual-8086 mode (SDM Vol. 3 chapter 20): entry by IRET with VM=1,
; real-mode addressing and 16-bit defaults inside, INT n through the IDT to a
; ring-0 handler (v86 frame with ES/DS/FS/GS, data segments zeroed) when
; IOPL=3, #GP(0) to a monitor for IOPL-sensitive instructions when IOPL<3
; (CLI STI PUSHF POPF INT n IRET), INT3 not being IOPL-sensitive, I/O going
; through the TSS bitmap at any IOPL, and leaving v86 back to protected mode.
; With CPUID VME: CR4.VME interrupt redirection through the TSS bitmap to
; the v86 IVT, CLI/STI/PUSHF on VIF, STI with VIP=1 -> #GP, and CR4.PVI
; (protected-mode virtual interrupts) at CPL 3.
;
; The v86 code is copied to linear 0x8000 and runs with CS=SS=0x0800,
; DS=0x0900.  A monitor (exception hook) logs every fault raised from v86,
; skips the instruction and resumes; INT 7Fh is the way back either way.

%define TEST_NAME 'v86'
%include "mb.inc"

V86_BASE        equ 0x8000
V86_CS          equ 0x0800
V86_DS          equ 0x0900
V86_ES          equ 0x0A00
V86_FS          equ 0x0B00
V86_GS          equ 0x0C00
V86_SP          equ 0xFFF0
VEC_SVC         equ 0x30        ; DPL 3 interrupt gate to a ring-0 handler
VEC_REDIR       equ 0x31        ; redirected to the v86 IVT under VME
REDIR_BASE      equ 104         ; interrupt redirection bitmap in main_tss
%define V86(l) ((l) - v86_start)

section .text
test_main:
    ; Copy the v86 code down below 1 MiB.
    mov esi, v86_start
    mov edi, V86_BASE
    mov ecx, v86_end - v86_start
    rep movsb
    mov word [V86_DS * 16 + 0x10], 0xDA7A
    IDT_GATE VEC_SVC, KCODE, svc_handler, 0xEE
    mov dword [exc_hook], monitor
    call t_iopl3
    call t_iopl0
    call t_vme
    mov dword [exc_hook], 0
    ret

; enter_v86: eax = v86 IP, ebx = EFLAGS (VM added here).  Returns when the
; v86 code executes INT 7Fh, with its registers in r3_regs.
enter_v86:
    pushad
    mov [r3_saved_esp], esp
    push dword V86_GS
    push dword V86_FS
    push dword V86_DS
    push dword V86_ES
    push dword V86_CS           ; SS
    push dword V86_SP
    or ebx, EFL_VM | 2
    push ebx
    push dword V86_CS
    push eax
    mov dword [log_n], 0
    iretd

; Monitor: sees every exception first.  From v86 it logs (vector, IP),
; returns to enter_v86's caller on INT 7Fh, skips IOPL-sensitive
; instructions, and resumes.  Anything else is left to the default handling.
monitor:
    mov ebp, [esp + 4]
    test dword [ebp + F_EFLAGS], EFL_VM
    jz .not_mine
    movzx esi, word [ebp + F_CS]
    shl esi, 4
    add esi, [ebp + F_EIP]      ; linear address of the faulting instruction
    mov eax, [ebp + F_VEC]
    cmp eax, 3
    je .log                     ; INT3 is a trap: EIP is already past it
    cmp eax, 13
    jne .not_mine
    cmp word [esi], 0x7FCD      ; int 7Fh -> leave v86
    je .leave
.log:
    mov ecx, [log_n]
    cmp ecx, 16
    jae .skip_log
    mov [log_vec + ecx * 4], eax
    mov edx, [ebp + F_EIP]
    mov [log_ip + ecx * 4], edx
    inc dword [log_n]
.skip_log:
    cmp eax, 13
    jne .resume
    ; Skip the instruction: one byte, or two for INT imm8 / IN imm8.
    mov al, [esi]
    mov edx, 1
    cmp al, 0xCD
    je .two
    cmp al, 0xE4
    jne .adv
.two:
    mov edx, 2
.adv:
    add [ebp + F_EIP], edx
.resume:
    xor eax, eax
    ret
.not_mine:
    mov eax, 1
    ret
.leave:
    lea esi, [ebp + F_EDI]
    mov edi, r3_regs
    mov ecx, 8
    rep movsd
    mov eax, [ebp + F_EFLAGS]
    mov [v86_eflags_out], eax
    mov esp, [r3_saved_esp]
    popad
    push dword 2
    popfd
    ret

; INT 30h from v86 with IOPL 3 arrives here at CPL 0 on the TSS stack.
svc_handler:
    push eax
    mov ax, ds
    movzx eax, ax
    mov [ss:svc_ds], eax
    mov ax, gs
    mov [ss:svc_gs], eax
    pop eax
    push esi
    push edi
    push ecx
    lea esi, [esp + 12]
    mov edi, svc_frame
    mov ecx, 9
.c:
    mov eax, [ss:esi]
    mov [ss:edi], eax
    add esi, 4
    add edi, 4
    loop .c
    pop ecx
    pop edi
    pop esi
    mov ax, 0x5C5C
    iretd

; ---------------------------------------------------------------------------
t_iopl3:
    TEST_SECTION 'v86 with IOPL 3'
    mov eax, V86(v86_a)
    mov ebx, EFL_IOPL3
    call enter_v86
    ; (only the low halves of the v86 registers are meaningful)
    movzx eax, word [r3_regs + R_EBX]
    CHECK 'push/pop 16-bit', eax, 0x1234
    movzx eax, word [r3_regs + R_ECX]
    CHECK 'push moved sp by 2', eax, V86_SP - 2
    movzx eax, word [r3_regs + R_EDX]
    CHECK 'ds:[10h] is linear 9010h', eax, 0xDA7A
    mov eax, [r3_regs + R_ESI]
    and eax, 0x3000
    CHECK 'pushf shows IOPL 3', eax, 0x3000
    CHECK 'int 30h frame: eip', [svc_frame], V86(v86_a.after_int)
    CHECK 'int 30h frame: cs', [svc_frame + 4], V86_CS
    mov eax, [svc_frame + 8]
    and eax, EFL_VM | EFL_IOPL3
    CHECK 'int 30h frame: eflags has VM', eax, EFL_VM | EFL_IOPL3
    CHECK 'int 30h frame: esp', [svc_frame + 12], V86_SP
    CHECK 'int 30h frame: ss', [svc_frame + 16], V86_CS
    CHECK 'int 30h frame: es', [svc_frame + 20], V86_ES
    CHECK 'int 30h frame: ds', [svc_frame + 24], V86_DS
    CHECK 'int 30h frame: fs', [svc_frame + 28], V86_FS
    CHECK 'int 30h frame: gs', [svc_frame + 32], V86_GS
    CHECK 'handler: ds zeroed', [svc_ds], 0
    CHECK 'handler: gs zeroed', [svc_gs], 0
    movzx eax, word [r3_regs + R_EDI]
    CHECK 'iret back to v86 (ax from handler)', eax, 0x5C5C
    movzx eax, word [r3_regs + R_EBP]
    CHECK 'segments restored after iret', eax, V86_DS
    CHECK 'no monitor faults', [log_n], 0
    ret

; ---------------------------------------------------------------------------
t_iopl0:
    TEST_SECTION 'v86 with IOPL 0'
    mov eax, V86(v86_b)
    mov ebx, 0
    call enter_v86
    CHECK 'faults logged', [log_n], 8
    CHECK 'cli #GP', [log_ip], V86(v86_b.cli)
    CHECK 'sti #GP', [log_ip + 4], V86(v86_b.sti)
    CHECK 'pushf #GP', [log_ip + 8], V86(v86_b.pushf)
    CHECK 'popf #GP', [log_ip + 12], V86(v86_b.popf)
    CHECK 'int n #GP', [log_ip + 16], V86(v86_b.int30)
    CHECK 'int3 goes through the IDT: vector', [log_vec + 20], 3
    CHECK 'int3 goes through the IDT: trap ip', [log_ip + 20], V86(v86_b.after_int3)
    CHECK 'in denied by the bitmap', [log_ip + 24], V86(v86_b.in80)
    CHECK 'hlt #GP', [log_ip + 28], V86(v86_b.hlt)
    CHECK 'all #GP are vector 13', [log_vec + 28], 13
    ; Port 0x80 allowed in the bitmap: IN works at IOPL 0 in v86.
    and byte [main_tss + 104 + 0x80 / 8], ~1
    mov eax, V86(v86_c)
    mov ebx, 0
    call enter_v86
    or byte [main_tss + 104 + 0x80 / 8], 1
    CHECK 'in allowed by the bitmap', [log_n], 0
    ret

; ---------------------------------------------------------------------------
t_vme:
    TEST_SECTION 'VME / PVI'
    mov eax, 1
    cpuid
    test edx, 2
    jnz .have
    NOTE 'SKIP: CPUID.1:EDX.VME=0'
    ret
.have:
    ; Redirection bitmap 32 bytes below the I/O map base: all vectors to the
    ; IDT except VEC_REDIR.
    mov word [main_tss + 102], REDIR_BASE + 32
    mov edi, main_tss + REDIR_BASE
    mov ecx, 8
    mov eax, -1
    rep stosd
    and byte [main_tss + REDIR_BASE + VEC_REDIR / 8], ~(1 << (VEC_REDIR % 8))
    mov word [VEC_REDIR * 4], V86(v86_int31)
    mov word [VEC_REDIR * 4 + 2], V86_CS
    mov eax, cr4
    or eax, 1                   ; VME
    mov cr4, eax
    mov eax, V86(v86_vme)
    mov ebx, 0                  ; IOPL 0, VIF 0, VIP 0
    call enter_v86
    movzx eax, word [r3_regs + R_EBX]
    CHECK 'redirected int: v86 handler ran', eax, 0x3131
    movzx eax, word [r3_regs + R_EBP]
    CHECK 'redirected int: IF image = VIF (0)', eax, 0
    mov eax, [r3_regs + R_ECX]
    and eax, EFL_IF
    CHECK 'cli then pushf: IF image 0', eax, 0
    mov eax, [r3_regs + R_EDX]
    and eax, EFL_IF
    CHECK 'sti then pushf: IF image 1', eax, EFL_IF
    mov eax, [v86_eflags_out]
    and eax, EFL_VIF | EFL_IF
    CHECK 'VIF set by sti, real IF untouched', eax, EFL_VIF
    CHECK 'only the non-redirected int faulted', [log_n], 1
    CHECK 'non-redirected int #GP ip', [log_ip], V86(v86_vme.int30)
    ; STI with VIP=1 faults.
    mov eax, V86(v86_sti)
    mov ebx, EFL_VIP
    call enter_v86
    CHECK 'sti with VIP=1 #GP', [log_n], 1
    CHECK 'sti with VIP=1 #GP ip', [log_ip], V86(v86_sti.sti)
    mov eax, cr4
    and eax, ~1
    mov cr4, eax
    mov word [main_tss + 102], 104
    mov edi, main_tss + 104
    mov ecx, 8
    mov eax, -1
    rep stosd

    ; PVI: CLI/STI at CPL 3 with IOPL 0 work on VIF instead of faulting.
    mov eax, cr4
    or eax, 2                   ; PVI
    mov cr4, eax
    TRY .r1
    mov eax, u_pvi
    call call_ring3
.r1:
    ENDTRY
    CHECK_NOEXC 'pvi cli/sti at cpl3'
    mov eax, [r3_regs + R_EBX]
    and eax, EFL_VIF | EFL_IF
    CHECK 'pvi cli clears VIF', eax, 0
    mov eax, [r3_regs + R_ECX]
    and eax, EFL_VIF | EFL_IF
    CHECK 'pvi sti sets VIF, not IF', eax, EFL_VIF
    mov dword [r3_eflags], EFL_VIP | 2
    TRY .r2
    mov eax, u_pvi_vip
    call call_ring3
.r2:
    ENDTRY
    mov dword [r3_eflags], 2
    CHECK_EXC 'pvi sti with VIP=1', 13, 0, u_pvi_vip.f
    mov eax, cr4
    and eax, ~2
    mov cr4, eax
    ret

u_pvi:
    cli
    pushfd
    pop ebx
    sti
    pushfd
    pop ecx
    int R3_RETURN_VEC
u_pvi_vip:
.f: sti
    int R3_RETURN_VEC

; ---------------------------------------------------------------------------
; 16-bit code that runs in v86 mode at V86_CS:offset.
BITS 16
v86_start:
v86_a:
    mov ax, 0x1234
    push ax
    pop bx
    push ax
    mov cx, sp                  ; SP after a 16-bit push
    pop ax
    mov dx, [0x10]
    pushf
    pop si
    int VEC_SVC
.after_int:
    mov di, ax                  ; the handler returns 0x5C5C in AX
    mov bp, ds
    int 0x7F
v86_b:
.cli:
    cli
.sti:
    sti
.pushf:
    pushf
.popf:
    popf
.int30:
    int VEC_SVC
    int3
.after_int3:
.in80:
    in al, 0x80
.hlt:
    hlt
    int 0x7F
v86_c:
    in al, 0x80
    int 0x7F
v86_vme:
    xor ax, ax
    int VEC_REDIR
    mov bx, ax
    cli
    pushf
    pop cx
    sti
    pushf
    pop dx
.int30:
    int VEC_SVC
    int 0x7F
v86_int31:
    mov bp, sp
    mov bp, [bp + 4]            ; the FLAGS image pushed by the redirection
    and bp, 0x0200
    mov ax, 0x3131
    iret
v86_sti:
.sti:
    sti
    int 0x7F
v86_end:
BITS 32

section .bss
log_n:          resd 1
log_vec:        resd 16
log_ip:         resd 16
svc_frame:      resd 9
svc_ds:         resd 1
svc_gs:         resd 1
v86_eflags_out: resd 1

; exceptions - every architectural exception vector an i686 can raise from
; a test program, with its error code and the saved EIP (SDM Vol. 3 6.15):
; faults save the EIP of the faulting instruction, traps (INT3, INTO, INT n,
; INT1, single-step) the EIP of the next one.  Also: the double-fault rules
; (6.15 table 6-5: contributory + contributory, page fault + contributory,
; benign + anything handled serially), privileged instructions at CPL 3,
; #UD forms (incl. LOCK on a non-lockable instruction), #NM with CR0.TS/EM/MP,
; and a basic #PF, #TS and #MF.  #AC, the EXT bit, LOCK MOV and illegal
; CR0/CR4 values are in exceptions_strict; INT1 is in debug.

%define TEST_NAME 'exceptions'
%include "mb.inc"

SEL_TSS_SHORT   equ 0x30        ; TSS descriptor with a limit below 0x67
SEL_NP_DATA     equ 0x38
VEC_NP_GATE     equ 0x90        ; IDT gate with P=0

PD_ADDR         equ SCRATCH     ; page directory for the #PF part

section .text
test_main:
    call setup
    call divide
    call traps
    call bound_ud
    call lock_ud
    call device_na
    call privileged
    call not_present
    call task_seg
    call page_fault
    call double_fault
    call math_fault
    ret

setup:
    DESC SEL_TSS_SHORT, spare_tss, 0x40, 0x89, 0x00
    DESC SEL_NP_DATA, 0, 0xFFFFF, 0x12, 0xC0
    GATE idt + VEC_NP_GATE * 8, KCODE, exc_stub_table, 0x6E, 0   ; P=0
    ret

; ---------------------------------------------------------------------------
divide:
    TEST_SECTION '#DE'
    xor ecx, ecx
    mov eax, 1
    xor edx, edx
    FAULTS 'div by zero', 0, 0, div ecx
    CHECK 'div by zero leaves eax', [exc_regs + R_EAX], 1
    mov eax, 0x80000000         ; -2^31 / -1 = 2^31 does not fit
    cdq
    mov ecx, -1
    FAULTS 'idiv overflow', 0, 0, idiv ecx
    mov ax, 0x0100              ; 256 / 1 = 256 does not fit in AL
    mov cl, 1
    FAULTS 'div8 quotient overflow', 0, 0, div cl
    FAULTS 'aam 0', 0, 0, aam 0
    ret

; ---------------------------------------------------------------------------
traps:
    TEST_SECTION 'traps: #DB #BP #OF INT n'
    ; (INT1/ICEBP is tested in debug.)
    ; Single step: TF set by POPF traps after the instruction that follows.
    TRY .r2
    pushfd
    or dword [esp], EFL_TF
    popfd
    nop
.a2:
    nop
.r2:
    ENDTRY
    CHECK_EXC 'single step after popf', 1, 0, .a2
    mov eax, dr6
    and eax, 0x4000
    CHECK 'single step sets dr6.bs', eax, 0x4000
    ; INT3, both encodings.
    TRY .r3
    int3
.a3:
    nop
.r3:
    ENDTRY
    CHECK_EXC 'int3 (cc)', 3, 0, .a3
    TRY .r4
    int 3
.a4:
    nop
.r4:
    ENDTRY
    CHECK_EXC 'int 3 (cd 03)', 3, 0, .a4
    ; INT3 from ring 3 through a DPL 3 gate.
    TRY .r5
    mov eax, u_int3
    call call_ring3
.r5:
    ENDTRY
    CHECK_EXC 'int3 at cpl3', 3, 0, u_int3.a
    CHECK 'int3 at cpl3: saved cs', [exc_cs], UCODE
    ; INTO traps only with OF=1.
    mov al, 0x7F
    add al, 1
    TRY .r6
    into
.a6:
    nop
.r6:
    ENDTRY
    CHECK_EXC 'into with OF=1', 4, 0, .a6
    xor eax, eax
    NOFAULT 'into with OF=0', into
    ; INT n to a vector of our own stubs.
    TRY .r7
    int 0x42
.a7:
    nop
.r7:
    ENDTRY
    CHECK_EXC 'int 42h', 0x42, 0, .a7
    ret

u_int3:
    int3
.a: int R3_RETURN_VEC

; ---------------------------------------------------------------------------
bound_ud:
    TEST_SECTION '#BR #UD'
    mov dword [bounds], 10
    mov dword [bounds + 4], 20
    mov eax, 20
    NOFAULT 'bound inside (upper bound is inclusive)', bound eax, [bounds]
    mov eax, 9
    FAULTS 'bound below', 5, 0, bound eax, [bounds]
    mov eax, 21
    FAULTS 'bound above', 5, 0, bound eax, [bounds]
    mov word [bounds], -5       ; 16-bit form, signed
    mov word [bounds + 2], 5
    mov ax, -6
    FAULTS 'bound16 signed below', 5, 0, bound ax, [bounds]
    FAULTS 'ud2', 6, 0, ud2
    FAULTS 'ud0 (0f ff)', 6, 0, db 0x0F, 0xFF, 0xC0
    FAULTS 'mov cs, ax', 6, 0, db 0x8E, 0xC8
    FAULTS 'lea with register operand', 6, 0, db 0x8D, 0xC3
    FAULTS 'les with register operand', 6, 0, db 0xC4, 0xC0
    FAULTS 'fe /7 (undefined group 4)', 6, 0, db 0xFE, 0xF8
    FAULTS 'ff /7 (undefined group 5)', 6, 0, db 0xFF, 0xF8
    FAULTS '0f 0b is ud2 also with prefixes', 6, 0, db 0x66, 0x0F, 0x0B
    FAULTS 'mov to cr1', 6, 0, db 0x0F, 0x22, 0xC8
    ; DR4 is an alias of DR6 while CR4.DE=0, and #UD once it is set.
    mov eax, dr6
    mov ebx, eax
    NOFAULT 'mov eax, dr4 with cr4.de=0', db 0x0F, 0x21, 0xE0
    CHECK 'dr4 aliases dr6', eax, ebx
    mov eax, cr4
    or eax, 8
    mov cr4, eax
    FAULTS 'mov eax, dr4 with cr4.de=1', 6, 0, db 0x0F, 0x21, 0xE0
    call clear_de
    ret

; ---------------------------------------------------------------------------
lock_ud:
    TEST_SECTION 'LOCK prefix'
    ; LOCK is only legal on read-modify-write instructions with a memory
    ; destination (SDM Vol. 2 "LOCK").
    FAULTS 'lock nop', 6, 0, db 0xF0, 0x90
    ; (LOCK MOV is in exceptions_strict.)
    mov ebx, scratch
    FAULTS 'lock add eax, ebx (register dest)', 6, 0, db 0xF0, 0x01, 0xD8
    FAULTS 'lock cmp [m], eax', 6, 0, db 0xF0, 0x39, 0x03
    FAULTS 'lock inc eax (register form 40+r)', 6, 0, db 0xF0, 0x40
    mov dword [scratch], 5
    NOFAULT 'lock add [m], eax', lock add [scratch], eax
    NOFAULT 'lock xadd', lock xadd [scratch], eax
    NOFAULT 'lock cmpxchg8b', lock cmpxchg8b [scratch]
    NOFAULT 'lock bts', lock bts dword [scratch], 3
    NOFAULT 'lock not', lock not dword [scratch]
    NOFAULT 'xchg [m], eax (implicitly locked)', xchg [scratch], eax
    ret

; The dr4 test left CR4.DE set; put it back.
clear_de:
    mov eax, cr4
    and eax, ~8
    mov cr4, eax
    ret

; ---------------------------------------------------------------------------
device_na:
    TEST_SECTION '#NM (CR0.TS/EM/MP)'
    fninit
    mov eax, cr0
    or eax, 0x0A                ; TS | MP
    and eax, ~4                 ; EM=0
    mov cr0, eax
    FAULTS 'fld1 with TS', 7, 0, fld1
    FAULTS 'fwait with TS and MP', 7, 0, fwait
    FAULTS 'fnstsw with TS', 7, 0, fnstsw ax
    FAULTS 'mmx with TS', 7, 0, paddb mm0, mm1
    mov eax, cr0
    and eax, ~2                 ; MP=0: WAIT ignores TS
    mov cr0, eax
    NOFAULT 'fwait with TS, MP=0', fwait
    mov eax, cr0
    and eax, ~8                 ; TS=0
    or eax, 4                   ; EM=1
    mov cr0, eax
    FAULTS 'fld1 with EM', 7, 0, fld1
    NOFAULT 'fwait with EM (not affected)', fwait
    FAULTS 'mmx with EM is #UD', 6, 0, paddb mm0, mm1
    mov eax, cr0
    and eax, ~4
    or eax, 8 | 2               ; TS again, then CLTS clears it
    mov cr0, eax
    clts
    mov eax, cr0
    and eax, 8
    CHECK 'clts clears TS', eax, 0
    NOFAULT 'fld1 after clts', fld1
    fninit
    ret

; ---------------------------------------------------------------------------
; Privileged instructions at CPL 3: #GP(0), EIP of the instruction.
%macro PRIV 2           ; name, user function
    TRY %%rec
    mov eax, %2
    call call_ring3
%%rec:
    ENDTRY
    CHECK_EXC %1, 13, 0, %2.f
%endmacro

privileged:
    TEST_SECTION 'privileged instructions at CPL 3 (#GP(0))'
    PRIV 'hlt', u_hlt
    PRIV 'mov cr0, eax', u_movcr
    PRIV 'mov eax, cr3', u_readcr3
    PRIV 'lgdt', u_lgdt
    PRIV 'lidt', u_lidt
    PRIV 'lldt', u_lldt
    PRIV 'ltr', u_ltr
    PRIV 'lmsw', u_lmsw
    PRIV 'clts', u_clts
    PRIV 'invlpg', u_invlpg
    PRIV 'mov dr7', u_movdr
    PRIV 'rdmsr', u_rdmsr
    PRIV 'wrmsr', u_wrmsr
    PRIV 'wbinvd', u_wbinvd
    PRIV 'cli with IOPL 0', u_cli
    PRIV 'out with IOPL 0', u_out
    ; (Illegal CR0/CR4 values are in exceptions_strict.)
    ret

u_hlt:
.f: hlt
    int R3_RETURN_VEC
u_movcr:
    xor eax, eax
.f: mov cr0, eax
    int R3_RETURN_VEC
u_readcr3:
.f: mov eax, cr3
    int R3_RETURN_VEC
u_lgdt:
.f: lgdt [gdt_ptr]
    int R3_RETURN_VEC
u_lidt:
.f: lidt [idt_ptr]
    int R3_RETURN_VEC
u_lldt:
    xor eax, eax
.f: lldt ax
    int R3_RETURN_VEC
u_ltr:
    mov eax, TSS_SEL
.f: ltr ax
    int R3_RETURN_VEC
u_lmsw:
    mov eax, 1
.f: lmsw ax
    int R3_RETURN_VEC
u_clts:
.f: clts
    int R3_RETURN_VEC
u_invlpg:
.f: invlpg [0]
    int R3_RETURN_VEC
u_movdr:
    xor eax, eax
.f: mov dr7, eax
    int R3_RETURN_VEC
u_rdmsr:
    mov ecx, 0x10
.f: rdmsr
    int R3_RETURN_VEC
u_wrmsr:
    mov ecx, 0x10
    xor eax, eax
    xor edx, edx
.f: wrmsr
    int R3_RETURN_VEC
u_wbinvd:
.f: wbinvd
    int R3_RETURN_VEC
u_cli:
.f: cli
    int R3_RETURN_VEC
u_out:
.f: out 0x80, al
    int R3_RETURN_VEC

; ---------------------------------------------------------------------------
not_present:
    TEST_SECTION '#NP #SS (selector error codes)'
    ; INT n to a not-present gate: the error code names the IDT entry.
    FAULTS 'int to not-present gate', 11, VEC_NP_GATE * 8 + 2, int VEC_NP_GATE
    mov ax, SEL_NP_DATA
    FAULTS 'mov es <- not present', 11, SEL_NP_DATA, mov es, ax
    mov ax, SEL_NP_DATA
    FAULTS 'mov ss <- not present', 12, SEL_NP_DATA, mov ss, ax
    ; A #GP whose error code names a selector from a descriptor table read.
    mov ax, 0x7FF8              ; far past the GDT limit
    FAULTS 'mov ds <- beyond gdt', 13, 0x7FF8, mov ds, ax
    ret

; ---------------------------------------------------------------------------
task_seg:
    TEST_SECTION '#TS'
    ; A 32-bit TSS must have a limit of at least 0x67.
    FAULTS 'jmp to TSS with limit < 67h', 10, SEL_TSS_SHORT, jmp SEL_TSS_SHORT:0
    ; The current task is unchanged (TR still the main TSS).
    str ax
    movzx eax, ax
    CHECK 'tr unchanged after #TS', eax, TSS_SEL
    ret

; ---------------------------------------------------------------------------
; #PF with 4 MiB pages (identity map of the first 32 MiB; the 32..36 MiB
; PDE is not present, 36..40 MiB is read-only).
page_fault:
    TEST_SECTION '#PF (basic; see paging for the rest)'
    mov edi, PD_ADDR
    mov ecx, 1024
    xor eax, eax
    rep stosd
    mov eax, 0x87               ; P RW US PS
    mov edi, PD_ADDR
    mov ecx, 8
.fill:
    mov [edi], eax
    add eax, 0x400000
    add edi, 4
    loop .fill
    mov dword [PD_ADDR + 9 * 4], 0x2400000 | 0x85   ; read-only, user
    mov eax, cr4
    or eax, 0x10                ; PSE
    mov cr4, eax
    mov eax, PD_ADDR
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80010000          ; PG | WP
    mov cr0, eax
    FAULTS 'read not present', 14, 0, mov eax, [0x2000010]
    CHECK 'read not present cr2', [exc_cr2], 0x2000010
    FAULTS 'write not present', 14, 2, mov dword [0x2000020], 0
    CHECK 'write not present cr2', [exc_cr2], 0x2000020
    FAULTS 'write read-only (WP)', 14, 3, mov dword [0x2400000], 0
    CHECK 'write read-only cr2', [exc_cr2], 0x2400000
    ; Instruction fetch: without NX the error code has no I/D bit; the saved
    ; EIP is the target that could not be fetched.
    TRY .r_fetch
    call not_present_code
.r_fetch:
    ENDTRY
    CHECK_EXC 'jump to not present', 14, 0, 0x2000000
    CHECK 'jump to not present cr2', [exc_cr2], 0x2000000
    mov eax, cr0
    and eax, ~0x80010000
    mov cr0, eax
    ret

not_present_code:
    mov eax, 0x2000000
    jmp eax

; ---------------------------------------------------------------------------
double_fault:
    TEST_SECTION '#DF and serial delivery'
    ; #DE whose gate is not present: #NP during delivery of a contributory
    ; exception is itself contributory -> #DF(0).
    mov eax, [idt + 0 * 8 + 4]
    mov [saved_gate], eax
    and dword [idt + 0 * 8 + 4], ~0x8000        ; P=0
    xor ecx, ecx
    TRY .r1
    div ecx
.r1:
    ENDTRY
    mov eax, [saved_gate]
    mov [idt + 0 * 8 + 4], eax
    CHECK '#DE then #NP -> #DF vector', [exc_vector], 8
    CHECK '#DE then #NP -> #DF error code', [exc_error], 0
    ; #UD is benign: a #NP while delivering it is just a #NP.
    mov eax, [idt + 6 * 8 + 4]
    mov [saved_gate], eax
    and dword [idt + 6 * 8 + 4], ~0x8000
    TRY .r2
.i2:
    ud2
.r2:
    ENDTRY
    mov eax, [saved_gate]
    mov [idt + 6 * 8 + 4], eax
    CHECK '#UD then #NP vector', [exc_vector], 11
    CHECK '#UD then #NP eip', [exc_eip], .i2
    ; #GP while delivering #GP: contributory twice -> #DF.
    mov eax, [idt + 13 * 8 + 4]
    mov [saved_gate], eax
    mov ax, [idt + 13 * 8 + 2]
    mov [saved_gate + 4], ax
    mov word [idt + 13 * 8 + 2], KDATA  ; gate to a data segment: #GP
    TRY .r3
    mov ax, 0x7FF8
    mov ds, ax
.r3:
    ENDTRY
    mov ax, [saved_gate + 4]
    mov [idt + 13 * 8 + 2], ax
    CHECK '#GP then #GP -> #DF vector', [exc_vector], 8
    CHECK '#GP then #GP -> #DF error code', [exc_error], 0
    ret

; ---------------------------------------------------------------------------
math_fault:
    TEST_SECTION '#MF (CR0.NE=1)'
    mov eax, cr0
    or eax, 0x20                ; NE: x87 errors raise #MF, not IRQ13
    and eax, ~0x0E
    mov cr0, eax
    fninit
    fldcw [cw_zm_clear]         ; unmask zero-divide
    fld1
    fldz
    fdivp st1, st0              ; records ZE+ES; the fault waits for the next
    TRY .r1                     ; waiting x87 instruction
.f1:
    fwait
.r1:
    ENDTRY
    CHECK_EXC 'fwait after unmasked zero divide', 16, 0, .f1
    fnstsw ax
    movzx eax, ax
    and eax, 0x80 | 0x04        ; ES, ZE still set until FNCLEX
    CHECK 'status ES|ZE', eax, 0x84
    fnclex
    fninit
    ret

section .data
cw_zm_clear: dw 0x037B

section .bss
alignb 4
bounds:     resd 2
scratch:    resd 4
saved_gate: resd 2
spare_tss:  resb 0x68

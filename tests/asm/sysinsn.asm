; sysinsn - system instructions (SDM Vol. 2/3): SYSENTER/SYSEXIT with the
; IA32_SYSENTER_* MSRs, CPUID (vendor, family, i686 feature bits, the ID
; flag), RDTSC (monotonic, CR4.TSD), LAR/LSL/VERR/VERW/ARPL and
; SGDT/SIDT/SLDT/STR/SMSW/LMSW/CLTS.  The TSC MSR and unknown-MSR #GP are in
; msr (QEMU TCG gets both wrong).

%define TEST_NAME 'sysinsn'
%include "mb.inc"

MSR_SE_CS       equ 0x174
MSR_SE_ESP      equ 0x175
MSR_SE_EIP      equ 0x176

SEL_XO          equ 0x30        ; execute-only code
SEL_RO          equ 0x38        ; read-only data
SEL_BYTELIM     equ 0x40        ; data, byte-granular limit 0x1234
SEL_CGATE       equ 0x48        ; call gate
SEL_IGATE       equ 0x50        ; interrupt gate in the GDT (not valid for LAR)
SEL_CONF        equ 0x58        ; conforming code DPL 0
SEL_LDT         equ 0x60

section .text
test_main:
    call t_cpuid
    call t_sysenter
    call t_tsc
    call t_lar_lsl
    call t_verr_arpl
    call t_tables
    call t_msw
    ret

; ---------------------------------------------------------------------------
t_cpuid:
    TEST_SECTION 'CPUID'
    ; EFLAGS.ID can be toggled: CPUID exists.
    pushfd
    pop eax
    mov ebx, eax
    xor eax, EFL_ID
    push eax
    popfd
    pushfd
    pop eax
    xor eax, ebx
    and eax, EFL_ID
    CHECK 'EFLAGS.ID toggles', eax, EFL_ID
    push ebx
    popfd
    xor eax, eax
    cpuid
    mov esi, eax
    CHECK 'vendor ebx "Genu"', ebx, 'Genu'
    CHECK 'vendor edx "ineI"', edx, 'ineI'
    CHECK 'vendor ecx "ntel"', ecx, 'ntel'
    xor eax, eax
    cmp esi, 1
    setae al
    CHECK 'max basic leaf >= 1', eax, 1
    mov eax, 1
    cpuid
    mov ebx, eax
    shr ebx, 8
    and ebx, 0xF
    CHECK 'family 6', ebx, 6
    mov ebx, edx
    and ebx, (1 << 0) | (1 << 4) | (1 << 5) | (1 << 8) | (1 << 15) | (1 << 23)
    CHECK 'FPU TSC MSR CX8 CMOV MMX', ebx, (1 << 0) | (1 << 4) | (1 << 5) | (1 << 8) | (1 << 15) | (1 << 23)
    mov [cpuid1_edx], edx
    ret

; ---------------------------------------------------------------------------
t_sysenter:
    TEST_SECTION 'SYSENTER/SYSEXIT'
    test dword [cpuid1_edx], 1 << 11
    jnz .have
    NOTE 'SKIP: CPUID.1:EDX.SEP=0'
    ret
.have:
    mov ecx, MSR_SE_CS
    mov eax, KCODE
    xor edx, edx
    wrmsr
    mov ecx, MSR_SE_ESP
    mov eax, se_stack_top
    wrmsr
    mov ecx, MSR_SE_EIP
    mov eax, se_entry
    wrmsr
    mov ecx, MSR_SE_CS
    rdmsr
    CHECK 'rdmsr SYSENTER_CS', eax, KCODE
    mov dword [r3_eflags], EFL_IF | 2
    mov eax, u_sysenter
    call call_ring3
    mov dword [r3_eflags], 2
    CHECK 'sysenter: cs', [se_cs], KCODE
    CHECK 'sysenter: ss = cs+8', [se_ss], KDATA
    CHECK 'sysenter: esp from msr', [se_esp], se_stack_top
    mov eax, [se_eflags]
    and eax, EFL_IF
    CHECK 'sysenter clears IF', eax, 0
    CHECK 'sysexit: cs = cs+16|3', [r3_regs + R_EAX], UCODE
    CHECK 'sysexit: ss = cs+24|3', [r3_regs + R_EBX], UDATA
    mov eax, [r3_regs + R_ESI]
    CHECK 'sysexit: esp from ecx', [r3_regs + R_EDI], eax
    ; SYSEXIT at CPL 3 and SYSENTER with SYSENTER_CS=0 are #GP(0).
    TRY .r1
    mov eax, u_sysexit
    call call_ring3
.r1:
    ENDTRY
    CHECK_EXC 'sysexit at cpl3', 13, 0, u_sysexit.f
    mov ecx, MSR_SE_CS
    xor eax, eax
    xor edx, edx
    wrmsr
    TRY .r2
    mov eax, u_sysenter0
    call call_ring3
.r2:
    ENDTRY
    CHECK_EXC 'sysenter with SYSENTER_CS=0', 13, 0, u_sysenter0.f
    FAULTS 'sysexit with SYSENTER_CS=0', 13, 0, sysexit
    ret

u_sysenter:
    mov esi, esp
    mov ecx, esp                ; SYSEXIT loads ESP from ECX...
    mov edx, .back              ; ...and EIP from EDX
    sysenter
.back:
    mov edi, esp
    xor eax, eax
    mov ax, cs
    xor ebx, ebx
    mov bx, ss
    int R3_RETURN_VEC
u_sysexit:
.f: sysexit
    int R3_RETURN_VEC
u_sysenter0:
.f: sysenter
    int R3_RETURN_VEC

se_entry:
    mov [ss:se_esp], esp
    push eax
    pushfd
    pop eax
    mov [ss:se_eflags], eax
    xor eax, eax
    mov ax, cs
    mov [ss:se_cs], eax
    mov ax, ss
    mov [ss:se_ss], eax
    pop eax
    sysexit

; ---------------------------------------------------------------------------
t_tsc:
    TEST_SECTION 'RDTSC and CR4.TSD'
    rdtsc
    mov esi, eax
    mov edi, edx
    mov ecx, 100
.spin:
    loop .spin
    rdtsc
    ; (edx:eax) > (edi:esi), unsigned 64-bit
    sub eax, esi
    sbb edx, edi
    mov ebx, 0
    jc .done                    ; went backwards
    or eax, edx
    jz .done                    ; did not move
    mov ebx, 1
.done:
    CHECK 'rdtsc increases', ebx, 1
    TRY .r1
    mov eax, u_rdtsc
    call call_ring3
.r1:
    ENDTRY
    CHECK_NOEXC 'rdtsc at cpl3 with TSD=0'
    mov eax, cr4
    or eax, 4                   ; TSD
    mov cr4, eax
    TRY .r2
    mov eax, u_rdtsc
    call call_ring3
.r2:
    ENDTRY
    CHECK_EXC 'rdtsc at cpl3 with TSD=1', 13, 0, u_rdtsc.f
    NOFAULT 'rdtsc at cpl0 with TSD=1', rdtsc
    mov eax, cr4
    and eax, ~4
    mov cr4, eax
    ret

u_rdtsc:
.f: rdtsc
    int R3_RETURN_VEC

; ---------------------------------------------------------------------------
t_lar_lsl:
    TEST_SECTION 'LAR/LSL'
    DESC SEL_XO, 0, 0xFFFFF, 0x98, 0xC0
    DESC SEL_RO, 0, 0xFFFFF, 0x90, 0xC0
    DESC SEL_BYTELIM, 0x10000, 0x1234, 0x92, 0x40
    GATE gdt + SEL_CGATE, KCODE, 0, 0xEC, 0
    GATE gdt + SEL_IGATE, KCODE, 0, 0x8E, 0
    DESC SEL_CONF, 0, 0xFFFFF, 0x9E, 0xC0
    DESC SEL_LDT, 0x20000, 0x17, 0x82, 0x00
    mov ebx, KCODE
    lar eax, ebx
    CHECKF 'lar kcode ZF', EFL_ZF, EFL_ZF
    and eax, 0x00F0FE00         ; bits 19:16 undefined, bit 8 (accessed) set by loads
    CHECK 'lar kcode', eax, 0x00C09A00
    mov ebx, TSS_SEL
    lar eax, ebx
    CHECKF 'lar busy tss ZF', EFL_ZF, EFL_ZF
    and eax, 0x0000FF00
    CHECK 'lar busy tss type', eax, 0x8B00
    mov ebx, SEL_CGATE
    lar eax, ebx
    CHECKF 'lar call gate ZF', EFL_ZF, EFL_ZF
    mov ebx, SEL_LDT
    lar eax, ebx
    CHECKF 'lar ldt ZF', EFL_ZF, EFL_ZF
    mov eax, 0x5A5A
    mov ebx, SEL_IGATE
    lar eax, ebx
    CHECKF 'lar interrupt gate: ZF=0', EFL_ZF, 0
    CHECK 'lar failure leaves dest', eax, 0x5A5A
    xor ebx, ebx
    lar eax, ebx
    CHECKF 'lar null: ZF=0', EFL_ZF, 0
    mov ebx, GDT_ENTRIES * 8
    lar eax, ebx
    CHECKF 'lar beyond gdt: ZF=0', EFL_ZF, 0
    mov dx, KCODE
    lar ax, dx                  ; 16-bit form: bits 15:8 only (masked FF00)
    movzx eax, ax
    and eax, 0xFE00
    CHECK 'lar r16', eax, 0x9A00

    mov ebx, KDATA
    lsl eax, ebx
    CHECKF 'lsl kdata ZF', EFL_ZF, EFL_ZF
    CHECK 'lsl kdata (G=1 scaled)', eax, 0xFFFFFFFF
    mov ebx, SEL_BYTELIM
    lsl eax, ebx
    CHECK 'lsl byte granular', eax, 0x1234
    mov ebx, TSS_SEL
    lsl eax, ebx
    CHECK 'lsl tss', eax, TSS_TOTAL - 1
    mov ebx, SEL_CGATE
    lsl eax, ebx
    CHECKF 'lsl call gate: ZF=0', EFL_ZF, 0

    ; At CPL 3, DPL 0 data is not visible to LAR; conforming code is.
    mov eax, u_lar
    call call_ring3
    CHECK 'lar dpl0 data at cpl3: ZF=0', [r3_regs + R_EBX], 0
    CHECK 'lar conforming at cpl3: ZF=1', [r3_regs + R_ECX], EFL_ZF
    CHECK 'lar udata at cpl3: ZF=1', [r3_regs + R_EDX], EFL_ZF
    ret

u_lar:
    mov esi, KDATA
    lar eax, esi
    pushfd
    pop ebx
    and ebx, EFL_ZF
    mov esi, SEL_CONF | 3
    lar eax, esi
    pushfd
    pop ecx
    and ecx, EFL_ZF
    mov esi, UDATA
    lar eax, esi
    pushfd
    pop edx
    and edx, EFL_ZF
    int R3_RETURN_VEC

; ---------------------------------------------------------------------------
t_verr_arpl:
    TEST_SECTION 'VERR/VERW/ARPL'
    mov ax, KCODE
    verr ax
    CHECKF 'verr readable code', EFL_ZF, EFL_ZF
    mov ax, SEL_XO
    verr ax
    CHECKF 'verr execute-only code', EFL_ZF, 0
    mov ax, KCODE
    verw ax
    CHECKF 'verw code', EFL_ZF, 0
    mov ax, KDATA
    verw ax
    CHECKF 'verw writable data', EFL_ZF, EFL_ZF
    mov ax, SEL_RO
    verw ax
    CHECKF 'verw read-only data', EFL_ZF, 0
    verr ax
    CHECKF 'verr read-only data', EFL_ZF, EFL_ZF
    xor eax, eax
    verr ax
    CHECKF 'verr null', EFL_ZF, 0
    mov ax, TSS_SEL
    verr ax
    CHECKF 'verr tss', EFL_ZF, 0
    mov eax, u_verr
    call call_ring3
    CHECK 'verr dpl0 data at cpl3', [r3_regs + R_EBX], 0
    CHECK 'verw udata at cpl3', [r3_regs + R_ECX], EFL_ZF

    mov ax, 0x0010              ; RPL 0
    mov bx, 0x0023              ; RPL 3
    arpl ax, bx
    CHECKF 'arpl raises rpl: ZF=1', EFL_ZF, EFL_ZF
    movzx eax, ax
    CHECK 'arpl raises rpl', eax, 0x0013
    mov ax, 0x0013
    mov bx, 0x0021
    arpl ax, bx
    CHECKF 'arpl keeps higher rpl: ZF=0', EFL_ZF, 0
    movzx eax, ax
    CHECK 'arpl keeps higher rpl', eax, 0x0013
    mov word [m16], 0x0018
    mov bx, 0x0002
    arpl [m16], bx
    movzx eax, word [m16]
    CHECK 'arpl m16', eax, 0x001A
    ret

u_verr:
    mov ax, KDATA
    verr ax
    pushfd
    pop ebx
    and ebx, EFL_ZF
    mov ax, UDATA
    verw ax
    pushfd
    pop ecx
    and ecx, EFL_ZF
    int R3_RETURN_VEC

; ---------------------------------------------------------------------------
t_tables:
    TEST_SECTION 'SGDT/SIDT/SLDT/STR'
    sgdt [dt_buf]
    movzx eax, word [dt_buf]
    CHECK 'sgdt limit', eax, GDT_ENTRIES * 8 - 1
    CHECK 'sgdt base', [dt_buf + 2], gdt
    sidt [dt_buf]
    movzx eax, word [dt_buf]
    CHECK 'sidt limit', eax, 256 * 8 - 1
    CHECK 'sidt base', [dt_buf + 2], idt
    mov eax, 0xFFFFFFFF
    sldt eax                    ; register form zero-extends on P6 and later
    CHECK 'sldt (no ldt)', eax, 0
    mov ax, SEL_LDT
    lldt ax
    sldt [m16]
    movzx eax, word [m16]
    CHECK 'sldt m16', eax, SEL_LDT
    xor eax, eax
    lldt ax
    str eax
    CHECK 'str', eax, TSS_SEL
    ; LGDT with a new limit, read back, restore.
    mov word [dt_buf], 0x17
    mov eax, gdt
    mov [dt_buf + 2], eax
    lgdt [dt_buf]
    sgdt [dt_buf + 8]
    lgdt [gdt_ptr]
    movzx eax, word [dt_buf + 8]
    CHECK 'lgdt/sgdt round trip', eax, 0x17
    ; These are not privileged (no UMIP): fine at CPL 3.
    TRY .r1
    mov eax, u_tables
    call call_ring3
.r1:
    ENDTRY
    CHECK_NOEXC 'sgdt/sidt/sldt/str/smsw at cpl3'
    CHECK 'str at cpl3', [r3_regs + R_EAX], TSS_SEL
    ret

u_tables:
    sgdt [dt_buf + 16]
    sidt [dt_buf + 24]
    sldt ebx
    smsw ecx
    str eax
    int R3_RETURN_VEC

; ---------------------------------------------------------------------------
t_msw:
    TEST_SECTION 'SMSW/LMSW/CLTS'
    smsw eax
    mov ebx, cr0
    and eax, 0xFFFF             ; high half of the register form is undefined
    and ebx, 0xFFFF
    CHECK 'smsw = low word of cr0', eax, ebx
    ; LMSW loads PE MP EM TS only and cannot clear PE.
    mov ax, 0x000A              ; TS | MP, PE clear
    lmsw ax
    mov eax, cr0
    and eax, 0x1F
    mov ebx, cr0
    and ebx, 0x10               ; ET is not touched
    or ebx, 0x0B
    CHECK 'lmsw sets TS/MP, keeps PE', eax, ebx
    clts
    mov eax, cr0
    and eax, 8
    CHECK 'clts', eax, 0
    mov ax, 0
    lmsw ax
    mov eax, cr0
    and eax, 0x0F
    CHECK 'lmsw 0 leaves PE', eax, 1
    ret

section .bss
alignb 4
cpuid1_edx: resd 1
se_cs:      resd 1
se_ss:      resd 1
se_esp:     resd 1
se_eflags:  resd 1
m16:        resd 1
dt_buf:     resb 32
alignb 16
            resb 1024
se_stack_top:

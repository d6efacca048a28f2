; msr - RDMSR/WRMSR semantics (SDM Vol. 2 RDMSR/WRMSR, Vol. 3 17.17): the
; TSC MSR (0x10) is the counter RDTSC reads, in both directions, and an MSR
; the CPU does not implement raises #GP(0) for RDMSR and WRMSR.  (CPL 3
; RDMSR/WRMSR #GP is in exceptions; SYSENTER MSRs are in sysinsn.)

%define TEST_NAME 'msr'
%include "mb.inc"

MSR_TSC         equ 0x10
MSR_BOGUS       equ 0x0000BEEF  ; not an architectural MSR

section .text
test_main:
    call t_msr
    ret

t_msr:
    TEST_SECTION 'RDMSR/WRMSR'
    ; RDMSR of the TSC sits between two RDTSCs.
    rdtsc
    mov esi, eax
    mov edi, edx
    mov ecx, MSR_TSC
    rdmsr
    mov [tsc_msr], eax
    mov [tsc_msr + 4], edx
    sub eax, esi
    sbb edx, edi
    mov ebx, 1
    jnc .ok1
    mov ebx, 0
.ok1:
    CHECK 'rdmsr tsc >= earlier rdtsc', ebx, 1
    rdtsc
    sub eax, [tsc_msr]
    sbb edx, [tsc_msr + 4]
    mov ebx, 1
    jnc .ok2
    mov ebx, 0
.ok2:
    CHECK 'later rdtsc >= rdmsr tsc', ebx, 1
    ; WRMSR of the TSC sets the counter (the high half will not move within
    ; a few instructions).
    mov ecx, MSR_TSC
    mov edx, 0x12345
    xor eax, eax
    wrmsr
    rdtsc
    CHECK 'wrmsr tsc then rdtsc high', edx, 0x12345
    mov ecx, MSR_BOGUS
    FAULTS 'rdmsr of an unknown msr', 13, 0, rdmsr
    mov ecx, MSR_BOGUS
    xor eax, eax
    xor edx, edx
    FAULTS 'wrmsr of an unknown msr', 13, 0, wrmsr
    ret


section .bss
tsc_msr:    resd 2

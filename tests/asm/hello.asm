%define TEST_NAME 'hello'
%include "mb.inc"
test_main:
    TEST_SECTION 'basic'
    CHECK 'magic', [mb_magic], 0x2BADB002
    mov eax, 0
    cpuid
    CHECK 'max', eax, 0
    CHECK 'ebx', ebx, 0
    mov eax, 1
    cpuid
    CHECK 'eax', eax, 0
    CHECK 'edx', edx, 0
    CHECK 'ecx', ecx, 0
    mov eax, 0x80000000
    cpuid
    CHECK 'ext', eax, 0
    mov eax, 0x80000001
    cpuid
    CHECK 'extedx', edx, 0
    TRY .r
    ud2
.r: CHECK_EXC 'ud2', 6, 0, .r-2
    mov eax, .u
    call call_ring3
    CHECK 'ring3 ret', eax, 0x1234
    ret
.u: mov eax, 0x1234
    int 0x7f

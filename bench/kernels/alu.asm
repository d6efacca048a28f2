; bench/alu - integer ALU mix: a dependent chain of add/sub/xor/and/or,
; shifts and rotates, multiplies, LEA and a few compares/SETcc/CMOVcc per
; iteration, all in registers.  The final register state is the checksum.

%define TEST_NAME 'bench_alu'
%include "bench.inc"

ITERATIONS      equ 90000000

section .text
test_main:
    mov eax, 0x12345678
    mov ebx, 0x9ABCDEF0
    mov edx, 0x0F1E2D3C
    mov esi, 0x55AA55AA
    mov edi, 1
    mov ecx, ITERATIONS
.loop:
    add eax, ebx
    xor ebx, edx
    rol eax, 5
    sub edx, esi
    lea esi, [esi + eax * 4 + 0x1234]
    imul edi, edi, 0x01000193
    xor edi, eax
    mov ebp, edx
    shr ebp, 3
    or ebx, ebp
    and edx, 0xFFFFFF7F
    cmp eax, ebx
    setb bl
    adc esi, edi
    cmovo eax, edx
    ror edx, 11
    dec ecx
    jnz .loop
    xor eax, ebx
    xor eax, edx
    xor eax, esi
    xor eax, edi
    call print_checksum
    ret

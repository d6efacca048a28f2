; bench/memcpy - memory copy bandwidth: REP MOVSD of a 4 MiB buffer, then a
; register loop (load/store of 4 dwords per iteration, unrolled) copying it
; back, repeated.  The checksum is a rotate-xor over the final buffer.

%define TEST_NAME 'bench_memcpy'
%include "bench.inc"

BUF_A           equ 0x800000            ; 4 MiB each, above the kernel
BUF_B           equ 0xC00000
BUF_BYTES       equ 0x400000
ROUNDS          equ 25

section .text
test_main:
    ; Fill A with a pattern.
    mov edi, BUF_A
    mov ecx, BUF_BYTES / 4
    mov eax, 0x01234567
.fill:
    stosd
    add eax, 0x9E3779B9
    loop .fill

    mov ebp, ROUNDS
.round:
    ; A -> B with REP MOVSD.
    mov esi, BUF_A
    mov edi, BUF_B
    mov ecx, BUF_BYTES / 4
    cld
    rep movsd
    ; B -> A with a register loop, perturbing one word so rounds differ.
    mov esi, BUF_B
    mov edi, BUF_A
    mov ecx, BUF_BYTES / 16
.copy:
    mov eax, [esi]
    mov ebx, [esi + 4]
    mov edx, [esi + 8]
    mov eax, eax
    mov [edi], eax
    mov [edi + 4], ebx
    mov [edi + 8], edx
    mov eax, [esi + 12]
    mov [edi + 12], eax
    add esi, 16
    add edi, 16
    dec ecx
    jnz .copy
    add dword [BUF_A + (ROUNDS - 1) * 64], ebp
    dec ebp
    jnz .round

    ; Checksum over A.
    mov esi, BUF_A
    mov ecx, BUF_BYTES / 4
    xor eax, eax
.sum:
    rol eax, 1
    xor eax, [esi]
    add esi, 4
    loop .sum
    call print_checksum
    ret

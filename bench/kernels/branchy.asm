; bench/branchy - data-dependent branches: a sieve of Eratosthenes (inner
; loop strides depend on the prime) and an insertion-free quicksort of
; pseudo-random keys (compare outcomes are unpredictable), repeated.  The
; checksum mixes the prime count with the sorted array.

%define TEST_NAME 'bench_branchy'
%include "bench.inc"

SIEVE_N         equ 1000000
SIEVE           equ 0x800000            ; one byte per number
SORT_N          equ 200000
ARRAY           equ 0xA00000            ; SORT_N dwords
ROUNDS          equ 18

section .text
test_main:
    mov dword [check], 0
    mov dword [rng], 0x2545F491
    mov dword [round], ROUNDS
.round:
    call sieve
    add [check], eax
    call fill_random
    mov eax, ARRAY
    mov edx, ARRAY + (SORT_N - 1) * 4
    call quicksort
    ; Verify order (a branch per element) and fold the array in.
    mov esi, ARRAY
    mov ecx, SORT_N - 1
    mov eax, [check]
.verify:
    mov edx, [esi]
    cmp edx, [esi + 4]
    jbe .ok
    or eax, 0x80000000          ; unsorted: poison the checksum
.ok:
    rol eax, 3
    add eax, edx
    add esi, 4
    loop .verify
    mov [check], eax
    dec dword [round]
    jnz .round
    mov eax, [check]
    call print_checksum
    ret

; sieve: eax = number of primes below SIEVE_N
sieve:
    mov edi, SIEVE
    mov ecx, SIEVE_N / 4
    mov eax, 0x01010101
    rep stosd
    mov byte [SIEVE], 0
    mov byte [SIEVE + 1], 0
    mov ebx, 2
.outer:
    mov eax, ebx
    mul ebx
    cmp eax, SIEVE_N
    jae .count
    cmp byte [SIEVE + ebx], 0
    je .next
.mark:
    mov byte [SIEVE + eax], 0
    add eax, ebx
    cmp eax, SIEVE_N
    jb .mark
.next:
    inc ebx
    jmp .outer
.count:
    xor eax, eax
    mov esi, SIEVE
    mov ecx, SIEVE_N
.c:
    cmp byte [esi], 0
    je .z
    inc eax
.z:
    inc esi
    loop .c
    ret

fill_random:
    mov edi, ARRAY
    mov ecx, SORT_N
    mov eax, [rng]
.f:
    mov edx, eax
    shl edx, 13
    xor eax, edx
    mov edx, eax
    shr edx, 17
    xor eax, edx
    mov edx, eax
    shl edx, 5
    xor eax, edx
    stosd
    loop .f
    mov [rng], eax
    ret

; quicksort(eax = first element address, edx = last element address),
; unsigned, Hoare partition around the middle element.
quicksort:
    cmp eax, edx
    jae .done
    push eax
    push edx
    mov esi, eax
    mov edi, edx
    mov ebx, edx
    sub ebx, eax
    shr ebx, 3
    mov ebx, [eax + ebx * 4]    ; pivot
.scan:
.left:
    cmp [esi], ebx
    jae .right
    add esi, 4
    jmp .left
.right:
    cmp [edi], ebx
    jbe .swap
    sub edi, 4
    jmp .right
.swap:
    cmp esi, edi
    ja .split
    mov ecx, [esi]
    mov ebp, [edi]
    mov [esi], ebp
    mov [edi], ecx
    add esi, 4
    sub edi, 4
    cmp esi, edi
    jbe .scan
.split:
    pop edx
    pop eax
    push esi
    push edx
    mov edx, edi                ; left part: [first, edi]
    call quicksort
    pop edx
    pop eax                     ; right part: [esi, last]
    call quicksort
.done:
    ret

section .bss
check:  resd 1
rng:    resd 1
round:  resd 1

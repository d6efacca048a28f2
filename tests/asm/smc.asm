; smc - self-modifying and cross-modifying code (SDM Vol. 3 8.1.3 and 11.6:
; on P6 and later a store to an instruction that is already prefetched or
; decoded is detected by physical address and the new bytes execute; no
; serializing instruction is needed for code modified by the same CPU).
;
; Covered: patching the next instruction (no jump in between) and one
; further ahead (with a jump), in the same 4 KiB page and in the next page
; (falling through the page boundary, and jumping there), an opcode change
; (not just an immediate), a loop that rewrites its own immediate each
; iteration, REP STOSB overwriting code ahead, code copied into a buffer and
; executed (twice, with different contents), and all of it again through a
; second linear mapping of the same physical page (paging on).

%define TEST_NAME 'smc'
%include "mb.inc"

PD              equ 0x400000
PT              equ 0x401000    ; VA 0x10000000.. (two aliases of one frame)
FRAME           equ 0x700000
VA_X            equ 0x10000000  ; executed through this mapping
VA_Y            equ 0x10001000  ; written through this one
COPY_BUF        equ 0x600000

section .text
test_main:
    call t_next_insn
    call t_ahead_jump
    call t_opcode
    call t_loop_imm
    call t_rep_stos
    call t_page_cross
    call t_copy
    call t_alias
    ret

; ---------------------------------------------------------------------------
t_next_insn:
    TEST_SECTION 'patch the next instruction'
    mov byte [.p1 + 1], 0x42    ; B0 ib: the immediate of the next insn
.p1:
    mov al, 0x00
    movzx eax, al
    CHECK 'next instruction immediate', eax, 0x42
    mov dword [.p2 + 1], 0xCAFEF00D
.p2:
    mov ebx, 0x00000000
    CHECK 'next instruction imm32', ebx, 0xCAFEF00D
    ; Restore so that a second run (and the checks) see the original.
    mov byte [.p1 + 1], 0
    mov dword [.p2 + 1], 0
    ret

t_ahead_jump:
    TEST_SECTION 'patch ahead, then jump'
    mov dword [.p1 + 1], 0x12121212
    jmp .j
    times 64 nop                ; put some distance in
.j:
    nop
.p1:
    mov ecx, 0
    CHECK 'patched after a jump', ecx, 0x12121212
    ; Call a function twice with a patch in between: a translated/decoded
    ; copy of it must not survive the store.
    call .f
    mov esi, eax
    mov dword [.f + 1], 0x34343434
    call .f
    CHECK 'function before patch', esi, 0
    CHECK 'function after patch', eax, 0x34343434
    mov dword [.f + 1], 0
    mov dword [.p1 + 1], 0
    ret
.f:
    mov eax, 0
    ret

; ---------------------------------------------------------------------------
t_opcode:
    TEST_SECTION 'opcode change'
    mov eax, 10
    mov byte [.op], 0x48        ; 40 (inc eax) -> 48 (dec eax)
.op:
    inc eax
    CHECK 'inc became dec', eax, 9
    mov byte [.op], 0x40
    ; Turn a 2-byte jmp short over a block into two NOPs.
    mov ebx, 1
    mov word [.jmp], 0x9090
.jmp:
    jmp short .skip
    mov ebx, 2
.skip:
    CHECK 'jmp patched into nops', ebx, 2
    mov word [.jmp], (0xEB | ((.skip - .jmp - 2) << 8))
    ret

; ---------------------------------------------------------------------------
t_loop_imm:
    TEST_SECTION 'loop rewriting its own immediate'
    ; Each iteration adds the current immediate, then stores i+1 into it:
    ; sum = 0 + 1 + ... + 9 = 45 only if every patch is seen.
    xor eax, eax
    xor ecx, ecx
    mov dword [.add + 1], 0
.loop:
.add:
    add eax, strict dword 0
    inc ecx
    mov [.add + 1], ecx
    cmp ecx, 10
    jb .loop
    CHECK 'sum of patched immediates', eax, 45
    mov dword [.add + 1], 0
    ret

; ---------------------------------------------------------------------------
t_rep_stos:
    TEST_SECTION 'REP STOSB over code ahead'
    ; Overwrite the mov below with NOPs using a string instruction.
    mov edi, .victim
    mov ecx, 5
    mov al, 0x90
    mov edx, 0x77
    cld
    rep stosb
.victim:
    mov edx, 0x11111111         ; 5 bytes, replaced by NOPs
    CHECK 'rep stosb nopped the mov', edx, 0x77
    ; put it back
    mov byte [.victim], 0xBA
    mov dword [.victim + 1], 0x11111111
    ret

; ---------------------------------------------------------------------------
; Code that straddles a page boundary: the store at the end of one page
; patches the first instruction of the next, reached by falling through.
t_page_cross:
    TEST_SECTION 'patch in the next page'
    call page_cross_code
    CHECK 'fall through into the patched page', eax, 0x5A5A5A5A
    CHECK 'jump into the patched page', ebx, 0x6B6B6B6B
    mov dword [pc_b + 1], 0
    mov dword [pc_c + 1], 0
    ret

; ---------------------------------------------------------------------------
t_copy:
    TEST_SECTION 'code copied then executed'
    mov esi, tmpl_a
    mov edi, COPY_BUF
    mov ecx, tmpl_a_len
    rep movsb
    call COPY_BUF
    CHECK 'first copy', eax, 0xAAAA
    mov esi, tmpl_b
    mov edi, COPY_BUF
    mov ecx, tmpl_b_len
    rep movsb
    call COPY_BUF
    CHECK 'second copy over the first', eax, 0xBBBB
    ; Same buffer, patched by single stores.
    mov dword [COPY_BUF + 1], 0xCCCC
    call COPY_BUF
    CHECK 'patched copy', eax, 0xCCCC
    ret

tmpl_a:
    mov eax, 0xAAAA
    ret
tmpl_a_len equ $ - tmpl_a
tmpl_b:
    mov eax, 0xBBBB
    nop
    nop
    ret
tmpl_b_len equ $ - tmpl_b

; ---------------------------------------------------------------------------
; Two linear pages on one physical frame: execute through VA_X, write
; through VA_Y.  Detection must be by physical address.
t_alias:
    TEST_SECTION 'second linear mapping'
    mov edi, PD
    mov ecx, 2048
    xor eax, eax
    rep stosd
    mov eax, 0x87               ; 4 MiB identity pages for 0..16 MiB
    mov edi, PD
    mov ecx, 4
.id:
    stosd
    add eax, 0x400000
    loop .id
    mov dword [PD + (VA_X >> 22) * 4], PT | 7
    mov dword [PT + ((VA_X >> 12) & 0x3FF) * 4], FRAME | 7
    mov dword [PT + ((VA_Y >> 12) & 0x3FF) * 4], FRAME | 7
    mov esi, alias_tmpl
    mov edi, FRAME
    mov ecx, alias_tmpl_len
    rep movsb
    mov eax, cr4
    or eax, 0x10
    mov cr4, eax
    mov eax, PD
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax

    ; With a jump (call) in between.
    mov eax, VA_X + (alias_f - alias_tmpl)
    call eax
    mov esi, eax
    mov dword [VA_Y + (alias_f - alias_tmpl) + 1], 0x22222222
    mov eax, VA_X + (alias_f - alias_tmpl)
    call eax
    mov edi, eax
    ; Without: the code at VA_X stores through VA_Y into its next insn.
    mov eax, VA_X + (alias_g - alias_tmpl)
    call eax
    mov ebx, eax

    mov eax, cr0
    and eax, ~0x80000000
    mov cr0, eax
    mov eax, cr4
    and eax, ~0x10
    mov cr4, eax
    CHECK 'alias: before', esi, 0x11111111
    CHECK 'alias: written through the other mapping', edi, 0x22222222
    CHECK 'alias: next insn written through the other mapping', ebx, 0x33333333
    ret

alias_tmpl:
alias_f:
    mov eax, 0x11111111
    ret
alias_g:
    mov dword [VA_Y + (alias_g_imm - alias_tmpl) + 1], 0x33333333
alias_g_imm:
    mov eax, 0x44444444
    ret
alias_tmpl_len equ $ - alias_tmpl

; ---------------------------------------------------------------------------
; Put page_cross_code so that pc_b is the first instruction of a page.
section .text
align 4096
    times (4096 - 32) nop
page_cross_code:
    mov dword [pc_b + 1], 0x5A5A5A5A   ; 10 bytes
    mov dword [pc_c + 1], 0x6B6B6B6B   ; 10 bytes
    times (32 - ($ - page_cross_code)) nop
pc_b:                                   ; first byte of the next page
    mov eax, 0
    jmp pc_c
    times 64 nop
pc_c:
    mov ebx, 0
    ret

; fuzz - pseudo-random bytes executed at CPL 3 and at CPL 0, every exception
; caught and the machine brought back to a known state after each chunk.
; The test passes if it gets back to report: it exercises decoding and fault
; delivery on garbage, not particular results.
;
; Determinism: a fixed xorshift32 seed, 64 chunks of 64 bytes per ring, and
; every chunk runs single-stepped (EFLAGS.TF) so a #DB hook can stop it after
; STEP_LIMIT instructions; no timer is involved.
;
; Containment:
;   * paging is on; only the sandbox (one code page, one data page at VA
;     0x40000000) is user-accessible, kernel code/constants are read-only
;     (CR0.WP=1), everything above 16 MiB is unmapped;
;   * registers start pointing into the sandbox data page;
;   * at CPL 3 the raw bytes run except POPF/IRET (they could clear TF);
;   * at CPL 0 bytes that could leave the sandbox or wreck the machine are
;     replaced by NOPs wherever they occur (HLT, OUT/OUTS, far and near
;     jumps/calls/returns with a 32-bit target, IRET, POPF, 0F 00/01/20-23/
;     30/80-8F, FF /2-/5);
;   * a double fault (e.g. an exception with ESP pointing nowhere at CPL 0)
;     goes through a task gate to a task with its own stack, which rewrites
;     the interrupted task's saved state to resume at the recovery point.

%define TEST_NAME 'fuzz'
%include "mb.inc"

extern _rodata_end

SEED            equ 0xC1DE2024
CHUNKS          equ 64
CHUNK_LEN       equ 64
STEP_LIMIT      equ 64

PD              equ SCRATCH             ; page directory
PT0             equ SCRATCH + 0x1000    ; 4 KiB pages for 0..4 MiB
PT_SB           equ SCRATCH + 0x2000    ; sandbox page table
FRAME_CODE      equ 0x500000
FRAME_DATA      equ 0x501000
VA_CODE         equ 0x40000000
VA_DATA         equ 0x40001000
CHUNK_OFF       equ 0x800           ; chunk in the middle of its page

SEL_TSS_DF      equ 0x30

T_CR3           equ 0x1C
T_EIP           equ 0x20
T_EFLAGS        equ 0x24
T_ESP           equ 0x38
T_ES            equ 0x48
T_CS            equ 0x4C
T_SS            equ 0x50
T_DS            equ 0x54
T_FS            equ 0x58
T_GS            equ 0x5C
T_LDT           equ 0x60

section .text
test_main:
    call checksum_tables
    mov [sum_before], eax
    call setup_paging
    call setup_df_task
    mov dword [rng], SEED
    mov dword [exc_hook], fuzz_hook

    TEST_SECTION 'ring 3'
    mov dword [ring], 3
    call run_chunks
    TEST_SECTION 'ring 0'
    mov dword [ring], 0
    ; INT 7Fh at CPL 0 must not reach r3_return (it would trust a stale
    ; saved stack): give it the plain recording stub.
    mov ecx, R3_RETURN_VEC
    call restore_idt_entry
    call run_chunks
    IDT_GATE R3_RETURN_VEC, KCODE, r3_return, 0xEE

    mov dword [exc_hook], 0
    mov ecx, 8
    call restore_idt_entry
    mov eax, cr0
    and eax, ~0x80010000
    mov cr0, eax
    clts
    fninit
    xor eax, eax
    mov dr7, eax
    call print_stats
    call checksum_tables
    CHECK 'GDT+IDT unchanged by the fuzzing', eax, [sum_before]
    CHECK 'chunks run', [chunks_done], 2 * CHUNKS
    ret

; ---------------------------------------------------------------------------
run_chunks:
    mov dword [chunk], 0
.next:
    call make_chunk
    ; Known state for every chunk.
    mov edi, VA_DATA
    mov ecx, 1024
    xor eax, eax
    rep stosd
    clts                        ; (a task switch to the #DF task sets TS)
    fninit
    xor eax, eax
    mov dr6, eax
    mov dr7, eax
    mov dword [steps], 0
    mov dword [exc_hook], fuzz_hook
    TRY .done
    cmp dword [ring], 3
    jne .r0
    call enter_ring3            ; returns only if the chunk did INT 7Fh
    jmp .done
.r0:
    call enter_ring0            ; never returns: chunks end in an exception
.done:
    ENDTRY
    mov eax, [exc_vector]       ; tally how the chunk ended
    cmp eax, 32
    jb .known
    mov eax, 32                 ; INT n >= 32, or -1 (clean INT 7Fh exit)
.known:
    mov ebx, [ring]
    shr ebx, 1                  ; 3 -> 1, 0 -> 0
    imul ebx, ebx, 33
    add ebx, eax
    inc dword [stats + ebx * 4]
    inc dword [chunks_done]
    inc dword [chunk]
    cmp dword [chunk], CHUNKS
    jb .next
    ret

; make_chunk: fill the code page with INT3, put CHUNK_LEN random bytes in
; the middle and filter them for the current ring.
make_chunk:
    pushad
    mov edi, VA_CODE
    mov ecx, 4096 / 4
    mov eax, 0xCCCCCCCC
    rep stosd
    mov edi, VA_CODE + CHUNK_OFF
    mov ecx, CHUNK_LEN
.gen:
    call xorshift
    stosb
    loop .gen
    mov esi, VA_CODE + CHUNK_OFF
    mov ecx, CHUNK_LEN
.filter:
    movzx eax, byte [esi]
    movzx edx, byte [esi + 1]
    cmp dword [ring], 3
    jne .f0
    cmp al, 0x9D                ; POPF
    je .nop
    cmp al, 0xCF                ; IRET
    je .nop
    jmp .keep
.f0:
    cmp byte [bad0 + eax], 0
    jne .nop
    cmp al, 0x0F
    jne .ff
    cmp dl, 0x01
    jbe .nop                    ; 0F 00, 0F 01: descriptor tables, LDT, TR
    cmp dl, 0x20
    jb .keep
    cmp dl, 0x23
    jbe .nop                    ; MOV CRn/DRn
    cmp dl, 0x30
    je .nop                     ; WRMSR
    mov ebx, edx
    and ebx, 0xF0
    cmp ebx, 0x80
    je .nop                     ; Jcc rel32
    jmp .keep
.ff:
    cmp al, 0xFF
    jne .keep
    shr edx, 3
    and edx, 7
    cmp edx, 2
    jb .keep
    cmp edx, 5
    ja .keep                    ; FF /2../5: indirect near/far call/jmp
.nop:
    mov byte [esi], 0x90
.keep:
    inc esi
    loop .filter
    popad
    ret

xorshift:                       ; eax = next 32-bit value
    mov eax, [rng]
    mov edx, eax
    shl edx, 13
    xor eax, edx
    mov edx, eax
    shr edx, 17
    xor eax, edx
    mov edx, eax
    shl edx, 5
    xor eax, edx
    mov [rng], eax
    ret

; Registers every chunk starts with: all pointing into the data page.
%macro CHUNK_REGS 0
    mov eax, VA_DATA + 0x100
    mov ebx, VA_DATA + 0x200
    mov ecx, VA_DATA + 0x300
    mov edx, VA_DATA + 0x400
    mov esi, VA_DATA + 0x500
    mov edi, VA_DATA + 0x600
    mov ebp, VA_DATA + 0x700
%endmacro

enter_ring3:
    pushad
    mov [r3_saved_esp], esp
    push dword UDATA
    push dword VA_DATA + 0xF00
    push dword EFL_TF | 2
    push dword UCODE
    push dword VA_CODE + CHUNK_OFF
    mov ax, UDATA
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    CHUNK_REGS
    iretd

enter_ring0:
    CHUNK_REGS
    mov esp, VA_DATA + 0xF00
    push dword EFL_TF | 2
    popfd                       ; TF: the first trap comes after the jump
    jmp VA_CODE + CHUNK_OFF

; #DB hook: count single steps, stop the chunk after STEP_LIMIT.
fuzz_hook:
    mov ebp, [esp + 4]
    cmp dword [ebp + F_VEC], 1
    jne .stop
    mov eax, dr6
    test eax, 0x4000            ; BS: a single-step trap
    jz .stop
    xor eax, eax
    mov dr6, eax
    inc dword [steps]
    cmp dword [steps], STEP_LIMIT
    jae .stop
    xor eax, eax                ; resume the chunk
    ret
.stop:
    mov eax, 1                  ; let TRY recover
    ret

; ---------------------------------------------------------------------------
setup_paging:
    mov edi, PD
    mov ecx, 3 * 1024
    xor eax, eax
    rep stosd
    ; 0..4 MiB with 4 KiB pages: code and constants read-only.
    mov edi, PT0
    mov eax, 3                  ; P | RW, supervisor
    xor ecx, ecx
.pt0:
    mov edx, eax
    cmp eax, 0x100000
    jb .rw
    cmp eax, _rodata_end - 0x1000
    ja .rw
    and edx, ~2                 ; read-only
.rw:
    mov [edi + ecx * 4], edx
    add eax, 0x1000
    inc ecx
    cmp ecx, 1024
    jb .pt0
    mov dword [PD], PT0 | 3
    ; 4..16 MiB with 4 MiB pages, supervisor, writable.
    mov dword [PD + 4], 0x400000 | 0x83
    mov dword [PD + 8], 0x800000 | 0x83
    mov dword [PD + 12], 0xC00000 | 0x83
    ; The sandbox, user-accessible.
    mov dword [PD + (VA_CODE >> 22) * 4], PT_SB | 7
    mov dword [PT_SB + 0], FRAME_CODE | 7
    mov dword [PT_SB + 4], FRAME_DATA | 7
    mov eax, cr4
    or eax, 0x10                ; PSE
    mov cr4, eax
    mov eax, PD
    mov cr3, eax
    mov [main_tss + T_CR3], eax ; a task switch back must reload this CR3
    mov eax, cr0
    or eax, 0x80010000          ; PG | WP
    and eax, ~0x0C
    or eax, 0x22                ; NE, MP
    mov cr0, eax
    ret

; ---------------------------------------------------------------------------
setup_df_task:
    mov edi, tss_df
    mov ecx, 0x68 / 4
    xor eax, eax
    rep stosd
    mov dword [tss_df + T_EIP], df_task
    mov dword [tss_df + T_ESP], df_stack_top
    mov dword [tss_df + T_EFLAGS], 2
    mov dword [tss_df + T_CR3], PD
    mov dword [tss_df + T_CS], KCODE
    mov eax, KDATA
    mov [tss_df + T_SS], eax
    mov [tss_df + T_DS], eax
    mov [tss_df + T_ES], eax
    mov [tss_df + T_FS], eax
    mov [tss_df + T_GS], eax
    DESC SEL_TSS_DF, tss_df, 0x67, 0x89, 0
    IDT_GATE 8, SEL_TSS_DF, 0, 0x85
    ret

; The double-fault task: make the interrupted task resume at the recovery
; point with a clean state, then return to it.
df_task:
    mov esp, df_stack_top
    inc dword [df_count]
    mov eax, [exc_recover]
    test eax, eax
    jnz .ok
    FAILMSG 'double fault with nothing to recover to'
    jmp report_and_exit
.ok:
    mov dword [exc_recover], 0
    mov dword [exc_vector], 8
    mov [main_tss + T_EIP], eax
    mov eax, [exc_recover_esp]
    mov [main_tss + T_ESP], eax
    mov dword [main_tss + T_EFLAGS], 2
    mov dword [main_tss + T_CS], KCODE
    mov eax, KDATA
    mov [main_tss + T_SS], eax
    mov [main_tss + T_DS], eax
    mov [main_tss + T_ES], eax
    mov [main_tss + T_FS], eax
    mov [main_tss + T_GS], eax
    mov dword [main_tss + T_LDT], 0
    iretd
    jmp df_task

; ---------------------------------------------------------------------------
checksum_tables:                ; eax = sum of the GDT and IDT dwords
    push esi
    push ecx
    xor eax, eax
    mov esi, gdt
    mov ecx, (SEL_TSS_DF) / 4   ; descriptors the fuzzing should not change
.g:
    add eax, [esi]
    add esi, 4
    loop .g
    mov esi, idt
    mov ecx, 8 * 2              ; vectors 0..7 (8 and 0x7F are swapped around)
.i:
    add eax, [esi]
    add esi, 4
    loop .i
    mov esi, idt + 9 * 8
    mov ecx, (0x7F - 9) * 2
.i2:
    add eax, [esi]
    add esi, 4
    loop .i2
    pop ecx
    pop esi
    ret

print_stats:
    NOTE 'how chunks ended (ring, vector: count; 32 = INT n or INT 7Fh exit):'
    xor ebx, ebx
.l:
    mov eax, [stats + ebx * 4]
    test eax, eax
    jz .n
    mov esi, str_hash
    call puts
    mov eax, ebx
    cmp eax, 33
    mov al, '0'
    jb .r
    mov al, '3'
.r:
    call putc
    mov esi, str_sep
    call puts
    mov eax, ebx
    cmp eax, 33
    jb .v
    sub eax, 33
.v:
    call puthex8
    mov esi, str_sep
    call puts
    mov eax, [stats + ebx * 4]
    call puthex
    mov al, 10
    call putc
.n:
    inc ebx
    cmp ebx, 66
    jb .l
    mov esi, str_df
    call puts
    mov eax, [df_count]
    call puthex
    mov al, 10
    call putc
    ret

section .rodata
str_hash:   db '#   ring ', 0
str_sep:    db ' : ', 0
str_df:     db '#   double faults through the task gate: ', 0
; Bytes never run at CPL 0 (see the header).
bad0:
%assign b 0
%rep 256
%if b == 0xF4 || b == 0xE6 || b == 0xE7 || b == 0xEE || b == 0xEF || b == 0x6E || b == 0x6F || b == 0xEA || b == 0x9A || b == 0xCA || b == 0xCB || b == 0xCF || b == 0xC2 || b == 0xC3 || b == 0xE8 || b == 0xE9 || b == 0x9D
    db 1
%else
    db 0
%endif
%assign b b + 1
%endrep

section .bss
alignb 4
rng:            resd 1
ring:           resd 1
chunk:          resd 1
chunks_done:    resd 1
steps:          resd 1
df_count:       resd 1
sum_before:     resd 1
stats:          resd 66
alignb 16
tss_df:         resb 0x68
alignb 16
                resb 4096
df_stack_top:

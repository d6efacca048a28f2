; pm_seg_limit - protected-mode checks made on every memory access rather
; than on segment loads (SDM Vol. 3 5.3 limit checking, 5.4 type checking):
; byte- and page-granular limits, expand-down segments (B=1 and B=0), writes
; to read-only data and code, reads of execute-only code, accesses through a
; null selector, stack-segment limits (#SS), code fetch past the CS limit and
; far/near jumps to offsets past it, and a REP string op stopping at a limit.
;
; All of these are #GP(0) / #SS(0).  Stack faults are provoked at CPL 3 so
; that the handler runs on the TSS ring-0 stack, not on the broken one.

%define TEST_NAME 'pm_seg_limit'
%include "mb.inc"

SEL_LIM_BYTE    equ 0x30        ; data, base SCRATCH, limit 0xFFF bytes
SEL_LIM_PAGE    equ 0x38        ; data, base SCRATCH, limit 0 pages (= 0xFFF)
SEL_DOWN32      equ 0x40        ; expand-down, B=1, limit 0xFFF
SEL_DOWN16      equ 0x48        ; expand-down, B=0, limit 0xFFF
SEL_RO          equ 0x50        ; read-only data, flat
SEL_XO          equ 0x58        ; execute-only code, flat
SEL_XR          equ 0x60        ; execute/read code, flat
SEL_CODE_LIM    equ 0x68        ; code, base limcode_start, tiny limit
SEL_SS_DOWN3    equ 0x70        ; DPL 3 expand-down stack, B=1, limit 0xFFF
SEL_SS_UP3      equ 0x78        ; DPL 3 stack, limit 0xFFF

section .text
test_main:
    call setup
    call byte_page_limits
    call expand_down
    call type_checks
    call null_access
    call stack_limits
    call code_limits
    call string_limit
    ret

setup:
    DESC SEL_LIM_BYTE, SCRATCH, 0xFFF, 0x92, 0x40
    DESC SEL_LIM_PAGE, SCRATCH, 0, 0x92, 0xC0
    DESC SEL_DOWN32, SCRATCH, 0xFFF, 0x96, 0x40
    DESC SEL_DOWN16, SCRATCH, 0xFFF, 0x96, 0x00
    DESC SEL_RO, 0, 0xFFFFF, 0x90, 0xC0
    DESC SEL_XO, 0, 0xFFFFF, 0x98, 0xC0
    DESC SEL_XR, 0, 0xFFFFF, 0x9A, 0xC0
    DESC SEL_CODE_LIM, limcode_start, limcode_edge - limcode_start + 2, 0x9A, 0x40
    DESC SEL_SS_DOWN3, SCRATCH, 0xFFF, 0xF6, 0x40
    DESC SEL_SS_UP3, SCRATCH, 0xFFF, 0xF2, 0x40
    ret

; ---------------------------------------------------------------------------
byte_page_limits:
    TEST_SECTION 'byte and page granular limits'
    mov ax, SEL_LIM_BYTE
    mov ds, ax
    NOFAULT 'dword at limit-3', mov eax, [0xFFC]
    mov ax, SEL_LIM_BYTE
    mov ds, ax
    FAULTS 'dword at limit-2 (crosses)', 13, 0, mov eax, [0xFFD]
    mov ax, SEL_LIM_BYTE
    mov es, ax
    FAULTS 'byte at limit+1', 13, 0, mov byte [es:0x1000], 0
    mov ax, SEL_LIM_PAGE        ; G=1, limit 0 -> last valid offset 0xFFF
    mov fs, ax
    NOFAULT 'G=1 byte at 0xfff', mov al, [fs:0xFFF]
    mov ax, SEL_LIM_PAGE
    mov fs, ax
    FAULTS 'G=1 byte at 0x1000', 13, 0, mov al, [fs:0x1000]
    call reload_ksegs
    ret

; ---------------------------------------------------------------------------
expand_down:
    TEST_SECTION 'expand-down segments'
    ; Expand-down with limit L: valid offsets are L+1 .. 0xFFFFFFFF (B=1)
    ; or L+1 .. 0xFFFF (B=0).
    mov ax, SEL_DOWN32
    mov ds, ax
    FAULTS 'down32 at limit', 13, 0, mov al, [0xFFF]
    mov ax, SEL_DOWN32
    mov ds, ax
    NOFAULT 'down32 at limit+1', mov al, [0x1000]
    mov ax, SEL_DOWN32
    mov ds, ax
    NOFAULT 'down32 dword at top', mov eax, [0xFFFFFFFC]
    mov ax, SEL_DOWN32
    mov ds, ax
    FAULTS 'down32 dword straddling limit', 13, 0, mov eax, [0xFFE]
    mov ax, SEL_DOWN16
    mov ds, ax
    NOFAULT 'down16 word at ffff-1', mov ax, [0xFFFE]
    mov ax, SEL_DOWN16
    mov ds, ax
    FAULTS 'down16 above 64K', 13, 0, mov al, [0x10000]
    mov ax, SEL_DOWN16
    mov ds, ax
    FAULTS 'down16 word at ffff (crosses top)', 13, 0, mov ax, [0xFFFF]
    call reload_ksegs
    ret

; ---------------------------------------------------------------------------
type_checks:
    TEST_SECTION 'type checks on access'
    mov ax, SEL_RO
    mov es, ax
    NOFAULT 'read read-only data', mov eax, [es:scratch_word]
    mov ax, SEL_RO
    mov es, ax
    FAULTS 'write read-only data', 13, 0, mov dword [es:scratch_word], 1
    mov ax, SEL_XR
    mov ds, ax
    FAULTS 'write through readable code selector', 13, 0, mov dword [scratch_word], 1
    FAULTS 'write with cs override', 13, 0, mov dword [cs:scratch_word], 1
    ; Read of execute-only code through CS: run in the execute-only segment.
    TRY .xo_rec
    call SEL_XO:xo_reader
.xo_rec:
    ENDTRY
    CHECK_EXC 'read execute-only code via cs', 13, 0, xo_reader.f
    ret

xo_reader:
.f: mov eax, [cs:scratch_word]
    retf

; ---------------------------------------------------------------------------
null_access:
    TEST_SECTION 'null selector access'
    xor eax, eax
    mov ds, ax
    FAULTS 'read through null ds', 13, 0, mov eax, [scratch_word]
    xor eax, eax
    mov gs, ax
    FAULTS 'write through null gs', 13, 0, mov [gs:scratch_word], eax
    ret

; ---------------------------------------------------------------------------
stack_limits:
    TEST_SECTION 'stack segment limits (#SS) at CPL 3'
    TRY .r1
    mov eax, u_push_down
    call call_ring3
.r1:
    ENDTRY
    CHECK_EXC 'push below expand-down limit', 12, 0, u_push_down.f
    CHECK 'push fault leaves esp', [exc_esp], 0x1000
    TRY .r2
    mov eax, u_ebp_up
    call call_ring3
.r2:
    ENDTRY
    CHECK_EXC '[ebp] past ss limit', 12, 0, u_ebp_up.f
    TRY .r3
    mov eax, u_ds_via_ss
    call call_ring3
.r3:
    ENDTRY
    CHECK_EXC 'ds access past limit at cpl3 is #GP', 13, 0, u_ds_via_ss.f
    ret

u_push_down:
    mov ax, SEL_SS_DOWN3 | 3
    mov ss, ax
    mov esp, 0x1008
    push eax                    ; to 0x1004
    push eax                    ; to 0x1000: the lowest valid dword
.f: push eax                    ; to 0xFFC: below the limit
    int R3_RETURN_VEC
u_ebp_up:
    mov ax, SEL_SS_UP3 | 3
    mov ss, ax
    mov esp, 0x800
    mov ebp, 0xFFE
.f: mov eax, [ebp]              ; SS-relative, crosses the limit
    int R3_RETURN_VEC
u_ds_via_ss:
    mov ax, SEL_SS_UP3 | 3      ; same segment, now as DS: #GP, not #SS
    mov ds, ax
.f: mov eax, [0x1000]
    int R3_RETURN_VEC

; ---------------------------------------------------------------------------
code_limits:
    TEST_SECTION 'code segment limits'
    ; Far jump to an offset past the target's limit: #GP(0) at the jump.
    FAULTS 'jmp far past limit', 13, 0, jmp SEL_CODE_LIM:0x1000
    ; Executing into an instruction that crosses the limit.
    TRY .r1
    call SEL_CODE_LIM:(limcode_a - limcode_start)
.r1:
    ENDTRY
    CHECK_EXC 'insn crossing cs limit', 13, 0, limcode_edge - limcode_start
    CHECK 'cs of the fault', [exc_cs], SEL_CODE_LIM
    CHECK 'code before the edge ran', eax, 0xC0DE
    ; A near jump to past the limit faults at the jump.
    TRY .r2
    call SEL_CODE_LIM:0
.r2:
    ENDTRY
    CHECK_EXC 'near jmp past cs limit', 13, 0, limcode_jmp.j - limcode_start
    ret

; ---------------------------------------------------------------------------
string_limit:
    TEST_SECTION 'rep string op hits a limit'
    ; REP STOSB from offset 0xFFC with ECX=8 into a 0xFFF-limit ES: four
    ; stores, then #GP(0) with ECX=4, EDI=0x1000 so it could be restarted.
    mov ax, SEL_LIM_BYTE
    mov es, ax
    mov edi, 0xFFC
    mov ecx, 8
    xor eax, eax
    cld
    FAULTS 'rep stosb past es limit', 13, 0, rep stosb
    CHECK 'rep stosb ecx at fault', [exc_regs + R_ECX], 4
    CHECK 'rep stosb edi at fault', [exc_regs + R_EDI], 0x1000
    ret

; A code segment (base limcode_start) whose limit ends inside the
; instruction at limcode_edge.
align 16
limcode_start:
limcode_jmp:                    ; offset 0: a near jump far past the limit
.j: jmp near limcode_start + 0x800
limcode_a:                      ; second entry: runs up to the edge
    mov eax, 0xC0DE
limcode_edge:
    mov ebx, 0x12345678         ; 5 bytes; the limit ends after byte 3
    retf
    ; Where the near jump would land if the limit were not checked: stop
    ; there with a #UD rather than run whatever follows.
    times (0x800 - ($ - limcode_start)) db 0x90
    ud2

section .data
scratch_word: dd 0

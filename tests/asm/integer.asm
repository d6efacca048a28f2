; integer - 32-bit integer instruction semantics (SDM Vol. 2): MUL/IMUL in
; every form, DIV/IDIV with #DE on overflow, SHLD/SHRD, BT/BTS/BTR/BTC
; (register and memory bit strings), BSF/BSR, SETcc/CMOVcc/Jcc for all 16
; conditions, XADD, CMPXCHG, CMPXCHG8B, BSWAP, ENTER/LEAVE with nesting
; levels, PUSHA/POPA, PUSH/POP with ESP-relative operands, LAHF/SAHF, XLAT,
; MOVZX/MOVSX, far pointer loads, LOOP/JECXZ, and the 0F 1F hint NOPs.
;
; Only flags the SDM defines for an instruction are compared.

%define TEST_NAME 'integer'
%include "mb.inc"

; SETF value - load EFLAGS (arithmetic flags) without touching registers
%macro SETF 1
    push dword %1
    popfd
%endmacro

section .text
test_main:
    call t_mul
    call t_imul
    call t_div
    call t_shld
    call t_bt
    call t_bsf
    call t_conditions
    call t_xadd_cmpxchg
    call t_bswap_movx
    call t_enter_leave
    call t_push_pop
    call t_lahf_xlat
    call t_far_ptr
    call t_loops
    call t_nops
    ret

; ---------------------------------------------------------------------------
t_mul:
    TEST_SECTION 'MUL'
    mov al, 0x80
    mov bl, 2
    mul bl
    CHECKF 'mul8 overflow flags', EFL_CF | EFL_OF, EFL_CF | EFL_OF
    movzx eax, ax
    CHECK 'mul8', eax, 0x0100
    mov al, 0x10
    mov bl, 0x0F
    mul bl
    CHECKF 'mul8 fits: CF=OF=0', EFL_CF | EFL_OF, 0
    movzx eax, ax
    CHECK 'mul8 fits', eax, 0x00F0
    mov ax, 0xFFFF
    mov bx, 0xFFFF
    mul bx
    movzx eax, ax
    movzx edx, dx
    CHECK 'mul16 lo', eax, 0x0001
    CHECK 'mul16 hi', edx, 0xFFFE
    mov eax, 0xFFFFFFFF
    mov dword [m32], 0xFFFFFFFF
    mul dword [m32]
    CHECKF 'mul32 flags', EFL_CF | EFL_OF, EFL_CF | EFL_OF
    CHECK 'mul32 lo', eax, 1
    CHECK 'mul32 hi', edx, 0xFFFFFFFE
    mov eax, 0x12345678
    mov ecx, 0x10
    mul ecx
    CHECK 'mul32 small hi', edx, 1
    CHECK 'mul32 small lo', eax, 0x23456780
    ret

; ---------------------------------------------------------------------------
t_imul:
    TEST_SECTION 'IMUL'
    mov al, -128
    mov bl, -1
    imul bl                     ; +128 does not fit in AL
    CHECKF 'imul8 flags', EFL_CF | EFL_OF, EFL_CF | EFL_OF
    movzx eax, ax
    CHECK 'imul8', eax, 0x0080
    mov ax, -2
    mov bx, 3
    imul bx
    CHECKF 'imul16 fits', EFL_CF | EFL_OF, 0
    movzx eax, ax
    movzx edx, dx
    CHECK 'imul16 lo', eax, 0xFFFA
    CHECK 'imul16 hi (sign)', edx, 0xFFFF
    mov eax, 0x7FFFFFFF
    mov ebx, 2
    imul ebx
    CHECKF 'imul32 one-operand overflow', EFL_CF | EFL_OF, EFL_CF | EFL_OF
    CHECK 'imul32 lo', eax, 0xFFFFFFFE
    CHECK 'imul32 hi', edx, 0
    mov ecx, 100000
    imul ecx, ecx               ; two-operand: truncated to 32 bits
    CHECKF 'imul r32,r32 overflow', EFL_CF | EFL_OF, EFL_CF | EFL_OF
    CHECK 'imul r32,r32', ecx, 0x540BE400
    mov ebx, -7
    imul ebx, ebx, 9            ; three-operand, imm8
    CHECKF 'imul r32,r32,imm8 fits', EFL_CF | EFL_OF, 0
    CHECK 'imul r32,r32,imm8', ebx, 0xFFFFFFC1
    mov dword [m32], 0x1234
    imul dx, [m32], 0x10        ; 16-bit three-operand from memory
    CHECKF 'imul r16,m16,imm overflow', EFL_CF | EFL_OF, EFL_CF | EFL_OF
    movzx edx, dx
    CHECK 'imul r16,m16,imm', edx, 0x2340
    mov esi, 3
    imul esi, esi, 0x40000000   ; imm32: 0xC0000000 overflows signed
    CHECKF 'imul r32,imm32 overflow', EFL_CF | EFL_OF, EFL_CF | EFL_OF
    CHECK 'imul r32,imm32', esi, 0xC0000000
    mov edi, -3
    mov dword [m32], -5
    imul edi, [m32]
    CHECK 'imul r32,m32', edi, 15
    mov eax, 0xFFFF8000         ; upper half of EAX is not an input for imul16
    mov cx, 2
    imul cx
    movzx eax, ax
    CHECK 'imul16 -32768*2 lo', eax, 0
    movzx edx, dx
    CHECK 'imul16 -32768*2 hi', edx, 0xFFFF
    ret

; ---------------------------------------------------------------------------
t_div:
    TEST_SECTION 'DIV/IDIV'
    mov ax, 1000
    mov bl, 7
    div bl
    movzx eax, ax
    CHECK 'div8', eax, (6 << 8) | 142
    mov dx, 1
    mov ax, 0
    mov bx, 3
    div bx
    movzx eax, ax
    movzx edx, dx
    CHECK 'div16 q', eax, 0x5555
    CHECK 'div16 r', edx, 1
    mov edx, 0xFFFFFFFE
    mov eax, 0xFFFFFFFF
    mov ecx, 0xFFFFFFFF
    div ecx                     ; largest quotient that fits
    CHECK 'div32 max q', eax, 0xFFFFFFFF
    CHECK 'div32 max r', edx, 0xFFFFFFFE
    mov eax, -100
    cdq
    mov ecx, 7
    idiv ecx                    ; truncation toward zero, remainder has the dividend's sign
    CHECK 'idiv32 q', eax, -14
    CHECK 'idiv32 r', edx, -2
    mov eax, 100
    cdq
    mov ecx, -7
    idiv ecx
    CHECK 'idiv32 pos/neg q', eax, -14
    CHECK 'idiv32 pos/neg r', edx, 2
    mov edx, 0xFFFFFFFF
    mov eax, 0x80000000         ; -2^31 / 1 fits exactly
    mov ecx, 1
    idiv ecx
    CHECK 'idiv32 -2^31/1', eax, 0x80000000
    ; Quotient overflow raises #DE before any register changes.
    mov ax, -128
    mov bl, -1
    FAULTS 'idiv8 -128/-1', 0, 0, idiv bl
    mov dx, 0xFFFF
    mov ax, 0x8000
    mov bx, -1
    FAULTS 'idiv16 -32768/-1', 0, 0, idiv bx
    mov edx, 1
    mov eax, 0
    mov ecx, 1
    FAULTS 'div32 2^32/1', 0, 0, div ecx
    CHECK 'div32 #DE keeps edx', [exc_regs + R_EDX], 1
    mov eax, 0x0080             ; +128 / -1 = -128 does fit in AL
    mov bl, -1
    idiv bl                     ; 128 / -1 = -128: fits
    movzx eax, al
    CHECK 'idiv8 128/-1', eax, 0x80
    ret

; ---------------------------------------------------------------------------
t_shld:
    TEST_SECTION 'SHLD/SHRD'
    mov eax, 0x12345678
    mov ebx, 0x9ABCDEF0
    shld eax, ebx, 8
    CHECKF 'shld 8 flags', EFL_CF | EFL_ZF | EFL_SF | EFL_PF, EFL_PF
    CHECK 'shld 8', eax, 0x3456789A
    mov eax, 0x12345678
    shrd eax, ebx, 4
    CHECKF 'shrd 4 CF', EFL_CF, EFL_CF
    CHECK 'shrd 4', eax, 0x01234567
    mov eax, 1
    mov ebx, 1
    shrd eax, ebx, 1            ; count 1: OF = sign change
    CHECKF 'shrd 1 flags', EFL_CF | EFL_OF | EFL_SF, EFL_CF | EFL_OF | EFL_SF
    CHECK 'shrd 1', eax, 0x80000000
    mov eax, 0x12345678
    mov cl, 33                  ; masked to 1
    shld eax, ebx, cl
    CHECK 'shld by 33 = by 1', eax, 0x2468ACF0
    stc
    mov eax, 0x12345678
    mov cl, 0
    shld eax, ebx, cl           ; count 0: nothing changes
    CHECKF 'shld by 0 keeps CF', EFL_CF, EFL_CF
    CHECK 'shld by 0', eax, 0x12345678
    mov dword [m32], 0x0000FFFF
    mov ebx, 0xF0000000
    mov cl, 4
    shld [m32], ebx, cl
    CHECK 'shld m32', [m32], 0x000FFFFF
    mov ax, 0x1234
    mov dx, 0xABCD
    shrd ax, dx, 12
    movzx eax, ax
    CHECK 'shrd16 12', eax, 0xBCD1
    ret

; ---------------------------------------------------------------------------
t_bt:
    TEST_SECTION 'BT/BTS/BTR/BTC'
    mov eax, 0x20
    bt eax, 5
    CHECKF 'bt reg,imm set', EFL_CF, EFL_CF
    bt eax, 37                  ; imm masked to 5 bits for a register
    CHECKF 'bt reg,imm masked', EFL_CF, EFL_CF
    mov ecx, 4
    bt eax, ecx
    CHECKF 'bt reg,reg clear', EFL_CF, 0
    btc eax, 33                 ; bit 1
    CHECK 'btc reg,imm masked', eax, 0x22
    mov dword [bitstr], 0
    mov dword [bitstr + 4], 0
    mov dword [bitstr + 8], 0
    mov dword [bitstr + 12], 0xFFFFFFFF
    ; A register bit offset addresses a bit string: 35 = [bitstr+4] bit 3.
    mov ecx, 35
    bts dword [bitstr], ecx
    CHECKF 'bts m,r old bit 0', EFL_CF, 0
    CHECK 'bts m,r reaches the next dword', [bitstr + 4], 8
    bts dword [bitstr], ecx
    CHECKF 'bts m,r old bit 1', EFL_CF, EFL_CF
    ; Negative offsets go backwards: -1 is bit 31 of the dword before.
    mov ecx, -1
    btr dword [bitstr + 16], ecx
    CHECKF 'btr m,r negative offset', EFL_CF, EFL_CF
    CHECK 'btr m,r negative offset', [bitstr + 12], 0x7FFFFFFF
    ; An immediate offset on memory is taken mod the operand size.
    btc dword [bitstr + 4], 35    ; bit 3 of [bitstr+4] again
    CHECK 'btc m,imm masked', [bitstr + 4], 0
    mov word [bitstr], 0
    mov cx, 17                  ; 16-bit form: [bitstr+2] bit 1
    bts word [bitstr], cx
    CHECK 'bts m16,r16 offset', [bitstr], 0x00020000
    ret

; ---------------------------------------------------------------------------
t_bsf:
    TEST_SECTION 'BSF/BSR'
    mov ebx, 0x00018000
    bsf eax, ebx
    CHECKF 'bsf ZF', EFL_ZF, 0
    CHECK 'bsf', eax, 15
    bsr eax, ebx
    CHECK 'bsr', eax, 16
    mov ebx, 0x80000000
    bsr eax, ebx
    CHECK 'bsr bit 31', eax, 31
    mov ebx, 1
    bsf eax, ebx
    CHECK 'bsf bit 0', eax, 0
    mov dword [m32], 0x00400000
    bsf ecx, [m32]
    CHECK 'bsf m32', ecx, 22
    mov bx, 0x8000
    bsf ax, bx
    movzx eax, ax
    CHECK 'bsf16', eax, 15
    xor ebx, ebx
    bsf eax, ebx                ; zero source: ZF=1, destination undefined
    CHECKF 'bsf zero', EFL_ZF, EFL_ZF
    bsr eax, ebx
    CHECKF 'bsr zero', EFL_ZF, EFL_ZF
    ret

; ---------------------------------------------------------------------------
; All 16 conditions against a set of flag states.  Bit cc of each mask says
; whether condition cc holds (order O NO B AE E NE BE A S NS P NP L GE LE G).
%macro SETCC_MASK 1     ; flags -> edx = mask built from SETcc
    xor edx, edx
%assign cc 0
%rep 16
    xor eax, eax
    SETF %1
    db 0x0F, 0x90 + cc, 0xC0    ; setcc al
    shl eax, cc
    or edx, eax
%assign cc cc + 1
%endrep
%endmacro

%macro CMOV_MASK 1      ; flags -> edx = mask built from CMOVcc
    xor edx, edx
%assign cc 0
%rep 16
    xor eax, eax
    mov ebx, 1 << cc
    SETF %1
    db 0x0F, 0x40 + cc, 0xC3    ; cmovcc eax, ebx
    or edx, eax
%assign cc cc + 1
%endrep
%endmacro

%macro JCC_MASK 1       ; flags -> edx = mask built from Jcc (short and near)
    xor edx, edx
%assign cc 0
%rep 16
    SETF %1
    db 0x70 + cc, 6             ; jcc short +6 -> taken path
    jmp near %%nt_%[cc]         ; 5 bytes
    nop                         ; 1 byte
    or edx, 1 << cc
%%nt_%[cc]:
    SETF %1
    db 0x0F, 0x80 + cc          ; jcc near
    dd 6
    jmp near %%nn_%[cc]
    nop
    or edx, 1 << (cc + 16)
%%nn_%[cc]:
%assign cc cc + 1
%endrep
%endmacro

%macro COND 2           ; flags, expected mask
    SETCC_MASK %1
    CHECK {'setcc flags=', %str(%1)}, edx, %2
    CMOV_MASK %1
    CHECK {'cmovcc flags=', %str(%1)}, edx, %2
    JCC_MASK %1
    CHECK {'jcc flags=', %str(%1)}, edx, %2 | (%2 << 16)
%endmacro

t_conditions:
    TEST_SECTION 'SETcc/CMOVcc/Jcc'
    COND 0x002, 0xAAAA
    COND 0x003, 0xAA66
    COND 0x042, 0x6A5A
    COND 0x082, 0x59AA
    COND 0x802, 0x5AA9
    COND 0x882, 0xA9A9
    COND 0x006, 0xA6AA
    COND 0x8C7, 0x6555
    COND 0x0C2, 0x595A
    ; CMOV with a false condition leaves the destination alone.
    mov eax, 0x11111111
    mov ebx, 0x22222222
    SETF 0x002
    cmovz eax, ebx
    CHECK 'cmov false keeps dest', eax, 0x11111111
    mov dword [m32], 0x33333333
    SETF 0x042
    cmovz eax, [m32]
    CHECK 'cmov true from memory', eax, 0x33333333
    ret

; ---------------------------------------------------------------------------
t_xadd_cmpxchg:
    TEST_SECTION 'XADD/CMPXCHG/CMPXCHG8B'
    mov dword [m32], 5
    mov eax, 3
    xadd [m32], eax
    CHECK 'xadd m: memory is the sum', [m32], 8
    CHECK 'xadd m: register gets old', eax, 5
    mov eax, 0xFFFFFFFF
    mov ebx, 1
    xadd eax, ebx
    CHECKF 'xadd flags', EFL_ZF | EFL_CF, EFL_ZF | EFL_CF
    CHECK 'xadd r,r dest', eax, 0
    CHECK 'xadd r,r src gets old dest', ebx, 0xFFFFFFFF
    mov dword [m32], 5
    mov eax, 5
    mov ecx, 9
    cmpxchg [m32], ecx
    CHECKF 'cmpxchg equal: ZF', EFL_ZF, EFL_ZF
    CHECK 'cmpxchg equal: stored', [m32], 9
    CHECK 'cmpxchg equal: eax kept', eax, 5
    mov eax, 4
    mov ecx, 7
    cmpxchg [m32], ecx
    CHECKF 'cmpxchg differ: ZF=0, CF from 4-9', EFL_ZF | EFL_CF, EFL_CF
    CHECK 'cmpxchg differ: memory kept', [m32], 9
    CHECK 'cmpxchg differ: eax loaded', eax, 9
    mov al, 0x12
    mov cl, 0x12
    mov dl, 0x34
    cmpxchg cl, dl
    movzx ecx, cl
    CHECK 'cmpxchg8 r,r', ecx, 0x34
    ; CMPXCHG8B
    mov dword [q64], 0x11111111
    mov dword [q64 + 4], 0x22222222
    mov eax, 0x11111111
    mov edx, 0x22222222
    mov ebx, 0x33333333
    mov ecx, 0x44444444
    cmpxchg8b [q64]
    CHECKF 'cmpxchg8b equal: ZF', EFL_ZF, EFL_ZF
    CHECK 'cmpxchg8b equal: lo', [q64], 0x33333333
    CHECK 'cmpxchg8b equal: hi', [q64 + 4], 0x44444444
    mov eax, 0
    mov edx, 0
    cmpxchg8b [q64]
    CHECKF 'cmpxchg8b differ: ZF=0', EFL_ZF, 0
    CHECK 'cmpxchg8b differ: eax', eax, 0x33333333
    CHECK 'cmpxchg8b differ: edx', edx, 0x44444444
    FAULTS 'cmpxchg8b with a register operand', 6, 0, db 0x0F, 0xC7, 0xC8
    ret

; ---------------------------------------------------------------------------
t_bswap_movx:
    TEST_SECTION 'BSWAP/MOVZX/MOVSX'
    mov eax, 0x12345678
    bswap eax
    CHECK 'bswap', eax, 0x78563412
    mov edi, 0x80000001
    bswap edi
    CHECK 'bswap edi', edi, 0x01000080
    mov byte [m32], 0x80
    movsx eax, byte [m32]
    CHECK 'movsx r32,m8', eax, 0xFFFFFF80
    movzx eax, byte [m32]
    CHECK 'movzx r32,m8', eax, 0x80
    mov word [m32], 0xFFFE
    movsx eax, word [m32]
    CHECK 'movsx r32,m16', eax, 0xFFFFFFFE
    movzx eax, word [m32]
    CHECK 'movzx r32,m16', eax, 0xFFFE
    mov eax, 0x12345678
    mov bl, 0xF0
    movsx ax, bl                ; 16-bit destination: upper half untouched
    CHECK 'movsx r16,r8', eax, 0x1234FFF0
    mov ecx, 0xAAAA
    movzx ecx, ch
    CHECK 'movzx r32,ch', ecx, 0xAA
    ret

; ---------------------------------------------------------------------------
t_enter_leave:
    TEST_SECTION 'ENTER/LEAVE'
    mov [saved_esp], esp
    mov [saved_ebp], ebp
    ; Fake caller display: [ebp-4], [ebp-8] hold the outer frame pointers.
    mov ebp, display + 16
    mov dword [display + 12], 0x11111111
    mov dword [display + 8], 0x22222222
    mov esi, esp
    enter 8, 3
    ; push ebp; temp=esp; push [ebp-4]; push [ebp-8]; push temp; ebp=temp; esp-=8
    mov eax, esi
    sub eax, 4
    CHECK 'enter 8,3: ebp = frame', ebp, eax
    mov eax, esi
    sub eax, 24
    mov edx, esp
    CHECK 'enter 8,3: esp', edx, eax
    CHECK 'enter 8,3: saved ebp', [esi - 4], display + 16
    CHECK 'enter 8,3: display 1', [esi - 8], 0x11111111
    CHECK 'enter 8,3: display 2', [esi - 12], 0x22222222
    mov eax, esi
    sub eax, 4
    CHECK 'enter 8,3: frame pointer pushed last', [esi - 16], eax
    leave
    mov edx, esp
    CHECK 'leave: esp', edx, esi
    CHECK 'leave: ebp', ebp, display + 16
    ; Level 1: only the new frame pointer is pushed after the old one.
    enter 4, 1
    mov eax, esi
    sub eax, 4
    CHECK 'enter 4,1: frame pointer pushed', [esi - 8], eax
    mov eax, esi
    sub eax, 12
    mov edx, esp
    CHECK 'enter 4,1: esp', edx, eax
    leave
    ; Level 0 is push ebp; mov ebp, esp; sub esp, n.
    enter 0x100, 0
    mov eax, esi
    sub eax, 4 + 0x100
    mov edx, esp
    CHECK 'enter 100h,0: esp', edx, eax
    leave
    ; The level is taken mod 32.
    enter 0, 33
    mov eax, esi
    sub eax, 8
    mov edx, esp
    CHECK 'enter 0,33 = enter 0,1', edx, eax
    leave
    mov esp, [saved_esp]
    mov ebp, [saved_ebp]
    ret

; ---------------------------------------------------------------------------
t_push_pop:
    TEST_SECTION 'PUSHA/POPA and ESP-relative push/pop'
    mov esi, esp
    mov eax, 0xA0
    mov ecx, 0xC0
    mov edx, 0xD0
    mov ebx, 0xB0
    mov ebp, 0xBB
    push esi
    mov esi, 0x51
    mov edi, 0xD1
    pushad
    ; order from the top: EDI ESI EBP ESP EBX EDX ECX EAX
    mov eax, [esp + 12]         ; the ESP slot holds ESP before PUSHAD
    lea ebx, [esp + 32]
    CHECK 'pushad esp slot', eax, ebx
    mov eax, [esp + 28]
    CHECK 'pushad eax slot', eax, 0xA0
    mov eax, [esp]
    CHECK 'pushad edi slot', eax, 0xD1
    mov eax, [esp + 16]
    CHECK 'pushad ebx slot', eax, 0xB0
    mov dword [esp + 12], 0xDEAD ; POPAD skips the ESP slot
    mov dword [esp + 16], 0x1B0
    popad
    CHECK 'popad restores ebx', ebx, 0x1B0
    lea eax, [esp]
    pop esi
    mov ebx, esi
    sub ebx, 4
    CHECK 'popad ignores the esp slot', eax, ebx
    ; 16-bit PUSHA pushes 8 words.
    mov edx, esp
    pushaw
    mov eax, edx
    sub eax, esp
    CHECK 'pushaw size', eax, 16
    popaw
    ; PUSH ESP pushes the value before the push.
    mov edx, esp
    push esp
    pop eax
    CHECK 'push esp', eax, edx
    ; PUSH [ESP] reads before ESP moves; POP [ESP] computes the address
    ; after ESP has been incremented.
    push dword 0x1111
    push dword 0x2222
    push dword [esp]            ; pushes 0x2222
    pop eax
    CHECK 'push [esp]', eax, 0x2222
    pop dword [esp]             ; pops 0x2222 into the slot that held 0x1111
    pop eax
    CHECK 'pop [esp]', eax, 0x2222
    ; POP ESP loads ESP from the stack.
    mov edx, esp
    lea eax, [esp - 0x40]
    push eax
    pop esp
    lea ebx, [edx - 0x40]
    mov eax, esp
    mov esp, edx
    CHECK 'pop esp', eax, ebx
    ; Segment register pushes in 32-bit code write a dword slot (upper half
    ; may be anything) and move ESP by 4.
    mov edx, esp
    push ds
    mov eax, edx
    sub eax, esp
    pop ecx
    CHECK 'push ds moves esp by 4', eax, 4
    movzx ecx, cx
    CHECK 'push ds value', ecx, KDATA
    ret

; ---------------------------------------------------------------------------
t_lahf_xlat:
    TEST_SECTION 'LAHF/SAHF/XLAT/CMC/STC/CLC'
    mov ah, 0xFF
    sahf                        ; only SF ZF AF PF CF are loaded
    mov ah, 0
    lahf                        ; bit 1 reads 1, bits 3 and 5 read 0
    movzx eax, ah
    CHECK 'sahf 0xff / lahf', eax, 0xD7
    mov ah, 0x00
    sahf
    CHECKF 'sahf 0', EFL_SF | EFL_ZF | EFL_AF | EFL_PF | EFL_CF, 0
    SETF 0x802                  ; OF is not touched by SAHF
    mov ah, 0x01
    sahf
    CHECKF 'sahf keeps OF', EFL_OF | EFL_CF, EFL_OF | EFL_CF
    cmc
    CHECKF 'cmc', EFL_CF, 0
    stc
    CHECKF 'stc', EFL_CF, EFL_CF
    clc
    CHECKF 'clc', EFL_CF, 0
    mov ebx, xlat_table
    mov eax, 0xFFFFFF05         ; only AL is the index
    xlatb
    CHECK 'xlat', eax, 0xFFFFFF50
    ret

; ---------------------------------------------------------------------------
t_far_ptr:
    TEST_SECTION 'LDS/LES/LFS/LGS/LSS'
    mov dword [farp], 0x12345678
    mov word [farp + 4], UDATA
    les eax, [farp]
    mov bx, es
    call reload_ksegs
    CHECK 'les offset', eax, 0x12345678
    movzx ebx, bx
    CHECK 'les selector', ebx, UDATA
    mov word [farp + 8], 0xBEEF
    mov word [farp + 10], UDATA
    lgs cx, [farp + 8]          ; 16-bit offset form: selector at +2
    mov dx, gs
    call reload_ksegs
    movzx ecx, cx
    CHECK 'lgs r16 offset', ecx, 0xBEEF
    movzx edx, dx
    CHECK 'lgs r16 selector', edx, UDATA
    mov [farp], esp
    mov word [farp + 4], KDATA
    mov ebx, esp
    lss esp, [farp]
    mov eax, esp
    CHECK 'lss', eax, ebx
    FAULTS 'lds with a register operand', 6, 0, db 0xC5, 0xC0
    ret

; ---------------------------------------------------------------------------
t_loops:
    TEST_SECTION 'LOOP/LOOPE/LOOPNE/JECXZ'
    mov ecx, 5
    xor eax, eax
.l1:
    inc eax
    loop .l1
    CHECK 'loop count', eax, 5
    CHECK 'loop ecx', ecx, 0
    mov ecx, 10
    xor eax, eax
.l2:
    inc eax
    cmp eax, 3
    loopne .l2                  ; stops when ZF=1 (eax=3)
    CHECK 'loopne stops on ZF', eax, 3
    CHECK 'loopne ecx', ecx, 7
    mov ecx, 10
    xor eax, eax
.l3:
    inc eax
    cmp eax, eax                ; ZF=1 always; loope runs until ecx=0
    loope .l3
    CHECK 'loope runs out', eax, 10
    xor ecx, ecx
    mov eax, 1
    jecxz .z
    mov eax, 2
.z:
    CHECK 'jecxz taken', eax, 1
    mov ecx, 0x10000            ; JCXZ (67h) looks at CX only
    mov eax, 1
    jcxz .z2
    mov eax, 2
.z2:
    CHECK 'jcxz with cx=0, ecx!=0', eax, 1
    mov ecx, 0                  ; LOOP with ECX=0 runs 2^32 times: use
    mov eax, 0x10000            ; a16 to loop on CX, 65536 times
.l4:
    dec eax
    loop .l4, cx
    CHECK 'a16 loop from cx=0 runs 65536 times', eax, 0
    ret

; ---------------------------------------------------------------------------
t_nops:
    TEST_SECTION 'multi-byte NOPs'
    mov eax, 0x11111111
    mov ecx, 0x22222222
    mov ebx, 0
    SETF 0x8C7
    db 0x0F, 0x1F, 0x00                         ; nop [eax]
    db 0x0F, 0x1F, 0x40, 0x00                   ; nop [eax+0]
    db 0x0F, 0x1F, 0x44, 0x00, 0x00             ; nop [eax+eax+0]
    db 0x66, 0x0F, 0x1F, 0x44, 0x00, 0x00       ; nop word [eax+eax+0]
    db 0x0F, 0x1F, 0x80, 0x00, 0x00, 0x00, 0x00 ; nop [eax+disp32]
    db 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00
    db 0x66, 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00
    db 0x0F, 0x1F, 0xC0                         ; register form
    db 0x0F, 0x1F, 0x04, 0x25, 0xF0, 0xFF, 0xFF, 0xFF ; nop [0xFFFFFFF0]: no access
    db 0x0F, 0x19, 0x00                         ; 0F 19..1E hint NOPs
    db 0x0F, 0x1E, 0xC8
    db 0x0F, 0x18, 0x00                         ; prefetchnta [eax]
    CHECKF 'nops keep flags', EFL_ARITH, 0x8C5
    CHECK 'nops keep eax', eax, 0x11111111
    CHECK 'nops keep ecx', ecx, 0x22222222
    ret

section .data
xlat_table: db 0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70

section .bss
alignb 8
m32:        resd 2
q64:        resq 1
bitstr:     resd 8
display:    resd 8
farp:       resd 4
saved_esp:  resd 1
saved_ebp:  resd 1

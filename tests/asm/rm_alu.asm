; rm_alu - real-mode integer arithmetic, flags, BCD adjust and string
; instructions with REP, run straight from the reset vector (raw BIOS image).
;
; Expected flags follow the SDM definitions; only flags the SDM defines for an
; instruction are compared (the masks below leave undefined ones out).

%define TEST_NAME 'rm_alu'
%include "bios.inc"

absolute test_vars
buf_a:      resb 64
buf_b:      resb 64
int_seen:   resd 1

section .text
test_main:
    call arith_flags
    call shifts
    call muldiv
    call bcd
    call strings
    call addressing
    call interrupts
    ret

; ---------------------------------------------------------------------------
arith_flags:
    TEST_SECTION 'add/sub/adc/sbb flags'
    mov ax, 0x7FFF
    add ax, 1                   ; signed overflow into the sign bit
    CHECKF 'add 7fff+1', EFL_ARITH, EFL_OF | EFL_SF | EFL_AF | EFL_PF
    movzx eax, ax
    CHECK 'add 7fff+1', eax, 0x8000

    mov al, 0
    sub al, 1                   ; borrow out of bit 7 and out of bit 3
    CHECKF 'sub 0-1', EFL_ARITH, EFL_CF | EFL_SF | EFL_AF | EFL_PF
    movzx eax, al
    CHECK 'sub 0-1', eax, 0xFF

    stc
    mov ax, 0xFFFF
    adc ax, 0                   ; carry in wraps to zero
    CHECKF 'adc ffff+0+1', EFL_ARITH, EFL_CF | EFL_ZF | EFL_AF | EFL_PF
    movzx eax, ax
    CHECK 'adc ffff+0+1', eax, 0

    stc
    mov ax, 0x8000
    sbb ax, 0                   ; most negative minus one: signed overflow
    CHECKF 'sbb 8000-0-1', EFL_ARITH, EFL_OF | EFL_AF | EFL_PF
    movzx eax, ax
    CHECK 'sbb 8000-0-1', eax, 0x7FFF

    mov al, 0x80
    neg al                      ; -(-128) overflows back to -128
    CHECKF 'neg 80', EFL_ARITH, EFL_CF | EFL_OF | EFL_SF
    movzx eax, al
    CHECK 'neg 80', eax, 0x80

    xor al, al
    neg al                      ; NEG 0 is the only NEG with CF=0
    CHECKF 'neg 0', EFL_ARITH, EFL_ZF | EFL_PF

    stc
    mov al, 0xFF
    inc al                      ; INC leaves CF alone
    CHECKF 'inc ff', EFL_ARITH, EFL_CF | EFL_ZF | EFL_AF | EFL_PF

    clc
    mov ax, 0x8000
    dec ax
    CHECKF 'dec 8000', EFL_ARITH, EFL_OF | EFL_AF | EFL_PF

    stc
    mov eax, 0xF0F0F0F0
    and eax, 0x0F0F0F0F         ; logic ops clear CF and OF
    CHECKF 'and', EFL_OF | EFL_SF | EFL_ZF | EFL_PF | EFL_CF, EFL_ZF | EFL_PF

    mov eax, 0x80000000
    or eax, 1
    CHECKF 'or', EFL_OF | EFL_SF | EFL_ZF | EFL_PF | EFL_CF, EFL_SF

    mov bx, 5
    cmp bx, 7                   ; 5-7: borrow, negative, AF from 5-7 in nibble
    CHECKF 'cmp 5,7', EFL_ARITH, EFL_CF | EFL_SF | EFL_AF
    movzx ebx, bx
    CHECK 'cmp keeps operand', ebx, 5

    mov eax, 0x12345678
    add eax, 0x87654321
    CHECK 'add32 result', eax, 0x99999999
    CHECKF 'add32', EFL_ARITH, EFL_SF | EFL_PF

    mov cx, 0x1234
    mov dx, 0x5678
    xchg cx, dx
    movzx ecx, cx
    CHECK 'xchg', ecx, 0x5678

    mov ax, 0xFF80
    cbw                         ; sign-extends AL
    movzx eax, ax
    CHECK 'cbw', eax, 0xFF80
    mov ax, 0x8000
    cwd
    movzx edx, dx
    CHECK 'cwd', edx, 0xFFFF
    mov ax, 0x8001
    cwde
    CHECK 'cwde', eax, 0xFFFF8001
    mov eax, 0x7FFFFFFF
    cdq
    CHECK 'cdq', edx, 0

    ; PUSH SP on 286 and later pushes the value SP had before the push.
    mov bx, sp
    push sp
    pop ax
    movzx eax, ax
    movzx ebx, bx
    CHECK 'push sp', eax, ebx

    ; POPF in real mode can set every flag in the low word except the
    ; reserved ones; bit 1 always reads 1.
    push word 0x0CD5            ; OF DF SF ZF AF PF CF set, IF/TF clear
    popf
    pushf
    pop ax
    and ax, 0x0FD5              ; ignore IOPL/NT, bit 15
    movzx eax, ax
    CHECK 'popf/pushf', eax, 0x0CD5
    cli
    cld
    ret

; ---------------------------------------------------------------------------
shifts:
    TEST_SECTION 'shifts and rotates'
    mov al, 0x81
    shl al, 1                   ; OF = new MSB xor CF
    CHECKF 'shl 81,1', EFL_CF | EFL_OF | EFL_ZF | EFL_SF | EFL_PF, EFL_CF | EFL_OF
    movzx eax, al
    CHECK 'shl 81,1', eax, 0x02

    mov al, 0x81
    shr al, 1                   ; OF = old MSB
    CHECKF 'shr 81,1', EFL_CF | EFL_OF | EFL_ZF | EFL_SF | EFL_PF, EFL_CF | EFL_OF
    movzx eax, al
    CHECK 'shr 81,1', eax, 0x40

    mov al, 0x81
    sar al, 1                   ; OF = 0 for SAR by 1
    CHECKF 'sar 81,1', EFL_CF | EFL_OF | EFL_ZF | EFL_SF | EFL_PF, EFL_CF | EFL_SF | EFL_PF
    movzx eax, al
    CHECK 'sar 81,1', eax, 0xC0

    mov al, 0x81
    rol al, 1                   ; CF = new LSB, OF = new MSB xor CF
    CHECKF 'rol 81,1', EFL_CF | EFL_OF, EFL_CF | EFL_OF
    movzx eax, al
    CHECK 'rol 81,1', eax, 0x03

    stc
    mov al, 0x01
    rcr al, 1                   ; CF into bit 7, bit 0 into CF
    CHECKF 'rcr 01,1 cf', EFL_CF | EFL_OF, EFL_CF | EFL_OF
    movzx eax, al
    CHECK 'rcr 01,1 cf', eax, 0x80

    mov ax, 0x1234
    mov cl, 20                  ; 16-bit rotate by 20 = by 4 (count mod 16 after mod 32)
    rol ax, cl
    movzx eax, ax
    CHECK 'rol16 by 20', eax, 0x2341

    mov ax, 0x1234
    mov cl, 33                  ; count is masked to 5 bits: 33 -> 1
    shl ax, cl
    movzx eax, ax
    CHECK 'shl16 by 33', eax, 0x2468

    stc
    mov ax, 0x1234
    mov cl, 0                   ; count 0: flags untouched
    shl ax, cl
    CHECKF 'shl by 0', EFL_CF, EFL_CF

    mov ax, 0x8000
    mov cl, 17                  ; RCL 16-bit counts are mod 17 -> 0
    clc
    rcl ax, cl
    movzx eax, ax
    CHECK 'rcl16 by 17', eax, 0x8000

    mov dx, 0xABCD
    mov ax, 0x1234
    shld ax, dx, 4              ; 386 double shift, works in real mode too
    movzx eax, ax
    CHECK 'shld16', eax, 0x234A
    ret

; ---------------------------------------------------------------------------
muldiv:
    TEST_SECTION 'mul/div'
    mov ax, 0x1234
    mov bx, 0x5678
    mul bx                      ; 0x1234*0x5678 = 0x06260060
    CHECKF 'mul16', EFL_CF | EFL_OF, EFL_CF | EFL_OF
    movzx eax, ax
    movzx edx, dx
    CHECK 'mul16 lo', eax, 0x0060
    CHECK 'mul16 hi', edx, 0x0626

    mov al, 0xFE                ; -2 * 3 = -6 fits in AL: CF=OF=0
    mov bl, 3
    imul bl
    CHECKF 'imul8', EFL_CF | EFL_OF, 0
    movzx eax, ax
    CHECK 'imul8', eax, 0xFFFA

    mov dx, 0x0012
    mov ax, 0x0034
    mov bx, 0x0100
    div bx                      ; 0x120034 / 0x100
    movzx eax, ax
    movzx edx, dx
    CHECK 'div16 q', eax, 0x1200
    CHECK 'div16 r', edx, 0x0034

    mov ax, -7
    mov bl, 2
    idiv bl                     ; truncates toward zero: q=-3, r=-1
    movzx eax, ax
    CHECK 'idiv8', eax, 0xFFFD  ; AH=FF (r=-1), AL=FD (q=-3)

    ; Divide overflow in real mode: vector 0, and on 286+ the saved IP is
    ; that of the DIV itself (a fault), so a handler could retry it.
    TRY .de_done
    mov ax, 0x1000
    mov bl, 2
.de_insn:
    div bl                      ; 0x1000/2 = 0x800 does not fit in AL
.de_done:
    ENDTRY
    CHECK '#DE vector', [exc_vector], 0
    CHECK '#DE ip', [exc_ip], .de_insn
    CHECK '#DE cs', [exc_cs], BIOS_SEG
    ret

; ---------------------------------------------------------------------------
bcd:
    TEST_SECTION 'BCD adjust'
    mov al, 0x15
    add al, 0x27                ; 0x3C, low nibble > 9
    daa
    CHECKF 'daa 15+27', EFL_CF | EFL_AF, EFL_AF
    movzx eax, al
    CHECK 'daa 15+27', eax, 0x42

    mov al, 0x99
    add al, 0x01                ; 0x9A: both nibbles need fixing, carry out
    daa
    CHECKF 'daa 99+1', EFL_CF | EFL_AF | EFL_ZF, EFL_CF | EFL_AF | EFL_ZF
    movzx eax, al
    CHECK 'daa 99+1', eax, 0x00

    mov al, 0x42
    sub al, 0x27                ; 0x1B with AF (2-7 borrows in the low nibble)
    das
    CHECKF 'das 42-27', EFL_CF | EFL_AF, EFL_AF
    movzx eax, al
    CHECK 'das 42-27', eax, 0x15

    mov al, 0x10
    sub al, 0x20                ; 0xF0 with CF: das subtracts 0x60
    das
    CHECKF 'das 10-20', EFL_CF, EFL_CF
    movzx eax, al
    CHECK 'das 10-20', eax, 0x90

    mov ax, 0x0008
    add al, 5                   ; unpacked 8+5 = 13 -> AH=1, AL=3
    aaa
    CHECKF 'aaa 8+5', EFL_CF | EFL_AF, EFL_CF | EFL_AF
    movzx eax, ax
    CHECK 'aaa 8+5', eax, 0x0103

    mov ax, 0x0002
    sub al, 5                   ; AL=FD, AF: AX-6, AH-1, keep low nibble
    aas
    CHECKF 'aas 2-5', EFL_CF | EFL_AF, EFL_CF | EFL_AF
    movzx eax, ax
    CHECK 'aas 2-5', eax, 0xFF07

    mov ax, 0x003F              ; 63 -> AH=6, AL=3
    aam
    CHECKF 'aam', EFL_ZF | EFL_SF | EFL_PF, EFL_PF
    movzx eax, ax
    CHECK 'aam', eax, 0x0603

    mov ax, 0x003F
    aam 16                      ; any base: 63 = 3*16 + 15
    movzx eax, ax
    CHECK 'aam 16', eax, 0x030F

    mov ax, 0x0603
    aad                         ; 6*10 + 3
    CHECKF 'aad', EFL_ZF | EFL_SF | EFL_PF, EFL_PF
    movzx eax, ax
    CHECK 'aad', eax, 0x003F

    mov ax, 0x0207
    aad 16                      ; 2*16 + 7
    movzx eax, ax
    CHECK 'aad 16', eax, 0x0027

    ; AAM with a zero base divides by zero.
    TRY .aam_done
.aam_insn:
    aam 0
.aam_done:
    ENDTRY
    CHECK 'aam 0 vector', [exc_vector], 0
    CHECK 'aam 0 ip', [exc_ip], .aam_insn
    ret

; ---------------------------------------------------------------------------
strings:
    TEST_SECTION 'string ops'
    ; REP MOVSB forward from ROM (CS override on the source) into RAM.
    mov si, pattern
    mov di, buf_a
    mov cx, pattern_len
    cld
    rep cs movsb
    movzx ecx, cx
    CHECK 'rep movsb cx', ecx, 0
    movzx esi, si
    CHECK 'rep movsb si', esi, pattern + pattern_len
    movzx edi, di
    CHECK 'rep movsb di', edi, buf_a + pattern_len
    mov eax, [buf_a]
    CHECK 'rep movsb data', eax, 0x64636261      ; 'abcd'
    mov eax, [buf_a + 24]
    CHECK 'rep movsb data end', eax, 0x34333231  ; '1234'

    ; Overlapping move upwards by one word: needs DF=1 to not smear.
    std
    mov si, buf_a + 30
    mov di, buf_a + 32
    mov cx, 16
    rep movsw
    cld
    mov eax, [buf_a + 2]
    CHECK 'std movsw overlap', eax, 0x64636261
    movzx esi, si
    CHECK 'std movsw si', esi, buf_a - 2

    ; REP STOSD with a 32-bit count and 16-bit addressing.
    mov di, buf_b
    mov eax, 0xA5A5A5A5
    mov ecx, 0x10000 + 16       ; CX=16 is the count; ECX upper half ignored
    rep stosd
    CHECK 'rep stosd ecx', ecx, 0x10000
    mov eax, [buf_b + 60]
    CHECK 'rep stosd data', eax, 0xA5A5A5A5

    ; Same with a 67h prefix: now ECX is the count.
    mov edi, buf_b
    xor eax, eax
    mov ecx, 4
    a32 rep stosd
    CHECK 'a32 rep stosd ecx', ecx, 0
    CHECK 'a32 rep stosd edi', edi, buf_b + 16
    mov eax, [buf_b + 16]
    CHECK 'a32 rep stosd stopped', eax, 0xA5A5A5A5

    ; REPE CMPSB stops after the first mismatch, with SI/DI past it.
    mov si, buf_a + 2
    mov di, match_str
    push es
    push cs
    pop es
    mov cx, 10
    repe cmpsb                  ; "abcdefg..." vs "abcdXfg": mismatch at 4
    pop es
    CHECKF 'repe cmpsb', EFL_ZF | EFL_CF, 0     ; 'e' > 'X': no borrow
    movzx ecx, cx
    CHECK 'repe cmpsb cx', ecx, 5
    movzx esi, si
    CHECK 'repe cmpsb si', esi, buf_a + 2 + 5

    ; REPNE SCASB finds the byte and stops just past it.
    mov di, buf_a + 2
    mov al, 'k'
    mov cx, 100
    repne scasb
    CHECKF 'repne scasb', EFL_ZF, EFL_ZF
    movzx ecx, cx
    CHECK 'repne scasb cx', ecx, 100 - 11
    movzx edi, di
    CHECK 'repne scasb di', edi, buf_a + 2 + 11

    ; A REP with CX=0 does nothing at all, not even the flag update.
    mov cx, 0
    mov al, 0
    mov di, buf_a
    stc
    repne scasb
    CHECKF 'rep cx=0 flags', EFL_CF, EFL_CF
    movzx edi, di
    CHECK 'rep cx=0 di', edi, buf_a

    ; LODSW / STOSW / LODSD plain.
    mov si, buf_a + 2
    lodsw
    movzx eax, ax
    CHECK 'lodsw', eax, 0x6261
    movzx esi, si
    CHECK 'lodsw si', esi, buf_a + 4
    std
    lodsd
    cld
    CHECK 'std lodsd', eax, 0x66656463
    movzx esi, si
    CHECK 'std lodsd si', esi, buf_a

    ; XLAT: AL = [BX + AL]
    mov bx, buf_a + 2
    mov al, 3
    xlatb
    movzx eax, al
    CHECK 'xlat', eax, 'd'
    ret

; ---------------------------------------------------------------------------
addressing:
    TEST_SECTION '16-bit addressing'
    ; 16-bit effective addresses wrap at 64 KiB: BX+SI = 0x10001 -> 0x0001.
    mov byte [buf_a], 0x5A
    mov bx, 0xFFFF
    mov si, buf_a + 1
    mov al, [bx + si]
    movzx eax, al
    CHECK '[bx+si] wraps', eax, 0x5A

    ; BP-based addresses default to SS, not DS.
    mov word [buf_b], 0x1234
    push ds
    mov ax, 0x0040
    mov ds, ax                  ; a different DS so a wrong default shows
    mov bp, buf_b
    mov ax, [bp]
    pop ds
    movzx eax, ax
    CHECK '[bp] uses ss', eax, 0x1234

    ; Segment arithmetic: (buf_b >> 4):(buf_b & 15) is linear buf_b.
    push ds
    mov ax, (buf_b >> 4)
    mov ds, ax
    mov eax, [buf_b & 15]
    pop ds
    CHECK 'seg:off', eax, 0x00001234

    ; LEA does not touch memory or wrap to the segment
    mov bx, 0x8000
    mov di, 0x9000
    lea ax, [bx + di + 0x10]    ; 16-bit result truncates
    movzx eax, ax
    CHECK 'lea16 wrap', eax, 0x1010
    ret

; ---------------------------------------------------------------------------
interrupts:
    TEST_SECTION 'int/iret/into/bound'
    ; INT n through our own IVT entry; the handler sees IF/TF cleared and
    ; returns through IRET, which restores the caller's FLAGS.
    mov word [0x40 * 4], int40_handler
    mov word [0x40 * 4 + 2], BIOS_SEG
    mov dword [int_seen], 0
    push word 0x0CD5 | 0x0002   ; flags with OF/DF/SF/ZF/AF/PF/CF, IF=0
    popf
    int 0x40
    pushf
    pop ax
    cld
    movzx eax, ax
    and eax, 0x0FD5
    CHECK 'iret restores flags', eax, 0x0CD5
    mov eax, [int_seen]
    CHECK 'int 40 handler ran', eax, 0xC0DE

    ; INTO traps only when OF=1; the saved IP is after INTO.
    mov al, 0x7F
    add al, 1                   ; OF=1
    TRY .into_done
    into
.into_next:
    nop
.into_done:
    ENDTRY
    CHECK 'into vector', [exc_vector], 4
    CHECK 'into ip', [exc_ip], .into_next

    xor al, al                  ; OF=0: no trap
    TRY .into2_done
    into
.into2_done:
    ENDTRY
    CHECK 'into OF=0', [exc_vector], -1

    ; BOUND: index 5 outside [0, 4] faults (vector 5, IP of BOUND).
    mov word [buf_b], 0
    mov word [buf_b + 2], 4
    mov ax, 4
    bound ax, [buf_b]           ; inside: nothing
    mov ax, 5
    TRY .bound_done
.bound_insn:
    bound ax, [buf_b]
.bound_done:
    ENDTRY
    CHECK 'bound vector', [exc_vector], 5
    CHECK 'bound ip', [exc_ip], .bound_insn

    ; Undefined opcode in real mode is vector 6 too.
    TRY .ud_done
.ud_insn:
    ud2
.ud_done:
    ENDTRY
    CHECK 'ud2 vector', [exc_vector], 6
    CHECK 'ud2 ip', [exc_ip], .ud_insn
    ret

int40_handler:
    pushf
    pop ax
    test ax, EFL_IF | EFL_TF
    jnz .bad
    mov dword [int_seen], 0xC0DE
.bad:
    iret

section .rodata
pattern:    db 'abcdefghijklmnopqrstuvwx1234'
pattern_len equ $ - pattern
match_str:  db 'abcdXfghij'

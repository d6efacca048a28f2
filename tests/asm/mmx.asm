; mmx - MMX instructions (SDM Vol. 1 chapter 9, Vol. 2): MOVD/MOVQ,
; PADD/PSUB with wraparound and signed/unsigned saturation, PCMPEQ/PCMPGT,
; PACKSS/PACKUS, PUNPCKL/PUNPCKH, PMULLW/PMULHW/PMADDWD, logic ops, shifts by
; immediate and by register (counts past the width, and a count register
; with high bits set), aliasing with the x87 registers (TOP=0, x87
; significands visible as MMi), and EMMS vs the tag word.  (Bits 79:64 set
; by MMX writes are checked in x87_exc.)  Expected values come from a straightforward Python model of the
; SDM operation descriptions (kept below as comments with the inputs).

%define TEST_NAME 'mmx'
%include "mb.inc"

%macro MMXOP 1          ; op: mm0 = A op B, compared with e_<op>
    movq mm0, [opA]
    movq mm1, [opB]
    %1 mm0, mm1
    movq [res], mm0
    CHECKMEM %str(%1), res, e_%1, 8
    movq mm0, [opA]
    %1 mm0, [opB]
    movq [res], mm0
    CHECKMEM {%str(%1), ' m64'}, res, e_%1, 8
%endmacro

%macro SHIFT 3          ; op, count, suffix: imm form and mm form
    movq mm0, [opA]
    %1 mm0, %2
    movq [res], mm0
    CHECKMEM {%str(%1), ' imm ', %str(%2)}, res, e_%1_%3, 8
    movq mm0, [opA]
    mov dword [cnt], %2
    mov dword [cnt + 4], 0
    movq mm2, [cnt]
    %1 mm0, mm2
    movq [res], mm0
    CHECKMEM {%str(%1), ' mm ', %str(%2)}, res, e_%1_%3, 8
%endmacro

section .text
test_main:
    mov eax, 1
    cpuid
    test edx, 1 << 23
    jnz .have
    NOTE 'SKIP: CPUID.1:EDX.MMX=0'
    ret
.have:
    mov [cpuid_edx], edx
    mov eax, cr0
    and eax, ~0x0C              ; EM=0, TS=0
    mov cr0, eax
    fninit
    call t_moves
    call t_arith
    call t_pack
    call t_shift
    call t_alias
    emms
    ret

t_moves:
    TEST_SECTION 'MOVD/MOVQ'
    mov eax, 0xDEADBEEF
    movq mm0, [opA]
    movd mm0, eax               ; zero-extends into the upper dword
    movq [res], mm0
    CHECK 'movd mm,r32 lo', [res], 0xDEADBEEF
    CHECK 'movd mm,r32 hi', [res + 4], 0
    movq mm1, [opB]
    movd ebx, mm1
    CHECK 'movd r32,mm', ebx, 0xFF020180
    mov dword [m32], 0x12345678
    movd mm2, [m32]
    movd [m32 + 4], mm2
    CHECK 'movd m32 round trip', [m32 + 4], 0x12345678
    movq mm3, mm1
    movq [res], mm3
    CHECKMEM 'movq mm,mm', res, opB, 8
    ret

t_arith:
    TEST_SECTION 'arithmetic, compare, logic'
    MMXOP paddb
    MMXOP paddw
    MMXOP paddd
    MMXOP psubb
    MMXOP psubw
    MMXOP psubd
    MMXOP paddsb
    MMXOP paddsw
    MMXOP paddusb
    MMXOP paddusw
    MMXOP psubsb
    MMXOP psubsw
    MMXOP psubusb
    MMXOP psubusw
    MMXOP pcmpeqb
    MMXOP pcmpeqw
    MMXOP pcmpeqd
    MMXOP pcmpgtb
    MMXOP pcmpgtw
    MMXOP pcmpgtd
    MMXOP pmullw
    MMXOP pmulhw
    MMXOP pmaddwd
    MMXOP pand
    MMXOP pandn
    MMXOP por
    MMXOP pxor
    ret

t_pack:
    TEST_SECTION 'pack/unpack'
    MMXOP packsswb
    MMXOP packssdw
    MMXOP packuswb
    MMXOP punpcklbw
    MMXOP punpcklwd
    MMXOP punpckldq
    MMXOP punpckhbw
    MMXOP punpckhwd
    MMXOP punpckhdq
    ret

t_shift:
    TEST_SECTION 'shifts'
    SHIFT psllw, 3, 3
    SHIFT psrlw, 3, 3
    SHIFT psraw, 3, 3
    SHIFT pslld, 3, 3
    SHIFT psrld, 3, 3
    SHIFT psrad, 3, 3
    SHIFT psllq, 3, 3
    SHIFT psrlq, 3, 3
    SHIFT psllw, 100, big
    SHIFT psrlw, 100, big
    SHIFT psraw, 100, big
    SHIFT pslld, 100, big
    SHIFT psrld, 100, big
    SHIFT psrad, 100, big
    SHIFT psllq, 100, big
    SHIFT psrlq, 100, big
    ; The whole 64-bit count counts: 0x100000003 is not 3.
    movq mm0, [opA]
    mov dword [cnt], 3
    mov dword [cnt + 4], 1
    psrlw mm0, [cnt]
    movq [res], mm0
    CHECKMEM 'psrlw by 0x100000003', res, e_psrlw_big, 8
    ret

; ---------------------------------------------------------------------------
t_alias:
    TEST_SECTION 'x87 aliasing, EMMS, tag word'
    ; An x87 value's significand is what MM7 shows after an MMX instruction
    ; resets TOP to 0 (fld1 went to R7).
    fninit
    fld1
    movq mm0, mm7
    movq [res], mm0
    CHECK 'mm7 = significand of 1.0 (lo)', [res], 0
    CHECK 'mm7 = significand of 1.0 (hi)', [res + 4], 0x80000000
    fnstsw ax
    movzx eax, ax
    and eax, 0x3800
    CHECK 'MMX instruction sets TOP=0', eax, 0
    ; (That an MMX write sets bits 79:64 to all ones is checked in x87_exc.)
    ; Tags: every register valid after an MMX instruction, all empty after
    ; EMMS.  (FXSAVE's abridged tag shows it directly.)
    fninit
    movq mm0, [opA]
    fnstenv [env]
    mov eax, [env + 8]
    mov ecx, 8
    xor edx, edx
.cnt:
    mov ebx, eax
    and ebx, 3
    cmp ebx, 3
    jne .ne
    inc edx
.ne:
    shr eax, 2
    loop .cnt
    CHECK 'no empty tag after an MMX instruction', edx, 0
    emms
    fnstenv [env]
    movzx eax, word [env + 8]
    CHECK 'emms empties the tag word', eax, 0xFFFF
    test dword [cpuid_edx], 1 << 24
    jz .nofx
    movq mm0, [opA]
    fxsave [fx]
    movzx eax, byte [fx + 4]
    CHECK 'fxsave abridged tag after MMX', eax, 0xFF
    emms
    fxsave [fx]
    movzx eax, byte [fx + 4]
    CHECK 'fxsave abridged tag after EMMS', eax, 0
.nofx:
    fninit
    ret

section .rodata
align 8
; A = 0x80017FFF010280FF, B = 0x7FFF8000FF020180
opA:        dq 0x80017FFF010280FF
opB:        dq 0x7FFF8000FF020180
align 8
e_paddb          dq 0xFF00FFFF0004817F
e_psubb          dq 0x0102FFFF02007F7F
e_pcmpeqb        dq 0x0000000000FF0000
e_pcmpgtb        dq 0x00FFFF00FF0000FF
e_paddw          dq 0x0000FFFF0004827F
e_psubw          dq 0x0002FFFF02007F7F
e_pcmpeqw        dq 0x0000000000000000
e_pcmpgtw        dq 0x0000FFFFFFFF0000
e_paddd          dq 0x0000FFFF0004827F
e_psubd          dq 0x0001FFFF02007F7F
e_pcmpeqd        dq 0x0000000000000000
e_pcmpgtd        dq 0x00000000FFFFFFFF
e_paddsb         dq 0xFF00FFFF00048180
e_psubsb         dq 0x80027FFF0200807F
e_paddusb        dq 0xFFFFFFFFFF0481FF
e_psubusb        dq 0x010000FF00007F7F
e_paddsw         dq 0x0000FFFF0004827F
e_psubsw         dq 0x80007FFF02008000
e_paddusw        dq 0xFFFFFFFFFFFF827F
e_psubusw        dq 0x0002000000007F7F
e_pmullw         dq 0xFFFF800000047E80
e_pmulhw         dq 0xC000C000FFFFFF41
e_pmaddwd        dq 0x80017FFFFF407E84
e_pand           dq 0x0001000001020080
e_pandn          dq 0x7FFE8000FE000100
e_por            dq 0xFFFFFFFFFF0281FF
e_pxor           dq 0xFFFEFFFFFE00817F
e_packsswb       dq 0x7F80807F807F7F80
e_packssdw       dq 0x7FFF800080007FFF
e_packuswb       dq 0xFF0000FF00FFFF00
e_punpcklbw      dq 0xFF010202018080FF
e_punpckhbw      dq 0x7F80FF01807F00FF
e_punpcklwd      dq 0xFF020102018080FF
e_punpckhwd      dq 0x7FFF800180007FFF
e_punpckldq      dq 0xFF020180010280FF
e_punpckhdq      dq 0x7FFF800080017FFF
e_psllw_3        dq 0x0008FFF8081007F8
e_psrlw_3        dq 0x10000FFF0020101F
e_psllw_big      dq 0x0000000000000000
e_psrlw_big      dq 0x0000000000000000
e_pslld_3        dq 0x000BFFF8081407F8
e_psrld_3        dq 0x10002FFF0020501F
e_pslld_big      dq 0x0000000000000000
e_psrld_big      dq 0x0000000000000000
e_psllq_3        dq 0x000BFFF8081407F8
e_psrlq_3        dq 0x10002FFFE020501F
e_psllq_big      dq 0x0000000000000000
e_psrlq_big      dq 0x0000000000000000
e_psraw_3        dq 0xF0000FFF0020F01F
e_psraw_big      dq 0xFFFF00000000FFFF
e_psrad_3        dq 0xF0002FFF0020501F
e_psrad_big      dq 0xFFFFFFFF00000000

section .bss
alignb 16
fx:         resb 512
sv:         resb 108
env:        resb 28
res:        resq 1
cnt:        resq 1
m32:        resd 2
cpuid_edx:  resd 1

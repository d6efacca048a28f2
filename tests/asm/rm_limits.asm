; rm_limits - segment limit checks in real mode (raw BIOS image).
;
; Real mode still has segment limits (64 KiB after reset): an access that
; lies partly or wholly past the limit raises exception 13 (#GP) for
; CS/DS/ES/FS/GS and 12 (#SS) for SS, with no error code (SDM Vol. 3 20.1.3
; and the "Real-Address Mode Exceptions" of each instruction).  Unreal mode
; is the same check with a 4 GiB cached limit.

%define TEST_NAME 'rm_limits'
%include "bios.inc"

GDT_ADDR        equ 0x1000
SEL_FLAT        equ 0x08
SEL_DATA16      equ 0x10

section .text
test_main:
    TEST_SECTION 'real-mode limits (64 KiB)'
    ; A word at offset FFFF has its second byte at 10000: past the limit.
    TRY .w_done
.w_insn:
    mov ax, [0xFFFF]
.w_done:
    ENDTRY
    CHECK 'word at ffff vector', [exc_vector], 13
    CHECK 'word at ffff ip', [exc_ip], .w_insn

    ; The last byte is fine.
    TRY .b_done
    mov al, [0xFFFF]
.b_done:
    ENDTRY
    CHECK 'byte at ffff', [exc_vector], -1

    ; A 32-bit offset past 64 KiB through DS.
    mov esi, 0x10000
    TRY .d_done
.d_insn:
    mov eax, [esi]
.d_done:
    ENDTRY
    CHECK 'a32 ds past limit vector', [exc_vector], 13
    CHECK 'a32 ds past limit ip', [exc_ip], .d_insn

    ; The same through SS (EBP base defaults to SS) is a stack fault.
    mov ebp, 0x10000
    TRY .s_done
.s_insn:
    mov eax, [ebp]
.s_done:
    ENDTRY
    CHECK 'a32 ss past limit vector', [exc_vector], 12
    CHECK 'a32 ss past limit ip', [exc_ip], .s_insn

    ; A string instruction with 32-bit addressing that walks off the end of
    ; ES (with 16-bit addressing DI would wrap to 0 instead, legally).  The
    ; fault comes on the third store, with ECX/EDI showing two done.
    mov edi, 0xFFFE
    mov ecx, 4
    xor ax, ax
    TRY .r_done
.r_insn:
    a32 rep stosb
.r_done:
    ENDTRY
    CHECK 'rep stosb off es vector', [exc_vector], 13
    CHECK 'rep stosb off es ip', [exc_ip], .r_insn
    CHECK 'rep stosb off es ecx', ecx, 2
    CHECK 'rep stosb off es edi', edi, 0x10000

    TEST_SECTION 'unreal mode limits'
    ; Give DS a 4 GiB limit and FS a 64 KiB one, back in real mode.
    mov si, gdt_rom
    mov di, GDT_ADDR
    mov cx, gdt_rom_len
    rep cs movsb
    lgdt [cs:gdt_desc]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp 0x18:.pm16
.pm16:
    mov ax, SEL_FLAT
    mov ds, ax
    mov ax, SEL_DATA16
    mov fs, ax
    mov eax, cr0
    and al, ~1
    mov cr0, eax
    jmp BIOS_SEG:.rm
.rm:
    ; DS still holds selector 0x08 from protected mode.  Any real-mode load
    ; of it (check_eq's push ds/pop ds) would set the base to 0x80 (selector
    ; * 16, SDM Vol. 3 20.1.1) and move the TRY/recover variables, so put
    ; the real-mode selector 0 back now; a real-mode load keeps the cached
    ; 4 GiB limit, which is what makes this unreal mode.
    xor ax, ax
    mov ds, ax
    mov esi, 0x100000
    mov dword [esi], 0x600DF00D
    TRY .u_done
    mov eax, [esi]
.u_done:
    ENDTRY
    CHECK 'unreal ds 4G ok', [exc_vector], -1
    CHECK 'unreal ds 4G value', eax, 0x600DF00D
    TRY .f_done
.f_insn:
    mov eax, [fs:esi]
.f_done:
    ENDTRY
    CHECK 'fs 64K past limit vector', [exc_vector], 13
    CHECK 'fs 64K past limit ip', [exc_ip], .f_insn
    xor ax, ax
    mov fs, ax
    ret

section .rodata
align 8
gdt_rom:
    dq 0
    dw 0xFFFF, 0x0000           ; 0x08 flat data, 4 GiB
    db 0x00, 0x93, 0xCF, 0x00
    dw 0xFFFF, 0x0000           ; 0x10 data, base 0, 64 KiB
    db 0x00, 0x93, 0x00, 0x00
    dw 0xFFFF, 0x0000           ; 0x18 code16, base F0000
    db 0x0F, 0x9B, 0x00, 0x00
gdt_rom_len equ $ - gdt_rom
gdt_desc:
    dw gdt_rom_len - 1
    dd GDT_ADDR

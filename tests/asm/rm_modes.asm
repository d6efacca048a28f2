; rm_modes - mode switching from the reset vector (raw BIOS image):
; real mode -> 16-bit protected mode -> 32-bit protected mode -> 16-bit
; protected mode -> real mode, and "unreal" mode: segment descriptor caches
; (base and the 4 GiB limit) that survive the return to real mode.
;
; Protected-mode code here cannot call the check routines (they are real-mode
; code), so it stores what it sees in RAM and the checks run back in real mode.
; No IDT exists while PE=1: any fault there triple-faults and the run fails.

%define TEST_NAME 'rm_modes'
%include "bios.inc"

GDT_ADDR        equ 0x1000
SEL_CODE32      equ 0x08        ; base F0000, limit FFFF, D=1
SEL_FLAT        equ 0x10        ; base 0, limit 4 GiB, B=1
SEL_CODE16      equ 0x18        ; base F0000, limit FFFF, D=0
SEL_DATA16      equ 0x20        ; base 0, limit FFFF: what real mode expects
SEL_HIGH        equ 0x28        ; base 0x110000, limit FFFF

HIGH_BASE       equ 0x110000
UNREAL_ADDR     equ 0x100000

absolute test_vars
saved_sp:       resw 1
v_pm16_ds:      resd 1
v_pm16_push:    resd 1
v_pm16_cr0:     resd 1
v_pm32_push:    resd 1
v_pm32_read:    resd 1
v_pm32_cs:      resd 1
v_es_cached:    resd 1
v_unreal1:      resd 1
v_unreal2:      resd 1
v_es_reload:    resd 1
v_rm_cr0:       resd 1
v_rm_cs:        resd 1
v_int_seen:     resd 1
v_opsize16:     resd 1

section .text
test_main:
    call round_trip
    call after_return
    call second_trip
    ret

; ---------------------------------------------------------------------------
round_trip:
    TEST_SECTION 'real -> pm16 -> pm32 -> pm16 -> real'
    ; A marker at linear 0x11000, which is what selector value 0x1100 means
    ; in real mode, to tell it from the descriptor base 0x110000 later.
    push es
    mov ax, 0x1100
    mov es, ax
    mov dword [es:0], 0x11111111
    pop es

    ; The GDT lives in RAM so the CPU can set accessed bits in it.
    mov si, gdt_rom
    mov di, GDT_ADDR
    mov cx, gdt_rom_len
    rep cs movsb
    lgdt [cs:gdt_desc]

    mov [saved_sp], sp
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp SEL_CODE16:pm16         ; far jump loads CS from the GDT

pm16:                           ; 16-bit protected mode; SS keeps its real-mode cache
    mov ax, SEL_FLAT
    mov ds, ax                  ; base 0, 4 GiB: variables still at their addresses
    mov ax, SEL_HIGH
    mov es, ax
    mov dword [es:0], 0xCAFEBABE        ; lands at linear 0x110000
    mov esi, UNREAL_ADDR
    mov dword [esi], 0x5EC0DE16         ; 32-bit address from 16-bit code (67h)
    mov ax, ds
    movzx eax, ax
    mov [v_pm16_ds], eax
    mov eax, cr0
    mov [v_pm16_cr0], eax
    ; Default operand size here is 16: a push moves SP by 2.
    mov bx, sp
    push ax
    mov cx, sp
    pop ax
    sub bx, cx
    movzx ebx, bx
    mov [v_pm16_push], ebx
    jmp dword SEL_CODE32:pm32   ; 66 EA: 32-bit offset in the far pointer

BITS 32
pm32:
    mov ax, SEL_FLAT
    mov ss, ax
    mov esp, STACK_TOP - 0x100
    mov ebx, esp
    push eax                    ; 32-bit code, B=1 stack: ESP moves by 4
    mov ecx, esp
    pop eax
    sub ebx, ecx
    mov [v_pm32_push], ebx
    mov eax, [UNREAL_ADDR]
    mov [v_pm32_read], eax
    mov ax, cs
    movzx eax, ax
    mov [v_pm32_cs], eax
    ; In 32-bit code B8 takes a 4-byte immediate; with 66h a 2-byte one.
    mov eax, 0xFFFFFFFF
    db 0x66, 0xB8, 0x34, 0x12   ; mov ax, 0x1234
    mov [v_opsize16], eax
    jmp SEL_CODE16:back16

BITS 16
back16:
    ; Real mode wants 64 KiB segments; DS keeps its 4 GiB limit (unreal) and
    ; ES its base 0x110000 to see what survives the switch.
    mov ax, SEL_DATA16
    mov ss, ax
    mov sp, [saved_sp]
    mov fs, ax
    mov gs, ax
    mov eax, cr0
    and al, ~1
    mov cr0, eax
    jmp BIOS_SEG:rm_again       ; real-mode far jump: CS base = F0000 again

rm_again:
    xor ax, ax
    mov ss, ax
    ; ES was not reloaded: its hidden base is still 0x110000.
    mov eax, [es:0]
    mov [v_es_cached], eax
    ; DS was not reloaded: base 0, limit 4 GiB, so a 32-bit offset works.
    mov esi, UNREAL_ADDR
    mov eax, [esi]
    mov [v_unreal1], eax
    ; A real-mode load sets only base (and selector); the limit stays.
    xor ax, ax
    mov ds, ax
    mov eax, [esi]
    mov [v_unreal2], eax
    mov ax, 0x1100
    mov es, ax
    mov eax, [es:0]
    mov [v_es_reload], eax
    xor ax, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov eax, cr0
    mov [v_rm_cr0], eax
    mov ax, cs
    movzx eax, ax
    mov [v_rm_cs], eax

    CHECK 'pm16 ds selector', [v_pm16_ds], SEL_FLAT
    mov eax, [v_pm16_cr0]
    and eax, 1
    CHECK 'pm16 cr0.pe', eax, 1
    CHECK 'pm16 push size', [v_pm16_push], 2
    CHECK 'pm32 push size', [v_pm32_push], 4
    CHECK 'pm32 read above 1M', [v_pm32_read], 0x5EC0DE16
    CHECK 'pm32 cs', [v_pm32_cs], SEL_CODE32
    CHECK 'pm32 66h mov ax', [v_opsize16], 0xFFFF1234
    CHECK 'es base cached in real mode', [v_es_cached], 0xCAFEBABE
    CHECK 'unreal ds read', [v_unreal1], 0x5EC0DE16
    CHECK 'unreal survives ds reload', [v_unreal2], 0x5EC0DE16
    CHECK 'es reload base', [v_es_reload], 0x11111111
    mov eax, [v_rm_cr0]
    and eax, 1
    CHECK 'real mode cr0.pe', eax, 0
    CHECK 'real mode cs', [v_rm_cs], BIOS_SEG
    ret

; ---------------------------------------------------------------------------
after_return:
    TEST_SECTION 'real mode after protected mode'
    ; Interrupts use the IVT again (IDTR was never changed from 0/3FF).
    mov word [0x41 * 4], int41
    mov word [0x41 * 4 + 2], BIOS_SEG
    mov dword [v_int_seen], 0
    int 0x41
    CHECK 'int via IVT', [v_int_seen], 0x41

    ; Far call/ret and segment arithmetic are real-mode again.
    call BIOS_SEG:far_fn
    CHECK 'far call/retf', eax, 0xFA12
    ret

int41:
    mov dword [v_int_seen], 0x41
    iret

far_fn:
    mov eax, 0xFA12
    retf

; ---------------------------------------------------------------------------
; A second round trip, now entering 32-bit code directly from real mode and
; giving DS a base that no real-mode selector can name.
second_trip:
    TEST_SECTION 'second round trip, pm32 direct'
    mov [saved_sp], sp
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp dword SEL_CODE32:.pm32
BITS 32
.pm32:
    mov ax, SEL_FLAT
    mov ss, ax
    mov ax, SEL_HIGH
    mov ds, ax                  ; DS base 0x110000
    mov eax, [0]
    mov [ss:v_pm32_read], eax   ; SS is flat
    jmp SEL_CODE16:.back16
BITS 16
.back16:
    mov ax, SEL_DATA16
    mov ss, ax
    mov eax, cr0
    and al, ~1
    mov cr0, eax
    jmp BIOS_SEG:.real
.real:
    xor ax, ax
    mov ss, ax
    mov sp, [ss:saved_sp]
    ; DS still has base 0x110000: the marker is at offset 0.
    mov eax, [0]
    mov [ss:v_es_cached], eax
    xor ax, ax
    mov ds, ax
    CHECK 'pm32 ds base', [v_pm32_read], 0xCAFEBABE
    CHECK 'ds base survives return', [v_es_cached], 0xCAFEBABE
    ret

section .rodata
align 8
gdt_rom:
    dq 0
    ; 0x08 code32: limit FFFF, base F0000, P DPL0 code exec/read, D=1
    dw 0xFFFF, 0x0000
    db 0x0F, 0x9B, 0x40, 0x00
    ; 0x10 flat data: limit FFFFF pages, base 0, writable, G=1 B=1
    dw 0xFFFF, 0x0000
    db 0x00, 0x93, 0xCF, 0x00
    ; 0x18 code16: as 0x08 but D=0
    dw 0xFFFF, 0x0000
    db 0x0F, 0x9B, 0x00, 0x00
    ; 0x20 data16: base 0, limit FFFF, byte granular
    dw 0xFFFF, 0x0000
    db 0x00, 0x93, 0x00, 0x00
    ; 0x28 data at 0x110000, limit FFFF
    dw 0xFFFF, 0x0000
    db 0x11, 0x93, 0x00, 0x00
gdt_rom_len equ $ - gdt_rom
gdt_desc:
    dw gdt_rom_len - 1
    dd GDT_ADDR

; vbe1024.asm: a 1024x768 direct-colour 32 bpp VBE mode through the VGA
; BIOS, as a VBE 2.0 program finds and sets it: INT 10h AX=4F00h (controller
; info, "VBE2" requested) for the mode list, AX=4F01h on each mode until one
; is 1024x768, 32 bits per pixel, memory model 6 (direct colour) with a
; linear framebuffer (attribute bit 7), then AX=4F02h with BX = mode | 4000h
; (use the LFB).  The LFB address (PhysBasePtr, offset 28h) and the pitch
; (offset 10h) come from AX=4F01h.  The program draws through the LFB in
; "unreal" mode (FS with a 4 GiB limit, interrupts off), pixels 00RRGGBBh:
;   every pixel:  R = x / 4, G = y / 4, B = ((x + y) / 8) mod 256
;   rectangles:   x 100-299 y 100-199 FF0000h; x 400-599 y 300-499 00FF00h;
;                 x 700-899 y 500-699 0000FFh; x 0-9 y 0-9 and
;                 x 1014-1023 y 758-767 FFFFFFh
; vga_check.py recomputes the image from these rules.
%include "boot.inc"

CTRL_INFO equ 0x2000                    ; 512 bytes; the mode list may point inside it
MODE_INFO equ 0x2400                    ; 256 bytes

%macro rect 5                           ; x0, y0, width, height, colour
        mov dword [r_x], %1
        mov dword [r_y], %2
        mov dword [r_w], %3
        mov dword [r_h], %4
        mov dword [r_c], %5
        call fill_rect
%endmacro

main:
        mov dword [CTRL_INFO], "VBE2"
        mov ax, 0x4F00
        mov di, CTRL_INFO
        int 0x10
        cmp ax, 0x004F
        je .info_ok
        mov si, msg_4f00
        jmp fail
.info_ok:
        lfs si, [CTRL_INFO + 0x0E]      ; VideoModePtr (segment:offset)
.next_mode:
        mov cx, [fs:si]
        cmp cx, 0xFFFF
        je .no_mode
        add si, 2
        push si
        push fs
        mov ax, 0x4F01
        mov di, MODE_INFO
        int 0x10
        pop fs
        pop si
        cmp ax, 0x004F
        jne .next_mode
        test byte [MODE_INFO + 0x00], 0x80      ; LFB available
        jz .next_mode
        cmp word [MODE_INFO + 0x12], 1024
        jne .next_mode
        cmp word [MODE_INFO + 0x14], 768
        jne .next_mode
        cmp byte [MODE_INFO + 0x19], 32
        jne .next_mode
        cmp byte [MODE_INFO + 0x1B], 6
        jne .next_mode
        jmp .found
.no_mode:
        mov si, msg_nomode
        jmp fail
.found:
        mov bx, cx
        or bx, 0x4000
        mov ax, 0x4F02
        int 0x10
        cmp ax, 0x004F
        je .set_ok
        mov si, msg_4f02
        jmp fail
.set_ok:
        mov eax, [MODE_INFO + 0x28]
        mov [lfb], eax
        movzx eax, word [MODE_INFO + 0x10]
        mov [pitch], eax

        ; Unreal mode: load FS from a flat 4 GiB data descriptor in protected
        ; mode and return to real mode; FS keeps its limit.  No BIOS calls and
        ; no interrupts from here on (BIOS code may reload segments).
        cli
        lgdt [gdtr]
        mov eax, cr0
        or al, 1
        mov cr0, eax
        jmp $ + 2
        mov bx, 8
        mov fs, bx
        and al, 0xFE
        mov cr0, eax
        jmp $ + 2

        ; The gradient.
        xor ebx, ebx                    ; y
.gy:
        mov edi, ebx
        imul edi, [pitch]
        add edi, [lfb]
        xor ecx, ecx                    ; x
.gx:
        mov eax, ecx
        shr eax, 2
        shl eax, 16                     ; R = x / 4
        mov edx, ebx
        shr edx, 2
        shl edx, 8                      ; G = y / 4
        or eax, edx
        lea edx, [ecx + ebx]
        shr edx, 3
        and edx, 0xFF                   ; B = (x + y) / 8 mod 256
        or eax, edx
        mov [fs:edi], eax
        add edi, 4
        inc ecx
        cmp ecx, 1024
        jb .gx
        inc ebx
        cmp ebx, 768
        jb .gy

        rect 100, 100, 200, 100, 0xFF0000
        rect 400, 300, 200, 200, 0x00FF00
        rect 700, 500, 200, 200, 0x0000FF
        rect 0, 0, 10, 10, 0xFFFFFF
        rect 1014, 758, 10, 10, 0xFFFFFF
        jmp done

; fill_rect: [r_x], [r_y], [r_w], [r_h] in pixels, [r_c] the colour.
fill_rect:
        mov ebx, [r_y]
        mov esi, [r_h]
.row:
        mov edi, ebx
        imul edi, [pitch]
        add edi, [lfb]
        mov eax, [r_x]
        lea edi, [edi + eax * 4]
        mov ecx, [r_w]
        mov eax, [r_c]
.px:
        mov [fs:edi], eax
        add edi, 4
        dec ecx
        jnz .px
        inc ebx
        dec esi
        jnz .row
        ret

        align 8
gdt:    dq 0
        dq 0x00CF92000000FFFF           ; flat data, 4 GiB, writable
gdtr:   dw gdtr - gdt - 1
        dd gdt
lfb:    dd 0
pitch:  dd 0
r_x:    dd 0
r_y:    dd 0
r_w:    dd 0
r_h:    dd 0
r_c:    dd 0

msg_4f00:   db "INT 10h AX=4F00h failed", 0
msg_nomode: db "no 1024x768x32 LFB mode in the VBE mode list", 0
msg_4f02:   db "INT 10h AX=4F02h failed", 0

%include "end.inc"

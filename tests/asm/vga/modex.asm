; modex.asm: "mode X" style unchained 256-colour graphics: INT 10h AX=0013h,
; then chain-4 off (sequencer 4 = 06h), doubleword mode off (CRTC 14h bit 6)
; and byte mode on (CRTC 17h bit 6), as unchained games do.  Pixel (x, y) of
; the page at planar address P is plane x % 4, address P + 80y + x / 4.
; The program loads the DAC with R = i/4, G = (i*5) mod 64, B = 63 - i/4,
; clears all four planes, draws
;   page 0 (P = 0000h):  colour (2x + y) mod 256
;   page 1 (P = 4000h):  colour ((x / 4) xor y) + 64 (x % 4), mod 256
; plane by plane through the map mask, and flips to page 1 with the CRTC
; start address (0Ch/0Dh = 4000h) after waiting for vertical retrace.
; vga_check.py expects page 1's pattern, pixel for pixel (320x200).
%include "boot.inc"

main:
        mov ax, 0x0013
        int 0x10

        ; Unchain: sequencer memory mode 06h (odd/even off, chain-4 off),
        ; CRTC 14h bit 6 off, CRTC 17h bit 6 on.
        mov dx, 0x3C4
        mov ax, 0x0604
        out dx, ax
        mov dx, 0x3D4
        mov al, 0x14
        out dx, al
        inc dx
        in al, dx
        and al, ~0x40
        out dx, al
        dec dx
        mov al, 0x17
        out dx, al
        inc dx
        in al, dx
        or al, 0x40
        out dx, al

        ; DAC.
        mov dx, 0x3C8
        xor al, al
        out dx, al
        inc dx
        xor cx, cx
.dac:
        mov al, cl
        shr al, 2
        out dx, al
        mov al, cl
        mov bl, 5
        mul bl
        and al, 63
        out dx, al
        mov al, cl
        shr al, 2
        xor al, 63
        out dx, al
        inc cx
        cmp cx, 256
        jb .dac

        ; Clear all planes (64 KiB each).
        mov ax, 0xA000
        mov es, ax
        mov dx, 0x3C4
        mov ax, 0x0F02
        out dx, ax
        xor di, di
        xor ax, ax
        mov cx, 0x8000
        rep stosw

        xor bp, bp                      ; plane
.plane:
        mov dx, 0x3C4
        mov al, 2
        mov cx, bp
        mov ah, 1
        shl ah, cl
        out dx, ax                      ; map mask = 1 << plane
        xor bx, bx                      ; y
.row:
        xor si, si                      ; column (x / 4)
.col:
        ; x = 4 col + plane
        mov ax, si
        shl ax, 2
        add ax, bp                      ; x
        ; page 0: 2x + y
        add ax, ax
        add ax, bx
        mov cx, ax                      ; CL = page 0 colour
        ; page 1: (col xor y) + 64 plane
        mov ax, si
        xor ax, bx
        mov dx, bp
        shl dx, 6
        add ax, dx                      ; AL = page 1 colour
        ; address 80 y + col
        mov di, bx
        shl di, 4
        mov dx, bx
        shl dx, 6
        add di, dx
        add di, si
        mov [es:di], cl
        mov [es:di + 0x4000], al
        inc si
        cmp si, 80
        jb .col
        inc bx
        cmp bx, 200
        jb .row
        inc bp
        cmp bp, 4
        jb .plane

        ; Flip to page 1 during vertical retrace (Input Status 1 bit 3).
        mov dx, 0x3DA
.wait_end:
        in al, dx
        test al, 8
        jnz .wait_end
.wait_start:
        in al, dx
        test al, 8
        jz .wait_start
        mov dx, 0x3D4
        mov ax, 0x400C                  ; start address high = 40h
        out dx, ax
        mov ax, 0x000D                  ; start address low = 00h
        out dx, ax
        jmp done

%include "end.inc"

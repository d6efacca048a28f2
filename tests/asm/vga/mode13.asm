; mode13.asm: VGA mode 13h (320x200, 256 colours, chain-4) set by INT 10h
; AX=0013h.  The program loads its own 256-entry DAC palette through ports
; 3C8h/3C9h (a ramp: R = i/4, G = (255-i)/4, B = 7i mod 64), overrides entry
; 255 through INT 10h AX=1010h (R,G,B = 63,32,0), and fills A000:0000 with
;   y < 100:  colour (x + 2y) mod 256
;   y >= 100: colour (x xor y) mod 256
; then draws a filled rectangle x 20-59, y 120-159 of colour 255 and a
; one-pixel white frame around the screen's edge in colour 254 after setting
; entry 254 to 63,63,63.  vga_check.py recomputes the image from these rules.
%include "boot.inc"

main:
        mov ax, 0x0013
        int 0x10
        ; The BIOS reports the mode it set.
        mov ah, 0x0F
        int 0x10
        cmp al, 0x13
        je .mode_ok
        mov si, msg_mode
        jmp fail
.mode_ok:
        ; The DAC ramp: index 0, then 256 x (R, G, B), auto-increment.
        mov dx, 0x3C8
        xor al, al
        out dx, al
        inc dx
        xor cx, cx
.ramp:
        mov al, cl
        shr al, 2
        out dx, al                      ; R = i / 4
        mov al, 255
        sub al, cl
        shr al, 2
        out dx, al                      ; G = (255 - i) / 4
        mov al, cl
        mov bl, 7
        mul bl
        and al, 63
        out dx, al                      ; B = 7i mod 64
        inc cx
        cmp cx, 256
        jb .ramp
        ; Entry 255 through the BIOS: AX=1010h BX=index DH=R CH=G CL=B.
        mov ax, 0x1010
        mov bx, 255
        mov dh, 63
        mov ch, 32
        mov cl, 0
        int 0x10
        ; Entry 254 white, directly.
        mov dx, 0x3C8
        mov al, 254
        out dx, al
        inc dx
        mov al, 63
        out dx, al
        out dx, al
        out dx, al

        ; The pattern.
        mov ax, 0xA000
        mov es, ax
        xor di, di
        xor bx, bx                      ; y
.row:
        xor cx, cx                      ; x
.col:
        cmp bx, 100
        jae .xor
        mov ax, bx
        add ax, ax
        add ax, cx                      ; x + 2y
        jmp .put
.xor:
        mov ax, cx
        xor ax, bx                      ; x xor y
.put:
        stosb
        inc cx
        cmp cx, 320
        jb .col
        inc bx
        cmp bx, 200
        jb .row

        ; Rectangle x 20-59, y 120-159, colour 255.
        mov bx, 120
.rect_row:
        mov ax, bx
        mov dx, 320
        mul dx
        add ax, 20
        mov di, ax
        mov cx, 40
        mov al, 255
        rep stosb
        inc bx
        cmp bx, 160
        jb .rect_row

        ; Frame in colour 254: rows 0 and 199, columns 0 and 319.
        mov al, 254
        xor di, di
        mov cx, 320
        rep stosb
        mov di, 199 * 320
        mov cx, 320
        rep stosb
        xor di, di
        mov cx, 200
.side:
        mov [es:di], al
        mov [es:di + 319], al
        add di, 320
        loop .side
        jmp done

msg_mode: db "INT 10h AH=0Fh does not report mode 13h", 0

%include "end.inc"

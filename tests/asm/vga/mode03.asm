; mode03.asm: VGA text mode 03h (80x25, 9x16 cells: a 720x400 screen) set by
; INT 10h AX=0003h.  After INT 10h AX=1003h BL=0 (attribute bit 7 is
; background intensity, not blink) the program writes all 256 characters
; straight into B800:0000 four times, in four attributes:
;   character c of block k (k = 0-3) at row 1 + 4k + c / 64, column 8 + c % 64,
;   attributes 07h, 1Eh, F0h (bright white background), 8Ch
; then prints "CINDER VGA MODE 03h" at row 18, column 2 through INT 10h AH=0Eh
; (teletype, attribute 07h left by the mode set's clear), sets the cursor
; shape to scanlines 12-15 (AH=01h CX=0C0Fh) and puts the cursor at row 20,
; column 40 (AH=02h) on a space of attribute 1Eh.  vga_check.py renders the
; expected screen from the VGA BIOS's own 8x16 font (read from
; vgabios-stdvga.bin) and the default text palette.
%include "boot.inc"

main:
        mov ax, 0x0003
        int 0x10
        mov ax, 0x1003
        xor bl, bl
        int 0x10

        mov ax, 0xB800
        mov es, ax
        xor bp, bp                      ; block k
.block:
        mov ah, [attrs + bp]
        xor cx, cx                      ; character c
.char:
        ; row 1 + 4k + c / 64, column 8 + c % 64 -> offset 2 * (80 row + col)
        mov bx, cx
        shr bx, 6
        add bx, bp
        add bx, bp
        add bx, bp
        add bx, bp
        inc bx                          ; row
        mov di, bx
        shl di, 4                       ; 16 row
        shl bx, 6                       ; 64 row
        add di, bx                      ; 80 row
        mov bx, cx
        and bx, 63
        add di, bx
        add di, 8
        shl di, 1
        mov al, cl
        mov [es:di], ax
        inc cx
        cmp cx, 256
        jb .char
        inc bp
        cmp bp, 4
        jb .block

        ; The attribute 1Eh space under the cursor: row 20, column 40.
        mov word [es:(20 * 80 + 40) * 2], 0x1E20

        ; Teletype line.
        mov ah, 0x02
        xor bh, bh
        mov dx, 0x1202                  ; row 18, column 2
        int 0x10
        mov si, text
.tty:
        lodsb
        test al, al
        jz .tty_end
        mov ah, 0x0E
        xor bh, bh
        int 0x10
        jmp .tty
.tty_end:
        mov ah, 0x01
        mov cx, 0x0C0F
        int 0x10
        mov ah, 0x02
        xor bh, bh
        mov dx, 0x1428                  ; row 20, column 40
        int 0x10
        jmp done

attrs:  db 0x07, 0x1E, 0xF0, 0x8C
text:   db "CINDER VGA MODE 03h", 0

%include "end.inc"

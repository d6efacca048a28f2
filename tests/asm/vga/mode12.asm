; mode12.asm: VGA mode 12h (640x480, 16 colours, four planes) set by INT 10h
; AX=0012h, drawn through the graphics controller in eight bands of 60 lines
; (b = byte column 0-79, x = pixel column, y = line; bit 7 of a byte is its
; leftmost pixel).  vga_check.py recomputes every pixel from these rules with
; the default 16-colour palette:
;   A  y   0- 59  write mode 0, set/reset on all planes: colour b / 5
;   B  y  60-119  write mode 0, no set/reset, map mask b & 15, data 3b & 255
;   C  y 120-179  colour 9 everywhere, then set/reset 6 with function XOR and
;                 bit mask 3Ch (latches loaded by a read first): x%8 in 2-5 -> 15
;   D  y 180-239  write mode 1: band A copied line by line through the latches
;   E  y 240-299  write mode 2, colour (b + y) & 15, then again with bit mask
;                 0Fh and colour 15 - that: x%8 in 4-7 -> 15 - ((b + y) & 15)
;   F  y 300-359  write mode 3, set/reset (y / 4) & 15, rotate 1, data C3h
;                 (bit mask E1h after the rotate): x%8 in {0,1,2,7}
;   G  y 360-419  colour 15, then write mode 0 with set/reset 0 on planes 0-1,
;                 function AND, data 0Fh: x%8 in 4-7 -> 12, else 0
;   H  y 420-479  INT 10h AH=0Ch pixels: (4i, 420+i) colour i & 15 and
;                 (300+i, 420+i) colour 14, i = 0-59
; The program checks read mode 1 (colour compare) and read map select itself.
%include "boot.inc"

%macro gc 2                             ; graphics controller register %1 = %2
        mov dx, 0x3CE
        mov ax, ((%2) << 8) | (%1)
        out dx, ax
%endmacro
%macro gc_al 1                          ; graphics controller register %1 = AL
        mov dx, 0x3CE
        mov ah, al
        mov al, %1
        out dx, ax
%endmacro
%macro seq 2                            ; sequencer register %1 = %2
        mov dx, 0x3C4
        mov ax, ((%2) << 8) | (%1)
        out dx, ax
%endmacro

main:
        mov ax, 0x0012
        int 0x10
        mov ah, 0x0F
        int 0x10
        cmp al, 0x12
        je .mode_ok
        mov si, msg_mode
        jmp fail
.mode_ok:
        ; H: BIOS pixels first, before the registers are changed.
        xor si, si
.bios_px:
        mov ax, si
        and al, 15
        mov ah, 0x0C
        xor bh, bh
        mov cx, si
        shl cx, 2
        mov dx, si
        add dx, 420
        int 0x10
        mov ax, 0x0C0E
        xor bh, bh
        mov cx, si
        add cx, 300
        mov dx, si
        add dx, 420
        int 0x10
        inc si
        cmp si, 60
        jb .bios_px

        mov ax, 0xA000
        mov es, ax
        seq 2, 0x0F
        gc 3, 0x00
        gc 5, 0x00
        gc 8, 0xFF

        ; A: set/reset colour b / 5.
        gc 1, 0x0F
        xor bx, bx                      ; b
.a_col:
        mov ax, bx
        mov cl, 5
        div cl
        gc_al 0
        mov di, bx
        mov cx, 60
.a_row:
        mov byte [es:di], 0
        add di, 80
        loop .a_row
        inc bx
        cmp bx, 80
        jb .a_col

        ; B: map mask b & 15, data 3b.
        gc 1, 0x00
        xor bx, bx
.b_col:
        mov dx, 0x3C4
        mov al, 2
        mov ah, bl
        and ah, 15
        out dx, ax
        mov ax, bx
        mov cl, 3
        mul cl                          ; AL = 3b mod 256
        mov di, 60 * 80
        add di, bx
        mov cx, 60
.b_row:
        mov [es:di], al
        add di, 80
        loop .b_row
        inc bx
        cmp bx, 80
        jb .b_col
        seq 2, 0x0F

        ; C: colour 9, then XOR 6 under bit mask 3Ch.
        gc 1, 0x0F
        gc 0, 0x09
        mov di, 120 * 80
        mov cx, 60 * 80
        rep stosb
        gc 0, 0x06
        gc 3, 0x18
        gc 8, 0x3C
        mov di, 120 * 80
        mov cx, 60 * 80
.c_px:
        mov al, [es:di]                 ; load the latches
        stosb
        loop .c_px
        gc 3, 0x00
        gc 8, 0xFF
        gc 1, 0x00

        ; D: write mode 1 copies band A to lines 180-239.
        gc 5, 0x01
        push ds
        push es
        pop ds
        xor si, si
        mov di, 180 * 80
        mov cx, 60 * 80
        rep movsb                       ; each read loads, each write stores the latches
        pop ds
        gc 5, 0x00

        ; E: write mode 2, colour (b + y) & 15, then bit mask 0Fh, 15 - colour.
        gc 5, 0x02
        mov di, 240 * 80
        mov bx, 240                     ; y
.e_row:
        xor cx, cx                      ; b
.e_col:
        mov ax, cx
        add ax, bx
        and al, 15
        mov [es:di], al
        inc di
        inc cx
        cmp cx, 80
        jb .e_col
        inc bx
        cmp bx, 300
        jb .e_row
        gc 8, 0x0F
        mov di, 240 * 80
        mov bx, 240
.e2_row:
        xor cx, cx
.e2_col:
        mov ax, cx
        add ax, bx
        and al, 15
        xor al, 15
        mov ah, [es:di]                 ; latches
        mov [es:di], al
        inc di
        inc cx
        cmp cx, 80
        jb .e2_col
        inc bx
        cmp bx, 300
        jb .e2_row
        gc 8, 0xFF

        ; F: write mode 3, set/reset (y / 4) & 15, rotate right 1, data C3h.
        gc 5, 0x03
        gc 3, 0x01
        mov di, 300 * 80
        mov bx, 300
.f_row:
        mov ax, bx
        shr ax, 2
        and al, 15
        gc_al 0
        mov cx, 80
.f_col:
        mov al, [es:di]                 ; latches (zero: the band is empty)
        mov byte [es:di], 0xC3
        inc di
        loop .f_col
        inc bx
        cmp bx, 360
        jb .f_row
        gc 3, 0x00
        gc 5, 0x00

        ; G: colour 15, then AND with data 0Fh, planes 0-1 from set/reset 0.
        gc 1, 0x0F
        gc 0, 0x0F
        mov di, 360 * 80
        mov cx, 60 * 80
        rep stosb
        gc 1, 0x03
        gc 0, 0x00
        gc 3, 0x08
        mov di, 360 * 80
        mov cx, 60 * 80
.g_px:
        mov al, [es:di]
        mov al, 0x0F
        stosb
        loop .g_px
        gc 3, 0x00
        gc 1, 0x00

        ; Read mode 1: colour compare 3 on band A: byte 15 (stripe 3) -> FFh,
        ; byte 0 (stripe 0) -> 00h.
        gc 5, 0x08
        gc 2, 0x03
        gc 7, 0x0F
        mov al, [es:10 * 80 + 15]
        cmp al, 0xFF
        jne .rm1_bad
        mov al, [es:10 * 80]
        test al, al
        jnz .rm1_bad
        gc 5, 0x00
        ; Read map select 1 on band B, byte 2: map mask 2, data 6 -> plane 1 = 6.
        gc 4, 0x01
        mov al, [es:70 * 80 + 2]
        cmp al, 6
        jne .rms_bad
        gc 4, 0x00
        jmp done
.rm1_bad:
        mov si, msg_rm1
        jmp fail
.rms_bad:
        mov si, msg_rms
        jmp fail

msg_mode: db "INT 10h AH=0Fh does not report mode 12h", 0
msg_rm1:  db "read mode 1 colour compare", 0
msg_rms:  db "read map select", 0

%include "end.inc"

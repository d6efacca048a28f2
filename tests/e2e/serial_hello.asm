; serial_hello.asm - multiboot kernel (a.out kludge, flat binary) that sets up
; COM1 as 115200 8N1 with FIFOs, prints a fixed multi-line message by polling
; LSR.THRE (with -DWAIT_RX, only after a byte arrives), waits for TEMT and exits through isa-debug-exit (0x10 -> status 33).
BITS 32
ORG 0x100000
COM1 equ 0x3F8
header:
    dd 0x1BADB002
    dd 0x00010000
    dd -(0x1BADB002 + 0x00010000)
    dd header, header, end, header + 0x2000, start
start:
    mov dx, COM1 + 1
    xor al, al
    out dx, al              ; IER = 0
    mov dx, COM1 + 3
    mov al, 0x80
    out dx, al              ; DLAB
    mov dx, COM1
    mov al, 1
    out dx, al              ; divisor 1: 115200
    mov dx, COM1 + 1
    xor al, al
    out dx, al
    mov dx, COM1 + 3
    mov al, 0x03
    out dx, al              ; 8N1
    mov dx, COM1 + 2
    mov al, 0xC7
    out dx, al              ; FIFO on, cleared, trigger 14
    mov dx, COM1 + 4
    mov al, 0x03
    out dx, al              ; DTR, RTS
%ifdef WAIT_RX
    ; -serial tcp,nowait drops output while no client is connected: wait for
    ; the client's first byte before printing.
    mov dx, COM1 + 5
.rx:
    in al, dx
    test al, 1
    jz .rx
    mov dx, COM1
    in al, dx
%endif
    mov esi, msg
.next:
    lodsb
    test al, al
    jz .done
    mov ah, al
    mov dx, COM1 + 5
.wait:
    in al, dx
    test al, 0x20
    jz .wait
    mov dx, COM1
    mov al, ah
    out dx, al
    jmp .next
.done:
    mov dx, COM1 + 5
.drain:
    in al, dx
    test al, 0x40           ; TEMT: everything has left the line
    jz .drain
    mov eax, 0x10
    out 0xF4, eax
    cli
    hlt
msg:
    db "cinder serial test", 13, 10
    db "line 2: 0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ", 13, 10
    db "line 3: !#$%&()*+,-./:;<=>?@[]^_{|}~", 9, "tab", 13, 10
    db "end", 10, 0
end:

; mbtiny.asm - the smallest multiboot kernel (a.out kludge, flat binary):
; prints "OK <magic check>" on port 0xE9 and exits through isa-debug-exit
; (port 0xF4) with 0x10 (status 33) if EAX held the multiboot magic, else 0x11.
; With -DTRUNCATE_CLAIM the header claims more bytes than the file has.
BITS 32
ORG 0x100000
LOAD_ADDR equ 0x100000
header:
    dd 0x1BADB002
    dd 0x00010000
    dd -(0x1BADB002 + 0x00010000)
    dd header           ; header_addr
    dd LOAD_ADDR        ; load_addr
%ifdef TRUNCATE_CLAIM
    dd LOAD_ADDR + 0x10000
%else
    dd end              ; load_end_addr
%endif
    dd LOAD_ADDR + 0x2000 ; bss_end_addr
    dd start            ; entry_addr
start:
    mov esi, 0
    cmp eax, 0x2BADB002
    sete cl
    mov dx, 0xE9
    mov al, 'O'
    out dx, al
    mov al, 'K'
    out dx, al
    mov al, 10
    out dx, al
    mov eax, 0x11
    sub al, cl          ; 0x10 when the magic was right
    out 0xF4, eax
    cli
    hlt
end:

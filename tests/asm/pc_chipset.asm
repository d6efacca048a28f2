; pc_chipset - the AT chipset seen from a guest, through the real board:
; 8259A pair (initialised as Linux does, master 0x20 / slave 0x28), 8254 PIT,
; MC146818 RTC/CMOS, i8042, 16550A COM1.  Expectations come from the
; datasheets (Intel 8259A, Intel 82C54, Motorola MC146818A, National
; PC16550D) and the IBM PC/AT technical reference (CMOS memory-size bytes,
; port 61h), not from any emulator.
;
;  * PIT counter 0 in mode 2 at 1193182/1193 Hz (~1000.15 Hz) and the RTC
;    periodic interrupt at 1024 Hz (register A RS=0110) run together; over
;    256 RTC periods (exactly 0.25 s of the one virtual clock) the PIT must
;    tick 250.04 times, so 249..251 are accepted (the two phases are
;    unrelated).  Every interrupt gets its EOI; no spurious IRQ7/IRQ15; ISRs
;    are empty afterwards.
;  * CMOS 30h/31h and 34h/35h against the multiboot mem_upper.
;  * i8042: self-test AAh -> 55h, command byte write (60h) / read (20h).
;  * PIT counter 2 through port 61h: gate, OUT2 (bit 5), mode 1 one-shot,
;    counter latch (and a second latch ignored until read), read-back of
;    status and count.
;  * ELCR 4D0h/4D1h: reserved bits (IRQ 0, 1, 2, 8, 13) read as 0.
;  * COM1 in loopback: divisor latch, bytes back through RBR with LSR.DR,
;    FIFO order, MSR loopback wiring, and the THRE interrupt (IER.ETBEI) on
;    IRQ 4 through the master PIC, IIR identification and its reset.
;
; Each interrupt is only let in with STI + HLT, so nothing is nested.

%define TEST_NAME 'pc_chipset'
%include "mb.inc"

VEC_IRQ0        equ 0x20
VEC_IRQ4        equ 0x24
VEC_IRQ7        equ 0x27
VEC_IRQ8        equ 0x28
VEC_IRQ15       equ 0x2F

PIT_DIV         equ 1193        ; 1193181.8 / 1193 = 1000.15 Hz
RTC_PERIODS     equ 256         ; at 1024 Hz: 0.25 s
PIT_WANT        equ 250         ; 0.25 * 1000.15 = 250.04

COM1            equ 0x3F8

section .text
test_main:
    call init_pics
    call t_elcr
    call t_cmos_mem
    call t_i8042
    call t_pit_ch2
    call t_timers
    call t_com1
    call t_final
    ret

; Busy-wait helper: ecx iterations of a port read (port 80h-free, harmless).
delay:
    push eax
.l: in al, 0x61
    loop .l
    pop eax
    ret

; ---------------------------------------------------------------------------
init_pics:
    TEST_SECTION '8259A init (Linux sequence)'
    IDT_GATE VEC_IRQ0, KCODE, irq0_handler, 0x8E
    IDT_GATE VEC_IRQ4, KCODE, irq4_handler, 0x8E
    IDT_GATE VEC_IRQ7, KCODE, irq7_handler, 0x8E
    IDT_GATE VEC_IRQ8, KCODE, irq8_handler, 0x8E
    IDT_GATE VEC_IRQ15, KCODE, irq15_handler, 0x8E
    ; as init_8259A(): mask all, ICW1..ICW4, then masks
    mov al, 0xFF
    out 0x21, al
    out 0xA1, al
    mov al, 0x11                ; ICW1: edge, cascade, ICW4 needed
    out 0x20, al
    mov al, VEC_IRQ0            ; ICW2
    out 0x21, al
    mov al, 0x04                ; ICW3: slave on IR2
    out 0x21, al
    mov al, 0x01                ; ICW4: 8086 mode, normal EOI
    out 0x21, al
    mov al, 0x11
    out 0xA0, al
    mov al, VEC_IRQ8
    out 0xA1, al
    mov al, 0x02                ; ICW3: slave ID 2
    out 0xA1, al
    mov al, 0x01
    out 0xA1, al
    mov al, 0xFF
    out 0x21, al
    out 0xA1, al
    ; IMR reads back through OCW1
    mov al, 0xFA
    out 0x21, al
    in al, 0x21
    movzx eax, al
    CHECK 'master IMR read-back', eax, 0xFA
    mov al, 0xFF
    out 0x21, al
    mov al, 0x0B                ; OCW3: read ISR
    out 0x20, al
    out 0xA0, al
    in al, 0x20
    movzx eax, al
    CHECK 'master ISR after init', eax, 0
    in al, 0xA0
    movzx eax, al
    CHECK 'slave ISR after init', eax, 0
    mov al, 0x0A                ; back to IRR reads
    out 0x20, al
    out 0xA0, al
    ret

; ---------------------------------------------------------------------------
t_elcr:
    TEST_SECTION 'ELCR'
    mov dx, 0x4D0
    in al, dx
    mov bl, al
    mov al, 0xFF
    out dx, al
    in al, dx
    movzx eax, al
    CHECK 'ELCR1 all ones (IRQ0-2 reserved)', eax, 0xF8
    mov al, bl
    out dx, al
    mov dx, 0x4D1
    in al, dx
    mov bl, al
    mov al, 0xFF
    out dx, al
    in al, dx
    movzx eax, al
    CHECK 'ELCR2 all ones (IRQ8, IRQ13 reserved)', eax, 0xDE
    mov al, 0
    out dx, al
    in al, dx
    movzx eax, al
    CHECK 'ELCR2 zero', eax, 0
    mov al, bl
    out dx, al
    ; the lines this test uses must be edge-triggered
    mov dx, 0x4D0
    in al, dx
    and al, ~0x10
    out dx, al
    ret

; ---------------------------------------------------------------------------
; cmos_read: al = index -> eax = value (NMI left enabled, as Linux does)
cmos_read:
    out 0x70, al
    in al, 0x71
    movzx eax, al
    ret

t_cmos_mem:
    TEST_SECTION 'CMOS memory size'
    mov ebx, [mb_info]
    mov eax, [ebx]
    and eax, 1
    CHECK 'multiboot flags.mem', eax, 1
    mov esi, [ebx + 8]          ; mem_upper: KiB above 1 MiB
    ; 30h/31h: KiB above 1 MiB, at most FFFFh
    mov edi, esi
    cmp edi, 0xFFFF
    jbe .e1
    mov edi, 0xFFFF
.e1:
    mov al, 0x31
    call cmos_read
    shl eax, 8
    mov ecx, eax
    mov al, 0x30
    call cmos_read
    or eax, ecx
    sub eax, edi                ; same <1 MiB slack as for 34h/35h below
    cmp eax, 1024
    setb al
    movzx eax, al
    CHECK 'CMOS 30h/31h - min(mem_upper, FFFFh) in [0, 1M)', eax, 1
    ; 34h/35h: 64 KiB blocks above 16 MiB.  The multiboot spec lets a loader
    ; report less than all RAM in mem_upper (QEMU's leaves out 128 KiB that
    ; its firmware reserves), so the CMOS size may exceed it by under 1 MiB.
    mov al, 0x35
    call cmos_read
    shl eax, 8
    mov ecx, eax
    mov al, 0x34
    call cmos_read
    or eax, ecx
    shl eax, 6                  ; KiB above 16 MiB
    add eax, 16384 - 1024       ; KiB above 1 MiB
    sub eax, esi
    cmp eax, 1024
    setb al
    movzx eax, al
    CHECK 'CMOS 34h/35h*64K + 15M - mem_upper in [0, 1M)', eax, 1
    ; register D: VRT (valid RAM and time) set
    mov al, 0x0D
    call cmos_read
    and eax, 0x80
    CHECK 'CMOS register D VRT', eax, 0x80
    ; a CMOS RAM byte keeps what is written (0x3F is unused on QEMU and Cinder)
    mov al, 0x3F
    call cmos_read
    mov ebx, eax
    mov al, 0x3F
    out 0x70, al
    mov al, 0xA5
    out 0x71, al
    mov al, 0x3F
    call cmos_read
    CHECK 'CMOS RAM byte write/read', eax, 0xA5
    mov al, 0x3F
    out 0x70, al
    mov al, bl
    out 0x71, al
    ret

; ---------------------------------------------------------------------------
; kbc_wait_in: wait until the input buffer is empty (bounded)
kbc_wait_in:
    push ecx
    push eax
    mov ecx, 1000000
.l: in al, 0x64
    test al, 2
    jz .ok
    loop .l
    FAILMSG 'i8042 input buffer never empties'
.ok:
    pop eax
    pop ecx
    ret

; kbc_read: wait for OBF (bounded) and read port 60h into eax; -1 on timeout
kbc_read:
    push ecx
    mov ecx, 1000000
.l: in al, 0x64
    test al, 1
    jnz .ok
    loop .l
    pop ecx
    mov eax, -1
    ret
.ok:
    in al, 0x60
    movzx eax, al
    pop ecx
    ret

; kbc_cmd: al = controller command
kbc_cmd:
    call kbc_wait_in
    out 0x64, al
    ret

t_i8042:
    TEST_SECTION 'i8042'
    ; drain whatever a firmware left behind
    mov ecx, 64
.drain:
    in al, 0x64
    test al, 1
    jz .drained
    in al, 0x60
    loop .drain
.drained:
    mov al, 0xAD                ; disable keyboard interface
    call kbc_cmd
    mov al, 0xA7                ; disable mouse interface
    call kbc_cmd
    mov al, 0xAA                ; self-test
    call kbc_cmd
    call kbc_read
    CHECK 'self-test AAh result', eax, 0x55
    in al, 0x64
    and eax, 0x04
    CHECK 'status SYS flag after self-test', eax, 0x04
    ; command byte round trip (no IRQs, both interfaces disabled, XLAT)
    mov al, 0x60
    call kbc_cmd
    call kbc_wait_in
    mov al, 0x74
    out 0x60, al
    mov al, 0x20
    call kbc_cmd
    call kbc_read
    CHECK 'command byte 74h round trip', eax, 0x74
    mov al, 0x60
    call kbc_cmd
    call kbc_wait_in
    mov al, 0x30
    out 0x60, al
    mov al, 0x20
    call kbc_cmd
    call kbc_read
    CHECK 'command byte 30h round trip', eax, 0x30
    ; interface test of the keyboard clock/data lines: 00h = no error
    mov al, 0xAB
    call kbc_cmd
    call kbc_read
    CHECK 'keyboard interface test ABh', eax, 0x00
    in al, 0x64
    and eax, 1
    CHECK 'output buffer empty at the end', eax, 0
    ret

; ---------------------------------------------------------------------------
; PIT counter 2 (the speaker / calibration counter), gate = port 61h bit 0,
; OUT2 = port 61h bit 5.
; pit2_latch -> eax = latched count (counter latch command)
pit2_latch:
    mov al, 0x80
    out 0x43, al
pit2_read:
    in al, 0x42
    mov ah, al
    in al, 0x42
    xchg al, ah                 ; al = LSB, ah = MSB
    movzx eax, ax
    ret

t_pit_ch2:
    TEST_SECTION 'PIT counter 2 via port 61h'
    in al, 0x61
    and al, 0xFC
    or al, 0x01                 ; gate high, speaker off
    out 0x61, al
    mov al, 0xB0                ; counter 2, lo/hi, mode 0, binary
    out 0x43, al
    mov al, 0xFF
    out 0x42, al
    out 0x42, al                ; count FFFFh (~55 ms)
    mov ecx, 2000               ; past the CLK that loads the count
    call delay
    ; mode 0: OUT goes low on the control word and stays low until 0
    in al, 0x61
    and eax, 0x20
    CHECK 'mode 0 counting: OUT2 (61h bit 5) low', eax, 0
    ; read-back: latch status and count of counter 2
    mov al, 0xC8
    out 0x43, al
    in al, 0x42
    movzx eax, al
    and eax, 0xBF               ; null count bit aside
    CHECK 'read-back status (OUT=0, lo/hi, mode 0)', eax, 0x30
    call pit2_read
    test eax, eax
    setnz al
    movzx eax, al
    CHECK 'read-back count nonzero', eax, 1
    ; a second latch before the first is read is ignored
    mov al, 0x80
    out 0x43, al
    mov ecx, 2000
    call delay
    mov al, 0x80
    out 0x43, al                ; ignored
    call pit2_read
    mov ebx, eax                ; the first latched value
    call pit2_latch
    cmp eax, ebx
    setb al
    movzx eax, al
    CHECK 'second latch ignored (first value older)', eax, 1
    ; a short count (1193 = 1 ms): OUT2 rises at terminal count
    mov al, 0xB0
    out 0x43, al
    mov al, 1193 & 0xFF
    out 0x42, al
    mov al, 1193 >> 8
    out 0x42, al
    mov ecx, 50000000
.wait:
    in al, 0x61
    test al, 0x20
    jnz .risen
    loop .wait
.risen:
    in al, 0x61
    and eax, 0x20
    CHECK 'terminal count: OUT2 high', eax, 0x20
    mov al, 0xE8                ; read-back: status only, counter 2
    out 0x43, al
    in al, 0x42
    movzx eax, al
    and eax, 0xBF
    CHECK 'read-back status (OUT=1, lo/hi, mode 0)', eax, 0xB0
    ; mode 2, count FFFFh: a rising edge of the gate reloads the counter
    mov al, 0xB4                ; counter 2, lo/hi, mode 2
    out 0x43, al
    mov al, 0xFF
    out 0x42, al
    out 0x42, al
    mov ecx, 50000000
.half:
    call pit2_latch
    cmp eax, 0x8000
    jb .below
    loop .half
.below:
    mov ebx, eax
    cmp ebx, 0x8000
    setb al
    movzx eax, al
    CHECK 'mode 2 counts down below 8000h', eax, 1
    in al, 0x61
    and al, 0xFC
    out 0x61, al                ; gate low
    or al, 1
    out 0x61, al                ; rising edge: reload on the next CLK
    mov ecx, 1000               ; well over one CLK (838 ns), far below 3 ms
    call delay
    call pit2_latch
    cmp eax, 0xF000
    seta al
    movzx eax, al
    CHECK 'gate rising edge reloads (count > F000h)', eax, 1
    mov al, 0xE8
    out 0x43, al
    in al, 0x42
    movzx eax, al
    and eax, 0x3F
    CHECK 'read-back status after mode 2 write', eax, 0x34
    in al, 0x61
    and al, 0xFC
    out 0x61, al
    ret

; ---------------------------------------------------------------------------
t_timers:
    TEST_SECTION 'PIT IRQ0 vs RTC IRQ8'
    mov dword [pit_count], 0
    mov dword [rtc_count], 0
    mov dword [pit_at_start], 0
    mov dword [pit_at_end], 0
    ; PIT counter 0, mode 2, lo/hi, binary
    mov al, 0x34
    out 0x43, al
    mov al, PIT_DIV & 0xFF
    out 0x40, al
    mov al, PIT_DIV >> 8
    out 0x40, al
    ; RTC: PIE off, read C (IRQ8 low), A = DV 010 (32.768 kHz) RS 0110
    ; (1024 Hz), then PIE on.  C is not read again before the handler: a
    ; flag already set makes IRQ8 rise at once, latched in the slave's IRR.
    mov al, 0x0B
    out 0x70, al
    in al, 0x71
    and al, 0x0F                ; no SET, no PIE/AIE/UIE; keep SQWE/DM/24h/DSE
    mov bl, al
    mov al, 0x0B
    out 0x70, al
    mov al, bl
    out 0x71, al
    mov al, 0x0C
    call cmos_read
    mov al, 0x0A
    out 0x70, al
    mov al, 0x26
    out 0x71, al
    mov al, 0x0B
    out 0x70, al
    mov al, bl
    or al, 0x40                 ; PIE
    out 0x71, al
    ; unmask IRQ0 and the cascade on the master, IRQ8 on the slave
    mov al, 0xFA
    out 0x21, al
    mov al, 0xFE
    out 0xA1, al
    mov esi, 100000             ; guard against a dead timer
.loop:
    sti
    hlt
    cli
    cmp dword [rtc_count], RTC_PERIODS + 1
    jae .done
    cmp dword [pit_count], 4 * PIT_WANT + 1000
    ja .done
    dec esi
    jnz .loop
.done:
    mov al, 0xFF
    out 0x21, al
    out 0xA1, al
    ; stop the periodic interrupt, read C to drop IRQ8
    mov al, 0x0B
    out 0x70, al
    in al, 0x71
    and al, ~0x40
    mov bl, al
    mov al, 0x0B
    out 0x70, al
    mov al, bl
    out 0x71, al
    mov al, 0x0C
    call cmos_read
    mov eax, [rtc_count]
    cmp eax, RTC_PERIODS + 1
    setae al
    movzx eax, al
    CHECK 'RTC delivered 257 periodic interrupts', eax, 1
    mov eax, [pit_at_end]
    sub eax, [pit_at_start]
    mov [pit_delta], eax
    sub eax, PIT_WANT - 1
    cmp eax, 2
    setbe al
    movzx eax, al
    test eax, eax
    CHECK 'PIT ticks over 256 RTC periods in 249..251', eax, 1
    jnz .range_ok
    CHECK 'PIT ticks over 256 RTC periods', [pit_delta], PIT_WANT
.range_ok:
    mov eax, [rtc_bad_c]
    CHECK 'register C on IRQ8 had IRQF|PF', eax, 0
    ret

irq0_handler:
    push eax
    inc dword [ss:pit_count]
    mov al, 0x20
    out 0x20, al
    pop eax
    iretd

irq8_handler:
    push eax
    inc dword [ss:rtc_count]
    mov al, 0x0C
    out 0x70, al
    in al, 0x71
    and al, 0xC0
    cmp al, 0xC0
    je .c_ok
    inc dword [ss:rtc_bad_c]
.c_ok:
    cmp dword [ss:rtc_count], 1
    jne .not_first
    mov eax, [ss:pit_count]
    mov [ss:pit_at_start], eax
.not_first:
    cmp dword [ss:rtc_count], RTC_PERIODS + 1
    jne .not_last
    mov eax, [ss:pit_count]
    mov [ss:pit_at_end], eax
.not_last:
    mov al, 0x20
    out 0xA0, al
    out 0x20, al
    pop eax
    iretd

irq7_handler:
    inc dword [ss:spurious7]
    iretd                       ; spurious: no EOI

irq15_handler:
    push eax
    inc dword [ss:spurious15]
    mov al, 0x20                ; the master did see IRQ2
    out 0x20, al
    pop eax
    iretd

; ---------------------------------------------------------------------------
t_com1:
    TEST_SECTION 'COM1 loopback'
    mov dx, COM1 + 1
    xor al, al
    out dx, al                  ; IER = 0
    mov dx, COM1 + 3
    mov al, 0x80                ; DLAB
    out dx, al
    mov dx, COM1 + 0
    mov al, 1                   ; 115200 baud
    out dx, al
    mov dx, COM1 + 1
    xor al, al
    out dx, al
    mov dx, COM1 + 0
    in al, dx
    movzx eax, al
    CHECK 'DLL read-back', eax, 1
    mov dx, COM1 + 3
    mov al, 0x03                ; 8N1, DLAB off
    out dx, al
    in al, dx
    movzx eax, al
    CHECK 'LCR read-back', eax, 0x03
    mov dx, COM1 + 7
    mov al, 0x5A
    out dx, al
    in al, dx
    movzx eax, al
    CHECK 'scratch register', eax, 0x5A
    mov dx, COM1 + 2
    mov al, 0x00                ; FIFOs off
    out dx, al
    mov dx, COM1 + 4
    mov al, 0x1B                ; loop, OUT2, RTS, DTR
    out dx, al
    ; drain the receiver
    mov ecx, 32
.drain:
    mov dx, COM1 + 5
    in al, dx
    test al, 1
    jz .drained
    mov dx, COM1
    in al, dx
    loop .drain
.drained:
    mov dx, COM1 + 6
    in al, dx
    in al, dx                   ; deltas cleared by the first read
    movzx eax, al
    and eax, 0xF0
    CHECK 'MSR in loopback (DCD<-OUT2, DSR<-DTR, CTS<-RTS)', eax, 0xB0
    ; byte by byte, no FIFO
    xor ebx, ebx
    mov edi, 0
.byte:
    mov al, [loop_bytes + edi]
    mov dx, COM1
    out dx, al
    mov ecx, 1000000
    mov dx, COM1 + 5
.w1:
    in al, dx
    test al, 1
    jnz .got
    loop .w1
.got:
    mov dx, COM1
    in al, dx
    mov [loop_got + edi], al
    inc edi
    cmp edi, LOOP_N
    jb .byte
    CHECKMEM 'loopback bytes (no FIFO)', loop_got, loop_bytes, LOOP_N
    mov dx, COM1 + 5
    in al, dx
    movzx eax, al
    and eax, 0x61
    CHECK 'LSR after: DR=0, THRE=TEMT=1', eax, 0x60
    ; with the FIFO: send all, then read all back in order
    mov dx, COM1 + 2
    mov al, 0x07                ; enable, clear both FIFOs
    out dx, al
    in al, dx
    movzx eax, al
    and eax, 0xC0
    CHECK 'IIR FIFO bits', eax, 0xC0
    xor edi, edi
.send:
    mov al, [loop_bytes + edi]
    mov dx, COM1
    out dx, al
    inc edi
    cmp edi, LOOP_N
    jb .send
    mov byte [loop_got], 0
    mov dword [loop_got + 4], 0
    xor edi, edi
.recv:
    mov ecx, 1000000
    mov dx, COM1 + 5
.w2:
    in al, dx
    test al, 1
    jnz .got2
    loop .w2
.got2:
    mov dx, COM1
    in al, dx
    mov [loop_got + edi], al
    inc edi
    cmp edi, LOOP_N
    jb .recv
    CHECKMEM 'loopback bytes (FIFO)', loop_got, loop_bytes, LOOP_N

    TEST_SECTION 'COM1 THRE interrupt on IRQ4'
    mov dword [irq4_count], 0
    mov dword [irq4_iir], 0xFF
    ; wait for THRE, then enable ETBEI: the interrupt is raised at once
    mov ecx, 1000000
    mov dx, COM1 + 5
.w3:
    in al, dx
    test al, 0x20
    jnz .empty
    loop .w3
.empty:
    mov al, 0xEF                ; IRQ4 only
    out 0x21, al
    mov dx, COM1 + 1
    mov al, 0x02                ; ETBEI
    out dx, al
    mov ecx, 10000
.w4:
    sti
    nop
    cli
    cmp dword [irq4_count], 0
    jne .irq
    loop .w4
.irq:
    CHECK 'IRQ4 count after ETBEI', [irq4_count], 1
    CHECK 'IIR in the handler (THRE, FIFOs on)', [irq4_iir], 0xC2
    mov dx, COM1 + 2
    in al, dx
    movzx eax, al
    CHECK 'IIR after the handler read it: no interrupt', eax, 0xC1
    ; a byte written to THR re-arms THRE once it has gone out: IRQ again
    mov dx, COM1
    mov al, 0x42
    out dx, al
    mov ecx, 1000000
.w5:
    sti
    nop
    cli
    cmp dword [irq4_count], 2
    jae .irq2
    loop .w5
.irq2:
    CHECK 'IRQ4 count after a THR write', [irq4_count], 2
    mov dx, COM1 + 1
    xor al, al
    out dx, al                  ; IER = 0
    mov al, 0xFF
    out 0x21, al
    ; the looped-back byte arrives one character time after THRE
    mov ecx, 1000000
    mov dx, COM1 + 5
.w6:
    in al, dx
    test al, 1
    jnz .got6
    loop .w6
.got6:
    mov dx, COM1
    in al, dx
    movzx eax, al
    CHECK 'looped-back byte', eax, 0x42
    mov dx, COM1 + 4
    xor al, al
    out dx, al                  ; leave loopback
    ret

irq4_handler:
    push eax
    push edx
    inc dword [ss:irq4_count]
    mov dx, COM1 + 2
    in al, dx                   ; reading IIR clears a THRE interrupt
    movzx eax, al
    mov [ss:irq4_iir], eax
    mov al, 0x20
    out 0x20, al
    pop edx
    pop eax
    iretd

; ---------------------------------------------------------------------------
t_final:
    TEST_SECTION 'EOI flow'
    mov al, 0x0B
    out 0x20, al
    out 0xA0, al
    in al, 0x20
    movzx eax, al
    CHECK 'master ISR empty', eax, 0
    in al, 0xA0
    movzx eax, al
    CHECK 'slave ISR empty', eax, 0
    mov al, 0x0A
    out 0x20, al
    out 0xA0, al
    CHECK 'no spurious IRQ7', [spurious7], 0
    CHECK 'no spurious IRQ15', [spurious15], 0
    ret

section .rodata
loop_bytes: db 0x00, 0xFF, 0x55, 0xAA, 0x0D, 0x0A, 0x7E, 0x81
LOOP_N      equ $ - loop_bytes

section .bss
loop_got:     resb 16
pit_count:    resd 1
rtc_count:    resd 1
pit_at_start: resd 1
pit_at_end:   resd 1
pit_delta:    resd 1
rtc_bad_c:    resd 1
spurious7:    resd 1
spurious15:   resd 1
irq4_count:   resd 1
irq4_iir:     resd 1

; pae - PAE paging (SDM Vol. 3 4.4): PDPT + 8-byte PDEs/PTEs, 4 KiB and
; 2 MiB pages, A/D bits in 64-bit entries, reserved-bit faults (RSVD in the
; error code), and execute-disable (EFER.NXE, XD in PTE and PDE, I/D bit).
; CPUID is asked first: without PAE the program passes with a SKIP note, and
; without NX (CPUID 0x80000001 EDX[20]) the NX part is skipped.

%define TEST_NAME 'pae'
%include "mb.inc"

PDPT            equ 0x400000
PD0             equ 0x401000    ; 0..1 GiB: 2 MiB identity pages for 0..16 MiB
PD1             equ 0x402000    ; 1..2 GiB: test mappings
PT1             equ 0x403000    ; 4 KiB pages for 0x40000000..0x401FFFFF

P               equ 1
RW              equ 2
US              equ 4
RSVD            equ 8           ; error code bit 3
IDF             equ 0x10        ; error code bit 4: instruction fetch
ACC             equ 0x20
DIRTY           equ 0x40
PS              equ 0x80
XD_HI           equ 0x80000000  ; bit 63, in the high dword

VA_4K           equ 0x40000000  ; -> 0x600000
VA_NP           equ 0x40001000  ; not present
VA_RSVD         equ 0x40002000  ; -> 0x602000 with bit 63 set
VA_XD           equ 0x40003000  ; -> 0x603000, XD, holds code
VA_CODE         equ 0x40004000  ; -> 0x604000, same code, executable
VA_UXD          equ 0x40005000  ; -> 0x605000, XD, user
VA_2M           equ 0x40200000  ; 2 MiB page -> 0xA00000
VA_2M_XD        equ 0x40400000  ; 2 MiB page -> 0xA00000, XD in the PDE

%define PTE(va) (PT1 + (((va) - VA_4K) >> 12) * 8)
%define PDE1(va) (PD1 + (((va) >> 21) & 511) * 8)

EFER            equ 0xC0000080
EFER_NXE        equ 1 << 11

section .text
test_main:
    mov eax, 1
    cpuid
    test edx, 1 << 6
    jnz .have_pae
    NOTE 'SKIP: CPUID.1:EDX.PAE=0'
    ret
.have_pae:
    mov dword [has_nx], 0
    mov eax, 0x80000000
    cpuid
    cmp eax, 0x80000001
    jb .no_ext
    mov eax, 0x80000001
    cpuid
    test edx, 1 << 20
    jz .no_ext
    mov dword [has_nx], 1
.no_ext:
    call build
    call enable
    call translation
    call ad_bits
    call reserved
    cmp dword [has_nx], 0
    jne .nx
    NOTE 'SKIP NX part: CPUID 0x80000001 EDX.NX=0'
    jmp .done
.nx:
    call nx
.done:
    call disable
    ret

build:
    mov edi, PDPT
    mov ecx, 4 * 1024
    xor eax, eax
    rep stosd
    mov dword [PDPT + 0], PD0 | P
    mov dword [PDPT + 8], PD1 | P
    ; 0..16 MiB identity with 2 MiB pages.
    mov edi, PD0
    mov eax, P | RW | US | PS
    mov ecx, 8
.id:
    mov [edi], eax
    add eax, 0x200000
    add edi, 8
    loop .id
    mov dword [PDE1(VA_4K)], PT1 | P | RW | US
    mov dword [PDE1(VA_2M)], 0xA00000 | P | RW | US | PS
    mov dword [PDE1(VA_2M_XD)], 0xA00000 | P | RW | US | PS
    mov dword [PDE1(VA_2M_XD) + 4], XD_HI
    mov dword [PTE(VA_4K)], 0x600000 | P | RW | US
    mov dword [PTE(VA_RSVD)], 0x602000 | P | RW
    mov dword [PTE(VA_RSVD) + 4], XD_HI         ; reserved while NXE=0
    mov dword [PTE(VA_XD)], 0x603000 | P | RW
    mov dword [PTE(VA_XD) + 4], XD_HI
    mov dword [PTE(VA_CODE)], 0x603000 | P | RW
    mov dword [PTE(VA_UXD)], 0x603000 | P | RW | US
    mov dword [PTE(VA_UXD) + 4], XD_HI
    mov dword [0x600000], 0xAAAA0000
    mov dword [0x602000], 0xAAAA0002
    mov dword [0xA12340], 0xAAAA2222
    ; Code in frame 0x603000: mov eax, 0xC0DE ; ret
    mov dword [0x603000], 0x00C0DEB8
    mov dword [0x603004], 0x90C39000
    ; The same code at 0xA00000 (start of the 2 MiB frame).
    mov dword [0xA00000], 0x00C0DEB8
    mov dword [0xA00004], 0x90C39000
    ret

enable:
    mov eax, cr4
    or eax, 0x20                ; PAE
    mov cr4, eax
    mov eax, PDPT
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    ret

disable:
    mov eax, cr0
    and eax, ~0x80000000
    mov cr0, eax
    mov eax, cr4
    and eax, ~0x20
    mov cr4, eax
    cmp dword [has_nx], 0
    je .r
    mov ecx, EFER
    rdmsr
    and eax, ~EFER_NXE
    wrmsr
.r:
    ret

; ---------------------------------------------------------------------------
translation:
    TEST_SECTION 'PAE translation'
    CHECK '4 KiB page', [VA_4K], 0xAAAA0000
    CHECK '2 MiB page', [VA_2M + 0x12340], 0xAAAA2222
    CHECK 'identity 2 MiB pages', [0xA12340], 0xAAAA2222
    mov eax, VA_2M
    call eax
    CHECK 'execute from 2 MiB page', eax, 0xC0DE
    FAULTS 'not present', 14, 0, mov eax, [VA_NP + 4]
    CHECK 'cr2', [exc_cr2], VA_NP + 4
    FAULTS 'write not present', 14, RW, mov dword [VA_NP], 0
    ret

ad_bits:
    TEST_SECTION 'A/D in 8-byte entries'
    and dword [PTE(VA_4K)], ~(ACC | DIRTY)
    invlpg [VA_4K]
    mov eax, [VA_4K]
    mov eax, [PTE(VA_4K)]
    and eax, ACC | DIRTY
    CHECK 'read sets A', eax, ACC
    mov dword [VA_4K + 4], 0
    mov eax, [PTE(VA_4K)]
    and eax, ACC | DIRTY
    CHECK 'write sets D', eax, ACC | DIRTY
    CHECK 'high dword untouched', [PTE(VA_4K) + 4], 0
    mov eax, [PDE1(VA_2M)]
    and eax, ACC | DIRTY
    CHECK '2 MiB pde after read+fetch: A, no D', eax, ACC
    ret

reserved:
    TEST_SECTION 'reserved bits'
    ; With EFER.NXE=0 bit 63 is reserved: #PF with P and RSVD set.
    FAULTS 'bit 63 set while NXE=0', 14, P | RSVD, mov eax, [VA_RSVD]
    CHECK 'cr2', [exc_cr2], VA_RSVD
    ret

; ---------------------------------------------------------------------------
nx:
    TEST_SECTION 'execute disable'
    mov ecx, EFER
    rdmsr
    or eax, EFER_NXE
    wrmsr
    rdmsr
    and eax, EFER_NXE
    CHECK 'EFER.NXE reads back', eax, EFER_NXE
    mov eax, cr3                ; flush: NXE changes the meaning of bit 63
    mov cr3, eax
    CHECK 'XD page is readable', [VA_XD], 0x00C0DEB8
    CHECK 'bit 63 no longer reserved', [VA_RSVD], 0xAAAA0002
    mov eax, VA_CODE
    call eax
    CHECK 'same frame without XD executes', eax, 0xC0DE
    TRY .r1
    mov eax, VA_XD
    call eax
.r1:
    ENDTRY
    CHECK_EXC 'fetch from XD page', 14, P | IDF, VA_XD
    CHECK 'cr2', [exc_cr2], VA_XD
    TRY .r2
    mov eax, VA_2M_XD
    call eax
.r2:
    ENDTRY
    CHECK_EXC 'fetch from 2 MiB page with XD in the pde', 14, P | IDF, VA_2M_XD
    TRY .r3
    mov eax, VA_NP
    call eax
.r3:
    ENDTRY
    CHECK_EXC 'fetch from not-present page, NXE=1', 14, IDF, VA_NP
    TRY .r4
    mov eax, u_fetch_xd
    call call_ring3
.r4:
    ENDTRY
    CHECK_EXC 'user fetch from XD page', 14, P | US | IDF, VA_UXD
    ; XD in a PDE with a 4 KiB PTE below it applies to the whole table.
    or dword [PDE1(VA_4K) + 4], XD_HI
    invlpg [VA_CODE]
    TRY .r5
    mov eax, VA_CODE
    call eax
.r5:
    ENDTRY
    CHECK_EXC 'fetch, XD in the pde above a 4 KiB pte', 14, P | IDF, VA_CODE
    and dword [PDE1(VA_4K) + 4], ~XD_HI
    invlpg [VA_CODE]
    ret

u_fetch_xd:
    mov eax, VA_UXD
    call eax
    int R3_RETURN_VEC

section .bss
has_nx:     resd 1

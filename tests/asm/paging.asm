; paging - 32-bit paging (SDM Vol. 3 chapter 4): 4 KiB and 4 MiB (PSE)
; pages, accessed/dirty bits set by the CPU, U/S and R/W at both levels with
; and without CR0.WP, #PF error codes and CR2 (not present, protection, user,
; write, fetch, access split across pages), no caching of not-present
; entries, INVLPG and CR3 loads vs stale TLB entries, PGE global pages, and a
; page fault in the middle of REP MOVSD resuming correctly.
;
; TLB staleness is mostly "may" in the SDM: a test may require that a flush
; makes a change visible, never that a stale entry is still used.  Where a
; stale value is only allowed, the outcome is printed as a note.

%define TEST_NAME 'paging'
%include "mb.inc"

PD              equ 0x400000
PT_LOW          equ 0x401000    ; 4 tables: identity 0..16 MiB
PT_TEST         equ 0x405000    ; VA 0x10000000..0x103FFFFF
PT_TEST2        equ 0x406000    ; VA 0x10400000..0x107FFFFF (PDE with U=0)

P               equ 1
RW              equ 2
US              equ 4
PWT             equ 8
ACC             equ 0x20
DIRTY           equ 0x40
PS              equ 0x80
GLB             equ 0x100

VA_BASE         equ 0x10000000
%define PTE(va) (PT_TEST + (((va) - VA_BASE) >> 12) * 4)

VA_A            equ 0x10000000  ; -> 0x600000, A/D tests
VA_RO           equ 0x10001000  ; -> 0x601000, supervisor read-only
VA_NP           equ 0x10002000  ; not present
VA_URO          equ 0x10003000  ; -> 0x603000, user read-only
VA_SUP          equ 0x10004000  ; -> 0x604000, supervisor only
VA_TLB          equ 0x10005000  ; -> 0x605000 then 0x606000
VA_GLB          equ 0x10007000  ; -> 0x607000 then 0x608000, global
VA_CODE         equ 0x10009000  ; -> 0x609000, code for fetch tests
VA_SRC          equ 0x10010000  ; 2 pages -> 0x610000
VA_DST          equ 0x10020000  ; 2 pages -> 0x620000, 2nd not present at first
VA_AL_RW        equ 0x10030000  ; -> 0x630000
VA_AL_RO        equ 0x10031000  ; -> 0x630000 as well, read-only
VA_SPLIT        equ 0x10040000  ; -> 0x640000; next page not present
VA_PDE_SUP      equ 0x10400000  ; PDE U=0, PTE U=1 -> 0x650000
VA_BIG          equ 0x20000000  ; 4 MiB page -> 0xC00000

section .text
test_main:
    call build_tables
    call enable_paging
    call basic
    call accessed_dirty
    call big_pages
    call protection
    call fault_codes
    call not_present_not_cached
    call tlb_flush
    call global_pages
    call rep_restart
    call aliases
    call disable_paging
    ret

; ---------------------------------------------------------------------------
build_tables:
    mov edi, PD
    mov ecx, 7 * 1024
    xor eax, eax
    rep stosd
    ; Identity map 0..16 MiB, user + writable, so CPL 3 code and stacks work
    ; and every physical frame used here can be inspected directly.
    mov edi, PT_LOW
    mov eax, P | RW | US
    mov ecx, 4096
.id:
    stosd
    add eax, 0x1000
    loop .id
    mov dword [PD + 0], PT_LOW | P | RW | US
    mov dword [PD + 4], PT_LOW + 0x1000 | P | RW | US
    mov dword [PD + 8], PT_LOW + 0x2000 | P | RW | US
    mov dword [PD + 12], PT_LOW + 0x3000 | P | RW | US
    mov dword [PD + (VA_BASE >> 22) * 4], PT_TEST | P | RW | US
    mov dword [PD + (VA_PDE_SUP >> 22) * 4], PT_TEST2 | P | RW       ; U=0
    mov dword [PD + (VA_BIG >> 22) * 4], 0xC00000 | PS | P | RW       ; no U
    mov dword [PTE(VA_A)], 0x600000 | P | RW | US
    mov dword [PTE(VA_RO)], 0x601000 | P | US
    mov dword [PTE(VA_URO)], 0x603000 | P | US
    mov dword [PTE(VA_SUP)], 0x604000 | P | RW
    mov dword [PTE(VA_TLB)], 0x605000 | P | RW
    mov dword [PTE(VA_GLB)], 0x607000 | P | RW | GLB
    mov dword [PTE(VA_CODE)], 0x609000 | P | RW | US
    mov dword [PTE(VA_SRC)], 0x610000 | P | RW
    mov dword [PTE(VA_SRC + 0x1000)], 0x611000 | P | RW
    mov dword [PTE(VA_DST)], 0x620000 | P | RW
    mov dword [PTE(VA_DST + 0x1000)], 0x621000 | RW                  ; not present
    mov dword [PTE(VA_AL_RW)], 0x630000 | P | RW
    mov dword [PTE(VA_AL_RO)], 0x630000 | P
    mov dword [PTE(VA_SPLIT)], 0x640000 | P | RW | US
    mov dword [PT_TEST2 + ((VA_PDE_SUP >> 12) & 0x3FF) * 4], 0x650000 | P | RW | US
    ; Recognisable contents in the physical frames.
    mov dword [0x600000], 0xAAAA0000
    mov dword [0x601000], 0xAAAA0001
    mov dword [0x603000], 0xAAAA0003
    mov dword [0x604000], 0xAAAA0004
    mov dword [0x605000], 0xAAAA0005
    mov dword [0x606000], 0xAAAA0006
    mov dword [0x607000], 0xAAAA0007
    mov dword [0x608000], 0xAAAA0008
    mov dword [0x650000], 0xAAAA0050
    mov dword [0xC00000 + 0x123450], 0xB16B16B1
    ; A small function in the code frame: returns 0xC0DE.
    mov dword [0x609000], 0x00C0DEB8        ; mov eax, 0xC0DE
    mov dword [0x609004], 0x90C39000        ; (imm high byte 00) ret nop nop
    ret

enable_paging:
    mov eax, cr4
    or eax, 0x10                ; PSE
    mov cr4, eax
    mov eax, PD
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    ret

disable_paging:
    mov eax, cr0
    and eax, ~0x80010000
    mov cr0, eax
    mov eax, cr4
    and eax, ~0x90
    mov cr4, eax
    ret

; ---------------------------------------------------------------------------
basic:
    TEST_SECTION '4 KiB translation'
    CHECK 'read through mapping', [VA_A], 0xAAAA0000
    mov dword [VA_A + 4], 0x12345678
    CHECK 'write lands in the frame', [0x600004], 0x12345678
    mov eax, cr3
    CHECK 'cr3', eax, PD
    ; Fetch through a mapping.
    mov eax, VA_CODE
    call eax
    CHECK 'execute through mapping', eax, 0xC0DE
    ret

; ---------------------------------------------------------------------------
accessed_dirty:
    TEST_SECTION 'accessed and dirty bits'
    ; Start from clean entries (PTE and PDE), then flush.
    and dword [PTE(VA_A)], ~(ACC | DIRTY)
    and dword [PD + (VA_BASE >> 22) * 4], ~(ACC | DIRTY)
    invlpg [VA_A]
    mov eax, [VA_A]
    mov eax, [PTE(VA_A)]
    and eax, ACC | DIRTY
    CHECK 'read sets A, not D (pte)', eax, ACC
    mov eax, [PD + (VA_BASE >> 22) * 4]
    and eax, ACC | DIRTY
    CHECK 'read sets A in the pde', eax, ACC
    mov dword [VA_A + 8], 1
    mov eax, [PTE(VA_A)]
    and eax, ACC | DIRTY
    CHECK 'write sets D (pte)', eax, ACC | DIRTY
    mov eax, [PD + (VA_BASE >> 22) * 4]
    and eax, DIRTY
    CHECK 'write leaves pde D alone', eax, 0
    ; A write hitting a TLB entry loaded by a read must still set D.
    and dword [PTE(VA_A)], ~(ACC | DIRTY)
    invlpg [VA_A]
    mov eax, [VA_A]             ; fills the TLB, sets A
    mov dword [VA_A + 8], 2     ; must go back to the PTE for D
    mov eax, [PTE(VA_A)]
    and eax, ACC | DIRTY
    CHECK 'write after read sets D', eax, ACC | DIRTY
    ; Fetch sets A but not D.
    and dword [PTE(VA_CODE)], ~(ACC | DIRTY)
    invlpg [VA_CODE]
    mov eax, VA_CODE
    call eax
    mov eax, [PTE(VA_CODE)]
    and eax, ACC | DIRTY
    CHECK 'fetch sets A only', eax, ACC
    ret

; ---------------------------------------------------------------------------
big_pages:
    TEST_SECTION '4 MiB pages (PSE)'
    CHECK 'read through 4 MiB page', [VA_BIG + 0x123450], 0xB16B16B1
    mov eax, [PD + (VA_BIG >> 22) * 4]
    and eax, ACC | DIRTY
    CHECK '4 MiB pde A after read', eax, ACC
    mov dword [VA_BIG + 0x3FFFFC], 0x55AA55AA
    CHECK 'write at the top of the 4 MiB page', [0xC00000 + 0x3FFFFC], 0x55AA55AA
    mov eax, [PD + (VA_BIG >> 22) * 4]
    and eax, ACC | DIRTY
    CHECK '4 MiB pde D after write', eax, ACC | DIRTY
    ; Without CR4.PSE the PS bit is ignored: the PDE points at a page table.
    ; Point it at a table whose entry 0x123 maps 0x600000.
    mov eax, cr4
    and eax, ~0x10
    mov cr4, eax                ; (a CR4.PSE change flushes the TLB)
    mov dword [0xC00000 + 0x123 * 4], 0x600000 | P | RW
    CHECK 'PS ignored without CR4.PSE', [VA_BIG + 0x123000], 0xAAAA0000
    mov eax, cr4
    or eax, 0x10
    mov cr4, eax
    ret

; ---------------------------------------------------------------------------
%macro R3 1             ; run a user function expecting a #PF; recovers
    TRY %%rec
    mov eax, %1
    call call_ring3
%%rec:
    ENDTRY
%endmacro

protection:
    TEST_SECTION 'U/S and R/W'
    ; Supervisor writes to read-only pages succeed with WP=0...
    NOFAULT 'supervisor write to read-only page, WP=0', mov dword [VA_RO + 4], 7
    ; ...and fault with WP=1.
    mov eax, cr0
    or eax, 0x10000
    mov cr0, eax
    FAULTS 'supervisor write to read-only page, WP=1', 14, P | RW, mov dword [VA_RO + 4], 8
    CHECK 'cr2', [exc_cr2], VA_RO + 4
    CHECK 'faulting write did not land', [0x601004], 7
    mov eax, cr0
    and eax, ~0x10000
    mov cr0, eax
    ; User access to a supervisor page.
    R3 u_read_sup
    CHECK_EXC 'user read of supervisor page', 14, P | US, u_read_sup.f
    CHECK 'cr2', [exc_cr2], VA_SUP
    ; User write to a user read-only page (WP does not matter for users).
    R3 u_write_uro
    CHECK_EXC 'user write to read-only page', 14, P | RW | US, u_write_uro.f
    R3 u_read_uro
    CHECK_NOEXC 'user read of user read-only page'
    CHECK 'user read value', [r3_regs + R_EAX], 0xAAAA0003
    ; U/S must allow at both levels: PDE U=0 with PTE U=1.
    R3 u_read_pde_sup
    CHECK_EXC 'user read, pde U=0 pte U=1', 14, P | US, u_read_pde_sup.f
    CHECK 'supervisor read, pde U=0 pte U=1', [VA_PDE_SUP], 0xAAAA0050
    ; R/W at the PDE level: make the test PDE read-only.
    and dword [PD + (VA_BASE >> 22) * 4], ~RW
    invlpg [VA_A]
    R3 u_write_a
    CHECK_EXC 'user write, pde R/W=0 pte R/W=1', 14, P | RW | US, u_write_a.f
    or dword [PD + (VA_BASE >> 22) * 4], RW
    invlpg [VA_A]
    ; Supervisor access to a 4 MiB page without U is fine; user is not.
    R3 u_read_big
    CHECK_EXC 'user read of supervisor 4 MiB page', 14, P | US, u_read_big.f
    ret

u_read_sup:
.f: mov eax, [VA_SUP]
    int R3_RETURN_VEC
u_write_uro:
.f: mov dword [VA_URO], 1
    int R3_RETURN_VEC
u_read_uro:
    mov eax, [VA_URO]
    int R3_RETURN_VEC
u_read_pde_sup:
.f: mov eax, [VA_PDE_SUP]
    int R3_RETURN_VEC
u_write_a:
.f: mov dword [VA_A], 1
    int R3_RETURN_VEC
u_read_big:
.f: mov eax, [VA_BIG]
    int R3_RETURN_VEC

; ---------------------------------------------------------------------------
fault_codes:
    TEST_SECTION '#PF error codes and CR2'
    FAULTS 'supervisor read, not present', 14, 0, mov eax, [VA_NP + 0x10]
    CHECK 'cr2', [exc_cr2], VA_NP + 0x10
    FAULTS 'supervisor write, not present', 14, RW, mov dword [VA_NP + 0x20], 0
    CHECK 'cr2', [exc_cr2], VA_NP + 0x20
    R3 u_read_np
    CHECK_EXC 'user read, not present', 14, US, u_read_np.f
    R3 u_write_np
    CHECK_EXC 'user write, not present', 14, US | RW, u_write_np.f
    ; An access split across pages faults on the part in the missing page;
    ; CR2 is the first byte of that part.  Nothing is written.
    mov dword [PTE(VA_SPLIT + 0x1000)], 0
    invlpg [VA_SPLIT + 0x1000]
    mov dword [0x640FFC], 0
    FAULTS 'dword split across pages', 14, RW, mov dword [VA_SPLIT + 0xFFE], 0xFFFFFFFF
    CHECK 'split cr2', [exc_cr2], VA_SPLIT + 0x1000
    CHECK 'split: first part not written', [0x640FFC], 0
    ; Instruction fetch from a not-present page: EIP and CR2 are the target.
    mov dword [PTE(VA_CODE)], 0
    invlpg [VA_CODE]
    TRY .r1
    mov eax, VA_CODE
    call eax
.r1:
    ENDTRY
    CHECK_EXC 'fetch not present', 14, 0, VA_CODE
    CHECK 'fetch cr2', [exc_cr2], VA_CODE
    ; An instruction that starts on a present page and ends on a missing one.
    mov dword [PTE(VA_CODE)], 0x609000 | P | RW | US
    mov dword [PTE(VA_CODE + 0x1000)], 0
    invlpg [VA_CODE]
    invlpg [VA_CODE + 0x1000]
    mov byte [0x609FFE], 0xB8   ; mov eax, imm32 straddling the page end
    TRY .r2
    mov eax, VA_CODE + 0xFFE
    call eax
.r2:
    ENDTRY
    CHECK_EXC 'fetch straddling into missing page', 14, 0, VA_CODE + 0xFFE
    CHECK 'straddle cr2', [exc_cr2], VA_CODE + 0x1000
    ret

u_read_np:
.f: mov eax, [VA_NP]
    int R3_RETURN_VEC
u_write_np:
.f: mov dword [VA_NP], 0
    int R3_RETURN_VEC

; ---------------------------------------------------------------------------
; SDM 4.10.2.3: only present translations are cached, so after a #PF on a
; not-present entry, setting P makes the retry work without any flush.
not_present_not_cached:
    TEST_SECTION 'not-present entries are not cached'
    FAULTS 'read before P set', 14, 0, mov eax, [VA_NP]
    mov dword [0x602000], 0xAAAA0002
    mov dword [PTE(VA_NP)], 0x602000 | P | RW
    CHECK 'read after P set, no invlpg', [VA_NP], 0xAAAA0002
    mov dword [PTE(VA_NP)], 0
    invlpg [VA_NP]
    ret

; ---------------------------------------------------------------------------
tlb_flush:
    TEST_SECTION 'INVLPG and CR3 loads'
    mov eax, [VA_TLB]           ; cache 0x605000
    CHECK 'before remap', eax, 0xAAAA0005
    mov dword [PTE(VA_TLB)], 0x606000 | P | RW
    mov eax, [VA_TLB]           ; stale or fresh: both allowed
    cmp eax, 0xAAAA0005
    jne .fresh
    NOTE 'info: stale translation used before INVLPG (allowed)'
    jmp .inv
.fresh:
    CHECK 'without invlpg: old or new frame', eax, 0xAAAA0006
.inv:
    invlpg [VA_TLB]
    CHECK 'after invlpg', [VA_TLB], 0xAAAA0006
    ; INVLPG of another page need not flush this one, but a CR3 load flushes
    ; every non-global entry.
    mov dword [PTE(VA_TLB)], 0x605000 | P | RW
    mov eax, [VA_TLB]
    mov eax, cr3
    mov cr3, eax
    CHECK 'after cr3 reload', [VA_TLB], 0xAAAA0005
    ; Not-present after invlpg faults.
    mov dword [PTE(VA_TLB)], 0
    invlpg [VA_TLB]
    FAULTS 'invlpg then not present', 14, 0, mov eax, [VA_TLB]
    mov dword [PTE(VA_TLB)], 0x605000 | P | RW
    ; INVLPG of any address in a 4 MiB page flushes the whole large page.
    mov dword [0xC00000 + 0x3FF000], 0xB16B0001
    mov dword [0x400000 + 0x3FF000], 0x4D4D4D4D
    mov eax, [VA_BIG + 0x3FF000]                                    ; cache it
    CHECK 'large page before remap', eax, 0xB16B0001
    mov dword [PD + (VA_BIG >> 22) * 4], 0x400000 | PS | P | RW     ; -> 4..8 MiB
    invlpg [VA_BIG + 0x1000]
    CHECK 'invlpg elsewhere in the 4 MiB page', [VA_BIG + 0x3FF000], 0x4D4D4D4D
    mov dword [PD + (VA_BIG >> 22) * 4], 0xC00000 | PS | P | RW
    invlpg [VA_BIG]
    ret

; ---------------------------------------------------------------------------
global_pages:
    TEST_SECTION 'PGE global pages'
    mov eax, cr4
    or eax, 0x80                ; PGE
    mov cr4, eax
    mov eax, [VA_GLB]           ; cache the global translation
    CHECK 'global page read', eax, 0xAAAA0007
    mov dword [PTE(VA_GLB)], 0x608000 | P | RW | GLB
    mov eax, cr3
    mov cr3, eax                ; does not have to flush global entries
    mov eax, [VA_GLB]
    cmp eax, 0xAAAA0007
    jne .flushed
    NOTE 'info: global translation survived the CR3 load'
    jmp .next
.flushed:
    NOTE 'info: global translation did not survive the CR3 load (allowed)'
    CHECK 'global after cr3: old or new', eax, 0xAAAA0008
.next:
    ; INVLPG flushes global entries too.
    invlpg [VA_GLB]
    CHECK 'global after invlpg', [VA_GLB], 0xAAAA0008
    ; Toggling CR4.PGE flushes everything, global included.
    mov dword [PTE(VA_GLB)], 0x607000 | P | RW | GLB
    mov eax, [VA_GLB]
    mov eax, cr4
    and eax, ~0x80
    mov cr4, eax
    or eax, 0x80
    mov cr4, eax
    CHECK 'global after CR4.PGE toggle', [VA_GLB], 0xAAAA0007
    mov eax, cr4
    and eax, ~0x80
    mov cr4, eax
    ret

; ---------------------------------------------------------------------------
; REP MOVSD over 2 pages into a destination whose 2nd page is not present:
; the #PF comes with ECX/ESI/EDI showing exactly the dwords already copied
; and EIP at the REP MOVSD; the hook maps the page and IRETs, and the
; instruction finishes the rest.
rep_restart:
    TEST_SECTION 'page fault in the middle of REP MOVSD'
    mov edi, 0x610000           ; source pattern: index i -> i * 0x01010101
    xor eax, eax
    mov ecx, 2048
.fill:
    stosd
    add eax, 0x01010101
    loop .fill
    mov edi, 0x620000
    xor eax, eax
    mov ecx, 2048
    rep stosd
    mov dword [pf_count], 0
    mov dword [exc_hook], pf_map_dst
    mov esi, VA_SRC + 8         ; start off a page boundary on purpose
    mov edi, VA_DST + 8
    mov ecx, 2046
    cld
.insn:
    rep movsd
    mov dword [exc_hook], 0
    CHECK 'one page fault', [pf_count], 1
    CHECK 'fault cr2', [pf_cr2], VA_DST + 0x1000
    CHECK 'fault eip is the rep movsd', [pf_eip], .insn
    CHECK 'ecx at the fault', [pf_ecx], 2046 - (0x1000 - 8) / 4
    CHECK 'esi at the fault', [pf_esi], VA_SRC + 0x1000
    CHECK 'edi at the fault', [pf_edi], VA_DST + 0x1000
    CHECK 'ecx at the end', ecx, 0
    CHECK 'esi at the end', esi, VA_SRC + 0x2000
    CHECK 'edi at the end', edi, VA_DST + 0x2000
    CHECKMEM 'copied data', 0x620008, 0x610008, 0x2000 - 8
    ret

; #PF hook: map the destination's second page, count, resume.
pf_map_dst:
    mov ebp, [esp + 4]
    cmp dword [ebp + F_VEC], 14
    jne .no
    mov eax, cr2
    cmp eax, VA_DST + 0x1000
    jne .no
    inc dword [pf_count]
    mov [pf_cr2], eax
    mov eax, [ebp + F_EIP]
    mov [pf_eip], eax
    mov eax, [ebp + F_ECX]
    mov [pf_ecx], eax
    mov eax, [ebp + F_ESI]
    mov [pf_esi], eax
    mov eax, [ebp + F_EDI]
    mov [pf_edi], eax
    or dword [PTE(VA_DST + 0x1000)], P
    xor eax, eax                ; resume
    ret
.no:
    mov eax, 1
    ret

; ---------------------------------------------------------------------------
aliases:
    TEST_SECTION 'two linear pages on one frame'
    mov dword [VA_AL_RW + 0x40], 0x0A11A5ED
    CHECK 'write via one alias, read via the other', [VA_AL_RO + 0x40], 0x0A11A5ED
    mov eax, cr0
    or eax, 0x10000
    mov cr0, eax
    FAULTS 'read-only alias still read-only', 14, P | RW, mov dword [VA_AL_RO + 0x40], 0
    mov eax, cr0
    and eax, ~0x10000
    mov cr0, eax
    ret

section .bss
pf_count:   resd 1
pf_cr2:     resd 1
pf_eip:     resd 1
pf_ecx:     resd 1
pf_esi:     resd 1
pf_edi:     resd 1

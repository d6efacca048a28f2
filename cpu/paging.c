/*
 * paging.c - linear -> physical translation by walking the guest's tables.
 *
 * Sources: SDM vol. 3A ch. 4: 4.3 (32-bit paging, PSE 4 MiB pages), 4.4 (PAE
 * paging, 2 MiB pages, NX with IA32_EFER.NXE), 4.6 (access rights incl.
 * CR0.WP), 4.7 (#PF error code), 4.8 (accessed and dirty flags), 4.10.2 (global
 * pages).
 *
 * Accessed bits are set only when the access is allowed (as Bochs and the
 * P6 do: a faulting walk leaves the tables untouched), dirty bits only for
 * writes.  Table entries are read and written through the bus, with A20.
 *
 * Not emulated: PSE-36 (bits 13-21 of a 4 MiB PDE are reserved, since CPUID
 * does not advertise PSE-36), PCD/PWT/PAT memory types, the PDPTE cache that
 * real CPUs load at MOV CR3 (PDPTEs are read at each walk instead),
 * physical addresses above 4 GiB (bits 32-35 are dropped).
 */
#include "cpu/paging.h"

#include "cpu/except.h"
#include "mem/bus.h"

#define PTE_P 0x001u
#define PTE_W 0x002u
#define PTE_U 0x004u
#define PTE_A 0x020u
#define PTE_D 0x040u
#define PTE_PS 0x080u
#define PTE_G 0x100u

#define PF_P 0x01u
#define PF_W 0x02u
#define PF_U 0x04u
#define PF_RSVD 0x08u
#define PF_I 0x10u

static _Noreturn void page_fault(struct cpu *c, uint32_t lin, uint32_t err)
{
    c->cr2 = lin;
    cpu_raise(c, EXC_PF, err);
}

static uint32_t fault_bits(int acc, bool user, bool nx_enabled)
{
    uint32_t e = 0;
    if (acc == ACC_WRITE)
        e |= PF_W;
    if (user)
        e |= PF_U;
    if (acc == ACC_FETCH && nx_enabled)
        e |= PF_I;
    return e;
}

static uint64_t read_entry(struct cpu *c, uint32_t paddr, bool pae)
{
    paddr &= c->a20_mask;
    uint64_t lo = bus_phys_read(c->bus, paddr, 4);
    if (!pae)
        return lo;
    return lo | ((uint64_t)bus_phys_read(c->bus, paddr + 4, 4) << 32);
}

/* Set A (and D) in a table entry if missing; only the low dword holds them. */
static void update_entry(struct cpu *c, uint32_t paddr, uint64_t entry, uint32_t bits)
{
    if ((entry & bits) != bits)
        bus_phys_write(c->bus, paddr & c->a20_mask, (uint32_t)entry | bits, 4);
}

/* The rights check shared by both formats. `user_ok`/`write_ok` combine every
 * level of the walk (SDM 4.6.1). */
static bool access_allowed(const struct cpu *c, int acc, bool user, bool user_ok, bool write_ok,
                           bool nx)
{
    if (user && !user_ok)
        return false;
    if (acc == ACC_WRITE && !write_ok && (user || (c->cr0 & CR0_WP)))
        return false;
    if (acc == ACC_FETCH && nx)
        return false;
    return true;
}

static struct page_walk walk_legacy(struct cpu *c, uint32_t lin, int acc, bool user)
{
    struct page_walk w = {0};
    uint32_t err = fault_bits(acc, user, false);
    uint32_t pde_addr = (c->cr3 & 0xfffff000u) | ((lin >> 22) << 2);
    uint32_t pde = (uint32_t)read_entry(c, pde_addr, false);
    if (!(pde & PTE_P))
        page_fault(c, lin, err);
    if ((pde & PTE_PS) && (c->cr4 & CR4_PSE)) {
        if (pde & 0x003fe000u) /* reserved without PSE-36 */
            page_fault(c, lin, err | PF_P | PF_RSVD);
        w.user = pde & PTE_U;
        w.writable = pde & PTE_W;
        if (!access_allowed(c, acc, user, w.user, w.writable, false))
            page_fault(c, lin, err | PF_P);
        uint32_t set = PTE_A | (acc == ACC_WRITE ? PTE_D : 0);
        update_entry(c, pde_addr, pde, set);
        w.dirty = (pde & PTE_D) || acc == ACC_WRITE;
        w.global = (pde & PTE_G) && (c->cr4 & CR4_PGE);
        w.paddr = (pde & 0xffc00000u) | (lin & 0x003fffffu);
        w.page_size = 4u << 20;
        return w;
    }
    uint32_t pte_addr = (pde & 0xfffff000u) | (((lin >> 12) & 0x3ff) << 2);
    uint32_t pte = (uint32_t)read_entry(c, pte_addr, false);
    if (!(pte & PTE_P))
        page_fault(c, lin, err);
    w.user = (pde & PTE_U) && (pte & PTE_U);
    w.writable = (pde & PTE_W) && (pte & PTE_W);
    if (!access_allowed(c, acc, user, w.user, w.writable, false))
        page_fault(c, lin, err | PF_P);
    update_entry(c, pde_addr, pde, PTE_A);
    update_entry(c, pte_addr, pte, PTE_A | (acc == ACC_WRITE ? PTE_D : 0));
    w.dirty = (pte & PTE_D) || acc == ACC_WRITE;
    w.global = (pte & PTE_G) && (c->cr4 & CR4_PGE);
    w.paddr = (pte & 0xfffff000u) | (lin & 0xfff);
    w.page_size = 4096;
    return w;
}

/* Reserved bits of PAE entries: 36-62 (MAXPHYADDR 36), plus NX when NXE=0. */
static uint64_t pae_reserved(const struct cpu *c)
{
    uint64_t r = 0x7ffffff000000000ull;
    if (!(c->efer & EFER_NXE))
        r |= 1ull << 63;
    return r;
}

static struct page_walk walk_pae(struct cpu *c, uint32_t lin, int acc, bool user)
{
    struct page_walk w = {0};
    bool nxe = c->efer & EFER_NXE;
    uint32_t err = fault_bits(acc, user, nxe);
    uint64_t rsvd = pae_reserved(c);
    uint32_t pdpte_addr = (c->cr3 & 0xffffffe0u) | ((lin >> 30) << 3);
    uint64_t pdpte = read_entry(c, pdpte_addr, true);
    if (!(pdpte & PTE_P))
        page_fault(c, lin, err);
    if (pdpte & (0xfff0000000000000ull | 0x1e6)) /* PDPTE reserved bits incl. NX, R/W, U/S */
        page_fault(c, lin, err | PF_P | PF_RSVD);
    uint32_t pde_addr = ((uint32_t)pdpte & 0xfffff000u) | (((lin >> 21) & 0x1ff) << 3);
    uint64_t pde = read_entry(c, pde_addr, true);
    if (!(pde & PTE_P))
        page_fault(c, lin, err);
    if (pde & rsvd)
        page_fault(c, lin, err | PF_P | PF_RSVD);
    bool nx = nxe && (pde >> 63);
    if (pde & PTE_PS) {
        if (pde & 0x001fe000ull)
            page_fault(c, lin, err | PF_P | PF_RSVD);
        w.user = pde & PTE_U;
        w.writable = pde & PTE_W;
        w.nx = nx;
        if (!access_allowed(c, acc, user, w.user, w.writable, nx))
            page_fault(c, lin, err | PF_P);
        update_entry(c, pde_addr, pde, PTE_A | (acc == ACC_WRITE ? PTE_D : 0));
        w.dirty = (pde & PTE_D) || acc == ACC_WRITE;
        w.global = (pde & PTE_G) && (c->cr4 & CR4_PGE);
        w.paddr = ((uint32_t)pde & 0xffe00000u) | (lin & 0x001fffffu);
        w.page_size = 2u << 20;
        return w;
    }
    uint32_t pte_addr = ((uint32_t)pde & 0xfffff000u) | (((lin >> 12) & 0x1ff) << 3);
    uint64_t pte = read_entry(c, pte_addr, true);
    if (!(pte & PTE_P))
        page_fault(c, lin, err);
    if (pte & rsvd)
        page_fault(c, lin, err | PF_P | PF_RSVD);
    nx = nx || (nxe && (pte >> 63));
    w.user = (pde & PTE_U) && (pte & PTE_U);
    w.writable = (pde & PTE_W) && (pte & PTE_W);
    w.nx = nx;
    if (!access_allowed(c, acc, user, w.user, w.writable, nx))
        page_fault(c, lin, err | PF_P);
    update_entry(c, pde_addr, pde, PTE_A);
    update_entry(c, pte_addr, pte, PTE_A | (acc == ACC_WRITE ? PTE_D : 0));
    w.dirty = (pte & PTE_D) || acc == ACC_WRITE;
    w.global = (pte & PTE_G) && (c->cr4 & CR4_PGE);
    w.paddr = ((uint32_t)pte & 0xfffff000u) | (lin & 0xfff);
    w.page_size = 4096;
    return w;
}

struct page_walk paging_walk(struct cpu *c, uint32_t lin, int acc, bool user)
{
    if (c->cr4 & CR4_PAE)
        return walk_pae(c, lin, acc, user);
    return walk_legacy(c, lin, acc, user);
}

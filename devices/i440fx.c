/*
 * i440fx.c - Intel 82441FX PCI and Memory Controller (PMC), the i440FX host
 * bridge at 00:00.0 (8086:1237, revision 2).
 *
 * Sources: Intel 440FX PCIset 82441FX PMC / 82442FX DBX datasheet, 3.2
 * (configuration registers: PCICMD, PCISTS, RID, MLT, PMCCFG, DRAMC, DRAMT,
 * PAM0-PAM6 at 59h-5Fh, DRB0-7 at 60h-67h, SMRAM at 72h, ERRCMD, ERRSTS) and
 * 4.1 (memory map: the 13 PAM segments of C0000-FFFFF).  PAM0 bits 5:4 control
 * F0000-FFFFF; PAM1-PAM6 each control two 16 KiB segments, the low nibble the
 * lower one (PAM1: C0000-C3FFF and C4000-C7FFF, ... PAM6: EC000-EFFFF).  In
 * each nibble bit 0 (RE) sends reads to DRAM and bit 1 (WE) sends writes to
 * DRAM; a cleared bit sends the cycle to PCI, where the PIIX decodes the BIOS
 * (E0000-FFFFF) and nothing else answers (all ones).
 *
 * Modelling: each segment is one bus region, replaced when its mode changes
 * (the bus tells the CPU to flush its TLB and decoded code): disabled = the
 * ROM's bytes mapped read-only (or nothing), read-only = the shadow RAM mapped
 * with BUS_RAM_ROM (writes go to the ROM and vanish), read/write = the RAM,
 * write-only = an MMIO region that reads the ROM side and writes the RAM.
 * SeaBIOS unlocks its shadow with PAM=0x33/0x30 and locks it with 0x11/0x10
 * (src/fw/shadow.c).
 *
 * Not emulated: SMM (SMRAM is stored with its D_LCK rules, but no SMRAM
 * window is decoded), DRAM sizing through DRB (the board fixes the RAM), the
 * TRC port lives in pci.c, PCI arbitration and error reporting (ERRSTS never
 * sets), the 82442FX data path.
 */
#include "devices/i440fx.h"

#include <stdlib.h>
#include <string.h>

#include "devices/pci.h"
#include "mem/bus.h"
#include "mem/log.h"

#define SMRAM_D_OPEN 0x40
#define SMRAM_D_CLS 0x20
#define SMRAM_D_LCK 0x10
#define SMRAM_G_SMRAME 0x08
#define SMRAM_C_BASE_SEG 0x02 /* hard-wired 010: A0000-BFFFF */

struct i440fx;

struct i440fx_seg {
    struct i440fx *s;   /* owner (the write-only MMIO region's opaque) */
    uint32_t base;      /* first address */
    uint32_t len;       /* bytes */
    struct region *reg; /* current mapping, NULL if none */
    unsigned mode;      /* PAM_* the mapping was built for; -1u before the first */
};

struct i440fx {
    struct pci_func pci;                    /* 00:00.0 config space */
    struct bus *bus;                        /* memory space the segments live in */
    struct pci_bus *pb;                     /* bus the function is registered on */
    uint8_t *ram;                           /* guest RAM host memory (shadow RAM) */
    const uint8_t *rom;                     /* BIOS low window bytes; NULL if none */
    uint32_t rom_base;                      /* first address of the ROM window (1 MiB - len) */
    struct i440fx_seg seg[I440FX_NUM_SEGS]; /* PAM segments, in the order of the header */
};

/* Segment i's mode from the PAM registers. */
static unsigned seg_mode(const struct i440fx *s, int i)
{
    if (i == 0) return (s->pci.config[I440FX_PAM0] >> 4) & 3;
    unsigned k = (unsigned)i - 1;
    uint8_t pam = s->pci.config[I440FX_PAM0 + 1 + k / 2];
    return (k & 1 ? pam >> 4 : pam) & 3;
}

/* The PCI side's byte at addr: the BIOS window, or all ones. */
static uint8_t rom_byte(const struct i440fx *s, uint32_t addr)
{
    if (s->rom && addr >= s->rom_base && addr < I440FX_SHADOW_END)
        return s->rom[addr - s->rom_base];
    return 0xFF;
}

static uint32_t wo_read(void *opaque, uint32_t off, unsigned size)
{
    struct i440fx_seg *g = opaque;
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)rom_byte(g->s, g->base + off + i) << (8 * i);
    return v;
}

static void wo_write(void *opaque, uint32_t off, uint32_t value, unsigned size)
{
    struct i440fx_seg *g = opaque;
    for (unsigned i = 0; i < size && off + i < g->len; i++)
        g->s->ram[g->base + off + i] = (uint8_t)(value >> (8 * i));
}

static const struct io_ops wo_ops = {wo_read, wo_write, 1, 4, "pam-write-only"};

/* Map segment i for mode. */
static void seg_map(struct i440fx *s, int i, unsigned mode)
{
    struct i440fx_seg *g = &s->seg[i];
    if (g->mode == mode) return;
    bus_unmap(s->bus, g->reg);
    g->reg = NULL;
    g->mode = mode;
    switch (mode) {
    case PAM_PCI:
        if (s->rom && g->base >= s->rom_base)
            g->reg = bus_map_ram(s->bus, g->base, g->len,
                                 (uint8_t *)s->rom + (g->base - s->rom_base), BUS_RAM_ROM);
        break;
    case PAM_RO:
        g->reg = bus_map_ram(s->bus, g->base, g->len, s->ram + g->base, BUS_RAM_ROM);
        break;
    case PAM_WO: g->reg = bus_map_mmio(s->bus, g->base, g->len, &wo_ops, g); break;
    case PAM_RW: g->reg = bus_map_ram(s->bus, g->base, g->len, s->ram + g->base, 0); break;
    }
    LOG(LOG_PCI, "i440fx: PAM segment 0x%05x-0x%05x mode %u", g->base, g->base + g->len - 1, mode);
}

/* The one place the memory map follows the PAM registers. */
static void i440fx_update_map(struct i440fx *s)
{
    for (int i = 0; i < I440FX_NUM_SEGS; i++)
        seg_map(s, i, seg_mode(s, i));
}

static void i440fx_config_write(struct pci_func *f, unsigned off, uint32_t old, uint32_t val,
                                unsigned size)
{
    struct i440fx *s = f->opaque;
    /* SMRAM: once D_LCK is set, D_OPEN reads 0 and only D_CLS stays writable
     * until reset (datasheet 3.2, SMRAM). */
    if (off <= I440FX_SMRAM && off + size > I440FX_SMRAM) {
        uint8_t prev = (uint8_t)(old >> (8 * (I440FX_SMRAM - off)));
        uint8_t *r = &f->config[I440FX_SMRAM];
        if (prev & SMRAM_D_LCK) *r = (uint8_t)((prev & ~SMRAM_D_CLS) | (*r & SMRAM_D_CLS));
        if (*r & SMRAM_D_LCK) *r &= (uint8_t)~SMRAM_D_OPEN;
        if ((*r & SMRAM_G_SMRAME) || (*r & SMRAM_D_OPEN)) LOG_UNIMPL_ONCE("i440fx: SMRAM (no SMM)");
    }
    if (off < I440FX_PAM0 + 7 && off + size > I440FX_PAM0) i440fx_update_map(s);
}

static void i440fx_regs_reset(struct i440fx *s)
{
    struct pci_func *f = &s->pci;
    pci_func_init(f, 0x8086, 0x1237, 0x02, 0x060000, 0x00);
    pci_set(f, PCI_COMMAND, 0x0006, 2); /* memory and bus master always on */
    pci_set(f, PCI_STATUS, 0x0280, 2);  /* fast back-to-back, DEVSEL medium */
    f->wmask[PCI_COMMAND] = 0x00;       /* only SERR# enable (bit 8) is writable */
    f->wmask[PCI_COMMAND + 1] = 0x01;
    f->wmask[PCI_CACHE_LINE] = 0;
    f->wmask[PCI_LATENCY] = 0xF8; /* MLT: bits 7:3 */
    f->wmask[PCI_INTERRUPT_LINE] = 0;
    /* Chipset registers, stored (datasheet 3.2). */
    f->wmask[0x50] = 0xFF; /* PMCCFG */
    f->wmask[0x51] = 0xFF;
    f->wmask[0x52] = 0xFF; /* DBC */
    f->wmask[0x53] = 0xFF; /* AXC */
    f->wmask[0x54] = 0xFF; /* DRAMR */
    f->wmask[0x55] = 0xFF;
    f->wmask[0x57] = 0xFF; /* DRAMC */
    f->config[0x57] = 0x01;
    f->wmask[0x58] = 0xFF; /* DRAMT */
    f->config[0x58] = 0x10;
    for (unsigned i = 0; i < 7; i++)
        f->wmask[I440FX_PAM0 + i] = i == 0 ? 0x30 : 0x33; /* PAM0 bits 3:0 reserved */
    for (unsigned i = 0x60; i < 0x68; i++) {
        f->wmask[i] = 0xFF; /* DRB0-7 */
        f->config[i] = 0x01;
    }
    f->wmask[0x68] = 0xC0; /* FDHC */
    f->wmask[0x70] = 0xFC; /* MTT */
    f->config[0x70] = 0x20;
    f->wmask[0x71] = 0xFF; /* CLT */
    f->config[0x71] = 0x10;
    f->wmask[I440FX_SMRAM] = SMRAM_D_OPEN | SMRAM_D_CLS | SMRAM_D_LCK | SMRAM_G_SMRAME;
    f->config[I440FX_SMRAM] = SMRAM_C_BASE_SEG;
    f->wmask[0x90] = 0xFF;   /* ERRCMD */
    f->w1cmask[0x91] = 0xFF; /* ERRSTS */
    f->wmask[0x93] = 0xFF;
}

static void i440fx_reset(void *opaque)
{
    struct i440fx *s = opaque;
    i440fx_regs_reset(s);
    i440fx_update_map(s);
}

static void i440fx_destroy(void *opaque)
{
    struct i440fx *s = opaque;
    if (!s) return;
    pci_unregister(s->pb, &s->pci);
    for (int i = 0; i < I440FX_NUM_SEGS; i++)
        bus_unmap(s->bus, s->seg[i].reg);
    free(s);
}

struct i440fx *i440fx_create(struct bus *bus, struct pci_bus *pb, uint8_t *ram, const uint8_t *rom,
                             uint32_t rom_len)
{
    if (!ram || rom_len > I440FX_SHADOW_END - 0xE0000 || rom_len % 0x4000) return NULL;
    struct i440fx *s = calloc(1, sizeof(*s));
    if (!s) return NULL;
    s->bus = bus;
    s->ram = ram;
    s->rom = rom_len ? rom : NULL;
    s->rom_base = I440FX_SHADOW_END - rom_len;
    s->pci.opaque = s;
    s->pci.config_write = i440fx_config_write;
    for (int i = 0; i < I440FX_NUM_SEGS; i++) {
        struct i440fx_seg *g = &s->seg[i];
        g->s = s;
        g->base = i == 0 ? 0xF0000u : I440FX_SHADOW_BASE + 0x4000u * (unsigned)(i - 1);
        g->len = i == 0 ? 0x10000u : 0x4000u;
        g->mode = -1u;
    }
    i440fx_regs_reset(s);
    if (pci_register(pb, &s->pci, 0, 0) != 0) {
        free(s);
        return NULL;
    }
    s->pb = pb;
    i440fx_update_map(s);
    for (int i = 0; i < I440FX_NUM_SEGS; i++) {
        bool want = s->seg[i].mode != PAM_PCI || (s->rom && s->seg[i].base >= s->rom_base);
        if (want && !s->seg[i].reg) {
            i440fx_destroy(s);
            return NULL;
        }
    }
    return s;
}

unsigned i440fx_pam_mode(const struct i440fx *s, uint32_t addr)
{
    if (addr >= 0xF0000u) return seg_mode(s, 0);
    if (addr < I440FX_SHADOW_BASE) return PAM_RW;
    return seg_mode(s, 1 + (int)((addr - I440FX_SHADOW_BASE) / 0x4000u));
}

static void i440fx_info(void *opaque, FILE *out)
{
    struct i440fx *s = opaque;
    static const char *const names[] = {"pci", "ro", "wo", "rw"};
    fprintf(out, "i440fx: SMRAM=0x%02x PAM", s->pci.config[I440FX_SMRAM]);
    for (int i = 0; i < 7; i++)
        fprintf(out, " %02x", s->pci.config[I440FX_PAM0 + i]);
    fprintf(out, " (F0000 %s)\n", names[seg_mode(s, 0)]);
}

const struct device_desc i440fx_desc = {
    .name = "i440fx",
    .reset = i440fx_reset,
    .destroy = i440fx_destroy,
    .info = i440fx_info,
};

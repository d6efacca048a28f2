/*
 * vbe.c - the Bochs VBE "DISPI" interface and the PCI side of QEMU's
 * std-VGA (1234:1111): linear framebuffer in BAR0, the VGA BIOS as the
 * expansion ROM.
 *
 * Sources: Bochs iodev/vga.cc and vbe.h (DISPI registers at index port 0x1CE
 * and data port 0x1CF: ID 0xB0C0-0xB0C5, XRES, YRES, BPP, ENABLE with
 * GETCAPS / 8BIT_DAC / LFB_ENABLED / NOCLEARMEM, BANK, VIRT_WIDTH,
 * VIRT_HEIGHT, X_OFFSET, Y_OFFSET, VIDEO_MEMORY_64K), QEMU hw/display/vga.c
 * and vga-pci.c for the rules SeaBIOS's vgabios-stdvga.bin and Linux's
 * bochs-drm rely on (geometry registers writable only while disabled, the
 * virtual height derived from VRAM, enabling clears VRAM unless NOCLEARMEM,
 * GETCAPS makes XRES/YRES/BPP read their maxima), PCI 2.1 6.2.5.2 for the
 * expansion ROM BAR (SeaBIOS sizes it, enables it, copies the image to
 * C0000 and runs it: that is how the VGA BIOS arrives, as on QEMU).
 *
 * The LFB is VRAM mapped as dirty-logged RAM at BAR0, so guest writes take
 * the CPU's RAM path and the renderer learns which pages changed from the
 * bus (bus_ram_dirty_test_and_clear).  Before firmware assigns it, BAR0
 * holds 0xE0000000 with memory decoding on, as Bochs's fixed LFB.
 *
 * 4-bpp modes are planar, as Bochs's: the banked window goes through the
 * VGA's planar write pipeline and scan-out reads the four planes.
 *
 * Not modelled: QEMU's MMIO BAR2
 * (DISPI and VGA ports through memory; drivers fall back to ports), the
 * DISPI ID register's effect on behaviour, save state.
 */
#include <stdlib.h>
#include <string.h>

#include "devices/vbe.h"
#include "devices/vga_internal.h"
#include "mem/log.h"

#define VBE_PORT_BASE 0x1CE
#define PCI_ROM_ADDRESS 0x30
#define PCI_BAR_PREFETCH 0x08

bool vbe_enabled(const struct vga *s)
{
    return (s->vbe_regs[VBE_INDEX_ENABLE] & VBE_ENABLED) != 0;
}

/* Bytes of (interleaved) VRAM per 2 pixels: 4 bpp keeps 8 pixels in one
 * planar address, 4 bytes, so half a byte per pixel. */
static unsigned vbe_bytes_per_2px(const struct vga *s)
{
    unsigned bpp = s->vbe_regs[VBE_INDEX_BPP];
    return bpp == 4 ? 1 : 2 * ((bpp + 7u) / 8u);
}

/* Recompute line offset, virtual height and start from the registers. */
static void vbe_update_geometry(struct vga *s)
{
    uint16_t *r = s->vbe_regs;
    unsigned b2 = vbe_bytes_per_2px(s);
    if (r[VBE_INDEX_VIRT_WIDTH] < r[VBE_INDEX_XRES]) r[VBE_INDEX_VIRT_WIDTH] = r[VBE_INDEX_XRES];
    s->vbe_line_offset = (uint32_t)r[VBE_INDEX_VIRT_WIDTH] * b2 / 2;
    uint32_t vh = s->vbe_line_offset ? s->vram_size / s->vbe_line_offset : 0;
    r[VBE_INDEX_VIRT_HEIGHT] = (uint16_t)(vh > 0xFFFF ? 0xFFFF : vh);
    uint64_t start = (uint64_t)r[VBE_INDEX_Y_OFFSET] * s->vbe_line_offset +
                     (uint64_t)r[VBE_INDEX_X_OFFSET] * b2 / 2;
    s->vbe_start = start < s->vram_size ? (uint32_t)start : 0;
}

static uint16_t vbe_read_reg(struct vga *s, unsigned i)
{
    if (i >= VBE_INDEX_COUNT) return 0;
    if (s->vbe_regs[VBE_INDEX_ENABLE] & VBE_GETCAPS) {
        if (i == VBE_INDEX_XRES) return VBE_MAX_XRES;
        if (i == VBE_INDEX_YRES) return VBE_MAX_YRES;
        if (i == VBE_INDEX_BPP) return VBE_MAX_BPP;
    }
    if (i == VBE_INDEX_VIDEO_MEMORY_64K) return (uint16_t)(s->vram_size >> 16);
    return s->vbe_regs[i];
}

static void vbe_write_reg(struct vga *s, unsigned i, uint16_t v)
{
    uint16_t *r = s->vbe_regs;
    bool on = vbe_enabled(s);
    switch (i) {
    case VBE_INDEX_ID:
        if (v >= VBE_ID0 && v <= VBE_ID5) r[i] = v;
        break;
    case VBE_INDEX_XRES:
        if (!on && v <= VBE_MAX_XRES && (v & 7) == 0) r[i] = v;
        break;
    case VBE_INDEX_YRES:
        if (!on && v <= VBE_MAX_YRES) r[i] = v;
        break;
    case VBE_INDEX_BPP:
        if (v == 0) v = 8;
        if (!on && (v == 4 || v == 8 || v == 15 || v == 16 || v == 24 || v == 32)) r[i] = v;
        break;
    case VBE_INDEX_BANK: {
        uint32_t banks = s->vram_size >> 16;
        r[i] = (uint16_t)(v & (banks - 1));
        break;
    }
    case VBE_INDEX_ENABLE:
        if ((v & VBE_ENABLED) && !on) {
            if (r[VBE_INDEX_XRES] == 0 || r[VBE_INDEX_YRES] == 0) {
                v &= (uint16_t)~VBE_ENABLED; /* nothing to show: stay in VGA mode */
            } else {
                r[VBE_INDEX_VIRT_WIDTH] = r[VBE_INDEX_XRES];
                r[VBE_INDEX_X_OFFSET] = r[VBE_INDEX_Y_OFFSET] = 0;
                r[VBE_INDEX_BANK] = 0;
                if (!(v & VBE_NOCLEARMEM)) {
                    memset(s->vram, 0, s->vram_size);
                    vga_mark_dirty(s, 0, s->vram_size);
                }
                /* The VGA side as QEMU sets it: graphics, 64K window at
                 * A0000, chain-4 (planar for 4 bpp), so legacy code sees a
                 * sane state. */
                s->gr[6] = (uint8_t)((s->gr[6] & ~0x0C) | 0x05);
                if (r[VBE_INDEX_BPP] == 4)
                    s->sr[4] = (uint8_t)((s->sr[4] & ~0x08) | 0x04);
                else
                    s->sr[4] |= 0x08;
            }
        }
        r[i] = v & (VBE_ENABLED | VBE_GETCAPS | VBE_8BIT_DAC | VBE_LFB_ENABLED | VBE_NOCLEARMEM);
        LOG(LOG_VGA, "vbe: enable=0x%x %ux%ux%u", r[i], r[VBE_INDEX_XRES], r[VBE_INDEX_YRES],
            r[VBE_INDEX_BPP]);
        break;
    case VBE_INDEX_VIRT_WIDTH:
        if (v >= r[VBE_INDEX_XRES] || !on) r[i] = v;
        break;
    case VBE_INDEX_X_OFFSET:
    case VBE_INDEX_Y_OFFSET: r[i] = v; break;
    default: return; /* VIRT_HEIGHT and VIDEO_MEMORY_64K are derived */
    }
    vbe_update_geometry(s);
}

/* Ports 0x1CE (index), 0x1CF (data) and 0x1D0 (data, QEMU's alias for
 * word accesses on machines without unaligned I/O); 16-bit registers, a
 * byte access reaches the low byte. */
static uint32_t vbe_port_read(void *opaque, uint32_t off, unsigned size)
{
    struct vga *s = opaque;
    return off == 0 ? s->vbe_index : vbe_read_reg(s, s->vbe_index);
}

static void vbe_port_write(void *opaque, uint32_t off, uint32_t value, unsigned size)
{
    struct vga *s = opaque;
    if (off == 0)
        s->vbe_index = (uint16_t)value;
    else
        vbe_write_reg(s, s->vbe_index, (uint16_t)value);
}

static const struct io_ops vbe_port_ops = {vbe_port_read, vbe_port_write, 1, 2, "vbe-dispi"};

/* --- PCI function ------------------------------------------------------------ */

static void vbe_map_lfb(struct vga *s, uint32_t addr)
{
    if (addr == PCI_BAR_UNMAPPED) {
        bus_unmap(s->bus, s->lfb);
        s->lfb = NULL;
        return;
    }
    if (s->lfb && bus_move(s->bus, s->lfb, addr)) return;
    bus_unmap(s->bus, s->lfb);
    s->lfb = bus_map_ram(s->bus, addr, s->vram_size, s->vram, BUS_RAM_DIRTY_LOG);
    if (!s->lfb) LOG(LOG_VGA, "vbe: LFB at 0x%08x overlaps other memory: not mapped", addr);
}

static void vbe_bar_map(struct pci_func *f, int n, uint32_t addr)
{
    if (n == 0) vbe_map_lfb(f->opaque, addr);
}

/* The expansion ROM decodes while its enable bit and memory space are on. */
static void vbe_update_rom(struct vga *s)
{
    if (!s->rom) return;
    uint32_t bar = pci_get(&s->pci, PCI_ROM_ADDRESS, 4);
    uint32_t base = bar & ~(s->rom_size - 1);
    bool on = (bar & 1) && (pci_get(&s->pci, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY) && base != 0 &&
              base != ~(s->rom_size - 1);
    uint32_t cur = s->rom_region ? bus_region_base(s->rom_region) : PCI_BAR_UNMAPPED;
    if (on && cur == base) return;
    bus_unmap(s->bus, s->rom_region);
    s->rom_region = NULL;
    if (on) {
        s->rom_region = bus_map_ram(s->bus, base, s->rom_size, s->rom, BUS_RAM_ROM);
        LOG(LOG_VGA, "vbe: ROM BAR at 0x%08x%s", base, s->rom_region ? "" : " (overlap)");
    }
}

static void vbe_config_write(struct pci_func *f, unsigned off, uint32_t old, uint32_t val,
                             unsigned size)
{
    if ((off < PCI_COMMAND + 2 && off + size > PCI_COMMAND) ||
        (off < PCI_ROM_ADDRESS + 4 && off + size > PCI_ROM_ADDRESS))
        vbe_update_rom(f->opaque);
}

static void vbe_pci_reset(struct vga *s)
{
    struct pci_func *f = &s->pci;
    pci_func_init(f, VGA_PCI_VENDOR, VGA_PCI_DEVICE, 0x02, 0x030000, 0x00);
    pci_set(f, 0x2C, 0x1AF4, 2); /* subsystem vendor and ID, as QEMU */
    pci_set(f, 0x2E, 0x1100, 2);
    pci_func_set_bar(f, 0, s->vram_size, false);
    pci_set(f, PCI_BAR0, VBE_LFB_DEFAULT | PCI_BAR_PREFETCH, 4);
    if (s->rom) {
        pci_set(f, PCI_ROM_ADDRESS, 0, 4);
        uint32_t m = ~(s->rom_size - 1) | 1u;
        for (unsigned i = 0; i < 4; i++)
            f->wmask[PCI_ROM_ADDRESS + i] = (uint8_t)(m >> (8 * i));
    }
    /* A VGA decodes from power-on (the legacy ranges and Bochs's fixed LFB). */
    pci_set(f, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY, 2);
    pci_func_update_bars(f);
    vbe_update_rom(s);
}

int vbe_init(struct vga *s, struct pci_bus *pb, const uint8_t *rom, uint32_t rom_len)
{
    if (rom && rom_len) {
        s->rom_size = 0x800;
        while (s->rom_size < rom_len)
            s->rom_size <<= 1;
        if (s->rom_size < 0x1000) s->rom_size = 0x1000; /* the bus maps whole pages */
        s->rom = malloc(s->rom_size);
        if (!s->rom) return -1;
        memset(s->rom, 0xFF, s->rom_size);
        memcpy(s->rom, rom, rom_len);
    }
    s->vbe_ports = bus_map_ports(s->bus, VBE_PORT_BASE, 3, &vbe_port_ops, s);
    if (!s->vbe_ports) return -1;
    s->pci.opaque = s;
    s->pci.bar_map = pb ? vbe_bar_map : NULL;
    s->pci.config_write = vbe_config_write;
    return 0;
}

void vbe_reset(struct vga *s)
{
    memset(s->vbe_regs, 0, sizeof(s->vbe_regs));
    s->vbe_regs[VBE_INDEX_ID] = VBE_ID5;
    s->vbe_regs[VBE_INDEX_BPP] = 8;
    s->vbe_index = 0;
    vbe_update_geometry(s);
    if (s->pci.bar_map)
        vbe_pci_reset(s);
    else if (!s->lfb)
        vbe_map_lfb(s, VBE_LFB_DEFAULT); /* no PCI bus: Bochs's fixed LFB */
}

void vbe_destroy(struct vga *s)
{
    if (s->pb) pci_unregister(s->pb, &s->pci);
    bus_unmap(s->bus, s->lfb);
    bus_unmap(s->bus, s->rom_region);
    bus_unmap(s->bus, s->vbe_ports);
    free(s->rom);
}

void vbe_collect_dirty(struct vga *s, uint32_t off, uint32_t len)
{
    if (!s->lfb || len == 0 || off >= s->vram_size) return;
    if (len > s->vram_size - off) len = s->vram_size - off;
    uint32_t first = off >> VGA_PAGE_SHIFT, last = (off + len - 1) >> VGA_PAGE_SHIFT;
    for (uint32_t p = first; p <= last; p++)
        if (bus_ram_dirty_test_and_clear(s->bus, s->lfb, p << VGA_PAGE_SHIFT, 1u << VGA_PAGE_SHIFT))
            s->dirty[p >> 3] |= (uint8_t)(1u << (p & 7));
}

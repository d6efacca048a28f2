/*
 * vga.c - IBM VGA registers and display memory, as on QEMU's std-VGA.
 *
 * Sources: IBM VGA Technical Reference (registers, write modes 0-3, read
 * modes 0-1, latches, set/reset, data rotate, bit mask, colour compare),
 * FreeVGA's register pages (sequencer, CRTC, graphics, attribute, DAC,
 * external registers), and QEMU's and Bochs's VGA for the behaviour the
 * VGA BIOS relies on.
 *
 * Modelled: Misc Output (3C2/3CC; bit 0 moves the CRTC and Input Status 1
 * between 3Bx and 3Dx), Feature Control, Input Status 0/1 (vertical retrace
 * and display enable derived from the virtual clock and the CRTC timing:
 * pixel clock from Misc bits 3-2, 8/9-dot characters, horizontal and
 * vertical totals; a read of Input Status 1 resets the attribute flip-flop),
 * the sequencer, the CRTC with its protect bit (CR11 bit 7 locks CR0-CR7
 * except CR7 bit 4), the graphics controller, the attribute controller with
 * its index/data flip-flop and palette address source, the DAC (3C6 pixel
 * mask, 3C7 read index and state, 3C8 write index, 3C9 three accesses per
 * entry).  Memory: the A0000-BFFFF window decoded per GR6 (128K at A0000,
 * 64K at A0000, 32K at B0000, 32K at B8000); chain-4 and odd/even go
 * straight to the planes, the planar path applies the full write pipeline.
 * Every write marks its VRAM page dirty (vga_mark_dirty) for the renderer.
 *
 * Not modelled: chain-4 and odd/even writes through the write modes (they
 * store the byte, as QEMU and Bochs do), the odd/even page bit of Misc
 * Output, the horizontal retrace timing other than display enable, light
 * pens, CRTC interrupts (CR11 bits 4-5), the MDA/CGA/Hercules ports
 * (3B8, 3D8, 3D9), save state.
 */
#include "devices/vga.h"

#include <stdlib.h>
#include <string.h>

#include "devices/vga_internal.h"
#include "mem/log.h"

#define VGA_PORT_BASE 0x3B0
#define VGA_PORT_COUNT 0x30
#define VGA_WINDOW_BASE 0xA0000u
#define VGA_WINDOW_SIZE 0x20000u

/* Writable bits of each register (FreeVGA). */
static const uint8_t sr_mask[8] = {0x03, 0x3D, 0x0F, 0x3F, 0x0E, 0x00, 0x00, 0x00};
static const uint8_t gr_mask[16] = {0x0F, 0x0F, 0x0F, 0x1F, 0x03, 0x7B, 0x0F, 0x0F, 0xFF};

/* 4-bit value -> one 0x00/0xFF byte per plane. */
static const uint32_t expand4[16] = {
    0x00000000, 0x000000FF, 0x0000FF00, 0x0000FFFF, 0x00FF0000, 0x00FF00FF, 0x00FFFF00, 0x00FFFFFF,
    0xFF000000, 0xFF0000FF, 0xFF00FF00, 0xFF00FFFF, 0xFFFF0000, 0xFFFF00FF, 0xFFFFFF00, 0xFFFFFFFF,
};

void vga_mark_dirty(struct vga *s, uint32_t vram_off, uint32_t len)
{
    if (len == 0 || vram_off >= s->vram_size) return;
    uint32_t last = vram_off + len - 1;
    if (last >= s->vram_size) last = s->vram_size - 1;
    for (uint32_t p = vram_off >> VGA_PAGE_SHIFT; p <= last >> VGA_PAGE_SHIFT; p++)
        s->dirty[p >> 3] |= (uint8_t)(1u << (p & 7));
}

static inline void mark_byte(struct vga *s, uint32_t vram_off)
{
    uint32_t p = vram_off >> VGA_PAGE_SHIFT;
    s->dirty[p >> 3] |= (uint8_t)(1u << (p & 7));
}

/* --- timing ---------------------------------------------------------------- */

struct crt_timing {
    uint64_t line_ns;  /* one scanline */
    uint32_t vtotal;   /* scanlines per frame */
    uint32_t vdisp;    /* displayed scanlines */
    uint32_t vrs;      /* first retrace scanline */
    uint32_t vrlen;    /* retrace scanlines (1..16) */
    uint32_t hdisp_ns; /* displayed part of a scanline */
};

/* The CRTC timing, made sane: whatever the guest programmed, a frame lasts
 * 5-100 ms and the retrace is a non-empty, proper part of it, so a program
 * polling 3DA bit 3 always sees it toggle. */
static struct crt_timing crt_timing(const struct vga *s)
{
    struct crt_timing t;
    if (vbe_enabled(s)) {
        uint32_t yres = s->vbe_regs[VBE_INDEX_YRES] ? s->vbe_regs[VBE_INDEX_YRES] : 480;
        t.vdisp = yres;
        t.vtotal = yres + yres / 20 + 4;
        t.vrs = yres + 1;
        t.vrlen = 2;
        t.line_ns = 1000000000ull / 60 / t.vtotal;
        t.hdisp_ns = (uint32_t)(t.line_ns * 4 / 5);
        return t;
    }
    const uint8_t *cr = s->cr;
    uint32_t htotal = cr[0] + 5u, hdisp = cr[1] + 1u;
    uint32_t dots = (s->sr[1] & 1) ? 8 : 9;
    uint64_t clock_hz = ((s->misc >> 2) & 3) == 1 ? 28322000u : 25175000u;
    t.vtotal = (cr[6] | (cr[7] & 0x01) << 8 | (cr[7] & 0x20) << 4) + 2u;
    t.vdisp = (cr[0x12] | (cr[7] & 0x02) << 7 | (cr[7] & 0x40) << 3) + 1u;
    t.vrs = cr[0x10] | (cr[7] & 0x04) << 6 | (cr[7] & 0x80) << 2;
    t.vrlen = ((cr[0x11] & 0x0F) - t.vrs) & 0x0F;
    if (t.vrlen == 0) t.vrlen = 16;
    t.line_ns = (uint64_t)htotal * dots * 1000000000ull / clock_hz;
    uint64_t frame = t.line_ns * t.vtotal;
    if (t.vtotal < 32 || frame < 5000000 || frame > 100000000) {
        /* Nonsense or not yet programmed: 640x480 at 60 Hz. */
        t.vtotal = 525;
        t.vdisp = 480;
        t.vrs = 490;
        t.vrlen = 2;
        t.line_ns = 31778;
        htotal = 100;
        hdisp = 80;
    }
    if (t.vdisp >= t.vtotal) t.vdisp = t.vtotal - 1;
    if (t.vrlen >= t.vtotal) t.vrlen = 1;
    if (t.vrs + t.vrlen > t.vtotal) t.vrs = t.vtotal - t.vrlen;
    if (hdisp > htotal) hdisp = htotal;
    t.hdisp_ns = (uint32_t)(t.line_ns * hdisp / htotal);
    return t;
}

uint64_t vga_frame_ns(const struct vga *s)
{
    struct crt_timing t = crt_timing(s);
    return t.line_ns * t.vtotal;
}

/* Input Status 1: bit 0 display disabled (blanking), bit 3 vertical retrace;
 * bits 4-5 the diagnostic pixel mux (left 0). */
static uint8_t input_status1(struct vga *s)
{
    struct crt_timing t = crt_timing(s);
    uint64_t frame = t.line_ns * t.vtotal;
    uint64_t in_frame = sched_now(s->sched) % frame;
    uint32_t line = (uint32_t)(in_frame / t.line_ns);
    uint64_t in_line = in_frame % t.line_ns;
    uint8_t v = 0;
    if (line >= t.vdisp || in_line >= t.hdisp_ns) v |= 0x01;
    if (line >= t.vrs && line < t.vrs + t.vrlen) v |= 0x08;
    return v;
}

/* --- registers --------------------------------------------------------------- */

static bool crtc_port(const struct vga *s, uint16_t port)
{
    /* Misc Output bit 0: 1 = colour (3Dx), 0 = monochrome (3Bx). */
    return (s->misc & 1) ? (port & 0xFFF0) == 0x3D0 : (port & 0xFFF0) == 0x3B0;
}

static uint8_t vga_port_readb(struct vga *s, uint16_t port)
{
    switch (port) {
    case 0x3B4:
    case 0x3D4: return crtc_port(s, port) ? s->cr_index : 0xFF;
    case 0x3B5:
    case 0x3D5:
        if (!crtc_port(s, port)) return 0xFF;
        return s->cr_index < VGA_CR_COUNT ? s->cr[s->cr_index] : 0x00;
    case 0x3BA:
    case 0x3DA:
        if (!crtc_port(s, port)) return 0xFF;
        s->ar_flip_flop = false;
        return input_status1(s);
    case 0x3C0: return s->ar_index;
    case 0x3C1: return (s->ar_index & 0x1F) < VGA_AR_COUNT ? s->ar[s->ar_index & 0x1F] : 0x00;
    case 0x3C2: return s->st00;
    case 0x3C3: return 0x01; /* video subsystem enabled */
    case 0x3C4: return s->sr_index;
    case 0x3C5: return s->sr[s->sr_index & 7];
    case 0x3C6: return s->dac_mask;
    case 0x3C7: return s->dac_state;
    case 0x3C8: return s->dac_write_index;
    case 0x3C9: {
        uint8_t v = s->palette[s->dac_read_index * 3u + s->dac_sub];
        if (++s->dac_sub == 3) {
            s->dac_sub = 0;
            s->dac_read_index++;
        }
        return v;
    }
    case 0x3CA: return s->feature;
    case 0x3CC: return s->misc;
    case 0x3CE: return s->gr_index;
    case 0x3CF: return s->gr[s->gr_index & 0x0F];
    default: return 0xFF;
    }
}

static void vga_port_writeb(struct vga *s, uint16_t port, uint8_t v)
{
    switch (port) {
    case 0x3B4:
    case 0x3D4:
        if (crtc_port(s, port)) s->cr_index = v;
        break;
    case 0x3B5:
    case 0x3D5:
        if (!crtc_port(s, port) || s->cr_index >= VGA_CR_COUNT) break;
        if (s->cr_index <= 7 && (s->cr[0x11] & 0x80)) {
            /* Protected: only the line compare bit 8 of CR7 gets through. */
            if (s->cr_index == 7) s->cr[7] = (uint8_t)((s->cr[7] & ~0x10) | (v & 0x10));
            break;
        }
        s->cr[s->cr_index] = v;
        break;
    case 0x3BA:
    case 0x3DA:
        if (crtc_port(s, port)) s->feature = v & 0x03;
        break;
    case 0x3C0:
        if (!s->ar_flip_flop) {
            s->ar_index = v & 0x3F;
        } else {
            unsigned i = s->ar_index & 0x1F;
            static const uint8_t ar_mask[VGA_AR_COUNT] = {
                0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F,
                0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0xEF, 0xFF, 0x3F, 0x0F, 0x0F,
            };
            if (i < VGA_AR_COUNT) s->ar[i] = v & ar_mask[i];
        }
        s->ar_flip_flop = !s->ar_flip_flop;
        break;
    case 0x3C2: s->misc = v & 0xEF; break;
    case 0x3C4: s->sr_index = v & 0x07; break;
    case 0x3C5: s->sr[s->sr_index & 7] = v & sr_mask[s->sr_index & 7]; break;
    case 0x3C6: s->dac_mask = v; break;
    case 0x3C7:
        s->dac_read_index = v;
        s->dac_sub = 0;
        s->dac_state = 3;
        break;
    case 0x3C8:
        s->dac_write_index = v;
        s->dac_sub = 0;
        s->dac_state = 0;
        break;
    case 0x3C9:
        /* 6-bit components unless the VBE 8-bit DAC switch is on. */
        s->dac_cache[s->dac_sub] = (s->vbe_regs[VBE_INDEX_ENABLE] & VBE_8BIT_DAC) ? v : v & 0x3F;
        if (++s->dac_sub == 3) {
            memcpy(&s->palette[s->dac_write_index * 3u], s->dac_cache, 3);
            s->dac_sub = 0;
            s->dac_write_index++;
        }
        break;
    case 0x3CE: s->gr_index = v & 0x0F; break;
    case 0x3CF: s->gr[s->gr_index & 0x0F] = v & gr_mask[s->gr_index & 0x0F]; break;
    default: break;
    }
}

static uint32_t vga_port_read(void *opaque, uint32_t off, unsigned size)
{
    return vga_port_readb(opaque, (uint16_t)(VGA_PORT_BASE + off));
}

static void vga_port_write(void *opaque, uint32_t off, uint32_t value, unsigned size)
{
    vga_port_writeb(opaque, (uint16_t)(VGA_PORT_BASE + off), (uint8_t)value);
}

static const struct io_ops vga_port_ops = {vga_port_read, vga_port_write, 1, 1, "vga"};

/* --- memory window ------------------------------------------------------------ */

/* Window offset (from A0000) -> offset inside the decoded map, or -1. */
static inline int32_t window_decode(const struct vga *s, uint32_t off)
{
    switch ((s->gr[6] >> 2) & 3) {
    case 0: return (int32_t)off;
    case 1: return off < 0x10000 ? (int32_t)off : -1;
    case 2: return off - 0x10000u < 0x8000 ? (int32_t)(off - 0x10000u) : -1;
    default: return off - 0x18000u < 0x8000 ? (int32_t)(off - 0x18000u) : -1;
    }
}

/* Planar read at planar address a (< vram_size / 4): loads the latches. */
static uint8_t planar_read(struct vga *s, uint32_t a)
{
    uint32_t l;
    memcpy(&l, &s->vram[a * 4], 4);
    s->latch = l;
    if (!(s->gr[5] & 0x08)) return (uint8_t)(l >> (8 * (s->gr[4] & 3)));
    /* Read mode 1: a 1 for each pixel whose planes (those in Color Don't
     * Care) match Color Compare. */
    uint32_t care = expand4[s->gr[7] & 0x0F];
    uint32_t diff = (l ^ expand4[s->gr[2] & 0x0F]) & care;
    diff |= diff >> 16;
    diff |= diff >> 8;
    return (uint8_t)~diff;
}

/* Planar write at planar address a (< vram_size / 4): the graphics
 * controller's write pipeline. */
static void planar_write(struct vga *s, uint32_t a, uint8_t v)
{
    uint8_t map_mask = s->sr[2];
    uint8_t gr3 = s->gr[3];
    unsigned rot = gr3 & 7;
    uint32_t data, bit_mask = s->gr[8];
    switch (s->gr[5] & 3) {
    case 0:
        v = (uint8_t)((v >> rot) | (v << ((8 - rot) & 7)));
        data = v * 0x01010101u;
        data = (data & ~expand4[s->gr[1] & 0x0F]) |
               (expand4[s->gr[0] & 0x0F] & expand4[s->gr[1] & 0x0F]);
        break;
    case 1:
        data = s->latch;
        bit_mask = 0xFF; /* write mode 1 copies the latches whole */
        gr3 = 0;
        break;
    case 2: data = expand4[v & 0x0F]; break;
    default:
        v = (uint8_t)((v >> rot) | (v << ((8 - rot) & 7)));
        bit_mask &= v;
        data = expand4[s->gr[0] & 0x0F];
        break;
    }
    switch ((gr3 >> 3) & 3) {
    case 1: data &= s->latch; break;
    case 2: data |= s->latch; break;
    case 3: data ^= s->latch; break;
    default: break;
    }
    bit_mask *= 0x01010101u;
    data = (data & bit_mask) | (s->latch & ~bit_mask);
    uint32_t plane_mask = expand4[map_mask & 0x0F];
    uint32_t old;
    memcpy(&old, &s->vram[a * 4], 4);
    uint32_t nv = (old & ~plane_mask) | (data & plane_mask);
    memcpy(&s->vram[a * 4], &nv, 4);
    mark_byte(s, a * 4);
}

/* VBE banked window: linear VRAM, or planes in 4-bpp modes; -1 outside. */
static int64_t vbe_window_addr(const struct vga *s, uint32_t off)
{
    if (off >= 0x10000) return -1;
    uint32_t a = ((uint32_t)s->vbe_regs[VBE_INDEX_BANK] << 16) + off;
    if (s->vbe_regs[VBE_INDEX_BPP] == 4) return a & ((s->vram_size >> 2) - 1);
    return a & (s->vram_size - 1);
}

static uint8_t vga_mem_readb(struct vga *s, uint32_t off)
{
    if (vbe_enabled(s)) {
        int64_t a = vbe_window_addr(s, off);
        if (a < 0) return 0xFF;
        if (s->vbe_regs[VBE_INDEX_BPP] == 4) return planar_read(s, (uint32_t)a);
        return s->vram[a];
    }
    int32_t m = window_decode(s, off);
    if (m < 0) return 0xFF;
    uint32_t a = (uint32_t)m;
    if (s->sr[4] & 0x08) return s->vram[a]; /* chain-4 */
    if (s->gr[5] & 0x10) {                  /* odd/even */
        unsigned plane = (s->gr[4] & 2) | (a & 1);
        return s->vram[(a >> 1) * 4 + plane];
    }
    return planar_read(s, a);
}

static void vga_mem_writeb(struct vga *s, uint32_t off, uint8_t v)
{
    if (vbe_enabled(s)) {
        int64_t a = vbe_window_addr(s, off);
        if (a < 0) return;
        if (s->vbe_regs[VBE_INDEX_BPP] == 4) {
            planar_write(s, (uint32_t)a, v);
        } else {
            s->vram[a] = v;
            mark_byte(s, (uint32_t)a);
        }
        return;
    }
    int32_t m = window_decode(s, off);
    if (m < 0) return;
    uint32_t a = (uint32_t)m;
    uint8_t map_mask = s->sr[2];
    if (s->sr[4] & 0x08) { /* chain-4: address bits 1-0 pick the plane */
        if (map_mask & (1u << (a & 3))) {
            s->vram[a] = v;
            mark_byte(s, a);
        }
        return;
    }
    if (!(s->sr[4] & 0x04)) { /* odd/even: even bytes to planes 0/2, odd to 1/3 */
        uint32_t base = (a >> 1) * 4;
        unsigned planes = map_mask & ((a & 1) ? 0x0A : 0x05);
        for (unsigned p = 0; p < 4; p++)
            if (planes & (1u << p)) s->vram[base + p] = v;
        if (planes) mark_byte(s, base);
        return;
    }
    planar_write(s, a, v);
}

static uint32_t vga_mem_read(void *opaque, uint32_t off, unsigned size)
{
    struct vga *s = opaque;
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)vga_mem_readb(s, off + i) << (8 * i);
    return v;
}

static void vga_mem_write(void *opaque, uint32_t off, uint32_t value, unsigned size)
{
    struct vga *s = opaque;
    for (unsigned i = 0; i < size; i++)
        vga_mem_writeb(s, off + i, (uint8_t)(value >> (8 * i)));
}

static const struct io_ops vga_mem_ops = {vga_mem_read, vga_mem_write, 1, 4, "vga-window"};

/* --- lifecycle ------------------------------------------------------------------ */

static void vga_reset(void *opaque)
{
    struct vga *s = opaque;
    s->misc = 0x01; /* colour: CRTC at 3D4 (QEMU and the VGA BIOS start there too) */
    s->feature = 0;
    s->st00 = 0;
    s->sr_index = s->cr_index = s->gr_index = s->ar_index = 0;
    memset(s->sr, 0, sizeof(s->sr));
    memset(s->cr, 0, sizeof(s->cr));
    memset(s->gr, 0, sizeof(s->gr));
    memset(s->ar, 0, sizeof(s->ar));
    s->ar_flip_flop = false;
    s->dac_read_index = s->dac_write_index = s->dac_sub = s->dac_state = 0;
    s->dac_mask = 0xFF;
    memset(s->palette, 0, sizeof(s->palette));
    s->latch = 0;
    vbe_reset(s);
    vga_render_reset(s);
}

static void vga_destroy(void *opaque)
{
    struct vga *s = opaque;
    if (!s) return;
    vbe_destroy(s);
    bus_unmap(s->bus, s->window);
    bus_unmap(s->bus, s->ports);
    vga_render_destroy(s);
    free(s->dirty);
    free(s->vram);
    free(s);
}

static void vga_info(void *opaque, FILE *out)
{
    struct vga *s = opaque;
    fprintf(out,
            "vga: misc=%02x sr1=%02x sr4=%02x gr5=%02x gr6=%02x ar10=%02x cr17=%02x vbe=%04x "
            "%ux%ux%u vram=%uM frame=%dx%d gen=%llu\n",
            s->misc, s->sr[1], s->sr[4], s->gr[5], s->gr[6], s->ar[0x10], s->cr[0x17],
            s->vbe_regs[VBE_INDEX_ENABLE], s->vbe_regs[VBE_INDEX_XRES], s->vbe_regs[VBE_INDEX_YRES],
            s->vbe_regs[VBE_INDEX_BPP], s->vram_size >> 20, s->fb_width, s->fb_height,
            (unsigned long long)s->generation);
}

const struct device_desc vga_desc = {
    .name = "vga",
    .reset = vga_reset,
    .destroy = vga_destroy,
    .info = vga_info,
};

struct vga *vga_create(struct bus *bus, struct sched *sched, struct pci_bus *pb, unsigned pci_slot,
                       unsigned vram_mb, const uint8_t *rom, size_t rom_len)
{
    if (vram_mb < 1 || vram_mb > 256 || (vram_mb & (vram_mb - 1)) || rom_len > 0x40000) return NULL;
    struct vga *s = calloc(1, sizeof(*s));
    if (!s) return NULL;
    s->bus = bus;
    s->sched = sched;
    s->vram_size = vram_mb << 20;
    s->vram = calloc(1, s->vram_size);
    s->dirty = calloc(1, (s->vram_size >> VGA_PAGE_SHIFT) / 8);
    if (!s->vram || !s->dirty) goto fail;
    s->ports = bus_map_ports(bus, VGA_PORT_BASE, VGA_PORT_COUNT, &vga_port_ops, s);
    s->window = bus_map_mmio(bus, VGA_WINDOW_BASE, VGA_WINDOW_SIZE, &vga_mem_ops, s);
    if (!s->ports || !s->window) goto fail;
    s->pci.bar[0].mapped = PCI_BAR_UNMAPPED;
    if (vbe_init(s, pb, rom, (uint32_t)rom_len)) goto fail;
    if (pb && pci_register(pb, &s->pci, pci_slot, 0) != 0) goto fail;
    s->pb = pb;
    vga_reset(s);
    return s;
fail:
    vga_destroy(s);
    return NULL;
}

/*
 * vga_render.c - VGA and VBE scan-out to a 32-bit host frame, redrawing only
 * what changed.
 *
 * Sources: IBM VGA Technical Reference and FreeVGA (CRTC addressing: start
 * address, offset, maximum scan line, double scan, line compare, CR17's
 * row-scan substitution for CGA/Hercules interleave; attribute controller:
 * palette, colour plane enable, colour select, P5/P4 select, pixel panning,
 * blink, line-graphics 9th column; sequencer: character map select, 8/9
 * dots), QEMU's vga.c for how the VGA BIOS's modes lay out in VRAM.
 *
 * Output size is the mode's logical resolution: double scanning and rows
 * that repeat the same scanline are folded (mode 13h is 320x200, mode 12h
 * 640x480, text mode 3 720x400); the frontend scales for aspect.  The frame
 * is drawn when the board asks for it (pc_framebuffer, at the display's
 * refresh rate), never per guest write.  A line is redrawn when a VRAM page
 * it shows was written since the last frame (vga.c marks pages on window
 * writes; the LFB's pages come from the bus's dirty log), when the cursor
 * or blink state of its text row changed, or everything when any scan-out
 * parameter, the palette or the font changed.
 *
 * Not modelled: the overscan border, cursor and underline skew, the
 * monochrome underline, horizontal pixel doubling of SR1 bit 3 (shown at
 * the logical width), split-screen timing to the exact scanline in double
 * scanned modes.
 */
#include <stdlib.h>
#include <string.h>

#include "devices/vbe.h"
#include "devices/vga_internal.h"
#include "mem/stats.h"

#define PLANAR_MASK 0xFFFFu /* the CRTC address counter is 16 bits */
#define FONT_BYTES 0x2000u  /* 256 glyphs x 32 scanlines of plane 2 */

STAT_DEFINE(vga_frames);       /* frames asked for (pc_framebuffer) */
STAT_DEFINE(vga_full_redraws); /* of which redrawn whole (mode, palette, font change) */
STAT_DEFINE(vga_lines_drawn);  /* output lines converted */

static inline uint32_t expand6(uint8_t v)
{
    v &= 0x3F;
    return (uint32_t)(v << 2 | v >> 4);
}

/* --- parameters ---------------------------------------------------------------- */

static uint32_t font_offset(unsigned n)
{
    return ((n & 3) * 2 + (n >> 2)) * 0x2000u;
}

static void compute_params(const struct vga *s, struct vga_scan_params *p)
{
    memset(p, 0, sizeof(*p));
    if (vbe_enabled(s)) {
        p->kind = VGA_KIND_VBE;
        p->width = s->vbe_regs[VBE_INDEX_XRES];
        p->height = s->vbe_regs[VBE_INDEX_YRES];
        p->bpp = s->vbe_regs[VBE_INDEX_BPP];
        p->start = s->vbe_start;
        p->line_offset = s->vbe_line_offset;
        if (p->width > VGA_MAX_WIDTH) p->width = VGA_MAX_WIDTH;
        if (p->height > VGA_MAX_HEIGHT) p->height = VGA_MAX_HEIGHT;
        return;
    }
    const uint8_t *cr = s->cr;
    int vdisp = (cr[0x12] | (cr[7] & 0x02) << 7 | (cr[7] & 0x40) << 3) + 1;
    if (!(s->ar_index & 0x20) || (s->sr[1] & 0x20) || vdisp < 2) {
        p->kind = VGA_KIND_BLANK; /* palette address source off, or screen off */
        p->width = s->fb_width ? s->fb_width : 640;
        p->height = s->fb_height ? s->fb_height : 480;
        return;
    }
    p->vdisp = vdisp;
    p->cols = cr[1] + 1;
    p->max_scan = cr[9] & 0x1F;
    p->double_scan = cr[9] >> 7;
    p->line_offset = cr[0x13] * 2u;
    p->start = ((uint32_t)(cr[0x0C] << 8 | cr[0x0D]) + ((cr[8] >> 5) & 3)) & PLANAR_MASK;
    p->line_compare = cr[0x18] | (cr[7] & 0x10) << 4 | (cr[9] & 0x40) << 3;
    p->cms = !(cr[0x17] & 0x01);
    p->hrs = !(cr[0x17] & 0x02);
    p->word_mode = !(cr[0x17] & 0x40);
    p->pan_after_split = (s->ar[0x10] >> 5) & 1;
    p->preset_row = cr[8] & 0x1F;
    int eff = vdisp >> p->double_scan;
    if (!(s->gr[6] & 1)) {
        p->kind = VGA_KIND_TEXT;
        p->char_width = (s->sr[1] & 1) ? 8 : 9;
        p->char_height = p->max_scan + 1;
        p->line_graphics = (s->ar[0x10] >> 2) & 1;
        p->blink_enable = (s->ar[0x10] >> 3) & 1;
        unsigned pan = s->ar[0x13] & 0x0F;
        if (p->char_width == 9)
            p->pel_pan = pan == 8 ? 0 : pan < 8 ? (int)pan + 1 : 0;
        else
            p->pel_pan = pan < 8 ? (int)pan : 0;
        uint8_t sr3 = s->sr[3];
        p->font_b = font_offset((sr3 & 3) | ((sr3 >> 4) & 1) << 2);
        p->font_a = font_offset(((sr3 >> 2) & 3) | ((sr3 >> 5) & 1) << 2);
        p->width = p->cols * p->char_width;
        p->height = eff;
        p->scan_div = 1 << p->double_scan;
    } else {
        uint8_t gr5 = s->gr[5];
        p->kind = (gr5 & 0x40) ? VGA_KIND_256 : (gr5 & 0x20) ? VGA_KIND_CGA2 : VGA_KIND_PLANAR;
        p->width = p->cols * (p->kind == VGA_KIND_256 ? 4 : 8);
        bool substitute = (p->cms || p->hrs) && p->max_scan > 0;
        p->scan_div = (1 << p->double_scan) * (substitute ? 1 : p->max_scan + 1);
        p->height = vdisp / p->scan_div;
        p->pel_pan = p->kind == VGA_KIND_256 ? (s->ar[0x13] >> 1) & 3 : s->ar[0x13] & 7;
    }
    if (p->width > VGA_MAX_WIDTH) p->width = VGA_MAX_WIDTH;
    if (p->height > VGA_MAX_HEIGHT) p->height = VGA_MAX_HEIGHT;
    if (p->height < 1) p->height = 1;
}

/* DAC colours (through the pixel mask) and the attribute controller's
 * 4-bit -> 8-bit map.  True if either differs from the last frame's. */
static bool update_palette(struct vga *s)
{
    uint32_t pal[256];
    uint8_t map[16];
    bool dac8 = (s->vbe_regs[VBE_INDEX_ENABLE] & VBE_8BIT_DAC) != 0;
    for (unsigned i = 0; i < 256; i++) {
        const uint8_t *e = &s->palette[(i & s->dac_mask) * 3u];
        if (dac8)
            pal[i] = (uint32_t)e[0] << 16 | (uint32_t)e[1] << 8 | e[2];
        else
            pal[i] = expand6(e[0]) << 16 | expand6(e[1]) << 8 | expand6(e[2]);
    }
    uint8_t ar10 = s->ar[0x10], ar14 = s->ar[0x14];
    for (unsigned c = 0; c < 16; c++) {
        uint8_t v = s->ar[c & s->ar[0x12] & 0x0F];
        uint8_t idx = (ar10 & 0x80) ? (uint8_t)((v & 0x0F) | (ar14 & 3) << 4) : (v & 0x3F);
        map[c] = (uint8_t)(idx | (ar14 & 0x0C) << 4);
    }
    bool changed = memcmp(pal, s->pal32, sizeof(pal)) || memcmp(map, s->ar_map, sizeof(map));
    memcpy(s->pal32, pal, sizeof(pal));
    memcpy(s->ar_map, map, sizeof(map));
    return changed;
}

/* --- dirty pages ------------------------------------------------------------------ */

static bool vram_range_dirty(const struct vga *s, uint32_t off, uint32_t len)
{
    if (len == 0 || off >= s->vram_size) return false;
    if (len > s->vram_size - off) len = s->vram_size - off;
    for (uint32_t p = off >> VGA_PAGE_SHIFT; p <= (off + len - 1) >> VGA_PAGE_SHIFT; p++)
        if (s->dirty[p >> 3] & (1u << (p & 7))) return true;
    return false;
}

/* Planar addresses [a, a + n) (wrapping at 64K) had a page written. */
static bool planar_dirty(const struct vga *s, uint32_t a, uint32_t n)
{
    a &= PLANAR_MASK;
    if (a + n <= PLANAR_MASK + 1) return vram_range_dirty(s, a * 4, n * 4);
    uint32_t first = PLANAR_MASK + 1 - a;
    return vram_range_dirty(s, a * 4, first * 4) || vram_range_dirty(s, 0, (n - first) * 4);
}

/* --- graphics ------------------------------------------------------------------- */

/* Planar address of the first byte shown on real scanline sl, and whether
 * it lies below the split. */
static uint32_t scanline_addr(const struct vga_scan_params *p, uint32_t sl, bool *split)
{
    uint32_t base = p->start;
    *split = false;
    if (sl > p->line_compare) {
        sl -= p->line_compare + 1;
        base = 0;
        *split = true;
    }
    uint32_t eff = (sl >> p->double_scan) + (*split ? 0 : (uint32_t)p->preset_row);
    uint32_t row = eff / (uint32_t)(p->max_scan + 1), rs = eff % (uint32_t)(p->max_scan + 1);
    uint32_t a = base + row * p->line_offset;
    if (p->cms) {
        unsigned bit = p->word_mode ? 12 : 13;
        a = (a & ~(1u << bit)) | (rs & 1) << bit;
    }
    if (p->hrs) {
        unsigned bit = p->word_mode ? 13 : 14;
        a = (a & ~(1u << bit)) | ((rs >> 1) & 1) << bit;
    }
    return a & PLANAR_MASK;
}

static void draw_graphics_line(const struct vga *s, const struct vga_scan_params *p, uint32_t a,
                               int pan, uint32_t *dst)
{
    uint32_t line[VGA_MAX_WIDTH + 16];
    int n = p->cols + (pan ? 1 : 0);
    uint32_t *o = line;
    for (int i = 0; i < n; i++) {
        const uint8_t *b = &s->vram[((a + (uint32_t)i) & PLANAR_MASK) * 4];
        switch (p->kind) {
        case VGA_KIND_256:
            for (int k = 0; k < 4; k++)
                *o++ = s->pal32[b[k]];
            break;
        case VGA_KIND_CGA2:
            for (int k = 0; k < 8; k++) {
                uint8_t byte = b[k >> 2];
                *o++ = s->pal32[s->ar_map[(byte >> (6 - 2 * (k & 3))) & 3]];
            }
            break;
        default:
            for (int k = 7; k >= 0; k--) {
                unsigned c = ((b[0] >> k) & 1) | ((b[1] >> k) & 1) << 1 | ((b[2] >> k) & 1) << 2 |
                             ((b[3] >> k) & 1) << 3;
                *o++ = s->pal32[s->ar_map[c]];
            }
            break;
        }
    }
    memcpy(dst, line + pan, (size_t)p->width * 4);
}

/* --- text ------------------------------------------------------------------------ */

/* Cursor state the renderer compares frame to frame. */
struct cursor {
    uint32_t addr;  /* planar address of the cursor cell */
    int start, end; /* scanlines */
    bool on;        /* enabled, in its on phase, and a non-empty shape */
};

static void draw_text_line(const struct vga *s, const struct vga_scan_params *p, uint32_t a,
                           int cell_line, int pan, const struct cursor *cur, bool blink_on,
                           uint32_t *dst)
{
    uint32_t line[VGA_MAX_WIDTH + 32];
    int cw = p->char_width;
    int n = p->cols + (pan ? 1 : 0);
    uint32_t *o = line;
    for (int i = 0; i < n; i++) {
        uint32_t addr = (a + (uint32_t)i) & PLANAR_MASK;
        uint8_t ch = s->vram[addr * 4], at = s->vram[addr * 4 + 1];
        unsigned fg = at & 0x0F, bg = at >> 4;
        if (p->blink_enable) {
            bg &= 7;
            if ((at & 0x80) && !blink_on) fg = bg;
        }
        uint32_t font = (at & 0x08) ? p->font_a : p->font_b;
        uint8_t bits = 0;
        if (cell_line < 32)
            bits = s->vram[((font + ch * 32u + (uint32_t)cell_line) & PLANAR_MASK) * 4 + 2];
        bool cursor_here =
            cur->on && addr == cur->addr && cell_line >= cur->start && cell_line <= cur->end;
        if (cursor_here) bits = 0xFF;
        uint32_t cfg = s->pal32[s->ar_map[fg]], cbg = s->pal32[s->ar_map[bg]];
        for (int k = 7; k >= 0; k--)
            *o++ = (bits >> k) & 1 ? cfg : cbg;
        if (cw == 9) {
            /* The 9th column is background, except for the cursor and, with
             * line graphics on, the box-drawing range C0-DF (it repeats column 8). */
            bool ninth =
                cursor_here || (p->line_graphics && ch >= 0xC0 && ch <= 0xDF && (bits & 1));
            *o++ = ninth ? cfg : cbg;
        }
    }
    memcpy(dst, line + pan, (size_t)p->width * 4);
}

/* --- the frame ---------------------------------------------------------------------- */

static bool fb_resize(struct vga *s, int w, int h)
{
    if (w == s->fb_width && h == s->fb_height && s->fb) return true;
    uint32_t *fb = calloc((size_t)w * (size_t)h, 4);
    if (!fb) return false;
    free(s->fb);
    s->fb = fb;
    s->fb_width = w;
    s->fb_height = h;
    return true;
}

static bool text_font_changed(struct vga *s, const struct vga_scan_params *p)
{
    uint8_t cur[2 * FONT_BYTES];
    uint32_t base[2] = {p->font_a, p->font_b};
    for (int f = 0; f < 2; f++)
        for (uint32_t i = 0; i < FONT_BYTES; i++)
            cur[f * FONT_BYTES + i] = s->vram[((base[f] + i) & PLANAR_MASK) * 4 + 2];
    if (!s->font_copy) {
        s->font_copy = malloc(2 * FONT_BYTES);
        if (!s->font_copy) return true;
    } else if (!memcmp(cur, s->font_copy, sizeof(cur))) {
        return false;
    }
    memcpy(s->font_copy, cur, sizeof(cur));
    return true;
}

static bool line_has_blink(const struct vga *s, const struct vga_scan_params *p, uint32_t a)
{
    for (int i = 0; i <= p->cols; i++)
        if (s->vram[((a + (uint32_t)i) & PLANAR_MASK) * 4 + 1] & 0x80) return true;
    return false;
}

static bool render_text(struct vga *s, const struct vga_scan_params *p, bool full)
{
    uint64_t frame_no = sched_now(s->sched) / vga_frame_ns(s);
    bool blink_on = (frame_no >> 4) & 1; /* characters: 1/32 of the frame rate */
    struct cursor cur;
    cur.addr = (uint32_t)(s->cr[0x0E] << 8 | s->cr[0x0F]) & PLANAR_MASK;
    cur.start = s->cr[0x0A] & 0x1F;
    cur.end = s->cr[0x0B] & 0x1F;
    cur.on = !(s->cr[0x0A] & 0x20) && cur.start <= cur.end && ((frame_no >> 3) & 1) == 0;
    if (text_font_changed(s, p)) full = true;
    bool cursor_moved = cur.on != s->cursor_shown || cur.addr != s->cursor_addr ||
                        cur.start != s->cursor_start || cur.end != s->cursor_end;
    uint32_t old_cursor = s->cursor_addr;
    bool blink_flip = p->blink_enable && blink_on != s->blink_on;
    bool drew = false;
    int ch = p->char_height;
    for (int y = 0; y < p->height; y++) {
        uint32_t real = (uint32_t)y << p->double_scan;
        uint32_t base = p->start, eff = (uint32_t)y + (uint32_t)p->preset_row;
        bool split = false;
        if (real > p->line_compare) {
            base = 0;
            eff = (real - p->line_compare - 1) >> p->double_scan;
            split = true;
        }
        uint32_t a = (base + eff / (uint32_t)ch * p->line_offset) & PLANAR_MASK;
        int cell_line = (int)(eff % (uint32_t)ch);
        uint32_t n = (uint32_t)p->cols + 1;
        bool need = full || planar_dirty(s, a, n);
        if (!need && cursor_moved) {
            uint32_t rel_new = (cur.addr - a) & PLANAR_MASK,
                     rel_old = (old_cursor - a) & PLANAR_MASK;
            need = rel_new < n || rel_old < n;
        }
        if (!need && blink_flip) need = line_has_blink(s, p, a);
        if (!need) continue;
        int pan = split && p->pan_after_split ? 0 : p->pel_pan;
        draw_text_line(s, p, a, cell_line, pan, &cur, blink_on,
                       s->fb + (size_t)y * (size_t)s->fb_width);
        STAT_INC(vga_lines_drawn);
        drew = true;
    }
    s->cursor_addr = cur.addr;
    s->cursor_start = cur.start;
    s->cursor_end = cur.end;
    s->cursor_shown = cur.on;
    s->blink_on = blink_on;
    return drew;
}

static bool render_graphics(struct vga *s, const struct vga_scan_params *p, bool full)
{
    bool drew = false;
    for (int y = 0; y < p->height; y++) {
        bool split;
        uint32_t a = scanline_addr(p, (uint32_t)y * (uint32_t)p->scan_div, &split);
        if (!full && !planar_dirty(s, a, (uint32_t)p->cols + 1)) continue;
        int pan = split && p->pan_after_split ? 0 : p->pel_pan;
        draw_graphics_line(s, p, a, pan, s->fb + (size_t)y * (size_t)s->fb_width);
        STAT_INC(vga_lines_drawn);
        drew = true;
    }
    return drew;
}

static void draw_vbe_line(const struct vga *s, const struct vga_scan_params *p, uint32_t off,
                          uint32_t *dst)
{
    uint64_t need = p->bpp == 4 ? (uint64_t)p->width / 2 : (uint64_t)p->width * ((p->bpp + 7) / 8);
    if (off >= s->vram_size || need > s->vram_size - off) {
        memset(dst, 0, (size_t)p->width * 4); /* past the end of VRAM: black */
        return;
    }
    const uint8_t *b = s->vram + off;
    int w = p->width;
    switch (p->bpp) {
    case 4: /* planar: 8 pixels per 4-byte planar address */
        for (int x = 0; x < w; x++) {
            const uint8_t *q = b + (x >> 3) * 4;
            int k = 7 - (x & 7);
            unsigned c = ((q[0] >> k) & 1) | ((q[1] >> k) & 1) << 1 | ((q[2] >> k) & 1) << 2 |
                         ((q[3] >> k) & 1) << 3;
            dst[x] = s->pal32[s->ar_map[c]];
        }
        break;
    case 8:
        for (int x = 0; x < w; x++)
            dst[x] = s->pal32[b[x]];
        break;
    case 15:
        for (int x = 0; x < w; x++) {
            unsigned v = b[2 * x] | b[2 * x + 1] << 8;
            unsigned r = (v >> 10) & 31, g = (v >> 5) & 31, bl = v & 31;
            dst[x] = (r << 3 | r >> 2) << 16 | (g << 3 | g >> 2) << 8 | (bl << 3 | bl >> 2);
        }
        break;
    case 16:
        for (int x = 0; x < w; x++) {
            unsigned v = b[2 * x] | b[2 * x + 1] << 8;
            unsigned r = (v >> 11) & 31, g = (v >> 5) & 63, bl = v & 31;
            dst[x] = (r << 3 | r >> 2) << 16 | (g << 2 | g >> 4) << 8 | (bl << 3 | bl >> 2);
        }
        break;
    case 24:
        for (int x = 0; x < w; x++)
            dst[x] = (uint32_t)b[3 * x + 2] << 16 | (uint32_t)b[3 * x + 1] << 8 | b[3 * x];
        break;
    default:
        for (int x = 0; x < w; x++)
            dst[x] = ((uint32_t)b[4 * x + 2] << 16 | (uint32_t)b[4 * x + 1] << 8 | b[4 * x]);
        break;
    }
}

static bool render_vbe(struct vga *s, const struct vga_scan_params *p, bool full)
{
    uint32_t line_bytes =
        p->bpp == 4 ? (uint32_t)p->width / 2 : (uint32_t)p->width * (uint32_t)((p->bpp + 7) / 8);
    vbe_collect_dirty(s, p->start, p->line_offset * (uint32_t)p->height);
    bool drew = false;
    for (int y = 0; y < p->height; y++) {
        uint64_t off64 = (uint64_t)p->start + (uint64_t)y * p->line_offset;
        uint32_t off = off64 < s->vram_size ? (uint32_t)off64 : s->vram_size;
        if (!full && !vram_range_dirty(s, off, line_bytes)) continue;
        draw_vbe_line(s, p, off, s->fb + (size_t)y * (size_t)s->fb_width);
        STAT_INC(vga_lines_drawn);
        drew = true;
    }
    return drew;
}

struct vga_frame vga_render(struct vga *s)
{
    struct vga_scan_params p;
    compute_params(s, &p);
    bool full = s->full_redraw;
    if (update_palette(s)) full = true;
    if (memcmp(&p, &s->last, sizeof(p))) full = true;
    bool drew = false;
    if (p.width != s->fb_width || p.height != s->fb_height || !s->fb) {
        if (fb_resize(s, p.width, p.height)) {
            full = true;
            drew = true;
        } else {
            p.kind = VGA_KIND_BLANK; /* out of memory: keep the old frame */
        }
    }
    STAT_INC(vga_frames);
    if (full) STAT_INC(vga_full_redraws);
    if (s->fb) {
        if (p.kind != VGA_KIND_VBE) vbe_collect_dirty(s, 0, 0x40000); /* LFB writes to planes */
        switch (p.kind) {
        case VGA_KIND_TEXT: drew |= render_text(s, &p, full); break;
        case VGA_KIND_VBE: drew |= render_vbe(s, &p, full); break;
        case VGA_KIND_BLANK:
            if (full) {
                memset(s->fb, 0, (size_t)s->fb_width * (size_t)s->fb_height * 4);
                drew = true;
            }
            break;
        default: drew |= render_graphics(s, &p, full); break;
        }
    }
    memset(s->dirty, 0, (s->vram_size >> VGA_PAGE_SHIFT) / 8);
    s->last = p;
    s->full_redraw = false;
    if (drew) s->generation++;
    return (struct vga_frame){s->fb, s->fb_width, s->fb_height, s->fb_width, s->generation};
}

void vga_render_reset(struct vga *s)
{
    s->full_redraw = true;
    s->cursor_addr = 0xFFFFFFFFu;
    s->cursor_shown = false;
    s->blink_on = false;
    memset(s->dirty, 0xFF, (s->vram_size >> VGA_PAGE_SHIFT) / 8);
}

void vga_render_destroy(struct vga *s)
{
    free(s->fb);
    free(s->font_copy);
    s->fb = NULL;
    s->font_copy = NULL;
}

/* --- text dump -------------------------------------------------------------------------- */

/* Code page 437 as Unicode: the IBM PC's glyphs for every byte, including the
 * graphic symbols of 01-1F and 7F (0x00 is shown as a space). */
static const uint16_t cp437[256] = {
    0x0020, 0x263A, 0x263B, 0x2665, 0x2666, 0x2663, 0x2660, 0x2022, 0x25D8, 0x25CB, 0x25D9, 0x2642,
    0x2640, 0x266A, 0x266B, 0x263C, 0x25BA, 0x25C4, 0x2195, 0x203C, 0x00B6, 0x00A7, 0x25AC, 0x21A8,
    0x2191, 0x2193, 0x2192, 0x2190, 0x221F, 0x2194, 0x25B2, 0x25BC, 0x0020, 0x0021, 0x0022, 0x0023,
    0x0024, 0x0025, 0x0026, 0x0027, 0x0028, 0x0029, 0x002A, 0x002B, 0x002C, 0x002D, 0x002E, 0x002F,
    0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037, 0x0038, 0x0039, 0x003A, 0x003B,
    0x003C, 0x003D, 0x003E, 0x003F, 0x0040, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047,
    0x0048, 0x0049, 0x004A, 0x004B, 0x004C, 0x004D, 0x004E, 0x004F, 0x0050, 0x0051, 0x0052, 0x0053,
    0x0054, 0x0055, 0x0056, 0x0057, 0x0058, 0x0059, 0x005A, 0x005B, 0x005C, 0x005D, 0x005E, 0x005F,
    0x0060, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067, 0x0068, 0x0069, 0x006A, 0x006B,
    0x006C, 0x006D, 0x006E, 0x006F, 0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077,
    0x0078, 0x0079, 0x007A, 0x007B, 0x007C, 0x007D, 0x007E, 0x2302, 0x00C7, 0x00FC, 0x00E9, 0x00E2,
    0x00E4, 0x00E0, 0x00E5, 0x00E7, 0x00EA, 0x00EB, 0x00E8, 0x00EF, 0x00EE, 0x00EC, 0x00C4, 0x00C5,
    0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9, 0x00FF, 0x00D6, 0x00DC, 0x00A2,
    0x00A3, 0x00A5, 0x20A7, 0x0192, 0x00E1, 0x00ED, 0x00F3, 0x00FA, 0x00F1, 0x00D1, 0x00AA, 0x00BA,
    0x00BF, 0x2310, 0x00AC, 0x00BD, 0x00BC, 0x00A1, 0x00AB, 0x00BB, 0x2591, 0x2592, 0x2593, 0x2502,
    0x2524, 0x2561, 0x2562, 0x2556, 0x2555, 0x2563, 0x2551, 0x2557, 0x255D, 0x255C, 0x255B, 0x2510,
    0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x255E, 0x255F, 0x255A, 0x2554, 0x2569, 0x2566,
    0x2560, 0x2550, 0x256C, 0x2567, 0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256B,
    0x256A, 0x2518, 0x250C, 0x2588, 0x2584, 0x258C, 0x2590, 0x2580, 0x03B1, 0x00DF, 0x0393, 0x03C0,
    0x03A3, 0x03C3, 0x00B5, 0x03C4, 0x03A6, 0x0398, 0x03A9, 0x03B4, 0x221E, 0x03C6, 0x03B5, 0x2229,
    0x2261, 0x00B1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00F7, 0x2248, 0x00B0, 0x2219, 0x00B7, 0x221A,
    0x207F, 0x00B2, 0x25A0, 0x00A0,
};

uint32_t vga_cp437_to_unicode(uint8_t c)
{
    return cp437[c];
}

static size_t utf8_put(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    out[0] = (char)(0xE0 | cp >> 12);
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
}

int vga_screen_text(struct vga *s, char *buf, size_t len)
{
    if (vbe_enabled(s) || (s->gr[6] & 1)) return -1;
    const uint8_t *cr = s->cr;
    int vdisp = (cr[0x12] | (cr[7] & 0x02) << 7 | (cr[7] & 0x40) << 3) + 1;
    int ch = (cr[9] & 0x1F) + 1;
    int rows = (vdisp >> (cr[9] >> 7)) / ch, cols = cr[1] + 1;
    uint32_t start = (uint32_t)(cr[0x0C] << 8 | cr[0x0D]), lo = cr[0x13] * 2u;
    size_t n = 0;
    char line[256 * 3 + 2];
    for (int r = 0; r < rows; r++) {
        size_t ln = 0, keep = 0;
        for (int c = 0; c < cols; c++) {
            uint32_t a = (start + (uint32_t)r * lo + (uint32_t)c) & PLANAR_MASK;
            uint8_t b = s->vram[a * 4];
            ln += utf8_put(line + ln, cp437[b]);
            if (b != ' ' && b != 0 && b != 0xFF) keep = ln;
        }
        line[keep++] = '\n';
        for (size_t i = 0; i < keep; i++) {
            if (len && n + 1 < len) buf[n] = line[i];
            n++;
        }
    }
    size_t written = len ? (n < len ? n : len - 1) : 0;
    if (len) buf[written] = '\0';
    return (int)written;
}

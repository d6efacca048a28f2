/*
 * vga_internal.h - the VGA's state, shared by vga.c (registers and the
 * memory window), vga_render.c (scan-out) and vbe.c (Bochs DISPI, PCI
 * function, linear framebuffer).  Nothing outside those three files
 * includes it.
 *
 * VRAM layout (QEMU's): planar address A of plane P is byte 4*A + P, so the
 * four planes are interleaved byte by byte.  That makes chain-4 (mode 13h,
 * window byte a -> plane a & 3, planar address a >> 2) and the VBE linear
 * framebuffer plain linear byte arrays over the same memory, and a text
 * cell (character in plane 0, attribute in plane 1) one aligned 4-byte
 * group.  Odd/even addressing stores window byte a at planar address a >> 1.
 */
#ifndef CINDER_DEVICES_VGA_INTERNAL_H
#define CINDER_DEVICES_VGA_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/pci.h"
#include "devices/vbe.h"
#include "devices/vga.h"
#include "mem/bus.h"
#include "mem/sched.h"

#define VGA_PAGE_SHIFT 12  /* dirty-tracking granule: the bus's 4 KiB page */
#define VGA_CR_COUNT 0x19  /* CR00-CR18 */
#define VGA_AR_COUNT 0x15  /* AR00-AR14 */
#define VGA_MAX_WIDTH 2560 /* largest frame the renderer produces (pixels) */
#define VGA_MAX_HEIGHT 2048

/* What the last frame was drawn with: when any of it changes, everything is
 * redrawn; otherwise only lines whose VRAM pages were written. */
struct vga_scan_params {
    int kind;                /* VGA_KIND_* */
    int width, height;       /* output pixels */
    uint32_t start;          /* first displayed planar address (VBE: byte offset) */
    uint32_t line_offset;    /* planar addresses per character row (VBE: bytes per line) */
    uint32_t line_compare;   /* split-screen scanline (real scanlines) */
    int vdisp;               /* real scanlines displayed */
    int scan_div;            /* real scanlines per output line */
    int max_scan;            /* CR9 bits 4-0: scanlines per row - 1 */
    int double_scan;         /* CR9 bit 7 */
    int cms, hrs;            /* CR17 bits 0/1 clear: row-scan bits replace address bits */
    int word_mode;           /* CR17 bit 6 clear */
    int pel_pan;             /* pixels to skip at the left of each line */
    int preset_row;          /* CR8 bits 4-0: row scan the top row starts at (smooth scroll) */
    int pan_after_split;     /* AR10 bit 5: the split area ignores panning */
    int char_width;          /* text: 8 or 9 */
    int char_height;         /* text: scanlines per character row */
    int cols;                /* text: columns; graphics: planar addresses per line */
    int line_graphics;       /* AR10 bit 2 */
    int blink_enable;        /* AR10 bit 3 */
    uint32_t font_a, font_b; /* text: planar offsets in plane 2 of the two fonts */
    int bpp;                 /* VBE: bits per pixel */
};

enum {
    VGA_KIND_BLANK,  /* screen off: a black frame of the last size */
    VGA_KIND_TEXT,   /* alphanumeric */
    VGA_KIND_CGA2,   /* GR5 bit 5: interleaved 2-bit pixels (modes 04h/05h) */
    VGA_KIND_PLANAR, /* 16 colours from four planes (0Dh-12h, also mode 06h) */
    VGA_KIND_256,    /* GR5 bit 6: 8-bit pixels (13h, mode X) */
    VGA_KIND_VBE,    /* Bochs VBE enabled */
};

struct vga {
    struct bus *bus;       /* address and port space */
    struct sched *sched;   /* virtual clock: retrace timing, blink */
    uint8_t *vram;         /* vram_size bytes, planes interleaved (see above) */
    uint32_t vram_size;    /* bytes, a power of two >= 1 MiB */
    uint8_t *dirty;        /* bit per VRAM page: written since the last frame */
    struct region *window; /* A0000-BFFFF, decoded per GR6 */
    struct region *ports;  /* 0x3B0-0x3DF */

    /* general registers */
    uint8_t misc;    /* Misc Output (3C2 write, 3CC read) */
    uint8_t feature; /* Feature Control (3BA/3DA write, 3CA read) */
    uint8_t st00;    /* Input Status 0 (3C2 read) */
    /* sequencer */
    uint8_t sr_index; /* 3C4 */
    uint8_t sr[8];    /* SR0-SR4 used; masked to their defined bits */
    /* CRT controller */
    uint8_t cr_index;         /* 3B4/3D4 */
    uint8_t cr[VGA_CR_COUNT]; /* CR00-CR18 */
    /* graphics controller */
    uint8_t gr_index; /* 3CE */
    uint8_t gr[16];   /* GR0-GR8 used */
    /* attribute controller */
    uint8_t ar_index;         /* index with bit 5 (palette address source) */
    bool ar_flip_flop;        /* false: next 3C0 write is an index; true: data */
    uint8_t ar[VGA_AR_COUNT]; /* AR00-AR14 */
    /* DAC */
    uint8_t dac_read_index;  /* entry the next 3C9 read returns */
    uint8_t dac_write_index; /* entry the next 3C9 write completes */
    uint8_t dac_sub;         /* 0..2: red, green, blue of the current entry */
    uint8_t dac_state;       /* 3C7 read: 0 after a write index, 3 after a read index */
    uint8_t dac_mask;        /* pixel mask (3C6) */
    uint8_t dac_cache[3];    /* components of an entry being written */
    uint8_t palette[768];    /* 256 x RGB, 6 bits each (8 with VBE 8BIT_DAC) */
    uint32_t latch;          /* the four plane latches, plane P in byte P */

    /* Bochs VBE (vbe.c) */
    struct region *vbe_ports;           /* 0x1CE-0x1D0 */
    uint16_t vbe_index;                 /* 0x1CE */
    uint16_t vbe_regs[VBE_INDEX_COUNT]; /* DISPI registers as programmed */
    uint32_t vbe_start;                 /* byte offset of the displayed pixel 0,0 */
    uint32_t vbe_line_offset;           /* bytes per line of the virtual screen */
    struct pci_func pci;                /* 00:02.0, 1234:1111 */
    struct pci_bus *pb;                 /* bus the function is on (NULL: none) */
    struct region *lfb;                 /* VRAM at BAR0, dirty-logged; NULL while off */
    uint8_t *rom;                       /* VGA BIOS image padded to rom_size (NULL: none) */
    uint32_t rom_size;                  /* expansion ROM BAR size (power of two) */
    struct region *rom_region;          /* the ROM at its BAR while enabled */

    /* scan-out (vga_render.c) */
    uint32_t *fb;                 /* output pixels, fb_width x fb_height */
    int fb_width, fb_height;      /* current output size */
    uint64_t generation;          /* bumped whenever an output pixel or the size changes */
    struct vga_scan_params last;  /* parameters of the last frame */
    bool full_redraw;             /* next frame redraws everything */
    uint32_t pal32[256];          /* DAC colours as 0x00RRGGBB, as of the last frame */
    uint8_t ar_map[16];           /* 4-bit pixel -> DAC index, as of the last frame */
    uint8_t *font_copy;           /* plane-2 glyphs of the two fonts the last frame used */
    uint32_t cursor_addr;         /* planar address of the last frame's cursor (~0: none yet) */
    int cursor_start, cursor_end; /* its scanlines */
    bool blink_on;                /* blinking characters were shown in the last frame */
    bool cursor_shown;            /* the last frame showed the cursor */
};

/* vga.c */
uint64_t vga_frame_ns(const struct vga *s); /* one refresh period */
void vga_mark_dirty(struct vga *s, uint32_t vram_off, uint32_t len);

/* vga_render.c */
void vga_render_reset(struct vga *s);
void vga_render_destroy(struct vga *s);

#endif

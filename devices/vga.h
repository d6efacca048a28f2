/*
 * vga.h - IBM VGA with the Bochs VBE extensions, as QEMU's "-vga std"
 * (PCI 1234:1111): registers and planar memory (vga.c), scan-out to a
 * 32-bit frame (vga_render.c), DISPI and the linear framebuffer (vbe.c).
 */
#ifndef CINDER_DEVICES_VGA_H
#define CINDER_DEVICES_VGA_H

#include <stddef.h>
#include <stdint.h>

#include "devices/device.h"

struct bus;
struct sched;
struct pci_bus;

#define VGA_VRAM_DEFAULT_MB 16
#define VGA_PCI_VENDOR 0x1234
#define VGA_PCI_DEVICE 0x1111

/* The frame as the renderer left it. */
struct vga_frame {
    const uint32_t *pixels; /* 0x00RRGGBB, row-major; NULL when nothing was ever shown */
    int width, height;      /* pixels */
    int stride;             /* pixels per row */
    uint64_t generation;    /* changes whenever a pixel or the size changed */
};

struct vga;
extern const struct device_desc vga_desc;

/*
 * A VGA with vram_mb MiB of VRAM (1..256, a power of two): ports 0x3B0-0x3DF,
 * the A0000-BFFFF window, DISPI at 0x1CE-0x1D0, and, when pb is not NULL, the
 * PCI function at 00:pci_slot.0 with the LFB in BAR0 and rom (rom_len bytes,
 * copied; may be NULL) as its expansion ROM.  NULL if out of memory or a
 * port, the window or the PCI slot is taken.
 */
struct vga *vga_create(struct bus *bus, struct sched *sched, struct pci_bus *pb, unsigned pci_slot,
                       unsigned vram_mb, const uint8_t *rom, size_t rom_len);

/* Bring the frame up to date (only lines whose VRAM changed are redrawn,
 * everything after a mode, palette or font change) and return it. */
struct vga_frame vga_render(struct vga *s);

/* The visible text screen as UTF-8 (code page 437 mapped), one '\n'-ended
 * line per row, trailing spaces trimmed.  Returns the length (NUL-terminated,
 * truncated to len), or -1 when not in a text mode. */
int vga_screen_text(struct vga *s, char *buf, size_t len);

/* Code page 437 byte -> Unicode code point (0x00 maps to a space). */
uint32_t vga_cp437_to_unicode(uint8_t c);

#endif

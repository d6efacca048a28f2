/*
 * vbe.h - the Bochs VBE "DISPI" interface of the std-VGA (vbe.c): register
 * numbers and bits as Bochs and QEMU define them, and the hooks vga.c and
 * vga_render.c call.
 */
#ifndef CINDER_DEVICES_VBE_H
#define CINDER_DEVICES_VBE_H

#include <stdbool.h>
#include <stdint.h>

struct vga;
struct pci_bus;

/* Bochs DISPI register indices and ENABLE bits (Bochs vbe.h, QEMU vga_regs.h). */
enum {
    VBE_INDEX_ID = 0,
    VBE_INDEX_XRES,
    VBE_INDEX_YRES,
    VBE_INDEX_BPP,
    VBE_INDEX_ENABLE,
    VBE_INDEX_BANK,
    VBE_INDEX_VIRT_WIDTH,
    VBE_INDEX_VIRT_HEIGHT,
    VBE_INDEX_X_OFFSET,
    VBE_INDEX_Y_OFFSET,
    VBE_INDEX_VIDEO_MEMORY_64K,
    VBE_INDEX_COUNT,
};
#define VBE_ENABLED 0x01
#define VBE_GETCAPS 0x02
#define VBE_8BIT_DAC 0x20
#define VBE_LFB_ENABLED 0x40
#define VBE_NOCLEARMEM 0x80
#define VBE_ID0 0xB0C0
#define VBE_ID5 0xB0C5
#define VBE_MAX_XRES 1920
#define VBE_MAX_YRES 1200
#define VBE_MAX_BPP 32
#define VBE_LFB_DEFAULT 0xE0000000u /* where the LFB sits before firmware moves BAR0 */

/* Map the DISPI ports and prepare the PCI function (registered by vga.c). */
int vbe_init(struct vga *s, struct pci_bus *pb, const uint8_t *rom, uint32_t rom_len);
void vbe_reset(struct vga *s);   /* DISPI registers, PCI header, BAR and ROM mappings */
void vbe_destroy(struct vga *s); /* unmap and free what vbe_init and the BARs made */
bool vbe_enabled(const struct vga *s);
/* Fold the LFB's dirty log for VRAM bytes [off, off + len) into the VGA's
 * dirty bitmap. */
void vbe_collect_dirty(struct vga *s, uint32_t off, uint32_t len);

#endif

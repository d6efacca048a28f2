/*
 * multiboot.h - loading a Multiboot (v1) kernel for -kernel/-initrd/-append.
 *
 * The loader is a pure function of the image bytes: it validates everything
 * first, then writes the kernel, modules and the information structure
 * through a caller-given write function (the board passes the bus, so code
 * pages stay coherent; tests pass a buffer).  The board then puts the CPU in
 * the state the spec requires (multiboot_entry_regs in pc.c).
 */
#ifndef CINDER_DEVICES_MULTIBOOT_H
#define CINDER_DEVICES_MULTIBOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MULTIBOOT_HEADER_MAGIC 0x1BADB002u     /* in the kernel image */
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002u /* in EAX at entry */
#define MULTIBOOT_SEARCH 8192                  /* header lies in the first 8 KiB */
#define MULTIBOOT_AOUT_KLUDGE 0x00010000u      /* header flag 16: addresses in the header */

/* The information structure and everything it points to live here, in low
 * RAM that no PC firmware data structure uses (kernels load at >= 1 MiB). */
#define MULTIBOOT_INFO_ADDR 0x9000u
#define MULTIBOOT_INFO_END 0x10000u

/* multiboot_info.flags bits (spec 3.3) */
#define MBI_MEM 0x001u
#define MBI_CMDLINE 0x004u
#define MBI_MODS 0x008u
#define MBI_MMAP 0x040u
#define MBI_LOADER_NAME 0x200u

/* Where the image goes.  RAM is [0, 640 KiB) and [1 MiB, ram_size). */
struct mb_mem {
    /* Copy len bytes to guest physical paddr; src NULL means zeros. */
    void (*write)(void *opaque, uint32_t paddr, const void *src, size_t len);
    void *opaque;         /* argument to write */
    uint32_t ram_size;    /* guest RAM bytes */
    uint32_t rom_size;    /* bytes of firmware ROM just below 4 GiB (reserved in the map); 0 none */
};

struct mb_module {
    const uint8_t *data; /* file contents */
    size_t len;          /* bytes */
    const char *cmdline; /* string for the module's "string" field (GRUB: path and arguments) */
};

/* What the board needs to start the kernel. */
struct mb_boot {
    uint32_t entry;        /* EIP */
    uint32_t info_addr;    /* EBX */
    uint32_t kernel_start; /* lowest byte loaded */
    uint32_t kernel_end;   /* one past the highest byte loaded (incl. bss) */
    uint32_t mods_end;     /* one past the last module (== kernel_end without modules) */
    bool aout_kludge;      /* loaded by the header's addresses rather than ELF headers */
};

/* true if the image looks like a Linux bzImage ("HdrS" at 0x202). */
bool multiboot_is_bzimage(const uint8_t *img, size_t len);

/*
 * Load a kernel: name is used in messages (the file path); cmdline is the
 * kernel's command line (the board passes "PATH APPEND", as QEMU does).
 * Returns 0, or -1 with a one-line message "NAME: what is wrong" in err and
 * nothing written.
 */
int multiboot_load(const struct mb_mem *mem, const char *name, const uint8_t *img, size_t len,
                   const char *cmdline, const struct mb_module *mods, unsigned nmods,
                   struct mb_boot *out, char *err, size_t errlen);

#endif

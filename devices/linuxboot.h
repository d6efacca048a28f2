/*
 * linuxboot.h - loading a Linux bzImage for -kernel/-initrd/-append through
 * the 32-bit boot protocol (Documentation/x86/boot.rst, "32-bit Boot
 * Protocol"): no BIOS runs; the board enters the kernel in flat protected
 * mode with ESI pointing at a "zero page" (struct boot_params) that holds the
 * kernel's setup header as a boot loader fills it and an E820 memory map.
 *
 * Like multiboot.h, the loader is a pure function of the file bytes: it
 * validates everything first, then writes through a caller-given function.
 */
#ifndef CINDER_DEVICES_LINUXBOOT_H
#define CINDER_DEVICES_LINUXBOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Low-memory layout of what the loader builds (all below 640 KiB, in RAM the
 * kernel keeps reserved while it reads them). */
#define LINUXBOOT_PARAMS_ADDR 0x10000u  /* boot_params, 4 KiB */
#define LINUXBOOT_GDT_ADDR 0x11000u     /* GDT: null, null, __BOOT_CS 0x10, __BOOT_DS 0x18 */
#define LINUXBOOT_CMDLINE_ADDR 0x20000u /* command line, up to LINUXBOOT_CMDLINE_MAX bytes */
#define LINUXBOOT_CMDLINE_MAX 0x10000u
#define LINUXBOOT_ACPI_ADDR 0x9F000u    /* ACPI tables (E820-reserved up to 640 KiB) */
#define LINUXBOOT_KERNEL_ADDR 0x100000u /* protected-mode kernel (bzImage) */
#define LINUXBOOT_INITRD_CAP 0x37FFFFFFu /* highest initrd byte whatever the kernel says (QEMU) */
#define LINUXBOOT_BOOT_CS 0x10
#define LINUXBOOT_BOOT_DS 0x18

/* Where the image goes.  RAM is [0, 640 KiB) and [1 MiB, ram_size). */
struct lb_mem {
    /* Copy len bytes to guest physical paddr; src NULL means zeros. */
    void (*write)(void *opaque, uint32_t paddr, const void *src, size_t len);
    void *opaque;      /* argument to write */
    uint32_t ram_size; /* guest RAM bytes */
    uint32_t rom_size; /* bytes of firmware ROM just below 4 GiB (reserved in the map); 0 none */
};

/* ACPI tables for the board's PIIX4-style power management, so that the
 * kernel finds the PM timer, the SCI and soft-off (\_S5).  Omitted (NULL):
 * no tables, and the kernel boots without ACPI. */
struct lb_acpi {
    uint16_t pm_base;      /* PM1a event block; PM1a control at +4, PM timer at +8 */
    uint16_t sci_irq;      /* ISA IRQ of the SCI */
    uint16_t smi_cmd;      /* port taking the ACPI enable/disable commands; 0 none */
    uint8_t acpi_enable;   /* value written to smi_cmd to enter ACPI mode */
    uint8_t acpi_disable;  /* ... and to leave it */
    /* The PCI root bridge: ISA IRQ that PIRQA-D are routed to (the _PRT
     * maps slot S pin P to PIRQ (S - 1 + P) & 3, QEMU's PIIX wiring; all zero:
     * no _PRT), and where the PCI memory window starts (the top of RAM). */
    uint8_t pirq_irq[4];
    uint32_t pci_mem_base;
};

/* What the board needs to start the kernel. */
struct lb_boot {
    uint32_t entry;       /* EIP: code32_start */
    uint32_t params;      /* ESI: boot_params */
    uint32_t gdt_base;    /* GDTR */
    uint16_t gdt_limit;
    uint16_t protocol;    /* boot protocol version, e.g. 0x020F */
    uint32_t kernel_end;  /* one past the kernel's load area (incl. init_size) */
    uint32_t initrd_addr; /* 0 without an initrd */
    uint32_t initrd_size;
};

/* true if the image carries a Linux setup header ("HdrS" at 0x202). */
bool linuxboot_is_bzimage(const uint8_t *img, size_t len);

/*
 * Load a bzImage.  name is used in messages (the file path); cmdline is the
 * kernel command line (-append, NULL for none); initrd/initrd_len the
 * -initrd file (NULL/0 for none) and initrd_name its path for messages.
 * Returns 0, or -1 with a one-line message "NAME: what is wrong" in err and
 * nothing written.
 */
int linuxboot_load(const struct lb_mem *mem, const char *name, const uint8_t *img, size_t len,
                   const char *cmdline, const uint8_t *initrd, size_t initrd_len,
                   const char *initrd_name, const struct lb_acpi *acpi, struct lb_boot *out,
                   char *err, size_t errlen);

#endif

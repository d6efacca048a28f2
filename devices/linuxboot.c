/*
 * linuxboot.c - Linux/x86 boot protocol (bzImage, protocol 2.02 and later)
 * through its 32-bit entry.
 *
 * Sources: the kernel's Documentation/x86/boot.rst (the real-mode kernel
 * header, "Details of header fields", "Loading the rest of the kernel",
 * "32-bit Boot Protocol") and Documentation/x86/zero-page.rst (boot_params
 * offsets: acpi_rsdp_addr 0x070, alt_mem_k 0x1E0, e820_entries 0x1E8, the
 * setup header at 0x1F1, e820_table 0x2D0); QEMU hw/i386/x86.c
 * x86_load_linux for the choices a loader makes (initrd as high as possible
 * below min(initrd_addr_max, RAM top), heap_end_ptr, type_of_loader 0xFF);
 * ACPI 1.0b sections 5.2.4-5.2.9 (RSDP, RSDT, FADT, FACS, DSDT) and 16
 * (AML: NameOp, PackageOp) for the minimal tables.
 *
 * What the kernel gets: its protected-mode part at 1 MiB; boot_params at
 * LINUXBOOT_PARAMS_ADDR with the setup header copied from the file and filled
 * in (type_of_loader 0xFF, CAN_USE_HEAP and heap_end_ptr, cmd_line_ptr,
 * ramdisk_image/size, vid_mode 0xFFFF "normal"), alt_mem_k, ext_mem_k, the
 * E820 map (RAM [0, 0x9F000), reserved [0x9F000, 0xA0000) holding the ACPI
 * tables, reserved [0xF0000, 1 MiB), RAM [1 MiB, top), the firmware ROM
 * below 4 GiB reserved), and with lb_acpi the RSDP address (acpi_rsdp_addr,
 * honoured by kernels since 5.0) of RSDP/RSDT/FADT/FACS/DSDT describing the
 * PIIX4 PM block and \_S5 (soft off = SLP_TYP 0).
 *
 * Not done: the real-mode entry through the setup code (it needs a BIOS;
 * QEMU's linuxboot option ROM does that) -- so the setup sectors are not
 * copied to memory, only their header; zImage (not loaded high); protocol
 * < 2.02; setup_data chains; EFI handover; loading above 4 GiB.
 */
#include "devices/linuxboot.h"

#include <stdio.h>
#include <string.h>

#define LOW_RAM_END 0xA0000u
#define HIGH_RAM_START 0x100000u
#define PAGE 0x1000u

/* Setup header offsets (boot.rst), the same in the file and in boot_params. */
#define HDR_START 0x1F1
#define HDR_SETUP_SECTS 0x1F1
#define HDR_VID_MODE 0x1FA
#define HDR_BOOT_FLAG 0x1FE
#define HDR_JUMP 0x200
#define HDR_SIGNATURE 0x202
#define HDR_VERSION 0x206
#define HDR_TYPE_OF_LOADER 0x210
#define HDR_LOADFLAGS 0x211
#define HDR_CODE32_START 0x214
#define HDR_RAMDISK_IMAGE 0x218
#define HDR_RAMDISK_SIZE 0x21C
#define HDR_HEAP_END_PTR 0x224
#define HDR_CMD_LINE_PTR 0x228
#define HDR_INITRD_ADDR_MAX 0x22C
#define HDR_CMDLINE_SIZE 0x238
#define HDR_INIT_SIZE 0x260
#define HDR_END_MAX 0x290 /* boot_params.hdr ends here (after it: _pad7 etc.) */

#define LOADED_HIGH 0x01
#define CAN_USE_HEAP 0x80

/* boot_params offsets outside the header (zero-page.rst). */
#define BP_EXT_MEM_K 0x002 /* screen_info.ext_mem_k */
#define BP_ACPI_RSDP 0x070
#define BP_ALT_MEM_K 0x1E0
#define BP_E820_ENTRIES 0x1E8
#define BP_E820_TABLE 0x2D0
#define BP_SIZE 0x1000

#define E820_RAM 1
#define E820_RESERVED 2

#define ACPI_RESERVED_START 0x9F000u
#define BIOS_AREA_START 0xF0000u

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static void wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static void wr32(uint8_t *p, uint32_t v)
{
    wr16(p, (uint16_t)v);
    wr16(p + 2, (uint16_t)(v >> 16));
}
static void wr64(uint8_t *p, uint64_t v)
{
    wr32(p, (uint32_t)v);
    wr32(p + 4, (uint32_t)(v >> 32));
}

bool linuxboot_is_bzimage(const uint8_t *img, size_t len)
{
    return len >= HDR_SIGNATURE + 4 && !memcmp(img + HDR_SIGNATURE, "HdrS", 4);
}

/* --- ACPI tables ------------------------------------------------------------ */

#define ACPI_RSDP_OFF 0x00
#define ACPI_RSDT_OFF 0x40
#define ACPI_FADT_OFF 0x80
#define ACPI_FACS_OFF 0x100 /* 64-byte aligned */
#define ACPI_DSDT_OFF 0x140
#define ACPI_SIZE 0x1000 /* the reserved page below 640K */

static uint8_t acpi_sum(const uint8_t *p, size_t n)
{
    uint8_t s = 0;
    for (size_t i = 0; i < n; i++)
        s = (uint8_t)(s + p[i]);
    return (uint8_t)-s;
}

/* Standard 36-byte description header; the checksum is set by acpi_finish. */
static void acpi_header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
    memcpy(t, sig, 4);
    wr32(t + 4, len);
    t[8] = rev;
    memcpy(t + 10, "CINDER", 6);
    memcpy(t + 16, "CINDERPC", 8);
    wr32(t + 24, 1);          /* OEM revision */
    memcpy(t + 28, "CNDR", 4); /* creator ID */
    wr32(t + 32, 1);          /* creator revision */
}
static void acpi_finish(uint8_t *t)
{
    t[9] = 0;
    t[9] = acpi_sum(t, rd32(t + 4));
}

/* --- AML (ACPI 1.0b section 16) --------------------------------------------
 * Just enough to describe the PCI root bridge: without a PNP0A03 device in
 * the namespace, an ACPI kernel finds no PCI bus at all. */

struct aml {
    uint8_t *p;   /* output */
    size_t len;   /* bytes written */
    size_t cap;   /* room in p */
};

static void aml_bytes(struct aml *o, const void *b, size_t n)
{
    if (o->len + n <= o->cap) memcpy(o->p + o->len, b, n);
    o->len += n; /* past cap: counted, not written (the caller checks) */
}

static void aml_byte(struct aml *o, uint8_t b) { aml_bytes(o, &b, 1); }

static void aml_dword(struct aml *o, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    aml_bytes(o, b, 4);
}

/* An integer as the shortest constant. */
static void aml_int(struct aml *o, uint32_t v)
{
    if (v == 0 || v == 1) {
        aml_byte(o, (uint8_t)v); /* ZeroOp, OneOp */
    } else if (v <= 0xFF) {
        aml_byte(o, 0x0A);
        aml_byte(o, (uint8_t)v);
    } else if (v <= 0xFFFF) {
        aml_byte(o, 0x0B);
        aml_byte(o, (uint8_t)v);
        aml_byte(o, (uint8_t)(v >> 8));
    } else {
        aml_byte(o, 0x0C);
        aml_dword(o, v);
    }
}

/* Open a PkgLength-prefixed body: returns where it starts.  Four bytes are
 * reserved for the length and trimmed by aml_close. */
static size_t aml_open(struct aml *o)
{
    size_t at = o->len;
    aml_bytes(o, "\0\0\0\0", 4);
    return at;
}

static void aml_close(struct aml *o, size_t at)
{
    size_t body = o->len - at - 4;
    unsigned n = body + 1 < 0x40 ? 1 : body + 2 < 0x1000 ? 2 : body + 3 < 0x100000 ? 3 : 4;
    size_t total = body + n; /* PkgLength counts its own bytes */
    uint8_t enc[4];
    if (n == 1) {
        enc[0] = (uint8_t)total;
    } else {
        enc[0] = (uint8_t)(((n - 1) << 6) | (total & 0x0F));
        for (unsigned i = 1; i < n; i++) enc[i] = (uint8_t)(total >> (4 + 8 * (i - 1)));
    }
    if (o->len <= o->cap) {
        memmove(o->p + at + n, o->p + at + 4, body);
        memcpy(o->p + at, enc, n);
    }
    o->len -= 4 - n;
}

static void aml_name(struct aml *o, const char *seg) /* NameOp and a 4-char name */
{
    aml_byte(o, 0x08);
    aml_bytes(o, seg, 4);
}

/* Word/DWord address space descriptors (ACPI 1.0b 6.4.3.5): producer,
 * fixed min and max, positive decode. */
static void res_word(struct aml *o, uint8_t type, uint8_t tflags, uint16_t min, uint16_t max)
{
    uint8_t d[16] = {0x88, 13, 0, type, 0x0C, tflags};
    d[8] = (uint8_t)min;
    d[9] = (uint8_t)(min >> 8);
    d[10] = (uint8_t)max;
    d[11] = (uint8_t)(max >> 8);
    uint16_t n = (uint16_t)(max - min + 1);
    d[14] = (uint8_t)n;
    d[15] = (uint8_t)(n >> 8);
    aml_bytes(o, d, sizeof(d));
}

static void res_dword_mem(struct aml *o, uint32_t min, uint32_t max)
{
    uint8_t d[26] = {0x87, 23, 0, 0 /* memory */, 0x0C, 0x03 /* cacheable, read/write */};
    wr32(d + 10, min);
    wr32(d + 14, max);
    wr32(d + 22, max - min + 1);
    aml_bytes(o, d, sizeof(d));
}

/* \_S5 and \_SB.PCI0 with _HID PNP0A03, _CRS (bus 0-FF, config ports, I/O,
 * the VGA window and the PCI memory hole) and a static _PRT in PIC mode. */
static size_t build_dsdt_aml(uint8_t *out, size_t cap, const struct lb_acpi *ac)
{
    struct aml o = {out, 0, cap};
    /* Name (_S5, Package (2) {Zero, Zero}): soft off is SLP_TYP 0 */
    aml_name(&o, "_S5_");
    aml_byte(&o, 0x12);
    size_t pkg = aml_open(&o);
    aml_byte(&o, 2);
    aml_int(&o, 0);
    aml_int(&o, 0);
    aml_close(&o, pkg);

    aml_byte(&o, 0x10); /* ScopeOp (\_SB) */
    size_t scope = aml_open(&o);
    aml_bytes(&o, "\\_SB_", 5);
    aml_bytes(&o, "\x5B\x82", 2); /* DeviceOp (PCI0) */
    size_t dev = aml_open(&o);
    aml_bytes(&o, "PCI0", 4);
    aml_name(&o, "_HID");
    aml_int(&o, 0x030AD041u); /* EisaId ("PNP0A03") */
    aml_name(&o, "_ADR");
    aml_int(&o, 0);
    aml_name(&o, "_UID");
    aml_int(&o, 0);

    aml_name(&o, "_CRS");
    aml_byte(&o, 0x11); /* BufferOp */
    size_t buf = aml_open(&o);
    size_t size_at = o.len;
    aml_bytes(&o, "\x0B\0\0", 3); /* BufferSize: WordConst, patched below */
    size_t data_at = o.len;
    res_word(&o, 2, 0, 0x00, 0xFF);                               /* bus numbers */
    aml_bytes(&o, "\x47\x01\xF8\x0C\xF8\x0C\x01\x08", 8);   /* IO 0xCF8-0xCFF */
    res_word(&o, 1, 0x03, 0x0000, 0x0CF7);                         /* I/O below config */
    res_word(&o, 1, 0x03, 0x0D00, 0xFFFF);                         /* I/O above config */
    res_dword_mem(&o, 0x000A0000u, 0x000BFFFFu);                   /* VGA window */
    if (ac->pci_mem_base && ac->pci_mem_base < 0xFEC00000u)
        res_dword_mem(&o, ac->pci_mem_base, 0xFEBFFFFFu);          /* PCI hole */
    aml_bytes(&o, "\x79\x00", 2);                                 /* end tag */
    size_t n = o.len - data_at;
    if (o.len <= o.cap) {
        out[size_at + 1] = (uint8_t)n;
        out[size_at + 2] = (uint8_t)(n >> 8);
    }
    aml_close(&o, buf);

    if (ac->pirq_irq[0]) {
        /* Package {0xSSSSFFFF, pin, Zero, IRQ} per slot and pin: with no
         * link devices the IRQs are the fixed ones the board routed. */
        aml_name(&o, "_PRT");
        aml_byte(&o, 0x12);
        size_t prt = aml_open(&o);
        aml_byte(&o, 31 * 4);
        for (unsigned slot = 1; slot < 32; slot++) {
            for (unsigned pin = 0; pin < 4; pin++) {
                aml_byte(&o, 0x12);
                size_t e = aml_open(&o);
                aml_byte(&o, 4);
                aml_int(&o, slot << 16 | 0xFFFF);
                aml_int(&o, pin);
                aml_int(&o, 0);
                aml_int(&o, ac->pirq_irq[(slot - 1 + pin) & 3]);
                aml_close(&o, e);
            }
        }
        aml_close(&o, prt);
    }
    aml_close(&o, dev);
    aml_close(&o, scope);
    return o.len <= o.cap ? o.len : 0;
}

static void build_acpi(uint8_t *a, uint32_t base, const struct lb_acpi *ac)
{
    /* RSDP (ACPI 1.0, 20 bytes) */
    uint8_t *rsdp = a + ACPI_RSDP_OFF;
    memcpy(rsdp, "RSD PTR ", 8);
    memcpy(rsdp + 9, "CINDER", 6);
    rsdp[15] = 0; /* revision 0: ACPI 1.0 */
    wr32(rsdp + 16, base + ACPI_RSDT_OFF);
    rsdp[8] = acpi_sum(rsdp, 20);

    /* RSDT: one entry, the FADT */
    uint8_t *rsdt = a + ACPI_RSDT_OFF;
    acpi_header(rsdt, "RSDT", 40, 1);
    wr32(rsdt + 36, base + ACPI_FADT_OFF);
    acpi_finish(rsdt);

    /* FADT (ACPI 1.0 layout, 116 bytes) */
    uint8_t *f = a + ACPI_FADT_OFF;
    acpi_header(f, "FACP", 116, 1);
    wr32(f + 36, base + ACPI_FACS_OFF);
    wr32(f + 40, base + ACPI_DSDT_OFF);
    f[44] = 0; /* INT_MODEL: dual PIC */
    wr16(f + 46, ac->sci_irq);
    wr32(f + 48, ac->smi_cmd);
    f[52] = ac->smi_cmd ? ac->acpi_enable : 0;
    f[53] = ac->smi_cmd ? ac->acpi_disable : 0;
    wr32(f + 56, ac->pm_base);     /* PM1a_EVT_BLK */
    wr32(f + 64, ac->pm_base + 4u); /* PM1a_CNT_BLK */
    wr32(f + 76, ac->pm_base + 8u); /* PM_TMR_BLK */
    f[88] = 4;                      /* PM1_EVT_LEN */
    f[89] = 2;                      /* PM1_CNT_LEN */
    f[91] = 4;                      /* PM_TMR_LEN */
    wr16(f + 96, 0xFFF);            /* P_LVL2_LAT: no C2 */
    wr16(f + 98, 0xFFF);            /* P_LVL3_LAT: no C3 */
    f[108] = 0x32;                  /* CENTURY: the CMOS century byte */
    /* WBINVD, PROC_C1, PWR_BUTTON and SLP_BUTTON (none fixed); 24-bit timer */
    wr32(f + 112, (1u << 0) | (1u << 2) | (1u << 4) | (1u << 5));
    acpi_finish(f);

    /* FACS (no header checksum) */
    uint8_t *facs = a + ACPI_FACS_OFF;
    memcpy(facs, "FACS", 4);
    wr32(facs + 4, 64);

    uint8_t *d = a + ACPI_DSDT_OFF;
    size_t len = build_dsdt_aml(d + 36, ACPI_SIZE - ACPI_DSDT_OFF - 36, ac);
    acpi_header(d, "DSDT", (uint32_t)(36 + len), 1);
    acpi_finish(d);
}

/* --- loading ---------------------------------------------------------------- */

static void add_e820(uint8_t *bp, uint64_t base, uint64_t size, uint32_t type)
{
    unsigned n = bp[BP_E820_ENTRIES];
    uint8_t *e = bp + BP_E820_TABLE + 20 * n;
    wr64(e, base);
    wr64(e + 8, size);
    wr32(e + 16, type);
    bp[BP_E820_ENTRIES] = (uint8_t)(n + 1);
}

int linuxboot_load(const struct lb_mem *mem, const char *name, const uint8_t *img, size_t len,
                   const char *cmdline, const uint8_t *initrd, size_t initrd_len,
                   const char *initrd_name, const struct lb_acpi *acpi, struct lb_boot *out,
                   char *err, size_t errlen)
{
    if (!initrd_name) initrd_name = "initrd";
    if (!linuxboot_is_bzimage(img, len)) {
        snprintf(err, errlen, "%s: not a Linux kernel (no \"HdrS\" signature at 0x202)", name);
        return -1;
    }
    uint16_t version = rd16(img + HDR_VERSION);
    if (version < 0x0202) {
        snprintf(err, errlen,
                 "%s: Linux boot protocol %u.%02u is too old (2.02 or later is needed)", name,
                 version >> 8, version & 0xFF);
        return -1;
    }
    if (rd16(img + HDR_BOOT_FLAG) != 0xAA55) {
        snprintf(err, errlen, "%s: bad Linux setup header (boot_flag 0x%04x, expected 0xAA55)",
                 name, rd16(img + HDR_BOOT_FLAG));
        return -1;
    }
    if (!(img[HDR_LOADFLAGS] & LOADED_HIGH)) {
        snprintf(err, errlen, "%s: zImage (kernel not loaded high) is not supported; use a bzImage",
                 name);
        return -1;
    }
    unsigned setup_sects = img[HDR_SETUP_SECTS] ? img[HDR_SETUP_SECTS] : 4;
    size_t setup_size = (size_t)(setup_sects + 1) * 512;
    size_t hdr_end = HDR_JUMP + 2 + (size_t)img[HDR_JUMP + 1];
    if (hdr_end > HDR_END_MAX) hdr_end = HDR_END_MAX;
    if (len <= setup_size || len < hdr_end) {
        snprintf(err, errlen,
                 "%s: file truncated: %zu bytes, but the setup code alone is %zu bytes", name,
                 len, setup_size);
        return -1;
    }
    size_t kernel_size = len - setup_size;
    uint64_t kernel_need = kernel_size;
    if (version >= 0x020A && rd32(img + HDR_INIT_SIZE) > kernel_need)
        kernel_need = rd32(img + HDR_INIT_SIZE);
    uint64_t kernel_end = LINUXBOOT_KERNEL_ADDR + kernel_need;
    if (kernel_end > mem->ram_size) {
        snprintf(err, errlen,
                 "%s: kernel needs %llu KiB from 1 MiB (image and decompression), RAM has only "
                 "%u KiB there",
                 name, (unsigned long long)(kernel_need >> 10),
                 mem->ram_size > HIGH_RAM_START ? (mem->ram_size - HIGH_RAM_START) >> 10 : 0);
        return -1;
    }

    /* Command line */
    const char *cl = cmdline ? cmdline : "";
    size_t cl_len = strlen(cl);
    uint32_t cl_max = version >= 0x0206 ? rd32(img + HDR_CMDLINE_SIZE) : 255;
    if (cl_max > LINUXBOOT_CMDLINE_MAX - 1) cl_max = LINUXBOOT_CMDLINE_MAX - 1;
    if (cl_len > cl_max) {
        snprintf(err, errlen, "%s: command line is %zu bytes, the kernel takes at most %u", name,
                 cl_len, cl_max);
        return -1;
    }

    /* Initrd: page-aligned, as high as possible. */
    uint32_t initrd_addr = 0;
    if (initrd) {
        uint64_t max = version >= 0x0203 ? rd32(img + HDR_INITRD_ADDR_MAX) : LINUXBOOT_INITRD_CAP;
        if (max > LINUXBOOT_INITRD_CAP) max = LINUXBOOT_INITRD_CAP;
        uint64_t top = max + 1 < mem->ram_size ? max + 1 : mem->ram_size;
        uint64_t lowest = (kernel_end + PAGE - 1) & ~(uint64_t)(PAGE - 1);
        if (initrd_len > top || ((top - initrd_len) & ~(uint64_t)(PAGE - 1)) < lowest) {
            snprintf(err, errlen,
                     "%s: %zu bytes do not fit between the kernel (ends at 0x%llx) and 0x%llx "
                     "(RAM top or the kernel's initrd_addr_max)",
                     initrd_name, initrd_len, (unsigned long long)kernel_end,
                     (unsigned long long)top);
            return -1;
        }
        initrd_addr = (uint32_t)((top - initrd_len) & ~(uint64_t)(PAGE - 1));
    }

    /* boot_params */
    uint8_t bp[BP_SIZE];
    memset(bp, 0, sizeof(bp));
    memcpy(bp + HDR_START, img + HDR_START, hdr_end - HDR_START);
    wr16(bp + HDR_VID_MODE, 0xFFFF); /* "normal" */
    bp[HDR_TYPE_OF_LOADER] = 0xFF;   /* undefined boot loader */
    bp[HDR_LOADFLAGS] = (uint8_t)(bp[HDR_LOADFLAGS] | CAN_USE_HEAP);
    /* heap_end_ptr: as if the setup code ran at PARAMS_ADDR, up to 0x200 below the cmdline */
    wr16(bp + HDR_HEAP_END_PTR, LINUXBOOT_CMDLINE_ADDR - LINUXBOOT_PARAMS_ADDR - 0x200);
    wr32(bp + HDR_CMD_LINE_PTR, LINUXBOOT_CMDLINE_ADDR);
    wr32(bp + HDR_RAMDISK_IMAGE, initrd_addr);
    wr32(bp + HDR_RAMDISK_SIZE, initrd ? (uint32_t)initrd_len : 0);
    wr32(bp + HDR_CODE32_START, LINUXBOOT_KERNEL_ADDR);
    uint32_t ext_k = mem->ram_size > HIGH_RAM_START ? (mem->ram_size - HIGH_RAM_START) >> 10 : 0;
    wr16(bp + BP_EXT_MEM_K, (uint16_t)(ext_k > 0xFFFF ? 0xFFFF : ext_k));
    wr32(bp + BP_ALT_MEM_K, ext_k);
    add_e820(bp, 0, ACPI_RESERVED_START, E820_RAM);
    add_e820(bp, ACPI_RESERVED_START, LOW_RAM_END - ACPI_RESERVED_START, E820_RESERVED);
    add_e820(bp, BIOS_AREA_START, HIGH_RAM_START - BIOS_AREA_START, E820_RESERVED);
    add_e820(bp, HIGH_RAM_START, mem->ram_size - HIGH_RAM_START, E820_RAM);
    if (mem->rom_size) add_e820(bp, 0x100000000ull - mem->rom_size, mem->rom_size, E820_RESERVED);

    uint8_t acpi_tables[ACPI_SIZE];
    memset(acpi_tables, 0, sizeof(acpi_tables));
    if (acpi) {
        build_acpi(acpi_tables, LINUXBOOT_ACPI_ADDR, acpi);
        wr64(bp + BP_ACPI_RSDP, LINUXBOOT_ACPI_ADDR + ACPI_RSDP_OFF);
    }

    /* GDT: flat 4 GiB code (0x10) and data (0x18), as boot.rst requires. */
    static const uint8_t gdt[32] = {
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0xFF, 0xFF, 0, 0, 0, 0x9B, 0xCF, 0, /* __BOOT_CS: base 0, limit 4G, code r/x, accessed */
        0xFF, 0xFF, 0, 0, 0, 0x93, 0xCF, 0, /* __BOOT_DS: base 0, limit 4G, data r/w, accessed */
    };

    /* Everything checked: write. */
    mem->write(mem->opaque, LINUXBOOT_KERNEL_ADDR, img + setup_size, kernel_size);
    if (initrd && initrd_len) mem->write(mem->opaque, initrd_addr, initrd, initrd_len);
    mem->write(mem->opaque, LINUXBOOT_PARAMS_ADDR, bp, sizeof(bp));
    mem->write(mem->opaque, LINUXBOOT_GDT_ADDR, gdt, sizeof(gdt));
    mem->write(mem->opaque, LINUXBOOT_CMDLINE_ADDR, cl, cl_len);
    mem->write(mem->opaque, LINUXBOOT_CMDLINE_ADDR + (uint32_t)cl_len, NULL, 1);
    if (acpi) mem->write(mem->opaque, LINUXBOOT_ACPI_ADDR, acpi_tables, sizeof(acpi_tables));

    out->entry = LINUXBOOT_KERNEL_ADDR;
    out->params = LINUXBOOT_PARAMS_ADDR;
    out->gdt_base = LINUXBOOT_GDT_ADDR;
    out->gdt_limit = sizeof(gdt) - 1;
    out->protocol = version;
    out->kernel_end = (uint32_t)kernel_end;
    out->initrd_addr = initrd_addr;
    out->initrd_size = initrd ? (uint32_t)initrd_len : 0;
    return 0;
}

/*
 * multiboot.c - Multiboot Specification 0.6.96 kernel loader.
 *
 * Sources: the Multiboot Specification v0.6.96 (GNU GRUB), sections 3.1
 * (header, its flags, the a.out kludge), 3.2 (machine state) and 3.3 (boot
 * information format); System V ABI i386 supplement (ELF32 program headers);
 * QEMU hw/i386/multiboot.c for what users expect of -kernel/-initrd/-append
 * (the command line starts with the kernel path; -initrd is a comma-separated
 * list of modules, each "FILE ARGS").
 *
 * What is loaded: ELF32 i386 executables (PT_LOAD segments at their physical
 * addresses: copy p_filesz, zero up to p_memsz), or any image whose header
 * sets flag 16 (the a.out kludge: the header gives load, bss and entry
 * addresses).  Modules go page-aligned above the kernel.  The information
 * structure (memory sizes, command line, modules, memory map, loader name)
 * is built at MULTIBOOT_INFO_ADDR.
 *
 * Not done: flag 2 (video mode request: refused, as the spec requires of a
 * loader that cannot honour a required flag), the ELF section table (flag 5),
 * boot_device, drives, APM and VBE tables, gzip-compressed images, Multiboot 2.
 */
#include "devices/multiboot.h"

#include <stdio.h>
#include <string.h>

#define MAX_SEGMENTS 32
#define LOW_RAM_END 0xA0000u   /* conventional memory ends at 640 KiB */
#define HIGH_RAM_START 0x100000u
#define PAGE 0x1000u

struct segment {
    uint32_t paddr;   /* where it goes */
    uint32_t filesz;  /* bytes copied from the image */
    uint32_t memsz;   /* bytes in memory (rest zeroed) */
    size_t offset;    /* image offset of the copied bytes */
};

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static void wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}
static void wr64(uint8_t *p, uint64_t v)
{
    wr32(p, (uint32_t)v);
    wr32(p + 4, (uint32_t)(v >> 32));
}

bool multiboot_is_bzimage(const uint8_t *img, size_t len)
{
    return len >= 0x206 && !memcmp(img + 0x202, "HdrS", 4);
}

/* Is [addr, addr+size) plain RAM that the info area does not use? */
static const char *check_range(const struct mb_mem *mem, uint64_t addr, uint64_t size)
{
    uint64_t end = addr + size;
    bool low = end <= LOW_RAM_END;
    bool high = addr >= HIGH_RAM_START && end <= mem->ram_size;
    if (!low && !high)
        return "outside RAM";
    if (addr < MULTIBOOT_INFO_END && end > MULTIBOOT_INFO_ADDR)
        return "over the boot information area (0x9000-0xFFFF)";
    return NULL;
}

static int find_header(const char *name, const uint8_t *img, size_t len, size_t *hoff, char *err,
                       size_t errlen)
{
    size_t limit = len < MULTIBOOT_SEARCH ? len : MULTIBOOT_SEARCH;
    bool magic_seen = false;
    for (size_t o = 0; o + 12 <= limit; o += 4) {
        if (rd32(img + o) != MULTIBOOT_HEADER_MAGIC)
            continue;
        magic_seen = true;
        if ((uint32_t)(rd32(img + o) + rd32(img + o + 4) + rd32(img + o + 8)) == 0) {
            *hoff = o;
            return 0;
        }
    }
    if (magic_seen)
        snprintf(err, errlen, "%s: bad multiboot header checksum", name);
    else if (multiboot_is_bzimage(img, len))
        snprintf(err, errlen, "%s: Linux bzImage boot is not supported yet", name);
    else if (len >= 4 && !memcmp(img, "\177ELF", 4))
        snprintf(err, errlen,
                 "%s: ELF file without a multiboot header in its first 8192 bytes "
                 "(only multiboot kernels can be loaded)",
                 name);
    else
        snprintf(err, errlen,
                 "%s: not a multiboot kernel (no multiboot header in the first 8192 bytes)",
                 name);
    return -1;
}

static int parse_aout(const char *name, const uint8_t *img, size_t len, size_t hoff,
                      const struct mb_mem *mem, struct segment *seg, uint32_t *entry, char *err,
                      size_t errlen)
{
    if (hoff + 32 > len) {
        snprintf(err, errlen, "%s: multiboot header truncated (a.out kludge needs 32 bytes)",
                 name);
        return -1;
    }
    const uint8_t *h = img + hoff;
    uint32_t header_addr = rd32(h + 12), load_addr = rd32(h + 16), load_end = rd32(h + 20);
    uint32_t bss_end = rd32(h + 24);
    if (load_addr > header_addr || header_addr - load_addr > hoff) {
        snprintf(err, errlen,
                 "%s: multiboot load_addr 0x%x is inconsistent with header_addr 0x%x", name,
                 load_addr, header_addr);
        return -1;
    }
    size_t offset = hoff - (header_addr - load_addr);
    uint64_t size;
    if (load_end == 0) {
        size = len - offset;
    } else {
        if (load_end < load_addr) {
            snprintf(err, errlen, "%s: multiboot load_end_addr 0x%x is below load_addr 0x%x",
                     name, load_end, load_addr);
            return -1;
        }
        size = load_end - load_addr;
        if (offset + size > len) {
            snprintf(err, errlen, "%s: file truncated: load range needs %llu bytes, file has %zu",
                     name, (unsigned long long)(offset + size), len);
            return -1;
        }
    }
    uint64_t memsz = size;
    if (bss_end != 0) {
        if (bss_end < load_addr + size) {
            snprintf(err, errlen, "%s: multiboot bss_end_addr 0x%x is below the loaded data",
                     name, bss_end);
            return -1;
        }
        memsz = bss_end - load_addr;
    }
    const char *why = check_range(mem, load_addr, memsz ? memsz : 1);
    if (why) {
        snprintf(err, errlen, "%s: load range 0x%x-0x%llx is %s", name, load_addr,
                 (unsigned long long)(load_addr + memsz), why);
        return -1;
    }
    seg->paddr = load_addr;
    seg->filesz = (uint32_t)size;
    seg->memsz = (uint32_t)memsz;
    seg->offset = offset;
    *entry = rd32(h + 28);
    return 1;
}

static int parse_elf(const char *name, const uint8_t *img, size_t len, const struct mb_mem *mem,
                     struct segment *segs, uint32_t *entry, char *err, size_t errlen)
{
    if (len < 52 || memcmp(img, "\177ELF", 4)) {
        snprintf(err, errlen,
                 "%s: not an ELF file and the multiboot header does not set the a.out kludge "
                 "(flag 16)",
                 name);
        return -1;
    }
    if (img[4] != 1 || img[5] != 1) {
        snprintf(err, errlen, "%s: not an ELF32 little-endian file (class %u, data %u)", name,
                 img[4], img[5]);
        return -1;
    }
    if (rd16(img + 18) != 3) {
        snprintf(err, errlen, "%s: ELF machine %u, expected 3 (i386)", name, rd16(img + 18));
        return -1;
    }
    if (rd16(img + 16) != 2) {
        snprintf(err, errlen, "%s: ELF type %u, expected 2 (executable)", name, rd16(img + 16));
        return -1;
    }
    uint32_t phoff = rd32(img + 28);
    unsigned phentsize = rd16(img + 42), phnum = rd16(img + 44);
    if (phnum == 0 || phentsize < 32) {
        snprintf(err, errlen, "%s: ELF file has no usable program headers", name);
        return -1;
    }
    if ((uint64_t)phoff + (uint64_t)phnum * phentsize > len) {
        snprintf(err, errlen, "%s: file truncated: program headers end past the file (%zu bytes)",
                 name, len);
        return -1;
    }
    int n = 0;
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = img + phoff + (size_t)i * phentsize;
        if (rd32(ph) != 1 /* PT_LOAD */)
            continue;
        uint32_t off = rd32(ph + 4), paddr = rd32(ph + 12), filesz = rd32(ph + 16);
        uint32_t memsz = rd32(ph + 20);
        if (filesz > memsz) {
            snprintf(err, errlen, "%s: ELF segment %u has p_filesz > p_memsz", name, i);
            return -1;
        }
        if ((uint64_t)off + filesz > len) {
            snprintf(err, errlen,
                     "%s: file truncated: segment %u needs bytes up to %llu, file has %zu", name,
                     i, (unsigned long long)off + filesz, len);
            return -1;
        }
        if (memsz == 0)
            continue;
        const char *why = check_range(mem, paddr, memsz);
        if (why) {
            snprintf(err, errlen, "%s: ELF segment %u (0x%x-0x%llx) is %s", name, i, paddr,
                     (unsigned long long)paddr + memsz, why);
            return -1;
        }
        if (n == MAX_SEGMENTS) {
            snprintf(err, errlen, "%s: more than %d loadable ELF segments", name, MAX_SEGMENTS);
            return -1;
        }
        segs[n++] = (struct segment){paddr, filesz, memsz, off};
    }
    if (n == 0) {
        snprintf(err, errlen, "%s: ELF file has no loadable segment", name);
        return -1;
    }
    *entry = rd32(img + 24);
    return n;
}

/* The information area under construction (a host buffer written at the end). */
struct info_buf {
    uint8_t b[MULTIBOOT_INFO_END - MULTIBOOT_INFO_ADDR];
    uint32_t used; /* bytes allocated from b */
};

/* Reserve n bytes (aligned to 4); returns the guest address, 0 if full. */
static uint32_t info_alloc(struct info_buf *ib, uint32_t n)
{
    uint32_t at = (ib->used + 3) & ~3u;
    if (at + n > sizeof(ib->b))
        return 0;
    ib->used = at + n;
    return MULTIBOOT_INFO_ADDR + at;
}
static uint8_t *info_ptr(struct info_buf *ib, uint32_t addr)
{
    return ib->b + (addr - MULTIBOOT_INFO_ADDR);
}
static uint32_t info_string(struct info_buf *ib, const char *s)
{
    uint32_t n = (uint32_t)strlen(s) + 1;
    uint32_t a = info_alloc(ib, n);
    if (a)
        memcpy(info_ptr(ib, a), s, n);
    return a;
}

static void add_mmap(uint8_t *p, uint64_t base, uint64_t size, uint32_t type)
{
    wr32(p, 20); /* size of the rest of the entry */
    wr64(p + 4, base);
    wr64(p + 12, size);
    wr32(p + 20, type);
}

int multiboot_load(const struct mb_mem *mem, const char *name, const uint8_t *img, size_t len,
                   const char *cmdline, const struct mb_module *mods, unsigned nmods,
                   struct mb_boot *out, char *err, size_t errlen)
{
    size_t hoff;
    if (find_header(name, img, len, &hoff, err, errlen) != 0)
        return -1;
    uint32_t flags = rd32(img + hoff + 4);
    if (flags & 0x4) {
        snprintf(err, errlen, "%s: kernel requires a video mode (multiboot flag 2), "
                              "which is not supported",
                 name);
        return -1;
    }
    if (flags & 0xFFF8u) {
        snprintf(err, errlen, "%s: kernel requires unsupported multiboot features (flags 0x%04x)",
                 name, flags & 0xFFF8u);
        return -1;
    }

    struct segment segs[MAX_SEGMENTS];
    uint32_t entry = 0;
    bool aout = flags & MULTIBOOT_AOUT_KLUDGE;
    int nseg = aout ? parse_aout(name, img, len, hoff, mem, segs, &entry, err, errlen)
                    : parse_elf(name, img, len, mem, segs, &entry, err, errlen);
    if (nseg < 0)
        return -1;

    uint32_t kstart = UINT32_MAX, kend = 0;
    for (int i = 0; i < nseg; i++) {
        if (segs[i].paddr < kstart)
            kstart = segs[i].paddr;
        if (segs[i].paddr + segs[i].memsz > kend)
            kend = segs[i].paddr + segs[i].memsz;
    }

    /* Modules: page-aligned, above the kernel and at or above 1 MiB. */
    struct info_buf *ib = NULL;
    static const char loader_name[] = "cinder";
    uint64_t mod_at = kend > HIGH_RAM_START ? kend : HIGH_RAM_START;
    uint32_t mod_addr[64];
    if (nmods > 64) {
        snprintf(err, errlen, "%s: too many modules (%u, at most 64)", name, nmods);
        return -1;
    }
    for (unsigned i = 0; i < nmods; i++) {
        mod_at = (mod_at + PAGE - 1) & ~(uint64_t)(PAGE - 1);
        if (mod_at + mods[i].len > mem->ram_size) {
            snprintf(err, errlen, "%s: module %u (%s, %zu bytes) does not fit in RAM above the "
                                  "kernel",
                     name, i, mods[i].cmdline, mods[i].len);
            return -1;
        }
        mod_addr[i] = (uint32_t)mod_at;
        mod_at += mods[i].len;
    }

    /* Build the information structure (spec 3.3) in a host buffer. */
    struct info_buf ibuf;
    ib = &ibuf;
    memset(ib, 0, sizeof(*ib));
    uint32_t info = info_alloc(ib, 128); /* 116 bytes defined; room for the VBE/fb fields */
    uint32_t iflags = MBI_MEM | MBI_CMDLINE | MBI_MODS | MBI_MMAP | MBI_LOADER_NAME;
    uint8_t *ip = info_ptr(ib, info);
    wr32(ip + 4, LOW_RAM_END / 1024);
    wr32(ip + 8, mem->ram_size > HIGH_RAM_START ? (mem->ram_size - HIGH_RAM_START) / 1024 : 0);
    uint32_t cl = info_string(ib, cmdline ? cmdline : "");
    uint32_t ln = info_string(ib, loader_name);
    unsigned nmap = mem->rom_size ? 4 : 3;
    uint32_t mmap = info_alloc(ib, 24 * nmap);
    uint32_t modv = nmods ? info_alloc(ib, 16 * nmods) : 0;
    bool full = !cl || !ln || !mmap || (nmods && !modv);
    for (unsigned i = 0; i < nmods && !full; i++) {
        uint32_t s = info_string(ib, mods[i].cmdline ? mods[i].cmdline : "");
        if (!s) {
            full = true;
            break;
        }
        uint8_t *m = info_ptr(ib, modv + 16 * i);
        wr32(m, mod_addr[i]);
        wr32(m + 4, mod_addr[i] + (uint32_t)mods[i].len);
        wr32(m + 8, s);
    }
    if (full) {
        snprintf(err, errlen, "%s: command line and module strings exceed the %u-byte boot "
                              "information area",
                 name, (unsigned)sizeof(ib->b));
        return -1;
    }
    ip = info_ptr(ib, info); /* (buffer is fixed; pointer still valid) */
    wr32(ip + 0, iflags);
    wr32(ip + 16, cl);
    wr32(ip + 20, nmods);
    wr32(ip + 24, modv);
    wr32(ip + 44, 24 * nmap);
    wr32(ip + 48, mmap);
    wr32(ip + 64, ln);
    uint8_t *mp = info_ptr(ib, mmap);
    add_mmap(mp, 0, LOW_RAM_END, 1);
    add_mmap(mp + 24, LOW_RAM_END, HIGH_RAM_START - LOW_RAM_END, 2);
    add_mmap(mp + 48, HIGH_RAM_START,
             mem->ram_size > HIGH_RAM_START ? mem->ram_size - HIGH_RAM_START : 0, 1);
    if (mem->rom_size)
        add_mmap(mp + 72, 0x100000000ull - mem->rom_size, mem->rom_size, 2);

    /* Everything checked: write. */
    for (int i = 0; i < nseg; i++) {
        if (segs[i].filesz)
            mem->write(mem->opaque, segs[i].paddr, img + segs[i].offset, segs[i].filesz);
        if (segs[i].memsz > segs[i].filesz)
            mem->write(mem->opaque, segs[i].paddr + segs[i].filesz, NULL,
                       segs[i].memsz - segs[i].filesz);
    }
    for (unsigned i = 0; i < nmods; i++)
        if (mods[i].len)
            mem->write(mem->opaque, mod_addr[i], mods[i].data, mods[i].len);
    mem->write(mem->opaque, MULTIBOOT_INFO_ADDR, ib->b, ib->used);

    out->entry = entry;
    out->info_addr = info;
    out->kernel_start = kstart;
    out->kernel_end = kend;
    out->mods_end = nmods ? (uint32_t)mod_at : kend;
    out->aout_kludge = aout;
    return 0;
}

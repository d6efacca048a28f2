/*
 * pci.c - PCI bus 0: configuration mechanism #1 and the standard header.
 *
 * Sources: PCI Local Bus Specification 2.1, 3.7.4.1 (configuration mechanism
 * #1: CONFADD at 0xCF8 is latched only by dword accesses, bit 31 enables
 * config cycles, CONFDATA at 0xCFC-0xCFF takes byte, word and dword accesses at
 * the byte lanes of the register selected by CONFADD bits 7:2) and 6.2 (the
 * type 0 header: read-only IDs and class, command, status with write-1-to-
 * clear error bits, BARs whose low bits read as zero so that writing all ones
 * and reading back gives the size); Intel 82441FX datasheet 3.1 (CONFADD,
 * CONFDATA, TRC at 0xCF9: bit 2 RST_CPU resets the processor).
 *
 * Functions that do not exist read all ones (a master abort), so the vendor
 * ID reads 0xFFFF; writes to them are dropped.  Only bus 0 exists: config
 * cycles for other bus numbers master-abort too.  BARs are decoded when their
 * space is enabled in the command register and the base is non-zero and fits
 * (I/O below 64 KiB); the owner's bar_map hook moves its regions.
 *
 * Not emulated: configuration mechanism #2 (0xCF8 byte / 0xCxxx ports),
 * PCI-to-PCI bridges and other buses, type 1 cycles, expansion ROM BARs
 * (0x30 reads zero), 64-bit and prefetchable BARs, capability lists,
 * parity/SERR signalling, TRC's hard reset vs soft reset distinction.
 */
#include "devices/pci.h"

#include <stdlib.h>
#include <string.h>

#include "mem/bus.h"
#include "mem/log.h"

#define CONFADD_ENABLE 0x80000000u
#define CONFADD_MASK 0x80FFFFFCu /* reserved bits 30:24 and 1:0 read as zero */
#define TRC_RST_CPU 0x04

struct pci_bus {
    struct bus *bus;                              /* I/O space the ports live in */
    struct region *addr_port;                     /* 0xCF8-0xCFB */
    struct region *data_port;                     /* 0xCFC-0xCFF */
    struct pci_func *func[PCI_SLOTS * PCI_FUNCS]; /* by devfn; NULL: absent */
    uint32_t confadd;                             /* CONFADD as last written by a dword */
    uint8_t trc;                                  /* TRC (0xCF9): bits 1 (SRST) and 2 stored */
    void (*reset_request)(void *opaque);          /* board's reset hook; may be NULL */
    void *opaque;                                 /* its argument */
};

uint32_t pci_get(const struct pci_func *f, unsigned off, unsigned size)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < size && off + i < 256; i++)
        v |= (uint32_t)f->config[off + i] << (8 * i);
    return v;
}

void pci_set(struct pci_func *f, unsigned off, uint32_t val, unsigned size)
{
    for (unsigned i = 0; i < size && off + i < 256; i++)
        f->config[off + i] = (uint8_t)(val >> (8 * i));
}

static void set_mask(uint8_t *mask, unsigned off, uint32_t val, unsigned size)
{
    for (unsigned i = 0; i < size; i++)
        mask[off + i] = (uint8_t)(val >> (8 * i));
}

void pci_func_init(struct pci_func *f, uint16_t vendor, uint16_t device, uint8_t rev,
                   uint32_t class_code, uint8_t header_type)
{
    memset(f->config, 0, sizeof(f->config));
    memset(f->wmask, 0, sizeof(f->wmask));
    memset(f->w1cmask, 0, sizeof(f->w1cmask));
    memset(f->bar, 0, sizeof(f->bar));
    for (int i = 0; i < PCI_NUM_BARS; i++)
        f->bar[i].mapped = PCI_BAR_UNMAPPED;
    pci_set(f, PCI_VENDOR_ID, vendor, 2);
    pci_set(f, PCI_DEVICE_ID, device, 2);
    pci_set(f, PCI_REVISION, rev, 1);
    pci_set(f, PCI_CLASS_PROG, class_code, 3);
    pci_set(f, PCI_HEADER_TYPE, header_type, 1);
    set_mask(f->wmask, PCI_COMMAND, 0x0147, 2); /* I/O, memory, master, parity, SERR# */
    set_mask(f->w1cmask, PCI_STATUS, 0xF900, 2);
    f->wmask[PCI_CACHE_LINE] = 0xFF;
    f->wmask[PCI_LATENCY] = 0xFF;
    f->wmask[PCI_INTERRUPT_LINE] = 0xFF;
}

void pci_func_set_bar(struct pci_func *f, int n, uint32_t size, bool io)
{
    if (n < 0 || n >= PCI_NUM_BARS || size == 0 || (size & (size - 1))) return;
    if (size < (io ? 4u : 16u)) size = io ? 4u : 16u;
    f->bar[n].size = size;
    f->bar[n].io = io;
    f->bar[n].mapped = PCI_BAR_UNMAPPED;
    unsigned off = PCI_BAR0 + 4 * (unsigned)n;
    set_mask(f->wmask, off, ~(size - 1), 4);
    pci_set(f, off, io ? PCI_BAR_IO : 0, 4);
}

void pci_func_update_bars(struct pci_func *f)
{
    uint16_t cmd = (uint16_t)pci_get(f, PCI_COMMAND, 2);
    for (int n = 0; n < PCI_NUM_BARS; n++) {
        struct pci_bar *b = &f->bar[n];
        if (!b->size) continue;
        uint32_t raw = pci_get(f, PCI_BAR0 + 4 * (unsigned)n, 4);
        uint32_t base = raw & (b->io ? ~3u : ~15u);
        uint32_t addr = PCI_BAR_UNMAPPED;
        bool on = b->io ? (cmd & PCI_COMMAND_IO) : (cmd & PCI_COMMAND_MEMORY);
        uint64_t end = (uint64_t)base + b->size;
        /* A base of zero, or one left at all ones by a sizing probe, decodes nothing. */
        if (on && base != 0 && end <= (b->io ? 0x10000ull : 0x100000000ull) &&
            base != (~(b->size - 1) & (b->io ? ~3u : ~15u)))
            addr = base;
        if (addr != b->mapped) {
            b->mapped = addr;
            LOG(LOG_PCI, "%02x.%u BAR%d -> 0x%08x", f->devfn >> 3, f->devfn & 7, n, addr);
            if (f->bar_map) f->bar_map(f, n, addr);
        }
    }
}

static struct pci_func *pci_lookup(struct pci_bus *pb, uint32_t confadd)
{
    if (!(confadd & CONFADD_ENABLE) || ((confadd >> 16) & 0xFF) != 0) return NULL;
    return pb->func[(confadd >> 8) & 0xFF];
}

uint32_t pci_config_read(struct pci_bus *pb, unsigned devfn, unsigned off, unsigned size)
{
    uint32_t ones = size >= 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
    if (devfn >= PCI_SLOTS * PCI_FUNCS || off + size > 256) return ones;
    struct pci_func *f = pb->func[devfn];
    if (!f) return ones;
    return f->config_read ? f->config_read(f, off, size) & ones : pci_get(f, off, size);
}

void pci_config_write(struct pci_bus *pb, unsigned devfn, unsigned off, uint32_t val, unsigned size)
{
    if (devfn >= PCI_SLOTS * PCI_FUNCS || off + size > 256) return;
    struct pci_func *f = pb->func[devfn];
    if (!f) return;
    uint32_t old = pci_get(f, off, size);
    for (unsigned i = 0; i < size; i++) {
        unsigned o = off + i;
        uint8_t v = (uint8_t)(val >> (8 * i));
        uint8_t b = (uint8_t)((f->config[o] & ~f->wmask[o]) | (v & f->wmask[o]));
        b &= (uint8_t) ~(v & f->w1cmask[o]);
        f->config[o] = b;
    }
    LOG(LOG_PCI, "%02x.%u write [0x%02x] = 0x%x (%u)", devfn >> 3, devfn & 7, off, val, size);
    if (f->config_write) f->config_write(f, off, old, val, size);
    if ((off < PCI_COMMAND + 2 && off + size > PCI_COMMAND) ||
        (off < PCI_BAR0 + 24 && off + size > PCI_BAR0))
        pci_func_update_bars(f);
}

static uint32_t pci_addr_read(void *opaque, uint32_t offset, unsigned size)
{
    struct pci_bus *pb = opaque;
    if (offset == 0 && size == 4) return pb->confadd;
    if (offset == 1 && size == 1) return pb->trc;
    return size >= 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1; /* not ours: the ISA side */
}

static void pci_addr_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct pci_bus *pb = opaque;
    if (offset == 0 && size == 4) {
        pb->confadd = value & CONFADD_MASK;
    } else if (offset == 1 && size == 1) {
        pb->trc = (uint8_t)(value & 0x06);
        if ((value & TRC_RST_CPU) && pb->reset_request) {
            LOG(LOG_PM, "pci: reset through TRC (0xCF9)");
            pb->trc = 0;
            pb->reset_request(pb->opaque);
        }
    }
}

static uint32_t pci_data_read(void *opaque, uint32_t offset, unsigned size)
{
    struct pci_bus *pb = opaque;
    uint32_t ones = size >= 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
    if (!pci_lookup(pb, pb->confadd)) return ones;
    return pci_config_read(pb, (pb->confadd >> 8) & 0xFF, (pb->confadd & 0xFC) + offset, size);
}

static void pci_data_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct pci_bus *pb = opaque;
    if (!pci_lookup(pb, pb->confadd)) return;
    pci_config_write(pb, (pb->confadd >> 8) & 0xFF, (pb->confadd & 0xFC) + offset, value, size);
}

static const struct io_ops pci_addr_ops = {pci_addr_read, pci_addr_write, 1, 4, "pci-confadd"};
static const struct io_ops pci_data_ops = {pci_data_read, pci_data_write, 1, 4, "pci-confdata"};

static void pci_bus_destroy(void *opaque)
{
    struct pci_bus *pb = opaque;
    if (!pb) return;
    bus_unmap(pb->bus, pb->addr_port);
    bus_unmap(pb->bus, pb->data_port);
    free(pb);
}

struct pci_bus *pci_bus_create(struct bus *bus, void (*reset_request)(void *opaque), void *opaque)
{
    struct pci_bus *pb = calloc(1, sizeof(*pb));
    if (!pb) return NULL;
    pb->bus = bus;
    pb->reset_request = reset_request;
    pb->opaque = opaque;
    pb->addr_port = bus_map_ports(bus, PCI_CONFIG_ADDR, 4, &pci_addr_ops, pb);
    pb->data_port = bus_map_ports(bus, PCI_CONFIG_DATA, 4, &pci_data_ops, pb);
    if (!pb->addr_port || !pb->data_port) {
        pci_bus_destroy(pb);
        return NULL;
    }
    return pb;
}

int pci_register(struct pci_bus *pb, struct pci_func *f, unsigned dev, unsigned fn)
{
    if (dev >= PCI_SLOTS || fn >= PCI_FUNCS) return -1;
    unsigned devfn = dev << 3 | fn;
    if (pb->func[devfn]) return -1;
    f->devfn = (uint8_t)devfn;
    pb->func[devfn] = f;
    return 0;
}

void pci_unregister(struct pci_bus *pb, struct pci_func *f)
{
    if (pb && f && pb->func[f->devfn] == f) pb->func[f->devfn] = NULL;
}

static void pci_bus_reset(void *opaque)
{
    struct pci_bus *pb = opaque;
    pb->confadd = 0;
    pb->trc = 0;
}

static void pci_bus_info(void *opaque, FILE *out)
{
    struct pci_bus *pb = opaque;
    fprintf(out, "pci: CONFADD=0x%08x TRC=0x%02x\n", pb->confadd, pb->trc);
    for (unsigned i = 0; i < PCI_SLOTS * PCI_FUNCS; i++) {
        struct pci_func *f = pb->func[i];
        if (!f) continue;
        fprintf(out, "  00:%02x.%u %04x:%04x class %06x cmd %04x irq %u", i >> 3, i & 7,
                pci_get(f, 0, 2), pci_get(f, 2, 2), pci_get(f, PCI_CLASS_PROG, 3),
                pci_get(f, PCI_COMMAND, 2), f->config[PCI_INTERRUPT_LINE]);
        for (int n = 0; n < PCI_NUM_BARS; n++)
            if (f->bar[n].size)
                fprintf(out, " bar%d %s 0x%x+0x%x", n, f->bar[n].io ? "io" : "mem",
                        f->bar[n].mapped, f->bar[n].size);
        fputc('\n', out);
    }
}

const struct device_desc pci_bus_desc = {
    .name = "pci",
    .reset = pci_bus_reset,
    .destroy = pci_bus_destroy,
    .info = pci_bus_info,
};

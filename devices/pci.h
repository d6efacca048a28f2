/*
 * pci.h - PCI bus 0 and configuration mechanism #1 (ports 0xCF8 / 0xCFC-0xCFF).
 *
 * A chip model embeds a struct pci_func per PCI function, fills it with
 * pci_func_init / pci_func_set_bar and registers it on the bus; the bus
 * applies the standard header rules (read-only IDs, write masks, write-1-to-
 * clear status, BAR size masks) and calls the function's hooks.
 */
#ifndef CINDER_DEVICES_PCI_H
#define CINDER_DEVICES_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/device.h"

struct bus;

#define PCI_CONFIG_ADDR 0xCF8 /* config address (dword) and, at 0xCF9, TRC (byte) */
#define PCI_CONFIG_DATA 0xCFC
#define PCI_SLOTS 32
#define PCI_FUNCS 8
#define PCI_NUM_BARS 6
#define PCI_BAR_UNMAPPED 0xFFFFFFFFu /* bar map hook: the region is not decoded */

/* Standard header offsets and bits (PCI Local Bus Specification 2.1, 6.2). */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_COMMAND_IO 0x0001
#define PCI_COMMAND_MEMORY 0x0002
#define PCI_COMMAND_MASTER 0x0004
#define PCI_STATUS 0x06
#define PCI_REVISION 0x08
#define PCI_CLASS_PROG 0x09
#define PCI_CACHE_LINE 0x0C
#define PCI_LATENCY 0x0D
#define PCI_HEADER_TYPE 0x0E
#define PCI_HEADER_MULTI 0x80
#define PCI_BAR0 0x10
#define PCI_INTERRUPT_LINE 0x3C
#define PCI_INTERRUPT_PIN 0x3D
#define PCI_BAR_IO 0x01 /* BAR bit 0: I/O space */

struct pci_func;

/* Called when BAR n starts or stops decoding, or moves: addr is the new base
 * (I/O port or physical address), or PCI_BAR_UNMAPPED. */
typedef void pci_bar_map_fn(struct pci_func *f, int n, uint32_t addr);
/* Called after a config write of size bytes at off has been applied with the
 * write masks; old holds the register bytes [off, off + size) before it. */
typedef void pci_config_write_fn(struct pci_func *f, unsigned off, uint32_t old, uint32_t val,
                                 unsigned size);
/* Optional: returns the value of a config read (the default is the bytes of config). */
typedef uint32_t pci_config_read_fn(struct pci_func *f, unsigned off, unsigned size);

struct pci_bar {
    uint32_t size;   /* bytes (power of two, at least 4 for I/O, 16 for memory); 0: absent */
    bool io;         /* I/O space (else 32-bit memory space) */
    uint32_t mapped; /* base currently decoded, or PCI_BAR_UNMAPPED */
};

struct pci_func {
    uint8_t config[256];               /* configuration space as read */
    uint8_t wmask[256];                /* bits the guest may write */
    uint8_t w1cmask[256];              /* bits a guest 1 clears (status) */
    struct pci_bar bar[PCI_NUM_BARS];  /* base address registers */
    pci_bar_map_fn *bar_map;           /* NULL: nobody cares where BARs go */
    pci_config_write_fn *config_write; /* NULL: plain storage */
    pci_config_read_fn *config_read;   /* NULL: read config[] */
    void *opaque;                      /* the owning chip's state */
    uint8_t devfn;                     /* device << 3 | function, set by pci_register */
};

struct pci_bus;
extern const struct device_desc pci_bus_desc;

/* Maps 0xCF8-0xCFF.  reset_request (may be NULL) is called when the guest
 * writes TRC (0xCF9) with bit 2 (RST_CPU) set.  NULL if the ports are taken. */
struct pci_bus *pci_bus_create(struct bus *bus, void (*reset_request)(void *opaque), void *opaque);
/* Attach f at 00:dev.fn.  -1 if the slot is taken or out of range. */
int pci_register(struct pci_bus *pb, struct pci_func *f, unsigned dev, unsigned fn);
void pci_unregister(struct pci_bus *pb, struct pci_func *f);

/* Standard header: IDs, class (base << 16 | sub << 8 | prog-if), header type;
 * command, cache line, latency and interrupt line writable; status bits
 * 15:11 and 8 write-1-to-clear; everything else read-only zero. */
void pci_func_init(struct pci_func *f, uint16_t vendor, uint16_t device, uint8_t rev,
                   uint32_t class_code, uint8_t header_type);
/* Declare BAR n: size bytes (power of two) in I/O or memory space. */
void pci_func_set_bar(struct pci_func *f, int n, uint32_t size, bool io);
/* Re-evaluate the BARs against the command register, calling bar_map on changes
 * (pci_func reset paths call it after restoring defaults). */
void pci_func_update_bars(struct pci_func *f);

/* Register access helpers (little-endian, off + size <= 256). */
uint32_t pci_get(const struct pci_func *f, unsigned off, unsigned size);
void pci_set(struct pci_func *f, unsigned off, uint32_t val, unsigned size);

/* Config cycles from a board component (the same path as 0xCF8/0xCFC). */
uint32_t pci_config_read(struct pci_bus *pb, unsigned devfn, unsigned off, unsigned size);
void pci_config_write(struct pci_bus *pb, unsigned devfn, unsigned off, uint32_t val,
                      unsigned size);

#endif

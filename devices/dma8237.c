/*
 * dma8237.c - the PC/AT's two Intel 8237A DMA controllers and the 74LS612
 * page registers.
 *
 * Sources: Intel 8237A High Performance Programmable DMA Controller datasheet
 * (order 231466): register table (Table 2/3), "Command Register", "Mode
 * Register", "Request Register", "Mask Register" (single, clear, write all),
 * "Status Register", "Software Commands" (clear first/last flip-flop, master
 * clear), "Autoinitialize", "Address/Count" registers; IBM PC/AT Technical
 * Reference, "DMA Controller" (second controller at 0xC0 with its registers
 * on even ports, word transfers on channels 5-7 with A0 taken from the
 * address register's bit 0 shifted to A1, 128 KiB blocks selected by page
 * bits 7-1; page register ports 0x81-0x8F; channel 4 cascades channels 0-3).
 *
 * Transfers are pulled by devices (dma8237_read_memory / _write_memory): the
 * controller moves the bytes at once, honouring the mode's transfer type,
 * direction, auto-initialisation, the current address and count, the page
 * register and the 64 KiB (8-bit) / 128 KiB (16-bit) wrap of the address
 * counter.  Guest RAM is accessed with bus_phys_read_block /
 * bus_phys_write_block, so decoded code is invalidated and MMIO is honoured.
 * Terminal count sets the status bit, the device-visible TC flag, clears the
 * software request and, without auto-initialisation, masks the channel.
 *
 * Not emulated: bus timing (single / block / demand modes all move whatever
 * the device asks for at once), priority and rotating priority, DREQ/DACK
 * polarity, extended write and compressed timing (command bits stored only),
 * memory-to-memory transfers (command bit 0: logged, ignored), the cascade
 * dependency (masking channel 4 does not block channels 0-3), the EISA/PIIX
 * high page registers (0x48x), and the 8237's undocumented register reads
 * (the mask register 0x0F/0xDE reads back like the PIIX's).  The controllers
 * have no output wire: EOP is reported through dma8237_terminal_count.
 */
#include "devices/dma8237.h"

#include <stdlib.h>
#include <string.h>

#include "mem/bus.h"
#include "mem/log.h"

enum {
    DMA_MODE_VERIFY = 0, /* mode bits 3-2: transfer type */
    DMA_MODE_WRITE = 1,  /* device -> memory */
    DMA_MODE_READ = 2,   /* memory -> device */
    DMA_CMD_MEM2MEM = 0x01,
    DMA_CMD_DISABLE = 0x04,
    DMA_MODE_AUTOINIT = 0x10,
    DMA_MODE_DECREMENT = 0x20,
};

struct dma_channel {
    uint16_t base_addr;  /* base address register (words on the 16-bit controller) */
    uint16_t base_count; /* base count register: transfers - 1 */
    uint16_t cur_addr;   /* current address register */
    uint16_t cur_count;  /* current count register: transfers left - 1; 0xFFFF after TC */
    uint8_t mode;        /* mode register (bits 7-2; bits 1-0 hold the channel number) */
    bool tc;             /* last transfer ended at terminal count (for the device) */
};

struct dma_ctrl {
    struct dma_channel ch[4]; /* channels 0-3 of this controller */
    struct region *region;    /* its ports */
    uint8_t command;          /* command register */
    uint8_t status_tc;        /* status bits 3-0: channel reached TC since the last status read */
    uint8_t request;          /* software request bits 3-0 (request register) */
    uint8_t dreq;             /* hardware DREQ input bits 3-0 */
    uint8_t mask;             /* mask bits 3-0: 1 = channel masked */
    uint8_t temp;             /* temporary register (memory-to-memory; never written here) */
    bool flip_flop; /* byte pointer flip-flop: next address/count access is the high byte */
};

struct dma8237 {
    struct bus *bus;            /* guest memory and the ports */
    struct dma_ctrl c[2];       /* [0]: 8-bit channels 0-3, [1]: 16-bit channels 4-7 */
    struct region *page_region; /* ports 0x81-0x8F */
    uint8_t page[16];           /* page registers, indexed by port - 0x80 (0 unused: port 0x80) */
};

/* Page register port (low nibble) of each channel. */
static const uint8_t page_port[8] = {0x7, 0x3, 0x1, 0x2, 0xF, 0xB, 0x9, 0xA};

/* ---- ports ---- */

static void ctrl_master_clear(struct dma_ctrl *c)
{
    c->command = 0;
    c->status_tc = 0;
    c->request = 0;
    c->temp = 0;
    c->flip_flop = false;
    c->mask = 0x0F;
}

static uint8_t ctrl_read(struct dma_ctrl *c, unsigned reg)
{
    if (reg < 8) {
        struct dma_channel *ch = &c->ch[reg >> 1];
        uint16_t v = reg & 1 ? ch->cur_count : ch->cur_addr;
        bool hi = c->flip_flop;
        c->flip_flop = !hi;
        return (uint8_t)(hi ? v >> 8 : v);
    }
    switch (reg) {
    case 8: { /* status: TC bits clear on read */
        uint8_t v = (uint8_t)(c->status_tc | (c->request | c->dreq) << 4);
        c->status_tc = 0;
        return v;
    }
    case 13: return c->temp;
    case 15: return (uint8_t)(0xF0 | c->mask);
    default: return 0xFF;
    }
}

static void ctrl_write(struct dma_ctrl *c, unsigned reg, uint8_t v)
{
    if (reg < 8) {
        struct dma_channel *ch = &c->ch[reg >> 1];
        uint16_t *base = reg & 1 ? &ch->base_count : &ch->base_addr;
        uint16_t *cur = reg & 1 ? &ch->cur_count : &ch->cur_addr;
        if (c->flip_flop)
            *base = (uint16_t)((*base & 0x00FF) | v << 8);
        else
            *base = (uint16_t)((*base & 0xFF00) | v);
        *cur = *base;
        c->flip_flop = !c->flip_flop;
        ch->tc = false;
        return;
    }
    switch (reg) {
    case 8:
        c->command = v;
        if (v & DMA_CMD_MEM2MEM) LOG_UNIMPL_ONCE("dma: memory-to-memory transfers");
        break;
    case 9:
        if (v & 4)
            c->request |= (uint8_t)(1u << (v & 3));
        else
            c->request &= (uint8_t) ~(1u << (v & 3));
        break;
    case 10:
        if (v & 4)
            c->mask |= (uint8_t)(1u << (v & 3));
        else
            c->mask &= (uint8_t) ~(1u << (v & 3));
        break;
    case 11:
        c->ch[v & 3].mode = v;
        if (((v >> 2) & 3) == 3)
            LOG(LOG_GUEST_ERRORS, "dma: illegal transfer type in mode 0x%02X", v);
        break;
    case 12: c->flip_flop = false; break;
    case 13: ctrl_master_clear(c); break;
    case 14: c->mask = 0; break;
    case 15: c->mask = v & 0x0F; break;
    }
}

static uint32_t dma1_read(void *opaque, uint32_t offset, unsigned size)
{
    struct dma8237 *s = opaque;
    return ctrl_read(&s->c[0], offset);
}

static void dma1_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct dma8237 *s = opaque;
    ctrl_write(&s->c[0], offset, (uint8_t)value);
}

/* The 16-bit controller's registers sit on even ports 0xC0-0xDE. */
static uint32_t dma2_read(void *opaque, uint32_t offset, unsigned size)
{
    struct dma8237 *s = opaque;
    return offset & 1 ? 0xFF : ctrl_read(&s->c[1], offset >> 1);
}

static void dma2_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct dma8237 *s = opaque;
    if (!(offset & 1)) ctrl_write(&s->c[1], offset >> 1, (uint8_t)value);
}

static uint32_t page_read(void *opaque, uint32_t offset, unsigned size)
{
    struct dma8237 *s = opaque;
    return s->page[offset + 1];
}

static void page_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct dma8237 *s = opaque;
    s->page[offset + 1] = (uint8_t)value;
}

static const struct io_ops dma1_ops = {
    .read = dma1_read,
    .write = dma1_write,
    .impl_min = 1,
    .impl_max = 1,
    .name = "dma8237-1",
};
static const struct io_ops dma2_ops = {
    .read = dma2_read,
    .write = dma2_write,
    .impl_min = 1,
    .impl_max = 1,
    .name = "dma8237-2",
};
static const struct io_ops page_ops = {
    .read = page_read,
    .write = page_write,
    .impl_min = 1,
    .impl_max = 1,
    .name = "dma-page",
};

/* ---- transfers ---- */

bool dma8237_channel_ready(struct dma8237 *s, int channel)
{
    if (channel < 0 || channel > 7) return false;
    struct dma_ctrl *c = &s->c[channel >> 2];
    int n = channel & 3;
    return !(c->command & DMA_CMD_DISABLE) && !(c->mask & (1u << n)) && (c->ch[n].mode >> 6) != 3;
}

void dma8237_set_dreq(struct dma8237 *s, int channel, bool level)
{
    if (channel < 0 || channel > 7) return;
    struct dma_ctrl *c = &s->c[channel >> 2];
    if (level)
        c->dreq |= (uint8_t)(1u << (channel & 3));
    else
        c->dreq &= (uint8_t) ~(1u << (channel & 3));
}

bool dma8237_terminal_count(struct dma8237 *s, int channel)
{
    if (channel < 0 || channel > 7) return false;
    return s->c[channel >> 2].ch[channel & 3].tc;
}

/* Physical address of the channel's transfer unit at address register a. */
static uint32_t unit_paddr(struct dma8237 *s, int channel, uint16_t a)
{
    uint32_t page = s->page[page_port[channel]];
    if (channel < 4) return page << 16 | a;
    return (page & 0xFE) << 16 | (uint32_t)a << 1;
}

/* Move up to len bytes between buf and guest memory; to_mem is the device's
 * direction.  A transfer type that disagrees with it (or verify) moves no
 * data but runs the address and count, as the 8237 would. */
static int dma_transfer(struct dma8237 *s, int channel, uint8_t *buf, int len, bool to_mem)
{
    if (!buf || len <= 0 || !dma8237_channel_ready(s, channel)) return 0;
    struct dma_ctrl *c = &s->c[channel >> 2];
    int n = channel & 3;
    struct dma_channel *ch = &c->ch[n];
    unsigned unit = channel < 4 ? 1 : 2;
    unsigned type = (ch->mode >> 2) & 3;
    bool move = type == (to_mem ? DMA_MODE_WRITE : DMA_MODE_READ);
    bool dec = ch->mode & DMA_MODE_DECREMENT;
    if (!move && type != DMA_MODE_VERIFY)
        LOG(LOG_GUEST_ERRORS, "dma: channel %d mode 0x%02X does not match a %s transfer", channel,
            ch->mode, to_mem ? "device-to-memory" : "memory-to-device");
    if (!move && !to_mem) memset(buf, 0xFF, (size_t)len);

    uint32_t units = (uint32_t)len / unit, done = 0;
    ch->tc = false;
    while (done < units) {
        uint32_t left = ch->cur_count + 1u; /* 1..65536 before TC */
        uint32_t chunk = units - done < left ? units - done : left;
        uint32_t moved = 0;
        while (moved < chunk) {
            /* A run that does not wrap the 16-bit address counter. */
            uint32_t room = dec ? ch->cur_addr + 1u : 0x10000u - ch->cur_addr;
            uint32_t run = chunk - moved < room ? chunk - moved : room;
            uint8_t *p = buf + (size_t)(done + moved) * unit;
            if (move && !dec) {
                uint32_t pa = unit_paddr(s, channel, ch->cur_addr);
                if (to_mem)
                    bus_phys_write_block(s->bus, pa, p, (size_t)run * unit);
                else
                    bus_phys_read_block(s->bus, pa, p, (size_t)run * unit);
            } else if (move) {
                for (uint32_t i = 0; i < run; i++) {
                    uint32_t pa = unit_paddr(s, channel, (uint16_t)(ch->cur_addr - i));
                    if (to_mem)
                        bus_phys_write_block(s->bus, pa, p + i * unit, unit);
                    else
                        bus_phys_read_block(s->bus, pa, p + i * unit, unit);
                }
            }
            ch->cur_addr = (uint16_t)(dec ? ch->cur_addr - run : ch->cur_addr + run);
            moved += run;
        }
        ch->cur_count = (uint16_t)(ch->cur_count - chunk);
        done += chunk;
        if (chunk == left) { /* terminal count */
            c->status_tc |= (uint8_t)(1u << n);
            c->request &= (uint8_t) ~(1u << n);
            ch->tc = true;
            if (ch->mode & DMA_MODE_AUTOINIT) {
                ch->cur_addr = ch->base_addr;
                ch->cur_count = ch->base_count;
            } else {
                c->mask |= (uint8_t)(1u << n);
                break;
            }
        }
    }
    LOG(LOG_DMA, "dma: channel %d %s %u bytes%s", channel, to_mem ? "to memory" : "from memory",
        done * unit, ch->tc ? " (TC)" : "");
    return (int)(done * unit);
}

int dma8237_read_memory(struct dma8237 *s, int channel, void *buf, int len)
{
    return dma_transfer(s, channel, buf, len, false);
}

int dma8237_write_memory(struct dma8237 *s, int channel, const void *buf, int len)
{
    /* dma_transfer only reads buf in this direction (or not at all). */
    return dma_transfer(s, channel, (uint8_t *)(uintptr_t)buf, len, true);
}

/* ---- lifecycle ---- */

static void dma8237_reset(void *opaque)
{
    struct dma8237 *s = opaque;
    for (int i = 0; i < 2; i++) {
        memset(s->c[i].ch, 0, sizeof(s->c[i].ch));
        s->c[i].dreq = 0;
        ctrl_master_clear(&s->c[i]);
    }
    memset(s->page, 0, sizeof(s->page));
}

static void dma8237_unmap(struct dma8237 *s)
{
    bus_unmap(s->bus, s->c[0].region);
    bus_unmap(s->bus, s->c[1].region);
    bus_unmap(s->bus, s->page_region);
}

struct dma8237 *dma8237_create(struct bus *bus)
{
    struct dma8237 *s = calloc(1, sizeof(*s));
    if (!s) return NULL;
    s->bus = bus;
    s->c[0].region = bus_map_ports(bus, 0x00, 16, &dma1_ops, s);
    s->c[1].region = bus_map_ports(bus, 0xC0, 32, &dma2_ops, s);
    s->page_region = bus_map_ports(bus, 0x81, 15, &page_ops, s);
    if (!s->c[0].region || !s->c[1].region || !s->page_region) {
        dma8237_unmap(s);
        free(s);
        return NULL;
    }
    dma8237_reset(s);
    return s;
}

static void dma8237_destroy(void *opaque)
{
    struct dma8237 *s = opaque;
    dma8237_unmap(s);
    free(s);
}

static void dma8237_info(void *opaque, FILE *out)
{
    struct dma8237 *s = opaque;
    for (int i = 0; i < 8; i++) {
        struct dma_ctrl *c = &s->c[i >> 2];
        struct dma_channel *ch = &c->ch[i & 3];
        fprintf(out, "dma: ch%d page %02X addr %04X/%04X count %04X/%04X mode %02X%s%s%s\n", i,
                s->page[page_port[i]], ch->cur_addr, ch->base_addr, ch->cur_count, ch->base_count,
                ch->mode, c->mask & (1u << (i & 3)) ? " masked" : "", ch->tc ? " tc" : "",
                c->command & DMA_CMD_DISABLE ? " disabled" : "");
    }
}

const struct device_desc dma8237_desc = {
    .name = "dma8237",
    .reset = dma8237_reset,
    .destroy = dma8237_destroy,
    .info = dma8237_info,
};

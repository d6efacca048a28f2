/*
 * fw_cfg.c - QEMU's firmware configuration device, traditional I/O interface.
 *
 * Models: the selector register (a 16-bit write to 0x510 picks an item and
 * rewinds it) and the data register (each byte read from 0x511 returns the
 * next byte of the item, 0 past its end or for an unknown key), the fixed
 * keys SeaBIOS reads and the file directory (key 0x19: a big-endian count,
 * then 64-byte entries of size, key, reserved and a 56-byte name).
 * The contents are set by the board before the guest runs and never change
 * afterwards, so a reset only rewinds the cursor.
 *
 * Not modelled: the DMA interface (0x514; FW_CFG_ID says it is absent, and
 * SeaBIOS then uses the byte port), the memory-mapped form, guest writes
 * (QEMU ignores them too since 2.4).
 */
#include "devices/fw_cfg.h"

#include <stdlib.h>
#include <string.h>

#include "mem/bus.h"

#define FW_CFG_NAME_LEN 56

struct fw_cfg_item {
    uint16_t key;   /* selector value (without the write-channel bit) */
    uint8_t *data;  /* contents (owned) */
    uint32_t len;   /* bytes in data */
};

struct fw_cfg {
    struct bus *bus;
    struct region *ports;         /* selector + data ports */
    struct fw_cfg_item *items;    /* every key with contents, in insertion order */
    unsigned nitems, capitems;
    char names[FW_CFG_MAX_FILES][FW_CFG_NAME_LEN]; /* file i has key FW_CFG_FILE_FIRST + i */
    unsigned nfiles;
    const struct fw_cfg_item *cur; /* selected item, NULL for an unknown key */
    uint16_t selector;             /* last selector written */
    uint32_t offset;               /* next byte of cur to read */
};

static struct fw_cfg_item *fw_cfg_find(struct fw_cfg *s, uint16_t key)
{
    for (unsigned i = 0; i < s->nitems; i++)
        if (s->items[i].key == key) return &s->items[i];
    return NULL;
}

static void fw_cfg_select(struct fw_cfg *s, uint16_t selector)
{
    s->selector = selector;
    s->cur = fw_cfg_find(s, (uint16_t)(selector & ~FW_CFG_WRITE_CHANNEL));
    s->offset = 0;
}

static uint32_t fw_cfg_read(void *opaque, uint32_t offset, unsigned size)
{
    struct fw_cfg *s = opaque;
    if (offset != 1 || size != 1) return 0;
    if (!s->cur || s->offset >= s->cur->len) return 0;
    return s->cur->data[s->offset++];
}

static void fw_cfg_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct fw_cfg *s = opaque;
    /* Only a word write to the selector means anything; data writes are
     * ignored, as QEMU has done since it made fw_cfg read-only. */
    if (offset == 0 && size == 2) fw_cfg_select(s, (uint16_t)value);
}

static const struct io_ops fw_cfg_ops = {
    .read = fw_cfg_read,
    .write = fw_cfg_write,
    .impl_min = 1,
    .impl_max = 2,
    .name = "fw_cfg",
};

int fw_cfg_add_bytes(struct fw_cfg *s, uint16_t key, const void *data, size_t len)
{
    if (len > UINT32_MAX) return -1;
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy) return -1;
    if (len) memcpy(copy, data, len);
    struct fw_cfg_item *it = fw_cfg_find(s, key);
    if (!it) {
        if (s->nitems == s->capitems) {
            unsigned cap = s->capitems ? s->capitems * 2 : 16;
            struct fw_cfg_item *n = realloc(s->items, cap * sizeof(*n));
            if (!n) {
                free(copy);
                return -1;
            }
            s->items = n;
            s->capitems = cap;
        }
        it = &s->items[s->nitems++];
        it->key = key;
    } else {
        free(it->data);
    }
    it->data = copy;
    it->len = (uint32_t)len;
    fw_cfg_select(s, s->selector); /* items may have moved */
    return 0;
}

int fw_cfg_add_u16(struct fw_cfg *s, uint16_t key, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    return fw_cfg_add_bytes(s, key, b, sizeof(b));
}

int fw_cfg_add_u32(struct fw_cfg *s, uint16_t key, uint32_t v)
{
    uint8_t b[4];
    for (int i = 0; i < 4; i++) b[i] = (uint8_t)(v >> (8 * i));
    return fw_cfg_add_bytes(s, key, b, sizeof(b));
}

int fw_cfg_add_u64(struct fw_cfg *s, uint16_t key, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++) b[i] = (uint8_t)(v >> (8 * i));
    return fw_cfg_add_bytes(s, key, b, sizeof(b));
}

static void put_be(uint8_t *p, uint32_t v, int bytes)
{
    for (int i = 0; i < bytes; i++) p[i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
}

/* Rebuild the directory item from the file items. */
static int fw_cfg_update_dir(struct fw_cfg *s)
{
    size_t len = 4 + (size_t)s->nfiles * 64;
    uint8_t *dir = calloc(1, len);
    if (!dir) return -1;
    put_be(dir, s->nfiles, 4);
    for (unsigned i = 0; i < s->nfiles; i++) {
        uint8_t *e = dir + 4 + i * 64;
        uint16_t key = (uint16_t)(FW_CFG_FILE_FIRST + i);
        const struct fw_cfg_item *it = fw_cfg_find(s, key);
        put_be(e, it ? it->len : 0, 4);
        put_be(e + 4, key, 2);
        memcpy(e + 8, s->names[i], FW_CFG_NAME_LEN);
    }
    int r = fw_cfg_add_bytes(s, FW_CFG_FILE_DIR, dir, len);
    free(dir);
    return r;
}

int fw_cfg_add_file(struct fw_cfg *s, const char *name, const void *data, size_t len)
{
    if (strlen(name) >= FW_CFG_NAME_LEN) return -1;
    unsigned i;
    for (i = 0; i < s->nfiles; i++)
        if (!strcmp(s->names[i], name)) break;
    if (i == s->nfiles) {
        if (s->nfiles == FW_CFG_MAX_FILES) return -1;
        memset(s->names[i], 0, FW_CFG_NAME_LEN);
        strcpy(s->names[i], name);
        s->nfiles++;
    }
    if (fw_cfg_add_bytes(s, (uint16_t)(FW_CFG_FILE_FIRST + i), data, len) != 0) return -1;
    return fw_cfg_update_dir(s);
}

struct fw_cfg *fw_cfg_create(struct bus *bus, uint16_t iobase)
{
    struct fw_cfg *s = calloc(1, sizeof(*s));
    if (!s) return NULL;
    s->bus = bus;
    s->ports = bus_map_ports(bus, iobase, 2, &fw_cfg_ops, s);
    if (!s->ports || fw_cfg_add_bytes(s, FW_CFG_SIGNATURE, "QEMU", 4) != 0 ||
        fw_cfg_add_u32(s, FW_CFG_ID, 1) != 0 || fw_cfg_update_dir(s) != 0) {
        fw_cfg_desc.destroy(s);
        return NULL;
    }
    return s;
}

static void fw_cfg_reset(void *opaque)
{
    fw_cfg_select(opaque, 0);
}

static void fw_cfg_destroy(void *opaque)
{
    struct fw_cfg *s = opaque;
    bus_unmap(s->bus, s->ports);
    for (unsigned i = 0; i < s->nitems; i++) free(s->items[i].data);
    free(s->items);
    free(s);
}

static void fw_cfg_info(void *opaque, FILE *out)
{
    struct fw_cfg *s = opaque;
    fprintf(out, "fw_cfg: %u items, %u files, selector 0x%04x offset %u\n", s->nitems, s->nfiles,
            s->selector, s->offset);
}

const struct device_desc fw_cfg_desc = {
    .name = "fw_cfg",
    .reset = fw_cfg_reset,
    .destroy = fw_cfg_destroy,
    .info = fw_cfg_info,
};

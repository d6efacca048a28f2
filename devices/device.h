/*
 * device.h - the descriptor every device exports, so the board can iterate.
 *
 * Models nothing: it is the one contract between a chip model and the board
 * (DESIGN.md §7 "Device descriptor").  Each device file exports a
 * `const struct device_desc foo_desc` and a typed constructor; the board
 * records (desc, state) pairs with pc_add_device() and walks them for reset,
 * teardown, save/load and the monitor's `info` dumps.  There is no global
 * device state: everything a device owns hangs off its state pointer.
 */
#ifndef CINDER_DEVICES_DEVICE_H
#define CINDER_DEVICES_DEVICE_H

#include <stdio.h>

struct vmstate; /* mem/savestate.h, when save state lands */

struct device_desc {
    const char *name;              /* "debugcon", "port92": for logs and the monitor */
    void (*reset)(void *s);        /* machine reset (RESET pin); NULL: nothing to do */
    void (*destroy)(void *s);      /* unmap, close and free; NULL: nothing owned */
    const struct vmstate *vmstate; /* save-state layout; NULL until save state exists */
    void (*info)(void *s, FILE *out); /* one-line state dump for the monitor; may be NULL */
};

#endif

/*
 * irq.h - an interrupt request wire between two chips.
 *
 * Models a level on a wire: the sender says what level its output has, the
 * receiver (a PIC input, the CPU's INTR) decides what that means (edge or level
 * triggered).  A sender calls irq_set from its *_update_irq() with the level it
 * derives from its state; repeated calls with the same level are allowed and
 * the receiver must treat them as no change.
 *
 * A wire whose set is NULL is disconnected: every call is a no-op, so a device
 * created without a wire needs no special cases.
 *
 * Not modelled: wired-OR sharing of one line by several senders (the receiver
 * sees the last level set; PCI INTx sharing needs a small OR gate in the board).
 */
#ifndef CINDER_MEM_IRQ_H
#define CINDER_MEM_IRQ_H

struct irq_line {
    void (*set)(void *opaque, int n, int level); /* receiver's input handler; NULL: no wire */
    void *opaque;                                /* receiver's state */
    int n;                                       /* receiver's input number (IRQ pin) */
};

static inline void irq_set(const struct irq_line *l, int level)
{
    if (l->set) l->set(l->opaque, l->n, level);
}

static inline void irq_raise(const struct irq_line *l)
{
    irq_set(l, 1);
}

static inline void irq_lower(const struct irq_line *l)
{
    irq_set(l, 0);
}

/* A rising then falling edge, for edge-triggered inputs. */
static inline void irq_pulse(const struct irq_line *l)
{
    irq_set(l, 1);
    irq_set(l, 0);
}

#endif

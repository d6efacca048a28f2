/*
 * sched.h - the virtual clock and deadline timers.
 *
 * Models time as the guest sees it: a 64-bit count of virtual nanoseconds since
 * power-on, moved forward only by the board (sched_advance), from executed
 * instructions (-icount) or the host clock.  Devices never tick: they remember
 * when something started, compute counters from sched_now(), and arm one timer
 * for the next edge a guest could observe (QEMU's timer_mod model).
 *
 * The board's loop: run the CPU until sched_next_deadline(), sched_advance()
 * by the time that took, sched_run_due(), repeat.
 *
 * Timers are intrusive: a device embeds its struct timer, so arming never
 * allocates.  Pending timers sit in a list sorted by deadline (a PC has a dozen
 * of them; insertion is O(n), the next deadline O(1)).  Timers with equal
 * deadlines fire in the order they were armed.
 *
 * Not done: host-clock pacing (the board's job), multiple clocks.
 */
#ifndef CINDER_MEM_SCHED_H
#define CINDER_MEM_SCHED_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct sched;

struct timer {
    uint64_t deadline;          /* virtual ns at which fire runs; meaningful while pending */
    struct timer *next;         /* next pending timer, later or equal deadline */
    struct sched *sched;        /* clock this timer runs on */
    void (*fire)(void *opaque); /* called from sched_run_due once the deadline is reached */
    void *opaque;               /* argument to fire: the owning device */
    const char *name;           /* for logs and the monitor */
    bool pending;               /* armed and not yet fired or deleted */
};

struct sched {
    uint64_t now;       /* virtual ns since power-on, as of insn_base */
    struct timer *head; /* pending timers, earliest deadline first */
    /* Instruction clock (-icount): while the CPU runs a slice, time moves with
     * every retired instruction, so a device read mid-slice sees exact time. */
    const uint64_t *insn_counter; /* CPU's retired-instruction count, or NULL */
    uint64_t insn_base;           /* *insn_counter when `now` was last committed */
    unsigned insn_shift;          /* one instruction = 2^insn_shift ns */
    /* Told when a timer is armed ahead of every other one, so the board can cut
     * the running CPU slice short (its budget was computed for a later deadline). */
    void (*earlier)(void *opaque);
    void *earlier_opaque;
};

void sched_init(struct sched *s);    /* time 0, no timers */
struct sched *sched_create(void);    /* malloc'd and initialised; NULL if out of memory */
void sched_destroy(struct sched *s); /* does not touch the timers (their owners do) */

static inline uint64_t sched_now(const struct sched *s)
{
    if (s->insn_counter)
        return s->now + ((*s->insn_counter - s->insn_base) << s->insn_shift);
    return s->now;
}

/* Drive time from an instruction counter (-icount shift).  The board calls
 * sched_commit_insns after each CPU slice to fold elapsed instructions into
 * `now`. */
void sched_set_insn_clock(struct sched *s, const uint64_t *counter, unsigned shift);
void sched_commit_insns(struct sched *s);
void sched_set_earlier_hook(struct sched *s, void (*fn)(void *opaque), void *opaque);

/* Move the clock forward by ns (saturating).  Fires nothing: call sched_run_due. */
void sched_advance(struct sched *s, uint64_t ns);

/* Earliest pending deadline, UINT64_MAX if no timer is pending.  May be in the past. */
static inline uint64_t sched_next_deadline(const struct sched *s)
{
    return s->head ? s->head->deadline : UINT64_MAX;
}

/* Fire every timer whose deadline is <= now, earliest first.  A callback may
 * re-arm itself or arm or delete others, including ones already due; this
 * loops until no pending timer is due. */
void sched_run_due(struct sched *s);

void timer_init(struct timer *t, struct sched *s, void (*fire)(void *opaque), void *opaque,
                const char *name);
/* Arm (or re-arm) for an absolute virtual time; a deadline in the past fires
 * on the next sched_run_due. */
void timer_mod(struct timer *t, uint64_t deadline_ns);
void timer_del(struct timer *t); /* no-op if not pending */
static inline bool timer_pending(const struct timer *t)
{
    return t->pending;
}

/* Pending timers, one per line, for the monitor. */
void sched_info(const struct sched *s, FILE *out);

#endif

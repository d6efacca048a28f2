/*
 * sched.c - virtual clock and deadline timers.  See sched.h.
 *
 * Invariant (checked after every list change in CINDER_DEBUG builds): the
 * pending list is sorted by deadline, every timer in it has pending set and
 * belongs to this sched, and no other timer has pending set.
 */
#include "mem/sched.h"

#include <stdlib.h>
#include <string.h>

static void sched_check_invariants(const struct sched *s)
{
#ifdef CINDER_DEBUG
    for (const struct timer *t = s->head; t; t = t->next) {
        if (!t->pending || t->sched != s || (t->next && t->next->deadline < t->deadline)) {
            fprintf(stderr, "cinder: sched invariant broken at timer %s\n",
                    t->name ? t->name : "?");
            abort();
        }
    }
#else
    (void)s;
#endif
}

void sched_init(struct sched *s)
{
    memset(s, 0, sizeof(*s));
}

struct sched *sched_create(void)
{
    struct sched *s = malloc(sizeof(*s));
    if (s) sched_init(s);
    return s;
}

void sched_destroy(struct sched *s)
{
    free(s);
}

void sched_advance(struct sched *s, uint64_t ns)
{
    s->now = ns > UINT64_MAX - s->now ? UINT64_MAX : s->now + ns;
}

void timer_init(struct timer *t, struct sched *s, void (*fire)(void *opaque), void *opaque,
                const char *name)
{
    t->deadline = 0;
    t->next = NULL;
    t->sched = s;
    t->fire = fire;
    t->opaque = opaque;
    t->name = name;
    t->pending = false;
}

static void unlink_timer(struct timer *t)
{
    for (struct timer **pp = &t->sched->head; *pp; pp = &(*pp)->next) {
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    }
    t->next = NULL;
    t->pending = false;
}

void timer_del(struct timer *t)
{
    if (t->pending) unlink_timer(t);
    sched_check_invariants(t->sched);
}

void timer_mod(struct timer *t, uint64_t deadline_ns)
{
    if (t->pending) unlink_timer(t);
    struct timer **pp = &t->sched->head;
    while (*pp && (*pp)->deadline <= deadline_ns) /* after equal ones: arming order */
        pp = &(*pp)->next;
    t->deadline = deadline_ns;
    t->next = *pp;
    *pp = t;
    t->pending = true;
    if (t->sched->head == t && t->sched->earlier)
        t->sched->earlier(t->sched->earlier_opaque);
    sched_check_invariants(t->sched);
}

void sched_run_due(struct sched *s)
{
    uint64_t now = sched_now(s);
    while (s->head && s->head->deadline <= now) {
        struct timer *t = s->head;
        s->head = t->next;
        t->next = NULL;
        t->pending = false; /* before the call, so fire may re-arm t */
        t->fire(t->opaque);
    }
    sched_check_invariants(s);
}

void sched_info(const struct sched *s, FILE *out)
{
    fprintf(out, "now %llu ns\n", (unsigned long long)sched_now(s));
    for (const struct timer *t = s->head; t; t = t->next)
        fprintf(out, "  %-16s at %llu ns (in %lld ns)\n", t->name ? t->name : "?",
                (unsigned long long)t->deadline, (long long)(t->deadline - sched_now(s)));
}

void sched_set_insn_clock(struct sched *s, const uint64_t *counter, unsigned shift)
{
    s->insn_counter = counter;
    s->insn_base = counter ? *counter : 0;
    s->insn_shift = shift;
}

void sched_commit_insns(struct sched *s)
{
    if (!s->insn_counter)
        return;
    s->now = sched_now(s);
    s->insn_base = *s->insn_counter;
}

void sched_set_earlier_hook(struct sched *s, void (*fn)(void *opaque), void *opaque)
{
    s->earlier = fn;
    s->earlier_opaque = opaque;
}

/*
 * sched.c - virtual clock and deadline timers.  See sched.h.
 *
 * Invariant (checked after every list change in CINDER_DEBUG builds): the
 * pending list is sorted by deadline, every timer in it has pending set and
 * belongs to this sched, and no other timer has pending set.
 */
#include "mem/sched.h"

#include <stdlib.h>

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
    s->now = 0;
    s->head = NULL;
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
    sched_check_invariants(t->sched);
}

void sched_run_due(struct sched *s)
{
    while (s->head && s->head->deadline <= s->now) {
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
    fprintf(out, "now %llu ns\n", (unsigned long long)s->now);
    for (const struct timer *t = s->head; t; t = t->next)
        fprintf(out, "  %-16s at %llu ns (in %lld ns)\n", t->name ? t->name : "?",
                (unsigned long long)t->deadline, (long long)(t->deadline - s->now));
}

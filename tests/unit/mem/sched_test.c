/*
 * sched_test.c - mem/sched.c: deadline order, re-arming from callbacks,
 * deletion, next deadline.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mem/sched.h"

struct trace {
    char order[32]; /* ids of fired timers, in firing order */
    int n;          /* entries in order */
};

struct tt {
    struct timer t;       /* the timer under test */
    struct trace *trace;  /* shared firing record */
    char id;              /* name in the trace */
    uint64_t period;      /* re-arm after firing by this much, 0: one-shot */
    int remaining;        /* re-arms left */
    struct tt *arm_other; /* arm this timer when firing, if set */
    uint64_t fired_at;    /* sched_now at the last firing */
};

static void tt_fire(void *opaque)
{
    struct tt *x = opaque;
    ck_assert(!timer_pending(&x->t));
    x->trace->order[x->trace->n++] = x->id;
    x->fired_at = sched_now(x->t.sched);
    if (x->period && x->remaining-- > 0) timer_mod(&x->t, x->t.deadline + x->period);
    if (x->arm_other) timer_mod(&x->arm_other->t, sched_now(x->t.sched)); /* already due */
}

static void tt_init(struct tt *x, struct sched *s, struct trace *tr, char id)
{
    *x = (struct tt){.trace = tr, .id = id};
    timer_init(&x->t, s, tt_fire, x, "test");
}

START_TEST(test_fires_in_deadline_order)
{
    struct sched s;
    sched_init(&s);
    struct trace tr = {{0}, 0};
    struct tt a, b, c, d;
    tt_init(&a, &s, &tr, 'a');
    tt_init(&b, &s, &tr, 'b');
    tt_init(&c, &s, &tr, 'c');
    tt_init(&d, &s, &tr, 'd');
    ck_assert_uint_eq(sched_next_deadline(&s), UINT64_MAX);
    timer_mod(&c.t, 300);
    timer_mod(&a.t, 100);
    timer_mod(&b.t, 200);
    timer_mod(&d.t, 200); /* equal deadline: after b, armed first */
    ck_assert_uint_eq(sched_next_deadline(&s), 100);
    ck_assert(timer_pending(&a.t));

    sched_run_due(&s); /* nothing due at 0 */
    ck_assert_int_eq(tr.n, 0);
    sched_advance(&s, 99);
    sched_run_due(&s);
    ck_assert_int_eq(tr.n, 0);
    sched_advance(&s, 1);
    sched_run_due(&s);
    ck_assert_int_eq(tr.n, 1);
    ck_assert_uint_eq(sched_next_deadline(&s), 200);
    sched_advance(&s, 1000);
    sched_run_due(&s);
    tr.order[tr.n] = 0;
    ck_assert_str_eq(tr.order, "abdc");
    ck_assert_uint_eq(sched_now(&s), 1100);
    ck_assert_uint_eq(c.fired_at, 1100);
    ck_assert(!timer_pending(&c.t));
    ck_assert_uint_eq(sched_next_deadline(&s), UINT64_MAX);
}
END_TEST

START_TEST(test_rearm_in_callback)
{
    struct sched *s = sched_create();
    struct trace tr = {{0}, 0};
    struct tt p, q, r;
    tt_init(&p, s, &tr, 'p');
    tt_init(&q, s, &tr, 'q');
    tt_init(&r, s, &tr, 'r');
    p.period = 10;
    p.remaining = 3; /* fires at 10, 20, 30, 40 */
    timer_mod(&p.t, 10);
    timer_mod(&q.t, 25);
    q.arm_other = &r; /* q arms r for "now", which is already due */
    sched_advance(s, 35);
    sched_run_due(s);
    tr.order[tr.n] = 0;
    ck_assert_str_eq(tr.order, "ppqpr"); /* loops until none due */
    ck_assert(timer_pending(&p.t));
    ck_assert_uint_eq(sched_next_deadline(s), 40);
    sched_advance(s, 100);
    sched_run_due(s);
    tr.order[tr.n] = 0;
    ck_assert_str_eq(tr.order, "ppqprp");
    ck_assert(!timer_pending(&p.t));
    sched_destroy(s);
}
END_TEST

START_TEST(test_del_and_mod)
{
    struct sched s;
    sched_init(&s);
    struct trace tr = {{0}, 0};
    struct tt a, b, c;
    tt_init(&a, &s, &tr, 'a');
    tt_init(&b, &s, &tr, 'b');
    tt_init(&c, &s, &tr, 'c');
    timer_del(&a.t); /* not pending: no-op */
    timer_mod(&a.t, 50);
    timer_mod(&b.t, 60);
    timer_mod(&c.t, 70);
    timer_del(&b.t);
    ck_assert(!timer_pending(&b.t));
    timer_del(&a.t);
    ck_assert_uint_eq(sched_next_deadline(&s), 70);
    timer_mod(&c.t, 20); /* re-arm earlier */
    ck_assert_uint_eq(sched_next_deadline(&s), 20);
    timer_mod(&c.t, 90); /* and later */
    timer_mod(&a.t, 80);
    ck_assert_uint_eq(sched_next_deadline(&s), 80);
    sched_advance(&s, 85);
    sched_run_due(&s);
    tr.order[tr.n] = 0;
    ck_assert_str_eq(tr.order, "a");
    timer_mod(&b.t, 10); /* in the past: fires on the next run */
    sched_run_due(&s);
    tr.order[tr.n] = 0;
    ck_assert_str_eq(tr.order, "ab");
    timer_del(&c.t);
    ck_assert_uint_eq(sched_next_deadline(&s), UINT64_MAX);
    sched_advance(&s, 1000);
    sched_run_due(&s);
    ck_assert_int_eq(tr.n, 2);

    sched_advance(&s, UINT64_MAX); /* saturates */
    ck_assert_uint_eq(sched_now(&s), UINT64_MAX);
}
END_TEST

START_TEST(test_info)
{
    struct sched s;
    sched_init(&s);
    struct trace tr = {{0}, 0};
    struct tt a;
    tt_init(&a, &s, &tr, 'a');
    timer_mod(&a.t, 500);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    sched_info(&s, out);
    fclose(out);
    ck_assert_ptr_nonnull(strstr(text, "test"));
    ck_assert_ptr_nonnull(strstr(text, "at 500 ns"));
    free(text);
}
END_TEST

static void count_earlier(void *opaque) { (*(int *)opaque)++; }
static void nop_fire(void *opaque) { (void)opaque; }

/* -icount: time follows the instruction counter between commits. */
START_TEST(test_insn_clock)
{
    struct sched s;
    sched_init(&s);
    uint64_t insns = 100;
    sched_set_insn_clock(&s, &insns, 2); /* 4 ns per instruction */
    ck_assert_uint_eq(sched_now(&s), 0);
    insns += 10;
    ck_assert_uint_eq(sched_now(&s), 40);
    struct timer t;
    timer_init(&t, &s, nop_fire, NULL, "t");
    timer_mod(&t, 50);
    sched_run_due(&s);
    ck_assert(timer_pending(&t)); /* 40 < 50 */
    insns += 3;
    sched_run_due(&s);
    ck_assert(!timer_pending(&t)); /* 52 >= 50 */
    sched_commit_insns(&s);
    ck_assert_uint_eq(s.now, 52);
    ck_assert_uint_eq(sched_now(&s), 52);
    insns += 1;
    ck_assert_uint_eq(sched_now(&s), 56);
}
END_TEST

/* The board is told only when a new timer becomes the earliest. */
START_TEST(test_earlier_hook)
{
    struct sched s;
    sched_init(&s);
    int calls = 0;
    sched_set_earlier_hook(&s, count_earlier, &calls);
    struct timer a, b, c;
    timer_init(&a, &s, nop_fire, NULL, "a");
    timer_init(&b, &s, nop_fire, NULL, "b");
    timer_init(&c, &s, nop_fire, NULL, "c");
    timer_mod(&a, 100);
    ck_assert_int_eq(calls, 1);
    timer_mod(&b, 200); /* later: no call */
    ck_assert_int_eq(calls, 1);
    timer_mod(&c, 50); /* earlier: call */
    ck_assert_int_eq(calls, 2);
    timer_del(&a);
    timer_del(&b);
    timer_del(&c);
}
END_TEST

static Suite *sched_suite(void)
{
    Suite *s = suite_create("sched");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_fires_in_deadline_order);
    tcase_add_test(tc, test_rearm_in_callback);
    tcase_add_test(tc, test_del_and_mod);
    tcase_add_test(tc, test_info);
    tcase_add_test(tc, test_insn_clock);
    tcase_add_test(tc, test_earlier_hook);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(sched_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

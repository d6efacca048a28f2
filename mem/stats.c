/*
 * stats.c - the counter registry behind stats.h.
 */
#include "mem/stats.h"

#include <stdlib.h>
#include <string.h>

static struct stat_counter *stats_head; /* registered counters, newest first */

void stats_register(struct stat_counter *c)
{
    c->next = stats_head;
    stats_head = c;
}

static int by_name(const void *a, const void *b)
{
    return strcmp((*(struct stat_counter *const *)a)->name,
                  (*(struct stat_counter *const *)b)->name);
}

void stats_print(FILE *out)
{
    size_t n = 0;
    for (struct stat_counter *c = stats_head; c; c = c->next)
        n++;
    struct stat_counter **v = malloc((n ? n : 1) * sizeof(*v));
    if (!v) return;
    n = 0;
    for (struct stat_counter *c = stats_head; c; c = c->next)
        v[n++] = c;
    qsort(v, n, sizeof(*v), by_name);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%-32s %llu\n", v[i]->name, (unsigned long long)v[i]->value);
    free(v);
}

void stats_reset(void)
{
    for (struct stat_counter *c = stats_head; c; c = c->next)
        c->value = 0;
}

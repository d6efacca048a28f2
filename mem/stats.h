/*
 * stats.h - named event counters ("info stats", -d stats), blink-style.
 *
 * Models nothing in the PC.  A counter is a uint64_t with a name, defined in
 * the .c file that counts it:
 *     STAT_DEFINE(jit_blocks_compiled);            (file scope, once)
 *     STAT_INC(jit_blocks_compiled);               (in the code)
 * Defined counters register themselves at program start (a constructor), so
 * stats_print lists every counter of every linked module without a central
 * list that each layer would have to edit.  Counters are process-wide, like the
 * log mask: they are statistics, not machine state, and are never saved.
 *
 * Not done: per-machine counters, rates, histograms.
 */
#ifndef CINDER_MEM_STATS_H
#define CINDER_MEM_STATS_H

#include <stdint.h>
#include <stdio.h>

struct stat_counter {
    uint64_t value;            /* events counted since start or stats_reset */
    const char *name;          /* printed name */
    struct stat_counter *next; /* next registered counter */
};

void stats_register(struct stat_counter *c);
void stats_print(FILE *out); /* "name value" per counter, sorted by name */
void stats_reset(void);      /* all counters to zero */

#define STAT_DEFINE(name)                                                                          \
    static struct stat_counter stat_##name = {0, #name, NULL};                                     \
    __attribute__((constructor)) static void stat_register_##name(void)                            \
    {                                                                                              \
        stats_register(&stat_##name);                                                              \
    }                                                                                              \
    struct stat_counter /* swallow the trailing semicolon */

#define STAT_INC(name) (stat_##name.value++)
#define STAT_ADD(name, n) (stat_##name.value += (n))
#define STAT_GET(name) (stat_##name.value)

#endif

/*
 * msr.h - model-specific registers, the time-stamp counter and CPUID
 * (msr.c, cpuid.c).
 */
#ifndef CINDER_CPU_MSR_H
#define CINDER_CPU_MSR_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"

/* The TSC as RDTSC and RDMSR 0x10 see it. */
uint64_t cpu_tsc(const struct cpu *c);
void cpu_tsc_restart(struct cpu *c); /* the TSC reads 0 now (RESET) */
/* false: no such MSR, or a value it refuses (the caller raises #GP(0)). */
bool msr_read(struct cpu *c, uint32_t index, uint64_t *value);
bool msr_write(struct cpu *c, uint32_t index, uint64_t value);

/* CPUID leaf `leaf` (ECX is not an input for any leaf we report). */
void cpuid_query(const struct cpu *c, uint32_t leaf, uint32_t out[4] /* EAX EBX ECX EDX */);

#endif

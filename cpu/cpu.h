/*
 * cpu.h - architectural state of the emulated i686 (Pentium II class) and the
 * CPU's public API.
 *
 * Sources: Intel SDM vol. 3A ch. 2-6 (system registers, segmentation, paging,
 * interrupts), vol. 1 ch. 3 (EFLAGS).  The struct keeps hot fields first: the
 * interpreter touches regs/eip/lazy flags/segment caches on every instruction.
 *
 * Not emulated: SMM, the local APIC (CPUID says no APIC), SSE, 64-bit mode,
 * cache and bus-lock timing.
 */
#ifndef CINDER_CPU_CPU_H
#define CINDER_CPU_CPU_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/fpu.h"
#include "cpu/tlb.h"

struct sched;

struct bus;
struct decoded_cache;
struct dblock;

/* General registers, in ModRM encoding order.  regs[R_ZERO] is always 0 so
 * that effective-address arithmetic needs no "is there a base?" branch. */
enum { R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI, R_ZERO };

/* Segment registers in the order the ModRM reg field (and MOV Sreg) uses. */
enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_COUNT };

/* EFLAGS bits (SDM vol.1 3.4.3) */
#define FL_CF 0x00000001u
#define FL_RES1 0x00000002u /* always reads as 1 */
#define FL_PF 0x00000004u
#define FL_AF 0x00000010u
#define FL_ZF 0x00000040u
#define FL_SF 0x00000080u
#define FL_TF 0x00000100u
#define FL_IF 0x00000200u
#define FL_DF 0x00000400u
#define FL_OF 0x00000800u
#define FL_IOPL 0x00003000u
#define FL_NT 0x00004000u
#define FL_RF 0x00010000u
#define FL_VM 0x00020000u
#define FL_AC 0x00040000u
#define FL_VIF 0x00080000u
#define FL_VIP 0x00100000u
#define FL_ID 0x00200000u
#define FL_ARITH (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)

/* CR0 / CR4 / EFER bits used by the core */
#define CR0_PE 0x00000001u
#define CR0_MP 0x00000002u
#define CR0_EM 0x00000004u
#define CR0_TS 0x00000008u
#define CR0_ET 0x00000010u
#define CR0_NE 0x00000020u
#define CR0_WP 0x00010000u
#define CR0_AM 0x00040000u
#define CR0_NW 0x20000000u
#define CR0_CD 0x40000000u
#define CR0_PG 0x80000000u
#define CR4_VME 0x0001u
#define CR4_PVI 0x0002u
#define CR4_TSD 0x0004u
#define CR4_DE 0x0008u
#define CR4_PSE 0x0010u
#define CR4_PAE 0x0020u
#define CR4_MCE 0x0040u
#define CR4_PGE 0x0080u
#define CR4_PCE 0x0100u
#define CR4_OSFXSR 0x0200u
#define EFER_NXE 0x0800u

/* Exception vectors */
enum {
    EXC_DE = 0, EXC_DB = 1, EXC_NMI = 2, EXC_BP = 3, EXC_OF = 4, EXC_BR = 5, EXC_UD = 6,
    EXC_NM = 7, EXC_DF = 8, EXC_TS = 10, EXC_NP = 11, EXC_SS = 12, EXC_GP = 13, EXC_PF = 14,
    EXC_MF = 16, EXC_AC = 17, EXC_MC = 18,
};

/*
 * Segment descriptor cache (the hidden part of a segment register).
 * `flags` holds descriptor bytes 5 and 6 as (desc_hi >> 8) & 0xF0FF:
 * bits 0-3 type, 4 S, 5-6 DPL, 7 P, 12 AVL, 13 L, 14 D/B, 15 G.
 */
struct seg {
    uint32_t base;  /* linear base address */
    uint32_t limit; /* byte-granular limit (G already applied) */
    uint16_t sel;   /* visible selector */
    uint16_t flags; /* access rights as described above */
    /* Derived on every load by seg_update_cache(), never saved: */
    uint32_t lo, hi;   /* valid offset range [lo, hi] (expand-down handled) */
    bool readable;     /* data reads allowed (code: readable bit; null: false) */
    bool writable;     /* data writes allowed */
};
#define SEGF_TYPE 0x000fu
#define SEGF_S 0x0010u
#define SEGF_DPL_SHIFT 5
#define SEGF_P 0x0080u
#define SEGF_DB 0x4000u
#define SEGF_G 0x8000u

struct dtr {
    uint32_t base;  /* linear base */
    uint32_t limit; /* byte limit */
};

/* Lazy arithmetic flags (flags.c).  See flags.h for the rule. */
struct lazy_flags {
    uint32_t res;  /* result, zero-extended to 32 bits */
    uint32_t src1; /* first operand (destination before the op) */
    uint32_t src2; /* second operand */
    uint8_t op;    /* enum lf_op; LF_NONE: eflags holds OSZAPC */
    uint8_t size;  /* operand size in bytes: 1, 2, 4 */
};

enum cpu_exit {
    CPU_EXIT_BUDGET,     /* ran the requested number of instructions */
    CPU_EXIT_HALT,       /* HLT with interrupts that can wake it */
    CPU_EXIT_SHUTDOWN,   /* triple fault (or HLT with IF=0 and no NMI possible) */
    CPU_EXIT_BREAKPOINT, /* debugger breakpoint */
    CPU_EXIT_REQUEST,    /* cpu_request_exit() was called (device, signal) */
};

struct cpu_irq_ack {
    int (*ack)(void *opaque); /* returns the vector of the interrupt being acknowledged */
    void *opaque;
};

struct cpu_config {
    /* The TSC follows the machine's virtual clock at tsc_khz, so it agrees
     * with the PIT, the RTC and the ACPI PM timer whatever the instruction
     * rate (Linux's clocksource watchdog compares them).  No clock: the TSC
     * counts retired instructions (unit tests without a board). */
    const struct sched *clock;
    uint32_t tsc_khz;      /* TSC rate with a clock (0 means 1 GHz) */
    bool pae;              /* advertise and allow PAE/NX */
    void (*trace)(void *opaque, struct cpu *c, const char *what); /* optional -d hooks */
    void *trace_opaque;
    void (*ferr)(void *opaque, bool level); /* FERR# pin (x87 error, CR0.NE=0): the board routes it to IRQ 13 */
    void *ferr_opaque;                      /* passed to ferr */
};

/* Mode bits the decoded-block cache keys on (see decoded_cache.h). */
#define MODE_CODE32 0x1u

struct cpu {
    /* --- hot: touched by nearly every instruction --- */
    uint32_t regs[9];       /* EAX..EDI in ModRM order, regs[R_ZERO] == 0 */
    uint32_t eip;           /* offset of the *next* instruction while a handler runs */
    uint32_t insn_eip;      /* offset of the instruction being executed (fault restart point) */
    uint32_t eflags;        /* EFLAGS; OSZAPC bits valid only where lazy flags do not cover them */
    struct lazy_flags lf;   /* lazily evaluated arithmetic flags */
    struct seg seg[SEG_COUNT];
    struct tlb_entry *tlb_cur; /* tlb.e[TLB_SUPER/USER/ALWAYS_SLOW]: set by cpu_update_tlb_cur() */
    uint8_t cpl;            /* current privilege level */
    bool stop_block;        /* leave the current decoded block after this instruction */
    uint64_t icount;        /* instructions retired since reset */
    uint64_t icount_limit;  /* cpu_run stops when icount reaches this */
    uint32_t io_cost_insns; /* extra instruction-times a non-string IN/OUT takes, so a port
                               access lasts as long as an ISA bus cycle (~1 us): firmware and
                               kernels time short delays by port reads (Linux reads the PIT
                               once "to wait a microsecond").  Set by the board; counted in
                               icount. */

    /* --- system state --- */
    uint32_t cr0, cr2, cr3, cr4;
    uint32_t dr[8];         /* DR0-DR3 linear addresses, DR6 status, DR7 control (4,5 alias 6,7) */
    uint64_t efer;          /* IA32_EFER (only NXE is implemented) */
    struct dtr gdtr, idtr;
    struct seg ldtr, tr;    /* LDT and task register caches */
    uint32_t a20_mask;      /* copied from the bus on A20 change */

    /* MSRs (msr.c) */
    uint64_t tsc_offset;    /* TSC = tsc_base() + tsc_offset */
    uint32_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t apic_base;     /* IA32_APIC_BASE as read back (no APIC is emulated) */
    uint64_t mtrr_cap_def;  /* IA32_MTRR_DEF_TYPE */
    uint64_t mtrr_var[16];  /* PHYSBASE/PHYSMASK pairs 0-7 */
    uint64_t mtrr_fix[11];  /* fixed-range MTRRs */
    uint64_t pat;           /* IA32_PAT */
    uint64_t misc_enable;   /* IA32_MISC_ENABLE */
    uint64_t bios_sign_id;  /* IA32_BIOS_SIGN_ID (microcode revision) */

    /* --- interrupts and run state --- */
    bool intr_line;         /* INTR pin level from the PIC */
    bool nmi_pending;       /* edge-latched NMI */
    bool nmi_blocked;       /* inside an NMI handler until IRET */
    bool halted;            /* HLT executed, waiting for an interrupt */
    bool intr_shadow;       /* interrupts inhibited for one instruction (STI, MOV/POP SS) */
    bool trap_shadow;       /* MOV/POP SS: #DB traps are also held for one instruction */
    bool exit_request;      /* cpu_run returns CPU_EXIT_REQUEST at the next boundary */
    bool shutdown;          /* triple fault happened */
    struct cpu_irq_ack irq_ack;

    /* --- exception plumbing (except.c) --- */
    jmp_buf fault_jmp;      /* landing pad in cpu_run for cpu_raise() */
    bool in_run;            /* fault_jmp is valid */
    int exc_vector;         /* exception being raised */
    uint32_t exc_error;     /* its error code */
    bool exc_has_error;     /* vector pushes an error code */
    int delivering;         /* nesting of exception delivery: -1 none, else first vector */
    uint32_t pending_dr6;   /* DR6 bits of a #DB trap not yet delivered: data breakpoint
                               hits of the current insn, a task switch's T bit, traps held
                               over a MOV SS shadow */

    /* --- engine --- */
    struct tlb tlb;
    struct fpu fpu;
    struct bus *bus;
    struct decoded_cache *dcache;
    struct cpu_config cfg;
    struct jump_cache_entry *jcache; /* linear EIP -> block, see cpu_loop.c */
    uint32_t jcache_gen;    /* bumped on every TLB flush and code invalidation: stale entries miss */
    uint64_t stat_blocks;   /* decoded blocks executed */
    uint64_t stat_decodes;  /* blocks decoded */
};

int cpu_init(struct cpu *c, struct bus *bus, const struct cpu_config *cfg);
void cpu_destroy(struct cpu *c);
void cpu_reset(struct cpu *c); /* power-on/RESET state: F000:FFF0, real mode */
enum cpu_exit cpu_run(struct cpu *c, uint64_t max_insns);
void cpu_set_intr(struct cpu *c, bool level);
void cpu_set_nmi(struct cpu *c);
void cpu_request_exit(struct cpu *c);
uint64_t cpu_insn_count(const struct cpu *c);
void cpu_dump_state(struct cpu *c, FILE *out);

/* Full EFLAGS with lazy flags folded in / loaded (defined in flags.c). */
uint32_t cpu_get_eflags(struct cpu *c);
void cpu_set_eflags(struct cpu *c, uint32_t value, uint32_t change_mask);

/* Mode helpers used by handlers. */
static inline bool cpu_pe(const struct cpu *c) { return c->cr0 & CR0_PE; }
static inline bool cpu_v86(const struct cpu *c) { return c->eflags & FL_VM; }
static inline bool cpu_code32(const struct cpu *c) { return c->seg[SEG_CS].flags & SEGF_DB; }
static inline bool cpu_stack32(const struct cpu *c) { return c->seg[SEG_SS].flags & SEGF_DB; }
static inline unsigned cpu_iopl(const struct cpu *c) { return (c->eflags & FL_IOPL) >> 12; }
static inline uint32_t cpu_mode_key(const struct cpu *c) { return cpu_code32(c) ? MODE_CODE32 : 0; }

/* Set CPL and switch the TLB set (user pages vs supervisor); tlb.c. */
void cpu_set_cpl(struct cpu *c, unsigned cpl);

/* Control-register writes with their side effects (cpu.c): TLB flushes, mode
 * recomputation.  Callers (MOV CRn, LMSW, task switch) have done the #GP checks. */
void cpu_set_cr0(struct cpu *c, uint32_t v);
void cpu_set_cr4(struct cpu *c, uint32_t v);
void cpu_load_cr3(struct cpu *c, uint32_t v);

#endif

/*
 * log.h - per-module debug logging (-d LIST, -D FILE).
 *
 * Models nothing in the PC.  Every module's logging is compiled in and off by
 * default; -d turns modules on by name, QEMU-style ("-d int,pit,ide",
 * "-d help").  The mask and the output file are the one permitted global: they
 * are process-wide configuration, not machine state, and are never saved.
 *
 * Usage:
 *     LOG(LOG_PIT, "chan %d mode %d", ch, mode);           (arguments evaluated only if on)
 *     if (log_enabled(LOG_EXEC)) dump_block(...);          (guard for costly work)
 *     LOG_UNIMPL_ONCE("pit: read-back command");           (guest did something we lack)
 * Each log_printf call writes one line "module: message"; a trailing newline
 * in the message is not doubled.
 *
 * Not done: log levels, timestamps (add sched_now() to the message if needed),
 * thread safety (the emulator is single-threaded).
 */
#ifndef CINDER_MEM_LOG_H
#define CINDER_MEM_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum log_module {
    LOG_CPU,          /* "cpu": CPU state at each traced block */
    LOG_INT,          /* "int": interrupts and exceptions taken */
    LOG_EXEC,         /* "exec": each block executed */
    LOG_IN_ASM,       /* "in_asm": guest code as decoded */
    LOG_POST,         /* "post": BIOS POST codes (port 0x80) */
    LOG_IO,           /* "io": port accesses */
    LOG_UNIMPL,       /* "unimpl": guest used something not emulated */
    LOG_PIC,          /* "pic": 8259 */
    LOG_PIT,          /* "pit": 8254 and PC speaker */
    LOG_RTC,          /* "rtc": CMOS and real-time clock */
    LOG_KBD,          /* "kbd": 8042, PS/2 keyboard and mouse */
    LOG_SERIAL,       /* "serial": 16550 UARTs */
    LOG_VGA,          /* "vga": VGA, VBE */
    LOG_IDE,          /* "ide": IDE, ATAPI, disk images */
    LOG_FDC,          /* "fdc": floppy controller */
    LOG_NET,          /* "net": NE2000, slirp */
    LOG_PCI,          /* "pci": host bridge, config space, PIIX */
    LOG_DMA,          /* "dma": 8237, bus-master DMA */
    LOG_STATS,        /* "stats": counters at exit */
    LOG_MMU,          /* "mmu": page walks, page faults, TLB flushes */
    LOG_JIT,          /* "jit": block compilation and invalidation */
    LOG_BUS,          /* "bus": memory map changes, A20 */
    LOG_SCHED,        /* "sched": timer arming and firing */
    LOG_PM,           /* "pm": power management, ACPI, SMM, reset */
    LOG_SAVESTATE,    /* "savestate": save and load */
    LOG_GUEST_ERRORS, /* "guest_errors": guest misprogramming a device */
    LOG_MODULE_COUNT
};

_Static_assert(LOG_MODULE_COUNT <= 64, "log mask is 64 bits");

extern uint64_t log_mask; /* bit n set: module n enabled (set via log_parse_mask/log_set_mask) */

static inline bool log_enabled(enum log_module m)
{
    return (log_mask >> m) & 1u;
}

/*
 * Parse a -d list ("pit,pic,ide") and, on success, make it the mask (the empty
 * string means none).  Returns 0 on success; LOG_PARSE_HELP if the list
 * contains "help" (mask unchanged: the caller prints log_print_modules(stdout)
 * and exits); -1 with a message in err on an unknown or empty name (mask
 * unchanged).
 */
enum { LOG_PARSE_HELP = 1 };
int log_parse_mask(const char *list, char *err, size_t errlen);
void log_print_modules(FILE *out);            /* one "name  description" line each */
const char *log_module_name(enum log_module); /* "pit" */
void log_set_mask(uint64_t mask);
uint64_t log_get_mask(void);

/* Where log lines go (-D FILE); NULL means stderr, the default.  The log takes
 * ownership of any file other than stdout/stderr and closes it in log_close or
 * when another is set. */
void log_set_file(FILE *f);
int log_open_file(const char *path, char *err, size_t errlen); /* fopen + log_set_file */
FILE *log_file(void);                                          /* current sink */
void log_flush(void);
void log_close(void); /* flush, close an owned file, revert to stderr */

__attribute__((format(printf, 2, 3))) void log_printf(enum log_module m, const char *fmt, ...);

/* Log if the module is on; arguments are evaluated only then. */
#define LOG(mod, ...)                                                                              \
    do {                                                                                           \
        if (log_enabled(mod)) log_printf((mod), __VA_ARGS__);                                      \
    } while (0)

/* Log a guest action we do not emulate, once per call site (per process) while
 * "unimpl" is on. */
#define LOG_UNIMPL_ONCE(...)                                                                       \
    do {                                                                                           \
        static bool log_unimpl_done_;                                                              \
        if (!log_unimpl_done_ && log_enabled(LOG_UNIMPL)) {                                        \
            log_unimpl_done_ = true;                                                               \
            log_printf(LOG_UNIMPL, __VA_ARGS__);                                                   \
        }                                                                                          \
    } while (0)

#endif

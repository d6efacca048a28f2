/*
 * log.c - the log mask, the name table for -d, and the log sink.  See log.h.
 */
#include "mem/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

uint64_t log_mask;

static FILE *log_out; /* current sink; NULL means stderr */

struct log_name {
    const char *name;    /* as typed after -d */
    enum log_module mod; /* module it enables */
    const char *help;    /* for -d help */
};

/* Primary names first, in enum order; aliases (QEMU's spellings) after. */
static const struct log_name log_names[] = {
    {"cpu", LOG_CPU, "CPU state at each traced block"},
    {"int", LOG_INT, "interrupts and exceptions"},
    {"exec", LOG_EXEC, "each block executed"},
    {"in_asm", LOG_IN_ASM, "guest code as decoded"},
    {"post", LOG_POST, "BIOS POST codes (port 0x80)"},
    {"io", LOG_IO, "I/O port accesses"},
    {"unimpl", LOG_UNIMPL, "guest actions that are not emulated"},
    {"pic", LOG_PIC, "8259 interrupt controllers"},
    {"pit", LOG_PIT, "8254 timer and PC speaker"},
    {"rtc", LOG_RTC, "CMOS RAM and real-time clock"},
    {"kbd", LOG_KBD, "8042 controller, PS/2 keyboard and mouse"},
    {"serial", LOG_SERIAL, "16550 UARTs"},
    {"vga", LOG_VGA, "VGA and VBE"},
    {"ide", LOG_IDE, "IDE, ATAPI and disk images"},
    {"fdc", LOG_FDC, "floppy controller"},
    {"net", LOG_NET, "NE2000 and user networking"},
    {"pci", LOG_PCI, "PCI host bridge, config space, PIIX"},
    {"dma", LOG_DMA, "8237 DMA and bus-master DMA"},
    {"stats", LOG_STATS, "print counters at exit"},
    {"mmu", LOG_MMU, "page walks, page faults, TLB flushes"},
    {"jit", LOG_JIT, "JIT compilation and invalidation"},
    {"bus", LOG_BUS, "memory map changes and A20"},
    {"sched", LOG_SCHED, "timers armed and fired"},
    {"pm", LOG_PM, "power management, ACPI, SMM, reset"},
    {"savestate", LOG_SAVESTATE, "save and load of machine state"},
    {"guest_errors", LOG_GUEST_ERRORS, "guest misprogramming a device"},
    {"ioport", LOG_IO, NULL},
    {"unimp", LOG_UNIMPL, NULL},
};

_Static_assert(sizeof(log_names) / sizeof(log_names[0]) >= LOG_MODULE_COUNT,
               "every log module needs a name");

const char *log_module_name(enum log_module m)
{
    if ((unsigned)m < LOG_MODULE_COUNT && log_names[m].mod == m) return log_names[m].name;
    return "?";
}

void log_print_modules(FILE *out)
{
    fprintf(out, "Log items (comma separated, for -d):\n");
    for (size_t i = 0; i < sizeof(log_names) / sizeof(log_names[0]); i++) {
        if (log_names[i].help) fprintf(out, "  %-13s %s\n", log_names[i].name, log_names[i].help);
    }
    fprintf(out, "  %-13s %s\n", "help", "show this list");
}

int log_parse_mask(const char *list, char *err, size_t errlen)
{
    uint64_t mask = 0;
    bool help = false;
    const char *p = list;
    if (*p == '\0') {
        log_mask = 0;
        return 0;
    }
    for (;;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == 0) {
            snprintf(err, errlen, "-d: empty item in log list '%s'", list);
            return -1;
        }
        bool found = false;
        if (n == 4 && !strncmp(p, "help", 4)) {
            help = found = true;
        }
        for (size_t i = 0; !found && i < sizeof(log_names) / sizeof(log_names[0]); i++) {
            if (strlen(log_names[i].name) == n && !strncmp(p, log_names[i].name, n)) {
                mask |= UINT64_C(1) << log_names[i].mod;
                found = true;
            }
        }
        if (!found) {
            snprintf(err, errlen, "-d: unknown log item '%.*s' (try -d help)", (int)n, p);
            return -1;
        }
        if (!end) break;
        p = end + 1;
    }
    if (help) return LOG_PARSE_HELP;
    log_mask = mask;
    return 0;
}

void log_set_mask(uint64_t mask)
{
    log_mask = mask;
}

uint64_t log_get_mask(void)
{
    return log_mask;
}

FILE *log_file(void)
{
    return log_out ? log_out : stderr;
}

static void log_release(void)
{
    if (log_out && log_out != stderr && log_out != stdout)
        fclose(log_out);
    else if (log_out)
        fflush(log_out);
    log_out = NULL;
}

void log_set_file(FILE *f)
{
    if (f == log_out) return;
    log_release();
    log_out = f;
}

int log_open_file(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "-D: %s: %s", path, strerror(errno));
        return -1;
    }
    log_set_file(f);
    return 0;
}

void log_flush(void)
{
    fflush(log_file());
}

void log_close(void)
{
    log_release();
}

void log_printf(enum log_module m, const char *fmt, ...)
{
    if (!log_enabled(m)) return;
    char small[512], *msg = small;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n >= sizeof(small)) {
        msg = malloc((size_t)n + 1);
        if (!msg) return;
        va_start(ap, fmt);
        vsnprintf(msg, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    FILE *out = log_file();
    fprintf(out, "%s: %s%s", log_module_name(m), msg, n > 0 && msg[n - 1] == '\n' ? "" : "\n");
    if (msg != small) free(msg);
}

/*
 * pc.h - the board: the machine API the frontend drives (DESIGN.md §7).
 *
 * The frontend fills a struct pc_config from the command line, creates the
 * machine, and calls pc_run() in slices of virtual time until it returns
 * something other than PC_EXIT_TIMEOUT.  This header is all the frontend
 * includes of the emulator (DESIGN.md §1), so the process-wide logging setup
 * (-d, -D) is reached through it too.
 */
#ifndef CINDER_DEVICES_PC_H
#define CINDER_DEVICES_PC_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "devices/device.h"

#define PC_RAM_DEFAULT (128ull << 20)
#define PC_RAM_MIN (2ull << 20)
#define PC_RAM_MAX (3584ull << 20) /* 3.5 GiB: the rest of 4 GiB is MMIO and firmware */
#define PC_MAX_DEBUGCON 4
#define PC_ICOUNT_OFF (-1) /* icount_shift value for real-time mode */
#define PC_ICOUNT_MAX_SHIFT 10
#define PC_MAX_SERIAL 4

#define PC_MAX_IDE 4

enum pc_media { PC_MEDIA_DISK, PC_MEDIA_CDROM };

/* One IDE drive of the command line. */
struct pc_ide_drive {
    bool present;             /* a drive is cabled at this index */
    const char *file;         /* image; NULL only for an empty CD-ROM drive */
    enum pc_media media;      /* hard disk or ATAPI CD-ROM */
    const char *format;       /* "raw" or "qcow2"; NULL: probe the file */
    bool readonly;            /* readonly=on (a CD-ROM is always read-only) */
    bool snapshot;            /* snapshot=on: writes go to a temporary overlay */
    bool writethrough;        /* cache=writethrough: every write reaches the disk */
};

struct pc_config {
    uint64_t ram_size;        /* bytes (a multiple of 4 KiB) */
    const char *bios;         /* -bios FILE; NULL: Debian's SeaBIOS, or none with -kernel */
    const char *kernel;       /* -kernel FILE (multiboot); NULL: boot the BIOS */
    const char *initrd;       /* -initrd "FILE[ ARGS][,FILE...]": multiboot modules */
    const char *append;       /* -append STRING: kernel command line after the path */
    const char *debugcon;     /* chardev spec ("stdio", "file:PATH", "null") for debugcons */
    uint16_t debugcon_ports[PC_MAX_DEBUGCON]; /* a debugcon at each of these ports */
    unsigned n_debugcon;      /* entries used in debugcon_ports */
    bool debug_exit;          /* -device isa-debug-exit */
    uint16_t debug_exit_iobase; /* its first port */
    unsigned debug_exit_iosize; /* its port count: 1, 2 or 4 */
    int icount_shift;         /* PC_ICOUNT_OFF: real time; N: one insn = 2^N virtual ns */
    bool icount_nosleep;      /* -icount sleep=off: a halted CPU jumps to the next timer at
                                 once, instead of waiting for it in host time (QEMU's
                                 default, sleep=on, keeps idle time real) */
    bool no_reboot;           /* a guest reset or triple fault exits (status 0) */
    const char *serial[PC_MAX_SERIAL]; /* -serial specs for COM1-COM4, in order */
    unsigned n_serial;        /* entries used in serial; 0: COM1 by the default rule */
    bool nographic;           /* -nographic: COM1 defaults to stdio */
    const char *rtc_base;     /* -rtc base=: "utc" (default), "localtime" or a date */
    const char *floppy[2];    /* -fda/-fdb (or -drive if=floppy) raw images; NULL: no drive */
    bool floppy_readonly[2];  /* readonly=on: write protected */
    struct pc_ide_drive ide[PC_MAX_IDE]; /* -hda..-hdd, -cdrom, -drive if=ide: index 0-3 is
                                            primary master/slave, secondary master/slave */
    bool snapshot;            /* -snapshot: every IDE drive as snapshot=on */
    const char *boot_order;   /* -boot order= letters (a, c, d, n); NULL: "cad" as QEMU */
    const char *boot_once;    /* -boot once=: the order for the first boot only; NULL: none */
    bool boot_menu;           /* -boot menu=on: SeaBIOS offers its F12/ESC boot menu */
    int boot_menu_wait_ms;    /* -boot splash-time=: how long the menu prompt waits; -1: default */
    int boot_reboot_timeout_ms; /* -boot reboot-timeout=: retry a failed boot after this; -1 never */
    const char *vga;          /* -vga: "std" (QEMU's std-VGA with Bochs VBE) or "none"; NULL: std */
    unsigned vgamem_mb;       /* VGA.vgamem_mb: VRAM in MiB (1-256, a power of two); 0: 16 */
    volatile sig_atomic_t *stop_flag; /* set (e.g. by a signal handler): pc_run stops soon */
};

void pc_config_defaults(struct pc_config *cfg);

enum pc_exit {
    PC_EXIT_TIMEOUT,  /* ran max_ns of virtual time; call pc_run again */
    PC_EXIT_GUEST,    /* the guest asked to exit (isa-debug-exit): see pc_exit_status */
    PC_EXIT_SHUTDOWN, /* reset or triple fault with no_reboot */
    PC_EXIT_STOPPED,  /* pc_request_stop or the stop flag */
};

struct pc;

/* NULL with a one-line message in err (no "cinder:" prefix) on failure. */
struct pc *pc_create(const struct pc_config *cfg, char *err, size_t errlen);
enum pc_exit pc_run(struct pc *pc, uint64_t max_ns);
/* Stop at the next instruction boundary.  Async-signal-safe (it only sets flags). */
void pc_request_stop(struct pc *pc);
/* Process exit status the machine asks for: (V << 1) | 1 after isa-debug-exit, else 0. */
int pc_exit_status(const struct pc *pc);
/* Virtual ns the frontend may sleep before calling pc_run (0 unless halted). */
uint64_t pc_idle_ns(struct pc *pc);
/* Reset as the RESET pin does (CPU and every device; -kernel is reloaded). */
void pc_reset(struct pc *pc);
/* Record a device so reset, teardown, save and info reach it.  0, or -1 out of memory. */
int pc_add_device(struct pc *pc, const struct device_desc *desc, void *state);
/* Each device's info line. */
void pc_info(struct pc *pc, FILE *out);
/* "-d stats": print instruction and block counts, host time and MIPS to the log. */
void pc_print_stats(struct pc *pc);
/* Flush and close everything (devices, chardevs); NULL is a no-op. */
void pc_destroy(struct pc *pc);

/* --- Display and input (the display issue) ---
 * The frontend asks for the frame at its refresh rate; the board renders
 * only what changed since the previous call.  Keys arrive as USB HID usage
 * IDs (page 7), which is what SDL_Scancode values are, so the frontend needs
 * no PS/2 knowledge: the board maps them to the keyboard's scancode set. */
struct framebuffer {
    const uint32_t *pixels; /* 0x00RRGGBB, row-major; NULL when nothing is shown */
    int width, height;      /* pixels; 0 x 0 when nothing is shown */
    int stride;             /* pixels per row */
    uint64_t generation;    /* changes whenever any pixel or the size changed */
};
/* Bring the frame up to date and return it (owned by the board). */
const struct framebuffer *pc_framebuffer(struct pc *pc);
/* A text-mode screen as UTF-8 (code page 437 mapped), one '\n'-ended line per
 * row.  Returns the length written (NUL-terminated, truncated to len), or -1
 * when the display is not in a text mode. */
int pc_screen_text(struct pc *pc, char *buf, size_t len);
/* A key went down or up: hid_usage is a USB HID keyboard usage ID. */
void pc_key_event(struct pc *pc, unsigned hid_usage, bool down);
/* Relative mouse motion (dy > 0 is down the screen), wheel (dz > 0 is away
 * from the user) and the buttons held (bit 0 left, 1 right, 2 middle). */
void pc_mouse_event(struct pc *pc, int dx, int dy, int dz, unsigned buttons);
/* Guest instructions retired since power-on (the window title's MIPS). */
uint64_t pc_insn_count(struct pc *pc);
/* The frontend stops (true) or resumes (false) calling pc_run: in real-time
 * mode no virtual time passes while paused, as QEMU's clock stops with the VM. */
void pc_set_paused(struct pc *pc, bool paused);

/* Process-wide logging (mem/log.h behind the board API).
 * pc_log_parse: 0 ok, 1 "help" was asked (print pc_log_help), -1 error. */
int pc_log_parse(const char *list, char *err, size_t errlen);
void pc_log_help(FILE *out);
int pc_log_open(const char *path, char *err, size_t errlen);
void pc_log_close(void);
/* 0 if spec is a valid -rtc base (utc, localtime, YYYY-MM-DD[THH:MM:SS]). */
int pc_rtc_base_valid(const char *spec, int64_t *out);
/* true if the chardev spec is one the board can open. */
bool pc_chardev_spec_valid(const char *spec);

#endif

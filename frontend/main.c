/*
 * main.c - the cinder command: parse options, build the board, run it.
 *
 * One display backend is picked at start (frontend/display.h): the SDL
 * window, or none.  The run loop calls pc_run in slices of virtual time until
 * the guest exits (isa-debug-exit), shuts down with -no-reboot, the user
 * quits, or a signal arrives.  Between slices it presents a frame when a
 * refresh is due (60 Hz; only then is the board asked to render, and never
 * with no window), handles input and host keys, and, when the halted guest
 * has nothing to do until its next timer, sleeps in the backend until that
 * timer or the next input, so an idle guest costs almost no host CPU.
 * (Under -icount virtual time does not follow the host clock, so the loop
 * leaves idling to the board: it sleeps inside pc_run, or with sleep=off
 * jumps to the next timer.)
 *
 * SIGINT and SIGTERM set a flag that the board polls between CPU slices;
 * then everything is flushed and closed and the status is 0, as QEMU does
 * ("terminating on signal N").  SIGUSR1 writes a screenshot.  -screendump and
 * -screendump-text are written at exit, whatever ended the run.
 *
 * Process-wide state: the signal flags (and, inside mem/log.c, the log sink).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "devices/pc.h"
#include "frontend/display.h"
#include "frontend/options.h"
#include "frontend/png.h"

#define RUN_SLICE_NS 50000000u        /* 50 ms of virtual time per pc_run call at most */
#define REFRESH_NS (1000000000u / 60) /* a frame every 1/60 s while a window is open */
#define ICOUNT_WINDOW_SLICE_NS 1000000u /* -icount with a window: 1 ms virtual per call */
#define MIN_SLICE_NS 1000000u         /* real time: never less than 1 ms per pc_run call */
#define STATUS_NS 1000000000u         /* title (MIPS) update period */
#define SCREEN_TEXT_MAX (132 * 60 * 4 + 256) /* widest text mode, 4 UTF-8 bytes a cell */

static volatile sig_atomic_t stop_signal; /* signal number that asked us to stop, 0 if none */
static volatile sig_atomic_t screenshot_signal; /* SIGUSR1 arrived: write a screenshot */

static void on_stop_signal(int sig) { stop_signal = sig; }

static void on_screenshot_signal(int sig) { screenshot_signal = 1; }

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = on_screenshot_signal;
    sigaction(SIGUSR1, &sa, NULL);
}

static uint64_t host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The screen as a PNG at path (a 0 x 0 frame gives 640 x 480 black); 0 or -1
 * with a message on stderr. */
static int write_screendump(struct pc *pc, const char *path)
{
    char err[1024];
    const struct framebuffer *fb = pc_framebuffer(pc);
    if (png_write_rgb(path, fb->pixels, fb->width, fb->height, fb->stride, err, sizeof(err))) {
        fprintf(stderr, "cinder: screendump: %s\n", err);
        return -1;
    }
    return 0;
}

/* The text screen as UTF-8 at path; outside text modes an empty file and a
 * warning, so a test reading it fails on its content, not on a missing file. */
static void write_screen_text(struct pc *pc, const char *path)
{
    char *buf = malloc(SCREEN_TEXT_MAX);
    int n = buf ? pc_screen_text(pc, buf, SCREEN_TEXT_MAX) : -1;
    if (n < 0) {
        fprintf(stderr, "cinder: screendump-text: the display is not in a text mode\n");
        n = 0;
    }
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(buf, 1, (size_t)n, f) != (size_t)n || fclose(f) != 0)
        fprintf(stderr, "cinder: screendump-text: %s: %s\n", path, strerror(errno));
    free(buf);
}

/* Ctrl+Alt+S, and SIGUSR1 without -screendump: cinder-screenshot-N.png in
 * the current directory, N the first number not taken. */
static void write_numbered_screenshot(struct pc *pc)
{
    char name[64];
    for (unsigned n = 1; n < 100000; n++) {
        snprintf(name, sizeof(name), "cinder-screenshot-%u.png", n);
        if (access(name, F_OK) != 0) {
            if (write_screendump(pc, name) == 0) fprintf(stderr, "cinder: screenshot %s\n", name);
            return;
        }
    }
    fprintf(stderr, "cinder: screenshot: no free cinder-screenshot-N.png name\n");
}

/* -display's backend, with the default resolved: a window when a desktop is
 * reachable ($DISPLAY or $WAYLAND_DISPLAY) and -nographic is not given. */
static const struct display_ops *pick_display(const struct options *o, bool *is_default)
{
    enum display_kind kind = o->display.kind;
    *is_default = kind == DISPLAY_DEFAULT;
    if (kind == DISPLAY_DEFAULT) {
        const char *x = getenv("DISPLAY"), *wl = getenv("WAYLAND_DISPLAY");
        bool desktop = (x && *x) || (wl && *wl);
        kind = !o->pc.nographic && desktop ? DISPLAY_SDL : DISPLAY_NONE;
    }
    return kind == DISPLAY_SDL ? &display_sdl_ops : &display_none_ops;
}

/* Run until the machine or the user ends it; the exit reason. */
static enum pc_exit run_loop(struct pc *pc, const struct options *o,
                             const struct display_ops *ops, void *disp)
{
    bool realtime = o->pc.icount_shift == PC_ICOUNT_OFF;
    bool paused = false;
    uint64_t now = host_ns();
    uint64_t next_refresh = now, next_status = now + STATUS_NS;
    uint64_t status_insns = pc_insn_count(pc), status_time = now;
    unsigned act = 0; /* host actions not yet handled (DISPLAY_ACT_*) */
    for (;;) {
        now = host_ns();
        if (ops->refresh && now >= next_refresh) {
            ops->refresh(disp, pc_framebuffer(pc));
            next_refresh += REFRESH_NS;
            if (next_refresh <= now) next_refresh = now + REFRESH_NS; /* fell behind: skip */
        }
        if (ops->set_status && now >= next_status) {
            uint64_t insns = pc_insn_count(pc);
            double mips = (double)(insns - status_insns) * 1e3 / (double)(now - status_time);
            ops->set_status(disp, paused, paused ? 0.0 : mips);
            status_insns = insns;
            status_time = now;
            next_status = now + STATUS_NS;
        }

        act |= ops->poll(disp);
        if ((act & DISPLAY_ACT_QUIT) || stop_signal) return PC_EXIT_STOPPED;
        if (screenshot_signal) {
            screenshot_signal = 0;
            if (o->screendump)
                write_screendump(pc, o->screendump);
            else
                write_numbered_screenshot(pc);
            if (o->screendump_text) write_screen_text(pc, o->screendump_text);
        }
        if (act & DISPLAY_ACT_SCREENSHOT) write_numbered_screenshot(pc);
        if (act & DISPLAY_ACT_RESET) pc_reset(pc);
        if (act & DISPLAY_ACT_PAUSE) {
            paused = !paused;
            pc_set_paused(pc, paused);
            status_insns = pc_insn_count(pc);
            status_time = now;
            if (ops->set_status) ops->set_status(disp, paused, 0.0);
        }
        act = 0;

        uint64_t to_refresh = next_refresh > now ? next_refresh - now : 0;
        if (paused) { /* only the window and the host keys stay alive */
            act = ops->wait(disp, ops->refresh ? to_refresh : RUN_SLICE_NS);
            continue;
        }
        uint64_t slice = RUN_SLICE_NS;
        if (ops->refresh) {
            slice = realtime ? to_refresh : ICOUNT_WINDOW_SLICE_NS;
            if (slice < MIN_SLICE_NS) slice = MIN_SLICE_NS;
            if (slice > RUN_SLICE_NS) slice = RUN_SLICE_NS;
        }
        /* A halted guest waiting for a timer: sleep in the backend until the
         * timer is due or input arrives; then pc_run brings virtual time up
         * to the host clock, and input (which raised the keyboard or mouse
         * IRQ) wakes the CPU there.  Actions are handled on the next turn. */
        uint64_t idle = realtime ? pc_idle_ns(pc) : 0;
        if (idle) act = ops->wait(disp, idle < slice ? idle : slice);
        enum pc_exit e = pc_run(pc, slice);
        if (e != PC_EXIT_TIMEOUT) return e;
    }
}

static int fail(const char *msg)
{
    fflush(stdout);
    fprintf(stderr, "cinder: %s\n", msg);
    pc_log_close();
    return 1;
}

int main(int argc, char **argv)
{
    char err[1024];
    struct options o;
    if (options_parse(argc, argv, &o, err, sizeof(err)) != 0)
        return fail(err);
    if (o.action == OPTIONS_HELP) {
        options_usage(stdout);
        return 0;
    }
    if (o.action == OPTIONS_VERSION) {
        printf("cinder version " CINDER_VERSION "\n");
        return 0;
    }
    if (o.log_items) {
        int r = pc_log_parse(o.log_items, err, sizeof(err));
        if (r < 0)
            return fail(err);
        if (r > 0) {
            pc_log_help(stdout);
            return 0;
        }
    }
    if (o.log_path && pc_log_open(o.log_path, err, sizeof(err)) != 0)
        return fail(err);

    install_signals();
    o.pc.stop_flag = &stop_signal;
    struct pc *pc = pc_create(&o.pc, err, sizeof(err));
    if (!pc)
        return fail(err);

    bool default_display;
    const struct display_ops *ops = pick_display(&o, &default_display);
    void *disp = ops->init(pc, &o.display, err, sizeof(err));
    if (!disp && default_display) { /* no usable desktop after all: run without a window */
        fprintf(stderr, "cinder: %s; running with -display none\n", err);
        ops = &display_none_ops;
        disp = ops->init(pc, &o.display, err, sizeof(err));
    }
    if (!disp) {
        pc_destroy(pc);
        return fail(err);
    }

    enum pc_exit e = run_loop(pc, &o, ops, disp);
    /* Screenshots before anything closes: they show the last frame. */
    if (o.screendump) write_screendump(pc, o.screendump);
    if (o.screendump_text) write_screen_text(pc, o.screendump_text);
    if (ops->destroy) ops->destroy(disp);
    int status = pc_exit_status(pc);
    pc_print_stats(pc);
    pc_destroy(pc); /* flushes and closes debugcon files */
    pc_log_close();
    fflush(stdout);
    if (e == PC_EXIT_STOPPED && stop_signal)
        fprintf(stderr, "cinder: terminating on signal %d\n", (int)stop_signal);
    return status;
}

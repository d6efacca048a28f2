/*
 * main.c - the cinder command: parse options, build the board, run it.
 *
 * The run is headless (no display exists yet): pc_run in slices of virtual
 * time until the guest exits (isa-debug-exit), shuts down with -no-reboot, or
 * a signal arrives.  SIGINT and SIGTERM set a flag that the board polls
 * between CPU slices; then everything is flushed and closed and the status is
 * 0, as QEMU does ("terminating on signal N").
 *
 * Process-wide state: the signal flag (and, inside mem/log.c, the log sink).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pc.h"
#include "frontend/options.h"

#define RUN_SLICE_NS 50000000u /* 50 ms of virtual time per pc_run call */

static volatile sig_atomic_t stop_signal; /* signal number that asked us to stop, 0 if none */

static void on_stop_signal(int sig) { stop_signal = sig; }

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
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

    enum pc_exit e;
    while ((e = pc_run(pc, RUN_SLICE_NS)) == PC_EXIT_TIMEOUT)
        continue;
    int status = pc_exit_status(pc);
    pc_print_stats(pc);
    pc_destroy(pc); /* flushes and closes debugcon files */
    pc_log_close();
    fflush(stdout);
    if (e == PC_EXIT_STOPPED && stop_signal)
        fprintf(stderr, "cinder: terminating on signal %d\n", (int)stop_signal);
    return status;
}

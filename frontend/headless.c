/*
 * headless.c - the "none" display: no window, no input.
 *
 * With -display none (or -nographic, or no desktop to open a window on) the
 * guest runs with serial and debug consoles only.  Nothing is rendered while
 * it runs: refresh is NULL, so main asks the board for a frame only for a
 * screenshot (-screendump at exit, SIGUSR1), and the VGA costs nothing.
 * Waiting is a plain sleep that a signal cuts short.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "frontend/display.h"

struct headless {
    int unused; /* no state: a distinct non-NULL pointer for init to return */
};

static void *headless_init(struct pc *pc, const struct display_config *cfg, char *err,
                           size_t errlen)
{
    static struct headless the_headless;
    return &the_headless;
}

static unsigned headless_poll(void *d)
{
    return 0;
}

static unsigned headless_wait(void *d, uint64_t ns)
{
    struct timespec ts = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};
    nanosleep(&ts, NULL); /* EINTR ends the wait early: main re-checks its signal flags */
    return 0;
}

const struct display_ops display_none_ops = {
    .name = "none",
    .init = headless_init,
    .refresh = NULL,
    .set_status = NULL,
    .poll = headless_poll,
    .wait = headless_wait,
    .destroy = NULL,
};

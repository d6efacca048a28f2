/*
 * display.h - the display backend interface (DESIGN.md §6).
 *
 * main.c picks one backend when Cinder starts (-display sdl or none), the
 * way Redis's ae picks one event loop, and then drives it through these
 * operations only: it asks the board for a frame when a refresh is due and
 * hands it to refresh(), lets the backend turn host input into
 * pc_key_event/pc_mouse_event calls in poll() and wait(), and acts on the
 * host actions they return (quit, pause, reset, screenshot).  Only
 * frontend/sdl.c includes SDL.
 */
#ifndef CINDER_FRONTEND_DISPLAY_H
#define CINDER_FRONTEND_DISPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pc;
struct framebuffer;

enum display_kind {
    DISPLAY_DEFAULT, /* not chosen: sdl when a desktop is reachable, else none */
    DISPLAY_NONE,    /* no window */
    DISPLAY_SDL,     /* an SDL2 window */
};

struct display_config {
    enum display_kind kind; /* which backend */
    bool full_screen;       /* start full screen (-full-screen, full-screen=on) */
    bool integer_scale;     /* zoom-to-fit=off: whole multiples of the guest size only;
                               false: scale to the window, aspect ratio kept */
};

/* Host actions a backend reports (bits). */
#define DISPLAY_ACT_QUIT 0x01       /* window closed or Ctrl+Alt+Q */
#define DISPLAY_ACT_PAUSE 0x02      /* Ctrl+Alt+P: toggle pause */
#define DISPLAY_ACT_RESET 0x04      /* Ctrl+Alt+R: reset the machine */
#define DISPLAY_ACT_SCREENSHOT 0x08 /* Ctrl+Alt+S: write a PNG in the current directory */

struct display_ops {
    const char *name; /* as in -display */
    /* The backend's state, or NULL with one line in err.  Input goes to pc. */
    void *(*init)(struct pc *pc, const struct display_config *cfg, char *err, size_t errlen);
    /* Show fb (never NULL; may be 0 x 0: nothing shown yet).  NULL for a
     * backend that shows nothing: main then never asks the board to render. */
    void (*refresh)(void *d, const struct framebuffer *fb);
    /* The machine's state for the title; NULL if the backend has none. */
    void (*set_status)(void *d, bool paused, double mips);
    /* Handle pending host input without blocking; DISPLAY_ACT_* bits. */
    unsigned (*poll)(void *d);
    /* Sleep up to ns, returning early when input arrives (handled as poll()
     * does) or a signal is caught. */
    unsigned (*wait)(void *d, uint64_t ns);
    void (*destroy)(void *d); /* NULL is a no-op */
};

extern const struct display_ops display_none_ops; /* frontend/headless.c */
extern const struct display_ops display_sdl_ops;  /* frontend/sdl.c */

#endif

/*
 * sdl.c - the SDL2 window: shows the guest screen, takes keyboard and mouse.
 * The only file of Cinder that includes SDL.
 *
 * Screen: one streaming texture the size of the guest frame, uploaded only
 * when the board's frame generation changed, drawn with the guest's square
 * pixels kept square: scaled to fit the window and centred with black bars
 * (letterboxed), or with -display sdl,zoom-to-fit=off only by whole
 * multiples (sharp pixels; a window smaller than the guest still shrinks
 * it).  Nothing is drawn or presented when neither the frame nor the window
 * changed.  Before the guest shows anything (a 0 x 0 frame) the window is a
 * black 640 x 480.  When the guest changes resolution the window follows it
 * (doubled for modes under 640 x 400) unless it is full screen or maximised.
 *
 * Keyboard: by SDL scancode, which is the USB HID usage of the key's
 * position, so the guest sees the same key whatever the host layout; the
 * board maps it to PS/2 set 2.  SDL's auto-repeat is dropped (the PS/2
 * keyboard repeats on its own, at the rate the guest set), and every key
 * still down is released when the window loses focus, so Alt+Tab leaves no
 * key stuck in the guest.
 *
 * Mouse: relative motion only (PS/2 mice are relative): a click in the
 * window grabs the pointer (SDL relative mode; that click is not sent to the
 * guest), Ctrl+Alt+G or losing focus releases it.  Wheel: one step per
 * notch.
 *
 * Host keys, never sent to the guest: Ctrl+Alt+F full screen, Ctrl+Alt+S
 * screenshot, Ctrl+Alt+P pause, Ctrl+Alt+R reset, Ctrl+Alt+Q quit,
 * Ctrl+Alt+G release the mouse.  Ctrl and Alt themselves reach the guest, as
 * in QEMU.  Closing the window quits (Cinder then flushes and closes its
 * images).
 *
 * Not done: absolute pointing (needs a tablet device), clipboard, keyboard
 * LEDs mirrored to the host, HiDPI beyond what SDL's renderer gives.
 */
#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pc.h"
#include "frontend/display.h"

#define BLANK_WIDTH 640
#define BLANK_HEIGHT 480

struct sdl_display {
    struct pc *pc;            /* where input goes */
    SDL_Window *window;       /* the one window */
    SDL_Renderer *renderer;   /* its renderer (accelerated when SDL finds one) */
    SDL_Texture *texture;     /* guest frame, fb_width x fb_height; NULL before the first */
    int fb_width, fb_height;  /* size of the frame in texture (0 x 0: blank) */
    uint64_t fb_generation;   /* generation of the frame in texture */
    bool have_frame;          /* fb_generation is meaningful */
    bool need_present;        /* the window must be redrawn (resize, expose, new frame) */
    bool integer_scale;       /* whole scale factors only (zoom-to-fit=off) */
    bool full_screen;         /* the window is full screen */
    bool grabbed;             /* relative mouse mode: motion goes to the guest */
    bool paused;              /* shown in the title */
    double mips;              /* shown in the title */
    unsigned buttons;         /* mouse buttons held, pc_mouse_event bits */
    unsigned swallow_buttons; /* SDL button masks whose release is not sent (the grab click) */
    bool key_down[SDL_NUM_SCANCODES];  /* keys the guest saw go down and not up */
    bool swallowed[SDL_NUM_SCANCODES]; /* host-shortcut keys whose release is not sent */
};

static void sdl_update_title(struct sdl_display *s)
{
    char title[160];
    snprintf(title, sizeof(title), "Cinder - %s - %.1f MIPS%s", s->paused ? "paused" : "running",
             s->mips, s->grabbed ? " (Ctrl+Alt+G releases the mouse)" : "");
    SDL_SetWindowTitle(s->window, title);
}

static void sdl_set_grab(struct sdl_display *s, bool on)
{
    if (s->grabbed == on) return;
    if (SDL_SetRelativeMouseMode(on ? SDL_TRUE : SDL_FALSE) != 0 && on) return;
    s->grabbed = on;
    if (!on && s->buttons) { /* buttons held when the grab ends are released in the guest */
        s->buttons = 0;
        pc_mouse_event(s->pc, 0, 0, 0, 0);
    }
    sdl_update_title(s);
}

static void sdl_release_all_keys(struct sdl_display *s)
{
    for (int i = 0; i < SDL_NUM_SCANCODES; i++) {
        if (s->key_down[i]) {
            s->key_down[i] = false;
            pc_key_event(s->pc, (unsigned)i, false);
        }
        s->swallowed[i] = false;
    }
}

static void *sdl_init(struct pc *pc, const struct display_config *cfg, char *err, size_t errlen)
{
    /* Cinder handles SIGINT/SIGTERM itself (a clean stop that flushes images). */
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    /* A running emulator is not a video player: let the host's screensaver run. */
    SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "1");
    /* Keep the desktop compositor on (SDL turns it off by default for games). */
    SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
        snprintf(err, errlen, "-display sdl: cannot start SDL video: %s", SDL_GetError());
        return NULL;
    }
    /* With no desktop SDL falls back to its invisible "offscreen" driver: a
     * window nobody sees is an error unless SDL_VIDEODRIVER asked for it. */
    const char *driver = SDL_GetCurrentVideoDriver();
    if (driver && (!strcmp(driver, "offscreen") || !strcmp(driver, "dummy")) &&
        !getenv("SDL_VIDEODRIVER")) {
        SDL_Quit();
        snprintf(err, errlen,
                 "-display sdl: no desktop to open a window on ($DISPLAY and "
                 "$WAYLAND_DISPLAY are unset or unusable)");
        return NULL;
    }
    struct sdl_display *s = calloc(1, sizeof(*s));
    if (!s) {
        SDL_Quit();
        snprintf(err, errlen, "-display sdl: out of memory");
        return NULL;
    }
    s->pc = pc;
    s->integer_scale = cfg->integer_scale;
    s->full_screen = cfg->full_screen;
    s->need_present = true;
    Uint32 flags = SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI;
    if (s->full_screen) flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
    s->window = SDL_CreateWindow("Cinder", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED,
                                 BLANK_WIDTH, BLANK_HEIGHT, flags);
    if (s->window) s->renderer = SDL_CreateRenderer(s->window, -1, 0);
    if (!s->window || !s->renderer) {
        snprintf(err, errlen, "-display sdl: cannot open a window: %s", SDL_GetError());
        if (s->window) SDL_DestroyWindow(s->window);
        free(s);
        SDL_Quit();
        return NULL;
    }
    SDL_SetWindowMinimumSize(s->window, 160, 100);
    SDL_StopTextInput(); /* keys only: no input method may swallow them */
    /* Scaled pixels stay sharp when zooming by whole multiples; smooth
     * otherwise, so text at odd factors stays readable. */
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, s->integer_scale ? "nearest" : "linear");
    sdl_update_title(s);
    return s;
}

/* A new guest resolution: a texture of that size, and the window follows. */
static bool sdl_resize_texture(struct sdl_display *s, int w, int h)
{
    if (s->texture) SDL_DestroyTexture(s->texture);
    s->texture = NULL;
    s->fb_width = s->fb_height = 0;
    if (w <= 0 || h <= 0) return true;
    s->texture =
        SDL_CreateTexture(s->renderer, SDL_PIXELFORMAT_RGB888, SDL_TEXTUREACCESS_STREAMING, w, h);
    if (!s->texture) {
        fprintf(stderr, "cinder: -display sdl: cannot make a %dx%d texture: %s\n", w, h,
                SDL_GetError());
        return false;
    }
    s->fb_width = w;
    s->fb_height = h;
    Uint32 wf = SDL_GetWindowFlags(s->window);
    if (!(wf & (SDL_WINDOW_FULLSCREEN | SDL_WINDOW_FULLSCREEN_DESKTOP | SDL_WINDOW_MAXIMIZED))) {
        int k = (w < 640 && h < 400) ? 2 : 1; /* 320x200 modes are tiny on today's screens */
        SDL_SetWindowSize(s->window, w * k, h * k);
    }
    return true;
}

/* Where the frame goes in an out_w x out_h output: aspect kept, centred. */
static SDL_Rect sdl_dest_rect(const struct sdl_display *s, int out_w, int out_h)
{
    int fw = s->fb_width ? s->fb_width : BLANK_WIDTH;
    int fh = s->fb_height ? s->fb_height : BLANK_HEIGHT;
    SDL_Rect r;
    if (s->integer_scale && out_w >= fw && out_h >= fh) {
        int k = out_w / fw < out_h / fh ? out_w / fw : out_h / fh;
        r.w = fw * k;
        r.h = fh * k;
    } else if ((int64_t)out_w * fh <= (int64_t)out_h * fw) { /* width limits */
        r.w = out_w;
        r.h = (int)((int64_t)out_w * fh / fw);
    } else {
        r.h = out_h;
        r.w = (int)((int64_t)out_h * fw / fh);
    }
    r.x = (out_w - r.w) / 2;
    r.y = (out_h - r.h) / 2;
    return r;
}

static void sdl_refresh(void *d, const struct framebuffer *fb)
{
    struct sdl_display *s = d;
    bool blank = fb->width <= 0 || fb->height <= 0 || !fb->pixels;
    int w = blank ? 0 : fb->width, h = blank ? 0 : fb->height;
    if (!s->have_frame || fb->generation != s->fb_generation || w != s->fb_width ||
        h != s->fb_height) {
        if ((w != s->fb_width || h != s->fb_height || (!s->texture && !blank)) &&
            !sdl_resize_texture(s, w, h))
            return;
        if (s->texture && fb->stride >= w)
            SDL_UpdateTexture(s->texture, NULL, fb->pixels, fb->stride * (int)sizeof(uint32_t));
        s->fb_generation = fb->generation;
        s->have_frame = true;
        s->need_present = true;
    }
    if (!s->need_present) return;
    s->need_present = false;
    int out_w, out_h;
    if (SDL_GetRendererOutputSize(s->renderer, &out_w, &out_h) != 0 || out_w <= 0 || out_h <= 0)
        return;
    SDL_SetRenderDrawColor(s->renderer, 0, 0, 0, 255);
    SDL_RenderClear(s->renderer);
    if (s->texture) {
        SDL_Rect dst = sdl_dest_rect(s, out_w, out_h);
        SDL_RenderCopy(s->renderer, s->texture, NULL, &dst);
    }
    SDL_RenderPresent(s->renderer);
}

static void sdl_set_status(void *d, bool paused, double mips)
{
    struct sdl_display *s = d;
    s->paused = paused;
    s->mips = mips;
    sdl_update_title(s);
}

/* Ctrl+Alt+key: the host action, or 0 when the key is not a shortcut. */
static unsigned sdl_shortcut(struct sdl_display *s, SDL_Scancode sc)
{
    switch (sc) {
    case SDL_SCANCODE_F:
        s->full_screen = !s->full_screen;
        SDL_SetWindowFullscreen(s->window, s->full_screen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
        s->need_present = true;
        return 0;
    case SDL_SCANCODE_G: sdl_set_grab(s, false); return 0;
    case SDL_SCANCODE_S: return DISPLAY_ACT_SCREENSHOT;
    case SDL_SCANCODE_P: return DISPLAY_ACT_PAUSE;
    case SDL_SCANCODE_R: return DISPLAY_ACT_RESET;
    case SDL_SCANCODE_Q: return DISPLAY_ACT_QUIT;
    default: return ~0u; /* not a shortcut */
    }
}

static unsigned sdl_button_bit(Uint8 button)
{
    switch (button) {
    case SDL_BUTTON_LEFT: return 1;   /* pc_mouse_event bit 0 */
    case SDL_BUTTON_RIGHT: return 2;  /* bit 1 */
    case SDL_BUTTON_MIDDLE: return 4; /* bit 2 */
    default: return 0;
    }
}

static unsigned sdl_handle_event(struct sdl_display *s, const SDL_Event *ev)
{
    switch (ev->type) {
    case SDL_QUIT: return DISPLAY_ACT_QUIT;
    case SDL_WINDOWEVENT:
        switch (ev->window.event) {
        case SDL_WINDOWEVENT_FOCUS_LOST:
            sdl_set_grab(s, false);
            sdl_release_all_keys(s);
            break;
        case SDL_WINDOWEVENT_EXPOSED:
        case SDL_WINDOWEVENT_SIZE_CHANGED:
        case SDL_WINDOWEVENT_RESTORED:
        case SDL_WINDOWEVENT_SHOWN: s->need_present = true; break;
        default: break;
        }
        return 0;
    case SDL_KEYDOWN:
    case SDL_KEYUP: {
        SDL_Scancode sc = ev->key.keysym.scancode;
        if ((unsigned)sc >= SDL_NUM_SCANCODES || sc == SDL_SCANCODE_UNKNOWN) return 0;
        bool down = ev->type == SDL_KEYDOWN;
        if (down && ev->key.repeat) return 0; /* the PS/2 keyboard repeats by itself */
        if (!down && s->swallowed[sc]) {
            s->swallowed[sc] = false;
            return 0;
        }
        /* The modifiers as they were at this event (SDL_GetModState is the
         * state after every event queued so far, which may be later). */
        Uint16 mod = ev->key.keysym.mod;
        if (down && (mod & KMOD_CTRL) && (mod & KMOD_ALT)) {
            unsigned act = sdl_shortcut(s, sc);
            if (act != ~0u) {
                s->swallowed[sc] = true;
                return act;
            }
        }
        if (down == s->key_down[sc]) return 0; /* e.g. a release after focus loss */
        s->key_down[sc] = down;
        pc_key_event(s->pc, (unsigned)sc, down);
        return 0;
    }
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP: {
        unsigned bit = sdl_button_bit(ev->button.button);
        Uint32 mask = SDL_BUTTON(ev->button.button);
        if (ev->type == SDL_MOUSEBUTTONUP && (s->swallow_buttons & mask)) {
            s->swallow_buttons &= ~mask;
            return 0;
        }
        if (!s->grabbed) {
            if (ev->type == SDL_MOUSEBUTTONDOWN && ev->button.button == SDL_BUTTON_LEFT) {
                sdl_set_grab(s, true);
                s->swallow_buttons |= mask; /* the grabbing click is the host's */
            }
            return 0;
        }
        if (!bit) return 0;
        if (ev->type == SDL_MOUSEBUTTONDOWN)
            s->buttons |= bit;
        else
            s->buttons &= ~bit;
        pc_mouse_event(s->pc, 0, 0, 0, s->buttons);
        return 0;
    }
    case SDL_MOUSEMOTION:
        if (s->grabbed && (ev->motion.xrel || ev->motion.yrel))
            pc_mouse_event(s->pc, ev->motion.xrel, ev->motion.yrel, 0, s->buttons);
        return 0;
    case SDL_MOUSEWHEEL: {
        if (!s->grabbed) return 0;
        int dz = ev->wheel.y; /* positive away from the user, as pc_mouse_event wants */
        if (ev->wheel.direction == SDL_MOUSEWHEEL_FLIPPED) dz = -dz;
        if (dz) pc_mouse_event(s->pc, 0, 0, dz, s->buttons);
        return 0;
    }
    default: return 0;
    }
}

static unsigned sdl_poll(void *d)
{
    struct sdl_display *s = d;
    unsigned act = 0;
    SDL_Event ev;
    while (SDL_PollEvent(&ev))
        act |= sdl_handle_event(s, &ev);
    return act;
}

static unsigned sdl_wait(void *d, uint64_t ns)
{
    struct sdl_display *s = d;
    uint64_t ms = (ns + 999999u) / 1000000u;
    if (ms > 1000) ms = 1000;
    SDL_Event ev;
    unsigned act = 0;
    if (ms && SDL_WaitEventTimeout(&ev, (int)ms)) act = sdl_handle_event(s, &ev);
    return act | sdl_poll(s);
}

static void sdl_destroy(void *d)
{
    struct sdl_display *s = d;
    if (!s) return;
    if (s->grabbed) SDL_SetRelativeMouseMode(SDL_FALSE);
    if (s->texture) SDL_DestroyTexture(s->texture);
    SDL_DestroyRenderer(s->renderer);
    SDL_DestroyWindow(s->window);
    free(s);
    SDL_Quit();
}

const struct display_ops display_sdl_ops = {
    .name = "sdl",
    .init = sdl_init,
    .refresh = sdl_refresh,
    .set_status = sdl_set_status,
    .poll = sdl_poll,
    .wait = sdl_wait,
    .destroy = sdl_destroy,
};

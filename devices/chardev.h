/*
 * chardev.h - the host end of a byte-stream device (QEMU's chardev, small).
 *
 * Models nothing in the PC: it is the host end of debugcon and the UARTs.
 * Targets are named the way QEMU names them on the command line:
 *   "stdio"                 stdout for output; stdin for input, in raw mode
 *                           (only once input is polled) with QEMU's escape
 *                           keys: Ctrl-A x quits, Ctrl-A h prints help,
 *                           Ctrl-A b sends a break, Ctrl-A Ctrl-A sends
 *                           Ctrl-A.  "stdio,signal=on" keeps Ctrl-C as SIGINT
 *                           (by default it goes to the guest, as with
 *                           QEMU's -nographic).
 *   "file:PATH"             output to a file (created/truncated); no input
 *   "null"                  output discarded, no input
 *   "none"                  no device at all: the board does not create the
 *                           port (chardev_spec_is_none); chardev_open gives a
 *                           "null" chardev if asked anyway
 *   "tcp:HOST:PORT"         connect to a server (blocking connect at open)
 *   "tcp:HOST:PORT,server[,nowait]"
 *                           listen (HOST empty: every interface); without
 *                           nowait, open waits for the first client, as QEMU
 *                           does.  One client at a time; after it leaves the
 *                           next one is accepted.  Also "server=on",
 *                           "wait=off".
 * Tests use a memory chardev (chardev_memory_create) whose output they read
 * and whose input they feed.
 *
 * I/O never blocks the emulator after open: input is moved by chardev_poll
 * (one read per call, non-blocking); socket output that the kernel will not
 * take yet is kept in a bounded buffer (CHARDEV_OUTQ_MAX) and the excess is
 * dropped and counted, as is output while no client is connected.
 *
 * Process-wide state: the terminal settings saved before raw mode, restored
 * by chardev_close, at exit and on fatal signals (SIGINT/SIGTERM are the
 * frontend's: it stops the board, which closes its chardevs).
 *
 * Not done: "vc", "pty", "unix:", "pipe:", "udp:", telnet negotiation, client
 * reconnect=, the mux of several front ends on one chardev (monitor), Ctrl-A s/t/c.
 */
#ifndef CINDER_DEVICES_CHARDEV_H
#define CINDER_DEVICES_CHARDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct chardev;

#define CHARDEV_OUTQ_MAX (64u * 1024) /* bytes of socket output held while the peer is slow */

/* Events chardev_poll reports (or'ed). */
enum {
    CHARDEV_EV_BREAK = 1u << 0, /* the user sent a break (Ctrl-A b), after the bytes delivered */
    CHARDEV_EV_QUIT = 1u << 1,  /* the user asked to quit (Ctrl-A x): the board stops, status 0 */
};

/* true if spec names a target chardev_open understands (syntax only). */
bool chardev_spec_valid(const char *spec);
/* true for "none": the serial port the spec was given for does not exist. */
bool chardev_spec_is_none(const char *spec);
/* Open.  NULL with a one-line message in err ("tcp:...: Connection refused"). */
struct chardev *chardev_open(const char *spec, char *err, size_t errlen);
void chardev_write(struct chardev *cd, const uint8_t *buf, size_t len);
void chardev_flush(struct chardev *cd);
void chardev_close(struct chardev *cd); /* flush, close, restore the terminal; NULL is a no-op */

/*
 * Move input: at most max bytes are passed to deliver(opaque, buf, len), in
 * one or more calls, from what the host has ready now.  Never blocks, reads
 * at most once per call (so it cannot spin), accepts a pending TCP client and
 * flushes held output.  Returns CHARDEV_EV_* bits.  NULL cd: 0.
 */
unsigned chardev_poll(struct chardev *cd, size_t max,
                      void (*deliver)(void *opaque, const uint8_t *buf, size_t len),
                      void *opaque);
/* The descriptor the board may wait on (poll(2), POLLIN) while the guest is
 * idle; -1 if this chardev has no input. */
int chardev_wait_fd(const struct chardev *cd);
bool chardev_quit_requested(const struct chardev *cd); /* Ctrl-A x was typed */
bool chardev_connected(const struct chardev *cd);      /* a peer is there (tcp); true otherwise */
uint64_t chardev_dropped(const struct chardev *cd);    /* output bytes dropped (no peer, full) */

/* Memory chardev, for tests: output is collected, input is what was fed. */
struct chardev *chardev_memory_create(void);
/* Take up to max collected output bytes (oldest first); returns how many. */
size_t chardev_memory_take(struct chardev *cd, uint8_t *buf, size_t max);
size_t chardev_memory_pending(const struct chardev *cd); /* output bytes not yet taken */
void chardev_memory_feed(struct chardev *cd, const uint8_t *buf, size_t len); /* input */

#endif

/*
 * chardev.c - host ends for byte-stream devices: stdio, file:PATH, null,
 * tcp:, and a memory chardev for tests.  See chardev.h for the spec syntax.
 *
 * Output to stdout and files is flushed at every newline so that guest output
 * interleaves sensibly with log lines on stderr; once stdio is used for input
 * (an interactive console) every write is flushed, so prompts appear.
 *
 * Input on stdio is read with poll(2) then read(2), never by making fd 0
 * non-blocking: stdin and stdout often share one open file description (a
 * terminal), and O_NONBLOCK on it would make our own output fail with EAGAIN.
 * Sockets are our own descriptors and are non-blocking.
 */
#define _GNU_SOURCE
#include "devices/chardev.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#define CHARDEV_INBUF 256 /* bytes read from the host per chardev_poll */
#define CTRL_A 0x01

enum chardev_kind { CD_NULL, CD_FILE, CD_STDIO, CD_TCP_SERVER, CD_TCP_CLIENT, CD_MEMORY };

struct chardev {
    enum chardev_kind kind; /* which backend */
    FILE *f;                /* output stream (stdio, file); NULL otherwise */
    bool owns;              /* f was opened here (file:) and is closed at chardev_close */
    bool interactive;       /* stdio input has been polled: raw mode, flush every write */
    bool signals;           /* stdio,signal=on: keep ISIG in raw mode */
    bool in_eof;            /* input reached end of file: stop reading */
    bool escape;            /* stdio: the previous input byte was Ctrl-A */
    bool quit;              /* Ctrl-A x was typed */
    int listen_fd;          /* tcp server: listening socket; -1 otherwise */
    int fd;                 /* tcp: connected peer (-1 if none); stdio: 0 */
    char *name;             /* spec, for messages */
    uint8_t in[CHARDEV_INBUF]; /* input read but not yet delivered */
    size_t in_pos, in_len;  /* undelivered input is in[in_pos..in_len) */
    uint8_t *outq;          /* tcp: output the socket has not taken; memory: collected output */
    size_t outq_len, outq_cap; /* bytes held, bytes allocated */
    uint8_t *feed;          /* memory: input fed by the test */
    size_t feed_pos, feed_len, feed_cap; /* undelivered feed is feed[feed_pos..feed_len) */
    uint64_t dropped;       /* output bytes dropped: no peer, or outq full */
};

/* ---- terminal (process-wide: one terminal, restored from handlers) ---- */

static struct termios saved_tio;      /* settings before raw mode */
static volatile sig_atomic_t tio_raw; /* raw mode is on: restore saved_tio */
static bool tio_hooks_installed;      /* atexit and fatal-signal handlers are in place */

static void tio_restore(void)
{
    if (tio_raw) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
        tio_raw = 0;
    }
}

static void tio_fatal_signal(int sig)
{
    tio_restore(); /* tcsetattr is async-signal-safe */
    signal(sig, SIG_DFL);
    raise(sig);
}

static void tio_enter_raw(bool keep_signals)
{
    if (tio_raw || !isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tio) != 0)
        return;
    if (!tio_hooks_installed) {
        tio_hooks_installed = true;
        atexit(tio_restore);
        static const int fatal[] = {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGQUIT};
        for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++) {
            struct sigaction old;
            if (sigaction(fatal[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL) {
                struct sigaction sa;
                memset(&sa, 0, sizeof(sa));
                sa.sa_handler = tio_fatal_signal;
                sigemptyset(&sa.sa_mask);
                sigaction(fatal[i], &sa, NULL);
            }
        }
    }
    struct termios t = saved_tio;
    t.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t.c_oflag |= OPOST; /* keep \n -> \r\n for our own messages */
    t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | IEXTEN);
    if (!keep_signals)
        t.c_lflag &= ~(tcflag_t)ISIG;
    t.c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
    t.c_cflag |= CS8;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0)
        tio_raw = 1;
}

/* ---- spec parsing ---- */

struct tcp_spec {
    char host[256]; /* empty: any interface (server) */
    char port[32];  /* service */
    bool server;    /* listen */
    bool wait;      /* server: wait for the first client at open */
};

static bool parse_tcp(const char *spec, struct tcp_spec *t)
{
    memset(t, 0, sizeof(*t));
    t->wait = true;
    if (strncmp(spec, "tcp:", 4))
        return false;
    const char *p = spec + 4;
    const char *comma = strchr(p, ',');
    size_t addr_len = comma ? (size_t)(comma - p) : strlen(p);
    const char *colon = NULL;
    for (size_t i = 0; i < addr_len; i++)
        if (p[i] == ':')
            colon = p + i;
    if (!colon)
        return false;
    size_t hl = (size_t)(colon - p), pl = addr_len - hl - 1;
    if (hl >= sizeof(t->host) || pl == 0 || pl >= sizeof(t->port))
        return false;
    memcpy(t->host, p, hl);
    memcpy(t->port, colon + 1, pl);
    for (size_t i = 0; i < pl; i++)
        if (t->port[i] < '0' || t->port[i] > '9')
            return false;
    while (comma) {
        const char *opt = comma + 1;
        comma = strchr(opt, ',');
        size_t ol = comma ? (size_t)(comma - opt) : strlen(opt);
#define OPT_IS(s) (ol == strlen(s) && !strncmp(opt, s, ol))
        if (OPT_IS("server") || OPT_IS("server=on"))
            t->server = true;
        else if (OPT_IS("server=off"))
            t->server = false;
        else if (OPT_IS("nowait") || OPT_IS("wait=off"))
            t->wait = false;
        else if (OPT_IS("wait") || OPT_IS("wait=on"))
            t->wait = true;
        else
            return false;
#undef OPT_IS
    }
    if (!t->server && t->host[0] == '\0')
        return false; /* a client needs somewhere to connect to */
    return true;
}

bool chardev_spec_valid(const char *spec)
{
    struct tcp_spec t;
    return !strcmp(spec, "stdio") || !strcmp(spec, "stdio,signal=on") ||
           !strcmp(spec, "stdio,signal=off") || !strcmp(spec, "null") ||
           !strcmp(spec, "none") || (!strncmp(spec, "file:", 5) && spec[5] != '\0') ||
           parse_tcp(spec, &t);
}

bool chardev_spec_is_none(const char *spec)
{
    return spec && !strcmp(spec, "none");
}

/* ---- open / close ---- */

static struct chardev *chardev_alloc(enum chardev_kind kind, const char *name)
{
    struct chardev *cd = calloc(1, sizeof(*cd));
    if (!cd)
        return NULL;
    cd->kind = kind;
    cd->fd = -1;
    cd->listen_fd = -1;
    cd->name = strdup(name);
    if (!cd->name) {
        free(cd);
        return NULL;
    }
    return cd;
}

static void set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static int tcp_open(struct chardev *cd, const struct tcp_spec *t, char *err, size_t errlen)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = t->server ? AI_PASSIVE : 0;
    int rc = getaddrinfo(t->host[0] ? t->host : NULL, t->port, &hints, &res);
    if (rc != 0) {
        snprintf(err, errlen, "%s: %s", cd->name, gai_strerror(rc));
        return -1;
    }
    int last_errno = 0;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int s = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (s < 0) {
            last_errno = errno;
            continue;
        }
        if (t->server) {
            int one = 1;
            setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
            if (bind(s, ai->ai_addr, ai->ai_addrlen) == 0 && listen(s, 1) == 0) {
                set_nonblock(s);
                cd->listen_fd = s;
                break;
            }
        } else if (connect(s, ai->ai_addr, ai->ai_addrlen) == 0) {
            set_nonblock(s);
            cd->fd = s;
            break;
        }
        last_errno = errno;
        close(s);
    }
    freeaddrinfo(res);
    if (cd->listen_fd < 0 && cd->fd < 0) {
        snprintf(err, errlen, "%s: %s", cd->name, strerror(last_errno ? last_errno : EINVAL));
        return -1;
    }
    if (t->server && t->wait) {
        fprintf(stderr, "cinder: waiting for connection on %s\n", cd->name);
        struct pollfd p = {.fd = cd->listen_fd, .events = POLLIN};
        for (;;) {
            if (poll(&p, 1, -1) < 0) {
                snprintf(err, errlen, "%s: %s while waiting for a client", cd->name,
                         strerror(errno));
                return -1;
            }
            int c = accept4(cd->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (c >= 0) {
                cd->fd = c;
                break;
            }
        }
    }
    return 0;
}

struct chardev *chardev_open(const char *spec, char *err, size_t errlen)
{
    struct tcp_spec t;
    if (!chardev_spec_valid(spec)) {
        snprintf(err, errlen,
                 "'%s': expected stdio, file:PATH, null, none or tcp:HOST:PORT[,server[,nowait]]",
                 spec);
        return NULL;
    }
    bool is_tcp = parse_tcp(spec, &t);
    enum chardev_kind kind = is_tcp                          ? (t.server ? CD_TCP_SERVER : CD_TCP_CLIENT)
                             : !strncmp(spec, "stdio", 5)    ? CD_STDIO
                             : !strncmp(spec, "file:", 5)    ? CD_FILE
                                                             : CD_NULL;
    struct chardev *cd = chardev_alloc(kind, spec);
    if (!cd) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    switch (kind) {
    case CD_STDIO:
        cd->f = stdout;
        cd->fd = STDIN_FILENO;
        cd->signals = !strcmp(spec, "stdio,signal=on");
        break;
    case CD_FILE:
        cd->f = fopen(spec + 5, "wb");
        if (!cd->f) {
            snprintf(err, errlen, "%s: %s", spec + 5, strerror(errno));
            chardev_close(cd);
            return NULL;
        }
        cd->owns = true;
        break;
    case CD_TCP_SERVER:
    case CD_TCP_CLIENT:
        if (tcp_open(cd, &t, err, errlen) != 0) {
            chardev_close(cd);
            return NULL;
        }
        break;
    default:
        break;
    }
    return cd;
}

struct chardev *chardev_memory_create(void)
{
    return chardev_alloc(CD_MEMORY, "memory");
}

static void tcp_drop_peer(struct chardev *cd)
{
    if (cd->fd >= 0)
        close(cd->fd);
    cd->fd = -1;
    cd->outq_len = 0;
    cd->in_pos = cd->in_len = 0;
}

void chardev_close(struct chardev *cd)
{
    if (!cd)
        return;
    chardev_flush(cd);
    if (cd->f && cd->owns)
        fclose(cd->f);
    if (cd->kind == CD_STDIO && cd->interactive)
        tio_restore();
    if (cd->kind == CD_TCP_SERVER || cd->kind == CD_TCP_CLIENT) {
        tcp_drop_peer(cd);
        if (cd->listen_fd >= 0)
            close(cd->listen_fd);
    }
    free(cd->outq);
    free(cd->feed);
    free(cd->name);
    free(cd);
}

/* ---- output ---- */

/* Append to outq, keeping it under limit; returns bytes kept. */
static size_t outq_append(struct chardev *cd, const uint8_t *buf, size_t len, size_t limit)
{
    size_t room = limit - cd->outq_len;
    size_t n = len < room ? len : room;
    if (n == 0)
        return 0;
    if (cd->outq_len + n > cd->outq_cap) {
        size_t cap = cd->outq_cap ? cd->outq_cap : 4096;
        while (cap < cd->outq_len + n)
            cap *= 2;
        uint8_t *q = realloc(cd->outq, cap);
        if (!q)
            return 0;
        cd->outq = q;
        cd->outq_cap = cap;
    }
    memcpy(cd->outq + cd->outq_len, buf, n);
    cd->outq_len += n;
    return n;
}

/* Send what the socket takes now; a dead peer is dropped. */
static void tcp_flush(struct chardev *cd)
{
    size_t done = 0;
    while (cd->fd >= 0 && done < cd->outq_len) {
        ssize_t n = send(cd->fd, cd->outq + done, cd->outq_len - done, MSG_NOSIGNAL);
        if (n > 0) {
            done += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                break;
            cd->dropped += cd->outq_len - done;
            tcp_drop_peer(cd);
            return;
        }
    }
    if (done) {
        memmove(cd->outq, cd->outq + done, cd->outq_len - done);
        cd->outq_len -= done;
    }
}

void chardev_write(struct chardev *cd, const uint8_t *buf, size_t len)
{
    if (!cd || len == 0)
        return;
    switch (cd->kind) {
    case CD_STDIO:
    case CD_FILE:
        fwrite(buf, 1, len, cd->f);
        if (cd->interactive || memchr(buf, '\n', len))
            fflush(cd->f);
        break;
    case CD_TCP_SERVER:
    case CD_TCP_CLIENT:
        if (cd->fd < 0) {
            cd->dropped += len;
            break;
        }
        cd->dropped += len - outq_append(cd, buf, len, CHARDEV_OUTQ_MAX);
        tcp_flush(cd);
        break;
    case CD_MEMORY:
        cd->dropped += len - outq_append(cd, buf, len, SIZE_MAX / 2);
        break;
    case CD_NULL:
        break;
    }
}

void chardev_flush(struct chardev *cd)
{
    if (!cd)
        return;
    if (cd->f)
        fflush(cd->f);
    if (cd->kind == CD_TCP_SERVER || cd->kind == CD_TCP_CLIENT)
        tcp_flush(cd);
}

/* ---- input ---- */

static void print_escape_help(void)
{
    /* Raw mode may be on: end lines with \r\n. */
    fputs("\r\n"
          "C-a h    print this help\r\n"
          "C-a x    exit emulator\r\n"
          "C-a b    send break (magic sysrq)\r\n"
          "C-a C-a  sends C-a\r\n",
          stderr);
    fflush(stderr);
}

/* Deliver undelivered in[] bytes (at most max), handling the stdio escape;
 * stops after a break so that the bytes after it are delivered after it. */
static unsigned deliver_input(struct chardev *cd, size_t max,
                              void (*deliver)(void *, const uint8_t *, size_t), void *opaque)
{
    uint8_t out[CHARDEV_INBUF];
    size_t n = 0;
    unsigned ev = 0;
    bool esc = cd->kind == CD_STDIO;
    while (cd->in_pos < cd->in_len && n < max && !ev) {
        uint8_t c = cd->in[cd->in_pos++];
        if (!esc) {
            out[n++] = c;
        } else if (cd->escape) {
            cd->escape = false;
            switch (c) {
            case CTRL_A:
                out[n++] = c;
                break;
            case 'x':
            case 'X':
                cd->quit = true;
                fputs("\r\ncinder: terminated (C-a x)\r\n", stderr);
                ev |= CHARDEV_EV_QUIT;
                break;
            case 'h':
            case 'H':
            case '?':
                print_escape_help();
                break;
            case 'b':
            case 'B':
                ev |= CHARDEV_EV_BREAK;
                break;
            default: /* unknown escape: dropped, as QEMU does */
                break;
            }
        } else if (c == CTRL_A) {
            cd->escape = true;
        } else {
            out[n++] = c;
        }
    }
    if (n)
        deliver(opaque, out, n);
    return ev;
}

unsigned chardev_poll(struct chardev *cd, size_t max,
                      void (*deliver)(void *opaque, const uint8_t *buf, size_t len), void *opaque)
{
    if (!cd || cd->quit)
        return cd && cd->quit ? CHARDEV_EV_QUIT : 0;
    switch (cd->kind) {
    case CD_MEMORY: {
        size_t avail = cd->feed_len - cd->feed_pos;
        size_t n = avail < max ? avail : max;
        if (n) {
            deliver(opaque, cd->feed + cd->feed_pos, n);
            cd->feed_pos += n;
        }
        return 0;
    }
    case CD_TCP_SERVER:
        if (cd->fd < 0 && cd->listen_fd >= 0) {
            int c = accept4(cd->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (c >= 0)
                cd->fd = c;
        }
        /* fall through */
    case CD_TCP_CLIENT:
        tcp_flush(cd);
        break;
    case CD_STDIO:
        if (!cd->interactive) {
            cd->interactive = true;
            tio_enter_raw(cd->signals);
        }
        break;
    default:
        return 0;
    }
    if (cd->fd < 0 || max == 0)
        return 0;
    if (cd->in_pos == cd->in_len && !cd->in_eof) {
        cd->in_pos = cd->in_len = 0;
        size_t want = max < sizeof(cd->in) ? max : sizeof(cd->in);
        ssize_t n;
        if (cd->kind == CD_STDIO) {
            struct pollfd p = {.fd = cd->fd, .events = POLLIN};
            if (poll(&p, 1, 0) <= 0)
                return 0;
            n = read(cd->fd, cd->in, want);
            if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
                cd->in_eof = true; /* stdin closed: stop reading, keep running */
        } else {
            n = recv(cd->fd, cd->in, want, 0);
            if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK))
                tcp_drop_peer(cd); /* peer left: a server accepts the next one */
        }
        if (n > 0)
            cd->in_len = (size_t)n;
    }
    return deliver_input(cd, max, deliver, opaque);
}

int chardev_wait_fd(const struct chardev *cd)
{
    if (!cd)
        return -1;
    switch (cd->kind) {
    case CD_STDIO:
        return cd->in_eof ? -1 : cd->fd;
    case CD_TCP_SERVER:
        return cd->fd >= 0 ? cd->fd : cd->listen_fd;
    case CD_TCP_CLIENT:
        return cd->fd;
    default:
        return -1;
    }
}

bool chardev_quit_requested(const struct chardev *cd) { return cd && cd->quit; }

bool chardev_connected(const struct chardev *cd)
{
    if (!cd)
        return false;
    return (cd->kind != CD_TCP_SERVER && cd->kind != CD_TCP_CLIENT) || cd->fd >= 0;
}

uint64_t chardev_dropped(const struct chardev *cd) { return cd ? cd->dropped : 0; }

/* ---- memory chardev ---- */

size_t chardev_memory_take(struct chardev *cd, uint8_t *buf, size_t max)
{
    if (!cd || cd->kind != CD_MEMORY)
        return 0;
    size_t n = cd->outq_len < max ? cd->outq_len : max;
    if (n == 0)
        return 0;
    memcpy(buf, cd->outq, n);
    memmove(cd->outq, cd->outq + n, cd->outq_len - n);
    cd->outq_len -= n;
    return n;
}

size_t chardev_memory_pending(const struct chardev *cd)
{
    return cd && cd->kind == CD_MEMORY ? cd->outq_len : 0;
}

void chardev_memory_feed(struct chardev *cd, const uint8_t *buf, size_t len)
{
    if (!cd || cd->kind != CD_MEMORY || len == 0)
        return;
    if (cd->feed_pos == cd->feed_len)
        cd->feed_pos = cd->feed_len = 0;
    if (cd->feed_len + len > cd->feed_cap) {
        size_t cap = cd->feed_cap ? cd->feed_cap : 256;
        while (cap < cd->feed_len + len)
            cap *= 2;
        uint8_t *p = realloc(cd->feed, cap);
        if (!p)
            return;
        cd->feed = p;
        cd->feed_cap = cap;
    }
    memcpy(cd->feed + cd->feed_len, buf, len);
    cd->feed_len += len;
}

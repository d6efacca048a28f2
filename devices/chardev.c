/*
 * chardev.c - host ends for byte-stream devices: stdio, file:PATH, null.
 *
 * stdout is flushed at every newline so that guest output interleaves
 * sensibly with log lines on stderr; files are flushed at close (and at
 * newlines too, so a guest that is killed leaves a readable file).
 */
#include "devices/chardev.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct chardev {
    FILE *f;   /* NULL for "null" */
    bool owns; /* f was opened here (file:) and is closed at chardev_close */
};

bool chardev_spec_valid(const char *spec)
{
    return !strcmp(spec, "stdio") || !strcmp(spec, "null") ||
           (!strncmp(spec, "file:", 5) && spec[5] != '\0');
}

struct chardev *chardev_open(const char *spec, char *err, size_t errlen)
{
    if (!chardev_spec_valid(spec)) {
        snprintf(err, errlen, "'%s': expected stdio, file:PATH or null", spec);
        return NULL;
    }
    struct chardev *cd = calloc(1, sizeof(*cd));
    if (!cd) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (!strcmp(spec, "stdio")) {
        cd->f = stdout;
    } else if (!strncmp(spec, "file:", 5)) {
        cd->f = fopen(spec + 5, "wb");
        if (!cd->f) {
            snprintf(err, errlen, "%s: %s", spec + 5, strerror(errno));
            free(cd);
            return NULL;
        }
        cd->owns = true;
    }
    return cd;
}

void chardev_write(struct chardev *cd, const uint8_t *buf, size_t len)
{
    if (!cd || !cd->f || len == 0)
        return;
    fwrite(buf, 1, len, cd->f);
    if (memchr(buf, '\n', len))
        fflush(cd->f);
}

void chardev_flush(struct chardev *cd)
{
    if (cd && cd->f)
        fflush(cd->f);
}

void chardev_close(struct chardev *cd)
{
    if (!cd)
        return;
    if (cd->f) {
        fflush(cd->f);
        if (cd->owns)
            fclose(cd->f);
    }
    free(cd);
}

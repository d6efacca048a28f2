/*
 * options.h - the cinder command line, QEMU-style (DESIGN.md §11).
 */
#ifndef CINDER_FRONTEND_OPTIONS_H
#define CINDER_FRONTEND_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "devices/pc.h"
#include "frontend/display.h"

#define CINDER_VERSION "0.1.0"

enum options_action {
    OPTIONS_RUN,     /* build the machine and run it */
    OPTIONS_HELP,    /* print options_usage and exit 0 */
    OPTIONS_VERSION, /* print the version and exit 0 */
};

struct options {
    struct pc_config pc;        /* the machine */
    enum options_action action; /* what main should do */
    const char *log_items;      /* -d LIST (validated by main through pc_log_parse) */
    const char *log_path;       /* -D FILE */
    char rtc_base[64];          /* storage for pc.rtc_base (the base= value of -rtc) */
    char floppy_file[2][1024];  /* storage for pc.floppy[] given by -drive file=...,if=floppy */
    char ide_file[PC_MAX_IDE][1024]; /* storage for pc.ide[].file given by -drive file= */
    struct display_config display; /* -display, -full-screen (kind DEFAULT: main decides) */
    const char *screendump;      /* -screendump FILE.png: the screen at exit (and on SIGUSR1) */
    const char *screendump_text; /* -screendump-text FILE: the text screen (UTF-8), ditto */
    char boot_order[8];         /* storage for pc.boot_order (-boot order=) */
    char boot_once[8];          /* storage for pc.boot_once (-boot once=) */
};

/* Parse argv (argv[0] is skipped).  Pure: no output, no files opened.
 * Returns 0, or -1 with one line in err naming the option and what was
 * expected (without the "cinder: " prefix). */
int options_parse(int argc, char **argv, struct options *o, char *err, size_t errlen);
void options_usage(FILE *out); /* -help: every option that exists */

/* Exposed for tests: "-m" size syntax (QEMU's: default unit M, suffixes
 * B/K/M/G/T, fractions like 1.5G).  0 ok, -1 bad syntax. */
int options_parse_size(const char *s, unsigned long long *bytes);

#endif

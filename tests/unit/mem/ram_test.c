/*
 * ram_test.c - mem/ram.c allocation and ROM file loading; also the small
 * header-only pieces of mem/ (irq.h) and the counters of stats.h.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mem/irq.h"
#include "mem/ram.h"
#include "mem/stats.h"

START_TEST(test_alloc)
{
    uint8_t *p = ram_alloc(3 * 4096 + 1);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq((uintptr_t)p % 4096, 0);
    for (size_t i = 0; i < 4 * 4096; i++)
        ck_assert_uint_eq(p[i], 0);
    memset(p, 0xaa, 4 * 4096); /* rounded up to whole pages: writable */
    ram_free(p, 3 * 4096 + 1);
    ck_assert_ptr_null(ram_alloc(0));
    ram_free(NULL, 0);
}
END_TEST

static char *write_temp(size_t size)
{
    char *path = strdup("/tmp/cinder-ram-test-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    for (size_t i = 0; i < size; i++) {
        uint8_t b = (uint8_t)i;
        ck_assert_int_eq(write(fd, &b, 1), 1);
    }
    close(fd);
    return path;
}

START_TEST(test_load_file)
{
    char err[512];
    uint8_t *data = (uint8_t *)1;
    size_t len = 99;
    char *path = write_temp(300);

    ck_assert_int_eq(ram_load_file(path, &data, &len, 256, 512, err, sizeof(err)), 0);
    ck_assert_uint_eq(len, 300);
    ck_assert_uint_eq(data[299], (uint8_t)299);
    free(data);

    ck_assert_int_eq(ram_load_file(path, &data, &len, 301, 0, err, sizeof(err)), -1);
    ck_assert_ptr_null(data);
    ck_assert_ptr_nonnull(strstr(err, path));
    ck_assert_ptr_nonnull(strstr(err, "300 bytes, expected at least 301"));

    ck_assert_int_eq(ram_load_file(path, &data, &len, 0, 299, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "more than the maximum 299"));

    ck_assert_int_eq(ram_load_file(path, &data, &len, 300, 300, err, sizeof(err)), 0);
    free(data);
    unlink(path);

    ck_assert_int_eq(ram_load_file(path, &data, &len, 0, 0, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "No such file"));
    free(path);

    ck_assert_int_eq(ram_load_file("/tmp", &data, &len, 0, 0, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
}
END_TEST

struct pin {
    int n;     /* last input number */
    int level; /* last level */
    int calls; /* set calls */
    int rises; /* 0 -> 1 transitions */
};

static void pin_set(void *opaque, int n, int level)
{
    struct pin *p = opaque;
    if (level && !p->level) p->rises++;
    p->n = n;
    p->level = level;
    p->calls++;
}

START_TEST(test_irq_line)
{
    struct pin p = {0, 0, 0, 0};
    struct irq_line l = {pin_set, &p, 5};
    irq_raise(&l);
    ck_assert_int_eq(p.n, 5);
    ck_assert_int_eq(p.level, 1);
    irq_lower(&l);
    ck_assert_int_eq(p.level, 0);
    irq_pulse(&l);
    ck_assert_int_eq(p.level, 0);
    ck_assert_int_eq(p.rises, 2);
    irq_set(&l, 1);
    ck_assert_int_eq(p.calls, 5);
    struct irq_line none = {NULL, NULL, 0}; /* disconnected: no-ops */
    irq_raise(&none);
    irq_pulse(&none);
    irq_lower(&none);
}
END_TEST

STAT_DEFINE(test_events);
STAT_DEFINE(test_bytes);

START_TEST(test_stats)
{
    stats_reset();
    STAT_INC(test_events);
    STAT_INC(test_events);
    STAT_ADD(test_bytes, 512);
    ck_assert_uint_eq(STAT_GET(test_events), 2);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    stats_print(out);
    fclose(out);
    char *bytes = strstr(text, "test_bytes"), *events = strstr(text, "test_events");
    ck_assert_ptr_nonnull(bytes);
    ck_assert_ptr_nonnull(events);
    ck_assert(bytes < events); /* sorted by name */
    ck_assert_int_eq(atoi(bytes + strlen("test_bytes")), 512);
    ck_assert_int_eq(atoi(events + strlen("test_events")), 2);
    free(text);
    stats_reset();
    ck_assert_uint_eq(STAT_GET(test_bytes), 0);
}
END_TEST

static Suite *ram_suite(void)
{
    Suite *s = suite_create("ram");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_alloc);
    tcase_add_test(tc, test_load_file);
    tcase_add_test(tc, test_irq_line);
    tcase_add_test(tc, test_stats);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(ram_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/*
 * log_test.c - mem/log.c: -d list parsing and errors, the sink, LOG_UNIMPL_ONCE.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mem/log.h"

#define BIT(m) (UINT64_C(1) << (m))

START_TEST(test_parse_names)
{
    char err[128] = "";
    log_set_mask(0);
    ck_assert_int_eq(log_parse_mask("pit", err, sizeof(err)), 0);
    ck_assert_uint_eq(log_get_mask(), BIT(LOG_PIT));
    ck_assert(log_enabled(LOG_PIT));
    ck_assert(!log_enabled(LOG_PIC));
    ck_assert_int_eq(log_parse_mask("pic,ide,in_asm,guest_errors", err, sizeof(err)), 0);
    ck_assert_uint_eq(log_get_mask(),
                      BIT(LOG_PIC) | BIT(LOG_IDE) | BIT(LOG_IN_ASM) | BIT(LOG_GUEST_ERRORS));
    ck_assert(!log_enabled(LOG_PIT));                                      /* replaced, not added */
    ck_assert_int_eq(log_parse_mask("ioport,unimp", err, sizeof(err)), 0); /* QEMU spellings */
    ck_assert_uint_eq(log_get_mask(), BIT(LOG_IO) | BIT(LOG_UNIMPL));
    ck_assert_int_eq(log_parse_mask("pit,pit", err, sizeof(err)), 0);
    ck_assert_uint_eq(log_get_mask(), BIT(LOG_PIT));
    ck_assert_int_eq(log_parse_mask("", err, sizeof(err)), 0);
    ck_assert_uint_eq(log_get_mask(), 0);
    /* every module has a distinct name that parses back to it */
    for (int m = 0; m < LOG_MODULE_COUNT; m++) {
        const char *name = log_module_name((enum log_module)m);
        ck_assert_str_ne(name, "?");
        ck_assert_int_eq(log_parse_mask(name, err, sizeof(err)), 0);
        ck_assert_uint_eq(log_get_mask(), BIT(m));
    }
    log_set_mask(0);
}
END_TEST

START_TEST(test_parse_errors)
{
    char err[128];
    log_set_mask(BIT(LOG_VGA));
    err[0] = 0;
    ck_assert_int_eq(log_parse_mask("pit,bogus,pic", err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "'bogus'"));
    ck_assert_ptr_nonnull(strstr(err, "-d help"));
    ck_assert_uint_eq(log_get_mask(), BIT(LOG_VGA)); /* unchanged on error */
    err[0] = 0;
    ck_assert_int_eq(log_parse_mask("pit,,pic", err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "empty"));
    ck_assert_int_eq(log_parse_mask("pit,", err, sizeof(err)), -1);
    ck_assert_int_eq(log_parse_mask(",pit", err, sizeof(err)), -1);
    ck_assert_int_eq(log_parse_mask("PIT", err, sizeof(err)), -1); /* names are lower case */
    ck_assert_int_eq(log_parse_mask("pi", err, sizeof(err)), -1);  /* no prefixes */
    ck_assert_int_eq(log_parse_mask("pitt", err, sizeof(err)), -1);
    ck_assert_int_eq(log_parse_mask("helpx", err, sizeof(err)), -1);
    /* a tiny error buffer is truncated, not overrun */
    char small[8];
    ck_assert_int_eq(log_parse_mask("nonsense", small, sizeof(small)), -1);
    ck_assert_uint_eq(strlen(small), sizeof(small) - 1);
    ck_assert_uint_eq(log_get_mask(), BIT(LOG_VGA));
    log_set_mask(0);
}
END_TEST

START_TEST(test_help)
{
    char err[128];
    log_set_mask(BIT(LOG_DMA));
    ck_assert_int_eq(log_parse_mask("help", err, sizeof(err)), LOG_PARSE_HELP);
    ck_assert_int_eq(log_parse_mask("pit,help", err, sizeof(err)), LOG_PARSE_HELP);
    ck_assert_uint_eq(log_get_mask(), BIT(LOG_DMA));
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    log_print_modules(out);
    fclose(out);
    for (int m = 0; m < LOG_MODULE_COUNT; m++)
        ck_assert_ptr_nonnull(strstr(text, log_module_name((enum log_module)m)));
    ck_assert_ptr_nonnull(strstr(text, "help"));
    free(text);
    log_set_mask(0);
}
END_TEST

static void unimpl_site(int i)
{
    LOG_UNIMPL_ONCE("feature %d", i);
}

START_TEST(test_output)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    log_set_file(out);
    ck_assert_ptr_eq(log_file(), out);
    log_set_mask(BIT(LOG_PIT) | BIT(LOG_UNIMPL));
    log_printf(LOG_PIT, "mode %d", 3);
    log_printf(LOG_PIT, "with newline\n");
    log_printf(LOG_PIC, "not shown");
    LOG(LOG_PIT, "via macro %s", "ok");
    int evaluated = 0;
    LOG(LOG_IDE, "%d", ++evaluated); /* off: arguments not evaluated */
    ck_assert_int_eq(evaluated, 0);
    unimpl_site(1);
    unimpl_site(2);
    char big[1000];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = 0;
    log_printf(LOG_PIT, "%s", big);
    log_flush();
    ck_assert_ptr_nonnull(strstr(text, "pit: mode 3\npit: with newline\npit: via macro ok\n"
                                       "unimpl: feature 1\npit: xxx"));
    ck_assert_ptr_null(strstr(text, "not shown"));
    ck_assert_ptr_null(strstr(text, "feature 2"));
    ck_assert_uint_eq(strlen(text), 66 + 5 + 999 + 1);
    log_close(); /* closes the memstream */
    ck_assert_ptr_eq(log_file(), stderr);
    free(text);
    log_set_mask(0);
}
END_TEST

START_TEST(test_open_file_error)
{
    char err[256] = "";
    ck_assert_int_eq(log_open_file("/nonexistent-dir/x.log", err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent-dir/x.log"));
    ck_assert_ptr_eq(log_file(), stderr);
}
END_TEST

static Suite *log_suite(void)
{
    Suite *s = suite_create("log");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_parse_names);
    tcase_add_test(tc, test_parse_errors);
    tcase_add_test(tc, test_help);
    tcase_add_test(tc, test_output);
    tcase_add_test(tc, test_open_file_error);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(log_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

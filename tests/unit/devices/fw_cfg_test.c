/*
 * fw_cfg_test.c - the fw_cfg I/O interface as SeaBIOS drives it: a word
 * write to the selector, byte reads from the data port.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devices/fw_cfg.h"
#include "mem/bus.h"

static struct bus *bus;
static struct fw_cfg *fc;

static void setup(void)
{
    bus = bus_create();
    ck_assert_ptr_nonnull(bus);
    fc = fw_cfg_create(bus, FW_CFG_IOBASE);
    ck_assert_ptr_nonnull(fc);
}

static void teardown(void)
{
    fw_cfg_desc.destroy(fc);
    bus_destroy(bus);
}

static void select_key(uint16_t key) { bus_port_write(bus, FW_CFG_IOBASE, key, 2); }

static void read_bytes(void *dst, size_t n)
{
    uint8_t *p = dst;
    for (size_t i = 0; i < n; i++) p[i] = (uint8_t)bus_port_read(bus, FW_CFG_IOBASE + 1, 1);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

START_TEST(signature_and_id)
{
    char sig[5] = {0};
    select_key(FW_CFG_SIGNATURE);
    read_bytes(sig, 4);
    ck_assert_str_eq(sig, "QEMU");
    uint8_t id[4];
    select_key(FW_CFG_ID);
    read_bytes(id, 4);
    ck_assert_int_eq(id[0], 1); /* traditional interface only: no DMA bit */
    ck_assert_int_eq(id[1] | id[2] | id[3], 0);
}
END_TEST

START_TEST(reads_past_end_and_unknown_keys_are_zero)
{
    uint8_t b[8];
    select_key(FW_CFG_SIGNATURE);
    read_bytes(b, 8);
    ck_assert_int_eq(memcmp(b, "QEMU\0\0\0\0", 8), 0);
    select_key(0x1234);
    read_bytes(b, 4);
    ck_assert_int_eq(b[0] | b[1] | b[2] | b[3], 0);
}
END_TEST

START_TEST(selecting_rewinds)
{
    char c;
    select_key(FW_CFG_SIGNATURE);
    read_bytes(&c, 1);
    read_bytes(&c, 1);
    ck_assert_int_eq(c, 'E');
    select_key(FW_CFG_SIGNATURE);
    read_bytes(&c, 1);
    ck_assert_int_eq(c, 'Q');
}
END_TEST

START_TEST(integers_are_little_endian)
{
    ck_assert_int_eq(fw_cfg_add_u16(fc, FW_CFG_BOOT_MENU, 0x0102), 0);
    ck_assert_int_eq(fw_cfg_add_u64(fc, FW_CFG_RAM_SIZE, 0x1122334455667788ull), 0);
    uint8_t b[8];
    select_key(FW_CFG_BOOT_MENU);
    read_bytes(b, 2);
    ck_assert_int_eq(b[0], 0x02);
    ck_assert_int_eq(b[1], 0x01);
    select_key(FW_CFG_RAM_SIZE);
    read_bytes(b, 8);
    ck_assert_int_eq(b[0], 0x88);
    ck_assert_int_eq(b[7], 0x11);
}
END_TEST

START_TEST(file_directory)
{
    uint16_t wait = 500;
    uint32_t retry = 0xFFFFFFFFu;
    ck_assert_int_eq(fw_cfg_add_file(fc, "etc/boot-menu-wait", &wait, 2), 0);
    ck_assert_int_eq(fw_cfg_add_file(fc, "etc/boot-fail-wait", &retry, 4), 0);
    /* Replacing keeps the key and updates the size. */
    ck_assert_int_eq(fw_cfg_add_file(fc, "etc/boot-menu-wait", &retry, 4), 0);
    char toolong[80];
    memset(toolong, 'x', sizeof(toolong) - 1);
    toolong[sizeof(toolong) - 1] = '\0';
    ck_assert_int_eq(fw_cfg_add_file(fc, toolong, &wait, 2), -1);

    uint8_t dir[4 + 2 * 64];
    select_key(FW_CFG_FILE_DIR);
    read_bytes(dir, sizeof(dir));
    ck_assert_uint_eq(be32(dir), 2);
    const uint8_t *e0 = dir + 4, *e1 = dir + 4 + 64;
    ck_assert_uint_eq(be32(e0), 4);
    ck_assert_uint_eq((unsigned)(e0[4] << 8 | e0[5]), FW_CFG_FILE_FIRST);
    ck_assert_str_eq((const char *)e0 + 8, "etc/boot-menu-wait");
    ck_assert_uint_eq(be32(e1), 4);
    ck_assert_uint_eq((unsigned)(e1[4] << 8 | e1[5]), FW_CFG_FILE_FIRST + 1);
    ck_assert_str_eq((const char *)e1 + 8, "etc/boot-fail-wait");

    uint8_t b[4];
    select_key(FW_CFG_FILE_FIRST + 1);
    read_bytes(b, 4);
    ck_assert_int_eq(b[0] & b[1] & b[2] & b[3], 0xFF);
}
END_TEST

START_TEST(guest_writes_change_nothing)
{
    /* A data write, a write-channel select and byte writes to the selector. */
    select_key(FW_CFG_WRITE_CHANNEL | FW_CFG_SIGNATURE);
    bus_port_write(bus, FW_CFG_IOBASE + 1, 'X', 1);
    bus_port_write(bus, FW_CFG_IOBASE, 0x01, 1);
    char sig[5] = {0};
    select_key(FW_CFG_SIGNATURE);
    read_bytes(sig, 4);
    ck_assert_str_eq(sig, "QEMU");
}
END_TEST

START_TEST(reset_rewinds_to_signature)
{
    char c;
    select_key(FW_CFG_ID);
    fw_cfg_desc.reset(fc);
    read_bytes(&c, 1);
    ck_assert_int_eq(c, 'Q');
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fw_cfg");
    TCase *t = tcase_create("io");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, signature_and_id);
    tcase_add_test(t, reads_past_end_and_unknown_keys_are_zero);
    tcase_add_test(t, selecting_rewinds);
    tcase_add_test(t, integers_are_little_endian);
    tcase_add_test(t, file_directory);
    tcase_add_test(t, guest_writes_change_nothing);
    tcase_add_test(t, reset_rewinds_to_signature);
    suite_add_tcase(s, t);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

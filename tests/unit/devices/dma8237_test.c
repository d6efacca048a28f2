/*
 * dma8237_test.c - the PC/AT DMA controller pair, programmed through its ports
 * on a real bus with RAM mapped, and driven by transfers the way a device
 * (floppy, sound card) pulls them.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devices/dma8237.h"
#include "mem/bus.h"

#define RAM_SIZE (2u << 20)

static struct bus *bus;
static uint8_t *ram;
static struct dma8237 *dma;
static uint8_t buf[4096];

static void setup(void)
{
    bus = bus_create();
    ck_assert_ptr_nonnull(bus);
    ram = calloc(1, RAM_SIZE);
    ck_assert_ptr_nonnull(bus_map_ram(bus, 0, RAM_SIZE, ram, 0));
    dma = dma8237_create(bus);
    ck_assert_ptr_nonnull(dma);
    for (unsigned i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)(i * 7 + 1);
}

static void teardown(void)
{
    dma8237_desc.destroy(dma);
    bus_destroy(bus);
    free(ram);
}

static void outb(uint16_t port, uint8_t v)
{
    bus_port_write(bus, port, v, 1);
}
static uint8_t inb(uint16_t port)
{
    return (uint8_t)bus_port_read(bus, port, 1);
}

/* Program an 8-bit channel (0-3) the way a BIOS floppy driver does. */
static void program8(int ch, uint8_t mode, uint8_t page, uint16_t addr, uint16_t count)
{
    static const uint16_t page_ports[4] = {0x87, 0x83, 0x81, 0x82};
    outb(0x0A, (uint8_t)(0x04 | ch)); /* mask */
    outb(0x0B, (uint8_t)(mode | ch));
    outb(0x0C, 0); /* clear flip-flop */
    outb((uint16_t)(2 * ch), (uint8_t)addr);
    outb((uint16_t)(2 * ch), (uint8_t)(addr >> 8));
    outb(page_ports[ch], page);
    outb((uint16_t)(2 * ch + 1), (uint8_t)count);
    outb((uint16_t)(2 * ch + 1), (uint8_t)(count >> 8));
    outb(0x0A, (uint8_t)ch); /* unmask */
}

static uint16_t read_reg16(uint16_t port, uint16_t ff_port)
{
    outb(ff_port, 0);
    uint8_t lo = inb(port);
    return (uint16_t)(lo | inb(port) << 8);
}

START_TEST(test_floppy_channel2_write_to_memory)
{
    program8(2, 0x46, 0x01, 0x1000, 511); /* single, write (to memory), 512 bytes at 0x11000 */
    ck_assert(dma8237_channel_ready(dma, 2));
    ck_assert(!dma8237_terminal_count(dma, 2));
    ck_assert_int_eq(dma8237_write_memory(dma, 2, buf, 1024), 512);
    ck_assert_mem_eq(ram + 0x11000, buf, 512);
    ck_assert_uint_eq(ram[0x11000 + 512], 0);
    ck_assert_uint_eq(ram[0x10FFF], 0);
    /* Terminal count: status bit (cleared by reading), device flag, channel masked. */
    ck_assert(dma8237_terminal_count(dma, 2));
    ck_assert_uint_eq(inb(0x08) & 0x0F, 0x04);
    ck_assert_uint_eq(inb(0x08) & 0x0F, 0x00);
    ck_assert(!dma8237_channel_ready(dma, 2));
    ck_assert_uint_eq(inb(0x0F) & 0x04, 0x04);
    ck_assert_uint_eq(read_reg16(0x04, 0x0C), 0x1200);
    ck_assert_uint_eq(read_reg16(0x05, 0x0C), 0xFFFF);
    ck_assert_int_eq(dma8237_write_memory(dma, 2, buf, 16), 0);
    /* Reprogramming clears the device's TC flag. */
    program8(2, 0x46, 0x01, 0x1000, 511);
    ck_assert(!dma8237_terminal_count(dma, 2));
}
END_TEST

START_TEST(test_read_from_memory_in_pieces)
{
    for (int i = 0; i < 512; i++)
        ram[0x30000 + i] = (uint8_t)(i ^ 0x5A);
    program8(2, 0x4A, 0x03, 0x0000, 511); /* read (memory to device) */
    uint8_t got[600];
    memset(got, 0, sizeof(got));
    ck_assert_int_eq(dma8237_read_memory(dma, 2, got, 100), 100);
    ck_assert(!dma8237_terminal_count(dma, 2));
    ck_assert_uint_eq(inb(0x08) & 0x04, 0);
    ck_assert_uint_eq(read_reg16(0x05, 0x0C), 411);
    ck_assert_int_eq(dma8237_read_memory(dma, 2, got + 100, 500), 412);
    ck_assert_mem_eq(got, ram + 0x30000, 512);
    ck_assert(dma8237_terminal_count(dma, 2));
    ck_assert(!dma8237_channel_ready(dma, 2));
}
END_TEST

START_TEST(test_auto_init)
{
    program8(1, 0x54, 0x02, 0x4000, 255); /* single, auto-init, write, 256 bytes at 0x24000 */
    ck_assert_int_eq(dma8237_write_memory(dma, 1, buf, 600), 600);
    /* Two full cycles and 88 bytes of a third, each starting at the base. */
    ck_assert_mem_eq(ram + 0x24000, buf + 512, 88);
    ck_assert_mem_eq(ram + 0x24000 + 88, buf + 256 + 88, 256 - 88);
    ck_assert_uint_eq(ram[0x24100], 0);
    ck_assert(dma8237_terminal_count(dma, 1));
    ck_assert_uint_eq(inb(0x08) & 0x0F, 0x02);
    ck_assert(dma8237_channel_ready(dma, 1)); /* auto-init never masks */
    ck_assert_uint_eq(read_reg16(0x02, 0x0C), 0x4000 + 88);
    ck_assert_uint_eq(read_reg16(0x03, 0x0C), 255 - 88);
    /* A transfer that stops short of TC clears the device flag. */
    ck_assert_int_eq(dma8237_write_memory(dma, 1, buf, 10), 10);
    ck_assert(!dma8237_terminal_count(dma, 1));
}
END_TEST

START_TEST(test_decrement)
{
    program8(3, 0x66, 0x05, 0x2000, 9); /* decrement, write, 10 bytes */
    ck_assert_int_eq(dma8237_write_memory(dma, 3, buf, 10), 10);
    for (int i = 0; i < 10; i++)
        ck_assert_uint_eq(ram[0x52000 - i], buf[i]);
    ck_assert_uint_eq(ram[0x52001], 0);
    ck_assert_uint_eq(ram[0x52000 - 10], 0);
    ck_assert_uint_eq(read_reg16(0x06, 0x0C), 0x2000 - 10);
    /* Decrement reading, wrapping below 0 within the page. */
    for (int i = 0; i < 4; i++)
        ram[0x50000 + i] = (uint8_t)(0xA0 + i), ram[0x5FFFC + i] = (uint8_t)(0xB0 + i);
    program8(3, 0x6A, 0x05, 0x0001, 3);
    uint8_t got[4];
    ck_assert_int_eq(dma8237_read_memory(dma, 3, got, 4), 4);
    ck_assert_uint_eq(got[0], 0xA1);
    ck_assert_uint_eq(got[1], 0xA0);
    ck_assert_uint_eq(got[2], 0xB3);
    ck_assert_uint_eq(got[3], 0xB2);
}
END_TEST

START_TEST(test_address_wraps_within_page)
{
    program8(2, 0x46, 0x01, 0xFFF0, 31);
    ck_assert_int_eq(dma8237_write_memory(dma, 2, buf, 32), 32);
    ck_assert_mem_eq(ram + 0x1FFF0, buf, 16);
    ck_assert_mem_eq(ram + 0x10000, buf + 16, 16);
    ck_assert_uint_eq(ram[0x20000], 0);
}
END_TEST

START_TEST(test_channel5_word_addressing)
{
    outb(0xD4, 0x05); /* mask channel 5 */
    outb(0xD6, 0x45); /* single, write, channel 5 */
    outb(0xD8, 0);    /* clear flip-flop */
    outb(0xC4, 0x00); /* word address 0x0800 */
    outb(0xC4, 0x08);
    outb(0x8B, 0x03); /* page 3: bit 0 ignored -> 128 KiB block at 0x20000 */
    outb(0xC6, 0xFF); /* 256 words */
    outb(0xC6, 0x00);
    outb(0xD4, 0x01); /* unmask */
    ck_assert(dma8237_channel_ready(dma, 5));
    ck_assert_int_eq(dma8237_write_memory(dma, 5, buf, 1024), 512);
    ck_assert_mem_eq(ram + 0x21000, buf, 512);
    ck_assert_uint_eq(ram[0x21000 + 512], 0);
    ck_assert_uint_eq(ram[0x31000], 0);
    ck_assert(dma8237_terminal_count(dma, 5));
    ck_assert_uint_eq(inb(0xD0) & 0x0F, 0x02);
    ck_assert_uint_eq(inb(0x08) & 0x0F, 0x00); /* the other controller is untouched */
    ck_assert_uint_eq(read_reg16(0xC4, 0xD8), 0x0900);
    ck_assert_uint_eq(read_reg16(0xC6, 0xD8), 0xFFFF);
    ck_assert_uint_eq(inb(0xDE) & 0x0F, 0x0F); /* 4, 6, 7 never unmasked; 5 masked at TC */
    /* Word address 0xFFFF + 1 wraps inside the 128 KiB block; odd lengths round down. */
    outb(0xD6, 0x45);
    outb(0xD8, 0);
    outb(0xC4, 0xFF);
    outb(0xC4, 0xFF);
    outb(0xC6, 0x01);
    outb(0xC6, 0x00);
    outb(0xD4, 0x01);
    ck_assert_int_eq(dma8237_write_memory(dma, 5, buf, 5), 4);
    ck_assert_mem_eq(ram + 0x3FFFE, buf, 2);
    ck_assert_mem_eq(ram + 0x20000, buf + 2, 2);
    ck_assert_uint_eq(ram[0x40000], 0);
    /* Odd ports of the 16-bit controller are not registers. */
    ck_assert_uint_eq(inb(0xC1), 0xFF);
}
END_TEST

START_TEST(test_masks_and_commands)
{
    for (int ch = 0; ch < 8; ch++)
        ck_assert(!dma8237_channel_ready(dma, ch)); /* all masked after reset */
    outb(0x0E, 0);                                  /* clear mask: channels 0-3 */
    outb(0xDC, 0);
    for (int ch = 0; ch < 8; ch++)
        ck_assert(dma8237_channel_ready(dma, ch));
    ck_assert_uint_eq(inb(0x0F) & 0x0F, 0);
    outb(0x0F, 0x0A); /* write all mask bits */
    ck_assert(dma8237_channel_ready(dma, 0));
    ck_assert(!dma8237_channel_ready(dma, 1));
    ck_assert(dma8237_channel_ready(dma, 2));
    ck_assert(!dma8237_channel_ready(dma, 3));
    outb(0xDE, 0x0E);
    ck_assert(dma8237_channel_ready(dma, 4));
    for (int ch = 5; ch < 8; ch++)
        ck_assert(!dma8237_channel_ready(dma, ch));
    outb(0xD6, 0xC0); /* channel 4 cascade: never transfers */
    ck_assert(!dma8237_channel_ready(dma, 4));
    /* Controller disable (command bit 2). */
    outb(0x08, 0x04);
    ck_assert(!dma8237_channel_ready(dma, 0));
    outb(0x08, 0x00);
    ck_assert(dma8237_channel_ready(dma, 0));
    /* Master clear: masks all, clears flip-flop, command, status, requests. */
    outb(0x0C, 0);
    outb(0x00, 0x34); /* flip-flop now high */
    outb(0x09, 0x04); /* software request channel 0 */
    outb(0x0D, 0);
    ck_assert_uint_eq(inb(0x0F) & 0x0F, 0x0F);
    ck_assert_uint_eq(inb(0x08), 0);
    outb(0x00, 0x78); /* low byte again */
    outb(0x00, 0x56);
    ck_assert_uint_eq(read_reg16(0x00, 0x0C), 0x5678);
    /* Out-of-range channels. */
    ck_assert(!dma8237_channel_ready(dma, -1));
    ck_assert(!dma8237_channel_ready(dma, 8));
    ck_assert_int_eq(dma8237_write_memory(dma, 9, buf, 10), 0);
    ck_assert_int_eq(dma8237_read_memory(dma, -3, buf, 10), 0);
    ck_assert(!dma8237_terminal_count(dma, 8));
    dma8237_set_dreq(dma, 12, true);
}
END_TEST

START_TEST(test_request_and_dreq_status)
{
    dma8237_set_dreq(dma, 2, true);
    ck_assert_uint_eq(inb(0x08), 0x40);
    outb(0x09, 0x04 | 1); /* software request, channel 1 */
    ck_assert_uint_eq(inb(0x08), 0x60);
    outb(0x09, 0x01);
    dma8237_set_dreq(dma, 2, false);
    ck_assert_uint_eq(inb(0x08), 0x00);
    dma8237_set_dreq(dma, 7, true);
    ck_assert_uint_eq(inb(0xD0), 0x80);
    /* TC clears a software request. */
    outb(0x09, 0x04 | 2);
    program8(2, 0x46, 0x01, 0, 3);
    ck_assert_int_eq(dma8237_write_memory(dma, 2, buf, 4), 4);
    ck_assert_uint_eq(inb(0x08), 0x04);
}
END_TEST

START_TEST(test_verify_and_mismatched_type)
{
    program8(2, 0x42, 0x01, 0x0000, 15); /* verify: no memory access */
    ck_assert_int_eq(dma8237_write_memory(dma, 2, buf, 16), 16);
    ck_assert_uint_eq(ram[0x10000], 0);
    ck_assert(dma8237_terminal_count(dma, 2));
    /* A device reading memory from a channel programmed to write it: counts
     * run, no data (the buffer reads as all ones). */
    ram[0x10000] = 0x11;
    program8(2, 0x46, 0x01, 0x0000, 15);
    uint8_t got[16];
    ck_assert_int_eq(dma8237_read_memory(dma, 2, got, 16), 16);
    ck_assert_uint_eq(got[0], 0xFF);
    ck_assert_uint_eq(read_reg16(0x04, 0x0C), 0x0010);
}
END_TEST

START_TEST(test_page_registers)
{
    for (uint16_t p = 0x81; p <= 0x8F; p++)
        outb(p, (uint8_t)(p ^ 0xC3));
    for (uint16_t p = 0x81; p <= 0x8F; p++)
        ck_assert_uint_eq(inb(p), (uint8_t)(p ^ 0xC3));
    ck_assert_uint_eq(inb(0x80), 0xFF); /* port 0x80 is not ours (POST codes) */
    /* A second pair cannot be mapped over the first. */
    ck_assert_ptr_null(dma8237_create(bus));
}
END_TEST

static int invalidations;
static void on_invalidate(void *opaque, uint32_t paddr, uint32_t len)
{
    invalidations++;
}

START_TEST(test_dma_invalidates_code)
{
    bus_code_add_listener(bus, on_invalidate, NULL);
    bus_code_mark(bus, 0x11080, 16);
    program8(2, 0x46, 0x01, 0x1000, 511);
    ck_assert_int_eq(dma8237_write_memory(dma, 2, buf, 512), 512);
    ck_assert_int_eq(invalidations, 1);
}
END_TEST

START_TEST(test_reset_and_info)
{
    program8(2, 0x46, 0x01, 0x1000, 511);
    dma8237_desc.reset(dma);
    ck_assert(!dma8237_channel_ready(dma, 2));
    ck_assert_uint_eq(inb(0x81), 0);
    FILE *f = tmpfile();
    dma8237_desc.info(dma, f);
    ck_assert_int_gt(ftell(f), 0);
    fclose(f);
}
END_TEST

/* Random port writes interleaved with transfers: never out of bounds. */
START_TEST(test_fuzz)
{
    static const uint16_t ports[] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
                                     0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x81, 0x87,
                                     0x8B, 0x8F, 0xC0, 0xC4, 0xC6, 0xD0, 0xD4, 0xD6, 0xDE};
    uint32_t x = 777;
    for (int i = 0; i < 100000; i++) {
        x = x * 1103515245u + 12345u;
        uint32_t r = x >> 8;
        uint16_t port = ports[r % (sizeof(ports) / sizeof(ports[0]))];
        switch ((r >> 5) % 4) {
        case 0:
        case 1: outb(port, (uint8_t)(r >> 8)); break;
        case 2: inb(port); break;
        default: {
            int len = (int)((r >> 8) % sizeof(buf));
            int n = (r >> 20) & 1 ? dma8237_write_memory(dma, (int)((r >> 3) % 8), buf, len)
                                  : dma8237_read_memory(dma, (int)((r >> 3) % 8), buf, len);
            if (n < 0 || n > len) ck_abort_msg("moved %d of %d", n, len);
            break;
        }
        }
    }
}
END_TEST

static Suite *dma_suite(void)
{
    Suite *s = suite_create("dma8237");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_floppy_channel2_write_to_memory);
    tcase_add_test(tc, test_read_from_memory_in_pieces);
    tcase_add_test(tc, test_auto_init);
    tcase_add_test(tc, test_decrement);
    tcase_add_test(tc, test_address_wraps_within_page);
    tcase_add_test(tc, test_channel5_word_addressing);
    tcase_add_test(tc, test_masks_and_commands);
    tcase_add_test(tc, test_request_and_dreq_status);
    tcase_add_test(tc, test_verify_and_mismatched_type);
    tcase_add_test(tc, test_page_registers);
    tcase_add_test(tc, test_dma_invalidates_code);
    tcase_add_test(tc, test_reset_and_info);
    tcase_add_test(tc, test_fuzz);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(dma_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/*
 * vga_test.c - the std-VGA through the bus only: ports, the A0000-BFFFF
 * window, DISPI and the LFB, the PCI function, and the renderer's output
 * and dirty tracking, with a fake clock for retrace timing and blink.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pci.h"
#include "devices/vga.h"
#include "mem/bus.h"
#include "mem/sched.h"

#define RAM_SIZE (1u << 20)
#define WIN 0xA0000u
#define LFB 0xE0000000u

static struct bus *bus;
static uint8_t *ram;
static struct sched *sched;
static struct vga *vga;

static void setup(void)
{
    bus = bus_create();
    ram = calloc(1, RAM_SIZE);
    ck_assert_ptr_nonnull(bus_map_ram(bus, 0, 0xA0000, ram, 0));
    sched = sched_create();
    vga = vga_create(bus, sched, NULL, 2, 16, NULL, 0);
    ck_assert_ptr_nonnull(vga);
}

static void teardown(void)
{
    vga_desc.destroy(vga);
    sched_destroy(sched);
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
static void outw(uint16_t port, uint16_t v)
{
    bus_port_write(bus, port, v, 2);
}
static uint16_t inw(uint16_t port)
{
    return (uint16_t)bus_port_read(bus, port, 2);
}
static void sr(uint8_t i, uint8_t v)
{
    outb(0x3C4, i);
    outb(0x3C5, v);
}
static void gr(uint8_t i, uint8_t v)
{
    outb(0x3CE, i);
    outb(0x3CF, v);
}
static void cr(uint8_t i, uint8_t v)
{
    outb(0x3D4, i);
    outb(0x3D5, v);
}
static uint8_t cr_read(uint8_t i)
{
    outb(0x3D4, i);
    return inb(0x3D5);
}
static void ar(uint8_t i, uint8_t v)
{
    (void)inb(0x3DA); /* flip-flop to index */
    outb(0x3C0, i);
    outb(0x3C0, v);
}
static void dac(uint8_t i, uint8_t r, uint8_t g, uint8_t b)
{
    outb(0x3C8, i);
    outb(0x3C9, r);
    outb(0x3C9, g);
    outb(0x3C9, b);
}
static void dispi(uint16_t i, uint16_t v)
{
    outw(0x1CE, i);
    outw(0x1CF, v);
}
static uint16_t dispi_read(uint16_t i)
{
    outw(0x1CE, i);
    return inw(0x1CF);
}
static uint8_t memb(uint32_t a)
{
    return (uint8_t)bus_phys_read(bus, a, 1);
}
static void setb(uint32_t a, uint8_t v)
{
    bus_phys_write(bus, a, v, 1);
}

/* Planar 16-colour addressing (as mode 12h), 64K window at A0000. */
static void planar_mode(void)
{
    outb(0x3C2, 0xE3);
    sr(2, 0x0F);
    sr(4, 0x06);
    gr(0, 0);
    gr(1, 0);
    gr(3, 0);
    gr(4, 0);
    gr(5, 0x00);
    gr(6, 0x05);
    gr(7, 0x0F);
    gr(8, 0xFF);
}

/* The byte of plane p at planar address a, through read mode 0. */
static uint8_t plane_byte(unsigned p, uint32_t a)
{
    gr(5, 0x00);
    gr(4, (uint8_t)p);
    return memb(WIN + a);
}

/* Identity attribute palette, DAC entry i = (i, 2i, 3i) & 0x3F, PAS on. */
static void identity_palette(void)
{
    for (uint8_t i = 0; i < 16; i++)
        ar(i, i);
    ar(0x12, 0x0F);
    ar(0x13, 0);
    ar(0x14, 0);
    (void)inb(0x3DA);
    outb(0x3C0, 0x20);
    for (unsigned i = 0; i < 256; i++)
        dac((uint8_t)i, i & 0x3F, (2 * i) & 0x3F, (3 * i) & 0x3F);
}

static uint32_t rgb6(unsigned r, unsigned g, unsigned b)
{
    r &= 0x3F, g &= 0x3F, b &= 0x3F;
    return (r << 2 | r >> 4) << 16 | (g << 2 | g >> 4) << 8 | (b << 2 | b >> 4);
}

START_TEST(test_write_mode_0_set_reset_bit_mask)
{
    planar_mode();
    setb(WIN, 0xA5);
    for (unsigned p = 0; p < 4; p++)
        ck_assert_uint_eq(plane_byte(p, 0), 0xA5);
    /* Map mask: only plane 1 takes the write. */
    sr(2, 0x02);
    setb(WIN + 1, 0x3C);
    sr(2, 0x0F);
    ck_assert_uint_eq(plane_byte(0, 1), 0x00);
    ck_assert_uint_eq(plane_byte(1, 1), 0x3C);
    /* Enable set/reset on all planes: planes 0 and 2 all ones, 1 and 3 zero. */
    gr(0, 0x05);
    gr(1, 0x0F);
    setb(WIN + 2, 0x00);
    ck_assert_uint_eq(plane_byte(0, 2), 0xFF);
    ck_assert_uint_eq(plane_byte(1, 2), 0x00);
    ck_assert_uint_eq(plane_byte(2, 2), 0xFF);
    ck_assert_uint_eq(plane_byte(3, 2), 0x00);
    /* Bit mask keeps the latched bits: latch offset 0 (all 0xA5), write 0x00
     * through mask 0x0F with set/reset off. */
    gr(1, 0x00);
    (void)memb(WIN + 0);
    gr(8, 0x0F);
    setb(WIN + 0, 0x00);
    gr(8, 0xFF);
    for (unsigned p = 0; p < 4; p++)
        ck_assert_uint_eq(plane_byte(p, 0), 0xA0);
    /* Data rotate by 1, then XOR with the latches. */
    gr(3, 0x01);
    setb(WIN + 3, 0x01);
    ck_assert_uint_eq(plane_byte(3, 3), 0x80);
    (void)memb(WIN + 3); /* latches = 0x80 */
    gr(3, 0x18);         /* XOR, no rotate */
    setb(WIN + 3, 0xFF);
    gr(3, 0);
    ck_assert_uint_eq(plane_byte(2, 3), 0x7F);
}
END_TEST

START_TEST(test_write_modes_1_2_3_and_read_mode_1)
{
    planar_mode();
    sr(2, 0x01);
    setb(WIN, 0x11);
    sr(2, 0x04);
    setb(WIN, 0x44);
    sr(2, 0x0F);
    /* Write mode 1 copies the four latches. */
    (void)memb(WIN);
    gr(5, 0x01);
    setb(WIN + 7, 0xEE);
    ck_assert_uint_eq(plane_byte(0, 7), 0x11);
    ck_assert_uint_eq(plane_byte(1, 7), 0x00);
    ck_assert_uint_eq(plane_byte(2, 7), 0x44);
    /* Write mode 2: colour 9 -> planes 0 and 3, only where the bit mask allows. */
    gr(5, 0x02);
    gr(8, 0xF0);
    (void)memb(WIN + 8); /* latches = 0 */
    gr(5, 0x02);
    setb(WIN + 8, 0x09);
    gr(8, 0xFF);
    ck_assert_uint_eq(plane_byte(0, 8), 0xF0);
    ck_assert_uint_eq(plane_byte(1, 8), 0x00);
    ck_assert_uint_eq(plane_byte(3, 8), 0xF0);
    /* Write mode 3: set/reset colour through (rotated data AND bit mask). */
    gr(0, 0x06);
    (void)memb(WIN + 9);
    gr(5, 0x03);
    setb(WIN + 9, 0x3C);
    ck_assert_uint_eq(plane_byte(0, 9), 0x00);
    ck_assert_uint_eq(plane_byte(1, 9), 0x3C);
    ck_assert_uint_eq(plane_byte(2, 9), 0x3C);
    /* Read mode 1: pixels of colour 6 at offset 9 are the bits 0x3C. */
    gr(2, 0x06);
    gr(7, 0x0F);
    gr(5, 0x08);
    ck_assert_uint_eq(memb(WIN + 9), 0x3C);
    gr(7, 0x00); /* nothing cared about: every pixel matches */
    ck_assert_uint_eq(memb(WIN + 9), 0xFF);
}
END_TEST

START_TEST(test_chain4_and_odd_even)
{
    planar_mode();
    sr(4, 0x0E); /* chain-4 */
    for (unsigned i = 0; i < 8; i++)
        setb(WIN + 0x100 + i, (uint8_t)(0x50 + i));
    ck_assert_uint_eq(memb(WIN + 0x105), 0x55);
    sr(4, 0x06);
    /* Window byte a is plane a & 3 at planar address a >> 2. */
    ck_assert_uint_eq(plane_byte(1, 0x41), 0x55);
    ck_assert_uint_eq(plane_byte(3, 0x40), 0x53);
    /* Odd/even at B8000 (text mapping): even bytes to plane 0, odd to plane 1. */
    sr(2, 0x03);
    sr(4, 0x02);
    gr(4, 0x00);
    gr(5, 0x10);
    gr(6, 0x0E);
    setb(0xB8000 + 6, 'Q');
    setb(0xB8000 + 7, 0x1F);
    ck_assert_uint_eq(memb(0xB8000 + 6), 'Q');
    ck_assert_uint_eq(memb(0xB8000 + 7), 0x1F);
    ck_assert_uint_eq(memb(WIN), 0xFF); /* A0000 is not decoded in this map */
    sr(2, 0x0F);
    sr(4, 0x06);
    gr(6, 0x05);
    ck_assert_uint_eq(plane_byte(0, 3), 'Q');
    ck_assert_uint_eq(plane_byte(1, 3), 0x1F);
}
END_TEST

START_TEST(test_dac_sequencing)
{
    dac(5, 0x3F, 0x20, 0x01);
    dac(6, 0x7F, 0x10, 0x02); /* 6-bit: 0x7F stores 0x3F */
    outb(0x3C7, 5);
    ck_assert_uint_eq(inb(0x3C7), 3);
    ck_assert_uint_eq(inb(0x3C9), 0x3F);
    ck_assert_uint_eq(inb(0x3C9), 0x20);
    ck_assert_uint_eq(inb(0x3C9), 0x01);
    ck_assert_uint_eq(inb(0x3C9), 0x3F); /* auto-increment to entry 6 */
    ck_assert_uint_eq(inb(0x3C9), 0x10);
    outb(0x3C8, 9);
    ck_assert_uint_eq(inb(0x3C7), 0);
    ck_assert_uint_eq(inb(0x3C8), 9);
    outb(0x3C6, 0x0F);
    ck_assert_uint_eq(inb(0x3C6), 0x0F);
}
END_TEST

START_TEST(test_attribute_flip_flop)
{
    (void)inb(0x3DA);
    outb(0x3C0, 0x03);
    outb(0x3C0, 0x2A);
    ck_assert_uint_eq(inb(0x3C1), 0x2A);
    outb(0x3C0, 0x31); /* the flip-flop is back at index: AR11 with PAS */
    ck_assert_uint_eq(inb(0x3C0), 0x31);
    outb(0x3C0, 0x07); /* data: the overscan colour */
    ck_assert_uint_eq(inb(0x3C1), 0x07);
    outb(0x3C0, 0x24); /* index 4 with PAS */
    ck_assert_uint_eq(inb(0x3C0), 0x24);
    outb(0x3C0, 0x05);
    (void)inb(0x3DA); /* reset: the next write is an index again */
    outb(0x3C0, 0x04);
    ck_assert_uint_eq(inb(0x3C0), 0x04);
    ck_assert_uint_eq(inb(0x3C1), 0x05);
}
END_TEST

START_TEST(test_crtc_protect_and_mono_ports)
{
    cr(0x11, 0x00);
    cr(0x00, 0x5F);
    cr(0x11, 0x80);
    cr(0x00, 0x12);
    ck_assert_uint_eq(cr_read(0x00), 0x5F);
    cr(0x07, 0xFF); /* only bit 4 gets through */
    ck_assert_uint_eq(cr_read(0x07), 0x10);
    cr(0x0E, 0x07); /* CR8 and up are not protected */
    ck_assert_uint_eq(cr_read(0x0E), 0x07);
    /* Misc bit 0 = 0: the CRTC moves to 3B4/3B5 and 3D5 floats. */
    outb(0x3C2, 0x62);
    ck_assert_uint_eq(inb(0x3CC), 0x62);
    ck_assert_uint_eq(inb(0x3D5), 0xFF);
    outb(0x3B4, 0x0E);
    ck_assert_uint_eq(inb(0x3B5), 0x07);
}
END_TEST

/* Rising edges of 3DA bit 3 over one virtual second, polled every 20 us. */
static unsigned retrace_edges(void)
{
    unsigned edges = 0;
    bool prev = inb(0x3DA) & 8;
    bool saw_display = false;
    for (unsigned i = 0; i < 50000; i++) {
        sched_advance(sched, 20000);
        uint8_t v = inb(0x3DA);
        if (!(v & 1)) saw_display = true;
        bool now = v & 8;
        if (now && !prev) edges++;
        prev = now;
    }
    ck_assert(saw_display);
    return edges;
}

START_TEST(test_retrace_timing)
{
    /* Mode 3's timing: 28.322 MHz, 9 dots, 100 chars, 449 lines: 70 Hz. */
    outb(0x3C2, 0x67);
    sr(1, 0x00);
    static const uint8_t crtc3[] = {0x5F, 0x4F, 0x50, 0x82, 0x55, 0x81, 0xBF, 0x1F, 0x00,
                                    0x4F, 0x0D, 0x0E, 0x00, 0x00, 0x00, 0x00, 0x9C, 0x8E,
                                    0x8F, 0x28, 0x1F, 0x96, 0xB9, 0xA3, 0xFF};
    cr(0x11, 0x00);
    for (uint8_t i = 0; i < sizeof(crtc3); i++)
        cr(i, crtc3[i]);
    unsigned e = retrace_edges();
    ck_assert_uint_ge(e, 69);
    ck_assert_uint_le(e, 71);
    /* Mode 12h: 25.175 MHz, 8 dots, 525 lines: 60 Hz. */
    outb(0x3C2, 0xE3);
    sr(1, 0x01);
    cr(0x11, 0x00);
    cr(0x06, 0x0B);
    cr(0x07, 0x3E);
    cr(0x10, 0xEA);
    cr(0x11, 0x8C);
    cr(0x12, 0xDF);
    e = retrace_edges();
    ck_assert_uint_ge(e, 59);
    ck_assert_uint_le(e, 61);
    /* Garbage (all zero): still a retrace, never stuck. */
    cr(0x11, 0x00);
    for (uint8_t i = 0; i < 0x19; i++)
        cr(i, 0);
    e = retrace_edges();
    ck_assert_uint_gt(e, 9);
}
END_TEST

START_TEST(test_dispi_registers)
{
    ck_assert_uint_eq(dispi_read(0), 0xB0C5);
    dispi(0, 0xB0C0);
    ck_assert_uint_eq(dispi_read(0), 0xB0C0);
    dispi(0, 0x1234); /* not an ID: ignored */
    ck_assert_uint_eq(dispi_read(0), 0xB0C0);
    ck_assert_uint_eq(dispi_read(10), 256); /* 16 MiB in 64K units */
    dispi(4, 0x02);                         /* GETCAPS */
    ck_assert_uint_eq(dispi_read(1), 1920);
    ck_assert_uint_eq(dispi_read(2), 1200);
    ck_assert_uint_eq(dispi_read(3), 32);
    dispi(4, 0);
    dispi(1, 641); /* not a multiple of 8 */
    dispi(1, 640);
    dispi(2, 480);
    dispi(3, 32);
    ck_assert_uint_eq(dispi_read(1), 640);
    ck_assert_uint_eq(dispi_read(7),
                      (16u << 20) / (640 * 4) > 0xFFFF ? 0xFFFF : (16u << 20) / 2560);
    setb(LFB + 8, 0x77);
    dispi(4, 0x41); /* enable + LFB: clears VRAM */
    ck_assert_uint_eq(memb(LFB + 8), 0x00);
    dispi(1, 800); /* geometry is locked while enabled */
    ck_assert_uint_eq(dispi_read(1), 640);
    dispi(6, 1024); /* virtual width */
    ck_assert_uint_eq(dispi_read(7), (16u << 20) / 4096);
    /* Banked window: bank 1 at A0000 is VRAM 64K.. */
    dispi(5, 1);
    setb(WIN + 4, 0x99);
    ck_assert_uint_eq(memb(LFB + 0x10004), 0x99);
    dispi(5, 0xFFFF); /* masked to the banks that exist */
    ck_assert_uint_eq(dispi_read(5), 255);
    dispi(4, 0x80 | 0x01); /* re-enabling while on does not clear */
    ck_assert_uint_eq(memb(LFB + 0x10004), 0x99);
}
END_TEST

/* Mode 13h register state (the VGA BIOS's values). */
static void mode13(void)
{
    outb(0x3C2, 0x63);
    sr(1, 0x01);
    sr(2, 0x0F);
    sr(4, 0x0E);
    gr(5, 0x40);
    gr(6, 0x05);
    cr(0x11, 0x00);
    static const uint8_t c[] = {0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0xBF, 0x1F, 0x00,
                                0x41, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x9C, 0x8E,
                                0x8F, 0x28, 0x40, 0x96, 0xB9, 0xA3, 0xFF};
    for (uint8_t i = 0; i < sizeof(c); i++)
        cr(i, c[i]);
    identity_palette();
    ar(0x10, 0x41);
    (void)inb(0x3DA);
    outb(0x3C0, 0x20);
}

START_TEST(test_mode13_pixel_and_dirty_lines)
{
    mode13();
    setb(WIN + 320 * 10 + 20, 7);
    struct vga_frame f = vga_render(vga);
    ck_assert_int_eq(f.width, 320);
    ck_assert_int_eq(f.height, 200);
    ck_assert_uint_eq(f.pixels[10 * f.stride + 20], rgb6(7, 14, 21));
    ck_assert_uint_eq(f.pixels[10 * f.stride + 21], 0);
    uint64_t g = f.generation;
    /* Nothing written: nothing drawn. */
    f = vga_render(vga);
    ck_assert_uint_eq(f.generation, g);
    /* Scribble on the frame's line 150, then write one byte on line 100
     * (another VRAM page): only line 100 is redrawn. */
    uint32_t *pix = (uint32_t *)f.pixels;
    pix[150 * f.stride + 3] = 0x123456;
    setb(WIN + 320 * 100 + 5, 9);
    f = vga_render(vga);
    ck_assert_uint_ne(f.generation, g);
    ck_assert_uint_eq(f.pixels[100 * f.stride + 5], rgb6(9, 18, 27));
    ck_assert_uint_eq(f.pixels[150 * f.stride + 3], 0x123456);
    /* A palette change redraws everything. */
    g = f.generation;
    dac(200, 1, 1, 1);
    f = vga_render(vga);
    ck_assert_uint_ne(f.generation, g);
    ck_assert_uint_eq(f.pixels[150 * f.stride + 3], 0);
    /* Pixel mask: 9 & 0x03 = 1. */
    outb(0x3C6, 0x03);
    f = vga_render(vga);
    ck_assert_uint_eq(f.pixels[100 * f.stride + 5], rgb6(1, 2, 3));
}
END_TEST

static void load_crtc(const uint8_t *c)
{
    cr(0x11, 0x00);
    for (uint8_t i = 0; i < 25; i++)
        cr(i, c[i]);
}

START_TEST(test_mode12_planar_render)
{
    planar_mode();
    sr(1, 0x01);
    static const uint8_t c[25] = {0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0x0B, 0x3E, 0x00,
                                  0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xEA, 0x8C,
                                  0xDF, 0x28, 0x00, 0xE7, 0x04, 0xE3, 0xFF};
    load_crtc(c);
    identity_palette();
    ar(0x10, 0x01);
    (void)inb(0x3DA);
    outb(0x3C0, 0x20);
    gr(5, 0x02);
    gr(8, 0x20); /* x = 10: byte 1, bit 5 */
    (void)memb(WIN + 5 * 80 + 1);
    setb(WIN + 5 * 80 + 1, 9);
    struct vga_frame f = vga_render(vga);
    ck_assert_int_eq(f.width, 640);
    ck_assert_int_eq(f.height, 480);
    ck_assert_uint_eq(f.pixels[5 * f.stride + 10], rgb6(9, 18, 27));
    ck_assert_uint_eq(f.pixels[5 * f.stride + 11], 0);
    ck_assert_uint_eq(f.pixels[6 * f.stride + 10], 0);
    /* Pixel panning by 2 moves it left. */
    ar(0x13, 2);
    (void)inb(0x3DA);
    outb(0x3C0, 0x20);
    f = vga_render(vga);
    ck_assert_uint_eq(f.pixels[5 * f.stride + 8], rgb6(9, 18, 27));
}
END_TEST

START_TEST(test_cga_mode4_interleave)
{
    outb(0x3C2, 0x63);
    sr(1, 0x09);
    sr(2, 0x03);
    sr(4, 0x02);
    gr(5, 0x30);
    gr(6, 0x0F);
    gr(8, 0xFF);
    static const uint8_t c[25] = {0x2D, 0x27, 0x28, 0x90, 0x2B, 0x80, 0xBF, 0x1F, 0x00,
                                  0xC1, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x9C, 0x8E,
                                  0x8F, 0x14, 0x00, 0x96, 0xB9, 0xA2, 0xFF};
    load_crtc(c);
    identity_palette();
    ar(0x10, 0x01);
    (void)inb(0x3DA);
    outb(0x3C0, 0x20);
    setb(0xB8000, 0x1B);          /* line 0: pixels 0, 1, 2, 3 */
    setb(0xB8000 + 0x2000, 0xE4); /* line 1 (odd bank): 3, 2, 1, 0 */
    setb(0xB8000 + 80 + 1, 0x40); /* line 2, pixel 4: colour 1 */
    struct vga_frame f = vga_render(vga);
    ck_assert_int_eq(f.width, 320);
    ck_assert_int_eq(f.height, 200);
    ck_assert_uint_eq(f.pixels[1], rgb6(1, 2, 3));
    ck_assert_uint_eq(f.pixels[3], rgb6(3, 6, 9));
    ck_assert_uint_eq(f.pixels[f.stride + 0], rgb6(3, 6, 9));
    ck_assert_uint_eq(f.pixels[f.stride + 3], 0);
    ck_assert_uint_eq(f.pixels[2 * f.stride + 4], rgb6(1, 2, 3));
}
END_TEST

/* Text mode 3 registers (80x25, 9x16 cells), font map 0, cursor off. */
static void mode3(void)
{
    outb(0x3C2, 0x67);
    sr(1, 0x00);
    sr(2, 0x03);
    sr(3, 0x00);
    sr(4, 0x02);
    gr(4, 0x00);
    gr(5, 0x10);
    gr(6, 0x0E);
    gr(8, 0xFF);
    cr(0x11, 0x00);
    static const uint8_t c[] = {0x5F, 0x4F, 0x50, 0x82, 0x55, 0x81, 0xBF, 0x1F, 0x00,
                                0x4F, 0x20, 0x0E, 0x00, 0x00, 0x00, 0x00, 0x9C, 0x8E,
                                0x8F, 0x28, 0x1F, 0x96, 0xB9, 0xA3, 0xFF};
    for (uint8_t i = 0; i < sizeof(c); i++)
        cr(i, c[i]);
    identity_palette();
    ar(0x13, 0x08); /* 9-dot text: 8 is "no panning" */
    ar(0x10, 0x0C); /* line graphics, blink */
    (void)inb(0x3DA);
    outb(0x3C0, 0x20);
}

/* Write glyph bytes for ch into plane 2 (font map 0), as the BIOS does. */
static void load_glyph(uint8_t ch, const uint8_t *rows, unsigned n)
{
    sr(2, 0x04);
    sr(4, 0x06);
    gr(5, 0x00);
    gr(6, 0x04);
    for (unsigned i = 0; i < n; i++)
        setb(WIN + ch * 32u + i, rows[i]);
    sr(2, 0x03);
    sr(4, 0x02);
    gr(5, 0x10);
    gr(6, 0x0E);
}

START_TEST(test_text_cell_rendering)
{
    mode3();
    static const uint8_t glyph[2] = {0x81, 0x01};
    load_glyph('A', glyph, 2);
    load_glyph(0xC4, glyph, 2);
    setb(0xB8000, 'A');
    setb(0xB8001, 0x1E); /* yellow on blue */
    setb(0xB8002, 0xC4); /* box drawing: the 9th column repeats column 8 */
    setb(0xB8003, 0x1E);
    struct vga_frame f = vga_render(vga);
    ck_assert_int_eq(f.width, 720);
    ck_assert_int_eq(f.height, 400);
    uint32_t fg = rgb6(14, 28, 42), bg = rgb6(1, 2, 3);
    ck_assert_uint_eq(f.pixels[0], fg);
    ck_assert_uint_eq(f.pixels[1], bg);
    ck_assert_uint_eq(f.pixels[7], fg);
    ck_assert_uint_eq(f.pixels[8], bg); /* 9th column of a letter: background */
    ck_assert_uint_eq(f.pixels[f.stride + 7], fg);
    ck_assert_uint_eq(f.pixels[f.stride + 6], bg);
    ck_assert_uint_eq(f.pixels[9 + 7], fg);
    ck_assert_uint_eq(f.pixels[9 + 8], fg);
    ck_assert_uint_eq(f.pixels[2 * f.stride], bg); /* glyph row 2 is empty */
    /* A font change shows on the next frame. */
    uint64_t g = f.generation;
    static const uint8_t solid[1] = {0xFF};
    load_glyph('A', solid, 1);
    f = vga_render(vga);
    ck_assert_uint_ne(f.generation, g);
    ck_assert_uint_eq(f.pixels[3], fg);
    /* Blink: attribute bit 7 with AR10 bit 3 hides the glyph in the off phase. */
    setb(0xB8001, 0x9E);
    uint64_t frame_ns = 1000000000ull / 70;
    bool saw_on = false, saw_off = false;
    for (int i = 0; i < 40; i++) {
        sched_advance(sched, frame_ns);
        f = vga_render(vga);
        if (f.pixels[3] == fg) saw_on = true;
        if (f.pixels[3] == bg) saw_off = true;
    }
    ck_assert(saw_on && saw_off);
}
END_TEST

START_TEST(test_text_scrolling_and_split)
{
    mode3();
    static const uint8_t glyph[2] = {0x81, 0x01};
    load_glyph('A', glyph, 2);
    setb(0xB8000, 'A');
    setb(0xB8001, 0x07);
    setb(0xB8000 + 160, 'A'); /* row 1 */
    setb(0xB8000 + 161, 0x07);
    uint32_t fg = rgb6(7, 14, 21);
    /* Preset row scan 1: the screen starts at glyph line 1. */
    cr(0x08, 0x01);
    struct vga_frame f = vga_render(vga);
    ck_assert_uint_eq(f.pixels[0], 0);
    ck_assert_uint_eq(f.pixels[7], fg);
    cr(0x08, 0x00);
    /* Start address one row down: row 1's 'A' is at the top. */
    setb(0xB8000, ' ');
    cr(0x0D, 80);
    f = vga_render(vga);
    ck_assert_uint_eq(f.pixels[0], fg);
    /* Split at scanline 99: from line 100 on, the screen shows address 0
     * again (row 1 of VRAM lands at line 116). */
    cr(0x18, 99);
    cr(0x07, 0x0F); /* line compare bit 8 clear */
    cr(0x09, 0x0F); /* bit 9 clear */
    f = vga_render(vga);
    ck_assert_uint_eq(f.pixels[116 * f.stride], fg);
    ck_assert_uint_eq(f.pixels[0], fg);
}
END_TEST

START_TEST(test_text_cursor)
{
    mode3();
    cr(0x0A, 0x0E);
    cr(0x0B, 0x0F);
    cr(0x0E, 0x00);
    cr(0x0F, 81); /* row 1, column 1 */
    setb(0xB8000 + 81 * 2 + 1, 0x07);
    bool saw_on = false, saw_off = false;
    uint32_t white = rgb6(7, 14, 21);
    for (int i = 0; i < 40; i++) {
        sched_advance(sched, 1000000000ull / 70);
        struct vga_frame f = vga_render(vga);
        uint32_t px = f.pixels[(16 + 14) * f.stride + 9 + 3];
        if (px == white) saw_on = true;
        if (px == 0) saw_off = true;
        ck_assert_uint_eq(f.pixels[(16 + 13) * f.stride + 9 + 3], 0); /* above the shape */
    }
    ck_assert(saw_on && saw_off);
}
END_TEST

START_TEST(test_screen_text)
{
    mode3();
    const char *msg = "SeaBIOS \x01 x";
    for (unsigned i = 0; msg[i]; i++)
        setb(0xB8000 + 160 + 2 * i, (uint8_t)msg[i]);
    setb(0xB8000 + 320, 0xC9); /* box corner */
    char buf[8192];
    int n = vga_screen_text(vga, buf, sizeof(buf));
    ck_assert_int_gt(n, 0);
    ck_assert_int_eq((int)strlen(buf), n);
    ck_assert_str_eq(
        buf + 0,
        "\nSeaBIOS \xE2\x98\xBA x\n\xE2\x95\x94\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n");
    /* Truncation keeps the NUL. */
    char small[4];
    ck_assert_int_eq(vga_screen_text(vga, small, sizeof(small)), 3);
    ck_assert_str_eq(small, "\nSe");
    gr(6, 0x05); /* graphics: no text screen */
    ck_assert_int_eq(vga_screen_text(vga, buf, sizeof(buf)), -1);
}
END_TEST

START_TEST(test_vbe_lfb_render_and_dirty)
{
    dispi(1, 64);
    dispi(2, 48);
    dispi(3, 32);
    dispi(4, 0x41);
    bus_phys_write(bus, LFB + (5 * 64 + 7) * 4, 0x00ABCDEF, 4);
    struct vga_frame f = vga_render(vga);
    ck_assert_int_eq(f.width, 64);
    ck_assert_int_eq(f.height, 48);
    ck_assert_uint_eq(f.pixels[5 * f.stride + 7], 0xABCDEF);
    uint64_t g = f.generation;
    f = vga_render(vga);
    ck_assert_uint_eq(f.generation, g);
    bus_phys_write(bus, LFB + (40 * 64) * 4, 0x00010203, 4);
    f = vga_render(vga);
    ck_assert_uint_ne(f.generation, g);
    ck_assert_uint_eq(f.pixels[40 * f.stride], 0x010203);
    /* Offsets: y_offset 5, x_offset 7 puts that pixel at 0,0. */
    dispi(8, 7);
    dispi(9, 5);
    f = vga_render(vga);
    ck_assert_uint_eq(f.pixels[0], 0xABCDEF);
    /* 16 bpp 5:6:5. */
    dispi(4, 0);
    dispi(3, 16);
    dispi(4, 0x41);
    bus_phys_write(bus, LFB + 2, 0xF800, 2);
    f = vga_render(vga);
    ck_assert_uint_eq(f.pixels[1], 0xFF0000);
    /* 8 bpp through the DAC, 8-bit DAC mode. */
    dispi(4, 0);
    dispi(3, 8);
    dispi(4, 0x61);
    dac(3, 0x80, 0x40, 0xFF);
    setb(LFB + 1, 3);
    f = vga_render(vga);
    ck_assert_uint_eq(f.pixels[1], 0x8040FF);
}
END_TEST

START_TEST(test_vbe_4bpp_planar)
{
    identity_palette();
    dispi(1, 64);
    dispi(2, 8);
    dispi(3, 4);
    dispi(4, 0x01);
    sr(2, 0x0F);
    gr(5, 0x02); /* write mode 2 through the banked window */
    gr(8, 0xFF);
    setb(WIN + 8 + 1, 5); /* line 1 (8 bytes a line), pixels 8-15 */
    struct vga_frame f = vga_render(vga);
    ck_assert_int_eq(f.width, 64);
    ck_assert_uint_eq(f.pixels[f.stride + 8], rgb6(5, 10, 15));
    ck_assert_uint_eq(f.pixels[f.stride + 15], rgb6(5, 10, 15));
    ck_assert_uint_eq(f.pixels[f.stride + 16], 0);
    ck_assert_uint_eq(dispi_read(7), 0xFFFF); /* 16 MiB / 32 bytes a line, capped */
}
END_TEST

START_TEST(test_pci_function)
{
    uint8_t rom[3000];
    memset(rom, 0x5A, sizeof(rom));
    rom[0] = 0x55;
    rom[1] = 0xAA;
    /* The fixture's VGA has no PCI function: build a second machine. */
    struct bus *b2 = bus_create();
    struct pci_bus *pb2 = pci_bus_create(b2, NULL, NULL);
    struct vga *v2 = vga_create(b2, sched, pb2, 2, 8, rom, sizeof(rom));
    ck_assert_ptr_nonnull(v2);
    uint32_t devfn = 2 << 3;
    ck_assert_uint_eq(pci_config_read(pb2, devfn, 0, 4), 0x11111234);
    ck_assert_uint_eq(pci_config_read(pb2, devfn, 0x08, 4) >> 8, 0x030000);
    /* BAR0: prefetchable memory, 8 MiB, at the Bochs default until moved. */
    ck_assert_uint_eq(pci_config_read(pb2, devfn, 0x10, 4), 0xE0000008);
    pci_config_write(pb2, devfn, 0x10, 0xFFFFFFFF, 4);
    ck_assert_uint_eq(pci_config_read(pb2, devfn, 0x10, 4), 0xFF800008);
    pci_config_write(pb2, devfn, 0x10, 0xFD000000, 4);
    bus_phys_write(b2, 0xFD000010, 0x42, 1);
    ck_assert_uint_eq(bus_phys_read(b2, 0xFD000010, 1), 0x42);
    /* Expansion ROM: 4K, enabled by bit 0. */
    pci_config_write(pb2, devfn, 0x30, 0xFFFFFFFF, 4);
    ck_assert_uint_eq(pci_config_read(pb2, devfn, 0x30, 4), 0xFFFFF001);
    pci_config_write(pb2, devfn, 0x30, 0xFEB00001, 4);
    ck_assert_uint_eq(bus_phys_read(b2, 0xFEB00000, 2), 0xAA55);
    ck_assert_uint_eq(bus_phys_read(b2, 0xFEB00000 + 2999, 1), 0x5A);
    ck_assert_uint_eq(bus_phys_read(b2, 0xFEB00000 + 3000, 1), 0xFF);
    pci_config_write(pb2, devfn, 0x30, 0xFEB00000, 4);
    ck_assert_uint_eq(bus_phys_read(b2, 0xFEB00000, 2), 0xFFFF);
    vga_desc.destroy(v2);
    pci_bus_desc.destroy(pb2);
    bus_destroy(b2);
}
END_TEST

/* Random port and window traffic: nothing crashes, renders stay in bounds. */
START_TEST(test_guest_garbage)
{
    uint32_t x = 12345;
    for (int i = 0; i < 200000; i++) {
        x = x * 1103515245u + 12345u;
        uint32_t r = x >> 8;
        switch (r % 5) {
        case 0: outb((uint16_t)(0x3B0 + (r >> 4) % 0x30), (uint8_t)(r >> 12)); break;
        case 1: (void)inb((uint16_t)(0x3B0 + (r >> 4) % 0x30)); break;
        case 2: setb(WIN + (r >> 4) % 0x20000, (uint8_t)(r >> 3)); break;
        case 3: dispi((uint16_t)((r >> 4) % 12), (uint16_t)(r >> 8)); break;
        default: (void)memb(WIN + (r >> 4) % 0x20000); break;
        }
        if (i % 5000 == 0) {
            sched_advance(sched, 3000000);
            struct vga_frame f = vga_render(vga);
            ck_assert_int_le(f.width, 2560);
            ck_assert_int_le(f.height, 2048);
            char buf[64];
            (void)vga_screen_text(vga, buf, sizeof(buf));
        }
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vga");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_write_mode_0_set_reset_bit_mask);
    tcase_add_test(tc, test_write_modes_1_2_3_and_read_mode_1);
    tcase_add_test(tc, test_chain4_and_odd_even);
    tcase_add_test(tc, test_dac_sequencing);
    tcase_add_test(tc, test_attribute_flip_flop);
    tcase_add_test(tc, test_crtc_protect_and_mono_ports);
    tcase_add_test(tc, test_retrace_timing);
    tcase_add_test(tc, test_dispi_registers);
    tcase_add_test(tc, test_mode13_pixel_and_dirty_lines);
    tcase_add_test(tc, test_mode12_planar_render);
    tcase_add_test(tc, test_cga_mode4_interleave);
    tcase_add_test(tc, test_text_cell_rendering);
    tcase_add_test(tc, test_text_scrolling_and_split);
    tcase_add_test(tc, test_text_cursor);
    tcase_add_test(tc, test_screen_text);
    tcase_add_test(tc, test_vbe_lfb_render_and_dirty);
    tcase_add_test(tc, test_vbe_4bpp_planar);
    tcase_add_test(tc, test_pci_function);
    tcase_add_test(tc, test_guest_garbage);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

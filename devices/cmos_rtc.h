/*
 * cmos_rtc.h - MC146818A real-time clock and CMOS RAM as wired in a PC/AT:
 * index port 0x70 (bit 7 = NMI mask), data 0x71, extended bank 0x72/0x73,
 * interrupt on IRQ 8.
 */
#ifndef CINDER_DEVICES_CMOS_RTC_H
#define CINDER_DEVICES_CMOS_RTC_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/device.h"
#include "mem/irq.h"

struct bus;
struct sched;

#define CMOS_RTC_IOBASE 0x70 /* 0x70 index/NMI, 0x71 data, 0x72 ext index, 0x73 ext data */
#define CMOS_RTC_IOLEN 4
#define CMOS_RTC_IRQ 8
#define CMOS_RTC_SIZE 256 /* 128 bytes at 0x70/0x71 + 128 at 0x72/0x73 */

/* Register indices (MC146818A datasheet, "Address map"). */
enum {
    CMOS_SECONDS = 0x00,
    CMOS_SECONDS_ALARM = 0x01,
    CMOS_MINUTES = 0x02,
    CMOS_MINUTES_ALARM = 0x03,
    CMOS_HOURS = 0x04,
    CMOS_HOURS_ALARM = 0x05,
    CMOS_DAY_OF_WEEK = 0x06, /* 1-7, Sunday = 1 */
    CMOS_DAY_OF_MONTH = 0x07,
    CMOS_MONTH = 0x08,
    CMOS_YEAR = 0x09, /* 0-99 */
    CMOS_REG_A = 0x0A,
    CMOS_REG_B = 0x0B,
    CMOS_REG_C = 0x0C,
    CMOS_REG_D = 0x0D,
    /* PC/AT and SeaBIOS (src/hw/rtc.h) conventions for the RAM bytes. */
    CMOS_SHUTDOWN_STATUS = 0x0F,
    CMOS_FLOPPY_TYPES = 0x10, /* high nibble drive A, low nibble drive B */
    CMOS_DISK_DATA = 0x12,    /* high nibble disk 0 type, low nibble disk 1 (0xF: see 0x19/0x1A) */
    CMOS_EQUIPMENT = 0x14,    /* bits 7-6 floppies-1, bit 0 floppy present, bits 5-4 video */
    CMOS_BASE_MEM_LO = 0x15,  /* base memory in KiB (640) */
    CMOS_BASE_MEM_HI = 0x16,
    CMOS_EXT_MEM_LO = 0x17, /* KiB above 1 MiB, at most 0xFFFF */
    CMOS_EXT_MEM_HI = 0x18,
    CMOS_DISK0_TYPE = 0x19, /* extended disk types */
    CMOS_DISK1_TYPE = 0x1A,
    CMOS_BOOT_LEGACY = 0x2D, /* bit 5: boot from floppy first (legacy BIOSes) */
    CMOS_CHECKSUM_HI = 0x2E, /* sum of 0x10-0x2D, big-endian */
    CMOS_CHECKSUM_LO = 0x2F,
    CMOS_EXT_MEM2_LO = 0x30, /* copy of 0x17/0x18: KiB above 1 MiB */
    CMOS_EXT_MEM2_HI = 0x31,
    CMOS_CENTURY = 0x32,    /* IBM century byte, BCD or binary as register B says */
    CMOS_MEM_16M_LO = 0x34, /* 64 KiB units between 16 MiB and the end of low RAM */
    CMOS_MEM_16M_HI = 0x35,
    CMOS_BOOTFLAG1 = 0x38, /* high nibble: third boot device; bit 0: skip floppy sig check */
    CMOS_BOOTFLAG2 = 0x3D, /* low nibble: first boot device, high nibble: second */
    CMOS_MEM_4G_LO = 0x5B, /* 64 KiB units above 4 GiB, 24 bits */
    CMOS_MEM_4G_MID = 0x5C,
    CMOS_MEM_4G_HI = 0x5D,
    CMOS_SMP_COUNT = 0x5F, /* CPUs - 1 */
};

/* Register A */
#define CMOS_A_UIP 0x80     /* update in progress (read only) */
#define CMOS_A_DV_MASK 0x70 /* divider: 010 = 32.768 kHz time base, 11x = reset */
#define CMOS_A_DV_RUN 0x20
#define CMOS_A_RS_MASK 0x0F /* periodic rate select */
/* Register B */
#define CMOS_B_SET 0x80
#define CMOS_B_PIE 0x40
#define CMOS_B_AIE 0x20
#define CMOS_B_UIE 0x10
#define CMOS_B_SQWE 0x08
#define CMOS_B_DM 0x04  /* 1: binary, 0: BCD */
#define CMOS_B_24H 0x02 /* 1: 24-hour, 0: 12-hour with bit 7 of the hour = PM */
#define CMOS_B_DSE 0x01
/* Register C */
#define CMOS_C_IRQF 0x80
#define CMOS_C_PF 0x40
#define CMOS_C_AF 0x20
#define CMOS_C_UF 0x10
/* Register D */
#define CMOS_D_VRT 0x80

/* Ends of the RAM hole below 4 GiB as on QEMU's i440FX board: RAM beyond
 * 3.5 GiB is placed above 4 GiB. */
#define CMOS_RTC_LOWMEM_MAX 0xE0000000ull

struct cmos_rtc;
extern const struct device_desc cmos_rtc_desc;

/* Map ports 0x70-0x73.  The clock reads base_epoch_seconds (seconds since
 * 1970-01-01 00:00:00 in the guest's frame: UTC, local time, or a given date;
 * see cmos_rtc_parse_base) at the current virtual time, and its next update
 * (second boundary) is one second later.  Power-on state as on QEMU: A = 0x26,
 * B = 0x02 (24 h, BCD), D = VRT, RAM zero.  NULL if the ports are taken or out
 * of memory. */
struct cmos_rtc *cmos_rtc_create(struct bus *bus, struct sched *sched, struct irq_line irq8,
                                 int64_t base_epoch_seconds);

/* Board access to CMOS bytes 0-255 (out-of-range index ignored / reads 0xFF).
 * A write to 0x10-0x2D recomputes the checksum at 0x2E/0x2F.  Writes to clock
 * registers (0x00-0x0D, 0x32) behave like guest writes. */
void cmos_rtc_set_byte(struct cmos_rtc *s, int index, uint8_t v);
uint8_t cmos_rtc_get_byte(struct cmos_rtc *s, int index); /* as the guest would read it,
                                                            without side effects */

/* Fill 0x15-0x18, 0x30/0x31, 0x34/0x35 and 0x5B-0x5D for ram_bytes of RAM,
 * of which at most CMOS_RTC_LOWMEM_MAX lies below 4 GiB. */
void cmos_rtc_set_memory_size(struct cmos_rtc *s, uint64_t ram_bytes);

/* QEMU -boot order letters (up to three of a/b floppy, c disk, d CD-ROM,
 * n network) into 0x3D/0x38 as SeaBIOS reads them (1 floppy, 2 disk, 3 CD,
 * 4 BEV) and 0x2D bit 5 (floppy first).  check_floppy_sig false sets 0x38
 * bit 0.  Returns -1 (nothing written) on a bad letter or more than three. */
int cmos_rtc_set_boot_order(struct cmos_rtc *s, const char *order, bool check_floppy_sig);

/* NMI mask bit: bit 7 of the last write to port 0x70. */
bool cmos_rtc_nmi_masked(const struct cmos_rtc *s);

/* -rtc base=: "utc" -> host_utc; "localtime" -> host_utc shifted by the host's
 * UTC offset at that time; "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS" -> that date.
 * Returns 0, or -1 on a malformed spec. */
int cmos_rtc_parse_base(const char *spec, int64_t host_utc, int64_t *out);

#endif

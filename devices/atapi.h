/*
 * atapi.h - the ATAPI (MMC) packet commands and sense codes the CD-ROM model
 * in atapi.c implements; the drive itself is attached with
 * ide_attach_cdrom() (devices/ide.h).
 */
#ifndef CINDER_DEVICES_ATAPI_H
#define CINDER_DEVICES_ATAPI_H

/* Packet command operation codes (SPC-3, MMC-5). */
enum atapi_opcode {
    ATAPI_TEST_UNIT_READY = 0x00,
    ATAPI_REQUEST_SENSE = 0x03,
    ATAPI_INQUIRY = 0x12,
    ATAPI_START_STOP_UNIT = 0x1B,
    ATAPI_PREVENT_ALLOW = 0x1E,
    ATAPI_READ_CAPACITY = 0x25,
    ATAPI_READ_10 = 0x28,
    ATAPI_SEEK_10 = 0x2B,
    ATAPI_READ_TOC = 0x43,
    ATAPI_GET_CONFIGURATION = 0x46,
    ATAPI_GET_EVENT_STATUS = 0x4A,
    ATAPI_READ_DISC_INFO = 0x51,
    ATAPI_MODE_SENSE_10 = 0x5A,
    ATAPI_READ_12 = 0xA8,
    ATAPI_SET_CD_SPEED = 0xBB,
    ATAPI_MECHANISM_STATUS = 0xBD,
    ATAPI_READ_CD = 0xBE,
};

/* Sense keys and additional sense codes (SPC-3 4.5.6, annex D). */
enum atapi_sense {
    SENSE_NONE = 0x0,
    SENSE_NOT_READY = 0x2,
    SENSE_MEDIUM_ERROR = 0x3,
    SENSE_ILLEGAL_REQUEST = 0x5,
    SENSE_UNIT_ATTENTION = 0x6,
};
enum atapi_asc {
    ASC_READ_ERROR = 0x11,
    ASC_INVALID_OPCODE = 0x20,
    ASC_LBA_OUT_OF_RANGE = 0x21,
    ASC_INVALID_FIELD = 0x24,
    ASC_MEDIUM_MAY_HAVE_CHANGED = 0x28,
    ASC_SAVING_NOT_SUPPORTED = 0x39,
    ASC_MEDIUM_NOT_PRESENT = 0x3A,
    ASC_MEDIUM_REMOVAL_PREVENTED = 0x53, /* ASCQ 02h */
};

#endif

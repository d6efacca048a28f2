/*
 * moo.h - reader for MOO per-instruction CPU test vectors (SingleStepTests).
 *
 * Format: ../shared/testdata/ss386/FORMAT.md.  A .MOO.gz file is a gzip stream
 * of chunks `char id[4]; u32 len; u8 payload[len]`, little-endian.  The reader
 * decompresses the whole file into memory, then walks the chunks with a
 * bounds-checked cursor: every length is checked against what is left of its
 * parent, unknown chunk ids are skipped by length, and any inconsistency
 * (truncation, a count that does not fit, a missing mandatory chunk) gives a
 * one-line error naming the file, the test and the chunk; never a crash.
 *
 * Also here: the per-opcode `flags-mask` of the suite's metadata.json (parsed
 * by a small hand-written JSON scanner, no dependency) and revocation_list.txt.
 *
 * Not read: CYCL (bus cycles), QUEU (prefetch queue), GMET, EA32; the runner
 * does not model cycles or the prefetch queue.
 */
#ifndef CINDER_TESTS_SS386_MOO_H
#define CINDER_TESTS_SS386_MOO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Register bit numbers of a REGS chunk (16-bit CPUs). */
enum {
    MOO_R16_AX,
    MOO_R16_BX,
    MOO_R16_CX,
    MOO_R16_DX,
    MOO_R16_CS,
    MOO_R16_SS,
    MOO_R16_DS,
    MOO_R16_ES,
    MOO_R16_SP,
    MOO_R16_BP,
    MOO_R16_SI,
    MOO_R16_DI,
    MOO_R16_IP,
    MOO_R16_FLAGS,
    MOO_R16_COUNT
};
/* Register bit numbers of an RG32 chunk (32-bit CPUs). */
enum {
    MOO_R32_CR0,
    MOO_R32_CR3,
    MOO_R32_EAX,
    MOO_R32_EBX,
    MOO_R32_ECX,
    MOO_R32_EDX,
    MOO_R32_ESI,
    MOO_R32_EDI,
    MOO_R32_EBP,
    MOO_R32_ESP,
    MOO_R32_CS,
    MOO_R32_DS,
    MOO_R32_ES,
    MOO_R32_FS,
    MOO_R32_GS,
    MOO_R32_SS,
    MOO_R32_EIP,
    MOO_R32_EFLAGS,
    MOO_R32_DR6,
    MOO_R32_DR7,
    MOO_R32_COUNT
};
#define MOO_REG_MAX 32 /* a mask has at most 32 bits; unknown bits are kept but unnamed */

/* A REGS/RG32 (or RMSK/RM32) chunk: which registers are present and their values,
 * indexed by bit number (v[i] valid iff mask bit i is set). */
struct moo_regs {
    bool present;  /* the chunk was there */
    bool is32;     /* RG32/RM32 (else REGS/RMSK) */
    uint32_t mask; /* presence bits */
    uint32_t v[MOO_REG_MAX];
};

struct moo_ram_entry {
    uint32_t addr; /* physical address */
    uint8_t val;
};

struct moo_state {
    struct moo_regs regs;
    struct moo_regs rmask;     /* FINA only: RMSK/RM32 for this test */
    struct moo_ram_entry *ram; /* malloc'd, nram entries */
    uint32_t nram;
    bool has_ram;
};

struct moo_test {
    uint32_t index;       /* upstream test index (TEST payload's first u32) */
    const char *name;     /* NAME text, NUL-terminated copy ("" if absent) */
    const uint8_t *bytes; /* BYTS: instruction bytes then the HLT (points into the file blob) */
    uint32_t nbytes;
    struct moo_state init, fina;
    bool has_excp;
    uint8_t excp_vector;
    uint32_t excp_flags_addr; /* physical address of the pushed FLAGS word */
    bool has_hash;
    uint8_t hash[20];
};

struct moo_file {
    uint8_t major, minor; /* MOO header version */
    uint32_t test_count;  /* from the MOO header (trusted) */
    char cpu[5];          /* "C286", "386E", ... */
    bool has_meta;
    uint32_t opcode;        /* META */
    char mnemonic[9];       /* META, trailing blanks removed */
    uint8_t cpu_mode;       /* META: 0 = real mode */
    struct moo_regs rmask;  /* file-level RMSK/RM32 (present=false if none) */
    struct moo_test *tests; /* test_count entries */
    uint32_t ntests;
    uint8_t *blob; /* decompressed file; tests point into it */
    size_t blob_len;
    char *names; /* storage for the NUL-terminated names */
};

/* Parse a decompressed MOO image.  Takes ownership of blob (freed by
 * moo_file_free, also on error).  Returns 0, or -1 with a message in err. */
int moo_parse(uint8_t *blob, size_t len, struct moo_file *out, char *err, size_t errlen);
/* Read (gzip or plain) and parse a file.  The message does not repeat the path. */
int moo_load(const char *path, struct moo_file *out, char *err, size_t errlen);
void moo_file_free(struct moo_file *f);

/* Names of register bits, for messages ("ax", "eflags", ...); NULL if unknown. */
const char *moo_reg_name(bool is32, unsigned bit);

/* metadata.json flags-mask table: key "27" or "F7.6" (upper-case hex). */
struct moo_flagmask {
    char key[16];
    uint32_t mask;
};
struct moo_meta {
    struct moo_flagmask *e;
    size_t n, cap;
};
/* Parse metadata.json text.  Returns 0, or -1 with a message (with the byte
 * offset) in err. */
int moo_meta_parse(const char *text, size_t len, struct moo_meta *out, char *err, size_t errlen);
int moo_meta_load(const char *path, struct moo_meta *out, char *err, size_t errlen);
/* flags-mask for key; false if the opcode has none (all flags defined). */
bool moo_meta_flags_mask(const struct moo_meta *m, const char *key, uint32_t *mask);
void moo_meta_free(struct moo_meta *m);

/* revocation_list.txt: one 40-hex-digit SHA-1 per line, '#' comments. */
struct moo_revoked {
    uint8_t (*h)[20]; /* sorted */
    size_t n;
};
int moo_revoked_parse(const char *text, size_t len, struct moo_revoked *out, char *err,
                      size_t errlen);
int moo_revoked_load(const char *path, struct moo_revoked *out, char *err, size_t errlen);
bool moo_revoked_has(const struct moo_revoked *r, const uint8_t hash[20]);
void moo_revoked_free(struct moo_revoked *r);

#endif

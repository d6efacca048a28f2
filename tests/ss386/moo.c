/*
 * moo.c - MOO test-vector reader, metadata.json flags masks, revocation list.
 *
 * See moo.h and ../shared/testdata/ss386/FORMAT.md.  Every read goes through a
 * cursor that knows how many bytes its chunk has left, so a truncated or
 * corrupt file is an error message, never an out-of-bounds read.
 */
#include "moo.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define MOO_MAX_FILE (1u << 30) /* refuse decompressed files above 1 GiB */

static void seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* ---- bounds-checked cursor ---- */

struct cur {
    const uint8_t *p; /* start of the region */
    size_t len;       /* bytes in the region */
    size_t off;       /* next byte to read */
};

static size_t cur_left(const struct cur *c)
{
    return c->len - c->off;
}

static bool cur_bytes(struct cur *c, void *dst, size_t n)
{
    if (cur_left(c) < n) return false;
    memcpy(dst, c->p + c->off, n);
    c->off += n;
    return true;
}
static bool cur_u8(struct cur *c, uint8_t *v)
{
    return cur_bytes(c, v, 1);
}
static bool cur_u16(struct cur *c, uint16_t *v)
{
    uint8_t b[2];
    if (!cur_bytes(c, b, 2)) return false;
    *v = (uint16_t)(b[0] | b[1] << 8);
    return true;
}
static bool cur_u32(struct cur *c, uint32_t *v)
{
    uint8_t b[4];
    if (!cur_bytes(c, b, 4)) return false;
    *v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    return true;
}

/* One chunk header; *sub covers its payload.  Returns 1 for a chunk, 0 at the
 * clean end of the region, -1 for a truncated header or a length that overruns
 * the region (message in err). */
static int cur_chunk(struct cur *c, char id[5], struct cur *sub, const char *where, char *err,
                     size_t errlen)
{
    if (cur_left(c) == 0) return 0;
    size_t at = c->off;
    uint32_t len;
    if (cur_left(c) < 8) {
        seterr(err, errlen, "%s: truncated chunk header at offset %zu (%zu bytes left)", where, at,
               cur_left(c));
        return -1;
    }
    cur_bytes(c, id, 4);
    id[4] = 0;
    cur_u32(c, &len);
    if (len > cur_left(c)) {
        for (int i = 0; i < 4; i++)
            if (!isprint((unsigned char)id[i])) id[i] = '?';
        seterr(err, errlen, "%s: chunk '%s' at offset %zu claims %u bytes, only %zu left", where,
               id, at, len, cur_left(c));
        return -1;
    }
    sub->p = c->p + c->off;
    sub->len = len;
    sub->off = 0;
    c->off += len;
    return 1;
}

/* ---- register chunks ---- */

static const char *const reg16_names[MOO_R16_COUNT] = {
    "ax", "bx", "cx", "dx", "cs", "ss", "ds", "es", "sp", "bp", "si", "di", "ip", "flags",
};
static const char *const reg32_names[MOO_R32_COUNT] = {
    "cr0", "cr3", "eax", "ebx", "ecx", "edx", "esi", "edi",    "ebp", "esp",
    "cs",  "ds",  "es",  "fs",  "gs",  "ss",  "eip", "eflags", "dr6", "dr7",
};

const char *moo_reg_name(bool is32, unsigned bit)
{
    if (is32) return bit < MOO_R32_COUNT ? reg32_names[bit] : NULL;
    return bit < MOO_R16_COUNT ? reg16_names[bit] : NULL;
}

/* REGS/RMSK (16-bit values) or RG32/RM32 (32-bit values). */
static int parse_regs(struct cur *c, bool is32, struct moo_regs *r, const char *where,
                      const char *id, char *err, size_t errlen)
{
    memset(r, 0, sizeof(*r));
    r->present = true;
    r->is32 = is32;
    if (is32) {
        if (!cur_u32(c, &r->mask)) goto trunc;
    } else {
        uint16_t m;
        if (!cur_u16(c, &m)) goto trunc;
        r->mask = m;
    }
    for (unsigned i = 0; i < MOO_REG_MAX; i++) {
        if (!(r->mask & (1u << i))) continue;
        if (is32) {
            if (!cur_u32(c, &r->v[i])) goto trunc;
        } else {
            uint16_t v;
            if (!cur_u16(c, &v)) goto trunc;
            r->v[i] = v;
        }
    }
    return 0;
trunc:
    seterr(err, errlen, "%s: %s chunk too short for its register mask", where, id);
    return -1;
}

static int parse_ram(struct cur *c, struct moo_state *s, const char *where, char *err,
                     size_t errlen)
{
    uint32_t n;
    if (!cur_u32(c, &n)) {
        seterr(err, errlen, "%s: RAM chunk too short for its count", where);
        return -1;
    }
    if (n > cur_left(c) / 5) {
        seterr(err, errlen, "%s: RAM chunk lists %u entries but holds only %zu bytes", where, n,
               cur_left(c));
        return -1;
    }
    free(s->ram);
    s->ram = n ? malloc((size_t)n * sizeof(*s->ram)) : NULL;
    if (n && !s->ram) {
        seterr(err, errlen, "%s: out of memory", where);
        return -1;
    }
    for (uint32_t i = 0; i < n; i++) {
        cur_u32(c, &s->ram[i].addr);
        cur_u8(c, &s->ram[i].val);
    }
    s->nram = n;
    s->has_ram = true;
    return 0;
}

/* INIT or FINA: nested REGS/RG32, RAM, and (FINA) RMSK/RM32. */
static int parse_state(struct cur *c, struct moo_state *s, bool fina, const char *where, char *err,
                       size_t errlen)
{
    char id[5];
    struct cur sub;
    int r;
    while ((r = cur_chunk(c, id, &sub, where, err, errlen)) > 0) {
        if (!strcmp(id, "REGS") || !strcmp(id, "RG32")) {
            if (parse_regs(&sub, id[1] == 'G', &s->regs, where, id, err, errlen)) return -1;
        } else if (fina && (!strcmp(id, "RMSK") || !strcmp(id, "RM32"))) {
            if (parse_regs(&sub, id[2] == '3', &s->rmask, where, id, err, errlen)) return -1;
        } else if (!strcmp(id, "RAM ")) {
            if (parse_ram(&sub, s, where, err, errlen)) return -1;
        }
        /* QUEU, EA32 and anything unknown: skipped by length */
    }
    return r;
}

static int parse_test(struct moo_file *f, struct cur *c, uint32_t seq, struct moo_test *t,
                      char *names, size_t *names_used, char *err, size_t errlen)
{
    char where[96];
    snprintf(where, sizeof(where), "test #%u (chunk %u)", seq, seq);
    if (!cur_u32(c, &t->index)) {
        seterr(err, errlen, "%s: TEST chunk too short for its index", where);
        return -1;
    }
    snprintf(where, sizeof(where), "test %u", t->index);
    t->name = "";
    char id[5];
    struct cur sub;
    int r;
    bool have_byts = false, have_init = false, have_fina = false;
    while ((r = cur_chunk(c, id, &sub, where, err, errlen)) > 0) {
        if (!strcmp(id, "NAME")) {
            uint32_t n;
            if (!cur_u32(&sub, &n) || n > cur_left(&sub)) {
                seterr(err, errlen, "%s: NAME chunk truncated", where);
                return -1;
            }
            /* names storage was sized from the blob length: always fits */
            char *dst = names + *names_used;
            memcpy(dst, sub.p + sub.off, n);
            dst[n] = 0;
            for (uint32_t i = 0; i < n; i++)
                if ((unsigned char)dst[i] < 0x20) dst[i] = '?';
            *names_used += (size_t)n + 1;
            t->name = dst;
        } else if (!strcmp(id, "BYTS")) {
            uint32_t n;
            if (!cur_u32(&sub, &n) || n > cur_left(&sub)) {
                seterr(err, errlen, "%s: BYTS chunk truncated", where);
                return -1;
            }
            t->bytes = sub.p + sub.off;
            t->nbytes = n;
            have_byts = true;
        } else if (!strcmp(id, "INIT")) {
            if (parse_state(&sub, &t->init, false, where, err, errlen)) return -1;
            have_init = true;
        } else if (!strcmp(id, "FINA")) {
            if (parse_state(&sub, &t->fina, true, where, err, errlen)) return -1;
            have_fina = true;
        } else if (!strcmp(id, "EXCP")) {
            if (!cur_u8(&sub, &t->excp_vector) || !cur_u32(&sub, &t->excp_flags_addr)) {
                seterr(err, errlen, "%s: EXCP chunk truncated", where);
                return -1;
            }
            t->has_excp = true;
        } else if (!strcmp(id, "HASH")) {
            if (!cur_bytes(&sub, t->hash, 20)) {
                seterr(err, errlen, "%s: HASH chunk shorter than 20 bytes", where);
                return -1;
            }
            t->has_hash = true;
        }
        /* GMET, CYCL and anything unknown: skipped by length */
    }
    if (r < 0) return -1;
    if (!have_byts || !have_init || !have_fina) {
        seterr(err, errlen, "%s: missing %s chunk", where,
               !have_byts   ? "BYTS"
               : !have_init ? "INIT"
                            : "FINA");
        return -1;
    }
    if (!t->init.regs.present) {
        seterr(err, errlen, "%s: INIT has no REGS/RG32 chunk", where);
        return -1;
    }
    uint32_t need = t->init.regs.is32 ? (1u << MOO_R32_COUNT) - 1 : (1u << MOO_R16_COUNT) - 1;
    if ((t->init.regs.mask & need) != need) {
        seterr(err, errlen, "%s: INIT registers incomplete (mask %#x)", where, t->init.regs.mask);
        return -1;
    }
    if (t->fina.regs.present && t->fina.regs.is32 != t->init.regs.is32) {
        seterr(err, errlen, "%s: INIT and FINA register chunks differ in width", where);
        return -1;
    }
    (void)f;
    return 0;
}

static void trim_copy(char *dst, size_t cap, const uint8_t *src, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++)
        dst[k++] = isprint(src[i]) ? (char)src[i] : '?';
    while (k && dst[k - 1] == ' ')
        k--;
    dst[k] = 0;
}

int moo_parse(uint8_t *blob, size_t len, struct moo_file *f, char *err, size_t errlen)
{
    memset(f, 0, sizeof(*f));
    f->blob = blob;
    f->blob_len = len;
    struct cur c = {blob, len, 0};
    char id[5];
    struct cur sub;
    int r;

    if (len < 4 || memcmp(blob, "MOO ", 4)) {
        seterr(err, errlen, "not a MOO file (does not start with 'MOO ')");
        goto fail;
    }
    r = cur_chunk(&c, id, &sub, "file", err, errlen);
    if (r <= 0 || strcmp(id, "MOO ")) {
        if (r == 0)
            seterr(err, errlen, "empty file");
        else if (r > 0)
            seterr(err, errlen, "not a MOO file (first chunk '%.4s', expected 'MOO ')",
                   isprint((unsigned char)id[0]) ? id : "????");
        goto fail;
    }
    uint8_t hdr[4];
    if (!cur_bytes(&sub, hdr, 4) || !cur_u32(&sub, &f->test_count) || !cur_bytes(&sub, f->cpu, 4)) {
        seterr(err, errlen, "MOO header chunk too short (%zu bytes)", sub.len);
        goto fail;
    }
    f->major = hdr[0];
    f->minor = hdr[1];
    for (int i = 0; i < 4; i++)
        if (!isprint((unsigned char)f->cpu[i])) f->cpu[i] = '?';
    f->cpu[4] = 0;
    /* Every TEST chunk needs at least 8 header + 4 index bytes. */
    if (f->test_count > len / 12) {
        seterr(err, errlen, "header claims %u tests, file too small for that", f->test_count);
        goto fail;
    }
    f->tests = calloc(f->test_count ? f->test_count : 1, sizeof(*f->tests));
    f->names = malloc(len + 1);
    if (!f->tests || !f->names) {
        seterr(err, errlen, "out of memory");
        goto fail;
    }
    size_t names_used = 0;

    while ((r = cur_chunk(&c, id, &sub, "file", err, errlen)) > 0) {
        if (!strcmp(id, "META")) {
            uint8_t v[3], mn[8];
            uint32_t cnt, seed_lo, seed_hi;
            if (!cur_bytes(&sub, v, 3) || !cur_u32(&sub, &f->opcode) || !cur_bytes(&sub, mn, 8) ||
                !cur_u32(&sub, &cnt) || !cur_u32(&sub, &seed_lo) || !cur_u32(&sub, &seed_hi) ||
                !cur_u8(&sub, &f->cpu_mode)) {
                seterr(err, errlen, "META chunk too short (%zu bytes)", sub.len);
                goto fail;
            }
            trim_copy(f->mnemonic, sizeof(f->mnemonic), mn, 8);
            f->has_meta = true;
        } else if (!strcmp(id, "RMSK") || !strcmp(id, "RM32")) {
            if (parse_regs(&sub, id[2] == '3', &f->rmask, "file", id, err, errlen)) goto fail;
        } else if (!strcmp(id, "TEST")) {
            if (f->ntests == f->test_count) {
                seterr(err, errlen, "more TEST chunks than the %u the header announces",
                       f->test_count);
                goto fail;
            }
            if (parse_test(f, &sub, f->ntests, &f->tests[f->ntests], f->names, &names_used, err,
                           errlen))
                goto fail;
            f->ntests++;
        }
    }
    if (r < 0) goto fail;
    if (f->ntests != f->test_count) {
        seterr(err, errlen, "truncated: header announces %u tests, file holds %u", f->test_count,
               f->ntests);
        goto fail;
    }
    return 0;
fail:
    moo_file_free(f);
    return -1;
}

/* zlib prefixes its messages with the path; the caller names the file. */
static const char *skip_path(const char *msg, const char *path)
{
    size_t n = strlen(path);
    if (!strncmp(msg, path, n) && msg[n] == ':' && msg[n + 1] == ' ') return msg + n + 2;
    return msg;
}

int moo_load(const char *path, struct moo_file *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    gzFile gz = gzopen(path, "rb");
    if (!gz) {
        seterr(err, errlen, "%s", errno ? strerror(errno) : "cannot open");
        return -1;
    }
    gzbuffer(gz, 1 << 17);
    size_t cap = 1 << 20, len = 0;
    uint8_t *buf = malloc(cap);
    if (!buf) {
        gzclose(gz);
        seterr(err, errlen, "out of memory");
        return -1;
    }
    for (;;) {
        if (len == cap) {
            if (cap >= MOO_MAX_FILE) {
                seterr(err, errlen, "larger than %u bytes decompressed", MOO_MAX_FILE);
                goto fail;
            }
            uint8_t *nb = realloc(buf, cap * 2);
            if (!nb) {
                seterr(err, errlen, "out of memory");
                goto fail;
            }
            buf = nb;
            cap *= 2;
        }
        int want = (int)((cap - len) > (1u << 30) ? (1u << 30) : (cap - len));
        int n = gzread(gz, buf + len, (unsigned)want);
        if (n < 0) {
            int e;
            const char *m = gzerror(gz, &e);
            seterr(err, errlen, "%s", e == Z_ERRNO ? strerror(errno) : skip_path(m, path));
            goto fail;
        }
        if (n == 0) break;
        len += (size_t)n;
    }
    int e;
    const char *m = gzerror(gz, &e);
    if (e != Z_OK && e != Z_STREAM_END) {
        seterr(err, errlen, "%s", skip_path(m, path));
        goto fail;
    }
    gzclose(gz);
    return moo_parse(buf, len, out, err, errlen);
fail:
    gzclose(gz);
    free(buf);
    return -1;
}

void moo_file_free(struct moo_file *f)
{
    if (f->tests) {
        for (uint32_t i = 0; i < f->test_count; i++) {
            free(f->tests[i].init.ram);
            free(f->tests[i].fina.ram);
        }
    }
    free(f->tests);
    free(f->names);
    free(f->blob);
    memset(f, 0, sizeof(*f));
}

/* ---- metadata.json ----
 *
 * A small recursive-descent JSON scanner that keeps the object keys on the path
 * to the current value and records the numbers found at
 *   opcodes.<OP>.flags-mask          -> key "OP"
 *   opcodes.<OP>.reg.<N>.flags-mask  -> key "OP.N"
 * Everything else is parsed (so a syntax error anywhere is reported) and
 * ignored. */

#define JS_MAX_DEPTH 64
#define JS_KEEP 6 /* path levels remembered */

struct js {
    const char *s;
    size_t len, pos;
    char path[JS_KEEP][16];
    struct moo_meta *out;
    char *err;
    size_t errlen;
};

static void js_ws(struct js *j)
{
    while (j->pos < j->len && (j->s[j->pos] == ' ' || j->s[j->pos] == '\t' ||
                               j->s[j->pos] == '\n' || j->s[j->pos] == '\r'))
        j->pos++;
}

static int js_fail(struct js *j, const char *what)
{
    seterr(j->err, j->errlen, "metadata.json: %s at byte %zu", what, j->pos);
    return -1;
}

/* String at pos (opening quote); copies up to cap-1 chars into out (may be NULL). */
static int js_string(struct js *j, char *out, size_t cap)
{
    size_t k = 0;
    j->pos++; /* opening quote */
    while (j->pos < j->len) {
        char ch = j->s[j->pos++];
        if (ch == '"') {
            if (out) out[k] = 0;
            return 0;
        }
        if ((unsigned char)ch < 0x20) return js_fail(j, "control character in string");
        if (ch == '\\') {
            if (j->pos >= j->len) break;
            char e = j->s[j->pos++];
            if (e == 'u') {
                for (int i = 0; i < 4; i++, j->pos++)
                    if (j->pos >= j->len || !isxdigit((unsigned char)j->s[j->pos]))
                        return js_fail(j, "bad \\u escape");
                ch = '?';
            } else if (strchr("\"\\/bfnrt", e)) {
                ch = e == 'n'   ? '\n'
                     : e == 't' ? '\t'
                     : e == 'r' ? '\r'
                     : e == 'b' ? '\b'
                     : e == 'f' ? '\f'
                                : e;
            } else {
                return js_fail(j, "bad escape");
            }
        }
        if (out && k + 1 < cap) out[k++] = ch;
    }
    return js_fail(j, "unterminated string");
}

static int meta_add(struct moo_meta *m, const char *key, uint32_t mask)
{
    for (size_t i = 0; i < m->n; i++)
        if (!strcmp(m->e[i].key, key)) {
            m->e[i].mask = mask;
            return 0;
        }
    if (m->n == m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 64;
        struct moo_flagmask *ne = realloc(m->e, nc * sizeof(*ne));
        if (!ne) return -1;
        m->e = ne;
        m->cap = nc;
    }
    snprintf(m->e[m->n].key, sizeof(m->e[m->n].key), "%s", key);
    for (char *p = m->e[m->n].key; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    m->e[m->n].mask = mask;
    m->n++;
    return 0;
}

static int js_number(struct js *j, int depth)
{
    size_t start = j->pos;
    if (j->pos < j->len && j->s[j->pos] == '-') j->pos++;
    while (j->pos < j->len &&
           (isdigit((unsigned char)j->s[j->pos]) || j->s[j->pos] == '.' || j->s[j->pos] == 'e' ||
            j->s[j->pos] == 'E' || j->s[j->pos] == '+' || j->s[j->pos] == '-'))
        j->pos++;
    if (j->pos == start || (j->pos == start + 1 && j->s[start] == '-'))
        return js_fail(j, "bad value");
    char num[32];
    size_t n = j->pos - start;
    if (n >= sizeof(num)) return 0; /* a long number is never a flags mask */
    memcpy(num, j->s + start, n);
    num[n] = 0;
    bool is_mask = false;
    char key[16];
    if (depth == 3 && !strcmp(j->path[0], "opcodes") && !strcmp(j->path[2], "flags-mask")) {
        snprintf(key, sizeof(key), "%s", j->path[1]);
        is_mask = true;
    } else if (depth == 5 && !strcmp(j->path[0], "opcodes") && !strcmp(j->path[2], "reg") &&
               !strcmp(j->path[4], "flags-mask")) {
        snprintf(key, sizeof(key), "%.7s.%.7s", j->path[1], j->path[3]);
        is_mask = true;
    }
    if (!is_mask) return 0;
    if (num[0] == '-') return js_fail(j, "flags-mask is negative");
    char *end;
    errno = 0;
    unsigned long v = strtoul(num, &end, 10);
    if (*end || errno || v > 0xFFFFFFFFul)
        return js_fail(j, "flags-mask is not a 32-bit unsigned integer");
    if (meta_add(j->out, key, (uint32_t)v)) return js_fail(j, "out of memory");
    return 0;
}

static int js_value(struct js *j, int depth)
{
    if (depth > JS_MAX_DEPTH) return js_fail(j, "nesting too deep");
    js_ws(j);
    if (j->pos >= j->len) return js_fail(j, "unexpected end");
    char ch = j->s[j->pos];
    if (ch == '{') {
        j->pos++;
        js_ws(j);
        if (j->pos < j->len && j->s[j->pos] == '}') {
            j->pos++;
            return 0;
        }
        for (;;) {
            js_ws(j);
            if (j->pos >= j->len || j->s[j->pos] != '"') return js_fail(j, "expected a key");
            char key[16];
            if (js_string(j, key, sizeof(key))) return -1;
            if (depth < JS_KEEP) memcpy(j->path[depth], key, sizeof(key));
            js_ws(j);
            if (j->pos >= j->len || j->s[j->pos] != ':') return js_fail(j, "expected ':'");
            j->pos++;
            if (js_value(j, depth + 1)) return -1;
            js_ws(j);
            if (j->pos < j->len && j->s[j->pos] == ',') {
                j->pos++;
                continue;
            }
            if (j->pos < j->len && j->s[j->pos] == '}') {
                j->pos++;
                return 0;
            }
            return js_fail(j, "expected ',' or '}'");
        }
    }
    if (ch == '[') {
        j->pos++;
        if (depth < JS_KEEP) strcpy(j->path[depth], "[]");
        js_ws(j);
        if (j->pos < j->len && j->s[j->pos] == ']') {
            j->pos++;
            return 0;
        }
        for (;;) {
            if (js_value(j, depth + 1)) return -1;
            js_ws(j);
            if (j->pos < j->len && j->s[j->pos] == ',') {
                j->pos++;
                continue;
            }
            if (j->pos < j->len && j->s[j->pos] == ']') {
                j->pos++;
                return 0;
            }
            return js_fail(j, "expected ',' or ']'");
        }
    }
    if (ch == '"') return js_string(j, NULL, 0);
    static const char *const lits[] = {"true", "false", "null"};
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(lits[i]);
        if (j->len - j->pos >= n && !memcmp(j->s + j->pos, lits[i], n)) {
            j->pos += n;
            return 0;
        }
    }
    return js_number(j, depth);
}

int moo_meta_parse(const char *text, size_t len, struct moo_meta *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    struct js j = {.s = text, .len = len, .out = out, .err = err, .errlen = errlen};
    memset(j.path, 0, sizeof(j.path));
    if (js_value(&j, 0)) {
        moo_meta_free(out);
        return -1;
    }
    js_ws(&j);
    if (j.pos != j.len) {
        js_fail(&j, "trailing data");
        moo_meta_free(out);
        return -1;
    }
    return 0;
}

static int slurp(const char *path, char **out, size_t *len, char *err, size_t errlen)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        seterr(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            if (cap >= (64u << 20)) {
                free(buf);
                fclose(fp);
                seterr(err, errlen, "%s: too large", path);
                return -1;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t k = fread(buf + n, 1, cap - n, fp);
        n += k;
        if (k == 0) break;
    }
    bool bad = !buf || ferror(fp);
    fclose(fp);
    if (bad) {
        free(buf);
        seterr(err, errlen, "%s: read error", path);
        return -1;
    }
    *out = buf;
    *len = n;
    return 0;
}

int moo_meta_load(const char *path, struct moo_meta *out, char *err, size_t errlen)
{
    char *text;
    size_t len;
    memset(out, 0, sizeof(*out));
    if (slurp(path, &text, &len, err, errlen)) return -1;
    char e[160];
    int r = moo_meta_parse(text, len, out, e, sizeof(e));
    if (r) seterr(err, errlen, "%s: %s", path, e);
    free(text);
    return r;
}

bool moo_meta_flags_mask(const struct moo_meta *m, const char *key, uint32_t *mask)
{
    for (size_t i = 0; i < m->n; i++)
        if (!strcasecmp(m->e[i].key, key)) {
            *mask = m->e[i].mask;
            return true;
        }
    return false;
}

void moo_meta_free(struct moo_meta *m)
{
    free(m->e);
    memset(m, 0, sizeof(*m));
}

/* ---- revocation_list.txt ---- */

static int hash_cmp(const void *a, const void *b)
{
    return memcmp(a, b, 20);
}

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    ch = tolower(ch);
    return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

int moo_revoked_parse(const char *text, size_t len, struct moo_revoked *out, char *err,
                      size_t errlen)
{
    memset(out, 0, sizeof(*out));
    size_t cap = 0, line = 0;
    size_t i = 0;
    while (i < len) {
        size_t s = i;
        while (i < len && text[i] != '\n')
            i++;
        size_t e = i;
        if (i < len) i++;
        line++;
        while (s < e && isspace((unsigned char)text[s]))
            s++;
        while (e > s && isspace((unsigned char)text[e - 1]))
            e--;
        if (s == e || text[s] == '#') continue;
        if (e - s != 40) {
            seterr(err, errlen, "revocation list line %zu: expected a 40-digit SHA-1", line);
            goto fail;
        }
        uint8_t h[20];
        for (int k = 0; k < 20; k++) {
            int hi = hexval((unsigned char)text[s + 2 * k]),
                lo = hexval((unsigned char)text[s + 2 * k + 1]);
            if (hi < 0 || lo < 0) {
                seterr(err, errlen, "revocation list line %zu: not hexadecimal", line);
                goto fail;
            }
            h[k] = (uint8_t)(hi << 4 | lo);
        }
        if (out->n == cap) {
            cap = cap ? cap * 2 : 16;
            uint8_t(*nh)[20] = realloc(out->h, cap * sizeof(*nh));
            if (!nh) {
                seterr(err, errlen, "out of memory");
                goto fail;
            }
            out->h = nh;
        }
        memcpy(out->h[out->n++], h, 20);
    }
    if (out->n) qsort(out->h, out->n, 20, hash_cmp);
    return 0;
fail:
    moo_revoked_free(out);
    return -1;
}

int moo_revoked_load(const char *path, struct moo_revoked *out, char *err, size_t errlen)
{
    char *text;
    size_t len;
    memset(out, 0, sizeof(*out));
    if (slurp(path, &text, &len, err, errlen)) return -1;
    char e[160];
    int r = moo_revoked_parse(text, len, out, e, sizeof(e));
    if (r) seterr(err, errlen, "%s: %s", path, e);
    free(text);
    return r;
}

bool moo_revoked_has(const struct moo_revoked *r, const uint8_t hash[20])
{
    return r->n && bsearch(hash, r->h, r->n, 20, hash_cmp) != NULL;
}

void moo_revoked_free(struct moo_revoked *r)
{
    free(r->h);
    memset(r, 0, sizeof(*r));
}

/* pkg/rpm.c - rpm packages from rpm's database: rpmdb.sqlite (rpm >= 4.16)
 * and the Berkeley DB hash `Packages` (older rpm). Both are read-only: the
 * SQLite database is opened from the bytes in memory (nothing is written
 * next to the file), the Berkeley DB pages are parsed here. The NDB format
 * (Packages.db, SUSE) is not read: there is no sample or producer of it here
 * to verify a reader against. */
#include "core/ks_common.h"

#include "pkg/rpm.h"

#include "core/str.h"

#include "pkg/inventory.h"
#include "pkg/owned.h"
#include "pkg/registry.h"
#include "sqlite/sqlite.h"

enum {
    TAG_NAME = 1000,
    TAG_VERSION = 1001,
    TAG_RELEASE = 1002,
    TAG_EPOCH = 1003,
    TAG_VENDOR = 1011,
    TAG_LICENSE = 1014,
    TAG_ARCH = 1022,
    TAG_SOURCERPM = 1044,
    TAG_OLDFILENAMES = 1027,
    TAG_DIRINDEXES = 1116,
    TAG_BASENAMES = 1117,
    TAG_DIRNAMES = 1118,
    TYPE_INT32 = 4,
    TYPE_STRING = 6,
    TYPE_STRING_ARRAY = 8,
    TYPE_I18NSTRING = 9,
    MAX_INDEX = 0xffff,       /* rpm's own sanity limits (hdrchkTags/hdrchkData) */
    MAX_DATA = 256u << 20,
};

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Checks that `count` NUL-terminated strings start at `off` inside the
 * `dl` data bytes. */
static bool string_array(const unsigned char *data, uint32_t dl, uint32_t off, uint32_t count)
{
    size_t pos = off;

    if (off >= dl || count > dl - off)
        return false;
    for (uint32_t i = 0; i < count; i++) {
        const unsigned char *z = memchr(data + pos, '\0', dl - pos);
        if (!z)
            return false;
        pos = (size_t)(z - data) + 1;
        if (i + 1 < count && pos >= dl)
            return false;
    }
    return true;
}

/* File tags: string arrays (or the INT32 array of DIRINDEXES), checked. */
static ks_err file_tag(struct ks_rpm_header *out, const unsigned char *data, uint32_t dl,
                       uint32_t tag, uint32_t type, uint32_t off, uint32_t count,
                       struct ks_diag *diag)
{
    if (tag == TAG_DIRINDEXES) {
        if (type != TYPE_INT32 || off > dl || count > (dl - off) / 4)
            return ks_diag_set(diag, KS_EPARSE, "rpm header: bad DIRINDEXES entry");
        out->dirindexes = data + off;
        out->ndirindexes = count;
        return KS_OK;
    }
    if (type != TYPE_STRING_ARRAY || !string_array(data, dl, off, count))
        return ks_diag_set(diag, KS_EPARSE, "rpm header: bad file name list (tag %u)", tag);
    if (tag == TAG_BASENAMES) {
        out->basenames = (const char *)data + off;
        out->nbasenames = count;
    } else if (tag == TAG_DIRNAMES) {
        out->dirnames = (const char *)data + off;
        out->ndirnames = count;
    } else {
        out->oldfilenames = (const char *)data + off;
        out->noldfilenames = count;
    }
    return KS_OK;
}

ks_err ks_rpm_header_parse(const void *blob, size_t len, struct ks_rpm_header *out,
                           struct ks_diag *diag)
{
    const unsigned char *b = blob, *data;
    uint32_t il, dl;

    memset(out, 0, sizeof(*out));
    if (len < 8)
        return ks_diag_set(diag, KS_EPARSE, "rpm header of %zu bytes is too short", len);
    il = be32(b);
    dl = be32(b + 4);
    if (il == 0 || il > MAX_INDEX || dl > MAX_DATA || 8 + (uint64_t)il * 16 + dl > len)
        return ks_diag_set(diag, KS_EPARSE, "rpm header: bad sizes (%u entries, %u data bytes)",
                           il, dl);
    data = b + 8 + (size_t)il * 16;
    for (uint32_t i = 0; i < il; i++) {
        const unsigned char *e = b + 8 + (size_t)i * 16;
        uint32_t tag = be32(e), type = be32(e + 4), off = be32(e + 8), count = be32(e + 12);
        const char **dst = NULL;

        switch (tag) {
        case TAG_NAME: dst = &out->name; break;
        case TAG_VERSION: dst = &out->version; break;
        case TAG_RELEASE: dst = &out->release; break;
        case TAG_ARCH: dst = &out->arch; break;
        case TAG_LICENSE: dst = &out->license; break;
        case TAG_SOURCERPM: dst = &out->sourcerpm; break;
        case TAG_VENDOR: dst = &out->vendor; break;
        case TAG_EPOCH:
            if (type != TYPE_INT32 || count < 1 || (uint64_t)off + 4 > dl)
                return ks_diag_set(diag, KS_EPARSE, "rpm header: bad EPOCH entry");
            out->has_epoch = true;
            out->epoch = be32(data + off);
            continue;
        case TAG_OLDFILENAMES:
        case TAG_DIRINDEXES:
        case TAG_BASENAMES:
        case TAG_DIRNAMES:
            if (file_tag(out, data, dl, tag, type, off, count, diag))
                return KS_EPARSE;
            continue;
        default:
            continue;
        }
        if (type != TYPE_STRING && type != TYPE_I18NSTRING)
            return ks_diag_set(diag, KS_EPARSE, "rpm header: tag %u is not a string", tag);
        if (off >= dl)
            return ks_diag_set(diag, KS_EPARSE, "rpm header: tag %u points outside the data",
                               tag);
        if (!memchr(data + off, '\0', dl - off))
            return ks_diag_set(diag, KS_EPARSE, "rpm header: tag %u is not terminated", tag);
        *dst = (const char *)data + off;
    }
    if (!out->name || !out->version || !out->release)
        return ks_diag_set(diag, KS_EPARSE, "rpm header lacks name, version or release");
    if (out->nbasenames != out->ndirindexes || (out->nbasenames && !out->ndirnames))
        return ks_diag_set(diag, KS_EPARSE,
                           "rpm header: %u file names but %u directory indexes",
                           out->nbasenames, out->ndirindexes);
    for (uint32_t i = 0; i < out->ndirindexes; i++)
        if (be32(out->dirindexes + (size_t)i * 4) >= out->ndirnames)
            return ks_diag_set(diag, KS_EPARSE, "rpm header: directory index %u out of range",
                               be32(out->dirindexes + (size_t)i * 4));
    return KS_OK;
}

ks_err ks_rpm_header_files(const struct ks_rpm_header *h,
                           ks_err (*fn)(void *arg, const char *dir, size_t dirlen,
                                        const char *base, size_t baselen),
                           void *arg)
{
    const char **dirs = NULL;
    const char *p;
    ks_err err = KS_OK;

    /* Strings were checked by ks_rpm_header_parse: strlen stays inside. */
    p = h->oldfilenames;
    for (uint32_t i = 0; !err && i < h->noldfilenames; i++) {
        size_t n = strlen(p);
        err = fn(arg, "", 0, p, n);
        p += n + 1;
    }
    if (err || !h->nbasenames)
        return err;
    dirs = malloc((size_t)h->ndirnames * sizeof(*dirs));
    if (!dirs)
        return KS_ENOMEM;
    p = h->dirnames;
    for (uint32_t i = 0; i < h->ndirnames; i++) {
        dirs[i] = p;
        p += strlen(p) + 1;
    }
    p = h->basenames;
    for (uint32_t i = 0; !err && i < h->nbasenames; i++) {
        const char *d = dirs[be32(h->dirindexes + (size_t)i * 4)];
        size_t n = strlen(p);
        err = fn(arg, d, strlen(d), p, n);
        p += n + 1;
    }
    free(dirs);
    return err;
}

/* The source package name and version from "openssl-3.0.7-24.el9.src.rpm". */
static void split_srpm(struct ks_inventory *inv, const char *srpm, struct ks_component *c)
{
    const char *end, *rel, *ver;
    size_t n;

    if (!srpm || !ks_ends_with(srpm, ".rpm"))
        return;
    n = strlen(srpm) - 4;
    end = srpm + n;
    if (n > 4 && !memcmp(end - 4, ".src", 4))
        end -= 4;
    else if (n > 6 && !memcmp(end - 6, ".nosrc", 6))
        end -= 6;
    for (rel = end; rel > srpm && rel[-1] != '-'; rel--)
        ;
    if (rel <= srpm + 1)
        return;
    for (ver = rel - 1; ver > srpm && ver[-1] != '-'; ver--)
        ;
    if (ver <= srpm + 1)
        return;
    c->source_name = ks_inventory_strn(inv, srpm, (size_t)(ver - 1 - srpm));
    c->source_version = ks_inventory_strn(inv, ver, (size_t)(end - ver));
}

struct files {
    struct ks_collect_ctx *ctx;
    uint32_t owner;
};

static ks_err add_file(void *arg, const char *dir, size_t dirlen, const char *base,
                       size_t baselen)
{
    struct files *f = arg;
    return ks_owned_add(f->ctx->inv, f->owner, dir, dirlen, base, baselen, f->ctx->lim);
}

static ks_err add_header(struct ks_collect_ctx *ctx, const void *blob, size_t len,
                         struct ks_diag *diag)
{
    struct ks_inventory *inv = ctx->inv;
    struct ks_rpm_header h;
    struct ks_component *c;
    ks_err err = ks_rpm_header_parse(blob, len, &h, diag);

    if (err)
        return err;
    /* Imported signing keys are rpm database entries, not software. */
    if (!strcmp(h.name, "gpg-pubkey"))
        return KS_OK;
    c = ks_inventory_add(inv);
    if (!c)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    c->type = KS_PKG_RPM;
    c->name = ks_inventory_str(inv, h.name);
    if (h.has_epoch && h.epoch)
        c->version = ks_arena_printf(&inv->arena, "%u:%s-%s", h.epoch, h.version, h.release);
    else
        c->version = ks_arena_printf(&inv->arena, "%s-%s", h.version, h.release);
    c->arch = ks_inventory_str(inv, h.arch);
    c->license = ks_inventory_str(inv, h.license);
    split_srpm(inv, h.sourcerpm, c);
    c->path = ks_inventory_str(inv, ctx->path);
    c->layer = ks_inventory_str(inv, ctx->layer);
    c->bom_ref = ks_arena_printf(&inv->arena, "rpm:%s@%s:%s", h.name, c->version,
                                 h.arch ? h.arch : "");
    if (!c->name || !c->version || !c->bom_ref)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    if (h.nbasenames || h.noldfilenames) {
        struct files f = {ctx, 0};
        if (ks_owned_owner(inv, KS_PKG_RPM, c->name, c->arch, c->bom_ref, &f.owner) ||
            ks_rpm_header_files(&h, add_file, &f))
            return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    }
    return KS_OK;
}

/* ---- rpmdb.sqlite ---- */

static bool sqlite_wants(const char *path, unsigned mode)
{
    KS_UNUSED(mode);
    return !strcmp(path, "/var/lib/rpm/rpmdb.sqlite") ||
           !strcmp(path, "/usr/lib/sysimage/rpm/rpmdb.sqlite");
}

static ks_err sqlite_parse(struct ks_collect_ctx *ctx, const char *data, size_t len,
                           struct ks_diag *diag)
{
    struct ks_db *db = NULL;
    struct ks_stmt *st = NULL;
    bool row;
    ks_err err;

    err = ks_db_open_memory(data, len, ctx->path, &db, diag);
    if (err)
        return KS_EPARSE;
    err = ks_db_prepare(db, "SELECT blob FROM Packages ORDER BY hnum", &st, diag);
    if (err) {
        err = KS_EPARSE;
        goto done;
    }
    while (!(err = ks_stmt_step(st, &row, diag)) && row) {
        size_t n;
        const void *blob = ks_stmt_blob(st, 0, &n);
        if (!blob)
            continue;
        err = add_header(ctx, blob, n, diag);
        if (err) {
            ks_diag_prefix(diag, "'%s': ", ctx->path);
            goto done;
        }
    }
    if (err)
        err = KS_EPARSE;
done:
    ks_stmt_free(st);
    ks_db_close(db);
    return err;
}

const struct ks_collector ks_collector_rpm_sqlite = {"rpm-sqlite", sqlite_wants, sqlite_parse};

/* ---- Berkeley DB hash `Packages` ----
 *
 * Page 0 is the hash metadata page (magic 0x061561 at offset 12, page size
 * at 20, last page number at 32), in the byte order of the machine that
 * wrote it. Every page starts with a 26-byte header: page number (8), next
 * page (16), entry count (20), hf_offset (22: free-space offset, or bytes
 * used on an overflow page), type (25). Hash pages (type 13) hold an array
 * of 16-bit item offsets, keys and values alternating; an item is H_KEYDATA
 * (1: the bytes follow) or H_OFFPAGE (3: first overflow page at +4, total
 * length at +8). Overflow pages (type 7) chain through `next`. rpm stores
 * each header under its 4-byte instance number. */

enum {
    P_OVERFLOW = 7,
    P_HASH = 13,
    P_HASH_UNSORTED = 2,
    H_KEYDATA = 1,
    H_OFFPAGE = 3,
    PAGE_HDR = 26,
};

struct bdb {
    const unsigned char *p;
    size_t len;
    uint32_t pagesize;
    uint32_t npages;
    bool swap; /* written on a machine of the other byte order */
};

static uint32_t rd32(const struct bdb *d, const unsigned char *p)
{
    uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    return d->swap ? __builtin_bswap32(v) : v;
}

static uint16_t rd16(const struct bdb *d, const unsigned char *p)
{
    uint16_t v = (uint16_t)(p[0] | p[1] << 8);
    return d->swap ? __builtin_bswap16(v) : v;
}

static bool bdb_wants(const char *path, unsigned mode)
{
    KS_UNUSED(mode);
    return !strcmp(path, "/var/lib/rpm/Packages") || !strcmp(path, "/usr/lib/sysimage/rpm/Packages");
}

/* Reassembles an overflow chain of `tlen` bytes starting at page `pg`. */
static ks_err read_overflow(const struct bdb *d, uint32_t pg, uint32_t tlen, unsigned char *out,
                            struct ks_diag *diag)
{
    uint32_t got = 0, hops = 0;

    while (got < tlen) {
        const unsigned char *page;
        uint32_t used;
        if (pg == 0 || pg >= d->npages || ++hops > d->npages)
            return ks_diag_set(diag, KS_EPARSE, "bad overflow chain (page %u)", pg);
        page = d->p + (size_t)pg * d->pagesize;
        if (page[25] != P_OVERFLOW)
            return ks_diag_set(diag, KS_EPARSE, "page %u is not an overflow page", pg);
        used = rd16(d, page + 22);
        if (used > d->pagesize - PAGE_HDR || used > tlen - got)
            return ks_diag_set(diag, KS_EPARSE, "overflow page %u: bad length", pg);
        memcpy(out + got, page + PAGE_HDR, used);
        got += used;
        pg = rd32(d, page + 16);
        if (used == 0)
            return ks_diag_set(diag, KS_EPARSE, "overflow page %u is empty", pg);
    }
    return KS_OK;
}

static ks_err bdb_parse(struct ks_collect_ctx *ctx, const char *data, size_t len,
                        struct ks_diag *diag)
{
    struct bdb d;
    unsigned char *buf = NULL;
    ks_err err = KS_OK;

    memset(&d, 0, sizeof(d));
    d.p = (const unsigned char *)data;
    d.len = len;
    if (len < 512)
        return ks_diag_set(diag, KS_EPARSE, "'%s': too short for a Berkeley DB", ctx->path);
    if (rd32(&d, d.p + 12) != 0x061561) {
        d.swap = true;
        if (rd32(&d, d.p + 12) != 0x061561)
            return ks_diag_set(diag, KS_EPARSE, "'%s': not a Berkeley DB hash database",
                               ctx->path);
    }
    d.pagesize = rd32(&d, d.p + 20);
    if (d.pagesize < 512 || d.pagesize > 65536 || (d.pagesize & (d.pagesize - 1)))
        return ks_diag_set(diag, KS_EPARSE, "'%s': bad page size %u", ctx->path, d.pagesize);
    d.npages = (uint32_t)KS_MIN(len / d.pagesize, (size_t)UINT32_MAX);
    for (uint32_t pg = 1; pg < d.npages && !err; pg++) {
        const unsigned char *page = d.p + (size_t)pg * d.pagesize;
        uint16_t n;

        if (page[25] != P_HASH && page[25] != P_HASH_UNSORTED)
            continue;
        n = rd16(&d, page + 20);
        if (PAGE_HDR + (size_t)n * 2 > d.pagesize) {
            err = ks_diag_set(diag, KS_EPARSE, "'%s': page %u: bad entry count", ctx->path, pg);
            break;
        }
        /* Values are the odd entries. */
        for (uint16_t i = 1; i < n; i += 2) {
            uint16_t off = rd16(&d, page + PAGE_HDR + (size_t)i * 2);
            const unsigned char *item;
            if (off >= d.pagesize) {
                err = ks_diag_set(diag, KS_EPARSE, "'%s': page %u: bad item offset", ctx->path,
                                  pg);
                break;
            }
            item = page + off;
            if (item[0] == H_OFFPAGE) {
                uint32_t first, tlen;
                if (off + 12u > d.pagesize) {
                    err = ks_diag_set(diag, KS_EPARSE, "'%s': page %u: truncated item",
                                      ctx->path, pg);
                    break;
                }
                first = rd32(&d, item + 4);
                tlen = rd32(&d, item + 8);
                if (tlen > MAX_DATA || tlen > len) {
                    err = ks_diag_set(diag, KS_EPARSE, "'%s': header of %u bytes", ctx->path,
                                      tlen);
                    break;
                }
                buf = malloc(tlen ? tlen : 1);
                if (!buf) {
                    err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
                    break;
                }
                err = read_overflow(&d, first, tlen, buf, diag);
                if (!err)
                    err = add_header(ctx, buf, tlen, diag);
                KS_FREE_AND_NULL(buf);
            } else if (item[0] == H_KEYDATA) {
                /* Small values: the item runs to the previous item's start. */
                uint16_t prev = i > 0 ? rd16(&d, page + PAGE_HDR + (size_t)(i - 1) * 2)
                                      : (uint16_t)d.pagesize;
                if (prev <= off + 1 || prev > d.pagesize)
                    continue;
                /* rpm's record 0 (and other small values) are not headers. */
                if ((size_t)(prev - off - 1) > 16)
                    err = add_header(ctx, item + 1, (size_t)(prev - off - 1), diag);
            }
            if (err)
                ks_diag_prefix(diag, "'%s': ", ctx->path);
        }
    }
    return err;
}

const struct ks_collector ks_collector_rpm_bdb = {"rpm-bdb", bdb_wants, bdb_parse};

/* vulndb/apt.c - a Debian/Ubuntu security suite read from an apt mirror:
 * Release -> Packages -> each newer source package's .deb ->
 * usr/share/doc/PKG/changelog.Debian.gz -> the CVE/GHSA ids its new entries
 * name, "fixed in" the suite's version.
 *
 * Nothing is written anywhere: the .deb (an ar archive, parsed here with
 * bounds) is read into memory and its data.tar.* member handed to the
 * ingest archive reader with the import's limits. */
#include "core/ks_common.h"

#include "vulndb/internal.h"

#include "core/file.h"
#include "core/map.h"
#include "core/str.h"
#include "core/vec.h"
#include "formats/debian.h"
#include "formats/json.h"
#include "ingest/archive.h"
#include "version/version.h"

#include <dirent.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <time.h>

#define OOM(diag) ks_diag_set((diag), KS_ENOMEM, "out of memory")
#define MAX_FIELDS 128
#define MAX_TRIES 8 /* .deb files tried per source package for its changelog */
#define MAX_NAMED 6 /* skipped package names quoted in the report */

struct apt_index {
    const char *path; /* relative to the suite directory */
    uint64_t size;
    const char *sha256;
};

struct apt_release {
    const char *origin, *codename, *suite, *version, *date;
    char sha256[KS_SHA256_HEX]; /* of the Release file read */
    const char *file;
    KS_VEC(struct apt_index) idx;
};

struct apt_bin {
    const char *package, *filename, *sha256;
    uint64_t size;
};

struct apt_src {
    const char *name, *version;
    KS_VEC(struct apt_bin) bins;
};

struct apt_state {
    struct vdb_ctx *ctx;
    struct ks_arena a; /* index data, lives for the whole suite */
    const char *root;  /* mirror root (holds pool/) */
    const char *suite_dir;
    const char *ecosystem;
    const char *modified; /* the Release date, RFC 3339 */
    struct apt_release rel;
    struct ks_map srcs;   /* source name -> struct apt_src */
    struct ks_map base;   /* source name -> version in the base suite */
    bool have_base;
    uint64_t not_mirrored, not_newer;
    struct ks_buf missing; /* names of the first few not-mirrored sources */
};

static bool file_exists(const char *p)
{
    struct stat sb;
    return !stat(p, &sb) && S_ISREG(sb.st_mode);
}

static bool dir_exists(const char *p)
{
    struct stat sb;
    return !stat(p, &sb) && S_ISDIR(sb.st_mode);
}

static const char *join(struct ks_arena *a, const char *dir, const char *name)
{
    return ks_arena_printf(a, "%s/%s", dir, name);
}

/* The suite directory of `path`: path itself when it holds a Release file
 * (ROOT/dists/SUITE), else the only suite under path/dists. NULL when
 * `path` is no apt mirror. */
static const char *suite_dir_of(struct ks_arena *a, const char *path, const char **root,
                                struct ks_diag *diag, ks_err *err)
{
    *err = KS_OK;
    if (file_exists(join(a, path, "InRelease")) || file_exists(join(a, path, "Release"))) {
        *root = join(a, path, "../..");
        return path;
    }
    const char *dists = join(a, path, "dists");
    if (!dir_exists(dists))
        return NULL;
    /* a mirror root: exactly one suite, or the caller must name one */
    const char *found = NULL;
    size_t n = 0;
    struct ks_buf names = KS_BUF_INIT(0);
    DIR *d = opendir(dists);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        const char *s = join(a, dists, de->d_name);
        if (!s || !(file_exists(join(a, s, "InRelease")) || file_exists(join(a, s, "Release"))))
            continue;
        n++;
        found = s;
        ks_buf_addf(&names, "%s%s", n > 1 ? ", " : "", de->d_name);
    }
    if (d)
        closedir(d);
    if (n != 1)
        *err = ks_diag_set(diag, KS_EINVAL,
                           "'%s': %s%s%s%s; name the suite's directory ('%s/dists/SUITE')", path,
                           n ? "the mirror has several suites" : "no suite with a Release file",
                           n ? " (" : "", n ? ks_buf_str(&names) : "", n ? ")" : "", path);
    ks_buf_release(&names);
    *root = path;
    return n == 1 ? found : NULL;
}

bool vdb_is_apt_dir(const char *path)
{
    struct ks_arena a = KS_ARENA_INIT(4096, 0);
    const char *dists = join(&a, path, "dists");
    const char *ir = join(&a, path, "InRelease"), *r = join(&a, path, "Release");
    bool yes = (dists && dir_exists(dists)) || (ir && file_exists(ir)) || (r && file_exists(r));
    ks_arena_release(&a);
    return yes;
}

/* "Tue, 24 Nov 2026 00:34:33 UTC" or "... +0200" -> "2026-11-24T00:34:33Z". */
static const char *rfc3339(struct ks_arena *a, struct ks_str date)
{
    char buf[64], out[32];
    struct tm tm;
    if (!date.len || date.len >= sizeof(buf))
        return NULL;
    memcpy(buf, date.ptr, date.len);
    buf[date.len] = '\0';
    memset(&tm, 0, sizeof(tm));
    const char *rest = strptime(buf, "%a, %d %b %Y %H:%M:%S", &tm);
    if (!rest)
        return NULL;
    time_t t = timegm(&tm);
    while (*rest == ' ')
        rest++;
    if ((rest[0] == '+' || rest[0] == '-') && strlen(rest) >= 5) {
        int off = ((rest[1] - '0') * 10 + (rest[2] - '0')) * 3600 +
                  ((rest[3] - '0') * 10 + (rest[4] - '0')) * 60;
        t += rest[0] == '+' ? -off : off;
    }
    struct tm u;
    if (!gmtime_r(&t, &u) || !strftime(out, sizeof(out), "%Y-%m-%dT%H:%M:%SZ", &u))
        return NULL;
    return ks_arena_strdup(a, out);
}

static char *dup_str(struct ks_arena *a, struct ks_str s)
{
    return s.ptr ? ks_arena_strndup(a, s.ptr, s.len) : NULL;
}

/* Reads dir/InRelease (or dir/Release): fields and the SHA256 list. */
static ks_err read_release(struct vdb_ctx *ctx, struct ks_arena *a, const char *dir,
                           struct apt_release *rel, struct ks_diag *diag)
{
    struct ks_buf b = KS_BUF_INIT(0);
    struct ks_deb822 r;
    struct ks_deb822_field f[MAX_FIELDS];
    struct ks_str text;
    size_t n = 0;
    unsigned line;
    unsigned char d[KS_SHA256_LEN];
    ks_err err;

    rel->file = join(a, dir, "InRelease");
    if (!rel->file)
        return OOM(diag);
    if (!file_exists(rel->file))
        rel->file = join(a, dir, "Release");
    if (!rel->file)
        return OOM(diag);
    if ((err = ks_file_read(rel->file, ctx->lim->max_file_size, &b, diag)))
        goto done;
    ctx->rep->files++;
    ks_sha256_update(ctx->digest, b.ptr, b.len);
    ks_sha256(b.ptr, b.len, d);
    ks_hex(d, sizeof(d), rel->sha256);
    if ((err = ks_clearsigned_text(rel->file, b.ptr ? b.ptr : "", b.len, &text, diag)))
        goto done;
    ks_deb822_init(&r, rel->file, text.ptr, text.len);
    err = ks_deb822_next(&r, f, MAX_FIELDS, &n, &line, diag);
    if (err == KS_ENOTFOUND)
        err = ks_diag_set(diag, KS_EPARSE, "'%s': empty Release file", rel->file);
    if (err)
        goto done;
    rel->origin = dup_str(a, ks_deb822_get(f, n, "Origin"));
    rel->codename = dup_str(a, ks_deb822_get(f, n, "Codename"));
    rel->suite = dup_str(a, ks_deb822_get(f, n, "Suite"));
    rel->version = dup_str(a, ks_deb822_get(f, n, "Version"));
    rel->date = dup_str(a, ks_deb822_get(f, n, "Date"));
    struct ks_str sums = ks_deb822_get(f, n, "SHA256");
    if (!sums.ptr) {
        err = ks_diag_set(diag, KS_EPARSE, "'%s': no SHA256 field", rel->file);
        goto done;
    }
    /* " <hex> <size> <path>" per line */
    const char *p = sums.ptr, *end = sums.ptr + sums.len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        struct ks_str l = ks_str_trim((struct ks_str){p, (size_t)((nl ? nl : end) - p)});
        p = nl ? nl + 1 : end;
        if (!l.len)
            continue;
        char hex[65], path[1024];
        unsigned long long size;
        char lb[1200];
        if (l.len >= sizeof(lb)) {
            err = ks_diag_set(diag, KS_EPARSE, "'%s': SHA256 line too long", rel->file);
            goto done;
        }
        memcpy(lb, l.ptr, l.len);
        lb[l.len] = '\0';
        if (sscanf(lb, "%64s %llu %1023s", hex, &size, path) != 3 || strlen(hex) != 64 ||
            strspn(hex, "0123456789abcdef") != 64) {
            err = ks_diag_set(diag, KS_EPARSE, "'%s': bad SHA256 line '%.80s'", rel->file, lb);
            goto done;
        }
        struct apt_index ix = {ks_arena_strdup(a, path), size, ks_arena_strdup(a, hex)};
        if (!ix.path || !ix.sha256 || KS_VEC_PUSH(&rel->idx, ix)) {
            err = OOM(diag);
            goto done;
        }
    }
done:
    ks_buf_release(&b);
    return err;
}

/* "Debian:12" / "Ubuntu:22.04" from the Release fields. */
static const char *ecosystem_of(struct ks_arena *a, const struct apt_release *rel)
{
    const char *o = rel->origin ? rel->origin : "";
    if (!strcmp(o, "Debian")) {
        if (rel->version && *rel->version) {
            size_t n = strcspn(rel->version, ".");
            return ks_arena_printf(a, "Debian:%.*s", (int)n, rel->version);
        }
        return NULL;
    }
    if (!strcmp(o, "Ubuntu") && rel->version && *rel->version)
        return ks_arena_printf(a, "Ubuntu:%s", rel->version);
    return NULL;
}

/* An index file named by the Release (the first variant present on disk:
 * .xz, .gz, plain), checked against its size and SHA256, decompressed.
 * KS_ENOTFOUND when no variant is mirrored. */
static ks_err read_index(struct vdb_ctx *ctx, struct ks_arena *a, const char *dir,
                         const struct apt_release *rel, const char *base, struct ks_buf *out,
                         const char **used, struct ks_diag *diag)
{
    static const char *const exts[] = {".xz", ".gz", ""};
    for (size_t e = 0; e < 3; e++) {
        const struct apt_index *ix = NULL;
        size_t bl = strlen(base), el = strlen(exts[e]);
        for (size_t i = 0; i < rel->idx.len; i++) {
            const char *p = rel->idx.items[i].path;
            if (strlen(p) == bl + el && !memcmp(p, base, bl) && !strcmp(p + bl, exts[e]))
                ix = &rel->idx.items[i];
        }
        if (!ix)
            continue;
        const char *path = join(a, dir, ix->path);
        if (!path)
            return OOM(diag);
        if (!file_exists(path))
            continue;
        struct ks_buf raw = KS_BUF_INIT(0);
        unsigned char d[KS_SHA256_LEN];
        char hex[KS_SHA256_HEX];
        ks_err err = ks_file_read(path, ctx->lim->max_file_size, &raw, diag);
        if (!err) {
            ctx->rep->files++;
            ks_sha256_update(ctx->digest, raw.ptr, raw.len);
            ks_sha256(raw.ptr, raw.len, d);
            ks_hex(d, sizeof(d), hex);
            if (raw.len != ix->size || strcmp(hex, ix->sha256))
                err = ks_diag_set(diag, KS_EPARSE,
                                  "'%s': size %zu / SHA256 %.16s... do not match '%s' (%llu / "
                                  "%.16s...)",
                                  path, raw.len, hex, rel->file, (unsigned long long)ix->size,
                                  ix->sha256);
        }
        if (!err && el)
            err = ks_decompress_memory(raw.ptr ? raw.ptr : "", raw.len, path, ctx->lim, out,
                                       diag);
        else if (!err)
            err = ks_buf_add(out, raw.ptr ? raw.ptr : "", raw.len);
        ks_buf_release(&raw);
        *used = path;
        return err;
    }
    return KS_ENOTFOUND;
}

static int vcmp(const char *x, const char *y)
{
    int r = 0;
    if (ks_version_cmp(KS_SCHEME_DPKG, x, y, &r, NULL))
        return strcmp(x, y) < 0 ? -1 : strcmp(x, y) > 0;
    return r;
}

/* "name" or "name (version)" of a Source field; else the binary's own. */
static void source_of(struct ks_str src, struct ks_str pkg, struct ks_str ver, struct ks_str *name,
                      struct ks_str *version)
{
    *name = pkg;
    *version = ver;
    if (!src.len)
        return;
    const char *sp = memchr(src.ptr, ' ', src.len);
    name->ptr = src.ptr;
    name->len = sp ? (size_t)(sp - src.ptr) : src.len;
    const char *o = sp ? memchr(sp, '(', (size_t)(src.ptr + src.len - sp)) : NULL;
    const char *c = o ? memchr(o, ')', (size_t)(src.ptr + src.len - o)) : NULL;
    if (o && c)
        *version = ks_str_trim((struct ks_str){o + 1, (size_t)(c - o - 1)});
}

static bool valid_name(struct ks_str s)
{
    if (!s.len || s.len > 128)
        return false;
    for (size_t i = 0; i < s.len; i++) {
        char ch = s.ptr[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '+' || ch == '-' ||
              ch == '.'))
            return false;
    }
    return true;
}

/* One Packages index: binaries grouped by source package (the newest
 * source version only). With `base`, only source versions are kept. */
static ks_err read_packages(struct apt_state *s, const char *file, const char *text, size_t len,
                            bool base, struct ks_diag *diag)
{
    struct vdb_ctx *ctx = s->ctx;
    struct ks_deb822 r;
    struct ks_deb822_field f[MAX_FIELDS];
    struct ks_diag pd = KS_DIAG_INIT;
    size_t n;
    unsigned line;
    uint64_t count = 0;
    ks_err err;

    ks_deb822_init(&r, file, text, len);
    for (;;) {
        err = ks_deb822_next(&r, f, MAX_FIELDS, &n, &line, &pd);
        if (err == KS_ENOTFOUND)
            return KS_OK;
        if (++count > ctx->lim->max_entries)
            return ks_diag_set(diag, KS_ELIMIT, "'%s': more than %llu stanzas", file,
                               (unsigned long long)ctx->lim->max_entries);
        if (err == KS_EPARSE || err == KS_ELIMIT) {
            vdb_count_read(ctx);
            ctx->cur_file = NULL;
            if ((err = vdb_reject(ctx, "%s", pd.msg)))
                return ks_diag_set(diag, err, "%s", pd.msg);
            ks_diag_clear(&pd);
            continue;
        }
        if (err)
            return ks_diag_set(diag, err, "%s", pd.msg);
        struct ks_str pkg = ks_deb822_get(f, n, "Package");
        struct ks_str ver = ks_deb822_get(f, n, "Version");
        struct ks_str sname, sver;
        source_of(ks_deb822_get(f, n, "Source"), pkg, ver, &sname, &sver);
        if (!valid_name(pkg) || !valid_name(sname) || !ver.len || !sver.len) {
            vdb_count_read(ctx);
            ctx->cur_file = file;
            if ((err = vdb_reject(ctx, "line %u: stanza without a valid Package, Version or "
                                       "Source",
                                  line)))
                return ks_diag_set(diag, err, "'%s' line %u: bad stanza", file, line);
            continue;
        }
        char *sv = dup_str(&s->a, sver);
        if (!sv || !ks_version_valid(KS_SCHEME_DPKG, sv)) {
            if (!sv)
                return OOM(diag);
            vdb_count_read(ctx);
            ctx->cur_file = file;
            if ((err = vdb_reject(ctx, "line %u: '%.64s' is not a Debian version", line, sv)))
                return ks_diag_set(diag, err, "'%s' line %u: bad version", file, line);
            continue;
        }
        if (base) {
            const char *prev = ks_map_get(&s->base, sname.ptr, sname.len);
            if (!prev || vcmp(sv, prev) > 0) {
                const char *k = dup_str(&s->a, sname);
                if (!k || ks_map_put(&s->base, k, sname.len, sv))
                    return OOM(diag);
            }
            continue;
        }
        struct apt_bin b = {dup_str(&s->a, pkg), dup_str(&s->a, ks_deb822_get(f, n, "Filename")),
                            dup_str(&s->a, ks_deb822_get(f, n, "SHA256")), 0};
        struct ks_str size = ks_deb822_get(f, n, "Size");
        char sb[24];
        if (size.len && size.len < sizeof(sb)) {
            memcpy(sb, size.ptr, size.len);
            sb[size.len] = '\0';
            if (ks_parse_u64(sb, &b.size))
                b.size = 0;
        }
        if (!b.package)
            return OOM(diag);
        struct apt_src *src = ks_map_get(&s->srcs, sname.ptr, sname.len);
        if (src && vcmp(sv, src->version) < 0)
            continue; /* an older upload still in the index */
        if (src && vcmp(sv, src->version) > 0) {
            src->version = sv;
            src->bins.len = 0;
        }
        if (!src) {
            src = ks_arena_calloc(&s->a, 1, sizeof(*src));
            if (!src || !(src->name = dup_str(&s->a, sname)))
                return OOM(diag);
            src->version = sv;
            if (ks_map_put(&s->srcs, src->name, sname.len, src))
                return OOM(diag);
        }
        if (b.filename && b.sha256 && KS_VEC_PUSH(&src->bins, b))
            return OOM(diag);
    }
}

/* The Packages (binary-*) indexes a Release lists: `fn` on each present. */
static ks_err each_packages(struct apt_state *s, const char *dir, const struct apt_release *rel,
                            bool base, size_t *found, struct ks_diag *diag)
{
    struct ks_map seen = KS_MAP_INIT;
    ks_err err = KS_OK;
    *found = 0;
    for (size_t i = 0; !err && i < rel->idx.len; i++) {
        const char *p = rel->idx.items[i].path;
        size_t len = strlen(p);
        if (ks_ends_with(p, ".xz") || ks_ends_with(p, ".gz"))
            len -= 3;
        if (len < 9 || memcmp(p + len - 9, "/Packages", 9) || !strstr(p, "/binary-") ||
            strstr(p, "debian-installer"))
            continue;
        if (ks_map_get(&seen, p, len))
            continue;
        const char *b = ks_arena_strndup(&s->a, p, len), *used = NULL;
        if (!b || ks_map_put(&seen, b, len, (void *)(uintptr_t)1)) {
            err = OOM(diag);
            break;
        }
        struct ks_buf text = KS_BUF_INIT(0);
        err = read_index(s->ctx, &s->a, dir, rel, b, &text, &used, diag);
        if (err == KS_ENOTFOUND) {
            err = KS_OK; /* not mirrored: another architecture or component */
        } else if (err == KS_EPARSE || err == KS_ELIMIT) {
            /* an index that does not match its Release: not read */
            vdb_count_read(s->ctx);
            s->ctx->cur_file = NULL;
            char msg[KS_DIAG_MSG_MAX];
            snprintf(msg, sizeof(msg), "%s", diag->msg);
            ks_diag_clear(diag);
            if ((err = vdb_reject(s->ctx, "%s", msg)))
                ks_diag_set(diag, err, "%s", msg);
        } else if (!err) {
            (*found)++;
            err = read_packages(s, used, text.ptr ? text.ptr : "", text.len, base, diag);
        }
        ks_buf_release(&text);
    }
    ks_map_release(&seen);
    return err;
}

/* The base suite: a dists/SUITE directory (checked like the suite) or one
 * Packages file (plain, .gz, .xz; no Release to check it against). */
static ks_err read_base(struct apt_state *s, const char *base, struct ks_diag *diag)
{
    struct vdb_ctx *ctx = s->ctx;
    ks_err err;
    s->have_base = true;
    if (dir_exists(base)) {
        struct apt_release rel = {0};
        size_t found = 0;
        err = read_release(ctx, &s->a, base, &rel, diag);
        if (!err)
            err = each_packages(s, base, &rel, true, &found, diag);
        if (!err && !found)
            err = ks_diag_set(diag, KS_ENOTFOUND, "'%s': no Packages index of the base suite",
                              base);
        KS_VEC_RELEASE(&rel.idx);
        return err;
    }
    struct ks_buf b = KS_BUF_INIT(0);
    err = ks_decompress_file(base, ctx->lim, &b, diag);
    if (!err) {
        ctx->rep->files++;
        ks_sha256_update(ctx->digest, b.ptr, b.len);
        err = read_packages(s, base, b.ptr ? b.ptr : "", b.len, true, diag);
    }
    ks_buf_release(&b);
    return err;
}

/* ---- .deb ---- */

/* The data.tar.* member of an ar archive (a .deb) in memory. */
static ks_err deb_data(const char *name, const char *deb, size_t len, const char **data,
                       size_t *dlen, struct ks_diag *diag)
{
    if (len < 8 || memcmp(deb, "!<arch>\n", 8))
        return ks_diag_set(diag, KS_EPARSE, "'%s': not a .deb (no ar header)", name);
    size_t off = 8;
    bool binary = false;
    while (off + 60 <= len) {
        const char *h = deb + off;
        char nm[17], sz[11];
        memcpy(nm, h, 16);
        nm[16] = '\0';
        memcpy(sz, h + 48, 10);
        sz[10] = '\0';
        if (h[58] != '`' || h[59] != '\n')
            return ks_diag_set(diag, KS_EPARSE, "'%s': bad ar member header at %zu", name, off);
        for (int i = 15; i >= 0 && (nm[i] == ' ' || nm[i] == '/'); i--)
            nm[i] = '\0';
        for (int i = 9; i >= 0 && sz[i] == ' '; i--)
            sz[i] = '\0';
        uint64_t msize;
        if (ks_parse_u64(sz, &msize) || msize > len - off - 60)
            return ks_diag_set(diag, KS_EPARSE, "'%s': ar member '%s' has a bad size", name, nm);
        const char *body = h + 60;
        if (!strcmp(nm, "debian-binary"))
            binary = msize >= 4 && !memcmp(body, "2.", 2);
        if (!strncmp(nm, "data.tar", 8)) {
            if (!binary)
                return ks_diag_set(diag, KS_EPARSE, "'%s': not a Debian 2.x binary package",
                                   name);
            *data = body;
            *dlen = (size_t)msize;
            return KS_OK;
        }
        off += 60 + (size_t)msize + (msize & 1);
    }
    return ks_diag_set(diag, KS_EPARSE, "'%s': no data.tar member", name);
}

ks_err ks_vdb_deb_changelog(const char *name, const char *deb, size_t len, const char *pkg,
                           bool native, const struct ks_limits *lim, struct ks_buf *out,
                           struct ks_diag *diag)
{
    const char *data = NULL;
    size_t dlen = 0;
    struct ks_archive *ar = NULL;
    const struct ks_archive_entry *e;
    struct ks_buf want = KS_BUF_INIT(0), want2 = KS_BUF_INIT(0), gz = KS_BUF_INIT(0);
    ks_err err = deb_data(name, deb, len, &data, &dlen, diag);
    if (err)
        return err;
    ks_buf_addf(&want, "usr/share/doc/%s/changelog.Debian.gz", pkg);
    ks_buf_addf(&want2, "usr/share/doc/%s/changelog.gz", pkg);
    err = ks_archive_open_memory(&ar, data, dlen, name, KS_ARCHIVE_ANY, lim, NULL, diag);
    while (!err) {
        err = ks_archive_next(ar, &e, diag);
        if (err == KS_ENOTFOUND)
            break;
        if ((err == KS_EPARSE || err == KS_ELIMIT) && !ks_archive_failed(ar)) {
            err = KS_OK; /* a hostile member name: not ours */
            ks_diag_clear(diag);
            continue;
        }
        if (err)
            break;
        if (e->type != KS_ARCHIVE_FILE)
            continue;
        if (strcmp(e->name, ks_buf_str(&want)) && !(native && !strcmp(e->name, ks_buf_str(&want2))))
            continue;
        err = ks_archive_read_all(ar, lim->max_file_size, &gz, diag);
        if (!err)
            err = ks_decompress_memory(gz.ptr ? gz.ptr : "", gz.len, e->name, lim, out, diag);
        if (!err && !strcmp(e->name, ks_buf_str(&want)))
            break; /* the Debian changelog wins over a native one */
        if (!err) {
            /* changelog.gz of a native package: keep, look on */
            ks_buf_reset(&gz);
            continue;
        }
        break;
    }
    if (err == KS_ENOTFOUND && out->len)
        err = KS_OK;
    ks_archive_close(ar);
    ks_buf_release(&want);
    ks_buf_release(&want2);
    ks_buf_release(&gz);
    return err;
}

/* ---- records ---- */

struct apt_id {
    const char *id;
    const char *fixed_in; /* the newest entry naming it */
    const char *urgency;
    const char *published;
    struct ks_str text; /* that entry's changes */
};

typedef KS_VEC(struct apt_id) apt_id_vec;

static bool id_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* CVE-YYYY-NNNN+ and GHSA-xxxx-xxxx-xxxx in `t`, in order, appended to
 * `ids` unless a newer entry named them already: an id is fixed by the
 * newest entry naming it (a version below it has an entry newer than
 * itself naming the id). */
static ks_err find_ids(struct ks_arena *a, struct ks_str t, const struct ks_changelog_entry *e,
                       const char *version, apt_id_vec *ids, struct ks_diag *diag)
{
    for (size_t i = 0; i < t.len; i++) {
        if (i && id_char(t.ptr[i - 1]))
            continue;
        size_t n = 0;
        if (t.len - i >= 13 && !memcmp(t.ptr + i, "CVE-", 4)) {
            size_t k = i + 4;
            while (k < t.len && k < i + 8 && t.ptr[k] >= '0' && t.ptr[k] <= '9')
                k++;
            if (k != i + 8 || k >= t.len || t.ptr[k] != '-')
                continue;
            size_t d = ++k;
            while (k < t.len && t.ptr[k] >= '0' && t.ptr[k] <= '9' && k - d < 12)
                k++;
            if (k - d < 4 || (k < t.len && id_char(t.ptr[k])))
                continue;
            n = k - i;
        } else if (t.len - i >= 19 && !memcmp(t.ptr + i, "GHSA-", 5)) {
            bool ok = true;
            for (size_t g = 0; g < 3 && ok; g++) {
                const char *q = t.ptr + i + 5 + g * 5;
                for (int c = 0; c < 4; c++)
                    ok &= (q[c] >= 'a' && q[c] <= 'z') || (q[c] >= '0' && q[c] <= '9');
                if (g < 2)
                    ok &= q[4] == '-';
            }
            if (!ok || (t.len > i + 19 && id_char(t.ptr[i + 19])))
                continue;
            n = 19;
        } else {
            continue;
        }
        const char *id = ks_arena_strndup(a, t.ptr + i, n);
        if (!id)
            return OOM(diag);
        struct apt_id *hit = NULL;
        for (size_t k = 0; k < ids->len; k++)
            if (!strcmp(ids->items[k].id, id))
                hit = &ids->items[k];
        struct apt_id x = {id, version, dup_str(a, e->urgency), rfc3339(a, e->date), e->changes};
        if (!hit && KS_VEC_PUSH(ids, x))
            return OOM(diag);
        i += n - 1;
    }
    return KS_OK;
}

static const char *tracker_url(struct ks_arena *a, const char *eco, const char *id)
{
    if (ks_starts_with(id, "GHSA-"))
        return ks_arena_printf(a, "https://github.com/advisories/%s", id);
    if (ks_starts_with(eco, "Ubuntu"))
        return ks_arena_printf(a, "https://ubuntu.com/security/%s", id);
    return ks_arena_printf(a, "https://security-tracker.debian.org/tracker/%s", id);
}

/* One record: `id` fixed in `fixed_in` (range) for source `src`, the suite
 * holding `src->version`. */
static ks_err emit(struct apt_state *s, const struct apt_src *src, const char *id, bool is_vuln,
                   const char *fixed_in, const char *urgency, const char *published,
                   struct ks_str text, const char *summary, const char *deb,
                   struct ks_diag *diag)
{
    struct vdb_ctx *ctx = s->ctx;
    struct ks_arena *a = ctx->arena;
    struct vdb_record r = {0};
    struct ks_buf b = KS_BUF_INIT(0);
    struct ks_jw jw;
    const char *suite = s->rel.codename ? s->rel.codename : s->rel.suite ? s->rel.suite : "apt";

    vdb_count_read(ctx);
    r.feed = "apt";
    r.rid = ks_arena_printf(a, "%s/%s/%s", suite, src->name, id);
    r.modified = s->modified;
    r.published = published;
    r.summary = summary;
    r.names = ks_arena_calloc(a, 1, sizeof(char *));
    r.aff = ks_arena_calloc(a, 1, sizeof(*r.aff));
    r.sev = ks_arena_calloc(a, 1, sizeof(*r.sev));
    struct vdb_range *rg = ks_arena_calloc(a, 1, sizeof(*rg));
    struct vdb_event *ev = ks_arena_calloc(a, 2, sizeof(*ev));
    if (!r.rid || !r.names || !r.aff || !r.sev || !rg || !ev || !summary)
        return OOM(diag);
    r.names[r.nnames++] = id;
    ev[0] = (struct vdb_event){VDB_INTRODUCED, "0"};
    ev[1] = (struct vdb_event){VDB_FIXED, fixed_in};
    *rg = (struct vdb_range){"ECOSYSTEM", ev, 2};
    /* the range ends at the newest entry naming this id; `fixed` is what
     * the archive holds now (lookup reports the range's fix) */
    r.aff[r.naff++] = (struct vdb_affected){
            .ecosystem = s->ecosystem, .package = src->name, .state = "fixed",
            .fixed = src->version, .detail = ks_arena_printf(a, "%s%s%s", suite,
                                                             urgency ? ", urgency " : "",
                                                             urgency ? urgency : ""),
            .ranges = rg, .nranges = 1};
    if (urgency)
        r.sev[r.nsev++] = (struct vdb_severity){
                ks_starts_with(s->ecosystem, "Ubuntu") ? "ubuntu-urgency" : "debian-urgency",
                urgency, -1, NULL};
    ks_jw_init(&jw, &b, 0);
    ks_jw_obj_begin(&jw);
    if (text.len) {
        ks_jw_key(&jw, "details");
        ks_jw_strn(&jw, text.ptr, text.len > 8192 ? 8192 : text.len);
    }
    ks_jw_kstr(&jw, "suite", suite);
    ks_jw_kstr_opt(&jw, "release_date", s->modified);
    ks_jw_kstr(&jw, "release_sha256", s->rel.sha256);
    ks_jw_kstr(&jw, "changelog", deb);
    ks_jw_key(&jw, "references");
    ks_jw_arr_begin(&jw);
    if (is_vuln) {
        ks_jw_obj_begin(&jw);
        ks_jw_kstr(&jw, "type", "ADVISORY");
        ks_jw_kstr(&jw, "url", tracker_url(a, s->ecosystem, id));
        ks_jw_obj_end(&jw);
    }
    ks_jw_obj_begin(&jw);
    ks_jw_kstr(&jw, "type", "PACKAGE");
    ks_jw_kstr(&jw, "url", ks_starts_with(s->ecosystem, "Ubuntu")
                                   ? ks_arena_printf(a, "https://launchpad.net/ubuntu/+source/%s/%s",
                                                     src->name, src->version)
                                   : ks_arena_printf(a, "https://tracker.debian.org/pkg/%s",
                                                     src->name));
    ks_jw_obj_end(&jw);
    ks_jw_arr_end(&jw);
    ks_jw_obj_end(&jw);
    ks_err err = ks_jw_finish(&jw);
    if (!err) {
        r.blob = ks_arena_strndup(a, b.ptr, b.len);
        r.blob_len = b.len;
        if (!r.blob)
            err = KS_ENOMEM;
    }
    if (!err) {
        ks_buf_reset(&b);
        ks_buf_addf(&b, "%s\n%s\n%s\n%s\n%s\n%s\n%s\n", r.rid, s->ecosystem, src->version,
                    fixed_in, summary, urgency ? urgency : "", r.blob);
        ks_sha256(b.ptr, b.len, r.digest);
    }
    ks_buf_release(&b);
    if (err)
        return OOM(diag);
    return vdb_emit(ctx, &r, diag);
}

static bool security_dist(struct ks_str d)
{
    /* every distribution of the entry ends in "-security" */
    size_t pos = 0;
    bool any = false;
    while (pos < d.len) {
        while (pos < d.len && (d.ptr[pos] == ' ' || d.ptr[pos] == '\t'))
            pos++;
        size_t st = pos;
        while (pos < d.len && d.ptr[pos] != ' ' && d.ptr[pos] != '\t')
            pos++;
        if (pos == st)
            break;
        if (pos - st < 9 || memcmp(d.ptr + pos - 9, "-security", 9))
            return false;
        any = true;
    }
    return any;
}

/* One source package of the suite: its changelog's new entries -> records. */
static ks_err one_source(struct apt_state *s, struct apt_src *src, struct ks_diag *diag)
{
    struct vdb_ctx *ctx = s->ctx;
    const char *basev = s->have_base ? ks_map_get(&s->base, src->name, strlen(src->name)) : NULL;
    struct ks_buf deb = KS_BUF_INIT(0), cl = KS_BUF_INIT(0);
    const char *debname = NULL, *bin = NULL;
    ks_err err = KS_OK;
    bool mirrored = false;

    if (basev && vcmp(src->version, basev) <= 0) {
        s->not_newer++;
        return KS_OK;
    }
    /* smallest binaries first: the changelog is the same in each */
    for (size_t i = 1; i < src->bins.len; i++)
        for (size_t j = i; j > 0 && (src->bins.items[j].size < src->bins.items[j - 1].size ||
                                     (src->bins.items[j].size == src->bins.items[j - 1].size &&
                                      strcmp(src->bins.items[j].package,
                                             src->bins.items[j - 1].package) < 0));
             j--) {
            struct apt_bin t = src->bins.items[j];
            src->bins.items[j] = src->bins.items[j - 1];
            src->bins.items[j - 1] = t;
        }
    bool native = !strchr(src->version, '-');
    size_t tries = 0;
    for (size_t i = 0; i < src->bins.len && tries < MAX_TRIES; i++) {
        const struct apt_bin *b = &src->bins.items[i];
        struct ks_buf clean = KS_BUF_INIT(0);
        if (ks_archive_clean_name(b->filename, ctx->lim->max_path_len, &clean)) {
            ks_buf_release(&clean);
            vdb_count_read(ctx);
            ctx->cur_file = NULL;
            err = vdb_reject(ctx, "'%s': package '%s' has a hostile Filename '%.80s'",
                             s->rel.file, b->package, b->filename);
            goto done;
        }
        const char *path = ks_arena_printf(&s->a, "%s/%s", s->root, ks_buf_str(&clean));
        ks_buf_release(&clean);
        if (!path) {
            err = OOM(diag);
            goto done;
        }
        if (!file_exists(path))
            continue;
        mirrored = true;
        tries++;
        ks_buf_reset(&deb);
        ks_buf_reset(&cl);
        struct ks_diag d = KS_DIAG_INIT;
        unsigned char h[KS_SHA256_LEN];
        char hex[KS_SHA256_HEX];
        err = ks_file_read(path, ctx->lim->max_file_size, &deb, &d);
        if (!err) {
            ctx->rep->files++;
            ks_sha256(deb.ptr, deb.len, h);
            ks_hex(h, sizeof(h), hex);
            ks_sha256_update(ctx->digest, h, sizeof(h));
            if (strcmp(hex, b->sha256))
                err = ks_diag_set(&d, KS_EPARSE, "'%s': SHA256 does not match its Packages "
                                                 "stanza",
                                  path);
        }
        if (!err)
            err = ks_vdb_deb_changelog(path, deb.ptr ? deb.ptr : "", deb.len, b->package, native,
                                       ctx->lim, &cl, &d);
        if (err == KS_ENOTFOUND || (!err && !cl.len)) {
            err = KS_OK;
            continue; /* doc directory linked to another binary's: try the next */
        }
        if (err == KS_EPARSE || err == KS_ELIMIT || err == KS_EIO) {
            vdb_count_read(ctx);
            ctx->cur_file = NULL;
            err = vdb_reject(ctx, "%s", d.msg);
            goto done;
        }
        if (err) {
            ks_diag_set(diag, err, "%s", d.msg);
            goto done;
        }
        debname = path;
        bin = b->package;
        break;
    }
    if (!mirrored) {
        if (s->not_mirrored++ < MAX_NAMED)
            ks_buf_addf(&s->missing, "%s%s", s->missing.len ? ", " : "", src->name);
        goto done;
    }
    if (!debname) {
        vdb_count_read(ctx);
        ctx->cur_file = NULL;
        err = vdb_reject(ctx, "source package '%s' %s: no changelog in the %zu .deb files tried",
                         src->name, src->version, tries);
        goto done;
    }

    /* the changelog's new entries */
    const char *where = ks_arena_printf(&s->a, "%s!/usr/share/doc/%s/changelog", debname, bin);
    struct ks_changelog it;
    struct ks_changelog_entry e;
    struct ks_diag d = KS_DIAG_INIT;
    apt_id_vec ids = KS_VEC_INIT;
    const char *published = NULL, *urgency = NULL;
    struct ks_str first_text = {NULL, 0};
    size_t nentries = 0;
    ks_arena_reset(ctx->arena);
    ks_changelog_init(&it, where, cl.ptr ? cl.ptr : "", cl.len);
    while (!(err = ks_changelog_next(&it, &e, &d))) {
        const char *v = dup_str(ctx->arena, e.version);
        if (!v) {
            err = OOM(diag);
            break;
        }
        if (nentries == 0) {
            if (!ks_str_eq(e.source, src->name) || strcmp(v, src->version)) {
                err = ks_diag_set(&d, KS_EPARSE, "'%s': starts with '%.*s (%s)', not '%s (%s)'",
                                  where, (int)e.source.len, e.source.ptr, v, src->name,
                                  src->version);
                break;
            }
            published = rfc3339(ctx->arena, e.date);
            urgency = dup_str(ctx->arena, e.urgency);
            first_text = e.changes;
        } else if (basev ? vcmp(v, basev) <= 0 : !security_dist(e.distributions)) {
            break;
        }
        nentries++;
        if ((err = find_ids(ctx->arena, e.changes, &e, v, &ids, diag)))
            break;
    }
    if (err == KS_ENOTFOUND)
        err = KS_OK;
    if (err == KS_EPARSE) {
        vdb_count_read(ctx);
        ctx->cur_file = NULL;
        err = vdb_reject(ctx, "%s", d.msg);
    }
    for (size_t i = 0; !err && i < ids.len; i++) {
        const struct apt_id *x = &ids.items[i];
        err = emit(s, src, x->id, true, x->fixed_in, x->urgency, x->published, x->text,
                   ks_arena_printf(ctx->arena, "%s: fixed in %s %s (%s)", x->id, src->name,
                                   x->fixed_in, s->rel.codename ? s->rel.codename : "apt"),
                   where, diag);
    }
    if (!err && nentries && !ids.len) {
        const char *id = ks_arena_printf(ctx->arena, "%s-UPDATE-%s-%s",
                                         ks_starts_with(s->ecosystem, "Ubuntu") ? "UBUNTU"
                                                                                : "DEBIAN",
                                         src->name, src->version);
        err = id ? emit(s, src, id, false, src->version, urgency, published, first_text,
                        ks_arena_printf(ctx->arena,
                                        "security update, no CVE: %s %s (%s)", src->name,
                                        src->version,
                                        s->rel.codename ? s->rel.codename : "apt"),
                        where, diag)
                 : OOM(diag);
    }
    KS_VEC_RELEASE(&ids);
done:
    ks_buf_release(&deb);
    ks_buf_release(&cl);
    return err;
}

static int cmp_src(const void *x, const void *y)
{
    return strcmp((*(struct apt_src *const *)x)->name, (*(struct apt_src *const *)y)->name);
}

static void note(struct vdb_ctx *ctx, const char *fmt, ...) KS_PRINTF(2, 3);
static void note(struct vdb_ctx *ctx, const char *fmt, ...)
{
    if (ctx->rep->nnotes >= KS_VDB_MAX_NOTES)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->rep->notes[ctx->rep->nnotes++], KS_DIAG_MSG_MAX, fmt, ap);
    va_end(ap);
}

ks_err vdb_read_apt(struct vdb_ctx *ctx, const char *path, struct ks_diag *diag)
{
    struct apt_state s = {0};
    KS_VEC(struct apt_src *) order = KS_VEC_INIT;
    ks_err err;
    size_t found = 0;

    s.ctx = ctx;
    ks_arena_init(&s.a, 1 << 20, 0);
    ks_buf_init(&s.missing, 0);
    snprintf(ctx->rep->format, sizeof(ctx->rep->format), "apt");
    s.suite_dir = suite_dir_of(&s.a, path, &s.root, diag, &err);
    if (!s.suite_dir) {
        if (!err)
            err = ks_diag_set(diag, KS_EINVAL, "'%s': not an apt mirror (no dists/ or Release)",
                              path);
        goto done;
    }
    if ((err = read_release(ctx, &s.a, s.suite_dir, &s.rel, diag)))
        goto done;
    s.ecosystem = ctx->ecosystem ? ctx->ecosystem : ecosystem_of(&s.a, &s.rel);
    if (!s.ecosystem) {
        err = ks_diag_set(diag, KS_EINVAL,
                          "'%s': cannot tell the release from Origin '%s' Version '%s'; give "
                          "--ecosystem (e.g. Debian:12)",
                          s.rel.file, s.rel.origin ? s.rel.origin : "",
                          s.rel.version ? s.rel.version : "");
        goto done;
    }
    s.modified = s.rel.date ? rfc3339(&s.a, ks_str_of(s.rel.date)) : NULL;
    if (ctx->apt_base && (err = read_base(&s, ctx->apt_base, diag)))
        goto done;
    if ((err = each_packages(&s, s.suite_dir, &s.rel, false, &found, diag)))
        goto done;
    if (!found) {
        err = ks_diag_set(diag, KS_ENOTFOUND, "'%s': none of the Packages indexes it lists is "
                                              "in the mirror",
                          s.rel.file);
        goto done;
    }
    size_t pos = 0;
    for (struct ks_map_slot *sl; (sl = ks_map_next(&s.srcs, &pos));)
        if (KS_VEC_PUSH(&order, (struct apt_src *)sl->value)) {
            err = OOM(diag);
            goto done;
        }
    if (order.len)
        qsort(order.items, order.len, sizeof(*order.items), cmp_src);
    for (size_t i = 0; !err && i < order.len; i++)
        err = one_source(&s, order.items[i], diag);
    if (err == KS_EPARSE && !diag->msg[0] && ctx->rep->nrejects_kept)
        ks_diag_set(diag, err, "%s", ctx->rep->rejects[ctx->rep->nrejects_kept - 1]);
    note(ctx, "%s: %s, %s, Release %s SHA256 %s", ctx->rep->name,
         s.rel.codename ? s.rel.codename : "?", s.ecosystem, s.rel.date ? s.rel.date : "(no date)",
         s.rel.sha256);
    if (s.have_base)
        note(ctx, "%llu source packages not newer than the base suite ('%s')",
             (unsigned long long)s.not_newer, ctx->apt_base);
    if (s.not_mirrored) {
        ctx->rep->skipped += s.not_mirrored;
        note(ctx, "%llu source packages skipped: no .deb in the mirror's pool/ (not mirrored: "
                  "%s%s)",
             (unsigned long long)s.not_mirrored, ks_buf_str(&s.missing),
             s.not_mirrored > MAX_NAMED ? ", ..." : "");
    }
done:
    {
        size_t p = 0;
        for (struct ks_map_slot *sl; (sl = ks_map_next(&s.srcs, &p));)
            KS_VEC_RELEASE(&((struct apt_src *)sl->value)->bins);
    }
    KS_VEC_RELEASE(&order);
    KS_VEC_RELEASE(&s.rel.idx);
    ks_map_release(&s.srcs);
    ks_map_release(&s.base);
    ks_buf_release(&s.missing);
    ks_arena_release(&s.a);
    return err;
}

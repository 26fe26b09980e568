#include "core/ks_common.h"

#include "ingest/archive.h"

#include "core/dl.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <unistd.h>

/* libarchive, loaded on first use (core/dl.h): only a target that needs it pays for it */
#define KS_ARCHIVE_FNS(X) \
    X(archive_entry_filetype) \
    X(archive_entry_hardlink) \
    X(archive_entry_mode) \
    X(archive_entry_mtime) \
    X(archive_entry_mtime_is_set) \
    X(archive_entry_pathname) \
    X(archive_entry_pathname_utf8) \
    X(archive_entry_size) \
    X(archive_entry_size_is_set) \
    X(archive_entry_symlink) \
    X(archive_error_string) \
    X(archive_filter_bytes) \
    X(archive_filter_code) \
    X(archive_filter_count) \
    X(archive_filter_name) \
    X(archive_format_name) \
    X(archive_read_data) \
    X(archive_read_free) \
    X(archive_read_new) \
    X(archive_read_next_header) \
    X(archive_read_open1) \
    X(archive_read_set_callback_data) \
    X(archive_read_set_read_callback) \
    X(archive_read_set_seek_callback) \
    X(archive_read_set_skip_callback) \
    X(archive_read_support_filter_bzip2) \
    X(archive_read_support_filter_gzip) \
    X(archive_read_support_filter_lzma) \
    X(archive_read_support_filter_xz) \
    X(archive_read_support_filter_zstd) \
    X(archive_read_support_format_empty) \
    X(archive_read_support_format_gnutar) \
    X(archive_read_support_format_raw) \
    X(archive_read_support_format_tar) \
    X(archive_read_support_format_zip) \
    X(archive_version_string)

KS_DL_LIBRARY(lib_archive, KS_ARCHIVE_FNS, "libarchive.so.13",
              "read archives and images");

#define archive_entry_filetype (lib_archive.archive_entry_filetype)
#define archive_entry_hardlink (lib_archive.archive_entry_hardlink)
#define archive_entry_mode (lib_archive.archive_entry_mode)
#define archive_entry_mtime (lib_archive.archive_entry_mtime)
#define archive_entry_mtime_is_set (lib_archive.archive_entry_mtime_is_set)
#define archive_entry_pathname (lib_archive.archive_entry_pathname)
#define archive_entry_pathname_utf8 (lib_archive.archive_entry_pathname_utf8)
#define archive_entry_size (lib_archive.archive_entry_size)
#define archive_entry_size_is_set (lib_archive.archive_entry_size_is_set)
#define archive_entry_symlink (lib_archive.archive_entry_symlink)
#define archive_error_string (lib_archive.archive_error_string)
#define archive_filter_bytes (lib_archive.archive_filter_bytes)
#define archive_filter_code (lib_archive.archive_filter_code)
#define archive_filter_count (lib_archive.archive_filter_count)
#define archive_filter_name (lib_archive.archive_filter_name)
#define archive_format_name (lib_archive.archive_format_name)
#define archive_read_data (lib_archive.archive_read_data)
#define archive_read_free (lib_archive.archive_read_free)
#define archive_read_new (lib_archive.archive_read_new)
#define archive_read_next_header (lib_archive.archive_read_next_header)
#define archive_read_open1 (lib_archive.archive_read_open1)
#define archive_read_set_callback_data (lib_archive.archive_read_set_callback_data)
#define archive_read_set_read_callback (lib_archive.archive_read_set_read_callback)
#define archive_read_set_seek_callback (lib_archive.archive_read_set_seek_callback)
#define archive_read_set_skip_callback (lib_archive.archive_read_set_skip_callback)
#define archive_read_support_filter_bzip2 (lib_archive.archive_read_support_filter_bzip2)
#define archive_read_support_filter_gzip (lib_archive.archive_read_support_filter_gzip)
#define archive_read_support_filter_lzma (lib_archive.archive_read_support_filter_lzma)
#define archive_read_support_filter_xz (lib_archive.archive_read_support_filter_xz)
#define archive_read_support_filter_zstd (lib_archive.archive_read_support_filter_zstd)
#define archive_read_support_format_empty (lib_archive.archive_read_support_format_empty)
#define archive_read_support_format_gnutar (lib_archive.archive_read_support_format_gnutar)
#define archive_read_support_format_raw (lib_archive.archive_read_support_format_raw)
#define archive_read_support_format_tar (lib_archive.archive_read_support_format_tar)
#define archive_read_support_format_zip (lib_archive.archive_read_support_format_zip)
#define archive_version_string (lib_archive.archive_version_string)

#define IOBUF_SIZE  (128 * 1024)
#define RATIO_FLOOR (1u << 20) /* ratio is only meaningful past this many bytes */

enum source { SRC_FD, SRC_MEM, SRC_FN, SRC_MEMBER };

struct ks_archive {
    struct archive *a;
    char *name;
    const struct ks_limits *lim;
    struct ks_archive_budget *budget;
    struct ks_archive_budget own_budget;
    uint32_t depth;
    enum ks_archive_mode mode;

    enum source src;
    int fd;
    bool own_fd;
    uint64_t fd_size;
    const unsigned char *mem;
    size_t mem_len;
    uint64_t pos; /* read position in the fd or memory source */
    ks_archive_read_fn *fn;
    void *fn_ctx;
    struct ks_archive *parent;
    unsigned char *iobuf;

    uint64_t consumed;  /* raw bytes handed to libarchive */
    uint64_t data_read; /* member bytes handed to the caller */
    uint64_t charged;   /* bytes of this archive charged to budget->expanded */

    ks_err fatal; /* sticky */
    struct ks_diag fatal_diag;
    bool entry_ok; /* an entry is current and its data may be read */

    struct ks_archive_entry entry;
    struct ks_buf namebuf;
    struct ks_buf linkbuf;
};

/* Remembers the first fatal error and copies it to `diag`. */
static ks_err set_fatal(struct ks_archive *ar, struct ks_diag *diag, ks_err code, const char *fmt,
                        ...) KS_PRINTF(4, 5);

static ks_err set_fatal(struct ks_archive *ar, struct ks_diag *diag, ks_err code, const char *fmt,
                        ...)
{
    va_list ap;

    if (!ar->fatal) {
        ar->fatal = code;
        ar->fatal_diag.code = code;
        va_start(ap, fmt);
        vsnprintf(ar->fatal_diag.msg, sizeof(ar->fatal_diag.msg), fmt, ap);
        va_end(ap);
    }
    if (diag)
        *diag = ar->fatal_diag;
    return ar->fatal;
}

/* Bytes this archive's decompressors (or the caller's member reads) produced. */
static uint64_t expanded_of(struct ks_archive *ar)
{
    int64_t out;
    uint64_t e;

    /* Without a decompression filter the stream position says nothing about
     * expansion (and jumps with seeks in zips): only member data counts. */
    if (!ar->a || archive_filter_count(ar->a) < 2 || archive_filter_code(ar->a, 0) == ARCHIVE_FILTER_NONE)
        return ar->data_read;
    out = archive_filter_bytes(ar->a, 0);
    e = out > 0 ? (uint64_t)out : 0;
    return KS_MAX(e, ar->data_read);
}

/* Charges new expansion to the shared budget and checks the ratio. Called
 * from the read callbacks too, so that skipped data is accounted for. */
static ks_err account(struct ks_archive *ar)
{
    uint64_t e = expanded_of(ar), own = e;

    /* A nested archive's input was already charged to its parent. */
    if (ar->parent)
        own = e > ar->consumed ? e - ar->consumed : 0;
    if (own > ar->charged) {
        ar->budget->expanded += own - ar->charged;
        ar->charged = own;
    }
    if (ar->budget->expanded > ar->lim->max_expanded)
        return set_fatal(ar, NULL, KS_ELIMIT,
                         "'%s': more than %" PRIu64 " bytes expanded (max_expanded)", ar->name,
                         ar->lim->max_expanded);
    if (e > RATIO_FLOOR && e / KS_MAX(ar->consumed, 1) > ar->lim->max_ratio)
        return set_fatal(ar, NULL, KS_ELIMIT,
                         "'%s': compression ratio above %u (max_ratio): decompression bomb?",
                         ar->name, ar->lim->max_ratio);
    return KS_OK;
}

static la_ssize_t cb_read(struct archive *a, void *ctx, const void **buf)
{
    struct ks_archive *ar = ctx;
    size_t n = 0;

    KS_UNUSED(a);
    if (ar->fatal || account(ar))
        return -1;
    switch (ar->src) {
    case SRC_FD: {
        ssize_t r;
        do {
            r = pread(ar->fd, ar->iobuf, IOBUF_SIZE, (off_t)ar->pos);
        } while (r < 0 && errno == EINTR);
        if (r < 0) {
            ks_diag_errno(&ar->fatal_diag, KS_EIO, "cannot read '%s'", ar->name);
            ar->fatal = KS_EIO;
            return -1;
        }
        n = (size_t)r;
        *buf = ar->iobuf;
        break;
    }
    case SRC_MEM:
        n = KS_MIN((size_t)(ar->mem_len - ar->pos), (size_t)IOBUF_SIZE);
        *buf = ar->mem + ar->pos;
        break;
    case SRC_FN: {
        struct ks_diag d = KS_DIAG_INIT;
        ks_err err = ar->fn(ar->fn_ctx, buf, &n, &d);
        if (err) {
            ar->fatal = err;
            ar->fatal_diag = d;
            ar->fatal_diag.code = err;
            return -1;
        }
        break;
    }
    case SRC_MEMBER: {
        struct ks_diag d = KS_DIAG_INIT;
        ks_err err = ks_archive_read(ar->parent, ar->iobuf, IOBUF_SIZE, &n, &d);
        if (err) {
            ar->fatal = err;
            ar->fatal_diag = d;
            return -1;
        }
        *buf = ar->iobuf;
        break;
    }
    }
    ar->pos += n;
    ar->consumed += n;
    return (la_ssize_t)n;
}

static la_int64_t cb_seek(struct archive *a, void *ctx, la_int64_t off, int whence)
{
    struct ks_archive *ar = ctx;
    uint64_t size = ar->src == SRC_FD ? ar->fd_size : ar->mem_len;
    int64_t base;

    KS_UNUSED(a);
    switch (whence) {
    case SEEK_SET:
        base = 0;
        break;
    case SEEK_CUR:
        base = (int64_t)ar->pos;
        break;
    case SEEK_END:
        base = (int64_t)size;
        break;
    default:
        return ARCHIVE_FATAL;
    }
    if (off < -base || base + off > (int64_t)size)
        return ARCHIVE_FATAL;
    ar->pos = (uint64_t)(base + off);
    return (la_int64_t)ar->pos;
}

static la_int64_t cb_skip(struct archive *a, void *ctx, la_int64_t request)
{
    struct ks_archive *ar = ctx;
    uint64_t size = ar->src == SRC_FD ? ar->fd_size : ar->mem_len;
    uint64_t left = size > ar->pos ? size - ar->pos : 0;
    uint64_t n = request > 0 ? KS_MIN((uint64_t)request, left) : 0;

    KS_UNUSED(a);
    /* Skipped raw bytes are not "consumed" for the ratio: they were never
     * decompressed, so they cannot inflate anything. */
    ar->pos += n;
    return (la_int64_t)n;
}

static ks_err new_archive(struct ks_archive **out, const char *name, enum ks_archive_mode mode,
                          const struct ks_limits *lim, struct ks_archive_budget *budget,
                          uint32_t depth, struct ks_diag *diag)
{
    struct ks_archive *ar;
    ks_err err;

    *out = NULL;
    if ((err = ks_archive_load(diag)))
        return err;
    if (depth > lim->max_archive_depth)
        return ks_diag_set(diag, KS_ELIMIT, "'%s': archives nested deeper than %u (max_archive_depth)",
                           name, lim->max_archive_depth);
    ar = calloc(1, sizeof(*ar));
    if (!ar)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    ar->name = strdup(name);
    ar->iobuf = malloc(IOBUF_SIZE);
    ar->a = archive_read_new();
    if (!ar->name || !ar->iobuf || !ar->a) {
        ks_archive_close(ar);
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    }
    ar->fd = -1;
    ar->lim = lim;
    ar->budget = budget ? budget : &ar->own_budget;
    ar->depth = depth;
    ar->mode = mode;
    ks_buf_init(&ar->namebuf, 0);
    ks_buf_init(&ar->linkbuf, 0);
    /* Only the formats and filters kensa has a use for: less attack surface. */
    archive_read_support_filter_gzip(ar->a);
    archive_read_support_filter_xz(ar->a);
    archive_read_support_filter_lzma(ar->a);
    archive_read_support_filter_zstd(ar->a);
    archive_read_support_filter_bzip2(ar->a);
    if (mode == KS_ARCHIVE_RAW) {
        archive_read_support_format_raw(ar->a);
        archive_read_support_format_empty(ar->a);
    } else {
        archive_read_support_format_tar(ar->a);
        archive_read_support_format_gnutar(ar->a);
        archive_read_support_format_zip(ar->a);
        archive_read_support_format_empty(ar->a);
    }
    *out = ar;
    return KS_OK;
}

static ks_err start(struct ks_archive **out, struct ks_archive *ar, bool seekable,
                    struct ks_diag *diag)
{
    int r;

    archive_read_set_callback_data(ar->a, ar);
    archive_read_set_read_callback(ar->a, cb_read);
    if (seekable) {
        archive_read_set_seek_callback(ar->a, cb_seek);
        archive_read_set_skip_callback(ar->a, cb_skip);
    }
    r = archive_read_open1(ar->a);
    if (r != ARCHIVE_OK) {
        ks_err err;
        if (ar->fatal) {
            err = ar->fatal;
            if (diag)
                *diag = ar->fatal_diag;
        } else {
            err = ks_diag_set(diag, KS_EPARSE, "'%s': not a supported archive: %s", ar->name,
                              archive_error_string(ar->a) ? archive_error_string(ar->a)
                                                          : "unknown error");
        }
        ks_archive_close(ar);
        *out = NULL;
        return err;
    }
    *out = ar;
    return KS_OK;
}

ks_err ks_archive_open_fd(struct ks_archive **out, int fd, const char *name,
                          enum ks_archive_mode mode, const struct ks_limits *lim,
                          struct ks_archive_budget *budget, struct ks_diag *diag)
{
    struct ks_archive *ar;
    struct stat st;
    ks_err err;

    *out = NULL;
    if (fstat(fd, &st) < 0)
        return ks_diag_errno(diag, KS_EIO, "cannot stat '%s'", name);
    if (!S_ISREG(st.st_mode))
        return ks_diag_set(diag, KS_EINVAL, "'%s' is not a regular file", name);
    err = new_archive(&ar, name, mode, lim, budget, 1, diag);
    if (err)
        return err;
    ar->src = SRC_FD;
    ar->fd = fd;
    ar->fd_size = (uint64_t)st.st_size;
    return start(out, ar, true, diag);
}

ks_err ks_archive_open_file(struct ks_archive **out, const char *path, enum ks_archive_mode mode,
                            const struct ks_limits *lim, struct ks_archive_budget *budget,
                            struct ks_diag *diag)
{
    int fd;
    ks_err err;

    *out = NULL;
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return ks_diag_errno(diag, errno == ENOENT ? KS_ENOTFOUND : KS_EIO, "cannot open '%s'",
                             path);
    err = ks_archive_open_fd(out, fd, path, mode, lim, budget, diag);
    if (err) {
        close(fd);
        return err;
    }
    (*out)->own_fd = true;
    return KS_OK;
}

ks_err ks_archive_open_memory(struct ks_archive **out, const void *data, size_t len,
                              const char *name, enum ks_archive_mode mode,
                              const struct ks_limits *lim, struct ks_archive_budget *budget,
                              struct ks_diag *diag)
{
    struct ks_archive *ar;
    ks_err err = new_archive(&ar, name, mode, lim, budget, 1, diag);

    if (err)
        return err;
    ar->src = SRC_MEM;
    ar->mem = data;
    ar->mem_len = len;
    return start(out, ar, true, diag);
}

ks_err ks_archive_open_reader(struct ks_archive **out, ks_archive_read_fn *fn, void *ctx,
                              const char *name, enum ks_archive_mode mode,
                              const struct ks_limits *lim, struct ks_archive_budget *budget,
                              struct ks_diag *diag)
{
    struct ks_archive *ar;
    ks_err err = new_archive(&ar, name, mode, lim, budget, 1, diag);

    if (err)
        return err;
    ar->src = SRC_FN;
    ar->fn = fn;
    ar->fn_ctx = ctx;
    return start(out, ar, false, diag);
}

ks_err ks_archive_open_member(struct ks_archive **out, struct ks_archive *parent,
                              enum ks_archive_mode mode, struct ks_diag *diag)
{
    struct ks_archive *ar;
    struct ks_buf name = KS_BUF_INIT(0);
    ks_err err;

    *out = NULL;
    if (!parent->entry_ok)
        return ks_diag_set(diag, KS_EINVAL, "'%s': no current member to open", parent->name);
    if (ks_buf_addf(&name, "%s!/%s", parent->name, parent->entry.name))
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    err = new_archive(&ar, ks_buf_str(&name), mode, parent->lim, parent->budget,
                      parent->depth + 1, diag);
    ks_buf_release(&name);
    if (err)
        return err;
    ar->src = SRC_MEMBER;
    ar->parent = parent;
    return start(out, ar, false, diag);
}

static bool is_dotdot(const char *s, size_t n)
{
    return n == 2 && s[0] == '.' && s[1] == '.';
}

ks_err ks_archive_clean_name(const char *name, size_t max_len, struct ks_buf *out)
{
    const char *p = name;

    ks_buf_reset(out);
    if (strlen(name) > max_len)
        return KS_ELIMIT;
    if (*p == '/' || *p == '\\')
        return KS_EPARSE;
    while (*p) {
        const char *q = p;
        size_t n;
        while (*q && *q != '/')
            q++;
        n = (size_t)(q - p);
        if (n > 0 && !(n == 1 && p[0] == '.')) {
            /* ".." anywhere, also between backslashes ("a\..\b", "..\x"). */
            const char *s = p;
            for (size_t i = 0; i <= n; i++) {
                if (i == n || p[i] == '\\') {
                    if (is_dotdot(s, (size_t)(p + i - s)))
                        return KS_EPARSE;
                    s = p + i + 1;
                }
            }
            if (out->len && ks_buf_addc(out, '/'))
                return KS_ENOMEM;
            if (ks_buf_add(out, p, n))
                return KS_ENOMEM;
        }
        p = *q ? q + 1 : q;
    }
    return out->len ? KS_OK : KS_ENOTFOUND;
}

ks_err ks_archive_next(struct ks_archive *ar, const struct ks_archive_entry **entry,
                       struct ks_diag *diag)
{
    struct archive_entry *ae;
    const char *raw, *hl;
    ks_err err;
    int r;

    *entry = NULL;
    ar->entry_ok = false;
    for (;;) {
        if (ar->fatal)
            return set_fatal(ar, diag, ar->fatal, "%s", ar->fatal_diag.msg);
        r = archive_read_next_header(ar->a, &ae);
        if (!ar->fatal && account(ar) != KS_OK)
            return set_fatal(ar, diag, ar->fatal, "%s", ar->fatal_diag.msg);
        if (r == ARCHIVE_EOF)
            return KS_ENOTFOUND;
        if (r < ARCHIVE_WARN) {
            if (ar->fatal)
                return set_fatal(ar, diag, ar->fatal, "%s", ar->fatal_diag.msg);
            return set_fatal(ar, diag, KS_EPARSE, "'%s': corrupt archive: %s", ar->name,
                             archive_error_string(ar->a) ? archive_error_string(ar->a)
                                                         : "unknown error");
        }
        if (++ar->budget->entries > ar->lim->max_entries)
            return set_fatal(ar, diag, KS_ELIMIT,
                             "'%s': more than %" PRIu64 " entries (max_entries)", ar->name,
                             ar->lim->max_entries);
        if (ar->mode == KS_ARCHIVE_RAW) {
            raw = "data";
        } else {
            raw = archive_entry_pathname(ae);
            if (!raw)
                raw = archive_entry_pathname_utf8(ae);
            if (!raw)
                return ks_diag_set(diag, KS_EPARSE, "'%s': entry without a readable name",
                                   ar->name);
        }
        err = ks_archive_clean_name(raw, ar->lim->max_path_len, &ar->namebuf);
        if (err == KS_ENOTFOUND)
            continue; /* "./": the root itself */
        if (err == KS_ENOMEM)
            return set_fatal(ar, diag, KS_ENOMEM, "out of memory");
        if (err == KS_ELIMIT)
            return ks_diag_set(diag, KS_ELIMIT,
                               "'%s': entry name longer than %u bytes (max_path_len)", ar->name,
                               ar->lim->max_path_len);
        if (err)
            return ks_diag_set(diag, KS_EPARSE, "'%s': hostile entry name '%.200s' rejected",
                               ar->name, raw);
        break;
    }

    memset(&ar->entry, 0, sizeof(ar->entry));
    ar->entry.name = ks_buf_str(&ar->namebuf);
    ar->entry.mode = (unsigned)archive_entry_mode(ae);
    ar->entry.size_known = archive_entry_size_is_set(ae) != 0;
    ar->entry.size = ar->entry.size_known && archive_entry_size(ae) > 0
                             ? (uint64_t)archive_entry_size(ae)
                             : 0;
    ar->entry.mtime = archive_entry_mtime_is_set(ae) ? (int64_t)archive_entry_mtime(ae) : 0;
    hl = archive_entry_hardlink(ae);
    if (hl && ar->mode != KS_ARCHIVE_RAW) {
        err = ks_archive_clean_name(hl, ar->lim->max_path_len, &ar->linkbuf);
        if (err == KS_ENOMEM)
            return set_fatal(ar, diag, KS_ENOMEM, "out of memory");
        if (err)
            return ks_diag_set(diag, KS_EPARSE, "'%s': hostile hard link target '%.200s' rejected",
                               ar->name, hl);
        ar->entry.type = KS_ARCHIVE_HARDLINK;
        ar->entry.link = ks_buf_str(&ar->linkbuf);
    } else {
        switch (archive_entry_filetype(ae)) {
        case AE_IFREG:
            ar->entry.type = KS_ARCHIVE_FILE;
            break;
        case AE_IFDIR:
            ar->entry.type = KS_ARCHIVE_DIR;
            break;
        case AE_IFLNK: {
            const char *t = archive_entry_symlink(ae);
            ar->entry.type = KS_ARCHIVE_SYMLINK;
            ks_buf_reset(&ar->linkbuf);
            if (!t || strlen(t) > ar->lim->max_path_len)
                return ks_diag_set(diag, KS_ELIMIT, "'%s': bad symlink target for '%s'",
                                   ar->name, ar->entry.name);
            if (ks_buf_adds(&ar->linkbuf, t))
                return set_fatal(ar, diag, KS_ENOMEM, "out of memory");
            ar->entry.link = ks_buf_str(&ar->linkbuf);
            break;
        }
        case 0:
            /* raw format and some zips leave the type unset: a file. */
            ar->entry.type = KS_ARCHIVE_FILE;
            ar->entry.mode |= S_IFREG;
            break;
        default:
            ar->entry.type = KS_ARCHIVE_OTHER;
            break;
        }
    }
    ar->entry_ok = true;
    *entry = &ar->entry;
    return KS_OK;
}

ks_err ks_archive_read(struct ks_archive *ar, void *buf, size_t cap, size_t *got,
                       struct ks_diag *diag)
{
    la_ssize_t r;

    *got = 0;
    if (ar->fatal)
        return set_fatal(ar, diag, ar->fatal, "%s", ar->fatal_diag.msg);
    if (!ar->entry_ok || cap == 0)
        return KS_OK;
    r = archive_read_data(ar->a, buf, cap);
    if (r < 0) {
        if (ar->fatal)
            return set_fatal(ar, diag, ar->fatal, "%s", ar->fatal_diag.msg);
        return set_fatal(ar, diag, KS_EPARSE, "'%s': cannot read '%s': %s", ar->name,
                         ar->entry.name,
                         archive_error_string(ar->a) ? archive_error_string(ar->a)
                                                     : "unknown error");
    }
    ar->data_read += (uint64_t)r;
    *got = (size_t)r;
    if (account(ar))
        return set_fatal(ar, diag, ar->fatal, "%s", ar->fatal_diag.msg);
    return KS_OK;
}

ks_err ks_archive_read_all(struct ks_archive *ar, size_t max, struct ks_buf *out,
                           struct ks_diag *diag)
{
    uint64_t limit = KS_MIN((uint64_t)max, ar->lim->max_file_size);
    size_t start_len = out->len;
    ks_err err;

    if (ar->entry_ok && ar->entry.size_known && ar->entry.size > limit)
        return ks_diag_set(diag, KS_ELIMIT, "'%s': member '%s' is larger than %" PRIu64 " bytes",
                           ar->name, ar->entry.name, limit);
    if (ar->entry_ok && ar->entry.size_known &&
        ks_buf_grow(out, (size_t)ar->entry.size + 1))
        return ks_diag_set(diag, KS_ENOMEM, "'%s': cannot hold member '%s'", ar->name,
                           ar->entry.name);
    for (;;) {
        size_t got;
        if (ks_buf_grow(out, 64 * 1024))
            return ks_diag_set(diag, KS_ELIMIT, "'%s': member '%s' exceeds the buffer ceiling",
                               ar->name, ar->entry.name);
        err = ks_archive_read(ar, out->ptr + out->len,
                              KS_MIN(out->cap - out->len - 1, (size_t)(limit + 1 -
                                                                        (out->len - start_len))),
                              &got, diag);
        if (err)
            return err;
        if (got == 0)
            break;
        out->len += got;
        out->ptr[out->len] = '\0';
        if (out->len - start_len > limit) {
            ks_buf_truncate(out, start_len + (size_t)limit);
            return ks_diag_set(diag, KS_ELIMIT, "'%s': member '%s' is larger than %" PRIu64
                                                " bytes",
                               ar->name, ar->entry.name, limit);
        }
    }
    return KS_OK;
}

bool ks_archive_failed(const struct ks_archive *ar)
{
    return ar->fatal != KS_OK;
}

const char *ks_archive_name(const struct ks_archive *ar)
{
    return ar->name;
}

const char *ks_archive_format(const struct ks_archive *ar)
{
    const char *f = archive_format_name(ar->a);

    if (!f)
        return "unknown";
    if (ar->mode == KS_ARCHIVE_RAW)
        return "raw";
    if (strstr(f, "ZIP"))
        return "zip";
    if (strstr(f, "tar") || strstr(f, "TAR"))
        return "tar";
    if (strstr(f, "Empty"))
        return "empty";
    return f;
}

const char *ks_archive_filter(const struct ks_archive *ar)
{
    const char *f = archive_filter_count(ar->a) > 0 ? archive_filter_name(ar->a, 0) : NULL;

    return f ? f : "none";
}

uint32_t ks_archive_depth(const struct ks_archive *ar)
{
    return ar->depth;
}

void ks_archive_close(struct ks_archive *ar)
{
    if (!ar)
        return;
    if (ar->a)
        archive_read_free(ar->a);
    if (ar->own_fd && ar->fd >= 0)
        close(ar->fd);
    ks_buf_release(&ar->namebuf);
    ks_buf_release(&ar->linkbuf);
    free(ar->iobuf);
    free(ar->name);
    free(ar);
}

static ks_err decompress(struct ks_archive *ar, struct ks_buf *out, struct ks_diag *diag)
{
    const struct ks_archive_entry *e;
    ks_err err = ks_archive_next(ar, &e, diag);

    if (err == KS_ENOTFOUND)
        return KS_OK; /* empty input */
    if (err)
        return err;
    return ks_archive_read_all(ar, ar->lim->max_file_size, out, diag);
}

ks_err ks_decompress_file(const char *path, const struct ks_limits *lim, struct ks_buf *out,
                          struct ks_diag *diag)
{
    struct ks_archive *ar;
    ks_err err = ks_archive_open_file(&ar, path, KS_ARCHIVE_RAW, lim, NULL, diag);

    if (err)
        return err;
    err = decompress(ar, out, diag);
    ks_archive_close(ar);
    return err;
}

ks_err ks_decompress_memory(const void *data, size_t len, const char *name,
                            const struct ks_limits *lim, struct ks_buf *out,
                            struct ks_diag *diag)
{
    struct ks_archive *ar;
    ks_err err = ks_archive_open_memory(&ar, data, len, name, KS_ARCHIVE_RAW, lim, NULL, diag);

    if (err)
        return err;
    err = decompress(ar, out, diag);
    ks_archive_close(ar);
    return err;
}

ks_err ks_archive_load(struct ks_diag *diag)
{
    return ks_dl_load(&lib_archive_dl, diag);
}

const char *ks_archive_version(void)
{
    return ks_archive_load(NULL) ? "libarchive (not loadable)" : archive_version_string();
}

/* ingest/archive.h - reading members of archives (tar, tar.gz/.xz/.zst/.bz2,
 * zip, jar/war/ear) and single compressed files (.gz, .xz, .zst, .bz2), from a
 * file, from memory, from a read callback or from a member of another archive
 * (nesting), with every limit of `struct ks_limits` enforced. Nothing is ever
 * written to disk.
 *
 * This is the only place in kensa that includes libarchive headers; no
 * libarchive object leaves this module.
 *
 *     struct ks_archive *ar;
 *     const struct ks_archive_entry *e;
 *     if (ks_archive_open_file(&ar, path, KS_ARCHIVE_ANY, &lim, NULL, &diag)) ...
 *     while (!(err = ks_archive_next(ar, &e, &diag))) {
 *         ... e->name, e->type, e->size ...
 *         ks_archive_read_all(ar, max, &buf, &diag);   (optional)
 *     }
 *     err == KS_ENOTFOUND at the end; KS_EPARSE/KS_ELIMIT on one hostile
 *     entry while ks_archive_failed() is false (call ks_archive_next() again
 *     to skip it); once ks_archive_failed() is true the error is fatal and
 *     sticky (a corrupt archive is also KS_EPARSE: always check).
 *     ks_archive_close(ar);
 *
 * Limits. All archives opened with the same `struct ks_archive_budget` (one
 * per scanned target, shared by nested archives) share the entry count
 * (`max_entries`) and the expanded-bytes total (`max_expanded`: every byte a
 * decompressor produces counts, whether the caller reads it or skips it, so a
 * bomb hidden in a skipped member is still stopped). The ratio of expanded to
 * compressed bytes of one archive stream is checked against `max_ratio` once
 * more than 1 MiB has been expanded. Nesting deeper than `max_archive_depth`
 * (the outermost archive is depth 1) and names longer than `max_path_len` fail
 * with KS_ELIMIT. ks_archive_read_all() stops at `max_file_size`.
 *
 * Hostile names. Entry names are normalised ("./a//b/" -> "a/b") and rejected
 * with KS_EPARSE when absolute, when a component is ".." (also with '\'
 * as separator, for zips made on Windows), or when empty; entries naming the
 * root itself ("./") are skipped silently. Hard-link targets get the same
 * treatment. Symlink targets are returned as stored: resolving them (inside
 * the target only) is the caller's job.
 *
 * Thread-safety: one archive is used by one thread at a time. Distinct
 * archives are independent. A nested archive reads its parent's current
 * member: the parent must not be advanced or read until the child is closed. */
#ifndef KS_INGEST_ARCHIVE_H
#define KS_INGEST_ARCHIVE_H

#include "core/buf.h"
#include "core/err.h"
#include "core/limits.h"

#include <sys/types.h>

struct ks_archive;

/* What the input is expected to be. */
enum ks_archive_mode {
    KS_ARCHIVE_ANY = 0, /* a tar (any compression) or a zip; detected from content */
    KS_ARCHIVE_RAW,     /* one file, compressed (gzip, xz, zstd, bzip2) or not: it is
                         * returned as a single entry named "data" */
};

enum ks_archive_type {
    KS_ARCHIVE_FILE = 0,
    KS_ARCHIVE_DIR,
    KS_ARCHIVE_SYMLINK,
    KS_ARCHIVE_HARDLINK,
    KS_ARCHIVE_OTHER, /* device, fifo, socket */
};

/* Shared accounting for all archives of one target. Zero-initialise it. */
struct ks_archive_budget {
    uint64_t entries;  /* entries returned so far */
    uint64_t expanded; /* bytes expanded so far */
};

struct ks_archive_entry {
    const char *name; /* normalised relative path, never empty, no "./", no trailing '/' */
    enum ks_archive_type type;
    uint64_t size;    /* bytes of data as recorded in the header (0 if unknown) */
    bool size_known;
    unsigned mode;    /* st_mode bits including the file type (S_IFREG…) */
    const char *link; /* symlink target as stored, or the normalised hard-link target; else NULL */
    int64_t mtime;    /* seconds since the epoch, 0 if unknown */
};

/* Reads the next chunk of input: sets `*data`/`*len` (len 0 = end of input),
 * the bytes staying valid until the next call. Non-KS_OK aborts the archive
 * (the diag's message is kept). */
typedef ks_err ks_archive_read_fn(void *ctx, const void **data, size_t *len,
                                  struct ks_diag *diag);

/* Opens an archive. `name` names it in messages. `lim` must outlive the
 * archive. `budget` may be NULL (the archive keeps a private one); if given it
 * must outlive the archive. On success `*out` is the caller's to close. On
 * failure `*out` is NULL: KS_ENOTFOUND/KS_EIO (file), KS_EPARSE (not an
 * archive of a supported format), KS_ELIMIT, KS_ENOMEM. */
ks_err ks_archive_open_file(struct ks_archive **out, const char *path, enum ks_archive_mode mode,
                            const struct ks_limits *lim, struct ks_archive_budget *budget,
                            struct ks_diag *diag);

/* Like ks_archive_open_file() on an open descriptor, read with pread() from
 * offset 0 (the descriptor is not closed and its offset is not moved). */
ks_err ks_archive_open_fd(struct ks_archive **out, int fd, const char *name,
                          enum ks_archive_mode mode, const struct ks_limits *lim,
                          struct ks_archive_budget *budget, struct ks_diag *diag);

/* Reads `len` bytes at `data`, borrowed: they must stay valid until close. */
ks_err ks_archive_open_memory(struct ks_archive **out, const void *data, size_t len,
                              const char *name, enum ks_archive_mode mode,
                              const struct ks_limits *lim, struct ks_archive_budget *budget,
                              struct ks_diag *diag);

/* Reads the input through `fn` (streamed, not seekable: zips whose members
 * lack sizes in their local headers may then fail; use memory or a file). */
ks_err ks_archive_open_reader(struct ks_archive **out, ks_archive_read_fn *fn, void *ctx,
                              const char *name, enum ks_archive_mode mode,
                              const struct ks_limits *lim, struct ks_archive_budget *budget,
                              struct ks_diag *diag);

/* Opens the current member of `parent` as an archive (streamed), one level
 * deeper, sharing the parent's limits and budget. The name in messages is
 * "<parent name>!/<member name>". KS_ELIMIT beyond max_archive_depth. */
ks_err ks_archive_open_member(struct ks_archive **out, struct ks_archive *parent,
                              enum ks_archive_mode mode, struct ks_diag *diag);

/* Advances to the next entry and points `*entry` at it (valid until the next
 * call to ks_archive_next() or close). Returns KS_ENOTFOUND at the end, with
 * no message. KS_EPARSE or KS_ELIMIT naming the entry for a hostile or
 * over-long name: the archive stays usable and the next call skips it.
 * Anything else (corrupt data, I/O, entry count or expansion limits) is fatal:
 * every later call returns the same error. */
ks_err ks_archive_next(struct ks_archive *ar, const struct ks_archive_entry **entry,
                       struct ks_diag *diag);

/* True once a fatal error happened: every later call returns it. Tells a
 * skippable entry-level KS_EPARSE/KS_ELIMIT from a fatal one. */
bool ks_archive_failed(const struct ks_archive *ar);

/* Reads up to `cap` bytes of the current entry's data into `buf`; `*got` is 0
 * at its end. Errors are fatal as in ks_archive_next(). */
ks_err ks_archive_read(struct ks_archive *ar, void *buf, size_t cap, size_t *got,
                       struct ks_diag *diag);

/* Appends the rest of the current entry's data to `out`. KS_ELIMIT (not
 * fatal: the archive stays usable) if it exceeds `max` bytes or the limits'
 * max_file_size; `out` then holds the first `max` bytes. */
ks_err ks_archive_read_all(struct ks_archive *ar, size_t max, struct ks_buf *out,
                           struct ks_diag *diag);

/* The name given at open (borrowed). */
const char *ks_archive_name(const struct ks_archive *ar);

/* The format detected ("tar", "zip", "raw", …) and the compression filter
 * ("gzip", "zstd", "none", …), after the first ks_archive_next(). Borrowed. */
const char *ks_archive_format(const struct ks_archive *ar);
const char *ks_archive_filter(const struct ks_archive *ar);

/* Nesting depth: 1 for an outermost archive. */
uint32_t ks_archive_depth(const struct ks_archive *ar);

/* Frees the archive (NULL is fine). A parent must outlive its children. */
void ks_archive_close(struct ks_archive *ar);

/* Normalises an archive member name into `out` (replacing its contents), as
 * ks_archive_next() does. KS_EPARSE for hostile names, KS_ELIMIT beyond
 * `max_len`, KS_ENOTFOUND for a name meaning the root ("./"). */
ks_err ks_archive_clean_name(const char *name, size_t max_len, struct ks_buf *out);

/* Decompresses a whole single file (gzip, xz, zstd, bzip2 or uncompressed)
 * from `path` or from memory into `out` (appended), bounded by
 * lim->max_file_size, max_expanded and max_ratio. Errors name the input. */
ks_err ks_decompress_file(const char *path, const struct ks_limits *lim, struct ks_buf *out,
                          struct ks_diag *diag);
ks_err ks_decompress_memory(const void *data, size_t len, const char *name,
                            const struct ks_limits *lim, struct ks_buf *out,
                            struct ks_diag *diag);

/* Loads libarchive now (it is otherwise loaded by the first open): KS_OK, or
 * KS_EUNSUPPORTED naming the missing library (core/dl.h). */
ks_err ks_archive_load(struct ks_diag *diag);

/* "libarchive 3.6.2" (borrowed, static), for `kensa --version`. */
const char *ks_archive_version(void);

#endif

/* ingest/walk.h - visiting the files of a target (root filesystem directory,
 * archive, container image) so that package collectors can read them.
 *
 * The walker knows nothing about packages: it asks the visitor, per regular
 * file, whether it wants the bytes (`wants`), and whether a file is itself an
 * archive to descend into (`nested`, e.g. jars). Wanted bytes are handed to
 * `file` (mmap'd for rootfs files, from memory for archive members). Paths
 * are absolute inside the target ("/var/lib/dpkg/status"); members of nested
 * archives are "/app/a.jar!/META-INF/MANIFEST.MF".
 *
 * Walk order is deterministic (byte-wise name order in directories, member
 * order in archives). Symlinks are never followed by the walk (a symlinked
 * directory is not descended into, a symlinked file is not read), so nothing
 * outside the target is ever read. Limits: `max_entries` (files visited),
 * `max_path_len`, `max_file_size` (bigger wanted files are skipped with a
 * note through `skipped`), the archive limits for nested archives.
 *
 * Errors returned by `file` abort the walk. A problem with one file (unreadable,
 * too big, a corrupt nested jar) is reported through `skipped` and the walk
 * goes on. One walk per visitor at a time. `file` and `skipped` are called
 * from the calling thread only, in walk order; ks_walk_rootfs calls `wants`,
 * `nested` and `parts` from worker threads, concurrently: they must be pure
 * functions of their arguments (or otherwise thread-safe). */
#ifndef KS_INGEST_WALK_H
#define KS_INGEST_WALK_H

#include "core/err.h"
#include "core/file.h"
#include "core/limits.h"
#include "core/progress.h"

/* An older version of a path in an image's lower layers (image targets
 * only): `data` NULL means the path was deleted in that layer. */
struct ks_walk_version {
    const char *layer; /* diff id */
    const char *data;
    size_t len;
};

struct ks_walk_file {
    const char *path; /* absolute inside the target */
    unsigned mode;    /* st_mode (file type bits always set) */
    uint64_t size;
    const char *layer; /* image layer diff id that wrote this version, or NULL */
    /* Images: the versions of this same path in lower layers, oldest first
     * (so attribution can tell which layer introduced what). */
    const struct ks_walk_version *history;
    size_t nhistory;
    /* Random access to the same bytes (may be NULL when `data` is given).
     * The only way to the bytes when `file` gets data NULL (see `parts`). */
    const struct ks_blob *blob;
};

struct ks_walk_visitor {
    /* Does the visitor want the bytes of this regular file? (data not read yet) */
    bool (*wants)(void *ctx, const char *path, unsigned mode);
    /* Should this regular file be opened as an archive and its members walked? */
    bool (*nested)(void *ctx, const char *path);
    /* The bytes of a wanted file, borrowed for the call only. */
    ks_err (*file)(void *ctx, const struct ks_walk_file *f, const char *data, size_t len,
                   struct ks_diag *diag);
    /* A file that could not be read or was skipped by a limit (may be NULL). */
    void (*skipped)(void *ctx, const char *path, const char *why);
    void *ctx;
    const struct ks_progress *progress; /* may be NULL */
    /* Optional: does the visitor need only parts of this wanted file (read
     * through f->blob)? A root filesystem walk then opens it without reading
     * it and `file` gets data NULL, len = the file size. Never asked for
     * nested archives. */
    bool (*parts)(void *ctx, const char *path, unsigned mode);
    /* Optional, image targets only: for a file `parts` says is read in
     * parts, do these bytes hold nothing for the visitor (e.g. an executable
     * that is no Go or Rust binary)? An image walk must keep every wanted
     * file of every layer until the layers are merged; a barren one is kept
     * as "present" only (it still hides the versions of lower layers, and
     * shows in `history` with data NULL, as nothing), never handed to `file`.
     * Called from the calling thread. */
    bool (*barren)(void *ctx, const struct ks_walk_file *f, const char *data, size_t len);
};

/* Walks the directory `root` (a root filesystem). `xdev`: do not cross into
 * other mounted filesystems (like find -xdev). Directories are listed and
 * files stat'ed by up to 4 worker threads (one per CPU); the wanted files are
 * read and visited by the calling thread in byte-wise name order, exactly as
 * a one-thread walk would. KS_ENOTFOUND/KS_EIO when the root cannot be
 * opened; KS_ELIMIT beyond max_entries; errors from `file`. */
ks_err ks_walk_rootfs(const char *root, bool xdev, const struct ks_limits *lim,
                      const struct ks_walk_visitor *v, struct ks_diag *diag);

/* Walks the members of the archive file `path` (zip, jar/war/ear, tar, any
 * compression) as if they were a root filesystem: member "a/b" is "/a/b". */
ks_err ks_walk_archive(const char *path, const struct ks_limits *lim,
                       const struct ks_walk_visitor *v, struct ks_diag *diag);

/* Walks one in-memory file (bytes of `path`) as the walk would: hands it to
 * `file` if wanted, descends into it if `nested`. For callers that produce
 * files themselves (image layers). */
ks_err ks_walk_memory(const struct ks_walk_file *f, const char *data, size_t len,
                      const struct ks_limits *lim, const struct ks_walk_visitor *v,
                      struct ks_diag *diag);

#endif

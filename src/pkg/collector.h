/* pkg/collector.h - the contract between the file walk (ingest) and the
 * package collectors (pkg).
 *
 * A collector recognises the files it understands by path (and mode), then
 * turns their bytes into components of an inventory. It never opens files
 * itself: the caller walks the target (rootfs, image layers, archive members)
 * and hands over bytes, so the same collector works on every kind of target.
 *
 * Paths are absolute inside the target ("/var/lib/dpkg/status"); members of
 * nested archives use "!/" ("/app/lib/a.jar!/META-INF/MANIFEST.MF").
 * Collectors are stateless and thread-safe; all state is in the context. */
#ifndef KS_PKG_COLLECTOR_H
#define KS_PKG_COLLECTOR_H

#include "core/err.h"
#include "core/file.h"
#include "core/limits.h"
#include "model/inventory.h"

struct ks_collect_ctx {
    struct ks_inventory *inv;     /* where components and notes go */
    const char *path;             /* the file's path inside the target */
    const char *layer;            /* diff id of the layer the file comes from, or NULL */
    const struct ks_limits *lim;
    /* The same bytes with random access; may be NULL (then use `data`).
     * Collectors that read only parts of big files (ks_lang_reads_parts:
     * the ELF binary ones, offered every executable) use it and accept
     * `data` NULL (`len` is then the file size): a root filesystem walk then
     * reads those parts with pread instead of mapping whole files. */
    const struct ks_blob *blob;
};

struct ks_collector {
    const char *name; /* "dpkg", "python-dist-info", … */
    /* True if the collector wants the file at `path` (st_mode in `mode`). */
    bool (*wants)(const char *path, unsigned mode);
    /* Parses `len` bytes of the file. Malformed input returns KS_EPARSE (or
     * KS_ELIMIT) with detail; the caller records it as a coverage note naming
     * the file and goes on with the other files. */
    ks_err (*parse)(struct ks_collect_ctx *ctx, const char *data, size_t len,
                    struct ks_diag *diag);
};

#endif

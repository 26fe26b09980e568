/* pkg/scan.h - inventorying a target: walk it (ingest) and offer every file
 * to every collector of the registry (pkg/collectors.def).
 *
 * A collector's parse error is recorded as a coverage note naming the file
 * (the scan goes on); only out-of-memory, limits on the whole target and
 * unreadable targets fail the scan. For images each component is attributed
 * to the layer that introduced it: when the file it came from (a package
 * database) also existed in lower layers, those versions are parsed too and
 * the component is credited to the oldest layer from which it is present
 * without interruption up to the final image.
 *
 * Not thread-safe: one scan per inventory. */
#ifndef KS_PKG_SCAN_H
#define KS_PKG_SCAN_H

#include "core/err.h"
#include "core/limits.h"
#include "core/progress.h"
#include "model/inventory.h"

struct ks_scan_opts {
    const struct ks_limits *lim;
    const struct ks_progress *progress; /* may be NULL */
    const char *platform;               /* images: "os/arch[/variant]", NULL for the host's */
    bool xdev;                          /* rootfs: stay on the root's filesystem */
};

/* Scans `target` of `kind` (ROOTFS, IMAGE, ARCHIVE, SBOM) into `inv` (which
 * the caller has initialised), fills inv->target, then ks_pkg_finish(). */
ks_err ks_pkg_scan(struct ks_inventory *inv, enum ks_target_kind kind, const char *target,
                   const struct ks_scan_opts *o, struct ks_diag *diag);

/* Offers one file's bytes to every collector that wants `path`, as the walk
 * does (for tests, fuzzing and callers with their own walk). */
ks_err ks_pkg_collect(struct ks_inventory *inv, const char *path, unsigned mode,
                      const char *layer, const char *data, size_t len,
                      const struct ks_limits *lim, struct ks_diag *diag);

/* Completes OS package components from the distro (purl with distro and
 * arch qualifiers, OSV ecosystem such as "Debian:12"), sets the owner of
 * language packages that OS packages installed (pkg/owned.h) and sorts the
 * inventory. Idempotent. */
ks_err ks_pkg_finish(struct ks_inventory *inv);

/* Reads a CycloneDX (1.x) or SPDX (2.x) JSON document of `len` bytes
 * (named `name` in messages) into `inv`. */
ks_err ks_pkg_read_sbom_mem(struct ks_inventory *inv, const char *name, const char *data,
                            size_t len, const struct ks_limits *lim, struct ks_diag *diag);

/* Reads a CycloneDX (1.x) or SPDX (2.x) JSON document into `inv`. */
ks_err ks_pkg_read_sbom(struct ks_inventory *inv, const char *path, const struct ks_limits *lim,
                        struct ks_diag *diag);

#endif

/* ingest/image.h - container images as targets: `docker save` archives, OCI
 * image layout directories and OCI archives (a tar of a layout).
 *
 * The image's layers (tar, gzip, zstd) are read in order, streamed (never
 * unpacked to disk) and applied with their whiteouts (".wh.NAME" deletes
 * NAME from lower layers, ".wh..wh..opq" empties its directory of lower
 * layers' files). Only files the visitor wants (and members of archives it
 * wants descended into) are kept in memory; once all layers are applied, the
 * visitor's `file` is called once per surviving path, in path order, with the
 * layer that wrote it and the path's versions in lower layers (`history`), so
 * collectors can tell which layer introduced what.
 *
 * Symlinks inside layers are not resolved: files are known by the path they
 * are stored under. Layer diff ids are taken from the image config (not
 * recomputed). Not thread-safe. */
#ifndef KS_INGEST_IMAGE_H
#define KS_INGEST_IMAGE_H

#include "core/err.h"
#include "core/limits.h"
#include "ingest/walk.h"

struct ks_image_layer {
    char *digest;     /* blob digest as stored ("sha256:…"), or NULL (docker save) */
    char *diff_id;    /* "sha256:…" of the uncompressed layer, from the config */
    char *created_by; /* the history entry that made it, or NULL */
};

/* What is known of the image. Every string is malloc'd and owned by the
 * struct (ks_image_info_release()). */
struct ks_image_info {
    char *digest;        /* manifest digest (OCI), else the config digest (image id) */
    char *config_digest; /* "sha256:…" */
    char *platform;      /* "linux/amd64" from the config */
    char *tag;           /* first RepoTag / org.opencontainers.image.ref.name, or NULL */
    struct ks_image_layer *layers;
    size_t nlayers;
};

/* Walks the image at `path` (a directory holding an OCI layout, or a tar /
 * tar.gz of a docker-save archive or of an OCI layout). `platform`
 * ("os/arch[/variant]", NULL for the host's) picks one image of a
 * multi-platform index; when it matches none, KS_ENOTFOUND lists the
 * choices in the message. Fills `info` (release it even on failure).
 * KS_EPARSE for a malformed image, KS_ELIMIT, KS_EIO, errors from `file`. */
ks_err ks_image_walk(const char *path, const char *platform, const struct ks_limits *lim,
                     const struct ks_walk_visitor *v, struct ks_image_info *info,
                     struct ks_diag *diag);

void ks_image_info_release(struct ks_image_info *info);

/* The host's platform ("linux/amd64", "linux/arm64", …), static. */
const char *ks_image_host_platform(void);

/* The --platform rule, shared with registry pulls: among the `n` candidates'
 * platforms ("os/arch[/variant]", NULL when unknown), `want` (NULL: the
 * host's; "linux/arm64" also matches "linux/arm64/v8") must match exactly
 * one, whose index goes to *pick; a lone candidate is taken when `want` is
 * NULL. Otherwise KS_ENOTFOUND naming `what` and listing the choices. */
ks_err ks_image_pick_platform(const char *what, const char *const *platforms, size_t n,
                              const char *want, size_t *pick, struct ks_diag *diag);

#endif

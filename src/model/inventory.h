/* model/inventory.h - the result of inventorying one target: what it is,
 * which OS it runs, which components it holds, and what could not be read.
 *
 * An inventory owns one arena; every string and array reachable from it lives
 * there (components are kept in a growable array owned by the inventory).
 * Build it with the functions in pkg/inventory.h. */
#ifndef KS_MODEL_INVENTORY_H
#define KS_MODEL_INVENTORY_H

#include "core/arena.h"
#include "core/vec.h"
#include "model/component.h"

enum ks_target_kind {
    KS_TARGET_ROOTFS = 0,
    KS_TARGET_IMAGE,
    KS_TARGET_ARCHIVE,
    KS_TARGET_SBOM,
    KS_TARGET_HOST,
};

struct ks_layer {
    const char *digest;     /* blob digest "sha256:…" as stored */
    const char *diff_id;    /* digest of the uncompressed layer */
    const char *created_by; /* history entry, when known */
};

struct ks_target {
    enum ks_target_kind kind;
    const char *name;     /* path or image reference as the user gave it */
    const char *digest;   /* image manifest digest or archive sha256, when known */
    const char *platform; /* "linux/amd64" for images */
    const char *purl;     /* images pulled from a registry: pkg:oci/…, else NULL */
    struct ks_layer *layers;
    size_t nlayers;
};

/* The operating system, from /etc/os-release (or its fallbacks). */
struct ks_distro {
    const char *id;         /* "debian", "alpine", "amzn", … (NULL: unknown) */
    const char *version_id; /* "12", "3.19.1", "2023" */
    const char *codename;   /* "bookworm" */
    const char *pretty_name;
    const char *source; /* file it was read from ("/etc/os-release"), NULL: unknown */
};

/* Something that could not be inventoried, shown as a coverage note. */
struct ks_note {
    const char *path; /* file it concerns, or NULL */
    const char *message;
};

/* Files installed by OS packages (dpkg info/ *.list and status.d/ *.md5sums,
 * apk R:/F: lines, rpm file tags), kept only as far as needed to answer
 * "which OS package owns path P": a 64-bit hash of each path and the index
 * of its owner, 16 bytes per file whatever the path's length. Built and
 * queried by pkg/owned.h; not written to SBOMs. */
struct ks_owned_file {
    uint64_t hash;  /* FNV-1a of the absolute path */
    uint32_t owner; /* index into owners */
};

struct ks_file_owner {
    enum ks_pkg_type type;
    const char *name;    /* package name */
    const char *arch;    /* dpkg "name:arch.list": the arch; else NULL */
    const char *bom_ref; /* the owning component, once known */
};

struct ks_owned_files {
    KS_VEC(struct ks_owned_file) files; /* sorted by (hash, owner) once resolved */
    KS_VEC(struct ks_file_owner) owners;
    bool truncated; /* more files than the limits allow: ownership incomplete */
    bool noted;     /* coverage notes about the table were added, or do not apply (an
                       inventory read from an SBOM has no file lists to miss) */
};

struct ks_inventory {
    struct ks_arena arena;
    struct ks_target target;
    struct ks_distro distro;
    KS_VEC(struct ks_component) components;
    KS_VEC(struct ks_note) notes;
    struct ks_owned_files owned;
};

#endif

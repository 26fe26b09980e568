/* ingest/registry_pull.h - pulling an image from an OCI distribution (Docker
 * Registry v2) registry into the blob cache (ingest/registry.h), as an OCI
 * image layout the image scanner reads.
 *
 * Not part of libkensa: it uses the http module (libcurl) and is linked only
 * into the kensa-net helper.
 *
 * What a pull does: GET the manifest by tag or digest (Accept: OCI index and
 * manifest, Docker manifest list and v2 schema 2; schema 1 is refused),
 * verify its SHA-256 against the requested digest or the registry's
 * Docker-Content-Digest; for an index pick one manifest by the --platform
 * rule (ks_image_pick_platform); then fetch the config and every layer not
 * already in the cache, each streamed into the cache and renamed into place
 * only after its SHA-256 and size matched the descriptor. Authentication
 * answers the registry's WWW-Authenticate challenge: Bearer (a token from
 * the realm for scope repository:REPO:pull, anonymous or with the
 * credentials) or Basic (the credentials). Plain http is used only for
 * localhost/127.0.0.1/[::1] or with `insecure`; https otherwise (also for
 * redirects and token realms). A digest reference whose blobs are all cached
 * needs no network at all; a tag is always resolved by the registry.
 *
 * Errors name the reference: KS_EIO (network, HTTP status, denied access),
 * KS_EPARSE (bad manifest, digest mismatch), KS_EUNSUPPORTED (schema 1,
 * unknown media types), KS_ELIMIT (a blob or manifest over the limits),
 * KS_ENOTFOUND (no such manifest; no image for the platform, with the
 * choices). Not thread-safe (call ks_http_global_init() first). */
#ifndef KS_INGEST_REGISTRY_PULL_H
#define KS_INGEST_REGISTRY_PULL_H

#include "core/err.h"
#include "core/limits.h"
#include "core/progress.h"

struct ks_reg_pull_opts {
    const char *cache;    /* the cache directory (created as needed) */
    const char *platform; /* "os/arch[/variant]", NULL for the host's */
    bool insecure;        /* allow plain http for any host */
    const char *userpass; /* "user:password" for this registry, or NULL */
    const struct ks_limits *lim;
    const struct ks_progress *progress; /* may be NULL */
};

struct ks_reg_pull_result {
    char layout[4096];  /* the OCI layout directory of the image */
    char digest[72];    /* the image manifest's digest */
    char index[72];     /* the index's digest when the reference named one, else "" */
    unsigned fetched;   /* blobs (config, layers) downloaded */
    unsigned cached;    /* blobs and manifests taken from the cache */
    unsigned manifests; /* manifests and indexes downloaded */
    uint64_t bytes;     /* bytes downloaded, manifests included */
};

ks_err ks_reg_pull(const char *ref, const struct ks_reg_pull_opts *o,
                   struct ks_reg_pull_result *res, struct ks_diag *diag);

#endif

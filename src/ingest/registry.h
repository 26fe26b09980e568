/* ingest/registry.h - the parts of pulling an image from an OCI distribution
 * (Docker Registry v2) registry that need no network: image references,
 * WWW-Authenticate challenges, manifests and indexes, credentials from a
 * Docker config file, and the content-addressed blob cache laid out as OCI
 * image layouts. The network side is ingest/registry_pull.h, linked only
 * into the kensa-net helper (libcurl).
 *
 * Every parser here reads untrusted bytes: bounded by `struct ks_limits`,
 * KS_EPARSE (or KS_EUNSUPPORTED, KS_ELIMIT) with a one-line message naming
 * the document. Nothing here is thread-safe unless stated. */
#ifndef KS_INGEST_REGISTRY_H
#define KS_INGEST_REGISTRY_H

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/limits.h"
#include "formats/value.h"

#define KS_REG_MT_OCI_INDEX     "application/vnd.oci.image.index.v1+json"
#define KS_REG_MT_OCI_MANIFEST  "application/vnd.oci.image.manifest.v1+json"
#define KS_REG_MT_DOCKER_LIST   "application/vnd.docker.distribution.manifest.list.v2+json"
#define KS_REG_MT_DOCKER_V2     "application/vnd.docker.distribution.manifest.v2+json"
#define KS_REG_MT_DOCKER_V1     "application/vnd.docker.distribution.manifest.v1+json"
#define KS_REG_MT_DOCKER_V1_JWS "application/vnd.docker.distribution.manifest.v1+prettyjws"

/* The Accept header a client sends for manifests (no schema 1). */
#define KS_REG_ACCEPT                                                                   \
    "Accept: " KS_REG_MT_OCI_INDEX ", " KS_REG_MT_OCI_MANIFEST ", " KS_REG_MT_DOCKER_LIST \
    ", " KS_REG_MT_DOCKER_V2

/* An image reference: [HOST[:PORT]/]REPO[:TAG][@sha256:HEX]. Docker Hub
 * names ("debian", "user/app") get host "registry-1.docker.io" and, for
 * one-component names, the "library/" prefix; no tag nor digest means
 * "latest". */
struct ks_reg_ref {
    char host[256];  /* "127.0.0.1:5000" */
    char repo[256];  /* "library/debian" */
    char tag[129];   /* "12", or "" when only a digest is given */
    char digest[72]; /* "sha256:<64 hex>" or "" */
};

/* KS_EPARSE naming `s` for anything that is not a reference; KS_EUNSUPPORTED
 * for digests other than sha256. */
ks_err ks_reg_ref_parse(const char *s, struct ks_reg_ref *out, struct ks_diag *diag);

/* True for hosts whose registry may be reached over plain http without
 * --insecure: localhost and 127.0.0.1 (any port), [::1]. */
bool ks_reg_host_is_local(const char *host);

/* "sha256:<64 lowercase hex>"; on success *hex points at the hex. */
bool ks_reg_digest_valid(const char *digest, const char **hex);

/* A WWW-Authenticate challenge (the first of Bearer or Basic). */
enum ks_reg_scheme { KS_REG_AUTH_NONE = 0, KS_REG_AUTH_BASIC, KS_REG_AUTH_BEARER };

struct ks_reg_challenge {
    enum ks_reg_scheme scheme;
    char realm[1024];
    char service[256];
    char scope[512];
};

/* Parses the value of a WWW-Authenticate header. KS_EUNSUPPORTED for other
 * schemes, KS_EPARSE for malformed parameters, a Bearer challenge without
 * realm, or values longer than the fields. */
ks_err ks_reg_challenge_parse(const char *value, struct ks_reg_challenge *out,
                              struct ks_diag *diag);

/* The value of response header `name` (case-insensitive) in `headers` (lines
 * "Name: value\n", as ks_http_get collects them), trimmed, into `out`
 * (truncated to `cap`). False when absent. */
bool ks_reg_header(const char *headers, const char *name, char *out, size_t cap);

/* One descriptor of a manifest (layer, config) or index (manifest). */
struct ks_reg_desc {
    const char *media_type;
    const char *digest; /* validated "sha256:…" */
    uint64_t size;
    const char *platform; /* index entries: "os/arch[/variant]", or NULL */
    const struct ks_value *platform_obj; /* index entries: the platform object, or NULL */
};

struct ks_reg_manifest {
    bool is_index;
    const char *media_type; /* from the document, else the Content-Type, else inferred */
    struct ks_reg_desc config;  /* manifests only */
    struct ks_reg_desc *descs;  /* layers (manifest) or manifests (index) */
    size_t ndescs;
};

/* Parses `len` bytes of a manifest or index named `name`; `content_type`
 * (may be NULL) is the registry's Content-Type. Strings live in `arena`.
 * KS_EUNSUPPORTED for Docker schema 1 manifests and unknown media types;
 * KS_EPARSE for malformed documents, bad digests or sizes. */
ks_err ks_reg_manifest_parse(struct ks_arena *arena, const char *name, const char *content_type,
                             const char *data, size_t len, const struct ks_limits *lim,
                             struct ks_reg_manifest *out, struct ks_diag *diag);

/* Credentials for `host` from a Docker config file's "auths" (keys "host",
 * "https://host", "http://host/…"; Docker Hub's "https://index.docker.io/v1/"
 * for registry-1.docker.io): "auth" (base64 of user:password) or
 * "username"/"password". `*userpass` ("user:password", arena) is NULL when
 * the file has none for the host. Credential helpers are not run. */
ks_err ks_reg_config_auth(struct ks_arena *arena, const char *name, const char *data, size_t len,
                          const char *host, const struct ks_limits *lim, const char **userpass,
                          struct ks_diag *diag);

/* Base64 (RFC 4648, with padding) of `len` bytes appended to `out`. */
ks_err ks_reg_base64(const void *data, size_t len, struct ks_buf *out);

/* ---- the blob cache ----
 *
 * DIR/blobs/sha256/<hex>: blobs whose digest was verified when they were
 * written (a download lands in DIR/tmp and is renamed only after its SHA-256
 * matched). DIR/images/<hex>/ is an OCI image layout for the manifest <hex>
 * (oci-layout, index.json, blobs/sha256/… hard links into the store), the
 * target the image scanner reads. */

/* Creates DIR, DIR/blobs/sha256, DIR/tmp, DIR/images as needed. */
ks_err ks_reg_cache_init(const char *dir, struct ks_diag *diag);

/* True when blob `digest` is in the cache with `size` bytes (size
 * UINT64_MAX: any). */
bool ks_reg_cache_has(const char *dir, const char *digest, uint64_t size);

/* Stores `len` bytes as blob `digest` after checking their SHA-256 (a
 * mismatch is KS_EPARSE and stores nothing). */
ks_err ks_reg_cache_put(const char *dir, const char *digest, const void *data, size_t len,
                        struct ks_diag *diag);

/* Streams a download into the cache: begin opens a temporary file under
 * DIR/tmp, write hashes and appends (false once it failed or passed `max`
 * bytes), commit checks the SHA-256 against `digest` and the byte count
 * against `size` (UINT64_MAX: any) and only then renames the file into the
 * store; a mismatch is KS_EPARSE. commit and abort free the writer and
 * remove the temporary file. */
struct ks_reg_blob_writer;
ks_err ks_reg_cache_begin(const char *dir, const char *digest, uint64_t max,
                          struct ks_reg_blob_writer **w, struct ks_diag *diag);
bool ks_reg_cache_write(struct ks_reg_blob_writer *w, const void *data, size_t len);
ks_err ks_reg_cache_commit(struct ks_reg_blob_writer *w, uint64_t size, struct ks_diag *diag);
void ks_reg_cache_abort(struct ks_reg_blob_writer *w);

/* Writes DIR/images/<manifest hex>/ for manifest `m` (digest, media type,
 * size; platform JSON may be NULL) whose config and layers are in the
 * store, naming it `ref` in its index.json; the layout's path goes to `out`. */
ks_err ks_reg_cache_layout(const char *dir, const struct ks_reg_desc *m,
                           const struct ks_reg_manifest *man, const char *ref,
                           struct ks_buf *out, struct ks_diag *diag);

#endif

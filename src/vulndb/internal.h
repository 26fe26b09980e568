/* vulndb/internal.h - what the importers and the writer of vulndb share.
 *
 * Every importer turns its feed into `struct vdb_record`s (all pointers in
 * the caller's arena) and hands them to vdb_emit(); the writer stores them.
 * Not part of the module's contract: nothing outside src/vulndb/ includes it. */
#ifndef KS_VULNDB_INTERNAL_H
#define KS_VULNDB_INTERNAL_H

#include "core/arena.h"
#include "core/buf.h"
#include "core/deflate.h"
#include "core/err.h"
#include "core/hash.h"
#include "core/limits.h"
#include "formats/value.h"
#include "sqlite/sqlite.h"
#include "vulndb/vulndb.h"

enum vdb_event_kind {
    VDB_INTRODUCED = 0,
    VDB_FIXED = 1,
    VDB_LAST_AFFECTED = 2,
    VDB_LIMIT = 3,
};

struct vdb_event {
    enum vdb_event_kind kind;
    const char *version;
};

struct vdb_range {
    const char *type; /* "ECOSYSTEM", "SEMVER", "GIT" */
    struct vdb_event *ev;
    size_t nev;
};

struct vdb_affected {
    const char *ecosystem; /* as the feed names it, e.g. "PyPI", "Debian:12" */
    const char *package;   /* normalised (vdb_normalise_name) */
    const char *state;     /* "affected", "fixed", "not-affected", "wont-fix", ... */
    const char *fixed;     /* first fixed version, or NULL */
    const char *detail;    /* feed-specific note (urgency, nodsa reason), or NULL */
    struct vdb_range *ranges;
    size_t nranges;
    const char **versions; /* explicit affected versions (OSV `versions`) */
    size_t nversions;
};

struct vdb_severity {
    const char *type;   /* "CVSS_V2", "CVSS_V3", "CVSS_V4", "Ubuntu", "debian-urgency", ... */
    const char *vector; /* vector string or qualitative value */
    double score;       /* base score, or -1 when the feed gives none */
    const char *source; /* who scored it ("nvd@nist.gov"), or NULL */
};

struct vdb_record {
    const char *feed; /* "osv", "nvd", "debian-tracker", "alpine-secdb", "updateinfo", "apt" */
    const char *rid;  /* record id, unique within the feed */
    const char *modified, *published, *withdrawn; /* RFC 3339 or NULL */
    const char *summary;
    const char *blob; /* compact JSON: details, references, cwes...; NULL for none */
    size_t blob_len;
    const char **names; /* ids this record IS (its id and aliases): merged */
    size_t nnames;
    const char **about; /* CVEs an advisory (DSA/DLA/USN/ALAS) is ABOUT: not merged */
    size_t nabout;
    struct vdb_affected *aff;
    size_t naff;
    struct vdb_severity *sev;
    size_t nsev;
    unsigned char digest[KS_SHA256_LEN]; /* of the source record's content */
};

struct vdb_kev {
    const char *cve, *vendor, *product, *name, *date_added, *due_date, *ransomware, *action;
};

/* The import of one source (one command-line argument) in progress. */
struct vdb_ctx {
    struct ks_db *db;
    struct ks_arena *arena; /* reset by the reader between records */
    const struct ks_limits *lim;
    const char *format; /* forced format, or NULL to detect */
    const char *ecosystem; /* forced ecosystem for updateinfo/apt, or NULL */
    const char *apt_base;  /* apt: the base suite (dists/SUITE dir or Packages file), or NULL */
    const char *cur_file;  /* file being read, for rejects */
    int64_t source_id;
    int64_t import_id;
    struct ks_vdb_source_report *rep;
    bool strict;
    char newest_modified[40];
    struct ks_sha256 *digest; /* over every input byte of this source */
    struct vdb_stmts *st;
    struct ks_buf scratch;
    size_t stream_min; /* JSON documents this large are read member by member */
    struct ks_deflater *zblob; /* blob compressor, made on first use */
    struct ks_buf zbuf, vbuf;  /* a compressed blob; an encoded versions list */
};

/* Stores one record (replacing an earlier record with the same feed and id)
 * and counts it. */
ks_err vdb_emit(struct vdb_ctx *ctx, struct vdb_record *rec, struct ks_diag *diag);
ks_err vdb_emit_kev(struct vdb_ctx *ctx, const struct vdb_kev *k, struct ks_diag *diag);
ks_err vdb_emit_epss(struct vdb_ctx *ctx, const char *cve, double epss, double pct,
                     struct ks_diag *diag);
/* Counts a rejected record and keeps the first few reasons. With --strict
 * returns KS_EPARSE so the import stops. */
ks_err vdb_reject(struct vdb_ctx *ctx, const char *fmt, ...) KS_PRINTF(2, 3);
void vdb_count_read(struct vdb_ctx *ctx);

/* Per-ecosystem package-name normalisation into `arena`. */
const char *vdb_normalise_name(struct ks_arena *a, const char *ecosystem, const char *name);
/* "UBUNTU-CVE-2024-1", "DEBIAN-CVE-2024-1" -> "CVE-2024-1"; other ids unchanged. */
const char *vdb_canonical_id(const char *id);
/* SHA-256 of a value tree's compact JSON serialisation. */
ks_err vdb_digest_value(struct vdb_ctx *ctx, const struct ks_value *v,
                        unsigned char out[KS_SHA256_LEN]);

/* Readers: each parses one document and emits its records. A record-level
 * problem is a reject (vdb_reject); a document-level one is returned. */
ks_err vdb_read_osv(struct vdb_ctx *ctx, const struct ks_value *doc, struct ks_diag *diag);
ks_err vdb_read_nvd(struct vdb_ctx *ctx, const struct ks_value *doc, struct ks_diag *diag);
ks_err vdb_read_kev(struct vdb_ctx *ctx, const struct ks_value *doc, struct ks_diag *diag);
ks_err vdb_read_tracker(struct vdb_ctx *ctx, const struct ks_value *doc, struct ks_diag *diag);
/* One member of a tracker document: source package `pkg` and its CVEs. */
ks_err vdb_read_tracker_package(struct vdb_ctx *ctx, const char *pkg, const struct ks_value *cves,
                                struct ks_diag *diag);
ks_err vdb_read_secdb(struct vdb_ctx *ctx, const struct ks_value *doc, struct ks_diag *diag);
ks_err vdb_read_epss(struct vdb_ctx *ctx, const char *text, size_t len, struct ks_diag *diag);
/* apt mirror (vulndb/apt.c): `path` is ROOT/dists/SUITE or a mirror root
 * with one suite. */
bool vdb_is_apt_dir(const char *path);
ks_err vdb_read_apt(struct vdb_ctx *ctx, const char *path, struct ks_diag *diag);
ks_err vdb_read_updateinfo(struct vdb_ctx *ctx, const char *text, size_t len,
                           struct ks_diag *diag);

/* ---- stored forms (vulndb/codec.c) ---- */

/* Blobs (blobs.data) are raw DEFLATE with this preset dictionary. */
const char *vdb_blob_dict(size_t *len);
/* Appends the JSON text of a stored blob to `out` (bounded by out->max).
 * KS_EPARSE for a damaged blob. */
ks_err vdb_blob_decode(const void *data, size_t len, struct ks_buf *out, struct ks_diag *diag);

/* Explicit affected versions (affected.versions): sorted, front-coded.
 * Encoding sorts `v` in place and replaces the contents of `out`; a version
 * longer than VDB_VERSION_MAX is KS_ELIMIT. */
#define VDB_VERSION_MAX 1024
ks_err vdb_versions_encode(const char **v, size_t n, struct ks_buf *out, struct ks_diag *diag);

/* Walks a stored list: each call returns the next version (valid until the
 * next call), NULL at the end or at damage (`bad` then set). */
struct vdb_versions_iter {
    const unsigned char *p, *end;
    size_t len;
    bool bad;
    char cur[VDB_VERSION_MAX + 1];
};
void vdb_versions_iter_init(struct vdb_versions_iter *it, const void *data, size_t len);
const char *vdb_versions_next(struct vdb_versions_iter *it);
/* Whether `version` is in the list (exact bytes); stops early (sorted). */
bool vdb_versions_has(const void *data, size_t len, const char *version);
size_t vdb_versions_count(const void *data, size_t len);

#endif

/* vulndb/vulndb.h - the local vulnerability database: import, status,
 * search and lookup.
 *
 * One SQLite file (schema in docs/internals/vulndb.md) built by
 * ks_vdb_import() from advisory feeds (OSV JSON/YAML, NVD CVE API 2.0,
 * CISA KEV, FIRST EPSS, Debian security tracker JSON, Alpine secdb, yum
 * updateinfo.xml) and opened read-only (immutable) by scans.
 *
 * Import is atomic: the new database is written to "<db>.tmp-<pid>" (a copy
 * of the previous one plus the new sources) and renamed over <db> only after
 * it is complete; any failure or interruption leaves the previous file
 * untouched. A source imported again under the same name replaces its
 * earlier records; a record (feed + id) imported from several sources is
 * stored once (the last import wins), so re-importing a corpus under other
 * names does not grow the database.
 *
 * Vulnerability identity: OSV `aliases` (and NVD/GHSA/GO/PYSEC... ids) are
 * merged into one vulnerability named by its CVE when it has one. Advisories
 * about several CVEs (DSA, DLA, USN, ALAS, ...: OSV `upstream`/`related`,
 * updateinfo references) are never merged: they yield one vulnerability per
 * CVE, with the advisory as fix source and reference.
 *
 * Thread-safety: a `struct ks_vdb` is used by one thread at a time; open one
 * per thread. Errors carry file and reason in `diag`. */
#ifndef KS_VULNDB_VULNDB_H
#define KS_VULNDB_VULNDB_H

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/limits.h"

#define KS_VDB_SCHEMA_VERSION 2
#define KS_VDB_MAX_REJECTS_KEPT 5
#define KS_VDB_MAX_NOTES 4

/* ---- import ---- */

struct ks_vdb_source_report {
    char name[256];    /* the source as given */
    char format[32];   /* detected or forced format of its last file */
    uint64_t read;     /* records read */
    uint64_t imported; /* records stored */
    uint64_t rejected;
    uint64_t files;
    char rejects[KS_VDB_MAX_REJECTS_KEPT][KS_DIAG_MSG_MAX]; /* first reasons, with file */
    size_t nrejects_kept;
    uint64_t skipped; /* entries left out on purpose, not rejects (apt: not mirrored) */
    char notes[KS_VDB_MAX_NOTES][KS_DIAG_MSG_MAX]; /* what the reader wants shown (apt:
                                                     the Release used, what was skipped) */
    size_t nnotes;
};

struct ks_vdb_import_opts {
    const char *db_path;
    const char *format;    /* NULL: detect per file; else osv, nvd, kev, epss,
                              debian-tracker, alpine-secdb, updateinfo, apt */
    const char *ecosystem; /* updateinfo, apt: ecosystem when the input does not tell */
    bool strict;           /* any reject fails the import */
    const struct ks_limits *lim;
    bool dry_run;          /* parse and validate only: no database is touched */
    const char *const *names; /* source names, one per input; NULL: the inputs */
    const char *apt_base;     /* apt: the base suite's dists/SUITE directory or Packages
                                 file; changelog entries newer than its version count */
    size_t stream_min;        /* JSON documents of at least this many bytes are read one
                                 member at a time (tracker, NVD responses, arrays);
                                 0: 8 MiB */
};

struct ks_vdb_import_report {
    struct ks_vdb_source_report *sources; /* one per input, malloc'd */
    size_t nsources;
    uint64_t added, changed, withdrawn, removed; /* change set against the previous DB */
    uint64_t vulns; /* merged vulnerabilities in the new DB */
    int64_t import_id;
};

/* Imports `inputs` (files or directories) into opts->db_path atomically.
 * The report is filled even on failure (what was read until then); release
 * it with ks_vdb_import_report_release(). */
ks_err ks_vdb_import(const struct ks_vdb_import_opts *opts, const char *const *inputs,
                     size_t ninputs, struct ks_vdb_import_report *rep, struct ks_diag *diag);
void ks_vdb_import_report_release(struct ks_vdb_import_report *rep);

/* Parses one in-memory document named `name` (its extension and content
 * select the reader unless `format` is given) and validates every record
 * without storing anything: for fuzzing and for the benchmarks' parse-only
 * pass. Documents of at least `stream_min` bytes (0: the import default) are
 * read member by member. Counts and rejects go to `rep`. */
ks_err ks_vdb_parse_only(const char *name, const char *format, const char *data, size_t len,
                         const struct ks_limits *lim, size_t stream_min,
                         struct ks_vdb_source_report *rep, struct ks_diag *diag);

/* The changelog of binary package `pkg` in the .deb held at `deb` (named
 * `name` in messages): usr/share/doc/PKG/changelog.Debian.gz, or, when
 * `native` (a version without Debian revision), changelog.gz; decompressed
 * and appended to `out`. The .deb's ar members are bounded by its size,
 * its data.tar.* is read with the ingest archive reader under `lim`;
 * nothing is written to disk. KS_ENOTFOUND when the package does not carry
 * the file (its doc directory is a link to another binary's); KS_EPARSE
 * (naming the file) for a file that is no Debian 2.x binary package or a
 * corrupt one; KS_ELIMIT beyond the limits. For the apt-mirror importer
 * and its fuzz target. */
ks_err ks_vdb_deb_changelog(const char *name, const char *deb, size_t len, const char *pkg,
                           bool native, const struct ks_limits *lim, struct ks_buf *out,
                           struct ks_diag *diag);

/* The formats ks_vdb_import() accepts for --format, NULL-terminated. */
extern const char *const ks_vdb_formats[];

/* ---- reading ---- */

struct ks_vdb;

/* Opens the database read-only and immutable; checks its schema version. */
ks_err ks_vdb_open(const char *path, struct ks_vdb **out, struct ks_diag *diag);
void ks_vdb_close(struct ks_vdb *db);

/* Writes the database's status as JSON (indent 0 or 2) into `out`:
 * schema, build time, digest, and per source name, format, records,
 * newest modified date, digest, import time and age in seconds. */
ks_err ks_vdb_status_json(struct ks_vdb *db, int indent, struct ks_buf *out,
                          struct ks_diag *diag);

/* The age in seconds of the oldest source (from its newest `modified` date,
 * or its import time when the source's dates are placeholders). */
ks_err ks_vdb_max_age(struct ks_vdb *db, int64_t now, int64_t *age, struct ks_diag *diag);

/* Everything the database holds about vulnerability `id` (any alias) as
 * JSON: canonical id, aliases, per record (feed, id, summary, severities,
 * affected packages with ranges, references), the CVSS vectors per source
 * ("cvss": source, record, version, vector, published score, base score
 * when a scorer is set) and the labels per source ("labels"), KEV and EPSS.
 * KS_ENOTFOUND when no source knows `id`. */
ks_err ks_vdb_search_json(struct ks_vdb *db, const char *id, int indent, struct ks_buf *out,
                          struct ks_diag *diag);

/* Who published a record, from its feed and id: "NVD", "GHSA", "GO",
 * "PYSEC", "RUSTSEC", "DEBIAN" (tracker, DSA/DLA/DTSA, DEBIAN-CVE; an apt
 * suite's records by their ecosystem: Debian or Ubuntu),
 * "UBUNTU" (USN, UBUNTU-CVE), "ALPINE" (secdb), "AMAZON" (updateinfo/ALAS),
 * "ALMALINUX", "ROCKY", "REDHAT", "SUSE", "OSSF" (MAL-); an OSV record
 * with another id (Ubuntu publishes "CVE-…" records) by the ecosystem of
 * its affected packages (`ecosystem`, may be NULL: "Ubuntu:22.04:LTS" ->
 * "UBUNTU"); else "OSV". Static strings; never NULL. */
const char *ks_vdb_source_of(const char *feed, const char *rid, const char *ecosystem);

/* One CVSS vector or qualitative label a source publishes for a
 * vulnerability. Strings are owned by the lookup's arena. */
struct ks_vdb_severity {
    const char *source; /* ks_vdb_source_of() of the record */
    const char *record; /* the record that carries it */
    const char *type;   /* "CVSS_V2", "CVSS_V3", "CVSS_V4"; labels: "label" (OSV
                           database_specific.severity, e.g. GHSA), "Ubuntu" (priority),
                           "debian-urgency", "vendor" (updateinfo severity) */
    const char *value;  /* the vector, or the label as published */
    bool cvss;          /* `value` is a CVSS vector */
    bool vendor;        /* the source advises on the looked-up package itself: the
                           record matched, or has an affected entry for the same
                           ecosystem and package (NVD never does) */
};

/* One advisory that affects a looked-up version. Strings are owned by the
 * arena passed to ks_vdb_lookup(). */
struct ks_vdb_match {
    const char *vuln;      /* canonical vulnerability id (CVE when known) */
    const char *record;    /* the record that matched (GHSA-..., DLA-..., CVE-...) */
    const char *feed;      /* "osv", "debian-tracker", ... */
    const char *ecosystem; /* as stored */
    const char *package;
    const char *state;     /* "affected", ... */
    const char *fixed;     /* fixed version or NULL */
    const char *summary;   /* or NULL */
    const char *severity;  /* highest-scored CVSS vector stored for the vulnerability, or NULL */
    /* Every score and label the sources publish for the vulnerability (its
     * records and the matched advisory; withdrawn records excluded; Debian
     * urgencies only of the looked-up release), in (feed, record) order. */
    const struct ks_vdb_severity *sevs;
    size_t nsevs;
    double epss;           /* -1 when unknown */
    bool kev;
};

/* Base score (tenths) of a CVSS vector, or -1 when it does not parse:
 * vulndb stores vectors, the score module computes them; a caller that may
 * use both sets this so that search results carry computed base scores.
 * NULL (the default): no "base_score" in search results. */
typedef int (*ks_vdb_scorer)(const char *vector);
void ks_vdb_set_scorer(struct ks_vdb *db, ks_vdb_scorer fn);

/* The advisories affecting `version` of `package` in `ecosystem` (an OSV
 * ecosystem name, e.g. "PyPI", "Debian:12"; the package name is normalised
 * as at import; Debian/Ubuntu names are source package names). A version is
 * affected when it is listed in an advisory's explicit versions or falls in
 * one of its ECOSYSTEM/SEMVER ranges (evaluated with the version module).
 * Withdrawn advisories never match. Results are appended to `out` (malloc'd
 * array, caller frees) in vulnerability-id order. */
ks_err ks_vdb_lookup(struct ks_vdb *db, struct ks_arena *arena, const char *ecosystem,
                     const char *package, const char *version, struct ks_vdb_match **out,
                     size_t *nout, struct ks_diag *diag);

/* From now on, remembers the result of each lookup (ecosystem, package,
 * version) for the handle's lifetime: for matching many inventories of a
 * fleet, which share most of their packages, against one database. The
 * strings of the results are then owned by the handle (valid until
 * ks_vdb_close()), not by the arena passed to ks_vdb_lookup(). At most
 * 262,144 results are kept; later lookups are not remembered. */
void ks_vdb_cache_lookups(struct ks_vdb *db);

/* `name` normalised as the database stores package names of `ecosystem`
 * (PyPI: PEP 503; npm, NuGet, Packagist: lowercase; others as given), in
 * `arena`; NULL when out of memory.
 * For comparing inventory names with ks_vdb_search_json()'s packages. */
const char *ks_vdb_normalise_name(struct ks_arena *arena, const char *ecosystem,
                                  const char *name);

/* ---- change sets (continuous re-evaluation) ---- */

#define KS_VDB_DIGEST_SIZE 65 /* hex SHA-256 + NUL */

/* Sets *out to whether the database holds advisories for any package of
 * `ecosystem` ("Debian:12", "Alpine:v3.19"): whether a distribution's own
 * data can speak for its packages. One index probe. */
ks_err ks_vdb_has_ecosystem(struct ks_vdb *db, const char *ecosystem, bool *out,
                            struct ks_diag *diag);

/* The database's digest (over its sources' names and contents): what a
 * reader records as "the database I last evaluated against". KS_ENOTFOUND
 * when it has none. */
ks_err ks_vdb_digest(struct ks_vdb *db, char out[KS_VDB_DIGEST_SIZE], struct ks_diag *diag);

/* Called with each (ecosystem, normalised package name) whose advisories
 * changed; strings valid during the call. A non-zero return stops. */
typedef ks_err ks_vdb_key_fn(const char *ecosystem, const char *package, void *ctx);

/* What changed between the database whose digest was `since` and this one:
 * every (ecosystem, package) that an added, changed, withdrawn or removed
 * advisory affects or affected, including every package of a vulnerability
 * whose records, alias group, KEV entry or EPSS score changed (severities,
 * scores and ids are per vulnerability). Each import records these keys
 * and its lineage (the digest it started from); `*nimports` receives the
 * number of imports since `since`. No call when the digests are equal.
 * KS_ENOTFOUND, with the reason in `diag`, when the change cannot be
 * trusted: `since` is not in this database's history, or an import since
 * then started from another database or was written by a kensa that
 * recorded no change set; the caller must then re-evaluate everything. */
ks_err ks_vdb_changes_since(struct ks_vdb *db, const char *since, ks_vdb_key_fn *fn, void *ctx,
                            size_t *nimports, struct ks_diag *diag);

/* Writes lookup results as JSON. */
ks_err ks_vdb_matches_json(const struct ks_vdb_match *m, size_t n, int indent,
                           struct ks_buf *out);

#endif

/* match/match.h - an inventory × the vulnerability database → findings.
 *
 * Each component is looked up by its OSV ecosystem (with release, e.g.
 * "Debian:12") and name: Debian and Ubuntu packages by their *source*
 * package and source version (the security tracker and DSA/DLA speak of
 * source packages), everything else by its own name. Every hit becomes one
 * finding per (vulnerability, package instance): aliases were merged by the
 * database and the same vulnerability reported by several advisories for one
 * package is kept once, with the earliest fixed version any of them gives.
 * Findings are scored (score module), get a fix command, and then meet the
 * user's VEX statements and ignore rules; what those remove is listed in
 * `skipped` with the reason, never dropped silently.
 *
 * A language package installed by an OS package (component->owner, see
 * pkg/owned.h) at the OS package's own upstream version (python3-idna
 * 3.3-1+deb12u1 ships idna 3.3) is decided by the distribution's advisories,
 * which know its backports: its upstream matches are skipped with that
 * reason and counted in a coverage note, unless `os_owned_upstream` — or
 * unless the database holds no advisories for the OS package's ecosystem
 * (then nothing would speak for it: it is matched upstream, with a note).
 * One at another version (a bundled copy) is matched upstream as usual.
 *
 * All strings of a result live in its arena. Not thread-safe per result. */
#ifndef KS_MATCH_MATCH_H
#define KS_MATCH_MATCH_H

#include "core/arena.h"
#include "core/err.h"
#include "core/vec.h"
#include "match/eol.h"
#include "match/ignore.h"
#include "match/vex.h"
#include "model/finding.h"
#include "model/inventory.h"
#include "score/score.h"
#include "vulndb/vulndb.h"

struct ks_match_opts {
    enum ks_netpath netpath;        /* from --network / --no-network-path */
    const struct ks_ignore *ignore; /* may be NULL */
    const struct ks_vex *vex;       /* may be NULL */
    bool ignore_unfixed;            /* drop findings without a fixed version */
    const bool *severities;         /* NULL: all; else keep bands with severities[band] */
    const struct ks_eol *eol;       /* end-of-life data; NULL: not found (a coverage note) */
    const char *today;              /* YYYY-MM-DD (UTC) for end-of-life checks */
    const char *resource_type;      /* "ROOTFS", "IMAGE", ... */
    const char *resource_id;        /* what was scanned */
    bool os_owned_upstream;         /* --no-os-owned-filter: match language packages that an
                                       OS package installed against upstream advisories too */
};

/* A (vulnerability, component) pair that matched but is not reported. */
struct ks_match_skip {
    const char *vulnerability_id;
    const char *package;
    const char *reason; /* "ignored: …", "vex not_affected (…)", "no fix (--ignore-unfixed)",
                           "severity LOW not selected (--severity)" */
    size_t component;   /* index into the inventory's components; SIZE_MAX: none (EOL) */
    struct ks_finding finding;          /* the finding it would have been */
    const struct ks_vex_statement *vex; /* the VEX statement that removed it, or NULL */
};

struct ks_match_result {
    struct ks_arena arena;
    KS_VEC(struct ks_finding) findings; /* sorted: severity desc, package, vulnerability */
    KS_VEC(struct ks_match_skip) skipped;
    KS_VEC(const char *) notes; /* coverage notes (components that could not be matched) */
    size_t components;          /* package instances looked up */
    size_t duplicates;          /* components skipped as the same purl found again */
    size_t kernel_headers;      /* kernel findings skipped on kernel-header packages */
    size_t os_owned;            /* language packages left to their OS package's advisories */
    size_t os_owned_matches;    /* upstream matches skipped on them */
    size_t os_owned_nodata;     /* owned, but no advisories for the owner's ecosystem */
    const char *eol_note;       /* outcome of the end-of-life check when not a finding */
};

void ks_match_result_init(struct ks_match_result *r);
void ks_match_result_release(struct ks_match_result *r);

/* Matches every component of `inv` against `db`, and checks the OS release
 * against the end-of-life data: a release past its security support (Debian:
 * past LTS, or past regular support when it had no LTS; Ubuntu: past
 * standard and server support) is a KS_FINDING_END_OF_LIFE finding
 * "KENSA-EOL-<id>-<version>", severity HIGH (no security update of any of
 * its packages can be expected); a Debian release in its LTS period, a
 * release or distribution the data does not know, or missing data give a
 * coverage note. */
ks_err ks_match_inventory(struct ks_vdb *db, const struct ks_inventory *inv,
                          const struct ks_match_opts *o, struct ks_match_result *res,
                          struct ks_diag *diag);

/* The database lookup key of `c`: ecosystem, and name and version (the
 * source package's for Debian/Ubuntu/Alpine), as ks_match_inventory() looks
 * it up (the name before ks_vdb_normalise_name()). False when `c` has
 * none: such a component is never matched. */
bool ks_match_lookup_key(const struct ks_component *c, const char **eco, const char **name,
                         const char **version);

/* ---- --explain ---- */

/* One (advisory record's affected package, component) pair: why the
 * vulnerability was or was not reported for it. */
struct ks_match_explain_entry {
    const char *record;    /* "GHSA-…", "DSA-…", "CVE-…" */
    const char *feed;      /* "osv", "nvd", "debian-tracker", … */
    const char *role;      /* "record" (is the vulnerability) or "advisory" (about it) */
    const char *withdrawn; /* withdrawal date, or NULL */
    const char *ecosystem; /* of the affected entry */
    const char *package;   /* as the advisory names it */
    const char *state;     /* stored state ("affected", "not-affected", …) or NULL */
    const char *ranges;    /* "ECOSYSTEM introduced 0, fixed 4.17.20; …", or NULL */
    const struct ks_component *component; /* NULL: package not installed */
    const char *installed; /* version compared (source version for Debian), or NULL */
    bool affected;         /* the comparator placed `installed` inside the advisory */
    const char *fixed;     /* fixed version chosen for `installed`, or NULL */
    bool reported;         /* a finding exists for the pair */
    const char *decision;  /* one line: "reported (HIGH 7.4)", "not reported: …" */
    const char *severity_basis; /* reported: what the severity rests on ("vendor (GHSA)
                                   CVSS 3.1 chosen over NVD"), else NULL */
};

struct ks_match_explanation {
    const char *id;       /* canonical vulnerability id */
    const char **aliases; /* naliases of them, sorted */
    size_t naliases;
    KS_VEC(struct ks_match_explain_entry) entries; /* record, ecosystem, package, path order */
};

/* Explains vulnerability `id` (or any alias of it); for an end-of-life id
 * ("KENSA-EOL-…") one entry with the check's outcome (the finding, its
 * skip reason, or the coverage note) instead of database records.
 * Explains vulnerability `id` for the inventory `inv`
 * that produced `res` with options `o`: one entry per affected package of
 * each record the database holds, per installed component of that package
 * (or one "not installed" entry). Strings live in res->arena; release
 * `ex` with ks_match_explanation_release() before `res`. KS_ENOTFOUND when
 * the database does not know `id`. */
ks_err ks_match_explain(struct ks_vdb *db, const struct ks_inventory *inv,
                        const struct ks_match_opts *o, struct ks_match_result *res, const char *id,
                        struct ks_match_explanation *ex, struct ks_diag *diag);
void ks_match_explanation_release(struct ks_match_explanation *ex);

#endif

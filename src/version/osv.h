/* version/osv.h - does an OSV `affected[]` entry cover a version?
 *
 * Implements the evaluation algorithm of the OSV schema (osv-schema
 * schema.md, "Evaluation") on plain data that a database can store as is:
 *
 *   affected = v in versions  OR  some range includes v
 *   a range includes v      = v is below one of its `limit` events (or it
 *                              has none), and walking its events in version
 *                              order, the last applicable event says so:
 *                              introduced (v >= it) -> affected,
 *                              fixed (v >= it) -> not, last_affected
 *                              (v > it) -> not.
 *
 * Events are sorted by version under the range's scheme (stable, so events
 * at equal versions keep their order); "introduced: 0" sorts before every
 * version and "limit: *" after every version. ECOSYSTEM ranges use the
 * ecosystem's scheme, SEMVER ranges SemVer 2.0 (KS_SCHEME_SEMVER). A version
 * in `versions` matches when it is the same string, or compares equal under
 * the ecosystem's scheme. GIT ranges need commit history: they are never
 * taken as "not affected" (see ks_osv_affects()).
 *
 * Pure functions, no I/O, thread-safe; nothing is retained. */
#ifndef KS_VERSION_OSV_H
#define KS_VERSION_OSV_H

#include "version/version.h"

enum ks_osv_event_kind {
    KS_OSV_INTRODUCED,
    KS_OSV_FIXED,
    KS_OSV_LAST_AFFECTED,
    KS_OSV_LIMIT,
};

struct ks_osv_event {
    enum ks_osv_event_kind kind;
    const char *version;
};

enum ks_osv_range_type {
    KS_OSV_RANGE_ECOSYSTEM,
    KS_OSV_RANGE_SEMVER,
    KS_OSV_RANGE_GIT,
};

struct ks_osv_range {
    enum ks_osv_range_type type;
    const struct ks_osv_event *events;
    size_t nevents;
};

struct ks_osv_affected {
    const struct ks_osv_range *ranges;
    size_t nranges;
    const char *const *versions; /* the explicit `versions` list */
    size_t nversions;
};

/* Most events one range may have (hostile input bound): KS_ELIMIT above. */
#define KS_OSV_MAX_EVENTS 4096

/* Parses an OSV range type ("ECOSYSTEM", "SEMVER", "GIT") or event key
 * ("introduced", "fixed", "last_affected", "limit"); false when unknown. */
bool ks_osv_range_type_parse(const char *s, enum ks_osv_range_type *out);
bool ks_osv_event_kind_parse(const char *s, enum ks_osv_event_kind *out);

/* Sets *affected to whether `version` (a version of `scheme`, the scheme of
 * the entry's ecosystem) is covered by `a`. Returns
 *  - KS_OK when decided: listed in `versions`, or included by an ECOSYSTEM
 *    or SEMVER range, or (false) by none of them while no GIT range exists;
 *  - KS_EUNSUPPORTED with *affected = false when the version is not covered
 *    by versions/ECOSYSTEM/SEMVER but a GIT range exists, which only commit
 *    history could decide;
 *  - KS_EPARSE when `version` is invalid for the scheme (and not listed
 *    verbatim in `versions`), or an event version
 *    of a range that must be evaluated is invalid (detail names it);
 *  - KS_ELIMIT for a range with more than KS_OSV_MAX_EVENTS events;
 *  - KS_EINVAL for a scheme without a comparator (KS_SCHEME_NONE).
 * Unparsable strings in `versions` simply do not match (OSV data has them,
 * e.g. non-PEP 440 tags). */
ks_err ks_osv_affects(enum ks_scheme scheme, const struct ks_osv_affected *a, const char *version,
                      bool *affected, struct ks_diag *diag);

/* Whether one range (ECOSYSTEM or SEMVER) includes `version`; errors as for
 * ks_osv_affects(), KS_EUNSUPPORTED for a GIT range. */
ks_err ks_osv_range_includes(enum ks_scheme scheme, const struct ks_osv_range *r,
                             const char *version, bool *included, struct ks_diag *diag);

#endif

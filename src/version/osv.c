/* version/osv.c - the OSV schema's range evaluation.
 *
 * Walking a range's events in sorted order and letting each applicable one
 * set the state leaves the state of the *last* applicable event. So instead
 * of sorting, one pass finds the applicable event that sorts last: the
 * greatest version, ties broken by input order (a stable sort keeps equal
 * versions in input order). This is exact, allocation-free and linear. */
#include "core/ks_common.h"

#include "version/osv.h"

bool ks_osv_range_type_parse(const char *s, enum ks_osv_range_type *out)
{
    if (!strcmp(s, "ECOSYSTEM"))
        *out = KS_OSV_RANGE_ECOSYSTEM;
    else if (!strcmp(s, "SEMVER"))
        *out = KS_OSV_RANGE_SEMVER;
    else if (!strcmp(s, "GIT"))
        *out = KS_OSV_RANGE_GIT;
    else
        return false;
    return true;
}

bool ks_osv_event_kind_parse(const char *s, enum ks_osv_event_kind *out)
{
    if (!strcmp(s, "introduced"))
        *out = KS_OSV_INTRODUCED;
    else if (!strcmp(s, "fixed"))
        *out = KS_OSV_FIXED;
    else if (!strcmp(s, "last_affected"))
        *out = KS_OSV_LAST_AFFECTED;
    else if (!strcmp(s, "limit"))
        *out = KS_OSV_LIMIT;
    else
        return false;
    return true;
}

static bool is_zero_introduced(const struct ks_osv_event *e)
{
    return e->kind == KS_OSV_INTRODUCED && !strcmp(e->version, "0");
}

ks_err ks_osv_range_includes(enum ks_scheme scheme, const struct ks_osv_range *r,
                             const char *version, bool *included, struct ks_diag *diag)
{
    const struct ks_osv_event *best = NULL;
    bool has_limit = false, below_limit = false;
    ks_err err;
    int c;

    *included = false;
    if (r->type == KS_OSV_RANGE_GIT)
        return ks_diag_set(diag, KS_EUNSUPPORTED, "a GIT range needs commit history");
    if (r->type == KS_OSV_RANGE_SEMVER)
        scheme = KS_SCHEME_SEMVER;
    if (r->nevents > KS_OSV_MAX_EVENTS)
        return ks_diag_set(diag, KS_ELIMIT, "range has %zu events (limit %d)", r->nevents,
                           KS_OSV_MAX_EVENTS);
    if (!ks_version_valid(scheme, version))
        return ks_version_cmp(scheme, version, version, &c, diag);
    for (size_t i = 0; i < r->nevents; i++) {
        const struct ks_osv_event *e = &r->events[i];

        if (e->kind != KS_OSV_LIMIT)
            continue;
        has_limit = true;
        if (!strcmp(e->version, "*")) {
            below_limit = true;
            continue;
        }
        if ((err = ks_version_cmp(scheme, version, e->version, &c, diag)))
            return err;
        below_limit |= c < 0;
    }
    if (has_limit && !below_limit)
        return KS_OK;
    for (size_t i = 0; i < r->nevents; i++) {
        const struct ks_osv_event *e = &r->events[i];
        bool applies;

        if (e->kind == KS_OSV_LIMIT)
            continue;
        if (is_zero_introduced(e)) {
            applies = true;
        } else {
            if ((err = ks_version_cmp(scheme, version, e->version, &c, diag)))
                return err;
            applies = e->kind == KS_OSV_LAST_AFFECTED ? c > 0 : c >= 0;
        }
        if (!applies)
            continue;
        /* Is e at or after best in sorted order? (equal: later input wins) */
        if (best && !is_zero_introduced(e)) {
            if (is_zero_introduced(best)) {
                c = 1;
            } else if ((err = ks_version_cmp(scheme, e->version, best->version, &c, diag))) {
                return err;
            }
            if (c < 0)
                continue;
        } else if (best && is_zero_introduced(e)) {
            if (!is_zero_introduced(best))
                continue;
        }
        best = e;
    }
    *included = best && best->kind == KS_OSV_INTRODUCED;
    return KS_OK;
}

static bool listed(enum ks_scheme scheme, const struct ks_osv_affected *a, const char *version)
{
    for (size_t i = 0; i < a->nversions; i++) {
        int c;

        if (!strcmp(a->versions[i], version))
            return true;
        if (ks_version_valid(scheme, version) && ks_version_valid(scheme, a->versions[i]) &&
            !ks_version_cmp(scheme, version, a->versions[i], &c, NULL) && c == 0)
            return true;
    }
    return false;
}

ks_err ks_osv_affects(enum ks_scheme scheme, const struct ks_osv_affected *a, const char *version,
                      bool *affected, struct ks_diag *diag)
{
    bool git = false;
    int c;

    *affected = false;
    /* Listed strings match even when the scheme rejects them: OSV compares
     * the `versions` list as strings, and real lists hold legacy versions. */
    if (listed(scheme, a, version)) {
        *affected = true;
        return KS_OK;
    }
    if (!ks_version_valid(scheme, version))
        return ks_version_cmp(scheme, version, version, &c, diag);
    for (size_t i = 0; i < a->nranges; i++) {
        bool inc;
        ks_err err;

        if (a->ranges[i].type == KS_OSV_RANGE_GIT) {
            git = true;
            continue;
        }
        if ((err = ks_osv_range_includes(scheme, &a->ranges[i], version, &inc, diag)))
            return err;
        if (inc) {
            *affected = true;
            return KS_OK;
        }
    }
    if (git)
        return ks_diag_set(diag, KS_EUNSUPPORTED,
                           "version '%.200s' is outside the versions and ranges that can be "
                           "evaluated; a GIT range needs commit history",
                           version);
    return KS_OK;
}

/* vulndb/osv.c - OSV records (JSON or YAML, single or in an array). */
#include "core/ks_common.h"

#include "vulndb/internal.h"

#include "core/str.h"
#include "formats/json.h"

/* Ecosystem names OSV defines (osv-schema ecosystems.json), plus GIT and
 * kensa's own "Amazon Linux" for updateinfo data. */
static const char *const osv_ecosystems[] = {
        "AlmaLinux", "Alpaquita", "Alpine", "Android", "Azure Linux",
        "BellSoft Hardened Containers", "Bioconductor", "Bitnami", "Chainguard", "CleanStart",
        "ConanCenter", "CRAN", "crates.io", "Debian", "Docker Hardened Images", "Echo", "FreeBSD",
        "GHC", "GitHub Actions", "Go", "Hackage", "Hex", "Julia", "Kubernetes", "Linux", "Mageia",
        "Maven", "MinimOS", "npm", "NuGet", "opam", "openEuler", "openSUSE", "OSS-Fuzz",
        "Packagist", "Photon OS", "Pub", "PyPI", "Red Hat", "Rocky Linux", "Root", "RubyGems",
        "SUSE", "SwiftURL", "TuxCare", "Ubuntu", "VSCode", "Wolfi", "GIT", "Amazon Linux", NULL};

static bool known_ecosystem(const char *e)
{
    size_t n = strcspn(e, ":");
    for (size_t i = 0; osv_ecosystems[i]; i++)
        if (strlen(osv_ecosystems[i]) == n && !memcmp(osv_ecosystems[i], e, n))
            return true;
    return false;
}

/* Advisories about several CVEs: never merged with them. */
static bool is_advisory_id(const char *id)
{
    static const char *const pfx[] = {"DSA-", "DLA-", "DTSA-", "USN-",  "ALAS", "ALSA-",
                                      "RLSA-", "RHSA-", "ELSA-", "SUSE-", "openSUSE-", NULL};
    for (size_t i = 0; pfx[i]; i++)
        if (ks_starts_with(id, pfx[i]))
            return true;
    return false;
}

static const char **str_list(struct ks_arena *a, const struct ks_value *arr, size_t *n,
                             bool canon)
{
    size_t len = ks_value_len(arr), k = 0;
    const char **out = ks_arena_calloc(a, len + 1, sizeof(char *));
    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        const char *s = ks_value_str(ks_value_at(arr, i));
        if (s && *s)
            out[k++] = canon ? vdb_canonical_id(s) : s;
    }
    *n = k;
    return out;
}

/* The blob kept for `db search`: what a report shows but lookup never needs. */
static ks_err make_blob(struct vdb_ctx *ctx, const struct ks_value *v, struct vdb_record *r)
{
    struct ks_buf b = KS_BUF_INIT(0);
    struct ks_jw jw;
    ks_jw_init(&jw, &b, 0);
    ks_jw_obj_begin(&jw);
    const char *details = ks_value_get_str(v, "details");
    if (details && *details)
        ks_jw_kstr(&jw, "details", details);
    const struct ks_value *refs = ks_value_get(v, "references");
    if (ks_value_len(refs)) {
        ks_jw_key(&jw, "references");
        ks_jw_arr_begin(&jw);
        for (size_t i = 0; i < ks_value_len(refs); i++) {
            const struct ks_value *x = ks_value_at(refs, i);
            const char *url = ks_value_get_str(x, "url");
            if (!url)
                continue;
            ks_jw_obj_begin(&jw);
            ks_jw_kstr_opt(&jw, "type", ks_value_get_str(x, "type"));
            ks_jw_kstr(&jw, "url", url);
            ks_jw_obj_end(&jw);
        }
        ks_jw_arr_end(&jw);
    }
    const struct ks_value *cwes = ks_value_path(v, "database_specific.cwe_ids");
    if (ks_value_len(cwes)) {
        ks_jw_key(&jw, "cwes");
        ks_jw_value(&jw, cwes);
    }
    const char *sev = ks_value_str(ks_value_path(v, "database_specific.severity"));
    if (sev)
        ks_jw_kstr(&jw, "severity_label", sev);
    const struct ks_value *rel = ks_value_get(v, "related");
    if (ks_value_len(rel)) {
        ks_jw_key(&jw, "related");
        ks_jw_value(&jw, rel);
    }
    ks_jw_obj_end(&jw);
    ks_err err = ks_jw_finish(&jw);
    if (!err && b.len > 2) {
        r->blob = ks_arena_strndup(ctx->arena, b.ptr, b.len);
        r->blob_len = b.len;
        if (!r->blob)
            err = KS_ENOMEM;
    }
    ks_buf_release(&b);
    return err;
}

static ks_err read_range(struct vdb_ctx *ctx, const struct ks_value *rv, struct vdb_range *out,
                         const char **first_fixed, const char **why)
{
    const char *type = ks_value_get_str(rv, "type");
    const struct ks_value *events = ks_value_get(rv, "events");
    if (!type) {
        *why = "range without 'type'";
        return KS_EPARSE;
    }
    if (strcmp(type, "ECOSYSTEM") && strcmp(type, "SEMVER") && strcmp(type, "GIT")) {
        *why = "unknown range type";
        return KS_EPARSE;
    }
    if (!ks_value_is(events, KS_VARRAY) || events->u.a.len == 0) {
        *why = "range without events";
        return KS_EPARSE;
    }
    size_t n = events->u.a.len;
    if (n > 10000) {
        *why = "range with more than 10000 events";
        return KS_EPARSE;
    }
    out->type = type;
    out->ev = ks_arena_calloc(ctx->arena, n, sizeof(*out->ev));
    if (!out->ev)
        return KS_ENOMEM;
    bool has_intro = false;
    for (size_t i = 0; i < n; i++) {
        const struct ks_value *e = events->u.a.items[i];
        static const char *const keys[] = {"introduced", "fixed", "last_affected", "limit"};
        const char *ver = NULL;
        int kind = -1;
        for (int k = 0; k < 4; k++) {
            const char *s = ks_value_get_str(e, keys[k]);
            if (s) {
                if (ver) {
                    *why = "event with more than one of introduced/fixed/last_affected/limit";
                    return KS_EPARSE;
                }
                ver = s;
                kind = k;
            }
        }
        if (!ver || !*ver || strlen(ver) > 256) {
            *why = "event without a version";
            return KS_EPARSE;
        }
        has_intro |= kind == VDB_INTRODUCED;
        out->ev[out->nev].kind = (enum vdb_event_kind)kind;
        out->ev[out->nev].version = ver;
        out->nev++;
        if (kind == VDB_FIXED && !*first_fixed && strcmp(type, "GIT"))
            *first_fixed = ver;
    }
    if (!has_intro) {
        *why = "range without an 'introduced' event";
        return KS_EPARSE;
    }
    return KS_OK;
}

static ks_err read_one(struct vdb_ctx *ctx, const struct ks_value *v, struct ks_diag *diag)
{
    struct vdb_record r = {0};
    const char *why = NULL;
    ks_err err;

    vdb_count_read(ctx);
    r.feed = "osv";
    r.rid = ks_value_get_str(v, "id");
    r.modified = ks_value_get_str(v, "modified");
    if (!ks_value_is(v, KS_VOBJECT))
        return vdb_reject(ctx, "OSV record is a %s, not an object", ks_vtype_name(v->type));
    if (!r.rid || !*r.rid || strlen(r.rid) > 128)
        return vdb_reject(ctx, "OSV record without a valid 'id'");
    if (!r.modified)
        return vdb_reject(ctx, "record '%s': missing required field 'modified'", r.rid);
    r.published = ks_value_get_str(v, "published");
    r.withdrawn = ks_value_get_str(v, "withdrawn");
    r.summary = ks_value_get_str(v, "summary");
    const struct ks_value *aliases = ks_value_get(v, "aliases");
    const struct ks_value *upstream = ks_value_get(v, "upstream");
    if ((aliases && !ks_value_is(aliases, KS_VARRAY) && !ks_value_is(aliases, KS_VNULL)) ||
        (upstream && !ks_value_is(upstream, KS_VARRAY)))
        return vdb_reject(ctx, "record '%s': 'aliases'/'upstream' is not an array", r.rid);

    bool advisory = is_advisory_id(r.rid) ||
                    (ks_value_len(aliases) == 0 && ks_value_len(upstream) > 0 &&
                     !ks_starts_with(vdb_canonical_id(r.rid), "CVE-"));
    size_t nal = 0, nup = 0;
    const char **al = str_list(ctx->arena, aliases, &nal, true);
    const char **up = str_list(ctx->arena, upstream, &nup, true);
    if (!al || !up)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    if (advisory) {
        /* one vulnerability per CVE: the advisory's aliases and upstream ids */
        r.names = ks_arena_calloc(ctx->arena, 1, sizeof(char *));
        r.about = ks_arena_calloc(ctx->arena, nal + nup + 1, sizeof(char *));
        if (!r.names || !r.about)
            return ks_diag_set(diag, KS_ENOMEM, "out of memory");
        r.names[r.nnames++] = r.rid;
        for (size_t i = 0; i < nal + nup; i++)
            r.about[r.nabout++] = i < nal ? al[i] : up[i - nal];
    } else {
        r.names = ks_arena_calloc(ctx->arena, nal + 2, sizeof(char *));
        if (!r.names)
            return ks_diag_set(diag, KS_ENOMEM, "out of memory");
        r.names[r.nnames++] = vdb_canonical_id(r.rid);
        for (size_t i = 0; i < nal; i++)
            r.names[r.nnames++] = al[i];
    }

    const struct ks_value *sev = ks_value_get(v, "severity");
    r.sev = ks_arena_calloc(ctx->arena, ks_value_len(sev) + 2, sizeof(*r.sev));
    for (size_t i = 0; r.sev && i < ks_value_len(sev); i++) {
        const struct ks_value *s = ks_value_at(sev, i);
        const char *t = ks_value_get_str(s, "type"), *sc = ks_value_get_str(s, "score");
        if (t && sc)
            r.sev[r.nsev++] = (struct vdb_severity){t, sc, -1, NULL};
    }
    /* The publisher's own label (GHSA: LOW, MODERATE, HIGH, CRITICAL): the
     * severity when no CVSS exists. */
    const char *label = ks_value_str(ks_value_path(v, "database_specific.severity"));
    if (r.sev && label && *label)
        r.sev[r.nsev++] = (struct vdb_severity){"label", label, -1, NULL};

    const struct ks_value *aff = ks_value_get(v, "affected");
    if (aff && !ks_value_is(aff, KS_VARRAY))
        return vdb_reject(ctx, "record '%s': 'affected' is not an array", r.rid);
    size_t naff = ks_value_len(aff);
    r.aff = ks_arena_calloc(ctx->arena, naff + 1, sizeof(*r.aff));
    if (!r.sev || !r.aff)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    for (size_t i = 0; i < naff; i++) {
        const struct ks_value *a = ks_value_at(aff, i);
        struct vdb_affected *o = &r.aff[r.naff];
        const char *eco = ks_value_str(ks_value_path(a, "package.ecosystem"));
        const char *name = ks_value_str(ks_value_path(a, "package.name"));
        const struct ks_value *ranges = ks_value_get(a, "ranges");
        const struct ks_value *versions = ks_value_get(a, "versions");
        if (!ks_value_get(a, "package")) {
            /* allowed by the schema for GIT-only records: nothing to look up */
            continue;
        }
        if (!eco || !name || !*name)
            return vdb_reject(ctx, "record '%s': affected[%zu] without package ecosystem/name",
                              r.rid, i);
        if (!known_ecosystem(eco))
            return vdb_reject(ctx, "record '%s': unknown ecosystem '%s'", r.rid, eco);
        if ((ranges && !ks_value_is(ranges, KS_VARRAY)) ||
            (versions && !ks_value_is(versions, KS_VARRAY)))
            return vdb_reject(ctx, "record '%s': affected[%zu] ranges/versions not arrays",
                              r.rid, i);
        o->ecosystem = eco;
        o->package = vdb_normalise_name(ctx->arena, eco, name);
        o->state = "affected";
        size_t nr = ks_value_len(ranges);
        o->ranges = ks_arena_calloc(ctx->arena, nr + 1, sizeof(*o->ranges));
        o->versions = str_list(ctx->arena, versions, &o->nversions, false);
        if (!o->package || !o->ranges || !o->versions)
            return ks_diag_set(diag, KS_ENOMEM, "out of memory");
        for (size_t j = 0; j < o->nversions; j++)
            if (strlen(o->versions[j]) > VDB_VERSION_MAX)
                return vdb_reject(ctx, "record '%s': affected[%zu] version of %zu bytes (at most %d)",
                                  r.rid, i, strlen(o->versions[j]), VDB_VERSION_MAX);
        for (size_t j = 0; j < nr; j++) {
            err = read_range(ctx, ks_value_at(ranges, j), &o->ranges[o->nranges], &o->fixed,
                             &why);
            if (err == KS_ENOMEM)
                return ks_diag_set(diag, err, "out of memory");
            if (err)
                return vdb_reject(ctx, "record '%s': affected[%zu] range %zu: %s", r.rid, i, j,
                                  why);
            o->nranges++;
        }
        r.naff++;
    }
    if ((err = make_blob(ctx, v, &r)) || (err = vdb_digest_value(ctx, v, r.digest)))
        return ks_diag_set(diag, err, "out of memory");
    return vdb_emit(ctx, &r, diag);
}

ks_err vdb_read_osv(struct vdb_ctx *ctx, const struct ks_value *doc, struct ks_diag *diag)
{
    if (ks_value_is(doc, KS_VARRAY)) {
        for (size_t i = 0; i < doc->u.a.len; i++) {
            ks_err err = read_one(ctx, doc->u.a.items[i], diag);
            if (err)
                return err;
        }
        return KS_OK;
    }
    return read_one(ctx, doc, diag);
}

/* match/explain.c - `kensa scan --explain ID`: why one vulnerability was or
 * was not reported, per advisory record and installed package. */
#include "core/ks_common.h"

#include "match/match.h"

#include "core/buf.h"
#include "formats/json.h"
#include "match/internal.h"
#include "score/score.h"

static bool same(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

void ks_match_explanation_release(struct ks_match_explanation *ex)
{
    KS_VEC_RELEASE(&ex->entries);
}

/* "ECOSYSTEM introduced 0, fixed 4.17.20; 3 versions listed" of one
 * affected entry, appended to `b`. */
static void ranges_text(struct ks_buf *b, const struct ks_value *aff)
{
    const struct ks_value *ranges = ks_value_get(aff, "ranges");
    int64_t listed = 0;
    size_t start = b->len;

    for (size_t i = 0; i < ks_value_len(ranges); i++) {
        const struct ks_value *r = ks_value_at(ranges, i);
        const struct ks_value *ev = ks_value_get(r, "events");

        if (b->len > start)
            ks_buf_adds(b, "; ");
        ks_buf_adds(b, ks_value_get_str(r, "type") ? ks_value_get_str(r, "type") : "?");
        for (size_t k = 0; k < ks_value_len(ev); k++) {
            const struct ks_value *e = ks_value_at(ev, k);
            if (!ks_value_is(e, KS_VOBJECT) || e->u.o.len != 1)
                continue;
            ks_buf_addf(b, "%s %s %s", k ? "," : "", e->u.o.items[0].key,
                        ks_value_str(e->u.o.items[0].value) ? ks_value_str(e->u.o.items[0].value)
                                                            : "?");
        }
    }
    if (ks_value_int(ks_value_get(aff, "versions_listed"), &listed) && listed > 0)
        ks_buf_addf(b, "%s%lld versions listed", b->len > start ? "; " : "", (long long)listed);
    if (b->len == start && ks_value_get_str(aff, "fixed"))
        ks_buf_addf(b, "fixed %s", ks_value_get_str(aff, "fixed"));
}

/* The ranges of every affected entry of `rec` about the same package as
 * entry `k` (an OSV record may list one package several times, one entry
 * per branch), joined by " | "; NULL when entry `k` is not the first of
 * them (it was explained with the first) or nothing is known. The lookup
 * answers per record and package, so the verdict covers them together. */
static const char *package_ranges(struct ks_arena *a, const struct ks_value *affs, size_t k,
                                  bool *first)
{
    const struct ks_value *aff = ks_value_at(affs, k);
    const char *eco = ks_value_get_str(aff, "ecosystem"), *pkg = ks_value_get_str(aff, "package");
    struct ks_buf b = KS_BUF_INIT(0);
    const char *out = NULL;

    *first = true;
    for (size_t j = 0; j < ks_value_len(affs); j++) {
        const struct ks_value *o = ks_value_at(affs, j);
        size_t before = b.len;

        if (!same(eco, ks_value_get_str(o, "ecosystem")) ||
            !same(pkg, ks_value_get_str(o, "package")))
            continue;
        if (j < k) {
            *first = false;
            break;
        }
        if (b.len)
            ks_buf_adds(&b, " | ");
        ranges_text(&b, o);
        if (b.len == before + (before ? 3 : 0))
            ks_buf_truncate(&b, before);
    }
    if (*first && b.len)
        out = ks_arena_strdup(a, ks_buf_str(&b));
    ks_buf_release(&b);
    return out;
}

static const struct ks_finding *find_finding(const struct ks_match_result *res, const char *vuln,
                                             const struct ks_component *c)
{
    for (size_t i = 0; i < res->findings.len; i++) {
        const struct ks_finding *f = &res->findings.items[i];
        if (!strcmp(f->vulnerability_id, vuln) && same(f->package.name, c->name) &&
            same(f->package.version, c->version) && same(f->package.file_path, c->path))
            return f;
    }
    return NULL;
}

static const struct ks_match_skip *find_skip(const struct ks_match_result *res, const char *vuln,
                                             size_t ci)
{
    for (size_t i = 0; i < res->skipped.len; i++)
        if (res->skipped.items[i].component == ci &&
            !strcmp(res->skipped.items[i].vulnerability_id, vuln))
            return &res->skipped.items[i];
    return NULL;
}

/* Fills the verdict and decision of `e` for component `ci`. */
static ks_err decide(struct ks_vdb *db, struct ks_match_result *res, const char *vuln, size_t ci,
                     const char *name, struct ks_match_explain_entry *e, struct ks_diag *diag)
{
    struct ks_arena *a = &res->arena;
    struct ks_vdb_match *m = NULL;
    const struct ks_finding *f;
    const struct ks_match_skip *s;
    size_t n = 0;
    ks_err err;

    if (e->withdrawn) {
        e->decision = ks_arena_printf(a, "not reported: record withdrawn on %s", e->withdrawn);
        return e->decision ? KS_OK : KS_ENOMEM;
    }
    err = ks_vdb_lookup(db, a, e->ecosystem, name, e->installed, &m, &n, diag);
    for (size_t k = 0; !err && k < n; k++)
        if (!strcmp(m[k].vuln, vuln) && !strcmp(m[k].record, e->record)) {
            e->affected = true;
            if (m[k].fixed && *m[k].fixed && strcmp(m[k].fixed, "0"))
                e->fixed = m[k].fixed;
        }
    free(m);
    if (err)
        return err;
    if (!e->affected) {
        if (e->state && strcmp(e->state, "affected"))
            e->decision = ks_arena_printf(a, "not reported: the record's state is '%s'", e->state);
        else
            e->decision = ks_arena_printf(a, "not reported: %s is outside the affected ranges",
                                          e->installed);
    } else if ((f = find_finding(res, vuln, e->component))) {
        e->reported = true;
        e->severity_basis = f->score.basis_reason;
        e->decision =
                f->score.scored
                        ? ks_arena_printf(a, "reported: %s, kensa score %.1f, finding %s",
                                          ks_severity_name(f->severity), f->score.score10 / 10.0,
                                          f->id)
                        : ks_arena_printf(a, "reported: %s, no kensa score (no CVSS), finding %s",
                                          ks_severity_name(f->severity), f->id);
    } else if ((s = find_skip(res, vuln, ci))) {
        e->decision = ks_arena_printf(a, "not reported: %s", s->reason);
    } else {
        e->decision = "not reported: the component was not matched";
    }
    return e->decision ? KS_OK : KS_ENOMEM;
}

/* KENSA-EOL-<distro>-<version>: the end-of-life check's own outcome. */
static ks_err explain_eol(const struct ks_inventory *inv, struct ks_match_result *res,
                          const char *id, struct ks_match_explanation *ex, struct ks_diag *diag)
{
    struct ks_arena *a = &res->arena;
    struct ks_match_explain_entry e;

    memset(&e, 0, sizeof(e));
    ex->id = ks_arena_strdup(a, id);
    ex->aliases = ks_arena_calloc(a, 1, sizeof(*ex->aliases));
    e.record = ex->id;
    e.feed = "distro-info-data";
    e.role = "record";
    e.ecosystem = inv->distro.id ? inv->distro.id : "unknown";
    e.package = inv->distro.id ? inv->distro.id : "unknown";
    e.ranges = "releases past their security support";
    e.installed = inv->distro.version_id ? inv->distro.version_id : inv->distro.codename;
    e.decision = "not reported: no operating system was identified";
    for (size_t i = 0; i < res->findings.len; i++)
        if (!strcmp(res->findings.items[i].vulnerability_id, id)) {
            e.reported = e.affected = true;
            e.decision = ks_arena_printf(a, "reported: %s, finding %s: %s",
                                         ks_severity_name(res->findings.items[i].severity),
                                         res->findings.items[i].id, res->findings.items[i].title);
        }
    for (size_t i = 0; !e.reported && i < res->skipped.len; i++)
        if (!strcmp(res->skipped.items[i].vulnerability_id, id)) {
            e.affected = true;
            e.decision = ks_arena_printf(a, "not reported: %s", res->skipped.items[i].reason);
        }
    if (!e.affected && inv->distro.id)
        e.decision = ks_arena_printf(a, "not reported: %s",
                                     res->eol_note ? res->eol_note : "end of life not checked");
    if (!ex->id || !ex->aliases || !e.decision || KS_VEC_PUSH(&ex->entries, e))
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    return KS_OK;
}

ks_err ks_match_explain(struct ks_vdb *db, const struct ks_inventory *inv,
                        const struct ks_match_opts *o, struct ks_match_result *res, const char *id,
                        struct ks_match_explanation *ex, struct ks_diag *diag)
{
    static const char *const lists[] = {"records", "advisories"};
    struct ks_arena *a = &res->arena;
    struct ks_buf js = KS_BUF_INIT(0);
    struct ks_value *doc = NULL;
    const struct ks_value *al;
    struct ks_limits lim;
    ks_err err;

    (void)o;
    memset(ex, 0, sizeof(*ex));
    if (!strncmp(id, "KENSA-EOL-", 10))
        return explain_eol(inv, res, id, ex, diag);
    ks_limits_init(&lim);
    err = ks_vdb_search_json(db, id, 0, &js, diag);
    if (!err)
        err = ks_json_parse(a, "search result", js.ptr, js.len, &lim, &doc, diag);
    if (err)
        goto done;
    ex->id = ks_value_get_str(doc, "id");
    al = ks_value_get(doc, "aliases");
    ex->naliases = ks_value_len(al);
    ex->aliases = ks_arena_calloc(a, ex->naliases + 1, sizeof(*ex->aliases));
    if (!ex->id || !ex->aliases) {
        err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < ex->naliases; i++)
        ex->aliases[i] = ks_value_str(ks_value_at(al, i));

    for (size_t l = 0; l < 2 && !err; l++) {
        const struct ks_value *recs = ks_value_get(doc, lists[l]);
        for (size_t r = 0; r < ks_value_len(recs) && !err; r++) {
            const struct ks_value *rec = ks_value_at(recs, r);
            const struct ks_value *affs = ks_value_get(rec, "affected");
            for (size_t k = 0; k < ks_value_len(affs) && !err; k++) {
                const struct ks_value *aff = ks_value_at(affs, k);
                struct ks_match_explain_entry e;
                bool installed = false;

                memset(&e, 0, sizeof(e));
                e.record = ks_value_get_str(rec, "id");
                e.feed = ks_value_get_str(rec, "feed");
                e.role = l ? "advisory" : "record";
                e.withdrawn = ks_value_get_str(rec, "withdrawn");
                e.ecosystem = ks_value_get_str(aff, "ecosystem");
                e.package = ks_value_get_str(aff, "package");
                e.state = ks_value_get_str(aff, "state");
                bool first;
                e.ranges = package_ranges(a, affs, k, &first);
                if (!first)
                    continue;
                if (!e.record || !e.feed || !e.ecosystem || !e.package)
                    continue;
                for (size_t ci = 0; ci < inv->components.len && !err; ci++) {
                    const struct ks_component *c = &inv->components.items[ci];
                    const char *eco, *name, *version, *norm;
                    struct ks_match_explain_entry ce = e;

                    if (!ks_match_lookup_key(c, &eco, &name, &version) || strcmp(eco, e.ecosystem))
                        continue;
                    norm = ks_vdb_normalise_name(a, eco, name);
                    if (!norm) {
                        err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
                        break;
                    }
                    if (strcmp(norm, e.package))
                        continue;
                    installed = true;
                    ce.component = c;
                    ce.installed = version;
                    err = decide(db, res, ex->id, ci, name, &ce, diag);
                    if (err == KS_ENOMEM)
                        err = ks_diag_set(diag, err, "out of memory");
                    if (!err && KS_VEC_PUSH(&ex->entries, ce))
                        err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
                }
                if (!err && !installed) {
                    e.decision = "not reported: package not installed";
                    if (KS_VEC_PUSH(&ex->entries, e))
                        err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
                }
            }
        }
    }
done:
    ks_buf_release(&js);
    return err;
}

/* export/findings_sarif.c - SARIF 2.1.0 (OASIS), the format code-scanning
 * dashboards read. One reportingDescriptor (rule) per vulnerability id, one
 * result per finding. The CVSS-based `security-severity` property is the one
 * GitHub code scanning uses to rank security results.
 *
 * Locations are the package's file inside the target as a relative URI
 * reference (percent-encoded), or the target itself for OS packages that
 * have no file of their own. */
#include "core/ks_common.h"

#include "export/findings.h"

#include "export/findings_int.h"
#include "formats/json.h"
#include "score/score.h"

static const char *vid(const struct ks_finding *f)
{
    return f->vulnerability_id ? f->vulnerability_id : "UNKNOWN";
}

static const char *level_of(enum ks_severity s)
{
    switch (s) {
    case KS_SEV_CRITICAL:
    case KS_SEV_HIGH: return "error";
    case KS_SEV_MEDIUM: return "warning";
    default: return "note";
    }
}

/* RFC 3986 relative reference: unreserved bytes and '/' kept, the rest
 * percent-encoded; a leading '/' is dropped so the path is relative to the
 * target root. */
static ks_err uri_ref(struct ks_buf *b, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    ks_err err = KS_OK;

    while (*path == '/')
        path++;
    for (const unsigned char *p = (const unsigned char *)path; *p && !err; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~/", *p)) {
            err = ks_buf_addc(b, (char)*p);
        } else {
            char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            err = ks_buf_add(b, e, 3);
        }
    }
    return err;
}

/* The first finding (in report order) of each vulnerability id, sorted by id. */
struct rule {
    const char *id;
    const struct ks_finding *f;
    size_t order; /* position in report order */
};

static int cmp_rule(const void *a, const void *b)
{
    return strcmp(((const struct rule *)a)->id, ((const struct rule *)b)->id);
}

static int cmp_rule_order(const void *a, const void *b)
{
    const struct rule *x = a, *y = b;
    int r = strcmp(x->id, y->id);

    if (r)
        return r;
    return x->order < y->order ? -1 : x->order > y->order;
}

static void write_rule(struct ks_jw *w, const struct rule *r)
{
    const struct ks_finding *f = r->f;
    const char *help_uri = f->source_url ? f->source_url
                           : f->nreferences ? f->references[0]
                                            : NULL;
    char s[16];

    ks_jw_obj_begin(w);
    ks_jw_kstr(w, "id", r->id);
    ks_jw_key(w, "shortDescription");
    ks_jw_obj_begin(w);
    ks_jw_kstr(w, "text", f->title ? f->title : r->id);
    ks_jw_obj_end(w);
    ks_jw_key(w, "fullDescription");
    ks_jw_obj_begin(w);
    ks_jw_kstr(w, "text", f->description ? f->description : f->title ? f->title : r->id);
    ks_jw_obj_end(w);
    ks_jw_kstr_opt(w, "helpUri", help_uri);
    ks_jw_key(w, "help");
    ks_jw_obj_begin(w);
    ks_jw_kstr(w, "text", f->description ? f->description : f->title ? f->title : r->id);
    ks_jw_obj_end(w);
    ks_jw_key(w, "defaultConfiguration");
    ks_jw_obj_begin(w);
    ks_jw_kstr(w, "level", level_of(f->severity));
    ks_jw_obj_end(w);
    ks_jw_key(w, "properties");
    ks_jw_obj_begin(w);
    if (f->score.scored)
        ks_jw_kstr(w, "security-severity", ks_score10_str(f->score.score10, s, sizeof(s)));
    ks_jw_key(w, "tags");
    ks_jw_arr_begin(w);
    ks_jw_str(w, "security");
    ks_jw_str(w, "vulnerability");
    ks_jw_str(w, ks_severity_name(f->severity));
    ks_jw_arr_end(w);
    ks_jw_obj_end(w);
    ks_jw_obj_end(w);
}

static ks_err write_result(struct ks_jw *w, const struct ks_finding *f, size_t rule_index,
                           const char *target, struct ks_buf *tmp)
{
    char s[16];
    const char *loc = f->package.file_path ? f->package.file_path : target;
    ks_err err;

    ks_buf_reset(tmp);
    err = ks_buf_addf(tmp, "%s: %s %s is affected (%s", vid(f),
                      f->package.name ? f->package.name : "component",
                      f->package.version ? f->package.version : "", ks_severity_name(f->severity));
    if (!err && f->score.scored)
        err = ks_buf_addf(tmp, ", kensa score %s", ks_score10_str(f->score.score10, s, sizeof(s)));
    if (!err && f->package.fixed_version)
        err = ks_buf_addf(tmp, "); fixed in %s.", f->package.fixed_version);
    else if (!err)
        err = ks_buf_adds(tmp, "); no fix available.");
    if (err)
        return err;

    ks_jw_obj_begin(w);
    ks_jw_kstr(w, "ruleId", vid(f));
    ks_jw_key(w, "ruleIndex");
    ks_jw_uint(w, rule_index);
    ks_jw_kstr(w, "level", level_of(f->severity));
    ks_jw_key(w, "message");
    ks_jw_obj_begin(w);
    ks_jw_kstr(w, "text", ks_buf_str(tmp));
    ks_jw_obj_end(w);
    if (loc) {
        ks_buf_reset(tmp);
        err = uri_ref(tmp, loc);
        if (err)
            return err;
        ks_jw_key(w, "locations");
        ks_jw_arr_begin(w);
        ks_jw_obj_begin(w);
        ks_jw_key(w, "physicalLocation");
        ks_jw_obj_begin(w);
        ks_jw_key(w, "artifactLocation");
        ks_jw_obj_begin(w);
        ks_jw_kstr(w, "uri", tmp->len ? ks_buf_str(tmp) : ".");
        ks_jw_obj_end(w);
        ks_jw_obj_end(w);
        ks_jw_obj_end(w);
        ks_jw_arr_end(w);
    }
    ks_jw_key(w, "partialFingerprints");
    ks_jw_obj_begin(w);
    ks_jw_kstr(w, "kensaFindingId/v1", f->id);
    ks_jw_obj_end(w);
    ks_jw_key(w, "properties");
    ks_jw_obj_begin(w);
    ks_jw_kstr(w, "severity", ks_severity_name(f->severity));
    if (f->score.scored)
        ks_jw_kstr(w, "kensaScore", ks_score10_str(f->score.score10, s, sizeof(s)));
    ks_jw_kstr_opt(w, "packageName", f->package.name);
    ks_jw_kstr_opt(w, "packageVersion", f->package.version);
    ks_jw_kstr_opt(w, "purl", f->package.purl);
    ks_jw_kstr_opt(w, "fixedInVersion", f->package.fixed_version);
    ks_jw_kstr(w, "fixAvailable", ks_fix_available_name(f->fix_available));
    ks_jw_kstr(w, "severityBasis", ks_score_basis_name(f->score.basis));
    ks_jw_kstr_opt(w, "severityReason", f->score.basis_reason);
    ks_jw_kstr_opt(w, "vendorSeverity", f->vendor_severity);
    ks_jw_kstr_opt(w, "vendorSeveritySource", f->vendor_severity_source);
    /* CVSS per source, as in the JSON report */
    ks_jw_key(w, "cvss");
    ks_jw_arr_begin(w);
    for (size_t i = 0; i < f->ncvss; i++) {
        const struct ks_cvss_score *c = &f->cvss[i];
        ks_jw_obj_begin(w);
        ks_jw_kstr_opt(w, "source", c->source);
        ks_jw_kstr_opt(w, "version", c->version);
        ks_jw_kstr_opt(w, "vector", c->vector);
        ks_jw_kbool(w, "vendor", c->vendor);
        if (c->base10 >= 0)
            ks_jw_kstr(w, "baseScore", ks_score10_str(c->base10, s, sizeof(s)));
        ks_jw_obj_end(w);
    }
    ks_jw_arr_end(w);
    ks_jw_obj_end(w);
    ks_jw_obj_end(w);
    return KS_OK;
}

ks_err ks_export_findings_sarif(const struct ks_finding *f, size_t n,
                                const struct ks_export_opts *o, struct ks_buf *out)
{
    const struct ks_finding **v = ks_findings_sorted(f, n);
    struct rule *rules = n ? calloc(n, sizeof(*rules)) : NULL;
    struct ks_buf tmp = KS_BUF_INIT(0);
    size_t nrules = 0;
    struct ks_jw w;
    ks_err err = KS_OK;

    if (n && (!v || !rules)) {
        err = KS_ENOMEM;
        goto done;
    }
    /* one rule per vulnerability id: the first finding in report order
     * (the most severe) describes it */
    for (size_t i = 0; i < n; i++)
        rules[i] = (struct rule){vid(v[i]), v[i], i};
    if (n)
        qsort(rules, n, sizeof(*rules), cmp_rule_order);
    for (size_t i = 0; i < n; i++)
        if (!nrules || strcmp(rules[nrules - 1].id, rules[i].id))
            rules[nrules++] = rules[i];

    ks_jw_init(&w, out, 2);
    ks_jw_obj_begin(&w);
    ks_jw_kstr(&w, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    ks_jw_kstr(&w, "version", "2.1.0");
    ks_jw_key(&w, "runs");
    ks_jw_arr_begin(&w);
    ks_jw_obj_begin(&w);
    ks_jw_key(&w, "tool");
    ks_jw_obj_begin(&w);
    ks_jw_key(&w, "driver");
    ks_jw_obj_begin(&w);
    ks_jw_kstr(&w, "name", "kensa");
    ks_jw_kstr(&w, "version", o && o->tool_version ? o->tool_version : "unknown");
    ks_jw_key(&w, "rules");
    ks_jw_arr_begin(&w);
    for (size_t i = 0; i < nrules; i++)
        write_rule(&w, &rules[i]);
    ks_jw_arr_end(&w);
    ks_jw_obj_end(&w);
    ks_jw_obj_end(&w);
    ks_jw_key(&w, "results");
    ks_jw_arr_begin(&w);
    for (size_t i = 0; i < n && !err; i++) {
        struct rule key = {vid(v[i]), NULL, 0};
        const struct rule *r = bsearch(&key, rules, nrules, sizeof(*rules), cmp_rule);
        err = write_result(&w, v[i], (size_t)(r - rules), o ? o->target : NULL, &tmp);
    }
    ks_jw_arr_end(&w);
    ks_jw_obj_end(&w);
    ks_jw_arr_end(&w);
    ks_jw_obj_end(&w);
    if (!err)
        err = ks_jw_finish(&w);
done:
    ks_buf_release(&tmp);
    free(rules);
    free(v);
    return err;
}

/* export/findings_json.c - the kensa findings JSON document, schema
 * version KS_FINDINGS_SCHEMA_VERSION (docs/findings-schema.md). Field names
 * follow the original service's finding model in camelCase; text fields
 * that are unknown are omitted rather than written as null. */
#include "core/ks_common.h"

#include "export/findings.h"

#include "export/findings_int.h"
#include "formats/json.h"
#include "score/score.h"

static void kreal10(struct ks_jw *w, const char *key, int score10)
{
    ks_jw_key(w, key);
    ks_jw_fixed(w, score10 / 10.0, 1);
}

static void str_array(struct ks_jw *w, const char *key, const char *const *v, size_t n)
{
    ks_jw_key(w, key);
    ks_jw_arr_begin(w);
    for (size_t i = 0; i < n; i++)
        ks_jw_str(w, v[i]);
    ks_jw_arr_end(w);
}

static void write_score(struct ks_jw *w, const struct ks_kensa_score *s)
{
    ks_jw_key(w, "kensaScore");
    if (!s->scored) {
        ks_jw_null(w);
        ks_jw_key(w, "kensaScoreDetails");
        ks_jw_null(w);
        return;
    }
    ks_jw_fixed(w, s->score10 / 10.0, 1);
    ks_jw_key(w, "kensaScoreDetails");
    ks_jw_obj_begin(w);
    ks_jw_kstr(w, "scoreSource", s->source);
    ks_jw_kstr(w, "selection", s->basis_reason ? s->basis_reason : "CVSS");
    ks_jw_kstr(w, "cvssVersion", s->version);
    kreal10(w, "baseScore", s->base10);
    ks_jw_kstr(w, "baseVector", s->base_vector);
    kreal10(w, "score", s->score10);
    ks_jw_kstr(w, "scoringVector", s->vector);
    ks_jw_key(w, "adjustments");
    ks_jw_arr_begin(w);
    for (size_t i = 0; i < s->nadjustments; i++) {
        ks_jw_obj_begin(w);
        ks_jw_kstr(w, "metric", s->adjustments[i].metric);
        ks_jw_kstr(w, "reason", s->adjustments[i].reason);
        ks_jw_obj_end(w);
    }
    ks_jw_arr_end(w);
    ks_jw_obj_end(w);
}

static void write_package(struct ks_jw *w, const struct ks_finding_package *p)
{
    ks_jw_key(w, "package");
    ks_jw_obj_begin(w);
    ks_jw_kstr_opt(w, "name", p->name);
    ks_jw_kstr_opt(w, "version", p->version);
    if (p->epoch >= 0)
        ks_jw_kint(w, "epoch", p->epoch);
    ks_jw_kstr_opt(w, "release", p->release);
    ks_jw_kstr_opt(w, "arch", p->arch);
    ks_jw_kstr_opt(w, "packageManager", p->package_manager);
    ks_jw_kstr_opt(w, "purl", p->purl);
    ks_jw_kstr_opt(w, "filePath", p->file_path);
    ks_jw_kstr_opt(w, "layer", p->layer);
    ks_jw_kstr_opt(w, "fixedInVersion", p->fixed_version);
    ks_jw_kstr_opt(w, "remediation", p->fix_command);
    ks_jw_obj_end(w);
}

/* `text_at` NULL: the whole finding; otherwise the description is left
 * out and `*text_at` says where it goes (see ks_export_finding_json_apart). */
static void write_finding(struct ks_jw *w, const struct ks_finding *f, size_t *text_at)
{
    ks_jw_obj_begin(w);
    ks_jw_kstr(w, "id", f->id);
    ks_jw_kstr(w, "type", ks_finding_type_name(f->type));
    ks_jw_kstr_opt(w, "title", f->title);
    if (text_at)
        *text_at = w->out->len;
    else
        ks_jw_kstr_opt(w, "description", f->description);
    ks_jw_kstr(w, "severity", ks_severity_name(f->severity));
    ks_jw_kstr(w, "status", ks_finding_status_name(f->status));
    ks_jw_key(w, "resource");
    ks_jw_obj_begin(w);
    ks_jw_kstr_opt(w, "type", f->resource_type);
    ks_jw_kstr_opt(w, "id", f->resource_id);
    ks_jw_obj_end(w);
    write_score(w, &f->score);
    ks_jw_key(w, "severityBasis");
    ks_jw_obj_begin(w);
    ks_jw_kstr(w, "basis", ks_score_basis_name(f->score.basis));
    ks_jw_kstr_opt(w, "source", f->score.basis_source);
    ks_jw_kstr_opt(w, "reason", f->score.basis_reason);
    ks_jw_obj_end(w);

    ks_jw_key(w, "vulnerability");
    ks_jw_obj_begin(w);
    ks_jw_kstr(w, "id", f->vulnerability_id);
    str_array(w, "aliases", f->aliases, f->naliases);
    ks_jw_kstr_opt(w, "source", f->source);
    ks_jw_kstr_opt(w, "sourceUrl", f->source_url);
    ks_jw_kstr_opt(w, "vendorSeverity", f->vendor_severity);
    ks_jw_kstr_opt(w, "vendorSeveritySource", f->vendor_severity_source);
    ks_jw_obj_end(w);

    write_package(w, &f->package);
    ks_jw_kstr(w, "fixAvailable", ks_fix_available_name(f->fix_available));

    ks_jw_key(w, "cvss");
    ks_jw_arr_begin(w);
    for (size_t i = 0; i < f->ncvss; i++) {
        const struct ks_cvss_score *c = &f->cvss[i];
        ks_jw_obj_begin(w);
        ks_jw_kstr(w, "source", c->source);
        ks_jw_kstr(w, "version", c->version);
        ks_jw_kstr(w, "scoringVector", c->vector);
        ks_jw_kbool(w, "vendor", c->vendor);
        ks_jw_key(w, "baseScore");
        if (c->base10 >= 0)
            ks_jw_fixed(w, c->base10 / 10.0, 1);
        else
            ks_jw_null(w);
        ks_jw_obj_end(w);
    }
    ks_jw_arr_end(w);

    ks_jw_key(w, "epss");
    if (f->epss.known) {
        ks_jw_obj_begin(w);
        ks_jw_key(w, "score");
        ks_jw_real(w, f->epss.score);
        ks_jw_key(w, "percentile");
        ks_jw_real(w, f->epss.percentile);
        ks_jw_obj_end(w);
    } else {
        ks_jw_null(w);
    }
    ks_jw_key(w, "kev");
    if (f->kev.listed) {
        ks_jw_obj_begin(w);
        ks_jw_kstr_opt(w, "dateAdded", f->kev.date_added);
        ks_jw_kstr_opt(w, "dueDate", f->kev.due_date);
        ks_jw_kstr_opt(w, "knownRansomwareCampaignUse", f->kev.ransomware);
        ks_jw_obj_end(w);
    } else {
        ks_jw_null(w);
    }
    ks_jw_kstr(w, "exploitAvailable", f->exploit_available ? "YES" : "NO");
    str_array(w, "references", f->references, f->nreferences);
    ks_jw_kstr_opt(w, "firstObservedAt", f->first_observed);
    ks_jw_kstr_opt(w, "lastObservedAt", f->last_observed);
    ks_jw_obj_end(w);
}

ks_err ks_export_finding_json(const struct ks_finding *f, struct ks_buf *out)
{
    struct ks_jw w;

    ks_jw_init(&w, out, 0);
    write_finding(&w, f, NULL);
    return ks_jw_finish(&w);
}

ks_err ks_export_finding_json_apart(const struct ks_finding *f, struct ks_buf *out,
                                    size_t *text_at)
{
    struct ks_jw w;
    size_t start = out->len, at;

    ks_jw_init(&w, out, 0);
    write_finding(&w, f, &at);
    *text_at = at - start; /* from the start of this finding */
    return ks_jw_finish(&w);
}

ks_err ks_export_findings_json(const struct ks_finding *f, size_t n,
                               const struct ks_export_opts *o, struct ks_buf *out)
{
    const struct ks_finding **v = ks_findings_sorted(f, n);
    size_t count[KS_SEV_CRITICAL + 1] = {0};
    struct ks_jw w;
    ks_err err;

    if (n && !v)
        return KS_ENOMEM;
    ks_jw_init(&w, out, 2);
    ks_jw_obj_begin(&w);
    ks_jw_kstr(&w, "schemaVersion", KS_FINDINGS_SCHEMA_VERSION);
    ks_jw_key(&w, "tool");
    ks_jw_obj_begin(&w);
    ks_jw_kstr(&w, "name", "kensa");
    ks_jw_kstr(&w, "version", o && o->tool_version ? o->tool_version : "unknown");
    ks_jw_obj_end(&w);
    ks_jw_kstr_opt(&w, "target", o ? o->target : NULL);
    ks_jw_key(&w, "findings");
    ks_jw_arr_begin(&w);
    for (size_t i = 0; i < n; i++) {
        write_finding(&w, v[i], NULL);
        count[v[i]->severity]++;
    }
    ks_jw_arr_end(&w);
    ks_jw_key(&w, "summary");
    ks_jw_obj_begin(&w);
    ks_jw_kint(&w, "total", (int64_t)n);
    for (int s = KS_SEV_CRITICAL; s >= KS_SEV_UNTRIAGED; s--)
        ks_jw_kint(&w, ks_severity_name((enum ks_severity)s), (int64_t)count[s]);
    ks_jw_obj_end(&w);
    ks_jw_obj_end(&w);
    err = ks_jw_finish(&w);
    free(v);
    return err;
}

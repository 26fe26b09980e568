/* export/findings_asff.c - AWS Security Finding Format (ASFF), as accepted
 * by Security Hub's BatchImportFindings: {"Findings": [AwsSecurityFinding...]}.
 *
 * Field names follow the ASFF reference (AwsSecurityFinding, Vulnerability,
 * SoftwarePackage, Cvss, Adjustment, VulnerabilityVendor). A kensa resource
 * is not an AWS resource, so Resources[].Type is "Other" with the kensa
 * resource type in Details.Other. Limits of the format are honoured: Title
 * at most 256 and Description at most 1024 characters (cut on a UTF-8
 * boundary), ProductFields values are strings. */
#include "core/ks_common.h"

#include "export/findings.h"

#include "export/findings_int.h"
#include "formats/json.h"
#include "score/score.h"

/* ASFF's normalized severity convention. */
static int normalized(enum ks_severity s)
{
    switch (s) {
    case KS_SEV_CRITICAL: return 90;
    case KS_SEV_HIGH: return 70;
    case KS_SEV_MEDIUM: return 40;
    case KS_SEV_LOW: return 1;
    default: return 0;
    }
}

/* ASFF has no UNTRIAGED label. */
static const char *label(enum ks_severity s)
{
    return s == KS_SEV_UNTRIAGED ? "INFORMATIONAL" : ks_severity_name(s);
}

static void kstr_cut(struct ks_jw *w, const char *key, const char *s, size_t max_chars)
{
    ks_jw_key(w, key);
    ks_jw_strn(w, s, ks_utf8_prefix(s, max_chars, NULL));
}

static void write_vulnerability(struct ks_jw *w, const struct ks_finding *f)
{
    const struct ks_finding_package *p = &f->package;
    char s[16];

    ks_jw_key(w, "Vulnerabilities");
    ks_jw_arr_begin(w);
    ks_jw_obj_begin(w);
    ks_jw_kstr(w, "Id", f->vulnerability_id ? f->vulnerability_id : "UNKNOWN");
    ks_jw_key(w, "VulnerablePackages");
    ks_jw_arr_begin(w);
    ks_jw_obj_begin(w);
    ks_jw_kstr_opt(w, "Name", p->name);
    ks_jw_kstr_opt(w, "Version", p->version);
    if (p->epoch >= 0) {
        snprintf(s, sizeof(s), "%d", p->epoch);
        ks_jw_kstr(w, "Epoch", s);
    }
    ks_jw_kstr_opt(w, "Release", p->release);
    ks_jw_kstr_opt(w, "Architecture", p->arch);
    ks_jw_kstr_opt(w, "PackageManager", p->package_manager);
    ks_jw_kstr_opt(w, "FilePath", p->file_path);
    ks_jw_kstr_opt(w, "FixedInVersion", p->fixed_version);
    ks_jw_kstr_opt(w, "Remediation", p->fix_command);
    ks_jw_kstr_opt(w, "SourceLayerHash", p->layer);
    ks_jw_obj_end(w);
    ks_jw_arr_end(w);

    ks_jw_key(w, "Cvss");
    ks_jw_arr_begin(w);
    for (size_t i = 0; i < f->ncvss; i++) {
        const struct ks_cvss_score *c = &f->cvss[i];
        bool chosen = f->score.scored && f->score.base_vector && c->vector &&
                      !strcmp(c->vector, f->score.base_vector) && f->score.source &&
                      c->source && !strcmp(c->source, f->score.source);
        if (c->base10 < 0)
            continue;
        ks_jw_obj_begin(w);
        ks_jw_kstr(w, "Version", c->version);
        ks_jw_key(w, "BaseScore");
        ks_jw_fixed(w, c->base10 / 10.0, 1);
        ks_jw_kstr(w, "BaseVector", c->vector);
        ks_jw_kstr(w, "Source", c->source);
        if (chosen) {
            ks_jw_key(w, "Adjustments");
            ks_jw_arr_begin(w);
            for (size_t k = 0; k < f->score.nadjustments; k++) {
                ks_jw_obj_begin(w);
                ks_jw_kstr(w, "Metric", f->score.adjustments[k].metric);
                ks_jw_kstr(w, "Reason", f->score.adjustments[k].reason);
                ks_jw_obj_end(w);
            }
            ks_jw_arr_end(w);
        }
        ks_jw_obj_end(w);
    }
    ks_jw_arr_end(w);

    ks_jw_key(w, "RelatedVulnerabilities");
    ks_jw_arr_begin(w);
    for (size_t i = 0; i < f->naliases; i++)
        ks_jw_str(w, f->aliases[i]);
    ks_jw_arr_end(w);
    ks_jw_key(w, "Vendor");
    ks_jw_obj_begin(w);
    ks_jw_kstr(w, "Name", f->source ? f->source : "kensa");
    ks_jw_kstr_opt(w, "Url", f->source_url);
    ks_jw_kstr_opt(w, "VendorSeverity", f->vendor_severity);
    ks_jw_obj_end(w);
    ks_jw_key(w, "ReferenceUrls");
    ks_jw_arr_begin(w);
    for (size_t i = 0; i < f->nreferences; i++)
        ks_jw_str(w, f->references[i]);
    ks_jw_arr_end(w);
    ks_jw_kstr(w, "FixAvailable", ks_fix_available_name(f->fix_available));
    if (f->epss.known) {
        ks_jw_key(w, "EpssScore");
        ks_jw_real(w, f->epss.score);
    }
    ks_jw_kstr(w, "ExploitAvailable", f->exploit_available ? "YES" : "NO");
    ks_jw_obj_end(w);
    ks_jw_arr_end(w);
}

static void write_finding(struct ks_jw *w, const struct ks_finding *f,
                          const struct ks_export_opts *o, const char *account,
                          const char *region, const char *product_arn)
{
    const char *created = f->first_observed ? f->first_observed : o->now;
    const char *updated = f->last_observed ? f->last_observed : created;
    const char *title = f->title ? f->title : f->vulnerability_id ? f->vulnerability_id : "finding";
    char s[16];

    ks_jw_obj_begin(w);
    ks_jw_kstr(w, "SchemaVersion", "2018-10-08");
    ks_jw_kstr(w, "Id", f->id);
    ks_jw_kstr(w, "ProductArn", product_arn);
    ks_jw_kstr(w, "ProductName", "kensa");
    ks_jw_kstr(w, "CompanyName", "kensa");
    ks_jw_kstr(w, "Region", region);
    ks_jw_kstr(w, "GeneratorId", f->vulnerability_id ? f->vulnerability_id : "kensa");
    ks_jw_kstr(w, "AwsAccountId", account);
    ks_jw_key(w, "Types");
    ks_jw_arr_begin(w);
    ks_jw_str(w, f->type == KS_FINDING_PACKAGE_VULNERABILITY
                         ? "Software and Configuration Checks/Vulnerabilities/CVE"
                         : "Software and Configuration Checks/Vulnerabilities");
    ks_jw_arr_end(w);
    ks_jw_kstr_opt(w, "FirstObservedAt", f->first_observed);
    ks_jw_kstr_opt(w, "LastObservedAt", f->last_observed);
    ks_jw_kstr(w, "CreatedAt", created);
    ks_jw_kstr(w, "UpdatedAt", updated);
    ks_jw_key(w, "Severity");
    ks_jw_obj_begin(w);
    ks_jw_kstr(w, "Label", label(f->severity));
    ks_jw_kint(w, "Normalized", normalized(f->severity));
    ks_jw_kstr(w, "Original", ks_severity_name(f->severity));
    ks_jw_obj_end(w);
    kstr_cut(w, "Title", title, 256);
    kstr_cut(w, "Description", f->description ? f->description : title, 1024);
    ks_jw_key(w, "Remediation");
    ks_jw_obj_begin(w);
    ks_jw_key(w, "Recommendation");
    ks_jw_obj_begin(w);
    kstr_cut(w, "Text",
             f->package.fix_command ? f->package.fix_command
             : f->package.fixed_version ? f->package.fixed_version
                                        : "None Provided",
             512);
    ks_jw_kstr_opt(w, "Url", f->source_url);
    ks_jw_obj_end(w);
    ks_jw_obj_end(w);
    ks_jw_kstr_opt(w, "SourceUrl", f->source_url);

    ks_jw_key(w, "ProductFields");
    ks_jw_obj_begin(w);
    ks_jw_kstr(w, "kensa/findingId", f->id);
    ks_jw_kstr(w, "kensa/type", ks_finding_type_name(f->type));
    ks_jw_kstr(w, "kensa/severity", ks_severity_name(f->severity));
    ks_jw_kstr(w, "kensa/severityBasis", ks_score_basis_name(f->score.basis));
    ks_jw_kstr_opt(w, "kensa/severityReason", f->score.basis_reason);
    if (f->score.scored) {
        ks_jw_kstr(w, "kensa/score", ks_score10_str(f->score.score10, s, sizeof(s)));
        ks_jw_kstr(w, "kensa/scoreSource", f->score.source);
        ks_jw_kstr(w, "kensa/scoringVector", f->score.vector);
    }
    ks_jw_kstr_opt(w, "kensa/purl", f->package.purl);
    if (f->kev.listed) {
        ks_jw_kstr_opt(w, "kensa/kevDateAdded", f->kev.date_added);
        ks_jw_kstr_opt(w, "kensa/kevDueDate", f->kev.due_date);
    }
    ks_jw_obj_end(w);

    ks_jw_key(w, "Resources");
    ks_jw_arr_begin(w);
    ks_jw_obj_begin(w);
    ks_jw_kstr(w, "Type", "Other");
    ks_jw_kstr(w, "Id", f->resource_id ? f->resource_id : o->target ? o->target : "unknown");
    ks_jw_kstr(w, "Partition", "aws");
    ks_jw_kstr(w, "Region", region);
    ks_jw_key(w, "Details");
    ks_jw_obj_begin(w);
    ks_jw_key(w, "Other");
    ks_jw_obj_begin(w);
    ks_jw_kstr_opt(w, "kensa/resourceType", f->resource_type);
    ks_jw_obj_end(w);
    ks_jw_obj_end(w);
    ks_jw_obj_end(w);
    ks_jw_arr_end(w);

    if (f->type == KS_FINDING_PACKAGE_VULNERABILITY)
        write_vulnerability(w, f);
    ks_jw_kstr(w, "RecordState", f->status == KS_STATUS_CLOSED ? "ARCHIVED" : "ACTIVE");
    ks_jw_key(w, "Workflow");
    ks_jw_obj_begin(w);
    ks_jw_kstr(w, "Status", f->status == KS_STATUS_SUPPRESSED ? "SUPPRESSED"
                            : f->status == KS_STATUS_CLOSED   ? "RESOLVED"
                                                              : "NEW");
    ks_jw_obj_end(w);
    ks_jw_obj_end(w);
}

ks_err ks_export_findings_asff(const struct ks_finding *f, size_t n,
                               const struct ks_export_opts *o, struct ks_buf *out)
{
    static const struct ks_export_opts none = {0};
    const struct ks_finding **v = ks_findings_sorted(f, n);
    char arn[256];
    struct ks_jw w;
    ks_err err;

    if (n && !v)
        return KS_ENOMEM;
    if (!o)
        o = &none;
    const char *account = o->aws_account_id ? o->aws_account_id : "000000000000";
    const char *region = o->aws_region ? o->aws_region : "us-east-1";
    if (o->product_arn)
        snprintf(arn, sizeof(arn), "%s", o->product_arn);
    else
        snprintf(arn, sizeof(arn), "arn:aws:securityhub:%s:%s:product/%s/default", region,
                 account, account);
    for (size_t i = 0; i < n; i++) {
        if (!v[i]->first_observed && !o->now) {
            free(v);
            return KS_EINVAL; /* the caller must give a time: ASFF requires CreatedAt */
        }
    }
    ks_jw_init(&w, out, 2);
    ks_jw_obj_begin(&w);
    ks_jw_key(&w, "Findings");
    ks_jw_arr_begin(&w);
    for (size_t i = 0; i < n; i++)
        write_finding(&w, v[i], o, account, region, arn);
    ks_jw_arr_end(&w);
    ks_jw_obj_end(&w);
    err = ks_jw_finish(&w);
    free(v);
    return err;
}

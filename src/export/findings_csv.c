/* export/findings_csv.c - one row per finding, RFC 4180: CRLF line ends, a
 * header row, fields quoted when they hold a comma, a quote, CR or LF, and
 * quotes doubled inside quoted fields.
 *
 * Spreadsheet formula injection: advisory text is untrusted, and a cell
 * starting with = + - @ TAB or CR is run as a formula by spreadsheet
 * programs. Such fields are written quoted with a leading apostrophe (the
 * OWASP recommendation); no other field is changed. */
#include "core/ks_common.h"

#include "export/findings.h"

#include "export/findings_int.h"
#include "score/score.h"

static const char *const columns[] = {
    "id",           "vulnerability_id", "severity",        "kensa_score",    "status",
    "type",         "package_name",     "package_version", "package_epoch",  "package_release",
    "package_arch", "package_manager",  "purl",            "file_path",      "layer",
    "fixed_version", "fix_available",   "fix_command",     "cvss_source",    "cvss_version",
    "cvss_vector",  "epss_score",       "kev_date_added",  "exploit_available", "aliases",
    "resource",     "title",            "description",
};

ks_err ks_csv_field(struct ks_buf *b, const char *s, bool last)
{
    ks_err err = KS_OK;

    if (!s)
        s = "";
    bool formula = strchr("=+-@\t\r", s[0]) && s[0];
    if (formula || strpbrk(s, ",\"\r\n")) {
        err = ks_buf_addc(b, '"');
        if (!err && formula)
            err = ks_buf_addc(b, '\'');
        for (const char *p = s; *p && !err; p++)
            err = *p == '"' ? ks_buf_add(b, "\"\"", 2) : ks_buf_addc(b, *p);
        if (!err)
            err = ks_buf_addc(b, '"');
    } else {
        err = ks_buf_adds(b, s);
    }
    if (!err)
        err = ks_buf_adds(b, last ? "\r\n" : ",");
    return err;
}

static ks_err row(struct ks_buf *b, const struct ks_finding *f, const struct ks_export_opts *o,
                  struct ks_buf *tmp)
{
    char score[16] = "", epoch[16] = "", epss[32] = "";
    const struct ks_kensa_score *s = &f->score;
    ks_err err = KS_OK;

    if (s->scored)
        ks_score10_str(s->score10, score, sizeof(score));
    if (f->package.epoch >= 0)
        snprintf(epoch, sizeof(epoch), "%d", f->package.epoch);
    if (f->epss.known)
        snprintf(epss, sizeof(epss), "%.5f", f->epss.score);
    ks_buf_reset(tmp);
    for (size_t i = 0; i < f->naliases && !err; i++)
        err = ks_buf_addf(tmp, "%s%s", i ? ";" : "", f->aliases[i]);
    if (err)
        return err;

    const char *vals[] = {
        f->id,
        f->vulnerability_id,
        ks_severity_name(f->severity),
        score,
        ks_finding_status_name(f->status),
        ks_finding_type_name(f->type),
        f->package.name,
        f->package.version,
        epoch,
        f->package.release,
        f->package.arch,
        f->package.package_manager,
        f->package.purl,
        f->package.file_path,
        f->package.layer,
        f->package.fixed_version,
        ks_fix_available_name(f->fix_available),
        f->package.fix_command,
        s->scored ? s->source : NULL,
        s->scored ? s->version : NULL,
        s->scored ? s->vector : NULL,
        epss,
        f->kev.listed ? f->kev.date_added : NULL,
        f->exploit_available ? "YES" : "NO",
        ks_buf_str(tmp),
        f->resource_id ? f->resource_id : o ? o->target : NULL,
        f->title,
        f->description,
    };
    _Static_assert(KS_ARRAY_LEN(vals) == KS_ARRAY_LEN(columns), "one value per column");
    for (size_t i = 0; i < KS_ARRAY_LEN(vals) && !err; i++)
        err = ks_csv_field(b, vals[i], i + 1 == KS_ARRAY_LEN(vals));
    return err;
}

ks_err ks_export_findings_csv(const struct ks_finding *f, size_t n,
                              const struct ks_export_opts *o, struct ks_buf *out)
{
    const struct ks_finding **v = ks_findings_sorted(f, n);
    struct ks_buf tmp = KS_BUF_INIT(0);
    ks_err err = KS_OK;

    if (n && !v)
        return KS_ENOMEM;
    for (size_t i = 0; i < KS_ARRAY_LEN(columns) && !err; i++)
        err = ks_csv_field(out, columns[i], i + 1 == KS_ARRAY_LEN(columns));
    for (size_t i = 0; i < n && !err; i++)
        err = row(out, v[i], o, &tmp);
    ks_buf_release(&tmp);
    free(v);
    return err;
}

/* code/report.c - JSON and SARIF 2.1.0 output of a code scan. */
#include "core/ks_common.h"

#include "code/code.h"

#include "formats/json.h"

#define DET_VERSION "@v1.0"

static void csv_array(struct ks_jw *w, const char *csv, const char *extra)
{
    ks_jw_arr_begin(w);
    for (const char *p = csv; p && *p;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        ks_jw_strn(w, p, n);
        p = e ? e + 1 : p + n;
    }
    if (extra)
        ks_jw_str(w, extra);
    ks_jw_arr_end(w);
}

static void first_cwe(const char *cwes, char *out, size_t n)
{
    const char *e = strchr(cwes, ',');
    snprintf(out, n, "%.*s", (int)(e ? (size_t)(e - cwes) : strlen(cwes)), cwes);
}

ks_err ks_code_write_json(const struct ks_code_result *res, struct ks_buf *out)
{
    struct ks_jw w;

    ks_jw_init(&w, out, 2);
    ks_jw_obj_begin(&w);
    ks_jw_key(&w, "summary");
    ks_jw_obj_begin(&w);
    ks_jw_key(&w, "files");
    ks_jw_uint(&w, res->files);
    ks_jw_key(&w, "lines");
    ks_jw_uint(&w, res->lines);
    ks_jw_key(&w, "findings");
    ks_jw_uint(&w, res->findings.len);
    ks_jw_obj_end(&w);
    ks_jw_key(&w, "findings");
    ks_jw_arr_begin(&w);
    for (size_t i = 0; i < res->findings.len; i++) {
        const struct ks_code_finding *f = &res->findings.items[i];
        char title[256], cwe[32], id[128];

        first_cwe(f->det->cwes, cwe, sizeof(cwe));
        snprintf(title, sizeof(title), "%s - %s", cwe, f->det->name);
        snprintf(id, sizeof(id), "%s%s", f->det->id, DET_VERSION);
        ks_jw_obj_begin(&w);
        ks_jw_kstr(&w, "title", title);
        ks_jw_kstr(&w, "severity", ks_code_severity_name(f->det->severity));
        ks_jw_kstr(&w, "detectorId", id);
        ks_jw_kstr(&w, "detectorName", f->det->name);
        ks_jw_key(&w, "cwes");
        csv_array(&w, f->det->cwes, NULL);
        ks_jw_key(&w, "detectorTags");
        csv_array(&w, f->det->tags, NULL);
        ks_jw_key(&w, "filePath");
        ks_jw_obj_begin(&w);
        ks_jw_kstr(&w, "filePath", f->file);
        ks_jw_kint(&w, "startLine", f->start_line);
        ks_jw_kint(&w, "startColumn", f->start_col);
        ks_jw_kint(&w, "endLine", f->end_line);
        ks_jw_kint(&w, "endColumn", f->end_col);
        ks_jw_obj_end(&w);
        ks_jw_kstr(&w, "message", f->message);
        ks_jw_kstr(&w, "description", f->det->description);
        ks_jw_kstr(&w, "remediation", f->det->remediation);
        if (f->path_len) {
            ks_jw_key(&w, "taintPath");
            ks_jw_arr_begin(&w);
            for (size_t k = 0; k < f->path_len; k++) {
                ks_jw_obj_begin(&w);
                ks_jw_kint(&w, "line", f->path[k].line);
                ks_jw_kint(&w, "column", f->path[k].col);
                ks_jw_kstr(&w, "step", f->path[k].what);
                ks_jw_obj_end(&w);
            }
            ks_jw_arr_end(&w);
        }
        ks_jw_obj_end(&w);
    }
    ks_jw_arr_end(&w);
    ks_jw_key(&w, "coverageNotes");
    ks_jw_arr_begin(&w);
    for (size_t i = 0; i < res->notes.len; i++) {
        ks_jw_obj_begin(&w);
        ks_jw_kstr(&w, "file", res->notes.items[i].file);
        ks_jw_kstr(&w, "note", res->notes.items[i].msg);
        ks_jw_obj_end(&w);
    }
    ks_jw_arr_end(&w);
    ks_jw_obj_end(&w);
    return ks_jw_finish(&w);
}

static const char *sarif_level(enum ks_code_severity s)
{
    return s >= KS_CSEV_HIGH ? "error" : s == KS_CSEV_MEDIUM ? "warning" : "note";
}

static const char *security_severity(enum ks_code_severity s)
{
    static const char *const v[] = {"0.0", "2.0", "5.5", "8.0", "9.5"};
    return s <= KS_CSEV_CRITICAL ? v[s] : "0.0";
}

static void location(struct ks_jw *w, const char *file, uint32_t sl, uint32_t sc, uint32_t el,
                     uint32_t ec)
{
    ks_jw_key(w, "physicalLocation");
    ks_jw_obj_begin(w);
    ks_jw_key(w, "artifactLocation");
    ks_jw_obj_begin(w);
    ks_jw_kstr(w, "uri", file);
    ks_jw_kstr(w, "uriBaseId", "SRCROOT");
    ks_jw_obj_end(w);
    ks_jw_key(w, "region");
    ks_jw_obj_begin(w);
    ks_jw_kint(w, "startLine", sl);
    ks_jw_kint(w, "startColumn", sc);
    if (el) {
        ks_jw_kint(w, "endLine", el);
        ks_jw_kint(w, "endColumn", ec);
    }
    ks_jw_obj_end(w);
    ks_jw_obj_end(w);
}

/* SARIF wants relative URIs percent-encoded; keep the safe characters. */
static const char *uri_of(const char *file, char *buf, size_t n)
{
    size_t o = 0;
    for (const char *p = file; *p && o + 4 < n; p++) {
        unsigned char ch = (unsigned char)*p;
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
            strchr("/-._~", ch))
            buf[o++] = (char)ch;
        else
            o += (size_t)snprintf(buf + o, n - o, "%%%02X", ch);
    }
    buf[o] = 0;
    return buf;
}

ks_err ks_code_write_sarif(const struct ks_code_result *res, struct ks_buf *out)
{
    struct ks_jw w;
    char uri[4096];

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
    ks_jw_kstr(&w, "informationUri", "https://github.com/kensa-scanner/kensa");
    ks_jw_kstr(&w, "semanticVersion", "0.1.0");
    ks_jw_key(&w, "rules");
    ks_jw_arr_begin(&w);
    for (size_t i = 0; i < ks_code_detector_count; i++) {
        const struct ks_code_detector *d = &ks_code_detectors[i];
        char id[128];
        snprintf(id, sizeof(id), "%s%s", d->id, DET_VERSION);
        ks_jw_obj_begin(&w);
        ks_jw_kstr(&w, "id", id);
        ks_jw_kstr(&w, "name", d->name);
        ks_jw_key(&w, "shortDescription");
        ks_jw_obj_begin(&w);
        ks_jw_kstr(&w, "text", d->name);
        ks_jw_obj_end(&w);
        ks_jw_key(&w, "fullDescription");
        ks_jw_obj_begin(&w);
        ks_jw_kstr(&w, "text", d->description);
        ks_jw_obj_end(&w);
        ks_jw_key(&w, "help");
        ks_jw_obj_begin(&w);
        ks_jw_kstr(&w, "text", d->remediation);
        ks_jw_obj_end(&w);
        ks_jw_key(&w, "defaultConfiguration");
        ks_jw_obj_begin(&w);
        ks_jw_kstr(&w, "level", sarif_level(d->severity));
        ks_jw_obj_end(&w);
        ks_jw_key(&w, "properties");
        ks_jw_obj_begin(&w);
        ks_jw_key(&w, "tags");
        csv_array(&w, d->tags, strstr(d->tags, "security") ? NULL : "security");
        ks_jw_kstr(&w, "security-severity", security_severity(d->severity));
        ks_jw_key(&w, "cwe");
        csv_array(&w, d->cwes, NULL);
        ks_jw_obj_end(&w);
        ks_jw_obj_end(&w);
    }
    ks_jw_arr_end(&w);
    ks_jw_obj_end(&w);
    ks_jw_obj_end(&w);

    ks_jw_key(&w, "invocations");
    ks_jw_arr_begin(&w);
    ks_jw_obj_begin(&w);
    ks_jw_kbool(&w, "executionSuccessful", true);
    ks_jw_key(&w, "toolExecutionNotifications");
    ks_jw_arr_begin(&w);
    for (size_t i = 0; i < res->notes.len; i++) {
        ks_jw_obj_begin(&w);
        ks_jw_kstr(&w, "level", "note");
        ks_jw_key(&w, "message");
        ks_jw_obj_begin(&w);
        ks_jw_kstr(&w, "text", res->notes.items[i].msg);
        ks_jw_obj_end(&w);
        ks_jw_key(&w, "locations");
        ks_jw_arr_begin(&w);
        ks_jw_obj_begin(&w);
        ks_jw_key(&w, "physicalLocation");
        ks_jw_obj_begin(&w);
        ks_jw_key(&w, "artifactLocation");
        ks_jw_obj_begin(&w);
        ks_jw_kstr(&w, "uri", uri_of(res->notes.items[i].file, uri, sizeof(uri)));
        ks_jw_kstr(&w, "uriBaseId", "SRCROOT");
        ks_jw_obj_end(&w);
        ks_jw_obj_end(&w);
        ks_jw_obj_end(&w);
        ks_jw_arr_end(&w);
        ks_jw_obj_end(&w);
    }
    ks_jw_arr_end(&w);
    ks_jw_obj_end(&w);
    ks_jw_arr_end(&w);

    ks_jw_key(&w, "results");
    ks_jw_arr_begin(&w);
    for (size_t i = 0; i < res->findings.len; i++) {
        const struct ks_code_finding *f = &res->findings.items[i];
        char id[128];
        snprintf(id, sizeof(id), "%s%s", f->det->id, DET_VERSION);
        uri_of(f->file, uri, sizeof(uri));
        ks_jw_obj_begin(&w);
        ks_jw_kstr(&w, "ruleId", id);
        ks_jw_kint(&w, "ruleIndex", f->det - ks_code_detectors);
        ks_jw_kstr(&w, "level", sarif_level(f->det->severity));
        ks_jw_key(&w, "message");
        ks_jw_obj_begin(&w);
        ks_jw_kstr(&w, "text", f->message);
        ks_jw_obj_end(&w);
        ks_jw_key(&w, "locations");
        ks_jw_arr_begin(&w);
        ks_jw_obj_begin(&w);
        location(&w, uri, f->start_line, f->start_col, f->end_line, f->end_col);
        ks_jw_obj_end(&w);
        ks_jw_arr_end(&w);
        if (f->path_len) {
            ks_jw_key(&w, "codeFlows");
            ks_jw_arr_begin(&w);
            ks_jw_obj_begin(&w);
            ks_jw_key(&w, "threadFlows");
            ks_jw_arr_begin(&w);
            ks_jw_obj_begin(&w);
            ks_jw_key(&w, "locations");
            ks_jw_arr_begin(&w);
            for (size_t k = 0; k < f->path_len; k++) {
                ks_jw_obj_begin(&w);
                ks_jw_key(&w, "location");
                ks_jw_obj_begin(&w);
                location(&w, uri, f->path[k].line, f->path[k].col, 0, 0);
                ks_jw_key(&w, "message");
                ks_jw_obj_begin(&w);
                ks_jw_kstr(&w, "text", f->path[k].what);
                ks_jw_obj_end(&w);
                ks_jw_obj_end(&w);
                ks_jw_obj_end(&w);
            }
            ks_jw_arr_end(&w);
            ks_jw_obj_end(&w);
            ks_jw_arr_end(&w);
            ks_jw_obj_end(&w);
            ks_jw_arr_end(&w);
        }
        ks_jw_obj_end(&w);
    }
    ks_jw_arr_end(&w);
    ks_jw_obj_end(&w);
    ks_jw_arr_end(&w);
    ks_jw_obj_end(&w);
    return ks_jw_finish(&w);
}

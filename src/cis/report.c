/* cis/report.c - rendering results as a table, JSON, CSV or an HTML report
 * for auditors. Output is deterministic (rule order of the benchmark file). */
#include "core/ks_common.h"

#include "cis/cis.h"

#include "formats/json.h"

bool ks_cis_format_parse(const char *s, enum ks_cis_format *out)
{
    static const char *const names[] = {"table", "json", "csv", "html"};

    for (size_t i = 0; i < KS_ARRAY_LEN(names); i++)
        if (!strcmp(s, names[i])) {
            *out = (enum ks_cis_format)i;
            return true;
        }
    return false;
}

static void csv_field(struct ks_buf *out, const char *s, bool last)
{
    bool quote = strpbrk(s, ",\"\n\r") != NULL;

    if (quote) {
        ks_buf_addc(out, '"');
        for (; *s; s++) {
            if (*s == '"')
                ks_buf_addc(out, '"');
            ks_buf_addc(out, *s);
        }
        ks_buf_addc(out, '"');
    } else {
        ks_buf_adds(out, s);
    }
    ks_buf_addc(out, last ? '\n' : ',');
}

static void html_text(struct ks_buf *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            ks_buf_adds(out, "&lt;");
            break;
        case '>':
            ks_buf_adds(out, "&gt;");
            break;
        case '&':
            ks_buf_adds(out, "&amp;");
            break;
        case '"':
            ks_buf_adds(out, "&quot;");
            break;
        case '\'':
            ks_buf_adds(out, "&#39;");
            break;
        default:
            ks_buf_addc(out, *s);
        }
    }
}

static void ssg_join(struct ks_buf *out, const struct ks_cis_rule *r, const char *sep)
{
    for (size_t i = 0; i < r->n_ssg; i++) {
        if (i)
            ks_buf_adds(out, sep);
        ks_buf_adds(out, r->ssg[i]);
    }
}

static const char *status_color(enum ks_cis_status s)
{
    switch (s) {
    case KS_CIS_PASSED:
        return "\033[32m";
    case KS_CIS_FAILED:
        return "\033[31m";
    case KS_CIS_ERROR:
        return "\033[35m";
    default:
        return "\033[33m";
    }
}

static void render_table(const struct ks_cis_report *r, bool color, struct ks_buf *out)
{
    ks_buf_addf(out, "%-12s %-7s %-2s %s\n", "ID", "STATUS", "L", "TITLE / EVIDENCE");
    for (size_t i = 0; i < r->n_results; i++) {
        const struct ks_cis_result *x = &r->results[i];

        ks_buf_addf(out, "%-12s %s%-7s%s %-2u %s\n", x->rule->id,
                    color ? status_color(x->status) : "", ks_cis_status_name(x->status),
                    color ? "\033[0m" : "", x->rule->level, x->rule->title);
        ks_buf_addf(out, "%-24s %s\n", "", x->evidence ? x->evidence : "");
    }
    ks_buf_addf(out, "\n%s %s (%s) on %s, level %u: %zu passed, %zu failed, %zu skipped, "
                     "%zu error\n",
                r->bench->id, r->bench->version, r->bench->title, r->target, r->level,
                r->counts[KS_CIS_PASSED], r->counts[KS_CIS_FAILED], r->counts[KS_CIS_SKIPPED],
                r->counts[KS_CIS_ERROR]);
}

static void render_json(const struct ks_cis_report *r, struct ks_buf *out)
{
    struct ks_jw w;

    ks_jw_init(&w, out, 2);
    ks_jw_obj_begin(&w);
    ks_jw_kstr(&w, "benchmark", r->bench->id);
    ks_jw_kstr(&w, "benchmark_title", r->bench->title);
    ks_jw_kstr(&w, "benchmark_version", r->bench->version);
    ks_jw_kstr(&w, "target", r->target);
    ks_jw_kint(&w, "level", r->level);
    ks_jw_key(&w, "counts");
    ks_jw_obj_begin(&w);
    for (int s = 0; s < KS_CIS_NSTATUS; s++)
        ks_jw_kint(&w, ks_cis_status_name((enum ks_cis_status)s), (int64_t)r->counts[s]);
    ks_jw_obj_end(&w);
    ks_jw_key(&w, "results");
    ks_jw_arr_begin(&w);
    for (size_t i = 0; i < r->n_results; i++) {
        const struct ks_cis_result *x = &r->results[i];

        ks_jw_obj_begin(&w);
        ks_jw_kstr(&w, "id", x->rule->id);
        ks_jw_kstr(&w, "title", x->rule->title);
        ks_jw_kstr(&w, "section", x->rule->section);
        ks_jw_kint(&w, "level", x->rule->level);
        ks_jw_kstr(&w, "status", ks_cis_status_name(x->status));
        ks_jw_kstr(&w, "evidence", x->evidence);
        ks_jw_key(&w, "ssg");
        ks_jw_arr_begin(&w);
        for (size_t k = 0; k < x->rule->n_ssg; k++)
            ks_jw_str(&w, x->rule->ssg[k]);
        ks_jw_arr_end(&w);
        if (x->status == KS_CIS_FAILED)
            ks_jw_kstr(&w, "remediation", x->rule->remediation);
        ks_jw_obj_end(&w);
    }
    ks_jw_arr_end(&w);
    ks_jw_obj_end(&w);
    ks_jw_finish(&w);
    ks_buf_addc(out, '\n');
}

static void render_csv(const struct ks_cis_report *r, struct ks_buf *out)
{
    ks_buf_adds(out, "id,level,status,title,section,evidence,ssg\n");
    for (size_t i = 0; i < r->n_results; i++) {
        const struct ks_cis_result *x = &r->results[i];
        struct ks_buf ssg = KS_BUF_INIT(0);
        char lv[8];

        snprintf(lv, sizeof(lv), "%u", x->rule->level);
        ssg_join(&ssg, x->rule, " ");
        csv_field(out, x->rule->id, false);
        csv_field(out, lv, false);
        csv_field(out, ks_cis_status_name(x->status), false);
        csv_field(out, x->rule->title, false);
        csv_field(out, x->rule->section, false);
        csv_field(out, x->evidence ? x->evidence : "", false);
        csv_field(out, ks_buf_str(&ssg), true);
        ks_buf_release(&ssg);
    }
}

static void render_html(const struct ks_cis_report *r, struct ks_buf *out)
{
    const char *last = NULL;

    ks_buf_adds(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                     "<title>CIS benchmark report: ");
    html_text(out, r->target);
    ks_buf_adds(out,
                "</title>\n<style>\n"
                "body{font-family:sans-serif;margin:2em;color:#222}\n"
                "table{border-collapse:collapse;margin:1em 0}\n"
                "td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;"
                "vertical-align:top}\n"
                ".PASSED{color:#060}.FAILED{color:#b00;font-weight:bold}"
                ".SKIPPED{color:#a60}.ERROR{color:#808}\n"
                "code{white-space:pre-wrap}\n</style></head><body>\n<h1>CIS benchmark report</h1>\n"
                "<table>\n<tr><th>Target</th><td>");
    html_text(out, r->target);
    ks_buf_adds(out, "</td></tr>\n<tr><th>Benchmark</th><td>");
    html_text(out, r->bench->title);
    ks_buf_adds(out, " ");
    html_text(out, r->bench->version);
    ks_buf_addf(out, "</td></tr>\n<tr><th>Profile</th><td>Level %u server</td></tr>\n"
                     "<tr><th>Result</th><td>%zu passed, %zu failed, %zu skipped, %zu error"
                     "</td></tr>\n</table>\n",
                r->level, r->counts[KS_CIS_PASSED], r->counts[KS_CIS_FAILED],
                r->counts[KS_CIS_SKIPPED], r->counts[KS_CIS_ERROR]);

    /* summary by section and level */
    ks_buf_adds(out, "<h2>Summary by section</h2>\n<table>\n<tr><th>Section</th><th>Level</th>"
                     "<th>Passed</th><th>Failed</th><th>Skipped</th><th>Error</th></tr>\n");
    for (size_t i = 0; i < r->n_results; i++) {
        const char *sec = r->results[i].rule->section;

        if (last && !strcmp(last, sec))
            continue;
        last = sec;
        for (unsigned lv = 1; lv <= r->level; lv++) {
            size_t cnt[KS_CIS_NSTATUS] = {0}, any = 0;

            for (size_t k = i; k < r->n_results && !strcmp(r->results[k].rule->section, sec);
                 k++)
                if (r->results[k].rule->level == lv)
                    cnt[r->results[k].status]++, any++;
            if (!any)
                continue;
            ks_buf_adds(out, "<tr><td>");
            html_text(out, sec);
            ks_buf_addf(out, "</td><td>%u</td><td>%zu</td><td>%zu</td><td>%zu</td><td>%zu</td>"
                             "</tr>\n",
                        lv, cnt[0], cnt[1], cnt[2], cnt[3]);
        }
    }
    ks_buf_adds(out, "</table>\n<h2>Failed recommendations</h2>\n");
    for (size_t i = 0; i < r->n_results; i++) {
        const struct ks_cis_result *x = &r->results[i];

        if (x->status != KS_CIS_FAILED && x->status != KS_CIS_ERROR)
            continue;
        ks_buf_addf(out, "<h3 class=\"%s\">", ks_cis_status_name(x->status));
        html_text(out, x->rule->id);
        ks_buf_adds(out, " ");
        html_text(out, x->rule->title);
        ks_buf_addf(out, " (%s, level %u)</h3>\n<p><b>Evidence:</b> <code>",
                    ks_cis_status_name(x->status), x->rule->level);
        html_text(out, x->evidence ? x->evidence : "");
        ks_buf_adds(out, "</code></p>\n<p><b>Rationale:</b> ");
        html_text(out, x->rule->rationale);
        ks_buf_adds(out, "</p>\n<p><b>Remediation:</b> ");
        html_text(out, x->rule->remediation);
        ks_buf_adds(out, "</p>\n");
    }
    ks_buf_adds(out, "<h2>All results</h2>\n<table>\n<tr><th>ID</th><th>Level</th><th>Status"
                     "</th><th>Title</th><th>Evidence</th></tr>\n");
    for (size_t i = 0; i < r->n_results; i++) {
        const struct ks_cis_result *x = &r->results[i];

        ks_buf_adds(out, "<tr><td>");
        html_text(out, x->rule->id);
        ks_buf_addf(out, "</td><td>%u</td><td class=\"%s\">%s</td><td>", x->rule->level,
                    ks_cis_status_name(x->status), ks_cis_status_name(x->status));
        html_text(out, x->rule->title);
        ks_buf_adds(out, "</td><td><code>");
        html_text(out, x->evidence ? x->evidence : "");
        ks_buf_adds(out, "</code></td></tr>\n");
    }
    ks_buf_adds(out, "</table>\n</body></html>\n");
}

ks_err ks_cis_render(const struct ks_cis_report *r, enum ks_cis_format f, bool color,
                     struct ks_buf *out)
{
    size_t before = out->len;

    switch (f) {
    case KS_CIS_TABLE:
        render_table(r, color, out);
        break;
    case KS_CIS_JSON:
        render_json(r, out);
        break;
    case KS_CIS_CSV:
        render_csv(r, out);
        break;
    case KS_CIS_HTML:
        render_html(r, out);
        break;
    }
    /* ks_buf appends fail only on memory or ceiling; detect by a missing end */
    if (out->len == before || out->ptr[out->len - 1] != '\n')
        return KS_ENOMEM;
    return KS_OK;
}

ks_err ks_cis_render_list(const struct ks_cis_benchmark *b, enum ks_cis_format f,
                          struct ks_buf *out)
{
    if (f == KS_CIS_JSON) {
        struct ks_jw w;

        ks_jw_init(&w, out, 2);
        ks_jw_obj_begin(&w);
        ks_jw_kstr(&w, "benchmark", b->id);
        ks_jw_kstr(&w, "title", b->title);
        ks_jw_kstr(&w, "version", b->version);
        ks_jw_key(&w, "rules");
        ks_jw_arr_begin(&w);
        for (size_t i = 0; i < b->n_rules; i++) {
            const struct ks_cis_rule *r = &b->rules[i];

            ks_jw_obj_begin(&w);
            ks_jw_kstr(&w, "id", r->id);
            ks_jw_kint(&w, "level", r->level);
            ks_jw_kstr(&w, "title", r->title);
            ks_jw_kstr(&w, "section", r->section);
            ks_jw_kbool(&w, "automated", !r->manual);
            ks_jw_key(&w, "ssg");
            ks_jw_arr_begin(&w);
            for (size_t k = 0; k < r->n_ssg; k++)
                ks_jw_str(&w, r->ssg[k]);
            ks_jw_arr_end(&w);
            ks_jw_obj_end(&w);
        }
        ks_jw_arr_end(&w);
        ks_jw_obj_end(&w);
        ks_buf_addc(out, '\n');
        return ks_jw_finish(&w);
    }
    if (f == KS_CIS_CSV) {
        ks_buf_adds(out, "id,level,automated,title,ssg\n");
        for (size_t i = 0; i < b->n_rules; i++) {
            struct ks_buf ssg = KS_BUF_INIT(0);
            char lv[8];

            snprintf(lv, sizeof(lv), "%u", b->rules[i].level);
            ssg_join(&ssg, &b->rules[i], " ");
            csv_field(out, b->rules[i].id, false);
            csv_field(out, lv, false);
            csv_field(out, b->rules[i].manual ? "no" : "yes", false);
            csv_field(out, b->rules[i].title, false);
            csv_field(out, ks_buf_str(&ssg), true);
            ks_buf_release(&ssg);
        }
        return KS_OK;
    }
    {
        size_t automated = 0;

        ks_buf_addf(out, "%-12s %-2s %-4s %s\n", "ID", "L", "AUTO", "TITLE");
        for (size_t i = 0; i < b->n_rules; i++) {
            automated += !b->rules[i].manual;
            ks_buf_addf(out, "%-12s %-2u %-4s %s\n", b->rules[i].id, b->rules[i].level,
                        b->rules[i].manual ? "no" : "yes", b->rules[i].title);
        }
        ks_buf_addf(out, "\n%s %s: %zu rules, %zu automated\n", b->id, b->version, b->n_rules,
                    automated);
    }
    return KS_OK;
}

/* export/findings_table.c - the human report: findings grouped by package,
 * packages ordered by their most severe finding, findings by severity and
 * score, every line at most `width` columns (default 80). Text is cut on
 * UTF-8 boundaries and marked with "~"; a code point counts one column
 * (wide East Asian characters may overhang; the tests use ASCII widths). */
#include "core/ks_common.h"

#include "export/findings.h"

#include "export/findings_int.h"
#include "score/score.h"

#define SEV_W   9 /* "UNTRIAGED"; INFORMATIONAL is shown as "INFO" */
#define SCORE_W 5
#define VULN_W  20

static int strcmp_null(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int cmp_group_key(const struct ks_finding *a, const struct ks_finding *b)
{
    int r = strcmp_null(a->package.name, b->package.name);

    if (!r)
        r = strcmp_null(a->package.version, b->package.version);
    if (!r)
        r = strcmp_null(a->package.file_path, b->package.file_path);
    return r;
}

static int cmp_by_package(const void *a, const void *b)
{
    const struct ks_finding *x = *(const struct ks_finding *const *)a;
    const struct ks_finding *y = *(const struct ks_finding *const *)b;
    int r = cmp_group_key(x, y);

    return r ? r : ks_findings_cmp(x, y);
}

struct group {
    size_t start, len;
    const struct ks_finding *top; /* most severe finding of the group */
};

static int cmp_group(const void *a, const void *b)
{
    const struct group *x = a, *y = b;
    int r = ks_findings_cmp(x->top, y->top);

    return r ? r : cmp_group_key(x->top, y->top);
}

/* Appends `s` cut to `w` columns ("~" marks a cut), padded to `w` unless
 * `pad` is false. */
static ks_err cell(struct ks_buf *b, const char *s, size_t w, bool pad)
{
    size_t chars, bytes;
    ks_err err;

    if (!s)
        s = "";
    if (ks_utf8_chars(s) > w && w > 0) {
        bytes = ks_utf8_prefix(s, w - 1, &chars);
        err = ks_buf_add(b, s, bytes);
        if (!err)
            err = ks_buf_addc(b, '~');
        chars++;
    } else {
        bytes = ks_utf8_prefix(s, w, &chars);
        err = ks_buf_add(b, s, bytes);
    }
    while (!err && pad && chars++ < w)
        err = ks_buf_addc(b, ' ');
    return err;
}

static ks_err sev_cell(struct ks_buf *b, enum ks_severity s, bool color)
{
    const char *on = "";

    if (color) {
        switch (s) {
        case KS_SEV_CRITICAL: on = "\033[1;31m"; break;
        case KS_SEV_HIGH: on = "\033[31m"; break;
        case KS_SEV_MEDIUM: on = "\033[33m"; break;
        default: on = "\033[2m"; break;
        }
    }
    const char *name = s == KS_SEV_INFORMATIONAL ? "INFO" : ks_severity_name(s);
    ks_err err = ks_buf_adds(b, on);
    if (!err)
        err = ks_buf_adds(b, name);
    if (!err && color)
        err = ks_buf_adds(b, "\033[0m");
    for (size_t i = strlen(name); !err && i < SEV_W; i++)
        err = ks_buf_addc(b, ' ');
    return err;
}

static ks_err package_line(struct ks_buf *b, const struct ks_finding *f, size_t width,
                           struct ks_buf *tmp)
{
    const struct ks_finding_package *p = &f->package;
    ks_err err;

    ks_buf_reset(tmp);
    err = ks_buf_addf(tmp, "%s ", p->name ? p->name : "(unknown package)");
    if (!err && p->epoch > 0)
        err = ks_buf_addf(tmp, "%d:", p->epoch);
    if (!err)
        err = ks_buf_adds(tmp, p->version ? p->version : "");
    if (!err && p->release)
        err = ks_buf_addf(tmp, "-%s", p->release);
    if (!err && (p->package_manager || p->file_path))
        err = ks_buf_addf(tmp, "  (%s%s%s)", p->package_manager ? p->package_manager : "",
                          p->package_manager && p->file_path ? " " : "",
                          p->file_path ? p->file_path : "");
    if (!err)
        err = cell(b, ks_buf_str(tmp), width, false);
    if (!err)
        err = ks_buf_addc(b, '\n');
    return err;
}

/* Two lines per finding:
 *   HIGH       7.8  CVE-2021-3156        fixed in 1.8.27-1+deb10u3  [KEV]
 *                   CVE-2021-3156 - sudo
 * the second (title, aliases) indented under the vulnerability id. */
static ks_err finding_line(struct ks_buf *b, const struct ks_finding *f, size_t width,
                           bool color, struct ks_buf *tmp)
{
    char score[16] = "-";
    const size_t indent = 2 + SEV_W + 1 + SCORE_W + 2;
    ks_err err;

    if (f->score.scored) {
        ks_score10_str(f->score.score10, score, sizeof(score));
        if (f->score.nadjustments)
            snprintf(score + strlen(score), sizeof(score) - strlen(score), "*");
    }
    err = ks_buf_adds(b, "  ");
    if (!err)
        err = sev_cell(b, f->severity, color);
    if (!err)
        err = ks_buf_addf(b, " %*s  ", SCORE_W, score);
    if (err)
        return err;
    ks_buf_reset(tmp);
    err = ks_buf_addf(tmp, "%-*s ", VULN_W, f->vulnerability_id ? f->vulnerability_id : "");
    if (!err && f->package.fixed_version)
        err = ks_buf_addf(tmp, "fixed in %s", f->package.fixed_version);
    else if (!err)
        err = ks_buf_adds(tmp, f->fix_available == KS_FIX_NO ? "no fix" : "");
    if (!err && f->kev.listed)
        err = ks_buf_adds(tmp, "  [KEV]");
    else if (!err && f->exploit_available)
        err = ks_buf_adds(tmp, "  [exploit]");
    if (!err)
        err = cell(b, ks_buf_str(tmp), width > indent ? width - indent : 0, false);
    if (!err)
        err = ks_buf_addc(b, '\n');
    if (err)
        return err;

    ks_buf_reset(tmp);
    for (size_t i = 0; i < f->naliases && !err; i++)
        err = ks_buf_addf(tmp, "%s%s%s", i ? ", " : "(", f->aliases[i],
                          i + 1 == f->naliases ? ") " : "");
    if (!err)
        err = ks_buf_adds(tmp, f->title ? f->title : "");
    if (err || !tmp->len)
        return err;
    for (size_t i = 0; i < indent && !err; i++)
        err = ks_buf_addc(b, ' ');
    if (!err)
        err = cell(b, ks_buf_str(tmp), width > indent ? width - indent : 0, false);
    if (!err)
        err = ks_buf_addc(b, '\n');
    return err;
}

/* "Total: 7 (CRITICAL: 1, HIGH: 2, ...)", wrapped after a comma when wider
 * than the table (continuation lines indented by two). */
static ks_err totals(struct ks_buf *out, size_t n, const size_t *count, size_t width,
                     struct ks_buf *line)
{
    bool first = true;
    ks_err err;

    ks_buf_reset(line);
    err = ks_buf_addf(line, "Total: %zu (", n);
    if (!err)
        err = ks_buf_addc(out, '\n');
    for (int s = KS_SEV_CRITICAL; s >= KS_SEV_UNTRIAGED && !err; s--) {
        char item[48];
        if (!count[s])
            continue;
        snprintf(item, sizeof(item), "%s: %zu", ks_severity_name((enum ks_severity)s), count[s]);
        if (!first && line->len + 2 + strlen(item) + 1 > width) {
            err = ks_buf_addf(out, "%s,\n", ks_buf_str(line));
            ks_buf_reset(line);
            if (!err)
                err = ks_buf_addf(line, "  %s", item);
        } else if (!err) {
            err = ks_buf_addf(line, "%s%s", first ? "" : ", ", item);
        }
        first = false;
    }
    if (!err)
        err = ks_buf_addf(out, "%s)\n", ks_buf_str(line));
    return err;
}

ks_err ks_export_findings_table(const struct ks_finding *f, size_t n,
                                const struct ks_export_opts *o, struct ks_buf *out)
{
    const struct ks_finding **v = ks_findings_sorted(f, n);
    struct group *groups = n ? calloc(n, sizeof(*groups)) : NULL;
    struct ks_buf tmp = KS_BUF_INIT(0);
    /* below 40 columns nothing useful fits; the default is 80 */
    size_t width = o && o->width > 0 ? (size_t)KS_MAX(o->width, 40) : 80;
    size_t ngroups = 0, count[KS_SEV_CRITICAL + 1] = {0};
    bool color = o && o->color, adjusted = false;
    ks_err err = KS_OK;

    if (n && (!v || !groups)) {
        err = KS_ENOMEM;
        goto done;
    }
    if (!n) {
        err = ks_buf_adds(out, "No findings.\n");
        goto done;
    }
    qsort(v, n, sizeof(*v), cmp_by_package);
    for (size_t i = 0; i < n; i++) {
        count[v[i]->severity]++;
        adjusted |= v[i]->score.nadjustments > 0;
        if (!ngroups || cmp_group_key(groups[ngroups - 1].top, v[i]))
            groups[ngroups++] = (struct group){i, 0, v[i]};
        groups[ngroups - 1].len++;
    }
    qsort(groups, ngroups, sizeof(*groups), cmp_group);

    for (size_t g = 0; g < ngroups && !err; g++) {
        if (g)
            err = ks_buf_addc(out, '\n');
        if (!err)
            err = package_line(out, groups[g].top, width, &tmp);
        for (size_t i = 0; i < groups[g].len && !err; i++)
            err = finding_line(out, v[groups[g].start + i], width, color, &tmp);
    }
    if (!err)
        err = totals(out, n, count, width, &tmp);
    if (!err && adjusted)
        err = cell(out, "* kensa score lowered by the environment (no network path)", width,
                   false);
    if (!err && adjusted)
        err = ks_buf_addc(out, '\n');
done:
    ks_buf_release(&tmp);
    free(groups);
    free(v);
    return err;
}

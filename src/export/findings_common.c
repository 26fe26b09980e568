/* export/findings_common.c - report order, names and text helpers shared by
 * the findings writers. */
#include "core/ks_common.h"

#include "export/findings_int.h"

static int strcmp_null(const char *a, const char *b)
{
    if (!a || !b)
        return a ? 1 : b ? -1 : 0;
    return strcmp(a, b);
}

int ks_finding_score10(const struct ks_finding *f)
{
    return f->score.scored ? f->score.score10 : -1;
}

int ks_findings_cmp(const struct ks_finding *a, const struct ks_finding *b)
{
    int r;

    if (a->severity != b->severity)
        return a->severity > b->severity ? -1 : 1;
    if (ks_finding_score10(a) != ks_finding_score10(b))
        return ks_finding_score10(a) > ks_finding_score10(b) ? -1 : 1;
    if ((r = strcmp_null(a->vulnerability_id, b->vulnerability_id)))
        return r;
    if ((r = strcmp_null(a->package.name, b->package.name)))
        return r;
    if ((r = strcmp_null(a->package.version, b->package.version)))
        return r;
    if ((r = strcmp_null(a->package.file_path, b->package.file_path)))
        return r;
    return strcmp(a->id, b->id);
}

static int cmp_ptr(const void *a, const void *b)
{
    return ks_findings_cmp(*(const struct ks_finding *const *)a,
                           *(const struct ks_finding *const *)b);
}

const struct ks_finding **ks_findings_sorted(const struct ks_finding *f, size_t n)
{
    const struct ks_finding **v;

    if (!n)
        return NULL;
    v = malloc(n * sizeof(*v));
    if (!v)
        return NULL;
    for (size_t i = 0; i < n; i++)
        v[i] = &f[i];
    qsort(v, n, sizeof(*v), cmp_ptr);
    return v;
}

size_t ks_utf8_prefix(const char *s, size_t max_chars, size_t *chars)
{
    size_t i = 0, n = 0;

    while (s[i] && n < max_chars) {
        unsigned char c = (unsigned char)s[i];
        size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
        size_t k = 1;
        while (k < len && ((unsigned char)s[i + k] & 0xc0) == 0x80)
            k++;
        i += k; /* a truncated sequence counts as its bytes so far */
        n++;
    }
    if (chars)
        *chars = n;
    return i;
}

size_t ks_utf8_chars(const char *s)
{
    size_t n;

    ks_utf8_prefix(s, SIZE_MAX, &n);
    return n;
}

const char *ks_score10_str(int score10, char *buf, size_t cap)
{
    snprintf(buf, cap, "%d.%d", score10 / 10, score10 % 10);
    return buf;
}

const char *ks_finding_type_name(enum ks_finding_type t)
{
    switch (t) {
    case KS_FINDING_CODE_VULNERABILITY: return "CODE_VULNERABILITY";
    case KS_FINDING_NETWORK_REACHABILITY: return "NETWORK_REACHABILITY";
    case KS_FINDING_END_OF_LIFE: return "END_OF_LIFE";
    default: return "PACKAGE_VULNERABILITY";
    }
}

const char *ks_finding_status_name(enum ks_finding_status s)
{
    switch (s) {
    case KS_STATUS_SUPPRESSED: return "SUPPRESSED";
    case KS_STATUS_CLOSED: return "CLOSED";
    default: return "ACTIVE";
    }
}

const char *ks_fix_available_name(enum ks_fix_available f)
{
    switch (f) {
    case KS_FIX_YES: return "YES";
    case KS_FIX_PARTIAL: return "PARTIAL";
    default: return "NO";
    }
}

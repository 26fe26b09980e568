/* score/score.c - severity bands, vendor labels, score selection and the
 * environmental adjustment. */
#include "core/ks_common.h"

#include "score/score.h"

#include "core/str.h"

static const char *const severity_names[] = {
    [KS_SEV_UNTRIAGED] = "UNTRIAGED", [KS_SEV_INFORMATIONAL] = "INFORMATIONAL",
    [KS_SEV_LOW] = "LOW",             [KS_SEV_MEDIUM] = "MEDIUM",
    [KS_SEV_HIGH] = "HIGH",           [KS_SEV_CRITICAL] = "CRITICAL",
};

enum ks_severity ks_severity_from_score10(int score10)
{
    if (score10 <= 0)
        return KS_SEV_INFORMATIONAL;
    if (score10 < 40)
        return KS_SEV_LOW;
    if (score10 < 70)
        return KS_SEV_MEDIUM;
    if (score10 < 90)
        return KS_SEV_HIGH;
    return KS_SEV_CRITICAL;
}

const char *ks_severity_name(enum ks_severity s)
{
    if ((size_t)s >= KS_ARRAY_LEN(severity_names))
        return "UNTRIAGED";
    return severity_names[s];
}

bool ks_severity_parse(const char *s, enum ks_severity *out)
{
    for (size_t i = 0; i < KS_ARRAY_LEN(severity_names); i++) {
        if (!ks_strcasecmp_ascii(s, severity_names[i])) {
            *out = (enum ks_severity)i;
            return true;
        }
    }
    return false;
}

struct label {
    const char *text;
    enum ks_severity sev;
};

/* Debian's "unimportant" and Ubuntu's "negligible" mean the flaw does not
 * matter for the distribution's build: INFORMATIONAL keeps them visible but
 * below every real band (Trivy folds them into LOW, Grype calls them
 * Negligible). */
static const struct label debian_labels[] = {
    {"unimportant", KS_SEV_INFORMATIONAL},
    {"low", KS_SEV_LOW},
    {"medium", KS_SEV_MEDIUM},
    {"high", KS_SEV_HIGH},
};
static const struct label ubuntu_labels[] = {
    {"negligible", KS_SEV_INFORMATIONAL}, {"low", KS_SEV_LOW},   {"medium", KS_SEV_MEDIUM},
    {"high", KS_SEV_HIGH},                {"critical", KS_SEV_CRITICAL},
};
static const struct label alas_labels[] = {
    {"low", KS_SEV_LOW},
    {"medium", KS_SEV_MEDIUM},
    {"important", KS_SEV_HIGH},
    {"critical", KS_SEV_CRITICAL},
};
static const struct label ghsa_labels[] = {
    {"low", KS_SEV_LOW},
    {"moderate", KS_SEV_MEDIUM},
    {"high", KS_SEV_HIGH},
    {"critical", KS_SEV_CRITICAL},
};
static const struct label generic_labels[] = {
    {"informational", KS_SEV_INFORMATIONAL},
    {"low", KS_SEV_LOW},
    {"medium", KS_SEV_MEDIUM},
    {"moderate", KS_SEV_MEDIUM},
    {"high", KS_SEV_HIGH},
    {"important", KS_SEV_HIGH},
    {"critical", KS_SEV_CRITICAL},
};

bool ks_score_vendor_severity(enum ks_vendor_scale scale, const char *label, enum ks_severity *out)
{
    const struct label *t;
    size_t n;
    char word[32];
    struct ks_str s;

    if (!label)
        return false;
    s = ks_str_trim(ks_str_of(label));
    /* The Debian tracker marks urgencies it has not reviewed with "**"
     * ("low**"); the label still applies. */
    while (s.len && s.ptr[s.len - 1] == '*')
        s.len--;
    s = ks_str_trim(s);
    if (!s.len || s.len >= sizeof(word))
        return false;
    memcpy(word, s.ptr, s.len);
    word[s.len] = '\0';

    switch (scale) {
    case KS_SCALE_DEBIAN: t = debian_labels; n = KS_ARRAY_LEN(debian_labels); break;
    case KS_SCALE_UBUNTU: t = ubuntu_labels; n = KS_ARRAY_LEN(ubuntu_labels); break;
    case KS_SCALE_ALAS: t = alas_labels; n = KS_ARRAY_LEN(alas_labels); break;
    case KS_SCALE_GHSA: t = ghsa_labels; n = KS_ARRAY_LEN(ghsa_labels); break;
    default: t = generic_labels; n = KS_ARRAY_LEN(generic_labels); break;
    }
    for (size_t i = 0; i < n; i++) {
        if (!ks_strcasecmp_ascii(word, t[i].text)) {
            *out = t[i].sev;
            return true;
        }
    }
    return false;
}

static int version_rank(enum ks_cvss_version v)
{
    switch (v) {
    case KS_CVSS_V31: return 4;
    case KS_CVSS_V30: return 3;
    case KS_CVSS_V40: return 2;
    default: return 1;
    }
}

static bool is_nvd(const char *source)
{
    return source && !ks_strcasecmp_ascii(source, "NVD");
}

int ks_score_select(const struct ks_cvss_score *cvss, size_t n)
{
    int best = -1, best_rank = 0;

    for (size_t i = 0; i < n; i++) {
        struct ks_cvss c;
        if (!cvss[i].vector || ks_cvss_parse(cvss[i].vector, strlen(cvss[i].vector), &c, NULL))
            continue;
        int rank = (is_nvd(cvss[i].source) ? 0 : 10) + version_rank(c.version);
        if (rank > best_rank) {
            best = (int)i;
            best_rank = rank;
        }
    }
    return best;
}

void ks_score_fill_bases(struct ks_cvss_score *cvss, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct ks_cvss c;
        if (cvss[i].vector && !ks_cvss_parse(cvss[i].vector, strlen(cvss[i].vector), &c, NULL))
            cvss[i].base10 = c.base10;
        else
            cvss[i].base10 = -1;
    }
}

/* The metric that carries the attack vector: a defined modified attack
 * vector (v3 MAV, v4 MAV) overrides the base one for v4.0 scoring; v2/v3
 * base scores read AV only. */
static const char *av_metric(const struct ks_cvss *c)
{
    if (c->version == KS_CVSS_V40) {
        const char *mav = ks_cvss_get(c, "MAV");
        if (mav && strcmp(mav, "X"))
            return "MAV";
    }
    return "AV";
}

ks_err ks_score_compute(struct ks_arena *arena, const struct ks_score_input *in,
                        struct ks_kensa_score *score, enum ks_severity *severity)
{
    struct ks_buf vec = KS_BUF_INIT(KS_CVSS_MAX_LEN * 2);
    struct ks_cvss c;
    ks_err err = KS_OK;
    int i = ks_score_select(in->cvss, in->ncvss);

    memset(score, 0, sizeof(*score));
    if (i < 0) {
        if (!ks_score_vendor_severity(in->vendor_scale, in->vendor_severity, severity))
            *severity = KS_SEV_UNTRIAGED;
        return KS_OK;
    }

    const struct ks_cvss_score *e = &in->cvss[i];
    if (ks_cvss_parse(e->vector, strlen(e->vector), &c, NULL))
        KS_BUG("selected cvss vector does not parse");
    score->scored = true;
    score->source = e->source;
    score->version = ks_cvss_version_str(c.version);
    score->base_vector = e->vector;
    score->base10 = c.score10;
    score->vector = e->vector;

    const char *avm = av_metric(&c);
    const char *av = ks_cvss_get(&c, avm);
    if (in->netpath == KS_NETPATH_NO && av && !strcmp(av, "N")) {
        struct ks_score_adjustment *adj = ks_arena_alloc(arena, sizeof(*adj));
        if (!adj) {
            err = KS_ENOMEM;
            goto done;
        }
        if (ks_cvss_set(&c, avm, "A", NULL))
            KS_BUG("cannot lower the attack vector");
        err = ks_cvss_format(&c, &vec);
        if (err)
            goto done;
        adj->metric = "AttackVector";
        adj->reason = ks_arena_printf(arena, "no network path to the resource: %s:N -> %s:A",
                                      avm, avm);
        score->vector = ks_arena_strdup(arena, ks_buf_str(&vec));
        if (!adj->reason || !score->vector) {
            err = KS_ENOMEM;
            goto done;
        }
        score->adjustments = adj;
        score->nadjustments = 1;
    }
    score->score10 = c.score10;
    *severity = ks_severity_from_score10(c.score10);
done:
    ks_buf_release(&vec);
    return err;
}

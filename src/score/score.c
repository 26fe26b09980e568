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

const char *ks_score_basis_name(enum ks_score_basis b)
{
    switch (b) {
    case KS_BASIS_VENDOR_CVSS: return "VENDOR_CVSS";
    case KS_BASIS_NVD_CVSS: return "NVD_CVSS";
    case KS_BASIS_OTHER_CVSS: return "OTHER_CVSS";
    case KS_BASIS_VENDOR_LABEL: return "VENDOR_LABEL";
    case KS_BASIS_RULE: return "KENSA_RULE";
    case KS_BASIS_NONE: break;
    }
    return "NONE";
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

enum ks_vendor_scale ks_score_scale_of(const char *source, const char *type)
{
    if (type && !strcmp(type, "debian-urgency"))
        return KS_SCALE_DEBIAN;
    if (type && !strcmp(type, "Ubuntu"))
        return KS_SCALE_UBUNTU;
    if (source && !strcmp(source, "AMAZON"))
        return KS_SCALE_ALAS;
    if (source && !strcmp(source, "GHSA"))
        return KS_SCALE_GHSA;
    return KS_SCALE_GENERIC;
}

/* The rank of a CVSS entry's source under the rule. */
static int source_rank(const struct ks_cvss_score *c)
{
    return c->vendor ? 30 : is_nvd(c->source) ? 20 : 10;
}

int ks_score_select(const struct ks_cvss_score *cvss, size_t n)
{
    int best = -1, best_rank = 0;

    for (size_t i = 0; i < n; i++) {
        struct ks_cvss c;
        if (!cvss[i].vector || ks_cvss_parse(cvss[i].vector, strlen(cvss[i].vector), &c, NULL))
            continue;
        int rank = source_rank(&cvss[i]) + version_rank(c.version);
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

/* "vendor (GHSA) CVSS 3.1, over NVD 3.1" / "no vendor CVSS: NVD 3.1" /
 * "no vendor or NVD CVSS: GHSA 3.1". */
static const char *basis_reason(struct ks_arena *a, const struct ks_score_input *in,
                                const struct ks_cvss_score *e, const char *version)
{
    char others[160] = "";
    size_t len = 0;

    /* the sources passed over, each named once */
    for (size_t k = 0; k < in->ncvss && len < sizeof(others) - 40; k++) {
        const struct ks_cvss_score *o = &in->cvss[k];
        bool seen = !o->source || (e->source && !strcmp(o->source, e->source));
        for (size_t j = 0; !seen && j < k; j++)
            seen = in->cvss[j].source && !strcmp(in->cvss[j].source, o->source);
        if (!seen) {
            int w = snprintf(others + len, sizeof(others) - len, "%s%s", len ? ", " : "",
                             o->source);
            if (w > 0)
                len += (size_t)w;
        }
    }
    const char *src = e->source ? e->source : "?";
    if (e->vendor)
        return ks_arena_printf(a, "vendor (%s) CVSS %s%s%s", src, version,
                               len ? " chosen over " : "", others);
    if (is_nvd(e->source))
        return ks_arena_printf(a, "no vendor CVSS: NVD CVSS %s%s%s", version,
                               len ? "; also published by " : "", others);
    return ks_arena_printf(a, "no vendor or NVD CVSS: %s CVSS %s%s%s", src, version,
                           len ? "; also published by " : "", others);
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
        const char *who = in->vendor_source ? in->vendor_source : "vendor";
        if (ks_score_vendor_severity(in->vendor_scale, in->vendor_severity, severity)) {
            score->basis = KS_BASIS_VENDOR_LABEL;
            score->basis_source = in->vendor_source;
            score->basis_reason = ks_arena_printf(arena, "no CVSS; %s label '%s' -> %s", who,
                                                  in->vendor_severity, ks_severity_name(*severity));
        } else {
            *severity = KS_SEV_UNTRIAGED;
            score->basis = KS_BASIS_NONE;
            score->basis_reason =
                    in->vendor_severity
                            ? ks_arena_printf(arena,
                                              "no CVSS; %s label '%s' names no severity: UNTRIAGED",
                                              who, in->vendor_severity)
                            : "no CVSS and no vendor label: UNTRIAGED";
        }
        return score->basis_reason ? KS_OK : KS_ENOMEM;
    }

    const struct ks_cvss_score *e = &in->cvss[i];
    if (ks_cvss_parse(e->vector, strlen(e->vector), &c, NULL))
        KS_BUG("selected cvss vector does not parse");
    score->basis = e->vendor ? KS_BASIS_VENDOR_CVSS
                   : is_nvd(e->source) ? KS_BASIS_NVD_CVSS
                                       : KS_BASIS_OTHER_CVSS;
    score->basis_source = e->source;
    score->basis_reason = basis_reason(arena, in, e, ks_cvss_version_str(c.version));
    if (!score->basis_reason)
        return KS_ENOMEM;
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

/* score/cvss.c - CVSS vector parsing and base-score equations.
 *
 * Each version is a table of metrics (name, '|'-separated values in the
 * specification's order, whether it is a base metric). Parsing only fills
 * value indexes; the equations then read single value codes through `code()`.
 *
 * The floating-point operations follow the specifications' formulas in the
 * order they are written, because that order decides the last bit of the
 * result, and the v3.0 round-up and the v2 rounding are sensitive to it. */
#include "core/ks_common.h"

#include "score/cvss.h"

#include "core/dl.h"

#include <math.h>

struct metric {
    const char *name;
    const char *values[6]; /* specification order; unused slots NULL */
    bool base;
};

struct version_def {
    const char *prefix; /* "CVSS:3.1/" or "" */
    const char *label;  /* "3.1" */
    const struct metric *metrics;
    size_t n;
    bool ordered; /* metrics must appear in table order */
};

/* CVSS v2.0 guide §3.3.1: base, temporal, environmental, in this order. */
static const struct metric v2_metrics[] = {
    {"AV", {"L", "A", "N"}, true},           {"AC", {"H", "M", "L"}, true},        {"Au", {"M", "S", "N"}, true},
    {"C", {"N", "P", "C"}, true},            {"I", {"N", "P", "C"}, true},         {"A", {"N", "P", "C"}, true},
    {"E", {"U", "POC", "F", "H", "ND"}, false},    {"RL", {"OF", "TF", "W", "U", "ND"}, false}, {"RC", {"UC", "UR", "C", "ND"}, false},
    {"CDP", {"N", "L", "LM", "MH", "H", "ND"}, false}, {"TD", {"N", "L", "M", "H", "ND"}, false}, {"CR", {"L", "M", "H", "ND"}, false},
    {"IR", {"L", "M", "H", "ND"}, false},       {"AR", {"L", "M", "H", "ND"}, false},
};

/* CVSS v3.0 and v3.1 specification §6, Table 15 (same metrics). */
static const struct metric v3_metrics[] = {
    {"AV", {"N", "A", "L", "P"}, true},    {"AC", {"L", "H"}, true},        {"PR", {"N", "L", "H"}, true},
    {"UI", {"N", "R"}, true},        {"S", {"U", "C"}, true},         {"C", {"H", "L", "N"}, true},
    {"I", {"H", "L", "N"}, true},       {"A", {"H", "L", "N"}, true},       {"E", {"X", "U", "P", "F", "H"}, false},
    {"RL", {"X", "O", "T", "W", "U"}, false}, {"RC", {"X", "U", "R", "C"}, false},   {"CR", {"X", "L", "M", "H"}, false},
    {"IR", {"X", "L", "M", "H"}, false},   {"AR", {"X", "L", "M", "H"}, false},   {"MAV", {"X", "N", "A", "L", "P"}, false},
    {"MAC", {"X", "L", "H"}, false},    {"MPR", {"X", "N", "L", "H"}, false},  {"MUI", {"X", "N", "R"}, false},
    {"MS", {"X", "U", "C"}, false},     {"MC", {"X", "N", "L", "H"}, false},   {"MI", {"X", "N", "L", "H"}, false},
    {"MA", {"X", "N", "L", "H"}, false},
};

/* CVSS v4.0 specification §7, Table 23. */
static const struct metric v4_metrics[] = {
    {"AV", {"N", "A", "L", "P"}, true},
    {"AC", {"L", "H"}, true},
    {"AT", {"N", "P"}, true},
    {"PR", {"N", "L", "H"}, true},
    {"UI", {"N", "P", "A"}, true},
    {"VC", {"H", "L", "N"}, true},
    {"VI", {"H", "L", "N"}, true},
    {"VA", {"H", "L", "N"}, true},
    {"SC", {"H", "L", "N"}, true},
    {"SI", {"H", "L", "N"}, true},
    {"SA", {"H", "L", "N"}, true},
    {"E", {"X", "A", "P", "U"}, false},
    {"CR", {"X", "H", "M", "L"}, false},
    {"IR", {"X", "H", "M", "L"}, false},
    {"AR", {"X", "H", "M", "L"}, false},
    {"MAV", {"X", "N", "A", "L", "P"}, false},
    {"MAC", {"X", "L", "H"}, false},
    {"MAT", {"X", "N", "P"}, false},
    {"MPR", {"X", "N", "L", "H"}, false},
    {"MUI", {"X", "N", "P", "A"}, false},
    {"MVC", {"X", "H", "L", "N"}, false},
    {"MVI", {"X", "H", "L", "N"}, false},
    {"MVA", {"X", "H", "L", "N"}, false},
    {"MSC", {"X", "H", "L", "N"}, false},
    {"MSI", {"X", "S", "H", "L", "N"}, false},
    {"MSA", {"X", "S", "H", "L", "N"}, false},
    {"S", {"X", "N", "P"}, false},
    {"AU", {"X", "N", "Y"}, false},
    {"R", {"X", "A", "U", "I"}, false},
    {"V", {"X", "D", "C"}, false},
    {"RE", {"X", "L", "M", "H"}, false},
    {"U", {"X", "Clear", "Green", "Amber", "Red"}, false},
};

static const struct version_def versions[] = {
    [KS_CVSS_V2] = {"", "2.0", v2_metrics, KS_ARRAY_LEN(v2_metrics), true},
    [KS_CVSS_V30] = {"CVSS:3.0/", "3.0", v3_metrics, KS_ARRAY_LEN(v3_metrics), false},
    [KS_CVSS_V31] = {"CVSS:3.1/", "3.1", v3_metrics, KS_ARRAY_LEN(v3_metrics), false},
    [KS_CVSS_V40] = {"CVSS:4.0/", "4.0", v4_metrics, KS_ARRAY_LEN(v4_metrics), true},
};

_Static_assert(KS_ARRAY_LEN(v4_metrics) <= KS_CVSS_MAX_METRICS, "v4 metrics fit");

/* ---- value tables ---- */

/* The 1-based index of the `len` bytes `s` among `values`, or 0. */
static int value_index(const char *const *values, const char *s, size_t len)
{
    for (int i = 0; i < 6 && values[i]; i++)
        if (strlen(values[i]) == len && !memcmp(values[i], s, len))
            return i + 1;
    return 0;
}

static int metric_index(const struct version_def *d, const char *name, size_t len)
{
    for (size_t i = 0; i < d->n; i++)
        if (strlen(d->metrics[i].name) == len && !memcmp(d->metrics[i].name, name, len))
            return (int)i;
    return -1;
}

/* Table positions of the metrics the equations read (the tables above are
 * in specification order, so these are fixed; the differential tests would
 * catch a mismatch at once). */
enum { V2_AV, V2_AC, V2_AU, V2_C, V2_I, V2_A };
enum { V3_AV, V3_AC, V3_PR, V3_UI, V3_S, V3_C, V3_I, V3_A };
enum {
    V4_AV, V4_AC, V4_AT, V4_PR, V4_UI, V4_VC, V4_VI, V4_VA, V4_SC, V4_SI, V4_SA,
    V4_E, V4_CR, V4_IR, V4_AR,
    V4_MAV, /* V4_MAV + i is the modified metric of base metric i (AV..SA) */
    V4_MSI = V4_MAV + V4_SI,
    V4_MSA = V4_MAV + V4_SA,
};

/* The first character of the value of the metric at table position `i`, or
 * 'X' when not given (the equations only need single-letter codes; v2's
 * multi-letter values are never read by them). */
static char codei(const struct ks_cvss *c, int i)
{
    if (!c->val[i])
        return 'X';
    return versions[c->version].metrics[i].values[c->val[i] - 1][0];
}

/* ---- CVSS v2.0 (guide §3.2.1) ---- */

static int score_v2(const struct ks_cvss *c)
{
    double av, ac, au, ci[3];
    static const int cia[3] = {V2_C, V2_I, V2_A};

    switch (codei(c, V2_AV)) {
    case 'L': av = 0.395; break;
    case 'A': av = 0.646; break;
    default: av = 1.0; break;
    }
    switch (codei(c, V2_AC)) {
    case 'H': ac = 0.35; break;
    case 'M': ac = 0.61; break;
    default: ac = 0.71; break;
    }
    switch (codei(c, V2_AU)) {
    case 'M': au = 0.45; break;
    case 'S': au = 0.56; break;
    default: au = 0.704; break;
    }
    for (int i = 0; i < 3; i++) {
        switch (codei(c, cia[i])) {
        case 'N': ci[i] = 0.0; break;
        case 'P': ci[i] = 0.275; break;
        default: ci[i] = 0.660; break;
        }
    }
    double impact = 10.41 * (1 - (1 - ci[0]) * (1 - ci[1]) * (1 - ci[2]));
    double exploitability = 20 * av * ac * au;
    double f = impact == 0 ? 0 : 1.176;
    double base = ((0.6 * impact) + (0.4 * exploitability) - 1.5) * f;
    /* round_to_1_decimal: half up */
    return (int)floor(base * 10 + 0.5);
}

/* ---- CVSS v3.0 / v3.1 (specification §7.1, Appendix A) ---- */

/* v3.1 Roundup (Appendix A): exact on the decimal representation. */
static int roundup31(double x)
{
    /* llround() for x >= 0, without libm: v - trunc(v) is exact */
    double v = x * 100000.0;
    long long i = (long long)v;

    if (v - (double)i >= 0.5)
        i++;
    if (i % 10000 == 0)
        return (int)(i / 10000);
    return (int)(i / 10000) + 1;
}

/* v3.0 round up: the smallest one-decimal number not below x. */
static int roundup30(double x)
{
    return (int)ceil(x * 10);
}

static double cia3(char v)
{
    return v == 'H' ? 0.56 : v == 'L' ? 0.22 : 0.0;
}

static int score_v3(const struct ks_cvss *c)
{
    bool changed = codei(c, V3_S) == 'C';
    double av, ac, pr, ui;

    switch (codei(c, V3_AV)) {
    case 'N': av = 0.85; break;
    case 'A': av = 0.62; break;
    case 'L': av = 0.55; break;
    default: av = 0.2; break;
    }
    ac = codei(c, V3_AC) == 'L' ? 0.77 : 0.44;
    switch (codei(c, V3_PR)) {
    case 'N': pr = 0.85; break;
    case 'L': pr = changed ? 0.68 : 0.62; break;
    default: pr = changed ? 0.5 : 0.27; break;
    }
    ui = codei(c, V3_UI) == 'N' ? 0.85 : 0.62;

    double iss = 1 - ((1 - cia3(codei(c, V3_C))) * (1 - cia3(codei(c, V3_I))) * (1 - cia3(codei(c, V3_A))));
    double impact;
    if (changed)
        impact = 7.52 * (iss - 0.029) - 3.25 * ks_pow(iss - 0.02, 15);
    else
        impact = 6.42 * iss;
    double exploitability = 8.22 * av * ac * pr * ui;

    if (impact <= 0)
        return 0;
    double sum = changed ? 1.08 * (impact + exploitability) : impact + exploitability;
    double raw = sum < 10 ? sum : 10; /* fmin: neither side is NaN */
    return c->version == KS_CVSS_V30 ? roundup30(raw) : roundup31(raw);
}

/* ---- CVSS v4.0 (specification §8, FIRST reference calculator) ---- */

/* MacroVector → score of its highest-severity vector, in tenths. Transcribed
 * from the specification's lookup table (cvss_lookup.js of the FIRST
 * calculator); tests/unit/test_score.c checks its SHA-256 against an
 * independent transcription. Sorted by key for bsearch. */
static const struct mv_score {
    char key[7];
    uint8_t score10;
} mv_lookup[] = {
#include "score/cvss4_lookup.inc"
};

static int mv_cmp(const void *a, const void *b)
{
    return memcmp(((const struct mv_score *)a)->key, ((const struct mv_score *)b)->key, 6);
}

/* Score of MacroVector `eq` (6 digits), or NAN when it does not exist. */
static double mv_value(const int eq[6])
{
    struct mv_score k;

    for (int i = 0; i < 6; i++) {
        if (eq[i] < 0 || eq[i] > 9)
            return (double)NAN;
        k.key[i] = (char)('0' + eq[i]);
    }
    k.key[6] = '\0';
    const struct mv_score *r = bsearch(&k, mv_lookup, KS_ARRAY_LEN(mv_lookup),
                                       sizeof(mv_lookup[0]), mv_cmp);
    return r ? r->score10 / 10.0 : (double)NAN;
}

/* Highest-severity vectors of each EQ level (the specification's
 * "max_composed" data), as value codes of the metrics listed. */
static const char *const eq1_max[3][3] = {
    /* AV PR UI */
    {"NNN", NULL, NULL},
    {"ANN", "NLN", "NNP"},
    {"PNN", "ALP", NULL},
};
static const char *const eq2_max[2][2] = {
    /* AC AT */
    {"LN", NULL},
    {"HN", "LP"},
};
static const char *const eq3eq6_max[3][2][5] = {
    /* VC VI VA CR IR AR */
    {{"HHHHHH", NULL}, {"HHLMMH", "HHHMMM", NULL}},
    {{"LHHHHH", "HLHHHH", NULL}, {"LHLHMH", "LHHHMM", "HLHMHM", "HLLMHH", "LLHHHM"}},
    {{NULL}, {"LLLHHH", NULL}},
};
static const char *const eq4_max[3] = {
    /* SC SI SA */
    "HSS",
    "HHH",
    "LLL",
};

/* Maximal severity distance within each EQ level ("max_severity"), in steps
 * of 0.1. */
static const int eq1_depth[3] = {1, 4, 5};
static const int eq2_depth[2] = {1, 2};
static const int eq3eq6_depth[3][2] = {{7, 6}, {8, 8}, {0, 10}};
static const int eq4_depth[3] = {6, 5, 4};

/* Severity level of value `v` of the metric at v4 table position `m`, in
 * steps of 0.1 (the specification's "levels"). */
static double level(int m, char v)
{
    switch (m) {
    case V4_AV:
        return v == 'N' ? 0.0 : v == 'A' ? 0.1 : v == 'L' ? 0.2 : 0.3;
    case V4_AC:
        return v == 'L' ? 0.0 : 0.1;
    case V4_AT:
        return v == 'N' ? 0.0 : 0.1;
    case V4_PR:
        return v == 'N' ? 0.0 : v == 'L' ? 0.1 : 0.2;
    case V4_UI:
        return v == 'N' ? 0.0 : v == 'P' ? 0.1 : 0.2;
    case V4_VC:
    case V4_VI:
    case V4_VA:
        return v == 'H' ? 0.0 : v == 'L' ? 0.1 : 0.2;
    case V4_SC:
        return v == 'H' ? 0.1 : v == 'L' ? 0.2 : 0.3;
    case V4_SI:
    case V4_SA:
        return v == 'S' ? 0.0 : v == 'H' ? 0.1 : v == 'L' ? 0.2 : 0.3;
    default: /* CR, IR, AR */
        return v == 'H' ? 0.0 : v == 'M' ? 0.1 : 0.2;
    }
}

/* The effective value of a v4.0 metric (the specification's "m()"): E:X is
 * E:A, CR/IR/AR:X are H, and a defined modified metric overrides its base
 * metric. With `base_only`, threat and environmental metrics are ignored. */
static char eff(const struct ks_cvss *c, int m, bool base_only)
{
    char v = codei(c, m);

    if (m == V4_E)
        return base_only || v == 'X' ? 'A' : v;
    if (m == V4_CR || m == V4_IR || m == V4_AR)
        return base_only || v == 'X' ? 'H' : v;
    if (!base_only && m <= V4_SA) {
        char mv = codei(c, V4_MAV + m);
        if (mv != 'X')
            return mv;
    }
    return v;
}

struct v4vals {
    char av, ac, at, pr, ui, vc, vi, va, sc, si, sa, e, cr, ir, ar, msi, msa;
};

static int score_v4(const struct ks_cvss *c, bool base_only)
{
    struct v4vals m = {
            eff(c, V4_AV, base_only), eff(c, V4_AC, base_only), eff(c, V4_AT, base_only),
            eff(c, V4_PR, base_only), eff(c, V4_UI, base_only), eff(c, V4_VC, base_only),
            eff(c, V4_VI, base_only), eff(c, V4_VA, base_only), eff(c, V4_SC, base_only),
            eff(c, V4_SI, base_only), eff(c, V4_SA, base_only), eff(c, V4_E, base_only),
            eff(c, V4_CR, base_only), eff(c, V4_IR, base_only), eff(c, V4_AR, base_only),
            base_only ? 'X' : codei(c, V4_MSI), base_only ? 'X' : codei(c, V4_MSA),
    };
    int eq[6];

    if (m.vc == 'N' && m.vi == 'N' && m.va == 'N' && m.sc == 'N' && m.si == 'N' && m.sa == 'N')
        return 0;

    /* EQ1..EQ6 (specification Table 24) */
    if (m.av == 'N' && m.pr == 'N' && m.ui == 'N')
        eq[0] = 0;
    else if ((m.av == 'N' || m.pr == 'N' || m.ui == 'N') && m.av != 'P')
        eq[0] = 1;
    else
        eq[0] = 2;
    eq[1] = m.ac == 'L' && m.at == 'N' ? 0 : 1;
    if (m.vc == 'H' && m.vi == 'H')
        eq[2] = 0;
    else if (m.vc == 'H' || m.vi == 'H' || m.va == 'H')
        eq[2] = 1;
    else
        eq[2] = 2;
    if (m.msi == 'S' || m.msa == 'S')
        eq[3] = 0;
    else if (m.sc == 'H' || m.si == 'H' || m.sa == 'H')
        eq[3] = 1;
    else
        eq[3] = 2;
    eq[4] = m.e == 'A' ? 0 : m.e == 'P' ? 1 : 2;
    eq[5] = (m.cr == 'H' && m.vc == 'H') || (m.ir == 'H' && m.vi == 'H') ||
                            (m.ar == 'H' && m.va == 'H')
                    ? 0
                    : 1;

    double value = mv_value(eq);
    if (isnan(value))
        KS_BUG("cvss 4.0 macrovector without a score");

    /* 1a. next lower MacroVector of each EQ (EQ3 and EQ6 move together) */
    int lo[6];
    double lower[5];
    memcpy(lo, eq, sizeof(lo));
    lo[0]++;
    lower[0] = mv_value(lo);
    lo[0]--;
    lo[1]++;
    lower[1] = mv_value(lo);
    lo[1]--;
    if (eq[2] == 0 && eq[5] == 0) {
        lo[5]++;
        double left = mv_value(lo);
        lo[5]--;
        lo[2]++;
        double right = mv_value(lo);
        lo[2]--;
        lower[2] = left > right ? left : right;
    } else if (eq[2] == 1 && eq[5] == 0) {
        lo[5]++;
        lower[2] = mv_value(lo);
        lo[5]--;
    } else if (eq[5] == 1 && eq[2] <= 1) {
        lo[2]++;
        lower[2] = mv_value(lo);
        lo[2]--;
    } else {
        lo[2]++;
        lo[5]++;
        lower[2] = mv_value(lo);
        lo[2]--;
        lo[5]--;
    }
    lo[3]++;
    lower[3] = mv_value(lo);
    lo[3]--;
    lo[4]++;
    lower[4] = mv_value(lo);

    /* 1b. severity distance from the first highest-severity vector of this
     * MacroVector that is not below the scored vector */
    double d_av = 0, d_pr = 0, d_ui = 0, d_ac = 0, d_at = 0, d_vc = 0, d_vi = 0, d_va = 0;
    double d_sc = 0, d_si = 0, d_sa = 0, d_cr = 0, d_ir = 0, d_ar = 0;
    bool found = false;
    for (int a = 0; a < 3 && !found && eq1_max[eq[0]][a]; a++) {
        const char *x1 = eq1_max[eq[0]][a];
        for (int b = 0; b < 2 && !found && eq2_max[eq[1]][b]; b++) {
            const char *x2 = eq2_max[eq[1]][b];
            for (int k = 0; k < 5 && !found && eq3eq6_max[eq[2]][eq[5]][k]; k++) {
                const char *x3 = eq3eq6_max[eq[2]][eq[5]][k];
                const char *x4 = eq4_max[eq[3]];
                d_av = level(V4_AV, m.av) - level(V4_AV, x1[0]);
                d_pr = level(V4_PR, m.pr) - level(V4_PR, x1[1]);
                d_ui = level(V4_UI, m.ui) - level(V4_UI, x1[2]);
                d_ac = level(V4_AC, m.ac) - level(V4_AC, x2[0]);
                d_at = level(V4_AT, m.at) - level(V4_AT, x2[1]);
                d_vc = level(V4_VC, m.vc) - level(V4_VC, x3[0]);
                d_vi = level(V4_VI, m.vi) - level(V4_VI, x3[1]);
                d_va = level(V4_VA, m.va) - level(V4_VA, x3[2]);
                d_sc = level(V4_SC, m.sc) - level(V4_SC, x4[0]);
                d_si = level(V4_SI, m.si) - level(V4_SI, x4[1]);
                d_sa = level(V4_SA, m.sa) - level(V4_SA, x4[2]);
                d_cr = level(V4_CR, m.cr) - level(V4_CR, x3[3]);
                d_ir = level(V4_IR, m.ir) - level(V4_IR, x3[4]);
                d_ar = level(V4_AR, m.ar) - level(V4_AR, x3[5]);
                found = !(d_av < 0 || d_pr < 0 || d_ui < 0 || d_ac < 0 || d_at < 0 ||
                          d_vc < 0 || d_vi < 0 || d_va < 0 || d_sc < 0 || d_si < 0 ||
                          d_sa < 0 || d_cr < 0 || d_ir < 0 || d_ar < 0);
            }
        }
    }

    double dist[4] = {
            d_av + d_pr + d_ui,
            d_ac + d_at,
            d_vc + d_vi + d_va + d_cr + d_ir + d_ar,
            d_sc + d_si + d_sa,
    };
    double depth[4] = {
            eq1_depth[eq[0]] * 0.1,
            eq2_depth[eq[1]] * 0.1,
            eq3eq6_depth[eq[2]][eq[5]] * 0.1,
            eq4_depth[eq[3]] * 0.1,
    };

    /* 1c-d, 2. mean of the proportional distances over the EQs that have a
     * lower MacroVector (EQ5's proportion is always 0) */
    int n = 0;
    double sum = 0;
    for (int i = 0; i < 5; i++) {
        double available = value - lower[i];
        if (isnan(available))
            continue;
        n++;
        if (i < 4)
            sum += available * (dist[i] / depth[i]);
    }
    double mean = n ? sum / n : 0;

    /* 3. subtract, clamp, round half up to one decimal; the epsilon lifts
     * results that the arithmetic left one ulp below an x.x5 tie */
    value -= mean;
    if (value < 0)
        value = 0;
    if (value > 10)
        value = 10;
    return (int)floor((value + 1e-6) * 10 + 0.5);
}

static void compute(struct ks_cvss *c)
{
    switch (c->version) {
    case KS_CVSS_V2:
        c->base10 = c->score10 = score_v2(c);
        break;
    case KS_CVSS_V30:
    case KS_CVSS_V31:
        c->base10 = c->score10 = score_v3(c);
        break;
    case KS_CVSS_V40:
        c->base10 = score_v4(c, true);
        c->score10 = score_v4(c, false);
        break;
    }
}

/* ---- parsing ---- */

/* A printable, shortened copy of untrusted text for messages. */
static const char *shown(const char *s, size_t len, char *out, size_t cap)
{
    size_t n = 0;

    for (size_t i = 0; i < len && n + 4 < cap; i++)
        out[n++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
    if (n < len && n + 4 <= cap) {
        memcpy(out + n, "...", 3);
        n += 3;
    }
    out[n] = '\0';
    return out;
}

ks_err ks_cvss_parse(const char *vector, size_t len, struct ks_cvss *out, struct ks_diag *diag)
{
    char vs[96], cs[48];
    const struct version_def *d;
    const char *p, *end = vector + len;
    int last = -1;

    memset(out, 0, sizeof(*out));
    if (len > KS_CVSS_MAX_LEN)
        return ks_diag_set(diag, KS_ELIMIT, "cvss vector '%s': longer than %d bytes",
                           shown(vector, len, vs, sizeof(vs)), KS_CVSS_MAX_LEN);
    shown(vector, len, vs, sizeof(vs));
    if (len >= 9 && !memcmp(vector, "CVSS:", 5)) {
        if (!memcmp(vector, "CVSS:3.1/", 9))
            out->version = KS_CVSS_V31;
        else if (!memcmp(vector, "CVSS:3.0/", 9))
            out->version = KS_CVSS_V30;
        else if (!memcmp(vector, "CVSS:4.0/", 9))
            out->version = KS_CVSS_V40;
        else
            return ks_diag_set(diag, KS_EPARSE, "cvss vector '%s': unknown version prefix", vs);
        p = vector + 9;
    } else if (len >= 3 && !memcmp(vector, "AV:", 3)) {
        out->version = KS_CVSS_V2;
        p = vector;
    } else {
        return ks_diag_set(diag, KS_EPARSE,
                           "cvss vector '%s': expected 'CVSS:3.x/', 'CVSS:4.0/' or a v2 'AV:'",
                           vs);
    }
    d = &versions[out->version];

    for (;;) {
        const char *slash = memchr(p, '/', (size_t)(end - p));
        const char *comp_end = slash ? slash : end;
        const char *colon = memchr(p, ':', (size_t)(comp_end - p));
        int mi, vi;

        shown(p, (size_t)(comp_end - p), cs, sizeof(cs));
        if (comp_end == p)
            return ks_diag_set(diag, KS_EPARSE, "cvss vector '%s': empty component", vs);
        if (!colon)
            return ks_diag_set(diag, KS_EPARSE, "cvss vector '%s': component '%s' has no ':'",
                               vs, cs);
        mi = metric_index(d, p, (size_t)(colon - p));
        if (mi < 0)
            return ks_diag_set(diag, KS_EPARSE, "cvss vector '%s': unknown metric in '%s'", vs,
                               cs);
        if (out->val[mi])
            return ks_diag_set(diag, KS_EPARSE, "cvss vector '%s': metric '%s' repeated", vs,
                               d->metrics[mi].name);
        if (d->ordered && mi < last)
            return ks_diag_set(diag, KS_EPARSE,
                               "cvss vector '%s': metric '%s' out of the specification's order",
                               vs, d->metrics[mi].name);
        vi = value_index(d->metrics[mi].values, colon + 1, (size_t)(comp_end - colon - 1));
        if (!vi)
            return ks_diag_set(diag, KS_EPARSE, "cvss vector '%s': invalid value in '%s'", vs, cs);
        out->val[mi] = (uint8_t)vi;
        last = mi;
        if (!slash)
            break;
        p = slash + 1;
        if (p == end)
            return ks_diag_set(diag, KS_EPARSE, "cvss vector '%s': trailing '/'", vs);
    }
    for (size_t i = 0; i < d->n; i++)
        if (d->metrics[i].base && !out->val[i])
            return ks_diag_set(diag, KS_EPARSE, "cvss vector '%s': base metric '%s' missing", vs,
                               d->metrics[i].name);
    compute(out);
    return KS_OK;
}

ks_err ks_cvss_format(const struct ks_cvss *c, struct ks_buf *out)
{
    const struct version_def *d = &versions[c->version];
    ks_err err = ks_buf_adds(out, d->prefix);
    bool first = true;

    for (size_t i = 0; i < d->n && !err; i++) {
        if (!c->val[i])
            continue;
        err = ks_buf_addf(out, "%s%s:%s", first ? "" : "/", d->metrics[i].name,
                          d->metrics[i].values[c->val[i] - 1]);
        first = false;
    }
    return err;
}

const char *ks_cvss_get(const struct ks_cvss *c, const char *name)
{
    const struct version_def *d = &versions[c->version];
    int i = metric_index(d, name, strlen(name));

    if (i < 0 || !c->val[i])
        return NULL;
    return d->metrics[i].values[c->val[i] - 1];
}

ks_err ks_cvss_set(struct ks_cvss *c, const char *name, const char *value, struct ks_diag *diag)
{
    const struct version_def *d = &versions[c->version];
    int i = metric_index(d, name, strlen(name));
    int vi;

    if (i < 0)
        return ks_diag_set(diag, KS_EINVAL, "cvss %s has no metric '%s'", d->label, name);
    vi = value_index(d->metrics[i].values, value, strlen(value));
    if (!vi)
        return ks_diag_set(diag, KS_EINVAL, "cvss %s metric '%s' has no value '%s'", d->label,
                           name, value);
    c->val[i] = (uint8_t)vi;
    compute(c);
    return KS_OK;
}

const char *ks_cvss_version_str(enum ks_cvss_version v)
{
    return versions[v].label;
}

bool ks_cvss_version_parse(const char *s, enum ks_cvss_version *out)
{
    if (!strcmp(s, "2.0") || !strcmp(s, "2"))
        *out = KS_CVSS_V2;
    else if (!strcmp(s, "3.0"))
        *out = KS_CVSS_V30;
    else if (!strcmp(s, "3.1"))
        *out = KS_CVSS_V31;
    else if (!strcmp(s, "4.0") || !strcmp(s, "4"))
        *out = KS_CVSS_V40;
    else
        return false;
    return true;
}

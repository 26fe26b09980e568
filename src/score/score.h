/* score/score.h - severity and the kensa score of a finding.
 *
 * The kensa score is the environment-adjusted CVSS (Inspector's "Inspector
 * score"): the vendor's CVSS when the vendor scores, else NVD's; when the
 * resource is known to have no network path, a network attack vector is
 * lowered to adjacent and the score recomputed, each change listed. Without
 * any CVSS the vendor's own label gives the band; UNTRIAGED only when there
 * is neither.
 *
 * Pure functions; results point into the caller's arena or static tables;
 * thread-safe. */
#ifndef KS_SCORE_SCORE_H
#define KS_SCORE_SCORE_H

#include "core/arena.h"
#include "core/err.h"
#include "model/finding.h"
#include "score/cvss.h"

/* The band of a score in tenths (SPEC.md §3): 0 INFORMATIONAL, 1-39 LOW,
 * 40-69 MEDIUM, 70-89 HIGH, 90-100 CRITICAL. */
enum ks_severity ks_severity_from_score10(int score10);

/* "CRITICAL", "HIGH", ..., "UNTRIAGED". */
const char *ks_severity_name(enum ks_severity s);

/* "VENDOR_CVSS", "NVD_CVSS", "OTHER_CVSS", "VENDOR_LABEL", "KENSA_RULE", "NONE". */
const char *ks_score_basis_name(enum ks_score_basis b);

/* Parses a band name (case-insensitive). */
bool ks_severity_parse(const char *s, enum ks_severity *out);

/* Whose label a vendor severity is. */
enum ks_vendor_scale {
    KS_SCALE_DEBIAN = 0, /* tracker urgency: unimportant, low, medium, high (optionally "**") */
    KS_SCALE_UBUNTU,     /* priority: negligible, low, medium, high, critical, untriaged */
    KS_SCALE_ALAS,       /* Amazon: low, medium, important, critical (any case) */
    KS_SCALE_GHSA,       /* GitHub: LOW, MODERATE, HIGH, CRITICAL */
    KS_SCALE_GENERIC,    /* the band names themselves (OSV database_specific.severity, ...) */
};

/* Maps a vendor label to a band. Returns false for labels that carry no
 * severity ("not yet assigned", "end-of-life", "untriaged", unknown text),
 * so the caller can fall through to UNTRIAGED. */
bool ks_score_vendor_severity(enum ks_vendor_scale scale, const char *label,
                              enum ks_severity *out);

/* Whether the resource has a network path (from the network analysis or the
 * user's --no-network-path). */
enum ks_netpath {
    KS_NETPATH_UNKNOWN = 0, /* no adjustment */
    KS_NETPATH_YES,
    KS_NETPATH_NO,
};

struct ks_score_input {
    const struct ks_cvss_score *cvss; /* published scores, any order */
    size_t ncvss;
    enum ks_vendor_scale vendor_scale;
    const char *vendor_severity; /* may be NULL */
    enum ks_netpath netpath;
    const char *vendor_source;   /* who gives vendor_severity ("DEBIAN"), may be NULL */
};

/* The scale of a vendor label of `type` (vulndb severity types:
 * "debian-urgency", "Ubuntu", "vendor" = updateinfo/ALAS, "label" = OSV
 * database_specific.severity) from `source` ("GHSA", ...). */
enum ks_vendor_scale ks_score_scale_of(const char *source, const char *type);

/* Index of the CVSS entry the kensa score starts from, or -1: entries whose
 * vector does not parse are skipped; the vendor's CVSS (`vendor` set) wins,
 * else NVD's, else any other source's; within that, v3.1 > v3.0 > v4.0 >
 * v2.0 (v3.1 is the default score, as in the original service); ties keep
 * the first. */
int ks_score_select(const struct ks_cvss_score *cvss, size_t n);

/* Computes the kensa score and severity: fills `score` (strings and the
 * adjustment array allocated in `arena`; `basis`, `basis_source` and
 * `basis_reason` name the rule that decided: vendor CVSS, else NVD CVSS,
 * else another CVSS, else the vendor label, else UNTRIAGED) and `*severity`. Entries' `base10`
 * fields are not trusted: the score is recomputed from the vector.
 * KS_ENOMEM when the arena is exhausted; never fails on bad vectors (they are
 * skipped, see ks_score_select()). */
ks_err ks_score_compute(struct ks_arena *arena, const struct ks_score_input *in,
                        struct ks_kensa_score *score, enum ks_severity *severity);

/* Fills every entry's `base10` from its vector (-1 when it does not parse). */
void ks_score_fill_bases(struct ks_cvss_score *cvss, size_t n);

#endif

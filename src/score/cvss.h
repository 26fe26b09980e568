/* score/cvss.h - CVSS vector strings: strict parsing and base scores for
 * CVSS v2.0, v3.0, v3.1 and v4.0, exactly as the FIRST specifications
 * compute them (v3.1 Roundup, v3.0 round-up, v2 round-to-one-decimal, v4.0
 * MacroVector lookup with severity-distance interpolation).
 *
 * Scores are kept as integers in tenths (9.8 is 98) so that comparisons and
 * output never depend on floating-point printing.
 *
 * Pure functions on caller-owned structs; no allocation except in
 * ks_cvss_format(); thread-safe. */
#ifndef KS_SCORE_CVSS_H
#define KS_SCORE_CVSS_H

#include "core/buf.h"
#include "core/err.h"

enum ks_cvss_version {
    KS_CVSS_V2 = 0,
    KS_CVSS_V30,
    KS_CVSS_V31,
    KS_CVSS_V40,
};

/* Longest vector string accepted (a v4.0 vector with every metric is ~190). */
#define KS_CVSS_MAX_LEN 512
/* Most metrics of any version (v4.0 has 32). */
#define KS_CVSS_MAX_METRICS 32

/* A parsed vector: for each metric of its version, 0 when the vector does not
 * name it, else the 1-based index of its value in the specification's list. */
struct ks_cvss {
    enum ks_cvss_version version;
    uint8_t val[KS_CVSS_MAX_METRICS];
    int base10;  /* base score × 10 (base metrics only) */
    int score10; /* v4.0: score of every metric given (CVSS-B/-BT/-BE/-BTE, per
                  * the v4.0 nomenclature); v2/v3: equal to base10 */
};

/* Parses the `len` bytes of `vector` and computes its scores into `out`.
 *
 * Accepted forms: "CVSS:4.0/AV:N/...", "CVSS:3.1/...", "CVSS:3.0/..." and the
 * bare v2 form "AV:N/AC:L/Au:N/C:P/I:P/A:P". Strict: metric names and values
 * are case-sensitive and must be defined by the version; every base metric is
 * required; no metric may repeat; no empty component or trailing '/'; v2.0 and
 * v4.0 metrics must be in the specification's order (v3.x allows any order).
 * Temporal/threat, environmental and supplemental metrics are accepted and
 * kept; only v4.0 uses them in `score10`.
 *
 * Returns KS_OK, KS_EPARSE with a one-line reason naming the vector and the
 * offending component, or KS_ELIMIT when longer than KS_CVSS_MAX_LEN. */
ks_err ks_cvss_parse(const char *vector, size_t len, struct ks_cvss *out, struct ks_diag *diag);

/* Appends the canonical vector string of `c` (prefix, then the metrics it
 * names, in specification order) to `out`. */
ks_err ks_cvss_format(const struct ks_cvss *c, struct ks_buf *out);

/* The value code of metric `name` ("AV", "Au", "MSI", ...) in `c`, or NULL
 * when the vector does not name it or the version has no such metric.
 * Borrowed from static tables. */
const char *ks_cvss_get(const struct ks_cvss *c, const char *name);

/* Sets metric `name` to `value` and recomputes the scores. KS_EINVAL when the
 * version has no such metric or value. */
ks_err ks_cvss_set(struct ks_cvss *c, const char *name, const char *value, struct ks_diag *diag);

/* "2.0", "3.0", "3.1", "4.0". */
const char *ks_cvss_version_str(enum ks_cvss_version v);

/* Parses "2.0", "2", "3.0", "3.1", "4.0" (as feeds write it). */
bool ks_cvss_version_parse(const char *s, enum ks_cvss_version *out);

#endif

/* export/findings.h - findings reports: kensa JSON (docs/findings-schema.json),
 * SARIF 2.1.0, AWS Security Finding Format (ASFF), CSV (RFC 4180) and an
 * 80-column text table.
 *
 * Every writer appends to a caller-owned ks_buf and reads the findings
 * without changing them. Output is deterministic: findings are written in a
 * fixed order (severity, then kensa score, highest first; then vulnerability
 * id, package name, version, path and finding id), and nothing depends on
 * the clock unless the caller passes a time in the options.
 *
 * Errors: KS_ENOMEM, or KS_ELIMIT when `out`'s ceiling is reached (the
 * buffer then holds a partial document); ASFF also KS_EINVAL when a finding
 * has no first-observed time and `now` is NULL. Thread-safe on distinct
 * buffers. */
#ifndef KS_EXPORT_FINDINGS_H
#define KS_EXPORT_FINDINGS_H

#include "core/buf.h"
#include "core/err.h"
#include "model/finding.h"

/* Version of the kensa findings JSON schema (docs/findings-schema.md). */
#define KS_FINDINGS_SCHEMA_VERSION "1.1"

struct ks_export_opts {
    const char *tool_version; /* kensa version; NULL: "unknown" */
    const char *target;       /* what was scanned, as the user named it; may be NULL */
    /* ASFF only. A time is required by the format for CreatedAt/UpdatedAt
     * when a finding has no first/last observed time: `now` (RFC 3339). */
    const char *now;
    const char *aws_account_id; /* NULL: "000000000000" */
    const char *aws_region;     /* NULL: "us-east-1" */
    const char *product_arn;    /* NULL: arn:aws:securityhub:REGION:ACCOUNT:product/ACCOUNT/default */
    /* table only: columns (0: 80) and whether to use colour escapes */
    int width;
    bool color;
};

ks_err ks_export_findings_json(const struct ks_finding *f, size_t n,
                               const struct ks_export_opts *o, struct ks_buf *out);
/* One finding as a compact JSON object, exactly as it appears in the
 * "findings" array of the document above (the store keeps it as the
 * finding's body). */
ks_err ks_export_finding_json(const struct ks_finding *f, struct ks_buf *out);
/* The same without its description: `*text_at` is the byte offset (from
 * the object's '{') where `,"description":"…"` goes back in, which gives
 * exactly ks_export_finding_json()'s text. The store keeps descriptions
 * once per advisory this way (see store/store.h). */
ks_err ks_export_finding_json_apart(const struct ks_finding *f, struct ks_buf *out,
                                    size_t *text_at);
ks_err ks_export_findings_sarif(const struct ks_finding *f, size_t n,
                                const struct ks_export_opts *o, struct ks_buf *out);
ks_err ks_export_findings_asff(const struct ks_finding *f, size_t n,
                               const struct ks_export_opts *o, struct ks_buf *out);
/* Appends one CSV field (RFC 4180 quoting, spreadsheet formulas defused)
 * followed by ',' or, when `last`, CRLF. NULL is an empty field. */
ks_err ks_csv_field(struct ks_buf *b, const char *s, bool last);
ks_err ks_export_findings_csv(const struct ks_finding *f, size_t n,
                              const struct ks_export_opts *o, struct ks_buf *out);
ks_err ks_export_findings_table(const struct ks_finding *f, size_t n,
                                const struct ks_export_opts *o, struct ks_buf *out);

/* Names used by every format. */
const char *ks_finding_type_name(enum ks_finding_type t);     /* "PACKAGE_VULNERABILITY" */
const char *ks_finding_status_name(enum ks_finding_status s); /* "ACTIVE" */
const char *ks_fix_available_name(enum ks_fix_available f);   /* "YES" / "NO" / "PARTIAL" */

#endif

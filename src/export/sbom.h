/* export/sbom.h - inventories written as standard SBOMs (CycloneDX 1.6 JSON,
 * SPDX 2.3 JSON), as kensa's own inventory JSON, or as a table for people.
 *
 * Output is deterministic: components in the inventory's canonical order
 * (ks_inventory_sort), the CycloneDX serial number and the SPDX document
 * namespace derived from a hash of the content, and no timestamp unless one
 * is given (SPDX requires `created`: without a timestamp it is the epoch,
 * 1970-01-01T00:00:00Z). Extra facts without a standard field (file path,
 * image layer, source package, the OS package that installed a language
 * package) are `kensa:*` properties (CycloneDX) or
 * comments (SPDX). Thread-safe (no shared state). */
#ifndef KS_EXPORT_SBOM_H
#define KS_EXPORT_SBOM_H

#include "core/buf.h"
#include "core/err.h"
#include "model/finding.h"
#include "model/inventory.h"

enum ks_sbom_format {
    KS_SBOM_CYCLONEDX,
    KS_SBOM_SPDX,
    KS_SBOM_JSON,
    KS_SBOM_TABLE,
};

/* One entry of CycloneDX's `vulnerabilities` array (VEX style). */
struct ks_sbom_vuln {
    const struct ks_finding *finding;
    const char *vex_status;        /* OpenVEX word ("not_affected", "fixed") or NULL */
    const char *vex_justification; /* as the VEX document spells it, or NULL */
    const char *vex_detail;        /* or NULL */
};

struct ks_sbom_opts {
    enum ks_sbom_format format;
    const char *tool_version; /* "0.1.0" */
    const char *timestamp;    /* RFC 3339 UTC ("2024-01-02T03:04:05Z") or NULL */
};

/* Parses "cyclonedx", "spdx", "json", "table". KS_EINVAL otherwise. */
ks_err ks_sbom_format_parse(const char *name, enum ks_sbom_format *out);

/* Appends the document for `inv` to `out`. KS_ENOMEM only. */
ks_err ks_sbom_write(const struct ks_inventory *inv, const struct ks_sbom_opts *o,
                     struct ks_buf *out, struct ks_diag *diag);

ks_err ks_sbom_write_cyclonedx(const struct ks_inventory *inv, const struct ks_sbom_opts *o,
                               struct ks_buf *out);
/* CycloneDX with a `vulnerabilities` array of `vulns` (findings of a
 * scan), each affecting the component with the finding's purl and path
 * ("kensa:os" for END_OF_LIFE findings); ratings per CVSS source plus
 * kensa's own; `analysis` from VEX (not_affected → not_affected, fixed →
 * resolved, the justification mapped when CycloneDX has a counterpart, the
 * original words in `detail`). KS_ENOMEM only. */
ks_err ks_sbom_write_cyclonedx_vulns(const struct ks_inventory *inv, const struct ks_sbom_opts *o,
                                     const struct ks_sbom_vuln *vulns, size_t nvulns,
                                     struct ks_buf *out);
ks_err ks_sbom_write_spdx(const struct ks_inventory *inv, const struct ks_sbom_opts *o,
                          struct ks_buf *out);
ks_err ks_sbom_write_json(const struct ks_inventory *inv, const struct ks_sbom_opts *o,
                          struct ks_buf *out);
ks_err ks_sbom_write_table(const struct ks_inventory *inv, struct ks_buf *out);

/* Helpers shared by the writers (export/sbom.c). */
const char *ks_sbom_type_name(enum ks_pkg_type t); /* "deb", "npm", … */
const char *ks_sbom_kind_name(enum ks_target_kind k); /* "rootfs", "image", … */
/* A name-based UUID (version 5 layout) from a SHA-256 of the inventory's
 * content, as "xxxxxxxx-xxxx-5xxx-yxxx-xxxxxxxxxxxx" into `out` (37 bytes). */
void ks_sbom_content_uuid(const struct ks_inventory *inv, char out[37]);

#endif

/* match/vex.h - VEX statements from OpenVEX, CycloneDX VEX and CSAF VEX.
 *
 * A VEX document says, per vulnerability and product, whether the product
 * is affected. kensa reads the three common formats into one list of
 * statements (one per vulnerability × product purl) and applies them to
 * findings the way Trivy's and Grype's --vex do: `not_affected` and `fixed`
 * remove a finding, and the justification is shown.
 *
 * Format detection: OpenVEX has "@context" naming openvex; CycloneDX has
 * "bomFormat": "CycloneDX"; CSAF has document.category "csaf_vex". Products
 * must be identified by purl (OpenVEX product @id or identifiers.purl,
 * CycloneDX affects[].ref resolved through the document's components or a
 * purl itself, CSAF product_identification_helper.purl); products without a
 * purl cannot apply to a scan and are counted in `skipped`. */
#ifndef KS_MATCH_VEX_H
#define KS_MATCH_VEX_H

#include "core/arena.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/vec.h"
#include "formats/purl.h"

enum ks_vex_status {
    KS_VEX_NOT_AFFECTED,
    KS_VEX_AFFECTED,
    KS_VEX_FIXED,
    KS_VEX_UNDER_INVESTIGATION,
};

struct ks_vex_statement {
    const char *vuln_id;
    enum ks_vex_status status;
    const char *justification; /* as the document spells it, or NULL */
    const char *detail;        /* impact statement / analysis detail, or NULL */
    const char *product_text;  /* the product purl as written */
    struct ks_purl product;
    const char *source; /* the document's file name */
};

struct ks_vex {
    struct ks_arena arena;
    KS_VEC(struct ks_vex_statement) statements;
    size_t skipped; /* products without a usable purl */
};

void ks_vex_init(struct ks_vex *vex);
void ks_vex_release(struct ks_vex *vex);

/* Adds the statements of one VEX document (JSON) named `name`. Unknown
 * formats, bad statuses and bad purls are KS_EPARSE naming the file. */
ks_err ks_vex_load(struct ks_vex *vex, const char *name, const char *text, size_t len,
                   const struct ks_limits *lim, struct ks_diag *diag);

/* The statement about vulnerability `id` (or an alias) for the package with
 * purl `purl`, or NULL. When several apply, the last one loaded wins (later
 * documents supersede earlier ones). */
const struct ks_vex_statement *ks_vex_find(const struct ks_vex *vex, const char *id,
                                           const char *const *aliases, size_t naliases,
                                           const struct ks_purl *purl);

const char *ks_vex_status_name(enum ks_vex_status s);

#endif

#include "core/ks_common.h"

#include "match/vex.h"

#include "formats/json.h"

void ks_vex_init(struct ks_vex *vex)
{
    memset(vex, 0, sizeof(*vex));
    ks_arena_init(&vex->arena, 65536, 0);
}

void ks_vex_release(struct ks_vex *vex)
{
    KS_VEC_RELEASE(&vex->statements);
    ks_arena_release(&vex->arena);
}

const char *ks_vex_status_name(enum ks_vex_status s)
{
    switch (s) {
    case KS_VEX_NOT_AFFECTED:
        return "not_affected";
    case KS_VEX_AFFECTED:
        return "affected";
    case KS_VEX_FIXED:
        return "fixed";
    case KS_VEX_UNDER_INVESTIGATION:
        return "under_investigation";
    }
    return "unknown";
}

struct loader {
    struct ks_vex *vex;
    const char *name;
    struct ks_diag *diag;
};

static ks_err add(struct loader *l, const char *id, enum ks_vex_status status,
                  const char *justification, const char *detail, const char *purl)
{
    struct ks_vex_statement s;

    if (!id || !*id)
        return ks_diag_set(l->diag, KS_EPARSE, "'%s': statement without a vulnerability id",
                           l->name);
    if (!purl || strncmp(purl, "pkg:", 4)) {
        l->vex->skipped++;
        return KS_OK;
    }
    memset(&s, 0, sizeof(s));
    s.vuln_id = id;
    s.status = status;
    s.justification = justification;
    s.detail = detail;
    s.product_text = purl;
    s.source = l->name;
    if (ks_purl_parse(&l->vex->arena, purl, &s.product, NULL))
        return ks_diag_set(l->diag, KS_EPARSE, "'%s': '%s' (for %s) is not a valid package URL",
                           l->name, purl, id);
    return KS_VEC_PUSH(&l->vex->statements, s);
}

/* ---- OpenVEX (v0.0.1 and v0.2.0) ---- */

static bool openvex_status(const char *s, enum ks_vex_status *out)
{
    static const struct {
        const char *name;
        enum ks_vex_status st;
    } map[] = {{"not_affected", KS_VEX_NOT_AFFECTED},
               {"affected", KS_VEX_AFFECTED},
               {"fixed", KS_VEX_FIXED},
               {"under_investigation", KS_VEX_UNDER_INVESTIGATION}};

    for (size_t i = 0; s && i < KS_ARRAY_LEN(map); i++) {
        if (!strcmp(s, map[i].name)) {
            *out = map[i].st;
            return true;
        }
    }
    return false;
}

/* An OpenVEX product is a purl string (v0.0.1) or an object with "@id" and
 * optionally identifiers.purl and subcomponents (v0.2.0). */
static ks_err openvex_product(struct loader *l, const struct ks_value *prod, const char *id,
                              enum ks_vex_status st, const char *just, const char *detail)
{
    const char *purl = ks_value_str(prod);
    const struct ks_value *subs;
    ks_err err;

    if (!purl) {
        purl = ks_value_str(ks_value_path(prod, "identifiers.purl"));
        if (!purl)
            purl = ks_value_get_str(prod, "@id");
    }
    err = add(l, id, st, just, detail, purl);
    subs = ks_value_get(prod, "subcomponents");
    for (size_t i = 0; !err && i < ks_value_len(subs); i++)
        err = openvex_product(l, ks_value_at(subs, i), id, st, just, detail);
    return err;
}

static ks_err load_openvex(struct loader *l, const struct ks_value *doc)
{
    const struct ks_value *stmts = ks_value_get(doc, "statements");

    if (!ks_value_is(stmts, KS_VARRAY))
        return ks_diag_set(l->diag, KS_EPARSE, "'%s': OpenVEX document without 'statements'",
                           l->name);
    for (size_t i = 0; i < stmts->u.a.len; i++) {
        const struct ks_value *s = stmts->u.a.items[i];
        const struct ks_value *vuln = ks_value_get(s, "vulnerability");
        const struct ks_value *prods = ks_value_get(s, "products");
        const char *id = ks_value_str(vuln);
        const char *status = ks_value_get_str(s, "status");
        const char *detail = ks_value_get_str(s, "impact_statement");
        enum ks_vex_status st;

        if (!id)
            id = ks_value_get_str(vuln, "name");
        if (!openvex_status(status, &st))
            return ks_diag_set(l->diag, KS_EPARSE, "'%s': statement %zu: unknown status '%s'",
                               l->name, i + 1, status ? status : "(none)");
        if (!detail)
            detail = ks_value_get_str(s, "action_statement");
        for (size_t k = 0; k < ks_value_len(prods); k++) {
            ks_err err = openvex_product(l, ks_value_at(prods, k), id, st,
                                         ks_value_get_str(s, "justification"), detail);
            if (err)
                return err;
        }
    }
    return KS_OK;
}

/* ---- CycloneDX VEX (1.4+) ---- */

static bool cdx_state(const char *s, enum ks_vex_status *out)
{
    static const struct {
        const char *name;
        enum ks_vex_status st;
    } map[] = {{"not_affected", KS_VEX_NOT_AFFECTED},
               {"false_positive", KS_VEX_NOT_AFFECTED},
               {"resolved", KS_VEX_FIXED},
               {"resolved_with_pedigree", KS_VEX_FIXED},
               {"exploitable", KS_VEX_AFFECTED},
               {"in_triage", KS_VEX_UNDER_INVESTIGATION}};

    for (size_t i = 0; s && i < KS_ARRAY_LEN(map); i++) {
        if (!strcmp(s, map[i].name)) {
            *out = map[i].st;
            return true;
        }
    }
    return false;
}

/* An affects[].ref is a bom-ref of a component in this document (possibly
 * nested), a BOM-Link ("urn:cdx:…#bom-ref") or a purl. */
static const char *cdx_ref_purl(const struct ks_value *components, const char *ref)
{
    const char *hash;

    if (!ref)
        return NULL;
    if (!strncmp(ref, "pkg:", 4))
        return ref;
    hash = !strncmp(ref, "urn:cdx:", 8) ? strchr(ref, '#') : NULL;
    if (hash)
        ref = hash + 1;
    for (size_t i = 0; i < ks_value_len(components); i++) {
        const struct ks_value *c = ks_value_at(components, i);
        const char *purl;

        if (!strcmp(ks_value_get_str(c, "bom-ref") ? ks_value_get_str(c, "bom-ref") : "", ref))
            return ks_value_get_str(c, "purl");
        purl = cdx_ref_purl(ks_value_get(c, "components"), ref);
        if (purl && strncmp(ref, "pkg:", 4))
            return purl;
    }
    return !strncmp(ref, "pkg:", 4) ? ref : NULL;
}

static ks_err load_cyclonedx(struct loader *l, const struct ks_value *doc)
{
    const struct ks_value *vulns = ks_value_get(doc, "vulnerabilities");
    const struct ks_value *components = ks_value_get(doc, "components");

    for (size_t i = 0; i < ks_value_len(vulns); i++) {
        const struct ks_value *v = ks_value_at(vulns, i);
        const struct ks_value *analysis = ks_value_get(v, "analysis");
        const struct ks_value *affects = ks_value_get(v, "affects");
        const char *state = ks_value_get_str(analysis, "state");
        enum ks_vex_status st;

        if (!analysis)
            continue; /* a plain vulnerability report, not a VEX statement */
        if (!cdx_state(state, &st))
            return ks_diag_set(l->diag, KS_EPARSE,
                               "'%s': vulnerability %zu: unknown analysis state '%s'", l->name,
                               i + 1, state ? state : "(none)");
        for (size_t k = 0; k < ks_value_len(affects); k++) {
            const char *ref = ks_value_get_str(ks_value_at(affects, k), "ref");
            ks_err err = add(l, ks_value_get_str(v, "id"), st,
                             ks_value_get_str(analysis, "justification"),
                             ks_value_get_str(analysis, "detail"), cdx_ref_purl(components, ref));
            if (err)
                return err;
        }
    }
    return KS_OK;
}

/* ---- CSAF VEX (2.0) ---- */

/* Finds the purl of `pid` in the product tree: branches (nested) and
 * full_product_names carry products with product_identification_helper. */
static const char *csaf_find(const struct ks_value *node, const char *pid)
{
    const struct ks_value *prod = ks_value_get(node, "product");
    const struct ks_value *kids;
    const char *hit;

    if (prod && !strcmp(ks_value_get_str(prod, "product_id") ? ks_value_get_str(prod, "product_id")
                                                             : "",
                        pid))
        return ks_value_str(ks_value_path(prod, "product_identification_helper.purl"));
    kids = ks_value_get(node, "branches");
    for (size_t i = 0; i < ks_value_len(kids); i++) {
        hit = csaf_find(ks_value_at(kids, i), pid);
        if (hit)
            return hit;
    }
    return NULL;
}

static const char *csaf_purl(const struct ks_value *tree, const char *pid)
{
    const struct ks_value *names = ks_value_get(tree, "full_product_names");
    const struct ks_value *rels = ks_value_get(tree, "relationships");
    const char *hit = csaf_find(tree, pid);

    for (size_t i = 0; !hit && i < ks_value_len(names); i++) {
        const struct ks_value *n = ks_value_at(names, i);
        if (!strcmp(ks_value_get_str(n, "product_id") ? ks_value_get_str(n, "product_id") : "",
                    pid))
            hit = ks_value_str(ks_value_path(n, "product_identification_helper.purl"));
    }
    /* A relationship product ("component X as part of platform Y") stands
     * for its component. */
    for (size_t i = 0; !hit && i < ks_value_len(rels); i++) {
        const struct ks_value *r = ks_value_at(rels, i);
        const char *rid = ks_value_str(ks_value_path(r, "full_product_name.product_id"));
        const char *comp = ks_value_get_str(r, "product_reference");
        if (rid && comp && !strcmp(rid, pid) && strcmp(comp, pid))
            hit = csaf_purl(tree, comp);
    }
    return hit;
}

/* The justification flag or impact threat that names product `pid`. */
static const char *csaf_for_product(const struct ks_value *list, const char *field,
                                    const char *pid)
{
    for (size_t i = 0; i < ks_value_len(list); i++) {
        const struct ks_value *e = ks_value_at(list, i);
        const struct ks_value *ids = ks_value_get(e, "product_ids");
        for (size_t k = 0; k < ks_value_len(ids); k++)
            if (ks_value_str(ks_value_at(ids, k)) && !strcmp(ks_value_str(ks_value_at(ids, k)), pid))
                return ks_value_get_str(e, field);
    }
    return NULL;
}

static ks_err load_csaf(struct loader *l, const struct ks_value *doc)
{
    static const struct {
        const char *key;
        enum ks_vex_status st;
    } groups[] = {{"known_not_affected", KS_VEX_NOT_AFFECTED},
                  {"fixed", KS_VEX_FIXED},
                  {"known_affected", KS_VEX_AFFECTED},
                  {"under_investigation", KS_VEX_UNDER_INVESTIGATION}};
    const struct ks_value *tree = ks_value_get(doc, "product_tree");
    const struct ks_value *vulns = ks_value_get(doc, "vulnerabilities");

    for (size_t i = 0; i < ks_value_len(vulns); i++) {
        const struct ks_value *v = ks_value_at(vulns, i);
        const char *id = ks_value_get_str(v, "cve");

        if (!id)
            id = ks_value_get_str(ks_value_at(ks_value_get(v, "ids"), 0), "text");
        for (size_t g = 0; g < KS_ARRAY_LEN(groups); g++) {
            const struct ks_value *pids = ks_value_path(v, "product_status");

            pids = ks_value_get(pids, groups[g].key);
            for (size_t k = 0; k < ks_value_len(pids); k++) {
                const char *pid = ks_value_str(ks_value_at(pids, k));
                ks_err err;

                if (!pid)
                    continue;
                err = add(l, id, groups[g].st, csaf_for_product(ks_value_get(v, "flags"), "label", pid),
                          csaf_for_product(ks_value_get(v, "threats"), "details", pid),
                          csaf_purl(tree, pid));
                if (err)
                    return err;
            }
        }
    }
    return KS_OK;
}

ks_err ks_vex_load(struct ks_vex *vex, const char *name, const char *text, size_t len,
                   const struct ks_limits *lim, struct ks_diag *diag)
{
    struct loader l = {vex, NULL, diag};
    struct ks_value *doc;
    const char *ctx;
    ks_err err;

    l.name = ks_arena_strdup(&vex->arena, name);
    if (!l.name)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    err = ks_json_parse(&vex->arena, name, text, len, lim, &doc, diag);
    if (err)
        return err;
    ctx = ks_value_get_str(doc, "@context");
    if (ctx && strstr(ctx, "openvex"))
        err = load_openvex(&l, doc);
    else if (ks_value_get_str(doc, "bomFormat") &&
             !strcmp(ks_value_get_str(doc, "bomFormat"), "CycloneDX"))
        err = load_cyclonedx(&l, doc);
    else if (ks_value_str(ks_value_path(doc, "document.category")) &&
             !strcmp(ks_value_str(ks_value_path(doc, "document.category")), "csaf_vex"))
        err = load_csaf(&l, doc);
    else
        err = ks_diag_set(diag, KS_EPARSE,
                          "'%s': not a VEX document (OpenVEX, CycloneDX or CSAF VEX)", name);
    if (err == KS_ENOMEM)
        return ks_diag_set(diag, err, "out of memory");
    return err;
}

const struct ks_vex_statement *ks_vex_find(const struct ks_vex *vex, const char *id,
                                           const char *const *aliases, size_t naliases,
                                           const struct ks_purl *purl)
{
    for (size_t i = vex->statements.len; i-- > 0;) {
        const struct ks_vex_statement *s = &vex->statements.items[i];
        bool hit = !strcmp(s->vuln_id, id);

        for (size_t k = 0; !hit && k < naliases; k++)
            hit = !strcmp(s->vuln_id, aliases[k]);
        if (hit && purl && ks_purl_matches(&s->product, purl))
            return s;
    }
    return NULL;
}

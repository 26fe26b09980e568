/* export/sbom_cyclonedx.c - CycloneDX 1.6 JSON. */
#include "core/ks_common.h"

#include "export/sbom.h"

#include "core/map.h"
#include "formats/json.h"

static void prop(struct ks_jw *w, const char *name, const char *value)
{
    if (!value)
        return;
    ks_jw_obj_begin(w);
    ks_jw_kstr(w, "name", name);
    ks_jw_kstr(w, "value", value);
    ks_jw_obj_end(w);
}

static const char *scope_name(enum ks_dep_scope s)
{
    switch (s) {
    case KS_SCOPE_REQUIRED: return "required";
    case KS_SCOPE_OPTIONAL: return "optional";
    default: return NULL;
    }
}

/* Unique bom-refs: a repeated one gets "#2", "#3"… (deterministic, in
 * inventory order). refs[i] is component i's; the caller frees the array. */
static const char **unique_refs(const struct ks_inventory *inv, struct ks_buf *store)
{
    const char **refs = calloc(inv->components.len + 1, sizeof(*refs));
    struct ks_map seen = KS_MAP_INIT;
    size_t *offs = calloc(inv->components.len + 1, sizeof(*offs));
    bool fail = !refs || !offs;

    for (size_t i = 0; !fail && i < inv->components.len; i++) {
        const struct ks_component *c = &inv->components.items[i];
        const char *base = c->bom_ref ? c->bom_ref : c->purl ? c->purl : c->name;
        uintptr_t n = (uintptr_t)ks_map_get(&seen, base, strlen(base));
        offs[i] = store->len;
        fail |= ks_map_put(&seen, base, strlen(base), (void *)(n + 1)) != KS_OK;
        fail |= (n ? ks_buf_addf(store, "%s#%zu", base, (size_t)n + 1)
                   : ks_buf_adds(store, base)) != KS_OK;
        fail |= ks_buf_addc(store, '\0') != KS_OK;
    }
    for (size_t i = 0; !fail && i < inv->components.len; i++)
        refs[i] = store->ptr + offs[i];
    ks_map_release(&seen);
    free(offs);
    if (fail) {
        free(refs);
        return NULL;
    }
    return refs;
}

static const char *cdx_severity(enum ks_severity s)
{
    switch (s) {
    case KS_SEV_CRITICAL:
        return "critical";
    case KS_SEV_HIGH:
        return "high";
    case KS_SEV_MEDIUM:
        return "medium";
    case KS_SEV_LOW:
        return "low";
    case KS_SEV_INFORMATIONAL:
        return "info";
    default:
        return "unknown";
    }
}

/* CVSS qualitative rating of a base score (v3/v4 scale). */
static const char *band10(int s10)
{
    return s10 == 0   ? "none"
           : s10 < 40 ? "low"
           : s10 < 70 ? "medium"
           : s10 < 90 ? "high"
                      : "critical";
}

static const char *cdx_method(const char *version)
{
    if (!version)
        return "other";
    if (!strcmp(version, "2.0"))
        return "CVSSv2";
    if (!strcmp(version, "3.0"))
        return "CVSSv3";
    if (!strcmp(version, "3.1"))
        return "CVSSv31";
    if (!strcmp(version, "4.0"))
        return "CVSSv4";
    return "other";
}

/* OpenVEX / CSAF justification → CycloneDX impact justification, or NULL. */
static const char *cdx_justification(const char *j)
{
    static const char *const map[][2] = {
            {"component_not_present", "requires_dependency"},
            {"vulnerable_code_not_present", "code_not_present"},
            {"vulnerable_code_not_in_execute_path", "code_not_reachable"},
            {"vulnerable_code_cannot_be_controlled_by_adversary", "requires_environment"},
            {"inline_mitigations_already_exist", "protected_by_mitigating_control"},
            /* CycloneDX's own words pass through */
            {"code_not_present", "code_not_present"},
            {"code_not_reachable", "code_not_reachable"},
            {"requires_configuration", "requires_configuration"},
            {"requires_dependency", "requires_dependency"},
            {"requires_environment", "requires_environment"},
            {"protected_by_compiler", "protected_by_compiler"},
            {"protected_at_runtime", "protected_at_runtime"},
            {"protected_at_perimeter", "protected_at_perimeter"},
            {"protected_by_mitigating_control", "protected_by_mitigating_control"},
    };
    for (size_t i = 0; j && i < sizeof(map) / sizeof(map[0]); i++)
        if (!strcmp(j, map[i][0]))
            return map[i][1];
    return NULL;
}

static bool same_str(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

static void write_vuln(struct ks_jw *w, const struct ks_inventory *inv, const char **refs,
                       const struct ks_sbom_vuln *v)
{
    const struct ks_finding *f = v->finding;
    const char *ref = f->type == KS_FINDING_END_OF_LIFE ? "kensa:os" : "kensa:target";

    for (size_t i = 0; f->type != KS_FINDING_END_OF_LIFE && i < inv->components.len; i++)
        if (same_str(inv->components.items[i].purl, f->package.purl) &&
            same_str(inv->components.items[i].path, f->package.file_path)) {
            ref = refs[i];
            break;
        }
    ks_jw_obj_begin(w);
    ks_jw_kstr(w, "bom-ref", f->id);
    ks_jw_kstr(w, "id", f->vulnerability_id);
    ks_jw_key(w, "source");
    ks_jw_obj_begin(w);
    ks_jw_kstr_opt(w, "name", f->source);
    ks_jw_kstr_opt(w, "url", f->source_url);
    ks_jw_obj_end(w);
    if (f->naliases) {
        ks_jw_key(w, "references");
        ks_jw_arr_begin(w);
        for (size_t i = 0; i < f->naliases; i++) {
            ks_jw_obj_begin(w);
            ks_jw_kstr(w, "id", f->aliases[i]);
            ks_jw_key(w, "source");
            ks_jw_obj_begin(w);
            ks_jw_kstr(w, "name", !strncmp(f->aliases[i], "GHSA-", 5) ? "GHSA" : f->source);
            ks_jw_obj_end(w);
            ks_jw_obj_end(w);
        }
        ks_jw_arr_end(w);
    }
    ks_jw_key(w, "ratings");
    ks_jw_arr_begin(w);
    for (size_t i = 0; i < f->ncvss; i++) {
        const struct ks_cvss_score *c = &f->cvss[i];
        ks_jw_obj_begin(w);
        ks_jw_key(w, "source");
        ks_jw_obj_begin(w);
        ks_jw_kstr_opt(w, "name", c->source);
        ks_jw_obj_end(w);
        ks_jw_key(w, "score");
        ks_jw_real(w, c->base10 / 10.0);
        ks_jw_kstr(w, "severity", band10(c->base10));
        ks_jw_kstr(w, "method", cdx_method(c->version));
        ks_jw_kstr_opt(w, "vector", c->vector);
        if (c->vendor)
            ks_jw_kstr(w, "justification", "vendor of the package: its score is used");
        ks_jw_obj_end(w);
    }
    if (!f->ncvss && f->vendor_severity) {
        /* no CVSS: the vendor's own label, as published */
        ks_jw_obj_begin(w);
        ks_jw_key(w, "source");
        ks_jw_obj_begin(w);
        ks_jw_kstr_opt(w, "name", f->vendor_severity_source ? f->vendor_severity_source
                                                            : f->source);
        ks_jw_obj_end(w);
        ks_jw_kstr(w, "severity", f->score.basis == KS_BASIS_VENDOR_LABEL
                                          ? cdx_severity(f->severity)
                                          : "unknown");
        ks_jw_kstr(w, "method", "other");
        ks_jw_kstr(w, "justification", f->vendor_severity);
        ks_jw_obj_end(w);
    }
    ks_jw_obj_begin(w);
    ks_jw_key(w, "source");
    ks_jw_obj_begin(w);
    ks_jw_kstr(w, "name", "kensa");
    ks_jw_obj_end(w);
    if (f->score.scored) {
        ks_jw_key(w, "score");
        ks_jw_real(w, f->score.score10 / 10.0);
    }
    ks_jw_kstr(w, "severity", cdx_severity(f->severity));
    ks_jw_kstr(w, "method", f->score.scored ? cdx_method(f->score.version) : "other");
    if (f->score.scored)
        ks_jw_kstr_opt(w, "vector", f->score.vector);
    ks_jw_kstr_opt(w, "justification", f->score.basis_reason);
    ks_jw_obj_end(w);
    ks_jw_arr_end(w);
    ks_jw_kstr_opt(w, "description", f->title);
    ks_jw_kstr_opt(w, "detail", f->description);
    ks_jw_kstr_opt(w, "recommendation", f->package.fix_command);
    if (v->vex_status) {
        const char *j = cdx_justification(v->vex_justification);
        ks_jw_key(w, "analysis");
        ks_jw_obj_begin(w);
        ks_jw_kstr(w, "state", !strcmp(v->vex_status, "fixed") ? "resolved" : "not_affected");
        ks_jw_kstr_opt(w, "justification", j);
        if (v->vex_justification || v->vex_detail) {
            ks_jw_key(w, "detail");
            if (v->vex_justification && v->vex_detail) {
                struct ks_buf b = KS_BUF_INIT(0);
                ks_buf_addf(&b, "%s: %s", v->vex_justification, v->vex_detail);
                ks_jw_str(w, ks_buf_str(&b));
                ks_buf_release(&b);
            } else {
                ks_jw_str(w, v->vex_justification ? v->vex_justification : v->vex_detail);
            }
        }
        ks_jw_obj_end(w);
    }
    ks_jw_key(w, "affects");
    ks_jw_arr_begin(w);
    ks_jw_obj_begin(w);
    ks_jw_kstr(w, "ref", ref);
    if (f->package.version) {
        ks_jw_key(w, "versions");
        ks_jw_arr_begin(w);
        ks_jw_obj_begin(w);
        ks_jw_kstr(w, "version", f->package.version);
        ks_jw_kstr(w, "status", v->vex_status ? "unaffected" : "affected");
        ks_jw_obj_end(w);
        ks_jw_arr_end(w);
    }
    ks_jw_obj_end(w);
    ks_jw_arr_end(w);
    ks_jw_key(w, "properties");
    ks_jw_arr_begin(w);
    prop(w, "kensa:finding:type",
         f->type == KS_FINDING_END_OF_LIFE ? "END_OF_LIFE" : "PACKAGE_VULNERABILITY");
    prop(w, "kensa:path", f->package.file_path);
    ks_jw_arr_end(w);
    ks_jw_obj_end(w);
}

ks_err ks_sbom_write_cyclonedx(const struct ks_inventory *inv, const struct ks_sbom_opts *o,
                               struct ks_buf *out)
{
    return ks_sbom_write_cyclonedx_vulns(inv, o, NULL, 0, out);
}

/* vulns NULL: an SBOM without a vulnerabilities array. */
ks_err ks_sbom_write_cyclonedx_vulns(const struct ks_inventory *inv, const struct ks_sbom_opts *o,
                                     const struct ks_sbom_vuln *vulns, size_t nvulns,
                                     struct ks_buf *out)
{
    struct ks_jw w;
    struct ks_buf store = KS_BUF_INIT(0);
    const char **refs = unique_refs(inv, &store);
    char uuid[37], serial[64];
    bool any_deps = false;
    ks_err err;

    if (!refs) {
        ks_buf_release(&store);
        return KS_ENOMEM;
    }
    ks_sbom_content_uuid(inv, uuid);
    snprintf(serial, sizeof(serial), "urn:uuid:%s", uuid);
    ks_jw_init(&w, out, 2);
    ks_jw_obj_begin(&w);
    ks_jw_kstr(&w, "$schema", "http://cyclonedx.org/schema/bom-1.6.schema.json");
    ks_jw_kstr(&w, "bomFormat", "CycloneDX");
    ks_jw_kstr(&w, "specVersion", "1.6");
    ks_jw_kstr(&w, "serialNumber", serial);
    ks_jw_kint(&w, "version", 1);

    ks_jw_key(&w, "metadata");
    ks_jw_obj_begin(&w);
    ks_jw_kstr_opt(&w, "timestamp", o->timestamp);
    ks_jw_key(&w, "tools");
    ks_jw_obj_begin(&w);
    ks_jw_key(&w, "components");
    ks_jw_arr_begin(&w);
    ks_jw_obj_begin(&w);
    ks_jw_kstr(&w, "type", "application");
    ks_jw_kstr(&w, "name", "kensa");
    ks_jw_kstr_opt(&w, "version", o->tool_version);
    ks_jw_obj_end(&w);
    ks_jw_arr_end(&w);
    ks_jw_obj_end(&w);
    ks_jw_key(&w, "component");
    ks_jw_obj_begin(&w);
    ks_jw_kstr(&w, "bom-ref", "kensa:target");
    ks_jw_kstr(&w, "type", inv->target.kind == KS_TARGET_IMAGE ? "container" : "file");
    ks_jw_kstr(&w, "name", inv->target.name ? inv->target.name : "unknown");
    ks_jw_kstr_opt(&w, "purl", inv->target.purl);
    if (inv->target.digest && !strncmp(inv->target.digest, "sha256:", 7)) {
        ks_jw_key(&w, "hashes");
        ks_jw_arr_begin(&w);
        ks_jw_obj_begin(&w);
        ks_jw_kstr(&w, "alg", "SHA-256");
        ks_jw_kstr(&w, "content", inv->target.digest + 7);
        ks_jw_obj_end(&w);
        ks_jw_arr_end(&w);
    }
    ks_jw_key(&w, "properties");
    ks_jw_arr_begin(&w);
    prop(&w, "kensa:target:kind", ks_sbom_kind_name(inv->target.kind));
    prop(&w, "kensa:image:digest", inv->target.digest);
    prop(&w, "kensa:image:platform", inv->target.platform);
    for (size_t i = 0; i < inv->target.nlayers; i++)
        prop(&w, "kensa:image:layer", inv->target.layers[i].diff_id);
    ks_jw_arr_end(&w);
    ks_jw_obj_end(&w);
    ks_jw_obj_end(&w);

    ks_jw_key(&w, "components");
    ks_jw_arr_begin(&w);
    if (inv->distro.id) {
        ks_jw_obj_begin(&w);
        ks_jw_kstr(&w, "bom-ref", "kensa:os");
        ks_jw_kstr(&w, "type", "operating-system");
        ks_jw_kstr(&w, "name", inv->distro.id);
        ks_jw_kstr_opt(&w, "version", inv->distro.version_id);
        ks_jw_kstr_opt(&w, "description", inv->distro.pretty_name);
        ks_jw_obj_end(&w);
    }
    for (size_t i = 0; i < inv->components.len; i++) {
        const struct ks_component *c = &inv->components.items[i];
        const char *colon = c->type == KS_PKG_MAVEN && c->name ? strchr(c->name, ':') : NULL;

        ks_jw_obj_begin(&w);
        ks_jw_kstr(&w, "bom-ref", refs[i]);
        ks_jw_kstr(&w, "type", c->type == KS_PKG_KERNEL ? "operating-system" : "library");
        if (colon) {
            ks_jw_key(&w, "group");
            ks_jw_strn(&w, c->name, (size_t)(colon - c->name));
            ks_jw_kstr(&w, "name", colon + 1);
        } else {
            ks_jw_kstr(&w, "name", c->name ? c->name : "unknown");
        }
        ks_jw_kstr_opt(&w, "version", c->version);
        ks_jw_kstr_opt(&w, "scope", scope_name(c->scope));
        if (c->license) {
            ks_jw_key(&w, "licenses");
            ks_jw_arr_begin(&w);
            ks_jw_obj_begin(&w);
            ks_jw_key(&w, "license");
            ks_jw_obj_begin(&w);
            ks_jw_kstr(&w, "name", c->license);
            ks_jw_obj_end(&w);
            ks_jw_obj_end(&w);
            ks_jw_arr_end(&w);
        }
        ks_jw_kstr_opt(&w, "cpe", c->cpe);
        ks_jw_kstr_opt(&w, "purl", c->purl);
        ks_jw_key(&w, "properties");
        ks_jw_arr_begin(&w);
        prop(&w, "kensa:type", ks_sbom_type_name(c->type));
        prop(&w, "kensa:ecosystem", c->ecosystem);
        prop(&w, "kensa:arch", c->arch);
        prop(&w, "kensa:source_name", c->source_name);
        prop(&w, "kensa:source_version", c->source_version);
        prop(&w, "kensa:path", c->path);
        prop(&w, "kensa:layer", c->layer);
        prop(&w, "kensa:owner", c->owner);
        if (c->scope == KS_SCOPE_DEV)
            prop(&w, "kensa:scope", "dev");
        if (c->direct >= 0)
            prop(&w, "kensa:direct", c->direct ? "true" : "false");
        ks_jw_arr_end(&w);
        ks_jw_obj_end(&w);
        any_deps |= c->ndepends > 0;
    }
    ks_jw_arr_end(&w);

    if (any_deps) {
        ks_jw_key(&w, "dependencies");
        ks_jw_arr_begin(&w);
        for (size_t i = 0; i < inv->components.len; i++) {
            const struct ks_component *c = &inv->components.items[i];
            if (!c->ndepends || strcmp(refs[i], c->bom_ref ? c->bom_ref : ""))
                continue;
            ks_jw_obj_begin(&w);
            ks_jw_kstr(&w, "ref", refs[i]);
            ks_jw_key(&w, "dependsOn");
            ks_jw_arr_begin(&w);
            for (size_t k = 0; k < c->ndepends; k++) {
                bool dup = false;
                for (size_t j = 0; j < k; j++)
                    dup |= !strcmp(c->depends[j], c->depends[k]);
                if (!dup)
                    ks_jw_str(&w, c->depends[k]);
            }
            ks_jw_arr_end(&w);
            ks_jw_obj_end(&w);
        }
        ks_jw_arr_end(&w);
    }
    if (vulns) {
        ks_jw_key(&w, "vulnerabilities");
        ks_jw_arr_begin(&w);
        for (size_t i = 0; i < nvulns; i++)
            write_vuln(&w, inv, refs, &vulns[i]);
        ks_jw_arr_end(&w);
    }
    ks_jw_obj_end(&w);
    err = ks_jw_finish(&w);
    free(refs);
    ks_buf_release(&store);
    return err;
}

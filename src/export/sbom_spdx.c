/* export/sbom_spdx.c - SPDX 2.3 JSON. */
#include "core/ks_common.h"

#include "export/sbom.h"

#include "core/map.h"
#include "formats/json.h"

/* SPDX ids allow [A-Za-z0-9.-] only: "SPDXRef-Package-deb-libc6-2.36-9-deb12u4". */
static char *spdx_id(const struct ks_component *c)
{
    struct ks_buf b = KS_BUF_INIT(0);
    ks_err err = ks_buf_adds(&b, "SPDXRef-Package-");
    const char *parts[] = {ks_sbom_type_name(c->type), c->name, c->version};

    for (size_t p = 0; !err && p < KS_ARRAY_LEN(parts); p++) {
        if (!parts[p])
            continue;
        if (p)
            err = ks_buf_addc(&b, '-');
        for (const char *s = parts[p]; !err && *s; s++)
            err = ks_buf_addc(&b, (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
                                                  (*s >= '0' && *s <= '9') || *s == '.'
                                          ? *s
                                          : '-');
    }
    if (err) {
        ks_buf_release(&b);
        return NULL;
    }
    return ks_buf_detach(&b, NULL);
}

ks_err ks_sbom_write_spdx(const struct ks_inventory *inv, const struct ks_sbom_opts *o,
                          struct ks_buf *out)
{
    struct ks_jw w;
    struct ks_buf tmp = KS_BUF_INIT(0);
    struct ks_map seen = KS_MAP_INIT, byref = KS_MAP_INIT;
    size_t n = inv->components.len;
    char **ids = calloc(n + 1, sizeof(*ids)), **bases = calloc(n + 1, sizeof(*bases));
    char uuid[37];
    ks_err err = ids && bases ? KS_OK : KS_ENOMEM;

    /* Unique ids: a repeated one gets "-2", "-3"… in inventory order. */
    for (size_t i = 0; !err && i < n; i++) {
        uintptr_t k;
        bases[i] = spdx_id(&inv->components.items[i]);
        if (!bases[i]) {
            err = KS_ENOMEM;
            break;
        }
        k = (uintptr_t)ks_map_get(&seen, bases[i], strlen(bases[i]));
        err = ks_map_put(&seen, bases[i], strlen(bases[i]), (void *)(k + 1));
        if (!err && k) {
            struct ks_buf b = KS_BUF_INIT(0);
            err = ks_buf_addf(&b, "%s-%zu", bases[i], (size_t)k + 1);
            if (!err && !(ids[i] = ks_buf_detach(&b, NULL)))
                err = KS_ENOMEM;
            ks_buf_release(&b);
        } else if (!err) {
            ids[i] = bases[i];
        }
    }
    for (size_t i = 0; !err && i < n; i++) {
        const struct ks_component *c = &inv->components.items[i];
        if (c->bom_ref && !ks_map_get(&byref, c->bom_ref, strlen(c->bom_ref)))
            err = ks_map_put(&byref, c->bom_ref, strlen(c->bom_ref), ids[i]);
    }
    if (err)
        goto done;

    ks_sbom_content_uuid(inv, uuid);
    ks_jw_init(&w, out, 2);
    ks_jw_obj_begin(&w);
    ks_jw_kstr(&w, "spdxVersion", "SPDX-2.3");
    ks_jw_kstr(&w, "dataLicense", "CC0-1.0");
    ks_jw_kstr(&w, "SPDXID", "SPDXRef-DOCUMENT");
    ks_jw_kstr(&w, "name", inv->target.name ? inv->target.name : "unknown");
    ks_buf_reset(&tmp);
    ks_buf_addf(&tmp, "https://kensa.invalid/spdx/%s/%s", ks_sbom_kind_name(inv->target.kind),
                uuid);
    ks_jw_kstr(&w, "documentNamespace", ks_buf_str(&tmp));
    ks_jw_key(&w, "creationInfo");
    ks_jw_obj_begin(&w);
    ks_jw_kstr(&w, "created", o->timestamp ? o->timestamp : "1970-01-01T00:00:00Z");
    ks_jw_key(&w, "creators");
    ks_jw_arr_begin(&w);
    ks_buf_reset(&tmp);
    ks_buf_addf(&tmp, "Tool: kensa-%s", o->tool_version ? o->tool_version : "unknown");
    ks_jw_str(&w, ks_buf_str(&tmp));
    ks_jw_arr_end(&w);
    ks_jw_obj_end(&w);
    ks_jw_key(&w, "documentDescribes");
    ks_jw_arr_begin(&w);
    ks_jw_str(&w, "SPDXRef-Target");
    ks_jw_arr_end(&w);

    ks_jw_key(&w, "packages");
    ks_jw_arr_begin(&w);
    /* The target itself. */
    ks_jw_obj_begin(&w);
    ks_jw_kstr(&w, "SPDXID", "SPDXRef-Target");
    ks_jw_kstr(&w, "name", inv->target.name ? inv->target.name : "unknown");
    ks_jw_kstr(&w, "downloadLocation", "NOASSERTION");
    ks_jw_kbool(&w, "filesAnalyzed", false);
    ks_jw_kstr(&w, "primaryPackagePurpose",
               inv->target.kind == KS_TARGET_IMAGE ? "CONTAINER" : "FILE");
    if (inv->target.digest && !strncmp(inv->target.digest, "sha256:", 7)) {
        ks_jw_key(&w, "checksums");
        ks_jw_arr_begin(&w);
        ks_jw_obj_begin(&w);
        ks_jw_kstr(&w, "algorithm", "SHA256");
        ks_jw_kstr(&w, "checksumValue", inv->target.digest + 7);
        ks_jw_obj_end(&w);
        ks_jw_arr_end(&w);
    }
    if (inv->distro.pretty_name || inv->distro.id) {
        ks_buf_reset(&tmp);
        ks_buf_addf(&tmp, "operating system: %s %s", inv->distro.id ? inv->distro.id : "",
                    inv->distro.version_id ? inv->distro.version_id : "");
        ks_jw_kstr(&w, "comment", ks_buf_str(&tmp));
    }
    if (inv->target.purl) {
        ks_jw_key(&w, "externalRefs");
        ks_jw_arr_begin(&w);
        ks_jw_obj_begin(&w);
        ks_jw_kstr(&w, "referenceCategory", "PACKAGE-MANAGER");
        ks_jw_kstr(&w, "referenceType", "purl");
        ks_jw_kstr(&w, "referenceLocator", inv->target.purl);
        ks_jw_obj_end(&w);
        ks_jw_arr_end(&w);
    }
    ks_jw_obj_end(&w);
    for (size_t i = 0; i < inv->components.len; i++) {
        const struct ks_component *c = &inv->components.items[i];
        ks_jw_obj_begin(&w);
        ks_jw_kstr(&w, "SPDXID", ids[i]);
        ks_jw_kstr(&w, "name", c->name ? c->name : "unknown");
        ks_jw_kstr_opt(&w, "versionInfo", c->version);
        ks_jw_kstr(&w, "downloadLocation", "NOASSERTION");
        ks_jw_kbool(&w, "filesAnalyzed", false);
        ks_jw_kstr(&w, "licenseConcluded", "NOASSERTION");
        ks_jw_kstr(&w, "licenseDeclared", "NOASSERTION");
        if (c->license) {
            ks_buf_reset(&tmp);
            ks_buf_addf(&tmp, "declared license: %s", c->license);
            ks_jw_kstr(&w, "licenseComments", ks_buf_str(&tmp));
        }
        ks_jw_kstr(&w, "copyrightText", "NOASSERTION");
        if (c->source_name && c->name && strcmp(c->source_name, c->name)) {
            ks_buf_reset(&tmp);
            ks_buf_addf(&tmp, "built package from: %s %s", c->source_name,
                        c->source_version ? c->source_version : "");
            ks_jw_kstr(&w, "sourceInfo", ks_buf_str(&tmp));
        }
        ks_jw_kstr(&w, "primaryPackagePurpose",
                   c->type == KS_PKG_KERNEL ? "OPERATING-SYSTEM" : "LIBRARY");
        if (c->purl || c->cpe) {
            ks_jw_key(&w, "externalRefs");
            ks_jw_arr_begin(&w);
            if (c->purl) {
                ks_jw_obj_begin(&w);
                ks_jw_kstr(&w, "referenceCategory", "PACKAGE-MANAGER");
                ks_jw_kstr(&w, "referenceType", "purl");
                ks_jw_kstr(&w, "referenceLocator", c->purl);
                ks_jw_obj_end(&w);
            }
            if (c->cpe) {
                ks_jw_obj_begin(&w);
                ks_jw_kstr(&w, "referenceCategory", "SECURITY");
                ks_jw_kstr(&w, "referenceType", "cpe23Type");
                ks_jw_kstr(&w, "referenceLocator", c->cpe);
                ks_jw_obj_end(&w);
            }
            ks_jw_arr_end(&w);
        }
        ks_buf_reset(&tmp);
        if (c->path)
            ks_buf_addf(&tmp, "path: %s", c->path);
        if (c->layer)
            ks_buf_addf(&tmp, "%slayer: %s", tmp.len ? "; " : "", c->layer);
        if (tmp.len)
            ks_jw_kstr(&w, "comment", ks_buf_str(&tmp));
        ks_jw_obj_end(&w);
    }
    ks_jw_arr_end(&w);

    ks_jw_key(&w, "relationships");
    ks_jw_arr_begin(&w);
    ks_jw_obj_begin(&w);
    ks_jw_kstr(&w, "spdxElementId", "SPDXRef-DOCUMENT");
    ks_jw_kstr(&w, "relationshipType", "DESCRIBES");
    ks_jw_kstr(&w, "relatedSpdxElement", "SPDXRef-Target");
    ks_jw_obj_end(&w);
    for (size_t i = 0; i < inv->components.len; i++) {
        ks_jw_obj_begin(&w);
        ks_jw_kstr(&w, "spdxElementId", "SPDXRef-Target");
        ks_jw_kstr(&w, "relationshipType", "CONTAINS");
        ks_jw_kstr(&w, "relatedSpdxElement", ids[i]);
        ks_jw_obj_end(&w);
    }
    /* A language package installed by an OS package (pkg/owned.h): the OS
     * package CONTAINS it. */
    for (size_t i = 0; i < inv->components.len; i++) {
        const struct ks_component *c = &inv->components.items[i];
        const char *owner = c->owner ? ks_map_get(&byref, c->owner, strlen(c->owner)) : NULL;
        const char *bang = c->path ? strstr(c->path, "!/") : NULL;
        if (!owner)
            continue;
        ks_jw_obj_begin(&w);
        ks_jw_kstr(&w, "spdxElementId", owner);
        ks_jw_kstr(&w, "relationshipType", "CONTAINS");
        ks_jw_kstr(&w, "relatedSpdxElement", ids[i]);
        ks_buf_reset(&tmp);
        /* the installed file: for a member of an archive, the archive */
        ks_buf_addf(&tmp, "installed by this OS package: its file list includes %.*s",
                    (int)(bang ? (size_t)(bang - c->path) : strlen(c->path ? c->path : "?")),
                    c->path ? c->path : "?");
        ks_jw_kstr(&w, "comment", ks_buf_str(&tmp));
        ks_jw_obj_end(&w);
    }
    for (size_t i = 0; i < inv->components.len; i++) {
        const struct ks_component *c = &inv->components.items[i];
        for (size_t k = 0; k < c->ndepends; k++) {
            const char *to = ks_map_get(&byref, c->depends[k], strlen(c->depends[k]));
            bool dup = false;
            for (size_t j = 0; j < k; j++)
                dup |= !strcmp(c->depends[j], c->depends[k]);
            if (!to || dup)
                continue;
            ks_jw_obj_begin(&w);
            ks_jw_kstr(&w, "spdxElementId", ids[i]);
            ks_jw_kstr(&w, "relationshipType", "DEPENDS_ON");
            ks_jw_kstr(&w, "relatedSpdxElement", to);
            ks_jw_obj_end(&w);
        }
    }
    ks_jw_arr_end(&w);
    ks_jw_obj_end(&w);
    err = ks_jw_finish(&w);
done:
    for (size_t i = 0; ids && bases && i < n; i++) {
        if (ids[i] != bases[i])
            free(ids[i]);
        free(bases[i]);
    }
    free(ids);
    free(bases);
    ks_map_release(&seen);
    ks_map_release(&byref);
    ks_buf_release(&tmp);
    return err;
}

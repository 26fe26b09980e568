/* export/sbom_json.c - kensa's own inventory JSON (every field of the model)
 * and the `table` format for people. */
#include "core/ks_common.h"

#include "export/sbom.h"

#include "core/map.h"
#include "formats/json.h"

static const char *scope_name(enum ks_dep_scope s)
{
    switch (s) {
    case KS_SCOPE_REQUIRED: return "required";
    case KS_SCOPE_OPTIONAL: return "optional";
    case KS_SCOPE_DEV: return "dev";
    default: return NULL;
    }
}

ks_err ks_sbom_write_json(const struct ks_inventory *inv, const struct ks_sbom_opts *o,
                          struct ks_buf *out)
{
    struct ks_jw w;

    ks_jw_init(&w, out, 2);
    ks_jw_obj_begin(&w);
    ks_jw_kstr(&w, "kensa_inventory", "1");
    ks_jw_kstr_opt(&w, "generated", o->timestamp);
    ks_jw_key(&w, "target");
    ks_jw_obj_begin(&w);
    ks_jw_kstr(&w, "kind", ks_sbom_kind_name(inv->target.kind));
    ks_jw_kstr_opt(&w, "name", inv->target.name);
    ks_jw_kstr_opt(&w, "digest", inv->target.digest);
    ks_jw_kstr_opt(&w, "platform", inv->target.platform);
    ks_jw_kstr_opt(&w, "purl", inv->target.purl);
    if (inv->target.nlayers) {
        ks_jw_key(&w, "layers");
        ks_jw_arr_begin(&w);
        for (size_t i = 0; i < inv->target.nlayers; i++) {
            const struct ks_layer *l = &inv->target.layers[i];
            ks_jw_obj_begin(&w);
            ks_jw_kstr_opt(&w, "digest", l->digest);
            ks_jw_kstr_opt(&w, "diff_id", l->diff_id);
            ks_jw_kstr_opt(&w, "created_by", l->created_by);
            ks_jw_obj_end(&w);
        }
        ks_jw_arr_end(&w);
    }
    ks_jw_obj_end(&w);
    ks_jw_key(&w, "distro");
    if (inv->distro.id) {
        ks_jw_obj_begin(&w);
        ks_jw_kstr(&w, "id", inv->distro.id);
        ks_jw_kstr_opt(&w, "version_id", inv->distro.version_id);
        ks_jw_kstr_opt(&w, "codename", inv->distro.codename);
        ks_jw_kstr_opt(&w, "pretty_name", inv->distro.pretty_name);
        ks_jw_kstr_opt(&w, "source", inv->distro.source);
        ks_jw_obj_end(&w);
    } else {
        ks_jw_null(&w);
    }
    ks_jw_key(&w, "components");
    ks_jw_arr_begin(&w);
    for (size_t i = 0; i < inv->components.len; i++) {
        const struct ks_component *c = &inv->components.items[i];
        ks_jw_obj_begin(&w);
        ks_jw_kstr(&w, "type", ks_sbom_type_name(c->type));
        ks_jw_kstr_opt(&w, "name", c->name);
        ks_jw_kstr_opt(&w, "version", c->version);
        ks_jw_kstr_opt(&w, "ecosystem", c->ecosystem);
        ks_jw_kstr_opt(&w, "purl", c->purl);
        ks_jw_kstr_opt(&w, "cpe", c->cpe);
        ks_jw_kstr_opt(&w, "arch", c->arch);
        ks_jw_kstr_opt(&w, "source_name", c->source_name);
        ks_jw_kstr_opt(&w, "source_version", c->source_version);
        ks_jw_kstr_opt(&w, "license", c->license);
        ks_jw_kstr_opt(&w, "path", c->path);
        ks_jw_kstr_opt(&w, "layer", c->layer);
        ks_jw_kstr_opt(&w, "bom_ref", c->bom_ref);
        ks_jw_kstr_opt(&w, "owner", c->owner);
        ks_jw_kstr_opt(&w, "scope", scope_name(c->scope));
        if (c->direct >= 0)
            ks_jw_kbool(&w, "direct", c->direct != 0);
        if (c->ndepends) {
            ks_jw_key(&w, "depends");
            ks_jw_arr_begin(&w);
            for (size_t k = 0; k < c->ndepends; k++)
                ks_jw_str(&w, c->depends[k]);
            ks_jw_arr_end(&w);
        }
        ks_jw_obj_end(&w);
    }
    ks_jw_arr_end(&w);
    ks_jw_key(&w, "notes");
    ks_jw_arr_begin(&w);
    for (size_t i = 0; i < inv->notes.len; i++) {
        ks_jw_obj_begin(&w);
        ks_jw_kstr_opt(&w, "path", inv->notes.items[i].path);
        ks_jw_kstr(&w, "message", inv->notes.items[i].message);
        ks_jw_obj_end(&w);
    }
    ks_jw_arr_end(&w);
    ks_jw_obj_end(&w);
    return ks_jw_finish(&w);
}

static const char *or_dash(const char *s)
{
    return s && *s ? s : "-";
}

/* The name of the OS package with bom-ref `ref` (an owner), or "-". */
static const char *owner_name(const struct ks_map *names, const char *ref)
{
    const char *n = ref ? ks_map_get(names, ref, strlen(ref)) : NULL;
    return n ? n : "-";
}

ks_err ks_sbom_write_table(const struct ks_inventory *inv, struct ks_buf *out)
{
    size_t wn = 4, wv = 7, wt = 4, wo = 0;
    struct ks_map names = KS_MAP_INIT; /* bom-ref → name, when a component has an owner */
    ks_err err = KS_OK;

    for (size_t i = 0; i < inv->components.len; i++) {
        const struct ks_component *c = &inv->components.items[i];
        wn = KS_MAX(wn, strlen(or_dash(c->name)));
        wv = KS_MAX(wv, strlen(or_dash(c->version)));
        wt = KS_MAX(wt, strlen(ks_sbom_type_name(c->type)));
        wo |= c->owner != NULL;
    }
    /* An OWNER column (the OS package that installed a language package)
     * only when there is one. */
    for (size_t i = 0; wo && !err && i < inv->components.len; i++) {
        const struct ks_component *c = &inv->components.items[i];
        if (c->bom_ref && c->name && !ks_map_get(&names, c->bom_ref, strlen(c->bom_ref)))
            err = ks_map_put(&names, c->bom_ref, strlen(c->bom_ref), (void *)(uintptr_t)c->name);
    }
    for (size_t i = 0; wo && i < inv->components.len; i++)
        wo = KS_MAX(wo, strlen(owner_name(&names, inv->components.items[i].owner)));
    wo = wo ? KS_MAX(KS_MIN(wo, (size_t)32), (size_t)5) : 0;
    wn = KS_MIN(wn, (size_t)48);
    wv = KS_MIN(wv, (size_t)40);
    if (!err && inv->distro.id)
        err = ks_buf_addf(out, "OS: %s %s\n", inv->distro.id, or_dash(inv->distro.version_id));
    if (!err)
        err = ks_buf_addf(out, "%-*s  %-*s  %-*s  %-*s%s%s\n", (int)wn, "NAME", (int)wv,
                          "VERSION", (int)wt, "TYPE", (int)wo, wo ? "OWNER" : "",
                          wo ? "  " : "", inv->target.nlayers ? "LAYER" : "PATH");
    for (size_t i = 0; !err && i < inv->components.len; i++) {
        const struct ks_component *c = &inv->components.items[i];
        const char *where = inv->target.nlayers ? or_dash(c->layer) : or_dash(c->path);
        if (inv->target.nlayers && !strncmp(where, "sha256:", 7))
            where += 7;
        err = ks_buf_addf(out, "%-*s  %-*s  %-*s  %-*.*s%s%.*s\n", (int)wn, or_dash(c->name),
                          (int)wv, or_dash(c->version), (int)wt, ks_sbom_type_name(c->type),
                          (int)wo, (int)wo, wo ? owner_name(&names, c->owner) : "",
                          wo ? "  " : "", inv->target.nlayers ? 12 : 200, where);
    }
    ks_map_release(&names);
    if (!err)
        err = ks_buf_addf(out, "%zu components", inv->components.len);
    if (!err && inv->notes.len)
        err = ks_buf_addf(out, ", %zu notes (see --format json)", inv->notes.len);
    if (!err)
        err = ks_buf_addc(out, '\n');
    return err;
}

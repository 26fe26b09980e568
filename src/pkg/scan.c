#include "core/ks_common.h"

#include "pkg/scan.h"

#include "core/map.h"
#include "core/buf.h"
#include "core/str.h"
#include "formats/purl.h"
#include "ingest/image.h"
#include "ingest/walk.h"
#include "pkg/inventory.h"
#include "formats/purl.h"
#include "pkg/lang/lang.h"
#include "pkg/owned.h"
#include "pkg/registry.h"

struct scan {
    struct ks_inventory *inv;
    const struct ks_limits *lim;
    uint64_t files;
    const struct ks_progress *progress;
};

static bool scan_wants(void *ctx, const char *path, unsigned mode)
{
    KS_UNUSED(ctx);
    for (size_t i = 0; i < ks_collector_count(); i++)
        if (ks_collector_at(i)->wants(path, mode))
            return true;
    return false;
}

/* Only collectors that read parts (ELF binaries) want this file? */
static bool scan_parts(void *ctx, const char *path, unsigned mode)
{
    KS_UNUSED(ctx);
    for (size_t i = 0; i < ks_collector_count(); i++) {
        const struct ks_collector *col = ks_collector_at(i);
        if (!ks_lang_reads_parts(col) && col->wants(path, mode))
            return false;
    }
    return true;
}

/* A file read in parts holds nothing when the collectors that read it find
 * no component and have nothing to note (images keep such files as
 * "present" only). The few binaries that do hold something are parsed again
 * when the layers are merged. */
static bool scan_barren(void *vctx, const struct ks_walk_file *f, const char *data, size_t len)
{
    struct scan *s = vctx;
    struct ks_inventory tmp;
    struct ks_blob mem;
    bool barren = true;

    ks_blob_memory(&mem, data, len);
    ks_inventory_init(&tmp);
    for (size_t i = 0; barren && i < ks_collector_count(); i++) {
        const struct ks_collector *col = ks_collector_at(i);
        struct ks_collect_ctx ctx = {&tmp, f->path, f->layer, s->lim, &mem};
        struct ks_diag d = KS_DIAG_INIT;

        if (!ks_lang_reads_parts(col) || !col->wants(f->path, f->mode))
            continue;
        barren = col->parse(&ctx, data, len, &d) == KS_OK && !tmp.components.len &&
                 !tmp.notes.len;
    }
    ks_inventory_release(&tmp);
    return barren;
}

static bool scan_nested(void *ctx, const char *path)
{
    KS_UNUSED(ctx);
    return ks_pkg_wants_nested(path);
}

static void scan_skipped(void *ctx, const char *path, const char *why)
{
    struct scan *s = ctx;
    ks_inventory_note(s->inv, path, "not read: %s", why);
}

static const char *comp_key(struct ks_arena *a, const struct ks_component *c)
{
    return ks_arena_printf(a, "%d|%s|%s|%s", (int)c->type, c->name ? c->name : "",
                           c->version ? c->version : "", c->arch ? c->arch : "");
}

/* Credits components [from, to) of inv to the oldest layer they are
 * present in without interruption (see scan.h). */
static ks_err attribute(struct ks_inventory *inv, const struct ks_collector *col, size_t from,
                        size_t to, const struct ks_walk_file *f, const struct ks_limits *lim)
{
    bool *alive = calloc(to - from, sizeof(*alive));
    size_t nalive = to - from;
    ks_err err = KS_OK;

    if (!alive)
        return KS_ENOMEM;
    for (size_t i = 0; i < to - from; i++)
        alive[i] = true;
    for (size_t k = f->nhistory; k-- > 0 && nalive;) {
        const struct ks_walk_version *v = &f->history[k];
        struct ks_inventory tmp;
        struct ks_map keys = KS_MAP_INIT;
        struct ks_diag d = KS_DIAG_INIT;
        struct ks_collect_ctx ctx = {NULL, f->path, v->layer, lim, NULL};

        if (!v->data)
            break; /* deleted in that layer: whatever is there now came later */
        ks_inventory_init(&tmp);
        ctx.inv = &tmp;
        if (col->parse(&ctx, v->data, v->len, &d) == KS_ENOMEM) {
            err = KS_ENOMEM;
        } else {
            for (size_t i = 0; !err && i < tmp.components.len; i++) {
                const char *key = comp_key(&tmp.arena, &tmp.components.items[i]);
                if (!key || ks_map_put(&keys, key, strlen(key), (void *)(uintptr_t)key))
                    err = KS_ENOMEM;
            }
            for (size_t i = 0; !err && i < to - from; i++) {
                struct ks_component *c = &inv->components.items[from + i];
                const char *key;
                if (!alive[i])
                    continue;
                key = comp_key(&tmp.arena, c);
                if (!key) {
                    err = KS_ENOMEM;
                } else if (ks_map_get(&keys, key, strlen(key))) {
                    c->layer = ks_inventory_str(inv, v->layer);
                } else {
                    alive[i] = false;
                    nalive--;
                }
            }
        }
        ks_map_release(&keys);
        ks_inventory_release(&tmp);
        if (err)
            break;
    }
    free(alive);
    return err;
}

static ks_err offer(struct scan *s, const struct ks_walk_file *f, const char *data, size_t len,
                    struct ks_diag *diag)
{
    struct ks_inventory *inv = s->inv;
    struct ks_blob mem;
    const struct ks_blob *blob = f->blob;

    if (!blob) {
        ks_blob_memory(&mem, data, len);
        blob = &mem;
    }
    for (size_t i = 0; i < ks_collector_count(); i++) {
        const struct ks_collector *col = ks_collector_at(i);
        struct ks_collect_ctx ctx = {inv, f->path, f->layer, s->lim, blob};
        struct ks_diag d = KS_DIAG_INIT;
        size_t before = inv->components.len;
        ks_err err;

        /* data is NULL only when every collector wanting the file reads parts. */
        if (!col->wants(f->path, f->mode) || (!data && !ks_lang_reads_parts(col)))
            continue;
        err = col->parse(&ctx, data, len, &d);
        if (err == KS_ENOMEM)
            return ks_diag_set(diag, KS_ENOMEM, "out of memory");
        if (err && ks_inventory_note(inv, f->path, "%s: %s", col->name,
                                     d.msg[0] ? d.msg : ks_err_str(err)))
            return ks_diag_set(diag, KS_ENOMEM, "out of memory");
        if (f->nhistory && inv->components.len > before &&
            attribute(inv, col, before, inv->components.len, f, s->lim))
            return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    }
    return KS_OK;
}

static ks_err scan_file(void *ctx, const struct ks_walk_file *f, const char *data, size_t len,
                        struct ks_diag *diag)
{
    struct scan *s = ctx;

    s->files++;
    return offer(s, f, data, len, diag);
}

ks_err ks_pkg_collect(struct ks_inventory *inv, const char *path, unsigned mode,
                      const char *layer, const char *data, size_t len,
                      const struct ks_limits *lim, struct ks_diag *diag)
{
    struct scan s = {inv, lim, 0, NULL};
    struct ks_walk_file f;

    memset(&f, 0, sizeof(f));
    f.path = path;
    f.mode = mode;
    f.size = len;
    f.layer = layer;
    return offer(&s, &f, data, len, diag);
}

/* ---- finishing: purls and ecosystems from the distro ---- */

static const char *rpm_namespace(const char *id)
{
    static const struct {
        const char *id, *ns;
    } map[] = {{"rhel", "redhat"},     {"centos", "centos"},   {"fedora", "fedora"},
               {"amzn", "amazon"},     {"rocky", "rocky"},     {"almalinux", "almalinux"},
               {"ol", "oracle"},       {"sles", "suse"},       {"opensuse-leap", "opensuse"},
               {"opensuse-tumbleweed", "opensuse"}, {"mariner", "mariner"}, {"azurelinux", "azurelinux"}};

    for (size_t i = 0; id && i < KS_ARRAY_LEN(map); i++)
        if (!strcmp(id, map[i].id))
            return map[i].ns;
    return id;
}

/* OSV's ecosystem names for OS packages. */
static const char *os_ecosystem(struct ks_inventory *inv)
{
    const struct ks_distro *d = &inv->distro;
    static const struct {
        const char *id, *name;
    } names[] = {{"debian", "Debian"},        {"ubuntu", "Ubuntu"},
                 {"rhel", "Red Hat"},         {"centos", "CentOS"},
                 {"rocky", "Rocky Linux"},    {"almalinux", "AlmaLinux"},
                 {"amzn", "Amazon Linux"},    {"ol", "Oracle Linux"},
                 {"fedora", "Fedora"},        {"opensuse-leap", "openSUSE"},
                 {"sles", "SUSE"},            {"wolfi", "Wolfi"},
                 {"chainguard", "Chainguard"}};
    const char *name = NULL;

    if (!d->id)
        return NULL;
    for (size_t i = 0; i < KS_ARRAY_LEN(names); i++)
        if (!strcmp(d->id, names[i].id))
            name = names[i].name;
    if (!strcmp(d->id, "alpine") && d->version_id) {
        /* "Alpine:v3.19" from "3.19.1" */
        const char *dot = strchr(d->version_id, '.');
        const char *dot2 = dot ? strchr(dot + 1, '.') : NULL;
        size_t n = dot2 ? (size_t)(dot2 - d->version_id) : strlen(d->version_id);
        return ks_arena_printf(&inv->arena, "Alpine:v%.*s", (int)n, d->version_id);
    }
    if (!name)
        return NULL;
    if (!strcmp(d->id, "debian") && d->version_id) {
        size_t n = strcspn(d->version_id, ".");
        return ks_arena_printf(&inv->arena, "%s:%.*s", name, (int)n, d->version_id);
    }
    if (!d->version_id)
        return name;
    /* OSV names Ubuntu LTS releases (even year, April) "Ubuntu:22.04:LTS" */
    int yy = 0, mm = 0, end = 0;
    if (!strcmp(d->id, "ubuntu") && sscanf(d->version_id, "%2d.%2d%n", &yy, &mm, &end) == 2 &&
        !d->version_id[end] && mm == 4 && yy % 2 == 0)
        return ks_arena_printf(&inv->arena, "Ubuntu:%s:LTS", d->version_id);
    return ks_arena_printf(&inv->arena, "%s:%s", name, d->version_id);
}

ks_err ks_pkg_finish(struct ks_inventory *inv)
{
    const struct ks_distro *d = &inv->distro;
    const char *distro = NULL, *eco = os_ecosystem(inv);

    if (d->id)
        distro = d->version_id ? ks_arena_printf(&inv->arena, "%s-%s", d->id, d->version_id)
                               : d->id;
    for (size_t i = 0; i < inv->components.len; i++) {
        struct ks_component *c = &inv->components.items[i];
        const char *upstream = NULL;
        struct ks_purl_qualifier q[4];

        if (c->purl)
            continue;
        if (c->source_name && strcmp(c->source_name, c->name ? c->name : ""))
            upstream = c->source_version && c->version && strcmp(c->source_version, c->version)
                               ? ks_arena_printf(&inv->arena, "%s@%s", c->source_name,
                                                 c->source_version)
                               : c->source_name;
        switch (c->type) {
        case KS_PKG_DEB:
            q[0] = (struct ks_purl_qualifier){"arch", c->arch};
            q[1] = (struct ks_purl_qualifier){"distro", distro};
            q[2] = (struct ks_purl_qualifier){"upstream", upstream};
            c->purl = ks_purl_make(&inv->arena, "deb", d->id ? d->id : "debian", c->name,
                                    c->version, q, 3);
            c->ecosystem = eco;
            break;
        case KS_PKG_APK:
            q[0] = (struct ks_purl_qualifier){"arch", c->arch};
            q[1] = (struct ks_purl_qualifier){"distro", distro};
            q[2] = (struct ks_purl_qualifier){"upstream", upstream};
            c->purl = ks_purl_make(&inv->arena, "apk", d->id ? d->id : "alpine", c->name,
                                    c->version, q, 3);
            c->ecosystem = eco;
            break;
        case KS_PKG_RPM: {
            /* purl versions carry no epoch: it is a qualifier. */
            const char *ver = c->version, *colon = ver ? strchr(ver, ':') : NULL;
            const char *epoch = colon ? ks_arena_strndup(&inv->arena, ver, (size_t)(colon - ver))
                                      : NULL;
            q[0] = (struct ks_purl_qualifier){"arch", c->arch};
            q[1] = (struct ks_purl_qualifier){"distro", distro};
            q[2] = (struct ks_purl_qualifier){"epoch", epoch};
            q[3] = (struct ks_purl_qualifier){"upstream", c->source_name && c->source_version
                                                             ? ks_arena_printf(&inv->arena, "%s-%s.src.rpm", c->source_name, c->source_version)
                                                             : NULL};
            c->purl = ks_purl_make(&inv->arena, "rpm", rpm_namespace(d->id), c->name,
                                    colon ? colon + 1 : ver, q, 4);
            c->ecosystem = eco;
            break;
        }
        case KS_PKG_KERNEL:
            c->purl = ks_purl_make(&inv->arena, "generic", NULL, c->name, c->version, NULL, 0);
            break;
        default:
            break;
        }
    }
    if (ks_lang_finish(inv) || ks_owned_resolve(inv))
        return KS_ENOMEM;
    ks_inventory_sort(inv);
    return KS_OK;
}

/* ---- targets ---- */

static ks_err scan_image(struct ks_inventory *inv, const char *target, const struct ks_scan_opts *o,
                         const struct ks_walk_visitor *v, struct ks_diag *diag)
{
    struct ks_image_info info;
    ks_err err = ks_image_walk(target, o->platform, o->lim, v, &info, diag);

    if (!err) {
        inv->target.digest = ks_inventory_str(inv, info.digest);
        inv->target.platform = ks_inventory_str(inv, info.platform);
        inv->target.nlayers = info.nlayers;
        inv->target.layers = ks_arena_calloc(&inv->arena, info.nlayers ? info.nlayers : 1,
                                             sizeof(*inv->target.layers));
        if (!inv->target.layers)
            err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
        for (size_t i = 0; !err && i < info.nlayers; i++) {
            inv->target.layers[i].digest = ks_inventory_str(inv, info.layers[i].digest);
            inv->target.layers[i].diff_id = ks_inventory_str(inv, info.layers[i].diff_id);
            inv->target.layers[i].created_by = ks_inventory_str(inv, info.layers[i].created_by);
        }
    }
    ks_image_info_release(&info);
    return err;
}

ks_err ks_pkg_scan(struct ks_inventory *inv, enum ks_target_kind kind, const char *target,
                   const struct ks_scan_opts *o, struct ks_diag *diag)
{
    struct scan s = {inv, o->lim, 0, o->progress};
    struct ks_walk_visitor v = {scan_wants, scan_nested, scan_file, scan_skipped, &s,
                                o->progress, scan_parts, scan_barren};
    ks_err err;

    inv->target.kind = kind;
    inv->target.name = ks_inventory_str(inv, target);
    switch (kind) {
    case KS_TARGET_ROOTFS:
    case KS_TARGET_HOST:
        err = ks_walk_rootfs(target, o->xdev, o->lim, &v, diag);
        break;
    case KS_TARGET_ARCHIVE:
        err = ks_walk_archive(target, o->lim, &v, diag);
        break;
    case KS_TARGET_IMAGE:
        err = scan_image(inv, target, o, &v, diag);
        break;
    case KS_TARGET_SBOM:
        err = ks_pkg_read_sbom(inv, target, o->lim, diag);
        break;
    default:
        err = ks_diag_set(diag, KS_EINVAL, "unknown target kind");
        break;
    }
    if (err)
        return err;
    return ks_pkg_finish(inv);
}

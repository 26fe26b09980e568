#include "core/ks_common.h"

#include "ingest/image.h"

#include "core/arena.h"
#include "core/buf.h"
#include "core/file.h"
#include "core/hash.h"
#include "core/map.h"
#include "core/str.h"
#include "core/vec.h"
#include "formats/json.h"
#include "ingest/archive.h"

#include <sys/stat.h>
#include <sys/utsname.h>

/* Members of an image tar up to this size are kept in memory during the one
 * pass over it (manifests, configs, small layers); bigger ones are streamed
 * as layers at once. */
#define SMALL_MEMBER (8u << 20)
#define MAX_JSON     (16u << 20)

#define MT_OCI_INDEX    "application/vnd.oci.image.index.v1+json"
#define MT_DOCKER_LIST  "application/vnd.docker.distribution.manifest.list.v2+json"

struct lfile {
    const char *path;
    unsigned mode;
    const char *data; /* NULL when barren */
    size_t len;
    bool barren; /* present, but nothing for the visitor: bytes not kept */
};

/* What one layer holds that matters: wanted files and deletions. */
struct layer {
    const char *key; /* member name or blob path */
    KS_VEC(struct lfile) files;
    KS_VEC(const char *) whiteouts;  /* path: delete it and everything under it */
    KS_VEC(const char *) opaques;    /* dir: delete everything under it */
    KS_VEC(const char *) rewritten;  /* nested archive rewritten: drop its old members */
};

struct blob {
    const char *data;
    size_t len;
};

struct img {
    struct ks_arena arena;
    const struct ks_limits *lim;
    const struct ks_walk_visitor *v;
    struct ks_archive_budget budget;
    KS_VEC(struct layer *) layers;
    struct ks_map blobs; /* tar member name -> struct blob (small members) */
    const char *dir;     /* OCI layout directory, or NULL for a tar */
};

struct rec {
    struct img *img;
    struct layer *layer;
};

static bool rec_wants(void *ctx, const char *path, unsigned mode)
{
    struct rec *r = ctx;
    return r->img->v->wants && r->img->v->wants(r->img->v->ctx, path, mode);
}

static bool rec_nested(void *ctx, const char *path)
{
    struct rec *r = ctx;
    return r->img->v->nested && r->img->v->nested(r->img->v->ctx, path);
}

static ks_err rec_file(void *ctx, const struct ks_walk_file *f, const char *data, size_t len,
                       struct ks_diag *diag)
{
    struct rec *r = ctx;
    const struct ks_walk_visitor *v = r->img->v;
    struct lfile lf = {NULL, f->mode, NULL, len, false};

    /* Executables offered to the binary collectors are most of an image's
     * wanted bytes (tens of MB for a plain Debian tree) and nearly all hold
     * nothing: keep only that they are there. */
    lf.barren = v->parts && v->barren && v->parts(v->ctx, f->path, f->mode) &&
                v->barren(v->ctx, f, data, len);
    lf.path = ks_arena_strdup(&r->img->arena, f->path);
    if (!lf.path)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    if (!lf.barren) {
        char *copy = ks_arena_alloc(&r->img->arena, len + 1);
        if (!copy)
            return ks_diag_set(diag, KS_ENOMEM, "out of memory");
        memcpy(copy, data, len);
        copy[len] = '\0';
        lf.data = copy;
    }
    if (KS_VEC_PUSH(&r->layer->files, lf))
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    return KS_OK;
}

static void rec_skipped(void *ctx, const char *path, const char *why)
{
    struct rec *r = ctx;
    if (r->img->v->skipped)
        r->img->v->skipped(r->img->v->ctx, path, why);
}

static struct layer *new_layer(struct img *im, const char *key)
{
    struct layer *l = ks_arena_calloc(&im->arena, 1, sizeof(*l));

    if (!l)
        return NULL;
    l->key = ks_arena_strdup(&im->arena, key);
    if (!l->key || KS_VEC_PUSH(&im->layers, l))
        return NULL;
    return l;
}

static struct layer *find_layer(struct img *im, const char *key)
{
    for (size_t i = 0; i < im->layers.len; i++)
        if (!strcmp(im->layers.items[i]->key, key))
            return im->layers.items[i];
    return NULL;
}

static ks_err push_str(struct img *im, void *vec, const char *s, struct ks_diag *diag)
{
    KS_VEC(const char *) *v = vec;
    const char *c = ks_arena_strdup(&im->arena, s);

    if (!c || KS_VEC_PUSH(v, c))
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    return KS_OK;
}

/* Records what the layer archive `ar` holds into `l`. */
static ks_err process_layer(struct img *im, struct layer *l, struct ks_archive *ar,
                            struct ks_diag *diag)
{
    struct rec r = {im, l};
    struct ks_walk_visitor rv = {rec_wants, rec_nested, rec_file, rec_skipped, &r, NULL, NULL, NULL};
    const struct ks_archive_entry *e;
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_buf path = KS_BUF_INIT(0), bytes = KS_BUF_INIT(0);
    ks_err err = KS_OK;

    for (;;) {
        const char *base, *slash;
        ks_err e2 = ks_archive_next(ar, &e, &d);

        if (e2 == KS_ENOTFOUND)
            break;
        if ((e2 == KS_EPARSE || e2 == KS_ELIMIT) && !ks_archive_failed(ar)) {
            rec_skipped(&r, ks_archive_name(ar), d.msg);
            continue;
        }
        if (e2) {
            *diag = d;
            err = e2;
            goto done;
        }
        slash = strrchr(e->name, '/');
        base = slash ? slash + 1 : e->name;
        ks_buf_reset(&path);
        if (ks_buf_addc(&path, '/') ||
            ks_buf_add(&path, e->name, slash ? (size_t)(slash - e->name) : 0)) {
            err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
            goto done;
        }
        if (!strcmp(base, ".wh..wh..opq")) {
            err = push_str(im, &l->opaques, path.len > 1 ? path.ptr : "", diag);
            if (err)
                goto done;
            continue;
        }
        if (ks_starts_with(base, ".wh.")) {
            if (path.len > 1 && ks_buf_addc(&path, '/')) {
                err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
                goto done;
            }
            if (ks_buf_adds(&path, base + 4) || push_str(im, &l->whiteouts, path.ptr, diag)) {
                err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
                goto done;
            }
            continue;
        }
        ks_buf_reset(&path);
        if (ks_buf_addf(&path, "/%s", e->name)) {
            err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
            goto done;
        }
        if (e->type == KS_ARCHIVE_FILE) {
            struct ks_walk_file f;
            bool want = rec_wants(&r, path.ptr, e->mode), nest = rec_nested(&r, path.ptr);
            if (!want && !nest)
                continue;
            if (nest && push_str(im, &l->rewritten, path.ptr, diag)) {
                err = KS_ENOMEM;
                goto done;
            }
            ks_buf_reset(&bytes);
            if (ks_archive_read_all(ar, (size_t)im->lim->max_file_size, &bytes, &d)) {
                if (d.code != KS_ELIMIT || strstr(d.msg, "max_expanded") ||
                    strstr(d.msg, "max_ratio")) {
                    *diag = d;
                    err = d.code;
                    goto done;
                }
                rec_skipped(&r, path.ptr, d.msg);
                continue;
            }
            memset(&f, 0, sizeof(f));
            f.path = path.ptr;
            f.mode = e->mode;
            f.size = bytes.len;
            err = ks_walk_memory(&f, bytes.ptr ? bytes.ptr : "", bytes.len, im->lim, &rv, diag);
            if (err)
                goto done;
        } else if (e->type == KS_ARCHIVE_HARDLINK && rec_wants(&r, path.ptr, S_IFREG | 0644)) {
            /* A hard link to a file earlier in the same layer. */
            for (size_t i = 0; i < l->files.len; i++) {
                struct lfile lf = l->files.items[i];
                if (lf.path[0] == '/' && !strcmp(lf.path + 1, e->link)) {
                    lf.path = ks_arena_strdup(&im->arena, path.ptr);
                    if (!lf.path || KS_VEC_PUSH(&l->files, lf)) {
                        err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
                        goto done;
                    }
                    break;
                }
            }
        }
    }
done:
    ks_buf_release(&path);
    ks_buf_release(&bytes);
    return err;
}

/* ---- reading blobs and JSON ---- */

static bool valid_hex_digest(const char *digest, const char **hex)
{
    size_t n;

    if (!digest || !ks_starts_with(digest, "sha256:"))
        return false;
    *hex = digest + 7;
    n = strlen(*hex);
    if (n != 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!strchr("0123456789abcdef", (*hex)[i]))
            return false;
    return true;
}

/* The bytes of member `name` (tar) or file `name` under the layout dir. */
static ks_err get_member(struct img *im, const char *name, struct blob *out, struct ks_diag *diag)
{
    struct ks_buf clean = KS_BUF_INIT(0), full = KS_BUF_INIT(0), data = KS_BUF_INIT(0);
    ks_err err;

    if (ks_archive_clean_name(name, im->lim->max_path_len, &clean)) {
        ks_buf_release(&clean);
        return ks_diag_set(diag, KS_EPARSE, "bad file name '%s' in image", name);
    }
    if (!im->dir) {
        struct blob *b = ks_map_get(&im->blobs, clean.ptr, clean.len);
        ks_buf_release(&clean);
        if (!b)
            return ks_diag_set(diag, KS_EPARSE, "image lacks '%s' (or it is larger than %u bytes)",
                               name, SMALL_MEMBER);
        *out = *b;
        return KS_OK;
    }
    err = ks_buf_addf(&full, "%s/%s", im->dir, clean.ptr);
    if (!err)
        err = ks_file_read(full.ptr, MAX_JSON, &data, diag);
    if (!err) {
        char *copy = ks_arena_strndup(&im->arena, data.ptr ? data.ptr : "", data.len);
        if (!copy)
            err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
        out->data = copy;
        out->len = data.len;
    }
    ks_buf_release(&clean);
    ks_buf_release(&full);
    ks_buf_release(&data);
    return err;
}

static ks_err get_json(struct img *im, const char *name, struct ks_value **out,
                       struct ks_diag *diag)
{
    struct blob b;
    ks_err err = get_member(im, name, &b, diag);

    if (err)
        return err;
    return ks_json_parse(&im->arena, name, b.data, b.len, im->lim, out, diag);
}

static ks_err get_blob_json(struct img *im, const char *digest, struct ks_value **out,
                            struct ks_diag *diag)
{
    char name[128];
    const char *hex;

    if (!valid_hex_digest(digest, &hex))
        return ks_diag_set(diag, KS_EPARSE, "bad digest '%.80s' in image",
                           digest ? digest : "(none)");
    snprintf(name, sizeof(name), "blobs/sha256/%s", hex);
    return get_json(im, name, out, diag);
}

/* ---- platforms ---- */

const char *ks_image_host_platform(void)
{
    static char buf[64];
    struct utsname u;
    const char *arch;

    if (buf[0])
        return buf;
    if (uname(&u) < 0)
        return "linux/amd64";
    arch = !strcmp(u.machine, "x86_64")    ? "amd64"
           : !strcmp(u.machine, "aarch64") ? "arm64"
           : !strncmp(u.machine, "armv7", 5) ? "arm/v7"
           : !strncmp(u.machine, "armv6", 5) ? "arm/v6"
           : (u.machine[0] == 'i' && !strcmp(u.machine + 2, "86")) ? "386"
                                                                  : u.machine;
    snprintf(buf, sizeof(buf), "linux/%s", arch);
    return buf;
}

static char *platform_of(struct img *im, const struct ks_value *p)
{
    const char *os = ks_value_get_str(p, "os"), *arch = ks_value_get_str(p, "architecture");
    const char *variant = ks_value_get_str(p, "variant");

    if (!os || !arch)
        return NULL;
    if (variant && *variant)
        return ks_arena_printf(&im->arena, "%s/%s/%s", os, arch, variant);
    return ks_arena_printf(&im->arena, "%s/%s", os, arch);
}

/* "linux/arm64" matches "linux/arm64/v8"; "linux/arm/v7" only itself. */
static bool platform_matches(const char *have, const char *want)
{
    size_t n = strlen(want);

    if (!have)
        return false;
    if (!strcmp(have, want))
        return true;
    return !strncmp(have, want, n) && have[n] == '/';
}

ks_err ks_image_pick_platform(const char *what, const char *const *platforms, size_t n,
                              const char *want, size_t *pick, struct ks_diag *diag)
{
    struct ks_buf choices = KS_BUF_INIT(0);
    size_t matches = 0;
    ks_err err = KS_OK;

    if (n == 1 && !want) {
        *pick = 0;
        return KS_OK;
    }
    if (!want)
        want = ks_image_host_platform();
    for (size_t i = 0; i < n; i++) {
        if (ks_buf_addf(&choices, "%s%s", i ? ", " : "", platforms[i] ? platforms[i] : "?")) {
            ks_buf_release(&choices);
            return ks_diag_set(diag, KS_ENOMEM, "out of memory");
        }
        if (platform_matches(platforms[i], want) && !matches++)
            *pick = i;
    }
    if (matches != 1)
        err = ks_diag_set(diag, KS_ENOTFOUND, "'%s': %s platform '%s'; choose with --platform: %s",
                          what, matches ? "more than one image for" : "no image for", want,
                          ks_buf_str(&choices));
    ks_buf_release(&choices);
    return err;
}

struct cand {
    const char *manifest_digest; /* OCI; NULL for docker save */
    const char *platform;
    const char *ref;
    const struct ks_value *docker; /* docker-save manifest.json entry */
};

typedef KS_VEC(struct cand) cand_vec;

static ks_err collect_index(struct img *im, const struct ks_value *index, unsigned depth,
                            cand_vec *out, struct ks_diag *diag)
{
    const struct ks_value *ms = ks_value_get(index, "manifests");

    if (depth > 4)
        return ks_diag_set(diag, KS_EPARSE, "image indexes nested too deep");
    for (size_t i = 0; i < ks_value_len(ms); i++) {
        const struct ks_value *m = ks_value_at(ms, i);
        const char *mt = ks_value_get_str(m, "mediaType");
        const char *digest = ks_value_get_str(m, "digest");
        struct cand c;
        ks_err err;

        if (mt && (!strcmp(mt, MT_OCI_INDEX) || !strcmp(mt, MT_DOCKER_LIST))) {
            struct ks_value *sub;
            err = get_blob_json(im, digest, &sub, diag);
            if (!err)
                err = collect_index(im, sub, depth + 1, out, diag);
            if (err)
                return err;
            continue;
        }
        memset(&c, 0, sizeof(c));
        c.manifest_digest = digest;
        c.platform = platform_of(im, ks_value_get(m, "platform"));
        c.ref = ks_value_get_str(ks_value_get(m, "annotations"), "org.opencontainers.image.ref.name");
        /* Attestation manifests (buildx) are not images. */
        if (c.platform && ks_starts_with(c.platform, "unknown/"))
            continue;
        if (KS_VEC_PUSH(out, c))
            return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    }
    return KS_OK;
}

/* Loads the manifest and config of candidate `c`; fills layer keys. */
struct chosen {
    struct ks_value *config;
    KS_VEC(const char *) layer_keys;
    KS_VEC(const char *) layer_digests;
};

static ks_err load_candidate(struct img *im, const struct cand *c, struct chosen *ch,
                             struct ks_diag *diag)
{
    const struct ks_value *layers;
    ks_err err;

    if (c->docker) {
        const char *cfg = ks_value_get_str(c->docker, "Config");
        if (!cfg)
            return ks_diag_set(diag, KS_EPARSE, "manifest.json entry without 'Config'");
        err = get_json(im, cfg, &ch->config, diag);
        if (err)
            return err;
        layers = ks_value_get(c->docker, "Layers");
        for (size_t i = 0; i < ks_value_len(layers); i++) {
            const char *k = ks_value_str(ks_value_at(layers, i));
            if (!k)
                return ks_diag_set(diag, KS_EPARSE, "manifest.json: bad 'Layers'");
            if (KS_VEC_PUSH(&ch->layer_keys, k) || KS_VEC_PUSH(&ch->layer_digests, NULL))
                return ks_diag_set(diag, KS_ENOMEM, "out of memory");
        }
        return KS_OK;
    } else {
        struct ks_value *man;
        err = get_blob_json(im, c->manifest_digest, &man, diag);
        if (err)
            return err;
        err = get_blob_json(im, ks_value_get_str(ks_value_get(man, "config"), "digest"),
                            &ch->config, diag);
        if (err)
            return err;
        layers = ks_value_get(man, "layers");
        for (size_t i = 0; i < ks_value_len(layers); i++) {
            const char *d = ks_value_get_str(ks_value_at(layers, i), "digest"), *hex;
            char *k;
            if (!valid_hex_digest(d, &hex))
                return ks_diag_set(diag, KS_EPARSE, "manifest: bad layer digest");
            k = ks_arena_printf(&im->arena, "blobs/sha256/%s", hex);
            if (!k || KS_VEC_PUSH(&ch->layer_keys, k) || KS_VEC_PUSH(&ch->layer_digests, d))
                return ks_diag_set(diag, KS_ENOMEM, "out of memory");
        }
    }
    return KS_OK;
}

/* ---- merging layers ---- */

struct ver {
    size_t layer;
    const struct lfile *file; /* NULL: deleted */
};

struct pathrec {
    const char *path;
    KS_VEC(struct ver) vers;
};

typedef KS_VEC(struct pathrec *) pathrec_vec;

static bool under(const char *path, const char *dir, char sep2)
{
    size_t n = strlen(dir);

    if (strncmp(path, dir, n))
        return false;
    return path[n] == '/' || (sep2 && path[n] == sep2 && path[n + 1] == '/');
}

static ks_err delete_where(pathrec_vec *all, size_t li, const char *p, bool self, char sep2)
{
    for (size_t i = 0; i < all->len; i++) {
        struct pathrec *pr = all->items[i];
        struct ver *last = &pr->vers.items[pr->vers.len - 1];
        struct ver del = {li, NULL};
        if (!last->file || last->layer >= li)
            continue;
        if ((self && !strcmp(pr->path, p)) || under(pr->path, p, sep2))
            if (KS_VEC_PUSH(&pr->vers, del))
                return KS_ENOMEM;
    }
    return KS_OK;
}

static int cmp_pathrec(const void *a, const void *b)
{
    return strcmp((*(struct pathrec *const *)a)->path, (*(struct pathrec *const *)b)->path);
}

static ks_err merge(struct img *im, struct layer **order, struct ks_image_info *info,
                    struct ks_diag *diag)
{
    pathrec_vec all = KS_VEC_INIT;
    struct ks_map index = KS_MAP_INIT;
    KS_VEC(struct ks_walk_version) hist = KS_VEC_INIT;
    ks_err err = KS_OK;

    for (size_t li = 0; li < info->nlayers; li++) {
        struct layer *l = order[li];
        for (size_t i = 0; i < l->opaques.len && !err; i++)
            err = delete_where(&all, li, l->opaques.items[i], false, 0);
        for (size_t i = 0; i < l->whiteouts.len && !err; i++)
            err = delete_where(&all, li, l->whiteouts.items[i], true, '!');
        for (size_t i = 0; i < l->rewritten.len && !err; i++)
            err = delete_where(&all, li, l->rewritten.items[i], false, '!');
        for (size_t i = 0; i < l->files.len && !err; i++) {
            const struct lfile *f = &l->files.items[i];
            struct pathrec *pr = ks_map_get(&index, f->path, strlen(f->path));
            struct ver v = {li, f};
            if (!pr) {
                pr = ks_arena_calloc(&im->arena, 1, sizeof(*pr));
                if (!pr) {
                    err = KS_ENOMEM;
                    break;
                }
                pr->path = f->path;
                if (KS_VEC_PUSH(&all, pr) || ks_map_put(&index, f->path, strlen(f->path), pr)) {
                    err = KS_ENOMEM;
                    break;
                }
            }
            /* Deleted (whiteout, opaque dir) and re-created in the same
             * layer: one new version, as the layer's filesystem shows it. */
            if (pr->vers.len && !pr->vers.items[pr->vers.len - 1].file &&
                pr->vers.items[pr->vers.len - 1].layer == li)
                pr->vers.items[pr->vers.len - 1] = v;
            else if (KS_VEC_PUSH(&pr->vers, v))
                err = KS_ENOMEM;
        }
        if (err) {
            err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
            goto done;
        }
    }
    if (all.len > 1)
        qsort(all.items, all.len, sizeof(*all.items), cmp_pathrec);
    for (size_t i = 0; i < all.len; i++) {
        struct pathrec *pr = all.items[i];
        const struct ver *last = &pr->vers.items[pr->vers.len - 1];
        struct ks_walk_file f;

        if (!last->file || last->file->barren)
            continue;
        hist.len = 0;
        for (size_t k = 0; k + 1 < pr->vers.len; k++) {
            const struct ver *v = &pr->vers.items[k];
            struct ks_walk_version wv = {info->layers[v->layer].diff_id,
                                         v->file ? v->file->data : NULL,
                                         v->file && v->file->data ? v->file->len : 0};
            if (KS_VEC_PUSH(&hist, wv)) {
                err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
                goto done;
            }
        }
        memset(&f, 0, sizeof(f));
        f.path = pr->path;
        f.mode = last->file->mode;
        f.size = last->file->len;
        f.layer = info->layers[last->layer].diff_id;
        f.history = hist.items;
        f.nhistory = hist.len;
        err = im->v->file(im->v->ctx, &f, last->file->data, last->file->len, diag);
        if (err)
            goto done;
    }
done:
    for (size_t i = 0; i < all.len; i++)
        KS_VEC_RELEASE(&all.items[i]->vers);
    KS_VEC_RELEASE(&all);
    KS_VEC_RELEASE(&hist);
    ks_map_release(&index);
    return err;
}

/* ---- the image ---- */

/* One pass over an image tar: small members kept, big ones read as layers. */
static ks_err scan_tar(struct img *im, const char *path, struct ks_diag *diag)
{
    struct ks_archive *ar = NULL, *child = NULL;
    const struct ks_archive_entry *e;
    struct ks_buf bytes = KS_BUF_INIT(0);
    struct ks_diag d = KS_DIAG_INIT;
    ks_err err;

    err = ks_archive_open_file(&ar, path, KS_ARCHIVE_ANY, im->lim, &im->budget, diag);
    if (err)
        return err;
    for (;;) {
        err = ks_archive_next(ar, &e, &d);
        if (err == KS_ENOTFOUND) {
            err = KS_OK;
            break;
        }
        if (err == KS_EPARSE && !ks_archive_failed(ar)) {
            rec_skipped(&(struct rec){im, NULL}, path, d.msg);
            continue;
        }
        if (err) {
            *diag = d;
            goto done;
        }
        if (e->type != KS_ARCHIVE_FILE)
            continue;
        if (!e->size_known || e->size > SMALL_MEMBER) {
            struct layer *l;
            ks_progress_update(im->v->progress, "layers", im->layers.len, 0);
            if (ks_archive_open_member(&child, ar, KS_ARCHIVE_ANY, &d)) {
                rec_skipped(&(struct rec){im, NULL}, e->name, d.msg);
                continue;
            }
            l = new_layer(im, e->name);
            if (!l) {
                err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
                goto done;
            }
            err = process_layer(im, l, child, diag);
            ks_archive_close(child);
            child = NULL;
            if (err)
                goto done;
        } else {
            struct blob *b;
            char *key;
            ks_buf_reset(&bytes);
            err = ks_archive_read_all(ar, SMALL_MEMBER, &bytes, diag);
            if (err)
                goto done;
            b = ks_arena_alloc(&im->arena, sizeof(*b));
            key = ks_arena_strdup(&im->arena, e->name);
            if (!b || !key) {
                err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
                goto done;
            }
            b->data = ks_arena_strndup(&im->arena, bytes.ptr ? bytes.ptr : "", bytes.len);
            b->len = bytes.len;
            if (!b->data || ks_map_put(&im->blobs, key, strlen(key), b)) {
                err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
                goto done;
            }
        }
    }
done:
    ks_archive_close(child);
    ks_archive_close(ar);
    ks_buf_release(&bytes);
    return err;
}

/* Makes sure the layer `key` has been read, reading it now if needed. */
static ks_err ensure_layer(struct img *im, const char *key, struct layer **out,
                           struct ks_diag *diag)
{
    struct ks_buf clean = KS_BUF_INIT(0);
    struct ks_archive *ar = NULL;
    struct layer *l;
    ks_err err = KS_OK;

    if (ks_archive_clean_name(key, im->lim->max_path_len, &clean)) {
        ks_buf_release(&clean);
        return ks_diag_set(diag, KS_EPARSE, "bad layer name '%s'", key);
    }
    l = find_layer(im, clean.ptr);
    if (l) {
        *out = l;
        goto done;
    }
    if (im->dir) {
        struct ks_buf full = KS_BUF_INIT(0);
        err = ks_buf_addf(&full, "%s/%s", im->dir, clean.ptr);
        if (!err)
            err = ks_archive_open_file(&ar, full.ptr, KS_ARCHIVE_ANY, im->lim, &im->budget, diag);
        ks_buf_release(&full);
    } else {
        struct blob *b = ks_map_get(&im->blobs, clean.ptr, clean.len);
        if (!b) {
            err = ks_diag_set(diag, KS_EPARSE, "image lacks layer '%s'", key);
            goto done;
        }
        err = ks_archive_open_memory(&ar, b->data, b->len, clean.ptr, KS_ARCHIVE_ANY, im->lim,
                                     &im->budget, diag);
    }
    if (err)
        goto done;
    l = new_layer(im, clean.ptr);
    if (!l) {
        err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
        goto done;
    }
    err = process_layer(im, l, ar, diag);
    *out = l;
done:
    ks_archive_close(ar);
    ks_buf_release(&clean);
    return err;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static ks_err fill_info(struct img *im, const struct cand *c, struct chosen *ch,
                        struct ks_image_info *info, struct ks_diag *diag)
{
    const struct ks_value *diff_ids = ks_value_path(ch->config, "rootfs.diff_ids");
    const struct ks_value *history = ks_value_get(ch->config, "history");
    size_t h = 0;

    if (ks_value_len(diff_ids) != ch->layer_keys.len)
        return ks_diag_set(diag, KS_EPARSE,
                           "image config lists %zu diff ids for %zu layers",
                           ks_value_len(diff_ids), ch->layer_keys.len);
    info->platform = dup_or_null(platform_of(im, ch->config));
    info->tag = dup_or_null(c->ref);
    info->layers = calloc(ch->layer_keys.len ? ch->layer_keys.len : 1, sizeof(*info->layers));
    if (!info->layers)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    info->nlayers = ch->layer_keys.len;
    for (size_t i = 0; i < info->nlayers; i++) {
        struct ks_image_layer *l = &info->layers[i];
        l->diff_id = dup_or_null(ks_value_str(ks_value_at(diff_ids, i)));
        l->digest = dup_or_null(ch->layer_digests.items[i]);
        /* History entries with empty_layer made no layer. */
        while (h < ks_value_len(history) &&
               ks_value_bool(ks_value_get(ks_value_at(history, h), "empty_layer"), false))
            h++;
        if (h < ks_value_len(history))
            l->created_by = dup_or_null(ks_value_get_str(ks_value_at(history, h++), "created_by"));
        if (!l->diff_id)
            return ks_diag_set(diag, KS_EPARSE, "image config: bad diff id %zu", i);
    }
    return KS_OK;
}

ks_err ks_image_walk(const char *path, const char *platform, const struct ks_limits *lim,
                     const struct ks_walk_visitor *v, struct ks_image_info *info,
                     struct ks_diag *diag)
{
    struct img im;
    struct stat st;
    cand_vec cands = KS_VEC_INIT;
    struct chosen ch;
    struct ks_value *top = NULL;
    const struct cand *pick = NULL;
    struct layer **order = NULL;
    ks_err err;

    memset(info, 0, sizeof(*info));
    memset(&im, 0, sizeof(im));
    memset(&ch, 0, sizeof(ch));
    ks_arena_init(&im.arena, 0, 0);
    im.lim = lim;
    im.v = v;
    if (stat(path, &st) < 0) {
        err = ks_diag_errno(diag, errno == ENOENT ? KS_ENOTFOUND : KS_EIO, "cannot open image '%s'",
                            path);
        goto done;
    }
    if (S_ISDIR(st.st_mode)) {
        im.dir = path;
    } else {
        err = scan_tar(&im, path, diag);
        if (err)
            goto done;
    }

    /* docker save writes manifest.json (and, since Docker 25, an OCI layout
     * too); OCI layouts have index.json. */
    if (!im.dir && ks_map_get(&im.blobs, "manifest.json", 13)) {
        err = get_json(&im, "manifest.json", &top, diag);
        if (err)
            goto done;
        for (size_t i = 0; i < ks_value_len(top); i++) {
            struct cand c;
            memset(&c, 0, sizeof(c));
            c.docker = ks_value_at(top, i);
            c.ref = ks_value_str(ks_value_at(ks_value_get(c.docker, "RepoTags"), 0));
            if (KS_VEC_PUSH(&cands, c)) {
                err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
                goto done;
            }
        }
    } else {
        err = get_json(&im, "index.json", &top, diag);
        if (err) {
            ks_diag_prefix(diag, "'%s' is not a docker-save archive nor an OCI layout: ", path);
            err = KS_EPARSE;
            goto done;
        }
        err = collect_index(&im, top, 0, &cands, diag);
        if (err)
            goto done;
    }
    if (cands.len == 0) {
        err = ks_diag_set(diag, KS_EPARSE, "'%s' holds no image", path);
        goto done;
    }
    if (cands.len > 1 || platform) {
        const char **plats = calloc(cands.len, sizeof(*plats));
        size_t at = 0;
        if (!plats) {
            err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
            goto done;
        }
        for (size_t i = 0; i < cands.len; i++) {
            struct cand *c = &cands.items[i];
            if (!c->platform) {
                /* Ask the config (docker save lists no platforms). */
                struct chosen tmp;
                memset(&tmp, 0, sizeof(tmp));
                if (!load_candidate(&im, c, &tmp, diag))
                    c->platform = platform_of(&im, tmp.config);
                KS_VEC_RELEASE(&tmp.layer_keys);
                KS_VEC_RELEASE(&tmp.layer_digests);
            }
            plats[i] = c->platform;
        }
        err = ks_image_pick_platform(path, plats, cands.len, platform, &at, diag);
        free(plats);
        if (err)
            goto done;
        pick = &cands.items[at];
    } else {
        pick = &cands.items[0];
    }
    err = load_candidate(&im, pick, &ch, diag);
    if (err)
        goto done;
    err = fill_info(&im, pick, &ch, info, diag);
    if (err)
        goto done;
    if (pick->manifest_digest)
        info->digest = strdup(pick->manifest_digest);
    {
        const char *cfg = pick->docker ? ks_value_get_str(pick->docker, "Config") : NULL;
        struct blob b;
        if (pick->docker && cfg && !get_member(&im, cfg, &b, diag)) {
            unsigned char sum[32];
            char hex[65];
            ks_sha256(b.data, b.len, sum);
            ks_hex(sum, 32, hex);
            info->config_digest = malloc(72);
            if (info->config_digest)
                snprintf(info->config_digest, 72, "sha256:%s", hex);
            if (!info->digest)
                info->digest = dup_or_null(info->config_digest);
        }
    }
    order = calloc(info->nlayers ? info->nlayers : 1, sizeof(*order));
    if (!order) {
        err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < info->nlayers; i++) {
        ks_progress_update(v->progress, "layers", i, info->nlayers);
        err = ensure_layer(&im, ch.layer_keys.items[i], &order[i], diag);
        if (err)
            goto done;
    }
    err = merge(&im, order, info, diag);
done:
    free(order);
    KS_VEC_RELEASE(&cands);
    KS_VEC_RELEASE(&ch.layer_keys);
    KS_VEC_RELEASE(&ch.layer_digests);
    for (size_t i = 0; i < im.layers.len; i++) {
        struct layer *l = im.layers.items[i];
        KS_VEC_RELEASE(&l->files);
        KS_VEC_RELEASE(&l->whiteouts);
        KS_VEC_RELEASE(&l->opaques);
        KS_VEC_RELEASE(&l->rewritten);
    }
    KS_VEC_RELEASE(&im.layers);
    ks_map_release(&im.blobs);
    ks_arena_release(&im.arena);
    return err;
}

void ks_image_info_release(struct ks_image_info *info)
{
    for (size_t i = 0; i < info->nlayers; i++) {
        free(info->layers[i].digest);
        free(info->layers[i].diff_id);
        free(info->layers[i].created_by);
    }
    free(info->layers);
    free(info->digest);
    free(info->config_digest);
    free(info->platform);
    free(info->tag);
    memset(info, 0, sizeof(*info));
}

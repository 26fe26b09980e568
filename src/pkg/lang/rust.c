/* pkg/lang/rust.c - Cargo.lock and cargo-auditable dependency data embedded
 * in Rust binaries (ELF section .dep-v0: zlib-compressed JSON). */
#include "core/ks_common.h"

#include "core/buf.h"
#include "core/dl.h"
#include "core/str.h"
#include "pkg/inventory.h"
#include "pkg/lang/internal.h"

#include <sys/stat.h>
#include <zlib.h>

/* libz, loaded on first use (core/dl.h): only a target that needs it pays for it */
#define KS_ZLIB_FNS(X) \
    X(inflate) \
    X(inflateEnd) \
    X(inflateInit_)

static struct {
    KS_ZLIB_FNS(KS_DL_FIELD)
} lib_zlib;
#define KS_DL_TABLE __typeof__(lib_zlib)
static const struct ks_dl_sym lib_zlib_syms[] = {KS_ZLIB_FNS(KS_DL_SYM){NULL, 0}};
#undef KS_DL_TABLE
static struct ks_dl lib_zlib_dl = KS_DL_INIT("libz.so.1", "inflate cargo-auditable data", lib_zlib_syms, &lib_zlib);

#define inflate (lib_zlib.inflate)
#define inflateEnd (lib_zlib.inflateEnd)
#define inflateInit_ (lib_zlib.inflateInit_)

/* ---- Cargo.lock ---- */

static bool cargolock_wants(const char *path, unsigned mode)
{
    (void)mode;
    return ks_lang_path_is(path, "Cargo.lock");
}

static ks_err cargolock_parse(struct ks_collect_ctx *ctx, const char *data, size_t len,
                              struct ks_diag *diag)
{
    struct ks_value *root;
    const struct ks_value *pkgs;
    struct ks_map by_name = KS_MAP_INIT; /* "name" and "name version" -> i + 1 */
    struct ks_lang_set s;
    size_t *idx = NULL, n;
    bool any_local = false;
    ks_err e;

    ks_lang_set_init(&s, ctx);
    if ((e = ks_lang_toml(&s, data, len, &root, diag)))
        goto done;
    pkgs = ks_value_get(root, "package");
    if (pkgs && pkgs->type != KS_VARRAY) {
        e = ks_lang_bad(&s, diag, "'package' is not an array of tables");
        goto done;
    }
    n = ks_value_len(pkgs);
    idx = ks_arena_calloc(&s.scratch, n + 1, sizeof(*idx));
    if (!idx) {
        e = ks_diag_set(diag, KS_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        const struct ks_value *p = ks_value_at(pkgs, i);
        const char *name = ks_value_get_str(p, "name"), *ver = ks_value_get_str(p, "version");
        char *nv;
        idx[i] = KS_LANG_NONE;
        if (!name || !ver || !*name) {
            e = ks_lang_bad(&s, diag, "package %zu (line %u) has no name or version", i + 1,
                            p->line);
            goto done;
        }
        nv = ks_arena_printf(&s.scratch, "%s %s", name, ver);
        if (!nv || ks_map_put(&by_name, name, strlen(name), (void *)(uintptr_t)(i + 1)) ||
            ks_map_put(&by_name, nv, strlen(nv), (void *)(uintptr_t)(i + 1))) {
            e = ks_diag_set(diag, KS_ENOMEM, "out of memory");
            goto done;
        }
        /* No source: a crate of this workspace, not a dependency. */
        if (!ks_value_get_str(p, "source")) {
            any_local = true;
            continue;
        }
        idx[i] = ks_lang_add(&s, KS_PKG_CARGO, name, ver, NULL, diag);
        if (idx[i] == KS_LANG_NONE) {
            e = KS_ENOMEM;
            goto done;
        }
    }
    /* dependencies = ["name", "name version", "name version (source)"] */
    for (size_t i = 0; i < n; i++) {
        const struct ks_value *deps = ks_value_get(ks_value_at(pkgs, i), "dependencies");
        for (size_t k = 0; k < ks_value_len(deps); k++) {
            const char *d = ks_value_str(ks_value_at(deps, k));
            size_t dl = d ? strcspn(d, "(") : 0;
            void *hit;
            size_t to;
            while (dl && d[dl - 1] == ' ')
                dl--;
            hit = dl ? ks_map_get(&by_name, d, dl) : NULL;
            if (!hit)
                continue;
            to = idx[(uintptr_t)hit - 1];
            if (to == KS_LANG_NONE)
                continue;
            if (idx[i] == KS_LANG_NONE)
                ks_lang_scope(&s, to, KS_SCOPE_UNKNOWN, 1);
            else if ((e = ks_lang_edge(&s, idx[i], to, diag)))
                goto done;
        }
    }
    if (any_local)
        for (size_t i = 0; i < n; i++)
            if (idx[i] != KS_LANG_NONE && ks_lang_at(&s, idx[i])->direct < 0)
                ks_lang_at(&s, idx[i])->direct = 0;
    e = ks_lang_set_finish(&s, diag);
done:
    ks_map_release(&by_name);
    ks_lang_set_release(&s);
    return e;
}

const struct ks_collector ks_lang_cargo_lock = {"cargo-lock", cargolock_wants, cargolock_parse};

/* ---- cargo-auditable ---- */

static bool auditable_wants(const char *path, unsigned mode)
{
    (void)path;
    return S_ISREG(mode) && (mode & 0111);
}

/* Inflates zlib data into `out`, never beyond its ceiling. */
static ks_err inflate_bounded(struct ks_lang_set *s, const unsigned char *in, size_t inlen,
                              struct ks_buf *out, struct ks_diag *diag)
{
    z_stream z;
    unsigned char chunk[16384];
    int r;
    ks_err e = KS_OK;

    if ((e = ks_dl_load(&lib_zlib_dl, diag)))
        return e;
    memset(&z, 0, sizeof(z));
    if (inflateInit(&z) != Z_OK)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    z.next_in = (unsigned char *)(uintptr_t)in;
    z.avail_in = inlen > UINT32_MAX ? UINT32_MAX : (uInt)inlen;
    do {
        z.next_out = chunk;
        z.avail_out = sizeof(chunk);
        r = inflate(&z, Z_NO_FLUSH);
        if (r != Z_OK && r != Z_STREAM_END) {
            e = ks_lang_bad(s, diag, "corrupt zlib data in '.dep-v0' section");
            break;
        }
        if (ks_buf_add(out, chunk, sizeof(chunk) - z.avail_out)) {
            e = ks_diag_set(diag, KS_ELIMIT, "'%s': '.dep-v0' data expands beyond %zu bytes",
                            s->ctx->path, out->max);
            break;
        }
        if (r == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
            e = ks_lang_bad(s, diag, "truncated zlib data in '.dep-v0' section");
            break;
        }
    } while (r != Z_STREAM_END);
    inflateEnd(&z);
    return e;
}

static ks_err auditable_parse(struct ks_collect_ctx *ctx, const char *data, size_t len,
                              struct ks_diag *diag)
{
    struct ks_buf json = KS_BUF_INIT(0);
    struct ks_value *root;
    const struct ks_value *pkgs;
    struct ks_lang_set s;
    size_t off, size, n, *idx;
    ks_err e = KS_OK;

    ks_lang_set_init(&s, ctx);
    if (!ks_lang_elf_section(data, len, ".dep-v0", &off, &size))
        goto done;
    json.max = ctx->lim->max_file_size;
    if ((e = inflate_bounded(&s, (const unsigned char *)data + off, size, &json, diag)) ||
        (e = ks_lang_json(&s, json.ptr, json.len, &root, diag)))
        goto done;
    pkgs = ks_value_get(root, "packages");
    if (!pkgs || pkgs->type != KS_VARRAY) {
        e = ks_lang_bad(&s, diag, "cargo-auditable data without a 'packages' array");
        goto done;
    }
    n = pkgs->u.a.len;
    idx = ks_arena_calloc(&s.scratch, n + 1, sizeof(*idx));
    if (!idx) {
        e = ks_diag_set(diag, KS_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        const struct ks_value *p = pkgs->u.a.items[i];
        const char *name = ks_value_get_str(p, "name"), *ver = ks_value_get_str(p, "version");
        const char *src = ks_value_get_str(p, "source");
        const char *kind = ks_value_get_str(p, "kind");
        idx[i] = KS_LANG_NONE;
        if (!name || !ver || !*name) {
            e = ks_lang_bad(&s, diag, "cargo-auditable package %zu has no name or version", i);
            goto done;
        }
        if (ks_value_bool(ks_value_get(p, "root"), false) || (src && !strcmp(src, "local")))
            continue; /* the binary's own crate or a workspace member */
        idx[i] = ks_lang_add(&s, KS_PKG_CARGO, name, ver, NULL, diag);
        if (idx[i] == KS_LANG_NONE) {
            e = KS_ENOMEM;
            goto done;
        }
        ks_lang_scope(&s, idx[i], kind && !strcmp(kind, "build") ? KS_SCOPE_DEV : KS_SCOPE_REQUIRED,
                      -1);
    }
    for (size_t i = 0; i < n; i++) {
        const struct ks_value *deps = ks_value_get(pkgs->u.a.items[i], "dependencies");
        bool root_pkg = idx[i] == KS_LANG_NONE;
        for (size_t k = 0; k < ks_value_len(deps); k++) {
            int64_t j;
            if (!ks_value_int(ks_value_at(deps, k), &j) || j < 0 || (uint64_t)j >= n) {
                e = ks_lang_bad(&s, diag, "cargo-auditable dependency index out of range");
                goto done;
            }
            if (root_pkg && idx[j] != KS_LANG_NONE)
                ks_lang_scope(&s, idx[j], KS_SCOPE_UNKNOWN, 1);
            else if ((e = ks_lang_edge(&s, idx[i], idx[j], diag)))
                goto done;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (idx[i] != KS_LANG_NONE && ks_lang_at(&s, idx[i])->direct < 0)
            ks_lang_at(&s, idx[i])->direct = 0;
    e = ks_lang_set_finish(&s, diag);
done:
    ks_buf_release(&json);
    ks_lang_set_release(&s);
    return e;
}

const struct ks_collector ks_lang_cargo_auditable = {"cargo-auditable", auditable_wants,
                                                     auditable_parse};

/* pkg/owned.c - the table of files installed by OS packages, dpkg's file
 * lists (the collector "dpkg-files"), and the ownership of language
 * packages. apk and rpm record their files from their own databases
 * (pkg/apk.c, pkg/rpm.c). */
#include "core/ks_common.h"

#include "pkg/owned.h"

#include "core/map.h"
#include "core/str.h"
#include "pkg/inventory.h"
#include "pkg/registry.h"
#include "pkg/text.h"

enum { PATH_MAX_BYTES = 4096 };

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME  0x100000001b3ULL

/* FNV-1a, continued over several pieces of one path. */
static uint64_t fnv(uint64_t h, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= FNV_PRIME;
    }
    return h;
}

ks_err ks_owned_owner(struct ks_inventory *inv, enum ks_pkg_type type, const char *name,
                      const char *arch, const char *bom_ref, uint32_t *out)
{
    struct ks_owned_files *t = &inv->owned;
    struct ks_file_owner o;

    if (t->owners.len >= UINT32_MAX)
        return KS_ENOMEM;
    memset(&o, 0, sizeof(o));
    o.type = type;
    o.name = ks_inventory_str(inv, name);
    o.arch = ks_inventory_str(inv, arch);
    o.bom_ref = ks_inventory_str(inv, bom_ref);
    if ((name && !o.name) || (arch && !o.arch) || (bom_ref && !o.bom_ref))
        return KS_ENOMEM;
    *out = (uint32_t)t->owners.len;
    return KS_VEC_PUSH(&t->owners, o);
}

ks_err ks_owned_add(struct ks_inventory *inv, uint32_t owner, const char *dir, size_t dirlen,
                    const char *base, size_t baselen, const struct ks_limits *lim)
{
    struct ks_owned_files *t = &inv->owned;
    struct ks_owned_file f;
    bool slash_first = !(dirlen ? dir[0] == '/' : baselen && base[0] == '/');
    bool slash_mid = dirlen && baselen && dir[dirlen - 1] != '/' && base[0] != '/';
    size_t total;
    uint64_t h = FNV_OFFSET;

    if (!lim)
        lim = &ks_limits_default;
    /* A directory of its own ("usr/lib/" with no base name), "/" and
     * "/." are not files a component could come from. */
    if (!baselen ||
        (!dirlen && baselen <= 2 && (base[baselen - 1] == '.' || base[baselen - 1] == '/')))
        return KS_OK;
    total = slash_first + dirlen + slash_mid + baselen;
    if (total > lim->max_path_len || total > PATH_MAX_BYTES)
        return KS_OK; /* cannot be a walked path */
    if (t->files.len >= lim->max_entries) {
        t->truncated = true;
        return KS_OK;
    }
    if (slash_first)
        h = fnv(h, "/", 1);
    h = fnv(h, dir, dirlen);
    if (slash_mid)
        h = fnv(h, "/", 1);
    h = fnv(h, base, baselen);
    f.hash = h;
    f.owner = owner;
    return KS_VEC_PUSH(&t->files, f);
}

static int cmp_file(const void *pa, const void *pb)
{
    const struct ks_owned_file *a = pa, *b = pb;

    if (a->hash != b->hash)
        return a->hash < b->hash ? -1 : 1;
    return a->owner < b->owner ? -1 : a->owner > b->owner;
}

/* The smallest resolved owner's bom_ref among the files with hash `h`. */
static const char *find_hash(const struct ks_owned_files *t, uint64_t h)
{
    size_t lo = 0, hi = t->files.len;
    const char *best = NULL;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->files.items[mid].hash < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < t->files.len && t->files.items[lo].hash == h; lo++) {
        const char *ref = t->owners.items[t->files.items[lo].owner].bom_ref;
        if (ref && (!best || strcmp(ref, best) < 0))
            best = ref;
    }
    return best;
}

static const char *lookup_range(const struct ks_inventory *inv, const char *p, size_t n)
{
    const struct ks_owned_files *t = &inv->owned;
    static const char *const merged[] = {"/bin/", "/sbin/", "/lib"};
    const char *ref;

    if (!t->files.len || !n)
        return NULL;
    ref = find_hash(t, fnv(FNV_OFFSET, p, n));
    if (ref)
        return ref;
    /* Merged /usr: /bin → usr/bin, /sbin → usr/sbin, /lib* → usr/lib*. */
    for (size_t i = 0; i < KS_ARRAY_LEN(merged); i++) {
        size_t k = strlen(merged[i]);
        if (n > 4 + k && !memcmp(p, "/usr", 4) && !memcmp(p + 4, merged[i], k))
            return find_hash(t, fnv(FNV_OFFSET, p + 4, n - 4));
        if (n > k && !memcmp(p, merged[i], k))
            return find_hash(t, fnv(fnv(FNV_OFFSET, "/usr", 4), p, n));
    }
    return NULL;
}

const char *ks_owned_lookup(const struct ks_inventory *inv, const char *path)
{
    return path ? lookup_range(inv, path, strlen(path)) : NULL;
}

size_t ks_owned_count(const struct ks_inventory *inv, enum ks_pkg_type type)
{
    const struct ks_owned_files *t = &inv->owned;
    size_t n = 0;

    if (type == KS_PKG_UNKNOWN)
        return t->files.len;
    for (size_t i = 0; i < t->files.len; i++)
        n += t->owners.items[t->files.items[i].owner].type == type;
    return n;
}

static bool is_os_type(enum ks_pkg_type t)
{
    return t == KS_PKG_DEB || t == KS_PKG_RPM || t == KS_PKG_APK || t == KS_PKG_KERNEL ||
           t == KS_PKG_UNKNOWN;
}

/* dpkg owners know only the package name (and arch): find the component. */
static void tie_owners(struct ks_inventory *inv, const struct ks_map *debs)
{
    struct ks_owned_files *t = &inv->owned;

    for (size_t i = 0; i < t->owners.len; i++) {
        struct ks_file_owner *o = &t->owners.items[i];
        uintptr_t first;

        if (o->bom_ref || o->type != KS_PKG_DEB || !o->name)
            continue;
        first = (uintptr_t)ks_map_get(debs, o->name, strlen(o->name));
        for (size_t k = first ? first - 1 : inv->components.len; k < inv->components.len; k++) {
            const struct ks_component *c = &inv->components.items[k];
            if (c->type != KS_PKG_DEB || !c->name || strcmp(c->name, o->name))
                continue;
            if (o->arch && c->arch && strcmp(o->arch, c->arch))
                continue;
            o->bom_ref = c->bom_ref;
            break;
        }
    }
}

/* Coverage notes: OS package databases without file lists, a full table. */
static ks_err notes(struct ks_inventory *inv, size_t nlang)
{
    static const struct {
        enum ks_pkg_type type;
        const char *name, *what;
    } dbs[] = {
            {KS_PKG_DEB, "dpkg",
             "dpkg keeps them in info/*.list (a distroless status.d/ in "
             "*.md5sums, when its builder kept them)"},
            {KS_PKG_RPM, "rpm", "the rpm headers list none"},
            {KS_PKG_APK, "apk", "apk's database lists none (R: lines)"},
    };
    ks_err err = KS_OK;

    for (size_t d = 0; !err && nlang && d < KS_ARRAY_LEN(dbs); d++) {
        const struct ks_component *first = NULL;
        size_t n = 0;
        for (size_t i = 0; i < inv->components.len; i++)
            if (inv->components.items[i].type == dbs[d].type) {
                first = first ? first : &inv->components.items[i];
                n++;
            }
        if (!n || ks_owned_count(inv, dbs[d].type))
            continue;
        err = ks_inventory_note(inv, first->path,
                                "no installed-file lists for its %zu %s packages (%s): "
                                "language packages cannot be tied to the OS packages that "
                                "installed them",
                                n, dbs[d].name, dbs[d].what);
    }
    if (!err && inv->owned.truncated)
        err = ks_inventory_note(inv, NULL,
                                "OS packages install more files than max_entries allows; "
                                "only the first %zu were recorded, so some language packages "
                                "may not be tied to the OS package that installed them",
                                inv->owned.files.len);
    return err;
}

ks_err ks_owned_resolve(struct ks_inventory *inv)
{
    struct ks_owned_files *t = &inv->owned;
    struct ks_map debs = KS_MAP_INIT; /* deb name → first component index + 1 */
    size_t nlang = 0;
    ks_err err = KS_OK;

    for (size_t i = 0; !err && i < inv->components.len; i++) {
        const struct ks_component *c = &inv->components.items[i];
        if (c->type == KS_PKG_DEB && c->name && !ks_map_get(&debs, c->name, strlen(c->name)))
            err = ks_map_put(&debs, c->name, strlen(c->name), (void *)(uintptr_t)(i + 1));
        nlang += !is_os_type(c->type);
    }
    if (err)
        goto done;
    tie_owners(inv, &debs);
    if (t->files.len > 1)
        qsort(t->files.items, t->files.len, sizeof(*t->files.items), cmp_file);
    for (size_t i = 0; i < inv->components.len; i++) {
        struct ks_component *c = &inv->components.items[i];
        const char *bang, *ref;
        if (is_os_type(c->type) || !c->path)
            continue;
        /* A member of an archive: the archive is the installed file. */
        bang = strstr(c->path, "!/");
        ref = lookup_range(inv, c->path, bang ? (size_t)(bang - c->path) : strlen(c->path));
        if (ref)
            c->owner = ref; /* else keep what an SBOM read as input said */
    }
    if (!t->noted) {
        t->noted = true;
        err = notes(inv, nlang);
    }
done:
    ks_map_release(&debs);
    return err;
}

/* ---- dpkg's file lists ---- */

static const char info_dir[] = "/var/lib/dpkg/info/";
static const char status_d[] = "/var/lib/dpkg/status.d/";

static bool files_wants(const char *path, unsigned mode)
{
    KS_UNUSED(mode);
    if (ks_starts_with(path, info_dir))
        return !strchr(path + strlen(info_dir), '/') && ks_ends_with(path, ".list") &&
               path[strlen(info_dir)] != '.';
    if (ks_starts_with(path, status_d))
        return !strchr(path + strlen(status_d), '/') && ks_ends_with(path, ".md5sums") &&
               path[strlen(status_d)] != '.';
    return false;
}

/* info/<pkg>[:<arch>].list: one absolute path a line, directories
 * included ("/.", "/usr", "/usr/bin", …). status.d/<pkg>.md5sums: "<md5>
 * <path relative to />" for the regular files. */
static ks_err files_parse(struct ks_collect_ctx *ctx, const char *data, size_t len,
                          struct ks_diag *diag)
{
    const char *base = strrchr(ctx->path, '/') + 1;
    bool md5 = ks_ends_with(ctx->path, ".md5sums");
    size_t nlen = strlen(base) - (md5 ? strlen(".md5sums") : strlen(".list"));
    const char *colon = memchr(base, ':', nlen);
    char name[256], arch[64];
    struct ks_lines it = {data, data + len};
    struct ks_str line, prev = {NULL, 0};
    unsigned lineno = 0;
    uint32_t owner;
    ks_err err;

    if (!nlen || nlen >= sizeof(name) ||
        (colon && (size_t)(base + nlen - colon - 1) >= sizeof(arch)))
        return ks_diag_set(diag, KS_EPARSE, "'%s': not a package file list name", ctx->path);
    snprintf(name, sizeof(name), "%.*s", (int)(colon ? (size_t)(colon - base) : nlen), base);
    if (colon)
        snprintf(arch, sizeof(arch), "%.*s", (int)(base + nlen - colon - 1), colon + 1);
    err = ks_owned_owner(ctx->inv, KS_PKG_DEB, name, colon ? arch : NULL, NULL, &owner);
    while (!err) {
        bool more = ks_lines_next(&it, &line);
        lineno++;
        if (more && md5) {
            /* "d41d8cd98f00b204e9800998ecf8427e  usr/share/doc/x/copyright" */
            size_t sp = 0;
            while (sp < line.len && line.ptr[sp] != ' ')
                sp++;
            if (!line.len)
                continue;
            if (sp != 32 || line.len < 34 || line.ptr[33] != ' ')
                return ks_diag_set(diag, KS_EPARSE, "'%s': line %u: expected '<md5>  <path>'",
                                   ctx->path, lineno);
            err = ks_owned_add(ctx->inv, owner, "", 0, line.ptr + 34, line.len - 34, ctx->lim);
            continue;
        }
        if (more && line.len && line.ptr[0] != '/')
            return ks_diag_set(diag, KS_EPARSE, "'%s': line %u: not an absolute path", ctx->path,
                               lineno);
        /* The previous entry was a directory when this one lies inside it:
         * directories are not files a component could come from. */
        if (prev.len && !(more && line.len > prev.len && line.ptr[prev.len] == '/' &&
                          !memcmp(line.ptr, prev.ptr, prev.len)))
            err = ks_owned_add(ctx->inv, owner, "", 0, prev.ptr, prev.len, ctx->lim);
        if (!more)
            break;
        prev = line;
    }
    if (err == KS_ENOMEM)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    return err;
}

const struct ks_collector ks_collector_dpkg_files = {"dpkg-files", files_wants, files_parse};

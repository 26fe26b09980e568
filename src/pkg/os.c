/* pkg/os.c - which operating system a target runs (/etc/os-release and its
 * fallbacks), and the kernels installed in it. */
#include "core/ks_common.h"

#include "pkg/registry.h"

#include "core/buf.h"
#include "pkg/inventory.h"
#include "pkg/text.h"

/* Which file wins when several are present: os-release over the
 * distribution-specific files, /etc over /usr/lib. */
static const struct {
    const char *path;
    int rank;
} sources[] = {
        {"/etc/os-release", 6},      {"/usr/lib/os-release", 5}, {"/etc/alpine-release", 4},
        {"/etc/redhat-release", 3}, {"/etc/system-release", 2}, {"/etc/debian_version", 1},
};

static int rank_of(const char *path)
{
    for (size_t i = 0; path && i < KS_ARRAY_LEN(sources); i++)
        if (!strcmp(path, sources[i].path))
            return sources[i].rank;
    return 0;
}

static bool os_wants(const char *path, unsigned mode)
{
    KS_UNUSED(mode);
    return rank_of(path) > 0;
}

/* Unquotes an os-release value ('x', "x" with \ escapes, or bare). */
static const char *unquote(struct ks_inventory *inv, struct ks_str v)
{
    struct ks_buf b = KS_BUF_INIT(4096);
    const char *out;
    char q = 0;

    v = ks_str_trim(v);
    if (v.len >= 2 && (v.ptr[0] == '"' || v.ptr[0] == '\'') && v.ptr[v.len - 1] == v.ptr[0]) {
        q = v.ptr[0];
        v.ptr++;
        v.len -= 2;
    }
    for (size_t i = 0; i < v.len; i++) {
        char c = v.ptr[i];
        if (q == '"' && c == '\\' && i + 1 < v.len)
            c = v.ptr[++i];
        if (ks_buf_addc(&b, c))
            break;
    }
    out = b.len ? ks_inventory_strn(inv, b.ptr, b.len) : NULL;
    ks_buf_release(&b);
    return out;
}

static void set_distro(struct ks_inventory *inv, const char *path, const char *id,
                       const char *version_id, const char *codename, const char *pretty)
{
    inv->distro.id = id;
    inv->distro.version_id = version_id;
    inv->distro.codename = codename;
    inv->distro.pretty_name = pretty;
    inv->distro.source = ks_inventory_str(inv, path);
}

/* The first line, trimmed. */
static struct ks_str first_line(const char *data, size_t len)
{
    struct ks_lines it = {data, data + len};
    struct ks_str line = {data, 0};

    ks_lines_next(&it, &line);
    return ks_str_trim(line);
}

static ks_err os_parse(struct ks_collect_ctx *ctx, const char *data, size_t len,
                       struct ks_diag *diag)
{
    struct ks_inventory *inv = ctx->inv;
    int rank = rank_of(ctx->path);

    KS_UNUSED(diag);
    if (rank < rank_of(inv->distro.source))
        return KS_OK;
    if (ks_ends_with(ctx->path, "os-release")) {
        struct ks_lines it = {data, data + len};
        struct ks_str line, k, v;
        const char *id = NULL, *ver = NULL, *code = NULL, *pretty = NULL;
        while (ks_lines_next(&it, &line)) {
            line = ks_str_trim(line);
            if (!line.len || line.ptr[0] == '#' || !ks_str_split(line, '=', &k, &v))
                continue;
            k = ks_str_trim(k);
            if (ks_str_eq(k, "ID"))
                id = unquote(inv, v);
            else if (ks_str_eq(k, "VERSION_ID"))
                ver = unquote(inv, v);
            else if (ks_str_eq(k, "VERSION_CODENAME"))
                code = unquote(inv, v);
            else if (ks_str_eq(k, "PRETTY_NAME"))
                pretty = unquote(inv, v);
        }
        if (id)
            set_distro(inv, ctx->path, id, ver, code, pretty);
        return KS_OK;
    }
    if (!strcmp(ctx->path, "/etc/debian_version")) {
        struct ks_str l = first_line(data, len);
        size_t n = 0;
        while (n < l.len && l.ptr[n] >= '0' && l.ptr[n] <= '9')
            n++;
        /* "12.4" -> "12"; "bookworm/sid" has no number. */
        set_distro(inv, ctx->path, "debian", n ? ks_inventory_strn(inv, l.ptr, n) : NULL, NULL,
                   NULL);
        return KS_OK;
    }
    if (!strcmp(ctx->path, "/etc/alpine-release")) {
        struct ks_str l = first_line(data, len);
        if (l.len)
            set_distro(inv, ctx->path, "alpine", ks_pkg_str(inv, l), NULL, NULL);
        return KS_OK;
    }
    /* "CentOS Linux release 7.9.2009 (Core)", "Amazon Linux release 2 (Karoo)",
     * "Red Hat Enterprise Linux release 9.3 (Plow)", "Fedora release 39". */
    {
        static const struct {
            const char *prefix, *id;
        } ids[] = {{"Red Hat", "rhel"},       {"CentOS", "centos"}, {"Fedora", "fedora"},
                   {"Amazon", "amzn"},        {"Rocky", "rocky"},   {"AlmaLinux", "almalinux"},
                   {"Oracle", "ol"},          {"openSUSE", "opensuse"}};
        struct ks_str l = first_line(data, len);
        const char *pretty = ks_pkg_str(inv, l), *id = NULL, *ver = NULL;
        for (size_t i = 0; pretty && i < KS_ARRAY_LEN(ids); i++)
            if (ks_starts_with(pretty, ids[i].prefix))
                id = ids[i].id;
        for (size_t i = 0; i < l.len; i++) {
            if (l.ptr[i] >= '0' && l.ptr[i] <= '9' && (i == 0 || l.ptr[i - 1] == ' ')) {
                size_t n = i;
                while (n < l.len && l.ptr[n] != ' ')
                    n++;
                ver = ks_inventory_strn(inv, l.ptr + i, n - i);
                break;
            }
        }
        if (id)
            set_distro(inv, ctx->path, id, ver, NULL, pretty);
    }
    return KS_OK;
}

const struct ks_collector ks_collector_os_release = {"os-release", os_wants, os_parse};

/* Installed kernels: /lib/modules/VERSION/modules.order (or under /usr). */
static bool kernel_version(const char *path, struct ks_str *ver)
{
    const char *rest;

    if (ks_starts_with(path, "/lib/modules/"))
        rest = path + strlen("/lib/modules/");
    else if (ks_starts_with(path, "/usr/lib/modules/"))
        rest = path + strlen("/usr/lib/modules/");
    else
        return false;
    ver->ptr = rest;
    rest = strchr(rest, '/');
    if (!rest || strcmp(rest, "/modules.order"))
        return false;
    ver->len = (size_t)(rest - ver->ptr);
    return ver->len > 0;
}

static bool kernel_wants(const char *path, unsigned mode)
{
    struct ks_str v;

    KS_UNUSED(mode);
    return kernel_version(path, &v);
}

static ks_err kernel_parse(struct ks_collect_ctx *ctx, const char *data, size_t len,
                           struct ks_diag *diag)
{
    struct ks_str v;
    struct ks_component *c;

    KS_UNUSED(data);
    KS_UNUSED(len);
    if (!kernel_version(ctx->path, &v))
        return KS_OK;
    c = ks_inventory_add(ctx->inv);
    if (!c)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    c->type = KS_PKG_KERNEL;
    c->name = "linux";
    c->version = ks_pkg_str(ctx->inv, v);
    c->path = ks_inventory_str(ctx->inv, ctx->path);
    c->layer = ks_inventory_str(ctx->inv, ctx->layer);
    c->bom_ref = ks_arena_printf(&ctx->inv->arena, "kernel:linux@%s", c->version);
    if (!c->version || !c->bom_ref)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    return KS_OK;
}

const struct ks_collector ks_collector_kernel = {"kernel", kernel_wants, kernel_parse};

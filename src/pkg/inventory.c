#include "core/ks_common.h"

#include "pkg/inventory.h"

void ks_inventory_init(struct ks_inventory *inv)
{
    memset(inv, 0, sizeof(*inv));
    ks_arena_init(&inv->arena, 0, 0);
}

void ks_inventory_release(struct ks_inventory *inv)
{
    KS_VEC_RELEASE(&inv->components);
    KS_VEC_RELEASE(&inv->notes);
    KS_VEC_RELEASE(&inv->owned.files);
    KS_VEC_RELEASE(&inv->owned.owners);
    ks_arena_release(&inv->arena);
    memset(inv, 0, sizeof(*inv));
}

struct ks_component *ks_inventory_add(struct ks_inventory *inv)
{
    struct ks_component c;

    memset(&c, 0, sizeof(c));
    c.direct = -1;
    if (KS_VEC_PUSH(&inv->components, c))
        return NULL;
    return &inv->components.items[inv->components.len - 1];
}

const char *ks_inventory_str(struct ks_inventory *inv, const char *s)
{
    return s ? ks_arena_strdup(&inv->arena, s) : NULL;
}

const char *ks_inventory_strn(struct ks_inventory *inv, const char *s, size_t len)
{
    return s ? ks_arena_strndup(&inv->arena, s, len) : NULL;
}

ks_err ks_inventory_note(struct ks_inventory *inv, const char *path, const char *fmt, ...)
{
    struct ks_note n;
    va_list ap;
    char msg[1024];

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    n.path = ks_inventory_str(inv, path);
    n.message = ks_inventory_str(inv, msg);
    if ((path && !n.path) || !n.message)
        return KS_ENOMEM;
    return KS_VEC_PUSH(&inv->notes, n);
}

static int strcmp_null(const char *a, const char *b)
{
    if (!a || !b)
        return a ? 1 : b ? -1 : 0;
    return strcmp(a, b);
}

static int cmp_component(const void *pa, const void *pb)
{
    const struct ks_component *a = pa, *b = pb;
    int r;

    if (a->type != b->type)
        return a->type < b->type ? -1 : 1;
    r = strcmp_null(a->name, b->name);
    if (!r)
        r = strcmp_null(a->version, b->version);
    if (!r)
        r = strcmp_null(a->path, b->path);
    if (!r)
        r = strcmp_null(a->arch, b->arch);
    return r;
}

void ks_inventory_sort(struct ks_inventory *inv)
{
    if (inv->components.len > 1)
        qsort(inv->components.items, inv->components.len, sizeof(*inv->components.items),
              cmp_component);
}

ks_err ks_inventory_set_depends(struct ks_inventory *inv, struct ks_component *c,
                                const char *const *refs, size_t n)
{
    const char **d;

    if (!n)
        return KS_OK;
    d = ks_arena_alloc(&inv->arena, n * sizeof(*d));
    if (!d)
        return KS_ENOMEM;
    memcpy(d, refs, n * sizeof(*d));
    c->depends = d;
    c->ndepends = n;
    return KS_OK;
}

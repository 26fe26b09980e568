/* pkg/packed.c - an inventory in kensa's own compact text form (see
 * packed.h for the grammar). */
#include "core/ks_common.h"

#include "pkg/packed.h"

#include "core/vec.h"

#include <stddef.h>

/* The first line; a new layout gets a new number. */
#define MAGIC "kensa-inventory 1\n"

/* A component's strings, in the order they are packed; the purl comes
 * before every field that may say "=" (same as the purl). */
static const size_t component_strings[] = {
        offsetof(struct ks_component, name),        offsetof(struct ks_component, version),
        offsetof(struct ks_component, ecosystem),   offsetof(struct ks_component, purl),
        offsetof(struct ks_component, cpe),         offsetof(struct ks_component, arch),
        offsetof(struct ks_component, source_name), offsetof(struct ks_component, source_version),
        offsetof(struct ks_component, license),     offsetof(struct ks_component, path),
        offsetof(struct ks_component, layer),       offsetof(struct ks_component, bom_ref),
        offsetof(struct ks_component, owner),
};
#define PURL_FIELD        3

#define FIELD(c, off)     (*(const char *const *)((const char *)(c) + (off)))
#define FIELD_SET(c, off) (*(const char **)((char *)(c) + (off)))

/* ---- packing ---- */

static ks_err put_int(struct ks_buf *b, long long v)
{
    char digits[24];
    size_t n = sizeof(digits);
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

    digits[--n] = ',';
    do {
        digits[--n] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        digits[--n] = '-';
    return ks_buf_add(b, digits + n, sizeof(digits) - n);
}

/* `s` as "LEN:BYTES," (the length without its ',', which put_int adds:
 * replaced by ':' here). */
static ks_err put_str(struct ks_buf *b, const char *s)
{
    size_t len;
    ks_err err;

    if (!s)
        return ks_buf_addc(b, '-');
    len = strlen(s);
    err = put_int(b, (long long)len);
    if (!err) {
        b->ptr[b->len - 1] = ':';
        err = ks_buf_add(b, s, len);
    }
    return err ? err : ks_buf_addc(b, ',');
}

static ks_err put_component(struct ks_buf *b, const struct ks_component *c,
                            const struct ks_component *prev)
{
    ks_err err = put_int(b, c->type);

    for (size_t i = 0; !err && i < KS_ARRAY_LEN(component_strings); i++) {
        const char *s = FIELD(c, component_strings[i]);

        if (s && prev && FIELD(prev, component_strings[i]) &&
            !strcmp(s, FIELD(prev, component_strings[i])))
            err = ks_buf_addc(b, '^');
        else if (s && i > PURL_FIELD && c->purl && !strcmp(s, c->purl))
            err = ks_buf_addc(b, '=');
        else
            err = put_str(b, s);
    }
    if (!err)
        err = put_int(b, c->scope);
    if (!err)
        err = put_int(b, c->direct);
    if (!err)
        err = put_int(b, (long long)c->ndepends);
    for (size_t i = 0; !err && i < c->ndepends; i++)
        err = put_str(b, c->depends[i]);
    return err;
}

ks_err ks_inventory_pack(const struct ks_inventory *inv, struct ks_buf *out)
{
    const struct ks_target *t = &inv->target;
    const struct ks_distro *d = &inv->distro;
    const char *const head[] = {t->name, t->digest, t->platform, t->purl};
    const char *const os[] = {d->id, d->version_id, d->codename, d->pretty_name, d->source};
    ks_err err;

    if (inv->owned.files.len || inv->owned.owners.len)
        return KS_EUNSUPPORTED;
    err = ks_buf_adds(out, MAGIC);
    if (!err)
        err = put_int(out, t->kind);
    for (size_t i = 0; !err && i < KS_ARRAY_LEN(head); i++)
        err = put_str(out, head[i]);
    if (!err)
        err = put_int(out, (long long)t->nlayers);
    for (size_t i = 0; !err && i < t->nlayers; i++) {
        err = put_str(out, t->layers[i].digest);
        if (!err)
            err = put_str(out, t->layers[i].diff_id);
        if (!err)
            err = put_str(out, t->layers[i].created_by);
    }
    for (size_t i = 0; !err && i < KS_ARRAY_LEN(os); i++)
        err = put_str(out, os[i]);
    if (!err)
        err = put_int(out, inv->owned.truncated);
    if (!err)
        err = put_int(out, inv->owned.noted);
    if (!err)
        err = put_int(out, (long long)inv->notes.len);
    for (size_t i = 0; !err && i < inv->notes.len; i++) {
        err = put_str(out, inv->notes.items[i].path);
        if (!err)
            err = put_str(out, inv->notes.items[i].message);
    }
    if (!err)
        err = put_int(out, (long long)inv->components.len);
    for (size_t i = 0; !err && i < inv->components.len; i++)
        err = put_component(out, &inv->components.items[i],
                            i ? &inv->components.items[i - 1] : NULL);
    return err;
}

/* ---- unpacking ---- */

struct reader {
    char *p, *end;    /* within the inventory's copy of the text */
    const char *what; /* the item being read, for the error */
    bool oom;
};

static bool get_int(struct reader *r, long long min, long long max, long long *out)
{
    bool neg = r->p < r->end && *r->p == '-';
    unsigned long long v = 0;
    char *start;

    r->p += neg;
    start = r->p;
    while (r->p < r->end && *r->p >= '0' && *r->p <= '9' && r->p - start < 19)
        v = v * 10 + (unsigned)(*r->p++ - '0');
    if (r->p == start || r->p >= r->end || *r->p != ',' || v > (unsigned long long)LLONG_MAX)
        return false;
    r->p++;
    *out = neg ? -(long long)v : (long long)v;
    return *out >= min && *out <= max;
}

/* A count of items that take at least `least` bytes each: no more than the
 * text left can hold (bounds what is allocated for it). */
static bool get_count(struct reader *r, size_t least, size_t *out)
{
    long long n;

    if (!get_int(r, 0, LLONG_MAX, &n) || (unsigned long long)n > (size_t)(r->end - r->p) / least)
        return false;
    *out = (size_t)n;
    return true;
}

/* A string: NULL, a literal (ended in place), or the same as `prev`
 * ("^") or `purl` ("=") where those are given. */
static bool get_str(struct reader *r, const char *prev, const char *purl, const char **out)
{
    long long len;

    if (r->p >= r->end)
        return false;
    switch (*r->p) {
    case '-':
        r->p++;
        *out = NULL;
        return true;
    case '^':
        r->p++;
        *out = prev;
        return prev != NULL;
    case '=':
        r->p++;
        *out = purl;
        return purl != NULL;
    default:
        break;
    }
    {
        /* get_int() wants the length ended by ','; it is ended by ':'. */
        char *colon =
                memchr(r->p, ':', (size_t)(r->end - r->p) < 21 ? (size_t)(r->end - r->p) : 21);

        if (!colon)
            return false;
        *colon = ',';
        if (!get_int(r, 0, LLONG_MAX, &len) || (unsigned long long)len >= (size_t)(r->end - r->p) ||
            r->p[len] != ',' || memchr(r->p, '\0', (size_t)len))
            return false;
    }
    *out = r->p;
    r->p[len] = '\0';
    r->p += len + 1;
    return true;
}

static bool get_component(struct reader *r, struct ks_inventory *inv, struct ks_component *c,
                          const struct ks_component *prev)
{
    long long v;
    size_t n;

    memset(c, 0, sizeof(*c));
    if (!get_int(r, 0, KS_PKG_KERNEL, &v))
        return false;
    c->type = (enum ks_pkg_type)v;
    for (size_t i = 0; i < KS_ARRAY_LEN(component_strings); i++)
        if (!get_str(r, prev ? FIELD(prev, component_strings[i]) : NULL,
                     i > PURL_FIELD ? c->purl : NULL, &FIELD_SET(c, component_strings[i])))
            return false;
    if (!get_int(r, 0, KS_SCOPE_DEV, &v))
        return false;
    c->scope = (enum ks_dep_scope)v;
    if (!get_int(r, -1, 1, &v))
        return false;
    c->direct = (int)v;
    if (!get_count(r, 1, &n))
        return false;
    if (n) {
        c->depends = ks_arena_calloc(&inv->arena, n, sizeof(*c->depends));
        if (!c->depends)
            return !(r->oom = true);
        c->ndepends = n;
    }
    for (size_t i = 0; i < n; i++)
        if (!get_str(r, NULL, NULL, &c->depends[i]))
            return false;
    return true;
}

static bool get_all(struct reader *r, struct ks_inventory *inv)
{
    struct ks_target *t = &inv->target;
    struct ks_distro *d = &inv->distro;
    const char **const head[] = {&t->name, &t->digest, &t->platform, &t->purl};
    const char **const os[] = {&d->id, &d->version_id, &d->codename, &d->pretty_name, &d->source};
    long long v;
    size_t n;

    r->what = "target";
    if (!get_int(r, 0, KS_TARGET_HOST, &v))
        return false;
    t->kind = (enum ks_target_kind)v;
    for (size_t i = 0; i < KS_ARRAY_LEN(head); i++)
        if (!get_str(r, NULL, NULL, head[i]))
            return false;
    if (!get_count(r, 3, &n))
        return false;
    if (n && !(t->layers = ks_arena_calloc(&inv->arena, n, sizeof(*t->layers))))
        return !(r->oom = true);
    t->nlayers = n;
    for (size_t i = 0; i < n; i++)
        if (!get_str(r, NULL, NULL, &t->layers[i].digest) ||
            !get_str(r, NULL, NULL, &t->layers[i].diff_id) ||
            !get_str(r, NULL, NULL, &t->layers[i].created_by))
            return false;
    r->what = "distribution";
    for (size_t i = 0; i < KS_ARRAY_LEN(os); i++)
        if (!get_str(r, NULL, NULL, os[i]))
            return false;
    if (!get_int(r, 0, 1, &v))
        return false;
    inv->owned.truncated = v;
    if (!get_int(r, 0, 1, &v))
        return false;
    inv->owned.noted = v;
    r->what = "notes";
    if (!get_count(r, 2, &n))
        return false;
    if (KS_VEC_RESERVE(&inv->notes, n))
        return !(r->oom = true);
    for (; inv->notes.len < n; inv->notes.len++) {
        struct ks_note *note = &inv->notes.items[inv->notes.len];

        if (!get_str(r, NULL, NULL, &note->path) || !get_str(r, NULL, NULL, &note->message) ||
            !note->message)
            return false;
    }
    r->what = "components";
    /* A component is at least 17 bytes: 4 integers and 13 strings. */
    if (!get_count(r, 17, &n))
        return false;
    if (KS_VEC_RESERVE(&inv->components, n))
        return !(r->oom = true);
    for (; inv->components.len < n; inv->components.len++)
        if (!get_component(r, inv, &inv->components.items[inv->components.len],
                           inv->components.len ? &inv->components.items[inv->components.len - 1]
                                               : NULL))
            return false;
    r->what = "the end";
    return r->p == r->end;
}

ks_err ks_inventory_unpack(struct ks_inventory *inv, const char *text, size_t len,
                           struct ks_diag *diag)
{
    size_t magic = sizeof(MAGIC) - 1;
    struct reader r;
    char *copy;

    if (len < magic || memcmp(text, MAGIC, magic))
        return ks_diag_set(diag, KS_EPARSE, "not a packed inventory (version 1)");
    copy = ks_arena_strndup(&inv->arena, text + magic, len - magic);
    if (!copy)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    r.p = copy;
    r.end = copy + (len - magic);
    r.what = "the start";
    r.oom = false;
    if (get_all(&r, inv))
        return KS_OK;
    if (r.oom)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    return ks_diag_set(diag, KS_EPARSE, "packed inventory: bad %s at byte %zu", r.what,
                       magic + (size_t)(r.p - copy));
}

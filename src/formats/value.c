#include "core/ks_common.h"

#include "formats/value.h"

const struct ks_value *ks_value_get(const struct ks_value *v, const char *key)
{
    size_t n;

    if (!v || v->type != KS_VOBJECT)
        return NULL;
    n = strlen(key);
    for (size_t i = v->u.o.len; i-- > 0;) {
        const struct ks_member *m = &v->u.o.items[i];
        if (m->key_len == n && !memcmp(m->key, key, n))
            return m->value;
    }
    return NULL;
}

const struct ks_value *ks_value_path(const struct ks_value *v, const char *path)
{
    char key[256];

    while (v && *path) {
        const char *dot = strchr(path, '.');
        size_t n = dot ? (size_t)(dot - path) : strlen(path);

        if (n >= sizeof(key))
            return NULL;
        memcpy(key, path, n);
        key[n] = '\0';
        v = ks_value_get(v, key);
        path += n + (dot ? 1 : 0);
    }
    return v;
}

const char *ks_value_str(const struct ks_value *v)
{
    return v && v->type == KS_VSTRING ? v->u.s.ptr : NULL;
}

const char *ks_value_get_str(const struct ks_value *v, const char *key)
{
    return ks_value_str(ks_value_get(v, key));
}

size_t ks_value_len(const struct ks_value *v)
{
    return v && v->type == KS_VARRAY ? v->u.a.len : 0;
}

const struct ks_value *ks_value_at(const struct ks_value *v, size_t i)
{
    return v && v->type == KS_VARRAY && i < v->u.a.len ? v->u.a.items[i] : NULL;
}

bool ks_value_int(const struct ks_value *v, int64_t *out)
{
    const char *s;
    char *end;
    long long n;

    if (!v)
        return false;
    if (v->type == KS_VINT) {
        *out = v->u.i;
        return true;
    }
    if (v->type != KS_VSTRING || !v->u.s.len)
        return false;
    s = v->u.s.ptr;
    if (!((*s >= '0' && *s <= '9') || *s == '-' || *s == '+'))
        return false;
    errno = 0;
    n = strtoll(s, &end, 10);
    if (errno || *end || end == s)
        return false;
    *out = n;
    return true;
}

bool ks_value_bool(const struct ks_value *v, bool dflt)
{
    return v && v->type == KS_VBOOL ? v->u.b : dflt;
}

bool ks_value_is(const struct ks_value *v, enum ks_vtype t)
{
    return v && v->type == t;
}

const char *ks_vtype_name(enum ks_vtype t)
{
    static const char *const names[] = {"null",   "boolean", "integer", "number",
                                        "string", "array",   "object"};
    return (size_t)t < KS_ARRAY_LEN(names) ? names[t] : "unknown";
}

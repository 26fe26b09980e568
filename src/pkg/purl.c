#include "core/ks_common.h"

#include "pkg/purl.h"

#include "core/buf.h"

static ks_err encode(struct ks_buf *b, const char *s, const char *keep)
{
    static const char hex[] = "0123456789ABCDEF";

    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        ks_err err;
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr(".-_~", *p) || (keep && strchr(keep, *p)))
            err = ks_buf_addc(b, (char)*p);
        else
            err = ks_buf_addf(b, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
        if (err)
            return err;
    }
    return KS_OK;
}

static int cmp_qual(const void *a, const void *b)
{
    return strcmp(((const struct ks_purl_qual *)a)->key, ((const struct ks_purl_qual *)b)->key);
}

const char *ks_purl_build(struct ks_arena *arena, const char *type, const char *ns,
                          const char *name, const char *version,
                          const struct ks_purl_qual *quals, size_t nquals)
{
    struct ks_buf b = KS_BUF_INIT(0);
    struct ks_purl_qual q[16];
    const char *out = NULL;
    bool first = true;
    ks_err err;

    if (nquals > KS_ARRAY_LEN(q))
        nquals = KS_ARRAY_LEN(q);
    if (nquals)
        memcpy(q, quals, nquals * sizeof(*q));
    qsort(q, nquals, sizeof(*q), cmp_qual);
    err = ks_buf_addf(&b, "pkg:%s/", type);
    if (!err && ns && *ns) {
        /* Namespace segments keep their '/' separators. */
        err = encode(&b, ns, "/");
        if (!err)
            err = ks_buf_addc(&b, '/');
    }
    if (!err)
        err = encode(&b, name, NULL);
    if (!err && version && *version) {
        err = ks_buf_addc(&b, '@');
        if (!err)
            err = encode(&b, version, ":");
    }
    for (size_t i = 0; !err && i < nquals; i++) {
        if (!q[i].value || !*q[i].value)
            continue;
        err = ks_buf_addf(&b, "%c%s=", first ? '?' : '&', q[i].key);
        if (!err)
            err = encode(&b, q[i].value, ":/");
        first = false;
    }
    if (!err)
        out = ks_arena_strndup(arena, b.ptr, b.len);
    ks_buf_release(&b);
    return out;
}

/* pkg/lang/java.c - Maven coordinates of jars: META-INF/maven/ ** /pom.properties
 * (one per bundled artifact, so shaded jars yield several) and, when a jar
 * has none, a best guess from META-INF/MANIFEST.MF (see ks_lang_finish). */
#include "core/ks_common.h"

#include "core/buf.h"
#include "core/str.h"
#include "pkg/inventory.h"
#include "pkg/lang/internal.h"

/* ---- pom.properties ---- */

static bool pom_wants(const char *path, unsigned mode)
{
    (void)mode;
    return strstr(path, "META-INF/maven/") && ks_ends_with(path, "/pom.properties");
}

/* Value of `key` in a Java properties text (key=value or key: value). */
static char *prop(struct lang_set *s, const char *data, size_t len, const char *key)
{
    size_t klen = strlen(key), i = 0;

    while (i < len) {
        const char *l = data + i, *nl = memchr(l, '\n', len - i);
        size_t n = nl ? (size_t)(nl - l) : len - i;
        struct ks_str t = ks_str_trim((struct ks_str){l, n});
        i += n + 1;
        if (!t.len || t.ptr[0] == '#' || t.ptr[0] == '!')
            continue;
        if (t.len > klen && !strncmp(t.ptr, key, klen)) {
            struct ks_str r = {t.ptr + klen, t.len - klen};
            r = ks_str_trim(r);
            if (r.len && (r.ptr[0] == '=' || r.ptr[0] == ':')) {
                r = ks_str_trim((struct ks_str){r.ptr + 1, r.len - 1});
                return r.len ? lang_strndup(s, r.ptr, r.len) : NULL;
            }
        }
    }
    return NULL;
}

static ks_err pom_parse(struct ks_collect_ctx *ctx, const char *data, size_t len,
                        struct ks_diag *diag)
{
    struct lang_set s;
    char *g, *a, *v, *name;
    ks_err e = KS_OK;

    lang_set_init(&s, ctx);
    if (memchr(data, '\0', len)) {
        e = lang_bad(&s, diag, "binary data in pom.properties");
        goto done;
    }
    g = prop(&s, data, len, "groupId");
    a = prop(&s, data, len, "artifactId");
    v = prop(&s, data, len, "version");
    if (!g || !a || !v) {
        e = lang_bad(&s, diag, "pom.properties lacks %s", !g ? "groupId" : !a ? "artifactId"
                                                                          : "version");
        goto done;
    }
    name = ks_arena_printf(&s.scratch, "%s:%s", g, a);
    if (!name || lang_add(&s, KS_PKG_MAVEN, name, v, NULL, diag) == LANG_NONE)
        e = ks_diag_set(diag, KS_ENOMEM, "out of memory");
done:
    lang_set_release(&s);
    return e;
}

const struct ks_collector lang_java_pom_properties = {"java-pom-properties", pom_wants,
                                                      pom_parse};

/* ---- MANIFEST.MF ---- */

static bool manifest_wants(const char *path, unsigned mode)
{
    (void)mode;
    return ks_ends_with(path, "!/META-INF/MANIFEST.MF");
}

/* Main-section attribute `key` with 72-column continuation lines joined. */
static char *attr(struct lang_set *s, const char *data, size_t len, const char *key)
{
    size_t klen = strlen(key), i = 0;
    struct ks_buf b = KS_BUF_INIT(1u << 16);
    char *r = NULL;

    while (i < len) {
        const char *l = data + i, *nl = memchr(l, '\n', len - i);
        size_t n = nl ? (size_t)(nl - l) : len - i;
        i += n + 1;
        if (n && l[n - 1] == '\r')
            n--;
        if (!n)
            break; /* end of the main section */
        if (n > klen + 1 && !strncasecmp(l, key, klen) && l[klen] == ':') {
            struct ks_str v = ks_str_trim((struct ks_str){l + klen + 1, n - klen - 1});
            ks_buf_add(&b, v.ptr, v.len);
            while (i < len && data[i] == ' ') { /* continuation */
                const char *c = data + i + 1, *cnl = memchr(c, '\n', len - i - 1);
                size_t cn = cnl ? (size_t)(cnl - c) : len - i - 1;
                i += cn + 2;
                if (cn && c[cn - 1] == '\r')
                    cn--;
                ks_buf_add(&b, c, cn);
            }
            if (b.len)
                r = lang_strndup(s, b.ptr, b.len);
            break;
        }
    }
    ks_buf_release(&b);
    return r;
}

static ks_err manifest_parse(struct ks_collect_ctx *ctx, const char *data, size_t len,
                             struct ks_diag *diag)
{
    struct lang_set s;
    const char *bang = strstr(ctx->path, "!/META-INF/MANIFEST.MF"), *base;
    char *ver, *fver, *group, *artifact, *name;
    size_t alen;
    ks_err e = KS_OK;

    lang_set_init(&s, ctx);
    if (memchr(data, '\0', len)) {
        e = lang_bad(&s, diag, "binary data in MANIFEST.MF");
        goto done;
    }
    if (!bang)
        goto done;
    /* artifactId: the jar's file name up to "-<digit>" (the version), as
     * Maven names its artifacts; version: Implementation-Version, else the
     * file name's. groupId only when the manifest states it
     * (Implementation-Vendor-Id, which Maven's archiver fills with the
     * groupId): Bundle-SymbolicName is groupId, groupId.artifactId or
     * something else entirely, so guessing from it yields wrong coordinates
     * (guava's "com.google.guava" would become group "com.google"). */
    base = bang;
    while (base > ctx->path && base[-1] != '/' && base[-1] != '!')
        base--;
    alen = (size_t)(bang - base);
    if (alen > 4 && (!strncmp(bang - 4, ".jar", 4) || !strncmp(bang - 4, ".war", 4) ||
                     !strncmp(bang - 4, ".ear", 4) || !strncmp(bang - 4, ".par", 4)))
        alen -= 4;
    fver = NULL;
    for (size_t i = 1; i + 1 < alen; i++)
        if (base[i] == '-' && base[i + 1] >= '0' && base[i + 1] <= '9') {
            fver = lang_strndup(&s, base + i + 1, alen - i - 1);
            alen = i;
            break;
        }
    artifact = lang_strndup(&s, base, alen);
    ver = attr(&s, data, len, "Implementation-Version");
    if (!ver)
        ver = fver;
    group = attr(&s, data, len, "Implementation-Vendor-Id");
    if (!ver || !group || !artifact || !*artifact) {
        e = ks_inventory_note(ctx->inv, ctx->path,
                              "jar not identified: no pom.properties and no "
                              "Implementation-Vendor-Id/Version in MANIFEST.MF");
        goto done;
    }
    name = ks_arena_printf(&s.scratch, "%s:%s", group, artifact);
    if (!name || lang_add(&s, KS_PKG_MAVEN, name, ver, NULL, diag) == LANG_NONE)
        e = ks_diag_set(diag, KS_ENOMEM, "out of memory");
done:
    lang_set_release(&s);
    return e;
}

const struct ks_collector lang_java_manifest = {"java-manifest", manifest_wants,
                                                manifest_parse};

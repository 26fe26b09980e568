/* pkg/lang/golang.c - Go module build info embedded in binaries (the
 * .go.buildinfo section, Go >= 1.18 inline format) and go.mod files. */
#include "core/ks_common.h"

#include "core/buf.h"
#include "core/str.h"
#include "pkg/inventory.h"
#include "pkg/lang/internal.h"

#include <sys/stat.h>

static const char buildinfo_magic[14] = "\xff Go buildinf:";

static bool gobin_wants(const char *path, unsigned mode)
{
    (void)path;
    return S_ISREG(mode) && (mode & 0111);
}

static bool uvarint(const unsigned char *p, size_t len, size_t *pos, uint64_t *out)
{
    uint64_t v = 0;

    for (unsigned shift = 0; shift < 64 && *pos < len; shift += 7) {
        unsigned char b = p[(*pos)++];
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return true;
        }
    }
    return false;
}

/* Splits `line` at tabs into at most `max` fields. */
static size_t tab_fields(char *line, char **f, size_t max)
{
    size_t n = 0;

    while (n < max) {
        char *tab = strchr(line, '\t');
        f[n++] = line;
        if (!tab)
            break;
        *tab = '\0';
        line = tab + 1;
    }
    return n;
}

static ks_err modinfo_parse(struct ks_lang_set *s, char *mi, const char *gover,
                            struct ks_diag *diag)
{
    char *line = mi, *f[4];
    /* The module named by the last mod/dep line, for a following "=>".
     * Build info lists every module linked in, not which ones the main
     * module requires directly, so no dependency edges are recorded. */
    char *pend_path = NULL, *pend_ver = NULL;
    bool pend_main = false;
    size_t main_idx = KS_LANG_NONE;
    ks_err e = KS_OK;

    for (bool last = false; !last;) {
        char *nl = strchr(line, '\n');
        size_t n;
        if (nl)
            *nl = '\0';
        last = !nl || !nl[1];
        n = tab_fields(line, f, 4);
        if (n >= 2 && (!strcmp(f[0], "mod") || !strcmp(f[0], "dep") || !strcmp(f[0], "=>"))) {
            bool repl = !strcmp(f[0], "=>");
            if (!repl && pend_path) {
                size_t idx = ks_lang_add(s, KS_PKG_GO, pend_path, pend_ver, NULL, diag);
                if (idx == KS_LANG_NONE)
                    return KS_ENOMEM;
                if (pend_main)
                    main_idx = idx;
            }
            if (repl) {
                /* A replacement by a local directory is code of this build,
                 * not a published module (go.mod drops it the same way). */
                if (f[1][0] == '.' || f[1][0] == '/') {
                    pend_path = NULL;
                } else if (n >= 3 && f[2][0]) {
                    pend_path = f[1];
                    pend_ver = f[2];
                }
            } else {
                pend_main = !strcmp(f[0], "mod");
                pend_path = f[1];
                pend_ver = n >= 3 && strcmp(f[2], "(devel)") && f[2][0] ? f[2] : NULL;
            }
        }
        if (!nl)
            break;
        line = nl + 1;
    }
    if (pend_path) {
        size_t idx = ks_lang_add(s, KS_PKG_GO, pend_path, pend_ver, NULL, diag);
        if (idx == KS_LANG_NONE)
            return KS_ENOMEM;
        if (pend_main)
            main_idx = idx;
    }
    if (main_idx != KS_LANG_NONE)
        ks_lang_scope(s, main_idx, KS_SCOPE_REQUIRED, 1);
    /* The toolchain: "go1.21.5" (maybe followed by " X:exp"), as "v1.21.5". */
    if (gover && !strncmp(gover, "go", 2) && gover[2] >= '0' && gover[2] <= '9') {
        size_t vlen = strcspn(gover + 2, " \t");
        char *v = ks_arena_printf(&s->scratch, "v%.*s", (int)vlen, gover + 2);
        size_t idx = v ? ks_lang_add(s, KS_PKG_GO_STDLIB, "stdlib", v, NULL, diag) : KS_LANG_NONE;
        if (idx == KS_LANG_NONE)
            return ks_diag_set(diag, KS_ENOMEM, "out of memory");
        ks_lang_scope(s, idx, KS_SCOPE_REQUIRED, -1);
    } else if (gover) {
        e = ks_inventory_note(
                s->ctx->inv, s->ctx->path,
                "Go toolchain version '%.40s' is not a release: stdlib not inventoried", gover);
    }
    return e;
}

static ks_err gobin_parse(struct ks_collect_ctx *ctx, const char *data, size_t len,
                          struct ks_diag *diag)
{
    const unsigned char *d;
    struct ks_lang_set s;
    struct ks_blob tmp;
    struct ks_buf sec = KS_BUF_INIT(ctx->lim->max_file_size);
    size_t size, pos = 32;
    uint64_t vlen, mlen;
    char *gover, *mi;
    ks_err e = KS_OK;

    ks_lang_set_init(&s, ctx);
    if (!ks_lang_elf_section(ks_lang_blob(ctx, data, len, &tmp), ".go.buildinfo", &sec, &e)) {
        /* not a Go binary (or not ELF): nothing to say */
        if (e == KS_ENOMEM)
            e = ks_diag_set(diag, KS_ENOMEM, "out of memory");
        else if (e)
            e = ks_lang_bad(&s, diag, "cannot read the '.go.buildinfo' section");
        goto done;
    }
    d = (const unsigned char *)sec.ptr;
    size = sec.len;
    if (size < 32 || memcmp(d, buildinfo_magic, sizeof(buildinfo_magic))) {
        e = ks_lang_bad(&s, diag, "'.go.buildinfo' section without the build info header");
        goto done;
    }
    if (!(d[15] & 2)) {
        e = ks_inventory_note(ctx->inv, ctx->path,
                              "Go binary built before Go 1.18 (pointer build info): "
                              "modules not inventoried");
        goto done;
    }
    if (!uvarint(d, size, &pos, &vlen) || vlen > size - pos) {
        e = ks_lang_bad(&s, diag, "truncated Go version in build info");
        goto done;
    }
    gover = ks_lang_strndup(&s, (const char *)d + pos, (size_t)vlen);
    pos += (size_t)vlen;
    if (!uvarint(d, size, &pos, &mlen) || mlen > size - pos) {
        e = ks_lang_bad(&s, diag, "truncated module info in build info");
        goto done;
    }
    /* Module info is framed by 16 sentinel bytes on each side. */
    {
        size_t mstart = pos, mn = (size_t)mlen;
        if (mn >= 33 && d[pos + mn - 17] == '\n') {
            mstart += 16;
            mn -= 32;
        }
        if (memchr(d + mstart, '\0', mn)) {
            e = ks_lang_bad(&s, diag, "NUL in Go module info");
            goto done;
        }
        mi = ks_lang_strndup(&s, (const char *)d + mstart, mn);
    }
    if (!gover || !mi) {
        e = ks_diag_set(diag, KS_ENOMEM, "out of memory");
        goto done;
    }
    if ((e = modinfo_parse(&s, mi, gover, diag)))
        goto done;
    e = ks_lang_set_finish(&s, diag);
done:
    ks_buf_release(&sec);
    ks_lang_set_release(&s);
    return e;
}

const struct ks_collector ks_lang_go_binary = {"go-binary", gobin_wants, gobin_parse};

/* ---- go.mod ---- */

static bool gomod_wants(const char *path, unsigned mode)
{
    (void)mode;
    return ks_lang_path_is(path, "go.mod");
}

/* Next whitespace-separated token of `*p` (a "quoted" or `raw` string is one). */
static bool token(struct ks_lang_set *s, const char **p, const char *end, char **out)
{
    const char *q = *p, *start;

    while (q < end && (*q == ' ' || *q == '\t'))
        q++;
    if (q >= end || (q + 1 < end && q[0] == '/' && q[1] == '/'))
        return false;
    if (*q == '"' || *q == '`') {
        char quote = *q++;
        start = q;
        while (q < end && *q != quote)
            q++;
        *out = ks_lang_strndup(s, start, (size_t)(q - start));
        *p = q < end ? q + 1 : q;
        return *out != NULL;
    }
    start = q;
    while (q < end && *q != ' ' && *q != '\t' && !(q + 1 < end && q[0] == '/' && q[1] == '/'))
        q++;
    *out = ks_lang_strndup(s, start, (size_t)(q - start));
    *p = q;
    return *out != NULL;
}

struct gomod_req {
    char *path, *ver;
    bool indirect;
};

struct gomod_repl {
    char *from, *from_ver, *to, *to_ver;
};

static ks_err gomod_parse(struct ks_collect_ctx *ctx, const char *data, size_t len,
                          struct ks_diag *diag)
{
    KS_VEC(struct gomod_req) reqs = KS_VEC_INIT;
    KS_VEC(struct gomod_repl) repls = KS_VEC_INIT;
    struct ks_lang_set s;
    char block[16] = "";
    size_t i = 0;
    unsigned lineno = 0;
    bool have_module = false;
    ks_err e = KS_OK;

    ks_lang_set_init(&s, ctx);
    if (memchr(data, '\0', len)) {
        e = ks_lang_bad(&s, diag, "binary data in go.mod");
        goto done;
    }
    while (i < len) {
        const char *l = data + i, *nl = memchr(l, '\n', len - i), *end, *p;
        size_t n = nl ? (size_t)(nl - l) : len - i;
        char *verb = NULL, *a = NULL, *b = NULL, *c = NULL, *d = NULL, *x = NULL;
        i += n + 1;
        lineno++;
        end = l + n;
        p = l;
        if (!token(&s, &p, end, &verb))
            continue;
        if (block[0] && !strcmp(verb, ")")) {
            block[0] = '\0';
            continue;
        }
        if (!block[0]) {
            if (!strcmp(verb, "module"))
                have_module = true;
            if (strcmp(verb, "require") && strcmp(verb, "replace"))
                continue;
            if (!token(&s, &p, end, &a)) {
                e = ks_lang_bad(&s, diag, "line %u: '%s' without arguments", lineno, verb);
                goto done;
            }
            if (!strcmp(a, "(")) {
                snprintf(block, sizeof(block), "%s", verb);
                continue;
            }
        } else {
            a = verb;
            verb = block;
        }
        token(&s, &p, end, &b);
        token(&s, &p, end, &c);
        token(&s, &p, end, &d);
        token(&s, &p, end, &x);
        if (!strcmp(verb, "require")) {
            struct gomod_req r = {a, b, false};
            const char *cm = memmem(p, (size_t)(end - p), "//", 2);
            if (!b) {
                e = ks_lang_bad(&s, diag, "line %u: require without a version", lineno);
                goto done;
            }
            r.indirect = cm && cm < end &&
                         strstr(ks_lang_strndup(&s, cm, (size_t)(end - cm)), "indirect");
            if (KS_VEC_PUSH(&reqs, r)) {
                e = ks_diag_set(diag, KS_ENOMEM, "out of memory");
                goto done;
            }
        } else if (!strcmp(verb, "replace")) {
            /* a [v] => b [v] */
            struct gomod_repl r = {a, NULL, NULL, NULL};
            if (b && !strcmp(b, "=>")) {
                r.to = c;
                r.to_ver = d;
            } else if (c && !strcmp(c, "=>")) {
                r.from_ver = b;
                r.to = d;
                r.to_ver = x;
            }
            if (!r.to) {
                e = ks_lang_bad(&s, diag, "line %u: malformed replace", lineno);
                goto done;
            }
            if (KS_VEC_PUSH(&repls, r)) {
                e = ks_diag_set(diag, KS_ENOMEM, "out of memory");
                goto done;
            }
        }
    }
    if (!have_module) {
        e = ks_lang_bad(&s, diag, "no 'module' directive");
        goto done;
    }
    for (size_t k = 0; k < reqs.len; k++) {
        struct gomod_req *r = &reqs.items[k];
        const char *path = r->path, *ver = r->ver;
        bool local = false;
        size_t idx;
        for (size_t j = repls.len; j-- > 0;) {
            struct gomod_repl *rp = &repls.items[j];
            if (strcmp(rp->from, r->path) || (rp->from_ver && strcmp(rp->from_ver, r->ver)))
                continue;
            if (!rp->to_ver)
                local = true; /* a directory: the code is part of this tree */
            else {
                path = rp->to;
                ver = rp->to_ver;
            }
            break;
        }
        if (local)
            continue;
        idx = ks_lang_add(&s, KS_PKG_GO, path, ver, NULL, diag);
        if (idx == KS_LANG_NONE) {
            e = KS_ENOMEM;
            goto done;
        }
        ks_lang_scope(&s, idx, KS_SCOPE_REQUIRED, r->indirect ? 0 : 1);
    }
done:
    KS_VEC_RELEASE(&reqs);
    KS_VEC_RELEASE(&repls);
    ks_lang_set_release(&s);
    return e;
}

const struct ks_collector ks_lang_go_mod = {"go-mod", gomod_wants, gomod_parse};

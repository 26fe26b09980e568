/* ingest/registry_pull.c - a registry pull over http/http.h (kensa-net only). */
#include "core/ks_common.h"

#include "ingest/registry_pull.h"

#include "core/arena.h"
#include "core/buf.h"
#include "core/file.h"
#include "core/hash.h"
#include "core/str.h"
#include "formats/json.h"
#include "http/http.h"
#include "ingest/image.h"
#include "ingest/registry.h"

#include <ctype.h>

#define MAX_MANIFEST (4u << 20)
#define MAX_TOKEN_RESPONSE (1u << 20)
#define MAX_HEADERS (64u << 10)
#define MAX_INDEX_DEPTH 4

struct pull {
    const char *ref;
    struct ks_reg_ref r;
    const struct ks_reg_pull_opts *o;
    struct ks_reg_pull_result *res;
    const char *scheme; /* "http" or "https" */
    bool allow_http;
    char auth[16384]; /* "Authorization: …" or "" */
    bool tried_auth;
    struct ks_arena arena;
    struct ks_buf headers;
    uint64_t streamed, to_fetch; /* blob bytes, for progress */
};

static ks_err url_escape(struct ks_buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        ks_err err = isalnum(c) || strchr("-._~", c) ? ks_buf_addc(b, (char)c)
                                                     : ks_buf_addf(b, "%%%02X", c);
        if (err)
            return err;
    }
    return KS_OK;
}

/* The host part of an http(s) URL, for the plain-http rule. */
static void url_host(const char *url, char *out, size_t cap)
{
    const char *p = strstr(url, "://");
    size_t n;

    p = p ? p + 3 : url;
    n = strcspn(p, "/?#");
    if (memchr(p, '@', n)) { /* userinfo */
        const char *at = memchr(p, '@', n);
        n -= (size_t)(at + 1 - p);
        p = at + 1;
    }
    if (n >= cap)
        n = cap - 1;
    memcpy(out, p, n);
    out[n] = '\0';
}

struct token_sink {
    struct ks_buf *buf;
};

static bool to_buf(void *ctx, const void *data, size_t len)
{
    struct token_sink *s = ctx;
    return ks_buf_add(s->buf, data, len) == KS_OK;
}

/* Answers a WWW-Authenticate challenge; true when there is something new to
 * try. */
static ks_err authenticate(struct pull *p, struct ks_diag *diag)
{
    struct ks_reg_challenge ch;
    struct ks_buf url = KS_BUF_INIT(0), body = KS_BUF_INIT(MAX_TOKEN_RESPONSE),
                  b64 = KS_BUF_INIT(0);
    char value[2048], host[300];
    ks_err err;

    if (p->tried_auth)
        return ks_diag_set(diag, KS_EIO, "'%s': the registry refused the credentials (HTTP 401)%s",
                           p->ref, p->o->userpass ? "" : "; it needs a login: set "
                                                         "KENSA_REGISTRY_AUTH=user:password or "
                                                         "use docker login");
    p->tried_auth = true;
    if (!ks_reg_header(p->headers.ptr ? p->headers.ptr : "", "WWW-Authenticate", value,
                       sizeof(value)))
        return ks_diag_set(diag, KS_EIO, "'%s': HTTP 401 without a WWW-Authenticate challenge",
                           p->ref);
    err = ks_reg_challenge_parse(value, &ch, diag);
    if (err)
        return ks_diag_prefix(diag, "'%s': ", p->ref), err;
    if (p->o->userpass) {
        err = ks_reg_base64(p->o->userpass, strlen(p->o->userpass), &b64);
        if (err) {
            err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
            goto done;
        }
    }
    if (ch.scheme == KS_REG_AUTH_BASIC) {
        if (!p->o->userpass) {
            err = ks_diag_set(diag, KS_EIO,
                              "'%s': the registry needs a login (Basic authentication); set "
                              "KENSA_REGISTRY_AUTH=user:password or use docker login",
                              p->ref);
            goto done;
        }
        snprintf(p->auth, sizeof(p->auth), "Authorization: Basic %s", ks_buf_str(&b64));
        goto done;
    }
    /* Bearer: a token from the realm. */
    {
        struct token_sink sink = {&body};
        const char *basic_hdr[1];
        char basic[2048];
        struct ks_http_get_opts go;
        struct ks_value *doc;
        const char *token;
        long status;

        url_host(ch.realm, host, sizeof(host));
        err = ks_buf_addf(&url, "%s%cservice=", ch.realm, strchr(ch.realm, '?') ? '&' : '?');
        if (!err)
            err = url_escape(&url, ch.service);
        if (!err)
            err = ks_buf_adds(&url, "&scope=");
        if (!err && ch.scope[0])
            err = url_escape(&url, ch.scope);
        else if (!err)
            err = ks_buf_addf(&url, "repository%%3A%s%%3Apull", p->r.repo);
        if (err) {
            err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
            goto done;
        }
        memset(&go, 0, sizeof(go));
        if (p->o->userpass) {
            snprintf(basic, sizeof(basic), "Authorization: Basic %s", ks_buf_str(&b64));
            basic_hdr[0] = basic;
            go.headers = basic_hdr;
            go.nheaders = 1;
        }
        go.follow = true;
        go.allow_http = p->o->insecure || ks_reg_host_is_local(host);
        go.max_size = MAX_TOKEN_RESPONSE;
        go.timeout_s = 60;
        go.body = to_buf;
        go.ctx = &sink;
        err = ks_http_get(url.ptr, &go, &status, NULL, diag);
        if (err)
            goto done;
        if (status != 200) {
            err = ks_diag_set(diag, KS_EIO, "'%s': the token service '%s' answered HTTP %ld%s",
                              p->ref, ch.realm, status,
                              status == 401 ? (p->o->userpass ? " (credentials refused)"
                                                              : " (it needs a login: set "
                                                                "KENSA_REGISTRY_AUTH=user:password)")
                                            : "");
            goto done;
        }
        err = ks_json_parse(&p->arena, "token response", body.ptr ? body.ptr : "", body.len,
                            p->o->lim, &doc, diag);
        if (err)
            goto done;
        token = ks_value_get_str(doc, "token");
        if (!token || !*token)
            token = ks_value_get_str(doc, "access_token");
        if (!token || !*token || strlen(token) > sizeof(p->auth) - 32 ||
            strpbrk(token, "\r\n \t")) {
            err = ks_diag_set(diag, KS_EPARSE, "'%s': the token service '%s' sent no usable token",
                              p->ref, ch.realm);
            goto done;
        }
        snprintf(p->auth, sizeof(p->auth), "Authorization: Bearer %s", token);
    }
done:
    ks_buf_release(&url);
    ks_buf_release(&body);
    ks_buf_release(&b64);
    return err;
}

/* GET `path` (under /v2/REPO/) with the current authorisation, answering one
 * 401 challenge. `reset` is called before each attempt so a retried body
 * starts over. */
typedef ks_err reset_fn(void *ctx, struct ks_diag *diag);

static ks_err get(struct pull *p, const char *path, const char *accept, uint64_t max,
                  bool (*body)(void *, const void *, size_t), void *ctx, reset_fn *reset,
                  long *status, struct ks_diag *diag)
{
    struct ks_buf url = KS_BUF_INIT(0);
    ks_err err = ks_buf_addf(&url, "%s://%s/v2/%s/%s", p->scheme, p->r.host, p->r.repo, path);

    if (err)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    for (int attempt = 0; attempt < 3; attempt++) {
        const char *hdrs[2];
        struct ks_http_get_opts go;
        size_t n = 0;

        if (accept)
            hdrs[n++] = accept;
        if (p->auth[0])
            hdrs[n++] = p->auth;
        memset(&go, 0, sizeof(go));
        go.headers = hdrs;
        go.nheaders = n;
        go.follow = true;
        go.allow_http = p->allow_http;
        go.max_size = max;
        go.timeout_s = 600;
        go.body = body;
        go.ctx = ctx;
        if (reset) {
            err = reset(ctx, diag);
            if (err)
                break;
        }
        err = ks_http_get(url.ptr, &go, status, &p->headers, diag);
        if (err)
            break;
        if (*status != 401)
            break;
        err = authenticate(p, diag);
        if (err)
            break;
    }
    if (!err && *status != 200) {
        if (*status == 404)
            err = ks_diag_set(diag, KS_ENOTFOUND, "'%s': not found in the registry (%s)", p->ref,
                              url.ptr);
        else if (*status == 403)
            err = ks_diag_set(diag, KS_EIO, "'%s': access denied by the registry (HTTP 403)",
                              p->ref);
        else
            err = ks_diag_set(diag, KS_EIO, "'%s': '%s' answered HTTP %ld", p->ref, url.ptr,
                              *status);
    }
    ks_buf_release(&url);
    return err;
}

/* ---- manifests ---- */

struct mbuf {
    struct ks_buf *buf;
};

static bool mbuf_body(void *ctx, const void *data, size_t len)
{
    return ks_buf_add(((struct mbuf *)ctx)->buf, data, len) == KS_OK;
}

static ks_err mbuf_reset(void *ctx, struct ks_diag *diag)
{
    KS_UNUSED(diag);
    ks_buf_reset(((struct mbuf *)ctx)->buf);
    return KS_OK;
}

/* Fetches manifest `what` (a tag or a digest) into `out`, verified, cached
 * (digests only: a tag's answer is cached under its computed digest). */
static ks_err get_manifest(struct pull *p, const char *what, struct ks_buf *out, char *digest,
                           char *ctype, size_t ctcap, struct ks_diag *diag)
{
    bool by_digest = ks_starts_with(what, "sha256:");
    unsigned char sum[KS_SHA256_LEN];
    char hex[KS_SHA256_HEX], claimed[128];
    struct mbuf mb = {out};
    const char *want_hex;
    long status;
    ks_err err;

    ctype[0] = '\0';
    ks_buf_reset(out);
    if (by_digest && ks_reg_digest_valid(what, &want_hex) &&
        ks_reg_cache_has(p->o->cache, what, UINT64_MAX)) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/blobs/sha256/%s", p->o->cache, want_hex);
        err = ks_file_read(path, MAX_MANIFEST, out, diag);
        if (err)
            return err;
        snprintf(digest, 72, "%s", what);
        p->res->cached++;
        return KS_OK;
    }
    {
        char path[300];
        snprintf(path, sizeof(path), "manifests/%s", what);
        err = get(p, path, KS_REG_ACCEPT, MAX_MANIFEST, mbuf_body, &mb, mbuf_reset, &status,
                  diag);
    }
    if (err)
        return err;
    ks_reg_header(p->headers.ptr ? p->headers.ptr : "", "Content-Type", ctype, ctcap);
    {
        /* Schema 1 says so before any digest check: its digest covers the
         * payload without the signatures, which we do not verify. */
        struct ks_reg_manifest m;
        struct ks_diag d = KS_DIAG_INIT;
        if (ks_reg_manifest_parse(&p->arena, p->ref, ctype[0] ? ctype : NULL,
                                  out->ptr ? out->ptr : "", out->len, p->o->lim, &m,
                                  &d) == KS_EUNSUPPORTED) {
            *diag = d;
            return KS_EUNSUPPORTED;
        }
    }
    ks_sha256(out->ptr ? out->ptr : "", out->len, sum);
    ks_hex(sum, sizeof(sum), hex);
    snprintf(digest, 72, "sha256:%s", hex);
    if (by_digest && strcmp(digest, what))
        return ks_diag_set(diag, KS_EPARSE,
                           "'%s': digest mismatch: asked for manifest %s, got content %s", p->ref,
                           what, digest);
    if (!by_digest &&
        ks_reg_header(p->headers.ptr ? p->headers.ptr : "", "Docker-Content-Digest", claimed,
                      sizeof(claimed)) &&
        ks_starts_with(claimed, "sha256:") && strcmp(claimed, digest))
        return ks_diag_set(diag, KS_EPARSE,
                           "'%s': digest mismatch: the registry says %s, the manifest is %s",
                           p->ref, claimed, digest);
    p->res->manifests++;
    p->res->bytes += out->len;
    return ks_reg_cache_put(p->o->cache, digest, out->ptr ? out->ptr : "", out->len, diag);
}

/* ---- blobs ---- */

struct bsink {
    struct pull *p;
    const char *digest;
    uint64_t max;
    struct ks_reg_blob_writer *w;
};

static bool blob_body(void *ctx, const void *data, size_t len)
{
    struct bsink *b = ctx;

    b->p->streamed += len;
    ks_progress_update(b->p->o->progress, "downloading (bytes)", b->p->streamed,
                       b->p->to_fetch > b->p->streamed ? b->p->to_fetch : b->p->streamed);
    return ks_reg_cache_write(b->w, data, len);
}

static ks_err blob_reset(void *ctx, struct ks_diag *diag)
{
    struct bsink *b = ctx;
    ks_reg_cache_abort(b->w);
    b->w = NULL;
    return ks_reg_cache_begin(b->p->o->cache, b->digest, b->max, &b->w, diag);
}

static ks_err get_blob(struct pull *p, const struct ks_reg_desc *d, uint64_t limit,
                       struct ks_diag *diag)
{
    struct bsink b = {p, d->digest, d->size, NULL};
    char path[300];
    long status;
    ks_err err;

    if (ks_reg_cache_has(p->o->cache, d->digest, d->size)) {
        p->res->cached++;
        return KS_OK;
    }
    if (d->size > limit)
        return ks_diag_set(diag, KS_ELIMIT, "'%s': blob '%s' has %llu bytes, over the limit of %llu",
                           p->ref, d->digest, (unsigned long long)d->size,
                           (unsigned long long)limit);
    snprintf(path, sizeof(path), "blobs/%s", d->digest);
    err = get(p, path, NULL, d->size + 65536, blob_body, &b, blob_reset, &status, diag);
    if (err) {
        ks_reg_cache_abort(b.w);
        return err;
    }
    p->res->fetched++;
    p->res->bytes += d->size;
    err = ks_reg_cache_commit(b.w, d->size, diag);
    if (err)
        ks_diag_prefix(diag, "'%s': ", p->ref);
    return err;
}

ks_err ks_reg_pull(const char *ref, const struct ks_reg_pull_opts *o,
                   struct ks_reg_pull_result *res, struct ks_diag *diag)
{
    struct pull p;
    struct ks_buf body = KS_BUF_INIT(MAX_MANIFEST), layout = KS_BUF_INIT(0);
    struct ks_reg_manifest man;
    struct ks_reg_desc top;
    char digest[72] = "", ctype[160] = "";
    const char *what;
    uint64_t total = 0;
    ks_err err;

    memset(res, 0, sizeof(*res));
    memset(&p, 0, sizeof(p));
    memset(&top, 0, sizeof(top));
    memset(&man, 0, sizeof(man));
    ks_arena_init(&p.arena, 0, 0);
    ks_buf_init(&p.headers, MAX_HEADERS);
    p.ref = ref;
    p.o = o;
    p.res = res;
    err = ks_reg_ref_parse(ref, &p.r, diag);
    if (err)
        goto done;
    p.allow_http = o->insecure || ks_reg_host_is_local(p.r.host);
    p.scheme = p.allow_http ? "http" : "https";
    err = ks_reg_cache_init(o->cache, diag);
    if (err)
        goto done;
    what = p.r.digest[0] ? p.r.digest : p.r.tag;
    err = get_manifest(&p, what, &body, digest, ctype, sizeof(ctype), diag);
    if (!err)
        err = ks_reg_manifest_parse(&p.arena, ref, ctype[0] ? ctype : NULL,
                                    body.ptr ? body.ptr : "", body.len, o->lim, &man, diag);
    if (!err) {
        top.digest = ks_arena_strdup(&p.arena, digest);
        top.size = body.len;
    }
    /* An index: pick the platform's manifest (indexes may nest). */
    for (unsigned depth = 0; !err && man.is_index; depth++) {
        const char **plats;
        const struct ks_reg_desc **cands;
        size_t n = 0, at = 0;

        if (depth >= MAX_INDEX_DEPTH) {
            err = ks_diag_set(diag, KS_EPARSE, "'%s': image indexes nested too deep", ref);
            break;
        }
        if (depth == 0)
            snprintf(res->index, sizeof(res->index), "%s", digest);
        plats = ks_arena_calloc(&p.arena, man.ndescs + 1, sizeof(*plats));
        cands = ks_arena_calloc(&p.arena, man.ndescs + 1, sizeof(*cands));
        if (!plats || !cands) {
            err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
            break;
        }
        for (size_t i = 0; i < man.ndescs; i++) {
            const struct ks_reg_desc *d = &man.descs[i];
            /* Attestation manifests (buildx) are not images. */
            if (d->platform && ks_starts_with(d->platform, "unknown/"))
                continue;
            plats[n] = d->platform;
            cands[n++] = d;
        }
        if (n == 0) {
            err = ks_diag_set(diag, KS_EPARSE, "'%s': the image index lists no image", ref);
            break;
        }
        err = ks_image_pick_platform(ref, plats, n, o->platform, &at, diag);
        if (err)
            break;
        top = *cands[at];
        if (top.size > MAX_MANIFEST) {
            err = ks_diag_set(diag, KS_ELIMIT, "'%s': manifest '%s' is too large", ref,
                              top.digest);
            break;
        }
        err = get_manifest(&p, top.digest, &body, digest, ctype, sizeof(ctype), diag);
        if (!err && body.len != top.size)
            err = ks_diag_set(diag, KS_EPARSE, "'%s': manifest '%s' has %zu bytes, the index says %llu",
                              ref, top.digest, body.len, (unsigned long long)top.size);
        if (!err)
            err = ks_reg_manifest_parse(&p.arena, top.digest, ctype[0] ? ctype : NULL,
                                        body.ptr ? body.ptr : "", body.len, o->lim, &man, diag);
    }
    if (err)
        goto done;
    if (man.config.size > o->lim->max_file_size) {
        err = ks_diag_set(diag, KS_ELIMIT, "'%s': image config of %llu bytes is over max_file_size",
                          ref, (unsigned long long)man.config.size);
        goto done;
    }
    for (size_t i = 0; i < man.ndescs; i++) {
        total += man.descs[i].size;
        if (total > o->lim->max_expanded) {
            err = ks_diag_set(diag, KS_ELIMIT,
                              "'%s': layers add up to more than max_expanded (%llu bytes)", ref,
                              (unsigned long long)o->lim->max_expanded);
            goto done;
        }
    }
    for (size_t i = 0; i < man.ndescs; i++)
        if (!ks_reg_cache_has(o->cache, man.descs[i].digest, man.descs[i].size))
            p.to_fetch += man.descs[i].size;
    err = get_blob(&p, &man.config, o->lim->max_file_size, diag);
    for (size_t i = 0; !err && i < man.ndescs; i++)
        err = get_blob(&p, &man.descs[i], o->lim->max_expanded, diag);
    if (err)
        goto done;
    top.media_type = man.media_type;
    err = ks_reg_cache_layout(o->cache, &top, &man, ref, &layout, diag);
    if (err)
        goto done;
    snprintf(res->layout, sizeof(res->layout), "%s", ks_buf_str(&layout));
    snprintf(res->digest, sizeof(res->digest), "%s", top.digest);
done:
    ks_buf_release(&body);
    ks_buf_release(&layout);
    ks_buf_release(&p.headers);
    ks_arena_release(&p.arena);
    return err;
}

/* ingest/registry.c - references, challenges, manifests, credentials and the
 * blob cache of registry pulls (no network here). */
#include "core/ks_common.h"

#include "ingest/registry.h"

#include "core/file.h"
#include "core/hash.h"
#include "core/str.h"
#include "formats/json.h"

#include <ctype.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- references ---- */

static bool is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool ks_reg_digest_valid(const char *digest, const char **hex)
{
    const char *h;

    if (!digest || strncmp(digest, "sha256:", 7))
        return false;
    h = digest + 7;
    if (strlen(h) != 64)
        return false;
    for (size_t i = 0; i < 64; i++)
        if (!strchr("0123456789abcdef", h[i]) || !h[i])
            return false;
    if (hex)
        *hex = h;
    return true;
}

/* Repository path components: [a-z0-9]+ joined by '.', '_', '__', '-'s. */
static bool repo_valid(const char *r)
{
    bool start = true;

    if (!*r)
        return false;
    for (const char *p = r; *p; p++) {
        if (is_lower_alnum(*p)) {
            start = false;
            continue;
        }
        if (start)
            return false;
        if (*p == '/') {
            start = true;
            continue;
        }
        if (*p != '.' && *p != '_' && *p != '-')
            return false;
        /* Separators: ".", "_", "__", or a run of "-", then a letter/digit. */
        if (*p == '_' && p[1] == '_')
            p++;
        else
            while (*p == '-' && p[1] == '-')
                p++;
        if (!is_lower_alnum(p[1]))
            return false;
    }
    return !start;
}

static bool tag_valid(const char *t)
{
    size_t n = strlen(t);

    if (n == 0 || n > 128 || t[0] == '.' || t[0] == '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)t[i]) && t[i] != '_' && t[i] != '.' && t[i] != '-')
            return false;
    return true;
}

static bool host_valid(const char *h)
{
    if (!*h)
        return false;
    for (const char *p = h; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr(".-:[]", *p))
            return false;
    return true;
}

ks_err ks_reg_ref_parse(const char *s, struct ks_reg_ref *out, struct ks_diag *diag)
{
    char buf[600];
    char *at, *slash, *name, *colon;
    size_t n = strlen(s);

    memset(out, 0, sizeof(*out));
    if (n == 0 || n >= sizeof(buf))
        return ks_diag_set(diag, KS_EPARSE, "'%.100s': not an image reference (empty or too long)",
                           s);
    memcpy(buf, s, n + 1);
    at = strchr(buf, '@');
    if (at) {
        *at++ = '\0';
        if (strncmp(at, "sha256:", 7) && strchr(at, ':'))
            return ks_diag_set(diag, KS_EUNSUPPORTED,
                               "'%s': only sha256 digests are supported", s);
        if (!ks_reg_digest_valid(at, NULL))
            return ks_diag_set(diag, KS_EPARSE, "'%s': bad digest (want sha256:<64 hex>)", s);
        snprintf(out->digest, sizeof(out->digest), "%s", at);
    }
    slash = strchr(buf, '/');
    name = buf;
    if (slash && (memchr(buf, '.', (size_t)(slash - buf)) ||
                  memchr(buf, ':', (size_t)(slash - buf)) || memchr(buf, '[', (size_t)(slash - buf)) ||
                  !strncmp(buf, "localhost/", 10))) {
        *slash = '\0';
        if (strlen(buf) >= sizeof(out->host) || !host_valid(buf))
            return ks_diag_set(diag, KS_EPARSE, "'%s': bad registry host", s);
        snprintf(out->host, sizeof(out->host), "%s", buf);
        name = slash + 1;
    } else {
        snprintf(out->host, sizeof(out->host), "registry-1.docker.io");
    }
    colon = strrchr(name, ':');
    if (colon) {
        *colon++ = '\0';
        if (!tag_valid(colon))
            return ks_diag_set(diag, KS_EPARSE, "'%s': bad tag '%s'", s, colon);
        snprintf(out->tag, sizeof(out->tag), "%s", colon);
    } else if (!out->digest[0]) {
        snprintf(out->tag, sizeof(out->tag), "latest");
    }
    if (!repo_valid(name))
        return ks_diag_set(diag, KS_EPARSE,
                           "'%s': bad repository name '%s' (lowercase letters, digits, "
                           "separators)",
                           s, name);
    if (!strcmp(out->host, "registry-1.docker.io") && !strchr(name, '/')) {
        if ((size_t)snprintf(out->repo, sizeof(out->repo), "library/%s", name) >=
            sizeof(out->repo))
            return ks_diag_set(diag, KS_EPARSE, "'%s': repository name too long", s);
    } else if ((size_t)snprintf(out->repo, sizeof(out->repo), "%s", name) >= sizeof(out->repo)) {
        return ks_diag_set(diag, KS_EPARSE, "'%s': repository name too long", s);
    }
    return KS_OK;
}

bool ks_reg_host_is_local(const char *host)
{
    static const char *const local[] = {"localhost", "127.0.0.1", "[::1]"};

    for (size_t i = 0; i < KS_ARRAY_LEN(local); i++) {
        size_t n = strlen(local[i]);
        if (!strncmp(host, local[i], n) && (host[n] == '\0' || host[n] == ':'))
            return true;
    }
    return false;
}

/* ---- WWW-Authenticate ---- */

ks_err ks_reg_challenge_parse(const char *value, struct ks_reg_challenge *out,
                              struct ks_diag *diag)
{
    const char *p = value;

    memset(out, 0, sizeof(*out));
    while (*p == ' ')
        p++;
    if (!strncasecmp(p, "Bearer", 6) && (p[6] == ' ' || !p[6])) {
        out->scheme = KS_REG_AUTH_BEARER;
        p += 6;
    } else if (!strncasecmp(p, "Basic", 5) && (p[5] == ' ' || !p[5])) {
        out->scheme = KS_REG_AUTH_BASIC;
        p += 5;
    } else {
        return ks_diag_set(diag, KS_EUNSUPPORTED,
                           "registry asks for an unsupported authentication scheme '%.40s'", p);
    }
    /* key=value or key="quoted value", separated by commas. */
    while (*p) {
        char key[32], val[1024];
        size_t kn = 0, vn = 0;

        while (*p == ' ' || *p == ',')
            p++;
        if (!*p)
            break;
        while (*p && *p != '=' && *p != ' ' && *p != ',') {
            if (kn + 1 >= sizeof(key))
                return ks_diag_set(diag, KS_EPARSE, "WWW-Authenticate: parameter name too long");
            key[kn++] = *p++;
        }
        key[kn] = '\0';
        if (*p != '=')
            return ks_diag_set(diag, KS_EPARSE, "WWW-Authenticate: parameter '%s' without value",
                               key);
        p++;
        if (*p == '"') {
            p++;
            while (*p && *p != '"') {
                if (*p == '\\' && p[1])
                    p++;
                if (vn + 1 >= sizeof(val))
                    return ks_diag_set(diag, KS_EPARSE, "WWW-Authenticate: '%s' too long", key);
                val[vn++] = *p++;
            }
            if (*p != '"')
                return ks_diag_set(diag, KS_EPARSE, "WWW-Authenticate: unterminated quote");
            p++;
        } else {
            while (*p && *p != ',' && *p != ' ') {
                if (vn + 1 >= sizeof(val))
                    return ks_diag_set(diag, KS_EPARSE, "WWW-Authenticate: '%s' too long", key);
                val[vn++] = *p++;
            }
        }
        val[vn] = '\0';
        if (!strcasecmp(key, "realm") && vn < sizeof(out->realm))
            memcpy(out->realm, val, vn + 1);
        else if (!strcasecmp(key, "service") && vn < sizeof(out->service))
            memcpy(out->service, val, vn + 1);
        else if (!strcasecmp(key, "scope") && vn < sizeof(out->scope))
            memcpy(out->scope, val, vn + 1);
        else if (!strcasecmp(key, "realm") || !strcasecmp(key, "service") ||
                 !strcasecmp(key, "scope"))
            return ks_diag_set(diag, KS_EPARSE, "WWW-Authenticate: '%s' too long", key);
    }
    if (out->scheme == KS_REG_AUTH_BEARER && !out->realm[0])
        return ks_diag_set(diag, KS_EPARSE, "WWW-Authenticate: Bearer challenge without realm");
    return KS_OK;
}

bool ks_reg_header(const char *headers, const char *name, char *out, size_t cap)
{
    size_t n = strlen(name);
    const char *line = headers;

    while (line && *line) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);

        if (len > n && !strncasecmp(line, name, n) && line[n] == ':') {
            struct ks_str v = ks_str_trim((struct ks_str){line + n + 1, len - n - 1});
            size_t k = v.len < cap ? v.len : cap - 1;
            memcpy(out, v.ptr, k);
            out[k] = '\0';
            return true;
        }
        line = end ? end + 1 : NULL;
    }
    return false;
}

/* ---- manifests ---- */

static ks_err parse_desc(struct ks_arena *a, const char *name, const struct ks_value *d,
                         bool index, struct ks_reg_desc *out, struct ks_diag *diag)
{
    const char *digest = ks_value_get_str(d, "digest");
    int64_t size = -1;

    memset(out, 0, sizeof(*out));
    if (!ks_value_is(d, KS_VOBJECT))
        return ks_diag_set(diag, KS_EPARSE, "'%s': descriptor is not an object", name);
    if (!digest || !ks_reg_digest_valid(digest, NULL))
        return ks_diag_set(diag, KS_EPARSE, "'%s': bad or unsupported digest '%.80s'", name,
                           digest ? digest : "(none)");
    if (!ks_value_int(ks_value_get(d, "size"), &size) || size < 0)
        return ks_diag_set(diag, KS_EPARSE, "'%s': descriptor '%s' without a valid size", name,
                           digest);
    out->digest = digest;
    out->size = (uint64_t)size;
    out->media_type = ks_value_get_str(d, "mediaType");
    if (index) {
        const struct ks_value *p = ks_value_get(d, "platform");
        const char *os = ks_value_get_str(p, "os"), *arch = ks_value_get_str(p, "architecture");
        const char *variant = ks_value_get_str(p, "variant");
        if (os && arch) {
            out->platform = variant && *variant ? ks_arena_printf(a, "%s/%s/%s", os, arch, variant)
                                                : ks_arena_printf(a, "%s/%s", os, arch);
            if (!out->platform)
                return ks_diag_set(diag, KS_ENOMEM, "out of memory");
            out->platform_obj = p;
        }
    }
    return KS_OK;
}

static bool is_index_type(const char *mt)
{
    return mt && (!strcmp(mt, KS_REG_MT_OCI_INDEX) || !strcmp(mt, KS_REG_MT_DOCKER_LIST));
}

static bool is_manifest_type(const char *mt)
{
    return mt && (!strcmp(mt, KS_REG_MT_OCI_MANIFEST) || !strcmp(mt, KS_REG_MT_DOCKER_V2));
}

ks_err ks_reg_manifest_parse(struct ks_arena *arena, const char *name, const char *content_type,
                             const char *data, size_t len, const struct ks_limits *lim,
                             struct ks_reg_manifest *out, struct ks_diag *diag)
{
    struct ks_value *doc;
    const struct ks_value *list;
    const char *mt;
    int64_t sv = 0;
    char ct[160] = "";
    ks_err err;

    memset(out, 0, sizeof(*out));
    if (content_type) { /* "type; charset=…" */
        size_t k = strcspn(content_type, "; ");
        if (k < sizeof(ct)) {
            memcpy(ct, content_type, k);
            ct[k] = '\0';
        }
    }
    if (!strcmp(ct, KS_REG_MT_DOCKER_V1) || !strcmp(ct, KS_REG_MT_DOCKER_V1_JWS))
        goto schema1;
    err = ks_json_parse(arena, name, data, len, lim, &doc, diag);
    if (err)
        return err;
    if (!ks_value_is(doc, KS_VOBJECT))
        return ks_diag_set(diag, KS_EPARSE, "'%s': manifest is not a JSON object", name);
    mt = ks_value_get_str(doc, "mediaType");
    if (ks_value_int(ks_value_get(doc, "schemaVersion"), &sv) && sv == 1)
        goto schema1;
    if (mt && (!strcmp(mt, KS_REG_MT_DOCKER_V1) || !strcmp(mt, KS_REG_MT_DOCKER_V1_JWS)))
        goto schema1;
    if (sv != 2)
        return ks_diag_set(diag, KS_EPARSE, "'%s': schemaVersion must be 2", name);
    if (!mt && (is_index_type(ct) || is_manifest_type(ct)))
        mt = ks_arena_strdup(arena, ct);
    if (!mt) /* OCI allows omitting it: infer from the fields */
        mt = ks_value_get(doc, "manifests") ? KS_REG_MT_OCI_INDEX : KS_REG_MT_OCI_MANIFEST;
    if (!is_index_type(mt) && !is_manifest_type(mt))
        return ks_diag_set(diag, KS_EUNSUPPORTED, "'%s': unsupported manifest media type '%.100s'",
                           name, mt);
    out->media_type = mt;
    out->is_index = is_index_type(mt);
    list = ks_value_get(doc, out->is_index ? "manifests" : "layers");
    if (!ks_value_is(list, KS_VARRAY))
        return ks_diag_set(diag, KS_EPARSE, "'%s': '%s' is missing or not an array", name,
                           out->is_index ? "manifests" : "layers");
    if (ks_value_len(list) > lim->max_entries || ks_value_len(list) > 100000)
        return ks_diag_set(diag, KS_ELIMIT, "'%s': too many descriptors (%zu)", name,
                           ks_value_len(list));
    out->descs = ks_arena_calloc(arena, ks_value_len(list) + 1, sizeof(*out->descs));
    if (!out->descs)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    for (size_t i = 0; i < ks_value_len(list); i++) {
        struct ks_reg_desc *d = &out->descs[out->ndescs];
        err = parse_desc(arena, name, ks_value_at(list, i), out->is_index, d, diag);
        if (err)
            return err;
        if (!out->is_index && d->media_type && strstr(d->media_type, "+encrypted"))
            return ks_diag_set(diag, KS_EUNSUPPORTED, "'%s': encrypted layers are not supported",
                               name);
        out->ndescs++;
    }
    if (!out->is_index) {
        err = parse_desc(arena, name, ks_value_get(doc, "config"), false, &out->config, diag);
        if (err)
            return ks_diag_prefix(diag, "config: "), err;
    }
    return KS_OK;
schema1:
    return ks_diag_set(diag, KS_EUNSUPPORTED,
                       "'%s': Docker image manifest schema 1 is not supported (deprecated since "
                       "2017; push the image again with a current client)",
                       name);
}

/* ---- credentials ---- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

ks_err ks_reg_base64(const void *data, size_t len, struct ks_buf *out)
{
    const unsigned char *p = data;

    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        char q[4];
        if (i + 1 < len)
            v |= (unsigned)p[i + 1] << 8;
        if (i + 2 < len)
            v |= p[i + 2];
        q[0] = b64[(v >> 18) & 63];
        q[1] = b64[(v >> 12) & 63];
        q[2] = i + 1 < len ? b64[(v >> 6) & 63] : '=';
        q[3] = i + 2 < len ? b64[v & 63] : '=';
        if (ks_buf_add(out, q, 4))
            return KS_ENOMEM;
    }
    return KS_OK;
}

/* Decodes standard base64 (padding optional) into `out`; false if invalid. */
static bool base64_decode(const char *s, char *out, size_t cap, size_t *outlen)
{
    unsigned v = 0;
    int bits = 0;
    size_t n = 0;

    for (; *s && *s != '='; s++) {
        const char *c = strchr(b64, *s);
        if (!c || !*s)
            return false;
        v = (v << 6) | (unsigned)(c - b64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n + 1 >= cap)
                return false;
            out[n++] = (char)((v >> bits) & 0xff);
        }
    }
    out[n] = '\0';
    *outlen = n;
    return true;
}

/* "https://host/v1/" → "host" compared with `host`. */
static bool auth_key_matches(const char *key, const char *host)
{
    const char *k = key;
    size_t n;

    if (ks_starts_with(k, "https://"))
        k += 8;
    else if (ks_starts_with(k, "http://"))
        k += 7;
    n = strcspn(k, "/");
    if (n == strlen(host) && !strncmp(k, host, n))
        return true;
    /* Docker Hub is stored under its v1 index name. */
    return !strcmp(host, "registry-1.docker.io") &&
           ((n == 15 && !strncmp(k, "index.docker.io", 15)) ||
            (n == 9 && !strncmp(k, "docker.io", 9)));
}

ks_err ks_reg_config_auth(struct ks_arena *arena, const char *name, const char *data, size_t len,
                          const char *host, const struct ks_limits *lim, const char **userpass,
                          struct ks_diag *diag)
{
    struct ks_value *doc;
    const struct ks_value *auths;
    ks_err err;

    *userpass = NULL;
    err = ks_json_parse(arena, name, data, len, lim, &doc, diag);
    if (err)
        return err;
    auths = ks_value_get(doc, "auths");
    if (!auths)
        return KS_OK;
    if (!ks_value_is(auths, KS_VOBJECT))
        return ks_diag_set(diag, KS_EPARSE, "'%s': 'auths' is not an object", name);
    for (size_t i = 0; i < auths->u.o.len; i++) {
        const struct ks_member *m = &auths->u.o.items[i];
        const char *auth = ks_value_get_str(m->value, "auth");
        const char *user = ks_value_get_str(m->value, "username");
        const char *pass = ks_value_get_str(m->value, "password");
        char dec[1024];
        size_t dn;

        if (!auth_key_matches(m->key, host))
            continue;
        if (auth && *auth) {
            if (!base64_decode(auth, dec, sizeof(dec), &dn) || !memchr(dec, ':', dn) ||
                memchr(dec, '\0', dn))
                return ks_diag_set(diag, KS_EPARSE,
                                   "'%s': 'auth' for '%s' is not base64 of user:password", name,
                                   m->key);
            *userpass = ks_arena_strndup(arena, dec, dn);
        } else if (user && pass) {
            *userpass = ks_arena_printf(arena, "%s:%s", user, pass);
        } else {
            continue;
        }
        if (!*userpass)
            return ks_diag_set(diag, KS_ENOMEM, "out of memory");
        return KS_OK;
    }
    return KS_OK;
}

/* ---- the blob cache ---- */

static ks_err mkdir_p(const char *path, struct ks_diag *diag)
{
    char buf[4096];
    size_t n = strlen(path);

    if (n >= sizeof(buf))
        return ks_diag_set(diag, KS_EINVAL, "'%.100s': path too long", path);
    memcpy(buf, path, n + 1);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) < 0 && errno != EEXIST)
            return ks_diag_errno(diag, KS_EIO, "cannot create '%s'", buf);
        *p = '/';
    }
    if (mkdir(buf, 0755) < 0 && errno != EEXIST)
        return ks_diag_errno(diag, KS_EIO, "cannot create '%s'", buf);
    return KS_OK;
}

ks_err ks_reg_cache_init(const char *dir, struct ks_diag *diag)
{
    static const char *const sub[] = {"blobs/sha256", "tmp", "images"};
    char path[4096];
    ks_err err;

    for (size_t i = 0; i < KS_ARRAY_LEN(sub); i++) {
        if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, sub[i]) >= sizeof(path))
            return ks_diag_set(diag, KS_EINVAL, "cache directory name too long");
        err = mkdir_p(path, diag);
        if (err)
            return err;
    }
    return KS_OK;
}

bool ks_reg_cache_has(const char *dir, const char *digest, uint64_t size)
{
    char path[4096];
    const char *hex;
    struct stat st;

    if (!ks_reg_digest_valid(digest, &hex))
        return false;
    snprintf(path, sizeof(path), "%s/blobs/sha256/%s", dir, hex);
    if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
        return false;
    return size == UINT64_MAX || (uint64_t)st.st_size == size;
}

ks_err ks_reg_cache_put(const char *dir, const char *digest, const void *data, size_t len,
                        struct ks_diag *diag)
{
    unsigned char sum[KS_SHA256_LEN];
    char hex[KS_SHA256_HEX], path[4096];
    const char *want;

    if (!ks_reg_digest_valid(digest, &want))
        return ks_diag_set(diag, KS_EPARSE, "bad digest '%.80s'", digest);
    ks_sha256(data, len, sum);
    ks_hex(sum, sizeof(sum), hex);
    if (strcmp(hex, want))
        return ks_diag_set(diag, KS_EPARSE, "digest mismatch for '%s': content is sha256:%s",
                           digest, hex);
    snprintf(path, sizeof(path), "%s/blobs/sha256/%s", dir, want);
    return ks_file_write_atomic(path, data, len, diag);
}

ks_err ks_reg_cache_layout(const char *dir, const struct ks_reg_desc *m,
                           const struct ks_reg_manifest *man, const char *ref,
                           struct ks_buf *out, struct ks_diag *diag)
{
    struct ks_buf path = KS_BUF_INIT(0), json = KS_BUF_INIT(0);
    const char *hex;
    struct ks_jw w;
    ks_err err;

    if (!ks_reg_digest_valid(m->digest, &hex))
        return ks_diag_set(diag, KS_EPARSE, "bad digest '%.80s'", m->digest);
    ks_buf_reset(out);
    err = ks_buf_addf(out, "%s/images/%s", dir, hex);
    if (!err)
        err = ks_buf_addf(&path, "%s/blobs/sha256", ks_buf_str(out));
    if (!err)
        err = mkdir_p(path.ptr, diag);
    /* Hard links from the store: the layout holds exactly this image. */
    for (size_t i = 0; !err && i <= man->ndescs + 1; i++) {
        const char *d = i < man->ndescs ? man->descs[i].digest
                        : i == man->ndescs ? man->config.digest
                                           : m->digest;
        const char *h;
        char from[4096], to[4096];

        if (!ks_reg_digest_valid(d, &h)) {
            err = ks_diag_set(diag, KS_EPARSE, "bad digest '%.80s'", d);
            break;
        }
        snprintf(from, sizeof(from), "%s/blobs/sha256/%s", dir, h);
        snprintf(to, sizeof(to), "%s/%s", path.ptr, h);
        if (link(from, to) < 0 && errno != EEXIST)
            err = ks_diag_errno(diag, KS_EIO, "cannot link '%s' to '%s'", from, to);
    }
    if (!err) {
        ks_buf_reset(&path);
        err = ks_buf_addf(&path, "%s/oci-layout", ks_buf_str(out));
    }
    if (!err)
        err = ks_file_write_atomic(path.ptr, "{\"imageLayoutVersion\":\"1.0.0\"}\n", 31, diag);
    if (!err) {
        ks_jw_init(&w, &json, 2);
        ks_jw_obj_begin(&w);
        ks_jw_kint(&w, "schemaVersion", 2);
        ks_jw_kstr(&w, "mediaType", KS_REG_MT_OCI_INDEX);
        ks_jw_key(&w, "manifests");
        ks_jw_arr_begin(&w);
        ks_jw_obj_begin(&w);
        ks_jw_kstr(&w, "mediaType", man->media_type);
        ks_jw_kstr(&w, "digest", m->digest);
        ks_jw_key(&w, "size");
        ks_jw_uint(&w, m->size);
        if (m->platform_obj) {
            ks_jw_key(&w, "platform");
            ks_jw_value(&w, m->platform_obj);
        }
        ks_jw_key(&w, "annotations");
        ks_jw_obj_begin(&w);
        ks_jw_kstr(&w, "org.opencontainers.image.ref.name", ref);
        ks_jw_obj_end(&w);
        ks_jw_obj_end(&w);
        ks_jw_arr_end(&w);
        ks_jw_obj_end(&w);
        err = ks_jw_finish(&w);
        if (err)
            err = ks_diag_set(diag, err, "cannot write index.json");
    }
    if (!err) {
        ks_buf_reset(&path);
        err = ks_buf_addf(&path, "%s/index.json", ks_buf_str(out));
    }
    if (!err)
        err = ks_file_write_atomic(path.ptr, json.ptr, json.len, diag);
    ks_buf_release(&path);
    ks_buf_release(&json);
    return err;
}

struct ks_reg_blob_writer {
    int fd;
    char tmp[4096];
    char dest[4096];
    char digest[72];
    uint64_t size, max;
    struct ks_sha256 *h;
    bool failed;
    int err_no;
};

ks_err ks_reg_cache_begin(const char *dir, const char *digest, uint64_t max,
                          struct ks_reg_blob_writer **out, struct ks_diag *diag)
{
    struct ks_reg_blob_writer *w;
    char rnd[17];
    const char *hex;

    *out = NULL;
    if (!ks_reg_digest_valid(digest, &hex))
        return ks_diag_set(diag, KS_EPARSE, "bad digest '%.80s'", digest);
    if (ks_random_hex(rnd, 8))
        return ks_diag_set(diag, KS_EIO, "no randomness for a temporary file name");
    w = calloc(1, sizeof(*w));
    if (!w)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    w->h = ks_sha256_new();
    if (!w->h) {
        free(w);
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    }
    snprintf(w->tmp, sizeof(w->tmp), "%s/tmp/%.12s-%s", dir, hex, rnd);
    snprintf(w->dest, sizeof(w->dest), "%s/blobs/sha256/%s", dir, hex);
    snprintf(w->digest, sizeof(w->digest), "%s", digest);
    w->max = max;
    w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (w->fd < 0) {
        ks_err e = ks_diag_errno(diag, KS_EIO, "cannot create '%s'", w->tmp);
        ks_sha256_free(w->h);
        free(w);
        return e;
    }
    *out = w;
    return KS_OK;
}

bool ks_reg_cache_write(struct ks_reg_blob_writer *w, const void *data, size_t len)
{
    const char *p = data;

    if (w->failed)
        return false;
    if (w->size + len > w->max) {
        w->failed = true;
        w->err_no = EFBIG;
        return false;
    }
    ks_sha256_update(w->h, data, len);
    w->size += len;
    while (len) {
        ssize_t n = write(w->fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            w->failed = true;
            w->err_no = n < 0 ? errno : EIO;
            return false;
        }
        p += n;
        len -= (size_t)n;
    }
    return true;
}

void ks_reg_cache_abort(struct ks_reg_blob_writer *w)
{
    if (!w)
        return;
    if (w->fd >= 0)
        close(w->fd);
    unlink(w->tmp);
    ks_sha256_free(w->h);
    free(w);
}

ks_err ks_reg_cache_commit(struct ks_reg_blob_writer *w, uint64_t size, struct ks_diag *diag)
{
    unsigned char sum[KS_SHA256_LEN];
    char hex[KS_SHA256_HEX];
    ks_err err = KS_OK;

    ks_sha256_final(w->h, sum);
    ks_hex(sum, sizeof(sum), hex);
    if (w->failed)
        err = w->err_no == EFBIG ? ks_diag_set(diag, KS_ELIMIT, "blob '%s' is larger than %llu bytes",
                                               w->digest, (unsigned long long)w->max)
                                 : ks_diag_set(diag, KS_EIO, "cannot write '%s': %s", w->tmp,
                                               strerror(w->err_no));
    else if (strcmp(hex, w->digest + 7))
        err = ks_diag_set(diag, KS_EPARSE,
                          "digest mismatch for blob '%s': the registry sent sha256:%s", w->digest,
                          hex);
    else if (size != UINT64_MAX && w->size != size)
        err = ks_diag_set(diag, KS_EPARSE, "blob '%s' has %llu bytes, the manifest says %llu",
                          w->digest, (unsigned long long)w->size, (unsigned long long)size);
    if (!err && (fsync(w->fd) < 0 || close(w->fd) < 0))
        err = ks_diag_errno(diag, KS_EIO, "cannot write '%s'", w->tmp);
    else if (!err)
        w->fd = -1;
    if (!err && rename(w->tmp, w->dest) < 0)
        err = ks_diag_errno(diag, KS_EIO, "cannot rename '%s' to '%s'", w->tmp, w->dest);
    ks_reg_cache_abort(w);
    return err;
}

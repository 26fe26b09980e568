/* http/http.c - libcurl behind http.h. */
#include "core/ks_common.h"

#include "http/http.h"

#include "core/buf.h"
#include "core/str.h"

#include <curl/curl.h>
#include <unistd.h>

ks_err ks_http_global_init(struct ks_diag *diag)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT))
        return ks_diag_set(diag, KS_EINTERNAL, "cannot initialise libcurl");
    return KS_OK;
}

const char *ks_http_version(void)
{
    static char v[64];
    snprintf(v, sizeof(v), "libcurl %s", curl_version_info(CURLVERSION_NOW)->version);
    return v;
}

struct sink {
    FILE *f;
    uint64_t written, max;
    bool over;
    struct ks_http_result *res;
};

/* What every download sets: the URL and the protocols allowed for it and
 * for redirects (at most 5, if followed), timeouts in seconds (0: 30 s to
 * connect, 600 s in all), the size limit, no signals (threads). */
static void set_download(CURL *c, const char *url, const char *protos, bool follow,
                         long connect_s, long total_s, uint64_t max_size)
{
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, protos);
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, protos);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, follow ? 1L : 0L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, connect_s > 0 ? connect_s : 30L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, total_s > 0 ? total_s : 600L);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max_size);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "kensa");
}

/* Runs the transfer `c` is set up for, with request headers `hdrs`, the
 * body to `body_fn` and response headers to `header_fn` (may be NULL);
 * `*status` gets the HTTP status (0 when none came back), `errbuf` libcurl's
 * detail. Frees neither `c` nor `hdrs`. */
static CURLcode perform(CURL *c, struct curl_slist *hdrs, curl_write_callback body_fn,
                        curl_write_callback header_fn, void *ctx, char *errbuf, long *status)
{
    CURLcode rc;

    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, body_fn);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, ctx);
    if (header_fn) {
        curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_fn);
        curl_easy_setopt(c, CURLOPT_HEADERDATA, ctx);
    }
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
    return rc;
}

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
    struct sink *s = ctx;
    size_t len = size * n;
    if (s->written + len > s->max) {
        s->over = true;
        return 0; /* aborts the transfer */
    }
    if (fwrite(p, 1, len, s->f) != len)
        return 0;
    s->written += len;
    return len;
}

/* Copies the value of header `name` if `line` is it. */
static void header_value(const char *line, size_t len, const char *name, char *out, size_t cap)
{
    size_t n = strlen(name);
    if (len <= n || strncasecmp(line, name, n) || line[n] != ':')
        return;
    const char *v = line + n + 1;
    size_t vl = len - n - 1;
    while (vl && (*v == ' ' || *v == '\t'))
        v++, vl--;
    while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' '))
        vl--;
    if (vl >= cap)
        vl = cap - 1;
    memcpy(out, v, vl);
    out[vl] = '\0';
}

static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
    struct sink *s = ctx;
    size_t len = size * n;
    if (len >= 5 && !strncmp(p, "HTTP/", 5)) { /* a new response (redirect): reset */
        s->res->etag[0] = '\0';
        s->res->last_modified[0] = '\0';
    }
    header_value(p, len, "ETag", s->res->etag, sizeof(s->res->etag));
    header_value(p, len, "Last-Modified", s->res->last_modified, sizeof(s->res->last_modified));
    return len;
}

ks_err ks_http_get_file(const char *url, const char *dest, const struct ks_http_opts *o,
                        struct ks_http_result *res, struct ks_diag *diag)
{
    CURL *c = NULL;
    struct curl_slist *hdrs = NULL;
    struct sink s = {0};
    char errbuf[CURL_ERROR_SIZE] = "";
    ks_err err = KS_OK;
    struct ks_buf hb = KS_BUF_INIT(1024);

    memset(res, 0, sizeof(*res));
    if (!ks_starts_with(url, "http://") && !ks_starts_with(url, "https://"))
        return ks_diag_set(diag, KS_EINVAL, "'%s': only http and https URLs are supported", url);
    if (!o->max_size)
        return ks_diag_set(diag, KS_EINVAL, "'%s': no size limit given", url);
    s.f = fopen(dest, "wbe");
    if (!s.f)
        return ks_diag_errno(diag, KS_EIO, "cannot create '%s'", dest);
    s.max = o->max_size;
    s.res = res;
    c = curl_easy_init();
    if (!c) {
        err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
        goto done;
    }
    if (o->etag && *o->etag) {
        ks_buf_addf(&hb, "If-None-Match: %s", o->etag);
        hdrs = curl_slist_append(hdrs, ks_buf_str(&hb));
    }
    if (o->last_modified && *o->last_modified) {
        ks_buf_reset(&hb);
        ks_buf_addf(&hb, "If-Modified-Since: %s", o->last_modified);
        hdrs = curl_slist_append(hdrs, ks_buf_str(&hb));
    }
    set_download(c, url, "http,https", true, o->connect_timeout_s, o->timeout_s, o->max_size);
    CURLcode rc = perform(c, hdrs, on_body, on_header, &s, errbuf, &res->status);
    res->size = s.written;
    if (s.over || rc == CURLE_FILESIZE_EXCEEDED) {
        err = ks_diag_set(diag, KS_ELIMIT, "'%s': response larger than %llu bytes", url,
                          (unsigned long long)o->max_size);
    } else if (rc != CURLE_OK) {
        err = ks_diag_set(diag, KS_EIO, "'%s': %s", url,
                          errbuf[0] ? errbuf : curl_easy_strerror(rc));
    } else if (res->status == 304) {
        res->not_modified = true;
    } else if (res->status >= 400 || res->status < 200) {
        err = ks_diag_set(diag, KS_EIO, "'%s': HTTP status %ld", url, res->status);
    }
done:
    if (s.f && fclose(s.f) && !err)
        err = ks_diag_errno(diag, KS_EIO, "cannot write '%s'", dest);
    if (err || res->not_modified)
        unlink(dest);
    curl_slist_free_all(hdrs);
    if (c)
        curl_easy_cleanup(c);
    ks_buf_release(&hb);
    return err;
}

/* Response bodies: kept in a buffer (whose ceiling aborts the transfer), or
 * read and dropped, at most 64 KiB. */
struct resp_sink {
    struct ks_buf *out;
    size_t seen;
};

static size_t keep_body(char *p, size_t size, size_t n, void *ctx)
{
    struct resp_sink *s = ctx;

    s->seen += size * n;
    if (!s->out)
        return s->seen > 65536 ? 0 : size * n;
    return ks_buf_add(s->out, p, size * n) ? 0 : size * n;
}

ks_err ks_http_request(const char *method, const char *url, const char *const *headers,
                       size_t nheaders, const char *body, size_t len, long timeout_ms,
                       long *status, struct ks_buf *out, struct ks_diag *diag)
{
    struct curl_slist *hdrs = NULL, *h;
    char errbuf[CURL_ERROR_SIZE] = "";
    struct resp_sink sink = {out, 0};
    CURLcode rc;
    CURL *c;

    *status = 0;
    if (!ks_starts_with(url, "http://") && !ks_starts_with(url, "https://"))
        return ks_diag_set(diag, KS_EINVAL, "'%s': only http and https URLs are supported", url);
    c = curl_easy_init();
    if (!c)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    h = curl_slist_append(NULL, "Content-Type: application/json");
    for (size_t i = 0; h && i < nheaders; i++) {
        hdrs = h;
        h = curl_slist_append(hdrs, headers[i]);
    }
    if (!h) {
        curl_slist_free_all(hdrs);
        curl_easy_cleanup(c);
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    }
    hdrs = h;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    }
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms > 0 ? timeout_ms : 5000L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms > 0 ? timeout_ms : 5000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "kensa");
    rc = perform(c, hdrs, keep_body, NULL, &sink, errbuf, status);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
    if (rc == CURLE_WRITE_ERROR && out)
        return ks_diag_set(diag, KS_ELIMIT, "'%s': response too large", url);
    if (rc != CURLE_OK && !*status)
        return ks_diag_set(diag, KS_EIO, "'%s': %s", url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
    return KS_OK;
}

ks_err ks_http_post_json(const char *url, const char *const *headers, size_t nheaders,
                         const char *body, size_t len, long timeout_ms, long *status,
                         struct ks_diag *diag)
{
    return ks_http_request("POST", url, headers, nheaders, body, len, timeout_ms, status, NULL,
                           diag);
}

/* ---- ks_http_get ---- */

struct get_sink {
    const struct ks_http_get_opts *o;
    CURL *c;
    uint64_t seen;
    bool over;
    struct ks_buf *headers;
};

static size_t get_body(char *p, size_t size, size_t n, void *ctx)
{
    struct get_sink *s = ctx;
    size_t len = size * n;

    if (s->seen + len > s->o->max_size) {
        s->over = true;
        return 0;
    }
    s->seen += len;
    if (s->o->body) {
        long status = 0;
        curl_easy_getinfo(s->c, CURLINFO_RESPONSE_CODE, &status);
        if (status >= 200 && status < 300 && !s->o->body(s->o->ctx, p, len))
            return 0;
    }
    return len;
}

static size_t get_header(char *p, size_t size, size_t n, void *ctx)
{
    struct get_sink *s = ctx;
    size_t len = size * n, l = len;

    if (!s->headers)
        return len;
    if (len >= 5 && !strncmp(p, "HTTP/", 5)) /* a new response (redirect): start over */
        ks_buf_reset(s->headers);
    while (l && (p[l - 1] == '\r' || p[l - 1] == '\n'))
        l--;
    if (l && (ks_buf_add(s->headers, p, l) || ks_buf_addc(s->headers, '\n')))
        return 0;
    return len;
}

ks_err ks_http_get(const char *url, const struct ks_http_get_opts *o, long *status,
                   struct ks_buf *headers, struct ks_diag *diag)
{
    struct curl_slist *hdrs = NULL, *h;
    char errbuf[CURL_ERROR_SIZE] = "";
    struct get_sink sink = {o, NULL, 0, false, headers};
    const char *protos = o->allow_http ? "http,https" : "https";
    CURLcode rc;
    CURL *c;

    *status = 0;
    if (!ks_starts_with(url, "https://") && !(o->allow_http && ks_starts_with(url, "http://")))
        return ks_diag_set(diag, KS_EINVAL, "'%s': only %s URLs are allowed here", url,
                           o->allow_http ? "http and https" : "https");
    if (!o->max_size)
        return ks_diag_set(diag, KS_EINVAL, "'%s': no size limit given", url);
    c = curl_easy_init();
    if (!c)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    for (size_t i = 0; i < o->nheaders; i++) {
        h = curl_slist_append(hdrs, o->headers[i]);
        if (!h) {
            curl_slist_free_all(hdrs);
            curl_easy_cleanup(c);
            return ks_diag_set(diag, KS_ENOMEM, "out of memory");
        }
        hdrs = h;
    }
    if (headers)
        ks_buf_reset(headers);
    sink.c = c;
    set_download(c, url, protos, o->follow, o->connect_timeout_s, o->timeout_s, o->max_size);
    if (o->head)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    rc = perform(c, hdrs, get_body, get_header, &sink, errbuf, status);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
    if (sink.over || rc == CURLE_FILESIZE_EXCEEDED)
        return ks_diag_set(diag, KS_ELIMIT, "'%s': response larger than %llu bytes", url,
                           (unsigned long long)o->max_size);
    if (rc != CURLE_OK)
        return ks_diag_set(diag, KS_EIO, "'%s': %s", url,
                           errbuf[0] ? errbuf : curl_easy_strerror(rc));
    return KS_OK;
}

/* http/http.h - a thin HTTP(S) GET-to-file client; the only user of libcurl.
 *
 * Not part of libkensa: it is linked only into helper executables (kensa-net),
 * so that `kensa` itself never loads libcurl (start-up cost rule).
 *
 * One call downloads one URL into a file, conditionally (ETag via
 * If-None-Match, Last-Modified via If-Modified-Since), with a size ceiling,
 * connect and total timeouts, http/https only (also after redirects, at most
 * 5). A 304 leaves the destination untouched. Errors name the URL:
 *  - KS_EIO: network failure, TLS failure, timeout, HTTP status >= 400;
 *  - KS_ELIMIT: the body is larger than `max_size` (the partial file is removed);
 *  - KS_EINVAL: a URL that is not http(s).
 * Thread-safe after ks_http_global_init() (call once, before threads). */
#ifndef KS_HTTP_HTTP_H
#define KS_HTTP_HTTP_H

#include "core/err.h"

struct ks_http_opts {
    const char *etag;          /* send If-None-Match, or NULL */
    const char *last_modified; /* send If-Modified-Since (HTTP date), or NULL */
    uint64_t max_size;         /* bytes; 0 is not allowed */
    long connect_timeout_s;
    long timeout_s; /* whole transfer */
};

struct ks_http_result {
    long status;        /* final HTTP status */
    bool not_modified;  /* 304: nothing written */
    uint64_t size;      /* bytes written */
    char etag[256];     /* response ETag, "" if none */
    char last_modified[128]; /* response Last-Modified, "" if none */
};

ks_err ks_http_global_init(struct ks_diag *diag);

/* GETs `url` into `dest` (created or truncated; removed again on failure). */
ks_err ks_http_get_file(const char *url, const char *dest, const struct ks_http_opts *opts,
                        struct ks_http_result *res, struct ks_diag *diag);

/* "libcurl 7.88.1" for version output. */
const char *ks_http_version(void);

/* POSTs `len` bytes of JSON `body` to `url` (http or https, no redirects)
 * with the extra `headers` ("Name: value", `nheaders` of them), waiting at
 * most `timeout_ms`; the response body is read and dropped (at most 64 KiB).
 * KS_OK with the status in *status for any HTTP answer; KS_EIO when there
 * is none (refused, timeout). Thread-safe after ks_http_global_init(). */
ks_err ks_http_post_json(const char *url, const char *const *headers, size_t nheaders,
                         const char *body, size_t len, long timeout_ms, long *status,
                         struct ks_diag *diag);

/* Sends `method` with an optional JSON `body` (NULL: none) to `url` and
 * appends the response body to `out` (NULL: read and dropped, at most
 * 64 KiB; KS_ELIMIT when `out`'s ceiling is passed). Otherwise as above. */
struct ks_buf;
ks_err ks_http_request(const char *method, const char *url, const char *const *headers,
                       size_t nheaders, const char *body, size_t len, long timeout_ms,
                       long *status, struct ks_buf *out, struct ks_diag *diag);

/* A GET (or HEAD) for protocols that need request headers and look at
 * response headers (container registries). The body is handed to `body` as
 * it arrives when the status is 2xx (other bodies are read and dropped,
 * within `max_size`); `body` returning false aborts the
 * transfer with KS_EIO unless the callback set its own error. The final
 * response's header lines ("Name: value", CRLF stripped, one per line) are
 * appended to `headers` when it is not NULL. Redirects are followed (at most
 * 5) when `follow` is set; libcurl drops an Authorization header when a
 * redirect leaves the host. `allow_http` permits plain http, also after a
 * redirect; otherwise only https. KS_OK with the status for any HTTP answer;
 * KS_ELIMIT when the body passes `max_size`; KS_EIO when there is no answer. */
struct ks_http_get_opts {
    const char *const *headers; /* "Name: value" request headers */
    size_t nheaders;
    bool head;       /* HEAD instead of GET */
    bool follow;     /* follow redirects */
    bool allow_http; /* plain http allowed (else https only) */
    uint64_t max_size;
    long connect_timeout_s;
    long timeout_s;
    bool (*body)(void *ctx, const void *data, size_t len);
    void *ctx;
};

ks_err ks_http_get(const char *url, const struct ks_http_get_opts *o, long *status,
                   struct ks_buf *headers, struct ks_diag *diag);

#endif

#include "core/ks_common.h"

#include "core/buf.h"

static size_t ceiling(const struct ks_buf *b)
{
    return b->max ? b->max : SIZE_MAX / 2;
}

void ks_buf_init(struct ks_buf *b, size_t max)
{
    b->ptr = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void ks_buf_release(struct ks_buf *b)
{
    free(b->ptr);
    b->ptr = NULL;
    b->len = 0;
    b->cap = 0;
}

void ks_buf_reset(struct ks_buf *b)
{
    b->len = 0;
    if (b->ptr)
        b->ptr[0] = '\0';
}

ks_err ks_buf_grow(struct ks_buf *b, size_t extra)
{
    size_t want, cap;
    char *p;

    if (extra > ceiling(b) - b->len)
        return KS_ELIMIT;
    want = b->len + extra + 1;
    if (want <= b->cap)
        return KS_OK;
    cap = b->cap ? b->cap : 64;
    while (cap < want)
        cap = cap > SIZE_MAX / 2 ? want : cap * 2;
    if (cap > ceiling(b) + 1)
        cap = ceiling(b) + 1;
    p = realloc(b->ptr, cap);
    if (!p)
        return KS_ENOMEM;
    b->ptr = p;
    b->cap = cap;
    return KS_OK;
}

ks_err ks_buf_add(struct ks_buf *b, const void *data, size_t len)
{
    ks_err err;

    /* Room already (the capacity never exceeds the ceiling + 1): the JSON
     * writer appends a few bytes at a time. */
    if (len < b->cap - b->len) {
        memcpy(b->ptr + b->len, data, len);
        b->len += len;
        b->ptr[b->len] = '\0';
        return KS_OK;
    }
    err = ks_buf_grow(b, len);

    if (err)
        return err;
    if (len)
        memcpy(b->ptr + b->len, data, len);
    b->len += len;
    b->ptr[b->len] = '\0';
    return KS_OK;
}

ks_err ks_buf_adds(struct ks_buf *b, const char *s)
{
    return ks_buf_add(b, s, strlen(s));
}

ks_err ks_buf_addc(struct ks_buf *b, char c)
{
    return ks_buf_add(b, &c, 1);
}

ks_err ks_buf_vaddf(struct ks_buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    int n;
    ks_err err;

    va_copy(cp, ap);
    n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return KS_EINVAL;
    err = ks_buf_grow(b, (size_t)n);
    if (err)
        return err;
    vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return KS_OK;
}

ks_err ks_buf_addf(struct ks_buf *b, const char *fmt, ...)
{
    va_list ap;
    ks_err err;

    va_start(ap, fmt);
    err = ks_buf_vaddf(b, fmt, ap);
    va_end(ap);
    return err;
}

void ks_buf_truncate(struct ks_buf *b, size_t len)
{
    if (len < b->len) {
        b->len = len;
        b->ptr[len] = '\0';
    }
}

const char *ks_buf_str(const struct ks_buf *b)
{
    return b->ptr ? b->ptr : "";
}

char *ks_buf_detach(struct ks_buf *b, size_t *len_out)
{
    char *p = b->ptr;

    if (!p)
        p = calloc(1, 1);
    if (len_out)
        *len_out = b->len;
    b->ptr = NULL;
    b->len = 0;
    b->cap = 0;
    return p;
}

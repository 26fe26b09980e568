#include "core/ks_common.h"

#include "core/err.h"

void ks_bug_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "kensa: BUG: %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

static void vset(struct ks_diag *diag, ks_err code, const char *fmt, va_list ap)
{
    diag->code = code;
    vsnprintf(diag->msg, sizeof(diag->msg), fmt, ap);
}

ks_err ks_diag_set(struct ks_diag *diag, ks_err code, const char *fmt, ...)
{
    va_list ap;

    if (!diag)
        return code;
    va_start(ap, fmt);
    vset(diag, code, fmt, ap);
    va_end(ap);
    diag->sys_errno = 0;
    return code;
}

ks_err ks_diag_errno(struct ks_diag *diag, ks_err code, const char *fmt, ...)
{
    int saved = errno;
    va_list ap;
    size_t len;

    if (!diag)
        return code;
    va_start(ap, fmt);
    vset(diag, code, fmt, ap);
    va_end(ap);
    diag->sys_errno = saved;
    len = strlen(diag->msg);
    if (len < sizeof(diag->msg))
        snprintf(diag->msg + len, sizeof(diag->msg) - len, ": %s", strerror(saved));
    return code;
}

ks_err ks_diag_prefix(struct ks_diag *diag, const char *fmt, ...)
{
    char prefix[KS_DIAG_MSG_MAX];
    char old[KS_DIAG_MSG_MAX];
    va_list ap;

    if (!diag)
        return KS_OK;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);
    memcpy(old, diag->msg, sizeof(old));
    snprintf(diag->msg, sizeof(diag->msg), "%s%s", prefix, old);
    return diag->code;
}

void ks_diag_clear(struct ks_diag *diag)
{
    if (!diag)
        return;
    diag->code = KS_OK;
    diag->sys_errno = 0;
    diag->msg[0] = '\0';
}

const char *ks_err_str(ks_err err)
{
    switch (err) {
    case KS_OK:
        return "ok";
    case KS_ENOMEM:
        return "out of memory";
    case KS_EINVAL:
        return "invalid argument";
    case KS_EIO:
        return "i/o error";
    case KS_EPARSE:
        return "parse error";
    case KS_ELIMIT:
        return "limit exceeded";
    case KS_ENOTFOUND:
        return "not found";
    case KS_EDB:
        return "database error";
    case KS_EUNSUPPORTED:
        return "unsupported";
    case KS_EINTERNAL:
        return "internal error";
    }
    return "unknown error";
}

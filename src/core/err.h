/* core/err.h - the one error type of kensa, and its caller-owned detail.
 *
 * Every fallible function returns ks_err (KS_OK = 0, so `if (err)` reads
 * naturally) and writes detail into an optional `struct ks_diag *` that the
 * caller owns. There is no hidden global "last error". */
#ifndef KS_CORE_ERR_H
#define KS_CORE_ERR_H

#include "core/ks_common.h"

typedef enum ks_err {
    KS_OK = 0,
    KS_ENOMEM,       /* allocation failed */
    KS_EINVAL,       /* caller passed bad arguments (a bug in the caller, or a usage error) */
    KS_EIO,          /* read/write/open failed; errno is in diag->sys_errno */
    KS_EPARSE,       /* untrusted input is malformed */
    KS_ELIMIT,       /* untrusted input exceeds a configured limit */
    KS_ENOTFOUND,    /* the thing asked for does not exist */
    KS_EDB,          /* storage backend error */
    KS_EUNSUPPORTED, /* valid input that kensa does not handle */
    KS_EINTERNAL,    /* anything else that is kensa's fault */
} ks_err;

#define KS_DIAG_MSG_MAX 512

struct ks_diag {
    ks_err code;
    int sys_errno;
    char msg[KS_DIAG_MSG_MAX];
};

#define KS_DIAG_INIT {KS_OK, 0, {0}}

/* Records `code` and a printf-style message in `diag` (which may be NULL) and
 * returns `code`, so call sites read `return ks_diag_set(diag, KS_EPARSE, ...)`.
 * Messages are lowercase, without a trailing period, subject in quotes. */
ks_err ks_diag_set(struct ks_diag *diag, ks_err code, const char *fmt, ...) KS_PRINTF(3, 4);

/* Like ks_diag_set() for a failed system call: records `errno` (captured
 * before anything else runs) and appends ": <strerror>" to the message. */
ks_err ks_diag_errno(struct ks_diag *diag, ks_err code, const char *fmt, ...) KS_PRINTF(3, 4);

/* Prefixes the message already in `diag` with a printf-style context, e.g.
 * "'status': " so that inner errors name the file they came from. Returns the
 * code already in `diag` (KS_OK stays KS_OK). */
ks_err ks_diag_prefix(struct ks_diag *diag, const char *fmt, ...) KS_PRINTF(2, 3);

/* Resets `diag` to "no error". */
void ks_diag_clear(struct ks_diag *diag);

/* A short constant name for `err` ("parse error", "limit exceeded", ...). */
const char *ks_err_str(ks_err err);

#endif

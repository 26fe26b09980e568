/* core/ks_common.h - the first include of every kensa source file.
 *
 * Brings in the standard headers nearly every file needs, the project-wide
 * helper macros, and (last) banned.h. _POSIX_C_SOURCE / _DEFAULT_SOURCE come
 * from meson so that every translation unit sees the same feature set. */
#ifndef KS_CORE_KS_COMMON_H
#define KS_CORE_KS_COMMON_H

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KS_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define KS_MIN(a, b)    ((a) < (b) ? (a) : (b))
#define KS_MAX(a, b)    ((a) > (b) ? (a) : (b))
#define KS_UNUSED(x)    ((void)(x))

#define KS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define KS_NORETURN     __attribute__((noreturn))
#define KS_WARN_UNUSED  __attribute__((warn_unused_result))

/* Frees `p` and sets it to NULL, for fields that outlive one scope. */
#define KS_FREE_AND_NULL(p)                                                                        \
    do {                                                                                           \
        free(p);                                                                                   \
        (p) = NULL;                                                                                \
    } while (0)

/* Aborts with file and line on a broken internal invariant (git's BUG()).
 * Never use it for bad input: that is an error returned to the caller. */
#define KS_BUG(...) ks_bug_at(__FILE__, __LINE__, __VA_ARGS__)
KS_NORETURN void ks_bug_at(const char *file, int line, const char *fmt, ...) KS_PRINTF(3, 4);

#include "core/banned.h"

#endif

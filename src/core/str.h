/* core/str.h - small string helpers that libc lacks. */
#ifndef KS_CORE_STR_H
#define KS_CORE_STR_H

#include "core/ks_common.h"

/* A borrowed, not necessarily NUL-terminated slice of bytes. */
struct ks_str {
    const char *ptr;
    size_t len;
};

#define KS_STR_C(s) ((struct ks_str){(s), sizeof(s) - 1})

static inline struct ks_str ks_str_of(const char *s)
{
    return (struct ks_str){s, s ? strlen(s) : 0};
}

static inline bool ks_str_eq(struct ks_str a, const char *b)
{
    size_t n = strlen(b);
    return a.len == n && (n == 0 || !memcmp(a.ptr, b, n));
}

static inline bool ks_starts_with(const char *s, const char *prefix)
{
    return !strncmp(s, prefix, strlen(prefix));
}

static inline bool ks_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !memcmp(s + n - m, suffix, m);
}

/* Strips ASCII whitespace from both ends of the slice. */
struct ks_str ks_str_trim(struct ks_str s);

/* Case-insensitive ASCII comparison of NUL-terminated strings. */
int ks_strcasecmp_ascii(const char *a, const char *b);

/* True if the `len` bytes at `s` are valid UTF-8 (no overlongs, no surrogates). */
bool ks_utf8_valid(const char *s, size_t len);

#endif

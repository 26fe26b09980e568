/* pkg/text.h - line and field helpers shared by the OS package collectors
 * (internal to pkg). Inputs are byte ranges, never NUL-terminated. */
#ifndef KS_PKG_TEXT_H
#define KS_PKG_TEXT_H

#include "core/str.h"
#include "model/inventory.h"

struct ks_lines {
    const char *p;
    const char *end;
};

/* Next line without its "\n" (and "\r"); false at the end. */
static inline bool ks_lines_next(struct ks_lines *it, struct ks_str *line)
{
    const char *nl;

    if (it->p >= it->end)
        return false;
    nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
    line->ptr = it->p;
    line->len = (size_t)((nl ? nl : it->end) - it->p);
    it->p = nl ? nl + 1 : it->end;
    if (line->len && line->ptr[line->len - 1] == '\r')
        line->len--;
    return true;
}

/* Splits `s` at the first `sep`; false when absent. */
static inline bool ks_str_split(struct ks_str s, char sep, struct ks_str *a, struct ks_str *b)
{
    const char *x = s.len ? memchr(s.ptr, sep, s.len) : NULL;

    if (!x)
        return false;
    a->ptr = s.ptr;
    a->len = (size_t)(x - s.ptr);
    b->ptr = x + 1;
    b->len = s.len - a->len - 1;
    return true;
}

/* A token of `s` from `*pos` up to one of `stops` (or the end), trimmed. */
static inline struct ks_str ks_str_token(struct ks_str s, size_t *pos, const char *stops)
{
    struct ks_str t;
    size_t i = *pos;

    while (i < s.len && (s.ptr[i] == ' ' || s.ptr[i] == '\t'))
        i++;
    t.ptr = s.ptr + i;
    while (i < s.len && !strchr(stops, s.ptr[i]))
        i++;
    t.len = (size_t)(s.ptr + i - t.ptr);
    *pos = i;
    return ks_str_trim(t);
}

/* Copies a slice into the inventory's arena (NULL for an empty slice). */
const char *ks_pkg_str(struct ks_inventory *inv, struct ks_str s);

#endif

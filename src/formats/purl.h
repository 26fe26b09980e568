/* formats/purl.h - package URLs (https://github.com/package-url/purl-spec).
 *
 * `pkg:type/namespace/name@version?qualifiers#subpath`. Parsing decodes
 * percent-escapes, lowercases the type and qualifier keys, applies the
 * type-specific normalisations of the spec (pypi: lowercase, '_' → '-';
 * github, bitbucket: lowercase namespace and name; deb, apk, npm… kept as
 * given), drops empty qualifiers and sorts them by key. Building produces the
 * canonical string. Everything is allocated in the caller's arena.
 * Thread-safe. */
#ifndef KS_FORMATS_PURL_H
#define KS_FORMATS_PURL_H

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"

struct ks_purl_qualifier {
    const char *key;
    const char *value;
};

struct ks_purl {
    const char *type;      /* lowercase, required */
    const char *namespace; /* segments joined with '/', or NULL */
    const char *name;      /* required */
    const char *version;   /* or NULL */
    struct ks_purl_qualifier *qualifiers; /* sorted by key */
    size_t nqualifiers;
    const char *subpath; /* without leading/trailing '/', or NULL */
};

/* Parses `s`. KS_EPARSE with detail for anything that is not a valid purl. */
ks_err ks_purl_parse(struct ks_arena *arena, const char *s, struct ks_purl *out,
                     struct ks_diag *diag);

/* Appends the canonical string of `p` to `out`. */
ks_err ks_purl_build(const struct ks_purl *p, struct ks_buf *out);

/* Builds the canonical purl of the parts into `arena` (NULL when out of
 * memory or without a name): qualifiers with empty or NULL values are left
 * out, the rest sorted. `ns` and `version` may be NULL. */
const char *ks_purl_make(struct ks_arena *arena, const char *type, const char *ns,
                         const char *name, const char *version,
                         const struct ks_purl_qualifier *quals, size_t nquals);

/* The value of qualifier `key`, or NULL. */
const char *ks_purl_qualifier(const struct ks_purl *p, const char *key);

/* True if `pattern` designates `p`: same type, namespace and name; the same
 * version if the pattern has one; and every qualifier of the pattern present
 * with the same value in `p` (so "pkg:deb/debian/curl" designates every
 * Debian curl package, as VEX documents use it). */
bool ks_purl_matches(const struct ks_purl *pattern, const struct ks_purl *p);

#endif

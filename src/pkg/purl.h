/* pkg/purl.h - package URLs per the purl specification
 * (github.com/package-url/purl-spec): pkg:TYPE/NAMESPACE/NAME@VERSION?QUALIFIERS.
 *
 * Namespace segments, name and version are percent-encoded except for the
 * unreserved characters A-Z a-z 0-9 . - _ ~ (and ':' in versions, which the
 * spec leaves as is, so "1:2.3" epochs read naturally); qualifiers are
 * given as key/value pairs, emitted sorted by key, empty values dropped. */
#ifndef KS_PKG_PURL_H
#define KS_PKG_PURL_H

#include "core/arena.h"
#include "core/err.h"

struct ks_purl_qual {
    const char *key;
    const char *value; /* NULL or "": left out */
};

/* Builds the purl in `arena`; NULL when out of memory. `ns` may be NULL. */
const char *ks_purl_build(struct ks_arena *arena, const char *type, const char *ns,
                          const char *name, const char *version,
                          const struct ks_purl_qual *quals, size_t nquals);

#endif

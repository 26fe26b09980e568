/* match/ignore.h - the ignore file: findings a user has decided to accept.
 *
 * YAML, one list under `ignore:`; each entry names a vulnerability and, to
 * narrow it, a package, a purl pattern and/or a path glob, and must give a
 * reason; an optional expiry date (YYYY-MM-DD, UTC) makes the entry stop
 * applying after that day, and the scan reports it as expired:
 *
 *     ignore:
 *       - id: CVE-2023-44487            # a vulnerability id or any alias
 *         package: nghttp2              # optional, exact package name
 *         purl: pkg:deb/debian/nghttp2  # optional, purl pattern (ks_purl_matches)
 *         path: /usr/lib/x86_64-linux-gnu/libnghttp2.so.[0-9]  # optional glob (fnmatch)
 *         reason: HTTP/2 is not exposed # required
 *         expires: 2026-12-31           # optional
 *
 * Errors (unknown keys, missing id or reason, bad dates, bad purls) name the
 * file and the entry's line. Rules live in the ignore set's own arena. */
#ifndef KS_MATCH_IGNORE_H
#define KS_MATCH_IGNORE_H

#include "core/arena.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/vec.h"
#include "formats/purl.h"

#include <time.h>

struct ks_ignore_rule {
    const char *id;
    const char *package;   /* or NULL */
    const char *purl_text; /* or NULL */
    struct ks_purl purl;   /* parsed `purl_text` */
    const char *path;      /* glob, or NULL */
    const char *reason;
    const char *expires; /* "YYYY-MM-DD", or NULL */
    bool expired;        /* the expiry date has passed at load time */
    unsigned line;
};

struct ks_ignore {
    struct ks_arena arena;
    const char *file;
    KS_VEC(struct ks_ignore_rule) rules;
};

void ks_ignore_init(struct ks_ignore *ig);
void ks_ignore_release(struct ks_ignore *ig);

/* Parses an ignore file of `len` bytes named `name`; `now` decides which
 * entries have expired (an entry applies through its whole expiry day). */
ks_err ks_ignore_load(struct ks_ignore *ig, const char *name, const char *text, size_t len,
                      time_t now, const struct ks_limits *lim, struct ks_diag *diag);

/* The first unexpired rule that applies to a finding of vulnerability `id`
 * (or any of its `aliases`) on the package `name` with purl `purl` (may be
 * NULL) found at `path` (may be NULL), or NULL. */
const struct ks_ignore_rule *ks_ignore_match(const struct ks_ignore *ig, const char *id,
                                             const char *const *aliases, size_t naliases,
                                             const char *name, const struct ks_purl *purl,
                                             const char *path);

#endif

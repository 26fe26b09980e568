/* core/conf.h - the kensa configuration file (/etc/kensa/kensa.conf, --config).
 *
 * INI syntax: `[section]` headers, `key = value` lines, `#` or `;` comments,
 * values trimmed of surrounding whitespace and optionally double-quoted. A key
 * may repeat (for lists such as feed URLs); lookups return the last value and
 * iteration sees all. Everything lives in the conf's own arena. */
#ifndef KS_CORE_CONF_H
#define KS_CORE_CONF_H

#include "core/arena.h"
#include "core/err.h"
#include "core/limits.h"

struct ks_conf_entry {
    const char *section; /* "" before the first header */
    const char *key;
    const char *value;
    unsigned line;
};

struct ks_conf {
    struct ks_arena arena;
    struct ks_conf_entry *entries;
    size_t len;
    size_t cap;
    const char *path; /* for messages */
};

void ks_conf_init(struct ks_conf *c);
void ks_conf_release(struct ks_conf *c);

/* Parses `len` bytes of config text; `name` is used in error messages
 * ("'kensa.conf' line 3: expected 'key = value'"). Appends to what `c` has. */
ks_err ks_conf_parse(struct ks_conf *c, const char *name, const char *text, size_t len,
                     struct ks_diag *diag);

/* Reads and parses the file at `path` (at most 1 MiB). */
ks_err ks_conf_load(struct ks_conf *c, const char *path, struct ks_diag *diag);

/* The last value of `key` in `section`, or NULL. Borrowed from `c`. */
const char *ks_conf_get(const struct ks_conf *c, const char *section, const char *key);

/* Applies every key of the [limits] section to `lim`. */
ks_err ks_conf_apply_limits(const struct ks_conf *c, struct ks_limits *lim, struct ks_diag *diag);

#endif

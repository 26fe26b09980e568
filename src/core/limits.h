/* core/limits.h - ceilings for everything that reads untrusted input.
 *
 * One `struct ks_limits` is passed down every ingest and parse path and is
 * checked at every unpack step (ClamAV's cli_checklimits). Defaults are sane
 * for real images and hosts; a config file's [limits] section or the caller
 * may override them. A value of 0 never means "unlimited". */
#ifndef KS_CORE_LIMITS_H
#define KS_CORE_LIMITS_H

#include "core/err.h"

struct ks_limits {
    uint64_t max_file_size;     /* bytes of one file read into memory */
    uint64_t max_expanded;      /* total bytes expanded from one target */
    uint32_t max_ratio;         /* expanded / compressed, per archive member */
    uint32_t max_archive_depth; /* nesting of archives in archives */
    uint64_t max_entries;       /* entries in one target (files, archive members) */
    uint32_t max_json_depth;    /* nesting of JSON/YAML documents */
    uint32_t max_path_len;      /* bytes of one path */
};

/* The built-in defaults. */
extern const struct ks_limits ks_limits_default;

/* Sets `lim` to the defaults. */
void ks_limits_init(struct ks_limits *lim);

/* Overrides one limit by name ("max_file_size", "max_expanded", "max_ratio",
 * "max_archive_depth", "max_entries", "max_json_depth", "max_path_len").
 * Sizes accept K, M, G suffixes (powers of 1024). KS_EINVAL with detail for an
 * unknown name, a malformed or zero value. */
ks_err ks_limits_set(struct ks_limits *lim, const char *name, const char *value,
                     struct ks_diag *diag);

/* Parses an unsigned decimal with an optional K/M/G suffix into `out`.
 * KS_EINVAL for anything else (sign, garbage, overflow). */
ks_err ks_parse_size(const char *s, uint64_t *out);

/* Parses an unsigned decimal integer that must consume the whole string. */
ks_err ks_parse_u64(const char *s, uint64_t *out);

/* Parses a duration such as "90s", "30m", "12h", "7d", "2w" into seconds.
 * A bare number is seconds. */
ks_err ks_parse_duration(const char *s, uint64_t *seconds);

#endif

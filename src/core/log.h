/* core/log.h - diagnostics for people and machines, always on stderr.
 *
 * Plain lines look like `kensa: warning: message`; with ks_log_set_json(true)
 * every line is one JSON object {"ts":…,"level":…,"msg":…}. The level and
 * format are process-wide and set once at start-up by cmd/; ks_log() itself
 * is thread-safe (one locked write per line). */
#ifndef KS_CORE_LOG_H
#define KS_CORE_LOG_H

#include "core/ks_common.h"

enum ks_log_level {
    KS_LOG_ERROR = 0,
    KS_LOG_WARN,
    KS_LOG_INFO,
    KS_LOG_DEBUG,
    KS_LOG_TRACE,
};

void ks_log_set_level(enum ks_log_level level);
enum ks_log_level ks_log_get_level(void);
void ks_log_set_json(bool on);

/* Parses "error", "warn", "info", "debug", "trace". Returns false otherwise. */
bool ks_log_parse_level(const char *s, enum ks_log_level *out);

/* True when a message at `level` would be written. */
bool ks_log_enabled(enum ks_log_level level);

void ks_log(enum ks_log_level level, const char *fmt, ...) KS_PRINTF(2, 3);
void ks_vlog(enum ks_log_level level, const char *fmt, va_list ap);

#define ks_log_error(...) ks_log(KS_LOG_ERROR, __VA_ARGS__)
#define ks_log_warn(...)  ks_log(KS_LOG_WARN, __VA_ARGS__)
#define ks_log_info(...)  ks_log(KS_LOG_INFO, __VA_ARGS__)
#define ks_log_debug(...) ks_log(KS_LOG_DEBUG, __VA_ARGS__)

#endif

#include "core/ks_common.h"

#include "core/log.h"

#include <time.h>

static enum ks_log_level cur_level = KS_LOG_WARN;
static bool json_lines;

static const char *const level_names[] = {"error", "warning", "info", "debug", "trace"};

void ks_log_set_level(enum ks_log_level level)
{
    cur_level = level;
}

enum ks_log_level ks_log_get_level(void)
{
    return cur_level;
}

void ks_log_set_json(bool on)
{
    json_lines = on;
}

bool ks_log_parse_level(const char *s, enum ks_log_level *out)
{
    static const char *const names[] = {"error", "warn", "info", "debug", "trace"};

    for (size_t i = 0; i < KS_ARRAY_LEN(names); i++) {
        if (!strcmp(s, names[i])) {
            *out = (enum ks_log_level)i;
            return true;
        }
    }
    if (!strcmp(s, "warning")) {
        *out = KS_LOG_WARN;
        return true;
    }
    return false;
}

bool ks_log_enabled(enum ks_log_level level)
{
    return level <= cur_level;
}

/* Writes `s` as the body of a JSON string (no quotes). */
static void put_json_string(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
}

void ks_vlog(enum ks_log_level level, const char *fmt, va_list ap)
{
    char msg[2048];

    if (!ks_log_enabled(level))
        return;
    vsnprintf(msg, sizeof(msg), fmt, ap);
    flockfile(stderr);
    if (json_lines) {
        struct timespec ts;
        struct tm tm;
        char when[32];

        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
        fprintf(stderr, "{\"ts\":\"%s.%03ldZ\",\"level\":\"%s\",\"msg\":\"", when,
                ts.tv_nsec / 1000000, level_names[level]);
        put_json_string(stderr, msg);
        fputs("\"}\n", stderr);
    } else {
        fprintf(stderr, "kensa: %s: %s\n", level_names[level], msg);
    }
    funlockfile(stderr);
}

void ks_log(enum ks_log_level level, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    ks_vlog(level, fmt, ap);
    va_end(ap);
}

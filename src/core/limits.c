#include "core/ks_common.h"

#include "core/limits.h"

const struct ks_limits ks_limits_default = {
    .max_file_size = 256ull << 20,
    .max_expanded = 16ull << 30,
    .max_ratio = 200,
    .max_archive_depth = 4,
    .max_entries = 2000000,
    .max_json_depth = 512,
    .max_path_len = 4096,
};

void ks_limits_init(struct ks_limits *lim)
{
    *lim = ks_limits_default;
}

ks_err ks_parse_u64(const char *s, uint64_t *out)
{
    uint64_t v = 0;

    if (!s || !*s)
        return KS_EINVAL;
    for (; *s; s++) {
        unsigned d;
        if (*s < '0' || *s > '9')
            return KS_EINVAL;
        d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return KS_EINVAL;
        v = v * 10 + d;
    }
    *out = v;
    return KS_OK;
}

/* Splits "123K" into 123 and the multiplier of its one-letter suffix. */
static ks_err parse_with_suffix(const char *s, const char *suffixes, const uint64_t *mult,
                                uint64_t *out)
{
    char num[32];
    size_t len = s ? strlen(s) : 0;
    uint64_t m = 1, v;
    const char *hit;

    if (len == 0 || len >= sizeof(num))
        return KS_EINVAL;
    memcpy(num, s, len + 1);
    hit = strchr(suffixes, num[len - 1]);
    if (num[len - 1] && hit) {
        m = mult[hit - suffixes];
        num[--len] = '\0';
    }
    if (ks_parse_u64(num, &v))
        return KS_EINVAL;
    if (v && m > UINT64_MAX / v)
        return KS_EINVAL;
    *out = v * m;
    return KS_OK;
}

ks_err ks_parse_size(const char *s, uint64_t *out)
{
    static const uint64_t mult[] = {1ull << 10, 1ull << 20, 1ull << 30, 1ull << 10,
                                    1ull << 20, 1ull << 30};
    return parse_with_suffix(s, "KMGkmg", mult, out);
}

ks_err ks_parse_duration(const char *s, uint64_t *seconds)
{
    static const uint64_t mult[] = {1, 60, 3600, 86400, 604800};
    return parse_with_suffix(s, "smhdw", mult, seconds);
}

ks_err ks_limits_set(struct ks_limits *lim, const char *name, const char *value,
                     struct ks_diag *diag)
{
    uint64_t v;

    if (ks_parse_size(value, &v) || v == 0)
        return ks_diag_set(diag, KS_EINVAL, "limit '%s': invalid value '%s'", name, value);
    if (!strcmp(name, "max_file_size"))
        lim->max_file_size = v;
    else if (!strcmp(name, "max_expanded"))
        lim->max_expanded = v;
    else if (!strcmp(name, "max_entries"))
        lim->max_entries = v;
    else if (v > UINT32_MAX)
        return ks_diag_set(diag, KS_EINVAL, "limit '%s': value '%s' too large", name, value);
    else if (!strcmp(name, "max_ratio"))
        lim->max_ratio = (uint32_t)v;
    else if (!strcmp(name, "max_archive_depth"))
        lim->max_archive_depth = (uint32_t)v;
    else if (!strcmp(name, "max_json_depth"))
        lim->max_json_depth = (uint32_t)v;
    else if (!strcmp(name, "max_path_len"))
        lim->max_path_len = (uint32_t)v;
    else
        return ks_diag_set(diag, KS_EINVAL, "unknown limit '%s'", name);
    return KS_OK;
}

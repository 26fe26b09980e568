/* code/secrets.c - recognising secrets in string literals.
 *
 * Known formats are matched by hand-written scanners (no regex engine needed:
 * every format is a fixed prefix and a character class), and verified by
 * their checksum where the format has one (GitHub and npm tokens: CRC32 of
 * the random part, base62, in the last 6 characters). Other credential-like
 * names get the entropy rule. */
#include "core/ks_common.h"

#include "code/code.h"

#include "core/dl.h"

#include <ctype.h>
#include <math.h>

static bool all_in(const char *s, size_t len, const char *cls_extra, bool alnum)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (alnum && isalnum(c))
            continue;
        if (cls_extra && c && strchr(cls_extra, c))
            continue;
        return false;
    }
    return true;
}

static uint32_t crc32_ieee(const unsigned char *p, size_t len)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < len; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return c ^ 0xffffffffu;
}

/* GitHub/npm token checksum: base62(crc32(random part)), zero-padded to 6. */
static bool token_crc_ok(const char *rnd, size_t rlen, const char *sum6)
{
    static const char b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    uint32_t v = crc32_ieee((const unsigned char *)rnd, rlen);
    char enc[7] = "000000";
    for (int i = 5; i >= 0 && v; i--) {
        enc[i] = b62[v % 62];
        v /= 62;
    }
    return memcmp(enc, sum6, 6) == 0;
}

static bool is_b32_upper(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!(isupper((unsigned char)s[i]) || (s[i] >= '2' && s[i] <= '7')))
            return false;
    return true;
}

static bool b64url_decodes_json(const char *s, size_t len)
{
    /* A JWT header or payload is base64url of a JSON object: '{"' encodes to
     * "eyJ"; check the characters and that the first decoded byte is '{'. */
    return len >= 4 && !memcmp(s, "eyJ", 3) && all_in(s, len, "-_=", true);
}

static bool is_placeholder(const char *s, size_t len)
{
    static const char *const words[] = {"xxxx", "your", "example", "changeme", "placeholder",
                                        "dummy", "<", "${", "{{", "%s", "{}", "redacted",
                                        "****", "todo", "fixme", "replace", "sample"};
    char low[64];
    size_t n = KS_MIN(len, sizeof(low) - 1);

    for (size_t i = 0; i < n; i++)
        low[i] = (char)tolower((unsigned char)s[i]);
    low[n] = 0;
    for (size_t i = 0; i < KS_ARRAY_LEN(words); i++)
        if (strstr(low, words[i]))
            return true;
    return false;
}

static double entropy(const char *s, size_t len)
{
    unsigned cnt[256] = {0};
    double h = 0;

    for (size_t i = 0; i < len; i++)
        cnt[(unsigned char)s[i]]++;
    for (size_t i = 0; i < 256; i++)
        if (cnt[i]) {
            double p = (double)cnt[i] / (double)len;
            h -= p * ks_log2(p);
        }
    return h;
}

static bool has_digit_and_letter(const char *s, size_t len)
{
    bool d = false, a = false;
    for (size_t i = 0; i < len; i++) {
        d |= isdigit((unsigned char)s[i]) != 0;
        a |= isalpha((unsigned char)s[i]) != 0;
    }
    return d && a;
}

static bool credential_name(const char *name)
{
    static const char *const words[] = {"password", "passwd", "pwd", "secret", "token",
                                        "apikey", "api_key", "accesskey", "access_key",
                                        "privatekey", "private_key", "credential", "auth_key",
                                        "client_secret", "passphrase"};
    char low[128];
    size_t n = 0;

    if (!name)
        return false;
    for (; name[n] && n < sizeof(low) - 1; n++)
        low[n] = (char)tolower((unsigned char)name[n]);
    low[n] = 0;
    /* token_type, password_field, secret_name: labels, not values */
    if (strstr(low, "type") || strstr(low, "name") || strstr(low, "field") || strstr(low, "kind") ||
        strstr(low, "url") || strstr(low, "path") || strstr(low, "file") || strstr(low, "header"))
        return false;
    for (size_t i = 0; i < KS_ARRAY_LEN(words); i++)
        if (strstr(low, words[i]))
            return true;
    return false;
}

/* scheme://user:password@host with a real-looking password */
static bool conn_string(const char *s, size_t len)
{
    static const char *const schemes[] = {"postgres://", "postgresql://", "mysql://",
                                          "mongodb://", "mongodb+srv://", "redis://",
                                          "rediss://", "amqp://", "amqps://", "mssql://",
                                          "jdbc:postgresql://", "jdbc:mysql://", "ftp://"};
    for (size_t i = 0; i < KS_ARRAY_LEN(schemes); i++) {
        size_t sl = strlen(schemes[i]);
        if (len <= sl || strncmp(s, schemes[i], sl))
            continue;
        const char *p = s + sl, *end = s + len;
        const char *at = memchr(p, '@', (size_t)(end - p));
        if (!at)
            return false;
        const char *colon = memchr(p, ':', (size_t)(at - p));
        if (!colon || at - colon < 2)
            return false;
        return !is_placeholder(colon + 1, (size_t)(at - colon - 1)) && !memchr(p, '/', (size_t)(at - p));
    }
    return false;
}

const char *ks_code_secret_kind(const char *s, size_t len, const char *name)
{
    if (len >= 20 && len <= 4096) {
        /* scan for embedded formats: private keys may sit inside longer text */
        if (len >= 27 && memmem(s, len, "-----BEGIN ", 11) && memmem(s, len, "PRIVATE KEY-----", 16))
            return "private key";
    }
    if (len == 20 && (!memcmp(s, "AKIA", 4) || !memcmp(s, "ASIA", 4) || !memcmp(s, "ABIA", 4) ||
                      !memcmp(s, "ACCA", 4)) &&
        is_b32_upper(s + 4, 16))
        return "AWS access key id";
    if (len == 40 && s[3] == '_' &&
        (!memcmp(s, "ghp_", 4) || !memcmp(s, "gho_", 4) || !memcmp(s, "ghu_", 4) ||
         !memcmp(s, "ghs_", 4) || !memcmp(s, "ghr_", 4)) &&
        all_in(s + 4, 36, NULL, true) && token_crc_ok(s + 4, 30, s + 34))
        return "GitHub token";
    if (len == 40 && !memcmp(s, "npm_", 4) && all_in(s + 4, 36, NULL, true) &&
        token_crc_ok(s + 4, 30, s + 34))
        return "npm token";
    if (len == 93 && !memcmp(s, "github_pat_", 11) && s[33] == '_' &&
        all_in(s + 11, 22, NULL, true) && all_in(s + 34, 59, NULL, true))
        return "GitHub fine-grained token";
    if (len == 26 && !memcmp(s, "glpat-", 6) && all_in(s + 6, 20, "-_", true))
        return "GitLab token";
    if (len >= 24 && !memcmp(s, "xox", 3) && strchr("baprs", s[3]) && s[4] == '-' &&
        all_in(s + 5, len - 5, "-", true))
        return "Slack token";
    if (len > 40 && !strncmp(s, "https://hooks.slack.com/services/T", 34))
        return "Slack webhook";
    if (len >= 32 && (!memcmp(s, "sk_live_", 8) || !memcmp(s, "rk_live_", 8)) &&
        all_in(s + 8, len - 8, NULL, true))
        return "Stripe live key";
    if (len == 39 && !memcmp(s, "AIza", 4) && all_in(s + 4, 35, "-_", true))
        return "Google API key";
    if (len > 30) {
        const char *d1 = memchr(s, '.', len);
        const char *d2 = d1 ? memchr(d1 + 1, '.', (size_t)(s + len - d1 - 1)) : NULL;
        if (d2 && d2 + 1 < s + len && b64url_decodes_json(s, (size_t)(d1 - s)) &&
            b64url_decodes_json(d1 + 1, (size_t)(d2 - d1 - 1)) &&
            all_in(d2 + 1, (size_t)(s + len - d2 - 1), "-_", true))
            return "JSON web token";
    }
    if (conn_string(s, len))
        return "connection string with password";
    if (credential_name(name) && len >= 8 && len <= 200 && !memchr(s, ' ', len) &&
        !is_placeholder(s, len) && has_digit_and_letter(s, len) && entropy(s, len) >= 3.0)
        return "high-entropy credential";
    return NULL;
}

void ks_code_redact(const char *s, size_t len, char *out, size_t outsz)
{
    size_t keep = len >= 12 ? 4 : 0;
    snprintf(out, outsz, "%.*s****", (int)keep, s);
}

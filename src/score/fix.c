/* score/fix.c - fix commands per package manager.
 *
 * Advisory data is untrusted and the command is meant to be copied into a
 * shell, so every value goes through shell_word(): bytes outside a small
 * safe set make the word single-quoted (with ' written as '\''), and control
 * characters refuse the whole command. '~' (Debian versions) and '>' (apk,
 * pip constraints) are outside the safe set on purpose: tilde and redirection
 * expansion. Values starting with '-' refuse the command too: quoting does
 * not stop a program from reading them as options. */
#include "core/ks_common.h"

#include "score/fix.h"

#include "core/buf.h"
#include "core/str.h"

static bool has_control(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return true;
    return false;
}

static bool safe_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("._+:@/=,-", c));
}

/* Appends `word` as one shell word. */
static ks_err shell_word(struct ks_buf *b, const char *word)
{
    bool quote = !*word;
    ks_err err = KS_OK;

    for (const unsigned char *p = (const unsigned char *)word; *p; p++)
        quote |= !safe_byte(*p);
    if (!quote)
        return ks_buf_adds(b, word);
    err = ks_buf_addc(b, '\'');
    for (const char *p = word; *p && !err; p++)
        err = *p == '\'' ? ks_buf_adds(b, "'\\''") : ks_buf_addc(b, *p);
    if (!err)
        err = ks_buf_addc(b, '\'');
    return err;
}

/* Appends the `n` strings `parts` joined, as one shell word (a command
 * per finding: no formatting). */
static ks_err shell_join(struct ks_buf *b, const char *const *parts, size_t n)
{
    char stack[512];
    struct ks_buf w = KS_BUF_INIT(0);
    size_t len = 0;
    const char *word = stack;
    ks_err err = KS_OK;

    for (size_t i = 0; i < n; i++)
        len += strlen(parts[i]);
    if (len < sizeof(stack)) {
        len = 0;
        for (size_t i = 0; i < n; i++) {
            size_t l = strlen(parts[i]);

            memcpy(stack + len, parts[i], l);
            len += l;
        }
        stack[len] = '\0';
    } else {
        for (size_t i = 0; !err && i < n; i++)
            err = ks_buf_adds(&w, parts[i]);
        word = ks_buf_str(&w);
    }
    if (!err)
        err = shell_word(b, word);
    ks_buf_release(&w);
    return err;
}
#define SHELL_JOIN(b, ...)                                                                         \
    shell_join((b), (const char *const[]){__VA_ARGS__},                                           \
               sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

const char *ks_fix_command(struct ks_arena *arena, enum ks_pkg_type type, const char *name,
                           const char *fixed, const char *advisory)
{
    struct ks_buf b = KS_BUF_INIT(4096);
    const char *out = NULL;
    ks_err err = KS_OK;

    /* a value starting with '-' would be read as an option however quoted */
    if (!name || !*name || !fixed || !*fixed || has_control(name) || has_control(fixed) ||
        (advisory && has_control(advisory)) || name[0] == '-' || fixed[0] == '-' ||
        (advisory && advisory[0] == '-'))
        return NULL;

    switch (type) {
    case KS_PKG_DEB:
        /* from a known suite: its current version, which later uploads to
         * the suite keep installable (a superseded "=VERSION" is not) */
        err = ks_buf_adds(&b, "apt-get install --only-upgrade ");
        if (!err)
            err = advisory && *advisory ? SHELL_JOIN(&b, name, "/", advisory)
                                        : SHELL_JOIN(&b, name, "=", fixed);
        break;
    case KS_PKG_RPM:
        if (advisory && *advisory) {
            /* Amazon Linux 2 has yum only; AL2023, RHEL 8+ and clones dnf */
            err = ks_buf_adds(&b, ks_starts_with(advisory, "ALAS2-") ||
                                                  ks_starts_with(advisory, "ALAS-")
                                          ? "yum update --advisory "
                                          : "dnf upgrade-minimal --advisory ");
            if (!err)
                err = shell_word(&b, advisory);
        } else {
            err = ks_buf_adds(&b, "dnf upgrade-minimal ");
            if (!err)
                err = SHELL_JOIN(&b, name, "-", fixed);
        }
        break;
    case KS_PKG_APK:
        err = ks_buf_adds(&b, "apk add --upgrade ");
        if (!err)
            err = SHELL_JOIN(&b, name, ">=", fixed);
        break;
    case KS_PKG_PYPI:
        err = ks_buf_adds(&b, "pip install ");
        if (!err)
            err = SHELL_JOIN(&b, name, ">=", fixed);
        break;
    case KS_PKG_NPM:
        err = ks_buf_adds(&b, "npm install ");
        if (!err)
            err = SHELL_JOIN(&b, name, "@", fixed);
        break;
    case KS_PKG_MAVEN:
        err = ks_buf_adds(&b, "mvn versions:use-dep-version ");
        if (!err)
            err = SHELL_JOIN(&b, "-Dincludes=", name);
        if (!err)
            err = ks_buf_addc(&b, ' ');
        if (!err)
            err = SHELL_JOIN(&b, "-DdepVersion=", fixed);
        break;
    case KS_PKG_GO:
        /* OSV writes Go versions without the "v" the go command needs */
        err = ks_buf_adds(&b, "go get ");
        if (!err)
            err = SHELL_JOIN(&b, name, "@", fixed[0] == 'v' ? "" : "v", fixed);
        break;
    case KS_PKG_CARGO:
        err = ks_buf_adds(&b, "cargo update -p ");
        if (!err)
            err = shell_word(&b, name);
        if (!err)
            err = ks_buf_adds(&b, " --precise ");
        if (!err)
            err = shell_word(&b, fixed);
        break;
    case KS_PKG_GEM:
        err = ks_buf_adds(&b, "bundle update --conservative ");
        if (!err)
            err = shell_word(&b, name);
        break;
    case KS_PKG_COMPOSER:
        err = ks_buf_adds(&b, "composer require ");
        if (!err)
            err = SHELL_JOIN(&b, name, ":>=", fixed);
        break;
    case KS_PKG_NUGET:
        err = ks_buf_adds(&b, "dotnet add package ");
        if (!err)
            err = shell_word(&b, name);
        if (!err)
            err = ks_buf_adds(&b, " --version ");
        if (!err)
            err = shell_word(&b, fixed);
        break;
    default:
        /* Go standard library (rebuild with a newer toolchain), kernel
         * (reboot matters), unknown: no single command */
        goto done;
    }
    if (!err)
        out = ks_arena_strndup(arena, b.ptr, b.len);
done:
    ks_buf_release(&b);
    return out;
}

enum ks_fix_available ks_fix_available_of(size_t n, size_t fixable)
{
    if (!n || !fixable)
        return KS_FIX_NO;
    return fixable >= n ? KS_FIX_YES : KS_FIX_PARTIAL;
}

/* version/apk.c - Alpine package versions, ordered by apk-tools' rules
 * (Gentoo-style: {digits}{.digits}...{letter}{_suffix{digits}}...{-r#}).
 *
 * A version is read as a stream of tokens whose kind depends on the kind
 * before it, as apk-tools does: numbers (a number after '.' that starts
 * with '0' becomes "minus the count of its zeros", then the remaining
 * digits), one lowercase letter, suffixes (_alpha < _beta < _pre < _rc
 * < none < _cvs < _svn < _git < _hg < _p) with an optional number, and the
 * revision "-rN". Two versions compare token by token; when one ends first
 * (or changes kind), the longer one is greater unless what follows is a
 * pre-release suffix. Validity is apk-tools' apk_version_validate(), except
 * that the empty string is rejected. apk-tools keeps numbers in an int
 * (overflowing past 9 digits); kensa compares digit strings exactly.
 * No runnable apk-tools exists here: tests use apk-tools' published test
 * vectors (tests/data/version/apk-version.data). */
#include "core/ks_common.h"

#include "version/scheme.h"

enum tok {
    T_INVALID = -1,
    T_DIGIT_OR_ZERO,
    T_DIGIT,
    T_LETTER,
    T_SUFFIX,
    T_SUFFIX_NO,
    T_REVISION_NO,
    T_END,
};

/* A token's value: a small integer, or a digit string compared exactly. */
struct val {
    bool digits;
    long iv;
    const char *p;
    size_t n;
};

struct cursor {
    const char *p, *e;
    enum tok t; /* kind of the next token */
};

static bool islower_c(int c)
{
    return c >= 'a' && c <= 'z';
}

/* Decides the kind of the token at c->p after a token of kind c->t. */
static void next_kind(struct cursor *c)
{
    enum tok n = T_INVALID, t = c->t;

    if (c->p == c->e) {
        n = T_END;
    } else if ((t == T_DIGIT || t == T_DIGIT_OR_ZERO) && islower_c(*c->p)) {
        n = T_LETTER;
    } else if (t == T_LETTER && ks_version_isdigit(*c->p)) {
        n = T_DIGIT;
    } else if (t == T_SUFFIX && ks_version_isdigit(*c->p)) {
        n = T_SUFFIX_NO;
    } else {
        if (*c->p == '.') {
            n = T_DIGIT_OR_ZERO;
        } else if (*c->p == '_') {
            n = T_SUFFIX;
        } else if (*c->p == '-') {
            if (c->e - c->p > 1 && c->p[1] == 'r') {
                n = T_REVISION_NO;
                c->p++;
            }
        }
        c->p++;
    }
    if (n < t && !((n == T_DIGIT_OR_ZERO && t == T_DIGIT) ||
                   (n == T_SUFFIX && t == T_SUFFIX_NO) || (n == T_DIGIT && t == T_LETTER)))
        n = T_INVALID;
    c->t = n;
}

static bool has_prefix(const char *p, const char *e, const char *w)
{
    size_t n = strlen(w);

    return (size_t)(e - p) >= n && !memcmp(p, w, n);
}

/* Reads the token of kind c->t into *v and moves to the next one. */
static void get_token(struct cursor *c, struct val *v)
{
    static const char *const pre[] = {"alpha", "beta", "pre", "rc"};
    static const char *const post[] = {"cvs", "svn", "git", "hg", "p"};
    enum tok nt = T_INVALID;
    const char *s = c->p;
    size_t i;

    *v = (struct val){false, 0, NULL, 0};
    if (c->p >= c->e) {
        c->t = T_END;
        return;
    }
    switch (c->t) {
    case T_DIGIT_OR_ZERO:
        if (*s == '0') {
            while (c->p < c->e && *c->p == '0')
                c->p++;
            v->iv = -(long)(c->p - s);
            nt = T_DIGIT;
            break;
        }
        /* fall through */
    case T_DIGIT:
    case T_SUFFIX_NO:
    case T_REVISION_NO:
        while (c->p < c->e && ks_version_isdigit(*c->p))
            c->p++;
        *v = (struct val){true, 0, s, (size_t)(c->p - s)};
        break;
    case T_LETTER:
        v->iv = (unsigned char)*c->p++;
        break;
    case T_SUFFIX:
        for (i = 0; i < KS_ARRAY_LEN(pre); i++)
            if (has_prefix(s, c->e, pre[i]))
                break;
        if (i < KS_ARRAY_LEN(pre)) {
            v->iv = (long)i - (long)KS_ARRAY_LEN(pre);
            c->p += strlen(pre[i]);
            break;
        }
        for (i = 0; i < KS_ARRAY_LEN(post); i++)
            if (has_prefix(s, c->e, post[i]))
                break;
        if (i < KS_ARRAY_LEN(post)) {
            v->iv = (long)i;
            c->p += strlen(post[i]);
            break;
        }
        c->t = T_INVALID; /* unknown suffix */
        v->iv = -1;
        return;
    default:
        c->t = T_INVALID;
        v->iv = -1;
        return;
    }
    if (c->p == c->e)
        c->t = T_END;
    else if (nt != T_INVALID)
        c->t = nt;
    else
        next_kind(c);
}

static int val_cmp(const struct val *a, const struct val *b)
{
    if (a->digits && b->digits)
        return ks_version_numcmp(a->p, a->n, b->p, b->n);
    if (a->digits || b->digits) {
        const struct val *d = a->digits ? a : b, *x = a->digits ? b : a;
        int r;

        if (x->iv < 0) {
            r = 1;
        } else {
            char buf[24];
            int len = snprintf(buf, sizeof(buf), "%ld", x->iv);

            r = ks_version_numcmp(d->p, d->n, buf, (size_t)len);
        }
        return a->digits ? r : -r;
    }
    return (a->iv > b->iv) - (a->iv < b->iv);
}

static const char *apk_check(const char *v)
{
    struct cursor c = {v, v + strlen(v), T_DIGIT};
    struct val x;

    if (!*v)
        return "version string is empty";
    if (c.e - c.p > KS_VERSION_MAX_LEN)
        return "version string is too long";
    while (c.t != T_END && c.t != T_INVALID)
        get_token(&c, &x);
    return c.t == T_END ? NULL : "not a valid apk version";
}

const char *ks_version_apk_check(const char *v)
{
    return apk_check(v);
}

ks_err ks_version_apk_cmp(const char *a, const char *b, int *out, struct ks_diag *diag)
{
    struct cursor x = {a, a + strlen(a), T_DIGIT}, y = {b, b + strlen(b), T_DIGIT};
    struct val av = {false, 0, NULL, 0}, bv = av;
    const char *why;
    int r = 0;

    if ((why = apk_check(a)))
        return ks_version_invalid(diag, "apk", a, why);
    if ((why = apk_check(b)))
        return ks_version_invalid(diag, "apk", b, why);
    while (x.t == y.t && x.t != T_END && x.t != T_INVALID && r == 0) {
        get_token(&x, &av);
        get_token(&y, &bv);
        r = val_cmp(&av, &bv);
    }
    if (r) {
        *out = r;
        return KS_OK;
    }
    *out = 0;
    if (x.t == y.t)
        return KS_OK;
    /* One goes on: it is greater unless a pre-release suffix follows. */
    if (x.t == T_SUFFIX) {
        struct cursor t = x;

        get_token(&t, &av);
        if (av.iv < 0 && !av.digits) {
            *out = -1;
            return KS_OK;
        }
    }
    if (y.t == T_SUFFIX) {
        struct cursor t = y;

        get_token(&t, &bv);
        if (bv.iv < 0 && !bv.digits) {
            *out = 1;
            return KS_OK;
        }
    }
    *out = x.t > y.t ? -1 : y.t > x.t ? 1 : 0;
    return KS_OK;
}

/* formats/toml.c - a recursive-descent TOML reader building ks_value trees.
 *
 * Tables and arrays are built in place, in the arena: a container is a
 * `struct tnode` (a ks_value plus capacity and definition flags) whose item
 * array doubles by copying inside the arena (at most 2x waste, all freed with
 * the arena). Key lookups go through one hash map keyed by (table, key) so
 * a table with many keys stays linear. */
#include "core/ks_common.h"

#include "formats/toml.h"

#include "core/buf.h"
#include "core/map.h"
#include "core/str.h"

#include <ctype.h>
#include <math.h>

enum {
    T_DEFINED = 1,  /* defined by a [header] */
    T_DOTTED = 2,   /* created by a dotted key inside a table body */
    T_FROZEN = 4,   /* inline table or static array: closed */
    T_AOT = 8,      /* array created by [[header]] */
};

struct tnode {
    struct ks_value v; /* first: a tnode is used as a ks_value */
    size_t cap;
    unsigned flags;
};

#define MAX_KEY_PARTS 64

struct keypart {
    const char *s;
    size_t len;
};

struct parser {
    const char *s;
    size_t len, pos;
    unsigned line;
    size_t line_start;
    unsigned depth;
    struct ks_arena *arena;
    const char *name;
    const struct ks_limits *lim;
    struct ks_diag *diag;
    struct ks_map keys; /* "<table ptr><key>" -> struct ks_value * */
    struct ks_buf scratch;
    struct tnode *root, *cur;
};

static ks_err perr(struct parser *p, ks_err code, const char *fmt, ...) KS_PRINTF(3, 4);

static ks_err perr(struct parser *p, ks_err code, const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return ks_diag_set(p->diag, code, "'%s' line %u column %zu: %s", p->name, p->line,
                       p->pos - p->line_start + 1, msg);
}

static int peek(const struct parser *p, size_t ahead)
{
    return p->pos + ahead < p->len ? (unsigned char)p->s[p->pos + ahead] : -1;
}

static void newline(struct parser *p)
{
    p->line++;
    p->line_start = p->pos;
}

static void skip_ws(struct parser *p)
{
    while (peek(p, 0) == ' ' || peek(p, 0) == '\t')
        p->pos++;
}

/* Consumes a newline ("\n" or "\r\n") if there is one. */
static bool eat_newline(struct parser *p)
{
    if (peek(p, 0) == '\n') {
        p->pos++;
        newline(p);
        return true;
    }
    if (peek(p, 0) == '\r' && peek(p, 1) == '\n') {
        p->pos += 2;
        newline(p);
        return true;
    }
    return false;
}

static ks_err skip_comment(struct parser *p)
{
    if (peek(p, 0) != '#')
        return KS_OK;
    while (p->pos < p->len && p->s[p->pos] != '\n') {
        unsigned char c = (unsigned char)p->s[p->pos];
        if ((c < 0x20 && c != '\t' && !(c == '\r' && peek(p, 1) == '\n')) || c == 0x7f)
            return perr(p, KS_EPARSE, "control character in comment");
        p->pos++;
    }
    return KS_OK;
}

/* Whitespace, comments and newlines (inside arrays and inline tables). */
static ks_err skip_ws_nl(struct parser *p)
{
    ks_err e;

    for (;;) {
        skip_ws(p);
        if ((e = skip_comment(p)))
            return e;
        if (!eat_newline(p))
            return KS_OK;
    }
}

/* After a key/value pair or a header: optional comment, then end of line. */
static ks_err end_of_line(struct parser *p)
{
    ks_err e;

    skip_ws(p);
    if ((e = skip_comment(p)))
        return e;
    if (p->pos >= p->len || eat_newline(p))
        return KS_OK;
    return perr(p, KS_EPARSE, "expected end of line, found '%c'", p->s[p->pos]);
}

/* ---- containers ---- */

static struct tnode *new_node(struct parser *p, enum ks_vtype t, unsigned flags)
{
    struct tnode *n = ks_arena_calloc(p->arena, 1, sizeof(*n));

    if (n) {
        n->v.type = t;
        n->v.line = p->line;
        n->flags = flags;
    }
    return n;
}

static ks_err array_push(struct parser *p, struct tnode *a, struct ks_value *v)
{
    if (a->v.u.a.len == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 4;
        struct ks_value **items = ks_arena_alloc(p->arena, cap * sizeof(*items));
        if (!items)
            return perr(p, KS_ENOMEM, "out of memory");
        if (a->v.u.a.len)
            memcpy(items, a->v.u.a.items, a->v.u.a.len * sizeof(*items));
        a->v.u.a.items = items;
        a->cap = cap;
    }
    a->v.u.a.items[a->v.u.a.len++] = v;
    return KS_OK;
}

/* The map key of (table, key): the table's address bytes then the key. */
static char *map_key(struct parser *p, const struct tnode *t, const char *k, size_t klen,
                     size_t *out_len)
{
    char *mk = ks_arena_alloc(p->arena, sizeof(t) + klen);

    if (mk) {
        memcpy(mk, &t, sizeof(t));
        if (klen)
            memcpy(mk + sizeof(t), k, klen);
        *out_len = sizeof(t) + klen;
    }
    return mk;
}

static struct ks_value *table_get(struct parser *p, const struct tnode *t, const char *k,
                                  size_t klen)
{
    char buf[sizeof(t) + 256];

    if (klen <= 256) {
        memcpy(buf, &t, sizeof(t));
        memcpy(buf + sizeof(t), k, klen);
        return ks_map_get(&p->keys, buf, sizeof(t) + klen);
    }
    /* Long keys: build the lookup key in the arena (rare). */
    size_t n = 0;
    char *mk = map_key(p, t, k, klen, &n);
    return mk ? ks_map_get(&p->keys, mk, n) : NULL;
}

static ks_err table_put(struct parser *p, struct tnode *t, const char *k, size_t klen,
                        struct ks_value *v)
{
    struct ks_member *m;
    size_t n = 0;
    char *mk, *key;

    if (t->v.u.o.len == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 4;
        struct ks_member *items = ks_arena_alloc(p->arena, cap * sizeof(*items));
        if (!items)
            return perr(p, KS_ENOMEM, "out of memory");
        if (t->v.u.o.len)
            memcpy(items, t->v.u.o.items, t->v.u.o.len * sizeof(*items));
        t->v.u.o.items = items;
        t->cap = cap;
    }
    key = ks_arena_strndup(p->arena, k, klen);
    mk = map_key(p, t, k, klen, &n);
    if (!key || !mk || ks_map_put(&p->keys, mk, n, v))
        return perr(p, KS_ENOMEM, "out of memory");
    m = &t->v.u.o.items[t->v.u.o.len++];
    m->key = key;
    m->key_len = klen;
    m->value = v;
    return KS_OK;
}

static void freeze(struct tnode *t, unsigned depth)
{
    t->flags |= T_FROZEN;
    if (depth > 256)
        return;
    for (size_t i = 0; i < t->v.u.o.len; i++)
        if (t->v.u.o.items[i].value->type == KS_VOBJECT)
            freeze((struct tnode *)t->v.u.o.items[i].value, depth + 1);
}

/* ---- keys ---- */

static bool is_bare(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-';
}

static ks_err parse_string(struct parser *p, bool allow_multi, const char **out, size_t *out_len,
                           bool *multi);

static ks_err parse_key(struct parser *p, struct keypart *parts, size_t *nparts)
{
    size_t n = 0;
    ks_err e;

    for (;;) {
        int c = peek(p, 0);
        if (n == MAX_KEY_PARTS || n >= p->lim->max_json_depth)
            return perr(p, KS_ELIMIT, "key has more than %zu parts", n);
        if (c == '"' || c == '\'') {
            if ((e = parse_string(p, false, &parts[n].s, &parts[n].len, NULL)))
                return e;
        } else if (c >= 0 && is_bare(c)) {
            size_t start = p->pos;
            while (peek(p, 0) >= 0 && is_bare(peek(p, 0)))
                p->pos++;
            parts[n].s = p->s + start;
            parts[n].len = p->pos - start;
        } else {
            return perr(p, KS_EPARSE, c < 0 ? "expected a key, found end of input"
                                            : "expected a key");
        }
        n++;
        skip_ws(p);
        if (peek(p, 0) != '.')
            break;
        p->pos++;
        skip_ws(p);
    }
    *nparts = n;
    return KS_OK;
}

/* ---- strings ---- */

static ks_err put_utf8(struct parser *p, uint32_t cp)
{
    char u[4];
    size_t n;

    if (cp == 0)
        return perr(p, KS_EPARSE, "NUL character in string");
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return perr(p, KS_EPARSE, "escape is not a Unicode scalar value");
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        u[0] = (char)(0xf0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    return ks_buf_add(&p->scratch, u, n) ? perr(p, KS_ENOMEM, "out of memory") : KS_OK;
}

static ks_err parse_escape(struct parser *p)
{
    int c = peek(p, 0);
    uint32_t cp = 0;
    int nhex;
    char ch;

    p->pos++;
    switch (c) {
    case 'b': ch = '\b'; break;
    case 't': ch = '\t'; break;
    case 'n': ch = '\n'; break;
    case 'f': ch = '\f'; break;
    case 'r': ch = '\r'; break;
    case 'e': ch = 0x1b; break;
    case '"': ch = '"'; break;
    case '\\': ch = '\\'; break;
    case 'u': nhex = 4; goto hex;
    case 'U': nhex = 8; goto hex;
    default:
        p->pos--;
        return perr(p, KS_EPARSE, "invalid escape sequence in string");
    }
    return ks_buf_addc(&p->scratch, ch) ? perr(p, KS_ENOMEM, "out of memory") : KS_OK;
hex:
    for (int i = 0; i < nhex; i++) {
        int h = peek(p, 0);
        uint32_t d;
        if (h >= '0' && h <= '9')
            d = (uint32_t)(h - '0');
        else if (h >= 'a' && h <= 'f')
            d = (uint32_t)(h - 'a' + 10);
        else if (h >= 'A' && h <= 'F')
            d = (uint32_t)(h - 'A' + 10);
        else
            return perr(p, KS_EPARSE, "invalid unicode escape");
        if (cp > 0x10ffff)
            return perr(p, KS_EPARSE, "escape is not a Unicode scalar value");
        cp = cp * 16 + d;
        p->pos++;
    }
    return put_utf8(p, cp);
}

/* Parses a basic or literal string, single- or multi-line (when allowed),
 * into the arena. */
static ks_err parse_string(struct parser *p, bool allow_multi, const char **out, size_t *out_len,
                           bool *multi)
{
    int q = peek(p, 0);
    bool ml = false;
    ks_err e;

    ks_buf_reset(&p->scratch);
    if (peek(p, 1) == q && peek(p, 2) == q) {
        if (!allow_multi)
            return perr(p, KS_EPARSE, "multi-line string not allowed here");
        ml = true;
        p->pos += 3;
        eat_newline(p); /* a newline right after the opening quotes is trimmed */
    } else {
        p->pos++;
    }
    for (;;) {
        int c = peek(p, 0);
        if (c < 0)
            return perr(p, KS_EPARSE, "unterminated string");
        if (c == q) {
            if (!ml) {
                p->pos++;
                break;
            }
            size_t n = 0;
            while (peek(p, (size_t)n) == q)
                n++;
            if (n >= 3) {
                if (n > 5)
                    return perr(p, KS_EPARSE, "too many quotes at end of multi-line string");
                if (ks_buf_add(&p->scratch, p->s + p->pos, n - 3))
                    return perr(p, KS_ENOMEM, "out of memory");
                p->pos += n;
                break;
            }
            if (ks_buf_add(&p->scratch, p->s + p->pos, n))
                return perr(p, KS_ENOMEM, "out of memory");
            p->pos += n;
            continue;
        }
        if (c == '\n' || (c == '\r' && peek(p, 1) == '\n')) {
            if (!ml)
                return perr(p, KS_EPARSE, "newline in single-line string");
            eat_newline(p);
            if (ks_buf_addc(&p->scratch, '\n'))
                return perr(p, KS_ENOMEM, "out of memory");
            continue;
        }
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return perr(p, KS_EPARSE, "control character in string");
        if (c == '\\' && q == '"') {
            p->pos++;
            if (ml) {
                /* Line-ending backslash: trims whitespace up to the next text. */
                size_t save = p->pos;
                skip_ws(p);
                if (eat_newline(p)) {
                    while (peek(p, 0) == ' ' || peek(p, 0) == '\t' || eat_newline(p))
                        if (peek(p, 0) == ' ' || peek(p, 0) == '\t')
                            p->pos++;
                    continue;
                }
                p->pos = save;
            }
            if ((e = parse_escape(p)))
                return e;
            continue;
        }
        if (ks_buf_addc(&p->scratch, (char)c))
            return perr(p, KS_ENOMEM, "out of memory");
        p->pos++;
    }
    *out_len = p->scratch.len;
    *out = ks_arena_strndup(p->arena, ks_buf_str(&p->scratch), p->scratch.len);
    if (multi)
        *multi = ml;
    return *out ? KS_OK : perr(p, KS_ENOMEM, "out of memory");
}

/* ---- scalars ---- */

static bool all_digits(const char *s, size_t n, int base)
{
    bool prev_digit = false;

    if (!n)
        return false;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)s[i];
        bool d = base == 16 ? isxdigit(c) : base == 8 ? (c >= '0' && c <= '7')
                 : base == 2 ? (c == '0' || c == '1') : isdigit(c);
        if (c == '_') {
            if (!prev_digit || i + 1 == n)
                return false;
            prev_digit = false;
            continue;
        }
        if (!d)
            return false;
        prev_digit = true;
    }
    return true;
}

static ks_err scalar_int(struct parser *p, const char *t, size_t n, struct ks_value *v)
{
    int base = 10;
    bool neg = false;
    uint64_t acc = 0, max;
    size_t i = 0;

    if (n > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'o' || t[1] == 'b')) {
        base = t[1] == 'x' ? 16 : t[1] == 'o' ? 8 : 2;
        i = 2;
    } else {
        if (t[0] == '+' || t[0] == '-') {
            neg = t[0] == '-';
            i = 1;
        }
        if (n - i > 1 && t[i] == '0')
            return perr(p, KS_EPARSE, "leading zero in integer '%.*s'", (int)n, t);
    }
    if (!all_digits(t + i, n - i, base))
        return perr(p, KS_EPARSE, "invalid value '%.*s'", (int)(n > 40 ? 40 : n), t);
    max = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < n; i++) {
        int c = (unsigned char)t[i];
        unsigned d;
        if (c == '_')
            continue;
        d = isdigit(c) ? (unsigned)(c - '0') : (unsigned)(tolower(c) - 'a' + 10);
        if (acc > (max - d) / (unsigned)base)
            return perr(p, KS_EPARSE, "integer '%.*s' out of range", (int)(n > 40 ? 40 : n), t);
        acc = acc * (unsigned)base + d;
    }
    v->type = KS_VINT;
    v->u.i = neg ? (int64_t)(0 - acc) : (int64_t)acc;
    return KS_OK;
}

static ks_err scalar_float(struct parser *p, const char *t, size_t n, struct ks_value *v)
{
    char buf[128];
    size_t i = 0, j = 0, k;
    char *end;

    /* [+-] int ( . digits )? ( [eE] [+-]? digits )? with underscores between digits. */
    if (t[i] == '+' || t[i] == '-')
        i++;
    k = i;
    while (i < n && (isdigit((unsigned char)t[i]) || t[i] == '_'))
        i++;
    if (!all_digits(t + k, i - k, 10) || (i - k > 1 && t[k] == '0'))
        goto bad;
    if (i < n && t[i] == '.') {
        k = ++i;
        while (i < n && (isdigit((unsigned char)t[i]) || t[i] == '_'))
            i++;
        if (!all_digits(t + k, i - k, 10))
            goto bad;
    }
    if (i < n && (t[i] == 'e' || t[i] == 'E')) {
        i++;
        if (i < n && (t[i] == '+' || t[i] == '-'))
            i++;
        k = i;
        while (i < n && (isdigit((unsigned char)t[i]) || t[i] == '_'))
            i++;
        if (!all_digits(t + k, i - k, 10))
            goto bad;
    }
    if (i != n || n >= sizeof(buf))
        goto bad;
    for (i = 0; i < n; i++)
        if (t[i] != '_')
            buf[j++] = t[i];
    buf[j] = '\0';
    v->type = KS_VREAL;
    v->u.d = strtod(buf, &end);
    return KS_OK;
bad:
    return perr(p, KS_EPARSE, "invalid value '%.*s'", (int)(n > 40 ? 40 : n), t);
}

static bool looks_like_date(const char *t, size_t n)
{
    if (n >= 5 && isdigit((unsigned char)t[0]) && isdigit((unsigned char)t[1]) &&
        isdigit((unsigned char)t[2]) && isdigit((unsigned char)t[3]) && t[4] == '-')
        return true;
    return n >= 3 && isdigit((unsigned char)t[0]) && isdigit((unsigned char)t[1]) && t[2] == ':';
}

static bool date_char(int c)
{
    return isdigit(c) || c == '-' || c == ':' || c == '.' || c == 'T' || c == 't' || c == 'Z' ||
           c == 'z' || c == '+';
}

static ks_err parse_scalar(struct parser *p, struct ks_value *v)
{
    size_t start = p->pos, n;
    const char *t = p->s + start;

    while (peek(p, 0) >= 0 && (is_bare(peek(p, 0)) || peek(p, 0) == '.' || peek(p, 0) == '+' ||
                               peek(p, 0) == ':'))
        p->pos++;
    n = p->pos - start;
    if (!n)
        return perr(p, KS_EPARSE, peek(p, 0) < 0 ? "expected a value, found end of input"
                                                 : "expected a value");
    if ((n == 4 && !memcmp(t, "true", 4)) || (n == 5 && !memcmp(t, "false", 5))) {
        v->type = KS_VBOOL;
        v->u.b = n == 4;
        return KS_OK;
    }
    if (looks_like_date(t, n)) {
        /* "1979-05-27 07:32:00Z": a space may separate date and time. */
        if (n == 10 && peek(p, 0) == ' ' && peek(p, 1) >= 0 && isdigit(peek(p, 1)) &&
            peek(p, 3) == ':') {
            p->pos++;
            while (peek(p, 0) >= 0 && date_char(peek(p, 0)))
                p->pos++;
            n = p->pos - start;
        }
        for (size_t i = 0; i < n; i++)
            if (!date_char((unsigned char)t[i]) && t[i] != ' ')
                return perr(p, KS_EPARSE, "invalid date-time '%.*s'", (int)(n > 40 ? 40 : n), t);
        v->type = KS_VSTRING;
        v->plain = true;
        v->u.s.ptr = ks_arena_strndup(p->arena, t, n);
        v->u.s.len = n;
        return v->u.s.ptr ? KS_OK : perr(p, KS_ENOMEM, "out of memory");
    }
    {
        const char *u = t + (t[0] == '+' || t[0] == '-');
        size_t un = n - (size_t)(u - t);
        if ((un == 3 && !memcmp(u, "inf", 3)) || (un == 3 && !memcmp(u, "nan", 3))) {
            v->type = KS_VREAL;
            v->u.d = u[0] == 'i' ? (t[0] == '-' ? -HUGE_VAL : HUGE_VAL) : (double)NAN;
            return KS_OK;
        }
    }
    if (n > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'o' || t[1] == 'b'))
        return scalar_int(p, t, n, v);
    for (size_t i = 0; i < n; i++)
        if (t[i] == '.' || ((t[i] == 'e' || t[i] == 'E')))
            return scalar_float(p, t, n, v);
    return scalar_int(p, t, n, v);
}

/* ---- values ---- */

static ks_err parse_value(struct parser *p, struct ks_value **out);
static ks_err assign(struct parser *p, struct tnode *t, const struct keypart *k, size_t n,
                     struct ks_value *v);

static ks_err enter(struct parser *p)
{
    if (++p->depth > p->lim->max_json_depth)
        return perr(p, KS_ELIMIT, "nesting deeper than %u", p->lim->max_json_depth);
    return KS_OK;
}

static ks_err parse_array(struct parser *p, struct tnode *a)
{
    ks_err e;

    p->pos++; /* [ */
    for (;;) {
        struct ks_value *item;
        if ((e = skip_ws_nl(p)))
            return e;
        if (peek(p, 0) == ']')
            break;
        if ((e = parse_value(p, &item)) || (e = array_push(p, a, item)) || (e = skip_ws_nl(p)))
            return e;
        if (peek(p, 0) == ',') {
            p->pos++;
            continue;
        }
        if (peek(p, 0) != ']')
            return perr(p, KS_EPARSE, "expected ',' or ']' in array");
        break;
    }
    p->pos++;
    return KS_OK;
}

static ks_err parse_inline_table(struct parser *p, struct tnode *t)
{
    struct keypart parts[MAX_KEY_PARTS];
    size_t n;
    ks_err e;

    p->pos++; /* { */
    if ((e = skip_ws_nl(p)))
        return e;
    if (peek(p, 0) == '}') {
        p->pos++;
        freeze(t, 0);
        return KS_OK;
    }
    for (;;) {
        struct ks_value *v;
        if ((e = skip_ws_nl(p)) || (e = parse_key(p, parts, &n)))
            return e;
        if (peek(p, 0) != '=')
            return perr(p, KS_EPARSE, "expected '=' after key");
        p->pos++;
        skip_ws(p);
        if ((e = parse_value(p, &v)) || (e = assign(p, t, parts, n, v)) || (e = skip_ws_nl(p)))
            return e;
        if (peek(p, 0) == ',') {
            p->pos++;
            if ((e = skip_ws_nl(p)))
                return e;
            if (peek(p, 0) != '}')
                continue; /* TOML 1.1 allows a trailing comma */
        } else if (peek(p, 0) != '}')
            return perr(p, KS_EPARSE, "expected ',' or '}' in inline table");
        p->pos++;
        break;
    }
    freeze(t, 0);
    return KS_OK;
}

static ks_err parse_value(struct parser *p, struct ks_value **out)
{
    int c = peek(p, 0);
    struct ks_value *v;
    ks_err e;

    if (c == '[' || c == '{') {
        struct tnode *n = new_node(p, c == '[' ? KS_VARRAY : KS_VOBJECT, T_FROZEN);
        if (!n)
            return perr(p, KS_ENOMEM, "out of memory");
        if ((e = enter(p)))
            return e;
        e = c == '[' ? parse_array(p, n) : parse_inline_table(p, n);
        p->depth--;
        if (e)
            return e;
        n->flags |= T_FROZEN;
        *out = &n->v;
        return KS_OK;
    }
    v = ks_arena_calloc(p->arena, 1, sizeof(*v));
    if (!v)
        return perr(p, KS_ENOMEM, "out of memory");
    v->line = p->line;
    if (c == '"' || c == '\'') {
        v->type = KS_VSTRING;
        if ((e = parse_string(p, true, &v->u.s.ptr, &v->u.s.len, NULL)))
            return e;
    } else if ((e = parse_scalar(p, v))) {
        return e;
    }
    *out = v;
    return KS_OK;
}

static void key_text(const struct keypart *k, size_t n, char *buf, size_t size)
{
    size_t o = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < n && o + 1 < size; i++) {
        int w = snprintf(buf + o, size - o, "%s%.*s", i ? "." : "", (int)k[i].len, k[i].s);
        if (w < 0)
            break;
        o += (size_t)w;
    }
}

/* Sets dotted key k[0..n) to `v` in table `t`, creating dotted sub-tables. */
static ks_err assign(struct parser *p, struct tnode *t, const struct keypart *k, size_t n,
                     struct ks_value *v)
{
    char name[128];
    ks_err e;

    for (size_t i = 0; i + 1 < n; i++) {
        struct ks_value *c = table_get(p, t, k[i].s, k[i].len);
        if (!c) {
            struct tnode *nt = new_node(p, KS_VOBJECT, T_DOTTED);
            if (!nt)
                return perr(p, KS_ENOMEM, "out of memory");
            if ((e = table_put(p, t, k[i].s, k[i].len, &nt->v)))
                return e;
            t = nt;
            continue;
        }
        if (c->type != KS_VOBJECT || (((struct tnode *)c)->flags & (T_FROZEN | T_DEFINED))) {
            key_text(k, i + 1, name, sizeof(name));
            return perr(p, KS_EPARSE, "cannot add keys to '%s'", name);
        }
        t = (struct tnode *)c;
    }
    if (table_get(p, t, k[n - 1].s, k[n - 1].len)) {
        key_text(k, n, name, sizeof(name));
        return perr(p, KS_EPARSE, "duplicate key '%s'", name);
    }
    return table_put(p, t, k[n - 1].s, k[n - 1].len, v);
}

/* [a.b.c] or [[a.b.c]]: makes p->cur the table the header names. */
static ks_err parse_header(struct parser *p)
{
    struct keypart k[MAX_KEY_PARTS];
    struct tnode *t = p->root;
    bool aot = peek(p, 1) == '[';
    char name[128];
    size_t n;
    ks_err e;

    p->pos += aot ? 2 : 1;
    skip_ws(p);
    if ((e = parse_key(p, k, &n)))
        return e;
    if (peek(p, 0) != ']' || (aot && peek(p, 1) != ']'))
        return perr(p, KS_EPARSE, aot ? "expected ']]' after table name"
                                      : "expected ']' after table name");
    p->pos += aot ? 2 : 1;
    key_text(k, n, name, sizeof(name));
    for (size_t i = 0; i + 1 < n; i++) {
        struct ks_value *c = table_get(p, t, k[i].s, k[i].len);
        if (!c) {
            struct tnode *nt = new_node(p, KS_VOBJECT, 0);
            if (!nt)
                return perr(p, KS_ENOMEM, "out of memory");
            if ((e = table_put(p, t, k[i].s, k[i].len, &nt->v)))
                return e;
            t = nt;
        } else if (c->type == KS_VOBJECT && !(((struct tnode *)c)->flags & T_FROZEN)) {
            t = (struct tnode *)c;
        } else if (c->type == KS_VARRAY && (((struct tnode *)c)->flags & T_AOT) && c->u.a.len) {
            t = (struct tnode *)c->u.a.items[c->u.a.len - 1];
        } else {
            return perr(p, KS_EPARSE, "cannot define table '%s': a parent is a value", name);
        }
    }
    struct ks_value *c = table_get(p, t, k[n - 1].s, k[n - 1].len);
    if (aot) {
        struct tnode *elem = new_node(p, KS_VOBJECT, T_DEFINED);
        if (!elem)
            return perr(p, KS_ENOMEM, "out of memory");
        if (!c) {
            struct tnode *a = new_node(p, KS_VARRAY, T_AOT);
            if (!a)
                return perr(p, KS_ENOMEM, "out of memory");
            if ((e = table_put(p, t, k[n - 1].s, k[n - 1].len, &a->v)))
                return e;
            c = &a->v;
        } else if (c->type != KS_VARRAY || !(((struct tnode *)c)->flags & T_AOT)) {
            return perr(p, KS_EPARSE, "'%s' is not an array of tables", name);
        }
        if ((e = array_push(p, (struct tnode *)c, &elem->v)))
            return e;
        p->cur = elem;
        return end_of_line(p);
    }
    if (!c) {
        struct tnode *nt = new_node(p, KS_VOBJECT, T_DEFINED);
        if (!nt)
            return perr(p, KS_ENOMEM, "out of memory");
        if ((e = table_put(p, t, k[n - 1].s, k[n - 1].len, &nt->v)))
            return e;
        p->cur = nt;
    } else if (c->type == KS_VOBJECT &&
               !(((struct tnode *)c)->flags & (T_DEFINED | T_DOTTED | T_FROZEN))) {
        ((struct tnode *)c)->flags |= T_DEFINED;
        p->cur = (struct tnode *)c;
    } else {
        return perr(p, KS_EPARSE, "table '%s' defined twice", name);
    }
    return end_of_line(p);
}

static ks_err parse_document(struct parser *p)
{
    struct keypart k[MAX_KEY_PARTS];
    size_t n;
    ks_err e;

    for (;;) {
        struct ks_value *v;
        skip_ws(p);
        if ((e = skip_comment(p)))
            return e;
        if (p->pos >= p->len)
            return KS_OK;
        if (eat_newline(p))
            continue;
        if (peek(p, 0) == '[') {
            if ((e = parse_header(p)))
                return e;
            continue;
        }
        if ((e = parse_key(p, k, &n)))
            return e;
        if (peek(p, 0) != '=')
            return perr(p, KS_EPARSE, "expected '=' after key");
        p->pos++;
        skip_ws(p);
        if ((e = parse_value(p, &v)) || (e = assign(p, p->cur, k, n, v)) ||
            (e = end_of_line(p)))
            return e;
    }
}

ks_err ks_toml_parse(struct ks_arena *arena, const char *name, const char *text, size_t len,
                     const struct ks_limits *lim, struct ks_value **out, struct ks_diag *diag)
{
    struct parser p;
    ks_err e;

    memset(&p, 0, sizeof(p));
    p.s = text;
    p.len = len;
    p.line = 1;
    p.arena = arena;
    p.name = name;
    p.lim = lim;
    p.diag = diag;
    ks_buf_init(&p.scratch, len + 16);
    if (len > lim->max_file_size) {
        e = ks_diag_set(diag, KS_ELIMIT, "'%s': %zu bytes exceeds the limit of %llu", name, len,
                        (unsigned long long)lim->max_file_size);
        goto done;
    }
    if (!ks_utf8_valid(text, len)) {
        e = ks_diag_set(diag, KS_EPARSE, "'%s': not valid UTF-8", name);
        goto done;
    }
    if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
        p.pos = p.line_start = 3; /* byte order mark */
    p.root = p.cur = new_node(&p, KS_VOBJECT, T_DEFINED);
    if (!p.root) {
        e = ks_diag_set(diag, KS_ENOMEM, "'%s': out of memory", name);
        goto done;
    }
    if ((e = parse_document(&p)))
        goto done;
    *out = &p.root->v;
done:
    ks_buf_release(&p.scratch);
    ks_map_release(&p.keys);
    return e;
}

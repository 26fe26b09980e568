#include "core/ks_common.h"

#include "formats/json.h"

#include "core/str.h"

#include <jansson.h>
#include <math.h>
#include <pthread.h>

/* ---- jansson allocation ----
 *
 * jansson's allocator hooks are process-global, so they are set once and
 * dispatch on a thread-local scratch arena: while a document is parsed, its
 * jansson nodes come from that arena (free is a no-op) and the whole tree is
 * dropped with one reset; the first block is kept, so steady-state parsing
 * touches no fresh pages (measured 1.3-2.3x faster, see c-stack.md §2.2).
 * Each block carries a header saying where it came from, so objects that
 * jansson allocates outside a parse (none today) are still freed correctly. */

struct jhdr {
    _Alignas(max_align_t) size_t from_arena;
};

static _Thread_local struct ks_arena *scratch;
static _Thread_local struct ks_arena scratch_arena;
static pthread_once_t alloc_once = PTHREAD_ONCE_INIT;

static void *j_malloc(size_t n)
{
    struct jhdr *h;

    if (n > SIZE_MAX - sizeof(*h))
        return NULL;
    if (scratch) {
        h = ks_arena_alloc(scratch, sizeof(*h) + n);
        if (!h)
            return NULL;
        h->from_arena = 1;
    } else {
        h = malloc(sizeof(*h) + n);
        if (!h)
            return NULL;
        h->from_arena = 0;
    }
    return h + 1;
}

static void j_free(void *p)
{
    struct jhdr *h;

    if (!p)
        return;
    h = (struct jhdr *)p - 1;
    if (!h->from_arena)
        free(h);
}

static pthread_key_t scratch_key;

/* Frees a thread's scratch arena when the thread ends (worker threads of
 * the server and of parallel scans would otherwise leak their last block). */
static void scratch_free(void *arena)
{
    ks_arena_release(arena);
}

static void set_alloc(void)
{
    json_set_alloc_funcs(j_malloc, j_free);
    if (pthread_key_create(&scratch_key, scratch_free))
        KS_BUG("pthread_key_create failed");
}

/* Enters a parse: jansson allocations go to the thread's scratch arena,
 * bounded by a multiple of the input ceiling. */
static void scratch_begin(const struct ks_limits *lim)
{
    uint64_t cap = lim->max_file_size * 16 + (8u << 20);

    pthread_once(&alloc_once, set_alloc);
    if (!scratch_arena.block_size) {
        ks_arena_init(&scratch_arena, 256 * 1024, 0);
        pthread_setspecific(scratch_key, &scratch_arena);
    }
    scratch_arena.limit = cap > SIZE_MAX ? SIZE_MAX : (size_t)cap;
    scratch = &scratch_arena;
}

static void scratch_end(void)
{
    scratch = NULL;
    ks_arena_reset(&scratch_arena);
}

/* ---- conversion to ks_value ---- */

struct conv {
    struct ks_arena *arena;
    uint32_t max_depth;
};

static ks_err convert(struct conv *c, json_t *j, unsigned depth, struct ks_value **out)
{
    struct ks_value *v;

    if (depth > c->max_depth)
        return KS_ELIMIT;
    v = ks_arena_alloc(c->arena, sizeof(*v));
    if (!v)
        return KS_ENOMEM;
    memset(v, 0, sizeof(*v));
    switch (json_typeof(j)) {
    case JSON_NULL:
        v->type = KS_VNULL;
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        v->type = KS_VBOOL;
        v->u.b = json_is_true(j);
        break;
    case JSON_INTEGER:
        v->type = KS_VINT;
        v->u.i = json_integer_value(j);
        break;
    case JSON_REAL:
        v->type = KS_VREAL;
        v->u.d = json_real_value(j);
        break;
    case JSON_STRING:
        v->type = KS_VSTRING;
        v->u.s.len = json_string_length(j);
        v->u.s.ptr = ks_arena_strndup(c->arena, json_string_value(j), v->u.s.len);
        if (!v->u.s.ptr)
            return KS_ENOMEM;
        break;
    case JSON_ARRAY: {
        size_t n = json_array_size(j);
        v->type = KS_VARRAY;
        v->u.a.len = n;
        v->u.a.items = n ? ks_arena_alloc(c->arena, n * sizeof(*v->u.a.items)) : NULL;
        if (n && !v->u.a.items)
            return KS_ENOMEM;
        for (size_t i = 0; i < n; i++) {
            ks_err err = convert(c, json_array_get(j, i), depth + 1, &v->u.a.items[i]);
            if (err)
                return err;
        }
        break;
    }
    case JSON_OBJECT: {
        size_t n = json_object_size(j), i = 0;
        const char *key;
        size_t key_len;
        json_t *val;

        v->type = KS_VOBJECT;
        v->u.o.items = n ? ks_arena_alloc(c->arena, n * sizeof(*v->u.o.items)) : NULL;
        if (n && !v->u.o.items)
            return KS_ENOMEM;
        json_object_keylen_foreach(j, key, key_len, val)
        {
            struct ks_member *m = &v->u.o.items[i++];
            ks_err err;

            m->key_len = key_len;
            m->key = ks_arena_strndup(c->arena, key, key_len);
            if (!m->key)
                return KS_ENOMEM;
            err = convert(c, val, depth + 1, &m->value);
            if (err)
                return err;
        }
        v->u.o.len = i;
        break;
    }
    }
    *out = v;
    return KS_OK;
}

static ks_err finish_parse(struct ks_arena *arena, const char *name, json_t *root,
                           json_error_t *jerr, const struct ks_limits *lim, struct ks_value **out,
                           struct ks_diag *diag)
{
    struct conv c = {arena, lim->max_json_depth};
    ks_err err;

    if (!root) {
        if (strstr(jerr->text, "out of memory") || json_error_code(jerr) == json_error_out_of_memory)
            return ks_diag_set(diag, KS_ELIMIT, "'%s': document too large to parse in memory",
                               name);
        if (strstr(jerr->text, "maximum parsing depth"))
            return ks_diag_set(diag, KS_ELIMIT, "'%s' line %d column %d: nesting too deep", name,
                               jerr->line, jerr->column);
        return ks_diag_set(diag, KS_EPARSE, "'%s' line %d column %d: %s", name, jerr->line,
                           jerr->column, jerr->text);
    }
    err = convert(&c, root, 1, out);
    json_decref(root);
    if (err == KS_ELIMIT)
        return ks_diag_set(diag, err, "'%s': nesting deeper than %u levels", name,
                           lim->max_json_depth);
    if (err)
        return ks_diag_set(diag, err, "'%s': %s", name, ks_err_str(err));
    return KS_OK;
}

ks_err ks_json_parse(struct ks_arena *arena, const char *name, const char *text, size_t len,
                     const struct ks_limits *lim, struct ks_value **out, struct ks_diag *diag)
{
    json_error_t jerr;
    json_t *root;
    ks_err err;

    if (len > lim->max_file_size)
        return ks_diag_set(diag, KS_ELIMIT, "'%s': larger than the limit of %llu bytes", name,
                           (unsigned long long)lim->max_file_size);
    scratch_begin(lim);
    root = json_loadb(text, len, JSON_DECODE_ANY, &jerr);
    err = finish_parse(arena, name, root, &jerr, lim, out, diag);
    scratch_end();
    return err;
}

struct stream_ctx {
    ks_json_read_fn *read;
    void *ctx;
    uint64_t total;
    uint64_t max;
    bool over;
    bool failed;
};

static size_t stream_cb(void *buf, size_t size, void *data)
{
    struct stream_ctx *s = data;
    size_t n = s->read(buf, size, s->ctx);

    if (n == (size_t)-1) {
        s->failed = true;
        return (size_t)-1;
    }
    s->total += n;
    if (s->total > s->max) {
        s->over = true;
        return (size_t)-1;
    }
    return n;
}

ks_err ks_json_parse_stream(struct ks_arena *arena, const char *name, ks_json_read_fn *read,
                            void *ctx, const struct ks_limits *lim, struct ks_value **out,
                            struct ks_diag *diag)
{
    struct stream_ctx s = {read, ctx, 0, lim->max_file_size, false, false};
    json_error_t jerr;
    json_t *root;
    ks_err err;

    scratch_begin(lim);
    root = json_load_callback(stream_cb, &s, JSON_DECODE_ANY, &jerr);
    if (!root && s.over)
        err = ks_diag_set(diag, KS_ELIMIT, "'%s': larger than the limit of %llu bytes", name,
                          (unsigned long long)lim->max_file_size);
    else if (!root && s.failed)
        err = ks_diag_set(diag, KS_EIO, "'%s': read error", name);
    else
        err = finish_parse(arena, name, root, &jerr, lim, out, diag);
    scratch_end();
    return err;
}

static size_t skip_ws(const char *p, size_t i, size_t len)
{
    while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r'))
        i++;
    return i;
}

static unsigned line_of(const char *p, size_t off)
{
    unsigned line = 1;

    for (size_t i = 0; i < off; i++)
        line += p[i] == '\n';
    return line;
}

ks_err ks_json_each(struct ks_arena *arena, const char *name, const char *text, size_t len,
                    const struct ks_limits *lim, ks_json_each_fn *fn, void *ctx,
                    struct ks_diag *diag)
{
    struct ks_value *v;
    size_t i = skip_ws(text, 0, len), index = 0;
    ks_err err;

    if (i < len && text[i] != '[') {
        ks_arena_reset(arena);
        err = ks_json_parse(arena, name, text, len, lim, &v, diag);
        return err ? err : fn(v, 0, ctx);
    }
    if (i >= len)
        return ks_diag_set(diag, KS_EPARSE, "'%s': empty document", name);
    i = skip_ws(text, i + 1, len);
    if (i < len && text[i] == ']')
        goto tail;
    for (;;) {
        json_error_t jerr;
        json_t *root;
        size_t start = i;

        if (len - start > lim->max_file_size && index == 0 && len > lim->max_file_size * 64)
            return ks_diag_set(diag, KS_ELIMIT, "'%s': larger than the limit", name);
        ks_arena_reset(arena);
        scratch_begin(lim);
        root = json_loadb(text + start, len - start, JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK,
                          &jerr);
        if (!root) {
            scratch_end();
            return ks_diag_set(diag, KS_EPARSE, "'%s' line %u: element %zu: %s", name,
                               line_of(text, start) + (unsigned)jerr.line - 1, index, jerr.text);
        }
        err = finish_parse(arena, name, root, &jerr, lim, &v, diag);
        scratch_end();
        if (err)
            return err;
        err = fn(v, index++, ctx);
        if (err)
            return err;
        i = skip_ws(text, start + (size_t)jerr.position, len);
        if (i < len && text[i] == ',') {
            i = skip_ws(text, i + 1, len);
            continue;
        }
        if (i < len && text[i] == ']')
            break;
        return ks_diag_set(diag, KS_EPARSE, "'%s' line %u: expected ',' or ']' after element %zu",
                           name, line_of(text, i), index - 1);
    }
tail:
    i = skip_ws(text, i + 1, len);
    if (i != len)
        return ks_diag_set(diag, KS_EPARSE, "'%s' line %u: garbage after the array", name,
                           line_of(text, i));
    return KS_OK;
}

/* Finds the end of the value starting at text[i] (strings skipped, brackets
 * counted) and copies it into `min` without the whitespace between tokens,
 * which jansson would otherwise lex byte by byte: an indented AWS CLI
 * document is half blanks. False when the text ends first (the caller then
 * lets jansson report the error). */
static bool scan_value(const char *text, size_t len, size_t i, size_t *end, struct ks_buf *min)
{
    size_t depth = 0;
    char *o, *olim;

    ks_buf_reset(min);
    if (ks_buf_grow(min, 4096))
        return false;
    o = min->ptr;
    olim = min->ptr + min->cap - 1;
    while (i < len) {
        char c = text[i];
        size_t need;

        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            if (depth == 0 && o > min->ptr)
                break; /* a scalar ends at a blank */
            i++;
            continue;
        }
        need = 1;
        if (c == '"') {
            size_t run = i + 1;
            while (run < len && text[run] != '"')
                run += text[run] == '\\' ? 2 : 1;
            if (run >= len)
                return false;
            need = run + 1 - i;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (depth == 0)
                break; /* a scalar ended by its container */
            depth--;
        } else if (c == ',' && depth == 0) {
            break;
        }
        if ((size_t)(olim - o) < need) {
            size_t used = (size_t)(o - min->ptr);
            min->len = used;
            if (ks_buf_grow(min, need + min->cap))
                return false;
            o = min->ptr + used;
            olim = min->ptr + min->cap - 1;
        }
        memcpy(o, text + i, need);
        o += need;
        i += need;
        if (depth == 0 && (c == '}' || c == ']' || c == '"'))
            break;
    }
    min->len = (size_t)(o - min->ptr);
    min->ptr[min->len] = '\0';
    if (depth || min->len == 0)
        return false;
    *end = i;
    return true;
}

/* Parses the one value starting at text[start] (nothing after it is read);
 * `*end` is set past it. Errors are reported on the original text. */
static ks_err parse_at(struct ks_arena *arena, const char *name, const char *text, size_t len,
                       size_t start, const struct ks_limits *lim, struct ks_value **out,
                       size_t *end, struct ks_buf *min, struct ks_diag *diag)
{
    json_error_t jerr;
    json_t *root = NULL;
    ks_err err;

    scratch_begin(lim);
    if (scan_value(text, len, start, end, min)) {
        root = json_loadb(min->ptr, min->len, JSON_DECODE_ANY, &jerr);
        if (root) {
            err = finish_parse(arena, name, root, &jerr, lim, out, diag);
            scratch_end();
            return err;
        }
        ks_arena_reset(&scratch_arena);
    }
    root = json_loadb(text + start, len - start, JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK, &jerr);
    if (!root) {
        scratch_end();
        return ks_diag_set(diag, KS_EPARSE, "'%s' line %u: %s", name,
                           line_of(text, start) + (unsigned)jerr.line - 1, jerr.text);
    }
    err = finish_parse(arena, name, root, &jerr, lim, out, diag);
    scratch_end();
    *end = start + (size_t)jerr.position;
    return err;
}

ks_err ks_json_each_member(struct ks_arena *arena, const char *name, const char *text, size_t len,
                           const struct ks_limits *lim, ks_json_member_fn *fn, void *ctx,
                           struct ks_diag *diag)
{
    struct ks_buf key = KS_BUF_INIT(1u << 20);
    struct ks_buf min = KS_BUF_INIT(lim->max_file_size);
    struct ks_value *v;
    size_t i = skip_ws(text, 0, len), end;
    ks_err err = KS_OK;

    if (i >= len || text[i] != '{') {
        err = ks_diag_set(diag, KS_EPARSE, "'%s': top level is not an object", name);
        goto done;
    }
    i = skip_ws(text, i + 1, len);
    if (i < len && text[i] == '}')
        goto tail;
    for (;;) {
        if (i >= len || text[i] != '"') {
            err = ks_diag_set(diag, KS_EPARSE, "'%s' line %u: expected a member name", name,
                              line_of(text, KS_MIN(i, len)));
            goto done;
        }
        ks_arena_reset(arena);
        err = parse_at(arena, name, text, len, i, lim, &v, &end, &min, diag);
        if (err)
            goto done;
        ks_buf_reset(&key);
        err = ks_buf_add(&key, v->u.s.ptr, v->u.s.len);
        if (err) {
            err = ks_diag_set(diag, err, "'%s': member name too long", name);
            goto done;
        }
        i = skip_ws(text, end, len);
        if (i >= len || text[i] != ':') {
            err = ks_diag_set(diag, KS_EPARSE, "'%s' line %u: expected ':' after member name",
                              name, line_of(text, KS_MIN(i, len)));
            goto done;
        }
        i = skip_ws(text, i + 1, len);
        if (i < len && text[i] == '[') {
            size_t index = 0;

            i = skip_ws(text, i + 1, len);
            if (i < len && text[i] == ']') {
                struct ks_value *empty;
                ks_arena_reset(arena);
                empty = ks_arena_calloc(arena, 1, sizeof(*empty));
                if (!empty) {
                    err = ks_diag_set(diag, KS_ENOMEM, "'%s': out of memory", name);
                    goto done;
                }
                empty->type = KS_VARRAY;
                if ((err = fn(ks_buf_str(&key), empty, KS_JSON_WHOLE, ctx)))
                    goto done;
            }
            while (i < len && text[i] != ']') {
                ks_arena_reset(arena);
                err = parse_at(arena, name, text, len, i, lim, &v, &end, &min, diag);
                if (!err)
                    err = fn(ks_buf_str(&key), v, index++, ctx);
                if (err)
                    goto done;
                i = skip_ws(text, end, len);
                if (i < len && text[i] == ',') {
                    i = skip_ws(text, i + 1, len);
                    if (i < len && text[i] != ']')
                        continue;
                    err = ks_diag_set(diag, KS_EPARSE, "'%s' line %u: trailing comma in '%s'",
                                      name, line_of(text, KS_MIN(i, len)), ks_buf_str(&key));
                    goto done;
                }
                if (i >= len || text[i] != ']') {
                    err = ks_diag_set(diag, KS_EPARSE,
                                      "'%s' line %u: expected ',' or ']' in '%s'", name,
                                      line_of(text, KS_MIN(i, len)), ks_buf_str(&key));
                    goto done;
                }
            }
            if (i >= len) {
                err = ks_diag_set(diag, KS_EPARSE, "'%s': unterminated array '%s'", name,
                                  ks_buf_str(&key));
                goto done;
            }
            end = i + 1;
        } else {
            ks_arena_reset(arena);
            err = parse_at(arena, name, text, len, i, lim, &v, &end, &min, diag);
            if (!err)
                err = fn(ks_buf_str(&key), v, KS_JSON_WHOLE, ctx);
            if (err)
                goto done;
        }
        i = skip_ws(text, end, len);
        if (i < len && text[i] == ',') {
            i = skip_ws(text, i + 1, len);
            continue;
        }
        if (i < len && text[i] == '}')
            break;
        err = ks_diag_set(diag, KS_EPARSE, "'%s' line %u: expected ',' or '}' after member '%s'",
                          name, line_of(text, KS_MIN(i, len)), ks_buf_str(&key));
        goto done;
    }
tail:
    i = skip_ws(text, i + 1, len);
    if (i != len)
        err = ks_diag_set(diag, KS_EPARSE, "'%s' line %u: garbage after the object", name,
                          line_of(text, i));
done:
    ks_buf_release(&key);
    ks_buf_release(&min);
    return err;
}

/* ---- writer ---- */

/* Bytes that stand for themselves inside a JSON string. */
static bool plain_byte(unsigned char c)
{
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/* Appends `s` quoted, then `tail` (`ntail` bytes), with one copy when `s`
 * needs no escape (names, versions, ids: nearly every string written);
 * false (nothing written) when it does. */
/* Whether the `len` bytes at `s` all stand for themselves, eight at a
 * time: a byte with its high bit set, below 0x20, '"' or '\\' in a word
 * shows in its high bit after these operations (the classic "has a zero
 * byte" test). */
static bool all_plain(const char *s, size_t len)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    size_t i = 0;

    for (; i + 8 <= len; i += 8) {
        uint64_t x, q, b;

        memcpy(&x, s + i, 8);
        q = x ^ (ones * '"');
        b = x ^ (ones * '\\');
        if ((x | ((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((b - ones) & ~b)) & highs)
            return false;
    }
    for (; i < len; i++)
        if (!plain_byte((unsigned char)s[i]))
            return false;
    return true;
}

static bool quote_plain(struct ks_buf *out, const char *s, size_t len, const char *tail,
                        size_t ntail, ks_err *err)
{
    char *w;

    if (!all_plain(s, len))
        return false;
    *err = ks_buf_grow(out, len + 2 + ntail);
    if (*err)
        return true;
    w = out->ptr + out->len;
    *w++ = '"';
    memcpy(w, s, len);
    w += len;
    *w++ = '"';
    memcpy(w, tail, ntail);
    out->len += len + 2 + ntail;
    out->ptr[out->len] = '\0';
    return true;
}

ks_err ks_json_quote(struct ks_buf *out, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    ks_err err;

    if (quote_plain(out, s, len, "", 0, &err))
        return err;
    err = ks_buf_addc(out, '"');

    while (!err && p < end) {
        const unsigned char *run = p;

        while (p < end && plain_byte(*p))
            p++;
        if (p > run)
            err = ks_buf_add(out, run, (size_t)(p - run));
        if (err || p >= end)
            break;
        if (*p >= 0x80) {
            /* Copy one valid UTF-8 sequence, or write U+FFFD for a bad byte. */
            size_t n = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : 2;
            if ((size_t)(end - p) >= n && ks_utf8_valid((const char *)p, n)) {
                err = ks_buf_add(out, p, n);
                p += n;
            } else {
                err = ks_buf_adds(out, "\xef\xbf\xbd");
                p++;
            }
            continue;
        }
        switch (*p) {
        case '"':
            err = ks_buf_adds(out, "\\\"");
            break;
        case '\\':
            err = ks_buf_adds(out, "\\\\");
            break;
        case '\n':
            err = ks_buf_adds(out, "\\n");
            break;
        case '\r':
            err = ks_buf_adds(out, "\\r");
            break;
        case '\t':
            err = ks_buf_adds(out, "\\t");
            break;
        default: {
            char u[7] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15], 0};
            err = ks_buf_adds(out, u);
        }
        }
        p++;
    }
    if (!err)
        err = ks_buf_addc(out, '"');
    return err;
}

void ks_jw_init(struct ks_jw *w, struct ks_buf *out, int indent)
{
    memset(w, 0, sizeof(*w));
    w->out = out;
    w->indent = indent;
    w->first[0] = true;
}

static void newline(struct ks_jw *w)
{
    if (!w->indent || w->err)
        return;
    w->err = ks_buf_addc(w->out, '\n');
    for (int i = 0; !w->err && i < w->depth * w->indent; i++)
        w->err = ks_buf_addc(w->out, ' ');
}

/* Emits the separator before a value (or a key) at the current depth. */
static void before_value(struct ks_jw *w)
{
    if (w->err)
        return;
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (!w->first[w->depth])
        w->err = ks_buf_addc(w->out, ',');
    w->first[w->depth] = false;
    if (w->depth > 0)
        newline(w);
}

static void open_container(struct ks_jw *w, char c)
{
    before_value(w);
    if (w->err)
        return;
    if (w->depth + 1 >= KS_JW_MAX_DEPTH) {
        w->err = KS_ELIMIT;
        return;
    }
    w->err = ks_buf_addc(w->out, c);
    w->first[++w->depth] = true;
}

static void close_container(struct ks_jw *w, char c)
{
    bool empty;

    if (w->err)
        return;
    if (w->depth == 0 || w->after_key) {
        w->err = KS_EINVAL;
        return;
    }
    empty = w->first[w->depth];
    w->depth--;
    if (!empty)
        newline(w);
    if (!w->err)
        w->err = ks_buf_addc(w->out, c);
}

void ks_jw_obj_begin(struct ks_jw *w)
{
    open_container(w, '{');
}

void ks_jw_obj_end(struct ks_jw *w)
{
    close_container(w, '}');
}

void ks_jw_arr_begin(struct ks_jw *w)
{
    open_container(w, '[');
}

void ks_jw_arr_end(struct ks_jw *w)
{
    close_container(w, ']');
}

void ks_jw_key(struct ks_jw *w, const char *key)
{
    before_value(w);
    if (w->err)
        return;
    if (!quote_plain(w->out, key, strlen(key), ": ", w->indent ? 2 : 1, &w->err)) {
        w->err = ks_json_quote(w->out, key, strlen(key));
        if (!w->err)
            w->err = ks_buf_adds(w->out, w->indent ? ": " : ":");
    }
    w->after_key = true;
}

void ks_jw_strn(struct ks_jw *w, const char *s, size_t len)
{
    before_value(w);
    if (!w->err)
        w->err = ks_json_quote(w->out, s, len);
}

void ks_jw_str(struct ks_jw *w, const char *s)
{
    if (!s)
        ks_jw_null(w);
    else
        ks_jw_strn(w, s, strlen(s));
}

void ks_jw_int(struct ks_jw *w, int64_t v)
{
    before_value(w);
    if (!w->err)
        w->err = ks_buf_addf(w->out, "%lld", (long long)v);
}

void ks_jw_uint(struct ks_jw *w, uint64_t v)
{
    before_value(w);
    if (!w->err)
        w->err = ks_buf_addf(w->out, "%llu", (unsigned long long)v);
}

void ks_jw_real(struct ks_jw *w, double v)
{
    char tmp[40];

    if (!isfinite(v)) {
        ks_jw_null(w);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
        if (strtod(tmp, NULL) == v)
            break;
    }
    /* Keep it a real when read back: "-0" or "1e+20" are fine, "3" is not. */
    if (!strpbrk(tmp, ".eE")) {
        size_t n = strlen(tmp);
        snprintf(tmp + n, sizeof(tmp) - n, ".0");
    }
    before_value(w);
    if (!w->err)
        w->err = ks_buf_adds(w->out, tmp);
}

void ks_jw_fixed(struct ks_jw *w, double v, int decimals)
{
    char tmp[400];

    if (!isfinite(v) || fabs(v) >= 1e300) {
        ks_jw_null(w);
        return;
    }
    snprintf(tmp, sizeof(tmp), "%.*f", decimals < 0 ? 0 : decimals > 17 ? 17 : decimals, v);
    before_value(w);
    if (!w->err)
        w->err = ks_buf_adds(w->out, tmp);
}

void ks_jw_bool(struct ks_jw *w, bool v)
{
    before_value(w);
    if (!w->err)
        w->err = ks_buf_adds(w->out, v ? "true" : "false");
}

void ks_jw_null(struct ks_jw *w)
{
    before_value(w);
    if (!w->err)
        w->err = ks_buf_adds(w->out, "null");
}

void ks_jw_raw(struct ks_jw *w, const char *json, size_t len)
{
    before_value(w);
    if (!w->err)
        w->err = ks_buf_add(w->out, json, len);
}

void ks_jw_value(struct ks_jw *w, const struct ks_value *v)
{
    if (!v) {
        ks_jw_null(w);
        return;
    }
    switch (v->type) {
    case KS_VNULL:
        ks_jw_null(w);
        break;
    case KS_VBOOL:
        ks_jw_bool(w, v->u.b);
        break;
    case KS_VINT:
        ks_jw_int(w, v->u.i);
        break;
    case KS_VREAL:
        ks_jw_real(w, v->u.d);
        break;
    case KS_VSTRING:
        ks_jw_strn(w, v->u.s.ptr, v->u.s.len);
        break;
    case KS_VARRAY:
        ks_jw_arr_begin(w);
        for (size_t i = 0; i < v->u.a.len; i++)
            ks_jw_value(w, v->u.a.items[i]);
        ks_jw_arr_end(w);
        break;
    case KS_VOBJECT:
        ks_jw_obj_begin(w);
        for (size_t i = 0; i < v->u.o.len; i++) {
            before_value(w);
            if (w->err)
                return;
            w->err = ks_json_quote(w->out, v->u.o.items[i].key, v->u.o.items[i].key_len);
            if (!w->err)
                w->err = ks_buf_adds(w->out, w->indent ? ": " : ":");
            w->after_key = true;
            ks_jw_value(w, v->u.o.items[i].value);
        }
        ks_jw_obj_end(w);
        break;
    }
}

void ks_jw_kstr(struct ks_jw *w, const char *key, const char *s)
{
    ks_jw_key(w, key);
    ks_jw_str(w, s);
}

void ks_jw_kstr_opt(struct ks_jw *w, const char *key, const char *s)
{
    if (s)
        ks_jw_kstr(w, key, s);
}

void ks_jw_kint(struct ks_jw *w, const char *key, int64_t v)
{
    ks_jw_key(w, key);
    ks_jw_int(w, v);
}

void ks_jw_kbool(struct ks_jw *w, const char *key, bool v)
{
    ks_jw_key(w, key);
    ks_jw_bool(w, v);
}

ks_err ks_jw_finish(struct ks_jw *w)
{
    if (w->err)
        return w->err;
    if (w->depth != 0 || w->after_key)
        return KS_EINVAL;
    if (w->indent)
        return ks_buf_addc(w->out, '\n');
    return KS_OK;
}

/* code/code.c - the analysis engine: tree-sitter parsing, node kinds per
 * language, name resolution, taint tracking and the detector rules.
 *
 * One file is analysed at a time by one thread. Each function (and the module
 * body) is walked once in source order with a scope of variables -> taint.
 * A taint is an immutable chain of steps (source first at the tail), shared by
 * every value derived from it. Function parameters start tainted by a
 * "parameter i" marker unless they are handler sources; what reaches a
 * function's return or sinks from a marker becomes that function's summary,
 * which call sites of local helpers apply. Recursion is bounded by
 * KS_CODE_MAX_DEPTH; deeper input is cut and noted. */
#include "core/ks_common.h"

#include "code/code.h"

#include "code/code_int.h"

#include "core/dl.h"
#include "core/str.h"

#include <ctype.h>
#include <pthread.h>
#include <tree_sitter/api.h>

const TSLanguage *tree_sitter_python(void);
const TSLanguage *tree_sitter_javascript(void);
const TSLanguage *tree_sitter_typescript(void);
const TSLanguage *tree_sitter_java(void);

/* libtree-sitter, loaded on first use (core/dl.h): only a target that needs it pays for it */
#define KS_TS_FNS(X) \
    X(ts_language_field_id_for_name) \
    X(ts_language_symbol_count) \
    X(ts_language_symbol_name) \
    X(ts_language_symbol_type) \
    X(ts_node_child) \
    X(ts_node_child_by_field_id) \
    X(ts_node_child_count) \
    X(ts_node_end_byte) \
    X(ts_node_end_point) \
    X(ts_node_eq) \
    X(ts_node_has_error) \
    X(ts_node_is_missing) \
    X(ts_node_is_named) \
    X(ts_node_is_null) \
    X(ts_node_named_child) \
    X(ts_node_named_child_count) \
    X(ts_node_parent) \
    X(ts_node_start_byte) \
    X(ts_node_start_point) \
    X(ts_node_symbol) \
    X(ts_node_type) \
    X(ts_parser_delete) \
    X(ts_parser_new) \
    X(ts_parser_parse_string) \
    X(ts_parser_set_language) \
    X(ts_tree_cursor_current_node) \
    X(ts_tree_cursor_delete) \
    X(ts_tree_cursor_goto_first_child) \
    X(ts_tree_cursor_goto_next_sibling) \
    X(ts_tree_cursor_new) \
    X(ts_tree_delete) \
    X(ts_tree_root_node)

KS_DL_LIBRARY(lib_ts, KS_TS_FNS, "libtree-sitter.so.0",
              "analyse source code");

#define ts_language_field_id_for_name (lib_ts.ts_language_field_id_for_name)
#define ts_language_symbol_count (lib_ts.ts_language_symbol_count)
#define ts_language_symbol_name (lib_ts.ts_language_symbol_name)
#define ts_language_symbol_type (lib_ts.ts_language_symbol_type)
#define ts_node_child (lib_ts.ts_node_child)
#define ts_node_child_by_field_id (lib_ts.ts_node_child_by_field_id)
#define ts_node_child_count (lib_ts.ts_node_child_count)
#define ts_node_end_byte (lib_ts.ts_node_end_byte)
#define ts_node_end_point (lib_ts.ts_node_end_point)
#define ts_node_eq (lib_ts.ts_node_eq)
#define ts_node_has_error (lib_ts.ts_node_has_error)
#define ts_node_is_missing (lib_ts.ts_node_is_missing)
#define ts_node_is_named (lib_ts.ts_node_is_named)
#define ts_node_is_null (lib_ts.ts_node_is_null)
#define ts_node_named_child (lib_ts.ts_node_named_child)
#define ts_node_named_child_count (lib_ts.ts_node_named_child_count)
#define ts_node_parent (lib_ts.ts_node_parent)
#define ts_node_start_byte (lib_ts.ts_node_start_byte)
#define ts_node_start_point (lib_ts.ts_node_start_point)
#define ts_node_symbol (lib_ts.ts_node_symbol)
#define ts_node_type (lib_ts.ts_node_type)
#define ts_parser_delete (lib_ts.ts_parser_delete)
#define ts_parser_new (lib_ts.ts_parser_new)
#define ts_parser_parse_string (lib_ts.ts_parser_parse_string)
#define ts_parser_set_language (lib_ts.ts_parser_set_language)
#define ts_tree_cursor_current_node (lib_ts.ts_tree_cursor_current_node)
#define ts_tree_cursor_delete (lib_ts.ts_tree_cursor_delete)
#define ts_tree_cursor_goto_first_child (lib_ts.ts_tree_cursor_goto_first_child)
#define ts_tree_cursor_goto_next_sibling (lib_ts.ts_tree_cursor_goto_next_sibling)
#define ts_tree_cursor_new (lib_ts.ts_tree_cursor_new)
#define ts_tree_delete (lib_ts.ts_tree_delete)
#define ts_tree_root_node (lib_ts.ts_tree_root_node)

#define KS_CODE_MAX_DEPTH 256
#define QNAME_MAX         200
/* Larger sources are generated or bundled code; their syntax trees would take
 * ~25x their size in memory (peak RSS must stay under 100 MB). */
#define KS_CODE_MAX_SOURCE (1024 * 1024)

/* ---- node kinds ------------------------------------------------------- */

enum kind {
    K_OTHER = 0,
    K_CALL,
    K_NEW,
    K_MEMBER,
    K_SUBSCRIPT,
    K_IDENT,
    K_THIS,
    K_STRING,
    K_CONCAT_STR,
    K_INTERP,
    K_BINOP,
    K_ASSIGN,
    K_DECL,
    K_LOCALDECL,
    K_FUNC,
    K_RETURN,
    K_IF,
    K_KWARG,
    K_PAIR,
    K_OBJECT,
    K_IMPORT,
    K_IMPORT_FROM,
    K_DECORATED,
    K_NUMBER,
    K_TRUE,
    K_FALSE,
    K_PASS, /* parenthesized, await, spread: value of the child */
    K_UNION, /* ternary, list, tuple, array: union of children */
    K_ARGS,
    K_CLASS,
    K_NONE,
    K_COUNT
};

enum field {
    F_FUNCTION,
    F_ARGUMENTS,
    F_OBJECT,
    F_ATTRIBUTE,
    F_PROPERTY,
    F_NAME,
    F_VALUE,
    F_LEFT,
    F_RIGHT,
    F_BODY,
    F_PARAMETERS,
    F_PARAMETER,
    F_CONDITION,
    F_OPERATOR,
    F_KEY,
    F_CONSTRUCTOR,
    F_TYPE,
    F_INDEX,
    F_FIELD,
    F_SUBSCRIPT,
    F_ALIAS,
    F_MODULE_NAME,
    F_SOURCE,
    F_PATTERN,
    F_DECLARATOR,
    F_DEFINITION,
    F_ARRAY,
    F_COUNT
};

static const char *const field_names[F_COUNT] = {
    "function", "arguments", "object", "attribute", "property", "name", "value",
    "left", "right", "body", "parameters", "parameter", "condition", "operator",
    "key", "constructor", "type", "index", "field", "subscript", "alias",
    "module_name", "source", "pattern", "declarator", "definition", "array"};

struct kind_name {
    const char *name;
    enum kind kind;
};

static const struct kind_name py_kinds[] = {
    {"call", K_CALL}, {"attribute", K_MEMBER}, {"subscript", K_SUBSCRIPT},
    {"identifier", K_IDENT}, {"string", K_STRING}, {"concatenated_string", K_CONCAT_STR},
    {"interpolation", K_INTERP}, {"binary_operator", K_BINOP}, {"assignment", K_ASSIGN},
    {"augmented_assignment", K_ASSIGN}, {"function_definition", K_FUNC}, {"lambda", K_FUNC},
    {"return_statement", K_RETURN}, {"if_statement", K_IF}, {"elif_clause", K_IF},
    {"keyword_argument", K_KWARG},
    {"import_statement", K_IMPORT}, {"import_from_statement", K_IMPORT_FROM},
    {"decorated_definition", K_DECORATED}, {"integer", K_NUMBER}, {"true", K_TRUE},
    {"false", K_FALSE}, {"parenthesized_expression", K_PASS}, {"await", K_PASS},
    {"conditional_expression", K_UNION}, {"list", K_UNION}, {"tuple", K_UNION},
    {"boolean_operator", K_UNION}, {"argument_list", K_ARGS}, {"class_definition", K_CLASS},
    {"none", K_NONE}, {"dictionary", K_OBJECT}, {"pair", K_PAIR},
    {"expression_list", K_UNION}, {"list_splat", K_PASS}, {"dictionary_splat", K_PASS},
    {NULL, K_OTHER}};

static const struct kind_name js_kinds[] = {
    {"call_expression", K_CALL}, {"new_expression", K_NEW}, {"member_expression", K_MEMBER},
    {"subscript_expression", K_SUBSCRIPT}, {"identifier", K_IDENT},
    {"property_identifier", K_IDENT}, {"shorthand_property_identifier", K_IDENT},
    {"shorthand_property_identifier_pattern", K_IDENT}, {"this", K_THIS}, {"string", K_STRING},
    {"template_string", K_STRING}, {"template_substitution", K_INTERP},
    {"binary_expression", K_BINOP}, {"assignment_expression", K_ASSIGN},
    {"augmented_assignment_expression", K_ASSIGN}, {"variable_declarator", K_DECL},
    {"function_declaration", K_FUNC}, {"function_expression", K_FUNC}, {"function", K_FUNC},
    {"arrow_function", K_FUNC}, {"method_definition", K_FUNC},
    {"generator_function_declaration", K_FUNC}, {"return_statement", K_RETURN},
    {"if_statement", K_IF}, {"pair", K_PAIR}, {"object", K_OBJECT},
    {"import_statement", K_IMPORT}, {"number", K_NUMBER}, {"true", K_TRUE}, {"false", K_FALSE},
    {"parenthesized_expression", K_PASS}, {"await_expression", K_PASS},
    {"spread_element", K_PASS}, {"as_expression", K_PASS}, {"non_null_expression", K_PASS},
    {"ternary_expression", K_UNION}, {"array", K_UNION}, {"arguments", K_ARGS},
    {"class_declaration", K_CLASS}, {"null", K_NONE}, {"undefined", K_NONE},
    {NULL, K_OTHER}};

static const struct kind_name java_kinds[] = {
    {"method_invocation", K_CALL}, {"object_creation_expression", K_NEW},
    {"field_access", K_MEMBER}, {"array_access", K_SUBSCRIPT}, {"identifier", K_IDENT},
    {"type_identifier", K_IDENT}, {"this", K_THIS}, {"string_literal", K_STRING},
    {"text_block", K_STRING}, {"binary_expression", K_BINOP},
    {"assignment_expression", K_ASSIGN}, {"variable_declarator", K_DECL},
    {"local_variable_declaration", K_LOCALDECL}, {"field_declaration", K_LOCALDECL},
    {"method_declaration", K_FUNC}, {"constructor_declaration", K_FUNC},
    {"lambda_expression", K_FUNC}, {"return_statement", K_RETURN}, {"if_statement", K_IF},
    {"import_declaration", K_IMPORT}, {"decimal_integer_literal", K_NUMBER},
    {"true", K_TRUE}, {"false", K_FALSE}, {"parenthesized_expression", K_PASS},
    {"cast_expression", K_PASS}, {"ternary_expression", K_UNION},
    {"array_initializer", K_UNION}, {"argument_list", K_ARGS},
    {"class_declaration", K_CLASS}, {"null_literal", K_NONE}, {NULL, K_OTHER}};

struct lang_info {
    const TSLanguage *ts;
    uint8_t *kinds; /* by symbol */
    uint32_t nsym;
    TSFieldId field[F_COUNT];
};

static struct lang_info langs[KS_LANG_COUNT];
static pthread_once_t langs_once = PTHREAD_ONCE_INIT;

static void lang_setup(enum ks_code_lang l, const TSLanguage *ts, const struct kind_name *names)
{
    struct lang_info *li = &langs[l];

    li->ts = ts;
    li->nsym = ts_language_symbol_count(ts);
    li->kinds = calloc(li->nsym, 1);
    if (!li->kinds)
        KS_BUG("out of memory setting up tree-sitter languages");
    for (uint32_t s = 0; s < li->nsym; s++) {
        const char *n = ts_language_symbol_name(ts, (TSSymbol)s);
        if (!n || ts_language_symbol_type(ts, (TSSymbol)s) != TSSymbolTypeRegular)
            continue;
        for (const struct kind_name *k = names; k->name; k++)
            if (!strcmp(k->name, n))
                li->kinds[s] = (uint8_t)k->kind;
    }
    for (int f = 0; f < F_COUNT; f++)
        li->field[f] = ts_language_field_id_for_name(ts, field_names[f],
                                                     (uint32_t)strlen(field_names[f]));
}

static void langs_init(void)
{
    lang_setup(KS_LANG_PYTHON, tree_sitter_python(), py_kinds);
    lang_setup(KS_LANG_JAVASCRIPT, tree_sitter_javascript(), js_kinds);
    lang_setup(KS_LANG_TYPESCRIPT, tree_sitter_typescript(), js_kinds);
    lang_setup(KS_LANG_JAVA, tree_sitter_java(), java_kinds);
}

/* ---- analysis state ---------------------------------------------------- */

enum { T_USER = 1, T_SECRET = 2, T_PARAM = 4, T_CLI = 8 /* command line/stdin of a CLI */ };

struct taint {
    const struct taint *prev;
    uint32_t line, col;
    const char *what;
    uint8_t kinds;
    int8_t param;       /* parameter index of a T_PARAM root */
    uint32_t sanitized; /* rules (1u << R_x) it is sanitised for */
};

struct var {
    const char *name;
    const struct taint *t;
    const char *type; /* Java declared type, or NULL */
};

struct vars {
    struct var *items;
    size_t len, cap;
};

struct alias {
    const char *local;
    const char *full;
};

struct sink_sum {
    int rule;
    int param;
    const struct taint *chain; /* from the parameter marker to the sink */
    TSNode sink;
};

struct func {
    TSNode node;
    const char *name;
    bool done, busy;
    uint32_t ret_params;       /* parameters whose taint reaches the return */
    uint32_t ret_san;          /* sanitised-for bits common to those returns */
    bool ret_seen;
    const struct taint *ret;   /* a real source reaching the return */
    KS_VEC(struct sink_sum) sinks;
};

struct ctx {
    struct ks_code_result *res;
    struct ks_arena *a; /* scratch, per file */
    enum ks_code_lang lang;
    const struct lang_info *li;
    const char *file; /* in res->arena */
    const char *src;
    size_t len;
    KS_VEC(struct alias) aliases;
    KS_VEC(struct func) funcs;
    struct vars vars;
    struct func *cur;       /* function being analysed */
    bool route;             /* current function is a web route (Flask) */
    bool depth_cut;
    TSNode secret_done; /* literal already checked for secrets by its parent */
    ks_err err;
};

/* Null-safe node access: tree-sitter 0.20 dereferences null nodes. */
static uint32_t nchild(TSNode n)
{
    return ts_node_is_null(n) ? 0 : ts_node_named_child_count(n);
}

static TSNode nth(TSNode n, uint32_t i)
{
    TSNode none = {0};
    return ts_node_is_null(n) ? none : ts_node_named_child(n, i);
}

static TSPoint start_pt(TSNode n)
{
    TSPoint z = {0, 0};
    return ts_node_is_null(n) ? z : ts_node_start_point(n);
}

static TSPoint end_pt(TSNode n)
{
    TSPoint z = {0, 0};
    return ts_node_is_null(n) ? z : ts_node_end_point(n);
}

static TSNode parent_of(TSNode n)
{
    TSNode none = {0};
    return ts_node_is_null(n) ? none : ts_node_parent(n);
}

/* Iterates the named children of `n` with a tree cursor (ts_node_named_child
 * is linear in the number of siblings in tree-sitter 0.20). */
#define FOR_NAMED(n, ch)                                                                           \
    for (struct named_it ch##_it = named_first(n); !ch##_it.done; named_next(&ch##_it))            \
        for (TSNode ch = ts_tree_cursor_current_node(&ch##_it.cur), *ch##_once = &ch; ch##_once;   \
             ch##_once = NULL)

struct named_it {
    TSTreeCursor cur;
    bool done;
};

static void named_skip(struct named_it *it)
{
    while (!ts_node_is_named(ts_tree_cursor_current_node(&it->cur)))
        if (!ts_tree_cursor_goto_next_sibling(&it->cur)) {
            it->done = true;
            ts_tree_cursor_delete(&it->cur);
            return;
        }
}

static struct named_it named_first(TSNode n)
{
    struct named_it it;
    if (ts_node_is_null(n)) {
        it.done = true;
        memset(&it.cur, 0, sizeof(it.cur));
        return it;
    }
    it.cur = ts_tree_cursor_new(n);
    it.done = !ts_tree_cursor_goto_first_child(&it.cur);
    if (it.done)
        ts_tree_cursor_delete(&it.cur);
    else
        named_skip(&it);
    return it;
}

static void named_next(struct named_it *it)
{
    if (!ts_tree_cursor_goto_next_sibling(&it->cur)) {
        it->done = true;
        ts_tree_cursor_delete(&it->cur);
        return;
    }
    named_skip(it);
}

static enum kind kind_of(const struct ctx *c, TSNode n)
{
    TSSymbol s;

    if (ts_node_is_null(n))
        return K_OTHER;
    s = ts_node_symbol(n);
    return s < c->li->nsym ? (enum kind)c->li->kinds[s] : K_OTHER;
}

static TSNode field(const struct ctx *c, TSNode n, enum field f)
{
    TSNode none = {0};

    if (ts_node_is_null(n) || !c->li->field[f])
        return none;
    return ts_node_child_by_field_id(n, c->li->field[f]);
}

static bool type_is(TSNode n, const char *t)
{
    return !ts_node_is_null(n) && !strcmp(ts_node_type(n), t);
}

static const char *text(struct ctx *c, TSNode n)
{
    uint32_t s, e;
    const char *r;

    if (ts_node_is_null(n))
        return "";
    s = ts_node_start_byte(n);
    e = ts_node_end_byte(n);
    if (e > c->len || s > e)
        return "";
    r = ks_arena_strndup(c->a, c->src + s, e - s);
    if (!r) {
        c->err = KS_ENOMEM;
        return "";
    }
    return r;
}

static bool text_eq(const struct ctx *c, TSNode n, const char *s)
{
    if (ts_node_is_null(n))
        return false;
    uint32_t b = ts_node_start_byte(n), e = ts_node_end_byte(n);
    size_t l = strlen(s);

    return e - b == l && e <= c->len && !memcmp(c->src + b, s, l);
}

/* The contents of a string literal without prefix and quotes. */
static const char *str_value(struct ctx *c, TSNode n, size_t *len)
{
    if (ts_node_is_null(n))
        return *len = 0, "";
    uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);
    const char *p = c->src + s, *end = c->src + e;

    if (e > c->len || s > e)
        return *len = 0, "";
    while (p < end && isalpha((unsigned char)*p))
        p++;
    if (end - p >= 6 && (!memcmp(p, "\"\"\"", 3) || !memcmp(p, "'''", 3)))
        p += 3, end -= 3;
    else if (end - p >= 2 && strchr("\"'`", *p))
        p++, end--;
    *len = (size_t)(end - p);
    return p;
}

/* An arena copy of a string literal's contents. */
static const char *lit_dup(struct ctx *c, TSNode n)
{
    size_t l;
    const char *v = str_value(c, n, &l);
    return ks_arena_strndup(c->a, v, l);
}

static bool is_str_lit(const struct ctx *c, TSNode n)
{
    if (kind_of(c, n) != K_STRING)
        return false;
    for (uint32_t i = 0; i < nchild(n); i++)
        if (kind_of(c, nth(n, i)) == K_INTERP)
            return false;
    return true;
}

static bool ci_contains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (!strncasecmp(hay, needle, n))
            return true;
    return false;
}

static bool sensitive_name(const char *name)
{
    static const char *const words[] = {"password", "passwd", "secret", "token", "apikey",
                                        "api_key", "access_key", "accesskey", "private_key",
                                        "credential", "passphrase", "session_key"};
    if (!name)
        return false;
    for (size_t i = 0; i < KS_ARRAY_LEN(words); i++)
        if (ci_contains(name, words[i]))
            return true;
    return false;
}

/* A one-line excerpt of a node for taint steps, with secret-looking runs
 * redacted. */
static const char *snippet(struct ctx *c, TSNode n)
{
    if (ts_node_is_null(n))
        return "";
    uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);
    char buf[96];
    size_t o = 0;

    if (e > c->len || s > e)
        return "";
    for (uint32_t i = s; i < e && o < sizeof(buf) - 5;) {
        uint32_t j = i;
        while (j < e && (isalnum((unsigned char)c->src[j]) || strchr("_-+/=.", c->src[j])))
            j++;
        if (j - i >= 16 && ks_code_secret_kind(c->src + i, j - i, NULL)) {
            o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%.4s****", c->src + i);
            i = j;
            continue;
        }
        if (j == i)
            j = i + 1;
        for (; i < j && o < sizeof(buf) - 5; i++)
            buf[o++] = c->src[i] == '\n' || c->src[i] == '\r' || c->src[i] == '\t' ? ' '
                                                                                    : c->src[i];
    }
    if (o >= sizeof(buf) - 5)
        o = sizeof(buf) - 5, memcpy(buf + o, "...", 3), o += 3;
    buf[KS_MIN(o, sizeof(buf) - 1)] = 0;
    return ks_arena_strdup(c->a, buf);
}

static const struct taint *step(struct ctx *c, const struct taint *prev, TSNode at,
                                const char *what)
{
    struct taint *t;
    TSPoint p = start_pt(at);

    if (!prev)
        return NULL;
    if (prev->line == p.row + 1 && prev->what == what)
        return prev;
    t = ks_arena_alloc(c->a, sizeof(*t));
    if (!t) {
        c->err = KS_ENOMEM;
        return prev;
    }
    *t = *prev;
    t->prev = prev;
    t->line = p.row + 1;
    t->col = p.column + 1;
    t->what = what;
    return t;
}

static const struct taint *source(struct ctx *c, TSNode at, uint8_t kinds, const char *what)
{
    struct taint *t = ks_arena_calloc(c->a, 1, sizeof(*t));
    TSPoint p = start_pt(at);

    if (!t) {
        c->err = KS_ENOMEM;
        return NULL;
    }
    t->line = p.row + 1;
    t->col = p.column + 1;
    t->what = what;
    t->kinds = kinds;
    t->param = -1;
    return t;
}

/* Union keeps one chain: a real source over a parameter marker. */
static const struct taint *merge(const struct taint *a, const struct taint *b)
{
    if (!a)
        return b;
    if (!b)
        return a;
    if ((a->kinds & T_USER) && !(b->kinds & T_USER))
        return a;
    if ((b->kinds & T_USER) && !(a->kinds & T_USER))
        return b;
    if ((a->kinds & T_PARAM) && !(b->kinds & T_PARAM))
        return b;
    return a;
}

static const struct taint *sanitise(struct ctx *c, const struct taint *t, uint32_t rules,
                                    TSNode at)
{
    struct taint *n;

    if (!t)
        return NULL;
    n = ks_arena_alloc(c->a, sizeof(*n));
    if (!n)
        return c->err = KS_ENOMEM, t;
    *n = *t;
    n->prev = t;
    n->sanitized |= rules;
    n->line = start_pt(at).row + 1;
    n->col = start_pt(at).column + 1;
    n->what = "sanitised";
    return n;
}

static struct var *var_find(struct ctx *c, const char *name)
{
    for (size_t i = c->vars.len; i-- > 0;)
        if (!strcmp(c->vars.items[i].name, name))
            return &c->vars.items[i];
    return NULL;
}

static void var_set(struct ctx *c, const char *name, const struct taint *t, const char *type)
{
    struct var *v = var_find(c, name);

    if (v) {
        v->t = t;
        if (type)
            v->type = type;
        return;
    }
    if (KS_VEC_PUSH(&c->vars, ((struct var){name, t, type})))
        c->err = KS_ENOMEM;
}

static const char *alias_of(struct ctx *c, const char *local)
{
    for (size_t i = 0; i < c->aliases.len; i++)
        if (!strcmp(c->aliases.items[i].local, local))
            return c->aliases.items[i].full;
    return NULL;
}

static void alias_add(struct ctx *c, const char *local, const char *full)
{
    if (!local || !full || !*local)
        return;
    if (KS_VEC_PUSH(&c->aliases, ((struct alias){local, full})))
        c->err = KS_ENOMEM;
}

/* ---- qualified names ---------------------------------------------------- */

static void qn_add(char *buf, size_t *o, const char *s, size_t n)
{
    if (*o + n >= QNAME_MAX)
        n = QNAME_MAX - 1 - *o;
    memcpy(buf + *o, s, n);
    *o += n;
    buf[*o] = 0;
}

static void qname_rec(struct ctx *c, TSNode n, char *buf, size_t *o, int depth)
{
    enum kind k = kind_of(c, n);

    if (depth > 32 || ts_node_is_null(n) || *o >= QNAME_MAX - 1)
        return;
    switch (k) {
    case K_IDENT: {
        const char *t = text(c, n);
        const char *full = *o == 0 ? alias_of(c, t) : NULL;
        if (!full && *o == 0 && c->lang == KS_LANG_JAVA) {
            struct var *v = var_find(c, t);
            if (v && v->type)
                full = v->type;
        }
        qn_add(buf, o, full ? full : t, strlen(full ? full : t));
        return;
    }
    case K_THIS:
        qn_add(buf, o, "this", 4);
        return;
    case K_MEMBER: {
        TSNode obj = field(c, n, F_OBJECT);
        TSNode prop = field(c, n, c->lang == KS_LANG_PYTHON ? F_ATTRIBUTE
                                  : c->lang == KS_LANG_JAVA ? F_FIELD
                                                            : F_PROPERTY);
        qname_rec(c, obj, buf, o, depth + 1);
        qn_add(buf, o, ".", 1);
        if (!ts_node_is_null(prop)) {
            const char *t = text(c, prop);
            qn_add(buf, o, t, strlen(t));
        }
        return;
    }
    case K_CALL: {
        if (c->lang == KS_LANG_JAVA) {
            TSNode obj = field(c, n, F_OBJECT);
            if (!ts_node_is_null(obj)) {
                qname_rec(c, obj, buf, o, depth + 1);
                qn_add(buf, o, ".", 1);
            }
            const char *t = text(c, field(c, n, F_NAME));
            qn_add(buf, o, t, strlen(t));
            qn_add(buf, o, "()", 2);
            return;
        }
        TSNode fn = field(c, n, F_FUNCTION);
        if (c->lang != KS_LANG_PYTHON && text_eq(c, fn, "require")) {
            TSNode args = field(c, n, F_ARGUMENTS);
            TSNode a0 = nth(args, 0);
            if (is_str_lit(c, a0)) {
                size_t l;
                const char *v = str_value(c, a0, &l);
                qn_add(buf, o, v, l);
                return;
            }
        }
        qname_rec(c, fn, buf, o, depth + 1);
        qn_add(buf, o, "()", 2);
        return;
    }
    case K_NEW: {
        TSNode t = field(c, n, c->lang == KS_LANG_JAVA ? F_TYPE : F_CONSTRUCTOR);
        qn_add(buf, o, "new ", 4);
        qname_rec(c, t, buf, o, depth + 1);
        return;
    }
    case K_PASS:
        qname_rec(c, nth(n, 0), buf, o, depth + 1);
        return;
    case K_SUBSCRIPT:
        qname_rec(c, field(c, n, c->lang == KS_LANG_PYTHON ? F_VALUE
                                  : c->lang == KS_LANG_JAVA ? F_ARRAY
                                                            : F_OBJECT),
                  buf, o, depth + 1);
        qn_add(buf, o, "[]", 2);
        return;
    default: {
        const char *t = ts_node_type(n);
        if (!strcmp(t, "scoped_type_identifier") || !strcmp(t, "generic_type") ||
            !strcmp(t, "scoped_identifier")) {
            const char *tx = text(c, n);
            const char *lt = strchr(tx, '<');
            qn_add(buf, o, tx, lt ? (size_t)(lt - tx) : strlen(tx));
            return;
        }
        qn_add(buf, o, "?", 1);
    }
    }
}

/* The dotted name of a call's target: "os.system", "child_process.exec",
 * "cursor.execute", "Runtime.getRuntime().exec", "new Function". */
static const char *qname(struct ctx *c, TSNode call)
{
    char buf[QNAME_MAX];
    size_t o = 0;

    buf[0] = 0;
    if (kind_of(c, call) == K_CALL && c->lang != KS_LANG_JAVA)
        qname_rec(c, field(c, call, F_FUNCTION), buf, &o, 0);
    else if (kind_of(c, call) == K_CALL) {
        TSNode obj = field(c, call, F_OBJECT);
        if (!ts_node_is_null(obj)) {
            qname_rec(c, obj, buf, &o, 0);
            qn_add(buf, &o, ".", 1);
        }
        const char *t = text(c, field(c, call, F_NAME));
        qn_add(buf, &o, t, strlen(t));
    } else
        qname_rec(c, call, buf, &o, 0);
    return ks_arena_strdup(c->a, buf);
}

/* The last dotted component of a name. */
static const char *last_part(const char *q)
{
    const char *d = strrchr(q, '.');
    return d ? d + 1 : q;
}

/* `q` equals `pat`, or `pat` starts with '.' and q ends with it. */
static bool qmatch(const char *q, const char *pat)
{
    if (pat[0] == '.')
        return ks_ends_with(q, pat);
    return !strcmp(q, pat);
}

static bool qmatch_any(const char *q, const char *const *pats)
{
    for (; *pats; pats++)
        if (qmatch(q, *pats))
            return true;
    return false;
}

/* ---- arguments ---------------------------------------------------------- */

static TSNode call_args(struct ctx *c, TSNode call)
{
    return field(c, call, F_ARGUMENTS);
}

/* The i-th positional argument (keyword arguments skipped). */
static TSNode arg_pos(struct ctx *c, TSNode call, uint32_t i)
{
    TSNode args = call_args(c, call), none = {0};
    uint32_t n = 0;

    if (ts_node_is_null(args))
        return none;
    for (uint32_t k = 0; k < nchild(args); k++) {
        TSNode a = nth(args, k);
        if (kind_of(c, a) == K_KWARG || type_is(a, "comment"))
            continue;
        if (n++ == i)
            return a;
    }
    return none;
}

static uint32_t arg_count(struct ctx *c, TSNode call)
{
    TSNode args = call_args(c, call);
    return ts_node_is_null(args) ? 0 : nchild(args);
}

/* Python keyword argument value by name. */
static TSNode arg_kw(struct ctx *c, TSNode call, const char *name)
{
    TSNode args = call_args(c, call), none = {0};

    if (ts_node_is_null(args) || c->lang != KS_LANG_PYTHON)
        return none;
    for (uint32_t k = 0; k < nchild(args); k++) {
        TSNode a = nth(args, k);
        if (kind_of(c, a) == K_KWARG && text_eq(c, field(c, a, F_NAME), name))
            return field(c, a, F_VALUE);
    }
    return none;
}

/* A JS object literal's property value by key. */
static TSNode obj_prop(struct ctx *c, TSNode obj, const char *key)
{
    TSNode none = {0};

    if (kind_of(c, obj) != K_OBJECT)
        return none;
    for (uint32_t k = 0; k < nchild(obj); k++) {
        TSNode p = nth(obj, k);
        if (kind_of(c, p) != K_PAIR)
            continue;
        TSNode kn = field(c, p, F_KEY);
        size_t l;
        if (text_eq(c, kn, key))
            return field(c, p, F_VALUE);
        if (is_str_lit(c, kn)) {
            const char *v = str_value(c, kn, &l);
            if (l == strlen(key) && !memcmp(v, key, l))
                return field(c, p, F_VALUE);
        }
    }
    return none;
}

static bool has_obj_key(struct ctx *c, TSNode obj, const char *key)
{
    return !ts_node_is_null(obj_prop(c, obj, key));
}

/* ---- taint evaluation -------------------------------------------------- */

static const struct taint *eval(struct ctx *c, TSNode n, int depth);
static struct func *func_summary(struct ctx *c, struct func *f);
static void report(struct ctx *c, int rule, TSNode at, const struct taint *t, const char *msg);

static const char *const py_request_attrs[] = {
    "args", "form", "values", "json", "data", "files", "cookies", "headers", "GET", "POST",
    "body", "COOKIES", "META", "FILES", "query_params", "get_json", "get_data", "path",
    "full_path", "url", "query_string", NULL};

static bool in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(s, *list))
            return true;
    return false;
}

/* Function names whose result carries no attacker-controlled text. */
static const char *const clean_calls[] = {
    "len", "int", "float", "bool", "hash", "id", "isinstance", "ord", "abs", "round",
    "parseInt", "parseFloat", "Number", "Boolean", "Integer.parseInt", "Long.parseLong",
    "Integer.valueOf", "Long.valueOf", "Math.floor", "Math.round", "uuid.uuid4", "jsonify",
    ".count", ".size", ".length", ".isdigit", ".isalnum", ".startswith", ".endswith",
    ".startsWith", ".endsWith", ".includes", ".test", ".equals", ".has", ".exists",
    ".fetchone", ".fetchall", ".hexdigest", ".digest", "os.path.exists", "os.path.isfile",
    "UUID.randomUUID", ".matches", ".contains", "res.json", ".status", NULL};

struct sanitiser {
    const char *pat;
    uint32_t rules; /* 0: fully clean */
};

#define RB(r) (1u << (r))
static const struct sanitiser sanitisers[] = {
    {"shlex.quote", RB(R_CMDI)}, {"pipes.quote", RB(R_CMDI)}, {"shellescape", RB(R_CMDI)},
    {"shell-quote.quote", RB(R_CMDI)}, {"html.escape", RB(R_XSS)},
    {"markupsafe.escape", RB(R_XSS)}, {"flask.escape", RB(R_XSS)}, {"cgi.escape", RB(R_XSS)},
    {"escape", RB(R_XSS)}, {"bleach.clean", RB(R_XSS)}, {"escapeHtml", RB(R_XSS)},
    {"escape-html", RB(R_XSS)}, {"he.encode", RB(R_XSS)}, {"he.escape", RB(R_XSS)},
    {"validator.escape", RB(R_XSS)}, {"DOMPurify.sanitize", RB(R_XSS)},
    {"StringEscapeUtils.escapeHtml4", RB(R_XSS)}, {"HtmlUtils.htmlEscape", RB(R_XSS)},
    {"Encode.forHtml", RB(R_XSS)}, {"encodeURIComponent", RB(R_XSS) | RB(R_REDIRECT) | RB(R_LOGINJ)},
    {"os.path.basename", RB(R_PATH)}, {"werkzeug.utils.secure_filename", RB(R_PATH)},
    {"secure_filename", RB(R_PATH)}, {"path.basename", RB(R_PATH)},
    {"FilenameUtils.getName", RB(R_PATH)}, {"ldap.filter.escape_filter_chars", RB(R_LDAP)},
    {"escape_filter_chars", RB(R_LDAP)}, {"ldap3.utils.conv.escape_filter_chars", RB(R_LDAP)},
    {"ldapEscape", RB(R_LDAP)}, {"LdapEncoder.filterEncode", RB(R_LDAP)},
    {"url_has_allowed_host_and_scheme", RB(R_REDIRECT)},
    {"defusedxml.ElementTree.fromstring", RB(R_XXE)}, {"json.dumps", RB(R_LOGINJ)},
    {"JSON.stringify", RB(R_LOGINJ)}, {"repr", RB(R_LOGINJ)},
    {"mysql.escape", RB(R_SQLI)}, {"connection.escape", RB(R_SQLI)},
    {"sqlstring.escape", RB(R_SQLI)}, {"pymysql.converters.escape_string", RB(R_SQLI)},
    {NULL, 0}};

static bool newline_replace(struct ctx *c, TSNode call)
{
    /* x.replace('\n', '') / x.replace(/[\r\n]/g, '') / x.replaceAll("[\r\n]", "") */
    TSNode a0 = arg_pos(c, call, 0);
    const char *t;

    if (ts_node_is_null(a0))
        return false;
    t = text(c, a0);
    return strstr(t, "\\n") || strstr(t, "\\r");
}

static const struct taint *eval_call(struct ctx *c, TSNode n, int depth)
{
    const char *q = qname(c, n);
    const char *lp = last_part(q);
    const struct taint *t = NULL;
    TSNode fn = c->lang == KS_LANG_JAVA ? field(c, n, F_OBJECT) : field(c, n, F_FUNCTION);
    TSNode recv = c->lang == KS_LANG_JAVA ? fn : field(c, fn, F_OBJECT);
    uint32_t na = arg_count(c, n);

    /* sources */
    if (c->lang == KS_LANG_PYTHON && (!strcmp(q, "input") || !strcmp(q, "raw_input")))
        return source(c, n, T_USER | T_CLI, "source: input()");
    if (!strcmp(q, "os.getenv") || !strcmp(q, "os.environ.get") || !strcmp(q, "System.getenv")) {
        TSNode a0 = arg_pos(c, n, 0);
        size_t l;
        const char *v = is_str_lit(c, a0) ? str_value(c, a0, &l) : NULL;
        if (v && sensitive_name(ks_arena_strndup(c->a, v, l)))
            return source(c, n, T_SECRET, ks_arena_printf(c->a, "secret: %s", snippet(c, n)));
        return NULL;
    }
    if (c->lang == KS_LANG_JAVA &&
        (ks_ends_with(q, ".getParameter") || ks_ends_with(q, ".getHeader") ||
         ks_ends_with(q, ".getQueryString") || ks_ends_with(q, ".getBody") ||
         ks_ends_with(q, ".getPathParameters") || ks_ends_with(q, ".getQueryStringParameters")) &&
        !ts_node_is_null(recv)) {
        const struct taint *r = eval(c, recv, depth + 1);
        if (r)
            return step(c, r, n, snippet(c, n));
    }
    /* sanitisers */
    for (const struct sanitiser *s = sanitisers; s->pat; s++)
        if (qmatch(q, s->pat) || (s->pat[0] != '.' && !strcmp(lp, s->pat) && strchr(s->pat, '.') == NULL && !strcmp(q, s->pat))) {
            TSNode a0 = arg_pos(c, n, 0);
            const struct taint *a = eval(c, a0, depth + 1);
            return s->rules ? sanitise(c, a, s->rules, n) : NULL;
        }
    if ((!strcmp(lp, "replace") || !strcmp(lp, "replaceAll")) && newline_replace(c, n)) {
        const struct taint *r = eval(c, recv, depth + 1);
        return sanitise(c, r, RB(R_LOGINJ), n);
    }
    if (qmatch_any(q, clean_calls))
        return NULL;
    /* yaml.safe_load etc. produce data */
    /* local helpers */
    if (!strchr(q, '.') || ks_starts_with(q, "self.") || ks_starts_with(q, "this.")) {
        for (size_t i = 0; i < c->funcs.len; i++) {
            struct func *f = &c->funcs.items[i];
            if (!f->name || strcmp(f->name, lp))
                continue;
            f = func_summary(c, f);
            if (!f)
                break;
            const struct taint *r = f->ret ? step(c, f->ret, n, ks_arena_printf(c->a, "returned by %s()", lp)) : NULL;
            for (uint32_t p = 0; p < 32 && p < na; p++)
                if (f->ret_params & (1u << p)) {
                    const struct taint *a = eval(c, arg_pos(c, n, p), depth + 1);
                    if (a) {
                        a = step(c, a, n, ks_arena_printf(c->a, "through %s()", lp));
                        if (f->ret_san && a)
                            a = sanitise(c, a, f->ret_san, n);
                        r = merge(r, a);
                    }
                }
            /* sinks inside the helper reached from its parameters */
            for (size_t s = 0; s < f->sinks.len; s++) {
                struct sink_sum *ss = &f->sinks.items[s];
                const struct taint *a = eval(c, arg_pos(c, n, (uint32_t)ss->param), depth + 1);
                if (!a || (a->sanitized & RB(ss->rule)))
                    continue;
                a = step(c, a, n, ks_arena_printf(c->a, "passed to %s()", lp));
                /* splice the helper's steps after the call */
                const struct taint *hs[16];
                size_t nh = 0;
                for (const struct taint *h = ss->chain; h && h->prev && nh < 16; h = h->prev)
                    hs[nh++] = h;
                while (nh-- > 0)
                    a = step(c, a, ss->sink, hs[nh]->what);
                report(c, ss->rule, ss->sink, a, NULL);
            }
            return r;
        }
    }
    /* propagation: receiver and arguments */
    if (!ts_node_is_null(recv))
        t = eval(c, recv, depth + 1);
    TSNode args = call_args(c, n);
    for (uint32_t k = 0; !ts_node_is_null(args) && k < nchild(args); k++) {
        TSNode a = nth(args, k);
        if (kind_of(c, a) == K_FUNC)
            continue;
        t = merge(t, eval(c, a, depth + 1));
    }
    if (t)
        t = step(c, t, n, !strcmp(lp, "format") ? "format()" : snippet(c, n));
    return t;
}

static const struct taint *eval(struct ctx *c, TSNode n, int depth)
{
    enum kind k;

    if (ts_node_is_null(n) || c->err)
        return NULL;
    if (depth > KS_CODE_MAX_DEPTH) {
        c->depth_cut = true;
        return NULL;
    }
    k = kind_of(c, n);
    switch (k) {
    case K_IDENT: {
        const char *name = text(c, n);
        struct var *v = var_find(c, name);
        if (v)
            return v->t;
        if (c->lang == KS_LANG_PYTHON && (!strcmp(name, "request") || alias_of(c, name)) &&
            0)
            return NULL;
        if (sensitive_name(name) && !isupper((unsigned char)name[0]))
            return source(c, n, T_SECRET, ks_arena_printf(c->a, "sensitive value '%s'", name));
        return NULL;
    }
    case K_MEMBER: {
        TSNode obj = field(c, n, F_OBJECT);
        TSNode prop = field(c, n, c->lang == KS_LANG_PYTHON ? F_ATTRIBUTE
                                  : c->lang == KS_LANG_JAVA ? F_FIELD
                                                            : F_PROPERTY);
        const char *q = qname(c, n);
        const char *p = ts_node_is_null(prop) ? "" : text(c, prop);
        if (c->lang == KS_LANG_PYTHON && kind_of(c, obj) == K_IDENT &&
            text_eq(c, obj, "request") && in_list(p, py_request_attrs)) {
            const char *full = alias_of(c, "request");
            struct var *v = var_find(c, "request");
            if ((full && strstr(full, "request")) || v)
                return source(c, n, T_USER, ks_arena_printf(c->a, "source: %s", q));
        }
        if (!strcmp(q, "sys.argv") || !strcmp(q, "process.argv"))
            return source(c, n, T_USER | T_CLI, ks_arena_printf(c->a, "source: %s", q));
        if (ks_starts_with(q, "process.env.")) {
            if (sensitive_name(p))
                return source(c, n, T_SECRET, ks_arena_printf(c->a, "secret: %s", q));
            return NULL;
        }
        if (sensitive_name(p) && !isupper((unsigned char)p[0]) && c->lang != KS_LANG_JAVA) {
            const struct taint *b = eval(c, obj, depth + 1);
            if (b && (b->kinds & T_USER))
                return step(c, b, n, snippet(c, n));
            return source(c, n, T_SECRET, ks_arena_printf(c->a, "sensitive value '%s'", p));
        }
        const struct taint *b = eval(c, obj, depth + 1);
        return b ? step(c, b, n, snippet(c, n)) : NULL;
    }
    case K_SUBSCRIPT: {
        TSNode obj = field(c, n, c->lang == KS_LANG_PYTHON ? F_VALUE
                                 : c->lang == KS_LANG_JAVA ? F_ARRAY
                                                           : F_OBJECT);
        const char *q = qname(c, obj);
        if (!strcmp(q, "os.environ")) {
            TSNode key = field(c, n, c->lang == KS_LANG_PYTHON ? F_SUBSCRIPT : F_INDEX);
            size_t l;
            const char *v = is_str_lit(c, key) ? str_value(c, key, &l) : NULL;
            if (v && sensitive_name(ks_arena_strndup(c->a, v, l)))
                return source(c, n, T_SECRET, ks_arena_printf(c->a, "secret: %s", snippet(c, n)));
            return NULL;
        }
        const struct taint *b = eval(c, obj, depth + 1);
        return b ? step(c, b, n, snippet(c, n)) : NULL;
    }
    case K_CALL:
        return eval_call(c, n, depth);
    case K_NEW: {
        const struct taint *t = NULL;
        TSNode args = call_args(c, n);
        for (uint32_t i = 0; !ts_node_is_null(args) && i < nchild(args); i++)
            t = merge(t, eval(c, nth(args, i), depth + 1));
        return t ? step(c, t, n, snippet(c, n)) : NULL;
    }
    case K_STRING:
    case K_CONCAT_STR: {
        const struct taint *t = NULL;
        for (uint32_t i = 0; i < nchild(n); i++) {
            TSNode ch = nth(n, i);
            enum kind ck = kind_of(c, ch);
            if (ck == K_INTERP || ck == K_STRING)
                t = merge(t, eval(c, ck == K_INTERP ? nth(ch, 0) : ch, depth + 1));
        }
        if (t && k == K_STRING)
            t = step(c, t, n, c->lang == KS_LANG_PYTHON ? "f-string" : "template literal");
        return t;
    }
    case K_INTERP:
        return eval(c, nth(n, 0), depth + 1);
    case K_BINOP: {
        TSNode op = field(c, n, F_OPERATOR);
        const char *ot = ts_node_is_null(op) ? "" : ts_node_type(op);
        if (!strcmp(ot, "+") || !strcmp(ot, "%")) {
            const struct taint *t = merge(eval(c, field(c, n, F_LEFT), depth + 1),
                                          eval(c, field(c, n, F_RIGHT), depth + 1));
            return t ? step(c, t, n, !strcmp(ot, "%") ? "% formatting" : "concatenation") : NULL;
        }
        if (!strcmp(ot, "||") || !strcmp(ot, "??"))
            return merge(eval(c, field(c, n, F_LEFT), depth + 1),
                         eval(c, field(c, n, F_RIGHT), depth + 1));
        return NULL;
    }
    case K_PASS:
        if (type_is(n, "cast_expression"))
            return eval(c, field(c, n, F_VALUE), depth + 1);
        return eval(c, nth(n, 0), depth + 1);
    case K_UNION: {
        const struct taint *t = NULL;
        uint32_t cnt = nchild(n);
        for (uint32_t i = 0; i < cnt && i < 64; i++)
            t = merge(t, eval(c, nth(n, i), depth + 1));
        return t;
    }
    case K_OBJECT: {
        const struct taint *t = NULL;
        uint32_t cnt = nchild(n);
        for (uint32_t i = 0; i < cnt && i < 64; i++) {
            TSNode p = nth(n, i);
            t = merge(t, eval(c, kind_of(c, p) == K_PAIR ? field(c, p, F_VALUE) : p, depth + 1));
        }
        return t;
    }
    case K_ASSIGN:
        return eval(c, field(c, n, F_RIGHT), depth + 1);
    default:
        return NULL;
    }
}

/* ---- reporting ---------------------------------------------------------- */

static void report_at(struct ctx *c, int rule, TSNode at, const struct taint *t, const char *msg)
{
    const struct ks_code_detector *det = ks_code_detector_for(rule, c->lang);
    struct ks_code_finding f = {0};
    TSPoint s = start_pt(at), e = end_pt(at);
    struct ks_arena *ra = &c->res->arena;

    if (!det)
        return;
    for (size_t i = 0; i < c->res->findings.len; i++) {
        struct ks_code_finding *o = &c->res->findings.items[i];
        if (o->det == det && o->start_line == s.row + 1 && o->start_col == s.column + 1 &&
            o->file == c->file)
            return;
    }
    f.det = det;
    f.file = c->file;
    f.start_line = s.row + 1;
    f.start_col = s.column + 1;
    f.end_line = e.row + 1;
    f.end_col = e.column + 1;
    f.message = ks_arena_strdup(ra, msg ? msg : det->description);
    if (t) {
        size_t n = 1;
        for (const struct taint *p = t; p; p = p->prev)
            n++;
        struct ks_code_step *path = ks_arena_calloc(ra, n, sizeof(*path));
        if (!path)
            {
            c->err = KS_ENOMEM;
            return;
        }
        size_t i = n - 1;
        path[i].line = s.row + 1;
        path[i].col = s.column + 1;
        path[i].what = ks_arena_printf(ra, "sink: %s", snippet(c, at));
        for (const struct taint *p = t; p; p = p->prev) {
            i--;
            path[i].line = p->line;
            path[i].col = p->col;
            path[i].what = ks_arena_strdup(ra, p->what);
        }
        f.path = path;
        f.path_len = n;
    }
    if (!f.message || KS_VEC_PUSH(&c->res->findings, f))
        c->err = KS_ENOMEM;
}

/* A sink reached by `t`: reported for a real source, recorded in the
 * function summary for a parameter marker. */
static void report(struct ctx *c, int rule, TSNode at, const struct taint *t, const char *msg)
{
    if (rule <= R_TAINT_LAST) {
        uint8_t need = rule == R_LOGSECRET ? T_SECRET : T_USER;
        if (!t || (t->sanitized & RB(rule)))
            return;
        /* a command-line tool opening the files it is given is its job */
        if ((rule == R_PATH || rule == R_LOGINJ) && (t->kinds & T_CLI))
            return;
        if (!(t->kinds & need)) {
            if ((t->kinds & T_PARAM) && c->cur && t->param >= 0) {
                struct sink_sum ss = {rule, t->param, t, at};
                for (size_t i = 0; i < c->cur->sinks.len; i++)
                    if (c->cur->sinks.items[i].rule == rule &&
                        c->cur->sinks.items[i].param == t->param)
                        return;
                if (KS_VEC_PUSH(&c->cur->sinks, ss))
                    c->err = KS_ENOMEM;
            }
            return;
        }
    }
    report_at(c, rule, at, t, msg);
}

/* ---- sinks -------------------------------------------------------------- */

struct sink {
    unsigned langs; /* 1 << lang; JS covers TS */
    int rule;
    const char *pat;
    int arg; /* positional index, -1: any argument */
    const char *kw; /* Python keyword alternative */
};

#define LPY (1u << KS_LANG_PYTHON)
#define LJS ((1u << KS_LANG_JAVASCRIPT) | (1u << KS_LANG_TYPESCRIPT))
#define LJV (1u << KS_LANG_JAVA)

static const struct sink sinks[] = {
    /* command execution */
    {LPY, R_CMDI, "os.system", 0, "command"}, {LPY, R_CMDI, "os.popen", 0, "cmd"},
    {LPY, R_CMDI, "subprocess.getoutput", 0, "cmd"},
    {LPY, R_CMDI, "subprocess.getstatusoutput", 0, "cmd"},
    {LPY, R_CMDI, "commands.getoutput", 0, NULL}, {LPY, R_CMDI, "os.execl", -1, NULL},
    {LPY, R_CMDI, "os.spawnl", -1, NULL},
    {LJS, R_CMDI, "child_process.exec", 0, NULL}, {LJS, R_CMDI, "child_process.execSync", 0, NULL},
    {LJS, R_CMDI, "Runtime.getRuntime().exec", 0, NULL},
    {LJV, R_CMDI, "Runtime.getRuntime().exec", 0, NULL}, {LJV, R_CMDI, ".exec", 0, NULL},
    /* SQL */
    {LPY, R_SQLI, ".execute", 0, "sql"}, {LPY, R_SQLI, ".executemany", 0, NULL},
    {LPY, R_SQLI, ".executescript", 0, NULL}, {LPY, R_SQLI, ".raw", 0, NULL},
    {LPY, R_SQLI, "sqlalchemy.text", 0, NULL}, {LPY, R_SQLI, ".read_sql", 0, NULL},
    {LJS, R_SQLI, ".query", 0, NULL}, {LJS, R_SQLI, ".execute", 0, NULL},
    {LJS, R_SQLI, ".raw", 0, NULL}, {LJS, R_SQLI, ".all", 0, NULL}, {LJS, R_SQLI, ".run", 0, NULL},
    {LJV, R_SQLI, ".executeQuery", 0, NULL}, {LJV, R_SQLI, ".executeUpdate", 0, NULL},
    {LJV, R_SQLI, ".execute", 0, NULL}, {LJV, R_SQLI, ".prepareStatement", 0, NULL},
    {LJV, R_SQLI, ".addBatch", 0, NULL}, {LJV, R_SQLI, ".queryForList", 0, NULL},
    {LJV, R_SQLI, ".createQuery", 0, NULL}, {LJV, R_SQLI, ".createNativeQuery", 0, NULL},
    /* code */
    {LPY, R_CODEI, "eval", 0, NULL}, {LPY, R_CODEI, "exec", 0, NULL},
    {LPY, R_CODEI, "compile", 0, NULL}, {LPY, R_CODEI, "flask.render_template_string", 0, NULL},
    {LJS, R_CODEI, "eval", 0, NULL}, {LJS, R_CODEI, "new Function", -1, NULL},
    {LJS, R_CODEI, "Function", -1, NULL}, {LJS, R_CODEI, "setTimeout", 0, NULL},
    {LJS, R_CODEI, "setInterval", 0, NULL}, {LJS, R_CODEI, "vm.runInNewContext", 0, NULL},
    {LJS, R_CODEI, "vm.runInThisContext", 0, NULL}, {LJS, R_CODEI, "vm.runInContext", 0, NULL},
    {LJV, R_CODEI, "ScriptEngine.eval", 0, NULL}, {LJV, R_CODEI, ".eval", 0, NULL},
    /* files */
    {LPY, R_PATH, "open", 0, "file"}, {LPY, R_PATH, "io.open", 0, "file"},
    {LPY, R_PATH, "os.remove", 0, NULL}, {LPY, R_PATH, "os.unlink", 0, NULL},
    {LPY, R_PATH, "os.rmdir", 0, NULL}, {LPY, R_PATH, "shutil.rmtree", 0, NULL},
    {LPY, R_PATH, "shutil.copy", -1, NULL}, {LPY, R_PATH, "shutil.move", -1, NULL},
    {LPY, R_PATH, "flask.send_file", 0, NULL}, {LPY, R_PATH, "os.listdir", 0, NULL},
    {LPY, R_PATH, "pathlib.Path", 0, NULL}, {LPY, R_PATH, "Path", 0, NULL},
    {LJS, R_PATH, "fs.readFile", 0, NULL}, {LJS, R_PATH, "fs.readFileSync", 0, NULL},
    {LJS, R_PATH, "fs.writeFile", 0, NULL}, {LJS, R_PATH, "fs.writeFileSync", 0, NULL},
    {LJS, R_PATH, "fs.createReadStream", 0, NULL}, {LJS, R_PATH, "fs.createWriteStream", 0, NULL},
    {LJS, R_PATH, "fs.unlink", 0, NULL}, {LJS, R_PATH, "fs.unlinkSync", 0, NULL},
    {LJS, R_PATH, "fs.promises.readFile", 0, NULL}, {LJS, R_PATH, "fs/promises.readFile", 0, NULL},
    {LJS, R_PATH, ".sendFile", 0, NULL},
    {LJV, R_PATH, "new File", 0, NULL}, {LJV, R_PATH, "new FileInputStream", 0, NULL},
    {LJV, R_PATH, "new FileOutputStream", 0, NULL}, {LJV, R_PATH, "new FileReader", 0, NULL},
    {LJV, R_PATH, "Paths.get", -1, NULL}, {LJV, R_PATH, "Path.of", -1, NULL},
    /* outbound URLs */
    {LPY, R_SSRF, "requests.get", 0, "url"}, {LPY, R_SSRF, "requests.post", 0, "url"},
    {LPY, R_SSRF, "requests.put", 0, "url"}, {LPY, R_SSRF, "requests.delete", 0, "url"},
    {LPY, R_SSRF, "requests.head", 0, "url"}, {LPY, R_SSRF, "requests.request", 1, "url"},
    {LPY, R_SSRF, "urllib.request.urlopen", 0, "url"}, {LPY, R_SSRF, "urlopen", 0, "url"},
    {LPY, R_SSRF, "httpx.get", 0, "url"}, {LPY, R_SSRF, "httpx.post", 0, "url"},
    {LPY, R_SSRF, "urllib.request.Request", 0, "url"},
    {LJS, R_SSRF, "fetch", 0, NULL}, {LJS, R_SSRF, "axios.get", 0, NULL},
    {LJS, R_SSRF, "axios.post", 0, NULL}, {LJS, R_SSRF, "axios", 0, NULL},
    {LJS, R_SSRF, "http.get", 0, NULL}, {LJS, R_SSRF, "https.get", 0, NULL},
    {LJS, R_SSRF, "http.request", 0, NULL}, {LJS, R_SSRF, "https.request", 0, NULL},
    {LJS, R_SSRF, "got", 0, NULL}, {LJS, R_SSRF, "node-fetch", 0, NULL},
    {LJV, R_SSRF, "new URL", 0, NULL}, {LJV, R_SSRF, "URI.create", 0, NULL},
    {LJV, R_SSRF, ".getForObject", 0, NULL}, {LJV, R_SSRF, ".getForEntity", 0, NULL},
    /* HTML responses */
    {LPY, R_XSS, "flask.make_response", 0, NULL}, {LPY, R_XSS, "make_response", 0, NULL},
    {LPY, R_XSS, "django.http.HttpResponse", 0, NULL}, {LPY, R_XSS, "HttpResponse", 0, NULL},
    {LPY, R_XSS, "markupsafe.Markup", 0, NULL}, {LPY, R_XSS, "flask.Markup", 0, NULL},
    {LJS, R_XSS, "res.send", 0, NULL}, {LJS, R_XSS, "res.write", 0, NULL},
    {LJS, R_XSS, "response.send", 0, NULL}, {LJS, R_XSS, "document.write", 0, NULL},
    {LJS, R_XSS, "res.end", 0, NULL},
    {LJV, R_XSS, ".getWriter().print", 0, NULL}, {LJV, R_XSS, ".getWriter().println", 0, NULL},
    {LJV, R_XSS, ".getWriter().write", 0, NULL}, {LJV, R_XSS, "PrintWriter.print", 0, NULL},
    {LJV, R_XSS, "PrintWriter.println", 0, NULL}, {LJV, R_XSS, "PrintWriter.write", 0, NULL},
    /* deserialisation */
    {LPY, R_DESER, "pickle.loads", 0, NULL}, {LPY, R_DESER, "pickle.load", 0, NULL},
    {LPY, R_DESER, "cPickle.loads", 0, NULL}, {LPY, R_DESER, "dill.loads", 0, NULL},
    {LPY, R_DESER, "cloudpickle.loads", 0, NULL}, {LPY, R_DESER, "marshal.loads", 0, NULL},
    {LPY, R_DESER, "jsonpickle.decode", 0, NULL}, {LPY, R_DESER, "shelve.open", 0, NULL},
    {LPY, R_DESER, "yaml.load", 0, "stream"}, {LPY, R_DESER, "yaml.unsafe_load", 0, NULL},
    {LPY, R_DESER, "yaml.load_all", 0, NULL},
    {LJS, R_DESER, "node-serialize.unserialize", 0, NULL}, {LJS, R_DESER, "serialize.unserialize", 0, NULL},
    {LJS, R_DESER, "js-yaml.load", 0, NULL},
    {LJV, R_DESER, "new ObjectInputStream", 0, NULL}, {LJV, R_DESER, "new XMLDecoder", 0, NULL},
    {LJV, R_DESER, "XStream.fromXML", 0, NULL}, {LJV, R_DESER, ".fromXML", 0, NULL},
    /* XML */
    {LPY, R_XXE, "lxml.etree.fromstring", 0, NULL}, {LPY, R_XXE, "lxml.etree.parse", 0, NULL},
    {LPY, R_XXE, "lxml.etree.XML", 0, NULL}, {LPY, R_XXE, "xml.dom.minidom.parseString", 0, NULL},
    {LPY, R_XXE, "xml.sax.parseString", 0, NULL}, {LPY, R_XXE, "xml.dom.pulldom.parseString", 0, NULL},
    {LJS, R_XXE, "libxmljs.parseXml", 0, NULL}, {LJS, R_XXE, "libxmljs.parseXmlString", 0, NULL},
    {LJS, R_XXE, "libxmljs2.parseXml", 0, NULL},
    {LJV, R_XXE, "DocumentBuilder.parse", 0, NULL}, {LJV, R_XXE, "SAXParser.parse", 0, NULL},
    {LJV, R_XXE, "XMLReader.parse", 0, NULL},
    /* LDAP */
    {LPY, R_LDAP, ".search_s", 2, "filterstr"}, {LPY, R_LDAP, ".search_st", 2, "filterstr"},
    {LPY, R_LDAP, ".search_ext_s", 2, "filterstr"}, {LPY, R_LDAP, ".search", 1, "search_filter"},
    {LJS, R_LDAP, ".search", 1, NULL},
    {LJV, R_LDAP, "DirContext.search", 1, NULL}, {LJV, R_LDAP, "InitialDirContext.search", 1, NULL},
    {LJV, R_LDAP, "LdapContext.search", 1, NULL}, {LJV, R_LDAP, "ctx.search", 1, NULL},
    /* XPath */
    {LPY, R_XPATH, ".xpath", 0, NULL}, {LPY, R_XPATH, "lxml.etree.XPath", 0, NULL},
    {LPY, R_XPATH, ".findall", 0, NULL}, {LPY, R_XPATH, ".find", 0, NULL},
    {LJS, R_XPATH, "xpath.select", 0, NULL}, {LJS, R_XPATH, ".evaluate", 0, NULL},
    {LJS, R_XPATH, "xpath.evaluate", 0, NULL},
    {LJV, R_XPATH, "XPath.evaluate", 0, NULL}, {LJV, R_XPATH, "XPath.compile", 0, NULL},
    {LJV, R_XPATH, "xpath.evaluate", 0, NULL}, {LJV, R_XPATH, "xpath.compile", 0, NULL},
    /* redirects */
    {LPY, R_REDIRECT, "flask.redirect", 0, "location"}, {LPY, R_REDIRECT, "redirect", 0, NULL},
    {LPY, R_REDIRECT, "django.shortcuts.redirect", 0, NULL},
    {LPY, R_REDIRECT, "HttpResponseRedirect", 0, NULL},
    {LJS, R_REDIRECT, "res.redirect", -1, NULL}, {LJS, R_REDIRECT, "response.redirect", -1, NULL},
    {LJV, R_REDIRECT, ".sendRedirect", 0, NULL}, {LJV, R_REDIRECT, "HttpServletResponse.sendRedirect", 0, NULL},
    {0, 0, NULL, 0, NULL}};

static const char *const log_calls_py[] = {
    "logging.info", "logging.debug", "logging.warning", "logging.error", "logging.critical",
    "logging.exception", "logging.warn", "logger.info", "logger.debug", "logger.warning",
    "logger.error", "logger.critical", "logger.exception", "log.info", "log.debug",
    "log.warning", "log.error", "LOGGER.info", "LOG.info", "print", NULL};
static const char *const log_calls_js[] = {
    "console.log", "console.info", "console.warn", "console.error", "console.debug",
    "logger.info", "logger.warn", "logger.error", "logger.debug", "log.info", "log.warn",
    "log.error", NULL};
static const char *const log_calls_java[] = {
    ".info", ".warn", ".warning", ".error", ".debug", ".fine", ".severe", ".trace",
    "System.out.println", "System.err.println", NULL};

static bool py_kw_true(struct ctx *c, TSNode call, const char *kw)
{
    TSNode v = arg_kw(c, call, kw);
    return kind_of(c, v) == K_TRUE;
}

static bool is_log_call(struct ctx *c, const char *q)
{
    const char *const *l = c->lang == KS_LANG_PYTHON ? log_calls_py
                           : c->lang == KS_LANG_JAVA ? log_calls_java
                                                     : log_calls_js;
    if (c->lang == KS_LANG_PYTHON && !strcmp(q, "print"))
        return false;
    if (c->lang == KS_LANG_JAVA && (ks_ends_with(q, ".info") || ks_ends_with(q, ".warn") ||
                                     ks_ends_with(q, ".error") || ks_ends_with(q, ".debug") ||
                                     ks_ends_with(q, ".warning") || ks_ends_with(q, ".severe")))
        return ci_contains(q, "log");
    return qmatch_any(q, l);
}

static void check_sink_arg(struct ctx *c, int rule, TSNode call, TSNode arg)
{
    const struct taint *t;

    if (ts_node_is_null(arg))
        return;
    t = eval(c, arg, 1);
    if (t)
        report(c, rule, call, t, NULL);
}

static void check_sinks(struct ctx *c, TSNode call, const char *q)
{
    unsigned lb = 1u << c->lang;

    for (const struct sink *s = sinks; s->pat; s++) {
        if (!(s->langs & lb) || !qmatch(q, s->pat))
            continue;
        /* conditions that make a call safe */
        if (s->rule == R_DESER && !strcmp(s->pat, "yaml.load")) {
            TSNode ld = arg_kw(c, call, "Loader");
            if (ts_node_is_null(ld))
                ld = arg_pos(c, call, 1);
            if (!ts_node_is_null(ld) && strstr(text(c, ld), "Safe"))
                continue;
        }
        if (s->rule == R_XXE && c->lang != KS_LANG_PYTHON && c->lang != KS_LANG_JAVA) {
            TSNode opts = arg_pos(c, call, 1);
            TSNode ne = obj_prop(c, opts, "noent");
            if (kind_of(c, ne) != K_TRUE)
                continue;
        }
        if (s->rule == R_XXE && c->lang == KS_LANG_PYTHON && strstr(q, "lxml")) {
            TSNode p = arg_kw(c, call, "parser");
            if (ts_node_is_null(p))
                p = arg_pos(c, call, 1);
            if (!ts_node_is_null(p) && !strstr(text(c, p), "resolve_entities=True"))
                continue;
        }
        if (s->rule == R_PATH && !strcmp(s->pat, ".sendFile") &&
            !ts_node_is_null(obj_prop(c, arg_pos(c, call, 1), "root")))
            continue;
        if (s->rule == R_XPATH && (ks_ends_with(q, ".find") || ks_ends_with(q, ".findall")) &&
            c->lang == KS_LANG_PYTHON && !strstr(q, "tree") && !strstr(q, "root") &&
            !strstr(q, "doc"))
            continue;
        if (s->rule == R_SQLI && c->lang != KS_LANG_PYTHON && c->lang != KS_LANG_JAVA &&
            (!strcmp(s->pat, ".all") || !strcmp(s->pat, ".run")) && !strstr(q, "db"))
            continue;
        if (s->arg < 0) {
            TSNode args = call_args(c, call);
            for (uint32_t i = 0; !ts_node_is_null(args) && i < nchild(args); i++)
                check_sink_arg(c, s->rule, call, nth(args, i));
        } else {
            TSNode a = arg_pos(c, call, (uint32_t)s->arg);
            if (ts_node_is_null(a) && s->kw)
                a = arg_kw(c, call, s->kw);
            check_sink_arg(c, s->rule, call, a);
        }
        return;
    }
    /* subprocess with shell=True */
    if (c->lang == KS_LANG_PYTHON && ks_starts_with(q, "subprocess.") &&
        py_kw_true(c, call, "shell")) {
        TSNode a = arg_pos(c, call, 0);
        if (ts_node_is_null(a))
            a = arg_kw(c, call, "args");
        check_sink_arg(c, R_CMDI, call, a);
    }
    if (c->lang != KS_LANG_PYTHON && c->lang != KS_LANG_JAVA &&
        (!strcmp(q, "child_process.spawn") || !strcmp(q, "child_process.spawnSync") ||
         !strcmp(q, "child_process.execFile"))) {
        TSNode opts = arg_pos(c, call, 2);
        if (kind_of(c, obj_prop(c, opts, "shell")) == K_TRUE) {
            check_sink_arg(c, R_CMDI, call, arg_pos(c, call, 0));
            check_sink_arg(c, R_CMDI, call, arg_pos(c, call, 1));
        }
    }
    if (c->lang == KS_LANG_JAVA && !strcmp(q, "new ProcessBuilder"))
        for (uint32_t i = 0; i < arg_count(c, call); i++)
            check_sink_arg(c, R_CMDI, call, arg_pos(c, call, i));
    if (is_log_call(c, q)) {
        TSNode args = call_args(c, call);
        for (uint32_t i = 0; !ts_node_is_null(args) && i < nchild(args); i++) {
            TSNode a = nth(args, i);
            const struct taint *t = eval(c, a, 1);
            if (t && (t->kinds & T_SECRET))
                report(c, R_LOGSECRET, call, t, NULL);
            else if (t)
                report(c, R_LOGINJ, call, t, NULL);
        }
    }
}

/* ---- pattern rules -------------------------------------------------------- */

static bool lit_ci_in(struct ctx *c, TSNode n, const char *const *words, bool prefix)
{
    size_t l;
    const char *v;
    char buf[64];

    if (!is_str_lit(c, n))
        return false;
    v = str_value(c, n, &l);
    if (l >= sizeof(buf))
        return false;
    for (size_t i = 0; i < l; i++)
        buf[i] = (char)tolower((unsigned char)v[i]);
    buf[l] = 0;
    for (; *words; words++)
        if (prefix ? ks_starts_with(buf, *words) : !strcmp(buf, *words))
            return true;
    return false;
}

static long num_value(struct ctx *c, TSNode n)
{
    const char *t;

    if (kind_of(c, n) != K_NUMBER)
        return -1;
    t = text(c, n);
    if (t[0] == '0' && (t[1] == 'o' || t[1] == 'O'))
        return strtol(t + 2, NULL, 8);
    return strtol(t, NULL, 0);
}

static bool plain_http_url(struct ctx *c, TSNode n)
{
    size_t l;
    const char *v;

    if (!is_str_lit(c, n))
        return false;
    v = str_value(c, n, &l);
    if (l < 8 || (strncmp(v, "http://", 7) && strncmp(v, "ftp://", 6)))
        return false;
    const char *h = v + (v[0] == 'h' ? 7 : 6);
    static const char *const local[] = {"localhost", "127.", "0.0.0.0", "[::1]", "169.254.169.254",
                                        "example.", "schemas.", "www.w3.org", "169.254."};
    for (size_t i = 0; i < KS_ARRAY_LEN(local); i++)
        if (!strncmp(h, local[i], strlen(local[i])))
            return false;
    return true;
}

static const char *assigned_name(struct ctx *c, TSNode call)
{
    /* the variable (or key) a call's value is assigned to, if any */
    TSNode p = parent_of(call);
    for (int i = 0; i < 8 && !ts_node_is_null(p); i++, p = parent_of(p)) {
        enum kind k = kind_of(c, p);
        if (k == K_ASSIGN)
            return text(c, field(c, p, F_LEFT));
        if (k == K_DECL)
            return text(c, field(c, p, F_NAME));
        if (k == K_PAIR)
            return text(c, field(c, p, F_KEY));
        if (k == K_RETURN || k == K_FUNC)
            break;
    }
    return NULL;
}

static void check_patterns(struct ctx *c, TSNode call, const char *q)
{
    enum ks_code_lang l = c->lang;
    bool py = l == KS_LANG_PYTHON, jv = l == KS_LANG_JAVA, js = !py && !jv;
    TSNode a0 = arg_pos(c, call, 0), a1 = arg_pos(c, call, 1);
    static const char *const weak_hash[] = {"md5", "sha1", "sha-1", "md4", "md2", NULL};
    static const char *const weak_cipher_js[] = {"des", "rc4", "bf", "blowfish", "rc2", "cast", NULL};
    static const char *const weak_cipher_java[] = {"des", "desede", "rc4", "arcfour", "blowfish", "rc2", NULL};

    /* weak hashes */
    if (py && (!strcmp(q, "hashlib.md5") || !strcmp(q, "hashlib.sha1") ||
               !strcmp(q, "Crypto.Hash.MD5.new") || !strcmp(q, "Crypto.Hash.SHA1.new") ||
               !strcmp(q, "cryptography.hazmat.primitives.hashes.MD5") ||
               !strcmp(q, "cryptography.hazmat.primitives.hashes.SHA1") ||
               !strcmp(q, "hashes.MD5") || !strcmp(q, "hashes.SHA1"))) {
        TSNode u = arg_kw(c, call, "usedforsecurity");
        if (kind_of(c, u) != K_FALSE)
            report(c, R_WEAKHASH, call, NULL, NULL);
    }
    if (py && !strcmp(q, "hashlib.new") && lit_ci_in(c, a0, weak_hash, false))
        report(c, R_WEAKHASH, call, NULL, NULL);
    if (js && (!strcmp(q, "crypto.createHash") || !strcmp(q, "crypto.createHmac")) &&
        lit_ci_in(c, a0, weak_hash, false) && !strcmp(q, "crypto.createHash"))
        report(c, R_WEAKHASH, call, NULL, NULL);
    if (jv && ks_ends_with(q, "MessageDigest.getInstance") && lit_ci_in(c, a0, weak_hash, false))
        report(c, R_WEAKHASH, call, NULL, NULL);
    if (jv && (!strcmp(q, "DigestUtils.md5Hex") || !strcmp(q, "DigestUtils.sha1Hex") ||
               !strcmp(q, "DigestUtils.md5")))
        report(c, R_WEAKHASH, call, NULL, NULL);

    /* weak ciphers and ECB */
    if (py) {
        static const char *const weak[] = {
            "Crypto.Cipher.DES.new", "Crypto.Cipher.DES3.new", "Crypto.Cipher.ARC4.new",
            "Crypto.Cipher.Blowfish.new", "Crypto.Cipher.ARC2.new", "Cryptodome.Cipher.DES.new",
            "Cryptodome.Cipher.ARC4.new", "Cryptodome.Cipher.Blowfish.new", "DES.new", "DES3.new",
            "ARC4.new", "Blowfish.new", ".algorithms.TripleDES", ".algorithms.ARC4",
            ".algorithms.Blowfish", "algorithms.TripleDES", "algorithms.ARC4",
            "algorithms.Blowfish", "algorithms.IDEA", NULL};
        if (qmatch_any(q, weak))
            report(c, R_WEAKCIPHER, call, NULL, NULL);
        if ((ks_ends_with(q, "AES.new") || ks_ends_with(q, "Cipher.new")) && strstr(text(c, a1), "MODE_ECB"))
            report(c, R_ECB, call, NULL, NULL);
        if (ks_ends_with(q, "modes.ECB"))
            report(c, R_ECB, call, NULL, NULL);
        if (ks_ends_with(q, "AES.new")) {
            TSNode iv = arg_kw(c, call, "iv");
            if (ts_node_is_null(iv))
                iv = arg_kw(c, call, "nonce");
            if (ts_node_is_null(iv))
                iv = arg_pos(c, call, 2);
            if (is_str_lit(c, iv))
                report(c, R_STATICIV, call, NULL, NULL);
        }
        if ((ks_ends_with(q, "modes.CBC") || ks_ends_with(q, "modes.CFB") ||
             ks_ends_with(q, "modes.OFB") || ks_ends_with(q, "modes.GCM") ||
             ks_ends_with(q, "modes.CTR")) && is_str_lit(c, a0))
            report(c, R_STATICIV, call, NULL, NULL);
    }
    if (js && (!strcmp(q, "crypto.createCipheriv") || !strcmp(q, "crypto.createCipher") ||
               !strcmp(q, "crypto.createDecipheriv"))) {
        if (lit_ci_in(c, a0, weak_cipher_js, true))
            report(c, R_WEAKCIPHER, call, NULL, NULL);
        else if (is_str_lit(c, a0)) {
            size_t n;
            const char *v = str_value(c, a0, &n);
            if (n > 4 && !strncasecmp(v + n - 4, "-ecb", 4))
                report(c, R_ECB, call, NULL, NULL);
        }
        TSNode iv = arg_pos(c, call, 2);
        if (is_str_lit(c, iv) || (kind_of(c, iv) == K_CALL && ks_ends_with(qname(c, iv), "Buffer.from") &&
                                  is_str_lit(c, arg_pos(c, iv, 0))) ||
            (kind_of(c, iv) == K_CALL && ks_ends_with(qname(c, iv), "Buffer.alloc")))
            report(c, R_STATICIV, call, NULL, NULL);
    }
    if (jv && ks_ends_with(q, "Cipher.getInstance") && is_str_lit(c, a0)) {
        size_t n;
        const char *v = str_value(c, a0, &n);
        char alg[64];
        size_t k = 0;
        for (; k < n && k < sizeof(alg) - 1 && v[k] != '/'; k++)
            alg[k] = (char)tolower((unsigned char)v[k]);
        alg[k] = 0;
        bool weak = in_list(alg, weak_cipher_java) || ks_starts_with(alg, "des") ||
                    ks_starts_with(alg, "rc4");
        if (weak)
            report(c, R_WEAKCIPHER, call, NULL, NULL);
        else if (!strcmp(alg, "aes") && (k == n || memmem(v, n, "/ECB", 4)))
            report(c, R_ECB, call, NULL, NULL);
    }
    if (jv && !strcmp(q, "new IvParameterSpec")) {
        if (kind_of(c, a0) == K_CALL && ks_ends_with(text(c, a0), ".getBytes()") &&
            is_str_lit(c, field(c, a0, F_OBJECT)))
            report(c, R_STATICIV, call, NULL, NULL);
        else if (type_is(a0, "array_creation_expression") && strstr(text(c, a0), "{"))
            report(c, R_STATICIV, call, NULL, NULL);
        else if (kind_of(c, a0) == K_IDENT) {
            /* byte[] iv = {0, 1, ...} or new byte[16] declared in this function */
            struct var *v = var_find(c, text(c, a0));
            if (v && v->type && !strcmp(v->type, "static-bytes"))
                report(c, R_STATICIV, call, NULL, NULL);
        }
    }

    /* weak RSA keys */
    if (py && (ks_ends_with(q, "rsa.generate_private_key") || !strcmp(q, "generate_private_key"))) {
        TSNode ks = arg_kw(c, call, "key_size");
        if (ts_node_is_null(ks))
            ks = arg_pos(c, call, 1);
        long v = num_value(c, ks);
        if (v > 0 && v < 2048)
            report(c, R_WEAKRSA, call, NULL, NULL);
    }
    if (py && (ks_ends_with(q, "RSA.generate") || !strcmp(q, "rsa.newkeys"))) {
        TSNode ks = ts_node_is_null(a0) ? arg_kw(c, call, "bits") : a0;
        long v = num_value(c, ks);
        if (v > 0 && v < 2048)
            report(c, R_WEAKRSA, call, NULL, NULL);
    }
    if (js && (!strcmp(q, "crypto.generateKeyPairSync") || !strcmp(q, "crypto.generateKeyPair")) &&
        lit_ci_in(c, a0, (const char *const[]){"rsa", NULL}, false)) {
        long v = num_value(c, obj_prop(c, a1, "modulusLength"));
        if (v > 0 && v < 2048)
            report(c, R_WEAKRSA, call, NULL, NULL);
    }
    if (jv && ks_ends_with(q, ".initialize")) {
        long v = num_value(c, a0);
        if (v > 0 && v < 2048 && v >= 256)
            report(c, R_WEAKRSA, call, NULL, NULL);
    }

    /* predictable randomness for secrets */
    {
        bool weak_rand = (py && (!strcmp(q, "random.random") || !strcmp(q, "random.randint") ||
                                 !strcmp(q, "random.choice") || !strcmp(q, "random.choices") ||
                                 !strcmp(q, "random.getrandbits") || !strcmp(q, "random.randrange") ||
                                 !strcmp(q, "random.sample"))) ||
                         (js && !strcmp(q, "Math.random")) ||
                         (jv && (ks_ends_with(q, "Random.nextInt") || ks_ends_with(q, "Random.nextLong") ||
                                 !strcmp(q, "Math.random") || ks_ends_with(q, "Random.nextBytes") ||
                                 ks_ends_with(q, "Random().nextInt") || ks_ends_with(q, "Random().nextLong")));
        if (weak_rand) {
            const char *name = assigned_name(c, call);
            const char *fname = c->cur ? c->cur->name : NULL;
            if (jv && ks_ends_with(q, "nextBytes"))
                name = text(c, a0);
            if (sensitive_name(name) || ci_contains(name ? name : "", "nonce") ||
                ci_contains(name ? name : "", "salt") || ci_contains(name ? name : "", "otp") ||
                ci_contains(fname ? fname : "", "otp"))
                report(c, R_RANDOM, call, NULL, NULL);
        }
    }

    /* TLS verification */
    if (py) {
        static const char *const http[] = {"requests.get", "requests.post", "requests.put",
                                           "requests.delete", "requests.patch", "requests.head",
                                           "requests.request", "requests.Session", ".get",
                                           ".post", ".request", "httpx.get", "httpx.post",
                                           "httpx.Client", "httpx.AsyncClient", NULL};
        TSNode v = arg_kw(c, call, "verify");
        if (kind_of(c, v) == K_FALSE && qmatch_any(q, http))
            report(c, R_TLS, call, NULL, NULL);
        if (!strcmp(q, "ssl._create_unverified_context"))
            report(c, R_TLS, call, NULL, NULL);
        if (ks_ends_with(q, "set_missing_host_key_policy") &&
            (strstr(text(c, a0), "AutoAddPolicy") || strstr(text(c, a0), "WarningPolicy")))
            report(c, R_HOSTKEY, call, NULL, NULL);
        if (!strcmp(q, "tempfile.mktemp"))
            report(c, R_TEMPFILE, call, NULL, NULL);
    }
    if (js) {
        TSNode args = call_args(c, call);
        for (uint32_t i = 0; !ts_node_is_null(args) && i < nchild(args); i++) {
            TSNode ru = obj_prop(c, nth(args, i), "rejectUnauthorized");
            if (kind_of(c, ru) == K_FALSE)
                report(c, R_TLS, ru, NULL, NULL);
        }
    }
    if (jv && ks_ends_with(q, "setHostnameVerifier") &&
        (strstr(text(c, a0), "-> true") || strstr(text(c, a0), "ALLOW_ALL") ||
         strstr(text(c, a0), "NoopHostnameVerifier")))
        report(c, R_TLS, call, NULL, NULL);

    /* plain http endpoints */
    {
        static const char *const py_req[] = {"requests.get", "requests.post", "requests.put",
                                             "requests.delete", "requests.patch", "requests.request",
                                             "urllib.request.urlopen", "urlopen", "httpx.get",
                                             "httpx.post", "urllib.request.Request",
                                             "ftplib.FTP", "telnetlib.Telnet", NULL};
        static const char *const js_req[] = {"fetch", "axios.get", "axios.post", "axios.put",
                                             "axios", "http.get", "http.request", "got",
                                             "node-fetch", NULL};
        TSNode u = py ? (strcmp(q, "requests.request") ? a0 : a1) : a0;
        if ((py && qmatch_any(q, py_req)) || (js && qmatch_any(q, js_req)) ||
            (jv && (!strcmp(q, "new URL") || !strcmp(q, "URI.create") ||
                    !strcmp(q, "new HttpGet") || !strcmp(q, "new HttpPost")))) {
            if (plain_http_url(c, u))
                report(c, R_HTTP, call, NULL, NULL);
            else if (py && (!strcmp(q, "ftplib.FTP") || !strcmp(q, "telnetlib.Telnet")))
                report(c, R_HTTP, call, NULL, NULL);
        }
    }

    /* S3 writes without server-side encryption */
    if (py && ks_ends_with(q, ".put_object") && ts_node_is_null(arg_kw(c, call, "ServerSideEncryption")) &&
        ts_node_is_null(arg_kw(c, call, "SSEKMSKeyId")) && ts_node_is_null(arg_kw(c, call, "SSECustomerKey")) &&
        !ts_node_is_null(arg_kw(c, call, "Bucket")))
        report(c, R_S3ENC, call, NULL, NULL);
    if (py && (ks_ends_with(q, ".upload_file") || ks_ends_with(q, ".upload_fileobj")) &&
        ci_contains(q, "s3")) {
        TSNode ea = arg_kw(c, call, "ExtraArgs");
        if (ts_node_is_null(ea) || !strstr(text(c, ea), "ServerSideEncryption"))
            report(c, R_S3ENC, call, NULL, NULL);
    }
    if (js && (!strcmp(q, "new PutObjectCommand") || ks_ends_with(q, "s3.putObject") ||
               ks_ends_with(q, "S3.putObject") || ks_ends_with(q, "s3.upload")) &&
        kind_of(c, a0) == K_OBJECT && !has_obj_key(c, a0, "ServerSideEncryption") &&
        !has_obj_key(c, a0, "SSEKMSKeyId"))
        report(c, R_S3ENC, call, NULL, NULL);
    if (jv && ks_ends_with(q, ".build") && strstr(text(c, call), "PutObjectRequest.builder()") &&
        !strstr(text(c, call), ".serverSideEncryption(") && !strstr(text(c, call), ".ssekmsKeyId("))
        report(c, R_S3ENC, call, NULL, NULL);
    if (jv && !strcmp(q, "new PutObjectRequest") && !strstr(text(c, call), "SSE"))
        report(c, R_S3ENC, call, NULL, NULL);

    /* binding every interface */
    {
        static const char *const any[] = {"0.0.0.0", "", "::", NULL};
        if (py && ks_ends_with(q, ".bind") && kind_of(c, a0) == K_UNION &&
            lit_ci_in(c, nth(a0, 0), any, false))
            report(c, R_BINDALL, call, NULL, NULL);
        if (py && ks_ends_with(q, ".run") && lit_ci_in(c, arg_kw(c, call, "host"), any, false) &&
            strcmp(text(c, arg_kw(c, call, "host")), "''"))
            report(c, R_BINDALL, call, NULL, NULL);
        if (js && ks_ends_with(q, ".listen") && lit_ci_in(c, a1, (const char *const[]){"0.0.0.0", "::", NULL}, false))
            report(c, R_BINDALL, call, NULL, NULL);
        if (jv && !strcmp(q, "new InetSocketAddress") && lit_ci_in(c, a0, (const char *const[]){"0.0.0.0", NULL}, false))
            report(c, R_BINDALL, call, NULL, NULL);
    }

    /* permissions */
    if (py && (!strcmp(q, "os.chmod") || ks_ends_with(q, ".chmod"))) {
        TSNode m = ks_ends_with(q, "os.chmod") ? a1 : a0;
        long v = num_value(c, m);
        const char *mt = ts_node_is_null(m) ? "" : text(c, m);
        if ((v >= 0 && (v & 002)) || strstr(mt, "S_IWOTH") || strstr(mt, "S_IRWXO"))
            report(c, R_PERMS, call, NULL, NULL);
    }
    if (js && (!strcmp(q, "fs.chmodSync") || !strcmp(q, "fs.chmod") || !strcmp(q, "fs.promises.chmod"))) {
        long v = num_value(c, a1);
        size_t n;
        const char *s = is_str_lit(c, a1) ? str_value(c, a1, &n) : NULL;
        if ((v >= 0 && (v & 002)) || (s && n >= 3 && strchr("2367", s[n - 1])))
            report(c, R_PERMS, call, NULL, NULL);
    }
    if (jv && ks_ends_with(q, "PosixFilePermissions.fromString") && is_str_lit(c, a0)) {
        size_t n;
        const char *s = str_value(c, a0, &n);
        if (n == 9 && s[7] == 'w')
            report(c, R_PERMS, call, NULL, NULL);
    }
    if (jv && (ks_ends_with(q, ".setWritable") || ks_ends_with(q, ".setReadable")) &&
        kind_of(c, a0) == K_TRUE && kind_of(c, a1) == K_FALSE)
        report(c, R_PERMS, call, NULL, NULL);

    /* cookies */
    if (py && ks_ends_with(q, ".set_cookie") &&
        (arg_count(c, call) >= 2 || !ts_node_is_null(arg_kw(c, call, "value")))) {
        TSNode s = arg_kw(c, call, "secure");
        if (kind_of(c, s) != K_TRUE)
            report(c, R_COOKIE, call, NULL, NULL);
    }
    if (js && (ks_ends_with(q, "res.cookie") || ks_ends_with(q, "response.cookie"))) {
        TSNode o = arg_pos(c, call, 2);
        if (kind_of(c, obj_prop(c, o, "secure")) != K_TRUE)
            report(c, R_COOKIE, call, NULL, NULL);
    }
    if (jv && ks_ends_with(q, ".setSecure") && kind_of(c, a0) == K_FALSE)
        report(c, R_COOKIE, call, NULL, NULL);

    /* JWT without verification */
    if (py && (!strcmp(q, "jwt.decode"))) {
        TSNode o = arg_kw(c, call, "options");
        TSNode v = arg_kw(c, call, "verify");
        if (kind_of(c, v) == K_FALSE || (!ts_node_is_null(o) && strstr(text(c, o), "verify_signature") &&
                                          strstr(text(c, o), "False")))
            report(c, R_JWT, call, NULL, NULL);
    }
    if (js && (!strcmp(q, "jsonwebtoken.decode") || !strcmp(q, "jwt.decode")))
        report(c, R_JWT, call, NULL, NULL);
    if (js && (!strcmp(q, "jsonwebtoken.verify") || !strcmp(q, "jwt.verify"))) {
        TSNode o = arg_pos(c, call, 2);
        if (kind_of(c, o) == K_OBJECT && strstr(text(c, o), "'none'"))
            report(c, R_JWT, call, NULL, NULL);
    }
    if (jv && (ks_ends_with(q, ".parseUnsecuredClaims") || ks_ends_with(q, "JWT.decode")))
        report(c, R_JWT, call, NULL, NULL);
}

/* ---- secrets in literals ------------------------------------------------- */

static void check_secret_literal(struct ctx *c, TSNode str, const char *name)
{
    size_t l;
    const char *v;
    const char *kind;
    char red[32], msg[256];

    if (!is_str_lit(c, str))
        return;
    v = str_value(c, str, &l);
    if (l < 8)
        return;
    kind = ks_code_secret_kind(v, l, name);
    if (!kind)
        return;
    ks_code_redact(v, l, red, sizeof(red));
    snprintf(msg, sizeof(msg), "hardcoded %s '%s'%s%s", kind, red, name ? " in " : "",
             name ? name : "");
    report(c, R_SECRET, str, NULL, msg);
}

/* ---- the walk -------------------------------------------------------------- */

static void walk(struct ctx *c, TSNode n, int depth);
static void analyse_function(struct ctx *c, struct func *f, TSNode fn, bool nested);

static void bind(struct ctx *c, TSNode lhs, const struct taint *t, TSNode at, const char *type)
{
    enum kind k = kind_of(c, lhs);

    if (k == K_IDENT) {
        const char *name = text(c, lhs);
        const struct taint *nt = t ? step(c, t, at, snippet(c, at)) : NULL;
        if (nt && sensitive_name(name) && !(nt->kinds & T_SECRET)) {
            struct taint *x = ks_arena_alloc(c->a, sizeof(*x));
            if (x) {
                *x = *nt;
                x->kinds |= T_SECRET;
                nt = x;
            }
        }
        var_set(c, name, nt, type);
        return;
    }
    if (k == K_MEMBER || k == K_SUBSCRIPT) {
        /* obj.attr = tainted taints obj (weak update) */
        TSNode base = lhs;
        for (int i = 0; i < 8 && (kind_of(c, base) == K_MEMBER || kind_of(c, base) == K_SUBSCRIPT); i++)
            base = field(c, base, kind_of(c, base) == K_MEMBER ? F_OBJECT
                                  : c->lang == KS_LANG_PYTHON ? F_VALUE
                                  : c->lang == KS_LANG_JAVA    ? F_ARRAY
                                                              : F_OBJECT);
        if (kind_of(c, base) == K_IDENT && t) {
            const char *name = text(c, base);
            struct var *v = var_find(c, name);
            var_set(c, name, merge(v ? v->t : NULL, step(c, t, at, snippet(c, at))), NULL);
        }
        return;
    }
    /* tuples, lists, object/array patterns: every identifier inside */
    for (uint32_t i = 0; i < nchild(lhs) && i < 64; i++) {
        TSNode ch = nth(lhs, i);
        if (type_is(ch, "pair_pattern"))
            ch = field(c, ch, F_VALUE);
        bind(c, ch, t, at, NULL);
    }
}

/* Records import aliases. */
static void imports(struct ctx *c, TSNode n)
{
    enum kind k = kind_of(c, n);

    if (c->lang == KS_LANG_PYTHON && k == K_IMPORT) {
        for (uint32_t i = 0; i < nchild(n); i++) {
            TSNode ch = nth(n, i);
            if (type_is(ch, "aliased_import"))
                alias_add(c, text(c, field(c, ch, F_ALIAS)), text(c, field(c, ch, F_NAME)));
        }
    } else if (c->lang == KS_LANG_PYTHON && k == K_IMPORT_FROM) {
        TSNode mod = field(c, n, F_MODULE_NAME);
        const char *m = text(c, mod);
        for (uint32_t i = 0; i < nchild(n); i++) {
            TSNode ch = nth(n, i);
            if (ts_node_eq(ch, mod))
                continue;
            if (type_is(ch, "dotted_name"))
                alias_add(c, text(c, ch), ks_arena_printf(c->a, "%s.%s", m, text(c, ch)));
            else if (type_is(ch, "aliased_import"))
                alias_add(c, text(c, field(c, ch, F_ALIAS)),
                          ks_arena_printf(c->a, "%s.%s", m, text(c, field(c, ch, F_NAME))));
        }
    } else if (c->lang != KS_LANG_PYTHON && c->lang != KS_LANG_JAVA && k == K_IMPORT) {
        TSNode srcn = field(c, n, F_SOURCE);
        const char *m;
        if (!is_str_lit(c, srcn))
            return;
        m = lit_dup(c, srcn);
        for (uint32_t i = 0; i < nchild(n); i++) {
            TSNode cl = nth(n, i);
            if (!type_is(cl, "import_clause"))
                continue;
            for (uint32_t j = 0; j < nchild(cl); j++) {
                TSNode ch = nth(cl, j);
                if (type_is(ch, "identifier"))
                    alias_add(c, text(c, ch), m);
                else if (type_is(ch, "namespace_import"))
                    alias_add(c, text(c, nth(ch, 0)), m);
                else if (type_is(ch, "named_imports"))
                    for (uint32_t s = 0; s < nchild(ch); s++) {
                        TSNode sp = nth(ch, s);
                        TSNode nm = field(c, sp, F_NAME), al = field(c, sp, F_ALIAS);
                        if (ts_node_is_null(nm))
                            continue;
                        alias_add(c, text(c, ts_node_is_null(al) ? nm : al),
                                  ks_arena_printf(c->a, "%s.%s", m, text(c, nm)));
                    }
            }
        }
    } else if (c->lang == KS_LANG_JAVA && k == K_IMPORT) {
        const char *t = text(c, n);
        const char *end = strrchr(t, ';');
        const char *dot = strrchr(t, '.');
        if (dot && end && end > dot) {
            const char *simple = ks_arena_strndup(c->a, dot + 1, (size_t)(end - dot - 1));
            alias_add(c, simple, simple);
        }
    }
}

/* JS: const cp = require('x') / const {exec} = require('x') */
static void js_require_alias(struct ctx *c, TSNode decl)
{
    TSNode name = field(c, decl, F_NAME), val = field(c, decl, F_VALUE);

    if (kind_of(c, val) == K_PASS)
        val = nth(val, 0);
    if (kind_of(c, val) != K_CALL || !text_eq(c, field(c, val, F_FUNCTION), "require"))
        return;
    TSNode a0 = arg_pos(c, val, 0);
    if (!is_str_lit(c, a0))
        return;
    const char *m = lit_dup(c, a0);
    if (kind_of(c, name) == K_IDENT)
        alias_add(c, text(c, name), m);
    else if (type_is(name, "object_pattern"))
        for (uint32_t i = 0; i < nchild(name); i++) {
            TSNode p = nth(name, i);
            if (kind_of(c, p) == K_IDENT)
                alias_add(c, text(c, p), ks_arena_printf(c->a, "%s.%s", m, text(c, p)));
            else if (type_is(p, "pair_pattern"))
                alias_add(c, text(c, field(c, p, F_VALUE)),
                          ks_arena_printf(c->a, "%s.%s", m, text(c, field(c, p, F_KEY))));
        }
}

/* Validation guards: `if x not in ALLOWED`, `if not p.startswith(base)`,
 * `if (!ALLOWED.includes(x))`, `if (!/^[a-z]+$/.test(x))`, `re.fullmatch(...)`.
 * The variables they check are clean afterwards. */
static void guard(struct ctx *c, TSNode cond, int depth)
{
    enum kind k;
    const char *t;

    if (ts_node_is_null(cond) || depth > 16)
        return;
    k = kind_of(c, cond);
    t = ts_node_type(cond);
    if (!strcmp(t, "comparison_operator") && strstr(text(c, cond), " in ")) {
        TSNode lhs = nth(cond, 0);
        if (kind_of(c, lhs) == K_IDENT)
            var_set(c, text(c, lhs), NULL, NULL);
        return;
    }
    if (k == K_CALL) {
        const char *q = qname(c, cond);
        const char *lp = last_part(q);
        static const char *const checks[] = {"startswith", "startsWith", "includes", "test",
                                             "match", "fullmatch", "isalnum", "isdigit",
                                             "isidentifier", "contains", "matches", "has",
                                             "is_safe_url", "url_has_allowed_host_and_scheme",
                                             "isValid", "validate", NULL};
        if (!in_list(lp, checks))
            return;
        TSNode fn = c->lang == KS_LANG_JAVA ? field(c, cond, F_OBJECT) : field(c, cond, F_FUNCTION);
        TSNode recv = c->lang == KS_LANG_JAVA ? fn : field(c, fn, F_OBJECT);
        TSNode cands[3] = {recv, arg_pos(c, cond, 0), arg_pos(c, cond, 1)};
        for (int i = 0; i < 3; i++) {
            TSNode x = cands[i];
            while (kind_of(c, x) == K_MEMBER || kind_of(c, x) == K_CALL) {
                if (kind_of(c, x) == K_CALL) {
                    /* os.path.realpath(p).startswith(...) checks p */
                    TSNode inner = arg_pos(c, x, 0);
                    if (ts_node_is_null(inner))
                        break;
                    x = inner;
                } else
                    break;
            }
            if (kind_of(c, x) == K_IDENT) {
                struct var *v = var_find(c, text(c, x));
                if (v && v->t)
                    v->t = NULL;
            }
        }
        return;
    }
    for (uint32_t i = 0; i < nchild(cond); i++)
        guard(c, nth(cond, i), depth + 1);
}

static bool is_handler_name(const char *n)
{
    return n && (ci_contains(n, "handler") || !strcmp(n, "handle") || !strcmp(n, "main"));
}

/* Binds a function's parameters: handler/request sources, or markers. */
static void bind_params(struct ctx *c, TSNode fn, const char *fname, bool express, bool nested)
{
    TSNode params = field(c, fn, F_PARAMETERS);
    uint32_t idx = 0;

    if (ts_node_is_null(params))
        params = field(c, fn, F_PARAMETER);
    if (ts_node_is_null(params))
        return;
    if (kind_of(c, params) == K_IDENT) { /* x => ... */
        var_set(c, text(c, params), NULL, NULL);
        return;
    }
    uint32_t np = nchild(params);
    for (uint32_t i = 0; i < np && i < 32; i++) {
        TSNode p = nth(params, i);
        TSNode nm = p;
        const char *type = NULL;
        if (type_is(p, "comment"))
            continue;
        if (c->lang == KS_LANG_JAVA) {
            nm = field(c, p, F_NAME);
            TSNode ty = field(c, p, F_TYPE);
            if (!ts_node_is_null(ty))
                type = text(c, ty);
        } else if (kind_of(c, p) != K_IDENT) {
            TSNode x = field(c, p, F_NAME);
            if (ts_node_is_null(x))
                x = field(c, p, F_PATTERN);
            if (ts_node_is_null(x) || kind_of(c, x) != K_IDENT)
                x = nth(p, 0);
            nm = x;
        }
        if (ts_node_is_null(nm) || kind_of(c, nm) != K_IDENT) {
            idx++;
            continue;
        }
        const char *name = text(c, nm);
        const struct taint *t = NULL;
        bool user = false;
        if (c->lang == KS_LANG_PYTHON && i == 0 && (!strcmp(name, "self") || !strcmp(name, "cls"))) {
            var_set(c, name, NULL, NULL); /* not counted: calls pass it implicitly */
            continue;
        }
        if (c->lang == KS_LANG_PYTHON)
            user = (idx == 0 && !strcmp(name, "event") && (is_handler_name(fname) || np >= 2)) ||
                   (!strcmp(name, "request") && idx <= 1 && c->route);
        else if (c->lang == KS_LANG_JAVA) {
            const char *pt = type ? type : "";
            const char *ptext = text(c, p);
            user = strstr(pt, "HttpServletRequest") || strstr(pt, "APIGatewayProxyRequestEvent") ||
                   strstr(pt, "APIGatewayV2HTTPEvent") || strstr(ptext, "@RequestParam") ||
                   strstr(ptext, "@PathVariable") || strstr(ptext, "@RequestBody") ||
                   strstr(ptext, "@RequestHeader") ||
                   (fname && !strcmp(fname, "handleRequest") && idx == 0) ||
                   (fname && !strcmp(fname, "main") && strstr(pt, "String[]"));
        } else
            user = (express && idx == 0) ||
                   (idx == 0 && (!strcmp(name, "event") || !strcmp(name, "req")) &&
                    (is_handler_name(fname) || np >= 2));
        if (user)
            t = source(c, nm, T_USER, ks_arena_printf(c->a, "source: parameter '%s'", name));
        else if (idx < 32)
            t = NULL;
        if (!user && c->cur && !express && !nested) {
            struct taint *m = ks_arena_calloc(c->a, 1, sizeof(*m));
            if (!m)
                {
            c->err = KS_ENOMEM;
            return;
        }
            m->line = start_pt(nm).row + 1;
            m->col = start_pt(nm).column + 1;
            m->what = ks_arena_printf(c->a, "parameter '%s'", name);
            m->kinds = T_PARAM;
            m->param = (int8_t)idx;
            t = m;
        }
        var_set(c, name, t, type);
        idx++;
    }
}

static bool is_route_decorated(struct ctx *c, TSNode fn)
{
    TSNode p = parent_of(fn);

    if (kind_of(c, p) != K_DECORATED)
        return false;
    for (uint32_t i = 0; i < nchild(p); i++) {
        TSNode d = nth(p, i);
        if (type_is(d, "decorator")) {
            const char *t = text(c, d);
            if (strstr(t, ".route(") || strstr(t, ".get(") || strstr(t, ".post(") ||
                strstr(t, "api_view") || strstr(t, ".put(") || strstr(t, ".delete("))
                return true;
        }
    }
    return false;
}

/* An Express-style callback: app.get('/x', (req, res) => ...) */
static bool is_express_callback(struct ctx *c, TSNode fn)
{
    TSNode args = parent_of(fn), call;

    if (c->lang == KS_LANG_PYTHON || c->lang == KS_LANG_JAVA || kind_of(c, args) != K_ARGS)
        return false;
    call = parent_of(args);
    if (kind_of(c, call) != K_CALL)
        return false;
    const char *q = qname(c, call);
    static const char *const verbs[] = {".get", ".post", ".put", ".delete", ".patch", ".all",
                                        ".use", ".route", NULL};
    return qmatch_any(q, verbs) && !strstr(q, "axios") && !strstr(q, "http.") &&
           nchild(field(c, fn, F_PARAMETERS)) >= 2;
}

static void handle_assign(struct ctx *c, TSNode n, TSNode lhs, TSNode rhs, const char *type)
{
    const struct taint *t = eval(c, rhs, 1);
    const char *name = ts_node_is_null(lhs) ? NULL : text(c, lhs);

    if (kind_of(c, lhs) == K_MEMBER)
        name = text(c, field(c, lhs, c->lang == KS_LANG_PYTHON ? F_ATTRIBUTE
                                      : c->lang == KS_LANG_JAVA ? F_FIELD
                                                                : F_PROPERTY));
    if (kind_of(c, lhs) == K_SUBSCRIPT) {
        TSNode key = field(c, lhs, c->lang == KS_LANG_PYTHON ? F_SUBSCRIPT : F_INDEX);
        if (is_str_lit(c, key)) {
            size_t l;
            const char *v = str_value(c, key, &l);
            name = ks_arena_strndup(c->a, v, l);
        }
    }
    check_secret_literal(c, rhs, name);
    c->secret_done = rhs;
    /* element.innerHTML = tainted */
    if (kind_of(c, lhs) == K_MEMBER && c->lang != KS_LANG_PYTHON && c->lang != KS_LANG_JAVA &&
        name && (!strcmp(name, "innerHTML") || !strcmp(name, "outerHTML")) && t)
        report(c, R_XSS, n, t, NULL);
    if (c->lang != KS_LANG_PYTHON && c->lang != KS_LANG_JAVA && kind_of(c, lhs) == K_MEMBER &&
        strstr(text(c, lhs), "NODE_TLS_REJECT_UNAUTHORIZED") && is_str_lit(c, rhs)) {
        size_t l;
        const char *v = str_value(c, rhs, &l);
        if (l == 1 && v[0] == '0')
            report(c, R_TLS, n, NULL, NULL);
    }
    if (c->lang == KS_LANG_PYTHON && name && ks_ends_with(name, "verify_mode") &&
        strstr(text(c, rhs), "CERT_NONE"))
        report(c, R_TLS, n, NULL, NULL);
    if (c->lang == KS_LANG_JAVA && type && strstr(type, "byte[]") &&
        (type_is(rhs, "array_initializer") ||
         (type_is(rhs, "array_creation_expression") && strstr(text(c, rhs), "{")) ||
         (kind_of(c, rhs) == K_CALL && ks_ends_with(text(c, rhs), ".getBytes()") &&
          is_str_lit(c, field(c, rhs, F_OBJECT))))) {
        bind(c, lhs, t, n, NULL);
        {
            struct var *sv = var_find(c, text(c, lhs));
            var_set(c, text(c, lhs), sv ? sv->t : NULL, "static-bytes");
        }
        return;
    }
    if (kind_of(c, rhs) == K_FUNC && kind_of(c, lhs) == K_IDENT) {
        var_set(c, text(c, lhs), NULL, NULL);
        return; /* analysed as a function of its own */
    }
    if (c->lang == KS_LANG_JAVA && type && kind_of(c, lhs) == K_IDENT) {
        const char *lt = strchr(type, '<');
        type = lt ? ks_arena_strndup(c->a, type, (size_t)(lt - type)) : type;
    }
    bind(c, lhs, t, n, c->lang == KS_LANG_JAVA ? type : NULL);
}

static void walk_children(struct ctx *c, TSNode n, int depth)
{
    FOR_NAMED(n, ch)
    {
        if (!c->err)
            walk(c, ch, depth + 1);
    }
}

static void walk(struct ctx *c, TSNode n, int depth)
{
    enum kind k;

    if (ts_node_is_null(n) || c->err)
        return;
    if (depth > KS_CODE_MAX_DEPTH) {
        c->depth_cut = true;
        return;
    }
    k = kind_of(c, n);
    switch (k) {
    case K_FUNC:
        if (c->cur) /* nested: closure, analysed inline with the enclosing scope */
            analyse_function(c, NULL, n, true);
        return;
    case K_CLASS:
        walk_children(c, n, depth);
        return;
    case K_IMPORT:
    case K_IMPORT_FROM:
        imports(c, n);
        return;
    case K_ASSIGN: {
        c->secret_done = field(c, n, F_RIGHT);
        walk(c, field(c, n, F_RIGHT), depth + 1);
        handle_assign(c, n, field(c, n, F_LEFT), field(c, n, F_RIGHT), NULL);
        return;
    }
    case K_DECL: {
        TSNode val = field(c, n, F_VALUE);
        c->secret_done = val;
        walk(c, val, depth + 1);
        if (c->lang != KS_LANG_JAVA)
            js_require_alias(c, n);
        const char *type = NULL;
        if (c->lang == KS_LANG_JAVA) {
            TSNode decl = parent_of(n);
            TSNode ty = field(c, decl, F_TYPE);
            if (!ts_node_is_null(ty))
                type = text(c, ty);
        }
        if (!ts_node_is_null(val))
            handle_assign(c, n, field(c, n, F_NAME), val, type);
        else if (type)
            var_set(c, text(c, field(c, n, F_NAME)), NULL, type);
        return;
    }
    case K_RETURN: {
        walk_children(c, n, depth);
        TSNode e = nth(n, 0);
        const struct taint *t = eval(c, e, 1);
        if (t && c->cur) {
            if (t->kinds & T_PARAM && t->param >= 0 && t->param < 32) {
                c->cur->ret_params |= 1u << t->param;
                c->cur->ret_san = c->cur->ret_seen ? c->cur->ret_san & t->sanitized : t->sanitized;
                c->cur->ret_seen = true;
            }
            if (t->kinds & T_USER)
                c->cur->ret = merge(c->cur->ret, t);
        }
        if (t && c->route && c->lang == KS_LANG_PYTHON &&
            (kind_of(c, e) == K_STRING || kind_of(c, e) == K_BINOP ||
             (kind_of(c, e) == K_CALL && !strcmp(last_part(qname(c, e)), "format"))))
            report(c, R_XSS, n, t, NULL);
        return;
    }
    case K_IF: {
        TSNode cond = field(c, n, F_CONDITION);
        walk(c, cond, depth + 1);
        guard(c, cond, 0);
        for (uint32_t i = 0; i < nchild(n); i++) {
            TSNode ch = nth(n, i);
            if (!ts_node_eq(ch, cond))
                walk(c, ch, depth + 1);
        }
        return;
    }
    case K_CALL:
    case K_NEW: {
        const char *q = qname(c, n);
        walk_children(c, n, depth);
        check_sinks(c, n, q);
        check_patterns(c, n, q);
        if (k == K_CALL && (!strchr(q, '.') || ks_starts_with(q, "self.") || ks_starts_with(q, "this.")))
            for (size_t i = 0; i < c->funcs.len; i++)
                if (c->funcs.items[i].name && !strcmp(c->funcs.items[i].name, last_part(q))) {
                    (void)eval_call(c, n, 1); /* applies the helper's sink summary */
                    break;
                }
        return;
    }
    case K_KWARG: {
        TSNode v = field(c, n, F_VALUE);
        check_secret_literal(c, v, text(c, field(c, n, F_NAME)));
        c->secret_done = v;
        walk(c, v, depth + 1);
        return;
    }
    case K_PAIR: {
        TSNode key = field(c, n, F_KEY), v = field(c, n, F_VALUE);
        const char *name;
        size_t l;
        if (is_str_lit(c, key)) {
            const char *kv = str_value(c, key, &l);
            name = ks_arena_strndup(c->a, kv, l);
        } else
            name = text(c, key);
        check_secret_literal(c, v, name);
        c->secret_done = v;
        walk(c, v, depth + 1);
        return;
    }
    case K_STRING:
        if (is_str_lit(c, n)) {
            /* known formats anywhere, even unassigned */
            if (!ts_node_eq(n, c->secret_done))
                check_secret_literal(c, n, NULL);
            return;
        }
        walk_children(c, n, depth);
        return;
    default:
        walk_children(c, n, depth);
        return;
    }
}

static const char *func_name(struct ctx *c, TSNode fn)
{
    TSNode nm = field(c, fn, F_NAME);
    TSNode p;

    if (!ts_node_is_null(nm))
        return text(c, nm);
    p = parent_of(fn);
    if (kind_of(c, p) == K_DECL)
        return text(c, field(c, p, F_NAME));
    if (kind_of(c, p) == K_ASSIGN) {
        TSNode l = field(c, p, F_LEFT);
        if (kind_of(c, l) == K_MEMBER)
            return text(c, field(c, l, F_PROPERTY));
        return text(c, l);
    }
    if (kind_of(c, p) == K_PAIR)
        return text(c, field(c, p, F_KEY));
    return NULL;
}

static void analyse_function(struct ctx *c, struct func *f, TSNode fn, bool nested)
{
    size_t saved_vars = c->vars.len;
    struct func *saved_cur = c->cur;
    bool saved_route = c->route;
    const char *name = f ? f->name : func_name(c, fn);
    bool express = is_express_callback(c, fn);

    if (!nested) {
        c->vars.len = 0;
        c->cur = f;
    }
    c->route = (c->lang == KS_LANG_PYTHON && is_route_decorated(c, fn)) || express;
    bind_params(c, fn, name, express, nested);
    walk(c, field(c, fn, F_BODY), 1);
    c->route = saved_route;
    if (!nested) {
        c->cur = saved_cur;
        c->vars.len = 0;
    } else
        c->vars.len = KS_MIN(saved_vars, c->vars.len);
}

static struct func *func_summary(struct ctx *c, struct func *f)
{
    if (f->done)
        return f;
    if (f->busy)
        return NULL; /* recursion: no summary yet */
    f->busy = true;
    {
        /* analyse with a fresh scope; restore the caller's afterwards */
        struct vars saved = c->vars;
        struct func *saved_cur = c->cur;
        bool saved_route = c->route;
        size_t fidx = (size_t)(f - c->funcs.items);
        c->vars.items = NULL;
        c->vars.len = c->vars.cap = 0;
        analyse_function(c, f, f->node, false);
        KS_VEC_RELEASE(&c->vars);
        c->vars = saved;
        c->cur = saved_cur;
        c->route = saved_route;
        f = &c->funcs.items[fidx];
    }
    f->busy = false;
    f->done = true;
    return f;
}

/* Collects top-level and class-level functions (helpers callable by name). */
static void collect_funcs(struct ctx *c, TSNode n, int depth)
{
    if (depth > KS_CODE_MAX_DEPTH) {
        c->depth_cut = true;
        return;
    }
    FOR_NAMED(n, ch)
    {
        enum kind k = kind_of(c, ch);
        if (c->err)
            continue;
        if (k == K_FUNC) {
            struct func f = {0};
            f.node = ch;
            f.name = func_name(c, ch);
            if (KS_VEC_PUSH(&c->funcs, f))
                c->err = KS_ENOMEM;
            continue; /* nested functions are closures */
        }
        collect_funcs(c, ch, depth + 1);
    }
}

/* Module-level code: everything but function bodies. */
static void walk_module(struct ctx *c, TSNode n, int depth)
{
    if (depth > KS_CODE_MAX_DEPTH) {
        c->depth_cut = true;
        return;
    }
    FOR_NAMED(n, ch)
    {
        enum kind k = kind_of(c, ch);
        if (k == K_FUNC || c->err)
            continue;
        if (k == K_CLASS || k == K_DECORATED || type_is(ch, "class_body") ||
            type_is(ch, "block") || type_is(ch, "program") || type_is(ch, "export_statement") ||
            type_is(ch, "lexical_declaration") || type_is(ch, "variable_declaration") ||
            type_is(ch, "expression_statement") || type_is(ch, "declaration_list") ||
            type_is(ch, "local_variable_declaration") || type_is(ch, "field_declaration")) {
            /* descend, but walk statements that are not function containers */
            bool has_func = false;
            FOR_NAMED(ch, g)
            {
                if (kind_of(c, g) == K_FUNC)
                    has_func = true;
            }
            if (k == K_CLASS || k == K_DECORATED || type_is(ch, "class_body") ||
                type_is(ch, "block") || type_is(ch, "declaration_list") || has_func) {
                walk_module(c, ch, depth + 1);
                continue;
            }
        }
        walk(c, ch, depth + 1);
    }
}

static void first_error(TSNode n, TSPoint *at, int depth)
{
    if (depth > 512)
        return;
    if (ts_node_is_missing(n) || !strcmp(ts_node_type(n), "ERROR")) {
        *at = start_pt(n);
        return;
    }
    for (uint32_t i = 0; i < ts_node_child_count(n); i++) {
        TSNode ch = ts_node_child(n, i);
        if (ts_node_has_error(ch)) {
            first_error(ch, at, depth + 1);
            return;
        }
    }
}

static void note(struct ks_code_result *res, const char *file, const char *msg)
{
    struct ks_code_note nt = {file, ks_arena_strdup(&res->arena, msg)};
    if (nt.msg)
        (void)KS_VEC_PUSH(&res->notes, nt);
}

ks_err ks_code_load(struct ks_diag *diag)
{
    return ks_dl_load(&lib_ts_dl, diag);
}

ks_err ks_code_scan_text(struct ks_code_result *res, enum ks_code_lang lang, const char *file,
                         const char *src, size_t len, const struct ks_limits *lim,
                         struct ks_diag *diag)
{
    struct ctx c = {0};
    struct ks_arena scratch;
    TSParser *parser = NULL;
    TSTree *tree = NULL;
    ks_err err = KS_OK;

    if (lang == KS_LANG_AUTO)
        lang = ks_code_lang_of(file);
    if (lang == KS_LANG_AUTO || lang >= KS_LANG_COUNT)
        return KS_OK;
    file = ks_arena_strdup(&res->arena, file);
    if (!file)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    if (lim && len > lim->max_file_size) {
        note(res, file, "skipped: larger than max_file_size");
        return KS_OK;
    }
    if (len > KS_CODE_MAX_SOURCE) {
        char msg[128];
        snprintf(msg, sizeof(msg), "skipped: %zu bytes, over the %d KiB code analysis limit (generated or bundled code)",
                 len, KS_CODE_MAX_SOURCE / 1024);
        note(res, file, msg);
        return KS_OK;
    }
    if ((err = ks_code_load(diag)))
        return err;
    pthread_once(&langs_once, langs_init);
    res->files++;
    res->bytes += len;
    for (size_t i = 0; i < len; i++)
        res->lines += src[i] == '\n';
    if (len && src[len - 1] != '\n')
        res->lines++;

    ks_arena_init(&scratch, KS_ARENA_DEFAULT_BLOCK, 0);
    parser = ts_parser_new();
    if (!parser || !ts_parser_set_language(parser, langs[lang].ts)) {
        err = ks_diag_set(diag, KS_EINTERNAL, "cannot set up the %s parser", ks_code_lang_name(lang));
        goto done;
    }
    tree = ts_parser_parse_string(parser, NULL, src, (uint32_t)len);
    if (!tree) {
        note(res, file, "not analysed: the parser gave up");
        goto done;
    }
    TSNode root = ts_tree_root_node(tree);
    if (ts_node_has_error(root)) {
        TSPoint at = {0, 0};
        char msg[160];
        first_error(root, &at, 0);
        snprintf(msg, sizeof(msg), "syntax error at line %u column %u: analysed with error recovery",
                 at.row + 1, at.column + 1);
        note(res, file, msg);
    }
    c.res = res;
    c.a = &scratch;
    c.lang = lang;
    c.li = &langs[lang];
    c.file = file;
    c.src = src;
    c.len = len;
    collect_funcs(&c, root, 0);
    /* imports and module code first, so that aliases are known */
    walk_module(&c, root, 0);
    c.vars.len = 0;
    for (size_t i = 0; i < c.funcs.len && !c.err; i++)
        func_summary(&c, &c.funcs.items[i]);
    if (c.depth_cut)
        note(res, file, "nesting deeper than the analysis limit: partly analysed");
    if (c.err)
        err = ks_diag_set(diag, c.err, "out of memory analysing '%s'", file);

done:
    for (size_t i = 0; i < c.funcs.len; i++)
        KS_VEC_RELEASE(&c.funcs.items[i].sinks);
    KS_VEC_RELEASE(&c.funcs);
    KS_VEC_RELEASE(&c.vars);
    KS_VEC_RELEASE(&c.aliases);
    if (tree)
        ts_tree_delete(tree);
    if (parser)
        ts_parser_delete(parser);
    ks_arena_release(&scratch);
    return err;
}

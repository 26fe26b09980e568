#include "core/ks_common.h"

#include "formats/yaml.h"

#include "core/dl.h"
#include "core/str.h"
#include "core/vec.h"

#include <yaml.h>

/* libyaml-0, loaded on first use (core/dl.h): only a target that needs it pays for it */
#define KS_YAML_FNS(X) \
    X(yaml_event_delete) \
    X(yaml_parser_delete) \
    X(yaml_parser_initialize) \
    X(yaml_parser_parse) \
    X(yaml_parser_set_input_string)

KS_DL_LIBRARY(lib_yaml, KS_YAML_FNS, "libyaml-0.so.2",
              "read YAML");

#define yaml_event_delete (lib_yaml.yaml_event_delete)
#define yaml_parser_delete (lib_yaml.yaml_parser_delete)
#define yaml_parser_initialize (lib_yaml.yaml_parser_initialize)
#define yaml_parser_parse (lib_yaml.yaml_parser_parse)
#define yaml_parser_set_input_string (lib_yaml.yaml_parser_set_input_string)

/* Containers under construction: children are collected in growable arrays
 * (malloc) and copied into the arena once complete, so the arena only ever
 * holds final, exactly-sized arrays. */
struct frame {
    struct ks_value *v;
    KS_VEC(struct ks_value *) items; /* array elements, or key, value, key, value… */
};

struct builder {
    struct ks_arena *arena;
    const char *name;
    uint32_t max_depth;
    KS_VEC(struct frame) stack;
    struct ks_value *root;
    struct ks_diag *diag;
};

static bool plain_is(const char *s, size_t len, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(words[i]) == len && !memcmp(words[i], s, len))
            return true;
    return false;
}

static struct ks_value *scalar(struct builder *b, const yaml_event_t *ev)
{
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
    static const char *const trues[] = {"true", "True", "TRUE"};
    static const char *const falses[] = {"false", "False", "FALSE"};
    const char *s = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !ev->data.scalar.tag;
    struct ks_value *v = ks_arena_calloc(b->arena, 1, sizeof(*v));

    if (!v)
        return NULL;
    v->line = (unsigned)ev->start_mark.line + 1;
    if (plain && plain_is(s, len, nulls, KS_ARRAY_LEN(nulls))) {
        v->type = KS_VNULL;
    } else if (plain && plain_is(s, len, trues, KS_ARRAY_LEN(trues))) {
        v->type = KS_VBOOL;
        v->u.b = true;
    } else if (plain && plain_is(s, len, falses, KS_ARRAY_LEN(falses))) {
        v->type = KS_VBOOL;
        v->u.b = false;
    } else {
        v->type = KS_VSTRING;
        v->plain = plain;
        v->u.s.len = len;
        v->u.s.ptr = ks_arena_strndup(b->arena, s, len);
        if (!v->u.s.ptr)
            return NULL;
    }
    return v;
}

/* Attaches a finished node to the container on top of the stack (or makes it
 * the root). */
static ks_err attach(struct builder *b, struct ks_value *v)
{
    if (!b->stack.len) {
        b->root = v;
        return KS_OK;
    }
    return KS_VEC_PUSH(&b->stack.items[b->stack.len - 1].items, v);
}

static ks_err open_node(struct builder *b, enum ks_vtype type, const yaml_event_t *ev)
{
    struct frame f = {NULL, KS_VEC_INIT};

    if (b->stack.len >= b->max_depth)
        return ks_diag_set(b->diag, KS_ELIMIT, "'%s' line %zu: nesting deeper than %u levels",
                           b->name, ev->start_mark.line + 1, b->max_depth);
    f.v = ks_arena_calloc(b->arena, 1, sizeof(*f.v));
    if (!f.v)
        return KS_ENOMEM;
    f.v->type = type;
    f.v->line = (unsigned)ev->start_mark.line + 1;
    return KS_VEC_PUSH(&b->stack, f);
}

static ks_err close_node(struct builder *b)
{
    struct frame f = b->stack.items[--b->stack.len];
    struct ks_value *v = f.v;
    ks_err err = KS_OK;

    if (v->type == KS_VARRAY) {
        v->u.a.len = f.items.len;
        if (f.items.len) {
            v->u.a.items = ks_arena_alloc(b->arena, f.items.len * sizeof(*v->u.a.items));
            if (!v->u.a.items) {
                err = KS_ENOMEM;
                goto done;
            }
            memcpy(v->u.a.items, f.items.items, f.items.len * sizeof(*v->u.a.items));
        }
    } else {
        size_t n = f.items.len / 2;
        v->u.o.len = n;
        if (n) {
            v->u.o.items = ks_arena_alloc(b->arena, n * sizeof(*v->u.o.items));
            if (!v->u.o.items) {
                err = KS_ENOMEM;
                goto done;
            }
        }
        for (size_t i = 0; i < n; i++) {
            struct ks_value *k = f.items.items[2 * i];
            if (k->type != KS_VSTRING) {
                /* Keys like `1.0:` are plain strings already; null/bool keys
                 * are turned back into their text is not possible, so refuse. */
                if (k->type == KS_VNULL || k->type == KS_VBOOL) {
                    err = ks_diag_set(b->diag, KS_EPARSE,
                                      "'%s' line %u: mapping key must be a string", b->name,
                                      k->line);
                    goto done;
                }
                err = ks_diag_set(b->diag, KS_EPARSE,
                                  "'%s' line %u: complex mapping keys are not supported", b->name,
                                  k->line);
                goto done;
            }
            v->u.o.items[i].key = k->u.s.ptr;
            v->u.o.items[i].key_len = k->u.s.len;
            v->u.o.items[i].value = f.items.items[2 * i + 1];
        }
    }
    err = attach(b, v);
done:
    KS_VEC_RELEASE(&f.items);
    return err;
}

ks_err ks_yaml_load(struct ks_diag *diag)
{
    return ks_dl_load(&lib_yaml_dl, diag);
}

ks_err ks_yaml_parse(struct ks_arena *arena, const char *name, const char *text, size_t len,
                     const struct ks_limits *lim, struct ks_value **out, struct ks_diag *diag)
{
    struct builder b = {arena, name, lim->max_json_depth, KS_VEC_INIT, NULL, diag};
    yaml_parser_t parser;
    yaml_event_t ev;
    bool done = false;
    int docs = 0;
    ks_err err = KS_OK;

    if (len > lim->max_file_size)
        return ks_diag_set(diag, KS_ELIMIT, "'%s': larger than the limit of %llu bytes", name,
                           (unsigned long long)lim->max_file_size);
    if ((err = ks_yaml_load(diag)))
        return err;
    if (!yaml_parser_initialize(&parser))
        return ks_diag_set(diag, KS_ENOMEM, "'%s': out of memory", name);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    while (!done) {
        if (!yaml_parser_parse(&parser, &ev)) {
            err = ks_diag_set(diag, KS_EPARSE, "'%s' line %zu column %zu: %s%s%s", name,
                              parser.problem_mark.line + 1, parser.problem_mark.column + 1,
                              parser.problem ? parser.problem : "syntax error",
                              parser.context ? " " : "", parser.context ? parser.context : "");
            break;
        }
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++docs > 1)
                err = ks_diag_set(diag, KS_EPARSE,
                                  "'%s' line %zu: more than one YAML document", name,
                                  ev.start_mark.line + 1);
            break;
        case YAML_ALIAS_EVENT:
            err = ks_diag_set(diag, KS_EUNSUPPORTED, "'%s' line %zu: YAML aliases are not supported",
                              name, ev.start_mark.line + 1);
            break;
        case YAML_SCALAR_EVENT: {
            struct ks_value *v = scalar(&b, &ev);
            err = v ? attach(&b, v) : KS_ENOMEM;
            break;
        }
        case YAML_SEQUENCE_START_EVENT:
            err = open_node(&b, KS_VARRAY, &ev);
            break;
        case YAML_MAPPING_START_EVENT:
            err = open_node(&b, KS_VOBJECT, &ev);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            err = close_node(&b);
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
        if (err)
            break;
    }
    if (err == KS_ENOMEM)
        ks_diag_set(diag, KS_ENOMEM, "'%s': out of memory", name);
    while (b.stack.len) {
        b.stack.len--;
        KS_VEC_RELEASE(&b.stack.items[b.stack.len].items);
    }
    KS_VEC_RELEASE(&b.stack);
    yaml_parser_delete(&parser);
    if (!err && !b.root) {
        b.root = ks_arena_calloc(arena, 1, sizeof(*b.root));
        if (!b.root)
            err = KS_ENOMEM;
    }
    if (!err)
        *out = b.root;
    return err;
}

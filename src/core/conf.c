#include "core/ks_common.h"

#include "core/conf.h"

#include "core/file.h"
#include "core/str.h"

void ks_conf_init(struct ks_conf *c)
{
    memset(c, 0, sizeof(*c));
    ks_arena_init(&c->arena, 16384, 16u << 20);
}

void ks_conf_release(struct ks_conf *c)
{
    free(c->entries);
    ks_arena_release(&c->arena);
    memset(c, 0, sizeof(*c));
}

static ks_err add_entry(struct ks_conf *c, const char *section, struct ks_str key,
                        struct ks_str value, unsigned line)
{
    struct ks_conf_entry *e;

    if (c->len == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 32;
        struct ks_conf_entry *p = realloc(c->entries, cap * sizeof(*p));
        if (!p)
            return KS_ENOMEM;
        c->entries = p;
        c->cap = cap;
    }
    e = &c->entries[c->len];
    e->section = section;
    e->key = ks_arena_strndup(&c->arena, key.ptr, key.len);
    e->value = ks_arena_strndup(&c->arena, value.ptr, value.len);
    e->line = line;
    if (!e->key || !e->value)
        return KS_ENOMEM;
    c->len++;
    return KS_OK;
}

ks_err ks_conf_parse(struct ks_conf *c, const char *name, const char *text, size_t len,
                     struct ks_diag *diag)
{
    const char *section = "";
    const char *p = text, *end = text + len;
    unsigned line = 0;

    c->path = ks_arena_strdup(&c->arena, name);
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        struct ks_str l = {p, (size_t)((nl ? nl : end) - p)};
        const char *eq;

        p = nl ? nl + 1 : end;
        line++;
        l = ks_str_trim(l);
        if (!l.len || l.ptr[0] == '#' || l.ptr[0] == ';')
            continue;
        if (memchr(l.ptr, '\0', l.len))
            return ks_diag_set(diag, KS_EPARSE, "'%s' line %u: NUL byte", name, line);
        if (l.ptr[0] == '[') {
            if (l.ptr[l.len - 1] != ']' || l.len < 3)
                return ks_diag_set(diag, KS_EPARSE, "'%s' line %u: malformed section header",
                                   name, line);
            section = ks_arena_strndup(&c->arena, l.ptr + 1, l.len - 2);
            if (!section)
                return KS_ENOMEM;
            continue;
        }
        eq = memchr(l.ptr, '=', l.len);
        if (!eq || eq == l.ptr)
            return ks_diag_set(diag, KS_EPARSE, "'%s' line %u: expected 'key = value'", name,
                               line);
        {
            struct ks_str key = ks_str_trim((struct ks_str){l.ptr, (size_t)(eq - l.ptr)});
            struct ks_str val =
                    ks_str_trim((struct ks_str){eq + 1, (size_t)(l.ptr + l.len - eq - 1)});
            if (val.len >= 2 && val.ptr[0] == '"' && val.ptr[val.len - 1] == '"') {
                val.ptr++;
                val.len -= 2;
            }
            if (add_entry(c, section, key, val, line))
                return ks_diag_set(diag, KS_ENOMEM, "'%s': out of memory", name);
        }
    }
    return KS_OK;
}

ks_err ks_conf_load(struct ks_conf *c, const char *path, struct ks_diag *diag)
{
    struct ks_buf b = KS_BUF_INIT(0);
    ks_err err = ks_file_read(path, 1u << 20, &b, diag);

    if (!err)
        err = ks_conf_parse(c, path, ks_buf_str(&b), b.len, diag);
    ks_buf_release(&b);
    return err;
}

const char *ks_conf_get(const struct ks_conf *c, const char *section, const char *key)
{
    for (size_t i = c->len; i-- > 0;)
        if (!strcmp(c->entries[i].section, section) && !strcmp(c->entries[i].key, key))
            return c->entries[i].value;
    return NULL;
}

ks_err ks_conf_apply_limits(const struct ks_conf *c, struct ks_limits *lim, struct ks_diag *diag)
{
    for (size_t i = 0; i < c->len; i++) {
        const struct ks_conf_entry *e = &c->entries[i];
        ks_err err;

        if (strcmp(e->section, "limits"))
            continue;
        err = ks_limits_set(lim, e->key, e->value, diag);
        if (err)
            return ks_diag_prefix(diag, "'%s' line %u: ", c->path ? c->path : "config", e->line);
    }
    return KS_OK;
}

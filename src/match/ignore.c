#include "core/ks_common.h"

#include "match/ignore.h"

#include "formats/yaml.h"

#include <fnmatch.h>

void ks_ignore_init(struct ks_ignore *ig)
{
    memset(ig, 0, sizeof(*ig));
    ks_arena_init(&ig->arena, 16384, 0);
}

void ks_ignore_release(struct ks_ignore *ig)
{
    KS_VEC_RELEASE(&ig->rules);
    ks_arena_release(&ig->arena);
}

/* Parses "YYYY-MM-DD" into the UTC time at the end of that day. */
static bool parse_day_end(const char *s, time_t *out)
{
    struct tm tm;
    int y, m, d;
    char tail;

    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 ||
        m > 12 || d < 1 || d > 31 || y < 1970)
        return false;
    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    tm.tm_hour = 23;
    tm.tm_min = 59;
    tm.tm_sec = 59;
    *out = timegm(&tm);
    /* timegm normalises 2026-02-31 into March: refuse such dates. */
    return tm.tm_mday == d && tm.tm_mon == m - 1;
}

static ks_err entry(struct ks_ignore *ig, const struct ks_value *e, time_t now,
                    struct ks_diag *diag)
{
    struct ks_ignore_rule r;

    memset(&r, 0, sizeof(r));
    r.line = e->line;
    if (e->type != KS_VOBJECT)
        return ks_diag_set(diag, KS_EPARSE, "'%s' line %u: an ignore entry must be a mapping",
                           ig->file, e->line);
    for (size_t i = 0; i < e->u.o.len; i++) {
        const struct ks_member *m = &e->u.o.items[i];
        const char *v = ks_value_str(m->value);
        const char **slot;

        if (!strcmp(m->key, "id"))
            slot = &r.id;
        else if (!strcmp(m->key, "package"))
            slot = &r.package;
        else if (!strcmp(m->key, "purl"))
            slot = &r.purl_text;
        else if (!strcmp(m->key, "path"))
            slot = &r.path;
        else if (!strcmp(m->key, "reason"))
            slot = &r.reason;
        else if (!strcmp(m->key, "expires"))
            slot = &r.expires;
        else
            return ks_diag_set(diag, KS_EPARSE, "'%s' line %u: unknown key '%s'", ig->file,
                               m->value->line, m->key);
        if (!v || !*v)
            return ks_diag_set(diag, KS_EPARSE, "'%s' line %u: '%s' must be a non-empty string",
                               ig->file, m->value->line, m->key);
        *slot = v;
    }
    if (!r.id)
        return ks_diag_set(diag, KS_EPARSE, "'%s' line %u: entry without 'id'", ig->file, r.line);
    if (!r.reason)
        return ks_diag_set(diag, KS_EPARSE, "'%s' line %u: entry for '%s' without 'reason'",
                           ig->file, r.line, r.id);
    if (r.purl_text && ks_purl_parse(&ig->arena, r.purl_text, &r.purl, NULL))
        return ks_diag_set(diag, KS_EPARSE, "'%s' line %u: '%s' is not a valid package URL",
                           ig->file, r.line, r.purl_text);
    if (r.expires) {
        time_t end;
        if (!parse_day_end(r.expires, &end))
            return ks_diag_set(diag, KS_EPARSE,
                               "'%s' line %u: expiry '%s' is not a date (YYYY-MM-DD)", ig->file,
                               r.line, r.expires);
        r.expired = now > end;
    }
    return KS_VEC_PUSH(&ig->rules, r);
}

ks_err ks_ignore_load(struct ks_ignore *ig, const char *name, const char *text, size_t len,
                      time_t now, const struct ks_limits *lim, struct ks_diag *diag)
{
    struct ks_value *doc;
    const struct ks_value *list;
    ks_err err;

    ig->file = ks_arena_strdup(&ig->arena, name);
    if (!ig->file)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    /* The value tree lives in the ignore set's arena: rules point into it. */
    err = ks_yaml_parse(&ig->arena, name, text, len, lim, &doc, diag);
    if (err)
        return err;
    if (doc->type == KS_VNULL)
        return KS_OK;
    list = ks_value_get(doc, "ignore");
    if (doc->type != KS_VOBJECT || (doc->u.o.len != 1 || !list))
        return ks_diag_set(diag, KS_EPARSE, "'%s': expected one top-level key 'ignore'", name);
    if (list->type == KS_VNULL)
        return KS_OK;
    if (list->type != KS_VARRAY)
        return ks_diag_set(diag, KS_EPARSE, "'%s' line %u: 'ignore' must be a list", name,
                           list->line);
    for (size_t i = 0; i < list->u.a.len; i++) {
        err = entry(ig, list->u.a.items[i], now, diag);
        if (err)
            return err == KS_ENOMEM ? ks_diag_set(diag, err, "out of memory") : err;
    }
    return KS_OK;
}

const struct ks_ignore_rule *ks_ignore_match(const struct ks_ignore *ig, const char *id,
                                             const char *const *aliases, size_t naliases,
                                             const char *name, const struct ks_purl *purl,
                                             const char *path)
{
    for (size_t i = 0; i < ig->rules.len; i++) {
        const struct ks_ignore_rule *r = &ig->rules.items[i];
        bool id_hit = !strcmp(r->id, id);

        for (size_t k = 0; !id_hit && k < naliases; k++)
            id_hit = !strcmp(r->id, aliases[k]);
        if (!id_hit || r->expired)
            continue;
        if (r->package && (!name || strcmp(r->package, name)))
            continue;
        if (r->purl_text && (!purl || !ks_purl_matches(&r->purl, purl)))
            continue;
        if (r->path && (!path || fnmatch(r->path, path, 0)))
            continue;
        return r;
    }
    return NULL;
}

/* formats/debian.c - deb822 stanzas, clear-signed text and Debian changelogs. */
#include "core/ks_common.h"

#include "formats/debian.h"

/* Next line of [*p, end) without "\n" (and "\r"); false at the end. */
static bool next_line(const char **p, const char *end, struct ks_str *line)
{
    if (*p >= end)
        return false;
    const char *nl = memchr(*p, '\n', (size_t)(end - *p));
    line->ptr = *p;
    line->len = (size_t)((nl ? nl : end) - *p);
    *p = nl ? nl + 1 : end;
    if (line->len && line->ptr[line->len - 1] == '\r')
        line->len--;
    return true;
}

static bool blank(struct ks_str s)
{
    return ks_str_trim(s).len == 0;
}

/* ---- deb822 ---- */

void ks_deb822_init(struct ks_deb822 *r, const char *file, const char *data, size_t len)
{
    r->p = data;
    r->end = data + len;
    r->file = file;
    r->line = 1;
}

/* Skips to the blank line ending the current stanza. */
static void skip_stanza(struct ks_deb822 *r)
{
    struct ks_str l;
    const char *save;
    for (;;) {
        save = r->p;
        if (!next_line(&r->p, r->end, &l))
            return;
        r->line++;
        if (blank(l)) {
            r->p = save;
            r->line--;
            return;
        }
    }
}

ks_err ks_deb822_next(struct ks_deb822 *r, struct ks_deb822_field *fields, size_t cap, size_t *n,
                      unsigned *line, struct ks_diag *diag)
{
    struct ks_str l;
    const char *save;

    *n = 0;
    /* blank lines and comments before the stanza */
    for (;;) {
        save = r->p;
        if (!next_line(&r->p, r->end, &l))
            return KS_ENOTFOUND;
        if (!blank(l) && l.ptr[0] != '#')
            break;
        r->line++;
    }
    r->p = save;
    *line = r->line;
    for (;;) {
        if (!next_line(&r->p, r->end, &l))
            break;
        r->line++;
        if (blank(l))
            break;
        if (l.ptr[0] == '#')
            continue;
        if (l.ptr[0] == ' ' || l.ptr[0] == '\t') {
            if (*n == 0) {
                skip_stanza(r);
                return ks_diag_set(diag, KS_EPARSE, "'%s' line %u: continuation line outside "
                                                    "a field",
                                   r->file, r->line - 1);
            }
            /* extend the last field's value to the end of this line */
            struct ks_deb822_field *f = &fields[*n - 1];
            if (!f->value.ptr)
                f->value.ptr = l.ptr;
            f->value.len = (size_t)(l.ptr + l.len - f->value.ptr);
            continue;
        }
        const char *colon = memchr(l.ptr, ':', l.len);
        if (!colon || colon == l.ptr) {
            unsigned bad = r->line - 1;
            skip_stanza(r);
            return ks_diag_set(diag, KS_EPARSE, "'%s' line %u: expected 'Field: value'", r->file,
                               bad);
        }
        for (const char *c = l.ptr; c < colon; c++)
            if ((unsigned char)*c <= ' ' || (unsigned char)*c >= 127) {
                unsigned bad = r->line - 1;
                skip_stanza(r);
                return ks_diag_set(diag, KS_EPARSE, "'%s' line %u: bad field name", r->file,
                                   bad);
            }
        if (*n == cap) {
            unsigned bad = *line;
            skip_stanza(r);
            return ks_diag_set(diag, KS_ELIMIT, "'%s' line %u: stanza has more than %zu fields",
                               r->file, bad, cap);
        }
        struct ks_deb822_field *f = &fields[(*n)++];
        f->name = (struct ks_str){l.ptr, (size_t)(colon - l.ptr)};
        struct ks_str v = {colon + 1, (size_t)(l.ptr + l.len - colon - 1)};
        v = ks_str_trim(v);
        f->value = v.len ? v : (struct ks_str){NULL, 0};
    }
    if (*n == 0)
        return KS_ENOTFOUND;
    for (size_t i = 0; i < *n; i++)
        fields[i].value = ks_str_trim(fields[i].value);
    return KS_OK;
}

struct ks_str ks_deb822_get(const struct ks_deb822_field *f, size_t n, const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0; i < n; i++) {
        if (f[i].name.len != len)
            continue;
        size_t k = 0;
        while (k < len && (f[i].name.ptr[k] | 0x20) == (name[k] | 0x20))
            k++;
        if (k == len)
            return f[i].value;
    }
    return (struct ks_str){NULL, 0};
}

/* ---- clear-signed text ---- */

static bool starts(struct ks_str l, const char *pfx)
{
    size_t n = strlen(pfx);
    return l.len >= n && !memcmp(l.ptr, pfx, n);
}

ks_err ks_clearsigned_text(const char *file, const char *data, size_t len, struct ks_str *text,
                           struct ks_diag *diag)
{
    const char *p = data, *end = data + len;
    struct ks_str l;
    unsigned line = 0;

    if (!(len >= 34 && !memcmp(data, "-----BEGIN PGP SIGNED MESSAGE-----", 34))) {
        *text = (struct ks_str){data, len};
        return KS_OK;
    }
    next_line(&p, end, &l);
    line++;
    /* armor headers ("Hash: SHA256") up to a blank line */
    for (;;) {
        if (!next_line(&p, end, &l))
            return ks_diag_set(diag, KS_EPARSE, "'%s': clear-signed message without text",
                               file);
        line++;
        if (blank(l))
            break;
        if (!memchr(l.ptr, ':', l.len))
            return ks_diag_set(diag, KS_EPARSE, "'%s' line %u: bad armor header", file, line);
    }
    const char *start = p;
    for (;;) {
        const char *at = p;
        if (!next_line(&p, end, &l))
            return ks_diag_set(diag, KS_EPARSE, "'%s': clear-signed message without signature",
                               file);
        line++;
        if (starts(l, "-----BEGIN PGP SIGNATURE-----")) {
            /* the line break before the armor belongs to it (RFC 4880 §7.1) */
            size_t n = (size_t)(at - start);
            if (n && start[n - 1] == '\n')
                n--;
            if (n && start[n - 1] == '\r')
                n--;
            *text = (struct ks_str){start, n};
            return KS_OK;
        }
        if (l.len && l.ptr[0] == '-')
            return ks_diag_set(diag, KS_EPARSE, "'%s' line %u: dash-escaped line in signed text",
                               file, line);
    }
}

/* ---- changelogs ---- */

void ks_changelog_init(struct ks_changelog *c, const char *file, const char *data, size_t len)
{
    c->p = data;
    c->end = data + len;
    c->file = file;
    c->line = 1;
    c->done = false;
}

static bool name_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '+' || ch == '-' ||
           ch == '.';
}

/* "package (version) dist1 dist2; urgency=high, binary-only=yes" */
static bool parse_header(struct ks_str l, struct ks_changelog_entry *e)
{
    size_t i = 0;

    memset(e, 0, sizeof(*e));
    if (!l.len || !((l.ptr[0] >= 'a' && l.ptr[0] <= 'z') || (l.ptr[0] >= '0' && l.ptr[0] <= '9')))
        return false;
    while (i < l.len && name_char(l.ptr[i]))
        i++;
    e->source = (struct ks_str){l.ptr, i};
    if (i + 2 > l.len || l.ptr[i] != ' ' || l.ptr[i + 1] != '(')
        return false;
    i += 2;
    size_t vs = i;
    while (i < l.len && l.ptr[i] != ')' && l.ptr[i] != '(' && l.ptr[i] != ' ' &&
           l.ptr[i] != '\t')
        i++;
    if (i == vs || i >= l.len || l.ptr[i] != ')')
        return false;
    e->version = (struct ks_str){l.ptr + vs, i - vs};
    i++;
    const char *semi = memchr(l.ptr + i, ';', l.len - i);
    if (!semi)
        return false;
    struct ks_str d = ks_str_trim((struct ks_str){l.ptr + i, (size_t)(semi - l.ptr - i)});
    if (!d.len || i >= l.len || (l.ptr[i] != ' ' && l.ptr[i] != '\t'))
        return false;
    for (size_t k = 0; k < d.len; k++)
        if (!name_char(d.ptr[k]) && d.ptr[k] != ' ' && d.ptr[k] != '\t' &&
            !(d.ptr[k] >= 'A' && d.ptr[k] <= 'Z') && d.ptr[k] != '_' && d.ptr[k] != '/')
            return false;
    e->distributions = d;
    /* key=value pairs, comma-separated */
    const char *p = semi + 1, *end = l.ptr + l.len;
    while (p < end) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        struct ks_str kv = ks_str_trim((struct ks_str){p, (size_t)((comma ? comma : end) - p)});
        p = comma ? comma + 1 : end;
        if (!kv.len)
            continue;
        const char *eq = memchr(kv.ptr, '=', kv.len);
        if (!eq)
            return false;
        struct ks_str k = ks_str_trim((struct ks_str){kv.ptr, (size_t)(eq - kv.ptr)});
        struct ks_str v = ks_str_trim((struct ks_str){eq + 1, (size_t)(kv.ptr + kv.len - eq - 1)});
        if (k.len == 7 && !strncasecmp(k.ptr, "urgency", 7)) {
            /* "medium (HIGH for hurd-i386)": the word is the urgency */
            size_t w = 0;
            while (w < v.len && v.ptr[w] != ' ' && v.ptr[w] != '\t')
                w++;
            e->urgency = (struct ks_str){v.ptr, w};
        }
    }
    return true;
}

/* " -- Name <mail>  Sat, 03 Oct 2026 15:07:41 +0200" */
static bool parse_trailer(struct ks_str l, struct ks_changelog_entry *e)
{
    if (!starts(l, " -- "))
        return false;
    struct ks_str rest = {l.ptr + 4, l.len - 4};
    const char *gt = memchr(rest.ptr, '>', rest.len);
    if (!gt)
        return false;
    e->maintainer = ks_str_trim((struct ks_str){rest.ptr, (size_t)(gt + 1 - rest.ptr)});
    e->date = ks_str_trim((struct ks_str){gt + 1, (size_t)(rest.ptr + rest.len - gt - 1)});
    return e->maintainer.len > 2;
}

ks_err ks_changelog_next(struct ks_changelog *c, struct ks_changelog_entry *e,
                         struct ks_diag *diag)
{
    struct ks_str l;
    bool first = c->line == 1;

    if (c->done)
        return KS_ENOTFOUND;
    for (;;) {
        if (!next_line(&c->p, c->end, &l)) {
            c->done = true;
            if (first)
                return ks_diag_set(diag, KS_EPARSE, "'%s': no changelog entry", c->file);
            return KS_ENOTFOUND;
        }
        c->line++;
        if (!blank(l))
            break;
    }
    unsigned hline = c->line - 1;
    if (!parse_header(l, e)) {
        c->done = true;
        bool looks = l.len && l.ptr[0] != ' ' && l.ptr[0] != '\t' && memchr(l.ptr, '(', l.len) &&
                     !starts(l, "Local variables:") && !starts(l, "Old Changelog:");
        if (first || (looks && name_char(l.ptr[0]) && l.ptr[0] != '-' && l.ptr[0] != '+' &&
                      l.ptr[0] != '.'))
            return ks_diag_set(diag, KS_EPARSE,
                               "'%s' line %u: expected 'package (version) distribution; "
                               "urgency=...'",
                               c->file, hline);
        return KS_ENOTFOUND; /* the end of the parseable part */
    }
    e->line = hline;
    const char *body = c->p;
    for (;;) {
        const char *at = c->p;
        if (!next_line(&c->p, c->end, &l))
            break;
        c->line++;
        if (starts(l, " -- ")) {
            if (!parse_trailer(l, e))
                break;
            e->changes = (struct ks_str){body, (size_t)(at - body)};
            return KS_OK;
        }
        struct ks_changelog_entry tmp;
        if (l.len && l.ptr[0] != ' ' && l.ptr[0] != '\t' && parse_header(l, &tmp))
            break; /* the next entry began: this one has no trailer */
    }
    c->done = true;
    return ks_diag_set(diag, KS_EPARSE, "'%s' line %u: entry '%.*s (%.*s)' has no ' -- "
                                        "maintainer  date' trailer",
                       c->file, hline, (int)e->source.len, e->source.ptr, (int)e->version.len,
                       e->version.ptr);
}

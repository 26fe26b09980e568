/* match/eol.c - distro-info-data CSV reader. */
#include "core/ks_common.h"

#include "match/eol.h"

#define EOL_MAX_LINES 4096
#define EOL_MAX_COLS  16

void ks_eol_init(struct ks_eol *e)
{
    memset(e, 0, sizeof(*e));
    ks_arena_init(&e->arena, 16384, 0);
}

void ks_eol_release(struct ks_eol *e)
{
    for (size_t i = 0; i < e->tables.len; i++)
        KS_VEC_RELEASE(&e->tables.items[i].releases);
    KS_VEC_RELEASE(&e->tables);
    ks_arena_release(&e->arena);
}

static bool is_date(const char *s)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    return true;
}

/* Splits `line` (NUL-terminated, modified) at commas into at most
 * EOL_MAX_COLS fields; returns the count, or -1 when there are more. */
static int split(char *line, char **f)
{
    int n = 0;

    for (char *p = line;; n++) {
        char *c = strchr(p, ',');
        if (n == EOL_MAX_COLS)
            return -1;
        f[n] = p;
        if (!c)
            return n + 1;
        *c = '\0';
        p = c + 1;
    }
}

ks_err ks_eol_load(struct ks_eol *e, const char *distro, const char *file, const char *text,
                   size_t len, const struct ks_limits *lim, struct ks_diag *diag)
{
    static const char *const names[] = {"version", "codename",   "series", "eol",
                                        "eol-lts", "eol-server", "eol-esm"};
    int col[7] = {-1, -1, -1, -1, -1, -1, -1};
    struct ks_eol_table t = {NULL, NULL, {NULL, 0, 0}};
    char *copy, *line, *f[EOL_MAX_COLS];
    unsigned lineno = 0;
    int ncols = 0;
    ks_err err = KS_OK;

    if (!text) {
        text = "";
        len = 0;
    }
    if (len > lim->max_file_size)
        return ks_diag_set(diag, KS_ELIMIT, "'%s': larger than %llu bytes", file,
                           (unsigned long long)lim->max_file_size);
    if (len && memchr(text, '\0', len))
        return ks_diag_set(diag, KS_EPARSE, "'%s': not a text file", file);
    copy = ks_arena_strndup(&e->arena, text, len);
    t.distro = ks_arena_strdup(&e->arena, distro);
    t.file = ks_arena_strdup(&e->arena, file);
    if (!copy || !t.distro || !t.file)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    for (line = copy; line && *line && !err;) {
        char *nl = strchr(line, '\n');
        struct ks_eol_release r;
        const char **slot[7] = {&r.version, &r.codename,   &r.series, &r.eol,
                                &r.eol_lts, &r.eol_server, &r.eol_esm};
        int n;

        if (nl)
            *nl = '\0';
        if (nl && nl > line && nl[-1] == '\r')
            nl[-1] = '\0';
        if (++lineno > EOL_MAX_LINES) {
            err = ks_diag_set(diag, KS_ELIMIT, "'%s': more than %d lines", file, EOL_MAX_LINES);
            break;
        }
        if (strchr(line, '"')) {
            err = ks_diag_set(diag, KS_EPARSE, "'%s' line %u: quoted fields are not supported",
                              file, lineno);
            break;
        }
        n = split(line, f);
        if (n < 0) {
            err = ks_diag_set(diag, KS_EPARSE, "'%s' line %u: more than %d columns", file, lineno,
                              EOL_MAX_COLS);
            break;
        }
        if (lineno == 1) {
            ncols = n;
            for (int i = 0; i < n; i++)
                for (int k = 0; k < 7; k++)
                    if (!strcmp(f[i], names[k]))
                        col[k] = i;
            for (int k = 0; k < 4 && !err; k++)
                if (col[k] < 0)
                    err = ks_diag_set(diag, KS_EPARSE, "'%s' line 1: no '%s' column", file,
                                      names[k]);
        } else if (n > 1 || *f[0]) {
            if (n > ncols) {
                err = ks_diag_set(diag, KS_EPARSE, "'%s' line %u: %d columns, the header has %d",
                                  file, lineno, n, ncols);
                break;
            }
            memset(&r, 0, sizeof(r));
            for (int k = 0; k < 7; k++) {
                const char *v = col[k] >= 0 && col[k] < n ? f[col[k]] : NULL;
                *slot[k] = v && *v ? v : NULL;
                if (k >= 3 && *slot[k] && !is_date(*slot[k])) {
                    err = ks_diag_set(diag, KS_EPARSE,
                                      "'%s' line %u: '%s' is not a date (YYYY-MM-DD)", file, lineno,
                                      names[k]);
                    break;
                }
            }
            if (!err && !r.series) /* sid and experimental have no version */
                err = ks_diag_set(diag, KS_EPARSE, "'%s' line %u: no series", file, lineno);
            if (!err && KS_VEC_PUSH(&t.releases, r))
                err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
        }
        line = nl ? nl + 1 : NULL;
    }
    if (!err && lineno == 0)
        err = ks_diag_set(diag, KS_EPARSE, "'%s': empty", file);
    if (err) {
        KS_VEC_RELEASE(&t.releases);
        return err;
    }
    for (size_t i = 0; i < e->tables.len; i++)
        if (!strcmp(e->tables.items[i].distro, distro)) {
            KS_VEC_RELEASE(&e->tables.items[i].releases);
            e->tables.items[i] = t;
            return KS_OK;
        }
    if (KS_VEC_PUSH(&e->tables, t)) {
        KS_VEC_RELEASE(&t.releases);
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    }
    return KS_OK;
}

const struct ks_eol_table *ks_eol_table(const struct ks_eol *e, const char *distro)
{
    for (size_t i = 0; e && distro && i < e->tables.len; i++)
        if (!strcmp(e->tables.items[i].distro, distro))
            return &e->tables.items[i];
    return NULL;
}

const struct ks_eol_release *ks_eol_find(const struct ks_eol_table *t, const char *version,
                                         const char *codename)
{
    for (size_t i = 0; version && *version && i < t->releases.len; i++) {
        const char *v = t->releases.items[i].version;
        size_t n = v ? strcspn(v, " ") : 0;
        if (v && strlen(version) == n && !strncmp(v, version, n))
            return &t->releases.items[i];
    }
    for (size_t i = 0; codename && *codename && i < t->releases.len; i++)
        if (!strcmp(t->releases.items[i].series, codename))
            return &t->releases.items[i];
    return NULL;
}

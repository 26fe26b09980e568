/* cis/eval.c - evaluating benchmark rules against a root filesystem.
 *
 * Each primitive returns an outcome (status + evidence). Everything read is
 * read once per run and cached: files, the effective sshd and sysctl
 * settings, the account databases, the enabled systemd units, the mounts and
 * the result of the file-system walk. */
#include "core/ks_common.h"

#include "cis/cis.h"
#include "cis/cis_impl.h"

#include "core/map.h"
#include "core/str.h"
#include "core/vec.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <regex.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct outcome {
    enum ks_cis_status st;
    const char *ev;
};

struct cfile {
    ks_err err;
    char *data;
    size_t len;
};

struct account {
    const char *name, *pw, *shell, *home;
    long uid, gid;
};

struct shadow_ent {
    const char *name, *pw;
    long last, min, max, warn, inactive; /* -1 when empty */
};

struct group_ent {
    const char *name, *members;
    long gid;
};

struct mnt {
    const char *dir, *opts, *source; /* source: file and line for evidence */
};

struct walk_result {
    bool done;
    ks_err err;
    const char *why;
    KS_VEC(const char *) ww;      /* world-writable offenders */
    KS_VEC(const char *) unowned; /* unowned offenders */
    size_t entries;
};

struct ctx {
    const struct ks_cis_target *t;
    struct ks_arena *out;  /* report arena: evidence */
    struct ks_arena work;  /* caches */
    struct ks_map files;   /* path -> struct cfile* */
    bool sshd_done, sysctl_done;
    ks_err sshd_err, sysctl_err;
    struct ks_diag sshd_diag, sysctl_diag;
    struct ks_cis_settings sshd, sysctl;
    bool acct_done;
    KS_VEC(struct account) users;
    KS_VEC(struct shadow_ent) shadow;
    KS_VEC(struct group_ent) groups;
    bool shadow_read, passwd_read, group_read;
    bool units_done;
    struct ks_map enabled; /* unit -> "path of the link" */
    bool mounts_done;
    KS_VEC(struct mnt) mounts;
    bool kmod_done;
    struct ks_map kmod_install, kmod_blacklist; /* module -> evidence */
    bool kernels_present;
    struct ks_buf moddep;
    struct walk_result walk;
    const char *walk_roots_key;
};

static struct outcome mk(struct ctx *c, enum ks_cis_status st, const char *fmt, ...)
        KS_PRINTF(3, 4);

static struct outcome mk(struct ctx *c, enum ks_cis_status st, const char *fmt, ...)
{
    struct outcome o = {st, NULL};
    char buf[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    o.ev = ks_arena_strdup(c->out, buf);
    if (!o.ev)
        o.ev = "out of memory";
    return o;
}

/* ---- files ---- */

static const struct cfile *get_file(struct ctx *c, const char *path)
{
    struct cfile *f = ks_map_get(&c->files, path, strlen(path));
    struct ks_buf buf = KS_BUF_INIT(c->t->limits->max_file_size);
    struct ks_diag diag = KS_DIAG_INIT;
    const char *key;

    if (f)
        return f;
    f = ks_arena_calloc(&c->work, 1, sizeof(*f));
    key = ks_arena_strdup(&c->work, path);
    if (!f || !key)
        return NULL;
    f->err = ks_rootfs_read(c->t->root, path, c->t->limits->max_file_size, &buf, &diag);
    if (!f->err) {
        f->data = ks_arena_strndup(&c->work, buf.ptr ? buf.ptr : "", buf.len);
        f->len = buf.len;
        if (!f->data)
            f->err = KS_ENOMEM;
    }
    ks_buf_release(&buf);
    if (ks_map_put(&c->files, key, strlen(key), f))
        return NULL;
    return f;
}

/* Iterates lines: sets line and n; returns false at the end. */
static bool next_line(const char *data, size_t len, size_t *pos, const char **line, size_t *n)
{
    const char *nl;

    if (*pos >= len)
        return false;
    *line = data + *pos;
    nl = memchr(*line, '\n', len - *pos);
    *n = nl ? (size_t)(nl - *line) : len - *pos;
    *pos += *n + (nl ? 1 : 0);
    return true;
}

struct names {
    const char *pattern;
    KS_VEC(char *) items;
};

static ks_err names_fn(const char *name, unsigned char type, void *ctx)
{
    struct names *n = ctx;
    char *copy;

    KS_UNUSED(type);
    if (n->pattern && fnmatch(n->pattern, name, FNM_PERIOD))
        return KS_OK;
    copy = strdup(name);
    if (!copy || KS_VEC_PUSH(&n->items, copy)) {
        free(copy);
        return KS_ENOMEM;
    }
    return KS_OK;
}

static void names_release(struct names *n)
{
    for (size_t i = 0; i < n->items.len; i++)
        free(n->items.items[i]);
    KS_VEC_RELEASE(&n->items);
}

typedef KS_VEC(const char *) pathvec;

/* Expands `path` (a glob in its last component is allowed) into `out`. */
static ks_err expand_path(struct ctx *c, const char *path, pathvec *out)
{
    const char *slash = strrchr(path, '/');
    struct names n = {NULL, KS_VEC_INIT};
    char dir[1024];
    ks_err err;

    if (!strpbrk(slash ? slash : path, "*?[")) {
        const char *p = ks_arena_strdup(&c->work, path);

        return !p || KS_VEC_PUSH(out, p) ? KS_ENOMEM : KS_OK;
    }
    snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 0, path);
    n.pattern = slash ? slash + 1 : path;
    err = ks_rootfs_list(c->t->root, dir[0] ? dir : "/", names_fn, &n, NULL);
    if (err == KS_ENOTFOUND || err == KS_EIO)
        err = KS_OK;
    for (size_t i = 0; i < n.items.len && !err; i++) {
        const char *p = ks_arena_printf(&c->work, "%s/%s", dir, n.items.items[i]);

        if (!p || KS_VEC_PUSH(out, p))
            err = KS_ENOMEM;
    }
    names_release(&n);
    return err;
}

/* Files of an include directory matching `glob`, in lexical order. */
static ks_err expand_dir(struct ctx *c, const char *dir, const char *glob, pathvec *out)
{
    struct names n = {glob, KS_VEC_INIT};
    ks_err err = ks_rootfs_list(c->t->root, dir, names_fn, &n, NULL);

    if (err == KS_ENOTFOUND || err == KS_EIO)
        err = KS_OK;
    for (size_t i = 0; i < n.items.len && !err; i++) {
        const char *p = ks_arena_printf(&c->work, "%s/%s", dir, n.items.items[i]);

        if (!p || KS_VEC_PUSH(out, p))
            err = KS_ENOMEM;
    }
    names_release(&n);
    return err;
}

static ks_err for_strings(const struct ks_value *v, ks_err (*fn)(const char *, void *), void *arg)
{
    ks_err err = KS_OK;

    if (ks_value_is(v, KS_VSTRING))
        return fn(v->u.s.ptr, arg);
    for (size_t i = 0; i < ks_value_len(v) && !err; i++)
        err = fn(ks_value_at(v, i)->u.s.ptr, arg);
    return err;
}

struct gather {
    struct ctx *c;
    pathvec *out;
    const char *glob;
};

static ks_err gather_path(const char *p, void *arg)
{
    struct gather *g = arg;

    return expand_path(g->c, p, g->out);
}

static ks_err gather_dir(const char *p, void *arg)
{
    struct gather *g = arg;

    return expand_dir(g->c, p, g->glob, g->out);
}

/* The files named by path/paths/dir/dirs of `args`, in that order. */
static ks_err gather_files(struct ctx *c, const struct ks_value *args, pathvec *out)
{
    const char *glob = ks_value_get_str(args, "glob");
    struct gather g = {c, out, glob ? glob : "*.conf"};
    ks_err err = KS_OK;

    if (!err && ks_value_get(args, "path"))
        err = for_strings(ks_value_get(args, "path"), gather_path, &g);
    if (!err && ks_value_get(args, "paths"))
        err = for_strings(ks_value_get(args, "paths"), gather_path, &g);
    if (!err && ks_value_get(args, "dir"))
        err = for_strings(ks_value_get(args, "dir"), gather_dir, &g);
    if (!err && ks_value_get(args, "dirs"))
        err = for_strings(ks_value_get(args, "dirs"), gather_dir, &g);
    return err;
}

/* ---- values ---- */

enum cis_op ks_cis_op_parse(const char *s)
{
    static const struct {
        const char *name;
        enum cis_op op;
    } ops[] = {{"eq", CIS_OP_EQ},       {"ne", CIS_OP_NE},
               {"lt", CIS_OP_LT},       {"le", CIS_OP_LE},
               {"gt", CIS_OP_GT},       {"ge", CIS_OP_GE},
               {"in", CIS_OP_IN},       {"not_in", CIS_OP_NOT_IN},
               {"match", CIS_OP_MATCH}, {"not_match", CIS_OP_NOT_MATCH},
               {"set", CIS_OP_SET},     {"unset", CIS_OP_UNSET},
               {"excludes", CIS_OP_EXCLUDES}};

    for (size_t i = 0; i < KS_ARRAY_LEN(ops); i++)
        if (!strcmp(ops[i].name, s))
            return ops[i].op;
    return CIS_OP_NONE;
}

bool ks_cis_parse_mode(const char *s, unsigned *out)
{
    unsigned m = 0;

    if (!*s || strlen(s) > 5)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '7')
            return false;
        m = m * 8 + (unsigned)(*s - '0');
    }
    if (m > 07777)
        return false;
    if (out)
        *out = m;
    return true;
}

static bool parse_num(const char *s, long long *out)
{
    char *end;

    while (isspace((unsigned char)*s))
        s++;
    if (!*s)
        return false;
    errno = 0;
    *out = strtoll(s, &end, 10);
    while (isspace((unsigned char)*end))
        end++;
    return !errno && !*end;
}

/* POSIX leaves "\\n" and "\\t" in a pattern undefined (glibc reads them as
 * 'n' and 't'); benchmark files use them for newline and tab. */
static int rx_comp(regex_t *rx, const char *re, int flags)
{
    char buf[2048];
    size_t k = 0;

    for (size_t i = 0; re[i] && k + 1 < sizeof(buf); i++) {
        if (re[i] == '\\' && (re[i + 1] == 'n' || re[i + 1] == 't')) {
            buf[k++] = re[i + 1] == 'n' ? '\n' : '\t';
            i++;
        } else {
            buf[k++] = re[i];
            if (re[i] == '\\' && re[i + 1] && k + 1 < sizeof(buf))
                buf[k++] = re[++i];
        }
    }
    buf[k] = '\0';
    return regcomp(rx, buf, flags);
}

static bool rx_match(const char *re, const char *s)
{
    regex_t rx;
    bool m;

    if (rx_comp(&rx, re, REG_EXTENDED | REG_NOSUB | REG_ICASE))
        return false;
    m = !regexec(&rx, s, 0, NULL, 0);
    regfree(&rx);
    return m;
}

static bool list_has(const char *list, const char *item)
{
    size_t n = strlen(item);
    const char *p = list;

    while (*p) {
        size_t k = strcspn(p, ", \t");

        if (k == n && !strncasecmp(p, item, n))
            return true;
        p += k;
        p += strspn(p, ", \t");
    }
    return false;
}

/* Compares `actual` (NULL: not set) with the op/value of `args`. Returns
 * true when it satisfies them; `want` describes the requirement. */
static bool compare(const struct ks_value *args, const char *actual, char *want, size_t wantlen)
{
    const char *ops = ks_value_get_str(args, "op");
    enum cis_op op = ks_cis_op_parse(ops ? ops : "eq");
    const struct ks_value *val = ks_value_get(args, "value");
    const char *v = ks_value_str(val);
    long long a, b;

    switch (op) {
    case CIS_OP_SET:
        snprintf(want, wantlen, "set");
        return actual != NULL;
    case CIS_OP_UNSET:
        snprintf(want, wantlen, "not set");
        return actual == NULL;
    case CIS_OP_IN:
    case CIS_OP_NOT_IN:
    case CIS_OP_EXCLUDES: {
        size_t pos = 0;
        bool found = false;

        pos += (size_t)snprintf(want, wantlen, "%s ",
                                op == CIS_OP_IN       ? "one of"
                                : op == CIS_OP_NOT_IN ? "none of"
                                                      : "a list without");
        for (size_t i = 0; i < (ks_value_is(val, KS_VSTRING) ? 1 : ks_value_len(val)); i++) {
            const char *item = ks_value_is(val, KS_VSTRING) ? v : ks_value_at(val, i)->u.s.ptr;

            if (pos < wantlen)
                pos += (size_t)snprintf(want + pos, wantlen - pos, "%s%s", i ? "," : "", item);
            if (!actual)
                continue;
            if (op == CIS_OP_EXCLUDES)
                found |= list_has(actual, item);
            else
                found |= !strcasecmp(actual, item);
        }
        if (!actual)
            return op != CIS_OP_IN;
        return op == CIS_OP_IN ? found : !found;
    }
    default:
        break;
    }
    if (!v)
        v = "";
    switch (op) {
    case CIS_OP_MATCH:
        snprintf(want, wantlen, "matching /%s/", v);
        return actual && rx_match(v, actual);
    case CIS_OP_NOT_MATCH:
        snprintf(want, wantlen, "not matching /%s/", v);
        return !actual || !rx_match(v, actual);
    case CIS_OP_EQ:
    case CIS_OP_NE:
        snprintf(want, wantlen, "%s %s", op == CIS_OP_EQ ? "=" : "!=", v);
        if (!actual)
            return op == CIS_OP_NE;
        if (parse_num(actual, &a) && parse_num(v, &b))
            return (a == b) == (op == CIS_OP_EQ);
        return !strcasecmp(actual, v) == (op == CIS_OP_EQ);
    default:
        break;
    }
    snprintf(want, wantlen, "%s %s",
             op == CIS_OP_LT   ? "<"
             : op == CIS_OP_LE ? "<="
             : op == CIS_OP_GT ? ">"
                               : ">=",
             v);
    if (!actual || !parse_num(actual, &a) || !parse_num(v, &b))
        return false;
    switch (op) {
    case CIS_OP_LT:
        return a < b;
    case CIS_OP_LE:
        return a <= b;
    case CIS_OP_GT:
        return a > b;
    default:
        return a >= b;
    }
}

/* ---- accounts ---- */

static char *dup_field(struct ctx *c, const char *s, size_t n)
{
    return ks_arena_strndup(&c->work, s, n);
}

/* Splits a colon-separated line into at most `max` fields. */
static size_t split_colon(const char *line, size_t n, struct ks_str *f, size_t max)
{
    size_t k = 0, start = 0;

    for (size_t i = 0; i <= n && k < max; i++) {
        if (i == n || line[i] == ':') {
            f[k].ptr = line + start;
            f[k].len = i - start;
            k++;
            start = i + 1;
        }
    }
    return k;
}

static long field_num(struct ks_str f)
{
    char tmp[32];
    long long v;

    if (!f.len || f.len >= sizeof(tmp))
        return -1;
    memcpy(tmp, f.ptr, f.len);
    tmp[f.len] = '\0';
    return parse_num(tmp, &v) ? (long)v : -1;
}

static void load_accounts(struct ctx *c)
{
    const struct cfile *f;
    size_t pos = 0, n;
    const char *line;
    struct ks_str fld[9];

    if (c->acct_done)
        return;
    c->acct_done = true;
    f = get_file(c, "/etc/passwd");
    c->passwd_read = f && !f->err;
    if (c->passwd_read)
        while (next_line(f->data, f->len, &pos, &line, &n)) {
            struct account a;

            if (!n || line[0] == '#' || split_colon(line, n, fld, 7) < 7)
                continue;
            a.name = dup_field(c, fld[0].ptr, fld[0].len);
            a.pw = dup_field(c, fld[1].ptr, fld[1].len);
            a.uid = field_num(fld[2]);
            a.gid = field_num(fld[3]);
            a.home = dup_field(c, fld[5].ptr, fld[5].len);
            a.shell = dup_field(c, fld[6].ptr, fld[6].len);
            if (a.name && a.pw && a.home && a.shell && KS_VEC_PUSH(&c->users, a))
                return;
        }
    f = get_file(c, "/etc/shadow");
    c->shadow_read = f && !f->err;
    pos = 0;
    if (c->shadow_read)
        while (next_line(f->data, f->len, &pos, &line, &n)) {
            struct shadow_ent s;

            if (!n || line[0] == '#' || split_colon(line, n, fld, 9) < 8)
                continue;
            s.name = dup_field(c, fld[0].ptr, fld[0].len);
            s.pw = dup_field(c, fld[1].ptr, fld[1].len);
            s.last = field_num(fld[2]);
            s.min = field_num(fld[3]);
            s.max = field_num(fld[4]);
            s.warn = field_num(fld[5]);
            s.inactive = field_num(fld[6]);
            if (s.name && s.pw && KS_VEC_PUSH(&c->shadow, s))
                return;
        }
    f = get_file(c, "/etc/group");
    c->group_read = f && !f->err;
    pos = 0;
    if (c->group_read)
        while (next_line(f->data, f->len, &pos, &line, &n)) {
            struct group_ent g;

            if (!n || line[0] == '#' || split_colon(line, n, fld, 4) < 4)
                continue;
            g.name = dup_field(c, fld[0].ptr, fld[0].len);
            g.gid = field_num(fld[2]);
            g.members = dup_field(c, fld[3].ptr, fld[3].len);
            if (g.name && g.members && KS_VEC_PUSH(&c->groups, g))
                return;
        }
}

static bool name_to_id(struct ctx *c, const char *name, bool group, long *id)
{
    long long v;

    if (parse_num(name, &v)) {
        *id = (long)v;
        return true;
    }
    load_accounts(c);
    if (group) {
        for (size_t i = 0; i < c->groups.len; i++)
            if (!strcmp(c->groups.items[i].name, name))
                return *id = c->groups.items[i].gid, true;
    } else {
        for (size_t i = 0; i < c->users.len; i++)
            if (!strcmp(c->users.items[i].name, name))
                return *id = c->users.items[i].uid, true;
    }
    if (!strcmp(name, "root"))
        return *id = 0, true;
    return false;
}

static const char *id_to_name(struct ctx *c, long id, bool group)
{
    load_accounts(c);
    if (group) {
        for (size_t i = 0; i < c->groups.len; i++)
            if (c->groups.items[i].gid == id)
                return c->groups.items[i].name;
    } else {
        for (size_t i = 0; i < c->users.len; i++)
            if (c->users.items[i].uid == id)
                return c->users.items[i].name;
    }
    if (id == 0)
        return "root";
    return ks_arena_printf(&c->work, "%ld", id);
}

static const char *const acct_tests[] = {
        "shadowed",         "no_empty_passwords", "uid0_only_root",   "gid0_only_root",
        "group_gid0_only_root", "unique_uid",     "unique_gid",       "unique_user",
        "unique_group",     "groups_exist",       "shadow_group_empty", "system_accounts_nologin",
        "max_days",         "min_days",           "warn_days",        "inactive",
        "last_change_past", "root_access_controlled", NULL};

bool ks_cis_accounts_test_known(const char *name)
{
    for (size_t i = 0; acct_tests[i]; i++)
        if (!strcmp(acct_tests[i], name))
            return true;
    return false;
}

static bool is_nologin(const char *shell)
{
    return ks_ends_with(shell, "/nologin") || ks_ends_with(shell, "/false");
}

static bool has_password(const char *pw)
{
    return pw[0] && pw[0] != '!' && pw[0] != '*';
}

static struct outcome eval_accounts(struct ctx *c, const struct ks_value *args)
{
    const char *test = ks_value_get_str(args, "test");
    long long lim = 0;
    bool has_lim = ks_value_str(ks_value_get(args, "value")) &&
                   parse_num(ks_value_get_str(args, "value"), &lim);

    load_accounts(c);
    if (!c->passwd_read)
        return mk(c, KS_CIS_ERROR, "cannot read /etc/passwd");
    if (!strcmp(test, "shadowed")) {
        for (size_t i = 0; i < c->users.len; i++)
            if (strcmp(c->users.items[i].pw, "x"))
                return mk(c, KS_CIS_FAILED, "/etc/passwd: user '%s' has password field '%s'",
                          c->users.items[i].name, c->users.items[i].pw[0] ? "(hash)" : "");
        return mk(c, KS_CIS_PASSED, "/etc/passwd: all %zu accounts use shadowed passwords",
                  c->users.len);
    }
    if (!strcmp(test, "uid0_only_root")) {
        for (size_t i = 0; i < c->users.len; i++)
            if (c->users.items[i].uid == 0 && strcmp(c->users.items[i].name, "root"))
                return mk(c, KS_CIS_FAILED, "/etc/passwd: '%s' has UID 0",
                          c->users.items[i].name);
        return mk(c, KS_CIS_PASSED, "/etc/passwd: only root has UID 0");
    }
    if (!strcmp(test, "gid0_only_root")) {
        static const char *const ok[] = {"root", "sync", "shutdown", "halt", "operator"};

        for (size_t i = 0; i < c->users.len; i++) {
            bool allowed = false;

            for (size_t k = 0; k < KS_ARRAY_LEN(ok); k++)
                allowed |= !strcmp(ok[k], c->users.items[i].name);
            if (c->users.items[i].gid == 0 && !allowed)
                return mk(c, KS_CIS_FAILED, "/etc/passwd: '%s' has primary GID 0",
                          c->users.items[i].name);
        }
        return mk(c, KS_CIS_PASSED, "/etc/passwd: only root has primary GID 0");
    }
    if (!strcmp(test, "groups_exist")) {
        for (size_t i = 0; i < c->users.len; i++) {
            bool found = false;

            for (size_t k = 0; k < c->groups.len && !found; k++)
                found = c->groups.items[k].gid == c->users.items[i].gid;
            if (!found)
                return mk(c, KS_CIS_FAILED, "/etc/passwd: '%s' has GID %ld, not in /etc/group",
                          c->users.items[i].name, c->users.items[i].gid);
        }
        return mk(c, KS_CIS_PASSED, "every primary group of /etc/passwd exists in /etc/group");
    }
    if (!strcmp(test, "unique_uid") || !strcmp(test, "unique_user")) {
        bool byname = !strcmp(test, "unique_user");

        for (size_t i = 0; i < c->users.len; i++)
            for (size_t k = i + 1; k < c->users.len; k++)
                if (byname ? !strcmp(c->users.items[i].name, c->users.items[k].name)
                           : c->users.items[i].uid == c->users.items[k].uid)
                    return mk(c, KS_CIS_FAILED, "/etc/passwd: '%s' and '%s' share %s %ld",
                              c->users.items[i].name, c->users.items[k].name,
                              byname ? "the name" : "UID", c->users.items[i].uid);
        return mk(c, KS_CIS_PASSED, "/etc/passwd: %zu accounts, no duplicate %s", c->users.len,
                  byname ? "names" : "UIDs");
    }
    if (!c->group_read && (!strcmp(test, "unique_gid") || !strcmp(test, "unique_group") ||
                           !strcmp(test, "group_gid0_only_root") ||
                           !strcmp(test, "shadow_group_empty")))
        return mk(c, KS_CIS_ERROR, "cannot read /etc/group");
    if (!strcmp(test, "unique_gid") || !strcmp(test, "unique_group")) {
        bool byname = !strcmp(test, "unique_group");

        for (size_t i = 0; i < c->groups.len; i++)
            for (size_t k = i + 1; k < c->groups.len; k++)
                if (byname ? !strcmp(c->groups.items[i].name, c->groups.items[k].name)
                           : c->groups.items[i].gid == c->groups.items[k].gid)
                    return mk(c, KS_CIS_FAILED, "/etc/group: '%s' and '%s' share %s %ld",
                              c->groups.items[i].name, c->groups.items[k].name,
                              byname ? "the name" : "GID", c->groups.items[i].gid);
        return mk(c, KS_CIS_PASSED, "/etc/group: %zu groups, no duplicate %s", c->groups.len,
                  byname ? "names" : "GIDs");
    }
    if (!strcmp(test, "group_gid0_only_root")) {
        for (size_t i = 0; i < c->groups.len; i++)
            if (c->groups.items[i].gid == 0 && strcmp(c->groups.items[i].name, "root"))
                return mk(c, KS_CIS_FAILED, "/etc/group: group '%s' has GID 0",
                          c->groups.items[i].name);
        return mk(c, KS_CIS_PASSED, "/etc/group: only group root has GID 0");
    }
    if (!strcmp(test, "shadow_group_empty")) {
        for (size_t i = 0; i < c->groups.len; i++) {
            if (strcmp(c->groups.items[i].name, "shadow"))
                continue;
            if (c->groups.items[i].members[0])
                return mk(c, KS_CIS_FAILED, "/etc/group: group shadow has members '%s'",
                          c->groups.items[i].members);
            for (size_t k = 0; k < c->users.len; k++)
                if (c->users.items[k].gid == c->groups.items[i].gid)
                    return mk(c, KS_CIS_FAILED, "/etc/passwd: '%s' has primary group shadow",
                              c->users.items[k].name);
        }
        return mk(c, KS_CIS_PASSED, "group shadow has no members");
    }
    if (!strcmp(test, "system_accounts_nologin")) {
        static const char *const ok[] = {"root", "sync", "shutdown", "halt", "nfsnobody"};
        long uid_min = 1000;
        const struct cfile *f = get_file(c, "/etc/login.defs");
        size_t pos = 0, n;
        const char *line;

        while (f && !f->err && next_line(f->data, f->len, &pos, &line, &n)) {
            long long v;
            char tmp[64];

            if (n > 7 && n < sizeof(tmp) && !strncmp(line, "UID_MIN", 7) && isspace((unsigned char)line[7])) {
                memcpy(tmp, line + 7, n - 7);
                tmp[n - 7] = '\0';
                if (parse_num(tmp, &v))
                    uid_min = (long)v;
            }
        }
        for (size_t i = 0; i < c->users.len; i++) {
            const struct account *a = &c->users.items[i];
            bool allowed = false;

            for (size_t k = 0; k < KS_ARRAY_LEN(ok); k++)
                allowed |= !strcmp(ok[k], a->name);
            if (!allowed && a->uid < uid_min && a->uid != 65534 && !is_nologin(a->shell))
                return mk(c, KS_CIS_FAILED, "/etc/passwd: system account '%s' (UID %ld) has "
                                            "login shell '%s'", a->name, a->uid, a->shell);
        }
        return mk(c, KS_CIS_PASSED, "no system account below UID %ld has a login shell",
                  uid_min);
    }
    if (!c->shadow_read)
        return mk(c, KS_CIS_ERROR, "cannot read /etc/shadow");
    if (!strcmp(test, "no_empty_passwords")) {
        for (size_t i = 0; i < c->shadow.len; i++)
            if (!c->shadow.items[i].pw[0])
                return mk(c, KS_CIS_FAILED, "/etc/shadow: '%s' has an empty password",
                          c->shadow.items[i].name);
        return mk(c, KS_CIS_PASSED, "/etc/shadow: no empty password fields");
    }
    if (!strcmp(test, "root_access_controlled")) {
        for (size_t i = 0; i < c->shadow.len; i++)
            if (!strcmp(c->shadow.items[i].name, "root")) {
                const char *pw = c->shadow.items[i].pw;

                /* as `passwd -S`: P (a password) or L (locked) pass, NP fails */
                if (pw[0])
                    return mk(c, KS_CIS_PASSED, "/etc/shadow: root is %s",
                              pw[0] == '!' || pw[0] == '*' ? "locked" : "protected by a password");
                return mk(c, KS_CIS_FAILED, "/etc/shadow: root has an empty password field");
            }
        return mk(c, KS_CIS_FAILED, "/etc/shadow: no entry for root");
    }
    if (!strcmp(test, "last_change_past")) {
        long today = (long)(time(NULL) / 86400);

        for (size_t i = 0; i < c->shadow.len; i++)
            if (c->shadow.items[i].last > today)
                return mk(c, KS_CIS_FAILED, "/etc/shadow: '%s' last changed on day %ld, in the "
                                            "future", c->shadow.items[i].name,
                          c->shadow.items[i].last);
        return mk(c, KS_CIS_PASSED, "/etc/shadow: no password change date in the future");
    }
    /* max_days / min_days / warn_days / inactive: for accounts with a password */
    {
        size_t checked = 0;

        if (!has_lim)
            return mk(c, KS_CIS_ERROR, "accounts test '%s' needs a numeric 'value'", test);
        for (size_t i = 0; i < c->shadow.len; i++) {
            const struct shadow_ent *s = &c->shadow.items[i];
            long v;
            bool ok;

            if (!has_password(s->pw))
                continue;
            checked++;
            if (!strcmp(test, "max_days"))
                v = s->max, ok = v > 0 && v <= lim;
            else if (!strcmp(test, "min_days"))
                v = s->min, ok = v >= lim;
            else if (!strcmp(test, "warn_days"))
                v = s->warn, ok = v >= lim;
            else
                v = s->inactive, ok = v >= 0 && v <= lim;
            if (!ok)
                return mk(c, KS_CIS_FAILED, "/etc/shadow: '%s' has %s %s (required %s %lld)",
                          s->name, test, v < 0 ? "unset" : "", !strcmp(test, "max_days") ||
                          !strcmp(test, "inactive") ? "<=" : ">=", lim) ;
        }
        return mk(c, KS_CIS_PASSED, "/etc/shadow: %zu accounts with a password satisfy %s",
                  checked, test);
    }
}

/* ---- primitives ---- */

static struct outcome eval(struct ctx *c, const struct ks_value *check, unsigned depth);

static const char *missing_mode(const struct ks_value *args, const char *dflt)
{
    const char *m = ks_value_get_str(args, "missing");

    return m ? m : dflt;
}

static struct outcome missing_outcome(struct ctx *c, const char *mode, const char *what)
{
    if (!strcmp(mode, "pass"))
        return mk(c, KS_CIS_PASSED, "%s does not exist", what);
    if (!strcmp(mode, "skip"))
        return mk(c, KS_CIS_SKIPPED, "not applicable: %s does not exist", what);
    return mk(c, KS_CIS_FAILED, "%s does not exist", what);
}

static bool id_allowed(struct ctx *c, const struct ks_value *names, long id, bool group)
{
    for (size_t i = 0; i < (ks_value_is(names, KS_VSTRING) ? 1 : ks_value_len(names)); i++) {
        const char *n = ks_value_is(names, KS_VSTRING) ? names->u.s.ptr
                                                       : ks_value_at(names, i)->u.s.ptr;
        long want;

        if (name_to_id(c, n, group, &want) && want == id)
            return true;
    }
    return false;
}

static struct outcome eval_file(struct ctx *c, const struct ks_value *args)
{
    pathvec paths = KS_VEC_INIT;
    const char *path = ks_value_get_str(args, "path");
    const char *mode_s = ks_value_get_str(args, "mode");
    const struct ks_value *owner = ks_value_get(args, "owner"), *group = ks_value_get(args, "group");
    unsigned maxmode = 07777;
    struct outcome o = {KS_CIS_PASSED, NULL};
    size_t found = 0;
    char first[512] = "";

    if (mode_s)
        ks_cis_parse_mode(mode_s, &maxmode);
    if (expand_path(c, path, &paths)) {
        KS_VEC_RELEASE(&paths);
        return mk(c, KS_CIS_ERROR, "out of memory");
    }
    for (size_t i = 0; i < paths.len && o.st == KS_CIS_PASSED; i++) {
        struct stat st;
        ks_err err = ks_rootfs_stat(c->t->root, paths.items[i], true, &st);
        unsigned m;

        if (err == KS_ENOTFOUND)
            continue;
        if (err) {
            o = mk(c, KS_CIS_ERROR, "cannot stat '%s'", paths.items[i]);
            break;
        }
        found++;
        m = st.st_mode & 07777;
        if (mode_s && (m & ~maxmode))
            o = mk(c, KS_CIS_FAILED, "%s: mode %04o is more permissive than %04o",
                   paths.items[i], m, maxmode);
        else if (owner && !id_allowed(c, owner, (long)st.st_uid, false))
            o = mk(c, KS_CIS_FAILED, "%s: owner %s (%u) is not allowed", paths.items[i],
                   id_to_name(c, (long)st.st_uid, false), (unsigned)st.st_uid);
        else if (group && !id_allowed(c, group, (long)st.st_gid, true))
            o = mk(c, KS_CIS_FAILED, "%s: group %s (%u) is not allowed", paths.items[i],
                   id_to_name(c, (long)st.st_gid, true), (unsigned)st.st_gid);
        else if (!first[0])
            snprintf(first, sizeof(first), "%s: mode %04o owner %s group %s", paths.items[i], m,
                     id_to_name(c, (long)st.st_uid, false), id_to_name(c, (long)st.st_gid, true));
    }
    KS_VEC_RELEASE(&paths);
    if (o.st != KS_CIS_PASSED)
        return o;
    if (!found)
        return missing_outcome(c, missing_mode(args, "fail"), path);
    if (found > 1)
        return mk(c, KS_CIS_PASSED, "%s (and %zu more)", first, found - 1);
    return mk(c, KS_CIS_PASSED, "%s", first);
}

static struct outcome eval_exists(struct ctx *c, const char *path, bool want)
{
    pathvec paths = KS_VEC_INIT;
    const char *hit = NULL;

    if (expand_path(c, path, &paths)) {
        KS_VEC_RELEASE(&paths);
        return mk(c, KS_CIS_ERROR, "out of memory");
    }
    for (size_t i = 0; i < paths.len && !hit; i++) {
        struct stat st;

        if (!ks_rootfs_stat(c->t->root, paths.items[i], false, &st))
            hit = paths.items[i];
    }
    KS_VEC_RELEASE(&paths);
    if (hit)
        return mk(c, want ? KS_CIS_PASSED : KS_CIS_FAILED, "%s exists", hit);
    return mk(c, want ? KS_CIS_FAILED : KS_CIS_PASSED, "%s does not exist", path);
}

static unsigned line_of(const char *data, size_t off)
{
    unsigned n = 1;

    for (size_t i = 0; i < off; i++)
        n += data[i] == '\n';
    return n;
}

static struct outcome eval_content(struct ctx *c, const struct ks_value *args)
{
    pathvec paths = KS_VEC_INIT;
    const char *pattern = ks_value_get_str(args, "pattern");
    const char *expect = ks_value_get_str(args, "expect");
    bool absent = expect && !strcmp(expect, "absent");
    bool multiline = ks_value_bool(ks_value_get(args, "multiline"), false);
    bool icase = ks_value_bool(ks_value_get(args, "icase"), false);
    struct outcome o;
    regex_t rx;
    size_t readable = 0;
    char names[300] = "";

    if (rx_comp(&rx, pattern, REG_EXTENDED | REG_NEWLINE | (icase ? REG_ICASE : 0)))
        return mk(c, KS_CIS_ERROR, "bad pattern '%s'", pattern);
    if (gather_files(c, args, &paths)) {
        o = mk(c, KS_CIS_ERROR, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < paths.len; i++) {
        const struct cfile *f = get_file(c, paths.items[i]);
        size_t pos = 0, n;
        const char *line;

        if (!f || f->err == KS_ENOTFOUND)
            continue;
        if (f->err) {
            o = mk(c, KS_CIS_ERROR, "cannot read '%s'", paths.items[i]);
            goto done;
        }
        readable++;
        if (strlen(names) + strlen(paths.items[i]) + 3 < sizeof(names))
            snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
                     names[0] ? ", " : "", paths.items[i]);
        if (multiline) {
            regmatch_t m;

            if (!regexec(&rx, f->data, 1, &m, 0)) {
                size_t start = (size_t)m.rm_so, end = (size_t)m.rm_so;

                /* show the whole first line of the match */
                while (start > 0 && f->data[start - 1] != '\n')
                    start--;
                while (end < f->len && f->data[end] != '\n')
                    end++;
                o = mk(c, absent ? KS_CIS_FAILED : KS_CIS_PASSED, "%s:%u: %.*s", paths.items[i],
                       line_of(f->data, start), (int)KS_MIN(end - start, 200), f->data + start);
                goto done;
            }
            continue;
        }
        for (unsigned ln = 1; next_line(f->data, f->len, &pos, &line, &n); ln++) {
            char buf[2048];

            if (n >= sizeof(buf))
                n = sizeof(buf) - 1;
            memcpy(buf, line, n);
            buf[n] = '\0';
            if (!regexec(&rx, buf, 0, NULL, 0)) {
                o = mk(c, absent ? KS_CIS_FAILED : KS_CIS_PASSED, "%s:%u: %.200s",
                       paths.items[i], ln, buf);
                goto done;
            }
        }
    }
    if (!readable) {
        const char *what = ks_value_get_str(args, "path");

        if (!what)
            what = ks_value_get_str(args, "dir");
        if (!what)
            what = "no configuration file";
        o = missing_outcome(c, missing_mode(args, absent ? "pass" : "fail"), what);
        goto done;
    }
    o = mk(c, absent ? KS_CIS_PASSED : KS_CIS_FAILED, "no line matches /%s/ in %s", pattern,
           names);
done:
    regfree(&rx);
    KS_VEC_RELEASE(&paths);
    return o;
}

static struct outcome value_outcome(struct ctx *c, const struct ks_value *args, const char *key,
                                    const char *val, const char *file, unsigned line)
{
    char want[300];
    bool ok = compare(args, val, want, sizeof(want));

    if (!val)
        return mk(c, ok ? KS_CIS_PASSED : KS_CIS_FAILED, "%s is not set (required: %s)", key,
                  want);
    if (file)
        return mk(c, ok ? KS_CIS_PASSED : KS_CIS_FAILED, "%s:%u: %s %s (required: %s)", file,
                  line, key, val, want);
    return mk(c, ok ? KS_CIS_PASSED : KS_CIS_FAILED, "%s %s by default (required: %s)", key, val,
              want);
}

static struct outcome eval_kv(struct ctx *c, const struct ks_value *args)
{
    pathvec paths = KS_VEC_INIT;
    const char *key = ks_value_get_str(args, "key");
    const char *sep = ks_value_get_str(args, "sep");
    const char *section = ks_value_get_str(args, "section");
    bool first = ks_value_bool(ks_value_get(args, "first"), false);
    bool icase = ks_value_bool(ks_value_get(args, "icase"), false);
    const char *val = NULL, *file = NULL;
    unsigned vline = 0;
    struct outcome o;
    char vbuf[512];

    if (gather_files(c, args, &paths)) {
        KS_VEC_RELEASE(&paths);
        return mk(c, KS_CIS_ERROR, "out of memory");
    }
    for (size_t i = 0; i < paths.len && !(first && val); i++) {
        const struct cfile *f = get_file(c, paths.items[i]);
        size_t pos = 0, n;
        const char *line;
        bool in_section = !section;

        if (!f || f->err)
            continue;
        for (unsigned ln = 1; next_line(f->data, f->len, &pos, &line, &n); ln++) {
            struct ks_str s = ks_str_trim((struct ks_str){line, n}), v;
            size_t klen = strlen(key);

            if (!s.len || s.ptr[0] == '#' || s.ptr[0] == ';')
                continue;
            if (s.ptr[0] == '[') {
                in_section = section && s.len == strlen(section) + 2 &&
                             !strncmp(s.ptr + 1, section, strlen(section));
                continue;
            }
            if (!in_section || s.len < klen ||
                (icase ? strncasecmp(s.ptr, key, klen) : strncmp(s.ptr, key, klen)))
                continue;
            v = (struct ks_str){s.ptr + klen, s.len - klen};
            if (sep && !strcmp(sep, "=")) {
                v = ks_str_trim(v);
                if (!v.len || v.ptr[0] != '=')
                    continue;
                v = ks_str_trim((struct ks_str){v.ptr + 1, v.len - 1});
            } else {
                if (!v.len || (v.ptr[0] != ' ' && v.ptr[0] != '\t'))
                    continue;
                v = ks_str_trim(v);
            }
            snprintf(vbuf, sizeof(vbuf), "%.*s", (int)KS_MIN(v.len, sizeof(vbuf) - 1), v.ptr);
            val = ks_arena_strdup(c->out, vbuf);
            file = paths.items[i];
            vline = ln;
            if (first)
                break;
        }
    }
    KS_VEC_RELEASE(&paths);
    if (!val && ks_value_get_str(args, "default"))
        return value_outcome(c, args, key, ks_value_get_str(args, "default"), NULL, 0);
    o = value_outcome(c, args, key, val, file, vline);
    return o;
}

static struct outcome eval_sshd(struct ctx *c, const struct ks_value *args)
{
    const char *key = ks_value_get_str(args, "key");
    const struct ks_cis_setting *s;
    char lkey[64];
    size_t i;

    if (!c->sshd_done) {
        c->sshd_done = true;
        c->sshd_err = ks_cis_sshd_effective(c->t->root, c->t->limits, &c->sshd, &c->sshd_diag);
    }
    if (c->sshd_err == KS_ENOTFOUND)
        return mk(c, KS_CIS_SKIPPED, "not applicable: no /etc/ssh/sshd_config");
    if (c->sshd_err)
        return mk(c, KS_CIS_ERROR, "%s", c->sshd_diag.msg);
    for (i = 0; key[i] && i + 1 < sizeof(lkey); i++)
        lkey[i] = (char)tolower((unsigned char)key[i]);
    lkey[i] = '\0';
    s = ks_cis_settings_get(&c->sshd, lkey);
    if (!s && ks_value_get_str(args, "default"))
        return value_outcome(c, args, key, ks_value_get_str(args, "default"), NULL, 0);
    return value_outcome(c, args, key, s ? s->value : NULL, s ? s->file : NULL, s ? s->line : 0);
}

static struct outcome eval_sysctl(struct ctx *c, const struct ks_value *args)
{
    const char *key = ks_value_get_str(args, "key");
    const struct ks_cis_setting *s;
    struct outcome o;

    if (!c->sysctl_done) {
        c->sysctl_done = true;
        c->sysctl_err =
                ks_cis_sysctl_effective(c->t->root, c->t->limits, &c->sysctl, &c->sysctl_diag);
    }
    if (c->sysctl_err)
        return mk(c, KS_CIS_ERROR, "%s", c->sysctl_diag.msg);
    s = ks_cis_settings_get(&c->sysctl, key);
    if (!s && ks_value_get_str(args, "default"))
        o = value_outcome(c, args, key, ks_value_get_str(args, "default"), NULL, 0);
    else
        o = value_outcome(c, args, key, s ? s->value : NULL, s ? s->file : NULL,
                          s ? s->line : 0);
    if (o.st == KS_CIS_PASSED && c->t->live) {
        /* on a running host the value in effect must match too */
        char path[300];
        const struct cfile *f;

        snprintf(path, sizeof(path), "/proc/sys/%s", key);
        for (char *p = path + 10; *p; p++)
            if (*p == '.')
                *p = '/';
        f = get_file(c, path);
        if (f && !f->err) {
            char want[300], run[128];
            struct ks_str v = ks_str_trim((struct ks_str){f->data, f->len});

            snprintf(run, sizeof(run), "%.*s", (int)KS_MIN(v.len, sizeof(run) - 1), v.ptr);
            if (!compare(args, run, want, sizeof(want)))
                return mk(c, KS_CIS_FAILED, "%s is %s in the running kernel (required: %s)", key,
                          run, want);
        }
    }
    return o;
}

/* ---- packages and units ---- */

static struct outcome eval_package(struct ctx *c, const struct ks_value *names, bool want)
{
    size_t n = ks_value_is(names, KS_VSTRING) ? 1 : ks_value_len(names);

    if (!c->t->pkg_installed)
        return mk(c, KS_CIS_ERROR, "the package database of the target could not be read");
    for (size_t i = 0; i < n; i++) {
        const char *p = ks_value_is(names, KS_VSTRING) ? names->u.s.ptr
                                                       : ks_value_at(names, i)->u.s.ptr;
        bool inst = c->t->pkg_installed(c->t->pkg_ctx, p);

        if (want && !inst)
            return mk(c, KS_CIS_FAILED, "package '%s' is not installed", p);
        if (!want && inst)
            return mk(c, KS_CIS_FAILED, "package '%s' is installed", p);
    }
    if (n == 1)
        return mk(c, KS_CIS_PASSED, "package '%s' is %sinstalled",
                  ks_value_is(names, KS_VSTRING) ? names->u.s.ptr : ks_value_at(names, 0)->u.s.ptr,
                  want ? "" : "not ");
    return mk(c, KS_CIS_PASSED, "none of the %zu packages is installed", n);
}

static const char *const unit_dirs[] = {"/etc/systemd/system", "/run/systemd/system",
                                        "/usr/lib/systemd/system", "/lib/systemd/system"};

struct wants_scan {
    struct ctx *c;
    const char *dir;
};

static ks_err wants_unit_fn(const char *name, unsigned char type, void *arg)
{
    struct wants_scan *w = arg;
    const char *k, *v;

    KS_UNUSED(type);
    if (ks_map_get(&w->c->enabled, name, strlen(name)))
        return KS_OK;
    k = ks_arena_strdup(&w->c->work, name);
    v = ks_arena_printf(&w->c->work, "%s/%s", w->dir, name);
    if (!k || !v)
        return KS_ENOMEM;
    return ks_map_put(&w->c->enabled, k, strlen(k), (void *)(uintptr_t)v);
}

static ks_err wants_dir_fn(const char *name, unsigned char type, void *arg)
{
    struct wants_scan *w = arg, inner;
    char *sub;
    ks_err err;

    KS_UNUSED(type);
    if (!ks_ends_with(name, ".wants") && !ks_ends_with(name, ".requires"))
        return KS_OK;
    sub = ks_arena_printf(&w->c->work, "%s/%s", w->dir, name);
    if (!sub)
        return KS_ENOMEM;
    inner.c = w->c;
    inner.dir = sub;
    err = ks_rootfs_list(w->c->t->root, sub, wants_unit_fn, &inner, NULL);
    return err == KS_ENOTFOUND || err == KS_EIO ? KS_OK : err;
}

static void load_units(struct ctx *c)
{
    if (c->units_done)
        return;
    c->units_done = true;
    for (size_t i = 0; i < KS_ARRAY_LEN(unit_dirs); i++) {
        struct wants_scan w = {c, unit_dirs[i]};

        ks_rootfs_list(c->t->root, unit_dirs[i], wants_dir_fn, &w, NULL);
    }
}

static const char *unit_name(struct ctx *c, const char *name)
{
    if (strchr(name, '.'))
        return name;
    return ks_arena_printf(&c->work, "%s.service", name);
}

/* Where `unit` is masked (a link to /dev/null), or NULL. */
static const char *unit_masked(struct ctx *c, const char *unit)
{
    static const char *const dirs[] = {"/etc/systemd/system", "/run/systemd/system"};

    for (size_t i = 0; i < KS_ARRAY_LEN(dirs); i++) {
        char path[512], target[256];
        int fd;
        ssize_t n;

        snprintf(path, sizeof(path), "%s/%s", dirs[i], unit);
        fd = ks_rootfs_openat(c->t->root, path, O_PATH | O_NOFOLLOW);
        if (fd < 0)
            continue;
        n = readlinkat(fd, "", target, sizeof(target) - 1);
        close(fd);
        if (n > 0) {
            target[n] = '\0';
            if (!strcmp(target, "/dev/null"))
                return ks_arena_strdup(c->out, path);
        }
    }
    return NULL;
}

/* Whether a unit file for `unit` exists anywhere. */
static bool unit_exists(struct ctx *c, const char *unit)
{
    for (size_t i = 0; i < KS_ARRAY_LEN(unit_dirs); i++) {
        char path[512];
        struct stat st;

        snprintf(path, sizeof(path), "%s/%s", unit_dirs[i], unit);
        if (!ks_rootfs_stat(c->t->root, path, false, &st))
            return true;
    }
    return false;
}

static struct outcome eval_service(struct ctx *c, const struct ks_value *names, int want)
{
    /* want: 1 enabled, 0 not enabled (or absent or masked), 2 masked */
    size_t n = ks_value_is(names, KS_VSTRING) ? 1 : ks_value_len(names);
    const char *last = "";

    load_units(c);
    for (size_t i = 0; i < n; i++) {
        const char *u = unit_name(c, ks_value_is(names, KS_VSTRING)
                                             ? names->u.s.ptr
                                             : ks_value_at(names, i)->u.s.ptr);
        const char *link, *masked;

        if (!u)
            return mk(c, KS_CIS_ERROR, "out of memory");
        last = u;
        link = ks_map_get(&c->enabled, u, strlen(u));
        masked = unit_masked(c, u);
        if (want == 1 && (masked || !link))
            return mk(c, KS_CIS_FAILED, masked ? "%s is masked (%s)" : "%s is not enabled%s", u,
                      masked ? masked : "");
        if (want == 0 && link && !masked)
            return mk(c, KS_CIS_FAILED, "%s is enabled (%s)", u, link);
        if (want == 2 && !masked)
            return mk(c, KS_CIS_FAILED, "%s is not masked%s", u,
                      unit_exists(c, u) ? "" : " (no unit file)");
        if (want == 1 && n == 1)
            return mk(c, KS_CIS_PASSED, "%s is enabled (%s)", u, link);
    }
    if (want == 2)
        return mk(c, KS_CIS_PASSED, "%s is masked", last);
    if (n == 1)
        return mk(c, KS_CIS_PASSED, "%s is %s", last,
                  unit_exists(c, last) ? "not enabled" : "not installed");
    return mk(c, KS_CIS_PASSED, "none of the %zu units is enabled", n);
}

/* ---- mounts ---- */

static void add_mounts(struct ctx *c, const char *path, bool proc)
{
    const struct cfile *f = get_file(c, path);
    size_t pos = 0, n;
    const char *line;

    if (!f || f->err)
        return;
    for (unsigned ln = 1; next_line(f->data, f->len, &pos, &line, &n); ln++) {
        char buf[1024], *save = NULL, *spec, *dir, *type, *opts;
        struct mnt m;

        if (n >= sizeof(buf))
            continue;
        memcpy(buf, line, n);
        buf[n] = '\0';
        spec = strtok_r(buf, " \t", &save);
        if (!spec || spec[0] == '#')
            continue;
        dir = strtok_r(NULL, " \t", &save);
        type = strtok_r(NULL, " \t", &save);
        opts = strtok_r(NULL, " \t", &save);
        if (!dir || !type || !opts || !strcmp(type, "swap"))
            continue;
        m.dir = ks_arena_strdup(&c->work, dir);
        m.opts = ks_arena_strdup(&c->work, opts);
        m.source = ks_arena_printf(&c->work, "%s:%u", proc ? path : path, ln);
        if (m.dir && m.opts && m.source)
            KS_VEC_PUSH(&c->mounts, m);
    }
}

/* systemd .mount units enabled for a path (e.g. tmp.mount). */
static void add_mount_unit(struct ctx *c, const char *dir)
{
    char unit[300], path[512];
    size_t k = 0;

    for (const char *p = dir + 1; *p && k + 8 < sizeof(unit); p++)
        unit[k++] = *p == '/' ? '-' : *p;
    unit[k] = '\0';
    snprintf(unit + k, sizeof(unit) - k, ".mount");
    load_units(c);
    if (!ks_map_get(&c->enabled, unit, strlen(unit)) || unit_masked(c, unit))
        return;
    for (size_t i = 0; i < KS_ARRAY_LEN(unit_dirs); i++) {
        const struct cfile *f;
        size_t pos = 0, n;
        const char *line;

        snprintf(path, sizeof(path), "%s/%s", unit_dirs[i], unit);
        f = get_file(c, path);
        if (!f || f->err)
            continue;
        for (unsigned ln = 1; next_line(f->data, f->len, &pos, &line, &n); ln++) {
            struct mnt m;

            if (n < 8 || strncmp(line, "Options=", 8))
                continue;
            m.dir = ks_arena_strdup(&c->work, dir);
            m.opts = ks_arena_strndup(&c->work, line + 8, n - 8);
            m.source = ks_arena_printf(&c->work, "%s:%u", path, ln);
            if (m.dir && m.opts && m.source)
                KS_VEC_PUSH(&c->mounts, m);
            return;
        }
        return;
    }
}

static const struct mnt *find_mount(struct ctx *c, const char *dir)
{
    const struct mnt *found = NULL;

    if (!c->mounts_done) {
        c->mounts_done = true;
        if (c->t->live)
            add_mounts(c, "/proc/self/mounts", true);
        else
            add_mounts(c, "/etc/fstab", false);
    }
    /* the last mount on a directory is the one in effect */
    for (size_t i = 0; i < c->mounts.len; i++)
        if (!strcmp(c->mounts.items[i].dir, dir))
            found = &c->mounts.items[i];
    if (!found && !c->t->live) {
        size_t before = c->mounts.len;

        add_mount_unit(c, dir);
        if (c->mounts.len > before)
            found = &c->mounts.items[c->mounts.len - 1];
    }
    return found;
}

static bool opt_has(const char *opts, const char *o)
{
    return list_has(opts, o);
}

static struct outcome eval_mount(struct ctx *c, const struct ks_value *args)
{
    const char *dir = ks_value_get_str(args, "path");
    const struct ks_value *opts = ks_value_get(args, "options");
    const char *implicit = ks_value_get_str(args, "implicit");
    const struct mnt *m = find_mount(c, dir);
    struct mnt imp;

    if (!m && implicit && !c->t->live) {
        /* e.g. /dev/shm: always mounted by systemd with these options */
        imp.dir = dir;
        imp.opts = implicit;
        imp.source = "systemd default";
        m = &imp;
    }
    if (!opts) {
        if (m)
            return mk(c, KS_CIS_PASSED, "%s: %s is a separate mount (%s)", m->source, dir,
                      m->opts);
        return mk(c, KS_CIS_FAILED, "%s is not a separate mount in %s", dir,
                  c->t->live ? "/proc/self/mounts" : "/etc/fstab");
    }
    if (!m)
        return mk(c, KS_CIS_SKIPPED, "not applicable: %s is not a separate mount", dir);
    for (size_t i = 0; i < (ks_value_is(opts, KS_VSTRING) ? 1 : ks_value_len(opts)); i++) {
        const char *o = ks_value_is(opts, KS_VSTRING) ? opts->u.s.ptr
                                                      : ks_value_at(opts, i)->u.s.ptr;

        if (!opt_has(m->opts, o))
            return mk(c, KS_CIS_FAILED, "%s: %s is mounted without %s (%s)", m->source, dir, o,
                      m->opts);
    }
    return mk(c, KS_CIS_PASSED, "%s: %s mounted with %s", m->source, dir, m->opts);
}

/* ---- kernel modules ---- */

static void norm_mod(char *s)
{
    for (; *s; s++)
        if (*s == '-')
            *s = '_';
}

static const char *const modprobe_dirs[] = {"/etc/modprobe.d", "/run/modprobe.d",
                                            "/usr/local/lib/modprobe.d", "/usr/lib/modprobe.d",
                                            "/lib/modprobe.d"};

static ks_err kernel_fn(const char *name, unsigned char type, void *arg)
{
    struct ctx *c = arg;
    char path[512];

    KS_UNUSED(type);
    snprintf(path, sizeof(path), "/lib/modules/%s/modules.dep", name);
    if (!ks_rootfs_read(c->t->root, path, c->t->limits->max_file_size, &c->moddep, NULL)) {
        c->kernels_present = true;
        ks_buf_addc(&c->moddep, '\n');
    }
    snprintf(path, sizeof(path), "/lib/modules/%s/modules.builtin", name);
    if (!ks_rootfs_read(c->t->root, path, c->t->limits->max_file_size, &c->moddep, NULL))
        ks_buf_addc(&c->moddep, '\n');
    return KS_OK;
}

static void load_kmod(struct ctx *c)
{
    pathvec files = KS_VEC_INIT;

    if (c->kmod_done)
        return;
    c->kmod_done = true;
    /* same-name masking across directories, then lexical order */
    for (size_t i = 0; i < KS_ARRAY_LEN(modprobe_dirs); i++) {
        pathvec here = KS_VEC_INIT;

        expand_dir(c, modprobe_dirs[i], "*.conf", &here);
        for (size_t k = 0; k < here.len; k++) {
            const char *base = strrchr(here.items[k], '/') + 1;
            bool masked = false;

            for (size_t j = 0; j < files.len && !masked; j++)
                masked = !strcmp(strrchr(files.items[j], '/') + 1, base);
            if (!masked)
                KS_VEC_PUSH(&files, here.items[k]);
        }
        KS_VEC_RELEASE(&here);
    }
    for (size_t i = 0; i < files.len; i++) {
        const struct cfile *f = get_file(c, files.items[i]);
        size_t pos = 0, n;
        const char *line;

        if (!f || f->err)
            continue;
        for (unsigned ln = 1; next_line(f->data, f->len, &pos, &line, &n); ln++) {
            char buf[512], *save = NULL, *cmd, *mod, *rest;
            const char *ev;

            if (n >= sizeof(buf))
                continue;
            memcpy(buf, line, n);
            buf[n] = '\0';
            cmd = strtok_r(buf, " \t", &save);
            mod = cmd ? strtok_r(NULL, " \t", &save) : NULL;
            if (!mod)
                continue;
            norm_mod(mod);
            ev = ks_arena_printf(&c->work, "%s:%u: %.*s", files.items[i], ln, (int)n, line);
            mod = ks_arena_strdup(&c->work, mod);
            if (!ev || !mod)
                continue;
            if (!strcmp(cmd, "blacklist")) {
                ks_map_put(&c->kmod_blacklist, mod, strlen(mod), (void *)(uintptr_t)ev);
            } else if (!strcmp(cmd, "install")) {
                rest = strtok_r(NULL, " \t", &save);
                /* only a command that refuses to load counts as disabling */
                if (rest && (ks_ends_with(rest, "/false") || ks_ends_with(rest, "/true")))
                    ks_map_put(&c->kmod_install, mod, strlen(mod), (void *)(uintptr_t)ev);
                else
                    ks_map_put(&c->kmod_install, mod, strlen(mod), NULL);
            }
        }
    }
    KS_VEC_RELEASE(&files);
    ks_rootfs_list(c->t->root, "/lib/modules", kernel_fn, c, NULL);
}

static struct outcome eval_kmod(struct ctx *c, const char *name)
{
    char mod[128], needle[140];
    const char *inst, *bl;

    snprintf(mod, sizeof(mod), "%s", name);
    norm_mod(mod);
    load_kmod(c);
    inst = ks_map_get(&c->kmod_install, mod, strlen(mod));
    bl = ks_map_get(&c->kmod_blacklist, mod, strlen(mod));
    if (inst && bl)
        return mk(c, KS_CIS_PASSED, "%s; %s", inst, bl);
    if (c->kernels_present) {
        /* modules.dep spells the file name with '-' or '_' as shipped */
        char alt[128];
        bool shipped;

        snprintf(alt, sizeof(alt), "%s", name);
        for (char *p = alt; *p; p++)
            if (*p == '_')
                *p = '-';
        snprintf(needle, sizeof(needle), "/%s.ko", mod);
        shipped = strstr(ks_buf_str(&c->moddep), needle) != NULL;
        snprintf(needle, sizeof(needle), "/%s.ko", alt);
        shipped |= strstr(ks_buf_str(&c->moddep), needle) != NULL;
        if (!shipped)
            return mk(c, KS_CIS_PASSED, "module %s is not shipped by any installed kernel", mod);
    }
    if (!inst)
        return mk(c, KS_CIS_FAILED, "no 'install %s /bin/false' in modprobe.d%s", mod,
                  bl ? "" : " and no blacklist entry");
    return mk(c, KS_CIS_FAILED, "%s, but no 'blacklist %s'", inst, mod);
}

/* ---- PAM ---- */

struct pam_line {
    const char *file;
    unsigned line;
    char text[512];
    char *args[32];
    size_t nargs;
};

typedef KS_VEC(struct pam_line) pamvec;

static void pam_collect(struct ctx *c, const char *service, const char *type, const char *module,
                        pamvec *out, unsigned depth)
{
    char path[300];
    const struct cfile *f;
    size_t pos = 0, n;
    const char *line;

    if (depth > 8)
        return;
    snprintf(path, sizeof(path), "/etc/pam.d/%s", service);
    f = get_file(c, path);
    if (!f || f->err)
        return;
    for (unsigned ln = 1; next_line(f->data, f->len, &pos, &line, &n); ln++) {
        struct pam_line pl;
        char *save = NULL, *t, *ctl, *mod, *a;
        const char *base;

        if (n >= sizeof(pl.text))
            continue;
        memcpy(pl.text, line, n);
        pl.text[n] = '\0';
        t = strtok_r(pl.text, " \t", &save);
        if (!t || t[0] == '#')
            continue;
        if (!strcmp(t, "@include")) {
            a = strtok_r(NULL, " \t", &save);
            if (a)
                pam_collect(c, a, type, module, out, depth + 1);
            continue;
        }
        if (t[0] == '-')
            t++;
        ctl = save;
        while (*ctl == ' ' || *ctl == '\t')
            ctl++;
        if (*ctl == '[') {
            char *e = strchr(ctl, ']');

            if (!e)
                continue;
            save = e + 1;
        } else {
            strtok_r(NULL, " \t", &save);
        }
        mod = strtok_r(NULL, " \t", &save);
        if (!mod)
            continue;
        base = strrchr(mod, '/') ? strrchr(mod, '/') + 1 : mod;
        if (strcmp(base, module) || (type && strcmp(t, type)))
            continue;
        pl.file = f == NULL ? "" : ks_arena_strdup(&c->work, path);
        pl.line = ln;
        pl.nargs = 0;
        while ((a = strtok_r(NULL, " \t", &save)) && pl.nargs < KS_ARRAY_LEN(pl.args))
            pl.args[pl.nargs++] = a;
        /* args point into pl.text, which moves with the vector: store offsets */
        for (size_t k = 0; k < pl.nargs; k++)
            pl.args[k] = (char *)(uintptr_t)(pl.args[k] - pl.text);
        if (KS_VEC_PUSH(out, pl))
            return;
    }
}

static const char *pam_arg(const struct pam_line *pl, size_t k)
{
    return pl->text + (uintptr_t)pl->args[k];
}

static const char *pam_find_arg(const struct pam_line *pl, const char *name, const char **val)
{
    size_t n = strlen(name);

    for (size_t k = 0; k < pl->nargs; k++) {
        const char *a = pam_arg(pl, k);

        if (!strncmp(a, name, n) && (a[n] == '\0' || a[n] == '=')) {
            if (val)
                *val = a[n] == '=' ? a + n + 1 : NULL;
            return a;
        }
    }
    return NULL;
}

static struct outcome eval_pam(struct ctx *c, const struct ks_value *args)
{
    const char *service = ks_value_get_str(args, "service");
    const char *type = ks_value_get_str(args, "type");
    const char *module = ks_value_get_str(args, "module");
    bool present = ks_value_bool(ks_value_get(args, "present"), true);
    const struct ks_value *absent = ks_value_get(args, "args_absent");
    const struct ks_value *need = ks_value_get(args, "args_present");
    const struct ks_value *arg = ks_value_get(args, "arg");
    pamvec lines = KS_VEC_INIT;
    struct outcome o;
    char path[300];

    snprintf(path, sizeof(path), "/etc/pam.d/%s", service);
    pam_collect(c, service, type, module, &lines, 0);
    if (!get_file(c, path) || get_file(c, path)->err) {
        o = mk(c, present ? KS_CIS_FAILED : KS_CIS_PASSED, "%s does not exist", path);
        goto done;
    }
    if (!present) {
        o = lines.len ? mk(c, KS_CIS_FAILED, "%s:%u: %s is used", lines.items[0].file,
                           lines.items[0].line, module)
                      : mk(c, KS_CIS_PASSED, "%s is not used by %s", module, path);
        goto done;
    }
    if (!lines.len) {
        o = mk(c, KS_CIS_FAILED, "%s does not use %s%s%s", path, module, type ? " for " : "",
               type ? type : "");
        goto done;
    }
    for (size_t i = 0; i < lines.len; i++) {
        const struct pam_line *pl = &lines.items[i];

        for (size_t k = 0; absent && k < (ks_value_is(absent, KS_VSTRING) ? 1 : ks_value_len(absent)); k++) {
            const char *a = ks_value_is(absent, KS_VSTRING) ? absent->u.s.ptr
                                                            : ks_value_at(absent, k)->u.s.ptr;

            if (pam_find_arg(pl, a, NULL)) {
                o = mk(c, KS_CIS_FAILED, "%s:%u: %s has argument '%s'", pl->file, pl->line,
                       module, a);
                goto done;
            }
        }
    }
    for (size_t i = 0; i < lines.len; i++) {
        const struct pam_line *pl = &lines.items[i];
        bool ok = true;
        const char *why = "";
        char want[300] = "";

        for (size_t k = 0; need && ok && k < (ks_value_is(need, KS_VSTRING) ? 1 : ks_value_len(need)); k++) {
            const char *a = ks_value_is(need, KS_VSTRING) ? need->u.s.ptr
                                                          : ks_value_at(need, k)->u.s.ptr;

            if (!pam_find_arg(pl, a, NULL))
                ok = false, why = a;
        }
        if (ok && arg) {
            const char *val = NULL;

            pam_find_arg(pl, ks_value_get_str(arg, "name"), &val);
            ok = compare(arg, val, want, sizeof(want));
            why = ks_value_get_str(arg, "name");
        }
        if (ok) {
            o = mk(c, KS_CIS_PASSED, "%s:%u: %s", pl->file, pl->line, module);
            goto done;
        }
        if (i + 1 == lines.len) {
            o = mk(c, KS_CIS_FAILED, "%s:%u: %s lacks '%s'%s%s", pl->file, pl->line, module,
                   why, want[0] ? " " : "", want);
            goto done;
        }
    }
    o = mk(c, KS_CIS_FAILED, "%s does not use %s", path, module);
done:
    KS_VEC_RELEASE(&lines);
    return o;
}

/* ---- file-system walk ---- */

static bool id_known(struct ctx *c, long id, bool group)
{
    if (group) {
        for (size_t i = 0; i < c->groups.len; i++)
            if (c->groups.items[i].gid == id)
                return true;
    } else {
        for (size_t i = 0; i < c->users.len; i++)
            if (c->users.items[i].uid == id)
                return true;
    }
    return false;
}

static bool walk_excluded(const char *path)
{
    static const char *const skip[] = {"/proc", "/sys", "/dev", "/run"};

    for (size_t i = 0; i < KS_ARRAY_LEN(skip); i++)
        if (!strcmp(path, skip[i]))
            return true;
    return false;
}

static void walk_dir(struct ctx *c, int fd0, const char *path, unsigned depth, dev_t dev)
{
    DIR *d;
    struct dirent *de;

    if (c->walk.err) {
        close(fd0);
        return;
    }
    if (depth > 64) {
        close(fd0);
        return;
    }
    d = fdopendir(fd0);
    if (!d) {
        close(fd0);
        return;
    }
    while ((de = readdir(d))) {
        struct stat st;
        char child[4096];
        bool ww, orphan;

        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        if (++c->walk.entries > c->t->limits->max_entries) {
            c->walk.err = KS_ELIMIT;
            break;
        }
        snprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") ? path : "", de->d_name);
        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            continue;
        if (S_ISLNK(st.st_mode))
            continue;
        ww = (st.st_mode & S_IWOTH) &&
             (S_ISREG(st.st_mode) || (S_ISDIR(st.st_mode) && !(st.st_mode & S_ISVTX)));
        orphan = !id_known(c, (long)st.st_uid, false) || !id_known(c, (long)st.st_gid, true);
        if (ww && c->walk.ww.len < 1000) {
            const char *p = ks_arena_strdup(&c->work, child);

            if (p)
                KS_VEC_PUSH(&c->walk.ww, p);
        }
        if (orphan && c->walk.unowned.len < 1000) {
            const char *p = ks_arena_printf(&c->work, "%s (uid %u gid %u)", child,
                                            (unsigned)st.st_uid, (unsigned)st.st_gid);

            if (p)
                KS_VEC_PUSH(&c->walk.unowned, p);
        }
        if (S_ISDIR(st.st_mode) && !walk_excluded(child) && (!c->t->live || st.st_dev == dev)) {
            int fd = openat(dirfd(d), de->d_name,
                            O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);

            if (fd >= 0)
                walk_dir(c, fd, child, depth + 1, dev);
        }
    }
    closedir(d);
}

static void do_walk(struct ctx *c)
{
    int fd;
    struct stat st;

    if (c->walk.done)
        return;
    c->walk.done = true;
    load_accounts(c);
    if (!c->passwd_read || !c->group_read) {
        c->walk.err = KS_EIO;
        c->walk.why = "cannot read /etc/passwd or /etc/group";
        return;
    }
    fd = ks_rootfs_openat(c->t->root, "/", O_DIRECTORY);
    if (fd < 0 || fstat(fd, &st) < 0) {
        if (fd >= 0)
            close(fd);
        c->walk.err = KS_EIO;
        c->walk.why = "cannot open the root directory";
        return;
    }
    /* The walk opens one name at a time with O_NOFOLLOW and never follows
     * symlinks, so it cannot leave the tree. */
    walk_dir(c, fd, "/", 0, st.st_dev);
}

static struct outcome eval_walk(struct ctx *c, bool unowned)
{
    const char *first;
    size_t n;

    do_walk(c);
    if (c->walk.err == KS_ELIMIT)
        return mk(c, KS_CIS_ERROR, "more than %llu files: raise max_entries",
                  (unsigned long long)c->t->limits->max_entries);
    if (c->walk.err)
        return mk(c, KS_CIS_ERROR, "%s", c->walk.why ? c->walk.why : "walk failed");
    n = unowned ? c->walk.unowned.len : c->walk.ww.len;
    if (!n)
        return mk(c, KS_CIS_PASSED, "no %s among %zu files", unowned ? "unowned files" :
                  "world-writable files or directories without sticky bit", c->walk.entries);
    first = unowned ? c->walk.unowned.items[0] : c->walk.ww.items[0];
    return mk(c, KS_CIS_FAILED, "%zu%s %s, first: %s", n, n >= 1000 ? "+" : "",
              unowned ? "unowned files" : "world-writable entries", first);
}

/* ---- combinators and dispatch ---- */

static struct outcome eval_combo(struct ctx *c, const char *kind, const struct ks_value *list,
                                 unsigned depth)
{
    size_t n = ks_value_len(list), pass = 0, fail = 0, skip = 0;
    struct outcome firstpass = {KS_CIS_PASSED, NULL}, firstfail = {KS_CIS_FAILED, NULL},
                   firsterr = {KS_CIS_ERROR, NULL}, firstskip = {KS_CIS_SKIPPED, NULL};
    char joined[1024] = "";

    for (size_t i = 0; i < n; i++) {
        struct outcome o = eval(c, ks_value_at(list, i), depth + 1);

        switch (o.st) {
        case KS_CIS_PASSED:
            if (!pass++)
                firstpass = o;
            if (strlen(joined) + strlen(o.ev) + 3 < sizeof(joined))
                snprintf(joined + strlen(joined), sizeof(joined) - strlen(joined), "%s%s",
                         joined[0] ? "; " : "", o.ev);
            break;
        case KS_CIS_FAILED:
            if (!fail++)
                firstfail = o;
            if (!strcmp(kind, "any") && strlen(joined) + strlen(o.ev) + 3 < sizeof(joined))
                snprintf(joined + strlen(joined), sizeof(joined) - strlen(joined), "%s%s",
                         joined[0] ? "; " : "", o.ev);
            break;
        case KS_CIS_SKIPPED:
            if (!skip++)
                firstskip = o;
            break;
        default:
            if (!firsterr.ev)
                firsterr = o;
        }
        if (!strcmp(kind, "all") && (o.st == KS_CIS_FAILED))
            return o;
        if (!strcmp(kind, "any") && o.st == KS_CIS_PASSED)
            return o;
        if (!strcmp(kind, "none") && o.st == KS_CIS_PASSED)
            return mk(c, KS_CIS_FAILED, "%s", o.ev);
    }
    if (firsterr.ev)
        return firsterr;
    if (!strcmp(kind, "all")) {
        if (!pass && skip)
            return firstskip;
        return mk(c, KS_CIS_PASSED, "%s", joined);
    }
    if (!strcmp(kind, "any")) {
        if (!fail && skip)
            return firstskip;
        return fail > 1 ? mk(c, KS_CIS_FAILED, "%s", joined)
                        : firstfail.ev ? firstfail : mk(c, KS_CIS_FAILED, "no alternative holds");
    }
    KS_UNUSED(firstpass);
    if (fail)
        return mk(c, KS_CIS_PASSED, "%s", firstfail.ev);
    return firstskip.ev ? firstskip : mk(c, KS_CIS_PASSED, "none holds");
}

static struct outcome eval(struct ctx *c, const struct ks_value *check, unsigned depth)
{
    const char *name = check->u.o.items[0].key;
    const struct ks_value *args = check->u.o.items[0].value;

    if (!strcmp(name, "all") || !strcmp(name, "any") || !strcmp(name, "none"))
        return eval_combo(c, name, args, depth);
    if (!strcmp(name, "file"))
        return eval_file(c, args);
    if (!strcmp(name, "file_exists"))
        return eval_exists(c, args->u.s.ptr, true);
    if (!strcmp(name, "file_absent"))
        return eval_exists(c, args->u.s.ptr, false);
    if (!strcmp(name, "content"))
        return eval_content(c, args);
    if (!strcmp(name, "kv"))
        return eval_kv(c, args);
    if (!strcmp(name, "sshd"))
        return eval_sshd(c, args);
    if (!strcmp(name, "sysctl"))
        return eval_sysctl(c, args);
    if (!strcmp(name, "package_installed"))
        return eval_package(c, args, true);
    if (!strcmp(name, "package_absent"))
        return eval_package(c, args, false);
    if (!strcmp(name, "service_enabled"))
        return eval_service(c, args, 1);
    if (!strcmp(name, "service_disabled"))
        return eval_service(c, args, 0);
    if (!strcmp(name, "service_masked"))
        return eval_service(c, args, 2);
    if (!strcmp(name, "mount"))
        return eval_mount(c, args);
    if (!strcmp(name, "kmod_disabled"))
        return eval_kmod(c, args->u.s.ptr);
    if (!strcmp(name, "pam"))
        return eval_pam(c, args);
    if (!strcmp(name, "accounts"))
        return eval_accounts(c, args);
    if (!strcmp(name, "world_writable"))
        return eval_walk(c, false);
    if (!strcmp(name, "unowned"))
        return eval_walk(c, true);
    return mk(c, KS_CIS_ERROR, "unknown check '%s'", name); /* validated at load: unreachable */
}

/* ---- run ---- */

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

ks_err ks_cis_run(const struct ks_cis_benchmark *b, const struct ks_cis_target *t, unsigned level,
                  struct ks_cis_report *out, struct ks_diag *diag)
{
    struct ctx c;
    ks_err err = KS_OK;
    double start = now_ms();

    memset(out, 0, sizeof(*out));
    memset(&c, 0, sizeof(c));
    ks_arena_init(&out->arena, 64 * 1024, 0);
    ks_arena_init(&c.work, 256 * 1024, 0);
    ks_buf_init(&c.moddep, t->limits->max_file_size * 4);
    c.t = t;
    c.out = &out->arena;
    out->bench = b;
    out->level = level;
    out->target = ks_arena_strdup(&out->arena, t->name ? t->name : "");
    out->results = ks_arena_calloc(&out->arena, b->n_rules ? b->n_rules : 1,
                                   sizeof(*out->results));
    if (!out->results || !out->target) {
        err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < b->n_rules; i++) {
        const struct ks_cis_rule *r = &b->rules[i];
        struct ks_cis_result *res = &out->results[out->n_results];
        struct outcome o;

        if (r->level > level)
            continue;
        res->rule = r;
        if (r->manual) {
            o = mk(&c, KS_CIS_SKIPPED, "manual: not checked automatically");
        } else if (r->applies_package && t->pkg_installed &&
                   !t->pkg_installed(t->pkg_ctx, r->applies_package)) {
            o = mk(&c, KS_CIS_SKIPPED, "not applicable: package '%s' is not installed",
                   r->applies_package);
        } else {
            o = eval(&c, r->check, 0);
        }
        res->status = o.st;
        res->evidence = o.ev;
        out->counts[o.st]++;
        out->n_results++;
    }
done:
    out->elapsed_ms = now_ms() - start;
    ks_map_release(&c.files);
    ks_map_release(&c.enabled);
    ks_map_release(&c.kmod_install);
    ks_map_release(&c.kmod_blacklist);
    if (c.sshd_done && !c.sshd_err)
        ks_cis_settings_release(&c.sshd);
    if (c.sysctl_done && !c.sysctl_err)
        ks_cis_settings_release(&c.sysctl);
    KS_VEC_RELEASE(&c.users);
    KS_VEC_RELEASE(&c.shadow);
    KS_VEC_RELEASE(&c.groups);
    KS_VEC_RELEASE(&c.mounts);
    KS_VEC_RELEASE(&c.walk.ww);
    KS_VEC_RELEASE(&c.walk.unowned);
    ks_buf_release(&c.moddep);
    ks_arena_release(&c.work);
    if (err)
        ks_cis_report_release(out);
    return err;
}

void ks_cis_report_release(struct ks_cis_report *r)
{
    ks_arena_release(&r->arena);
    memset(r, 0, sizeof(*r));
}

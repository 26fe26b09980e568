/* cis/settings.c - effective sshd and sysctl settings, each with its
 * program's own precedence (see cis.h). */
#include "core/ks_common.h"

#include "cis/cis.h"

#include "core/map.h"
#include "core/str.h"
#include "core/vec.h"

#include <ctype.h>
#include <fnmatch.h>

#define MAX_INCLUDE_DEPTH 16
#define MAX_SETTINGS      4096

struct builder {
    struct ks_cis_settings *out;
    struct ks_map index; /* key -> struct ks_cis_setting* (heap array index + 1) */
    KS_VEC(struct ks_cis_setting) items;
};

static ks_err builder_init(struct builder *b, struct ks_cis_settings *out)
{
    memset(out, 0, sizeof(*out));
    ks_arena_init(&out->arena, 16 * 1024, 0);
    b->out = out;
    b->index = (struct ks_map)KS_MAP_INIT;
    memset(&b->items, 0, sizeof(b->items));
    return KS_OK;
}

static int cmp_setting(const void *a, const void *b)
{
    return strcmp(((const struct ks_cis_setting *)a)->key, ((const struct ks_cis_setting *)b)->key);
}

static ks_err builder_finish(struct builder *b, ks_err err)
{
    ks_map_release(&b->index);
    if (!err && b->items.len) {
        b->out->items = ks_arena_alloc(&b->out->arena, b->items.len * sizeof(*b->items.items));
        if (!b->out->items)
            err = KS_ENOMEM;
        else {
            memcpy(b->out->items, b->items.items, b->items.len * sizeof(*b->items.items));
            b->out->len = b->items.len;
            qsort(b->out->items, b->out->len, sizeof(*b->out->items), cmp_setting);
        }
    }
    KS_VEC_RELEASE(&b->items);
    if (err)
        ks_cis_settings_release(b->out);
    return err;
}

enum set_mode { SET_FIRST, SET_LAST, SET_APPEND };

static ks_err builder_set(struct builder *b, const char *key, const char *value, const char *file,
                          unsigned line, enum set_mode mode)
{
    struct ks_map_slot *slot = ks_map_find(&b->index, key, strlen(key));
    struct ks_cis_setting s;

    if (slot) {
        struct ks_cis_setting *cur = &b->items.items[(uintptr_t)slot->value - 1];

        if (mode == SET_FIRST && cur->file)
            return KS_OK;
        if (mode == SET_APPEND && cur->file) {
            cur->value = ks_arena_printf(&b->out->arena, "%s %s", cur->value, value);
            return cur->value ? KS_OK : KS_ENOMEM;
        }
        cur->value = ks_arena_strdup(&b->out->arena, value);
        cur->file = file;
        cur->line = line;
        return cur->value ? KS_OK : KS_ENOMEM;
    }
    if (b->items.len >= MAX_SETTINGS)
        return KS_ELIMIT;
    s.key = ks_arena_strdup(&b->out->arena, key);
    s.value = ks_arena_strdup(&b->out->arena, value);
    s.file = file;
    s.line = line;
    if (!s.key || !s.value || KS_VEC_PUSH(&b->items, s))
        return KS_ENOMEM;
    return ks_map_put(&b->index, s.key, strlen(s.key), (void *)(uintptr_t)b->items.len);
}

const struct ks_cis_setting *ks_cis_settings_get(const struct ks_cis_settings *s, const char *key)
{
    size_t lo = 0, hi = s->len;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(s->items[mid].key, key);

        if (!c)
            return &s->items[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

void ks_cis_settings_release(struct ks_cis_settings *s)
{
    ks_arena_release(&s->arena);
    s->items = NULL;
    s->len = 0;
}

/* ---- sshd ---- */

/* Compiled-in defaults of OpenSSH 9.x for the keywords benchmarks check,
 * spelled as `sshd -T` prints them (verified against sshd -T of Debian 12's
 * OpenSSH 9.2 by tests/cis/sshd_diff.sh). */
static const char *const sshd_defaults[][2] = {
        {"allowagentforwarding", "yes"},
        {"allowtcpforwarding", "yes"},
        {"banner", "none"},
        {"ciphers", "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,"
                    "aes128-gcm@openssh.com,aes256-gcm@openssh.com"},
        {"clientalivecountmax", "3"},
        {"clientaliveinterval", "0"},
        {"compression", "yes"},
        {"disableforwarding", "no"},
        {"gatewayports", "no"},
        {"gssapiauthentication", "no"},
        {"hostbasedauthentication", "no"},
        {"ignorerhosts", "yes"},
        {"ignoreuserknownhosts", "no"},
        {"kbdinteractiveauthentication", "yes"},
        {"kerberosauthentication", "no"},
        {"kexalgorithms",
         "sntrup761x25519-sha512,sntrup761x25519-sha512@openssh.com,curve25519-sha256,"
         "curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,"
         "diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"
         "diffie-hellman-group18-sha512,diffie-hellman-group14-sha256"},
        {"logingracetime", "120"},
        {"loglevel", "INFO"},
        {"macs", "umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,"
                 "hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,"
                 "umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1"},
        {"maxauthtries", "6"},
        {"maxsessions", "10"},
        {"maxstartups", "10:30:100"},
        {"passwordauthentication", "yes"},
        {"permitemptypasswords", "no"},
        {"permitrootlogin", "without-password"},
        {"permittunnel", "no"},
        {"permituserenvironment", "no"},
        {"permituserrc", "yes"},
        {"printlastlog", "yes"},
        {"printmotd", "yes"},
        {"pubkeyauthentication", "yes"},
        {"strictmodes", "yes"},
        {"syslogfacility", "AUTH"},
        {"tcpkeepalive", "yes"},
        {"usedns", "no"},
        {"usepam", "no"},
        {"x11forwarding", "no"},
        {"x11uselocalhost", "yes"},
};

/* Keywords whose every occurrence adds to the value instead of the first
 * one winning. */
static const char *const sshd_accumulate[] = {"acceptenv",  "allowgroups", "allowusers",
                                              "denygroups", "denyusers",   "hostkey",
                                              "listenaddress", "port",     "setenv",
                                              "subsystem"};

/* Keywords whose value sshd prints as an enumerated word in lower case. */
static const char *const sshd_lower[] = {
        "allowagentforwarding", "allowstreamlocalforwarding", "allowtcpforwarding",
        "compression", "disableforwarding", "gatewayports", "gssapiauthentication",
        "hostbasedauthentication", "ignorerhosts", "ignoreuserknownhosts",
        "kbdinteractiveauthentication", "challengeresponseauthentication",
        "kerberosauthentication", "passwordauthentication", "permitemptypasswords",
        "permitrootlogin", "permittty", "permittunnel", "permituserenvironment", "permituserrc",
        "printlastlog", "printmotd", "pubkeyauthentication", "strictmodes", "tcpkeepalive",
        "usedns", "usepam", "x11forwarding", "x11uselocalhost", "addressfamily",
        "ciphers", "macs", "kexalgorithms"};

static bool in_list(const char *const *list, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(list[i], key))
            return true;
    return false;
}

/* sshd's time format: a number with optional s/m/h/d/w suffixes, summed. */
static bool sshd_time(const char *v, long long *out)
{
    long long total = 0, n;
    const char *p = v;

    if (!*p)
        return false;
    while (*p) {
        if (!isdigit((unsigned char)*p))
            return false;
        n = 0;
        while (isdigit((unsigned char)*p)) {
            if (n > 100000000)
                return false;
            n = n * 10 + (*p++ - '0');
        }
        switch (tolower((unsigned char)*p)) {
        case '\0':
            break;
        case 's':
            p++;
            break;
        case 'm':
            n *= 60, p++;
            break;
        case 'h':
            n *= 3600, p++;
            break;
        case 'd':
            n *= 86400, p++;
            break;
        case 'w':
            n *= 604800, p++;
            break;
        default:
            return false;
        }
        total += n;
    }
    *out = total;
    return true;
}

/* Normalises `value` of `key` to sshd -T's spelling, in `tmp`. */
static const char *sshd_normalise(const char *key, const char *value, char *tmp, size_t tmplen)
{
    long long secs;

    if (in_list(sshd_lower, KS_ARRAY_LEN(sshd_lower), key)) {
        size_t i;

        for (i = 0; value[i] && i + 1 < tmplen; i++)
            tmp[i] = (char)tolower((unsigned char)value[i]);
        tmp[i] = '\0';
        if (!strcmp(key, "permitrootlogin") && !strcmp(tmp, "prohibit-password"))
            snprintf(tmp, tmplen, "without-password");
        if (!strcmp(key, "challengeresponseauthentication"))
            return tmp;
        return tmp;
    }
    if (!strcmp(key, "loglevel") || !strcmp(key, "syslogfacility")) {
        size_t i;

        for (i = 0; value[i] && i + 1 < tmplen; i++)
            tmp[i] = (char)toupper((unsigned char)value[i]);
        tmp[i] = '\0';
        return tmp;
    }
    if ((!strcmp(key, "logingracetime") || !strcmp(key, "clientaliveinterval")) &&
        sshd_time(value, &secs)) {
        snprintf(tmp, tmplen, "%lld", secs);
        return tmp;
    }
    return value;
}

struct sshd_state {
    struct builder b;
    struct ks_cis_settings match_out;
    struct builder m; /* settings of active Match blocks ("Match all") */
    const struct ks_rootfs *root;
    const struct ks_limits *lim;
    struct ks_diag *diag;
    unsigned depth;
    size_t files;
};

/* Match state: outside any Match block, in one that does not apply to
 * sshd -T without -C (any criteria but "all"), or in "Match all". */
enum { M_GLOBAL = 0, M_INACTIVE, M_ALL };

static ks_err sshd_file(struct sshd_state *st, const char *path, const char *text, size_t len,
                        int in_match, bool follow_includes);

/* Splits the next whitespace-separated (or double-quoted) word of `*p`. */
static bool next_word(char **p, char **word)
{
    char *s = *p;

    while (*s == ' ' || *s == '\t')
        s++;
    if (!*s)
        return false;
    if (*s == '"') {
        char *e = strchr(s + 1, '"');

        if (!e)
            return false;
        *e = '\0';
        *word = s + 1;
        *p = e + 1;
        return true;
    }
    *word = s;
    while (*s && *s != ' ' && *s != '\t')
        s++;
    if (*s)
        *s++ = '\0';
    *p = s;
    return true;
}

struct glob_ctx {
    const char *pattern; /* last component */
    KS_VEC(char *) names;
};

static ks_err glob_collect(const char *name, unsigned char type, void *ctx)
{
    struct glob_ctx *g = ctx;
    char *copy;

    KS_UNUSED(type);
    if (fnmatch(g->pattern, name, FNM_PERIOD))
        return KS_OK;
    copy = strdup(name);
    if (!copy || KS_VEC_PUSH(&g->names, copy)) {
        free(copy);
        return KS_ENOMEM;
    }
    return KS_OK;
}

static ks_err sshd_include(struct sshd_state *st, const char *arg, int in_match)
{
    char path[4096], dir[4096];
    struct glob_ctx g = {NULL, KS_VEC_INIT};
    const char *slash;
    ks_err err = KS_OK;

    /* Relative Include paths are relative to /etc/ssh. */
    if (arg[0] == '/')
        snprintf(path, sizeof(path), "%s", arg);
    else
        snprintf(path, sizeof(path), "/etc/ssh/%s", arg);
    slash = strrchr(path, '/');
    snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
    if (!dir[0])
        snprintf(dir, sizeof(dir), "/");
    if (strpbrk(dir, "*?[")) /* globs in directory parts: not supported, ignored */
        return KS_OK;
    g.pattern = slash + 1;
    err = ks_rootfs_list(st->root, dir, glob_collect, &g, st->diag);
    if (err == KS_ENOTFOUND)
        err = KS_OK;
    for (size_t i = 0; i < g.names.len && !err; i++) {
        struct ks_buf buf = KS_BUF_INIT(st->lim->max_file_size);
        char *fpath = ks_arena_printf(&st->b.out->arena, "%s/%s", strcmp(dir, "/") ? dir : "",
                                      g.names.items[i]);

        if (!fpath) {
            err = KS_ENOMEM;
            break;
        }
        err = ks_rootfs_read(st->root, fpath, st->lim->max_file_size, &buf, st->diag);
        if (err == KS_ENOTFOUND || err == KS_EIO) {
            /* sshd skips what the glob matched but cannot be read as a file */
            ks_diag_clear(st->diag);
            err = KS_OK;
        } else if (!err) {
            err = sshd_file(st, fpath, buf.ptr ? buf.ptr : "", buf.len, in_match, true);
        }
        ks_buf_release(&buf);
    }
    for (size_t i = 0; i < g.names.len; i++)
        free(g.names.items[i]);
    KS_VEC_RELEASE(&g.names);
    return err;
}

static ks_err sshd_file(struct sshd_state *st, const char *path, const char *text, size_t len,
                        int in_match, bool follow_includes)
{
    size_t pos = 0;
    unsigned lineno = 0;
    ks_err err = KS_OK;

    if (++st->depth > MAX_INCLUDE_DEPTH) {
        st->depth--;
        return ks_diag_set(st->diag, KS_EPARSE, "'%s': Include nested too deeply", path);
    }
    if (++st->files > 256) {
        st->depth--;
        return ks_diag_set(st->diag, KS_ELIMIT, "'%s': too many included files", path);
    }
    while (pos < len && !err) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
        char line[4096], *p = line, *kw, *val, key[64], norm[1024];
        size_t k;

        lineno++;
        if (n >= sizeof(line)) {
            err = ks_diag_set(st->diag, KS_EPARSE, "'%s' line %u: line too long", path, lineno);
            break;
        }
        memcpy(line, text + pos, n);
        line[n] = '\0';
        pos += n + (nl ? 1 : 0);
        if (memchr(line, '\0', n)) {
            err = ks_diag_set(st->diag, KS_EPARSE, "'%s' line %u: NUL byte", path, lineno);
            break;
        }
        while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
            line[--n] = '\0';
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p || *p == '#')
            continue;
        /* keyword, then '=' or whitespace */
        kw = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '=')
            p++;
        if (*p) {
            *p++ = '\0';
            while (*p == ' ' || *p == '\t')
                p++;
            if (*p == '=') {
                p++;
                while (*p == ' ' || *p == '\t')
                    p++;
            }
        }
        val = p;
        for (k = 0; kw[k] && k + 1 < sizeof(key); k++)
            key[k] = (char)tolower((unsigned char)kw[k]);
        key[k] = '\0';
        if (!strcmp(key, "match")) {
            in_match = !strcasecmp(val, "all") ? M_ALL : M_INACTIVE;
            continue;
        }
        if (!*val) {
            err = ks_diag_set(st->diag, KS_EPARSE, "'%s' line %u: missing argument for '%s'",
                              path, lineno, kw);
            break;
        }
        if (!strcmp(key, "include")) {
            char *w;

            if (!follow_includes)
                continue;
            while (!err && next_word(&val, &w))
                err = sshd_include(st, w, in_match);
            continue;
        }
        if (in_match == M_INACTIVE)
            continue;
        if (in_list(sshd_accumulate, KS_ARRAY_LEN(sshd_accumulate), key)) {
            char words[4096], *w, *q = val;
            size_t k2 = 0;

            /* sshd prints list values word by word, single-spaced */
            words[0] = '\0';
            while (next_word(&q, &w) && k2 < sizeof(words))
                k2 += (size_t)snprintf(words + k2, sizeof(words) - k2, "%s%s", k2 ? " " : "", w);
            err = builder_set(in_match == M_ALL ? &st->m : &st->b, key, words, path, lineno,
                              SET_APPEND);
        } else {
            char first[1024], *w, *q = first;

            /* Single-valued keywords take their first word (quotes removed),
             * except the few whose value is the rest of the line. */
            snprintf(first, sizeof(first), "%s", val);
            if (!strcmp(key, "authorizedkeysfile") || !strcmp(key, "ipqos") ||
                !strcmp(key, "rekeylimit") || !strcmp(key, "permitopen") ||
                !strcmp(key, "permitlisten") || !strcmp(key, "authenticationmethods"))
                w = first;
            else if (!next_word(&q, &w))
                w = first;
            err = builder_set(in_match == M_ALL ? &st->m : &st->b, key,
                              sshd_normalise(key, w, norm, sizeof(norm)), path, lineno, SET_FIRST);
        }
        if (err == KS_ELIMIT)
            err = ks_diag_set(st->diag, KS_ELIMIT, "'%s': too many settings", path);
        else if (err == KS_ENOMEM)
            err = ks_diag_set(st->diag, KS_ENOMEM, "out of memory");
    }
    st->depth--;
    return err;
}

/* Settings of "Match all" blocks apply on top of the global ones (a list
 * keyword's Match value replaces the global list), as sshd -T shows. */
static ks_err sshd_apply_match(struct sshd_state *st)
{
    ks_err err = KS_OK;

    for (size_t i = 0; i < st->m.items.len && !err; i++) {
        const struct ks_cis_setting *s = &st->m.items.items[i];

        err = builder_set(&st->b, s->key, s->value, s->file, s->line, SET_LAST);
    }
    builder_finish(&st->m, KS_EINTERNAL); /* releases its memory */
    return err;
}

static ks_err sshd_defaults_fill(struct builder *b)
{
    for (size_t i = 0; i < KS_ARRAY_LEN(sshd_defaults); i++) {
        ks_err err = builder_set(b, sshd_defaults[i][0], sshd_defaults[i][1], NULL, 0, SET_FIRST);

        if (err)
            return err;
    }
    return KS_OK;
}

ks_err ks_cis_sshd_effective(const struct ks_rootfs *root, const struct ks_limits *lim,
                             struct ks_cis_settings *out, struct ks_diag *diag)
{
    struct sshd_state st;
    struct ks_buf buf = KS_BUF_INIT(lim->max_file_size);
    ks_err err;

    memset(&st, 0, sizeof(st));
    builder_init(&st.b, out);
    builder_init(&st.m, &st.match_out);
    st.root = root;
    st.lim = lim;
    st.diag = diag;
    err = ks_rootfs_read(root, "/etc/ssh/sshd_config", lim->max_file_size, &buf, diag);
    if (!err)
        err = sshd_file(&st, "/etc/ssh/sshd_config", buf.ptr ? buf.ptr : "", buf.len, M_GLOBAL,
                        true);
    /* the Match values are copied into out's arena before m is released */
    if (!err)
        err = sshd_apply_match(&st);
    else
        builder_finish(&st.m, err);
    if (!err)
        err = sshd_defaults_fill(&st.b);
    ks_buf_release(&buf);
    return builder_finish(&st.b, err);
}

ks_err ks_cis_sshd_parse_text(const char *name, const char *text, size_t len,
                              struct ks_cis_settings *out, struct ks_diag *diag)
{
    struct sshd_state st;
    ks_err err;

    memset(&st, 0, sizeof(st));
    builder_init(&st.b, out);
    builder_init(&st.m, &st.match_out);
    st.diag = diag;
    st.lim = &ks_limits_default;
    err = sshd_file(&st, name, text, len, M_GLOBAL, false);
    if (!err)
        err = sshd_apply_match(&st);
    else
        builder_finish(&st.m, err);
    if (!err)
        err = sshd_defaults_fill(&st.b);
    return builder_finish(&st.b, err);
}

/* ---- sysctl ---- */

static const char *const sysctl_dirs[] = {"/etc/sysctl.d", "/run/sysctl.d",
                                          "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d",
                                          "/lib/sysctl.d"};

struct conf_file {
    char *name; /* base name */
    char *path; /* full path inside the root */
};

struct sysctl_collect {
    const char *dir;
    KS_VEC(struct conf_file) files;
};

static ks_err sysctl_collect_fn(const char *name, unsigned char type, void *ctx)
{
    struct sysctl_collect *c = ctx;
    struct conf_file f;

    KS_UNUSED(type);
    if (!ks_ends_with(name, ".conf"))
        return KS_OK;
    /* a name already seen in an earlier (higher-priority) directory masks it */
    for (size_t i = 0; i < c->files.len; i++)
        if (!strcmp(c->files.items[i].name, name))
            return KS_OK;
    f.name = strdup(name);
    f.path = malloc(strlen(c->dir) + strlen(name) + 2);
    if (!f.name || !f.path || KS_VEC_PUSH(&c->files, f)) {
        free(f.name);
        free(f.path);
        return KS_ENOMEM;
    }
    snprintf(f.path, strlen(c->dir) + strlen(name) + 2, "%s/%s", c->dir, name);
    return KS_OK;
}

static int cmp_conf(const void *a, const void *b)
{
    return strcmp(((const struct conf_file *)a)->name, ((const struct conf_file *)b)->name);
}

static ks_err sysctl_text(struct builder *b, const char *path, const char *text, size_t len,
                          struct ks_diag *diag)
{
    size_t pos = 0;
    unsigned lineno = 0;

    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
        struct ks_str line = ks_str_trim((struct ks_str){text + pos, n});
        const char *eq;
        struct ks_str k, v;
        char key[256], val[1024];
        ks_err err;

        pos += n + (nl ? 1 : 0);
        lineno++;
        if (!line.len || line.ptr[0] == '#' || line.ptr[0] == ';')
            continue;
        eq = memchr(line.ptr, '=', line.len);
        if (!eq)
            continue; /* systemd-sysctl ignores (with a warning) lines without '=' */
        k = ks_str_trim((struct ks_str){line.ptr, (size_t)(eq - line.ptr)});
        v = ks_str_trim((struct ks_str){eq + 1, line.len - (size_t)(eq - line.ptr) - 1});
        if (k.len && k.ptr[0] == '-') /* "-key": ignore failures; same value semantics */
            k.ptr++, k.len--;
        if (!k.len || k.len >= sizeof(key) || v.len >= sizeof(val))
            continue;
        for (size_t i = 0; i < k.len; i++)
            key[i] = k.ptr[i] == '/' ? '.' : k.ptr[i];
        key[k.len] = '\0';
        memcpy(val, v.ptr, v.len);
        val[v.len] = '\0';
        err = builder_set(b, key, val, path, lineno, SET_LAST);
        if (err == KS_ELIMIT)
            return ks_diag_set(diag, KS_ELIMIT, "'%s': too many settings", path);
        if (err)
            return ks_diag_set(diag, err, "out of memory");
    }
    return KS_OK;
}

ks_err ks_cis_sysctl_effective(const struct ks_rootfs *root, const struct ks_limits *lim,
                               struct ks_cis_settings *out, struct ks_diag *diag)
{
    struct sysctl_collect c = {NULL, KS_VEC_INIT};
    struct builder b;
    struct ks_buf buf = KS_BUF_INIT(lim->max_file_size);
    ks_err err = KS_OK;

    builder_init(&b, out);
    for (size_t i = 0; i < KS_ARRAY_LEN(sysctl_dirs) && !err; i++) {
        c.dir = sysctl_dirs[i];
        err = ks_rootfs_list(root, sysctl_dirs[i], sysctl_collect_fn, &c, diag);
        if (err == KS_ENOTFOUND)
            err = KS_OK;
    }
    if (!err && c.files.len)
        qsort(c.files.items, c.files.len, sizeof(*c.files.items), cmp_conf);
    for (size_t i = 0; i <= c.files.len && !err; i++) {
        const char *path = i < c.files.len ? c.files.items[i].path : "/etc/sysctl.conf";
        const char *apath = ks_arena_strdup(&out->arena, path);

        if (!apath) {
            err = KS_ENOMEM;
            break;
        }
        ks_buf_reset(&buf);
        err = ks_rootfs_read(root, path, lim->max_file_size, &buf, diag);
        if (err == KS_ENOTFOUND) {
            err = KS_OK; /* e.g. a dangling /etc/sysctl.d/99-sysctl.conf link */
            continue;
        }
        if (!err)
            err = sysctl_text(&b, apath, buf.ptr ? buf.ptr : "", buf.len, diag);
    }
    for (size_t i = 0; i < c.files.len; i++) {
        free(c.files.items[i].name);
        free(c.files.items[i].path);
    }
    KS_VEC_RELEASE(&c.files);
    ks_buf_release(&buf);
    return builder_finish(&b, err);
}

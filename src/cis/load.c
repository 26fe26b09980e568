/* cis/load.c - reading and validating benchmark files.
 *
 * Every check is validated when the file is loaded, so that a typo in a
 * benchmark is a load error naming the rule, not an ERROR result discovered
 * on some machine later. */
#include "core/ks_common.h"

#include "cis/cis.h"
#include "cis/cis_impl.h"

#include "formats/yaml.h"

#include <regex.h>

const char *ks_cis_status_name(enum ks_cis_status s)
{
    static const char *const names[] = {"PASSED", "FAILED", "SKIPPED", "ERROR"};

    return s < KS_CIS_NSTATUS ? names[s] : "?";
}

struct vctx {
    const char *file;
    const char *rule;
    struct ks_diag *diag;
    unsigned depth;
};

static ks_err bad(struct vctx *v, const struct ks_value *at, const char *fmt, ...) KS_PRINTF(3, 4);

static ks_err bad(struct vctx *v, const struct ks_value *at, const char *fmt, ...)
{
    char msg[300];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return ks_diag_set(v->diag, KS_EPARSE, "'%s' rule '%s' line %u: %s", v->file, v->rule,
                       at ? at->line : 0, msg);
}

static bool is_str_or_list(const struct ks_value *v)
{
    if (ks_value_is(v, KS_VSTRING))
        return true;
    if (!ks_value_is(v, KS_VARRAY) || !ks_value_len(v))
        return false;
    for (size_t i = 0; i < ks_value_len(v); i++)
        if (!ks_value_is(ks_value_at(v, i), KS_VSTRING))
            return false;
    return true;
}

static ks_err need_str(struct vctx *v, const struct ks_value *args, const char *prim,
                       const char *key)
{
    const struct ks_value *x = ks_value_get(args, key);

    if (!ks_value_is(x, KS_VSTRING) || !x->u.s.len)
        return bad(v, x ? x : args, "'%s' needs '%s' (a string)", prim, key);
    return KS_OK;
}

static ks_err check_regex(struct vctx *v, const struct ks_value *at, const char *re, bool icase)
{
    regex_t rx;
    int rc = regcomp(&rx, re, REG_EXTENDED | REG_NOSUB | REG_NEWLINE | (icase ? REG_ICASE : 0));

    if (rc) {
        char why[128];

        regerror(rc, &rx, why, sizeof(why));
        return bad(v, at, "bad pattern '%s': %s", re, why);
    }
    regfree(&rx);
    return KS_OK;
}

/* Allowed keys of each object-valued primitive; anything else is a typo. */
static ks_err only_keys(struct vctx *v, const struct ks_value *args, const char *prim,
                        const char *const *keys)
{
    for (size_t i = 0; i < args->u.o.len; i++) {
        const char *k = args->u.o.items[i].key;
        bool ok = false;

        for (size_t j = 0; keys[j]; j++)
            ok |= !strcmp(k, keys[j]);
        if (!ok)
            return bad(v, args->u.o.items[i].value, "unknown key '%s' in '%s'", k, prim);
    }
    return KS_OK;
}

static ks_err check_op(struct vctx *v, const struct ks_value *args, const char *prim)
{
    const char *op = ks_value_get_str(args, "op");
    const struct ks_value *val = ks_value_get(args, "value");

    if (!op)
        op = "eq";
    if (!ks_cis_op_parse(op))
        return bad(v, args, "unknown op '%s' in '%s'", op, prim);
    if (!strcmp(op, "set") || !strcmp(op, "unset"))
        return KS_OK;
    if (!is_str_or_list(val))
        return bad(v, val ? val : args, "'%s' needs 'value'", prim);
    if (!strcmp(op, "match") || !strcmp(op, "not_match")) {
        if (!ks_value_is(val, KS_VSTRING))
            return bad(v, val, "'%s' op '%s' needs one pattern", prim, op);
        return check_regex(v, val, val->u.s.ptr, true);
    }
    return KS_OK;
}

static ks_err validate(struct vctx *v, const struct ks_value *c);

static ks_err validate_prim(struct vctx *v, const char *name, const struct ks_value *args)
{
    static const char *const file_keys[] = {"path", "mode", "owner", "group", "missing", NULL};
    static const char *const content_keys[] = {"path", "paths", "dir",     "dirs",    "glob",
                                               "pattern", "expect", "multiline", "icase",
                                               "missing", NULL};
    static const char *const kv_keys[] = {"path", "paths",  "dir",   "dirs",    "glob",
                                          "key",  "sep",    "first", "icase",   "op",
                                          "value", "default", "section", NULL};
    static const char *const value_keys[] = {"key", "op", "value", "default", NULL};
    static const char *const mount_keys[] = {"path", "separate", "options", "implicit", NULL};
    static const char *const pam_keys[] = {"service", "type",       "module", "present",
                                           "args_present", "args_absent", "arg", NULL};
    static const char *const acct_keys[] = {"test", "value", NULL};
    static const char *const walk_keys[] = {"roots", "exclude", NULL};
    ks_err err;

    if (!strcmp(name, "all") || !strcmp(name, "any") || !strcmp(name, "none")) {
        if (!ks_value_is(args, KS_VARRAY) || !ks_value_len(args))
            return bad(v, args, "'%s' needs a non-empty list of checks", name);
        if (++v->depth > 16)
            return bad(v, args, "checks nested too deeply");
        for (size_t i = 0; i < ks_value_len(args); i++)
            if ((err = validate(v, ks_value_at(args, i))))
                return err;
        v->depth--;
        return KS_OK;
    }
    if (!strcmp(name, "file_exists") || !strcmp(name, "file_absent") ||
        !strcmp(name, "kmod_disabled")) {
        if (!ks_value_is(args, KS_VSTRING) || !args->u.s.len)
            return bad(v, args, "'%s' needs a path or name", name);
        return KS_OK;
    }
    if (!strcmp(name, "package_installed") || !strcmp(name, "package_absent") ||
        !strcmp(name, "service_enabled") || !strcmp(name, "service_disabled") ||
        !strcmp(name, "service_masked")) {
        if (!is_str_or_list(args))
            return bad(v, args, "'%s' needs a name or a list of names", name);
        return KS_OK;
    }
    if (!ks_value_is(args, KS_VOBJECT))
        return bad(v, args, "'%s' needs a mapping of arguments", name);
    if (!strcmp(name, "file")) {
        const char *mode = ks_value_get_str(args, "mode");
        const char *missing = ks_value_get_str(args, "missing");

        if ((err = only_keys(v, args, name, file_keys)) || (err = need_str(v, args, name, "path")))
            return err;
        if (mode && !ks_cis_parse_mode(mode, NULL))
            return bad(v, args, "bad mode '%s' (octal, e.g. 0640)", mode);
        if (!mode && !ks_value_get(args, "owner") && !ks_value_get(args, "group"))
            return bad(v, args, "'file' needs 'mode', 'owner' or 'group'");
        if (ks_value_get(args, "owner") && !is_str_or_list(ks_value_get(args, "owner")))
            return bad(v, args, "'owner' must be a name or a list of names");
        if (ks_value_get(args, "group") && !is_str_or_list(ks_value_get(args, "group")))
            return bad(v, args, "'group' must be a name or a list of names");
        if (missing && strcmp(missing, "pass") && strcmp(missing, "fail") &&
            strcmp(missing, "skip"))
            return bad(v, args, "'missing' must be pass, fail or skip");
        return KS_OK;
    }
    if (!strcmp(name, "content")) {
        const char *expect = ks_value_get_str(args, "expect");
        const char *missing = ks_value_get_str(args, "missing");

        if ((err = only_keys(v, args, name, content_keys)) ||
            (err = need_str(v, args, name, "pattern")))
            return err;
        if (!ks_value_get(args, "path") && !ks_value_get(args, "paths") &&
            !ks_value_get(args, "dir") && !ks_value_get(args, "dirs"))
            return bad(v, args, "'content' needs 'path', 'paths', 'dir' or 'dirs'");
        if (expect && strcmp(expect, "present") && strcmp(expect, "absent"))
            return bad(v, args, "'expect' must be present or absent");
        if (missing && strcmp(missing, "pass") && strcmp(missing, "fail") &&
            strcmp(missing, "skip"))
            return bad(v, args, "'missing' must be pass, fail or skip");
        return check_regex(v, ks_value_get(args, "pattern"), ks_value_get_str(args, "pattern"),
                           ks_value_bool(ks_value_get(args, "icase"), false));
    }
    if (!strcmp(name, "kv")) {
        if ((err = only_keys(v, args, name, kv_keys)) || (err = need_str(v, args, name, "key")))
            return err;
        if (!ks_value_get(args, "path") && !ks_value_get(args, "paths") &&
            !ks_value_get(args, "dir") && !ks_value_get(args, "dirs"))
            return bad(v, args, "'kv' needs 'path', 'paths', 'dir' or 'dirs'");
        return check_op(v, args, name);
    }
    if (!strcmp(name, "sshd") || !strcmp(name, "sysctl")) {
        if ((err = only_keys(v, args, name, value_keys)) || (err = need_str(v, args, name, "key")))
            return err;
        return check_op(v, args, name);
    }
    if (!strcmp(name, "mount")) {
        if ((err = only_keys(v, args, name, mount_keys)) || (err = need_str(v, args, name, "path")))
            return err;
        if (!ks_value_get(args, "separate") && !ks_value_get(args, "options"))
            return bad(v, args, "'mount' needs 'separate' or 'options'");
        if (ks_value_get(args, "options") && !is_str_or_list(ks_value_get(args, "options")))
            return bad(v, args, "'options' must be a list of mount options");
        return KS_OK;
    }
    if (!strcmp(name, "pam")) {
        const struct ks_value *arg = ks_value_get(args, "arg");

        if ((err = only_keys(v, args, name, pam_keys)) ||
            (err = need_str(v, args, name, "service")) ||
            (err = need_str(v, args, name, "module")))
            return err;
        if (arg) {
            if (!ks_value_is(arg, KS_VOBJECT) || !ks_value_get_str(arg, "name"))
                return bad(v, arg, "'arg' needs 'name'");
            return check_op(v, arg, "pam arg");
        }
        return KS_OK;
    }
    if (!strcmp(name, "accounts")) {
        const char *test = ks_value_get_str(args, "test");

        if ((err = only_keys(v, args, name, acct_keys)))
            return err;
        if (!test || !ks_cis_accounts_test_known(test))
            return bad(v, args, "unknown accounts test '%s'", test ? test : "");
        return KS_OK;
    }
    if (!strcmp(name, "world_writable") || !strcmp(name, "unowned")) {
        if ((err = only_keys(v, args, name, walk_keys)))
            return err;
        if (!is_str_or_list(ks_value_get(args, "roots")))
            return bad(v, args, "'%s' needs 'roots'", name);
        return KS_OK;
    }
    return bad(v, args, "unknown check '%s'", name);
}

static ks_err validate(struct vctx *v, const struct ks_value *c)
{
    static const char *const known[] = {
            "all",     "any",        "none",           "file",          "file_exists",
            "file_absent", "kmod_disabled", "package_installed", "package_absent",
            "service_enabled", "service_disabled", "service_masked", "content", "kv",
            "sshd",    "sysctl",     "mount",          "pam",           "accounts",
            "world_writable", "unowned"};
    bool ok = false;

    if (!ks_value_is(c, KS_VOBJECT) || c->u.o.len != 1)
        return bad(v, c, "a check is a mapping with exactly one primitive");
    for (size_t i = 0; i < KS_ARRAY_LEN(known); i++)
        ok |= !strcmp(known[i], c->u.o.items[0].key);
    if (!ok)
        return bad(v, c, "unknown check '%s'", c->u.o.items[0].key);
    return validate_prim(v, c->u.o.items[0].key, c->u.o.items[0].value);
}

static const char *get_text(const struct ks_value *o, const char *key)
{
    const char *s = ks_value_get_str(o, key);

    return s ? s : "";
}

static ks_err load_rule(struct ks_cis_benchmark *b, struct vctx *v, const struct ks_value *r,
                        const char *section, struct ks_cis_rule *out)
{
    const struct ks_value *level, *ssg, *applies;
    int64_t lv;

    memset(out, 0, sizeof(*out));
    out->line = r->line;
    out->id = ks_value_get_str(r, "id");
    if (!out->id || !*out->id)
        return ks_diag_set(v->diag, KS_EPARSE, "'%s' line %u: rule without 'id'", v->file,
                           r->line);
    v->rule = out->id;
    out->title = ks_value_get_str(r, "title");
    if (!out->title)
        return bad(v, r, "missing 'title'");
    level = ks_value_get(r, "level");
    if (!ks_value_int(level, &lv) || (lv != 1 && lv != 2))
        return bad(v, level ? level : r, "'level' must be 1 or 2");
    out->level = (unsigned)lv;
    out->section = section;
    out->description = get_text(r, "description");
    out->rationale = get_text(r, "rationale");
    out->remediation = get_text(r, "remediation");
    out->manual = ks_value_bool(ks_value_get(r, "manual"), false);
    ssg = ks_value_get(r, "ssg");
    if (ssg) {
        if (!is_str_or_list(ssg))
            return bad(v, ssg, "'ssg' must be a rule id or a list of them");
        out->n_ssg = ks_value_is(ssg, KS_VSTRING) ? 1 : ks_value_len(ssg);
        out->ssg = ks_arena_calloc(&b->arena, out->n_ssg, sizeof(*out->ssg));
        if (!out->ssg)
            return ks_diag_set(v->diag, KS_ENOMEM, "out of memory");
        for (size_t i = 0; i < out->n_ssg; i++)
            out->ssg[i] = ks_value_is(ssg, KS_VSTRING) ? ssg->u.s.ptr
                                                       : ks_value_at(ssg, i)->u.s.ptr;
    }
    applies = ks_value_get(r, "applies");
    if (applies) {
        out->applies_package = ks_value_get_str(applies, "package");
        if (!out->applies_package || applies->u.o.len != 1)
            return bad(v, applies, "'applies' takes only 'package'");
    }
    out->check = ks_value_get(r, "check");
    if (out->manual) {
        if (out->check)
            return bad(v, out->check, "a manual rule has no 'check'");
        return KS_OK;
    }
    if (!out->check)
        return bad(v, r, "missing 'check' (or 'manual: true')");
    v->depth = 0;
    return validate(v, out->check);
}

ks_err ks_cis_load(struct ks_cis_benchmark *b, const char *name, const char *text, size_t len,
                   const struct ks_limits *lim, struct ks_diag *diag)
{
    struct ks_value *doc = NULL;
    const struct ks_value *head, *sections, *osv;
    struct vctx v = {name, "", diag, 0};
    size_t n = 0;
    ks_err err;

    memset(b, 0, sizeof(*b));
    ks_arena_init(&b->arena, 64 * 1024, 0);
    err = ks_yaml_parse(&b->arena, name, text, len, lim, &doc, diag);
    if (err)
        goto done;
    b->file = ks_arena_strdup(&b->arena, name);
    head = ks_value_get(doc, "benchmark");
    sections = ks_value_get(doc, "sections");
    if (!ks_value_is(head, KS_VOBJECT) || !ks_value_is(sections, KS_VARRAY)) {
        err = ks_diag_set(diag, KS_EPARSE, "'%s': expected a 'benchmark' mapping and a "
                                           "'sections' list", name);
        goto done;
    }
    b->id = ks_value_get_str(head, "id");
    b->title = ks_value_get_str(head, "title");
    b->version = ks_value_get_str(head, "version");
    b->os_id = ks_value_get_str(head, "os_id");
    if (!b->id || !b->title || !b->version || !b->os_id) {
        err = ks_diag_set(diag, KS_EPARSE, "'%s' line %u: 'benchmark' needs id, title, version "
                                           "and os_id", name, head->line);
        goto done;
    }
    osv = ks_value_get(head, "os_versions");
    if (!is_str_or_list(osv)) {
        err = ks_diag_set(diag, KS_EPARSE, "'%s' line %u: 'benchmark' needs 'os_versions'", name,
                          head->line);
        goto done;
    }
    b->n_os_versions = ks_value_is(osv, KS_VSTRING) ? 1 : ks_value_len(osv);
    b->os_versions = ks_arena_calloc(&b->arena, b->n_os_versions, sizeof(char *));
    if (!b->os_versions) {
        err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < b->n_os_versions; i++)
        b->os_versions[i] = ks_value_is(osv, KS_VSTRING) ? osv->u.s.ptr
                                                         : ks_value_at(osv, i)->u.s.ptr;
    for (size_t i = 0; i < ks_value_len(sections); i++)
        n += ks_value_len(ks_value_get(ks_value_at(sections, i), "rules"));
    if (n > lim->max_entries) {
        err = ks_diag_set(diag, KS_ELIMIT, "'%s': too many rules", name);
        goto done;
    }
    b->rules = ks_arena_calloc(&b->arena, n ? n : 1, sizeof(*b->rules));
    if (!b->rules) {
        err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < ks_value_len(sections); i++) {
        const struct ks_value *sec = ks_value_at(sections, i);
        const char *title = ks_value_get_str(sec, "title");
        const struct ks_value *rules = ks_value_get(sec, "rules");

        if (!title || !ks_value_is(rules, KS_VARRAY)) {
            err = ks_diag_set(diag, KS_EPARSE, "'%s' line %u: a section needs 'title' and "
                                               "'rules'", name, sec ? sec->line : 0);
            goto done;
        }
        for (size_t j = 0; j < ks_value_len(rules); j++) {
            const struct ks_value *r = ks_value_at(rules, j);

            if (!ks_value_is(r, KS_VOBJECT)) {
                err = ks_diag_set(diag, KS_EPARSE, "'%s' line %u: a rule must be a mapping",
                                  name, r->line);
                goto done;
            }
            err = load_rule(b, &v, r, title, &b->rules[b->n_rules]);
            if (err)
                goto done;
            for (size_t k = 0; k < b->n_rules; k++)
                if (!strcmp(b->rules[k].id, b->rules[b->n_rules].id)) {
                    err = bad(&v, r, "duplicate rule id");
                    goto done;
                }
            b->n_rules++;
        }
    }
done:
    if (err)
        ks_cis_release(b);
    return err;
}

void ks_cis_release(struct ks_cis_benchmark *b)
{
    ks_arena_release(&b->arena);
    memset(b, 0, sizeof(*b));
}

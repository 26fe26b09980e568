/* cmd/code.c - `kensa code DIR`: static analysis of function code. */
#include "core/ks_common.h"

#include "cmd/cmd.h"

#include "code/code.h"
#include "core/buf.h"
#include "core/file.h"

#include <sys/stat.h>


struct code_opts {
    enum ks_code_lang lang;
    const char *format;
    const char *output;
    unsigned threads;
    bool list;
};

enum { OPT_LANG = KS_OPT_FIRST_CMD, OPT_FORMAT, OPT_THREADS, OPT_LIST };

static int code_opt(int c, const char *arg, void *ctx)
{
    struct code_opts *o = ctx;
    uint64_t n;

    switch (c) {
    case OPT_LANG:
        if (!ks_code_lang_parse(arg, &o->lang))
            return ks_cmd_usage_error("code", "unknown language '%s'", arg);
        return 0;
    case OPT_FORMAT:
        if (strcmp(arg, "table") && strcmp(arg, "json") && strcmp(arg, "sarif"))
            return ks_cmd_usage_error("code", "--format must be table, json or sarif, not '%s'",
                                      arg);
        o->format = arg;
        return 0;
    case 'o':
        o->output = arg;
        return 0;
    case OPT_THREADS:
        if (ks_parse_u64(arg, &n) || n > 64)
            return ks_cmd_usage_error("code", "--threads must be 0..64, not '%s'", arg);
        o->threads = (unsigned)n;
        return 0;
    case OPT_LIST:
        o->list = true;
        return 0;
    default:
        return ks_cmd_usage_error("code", "unknown option");
    }
}

static void table(const struct ks_code_result *r, struct ks_buf *out)
{
    for (size_t i = 0; i < r->findings.len; i++) {
        const struct ks_code_finding *f = &r->findings.items[i];
        ks_buf_addf(out, "%s:%u:%u  %-8s %s [%s] %s\n", f->file, f->start_line, f->start_col,
                    ks_code_severity_name(f->det->severity), f->det->id, f->det->cwes,
                    f->message);
        for (size_t k = 0; k < f->path_len; k++)
            ks_buf_addf(out, "    %s %u: %s\n", k ? "->" : "  ", f->path[k].line, f->path[k].what);
    }
    for (size_t i = 0; i < r->notes.len; i++)
        ks_buf_addf(out, "note: %s: %s\n", r->notes.items[i].file, r->notes.items[i].msg);
    ks_buf_addf(out, "%zu finding%s in %llu file%s (%llu lines)\n", r->findings.len,
                r->findings.len == 1 ? "" : "s", (unsigned long long)r->files,
                r->files == 1 ? "" : "s", (unsigned long long)r->lines);
}

int cmd_code(int argc, char **argv)
{
    static const struct option longopts[] = {
            {"language", required_argument, NULL, OPT_LANG},
            {"format", required_argument, NULL, OPT_FORMAT},
            {"output", required_argument, NULL, 'o'},
            {"threads", required_argument, NULL, OPT_THREADS},
            {"list-detectors", no_argument, NULL, OPT_LIST},
            {NULL, 0, NULL, 0}};
    struct code_opts o = {KS_LANG_AUTO, "table", NULL, 0, false};
    struct ks_code_result res;
    struct ks_diag diag = KS_DIAG_INIT;
    struct ks_buf out = KS_BUF_INIT(0);
    struct stat st;
    ks_err err = KS_OK;
    int rc = ks_cmd_getopt(argc, argv, "o:", longopts, cmd_code_help, code_opt, &o);

    if (rc != KS_CMD_CONTINUE)
        return rc;
    if (o.list) {
        for (size_t i = 0; i < ks_code_detector_count; i++) {
            const struct ks_code_detector *d = &ks_code_detectors[i];
            printf("%-62s %-9s %-22s %s\n", d->id, ks_code_severity_name(d->severity), d->cwes,
                   d->name);
        }
        return KS_EXIT_OK;
    }
    if (optind + 1 != argc)
        return ks_cmd_usage_error("code", optind >= argc ? "missing DIR" : "too many arguments");
    rc = ks_cmd_load_config();
    if (rc)
        return rc;
    ks_code_result_init(&res);
    const char *target = argv[optind];
    if (stat(target, &st)) {
        err = ks_diag_errno(&diag, KS_ENOTFOUND, "cannot open '%s'", target);
    } else if (S_ISDIR(st.st_mode)) {
        err = ks_code_scan_dir(&res, target, o.lang, o.threads, &ks_env.limits, &diag);
    } else if (ks_code_lang_of(target) == KS_LANG_AUTO) {
        err = ks_code_scan_archive(&res, target, o.lang, &ks_env.limits, &diag);
        if (err == KS_EPARSE && o.lang != KS_LANG_AUTO)
            goto single; /* --language given: a source file without extension */
    } else {
    single:;
        struct ks_buf text = KS_BUF_INIT(0);
        const char *base = strrchr(target, '/');
        err = ks_file_read(target, (size_t)ks_env.limits.max_file_size, &text, &diag);
        if (!err)
            err = ks_code_scan_text(&res, o.lang, base ? base + 1 : target,
                                    text.ptr ? text.ptr : "", text.len, &ks_env.limits, &diag);
        ks_buf_release(&text);
        ks_code_result_sort(&res);
    }
    if (err) {
        rc = ks_cmd_fail(&diag, err);
        goto done;
    }
    if (!strcmp(o.format, "json"))
        err = ks_code_write_json(&res, &out);
    else if (!strcmp(o.format, "sarif"))
        err = ks_code_write_sarif(&res, &out);
    else
        table(&res, &out);
    if (err) {
        rc = ks_cmd_fail(NULL, err);
        goto done;
    }
    if (o.output) {
        err = ks_file_write_atomic(o.output, out.ptr ? out.ptr : "", out.len, &diag);
        if (err) {
            rc = ks_cmd_fail(&diag, err);
            goto done;
        }
    } else if (out.len)
        fwrite(out.ptr, 1, out.len, stdout);
    rc = KS_EXIT_OK;
done:
    ks_buf_release(&out);
    ks_code_result_release(&res);
    return rc;
}

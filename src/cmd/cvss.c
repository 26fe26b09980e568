/* cmd/cvss.c - `kensa cvss`: score CVSS vectors. */
#include "core/ks_common.h"

#include "cmd/cmd.h"

#include "core/file.h"
#include "core/str.h"
#include "score/cvss.h"
#include "score/score.h"

const char cmd_cvss_help[] =
        "usage: kensa cvss [--no-network-path] [--file FILE] [VECTOR...]\n\n"
        "Scores CVSS v2.0, v3.0, v3.1 and v4.0 vectors and prints, one line each and\n"
        "tab-separated: the vector, its CVSS version, the base score, the score of\n"
        "the whole vector (v4.0 threat/environmental metrics included; equal to the\n"
        "base score for v2/v3) and its severity band.\n\n"
        "  --file FILE        read vectors from FILE, one per line ('-': stdin)\n"
        "  --no-network-path  score as kensa does for a resource without a network\n"
        "                     path: AV:N becomes AV:A; the adjusted vector is printed\n\n"
        "Exit status: 0, or 3 when a vector is invalid (each is reported on stderr).\n";

struct cvss_opts {
    const char *file;
    bool no_net;
};

static int cvss_opt(int c, const char *arg, void *ctx)
{
    struct cvss_opts *o = ctx;

    if (c == 'f')
        o->file = arg;
    else if (c == 'n')
        o->no_net = true;
    return 0;
}

/* Scores one vector; returns true when it was valid. */
static bool score_one(struct ks_str v, bool no_net)
{
    struct ks_diag diag = KS_DIAG_INIT;
    struct ks_cvss c;
    struct ks_buf out = KS_BUF_INIT(0);
    ks_err err = ks_cvss_parse(v.ptr, v.len, &c, &diag);

    if (err) {
        ks_cmd_error(&diag, err);
        return false;
    }
    if (no_net) {
        const char *m = c.version == KS_CVSS_V40 && ks_cvss_get(&c, "MAV") &&
                                        strcmp(ks_cvss_get(&c, "MAV"), "X")
                                ? "MAV"
                                : "AV";
        const char *av = ks_cvss_get(&c, m);
        if (av && !strcmp(av, "N"))
            ks_cvss_set(&c, m, "A", NULL);
        if (ks_cvss_format(&c, &out)) {
            ks_buf_release(&out);
            return false;
        }
        v = (struct ks_str){out.ptr, out.len};
    }
    printf("%.*s\t%s\t%d.%d\t%d.%d\t%s\n", (int)v.len, v.ptr, ks_cvss_version_str(c.version),
           c.base10 / 10, c.base10 % 10, c.score10 / 10, c.score10 % 10,
           ks_severity_name(ks_severity_from_score10(c.score10)));
    ks_buf_release(&out);
    return true;
}

int cmd_cvss(int argc, char **argv)
{
    static const struct option longopts[] = {{"file", required_argument, NULL, 'f'},
                                             {"no-network-path", no_argument, NULL, 'n'},
                                             {NULL, 0, NULL, 0}};
    struct cvss_opts o = {NULL, false};
    int rc = ks_cmd_getopt(argc, argv, NULL, longopts, cmd_cvss_help, cvss_opt, &o);
    bool ok = true;

    if (rc != KS_CMD_CONTINUE)
        return rc;
    if (!o.file && optind >= argc)
        return ks_cmd_usage_error("cvss", "no vector given");
    for (int i = optind; i < argc; i++)
        ok &= score_one(ks_str_of(argv[i]), o.no_net);
    if (o.file) {
        struct ks_buf b = KS_BUF_INIT(0);
        struct ks_diag diag = KS_DIAG_INIT;
        ks_err err = ks_file_read(o.file, ks_env.limits.max_file_size, &b, &diag);

        if (err) {
            ks_buf_release(&b);
            return ks_cmd_fail(&diag, err);
        }
        const char *p = b.ptr ? b.ptr : "", *end = p + b.len;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            struct ks_str line = ks_str_trim((struct ks_str){p, nl ? (size_t)(nl - p) : (size_t)(end - p)});
            if (line.len && line.ptr[0] != '#')
                ok &= score_one(line, o.no_net);
            p = nl ? nl + 1 : end;
        }
        ks_buf_release(&b);
    }
    fflush(stdout);
    return ok ? KS_EXIT_OK : KS_EXIT_INPUT;
}

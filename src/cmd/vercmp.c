/* cmd/vercmp.c - `kensa vercmp ECOSYSTEM A B` and the batch form
 * `kensa vercmp ECOSYSTEM -` (one "A<TAB>B" pair per stdin line). */
#include "core/ks_common.h"

#include "cmd/cmd.h"

#include "core/log.h"
#include "version/version.h"

const char cmd_vercmp_help[] =
        "usage: kensa vercmp ECOSYSTEM A B\n"
        "       kensa vercmp ECOSYSTEM -\n\n"
        "Compares two versions the way ECOSYSTEM does (an OSV ecosystem name such as\n"
        "Debian, Red Hat, Alpine, PyPI, npm, Go, Maven; a release suffix like\n"
        "'Debian:12' is accepted) and prints -1, 0 or 1 (A < B, A = B, A > B).\n\n"
        "With '-', reads lines \"A<TAB>B\" from standard input and prints one result per\n"
        "line, in order; a line with an invalid version prints 'error' (the reason,\n"
        "with the line number, goes to standard error) and the batch goes on. The exit\n"
        "status is 3 if any version was invalid.\n";

static int noopt(int c, const char *arg, void *ctx)
{
    KS_UNUSED(c);
    KS_UNUSED(arg);
    KS_UNUSED(ctx);
    return KS_EXIT_USAGE;
}

/* Longest stdin line accepted in batch mode. */
#define VERCMP_MAX_LINE 65536

static int batch(const struct ks_ecosystem *eco, const char *name)
{
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t n;
    int rc = KS_EXIT_OK;

    while ((n = getline(&line, &cap, stdin)) >= 0) {
        struct ks_diag diag = KS_DIAG_INIT;
        char *tab;
        ks_err err;
        int r;

        lineno++;
        if (n > 0 && line[n - 1] == '\n')
            line[--n] = '\0';
        if (n > VERCMP_MAX_LINE) {
            ks_log_error("line %zu: line is longer than %d bytes", lineno, VERCMP_MAX_LINE);
            fputs("error\n", stdout);
            rc = KS_EXIT_INPUT;
            continue;
        }
        tab = memchr(line, '\t', (size_t)n);
        if (!tab || strlen(line) != (size_t)n) {
            ks_log_error("line %zu: expected \"A<TAB>B\"", lineno);
            fputs("error\n", stdout);
            rc = KS_EXIT_INPUT;
            continue;
        }
        *tab = '\0';
        err = ks_version_cmp(eco->scheme, line, tab + 1, &r, &diag);
        if (err) {
            ks_log_error("line %zu: %s: %s", lineno, name, diag.msg);
            fputs("error\n", stdout);
            rc = KS_EXIT_INPUT;
            continue;
        }
        fputs(r < 0 ? "-1\n" : r > 0 ? "1\n" : "0\n", stdout);
    }
    free(line);
    if (ferror(stdin)) {
        ks_log_error("cannot read standard input");
        return KS_EXIT_INPUT;
    }
    if (fflush(stdout)) {
        ks_log_error("cannot write standard output");
        return KS_EXIT_INTERNAL;
    }
    return rc;
}

int cmd_vercmp(int argc, char **argv)
{
    struct ks_diag diag = KS_DIAG_INIT;
    struct ks_ecosystem eco;
    ks_err err;
    int rc = ks_cmd_getopt(argc, argv, NULL, NULL, cmd_vercmp_help, noopt, NULL);
    int r;

    if (rc != KS_CMD_CONTINUE)
        return rc;
    if (argc - optind == 2 && !strcmp(argv[optind + 1], "-")) {
        if ((err = ks_ecosystem_parse(argv[optind], &eco, &diag)))
            return ks_cmd_fail(&diag, err);
        return batch(&eco, argv[optind]);
    }
    if (argc - optind != 3)
        return ks_cmd_usage_error("vercmp", "expected ECOSYSTEM A B or ECOSYSTEM -");
    if ((err = ks_ecosystem_parse(argv[optind], &eco, &diag)))
        return ks_cmd_fail(&diag, err);
    if ((err = ks_version_cmp(eco.scheme, argv[optind + 1], argv[optind + 2], &r, &diag))) {
        ks_diag_prefix(&diag, "%s: ", argv[optind]);
        return ks_cmd_fail(&diag, err);
    }
    printf("%d\n", r);
    return KS_EXIT_OK;
}

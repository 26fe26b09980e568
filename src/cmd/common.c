/* cmd/common.c - exit codes, error printing, common options, config, colour
 * and the TTY progress line. */
#include "core/ks_common.h"

#include "cmd/cmd.h"

#include "core/conf.h"
#include "core/log.h"
#include "model/inventory.h"

#include "ks_build.h"

#include <malloc.h>
#include <time.h>
#include <unistd.h>

struct ks_cmd_env ks_env;

const char ks_cmd_common_help[] =
        "  -q, --quiet        only errors on stderr; no progress display\n"
        "  -v, --verbose      more detail on stderr (repeat for debug and trace)\n"
        "      --log-format F text (default) or json: one JSON object per log line\n"
        "      --log-level L  error, warn (default), info, debug or trace\n"
        "      --config FILE  configuration file (default /etc/kensa/kensa.conf, or $KENSA_CONFIG)\n"
        "  -h, --help         show this help\n";

int ks_cmd_exit_code(ks_err err)
{
    switch (err) {
    case KS_OK:
        return KS_EXIT_OK;
    case KS_EPARSE:
    case KS_ELIMIT:
    case KS_ENOTFOUND:
    case KS_EIO:
    case KS_EUNSUPPORTED:
        return KS_EXIT_INPUT;
    case KS_EINVAL:
        return KS_EXIT_USAGE;
    default:
        return KS_EXIT_INTERNAL;
    }
}

void ks_cmd_error(const struct ks_diag *diag, ks_err err)
{
    ks_cmd_progress_done();
    if (diag && diag->msg[0])
        ks_log_error("%s", diag->msg);
    else
        ks_log_error("%s", ks_err_str(err));
}

int ks_cmd_fail(const struct ks_diag *diag, ks_err err)
{
    ks_cmd_error(diag, err);
    return ks_cmd_exit_code(err);
}

int ks_cmd_usage_error(const char *cmd, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fprintf(stderr, "kensa%s%s: %s\nTry 'kensa %s%s--help'.\n", cmd ? " " : "", cmd ? cmd : "",
            msg, cmd ? cmd : "", cmd ? " " : "");
    return KS_EXIT_USAGE;
}

void ks_cmd_print_help(const char *help)
{
    fputs(help, stdout);
    printf("\nCommon options:\n%s", ks_cmd_common_help);
}

int ks_cmd_common_opt(const char *cmd, int c, const char *arg)
{
    enum ks_log_level level;

    switch (c) {
    case 'q':
        ks_env.quiet = true;
        ks_env.progress = false;
        ks_log_set_level(KS_LOG_ERROR);
        return 1;
    case 'v':
        if (ks_log_get_level() < KS_LOG_TRACE)
            ks_log_set_level(ks_log_get_level() < KS_LOG_INFO ? KS_LOG_INFO
                                                              : ks_log_get_level() + 1);
        return 1;
    case KS_OPT_LOG_FORMAT:
        if (!strcmp(arg, "json"))
            ks_log_set_json(true);
        else if (!strcmp(arg, "text"))
            ks_log_set_json(false);
        else
            return ks_cmd_usage_error(cmd, "--log-format must be 'text' or 'json', not '%s'",
                                      arg),
                   -1;
        return 1;
    case KS_OPT_LOG_LEVEL:
        if (!ks_log_parse_level(arg, &level))
            return ks_cmd_usage_error(cmd, "unknown log level '%s'", arg), -1;
        ks_log_set_level(level);
        return 1;
    case KS_OPT_CONFIG:
        ks_env.config_path = arg;
        return 1;
    default:
        return 0;
    }
}

int ks_cmd_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts,
                  const char *help, ks_cmd_opt_fn *fn, void *ctx)
{
    static const struct option common[] = {KS_CMD_COMMON_LONGOPTS, {NULL, 0, NULL, 0}};
    struct option all[64];
    char shorts[64];
    size_t n = 0;
    int c;

    for (; longopts && longopts[n].name; n++) {
        if (n >= KS_ARRAY_LEN(all) - KS_ARRAY_LEN(common))
            KS_BUG("too many options for '%s'", argv[0]);
        all[n] = longopts[n];
    }
    memcpy(all + n, common, sizeof(common));
    snprintf(shorts, sizeof(shorts), ":%sqvh", shortopts ? shortopts : "");
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, shorts, all, NULL)) != -1) {
        const char *bad = argv[optind - 1];
        int r;

        if (c == 'h') {
            ks_cmd_print_help(help);
            return KS_EXIT_OK;
        }
        if (c == '?')
            return ks_cmd_usage_error(argv[0], "unknown option '%s'", bad);
        if (c == ':')
            return ks_cmd_usage_error(argv[0], "option '%s' needs a value", bad);
        r = ks_cmd_common_opt(argv[0], c, optarg);
        if (r < 0)
            return KS_EXIT_USAGE;
        if (r > 0)
            continue;
        r = fn ? fn(c, optarg, ctx) : ks_cmd_usage_error(argv[0], "unknown option '%s'", bad);
        if (r)
            return r;
    }
    c = ks_cmd_load_config();
    return c ? c : KS_CMD_CONTINUE;
}

int ks_cmd_load_config(void)
{
    struct ks_diag diag = KS_DIAG_INIT;
    const char *path = ks_env.config_path;
    bool must = true;
    struct ks_conf conf;
    ks_err err;

    if (!path)
        path = getenv("KENSA_CONFIG");
    if (!path || !*path) {
        path = "/etc/kensa/kensa.conf";
        must = false;
        if (access(path, F_OK) != 0)
            return KS_EXIT_OK;
    }
    ks_conf_init(&conf);
    err = ks_conf_load(&conf, path, &diag);
    if (err == KS_ENOTFOUND && !must)
        err = KS_OK;
    if (!err)
        err = ks_conf_apply_limits(&conf, &ks_env.limits, &diag);
    ks_conf_release(&conf);
    if (err)
        return ks_cmd_fail(&diag, err == KS_EINVAL ? KS_EPARSE : err);
    return KS_EXIT_OK;
}

bool ks_cmd_sibling(const char *name, char *out, size_t n)
{
    char self[4096];
    ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
    char *slash;

    if (len <= 0)
        return false;
    self[len] = '\0';
    slash = strrchr(self, '/');
    if (!slash)
        return false;
    *slash = '\0';
    return (size_t)snprintf(out, n, "%s/%s", self, name) < n;
}

int ks_cmd_exec_helper(const char *helper, int argc, char **argv)
{
    char path[4200];
    char **args = calloc((size_t)argc + 2, sizeof(*args));

    if (!args) {
        ks_log_error("out of memory");
        return KS_EXIT_INTERNAL;
    }
    args[0] = (char *)(uintptr_t)helper;
    for (int i = 0; i < argc; i++)
        args[i + 1] = argv[i];
    if (ks_cmd_sibling(helper, path, sizeof(path)))
        execv(path, args);
    snprintf(path, sizeof(path), "%s/%s", KS_LIBEXECDIR, helper);
    execv(path, args);
    ks_log_error("cannot run '%s' (needed for 'kensa %s'): %s", path, argv[0], strerror(errno));
    free(args);
    return KS_EXIT_INTERNAL;
}

void ks_cmd_one_arena(void)
{
    (void)mallopt(M_ARENA_MAX, 1);
}

bool ks_cmd_target_kind(const char *word, enum ks_target_kind *out)
{
    static const struct {
        const char *word;
        enum ks_target_kind kind;
    } kinds[] = {{"rootfs", KS_TARGET_ROOTFS},
                 {"image", KS_TARGET_IMAGE},
                 {"archive", KS_TARGET_ARCHIVE},
                 {"sbom", KS_TARGET_SBOM}};

    for (size_t i = 0; i < KS_ARRAY_LEN(kinds); i++) {
        if (!strcmp(word, kinds[i].word)) {
            *out = kinds[i].kind;
            return true;
        }
    }
    return false;
}

const char *ks_color(bool on, const char *code)
{
    return on ? code : "";
}

/* ---- progress line ---- */

struct progress_state {
    double last; /* seconds, monotonic */
    bool drawn;
};

static struct progress_state pstate;

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void draw(void *ctx, const char *what, uint64_t done, uint64_t total)
{
    double t = now_s();

    KS_UNUSED(ctx);
    /* At most ten redraws a second, plus the final one. */
    if (pstate.drawn && t - pstate.last < 0.1 && !(total && done >= total))
        return;
    pstate.last = t;
    pstate.drawn = true;
    if (total)
        fprintf(stderr, "\r\033[K%s: %llu/%llu (%d%%)", what, (unsigned long long)done,
                (unsigned long long)total, (int)(done * 100 / total));
    else
        fprintf(stderr, "\r\033[K%s: %llu", what, (unsigned long long)done);
    fflush(stderr);
}

static const struct ks_progress tty_progress = {draw, NULL};

const struct ks_progress *ks_cmd_progress(void)
{
    return ks_env.progress && !ks_env.quiet ? &tty_progress : NULL;
}

void ks_cmd_progress_done(void)
{
    if (pstate.drawn) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        pstate.drawn = false;
    }
}

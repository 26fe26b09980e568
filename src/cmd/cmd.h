/* cmd/cmd.h - what every `kensa` subcommand shares.
 *
 * cmd/ is the only module that prints to the user or exits. A command is a
 * function `int cmd_NAME(int argc, char **argv)` returning a process exit
 * code; argv[0] is the command name. Commands are listed in commands.def. */
#ifndef KS_CMD_CMD_H
#define KS_CMD_CMD_H

#include "core/err.h"
#include "core/limits.h"
#include "core/progress.h"
#include "model/inventory.h"

#include <getopt.h>

/* Exit codes (documented in man/kensa.1). A scan's "findings at or above the
 * threshold" code is whatever the user passes to --exit-code. */
enum {
    KS_EXIT_OK = 0,
    KS_EXIT_FAILURE = 1, /* the command ran and its answer is "no" (e.g. a check failed) */
    KS_EXIT_USAGE = 2,
    KS_EXIT_INPUT = 3,
    KS_EXIT_INTERNAL = 4,
};

/* Settings shared by all commands, filled from global options, the
 * environment and the config file before the command runs. */
struct ks_cmd_env {
    struct ks_limits limits;
    const char *config_path; /* NULL: default (/etc/kensa/kensa.conf if present) */
    bool quiet;
    bool color_stdout;
    bool color_stderr;
    bool progress; /* stderr is a TTY and not quiet */
};

extern struct ks_cmd_env ks_env;

/* The exit code for an error: input problems (parse, limit, not found, i/o on
 * input, unsupported) give 3, the rest 4. */
int ks_cmd_exit_code(ks_err err);

/* Prints "kensa: error: MSG" (the diag's message, or the error's name). */
void ks_cmd_error(const struct ks_diag *diag, ks_err err);

/* Prints a usage error ("kensa COMMAND: MSG" plus a hint to --help) and
 * returns KS_EXIT_USAGE. */
int ks_cmd_usage_error(const char *cmd, const char *fmt, ...) KS_PRINTF(2, 3);

/* Prints an error for `diag` and returns the matching exit code. */
int ks_cmd_fail(const struct ks_diag *diag, ks_err err);

/* Options every command accepts; handled by ks_cmd_common_opt(). Add
 * KS_CMD_COMMON_LONGOPTS to a getopt_long table and "qv" to its short string. */
enum {
    KS_OPT_LOG_FORMAT = 1000,
    KS_OPT_LOG_LEVEL,
    KS_OPT_CONFIG,
    KS_OPT_FIRST_CMD = 1100, /* commands number their own long options from here */
};
#define KS_CMD_COMMON_LONGOPTS                                                                     \
    {"quiet", no_argument, NULL, 'q'}, {"verbose", no_argument, NULL, 'v'},                        \
            {"log-format", required_argument, NULL, KS_OPT_LOG_FORMAT},                            \
            {"log-level", required_argument, NULL, KS_OPT_LOG_LEVEL},                              \
            {"config", required_argument, NULL, KS_OPT_CONFIG},                                    \
    {                                                                                              \
        "help", no_argument, NULL, 'h'                                                             \
    }

/* Parses the options of a command. `longopts` (terminated by a zero entry,
 * may be NULL) and `shortopts` are the command's own; the common options are
 * added. For each own option `fn(c, optarg, ctx)` is called and returns 0 to
 * go on or an exit code to stop. Returns KS_CMD_CONTINUE when the command
 * should run (positional arguments are argv[optind..argc-1]), otherwise the
 * exit code to return at once (0 after --help). */
#define KS_CMD_CONTINUE (-1)
typedef int ks_cmd_opt_fn(int c, const char *arg, void *ctx);
int ks_cmd_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts,
                  const char *help, ks_cmd_opt_fn *fn, void *ctx);

/* Handles a common option. Returns 1 if handled, 0 if `c` is not common, or
 * -1 after printing a usage error. */
int ks_cmd_common_opt(const char *cmd, int c, const char *arg);

/* Prints `help` (a command's usage text) and the common options to stdout. */
void ks_cmd_print_help(const char *help);

/* The text printed by --help for the common options. */
extern const char ks_cmd_common_help[];

/* Loads the config file named by --config/KENSA_CONFIG (an error if given and
 * unreadable) or /etc/kensa/kensa.conf when it exists, and applies its
 * [limits]. Call once per command after option parsing. */
int ks_cmd_load_config(void);

/* The progress sink that draws on a TTY's stderr (NULL when progress is off). */
const struct ks_progress *ks_cmd_progress(void);
/* Clears the progress line, if one is drawn. */
void ks_cmd_progress_done(void);

/* The path of executable `name` in the running binary's directory; false
 * when it cannot be told. */
bool ks_cmd_sibling(const char *name, char *out, size_t n);

/* Runs the sibling executable `helper` (e.g. "kensa-server") with argv
 * unchanged, replacing this process. Commands whose libraries are costly to
 * load (libcurl, libpq, libmicrohttpd) live in such helpers, so that `kensa`
 * itself starts in a few milliseconds. The helper is looked up next to the
 * running binary, then in KS_LIBEXECDIR. Returns only on failure, with the
 * exit code to use (after printing the error). */
int ks_cmd_exec_helper(const char *helper, int argc, char **argv);

/* Before walking a target: one malloc arena for the process. The walk's
 * worker threads allocate little, and an arena of their own costs each
 * ~0.2 MiB of resident memory (bench/README.md, issue 5: peak RSS). */
void ks_cmd_one_arena(void);

/* Parses a target kind word ("rootfs", "image", "archive", "sbom") into
 * `*out` (an enum ks_target_kind, model/inventory.h). False when unknown. */
bool ks_cmd_target_kind(const char *word, enum ks_target_kind *out);

/* The `registry` target of scan and sbom (kensa-scan): runs `kensa-net pull`
 * as a child process and copies the OCI layout directory it printed into
 * `layout`. Returns KS_EXIT_OK, or the exit code to use (the error has been
 * printed). */
struct ks_cmd_registry {
    const char *ref;
    const char *cache;    /* NULL: kensa-net's default */
    const char *platform; /* NULL: the host's */
    bool insecure;
};
int ks_cmd_registry_pull(const struct ks_cmd_registry *r, char *layout, size_t n);

/* Names a scanned registry image by `ref` (not the cache path) and gives it
 * the purl of purl-spec's oci type (pkg:oci/NAME@DIGEST?arch=…&
 * repository_url=HOST/REPO&tag=…). KS_ENOMEM only. */
ks_err ks_cmd_registry_name(struct ks_inventory *inv, const char *ref);

/* Colour helpers: return the escape sequence, or "" when colour is off. */
const char *ks_color(bool on, const char *code);
#define KS_C_RED    "\033[31m"
#define KS_C_YELLOW "\033[33m"
#define KS_C_GREEN  "\033[32m"
#define KS_C_BOLD   "\033[1m"
#define KS_C_DIM    "\033[2m"
#define KS_C_RESET  "\033[0m"

/* Every command's entry point, from commands.def. */
#define KS_CMD(name, summary)                                                                      \
    int cmd_##name(int argc, char **argv);                                                         \
    extern const char cmd_##name##_help[];
#include "cmd/commands.def"
#undef KS_CMD

#endif

/* cmd/main.c - `kensa COMMAND [ARGS]`: global options, then dispatch. */
#include "core/ks_common.h"

#include "cmd/cmd.h"

#include "core/log.h"

#include <unistd.h>

struct command {
    const char *name;
    const char *summary;
    int (*fn)(int argc, char **argv);
    const char *help;
};

static const struct command commands[] = {
#define KS_CMD(name, summary) {#name, summary, cmd_##name, cmd_##name##_help},
#include "cmd/commands.def"
#undef KS_CMD
};

static const struct command *find_command(const char *name)
{
    for (size_t i = 0; i < KS_ARRAY_LEN(commands); i++)
        if (!strcmp(commands[i].name, name))
            return &commands[i];
    return NULL;
}

static void print_main_help(FILE *f)
{
    fprintf(f, "usage: kensa [OPTIONS] COMMAND [ARGS]\n\n"
           "kensa inventories software in hosts, images and function archives, matches it\n"
           "against vulnerability data, and keeps track of the findings.\n\n"
           "Commands:\n");
    for (size_t i = 0; i < KS_ARRAY_LEN(commands); i++)
        fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nOptions:\n"
           "  --version          same as 'kensa version'\n"
           "%s\n"
           "Run 'kensa COMMAND --help' for the options of a command, or see kensa(1).\n",
           ks_cmd_common_help);
}

const char cmd_help_help[] = "usage: kensa help [COMMAND]\n\n"
                             "Shows the list of commands, or the help of COMMAND.\n";

int cmd_help(int argc, char **argv)
{
    const struct command *c;
    char help_flag[] = "--help";
    char *sub[3];

    if (argc < 2) {
        print_main_help(stdout);
        return KS_EXIT_OK;
    }
    if (argc > 2)
        return ks_cmd_usage_error("help", "too many arguments");
    c = find_command(argv[1]);
    if (!c)
        return ks_cmd_usage_error("help", "unknown command '%s'", argv[1]);
    sub[0] = argv[1];
    sub[1] = help_flag;
    sub[2] = NULL;
    return c->fn(2, sub);
}

/* Recognises "--NAME" or "--NAME=VALUE" for the common options with a value. */
static bool global_with_value(const char *a, int *code)
{
    static const struct {
        const char *name;
        int code;
    } opts[] = {{"--log-format", KS_OPT_LOG_FORMAT},
                {"--log-level", KS_OPT_LOG_LEVEL},
                {"--config", KS_OPT_CONFIG}};
    size_t n = strcspn(a, "=");

    for (size_t k = 0; k < KS_ARRAY_LEN(opts); k++) {
        if (strlen(opts[k].name) == n && !strncmp(a, opts[k].name, n)) {
            *code = opts[k].code;
            return true;
        }
    }
    return false;
}

/* Global options come before the command; every command also accepts the
 * common ones itself, so `kensa -q scan …` and `kensa scan … -q` both work. */
int main(int argc, char **argv)
{
    const struct command *c;
    int i;

    ks_env.color_stdout = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
    ks_env.color_stderr = isatty(STDERR_FILENO) && !getenv("NO_COLOR");
    ks_env.progress = isatty(STDERR_FILENO);
    ks_limits_init(&ks_env.limits);

    for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        const char *a = argv[i];
        const char *arg = NULL;
        int code = 0;

        if (!strcmp(a, "--")) {
            i++;
            break;
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            print_main_help(stdout);
            return KS_EXIT_OK;
        }
        if (!strcmp(a, "--version"))
            return cmd_version(1, argv + i);
        if (!strcmp(a, "-q") || !strcmp(a, "--quiet"))
            code = 'q';
        else if (!strcmp(a, "-v") || !strcmp(a, "--verbose"))
            code = 'v';
        else if (global_with_value(a, &code)) {
            const char *eq = strchr(a, '=');
            if (eq)
                arg = eq + 1;
            else if (i + 1 < argc)
                arg = argv[++i];
            else
                return ks_cmd_usage_error(NULL, "option '%s' needs a value", a);
        } else {
            return ks_cmd_usage_error(NULL, "unknown option '%s'", a);
        }
        if (ks_cmd_common_opt(NULL, code, arg) < 0)
            return KS_EXIT_USAGE;
    }
    if (i >= argc) {
        print_main_help(stderr);
        return KS_EXIT_USAGE;
    }
    c = find_command(argv[i]);
    if (!c)
        return ks_cmd_usage_error(NULL, "unknown command '%s'", argv[i]);
    return c->fn(argc - i, argv + i);
}

/* cmd/net_main.c - kensa-net: the helper executable for commands that need
 * libcurl (`kensa db update`, and the API client commands findings, push, report, filters). `kensa` execs it with its own argv, so this
 * main sees "db update ..." exactly as typed after the global options. */
#include "core/ks_common.h"

#include "cmd/cmd.h"

#include <unistd.h>

int cmd_db_update(int argc, char **argv);
int cmd_findings(int argc, char **argv);
int cmd_push(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_filters(int argc, char **argv);

int main(int argc, char **argv)
{
    ks_env.color_stdout = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
    ks_env.color_stderr = isatty(STDERR_FILENO) && !getenv("NO_COLOR");
    ks_env.progress = isatty(STDERR_FILENO);
    ks_limits_init(&ks_env.limits);
    if (argc >= 3 && !strcmp(argv[1], "db") && !strcmp(argv[2], "update"))
        return cmd_db_update(argc - 2, argv + 2);
    if (argc >= 2 && !strcmp(argv[1], "findings"))
        return cmd_findings(argc - 1, argv + 1);
    if (argc >= 2 && !strcmp(argv[1], "push"))
        return cmd_push(argc - 1, argv + 1);
    if (argc >= 2 && !strcmp(argv[1], "pull"))
        return cmd_pull(argc - 1, argv + 1);
    if (argc >= 2 && !strcmp(argv[1], "report"))
        return cmd_report(argc - 1, argv + 1);
    if (argc >= 2 && !strcmp(argv[1], "filters"))
        return cmd_filters(argc - 1, argv + 1);
    fprintf(stderr, "kensa-net: run as 'kensa db update|findings|push|report|filters ...'\n");
    return KS_EXIT_USAGE;
}

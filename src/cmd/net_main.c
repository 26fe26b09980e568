/* cmd/net_main.c - kensa-net: the helper executable for commands that need
 * libcurl (`kensa db update`). `kensa` execs it with its own argv, so this
 * main sees "db update ..." exactly as typed after the global options. */
#include "core/ks_common.h"

#include "cmd/cmd.h"

#include <unistd.h>

int cmd_db_update(int argc, char **argv);

int main(int argc, char **argv)
{
    ks_env.color_stdout = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
    ks_env.color_stderr = isatty(STDERR_FILENO) && !getenv("NO_COLOR");
    ks_env.progress = isatty(STDERR_FILENO);
    ks_limits_init(&ks_env.limits);
    if (argc >= 3 && !strcmp(argv[1], "db") && !strcmp(argv[2], "update"))
        return cmd_db_update(argc - 2, argv + 2);
    fprintf(stderr, "kensa-net: run as 'kensa db update ...'\n");
    return KS_EXIT_USAGE;
}

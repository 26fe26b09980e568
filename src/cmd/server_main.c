/* cmd/server_main.c - main() of the kensa-server helper executable.
 *
 * The kensa front execs it as `kensa-server server ARGS…` (see
 * ks_cmd_exec_helper), so argv[1] names the command. */
#include "core/ks_common.h"

#include "cmd/cmd.h"

#include <unistd.h>

int cmd_server(int argc, char **argv);

int main(int argc, char **argv)
{
    ks_env.color_stdout = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
    ks_env.color_stderr = isatty(STDERR_FILENO) && !getenv("NO_COLOR");
    ks_limits_init(&ks_env.limits);
    if (argc < 2 || strcmp(argv[1], "server")) {
        fprintf(stderr, "kensa-server: run it as 'kensa server'\n");
        return KS_EXIT_USAGE;
    }
    return cmd_server(argc - 1, argv + 1);
}

/* cmd/scan_main.c - main() of the kensa-scan helper executable.
 *
 * The kensa front execs it as `kensa-scan COMMAND ARGS…` (see
 * ks_cmd_exec_helper), so argv[1] names the command. */
#include "core/ks_common.h"

#include "cmd/cmd.h"

#include <unistd.h>

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
} commands[] = {
        {"scan", cmd_scan},
        {"sbom", cmd_sbom},
        {"db", cmd_db},
        {"code", cmd_code},
};

int main(int argc, char **argv)
{
    ks_env.color_stdout = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
    ks_env.color_stderr = isatty(STDERR_FILENO) && !getenv("NO_COLOR");
    ks_env.progress = isatty(STDERR_FILENO);
    ks_limits_init(&ks_env.limits);
    for (size_t i = 0; argc >= 2 && i < KS_ARRAY_LEN(commands); i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "kensa-scan: run it through the kensa front (kensa sbom, kensa db, ...)\n");
    return KS_EXIT_USAGE;
}

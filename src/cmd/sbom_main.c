/* cmd/sbom_main.c - main() of the kensa-sbom helper executable.
 *
 * The kensa front execs it as `kensa-sbom sbom ARGS…` (see
 * ks_cmd_exec_helper), so argv[1] names the command. */
#include "core/ks_common.h"

#include "cmd/cmd.h"

#include <unistd.h>

int main(int argc, char **argv)
{
    ks_env.color_stdout = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
    ks_env.color_stderr = isatty(STDERR_FILENO) && !getenv("NO_COLOR");
    ks_env.progress = isatty(STDERR_FILENO);
    ks_limits_init(&ks_env.limits);
    if (argc < 2 || strcmp(argv[1], "sbom")) {
        fprintf(stderr, "kensa-sbom: run it as 'kensa sbom'\n");
        return KS_EXIT_USAGE;
    }
    return cmd_sbom(argc - 1, argv + 1);
}

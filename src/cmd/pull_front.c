/* cmd/pull_front.c - `kensa pull` runs in the kensa-net helper (libcurl). */
#include "core/ks_common.h"

#include "cmd/cmd.h"

int cmd_pull(int argc, char **argv)
{
    return ks_cmd_exec_helper("kensa-net", argc, argv);
}

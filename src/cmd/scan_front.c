/* cmd/scan_front.c - commands that read archives and images run in the
 * kensa-scan helper, which alone loads libarchive (and through it libxml2's
 * ICU and libstdc++): the kensa front execs it, so `kensa --version` and
 * the other commands do not pay for those libraries at start-up. */
#include "core/ks_common.h"

#include "cmd/cmd.h"

int cmd_sbom(int argc, char **argv)
{
    return ks_cmd_exec_helper("kensa-scan", argc, argv);
}

int cmd_scan(int argc, char **argv)
{
    return ks_cmd_exec_helper("kensa-scan", argc, argv);
}

int cmd_code(int argc, char **argv)
{
    return ks_cmd_exec_helper("kensa-scan", argc, argv);
}

int cmd_db(int argc, char **argv)
{
    return ks_cmd_exec_helper("kensa-scan", argc, argv);
}

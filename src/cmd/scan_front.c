/* cmd/scan_front.c - scanning commands run in the kensa-scan helper, which
 * holds the scanning code (its costly libraries, libarchive and with it
 * libxml2's ICU and libstdc++, SQLite, tree-sitter, are loaded on first use:
 * core/dl.h): the kensa front execs it, so `kensa --version` and the other
 * commands stay small. */
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

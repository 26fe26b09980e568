/* cmd/sbom_front.c - `kensa sbom` in the kensa front: the command lives in
 * the kensa-sbom helper, which alone loads libarchive. */
#include "core/ks_common.h"

#include "cmd/cmd.h"

int cmd_sbom(int argc, char **argv)
{
    return ks_cmd_exec_helper("kensa-sbom", argc, argv);
}

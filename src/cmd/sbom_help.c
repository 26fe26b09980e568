/* cmd/sbom_help.c - the --help text of `kensa sbom`, shared by the kensa
 * front (for `kensa help sbom`) and the kensa-sbom helper. */
#include "core/ks_common.h"

#include "cmd/cmd.h"

const char cmd_sbom_help[] =
        "usage: kensa sbom rootfs|image|archive|sbom|registry TARGET [options]\n\n"
        "Lists the software in TARGET and writes it as an SBOM.\n\n"
        "  rootfs DIR         a root filesystem directory (symlinks stay inside it)\n"
        "  image PATH         docker-save archive, OCI archive or OCI layout directory\n"
        "  archive FILE       zip, jar/war/ear (nested jars too) or tar\n"
        "  sbom FILE          a CycloneDX or SPDX JSON document\n"
        "  registry REF       an image pulled from a registry (see kensa pull), e.g.\n"
        "                     127.0.0.1:5000/library/debian:12 or host/repo@sha256:HEX\n\n"
        "  -f, --format F     cyclonedx (default), spdx, json (kensa inventory), table\n"
        "  -o, --output FILE  write to FILE (atomically) instead of standard output\n"
        "      --platform P   image platform os/arch[/variant] (default: the host's)\n"
        "      --timestamp    record the current time (SOURCE_DATE_EPOCH if set);\n"
        "                     without it the output is byte-for-byte reproducible\n"
        "      --cross-fs     rootfs: descend into other mounted filesystems\n"
        "      --cache DIR    registry: blob cache (default $KENSA_HOME/cache)\n"
        "      --insecure     registry: allow plain http for any host\n";

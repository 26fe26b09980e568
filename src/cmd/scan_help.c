/* cmd/scan_help.c - `kensa scan --help`, shared by the kensa front and the
 * kensa-scan helper. */
#include "core/ks_common.h"

#include "cmd/cmd.h"

const char cmd_scan_help[] =
        "usage: kensa scan rootfs|image|archive|sbom TARGET [OPTIONS]\n\n"
        "Inventories TARGET (a root filesystem directory, a docker-save/OCI image, a\n"
        "function archive, or a CycloneDX/SPDX SBOM), matches every package against\n"
        "the vulnerability database and reports the findings.\n\n"
        "  --db FILE              the vulnerability database (default $KENSA_DB, else\n"
        "                         $KENSA_HOME/vuln.db, KENSA_HOME defaulting to /var/lib/kensa)\n"
        "  -f, --format F         table (default), json, sarif, asff, csv or cyclonedx\n"
        "                         (CycloneDX 1.6: components and vulnerabilities, VEX)\n"
        "  -o, --output FILE      write the report to FILE (atomically) instead of stdout\n"
        "  --severity LIST        only these severities, e.g. HIGH,CRITICAL\n"
        "  --exit-code N          exit with N when findings remain after filtering (default 0)\n"
        "  --ignore-file FILE     accepted findings (YAML, see kensa(1)); expired entries are\n"
        "                         reported and no longer apply\n"
        "  --ignore-unfixed       leave out findings that have no fixed version\n"
        "  --vex FILE             OpenVEX, CycloneDX VEX or CSAF VEX document (repeatable)\n"
        "  --no-network-path      the resource has no network path: network-borne flaws are\n"
        "                         scored as adjacent-network (listed in the adjustments)\n"
        "  --db-max-age DUR       refuse a database whose newest data is older than DUR (7d, 12h)\n"
        "  --platform OS/ARCH     image platform to scan in a multi-platform index\n"
        "  --eol-data DIR         distro-info-data CSVs (debian.csv, ubuntu.csv) for the OS\n"
        "                         end-of-life check (default: the installed copy)\n"
        "  --explain ID           instead of the report: why vulnerability ID (or an alias)\n"
        "                         was or was not reported, per advisory and package\n"
        "                         (text, or JSON with --format json)\n";

/* cmd/code_help.c - `kensa code --help`, shared by the kensa front and the
 * kensa-scan helper (code scanning reads archives: Lambda .zip packages). */
#include "core/ks_common.h"

#include "cmd/cmd.h"

const char cmd_code_help[] =
        "usage: kensa code DIR|ZIP|FILE [--language L] [--format F] [-o FILE] [--threads N]\n\n"
        "Scans Python, JavaScript, TypeScript and Java code (a directory, a source file,\n"
        "or an archive such as a Lambda deployment .zip) for injection, data leaks,\n"
        "hard-coded secrets, weak cryptography and missing encryption. Exit code 0\n"
        "whether or not there are findings; 3 for unreadable input.\n\n"
        "  --language L       auto (default, by extension), python, javascript,\n"
        "                     typescript or java\n"
        "  --format F         table (default), json or sarif (SARIF 2.1.0)\n"
        "  -o, --output FILE  write the report to FILE instead of stdout\n"
        "  --threads N        worker threads (default: one per CPU)\n"
        "  --list-detectors   print the detector catalogue and exit\n";

/* cmd/pull_help.c - the --help text of `kensa pull`, shared by the kensa
 * front (for `kensa help pull`) and the kensa-net helper. */
#include "core/ks_common.h"

#include "cmd/cmd.h"

const char cmd_pull_help[] =
        "usage: kensa pull REF [options]\n\n"
        "Pulls an image from an OCI distribution (Docker Registry v2) registry into\n"
        "the cache, as an OCI image layout, and prints its manifest digest and the\n"
        "layout directory. REF is [HOST[:PORT]/]REPO[:TAG][@sha256:HEX]. Blobs are\n"
        "verified by SHA-256 and cached by digest: a second pull downloads no blob.\n"
        "'kensa scan registry REF' and 'kensa sbom registry REF' pull the same way.\n\n"
        "      --cache DIR    blob cache (default $KENSA_HOME/cache, KENSA_HOME\n"
        "                     defaulting to /var/lib/kensa)\n"
        "      --platform P   image of a multi-platform index: os/arch[/variant]\n"
        "                     (default: the host's)\n"
        "      --insecure     allow plain http for any registry (always allowed for\n"
        "                     localhost and 127.0.0.1)\n\n"
        "Credentials: KENSA_REGISTRY_AUTH=user:password, else the registry's entry in\n"
        "\"auths\" of $DOCKER_CONFIG/config.json or ~/.docker/config.json (docker login);\n"
        "used for Basic authentication or to get a Bearer token. Without them the\n"
        "token is requested anonymously.\n";

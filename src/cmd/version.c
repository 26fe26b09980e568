/* cmd/version.c - `kensa version` / `kensa --version`. */
#include "core/ks_common.h"

#include "cmd/cmd.h"

#include "ks_build.h"
#include "ks_commit.h"

const char cmd_version_help[] =
        "usage: kensa version [--short]\n\n"
        "Prints the kensa version, the git commit it was built from, the build options\n"
        "and the versions of the libraries it was built with.\n\n"
        "  --short            print only the version number\n";

static int version_opt(int c, const char *arg, void *ctx)
{
    KS_UNUSED(arg);
    *(bool *)ctx = c == 's';
    return 0;
}

int cmd_version(int argc, char **argv)
{
    static const struct option longopts[] = {{"short", no_argument, NULL, 's'},
                                             {NULL, 0, NULL, 0}};
    bool short_form = false;
    int rc = ks_cmd_getopt(argc, argv, NULL, longopts, cmd_version_help, version_opt,
                           &short_form);

    if (rc != KS_CMD_CONTINUE)
        return rc;
    if (optind < argc)
        return ks_cmd_usage_error("version", "unexpected argument '%s'", argv[optind]);
    if (short_form) {
        printf("%s\n", KS_VERSION);
        return KS_EXIT_OK;
    }
    printf("kensa %s\n"
           "commit: %s\n"
           "build: %s\n"
           "libraries: %s\n",
           KS_VERSION, KS_GIT_COMMIT, KS_BUILD_OPTIONS, KS_LIBRARY_VERSIONS);
    return KS_EXIT_OK;
}

/* cmd/sbom.c - `kensa sbom`: inventory a target and write an SBOM. */
#include "core/ks_common.h"

#include "cmd/cmd.h"

#include "core/buf.h"
#include "core/file.h"
#include "export/sbom.h"
#include "pkg/inventory.h"
#include "pkg/scan.h"

#include "ks_build.h"

#include <time.h>

enum { OPT_PLATFORM = KS_OPT_FIRST_CMD, OPT_TIMESTAMP, OPT_CROSS_FS, OPT_CACHE, OPT_INSECURE };

struct opts {
    const char *format;
    const char *output;
    const char *platform;
    bool timestamp;
    bool cross_fs;
    const char *cache;
    bool insecure;
};

static int sbom_opt(int c, const char *arg, void *ctx)
{
    struct opts *o = ctx;

    switch (c) {
    case 'f':
        o->format = arg;
        break;
    case 'o':
        o->output = arg;
        break;
    case OPT_PLATFORM:
        o->platform = arg;
        break;
    case OPT_TIMESTAMP:
        o->timestamp = true;
        break;
    case OPT_CROSS_FS:
        o->cross_fs = true;
        break;
    case OPT_CACHE:
        o->cache = arg;
        break;
    case OPT_INSECURE:
        o->insecure = true;
        break;
    default:
        return KS_EXIT_USAGE;
    }
    return 0;
}

static void now_rfc3339(char *buf, size_t n)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    time_t t = time(NULL);
    struct tm tm;
    uint64_t v;

    if (sde && !ks_parse_u64(sde, &v))
        t = (time_t)v;
    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int cmd_sbom(int argc, char **argv)
{
    static const struct option longopts[] = {{"format", required_argument, NULL, 'f'},
                                             {"output", required_argument, NULL, 'o'},
                                             {"platform", required_argument, NULL, OPT_PLATFORM},
                                             {"timestamp", no_argument, NULL, OPT_TIMESTAMP},
                                             {"cross-fs", no_argument, NULL, OPT_CROSS_FS},
                                             {"cache", required_argument, NULL, OPT_CACHE},
                                             {"insecure", no_argument, NULL, OPT_INSECURE},
                                             {NULL, 0, NULL, 0}};
    struct opts o = {"cyclonedx", NULL, NULL, false, false, NULL, false};
    struct ks_inventory inv;
    struct ks_diag diag = KS_DIAG_INIT;
    struct ks_buf out = KS_BUF_INIT(0);
    struct ks_scan_opts so;
    struct ks_sbom_opts eo;
    enum ks_target_kind kind;
    char stamp[32], layout[4096];
    const char *what, *target;
    bool registry;
    int rc = ks_cmd_getopt(argc, argv, "f:o:", longopts, cmd_sbom_help, sbom_opt, &o);
    ks_err err;

    if (rc != KS_CMD_CONTINUE)
        return rc;
    if (argc - optind != 2)
        return ks_cmd_usage_error("sbom", "expected a target kind and a target");
    what = argv[optind];
    target = argv[optind + 1];
    registry = !strcmp(what, "registry");
    kind = KS_TARGET_IMAGE;
    if (!registry && !ks_cmd_target_kind(what, &kind))
        return ks_cmd_usage_error("sbom", "unknown target kind '%s'", what);
    memset(&eo, 0, sizeof(eo));
    if (ks_sbom_format_parse(o.format, &eo.format))
        return ks_cmd_usage_error("sbom", "unknown format '%s'", o.format);
    rc = ks_cmd_load_config();
    if (rc)
        return rc;
    eo.tool_version = KS_VERSION;
    if (o.timestamp) {
        now_rfc3339(stamp, sizeof(stamp));
        eo.timestamp = stamp;
    }
    memset(&so, 0, sizeof(so));
    so.lim = &ks_env.limits;
    so.progress = ks_cmd_progress();
    so.platform = o.platform;
    so.xdev = !o.cross_fs;

    if (registry) {
        struct ks_cmd_registry r = {target, o.cache, o.platform, o.insecure};
        rc = ks_cmd_registry_pull(&r, layout, sizeof(layout));
        if (rc)
            return rc;
        target = layout;
    }
    ks_inventory_init(&inv);
    ks_cmd_one_arena();
    err = ks_pkg_scan(&inv, kind, target, &so, &diag);
    ks_cmd_progress_done();
    if (!err && registry)
        err = ks_cmd_registry_name(&inv, argv[optind + 1]);
    if (!err)
        err = ks_sbom_write(&inv, &eo, &out, &diag);
    if (!err)
        err = ks_file_write_atomic(o.output ? o.output : "-", out.ptr ? out.ptr : "", out.len,
                                   &diag);
    rc = err ? ks_cmd_fail(&diag, err) : KS_EXIT_OK;
    ks_buf_release(&out);
    ks_inventory_release(&inv);
    return rc;
}

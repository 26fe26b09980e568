/* cmd/pull.c - `kensa pull` (in kensa-net): an image from a registry into
 * the blob cache; also what `kensa scan|sbom registry REF` run. */
#include "core/ks_common.h"

#include "cmd/cmd.h"

#include "core/arena.h"
#include "core/file.h"
#include "core/log.h"
#include "http/http.h"
#include "ingest/registry.h"
#include "ingest/registry_pull.h"

enum { OPT_CACHE = KS_OPT_FIRST_CMD, OPT_PLATFORM, OPT_INSECURE };

struct opts {
    const char *cache;
    const char *platform;
    bool insecure;
};

static int pull_opt(int c, const char *arg, void *ctx)
{
    struct opts *o = ctx;

    switch (c) {
    case OPT_CACHE:
        o->cache = arg;
        break;
    case OPT_PLATFORM:
        o->platform = arg;
        break;
    case OPT_INSECURE:
        o->insecure = true;
        break;
    default:
        return KS_EXIT_USAGE;
    }
    return 0;
}

/* Credentials for `host`: KENSA_REGISTRY_AUTH, else the Docker config. */
static ks_err credentials(struct ks_arena *a, const char *host, const char **userpass,
                          struct ks_diag *diag)
{
    const char *env = getenv("KENSA_REGISTRY_AUTH"), *dc = getenv("DOCKER_CONFIG");
    const char *home = getenv("HOME");
    struct ks_buf data = KS_BUF_INIT(0);
    char path[4096];
    ks_err err;

    *userpass = NULL;
    if (env && *env) {
        if (!strchr(env, ':'))
            return ks_diag_set(diag, KS_EINVAL, "KENSA_REGISTRY_AUTH must be user:password");
        *userpass = env;
        return KS_OK;
    }
    if (dc && *dc)
        snprintf(path, sizeof(path), "%s/config.json", dc);
    else if (home && *home)
        snprintf(path, sizeof(path), "%s/.docker/config.json", home);
    else
        return KS_OK;
    err = ks_file_read(path, 1u << 20, &data, diag);
    if (err == KS_ENOTFOUND) {
        ks_diag_clear(diag);
        err = KS_OK;
    } else if (!err) {
        err = ks_reg_config_auth(a, path, data.ptr ? data.ptr : "", data.len, host,
                                 &ks_env.limits, userpass, diag);
        if (!err && *userpass)
            ks_log_debug("registry credentials for '%s' from '%s'", host, path);
    }
    ks_buf_release(&data);
    return err;
}

int cmd_pull(int argc, char **argv)
{
    static const struct option longopts[] = {{"cache", required_argument, NULL, OPT_CACHE},
                                             {"platform", required_argument, NULL, OPT_PLATFORM},
                                             {"insecure", no_argument, NULL, OPT_INSECURE},
                                             {NULL, 0, NULL, 0}};
    struct opts o = {NULL, NULL, false};
    struct ks_diag diag = KS_DIAG_INIT;
    struct ks_reg_pull_opts po;
    struct ks_reg_pull_result res;
    struct ks_reg_ref ref;
    struct ks_arena arena;
    char cache[4096];
    int rc = ks_cmd_getopt(argc, argv, "", longopts, cmd_pull_help, pull_opt, &o);
    ks_err err;

    if (rc != KS_CMD_CONTINUE)
        return rc;
    if (argc - optind != 1)
        return ks_cmd_usage_error("pull", "expected one image reference");
    if (!o.cache) {
        const char *home = getenv("KENSA_HOME");
        snprintf(cache, sizeof(cache), "%s/cache", home && *home ? home : "/var/lib/kensa");
        o.cache = cache;
    }
    err = ks_reg_ref_parse(argv[optind], &ref, &diag);
    if (err)
        return ks_cmd_fail(&diag, err);
    ks_arena_init(&arena, 0, 0);
    memset(&po, 0, sizeof(po));
    po.cache = o.cache;
    po.platform = o.platform;
    po.insecure = o.insecure;
    po.lim = &ks_env.limits;
    po.progress = ks_cmd_progress();
    err = credentials(&arena, ref.host, &po.userpass, &diag);
    if (!err)
        err = ks_http_global_init(&diag);
    if (!err)
        err = ks_reg_pull(argv[optind], &po, &res, &diag);
    ks_cmd_progress_done();
    if (!err) {
        ks_log_info("pull '%s': %u blobs downloaded, %u manifests downloaded (%llu bytes in "
                    "all), %u from the cache",
                    argv[optind], res.fetched, res.manifests, (unsigned long long)res.bytes,
                    res.cached);
        printf("digest\t%s\n", res.digest);
        if (res.index[0])
            printf("index\t%s\n", res.index);
        printf("layout\t%s\n", res.layout);
        rc = fflush(stdout) ? KS_EXIT_INTERNAL : KS_EXIT_OK;
    } else {
        rc = ks_cmd_fail(&diag, err);
    }
    ks_arena_release(&arena);
    return rc;
}

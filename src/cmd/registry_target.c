/* cmd/registry_target.c - the `registry` target kind of `kensa scan` and
 * `kensa sbom` (in kensa-scan): the pull runs in the kensa-net helper (the
 * only executable with libcurl) as a child process, which leaves an OCI
 * image layout in the cache; the scan then reads that layout like any
 * `image` target. */
#include "core/ks_common.h"

#include "cmd/cmd.h"

#include "core/buf.h"
#include "core/log.h"
#include "formats/purl.h"
#include "ingest/registry.h"
#include "pkg/inventory.h"

#include "ks_build.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

int ks_cmd_registry_pull(const struct ks_cmd_registry *r, char *layout, size_t n)
{
    static const char *const levels[] = {"error", "warn", "info", "debug", "trace"};
    const char *args[16];
    size_t na = 0;
    char path[4200], chunk[4096];
    struct ks_buf out = KS_BUF_INIT(1u << 20);
    int fds[2], status = 0, rc = KS_EXIT_OK;
    const char *line;
    pid_t pid;

    args[na++] = "kensa-net";
    args[na++] = "pull";
    args[na++] = "--log-level";
    args[na++] = levels[ks_log_get_level()];
    if (ks_env.config_path) {
        args[na++] = "--config";
        args[na++] = ks_env.config_path;
    }
    if (r->cache) {
        args[na++] = "--cache";
        args[na++] = r->cache;
    }
    if (r->platform) {
        args[na++] = "--platform";
        args[na++] = r->platform;
    }
    if (r->insecure)
        args[na++] = "--insecure";
    if (ks_env.quiet)
        args[na++] = "-q";
    args[na++] = "--";
    args[na++] = r->ref;
    args[na] = NULL;
    if (pipe2(fds, O_CLOEXEC) < 0) {
        ks_log_error("cannot create a pipe: %s", strerror(errno));
        return KS_EXIT_INTERNAL;
    }
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid < 0) {
        ks_log_error("cannot fork: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return KS_EXIT_INTERNAL;
    }
    if (pid == 0) {
        if (dup2(fds[1], STDOUT_FILENO) < 0)
            _exit(KS_EXIT_INTERNAL);
        if (ks_cmd_sibling("kensa-net", path, sizeof(path)))
            execv(path, (char *const *)(uintptr_t)args);
        snprintf(path, sizeof(path), "%s/kensa-net", KS_LIBEXECDIR);
        execv(path, (char *const *)(uintptr_t)args);
        ks_log_error("cannot run '%s' (needed to pull '%s'): %s", path, r->ref, strerror(errno));
        _exit(KS_EXIT_INTERNAL);
    }
    close(fds[1]);
    for (;;) {
        ssize_t k = read(fds[0], chunk, sizeof(chunk));
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        if (ks_buf_add(&out, chunk, (size_t)k))
            rc = KS_EXIT_INTERNAL;
    }
    close(fds[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(status)) {
        ks_log_error("'kensa-net pull' for '%s' was killed by signal %d", r->ref,
                     WIFSIGNALED(status) ? WTERMSIG(status) : 0);
        rc = KS_EXIT_INTERNAL;
    }
    else if (WEXITSTATUS(status))
        rc = WEXITSTATUS(status); /* kensa-net printed the error */
    line = rc ? NULL : strstr(ks_buf_str(&out), "layout\t");
    if (!rc && (!line || (line != out.ptr && line[-1] != '\n'))) {
        ks_log_error("'kensa-net pull' gave no layout for '%s'", r->ref);
        rc = KS_EXIT_INTERNAL;
    } else if (!rc) {
        size_t k = strcspn(line + 7, "\n");
        if (k >= n) {
            rc = KS_EXIT_INTERNAL;
        } else {
            memcpy(layout, line + 7, k);
            layout[k] = '\0';
        }
    }
    ks_buf_release(&out);
    return rc;
}

ks_err ks_cmd_registry_name(struct ks_inventory *inv, const char *ref)
{
    struct ks_purl_qualifier q[3];
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_reg_ref r;
    const char *name, *slash, *plat = inv->target.platform;
    char url[600], arch[64] = "";

    inv->target.name = ks_inventory_str(inv, ref);
    if (!inv->target.name)
        return KS_ENOMEM;
    if (ks_reg_ref_parse(ref, &r, &d) || !inv->target.digest)
        return KS_OK; /* the pull parsed it already; nothing more to say */
    slash = strrchr(r.repo, '/');
    name = slash ? slash + 1 : r.repo;
    /* purl-spec's oci type: Docker Hub is "docker.io". */
    snprintf(url, sizeof(url), "%s/%s",
             strcmp(r.host, "registry-1.docker.io") ? r.host : "docker.io", r.repo);
    if (plat && strchr(plat, '/'))
        snprintf(arch, sizeof(arch), "%.*s", (int)strcspn(strchr(plat, '/') + 1, "/"),
                 strchr(plat, '/') + 1);
    q[0] = (struct ks_purl_qualifier){"arch", arch};
    q[1] = (struct ks_purl_qualifier){"repository_url", url};
    q[2] = (struct ks_purl_qualifier){"tag", r.tag};
    inv->target.purl = ks_purl_make(&inv->arena, "oci", NULL, name, inv->target.digest, q, 3);
    return inv->target.purl ? KS_OK : KS_ENOMEM;
}

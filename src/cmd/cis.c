/* cmd/cis.c - `kensa cis`: CIS benchmark scans of a root filesystem or the
 * running host, the rule lists, and the effective sshd/sysctl settings.
 *
 * The benchmark content (the YAML files of content/cis) is found with --content DIR,
 * $KENSA_CIS_CONTENT, next to the binary (../share/kensa/cis when installed,
 * ../content/cis from a build directory of the source tree).
 *
 * The installed-package set comes from the target's dpkg status file (or
 * apk's installed database), read by the pkg module's collectors. */
#include "core/ks_common.h"

#include "cmd/cmd.h"

#include "cis/cis.h"
#include "core/file.h"
#include "core/log.h"
#include "core/map.h"
#include "core/str.h"
#include "core/vec.h"
#include "ingest/rootfs.h"
#include "pkg/inventory.h"
#include "pkg/registry.h"

#include <dirent.h>
#include <unistd.h>

const char cmd_cis_help[] =
        "usage: kensa cis rootfs DIR [options]\n"
        "       kensa cis host [options]\n"
        "       kensa cis list [--benchmark B] [--format table|json|csv]\n"
        "       kensa cis effective sshd|sysctl (rootfs DIR | host)\n\n"
        "Checks the configuration of a root filesystem (e.g. a mounted image or a\n"
        "debootstrap tree) or of this host against a CIS benchmark and reports each\n"
        "recommendation as PASSED, FAILED, SKIPPED (manual or not applicable) or ERROR,\n"
        "with the file, line and value that decided it. Exits 1 when a rule failed or\n"
        "could not be evaluated.\n\n"
        "  -b, --benchmark B  debian12, debian11, ubuntu2204, ubuntu2404 or a benchmark file;\n"
        "                     default: auto (from the target's /etc/os-release)\n"
        "  -l, --level N      1 or 2 (default 2: level 1 and level 2 rules)\n"
        "  -f, --format F     table (default), json, csv or html\n"
        "  -o, --output FILE  write the report to FILE instead of standard output\n"
        "      --content DIR  directory of benchmark files\n";

enum { OPT_CONTENT = KS_OPT_FIRST_CMD };

struct cis_opts {
    const char *benchmark;
    const char *content;
    const char *output;
    unsigned level;
    enum ks_cis_format format;
};

static int cis_opt(int c, const char *arg, void *ctx)
{
    struct cis_opts *o = ctx;

    switch (c) {
    case 'b':
        o->benchmark = arg;
        return 0;
    case 'l':
        if (strcmp(arg, "1") && strcmp(arg, "2"))
            return ks_cmd_usage_error("cis", "--level must be 1 or 2, not '%s'", arg);
        o->level = (unsigned)(arg[0] - '0');
        return 0;
    case 'f':
        if (!ks_cis_format_parse(arg, &o->format))
            return ks_cmd_usage_error("cis", "unknown format '%s'", arg);
        return 0;
    case 'o':
        o->output = arg;
        return 0;
    case OPT_CONTENT:
        o->content = arg;
        return 0;
    default:
        return ks_cmd_usage_error("cis", "unknown option");
    }
}

/* ---- benchmark content ---- */

static bool dir_exists(const char *p)
{
    DIR *d = opendir(p);

    if (d)
        closedir(d);
    return d != NULL;
}

static const char *content_dir(const struct cis_opts *o, char *buf, size_t len)
{
    char self[4096];
    ssize_t n;
    char *slash;

    if (o->content)
        return o->content;
    if (getenv("KENSA_CIS_CONTENT") && *getenv("KENSA_CIS_CONTENT"))
        return getenv("KENSA_CIS_CONTENT");
    n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n > 0) {
        self[n] = '\0';
        slash = strrchr(self, '/');
        if (slash) {
            *slash = '\0';
            snprintf(buf, len, "%s/../share/kensa/cis", self);
            if (dir_exists(buf))
                return buf;
            snprintf(buf, len, "%s/../content/cis", self);
            if (dir_exists(buf))
                return buf;
        }
    }
    return NULL;
}

static ks_err load_file(const char *path, struct ks_cis_benchmark *b, struct ks_diag *diag)
{
    struct ks_buf buf = KS_BUF_INIT(ks_env.limits.max_file_size);
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    ks_err err = ks_file_read(path, ks_env.limits.max_file_size, &buf, diag);

    if (!err)
        err = ks_cis_load(b, base, buf.ptr ? buf.ptr : "", buf.len, &ks_env.limits, diag);
    ks_buf_release(&buf);
    return err;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The benchmark files of the content directory, sorted. */
static ks_err content_files(const char *dir, char ***out, size_t *n, struct ks_diag *diag)
{
    KS_VEC(char *) v = KS_VEC_INIT;
    DIR *d = opendir(dir);
    struct dirent *de;

    if (!d)
        return ks_diag_errno(diag, KS_ENOTFOUND, "cannot open benchmark directory '%s'", dir);
    while ((de = readdir(d))) {
        char *p;

        if (!ks_ends_with(de->d_name, ".yaml"))
            continue;
        p = malloc(strlen(dir) + strlen(de->d_name) + 2);
        if (!p || KS_VEC_PUSH(&v, p)) {
            free(p);
            break;
        }
        snprintf(p, strlen(dir) + strlen(de->d_name) + 2, "%s/%s", dir, de->d_name);
    }
    closedir(d);
    if (v.len)
        qsort(v.items, v.len, sizeof(*v.items), cmp_str);
    *out = v.items;
    *n = v.len;
    return KS_OK;
}

static void free_files(char **files, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(files[i]);
    free(files);
}

struct os_release {
    char id[64];
    char version_id[64];
};

static void read_os_release(const struct ks_rootfs *root, struct os_release *os)
{
    struct ks_buf buf = KS_BUF_INIT(64 * 1024);
    size_t pos = 0;

    memset(os, 0, sizeof(*os));
    if (ks_rootfs_read(root, "/etc/os-release", 64 * 1024, &buf, NULL) &&
        ks_rootfs_read(root, "/usr/lib/os-release", 64 * 1024, &buf, NULL))
        return;
    while (pos < buf.len) {
        const char *line = buf.ptr + pos, *nl = memchr(line, '\n', buf.len - pos);
        size_t n = nl ? (size_t)(nl - line) : buf.len - pos;
        char *dst = NULL;
        size_t cap = 0, k = 0;

        pos += n + 1;
        if (n > 3 && !strncmp(line, "ID=", 3))
            dst = os->id, cap = sizeof(os->id), line += 3, n -= 3;
        else if (n > 11 && !strncmp(line, "VERSION_ID=", 11))
            dst = os->version_id, cap = sizeof(os->version_id), line += 11, n -= 11;
        if (!dst)
            continue;
        for (size_t i = 0; i < n && k + 1 < cap; i++)
            if (line[i] != '"' && line[i] != '\'')
                dst[k++] = line[i];
        dst[k] = '\0';
    }
    ks_buf_release(&buf);
}

static bool bench_matches(const struct ks_cis_benchmark *b, const struct os_release *os)
{
    if (!os || strcmp(b->os_id, os->id))
        return false;
    for (size_t i = 0; i < b->n_os_versions; i++)
        if (!strcmp(b->os_versions[i], os->version_id))
            return true;
    return false;
}

/* Loads the benchmark named by `want` (an id, a file, or "auto" using `os`). */
static int select_benchmark(const struct cis_opts *o, const char *want,
                            const struct os_release *os, struct ks_cis_benchmark *b)
{
    struct ks_diag diag = KS_DIAG_INIT;
    char buf[4200];
    const char *dir;
    char **files = NULL;
    size_t n = 0;
    ks_err err;

    if (want && (strchr(want, '/') || ks_ends_with(want, ".yaml"))) {
        err = load_file(want, b, &diag);
        return err ? ks_cmd_fail(&diag, err) : KS_EXIT_OK;
    }
    dir = content_dir(o, buf, sizeof(buf));
    if (!dir) {
        ks_diag_set(&diag, KS_ENOTFOUND, "no benchmark content found: use --content DIR");
        return ks_cmd_fail(&diag, KS_ENOTFOUND);
    }
    if ((err = content_files(dir, &files, &n, &diag)))
        return ks_cmd_fail(&diag, err);
    for (size_t i = 0; i < n; i++) {
        const char *base = strrchr(files[i], '/') + 1;

        if (want && strcmp(want, "auto")) {
            size_t wl = strlen(want);

            if (strncmp(base, want, wl) || strcmp(base + wl, ".yaml"))
                continue;
        }
        err = load_file(files[i], b, &diag);
        if (err) {
            free_files(files, n);
            return ks_cmd_fail(&diag, err);
        }
        if (!want || !strcmp(want, "auto")) {
            if (!bench_matches(b, os)) {
                ks_cis_release(b);
                continue;
            }
        }
        free_files(files, n);
        return KS_EXIT_OK;
    }
    free_files(files, n);
    if (want && strcmp(want, "auto"))
        ks_diag_set(&diag, KS_ENOTFOUND, "no benchmark '%s' (see 'kensa cis list')", want);
    else
        ks_diag_set(&diag, KS_EUNSUPPORTED,
                    "no benchmark for '%s' '%s' (see 'kensa cis list'; use --benchmark)",
                    os->id[0] ? os->id : "unknown", os->version_id);
    return ks_cmd_fail(&diag, diag.code);
}

/* ---- installed packages of the target ---- */

/* The installed-package set, read by the same dpkg and apk collectors that
 * inventory the target for scans (pkg), so "installed" means the same thing
 * to a CIS rule and to a vulnerability finding. RPM databases are not read
 * here: that would load SQLite into the front executable. */
struct pkgset {
    struct ks_inventory inv;
    struct ks_map names;
    bool known;
};

static bool pkg_installed(void *ctx, const char *name)
{
    struct pkgset *p = ctx;

    return ks_map_get(&p->names, name, strlen(name)) != NULL;
}

/* Parses the package database at `path` with collector `col`; false when the
 * target has no such file. A malformed database is a note, like in scans. */
static bool read_db(const struct ks_rootfs *root, const char *path, const struct ks_collector *col,
                    struct pkgset *p)
{
    struct ks_buf buf = KS_BUF_INIT(ks_env.limits.max_file_size);
    struct ks_collect_ctx ctx = {&p->inv, path, NULL, &ks_env.limits, NULL};
    struct ks_diag diag = KS_DIAG_INIT;

    if (ks_rootfs_read(root, path, ks_env.limits.max_file_size, &buf, NULL)) {
        ks_buf_release(&buf);
        return false;
    }
    if (col->parse(&ctx, buf.ptr ? buf.ptr : "", buf.len, &diag))
        ks_log_warn("%s: %s", path, diag.msg);
    ks_buf_release(&buf);
    return true;
}

static void load_packages(const struct ks_rootfs *root, struct pkgset *p)
{
    ks_inventory_init(&p->inv);
    p->names = (struct ks_map)KS_MAP_INIT;
    p->known = read_db(root, "/var/lib/dpkg/status", &ks_collector_dpkg, p) ||
               read_db(root, "/lib/apk/db/installed", &ks_collector_apk, p);
    for (size_t i = 0; i < p->inv.components.len; i++) {
        const char *name = p->inv.components.items[i].name;

        ks_map_put(&p->names, name, strlen(name), p); /* a set: any non-NULL value */
    }
}

static void release_packages(struct pkgset *p)
{
    ks_map_release(&p->names);
    ks_inventory_release(&p->inv);
}

/* ---- subcommands ---- */

static int write_out(const struct cis_opts *o, const struct ks_buf *buf)
{
    struct ks_diag diag = KS_DIAG_INIT;
    ks_err err;

    if (!o->output || !strcmp(o->output, "-")) {
        fwrite(buf->ptr ? buf->ptr : "", 1, buf->len, stdout);
        return fflush(stdout) ? KS_EXIT_INTERNAL : KS_EXIT_OK;
    }
    err = ks_file_write_atomic(o->output, buf->ptr ? buf->ptr : "", buf->len, &diag);
    return err ? ks_cmd_fail(&diag, err) : KS_EXIT_OK;
}

static int open_target(int argc, char **argv, int *i, struct ks_rootfs *root, bool *live)
{
    struct ks_diag diag = KS_DIAG_INIT;
    ks_err err;

    if (*i >= argc)
        return ks_cmd_usage_error("cis", "missing target: 'rootfs DIR' or 'host'");
    if (!strcmp(argv[*i], "host")) {
        *live = true;
        (*i)++;
        err = ks_rootfs_open(root, "/", &diag);
    } else if (!strcmp(argv[*i], "rootfs")) {
        *live = false;
        if (*i + 1 >= argc)
            return ks_cmd_usage_error("cis", "'rootfs' needs a directory");
        err = ks_rootfs_open(root, argv[*i + 1], &diag);
        *i += 2;
    } else {
        return ks_cmd_usage_error("cis", "unknown target '%s'", argv[*i]);
    }
    return err ? ks_cmd_fail(&diag, err) : KS_EXIT_OK;
}

static int cis_scan(const struct cis_opts *o, int argc, char **argv, int i)
{
    struct ks_rootfs root;
    struct ks_cis_benchmark b;
    struct ks_cis_report rep;
    struct ks_cis_target t;
    struct pkgset pkgs;
    struct os_release os;
    struct ks_diag diag = KS_DIAG_INIT;
    struct ks_buf out = KS_BUF_INIT(0);
    bool live = false;
    int rc = open_target(argc, argv, &i, &root, &live);
    ks_err err;

    if (rc)
        return rc;
    if (i < argc) {
        ks_rootfs_close(&root);
        return ks_cmd_usage_error("cis", "unexpected argument '%s'", argv[i]);
    }
    read_os_release(&root, &os);
    rc = select_benchmark(o, o->benchmark, &os, &b);
    if (rc) {
        ks_rootfs_close(&root);
        return rc;
    }
    load_packages(&root, &pkgs);
    memset(&t, 0, sizeof(t));
    t.root = &root;
    t.name = live ? "host" : root.path;
    t.live = live;
    t.pkg_installed = pkgs.known ? pkg_installed : NULL;
    t.pkg_ctx = &pkgs;
    t.limits = &ks_env.limits;
    err = ks_cis_run(&b, &t, o->level, &rep, &diag);
    if (err) {
        rc = ks_cmd_fail(&diag, err);
        goto done;
    }
    if (ks_cis_render(&rep, o->format, ks_env.color_stdout && !o->output, &out)) {
        ks_diag_set(&diag, KS_ENOMEM, "out of memory");
        rc = ks_cmd_fail(&diag, KS_ENOMEM);
    } else {
        rc = write_out(o, &out);
        if (!rc && (rep.counts[KS_CIS_FAILED] || rep.counts[KS_CIS_ERROR]))
            rc = KS_EXIT_FAILURE;
    }
    ks_cis_report_release(&rep);
done:
    ks_buf_release(&out);
    release_packages(&pkgs);
    ks_cis_release(&b);
    ks_rootfs_close(&root);
    return rc;
}

static int cis_list(const struct cis_opts *o, int argc, char **argv, int i)
{
    struct ks_cis_benchmark b;
    struct ks_buf out = KS_BUF_INIT(0);
    struct ks_diag diag = KS_DIAG_INIT;
    int rc;

    if (i < argc)
        return ks_cmd_usage_error("cis", "unexpected argument '%s'", argv[i]);
    if (o->format == KS_CIS_HTML)
        return ks_cmd_usage_error("cis", "'list' prints table, json or csv");
    if (o->benchmark && !strcmp(o->benchmark, "auto"))
        return ks_cmd_usage_error("cis", "'list' needs a benchmark name, not 'auto'");
    if (!o->benchmark) {
        char buf[4200], **files = NULL;
        const char *dir = content_dir(o, buf, sizeof(buf));
        size_t n = 0;
        ks_err err;

        if (!dir) {
            ks_diag_set(&diag, KS_ENOTFOUND, "no benchmark content found: use --content DIR");
            return ks_cmd_fail(&diag, KS_ENOTFOUND);
        }
        if ((err = content_files(dir, &files, &n, &diag)))
            return ks_cmd_fail(&diag, err);
        ks_buf_addf(&out, "%-12s %-8s %-6s %s\n", "BENCHMARK", "VERSION", "RULES", "TITLE");
        for (size_t k = 0; k < n; k++) {
            err = load_file(files[k], &b, &diag);
            if (err) {
                free_files(files, n);
                ks_buf_release(&out);
                return ks_cmd_fail(&diag, err);
            }
            ks_buf_addf(&out, "%-12s %-8s %-6zu %s\n", b.id, b.version, b.n_rules, b.title);
            ks_cis_release(&b);
        }
        free_files(files, n);
        rc = write_out(o, &out);
        ks_buf_release(&out);
        return rc;
    }
    rc = select_benchmark(o, o->benchmark, NULL, &b);
    if (rc)
        return rc;
    ks_cis_render_list(&b, o->format, &out);
    rc = write_out(o, &out);
    ks_buf_release(&out);
    ks_cis_release(&b);
    return rc;
}

static int cis_effective(const struct cis_opts *o, int argc, char **argv, int i)
{
    struct ks_rootfs root;
    struct ks_cis_settings s;
    struct ks_diag diag = KS_DIAG_INIT;
    struct ks_buf out = KS_BUF_INIT(0);
    bool live = false, sshd;
    ks_err err;
    int rc;

    if (i >= argc || (strcmp(argv[i], "sshd") && strcmp(argv[i], "sysctl")))
        return ks_cmd_usage_error("cis", "'effective' needs 'sshd' or 'sysctl'");
    sshd = !strcmp(argv[i++], "sshd");
    rc = open_target(argc, argv, &i, &root, &live);
    if (rc)
        return rc;
    if (i < argc) {
        ks_rootfs_close(&root);
        return ks_cmd_usage_error("cis", "unexpected argument '%s'", argv[i]);
    }
    err = sshd ? ks_cis_sshd_effective(&root, &ks_env.limits, &s, &diag)
               : ks_cis_sysctl_effective(&root, &ks_env.limits, &s, &diag);
    ks_rootfs_close(&root);
    if (err == KS_ENOTFOUND && !diag.msg[0])
        ks_diag_set(&diag, KS_ENOTFOUND, "no /etc/ssh/sshd_config in the target");
    if (err)
        return ks_cmd_fail(&diag, err);
    for (size_t k = 0; k < s.len; k++) {
        if (o->format == KS_CIS_TABLE)
            ks_buf_addf(&out, "%s %s", s.items[k].key, s.items[k].value);
        else
            ks_buf_addf(&out, "%s = %s", s.items[k].key, s.items[k].value);
        if (s.items[k].file)
            ks_buf_addf(&out, "\t# %s:%u", s.items[k].file, s.items[k].line);
        ks_buf_addc(&out, '\n');
    }
    ks_cis_settings_release(&s);
    rc = write_out(o, &out);
    ks_buf_release(&out);
    return rc;
}

int cmd_cis(int argc, char **argv)
{
    static const struct option longopts[] = {{"benchmark", required_argument, NULL, 'b'},
                                             {"level", required_argument, NULL, 'l'},
                                             {"format", required_argument, NULL, 'f'},
                                             {"output", required_argument, NULL, 'o'},
                                             {"content", required_argument, NULL, OPT_CONTENT},
                                             {NULL, 0, NULL, 0}};
    struct cis_opts o = {NULL, NULL, NULL, 2, KS_CIS_TABLE};
    int rc = ks_cmd_getopt(argc, argv, "b:l:f:o:", longopts, cmd_cis_help, cis_opt, &o);
    const char *sub;

    if (rc != KS_CMD_CONTINUE)
        return rc;
    if (optind >= argc)
        return ks_cmd_usage_error("cis", "missing subcommand: rootfs, host, list or effective");
    sub = argv[optind];
    if (!strcmp(sub, "rootfs") || !strcmp(sub, "host"))
        return cis_scan(&o, argc, argv, optind);
    if (!strcmp(sub, "list"))
        return cis_list(&o, argc, argv, optind + 1);
    if (!strcmp(sub, "effective"))
        return cis_effective(&o, argc, argv, optind + 1);
    return ks_cmd_usage_error("cis", "unknown subcommand '%s'", sub);
}

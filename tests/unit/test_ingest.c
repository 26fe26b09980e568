#include "ks_test.h"

#include "core/buf.h"
#include "core/str.h"
#include "core/file.h"
#include "ingest/archive.h"
#include "ingest/image.h"
#include "ingest/walk.h"
#include "ingest/rootfs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static char base[] = "/tmp/ks_rootfs_XXXXXX";

static void put(const char *rel, const char *text)
{
    char p[256];
    int fd;

    snprintf(p, sizeof(p), "%s/%s", base, rel);
    fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static void mk(const char *rel)
{
    char p[256];

    snprintf(p, sizeof(p), "%s/%s", base, rel);
    assert_int_equal(mkdir(p, 0755), 0);
}

static void ln(const char *target, const char *rel)
{
    char p[256];

    snprintf(p, sizeof(p), "%s/%s", base, rel);
    assert_int_equal(symlink(target, p), 0);
}

static int setup(void **state)
{
    char outside[300];

    (void)state;
    assert_non_null(mkdtemp(base));
    mk("root");
    mk("root/etc");
    mk("root/etc/b");
    put("root/etc/os-release", "ID=debian\n");
    put("root/etc/b/2", "");
    put("root/etc/b/1", "");
    /* A secret outside the root, and links that try to reach it. */
    put("secret", "outside\n");
    snprintf(outside, sizeof(outside), "%s/secret", base);
    ln(outside, "root/etc/abs-escape");
    ln("../../secret", "root/etc/rel-escape");
    ln("/etc/os-release", "root/etc/abs-inside");
    return 0;
}

static int teardown(void **state)
{
    char cmd[300];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
    return system(cmd) == 0 ? 0 : -1;
}

static ks_err collect(const char *name, unsigned char type, void *ctx)
{
    struct ks_buf *b = ctx;

    (void)type;
    return ks_buf_addf(b, "%s,", name);
}

static void test_rootfs(void **state)
{
    struct ks_rootfs r;
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_buf b = KS_BUF_INIT(0);
    struct stat st;
    char root[300];

    (void)state;
    snprintf(root, sizeof(root), "%s/root", base);
    assert_int_equal(ks_rootfs_open(&r, root, &d), KS_OK);
    assert_int_equal(ks_rootfs_read(&r, "/etc/os-release", 1024, &b, &d), KS_OK);
    assert_string_equal(ks_buf_str(&b), "ID=debian\n");
    ks_buf_reset(&b);
    /* An absolute symlink resolves inside the root, as in a chroot. */
    assert_int_equal(ks_rootfs_read(&r, "etc/abs-inside", 1024, &b, &d), KS_OK);
    assert_string_equal(ks_buf_str(&b), "ID=debian\n");
    ks_buf_reset(&b);
    /* Escapes by symlink or by .. never reach the file outside. */
    assert_int_equal(ks_rootfs_read(&r, "etc/abs-escape", 1024, &b, &d), KS_ENOTFOUND);
    assert_int_equal(ks_rootfs_read(&r, "etc/rel-escape", 1024, &b, &d), KS_ENOTFOUND);
    assert_int_equal(ks_rootfs_read(&r, "../secret", 1024, &b, &d), KS_ENOTFOUND);
    assert_int_equal(ks_rootfs_read(&r, "etc/../../../secret", 1024, &b, &d), KS_ENOTFOUND);
    assert_int_equal(b.len, 0);
    assert_int_equal(ks_rootfs_read(&r, "etc", 1024, &b, &d), KS_EIO);
    assert_int_equal(ks_rootfs_read(&r, "etc/os-release", 4, &b, &d), KS_ELIMIT);

    assert_int_equal(ks_rootfs_stat(&r, "etc/abs-inside", false, &st), KS_OK);
    assert_true(S_ISLNK(st.st_mode));
    assert_int_equal(ks_rootfs_stat(&r, "etc/abs-inside", true, &st), KS_OK);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(ks_rootfs_stat(&r, "nope", true, &st), KS_ENOTFOUND);

    ks_buf_reset(&b);
    assert_int_equal(ks_rootfs_list(&r, "etc/b", collect, &b, &d), KS_OK);
    assert_string_equal(ks_buf_str(&b), "1,2,");
    assert_int_equal(ks_rootfs_list(&r, "nope", collect, &b, &d), KS_ENOTFOUND);
    ks_rootfs_close(&r);
    assert_int_equal(ks_rootfs_open(&r, "/nonexistent-kensa", &d), KS_ENOTFOUND);
    ks_buf_release(&b);
}

/* ---- archives ---- */

static char *fixture(const char *name)
{
    static char p[512];

    snprintf(p, sizeof(p), "%s/tests/data/ingest/archive/%s", ks_test_srcdir(), name);
    return p;
}

/* Lists an archive as "name:type:size[:link]\n" lines; returns the ending error. */
static ks_err list_all(struct ks_archive *ar, struct ks_buf *out, bool read_data)
{
    const struct ks_archive_entry *e;
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_buf data = KS_BUF_INIT(0);
    ks_err err;

    for (;;) {
        err = ks_archive_next(ar, &e, &d);
        if ((err == KS_EPARSE || err == KS_ELIMIT) && !ks_archive_failed(ar)) {
            ks_buf_addf(out, "rejected\n");
            continue;
        }
        if (err)
            break;
        ks_buf_addf(out, "%s:%d:%llu", e->name, (int)e->type, (unsigned long long)e->size);
        if (e->link)
            ks_buf_addf(out, ":%s", e->link);
        if (read_data && e->type == KS_ARCHIVE_FILE) {
            ks_buf_reset(&data);
            err = ks_archive_read_all(ar, 1 << 20, &data, &d);
            if (err)
                break;
            ks_buf_addf(out, "=%zu", data.len);
        }
        ks_buf_addc(out, '\n');
    }
    ks_buf_release(&data);
    return err;
}

static void test_archive_tar(void **state)
{
    static const char *names[] = {"good.tar", "good.tar.gz", "good.tar.xz", "good.tar.zst"};
    static const char *filters[] = {"none", "gzip", "xz", "zstd"};
    struct ks_limits lim = ks_limits_default;
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_archive *ar;

    (void)state;
    for (size_t i = 0; i < KS_ARRAY_LEN(names); i++) {
        struct ks_buf b = KS_BUF_INIT(0);
        assert_int_equal(ks_archive_open_file(&ar, fixture(names[i]), KS_ARCHIVE_ANY, &lim, NULL,
                                              &d),
                         KS_OK);
        assert_int_equal(list_all(ar, &b, true), KS_ENOTFOUND);
        assert_string_equal(ks_buf_str(&b), "etc:1:0\n"
                                            "etc/os-release:0:26=26\n"
                                            "a/b.txt:0:6=6\n"
                                            "link:2:0:/etc/os-release\n"
                                            "hl:3:0:etc/os-release\n");
        assert_string_equal(ks_archive_format(ar), "tar");
        assert_string_equal(ks_archive_filter(ar), filters[i]);
        ks_archive_close(ar);
        ks_buf_release(&b);
    }
    assert_int_equal(ks_archive_open_file(&ar, fixture("nope.tar"), KS_ARCHIVE_ANY, &lim, NULL, &d),
                     KS_ENOTFOUND);
    assert_null(ar);
    assert_int_equal(ks_archive_open_file(&ar, fixture("README.md"), KS_ARCHIVE_ANY, &lim, NULL,
                                          &d),
                     KS_EPARSE);
    assert_non_null(strstr(d.msg, "README.md"));
}

static void test_archive_nested(void **state)
{
    struct ks_limits lim = ks_limits_default;
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_archive_budget budget = {0, 0};
    struct ks_archive *ar, *in = NULL;
    const struct ks_archive_entry *e;
    struct ks_buf b = KS_BUF_INIT(0);
    struct ks_archive *chain[8] = {0};
    int n;
    ks_err err;

    (void)state;
    assert_int_equal(ks_archive_open_file(&ar, fixture("app.zip"), KS_ARCHIVE_ANY, &lim, &budget,
                                          &d),
                     KS_OK);
    while (!(err = ks_archive_next(ar, &e, &d))) {
        if (strcmp(e->name, "lib/inner.jar"))
            continue;
        assert_int_equal(ks_archive_open_member(&in, ar, KS_ARCHIVE_ANY, &d), KS_OK);
        assert_true(ks_ends_with(ks_archive_name(in), "app.zip!/lib/inner.jar"));
        assert_int_equal(ks_archive_depth(in), 2);
        assert_int_equal(list_all(in, &b, true), KS_ENOTFOUND);
        assert_string_equal(ks_archive_format(in), "zip");
        ks_archive_close(in);
    }
    assert_int_equal(err, KS_ENOTFOUND);
    assert_string_equal(ks_buf_str(&b), "META-INF/MANIFEST.MF:0:23=23\n"
                                        "META-INF/maven/g/a/pom.properties:0:33=33\n");
    assert_int_equal(budget.entries, 3 + 2);
    ks_archive_close(ar);

    /* Seven zips deep: the fifth level is refused (max_archive_depth 4). */
    assert_int_equal(ks_archive_open_file(&chain[0], fixture("deep.zip"), KS_ARCHIVE_ANY, &lim,
                                          NULL, &d),
                     KS_OK);
    for (n = 0;; n++) {
        assert_int_equal(ks_archive_next(chain[n], &e, &d), KS_OK);
        err = ks_archive_open_member(&chain[n + 1], chain[n], KS_ARCHIVE_ANY, &d);
        if (err)
            break;
    }
    assert_int_equal(err, KS_ELIMIT);
    assert_int_equal(n, 3);
    assert_non_null(strstr(d.msg, "max_archive_depth"));
    for (; n >= 0; n--)
        ks_archive_close(chain[n]);
    ks_buf_release(&b);
}

static void test_archive_hostile_names(void **state)
{
    struct ks_limits lim = ks_limits_default;
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_archive *ar;
    struct ks_buf b = KS_BUF_INIT(0);

    (void)state;
    assert_int_equal(ks_archive_open_file(&ar, fixture("slip.zip"), KS_ARCHIVE_ANY, &lim, NULL, &d),
                     KS_OK);
    assert_int_equal(list_all(ar, &b, true), KS_ENOTFOUND);
    assert_string_equal(ks_buf_str(&b), "ok.txt:0:2=2\nrejected\nrejected\nrejected\n"
                                        "z/ok2.txt:0:2=2\n");
    ks_archive_close(ar);
    ks_buf_reset(&b);
    assert_int_equal(ks_archive_open_file(&ar, fixture("slip.tar"), KS_ARCHIVE_ANY, &lim, NULL, &d),
                     KS_OK);
    assert_int_equal(list_all(ar, &b, false), KS_ENOTFOUND);
    assert_string_equal(ks_buf_str(&b), "rejected\nok:0:2\nrejected\nrejected\n");
    ks_archive_close(ar);

    assert_int_equal(ks_archive_clean_name("./a/./b//c/", 100, &b), KS_OK);
    assert_string_equal(ks_buf_str(&b), "a/b/c");
    assert_int_equal(ks_archive_clean_name("a/../b", 100, &b), KS_EPARSE);
    assert_int_equal(ks_archive_clean_name("..", 100, &b), KS_EPARSE);
    assert_int_equal(ks_archive_clean_name("/etc", 100, &b), KS_EPARSE);
    assert_int_equal(ks_archive_clean_name("a\\..\\b", 100, &b), KS_EPARSE);
    assert_int_equal(ks_archive_clean_name("a..b/..c", 100, &b), KS_OK);
    assert_int_equal(ks_archive_clean_name("./", 100, &b), KS_ENOTFOUND);
    assert_int_equal(ks_archive_clean_name("", 100, &b), KS_ENOTFOUND);
    assert_int_equal(ks_archive_clean_name("abcdef", 5, &b), KS_ELIMIT);
    ks_buf_release(&b);
}

static void test_archive_bombs(void **state)
{
    struct ks_limits lim = ks_limits_default;
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_archive *ar;
    const struct ks_archive_entry *e;
    struct ks_buf b = KS_BUF_INIT(0);
    ks_err err;

    (void)state;
    /* 64 MiB of zeros in 64 KiB of gzip: the ratio stops it early. */
    assert_int_equal(ks_decompress_file(fixture("bomb.gz"), &lim, &b, &d), KS_ELIMIT);
    assert_non_null(strstr(d.msg, "max_ratio"));
    assert_true(b.len < (8u << 20));
    ks_buf_release(&b);

    /* The bomb is in a member nobody reads: skipping it still counts. */
    assert_int_equal(ks_archive_open_file(&ar, fixture("bomb.tar.zst"), KS_ARCHIVE_ANY, &lim, NULL,
                                          &d),
                     KS_OK);
    while (!(err = ks_archive_next(ar, &e, &d)))
        ;
    assert_int_equal(err, KS_ELIMIT);
    assert_non_null(strstr(d.msg, "max_ratio"));
    /* Sticky. */
    assert_int_equal(ks_archive_next(ar, &e, &d), KS_ELIMIT);
    ks_archive_close(ar);

    /* With the ratio allowed, max_expanded bounds it. */
    lim.max_ratio = 1000000;
    lim.max_expanded = 16u << 20;
    assert_int_equal(ks_archive_open_file(&ar, fixture("bomb.tar.zst"), KS_ARCHIVE_ANY, &lim, NULL,
                                          &d),
                     KS_OK);
    while (!(err = ks_archive_next(ar, &e, &d)))
        ;
    assert_int_equal(err, KS_ELIMIT);
    assert_non_null(strstr(d.msg, "max_expanded"));
    ks_archive_close(ar);

    /* max_file_size bounds one member read (not fatal). */
    lim = ks_limits_default;
    lim.max_file_size = 10;
    assert_int_equal(ks_archive_open_file(&ar, fixture("good.tar"), KS_ARCHIVE_ANY, &lim, NULL, &d),
                     KS_OK);
    assert_int_equal(ks_archive_next(ar, &e, &d), KS_OK); /* etc */
    assert_int_equal(ks_archive_next(ar, &e, &d), KS_OK); /* etc/os-release, 26 bytes */
    assert_int_equal(ks_archive_read_all(ar, 1000, &b, &d), KS_ELIMIT);
    assert_int_equal(ks_archive_next(ar, &e, &d), KS_OK);
    assert_string_equal(e->name, "a/b.txt");
    assert_int_equal(ks_archive_read_all(ar, 1000, &b, &d), KS_OK);
    assert_string_equal(ks_buf_str(&b), "hello\n");
    ks_archive_close(ar);
    ks_buf_release(&b);
}

/* A tar stream of `left` empty files, generated on the fly. */
struct gen {
    uint64_t left;
    uint64_t n;
    char block[512];
    int trailer;
};

static ks_err gen_read(void *ctx, const void **data, size_t *len, struct ks_diag *diag)
{
    struct gen *g = ctx;
    unsigned sum = 0;

    (void)diag;
    if (g->left == 0) {
        memset(g->block, 0, sizeof(g->block));
        *data = g->block;
        *len = g->trailer++ < 2 ? 512 : 0;
        return KS_OK;
    }
    memset(g->block, 0, sizeof(g->block));
    snprintf(g->block, 100, "f%llu", (unsigned long long)g->n++);
    memcpy(g->block + 100, "0000644", 8);
    memcpy(g->block + 108, "0000000", 8);
    memcpy(g->block + 116, "0000000", 8);
    memcpy(g->block + 124, "00000000000", 12);
    memcpy(g->block + 136, "00000000000", 12);
    g->block[156] = '0';
    memcpy(g->block + 257, "ustar", 6);
    memcpy(g->block + 263, "00", 2);
    memset(g->block + 148, ' ', 8);
    for (size_t i = 0; i < 512; i++)
        sum += (unsigned char)g->block[i];
    snprintf(g->block + 148, 8, "%06o", sum);
    *data = g->block;
    *len = 512;
    g->left--;
    return KS_OK;
}

static void test_archive_many_entries(void **state)
{
    struct ks_limits lim = ks_limits_default;
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_archive *ar;
    const struct ks_archive_entry *e;
    struct gen g = {1000000, 0, {0}, 0};
    uint64_t n = 0;
    ks_err err;

    (void)state;
    /* One million tiny entries, bounded by max_entries. */
    lim.max_entries = 50000;
    assert_int_equal(ks_archive_open_reader(&ar, gen_read, &g, "million.tar", KS_ARCHIVE_ANY, &lim,
                                            NULL, &d),
                     KS_OK);
    while (!(err = ks_archive_next(ar, &e, &d)))
        n++;
    assert_int_equal(err, KS_ELIMIT);
    assert_int_equal(n, 50000);
    assert_non_null(strstr(d.msg, "max_entries"));
    ks_archive_close(ar);

    /* A small generated stream goes through to the end. */
    g = (struct gen){3, 0, {0}, 0};
    assert_int_equal(ks_archive_open_reader(&ar, gen_read, &g, "three.tar", KS_ARCHIVE_ANY, &lim,
                                            NULL, &d),
                     KS_OK);
    n = 0;
    while (!(err = ks_archive_next(ar, &e, &d)))
        n++;
    assert_int_equal(err, KS_ENOTFOUND);
    assert_int_equal(n, 3);
    ks_archive_close(ar);
}

static void test_decompress(void **state)
{
    static const char *names[] = {"hello.gz", "hello.xz", "hello.zst"};
    static const char *want[] = {"hello gzip\n", "hello xz\n", "hello zstd\n"};
    struct ks_limits lim = ks_limits_default;
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_buf b = KS_BUF_INIT(0), raw = KS_BUF_INIT(0);

    (void)state;
    for (size_t i = 0; i < KS_ARRAY_LEN(names); i++) {
        ks_buf_reset(&b);
        assert_int_equal(ks_decompress_file(fixture(names[i]), &lim, &b, &d), KS_OK);
        assert_string_equal(ks_buf_str(&b), want[i]);
    }
    /* From memory, and uncompressed input passes through. */
    ks_buf_reset(&b);
    assert_int_equal(ks_buf_adds(&raw, "plain text\n"), KS_OK);
    assert_int_equal(ks_decompress_memory(raw.ptr, raw.len, "plain", &lim, &b, &d), KS_OK);
    assert_string_equal(ks_buf_str(&b), "plain text\n");
    ks_buf_reset(&b);
    assert_int_equal(ks_decompress_memory("", 0, "empty", &lim, &b, &d), KS_OK);
    assert_int_equal(b.len, 0);
    lim.max_file_size = 4;
    assert_int_equal(ks_decompress_file(fixture("hello.zst"), &lim, &b, &d), KS_ELIMIT);
    ks_buf_release(&b);
    ks_buf_release(&raw);
}

/* ---- walks ---- */

struct seen {
    struct ks_buf paths;
    struct ks_buf skipped;
};

static bool w_wants(void *ctx, const char *path, unsigned mode)
{
    (void)ctx;
    (void)mode;
    return ks_ends_with(path, "status") || ks_ends_with(path, "MANIFEST.MF") ||
           ks_ends_with(path, "os-release");
}

static bool w_nested(void *ctx, const char *path)
{
    (void)ctx;
    return ks_ends_with(path, ".jar");
}

static ks_err w_file(void *ctx, const struct ks_walk_file *f, const char *data, size_t len,
                     struct ks_diag *diag)
{
    struct seen *s = ctx;

    (void)diag;
    return ks_buf_addf(&s->paths, "%s=%zu%s%s\n", f->path, len, f->layer ? "@" : "",
                       f->layer ? f->layer + 7 : "") ||
                           (len && !data)
                   ? KS_ENOMEM
                   : KS_OK;
}

static void w_skipped(void *ctx, const char *path, const char *why)
{
    struct seen *s = ctx;

    (void)why;
    ks_buf_addf(&s->skipped, "%s\n", path);
}

static void test_walk_rootfs(void **state)
{
    struct seen s = {KS_BUF_INIT(0), KS_BUF_INIT(0)};
    struct ks_walk_visitor v = {w_wants, w_nested, w_file, w_skipped, &s, NULL, NULL, NULL};
    struct ks_limits lim = ks_limits_default;
    struct ks_diag d = KS_DIAG_INIT;
    char root[300], p[400];

    (void)state;
    /* root/etc/os-release is a file; a symlinked "status" pointing outside
     * and a symlinked directory must not be read or entered. */
    snprintf(root, sizeof(root), "%s/root", base);
    put("root/etc/b/status", "x");
    snprintf(p, sizeof(p), "%s/secret", base);
    ln(p, "root/etc/status");
    snprintf(p, sizeof(p), "%s", base);
    ln(p, "root/etc/dir-escape");
    assert_int_equal(ks_walk_rootfs(root, true, &lim, &v, &d), KS_OK);
    assert_string_equal(ks_buf_str(&s.paths), "/etc/b/status=1\n/etc/os-release=10\n");
    /* max_entries bounds the walk. */
    lim.max_entries = 2;
    assert_int_equal(ks_walk_rootfs(root, true, &lim, &v, &d), KS_ELIMIT);
    assert_int_equal(ks_walk_rootfs("/nonexistent-kensa", true, &lim, &v, &d), KS_ENOTFOUND);
    ks_buf_release(&s.paths);
    ks_buf_release(&s.skipped);
}

/* ---- a walk shared by worker threads ---- */

struct plog {
    struct ks_buf log;
    bool blob_ok;
};

static bool p_wants(void *ctx, const char *path, unsigned mode)
{
    (void)ctx;
    return ks_ends_with(path, "/status") || (mode & 0111);
}

static bool p_parts(void *ctx, const char *path, unsigned mode)
{
    (void)ctx;
    (void)path;
    return (mode & 0111) != 0;
}

static ks_err p_file(void *ctx, const struct ks_walk_file *f, const char *data, size_t len,
                     struct ks_diag *diag)
{
    struct plog *s = ctx;
    char head[3] = "";

    (void)diag;
    if (!data) {
        /* parts only: nothing read yet, the blob reads from the file */
        if (!f->blob || f->blob->mem || ks_blob_read(f->blob, 0, head, 2) ||
            ks_blob_read(f->blob, len, head, 1) != KS_EPARSE)
            s->blob_ok = false;
        head[2] = '\0';
        return ks_buf_addf(&s->log, "%s parts %s\n", f->path, head);
    }
    return ks_buf_addf(&s->log, "%s bytes %zu\n", f->path, len);
}

static void p_skipped(void *ctx, const char *path, const char *why)
{
    struct plog *s = ctx;

    ks_buf_addf(&s->log, "%s skipped %s\n", path, why);
}

/* A tree of many directories on several levels, listed by worker threads:
 * the visitor still gets every wanted file and every note in byte-wise name
 * order, the same on every walk, and files it needs only parts of come with
 * data NULL and a blob reading the file. */
static void test_walk_rootfs_threads(void **state)
{
    struct plog s = {KS_BUF_INIT(0), true};
    struct ks_walk_visitor v = {p_wants, NULL, p_file, p_skipped, &s, NULL, p_parts, NULL};
    struct ks_buf want = KS_BUF_INIT(0);
    struct ks_limits lim = ks_limits_default;
    struct ks_diag d = KS_DIAG_INIT;
    char root[300], p[300];

    (void)state;
    lim.max_file_size = 16;
    mk("tree");
    for (int i = 0; i < 30; i++) {
        snprintf(p, sizeof(p), "tree/d%02d", i);
        mk(p);
        for (int j = 0; j < 4; j++) {
            snprintf(p, sizeof(p), "tree/d%02d/s%d", i, j);
            mk(p);
            if (j == 1) {
                snprintf(p, sizeof(p), "tree/d%02d/s1/a", i);
                mk(p);
                snprintf(p, sizeof(p), "tree/d%02d/s1/a/status", i);
                put(p, "x");
                ks_buf_addf(&want, "/d%02d/s1/a/status bytes 1\n", i);
            }
            snprintf(p, sizeof(p), "%s/tree/d%02d/s%d/big", base, i, j);
            put(p + strlen(base) + 1, "#!/bin/sh\n# more than 16 bytes\n");
            assert_int_equal(chmod(p, 0755), 0);
            snprintf(p, sizeof(p), "%s/tree/d%02d/s%d/run", base, i, j);
            put(p + strlen(base) + 1, "#!/bin/sh\n");
            assert_int_equal(chmod(p, 0755), 0);
            snprintf(p, sizeof(p), "tree/d%02d/s%d/status", i, j);
            put(p, "status");
            ks_buf_addf(&want,
                        "/d%02d/s%d/big skipped larger than max_file_size\n"
                        "/d%02d/s%d/run parts #!\n"
                        "/d%02d/s%d/status bytes 6\n",
                        i, j, i, j, i, j);
        }
    }
    snprintf(root, sizeof(root), "%s/tree", base);
    for (int run = 0; run < 5; run++) {
        ks_buf_reset(&s.log);
        assert_int_equal(ks_walk_rootfs(root, true, &lim, &v, &d), KS_OK);
        assert_string_equal(ks_buf_str(&s.log), ks_buf_str(&want));
        assert_true(s.blob_ok);
    }
    /* max_entries still bounds the whole walk, whichever thread gets there. */
    lim.max_entries = 100;
    assert_int_equal(ks_walk_rootfs(root, true, &lim, &v, &d), KS_ELIMIT);
    assert_string_equal(d.msg, "more than 100 files (max_entries)");
    ks_buf_release(&s.log);
    ks_buf_release(&want);
}

static void test_walk_archive(void **state)
{
    struct seen s = {KS_BUF_INIT(0), KS_BUF_INIT(0)};
    struct ks_walk_visitor v = {w_wants, w_nested, w_file, w_skipped, &s, NULL, NULL, NULL};
    struct ks_limits lim = ks_limits_default;
    struct ks_diag d = KS_DIAG_INIT;

    (void)state;
    assert_int_equal(ks_walk_archive(fixture("app.zip"), &lim, &v, &d), KS_OK);
    assert_string_equal(ks_buf_str(&s.paths), "/lib/inner.jar!/META-INF/MANIFEST.MF=23\n");
    /* Hostile names are skipped with a note, the rest is walked. */
    ks_buf_reset(&s.paths);
    assert_int_equal(ks_walk_archive(fixture("slip.zip"), &lim, &v, &d), KS_OK);
    assert_int_equal(s.skipped.len > 0, true);
    /* Nested deeper than allowed: skipped, not followed. */
    ks_buf_reset(&s.skipped);
    lim.max_archive_depth = 1;
    assert_int_equal(ks_walk_archive(fixture("app.zip"), &lim, &v, &d), KS_OK);
    assert_non_null(strstr(ks_buf_str(&s.skipped), "inner.jar"));
    ks_buf_release(&s.paths);
    ks_buf_release(&s.skipped);
}

static void test_image(void **state)
{
    struct seen s = {KS_BUF_INIT(0), KS_BUF_INIT(0)};
    struct ks_walk_visitor v = {w_wants, w_nested, w_file, w_skipped, &s, NULL, NULL, NULL};
    struct ks_image_info info;
    struct ks_diag d = KS_DIAG_INIT;
    char path[512];

    (void)state;
    snprintf(path, sizeof(path), "%s/tests/data/images/alpine-310.docker.tar.gz",
             ks_test_srcdir());
    assert_int_equal(ks_image_walk(path, NULL, &ks_limits_default, &v, &info, &d), KS_OK);
    assert_string_equal(info.platform, "linux/amd64");
    assert_int_equal(info.nlayers, 1);
    assert_string_equal(info.layers[0].diff_id,
                        "sha256:531743b7098cb2aaf615641007a129173f63ed86ca32fe7b5a246a1c47286028");
    assert_non_null(strstr(ks_buf_str(&s.paths), "/etc/os-release=164@531743b7"));
    ks_image_info_release(&info);
    /* A platform the image does not have. */
    assert_int_equal(ks_image_walk(path, "linux/arm64", &ks_limits_default, &v, &info, &d),
                     KS_ENOTFOUND);
    assert_non_null(strstr(d.msg, "linux/amd64"));
    ks_image_info_release(&info);
    /* Not an image. */
    assert_int_equal(ks_image_walk(fixture("good.tar"), NULL, &ks_limits_default, &v, &info, &d),
                     KS_EPARSE);
    ks_image_info_release(&info);
    ks_buf_release(&s.paths);
    ks_buf_release(&s.skipped);
}

static void test_archive_corrupt(void **state)
{
    struct ks_limits lim = ks_limits_default;
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_buf b = KS_BUF_INIT(0), listing = KS_BUF_INIT(0);
    struct ks_archive *ar;

    (void)state;
    /* A truncated stream fails once, for good: loops that skip entry-level
     * errors terminate (ks_archive_failed). */
    assert_int_equal(ks_file_read(fixture("good.tar.gz"), 1 << 20, &b, &d), KS_OK);
    for (size_t cut = 10; cut < b.len; cut += 37) {
        ks_err err;
        if (ks_archive_open_memory(&ar, b.ptr, cut, "cut", KS_ARCHIVE_ANY, &lim, NULL, &d))
            continue;
        ks_buf_reset(&listing);
        err = list_all(ar, &listing, true);
        assert_true(err == KS_ENOTFOUND || ks_archive_failed(ar));
        ks_archive_close(ar);
    }
    ks_buf_release(&b);
    ks_buf_release(&listing);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_rootfs),
            cmocka_unit_test(test_archive_tar),
            cmocka_unit_test(test_archive_nested),
            cmocka_unit_test(test_archive_hostile_names),
            cmocka_unit_test(test_archive_bombs),
            cmocka_unit_test(test_archive_many_entries),
            cmocka_unit_test(test_decompress),
            cmocka_unit_test(test_archive_corrupt),
            cmocka_unit_test(test_walk_rootfs),
            cmocka_unit_test(test_walk_rootfs_threads),
            cmocka_unit_test(test_walk_archive),
            cmocka_unit_test(test_image),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

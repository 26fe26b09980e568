#include "ks_test.h"

#include "core/buf.h"
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

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_rootfs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

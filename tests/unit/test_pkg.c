#include "ks_test.h"

#include "core/buf.h"
#include "core/file.h"
#include "pkg/inventory.h"
#include "pkg/packed.h"
#include "pkg/registry.h"
#include "pkg/rpm.h"
#include "pkg/scan.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct ks_component *find_opt(const struct ks_inventory *inv, const char *name)
{
    for (size_t i = 0; i < inv->components.len; i++)
        if (inv->components.items[i].name && !strcmp(inv->components.items[i].name, name))
            return &inv->components.items[i];
    return NULL;
}

static const struct ks_component *find(const struct ks_inventory *inv, const char *name)
{
    const struct ks_component *c = find_opt(inv, name);

    if (!c)
        KS_BUG("component '%s' not found", name);
    return c;
}

static ks_err collect(struct ks_inventory *inv, const char *path, const char *text)
{
    struct ks_diag d = KS_DIAG_INIT;
    return ks_pkg_collect(inv, path, S_IFREG | 0644, NULL, text, strlen(text),
                          &ks_limits_default, &d);
}

static const char status[] =
        "Package: libssl3\n"
        "Status: install ok installed\n"
        "Architecture: amd64\n"
        "Source: openssl\n"
        "Version: 3.0.11-1~deb12u2\n"
        "Depends: libc6 (>= 2.34)\n"
        "Description: Secure Sockets Layer toolkit\n"
        " multi-line description\n"
        "\n"
        "Package: libc6\n"
        "Status: install ok installed\n"
        "Architecture: amd64\n"
        "Source: glibc (2.36-9)\n"
        "Version: 2.36-9+deb12u4\n"
        "Provides: libc6-abi\n"
        "\n"
        "Package: gone\n"
        "Status: deinstall ok config-files\n"
        "Architecture: amd64\n"
        "Version: 1.0\n"
        "\n"
        "Package: tool\n"
        "Status: install ok installed\n"
        "Architecture: all\n"
        "Version: 1:2.0\n"
        "Pre-Depends: missing | libc6-abi\n"
        "Depends: libssl3, libc6:any (>= 2), nothere\n";

static void test_dpkg(void **state)
{
    struct ks_inventory inv;
    const struct ks_component *c;

    (void)state;
    ks_inventory_init(&inv);
    assert_int_equal(collect(&inv, "/etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n"), KS_OK);
    assert_int_equal(collect(&inv, "/var/lib/dpkg/status", status), KS_OK);
    assert_int_equal(ks_pkg_finish(&inv), KS_OK);
    assert_int_equal(inv.components.len, 3);
    assert_null(find_opt(&inv, "gone"));
    c = find(&inv, "libssl3");
    assert_non_null(c);
    assert_string_equal(c->version, "3.0.11-1~deb12u2");
    assert_string_equal(c->source_name, "openssl");
    assert_string_equal(c->source_version, "3.0.11-1~deb12u2");
    assert_string_equal(c->ecosystem, "Debian:12");
    assert_string_equal(c->purl, "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12"
                                 "&upstream=openssl");
    assert_int_equal(c->ndepends, 1);
    c = find(&inv, "libc6");
    assert_string_equal(c->source_name, "glibc");
    assert_string_equal(c->source_version, "2.36-9");
    assert_string_equal(c->purl, "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12"
                                 "&upstream=glibc%402.36-9");
    c = find(&inv, "tool");
    assert_string_equal(c->purl, "pkg:deb/debian/tool@1:2.0?arch=all&distro=debian-12");
    /* Pre-Depends via a virtual package, Depends with :any and a missing one. */
    assert_int_equal(c->ndepends, 2);
    assert_non_null(strstr(c->depends[0], "libc6@"));
    assert_non_null(strstr(c->depends[1], "libssl3@"));
    ks_inventory_release(&inv);

    /* Distroless status.d: one file per package, md5sums ignored. */
    ks_inventory_init(&inv);
    assert_true(ks_collector_dpkg.wants("/var/lib/dpkg/status.d/base", S_IFREG));
    assert_false(ks_collector_dpkg.wants("/var/lib/dpkg/status.d/base.md5sums", S_IFREG));
    assert_false(ks_collector_dpkg.wants("/var/lib/dpkg/status-old", S_IFREG));
    assert_int_equal(collect(&inv, "/var/lib/dpkg/status.d/tzdata",
                             "Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\n"),
                     KS_OK);
    assert_int_equal(inv.components.len, 1);
    ks_inventory_release(&inv);

    /* Malformed: a coverage note, not a failure. */
    ks_inventory_init(&inv);
    assert_int_equal(collect(&inv, "/var/lib/dpkg/status", "Package: x\ngarbage line\n"), KS_OK);
    assert_int_equal(inv.notes.len, 1);
    assert_non_null(strstr(inv.notes.items[0].message, "line 2"));
    ks_inventory_release(&inv);
}

static void test_apk(void **state)
{
    struct ks_inventory inv;
    const struct ks_component *c;

    (void)state;
    ks_inventory_init(&inv);
    assert_int_equal(collect(&inv, "/etc/alpine-release", "3.19.1\n"), KS_OK);
    assert_int_equal(collect(&inv, "/lib/apk/db/installed",
                             "C:Q1abc=\nP:musl\nV:1.2.4_git20230717-r4\nA:x86_64\nL:MIT\n"
                             "o:musl\np:so:libc.musl-x86_64.so.1=1\n\n"
                             "P:libcrypto3\nV:3.1.4-r5\nA:x86_64\nL:Apache-2.0\no:openssl\n"
                             "D:so:libc.musl-x86_64.so.1 !nope musl>=1\n"),
                     KS_OK);
    assert_int_equal(ks_pkg_finish(&inv), KS_OK);
    assert_string_equal(inv.distro.id, "alpine");
    c = find(&inv, "libcrypto3");
    assert_non_null(c);
    assert_string_equal(c->ecosystem, "Alpine:v3.19");
    assert_string_equal(c->purl, "pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&"
                                 "distro=alpine-3.19.1&upstream=openssl");
    assert_string_equal(c->license, "Apache-2.0");
    assert_int_equal(c->ndepends, 1);
    ks_inventory_release(&inv);
}

static void test_os_release(void **state)
{
    struct ks_inventory inv;

    (void)state;
    /* Whatever the order, /etc/os-release wins over fallbacks and /usr/lib. */
    ks_inventory_init(&inv);
    assert_int_equal(collect(&inv, "/etc/debian_version", "12.4\n"), KS_OK);
    assert_string_equal(inv.distro.version_id, "12");
    assert_int_equal(collect(&inv, "/etc/os-release",
                             "# comment\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
                             "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n"),
                     KS_OK);
    assert_int_equal(collect(&inv, "/usr/lib/os-release", "ID=other\nVERSION_ID=1\n"), KS_OK);
    assert_string_equal(inv.distro.id, "debian");
    assert_string_equal(inv.distro.codename, "bookworm");
    assert_string_equal(inv.distro.pretty_name, "Debian GNU/Linux 12 (bookworm)");
    assert_string_equal(inv.distro.source, "/etc/os-release");
    ks_inventory_release(&inv);

    ks_inventory_init(&inv);
    assert_int_equal(collect(&inv, "/etc/redhat-release",
                             "Red Hat Enterprise Linux release 9.3 (Plow)\n"),
                     KS_OK);
    assert_string_equal(inv.distro.id, "rhel");
    assert_string_equal(inv.distro.version_id, "9.3");
    ks_inventory_release(&inv);

    ks_inventory_init(&inv);
    assert_int_equal(collect(&inv, "/etc/os-release", "ID='amzn'\nVERSION_ID=\"2\\\"x\"\n"), KS_OK);
    assert_string_equal(inv.distro.id, "amzn");
    assert_string_equal(inv.distro.version_id, "2\"x");
    ks_inventory_release(&inv);
}

static void test_kernel(void **state)
{
    struct ks_inventory inv;

    (void)state;
    ks_inventory_init(&inv);
    assert_int_equal(collect(&inv, "/usr/lib/modules/6.1.0-13-amd64/modules.order", "x\n"), KS_OK);
    assert_int_equal(collect(&inv, "/usr/lib/modules/6.1.0-13-amd64/other", "x\n"), KS_OK);
    assert_int_equal(ks_pkg_finish(&inv), KS_OK);
    assert_int_equal(inv.components.len, 1);
    assert_int_equal(inv.components.items[0].type, KS_PKG_KERNEL);
    assert_string_equal(inv.components.items[0].version, "6.1.0-13-amd64");
    ks_inventory_release(&inv);
}

static void test_rpm_bdb(void **state)
{
    struct ks_inventory inv;
    struct ks_buf b = KS_BUF_INIT(0), want = KS_BUF_INIT(0);
    struct ks_diag d = KS_DIAG_INIT;
    char path[512];
    const struct ks_component *c;

    (void)state;
    snprintf(path, sizeof(path), "%s/tests/data/pkg/rpm-bdb/Packages", ks_test_srcdir());
    assert_int_equal(ks_file_read(path, 1 << 20, &b, &d), KS_OK);
    snprintf(path, sizeof(path), "%s/tests/data/pkg/rpm-bdb/expected.tsv", ks_test_srcdir());
    assert_int_equal(ks_file_read(path, 1 << 20, &want, &d), KS_OK);
    ks_inventory_init(&inv);
    assert_int_equal(ks_pkg_collect(&inv, "/var/lib/rpm/Packages", S_IFREG, NULL, b.ptr, b.len,
                                    &ks_limits_default, &d),
                     KS_OK);
    assert_int_equal(inv.notes.len, 0);
    assert_int_equal(inv.components.len, 1);
    c = &inv.components.items[0];
    {
        /* expected.tsv: name epoch version release arch sourcerpm */
        char line[512];
        assert_string_equal(c->version, "0.9.2-1");
        snprintf(line, sizeof(line), "%s\t(none)\t%.*s\t%s\t%s\t%s-%s.src.rpm\n", c->name,
                 (int)strcspn(c->version, "-"), c->version, strchr(c->version, '-') + 1, c->arch,
                 c->source_name, c->source_version);
        assert_string_equal(line, ks_buf_str(&want));
    }
    ks_inventory_release(&inv);

    /* Truncations and corruptions of the real file never crash, and give notes. */
    for (size_t cut = 0; cut < b.len; cut += 1021) {
        ks_inventory_init(&inv);
        assert_int_equal(ks_pkg_collect(&inv, "/var/lib/rpm/Packages", S_IFREG, NULL, b.ptr, cut,
                                        &ks_limits_default, &d),
                         KS_OK);
        ks_inventory_release(&inv);
    }
    ks_buf_release(&b);
    ks_buf_release(&want);
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static void test_rpm_header(void **state)
{
    unsigned char blob[256];
    struct ks_rpm_header h;
    struct ks_diag d = KS_DIAG_INIT;
    const char data[] = "bash\0" "5.2\0" "1.el9\0" "x86_64\0";

    (void)state;
    memset(blob, 0, sizeof(blob));
    put32(blob, 5);
    put32(blob + 4, sizeof(data) + 4);
    {
        uint32_t tags[][4] = {{1000, 6, 0, 1}, {1001, 6, 5, 1}, {1002, 6, 9, 1},
                              {1022, 6, 15, 1}, {1003, 4, sizeof(data), 1}};
        for (int i = 0; i < 5; i++)
            for (int k = 0; k < 4; k++)
                put32(blob + 8 + i * 16 + k * 4, tags[i][k]);
    }
    memcpy(blob + 8 + 80, data, sizeof(data));
    put32(blob + 8 + 80 + sizeof(data), 2);
    assert_int_equal(ks_rpm_header_parse(blob, 8 + 80 + sizeof(data) + 4, &h, &d), KS_OK);
    assert_string_equal(h.name, "bash");
    assert_string_equal(h.release, "1.el9");
    assert_true(h.has_epoch);
    assert_int_equal(h.epoch, 2);
    /* Too short, counts out of range, offsets outside, unterminated strings. */
    assert_int_equal(ks_rpm_header_parse(blob, 8 + 80 + sizeof(data), &h, &d), KS_EPARSE);
    assert_int_equal(ks_rpm_header_parse(blob, 7, &h, &d), KS_EPARSE);
    put32(blob + 8 + 16 + 8, 1000);
    assert_int_equal(ks_rpm_header_parse(blob, 8 + 80 + sizeof(data) + 4, &h, &d), KS_EPARSE);
    put32(blob + 8 + 16 + 8, 5);
    put32(blob, 0x7fffffff);
    assert_int_equal(ks_rpm_header_parse(blob, sizeof(blob), &h, &d), KS_EPARSE);
}

/* ---- binaries wherever they are ----
 *
 * The Go and Rust binary collectors select files by their exec bits, not by
 * name, so a rootfs scan must offer them every executable regular file,
 * wherever it is and whatever it is called (the walk reads only the ELF
 * parts they need, through pread, in worker threads' order-independent way),
 * and never a file without exec bits. */

static char bins[] = "/tmp/ks_bins_XXXXXX";

static void put_file(const char *rel, const struct ks_buf *b, mode_t mode)
{
    char p[512];
    int fd;

    snprintf(p, sizeof(p), "%s/%s", bins, rel);
    for (char *s = strchr(p + strlen(bins) + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        assert_true(mkdir(p, 0755) == 0 || errno == EEXIST);
        *s = '/';
    }
    fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, b->ptr, b->len), (ssize_t)b->len);
    assert_int_equal(fchmod(fd, mode), 0);
    close(fd);
}

static size_t count_at(const struct ks_inventory *inv, const char *path, const char *purl_prefix)
{
    size_t n = 0;

    for (size_t i = 0; i < inv->components.len; i++) {
        const struct ks_component *c = &inv->components.items[i];
        if (c->path && !strcmp(c->path, path) && c->purl && !strncmp(c->purl, purl_prefix, strlen(purl_prefix)))
            n++;
    }
    return n;
}

static void test_binaries_anywhere(void **state)
{
    static const struct {
        const char *path;
        mode_t mode;
        bool found;
    } gobins[] = {
            {"usr/bin/gotool", 0755, true},
            {"x", 0700, true},                                  /* at the root, owner-exec only */
            {"srv/.hidden/deep/er/still/data.bin", 0755, true}, /* hidden, deep, data-like name */
            {"opt/app/lib with space/plugin.so", 0751, true},
            {"home/u/group-only", 0010, true},                  /* group-exec only */
            {"many/d47/bin", 0755, true},                       /* among many siblings */
            {"var/lib/noexec/tool", 0644, false},               /* no exec bit: not a candidate */
    };
    struct ks_buf go = KS_BUF_INIT(0), rust = KS_BUF_INIT(0), empty = KS_BUF_INIT(0);
    struct ks_inventory inv, mem;
    struct ks_scan_opts o = {&ks_limits_default, NULL, NULL, true};
    struct ks_diag d = KS_DIAG_INIT;
    char p[512], cmd[600];
    size_t per_file;

    (void)state;
    assert_non_null(mkdtemp(bins));
    snprintf(p, sizeof(p), "%s/tests/data/pkg/elf/go-buildinfo.o", ks_test_srcdir());
    assert_int_equal(ks_file_read(p, 1u << 20, &go, &d), KS_OK);
    snprintf(p, sizeof(p), "%s/tests/data/pkg/elf/cargo-auditable.o", ks_test_srcdir());
    assert_int_equal(ks_file_read(p, 1u << 20, &rust, &d), KS_OK);
    /* What the collectors find in the bytes themselves. */
    ks_inventory_init(&mem);
    assert_int_equal(ks_pkg_collect(&mem, "/b", S_IFREG | 0755, NULL, go.ptr, go.len,
                                    &ks_limits_default, &d),
                     KS_OK);
    per_file = count_at(&mem, "/b", "pkg:golang/");
    assert_int_equal(per_file, 4);
    ks_inventory_release(&mem);
    for (int i = 0; i < 64; i++) {
        snprintf(p, sizeof(p), "many/d%02d/f", i);
        put_file(p, &empty, 0644);
    }
    for (size_t i = 0; i < KS_ARRAY_LEN(gobins); i++)
        put_file(gobins[i].path, &go, gobins[i].mode);
    put_file("opt/rust/weird.dat", &rust, 0755);

    ks_inventory_init(&inv);
    assert_int_equal(ks_pkg_scan(&inv, KS_TARGET_ROOTFS, bins, &o, &d), KS_OK);
    for (size_t i = 0; i < KS_ARRAY_LEN(gobins); i++) {
        snprintf(p, sizeof(p), "/%s", gobins[i].path);
        if (count_at(&inv, p, "pkg:golang/") != (gobins[i].found ? per_file : 0))
            fail_msg("%s: %zu Go components", p, count_at(&inv, p, "pkg:golang/"));
    }
    assert_true(count_at(&inv, "/opt/rust/weird.dat", "pkg:cargo/") > 0);
    ks_inventory_release(&inv);
    ks_buf_release(&go);
    ks_buf_release(&rust);
    ks_buf_release(&empty);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", bins);
    assert_int_equal(system(cmd), 0);
}

/* Two inventories hold the same values (strings compared by content). */
static void assert_same_inventory(const struct ks_inventory *a, const struct ks_inventory *b)
{
#define SAME(x, y)                                        \
    do {                                                  \
        if ((x) || (y))                                   \
            assert_true((x) && (y) && !strcmp((x), (y))); \
    } while (0)
    const struct ks_target *ta = &a->target, *tb = &b->target;

    assert_int_equal(ta->kind, tb->kind);
    SAME(ta->name, tb->name);
    SAME(ta->digest, tb->digest);
    SAME(ta->platform, tb->platform);
    SAME(ta->purl, tb->purl);
    assert_int_equal(ta->nlayers, tb->nlayers);
    for (size_t i = 0; i < ta->nlayers; i++) {
        SAME(ta->layers[i].digest, tb->layers[i].digest);
        SAME(ta->layers[i].diff_id, tb->layers[i].diff_id);
        SAME(ta->layers[i].created_by, tb->layers[i].created_by);
    }
    SAME(a->distro.id, b->distro.id);
    SAME(a->distro.version_id, b->distro.version_id);
    SAME(a->distro.codename, b->distro.codename);
    SAME(a->distro.pretty_name, b->distro.pretty_name);
    SAME(a->distro.source, b->distro.source);
    assert_int_equal(a->owned.truncated, b->owned.truncated);
    assert_int_equal(a->owned.noted, b->owned.noted);
    assert_int_equal(a->notes.len, b->notes.len);
    for (size_t i = 0; i < a->notes.len; i++) {
        SAME(a->notes.items[i].path, b->notes.items[i].path);
        SAME(a->notes.items[i].message, b->notes.items[i].message);
    }
    assert_int_equal(a->components.len, b->components.len);
    for (size_t i = 0; i < a->components.len; i++) {
        const struct ks_component *x = &a->components.items[i], *y = &b->components.items[i];

        assert_int_equal(x->type, y->type);
        SAME(x->name, y->name);
        SAME(x->version, y->version);
        SAME(x->ecosystem, y->ecosystem);
        SAME(x->purl, y->purl);
        SAME(x->cpe, y->cpe);
        SAME(x->arch, y->arch);
        SAME(x->source_name, y->source_name);
        SAME(x->source_version, y->source_version);
        SAME(x->license, y->license);
        SAME(x->path, y->path);
        SAME(x->layer, y->layer);
        SAME(x->bom_ref, y->bom_ref);
        SAME(x->owner, y->owner);
        assert_int_equal(x->scope, y->scope);
        assert_int_equal(x->direct, y->direct);
        assert_int_equal(x->ndepends, y->ndepends);
        for (size_t k = 0; k < x->ndepends; k++)
            SAME(x->depends[k], y->depends[k]);
    }
#undef SAME
}

/* The store's packed form gives back the inventory it was given, whatever
 * its fields hold; any damage to the text is refused, never misread. */
static void test_packed(void **state)
{
    static const char *const deps[] = {"a", "", "pkg:x/y@1"};
    struct ks_scan_opts o = {&ks_limits_default, NULL, NULL, true};
    struct ks_buf p1 = KS_BUF_INIT(0), p2 = KS_BUF_INIT(0);
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_inventory inv, back;
    struct ks_component *c;
    struct ks_layer layers[2] = {{"sha256:aa", "sha256:bb", "RUN apt-get install -y x,y:z"},
                                 {"sha256:cc", NULL, NULL}};

    (void)state;
    ks_inventory_init(&inv);
    assert_int_equal(ks_pkg_scan(&inv, KS_TARGET_ROOTFS, "tests/data/scan/rootfs", &o, &d), KS_OK);
    assert_true(inv.components.len > 10);
    /* A filesystem's ownership tables are not packed. */
    assert_int_equal(ks_inventory_pack(&inv, &p1), KS_EUNSUPPORTED);
    ks_buf_reset(&p1);
    KS_VEC_RELEASE(&inv.owned.files);
    KS_VEC_RELEASE(&inv.owned.owners);
    inv.owned.owners.len = inv.owned.files.len = 0;
    inv.target.layers = layers;
    inv.target.nlayers = 2;
    inv.target.digest = "sha256:dd";
    assert_int_equal(ks_inventory_note(&inv, NULL, "a note, with: %s", "-^=,:"), KS_OK);
    assert_int_equal(ks_inventory_note(&inv, "/etc/x", "%s", ""), KS_OK);
    /* Strings that look like the form's own markers, and every field. */
    c = ks_inventory_add(&inv);
    assert_non_null(c);
    c->type = KS_PKG_NPM;
    c->name = "-";
    c->version = "^";
    c->ecosystem = "=";
    c->purl = "12:x,";
    c->cpe = "cpe:2.3:a:x:y:1:*:*:*:*:*:*:*";
    c->arch = "";
    c->source_name = "ünïcode";
    c->source_version = "1,2:3";
    c->license = "MIT OR (Apache-2.0 AND BSD-3-Clause)";
    c->path = "/a path/with spaces";
    c->layer = "sha256:bb";
    c->bom_ref = "12:x,";
    c->owner = "-";
    c->scope = KS_SCOPE_DEV;
    c->direct = 1;
    assert_int_equal(ks_inventory_set_depends(&inv, c, deps, 3), KS_OK);
    c = ks_inventory_add(&inv); /* the same again: every field "^" */
    assert_non_null(c);
    *c = inv.components.items[inv.components.len - 2];
    c = ks_inventory_add(&inv); /* nothing but NULLs */
    assert_non_null(c);

    assert_int_equal(ks_inventory_pack(&inv, &p1), KS_OK);
    ks_inventory_init(&back);
    assert_int_equal(ks_inventory_unpack(&back, p1.ptr, p1.len, &d), KS_OK);
    assert_same_inventory(&inv, &back);
    assert_int_equal(ks_inventory_pack(&back, &p2), KS_OK);
    assert_int_equal(p1.len, p2.len);
    assert_memory_equal(p1.ptr, p2.ptr, p1.len);
    ks_inventory_release(&back);

    /* Every truncation, and every single byte changed to each of the
     * form's markers, is either refused or reads as some inventory (never
     * past the text: ASan watches). Truncations are always refused. */
    for (size_t len = 0; len < p1.len; len++) {
        ks_inventory_init(&back);
        if (ks_inventory_unpack(&back, p1.ptr, len, &d) != KS_EPARSE)
            fail_msg("truncated to %zu bytes: not refused", len);
        ks_inventory_release(&back);
    }
    for (size_t at = 0; at < p1.len; at += 3) {
        static const char marks[] = "-^=,:9\0";

        for (size_t m = 0; m < sizeof(marks) - 1; m++) {
            char saved = p1.ptr[at];
            ks_err err;

            p1.ptr[at] = marks[m];
            ks_inventory_init(&back);
            err = ks_inventory_unpack(&back, p1.ptr, p1.len, &d);
            assert_true(err == KS_OK || err == KS_EPARSE);
            ks_inventory_release(&back);
            p1.ptr[at] = saved;
        }
    }
    {
        /* A component count far beyond the text is refused before any
         * allocation for it. */
        static const char huge[] = "kensa-inventory 1\n0,----0,-----0,0,0,99999999999,";

        ks_inventory_init(&back);
        assert_int_equal(ks_inventory_unpack(&back, huge, sizeof(huge) - 1, &d), KS_EPARSE);
        assert_non_null(strstr(d.msg, "components"));
        ks_inventory_release(&back);
        ks_inventory_init(&back);
        assert_int_equal(ks_inventory_unpack(&back, "kensa-inventory 2\n", 18, &d), KS_EPARSE);
        ks_inventory_release(&back);
    }
    inv.target.layers = NULL;
    inv.target.nlayers = 0;
    ks_inventory_release(&inv);
    ks_buf_release(&p1);
    ks_buf_release(&p2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_dpkg),
            cmocka_unit_test(test_apk),
            cmocka_unit_test(test_os_release),
            cmocka_unit_test(test_kernel),
            cmocka_unit_test(test_rpm_bdb),
            cmocka_unit_test(test_rpm_header),
            cmocka_unit_test(test_binaries_anywhere),
            cmocka_unit_test(test_packed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

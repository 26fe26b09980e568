/* tests/unit/test_pkg_owned.c - installed-file lists (dpkg .list and
 * status.d md5sums, apk R:/F:, rpm file tags) and the ownership of language
 * packages (pkg/owned.h). The differential tests against dpkg-query, rpm
 * and apk's database on real trees are in tests/pkg/owned.sh. */
#include "ks_test.h"

#include "pkg/inventory.h"
#include "pkg/owned.h"
#include "pkg/rpm.h"
#include "pkg/scan.h"

#include <sys/stat.h>

static ks_err collect(struct ks_inventory *inv, const char *path, const char *text)
{
    struct ks_diag d = KS_DIAG_INIT;
    return ks_pkg_collect(inv, path, S_IFREG | 0644, NULL, text, strlen(text), &ks_limits_default,
                          &d);
}

static const struct ks_component *find(const struct ks_inventory *inv, const char *name)
{
    for (size_t i = 0; i < inv->components.len; i++)
        if (!strcmp(inv->components.items[i].name, name))
            return &inv->components.items[i];
    KS_BUG("component '%s' not found", name);
}

static const char *owner_of(const struct ks_inventory *inv, const char *path)
{
    const char *o = ks_owned_lookup(inv, path);
    return o ? o : "-";
}

/* dpkg: info/<pkg>[:<arch>].list, directories skipped, the owner tied to the
 * status entry by name and arch; a language package gets its owner. */
static void test_dpkg_list(void **state)
{
    struct ks_inventory inv;

    (void)state;
    ks_inventory_init(&inv);
    assert_int_equal(collect(&inv, "/etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n"), KS_OK);
    assert_int_equal(collect(&inv, "/var/lib/dpkg/status",
                             "Package: python3-idna\nStatus: install ok installed\n"
                             "Architecture: all\nSource: python-idna\nVersion: 3.3-1+deb12u1\n\n"
                             "Package: libc6\nStatus: install ok installed\n"
                             "Architecture: amd64\nVersion: 2.36-9\n\n"
                             "Package: libc6\nStatus: install ok installed\n"
                             "Architecture: i386\nVersion: 2.36-9\n"),
                     KS_OK);
    assert_int_equal(collect(&inv, "/var/lib/dpkg/info/python3-idna.list",
                             "/.\n/usr\n/usr/lib\n/usr/lib/python3/dist-packages\n"
                             "/usr/lib/python3/dist-packages/idna-3.3.egg-info\n"
                             "/usr/lib/python3/dist-packages/idna-3.3.egg-info/PKG-INFO\n"
                             "/usr/share/doc/python3-idna/copyright"),
                     KS_OK);
    assert_int_equal(collect(&inv, "/var/lib/dpkg/info/libc6:i386.list",
                             "/.\n/lib\n/lib/i386-linux-gnu\n/lib/i386-linux-gnu/libc.so.6\n"
                             "/usr/share/doc/libc6/copyright\n"),
                     KS_OK);
    assert_int_equal(collect(&inv, "/var/lib/dpkg/info/libc6:amd64.list",
                             "/.\n/usr/share/doc/libc6/copyright\n"),
                     KS_OK);
    /* The language package itself, as the walk finds it. */
    assert_int_equal(collect(&inv, "/usr/lib/python3/dist-packages/idna-3.3.egg-info/PKG-INFO",
                             "Metadata-Version: 2.1\nName: idna\nVersion: 3.3\n"),
                     KS_OK);
    assert_int_equal(collect(&inv,
                             "/usr/local/lib/python3.11/dist-packages/six-1.16.0.dist-info/"
                             "METADATA",
                             "Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\n"),
                     KS_OK);
    assert_int_equal(ks_pkg_finish(&inv), KS_OK);
    assert_int_equal(ks_owned_count(&inv, KS_PKG_DEB), 5);
    assert_string_equal(owner_of(&inv, "/usr/lib/python3/dist-packages/idna-3.3.egg-info/PKG-INFO"),
                        "deb:python3-idna@3.3-1+deb12u1:all");
    /* Directories that hold other entries of the list are not files. */
    assert_string_equal(owner_of(&inv, "/usr/lib/python3/dist-packages"), "-");
    assert_string_equal(owner_of(&inv, "/usr"), "-");
    assert_string_equal(owner_of(&inv, "/."), "-");
    /* Arch from the list's name; a shared file: the smallest bom-ref. */
    assert_string_equal(owner_of(&inv, "/lib/i386-linux-gnu/libc.so.6"), "deb:libc6@2.36-9:i386");
    assert_string_equal(owner_of(&inv, "/usr/share/doc/libc6/copyright"), "deb:libc6@2.36-9:amd64");
    /* Merged /usr: the walk sees /usr/lib/… where dpkg lists /lib/…. */
    assert_string_equal(owner_of(&inv, "/usr/lib/i386-linux-gnu/libc.so.6"),
                        "deb:libc6@2.36-9:i386");
    assert_string_equal(owner_of(&inv, "/usr/lib/i386-linux-gnu/libc.so.7"), "-");
    assert_string_equal(find(&inv, "idna")->owner, "deb:python3-idna@3.3-1+deb12u1:all");
    assert_null(find(&inv, "six")->owner); /* pip-installed under /usr/local */
    assert_null(find(&inv, "python3-idna")->owner);
    assert_int_equal(inv.notes.len, 0);
    ks_inventory_release(&inv);
}

/* Distroless: status.d/<pkg> and status.d/<pkg>.md5sums; without md5sums,
 * a coverage note says why nothing is owned. */
static void test_dpkg_distroless(void **state)
{
    struct ks_inventory inv;
    struct ks_diag d = KS_DIAG_INIT;
    const char *md5 = "0f3c5d4a2b1e0f3c5d4a2b1e0f3c5d4a  usr/lib/python3/dist-packages/"
                      "idna-3.3.egg-info/PKG-INFO\n";

    (void)state;
    for (int with_md5 = 0; with_md5 < 2; with_md5++) {
        ks_inventory_init(&inv);
        assert_int_equal(collect(&inv, "/var/lib/dpkg/status.d/python3-idna",
                                 "Package: python3-idna\nArchitecture: all\nVersion: 3.3-1\n"),
                         KS_OK);
        if (with_md5)
            assert_int_equal(collect(&inv, "/var/lib/dpkg/status.d/python3-idna.md5sums", md5),
                             KS_OK);
        assert_int_equal(collect(&inv, "/usr/lib/python3/dist-packages/idna-3.3.egg-info/PKG-INFO",
                                 "Metadata-Version: 2.1\nName: idna\nVersion: 3.3\n"),
                         KS_OK);
        assert_int_equal(ks_pkg_finish(&inv), KS_OK);
        if (with_md5) {
            assert_string_equal(find(&inv, "idna")->owner, "deb:python3-idna@3.3-1:all");
            assert_int_equal(inv.notes.len, 0);
        } else {
            assert_null(find(&inv, "idna")->owner);
            assert_int_equal(inv.notes.len, 1);
            assert_non_null(strstr(inv.notes.items[0].message, "no installed-file lists"));
        }
        ks_inventory_release(&inv);
    }
    /* Malformed lists are parse errors of that file (a coverage note). */
    ks_inventory_init(&inv);
    assert_int_equal(collect(&inv, "/var/lib/dpkg/status.d/x.md5sums", "abc usr/bin/x\n"), KS_OK);
    assert_int_equal(collect(&inv, "/var/lib/dpkg/info/x.list", "/usr\nusr/bin/relative\n"), KS_OK);
    assert_int_equal(inv.notes.len, 2);
    assert_non_null(strstr(inv.notes.items[0].message, "expected '<md5>  <path>'"));
    assert_non_null(strstr(inv.notes.items[1].message, "line 2: not an absolute path"));
    ks_inventory_release(&inv);
    /* Only the package database's own lists are wanted. */
    ks_inventory_init(&inv);
    assert_int_equal(ks_pkg_collect(&inv, "/var/lib/dpkg/info/sub/x.list", S_IFREG, NULL, "bad", 3,
                                    &ks_limits_default, &d),
                     KS_OK);
    assert_int_equal(ks_pkg_collect(&inv, "/var/lib/dpkg/info/x.md5sums", S_IFREG, NULL, "bad", 3,
                                    &ks_limits_default, &d),
                     KS_OK);
    assert_int_equal(inv.notes.len, 0);
    assert_int_equal(ks_owned_count(&inv, KS_PKG_UNKNOWN), 0);
    ks_inventory_release(&inv);
}

/* apk: F: directories and R: files of each package; a node package inside. */
static void test_apk_files(void **state)
{
    struct ks_inventory inv;

    (void)state;
    ks_inventory_init(&inv);
    assert_int_equal(collect(&inv, "/etc/alpine-release", "3.19.1\n"), KS_OK);
    assert_int_equal(collect(&inv, "/lib/apk/db/installed",
                             "C:Q1abc=\nP:musl\nV:1.2.4-r2\nA:x86_64\nR:toplevel\n"
                             "F:lib\nR:ld-musl-x86_64.so.1\na:0:0:755\nZ:Q1x=\n"
                             "R:libc.musl-x86_64.so.1\n\n"
                             "P:nodejs\nV:20.11.1-r0\nA:x86_64\n"
                             "F:usr/lib/node_modules/npm\nR:package.json\nF:usr/bin\nR:node\n"),
                     KS_OK);
    assert_int_equal(collect(&inv, "/usr/lib/node_modules/npm/package.json",
                             "{\"name\": \"npm\", \"version\": \"10.2.4\"}"),
                     KS_OK);
    assert_int_equal(ks_pkg_finish(&inv), KS_OK);
    assert_int_equal(ks_owned_count(&inv, KS_PKG_APK), 5);
    assert_string_equal(owner_of(&inv, "/lib/ld-musl-x86_64.so.1"), "apk:musl@1.2.4-r2:x86_64");
    assert_string_equal(owner_of(&inv, "/lib/libc.musl-x86_64.so.1"), "apk:musl@1.2.4-r2:x86_64");
    assert_string_equal(owner_of(&inv, "/toplevel"), "apk:musl@1.2.4-r2:x86_64");
    assert_string_equal(owner_of(&inv, "/usr/bin/node"), "apk:nodejs@20.11.1-r0:x86_64");
    assert_string_equal(owner_of(&inv, "/lib"), "-");
    assert_string_equal(find(&inv, "npm")->owner, "apk:nodejs@20.11.1-r0:x86_64");
    ks_inventory_release(&inv);
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* An rpm header with name, version, release and the three file tags. */
static size_t rpm_blob(unsigned char *blob, uint32_t dirindex1)
{
    static const char data[] = "py\0"
                               "1\0"
                               "1.el9\0"
                               "/usr/bin/\0"
                               "/usr/lib/python3.9/site-packages/six.dist-info/\0"
                               "py\0"
                               "METADATA\0";
    size_t doff = 8 + 6 * 16, dl;
    uint32_t tags[][4] = {{1000, 6, 0, 1},  {1001, 6, 3, 1},  {1002, 6, 5, 1},
                          {1118, 8, 11, 2}, {1117, 8, 69, 2}, {1116, 4, 0, 2}};

    memset(blob, 0, 512);
    dl = (sizeof(data) + 3) / 4 * 4;
    tags[5][2] = (uint32_t)dl;
    dl += 8;
    put32(blob, 6);
    put32(blob + 4, (uint32_t)dl);
    for (int i = 0; i < 6; i++)
        for (int k = 0; k < 4; k++)
            put32(blob + 8 + i * 16 + k * 4, tags[i][k]);
    memcpy(blob + doff, data, sizeof(data));
    put32(blob + doff + tags[5][2], 0);
    put32(blob + doff + tags[5][2] + 4, dirindex1);
    return doff + dl;
}

struct paths {
    char list[4][128];
    int n;
};

static ks_err add_path(void *arg, const char *dir, size_t dirlen, const char *base, size_t baselen)
{
    struct paths *p = arg;
    if (p->n < 4)
        snprintf(p->list[p->n++], sizeof(p->list[0]), "%.*s%.*s", (int)dirlen, dir, (int)baselen,
                 base);
    return KS_OK;
}

static void test_rpm_files(void **state)
{
    unsigned char blob[512];
    struct ks_rpm_header h;
    struct ks_diag d = KS_DIAG_INIT;
    struct paths p = {{{0}}, 0};
    size_t n = rpm_blob(blob, 1);

    (void)state;
    assert_int_equal(ks_rpm_header_parse(blob, n, &h, &d), KS_OK);
    assert_int_equal(h.nbasenames, 2);
    assert_int_equal(h.ndirnames, 2);
    assert_int_equal(ks_rpm_header_files(&h, add_path, &p), KS_OK);
    assert_int_equal(p.n, 2);
    assert_string_equal(p.list[0], "/usr/bin/py");
    assert_string_equal(p.list[1], "/usr/lib/python3.9/site-packages/six.dist-info/METADATA");
    /* A directory index past DIRNAMES, a count running off the data. */
    n = rpm_blob(blob, 2);
    assert_int_equal(ks_rpm_header_parse(blob, n, &h, &d), KS_EPARSE);
    assert_non_null(strstr(d.msg, "directory index 2 out of range"));
    n = rpm_blob(blob, 1);
    put32(blob + 8 + 4 * 16 + 12, 200);
    assert_int_equal(ks_rpm_header_parse(blob, n, &h, &d), KS_EPARSE);
    put32(blob + 8 + 4 * 16 + 12, 3);
    assert_int_equal(ks_rpm_header_parse(blob, n, &h, &d), KS_EPARSE);
}

/* rpm < 4.1 headers: OLDFILENAMES, whole paths. */
static void test_rpm_oldfilenames(void **state)
{
    static const char data[] = "old\0"
                               "1\0"
                               "2\0"
                               "/usr/bin/old\0"
                               "/etc/old.conf\0";
    uint32_t tags[][4] = {{1000, 6, 0, 1}, {1001, 6, 4, 1}, {1002, 6, 6, 1}, {1027, 8, 8, 2}};
    unsigned char blob[256];
    struct ks_rpm_header h;
    struct ks_diag d = KS_DIAG_INIT;
    struct paths p = {{{0}}, 0};
    size_t n = 8 + 4 * 16 + sizeof(data);

    (void)state;
    memset(blob, 0, sizeof(blob));
    put32(blob, 4);
    put32(blob + 4, sizeof(data));
    for (int i = 0; i < 4; i++)
        for (int k = 0; k < 4; k++)
            put32(blob + 8 + i * 16 + k * 4, tags[i][k]);
    memcpy(blob + 8 + 4 * 16, data, sizeof(data));
    assert_int_equal(ks_rpm_header_parse(blob, n, &h, &d), KS_OK);
    assert_int_equal(h.noldfilenames, 2);
    assert_int_equal(ks_rpm_header_files(&h, add_path, &p), KS_OK);
    assert_int_equal(p.n, 2);
    assert_string_equal(p.list[0], "/usr/bin/old");
    assert_string_equal(p.list[1], "/etc/old.conf");
    /* Four names promised, three in the data (the last one empty): rejected. */
    put32(blob + 8 + 3 * 16 + 12, 4);
    assert_int_equal(ks_rpm_header_parse(blob, n, &h, &d), KS_EPARSE);
}

/* The table is bounded by max_entries: the rest is dropped, and noted. */
static void test_limits(void **state)
{
    struct ks_inventory inv;
    struct ks_limits lim = ks_limits_default;
    struct ks_diag d = KS_DIAG_INIT;
    const char *list = "/a\n/b\n/c\n/d\n";

    (void)state;
    lim.max_entries = 2;
    ks_inventory_init(&inv);
    assert_int_equal(ks_pkg_collect(&inv, "/var/lib/dpkg/info/x.list", S_IFREG, NULL, list,
                                    strlen(list), &lim, &d),
                     KS_OK);
    assert_int_equal(ks_owned_count(&inv, KS_PKG_UNKNOWN), 2);
    assert_true(inv.owned.truncated);
    assert_int_equal(ks_owned_resolve(&inv), KS_OK);
    assert_int_equal(inv.notes.len, 1);
    assert_non_null(strstr(inv.notes.items[0].message, "max_entries"));
    assert_int_equal(ks_owned_resolve(&inv), KS_OK); /* idempotent */
    assert_int_equal(inv.notes.len, 1);
    ks_inventory_release(&inv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_dpkg_list),        cmocka_unit_test(test_dpkg_distroless),
            cmocka_unit_test(test_apk_files),        cmocka_unit_test(test_rpm_files),
            cmocka_unit_test(test_rpm_oldfilenames), cmocka_unit_test(test_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

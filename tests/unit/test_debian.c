/* tests/unit/test_debian.c - formats/debian.h: deb822 stanzas, clear-signed
 * text, Debian changelogs (Debian Policy §4.4). */
#include "ks_test.h"

#include "formats/debian.h"

static bool eq(struct ks_str s, const char *want)
{
    return ks_str_eq(s, want);
}

static void test_deb822(void **state)
{
    (void)state;
    const char *text = "# comment\n\nPackage: libc6\nVersion: 2.36-9+deb12u7\n"
                       "Description: GNU C Library\n second line\n .\n third\n"
                       "SHA256: abc\n\n\n"
                       "package: tzdata\nsource: tzdata (2026f-0+deb12u1)\n";
    struct ks_deb822 r;
    struct ks_deb822_field f[8];
    size_t n;
    unsigned line;
    struct ks_diag d = KS_DIAG_INIT;

    ks_deb822_init(&r, "Packages", text, strlen(text));
    assert_int_equal(ks_deb822_next(&r, f, 8, &n, &line, &d), KS_OK);
    assert_int_equal(n, 4);
    assert_int_equal(line, 3);
    assert_true(eq(ks_deb822_get(f, n, "package"), "libc6"));
    assert_true(eq(ks_deb822_get(f, n, "VERSION"), "2.36-9+deb12u7"));
    assert_true(eq(ks_deb822_get(f, n, "Description"),
                   "GNU C Library\n second line\n .\n third"));
    assert_null(ks_deb822_get(f, n, "Source").ptr);
    assert_int_equal(ks_deb822_next(&r, f, 8, &n, &line, &d), KS_OK);
    assert_int_equal(line, 12);
    assert_true(eq(ks_deb822_get(f, n, "Source"), "tzdata (2026f-0+deb12u1)"));
    assert_int_equal(ks_deb822_next(&r, f, 8, &n, &line, &d), KS_ENOTFOUND);
}

static void test_deb822_errors(void **state)
{
    (void)state;
    const char *text = "Package: a\nno colon here\nVersion: 1\n\nPackage: b\n\n"
                       " continuation first\n\nA: 1\nB: 2\nC: 3\n\nPackage: c\n";
    struct ks_deb822 r;
    struct ks_deb822_field f[2];
    size_t n;
    unsigned line;
    struct ks_diag d = KS_DIAG_INIT;

    ks_deb822_init(&r, "P", text, strlen(text));
    assert_int_equal(ks_deb822_next(&r, f, 2, &n, &line, &d), KS_EPARSE);
    assert_string_equal(d.msg, "'P' line 2: expected 'Field: value'");
    /* the bad stanza was skipped: the next call reads the next one */
    assert_int_equal(ks_deb822_next(&r, f, 2, &n, &line, &d), KS_OK);
    assert_true(eq(ks_deb822_get(f, n, "Package"), "b"));
    assert_int_equal(ks_deb822_next(&r, f, 2, &n, &line, &d), KS_EPARSE);
    assert_string_equal(d.msg, "'P' line 7: continuation line outside a field");
    assert_int_equal(ks_deb822_next(&r, f, 2, &n, &line, &d), KS_ELIMIT);
    assert_int_equal(ks_deb822_next(&r, f, 2, &n, &line, &d), KS_OK);
    assert_true(eq(ks_deb822_get(f, n, "Package"), "c"));
    assert_int_equal(ks_deb822_next(&r, f, 2, &n, &line, &d), KS_ENOTFOUND);
}

static void test_clearsigned(void **state)
{
    (void)state;
    const char *in = "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nOrigin: Debian\n"
                     "Codename: bookworm-security\n-----BEGIN PGP SIGNATURE-----\n\nxyz\n"
                     "-----END PGP SIGNATURE-----\n";
    struct ks_str t;
    struct ks_diag d = KS_DIAG_INIT;

    assert_int_equal(ks_clearsigned_text("InRelease", in, strlen(in), &t, &d), KS_OK);
    assert_true(eq(t, "Origin: Debian\nCodename: bookworm-security"));
    /* a plain Release is returned whole */
    assert_int_equal(ks_clearsigned_text("Release", "Origin: X\n", 10, &t, &d), KS_OK);
    assert_int_equal(t.len, 10);
    const char *nosig = "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nOrigin: Debian\n";
    assert_int_equal(ks_clearsigned_text("InRelease", nosig, strlen(nosig), &t, &d), KS_EPARSE);
    assert_string_equal(d.msg, "'InRelease': clear-signed message without signature");
    const char *dash = "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n- Origin: x\n"
                       "-----BEGIN PGP SIGNATURE-----\n";
    assert_int_equal(ks_clearsigned_text("InRelease", dash, strlen(dash), &t, &d), KS_EPARSE);
}

static void test_changelog(void **state)
{
    (void)state;
    /* the shape of pcre2's changelog.Debian in bookworm-security */
    const char *text =
            "pcre2 (10.42-1+deb12u2) bookworm-security; urgency=high\n\n"
            "  * Non-maintainer upload.\n"
            "  * GHSA-r9hj-j2rw-4q3m: Fix large JIT stack allocation (CVE-2026-103111)\n\n"
            " -- Salvatore Bonaccorso <carnil@debian.org>  Sat, 03 Oct 2026 15:07:41 +0200\n\n"
            "pcre2 (10.42-1) unstable experimental; urgency=medium (HIGH for hurd), "
            "binary-only=yes\n\n"
            "  * New upstream version\n\n"
            " -- Matthew Vernon <matthew@debian.org>  Sun, 01 Jan 2023 15:44:06 +0000\n\n"
            "Local variables:\nmode: debian-changelog\nEnd:\n";
    struct ks_changelog c;
    struct ks_changelog_entry e;
    struct ks_diag d = KS_DIAG_INIT;

    ks_changelog_init(&c, "changelog", text, strlen(text));
    assert_int_equal(ks_changelog_next(&c, &e, &d), KS_OK);
    assert_true(eq(e.source, "pcre2"));
    assert_true(eq(e.version, "10.42-1+deb12u2"));
    assert_true(eq(e.distributions, "bookworm-security"));
    assert_true(eq(e.urgency, "high"));
    assert_true(eq(e.maintainer, "Salvatore Bonaccorso <carnil@debian.org>"));
    assert_true(eq(e.date, "Sat, 03 Oct 2026 15:07:41 +0200"));
    assert_int_equal(e.line, 1);
    assert_non_null(memmem(e.changes.ptr, e.changes.len, "CVE-2026-103111", 15));
    assert_int_equal(ks_changelog_next(&c, &e, &d), KS_OK);
    assert_true(eq(e.version, "10.42-1"));
    assert_true(eq(e.distributions, "unstable experimental"));
    assert_true(eq(e.urgency, "medium"));
    assert_int_equal(e.line, 8);
    /* "Local variables:" ends the entries */
    assert_int_equal(ks_changelog_next(&c, &e, &d), KS_ENOTFOUND);
    assert_int_equal(ks_changelog_next(&c, &e, &d), KS_ENOTFOUND);
}

static void test_changelog_errors(void **state)
{
    (void)state;
    struct ks_changelog c;
    struct ks_changelog_entry e;
    struct ks_diag d = KS_DIAG_INIT;
    static const struct {
        const char *text, *msg;
    } bad[] = {
            {"", "'c': no changelog entry"},
            {"not a header\n", "'c' line 1: expected 'package (version) distribution; "
                               "urgency=...'"},
            {"Foo (1) unstable; urgency=low\n", "'c' line 1: expected 'package (version) "
                                               "distribution; urgency=...'"},
            {"foo (1 2) unstable; urgency=low\n", "'c' line 1: expected 'package (version) "
                                                  "distribution; urgency=...'"},
            {"foo (1) unstable urgency=low\n", "'c' line 1: expected 'package (version) "
                                               "distribution; urgency=...'"},
            {"foo (1) unstable; urgency=low\n\n  * x\n",
             "'c' line 1: entry 'foo (1)' has no ' -- maintainer  date' trailer"},
            {"foo (2) unstable; urgency=low\n  * x\nfoo (1) unstable; urgency=low\n"
             " -- A <a@b>  Mon, 01 Jan 2024 00:00:00 +0000\n",
             "'c' line 1: entry 'foo (2)' has no ' -- maintainer  date' trailer"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ks_changelog_init(&c, "c", bad[i].text, strlen(bad[i].text));
        ks_diag_clear(&d);
        assert_int_equal(ks_changelog_next(&c, &e, &d), KS_EPARSE);
        assert_string_equal(d.msg, bad[i].msg);
        assert_int_equal(ks_changelog_next(&c, &e, &d), KS_ENOTFOUND);
    }
    /* a malformed header after good entries is an error, prose is the end */
    const char *t2 = "foo (2) unstable; urgency=low\n\n  * x\n\n -- A <a@b>  Mon, 01 Jan 2024 "
                     "00:00:00 +0000\n\nfoo (1 unstable; urgency=low\n";
    ks_changelog_init(&c, "c", t2, strlen(t2));
    assert_int_equal(ks_changelog_next(&c, &e, &d), KS_OK);
    assert_int_equal(ks_changelog_next(&c, &e, &d), KS_EPARSE);
    const char *t3 = "foo (2) unstable; urgency=low\n\n  * x\n\n -- A <a@b>  Mon, 01 Jan 2024 "
                     "00:00:00 +0000\n\nOld Changelog:\nfoo (1) whatever\n";
    ks_changelog_init(&c, "c", t3, strlen(t3));
    assert_int_equal(ks_changelog_next(&c, &e, &d), KS_OK);
    assert_int_equal(ks_changelog_next(&c, &e, &d), KS_ENOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_deb822),      cmocka_unit_test(test_deb822_errors),
            cmocka_unit_test(test_clearsigned), cmocka_unit_test(test_changelog),
            cmocka_unit_test(test_changelog_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

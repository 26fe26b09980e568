/* Package URLs against the purl-spec test suite (tests/data/formats/purl). */
#include "ks_test.h"

#include "core/arena.h"
#include "core/buf.h"
#include "core/file.h"
#include "formats/json.h"
#include "formats/purl.h"

static void check_str(const char *what, const char *desc, const struct ks_value *want,
                      const char *got)
{
    const char *w = ks_value_str(want);

    if (!w && !got)
        return;
    if (!w || !got || strcmp(w, got)) {
        fail_msg("%s: %s: want '%s', got '%s'", desc, what, w ? w : "(null)",
                 got ? got : "(null)");
    }
}

static void test_spec_suite(void **state)
{
    struct ks_arena arena = KS_ARENA_INIT(0, 0);
    struct ks_buf text = KS_BUF_INIT(0), canon = KS_BUF_INIT(0);
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_limits lim = ks_limits_default;
    struct ks_value *cases;
    size_t n;

    (void)state;
    assert_int_equal(ks_file_read("tests/data/formats/purl/test-suite.json", 1 << 20, &text, &d),
                     KS_OK);
    assert_int_equal(ks_json_parse(&arena, "suite", text.ptr, text.len, &lim, &cases, &d), KS_OK);
    n = ks_value_len(cases);
    assert_true(n >= 25);
    for (size_t i = 0; i < n; i++) {
        const struct ks_value *c = ks_value_at(cases, i);
        const char *desc = ks_value_get_str(c, "description");
        bool invalid = ks_value_bool(ks_value_get(c, "is_invalid"), false);
        const struct ks_value *quals = ks_value_get(c, "qualifiers");
        struct ks_purl p;
        ks_err err = ks_purl_parse(&arena, ks_value_get_str(c, "purl"), &p, &d);

        if (invalid) {
            if (err != KS_EPARSE)
                fail_msg("%s: accepted an invalid purl", desc);
            continue;
        }
        if (err)
            fail_msg("%s: %s", desc, d.msg);
        check_str("type", desc, ks_value_get(c, "type"), p.type);
        check_str("namespace", desc, ks_value_get(c, "namespace"), p.namespace);
        check_str("name", desc, ks_value_get(c, "name"), p.name);
        check_str("version", desc, ks_value_get(c, "version"), p.version);
        check_str("subpath", desc, ks_value_get(c, "subpath"), p.subpath);
        if (quals && quals->type == KS_VOBJECT) {
            if (quals->u.o.len != p.nqualifiers)
                fail_msg("%s: %zu qualifiers, want %zu", desc, p.nqualifiers, quals->u.o.len);
            for (size_t k = 0; k < quals->u.o.len; k++)
                check_str(quals->u.o.items[k].key, desc, quals->u.o.items[k].value,
                          ks_purl_qualifier(&p, quals->u.o.items[k].key));
        } else if (p.nqualifiers) {
            fail_msg("%s: unexpected qualifiers", desc);
        }
        if (ks_value_get_str(c, "canonical_purl")) {
            ks_buf_reset(&canon);
            assert_int_equal(ks_purl_build(&p, &canon), KS_OK);
            check_str("canonical", desc, ks_value_get(c, "canonical_purl"), ks_buf_str(&canon));
        }
    }
    ks_buf_release(&text);
    ks_buf_release(&canon);
    ks_arena_release(&arena);
}

static void test_make(void **state)
{
    struct ks_arena arena = KS_ARENA_INIT(0, 0);
    const struct ks_purl_qualifier q[] = {
            {"distro", "debian-12"}, {"arch", "amd64"}, {"upstream", NULL}, {"epoch", ""}};

    (void)state;
    assert_string_equal(ks_purl_make(&arena, "deb", "debian", "libc6", "2.36-9+deb12u4", q, 4),
                        "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12");
    assert_string_equal(ks_purl_make(&arena, "npm", "@babel", "core", NULL, NULL, 0),
                        "pkg:npm/%40babel/core");
    assert_string_equal(ks_purl_make(&arena, "rpm", "redhat", "openssl-libs", "1:3.0.7", NULL, 0),
                        "pkg:rpm/redhat/openssl-libs@1:3.0.7");
    assert_null(ks_purl_make(&arena, "npm", NULL, NULL, "1", NULL, 0));
    ks_arena_release(&arena);
}

static void test_matches(void **state)
{
    struct ks_arena arena = KS_ARENA_INIT(0, 0);
    struct ks_purl pat, p;

    (void)state;
    assert_int_equal(ks_purl_parse(&arena, "pkg:deb/debian/curl?arch=amd64", &pat, NULL), KS_OK);
    assert_int_equal(ks_purl_parse(&arena, "pkg:deb/debian/curl@7.88.1-10?arch=amd64&distro=d",
                                   &p, NULL),
                     KS_OK);
    assert_true(ks_purl_matches(&pat, &p));
    assert_false(ks_purl_matches(&p, &pat));
    assert_int_equal(ks_purl_parse(&arena, "pkg:deb/debian/curl?arch=i386", &pat, NULL), KS_OK);
    assert_false(ks_purl_matches(&pat, &p));
    assert_int_equal(ks_purl_parse(&arena, "pkg:deb/debian/curl@7.88.1-11", &pat, NULL), KS_OK);
    assert_false(ks_purl_matches(&pat, &p));
    assert_int_equal(ks_purl_parse(&arena, "pkg:deb/ubuntu/curl", &pat, NULL), KS_OK);
    assert_false(ks_purl_matches(&pat, &p));
    ks_arena_release(&arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_spec_suite),
            cmocka_unit_test(test_make),
            cmocka_unit_test(test_matches),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

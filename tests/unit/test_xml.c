/* tests/unit/test_xml.c - formats/xml.h: tree shape, safety, limits, errors. */
#include "ks_test.h"

#include "core/arena.h"
#include "core/limits.h"
#include "formats/xml.h"

static struct ks_arena arena;
static struct ks_limits lim;

static int setup(void **state)
{
    (void)state;
    ks_arena_init(&arena, 0, 0);
    ks_limits_init(&lim);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ks_arena_release(&arena);
    return 0;
}

static struct ks_xml_node *parse(const char *s, ks_err want, struct ks_diag *d)
{
    struct ks_xml_node *root = NULL;
    assert_int_equal(ks_xml_parse(&arena, "t.xml", s, strlen(s), &lim, &root, d), want);
    if (want == KS_OK)
        assert_non_null(root);
    else
        assert_null(root);
    return root;
}

static void test_xml_tree(void **state)
{
    (void)state;
    struct ks_diag d = KS_DIAG_INIT;
    const char *doc = "<?xml version=\"1.0\"?>\n"
                      "<updates>\n"
                      "  <update type=\"security\" status=\"final\">\n"
                      "    <id>ALAS-1</id>\n"
                      "    <title>a &amp; b &#233;</title>\n"
                      "    <description><![CDATA[<raw>]]> tail</description>\n"
                      "  </update>\n"
                      "  <update type=\"bugfix\"><id>ALAS-2</id></update>\n"
                      "</updates>\n";
    struct ks_xml_node *r = parse(doc, KS_OK, &d);
    assert_string_equal(r->name, "updates");
    assert_null(r->ns);
    const struct ks_xml_node *u = ks_xml_child(r, "update");
    assert_non_null(u);
    assert_int_equal(u->line, 3);
    assert_string_equal(ks_xml_attr(u, "type"), "security");
    assert_string_equal(ks_xml_attr(u, "status"), "final");
    assert_null(ks_xml_attr(u, "nope"));
    assert_string_equal(ks_xml_child_text(u, "id"), "ALAS-1");
    assert_string_equal(ks_xml_child_text(u, "title"), "a & b \xc3\xa9");
    assert_string_equal(ks_xml_child_text(u, "description"), "<raw> tail");
    assert_ptr_equal(ks_xml_child(u, "id")->parent, u);
    const struct ks_xml_node *u2 = ks_xml_next(u);
    assert_non_null(u2);
    assert_string_equal(ks_xml_child_text(u2, "id"), "ALAS-2");
    assert_null(ks_xml_next(u2));
    assert_null(ks_xml_child(NULL, "x"));
    assert_null(ks_xml_child_text(u2, "title"));
}

static void test_xml_namespaces(void **state)
{
    (void)state;
    struct ks_diag d = KS_DIAG_INIT;
    const char *doc = "<project xmlns=\"http://maven.apache.org/POM/4.0.0\" "
                      "xmlns:x=\"urn:x\"><x:groupId x:a=\"1\">g</x:groupId>"
                      "<artifactId>a</artifactId></project>";
    struct ks_xml_node *r = parse(doc, KS_OK, &d);
    assert_string_equal(r->name, "project");
    assert_string_equal(r->ns, "http://maven.apache.org/POM/4.0.0");
    const struct ks_xml_node *g = ks_xml_child(r, "groupId");
    assert_non_null(g);
    assert_string_equal(g->ns, "urn:x");
    assert_string_equal(ks_xml_attr(g, "a"), "1");
    assert_string_equal(ks_xml_child_text(r, "artifactId"), "a");
}

static void test_xml_no_xxe(void **state)
{
    (void)state;
    struct ks_diag d = KS_DIAG_INIT;
    /* An external entity must never be read, nor a remote DTD fetched. */
    const char *doc = "<?xml version=\"1.0\"?>\n"
                      "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
                      "<r a=\"v\">[&x;]</r>\n";
    struct ks_xml_node *r = parse(doc, KS_OK, &d);
    assert_string_equal(r->text, "[]");
    const char *dtd = "<?xml version=\"1.0\"?>\n"
                      "<!DOCTYPE r SYSTEM \"http://127.0.0.1:1/x.dtd\">\n<r>ok</r>\n";
    r = parse(dtd, KS_OK, &d);
    assert_string_equal(r->text, "ok");
}

static void test_xml_billion_laughs(void **state)
{
    (void)state;
    struct ks_diag d = KS_DIAG_INIT;
    const char *doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE l [\n"
                      "<!ENTITY a \"aaaaaaaaaa\">\n"
                      "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
                      "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
                      "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
                      "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
                      "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
                      "<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
                      "]>\n<l>&g;</l>\n";
    struct ks_xml_node *r = NULL;
    ks_err err = ks_xml_parse(&arena, "t.xml", doc, strlen(doc), &lim, &r, &d);
    /* Either refused or parsed without substitution; never expanded. */
    if (err == KS_OK)
        assert_true(r->text_len < 1000);
    else
        assert_int_equal(err, KS_EPARSE);
}

static void test_xml_errors(void **state)
{
    (void)state;
    struct ks_diag d = KS_DIAG_INIT;
    parse("<a>\n<b>\n</a>", KS_EPARSE, &d);
    assert_non_null(strstr(d.msg, "'t.xml' line 3"));
    parse("", KS_EPARSE, &d);
    parse("<a></a><b/>", KS_EPARSE, &d);
    parse("<a x='1' x='2'/>", KS_EPARSE, &d);
    parse("\xff\xfe<a/>", KS_EPARSE, &d);

    lim.max_file_size = 8;
    parse("<abc>0123456789</abc>", KS_ELIMIT, &d);
    ks_limits_init(&lim);

    lim.max_json_depth = 3;
    parse("<a><b><c/></b></a>", KS_OK, &d);
    parse("<a><b><c><d/></c></b></a>", KS_ELIMIT, &d);
    assert_non_null(strstr(d.msg, "nested deeper"));
    ks_limits_init(&lim);

    lim.max_entries = 3;
    parse("<a><b/><c/><d/></a>", KS_ELIMIT, &d);
    ks_limits_init(&lim);

    /* libxml2's own nesting cap holds whatever our limit says. */
    char deep[20000];
    size_t at = 0;
    for (int i = 0; i < 2000; i++)
        at += (size_t)snprintf(deep + at, sizeof(deep) - at, "<a>");
    deep[at] = '\0';
    parse(deep, KS_EPARSE, &d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_xml_tree, setup, teardown),
            cmocka_unit_test_setup_teardown(test_xml_namespaces, setup, teardown),
            cmocka_unit_test_setup_teardown(test_xml_no_xxe, setup, teardown),
            cmocka_unit_test_setup_teardown(test_xml_billion_laughs, setup, teardown),
            cmocka_unit_test_setup_teardown(test_xml_errors, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

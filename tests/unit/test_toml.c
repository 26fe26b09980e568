#include "ks_test.h"

#include "core/arena.h"
#include "core/buf.h"
#include "core/file.h"
#include "core/limits.h"
#include "formats/toml.h"

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

static struct ks_value *parse(const char *s, ks_err want, struct ks_diag *d)
{
    struct ks_value *v = NULL;

    ks_diag_clear(d);
    assert_int_equal(ks_toml_parse(&arena, "t.toml", s, strlen(s), &lim, &v, d), want);
    return v;
}

static void test_toml_scalars(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;
    const struct ks_value *v, *a;

    (void)state;
    v = parse("s = \"a\\tb\\u00e9\\U0001F600\\\"\"\n"
              "l = 'C:\\x'\n"
              "m = \"\"\"\nx \\\n   y\"\"\"\"\n"
              "ml = '''\nraw\\n'''\n"
              "i = [1_000, -17, 0xff, 0o17, 0b101, +3]\n"
              "f = [1.5, -2e3, 6.02e+23, inf]\n"
              "b = [true, false]\n"
              "d = 1979-05-27T07:32:00Z\n"
              "d2 = 1979-05-27 07:32:00\n"
              "big = 9223372036854775807\n",
              KS_OK, &d);
    assert_string_equal(ks_value_get_str(v, "s"), "a\tb\xc3\xa9\xf0\x9f\x98\x80\"");
    assert_string_equal(ks_value_get_str(v, "l"), "C:\\x");
    assert_string_equal(ks_value_get_str(v, "m"), "x y\"");
    assert_string_equal(ks_value_get_str(v, "ml"), "raw\\n");
    a = ks_value_get(v, "i");
    assert_int_equal(ks_value_len(a), 6);
    assert_int_equal(ks_value_at(a, 0)->u.i, 1000);
    assert_int_equal(ks_value_at(a, 1)->u.i, -17);
    assert_int_equal(ks_value_at(a, 2)->u.i, 255);
    assert_int_equal(ks_value_at(a, 3)->u.i, 15);
    assert_int_equal(ks_value_at(a, 4)->u.i, 5);
    assert_int_equal(ks_value_at(a, 5)->u.i, 3);
    a = ks_value_get(v, "f");
    assert_true(ks_value_at(a, 0)->type == KS_VREAL && ks_value_at(a, 0)->u.d == 1.5);
    assert_true(ks_value_at(a, 1)->u.d == -2000.0);
    assert_true(ks_value_bool(ks_value_at(ks_value_get(v, "b"), 0), false));
    assert_string_equal(ks_value_get_str(v, "d"), "1979-05-27T07:32:00Z");
    assert_string_equal(ks_value_get_str(v, "d2"), "1979-05-27 07:32:00");
    assert_true(ks_value_get(v, "big")->u.i == INT64_MAX);
    assert_int_equal(ks_value_get(v, "big")->line, 13);
}

static void test_toml_tables(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;
    const struct ks_value *v, *p;

    (void)state;
    v = parse("# comment\n"
              "a.b.c = 1 # trailing\n"
              "a.b.d = 2\n"
              "[x.y]\n"
              "z = { k = 'v', n.m = [1, [2, 3]], }\n"
              "[x]\n"
              "w = 1\n"
              "[[p]]\n"
              "name = \"one\"\n"
              "[[p.sub]]\n"
              "q = 1\n"
              "[[p]]\n"
              "name = \"two\"\n"
              "[\"quoted . key\".'lit']\n"
              "e = []\n",
              KS_OK, &d);
    assert_int_equal(ks_value_path(v, "a.b.c")->u.i, 1);
    assert_int_equal(ks_value_path(v, "a.b.d")->u.i, 2);
    assert_string_equal(ks_value_str(ks_value_path(v, "x.y.z.k")), "v");
    assert_int_equal(ks_value_len(ks_value_path(v, "x.y.z.n.m")), 2);
    assert_int_equal(ks_value_path(v, "x.w")->u.i, 1);
    p = ks_value_get(v, "p");
    assert_int_equal(ks_value_len(p), 2);
    assert_string_equal(ks_value_get_str(ks_value_at(p, 1), "name"), "two");
    assert_int_equal(ks_value_len(ks_value_get(ks_value_at(p, 0), "sub")), 1);
    assert_non_null(ks_value_get(ks_value_get(v, "quoted . key"), "lit"));
    /* Key order is definition order. */
    assert_string_equal(v->u.o.items[0].key, "a");
    assert_string_equal(v->u.o.items[1].key, "x");
}

static void test_toml_errors(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;
    char *deep;

    (void)state;
    parse("a = 1\na = 2\n", KS_EPARSE, &d);
    assert_string_equal(d.msg, "'t.toml' line 2 column 6: duplicate key 'a'");
    parse("[a]\n[a]\n", KS_EPARSE, &d);
    assert_non_null(strstr(d.msg, "table 'a' defined twice"));
    parse("x = {a = 1}\nx.b = 2\n", KS_EPARSE, &d);
    assert_non_null(strstr(d.msg, "cannot add keys to 'x'"));
    parse("x = [1]\n[[x]]\n", KS_EPARSE, &d);
    parse("s = \"abc\n", KS_EPARSE, &d);
    assert_non_null(strstr(d.msg, "line 1"));
    parse("a = 01\n", KS_EPARSE, &d);
    parse("a = 1__0\n", KS_EPARSE, &d);
    parse("a = 99999999999999999999\n", KS_EPARSE, &d);
    assert_non_null(strstr(d.msg, "out of range"));
    parse("a = \"\\q\"\n", KS_EPARSE, &d);
    parse("a = \"\\u0000\"\n", KS_EPARSE, &d);
    parse("a = \"\\uD800\"\n", KS_EPARSE, &d);
    parse("a = 1 b = 2\n", KS_EPARSE, &d);
    parse("a =\n", KS_EPARSE, &d);
    parse("= 1\n", KS_EPARSE, &d);
    parse("a = [1 2]\n", KS_EPARSE, &d);
    parse("[a\n", KS_EPARSE, &d);
    parse("a = \"\xff\"\n", KS_EPARSE, &d);
    assert_non_null(strstr(d.msg, "not valid UTF-8"));
    parse("a = \"x\x01\"\n", KS_EPARSE, &d);
    parse("a = 1.\n", KS_EPARSE, &d);
    parse("a = tru\n", KS_EPARSE, &d);

    lim.max_json_depth = 8;
    deep = calloc(1, 64);
    memcpy(deep, "a = ", 4);
    memset(deep + 4, '[', 20);
    memset(deep + 24, ']', 20);
    parse(deep, KS_ELIMIT, &d);
    free(deep);
    lim.max_file_size = 4;
    parse("a = 1\n", KS_ELIMIT, &d);
    ks_limits_init(&lim);
}

/* A real Cargo.lock (this repository's fixture) parses with every package. */
static void test_toml_cargo_lock(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_value *v = NULL;
    char path[4096];
    struct ks_buf buf = KS_BUF_INIT(0);

    (void)state;
    snprintf(path, sizeof(path), "%s/tests/data/pkg/rust/Cargo.lock", ks_test_srcdir());
    assert_int_equal(ks_file_read(path, 1u << 24, &buf, &d), KS_OK);
    assert_int_equal(ks_toml_parse(&arena, "Cargo.lock", buf.ptr, buf.len, &lim, &v, &d), KS_OK);
    assert_true(ks_value_len(ks_value_get(v, "package")) > 3);
    assert_non_null(ks_value_get_str(ks_value_at(ks_value_get(v, "package"), 0), "version"));
    ks_buf_release(&buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_toml_scalars, setup, teardown),
        cmocka_unit_test_setup_teardown(test_toml_tables, setup, teardown),
        cmocka_unit_test_setup_teardown(test_toml_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_toml_cargo_lock, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

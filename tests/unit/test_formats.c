#include "ks_test.h"

#include "core/arena.h"
#include "core/buf.h"
#include "core/limits.h"
#include "formats/json.h"
#include "formats/yaml.h"

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

static struct ks_value *parse_json(const char *s, ks_err want, struct ks_diag *d)
{
    struct ks_value *v = NULL;

    assert_int_equal(ks_json_parse(&arena, "t.json", s, strlen(s), &lim, &v, d), want);
    return v;
}

static void test_json_types(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_value *v;
    int64_t i;

    (void)state;
    v = parse_json("{\"id\":\"GHSA-x\",\"n\":9223372036854775807,\"r\":1.5,\"b\":true,"
                   "\"z\":null,\"a\":[1,\"two\",{\"k\":\"v\"}],\"p\":{\"e\":\"PyPI\"}}",
                   KS_OK, &d);
    assert_int_equal(v->type, KS_VOBJECT);
    assert_string_equal(ks_value_get_str(v, "id"), "GHSA-x");
    assert_true(ks_value_int(ks_value_get(v, "n"), &i));
    assert_true(i == INT64_MAX);
    assert_true(ks_value_get(v, "r")->u.d == 1.5);
    assert_true(ks_value_bool(ks_value_get(v, "b"), false));
    assert_true(ks_value_is(ks_value_get(v, "z"), KS_VNULL));
    assert_int_equal(ks_value_len(ks_value_get(v, "a")), 3);
    assert_string_equal(ks_value_str(ks_value_at(ks_value_get(v, "a"), 1)), "two");
    assert_null(ks_value_at(ks_value_get(v, "a"), 3));
    assert_string_equal(ks_value_str(ks_value_path(v, "p.e")), "PyPI");
    assert_null(ks_value_path(v, "p.nope"));
    assert_null(ks_value_get_str(v, "n"));
    /* Object key order is kept. */
    assert_string_equal(v->u.o.items[0].key, "id");
    assert_string_equal(v->u.o.items[6].key, "p");
}

static void test_json_errors(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;
    char *deep;

    (void)state;
    parse_json("{\n  \"a\": 1,\n}", KS_EPARSE, &d);
    assert_non_null(strstr(d.msg, "'t.json' line 3 column"));
    parse_json("[\"\xff\"]", KS_EPARSE, &d);
    parse_json("[1] x", KS_EPARSE, &d);
    parse_json("\"a\\u0000b\"", KS_EPARSE, &d);
    parse_json("", KS_EPARSE, &d);

    /* Depth limit: ours, below jansson's own. */
    lim.max_json_depth = 10;
    deep = calloc(1, 64);
    memset(deep, '[', 20);
    memset(deep + 20, ']', 20);
    parse_json(deep, KS_ELIMIT, &d);
    assert_non_null(strstr(d.msg, "nesting deeper than 10"));
    free(deep);
    /* jansson's own depth ceiling is reported as a limit, not a crash. */
    lim.max_json_depth = 100000;
    deep = calloc(1, 20001);
    memset(deep, '[', 10000);
    memset(deep + 10000, ']', 10000);
    parse_json(deep, KS_ELIMIT, &d);
    free(deep);
    ks_limits_init(&lim);

    lim.max_file_size = 4;
    parse_json("[1,2,3]", KS_ELIMIT, &d);
    assert_non_null(strstr(d.msg, "larger than the limit"));
    ks_limits_init(&lim);
}

struct each_ctx {
    int n;
    int64_t sum;
};

static ks_err each_cb(const struct ks_value *v, size_t index, void *ctx)
{
    struct each_ctx *c = ctx;
    int64_t x;

    assert_int_equal((size_t)c->n, index);
    assert_true(ks_value_int(ks_value_get(v, "x"), &x));
    c->sum += x;
    c->n++;
    return KS_OK;
}

static void test_json_each(void **state)
{
    static const char arr[] = " [ {\"x\":1} ,\n{\"x\":2},{\"x\":39} ] ";
    static const char bad[] = "[{\"x\":1},\n{\"x\":2}\n{\"x\":3}]";
    struct ks_diag d = KS_DIAG_INIT;
    struct each_ctx c = {0, 0};

    (void)state;
    assert_int_equal(ks_json_each(&arena, "a.json", arr, sizeof(arr) - 1, &lim, each_cb, &c, &d),
                     KS_OK);
    assert_int_equal(c.n, 3);
    assert_int_equal(c.sum, 42);
    c.n = 0;
    assert_int_equal(ks_json_each(&arena, "b.json", bad, sizeof(bad) - 1, &lim, each_cb, &c, &d),
                     KS_EPARSE);
    assert_string_equal(d.msg, "'b.json' line 3: expected ',' or ']' after element 1");
    c.n = 0;
    assert_int_equal(ks_json_each(&arena, "e.json", "[]", 2, &lim, each_cb, &c, &d), KS_OK);
    assert_int_equal(c.n, 0);
}

struct mem_reader {
    const char *p;
    size_t left;
};

static size_t mem_read(void *buf, size_t size, void *ctx)
{
    struct mem_reader *r = ctx;
    size_t n = KS_MIN(size, KS_MIN(r->left, 3)); /* tiny reads on purpose */

    memcpy(buf, r->p, n);
    r->p += n;
    r->left -= n;
    return n;
}

static void test_json_stream(void **state)
{
    static const char doc[] = "{\"name\":\"lodash\",\"version\":\"4.17.20\"}";
    struct mem_reader r = {doc, sizeof(doc) - 1};
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_value *v;

    (void)state;
    assert_int_equal(ks_json_parse_stream(&arena, "s", mem_read, &r, &lim, &v, &d), KS_OK);
    assert_string_equal(ks_value_get_str(v, "version"), "4.17.20");
    r.p = doc;
    r.left = sizeof(doc) - 1;
    lim.max_file_size = 10;
    assert_int_equal(ks_json_parse_stream(&arena, "s", mem_read, &r, &lim, &v, &d), KS_ELIMIT);
    ks_limits_init(&lim);
}

static void test_json_writer(void **state)
{
    struct ks_buf b = KS_BUF_INIT(0);
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_value *v;
    struct ks_jw w;

    (void)state;
    ks_jw_init(&w, &b, 0);
    ks_jw_obj_begin(&w);
    ks_jw_kstr(&w, "s", "a\"b\\c\n\x01\xc3\xa9\xff");
    ks_jw_kint(&w, "i", -3);
    ks_jw_key(&w, "r");
    ks_jw_real(&w, 0.1);
    ks_jw_kbool(&w, "t", true);
    ks_jw_kstr_opt(&w, "absent", NULL);
    ks_jw_key(&w, "a");
    ks_jw_arr_begin(&w);
    ks_jw_arr_end(&w);
    ks_jw_key(&w, "o");
    ks_jw_obj_begin(&w);
    ks_jw_key(&w, "n");
    ks_jw_null(&w);
    ks_jw_obj_end(&w);
    ks_jw_obj_end(&w);
    assert_int_equal(ks_jw_finish(&w), KS_OK);
    assert_string_equal(ks_buf_str(&b), "{\"s\":\"a\\\"b\\\\c\\n\\u0001\xc3\xa9\xef\xbf\xbd\","
                                        "\"i\":-3,\"r\":0.1,\"t\":true,\"a\":[],\"o\":{\"n\":null}}");
    /* Round trip through the parser, then pretty-printed. */
    v = parse_json(ks_buf_str(&b), KS_OK, &d);
    ks_buf_reset(&b);
    ks_jw_init(&w, &b, 2);
    ks_jw_value(&w, v);
    assert_int_equal(ks_jw_finish(&w), KS_OK);
    assert_string_equal(ks_buf_str(&b), "{\n  \"s\": \"a\\\"b\\\\c\\n\\u0001\xc3\xa9\xef\xbf\xbd\",\n"
                                        "  \"i\": -3,\n  \"r\": 0.1,\n  \"t\": true,\n  \"a\": [],\n"
                                        "  \"o\": {\n    \"n\": null\n  }\n}\n");
    /* A value serialised earlier goes in as is, with separators around it. */
    ks_buf_reset(&b);
    ks_jw_init(&w, &b, 0);
    ks_jw_arr_begin(&w);
    ks_jw_raw(&w, "{\"x\":[1,2]}", 11);
    ks_jw_raw(&w, "3", 1);
    ks_jw_obj_begin(&w);
    ks_jw_key(&w, "k");
    ks_jw_raw(&w, "null", 4);
    ks_jw_obj_end(&w);
    ks_jw_arr_end(&w);
    assert_int_equal(ks_jw_finish(&w), KS_OK);
    assert_string_equal(ks_buf_str(&b), "[{\"x\":[1,2]},3,{\"k\":null}]");
    /* Unbalanced use is reported. */
    ks_buf_reset(&b);
    ks_jw_init(&w, &b, 0);
    ks_jw_arr_begin(&w);
    assert_int_equal(ks_jw_finish(&w), KS_EINVAL);
    ks_buf_release(&b);
}

static void test_yaml(void **state)
{
    static const char doc[] = "id: PYSEC-2021-1\n"
                              "modified: 2021-01-01T00:00:00Z\n"
                              "affected:\n"
                              "- package: {name: Django, ecosystem: PyPI}\n"
                              "  versions:\n"
                              "  - 1.10\n"
                              "  - '2.0'\n"
                              "  - 3\n"
                              "flags: [true, False, ~, null, '']\n";
    struct ks_diag d = KS_DIAG_INIT;
    const struct ks_value *aff, *vers, *flags;
    struct ks_value *v;

    (void)state;
    assert_int_equal(ks_yaml_parse(&arena, "a.yaml", doc, sizeof(doc) - 1, &lim, &v, &d), KS_OK);
    assert_string_equal(ks_value_get_str(v, "id"), "PYSEC-2021-1");
    aff = ks_value_at(ks_value_get(v, "affected"), 0);
    assert_string_equal(ks_value_str(ks_value_path(aff, "package.name")), "Django");
    vers = ks_value_get(aff, "versions");
    /* 1.10 stays the text "1.10": versions never go through a float. */
    assert_string_equal(ks_value_str(ks_value_at(vers, 0)), "1.10");
    assert_true(ks_value_at(vers, 0)->plain);
    assert_false(ks_value_at(vers, 1)->plain);
    assert_int_equal(ks_value_at(vers, 2)->line, 8);
    flags = ks_value_get(v, "flags");
    assert_true(ks_value_bool(ks_value_at(flags, 0), false));
    assert_false(ks_value_bool(ks_value_at(flags, 1), true));
    assert_true(ks_value_is(ks_value_at(flags, 2), KS_VNULL));
    assert_true(ks_value_is(ks_value_at(flags, 3), KS_VNULL));
    assert_string_equal(ks_value_str(ks_value_at(flags, 4)), "");
}

static void test_yaml_errors(void **state)
{
    static const char alias[] = "a: &x [1, 2]\nb: *x\n";
    static const char bad[] = "a: [1, 2\nb: 3\n";
    static const char two[] = "a: 1\n---\nb: 2\n";
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_value *v;
    char deep[64];

    (void)state;
    assert_int_equal(ks_yaml_parse(&arena, "a.yaml", alias, sizeof(alias) - 1, &lim, &v, &d),
                     KS_EUNSUPPORTED);
    assert_string_equal(d.msg, "'a.yaml' line 2: YAML aliases are not supported");
    assert_int_equal(ks_yaml_parse(&arena, "b.yaml", bad, sizeof(bad) - 1, &lim, &v, &d),
                     KS_EPARSE);
    assert_non_null(strstr(d.msg, "'b.yaml' line "));
    assert_int_equal(ks_yaml_parse(&arena, "c.yaml", two, sizeof(two) - 1, &lim, &v, &d),
                     KS_EPARSE);
    lim.max_json_depth = 5;
    memset(deep, '[', 30);
    memset(deep + 30, ']', 30);
    deep[60] = 0;
    assert_int_equal(ks_yaml_parse(&arena, "d.yaml", deep, 60, &lim, &v, &d), KS_ELIMIT);
    ks_limits_init(&lim);
    assert_int_equal(ks_yaml_parse(&arena, "e.yaml", "", 0, &lim, &v, &d), KS_OK);
    assert_true(ks_value_is(v, KS_VNULL));
}

/* Strings are copied as they are exactly when no byte needs an escape,
 * wherever the byte sits (the writer checks eight bytes at a time). */
static void test_json_quote_bytes(void **state)
{
    struct ks_buf out = KS_BUF_INIT(0);
    char in[24], want[32];

    (void)state;
    for (int b = 1; b < 256; b++) {
        bool plain = b >= 0x20 && b < 0x80 && b != '"' && b != '\\';

        for (size_t len = 1; len <= sizeof(in) - 1; len++) {
            for (size_t at = 0; at < len; at++) {
                memset(in, 'a', len);
                in[len] = '\0';
                in[at] = (char)b;
                ks_buf_reset(&out);
                assert_int_equal(ks_json_quote(&out, in, len), KS_OK);
                snprintf(want, sizeof(want), "\"%s\"", in);
                if (plain != !strcmp(out.ptr, want))
                    fail_msg("byte 0x%02x at %zu of %zu: %s", b, at, len, out.ptr);
                for (size_t i = 0; i < out.len; i++)
                    assert_true((unsigned char)out.ptr[i] >= 0x20);
            }
        }
    }
    ks_buf_release(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_json_types),  cmocka_unit_test(test_json_errors),
            cmocka_unit_test(test_json_each),   cmocka_unit_test(test_json_stream),
            cmocka_unit_test(test_json_writer), cmocka_unit_test(test_json_quote_bytes),
            cmocka_unit_test(test_yaml),        cmocka_unit_test(test_yaml_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

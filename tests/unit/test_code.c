/* tests/unit/test_code.c - the code scanner: secrets, taint, notes, output. */
#include "ks_test.h"

#include "code/code.h"
#include "core/buf.h"
#include "core/str.h"

static size_t scan(struct ks_code_result *r, enum ks_code_lang lang, const char *file,
                   const char *src)
{
    struct ks_diag d = KS_DIAG_INIT;
    ks_code_result_init(r);
    assert_int_equal(ks_code_scan_text(r, lang, file, src, strlen(src), &ks_limits_default, &d),
                     KS_OK);
    ks_code_result_sort(r);
    return r->findings.len;
}

static bool has(const struct ks_code_result *r, const char *id, uint32_t line)
{
    for (size_t i = 0; i < r->findings.len; i++)
        if (!strcmp(r->findings.items[i].det->id, id) && r->findings.items[i].start_line == line)
            return true;
    return false;
}

static void test_secret_formats(void **state)
{
    (void)state;
    const char *gh_ok = "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";
    const char *gh_bad = "ghp_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA0uCPls";
    assert_string_equal(ks_code_secret_kind(gh_ok, strlen(gh_ok), NULL), "GitHub token");
    assert_null(ks_code_secret_kind(gh_bad, strlen(gh_bad), NULL)); /* checksum */
    assert_string_equal(ks_code_secret_kind("AKIAQ3EGRRTUVWXYZ234", 20, NULL), "AWS access key id");
    assert_null(ks_code_secret_kind("AKIAq3EGRRTUVWXYZ234", 20, NULL));
    assert_string_equal(ks_code_secret_kind("glpat-abcdefghij0123456789", 26, NULL), "GitLab token");
    const char *pk = "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----";
    assert_string_equal(ks_code_secret_kind(pk, strlen(pk), NULL), "private key");
    const char *jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.abcdefghijklmnopqrstuvwxyz012345";
    assert_string_equal(ks_code_secret_kind(jwt, strlen(jwt), NULL), "JSON web token");
    const char *cs = "mysql://root:pa55w0rd!@db:3306/x";
    assert_non_null(ks_code_secret_kind(cs, strlen(cs), NULL));
    const char *cs2 = "mysql://root:${DB_PASS}@db:3306/x";
    assert_null(ks_code_secret_kind(cs2, strlen(cs2), NULL));
    assert_non_null(ks_code_secret_kind("q8Zr!2xLp0#vN", 13, "api_secret"));
    assert_null(ks_code_secret_kind("q8Zr!2xLp0#vN", 13, "label"));
    assert_null(ks_code_secret_kind("changeme-please", 15, "password"));
    char red[32];
    ks_code_redact("sk_live_4eC39HqLyjWDarjtT1zdp7dc", 32, red, sizeof(red));
    assert_string_equal(red, "sk_l****");
}

static void test_secret_never_printed(void **state)
{
    (void)state;
    struct ks_code_result r;
    struct ks_buf out = KS_BUF_INIT(0);
    scan(&r, KS_LANG_PYTHON, "s.py", "KEY = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'\n");
    assert_true(has(&r, "python/hardcoded-credentials", 1));
    assert_int_equal(ks_code_write_json(&r, &out), KS_OK);
    assert_null(strstr(out.ptr, "4eC39Hq"));
    ks_buf_reset(&out);
    assert_int_equal(ks_code_write_sarif(&r, &out), KS_OK);
    assert_null(strstr(out.ptr, "4eC39Hq"));
    ks_buf_release(&out);
    ks_code_result_release(&r);
}

static void test_taint_python(void **state)
{
    (void)state;
    struct ks_code_result r;
    const char *src = "import os\n"
                      "def helper(x):\n"
                      "    y = 'echo ' + x\n"
                      "    return y\n"
                      "def handler(event, context):\n"
                      "    a = event['q']\n"
                      "    b = helper(a)\n"
                      "    os.system(f'{b}')\n"
                      "    os.system('ls')\n";
    assert_int_equal(scan(&r, KS_LANG_PYTHON, "t.py", src), 1);
    assert_true(has(&r, "python/os-command-injection", 8));
    /* the path runs from the source to the sink through the helper */
    const struct ks_code_finding *f = &r.findings.items[0];
    assert_true(f->path_len >= 4);
    assert_int_equal(f->path[0].line, 5);
    assert_int_equal(f->path[f->path_len - 1].line, 8);
    ks_code_result_release(&r);
}

static void test_taint_helper_sink(void **state)
{
    (void)state;
    struct ks_code_result r;
    const char *src = "import subprocess\n"
                      "def run(cmd):\n"
                      "    subprocess.call(cmd, shell=True)\n"
                      "def handler(event, context):\n"
                      "    run(event['c'])\n"
                      "    run('ls')\n";
    assert_int_equal(scan(&r, KS_LANG_PYTHON, "t.py", src), 1);
    assert_true(has(&r, "python/os-command-injection", 3));
    ks_code_result_release(&r);
}

static void test_no_source_no_finding(void **state)
{
    (void)state;
    struct ks_code_result r;
    const char *src = "import os\ndef f(x):\n    os.system('a' + x)\n";
    assert_int_equal(scan(&r, KS_LANG_PYTHON, "t.py", src), 0);
    ks_code_result_release(&r);
}

static void test_js_and_java(void **state)
{
    (void)state;
    struct ks_code_result r;
    scan(&r, KS_LANG_JAVASCRIPT, "a.js",
         "const cp = require('child_process');\n"
         "exports.handler = async (event) => {\n"
         "  const x = `ls ${event.dir}`;\n"
         "  cp.exec(x);\n"
         "};\n");
    assert_true(has(&r, "javascript/os-command-injection", 4));
    ks_code_result_release(&r);
    scan(&r, KS_LANG_TYPESCRIPT, "a.ts",
         "import { exec } from 'child_process';\n"
         "export function handler(event: any, context: any): void {\n"
         "  exec('ls ' + event.dir);\n"
         "}\n");
    assert_true(has(&r, "javascript/os-command-injection", 3));
    ks_code_result_release(&r);
    scan(&r, KS_LANG_JAVA, "A.java",
         "class A { void f() throws Exception {\n"
         "  java.security.MessageDigest.getInstance(\"SHA1\");\n"
         "  MessageDigest.getInstance(\"SHA-512\");\n"
         "}}\n");
    assert_true(has(&r, "java/insecure-hashing", 2));
    assert_false(has(&r, "java/insecure-hashing", 3));
    ks_code_result_release(&r);
}

static void test_broken_code_is_a_note(void **state)
{
    (void)state;
    struct ks_code_result r;
    scan(&r, KS_LANG_PYTHON, "b.py", "def f(:\n  import hashlib\nhashlib.md5(b'x')\n");
    assert_int_equal(r.notes.len, 1);
    assert_non_null(strstr(r.notes.items[0].msg, "syntax error at line 1"));
    ks_code_result_release(&r);
    /* deep nesting is cut, not a crash */
    struct ks_buf deep = KS_BUF_INIT(0);
    ks_buf_adds(&deep, "x = ");
    for (int i = 0; i < 3000; i++)
        ks_buf_addc(&deep, '(');
    ks_buf_adds(&deep, "1");
    for (int i = 0; i < 3000; i++)
        ks_buf_addc(&deep, ')');
    ks_buf_addc(&deep, '\n');
    scan(&r, KS_LANG_PYTHON, "d.py", deep.ptr);
    assert_true(r.notes.len >= 1);
    ks_code_result_release(&r);
    ks_buf_release(&deep);
}

static void test_lang_and_catalogue(void **state)
{
    (void)state;
    assert_int_equal(ks_code_lang_of("a/b.py"), KS_LANG_PYTHON);
    assert_int_equal(ks_code_lang_of("x.d.ts"), KS_LANG_AUTO);
    assert_int_equal(ks_code_lang_of("x.mjs"), KS_LANG_JAVASCRIPT);
    assert_int_equal(ks_code_lang_of("X.java"), KS_LANG_JAVA);
    assert_int_equal(ks_code_lang_of("py"), KS_LANG_AUTO);
    assert_true(ks_code_detector_count >= 40);
    for (size_t i = 0; i < ks_code_detector_count; i++) {
        const struct ks_code_detector *d = &ks_code_detectors[i];
        assert_true(ks_starts_with(d->cwes, "CWE-"));
        assert_true(d->name[0] && d->description[0] && d->remediation[0] && d->tags[0]);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(d->id, ks_code_detectors[j].id);
    }
}

static void test_scan_dir_threads(void **state)
{
    (void)state;
    char dir[4096];
    struct ks_code_result a, b;
    struct ks_diag d = KS_DIAG_INIT;
    snprintf(dir, sizeof(dir), "%s/tests/data/code", ks_test_srcdir());
    ks_code_result_init(&a);
    ks_code_result_init(&b);
    assert_int_equal(ks_code_scan_dir(&a, dir, KS_LANG_AUTO, 1, &ks_limits_default, &d), KS_OK);
    assert_int_equal(ks_code_scan_dir(&b, dir, KS_LANG_AUTO, 2, &ks_limits_default, &d), KS_OK);
    assert_true(a.findings.len > 100);
    assert_int_equal(a.findings.len, b.findings.len);
    for (size_t i = 0; i < a.findings.len; i++) {
        assert_string_equal(a.findings.items[i].file, b.findings.items[i].file);
        assert_int_equal(a.findings.items[i].start_line, b.findings.items[i].start_line);
    }
    ks_code_result_release(&a);
    ks_code_result_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_secret_formats),
        cmocka_unit_test(test_secret_never_printed),
        cmocka_unit_test(test_taint_python),
        cmocka_unit_test(test_taint_helper_sink),
        cmocka_unit_test(test_no_source_no_finding),
        cmocka_unit_test(test_js_and_java),
        cmocka_unit_test(test_broken_code_is_a_note),
        cmocka_unit_test(test_lang_and_catalogue),
        cmocka_unit_test(test_scan_dir_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* tests/unit/test_registry.c - the network-free half of registry pulls:
 * references, challenges, manifests, Docker config credentials, the blob
 * cache. (Pulls over the network: tests/registry/registry.sh.) */
#include "ks_test.h"

#include "core/buf.h"
#include "core/file.h"
#include "core/hash.h"
#include "ingest/image.h"
#include "ingest/registry.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

static struct ks_limits lim;

static void test_ref(void **state)
{
    static const struct {
        const char *in, *host, *repo, *tag, *digest;
    } good[] = {
            {"debian", "registry-1.docker.io", "library/debian", "latest", ""},
            {"debian:12", "registry-1.docker.io", "library/debian", "12", ""},
            {"user/app:v1.2-rc_3", "registry-1.docker.io", "user/app", "v1.2-rc_3", ""},
            {"127.0.0.1:5000/library/debian:12", "127.0.0.1:5000", "library/debian", "12", ""},
            {"localhost/a/b/c", "localhost", "a/b/c", "latest", ""},
            {"h.io/a--b__c.d-e", "h.io", "a--b__c.d-e", "latest", ""},
            {"ghcr.io/o/r@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
             "ghcr.io", "o/r", "", "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
            {"h.example:443/x__y.z-w:t@sha256:"
             "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
             "h.example:443", "x__y.z-w", "t",
             "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
    };
    static const char *const bad[] = {
            "", "UPPER/case", "host:5000/", "repo:", "repo:-x", "repo@sha256:abc",
            "a//b", "a/-b", "a..b", "a___b", "a_-b", "a-", "a/b/", "a/../b", "repo:tag:more", "/abs", "h.io/re po", "x@sha256:" "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
    };
    struct ks_reg_ref r;
    struct ks_diag d = KS_DIAG_INIT;

    KS_UNUSED(state);
    for (size_t i = 0; i < KS_ARRAY_LEN(good); i++) {
        assert_int_equal(ks_reg_ref_parse(good[i].in, &r, &d), KS_OK);
        assert_string_equal(r.host, good[i].host);
        assert_string_equal(r.repo, good[i].repo);
        assert_string_equal(r.tag, good[i].tag);
        assert_string_equal(r.digest, good[i].digest);
    }
    for (size_t i = 0; i < KS_ARRAY_LEN(bad); i++) {
        ks_err e = ks_reg_ref_parse(bad[i], &r, &d);
        if (e == KS_OK)
            fail_msg("accepted '%s'", bad[i]);
        assert_non_null(strstr(d.msg, "'"));
    }
    assert_int_equal(ks_reg_ref_parse("a@sha512:00", &r, &d), KS_EUNSUPPORTED);
    assert_true(ks_reg_host_is_local("127.0.0.1:5000"));
    assert_true(ks_reg_host_is_local("localhost"));
    assert_false(ks_reg_host_is_local("127.0.0.10:5000"));
    assert_false(ks_reg_host_is_local("localhost.example.com"));
}

static void test_challenge(void **state)
{
    struct ks_reg_challenge c;
    struct ks_diag d = KS_DIAG_INIT;
    char v[64];

    KS_UNUSED(state);
    assert_int_equal(ks_reg_challenge_parse("Bearer realm=\"https://auth.docker.io/token\","
                                            "service=\"registry.docker.io\",scope=\"repository:"
                                            "library/debian:pull\"",
                                            &c, &d),
                     KS_OK);
    assert_int_equal(c.scheme, KS_REG_AUTH_BEARER);
    assert_string_equal(c.realm, "https://auth.docker.io/token");
    assert_string_equal(c.service, "registry.docker.io");
    assert_string_equal(c.scope, "repository:library/debian:pull");
    assert_int_equal(ks_reg_challenge_parse("Basic realm=\"x \\\"y\\\"\"", &c, &d), KS_OK);
    assert_int_equal(c.scheme, KS_REG_AUTH_BASIC);
    assert_string_equal(c.realm, "x \"y\"");
    assert_int_equal(ks_reg_challenge_parse("bearer realm=r, service=s", &c, &d), KS_OK);
    assert_string_equal(c.service, "s");
    assert_int_equal(ks_reg_challenge_parse("Negotiate abc", &c, &d), KS_EUNSUPPORTED);
    assert_int_equal(ks_reg_challenge_parse("Bearer service=\"s\"", &c, &d), KS_EPARSE);
    assert_int_equal(ks_reg_challenge_parse("Bearer realm=\"open", &c, &d), KS_EPARSE);
    assert_int_equal(ks_reg_challenge_parse("Bearer realm", &c, &d), KS_EPARSE);

    assert_true(ks_reg_header("Content-Type: a/b\nwww-authenticate:  Basic realm=x \n",
                              "WWW-Authenticate", v, sizeof(v)));
    assert_string_equal(v, "Basic realm=x");
    assert_false(ks_reg_header("Content-Type: a/b\n", "Content", v, sizeof(v)));
}

static void test_manifest(void **state)
{
    static const char oci[] =
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":"
            "\"sha256:79ac17d426442ce548925012a5d77a1794143f0452233ad938ed2d3476ae6810\","
            "\"size\":292},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+"
            "gzip\",\"digest\":\"sha256:152cbb19f302c18466a7d1a70a23846a0adeaa409829e93d14b13f1"
            "ed234f24d\",\"size\":335}]}";
    static const char list[] =
            "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.docker."
            "distribution.manifest.v2+json\",\"digest\":\"sha256:0000000000000000000000000000000"
            "000000000000000000000000000000001\",\"size\":7,\"platform\":{\"os\":\"linux\","
            "\"architecture\":\"arm\",\"variant\":\"v7\"}},{\"mediaType\":\"x\",\"digest\":"
            "\"sha256:0000000000000000000000000000000000000000000000000000000000000002\","
            "\"size\":9}]}";
    static const char *const bad[] = {
            "[]", "{\"schemaVersion\":3}",
            "{\"schemaVersion\":2,\"layers\":{}}",
            "{\"schemaVersion\":2,\"layers\":[],\"config\":{\"digest\":\"md5:00\",\"size\":1}}",
            "{\"schemaVersion\":2,\"layers\":[{\"digest\":\"sha256:0000000000000000000000000000"
            "000000000000000000000000000000000001\",\"size\":-1}],\"config\":{}}",
            "{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"sha256:0000000000000000000000000000"
            "000000000000000000000000000000000001\"}]}",
    };
    static const char s1[] = "{\"schemaVersion\":1,\"fsLayers\":[]}";
    static const char text[] = "{\"schemaVersion\":2,\"mediaType\":\"text/plain\"}";
    struct ks_arena a;
    struct ks_reg_manifest m;
    struct ks_diag d = KS_DIAG_INIT;

    KS_UNUSED(state);
    ks_arena_init(&a, 0, 0);
    assert_int_equal(ks_reg_manifest_parse(&a, "m", NULL, oci, strlen(oci), &lim, &m, &d), KS_OK);
    assert_false(m.is_index);
    assert_int_equal(m.ndescs, 1);
    assert_int_equal(m.descs[0].size, 335);
    assert_int_equal(m.config.size, 292);
    assert_int_equal(ks_reg_manifest_parse(&a, "l", KS_REG_MT_DOCKER_LIST "; charset=utf-8", list,
                                           strlen(list), &lim, &m, &d),
                     KS_OK);
    assert_true(m.is_index);
    assert_string_equal(m.media_type, KS_REG_MT_DOCKER_LIST);
    assert_int_equal(m.ndescs, 2);
    assert_string_equal(m.descs[0].platform, "linux/arm/v7");
    assert_null(m.descs[1].platform);
    /* Schema 1, by Content-Type or by content. */
    assert_int_equal(ks_reg_manifest_parse(&a, "s1", KS_REG_MT_DOCKER_V1_JWS, "x", 1, &lim, &m, &d),
                     KS_EUNSUPPORTED);
    assert_non_null(strstr(d.msg, "schema 1"));
    assert_int_equal(ks_reg_manifest_parse(&a, "s1", NULL, s1, strlen(s1), &lim, &m, &d),
                     KS_EUNSUPPORTED);
    assert_int_equal(ks_reg_manifest_parse(&a, "u", NULL, text, strlen(text), &lim, &m, &d),
                     KS_EUNSUPPORTED);
    for (size_t i = 0; i < KS_ARRAY_LEN(bad); i++) {
        ks_err e = ks_reg_manifest_parse(&a, "bad", NULL, bad[i], strlen(bad[i]), &lim, &m, &d);
        if (e != KS_EPARSE)
            fail_msg("bad manifest %zu: %d (%s)", i, e, d.msg);
        assert_non_null(strstr(d.msg, "'bad'"));
    }
    ks_arena_release(&a);
}

static void test_config_auth(void **state)
{
    static const char cfg[] = "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":"
                              "\"aHViOnB3\"},\"http://127.0.0.1:5000\":{\"auth\":"
                              "\"YWxpY2U6czNjcmV0\"},\"q.example\":{\"username\":\"u\","
                              "\"password\":\"p:w\"},\"bad.example\":{\"auth\":\"!!\"}},"
                              "\"credsStore\":\"desktop\"}";
    struct ks_arena a;
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_buf b = KS_BUF_INIT(0);
    const char *up;

    KS_UNUSED(state);
    ks_arena_init(&a, 0, 0);
    assert_int_equal(ks_reg_config_auth(&a, "c", cfg, strlen(cfg), "127.0.0.1:5000", &lim, &up,
                                        &d),
                     KS_OK);
    assert_string_equal(up, "alice:s3cret");
    assert_int_equal(ks_reg_config_auth(&a, "c", cfg, strlen(cfg), "registry-1.docker.io", &lim,
                                        &up, &d),
                     KS_OK);
    assert_string_equal(up, "hub:pw");
    assert_int_equal(ks_reg_config_auth(&a, "c", cfg, strlen(cfg), "q.example", &lim, &up, &d),
                     KS_OK);
    assert_string_equal(up, "u:p:w");
    assert_int_equal(ks_reg_config_auth(&a, "c", cfg, strlen(cfg), "none.example", &lim, &up, &d),
                     KS_OK);
    assert_null(up);
    assert_int_equal(ks_reg_config_auth(&a, "c", cfg, strlen(cfg), "bad.example", &lim, &up, &d),
                     KS_EPARSE);
    assert_int_equal(ks_reg_base64("alice:s3cret", 12, &b), KS_OK);
    assert_string_equal(ks_buf_str(&b), "YWxpY2U6czNjcmV0");
    ks_buf_reset(&b);
    assert_int_equal(ks_reg_base64("ab", 2, &b), KS_OK);
    assert_string_equal(ks_buf_str(&b), "YWI=");
    ks_buf_release(&b);
    ks_arena_release(&a);
}

static size_t count_dir(const char *path)
{
    DIR *dir = opendir(path);
    struct dirent *e;
    size_t n = 0;

    assert_non_null(dir);
    while ((e = readdir(dir)))
        n += e->d_name[0] != '.';
    closedir(dir);
    return n;
}

static void test_cache(void **state)
{
    char dir[] = "/tmp/ks-reg-XXXXXX", path[4200], digest[80], hex[KS_SHA256_HEX];
    unsigned char sum[KS_SHA256_LEN];
    struct ks_reg_blob_writer *w;
    struct ks_diag d = KS_DIAG_INIT;
    const char *data = "layer bytes";

    KS_UNUSED(state);
    assert_non_null(mkdtemp(dir));
    assert_int_equal(ks_reg_cache_init(dir, &d), KS_OK);
    ks_sha256(data, strlen(data), sum);
    ks_hex(sum, sizeof(sum), hex);
    snprintf(digest, sizeof(digest), "sha256:%s", hex);
    /* Wrong bytes: refused, nothing stored, no temporary file left. */
    assert_int_equal(ks_reg_cache_begin(dir, digest, 100, &w, &d), KS_OK);
    assert_true(ks_reg_cache_write(w, "layer bytez", 11));
    assert_int_equal(ks_reg_cache_commit(w, 11, &d), KS_EPARSE);
    assert_non_null(strstr(d.msg, "digest mismatch"));
    assert_false(ks_reg_cache_has(dir, digest, UINT64_MAX));
    /* Over the size: refused. */
    assert_int_equal(ks_reg_cache_begin(dir, digest, 5, &w, &d), KS_OK);
    assert_false(ks_reg_cache_write(w, data, strlen(data)));
    assert_int_equal(ks_reg_cache_commit(w, 11, &d), KS_ELIMIT);
    /* Right bytes in two pieces, wrong declared size: refused. */
    assert_int_equal(ks_reg_cache_begin(dir, digest, 100, &w, &d), KS_OK);
    assert_true(ks_reg_cache_write(w, data, 5));
    assert_true(ks_reg_cache_write(w, data + 5, strlen(data) - 5));
    assert_int_equal(ks_reg_cache_commit(w, 12, &d), KS_EPARSE);
    snprintf(path, sizeof(path), "%s/tmp", dir);
    assert_int_equal(count_dir(path), 0);
    /* Right bytes: stored. */
    assert_int_equal(ks_reg_cache_begin(dir, digest, 100, &w, &d), KS_OK);
    assert_true(ks_reg_cache_write(w, data, strlen(data)));
    assert_int_equal(ks_reg_cache_commit(w, strlen(data), &d), KS_OK);
    assert_true(ks_reg_cache_has(dir, digest, strlen(data)));
    assert_false(ks_reg_cache_has(dir, digest, 3));
    assert_int_equal(ks_reg_cache_put(dir, digest, "other", 5, &d), KS_EPARSE);
    assert_int_equal(count_dir(path), 0);
    snprintf(path, sizeof(path), "rm -rf '%s'", dir);
    assert_int_equal(system(path), 0);
}

static void test_pick_platform(void **state)
{
    const char *p[] = {"linux/amd64", "linux/arm64/v8", "linux/arm/v7", NULL};
    struct ks_diag d = KS_DIAG_INIT;
    size_t at = 99;

    KS_UNUSED(state);
    assert_int_equal(ks_image_pick_platform("x", p, 4, "linux/arm64", &at, &d), KS_OK);
    assert_int_equal(at, 1);
    assert_int_equal(ks_image_pick_platform("x", p, 4, "linux/arm/v7", &at, &d), KS_OK);
    assert_int_equal(at, 2);
    assert_int_equal(ks_image_pick_platform("x", p, 4, "linux/arm", &at, &d), KS_OK);
    assert_int_equal(at, 2); /* "linux/arm" is "linux/arm/v7" here, not arm64 */
    assert_int_equal(ks_image_pick_platform("x", p, 4, "linux/riscv64", &at, &d), KS_ENOTFOUND);
    assert_non_null(strstr(d.msg, "linux/amd64, linux/arm64/v8, linux/arm/v7, ?"));
    assert_int_equal(ks_image_pick_platform("x", p + 3, 1, NULL, &at, &d), KS_OK);
    assert_int_equal(at, 0);
    assert_int_equal(ks_image_pick_platform("x", p, 1, "linux/s390x", &at, &d), KS_ENOTFOUND);
}

static int setup(void **state)
{
    KS_UNUSED(state);
    ks_limits_init(&lim);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_ref),          cmocka_unit_test(test_challenge),
            cmocka_unit_test(test_manifest),     cmocka_unit_test(test_config_auth),
            cmocka_unit_test(test_cache),        cmocka_unit_test(test_pick_platform),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}

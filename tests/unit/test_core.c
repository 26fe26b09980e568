#include "ks_test.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "core/ratelimit.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/conf.h"
#include "core/deflate.h"
#include "core/dl.h"
#include "core/err.h"
#include "core/file.h"
#include "core/hash.h"
#include "core/limits.h"
#include "core/map.h"
#include "core/str.h"
#include "core/vec.h"

#include <sys/stat.h>
#include <unistd.h>

static void test_diag(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;

    (void)state;
    assert_int_equal(ks_diag_set(&d, KS_EPARSE, "line %d: bad", 3), KS_EPARSE);
    assert_string_equal(d.msg, "line 3: bad");
    assert_int_equal(d.code, KS_EPARSE);
    assert_int_equal(ks_diag_prefix(&d, "'%s': ", "status"), KS_EPARSE);
    assert_string_equal(d.msg, "'status': line 3: bad");
    errno = ENOENT;
    ks_diag_errno(&d, KS_EIO, "cannot open '%s'", "x");
    assert_string_equal(d.msg, "cannot open 'x': No such file or directory");
    assert_int_equal(d.sys_errno, ENOENT);
    assert_int_equal(ks_diag_set(NULL, KS_ELIMIT, "ignored"), KS_ELIMIT);
    ks_diag_clear(&d);
    assert_int_equal(d.code, KS_OK);
    assert_string_equal(d.msg, "");
}

static void test_arena_adopt(void **state)
{
    struct ks_arena a, b;
    char *x, *y;

    (void)state;
    ks_arena_init(&a, 64, 0);
    ks_arena_init(&b, 64, 0);
    x = ks_arena_strdup(&a, "kept");
    for (int i = 0; i < 10; i++)
        y = ks_arena_strdup(&b, "moved along with its blocks");
    ks_arena_adopt(&a, &b);
    assert_null(b.head);
    assert_int_equal(b.total, 0);
    ks_arena_release(&b); /* nothing left to free */
    assert_string_equal(x, "kept");
    assert_string_equal(y, "moved along with its blocks");
    assert_non_null(ks_arena_strdup(&a, "more"));
    ks_arena_reset(&a); /* keeps a's oldest block only; ASan checks the rest is freed */
    assert_non_null(ks_arena_strdup(&a, "again"));
    ks_arena_release(&a);
}

static void test_arena(void **state)
{
    struct ks_arena a;
    char *s, *first_block_ptr;

    (void)state;
    ks_arena_init(&a, 128, 0);
    s = ks_arena_strdup(&a, "hello");
    assert_string_equal(s, "hello");
    first_block_ptr = s;
    assert_true(((uintptr_t)ks_arena_alloc(&a, 3) % _Alignof(max_align_t)) == 0);
    /* A large allocation gets its own block; the arena keeps working. */
    assert_non_null(ks_arena_alloc(&a, 10000));
    for (int i = 0; i < 100; i++)
        assert_non_null(ks_arena_printf(&a, "n=%d", i));
    assert_true(a.total > 128);
    /* Reset keeps exactly the first block and reuses it. */
    ks_arena_reset(&a);
    assert_int_equal(a.total, 128);
    s = ks_arena_strdup(&a, "again");
    assert_ptr_equal(s, first_block_ptr);
    ks_arena_release(&a);
    assert_int_equal(a.total, 0);

    /* The limit is enforced. */
    ks_arena_init(&a, 1024, 4096);
    for (int i = 0; i < 4; i++)
        assert_non_null(ks_arena_alloc(&a, 1000));
    assert_null(ks_arena_alloc(&a, 1000));
    assert_null(ks_arena_alloc(&a, SIZE_MAX));
    ks_arena_release(&a);
}

static void test_buf(void **state)
{
    struct ks_buf b = KS_BUF_INIT(16);
    char *p;
    size_t len;

    (void)state;
    assert_string_equal(ks_buf_str(&b), "");
    assert_int_equal(ks_buf_adds(&b, "0123456789"), KS_OK);
    assert_int_equal(ks_buf_addf(&b, "%d", 12345), KS_OK);
    assert_int_equal(b.len, 15);
    /* The ceiling: an append that does not fit fails and changes nothing. */
    assert_int_equal(ks_buf_adds(&b, "ab"), KS_ELIMIT);
    assert_int_equal(b.len, 15);
    assert_string_equal(ks_buf_str(&b), "012345678912345");
    assert_int_equal(ks_buf_addc(&b, 'x'), KS_OK);
    assert_int_equal(ks_buf_addc(&b, 'y'), KS_ELIMIT);
    ks_buf_truncate(&b, 3);
    assert_string_equal(ks_buf_str(&b), "012");
    p = ks_buf_detach(&b, &len);
    assert_int_equal(len, 3);
    assert_string_equal(p, "012");
    free(p);
    assert_int_equal(b.len, 0);
    ks_buf_release(&b);
}

static void test_vec_map(void **state)
{
    KS_VEC(int) v = KS_VEC_INIT;
    struct ks_map m = KS_MAP_INIT;
    char keys[1000][8];
    size_t pos = 0, seen = 0;

    (void)state;
    for (int i = 0; i < 1000; i++)
        assert_int_equal(KS_VEC_PUSH(&v, i * 2), KS_OK);
    assert_int_equal(v.len, 1000);
    assert_int_equal(v.items[999], 1998);
    KS_VEC_RELEASE(&v);

    for (int i = 0; i < 1000; i++) {
        snprintf(keys[i], sizeof(keys[i]), "k%d", i);
        assert_int_equal(ks_map_put(&m, keys[i], strlen(keys[i]), &keys[i]), KS_OK);
    }
    assert_int_equal(m.len, 1000);
    assert_ptr_equal(ks_map_get(&m, "k500", 4), &keys[500]);
    assert_null(ks_map_get(&m, "k1000", 5));
    assert_int_equal(ks_map_put(&m, "k1", 2, NULL), KS_OK);
    assert_int_equal(m.len, 1000);
    assert_non_null(ks_map_find(&m, "k1", 2));
    assert_null(ks_map_get(&m, "k1", 2));
    while (ks_map_next(&m, &pos))
        seen++;
    assert_int_equal(seen, 1000);
    ks_map_release(&m);
}

static void test_limits(void **state)
{
    struct ks_limits lim;
    struct ks_diag d = KS_DIAG_INIT;
    uint64_t v;

    (void)state;
    ks_limits_init(&lim);
    assert_true(lim.max_file_size > 0 && lim.max_json_depth > 0);
    assert_int_equal(ks_limits_set(&lim, "max_file_size", "2M", &d), KS_OK);
    assert_int_equal(lim.max_file_size, 2u << 20);
    assert_int_equal(ks_limits_set(&lim, "max_json_depth", "64", &d), KS_OK);
    assert_int_equal(lim.max_json_depth, 64);
    assert_int_equal(ks_limits_set(&lim, "max_bogus", "1", &d), KS_EINVAL);
    assert_string_equal(d.msg, "unknown limit 'max_bogus'");
    assert_int_equal(ks_limits_set(&lim, "max_entries", "0", &d), KS_EINVAL);
    assert_int_equal(ks_limits_set(&lim, "max_entries", "-5", &d), KS_EINVAL);
    assert_int_equal(ks_limits_set(&lim, "max_ratio", "99999999999", &d), KS_EINVAL);
    assert_int_equal(ks_parse_size("18446744073709551615", &v), KS_OK);
    assert_int_equal(ks_parse_size("18446744073709551616", &v), KS_EINVAL);
    assert_int_equal(ks_parse_size("17179869184G", &v), KS_EINVAL);
    assert_int_equal(ks_parse_duration("7d", &v), KS_OK);
    assert_int_equal(v, 7 * 86400);
    assert_int_equal(ks_parse_duration("90", &v), KS_OK);
    assert_int_equal(v, 90);
    assert_int_equal(ks_parse_duration("d", &v), KS_EINVAL);
    assert_int_equal(ks_parse_duration("", &v), KS_EINVAL);
}

static void test_conf(void **state)
{
    static const char text[] = "# comment\n"
                               "top = 1\n"
                               "[limits]\n"
                               "max_file_size = 1K\n"
                               "max_entries= \"10\"\n"
                               "[feeds]\n"
                               "url = a\n"
                               "url = b\n";
    struct ks_conf c;
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_limits lim;

    (void)state;
    ks_conf_init(&c);
    assert_int_equal(ks_conf_parse(&c, "t.conf", text, sizeof(text) - 1, &d), KS_OK);
    assert_string_equal(ks_conf_get(&c, "", "top"), "1");
    assert_string_equal(ks_conf_get(&c, "feeds", "url"), "b");
    assert_null(ks_conf_get(&c, "feeds", "nope"));
    ks_limits_init(&lim);
    assert_int_equal(ks_conf_apply_limits(&c, &lim, &d), KS_OK);
    assert_int_equal(lim.max_file_size, 1024);
    assert_int_equal(lim.max_entries, 10);
    ks_conf_release(&c);

    ks_conf_init(&c);
    assert_int_equal(ks_conf_parse(&c, "bad.conf", "[x]\njunk\n", 9, &d), KS_EPARSE);
    assert_string_equal(d.msg, "'bad.conf' line 2: expected 'key = value'");
    ks_conf_release(&c);

    ks_conf_init(&c);
    assert_int_equal(ks_conf_parse(&c, "l.conf", "[limits]\nmax_x = 1\n", 19, &d), KS_OK);
    assert_int_equal(ks_conf_apply_limits(&c, &lim, &d), KS_EINVAL);
    assert_string_equal(d.msg, "'l.conf' line 2: unknown limit 'max_x'");
    ks_conf_release(&c);
}

static void test_hash(void **state)
{
    unsigned char dig[KS_SHA256_LEN];
    char hex[KS_SHA256_HEX];
    struct ks_sha256 *h;

    (void)state;
    ks_sha256("abc", 3, dig);
    ks_hex(dig, sizeof(dig), hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    h = ks_sha256_new();
    assert_non_null(h);
    ks_sha256_update(h, "a", 1);
    ks_sha256_update(h, "bc", 2);
    ks_sha256_final(h, dig);
    ks_sha256_free(h);
    ks_hex(dig, sizeof(dig), hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_true(ks_hash64("a", 1) != ks_hash64("b", 1));
    assert_true(ks_hash64("a", 1) != ks_hash64("a\0", 2)); /* the length counts */
    assert_true(ks_hash64("0123456789abcdefX", 17) == ks_hash64("0123456789abcdefX", 17));
    assert_true(ks_hash64("0123456789abcdefX", 17) != ks_hash64("0123456789abcdefY", 17));
    /* RFC 4231 test case 2 */
    ks_hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, dig);
    ks_hex(dig, sizeof(dig), hex);
    assert_string_equal(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    /* RFC 4231 test case 6: a key longer than the block is hashed first */
    {
        unsigned char key[131];
        const char *msg = "Test Using Larger Than Block-Size Key - Hash Key First";

        memset(key, 0xaa, sizeof(key));
        ks_hmac_sha256(key, sizeof(key), msg, strlen(msg), dig);
        ks_hex(dig, sizeof(dig), hex);
        assert_string_equal(hex, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    }
    /* FIPS 180-4 examples: two blocks, and a million 'a' streamed in pieces
     * that straddle block boundaries */
    ks_sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, dig);
    ks_hex(dig, sizeof(dig), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    {
        char a[997];

        memset(a, 'a', sizeof(a));
        h = ks_sha256_new();
        assert_non_null(h);
        for (size_t done = 0; done < 1000000;) {
            size_t n = KS_MIN(sizeof(a), 1000000 - done);
            ks_sha256_update(h, a, n);
            done += n;
        }
        ks_sha256_final(h, dig);
        ks_sha256_free(h);
        ks_hex(dig, sizeof(dig), hex);
        assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    }
}

/* A library loaded on first use (core/dl.h): found, missing, or missing a
 * symbol; failures name the library and the purpose and are remembered. */
#define TEST_LIBC_FNS(X) X(strlen) X(getpid)
KS_DL_LIBRARY(test_libc, TEST_LIBC_FNS, "libc.so.6", "test");
static const struct ks_dl_sym test_nosym_syms[] = {{"strlen", offsetof(struct ks_dl_lib, strlen)},
                                                   {"ks_no_such_symbol", offsetof(struct ks_dl_lib, getpid)},
                                                   {NULL, 0}};

static void test_dl(void **state)
{
    struct ks_dl libc_dl = test_libc_dl;
    struct ks_dl missing = KS_DL_INIT("libkensa-no-such-library.so.0", "run the test", test_libc_syms,
                                      &test_libc);
    struct ks_dl nosym = KS_DL_INIT("libc.so.6", "run the test", test_nosym_syms, &test_libc);
    struct ks_diag d = KS_DIAG_INIT;

    (void)state;
    assert_false(ks_dl_loaded(&libc_dl));
    assert_int_equal(ks_dl_load(&libc_dl, &d), KS_OK);
    assert_true(ks_dl_loaded(&libc_dl));
    assert_int_equal(test_libc.strlen("four"), 4);
    assert_int_equal(test_libc.getpid(), getpid());
    assert_int_equal(ks_dl_load(&libc_dl, NULL), KS_OK); /* loaded once, then only read */

    assert_int_equal(ks_dl_load(&missing, &d), KS_EUNSUPPORTED);
    assert_non_null(strstr(d.msg, "cannot load 'libkensa-no-such-library.so.0' (needed to run the test): "));
    assert_false(ks_dl_loaded(&missing));
    ks_diag_clear(&d);
    assert_int_equal(ks_dl_load(&missing, &d), KS_EUNSUPPORTED); /* remembered */
    assert_non_null(strstr(d.msg, "libkensa-no-such-library.so.0"));

    assert_int_equal(ks_dl_load(&nosym, &d), KS_EUNSUPPORTED);
    assert_string_equal(d.msg, "cannot load 'libc.so.6' (needed to run the test): no symbol 'ks_no_such_symbol'");
    assert_false(ks_dl_loaded(&nosym));

    /* libm on first use: the same answers as the libm the compiler knows */
    assert_int_equal(ks_libm_load(&d), KS_OK);
    assert_true(ks_pow(2, 10) == 1024.0);
    assert_true(ks_log2(0.125) == -3.0);
    assert_true(ks_pow(0.895, 15) > 0.189 && ks_pow(0.895, 15) < 0.190);
}

static void test_str(void **state)
{
    struct ks_str s = ks_str_trim(ks_str_of("  x y \n"));

    (void)state;
    assert_int_equal(s.len, 3);
    assert_true(ks_str_eq(s, "x y"));
    assert_true(ks_starts_with("libssl3", "libssl"));
    assert_true(ks_ends_with("a.json", ".json"));
    assert_false(ks_ends_with("json", "a.json"));
    assert_int_equal(ks_strcasecmp_ascii("ABC", "abc"), 0);
    assert_true(ks_utf8_valid("h\xc3\xa9llo", 6));
    assert_false(ks_utf8_valid("\xc0\xaf", 2));         /* overlong */
    assert_false(ks_utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
    assert_false(ks_utf8_valid("\xe2\x82", 2));         /* truncated */
    assert_true(ks_utf8_valid("\xf0\x9f\x98\x80", 4));  /* U+1F600 */
    assert_false(ks_utf8_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
}

static void test_file(void **state)
{
    char dir[] = "/tmp/ks_test_XXXXXX";
    char path[64];
    struct ks_buf b = KS_BUF_INIT(0);
    struct ks_diag d = KS_DIAG_INIT;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/f", dir);
    assert_int_equal(ks_file_write_atomic(path, "hello", 5, &d), KS_OK);
    assert_int_equal(ks_file_read(path, 100, &b, &d), KS_OK);
    assert_string_equal(ks_buf_str(&b), "hello");
    ks_buf_reset(&b);
    assert_int_equal(ks_file_read(path, 4, &b, &d), KS_ELIMIT);
    assert_non_null(strstr(d.msg, "larger than the limit"));
    assert_int_equal(ks_file_read(dir, 100, &b, &d), KS_EIO);
    unlink(path);
    assert_int_equal(ks_file_read(path, 100, &b, &d), KS_ENOTFOUND);
    assert_non_null(strstr(d.msg, "cannot open"));
    /* Devices are written in place, never replaced by a rename. */
    assert_int_equal(ks_file_write_atomic("/dev/null", "x", 1, &d), KS_OK);
    {
        struct stat st;
        assert_int_equal(stat("/dev/null", &st), 0);
        assert_true(S_ISCHR(st.st_mode));
    }
    assert_int_equal(ks_file_write_atomic(dir, "x", 1, &d), KS_EIO);
    {
        /* A fifo (like a device such as /dev/null) is written in place, never
         * replaced by a renamed regular file. */
        struct stat st;
        char got[8] = {0};
        int rfd;
        assert_int_equal(mkfifo(path, 0600), 0);
        rfd = open(path, O_RDONLY | O_NONBLOCK);
        assert_true(rfd >= 0);
        assert_int_equal(ks_file_write_atomic(path, "fifo", 4, &d), KS_OK);
        assert_int_equal(read(rfd, got, sizeof(got)), 4);
        assert_string_equal(got, "fifo");
        assert_int_equal(stat(path, &st), 0);
        assert_true(S_ISFIFO(st.st_mode));
        close(rfd);
        unlink(path);
    }
    rmdir(dir);
    ks_buf_release(&b);
}

/* Random access to memory or a file (with or without the window cache):
 * the same bytes every way, ranges beyond the end refused, a file that
 * shrank is an I/O error. */
static void test_blob(void **state)
{
    static char text[10000];
    static struct ks_blob_cache cache;
    char path[] = "/tmp/ks_blob_XXXXXX", got[5000];
    struct ks_buf b = KS_BUF_INIT(4);
    struct ks_blob blobs[3];
    unsigned seed = 7;
    int fd;

    (void)state;
    for (size_t i = 0; i < sizeof(text); i++)
        text[i] = (char)('a' + i * 7 % 23);
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, sizeof(text)), (ssize_t)sizeof(text));
    ks_blob_memory(&blobs[0], text, sizeof(text));
    ks_blob_fd(&blobs[1], fd, sizeof(text), NULL);
    ks_blob_fd(&blobs[2], fd, sizeof(text), &cache);
    for (int k = 0; k < 3; k++) {
        const struct ks_blob *x = &blobs[k];
        assert_int_equal(ks_blob_read(x, 9990, got, 10), KS_OK);
        assert_memory_equal(got, text + 9990, 10);
        assert_int_equal(ks_blob_read(x, 9991, got, 10), KS_EPARSE);
        assert_int_equal(ks_blob_read(x, UINT64_MAX, got, 1), KS_EPARSE);
        assert_int_equal(ks_blob_read(x, sizeof(text), got, 0), KS_OK);
        assert_int_equal(ks_blob_read_buf(x, 2, 3, &b), KS_OK);
        assert_memory_equal(ks_buf_str(&b), text + 2, 3);
        assert_int_equal(ks_blob_read_buf(x, 0, 5, &b), KS_ELIMIT); /* b.max */
        /* Reads of every size at every place, as a parser would make them. */
        for (int r = 0; r < 2000; r++) {
            size_t len = (seed = seed * 1103515245u + 12345u) % 4200;
            size_t off = (seed = seed * 1103515245u + 12345u) % (sizeof(text) - len + 1);
            assert_int_equal(ks_blob_read(x, off, got, len), KS_OK);
            assert_memory_equal(got, text + off, len);
        }
    }
    /* The file shrank since its size was taken. */
    assert_int_equal(ftruncate(fd, 8), 0);
    ks_blob_fd(&blobs[2], fd, sizeof(text), &cache);
    assert_int_equal(ks_blob_read(&blobs[1], 6, got, 4), KS_EIO);
    assert_int_equal(ks_blob_read(&blobs[2], 6, got, 4), KS_EIO);
    close(fd);
    unlink(path);
    ks_buf_release(&b);
}

/* Token buckets: a burst, then one per 1/rate seconds; keys independent. */
static void test_ratelimit(void **state)
{
    struct ks_ratelimit *rl = ks_ratelimit_new(2, 3);
    const int64_t s = 1000000000;
    unsigned retry = 0;

    (void)state;
    assert_non_null(rl);
    for (int i = 0; i < 3; i++)
        assert_true(ks_ratelimit_take(rl, 7, s, &retry));
    assert_false(ks_ratelimit_take(rl, 7, s, &retry));
    assert_int_equal(retry, 1);
    /* Another key has its own bucket. */
    assert_true(ks_ratelimit_take(rl, 8, s, &retry));
    /* Half a second later one token is back (rate 2/s), and only one. */
    assert_true(ks_ratelimit_take(rl, 7, s + s / 2, &retry));
    assert_false(ks_ratelimit_take(rl, 7, s + s / 2, &retry));
    /* A long pause refills to the burst, not beyond. */
    for (int i = 0; i < 3; i++)
        assert_true(ks_ratelimit_take(rl, 7, 100 * s, &retry));
    assert_false(ks_ratelimit_take(rl, 7, 100 * s, &retry));
    /* Time going backwards (another thread's older clock read) adds nothing. */
    assert_false(ks_ratelimit_take(rl, 7, 99 * s, &retry));
    ks_ratelimit_free(rl);
}

/* DEFLATE: round trips in both framings, with and without a dictionary,
 * streams written by another implementation (Python's zlib), and every
 * failure: truncated, corrupt, missing dictionary, over the ceiling. */
static void test_deflate(void **state)
{
    (void)state;
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_deflater *z = NULL, *zd = NULL, *zz = NULL;
    struct ks_buf c = KS_BUF_INIT(0), c2 = KS_BUF_INIT(0), out = KS_BUF_INIT(0);
    static const char dict[] = "{\"type\":\"WEB\",\"url\":\"https://github.com/";
    char text[4096];
    size_t tl = 0;

    for (int i = 0; tl + 80 < sizeof(text); i++)
        tl += (size_t)snprintf(text + tl, sizeof(text) - tl,
                               "{\"type\":\"WEB\",\"url\":\"https://github.com/o%d/r/pull/%d\"},", i,
                               i * 7);
    assert_int_equal(ks_deflater_new(KS_Z_RAW, 0, NULL, 0, &z, &d), KS_EINVAL);
    assert_int_equal(ks_deflater_new(KS_Z_RAW, 6, dict, KS_Z_DICT_MAX + 1, &z, &d), KS_EINVAL);
    assert_int_equal(ks_deflater_new(KS_Z_RAW, 6, NULL, 0, &z, &d), KS_OK);
    assert_int_equal(ks_deflater_new(KS_Z_RAW, 6, dict, strlen(dict), &zd, &d), KS_OK);
    assert_int_equal(ks_deflater_new(KS_Z_ZLIB, 9, dict, strlen(dict), &zz, &d), KS_OK);

    /* raw, no dictionary: smaller, and back to the same bytes */
    assert_int_equal(ks_deflater_run(z, text, tl, &c, &d), KS_OK);
    assert_true(c.len > 0 && c.len < tl / 3);
    assert_int_equal(ks_inflate(KS_Z_RAW, c.ptr, c.len, NULL, 0, &out, &d), KS_OK);
    assert_int_equal(out.len, tl);
    assert_memory_equal(out.ptr, text, tl);
    /* the compressor is reusable and deterministic */
    assert_int_equal(ks_deflater_run(z, text, tl, &c2, &d), KS_OK);
    assert_int_equal(c2.len, c.len);
    assert_memory_equal(c2.ptr, c.ptr, c.len);
    /* empty input */
    ks_buf_reset(&c);
    ks_buf_reset(&out);
    assert_int_equal(ks_deflater_run(z, "", 0, &c, &d), KS_OK);
    assert_int_equal(ks_inflate(KS_Z_RAW, c.ptr, c.len, NULL, 0, &out, &d), KS_OK);
    assert_int_equal(out.len, 0);

    /* a dictionary shrinks a short input; the reader needs the same one */
    static const char small[] = "{\"type\":\"WEB\",\"url\":\"https://github.com/a/b\"}";
    ks_buf_reset(&c);
    ks_buf_reset(&c2);
    assert_int_equal(ks_deflater_run(z, small, strlen(small), &c, &d), KS_OK);
    assert_int_equal(ks_deflater_run(zd, small, strlen(small), &c2, &d), KS_OK);
    assert_true(c2.len < c.len);
    ks_buf_reset(&out);
    assert_int_equal(ks_inflate(KS_Z_RAW, c2.ptr, c2.len, dict, strlen(dict), &out, &d), KS_OK);
    assert_string_equal(out.ptr, small);
    ks_buf_reset(&out);
    ks_err e = ks_inflate(KS_Z_RAW, c2.ptr, c2.len, NULL, 0, &out, &d);
    assert_true(e == KS_EPARSE || (e == KS_OK && strcmp(out.ptr, small)));

    /* zlib framing with a dictionary: the stream names it (Z_NEED_DICT) */
    ks_buf_reset(&c);
    ks_buf_reset(&out);
    assert_int_equal(ks_deflater_run(zz, small, strlen(small), &c, &d), KS_OK);
    assert_int_equal(ks_inflate(KS_Z_ZLIB, c.ptr, c.len, NULL, 0, &out, &d), KS_EPARSE);
    assert_string_equal(d.msg, "zlib data needs a dictionary");
    assert_int_equal(ks_inflate(KS_Z_ZLIB, c.ptr, c.len, dict, strlen(dict), &out, &d), KS_OK);
    assert_string_equal(out.ptr, small);

    /* streams written by Python's zlib */
    static const unsigned char py_raw[] = {0xcb, 0x4e, 0xcd, 0x2b, 0x4e, 0x54,
                                           0xc8, 0x46, 0x90, 0x8a, 0x00};
    static const unsigned char py_zlib[] = {0x78, 0xf9, 0x26, 0xe0, 0x05, 0x8b, 0x4b, 0x54, 0x28,
                                            0x43, 0xe6, 0x02, 0x00, 0x2e, 0x51, 0x06, 0x0c};
    ks_buf_reset(&out);
    assert_int_equal(ks_inflate(KS_Z_RAW, py_raw, sizeof(py_raw), NULL, 0, &out, &d), KS_OK);
    assert_string_equal(out.ptr, "kensa kensa kensa!");
    ks_buf_reset(&out);
    assert_int_equal(
            ks_inflate(KS_Z_ZLIB, py_zlib, sizeof(py_zlib), "vulnerability", 13, &out, &d),
            KS_OK);
    assert_string_equal(out.ptr, "a vulnerability");

    /* truncated, corrupt: KS_EPARSE and `out` as it was */
    ks_buf_reset(&c);
    assert_int_equal(ks_deflater_run(z, text, tl, &c, &d), KS_OK);
    ks_buf_reset(&out);
    assert_int_equal(ks_buf_adds(&out, "keep"), KS_OK);
    assert_int_equal(ks_inflate(KS_Z_RAW, c.ptr, c.len / 2, NULL, 0, &out, &d), KS_EPARSE);
    assert_string_equal(d.msg, "truncated deflate data");
    assert_string_equal(out.ptr, "keep");
    assert_int_equal(ks_inflate(KS_Z_ZLIB, "\x78\x9c\xff\xff\xff\xff", 6, NULL, 0, &out, &d),
                     KS_EPARSE);
    assert_string_equal(d.msg, "corrupt zlib data");
    assert_string_equal(out.ptr, "keep");
    assert_int_equal(ks_inflate(KS_Z_RAW, "", 0, NULL, 0, &out, &d), KS_EPARSE);

    /* a bomb stops at the ceiling */
    char *zeros = calloc(1, 1 << 20);
    assert_non_null(zeros);
    ks_buf_reset(&c);
    assert_int_equal(ks_deflater_run(z, zeros, 1 << 20, &c, &d), KS_OK);
    assert_true(c.len < 2048);
    struct ks_buf small_out = KS_BUF_INIT(65536);
    assert_int_equal(ks_inflate(KS_Z_RAW, c.ptr, c.len, NULL, 0, &small_out, &d), KS_ELIMIT);
    assert_string_equal(d.msg, "deflate data expands beyond 65536 bytes");
    assert_int_equal(small_out.len, 0);
    /* a compressor output over its buffer's ceiling */
    struct ks_buf tiny = KS_BUF_INIT(4);
    assert_int_equal(ks_deflater_run(z, text, tl, &tiny, &d), KS_ELIMIT);
    assert_int_equal(tiny.len, 0);
    free(zeros);

    ks_buf_release(&small_out);
    ks_buf_release(&tiny);
    ks_buf_release(&c);
    ks_buf_release(&c2);
    ks_buf_release(&out);
    ks_deflater_free(z);
    ks_deflater_free(zd);
    ks_deflater_free(zz);
    ks_deflater_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_diag),   cmocka_unit_test(test_arena), cmocka_unit_test(test_arena_adopt),
            cmocka_unit_test(test_buf),    cmocka_unit_test(test_vec_map),
            cmocka_unit_test(test_limits), cmocka_unit_test(test_conf),
            cmocka_unit_test(test_hash),   cmocka_unit_test(test_dl),   cmocka_unit_test(test_str),
            cmocka_unit_test(test_file),   cmocka_unit_test(test_ratelimit),
            cmocka_unit_test(test_deflate),
            cmocka_unit_test(test_blob),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* fuzz/fuzz_purl.c - package URL parsing on arbitrary strings.
 *
 * Whatever parses must build, and the built string must parse to the same
 * canonical string (a fixed point). */
#include "core/ks_common.h"

#include "core/arena.h"
#include "core/buf.h"
#include "formats/purl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ks_arena arena = KS_ARENA_INIT(16384, 16u << 20);
    struct ks_buf in = KS_BUF_INIT(0), a = KS_BUF_INIT(0), b = KS_BUF_INIT(0);
    struct ks_purl p, q;

    if (ks_buf_add(&in, data, size) || memchr(data, 0, size))
        goto done;
    if (ks_purl_parse(&arena, ks_buf_str(&in), &p, NULL))
        goto done;
    if (ks_purl_build(&p, &a))
        KS_BUG("cannot build a parsed purl");
    if (ks_purl_parse(&arena, ks_buf_str(&a), &q, NULL))
        KS_BUG("canonical purl '%s' does not parse", ks_buf_str(&a));
    if (ks_purl_build(&q, &b) || strcmp(ks_buf_str(&a), ks_buf_str(&b)))
        KS_BUG("purl canonical form is not a fixed point: '%s' -> '%s'", ks_buf_str(&a),
               ks_buf_str(&b));
done:
    ks_arena_reset(&arena);
    ks_buf_release(&in);
    ks_buf_release(&a);
    ks_buf_release(&b);
    return 0;
}

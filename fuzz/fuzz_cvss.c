/* fuzz/fuzz_cvss.c - the CVSS vector parser and score equations on
 * arbitrary bytes.
 *
 * Checks beyond "no crash": every accepted vector scores within 0..10, its
 * canonical form parses again to the same metrics and scores (a fixed
 * point), and lowering the attack vector never raises the score. */
#include "core/ks_common.h"

#include "core/buf.h"
#include "score/cvss.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ks_cvss c, d;
    struct ks_buf b = KS_BUF_INIT(0);

    if (ks_cvss_parse((const char *)data, size, &c, NULL))
        return 0;
    if (c.base10 < 0 || c.base10 > 100 || c.score10 < 0 || c.score10 > 100)
        KS_BUG("score out of range: %d %d", c.base10, c.score10);
    if (ks_cvss_format(&c, &b))
        KS_BUG("cannot format an accepted vector");
    if (ks_cvss_parse(b.ptr, b.len, &d, NULL))
        KS_BUG("canonical form does not parse: %s", b.ptr);
    if (memcmp(c.val, d.val, sizeof(c.val)) || c.base10 != d.base10 || c.score10 != d.score10)
        KS_BUG("canonical form is not a fixed point: %s", b.ptr);
    if (c.version != KS_CVSS_V40 || !ks_cvss_get(&c, "MAV")) {
        const char *av = ks_cvss_get(&c, "AV");
        if (av && !strcmp(av, "N")) {
            int before = c.version == KS_CVSS_V40 ? c.score10 : c.base10;
            ks_cvss_set(&c, "AV", "A", NULL);
            if ((c.version == KS_CVSS_V40 ? c.score10 : c.base10) > before)
                KS_BUG("AV:N -> AV:A raised the score: %s", b.ptr);
        }
    }
    ks_buf_release(&b);
    return 0;
}

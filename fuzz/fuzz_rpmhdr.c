/* fuzz/fuzz_rpmhdr.c - the rpm header blob reader on arbitrary bytes. Every
 * string it returns must lie inside the input and be terminated there. */
#include "core/ks_common.h"

#include "pkg/rpm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct span {
    const uint8_t *data;
    size_t size;
};

/* Every file path piece must lie inside the blob too. */
static ks_err check_file(void *arg, const char *dir, size_t dirlen, const char *base,
                         size_t baselen)
{
    const struct span *s = arg;
    const uint8_t *d = (const uint8_t *)dir, *b = (const uint8_t *)base;

    if ((dirlen && (d < s->data || d + dirlen >= s->data + s->size)) || b < s->data ||
        b + baselen >= s->data + s->size)
        KS_BUG("file name outside the blob");
    return KS_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ks_rpm_header h;
    struct ks_diag d = KS_DIAG_INIT;
    const char *s[7];
    struct span sp = {data, size};

    if (ks_rpm_header_parse(data, size, &h, &d) != KS_OK)
        return 0;
    s[0] = h.name, s[1] = h.version, s[2] = h.release, s[3] = h.arch, s[4] = h.license,
    s[5] = h.sourcerpm, s[6] = h.vendor;
    for (int i = 0; i < 7; i++) {
        const uint8_t *p = (const uint8_t *)s[i];
        if (!p)
            continue;
        if (p < data || p >= data + size || !memchr(p, '\0', (size_t)(data + size - p)))
            KS_BUG("string outside the blob");
    }
    if (ks_rpm_header_files(&h, check_file, &sp) != KS_OK)
        KS_BUG("file list iteration failed");
    return 0;
}

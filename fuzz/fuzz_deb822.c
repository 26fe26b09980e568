/* fuzz/fuzz_deb822.c - the control-stanza reader (Packages, Sources,
 * Release) and the clear-signed wrapper (InRelease) on arbitrary bytes.
 *
 * Beyond "no crash": fields lie inside the input, the reader always makes
 * progress (each call consumes input or ends), errors are the documented
 * ones. */
#include "core/ks_common.h"

#include "formats/debian.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    struct ks_str text;
    struct ks_diag diag = KS_DIAG_INIT;
    struct ks_deb822 r;
    struct ks_deb822_field f[16];
    size_t n;
    unsigned line;
    ks_err err;

    if (ks_clearsigned_text("InRelease", p, size, &text, &diag))
        text = (struct ks_str){p, size};
    if (text.ptr < p || text.ptr + text.len > p + size)
        KS_BUG("signed text outside the input");
    ks_deb822_init(&r, "Packages", text.ptr, text.len);
    for (size_t guard = 0;; guard++) {
        const char *before = r.p;
        err = ks_deb822_next(&r, f, 16, &n, &line, &diag);
        if (err == KS_ENOTFOUND)
            break;
        if (err != KS_OK && err != KS_EPARSE && err != KS_ELIMIT)
            KS_BUG("unexpected error %d", (int)err);
        if (r.p <= before || guard > text.len + 1)
            KS_BUG("no progress");
        for (size_t i = 0; err == KS_OK && i < n; i++) {
            if (!f[i].name.len || f[i].name.ptr < text.ptr ||
                f[i].name.ptr + f[i].name.len > text.ptr + text.len)
                KS_BUG("field name outside the input");
            if (f[i].value.ptr && (f[i].value.ptr < text.ptr ||
                                   f[i].value.ptr + f[i].value.len > text.ptr + text.len))
                KS_BUG("field value outside the input");
        }
        (void)ks_deb822_get(f, err == KS_OK ? n : 0, "Package");
    }
    return 0;
}

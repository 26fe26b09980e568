/* fuzz/fuzz_code.c - the code scanner on arbitrary bytes, as each language.
 *
 * The first byte picks the language, the rest is the source. Beyond "no
 * crash": every finding lies inside the input's lines, and the JSON and SARIF
 * writers succeed on whatever was found. */
#include "core/ks_common.h"

#include "code/code.h"
#include "core/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {"f.py", "f.js", "f.ts", "F.java"};
    struct ks_code_result r;
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_buf out = KS_BUF_INIT(0);

    if (size < 1)
        return 0;
    ks_code_result_init(&r);
    const char *name = names[data[0] % 4];
    if (ks_code_scan_text(&r, KS_LANG_AUTO, name, (const char *)data + 1, size - 1,
                          &ks_limits_default, &d) == KS_OK) {
        for (size_t i = 0; i < r.findings.len; i++)
            if (r.findings.items[i].start_line > r.lines + 1)
                abort();
        if (ks_code_write_json(&r, &out) || ks_code_write_sarif(&r, &out))
            abort();
    }
    ks_buf_release(&out);
    ks_code_result_release(&r);
    return 0;
}

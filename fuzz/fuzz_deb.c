/* fuzz/fuzz_deb.c - the .deb reader of the apt-mirror importer (ar members,
 * data.tar.*, the changelog member, gunzip) on arbitrary bytes.
 *
 * Beyond "no crash": only the documented errors, and the output stays
 * within the limits. */
#include "core/ks_common.h"

#include "core/buf.h"
#include "core/limits.h"
#include "vulndb/vulndb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ks_limits lim = ks_limits_default;
    struct ks_diag diag = KS_DIAG_INIT;
    struct ks_buf out = KS_BUF_INIT(0);

    lim.max_file_size = 1 << 20;
    lim.max_expanded = 8u << 20;
    for (int native = 0; native < 2; native++) {
        ks_buf_reset(&out);
        ks_err err = ks_vdb_deb_changelog("fuzz.deb", (const char *)data, size, "bar", native,
                                          &lim, &out, &diag);
        if (err != KS_OK && err != KS_ENOTFOUND && err != KS_EPARSE && err != KS_ELIMIT &&
            err != KS_ENOMEM)
            KS_BUG("unexpected error %d: %s", (int)err, diag.msg);
        if (out.len > lim.max_file_size)
            KS_BUG("changelog of %zu bytes over the limit", out.len);
    }
    ks_buf_release(&out);
    return 0;
}

/* fuzz/fuzz_sshd.c - the sshd_config parser on arbitrary bytes. */
#include "core/ks_common.h"

#include "cis/cis.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ks_diag diag = KS_DIAG_INIT;
    struct ks_cis_settings s;

    if (!ks_cis_sshd_parse_text("sshd_config", (const char *)data, size, &s, &diag)) {
        /* sorted, and every key lookup finds itself */
        for (size_t i = 0; i < s.len; i++) {
            if (i && strcmp(s.items[i - 1].key, s.items[i].key) >= 0)
                KS_BUG("settings not sorted");
            if (ks_cis_settings_get(&s, s.items[i].key) != &s.items[i])
                KS_BUG("lookup of '%s' failed", s.items[i].key);
        }
        ks_cis_settings_release(&s);
    } else if (!diag.msg[0]) {
        KS_BUG("parse failed without a message");
    }
    return 0;
}

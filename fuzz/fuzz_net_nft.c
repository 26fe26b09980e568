/* fuzz/fuzz_net_nft.c - the `nft -j list ruleset` reader and the firewall
 * evaluation on arbitrary bytes: whatever loads is probed on a few ports,
 * interfaces and sources (jump loops must terminate). */
#include "core/ks_common.h"

#include "net/host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ks_limits lim = ks_limits_default;
    struct ks_diag diag = KS_DIAG_INIT;
    struct ks_net_fw *fw = ks_net_fw_new();
    struct ks_net_cidr src;

    if (!fw)
        return 0;
    lim.max_json_depth = 64;
    ks_net_cidr_parse("192.0.2.1", &src);
    if (!ks_net_fw_add_nft(fw, "fuzz", (const char *)data, size, &lim, &diag)) {
        static const int ports[] = {0, 22, 80, 443, 65535};
        for (size_t i = 0; i < KS_ARRAY_LEN(ports); i++) {
            struct ks_net_probe p = {i & 1 ? 17 : 6, ports[i], false, i & 2 ? "eth0" : NULL,
                                     i & 1 ? &src : NULL};
            ks_net_fw_verdict(fw, &p);
        }
    }
    ks_net_fw_free(fw);
    return 0;
}

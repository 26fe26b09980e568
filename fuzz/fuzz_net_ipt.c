/* fuzz/fuzz_net_ipt.c - the iptables-save reader, the firewall evaluation
 * and the /proc/net socket-table parser on arbitrary bytes. */
#include "core/ks_common.h"

#include "net/host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ks_limits lim = ks_limits_default;
    struct ks_diag diag = KS_DIAG_INIT;
    struct ks_net_fw *fw = ks_net_fw_new();
    struct ks_net_sockets socks;
    struct ks_net_cidr src;

    if (!fw)
        return 0;
    ks_net_cidr_parse("10.1.2.3", &src);
    if (!ks_net_fw_add_iptables(fw, "fuzz", (const char *)data, size, size & 1, &lim, &diag)) {
        static const int ports[] = {0, 22, 25, 8080, 65535};
        for (size_t i = 0; i < KS_ARRAY_LEN(ports); i++) {
            struct ks_net_probe p = {i & 1 ? 17 : 6, ports[i], size & 1, i & 2 ? "eth0" : NULL,
                                     i & 1 ? &src : NULL};
            ks_net_fw_verdict(fw, &p);
        }
    }
    ks_net_fw_free(fw);
    ks_net_sockets_init(&socks);
    ks_net_sockets_parse(&socks, "fuzz", (const char *)data, size, 6, size & 2, &diag);
    ks_net_sockets_release(&socks);
    return 0;
}

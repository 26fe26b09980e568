/* fuzz/fuzz_dpkgfiles.c - dpkg's file lists on arbitrary bytes: the first
 * byte chooses info/<pkg>:<arch>.list or a distroless status.d/<pkg>.md5sums,
 * the rest is the file; a status stanza and a language package are offered
 * too, so that ownership is resolved (pkg/owned.h) and written to SBOMs. */
#include "core/ks_common.h"

#include "fuzz_collector.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char status[] = "Package: x\nArchitecture: amd64\nVersion: 1.0-1\n";
    static const char meta[] = "Metadata-Version: 2.1\nName: x\nVersion: 1.0\n";
    struct ks_inventory inv;
    struct ks_diag d = KS_DIAG_INIT;
    bool md5 = size && (data[0] & 1);

    if (size)
        data++, size--;
    /* Through the dispatcher, as a walk would, then finish and write. */
    ks_inventory_init(&inv);
    ks_pkg_collect(&inv, md5 ? "/var/lib/dpkg/status.d/x" : "/var/lib/dpkg/status", S_IFREG | 0644,
                   NULL, status, strlen(status), &ks_limits_default, &d);
    ks_pkg_collect(&inv, "/usr/lib/python3/dist-packages/x-1.0.dist-info/METADATA", S_IFREG | 0644,
                   NULL, meta, strlen(meta), &ks_limits_default, &d);
    ks_pkg_collect(&inv,
                   md5 ? "/var/lib/dpkg/status.d/x.md5sums" : "/var/lib/dpkg/info/x:amd64.list",
                   S_IFREG | 0644, NULL, (const char *)data, size, &ks_limits_default, &d);
    if (ks_pkg_finish(&inv) == KS_OK) {
        for (size_t i = 0; i < inv.components.len; i++) {
            const char *o = inv.components.items[i].owner;
            if (o && strcmp(o, "deb:x@1.0-1:amd64"))
                KS_BUG("unexpected owner '%s'", o);
        }
    }
    ks_inventory_release(&inv);
    fuzz_collect(md5 ? "/var/lib/dpkg/status.d/x.md5sums" : "/var/lib/dpkg/info/x.list", data,
                 size);
    return 0;
}

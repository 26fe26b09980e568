/* fuzz/fuzz_dpkg.c - the collector for /var/lib/dpkg/status on arbitrary bytes. */
#include "core/ks_common.h"

#include "fuzz_collector.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_collect("/var/lib/dpkg/status", data, size);
    return 0;
}

/* fuzz/fuzz_osrelease.c - the collector for /etc/os-release on arbitrary bytes. */
#include "core/ks_common.h"

#include "fuzz_collector.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_collect("/etc/os-release", data, size);
    return 0;
}

/* fuzz/fuzz_rpmbdb.c - the collector for /var/lib/rpm/Packages on arbitrary bytes. */
#include "core/ks_common.h"

#include "fuzz_collector.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_collect("/var/lib/rpm/Packages", data, size);
    return 0;
}

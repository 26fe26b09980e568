/* fuzz/fuzz_apk.c - the collector for /lib/apk/db/installed on arbitrary bytes. */
#include "core/ks_common.h"

#include "fuzz_collector.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_collect("/lib/apk/db/installed", data, size);
    return 0;
}

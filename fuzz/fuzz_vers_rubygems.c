/* fuzz/fuzz_vers_rubygems.c - the rubygems version parser and order on arbitrary
 * bytes (see fuzz_version.h for the properties checked). */
#include "core/ks_common.h"

#include "fuzz_version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_version_check(KS_SCHEME_RUBYGEMS, data, size, NULL);
}

/* fuzz/fuzz_vers_pep440.c - the pep440 version parser and order on arbitrary
 * bytes (see fuzz_version.h for the properties checked). */
#include "core/ks_common.h"

#include "fuzz_version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_version_check(KS_SCHEME_PEP440, data, size, NULL);
}

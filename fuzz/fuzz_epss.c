/* fuzz/fuzz_epss.c - the vulnerability DB's epss reader on arbitrary bytes.
 *
 * Runs the reader as `kensa db import --dry-run` does (every record
 * validated, nothing stored). Beyond "no crash": the counts must add up. */
#include "core/ks_common.h"

#include "core/limits.h"
#include "vulndb/vulndb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ks_limits lim = ks_limits_default;
    struct ks_diag diag = KS_DIAG_INIT;
    struct ks_vdb_source_report rep;

    lim.max_json_depth = 64;
    const char *name = "fuzz.csv";
    ks_vdb_parse_only(name, "epss", (const char *)data, size, &lim, 0, &rep, &diag);
    if (rep.imported + rep.rejected > rep.read || rep.nrejects_kept > KS_VDB_MAX_REJECTS_KEPT)
        KS_BUG("inconsistent counts: %llu read, %llu imported, %llu rejected",
               (unsigned long long)rep.read, (unsigned long long)rep.imported,
               (unsigned long long)rep.rejected);
    return 0;
}

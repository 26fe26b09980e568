/* fuzz/fuzz_tracker.c - the vulnerability DB's tracker reader on arbitrary bytes.
 *
 * Runs the reader as `kensa db import --dry-run` does (every record
 * validated, nothing stored), as one tree and member by member. Beyond "no
 * crash": the counts must add up. */
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
    const char *name = "fuzz.json";
    /* stream_min 0: small documents as one tree; 1: member by member */
    for (size_t stream_min = 0; stream_min < 2; stream_min++) {
        ks_diag_clear(&diag);
        ks_vdb_parse_only(name, "debian-tracker", (const char *)data, size, &lim, stream_min, &rep,
                          &diag);
        if (rep.imported + rep.rejected > rep.read || rep.nrejects_kept > KS_VDB_MAX_REJECTS_KEPT)
            KS_BUG("inconsistent counts: %llu read, %llu imported, %llu rejected",
                   (unsigned long long)rep.read, (unsigned long long)rep.imported,
                   (unsigned long long)rep.rejected);
    }
    return 0;
}

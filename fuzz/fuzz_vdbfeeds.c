/* fuzz/fuzz_vdbfeeds.c - the vulnerability DB's NVD, KEV and Alpine secdb
 * readers on arbitrary bytes (the first byte picks the reader; the rest is
 * the document), each as one tree and member by member. Runs the readers as
 * `kensa db import --dry-run` does. Beyond "no crash": the counts add up. */
#include "core/ks_common.h"

#include "core/limits.h"
#include "vulndb/vulndb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const formats[] = {"nvd", "kev", "alpine-secdb", NULL};
    struct ks_limits lim = ks_limits_default;
    struct ks_diag diag = KS_DIAG_INIT;
    struct ks_vdb_source_report rep;

    if (size < 1)
        return 0;
    lim.max_json_depth = 64;
    const char *fmt = formats[data[0] % 4]; /* NULL: detect the format */
    const char *name = data[0] & 0x80 ? "fuzz.yaml" : "fuzz.json";
    for (size_t stream_min = 0; stream_min < 2; stream_min++) {
        ks_diag_clear(&diag);
        ks_vdb_parse_only(name, fmt, (const char *)data + 1, size - 1, &lim, stream_min, &rep,
                          &diag);
        if (rep.imported + rep.rejected > rep.read || rep.nrejects_kept > KS_VDB_MAX_REJECTS_KEPT)
            KS_BUG("inconsistent counts: %llu read, %llu imported, %llu rejected",
                   (unsigned long long)rep.read, (unsigned long long)rep.imported,
                   (unsigned long long)rep.rejected);
    }
    return 0;
}

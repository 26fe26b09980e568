/* pkg/rpm.h - rpm package headers, our own reader (never librpm).
 *
 * A header blob, as stored in rpmdb.sqlite's Packages.blob and as the values
 * of the Berkeley DB `Packages` hash: big-endian int32 index count `il`,
 * int32 data length `dl`, `il` 16-byte index entries {tag, type, offset,
 * count}, then `dl` bytes of data. Every offset and string is bounds-checked. */
#ifndef KS_PKG_RPM_H
#define KS_PKG_RPM_H

#include "core/err.h"

struct ks_rpm_header {
    const char *name, *version, *release, *arch, *license, *sourcerpm, *vendor;
    bool has_epoch;
    uint32_t epoch;
};

/* Parses the header blob of `len` bytes. The strings point into `blob`
 * (NULL when absent). KS_EPARSE naming the problem for malformed blobs. */
ks_err ks_rpm_header_parse(const void *blob, size_t len, struct ks_rpm_header *out,
                           struct ks_diag *diag);

#endif

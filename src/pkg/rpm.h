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
    /* Installed files: path i is dirnames[dirindexes[i]] + basenames[i]
     * (string arrays: `n` consecutive NUL-terminated strings; dirindexes:
     * big-endian int32s), or, in headers of rpm < 4.1, oldfilenames. */
    const char *basenames, *dirnames, *oldfilenames;
    const unsigned char *dirindexes;
    uint32_t nbasenames, ndirnames, ndirindexes, noldfilenames;
};

/* Parses the header blob of `len` bytes. The strings point into `blob`
 * (NULL when absent); every string of the file tags is checked to end
 * inside the data, and BASENAMES, DIRINDEXES must have one entry per file
 * and each index must name one of the DIRNAMES. KS_EPARSE naming the
 * problem for malformed blobs. */
ks_err ks_rpm_header_parse(const void *blob, size_t len, struct ks_rpm_header *out,
                           struct ks_diag *diag);

/* Calls `fn(arg, dir, dirlen, base, baselen)` for each installed file of a
 * header parsed by ks_rpm_header_parse() ("/usr/share/doc/" + "README";
 * dir is empty for OLDFILENAMES). Stops at and returns the first error of
 * `fn`; KS_ENOMEM. */
ks_err ks_rpm_header_files(const struct ks_rpm_header *h,
                           ks_err (*fn)(void *arg, const char *dir, size_t dirlen,
                                        const char *base, size_t baselen),
                           void *arg);

#endif

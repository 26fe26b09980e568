/* match/internal.h - shared between the files of the match module only. */
#ifndef KS_MATCH_INTERNAL_H
#define KS_MATCH_INTERNAL_H

#include "model/component.h"

/* The database lookup key of `c`: ecosystem, and name and version (the
 * source package's for Debian/Ubuntu/Alpine). False when `c` has none. */
bool ks_match_lookup_key(const struct ks_component *c, const char **eco, const char **name,
                         const char **version);

/* Debian/Ubuntu kernel-header packages (linux-libc-dev, linux-headers-*):
 * built from the kernel source, so every kernel advisory names them. */
bool ks_match_kernel_headers(const struct ks_component *c);

#endif

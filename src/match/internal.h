/* match/internal.h - shared between the files of the match module only. */
#ifndef KS_MATCH_INTERNAL_H
#define KS_MATCH_INTERNAL_H

#include "model/component.h"

/* Debian/Ubuntu kernel-header packages (linux-libc-dev, linux-headers-*):
 * built from the kernel source, so every kernel advisory names them. */
bool ks_match_kernel_headers(const struct ks_component *c);

#endif

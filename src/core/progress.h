/* core/progress.h - how long-running work reports progress without printing.
 *
 * Library code never writes to the terminal; it calls the sink it was given
 * (which may be NULL). cmd/ implements a sink that draws a progress line on a
 * TTY's stderr, throttled, and nothing otherwise. */
#ifndef KS_CORE_PROGRESS_H
#define KS_CORE_PROGRESS_H

#include "core/ks_common.h"

struct ks_progress {
    /* `done` of `total` units (total 0 = unknown) of the work named `what`. */
    void (*update)(void *ctx, const char *what, uint64_t done, uint64_t total);
    void *ctx;
};

static inline void ks_progress_update(const struct ks_progress *p, const char *what,
                                      uint64_t done, uint64_t total)
{
    if (p && p->update)
        p->update(p->ctx, what, done, total);
}

#endif

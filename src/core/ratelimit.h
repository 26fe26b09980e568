/* core/ratelimit.h - token buckets keyed by an integer (an account id).
 *
 * Each key may make `rate` requests per second on average and `burst` at
 * once. A fixed table: keys beyond its size share buckets (by hash), which
 * can only make limiting stricter, never let a key through more often.
 * Thread-safe. */
#ifndef KS_CORE_RATELIMIT_H
#define KS_CORE_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct ks_ratelimit;

/* NULL when out of memory. `rate` > 0, `burst` >= 1. */
struct ks_ratelimit *ks_ratelimit_new(double rate, double burst);
void ks_ratelimit_free(struct ks_ratelimit *rl);

/* Takes one token for `key` at monotonic time `now_ns`. When none is left,
 * returns false and sets *retry_after_s to the whole seconds until one is. */
bool ks_ratelimit_take(struct ks_ratelimit *rl, int64_t key, int64_t now_ns,
                       unsigned *retry_after_s);

#endif

/* core/ratelimit.c - token buckets in a fixed, mutex-guarded table. */
#include "core/ks_common.h"

#include "core/ratelimit.h"

#include <math.h>
#include <pthread.h>

#define NBUCKETS 4096

struct bucket {
    int64_t key;
    int64_t at_ns; /* last refill; 0: unused */
    double tokens;
};

struct ks_ratelimit {
    pthread_mutex_t lock;
    double rate, burst;
    struct bucket b[NBUCKETS];
};

struct ks_ratelimit *ks_ratelimit_new(double rate, double burst)
{
    struct ks_ratelimit *rl = calloc(1, sizeof(*rl));

    if (!rl)
        return NULL;
    pthread_mutex_init(&rl->lock, NULL);
    rl->rate = rate;
    rl->burst = burst < 1 ? 1 : burst;
    return rl;
}

void ks_ratelimit_free(struct ks_ratelimit *rl)
{
    if (!rl)
        return;
    pthread_mutex_destroy(&rl->lock);
    free(rl);
}

bool ks_ratelimit_take(struct ks_ratelimit *rl, int64_t key, int64_t now_ns,
                       unsigned *retry_after_s)
{
    uint64_t h = (uint64_t)key * 0x9E3779B97F4A7C15u;
    struct bucket *b = &rl->b[h >> 52 & (NBUCKETS - 1)];
    bool ok;

    pthread_mutex_lock(&rl->lock);
    if (!b->at_ns) {
        b->key = key;
        b->at_ns = now_ns;
        b->tokens = rl->burst;
    } else if (now_ns > b->at_ns) {
        b->tokens += (double)(now_ns - b->at_ns) / 1e9 * rl->rate;
        if (b->tokens > rl->burst)
            b->tokens = rl->burst;
        b->at_ns = now_ns;
    }
    ok = b->tokens >= 1;
    if (ok)
        b->tokens -= 1;
    else
        *retry_after_s = (unsigned)ceil((1 - b->tokens) / rl->rate);
    pthread_mutex_unlock(&rl->lock);
    return ok;
}

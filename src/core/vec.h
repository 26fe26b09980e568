/* core/vec.h - a typed growable array (redis/sds spirit, header-only).
 *
 *     KS_VEC(int) v = KS_VEC_INIT;
 *     if (KS_VEC_PUSH(&v, 42)) ...  -> KS_ENOMEM
 *     ... v.items[i] for i < v.len ...
 *     KS_VEC_RELEASE(&v);
 *
 * Items are owned by the vector and move when it grows: do not keep pointers
 * into `items` across a push. */
#ifndef KS_CORE_VEC_H
#define KS_CORE_VEC_H

#include "core/err.h"

#define KS_VEC(type)                                                                               \
    struct {                                                                                       \
        type *items;                                                                               \
        size_t len;                                                                                \
        size_t cap;                                                                                \
    }

#define KS_VEC_INIT {NULL, 0, 0}

/* Grows the array behind a vector to hold at least `want` items. */
ks_err ks_vec_reserve(void **items, size_t *cap, size_t item_size, size_t want);

#define KS_VEC_RESERVE(v, n)                                                                       \
    ks_vec_reserve((void **)&(v)->items, &(v)->cap, sizeof(*(v)->items), (n))

/* Appends `value`; evaluates to KS_OK or KS_ENOMEM. */
#define KS_VEC_PUSH(v, value)                                                                      \
    (KS_VEC_RESERVE((v), (v)->len + 1) ? KS_ENOMEM : ((v)->items[(v)->len++] = (value), KS_OK))

#define KS_VEC_RELEASE(v)                                                                          \
    do {                                                                                           \
        free((v)->items);                                                                          \
        (v)->items = NULL;                                                                         \
        (v)->len = (v)->cap = 0;                                                                   \
    } while (0)

#endif

#include "core/ks_common.h"

#include "core/vec.h"

ks_err ks_vec_reserve(void **items, size_t *cap, size_t item_size, size_t want)
{
    size_t n = *cap ? *cap : 8;
    void *p;

    if (want <= *cap)
        return KS_OK;
    while (n < want) {
        if (n > SIZE_MAX / 2)
            return KS_ENOMEM;
        n *= 2;
    }
    if (n > SIZE_MAX / item_size)
        return KS_ENOMEM;
    p = realloc(*items, n * item_size);
    if (!p)
        return KS_ENOMEM;
    *items = p;
    *cap = n;
    return KS_OK;
}

#include "core/ks_common.h"

#include "core/map.h"

#include "core/hash.h"

void ks_map_release(struct ks_map *m)
{
    free(m->slots);
    m->slots = NULL;
    m->cap = 0;
    m->len = 0;
}

struct ks_map_slot *ks_map_find(const struct ks_map *m, const char *key, size_t len)
{
    uint64_t h;
    size_t i;

    if (!m->cap)
        return NULL;
    h = ks_hash64(key, len);
    for (i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        struct ks_map_slot *s = &m->slots[i];
        if (!s->key)
            return NULL;
        if (s->hash == h && s->key_len == len && !memcmp(s->key, key, len))
            return s;
    }
}

void *ks_map_get(const struct ks_map *m, const char *key, size_t len)
{
    struct ks_map_slot *s = ks_map_find(m, key, len);
    return s ? s->value : NULL;
}

static void insert_slot(struct ks_map_slot *slots, size_t cap, const struct ks_map_slot *src)
{
    size_t i;

    for (i = src->hash & (cap - 1); slots[i].key; i = (i + 1) & (cap - 1))
        ;
    slots[i] = *src;
}

static ks_err grow(struct ks_map *m)
{
    size_t cap = m->cap ? m->cap * 2 : 16;
    struct ks_map_slot *slots;

    if (cap > SIZE_MAX / sizeof(*slots))
        return KS_ENOMEM;
    slots = calloc(cap, sizeof(*slots));
    if (!slots)
        return KS_ENOMEM;
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].key)
            insert_slot(slots, cap, &m->slots[i]);
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return KS_OK;
}

ks_err ks_map_put(struct ks_map *m, const char *key, size_t len, void *value)
{
    struct ks_map_slot *s = ks_map_find(m, key, len);
    struct ks_map_slot n;

    if (s) {
        s->value = value;
        return KS_OK;
    }
    if ((m->len + 1) * 4 > m->cap * 3 && grow(m))
        return KS_ENOMEM;
    n.key = key;
    n.key_len = len;
    n.hash = ks_hash64(key, len);
    n.value = value;
    insert_slot(m->slots, m->cap, &n);
    m->len++;
    return KS_OK;
}

struct ks_map_slot *ks_map_next(const struct ks_map *m, size_t *pos)
{
    while (*pos < m->cap) {
        struct ks_map_slot *s = &m->slots[(*pos)++];
        if (s->key)
            return s;
    }
    return NULL;
}

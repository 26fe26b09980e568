/* core/map.h - a string-keyed hash table (open addressing, linear probing).
 *
 * The map does not copy keys or own values: keys must stay valid as long as
 * the map holds them (use an arena). Not thread-safe. */
#ifndef KS_CORE_MAP_H
#define KS_CORE_MAP_H

#include "core/err.h"

struct ks_map_slot {
    const char *key; /* NULL: empty */
    size_t key_len;
    uint64_t hash;
    void *value;
};

struct ks_map {
    struct ks_map_slot *slots;
    size_t cap; /* power of two, or 0 */
    size_t len;
};

#define KS_MAP_INIT {NULL, 0, 0}

void ks_map_release(struct ks_map *m);

/* Sets `key` (of `len` bytes) to `value`, replacing an existing value. */
ks_err ks_map_put(struct ks_map *m, const char *key, size_t len, void *value);

/* Returns the value for `key`, or NULL. */
void *ks_map_get(const struct ks_map *m, const char *key, size_t len);

/* The slot of `key`, or NULL: lets callers distinguish "absent" from a NULL value. */
struct ks_map_slot *ks_map_find(const struct ks_map *m, const char *key, size_t len);

/* Iterates: `*pos` starts at 0; returns the next used slot or NULL at the end. */
struct ks_map_slot *ks_map_next(const struct ks_map *m, size_t *pos);

#endif

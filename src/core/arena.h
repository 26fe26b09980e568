/* core/arena.h - bump allocator for job-scoped memory (one per document,
 * scanned target or request).
 *
 * Memory from an arena is never passed to free(); it dies all at once at
 * ks_arena_reset() or ks_arena_release(). Reset keeps the first block, so a
 * reused arena touches no fresh pages (fresh pages are expensive on these
 * machines: see docs/ARCHITECTURE.md). Not thread-safe: one arena per thread. */
#ifndef KS_CORE_ARENA_H
#define KS_CORE_ARENA_H

#include "core/ks_common.h"

struct ks_arena_block;

struct ks_arena {
    struct ks_arena_block *head; /* current block; older blocks follow */
    size_t block_size;           /* default size of a new block */
    size_t limit;                /* total bytes this arena may hold; 0 = none */
    size_t total;                /* bytes currently reserved in blocks */
};

#define KS_ARENA_DEFAULT_BLOCK   (64 * 1024)
#define KS_ARENA_INIT(block, lim) {NULL, (block), (lim), 0}

/* Prepares an empty arena; no memory is taken until the first allocation. */
void ks_arena_init(struct ks_arena *a, size_t block_size, size_t limit);

/* Returns `size` bytes aligned for any type, or NULL when out of memory or
 * when the arena would exceed its `limit`. Valid until the next reset/release. */
void *ks_arena_alloc(struct ks_arena *a, size_t size);

/* Like ks_arena_alloc() but zero-filled. */
void *ks_arena_calloc(struct ks_arena *a, size_t n, size_t size);

/* Moves every block of `src` into `dst`: memory allocated from `src` stays
 * valid and now lives as long as `dst`; `src` is left empty. */
void ks_arena_adopt(struct ks_arena *dst, struct ks_arena *src);

/* Copies `len` bytes of `s` and a terminating NUL into the arena. */
char *ks_arena_strndup(struct ks_arena *a, const char *s, size_t len);

/* Copies the NUL-terminated string `s` (NULL gives NULL). */
char *ks_arena_strdup(struct ks_arena *a, const char *s);

/* The `n` strings `parts` joined (a NULL part counts as ""): what
 * ks_arena_printf("%s%s...") gives, without formatting (hot paths). */
char *ks_arena_concat(struct ks_arena *a, const char *const *parts, size_t n);
#define KS_ARENA_CAT(a, ...)                                                                       \
    ks_arena_concat((a), (const char *const[]){__VA_ARGS__},                                      \
                    sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

/* printf into the arena. */
char *ks_arena_printf(struct ks_arena *a, const char *fmt, ...) KS_PRINTF(2, 3);

/* Forgets every allocation; keeps the first block for reuse. */
void ks_arena_reset(struct ks_arena *a);

/* Frees every block. The arena can be used again afterwards. */
void ks_arena_release(struct ks_arena *a);

#endif

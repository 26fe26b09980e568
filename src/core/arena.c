#include "core/ks_common.h"

#include "core/arena.h"

struct ks_arena_block {
    struct ks_arena_block *next;
    size_t size; /* usable bytes in data[] */
    size_t used;
    max_align_t data[]; /* aligned storage */
};

#define ALIGN (_Alignof(max_align_t))

void ks_arena_init(struct ks_arena *a, size_t block_size, size_t limit)
{
    a->head = NULL;
    a->block_size = block_size ? block_size : KS_ARENA_DEFAULT_BLOCK;
    a->limit = limit;
    a->total = 0;
}

static struct ks_arena_block *new_block(struct ks_arena *a, size_t need)
{
    size_t size = a->block_size ? a->block_size : KS_ARENA_DEFAULT_BLOCK;
    struct ks_arena_block *b;

    if (need > size)
        size = need;
    if (a->limit && (a->total > a->limit || size > a->limit - a->total))
        return NULL;
    b = malloc(sizeof(*b) + size);
    if (!b)
        return NULL;
    b->size = size;
    b->used = 0;
    a->total += size;
    return b;
}

void *ks_arena_alloc(struct ks_arena *a, size_t size)
{
    struct ks_arena_block *b = a->head;
    size_t need;
    void *p;

    if (size > SIZE_MAX - ALIGN)
        return NULL;
    need = (size + ALIGN - 1) & ~(ALIGN - 1);
    if (need == 0)
        need = ALIGN;
    if (!b || b->size - b->used < need) {
        b = new_block(a, need);
        if (!b)
            return NULL;
        /* Always push at the head, so the oldest block stays last in the
         * list; reset keeps that one. */
        b->next = a->head;
        a->head = b;
    }
    p = (char *)b->data + b->used;
    b->used += need;
    return p;
}

void *ks_arena_calloc(struct ks_arena *a, size_t n, size_t size)
{
    void *p;

    if (size && n > SIZE_MAX / size)
        return NULL;
    p = ks_arena_alloc(a, n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

char *ks_arena_concat(struct ks_arena *a, const char *const *parts, size_t n)
{
    size_t len = 0, at = 0;
    char *p;

    for (size_t i = 0; i < n; i++) {
        size_t l = parts[i] ? strlen(parts[i]) : 0;

        if (l > SIZE_MAX - 1 - len)
            return NULL;
        len += l;
    }
    p = ks_arena_alloc(a, len + 1);
    for (size_t i = 0; p && i < n; i++) {
        size_t l = parts[i] ? strlen(parts[i]) : 0;

        if (l)
            memcpy(p + at, parts[i], l);
        at += l;
    }
    if (p)
        p[len] = '\0';
    return p;
}

char *ks_arena_strndup(struct ks_arena *a, const char *s, size_t len)
{
    char *p;

    if (len == SIZE_MAX)
        return NULL;
    p = ks_arena_alloc(a, len + 1);
    if (!p)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *ks_arena_strdup(struct ks_arena *a, const char *s)
{
    return s ? ks_arena_strndup(a, s, strlen(s)) : NULL;
}

char *ks_arena_printf(struct ks_arena *a, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *p;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    p = ks_arena_alloc(a, (size_t)n + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void ks_arena_reset(struct ks_arena *a)
{
    struct ks_arena_block *b = a->head;
    struct ks_arena_block *first = NULL;

    /* The oldest block is the last in the list: keep it, free the rest. */
    while (b) {
        struct ks_arena_block *next = b->next;
        if (!next) {
            first = b;
            break;
        }
        a->total -= b->size;
        free(b);
        b = next;
    }
    a->head = first;
    if (first) {
        first->used = 0;
        first->next = NULL;
    }
}

void ks_arena_release(struct ks_arena *a)
{
    struct ks_arena_block *b = a->head;

    while (b) {
        struct ks_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->total = 0;
}

void ks_arena_adopt(struct ks_arena *dst, struct ks_arena *src)
{
    struct ks_arena_block *tail = src->head;

    if (!tail)
        return;
    while (tail->next)
        tail = tail->next;
    /* src's blocks go in front, so dst's oldest block stays last (reset keeps it) */
    tail->next = dst->head;
    dst->head = src->head;
    dst->total += src->total;
    src->head = NULL;
    src->total = 0;
}

/*
 * arena.c — bump allocation in chunks, freed all at once with the batch
 * that owns it. Allocations are 16-byte aligned so decimal(38) values and
 * SIMD loads need no care.
 */
#include "tide_ffi.h"

#include <stdlib.h>
#include <string.h>

#define ARENA_ALIGN 16
#define ARENA_DEFAULT_CHUNK (64 * 1024)

typedef struct arena_chunk {
    struct arena_chunk *prev;
    size_t size; /* usable bytes after the header */
    size_t used;
    _Alignas(ARENA_ALIGN) unsigned char mem[];
} arena_chunk;

struct tide_arena {
    arena_chunk *head;
    size_t chunk_size;
    size_t total;
    void *last; /* most recent allocation, the one realloc can grow in place */
};

static size_t align_up(size_t n)
{
    return (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
}

tide_arena *tide_arena_new(size_t chunk_size)
{
    tide_arena *a = calloc(1, sizeof *a);
    if (!a) return NULL;
    a->chunk_size = chunk_size ? chunk_size : ARENA_DEFAULT_CHUNK;
    return a;
}

void tide_arena_free(tide_arena *a)
{
    if (!a) return;
    arena_chunk *c = a->head;
    while (c) {
        arena_chunk *prev = c->prev;
        free(c);
        c = prev;
    }
    free(a);
}

static arena_chunk *add_chunk(tide_arena *a, size_t need)
{
    size_t size = need > a->chunk_size ? need : a->chunk_size;
    arena_chunk *c = malloc(sizeof *c + size);
    if (!c) return NULL;
    c->prev = a->head;
    c->size = size;
    c->used = 0;
    a->head = c;
    a->total += size;
    /* Later chunks grow so that large batches need few of them. */
    if (a->chunk_size < 16 * 1024 * 1024) a->chunk_size *= 2;
    return c;
}

void *tide_arena_alloc(tide_arena *a, size_t size)
{
    size = align_up(size ? size : 1);
    arena_chunk *c = a->head;
    if (!c || c->size - c->used < size) {
        c = add_chunk(a, size);
        if (!c) return NULL;
    }
    void *p = c->mem + c->used;
    c->used += size;
    a->last = p;
    return p;
}

void *tide_arena_calloc(tide_arena *a, size_t size)
{
    void *p = tide_arena_alloc(a, size);
    if (p) memset(p, 0, size);
    return p;
}

void *tide_arena_realloc(tide_arena *a, void *ptr, size_t old_size, size_t new_size)
{
    if (!ptr) return tide_arena_alloc(a, new_size);
    if (new_size <= old_size) return ptr;
    arena_chunk *c = a->head;
    if (ptr == a->last && c) {
        size_t start = (size_t)((unsigned char *)ptr - c->mem);
        size_t need = align_up(new_size);
        if (start + need <= c->size) {
            c->used = start + need;
            return ptr;
        }
    }
    void *p = tide_arena_alloc(a, new_size);
    if (p) memcpy(p, ptr, old_size);
    return p;
}

char *tide_arena_strdup(tide_arena *a, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = tide_arena_alloc(a, n);
    if (p) memcpy(p, s, n);
    return p;
}

size_t tide_arena_bytes(const tide_arena *a)
{
    return a->total;
}

/*
 * arena.c — bump allocation in chunks, freed all at once with the batch
 * that owns it. Allocations are 16-byte aligned so decimal(38) values and
 * SIMD loads need no care.
 *
 * Chunks are power-of-two sized (64 KiB and up, header included) and a
 * freed arena's chunks go to a process-wide cache, up to a limit, from
 * which the next arenas take them: a stream of batches reuses the same
 * memory instead of mapping fresh pages (and faulting them in) every
 * batch. Counters of live arenas and bytes (tide_arena_stats_get) let
 * tests and benchmarks see what is held. The cache and counters are
 * shared by every thread, behind one mutex taken once per chunk.
 *
 * Chunks of 256 KiB and more are mapped with mmap and unmapped when the
 * cache does not keep them, so their pages leave the process at once.
 * From malloc they would not: glibc serves blocks below its mmap threshold
 * from heaps it rarely gives back, and it raises that threshold (up to
 * 32 MiB) each time a mapped block is freed, so a stream's resident size
 * would keep the high-water mark of its largest batch.
 */
#include "tide_ffi.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define ARENA_ALIGN 16
#define ARENA_DEFAULT_CHUNK (64 * 1024)
#define MIN_CLASS 16 /* 64 KiB */
#define NUM_CLASSES 48
/* Cached chunks kept for reuse by default: about the working set of one
   slice of a micro-batch (lua/tide/execution.lua runs row-wise plans
   slice by slice), which the next slice takes again. 32 MiB rather than
   16 halves a stream's kernel time in page faults; docs/performance.md
   ("Knobs") has the measurements against the memory budget. */
#if defined(__SANITIZE_ADDRESS__)
#define DEFAULT_CACHE_LIMIT 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DEFAULT_CACHE_LIMIT 0
#endif
#endif
#ifndef DEFAULT_CACHE_LIMIT
#define DEFAULT_CACHE_LIMIT (32ULL << 20)
#define MAP_CLASS 18 /* 256 KiB: chunks this large are mapped */
#else
#define MAP_CLASS NUM_CLASSES /* under ASan every chunk is malloc's, which it checks */
#endif

typedef struct arena_chunk {
    struct arena_chunk *prev;
    size_t size; /* usable bytes after the header */
    size_t used;
    int klass;   /* log2 of the whole allocation */
    _Alignas(ARENA_ALIGN) unsigned char mem[];
} arena_chunk;

struct tide_arena {
    arena_chunk *head;
    size_t chunk_size;
    size_t total;
    void *last; /* most recent allocation, the one realloc can grow in place */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static arena_chunk *cache[NUM_CLASSES];
static size_t cache_limit = DEFAULT_CACHE_LIMIT;
static tide_arena_stats stats;
/* Live bytes at their highest since the last trim, and those highs of
   the last TRIM_WINDOW trims: what the cache keeps room for. */
#define TRIM_WINDOW 16
static int64_t window_peak;
static int64_t recent_peaks[TRIM_WINDOW];
static int recent_next;

static void *chunk_alloc(int k)
{
    if (k < MAP_CLASS) return malloc((size_t)1 << k);
    void *p = mmap(NULL, (size_t)1 << k, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static void chunk_release(arena_chunk *c)
{
    if (c->klass < MAP_CLASS) free(c);
    else munmap(c, (size_t)1 << c->klass);
}

static size_t align_up(size_t n)
{
    return (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
}

/* The class (log2 size) of a chunk with `usable` bytes after its header. */
static int class_of(size_t usable)
{
    size_t whole = usable + sizeof(arena_chunk);
    int k = MIN_CLASS;
    while (k < NUM_CLASSES - 1 && ((size_t)1 << k) < whole) k++;
    return ((size_t)1 << k) >= whole ? k : -1;
}

static arena_chunk *chunk_get(size_t usable)
{
    int k = class_of(usable);
    if (k < 0) return NULL;
    pthread_mutex_lock(&lock);
    arena_chunk *c = cache[k];
    if (c) {
        cache[k] = c->prev;
        stats.cached_bytes -= (int64_t)1 << k;
        stats.reused_chunks++;
    }
    pthread_mutex_unlock(&lock);
    if (!c) {
        c = chunk_alloc(k);
        if (!c) return NULL;
        c->klass = k;
        c->size = ((size_t)1 << k) - sizeof *c;
    }
    pthread_mutex_lock(&lock);
    stats.bytes += (int64_t)1 << k;
    if (stats.bytes > stats.peak_bytes) stats.peak_bytes = stats.bytes;
    if (stats.bytes > window_peak) window_peak = stats.bytes;
    pthread_mutex_unlock(&lock);
    c->used = 0;
    c->prev = NULL;
    return c;
}

/* Returns a list of chunks (linked by prev) to the cache or to malloc. */
static void chunks_put(arena_chunk *c)
{
    arena_chunk *spill = NULL;
    pthread_mutex_lock(&lock);
    while (c) {
        arena_chunk *prev = c->prev;
        int64_t size = (int64_t)1 << c->klass;
        stats.bytes -= size;
        if (stats.cached_bytes + size <= (int64_t)cache_limit) {
            c->prev = cache[c->klass];
            cache[c->klass] = c;
            stats.cached_bytes += size;
        } else {
            c->prev = spill;
            spill = c;
        }
        c = prev;
    }
    pthread_mutex_unlock(&lock);
    while (spill) {
        arena_chunk *prev = spill->prev;
        chunk_release(spill);
        spill = prev;
    }
}

tide_arena *tide_arena_new(size_t chunk_size)
{
    tide_arena *a = calloc(1, sizeof *a);
    if (!a) return NULL;
    a->chunk_size = chunk_size ? chunk_size : ARENA_DEFAULT_CHUNK;
    pthread_mutex_lock(&lock);
    stats.arenas++;
    pthread_mutex_unlock(&lock);
    return a;
}

void tide_arena_free(tide_arena *a)
{
    if (!a) return;
    chunks_put(a->head);
    pthread_mutex_lock(&lock);
    stats.arenas--;
    pthread_mutex_unlock(&lock);
    free(a);
}

static arena_chunk *add_chunk(tide_arena *a, size_t need)
{
    /* chunk_size counts the header, so default chunks fill their class. */
    size_t room = a->chunk_size > 2 * sizeof(arena_chunk) ? a->chunk_size - sizeof(arena_chunk) : a->chunk_size;
    size_t size = need > room ? need : room;
    arena_chunk *c = chunk_get(size);
    if (!c) return NULL;
    c->prev = a->head;
    a->head = c;
    a->total += c->size;
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

int tide_arena_owns(const tide_arena *a, const void *p)
{
    const unsigned char *q = p;
    for (const arena_chunk *c = a->head; c; c = c->prev)
        if (q >= c->mem && q < c->mem + c->used) return 1;
    return 0;
}

size_t tide_arena_bytes(const tide_arena *a)
{
    return a->total;
}

void tide_arena_stats_get(tide_arena_stats *out)
{
    pthread_mutex_lock(&lock);
    *out = stats;
    out->cache_limit = (int64_t)cache_limit;
    pthread_mutex_unlock(&lock);
}

/* Takes cached chunks beyond `keep` bytes out of the cache, largest or
   smallest first; the caller frees them outside the lock. */
static arena_chunk *cache_shrink_locked(int64_t keep, int largest_first)
{
    arena_chunk *spill = NULL;
    for (int i = 0; i < NUM_CLASSES && stats.cached_bytes > keep; i++) {
        int k = largest_first ? NUM_CLASSES - 1 - i : i;
        while (cache[k] && stats.cached_bytes > keep) {
            arena_chunk *c = cache[k];
            cache[k] = c->prev;
            stats.cached_bytes -= (int64_t)1 << k;
            c->prev = spill;
            spill = c;
        }
    }
    return spill;
}

static void free_chunks(arena_chunk *c)
{
    while (c) {
        arena_chunk *prev = c->prev;
        chunk_release(c);
        c = prev;
    }
}

void tide_arena_cache_set_limit(size_t bytes)
{
    pthread_mutex_lock(&lock);
    cache_limit = bytes;
    /* Largest first: they hold the most for the fewest reuses. */
    arena_chunk *spill = cache_shrink_locked((int64_t)cache_limit, 1);
    pthread_mutex_unlock(&lock);
    free_chunks(spill);
}

void tide_arena_cache_trim(void)
{
    pthread_mutex_lock(&lock);
    recent_peaks[recent_next] = window_peak;
    recent_next = (recent_next + 1) % TRIM_WINDOW;
    window_peak = stats.bytes;
    int64_t want = 0;
    for (int i = 0; i < TRIM_WINDOW; i++)
        if (recent_peaks[i] > want) want = recent_peaks[i];
    /* Room for the recent peak beside what is live now; smallest first,
       since the large chunks are the ones that peak was made of. */
    int64_t keep = want - stats.bytes;
    arena_chunk *spill = cache_shrink_locked(keep > 0 ? keep : 0, 0);
    pthread_mutex_unlock(&lock);
    free_chunks(spill);
}

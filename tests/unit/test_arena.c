/* Unit tests of the arena: alignment, growth, in-place realloc, the cache's trim. */
#include "check.h"
#include "tide_ffi.h"

#include <stdint.h>

static void allocations_are_aligned_and_distinct(void)
{
    tide_arena *a = tide_arena_new(128);
    char *p = tide_arena_alloc(a, 3);
    char *q = tide_arena_alloc(a, 5);
    CHECK(((uintptr_t)p & 15) == 0);
    CHECK(((uintptr_t)q & 15) == 0);
    CHECK(q >= p + 3);
    tide_arena_free(a);
}

static void large_allocations_get_their_own_chunk(void)
{
    tide_arena *a = tide_arena_new(64);
    unsigned char *big = tide_arena_alloc(a, 1 << 20);
    CHECK(big != NULL);
    memset(big, 0xab, 1 << 20); /* valgrind/ASan would flag an undersized chunk */
    CHECK(tide_arena_bytes(a) >= (1 << 20));
    tide_arena_free(a);
}

static void realloc_of_last_allocation_grows_in_place(void)
{
    tide_arena *a = tide_arena_new(4096);
    char *p = tide_arena_alloc(a, 16);
    memcpy(p, "0123456789abcde", 16);
    char *q = tide_arena_realloc(a, p, 16, 64);
    CHECK(p == q);
    char *r = tide_arena_alloc(a, 8);
    char *s = tide_arena_realloc(a, q, 64, 128); /* no longer the last one: copied */
    CHECK(s != q && s != r);
    CHECK_STR(s, "0123456789abcde");
    tide_arena_free(a);
}

static void calloc_zeroes_and_strdup_copies(void)
{
    tide_arena *a = tide_arena_new(0);
    int *z = tide_arena_calloc(a, 100 * sizeof(int));
    int sum = 0;
    for (int i = 0; i < 100; i++) sum += z[i];
    CHECK(sum == 0);
    CHECK_STR(tide_arena_strdup(a, "tide"), "tide");
    tide_arena_free(a);
}

static int64_t cached_bytes(void)
{
    tide_arena_stats st;
    tide_arena_stats_get(&st);
    return st.cached_bytes;
}

/* One large unit of work, then many small ones: the cache keeps the large
   one's chunks while it is among the recent peaks, then lets them go. */
static void trim_keeps_only_what_recent_work_used(void)
{
    tide_arena_cache_set_limit(64u << 20);
    tide_arena_cache_trim();
    tide_arena *big = tide_arena_new(0);
    CHECK(tide_arena_alloc(big, 8u << 20) != NULL);
    tide_arena_free(big);
    if (cached_bytes() == 0) return; /* no cache (AddressSanitizer builds) */
    CHECK(cached_bytes() >= (8 << 20));
    tide_arena_cache_trim();
    CHECK(cached_bytes() >= (8 << 20)); /* the unit just done used it */
    for (int unit = 0; unit < 40; unit++) {
        tide_arena *small = tide_arena_new(0);
        CHECK(tide_arena_alloc(small, 1000) != NULL);
        tide_arena_free(small);
        tide_arena_cache_trim();
    }
    CHECK(cached_bytes() < (1 << 20));
}

TEST_MAIN(TEST(allocations_are_aligned_and_distinct), TEST(large_allocations_get_their_own_chunk),
          TEST(realloc_of_last_allocation_grows_in_place), TEST(calloc_zeroes_and_strdup_copies),
          TEST(trim_keeps_only_what_recent_work_used))

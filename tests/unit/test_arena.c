/* Unit tests of the arena: alignment, growth, in-place realloc. */
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

TEST_MAIN(TEST(allocations_are_aligned_and_distinct), TEST(large_allocations_get_their_own_chunk),
          TEST(realloc_of_last_allocation_grows_in_place), TEST(calloc_zeroes_and_strdup_copies))

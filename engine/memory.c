/*
 * memory.c — how the process gives memory back (contracts in tide_ffi.h).
 *
 * A stream's batches come and go, and so do librdkafka's fetch responses
 * and produce queues, which live in malloc's heaps. glibc raises its mmap
 * threshold (up to 32 MiB) each time a mapped block is freed, and its trim
 * threshold with it, so after a few large batches every block comes from
 * heaps it keeps: the resident size would stay at the high-water mark of
 * the largest batch. Fixed thresholds keep large blocks mapped (freed to
 * the system at once); tide_memory_trim hands back the free pages inside
 * the heaps after a batch. What allocates the same large buffers over and
 * over (a Kafka source's fetch responses, the producer's chunks) raises
 * them with tide_memory_keep: mapping and faulting in each buffer afresh
 * cost more than the memory it keeps.
 */
#include "tide_ffi.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

void tide_memory_init(void)
{
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    mallopt(M_TRIM_THRESHOLD, 1024 * 1024);
#endif
}

void tide_memory_keep(size_t bytes)
{
#ifdef __GLIBC__
    /* The largest wish holds: a Kafka source and a producer in one
       process each keep their own buffers. */
    static size_t kept;
    /* mallopt refuses an mmap threshold above 32 MiB on 64-bit glibc. */
    if (bytes > (32u << 20)) bytes = 32u << 20;
    if (bytes <= kept) return;
    kept = bytes;
    mallopt(M_MMAP_THRESHOLD, (int)bytes);
    mallopt(M_TRIM_THRESHOLD, 2 * (int)bytes);
#else
    (void)bytes;
#endif
}

void tide_memory_trim(void)
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

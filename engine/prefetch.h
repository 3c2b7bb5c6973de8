/*
 * prefetch.h — a software prefetch that the compiler keeps. Kernels over
 * sparse vectors touch one coefficient (or statistic) per entry at a random
 * place in arrays of megabytes (the one-hot columns of nearly unique ids);
 * asking for the entries of a row some rows ahead hides the memory latency.
 * GCC drops a loop holding only __builtin_prefetch as dead code at -O3; an
 * asm statement stays.
 */
#ifndef TIDE_PREFETCH_H
#define TIDE_PREFETCH_H

/* Rows ahead that sparse kernels prefetch (measured on 1 M Avazu-shaped
   rows: 8 to 24 do about equally well). */
#define TIDE_PREFETCH_ROWS 16

static inline void tide_prefetch(const void *p)
{
#if defined(__x86_64__) || defined(__i386__)
    __asm__ volatile("prefetcht0 %0" : : "m"(*(const char *)p));
#else
    __builtin_prefetch(p);
#endif
}

#endif

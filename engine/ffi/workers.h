/* The pool of threads that data-parallel kernels (from_json) share with
   the thread running Lua (workers.c). Part of the FFI declarations (see
   tide_ffi.h): plain C, no macros, so that LuaJIT's ffi.cdef reads it as
   well. */
#ifndef TIDE_FFI_WORKERS_H
#define TIDE_FFI_WORKERS_H

#include "tide_ffi.h"

/* Worker threads besides the caller's: n (at most 8), 0 for none (every
   kernel runs on the calling thread), or -1 for the default, the online
   CPUs minus one. Takes effect with the next kernel call. */
void tide_workers_set_threads(int32_t n);
int tide_workers_threads(void);

/* Tasks submitted so far, and of those the ones a worker thread ran (the
   others found no worker free and ran on their caller's thread). */
void tide_workers_stats(int64_t *tasks, int64_t *run_by_worker);

/* Joins the workers (at exit); later kernels start them again. */
void tide_workers_shutdown(void);

#endif

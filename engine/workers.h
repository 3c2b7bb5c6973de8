/*
 * workers.h — threads for data-parallel kernels. A kernel submits tasks
 * (each runs fn(arg) once on some thread) and waits for each before it
 * returns; a task not yet started when its caller waits for it is run by
 * the caller, so a kernel never depends on a worker being free. fn must
 * not call Lua, allocate from a batch's arena, or submit tasks itself.
 * The pool's size is set from Lua (tide_workers_set_threads, ffi/workers.h).
 */
#ifndef TIDE_WORKERS_H
#define TIDE_WORKERS_H

#include "ffi/workers.h"

typedef struct tide_task {
    void (*fn)(void *arg);
    void *arg;
    int done;
    struct tide_task *next;
} tide_task;

void tide_workers_submit(tide_task *t);
void tide_workers_wait(tide_task *t);

#endif

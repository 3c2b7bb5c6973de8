/*
 * workers.c — a small pool of threads for data-parallel kernels
 * (workers.h). The thread that runs Lua calls a kernel; the kernel cuts
 * its rows into parts, submits all but the first to the pool, works the
 * first itself and waits for the others. Workers never touch Lua or a
 * batch's arena: they write into buffers the caller set aside for them.
 *
 * Threads start on the first task and then wait on a condition variable
 * between tasks; the pool is sized by tide_workers_set_threads (the number
 * of online CPUs minus one by default, so with the calling thread every
 * core has one runner). tide_workers_shutdown joins them at exit.
 */
#include "workers.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

/* More threads than this gain nothing for one batch's kernels (their
   parts become too small) and only add hand-offs. */
#define MAX_THREADS 8

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_ready = PTHREAD_COND_INITIALIZER;
static pthread_cond_t work_done = PTHREAD_COND_INITIALIZER;
static tide_task *queue_head, *queue_tail;
static pthread_t threads[MAX_THREADS];
static int started;     /* threads running */
static int wanted = -1; /* tide_workers_set_threads; -1: the default */
static int stopping;
static int64_t submitted, run_by_workers; /* tasks, and those a worker (not their caller) ran */

/* The pool's size, with lock held. The default is worked out once: every
   from_json call asks, and sysconf reads a file under /sys each time. */
static int pool_size_locked(void)
{
    static int default_threads = -1;
    if (wanted >= 0) return wanted;
    if (default_threads < 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        default_threads = cpus < 2 ? 0 : cpus - 1 > MAX_THREADS ? MAX_THREADS : (int)(cpus - 1);
    }
    return default_threads;
}

static void *worker_main(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&lock);
    for (;;) {
        while (!queue_head && !stopping)
            pthread_cond_wait(&work_ready, &lock);
        if (!queue_head) break; /* stopping, and nothing left to run */
        tide_task *t = queue_head;
        queue_head = t->next;
        if (!queue_head) queue_tail = NULL;
        pthread_mutex_unlock(&lock);
        t->fn(t->arg);
        pthread_mutex_lock(&lock);
        t->done = 1;
        run_by_workers++;
        pthread_cond_broadcast(&work_done);
    }
    pthread_mutex_unlock(&lock);
    return NULL;
}

int tide_workers_threads(void)
{
    pthread_mutex_lock(&lock);
    int n = pool_size_locked();
    pthread_mutex_unlock(&lock);
    return n;
}

void tide_workers_stats(int64_t *tasks, int64_t *run_by_worker)
{
    pthread_mutex_lock(&lock);
    *tasks = submitted;
    *run_by_worker = run_by_workers;
    pthread_mutex_unlock(&lock);
}

void tide_workers_set_threads(int32_t n)
{
    pthread_mutex_lock(&lock);
    wanted = n < 0 ? -1 : n > MAX_THREADS ? MAX_THREADS : n;
    pthread_mutex_unlock(&lock);
}

void tide_workers_submit(tide_task *t)
{
    t->done = 0;
    t->next = NULL;
    pthread_mutex_lock(&lock);
    int n = pool_size_locked();
    /* Start a thread per task queued, up to the pool's size; a thread that
       cannot start leaves the task to those that did, or to the caller's
       wait (below), which then runs it. */
    if (started < n && !stopping && pthread_create(&threads[started], NULL, worker_main, NULL) == 0)
        started++;
    submitted++;
    if (queue_tail)
        queue_tail->next = t;
    else
        queue_head = t;
    queue_tail = t;
    pthread_cond_signal(&work_ready);
    pthread_mutex_unlock(&lock);
}

/* Takes t off the queue if no worker has taken it yet. */
static int unqueue_locked(tide_task *t)
{
    tide_task **p = &queue_head;
    tide_task *prev = NULL;
    for (; *p; prev = *p, p = &(*p)->next) {
        if (*p != t) continue;
        *p = t->next;
        if (queue_tail == t) queue_tail = prev;
        return 1;
    }
    return 0;
}

void tide_workers_wait(tide_task *t)
{
    pthread_mutex_lock(&lock);
    /* A task still queued when its caller is ready is run by the caller:
       it never waits for a busy (or missing) worker to come round. */
    if (!t->done && unqueue_locked(t)) {
        pthread_mutex_unlock(&lock);
        t->fn(t->arg);
        t->done = 1;
        return;
    }
    while (!t->done)
        pthread_cond_wait(&work_done, &lock);
    pthread_mutex_unlock(&lock);
}

void tide_workers_shutdown(void)
{
    pthread_mutex_lock(&lock);
    stopping = 1;
    pthread_cond_broadcast(&work_ready);
    int n = started;
    pthread_mutex_unlock(&lock);
    for (int i = 0; i < n; i++)
        pthread_join(threads[i], NULL);
    pthread_mutex_lock(&lock);
    started = 0;
    stopping = 0;
    pthread_mutex_unlock(&lock);
}

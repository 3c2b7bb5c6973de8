/*
 * bounded_call.c — see bounded_call.h. The state is shared by the caller
 * and the thread; whichever of them is last to look at it frees it: the
 * caller when fn returned in time, the thread when the caller gave up.
 */
#include "bounded_call.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t returned;
    int done, abandoned;
    tide_call_fn fn, late;
    void *arg;
} bounded_call;

static void call_free(bounded_call *c)
{
    pthread_cond_destroy(&c->returned);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static void *call_main(void *arg)
{
    bounded_call *c = arg;
    c->fn(c->arg);
    pthread_mutex_lock(&c->lock);
    int abandoned = c->abandoned;
    c->done = 1;
    pthread_cond_signal(&c->returned);
    pthread_mutex_unlock(&c->lock);
    if (abandoned) {
        if (c->late) c->late(c->arg);
        call_free(c);
    }
    return NULL;
}

static int call_init(bounded_call *c)
{
    pthread_condattr_t attr;
    if (pthread_condattr_init(&attr) != 0) return -1;
    /* The monotonic clock: a wall clock set back would stretch the wait. */
    int rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    if (rc == 0) rc = pthread_cond_init(&c->returned, &attr);
    pthread_condattr_destroy(&attr);
    if (rc != 0) return -1;
    if (pthread_mutex_init(&c->lock, NULL) != 0) {
        pthread_cond_destroy(&c->returned);
        return -1;
    }
    return 0;
}

int tide_bounded_call(tide_call_fn fn, tide_call_fn late, void *arg, double timeout_s)
{
    bounded_call *c = calloc(1, sizeof *c);
    pthread_t thread;
    if (!c || call_init(c) != 0) {
        free(c);
        fn(arg);
        return 0;
    }
    c->fn = fn;
    c->late = late;
    c->arg = arg;
    if (pthread_create(&thread, NULL, call_main, c) != 0) {
        call_free(c);
        fn(arg);
        return 0;
    }
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    long long ns = deadline.tv_nsec + (long long)(timeout_s * 1e9);
    deadline.tv_sec += (time_t)(ns / 1000000000);
    deadline.tv_nsec = (long)(ns % 1000000000);
    pthread_mutex_lock(&c->lock);
    int waited = 0;
    while (!c->done && waited == 0)
        waited = pthread_cond_timedwait(&c->returned, &c->lock, &deadline);
    int late_call = !c->done;
    c->abandoned = late_call;
    pthread_mutex_unlock(&c->lock);
    if (late_call) {
        pthread_detach(thread);
        return 1;
    }
    pthread_join(thread, NULL);
    call_free(c);
    return 0;
}

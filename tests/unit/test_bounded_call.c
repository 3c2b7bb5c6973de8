/* Unit tests of tide_bounded_call: a call that returns in time is joined;
   one that does not is left running and finishes with its late call. */
#include "bounded_call.h"
#include "check.h"

#include <pthread.h>

typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int released, calls, late_calls, late_after_call;
} probe;

static probe make_probe(void)
{
    probe p = {.released = 0};
    pthread_mutex_init(&p.lock, NULL);
    pthread_cond_init(&p.changed, NULL);
    return p;
}

static void returns_at_once(void *arg)
{
    probe *p = arg;
    pthread_mutex_lock(&p->lock);
    p->calls++;
    pthread_mutex_unlock(&p->lock);
}

/* Blocks until the test releases it, as a shutdown waiting on itself. */
static void blocks_until_released(void *arg)
{
    probe *p = arg;
    pthread_mutex_lock(&p->lock);
    while (!p->released)
        pthread_cond_wait(&p->changed, &p->lock);
    p->calls++;
    pthread_mutex_unlock(&p->lock);
}

static void late(void *arg)
{
    probe *p = arg;
    pthread_mutex_lock(&p->lock);
    p->late_calls++;
    p->late_after_call = p->calls == 1;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
}

static void a_call_that_returns_is_waited_for(void)
{
    probe p = make_probe();
    CHECK(tide_bounded_call(returns_at_once, late, &p, 10.0) == 0);
    CHECK(p.calls == 1);
    CHECK(p.late_calls == 0);
}

static void a_call_that_does_not_return_is_left_running(void)
{
    probe p = make_probe();
    CHECK(tide_bounded_call(blocks_until_released, late, &p, 0.05) == 1);
    pthread_mutex_lock(&p.lock);
    CHECK(p.calls == 0 && p.late_calls == 0);
    p.released = 1;
    pthread_cond_broadcast(&p.changed);
    while (p.late_calls == 0)
        pthread_cond_wait(&p.changed, &p.lock);
    pthread_mutex_unlock(&p.lock);
    CHECK(p.late_calls == 1);
    CHECK(p.late_after_call);
}

TEST_MAIN(TEST(a_call_that_returns_is_waited_for),
          TEST(a_call_that_does_not_return_is_left_running))

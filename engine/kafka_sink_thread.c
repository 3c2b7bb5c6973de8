/*
 * kafka_sink_thread.c — a send enqueued on a thread of the sink's own, so
 * that librdkafka's per-record work (allocation, locks, the partitioner)
 * overlaps the caller's next piece, as the source's fetch-ahead does on
 * the reading side.
 *
 * One send at a time: every entry point of the sink first waits for the
 * one in flight, so the sink's state is only ever used by one thread. The
 * thread runs sink_enqueue on the job it is handed and keeps its failure
 * (job_failed, job_error) for the caller's thread to report; it never
 * retains or frees a batch (kafka_sink_delivery.c hands loans back).
 */
#include "kafka_sink_int.h"

enum { SENDER_IDLE, SENDER_BUSY, SENDER_QUIT };

static void *sender_main(void *arg)
{
    tide_kafka_sink *sink = arg;
    pthread_mutex_lock(&sink->lock);
    for (;;) {
        while (sink->state == SENDER_IDLE)
            pthread_cond_wait(&sink->changed, &sink->lock);
        if (sink->state == SENDER_QUIT) break;
        pthread_mutex_unlock(&sink->lock);
        int rc = sink_enqueue(sink, &sink->job, sink->job_error, sizeof sink->job_error);
        pthread_mutex_lock(&sink->lock);
        if (rc != 0) sink->job_failed = 1;
        sink->state = SENDER_IDLE;
        pthread_cond_broadcast(&sink->changed);
    }
    pthread_mutex_unlock(&sink->lock);
    return NULL;
}

void sink_thread_init(tide_kafka_sink *sink)
{
    sink->state = SENDER_IDLE;
    pthread_mutex_init(&sink->lock, NULL);
    pthread_cond_init(&sink->changed, NULL);
}

int sink_thread_start(tide_kafka_sink *sink)
{
    if (!sink->thread_started && pthread_create(&sink->thread, NULL, sender_main, sink) == 0)
        sink->thread_started = 1;
    return sink->thread_started;
}

void sink_thread_send(tide_kafka_sink *sink, const send_job *job)
{
    pthread_mutex_lock(&sink->lock);
    sink->job = *job;
    sink->state = SENDER_BUSY;
    pthread_cond_broadcast(&sink->changed);
    pthread_mutex_unlock(&sink->lock);
}

void sink_thread_wait(tide_kafka_sink *sink)
{
    if (!sink->thread_started) return;
    pthread_mutex_lock(&sink->lock);
    while (sink->state == SENDER_BUSY)
        pthread_cond_wait(&sink->changed, &sink->lock);
    pthread_mutex_unlock(&sink->lock);
}

void sink_thread_free(tide_kafka_sink *sink)
{
    if (sink->thread_started) {
        sink_thread_wait(sink);
        pthread_mutex_lock(&sink->lock);
        sink->state = SENDER_QUIT;
        pthread_cond_broadcast(&sink->changed);
        pthread_mutex_unlock(&sink->lock);
        pthread_join(sink->thread, NULL);
    }
    pthread_cond_destroy(&sink->changed);
    pthread_mutex_destroy(&sink->lock);
}

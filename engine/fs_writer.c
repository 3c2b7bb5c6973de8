/*
 * fs_writer.c — a background writer of checkpoint entries whose fsync need
 * not hold up the caller (a checkpoint's offsets/N and commits/N, each log
 * its own writer; contract in tide_ffi.h). One job at a time: a submit
 * first waits for the job before it, so at most one entry is ever in
 * flight and the entries of a log reach the file system in order. A job's
 * error is returned by the next submit or wait, which is how the caller
 * learns of it.
 */
#include "tide_ffi.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct tide_fs_writer {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int pending;  /* a job is queued or running */
    int stopping; /* the thread is to end once idle */
    /* the job: write path once (through spare when it exists), then move
       retire to spare (or remove it) */
    char *path, *data, *spare, *retire;
    size_t len;
    int sync_dir;
    int failed;
    char error[1024];
};

static void clear_job(tide_fs_writer *w)
{
    free(w->path);
    free(w->data);
    free(w->spare);
    free(w->retire);
    w->path = w->data = w->spare = w->retire = NULL;
}

static void run_job(tide_fs_writer *w)
{
    char err[1024];
    int rc = tide_fs_write_once(w->path, w->data, w->len, w->spare, w->sync_dir, err, sizeof err);
    if (rc == 0 && w->retire && (!w->spare || rename(w->retire, w->spare) != 0)) unlink(w->retire);
    pthread_mutex_lock(&w->lock);
    if (rc != 0) {
        w->failed = 1;
        snprintf(w->error, sizeof w->error, "%s", err);
    }
    clear_job(w);
    w->pending = 0;
    pthread_cond_broadcast(&w->changed);
    pthread_mutex_unlock(&w->lock);
}

static void *loop(void *arg)
{
    tide_fs_writer *w = arg;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->pending && !w->stopping)
            pthread_cond_wait(&w->changed, &w->lock);
        if (!w->pending) break;
        pthread_mutex_unlock(&w->lock);
        run_job(w);
        pthread_mutex_lock(&w->lock);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

tide_fs_writer *tide_fs_writer_new(char *errbuf, size_t errlen)
{
    tide_fs_writer *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(errbuf, errlen, "checkpoint writer: out of memory");
        return NULL;
    }
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->changed, NULL);
    int e = pthread_create(&w->thread, NULL, loop, w);
    if (e != 0) {
        snprintf(errbuf, errlen, "checkpoint writer: cannot start a thread: %s", strerror(e));
        pthread_cond_destroy(&w->changed);
        pthread_mutex_destroy(&w->lock);
        free(w);
        return NULL;
    }
    return w;
}

/* Waits until no job is pending; the error of the last one (cleared). */
static int wait_idle(tide_fs_writer *w, char *errbuf, size_t errlen)
{
    pthread_mutex_lock(&w->lock);
    while (w->pending)
        pthread_cond_wait(&w->changed, &w->lock);
    int failed = w->failed;
    if (failed) snprintf(errbuf, errlen, "%s", w->error);
    w->failed = 0;
    pthread_mutex_unlock(&w->lock);
    return failed ? -1 : 0;
}

int tide_fs_writer_wait(tide_fs_writer *w, char *errbuf, size_t errlen)
{
    return wait_idle(w, errbuf, errlen);
}

static char *dup_or_null(const char *s, int *oom)
{
    if (!s) return NULL;
    char *d = strdup(s);
    if (!d) *oom = 1;
    return d;
}

int tide_fs_writer_submit(tide_fs_writer *w, const char *path, const char *data, size_t len,
                          const char *spare, const char *retire, int32_t sync_dir, char *errbuf,
                          size_t errlen)
{
    if (wait_idle(w, errbuf, errlen) != 0) return -1;
    int oom = 0;
    char *p = dup_or_null(path, &oom), *s = dup_or_null(spare, &oom),
         *r = dup_or_null(retire, &oom);
    char *d = malloc(len + 1);
    if (!d || oom) {
        free(p);
        free(s);
        free(r);
        free(d);
        snprintf(errbuf, errlen, "checkpoint writer: out of memory writing %s", path);
        return -1;
    }
    memcpy(d, data, len);
    pthread_mutex_lock(&w->lock);
    w->path = p;
    w->data = d;
    w->len = len;
    w->spare = s;
    w->retire = r;
    w->sync_dir = sync_dir != 0;
    w->pending = 1;
    pthread_cond_broadcast(&w->changed);
    pthread_mutex_unlock(&w->lock);
    return 0;
}

void tide_fs_writer_free(tide_fs_writer *w)
{
    if (!w) return;
    pthread_mutex_lock(&w->lock);
    w->stopping = 1;
    pthread_cond_broadcast(&w->changed);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    clear_job(w);
    pthread_cond_destroy(&w->changed);
    pthread_mutex_destroy(&w->lock);
    free(w);
}

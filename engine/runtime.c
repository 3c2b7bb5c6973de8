/*
 * runtime.c — clock, interruptible sleep and wait, version and the path of
 * the running binary, for C and for Lua.
 */
#include "tide_ffi.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

double tide_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int64_t tide_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int tide_sleep(double seconds)
{
    /* Sleep in short slices so a stop request is seen promptly even when
       the signal arrives on another thread (librdkafka's). */
    struct timespec end;
    clock_gettime(CLOCK_MONOTONIC, &end);
    double whole = floor(seconds);
    end.tv_sec += (time_t)whole;
    end.tv_nsec += (long)((seconds - whole) * 1e9);
    if (end.tv_nsec >= 1000000000L) {
        end.tv_sec++;
        end.tv_nsec -= 1000000000L;
    }
    for (;;) {
        if (tide_stop_requested()) return 1;
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        double left = (double)(end.tv_sec - now.tv_sec) + (double)(end.tv_nsec - now.tv_nsec) / 1e9;
        if (left <= 0) return 0;
        if (left > 0.05) left = 0.05;
        struct timespec slice = {0, (long)(left * 1e9)};
        while (nanosleep(&slice, &slice) != 0 && errno == EINTR && !tide_stop_requested()) {
        }
    }
}

int tide_wait_readable(const int32_t *fds, int32_t n, int32_t wait_ms, uint8_t *ready)
{
    struct pollfd *pfds = calloc((size_t)(n > 0 ? n : 1), sizeof *pfds);
    if (!pfds) return -1;
    for (int32_t i = 0; i < n; i++) {
        pfds[i].fd = fds[i];
        pfds[i].events = POLLIN;
        ready[i] = 0;
    }
    /* In slices, as tide_sleep, so that a stop request is seen. */
    double end = tide_now() + wait_ms / 1000.0;
    int got = 0;
    for (;;) {
        if (tide_stop_requested()) break;
        double left = end - tide_now();
        int slice = left <= 0 ? 0 : left > 0.05 ? 50 : (int)(left * 1000) + 1;
        got = poll(pfds, (nfds_t)n, slice);
        if (got < 0 && errno == EINTR) continue;
        if (got != 0 || left <= 0) break;
    }
    for (int32_t i = 0; got > 0 && i < n; i++)
        ready[i] = pfds[i].revents != 0;
    free(pfds);
    return got < 0 ? -1 : got;
}

const char *tide_version(void)
{
    return TIDE_VERSION;
}

const char *tide_executable(void)
{
    static char path[PATH_MAX];
    if (!path[0]) {
        ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
        if (n <= 0) return "tide";
        path[n] = '\0';
    }
    return path;
}

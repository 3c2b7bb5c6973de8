/*
 * runtime.c — clock, interruptible sleep, version and the path of the running
 * binary, for C and for Lua.
 */
#include "tide_ffi.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
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

/* Unit tests of tide_wait_readable, the wait of a query loop on several
   sources at once: it reports which descriptors are readable, returns at
   once when one is, waits out its time when none is, and returns early on
   a stop request. */
#include "check.h"
#include "tide_ffi.h"

#include <unistd.h>

static void readable_ones_are_flagged(void)
{
    int a[2], b[2];
    CHECK(pipe(a) == 0 && pipe(b) == 0);
    CHECK(write(b[1], "x", 1) == 1);
    int32_t fds[2] = {a[0], b[0]};
    uint8_t ready[2] = {9, 9};
    double t0 = tide_now();
    CHECK(tide_wait_readable(fds, 2, 5000, ready) == 1);
    CHECK(tide_now() - t0 < 2.5); /* at once, not after the 5 s */
    CHECK(ready[0] == 0 && ready[1] == 1);
    close(a[0]), close(a[1]), close(b[0]), close(b[1]);
}

static void none_readable_waits_its_time(void)
{
    int a[2];
    CHECK(pipe(a) == 0);
    int32_t fds[1] = {a[0]};
    uint8_t ready[1] = {9};
    double t0 = tide_now();
    CHECK(tide_wait_readable(fds, 1, 120, ready) == 0);
    CHECK(tide_now() - t0 >= 0.11);
    CHECK(ready[0] == 0);
    CHECK(tide_wait_readable(fds, 1, 0, ready) == 0);
    close(a[0]), close(a[1]);
}

static void a_stop_request_ends_the_wait(void)
{
    int a[2];
    CHECK(pipe(a) == 0);
    int32_t fds[1] = {a[0]};
    uint8_t ready[1];
    tide_request_stop();
    double t0 = tide_now();
    CHECK(tide_wait_readable(fds, 1, 5000, ready) == 0);
    CHECK(tide_now() - t0 < 2.5);
    close(a[0]), close(a[1]);
}

TEST_MAIN(TEST(readable_ones_are_flagged), TEST(none_readable_waits_its_time),
          TEST(a_stop_request_ends_the_wait))

/*
 * bounded_call.h — a call that may never return, waited for a bounded time.
 *
 * For a library's shutdown that can wait on itself forever (librdkafka 2.0
 * closing a consumer whose topic was deleted under it): the caller gets on
 * with its work, and the call finishes in the background if it ever does.
 */
#ifndef TIDE_BOUNDED_CALL_H
#define TIDE_BOUNDED_CALL_H

typedef void (*tide_call_fn)(void *arg);

/* Runs fn(arg) on a thread of its own and waits up to timeout_s for it.
   0: fn returned in time. 1: it had not; its thread goes on, and calls
   late(arg) once fn returns. When no thread can be started, fn runs on
   the caller's thread (0). */
int tide_bounded_call(tide_call_fn fn, tide_call_fn late, void *arg, double timeout_s);

#endif

/* Spark's socket source (socket_source.c): the lines a TCP server sends,
   read as they arrive and kept until the query commits past them.
   Part of the FFI declarations (see tide_ffi.h): plain C, no macros, so
   that LuaJIT's ffi.cdef reads it as well.

   Lines are numbered from 0 in the order they arrived; a line ends at
   "\n", "\r" or "\r\n" (Java's readLine), which it does not hold. Each
   returns 0 (or a count), or -1 with a message in errbuf. */
#ifndef TIDE_FFI_SOCKET_SOURCE_H
#define TIDE_FFI_SOCKET_SOURCE_H

#include "tide_ffi.h"

typedef struct tide_socket_source tide_socket_source;

/* Connects to host:port (waiting at most timeout_ms). */
tide_socket_source *tide_socket_source_open(const char *host, const char *port, int32_t timeout_ms,
                                            char *errbuf, size_t errlen);
/* Reads what the server has sent, without waiting (wait_ms 0) or waiting
   up to wait_ms for a line when none is there. Returns the number of
   lines received since the connection opened. */
int64_t tide_socket_source_read(tide_socket_source *src, int32_t wait_ms, char *errbuf,
                                size_t errlen);
/* 1 once the server closed the connection (the lines it sent stay). */
int32_t tide_socket_source_closed(const tide_socket_source *src);
/* Lines [first, last) (still kept) as a batch: "value" (string) and, with
   with_timestamp, "timestamp" (when each arrived, microseconds). */
tide_batch *tide_socket_source_batch(tide_socket_source *src, int64_t first, int64_t last,
                                     int32_t with_timestamp, char *errbuf, size_t errlen);
/* Lets the lines before `first` go. */
void tide_socket_source_drop(tide_socket_source *src, int64_t first);
void tide_socket_source_close(tide_socket_source *src);

#endif

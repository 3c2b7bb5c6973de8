/*
 * socket_source.c — Spark's socket source (format "socket"): a TCP client
 * that keeps the lines a server sends (`nc -lk 9999`, as Spark's quick
 * example) until the query has committed the micro-batch that read them.
 *
 * Spark reads the socket on a thread of its own; here the query's thread
 * reads what has arrived whenever it asks for its latest offsets, without
 * blocking (the socket is non-blocking), so no lock is needed. The lines
 * are kept back to back in one buffer, each with the time it arrived
 * (milliseconds, as Spark's includeTimestamp), and copied into a batch's
 * string column when a micro-batch reads them.
 */
#include "ffi/socket_source.h"
#include "tide_ffi.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define READ_CHUNK 65536

struct tide_socket_source {
    int fd;
    int closed;
    int after_cr; /* the last byte read ended a line with '\r': a '\n' next is its end too */
    char *text;   /* the kept lines back to back, then the line being read */
    size_t text_len, text_cap;
    size_t *ends;      /* where each kept line ends in text (the next one starts there) */
    int64_t *times_us; /* when each kept line arrived */
    int64_t kept, kept_cap;
    int64_t dropped; /* lines let go before the kept ones */
};

static void set_error(char *errbuf, size_t errlen, const char *what, int err)
{
    if (errbuf && errlen) snprintf(errbuf, errlen, "%s: %s", what, strerror(err));
}

/* A connected, non-blocking socket to one of the addresses, or -1 (errno
   set by the last attempt). */
static int connect_any(const struct addrinfo *list, int32_t timeout_ms)
{
    int err = ECONNREFUSED;
    for (const struct addrinfo *a = list; a; a = a->ai_next) {
        int fd =
            socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) return fd;
        err = errno;
        if (err == EINPROGRESS) {
            struct pollfd p = {.fd = fd, .events = POLLOUT};
            int got;
            do {
                got = poll(&p, 1, timeout_ms);
            } while (got < 0 && errno == EINTR);
            socklen_t len = sizeof err;
            if (got == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0)
                return fd;
            if (got == 0) err = ETIMEDOUT;
        }
        close(fd);
    }
    errno = err;
    return -1;
}

tide_socket_source *tide_socket_source_open(const char *host, const char *port, int32_t timeout_ms,
                                            char *errbuf, size_t errlen)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_family = AF_UNSPEC};
    struct addrinfo *list = NULL;
    int rc = getaddrinfo(host, port, &hints, &list);
    if (rc != 0) {
        if (errbuf && errlen) snprintf(errbuf, errlen, "%s:%s: %s", host, port, gai_strerror(rc));
        return NULL;
    }
    int fd = connect_any(list, timeout_ms);
    int err = errno;
    freeaddrinfo(list);
    if (fd < 0) {
        char what[300];
        snprintf(what, sizeof what, "cannot connect to %s:%s", host, port);
        set_error(errbuf, errlen, what, err);
        return NULL;
    }
    tide_socket_source *src = calloc(1, sizeof *src);
    if (!src) {
        close(fd);
        set_error(errbuf, errlen, "socket source", ENOMEM);
        return NULL;
    }
    src->fd = fd;
    return src;
}

static int grow_text(tide_socket_source *src, size_t need)
{
    if (src->text_len + need <= src->text_cap) return 0;
    size_t cap = src->text_cap ? src->text_cap : READ_CHUNK;
    while (cap < src->text_len + need)
        cap *= 2;
    char *text = realloc(src->text, cap);
    if (!text) return -1;
    src->text = text;
    src->text_cap = cap;
    return 0;
}

static int end_line(tide_socket_source *src, int64_t now_us)
{
    if (src->kept == src->kept_cap) {
        int64_t cap = src->kept_cap ? src->kept_cap * 2 : 1024;
        size_t *ends = realloc(src->ends, (size_t)cap * sizeof *ends);
        if (!ends) return -1;
        src->ends = ends;
        int64_t *times = realloc(src->times_us, (size_t)cap * sizeof *times);
        if (!times) return -1;
        src->times_us = times;
        src->kept_cap = cap;
    }
    src->ends[src->kept] = src->text_len;
    src->times_us[src->kept] = now_us / 1000 * 1000;
    src->kept++;
    return 0;
}

/* Splits the bytes read into lines (Java's readLine: "\n", "\r", "\r\n"). */
static int take_bytes(tide_socket_source *src, const char *bytes, size_t n, int64_t now_us)
{
    if (grow_text(src, n) != 0) return -1;
    for (size_t i = 0; i < n; i++) {
        char c = bytes[i];
        if (src->after_cr && c == '\n') {
            src->after_cr = 0;
            continue;
        }
        src->after_cr = c == '\r';
        if (c == '\n' || c == '\r') {
            if (end_line(src, now_us) != 0) return -1;
        } else {
            src->text[src->text_len++] = c;
        }
    }
    return 0;
}

int64_t tide_socket_source_read(tide_socket_source *src, int32_t wait_ms, char *errbuf,
                                size_t errlen)
{
    int64_t before = src->kept;
    char chunk[READ_CHUNK];
    while (!src->closed) {
        ssize_t got = recv(src->fd, chunk, sizeof chunk, 0);
        if (got > 0) {
            if (take_bytes(src, chunk, (size_t)got, tide_now_us()) != 0) {
                set_error(errbuf, errlen, "socket source", ENOMEM);
                return -1;
            }
            continue;
        }
        if (got < 0 && errno == EINTR) continue;
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (src->kept > before || wait_ms <= 0) break;
            uint8_t ready = 0;
            int32_t fd = src->fd;
            if (tide_wait_readable(&fd, 1, wait_ms, &ready) != 0 || !ready) break;
            wait_ms = 0; /* (once: then what has arrived) */
            continue;
        }
        /* 0: the server closed the connection; an error ends it too, as
           Spark's reader thread ends. A last line without its end is a line. */
        src->closed = 1;
        size_t last_start = src->kept ? src->ends[src->kept - 1] : 0;
        if (src->text_len > last_start && end_line(src, tide_now_us()) != 0) {
            set_error(errbuf, errlen, "socket source", ENOMEM);
            return -1;
        }
    }
    return src->dropped + src->kept;
}

int32_t tide_socket_source_closed(const tide_socket_source *src)
{
    return src->closed;
}

tide_batch *tide_socket_source_batch(tide_socket_source *src, int64_t first, int64_t last,
                                     int32_t with_timestamp, char *errbuf, size_t errlen)
{
    if (first < src->dropped || last < first || last > src->dropped + src->kept) {
        if (errbuf && errlen)
            snprintf(errbuf, errlen,
                     "socket source: lines %lld to %lld are not kept (kept: %lld to %lld)",
                     (long long)first, (long long)last, (long long)src->dropped,
                     (long long)(src->dropped + src->kept));
        return NULL;
    }
    int64_t n = last - first;
    tide_batch *b = tide_batch_new(with_timestamp ? 2 : 1);
    if (!b) goto oom;
    if (tide_column_init(b, &b->columns[0], "value", TIDE_STRING, n) != 0) goto oom;
    if (with_timestamp && tide_column_init(b, &b->columns[1], "timestamp", TIDE_TIMESTAMP, n) != 0)
        goto oom;
    for (int64_t i = first - src->dropped; i < last - src->dropped; i++) {
        size_t start = i ? src->ends[i - 1] : 0;
        if (tide_column_append_bytes(b, &b->columns[0], src->text + start,
                                     (int64_t)(src->ends[i] - start)) != 0)
            goto oom;
        if (with_timestamp && tide_column_append_fixed(b, &b->columns[1], &src->times_us[i]) != 0)
            goto oom;
    }
    if (tide_batch_finish(b) != 0) goto oom;
    return b;
oom:
    tide_batch_free(b);
    set_error(errbuf, errlen, "socket source", ENOMEM);
    return NULL;
}

void tide_socket_source_drop(tide_socket_source *src, int64_t first)
{
    int64_t n = first - src->dropped;
    if (n <= 0) return;
    if (n > src->kept) n = src->kept;
    size_t bytes = src->ends[n - 1];
    memmove(src->text, src->text + bytes, src->text_len - bytes);
    src->text_len -= bytes;
    for (int64_t i = n; i < src->kept; i++) {
        src->ends[i - n] = src->ends[i] - bytes;
        src->times_us[i - n] = src->times_us[i];
    }
    src->kept -= n;
    src->dropped += n;
}

void tide_socket_source_close(tide_socket_source *src)
{
    if (!src) return;
    close(src->fd);
    free(src->text);
    free(src->ends);
    free(src->times_us);
    free(src);
}

/*
 * url_uri.h — a URL's parts as java.net.URI finds them (eval_url_uri.c),
 * for parse_url (eval_url.c). Not part of the FFI.
 */
#ifndef TIDE_URL_URI_H
#define TIDE_URL_URI_H
#include <stdint.h>

/* A part of the text: [from, from + len), or absent (from < 0). */
typedef struct {
    int32_t from, len;
} uri_span;

typedef struct {
    uri_span scheme, authority, userinfo, host, path, query, fragment;
} uri_parts;

/* Parses s[0..n) (well-formed UTF-8) as new URI(s) does (RFC 2396 with
   Java's deviations: empty authority and path, IPv6 literals, visible
   non-ASCII characters); 0, or -1 where Java throws URISyntaxException. */
int uri_parse(const char *s, int32_t n, uri_parts *out);

#endif

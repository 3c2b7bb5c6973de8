/*
 * regex_internal.h — a compiled tide_regex and Java's way of finding its
 * matches one after another (eval_regex.c), for the kernels that match
 * regular expressions (eval_regex*.c, eval_url.c). Not part of the FFI.
 */
#ifndef TIDE_REGEX_INTERNAL_H
#define TIDE_REGEX_INTERNAL_H
#define PCRE2_CODE_UNIT_WIDTH 8
#include "kernel.h"

#include <pcre2.h>

struct tide_regex {
    pcre2_code *code;
    uint32_t captures;
    int empty; /* the pattern is "": split takes characters */
};

/* The matches of re in s[0..len), as java.util.regex.Matcher.find finds
   them: from where the last one ended, one character on after an empty
   one. md is the caller's match data (pcre2_match_data_create_from_pattern). */
typedef struct {
    const tide_regex *re;
    pcre2_match_data *md;
    const unsigned char *s;
    size_t len;
    size_t from;
    int done;
} regex_finder;

/* The next match of f into start and end (its groups in f->md's ovector):
   1, 0 when there is none, -1 on a matching error (errbuf). */
int regex_find_next(regex_finder *f, size_t *start, size_t *end, char *errbuf, size_t errlen);

#endif

/*
 * fuzz_regex.c — Java's regular expression syntax rewritten for PCRE2
 * (java_regex.c) on arbitrary patterns. The input is a pattern, and after
 * its first NUL byte a subject (else the pattern is its own subject). Any
 * pattern compiles or fails with a message; one that compiles is matched
 * against the subject (within a match limit, so that a pattern that
 * backtracks without end does not hold the run), and matches, does not,
 * or fails with a message (a limit; a recursion loop, PCRE2's (?R)).
 */
#include "java_regex.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *pattern = (const char *)data;
    const uint8_t *nul = memchr(data, 0, size);
    size_t len = nul ? (size_t)(nul - data) : size;
    const uint8_t *subject = nul ? nul + 1 : data;
    size_t subject_len = nul ? size - len - 1 : size;
    char err[256] = "";
    pcre2_code *re = java_regex_compile(pattern, len, 0, err, sizeof err);
    if (!re) {
        if (!err[0]) {
            fprintf(stderr, "fuzz_regex: a pattern failed without a message\n");
            abort();
        }
        return 0;
    }
    pcre2_match_context *context = pcre2_match_context_create(NULL);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    if (!context || !md) abort();
    pcre2_set_match_limit(context, 100000);
    pcre2_set_depth_limit(context, 1000);
    /* A matching error (a limit, a recursion loop) is the query's error,
       reported with PCRE2's message: it must have one. */
    int rc = pcre2_match(re, subject, subject_len, 0, 0, md, context);
    PCRE2_UCHAR msg[256];
    if (rc < PCRE2_ERROR_NOMATCH && pcre2_get_error_message(rc, msg, sizeof msg) <= 0) {
        fprintf(stderr, "fuzz_regex: matching failed (%d) without a message\n", rc);
        abort();
    }
    pcre2_match_data_free(md);
    pcre2_match_context_free(context);
    pcre2_code_free(re);
    return 0;
}

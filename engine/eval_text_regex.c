/*
 * eval_text_regex.c — regexp_extract (contract in ffi/text.h) with PCRE2,
 * its pattern compiled once per plan as eval_regex.c compiles patterns
 * (Java's syntax, UTF-8 mode, invalid UTF-8 subjects allowed, JIT when
 * available). The first match is the one java.util.regex.Matcher.find
 * finds from the start; the wanted group of it, or "" when the pattern
 * does not match or the group took no part, as Spark's RegExpExtract.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "kernel.h"
#include "ffi/text.h"

#include <pcre2.h>
#include <stdlib.h>

struct tide_text_regex {
    pcre2_code *code;
    uint32_t groups;
};

tide_text_regex *tide_text_regex_compile(const char *pattern, size_t len, char *errbuf,
                                         size_t errlen)
{
    int code;
    PCRE2_SIZE where;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, len, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
                                   &code, &where, NULL);
    if (!re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(code, msg, sizeof msg);
        kernel_error(errbuf, errlen, "invalid regular expression '%.*s' at position %zu: %s",
                     (int)len, pattern, (size_t)where, (const char *)msg);
        return NULL;
    }
    pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* without JIT it still works, slower */
    tide_text_regex *r = calloc(1, sizeof *r);
    if (!r) {
        pcre2_code_free(re);
        kernel_error(errbuf, errlen, "out of memory");
        return NULL;
    }
    r->code = re;
    pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &r->groups);
    return r;
}

int32_t tide_text_regex_groups(const tide_text_regex *re)
{
    return (int32_t)re->groups;
}

void tide_text_regex_free(tide_text_regex *re)
{
    if (!re) return;
    pcre2_code_free(re->code);
    free(re);
}

int tide_eval_regexp_extract(tide_batch *out, const tide_column *s, const tide_text_regex *re,
                             int32_t group, tide_column *dst, char *errbuf, size_t errlen)
{
    if (s->type != TIDE_STRING)
        return kernel_error(errbuf, errlen, "regexp_extract needs a string column");
    if (group < 0 || (uint32_t)group > re->groups)
        return kernel_error(errbuf, errlen, "the regex has %u groups, not a group %d", re->groups,
                            group);
    int64_t n = s->length;
    const int32_t *off = s->values;
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re->code, NULL);
    if (!md || kernel_alloc(out, dst, "", TIDE_STRING, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, s, NULL) != 0) {
        pcre2_match_data_free(md);
        return kernel_error(errbuf, errlen, "out of memory");
    }
    int64_t used = 0;
    int rc = 0;
    for (int64_t i = 0; rc == 0 && i < n; i++) {
        if (tide_valid(s, i)) {
            const unsigned char *p = s->data + off[i];
            int m = pcre2_match(re->code, p, (size_t)(off[i + 1] - off[i]), 0, 0, md, NULL);
            if (m >= 0) {
                PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
                PCRE2_SIZE a = ov[2 * group], b = ov[2 * group + 1];
                if (a != PCRE2_UNSET && b >= a)
                    rc =
                        kernel_str_append(out, dst, &used, p + a, (int64_t)(b - a), errbuf, errlen);
            } else if (m != PCRE2_ERROR_NOMATCH) {
                PCRE2_UCHAR msg[256];
                pcre2_get_error_message(m, msg, sizeof msg);
                rc = kernel_error(errbuf, errlen, "regular expression: %s", (const char *)msg);
            }
        }
        kernel_str_end(dst, i, used);
    }
    pcre2_match_data_free(md);
    if (rc == 0) kernel_finish(dst);
    return rc;
}

/*
 * eval_regex_find.c — the regexp_* functions that look at every match or
 * where the first one is (contracts in ffi/text.h): regexp_extract_all,
 * regexp_count, regexp_substr and regexp_instr, matches found one after
 * another as java.util.regex.Matcher.find finds them (regex_internal.h).
 */
#include "regex_internal.h"
#include "text_kernel.h"
#include "ffi/text.h"

int tide_eval_regexp_extract_all(tide_batch *out, const tide_column *s, const tide_regex *re,
                                 int32_t group, tide_column *dst, char *errbuf, size_t errlen)
{
    int64_t n = s->length;
    if (s->type != TIDE_STRING)
        return kernel_error(errbuf, errlen, "regexp_extract_all needs a string column");
    if (group < 0 || (uint32_t)group > re->captures)
        return kernel_error(errbuf, errlen, "the regex has %u groups, not a group %d", re->captures,
                            group);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re->code, NULL);
    if (!md || kernel_alloc(out, dst, "", TIDE_ARRAY, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, s, NULL) != 0 ||
        tide_column_init(out, &dst->children[0], "element", TIDE_STRING, n) != 0) {
        pcre2_match_data_free(md);
        return kernel_error(errbuf, errlen, "out of memory");
    }
    int64_t *offsets = dst->values;
    int rc = 0;
    for (int64_t i = 0; rc == 0 && i < n; i++) {
        if (tide_valid(s, i)) {
            int32_t len;
            const unsigned char *p = text_row(s, i, &len);
            regex_finder f = {re, md, p, (size_t)len, 0, 0};
            size_t ms, me;
            int found;
            while (rc == 0 && (found = regex_find_next(&f, &ms, &me, errbuf, errlen)) == 1) {
                /* a group that took no part is "", as Spark's RegExpExtractAll */
                PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
                PCRE2_SIZE a = ov[2 * group], b = ov[2 * group + 1];
                int64_t glen = a == PCRE2_UNSET || b < a ? 0 : (int64_t)(b - a);
                if (tide_column_append_bytes(out, &dst->children[0], p + (glen ? a : 0), glen))
                    rc = kernel_error(errbuf, errlen, "out of memory");
            }
            if (found < 0) rc = -1;
        }
        offsets[i + 1] = dst->children[0].length;
    }
    pcre2_match_data_free(md);
    if (rc == 0) kernel_finish(dst);
    return rc;
}

/* The 1-based UTF-16 index of byte `at` of p (Java's Matcher.start + 1):
   malformed bytes are one U+FFFD each run Java's decoder replaces. */
static int32_t utf16_position(const unsigned char *p, int32_t at)
{
    int32_t units = 0;
    for (int32_t i = 0; i < at;) {
        int32_t cp = text_java_code_point(p, &i, at);
        units += cp >= 0x10000 ? 2 : 1;
    }
    return units + 1;
}

int tide_eval_regexp_find(tide_batch *out, int32_t op, const tide_column *s, const tide_regex *re,
                          tide_column *dst, char *errbuf, size_t errlen)
{
    int64_t n = s->length;
    if (s->type != TIDE_STRING) return kernel_error(errbuf, errlen, "regexp_* need a string");
    if (op < TIDE_REGEXP_COUNT || op > TIDE_REGEXP_INSTR)
        return kernel_error(errbuf, errlen, "unknown regexp function %d", op);
    int32_t type = op == TIDE_REGEXP_SUBSTR ? TIDE_STRING : TIDE_INT32;
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re->code, NULL);
    if (!md || text_alloc(out, dst, type, n, 0, s, NULL) != 0 ||
        (op == TIDE_REGEXP_SUBSTR && kernel_validity(out, dst) != 0)) {
        pcre2_match_data_free(md);
        return kernel_error(errbuf, errlen, "out of memory");
    }
    int32_t *r = type == TIDE_INT32 ? dst->values : NULL;
    int64_t used = 0;
    int rc = 0;
    for (int64_t i = 0; rc == 0 && i < n; i++) {
        if (tide_valid(s, i)) {
            int32_t len;
            const unsigned char *p = text_row(s, i, &len);
            regex_finder f = {re, md, p, (size_t)len, 0, 0};
            size_t ms = 0, me = 0;
            int found = regex_find_next(&f, &ms, &me, errbuf, errlen);
            if (op == TIDE_REGEXP_COUNT) {
                int32_t count = 0;
                for (; found == 1; found = regex_find_next(&f, &ms, &me, errbuf, errlen))
                    count++;
                r[i] = count;
            } else if (op == TIDE_REGEXP_INSTR) {
                r[i] = found == 1 ? utf16_position(p, (int32_t)ms) : 0;
            } else if (found == 1 && me > ms) {
                rc = kernel_str_append(out, dst, &used, p + ms, (int64_t)(me - ms), errbuf, errlen);
            } else if (found == 0 || me == ms) {
                tide_mark_null(dst, i); /* no match, or an empty one: NULL (NullIf) */
            }
            if (found < 0) rc = -1;
        }
        if (type == TIDE_STRING) kernel_str_end(dst, i, used);
    }
    pcre2_match_data_free(md);
    if (rc == 0) kernel_finish(dst);
    return rc;
}

/*
 * json_pretty.c — to_json's `pretty` option (tide_json_pretty, tide_ffi.h):
 * the compact JSON to_json writes, rewritten as Jackson's
 * DefaultPrettyPrinter writes it (Spark's JacksonGenerator with pretty):
 * an object's members on lines of their own, indented two spaces for
 * each object around them, as "name" : value; arrays inline, "[ 1, 2 ]",
 * adding no indentation; empty ones "{ }" and "[ ]". The input holds no
 * blanks outside strings (to_json writes none), so every structural byte
 * is a token.
 */
#include "batch.h"
#include "kernel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A growable byte buffer, owned by the call that makes it. */
typedef struct text {
    char *data;
    size_t len, cap;
} text;

static int put(text *t, const char *s, size_t n)
{
    if (t->len + n > t->cap) {
        size_t cap = t->cap ? t->cap : 256;
        while (cap < t->len + n)
            cap *= 2;
        char *grown = realloc(t->data, cap);
        if (!grown) return -1;
        t->data = grown;
        t->cap = cap;
    }
    memcpy(t->data + t->len, s, n);
    t->len += n;
    return 0;
}

static int line_at(text *t, int level)
{
    if (put(t, "\n", 1) != 0) return -1;
    for (int i = 0; i < level; i++)
        if (put(t, "  ", 2) != 0) return -1;
    return 0;
}

/* One value, s[0..n), pretty into t (emptied first). `open` is a stack of
   the containers around the byte being read, 'o' or 'a'. */
static int pretty(text *t, text *open, const char *s, size_t n)
{
    t->len = open->len = 0;
    int level = 0; /* objects around */
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int rc = 0;
        if (c == '"') { /* a string, copied to its closing quote */
            size_t j = i + 1;
            while (j < n && s[j] != '"')
                j += s[j] == '\\' ? 2 : 1;
            if (j >= n) j = n - 1;
            rc = put(t, s + i, j - i + 1);
            i = j;
        } else if ((c == '{' || c == '[') && i + 1 < n && s[i + 1] == (c == '{' ? '}' : ']')) {
            rc = put(t, c == '{' ? "{ }" : "[ ]", 3);
            i++;
        } else if (c == '{') {
            level++;
            rc = put(open, "o", 1) || put(t, "{", 1) || line_at(t, level);
        } else if (c == '[') {
            rc = put(open, "a", 1) || put(t, "[ ", 2);
        } else if (c == '}') {
            level--;
            if (open->len) open->len--;
            rc = line_at(t, level) || put(t, "}", 1);
        } else if (c == ']') {
            if (open->len) open->len--;
            rc = put(t, " ]", 2);
        } else if (c == ',') {
            int in_object = open->len && open->data[open->len - 1] == 'o';
            rc = in_object ? put(t, ",", 1) || line_at(t, level) : put(t, ", ", 2);
        } else if (c == ':') {
            rc = put(t, " : ", 3);
        } else {
            rc = put(t, &c, 1);
        }
        if (rc != 0) return -1;
    }
    return 0;
}

int tide_json_pretty(tide_batch *out, const tide_column *input, tide_column *dst, char *errbuf,
                     size_t errlen)
{
    int64_t n = input->length;
    const int32_t *offsets = input->values;
    int64_t bytes = n ? (int64_t)offsets[n] - offsets[0] : 0;
    if (kernel_alloc(out, dst, input->name, TIDE_STRING, 0, 0, n, bytes * 2) != 0 ||
        kernel_validity_and(out, dst, input, NULL) != 0) {
        snprintf(errbuf, errlen, "to_json: out of memory");
        return -1;
    }
    text t = {0}, open = {0};
    int64_t used = 0;
    int rc = 0;
    for (int64_t row = 0; row < n && rc == 0; row++) {
        if (tide_valid(input, row)) {
            int32_t len;
            const char *s = tide_column_bytes(input, row, &len);
            if (pretty(&t, &open, s, (size_t)len) != 0) {
                snprintf(errbuf, errlen, "to_json: out of memory");
                rc = -1;
                break;
            }
            rc = kernel_str_append(out, dst, &used, t.data, (int64_t)t.len, errbuf, errlen);
        }
        kernel_str_end(dst, row, used);
    }
    free(t.data);
    free(open.data);
    if (rc == 0) kernel_finish(dst);
    return rc;
}

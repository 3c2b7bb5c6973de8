/*
 * pg_array.c — PostgreSQL's arrays: the built-in array types and their
 * element types, and an array value, binary or text, read into its
 * dimensions and its elements (pg_array.h), which the caller decodes as
 * it does top-level values. A value is refused when malformed, never read
 * in part.
 */
#include "pg_array.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The built-in array types (pg_type.dat's typarray of each element type). */
static const uint32_t ARRAY_TYPES[][2] = {
    {1000, PG_BOOL},    {1001, PG_BYTEA},     {1002, PG_CHAR},   {1003, PG_NAME},
    {1005, PG_INT2},    {1007, PG_INT4},      {1009, PG_TEXT},   {1014, PG_BPCHAR},
    {1015, PG_VARCHAR}, {1016, PG_INT8},      {1021, PG_FLOAT4}, {1022, PG_FLOAT8},
    {1028, PG_OID},     {1115, PG_TIMESTAMP}, {1182, PG_DATE},   {1185, PG_TIMESTAMPTZ},
    {1231, PG_NUMERIC}, {199, PG_JSON},       {2951, PG_UUID},   {3807, PG_JSONB},
};

uint32_t tide_pg_array_element(uint32_t pg_type)
{
    for (size_t i = 0; i < sizeof ARRAY_TYPES / sizeof ARRAY_TYPES[0]; i++)
        if (ARRAY_TYPES[i][0] == pg_type) return ARRAY_TYPES[i][1];
    return 0;
}

/* 0, or -2 when out of memory. */
static int add_cell(pg_cell_list *list, const char *value, int len, int row)
{
    if (list->count == list->cap) {
        int cap = list->cap ? list->cap * 2 : 64;
        pg_cell *items = realloc(list->items, (size_t)cap * sizeof *items);
        if (!items) return -2;
        list->items = items;
        list->cap = cap;
    }
    list->items[list->count++] = (pg_cell){value, len, row};
    return 0;
}

/* array_send's format: dimensions, a null flag, the element type, each
   dimension's size and lower bound, then each element's length (-1:
   NULL) and bytes. */
int tide_pg_array_read_binary(const char *v, int len, uint32_t element, int row,
                              pg_array_shape *shape, pg_cell_list *list, const char **why)
{
    *why = "malformed binary array"; /* every -1 below but the element type's */
    if (len < 12) return -1;
    int32_t ndim = (int32_t)tide_pg_get_be(v, 4);
    uint32_t flags = (uint32_t)tide_pg_get_be(v + 4, 4);
    if (ndim < 0 || ndim > PG_ARRAY_MAX_DIMS || flags > 1 || len < 12 + 8 * ndim) return -1;
    if ((uint32_t)tide_pg_get_be(v + 8, 4) != element) {
        *why = "array of an unexpected type";
        return -1;
    }
    int64_t total = ndim > 0;
    for (int i = 0; i < ndim; i++) {
        int32_t size = (int32_t)tide_pg_get_be(v + 12 + 8 * i, 4);
        if (size < 0 || size > len) return -1;
        shape->size[i] = size;
        total *= size;
        if (total > len) return -1;
    }
    shape->ndim = total > 0 ? ndim : 0;
    int64_t pos = 12 + 8 * (int64_t)ndim;
    for (int64_t i = 0; i < total; i++) {
        if (pos + 4 > len) return -1;
        int32_t n = (int32_t)tide_pg_get_be(v + pos, 4);
        pos += 4;
        if (n == -1) {
            if (add_cell(list, NULL, 0, row) != 0) return -2;
            continue;
        }
        if (n < 0 || pos + n > len) return -1;
        if (add_cell(list, v + pos, n, row) != 0) return -2;
        pos += n;
    }
    return pos == len ? 0 : -1;
}

/* array_out's format: an optional "[lo:hi]...=" of bounds, then nested
   braces; elements are separated by commas, quoted (with backslash
   escapes) or bare (NULL, in any case, is a null). Each element's bytes
   are copied, unescaped and NUL-ended, to list->text. */
typedef struct text_array {
    const char *p, *end;
    int ndim; /* the level elements sit at + 1, once one is seen */
    int size[PG_ARRAY_MAX_DIMS];
    int seen[PG_ARRAY_MAX_DIMS]; /* whether size[level] is known */
} text_array;

/* 0; -1 when malformed; -2 when out of memory. */
static int text_level(text_array *t, int level, int row, pg_cell_list *list)
{
    if (level >= PG_ARRAY_MAX_DIMS || t->p >= t->end || *t->p != '{') return -1;
    t->p++;
    int items = 0;
    if (t->p < t->end && *t->p == '}') {
        t->p++;
        return level == 0 ? 0 : -1; /* only the whole value may be empty */
    }
    for (;;) {
        if (t->p >= t->end) return -1;
        if (*t->p == '{') {
            if (t->ndim && t->ndim <= level + 1) return -1; /* elements were seen here */
            int rc = text_level(t, level + 1, row, list);
            if (rc != 0) return rc;
        } else {
            if (t->ndim && t->ndim != level + 1) return -1;
            t->ndim = level + 1;
            char *out = list->text + list->text_len;
            size_t n = 0;
            int quoted = *t->p == '"';
            if (quoted) {
                for (t->p++; t->p < t->end && *t->p != '"'; t->p++) {
                    if (*t->p == '\\' && ++t->p >= t->end) return -1;
                    out[n++] = *t->p;
                }
                if (t->p++ >= t->end) return -1;
            } else {
                for (; t->p < t->end && *t->p != ',' && *t->p != '}'; t->p++)
                    out[n++] = *t->p;
            }
            out[n] = '\0';
            int null = !quoted && n == 4 && strncasecmp(out, "NULL", 4) == 0;
            if (add_cell(list, null ? NULL : out, (int)n, row) != 0) return -2;
            if (!null) list->text_len += n + 1;
        }
        items++;
        if (t->p < t->end && *t->p == ',') {
            t->p++;
            continue;
        }
        if (t->p < t->end && *t->p == '}') {
            t->p++;
            break;
        }
        return -1;
    }
    if (t->seen[level] && t->size[level] != items) return -1; /* not rectangular */
    t->seen[level] = 1;
    t->size[level] = items;
    return 0;
}

int tide_pg_array_read_text(const char *v, int len, int row, pg_array_shape *shape,
                            pg_cell_list *list, const char **why)
{
    *why = "malformed array text";
    text_array t = {.p = v, .end = v + len};
    if (*t.p == '[') { /* bounds other than 1: the elements are the same */
        const char *eq = memchr(t.p, '=', (size_t)(t.end - t.p));
        if (!eq) return -1;
        t.p = eq + 1;
    }
    int rc = text_level(&t, 0, row, list);
    if (rc != 0) return rc;
    if (t.p != t.end) return -1;
    shape->ndim = t.ndim;
    memcpy(shape->size, t.size, sizeof t.size);
    return 0;
}

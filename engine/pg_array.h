/*
 * pg_array.h — PostgreSQL's array values read into their shape and their
 * elements' bytes (pg_array.c), from either form a result gives them: binary
 * (array_send's) or text (array_out's). pg_result.c then decodes the
 * elements as a column of their own. Which types are arrays of which is
 * tide_pg_array_element (ffi/pg.h), there too.
 */
#ifndef TIDE_PG_ARRAY_H
#define TIDE_PG_ARRAY_H

#include <stddef.h>
#include <stdint.h>

#include "pg_conn.h"

/* An element of the arrays of a column: its bytes (NULL for a null; text
   elements end with a NUL as libpq's values do) and its result row. */
typedef struct pg_cell {
    const char *value;
    int len;
    int row;
} pg_cell;

/* One value of an array column: its dimensions' sizes (ndim 0: empty,
   -1: NULL, which the caller marks). */
typedef struct pg_array_shape {
    int ndim;
    int size[PG_ARRAY_MAX_DIMS];
} pg_array_shape;

/* The elements of a column's arrays, in order, and (text results) their
   unescaped bytes, NUL-ended: the caller allocates text up front, with
   room for the bytes of every value read into it plus one, so that cells
   may point into it. The caller frees items and text. */
typedef struct pg_cell_list {
    pg_cell *items;
    int count, cap;
    char *text;
    size_t text_len;
} pg_cell_list;

/* Reads the array value v (len bytes, of result row `row`) into *shape,
   its elements appended to list: a binary value, whose elements must be
   of type `element`, or a text one. 0; -1 when malformed, *why saying
   how; -2 when out of memory. */
int tide_pg_array_read_binary(const char *v, int len, uint32_t element, int row,
                              pg_array_shape *shape, pg_cell_list *list, const char **why);
int tide_pg_array_read_text(const char *v, int len, int row, pg_array_shape *shape,
                            pg_cell_list *list, const char **why);

#endif

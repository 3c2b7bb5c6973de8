/* xpath, xpath_string, xpath_boolean and the numeric xpath_* functions,
   as Spark 3.5's (eval_xpath.c, libxml2's XPath 1.0).
   Part of the FFI declarations (see tide_ffi.h): plain C, no macros, so
   that LuaJIT's ffi.cdef reads it as well. */
#ifndef TIDE_FFI_XPATH_H
#define TIDE_FFI_XPATH_H

#include "tide_ffi.h"

typedef struct tide_xpath tide_xpath;

/* The path compiled once for every row; NULL (errbuf: Spark's "Invalid
   XPath '...'" with libxml2's reason) when it is not XPath 1.0. */
tide_xpath *tide_xpath_compile(const char *path, char *errbuf, size_t errlen);
void tide_xpath_free(tide_xpath *xp);

/* What a row gives: xpath's array of the selected nodes' values (a text,
   attribute, comment or processing instruction's; NULL for an element),
   xpath_string's string value, xpath_boolean's, and the number as
   smallint, int, bigint (Java's casts of a double: NaN 0, saturating),
   float or double. */
typedef enum tide_xpath_result {
    TIDE_XPATH_LIST = 0,
    TIDE_XPATH_STRING = 1,
    TIDE_XPATH_BOOLEAN = 2,
    TIDE_XPATH_SHORT = 3,
    TIDE_XPATH_INT = 4,
    TIDE_XPATH_LONG = 5,
    TIDE_XPATH_FLOAT = 6,
    TIDE_XPATH_DOUBLE = 7
} tide_xpath_result;

/* Each row of xml (a string column) evaluated: NULL for a NULL or empty
   document; a document that is not XML fails (errbuf names the row's
   line and column), as Spark's. */
int tide_eval_xpath(tide_batch *out, const tide_column *xml, const tide_xpath *xp, int32_t result,
                    tide_column *dst, char *errbuf, size_t errlen);

#endif

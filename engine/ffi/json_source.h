/* The JSON source's records (json_source_records.cc).
   Part of the FFI declarations (see tide_ffi.h): plain C, no macros, so
   that LuaJIT's ffi.cdef reads it as well. */
#ifndef TIDE_FFI_JSON_SOURCE_H
#define TIDE_FFI_JSON_SOURCE_H

#include "tide_ffi.h"

/* The records of a JSON lines file as Spark's JSON source takes them
   (SPARK-3308): a record that is a JSON array of objects stands for a
   record of each object, its text, and an empty array for none; any other
   record stays as it is (a broken one, an array holding anything but
   objects). records is a batch whose first column holds a record a row
   (strings, none null). Returns NULL, errbuf empty, when no record is an
   array of objects, so that records stand as they are; else a new batch
   of one string column, the records so rewritten, with *origin (in that
   batch's arena) the row of records each of its rows came from. NULL with
   errbuf when out of memory. */
tide_batch *tide_json_split_arrays(tide_batch *records, int64_t **origin, char *errbuf,
                                   size_t errlen);

#endif

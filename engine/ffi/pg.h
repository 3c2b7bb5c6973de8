/* PostgreSQL through libpq.
   Part of the FFI declarations (see tide_ffi.h): plain C, no macros, so
   that LuaJIT's ffi.cdef reads it as well. */
#ifndef TIDE_FFI_PG_H
#define TIDE_FFI_PG_H

#include "tide_ffi.h"

/* ---- PostgreSQL (minimal; the sink builds on it) ----------------------- */

/* Runs one statement with text parameters; returns its rows as a batch
   (a batch of zero columns for statements without a result). */
tide_batch *tide_pg_query(const char *conninfo, const char *sql, int32_t nparams,
                          const char **params, int64_t *affected, char *errbuf, size_t errlen);


#endif

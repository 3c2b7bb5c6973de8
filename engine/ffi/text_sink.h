/* The text file sink (text_sink.c): a string column written as lines.
   Part of the FFI declarations (see tide_ffi.h): plain C, no macros, so
   that LuaJIT's ffi.cdef reads it as well. */
#ifndef TIDE_FFI_TEXT_SINK_H
#define TIDE_FFI_TEXT_SINK_H

#include "tide_ffi.h"

/* Writes each row of lines (a string column; a null row as an empty
   line) followed by line_sep[0..sep_len) to path, atomically
   (tide_fs_write_atomic, replacing the file), as Spark's text writer
   writes its rows. 0, or -1 with errbuf. */
int tide_write_text(const char *path, const tide_column *lines, const char *line_sep,
                    size_t sep_len, char *errbuf, size_t errlen);

#endif

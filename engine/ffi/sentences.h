/* sentences(str), as Spark 3.5's (eval_sentences.c).
   Part of the FFI declarations (see tide_ffi.h): plain C, no macros, so
   that LuaJIT's ffi.cdef reads it as well. */
#ifndef TIDE_FFI_SENTENCES_H
#define TIDE_FFI_SENTENCES_H

#include "tide_ffi.h"

/* Each string split into sentences, each sentence into its words (those
   that start with a letter or a digit): array<array<string>>, [] for an
   empty string, NULL for NULL. */
int tide_eval_sentences(tide_batch *out, const tide_column *s, tide_column *dst, char *errbuf,
                        size_t errlen);

#endif

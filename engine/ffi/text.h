/* The string, hash and encoding kernels of tide.eval_text (eval_text.c,
   eval_digest.c; its regexp_extract is eval_regex.c's), as Spark 3.5
   computes them.
   Part of the FFI declarations (see tide_ffi.h): plain C, no macros, so
   that LuaJIT's ffi.cdef reads it as well.

   As the kernels of ffi/eval.h: each writes its result into dst (buffers
   in out's arena) and returns 0, or -1 with a message in errbuf; types are
   checked and cast in Lua. Strings are UTF-8; a "character" is what
   Spark's UTF8String steps over: the bytes its first byte announces (one
   for a byte that starts no sequence), so that malformed text is cut
   where Spark cuts it. Unless said otherwise a row is NULL when any
   argument is. */
#ifndef TIDE_FFI_TEXT_H
#define TIDE_FFI_TEXT_H

#include "tide_ffi.h"

/* ---- strings (eval_text.c) ---------------------------------------------- */

typedef enum tide_trim_side {
    TIDE_TRIM_BOTH = 1,
    TIDE_TRIM_LEADING = 2,
    TIDE_TRIM_TRAILING = 3
} tide_trim_side;

/* trim/ltrim/rtrim of a string column: without chars (NULL) the spaces
   (U+0020 only, as Spark); with chars (a string column) every character
   found in that row's chars. */
int tide_eval_trim(tide_batch *out, const tide_column *s, const tide_column *chars, int32_t side,
                   tide_column *dst, char *errbuf, size_t errlen);
/* lpad (left = 1) / rpad of s to len characters with pad (int and string
   columns): a longer s, or an empty pad, gives s's first len characters
   ("" at len <= 0); pad repeats, its last copy cut to fit. */
int tide_eval_pad(tide_batch *out, const tide_column *s, const tide_column *len,
                  const tide_column *pad, int32_t left, tide_column *dst, char *errbuf,
                  size_t errlen);
/* concat_ws(sep, args...): the non-null args joined by sep (an
   array<string> argument: its non-null elements); NULL only where sep is
   NULL (n = 0: the empty string). */
int tide_eval_concat_ws(tide_batch *out, const tide_column *sep, const tide_column *const *args,
                        int32_t n, int64_t rows, tide_column *dst, char *errbuf, size_t errlen);
/* The 1-based character position of the first sub in s at or after
   character pos (an int column), 0 when there is none, as an int column.
   pos NULL: instr(s, sub) (from the start). With pos, locate's rules: a
   NULL pos gives 0 (not NULL), a pos below 1 gives 0. An empty sub is
   found at 1, whatever pos. */
int tide_eval_locate(tide_batch *out, const tide_column *s, const tide_column *sub,
                     const tide_column *pos, tide_column *dst, char *errbuf, size_t errlen);
/* translate(s, matching, replace): each character of s found in matching
   becomes the character of replace at the same place, or is removed when
   replace is shorter; the first place of a repeated character counts. */
int tide_eval_translate(tide_batch *out, const tide_column *s, const char *matching,
                        size_t matching_len, const char *replace, size_t replace_len,
                        tide_column *dst, char *errbuf, size_t errlen);

typedef enum tide_text_op { TIDE_TEXT_INITCAP = 1, TIDE_TEXT_REVERSE = 2 } tide_text_op;

/* A string column's strings changed by op: INITCAP lower-cases them and
   capitalizes every character after a space (and the first); REVERSE
   reverses their characters. */
int tide_eval_text_map(tide_batch *out, int32_t op, const tide_column *s, tide_column *dst,
                       char *errbuf, size_t errlen);
/* repeat(s, n): s n times (n an int column; "" when n <= 0). */
int tide_eval_repeat(tide_batch *out, const tide_column *s, const tide_column *n, tide_column *dst,
                     char *errbuf, size_t errlen);
/* ascii(s): the code point of s's first character (U+FFFD's for a
   malformed one), 0 for "", as an int column. */
int tide_eval_ascii(tide_batch *out, const tide_column *s, tide_column *dst, char *errbuf,
                    size_t errlen);

/* ---- digests and encodings (eval_digest.c, OpenSSL and zlib) --------------- */

typedef enum tide_digest {
    TIDE_DIGEST_MD5 = 1,
    TIDE_DIGEST_SHA1 = 2,
    TIDE_DIGEST_SHA224 = 3,
    TIDE_DIGEST_SHA256 = 4,
    TIDE_DIGEST_SHA384 = 5,
    TIDE_DIGEST_SHA512 = 6
} tide_digest;

/* The digest of each value's bytes (a string or binary column) as
   lower-case hex text: md5, sha1, sha2. */
int tide_eval_digest(tide_batch *out, const tide_column *s, int32_t digest, tide_column *dst,
                     char *errbuf, size_t errlen);
/* crc32 of each value's bytes, as a bigint column (0 .. 2^32 - 1). */
int tide_eval_crc32(tide_batch *out, const tide_column *s, tide_column *dst, char *errbuf,
                    size_t errlen);
/* base64 of each value's bytes (RFC 4648, padded, no line breaks): a
   string column. */
int tide_eval_base64(tide_batch *out, const tide_column *s, tide_column *dst, char *errbuf,
                     size_t errlen);
/* unbase64 of a string column into a binary column, as Java's MIME
   decoder (Spark's): bytes outside the alphabet are skipped, '=' ends the
   data, padding is optional; a dangling last character, or a broken
   padding, is an error, as in Spark. */
int tide_eval_unbase64(tide_batch *out, const tide_column *s, tide_column *dst, char *errbuf,
                       size_t errlen);
/* hex: of a bigint column, its two's complement digits (upper case, no
   leading zeros: Long.toHexString); of a string or binary column, two
   upper-case digits per byte. */
int tide_eval_hex(tide_batch *out, const tide_column *s, tide_column *dst, char *errbuf,
                  size_t errlen);
/* Spark's hash(args...): Murmur3 x86_32 chained over the arguments from
   seed (Spark: 42), each non-null value encoded as xxhash64 encodes it
   (ints and booleans 4 bytes, bigint/timestamp 8, floats their bits with
   -0.0 as 0.0, strings, binary and wide decimals their bytes with Spark's
   byte-wise tail, struct fields in order). An int column, never NULL. */
int tide_eval_murmur3(tide_batch *out, const tide_column *const *args, int32_t n, int32_t seed,
                      int64_t rows, tide_column *dst, char *errbuf, size_t errlen);

#endif

/* The string, hash and encoding kernels of tide.eval_text and its
   modules (eval_text*.c, eval_url*.c, eval_regex_find.c, eval_digest.c;
   regexp_extract is eval_regex.c's), as Spark 3.5 computes them.
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
#include "ffi/eval.h" /* tide_regex */

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
   ("" at len <= 0); pad repeats, its last copy cut to fit. Binary s and
   pad: the same in bytes, a binary column (a negative len fails). */
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

/* ---- looking for text (eval_text_search.c) ------------------------------ */

typedef enum tide_text_match {
    TIDE_MATCH_CONTAINS = 1,
    TIDE_MATCH_STARTS = 2,
    TIDE_MATCH_ENDS = 3
} tide_text_match;

/* contains / startswith / endswith(s, sub) of two string (or two binary)
   columns, byte for byte: a boolean column; an empty sub is in every s. */
int tide_eval_text_match(tide_batch *out, int32_t op, const tide_column *s, const tide_column *sub,
                         tide_column *dst, char *errbuf, size_t errlen);
/* find_in_set(word, set): the 1-based place of word among set's
   comma-separated pieces, 0 when absent or when word holds a comma. */
int tide_eval_find_in_set(tide_batch *out, const tide_column *word, const tide_column *set,
                          tide_column *dst, char *errbuf, size_t errlen);
/* substring_index(s, delim, count): what is before the count-th delim
   from the left (count > 0), or after the -count-th from the right; s
   when it has fewer; "" for count 0 or an empty delim. */
int tide_eval_substring_index(tide_batch *out, const tide_column *s, const tide_column *delim,
                              const tide_column *count, tide_column *dst, char *errbuf,
                              size_t errlen);
/* replace(s, search, rep): every search (left to right, not overlapping)
   replaced by rep; an empty search changes nothing. */
int tide_eval_replace(tide_batch *out, const tide_column *s, const tide_column *search,
                      const tide_column *rep, tide_column *dst, char *errbuf, size_t errlen);
/* split_part(s, delim, part): piece `part` (1-based, < 0 from the end) of
   s split at each delim (an empty delim: s whole), "" when there is no
   such piece; part 0 is an error (INVALID_INDEX_OF_ZERO). */
int tide_eval_text_split_part(tide_batch *out, const tide_column *s, const tide_column *delim,
                              const tide_column *part, tide_column *dst, char *errbuf,
                              size_t errlen);

/* ---- cutting by position (eval_text_cut.c) ----------------------------- */

/* left (right = 0) / right(s, len): the first / last len characters of a
   string (left: bytes of a binary) column; "" for len <= 0. */
int tide_eval_left_right(tide_batch *out, const tide_column *s, const tide_column *len,
                         int32_t right, tide_column *dst, char *errbuf, size_t errlen);
/* overlay(s, rep, pos, len): s with its len characters (bytes of binary)
   from pos replaced by rep; len < 0: rep's length. */
int tide_eval_overlay(tide_batch *out, const tide_column *s, const tide_column *rep,
                      const tide_column *pos, const tide_column *len, tide_column *dst,
                      char *errbuf, size_t errlen);
/* elt(index, inputs...): input `index` (1-based) of n string (or n
   binary) columns; NULL when index is NULL or out of range. */
int tide_eval_elt(tide_batch *out, const tide_column *index, const tide_column *const *inputs,
                  int32_t n, int64_t rows, tide_column *dst, char *errbuf, size_t errlen);

/* ---- character codes and classes (eval_text_codes.c) -------------------- */

/* chr(n) of a bigint column: "" below 0, else the character n & 0xFF. */
int tide_eval_chr(tide_batch *out, const tide_column *n, tide_column *dst, char *errbuf,
                  size_t errlen);
/* space(n) of an int column: n spaces (none below 1). */
int tide_eval_space(tide_batch *out, const tide_column *n, tide_column *dst, char *errbuf,
                    size_t errlen);
/* octet_length (bits = 0) / bit_length of a string or binary column. */
int tide_eval_byte_length(tide_batch *out, const tide_column *s, int32_t bits, tide_column *dst,
                          char *errbuf, size_t errlen);
/* soundex(s): a letter and three digits, or s itself when it does not
   start with an ASCII letter. */
int tide_eval_soundex(tide_batch *out, const tide_column *s, tide_column *dst, char *errbuf,
                      size_t errlen);
/* levenshtein(a, b[, threshold]) over characters: an int column; with a
   threshold column (NULL: none), -1 where the distance passes it. */
int tide_eval_levenshtein(tide_batch *out, const tide_column *a, const tide_column *b,
                          const tide_column *threshold, tide_column *dst, char *errbuf,
                          size_t errlen);
/* luhn_check(s): whether s is digits passing the Luhn checksum. */
int tide_eval_luhn_check(tide_batch *out, const tide_column *s, tide_column *dst, char *errbuf,
                         size_t errlen);
/* mask(s, ...): each upper-case letter, lower-case letter, decimal digit
   and other char of s replaced by chars[0], [1], [2], [3] (code points;
   -1 keeps it), Java's classes of UTF-16 chars. */
int tide_eval_mask(tide_batch *out, const tide_column *s, const int32_t *chars, tide_column *dst,
                   char *errbuf, size_t errlen);

/* ---- format_number (eval_text_number.c) ----------------------------------- */

typedef struct tide_number_format tide_number_format;

/* A DecimalFormat pattern (digits # 0, ',', '.', prefix and suffix text,
   quotes, % and per mille, ';' and a negative pattern); NULL with errbuf
   when malformed or using what tide does not support (E, currency). */
tide_number_format *tide_number_format_compile(const char *pattern, size_t len, char *errbuf,
                                               size_t errlen);
void tide_number_format_free(tide_number_format *f);
/* format_number(x, d) of a number column (int, bigint, float, double,
   decimal): by `places` (an int column: "#,##0" and that many decimals;
   NULL below 0) or by `pattern`, the other one NULL. */
int tide_eval_format_number(tide_batch *out, const tide_column *x, const tide_column *places,
                            const tide_number_format *pattern, tide_column *dst, char *errbuf,
                            size_t errlen);

/* ---- format_string / printf (eval_text_printf*.c) --------------------------- */

/* Checks a java.util.Formatter format against nargs arguments of kinds
   (their tide types; 0 for an untyped NULL): syntax, flags, argument
   indexes and each argument's type against its conversion. 0, or -1 with
   errbuf naming the specifier. */
int tide_format_check(const char *fmt, size_t len, const int32_t *kinds, int32_t nargs,
                      char *errbuf, size_t errlen);
/* format_string(fmt, args...): each row's fmt (a string column) filled
   from the args' values of that row, as Java's Formatter (Locale.US)
   formats Spark's values; NULL where fmt is; a NULL value prints "null"
   ("false" for %b). */
int tide_eval_format_string(tide_batch *out, const tide_column *fmt, const tide_column *const *args,
                            const int32_t *kinds, int32_t nargs, tide_column *dst, char *errbuf,
                            size_t errlen);

/* ---- charsets, hex and base64 (eval_text_charset.c) -------------------------- */

typedef enum tide_charset {
    TIDE_CHARSET_US_ASCII = 1,
    TIDE_CHARSET_ISO_8859_1 = 2,
    TIDE_CHARSET_UTF_8 = 3,
    TIDE_CHARSET_UTF_16BE = 4,
    TIDE_CHARSET_UTF_16LE = 5,
    TIDE_CHARSET_UTF_16 = 6
} tide_charset;

/* The charset Java names so (its canonical name or an alias, any case),
   0 for one tide does not have. */
int32_t tide_charset_lookup(const char *name, size_t len);
/* encode(s, charset): a string column's text as bytes of the charset
   (names: a string column of charset names, or NULL for `charset`): a
   binary column. A char the charset lacks becomes '?'; UTF-16 starts
   with the byte-order mark FE FF. An unknown name fails. */
int tide_eval_encode(tide_batch *out, const tide_column *s, const tide_column *names,
                     int32_t charset, tide_column *dst, char *errbuf, size_t errlen);
/* decode(b, charset): a binary column read in the charset: a string
   column, malformed input as U+FFFD. */
int tide_eval_decode(tide_batch *out, const tide_column *b, const tide_column *names,
                     int32_t charset, tide_column *dst, char *errbuf, size_t errlen);

typedef enum tide_unhex_mode {
    TIDE_UNHEX_NULL = 1,   /* unhex: NULL for what is not hex */
    TIDE_UNHEX_STRICT = 2, /* to_binary(s, 'hex'): an error */
    TIDE_BASE64_NULL = 3,  /* try_to_binary(s, 'base64') */
    TIDE_BASE64_STRICT = 4 /* to_binary(s, 'base64') */
} tide_unhex_mode;

/* unhex(s) (two digits a byte, an odd first digit alone), or to_binary's
   base64 (RFC 4648 groups, whitespace allowed), of a string column into a
   binary column; what is malformed is NULL or an error, by mode. */
int tide_eval_unhex(tide_batch *out, const tide_column *s, int32_t mode, tide_column *dst,
                    char *errbuf, size_t errlen);

/* ---- regular expressions (eval_regex_find.c; compiled by tide_regex_compile) -- */

/* regexp_extract_all(s, re, group): group `group` of every match (Java's
   Matcher.find, one after another), "" for a group that took no part: an
   array<string> column. */
int tide_eval_regexp_extract_all(tide_batch *out, const tide_column *s, const tide_regex *re,
                                 int32_t group, tide_column *dst, char *errbuf, size_t errlen);

typedef enum tide_regexp_op {
    TIDE_REGEXP_COUNT = 1,  /* the number of matches: int */
    TIDE_REGEXP_SUBSTR = 2, /* the first match, NULL when none or empty: string */
    TIDE_REGEXP_INSTR = 3   /* the first match's 1-based UTF-16 position, 0 for none: int */
} tide_regexp_op;

int tide_eval_regexp_find(tide_batch *out, int32_t op, const tide_column *s, const tide_regex *re,
                          tide_column *dst, char *errbuf, size_t errlen);
/* The lower case of text (String.toLowerCase, code point by code point as
   lower() does) into out (room for 2 * len + 4 bytes); its length. */
size_t tide_text_lower(const char *s, size_t len, char *out);

/* ---- URLs (eval_url.c, eval_url_uri.c) ------------------------------------------ */

/* url_encode(s): URLEncoder.encode(s, "UTF-8"): letters, digits and
   . - * _ kept, ' ' as '+', other bytes as %XX. */
int tide_eval_url_encode(tide_batch *out, const tide_column *s, tide_column *dst, char *errbuf,
                         size_t errlen);
/* url_decode(s): '+' as ' ', %XX runs as UTF-8; a broken escape fails
   the query (CANNOT_DECODE_URL). */
int tide_eval_url_decode(tide_batch *out, const tide_column *s, tide_column *dst, char *errbuf,
                         size_t errlen);
/* The regular expression parse_url finds a query key with:
   (&|^)key=([^&]*), key a regex itself, as in Spark. */
tide_regex *tide_url_key_compile(const char *key, size_t len, char *errbuf, size_t errlen);
/* parse_url(url, part[, key]) (string columns; key NULL for none): the
   part (HOST, PATH, QUERY, REF, PROTOCOL, FILE, AUTHORITY, USERINFO, as
   java.net.URI gives them) of each URL; with a key, the value of that
   key in the QUERY. NULL where the URL is no URI, the part is absent or
   unknown, or the key is not there. */
int tide_eval_parse_url(tide_batch *out, const tide_column *url, const tide_column *part,
                        const tide_column *key, tide_column *dst, char *errbuf, size_t errlen);

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
/* base64 of each value's bytes (RFC 4648, padded), as Spark 3.5's
   (Java's MIME encoder): "\r\n" after every 76 characters but the last
   ones. A string column. */
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

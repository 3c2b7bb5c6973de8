/* The kernels of tide.eval (engine/eval_*.c): one call per expression node
   per batch, over whole columns. Part of the FFI declarations (see
   tide_ffi.h): plain C, no macros, so that LuaJIT's ffi.cdef reads it too.

   Every kernel writes its result into dst, a column slot the caller owns
   (usually allocated in out's arena), with buffers in out's arena, of the
   inputs' length; inputs are never modified. It returns 0, or -1 with a
   message in errbuf. Type checks and coercions happen in Lua (tide.eval)
   when the expression is compiled; kernels take the types they document. */
#ifndef TIDE_FFI_EVAL_H
#define TIDE_FFI_EVAL_H

#include "tide_ffi.h"

/* ---- result columns built by Lua (UDFs) --------------------------------- */

/* dst becomes a column of n rows, values zeroed, all valid. */
int tide_eval_alloc(tide_batch *out, tide_column *dst, const char *name, int32_t type,
                    int32_t precision, int32_t scale, int64_t n);
/* After rows were marked null (tide_column_set_null): recounts the nulls
   and zeroes the null rows' values. */
void tide_eval_finish(tide_column *dst);

/* ---- casts (eval_cast.c) ------------------------------------------------ */

/* CAST(src AS type) with Spark's non-ANSI semantics: a string that is not
   a number (or a timestamp, a boolean) gives NULL, as does a value that
   does not fit a decimal's precision; integers wrap, doubles saturate;
   numbers print as Spark prints them. The same type, and string <->
   binary, share src's buffers. precision/scale for decimal targets. */
int tide_eval_cast(tide_batch *out, const tide_column *src, int32_t type, int32_t precision,
                   int32_t scale, tide_column *dst, char *errbuf, size_t errlen);
/* TRY_CAST: as tide_eval_cast, with NULL where Spark's ANSI cast fails
   and the non-ANSI one does not: an int or bigint that overflows (from a
   wider integer, a double, a decimal, a timestamp's seconds) or text
   with a fraction ('1.5'). */
int tide_eval_try_cast(tide_batch *out, const tide_column *src, int32_t type, int32_t precision,
                       int32_t scale, tide_column *dst, char *errbuf, size_t errlen);

/* src (an int column) as Spark's tinyint (bits 8) or smallint (bits 16),
   still held as ints: each value wrapped to its low bits as Java's (byte)
   and (short) casts do, or, when strict, NULL where it is out of the
   range (a string's cast, UTF8String.toByte; TRY_CAST). */
int tide_eval_narrow(tide_batch *out, const tide_column *src, int32_t bits, int32_t strict,
                     tide_column *dst, char *errbuf, size_t errlen);

/* ---- selection: literals, CASE, coalesce, nanvl, structs (eval_select.c) - */

/* n copies of row 0 of value (a column of at least one row). */
int tide_eval_broadcast(tide_batch *out, const tide_column *value, int64_t n, tide_column *dst,
                        char *errbuf, size_t errlen);
/* CASE WHEN conds[0] THEN values[0] ... ELSE otherwise END: conds are
   boolean columns (null counts as false), values and otherwise (NULL: no
   ELSE, so NULL) share one type. */
int tide_eval_case(tide_batch *out, const tide_column *const *conds,
                   const tide_column *const *values, int32_t n, const tide_column *otherwise,
                   tide_column *dst, char *errbuf, size_t errlen);
/* The same, where compact[b] (n + 1 flags, the ELSE's last; NULL: none)
   says branch b's value column holds only the rows CASE gives it, in
   order: a value evaluated over those rows alone (picks below). */
int tide_eval_case_compact(tide_batch *out, const tide_column *const *conds,
                           const tide_column *const *values, int32_t n,
                           const tide_column *otherwise, const uint8_t *compact, tide_column *dst,
                           char *errbuf, size_t errlen);
/* Whether CASE gives each row to branch (n: the ELSE): a boolean column. */
int tide_eval_case_picks(tide_batch *out, const tide_column *const *conds, int32_t n,
                         int32_t branch, tide_column *dst, char *errbuf, size_t errlen);
/* The first non-null of args (of one type), per row. */
int tide_eval_coalesce(tide_batch *out, const tide_column *const *args, int32_t n,
                       tide_column *dst, char *errbuf, size_t errlen);
/* Spark's nanvl: a where it is not NaN (NULL where a is NULL), b where it
   is; a and b both double or both float. */
int tide_eval_nanvl(tide_batch *out, const tide_column *a, const tide_column *b, tide_column *dst,
                    char *errbuf, size_t errlen);
/* Field `index` of a struct column, sharing its buffers; a row is null
   when the struct row is null too. */
int tide_eval_field(tide_batch *out, const tide_column *s, int32_t index, tide_column *dst,
                    char *errbuf, size_t errlen);
/* Field `index` of an array of structs' elements (Spark's
   GetArrayStructFields): an array column sharing a's offsets and validity
   whose elements are the field's values, null where the struct is. */
int tide_eval_array_field(tide_batch *out, const tide_column *a, int32_t index, tide_column *dst,
                          char *errbuf, size_t errlen);
/* A struct column of `rows` rows whose fields are the given columns
   (shared, not copied) renamed to names. */
int tide_eval_struct(tide_batch *out, const tide_column *const *fields,
                     const char *const *names, int32_t n, int64_t rows, tide_column *dst,
                     char *errbuf, size_t errlen);

/* ---- arithmetic (eval_arith.c) ------------------------------------------ */

typedef enum tide_arith_op {
    TIDE_ADD = 1,
    TIDE_SUB = 2,
    TIDE_MUL = 3,
    TIDE_DIV = 4,
    TIDE_MOD = 5
} tide_arith_op;

/* a op b, a and b of one type among int, bigint, float, double (result of
   that type; int and bigint wrap, and their DIV truncates: SQL's div), or
   both decimal (any
   precision and scale; the result is decimal(precision, scale), NULL when
   it does not fit). Division and remainder by zero give NULL. */
int tide_eval_arith(tide_batch *out, int32_t op, const tide_column *a, const tide_column *b,
                    int32_t precision, int32_t scale, tide_column *dst, char *errbuf,
                    size_t errlen);
/* a div b of two decimal columns (Spark's IntegralDivide): the quotient
   truncated, a bigint: NULL when b is 0 or the quotient has more digits
   than decimal(p_a - s_a + s_b, 0) holds (at most 38), else its low 64
   bits (Decimal.toLong wraps). */
int tide_eval_decimal_quot(tide_batch *out, const tide_column *a, const tide_column *b,
                           tide_column *dst, char *errbuf, size_t errlen);
/* -a for int, bigint, float, double, decimal. */
int tide_eval_negate(tide_batch *out, const tide_column *a, tide_column *dst, char *errbuf,
                     size_t errlen);

/* ---- comparisons and logic (eval_compare.c, eval_logic.c) --------------- */

typedef enum tide_compare_op {
    TIDE_EQ = 1,
    TIDE_NE = 2,
    TIDE_LT = 3,
    TIDE_LE = 4,
    TIDE_GT = 5,
    TIDE_GE = 6,
    TIDE_EQ_NULL_SAFE = 7
} tide_compare_op;

/* a op b into a boolean column; a and b of one type (decimals may differ
   in precision and scale). Strings compare bytewise; NaN equals NaN and
   is above every other double, as in Spark. NULL when either is NULL,
   except <=>, which is never NULL. */
int tide_eval_compare(tide_batch *out, int32_t op, const tide_column *a, const tide_column *b,
                      tide_column *dst, char *errbuf, size_t errlen);
/* x IN (list...), all of x's type: NULL when x is NULL, or when nothing
   matches and the list holds a NULL. */
int tide_eval_in(tide_batch *out, const tide_column *x, const tide_column *const *list,
                 int32_t n, tide_column *dst, char *errbuf, size_t errlen);
/* Three-valued AND (is_or = 0) / OR of two boolean columns. */
int tide_eval_and_or(tide_batch *out, int32_t is_or, const tide_column *a, const tide_column *b,
                     tide_column *dst, char *errbuf, size_t errlen);
int tide_eval_not(tide_batch *out, const tide_column *a, tide_column *dst, char *errbuf,
                  size_t errlen);
/* a IS NULL (negate: IS NOT NULL), never NULL. */
int tide_eval_isnull(tide_batch *out, const tide_column *a, int32_t negate, tide_column *dst,
                     char *errbuf, size_t errlen);

/* Spark's isnan: true where a (double or float) is NaN, false where it
   is a number or NULL; never NULL. */
int tide_eval_isnan(tide_batch *out, const tide_column *a, tide_column *dst, char *errbuf,
                    size_t errlen);

/* The first row of a boolean column that is false or NULL, or -1 when
   every row is true: what Spark's assert_true fails on. */
int64_t tide_eval_first_not_true(const tide_column *cond);

/* Spark's AtLeastNNonNulls (what na.drop filters on): true where at least
   n of the columns are neither NULL nor NaN (float and double), never
   NULL. One pass per column over a per-row counter. */
int tide_eval_at_least_n_non_nulls(tide_batch *out, const tide_column *const *cols, int32_t ncols,
                                   int32_t n, tide_column *dst, char *errbuf, size_t errlen);

/* ---- strings (eval_strings.c) -------------------------------------------- */

/* lower (upper = 0) or upper of a string column, Unicode-aware. */
int tide_eval_change_case(tide_batch *out, const tide_column *s, int32_t upper, tide_column *dst,
                          char *errbuf, size_t errlen);
/* Characters (UTF-8 code points) of strings, bytes of binary, as int. */
int tide_eval_length(tide_batch *out, const tide_column *s, tide_column *dst, char *errbuf,
                     size_t errlen);
/* Spark's substring(s, pos, len) in characters: pos is 1-based, 0 acts as
   1, negative counts from the end; pos and len are int columns (len NULL:
   to the end). */
int tide_eval_substring(tide_batch *out, const tide_column *s, const tide_column *pos,
                        const tide_column *len, tide_column *dst, char *errbuf, size_t errlen);
/* The strings of args joined per row; NULL when any is NULL. Binary
   when every arg is binary. */
int tide_eval_concat(tide_batch *out, const tide_column *const *args, int32_t n,
                     tide_column *dst, char *errbuf, size_t errlen);

/* ---- regular expressions (eval_regex.c, PCRE2) --------------------------- */

typedef struct tide_regex tide_regex;

/* A Java-syntax regular expression, compiled once (PCRE2, UTF-8, JIT).
   NULL with errbuf naming the pattern and the position of the error. */
tide_regex *tide_regex_compile(const char *pattern, size_t len, char *errbuf, size_t errlen);
/* The pattern of SQL's LIKE: % any characters, _ one, escape (usually
   '\\') makes the next character literal. */
tide_regex *tide_like_compile(const char *pattern, size_t len, int32_t escape, char *errbuf,
                              size_t errlen);
void tide_regex_free(tide_regex *re);
/* The capturing groups of re. */
int32_t tide_regex_groups(const tide_regex *re);

/* regexp_replace(s, re, replacement, position): every match from the
   position-th character (1-based) on replaced, the text before it kept (a
   position past the end: s unchanged); the replacement uses Java's syntax
   ($1, ${name}, \$ for a dollar). */
int tide_eval_regexp_replace(tide_batch *out, const tide_column *s, const tide_regex *re,
                             const char *replacement, size_t replacement_len, int64_t position,
                             tide_column *dst, char *errbuf, size_t errlen);
/* split(s, re, limit)[index]: the index-th (0-based) piece of Spark's
   split, NULL when there are fewer pieces. limit > 0 caps the pieces (the
   last holds the rest); limit <= 0 splits at every match. */
int tide_eval_split_part(tide_batch *out, const tide_column *s, const tide_regex *re,
                         int32_t limit, int32_t index, tide_column *dst, char *errbuf,
                         size_t errlen);
/* split(s, re, limit): Spark's split, an array<string> (pieces as
   tide_eval_split_part's). */
int tide_eval_split(tide_batch *out, const tide_column *s, const tide_regex *re, int32_t limit,
                    tide_column *dst, char *errbuf, size_t errlen);
/* regexp_extract(s, re, group): group `group` (0: the whole match) of the
   first match in s, "" when nothing matches or the group took no part. */
int tide_eval_regexp_extract(tide_batch *out, const tide_column *s, const tide_regex *re,
                             int32_t group, tide_column *dst, char *errbuf, size_t errlen);
/* Whether re matches each string: anywhere for tide_regex_compile's
   patterns (RLIKE), the whole string for LIKE's. */
int tide_eval_regex_match(tide_batch *out, const tide_column *s, const tide_regex *re,
                          tide_column *dst, char *errbuf, size_t errlen);

/* ---- hashing (eval_hash.c) ----------------------------------------------- */

/* Spark's xxhash64(args...): XXH64 of each non-null value's encoding
   (ints and booleans 4 bytes, bigint/timestamp 8, float/double their IEEE
   bits with -0.0 as 0.0, strings and binary their bytes, decimals of
   precision <= 18 their unscaled long, wider ones the unscaled value's
   big-endian two's complement bytes, struct fields in order), each hash
   the seed of the next; the first seed is `seed` (Spark: 42). Never NULL. */
int tide_eval_xxhash64(tide_batch *out, const tide_column *const *args, int32_t n, int64_t seed,
                       int64_t rows, tide_column *dst, char *errbuf, size_t errlen);

/* ---- math (eval_math.c) --------------------------------------------------- */

typedef enum tide_math_op {
    TIDE_MATH_SQRT = 1,
    TIDE_MATH_EXP = 2,
    TIDE_MATH_LN = 3,
    TIDE_MATH_LOG10 = 4,
    TIDE_MATH_LOG2 = 5,
    TIDE_MATH_SIGNUM = 6,
    TIDE_MATH_POW = 7,
    TIDE_MATH_LOG = 8
} tide_math_op;

/* op (SQRT ... SIGNUM) of a double column, as Spark 3.5: ln, log10 and
   log2 (ln(x) / ln(2)) are NULL where x <= 0 (NaN stays NaN); sqrt(-1) is
   NaN; signum keeps -0.0, 0.0 and NaN. */
int tide_eval_math_unary(tide_batch *out, int32_t op, const tide_column *a, tide_column *dst,
                         char *errbuf, size_t errlen);
/* a op b of two double columns: POW as Java's Math.pow (a NaN exponent
   gives NaN, (+-1)^(+-Infinity) is NaN), LOG is log(base a, b): NULL when
   a or b is <= 0. */
int tide_eval_math_binary(tide_batch *out, int32_t op, const tide_column *a, const tide_column *b,
                          tide_column *dst, char *errbuf, size_t errlen);
/* |a| for int, bigint (both wrap: abs(MIN) is MIN), float, double, decimal
   (same precision and scale). */
int tide_eval_abs(tide_batch *out, const tide_column *a, tide_column *dst, char *errbuf,
                  size_t errlen);
/* floor (ceil_ = 0) or ceil of a double column as bigint, as Java's (long)
   cast: saturating, NaN -> 0. */
int tide_eval_floor_ceil(tide_batch *out, const tide_column *a, int32_t ceil_, tide_column *dst,
                         char *errbuf, size_t errlen);

typedef enum tide_round_mode {
    TIDE_ROUND_HALF_UP = 1,
    TIDE_ROUND_HALF_EVEN = 2,
    TIDE_ROUND_FLOOR = 3,
    TIDE_ROUND_CEILING = 4
} tide_round_mode;

/* Spark's round (HALF_UP) / bround (HALF_EVEN) of a to `scale` decimal
   places (negative: tens, hundreds, ...); result of a's type. int and
   bigint change at negative scales only and wrap to their width; float
   and double round their Double.toString digits (NaN and infinities stay,
   no -0.0); FLOOR and CEILING are for decimals only. A decimal becomes
   decimal(precision, result_scale) (Spark's RoundBase.dataType): NULL
   when the value does not fit at scale >= 0, an error at a negative
   scale. */
int tide_eval_round(tide_batch *out, const tide_column *a, int32_t scale, int32_t mode,
                    int32_t precision, int32_t result_scale, tide_column *dst, char *errbuf,
                    size_t errlen);
/* greatest (least = 0) or least of n columns of one type (decimals of one
   scale): per row the first largest (smallest) non-null value, NaN above
   every double; NULL when all are NULL. */
int tide_eval_greatest(tide_batch *out, const tide_column *const *args, int32_t n, int32_t least,
                       tide_column *dst, char *errbuf, size_t errlen);

#endif

/*
 * eval_digest.c — hashes and encodings of tide.eval_text (contracts in
 * ffi/text.h), as Spark 3.5 computes them: md5/sha1/sha2 with OpenSSL's
 * libcrypto (lower-case hex, as commons-codec's DigestUtils writes
 * them), crc32 with zlib, base64/unbase64 with libcrypto's block coder
 * (base64's lines broken as Java's MIME encoder breaks them, unbase64's
 * text first read as its decoder does), hex as
 * Spark's Hex, and hash as Spark's Murmur3Hash.
 *
 * Spark's Murmur3 is Murmur3_x86_32 with one twist no library has: the
 * bytes past the last whole 4-byte word are mixed one at a time, each as a
 * sign-extended int (hashUnsafeBytes), so the standard algorithm's tail
 * would give other values; it is written out here, checked against
 * Spark's own class (tests/lua/test_text_functions.lua).
 */
#include "ffi/text.h"
#include "kernel.h"
#include "spark_hash.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static int check_varlen(const tide_column *s, const char *fn, char *errbuf, size_t errlen)
{
    if (!tide_is_varlen(s->type))
        return kernel_error(errbuf, errlen, "%s needs a string or binary column, not type %d", fn,
                            s->type);
    return 0;
}

static const unsigned char *row_bytes(const tide_column *c, int64_t i, int32_t *len)
{
    return (const unsigned char *)tide_column_bytes(c, i, len);
}

static int32_t longest(const tide_column *s)
{
    const int32_t *off = s->values;
    int32_t max = 0;
    for (int64_t i = 0; i < s->length; i++)
        if (off[i + 1] - off[i] > max) max = off[i + 1] - off[i];
    return max;
}

/* ---- md5, sha1, sha2 ---------------------------------------------------------------- */

static const char *digest_name(int32_t digest)
{
    switch (digest) {
    case TIDE_DIGEST_MD5:
        return "MD5";
    case TIDE_DIGEST_SHA1:
        return "SHA1";
    case TIDE_DIGEST_SHA224:
        return "SHA224";
    case TIDE_DIGEST_SHA256:
        return "SHA256";
    case TIDE_DIGEST_SHA384:
        return "SHA384";
    case TIDE_DIGEST_SHA512:
        return "SHA512";
    default:
        return NULL;
    }
}

int tide_eval_digest(tide_batch *out, const tide_column *s, int32_t digest, tide_column *dst,
                     char *errbuf, size_t errlen)
{
    static const char hexdigits[] = "0123456789abcdef";
    const char *name = digest_name(digest);
    if (!name) return kernel_error(errbuf, errlen, "unknown digest %d", digest);
    if (check_varlen(s, name, errbuf, errlen) != 0) return -1;
    EVP_MD *md = EVP_MD_fetch(NULL, name, NULL);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int rc = 0;
    if (!md || !ctx) rc = kernel_error(errbuf, errlen, "%s is not available from OpenSSL", name);
    int64_t n = s->length;
    int size = md ? EVP_MD_get_size(md) : 0;
    if (rc == 0 && (kernel_alloc(out, dst, "", TIDE_STRING, 0, 0, n, n * 2 * size) != 0 ||
                    kernel_validity_and(out, dst, s, NULL) != 0))
        rc = kernel_error(errbuf, errlen, "out of memory");
    int64_t used = 0;
    for (int64_t i = 0; rc == 0 && i < n; i++) {
        if (tide_valid(s, i)) {
            unsigned char h[EVP_MAX_MD_SIZE];
            char text[2 * EVP_MAX_MD_SIZE];
            unsigned int hlen = 0;
            int32_t len;
            const unsigned char *p = row_bytes(s, i, &len);
            if (!EVP_DigestInit_ex2(ctx, md, NULL) || !EVP_DigestUpdate(ctx, p, (size_t)len) ||
                !EVP_DigestFinal_ex(ctx, h, &hlen)) {
                rc = kernel_error(errbuf, errlen, "%s failed", name);
                break;
            }
            for (unsigned int k = 0; k < hlen; k++) {
                text[2 * k] = hexdigits[h[k] >> 4];
                text[2 * k + 1] = hexdigits[h[k] & 15];
            }
            rc = kernel_str_append(out, dst, &used, text, 2 * (int64_t)hlen, errbuf, errlen);
        }
        kernel_str_end(dst, i, used);
    }
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(md);
    if (rc == 0) kernel_finish(dst);
    return rc;
}

/* ---- crc32 -------------------------------------------------------------------------- */

int tide_eval_crc32(tide_batch *out, const tide_column *s, tide_column *dst, char *errbuf,
                    size_t errlen)
{
    if (check_varlen(s, "crc32", errbuf, errlen) != 0) return -1;
    int64_t n = s->length;
    if (kernel_alloc(out, dst, "", TIDE_INT64, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, s, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    int64_t *r = dst->values;
    uLong empty = crc32(0L, Z_NULL, 0);
    for (int64_t i = 0; i < n; i++) {
        int32_t len;
        const unsigned char *p = row_bytes(s, i, &len);
        r[i] = (int64_t)crc32(empty, p, (uInt)len);
    }
    kernel_finish(dst);
    return 0;
}

/* ---- base64 --------------------------------------------------------------------------- */

int tide_eval_base64(tide_batch *out, const tide_column *s, tide_column *dst, char *errbuf,
                     size_t errlen)
{
    if (check_varlen(s, "base64", errbuf, errlen) != 0) return -1;
    int64_t n = s->length;
    int64_t most = 4 * (((int64_t)longest(s) + 2) / 3);
    most += 2 * (most / 76); /* the line breaks */
    if (most > INT32_MAX) return kernel_error(errbuf, errlen, "base64: a value is too long");
    unsigned char *buf = malloc((size_t)most + 1);
    if (!buf || kernel_alloc(out, dst, "", TIDE_STRING, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, s, NULL) != 0) {
        free(buf);
        return kernel_error(errbuf, errlen, "out of memory");
    }
    int64_t used = 0;
    int rc = 0;
    for (int64_t i = 0; rc == 0 && i < n; i++) {
        if (tide_valid(s, i)) {
            int32_t len;
            const unsigned char *p = row_bytes(s, i, &len);
            int w = EVP_EncodeBlock(buf, p, len);
            /* Spark 3.5 encodes with Java's MIME encoder: a CRLF after
               every 76 characters but the last ones, moved in place from
               the end. */
            int breaks = (w - 1) / 76, to = w + 2 * breaks;
            for (int line = breaks; line > 0; line--) {
                int from = line * 76, n = (line == breaks ? w : from + 76) - from;
                memmove(buf + from + 2 * line, buf + from, (size_t)n);
                buf[from + 2 * line - 2] = '\r';
                buf[from + 2 * line - 1] = '\n';
            }
            rc = kernel_str_append(out, dst, &used, buf, w > 0 ? to : 0, errbuf, errlen);
        }
        kernel_str_end(dst, i, used);
    }
    free(buf);
    if (rc == 0) kernel_finish(dst);
    return rc;
}

static int base64_char(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/';
}

/* The base64 characters of p as java.util.Base64's MIME decoder takes
   them, into q: other bytes skipped, '=' ending the data (after two
   characters of a unit it must be "=="; at the start of a unit it is an
   error), nothing but skipped bytes after it. Their count, or -1 with
   Java's message. */
static int32_t mime_characters(const unsigned char *p, int32_t len, unsigned char *q,
                               const char **error)
{
    int32_t n = 0, i = 0;
    while (i < len) {
        unsigned char c = p[i++];
        if (c == '=') {
            if ((n % 4 == 2 && (i == len || p[i++] != '=')) || n % 4 == 0) {
                *error = "Input byte array has wrong 4-byte ending unit";
                return -1;
            }
            break;
        }
        if (base64_char(c)) q[n++] = c;
    }
    if (n % 4 == 1) {
        *error = "Last unit does not have enough valid bits";
        return -1;
    }
    for (; i < len; i++)
        if (base64_char(p[i])) {
            *error = "Input byte array has incorrect ending byte";
            return -1;
        }
    return n;
}

int tide_eval_unbase64(tide_batch *out, const tide_column *s, tide_column *dst, char *errbuf,
                       size_t errlen)
{
    if (s->type != TIDE_STRING) return kernel_error(errbuf, errlen, "unbase64 needs a string");
    int64_t n = s->length;
    int32_t most = longest(s);
    unsigned char *q = malloc((size_t)most + 4), *bytes = malloc((size_t)most + 4);
    if (!q || !bytes || kernel_alloc(out, dst, "", TIDE_BINARY, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, s, NULL) != 0) {
        free(q);
        free(bytes);
        return kernel_error(errbuf, errlen, "out of memory");
    }
    int64_t used = 0;
    int rc = 0;
    for (int64_t i = 0; rc == 0 && i < n; i++) {
        if (tide_valid(s, i)) {
            int32_t len;
            const char *error = NULL;
            const unsigned char *p = row_bytes(s, i, &len);
            int32_t chars = mime_characters(p, len, q, &error);
            if (chars < 0) {
                rc = kernel_error(errbuf, errlen, "unbase64: %s", error);
                break;
            }
            /* Whole units, then the last two or three characters padded:
               EVP_DecodeBlock gives 3 bytes a unit, padding included. */
            int32_t whole = chars / 4 * 4, tail = chars - whole, w = 0;
            if (whole > 0) w = EVP_DecodeBlock(bytes, q, whole);
            if (w >= 0 && tail > 0) {
                unsigned char unit[4] = {'=', '=', '=', '='};
                memcpy(unit, q + whole, (size_t)tail);
                int t = EVP_DecodeBlock(bytes + w, unit, 4);
                w = t < 0 ? -1 : w + tail - 1;
            }
            if (w < 0) {
                rc = kernel_error(errbuf, errlen, "unbase64: malformed base64");
                break;
            }
            rc = kernel_str_append(out, dst, &used, bytes, w, errbuf, errlen);
        }
        kernel_str_end(dst, i, used);
    }
    free(q);
    free(bytes);
    if (rc == 0) kernel_finish(dst);
    return rc;
}

/* ---- hex -------------------------------------------------------------------------------- */

int tide_eval_hex(tide_batch *out, const tide_column *s, tide_column *dst, char *errbuf,
                  size_t errlen)
{
    static const char digits[] = "0123456789ABCDEF";
    if (s->type != TIDE_INT64 && !tide_is_varlen(s->type))
        return kernel_error(errbuf, errlen, "hex needs a bigint, string or binary column");
    int64_t n = s->length;
    if (kernel_alloc(out, dst, "", TIDE_STRING, 0, 0, n, 0) != 0 ||
        kernel_validity_and(out, dst, s, NULL) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    int64_t used = 0;
    for (int64_t i = 0; i < n; i++) {
        if (!tide_valid(s, i)) {
            kernel_str_end(dst, i, used);
            continue;
        }
        char buf[256];
        int b = 0;
        if (s->type == TIDE_INT64) {
            uint64_t v = (uint64_t)((const int64_t *)s->values)[i];
            char tmp[16];
            do {
                tmp[b++] = digits[v & 15];
                v >>= 4;
            } while (v);
            for (int k = 0; k < b; k++)
                buf[k] = tmp[b - 1 - k];
        } else {
            int32_t len;
            const unsigned char *p = row_bytes(s, i, &len);
            for (int32_t k = 0; k < len; k++) {
                buf[b++] = digits[p[k] >> 4];
                buf[b++] = digits[p[k] & 15];
                if (b == (int)sizeof buf) {
                    if (kernel_str_append(out, dst, &used, buf, b, errbuf, errlen) != 0) return -1;
                    b = 0;
                }
            }
        }
        if (kernel_str_append(out, dst, &used, buf, b, errbuf, errlen) != 0) return -1;
        kernel_str_end(dst, i, used);
    }
    kernel_finish(dst);
    return 0;
}

/* ---- hash: Spark's Murmur3_x86_32 ---------------------------------------------------- */

static uint32_t rotl32(uint32_t x, int r)
{
    return (x << r) | (x >> (32 - r));
}

static uint32_t mix_k1(uint32_t k1)
{
    return rotl32(k1 * 0xcc9e2d51u, 15) * 0x1b873593u;
}

static uint32_t mix_h1(uint32_t h1, uint32_t k1)
{
    return rotl32(h1 ^ k1, 13) * 5u + 0xe6546b64u;
}

static uint32_t fmix(uint32_t h1, uint32_t length)
{
    h1 ^= length;
    h1 ^= h1 >> 16;
    h1 *= 0x85ebca6bu;
    h1 ^= h1 >> 13;
    h1 *= 0xc2b2ae35u;
    return h1 ^ (h1 >> 16);
}

static uint32_t hash_int(uint32_t v, uint32_t seed)
{
    return fmix(mix_h1(seed, mix_k1(v)), 4);
}

static uint32_t hash_long(uint64_t v, uint32_t seed)
{
    uint32_t h1 = mix_h1(seed, mix_k1((uint32_t)v));
    return fmix(mix_h1(h1, mix_k1((uint32_t)(v >> 32))), 8);
}

/* hashUnsafeBytes: little-endian words, then each byte left as a
   sign-extended int. */
static uint32_t hash_bytes(const unsigned char *p, int32_t len, uint32_t seed)
{
    uint32_t h1 = seed;
    int32_t aligned = len - len % 4;
    for (int32_t i = 0; i < aligned; i += 4) {
        uint32_t w = (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 | (uint32_t)p[i + 2] << 16 |
                     (uint32_t)p[i + 3] << 24;
        h1 = mix_h1(h1, mix_k1(w));
    }
    for (int32_t i = aligned; i < len; i++)
        h1 = mix_h1(h1, mix_k1((uint32_t)(int32_t)(signed char)p[i]));
    return fmix(h1, (uint32_t)len);
}

static uint32_t hash_decimal(const tide_column *c, int64_t row, uint32_t seed)
{
    i128 v = dec_load((const char *)c->values + 16 * row);
    if (c->precision <= 18) return hash_long((uint64_t)(int64_t)v, seed);
    unsigned char b[16];
    int32_t len;
    const unsigned char *p = spark_hash_decimal_bytes(v, b, &len);
    return hash_bytes(p, len, seed);
}

/* The hash of row `row` of c (valid there) chained onto seed. */
static uint32_t hash_value(const tide_column *c, int64_t row, uint32_t seed)
{
    switch (c->type) {
    case TIDE_BOOL:
        return hash_int(((const uint8_t *)c->values)[row] ? 1 : 0, seed);
    case TIDE_INT32:
    case TIDE_DATE:
        return hash_int((uint32_t)((const int32_t *)c->values)[row], seed);
    case TIDE_INT64:
    case TIDE_TIMESTAMP:
        return hash_long((uint64_t)((const int64_t *)c->values)[row], seed);
    case TIDE_FLOAT32:
        return hash_int(spark_hash_float_bits(((const float *)c->values)[row]), seed);
    case TIDE_FLOAT64:
        return hash_long(spark_hash_double_bits(((const double *)c->values)[row]), seed);
    case TIDE_DECIMAL:
        return hash_decimal(c, row, seed);
    case TIDE_STRING:
    case TIDE_BINARY: {
        int32_t len;
        const unsigned char *p = row_bytes(c, row, &len);
        return hash_bytes(p, len, seed);
    }
    case TIDE_STRUCT:
        for (int32_t k = 0; k < c->num_children; k++)
            if (tide_valid(&c->children[k], row)) seed = hash_value(&c->children[k], row, seed);
        return seed;
    case TIDE_ARRAY:
    case TIDE_MAP: {
        /* Spark's: each element in turn (a map's key, then value), nulls
           leaving the hash as it is */
        const int64_t *off = c->values;
        for (int64_t e = off[row]; e < off[row + 1]; e++)
            for (int32_t k = 0; k < c->num_children; k++)
                if (tide_valid(&c->children[k], e)) seed = hash_value(&c->children[k], e, seed);
        return seed;
    }
    default:
        return seed;
    }
}

int tide_eval_murmur3(tide_batch *out, const tide_column *const *args, int32_t n, int32_t seed,
                      int64_t rows, tide_column *dst, char *errbuf, size_t errlen)
{
    for (int32_t a = 0; a < n; a++) {
        if (args[a]->length != rows)
            return kernel_error(errbuf, errlen, "hash: argument %d has %lld rows, not %lld", a + 1,
                                (long long)args[a]->length, (long long)rows);
        if (args[a]->type == TIDE_VECTOR)
            return kernel_error(errbuf, errlen, "hash cannot hash a vector");
    }
    if (kernel_alloc(out, dst, "", TIDE_INT32, 0, 0, rows, 0) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    uint32_t *h = dst->values;
    for (int64_t i = 0; i < rows; i++)
        h[i] = (uint32_t)seed;
    for (int32_t a = 0; a < n; a++)
        for (int64_t i = 0; i < rows; i++)
            if (tide_valid(args[a], i)) h[i] = hash_value(args[a], i, h[i]);
    return 0;
}

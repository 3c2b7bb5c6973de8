/*
 * eval_aes.c — aes_encrypt, aes_decrypt and try_aes_decrypt (ffi/aes.h),
 * as Spark 3.5's ExpressionImplUtils computes them with Java's "AES/GCM/
 * NoPadding", "AES/CBC/PKCS5Padding" and "AES/ECB/PKCS5Padding" ciphers:
 * here OpenSSL's EVP ciphers of the key's size, with its random bytes for
 * the ivs not given. The layouts and the error messages are Spark's; a
 * message from the cipher itself (an input that does not decrypt) is
 * OpenSSL's words, not Java's.
 */
#include "ffi/aes.h"
#include "kernel.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GCM_IV  12
#define GCM_TAG 16
#define CBC_IV  16
#define BLOCK   16

typedef enum { AES_GCM, AES_CBC, AES_ECB } aes_mode;

/* One row's arguments. */
typedef struct {
    const unsigned char *in, *key, *iv, *aad;
    int32_t in_len, key_len, iv_len, aad_len;
    aes_mode mode;
} aes_row;

static const unsigned char *bytes_at(const tide_column *c, int64_t i, int32_t *len)
{
    *len = 0;
    if (!c) return NULL;
    return (const unsigned char *)tide_column_bytes(c, i, len);
}

/* The row's mode and padding as Spark reads them (any case); -1 (errbuf)
   when Spark has no such cipher. */
static int read_mode(const tide_column *mode, const tide_column *padding, int64_t i, aes_mode *out,
                     char *errbuf, size_t errlen)
{
    char m[16] = "GCM", p[16] = "DEFAULT";
    int32_t len;
    const char *s = (const char *)bytes_at(mode, i, &len);
    if (s) snprintf(m, sizeof m, "%.*s", len < 15 ? (int)len : 15, s);
    s = (const char *)bytes_at(padding, i, &len);
    if (s) snprintf(p, sizeof p, "%.*s", len < 15 ? (int)len : 15, s);
    for (char *c = m; *c; c++)
        *c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
    for (char *c = p; *c; c++)
        *c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
    int is_default = strcmp(p, "DEFAULT") == 0;
    if (strcmp(m, "GCM") == 0 && (is_default || strcmp(p, "NONE") == 0)) {
        *out = AES_GCM;
    } else if (strcmp(m, "CBC") == 0 && (is_default || strcmp(p, "PKCS") == 0)) {
        *out = AES_CBC;
    } else if (strcmp(m, "ECB") == 0 && (is_default || strcmp(p, "PKCS") == 0)) {
        *out = AES_ECB;
    } else {
        return kernel_error(errbuf, errlen,
                            "[UNSUPPORTED_FEATURE.AES_MODE] The feature is not supported: AES-%s "
                            "with the padding %s by the `aes_encrypt`/`aes_decrypt` function.",
                            m, p);
    }
    return 0;
}

static const EVP_CIPHER *cipher_of(aes_mode mode, int32_t key_len)
{
    switch (mode) {
    case AES_GCM:
        return key_len == 16   ? EVP_aes_128_gcm()
               : key_len == 24 ? EVP_aes_192_gcm()
                               : EVP_aes_256_gcm();
    case AES_CBC:
        return key_len == 16   ? EVP_aes_128_cbc()
               : key_len == 24 ? EVP_aes_192_cbc()
                               : EVP_aes_256_cbc();
    default:
        return key_len == 16   ? EVP_aes_128_ecb()
               : key_len == 24 ? EVP_aes_192_ecb()
                               : EVP_aes_256_ecb();
    }
}

static const char *mode_name(aes_mode mode)
{
    return mode == AES_GCM ? "GCM" : mode == AES_CBC ? "CBC" : "ECB";
}

/* Spark's checks of the key, the iv and the aad, in its order. */
static int check_row(const aes_row *r, int encrypt, char *errbuf, size_t errlen)
{
    if (r->key_len != 16 && r->key_len != 24 && r->key_len != 32)
        return kernel_error(
            errbuf, errlen,
            "[INVALID_PARAMETER_VALUE.AES_KEY_LENGTH] The value of parameter(s) `key` "
            "in `aes_encrypt`/`aes_decrypt` is invalid: expects a binary value with "
            "16, 24 or 32 bytes, but got %d bytes.",
            (int)r->key_len);
    const char *fn = encrypt ? "aes_encrypt" : "aes_decrypt";
    if (r->iv_len > 0 && r->mode == AES_ECB)
        return kernel_error(errbuf, errlen,
                            "[UNSUPPORTED_FEATURE.AES_MODE_IV] The feature is not supported: `%s` "
                            "with AES-ECB does not support initialization vectors (IVs).",
                            fn);
    if (r->iv_len > 0 && r->iv_len != (r->mode == AES_GCM ? GCM_IV : CBC_IV))
        return kernel_error(
            errbuf, errlen,
            "[INVALID_PARAMETER_VALUE.AES_IV_LENGTH] The value of parameter(s) `iv` "
            "in `aes_encrypt`/`aes_decrypt` is invalid: supports 16-byte CBC IVs and "
            "12-byte GCM IVs, but got %d bytes for %s.",
            (int)r->iv_len, mode_name(r->mode));
    if (r->aad_len > 0 && r->mode != AES_GCM)
        return kernel_error(errbuf, errlen,
                            "[UNSUPPORTED_FEATURE.AES_MODE_AAD] The feature is not supported: `%s` "
                            "with AES-%s does not support additional authenticate data (AAD).",
                            fn, mode_name(r->mode));
    return 0;
}

static int crypto_error(char *errbuf, size_t errlen, const char *what)
{
    unsigned long e = ERR_get_error();
    char reason[160] = "";
    if (e) ERR_error_string_n(e, reason, sizeof reason);
    ERR_clear_error();
    return kernel_error(errbuf, errlen,
                        "[INVALID_PARAMETER_VALUE.AES_CRYPTO_ERROR] The value of parameter(s) "
                        "`expr`, `key` in `aes_encrypt`/`aes_decrypt` is invalid: detail message: "
                        "%s%s%s",
                        what, *reason ? ": " : "", reason);
}

/* Encrypts r into buf (room for in_len + 12 + 16 + 16 bytes); *n its length. */
static int encrypt_row(EVP_CIPHER_CTX *ctx, const aes_row *r, unsigned char *buf, int *n,
                       char *errbuf, size_t errlen)
{
    int iv_len = r->mode == AES_GCM ? GCM_IV : r->mode == AES_CBC ? CBC_IV : 0;
    unsigned char *iv = buf, *body = buf + iv_len;
    if (iv_len && r->iv_len)
        memcpy(iv, r->iv, (size_t)iv_len);
    else if (iv_len && RAND_bytes(iv, iv_len) != 1)
        return crypto_error(errbuf, errlen, "no random bytes for the iv");
    int len = 0, last = 0;
    if (EVP_EncryptInit_ex(ctx, cipher_of(r->mode, r->key_len), NULL, NULL, NULL) != 1 ||
        (r->mode == AES_GCM &&
         EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, GCM_IV, NULL) != 1) ||
        EVP_EncryptInit_ex(ctx, NULL, NULL, r->key, iv_len ? iv : NULL) != 1 ||
        (r->aad_len && EVP_EncryptUpdate(ctx, NULL, &len, r->aad, r->aad_len) != 1) ||
        EVP_EncryptUpdate(ctx, body, &len, r->in, r->in_len) != 1 ||
        EVP_EncryptFinal_ex(ctx, body + len, &last) != 1)
        return crypto_error(errbuf, errlen, "encryption failed");
    *n = iv_len + len + last;
    if (r->mode == AES_GCM) {
        if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, GCM_TAG, buf + *n) != 1)
            return crypto_error(errbuf, errlen, "encryption failed");
        *n += GCM_TAG;
    }
    return 0;
}

/* Decrypts r into buf (room for in_len + 16 bytes); *n its length. */
static int decrypt_row(EVP_CIPHER_CTX *ctx, const aes_row *r, unsigned char *buf, int *n,
                       char *errbuf, size_t errlen)
{
    int iv_len = r->mode == AES_GCM ? GCM_IV : r->mode == AES_CBC ? CBC_IV : 0;
    int tag_len = r->mode == AES_GCM ? GCM_TAG : 0;
    if (r->in_len < iv_len + tag_len) {
        char what[120];
        snprintf(what, sizeof what, "the input is %d bytes, too short for AES-%s (its iv and tag)",
                 (int)r->in_len, mode_name(r->mode));
        return crypto_error(errbuf, errlen, what);
    }
    const unsigned char *body = r->in + iv_len;
    int body_len = r->in_len - iv_len - tag_len, len = 0, last = 0;
    if (EVP_DecryptInit_ex(ctx, cipher_of(r->mode, r->key_len), NULL, NULL, NULL) != 1 ||
        (r->mode == AES_GCM &&
         EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, GCM_IV, NULL) != 1) ||
        EVP_DecryptInit_ex(ctx, NULL, NULL, r->key, iv_len ? r->in : NULL) != 1 ||
        (r->aad_len && EVP_DecryptUpdate(ctx, NULL, &len, r->aad, r->aad_len) != 1) ||
        EVP_DecryptUpdate(ctx, buf, &len, body, body_len) != 1 ||
        (tag_len &&
         EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, tag_len, (void *)(body + body_len)) != 1) ||
        EVP_DecryptFinal_ex(ctx, buf + len, &last) != 1)
        return crypto_error(errbuf, errlen,
                            r->mode == AES_GCM ? "the input does not authenticate under the key"
                                               : "the input does not decrypt under the key");
    *n = len + last;
    return 0;
}

static int all_valid(const tide_column *const *cols, int k, int64_t i)
{
    for (int c = 0; c < k; c++)
        if (cols[c] && !tide_valid(cols[c], i)) return 0;
    return 1;
}

int tide_eval_aes(tide_batch *out, const tide_column *input, const tide_column *key,
                  const tide_column *mode, const tide_column *padding, const tide_column *iv,
                  const tide_column *aad, int32_t encrypt, int32_t or_null, tide_column *dst,
                  char *errbuf, size_t errlen)
{
    const tide_column *args[] = {input, key, mode, padding, iv, aad};
    int64_t n = input->length;
    if (kernel_alloc(out, dst, "", TIDE_BINARY, 0, 0, n, 0) != 0 || kernel_validity(out, dst) != 0)
        return kernel_error(errbuf, errlen, "out of memory");
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    unsigned char *buf = NULL;
    size_t cap = 0;
    int64_t used = 0;
    int rc = ctx ? 0 : kernel_error(errbuf, errlen, "out of memory");
    for (int64_t i = 0; rc == 0 && i < n; i++) {
        int ok = all_valid(args, 6, i);
        aes_row r = {0};
        if (ok) {
            r.in = bytes_at(input, i, &r.in_len);
            r.key = bytes_at(key, i, &r.key_len);
            r.iv = bytes_at(iv, i, &r.iv_len);
            r.aad = bytes_at(aad, i, &r.aad_len);
            size_t need = (size_t)r.in_len + GCM_IV + GCM_TAG + BLOCK;
            if (need > cap) {
                unsigned char *grown = realloc(buf, need);
                if (!grown) {
                    rc = kernel_error(errbuf, errlen, "out of memory");
                    break;
                }
                buf = grown;
                cap = need;
            }
            int len = 0;
            ok = read_mode(mode, padding, i, &r.mode, errbuf, errlen) == 0 &&
                 check_row(&r, encrypt, errbuf, errlen) == 0 &&
                 (encrypt ? encrypt_row(ctx, &r, buf, &len, errbuf, errlen)
                          : decrypt_row(ctx, &r, buf, &len, errbuf, errlen)) == 0;
            if (!ok && !or_null) rc = -1;
            if (ok) rc = kernel_str_append(out, dst, &used, buf, len, errbuf, errlen);
        }
        if (!ok) tide_mark_null(dst, i);
        kernel_str_end(dst, i, used);
    }
    free(buf);
    EVP_CIPHER_CTX_free(ctx);
    if (rc == 0) kernel_finish(dst);
    return rc;
}

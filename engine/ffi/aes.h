/* aes_encrypt, aes_decrypt and try_aes_decrypt, as Spark 3.5's
   (eval_aes.c, OpenSSL's libcrypto).
   Part of the FFI declarations (see tide_ffi.h): plain C, no macros, so
   that LuaJIT's ffi.cdef reads it as well.

   Each argument is a column of the rows' count (a literal repeated): the
   input and the key binary (or strings, their bytes), mode and padding
   strings ('GCM', 'CBC', 'ECB'; 'DEFAULT', 'NONE', 'PKCS'; any case), iv
   and aad binary (empty: none; decrypting reads the iv from the input, so
   iv is NULL there). A row with a null argument is NULL. Encrypting
   gives Spark's layout: GCM the iv (12 bytes, random unless given), the
   ciphertext and the 16-byte tag; CBC the iv (16 bytes) and the
   ciphertext (PKCS#7 padded); ECB the ciphertext. A bad key, mode,
   padding, iv or aad, or an input that does not decrypt, fails with
   Spark's message, or (or_null) makes the row NULL. */
#ifndef TIDE_FFI_AES_H
#define TIDE_FFI_AES_H

#include "tide_ffi.h"

int tide_eval_aes(tide_batch *out, const tide_column *input, const tide_column *key,
                  const tide_column *mode, const tide_column *padding, const tide_column *iv,
                  const tide_column *aad, int32_t encrypt, int32_t or_null, tide_column *dst,
                  char *errbuf, size_t errlen);

#endif

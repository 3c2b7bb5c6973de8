-- aes_encrypt, aes_decrypt and try_aes_decrypt, as Spark 3.5.3's: every
-- expected ciphertext, text and message below is Spark's (spark.sql in
-- local mode), for fixed ivs; random ivs are checked by a round trip.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local spark = tide.session()

local function one(sql) return spark:sql(sql):collect()[1] end

local IV12, IV16 = "unhex('000000000000000000000000')", "unhex('00000000000000000000000000000000')"

t.test("ciphertexts with a given iv are Spark's, in its layouts (iv, ciphertext, GCM's tag)", function()
  local cases = {
    { ("aes_encrypt('Spark', '0000111122223333', 'GCM', 'DEFAULT', %s)"):format(IV12),
      "00000000000000000000000046C4EF1C6A7041A6BEAD289645459AF972E4153D03" },
    { ("aes_encrypt('Spark', '0000111122223333', 'GCM', 'DEFAULT', %s, 'This is an AAD mixed into the input')")
      :format(IV12), "00000000000000000000000046C4EF1C6A51487FED3CAC184086329C72D48C83F7" },
    { ("aes_encrypt('Spark SQL', '1234567890abcdef', 'CBC', 'DEFAULT', %s)"):format(IV16),
      "00000000000000000000000000000000DE59B0BBE330D07DDF8B9343BDCBBD96" },
    { "aes_encrypt('Spark SQL', '1234567890abcdef', 'ECB', 'PKCS')", "DE59B0BBE330D07DDF8B9343BDCBBD96" },
    { "aes_encrypt('Spark SQL', '1234567890abcdef0000111122223333', 'ECB')", "9B72CC9FB43AE402A4DC6227882BD6A9" },
    { "aes_encrypt('', '1234567890abcdef', 'ECB')", "02DEC5652C0215F93AF69F009F0F6D58" },
    { ("aes_encrypt(X'', '1234567890abcdef', 'gcm', 'default', %s)"):format(IV12),
      "000000000000000000000000074A637131AFB830A60D3B0D2552C63A" },
  }
  for _, c in ipairs(cases) do t.eq(one("SELECT hex(" .. c[1] .. ") AS r").r, c[2], c[1]) end
  -- Spark's own ciphertexts decrypt
  t.eq(one("SELECT CAST(aes_decrypt(unhex('83F16B2AA704794132802D248E6BFD4E380078182D1544813898AC97E709B28A94'),"
    .. " '0000111122223333') AS STRING) AS r").r, "Spark")
  t.eq(one("SELECT CAST(aes_decrypt(unbase64('3lmwu+Mw0H3fi5NDvcu9lg=='), '1234567890abcdef', 'ECB', 'PKCS')"
    .. " AS STRING) AS r").r, "Spark SQL")
end)

t.test("random ivs: each mode and key size round trips, the lengths Spark's", function()
  for _, key in ipairs({ "abcdefghijklmnop", "abcdefghijklmnop01234567", "abcdefghijklmnop0123456789abcdef" }) do
    for _, mode in ipairs({ "GCM", "CBC", "ECB" }) do
      local r = one(("SELECT CAST(aes_decrypt(aes_encrypt(s, '%s', '%s'), '%s', '%s') AS STRING) AS back,"
        .. " length(aes_encrypt(s, '%s', '%s')) AS n FROM VALUES ('tide and Spark') AS v(s)")
        :format(key, mode, key, mode, key, mode))
      t.eq(r.back, "tide and Spark", mode)
      t.eq(r.n, ({ GCM = 12 + 14 + 16, CBC = 16 + 16, ECB = 16 })[mode], mode)
    end
  end
  -- a new iv each row: two encryptions of one value differ
  local r = one("SELECT aes_encrypt('x', 'abcdefghijklmnop') = aes_encrypt('x', 'abcdefghijklmnop') AS same")
  t.eq(r.same, false)
end)

t.test("NULL arguments give NULL; try_aes_decrypt NULL where aes_decrypt fails; Spark's messages", function()
  local r = one("SELECT aes_encrypt(NULL, 'abcdefghijklmnop') AS a, aes_encrypt('x', NULL) AS b,"
    .. " aes_decrypt(NULL, 'abcdefghijklmnop') AS c, try_aes_decrypt(unhex('00112233'), 'abcdefghijklmnop') AS d,"
    .. " try_aes_decrypt(aes_encrypt('x', 'abcdefghijklmnop'), 'ponmlkjihgfedcba') AS e")
  t.same_table({ r.a, r.b, r.c, r.d, r.e }, {})
  local function fails(sql) return t.raises(function() spark:sql(sql):collect() end) end
  t.has(fails("SELECT aes_encrypt('x', 'short')"), "[INVALID_PARAMETER_VALUE.AES_KEY_LENGTH] The value of"
    .. " parameter(s) `key` in `aes_encrypt`/`aes_decrypt` is invalid: expects a binary value with 16, 24 or 32"
    .. " bytes, but got 5 bytes.")
  t.has(fails("SELECT aes_encrypt('x', 'abcdefghijklmnop', 'CTR')"), "[UNSUPPORTED_FEATURE.AES_MODE] The feature is"
    .. " not supported: AES-CTR with the padding DEFAULT by the `aes_encrypt`/`aes_decrypt` function.")
  t.has(fails("SELECT aes_encrypt('x', 'abcdefghijklmnop', 'GCM', 'PKCS')"), "AES-GCM with the padding PKCS")
  t.has(fails("SELECT aes_decrypt(X'00', 'abcdefghijklmnop', 'ECB', 'NONE')"), "AES-ECB with the padding NONE")
  t.has(fails("SELECT aes_encrypt('x', 'abcdefghijklmnop', 'ECB', 'DEFAULT', unhex('00'))"),
    "[UNSUPPORTED_FEATURE.AES_MODE_IV] The feature is not supported: `aes_encrypt` with AES-ECB does not support"
      .. " initialization vectors (IVs).")
  t.has(fails("SELECT aes_encrypt('x', 'abcdefghijklmnop', 'GCM', 'DEFAULT', unhex('00'))"),
    "[INVALID_PARAMETER_VALUE.AES_IV_LENGTH] The value of parameter(s) `iv` in `aes_encrypt`/`aes_decrypt` is"
      .. " invalid: supports 16-byte CBC IVs and 12-byte GCM IVs, but got 1 bytes for GCM.")
  -- a wrong key: GCM's tag does not authenticate
  t.has(fails("SELECT aes_decrypt(aes_encrypt('x', 'abcdefghijklmnop'), 'ponmlkjihgfedcba')"),
    "[INVALID_PARAMETER_VALUE.AES_CRYPTO_ERROR] The value of parameter(s) `expr`, `key` in"
      .. " `aes_encrypt`/`aes_decrypt` is invalid: detail message: the input does not authenticate under the key")
end)

t.test("F's functions take columns, named as Spark names them with its defaults", function()
  local df = spark:createDataFrame({ { "secret", "abcdefghijklmnop" }, { "other", "abcdefghijklmnop01234567" } },
    "s string, k string")
  local enc = df:select(F.aes_encrypt("s", "k"):alias("e"), "k")
  t.same_table(df:select(F.aes_encrypt("s", "k")).columns, { "aes_encrypt(s, k, GCM, DEFAULT, , )" })
  t.same_table(enc:select(F.aes_decrypt("e", "k")).columns, { "aes_decrypt(e, k, GCM, DEFAULT, )" })
  local back = enc:select(F.aes_decrypt("e", "k"):cast("string"):alias("b")):collect()
  t.same_table({ back[1].b, back[2].b }, { "secret", "other" })
  local cbc = df:select(F.aes_encrypt("s", "k", F.lit("CBC")):alias("e"), "k")
  back = cbc:select(F.try_aes_decrypt("e", "k", F.lit("CBC")):cast("string"):alias("b")):collect()
  t.same_table({ back[1].b, back[2].b }, { "secret", "other" })
end)

t.run()

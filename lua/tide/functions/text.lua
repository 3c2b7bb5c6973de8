-- tide.functions.text — the string, hash and null functions of F (tide.eval_text,
-- eval_functions).
local column = require("tide.column")
local checks = require("tide.checks")
local common = require("tide.functions.common")

local F = {}
local column_fn = common.columnFn
local call, columns_fn, colNode, nodeOf = common.call, common.columnsFn, common.colNode, common.nodeOf

-- PySpark 3.5's signatures and Spark's names: F.trim("s") is trim(s),
-- F.concat_ws("-", "a", "b") is concat_ws(-, a, b), F.locate("b", "s") is
-- locate(b, s, 1). Strings where PySpark takes a str (a separator, a
-- pattern, a pad) are values; elsewhere they name columns.

for _, name in ipairs({ "initcap", "reverse", "ascii", "md5", "sha1", "crc32", "base64", "unbase64", "hex" }) do
  F[name] = column_fn(name)
end

-- xpath(xml, path), xpath_string, xpath_boolean, xpath_short, xpath_int,
-- xpath_long, xpath_float, xpath_double, xpath_number: columns (or their
-- names), as PySpark 3.5's; the path a literal (F.lit("a/b")).
for _, name in ipairs({ "xpath", "xpath_string", "xpath_boolean", "xpath_short", "xpath_int", "xpath_long",
                        "xpath_float", "xpath_double", "xpath_number" }) do
  F[name] = columns_fn(name)
end

-- sentences(string, language=None, country=None): columns (or names).
function F.sentences(str, language, country)
  local args = { colNode(str) }
  if language ~= nil then args[2] = colNode(language) end
  if country ~= nil then args[3] = colNode(country) end
  return call("sentences", args)
end

-- aes_encrypt(input, key[, mode[, padding[, iv[, aad]]]]),
-- aes_decrypt(input, key[, mode[, padding[, aad]]]), try_aes_decrypt:
-- columns (or their names), as PySpark 3.5's; an argument not given is
-- Spark's default ('GCM', 'DEFAULT', '').
local AES_DEFAULTS = { "GCM", "DEFAULT", "", "" }
local function aes_fn(name, count)
  return function(input, key, ...)
    local args, rest = { colNode(input), colNode(key) }, { ... }
    for i = 1, count - 2 do
      local v = rest[i]
      if v == nil then args[i + 2] = { k = "lit", value = AES_DEFAULTS[i] } else args[i + 2] = colNode(v) end
    end
    return call(name, args)
  end
end
F.aes_encrypt = aes_fn("aes_encrypt", 6)
F.aes_decrypt = aes_fn("aes_decrypt", 5)
F.try_aes_decrypt = aes_fn("try_aes_decrypt", 5)

-- trim(col[, trimStr]), ltrim, rtrim: spaces, or the characters of
-- trimStr (Scala's trim(col, trimString), PySpark 4's trim(col, trim)).
for _, name in ipairs({ "trim", "ltrim", "rtrim" }) do
  F[name] = function(c, chars)
    if c == nil then error(name .. "() needs a column", 2) end
    if chars == nil then return call(name, { colNode(c) }) end
    return call(name, { nodeOf(chars), colNode(c) })
  end
end

-- btrim(col, trim=None): Spark's btrim(str[, trimStr]), named btrim(s, x).
function F.btrim(c, chars)
  if c == nil then error("btrim() needs a column", 2) end
  return call("btrim", { colNode(c), chars ~= nil and nodeOf(chars) or nil })
end

-- lpad(col, len, pad), rpad(col, len, pad)
for _, name in ipairs({ "lpad", "rpad" }) do
  F[name] = function(c, len, pad)
    if len == nil or pad == nil then error(name .. "(col, len, pad) needs a length and a pad", 2) end
    return call(name, { colNode(c), nodeOf(len), nodeOf(pad) })
  end
end

-- concat_ws(sep, *cols): sep is a string; NULL columns are skipped.
function F.concat_ws(sep, ...)
  if type(sep) ~= "string" then error("concat_ws(sep, *cols): sep is a string, not " .. checks.kindOf(sep), 2) end
  local args = { nodeOf(sep) }
  for i = 1, select("#", ...) do args[i + 1] = colNode((select(i, ...))) end
  return call("concat_ws", args)
end

-- instr(col, substr), locate(substr, col, pos=1): 1-based, 0 when absent.
function F.instr(c, substr) return call("instr", { colNode(c), nodeOf(substr) }) end
function F.locate(substr, c, pos) return call("locate", { nodeOf(substr), colNode(c), nodeOf(pos or 1) }) end

function F.translate(c, matching, replace)
  return call("translate", { colNode(c), nodeOf(matching), nodeOf(replace) })
end

-- repeat(col, n); Lua's `repeat` is a keyword: F["repeat"] or F.repeat_.
F["repeat"] = function(c, n) return call("repeat", { colNode(c), nodeOf(n) }) end
F.repeat_ = F["repeat"]

-- regexp_extract(col, pattern, idx): group idx of the first match, "" when none.
function F.regexp_extract(c, pattern, idx)
  return call("regexp_extract", { colNode(c), nodeOf(pattern), nodeOf(idx) })
end

-- sha2(col, numBits): 224, 256 (or 0), 384, 512.
function F.sha2(c, numBits) return call("sha2", { colNode(c), nodeOf(numBits) }) end

F.hash = columns_fn("hash")
F.ifnull = columns_fn("ifnull")
F.nvl = columns_fn("nvl")
F.nvl2 = columns_fn("nvl2")
F.nullif = columns_fn("nullif")


-- substring(str, pos, len): pos is 1-based, negative counts from the end.
function F.substring(c, pos, len)
  return call("substring", { colNode(c), nodeOf(pos), nodeOf(len) })
end

function F.regexp_replace(c, pattern, replacement)
  return call("regexp_replace", { colNode(c), nodeOf(pattern), nodeOf(replacement) })
end

-- split(str, pattern[, limit]): an array<string> (:getItem(i) a piece).
function F.split(c, pattern, limit)
  return call("split", { colNode(c), nodeOf(pattern), nodeOf(limit or -1) })
end

-- ---- Spark 3.5's other string functions (tide.eval_text_search,
-- eval_text_format, eval_text_regex), with PySpark 3.5's signatures:
-- where it takes "ColumnOrName", a string names a column (F.left("s",
-- F.lit(3)); a number is a value either way).

for _, name in ipairs({ "bit_length", "octet_length", "char", "soundex", "luhn_check", "unhex", "url_encode",
                        "url_decode", "character_length", "char_length" }) do
  F[name] = column_fn(name)
end

for _, name in ipairs({ "left", "right", "contains", "startswith", "endswith", "find_in_set", "split_part",
                        "regexp_like", "regexp", "regexp_count", "regexp_substr", "elt" }) do
  F[name] = columns_fn(name)
end

-- The calls whose last arguments PySpark leaves out when None.
local function with_optional(name, required)
  return function(...)
    local args = {}
    for i = 1, math.max(select("#", ...), required) do
      local v = (select(i, ...))
      if v ~= nil then args[#args + 1] = colNode(v) elseif i <= required then
        error(("%s() needs %d arguments"):format(name, required), 2)
      end
    end
    return call(name, args)
  end
end

-- replace(src, search, replace=None), position(substr, str, start=None),
-- parse_url(url, partToExtract, key=None), to_binary(col, format=None),
-- try_to_binary, regexp_extract_all(str, regexp, idx=None) (idx an int
-- or a Column), regexp_instr(str, regexp, idx=None), ilike(str, pattern,
-- escapeChar=None).
F.replace = with_optional("replace", 2)
F.position = with_optional("position", 2)
F.parse_url = with_optional("parse_url", 2)
F.to_binary = with_optional("to_binary", 1)
F.try_to_binary = with_optional("try_to_binary", 1)
F.regexp_extract_all = with_optional("regexp_extract_all", 2)
F.regexp_instr = with_optional("regexp_instr", 2)
F.ilike = with_optional("ilike", 2)

-- substring_index(str, delim: str, count: int)
function F.substring_index(c, delim, count)
  return call("substring_index", { colNode(c), nodeOf(delim), nodeOf(count) })
end

-- to_number(col, format) and try_to_number: text read by Spark's number
-- format ('$99,999.99'), a decimal; try_ gives null where it does not match.
for _, name in ipairs({ "to_number", "try_to_number" }) do
  F[name] = function(c, format) return call(name, { colNode(c), nodeOf(format) }) end
end

-- format_number(col, d): d places (an int), or a DecimalFormat pattern.
function F.format_number(c, d) return call("format_number", { colNode(c), nodeOf(d) }) end

-- format_string(format: str, *cols); printf(format: ColumnOrName, *cols).
function F.format_string(format, ...)
  if type(format) ~= "string" then
    error("format_string(format, *cols): format is a string, not " .. checks.kindOf(format), 2)
  end
  local args = { nodeOf(format) }
  for i = 1, select("#", ...) do args[i + 1] = colNode((select(i, ...))) end
  return call("format_string", args)
end
F.printf = columns_fn("printf")

-- levenshtein(left, right, threshold: int = None)
function F.levenshtein(l, r, threshold)
  return call("levenshtein", { colNode(l), colNode(r), threshold ~= nil and nodeOf(threshold) or nil })
end

-- overlay(src, replace, pos, len=-1): pos and len ints or columns.
function F.overlay(src, rep, pos, len)
  return call("overlay", { colNode(src), colNode(rep), colNode(pos), colNode(len == nil and -1 or len) })
end

-- mask(col, upperChar=None, lowerChar=None, digitChar=None, otherChar=None):
-- Spark's defaults 'X', 'x', 'n' and NULL (keep) for those left out.
function F.mask(c, upper, lower, digit, other)
  local function arg(v, default) return v == nil and nodeOf(default) or colNode(v) end
  return call("mask", { colNode(c), arg(upper, "X"), arg(lower, "x"), arg(digit, "n"),
                        other == nil and { k = "lit", value = nil } or colNode(other) })
end

-- PySpark 3.5's other names of SQL functions: lcase and ucase (lower,
-- upper), sha (sha1), substr(str, pos[, len]) (substring, its columns or
-- names; without len Spark's default, so named substr(s, 2, 2147483647)),
-- like(str, pattern[, escapeChar]) and rlike(str, regexp) (the pattern a
-- Column or a name, as PySpark's; tide matches literal patterns, F.lit).
F.lcase = column_fn("lcase")
F.ucase = column_fn("ucase")
F.sha = column_fn("sha")
function F.substr(c, pos, len)
  if c == nil or pos == nil then error("substr() needs a column and a position", 2) end
  return call("substr", { colNode(c), colNode(pos), len == nil and nodeOf(2147483647) or colNode(len) })
end
function F.like(c, pattern, escapeChar)
  if c == nil or pattern == nil then error("like() needs a column and a pattern", 2) end
  local node = { k = "call", fn = "like", args = { colNode(c), colNode(pattern) } }
  if escapeChar ~= nil then
    node.args[3] = colNode(escapeChar)
    -- (Spark names like(s, p, '/') s LIKE p, its escape left out)
    local names = require("tide.sql_names")
    node.sqlText = names.toString(node.args[1]) .. " LIKE " .. names.toString(node.args[2])
  end
  return common.wrap(node)
end
function F.rlike(c, regexp)
  if c == nil or regexp == nil then error("rlike() needs a column and a regular expression", 2) end
  return call("rlike", { colNode(c), colNode(regexp) })
end

-- encode(col, charset: str), decode(col, charset: str)
function F.encode(c, charset) return call("encode", { colNode(c), nodeOf(charset) }) end
function F.decode(c, charset) return call("decode", { colNode(c), nodeOf(charset) }) end

return F

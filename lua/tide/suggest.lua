-- tide.suggest — the known name a mistyped one most likely meant, for
-- "did you mean" hints: edit distance counting insertions, deletions,
-- substitutions and swaps of two neighbours (startingOffset,
-- maxOffsetPerTrigger, --ouput), case-insensitive.
--
--   suggest.distance("ouput", "output")                    --> 1
--   suggest.closest("startingOffset", known_options, 2)    --> "startingOffsets"
--   suggest.closest("round", { "count" }, 2)               --> nil (2 of 5 letters)
--   suggest.column("clik", { "click", "site" })            --> "; did you mean 'click'?"
local M = {}

function M.distance(a, b)
  a, b = a:lower(), b:lower()
  local d = {}
  for i = 0, #a do d[i] = { [0] = i } end
  for j = 0, #b do d[0][j] = j end
  for i = 1, #a do
    for j = 1, #b do
      local cost = a:byte(i) == b:byte(j) and 0 or 1
      d[i][j] = math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
      if i > 1 and j > 1 and a:byte(i) == b:byte(j - 1) and a:byte(i - 1) == b:byte(j) then
        d[i][j] = math.min(d[i][j], d[i - 2][j - 2] + 1)
      end
    end
  end
  return d[#a][#b]
end

-- The most edits a hint for name may take whatever the caller allows: one
-- for names of up to four letters, never more than a third of the name.
-- Past that a short name is "near" most short names (round -> count, abs
-- -> asc), and a hint that shares a letter or two is noise.
local function similar_enough(name)
  if #name <= 4 then return math.min(1, math.floor(#name / 3)) end
  return math.floor(#name / 3)
end
M.similarEnough = similar_enough

-- The candidate nearest to name within max edits (the first of equals),
-- or nil; never further than similar_enough allows.
function M.closest(name, candidates, max)
  max = math.min(max, similar_enough(name))
  local best, best_d
  for _, c in ipairs(candidates) do
    local d = M.distance(name, c)
    if d <= max and (not best_d or d < best_d) then best, best_d = c, d end
  end
  return best
end

-- The hint a "cannot resolve" error about a column name ends with (as
-- Spark's "Did you mean one of the following?"), or "" when no column is
-- near: within two edits, one for names of up to four characters (and
-- never more than a third of the name, as closest allows).
function M.column(name, columns)
  local near = M.closest(name, columns, #name <= 4 and 1 or 2)
  return near and ("; did you mean '%s'?"):format(near) or ""
end

return M

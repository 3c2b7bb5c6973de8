/*
 * fuzz_model.c — tide.ml.load (lua/tide/ml/persist.lua) on a saved
 * PipelineModel one of whose files holds arbitrary bytes. The first byte
 * picks the file (metadata or data, of any stage); the second says whether
 * the metadata's size and checksum of that data file are updated to match,
 * as if a model had been saved with those bytes — which takes the input
 * past the checksum into the decoders. A load succeeds or fails with an
 * error naming a file of the model, never another Lua error; a model that
 * loads transforms a DataFrame or fails with an error, never a crash.
 */
#include "fuzz_lua.h"

#include <stdint.h>

static const char CHECK[] =
    "local ffi = require('ffi')\n"
    "local C = require('tide.ffi')\n"
    "local json = require('tide.json')\n"
    "local tide = require('tide')\n"
    "local ml = tide.ml\n"
    "local spark = tide.session()\n"
    "local dir = os.tmpname(); os.remove(dir)\n"
    "local cleanup = newproxy(true)\n"
    "getmetatable(cleanup).__gc = function() os.execute(\"rm -rf '\" .. dir .. \"'\") end\n"
    "local rows = {}\n"
    "for i = 1, 30 do rows[i] = { ({ 'a', 'b', 'c' })[i % 3 + 1], i % 5, (i * 7 % 11) / 11, (i % 3 == 0) and 1 or 0 } end\n"
    "local df = spark:createDataFrame(rows, 's string, n int, x double, label int')\n"
    "local model = ml.Pipeline { stages = {\n"
    "  ml.StringIndexer { inputCol = 's', outputCol = 'si', handleInvalid = 'keep' },\n"
    "  ml.OneHotEncoder { inputCols = { 'si' }, outputCols = { 'sv' } },\n"
    "  ml.VectorAssembler { inputCols = { 'n', 'x' }, outputCol = 'num' },\n"
    "  ml.StandardScaler { inputCol = 'num', outputCol = 'numStd' },\n"
    "  ml.MinMaxScaler { inputCol = 'num', outputCol = 'numMm' },\n"
    "  ml.VectorAssembler { inputCols = { 'sv', 'numStd', 'numMm' }, outputCol = 'features' },\n"
    "  ml.LogisticRegression { maxIter = 5 },\n"
    "  ml.MaxAbsScaler { inputCol = 'num', outputCol = 'numMa' },\n"
    "  ml.ChiSqSelector { featuresCol = 'features', outputCol = 'sel', numTopFeatures = 3 },\n"
    "  ml.NaiveBayes { featuresCol = 'numMa', predictionCol = 'nbp', probabilityCol = 'nbprob',\n"
    "                  rawPredictionCol = 'nbraw' },\n"
    "} }:fit(df)\n"
    "local m = dir .. '/m'\n"
    "model:save(m)\n"
    "local files, pristine = {}, {}\n"
    "local p = assert(io.popen(\"cd '\" .. m .. \"' && find . -type f | sort\"))\n"
    "for f in p:read('*a'):gmatch('[^\\n]+') do\n"
    "  files[#files + 1] = f:sub(3)\n"
    "  local h = assert(io.open(m .. '/' .. f:sub(3), 'rb')); pristine[f:sub(3)] = h:read('*a'); h:close()\n"
    "end\n"
    "p:close()\n"
    "local function put(name, data)\n"
    "  local h = assert(io.open(m .. '/' .. name, 'wb')); h:write(data); h:close()\n"
    "end\n"
    "local hex = ffi.new('char[17]')\n"
    "local function checksum(data) C.tide_ml_checksum(data, #data, hex); return ffi.string(hex, 16) end\n"
    "local touched = {}\n"
    "return function(input)\n"
    "  local _ = cleanup\n"
    "  for name in pairs(touched) do put(name, pristine[name]) end\n"
    "  touched = {}\n"
    "  local name = files[(input:byte(1) or 0) % #files + 1]\n"
    "  local consistent = (input:byte(2) or 0) % 2 == 1\n"
    "  local data = input:sub(3)\n"
    "  put(name, data); touched[name] = true\n"
    "  local stage_dir, file = name:match('^(.+)/data/(.+)$')\n"
    "  if not file then stage_dir, file = '', name:match('^data/(.+)$') end\n"
    "  if consistent and file then\n"
    "    local meta_name = (stage_dir ~= '' and stage_dir .. '/' or '') .. 'metadata/part-00000'\n"
    "    local meta = json.decode((pristine[meta_name]:gsub('\\n+$', '')))\n"
    "    meta.dataFiles[file].bytes = #data\n"
    "    meta.dataFiles[file].checksum = checksum(data)\n"
    "    put(meta_name, json.encode(meta) .. '\\n'); touched[meta_name] = true\n"
    "  end\n"
    "  local ok, loaded = pcall(ml.PipelineModel.load, m)\n"
    "  if ok then\n"
    "    pcall(function() loaded:transform(df):collect() end)\n"
    "  elseif not tostring(loaded):find(m, 1, true) then\n"
    "    error(loaded, 0)\n"
    "  end\n"
    "  loaded = nil\n"
    /* Batches are malloc'ed and freed by finalizers: collect them now, so
       that libFuzzer's leak check sees this input's memory come back. */
    "  collectgarbage(); collectgarbage()\n"
    "end\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_lua_run(CHECK, data, size);
    return 0;
}

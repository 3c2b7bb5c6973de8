-- tide.types: Spark's names, DDL parsing and errors that name the place.
local t = require("testing")
local T = require("tide").types

t.test("type names as Spark writes them", function()
  t.eq(T.int:simpleString(), "int")
  t.eq(T.int:typeName(), "integer")
  t.eq(T.long:simpleString(), "bigint")
  t.eq(T.decimal(38, 0):simpleString(), "decimal(38,0)")
  t.eq(T.parse("DECIMAL(38, 0)"), T.decimal(38, 0))
  t.eq(T.parse("bigint"), T.long)
  t.eq(T.parse("varchar(10)"), T.string)
  t.eq(T.parse("decimal"), T.decimal(10, 0))
  t.eq(T.parse("struct<a:int, b : string>"):simpleString(), "struct<a:int,b:string>")
end)

t.test("DDL strings become structs", function()
  local s = T.fromDDL("id decimal(38,0), hour INT NOT NULL, `site id` string")
  t.same_table(s:fieldNames(), { "id", "hour", "site id" })
  t.eq(s.fields[2].nullable, false)
  t.eq(s:fieldIndex("site id"), 3)
  t.eq(s:add("x", "double"):simpleString(), "struct<id:decimal(38,0),hour:int,site id:string,x:double>")
end)

t.test("parse errors name the position", function()
  t.raises(function() T.parse("decimal(38") end, "at position 11: expected %)")
  t.raises(function() T.fromDDL("a int,, b int") end, "position 7")
  t.raises(function() T.decimal(39, 0) end, "precision must be 1..38")
end)

t.run()

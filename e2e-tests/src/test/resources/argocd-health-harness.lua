-- Runs an Argo CD health script the way Argo CD does: the resource as the global `obj`, the
-- script's return value as the health. Usage: lua5.1 harness.lua SCRIPT < resource.json
local cjson = require("cjson")
obj = cjson.decode(io.read("*a"))
local script = assert(io.open(arg[1])):read("*a")
local check = assert(loadstring(script))
local hs = check()
io.write(hs.status, "\n", hs.message or "", "\n")

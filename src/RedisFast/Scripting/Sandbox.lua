-- The environment scripts run in: Redis 7.0.15's (eval.c scriptingInit, script_lua.c luaRegisterRedisAPI,
-- luaSetErrorMetatable, and the read-only globals and library tables of 7.0.15), built on a stock Lua 5.1.5.
-- Runs once per Lua state with the real globals; returns the read-only view scripts get as their globals, the real
-- table (where KEYS and ARGV are set for each call), and the two functions around the run of a library's code for
-- FUNCTION LOAD. `rf` holds the functions written in C# (ScriptEngine); `flag_names` the script flags' names in the
-- order of their bits (ScriptFlagNames).
local rf, version, version_num, flag_names = ...
local G = _G
local dbg = debug
local error, type, tostring, rawset, setmetatable, getmetatable, ipairs =
      error, type, tostring, rawset, setmetatable, getmetatable, ipairs

-- What Redis does not offer scripts (Redis never opens os, io or package; 7.0 also hides these).
for _, name in ipairs({'debug', 'newproxy', 'loadfile', 'dofile', 'setfenv', 'getfenv', 'print', 'module', 'require', 'package'}) do
  G[name] = nil
end

local redis = {
  call = rf.call,
  pcall = rf.pcall,
  sha1hex = rf.sha1hex,
  error_reply = rf.error_reply,
  status_reply = rf.status_reply,
  log = rf.log,
  setresp = rf.setresp,
  set_repl = rf.set_repl,
  acl_check_cmd = rf.acl_check_cmd,
  replicate_commands = function() return true end,
  breakpoint = function() return false end,
  debug = function() end,
  LOG_DEBUG = 0, LOG_VERBOSE = 1, LOG_NOTICE = 2, LOG_WARNING = 3,
  REPL_NONE = 0, REPL_AOF = 1, REPL_SLAVE = 2, REPL_REPLICA = 2, REPL_ALL = 3,
  REDIS_VERSION = version,
  REDIS_VERSION_NUM = version_num,
}
G.redis = redis

-- math.random and math.randomseed on Redis's own generator (rand.c, the 48-bit generator of drand48), in C#: the
-- same sequence as redis-server's from start-up, and after math.randomseed(n).
math.random = rf.random
math.randomseed = rf.randomseed

-- struct 0.2 and lua-cmsgpack 0.4.0, as Redis bundles them (ScriptEngine.Struct.cs, ScriptEngine.MessagePack.cs).
G.struct = {pack = rf.struct_pack, unpack = rf.struct_unpack, size = rf.struct_size}
G.cmsgpack = {
  pack = rf.msgpack_pack,
  unpack = rf.msgpack_unpack,
  unpack_one = rf.msgpack_unpack_one,
  unpack_limit = rf.msgpack_unpack_limit,
  _NAME = 'cmsgpack',
  _VERSION = 'lua-cmsgpack 0.4.0',
  _COPYRIGHT = 'Copyright (C) 2012, Salvatore Sanfilippo',
  _DESCRIPTION = 'MessagePack C implementation for Lua',
}

-- Redis 7.0's pcall (script_lua.c luaRedisPcall): an error table caught here is returned as its message, as scripts
-- written for redis.call's older string errors expect.
local lua_pcall = pcall
local function caught(ok, ...)
  if ok then return ok, ... end
  local e = ...
  if type(e) == 'table' then
    local message = e.err
    if type(message) == 'string' or type(message) == 'number' then return false, message end
  end
  return false, e
end
G.pcall = function(...) return caught(lua_pcall(...)) end

-- Errors leave a script as a table {err = 'CODE message', source = ..., line = ...} (eval.c's error handler). The
-- position is the script's: C functions (redis.call), this file's wrappers and the frames they tail-called from are
-- skipped.
local internal = dbg.getinfo(1, 'S').source
G.__redis__err__handler = function(err)
  local level = 2
  local info = dbg.getinfo(level, 'nSl')
  while info and (info.what == 'C' or info.what == 'tail' or info.source == internal) do
    level = level + 1
    info = dbg.getinfo(level, 'nSl')
  end
  if type(err) ~= 'table' then
    err = {err = 'ERR ' .. tostring(err)}
  end
  if info then
    err.source = info.source
    err.line = info.currentline
  end
  return err
end

-- Read-only tables: scripts see views whose writes fail with Redis's message, and reading a global that does not
-- exist is an error. (7.0.15 marks the tables themselves read-only inside its patched Lua; a stock Lua needs views.)
local views = setmetatable({}, {__mode = 'k'})
local function deny()
  error('Attempt to modify a readonly table', 2)
end
local function view(t)
  local mt = {__index = t, __newindex = deny}
  local v = setmetatable({}, mt)
  mt.__metatable = setmetatable({}, {__index = mt, __newindex = deny})
  views[v] = true
  views[mt.__metatable] = true
  return v, mt
end

G.rawset = function(t, k, v)
  if views[t] then error('Attempt to modify a readonly table', 0) end
  return rawset(t, k, v)
end
G.setmetatable = function(t, mt)
  if views[t] then error('Attempt to modify a readonly table', 0) end
  return setmetatable(t, mt)
end

for _, name in ipairs({'string', 'table', 'math', 'coroutine', 'redis', 'cjson', 'bit', 'cmsgpack', 'struct'}) do
  G[name] = (view(G[name]))
end
-- ("x"):len() goes through the string metatable: it gets the view too, and is itself protected.
local string_mt = getmetatable('')
string_mt.__index = G.string
string_mt.__metatable = (view(string_mt))

local function nonexistent(_, name)
  error("Script attempted to access nonexistent global variable '" .. tostring(name) .. "'", 2)
end
local globals, globals_mt = view(G)
G._G = globals
setmetatable(G, {__index = nonexistent})

-- FUNCTION LOAD (function_lua.c): a library's code runs with globals holding only a redis table of
-- register_function, log and the versions; the functions it registers run later with the globals above. The view's
-- __index switches between the two, so a function sees the runtime API whenever it runs.
local registering
local function fail(message)
  error({err = 'ERR ' .. message})
end
local function is_string(v)
  return type(v) == 'string' or type(v) == 'number'
end
local function read_flags(t)
  local bits, j = 0, 1
  while true do
    local flag = t[j]
    if flag == nil then return bits end
    if not is_string(flag) then return nil end
    local found
    for bit_index, name in ipairs(flag_names) do
      if string.lower(tostring(flag)) == name then found = bit_index end
    end
    if not found then return nil end
    bits = bit.bor(bits, bit.lshift(1, found - 1))
    j = j + 1
  end
end
local function register_function(...)
  if not registering then fail('redis.register_function can only be called on FUNCTION LOAD command') end
  local count = select('#', ...)
  if count < 1 or count > 2 then fail('wrong number of arguments to redis.register_function') end
  local name, callback, description, flags = nil, nil, nil, 0
  if count == 2 then
    name, callback = ...
    if not is_string(name) then fail('first argument to redis.register_function must be a string') end
    if type(callback) ~= 'function' then fail('second argument to redis.register_function must be a function') end
  else
    local args = ...
    if type(args) ~= 'table' then
      fail('calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).')
    end
    for key, value in next, args do
      if not is_string(key) then fail('named argument key given to redis.register_function is not a string') end
      key = string.lower(tostring(key))
      if key == 'function_name' then
        if not is_string(value) then fail('function_name argument given to redis.register_function must be a string') end
        name = value
      elseif key == 'description' then
        if not is_string(value) then fail('description argument given to redis.register_function must be a string') end
        description = tostring(value)
      elseif key == 'callback' then
        if type(value) ~= 'function' then fail('callback argument given to redis.register_function must be a function') end
        callback = value
      elseif key == 'flags' then
        if type(value) ~= 'table' then fail('flags argument to redis.register_function must be a table representing function flags') end
        flags = read_flags(value)
        if not flags then fail('unknown flag given') end
      else
        fail('unknown argument given to redis.register_function')
      end
    end
    if name == nil then fail('redis.register_function must get a function name argument') end
    if callback == nil then fail('redis.register_function must get a callback argument') end
  end
  name = tostring(name)
  -- functionsVerifyName; 7.0 words its error for libraries.
  if not name:find('^[%w_]+$') then
    fail('Library names can only contain letters, numbers, or underscores(_) and must be at least one character long')
  end
  for _, f in ipairs(registering) do
    if f.name == name then fail('Function already exists in the library') end
  end
  registering[#registering + 1] = {name = name, callback = callback, description = description, flags = flags}
end
local load_redis = setmetatable({
  register_function = register_function,
  log = rf.log,
  LOG_DEBUG = 0, LOG_VERBOSE = 1, LOG_NOTICE = 2, LOG_WARNING = 3,
  REDIS_VERSION = version,
  REDIS_VERSION_NUM = version_num,
}, {__index = nonexistent})
local load_globals = setmetatable({redis = (view(load_redis))}, {__index = nonexistent})
-- Around the run of a library's code (ScriptEngine.Functions.cs): the load globals on, then off again with the
-- functions it registered. Two calls, so that nothing in the code (an error, the load timeout) skips the second.
local function begin_load()
  registering = {}
  rawset(globals_mt, '__index', load_globals)
end
local function end_load()
  rawset(globals_mt, '__index', G)
  local registered = registering
  registering = nil
  return registered
end
return globals, G, begin_load, end_load

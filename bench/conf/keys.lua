-- wrk script: every request carries the API key of an app chosen at random among KEYS apps
-- (KEYS and KEY_PREFIX come from the environment; bench/run.sh sets them). With WALK=1 the
-- threads instead take keys OFFSET+1, OFFSET+2, ... in turn (random ones once past KEYS):
-- bench/run.sh repeats short runs, moving OFFSET by the requests each completed, to call once
-- with every key and so fill the gateway's caches before a scale run measures it. With
-- KEY_QUERY=name the key goes into the query (?name=key) instead of the header, as in the
-- meshgate-edit target's load.
local count = tonumber(os.getenv("KEYS") or "1")
local prefix = os.getenv("KEY_PREFIX") or "bench-key-"
local walk = os.getenv("WALK") == "1"
local offset = tonumber(os.getenv("OFFSET") or "0")
local query = os.getenv("KEY_QUERY")
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  -- One seed per wrk thread (each has its own Lua state).
  math.randomseed(os.time() + math.floor(os.clock() * 1000000) + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
  step = tonumber(os.getenv("WRK_THREADS") or "2")
  nextkey = offset + tid
end

request = function()
  local n
  if walk then
    n = nextkey
    nextkey = nextkey + step
    if n > count then n = math.random(1, count) end
  else
    n = math.random(1, count)
  end
  if query then
    return wrk.format("GET", wrk.path .. "?" .. query .. "=" .. prefix .. n, {})
  end
  return wrk.format("GET", nil, { ["X-API-Key"] = prefix .. n })
end

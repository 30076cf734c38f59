-- wrk script: every request carries the API key of an app chosen at random among KEYS apps
-- (KEYS and KEY_PREFIX come from the environment; bench/run.sh sets them).
local count = tonumber(os.getenv("KEYS") or "1")
local prefix = os.getenv("KEY_PREFIX") or "bench-key-"
function init(args)
  -- One seed per wrk thread (each has its own Lua state).
  math.randomseed(os.time() + math.floor(os.clock() * 1000000) + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end
request = function()
  return wrk.format("GET", nil, { ["X-API-Key"] = prefix .. math.random(1, count) })
end

-- One rate-limit decision for one subscription, atomic in Redis: read every window and the quota,
-- and count the call in all of them only if none is full. Same arithmetic as RollingWindow.java.
--
-- KEYS[1..n]   rolling windows: hashes of bucket index -> calls
-- KEYS[n+1]    the quota counter (present even when unused, for a fixed layout)
-- KEYS[n+2]    the subscription's index of counter keys (for reset)
-- ARGV[1] now (epoch ms)   ARGV[2] n   ARGV[3] '1' when there is a quota   ARGV[4] 'take' | 'peek'
-- ARGV[5..]    per window: limit, window ms, bucket ms
-- then         quota: limit, '1' when hard, time to live (ms)
-- Returns { admitted (0/1), quota used before this call, then per window: sum, retry ms, oldest }
local now = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
local has_quota = ARGV[3] == '1'
local take = ARGV[4] == 'take'
local allowed = 1
local out = {}
local current = {}
local ttl = {}
for w = 1, n do
  local base = 4 + (w - 1) * 3
  local limit = tonumber(ARGV[base + 1])
  local window = tonumber(ARGV[base + 2])
  local bucket = tonumber(ARGV[base + 3])
  local span = math.ceil(window / bucket)
  local cur = math.floor(now / bucket)
  local first = cur - span
  local raw = redis.call('HGETALL', KEYS[w])
  local counts = {}
  local indexes = {}
  local stale = {}
  local sum = 0
  for i = 1, #raw, 2 do
    local index = tonumber(raw[i])
    if index < first then
      stale[#stale + 1] = raw[i]
    else
      local c = tonumber(raw[i + 1])
      counts[index] = c
      indexes[#indexes + 1] = index
      sum = sum + c
    end
  end
  if #stale > 0 then
    redis.call('HDEL', KEYS[w], unpack(stale))
  end
  table.sort(indexes)
  local retry = 0
  if sum >= limit then
    allowed = 0
    local freed = 0
    for _, index in ipairs(indexes) do
      freed = freed + counts[index]
      if sum - freed <= limit - 1 then
        retry = (index + span + 1) * bucket - now
        break
      end
    end
  end
  local oldest = -1
  if #indexes > 0 then
    oldest = indexes[1]
  end
  out[#out + 1] = sum
  out[#out + 1] = retry
  out[#out + 1] = oldest
  current[w] = cur
  ttl[w] = (span + 2) * bucket
end
local quota_used = 0
local quota_key = KEYS[n + 1]
local quota_ttl = 0
if has_quota then
  local qbase = 4 + n * 3
  local qlimit = tonumber(ARGV[qbase + 1])
  local hard = ARGV[qbase + 2] == '1'
  quota_ttl = ARGV[qbase + 3]
  quota_used = tonumber(redis.call('GET', quota_key) or '0')
  if hard and quota_used >= qlimit then
    allowed = 0
  end
end
if take and allowed == 1 then
  local index_key = KEYS[n + 2]
  local listed = false
  for w = 1, n do
    if redis.call('HINCRBY', KEYS[w], tostring(current[w]), 1) == 1 then
      redis.call('SADD', index_key, KEYS[w])
      listed = true
    end
    redis.call('PEXPIRE', KEYS[w], ttl[w])
  end
  if has_quota and redis.call('INCR', quota_key) == 1 then
    redis.call('PEXPIRE', quota_key, quota_ttl)
    redis.call('SADD', index_key, quota_key)
    listed = true
  end
  if listed then
    -- Outlives every counter it lists (a month's quota); reset deletes what it lists.
    redis.call('PEXPIRE', index_key, 2851200000)
  end
end
local result = { allowed, quota_used }
for i = 1, #out do
  result[#result + 1] = out[i]
end
return result

/**
 * The governance ledger's Lua scripts (docs/shared-state.md, "Exact limits across replicas").
 * `ADMIT` checks every limit of every scope of a request and, only if all pass, reserves in all
 * of them — one atomic step in Redis, so N replicas racing for the last K units admit exactly K,
 * as the embedded ledger does in one step of its event loop. `SETTLE` replaces a reservation by
 * what was used and adds spend (once per ticket), `VIEW` reads counters, `SEED` restores period
 * counters into a Redis that restarted empty. The semantics mirror proxy/governance/embedded-ledger.ts.
 *
 * Token counts are whole numbers (HINCRBY); only spend is fractional (HINCRBYFLOAT).
 *
 * Per scope there are five keys: `req` (sorted set: ticket by admission time), `tok` (sorted set)
 * with `amt` (hash: ticket → tokens, `__sum` → their total), `fly` (sorted set: ticket by lease
 * expiry) and `per` (hash: `tokens:day:2026-12-04`, `spend:total:total`… → amount).
 */
import { luaScript } from '../../common/redis/lua-script.js';

/** Keys per scope, in the order the scripts expect them. */
export const SCOPE_KEY_PARTS = ['req', 'tok', 'amt', 'fly', 'per'] as const;

const COMMON = `
local W = 60000
-- Redis's clock, not the replica's: every replica's windows are measured on one clock.
local function redis_now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function chunked(cmd, key, list)
  for i = 1, #list, 500 do
    redis.call(cmd, key, unpack(list, i, math.min(i + 499, #list)))
  end
end
local function prune_tokens(tok, amt, cutoff)
  local old = redis.call('ZRANGEBYSCORE', tok, '-inf', cutoff)
  if #old > 0 then
    local drop = 0
    for i = 1, #old, 500 do
      local amounts = redis.call('HMGET', amt, unpack(old, i, math.min(i + 499, #old)))
      for j = 1, #amounts do drop = drop + (tonumber(amounts[j]) or 0) end
    end
    chunked('HDEL', amt, old)
    redis.call('ZREMRANGEBYSCORE', tok, '-inf', cutoff)
    redis.call('HINCRBY', amt, '__sum', -drop)
  end
  local s = tonumber(redis.call('HGET', amt, '__sum') or '0') or 0
  if s < 0.000001 then s = 0 end
  return s
end
local function reset_in(zset, now)
  local newest = redis.call('ZRANGE', zset, -1, -1, 'WITHSCORES')
  if #newest == 0 then return 0 end
  return tonumber(newest[2]) + W - now
end
`;

/**
 * KEYS: ticket, lastUsed, scopes, then 5 per scope. ARGV: now (the replica's; the windows use Redis's TIME), tokens, ticket id, key id, lease
 * ms, day field, month field, ms to day end, ms to month end, scope count, spend day field, spend
 * month field, then per scope: name, rpm, tpm, tpd, tpmo, maxConcurrent, budget amount, budget
 * field, ms to budget period end (-1 = absent / never).
 * Returns {1, view…} or {0, scope index, limit, value, wait ms (-1 = never), code, view…}.
 */
export const ADMIT = luaScript(`${COMMON}
local now = redis_now()
local need = tonumber(ARGV[2])
local ticket = ARGV[3]
local lease = tonumber(ARGV[5])
local dayF, monthF = ARGV[6], ARGV[7]
local dayWait, monthWait = tonumber(ARGV[8]), tonumber(ARGV[9])
local n = tonumber(ARGV[10])
local keep = { [dayF] = true, [monthF] = true, [ARGV[11]] = true, [ARGV[12]] = true }
local cutoff = now - W
local best, bestWait = nil, -2
local sums = {}

local function wait_requests(req, limit)
  local excess = redis.call('ZCARD', req) + 1 - limit
  if excess <= 0 then return 0 end
  local e = redis.call('ZRANGE', req, excess - 1, excess - 1, 'WITHSCORES')
  if #e == 0 then return W end
  return tonumber(e[2]) + W - now
end
local function wait_tokens(tok, amt, sum, limit)
  if need > limit then return -1 end
  local excess = sum + need - limit
  if excess <= 0 then return 0 end
  local start = 0
  while true do
    local e = redis.call('ZRANGE', tok, start, start + 199, 'WITHSCORES')
    if #e == 0 then return W end
    for j = 1, #e, 2 do
      excess = excess - (tonumber(redis.call('HGET', amt, e[j])) or 0)
      if excess <= 0 then return tonumber(e[j + 1]) + W - now end
    end
    start = start + 200
  end
end
local function later(a, b)
  if a == -1 then return b ~= -1 end
  return b ~= -1 and a > b
end

for i = 1, n do
  local k = 3 + (i - 1) * 5
  local req, tok, amt, fly, per = KEYS[k + 1], KEYS[k + 2], KEYS[k + 3], KEYS[k + 4], KEYS[k + 5]
  local a = 12 + (i - 1) * 9
  local rpm, tpm, tpd, tpmo, maxc = tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3]), tonumber(ARGV[a + 4]), tonumber(ARGV[a + 5]), tonumber(ARGV[a + 6])
  local budget, budgetF, budgetWait = tonumber(ARGV[a + 7]), ARGV[a + 8], tonumber(ARGV[a + 9])
  redis.call('ZREMRANGEBYSCORE', req, '-inf', cutoff)
  redis.call('ZREMRANGEBYSCORE', fly, '-inf', now)
  sums[i] = prune_tokens(tok, amt, cutoff)
  local found = nil
  if maxc >= 0 and redis.call('ZCARD', fly) >= maxc then found = { 'maxConcurrent', maxc, 1000, 'rate_limit_exceeded' } end
  if not found and rpm >= 0 then
    local w = wait_requests(req, rpm)
    if w ~= 0 then found = { 'requestsPerMinute', rpm, w, 'rate_limit_exceeded' } end
  end
  if not found and tpm >= 0 then
    local w = wait_tokens(tok, amt, sums[i], tpm)
    if w ~= 0 then found = { 'tokensPerMinute', tpm, w, 'rate_limit_exceeded' } end
  end
  if not found then
    local periods = { { tpd, dayF, dayWait, 'tokensPerDay' }, { tpmo, monthF, monthWait, 'tokensPerMonth' } }
    for _, p in ipairs(periods) do
      if not found and p[1] >= 0 then
        local used = tonumber(redis.call('HGET', per, p[2]) or '0') or 0
        if used + need > p[1] or used >= p[1] then
          local w = p[3]
          if need > p[1] then w = -1 end
          found = { p[4], p[1], w, 'insufficient_quota' }
        end
      end
    end
  end
  if not found and budget >= 0 then
    local spend = tonumber(redis.call('HGET', per, budgetF) or '0') or 0
    if spend >= budget then found = { 'budget', budget, budgetWait, 'insufficient_quota' } end
  end
  if found and (best == nil or later(found[3], bestWait)) then
    best = { i, found[1], found[2], found[3], found[4] }
    bestWait = found[3]
  end
end

local function view()
  local a = 12
  local out = {}
  local rpm, tpm = tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3])
  local req, tok = KEYS[4], KEYS[5]
  if rpm >= 0 then
    table.insert(out, rpm); table.insert(out, math.max(0, rpm - redis.call('ZCARD', req))); table.insert(out, reset_in(req, now))
  else
    table.insert(out, -1); table.insert(out, 0); table.insert(out, 0)
  end
  if tpm >= 0 then
    local s = tonumber(redis.call('HGET', KEYS[6], '__sum') or '0') or 0
    table.insert(out, tpm); table.insert(out, tostring(math.max(0, tpm - s))); table.insert(out, reset_in(tok, now))
  else
    table.insert(out, -1); table.insert(out, 0); table.insert(out, 0)
  end
  return out
end

if best then
  local out = { 0, best[1], best[2], best[3], best[4], best[5] }
  for _, v in ipairs(view()) do table.insert(out, v) end
  return out
end

for i = 1, n do
  local k = 3 + (i - 1) * 5
  local req, tok, amt, fly, per = KEYS[k + 1], KEYS[k + 2], KEYS[k + 3], KEYS[k + 4], KEYS[k + 5]
  local a = 12 + (i - 1) * 9
  -- No expiry on the windows: each admission prunes them, so an idle scope keeps at most its
  -- last minute of entries.
  redis.call('ZADD', fly, now + lease, ticket)
  if tonumber(ARGV[a + 2]) >= 0 then redis.call('ZADD', req, now, ticket) end
  if tonumber(ARGV[a + 3]) >= 0 then
    redis.call('ZADD', tok, now, ticket)
    redis.call('HSET', amt, ticket, need)
    redis.call('HINCRBY', amt, '__sum', need)
  end
  redis.call('HINCRBY', per, dayF, need)
  redis.call('HINCRBY', per, monthF, need)
  if redis.call('HLEN', per) > 12 then
    for _, f in ipairs(redis.call('HKEYS', per)) do
      if not keep[f] and string.sub(f, 1, 12) ~= 'spend:total:' then redis.call('HDEL', per, f) end
    end
  end
  redis.call('SADD', KEYS[3], ARGV[a + 1])
end
redis.call('HSET', KEYS[2], ARGV[4], now)
redis.call('SET', KEYS[1], need .. '|' .. dayF .. '|' .. monthF, 'PX', 86400000)
local out = { 1 }
for _, v in ipairs(view()) do table.insert(out, v) end
return out
`);

/**
 * KEYS: ticket, alerts list, fired hash, then 5 per scope. ARGV: now, tokens used (-1 = keep the
 * reservation), cost, ticket id, day field, month field, spend day/month/total fields, day
 * period, month period, now as ISO text, scope count, then per scope: name, budget amount (-1 =
 * none), budget period, alert thresholds as "0.5,0.8". A ticket Redis does not know (admitted
 * locally, or lost with a restart) is charged in full. Returns the alerts that fired, 6 values each.
 */
export const SETTLE = luaScript(`
local rec = redis.call('GET', KEYS[1])
if rec == 'settled' then return {} end
redis.call('SET', KEYS[1], 'settled', 'PX', 3600000)
local now = tonumber(ARGV[1])
local tokens = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local ticket = ARGV[4]
local reserved, dayF, monthF = 0, ARGV[5], ARGV[6]
if rec then
  local a, b, c = string.match(rec, '^([^|]*)|([^|]*)|([^|]*)$')
  reserved, dayF, monthF = tonumber(a) or 0, b, c
end
local delta = 0
if tokens >= 0 then delta = tokens - reserved end
local spendF = { day = ARGV[7], month = ARGV[8], total = ARGV[9] }
local periodOf = { day = ARGV[10], month = ARGV[11], total = 'total' }
local n = tonumber(ARGV[13])
local fired = {}
for i = 1, n do
  local k = 3 + (i - 1) * 5
  local amt, fly, per = KEYS[k + 3], KEYS[k + 4], KEYS[k + 5]
  local a = 13 + (i - 1) * 4
  local scope, budget, budgetPeriod, alertAt = ARGV[a + 1], tonumber(ARGV[a + 2]), ARGV[a + 3], ARGV[a + 4]
  redis.call('ZREM', fly, ticket)
  if tokens >= 0 then
    local old = redis.call('HGET', amt, ticket)
    if old then
      redis.call('HSET', amt, ticket, tokens)
      redis.call('HINCRBY', amt, '__sum', tokens - tonumber(old))
    end
  end
  if delta ~= 0 then
    for _, f in ipairs({ dayF, monthF }) do
      if redis.call('HINCRBY', per, f, delta) < 0 then redis.call('HSET', per, f, 0) end
    end
  end
  if cost > 0 then
    for _, period in ipairs({ 'day', 'month', 'total' }) do
      local after = tonumber(redis.call('HINCRBYFLOAT', per, spendF[period], cost))
      local before = after - cost
      if budget >= 0 and budgetPeriod == period then
        local thresholds = {}
        for t in string.gmatch(alertAt, '[^,]+') do table.insert(thresholds, t) end
        table.insert(thresholds, '1')
        for _, t in ipairs(thresholds) do
          local line = budget * tonumber(t)
          local id = scope .. '|' .. t
          if before < line and after >= line and redis.call('HGET', KEYS[3], id) ~= periodOf[period] then
            redis.call('HSET', KEYS[3], id, periodOf[period])
            local alert = { scope = scope, threshold = tonumber(t), period = periodOf[period], spend = after, amount = budget, at = ARGV[12] }
            redis.call('LPUSH', KEYS[2], cjson.encode(alert))
            redis.call('LTRIM', KEYS[2], 0, 199)
            for _, v in ipairs({ scope, t, periodOf[period], tostring(after), tostring(budget), ARGV[12] }) do table.insert(fired, v) end
          end
        end
      end
    end
  end
end
return fired
`);

/**
 * KEYS: 5 per scope. ARGV: now, day field, month field, spend day/month/total fields. Returns 8
 * values per scope (floats as text): requests and tokens in the last minute, tokens today and
 * this month, in flight, spend today, this month, in total.
 */
export const VIEW = luaScript(`${COMMON}
local now = redis_now()
local out = {}
for k = 0, #KEYS - 1, 5 do
  local req, tok, amt, fly, per = KEYS[k + 1], KEYS[k + 2], KEYS[k + 3], KEYS[k + 4], KEYS[k + 5]
  local p = function(f) return redis.call('HGET', per, f) or '0' end
  table.insert(out, redis.call('ZCOUNT', req, '(' .. (now - W), '+inf'))
  table.insert(out, tostring(prune_tokens(tok, amt, now - W)))
  table.insert(out, p(ARGV[2])); table.insert(out, p(ARGV[3]))
  table.insert(out, redis.call('ZCOUNT', fly, '(' .. now, '+inf'))
  table.insert(out, p(ARGV[4])); table.insert(out, p(ARGV[5])); table.insert(out, p(ARGV[6]))
end
return out
`);

/**
 * Restores counters into a Redis that restarted empty: sets only fields that are absent, so the
 * first replica to notice restores, and the others change nothing. KEYS: scopes set, lastUsed,
 * then one `per` hash per scope. ARGV: scope count, then per scope: name, field count, fields and
 * values; then lastUsed pairs.
 */
export const SEED = luaScript(`
local n = tonumber(ARGV[1])
local a = 2
for i = 1, n do
  local name, count = ARGV[a], tonumber(ARGV[a + 1])
  a = a + 2
  redis.call('SADD', KEYS[1], name)
  for j = 1, count do
    redis.call('HSETNX', KEYS[2 + i], ARGV[a], ARGV[a + 1])
    a = a + 2
  end
end
while a < #ARGV do
  redis.call('HSETNX', KEYS[2], ARGV[a], ARGV[a + 1])
  a = a + 2
end
return 1
`);

-- The wrk script of `make loadtest`: POST /v1/orders as a user would, each order with a new
-- Idempotency-Key and customer, one unit of a SKU in stock, and tok_visa.
--
-- run_loadtest.py runs wrk with as many threads as connections, so each thread's Lua state
-- drives exactly one connection and request(), response() and delay() of one order follow one
-- another. Arguments after "--":
--   1 run id (keys and customer ids start with it)       2 the storefront API key
--   3 microseconds between one connection's orders, 0 for none (fixed concurrency)
--   4 what the run may sell, "SKU=units,SKU=units", shared out among the threads
--   5 the number of threads
-- A connection whose share of stock is spent stops ordering (a long delay), so a run never
-- sells out a SKU. In paced mode each connection has a schedule (connection i starts i/n of an
-- interval late); a late order is sent at once and its latency counts from its scheduled time,
-- so a slow shop cannot hide its queueing by slowing the client down.
-- done() writes one line per response to $HOMEFIELD_WRK_RECORDS:
--   scheduled_us started_us finished_us status order_id   (CLOCK_MONOTONIC microseconds)
-- then "# exhausted <thread>" per thread that ran out of stock and a "# summary" line.

local ffi = require("ffi")
ffi.cdef([[
struct homefield_timespec { long tv_sec; long tv_nsec; };
int clock_gettime(int clock_id, struct homefield_timespec *tp);
]])
local CLOCK_MONOTONIC = 1
local IDLE_MS = 24 * 3600 * 1000
local timespec = ffi.new("struct homefield_timespec")

local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, timespec)
  return tonumber(timespec.tv_sec) * 1000000 + math.floor(tonumber(timespec.tv_nsec) / 1000)
end

-- Main state: every thread, so done() can collect their records.
local threads = {}

function setup(thread)
  thread:set("index", #threads)
  threads[#threads + 1] = thread
end

-- Thread state.
local run_id, headers, interval, next_at
local skus, left = {}, {}
local seq = 0
local chosen, scheduled, started = nil, 0, 0
local delayed_once = false
local shown_errors = 0
records = {}
exhausted = false

function init(args)
  run_id = args[1]
  headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. args[2] }
  interval = tonumber(args[3])
  local count = tonumber(args[5])
  for sku, units in string.gmatch(args[4], "([^=,]+)=(%d+)") do
    units = tonumber(units)
    local share = math.floor(units / count)
    if index < units % count then
      share = share + 1
    end
    if share > 0 then
      skus[#skus + 1] = sku
      left[sku] = share
    end
  end
  next_at = interval * index / count
end

-- The SKU with the most units left: orders spread over SKUs in proportion to their stock.
local function pick()
  local best, most = nil, 0
  for _, sku in ipairs(skus) do
    if left[sku] > most then
      best, most = sku, left[sku]
    end
  end
  return best
end

function delay()
  local now = now_us()
  if not delayed_once then
    delayed_once = true
    next_at = now + next_at
  end
  chosen = pick()
  if chosen == nil then
    exhausted = true
    return IDLE_MS
  end
  if interval == 0 then
    scheduled = 0
    return 0
  end
  scheduled = next_at
  next_at = next_at + interval
  if scheduled <= now then
    return 0
  end
  return math.floor((scheduled - now) / 1000)
end

local function order(sku, key, customer)
  local body = '{"customer_id":"' .. customer .. '","items":[{"sku":"' .. sku
    .. '","quantity":1}],"payment_token":"tok_visa"}'
  headers["Idempotency-Key"] = key
  return wrk.format("POST", "/v1/orders", headers, body)
end

function request()
  if not delayed_once then
    -- wrk's own check of the script (thread 0, before any delay): parsed, never sent.
    return order(skus[1] or "none", run_id .. "-check", "load-" .. run_id .. "-check")
  end
  local sku = chosen or pick()
  chosen = nil
  if sku == nil then
    exhausted = true
    return wrk.format("GET", "/healthz")
  end
  left[sku] = left[sku] - 1
  seq = seq + 1
  local name = run_id .. "-" .. index .. "-" .. seq
  started = now_us()
  if scheduled == 0 or scheduled > started then
    scheduled = started
  end
  return order(sku, name, "load-" .. name)
end

function response(status, _, body)
  local finished = now_us()
  local order_id = "-"
  if status == 202 then
    order_id = string.match(body, '"order_id"%s*:%s*"([^"]+)"') or "-"
  elseif shown_errors < 3 then
    shown_errors = shown_errors + 1
    io.stderr:write("POST /v1/orders answered ", status, ": ", string.sub(body, 1, 300), "\n")
  end
  records[#records + 1] = string.format("%.0f %.0f %.0f %d %s", scheduled, started, finished,
    status, order_id)
  scheduled = 0
end

function done(summary)
  local out = assert(io.open(assert(os.getenv("HOMEFIELD_WRK_RECORDS")), "w"))
  for _, thread in ipairs(threads) do
    for _, line in ipairs(thread:get("records")) do
      out:write(line, "\n")
    end
    if thread:get("exhausted") then
      out:write("# exhausted ", thread:get("index"), "\n")
    end
  end
  local e = summary.errors
  out:write(string.format("# summary %.0f %.0f %d %d %d %d %d\n", summary.duration,
    summary.requests, e.connect, e.read, e.write, e.status, e.timeout))
  out:close()
end

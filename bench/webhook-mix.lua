-- wrk script: the WhatsApp server's traffic as the benchmark sends it. 70% message / message_create, 20%
-- message_ack (of this thread's earlier messages), 10% session-lifecycle events; bodies are the samples from
-- src/test/resources/samples with a unique message id each; every request HMAC-signed over its exact body, and
-- carrying a unique X-Delivery-Id. Counts answers by status for the report.
--   env: BENCH_SECRET (required), BENCH_PATH (default /api/whatsapp/webhook), BENCH_SAMPLES, BENCH_SESSIONS (20),
--        BENCH_SESSION_PREFIX (bench-: the session ids are the prefix and 0 .. BENCH_SESSIONS - 1)
local dir = os.getenv("BENCH_DIR") or "bench"
package.path = dir .. "/?.lua;" .. package.path
local sha = require("sha256")

local samples = os.getenv("BENCH_SAMPLES") or "src/test/resources/samples"
local path = os.getenv("BENCH_PATH") or "/api/whatsapp/webhook"
local sessions = tonumber(os.getenv("BENCH_SESSIONS") or "20")
local prefix = os.getenv("BENCH_SESSION_PREFIX") or "bench-"
local sign = sha.hmac(os.getenv("BENCH_SECRET") or error("BENCH_SECRET is not set"))
-- Unique per wrk run, so ids never repeat across runs against the same database.
local run = os.getenv("BENCH_RUN") or tostring(os.time())

local function read(name)
  local f = assert(io.open(samples .. "/" .. name .. ".json", "rb"))
  local s = f:read("*a"):gsub("%s+$", "")
  f:close()
  return s
end

local message = read("message")
local create = read("message_create")
local ack = read("message_ack")
local lifecycle = { read("qr"), read("loading_screen"), read("change_state"), read("ready"),
                    read("authenticated"), read("disconnected"), read("auth_failure") }

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

local n, lastCreated

function init(args)
  n = 0
  statuses = {} -- a global: done() reads it from each thread with thread:get
  lastCreated = nil
end

local function session()
  return prefix .. (n % sessions)
end

local function build()
  n = n + 1
  local r = n % 10
  local id = "B" .. run .. "T" .. tid .. "X" .. n
  local body
  if r <= 6 then
    if r % 2 == 0 then
      body = message:gsub("3EB0C767D71D3A5F0A1B", id)
    else
      body = create:gsub("3EB0A1B2C3D4E5F60789", id)
      lastCreated = id
    end
  elseif r <= 8 then
    body = ack:gsub("3EB0A1B2C3D4E5F60789", lastCreated or id)
  else
    body = lifecycle[(math.floor(n / 10) % #lifecycle) + 1]:gsub("Xk7cQ0vYh1m3", id):gsub("\"percent\":57", "\"percent\":" .. (n % 100))
  end
  return (body:gsub("toko%-jakarta", session()))
end

function request()
  local body = build()
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/json",
    ["X-Webhook-Signature"] = "sha256=" .. sign(body),
    ["X-Delivery-Id"] = run .. "-" .. tid .. "-" .. n,
  }, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 200 and body:find('"duplicate":true', 1, true) then
    statuses[299] = (statuses[299] or 0) + 1 -- counted apart: a 200 that stored nothing new
  end
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for code, count in pairs(t:get("statuses")) do
      total[code] = (total[code] or 0) + count
    end
  end
  for code, count in pairs(total) do
    io.write(string.format("STATUS %d %d\n", code, count))
  end
  io.write(string.format("LATENCY p50=%.3f p95=%.3f p99=%.3f\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
  io.write(string.format("RESULT requests=%d seconds=%.3f errors_connect=%d errors_read=%d errors_timeout=%d\n",
    summary.requests, summary.duration / 1e6, summary.errors.connect, summary.errors.read, summary.errors.timeout))
end

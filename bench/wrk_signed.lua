-- wrk script of bench/webhook.py: pre-signed Twilio webhook requests, each sent once.
--
--   wrk -t N -c N -d SECONDS -s bench/wrk_signed.lua URL -- REQUESTS OUT [repeat]
--
-- One connection per thread, so a thread's responses come in the order of its
-- requests and each answer is known by its MessageSid. REQUESTS (written by
-- bench/wrk_load.py) holds one block of requests per thread: a header line with the
-- thread count, then "offset length count" per thread, then the blocks of records
-- "<MessageSid> <byte count>\n<raw HTTP request>". A thread loads its own block in
-- init() and sends its requests in order, the next one only once the last is
-- answered: a request left without an answer by a broken connection is sent again
-- (as Twilio retries). When its block is done the thread stops and says so on
-- stderr ("ksm-wrk done"); with "repeat" it starts over instead (the bare app,
-- which stores nothing). done() writes every answer (MessageSid, status, latency,
-- body) and wrk's own latency percentiles to OUT.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } ksm_timespec;
int clock_gettime(int clock_id, ksm_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local timespec = ffi.new("ksm_timespec")

local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, timespec)
  return tonumber(timespec.tv_sec) * 1000000 + math.floor(tonumber(timespec.tv_nsec) / 1000)
end

-- main state: the threads, for done()
local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

-- thread state (globals, so that done() can read them with thread:get)
local raws, sids = {}, {}
local count, next_i, cycle = 0, 1, false
local sent_at = 0
log = {}          -- "sid status latency_us body_id" per answer
bodies = {}       -- distinct answer bodies; body_id indexes this
local body_ids = {}
first_us, last_us = 0, 0
finished = false  -- the block was sent and answered in full
pending = ""      -- the MessageSid sent and not answered when wrk stopped
out_path = ""

function init(args)
  local path = args[1]
  out_path = args[2]
  cycle = args[3] == "repeat"
  local f = assert(io.open(path, "rb"))
  local header = f:read("*l")
  local offset, length
  for i = 0, index do
    local line = f:read("*l")
    if i == index then
      local o, l, n = line:match("^(%d+) (%d+) (%d+)$")
      offset, length, count = tonumber(o), tonumber(l), tonumber(n)
    end
  end
  assert(tonumber(header) > index, "more wrk threads than blocks of requests")
  f:seek("set", offset)
  local block = f:read(length) or ""
  f:close()
  local pos = 1
  for i = 1, count do
    local sid, size, stop = block:match("^(%S+) (%d+)\n()", pos)
    size = tonumber(size)
    sids[i] = sid
    raws[i] = block:sub(stop, stop + size - 1)
    pos = stop + size
  end
end

function request()
  if count == 0 then
    -- Nothing to send: wrk needs a request all the same, so stop before it is sent.
    finished = true
    io.stderr:write("ksm-wrk done\n")
    wrk.thread:stop()
    return wrk.format("GET", "/")
  end
  pending = sids[next_i]
  sent_at = now_us()
  return raws[next_i]
end

function response(status, headers, body)
  local now = now_us()
  if first_us == 0 then
    first_us = sent_at
  end
  last_us = now
  local id = body_ids[body]
  if id == nil then
    table.insert(bodies, body)
    id = #bodies
    body_ids[body] = id
  end
  table.insert(log, pending .. " " .. status .. " " .. (now - sent_at) .. " " .. id)
  pending = ""
  next_i = next_i + 1
  if next_i > count then
    if cycle then
      next_i = 1
    else
      finished = true
      io.stderr:write("ksm-wrk done\n")
      wrk.thread:stop()
    end
  end
end

function done(summary, latency, requests)
  local out = assert(io.open(threads[1]:get("out_path"), "wb"))
  out:write(string.format("W %d %d %d %d %d %d %d %d %d\n", summary.requests,
    summary.duration, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout, latency:percentile(50),
    latency:percentile(99)))
  for k, thread in ipairs(threads) do
    local p = thread:get("pending")
    out:write(string.format("T %d %d %d %s %s\n", k - 1, thread:get("first_us"),
      thread:get("last_us"), tostring(thread:get("finished")), p == "" and "-" or p))
    for id, body in ipairs(thread:get("bodies")) do
      out:write(string.format("B %d %d\n", id, #body), body, "\n")
    end
    for _, line in ipairs(thread:get("log")) do
      out:write("A ", line, "\n")
    end
  end
  out:close()
end

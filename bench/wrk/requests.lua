-- wrk script for bench/http.py: realistic, non-conflicting requests from a file.
--
--   wrk -t N -c N -s bench/wrk/requests.lua URL -- REQUESTS_FILE cycle|once
--
-- Run with as many threads as connections (-t N -c N): each wrk thread then drives exactly
-- one connection, with its own Lua state, so "per thread" is "per connection". Thread i owns
-- the lines of REQUESTS_FILE whose first field is i (bench/http.py gives each learner to one
-- thread), so no two connections ever act for the same learner at once.
--
-- A line holds tab-separated fields: thread, method, path, session cookie, CSRF token, body
-- (empty fields allowed). Every request carries the User-Agent the learners signed in with,
-- so Flask-Login's session protection sees the same client and leaves the cookie alone.
--
-- cycle: each thread goes round its lines until wrk's --duration ends.
-- once:  each thread sends each of its lines once (submitting a fresh attempt is possible
--        only once), then stops; the run ends early if every thread runs out.
--
-- done() prints one line, "WRK_JSON {...}": requests, duration, errors by kind and latency
-- percentiles in microseconds, for bench/http.py to parse.

local USER_AGENT = "sourcequiz-bench/1"

local next_index = 0
local threads = {}

function setup(thread)
   thread:set("index", next_index)
   next_index = next_index + 1
   threads[#threads + 1] = thread
end

local requests = {}
local position = 0
remaining = 0 -- global: done() reads it through thread:get

local function split(line)
   local fields = {}
   local start = 1
   while true do
      local tab = string.find(line, "\t", start, true)
      if not tab then
         fields[#fields + 1] = string.sub(line, start)
         return fields
      end
      fields[#fields + 1] = string.sub(line, start, tab - 1)
      start = tab + 1
   end
end

function init(args)
   local path, mode = args[1], args[2] or "cycle"
   for line in io.lines(path) do
      local f = split(line)
      if tonumber(f[1]) == index then
         local headers = { ["User-Agent"] = USER_AGENT }
         if f[4] ~= "" then headers["Cookie"] = "session=" .. f[4] end
         if f[5] ~= "" then headers["X-CSRF-Token"] = f[5] end
         local body = nil
         if f[6] ~= nil and f[6] ~= "" then
            body = f[6]
            headers["Content-Type"] = "application/json"
         end
         requests[#requests + 1] = wrk.format(f[2], f[3], headers, body)
      end
   end
   if #requests == 0 then
      error("no requests for thread " .. tostring(index) .. " in " .. path)
   end
   remaining = #requests
   if mode == "once" then
      -- Defined only in this mode: wrk hands bodies to Lua only when response() exists.
      function response(status, headers, body)
         remaining = remaining - 1
         if remaining == 0 then
            wrk.thread:stop()
         end
      end
   end
end

function request()
   position = position % #requests + 1
   return requests[position]
end

function done(summary, latency, requests)
   local e = summary.errors
   -- Threads that sent every line they own ("once" mode): while they idle, the run's rate
   -- understates the server, so bench/http.py prepares more and runs it again.
   local exhausted = 0
   for _, thread in ipairs(threads) do
      if thread:get("remaining") == 0 then
         exhausted = exhausted + 1
      end
   end
   io.write(string.format(
      'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, '
         .. '"read": %d, "write": %d, "status": %d, "timeout": %d, "p50_us": %d, '
         .. '"p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f, "exhausted": %d}\n',
      summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
      e.status, e.timeout, latency:percentile(50), latency:percentile(95),
      latency:percentile(99), latency.max, latency.mean, exhausted))
end

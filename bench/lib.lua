-- Shared counting for bench/run's wrk scripts (bench/perf_get.lua, bench/perf_till.lua).
--
-- A script loads it with dofile (next to itself) and then defines its own init() and, when it
-- needs one, request(). This file defines setup(), response() and done():
--
--   * response() counts the answers by class; anything but 2xx is an error (a 3xx on a page is
--     the redirect to /login: the session was lost), and the first one is kept as a sample;
--   * done() adds up the threads' counts and prints ONE line that bench/run parses:
--
--     BENCH_RESULT requests=… duration_us=… ok=… non2xx=… s3xx=… s4xx=… s5xx=… sother=…
--       connect=… read=… write=… timeout=… wrk_status=… p50_us=… p95_us=… p99_us=…
--       max_us=… mean_us=…
--
--     then, when some answer was not 2xx, `BENCH_FIRST_ERROR <status> [-> location] <body>`.
--
-- wrk's --latency prints no p95, hence latency:percentile() here. Latencies are wrk's, in
-- microseconds, measured per request from the moment wrk writes it (wrk 4 does not correct
-- for coordinated omission).

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("id", #threads)
end

-- Per-thread tallies, read from done() through thread:get.
ok, s3xx, s4xx, s5xx, sother = 0, 0, 0, 0, 0
first_error = ""

function response(status, resp_headers, resp_body)
   if status >= 200 and status < 300 then
      ok = ok + 1
      return
   end
   if status >= 300 and status < 400 then s3xx = s3xx + 1
   elseif status >= 400 and status < 500 then s4xx = s4xx + 1
   elseif status >= 500 and status < 600 then s5xx = s5xx + 1
   else sother = sother + 1 end
   if first_error == "" then
      local where = resp_headers and (resp_headers["Location"] or resp_headers["location"])
      local text = (resp_body or ""):gsub("[\r\n\t]+", " "):sub(1, 300)
      first_error = tostring(status) .. (where and (" -> " .. where) or "") .. " " .. text
   end
end

function done(summary, latency, requests)
   local t = {ok = 0, s3xx = 0, s4xx = 0, s5xx = 0, sother = 0}
   local sample = ""
   for _, thread in ipairs(threads) do
      for k, _ in pairs(t) do t[k] = t[k] + (thread:get(k) or 0) end
      local e = thread:get("first_error") or ""
      if sample == "" and e ~= "" then sample = e end
   end
   local non2xx = t.s3xx + t.s4xx + t.s5xx + t.sother
   local e = summary.errors
   io.write(string.format(
      "BENCH_RESULT requests=%d duration_us=%d ok=%d non2xx=%d s3xx=%d s4xx=%d s5xx=%d sother=%d connect=%d read=%d write=%d timeout=%d wrk_status=%d p50_us=%d p95_us=%d p99_us=%d max_us=%d mean_us=%d\n",
      summary.requests, summary.duration, t.ok, non2xx, t.s3xx, t.s4xx, t.s5xx, t.sother,
      e.connect, e.read, e.write, e.timeout, e.status,
      latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean))
   if sample ~= "" then io.write("BENCH_FIRST_ERROR " .. sample .. "\n") end
end

-- wrk script for bench/load: a heavy page under load.
--
-- Every request GETs the page given to wrk (the cooperative's impact page by default) with
-- the coordination's session cookie. Anything but a 200-class answer is an error: a 3xx would
-- be the redirect to /login (session lost), a 4xx or 5xx a failure. done() prints the same
-- LOAD_RESULT line as till.lua.
--
-- Environment (set by bench/load):
--   BENCH_COOKIE  the session cookie's value (cookie `maillage-session`)

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

local cookie = os.getenv("BENCH_COOKIE")

ok, s3xx, s4xx, s5xx, sother = 0, 0, 0, 0, 0
first_error = ""

function init(args)
   if cookie == nil or cookie == "" then
      error("page.lua needs BENCH_COOKIE in the environment")
   end
   wrk.method = "GET"
   wrk.headers["Cookie"] = "maillage-session=" .. cookie
   wrk.headers["Accept"] = "text/html"
   wrk.headers["Accept-Language"] = "fr-FR,fr"
end

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
      local where = resp_headers["Location"] or resp_headers["location"]
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
      "LOAD_RESULT requests=%d duration_us=%d ok=%d non2xx=%d s3xx=%d s4xx=%d s5xx=%d sother=%d connect=%d read=%d write=%d timeout=%d wrk_status=%d p50_us=%d p99_us=%d\n",
      summary.requests, summary.duration, t.ok, non2xx, t.s3xx, t.s4xx, t.s5xx, t.sother,
      e.connect, e.read, e.write, e.timeout, e.status,
      latency:percentile(50), latency:percentile(99)))
   if sample ~= "" then io.write("LOAD_FIRST_ERROR " .. sample .. "\n") end
end

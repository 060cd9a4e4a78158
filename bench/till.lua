-- wrk script for bench/load: the till under load.
--
-- Every request POSTs one sale to /api/v1/coops/{coopID}/sales (the URL given to wrk) as the
-- cashier (API token), with its own Idempotency-Key, so that each request records a new sale
-- in the cash journal instead of replaying the first one.
--
-- Environment (set by bench/load):
--   BENCH_TOKEN  the cashier's API token (`maillage token create --email caisse@…`)
--   BENCH_BODY   the sale's JSON body: two lines and a household card, payments covering it
-- Arguments after `--`: a tag making the keys unique to this run (e.g. `warmup-1733160000`).
--
-- Any answer other than 2xx is an error here (3xx included: the API never redirects), and so
-- is any socket error; done() prints one line that bench/load reads:
--   LOAD_RESULT requests=… ok=… non2xx=… s3xx=… s4xx=… s5xx=… connect=… read=… write=… timeout=… …

local threads = {}
local next_id = 0

function setup(thread)
   next_id = next_id + 1
   thread:set("id", next_id)
   table.insert(threads, thread)
end

local token = os.getenv("BENCH_TOKEN")
local body = os.getenv("BENCH_BODY")
local tag = "run"
local counter = 0
local headers = {}

-- Per-thread tallies (read from done() through thread:get).
ok, s3xx, s4xx, s5xx, sother = 0, 0, 0, 0, 0
first_error = ""

function init(args)
   if token == nil or token == "" or body == nil or body == "" then
      error("till.lua needs BENCH_TOKEN and BENCH_BODY in the environment")
   end
   if args[1] ~= nil and args[1] ~= "" then tag = args[1] end
   headers["Content-Type"] = "application/json"
   headers["Accept"] = "application/json"
   headers["Authorization"] = "Bearer " .. token
end

function request()
   counter = counter + 1
   headers["Idempotency-Key"] = string.format("bench-%s-t%d-%d", tag, id, counter)
   return wrk.format("POST", nil, headers, body)
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
      local text = (resp_body or ""):gsub("[\r\n\t]+", " "):sub(1, 300)
      first_error = tostring(status) .. " " .. text
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

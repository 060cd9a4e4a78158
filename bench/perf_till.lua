-- wrk script for bench/run: the till. Every request POSTs one sale to the URL given to wrk
-- (/api/v1/coops/{coopID}/sales) as the cashier (API token) with its own Idempotency-Key, so
-- that each request records a new sale. Counting and the BENCH_RESULT line: bench/lib.lua.
--
-- Environment (set by bench/run):
--   BENCH_TOKEN  the cashier's API token
--   BENCH_BODY   the sale's JSON body (two lines, a household card, a cash payment covering it)
-- Argument after `--`: a tag making the keys unique to this run (e.g. `sqlite-n1-run-1733160000`).

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "lib.lua")

local token = os.getenv("BENCH_TOKEN")
local body = os.getenv("BENCH_BODY")
local tag = "run"
local counter = 0
local headers = {}

function init(args)
   if token == nil or token == "" or body == nil or body == "" then
      error("perf_till.lua needs BENCH_TOKEN and BENCH_BODY in the environment")
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

-- wrk script for bench/run: GET the URL given to wrk, with a session cookie when there is one
-- (the pages), without (GET /healthz). Counting and the BENCH_RESULT line: bench/lib.lua.
--
-- Environment (set by bench/run):
--   BENCH_COOKIE  the value of the `maillage-session` cookie; empty or unset: no cookie

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "lib.lua")

local cookie = os.getenv("BENCH_COOKIE")

function init(args)
   wrk.method = "GET"
   if cookie ~= nil and cookie ~= "" then
      wrk.headers["Cookie"] = "maillage-session=" .. cookie
      wrk.headers["Accept"] = "text/html"
      wrk.headers["Accept-Language"] = "fr-FR,fr"
   end
end

-- bench/random.lua — wrk request generator for bench/run.sh. Each wrk thread
-- draws its own random sequence. Modes (arguments after `--` on wrk's line):
--
--   paths FILE          GET a random line of FILE (URL paths, e.g. /posts/12-slug)
--   cursor MIN MAX      GET /api/v1/posts?limit=20&cursor=AT-999999999 with AT
--                       uniform in [MIN, MAX]: a different page of the API list
--                       every time, so the 5 s page cache (keyed on the query)
--                       almost never hits
--   bust PATH           GET PATH?r=N with N random: the same handler and the same
--                       output as PATH, but a fresh page-cache key every time
--
-- No response() callback: defining one makes wrk parse every body and costs CPU
-- that the server (sharing the same 2 cores) would otherwise get. Statuses are
-- checked by run.sh with curl on a sample beforehand, and wrk's own
-- "Non-2xx or 3xx responses" (which counts >= 400) afterwards.

local counter = 0
local threads = {}

function setup(thread)
   counter = counter + 1
   thread:set("tid", counter)
   table.insert(threads, thread)
end

local mode, paths, npaths, lo, hi, base

function init(args)
   math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
   mode = args[1]
   if mode == "paths" then
      paths, npaths = {}, 0
      for line in io.lines(args[2]) do
         if #line > 0 then
            npaths = npaths + 1
            paths[npaths] = line
         end
      end
      if npaths == 0 then error("no paths in " .. args[2]) end
   elseif mode == "cursor" then
      lo, hi = tonumber(args[2]), tonumber(args[3])
   elseif mode == "bust" then
      base = args[2]
   else
      error("random.lua: mode must be paths, cursor or bust")
   end
end

function request()
   if mode == "paths" then
      return wrk.format("GET", paths[math.random(npaths)])
   elseif mode == "cursor" then
      return wrk.format("GET", string.format("/api/v1/posts?limit=20&cursor=%d-999999999", math.random(lo, hi)))
   else
      return wrk.format("GET", string.format("%s?r=%d", base, math.random(1, 1000000000)))
   end
end

-- bench/participation/bust.lua — GET PATH with a random extra parameter r=N
-- (a fresh page-cache key each time: measures the handler, not the cache).
--   args: PATH   (PATH may already hold a query string)
local p, sep
function init(args)
   p = args[1]
   sep = string.find(p, "?", 1, true) and "&" or "?"
   math.randomseed(os.time() * 1000 + (tid or 0))
end
function request()
   return wrk.format("GET", string.format("%s%sr=%d", p, sep, math.random(1, 1000000000)))
end

-- bench/participation/cursor.lua — GET PATH&cursor=N with N uniform in [LO, HI]:
-- a random page anywhere in the comment list (keyset cursor = comment id for
-- the default newest-first sort), each a page-cache miss.
--   args: PATH LO HI
local p, lo, hi
function init(args)
   p, lo, hi = args[1], tonumber(args[2]), tonumber(args[3])
   math.randomseed(os.time() * 1000 + (tid or 0))
end
function request()
   return wrk.format("GET", string.format("%s&cursor=%d", p, math.random(lo, hi)))
end

-- bench/participation/vote.lua — wrk voters: every request is a different
-- account casting one ballot, POST /api/v1/polls/POLL/vote {"options":[OPT]},
-- with that account's session cookie (token = its user id as 64 digits, see
-- gen_participation.c) and the CSRF double-submit pair.
--   args: POLL OPTION FIRST_UID COUNT CSRF_COOKIE CSRF_TOKEN CLOSE_EVERY
-- Thread t (1..T) takes accounts FIRST_UID + t-1, +T, +2T, ... (COUNT in all,
-- then wraps: a wrapped account votes again and must get 409).
-- CLOSE_EVERY > 0: about one request in CLOSE_EVERY asks "Connection: close", so
-- that wrk reconnects (from a new source address under srcip_shim.so).
-- done() prints how many distinct accounts were sent (VOTERS_SENT=n).
local threads = {}
local nthreads = 0
function setup(thread)
   nthreads = nthreads + 1
   thread:set("tid", nthreads)
   table.insert(threads, thread)
end

local poll, opt, first, count, ck, tok, close_every, body, path, stride
sent = 0

function init(args)
   poll, opt, first, count = tonumber(args[1]), tonumber(args[2]), tonumber(args[3]), tonumber(args[4])
   ck, tok, close_every = args[5], args[6], tonumber(args[7] or "0")
   body = string.format('{"options":[%d]}', opt)
   path = string.format("/api/v1/polls/%d/vote", poll)
   stride = tonumber(args[8] or "2") -- wrk threads
   math.randomseed((tid or 1) * 7919)
end

function request()
   local k = ((sent * stride) + (tid - 1)) % count
   sent = sent + 1
   local uid = first + k
   local h = {
      ["Cookie"] = string.format("majlis_session=%064d; majlis_csrf=%s", uid, ck),
      ["X-CSRF-Token"] = tok,
      ["Content-Type"] = "application/json",
   }
   if close_every > 0 and math.random(close_every) == 1 then h["Connection"] = "close" end
   return wrk.format("POST", path, h, body)
end

function done(summary, latency, requests)
   local n = 0
   for _, t in ipairs(threads) do n = n + (t:get("sent") or 0) end
   io.write(string.format("VOTERS_SENT=%d\n", n))
end

-- bench/requests/create.lua — wrk script for bench/requests/run.sh: POSTs a new
-- citizen request as JSON to /api/v1/requests with an agent API token (exempt
-- from the per-IP creation limit), keep-alive, and counts the answers by status.
--
--   wrk -t2 -c16 -d10s -s create.lua http://127.0.0.1:PORT -- TOKEN [COUNTS_FILE]
--
-- Bodies rotate over the demo categories and their required attributes
-- (pothole: size, water-leak: where, streetlight: none), three languages, some
-- with a location and an address, each with a contact email — what the JSON API
-- receives from a partner app submitting on citizens' behalf. The bodies are
-- built once per thread (wrk.format is not free and the server shares the cores).
--
-- response() counts statuses per thread; done() prints "201=N other=M" and,
-- when COUNTS_FILE is given, writes the same line there for run.sh, which
-- compares N with the rows that appeared in the database.

local threads = {}
local counter = 0

function setup(thread)
   counter = counter + 1
   thread:set("tid", counter)
   table.insert(threads, thread)
end

local token, reqs, nreqs, i
n201, nother = 0, 0

local bodies = {
   '{"kind":"report","category":"pothole","description":"حفرة كبيرة أمام المدرسة الابتدائية، خطيرة على الأطفال رقم %d","lat":33.5731,"lon":-7.5898,"address":"شارع محمد الخامس","lang":"ar","contact_email":"c%d@example.org","attributes":{"size":"dangerous"}}',
   '{"kind":"report","category":"streetlight","description":"Le lampadaire devant le numéro %d est éteint depuis une semaine.","lat":33.575,"lon":-7.587,"address":"12 rue des Orangers","lang":"fr","contact_email":"h%d@example.org"}',
   '{"kind":"complaint","category":"water-leak","description":"Water is leaking from a pipe at corner %d, the street is flooded.","lang":"en","contact_email":"r%d@example.org","contact_name":"Resident","attributes":{"where":"street"}}',
   '{"kind":"report","category":"pothole","description":"Nid-de-poule profond au carrefour %d, danger pour les cyclistes.","lang":"fr","contact_email":"v%d@example.org","attributes":{"size":"small"}}',
}

function init(args)
   token = args[1]
   if not token then error("create.lua: token argument required") end
   local headers = {
      ["Content-Type"] = "application/json",
      ["Authorization"] = "Bearer " .. token,
   }
   reqs, nreqs, i = {}, 0, 0
   for k = 1, 64 do
      local b = bodies[(k - 1) % #bodies + 1]
      local body = string.format(b, (tid or 0) * 1000 + k, (tid or 0) * 1000 + k)
      nreqs = nreqs + 1
      reqs[nreqs] = wrk.format("POST", "/api/v1/requests", headers, body)
   end
   counts_file = args[2]
end

function request()
   i = i % nreqs + 1
   return reqs[i]
end

function response(status, headers, body)
   if status == 201 then
      n201 = n201 + 1
   else
      nother = nother + 1
   end
end

function done(summary, latency, requests)
   local a, b = 0, 0
   for _, t in ipairs(threads) do
      a = a + t:get("n201")
      b = b + t:get("nother")
   end
   local line = string.format("201=%d other=%d", a, b)
   print(line)
   local f = threads[1] and threads[1]:get("counts_file")
   if f then
      local fh = io.open(f, "w")
      fh:write(line .. "\n")
      fh:close()
   end
end

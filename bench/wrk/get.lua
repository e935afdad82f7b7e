-- GET /api/v1/orders/{id} with a bearer token (env TOKEN), cycling through the ids in the file env IDS_FILE.
package.path = debug.getinfo(1, "S").source:match("@?(.*/)") .. "?.lua;" .. package.path
require "common"

local ids = {}
local i = 0
local headers = { ["Authorization"] = "Bearer " .. (os.getenv("TOKEN") or "") }

function init(args)
   for line in io.lines(os.getenv("IDS_FILE")) do
      if #line > 0 then ids[#ids + 1] = line end
   end
   if #ids == 0 then ids[1] = "ord_missing" end
   i = math.random(#ids) - 1
end

function request()
   i = i % #ids + 1
   return wrk.format("GET", "/api/v1/orders/" .. ids[i], headers)
end

done = bench_done

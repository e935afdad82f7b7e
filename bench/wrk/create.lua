-- POST /api/v1/orders with a bearer token (env TOKEN) and a unique Idempotency-Key per request.
-- env CALLBACK_URL: the order's callback_url (any allowed http URL); env RUN: makes keys unique across runs.
package.path = debug.getinfo(1, "S").source:match("@?(.*/)") .. "?.lua;" .. package.path
require "common"

local counter = 0
local prefix = ""
local threads = 0

local body = string.format(
   '{"amount":1999,"currency":"EUR","description":"Two cups of tea","reference":"bench",' ..
   '"success_url":"http://127.0.0.1:8080/shop/success","error_url":"http://127.0.0.1:8080/shop/error",' ..
   '"callback_url":"%s","metadata":{"bench":"create"}}',
   os.getenv("CALLBACK_URL") or "http://127.0.0.1:8080/shop/callbacks")

local headers = {
   ["Authorization"] = "Bearer " .. (os.getenv("TOKEN") or ""),
   ["Content-Type"] = "application/json",
   ["Idempotency-Key"] = "",
}

function setup(thread)
   threads = threads + 1
   thread:set("thread_index", threads)
end

function init(args)
   prefix = string.format("bench-%s-%d-", os.getenv("RUN") or tostring(os.time()), thread_index or 0)
end

function request()
   counter = counter + 1
   headers["Idempotency-Key"] = prefix .. counter
   return wrk.format("POST", "/api/v1/orders", headers, body)
end

done = bench_done

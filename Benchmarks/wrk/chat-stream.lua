-- wrk script: POSTs a streaming chat-completions request and checks that every response is a
-- 200 whose body ends with the SSE terminator `data: [DONE]`. Prints `checked=N bad=M` at the end.
--   wrk -t1 -c32 -d10s --timeout 30s -s Benchmarks/wrk/chat-stream.lua http://127.0.0.1:8080/v1/chat/completions
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"test-model","stream":true,"messages":[{"role":"user","content":"hi"}]}'

local threads = {}
local terminator = "data: [DONE]\n\n"

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   checked = 0
   bad = 0
end

function response(status, headers, body)
   checked = checked + 1
   if status ~= 200 or body:sub(-#terminator) ~= terminator then
      bad = bad + 1
   end
end

function done(summary, latency, requests)
   local total_checked, total_bad = 0, 0
   for _, thread in ipairs(threads) do
      total_checked = total_checked + thread:get("checked")
      total_bad = total_bad + thread:get("bad")
   end
   io.write(string.format("checked=%d bad=%d\n", total_checked, total_bad))
end

-- bench/http/post.lua: wrk script for bench/http/run.sh.
-- Environment: BENCH_METHOD (GET or POST), BENCH_BODY (file holding the POST
-- body). Prints one line at the end:
--   RESULT requests seconds rps p50_us p99_us max_us errors
-- where errors counts connect/read/write/timeout errors and non-2xx/3xx answers.
local method = os.getenv("BENCH_METHOD") or "GET"
local body_file = os.getenv("BENCH_BODY")
wrk.method = method
if body_file and body_file ~= "" then
  local f = assert(io.open(body_file, "rb"))
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Content-Type"] = "application/json"
end

function done(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.timeout + e.status
  local secs = summary.duration / 1e6
  io.write(string.format("RESULT %d %.3f %.1f %d %d %d %d\n",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50), latency:percentile(99), latency.max, errors))
end

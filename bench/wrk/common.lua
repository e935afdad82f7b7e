-- Shared by create.lua and get.lua: prints one machine-readable line at the end of a wrk run.
-- non_2xx: wrk counts responses with status > 399 as errors.status (no 1xx/3xx are expected here);
-- socket errors (connect/read/write/timeout) are reported separately and also count as failures.
function bench_done(summary, latency, requests)
   local s = summary.errors
   io.write(string.format(
      'BENCHJSON {"requests":%d,"duration_us":%d,"rps":%.1f,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,' ..
      '"non_2xx":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d}\n',
      summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
      latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
      s.status, s.connect, s.read, s.write, s.timeout))
end

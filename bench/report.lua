-- Shared wrk done() callback for bench/run.sh: prints one machine-readable line
--   BENCH_JSON {"requests":..,"duration_us":..,"rps":..,"p50_us":..,"p99_us":..,...}
-- after wrk's own report. Errors are everything wrk counts as a failure: socket connect/read/
-- write errors, timeouts, and responses with a status outside 2xx/3xx ("Non-2xx or 3xx").
-- Used directly (-s bench/report.lua) for GETs and loaded by bench/patch.lua for PATCH.

function done(summary, latency, requests)
  local e = summary.errors
  local socket = e.connect + e.read + e.write + e.timeout
  local duration_s = summary.duration / 1e6
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"rps":%.2f,"bytes":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f,' ..
    '"connect":%d,"read":%d,"write":%d,"timeout":%d,"status":%d,"socket_errors":%d,"errors":%d}\n',
    summary.requests, summary.duration, summary.requests / duration_s, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    e.connect, e.read, e.write, e.timeout, e.status, socket, socket + e.status))
end

-- Shared by every bench script (loaded with dofile; wrk runs from this folder): numbers the
-- threads and prints the run as one JSON line for bench/common.py. A script lists in `counters`
-- the globals its threads count; they are summed over the threads.
-- Without a request() of its own this is also the script for plain GETs: wrk then builds the
-- request once, and its CPU stays for the server.
local threads = {}
counters = counters or {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function done(summary, latency, requests)
  local extra = {}
  for _, name in ipairs(counters) do
    local total = 0
    for _, thread in ipairs(threads) do
      total = total + (thread:get(name) or 0)
    end
    table.insert(extra, string.format('"%s": %d', name, total))
  end
  local e = summary.errors
  io.write(string.format(
    'WRK {"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d}, '
      .. '"counters": {%s}}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(99) / 1e3, latency.max / 1e3,
    e.connect, e.read, e.write, e.timeout, e.status, table.concat(extra, ", ")))
end

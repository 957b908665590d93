-- wrk script: replay prepared requests, one line each, dealt out to wrk's threads.
--
--   WRK_OUT=out.json wrk -t2 -c64 -d8s -s bench/replay.lua http://127.0.0.1:8701 -- LINES_FILE 2
--
-- LINES_FILE: one request a line, METHOD<TAB>PATH<TAB>TOKEN<TAB>BODY (TOKEN and BODY may be
-- empty). Thread k of n takes lines k, k+n, k+2n, ...; past its last line it starts again
-- from its first (the run is timed, not counted), so the caller prepares more lines than
-- the run can send and reads the statuses to see what each request found.
-- The second argument is wrk's thread count (-t). WRK_OUT names the file done() writes:
-- requests, duration, latency percentiles, error counts and the count of every status seen,
-- as one JSON object.

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  local path, nthreads = args[1], tonumber(args[2])
  prepared = {}
  local index = 0
  for line in io.lines(path) do
    if index % nthreads == id then
      local method, target, token, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      local headers = {}
      if token ~= "" then headers["Authorization"] = "Bearer " .. token end
      if body ~= "" then headers["Content-Type"] = "application/json" else body = nil end
      table.insert(prepared, wrk.format(method, target, headers, body))
    end
    index = index + 1
  end
  lines = #prepared
  sent = 0
  statuses = {}
end

function request()
  sent = sent + 1
  return prepared[((sent - 1) % #prepared) + 1]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

local function json_statuses(all)
  local parts = {}
  for status, n in pairs(all) do
    table.insert(parts, string.format('"%d": %d', status, n))
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end

function done(summary, latency, requests)
  local all = {}
  local lines = 0
  for _, thread in ipairs(threads) do
    local seen = thread:get("statuses")
    for status, n in pairs(seen) do all[status] = (all[status] or 0) + n end
    lines = lines + thread:get("lines")
  end
  local out = io.open(os.getenv("WRK_OUT"), "w")
  out:write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"lines": %d, "statuses": %s}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout, lines, json_statuses(all)))
  out:close()
end

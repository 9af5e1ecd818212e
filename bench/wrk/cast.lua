-- Ballots cast through HTTP: every request is the cast of the next verified elector, with the
-- session and CSRF token made beforehand (one "session<TAB>csrf cookie<TAB>token" line each).
-- Arguments: sessions file, number of wrk threads, ballot path, candidate ids (a,b,c...).
-- A thread that runs out of electors stops and says so (`exhausted`): the run is then void.
-- `cast` counts the answers 200 (the receipt), `other` every other answer.
counters = {"issued", "exhausted", "cast", "other"}
dofile("report.lua")

issued, exhausted, cast, other = 0, 0, 0, 0
local electors, candidates = {}, {}
local path

function init(args)
  local threads, n = tonumber(args[2]), 0
  for line in io.lines(args[1]) do
    if n % threads == id - 1 then
      local session, cookie, token = line:match("([^\t]+)\t([^\t]+)\t([^\t]+)")
      table.insert(electors, {session, cookie, token})
    end
    n = n + 1
  end
  path = args[3]
  for candidate in args[4]:gmatch("%d+") do
    table.insert(candidates, candidate)
  end
end

-- One ballot in ten blank, the others one or two preferences (neighbours in the list differ
-- in gender, so a double preference is valid).
local function choices(n)
  if n % 10 == 0 then return "" end
  local first = candidates[n % #candidates + 1]
  if n % 2 == 0 then
    return "&candidate=" .. first
  end
  return "&candidate=" .. first .. "&candidate=" .. candidates[(n + 1) % #candidates + 1]
end

function request()
  local elector = electors[issued + 1]
  if elector == nil then
    exhausted = 1
    wrk.thread:stop()
    return wrk.format("GET", "/healthz")
  end
  issued = issued + 1
  return wrk.format("POST", path, {
    ["Cookie"] = "sessionid=" .. elector[1] .. "; csrftoken=" .. elector[2],
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "csrfmiddlewaretoken=" .. elector[3] .. "&step=cast" .. choices(issued))
end

function response(status, headers, body)
  if status == 200 then
    cast = cast + 1
  else
    other = other + 1
  end
end

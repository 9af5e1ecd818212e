-- Mixed journeys for the soak: the plan file (made by bench/soak.py) has one request a line,
-- "METHOD<TAB>path<TAB>body<TAB>who", journeys one after the other; each thread walks it from
-- its own starting point, over and over. who: "anon" (no cookie), "user" (the next of the
-- logged-in citizens, round robin) or "voter" (the next elector who has not voted yet; when
-- none is left the step reads the election's page instead).
-- Arguments: plan file, users' sessions file, voters' sessions file, number of wrk threads,
-- the election's page.
counters = {"issued", "votes", "server_errors", "client_errors"}
dofile("report.lua")

issued, votes, server_errors, client_errors = 0, 0, 0, 0
local plan, users, voters = {}, {}, {}
local step, user, election_page

local function sessions(file, threads, into)
  local n = 0
  for line in io.lines(file) do
    if threads == nil or n % threads == id - 1 then
      local session, cookie, token = line:match("([^\t]+)\t([^\t]+)\t([^\t]+)")
      table.insert(into, {session, cookie, token})
    end
    n = n + 1
  end
end

function init(args)
  for line in io.lines(args[1]) do
    local method, path, body, who = line:match("([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)")
    table.insert(plan, {method, path, body, who})
  end
  local threads = tonumber(args[4])
  sessions(args[2], nil, users)
  sessions(args[3], threads, voters)
  election_page = args[5]
  step = math.floor(#plan * (id - 1) / threads)
  user = id - 1
end

local function as(person, method, path, body)
  local headers = {["Cookie"] = "sessionid=" .. person[1] .. "; csrftoken=" .. person[2]}
  if method == "POST" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    local token = "csrfmiddlewaretoken=" .. person[3]
    body = body == "" and token or token .. "&" .. body
    return wrk.format(method, path, headers, body)
  end
  return wrk.format(method, path, headers)
end

function request()
  step = step % #plan + 1
  issued = issued + 1
  local method, path, body, who = unpack(plan[step])
  if who == "voter" then
    local voter = voters[votes + 1]
    if voter == nil then
      return wrk.format("GET", election_page)
    end
    votes = votes + 1
    return as(voter, method, path, body)
  end
  if who == "user" then
    user = user % #users + 1
    return as(users[user], method, path, body)
  end
  return wrk.format(method, path)
end

function response(status, headers, body)
  if status >= 500 then
    server_errors = server_errors + 1
  elseif status >= 400 then
    client_errors = client_errors + 1
  end
end

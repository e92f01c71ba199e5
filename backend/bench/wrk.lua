-- wrk script for the benchmark: every request picks a random user (with that user's token) and, where needed,
-- one of that user's tasks. BENCH_DATA names a Lua file defining `tokens` (one per user, users u0001..uNNNN);
-- BENCH_ROUTE is list | get | create | update | toggle | delete | mix.
-- Seeded ids: user k owns tasks (k-1)*PER_USER+1 .. k*PER_USER, and the deletable ones after them.
dofile(os.getenv("BENCH_DATA"))
local route = os.getenv("BENCH_ROUTE")
local users = #tokens
local threads = 0
local counter = 0
DELETE_OFFSET = tonumber(os.getenv("BENCH_DELETE_OFFSET") or "0")  -- skip the first N deletable tasks per user

function setup(thread)
  thread:set("thread_index", threads)
  threads = threads + 1
end

function init(args)
  math.randomseed(os.time() * 1000 + (thread_index or 0))
  thread_count = tonumber(os.getenv("BENCH_THREADS"))
end

local function user_path(k)
  return string.format("/api/u%04d/tasks", k)
end

local function headers_for(k, with_body)
  local h = { ["Authorization"] = "Bearer " .. tokens[k] }
  if with_body then h["Content-Type"] = "application/json" end
  return h
end

local function own_task(k)
  return (k - 1) * PER_USER + math.random(PER_USER)
end

local function next_deletable()
  -- Every (user, n) exactly once across threads: thread i takes sequence numbers i, i+T, i+2T, ...
  local s = counter * thread_count + thread_index + DELETE_OFFSET * users
  counter = counter + 1
  local k = (s % users) + 1
  local n = math.floor(s / users) % DELETABLE_PER_USER + 1
  return k, users * PER_USER + (k - 1) * DELETABLE_PER_USER + n
end

local function make(kind)
  local k = math.random(users)
  if kind == "list" then
    return wrk.format("GET", user_path(k), headers_for(k))
  elseif kind == "get" then
    return wrk.format("GET", user_path(k) .. "/" .. own_task(k), headers_for(k))
  elseif kind == "create" then
    return wrk.format("POST", user_path(k), headers_for(k, true), '{"title":"bench task","description":"made by wrk"}')
  elseif kind == "update" then
    return wrk.format("PUT", user_path(k) .. "/" .. own_task(k), headers_for(k, true), '{"title":"renamed"}')
  elseif kind == "toggle" then
    return wrk.format("PATCH", user_path(k) .. "/" .. own_task(k) .. "/complete", headers_for(k))
  elseif kind == "delete" then
    local owner, id = next_deletable()
    return wrk.format("DELETE", user_path(owner) .. "/" .. id, headers_for(owner))
  end
end

function request()
  if route ~= "mix" then return make(route) end
  local r = math.random(100)  -- 60% list, 20% get, 10% create, 5% toggle, 5% update
  if r <= 60 then return make("list")
  elseif r <= 80 then return make("get")
  elseif r <= 90 then return make("create")
  elseif r <= 95 then return make("toggle")
  else return make("update") end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "seconds": %.3f, "non2xx": %d, "socket_errors": %d, "p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration / 1e6, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end

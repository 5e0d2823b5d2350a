-- wrk script for bench/web.sh: sign-up POSTs to a meeting page (POST /moede/<publicId>).
-- Environment: CSRF (the token from the page's form, fetched once with curl; valid 4 hours
-- for this path) and RUN (a label that keeps addresses unique across runs on one meeting).
-- Every request gets a new address, bench-<run>-<thread>-<n>@kommune.example, so each one
-- is a real sign-up, not a duplicate. done() prints the successful count for web.sh to parse.
-- LIMIT (optional; bench/ratios.sh fills a meeting with exactly LIMIT sign-ups per wrk thread):
-- once a thread has sent that many POSTs it only GETs the page.

local csrf = os.getenv("CSRF") or error("CSRF is not set")
local run = os.getenv("RUN") or "r"
local limit = tonumber(os.getenv("LIMIT") or "")
local municipalities = { "", "Odense", "Vejle", "Aalborg" }

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  thread:set("share", limit)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  n = 0          -- requests built by this thread
  ok = 0         -- 200 with the thank-you page
  bad = 0        -- 200 without it (e.g. the form shown again with an error)
  statuses = {}  -- non-200 status -> count
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
  if share and n >= share then
    return wrk.format("GET", nil, {}, nil)
  end
  n = n + 1
  local body = "csrf=" .. urlencode(csrf)
    .. "&name=" .. urlencode("Bench Deltager " .. id .. "-" .. n)
    .. "&email=" .. urlencode("bench-" .. run .. "-" .. id .. "-" .. n .. "@kommune.example")
    .. "&organisation=" .. urlencode("Jobcenter Bench")
    .. "&municipality=" .. urlencode(municipalities[n % #municipalities + 1])
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  if share and n >= share and status == 200 and not (body and body:find("Tak for din tilmelding", 1, true)) then
    return
  end
  if status == 200 then
    if body and body:find("Tak for din tilmelding", 1, true) then
      ok = ok + 1
    else
      bad = bad + 1
    end
  else
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local total_ok, total_bad, total_built = 0, 0, 0
  local other = {}
  for _, t in ipairs(threads) do
    total_ok = total_ok + t:get("ok")
    total_bad = total_bad + t:get("bad")
    total_built = total_built + t:get("n")
    for status, count in pairs(t:get("statuses")) do
      other[status] = (other[status] or 0) + count
    end
  end
  io.write(string.format("signups ok: %d\n", total_ok))
  io.write(string.format("200 without thank-you page: %d\n", total_bad))
  for status, count in pairs(other) do
    io.write(string.format("status %d: %d\n", status, count))
  end
  io.write(string.format("requests built: %d (completed %d; the rest were in flight at the end)\n",
    total_built, summary.requests))
end

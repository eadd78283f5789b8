-- wrk script for the write scenarios: a real write each time (the body changes on every request).
-- BENCH_METHOD is the HTTP method, BENCH_BODY the JSON body with #N# standing for a request
-- counter; the URL passed to wrk is the target's URL and the token comes from BENCH_TOKEN.
-- Also loads bench/report.lua (path in BENCH_DIR) for the JSON summary line.

local dir = os.getenv('BENCH_DIR') or 'bench'
dofile(dir .. '/report.lua')

local token = os.getenv('BENCH_TOKEN')
local method = os.getenv('BENCH_METHOD')
local template = os.getenv('BENCH_BODY')
if token == nil or token == '' or method == nil or template == nil then
  error('BENCH_TOKEN, BENCH_METHOD and BENCH_BODY must be set')
end

local headers = {
  ['Content-Type'] = 'application/json',
  ['X-Auth-Token'] = token,
}
local counter = 0

function request()
  counter = counter + 1
  local body = template:gsub('#N#', string.format('%012d', counter))
  return wrk.format(method, nil, headers, body)
end

-- wrk script for PATCH /v3/projects/{id}: a real write each time (the description changes on
-- every request). The URL passed to wrk is the project's URL; the token comes from BENCH_TOKEN.
-- Also loads bench/report.lua (path in BENCH_DIR) for the JSON summary line.

local dir = os.getenv('BENCH_DIR') or 'bench'
dofile(dir .. '/report.lua')

local token = os.getenv('BENCH_TOKEN')
if token == nil or token == '' then
  error('BENCH_TOKEN is not set')
end

local headers = {
  ['Content-Type'] = 'application/json',
  ['X-Auth-Token'] = token,
}
local counter = 0

function request()
  counter = counter + 1
  local body = '{"project":{"description":"bench write ' .. counter .. '"}}'
  return wrk.format('PATCH', nil, headers, body)
end

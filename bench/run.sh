#!/usr/bin/env bash
# projectplane HTTP benchmark: `npm run bench` (or `bash bench/run.sh`).
#
# Builds, starts projectplane (with the node flags of `npm start`, temporary DATA_DIR, LOG_LEVEL=warn;
# reports its idle RSS before any request) and a bare node:http server
# (bench/bare-server.mjs, the ceiling), both on 127.0.0.1, gets a token, creates a project, then
# runs wrk for each scenario, interleaved so each ratio compares runs taken next to each other:
#   bare GET, GET /v3/projects/{id}, PATCH /v3/projects/{id}, PUT /v1.0/enterprise-projects/{id}
#   (EPS, seed 001) and PUT /v1/enterprise-project-collect (COC, seed 000), at 1 and 32
#   connections (-t1). The three writes change the stored data on every request.
# Prints a table (req/s, p50/p99, errors, ratio to bare at the same connection count) and
# PASS/FAIL against the targets. Every process it starts is stopped on exit, even on failure.
#
# Environment:
#   DURATION=10s        measured wrk run per line (wrk syntax: 10s, 1m)
#   WARMUP=2s           unmeasured wrk run before each line (0 to skip)
#   CONNECTIONS="1 32"  connection counts
#   BENCH_SKIP_BUILD=1  use the existing dist/
#   BENCH_NO_PIN=1      do not pin with taskset (default: servers on CPU 0, wrk on CPU 1)
#   BENCH_LOG_DIR=dir   keep the raw wrk outputs and server logs there
#   RESULTS_MD=file     also write the table and verdicts as Markdown to that file
#   BENCH_STRICT=1      exit 1 when a target fails (default: exit 0 once measured)
#   BENCH_EPS_RENAME=1  the EPS PUT also renames the enterprise project on every request
# Exit status: 0 measured (and, with BENCH_STRICT, all targets passed); 1 target failed
# (BENCH_STRICT only); 2 the harness itself failed.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
cd "$ROOT"

DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-2s}"
CONNECTIONS="${CONNECTIONS:-1 32}"
ADMIN_PASSWORD='Bench-Password-1!'
HOST=127.0.0.1

WORK="$(mktemp -d "${TMPDIR:-/tmp}/projectplane-bench.XXXXXX")"
SERVER_PID=''
BARE_PID=''
WRK_PID=''
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$WRK_PID"
  stop_pid "$SERVER_PID"
  stop_pid "$BARE_PID"
  wait 2>/dev/null || true
  if [ -n "${BENCH_LOG_DIR:-}" ]; then
    mkdir -p "$BENCH_LOG_DIR" && cp -r "$WORK"/*.log "$BENCH_LOG_DIR"/ 2>/dev/null || true
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 2' INT TERM

DURATION_S="$(seconds_of "$DURATION")" || die "bad DURATION '$DURATION'"
WARMUP_S="$(seconds_of "$WARMUP")" || die "bad WARMUP '$WARMUP'"
[ "$DURATION_S" -ge 1 ] || die "DURATION must be at least 1s"

command -v wrk >/dev/null || die "wrk not found (Debian: apt-get install wrk)"
command -v curl >/dev/null || die "curl not found"
command -v node >/dev/null || die "node not found"

PIN_SERVER=()
PIN_WRK=()
if can_pin; then
  PIN_SERVER=(taskset -c 0)
  PIN_WRK=(taskset -c 1)
  PINNING='servers on CPU 0, wrk on CPU 1 (taskset)'
else
  PINNING='none'
fi

build_dist
mapfile -t START < <(start_command) || die "no start command"

read -r PORT BARE_PORT < <(free_ports 2)
[ -n "$PORT" ] && [ -n "$BARE_PORT" ] || die "could not find free ports"

log "starting projectplane on $HOST:$PORT (data in $WORK/data), bare server on $HOST:$BARE_PORT; pinning: $PINNING"
mkdir -p "$WORK/data"
PORT="$PORT" HOST="$HOST" DATA_DIR="$WORK/data" LOG_LEVEL=warn PROJECTPLANE_ADMIN_PASSWORD="$ADMIN_PASSWORD" \
  "${PIN_SERVER[@]}" env "${START[@]}" dist/main.js >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
"${PIN_SERVER[@]}" node "$BENCH_DIR/bare-server.mjs" "$BARE_PORT" >"$WORK/bare.log" 2>&1 &
BARE_PID=$!

wait_http "http://$HOST:$PORT/v3" "$SERVER_PID" projectplane
wait_http "http://$HOST:$BARE_PORT/" "$BARE_PID" bare-server
sleep 1
IDLE_RSS_KB="$(awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status")"

BASE="http://$HOST:$PORT"
TOKEN="$(admin_token "$BASE" "$ADMIN_PASSWORD")"
PROJECT_ID="$(create_project "$BASE" "$TOKEN" cn-north-4_bench)"
PROJECT_URL="$BASE/v3/projects/$PROJECT_ID"

status="$(curl -s --max-time 10 -o "$WORK/ep.json" -w '%{http_code}' -X POST "$BASE/v1.0/enterprise-projects" \
  -H "X-Auth-Token: $TOKEN" -H 'Content-Type: application/json' -d '{"name":"bench_ep"}')" \
  || die "enterprise project creation failed"
[ "$status" = 201 ] || { cat "$WORK/ep.json" >&2; die "enterprise project creation answered $status"; }
EP_ID="$(node -e 'console.log(JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8")).enterprise_project.id)' "$WORK/ep.json")"
EP_URL="$BASE/v1.0/enterprise-projects/$EP_ID"
COC_URL="$BASE/v1/enterprise-project-collect"
# The seed's body shape (name mandatory) with a new description each time, like the IAM PATCH
# scenario; BENCH_EPS_RENAME=1 also renames on every request (a unique-index update each time).
if [ -n "${BENCH_EPS_RENAME:-}" ]; then
  EPS_BODY='{"name":"bench_#N#","description":"bench write #N#"}'
else
  EPS_BODY='{"name":"bench_ep","description":"bench write #N#"}'
fi
COC_BODY='{"ep_id_list":["0","00000000-0000-4000-8000-#N#"]}'

# Sanity: each target answers 200 before it is measured.
check_200() {
  local what="$1"; shift
  local code
  code="$(curl -s --max-time 10 -o "$WORK/check.json" -w '%{http_code}' "$@")" || die "$what: request failed"
  [ "$code" = 200 ] || { cat "$WORK/check.json" >&2; die "$what answered $code, expected 200"; }
}
check_200 'bare GET' "http://$HOST:$BARE_PORT/"
check_200 'GET project' -H "X-Auth-Token: $TOKEN" "$PROJECT_URL"
check_200 'PATCH project' -X PATCH -H "X-Auth-Token: $TOKEN" -H 'Content-Type: application/json' \
  -d '{"project":{"description":"bench sanity"}}' "$PROJECT_URL"
check_200 'PUT enterprise project' -X PUT -H "X-Auth-Token: $TOKEN" -H 'Content-Type: application/json' \
  -d '{"name":"bench_sanity"}' "$EP_URL"
check_200 'PUT favourites' -X PUT -H "X-Auth-Token: $TOKEN" -H 'Content-Type: application/json' \
  -d '{"ep_id_list":["0"]}' "$COC_URL"
log "project $PROJECT_ID ready; $(wc -c <"$WORK/check.json") byte PATCH response, bare body $(curl -s "http://$HOST:$BARE_PORT/" | wc -c) bytes"

export BENCH_DIR BENCH_TOKEN="$TOKEN"
RESULTS="$WORK/results.tsv"
: >"$RESULTS"

# measure <scenario> <connections> <server pid> <url> [wrk args...]
# Besides wrk's numbers, records how much CPU the server under test got during the measured run
# (100 % = one full core: it was the bottleneck and not starved) and the 1-minute load average.
measure() {
  local scenario="$1" conns="$2" pid="$3" url="$4"; shift 4
  local slug json t0 t1 c0 c1 cpu load
  slug="$(printf '%s' "$scenario" | tr -c 'A-Za-z0-9' '_')c$conns"
  if [ "$WARMUP_S" -gt 0 ]; then
    run_wrk "$WARMUP" "$conns" "$WORK/warmup-$slug.log" "$url" "$@"
  fi
  c0="$(cpu_ticks "$pid")"; t0="$(date +%s%N)"
  run_wrk "$DURATION" "$conns" "$WORK/wrk-$slug.log" "$url" "$@"
  c1="$(cpu_ticks "$pid")"; t1="$(date +%s%N)"
  cpu="$(awk -v c="$(( c1 - c0 ))" -v hz="$CLK_TCK" -v ns="$(( t1 - t0 ))" 'BEGIN { printf "%.0f", 100 * c / hz / (ns / 1e9) }')"
  load="$(cut -d' ' -f1 /proc/loadavg)"
  json="$(grep '^BENCH_JSON ' "$WORK/wrk-$slug.log" | tail -1 | cut -d' ' -f2-)"
  [ -n "$json" ] || { cat "$WORK/wrk-$slug.log" >&2; die "no summary from wrk for $scenario c$conns"; }
  printf '%s\t%s\t%s\t%s\t%s\n' "$scenario" "$conns" "$json" "$cpu" "$load" >>"$RESULTS"
  log "$(printf '%-24s c%-3s %s' "$scenario" "$conns" "$(node -e '
    const r = JSON.parse(process.argv[1])
    console.log(`${r.rps.toFixed(0)} req/s, p99 ${(r.p99_us / 1000).toFixed(2)} ms, ${r.requests} requests, ${r.errors} errors`)' "$json"), server CPU $cpu %, load $load")"
}

UPTIME_BEFORE="$(uptime)"
log "load before: $UPTIME_BEFORE"
log "running: DURATION=$DURATION, WARMUP=$WARMUP, connections: $CONNECTIONS"
for c in $CONNECTIONS; do
  measure 'bare GET' "$c" "$BARE_PID" "http://$HOST:$BARE_PORT/" -s "$BENCH_DIR/report.lua" -H "X-Auth-Token: $TOKEN"
  measure 'GET /v3/projects/{id}' "$c" "$SERVER_PID" "$PROJECT_URL" -s "$BENCH_DIR/report.lua" -H "X-Auth-Token: $TOKEN"
  BENCH_METHOD=PATCH BENCH_BODY='{"project":{"description":"bench write #N#"}}' \
    measure 'PATCH /v3/projects/{id}' "$c" "$SERVER_PID" "$PROJECT_URL" -s "$BENCH_DIR/write.lua"
  BENCH_METHOD=PUT BENCH_BODY="$EPS_BODY" measure 'PUT /v1.0/enterprise-projects/{id}' "$c" "$SERVER_PID" "$EP_URL" -s "$BENCH_DIR/write.lua"
  BENCH_METHOD=PUT BENCH_BODY="$COC_BODY" measure 'PUT /v1/enterprise-project-collect' "$c" "$SERVER_PID" "$COC_URL" -s "$BENCH_DIR/write.lua"
done
UPTIME_AFTER="$(uptime)"
log "load after: $UPTIME_AFTER"

# The PATCHes must have been real writes: the stored description is one wrk sent.
final="$(curl -s --max-time 10 -H "X-Auth-Token: $TOKEN" "$PROJECT_URL")"
case "$final" in
  *'"description":"bench write '*) ;;
  *) die "after the PATCH runs the project does not hold a benchmark description: $final" ;;
esac
final="$(curl -s --max-time 10 -H "X-Auth-Token: $TOKEN" "$EP_URL")"
case "$final" in
  *'"description":"bench write '[0-9]*) ;;
  *) die "after the PUT runs the enterprise project does not hold a benchmark description: $final" ;;
esac
final="$(curl -s --max-time 10 -H "X-Auth-Token: $TOKEN" "$COC_URL?limit=1")"
case "$final" in
  *'"00000000-0000-4000-8000-'*) ;;
  *) die "after the PUT runs the favourites do not hold a benchmark list: $final" ;;
esac
kill -0 "$SERVER_PID" 2>/dev/null || die "projectplane died during the run"
kill -0 "$BARE_PID" 2>/dev/null || die "bare server died during the run"

# Table order: scenario first, then connections.
sorted="$WORK/sorted.tsv"
for s in 'bare GET' 'GET /v3/projects/{id}' 'PATCH /v3/projects/{id}' 'PUT /v1.0/enterprise-projects/{id}' 'PUT /v1/enterprise-project-collect'; do
  awk -F'\t' -v s="$s" '$1 == s' "$RESULTS" | sort -t$'\t' -k2,2n
done >"$sorted"

echo
echo "projectplane benchmark — wrk -t1, $DURATION per line (after $WARMUP warm-up), pinning: $PINNING"
echo "machine: $(nproc) CPUs, node $(node --version), $(uname -sr)"
echo "load before: $UPTIME_BEFORE"
echo "load after:  $UPTIME_AFTER"
IDLE_RSS_LINE="idle RSS after start (before any request): $(( IDLE_RSS_KB / 1024 )) MiB, target <= 90 MiB: $([ "$IDLE_RSS_KB" -le $(( 90 * 1024 )) ] && echo PASS || echo FAIL)"
echo "$IDLE_RSS_LINE"
echo
report_rc=0
node "$BENCH_DIR/report.mjs" "$sorted" || report_rc=$?
[ "$report_rc" -le 1 ] || die "report failed"

if [ -n "${RESULTS_MD:-}" ]; then
  {
    echo "- wrk -t1, \`$DURATION\` per line after a \`$WARMUP\` warm-up; pinning: $PINNING"
    echo "- machine: $(nproc) CPUs, node $(node --version), $(uname -sr), wrk $(wrk -v 2>&1 | head -1 | cut -d' ' -f2)"
    echo "- load before: \`$(echo "$UPTIME_BEFORE" | sed 's/^ *//')\`"
    echo "- load after: \`$(echo "$UPTIME_AFTER" | sed 's/^ *//')\`"
    echo "- $IDLE_RSS_LINE"
    echo
    node "$BENCH_DIR/report.mjs" "$sorted" --markdown || true
  } >"$RESULTS_MD"
  log "wrote $RESULTS_MD"
fi

if [ -n "${BENCH_STRICT:-}" ] && [ "$report_rc" != 0 ]; then exit 1; fi
exit 0

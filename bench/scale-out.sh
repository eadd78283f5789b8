#!/usr/bin/env bash
# projectplane on PostgreSQL, one and two instances, beside SQLite: `npm run bench:scale-out`.
#
# Builds, then starts a bare node:http server (the ceiling), projectplane on SQLite (temporary
# DATA_DIR), and two projectplane instances sharing one fresh schema on PostgreSQL. For each
# connection count it runs, one after another so every ratio compares neighbouring runs:
#   bare GET; GET /v3/projects/{id} on SQLite, on PostgreSQL through one instance, and through
#   two (the connections split across two wrk processes, one per instance, as a load balancer
#   would); then the same three for PATCH /v3/projects/{id} (a real write every request).
# Pinning (taskset, when the machine has 2+ CPUs): single-instance lines run the server on CPU 0
# and wrk on CPU 1; in two-instance lines each instance has its own CPU and the wrk processes
# float. PostgreSQL itself is never pinned: it runs where the kernel puts it, so on a 2-CPU
# machine every PostgreSQL line shares the CPUs with the database.
#
# Only zero errors is checked here: the throughput targets belong to bench/run.sh, which runs one
# server alone; here four servers and PostgreSQL share the machine.
# Environment: DURATION (10s), WARMUP (2s), CONNECTIONS ("32"), DATABASE_URL
# (postgres://postgres@127.0.0.1:5432/test), BENCH_SKIP_BUILD, BENCH_NO_PIN, RESULTS_MD, as in
# bench/run.sh. Exit status: 0 measured, 2 the harness failed.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
cd "$ROOT"

DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-2s}"
CONNECTIONS="${CONNECTIONS:-32}"
DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
ADMIN_PASSWORD='Bench-Password-1!'
HOST=127.0.0.1
SCHEMA="bench_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/projectplane-scale-out.XXXXXX")"
WRK_PID=''
PIDS=()
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  for pid in "$WRK_PID" "${PIDS[@]}"; do stop_pid "$pid"; done
  wait 2>/dev/null || true
  psql -q "$DATABASE_URL" -c "drop schema if exists $SCHEMA cascade" >/dev/null 2>&1 || log "could not drop schema $SCHEMA"
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 2' INT TERM

DURATION_S="$(seconds_of "$DURATION")" || die "bad DURATION '$DURATION'"
WARMUP_S="$(seconds_of "$WARMUP")" || die "bad WARMUP '$WARMUP'"
for tool in wrk curl node psql; do command -v "$tool" >/dev/null || die "$tool not found"; done
psql -q "$DATABASE_URL" -c 'select 1' >/dev/null || die "PostgreSQL at $DATABASE_URL does not answer"

CPU0=()
CPU1=()
PIN_WRK=()
if can_pin; then
  CPU0=(taskset -c 0)
  CPU1=(taskset -c 1)
  PIN_WRK=(taskset -c 1)
  PINNING='one instance: server on CPU 0, wrk on CPU 1; two instances: one per CPU, wrk unpinned; PostgreSQL unpinned'
else
  PINNING='none'
fi

build_dist
# The instances run with the command of `npm start` (bench/lib.sh), as users run them.
mapfile -t START < <(start_command)

read -r BARE_PORT SQLITE_PORT PG_A_PORT PG_B_PORT < <(free_ports 4)

# start <name> <port> <pin...> -- <env...>: starts an instance and prints its pid.
start_instance() {
  local name="$1" port="$2"; shift 2
  local pin=()
  while [ "$1" != -- ]; do pin+=("$1"); shift; done
  shift
  env -u DATABASE_URL -u DATABASE_SCHEMA "$@" PORT="$port" HOST="$HOST" LOG_LEVEL=warn PROJECTPLANE_ADMIN_PASSWORD="$ADMIN_PASSWORD" \
    "${pin[@]}" env "${START[@]}" dist/main.js >"$WORK/$name.log" 2>&1 &
  echo $!
}

"${CPU0[@]}" node "$BENCH_DIR/bare-server.mjs" "$BARE_PORT" >"$WORK/bare.log" 2>&1 &
BARE_PID=$!; PIDS+=("$BARE_PID")
mkdir -p "$WORK/data"
SQLITE_PID="$(start_instance sqlite "$SQLITE_PORT" "${CPU0[@]}" -- DATA_DIR="$WORK/data")"; PIDS+=("$SQLITE_PID")
# The second instance starts once the first has migrated and bootstrapped the schema.
PG_A_PID="$(start_instance pg-a "$PG_A_PORT" "${CPU0[@]}" -- DATABASE_URL="$DATABASE_URL" DATABASE_SCHEMA="$SCHEMA")"; PIDS+=("$PG_A_PID")
wait_http "http://$HOST:$PG_A_PORT/v3" "$PG_A_PID" 'PostgreSQL instance A'
PG_B_PID="$(start_instance pg-b "$PG_B_PORT" "${CPU1[@]}" -- DATABASE_URL="$DATABASE_URL" DATABASE_SCHEMA="$SCHEMA")"; PIDS+=("$PG_B_PID")
wait_http "http://$HOST:$PG_B_PORT/v3" "$PG_B_PID" 'PostgreSQL instance B'
wait_http "http://$HOST:$SQLITE_PORT/v3" "$SQLITE_PID" 'SQLite instance'
wait_http "http://$HOST:$BARE_PORT/" "$BARE_PID" bare-server
log "instances up; PostgreSQL schema $SCHEMA; pinning: $PINNING"

SQLITE_BASE="http://$HOST:$SQLITE_PORT"
PG_A="http://$HOST:$PG_A_PORT"
PG_B="http://$HOST:$PG_B_PORT"
SQLITE_TOKEN="$(admin_token "$SQLITE_BASE" "$ADMIN_PASSWORD")"
SQLITE_PROJECT="$(create_project "$SQLITE_BASE" "$SQLITE_TOKEN" cn-north-4_bench)"
# One token and one project for both PostgreSQL instances: B accepts what A issued.
PG_TOKEN="$(admin_token "$PG_A" "$ADMIN_PASSWORD")"
PG_PROJECT="$(create_project "$PG_A" "$PG_TOKEN" cn-north-4_bench)"
for base in "$PG_A" "$PG_B"; do
  code="$(curl -s -o /dev/null -w '%{http_code}' -H "X-Auth-Token: $PG_TOKEN" "$base/v3/projects/$PG_PROJECT")"
  [ "$code" = 200 ] || die "$base answered $code for the shared project"
done

export BENCH_DIR
RESULTS="$WORK/results.tsv"
: >"$RESULTS"
PATCH_BODY='{"project":{"description":"bench write #N#"}}'

# measure <scenario> <connections> <token> <pids,comma,separated> <url> [<url>...] -- [wrk args...]
# With several URLs the connections are split evenly across one wrk per URL, run at once; the
# line then sums their requests and errors and keeps the worse p50 and p99 of the runs.
measure() {
  local scenario="$1" conns="$2" token="$3" pids="$4"; shift 4
  local urls=()
  while [ "$1" != -- ]; do urls+=("$1"); shift; done
  shift
  local n="${#urls[@]}" per slug i c0=0 c1=0 t0 t1 cpu load json pin=("${PIN_WRK[@]}")
  per=$(( conns / n ))
  [ "$n" -gt 1 ] && pin=()
  slug="$(printf '%s' "$scenario" | tr -c 'A-Za-z0-9' '_')c$conns"
  run_all() {
    local duration="$1" prefix="$2" secs wrk_pids=() rc=0
    shift 2
    secs="$(seconds_of "$duration")"
    for i in "${!urls[@]}"; do
      BENCH_TOKEN="$token" timeout -k 5 $(( secs + 30 )) "${pin[@]}" wrk -t1 -c"$per" -d"$duration" --timeout 5s --latency \
        -H "X-Auth-Token: $token" "$@" "${urls[$i]}" >"$WORK/$prefix-$slug-$i.log" 2>&1 &
      wrk_pids+=($!)
    done
    for pid in "${wrk_pids[@]}"; do wait "$pid" || rc=$?; done
    [ "$rc" = 0 ] || { cat "$WORK/$prefix-$slug-"*.log >&2; die "wrk failed for $scenario"; }
  }
  if [ "$WARMUP_S" -gt 0 ]; then run_all "$WARMUP" warmup "$@"; fi
  for pid in ${pids//,/ }; do c0=$(( c0 + $(cpu_ticks "$pid") )); done
  t0="$(date +%s%N)"
  run_all "$DURATION" wrk "$@"
  t1="$(date +%s%N)"
  for pid in ${pids//,/ }; do c1=$(( c1 + $(cpu_ticks "$pid") )); done
  cpu="$(awk -v c="$(( c1 - c0 ))" -v hz="$CLK_TCK" -v ns="$(( t1 - t0 ))" 'BEGIN { printf "%.0f", 100 * c / hz / (ns / 1e9) }')"
  load="$(cut -d' ' -f1 /proc/loadavg)"
  json="$(for i in "${!urls[@]}"; do grep '^BENCH_JSON ' "$WORK/wrk-$slug-$i.log" | tail -1 | cut -d' ' -f2-; done | node -e '
    const runs = require("node:fs").readFileSync(0, "utf8").trim().split("\n").map((l) => JSON.parse(l))
    const sum = (k) => runs.reduce((s, r) => s + r[k], 0)
    const max = (k) => Math.max(...runs.map((r) => r[k]))
    const out = { ...runs[0] }
    for (const k of ["requests", "rps", "bytes", "connect", "read", "write", "timeout", "status", "socket_errors", "errors"]) out[k] = sum(k)
    for (const k of ["duration_us", "p50_us", "p90_us", "p99_us", "max_us", "mean_us"]) out[k] = max(k)
    console.log(JSON.stringify(out))')"
  printf '%s\t%s\t%s\t%s\t%s\n' "$scenario" "$conns" "$json" "$cpu" "$load" >>"$RESULTS"
  log "$(printf '%-48s c%-3s' "$scenario" "$conns") $(node -e 'const r = JSON.parse(process.argv[1]); console.log(`${r.rps.toFixed(0)} req/s, p99 ${(r.p99_us / 1000).toFixed(2)} ms, ${r.errors} errors`)' "$json"), instance CPU $cpu %"
}

GET_SQLITE='GET /v3/projects/{id} SQLite'
GET_PG1='GET /v3/projects/{id} PostgreSQL, 1 instance'
GET_PG2='GET /v3/projects/{id} PostgreSQL, 2 instances'
PATCH_SQLITE='PATCH /v3/projects/{id} SQLite'
PATCH_PG1='PATCH /v3/projects/{id} PostgreSQL, 1 instance'
PATCH_PG2='PATCH /v3/projects/{id} PostgreSQL, 2 instances'

UPTIME_BEFORE="$(uptime)"
for c in $CONNECTIONS; do
  [ $(( c % 2 )) = 0 ] || die "connection counts must be even (two instances split them); got $c"
  measure 'bare GET' "$c" "$SQLITE_TOKEN" "$BARE_PID" "http://$HOST:$BARE_PORT/" -- -s "$BENCH_DIR/report.lua"
  measure "$GET_SQLITE" "$c" "$SQLITE_TOKEN" "$SQLITE_PID" "$SQLITE_BASE/v3/projects/$SQLITE_PROJECT" -- -s "$BENCH_DIR/report.lua"
  measure "$GET_PG1" "$c" "$PG_TOKEN" "$PG_A_PID" "$PG_A/v3/projects/$PG_PROJECT" -- -s "$BENCH_DIR/report.lua"
  measure "$GET_PG2" "$c" "$PG_TOKEN" "$PG_A_PID,$PG_B_PID" "$PG_A/v3/projects/$PG_PROJECT" "$PG_B/v3/projects/$PG_PROJECT" -- -s "$BENCH_DIR/report.lua"
  BENCH_METHOD=PATCH BENCH_BODY="$PATCH_BODY" measure "$PATCH_SQLITE" "$c" "$SQLITE_TOKEN" "$SQLITE_PID" "$SQLITE_BASE/v3/projects/$SQLITE_PROJECT" -- -s "$BENCH_DIR/write.lua"
  BENCH_METHOD=PATCH BENCH_BODY="$PATCH_BODY" measure "$PATCH_PG1" "$c" "$PG_TOKEN" "$PG_A_PID" "$PG_A/v3/projects/$PG_PROJECT" -- -s "$BENCH_DIR/write.lua"
  BENCH_METHOD=PATCH BENCH_BODY="$PATCH_BODY" measure "$PATCH_PG2" "$c" "$PG_TOKEN" "$PG_A_PID,$PG_B_PID" "$PG_A/v3/projects/$PG_PROJECT" "$PG_B/v3/projects/$PG_PROJECT" -- -s "$BENCH_DIR/write.lua"
done
UPTIME_AFTER="$(uptime)"

# The PATCHes were real writes on both stores.
for check in "$SQLITE_BASE/v3/projects/$SQLITE_PROJECT $SQLITE_TOKEN" "$PG_B/v3/projects/$PG_PROJECT $PG_TOKEN"; do
  read -r url token <<<"$check"
  case "$(curl -s --max-time 10 -H "X-Auth-Token: $token" "$url")" in
    *'"description":"bench write '*) ;;
    *) die "after the PATCH runs $url does not hold a benchmark description" ;;
  esac
done
for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null || die "a server died during the run"; done

sorted="$WORK/sorted.tsv"
for s in 'bare GET' "$GET_SQLITE" "$GET_PG1" "$GET_PG2" "$PATCH_SQLITE" "$PATCH_PG1" "$PATCH_PG2"; do
  awk -F'\t' -v s="$s" '$1 == s' "$RESULTS" | sort -t$'\t' -k2,2n
done >"$sorted"

echo
echo "projectplane scale-out benchmark — wrk -t1 per instance, $DURATION per line (after $WARMUP warm-up)"
echo "pinning: $PINNING"
echo "machine: $(nproc) CPUs, node $(node --version), $(psql -At "$DATABASE_URL" -c 'show server_version'), $(uname -sr)"
echo "load before: $UPTIME_BEFORE"
echo "load after:  $UPTIME_AFTER"
echo
node "$BENCH_DIR/report.mjs" "$sorted" || true
if [ -n "${RESULTS_MD:-}" ]; then
  {
    echo "- wrk -t1 per instance, \`$DURATION\` per line after a \`$WARMUP\` warm-up; pinning: $PINNING"
    echo "- machine: $(nproc) CPUs, node $(node --version), PostgreSQL $(psql -At "$DATABASE_URL" -c 'show server_version'), $(uname -sr)"
    echo "- load before: \`$(echo "$UPTIME_BEFORE" | sed 's/^ *//')\`"
    echo "- load after: \`$(echo "$UPTIME_AFTER" | sed 's/^ *//')\`"
    echo
    node "$BENCH_DIR/report.mjs" "$sorted" --markdown || true
  } >"$RESULTS_MD"
  log "wrote $RESULTS_MD"
fi
exit 0

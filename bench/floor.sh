#!/usr/bin/env bash
# The floor of the stack beside projectplane: `bash bench/floor.sh [rounds]`.
#
# Issue 19 asks writes to reach 40 % of a bare node:http server and says a minimal node:http +
# better-sqlite3 server doing the same durable work reaches 60-65 %. This measures that floor
# (bench/floor-server.mjs) on this machine, on a store projectplane created, side by side with the
# bare server and with projectplane itself, so a target can be read against what the stack allows.
#
# Each round: projectplane (as npm start runs it), then the floor server on the same store, then
# the same floor with SQLite's checkpoints off (FLOOR_WAL_AUTOCHECKPOINT=0, PATCH only: an upper
# bound, the WAL grows without end), then the bare server; one at a time on CPU 0 with wrk on
# CPU 1, GET and PATCH /v3/projects/{id} at 1 and 32 connections (bench/write.lua: a new
# description every request). Prints req/s, p99 and the ratio to that round's bare GET at the
# same connection count.
#
# Environment: DURATION=5s, WARMUP=1s, BENCH_SKIP_BUILD=1 (use the existing dist/);
# BENCH_DATABASE_URL=postgres://… runs projectplane and the floor on PostgreSQL instead (a fresh
# schema, dropped at the end; no checkpoint-free line there).
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
cd "$ROOT"
ROUNDS="${1:-2}"
DURATION="${DURATION:-5s}"
WARMUP="${WARMUP:-1s}"
ADMIN_PASSWORD='Bench-Password-1!'
WORK="$(mktemp -d "${TMPDIR:-/tmp}/projectplane-floor.XXXXXX")"
SERVER_PID=''
WRK_PID=''
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
SCHEMA="floor_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
STORE=(DATA_DIR="$WORK/data")
FLOOR_STORE=(FLOOR_DATA_DIR="$WORK/data")
if [ -n "${BENCH_DATABASE_URL:-}" ]; then
  STORE+=(DATABASE_URL="$BENCH_DATABASE_URL" DATABASE_SCHEMA="$SCHEMA")
  FLOOR_STORE=(FLOOR_DATABASE_URL="$BENCH_DATABASE_URL" FLOOR_SCHEMA="$SCHEMA")
fi
drop_schema() {
  [ -z "${BENCH_DATABASE_URL:-}" ] || psql -q "$BENCH_DATABASE_URL" -c "set client_min_messages = warning; drop schema if exists $SCHEMA cascade" >/dev/null || true
}
trap 'stop_pid "$WRK_PID"; stop_pid "$SERVER_PID"; drop_schema; rm -rf "$WORK"' EXIT
trap 'log "interrupted"; exit 2' INT TERM
PIN_SERVER=(); PIN_WRK=()
if can_pin; then PIN_SERVER=(taskset -c 0); PIN_WRK=(taskset -c 1); fi
build_dist
mapfile -t START < <(start_command)
read -r PORT < <(free_ports 1)
BASE="http://127.0.0.1:$PORT"
export BENCH_DIR BENCH_METHOD=PATCH BENCH_BODY='{"project":{"description":"bench #N#"}}'

start() {
  "$@" >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  wait_http "$BASE/" "$SERVER_PID" "$1"
}
start_projectplane() {
  start env "${STORE[@]}" PORT="$PORT" LOG_LEVEL=warn PROJECTPLANE_ADMIN_PASSWORD="$ADMIN_PASSWORD" "${PIN_SERVER[@]}" env "${START[@]}" dist/main.js
}
stop() { stop_pid "$SERVER_PID"; SERVER_PID=''; }

# measure <label> <connections> GET|PATCH: one line "label conns method req/s p99".
measure() {
  local label="$1" conns="$2" method="$3" url="$BASE/v3/projects/$PROJECT" args=(-H "X-Auth-Token: $TOKEN")
  [ "$method" = PATCH ] && args=(-s "$BENCH_DIR/write.lua")
  [ "$WARMUP" = 0 ] || run_wrk "$WARMUP" "$conns" "$WORK/warmup.txt" "$url" "${args[@]}"
  run_wrk "$DURATION" "$conns" "$WORK/wrk.txt" "$url" "${args[@]}"
  if grep -q 'Non-2xx' "$WORK/wrk.txt"; then cat "$WORK/wrk.txt" >&2; die "$label $method answered errors"; fi
  printf '%s %s %s %s %s %s\n' "$ROUND" "$label" "$conns" "$method" \
    "$(awk '/Requests\/sec/ { print int($2) }' "$WORK/wrk.txt")" "$(awk '$1 == "99%" { print $2 }' "$WORK/wrk.txt")"
}

start_projectplane
TOKEN="$(admin_token "$BASE" "$ADMIN_PASSWORD")"
export BENCH_TOKEN="$TOKEN"
PROJECT="$(create_project "$BASE" "$TOKEN" cn-north-4_floor)"
stop

for ROUND in $(seq 1 "$ROUNDS"); do
  start_projectplane
  for c in 1 32; do measure projectplane "$c" GET; measure projectplane "$c" PATCH; done
  stop
  start env "${FLOOR_STORE[@]}" FLOOR_TOKEN="$TOKEN" "${PIN_SERVER[@]}" node bench/floor-server.mjs "$PORT"
  for c in 1 32; do measure floor "$c" GET; measure floor "$c" PATCH; done
  stop
  if [ -z "${BENCH_DATABASE_URL:-}" ]; then
    start env "${FLOOR_STORE[@]}" FLOOR_TOKEN="$TOKEN" FLOOR_WAL_AUTOCHECKPOINT=0 "${PIN_SERVER[@]}" node bench/floor-server.mjs "$PORT"
    for c in 1 32; do measure floor-no-checkpoints "$c" PATCH; done
    stop
  fi
  start "${PIN_SERVER[@]}" node bench/bare-server.mjs "$PORT"
  for c in 1 32; do measure bare "$c" GET; done
  stop
done >"$WORK/lines.txt"

# The table: each line against the bare GET of its round and connection count.
node -e '
  const lines = require("node:fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => l.split(" "))
  console.log("| round | server | connections | method | req/s | p99 | vs bare GET |")
  console.log("|---|---|---:|---|---:|---:|---:|")
  for (const [round, label, conns, method, rate, p99] of lines) {
    const bare = lines.find((l) => l[0] === round && l[1] === "bare" && l[2] === conns)
    console.log(`| ${round} | ${label} | ${conns} | ${method} | ${rate} | ${p99} | ${(100 * rate / bare[4]).toFixed(1)} % |`)
  }' "$WORK/lines.txt"

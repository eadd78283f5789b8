#!/usr/bin/env bash
# GET /v3/projects/{id} of two built trees, alternating: `bash bench/ab-get.sh <tree A> <tree B> [rounds]`.
# `AB_METHOD=PATCH` measures PATCH /v3/projects/{id} instead (bench/write.lua: a new description
# each request, so every request is a real write with its trace).
#
# Each round starts tree A's dist/main.js, then tree B's, each alone (server on CPU 0, wrk on
# CPU 1, 32 connections, a 2 s warm-up, then 5 s measured), and prints one line per run. Both
# trees must be built (`npm run build`, or tsc only). A and B alternate because this VM's GET
# throughput is bimodal from one server start to the next (see RESULTS.md): only many runs,
# side by side, tell a change from luck.
# `AB_DATABASE_URL=postgres://…` runs both trees on PostgreSQL instead, each run in a fresh schema
# (dropped after it). `AB_ENV_A` / `AB_ENV_B` (space-separated NAME=value) add environment to one
# side's server, to compare settings of one tree, e.g.
# `AB_METHOD=PATCH AB_ENV_A=SQLITE_CHECKPOINTS=inline bash bench/ab-get.sh . . 4`.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 <tree A> <tree B> [rounds]" >&2; exit 2; }
ROUNDS="${3:-10}"
ADMIN_PASSWORD='Bench-Password-1!'
BENCH_DIR="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
AB_METHOD="${AB_METHOD:-GET}"

one_run() {
  local tree="$1" extra="$2" port dir pid token project rate
  port=$((20000 + RANDOM % 20000)); dir="$(mktemp -d)"
  local store=() schema="ab_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
  if [ -n "${AB_DATABASE_URL:-}" ]; then store=(DATABASE_URL="$AB_DATABASE_URL" DATABASE_SCHEMA="$schema"); fi
  # shellcheck disable=SC2206 # NAME=value words, split on purpose
  store+=($extra)
  # Each tree runs with the command of its own `npm start` (bench/lib.sh), as users run it.
  local start
  mapfile -t start < <(ROOT="$(cd "$tree" && pwd)" start_command)
  (cd "$tree" && exec env "${store[@]}" DATA_DIR="$dir" PORT="$port" LOG_LEVEL=warn PROJECTPLANE_ADMIN_PASSWORD="$ADMIN_PASSWORD" taskset -c 0 env "${start[@]}" dist/main.js >/dev/null 2>&1) &
  pid=$!
  for _ in $(seq 1 200); do curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done
  token="$(curl -si "http://127.0.0.1:$port/v3/auth/tokens?nocatalog" -H 'Content-Type: application/json' \
    -d "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"admin\",\"password\":\"$ADMIN_PASSWORD\",\"domain\":{\"name\":\"projectplane\"}}}},\"scope\":{\"domain\":{\"name\":\"projectplane\"}}}}" \
    | awk 'tolower($1) == "x-subject-token:" { print $2 }' | tr -d '\r')"
  project="$(curl -s -X POST "http://127.0.0.1:$port/v3/projects" -H "X-Auth-Token: $token" -H 'Content-Type: application/json' \
    -d '{"project":{"name":"cn-north-4_bench"}}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).project.id')"
  local wrk_args=(-H "X-Auth-Token: $token")
  if [ "$AB_METHOD" = PATCH ]; then wrk_args=(-s "$BENCH_DIR/write.lua"); fi
  export BENCH_DIR BENCH_TOKEN="$token" BENCH_METHOD=PATCH BENCH_BODY='{"project":{"description":"bench #N#"}}'
  taskset -c 1 wrk -t1 -c32 -d2s "${wrk_args[@]}" "http://127.0.0.1:$port/v3/projects/$project" >/dev/null
  rate="$(taskset -c 1 wrk -t1 -c32 -d5s "${wrk_args[@]}" "http://127.0.0.1:$port/v3/projects/$project" | awk '/Requests\/sec/ { print int($2) }')"
  kill "$pid"; wait "$pid" 2>/dev/null || true; rm -rf "$dir"
  if [ -n "${AB_DATABASE_URL:-}" ]; then psql -q "$AB_DATABASE_URL" -c "set client_min_messages = warning; drop schema if exists $schema cascade" >/dev/null; fi
  echo "$rate"
}

for round in $(seq 1 "$ROUNDS"); do
  printf 'round %s  A %s  B %s\n' "$round" "$(one_run "$1" "${AB_ENV_A:-}")" "$(one_run "$2" "${AB_ENV_B:-}")"
done

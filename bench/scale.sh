#!/usr/bin/env bash
# Memory and speed with a million rows (issue 19): builds dist/ (unless BENCH_SKIP_BUILD=1), then
# bench/scale.mjs loads 1M projects, 100k enterprise projects and 1M traces into one account of a
# temporary SQLite store through bench/scale-load.mjs and measures start-up, RSS while listing
# everything, page latencies and GET/PATCH p50 at 1k vs 1M rows. Prints a table with PASS/FAIL.
# Environment: PROJECTS, EPS, TRACES, SMALL, N, BENCH_PORT, KEEP_DATA (see bench/scale.mjs).
# About 3 minutes on a 2-vCPU VM.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
source bench/lib.sh
build_dist
log "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
# The server runs with the command of `npm start` (bench/lib.sh), as users run it.
mapfile -t START < <(ROOT="$PWD" start_command)
SERVER_COMMAND="${START[*]}" node bench/scale.mjs
log "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

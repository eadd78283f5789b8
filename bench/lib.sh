# Shell functions shared by the benchmark scripts (bench/run.sh, bench/scale-out.sh). Sourced,
# not run. Expects WORK (a scratch folder), PIN_WRK (an array, possibly empty) and WRK_PID.

log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 2; }

stop_pid() {
  local pid="$1"
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

# wrk duration ("10s", "1m", "500ms" not supported by wrk) to whole seconds, for time bounds.
seconds_of() {
  local d="$1"
  case "$d" in
    *h) echo $(( ${d%h} * 3600 )) ;;
    *m) echo $(( ${d%m} * 60 )) ;;
    *s) echo $(( ${d%s} )) ;;
    *) echo $(( d )) ;;
  esac
}

# Waits until the URL answers with any HTTP status (bounded: 20 s), and the process is alive.
wait_http() {
  local url="$1" pid="$2" name="$3"
  for _ in $(seq 1 200); do
    kill -0 "$pid" 2>/dev/null || { cat "$WORK"/*.log >&2 || true; die "$name exited during start-up"; }
    if curl -s -o /dev/null --max-time 1 "$url"; then return 0; fi
    sleep 0.1
  done
  die "$name did not answer on $url within 20 s"
}

# run_wrk <duration> <connections> <log> <url> [wrk args...]; runs wrk in the background so the
# trap can stop it, bounded by `timeout` at duration + 30 s.
run_wrk() {
  local duration="$1" conns="$2" out="$3" url="$4"; shift 4
  local secs rc=0
  secs="$(seconds_of "$duration")"
  timeout -k 5 $(( secs + 30 )) "${PIN_WRK[@]}" wrk -t1 -c"$conns" -d"$duration" --timeout 5s --latency \
    "$@" "$url" >"$out" 2>&1 &
  WRK_PID=$!
  wait "$WRK_PID" || rc=$?
  WRK_PID=''
  [ "$rc" = 0 ] || { cat "$out" >&2; die "wrk exited with status $rc"; }
}

CLK_TCK="$(getconf CLK_TCK)"
# CPU time (ticks, user + system, all threads) used so far by a process.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# Two or more free ports on 127.0.0.1 (asked of the kernel, then released), on one line.
free_ports() {
  node -e '
    const net = require("node:net")
    const get = () => new Promise((ok) => { const s = net.createServer(); s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => ok(p)) }) })
    Promise.all(Array.from({ length: Number(process.argv[1]) }, get)).then((ports) => console.log(ports.join(" ")))' "$1"
}

# admin_token <base url> <password>: a domain-scoped token of the bootstrap admin (account projectplane).
admin_token() {
  local base="$1" password="$2" status token
  status="$(curl -s --max-time 10 -o "$WORK/token.json" -D "$WORK/token.headers" -w '%{http_code}' \
    -H 'Content-Type: application/json' -X POST "$base/v3/auth/tokens" \
    -d "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"admin\",\"password\":\"$password\",\"domain\":{\"name\":\"projectplane\"}}}},\"scope\":{\"domain\":{\"name\":\"projectplane\"}}}}")" \
    || die "token request failed"
  [ "$status" = 201 ] || { cat "$WORK/token.json" >&2; die "token request answered $status"; }
  token="$(grep -i '^x-subject-token:' "$WORK/token.headers" | head -1 | cut -d: -f2- | tr -d ' \r\n')"
  [ -n "$token" ] || die "no X-Subject-Token in the token response"
  printf '%s' "$token"
}

# create_project <base url> <token> <name>: prints the new project's id.
create_project() {
  local base="$1" token="$2" name="$3" status
  status="$(curl -s --max-time 10 -o "$WORK/project.json" -w '%{http_code}' -X POST "$base/v3/projects" \
    -H "X-Auth-Token: $token" -H 'Content-Type: application/json' -d "{\"project\":{\"name\":\"$name\"}}")" \
    || die "project creation failed"
  [ "$status" = 201 ] || { cat "$WORK/project.json" >&2; die "project creation answered $status"; }
  node -e 'console.log(JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8")).project.id)' "$WORK/project.json"
}

# True when taskset can pin to CPUs 0 and 1 and BENCH_NO_PIN is unset.
can_pin() {
  [ -z "${BENCH_NO_PIN:-}" ] && command -v taskset >/dev/null && taskset -c 0 true 2>/dev/null && taskset -c 1 true 2>/dev/null
}

# Builds dist/ unless BENCH_SKIP_BUILD is set.
build_dist() {
  if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
    log "building"
    timeout 300 npm run -s build >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; die "build failed"; }
  fi
  [ -f dist/main.js ] || die "dist/main.js missing; build first"
}

# The command `npm start` runs the server with (package.json's start script), up to dist/main.js:
# its environment settings, `node` and node's flags, one word a line, so the benchmarks measure
# the server as users run it: `mapfile -t START < <(start_command)`, then
# `env "${START[@]}" dist/main.js`.
start_command() {
  node -e '
    const start = require(process.argv[1]).scripts.start
    const m = /&& ((?:[A-Z_]+=\S+ )*)node ((?:--\S+ )*)dist\/main\.js/.exec(start)
    if (!m) { console.error("bench: cannot read the command of the start script: " + start); process.exit(1) }
    for (const word of [...m[1].trim().split(/\s+/), "node", ...m[2].trim().split(/\s+/)].filter(Boolean)) console.log(word)' "$ROOT/package.json"
}

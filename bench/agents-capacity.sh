#!/usr/bin/env bash
# Benchmark (issue 3): how many agents one server holds on this machine at one heartbeat per 10 s
# with a p99 heartbeat round trip under 100 ms, and the server's memory per agent.
#
# usage: bench/agents-capacity.sh [MAX_AGENTS] [STEP_SECONDS]
#   MAX_AGENTS   largest step (default 30000); the ladder is 2k, 5k, 10k, 15k, 20k, 25k, 30k, 40k,
#                50k, 75k, 100k up to it, then MAX_AGENTS itself. STEPS="1000,3000" overrides it.
#   STEP_SECONDS how long each step is held and measured (default 60). Smoke run: `... 2000 10`.
#   CONNECT_RATE new connections per second while ramping, at most (default 200); IN_FLIGHT caps the
#   connects under way (default 128), so the ramp runs at what the machine's TLS handshakes allow.
#   SERVER_HEAP / DRIVER_HEAP -Xmx of the two JVMs (default 4g / 6g); SERVER_JAVA_OPTS and
#   DRIVER_JAVA_OPTS add JVM flags (the driver defaults to -XX:+UseZGC).
#   PAST_BAR=1 keeps stepping after a step misses the p99 bar (still stops when agents fail).
#   ENROLL_ONLY=1 stops after enrolling (with BENCH_DATA, to prepare a later run).
#   BENCH_DATA=DIR keeps the server data directory and the enrolled identities in DIR and reuses
#   them on the next run (enrolling 20k agents through the API takes a while).
#
# One server JVM (the real `visorfleet server run`, embedded H2, heartbeatSeconds=10,
# unreachableAfterSeconds=35) and one driver JVM (bench/src: N real ServerLinks on virtual threads,
# each with its own certificate, enrolled through the real API). Both share the machine. Each agent
# reaches the server through its own loopback address 127.A.B.C, which picks its certificate and keeps
# the 4-tuples distinct. The steps stop at the first that misses the bar, and at the open-files limit
# (every agent is one socket in each JVM). Prints a markdown table for docs/performance.md.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
max="${1:-30000}"
hold="${2:-60}"
rate="${CONNECT_RATE:-200}"
in_flight="${IN_FLIGHT:-128}"
server_heap="${SERVER_HEAP:-4g}"
driver_heap="${DRIVER_HEAP:-6g}"
# The driver is the measuring instrument: ZGC keeps its own pauses out of the round trips. The
# server runs with the launcher's flags (default collector, G1) unless SERVER_JAVA_OPTS adds some.
read -r -a server_opts <<<"${SERVER_JAVA_OPTS:-}"
read -r -a driver_opts <<<"${DRIVER_JAVA_OPTS:--XX:+UseZGC}"
past_bar="${PAST_BAR:-0}"
admin_password="bench-admin-password"

# Both JVMs hold one socket per agent. The hard limit may be below what we ask (a container without
# CAP_SYS_RESOURCE): then take the hard limit and cap the steps under it.
ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)"
nofile="$(ulimit -n)"
fd_cap=$((nofile - 600)) # JVM, jars, database, selectors and sockets still closing

if [ -n "${STEPS:-}" ]; then
  steps="$STEPS"
else
  steps=""
  for n in 2000 5000 10000 15000 20000 25000 30000 40000 50000 75000 100000; do
    [ "$n" -lt "$max" ] && steps="$steps,$n"
  done
  steps="${steps#,},$max"
  steps="${steps#,}"
fi
capped=""
for n in ${steps//,/ }; do
  if [ "$n" -gt "$fd_cap" ]; then
    echo "note: open-files limit is $nofile per process; capping the step $n at $fd_cap agents" >&2
    n="$fd_cap"
  fi
  case ",$capped," in *",$n,"*) ;; *) capped="$capped,$n" ;; esac
done
steps="${capped#,}"
largest="${steps##*,}"

"$here/visorfleet" --version >/dev/null # builds the installer if stale
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
javac="$(dirname "$java")/javac"
cp="$here/installer/target/visorfleet.jar:$here/installer/target/lib/*"
jvm_flags=(--enable-native-access=ALL-UNNAMED
  -Djava.util.logging.manager=org.visorfleet.cli.CliLogManager
  '-Djava.util.logging.SimpleFormatter.format=%1$tF %1$tT %4$s %5$s%6$s%n')

work="$(mktemp -d /tmp/vf-agents.XXXXXX)"
data="${BENCH_DATA:-$work/data}"
identities="$data/bench-identities.tsv"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

"$javac" -nowarn -d "$work/classes" -cp "$cp" "$here"/bench/src/org/visorfleet/bench/*.java 2>&1 | grep -v '^Note:' || true
[ -f "$work/classes/org/visorfleet/bench/AgentsCapacity.class" ] || { echo "driver did not compile" >&2; exit 1; }
driver=("$java" -Xmx"$driver_heap" "${driver_opts[@]}" -cp "$work/classes:$cp" org.visorfleet.bench.AgentsCapacity)

start_server() {
  "$java" "${jvm_flags[@]}" -Xmx"$server_heap" "${server_opts[@]}" -Xlog:gc:file="$work/gc-$1.log" -cp "$cp" \
    org.visorfleet.cli.Main server run --data "$data" --https-port 0 --ssh-port 0 --boot-http-port 0 --bind 0.0.0.0 >"$work/server-$1.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 150); do
    port="$(sed -n 's|.*listening on https://[^:]*:\([0-9]*\).*|\1|p' "$work/server-$1.log" 2>/dev/null || true)"
    [ -n "$port" ] && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.2
  done
  echo "server did not start:" >&2
  cat "$work/server-$1.log" >&2
  exit 1
}

stop_server() {
  kill "$server_pid" && wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

if [ ! -f "$identities" ] || [ "$(wc -l <"$identities")" -lt "$largest" ]; then
  rm -rf "$data"
  "$java" "${jvm_flags[@]}" -cp "$cp" org.visorfleet.cli.Main server init --data "$data" \
    --admin-password "$admin_password" --hostname 127.0.0.1 >/dev/null
  jq '.heartbeatSeconds = 10 | .unreachableAfterSeconds = 35' "$data/server.json" >"$work/server.json"
  mv "$work/server.json" "$data/server.json"
  start_server enroll
  "${driver[@]}" enroll "https://127.0.0.1:$port" "$data/ca.pem" "$admin_password" "$largest" "$identities"
  stop_server # the measured server starts fresh, with the fleet enrolled
fi
[ -n "${ENROLL_ONLY:-}" ] && exit 0

start_server run
cores="$(nproc)"
echo "server pid $server_pid (-Xmx$server_heap ${server_opts[*]}), driver -Xmx$driver_heap ${driver_opts[*]}, $cores cores, open files $nofile," \
  "steps $steps, hold ${hold} s, at most $rate connects/s ($in_flight in flight), heartbeat $(jq .heartbeatSeconds "$data/server.json") s"
"${driver[@]}" ramp "$port" "$data/ca.pem" "$identities" "$server_pid" "$steps" "$hold" "$rate" "$in_flight" "$past_bar"
if grep -q -E 'WARN|SEVERE|Exception' "$work/server-run.log"; then
  echo "server log warnings:"
  grep -E 'WARN|SEVERE|Exception' "$work/server-run.log" | sort | uniq -c | sort -rn | head -20
fi
echo "GC pauses in the server (longest 5):"
grep -o 'Pause[^)]*) [0-9.]*ms\|Pause.* [0-9.]*ms' "$work/gc-run.log" | awk '{print $NF, $0}' | sort -rn | head -5 | cut -d' ' -f2-

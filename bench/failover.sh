#!/usr/bin/env bash
# Failover latency: two visorfleet servers on one PostgreSQL (a private cluster started by the
# test), ten real agents on the first; SIGKILL the first and time until every agent is online on
# the second. Runs e2e's FailoverTest REPS times with the product's bar (p99 under 1 s) and prints
# each run's figures. Run on a quiet machine: the figure is CPU-bound (TLS handshakes, a cold JVM).
#
#   bench/failover.sh [REPS]        (root, PostgreSQL server binaries installed)
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-5}
for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do
  if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ]; then export JAVA_HOME=$candidate; break; fi
done
./mvnw -q -B -o install -DskipTests -Dspotless.check.skip=true -pl e2e -am >/dev/null
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for i in $(seq 1 "$reps"); do
  if ./mvnw -q -B -o surefire:test -pl e2e -Dtest=FailoverTest#agentsFailOverWhenTheirServerDies -Dsurefire.failIfNoSpecifiedTests=false \
      -Dsurefire.argLine="--enable-native-access=ALL-UNNAMED -Dfailover.bar.ms=1000" >"$log" 2>&1; then
    verdict=pass
  else
    verdict=FAIL
  fi
  echo "run $i ($verdict): $(grep -h -o 'failover of .*' "$log" | head -1)"
done

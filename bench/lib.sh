# Shared by the bench/ scripts: the project's pinned Node (scripts/env.sh), the machine line, a quiet-machine wait,
# building the bench module (root profile `bench`, never part of `./mvnw verify`) and a whole-process timer that
# repeats runs and prints median, min and max.
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/scripts/env.sh"
cd "$ROOT"
RESULTS="$ROOT/bench/results"
mkdir -p "$RESULTS"

machine() {
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),"\
    "$(java -version 2>&1 | head -1), Node $(node --version), CDK CLI $(cdk --version 2>/dev/null | cut -d' ' -f1),"\
    "load $(cut -d' ' -f1-3 /proc/loadavg)"
}

# Figures are only clean on an idle machine: wait (bounded) while another build or JVM runs.
wait_quiet() {
  local waited=0 limit=${BENCH_WAIT_SECONDS:-600}
  while pgrep -f 'maven|surefire|java ' >/dev/null; do
    if [ "$waited" -ge "$limit" ]; then
      echo "warning: other Java/Maven processes still running after ${limit}s; figures may be noisy:" >&2
      pgrep -af 'maven|surefire|java ' | cut -c1-120 >&2
      return 0
    fi
    [ "$waited" = 0 ] && echo "waiting for other Java/Maven processes to finish (BENCH_WAIT_SECONDS=$limit)..." >&2
    sleep 5; waited=$((waited + 5))
  done
}

build_bench() {
  if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    echo "building the app and the bench module (mvn -P bench package -DskipTests)..." >&2
    ./mvnw -q -B -P bench -pl bench,infra -am package -DskipTests >&2
  fi
}

bench_classpath() {
  echo "$ROOT/bench/target/classes:$(cat "$ROOT/bench/target/bench.classpath")"
}

# now_ms: wall clock in milliseconds
now_ms() { date +%s%3N; }

# stats NAME < values (one per line, ms): "NAME  median X ms (min Y, max Z), n=N"
stats() {
  sort -n | awk -v name="$1" '{ v[NR] = $1 } END {
    if (NR == 0) { printf "%-34s no runs\n", name; exit }
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%-34s median %7.0f ms  (min %7.0f, max %7.0f, n=%d)\n", name, m, v[1], v[NR], NR }'
}

median() {
  sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) { print "nan"; exit } print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

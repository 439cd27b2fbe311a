#!/usr/bin/env bash
# What one HTTP output costs the webhook, and whether the output keeps up. In one run, alternating A B A B
# (this machine is noisy: compare within a pair), the gateway is started on a fresh database
#   none - with no output
#   http - with one HTTP output (FORWARD_URL) pointing at a minimal local receiver (Node.js, answers 200)
#   batch - the same output with batch-size BENCH_BATCH_SIZE (20): up to 20 of a session's events per request
# and driven with bench/webhook-mix.lua at one concurrency after a warm-up. For "http" it also reads the outbox
# backlog right after the load and how long it takes to drain: a backlog that is back to 0 within a few seconds
# kept up. Prints per round webhook req/s and, per accepted event, the CPU of each process on the machine: the
# gateway's intake threads (web, archive writers), its output threads (outbox lanes and attempts), the JVM's own
# (JIT compilers, GC), PostgreSQL's and the receiver's. Throughput on this shared 2-core machine swings with
# whatever else runs; CPU per event moves much less, so http/none is given both ways.
# The warm-up is long on purpose: with 30 s the C2 compiler was still compiling the output's path during the
# measurement (a third of the gateway's CPU), which made the output look twice as expensive as it is.
#
#   bench/output-cost.sh [JAR] [warmup seconds, 120] [concurrency, 64] [rounds, 2] [seconds, 15]
# env: BENCH_MODES ("none http batch"), BENCH_BATCH_SIZE (20), BENCH_SINK_PORT (18082) and those of bench/common.sh
set -euo pipefail
cd "$(dirname "$0")/.."
jar=${1:-}
warmup=${2:-120}
conc=${3:-64}
rounds=${4:-2}
seconds=${5:-15}
sink_port=${BENCH_SINK_PORT:-18082}
source bench/common.sh
command -v node >/dev/null || { echo "Node.js is needed for the receiving endpoint" >&2; exit 1; }

if [[ -z $jar ]]; then
  ./mvnw -q -B -DskipTests package
  jar=$(ls target/whatsapp-webhook-gateway-*.jar | grep -v original | head -n 1)
fi

node -e "require('http').createServer((q, s) => { q.resume(); q.on('end', () => s.end('ok')); }).listen($sink_port, '127.0.0.1')" &
sink_pid=$!
# start_gateway traps EXIT with cleanup: make that stop the receiver too, whatever ends the run.
eval "$(declare -f cleanup | sed '1s/cleanup/gateway_cleanup/')"
cleanup() { gateway_cleanup || true; kill "$sink_pid" 2>/dev/null || true; }
trap cleanup EXIT
sleep 0.5
kill -0 "$sink_pid" 2>/dev/null || { echo "the receiver could not start on port $sink_port" >&2; exit 1; }

rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
hz=$(getconf CLK_TCK)
ticks_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }
postgres_ticks() { # the server's processes, live ones and (through the postmaster's children counters) exited ones
  local pm; pm=$(pgrep -o -x postgres) || { echo 0; return; }
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v pm="$pm" '$1 == pm {s += $14 + $15 + $16 + $17} $4 == pm {s += $14 + $15} END {print s + 0}'
}
# the gateway's CPU by thread group: intake (Tomcat's and the archive writers' threads), outputs (outbox-*,
# output-*), jvm (everything else: JIT compilers, GC, Camel's schedulers)
thread_ticks() {
  for t in /proc/"$gateway_pid"/task/*; do
    printf '%s\t%s\n' "$(cat "$t/comm" 2>/dev/null)" "$(cut -d')' -f2- "$t/stat" 2>/dev/null | awk '{print $12 + $13}')"
  done | awk -F'\t' '$1 ~ /^http-nio|^archive-writer/ {i += $2; next} $1 ~ /^outbox-|^output-/ {o += $2; next} {j += $2}
                    END {printf "%d %d %d\n", i, o, j}'
}
accepted() { $psql -d "$db" -Atc "SELECT count(*) FROM wa_events"; }
backlog() { $psql -d "$db" -Atc "SELECT count(*) FROM wa_outbox" 2>/dev/null || echo "n/a"; }  # n/a: a build without the outbox

printf 'round\tmode\treq/s\tbacklog after load\tdrained in (s)\tms CPU per event: intake\toutputs\tjvm\tgateway\tpostgres\treceiver\tall three\n'
for r in $(seq 1 "$rounds"); do
  for mode in ${BENCH_MODES:-none http batch}; do
    args=(--gateway.outputs.delivery.retries=3)
    [[ $mode != none ]] && args+=(--gateway.outputs.http.default.url="http://127.0.0.1:$sink_port/hook")
    [[ $mode == batch ]] && args+=(--gateway.outputs.http.default.batch-size="${BENCH_BATCH_SIZE:-20}")
    start_gateway "$jar" wagw_outcost "${args[@]}"
    wrk_run "$conc" "$warmup" /api/whatsapp/webhook >/dev/null
    # the warm-up's deliveries drain before the measurement
    for _ in $(seq 1 120); do [[ $(backlog) =~ ^(0|n/a)$ ]] && break; sleep 0.5; done
    $psql -d "$db" -c CHECKPOINT >/dev/null 2>&1 || true
    read -r i0 o0 j0 < <(thread_ticks); p0=$(postgres_ticks); s0=$(ticks_of "$sink_pid"); e0=$(accepted)
    wrk_run "$conc" "$seconds" /api/whatsapp/webhook > "$work/wrk.txt"
    left=$(backlog); start=$SECONDS; drained=-
    if [[ $mode != none ]]; then
      for _ in $(seq 1 600); do [[ $(backlog) =~ ^(0|n/a)$ ]] && { drained=$(( SECONDS - start )); break; }; sleep 0.1; done
    fi
    # CPU counted until the backlog is delivered: the events' whole cost, whichever thread paid it and when
    read -r i1 o1 j1 < <(thread_ticks); p1=$(postgres_ticks); s1=$(ticks_of "$sink_pid"); e1=$(accepted)
    awk -v r="$r" -v m="$mode" -v rps="$(rps "$work/wrk.txt")" -v left="$left" -v dr="$drained" -v hz="$hz" \
        -v n=$(( e1 - e0 )) -v i=$(( i1 - i0 )) -v o=$(( o1 - o0 )) -v j=$(( j1 - j0 )) -v p=$(( p1 - p0 )) \
        -v s=$(( s1 - s0 )) 'function ms(t) { return n ? t * 1000 / hz / n : 0 }
      BEGIN { printf "%s\t%s\t%s\t%s\t%s\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\n", r, m, rps, left, dr,
              ms(i), ms(o), ms(j), ms(i + o + j), ms(p), ms(s), ms(i + o + j + p + s) }'
    gateway_cleanup || true; gateway_pid=""; db=""; work=""
  done
done

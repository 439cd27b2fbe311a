#!/usr/bin/env bash
# What one HTTP output costs the webhook, and whether the output keeps up. In one run, alternating A B A B
# (this machine is noisy: compare within a pair), the gateway is started on a fresh database
#   none - with no output
#   http - with one HTTP output (FORWARD_URL) pointing at a minimal local receiver (Node.js, answers 200)
# and driven with bench/webhook-mix.lua at one concurrency after a warm-up. For "http" it also reads the outbox
# backlog right after the load and how long it takes to drain: a backlog that is back to 0 within a few seconds
# kept up. Prints webhook req/s per round and http/none.
#
#   bench/output-cost.sh [JAR] [warmup seconds, 30] [concurrency, 64] [rounds, 2] [seconds, 10]
set -euo pipefail
cd "$(dirname "$0")/.."
jar=${1:-}
warmup=${2:-30}
conc=${3:-64}
rounds=${4:-2}
seconds=${5:-10}
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
backlog() { $psql -d "$db" -Atc "SELECT count(*) FROM wa_outbox" 2>/dev/null || echo "n/a"; }  # n/a: a build without the outbox

printf 'round\tmode\treq/s\tbacklog after load\tdrained in (s)\n'
for r in $(seq 1 "$rounds"); do
  for mode in none http; do
    args=(--gateway.outputs.delivery.retries=3)
    [[ $mode == http ]] && args+=(--gateway.outputs.http.default.url="http://127.0.0.1:$sink_port/hook")
    start_gateway "$jar" wagw_outcost "${args[@]}"
    wrk_run "$conc" "$warmup" /api/whatsapp/webhook >/dev/null
    # the warm-up's deliveries drain before the measurement
    for _ in $(seq 1 120); do [[ $(backlog) =~ ^(0|n/a)$ ]] && break; sleep 0.5; done
    $psql -d "$db" -c CHECKPOINT >/dev/null 2>&1 || true
    wrk_run "$conc" "$seconds" /api/whatsapp/webhook > "$work/wrk.txt"
    left=$(backlog); start=$SECONDS; drained=-
    if [[ $mode == http ]]; then
      for _ in $(seq 1 600); do [[ $(backlog) =~ ^(0|n/a)$ ]] && { drained=$(( SECONDS - start )); break; }; sleep 0.1; done
    fi
    printf '%s\t%s\t%s\t%s\t%s\n' "$r" "$mode" "$(rps "$work/wrk.txt")" "$left" "$drained"
    gateway_cleanup || true; gateway_pid=""; db=""; work=""
  done
done

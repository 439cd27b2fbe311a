#!/usr/bin/env bash
# What the shared rate limiter costs the webhook. In one run, alternating A B A B (this machine is noisy: compare
# within a pair), the gateway is started on a fresh PostgreSQL database with
#   memory   - RATE_LIMIT_STORE=memory: buckets in the process (one instance)
#   database - RATE_LIMIT_STORE=database: buckets in PostgreSQL, shared by every instance (the default there)
# and driven with bench/webhook-mix.lua after a warm-up. The benchmark's sender is one trusted address, as the
# WhatsApp server is: every request takes from the same bucket row, the hardest case for a shared store.
# Prints webhook req/s and the gateway's CPU per request for each round, and database/memory per pair.
#
#   bench/rate-limit-cost.sh [JAR] [warmup seconds, 30] [concurrency, 64] [rounds, 2] [seconds, 10]
set -euo pipefail
cd "$(dirname "$0")/.."
jar=${1:-}
warmup=${2:-30}
conc=${3:-64}
rounds=${4:-2}
seconds=${5:-10}
source bench/common.sh

bench_jar

rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
answered() { awk '/^STATUS 200 / {print $3}' "$1"; }
postgres_ticks() { # the server's processes, live ones and (through the postmaster's children counters) exited ones
  local pm; pm=$(pgrep -o -x postgres) || { echo 0; return; }
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v pm="$pm" '$1 == pm {s += $14 + $15 + $16 + $17} $4 == pm {s += $14 + $15} END {print s + 0}'
}
hz=$(getconf CLK_TCK)

printf 'round\tstore\treq/s\tgateway ms CPU/request\tpostgres ms CPU/request\n'
declare -A last
for r in $(seq 1 "$rounds"); do
  for store in memory database; do
    start_gateway "$jar" wagw_rlcost --gateway.rate-limit.store="$store"
    wrk_run "$conc" "$warmup" /api/whatsapp/webhook >/dev/null
    $psql -d "$db" -c CHECKPOINT >/dev/null 2>&1 || true
    g0=$(cpu_ticks); p0=$(postgres_ticks)
    wrk_run "$conc" "$seconds" /api/whatsapp/webhook > "$work/wrk.txt"
    g1=$(cpu_ticks); p1=$(postgres_ticks)
    n=$(answered "$work/wrk.txt")
    per() { awk -v t="$1" -v n="${n:-0}" -v hz="$hz" 'BEGIN { printf "%.3f", n ? t * 1000 / hz / n : 0 }'; }
    last[$store]=$(rps "$work/wrk.txt")
    printf '%s\t%s\t%s\t%s\t%s\n' "$r" "$store" "${last[$store]}" "$(per $((g1 - g0)))" "$(per $((p1 - p0)))"
    cleanup; trap - EXIT; gateway_pid=""; db=""; work=""
  done
  awk -v d="${last[database]}" -v m="${last[memory]}" -v r="$r" 'BEGIN { printf "round %s: database/memory = %.2f\n", r, d / m }'
done

#!/usr/bin/env bash
# CPU per request in steady state, for comparing builds: the gateway's own CPU and PostgreSQL's (all its
# processes) per answered request, after a long warm-up, in rounds of 10 s at one concurrency. Throughput on this
# shared 2-core machine swings with whatever else runs; CPU per request moves much less. Alternate the builds
# (A B A B) and compare the rounds.
#
#   bench/cpu-per-request.sh JAR [warm-up seconds (90)] [concurrency (64)] [rounds (3)]
# Same load, database and settings as bench/run.sh (bench/common.sh: fresh database, trusted sender, HMAC-signed mix).
set -euo pipefail
cd "$(dirname "$0")/.."
jar=$1; warmup=${2:-90}; c=${3:-64}; rounds=${4:-3}
source bench/common.sh

start_gateway "$jar" wagw_cpu
postgres_ticks() { # the server's processes, live ones and (through the postmaster's children counters) exited ones
  local pm; pm=$(pgrep -o -x postgres) || { echo 0; return; }
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v pm="$pm" '$1 == pm {s += $14 + $15 + $16 + $17} $4 == pm {s += $14 + $15} END {print s + 0}'
}
hz=$(getconf CLK_TCK)

wrk_run 64 "$warmup" /api/whatsapp/webhook >/dev/null
for r in $(seq 1 "$rounds"); do
  g0=$(cpu_ticks); p0=$(postgres_ticks)
  out=$(wrk_run "$c" 10 /api/whatsapp/webhook)
  g1=$(cpu_ticks); p1=$(postgres_ticks)
  ok=$(awk '/^STATUS 200 / {print $3}' <<<"$out")
  awk -v jar="$(basename "$jar")" -v c="$c" -v ok="${ok:-0}" -v g=$((g1 - g0)) -v p=$((p1 - p0)) -v hz="$hz" \
      -v rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")" -v p99="$(awk '/ 99%/ {print $2}' <<<"$out")" \
    'BEGIN { printf "%s c%d: %s req/s, p99 %s, gateway %.3f ms CPU/request, postgres %.3f ms CPU/request\n",
             jar, c, rps, p99, ok ? g * 1000 / hz / ok : 0, ok ? p * 1000 / hz / ok : 0 }'
done

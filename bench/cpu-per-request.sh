#!/usr/bin/env bash
# CPU per request in steady state, for comparing builds: the gateway's own CPU and PostgreSQL's (all its
# processes) per answered request, after a long warm-up, in rounds of 10 s at one concurrency. Throughput on this
# shared 2-core machine swings with whatever else runs; CPU per request moves much less. Alternate the builds
# (A B A B) and compare the rounds.
#
#   bench/cpu-per-request.sh JAR [warm-up seconds (90)] [concurrency (64)] [rounds (3)]
# Same load, database and settings as bench/run.sh (fresh database, trusted sender, HMAC-signed mix); needs wrk.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=$1; warmup=${2:-90}; c=${3:-64}; rounds=${4:-3}
pg_host=${BENCH_PG_HOST:-127.0.0.1}; pg_port=${BENCH_PG_PORT:-5432}; pg_user=${BENCH_PG_USER:-postgres}
port=${BENCH_PORT:-18080}
secret=bench-secret-$RANDOM
db=wagw_cpu_$(date +%s)_$RANDOM
psql="psql -q -X -h $pg_host -p $pg_port -U $pg_user"
$psql -d postgres -c "CREATE DATABASE $db" >/dev/null
work=$(mktemp -d)
pid=""
cleanup() {
  [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  $psql -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

DATABASE_URL="postgresql://$pg_user@$pg_host:$pg_port/$db" WHATSAPP_WEBHOOK_SECRET=$secret \
RATE_LIMIT_TRUSTED_SENDERS=127.0.0.1/32 RATE_LIMIT_TRUSTED_PER_MINUTE=1000000000 \
DATA_DIR=$work/data MEDIA_DIR=$work/media \
  java ${BENCH_JAVA_OPTS:-} -jar "$jar" --server.port="$port" --logging.level.root=WARN > "$work/gateway.log" 2>&1 &
pid=$!
for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$port/api/whatsapp/webhook" >/dev/null 2>&1 && break; sleep 0.25; done

load() { # concurrency seconds -> wrk output
  BENCH_SECRET=$secret BENCH_DIR=bench BENCH_SAMPLES=src/test/resources/samples BENCH_RUN=$RANDOM$RANDOM \
    wrk -t2 -c"$1" -d"$2s" --latency -s bench/webhook-mix.lua "http://127.0.0.1:$port"
}
gateway_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
postgres_ticks() { cat /proc/[0-9]*/stat 2>/dev/null | awk '$2 == "(postgres)" {s += $14 + $15} END {print s + 0}'; }
hz=$(getconf CLK_TCK)

load 64 "$warmup" >/dev/null
for r in $(seq 1 "$rounds"); do
  g0=$(gateway_ticks); p0=$(postgres_ticks)
  out=$(load "$c" 10)
  g1=$(gateway_ticks); p1=$(postgres_ticks)
  ok=$(awk '/^STATUS 200 / {print $3}' <<<"$out")
  awk -v jar="$(basename "$jar")" -v c="$c" -v ok="${ok:-0}" -v g=$((g1 - g0)) -v p=$((p1 - p0)) -v hz="$hz" \
      -v rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")" -v p99="$(awk '/ 99%/ {print $2}' <<<"$out")" \
    'BEGIN { printf "%s c%d: %s req/s, p99 %s, gateway %.3f ms CPU/request, postgres %.3f ms CPU/request\n",
             jar, c, rps, p99, ok ? g * 1000 / hz / ok : 0, ok ? p * 1000 / hz / ok : 0 }'
done

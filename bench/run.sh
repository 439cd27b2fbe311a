#!/usr/bin/env bash
# The benchmark: builds the gateway, starts it on a fresh PostgreSQL database, drives it over real HTTP with wrk
# (a separate process) at concurrency 1, 16, 64 and 256, and measures two baselines in the same run:
#   bare  - a Camel platform-http route in the same application that answers 200 and does nothing
#   db    - pgbench issuing the gateway's own statements for one message event (bench/db-baseline.sql)
# It prints requests/s, latency percentiles, answers by status, rows stored vs 200s, gateway CPU and peak RSS,
# and the gateway's throughput as a fraction of each baseline.
#
#   bench/run.sh            full run (~2.7 min after the build)
#   bench/run.sh --smoke    a few seconds at one concurrency; fails unless every 200 has its row (CI runs this)
#   bench/run.sh --jar J    use an already built jar (to compare builds); with --routes D, that build's routes
# env: BENCH_PG_HOST (127.0.0.1), BENCH_PG_PORT (5432), BENCH_PG_USER (postgres), BENCH_PORT (18080),
#      BENCH_JAVA_OPTS (bench/common.sh); BENCH_NODE_PORT (18081), BENCH_SECONDS (6 per measurement), BENCH_WARMUP (30)
set -euo pipefail
cd "$(dirname "$0")/.."

smoke=0
jar=""
routes=routes
while [[ $# -gt 0 ]]; do
  case "$1" in
    --smoke) smoke=1 ;;
    --jar) jar="$2"; shift ;;
    --routes) routes="$2"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

node_port=${BENCH_NODE_PORT:-18081}
seconds=${BENCH_SECONDS:-6}
warmup=${BENCH_WARMUP:-30}
levels=(1 16 64 256)
if [[ $smoke == 1 ]]; then
  seconds=3; warmup=2; levels=(4)
fi
source bench/common.sh
command -v pgbench >/dev/null || { echo "pgbench is needed (PostgreSQL client tools)" >&2; exit 1; }

bench_jar

start_gateway "$jar" wagw_bench \
  --camel.main.routes-include-pattern="file:$routes/*.yaml,file:bench/baseline-route.yaml"

node_ready() { # node and the receiver's one dependency (pg, from the committed lockfile)
  command -v node >/dev/null && command -v npm >/dev/null || return 1
  [[ -d bench/node-receiver/node_modules ]] || (cd bench/node-receiver && npm ci --no-audit --no-fund --silent)
}
if node_ready; then
  PORT=$node_port DATABASE_URL="postgresql://$pg_user@$pg_host:$pg_port/$db" WHATSAPP_WEBHOOK_SECRET=$secret \
    node bench/node-receiver/server.js > "$work/node.log" 2>&1 &
  node_pid=$!
  await_up "http://127.0.0.1:$node_port/" "$node_pid" "$work/node.log" 15
else
  echo "Node.js, npm or the pg package not available: the Node.js baseline is skipped" >&2
fi

rows() { $psql -d "$db" -Atc "SELECT count(*) FROM wa_events"; }
ticks_per_second=$(getconf CLK_TCK)

echo "warming up for ${warmup}s (JIT, pools) ..." >&2
wrk_run 64 "$warmup" /api/whatsapp/webhook >/dev/null
wrk_run 64 $(( warmup / 6 + 1 )) /bench/noop >/dev/null
[[ -n $node_pid ]] && wrk_run 64 $(( warmup / 6 + 1 )) / "http://127.0.0.1:$node_port" >/dev/null

# Each measurement that writes starts right after a checkpoint: the first change of a page after one costs
# PostgreSQL a full-page image in the WAL, so a checkpoint falling inside one measurement would tax only that one.
checkpoint() {
  if ! $psql -d "$db" -c CHECKPOINT >/dev/null 2>&1 && [[ -z ${checkpoint_warned:-} ]]; then
    checkpoint_warned=1
    echo "CHECKPOINT refused (needs a superuser or pg_checkpoint): measurements are not aligned to checkpoints" >&2
  fi
}

results=$work/results.tsv
for c in "${levels[@]}"; do
  echo "concurrency $c ..." >&2
  checkpoint
  before_rows=$(rows); before_cpu=$(cpu_ticks)
  wrk_run "$c" "$seconds" /api/whatsapp/webhook > "$work/gw-$c.txt"
  after_cpu=$(cpu_ticks); after_rows=$(rows)
  wrk_run "$c" "$seconds" /bench/noop > "$work/bare-$c.txt"
  checkpoint
  # PostgreSQL's default max_connections is 100 and the gateway holds its own pool: the database baseline stops at 60 clients.
  pgbench -h "$pg_host" -p "$pg_port" -U "$pg_user" -n -M prepared -c $(( c > 60 ? 60 : c )) -j $(( c < 2 ? 1 : 2 )) -T "$seconds" \
    -f bench/db-baseline.sql "$db" > "$work/db-$c.txt" 2>&1 || true
  if [[ -n $node_pid ]]; then
    checkpoint
    wrk_run "$c" "$seconds" / "http://127.0.0.1:$node_port" > "$work/node-$c.txt"
  fi
  printf '%s\t%s\t%s\t%s\t%s\n' "$c" "$(( after_rows - before_rows ))" "$(( after_cpu - before_cpu ))" \
    "$ticks_per_second" "$seconds" >> "$results"
done
peak_rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$gateway_pid/status")

python3 bench/report.py "$work" "$peak_rss_kb" "$smoke" "$(java -version 2>&1 | head -n 1)"

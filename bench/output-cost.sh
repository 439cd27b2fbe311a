#!/usr/bin/env bash
# What one HTTP output costs the webhook, and whether the output keeps up. One gateway per mode, each on its own
# fresh database and port, all started at once:
#   none  - no output
#   http  - one HTTP output (FORWARD_URL) pointing at a minimal local receiver (Node.js, answers 200)
#   batch - the same output with batch-size BENCH_BATCH_SIZE (20): up to 20 of a session's events per request
# They are warmed up taking turns of 30 s until each has had the warm-up (the JIT settles: after 30 s the C2
# compiler was still compiling the output's path during the measurement, a third of the gateway's CPU). Then PAIRS times, the gateways are driven one after the other for
# a short window each (bench/webhook-mix.lua at one concurrency; the order flips every pair), each window waiting
# for the output's backlog to be delivered before the next starts. The windows of one pair are seconds apart, so
# they see the same machine: this shared 2-core VM's speed swings by 2-4x over minutes (PostgreSQL's CPU per event
# moved 4x between two runs), which made one long window per mode, minutes apart, useless for a 20% question.
# Per window: webhook req/s, the backlog right after the load (negative: wrk's requests still in flight when its
# window ended, committed and delivered but not counted as answered) and how long it took to deliver, and per accepted
# event the CPU of each process on the machine: the gateway's intake threads (web, archive writers), its output
# threads (outbox lanes and attempts), the JVM's own (JIT compilers, GC), PostgreSQL's and the receiver's.
# At the end, per mode and relative to "none", the median over the pairs (and the lowest and highest pair) of req/s
# and of the rate the machine's CPU allows (none's all-process CPU per event / this mode's): the figures to quote.
#
#   bench/output-cost.sh [JAR] [warmup seconds per gateway, 120] [concurrency, 64] [pairs, 5] [seconds, 15]
# env: BENCH_MODES ("none http batch"; the first is the reference), BENCH_BATCH_SIZE (20), BENCH_SINK_PORT (18180)
#      and those of bench/common.sh (the gateways take BENCH_PORT, BENCH_PORT+1, ...)
set -euo pipefail
cd "$(dirname "$0")/.."
jar=${1:-}
warmup=${2:-120}
conc=${3:-64}
pairs=${4:-5}
seconds=${5:-15}
sink_port=${BENCH_SINK_PORT:-18180}
read -r -a modes <<< "${BENCH_MODES:-none http batch}"
source bench/common.sh
command -v node >/dev/null || { echo "Node.js is needed for the receiving endpoint" >&2; exit 1; }

bench_jar

declare -A pid_of db_of url_of
results=$(mktemp)
sink_pid=""
cleanup() {
  for m in "${!pid_of[@]}"; do kill "${pid_of[$m]}" 2>/dev/null && wait "${pid_of[$m]}" 2>/dev/null || true; done
  for m in "${!db_of[@]}"; do $psql -d postgres -c "DROP DATABASE IF EXISTS ${db_of[$m]} WITH (FORCE)" >/dev/null 2>&1 || true; done
  [[ -n $sink_pid ]] && kill "$sink_pid" 2>/dev/null || true
  [[ -n $work ]] && rm -rf "$work"
  rm -f "$results"
}
trap cleanup EXIT
work=$(mktemp -d)

# The receiver counts the events it was given (a batch's X-Webhook-Batch of them) and tells the count on GET: the
# benchmark waits for that, not for the outbox to be empty, whose count(*) scans every dead row of a queue table that
# no vacuum has cleaned (autovacuum is off on this machine) and took PostgreSQL's CPU per event up to 4x.
node -e "let n = 0; require('http').createServer((q, s) => { if (q.method === 'GET') return s.end(String(n));
  n += Number(q.headers['x-webhook-batch'] || 1); q.resume(); q.on('end', () => s.end('ok')); }).listen($sink_port, '127.0.0.1')" &
sink_pid=$!
sleep 0.5
kill -0 "$sink_pid" 2>/dev/null || { echo "the receiver could not start on port $sink_port" >&2; exit 1; }

k=0
for mode in "${modes[@]}"; do
  args=(--gateway.outputs.delivery.retries=3)
  [[ $mode != none ]] && args+=(--gateway.outputs.http.default.url="http://127.0.0.1:$sink_port/hook")
  [[ $mode == batch ]] && args+=(--gateway.outputs.http.default.batch-size="${BENCH_BATCH_SIZE:-20}")
  p=$(( port + k )); k=$(( k + 1 ))
  db_of[$mode]=wagw_outcost_${mode}_$(date +%s)_$RANDOM
  url_of[$mode]="http://127.0.0.1:$p"
  $psql -d postgres -c "CREATE DATABASE ${db_of[$mode]}" >/dev/null
  mkdir -p "$work/$mode"
  DATABASE_URL="postgresql://$pg_user@$pg_host:$pg_port/${db_of[$mode]}" \
  WHATSAPP_WEBHOOK_SECRET=$secret \
  RATE_LIMIT_TRUSTED_SENDERS=127.0.0.1/32 RATE_LIMIT_TRUSTED_PER_MINUTE=1000000000 \
  DATA_DIR=$work/$mode/data MEDIA_DIR=$work/$mode/media \
    java ${BENCH_JAVA_OPTS:-} -jar "$jar" --server.port="$p" --logging.level.root=WARN "${args[@]}" \
      > "$work/$mode/gateway.log" 2>&1 &
  pid_of[$mode]=$!
done
for mode in "${modes[@]}"; do
  await_up "${url_of[$mode]}/api/whatsapp/webhook" "${pid_of[$mode]}" "$work/$mode/gateway.log" 120
done

rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
hz=$(getconf CLK_TCK)
ticks_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }
postgres_ticks() { # the server's processes, live ones and (through the postmaster's children counters) exited ones
  local pm; pm=$(pgrep -o -x postgres) || { echo 0; return; }
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v pm="$pm" '$1 == pm {s += $14 + $15 + $16 + $17} $4 == pm {s += $14 + $15} END {print s + 0}'
}
# a gateway's CPU by thread group: intake (Tomcat's and the archive writers' threads), outputs (outbox-*,
# output-*), jvm (everything else: JIT compilers, GC, Camel's schedulers)
thread_ticks() {
  for t in /proc/"$1"/task/*; do
    printf '%s\t%s\n' "$(cat "$t/comm" 2>/dev/null)" "$(cut -d')' -f2- "$t/stat" 2>/dev/null | awk '{print $12 + $13}')"
  done | awk -F'\t' '$1 ~ /^http-nio|^archive-writer/ {i += $2; next} $1 ~ /^outbox-|^output-/ {o += $2; next} {j += $2}
                    END {printf "%d %d %d\n", i, o, j}'
}
received() { curl -sf "http://127.0.0.1:$sink_port/count"; }
accepted() { awk '$1 == "STATUS" && $2 == 200 {print $3}' "$1"; }  # the window's 200s, counted by webhook-mix.lua
drain() { # mode, events owed: seconds until the receiver has them all ("-" for none, "never" past a minute)
  local start=$SECONDS
  [[ $1 == none ]] && { echo -; return; }
  for _ in $(seq 1 600); do (( $(received) >= $2 )) && { echo $(( SECONDS - start )); return; }; sleep 0.1; done
  echo never
}

# Warm-up in turns of 30 s, so that no gateway sits idle for minutes before the pairs: a gateway left idle for
# 3 minutes after its warm-up came back with PostgreSQL spending 4x the CPU per event on it (on the message-ack
# updates) for the rest of the run, while the others did not (docs/performance.md).
slice=30
for (( done_s = 0; done_s < warmup; done_s += slice )); do
  for mode in "${modes[@]}"; do
    echo "warming up $mode ($(( done_s + slice ))/${warmup}s)" >&2
    r0=$(received)
    wrk_run "$conc" "$slice" /api/whatsapp/webhook "${url_of[$mode]}" > "$work/wrk.txt"
    drain "$mode" $(( r0 + $(accepted "$work/wrk.txt") )) >/dev/null
  done
done

printf 'pair\tmode\treq/s\tbacklog after load\tdrained in (s)\tms CPU per event: intake\toutputs\tjvm\tgateway\tpostgres\treceiver\tall\n'
for pair in $(seq 1 "$pairs"); do
  order=("${modes[@]}")
  if (( pair % 2 == 0 )); then order=(); for (( k = ${#modes[@]} - 1; k >= 0; k-- )); do order+=("${modes[$k]}"); done; fi
  for mode in "${order[@]}"; do
    gw=${pid_of[$mode]}
    $psql -d "${db_of[$mode]}" -c CHECKPOINT >/dev/null 2>&1 || true
    read -r i0 o0 j0 < <(thread_ticks "$gw"); g0=$(ticks_of "$gw"); p0=$(postgres_ticks); s0=$(ticks_of "$sink_pid")
    r0=$(received)
    wrk_run "$conc" "$seconds" /api/whatsapp/webhook "${url_of[$mode]}" > "$work/wrk.txt"
    n=$(accepted "$work/wrk.txt")
    left=$(( n - ($(received) - r0) ))
    [[ $mode == none ]] && left=0
    drained=$(drain "$mode" $(( r0 + n )))
    # CPU counted until the backlog is delivered: the events' whole cost, whichever thread paid it and when. The
    # gateway's total is the process's (threads that ended, like idle attempt threads, still count); "jvm" is what
    # the live intake and output threads do not account for.
    read -r i1 o1 j1 < <(thread_ticks "$gw"); g1=$(ticks_of "$gw"); p1=$(postgres_ticks); s1=$(ticks_of "$sink_pid")
    if (( n == 0 )); then
      cat "$work/wrk.txt" "$work/$mode/gateway.log" >&2; echo "the $mode gateway accepted nothing" >&2; exit 1
    fi
    awk -v r="$pair" -v m="$mode" -v rps="$(rps "$work/wrk.txt")" -v left="$left" -v dr="$drained" -v hz="$hz" \
        -v n="$n" -v i=$(( i1 - i0 )) -v o=$(( o1 - o0 )) -v j=$(( g1 - g0 - (i1 - i0) - (o1 - o0) )) -v p=$(( p1 - p0 )) \
        -v s=$(( s1 - s0 )) 'function ms(t) { return n ? t * 1000 / hz / n : 0 }
      BEGIN { printf "%s\t%s\t%s\t%s\t%s\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\n", r, m, rps, left, dr,
              ms(i), ms(o), ms(j), ms(i + o + j), ms(p), ms(s), ms(i + o + j + p + s) }' | tee -a "$results"
  done
done

# Per mode against the first: each pair's ratios, then their median, lowest and highest.
echo
printf 'mode\tpairs\treq/s vs %s: median\tlowest\thighest\tCPU-bound rate vs %s (its CPU per event / this one'"'"'s): median\tlowest\thighest\n' "${modes[0]}" "${modes[0]}"
stats() { sort -g | awk '{a[NR] = $1} END {if (NR) printf "%.2f\t%.2f\t%.2f", NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2, a[1], a[NR]}'; }
for mode in "${modes[@]:1}"; do
  # per pair: req/s ratio and CPU ratio against the reference window of the same pair
  awk -F'\t' -v ref="${modes[0]}" -v m="$mode" '$2 == ref {r[$1] = $3; c[$1] = $12} $2 == m {x[$1] = $3; y[$1] = $12}
    END {for (p in x) if ((p in r) && r[p] > 0 && y[p] > 0) print x[p] / r[p], c[p] / y[p]}' "$results" > "$work/ratios"
  printf '%s\t%s\t%s\t%s\n' "$mode" "$(wc -l < "$work/ratios")" "$(cut -d' ' -f1 "$work/ratios" | stats)" \
    "$(cut -d' ' -f2 "$work/ratios" | stats)"
done

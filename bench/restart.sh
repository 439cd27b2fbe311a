#!/usr/bin/env bash
# One host, one gateway restarted under a never-retrying sender (issue 21): what does each way of running it lose?
# bench/ha-sender.js posts unique `message` events at a steady rate (default 10 senders x 100 ms pause: about
# 100 events/s), HMAC-signed and never retried, while the gateway goes through two planned restarts (SIGTERM, then
# started again at once, as `systemctl restart` does) and one crash (kill -9, started again at once), each
# started again by tools/gateway (the production start: AOT cache on Java 25, CDS on 17, made once up front):
#   plain   the gateway binds SERVER_PORT itself: while it is down, connections are refused
#   socket  the listening socket outlives the process (systemd's StandardInput=socket, deploy/systemd; here the
#           test's socket holder, src/test/resources/ops/socket_holder.py, stands in for systemd): connections
#           made while it restarts wait in the kernel's backlog for the next process
#   ha      two gateways behind HAProxy restarted one at a time (bench/ha.sh's full run, same sender and rate;
#           its gateways run plain java -jar)
# Per arrangement: sent, acknowledged (200), stored, lost (acknowledged but not stored: must be 0, else exit 1),
# unanswered (no HTTP answer: refused, reset, timed out) and non-2xx, and both split by the restart they fell in.
#
#   flock /tmp/wagateway-bench.lock bench/restart.sh [--jar J] [plain] [socket] [ha]   (default: all three)
# env: RESTART_SENDERS (10), RESTART_PAUSE_MS (100), RESTART_PORT (18190), RESTART_BETWEEN (5: seconds of steady
#      traffic after each restart is ready), GATEWAY_JAVA (default: Java 25 if installed, else java on PATH),
#      BENCH_PG_HOST/PORT/USER (127.0.0.1, 5432, postgres)
set -euo pipefail
cd "$(dirname "$0")/.."

jar=""
arrangements=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --jar) jar="$2"; shift ;;
    plain|socket|ha) arrangements+=("$1") ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
(( ${#arrangements[@]} )) || arrangements=(plain socket ha)

source bench/args.sh
port=${RESTART_PORT:-18190}
senders=${RESTART_SENDERS:-10}
pause_ms=${RESTART_PAUSE_MS:-100}
between=${RESTART_BETWEEN:-5}
psql="psql -q -X -h $pg_host -p $pg_port -U $pg_user"
command -v node >/dev/null || { echo "Node.js is needed for bench/ha-sender.js" >&2; exit 1; }
command -v python3 >/dev/null || { echo "python3 is needed for the socket holder" >&2; exit 1; }
if [[ -z ${GATEWAY_JAVA:-} ]]; then
  java25=$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1 || true)
  export GATEWAY_JAVA=${java25:-$(command -v java)}
fi

bench_jar
jar=$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")

work=$(mktemp -d)
export GATEWAY_JAR=$jar GATEWAY_CACHE_DIR=$work/cache
secret=restart-secret-$RANDOM$RANDOM
db=""
gateway_pid=""
sender_pid=""
holder_pid=""
cleanup() {
  [[ -n $sender_pid ]] && kill "$sender_pid" 2>/dev/null || true
  [[ -n $gateway_pid && -z $holder_pid ]] && kill -9 "$gateway_pid" 2>/dev/null || true
  [[ -n $holder_pid ]] && kill "$holder_pid" 2>/dev/null || true # it kills the gateway it runs
  wait 2>/dev/null || true
  [[ -n $db ]] && $psql -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  if [[ ${RESTART_KEEP:-0} == 1 ]]; then echo "work dir kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

echo "making the start cache once (tools/gateway --prepare, $GATEWAY_JAVA)" >&2
tools/gateway --prepare >&2

now_ms() { date +%s%3N; }
marks=""
mark() { # what: a line of the timeline; restarts are "stop:<label>" and "ready:<label>"
  local t; t=$(now_ms)
  printf '%s\t%s\n' "$t" "$1" >> "$marks"
  echo "[$(( (t - t_start) / 1000 )) s] $1" >&2
}

# What every gateway of the run is started with (the env words the socket holder's command line gets too).
gateway_env() {
  gw_env=(DATABASE_URL="postgresql://$pg_user@$pg_host:$pg_port/$db" WHATSAPP_WEBHOOK_SECRET="$secret"
          RATE_LIMIT_TRUSTED_SENDERS=127.0.0.1/32 RATE_LIMIT_TRUSTED_PER_MINUTE=1000000000
          DATA_DIR="$work/data-$1" MEDIA_DIR="$work/data-$1/media"
          GATEWAY_JAR="$GATEWAY_JAR" GATEWAY_CACHE_DIR="$GATEWAY_CACHE_DIR" GATEWAY_JAVA="$GATEWAY_JAVA")
}

# socket: the holder is a coprocess that answers one line per command (see its docstring)
holder() { echo "$1" >&"${HOLDER[1]}"; local reply; read -r reply <&"${HOLDER[0]}"; echo "$reply"; }

start_gateway() { # arrangement
  gateway_env "$1"
  if [[ $1 == socket ]]; then
    local reply
    reply=$(holder "start $work/gateway-$1.log env ${gw_env[*]} tools/gateway --logging.level.root=WARN")
    gateway_pid=${reply#started }
  else
    # env execs tools/gateway, which execs the JVM: $! is the gateway's own pid, the one signals must reach.
    env "${gw_env[@]}" tools/gateway --server.port="$port" --logging.level.root=WARN \
      >> "$work/gateway-$1.log" 2>&1 < /dev/null &
    gateway_pid=$!
  fi
}

await_ready() { # arrangement label
  local deadline=$(( SECONDS + 120 ))
  until curl -sf -o /dev/null "http://127.0.0.1:$listen/actuator/health/readiness"; do
    if ! kill -0 "$gateway_pid" 2>/dev/null || (( SECONDS > deadline )); then
      tail -n 40 "$work/gateway-$1.log" >&2; echo "the gateway did not become ready" >&2; exit 1
    fi
    sleep 0.1
  done
  mark "ready:$2"
}

stop_gateway() { # arrangement signal
  if [[ $1 == socket ]]; then
    holder "$([[ $2 == KILL ]] && echo kill || echo stop) $gateway_pid" > /dev/null
  else
    kill "-$2" "$gateway_pid"
    wait "$gateway_pid" 2>/dev/null || true
  fi
}

results=$work/results.txt
: > "$results"
failed=0

one_arrangement() { # plain | socket
  local a=$1
  db=wagw_restart_${a}_$(date +%s)_$RANDOM
  $psql -d postgres -c "CREATE DATABASE $db" >/dev/null
  marks=$work/marks-$a.tsv
  : > "$marks"
  t_start=$(now_ms)
  if [[ $a == socket ]]; then
    coproc HOLDER { python3 src/test/resources/ops/socket_holder.py; }
    holder_pid=$HOLDER_PID
    local reply; read -r reply <&"${HOLDER[0]}"
    listen=${reply#listening }
  else
    listen=$port
  fi
  start_gateway "$a"
  await_ready "$a" first-start
  node bench/ha-sender.js --url "http://127.0.0.1:$listen/api/whatsapp/webhook" --secret "$secret" \
    --senders "$senders" --pause-ms "$pause_ms" --run "$a$(date +%s)" --out "$work/sent-$a.tsv" \
    > "$work/sender-$a.json" 2> "$work/sender-$a.err" &
  sender_pid=$!
  mark "sender started"
  sleep "$between"
  local step=0 signal
  for signal in TERM TERM KILL; do
    step=$(( step + 1 ))
    mark "stop:$step-SIG$signal"
    stop_gateway "$a" "$signal"
    mark "exited:$step-SIG$signal"
    start_gateway "$a"
    await_ready "$a" "$step-SIG$signal"
    sleep "$between"
  done
  kill -TERM "$sender_pid"
  wait "$sender_pid" || { cat "$work/sender-$a.err" >&2; exit 1; }
  sender_pid=""
  mark "sender stopped"
  stop_gateway "$a" TERM
  gateway_pid=""
  if [[ $a == socket ]]; then
    eval "exec ${HOLDER[1]}>&-"
    wait "$holder_pid" 2>/dev/null || true
    holder_pid=""
  fi
  report "$a" "$work/sent-$a.tsv" "$marks"
  $psql -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
  db=""
}

report() { # arrangement sent.tsv marks.tsv: the sender's view beside the database's, into $results
  local a=$1 q
  q() { $psql -d "$db" -Atc "$1"; }
  $psql -d "$db" -c "CREATE TABLE bench_sent (session_id text, message_id text, outcome text, duplicate int,
                       start_ms bigint, end_ms bigint)"
  $psql -d "$db" -c "CREATE TABLE bench_marks (at_ms bigint, what text)"
  $psql -d "$db" -c "\\copy bench_sent FROM '$2'"
  $psql -d "$db" -c "\\copy bench_marks FROM '$3'"
  local sent acked stored lost unanswered non2xx seconds
  sent=$(q "SELECT count(*) FROM bench_sent")
  acked=$(q "SELECT count(*) FROM bench_sent WHERE outcome = '200'")
  stored=$(q "SELECT count(*) FROM bench_sent s WHERE EXISTS (SELECT 1 FROM wa_messages m
                WHERE m.session_id = s.session_id AND m.message_id = s.message_id)")
  lost=$(q "SELECT count(*) FROM bench_sent s WHERE outcome = '200' AND NOT EXISTS (SELECT 1 FROM wa_messages m
              WHERE m.session_id = s.session_id AND m.message_id = s.message_id)")
  unanswered=$(q "SELECT count(*) FROM bench_sent WHERE outcome LIKE 'error:%'")
  non2xx=$(q "SELECT count(*) FROM bench_sent WHERE outcome NOT LIKE 'error:%' AND outcome NOT LIKE '2%'")
  seconds=$(q "SELECT round((max(end_ms) - min(start_ms)) / 1000.0) FROM bench_sent")
  {
    printf '%-7s sent %6s in %4s s (%s/s)  acknowledged %6s  stored %6s  LOST %s  unanswered %5s  non-2xx %5s\n' \
      "$a" "$sent" "$seconds" "$(( sent / (seconds > 0 ? seconds : 1) ))" "$acked" "$stored" "$lost" "$unanswered" "$non2xx"
    # Each request not answered 200, put with the restart it was sent in (from a stop until 1 s after ready).
    q "WITH r AS (SELECT split_part(s.what, ':', 2) AS step, s.at_ms AS stop_ms,
                         (SELECT min(e.at_ms) FROM bench_marks e WHERE e.what = 'ready:' || split_part(s.what, ':', 2)) AS ready_ms,
                         (SELECT min(e.at_ms) FROM bench_marks e WHERE e.what = 'exited:' || split_part(s.what, ':', 2)) AS exit_ms
                    FROM bench_marks s WHERE s.what LIKE 'stop:%')
       SELECT r.step, round((r.exit_ms - r.stop_ms) / 1000.0, 1), round((r.ready_ms - r.exit_ms) / 1000.0, 1),
              count(b.*) FILTER (WHERE b.outcome LIKE 'error:%'),
              count(b.*) FILTER (WHERE b.outcome NOT LIKE 'error:%' AND b.outcome <> '200'),
              coalesce(string_agg(DISTINCT b.outcome, ' ') FILTER (WHERE b.outcome <> '200'), '-')
         FROM r LEFT JOIN bench_sent b ON b.start_ms >= r.stop_ms AND b.start_ms < r.ready_ms + 1000
        GROUP BY r.step, r.stop_ms, r.exit_ms, r.ready_ms ORDER BY r.stop_ms" |
      awk -F'|' '{ printf "          %-10s stopped in %5s s, ready %5s s later: unanswered %5s, non-2xx %5s  (%s)\n", $1, $2, $3, $4, $5, $6 }'
    outside=$(q "SELECT count(*) FROM bench_sent b WHERE outcome <> '200' AND NOT EXISTS (
        SELECT 1 FROM bench_marks s WHERE s.what LIKE 'stop:%' AND b.start_ms >= s.at_ms AND b.start_ms < 1000 +
          (SELECT min(e.at_ms) FROM bench_marks e WHERE e.what = 'ready:' || split_part(s.what, ':', 2)))")
    printf '          outside any restart: %s not answered 200\n' "$outside"
  } >> "$results"
  (( lost == 0 )) || failed=1
}

for a in "${arrangements[@]}"; do
  case $a in
    plain|socket) one_arrangement "$a" ;;
    ha)
      # Same sender and rate; bench/ha.sh restarts A (kill -9), B (SIGTERM), A (SIGTERM), B (kill -9) one at a time.
      if HA_SENDERS=$senders HA_PAUSE_MS=$pause_ms bench/ha.sh --jar "$jar" > "$work/ha.out" 2> "$work/ha.err"; then
        status=ok
      else
        status=failed; failed=1
      fi
      {
        echo "ha      bench/ha.sh ($status), two gateways behind HAProxy, each restarted in turn (kill -9, SIGTERM, SIGTERM, kill -9):"
        grep -E '^(events sent|acknowledged|stored|LOST|answered non-2xx|no answer) ' "$work/ha.out" | sed 's/^/          /'
      } >> "$results"
      ;;
  esac
done

echo
echo "== bench/restart.sh: $senders never-retrying senders, ${pause_ms} ms pause each; plain and socket restarted by tools/gateway on $("$GATEWAY_JAVA" -version 2>&1 | head -1), ha by bench/ha.sh (java -jar)"
cat "$results"
if (( failed )); then
  echo "FAIL: an acknowledged event was not stored (or bench/ha.sh failed)" >&2
  exit 1
fi
echo "OK: every acknowledged event is stored"

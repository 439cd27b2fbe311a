#!/usr/bin/env bash
# Two gateways behind HAProxy, killed and restarted under a never-retrying sender: does anything acknowledged get
# lost? The topology of `docker compose --profile ha up`, without Docker: HAProxy (Debian's package, installed when
# missing) with deploy/haproxy/haproxy.cfg rewritten for local addresses, two gateway jars on one fresh PostgreSQL
# database, and bench/ha-sender.js posting a steady stream of unique `message` events (16 sessions, one sender
# each, HMAC-signed, never retried). While it runs:
#   smoke: kill -9 gateway A, restart it; SIGTERM gateway B (the run ends on A alone)
#   full:  kill -9 A, SIGTERM B, SIGTERM A, kill -9 B, each restarted and back in rotation before the next
# Then it compares what the sender was told with what PostgreSQL holds and prints: events sent, acknowledged (200),
# stored, lost (acknowledged but not stored: must be 0, else exit 1), answered non-2xx by status, no answer,
# duplicates absorbed, and when the non-2xx / unanswered requests happened relative to the kills.
#
#   bench/ha.sh            full run (~4 min after the build on 2 cores: most of it is the gateways starting)
#   bench/ha.sh --smoke    under ~90 s, what CI runs
#   bench/ha.sh --jar J    use an already built jar
# env: BENCH_PG_HOST (127.0.0.1), BENCH_PG_PORT (5432), BENCH_PG_USER (postgres), HA_PORT (18090; gateways on
#      HA_PORT+1 and +2, HAProxy's stats on +3), HA_SENDERS (16), HA_PAUSE_MS (each sender's pause between an
#      answer and its next event: 20, smoke 50), HA_JAVA_OPTS (smoke: -XX:TieredStopAtLevel=1), HA_KEEP (1 = keep
#      the work dir; kept anyway when something is lost), HA_CHECK_PATH (HAProxy's health check; e.g.
#      "tcp": a connection check only, which shows what readiness is for: 404s from an instance whose routes are
#      not up yet)
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/args.sh
bench_options "$@"

port=${HA_PORT:-18090}
declare -A ports=([a]=$(( port + 1 )) [b]=$(( port + 2 )))
stats_port=$(( port + 3 ))
check_path=${HA_CHECK_PATH:-/actuator/health/readiness}
senders=${HA_SENDERS:-16}
secret=ha-secret-$RANDOM$RANDOM
psql="psql -q -X -h $pg_host -p $pg_port -U $pg_user"
if [[ $smoke == 1 ]]; then
  warm=5; after_kill=2; between=3; tail_s=4; pause_ms=${HA_PAUSE_MS:-50}
  # C1 only: a gateway starts ~20% sooner on a small machine, which keeps the smoke run short. What is checked
  # (answers against stored rows) does not depend on the JIT.
  java_opts=${HA_JAVA_OPTS--XX:TieredStopAtLevel=1}
else
  java_opts=${HA_JAVA_OPTS:-}
  warm=15; after_kill=4; between=10; tail_s=10; pause_ms=${HA_PAUSE_MS:-20}
fi

if ! command -v haproxy >/dev/null; then
  echo "installing haproxy (Debian package)" >&2
  (apt-get update -qq && apt-get install -y -qq haproxy) >/dev/null
fi
command -v node >/dev/null || { echo "Node.js is needed for bench/ha-sender.js" >&2; exit 1; }

bench_jar

db=wagw_ha_$(date +%s)_$RANDOM
work=$(mktemp -d)
declare -A pid=()
haproxy_pid=""
sender_pid=""
cleanup() {
  local p
  [[ -n $sender_pid ]] && kill "$sender_pid" 2>/dev/null || true
  for p in "${pid[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -n $haproxy_pid ]] && kill "$haproxy_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  $psql -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  if [[ ${HA_KEEP:-0} == 1 ]]; then echo "work dir kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
$psql -d postgres -c "CREATE DATABASE $db" >/dev/null

t0=$(date +%s%3N)
now() { echo $(( $(date +%s%3N) - t0 )); }
events=$work/events.tsv # ms since start, what happened
mark() { local t; t=$(now); printf '%s\t%s\n' "$t" "$1" >> "$events"; awk -v t="$t" -v m="$1" 'BEGIN { printf "[%6.1f s] %s\n", t / 1000, m }' >&2; }

start_gateway() { # name: the gateway jar on its port, on the shared database, trusting the local proxy
  local name=$1
  DATABASE_URL="postgresql://$pg_user@$pg_host:$pg_port/$db" \
  WHATSAPP_WEBHOOK_SECRET=$secret \
  RATE_LIMIT_TRUSTED_SENDERS=127.0.0.1/32 RATE_LIMIT_TRUSTED_PER_MINUTE=1000000000 \
  TRUSTED_PROXIES=127.0.0.1/32 \
  DATA_DIR=$work/data MEDIA_DIR=$work/media \
    java $java_opts -jar "$jar" --server.port="${ports[$name]}" --logging.level.root=WARN \
      >> "$work/gateway-$name.log" 2>&1 &
  pid[$name]=$!
  mark "gateway $name started (pid ${pid[$name]}, port ${ports[$name]})"
}

await_ready() { # name: until its readiness probe answers 200 (the log and exit 1 if it dies or takes > 90 s)
  local name=$1 deadline=$(( SECONDS + 90 ))
  until curl -sf "http://127.0.0.1:${ports[$name]}/actuator/health/readiness" >/dev/null 2>&1; do
    if ! kill -0 "${pid[$name]}" 2>/dev/null || (( SECONDS > deadline )); then
      tail -n 50 "$work/gateway-$name.log"; echo "gateway $name not ready" >&2; exit 1
    fi
    sleep 0.2
  done
  mark "gateway $name ready"
}

server_status() { # gw1|gw2 -> HAProxy's view of it (UP, DOWN, UP 1/2, ...)
  curl -sf "http://127.0.0.1:$stats_port/stats;csv" 2>/dev/null | awk -F, -v s="$1" '$1 == "gateways" && $2 == s { print $18 }'
}

await_haproxy_up() { # name: until HAProxy has it UP again
  local name=$1 server=gw1 deadline=$(( SECONDS + 30 ))
  [[ $name == b ]] && server=gw2
  until [[ $(server_status "$server") == UP ]]; do
    (( SECONDS > deadline )) && { echo "HAProxy never marked gateway $name UP" >&2; exit 1; }
    sleep 0.2
  done
  mark "HAProxy: gateway $name UP"
}

stop_gateway() { # name signal: kill -9 (crash) or TERM (graceful: waits for it to exit)
  local name=$1 signal=$2
  mark "gateway $name: SIG$signal"
  kill "-$signal" "${pid[$name]}"
  wait "${pid[$name]}" 2>/dev/null || true
  mark "gateway $name exited"
}

restart() { # name signal: stop it, let the sender run on the other one alone, start it again, wait until in rotation
  stop_gateway "$1" "$2"
  sleep "$after_kill"
  start_gateway "$1"
  await_ready "$1"
  await_haproxy_up "$1"
}

# HAProxy with the deployed configuration, only the addresses changed: local ports instead of Docker's names.
sed -e "s/^\(\s*bind\) :8080/\1 127.0.0.1:$port/" \
    -e "s/^\(\s*bind\) :8404/\1 127.0.0.1:$stats_port/" \
    -e "s/ gateway-a:8080/ 127.0.0.1:${ports[a]}/" \
    -e "s/ gateway-b:8080/ 127.0.0.1:${ports[b]}/" \
    -e "s/ resolvers docker init-addr last,libc,none//" \
    -e "s|^\(\s*option httpchk GET\) /actuator/health/readiness|\1 $check_path|" \
    deploy/haproxy/haproxy.cfg > "$work/haproxy.cfg"
if [[ $check_path == tcp ]]; then # a connection check only: what a proxy without the readiness probe does
  sed -i -e '/^\s*option httpchk/d' -e '/^\s*http-check expect/d' "$work/haproxy.cfg"
fi
if grep -qE 'gateway-[ab]:8080|resolvers docker init-addr|bind :' "$work/haproxy.cfg"; then
  echo "deploy/haproxy/haproxy.cfg changed shape: bench/ha.sh could not point it at local addresses" >&2; exit 1
fi
haproxy -c -q -f "$work/haproxy.cfg"
haproxy -db -f "$work/haproxy.cfg" > "$work/haproxy.log" 2>&1 &
haproxy_pid=$!
mark "haproxy started on 127.0.0.1:$port (pid $haproxy_pid)"

# Both at once on the empty database, as `docker compose up` does (Flyway serialises the migration with a lock).
start_gateway a
start_gateway b
await_ready a
await_ready b
await_haproxy_up a
await_haproxy_up b

node bench/ha-sender.js --url "http://127.0.0.1:$port/api/whatsapp/webhook" --secret "$secret" \
  --senders "$senders" --pause-ms "$pause_ms" --out "$work/sent.tsv" > "$work/sender.json" 2> "$work/sender.err" &
sender_pid=$!
sender_start=$(now)
mark "sender started ($senders sessions)"
sleep "$warm"

restart a KILL
sleep "$between"
if [[ $smoke == 1 ]]; then
  stop_gateway b TERM # the smoke run ends on A alone: B's restart is what A's already showed
else
  restart b TERM
  sleep "$between"
  restart a TERM
  sleep "$between"
  restart b KILL
fi
sleep "$tail_s"

mark "sender stopping"
kill -TERM "$sender_pid"
wait "$sender_pid" || { cat "$work/sender.err" >&2; exit 1; }
sender_pid=""
sender_ms=$(( $(now) - sender_start ))
mark "sender stopped"

# What the sender was told, next to what the database holds.
$psql -d "$db" -c "CREATE TABLE ha_sent (session_id text, message_id text, outcome text, duplicate int, start_ms bigint, end_ms bigint)"
$psql -d "$db" -c "\\copy ha_sent FROM '$work/sent.tsv'"
q() { $psql -d "$db" -Atc "$1"; }
sent=$(q "SELECT count(*) FROM ha_sent")
acked=$(q "SELECT count(*) FROM ha_sent WHERE outcome = '200'")
dups=$(q "SELECT count(*) FROM ha_sent WHERE outcome = '200' AND duplicate = 1")
stored=$(q "SELECT count(*) FROM wa_messages WHERE session_id LIKE 'ha-%'")
archived=$(q "SELECT count(*) FROM wa_events WHERE session_id LIKE 'ha-%'")
lost=$(q "SELECT count(*) FROM ha_sent s WHERE outcome = '200'
          AND NOT EXISTS (SELECT 1 FROM wa_messages m WHERE m.session_id = s.session_id AND m.message_id = s.message_id)")
unacked_stored=$(q "SELECT count(*) FROM ha_sent s WHERE outcome <> '200'
          AND EXISTS (SELECT 1 FROM wa_messages m WHERE m.session_id = s.session_id AND m.message_id = s.message_id)")
non2xx=$(q "SELECT coalesce(string_agg(outcome || ': ' || n, ', ' ORDER BY outcome), 'none') FROM
           (SELECT outcome, count(*) n FROM ha_sent WHERE outcome NOT LIKE 'error:%' AND outcome NOT LIKE '2%' GROUP BY outcome) x")
noanswer=$(q "SELECT coalesce(string_agg(outcome || ': ' || n, ', ' ORDER BY outcome), 'none') FROM
           (SELECT outcome, count(*) n FROM ha_sent WHERE outcome LIKE 'error:%' GROUP BY outcome) x")
# HAProxy's log: requests it replayed (the retry count after the connection counts, "+" = redispatched).
logged=$(grep -c '"POST ' "$work/haproxy.log" || true)
replayed=$(awk '/"POST / { split($(NF - 4), c, "/"); if (c[5] != "0") n++ } END { print n + 0 }' "$work/haproxy.log")

echo
echo "== bench/ha.sh $([[ $smoke == 1 ]] && echo --smoke) : two gateways behind HAProxy $(haproxy -v | head -n 1 | awk '{print $3}'), $senders never-retrying senders, health check $check_path"
awk -F'\t' '{ printf "  %7.1f s  %s\n", $1 / 1000, $2 }' "$events"
echo
printf '%-44s %s\n' "events sent" "$sent in $(( sender_ms / 1000 )) s ($(( sent * 1000 / sender_ms ))/s)" \
  "acknowledged (200)" "$acked" \
  "  of which duplicate:true (repeats absorbed)" "$dups" \
  "stored (wa_messages rows)" "$stored" \
  "archived (wa_events rows)" "$archived" \
  "LOST (acknowledged, not stored)" "$lost" \
  "answered non-2xx" "$non2xx" \
  "no answer" "$noanswer" \
  "not acknowledged but stored anyway" "$unacked_stored" \
  "requests HAProxy replayed on a retry" "$replayed (of $logged POSTs logged)"
bad=$(q "SELECT count(*) FROM ha_sent WHERE outcome <> '200'")
if (( bad > 0 )); then
  echo
  echo "when the unacknowledged requests were sent (seconds since start, as in the timeline above):"
  q "SELECT (start_ms - $t0) / 1000 AS second, outcome, count(*) FROM ha_sent WHERE outcome <> '200'
     GROUP BY 1, 2 ORDER BY 1, 2" | awk -F'|' '{ printf "  %5d s  %-24s %s\n", $1, $2, $3 }'
fi
if (( archived != stored )); then
  echo "note: $archived archived events for $stored messages: $(( archived - stored )) repeat(s) stored twice" >&2
fi
if (( lost > 0 )); then
  echo "FAIL: $lost acknowledged event(s) not stored" >&2
  HA_KEEP=1
  exit 1
fi
echo "OK: every acknowledged event is stored"

# Sourced by bench/run.sh and bench/cpu-per-request.sh, not run: the local PostgreSQL, a fresh database, the
# gateway started on it as the benchmark's sender sees it (trusted for the rate limit, every request HMAC-signed),
# and wrk driving the webhook mix (bench/webhook-mix.lua).
# env: BENCH_PG_HOST (127.0.0.1), BENCH_PG_PORT (5432), BENCH_PG_USER (postgres), BENCH_PORT (18080), BENCH_JAVA_OPTS,
#      BENCH_START_SECONDS (60: how long a gateway may take to answer; a loaded 2-core machine needs more)

source bench/args.sh
port=${BENCH_PORT:-18080}
url="http://127.0.0.1:$port"
secret=bench-secret-$RANDOM
psql="psql -q -X -h $pg_host -p $pg_port -U $pg_user"
export BENCH_SECRET=$secret BENCH_DIR=bench BENCH_SAMPLES=src/test/resources/samples

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)"
  (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null
fi

db=""
work=""
gateway_pid=""
node_pid=""
cleanup() {
  [[ -n $gateway_pid ]] && kill "$gateway_pid" 2>/dev/null && wait "$gateway_pid" 2>/dev/null || true
  [[ -n $node_pid ]] && kill "$node_pid" 2>/dev/null && wait "$node_pid" 2>/dev/null || true
  [[ -n $db ]] && $psql -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  [[ -n $work ]] && rm -rf "$work"
}

await_up() { # url pid log seconds: until the url answers; the log and exit 1 if the process dies or time runs out
  local deadline=$(( SECONDS + $4 ))
  until curl -sf "$1" >/dev/null 2>&1; do
    if ! kill -0 "$2" 2>/dev/null || (( SECONDS > deadline )); then
      cat "$3"; echo "not up: $1" >&2; exit 1
    fi
    sleep 0.25
  done
}

start_gateway() { # jar database-prefix [gateway arguments]: a fresh database and the gateway on it, answering
  local jar=$1 prefix=$2
  shift 2
  db=${prefix}_$(date +%s)_$RANDOM
  work=$(mktemp -d)
  trap cleanup EXIT
  $psql -d postgres -c "CREATE DATABASE $db" >/dev/null
  DATABASE_URL="postgresql://$pg_user@$pg_host:$pg_port/$db" \
  WHATSAPP_WEBHOOK_SECRET=$secret \
  RATE_LIMIT_TRUSTED_SENDERS=127.0.0.1/32 RATE_LIMIT_TRUSTED_PER_MINUTE=1000000000 \
  DATA_DIR=$work/data MEDIA_DIR=$work/media \
    java ${BENCH_JAVA_OPTS:-} -jar "$jar" --server.port="$port" --logging.level.root=WARN "$@" \
      > "$work/gateway.log" 2>&1 &
  gateway_pid=$!
  await_up "$url/api/whatsapp/webhook" "$gateway_pid" "$work/gateway.log" "${BENCH_START_SECONDS:-60}"
}

wrk_run() { # concurrency seconds path [base url] -> wrk output
  local c=$1 d=$2 p=$3 t=2
  [[ $c -lt 2 ]] && t=1
  BENCH_RUN=$RANDOM$RANDOM BENCH_PATH=$p wrk -t$t -c"$c" -d"${d}s" --latency -s bench/webhook-mix.lua "${4:-$url}"
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$gateway_pid/stat"; } # the gateway's user + system CPU so far

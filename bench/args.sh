# Sourced by the benchmarks, not run (bench/common.sh sources it too): what they share before any work starts.
# PostgreSQL's address: BENCH_PG_HOST (127.0.0.1), BENCH_PG_PORT (5432), BENCH_PG_USER (postgres).
pg_host=${BENCH_PG_HOST:-127.0.0.1}
pg_port=${BENCH_PG_PORT:-5432}
pg_user=${BENCH_PG_USER:-postgres}

# bench_options "$@": the command line of the benchmarks that take options, --smoke (smoke=1) and --jar J (jar=J);
# anything else is refused.
bench_options() {
  smoke=0
  jar=""
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --smoke) smoke=1 ;;
      --jar) jar="$2"; shift ;;
      *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
  done
}

# bench_jar: the jar to run, $jar when given, else this checkout's, packaged now.
bench_jar() {
  if [[ -z $jar ]]; then
    ./mvnw -q -B -DskipTests package
    jar=$(ls target/whatsapp-webhook-gateway-*.jar | grep -v original | head -n 1)
  fi
}

# bench_scratch: the scratch state of a benchmark that starts gateways on databases of its own: the databases
# named in dbs (an array the script sets), a work directory ($work) and the running gateway ($pid), all removed
# at exit.
bench_scratch() {
  work=$(mktemp -d)
  pid=""
  trap bench_cleanup EXIT
}
bench_cleanup() {
  [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  for d in "${dbs[@]}"; do $psql -d postgres -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}

# gateway database log [arguments]: starts $jar on the database ($port, Flyway and the store logging at INFO);
# returns once it answers, or prints its log and exits after start_seconds (180). stop: SIGTERM, then waits.
gateway() {
  local d=$1 log=$2; shift 2
  DATABASE_URL="postgresql://$pg_user@$pg_host:$pg_port/$d" WHATSAPP_WEBHOOK_SECRET=bench-secret \
  DATA_DIR=$work/data MEDIA_DIR=$work/media \
    java ${BENCH_JAVA_OPTS:-} -jar "$jar" --server.port="$port" --logging.level.root=WARN \
      --logging.level.org.flywaydb=INFO --logging.level.dev.wagateway.store=INFO "$@" > "$log" 2>&1 &
  pid=$!
  local deadline=$(( SECONDS + ${start_seconds:-180} ))
  until curl -sf "http://127.0.0.1:$port/api/whatsapp/webhook" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null || (( SECONDS > deadline )); then cat "$log"; echo "not up on $d" >&2; exit 1; fi
    sleep 0.25
  done
}
stop() { kill "$pid" && wait "$pid" 2>/dev/null || true; pid=""; }

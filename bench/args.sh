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

#!/usr/bin/env bash
# JMH microbenchmarks of the per-request CPU work (signature check, normalisation, routing decision, filling the
# message upsert's named parameters with camel-sql's strategy and with NamedParameterCache), in ns/op.
#   bench/jmh.sh [JMH options, e.g. -f 1 -wi 2 -i 3]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" org.openjdk.jmh.Main IntakeCpuBenchmark "$@"

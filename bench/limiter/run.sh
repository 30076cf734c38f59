#!/usr/bin/env bash
# Cost of one rate-limit decision (burst + rate + daily quota), in memory and in the local Redis.
# Usage: bench/limiter/run.sh [--seconds 10] [--subscriptions 10000] [--threads 1,16] [--redis URL]
# Env:   JAVA_OPTS  JVM flags
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
JAVA_OPTS="${JAVA_OPTS:--Xms512m -Xmx512m -XX:+UseG1GC}"

# The gateway's own classes and dependencies, as built by Maven.
(cd "$root" && mvn -q -o compile >/dev/null 2>&1) || (cd "$root" && mvn -q compile >/dev/null)
cpfile=/tmp/meshgate-bench-limiter-cp.txt
(cd "$root" && mvn -q -o dependency:build-classpath -Dmdep.outputFile="$cpfile" >/dev/null 2>&1) \
  || (cd "$root" && mvn -q dependency:build-classpath -Dmdep.outputFile="$cpfile" >/dev/null)
CP="$root/target/classes:$(cat "$cpfile")"

redis-cli -u "${REDIS_URL:-redis://127.0.0.1:6379}" ping >/dev/null \
  || { echo "Redis is not answering; start it: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no" >&2; exit 1; }

echo "# $(java -version 2>&1 | sed -n 2p) | JAVA_OPTS=$JAVA_OPTS | $(redis-server --version | cut -d' ' -f1-3) | $(nproc) CPUs | load $(cut -d' ' -f1-3 /proc/loadavg)"
# shellcheck disable=SC2086
java $JAVA_OPTS -cp "$CP" "$here/LimiterBench.java" "$@"

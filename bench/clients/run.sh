#!/usr/bin/env bash
# Outbound-client benchmark: apache5 (as UpstreamClient), core5 (HttpCore 5's requester), urlconnection, jdkhttp against a local nginx.
# Usage: bench/clients/run.sh [ClientBench options...]   e.g.  bench/clients/run.sh --threads 64
# Env:   CLIENTS   clients to run, each in a fresh JVM (default: "apache5 urlconnection urlconnection-maxconn jdkhttp";
#                  also core5)
#        PORT      nginx port (default 18080)     JAVA_OPTS  JVM flags, identical for every client
#        STOP_NGINX=1  stop the nginx this script started when done
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
PORT="${PORT:-18080}"
CLIENTS="${CLIENTS:-apache5 urlconnection urlconnection-maxconn jdkhttp}"
JAVA_OPTS="${JAVA_OPTS:--Xms512m -Xmx512m -XX:+UseG1GC -XX:+AlwaysPreTouch}"
ngdir=/tmp/meshgate-bench-nginx

# 1. Classpath: httpclient5 + httpcore5 (+ httpcore5-h2 and slf4j-api, which httpclient5 needs at run time) from the project's own resolution.
cpfile=/tmp/meshgate-bench-cp.txt
(cd "$root" && mvn -q -o dependency:build-classpath -Dmdep.outputFile="$cpfile" >/dev/null 2>&1) \
  || (cd "$root" && mvn -q dependency:build-classpath -Dmdep.outputFile="$cpfile" >/dev/null)
CP="$(tr ':' '\n' < "$cpfile" | grep -E '/(httpclient5|httpcore5|httpcore5-h2|slf4j-api)-[0-9][^/]*\.jar$' | paste -sd: -)"
[ -n "$CP" ] || { echo "httpclient5 jars not found in $cpfile" >&2; exit 1; }

# 2. nginx on 127.0.0.1:$PORT with our own config (started only if nothing answers there).
command -v nginx >/dev/null || { echo "nginx missing: apt-get update && apt-get install -y nginx" >&2; exit 1; }
started=0
if ! curl -fsS -o /dev/null "http://127.0.0.1:$PORT/nginx_status" 2>/dev/null; then
  mkdir -p "$ngdir"; chmod 777 "$ngdir"
  sed -e "s#__DIR__#$ngdir#g" -e "s#__PORT__#$PORT#g" "$here/nginx.conf.template" > "$ngdir/nginx.conf"
  nginx -p "$ngdir" -c "$ngdir/nginx.conf"
  started=1
  for _ in $(seq 50); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/nginx_status" 2>/dev/null && break; sleep 0.1; done
fi
stop_nginx() { if [ "$started" = 1 ] && [ "${STOP_NGINX:-0}" = 1 ] && [ -f "$ngdir/nginx.pid" ]; then kill "$(cat "$ngdir/nginx.pid")"; fi; }
trap stop_nginx EXIT
master="$(cat "$ngdir/nginx.pid" 2>/dev/null || true)"
workers="$( [ -n "$master" ] && pgrep -P "$master" | paste -sd, - || true)"

echo "# $(java -version 2>&1 | sed -n 2p) | JAVA_OPTS=$JAVA_OPTS | nginx $(nginx -v 2>&1 | cut -d/ -f2) pid(s) ${workers:-?} | $(nproc) CPUs | load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| client | threads | req/s | JVM CPU µs/req | nginx CPU µs/req | other procs CPU | p50 | p99 | p99.9 | errors | conns opened in window | GC count / time | JVM threads | correctness |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
# 3. One fresh JVM per client, same flags.
for c in $CLIENTS; do
  # shellcheck disable=SC2086
  java $JAVA_OPTS -cp "$CP" "$here/ClientBench.java" --client "$c" --port "$PORT" --nginx-pids "${workers:-}" "$@"
done

#!/usr/bin/env bash
# meshgate benchmark: nginx (native reference), Spring Cloud Gateway (bare route, the Java peer) and
# meshgate (full chain: API key, subscription, rate limit, cached token, headers) in front of the
# same nginx upstream serving 1 KiB, on loopback; and what one catalog edit does to meshgate under
# load (meshgate-edit). Not part of `mvn verify`.
#
# Usage: bench/run.sh [--quick] [--warmup S] [--duration S] [--connections N] [--apps N]
#                     [--targets "nginx scg meshgate meshgate-scale meshgate-edit"]
#                     [--rates "1000 5000"] [--scale-apps N] [--active N] [--out FILE]
#   --quick        short warm-up and runs, no scale run (about 3 minutes in all)
#   --warmup S     warm-up per target before measuring (default 90; --quick 10); it runs in
#                  slices, which give the time from process start to 90 % of peak throughput
#   --duration S   length of each measured run (default 30; --quick 8)
#   --connections  wrk connections for the saturation run (default 64)
#   --apps N       apps (API keys) in meshgate's catalog; calls pick one at random (default 100)
#   --rates        fixed request rates for the latency runs (default "1000 5000"; --quick "1000")
#   --scale-apps N apps and subscriptions for the meshgate-scale target, bulk-loaded into
#                  PostgreSQL (default 1000000)
#   --active N     keys the scale run picks from at random (default 100000); its heap is sized for
#                  them by the README's rule (-Xmx576m for 100000; MESHGATE_JVM_OPTS overrides)
#   meshgate-edit  target: the --apps apps split over two plans; after the warm-up, 1,000 req/s
#                  (h2load, keys at random) for --duration seconds with, half-way, one admin edit
#                  of one plan; reports the token signatures it caused (meshgate_token_signatures)
#                  against that plan's active subscriptions, and p50/p99 before and after it
# Env: JAVA_OPTS_SCG (Spring Cloud Gateway JVM flags), MESHGATE_JVM_OPTS (added to meshgate's
#      jvm.options), MESHGATE_SERVER_ENV (NAME=value pairs added to its server.env),
#      PGHOST/PGPORT/PGUSER/PGDATABASE for the scale run (default 127.0.0.1, 5432, postgres,
#      test; it uses, and first drops, the schema meshgate_bench)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"

WARMUP=90 DURATION=30 CONNECTIONS=64 APPS=100 TARGETS="nginx scg meshgate meshgate-scale meshgate-edit"
RATES="1000 5000" OUT="" SCALE_APPS=1000000 ACTIVE=100000
QUICK=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1; WARMUP=10; DURATION=8; RATES="1000"; TARGETS="nginx scg meshgate"; shift ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --apps) APPS="$2"; shift 2 ;;
    --targets) TARGETS="$2"; shift 2 ;;
    --rates) RATES="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --scale-apps) SCALE_APPS="$2"; shift 2 ;;
    --active) ACTIVE="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/{/^#/p}' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

UPSTREAM_PORT=18081 NGINX_PORT=18080 SCG_PORT=18082 MG_PORT=18083 MG_ADMIN_PORT=18084
ADMIN_SECRET=$(head -c 24 /dev/urandom | base64 | tr -d '/+=') # meshgate-edit's admin client
work=/tmp/meshgate-bench
mkdir -p "$work"
log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# 1. Tools, from Debian's packages when missing.
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || need+=(nginx)
command -v h2load >/dev/null || need+=(nghttp2-client)
command -v curl >/dev/null || need+=(curl)
[[ " $TARGETS " != *" meshgate-scale "* ]] || command -v psql >/dev/null || need+=(postgresql-client)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null
fi

# 2. Builds.
if [[ " $TARGETS " == *" meshgate"* ]]; then
  log "building meshgate (mvn -DskipTests verify prepares the Liberty server)"
  (cd "$root" && mvn -q -B -DskipTests verify)
fi
if [[ " $TARGETS " == *" scg "* ]]; then
  log "building the Spring Cloud Gateway peer"
  (cd "$root" && mvn -q -B -f bench/peers/spring-cloud-gateway/pom.xml -DskipTests package)
fi

pids_to_stop=()
cleanup() {
  for p in "${pids_to_stop[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  [ -f "$work/upstream/nginx.pid" ] && kill "$(cat "$work/upstream/nginx.pid")" 2>/dev/null || true
  [ -f "$work/nginx/nginx.pid" ] && kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true
  if [ -x "$root/target/liberty/wlp/bin/server" ] && [ -d "$root/target/liberty/wlp/usr/servers/bench-meshgate" ]; then
    "$root/target/liberty/wlp/bin/server" stop bench-meshgate >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

nginx_start() { # name port-template-vars...
  local name="$1" template="$2"; shift 2
  local dir="$work/$name"
  rm -rf "$dir"; mkdir -p "$dir/www"; chmod 777 "$dir"
  head -c 1024 /dev/zero | tr '\0' 'x' > "$dir/www/1k"
  sed -e "s#__DIR__#$dir#g" "$@" "$here/conf/$template" > "$dir/nginx.conf"
  nginx -p "$dir" -c "$dir/nginx.conf"
}
wait_200() { # url [header] -> prints ms until the first 200
  local url="$1" header="${2:-X-Bench: 1}" start end
  start=$(date +%s%N)
  for _ in $(seq 1 1200); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' -H "$header" "$url" 2>/dev/null)" = 200 ]; then
      end=$(date +%s%N); echo $(( (end - start) / 1000000 )); return 0
    fi
    sleep 0.05
  done
  echo "no 200 from $url" >&2; return 1
}
cpu_ticks() { # sum of utime+stime of the given pids, in clock ticks
  local t=0 p
  for p in "$@"; do
    [ -r "/proc/$p/stat" ] || continue
    t=$(( t + $(awk '{print $14 + $15}' "/proc/$p/stat") ))
  done
  echo "$t"
}
rss_peak_kib() { local t=0 p; for p in "$@"; do t=$(( t + $(awk '/VmHWM/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0) )); done; echo "$t"; }
rss_kib() { local t=0 p; for p in "$@"; do t=$(( t + $(awk '/VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0) )); done; echo "$t"; }
TICK=$(getconf CLK_TCK)
# Class histogram of a JVM's live objects (jcmd forces a full collection first), saved to a file.
live_histogram() { jcmd "$1" GC.class_histogram > "$2" 2>&1; }
histogram_total() { awk '/^Total/ {print $3}' "$1"; }
# The classes whose live bytes grew most between two histograms, as "class bytes-per-unit" lines.
histogram_growth() { # before after units top
  awk -v units="$3" 'FNR == 1 {f++} $1 ~ /^[0-9]+:$/ {b[$4] += (f == 1 ? -$3 : $3)}
    END {for (c in b) if (b[c] > 0) printf "%s %.0f\n", c, b[c] / units}' "$1" "$2" | sort -k2 -n -r | head -"$4"
}
export KEYS="$APPS" KEY_PREFIX="bench-key-"

# 3. The upstream.
nginx_start upstream nginx-upstream.conf.template -e "s#__PORT__#$UPSTREAM_PORT#g"
wait_200 "http://127.0.0.1:$UPSTREAM_PORT/1k" >/dev/null

# wrk saturation run: prints "rps p50_ms p99_ms requests non2xx"
wrk_run() { # url seconds connections [lua]
  local url="$1" secs="$2" conns="$3" lua="${4:-}" out
  # A target that stopped answering (wrk exits non-zero) gives empty figures, not the end of the run.
  out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency ${lua:+-s "$lua"} -H "X-API-Key: bench-key-1" "$url" 2>&1) || true
  local rps p50 p99 reqs errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  errors=$(awk '/Non-2xx or 3xx responses/ {print $5}' <<<"$out"); errors=${errors:-0}
  p50=$(awk '$1=="50%" {print $2}' <<<"$out"); p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  echo "${rps:-–} $(to_ms "$p50") $(to_ms "$p99") ${reqs:-0} $errors"
}
# From a GC log written with -Xlog:gc:...:timemillis: the bytes allocated per request between the
# first and the last collection inside [from-ms, to-ms] (what each collection found in the heap
# minus what the one before it left), at a steady rate of req/s; and the collections' pauses.
gc_window() { # gc.log from-ms to-ms req/s
  awk -v from="$2" -v to="$3" -v rps="$4" '
    function mib(v,  u, x) { u = substr(v, length(v)); x = v + 0
      return u == "G" ? x * 1024 : u == "K" ? x / 1024 : x }
    /Pause/ && match($0, /[0-9]+[KMG]->[0-9]+[KMG]\(/) {
      ts = substr($1, 2) + 0; split(substr($0, RSTART, RLENGTH - 1), h, "->")
      pause = $NF + 0
      if (ts >= from && ts <= to) {
        if (n > 0) alloc += mib(h[1]) - last_after; else first = ts
        n++; lastts = ts; total += pause; if (pause > max) max = pause
      }
      last_after = mib(h[2])
    }
    END { if (n < 2 || rps <= 0 || lastts <= first) { print "–"; exit }
          printf "%.1f KiB per request; %d collections, pauses mean %.1f ms, max %.1f ms\n",
            alloc * 1024 / (rps * (lastts - first) / 1000), n, total / n, max }' "$1"
}
to_ms() { # wrk latency (e.g. 512.00us, 1.20ms, 2.00s) -> ms; "–" when wrk gave none
  awk -v v="$1" 'BEGIN { if (v == "") { printf "–"; exit } n=v+0; if (v ~ /us$/) n/=1000; else if (v ~ /ms$/) n=n; else if (v ~ /s$/) n*=1000; printf "%.3f", n }'
}
# h2load fixed-rate run: prints "p50_ms p99_ms p999_ms"
rate_run() { # url rate seconds
  local url="$1" rate="$2" secs="$3" clients=10 logf="$work/h2load.log"
  rm -f "$logf"
  h2load --h1 -c "$clients" --rps $(( rate / clients )) -D "$secs" -H "X-API-Key: bench-key-1" --log-file="$logf" "$url" >/dev/null 2>&1 || true
  [ -f "$logf" ] || : > "$logf"
  awk -F'\t' '$2 == 200 {print $3}' "$logf" | sort -n | awk '
    { a[NR] = $1 } END {
      if (NR == 0) { print "- - -"; exit }
      printf "%.3f %.3f %.3f\n", a[int(NR*0.5)]/1000, a[int(NR*0.99)]/1000, a[int(NR*0.999)]/1000 }'
}

declare -A RPS P50 P99 CPU RSS COLD LAT ERR T90 GCW
# Warm-up: $WARMUP seconds of wrk saturation in slices; leaves "ms-since-t0:req/s" per slice in
# the global array slices (measure derives the time to 90 % of peak from them).
slices=()
warm_up() { # name url t0-ns
  local name="$1" url="$2" t0="$3" lua="" slice=5 elapsed=0 rps_slice at
  [[ "$name" == meshgate* ]] && lua="$here/conf/keys.lua"
  [ "$WARMUP" -lt 30 ] && slice=2
  slices=()
  log "$name: warm-up ${WARMUP}s in ${slice}s slices"
  while [ "$elapsed" -lt "$WARMUP" ]; do
    rps_slice=$(wrk -t2 -c"$CONNECTIONS" -d"${slice}s" ${lua:+-s "$lua"} -H "X-API-Key: bench-key-1" "$url" 2>/dev/null | awk '/Requests\/sec/ {print $2}') || rps_slice=0
    at=$(( ($(date +%s%N) - t0) / 1000000 ))
    slices+=("$at:${rps_slice:-0}")
    elapsed=$(( elapsed + slice ))
  done
}
measure() { # name url t0-ns pid... (t0: when the process was started)
  local name="$1" url="$2" t0="$3"; shift 3
  local pids=("$@") lua=""
  [[ "$name" == meshgate* ]] && lua="$here/conf/keys.lua"
  warm_up "$name" "$url" "$t0"
  log "$name: saturation ${DURATION}s, $CONNECTIONS connections"
  local before after res
  local sat_from sat_to
  before=$(cpu_ticks "${pids[@]}"); sat_from=$(date +%s%3N)
  res=$(wrk_run "$url" "$DURATION" "$CONNECTIONS" "$lua")
  after=$(cpu_ticks "${pids[@]}"); sat_to=$(date +%s%3N)
  read -r rps p50 p99 reqs errors <<<"$res"
  RPS[$name]=$rps; P50[$name]=$p50; P99[$name]=$p99; ERR[$name]=$errors
  if [[ "$name" == meshgate* ]] && [ -s "$srv/gc.log" ]; then
    GCW[$name]=$(gc_window "$srv/gc.log" "$sat_from" "$sat_to" "${rps:-0}")
  fi
  # Time to 90 % of peak: the end of the first warm-up slice at or above 90 % of the best rate seen.
  T90[$name]=$(printf '%s\n' "${slices[@]}" | awk -F: -v sat="$rps" '
    { t[NR] = $1; r[NR] = $2; if ($2 > peak) peak = $2 }
    END { if (sat + 0 > peak) peak = sat + 0
          for (i = 1; i <= NR; i++) if (r[i] >= 0.9 * peak) { printf "%.0f", t[i] / 1000; exit }
          printf "> %.0f", t[NR] / 1000 }')
  CPU[$name]=$(awk -v d=$(( after - before )) -v t="$TICK" -v n="${reqs:-0}" 'BEGIN { if (n + 0 > 0) printf "%.1f", d / t * 1e6 / n; else print "– (no answers)" }')
  for rate in $RATES; do
    log "$name: fixed rate $rate/s for ${DURATION}s"
    LAT[$name@$rate]=$(rate_run "$url" "$rate" "$DURATION")
  done
  RSS[$name]=$(( $(rss_peak_kib "${pids[@]}") / 1024 ))
  [ "${RSS[$name]}" -gt 0 ] || RSS[$name]="– (process gone)"
}

# meshgate's server folder: a copy of the built one, its catalog, its database.
wlp="$root/target/liberty/wlp"
srv="$wlp/usr/servers/bench-meshgate"
PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres} PGDATABASE=${PGDATABASE:-test}
export PGHOST PGPORT PGUSER PGDATABASE
psql_bench() { PGOPTIONS="-c search_path=meshgate_bench,public" psql -X -q -v ON_ERROR_STOP=1 "$@"; }
# Catalog "one-plan": every app subscribes to plan gold. "two-plans" (meshgate-edit): odd apps to
# gold, even ones to silver (same limits, which never bind), so that editing silver touches
# exactly half of the subscriptions; the API also takes the key as ?key=, which lets h2load give
# each request its own key, and the bootstrap admin client gets a secret (ADMIN_SECRET).
mg_prepare() { # apps-in-seed h2|postgres [one-plan|two-plans]
  local apps="$1" db="$2" catalog="${3:-one-plan}" seed="$work/seed.json"
  "$wlp/bin/server" stop bench-meshgate >/dev/null 2>&1 || true
  rm -rf "$srv"; cp -r "$wlp/usr/servers/meshgate" "$srv"
  rm -rf "$srv/logs" "$srv/workarea" "$srv/data" "$srv/secrets"
  # What a start of the build's own server leaves (its key store holds that server's password, not
  # the one written below: admin tokens, mpJwt, then fail and the edit run with them).
  rm -f "$srv/resources/security/key.p12" "$srv/resources/security/ltpa.keys"
  python3 - "$apps" "http://127.0.0.1:$UPSTREAM_PORT" "$catalog" > "$seed" <<'PY'
import json, sys
apps, upstream, catalog = int(sys.argv[1]), sys.argv[2], sys.argv[3]
two = catalog == "two-plans"
auth = {"methods": ["api-key"]}
if two:
    auth["apiKeyQueryParam"] = "key"
def plan(name, title):
    return {"name": name, "title": title, "scopes": ["bench:read"],
            "rateLimit": {"limit": 1000000000, "per": "second"},
            "quota": {"limit": 1000000000000, "per": "day"}}
print(json.dumps({
  "apis": [{"name": "bench", "version": "v1", "basePath": "/bench", "upstreamUrl": upstream,
            "policies": [{"policy": "client-auth", "config": auth},
                         {"policy": "subscription", "config": {}},
                         {"policy": "rate-limit", "config": {}},
                         {"policy": "token", "config": {}},
                         {"policy": "headers", "config": {}}]}],
  "products": [{"name": "bench", "title": "Bench", "apis": ["bench"],
                "plans": [plan("gold", "Gold")] + ([plan("silver", "Silver")] if two else [])}],
  "apps": [{"name": "bench-app-%d" % i, "apiKeys": ["bench-key-%d" % i],
            "subscriptions": [{"product": "bench", "plan": "silver" if two and i % 2 == 0 else "gold"}]}
           for i in range(1, apps + 1)]
}))
PY
  PEPPER=$(head -c 32 /dev/urandom | base64)
  {
    echo "HTTP_PORT=$MG_PORT"; echo "ADMIN_PORT=$MG_ADMIN_PORT"; echo "HTTPS_PORT=-1"
    echo "MESHGATE_SEED_FILE=$seed"
    echo "MESHGATE_KEK=$(head -c 32 /dev/urandom | base64)"
    echo "MESHGATE_SECRET_PEPPER=$PEPPER"
    echo "MESHGATE_ISSUER=https://meshgate.bench.local"
    # Liberty's default keystore: MicroProfile JWT (admin tokens) starts only with it, as in every
    # real deployment, so the data plane is measured with mpJwt active.
    echo "keystore_password=$(head -c 18 /dev/urandom | base64)"
    if [ "$catalog" = two-plans ]; then
      echo "MESHGATE_ADMIN_CLIENT_ID=meshgate-admin"; echo "MESHGATE_ADMIN_CLIENT_SECRET=$ADMIN_SECRET"
    fi
    if [ "$db" = postgres ]; then
      echo "DB_KIND=postgresql"
      echo "DB_URL=jdbc:postgresql://$PGHOST:$PGPORT/$PGDATABASE?currentSchema=meshgate_bench"
      echo "DB_USER=$PGUSER"; echo "DB_PASSWORD=${PGPASSWORD:-}"
    fi
    # The process settings the server ships with (pom.xml's liberty.env), e.g. MALLOC_ARENA_MAX.
    grep -E '^MALLOC_' "$wlp/usr/servers/meshgate/server.env" || true
  } > "$srv/server.env"
  # A GC log with wall-clock stamps: what the saturation run allocated and paused (gc_window).
  echo "-Xlog:gc:file=$srv/gc.log:timemillis" >> "$srv/jvm.options"
  if [ "$db" = postgres ]; then
    psql -X -q -v ON_ERROR_STOP=1 -c "drop schema if exists meshgate_bench cascade" -c "create schema meshgate_bench" \
      -c "create extension if not exists pgcrypto"
  fi
  # The scale run's heap (scale_heap_mib); MESHGATE_JVM_OPTS, appended after it, still wins.
  [ -n "${MG_HEAP:-}" ] && echo "$MG_HEAP" >> "$srv/jvm.options"
  [ -n "${MESHGATE_JVM_OPTS:-}" ] && tr ' ' '\n' <<<"$MESHGATE_JVM_OPTS" >> "$srv/jvm.options"
  [ -n "${MESHGATE_SERVER_ENV:-}" ] && tr ' ' '\n' <<<"$MESHGATE_SERVER_ENV" >> "$srv/server.env"
  return 0
}
# The README's heap sizing rule ("Sizing the heap"): live heap ~80 MiB plus ~2 KiB per active app,
# an old generation (the maximum heap minus the 96 MiB young generation) of 1.7 times that, in
# steps of 32 MiB, never below the 384 MiB that jvm.options ships with.
scale_heap_mib() { # active apps
  local live=$(( 80 + $1 * 2 / 1024 ))
  local mib=$(( 96 + (live * 17 + 9) / 10 ))
  mib=$(( (mib + 31) / 32 * 32 ))
  echo $(( mib < 384 ? 384 : mib ))
}
wait_status() { # url status
  for _ in $(seq 1 1200); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1" 2>/dev/null)" = "$2" ] && return 0
    sleep 0.05
  done
  echo "no $2 from $1" >&2; return 1
}
# Bulk path: apps, their API keys (HMAC-SHA256 under the server's pepper, as the gateway stores
# them) and their subscriptions, inserted by PostgreSQL itself in batches, with a progress bar.
bulk_load() { # apps
  local total="$1" batch=50000 lo=1 hi t0 plan product done_pct bar
  plan=$(psql_bench -Atc "select id from plan where name = 'gold'")
  product=$(psql_bench -Atc "select product_id from plan where name = 'gold'")
  t0=$(date +%s)
  while [ "$lo" -le "$total" ]; do
    hi=$(( lo + batch - 1 )); [ "$hi" -gt "$total" ] && hi=$total
    psql_bench -c "
      with a as (
        insert into app (name, client_id, client_secret_digest, state, created_at)
        select 'bench-app-' || i, 'bench-app-' || i, encode(gen_random_bytes(32), 'hex'), 'ACTIVE', now()
        from generate_series($lo, $hi) i returning id, name),
      c as (
        insert into credential (app_id, key_digest, key_prefix, created_at)
        select id, encode(hmac(convert_to(replace(name, 'bench-app-', 'bench-key-'), 'UTF8'), decode('$PEPPER', 'base64'), 'sha256'), 'hex'),
               left(replace(name, 'bench-app-', 'bench-key-'), 8), now() from a)
      insert into subscription (app_id, plan_id, product_id, state, created_at, updated_at)
      select id, $plan, $product, 'ACTIVE', now(), now() from a"
    done_pct=$(( hi * 100 / total )); bar=$(printf '%*s' $(( done_pct / 2 )) '' | tr ' ' '#')
    printf '\r  loading apps [%-50s] %3d%% %d/%d %ds' "$bar" "$done_pct" "$hi" "$total" $(( $(date +%s) - t0 )) >&2
    lo=$(( hi + 1 ))
  done
  echo >&2
  psql_bench -c "analyze app" -c "analyze credential" -c "analyze subscription" \
    -c "update catalog_revision set revision = revision + 1 where id = 1"
  log "loaded $total apps in $(( $(date +%s) - t0 ))s"
}

# meshgate-edit: ONE catalog edit in the middle of a fixed-rate load. The load is $EDIT_CLIENTS
# h2load processes of one HTTP/1.1 connection each ($EDIT_RATE req/s in all, for $DURATION s),
# each walking its own random order of the keys (?key=, so that every request has its own key;
# the clients of one h2load would all walk one list in step). A request's key is known from its
# row in the log (one connection, one request at a time: rows in request order).
# The first EDIT_SETTLE seconds (connections opening, rate settling) are not counted; the edit
# comes half-way, but at least EDIT_WINDOW + 1 s before the end.
EDIT_RATE=1000 EDIT_CLIENTS=10 EDIT_SETTLE=3 EDIT_WINDOW=5 EDIT_READ_AFTER=3
admin_url="http://127.0.0.1:$MG_ADMIN_PORT"
metrics() { # name... -> their values on /metrics (one scrape), as integers ("?" when unread)
  { curl -sf "$admin_url/metrics" || true; } | awk -v names="$*" '
    BEGIN { n = split(names, want, " ") } { v[$1] = $2 }
    END { for (i = 1; i <= n; i++) printf "%s%s", (i > 1 ? " " : ""), (want[i] in v ? sprintf("%d", v[want[i]] + 0) : "?") }'
}
now_ns() { date +%s%N; }
sleep_until() { # ns since epoch
  local left=$(( $1 - $(now_ns) ))
  [ "$left" -gt 0 ] && sleep "$(awk -v n="$left" 'BEGIN { printf "%.3f", n / 1e9 }')"
  return 0
}
edit_run() { # apps
  local apps="$1" dir="$work/edit" token plan_ids product_id plan_id body affected built
  local c t0 s1 e0 e1 r2 edit_at sig0 sig1 sig2 sig3 drops0 drops3 put status admin_ms pids=()
  local rehearsal rehearsal_ms
  [ "$DURATION" -ge 15 ] || log "meshgate-edit: --duration $DURATION leaves little steady time; 15 s or more is better"
  rm -rf "$dir" "$work/edit.md"; mkdir -p "$dir"
  token=$(curl -sf -u "meshgate-admin:$ADMIN_SECRET" -d grant_type=client_credentials \
    "$admin_url/admin/oauth2/token" | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
  adm() { curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$@"; }
  # The plan to edit, and the edit: its rate limit raised by one (it never binds either way).
  plan_ids=$(adm "$admin_url/admin/v1/products?name=bench" | python3 -c '
import json, sys
p = next(x for x in json.load(sys.stdin)["items"] if x["name"] == "bench")
print(p["id"], next(x["id"] for x in p["plans"] if x["name"] == "silver"))')
  read -r product_id plan_id <<<"$plan_ids"
  body=$(adm "$admin_url/admin/v1/products/$product_id/plans/$plan_id" | python3 -c '
import json, sys
p = json.load(sys.stdin)
for k in ("id", "productId"):
    p.pop(k, None)
p["rateLimit"]["limit"] += 1
print(json.dumps(p))
p["rateLimit"]["limit"] += 1
print(json.dumps(p))')
  rehearsal=${body%%$'\n'*} body=${body#*$'\n'}
  # Affected subscriptions: the active ones of that plan, as the admin API lists them.
  affected=0
  for page in $(seq 0 $(( apps / 500 + 1 ))); do
    affected=$(( affected + $(adm "$admin_url/admin/v1/subscriptions?state=active&size=500&page=$page" \
      | python3 -c 'import json, sys; print(sum(1 for s in json.load(sys.stdin)["items"] if s["planId"] == int(sys.argv[1])))' "$plan_id") ))
  done
  built=$(( apps / 2 ))
  [ "$affected" = "$built" ] || log "meshgate-edit: the admin API lists $affected active subscriptions of silver, the seed made $built"
  python3 - "$dir" "$EDIT_CLIENTS" "$apps" $(( EDIT_RATE / EDIT_CLIENTS * (DURATION + 5) )) "$MG_PORT" <<'PY'
import random, sys
d, clients, apps, n, port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
for c in range(1, clients + 1):
    with open("%s/urls.%d" % (d, c), "w") as f:
        for _ in range(n):
            f.write("http://127.0.0.1:%s/bench/1k?key=bench-key-%d\n" % (port, random.randint(1, apps)))
PY
  metrics meshgate_token_signatures_total >/dev/null # the first scrape is slow: not under load
  edit_at=$(( DURATION * 500 )); [ "$edit_at" -le $(( (DURATION - EDIT_WINDOW - 1) * 1000 )) ] || edit_at=$(( (DURATION - EDIT_WINDOW - 1) * 1000 ))
  [ "$edit_at" -ge $(( (EDIT_SETTLE + 1) * 1000 )) ] || edit_at=$(( (EDIT_SETTLE + 1) * 1000 )) # ms from the start
  log "meshgate-edit: $EDIT_RATE req/s for ${DURATION}s, one edit of plan silver ($affected active subscriptions) at ${edit_at}ms"
  # A rehearsal of the same edit before the load: the first admin write since the start loads and
  # compiles the admin write path (JAX-RS, validation, JPA) on the replica that serves the load, a
  # one-off that replicas receiving the change through CatalogSync never pay. Its cost is reported.
  rehearsal_ms=$(curl -s -o /dev/null -w '%{time_total}' -X PUT -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -d "$rehearsal" "$admin_url/admin/v1/products/$product_id/plans/$plan_id" \
    | awk '{ printf "%.1f", $1 * 1000 }')
  t0=$(now_ns)
  for c in $(seq 1 "$EDIT_CLIENTS"); do
    h2load --h1 -c1 -m1 --rps $(( EDIT_RATE / EDIT_CLIENTS )) -D "$DURATION" -i "$dir/urls.$c" \
      --log-file="$dir/log.$c" >"$dir/h2load.$c" 2>&1 &
    pids+=("$!"); pids_to_stop+=("$!")
  done
  sleep_until $(( t0 + EDIT_SETTLE * 1000000000 ))
  read -r sig0 drops0 <<<"$(metrics meshgate_token_signatures_total meshgate_catalog_cache_drops_total)"
  sleep_until $(( t0 + edit_at * 1000000 ))
  s1=$(now_ns); sig1=$(metrics meshgate_token_signatures_total)
  e0=$(now_ns)
  put=$(curl -s -o "$dir/put.json" -w '%{http_code} %{time_total}' -X PUT -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -d "$body" "$admin_url/admin/v1/products/$product_id/plans/$plan_id")
  e1=$(now_ns)
  read -r status admin_ms <<<"$put"; admin_ms=$(awk -v s="$admin_ms" 'BEGIN { printf "%.1f", s * 1000 }')
  [ "$status" = 200 ] || log "meshgate-edit: the edit answered $status: $(cat "$dir/put.json")"
  sleep_until $(( e1 + EDIT_READ_AFTER * 1000000000 ))
  r2=$(now_ns); sig2=$(metrics meshgate_token_signatures_total)
  wait "${pids[@]}" || true
  read -r sig3 drops3 <<<"$(metrics meshgate_token_signatures_total meshgate_catalog_cache_drops_total)"
  python3 - "$dir" "$EDIT_CLIENTS" "$t0" "$s1" "$e0" "$e1" "$r2" "$EDIT_SETTLE" "$EDIT_WINDOW" "$EDIT_READ_AFTER" \
    "$sig0" "$sig1" "$sig2" "$sig3" "$drops0" "$drops3" "$affected" "$built" "$status" "$admin_ms" \
    "$apps" "$EDIT_RATE" "$DURATION" "$WARMUP" "$rehearsal_ms" > "$work/edit.md" <<'PY'
import sys
(d, clients, t0, s1, e0, e1, r2, settle, window, read_after, sig0, sig1, sig2, sig3, drops0, drops3,
 affected, built, status, admin_ms, apps, rate, duration, warmup, rehearsal_ms) = sys.argv[1:]
clients, settle, window, read_after, apps = int(clients), int(settle), int(window), int(read_after), int(apps)
t0, s1, e0, e1, r2 = (int(x) // 1000 for x in (t0, s1, e0, e1, r2))  # µs since epoch, as in h2load's log
rows, called = [], set()  # (start µs, status, ms); silver keys answered 200 between edit and read
for c in range(1, clients + 1):
    keys = [int(u.rsplit("-", 1)[1]) for u in open("%s/urls.%d" % (d, c)).read().split()]
    for i, line in enumerate(open("%s/log.%d" % (d, c))):
        start, code, us = (int(x) for x in line.split("\t")[:3])
        rows.append((start, code, us / 1000))
        key = keys[i % len(keys)]
        if code == 200 and key % 2 == 0 and e1 <= start and start + us <= r2:
            called.add(key)
def pct(v, q):
    return v[max(0, int(len(v) * q) - 1)] if v else float("nan")
def stats(lo, hi):
    sel = [r for r in rows if lo <= r[0] < hi]
    ok = sorted(r[2] for r in sel if r[1] == 200)
    return len(sel), len(sel) - len(ok), pct(ok, 0.5), pct(ok, 0.99), ok[-1] if ok else float("nan")
def num(x):
    try:
        return int(x)
    except ValueError:
        return None
end = min(e0 + window * 1_000_000, t0 + int(duration) * 1_000_000)  # the load may end first
n_s, bad_s, p50_s, p99_s, _ = stats(t0 + settle * 1_000_000, e0)
n_a, bad_a, p50_a, p99_a, max_a = stats(e0, end)
signed = num(sig2) - num(sig1) if None not in (num(sig1), num(sig2)) else "?"
steady_signed = num(sig1) - num(sig0) if None not in (num(sig0), num(sig1)) else "?"
late_signed = num(sig3) - num(sig2) if None not in (num(sig2), num(sig3)) else "?"
ratio = p99_a / p99_s if p99_s else float("nan")
print("## Catalog edit under load (meshgate-edit)")
print()
print("%d apps, split over two plans of one product: gold (odd keys) and silver (even keys); limits that"
      " never bind. h2load, %d processes of one HTTP/1.1 connection each, %s req/s in all, each its own"
      " random order of the keys (`?key=`), %s s after the usual %s s warm-up. At %.1f s one admin call"
      " raises silver's rate limit by one (`PUT /admin/v1/products/{id}/plans/{id}`), which evicts the"
      " tokens of silver's subscriptions." % (apps, clients, rate, duration, warmup, (e0 - t0) / 1e6))
print()
diff = signed - int(affected) if signed != "?" else None
print("* signatures during edit = %s, affected subscriptions = %s%s (`meshgate_token_signatures_total` read"
      " %.0f ms before the edit and %d s after it; affected: the active subscriptions of silver in the admin"
      " API, %s as built; %d of the %d silver keys were answered in between)" % (signed, affected,
      " (%+d)" % diff if diff else "", (e0 - s1) / 1000, read_after, built, len(called), apps // 2))
print("* signatures in the steady part (%.1f s before the edit): %s; from %d s after the edit to the end: %s;"
      " caches dropped whole: %s" % ((e0 - t0) / 1e6 - settle, steady_signed, read_after, late_signed,
      (num(drops3) - num(drops0)) if None not in (num(drops0), num(drops3)) else "?"))
print("* p99 steady = %.3f ms, p99 in the %.1f s after the edit = %.3f ms (B/A = %.2f×); p50 %.3f → %.3f ms;"
      " max after the edit %.3f ms; requests %d steady, %d after; non-200: %d steady, %d after" % (p99_s,
      (end - e0) / 1e6, p99_a, ratio, p50_s, p50_a, max_a, n_s, n_a, bad_s, bad_a))
print("* the edit's admin call: %s ms (HTTP %s); the same edit rehearsed before the load (the first admin"
      " write since the start, not under load): %s ms" % (admin_ms, status, rehearsal_ms))
print("* acceptance: signatures %s affected subscriptions; p99 after the edit %s 2 × steady" % (
      "=" if diff == 0 else "≠", "within" if ratio <= 2 else "NOT within"))
print()
print("| s from the edit | requests | non-200 | p50 ms | p99 ms | max ms |")
print("|---|---|---|---|---|---|")
first = max(-5, -((e0 - t0 - settle * 1_000_000) // 1_000_000))
for k in range(first, -(-(end - e0) // 1_000_000)):
    n, bad, p50, p99, mx = stats(e0 + k * 1_000_000, e0 + (k + 1) * 1_000_000)
    print("| %+d … %+d | %d | %d | %.3f | %.3f | %.3f |" % (k, k + 1, n, bad, p50, p99, mx))
print()
print("Steady: from %d s after the load started to the edit. h2load times a request from when it is sent:"
      " a stall delays a connection's next requests without counting their wait, so a spike reads low."
      % settle)
PY
  cat "$work/edit.md" >&2
}

# Direct to the upstream, for "added latency".
for rate in $RATES; do
  log "direct: fixed rate $rate/s for ${DURATION}s"
  LAT[direct@$rate]=$(rate_run "http://127.0.0.1:$UPSTREAM_PORT/1k" "$rate" "$DURATION")
done

for target in $TARGETS; do
  case "$target" in
    nginx)
      nginx_start nginx nginx-proxy.conf.template -e "s#__PORT__#$NGINX_PORT#g" -e "s#__UPSTREAM_PORT__#$UPSTREAM_PORT#g"
      start=$(date +%s%N)
      wait_200 "http://127.0.0.1:$NGINX_PORT/1k" >/dev/null
      COLD[nginx]=$(( ($(date +%s%N) - start) / 1000000 ))
      master=$(cat "$work/nginx/nginx.pid")
      measure nginx "http://127.0.0.1:$NGINX_PORT/1k" "$start" $(pgrep -P "$master") ;;
    scg)
      jar="$root/bench/peers/spring-cloud-gateway/target/scg-bench.jar"
      # shellcheck disable=SC2086
      start=$(date +%s%N)
      UPSTREAM_URL="http://127.0.0.1:$UPSTREAM_PORT" PORT=$SCG_PORT java ${JAVA_OPTS_SCG:-} -jar "$jar" >"$work/scg.log" 2>&1 &
      scg_pid=$!; pids_to_stop+=("$scg_pid")
      COLD[scg]=$(wait_200 "http://127.0.0.1:$SCG_PORT/1k")
      measure scg "http://127.0.0.1:$SCG_PORT/1k" "$start" "$scg_pid"
      kill "$scg_pid"; wait "$scg_pid" 2>/dev/null || true ;;
    meshgate)
      mg_prepare "$APPS" h2
      start=$(date +%s%N)
      "$wlp/bin/server" start bench-meshgate >/dev/null
      wait_200 "http://127.0.0.1:$MG_PORT/bench/1k" "X-API-Key: bench-key-1" >/dev/null
      COLD[meshgate]=$(( ($(date +%s%N) - start) / 1000000 ))
      mg_pid=$(cat "$wlp/usr/servers/.pid/bench-meshgate.pid")
      measure meshgate "http://127.0.0.1:$MG_PORT/bench/1k" "$start" "$mg_pid"
      "$wlp/bin/server" stop bench-meshgate >/dev/null ;;
    meshgate-scale)
      # The catalog (API, product, plan) comes from the seed file; the apps are bulk-loaded. The
      # heap is what the README's sizing rule gives for this many active apps.
      SCALE_HEAP=$(scale_heap_mib "$ACTIVE")
      MG_HEAP="-Xmx${SCALE_HEAP}m" mg_prepare 0 postgres
      "$wlp/bin/server" start bench-meshgate >/dev/null
      wait_status "http://127.0.0.1:$MG_PORT/bench/1k" 401 # up, migrated, API published
      bulk_load "$SCALE_APPS"
      wait_200 "http://127.0.0.1:$MG_PORT/bench/1k" "X-API-Key: bench-key-1" >/dev/null
      mg_pid=$(cat "$wlp/usr/servers/.pid/bench-meshgate.pid")
      live_histogram "$mg_pid" "$work/histogram-before-walk.txt"
      # One call per active key first (each a cache miss that reads PostgreSQL), then the usual
      # warm-up and runs with keys at random among the active ones.
      log "meshgate-scale: one call for each of $ACTIVE active keys"
      walk_start=$(date +%s) offset=0 SCALE_FAILED=""
      while [ "$offset" -lt "$ACTIVE" ]; do
        done_now=$(WALK=1 OFFSET=$offset KEYS="$ACTIVE" wrk -t2 -c"$CONNECTIONS" -d5s -s "$here/conf/keys.lua" \
          "http://127.0.0.1:$MG_PORT/bench/1k" 2>/dev/null | awk '/requests in/ {print $1}') || done_now=0
        offset=$(( offset + ${done_now:-0} ))
        printf '\r  walked %d of %d keys, %ds' "$(( offset < ACTIVE ? offset : ACTIVE ))" "$ACTIVE" $(( $(date +%s) - walk_start )) >&2
        if [ "${done_now:-0}" -le 0 ]; then
          # Recorded in the table rather than ending the run: the other targets still count.
          SCALE_FAILED="no answers after $offset of $ACTIVE keys ($(grep -c 'OutOfMemoryError' "$srv/logs/messages.log" || true) OutOfMemoryError lines in messages.log; $(kill -0 "$mg_pid" 2>/dev/null && echo "peak RSS $(( $(rss_peak_kib "$mg_pid") / 1024 )) MiB" || echo "the server had exited"))"
          echo >&2; log "meshgate-scale: $SCALE_FAILED"; break
        fi
      done
      echo >&2
      if [ -z "$SCALE_FAILED" ]; then
        # What the active apps hold: live heap after the walk minus before it, per active key.
        live_histogram "$mg_pid" "$work/histogram-after-walk.txt" || true
        KEYS="$ACTIVE" measure meshgate-scale "http://127.0.0.1:$MG_PORT/bench/1k" "$(date +%s%N)" "$mg_pid"
        if ! kill -0 "$mg_pid" 2>/dev/null; then
          # The replica exits on an OutOfMemoryError (jvm.options), which it reports on its console.
          SCALE_FAILED="all $ACTIVE keys walked, then the server exited during the warm-up or the runs under load ($(cat "$srv"/logs/console.log "$srv"/logs/messages.log 2>/dev/null | grep -c 'OutOfMemoryError' || true) OutOfMemoryError lines in its logs; last heap in its GC log: $(grep -o '[0-9]*M->[0-9]*M([0-9]*M)' "$srv/gc.log" 2>/dev/null | tail -1 || true))"
          log "meshgate-scale: $SCALE_FAILED"
        fi
      fi
      COLD[meshgate-scale]="–"
      "$wlp/bin/server" stop bench-meshgate >/dev/null || true ;;
    meshgate-edit)
      mg_prepare "$APPS" h2 two-plans
      start=$(date +%s%N)
      "$wlp/bin/server" start bench-meshgate >/dev/null
      wait_200 "http://127.0.0.1:$MG_PORT/bench/1k" "X-API-Key: bench-key-1" >/dev/null
      # Keys in the query during the warm-up too: the load sends them there.
      KEY_QUERY=key warm_up meshgate-edit "http://127.0.0.1:$MG_PORT/bench/1k" "$start"
      edit_run "$APPS"
      "$wlp/bin/server" stop bench-meshgate >/dev/null ;;
    *) echo "unknown target $target" >&2; exit 2 ;;
  esac
done

# 4. The table.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0 || a + 0 == 0) print "–"; else printf "%.2f", a / b }'; }
added() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-") print "–"; else printf "%.2f", a - b }'; }
{
  echo "# meshgate benchmark $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "$(nproc) CPUs ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(free -m | awk '/Mem:/ {print $2}') MiB,"\
       "$(java -version 2>&1 | sed -n 1p), nginx $(nginx -v 2>&1 | cut -d/ -f2), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)."
  echo "Upstream: nginx, 1 KiB. Saturation: wrk, 2 threads, $CONNECTIONS connections, ${DURATION}s after ${WARMUP}s warm-up."
  echo "Fixed rate: h2load (HTTP/1.1, 10 connections), ${DURATION}s. meshgate: full chain, $APPS apps, keys at random."
  echo
  hdr="| target | req/s | × nginx | × SCG | CPU µs/req | p50 ms (sat.) | p99 ms (sat.) | non-2xx | peak RSS MiB | cold start ms | 90 % of peak after s |"
  sep="|---|---|---|---|---|---|---|---|---|---|---|"
  for rate in $RATES; do hdr="$hdr p50/p99/p99.9 ms @ $rate/s | added p50/p99 @ $rate/s |"; sep="$sep---|---|"; done
  echo "$hdr"; echo "$sep"
  row="| direct (upstream) | | | | | | | | | | |"
  for rate in $RATES; do read -r a b c <<<"${LAT[direct@$rate]:-- - -}"; row="$row $a / $b / $c | |"; done
  echo "$row"
  for t in $TARGETS; do
    [ "$t" = meshgate-edit ] && continue # its own section, below
    row="| $t | ${RPS[$t]:-–} | $(ratio "${RPS[$t]:-}" "${RPS[nginx]:-}") | $(ratio "${RPS[$t]:-}" "${RPS[scg]:-}") | ${CPU[$t]:-–} | ${P50[$t]:-–} | ${P99[$t]:-–} | ${ERR[$t]:-–} | ${RSS[$t]:-–} | ${COLD[$t]:-–} | ${T90[$t]:-–} |"
    for rate in $RATES; do
      read -r a b c <<<"${LAT[$t@$rate]:-- - -}"; read -r da db _ <<<"${LAT[direct@$rate]:-- - -}"
      row="$row $a / $b / $c | $(added "$a" "$da") / $(added "$b" "$db") |"
    done
    echo "$row"
  done
  echo
  echo "CPU µs/req: the server processes' user + system time over the saturation run, per request."
  echo "90 % of peak: from process start (meshgate-scale: from the end of the walk over the active keys) to the"
  echo "end of the first warm-up slice whose rate reached 90 % of the best rate seen."
  for t in $TARGETS; do
    [ -n "${GCW[$t]:-}" ] && echo "Allocation and GC during $t's saturation run (its GC log): ${GCW[$t]}."
  done
  if [ -n "${SCALE_FAILED:-}" ]; then
    echo
    echo "Scale: $SCALE_APPS apps in PostgreSQL, walking $ACTIVE active keys (heap -Xmx${SCALE_HEAP}m${MESHGATE_JVM_OPTS:+, then MESHGATE_JVM_OPTS: $MESHGATE_JVM_OPTS}): **failed**, $SCALE_FAILED."
  elif [ -n "${CPU[meshgate-scale]:-}" ] && [ -n "${CPU[meshgate]:-}" ]; then
    echo
    echo "Scale: $SCALE_APPS apps and subscriptions in PostgreSQL, keys at random from $ACTIVE:" \
         "CPU per request $(ratio "${CPU[meshgate-scale]}" "${CPU[meshgate]}") × the $APPS-app run," \
         "peak RSS ${RSS[meshgate-scale]} MiB; heap -Xmx${SCALE_HEAP}m, the README's sizing for $ACTIVE active apps" \
         "(jvm.options ships 384m)${MESHGATE_JVM_OPTS:+, then MESHGATE_JVM_OPTS: $MESHGATE_JVM_OPTS}."
  fi
  if [ -s "$work/histogram-before-walk.txt" ] && [ -s "$work/histogram-after-walk.txt" ]; then
    before=$(histogram_total "$work/histogram-before-walk.txt")
    after=$(histogram_total "$work/histogram-after-walk.txt")
    if [ -n "$before" ] && [ -n "$after" ]; then
      echo
      echo "Live heap of the scale run (class histograms, after a full collection): $(( before / 1048576 )) MiB" \
           "before the walk, $(( after / 1048576 )) MiB after it: $(awk -v a="$after" -v b="$before" -v n="$ACTIVE" \
           'BEGIN {printf "%.2f", (a - b) / n / 1024}') KiB per active app. Grown most, bytes per active app:"
      echo
      histogram_growth "$work/histogram-before-walk.txt" "$work/histogram-after-walk.txt" "$ACTIVE" 15 |
        awk '{printf "%s`%s` %s", (NR > 1 ? ", " : ""), $1, $2} END {print "."}'
    fi
  fi
  if [[ " $TARGETS " == *" meshgate-edit "* ]] && [ -s "$work/edit.md" ]; then
    echo
    cat "$work/edit.md"
  fi
} > "$work/table.md"
cat "$work/table.md"
if [ -z "$OUT" ]; then
  mkdir -p "$here/results"
  OUT="$here/results/$(date -u +%Y-%m-%d-%H%M)-$(hostname -s)$( [ "$QUICK" = 1 ] && echo -quick || true).md"
fi
cp "$work/table.md" "$OUT"
log "written to $OUT"

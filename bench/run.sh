#!/usr/bin/env bash
# bench/run.sh: Verge vs nginx proxy_cache, side by side, in front of the same
# origin (bench/origin) serving the same objects. See docs/benchmarks.md.
#
#   bench/run.sh                      # both servers pinned to CPU 0, wrk on CPU 1
#   CORES=2 bench/run.sh              # both servers on both cores, wrk shares them
#   DURATION=5s ROUNDS=1 bench/run.sh # quicker
#
# Environment (defaults in brackets):
#   DURATION [10s]   wrk duration per run (wrk syntax: 10s, 1m)
#   WARMUP   [2s]    wrk warm-up per server and size, not measured
#   CONNS    [64]    wrk connections          THREADS [1]  wrk threads
#   ROUNDS   [2]     measured runs per server and size; the order alternates
#   CORES    [1]     1: servers on CPU 0 (GOMAXPROCS=1, worker_processes 1),
#                       wrk and the origin on CPU 1
#                    2: nothing pinned, GOMAXPROCS unset, worker_processes 2
#   SIZES    [1k 100k]             objects for the hit benchmark
#   PACED    [1]     0: skip the paced runs (PACED_DELAY_MS [5] between a
#                    connection's requests: equal load for both servers)
#   TESTS    [hit fn collapse memory] which parts to run
#   FN_SIZE  [1k]    object for the fn test: cache hits with and without a
#                    viewer-response cdn-function (verge) / njs
#                    js_header_filter (nginx) adding two headers
#   FN_COMPUTE       verge serve --function-compute (unset: Verge's 5ms default)
#   FN_ENGINE [0]    1: the function also reads event.request, so Verge cannot
#                    reuse its result and runs the JavaScript on every hit
#   NJS_MODULE [/usr/lib/nginx/modules/ngx_http_js_module.so]
#                    (apt-get install libnginx-mod-http-js)
#   FN_PERF  [0]     1: after the fn runs, perf record -g Verge under the fn
#                    load for FN_PERF_SECS [10] s; report in OUT/perf-fn-coresN.txt
#   COLLAPSE_N [100] SLOW_MS [200] concurrent cold requests; origin delay
#   FILL_N   [2000]  FILL_BUDGET [32MiB] FILL_C [16]  memory test
#   PORT_BASE [18400] six consecutive loopback ports from here
#   NGINX_OPEN_FILE_CACHE [1]  0: leave nginx's open_file_cache off
#   VERGE_BIN        use this verge binary instead of building ./cmd/verge
#   OUT      [bench/out]  where results.md and the raw wrk output go
#   QUIET_PCT [10] QUIET_WAIT [120] RETRIES [2]
#                    before each measured run, wait up to QUIET_WAIT s until
#                    other processes use < QUIET_PCT% of all CPUs; repeat a
#                    run they disturbed up to RETRIES times (shared machines)
#   STRICT   [0]     1: exit 1 when a target is missed
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
CONNS=${CONNS:-64}
THREADS=${THREADS:-1}
ROUNDS=${ROUNDS:-2}
CORES=${CORES:-1}
SIZES=${SIZES:-1k 100k}
TESTS=${TESTS:-hit fn collapse memory}
FN_SIZE=${FN_SIZE:-1k}
FN_COMPUTE=${FN_COMPUTE:-}
FN_ENGINE=${FN_ENGINE:-0}
NJS_MODULE=${NJS_MODULE:-/usr/lib/nginx/modules/ngx_http_js_module.so}
FN_PERF=${FN_PERF:-0}
FN_PERF_SECS=${FN_PERF_SECS:-10}
COLLAPSE_N=${COLLAPSE_N:-100}
SLOW_MS=${SLOW_MS:-200}
FILL_N=${FILL_N:-2000}
FILL_C=${FILL_C:-16}
FILL_BUDGET=${FILL_BUDGET:-32MiB}
PORT_BASE=${PORT_BASE:-18400}
OUT=${OUT:-bench/out}
STRICT=${STRICT:-0}

ORIGIN_PORT=$PORT_BASE
VERGE_PORT=$((PORT_BASE + 1))
VERGE_ADMIN=$((PORT_BASE + 2))
NGINX_PORT=$((PORT_BASE + 3))
VERGE2_PORT=$((PORT_BASE + 4))
VERGE2_ADMIN=$((PORT_BASE + 5))
ORIGIN=http://127.0.0.1:$ORIGIN_PORT

for tool in wrk nginx curl taskset go; do
	command -v "$tool" >/dev/null || [[ -x /usr/sbin/$tool ]] || {
		echo "run.sh: $tool not found (apt-get install nginx-light wrk curl util-linux)" >&2
		exit 2
	}
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
FN=0
if [[ " $TESTS " == *" fn "* ]]; then
	FN=1
	[[ -r $NJS_MODULE ]] || {
		echo "run.sh: the fn test needs njs: $NJS_MODULE not found (apt-get install libnginx-mod-http-js, or set NJS_MODULE)" >&2
		exit 2
	}
	if [[ $FN_PERF == 1 ]] && ! command -v perf >/dev/null; then
		echo "run.sh: FN_PERF=1 needs perf" >&2
		exit 2
	fi
fi

case $CORES in
1)
	SERVER_PIN=(taskset -c 0)
	CLIENT_PIN=(taskset -c 1)
	VERGE_ENV=(GOMAXPROCS=1)
	NGINX_WORKERS=1
	;;
2)
	SERVER_PIN=()
	CLIENT_PIN=()
	VERGE_ENV=()
	NGINX_WORKERS=2
	;;
*)
	echo "run.sh: CORES must be 1 or 2" >&2
	exit 2
	;;
esac
if [[ $CORES == 1 && $(nproc) -lt 2 ]]; then
	echo "run.sh: CORES=1 needs 2 CPUs (servers on CPU 0, wrk on CPU 1)" >&2
	exit 2
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/verge-bench.XXXXXX")
PIDS=()
cleanup() {
	local pid i
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${PIDS[@]}"; do
		# bounded: up to 15 s each, then SIGKILL; a zombie counts as gone
		for ((i = 0; i < 150; i++)); do
			[[ -e /proc/$pid && $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]] || break
			sleep 0.1
		done
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '==> %s\n' "$*" >&2; }
die() {
	printf 'run.sh: %s\n' "$*" >&2
	exit 1
}

# seconds DURATION: wrk's duration syntax in whole seconds.
seconds() {
	local d=$1
	case $d in
	*h) echo $((${d%h} * 3600)) ;;
	*m) echo $((${d%m} * 60)) ;;
	*s) echo "${d%s}" ;;
	*) echo "$d" ;;
	esac
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_http URL: poll until it answers, up to 10 s.
wait_http() {
	local i
	for ((i = 0; i < 100; i++)); do
		curl -fsS -o /dev/null --max-time 1 "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	die "no answer from $1"
}

rss_kb() { awk '/^VmRSS:/{print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM:/{print $2}' "/proc/$1/status"; }
mb() { awk -v k="$1" 'BEGIN{printf "%.1f", k/1024}'; }

# nginx_rss_kb: master plus workers.
nginx_rss_kb() {
	local total=0 pid
	for pid in $NGINX_PID $(ps -o pid= --ppid "$NGINX_PID"); do
		total=$((total + $(rss_kb "$pid")))
	done
	echo "$total"
}

origin_count() { curl -fsS --max-time 5 "$ORIGIN/_count?path=$1" | sed -n 's/.*"count":\([0-9]*\).*/\1/p'; }
origin_reset() { curl -fsS --max-time 5 -o /dev/null "$ORIGIN/_reset"; }

# x_cache URL: the X-Cache header of a GET.
x_cache() { curl -fsS --max-time 10 -o /dev/null -D - "$1" | tr -d '\r' | sed -n 's/^[Xx]-[Cc]ache: //p'; }

# ---------------------------------------------------------------- build
for p in $ORIGIN_PORT $VERGE_PORT $VERGE_ADMIN $NGINX_PORT $VERGE2_PORT $VERGE2_ADMIN; do
	port_free "$p" || die "port $p is in use (set PORT_BASE)"
done
mkdir -p "$TMP/bin" "$OUT"
rm -f "$OUT"/wrk-cores"$CORES"-*.txt # this run's raw output replaces the last one's
log "building"
if [[ -n ${VERGE_BIN:-} ]]; then
	cp "$VERGE_BIN" "$TMP/bin/verge"
else
	go build -o "$TMP/bin/verge" ./cmd/verge
fi
go build -o "$TMP/bin/origin" ./bench/origin
go build -o "$TMP/bin/collapse" ./bench/collapse
go build -o "$TMP/bin/fill" ./bench/fill

# ---------------------------------------------------------------- origin
"${CLIENT_PIN[@]}" "$TMP/bin/origin" -listen "127.0.0.1:$ORIGIN_PORT" -slow-ms "$SLOW_MS" 2>"$TMP/origin.log" &
ORIGIN_PID=$!
PIDS+=("$ORIGIN_PID")
wait_http "$ORIGIN/_count"

# ---------------------------------------------------------------- verge
mkdir -p "$TMP/stack/public"
echo '<!doctype html><title>bench</title>' >"$TMP/stack/public/index.html"
# The fn test's route /f/* is /o/* with a viewer-response cdn-function (it
# runs on every response, hits included, on the fast path; it reads only the
# response, so Verge reuses its result for hits of the same entry and Age,
# unless FN_ENGINE=1 makes it read the request too). The nginx side's njs
# filter below sets the same headers.
FN_HSTS='max-age=63072000; includeSubdomains; preload'
FN_ROUTE=""
FN_RESOURCE=""
if ((FN)); then
	FN_ROUTE="          - path: /f/*
            routeTo:
              type: custom-origin
              properties: {url: \"$ORIGIN\"}
            edgeFunctions:
              onResponse: securityHeaders"
	FN_RESOURCE="  securityHeaders:
    type: cdn-function
    properties:
      entryfilePath: headers.js"
	cat >"$TMP/stack/headers.js" <<EOF
function handler(event) {
    var response = event.response;$( ((FN_ENGINE)) && printf '\n    if (event.request.method === "OPTIONS") { response.statusCode = 204; }')
    response.headers['strict-transport-security'] = { value: '$FN_HSTS' };
    response.headers['x-frame-options'] = { value: 'DENY' };
    return response;
}
EOF
fi
cat >"$TMP/stack/verge.yaml" <<EOF
resources:
  site:
    type: bucket
    properties:
      directory: ./public
      cdn:
        enabled: true
        routeRewrites:
          - path: /o/*
            routeTo:
              type: custom-origin
              properties: {url: "$ORIGIN"}
$FN_ROUTE
$FN_RESOURCE
EOF

# start_verge PORT ADMIN [flags...]: starts a verge serve; sets STARTED_PID.
start_verge() {
	local port=$1 admin=$2
	shift 2
	env "${VERGE_ENV[@]}" "${SERVER_PIN[@]}" "$TMP/bin/verge" serve "$TMP/stack" \
		--listen "127.0.0.1:$port" --admin "127.0.0.1:$admin" --access-log off \
		--data "$TMP/verge-data-$port" "$@" >"$TMP/verge-$port.log" 2>&1 &
	STARTED_PID=$!
	PIDS+=("$STARTED_PID")
	wait_http "http://127.0.0.1:$admin/healthz"
}

# admin_curl PORT PATH: GETs an admin endpoint of the verge started with
# start_verge PORT, with the token it wrote in its data folder.
admin_curl() {
	curl -fsS --max-time 5 -H "Authorization: Bearer $(cat "$TMP/verge-data-$1/admin-token")" "$2"
}
VERGE_FN_FLAGS=()
[[ -n $FN_COMPUTE ]] && VERGE_FN_FLAGS=(--function-compute "$FN_COMPUTE")
start_verge "$VERGE_PORT" "$VERGE_ADMIN" "${VERGE_FN_FLAGS[@]}"
VERGE_PID=$STARTED_PID
sleep 1
VERGE_IDLE_RSS=$(rss_kb "$VERGE_PID")
log "verge pid $VERGE_PID, idle RSS $(mb "$VERGE_IDLE_RSS") MB"

# ---------------------------------------------------------------- nginx
mkdir -p "$TMP/nginx/cache" "$TMP/nginx/tmp"
NGINX_USER=""
if [[ $EUID -eq 0 ]]; then
	NGINX_USER="user root;" # workers must reach the temp dir
fi
NGINX_OFC=""
if [[ ${NGINX_OPEN_FILE_CACHE:-1} == 1 ]]; then
	# keeps cache files' descriptors open between hits instead of an
	# open/fstat/close per request: worth ~1.4x on 1 KiB hits
	NGINX_OFC="    open_file_cache max=10000 inactive=60s;
    open_file_cache_valid 60s;"
fi
NGINX_NJS_MODULE=""
NGINX_NJS_IMPORT=""
NGINX_FN_LOCATION=""
if ((FN)); then
	# njs runs a header filter on every response, cache hits included
	NGINX_NJS_MODULE="load_module $NJS_MODULE;"
	NGINX_NJS_IMPORT="    js_import bench_headers from $TMP/nginx/headers.js;"
	NGINX_FN_LOCATION="        location /f/ {
            proxy_pass http://origin;
            proxy_http_version 1.1;
            proxy_set_header Connection \"\";
            proxy_cache bench;
            proxy_cache_valid 200 1h;
            proxy_cache_lock on;
            proxy_cache_lock_timeout 10s;
            proxy_cache_lock_age 10s;
            add_header X-Cache \$upstream_cache_status always;
            js_header_filter bench_headers.securityHeaders;
        }"
	cat >"$TMP/nginx/headers.js" <<EOF
function securityHeaders(r) {
    r.headersOut['Strict-Transport-Security'] = '$FN_HSTS';
    r.headersOut['X-Frame-Options'] = 'DENY';
}
export default { securityHeaders };
EOF
fi
cat >"$TMP/nginx/nginx.conf" <<EOF
$NGINX_USER
$NGINX_NJS_MODULE
worker_processes $NGINX_WORKERS;
daemon off;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    # tcp_nopush stays off (nginx's default): with sendfile over loopback it
    # stalls 100 KiB responses ~40 ms (1.7k req/s instead of 17k here)
$NGINX_OFC
    tcp_nodelay on;
    keepalive_timeout 120s;
    keepalive_requests 1000000;
    client_body_temp_path $TMP/nginx/tmp/body;
    proxy_temp_path $TMP/nginx/tmp/proxy;
    fastcgi_temp_path $TMP/nginx/tmp/fastcgi;
    uwsgi_temp_path $TMP/nginx/tmp/uwsgi;
    scgi_temp_path $TMP/nginx/tmp/scgi;
    proxy_cache_path $TMP/nginx/cache levels=1:2 keys_zone=bench:16m max_size=1g inactive=60m use_temp_path=off;
$NGINX_NJS_IMPORT
    upstream origin {
        server 127.0.0.1:$ORIGIN_PORT;
        keepalive 64;
    }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location /o/ {
            proxy_pass http://origin;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_cache bench;
            proxy_cache_valid 200 1h;
            proxy_cache_lock on;
            proxy_cache_lock_timeout 10s;
            proxy_cache_lock_age 10s;
            add_header X-Cache \$upstream_cache_status always;
        }
$NGINX_FN_LOCATION
    }
}
EOF
"$NGINX" -e "$TMP/nginx/error.log" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -t -q ||
	die "nginx config test failed: $TMP/nginx/error.log"
"${SERVER_PIN[@]}" "$NGINX" -e "$TMP/nginx/error.log" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
wait_http "http://127.0.0.1:$NGINX_PORT/o/1k"

VERGE=http://127.0.0.1:$VERGE_PORT
NGINXURL=http://127.0.0.1:$NGINX_PORT
url_of() { if [[ $1 == verge ]]; then echo "$VERGE"; else echo "$NGINXURL"; fi; }

# ---------------------------------------------------------------- machine
CPU_MODEL=$(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)
MACHINE="$(nproc) CPUs, ${CPU_MODEL:-unknown CPU}, $(awk '/^MemTotal:/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
VERSIONS="$(go version | awk '{print $3}'), $("$NGINX" -v 2>&1 | sed 's/^nginx version: //'), $( (wrk --version 2>&1 || true) | head -1 | awk '{print $1" "$2}')"
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git --no-optional-locks -C "$ROOT" status --porcelain 2>/dev/null | head -1) ]]; then COMMIT="$COMMIT (dirty tree)"; fi
# a given binary may be built from anything: say so next to the tree's commit
[[ -n ${VERGE_BIN:-} ]] && COMMIT="binary $VERGE_BIN (VERGE_BIN; the tree is at $COMMIT)"
if [[ $CORES == 1 ]]; then
	PLACEMENT="servers pinned to CPU 0 (verge GOMAXPROCS=1, nginx worker_processes 1); wrk and origin pinned to CPU 1"
else
	PLACEMENT="nothing pinned: verge GOMAXPROCS=$(nproc), nginx worker_processes 2, wrk shares the same cores"
fi

MD=$TMP/results.md
{
	echo "## Verge vs nginx proxy_cache ($(date -u '+%Y-%m-%d %H:%M UTC'))"
	echo
	echo "- Machine: $MACHINE"
	echo "- Versions: $VERSIONS; verge $COMMIT"
	echo "- Placement (CORES=$CORES): $PLACEMENT"
	echo "- Load: \`wrk -t$THREADS -c$CONNS -d$DURATION --latency\`, $ROUNDS round(s) per server, size and mode, order alternating, after a $WARMUP warm-up"
	echo "- nginx: proxy_cache (files under ${TMPDIR:-/tmp}), sendfile on, tcp_nopush off, keepalive to the origin, open_file_cache $([[ ${NGINX_OPEN_FILE_CACHE:-1} == 1 ]] && echo on || echo off); verge: memory cache (256 MiB default), access log off"
	echo
} >"$MD"

FAILURES=()
miss() { FAILURES+=("$1"); }

# ---------------------------------------------------------------- hit benchmark
# to_ms VALUE: wrk latency (850.00us, 1.23ms, 1.02s, 2.00m) in ms.
to_ms() {
	awk -v v="$1" 'BEGIN{
		if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v/1000 }
		else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
		else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.3f", v*60000 }
		else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v*1000 }
		else print "nan" }'
}

# CPU accounting, so that a run disturbed by other work on the machine is
# visible. other% is the CPU time of every process but ours (servers, origin,
# this script and its children such as wrk) and kernel threads (which do
# our loopback traffic's softirq work), as a share of all CPUs. A process
# that exits between two readings is still counted, through its parent's
# cutime/cstime.
CLK_TCK=$(getconf CLK_TCK)
NCPU=$(nproc)
pid_jiffies() {
	local t=0 pid
	for pid; do
		[[ -r /proc/$pid/stat ]] && t=$((t + $(awk '{sub(/^.*\) /, ""); print $12+$13}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
	done
	echo "$t"
}
server_pids() {
	if [[ $1 == verge ]]; then echo "$VERGE_PID"; else echo "$NGINX_PID" $(ps -o pid= --ppid "$NGINX_PID"); fi
}
all_pids() { echo "$$" "$ORIGIN_PID" "$VERGE_PID" "${V2_PID:-}" $(server_pids nginx); }
# foreign_jiffies [PID...]: CPU time (with reaped children) of processes
# not ours; PIDs are more of ours (a subshell that ran wrk).
foreign_jiffies() {
	local excl
	excl=" $(all_pids) $* "
	# cat fails when a process exits between the glob and the read: with
	# pipefail that must not end the script.
	{ cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v excl="$excl" '{
		pid = $1; sub(/^.*\) /, "")
		# now $1 = state, $2 = ppid, $12..$15 = utime stime cutime cstime
		if (pid == 2 || $2 == 2 || index(excl, " " pid " ")) next
		t += $12 + $13 + $14 + $15
	} END { printf "%d", t }'
}
steal_jiffies() { awk '/^cpu /{print $9; exit}' /proc/stat; }

# other_busy_pct: CPU use outside our processes over one second, in %.
other_busy_pct() {
	local f0 f1 w0 w1
	f0=$(foreign_jiffies)
	w0=$EPOCHREALTIME
	sleep 1
	f1=$(foreign_jiffies)
	w1=$EPOCHREALTIME
	awk -v d=$((f1 - f0)) -v a="$w0" -v b="$w1" -v hz="$CLK_TCK" -v n="$NCPU" \
		'BEGIN{v = 100*d/(hz*n*(b-a)); printf "%.0f", v < 0 ? 0 : v}'
}

# wait_quiet: wait (up to QUIET_WAIT seconds) until other processes use less
# than QUIET_PCT% of the machine; prints the last reading.
QUIET_PCT=${QUIET_PCT:-10}
RETRIES=${RETRIES:-2}
QUIET_WAIT=${QUIET_WAIT:-120}
wait_quiet() {
	local busy i
	for ((i = 0; i < QUIET_WAIT; i++)); do
		busy=$(other_busy_pct)
		((busy < QUIET_PCT)) && break
		((i % 10)) || log "machine busy (${busy}% CPU used by other processes), waiting"
	done
	echo "$busy"
}

# run_wrk SERVER OBJECT DURATION TAG [LUA]: one wrk run; prints
# "req/s p50-ms p99-ms errors server-cpu% other-cpu% steal%". OBJECT is a
# size (the path is /o/SIZE) or a path without its leading slash (f/1k).
run_wrk() {
	local server=$1 size=$2 dur=$3 tag=$4 script=() out path
	[[ -n ${5:-} ]] && script=(-s "$5")
	path=/o/$size
	[[ $size == */* ]] && path=/$size
	out=$OUT/wrk-cores$CORES-$server-${size//\//-}-$tag.txt
	local s0 f0 t0 w0 s1 f1 t1 w1 me=$BASHPID
	s0=$(pid_jiffies $(server_pids "$server"))
	f0=$(foreign_jiffies "$me")
	t0=$(steal_jiffies)
	w0=$EPOCHREALTIME
	timeout $(($(seconds "$dur") + 30)) "${CLIENT_PIN[@]}" \
		wrk -t"$THREADS" -c"$CONNS" -d"$dur" --latency "${script[@]}" "$(url_of "$server")$path" >"$out" 2>&1 ||
		die "wrk failed against $server: $(cat "$out")"
	w1=$EPOCHREALTIME
	t1=$(steal_jiffies)
	f1=$(foreign_jiffies "$me")
	s1=$(pid_jiffies $(server_pids "$server"))
	local rps p50 p99 errs
	rps=$(awk '/^Requests\/sec:/{print $2}' "$out")
	p50=$(to_ms "$(awk '$1=="50%"{print $2}' "$out")")
	p99=$(to_ms "$(awk '$1=="99%"{print $2}' "$out")")
	errs=$(awk '/Non-2xx or 3xx responses:/{n+=$NF} /Socket errors:/{gsub(/,/,""); n+=$4+$6+$8+$10} END{print n+0}' "$out")
	awk -v rps="$rps" -v p50="$p50" -v p99="$p99" -v errs="$errs" -v srv=$((s1 - s0)) -v other=$((f1 - f0)) \
		-v steal=$((t1 - t0)) -v a="$w0" -v b="$w1" -v hz="$CLK_TCK" -v n="$NCPU" 'BEGIN{
			secs = b - a; o = 100*other/(hz*n*secs); if (o < 0) o = 0
			printf "%s %s %s %s %.0f %.0f %.0f\n", rps, p50, p99, errs, 100*srv/(hz*secs), o, 100*steal/(hz*n*secs) }'
}

# The paced mode: each connection waits PACED_DELAY_MS between requests, so
# both servers get about the same offered load, below saturation.
PACED=${PACED:-1}
PACED_DELAY_MS=${PACED_DELAY_MS:-5}
echo "function delay() return $PACED_DELAY_MS end" >"$TMP/paced.lua"

declare -A RPS P50 P99 ERRS SCPU
NOISY=0
MAX_OTHER=0
mean() { echo "$1" | awk '{s=0; for(i=1;i<=NF;i++) s+=$i; printf "%.2f", s/NF}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a/b; else print "nan" }'; }

# measured MODE SERVER OBJECT ROUND [LUA]: one measured wrk run (see
# run_wrk), repeated when other work disturbed it; adds the result to the
# tables under MODE,SERVER,OBJECT and a row to $RAW.
RAW=$TMP/raw.md
measured() {
	local mode=$1 server=$2 size=$3 r=$4 script=${5:-} attempt quiet res rps p50 p99 errs scpu other steal k
	for ((attempt = 0; ; attempt++)); do
		quiet=$(wait_quiet)
		log "$mode $size round $r: $server ($DURATION)"
		res=$(run_wrk "$server" "$size" "$DURATION" "$mode-r$r" "$script")
		read -r rps p50 p99 errs scpu other steal <<<"$res"
		((other >= QUIET_PCT && attempt < RETRIES)) || break
		log "other processes used ${other}% CPU during the run: repeating it"
	done
	k=$mode,$server,$size
	RPS[$k]="${RPS[$k]:-} $rps"
	P50[$k]="${P50[$k]:-} $p50"
	P99[$k]="${P99[$k]:-} $p99"
	SCPU[$k]="${SCPU[$k]:-} $scpu"
	ERRS[$k]=$((${ERRS[$k]:-0} + errs))
	if ((quiet >= QUIET_PCT || other >= QUIET_PCT)); then NOISY=$((NOISY + 1)); fi
	MAX_OTHER=$((other > MAX_OTHER ? other : MAX_OTHER))
	echo "| $mode | $size | $r | $server | $rps | $p50 | $p99 | $errs | $scpu | $quiet / $other | $steal |" >>"$RAW"
	printf '    %-9s %-6s %-5s round %d: %10s req/s  p50 %7s ms  p99 %7s ms  errors %s  server CPU %s%%  other CPU %s%% / %s%%\n' \
		"$mode" "$server" "$size" "$r" "$rps" "$p50" "$p99" "$errs" "$scpu" "$quiet" "$other" >&2
}

# measure MODE: ROUNDS rounds per size, alternating the server order.
measure() {
	local mode=$1 size r server order script=""
	[[ $mode == paced ]] && script=$TMP/paced.lua
	for size in $SIZES; do
		for ((r = 1; r <= ROUNDS; r++)); do
			if ((r % 2)); then order="verge nginx"; else order="nginx verge"; fi
			for server in $order; do
				measured "$mode" "$server" "$size" "$r" "$script"
			done
		done
	done
}

# wait_hit SERVER URL: GET URL until the server answers it from its cache.
wait_hit() {
	local i xc
	for ((i = 0; i < 20; i++)); do
		xc=$(x_cache "$2")
		[[ $xc == Hit* || $xc == HIT ]] && return 0
		sleep 0.1
	done
	die "$1 never served $2 from cache (X-Cache: $xc)"
}

if [[ " $TESTS " == *" hit "* ]]; then
	log "warming caches"
	for size in $SIZES; do
		for server in verge nginx; do
			wait_hit "$server" "$(url_of "$server")/o/$size"
			run_wrk "$server" "$size" "$WARMUP" warmup >/dev/null
		done
	done
	origin_reset

	{
		echo "| mode | object | round | server | req/s | p50 (ms) | p99 (ms) | errors | server CPU % | other processes' CPU % (before / during) | steal % |"
		echo "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|"
	} >"$TMP/raw.md"
	measure saturated
	VERGE_LOADED_RSS=$(rss_kb "$VERGE_PID")
	NGINX_LOADED_RSS=$(nginx_rss_kb)
	if ((PACED)); then measure paced; fi

	{
		echo "### Cache hits, saturated (mean of $ROUNDS round(s))"
		echo
		echo "wrk keeps $CONNS connections busy: the server's CPU is the limit (for large objects, possibly wrk's)."
		echo
		echo "| object | verge req/s | nginx req/s | **req/s verge/nginx** | verge p99 (ms) | nginx p99 (ms) | **p99 verge/nginx** | server CPU % (v/n) | req per CPU-second verge/nginx | errors (v/n) |"
		echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
	} >>"$MD"
	for size in $SIZES; do
		vr=$(mean "${RPS[saturated,verge,$size]}")
		nr=$(mean "${RPS[saturated,nginx,$size]}")
		vp=$(mean "${P99[saturated,verge,$size]}")
		np=$(mean "${P99[saturated,nginx,$size]}")
		vc=$(mean "${SCPU[saturated,verge,$size]}")
		nc=$(mean "${SCPU[saturated,nginx,$size]}")
		rr=$(ratio "$vr" "$nr")
		pr=$(ratio "$vp" "$np")
		er=$(awk -v a="$vr" -v b="$nr" -v c="$vc" -v d="$nc" 'BEGIN{ if (c > 0 && d > 0) printf "%.2fx", (a/c)/(b/d); else print "n/a" }')
		e1=${ERRS[saturated,verge,$size]}
		e2=${ERRS[saturated,nginx,$size]}
		echo "| $size | $vr | $nr | **${rr}x** | $vp | $np | **${pr}x** | ${vc%.*}/${nc%.*} | $er | $e1/$e2 |" >>"$MD"
		awk -v r="$rr" 'BEGIN{exit !(r >= 0.85)}' || miss "hit $size: req/s ${rr}x nginx (target >= 0.85x)"
		awk -v r="$pr" 'BEGIN{exit !(r <= 1.5)}' || miss "hit $size: p99 ${pr}x nginx at saturation (target <= 1.5x)"
		((e1 + e2 == 0)) || miss "hit $size: wrk saw errors"
	done
	echo >>"$MD"
	if ((PACED)); then
		{
			echo "### Cache hits, paced (mean of $ROUNDS round(s))"
			echo
			echo "Each connection waits ${PACED_DELAY_MS} ms between requests (wrk \`delay()\`), so both servers get about the same load, below saturation: latency and CPU per request for the same work."
			echo
			echo "| object | verge req/s | nginx req/s | verge p50 (ms) | nginx p50 (ms) | verge p99 (ms) | nginx p99 (ms) | **p99 verge/nginx** | server CPU % (v/n) | **CPU per request verge/nginx** |"
			echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
		} >>"$MD"
		for size in $SIZES; do
			vr=$(mean "${RPS[paced,verge,$size]}")
			nr=$(mean "${RPS[paced,nginx,$size]}")
			v5=$(mean "${P50[paced,verge,$size]}")
			n5=$(mean "${P50[paced,nginx,$size]}")
			vp=$(mean "${P99[paced,verge,$size]}")
			np=$(mean "${P99[paced,nginx,$size]}")
			vc=$(mean "${SCPU[paced,verge,$size]}")
			nc=$(mean "${SCPU[paced,nginx,$size]}")
			pr=$(ratio "$vp" "$np")
			cr=$(awk -v a="$vr" -v b="$nr" -v c="$vc" -v d="$nc" 'BEGIN{ if (a > 0 && b > 0 && d > 0) printf "%.2fx", (c/a)/(d/b); else print "n/a" }')
			echo "| $size | $vr | $nr | $v5 | $n5 | $vp | $np | **${pr}x** | ${vc%.*}/${nc%.*} | **$cr** |" >>"$MD"
			awk -v r="$pr" 'BEGIN{exit !(r <= 1.5)}' || miss "hit $size: p99 ${pr}x nginx at equal (paced) load (target <= 1.5x)"
			((${ERRS[paced,verge,$size]} + ${ERRS[paced,nginx,$size]} == 0)) || miss "paced $size: wrk saw errors"
		done
		echo >>"$MD"
	fi
	leaked=""
	for size in $SIZES; do
		c=$(origin_count "/o/$size")
		[[ $c == 0 ]] || leaked="$leaked /o/$size:$c"
	done
	{
		echo "Targets: req/s >= 0.85x nginx (goal >= 1.0x), p99 <= 1.5x nginx."
		echo "Server CPU % is the server's CPU time over the run's wall time (100 = one core)."
		if ((NOISY)); then
			echo
			echo "**Warning: $NOISY run(s) shared the machine with other work (up to ${MAX_OTHER}% of all CPUs used by other processes; see the last columns below). Treat these numbers as unreliable and rerun on a quiet machine.**"
		fi
		echo
		if [[ -z $leaked ]]; then
			echo "The origin saw 0 requests during the measured runs: every response was a cache hit."
		else
			echo "The origin saw requests during the measured runs:$leaked (not pure cache hits)."
		fi
		echo
		echo "<details><summary>Each run</summary>"
		echo
		cat "$TMP/raw.md"
		echo
		echo "</details>"
		echo
	} >>"$MD"
	[[ -z $leaked ]] || miss "origin saw requests during hit runs:$leaked"
fi

# ---------------------------------------------------------------- cdn-function
# Cache hits of one object with and without a viewer-response function that
# adds two headers: verge's cdn-function (/f/) against verge without one
# (/o/, the fast path), and against nginx's njs js_header_filter (/f/).
# nginx without njs (/o/) is measured too, for njs's own cost.
if ((FN)); then
	RAW=$TMP/raw-fn.md
	{
		echo "| mode | object | round | server | req/s | p50 (ms) | p99 (ms) | errors | server CPU % | other processes' CPU % (before / during) | steal % |"
		echo "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|"
	} >"$RAW"
	FN_CHECKS=$TMP/fn-checks.md
	: >"$FN_CHECKS"
	# fn_check WHEN SERVER PATH WANT [CURL-FLAGS...]: the response must be a
	# cache hit, with both headers (WANT=1) or neither (WANT=0); adds a row
	# to the report; false when it is not so.
	fn_check() {
		local when=$1 server=$2 path=$3 want=$4 head n=0 xc hsts xfo method=GET
		shift 4
		[[ " $* " == *" -I "* ]] && method=HEAD
		head=$(curl -fsS --max-time 10 -o /dev/null -D - "$@" "$(url_of "$server")$path" | tr -d '\r') || return 1
		xc=$(sed -n 's/^[Xx]-[Cc]ache: //p' <<<"$head")
		hsts=$(sed -n 's/^[Ss]trict-[Tt]ransport-[Ss]ecurity: //p' <<<"$head")
		xfo=$(sed -n 's/^[Xx]-[Ff]rame-[Oo]ptions: //p' <<<"$head")
		[[ $hsts == "$FN_HSTS" ]] && n=$((n + 1))
		[[ $xfo == DENY ]] && n=$((n + 1))
		echo "| $when | $server | $method $path | \`${xc:-none}\` | \`${hsts:-none}\` | \`${xfo:-none}\` |" >>"$FN_CHECKS"
		[[ $xc == Hit* || $xc == HIT ]] || return 1
		if ((want)); then ((n == 2)); else ((n == 0)) && [[ -z $hsts && -z $xfo ]]; fi
	}
	FN_RUNS=("verge o/$FN_SIZE" "verge f/$FN_SIZE" "nginx f/$FN_SIZE" "nginx o/$FN_SIZE")
	log "fn: warming caches, checking the headers"
	for v in "${FN_RUNS[@]}"; do
		read -r server obj <<<"$v"
		wait_hit "$server" "$(url_of "$server")/$obj"
		want=0
		[[ $obj == f/* ]] && want=1
		fn_check before "$server" "/$obj" "$want" -I ||
			die "fn: $server HEAD /$obj: not a hit with the expected headers (want both: $want): $(tail -1 "$FN_CHECKS")"
		fn_check before "$server" "/$obj" "$want" ||
			die "fn: $server GET /$obj: not a hit with the expected headers (want both: $want): $(tail -1 "$FN_CHECKS")"
		run_wrk "$server" "$obj" "$WARMUP" warmup >/dev/null
	done
	origin_reset
	fn_log=$TMP/verge-$VERGE_PORT.log
	fn_fail0=$(grep -c 'msg="function failed"' "$fn_log" || true)
	for ((r = 1; r <= ROUNDS; r++)); do
		order=("${FN_RUNS[@]}")
		if ! ((r % 2)); then order=("${FN_RUNS[3]}" "${FN_RUNS[2]}" "${FN_RUNS[1]}" "${FN_RUNS[0]}"); fi
		for v in "${order[@]}"; do
			read -r server obj <<<"$v"
			measured fn "$server" "$obj" "$r"
		done
	done
	fn_fails=$(($(grep -c 'msg="function failed"' "$fn_log" || true) - fn_fail0))
	fn_reasons=$(grep 'msg="function failed"' "$fn_log" | sed -n 's/.* error="\([^"]*\)".*/\1/p' | sort | uniq -c | sort -rn | head -3 |
		awk '{n=$1; $1=""; sub(/^ /, ""); printf "%s%s × %s", (NR>1 ? "; " : ""), n, $0}' || true)
	fn_after_ok=1
	for v in "${FN_RUNS[@]}"; do
		read -r server obj <<<"$v"
		want=0
		[[ $obj == f/* ]] && want=1
		fn_check after "$server" "/$obj" "$want" || fn_after_ok=0
	done
	fn_leaked=""
	for obj in o/$FN_SIZE f/$FN_SIZE; do
		c=$(origin_count "/$obj")
		[[ $c == 0 ]] || fn_leaked="$fn_leaked /$obj:$c"
	done

	# the means, and server CPU microseconds per request
	declare -A FR FP5 FP9 FC FU FE
	for v in "${FN_RUNS[@]}"; do
		read -r server obj <<<"$v"
		k=fn,$server,$obj
		FR[$v]=$(mean "${RPS[$k]}")
		FP5[$v]=$(mean "${P50[$k]}")
		FP9[$v]=$(mean "${P99[$k]}")
		FC[$v]=$(mean "${SCPU[$k]}")
		FU[$v]=$(awk -v c="${FC[$v]}" -v r="${FR[$v]}" 'BEGIN{ if (r > 0) printf "%.1f", c*1e4/r; else print "nan" }')
		FE[$v]=${ERRS[$k]}
	done
	vo=${FN_RUNS[0]} vf=${FN_RUNS[1]} nf=${FN_RUNS[2]} no=${FN_RUNS[3]}
	r_self=$(ratio "${FR[$vf]}" "${FR[$vo]}")
	r_njs=$(ratio "${FR[$vf]}" "${FR[$nf]}")
	r_nginx=$(ratio "${FR[$nf]}" "${FR[$no]}")
	{
		echo "### cdn-function on cache hits ($FN_SIZE, saturated, mean of $ROUNDS round(s))"
		echo
		echo "The same $FN_SIZE object, always a cache hit, with and without a viewer-response function that adds \`Strict-Transport-Security: $FN_HSTS\` and \`X-Frame-Options: DENY\`. Verge runs it as a \`cdn-function\` (CloudFront Functions JavaScript, in process; such hits stay on the fast path, which runs the function and writes what it returns$( ((FN_ENGINE)) && echo "; \`FN_ENGINE=1\`: the function reads the request too, so it runs on every hit" || echo ", reusing the result of a function that reads only the response for hits of the same entry and Age")$([[ -n $FN_COMPUTE ]] && echo ", \`--function-compute $FN_COMPUTE\`")); nginx as an njs \`js_header_filter\` on a \`proxy_cache\` location. Same load and placement as the hit test; the order alternates per round."
		echo
		echo "| server, path | function | req/s | p50 (ms) | p99 (ms) | server CPU % | server CPU µs per request | errors (non-2xx, socket) |"
		echo "|---|---|---:|---:|---:|---:|---:|---:|"
		for v in "$vo" "$vf" "$nf" "$no"; do
			read -r server obj <<<"$v"
			case $v in
			"$vo") fn_what="none (fast path)" ;;
			"$vf") fn_what="cdn-function, viewer-response (fast path)" ;;
			"$nf") fn_what="njs js_header_filter" ;;
			*) fn_what="none" ;;
			esac
			echo "| $server /$obj | $fn_what | ${FR[$v]} | ${FP5[$v]} | ${FP9[$v]} | ${FC[$v]%.*} | ${FU[$v]} | ${FE[$v]} |"
		done
		echo
		echo "| ratio | **req/s** | p99 | server CPU per request | target |"
		echo "|---|---:|---:|---:|---|"
		echo "| verge with function / verge without | **${r_self}x** | $(ratio "${FP9[$vf]}" "${FP9[$vo]}")x | $(ratio "${FU[$vf]}" "${FU[$vo]}")x | req/s >= 0.8x |"
		echo "| verge with function / nginx with njs | **${r_njs}x** | $(ratio "${FP9[$vf]}" "${FP9[$nf]}")x | $(ratio "${FU[$vf]}" "${FU[$nf]}")x | req/s >= 0.75x (goal 1.0x) |"
		echo "| nginx with njs / nginx without (for scale) | ${r_nginx}x | $(ratio "${FP9[$nf]}" "${FP9[$no]}")x | $(ratio "${FU[$nf]}" "${FU[$no]}")x | |"
		echo
		echo "Server CPU µs per request = server CPU time / requests (at saturation, so it includes the server's share of the kernel's socket work)."
		echo
		if ((fn_fails)); then
			echo "**Verge logged $fn_fails function failure(s) during the measured runs (each a 503 to the viewer): $fn_reasons.**"
		else
			echo "Verge logged no function failures during the measured runs."
		fi
		echo
		if [[ -z $fn_leaked ]]; then
			echo "The origin saw 0 requests for /o/$FN_SIZE and /f/$FN_SIZE during the measured runs: every response was a cache hit."
		else
			echo "The origin saw requests during the measured runs:$fn_leaked (not pure cache hits)."
		fi
		echo
		echo "Header checks (curl; before the runs HEAD and GET, after them GET):"
		echo
		echo "| when | server | request | X-Cache | Strict-Transport-Security | X-Frame-Options |"
		echo "|---|---|---|---|---|---|"
		cat "$FN_CHECKS"
		echo
		echo "<details><summary>Each fn run</summary>"
		echo
		cat "$RAW"
		echo
		echo "</details>"
		echo
	} >>"$MD"
	awk -v r="$r_self" 'BEGIN{exit !(r >= 0.8)}' || miss "fn: verge hits with a cdn-function ${r_self}x verge's without (target >= 0.8x)"
	awk -v r="$r_njs" 'BEGIN{exit !(r >= 0.75)}' || miss "fn: verge hits with a cdn-function ${r_njs}x nginx's with njs (target >= 0.75x, goal 1.0x)"
	for v in "${FN_RUNS[@]}"; do
		[[ ${FE[$v]} == 0 ]] || miss "fn: wrk saw ${FE[$v]} errors against ${v/ / \/}"
	done
	((fn_after_ok)) || miss "fn: a header check after the runs failed (see the header checks)"
	[[ -z $fn_leaked ]] || miss "fn: origin saw requests during the fn runs:$fn_leaked"

	if [[ $FN_PERF == 1 ]]; then
		perf_out=$OUT/perf-fn-cores$CORES.txt
		log "fn: perf record -g of verge under the /f/$FN_SIZE load (${FN_PERF_SECS}s)"
		timeout $((FN_PERF_SECS + 40)) "${CLIENT_PIN[@]}" wrk -t"$THREADS" -c"$CONNS" -d$((FN_PERF_SECS + 3))s \
			"$VERGE/f/$FN_SIZE" >"$TMP/perf-wrk.txt" 2>&1 &
		perf_wrk=$!
		PIDS+=("$perf_wrk")
		sleep 1
		if timeout $((FN_PERF_SECS + 60)) "${CLIENT_PIN[@]}" perf record -F 999 -g -o "$TMP/perf.data" \
			-p "$VERGE_PID" -- sleep "$FN_PERF_SECS" >"$TMP/perf.log" 2>&1; then
			wait "$perf_wrk" || true
			{
				echo "# perf record -F 999 -g -p VERGE ($FN_PERF_SECS s) under wrk -c$CONNS $VERGE/f/$FN_SIZE, CORES=$CORES"
				awk '/^Requests\/sec:/' "$TMP/perf-wrk.txt"
				echo
				echo "## self time by package"
				perf report -i "$TMP/perf.data" --no-children --sort sym --stdio -g none 2>/dev/null |
					awk '/^ *[0-9.]+%/ {
						p = $1; sub(/%/, "", p); $1 = ""; s = $0; sub(/^ +/, "", s)
						if (s ~ /^\[k\]/) pkg = "[kernel]"
						else { sub(/^\[[^]]*\] /, "", s); pkg = s; i = match(pkg, /\/[^\/]*$/); if (i == 0) i = 1
							j = index(substr(pkg, i), "."); if (j > 0) pkg = substr(pkg, 1, i + j - 2) }
						t[pkg] += p } END { for (k in t) printf "%6.2f%%  %s\n", t[k], k }' | sort -rn | head -25 || true
				echo
				echo "## self time by symbol (top 60)"
				perf report -i "$TMP/perf.data" --no-children --sort sym --stdio -g none 2>/dev/null | grep -E '^ *[0-9.]+%' | head -60 || true
				echo
				echo "## inclusive time (children) by symbol, >= 0.5%"
				perf report -i "$TMP/perf.data" --children --sort sym --stdio -g none 2>/dev/null |
					awk '/^ *[0-9.]+%/ && $1+0 >= 0.5' || true
			} >"$perf_out"
			log "perf report in $perf_out"
			echo "perf profile of verge under the fn load: \`$perf_out\`." >>"$MD"
			echo >>"$MD"
		else
			wait "$perf_wrk" || true
			log "perf record failed ($(tail -1 "$TMP/perf.log")): no profile"
		fi
	fi
fi

# ---------------------------------------------------------------- collapsing
if [[ " $TESTS " == *" collapse "* ]]; then
	{
		echo "### Request collapsing"
		echo
		echo "$COLLAPSE_N concurrent GETs (start barrier) for one cold key whose origin answer takes ${SLOW_MS} ms; the origin counts the requests it receives for that path."
		echo
		echo "| server | origin requests | 200s | X-Cache seen | slowest (ms) |"
		echo "|---|---:|---:|---|---:|"
	} >>"$MD"
	for server in verge nginx; do
		path=/o/slow/$server-$$-$RANDOM
		origin_reset
		log "collapse: $COLLAPSE_N x $server$path"
		line=$(timeout 60 "${CLIENT_PIN[@]}" "$TMP/bin/collapse" -n "$COLLAPSE_N" -timeout 30s \
			-url "$(url_of "$server")$path?ms=$SLOW_MS" -origin "$ORIGIN" -count-path "$path") ||
			miss "collapse $server: some requests failed"
		echo "    $line" | tr '\n' ' ' >&2
		echo >&2
		count=$(sed -n 's/.*origin_count=\([-0-9]*\).*/\1/p' <<<"$line")
		okn=$(sed -n 's/.* ok=\([0-9]*\).*/\1/p' <<<"$line")
		xc=$(sed -n 's/^x_cache=//p' <<<"$line")
		slow=$(sed -n 's/.*max_ms=\([0-9]*\).*/\1/p' <<<"$line")
		label=$server
		[[ $server == nginx ]] && label="nginx (proxy_cache_lock on)"
		echo "| $label | **$count** | $okn | \`$xc\` | $slow |" >>"$MD"
		[[ $server != verge || $count == 1 ]] || miss "collapse: origin saw $count requests from verge (target exactly 1)"
	done
	echo >>"$MD"
fi

# ---------------------------------------------------------------- memory
if [[ " $TESTS " == *" memory "* ]]; then
	log "memory: verge --cache-memory $FILL_BUDGET, $FILL_N distinct objects"
	start_verge "$VERGE2_PORT" "$VERGE2_ADMIN" --cache-memory "$FILL_BUDGET"
	V2_PID=$STARTED_PID
	sleep 1
	V2_IDLE=$(rss_kb "$V2_PID")
	fill_line=$(timeout 180 "${CLIENT_PIN[@]}" "$TMP/bin/fill" -base "http://127.0.0.1:$VERGE2_PORT" \
		-prefix /o/blob/ -n "$FILL_N" -c "$FILL_C" -timeout 150s) || miss "memory: fill had failures"
	echo "    $fill_line" >&2
	sleep 1
	stats=$(admin_curl "$VERGE2_PORT" "http://127.0.0.1:$VERGE2_ADMIN/cache/stats")
	mem=$(tr -d ' \n\t' <<<"$stats" | sed -n 's/.*"memory":{\([^}]*\)}.*/\1/p')
	bytes=$(sed -n 's/.*"bytes":\([0-9]*\).*/\1/p' <<<"$mem")
	entries=$(sed -n 's/.*"entries":\([0-9]*\).*/\1/p' <<<"$mem")
	budget=$(sed -n 's/.*"budget":\([0-9]*\).*/\1/p' <<<"$mem")
	heap=$(admin_curl "$VERGE2_PORT" "http://127.0.0.1:$VERGE2_ADMIN/metrics" | awk '$1=="go_memstats_heap_inuse_bytes"{printf "%.0f", $2}')
	V2_RSS=$(rss_kb "$V2_PID")
	V2_HWM=$(hwm_kb "$V2_PID")
	pct=$(awk -v b="$bytes" -v g="$budget" 'BEGIN{printf "%.1f", 100*b/g}')
	within=$(awk -v b="$bytes" -v g="$budget" 'BEGIN{print (b <= g*1.10) ? "yes" : "NO"}')
	idle_ok=$(awk -v k="$VERGE_IDLE_RSS" 'BEGIN{print (k < 40*1024) ? "yes" : "NO"}')
	{
		echo "### Memory"
		echo
		echo "| measure | value | target |"
		echo "|---|---:|---|"
		echo "| verge idle RSS after start (VmRSS) | $(mb "$VERGE_IDLE_RSS") MB | < 40 MB: $idle_ok |"
		if [[ -n ${VERGE_LOADED_RSS:-} ]]; then
			echo "| verge RSS after the hit runs (2 objects cached) | $(mb "$VERGE_LOADED_RSS") MB | |"
			echo "| nginx RSS after the hit runs (master + workers) | $(mb "$NGINX_LOADED_RSS") MB | |"
		fi
		echo "| fill: $FILL_N distinct 100 KiB objects ($(((FILL_N * 100) / 1024)) MiB) through a $FILL_BUDGET budget | \`$fill_line\` | |"
		echo "| cache/stats memory.bytes after the fill | $bytes ($(mb $((bytes / 1024))) MB, ${pct}% of budget $budget) | <= budget +10%: $within |"
		echo "| cache/stats memory.entries | $entries | |"
		echo "| go heap in use (go_memstats_heap_inuse_bytes) | $(mb $((${heap:-0} / 1024))) MB | |"
		echo "| verge RSS: idle / after fill / peak (VmHWM) | $(mb "$V2_IDLE") / $(mb "$V2_RSS") / $(mb "$V2_HWM") MB | |"
		echo
	} >>"$MD"
	[[ $idle_ok == yes ]] || miss "idle RSS $(mb "$VERGE_IDLE_RSS") MB (target < 40 MB)"
	[[ $within == yes ]] || miss "cache bytes $bytes over budget $budget +10%"
fi

# ---------------------------------------------------------------- report
if ((${#FAILURES[@]})); then
	{
		echo "### Targets missed"
		echo
		printf -- '- %s\n' "${FAILURES[@]}"
		echo
	} >>"$MD"
else
	echo "All targets met." >>"$MD"
fi
cp "$MD" "$OUT/results-cores$CORES.md"
cp "$MD" "$OUT/results.md"
echo
cat "$MD"
echo
log "written to $OUT/results.md (raw wrk output in $OUT/wrk-*.txt)"
if [[ $STRICT == 1 ]] && ((${#FAILURES[@]})); then
	exit 1
fi

#!/bin/bash
# bench/http/run.sh: HTTP throughput and latency of `spinemets serve`, in one go,
# on loopback, with wrk:
#   ours    POST /api/v1/score/sins and POST /api/v1/assess (release build)
#   nginx   a static file of the same size as each response (the ceiling on
#           this machine), with as many workers as our server has threads
#   node    bench/http/peer.js: Node.js `http` computing the same SINS result,
#           byte for byte (the peer; one process, plus a cluster of THREADS
#           processes for reference)
# All servers run at once; ROUNDS rounds go through every configuration in
# turn, so a burst of foreign load hits all of them alike, and the report
# gives medians. Per run it also records the server's CPU time per request,
# its peak RSS, and the CPU used by other processes on the machine (neither
# wrk nor the server under test): if that is high, the figures are not worth
# much. Prints a Markdown table, the ratios and the targets (bench/README.md, "HTTP").
#
# usage: bench/http/run.sh            (from anywhere; runs `make` for build/spinemets)
# environment: DURATION=10 (s per run)  WARMUP=2  ROUNDS=3  CONNS="64 16" (targets at 64)
#              THREADS=$(nproc) (our threads = nginx workers)  WRK_THREADS=2
#              BIN=build/spinemets  EXTRA=1 (also ours with the access log on, and
#              with 1 and 2x THREADS threads, at 64 connections)
# Installs wrk, nginx and nodejs with apt-get when they are missing and we are root.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=bench/http
BIN=${BIN:-build/spinemets}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
ROUNDS=${ROUNDS:-3}
CONNS=${CONNS:-"64 16"}
THREADS=${THREADS:-$(nproc)}
WRK_THREADS=${WRK_THREADS:-2}
EXTRA=${EXTRA:-1}
NCPU=$(nproc)
HZ=$(getconf CLK_TCK)

# ---- tools ----
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v node >/dev/null || need+=(nodejs)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "installing ${need[*]} ..." >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}" >&2
  else
    echo "bench/http: missing ${need[*]}; install them (apt-get install wrk nginx nodejs) or run as root" >&2
    exit 2
  fi
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [ "$BIN" = build/spinemets ]; then
  make --no-print-directory -s build/spinemets >&2
fi
[ -x "$BIN" ] || { echo "bench/http: $BIN not built" >&2; exit 2; }

tmp=$(mktemp -d /tmp/spinemets-bench.XXXXXX)
chmod 755 "$tmp"
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

# wait_port FILE: the port announced on the first line of FILE ("...127.0.0.1:PORT...")
wait_port() {
  local f=$1 k port
  for k in $(seq 100); do
    port=$(sed -n 's/.*127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$f" 2>/dev/null | head -n 1)
    [ -n "$port" ] && { echo "$port"; return 0; }
    sleep 0.1
  done
  echo "bench/http: no port announced in $f: $(head -c 300 "$f")" >&2
  return 1
}
free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
tree() { # a process and its descendants (nginx workers, node cluster workers)
  local p=$1 c
  echo "$p"
  for c in $(ps -o pid= --ppid "$p" 2>/dev/null); do tree "$c"; done
}
rss_kb() { # VmRSS summed over the tree
  local t=0 p v
  for p in $(tree "$1"); do
    v=$(awk '/^VmRSS:/{print $2}' /proc/"$p"/status 2>/dev/null || true)
    t=$((t + ${v:-0}))
  done
  echo "$t"
}
ticks() { # utime+stime summed over the tree
  local t=0 p v
  for p in $(tree "$1"); do
    v=$(awk '{print $14 + $15}' /proc/"$p"/stat 2>/dev/null || true)
    t=$((t + ${v:-0}))
  done
  echo "$t"
}
# user + nice + system ticks of the machine. Interrupt and softirq time (where
# much of loopback TCP runs) is left out on both sides: it is charged to no process.
busy() { awk '/^cpu /{print $2 + $3 + $4}' /proc/stat; }

start_ours() { # start_ours NAME ARGS...: sets $port, $pid
  local name=$1; shift
  # its own throwaway registry (serve opens one; the benchmarked routes do not use it)
  "$BIN" serve --listen 127.0.0.1:0 --db "sqlite:$tmp/$name.db" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  pid=$!; pids+=("$pid")
  port=$(wait_port "$tmp/$name.out")
}
fetch() { # fetch URL BODYFILE OUT: POST, save the 200 response body
  node -e '
    const fs = require("fs");
    fetch(process.argv[1], {method: "POST", headers: {"Content-Type": "application/json"},
      body: fs.readFileSync(process.argv[2])})
      .then(async r => { if (r.status !== 200) { console.error("status " + r.status); process.exit(1); }
        fs.writeFileSync(process.argv[3], Buffer.from(await r.arrayBuffer())); })
      .catch(e => { console.error(String(e)); process.exit(1); });' "$1" "$2" "$3"
}

echo "bench/http: $(date -u +%Y-%m-%dT%H:%MZ), $NCPU CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), ${ROUNDS} rounds of ${DURATION}s per configuration, wrk -t$WRK_THREADS, our threads = nginx workers = $THREADS" >&2

# ---- start every server ----
start_ours ours --threads "$THREADS" --quiet
ours_pid=$pid ours_port=$port
fetch "http://127.0.0.1:$ours_port/api/v1/score/sins" "$here/sins.json" "$tmp/sins-response.json"
fetch "http://127.0.0.1:$ours_port/api/v1/assess" "$here/case.json" "$tmp/assess-response.json"
sins_bytes=$(stat -c %s "$tmp/sins-response.json")
assess_bytes=$(stat -c %s "$tmp/assess-response.json")

mkdir -p "$tmp/www"
cp "$tmp/sins-response.json" "$tmp/www/sins.json"
cp "$tmp/assess-response.json" "$tmp/www/assess.json"
chmod -R a+rX "$tmp/www"
nport=$(free_port)
cat >"$tmp/nginx.conf" <<EOF
worker_processes $THREADS;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx-body;
  proxy_temp_path $tmp/nginx-proxy;
  fastcgi_temp_path $tmp/nginx-fastcgi;
  uwsgi_temp_path $tmp/nginx-uwsgi;
  scgi_temp_path $tmp/nginx-scgi;
  types { application/json json; }
  default_type application/json;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 30s;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nport;
    root $tmp/www;
  }
}
EOF
"$NGINX" -p "$tmp" -c "$tmp/nginx.conf" -e "$tmp/nginx-error.log" &
nginx_pid=$!; pids+=("$nginx_pid")

node "$here/peer.js" 0 >"$tmp/node.out" 2>"$tmp/node.err" &
node_pid=$!; pids+=("$node_pid")
node_port=$(wait_port "$tmp/node.out")
fetch "http://127.0.0.1:$node_port/api/v1/score/sins" "$here/sins.json" "$tmp/node-response.json"
if cmp -s "$tmp/node-response.json" "$tmp/sins-response.json"; then same="byte-identical to ours"; else same="DIFFERENT from ours"; fi
node_bytes=$(stat -c %s "$tmp/node-response.json")

configs=() # name|request|pid|url|method|body|bytes|conns
S=/api/v1/score/sins
for c in $CONNS; do
  configs+=("ours|POST $S|$ours_pid|http://127.0.0.1:$ours_port$S|POST|$here/sins.json|$sins_bytes|$c")
  configs+=("ours|POST /api/v1/assess|$ours_pid|http://127.0.0.1:$ours_port/api/v1/assess|POST|$here/case.json|$assess_bytes|$c")
  configs+=("nginx|GET static (sins size)|$nginx_pid|http://127.0.0.1:$nport/sins.json|GET||$sins_bytes|$c")
  configs+=("nginx|GET static (assess size)|$nginx_pid|http://127.0.0.1:$nport/assess.json|GET||$assess_bytes|$c")
  configs+=("node|POST $S|$node_pid|http://127.0.0.1:$node_port$S|POST|$here/sins.json|$node_bytes|$c")
done
if [ "$THREADS" -gt 1 ]; then
  node "$here/peer.js" 0 "$THREADS" >"$tmp/nodec.out" 2>"$tmp/nodec.err" &
  nodec_pid=$!; pids+=("$nodec_pid")
  nodec_port=$(wait_port "$tmp/nodec.out")
  configs+=("node cluster x$THREADS|POST $S|$nodec_pid|http://127.0.0.1:$nodec_port$S|POST|$here/sins.json|$node_bytes|64")
fi
if [ "$EXTRA" = 1 ]; then
  start_ours ourslog --threads "$THREADS" # access log on (to a file)
  configs+=("ours, access log on|POST $S|$pid|http://127.0.0.1:$port$S|POST|$here/sins.json|$sins_bytes|64")
  for t in 1 $((THREADS * 2)); do
    start_ours "ours$t" --threads "$t" --quiet
    configs+=("ours --threads $t|POST $S|$pid|http://127.0.0.1:$port$S|POST|$here/sins.json|$sins_bytes|64")
  done
fi
for k in $(seq 50); do
  node -e 'require("net").connect('"$nport"',"127.0.0.1").on("connect",()=>process.exit(0)).on("error",()=>process.exit(1))' && break
  sleep 0.1
done

# ---- measure ----
# VmHWM of our server so far includes its start-up (on a new registry, the
# first start hashes admin's one-time password with argon2id: 64 MiB); reset
# it so that it holds the peak during the runs.
ours_start_hwm=$(awk '/^VmHWM:/{print $2}' /proc/"$ours_pid"/status)
echo 5 >/proc/"$ours_pid"/clear_refs 2>/dev/null || echo "bench/http: cannot reset VmHWM; it includes start-up" >&2
results=$tmp/results.tsv
: >"$results"
for round in $(seq "$ROUNDS"); do
  for cfg in "${configs[@]}"; do
    IFS='|' read -r name req spid url method body bytes c <<<"$cfg"
    BENCH_METHOD=$method BENCH_BODY=$body wrk -t"$WRK_THREADS" -c"$c" -d"${WARMUP}s" -s "$here/post.lua" "$url" >/dev/null 2>&1 || true
    t0=$(ticks "$spid"); b0=$(busy); max=0; w=0
    BENCH_METHOD=$method BENCH_BODY=$body wrk -t"$WRK_THREADS" -c"$c" -d"${DURATION}s" -s "$here/post.lua" "$url" \
      >"$tmp/wrk.out" 2>&1 &
    wpid=$!
    while kill -0 "$wpid" 2>/dev/null; do
      r=$(rss_kb "$spid"); [ "$r" -gt "$max" ] && max=$r
      v=$(awk '{print $14 + $15}' /proc/"$wpid"/stat 2>/dev/null || true); [ -n "$v" ] && w=$v
      sleep 0.2
    done
    wait "$wpid" || true
    t1=$(ticks "$spid"); b1=$(busy)
    res=$(grep '^RESULT' "$tmp/wrk.out" || true)
    if [ -z "$res" ]; then
      echo "bench/http: wrk failed for $name $req: $(tail -n 5 "$tmp/wrk.out")" >&2
      continue
    fi
    # RESULT requests seconds rps p50_us p99_us max_us errors
    read -r _ n secs rps p50 p99 _ err <<<"$res"
    line=$(awk -v n="$n" -v secs="$secs" -v st="$((t1 - t0))" -v bt="$((b1 - b0))" -v wt="$w" -v hz="$HZ" -v ncpu="$NCPU" \
      -v rps="$rps" -v p50="$p50" -v p99="$p99" -v err="$err" -v rss="$max" 'BEGIN{
        other = (bt - st - wt) / hz / secs / ncpu * 100; if (other < 0) other = 0
        printf "%.0f\t%.2f\t%.2f\t%d\t%.1f\t%.1f\t%.0f", rps, p50 / 1000, p99 / 1000, err, rss / 1024, n ? st / hz * 1e6 / n : 0, other }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$req" "$c" "$bytes" "$round" "$line" >>"$results"
    IFS=$'\t' read -r rps_ p50_ p99_ err_ rss_ cpu_ other_ <<<"$line"
    printf '  round %s  %-22s %-27s c=%-3s %7s req/s  p99 %7s ms  %6s us/req  other load %3s%%\n' \
      "$round" "$name" "$req" "$c" "$rps_" "$p99_" "$cpu_" "$other_" >&2
  done
done
ours_hwm=$(awk '/^VmHWM:/{print $2}' /proc/"$ours_pid"/status)   # peak since the reset below
ours_threads=$(awk '/^Threads:/{print $2}' /proc/"$ours_pid"/status)

# ---- report: medians over the rounds ----
summary=$tmp/summary.tsv
awk -F'\t' '
  function median(s,   a, n, i, j, t) { n = split(s, a, " ")
    for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  { k = $1 "\t" $2 "\t" $3; if (!(k in seen)) { seen[k] = 1; order[++m] = k; bytes[k] = $4 }
    rps[k] = rps[k] " " $6; p50[k] = p50[k] " " $7; p99[k] = p99[k] " " $8; err[k] += $9
    if ($10 > rss[k]) rss[k] = $10; cpu[k] = cpu[k] " " $11; oth[k] = oth[k] " " $12 }
  END { for (i = 1; i <= m; i++) { k = order[i]
    printf "%s\t%.0f\t%.2f\t%.2f\t%d\t%.1f\t%.1f\t%.0f\t%s\t%s\n", k, median(rps[k]), median(p50[k]), median(p99[k]),
      err[k], rss[k], median(cpu[k]), median(oth[k]), bytes[k], rps[k] } }' "$results" >"$summary"
echo
echo "| server | request | conns | req/s | p50 ms | p99 ms | errors | peak RSS MB | server CPU us/req | other load % | response bytes | req/s per round |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
while IFS=$'\t' read -r n e c rps p50 p99 err rss cpu oth bytes all; do
  echo "| $n | $e | $c | $rps | $p50 | $p99 | $err | $rss | $cpu | $oth | $bytes |$all |"
done <"$summary"
get() { # get NAME REQUEST CONNS COLUMN(4 = req/s, 6 = p99)
  awk -F'\t' -v n="$1" -v e="$2" -v c="$3" -v col="$4" '$1 == n && $2 == e && $3 == c { print $col; f = 1 } END { if (!f) print 0 }' "$summary"
}
c=64
o_rps=$(get ours "POST $S" $c 4); o_p99=$(get ours "POST $S" $c 6)
a_rps=$(get ours "POST /api/v1/assess" $c 4)
n_rps=$(get node "POST $S" $c 4)
x_rps=$(get nginx "GET static (sins size)" $c 4); x_p99=$(get nginx "GET static (sins size)" $c 6)
xa_rps=$(get nginx "GET static (assess size)" $c 4)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
verdict() { awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN{ ok = (op == ">=") ? (v >= t) : (v <= t); print ok ? "PASS" : "MISS" }'; }
r_node=$(ratio "$o_rps" "$n_rps"); r_nginx=$(ratio "$o_rps" "$x_rps"); r_p99=$(ratio "$o_p99" "$x_p99")
rss_mb=$(awk -v k="$ours_hwm" 'BEGIN{printf "%.1f", k/1024}')
echo
echo "Medians of $ROUNDS rounds at $c connections (sins response $sins_bytes bytes, assess $assess_bytes bytes; node peer response $same):"
echo "- ours / node peer, req/s:      $r_node   (target >= 2)    $(verdict "$r_node" 2 '>=')"
echo "- ours / nginx static, req/s:   $r_nginx   (target >= 0.6)  $(verdict "$r_nginx" 0.6 '>=')"
echo "- ours p99 / nginx p99:         $r_p99   ($o_p99 ms vs $x_p99 ms; target <= 1)  $(verdict "$r_p99" 1 '<=')"
echo "- ours peak RSS during the runs: $rss_mb MB   (VmHWM; $ours_threads threads; target < 30)  $(verdict "$rss_mb" 29.999 '<=')"
echo "  (peak RSS of start-up on a new registry: $(awk -v k="$ours_start_hwm" 'BEGIN{printf "%.1f", k/1024}') MB)"
echo "- assess, ours / nginx static of the same size: $(ratio "$a_rps" "$xa_rps") (no target)"
echo
echo "versions: $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2); $("$NGINX" -v 2>&1); node $(node --version); libmicrohttpd $(dpkg-query -W -f='${Version}' libmicrohttpd12 2>/dev/null || echo '?'); kernel $(uname -r)"

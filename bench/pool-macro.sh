#!/usr/bin/env bash
# Macro benchmark of the pool (issue 8) against pairwise spin patches, in one run.
#
# usage: bench/pool-macro.sh [--workdir DIR] [--port N] [--keep] BASE SPIN...
#
#   BASE, SPIN...  SquashFS images (or ISOs carrying them) of one family, e.g. the xz images of
#                  ../shared/realdata/make-spin-pair.sh (VARIANTS="base loc upd") and bench/make-spin-family.sh
#   --workdir DIR  where patches, the pool and rebuilt images go (default: a new directory under /var/tmp)
#   --port N       loopback port of the nginx that serves the pool over HTTP (default 18089)
#
# Steps, each timed (wall, CPU, peak RSS of the whole process) with bench/lib/timed.sh:
#   1. for every SPIN: ./spindelta diff BASE SPIN PATCH (the pairwise patch the pool is compared with);
#   2. ./spindelta pool add POOL BASE, then every SPIN in order: the pool's size after each add;
#   3. ./spindelta pool get POOL NAME OUT for the last SPIN, compared with it by cmp;
#   4. over HTTP (needs nginx; Range requests): nginx serves POOL on 127.0.0.1:PORT with an access log of the
#      bytes it sent, and ./spindelta pool get http://127.0.0.1:PORT/ NAME OUT --source FIRST for the second
#      SPIN with the first SPIN as the local source, compared by cmp; the bytes nginx sent are set against the
#      pairwise patch FIRST -> SECOND made by ./spindelta diff in the same run.
# Targets (issue 8), checked and printed:
#   - pool size <= 1.05 x (BASE + the patches of the first two SPINs) for a family of BASE + two spins
#     (the first two SPINs), and for the whole family <= BASE + the sum of all patches;
#   - pool add time of every SPIN <= its diff time;
#   - bytes fetched over HTTP <= 1.1 x the pairwise patch.
# Writes bench/results/pool-<timestamp>.md and .csv. Exit 1 if a step of ours failed or a result differed.
# JVM options for ./spindelta: SPINDELTA_JAVA_OPTS.
set -euo pipefail

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2; exit 2; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
spindelta=$root/spindelta
results=$root/bench/results
workdir=
port=18089
keep=0
images=()
while [ $# -gt 0 ]; do
  case "$1" in
    --workdir) workdir=${2:?--workdir needs a directory}; shift 2 ;;
    --port) port=${2:?--port needs a number}; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage ;;
    -*) echo "pool-macro: unknown option $1" >&2; usage ;;
    *) images+=("$1"); shift ;;
  esac
done
[ ${#images[@]} -ge 3 ] || usage
for f in "${images[@]}"; do [ -f "$f" ] || { echo "pool-macro: $f is not a file" >&2; exit 2; }; done
base=${images[0]}
spins=("${images[@]:1}")

progress() { echo "pool-macro: $*" >&2; }
[ -n "$workdir" ] || workdir=$(mktemp -d /var/tmp/pool-macro.XXXXXX)
mkdir -p "$workdir"
# shellcheck source=lib/timed.sh
. "$root/bench/lib/timed.sh"
nginx_pid=
cleanup() {
  [ -z "$nginx_pid" ] || kill "$nginx_pid" 2>/dev/null || true
  [ "$keep" = 1 ] || rm -rf "$workdir"
}
trap cleanup EXIT

stamp=$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$results"
md=$results/pool-$stamp.md
csv=$results/pool-$stamp.csv
failures=0
echo "step,image,wall_s,cpu_s,peak_rss_mb,bytes,load" >"$csv"
rows=()
row() { # row STEP IMAGE BYTES: records the last run_timed
  echo "$1,$2,$WALL,$CPU,$RSS_MB,$3,$LOAD" >>"$csv"
  rows+=("| $1 | $2 | $WALL | $CPU | $RSS_MB | $3 | $LOAD |")
}
ours() { # ours STEP IMAGE CMD...: a timed step of ours that must succeed
  local step=$1 img=$2; shift 2
  run_timed "$@"
  if [ "$RC" -ne 0 ]; then
    progress "FAILED: $step $img (exit $RC): $(tail -n 3 "$LOG")"
    failures=$((failures + 1))
  fi
}
name_of() { local b; b=$(basename "$1"); echo "${b%%.*}"; }
size_of() { stat -c %s "$1"; }
pool_bytes() { find "$1" -type f ! -name lock -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }

# 1. pairwise patches against BASE
declare -A patch diff_s
for s in "${spins[@]}"; do
  n=$(name_of "$s")
  progress "diff $(name_of "$base") -> $n"
  ours diff "$n" "$spindelta" diff -q "$base" "$s" "$workdir/$n.spin"
  patch[$n]=$(size_of "$workdir/$n.spin"); diff_s[$n]=$WALL
  row diff "$n" "${patch[$n]}"
done

# 2. the pool, image by image
pool=$workdir/pool
declare -A add_s pool_after
progress "pool add $(name_of "$base")"
ours "pool add" "$(name_of "$base")" "$spindelta" pool add -q "$pool" "$base" --name "$(name_of "$base")"
pool_after[base]=$(pool_bytes "$pool")
row "pool add" "$(name_of "$base")" "${pool_after[base]}"
for s in "${spins[@]}"; do
  n=$(name_of "$s")
  progress "pool add $n"
  ours "pool add" "$n" "$spindelta" pool add -q "$pool" "$s" --name "$n"
  add_s[$n]=$WALL; pool_after[$n]=$(pool_bytes "$pool")
  row "pool add" "$n" "${pool_after[$n]}"
done

# 3. a local rebuild
last=${spins[-1]}; ln=$(name_of "$last")
progress "pool get $ln (local)"
ours "pool get" "$ln" "$spindelta" pool get -q "$pool" "$ln" "$workdir/get.out"
if ! cmp -s "$workdir/get.out" "$last"; then progress "FAILED: pool get $ln differs"; failures=$((failures + 1)); fi
row "pool get" "$ln" "$(size_of "$workdir/get.out")"
rm -f "$workdir/get.out"

# 4. over HTTP, the second spin with the first as local source
first=${spins[0]}; second=${spins[1]}; fn=$(name_of "$first"); sn=$(name_of "$second")
progress "diff $fn -> $sn (pairwise)"
ours "diff (pairwise)" "$fn-$sn" "$spindelta" diff -q "$first" "$second" "$workdir/pair.spin"
pair=$(size_of "$workdir/pair.spin")
row "diff (pairwise)" "$fn-$sn" "$pair"
http_bytes=n/a
if command -v nginx >/dev/null; then
  ng=$workdir/nginx; mkdir -p "$ng"
  cat >"$ng/nginx.conf" <<EOF
daemon off;
worker_processes 2;
pid $ng/nginx.pid;
error_log $ng/error.log;
events { worker_connections 256; }
http {
  access_log $ng/access.log;
  log_format bytes '\$body_bytes_sent \$status "\$request" "\$http_range"';
  client_body_temp_path $ng; proxy_temp_path $ng; fastcgi_temp_path $ng; uwsgi_temp_path $ng; scgi_temp_path $ng;
  server { listen 127.0.0.1:$port; root $pool; access_log $ng/bytes.log bytes; }
}
EOF
  nginx -c "$ng/nginx.conf" -p "$ng" & nginx_pid=$!
  sleep 1
  progress "pool get $sn over HTTP with $fn as source"
  ours "pool get (http)" "$sn" "$spindelta" pool get -q "http://127.0.0.1:$port/" "$sn" "$workdir/http.out" --source "$first"
  if ! cmp -s "$workdir/http.out" "$second"; then progress "FAILED: pool get over HTTP differs"; failures=$((failures + 1)); fi
  http_bytes=$(awk '{ s += $1 } END { print s + 0 }' "$ng/bytes.log")
  requests=$(wc -l <"$ng/bytes.log")
  row "pool get (http)" "$sn" "$http_bytes"
  kill "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true; nginx_pid=
else
  progress "nginx not installed: the HTTP step is skipped"
fi

# report
verdict() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 <= 0 || a == "n/a") print "n/a"; else if (a + 0 <= b + 0) print "met"; else print "NOT met" }'; }
b=$(size_of "$base")
p1=${patch[$fn]}; p2=${patch[$sn]}
three_limit=$(awk -v b="$b" -v x="$p1" -v y="$p2" 'BEGIN { printf "%d", 1.05 * (b + x + y) }')
sum3=$(awk -v b="$b" -v x="$(size_of "$first")" -v y="$(size_of "$second")" 'BEGIN { print b + x + y }')
all_limit=$b; sum_all=$b
for s in "${spins[@]}"; do
  all_limit=$((all_limit + ${patch[$(name_of "$s")]})); sum_all=$((sum_all + $(size_of "$s")))
done
{
  echo "# Pool macro benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "- host: $(host_line)"
  echo "- base: \`$base\` ($b bytes); spins: ${spins[*]}"
  echo
  echo "| step | image | wall s | CPU s | peak RSS MB | bytes | load |"
  echo "|---|---|---:|---:|---:|---:|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "| target | measured | limit | |"
  echo "|---|---:|---:|---|"
  echo "| pool of $(name_of "$base") + $fn + $sn, bytes (<= 1.05 x base + 2 patches) | ${pool_after[$sn]} | $three_limit | $(verdict "${pool_after[$sn]}" "$three_limit") |"
  echo "| the same three images as files | $sum3 | | |"
  echo "| pool of all $(( ${#spins[@]} + 1 )) images (<= base + all patches) | ${pool_after[$(name_of "${spins[-1]}")]} | $all_limit | $(verdict "${pool_after[$(name_of "${spins[-1]}")]}" "$all_limit") |"
  echo "| all images as files | $sum_all | | |"
  for s in "${spins[@]}"; do
    n=$(name_of "$s")
    echo "| pool add $n, s (<= its diff) | ${add_s[$n]} | ${diff_s[$n]} | $(verdict "${add_s[$n]}" "${diff_s[$n]}") |"
  done
  limit=$(awk -v p="$pair" 'BEGIN { printf "%d", 1.1 * p }')
  echo "| HTTP bytes for $sn with $fn local (<= 1.1 x pairwise patch $pair) | $http_bytes${requests:+ in $requests requests} | $limit | $(verdict "$http_bytes" "$limit") |"
} >"$md"
finish_report pool-macro "a rebuilt image differed"

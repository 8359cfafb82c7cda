#!/usr/bin/env bash
# Macro benchmark: `spindelta jigdo serve` under concurrent range clients, against python3's http.server
# serving the plain ISO file (the floor: no template, no parts, no checks), in one run.
#
# usage: bench/jigdo-serve-macro.sh --image ISO --map LABEL=DIR [--clients N] [--duration S] [--workdir DIR] [--keep]
#
#   --image ISO        the image to serve; a .jigdo/.template of it is made with our make-template into the
#                      work directory (its files found below DIR, under LABEL)
#   --map LABEL=DIR    where the image's files are (make-template --label, serve --source)
#   --clients N        concurrent connections (default 16), each sending one range request after another
#   --duration S       seconds of load per scenario (default 15)
#   --workdir DIR      default: a new directory under /var/tmp
#   --keep             keep the work directory
#
# Making an ISO of ~500 MB from real files, e.g.:
#   xorriso -as mkisofs -R -J -o /var/tmp/bench.iso /usr/lib/jvm/java-17-openjdk-amd64 /usr/share/doc
#   bench/jigdo-serve-macro.sh --image /var/tmp/bench.iso --map Usr=/usr/lib/jvm/java-17-openjdk-amd64 ...
#   (every file below the --map DIR can be matched; files elsewhere stay in the template)
#
# Scenarios (each with wrk, one thread, N connections, keep-alive, random offsets from a Lua script):
#   whole:      GET of the whole image, no Range, on min(N, 4) connections (both servers do the same work: the
#               fair throughput row; MB/s counts bytes received, including images unfinished at the end)
#   range-1M:   GET with Range: bytes=a-(a+1 MiB-1), a uniform over the image (a download manager's segments)
#   range-64K:  the same with 64 KiB ranges (request overhead and latency)
#   multi:      two 64 KiB ranges per request (multipart/byteranges)
# The script asks the peer for a range first and says in the report whether it honours Range (python's
# http.server up to 3.13 does not: it sends the whole file, so its range rows are whole-file GETs). Ours is
# warmed first (every part hashed once by a whole GET, whose bytes are compared with the ISO), as a
# long-running server is.
# Correctness: 20 random ranges from ours are compared with the ISO's bytes (cmp) before the load.
# Reported: requests/s, MB/s (10^6 bytes), latency p50/p99 (wrk --latency), non-2xx responses, and the peak RSS
# of each server process (VmHWM from /proc, JVM included). Writes bench/results/jigdo-serve-<timestamp>.md.
set -euo pipefail

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2; exit 2; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
spindelta=$root/spindelta
results=$root/bench/results
image= map= workdir= keep=0 clients=16 duration=15
while [ $# -gt 0 ]; do
  case "$1" in
    --image) image=${2:?}; shift 2 ;;
    --map) map=${2:?}; shift 2 ;;
    --clients) clients=${2:?}; shift 2 ;;
    --duration) duration=${2:?}; shift 2 ;;
    --workdir) workdir=${2:?}; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage ;;
    *) echo "jigdo-serve-macro: unknown argument $1" >&2; usage ;;
  esac
done
[ -f "$image" ] && [[ "$map" == *=* ]] && [ -d "${map#*=}" ] || usage
[[ "$clients" =~ ^[1-9][0-9]*$ && "$duration" =~ ^[1-9][0-9]*$ ]] || usage
for t in wrk curl python3 cmp; do
  command -v "$t" >/dev/null || { echo "jigdo-serve-macro: $t is needed (apt-get install wrk curl python3 diffutils)" >&2; exit 2; }
done
image=$(realpath "$image")
name=$(basename "$image")
size=$(stat -c %s "$image")

if [ -z "$workdir" ]; then workdir=$(mktemp -d /var/tmp/jigdo-serve-macro.XXXXXX); else mkdir -p "$workdir"; fi
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ "$keep" = 1 ]; then echo "jigdo-serve-macro: kept $workdir" >&2; else rm -rf "$workdir"; fi
}
trap cleanup EXIT
progress() { echo "jigdo-serve-macro: $*" >&2; }
# shellcheck source=bench/lib/timed.sh
. "$root/bench/lib/timed.sh"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 1 600); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "jigdo-serve-macro: $1 never answered" >&2; exit 1; }
hwm_mb() { awk '/VmHWM/ { printf "%.1f", $2 * 1024 / 1e6 }' "/proc/$1/status"; }

progress "making the template with ./spindelta jigdo make-template (builds the jar if needed) ..."
www=$workdir/www
mkdir -p "$www" "$workdir/plain"
"$spindelta" jigdo make-template -q --label "$map" --jigdo "$www/${name%.iso}.jigdo" --template "$www/${name%.iso}.template" "$image"
ln -s "$image" "$workdir/plain/$name"
template_size=$(stat -c %s "$www/${name%.iso}.template")

ours_port=$(free_port)
"$spindelta" jigdo serve -q --port "$ours_port" --source "$map" --threads 32 "$www" >"$workdir/ours.log" 2>&1 &
ours_pid=$!; pids+=("$ours_pid")
py_port=$(free_port)
(cd "$workdir/plain" && exec python3 -m http.server "$py_port" --bind 127.0.0.1) >"$workdir/python.log" 2>&1 &
py_pid=$!; pids+=("$py_pid")
ours=http://127.0.0.1:$ours_port/$name
py=http://127.0.0.1:$py_port/$name
wait_up "$ours"; wait_up "$py"
grep -q " available" "$workdir/ours.log" || { cat "$workdir/ours.log" >&2; echo "jigdo-serve-macro: the image is not available" >&2; exit 1; }

failures=0
progress "warming up: one whole GET from ours (hashes every part), compared with the ISO ..."
run_timed curl -s -o "$workdir/whole" "$ours"
warm_wall=$WALL
cmp -s "$workdir/whole" "$image" || { failures=$((failures + 1)); progress "FAILED: the whole image from ours differs"; }
rm -f "$workdir/whole"
progress "checking 20 random ranges against the ISO ..."
for i in $(seq 1 20); do
  a=$(python3 -c "import random; print(random.randrange($size))")
  n=$(python3 -c "import random; print(random.randint(1, 3 << 20))")
  b=$(( a + n - 1 < size - 1 ? a + n - 1 : size - 1 ))
  curl -s -r "$a-$b" -o "$workdir/r" "$ours"
  cmp -s "$workdir/r" <(tail -c +$((a + 1)) "$image" | head -c $((b - a + 1))) || { failures=$((failures + 1)); progress "FAILED: range $a-$b differs"; }
done
rm -f "$workdir/r"

cat >"$workdir/ranges.lua" <<'EOF'
-- random ranges of SPAN bytes (COUNT per request) over an image of SIZE bytes
local size = tonumber(os.getenv("SIZE"))
local span = tonumber(os.getenv("SPAN"))
local count = tonumber(os.getenv("COUNT"))
local n = 0
setup = function(thread) n = n + 1; thread:set("seed", n) end
init = function(args) math.randomseed(os.time() * 1000 + seed) end
request = function()
  if count == 0 then return wrk.format("GET", nil) end
  local specs = {}
  for i = 1, count do
    local a = math.random(0, size - span)
    specs[i] = a .. "-" .. (a + span - 1)
  end
  return wrk.format("GET", nil, { ["Range"] = "bytes=" .. table.concat(specs, ",") })
end
EOF

rows=()
sep=$'\x1f'
# load SCENARIO SERVER URL PID SPAN COUNT
load() {
  local scenario=$1 server=$2 url=$3 pid=$4 span=$5 count=$6 out=$workdir/wrk-$1-$2.txt
  LOAD=$(cut -d' ' -f1 /proc/loadavg)
  local conns=$clients
  [ "$count" = 0 ] && conns=$((clients < 4 ? clients : 4))
  SIZE=$size SPAN=$span COUNT=$count wrk -t1 -c"$conns" -d"${duration}s" --timeout 60s --latency \
      -s "$workdir/ranges.lua" "$url" >"$out" 2>&1 || true
  local rps mbs p50 p99 non2xx
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
  mbs=$(awk '/^Transfer\/sec:/ { v = $2; u = substr(v, length(v) - 1); v = substr(v, 1, length(v) - 2)
      m = (u == "GB") ? 1073741824 : (u == "MB") ? 1048576 : (u == "KB") ? 1024 : 1; printf "%.1f", v * m / 1e6 }' "$out")
  p50=$(awk '$1 == "50%" { print $2 }' "$out")
  p99=$(awk '$1 == "99%" { print $2 }' "$out")
  non2xx=$(awk '/Non-2xx/ { print $NF }' "$out"); non2xx=${non2xx:-0}
  rows+=("$scenario$sep$server$sep$rps$sep$mbs$sep$p50$sep$p99$sep$non2xx$sep$(hwm_mb "$pid")$sep$LOAD")
  progress "$scenario $server: $rps req/s, $mbs MB/s, p50 $p50, p99 $p99, non-2xx $non2xx"
  [ "$server" = spindelta ] && [ "${non2xx}" != 0 ] && failures=$((failures + 1))
  return 0
}

py_range=$(curl -s -r 0-9 -o /dev/null -w '%{http_code}' "$py")
if [ "$py_range" = 206 ]; then py_note="it honours Range (206)"; else py_note="it ignores Range (answers a range with $py_range and the whole file), so its range rows are whole-file GETs"; fi
progress "peer: $py_note"
for sc in "whole 0 0" "range-1M 1048576 1" "range-64K 65536 1" "multi 65536 2"; do
  read -r scenario span count <<<"$sc"
  load "$scenario" spindelta "$ours" "$ours_pid" "$span" "$count"
  load "$scenario" python-http.server "$py" "$py_pid" "$span" "$count"
done

stamp=$(date +%Y%m%d-%H%M%S)
mkdir -p "$results"
md=$results/jigdo-serve-$stamp.md
csv=$results/jigdo-serve-$stamp.csv
{
  echo "# jigdo serve macro benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "- host: $(host_line)"
  echo "- image: $name, $size bytes; template $template_size bytes (our make-template, --label $map)"
  echo "- load: wrk $(wrk -v 2>&1 | head -n 1 | awk '{ print $2 }'), 1 thread, $clients connections (whole: $((clients < 4 ? clients : 4))), ${duration} s per row, random offsets;" \
       "ours: \`spindelta jigdo serve --threads 32\` (launcher: 192 MiB heap, serial GC), warmed by one whole GET (${warm_wall} s, every part hashed)"
  echo "- peer: python3 -m http.server ($(python3 -V 2>&1)) on the ISO file: $py_note"
  echo "- MB = 10^6 bytes; RSS = peak (VmHWM) of the server process since it started; load = 1-minute load average before the row"
  echo
  echo "| scenario | server | requests/s | MB/s | latency p50 | latency p99 | non-2xx | peak RSS MB | load |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
  for row in "${rows[@]}"; do
    IFS=$sep read -r s srv rps mbs p50 p99 bad rss load <<<"$row"
    echo "| $s | $srv | $rps | $mbs | $p50 | $p99 | $bad | $rss | $load |"
  done
} >"$md"
echo "scenario,server,requests_per_s,mb_per_s,p50,p99,non2xx,peak_rss_mb,load" >"$csv"
for row in "${rows[@]}"; do
  IFS=$sep read -r s srv rps mbs p50 p99 bad rss load <<<"$row"
  printf '%s,%s,%s,%s,%s,%s,%s,%s,%s\n' "$s" "$srv" "$rps" "$mbs" "$p50" "$p99" "$bad" "$rss" "$load" >>"$csv"
done

finish_report jigdo-serve-macro "served wrong bytes or errors"

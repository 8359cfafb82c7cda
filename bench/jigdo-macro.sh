#!/usr/bin/env bash
# Macro benchmark: the image side of jigdo against the real peers on one image, in one run:
# make-image (ours vs jigit-mkimage, both verifying checksums), verify (ours vs jigdo-file verify) and a
# byte range (ours vs jigit-mkimage -s/-e).
#
# usage: bench/jigdo-macro.sh --jigdo J --template T --map LABEL=DIR --image ISO [--runs N] [--workdir DIR] [--keep]
#
#   --jigdo J, --template T   the .jigdo file (plain: jigit-mkimage reads no gzip) and its template
#   --map LABEL=DIR           where the parts of LABEL are (jigit-mkimage -m, our --source LABEL=DIR)
#   --image ISO               the image they describe: every rebuilt image is compared with it (cmp)
#   --runs N                  timed runs of each tool per task, the peer's first (default 3); medians reported
#   --workdir DIR             where rebuilt images go (default: a new directory under /var/tmp; room for one image)
#   --keep                    keep the work directory
#
# Steps, each under GNU time (wall s, CPU s, peak RSS of the process, JVM included):
#   make-image: ./spindelta jigdo make-image -q --source LABEL=DIR --template T J OUT
#               jigit-mkimage -j J -t T -m LABEL=DIR/ -o OUT
#   verify:     ./spindelta jigdo verify -q ISO T      jigdo-file verify -r quiet -i ISO -t T
#   range:      the middle 100 MB (or a third of a smaller image); ours must equal those bytes exactly;
#               jigit-mkimage -s/-e writes whole overlapping extents, so its byte count is reported, not compared
# Target (issue 5): make-image at least as fast as jigit-mkimage. The 1-minute load average before each step is
# recorded. Writes bench/results/jigdo-<timestamp>.md and .csv. Exit 1 if a step of ours failed or differed.
set -euo pipefail

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2; exit 2; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
spindelta=$root/spindelta
results=$root/bench/results
jigdo= template= map= image= workdir= runs=3 keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --jigdo) jigdo=${2:?}; shift 2 ;;
    --template) template=${2:?}; shift 2 ;;
    --map) map=${2:?}; shift 2 ;;
    --image) image=${2:?}; shift 2 ;;
    --runs) runs=${2:?}; shift 2 ;;
    --workdir) workdir=${2:?}; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage ;;
    *) echo "jigdo-macro: unknown argument $1" >&2; usage ;;
  esac
done
[ -f "$jigdo" ] && [ -f "$template" ] && [ -f "$image" ] && [[ "$map" == *=* ]] || usage
[ -d "${map#*=}" ] || { echo "jigdo-macro: ${map#*=} is not a directory" >&2; exit 2; }
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "jigdo-macro: --runs must be a positive number" >&2; exit 2; }
for t in jigit-mkimage jigdo-file cmp; do
  command -v "$t" >/dev/null || { echo "jigdo-macro: $t is needed (jigit, jigdo-file, diffutils)" >&2; exit 2; }
done
label=${map%%=*}
dir=$(realpath "${map#*=}")

if [ -z "$workdir" ]; then workdir=$(mktemp -d /var/tmp/jigdo-macro.XXXXXX); else mkdir -p "$workdir"; fi
trap '[ "$keep" = 1 ] && echo "jigdo-macro: kept $workdir" >&2 || rm -rf "$workdir"' EXIT
progress() { echo "jigdo-macro: $*" >&2; }
# shellcheck source=bench/lib/timed.sh
. "$root/bench/lib/timed.sh"

stamp=$(date +%Y%m%d-%H%M%S)
mkdir -p "$results"
csv=$results/jigdo-$stamp.csv
md=$results/jigdo-$stamp.md
failures=0
rows=()
sep=$'\x1f'

progress "preparing ./spindelta (builds the jar if sources changed); warming the page cache ..."
"$spindelta" --version >/dev/null
cat "$image" "$template" >/dev/null
size=$(stat -c %s "$image")
span=$((size / 3 < 100000000 ? size / 3 : 100000000))
first=$(((size - span) / 2))
last=$((first + span - 1))
out=$workdir/out.iso

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# task tool check command... : runs it $runs times; check is "image" (cmp with ISO), "range" (cmp with the
# range's bytes), "count" (report the byte count) or "none"
declare -A med=()
task() {
  local task=$1 tool=$2 check=$3; shift 3
  local walls=() cpus=() rss=0 result=ok
  for ((i = 1; i <= runs; i++)); do
    rm -f "$out"
    run_timed "$@"
    if [ "$RC" != 0 ]; then result="exit $RC"; fi
    case $check in
      image) cmp -s "$out" "$image" || result="differs" ;;
      range) cmp -s "$out" <(tail -c +$((first + 1)) "$image" | head -c "$span") || result="differs" ;;
      count) result="$(stat -c %s "$out" 2>/dev/null || echo 0) bytes (asked $span)" ;;
    esac
    walls+=("$WALL"); cpus+=("$CPU")
    rss=$(awk -v a="$rss" -v b="$RSS_MB" 'BEGIN { print (b > a) ? b : a }')
  done
  [ "$tool" = spindelta ] && [ "$result" != ok ] && { failures=$((failures + 1)); progress "FAILED: $task $result"; }
  med[$task,$tool]=$(median "${walls[@]}")
  rows+=("$task$sep$tool$sep$*$sep${med[$task,$tool]}$sep${walls[*]}$sep$(median "${cpus[@]}")$sep$rss$sep$result$sep$LOAD")
  progress "$task $tool: median ${med[$task,$tool]} s ($result)"
}

task make-image jigit-mkimage image jigit-mkimage -j "$jigdo" -t "$template" -m "$label=$dir/" -o "$out"
task make-image spindelta image "$spindelta" jigdo make-image -q --source "$label=$dir" --template "$template" "$jigdo" "$out"
task verify jigdo-file none jigdo-file verify -r quiet -i "$image" -t "$template"
task verify spindelta none "$spindelta" jigdo verify -q "$image" "$template"
task range jigit-mkimage count jigit-mkimage -j "$jigdo" -t "$template" -m "$label=$dir/" -s "$first" -e "$last" -o "$out"
task range spindelta range "$spindelta" jigdo make-image -q --source "$label=$dir" --template "$template" \
    --range "$first-$last" "$jigdo" "$out"

verdict=$(awk -v a="${med[make-image,spindelta]}" -v b="${med[make-image,jigit-mkimage]}" 'BEGIN { print (a <= b) ? "met" : "NOT met" }')
{
  echo "# jigdo image-side macro benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "- host: $(host_line)"
  echo "- image: $(basename "$image"), $size bytes; template $(stat -c %s "$template") bytes; range $first-$last"
  echo "- peers: $(dpkg-query -W -f '${Package} ${Version}' jigit 2>/dev/null || true); $(dpkg-query -W -f '${Package} ${Version}' jigdo-file 2>/dev/null || true)"
  echo "- $runs runs per step; MB = 10^6 bytes; load = 1-minute load average before the last run"
  echo
  echo "| task | tool | command | median wall s | walls | median CPU s | peak RSS MB | result | load |"
  echo "|---|---|---|---:|---|---:|---:|---|---:|"
  for row in "${rows[@]}"; do
    IFS=$sep read -r t tool cmd m w c rss res load <<<"$row"
    echo "| $t | $tool | \`$cmd\` | $m | $w | $c | $rss | $res | $load |"
  done
  echo
  echo "Target: make-image at least as fast as jigit-mkimage: ${med[make-image,spindelta]} s vs ${med[make-image,jigit-mkimage]} s, $verdict" \
       "(speed-up $(ratio "${med[make-image,jigit-mkimage]}" "${med[make-image,spindelta]}" %.2f)x)."
} >"$md"
echo "task,tool,command,median_wall_s,walls,median_cpu_s,peak_rss_mb,result,load" >"$csv"
for row in "${rows[@]}"; do
  IFS=$sep read -r t tool cmd m w c rss res load <<<"$row"
  printf '"%s","%s","%s",%s,"%s",%s,%s,"%s",%s\n' "$t" "$tool" "$cmd" "$m" "$w" "$c" "$rss" "$res" "$load" >>"$csv"
done

finish_report jigdo-macro "did not reproduce the image"

#!/usr/bin/env bash
# Macro benchmark: jigdo against the real peers on one image, in one run: make-image (ours vs
# jigit-mkimage, both verifying checksums), verify (ours vs jigdo-file verify) and a byte range (ours vs
# jigit-mkimage -s/-e); with --make-template also make-template (ours, by directory tree and by rolling
# scan, vs jigdo-file greedy and not, and optionally xorriso's JTE).
#
# usage: bench/jigdo-macro.sh --image ISO --map LABEL=DIR [--jigdo J --template T] [--make-template [--jte]]
#                             [--runs N] [--workdir DIR] [--keep]
#
#   --image ISO               the image: every rebuilt image is compared with it (cmp)
#   --map LABEL=DIR           where the parts of LABEL are (jigit-mkimage -m, our --source LABEL=DIR); with
#                             --make-template, the candidate files (our --label, jigdo-file's --label and DIR//)
#   --jigdo J, --template T   the .jigdo file (plain: jigit-mkimage reads no gzip) and its template; optional with
#                             --make-template, which then uses the pair our make-template makes
#   --make-template           also time make-template on ISO: ./spindelta jigdo make-template (directory tree),
#                             the same with --scan (rolling scan at every offset), jigdo-file make-template with its
#                             default greedy matching and with --no-greedy-matching; template sizes are reported
#   --jte                     also xorriso's JTE: ISO made again by `xorriso -as mkisofs -R -J -V BENCH -o ... DIR`
#                             with -jigdo-jigdo/-jigdo-template/-jigdo-map/-md5-list (the md5 list made first, timed
#                             as its own row); comparable when ISO was made by that command from DIR
#   --runs N                  timed runs of each tool per task, the peer's first (default 3); medians reported
#   --workdir DIR             where rebuilt images go (default: a new directory under /var/tmp; room for one image)
#   --keep                    keep the work directory
#
# Steps, each under GNU time (wall s, CPU s, peak RSS of the process, JVM included):
#   make-template: ./spindelta jigdo make-template -q ISO --label LABEL=DIR --jigdo .. --template .. [--scan]
#               jigdo-file make-template -r quiet [--no-greedy-matching] --image=ISO ... --label LABEL=DIR DIR//
#               xorriso -as mkisofs -R -J -V BENCH -o .. -jigdo-jigdo .. -jigdo-template .. -jigdo-map LABEL=DIR/
#                 -md5-list LIST -jigdo-min-file-size 1024 DIR
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
jigdo= template= map= image= workdir= runs=3 keep=0 make_template=0 jte=0
while [ $# -gt 0 ]; do
  case "$1" in
    --jigdo) jigdo=${2:?}; shift 2 ;;
    --template) template=${2:?}; shift 2 ;;
    --map) map=${2:?}; shift 2 ;;
    --image) image=${2:?}; shift 2 ;;
    --runs) runs=${2:?}; shift 2 ;;
    --workdir) workdir=${2:?}; shift 2 ;;
    --keep) keep=1; shift ;;
    --make-template) make_template=1; shift ;;
    --jte) jte=1; shift ;;
    -h|--help) usage ;;
    *) echo "jigdo-macro: unknown argument $1" >&2; usage ;;
  esac
done
[ -f "$image" ] && [[ "$map" == *=* ]] || usage
if [ "$make_template" = 0 ]; then [ -f "$jigdo" ] && [ -f "$template" ] || usage; fi
[ "$jte" = 0 ] || [ "$make_template" = 1 ] || { echo "jigdo-macro: --jte needs --make-template" >&2; exit 2; }
[ -d "${map#*=}" ] || { echo "jigdo-macro: ${map#*=} is not a directory" >&2; exit 2; }
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "jigdo-macro: --runs must be a positive number" >&2; exit 2; }
for t in jigit-mkimage jigdo-file cmp $([ "$jte" = 1 ] && echo xorriso md5sum); do
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
cat "$image" >/dev/null
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
    rm -f "$out" "$tout" "$jout"
    run_timed "$@"
    if [ "$RC" != 0 ]; then result="exit $RC"; fi
    case $check in
      image) cmp -s "$out" "$image" || result="differs" ;;
      range) cmp -s "$out" <(tail -c +$((first + 1)) "$image" | head -c "$span") || result="differs" ;;
      count) result="$(stat -c %s "$out" 2>/dev/null || echo 0) bytes (asked $span)" ;;
      template) result="template $(stat -c %s "$tout" 2>/dev/null || echo 0) bytes"
                [ "$RC" = 0 ] || result="exit $RC" ;;
    esac
    walls+=("$WALL"); cpus+=("$CPU")
    rss=$(awk -v a="$rss" -v b="$RSS_MB" 'BEGIN { print (b > a) ? b : a }')
  done
  if [[ "$tool" == spindelta* && "$result" != ok && "$result" != template* ]]; then
    failures=$((failures + 1)); progress "FAILED: $task $result"
  fi
  med[$task,$tool]=$(median "${walls[@]}")
  rows+=("$task$sep$tool$sep$*$sep${med[$task,$tool]}$sep${walls[*]}$sep$(median "${cpus[@]}")$sep$rss$sep$result$sep$LOAD")
  progress "$task $tool: median ${med[$task,$tool]} s ($result)"
}

tout=$workdir/t.template
jout=$workdir/t.jigdo
declare -A tsize=()
if [ "$make_template" = 1 ]; then
  keep_pair() { cp "$tout" "$workdir/$1.template"; cp "$jout" "$workdir/$1.jigdo"; tsize[$1]=$(stat -c %s "$tout"); }
  task make-template jigdo-file template jigdo-file make-template -r quiet --force --image="$image" --jigdo="$jout" \
      --template="$tout" --label "$label=$dir" "$dir//"
  keep_pair jigdo-file
  task make-template jigdo-file-no-greedy template jigdo-file make-template -r quiet --force --no-greedy-matching \
      --image="$image" --jigdo="$jout" --template="$tout" --label "$label=$dir" "$dir//"
  keep_pair jigdo-file-no-greedy
  if [ "$jte" = 1 ]; then
    list=$workdir/md5.list
    # JTE's list format, hex  size  path (one line of shell: the report prints the command in a table row)
    task md5-list md5sum none sh -c 'find "$1" -type f -size +0 -print0 | xargs -0 md5sum | while read -r sum path; do printf "%s  %12d  %s\n" "$sum" "$(stat -c %s "$path")" "$path"; done >"$2"' sh "$dir" "$list"
    task make-template xorriso-jte template xorriso -as mkisofs -R -J -V BENCH -o "$out" -jigdo-jigdo "$jout" \
        -jigdo-template "$tout" -jigdo-map "$label=$dir/" -md5-list "$list" -jigdo-min-file-size 1024 "$dir"
    keep_pair xorriso-jte
  fi
  task make-template spindelta template "$spindelta" jigdo make-template -q "$image" --label "$label=$dir" \
      --jigdo "$jout" --template "$tout"
  keep_pair spindelta
  task make-template spindelta-scan template "$spindelta" jigdo make-template -q --scan "$image" --label "$label=$dir" \
      --jigdo "$jout" --template "$tout"
  keep_pair spindelta-scan
  if [ -z "$template" ]; then jigdo=$workdir/spindelta.jigdo; template=$workdir/spindelta.template; fi
fi
cat "$template" >/dev/null

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
  echo "- image: $(basename "$image"), $size bytes; candidates $dir ($(find "$dir" -type f | wc -l) files);" \
       "make-image/verify/range template $(basename "$template"), $(stat -c %s "$template") bytes; range $first-$last"
  echo "- peers: $(dpkg-query -W -f '${Package} ${Version}' jigit 2>/dev/null || true); $(dpkg-query -W -f '${Package} ${Version}' jigdo-file 2>/dev/null || true); $(dpkg-query -W -f '${Package} ${Version}' xorriso 2>/dev/null || true)"
  echo "- $runs runs per step; MB = 10^6 bytes; load = 1-minute load average before the last run"
  echo
  echo "| task | tool | command | median wall s | walls | median CPU s | peak RSS MB | result | load |"
  echo "|---|---|---|---:|---|---:|---:|---|---:|"
  for row in "${rows[@]}"; do
    IFS=$sep read -r t tool cmd m w c rss res load <<<"$row"
    echo "| $t | $tool | \`$cmd\` | $m | $w | $c | $rss | $res | $load |"
  done
  echo
  if [ "$make_template" = 1 ]; then
    echo "make-template on the same image and files: ours (directory tree) ${med[make-template,spindelta]} s, template ${tsize[spindelta]} bytes;" \
         "ours (--scan) ${med[make-template,spindelta-scan]} s, ${tsize[spindelta-scan]} bytes;" \
         "jigdo-file ${med[make-template,jigdo-file]} s, ${tsize[jigdo-file]} bytes;" \
         "jigdo-file --no-greedy-matching ${med[make-template,jigdo-file-no-greedy]} s, ${tsize[jigdo-file-no-greedy]} bytes$(
         [ "$jte" = 1 ] && echo "; xorriso JTE (making the ISO too) ${med[make-template,xorriso-jte]} s, ${tsize[xorriso-jte]} bytes, after a ${med[md5-list,md5sum]} s md5 list")."
    echo "Speed-up of ours over jigdo-file: $(ratio "${med[make-template,jigdo-file]}" "${med[make-template,spindelta]}" %.1f)x" \
         "(directory tree), $(ratio "${med[make-template,jigdo-file]}" "${med[make-template,spindelta-scan]}" %.1f)x (--scan)."
    echo
  fi
  echo "Target: make-image at least as fast as jigit-mkimage: ${med[make-image,spindelta]} s vs ${med[make-image,jigit-mkimage]} s, $verdict" \
       "(speed-up $(ratio "${med[make-image,jigit-mkimage]}" "${med[make-image,spindelta]}" %.2f)x)."
} >"$md"
echo "task,tool,command,median_wall_s,walls,median_cpu_s,peak_rss_mb,result,load" >"$csv"
for row in "${rows[@]}"; do
  IFS=$sep read -r t tool cmd m w c rss res load <<<"$row"
  printf '"%s","%s","%s",%s,"%s",%s,%s,"%s",%s\n' "$t" "$tool" "$cmd" "$m" "$w" "$c" "$rss" "$res" "$load" >>"$csv"
done

finish_report jigdo-macro "did not reproduce the image"

#!/usr/bin/env bash
# Macro benchmark: Debian bsdiff 4.3 against spindelta on one real OLD/NEW pair, in one run.
#
# usage: bench/bsdiff-macro.sh OLD NEW [--memory SIZE] [--skip-debian] [--debian-timeout SECONDS]
#                              [--workdir DIR] [--keep] [extra spindelta bsdiff args ...]
#
#   --memory SIZE            budget of the bounded-memory row, "spindelta bsdiff --memory SIZE" (default 256M)
#   --skip-debian            do not run Debian's bsdiff/bspatch (they need ~17x OLD of RAM and are slow)
#   --debian-timeout SECONDS give up on Debian's bsdiff after this long (the row then says so)
#   --workdir DIR            where patches and results go (default: a new directory under ${TMPDIR:-/tmp});
#                            needs room for 5 patches and one NEW at a time
#   --keep                   keep the work directory (patches) afterwards
#   anything else            passed to every "spindelta bsdiff" run, e.g. --threads 4
#
# Runs, each under /usr/bin/time (wall s, user s, sys s, peak RSS):
#   diff:  Debian bsdiff; spindelta bsdiff (bsdiff40, default memory); spindelta bsdiff --memory SIZE;
#          spindelta bsdiff --format spdw-xz; spindelta bsdiff --format spdw-zstd
#   apply: Debian bspatch on Debian's patch and on spindelta's bsdiff40 patch; spindelta bspatch on each of ours
# Every applied result is compared with NEW (cmp). Prints a Markdown table and writes the same rows to
# bench/results/bsdiff-<timestamp>.csv (and the table with its header to .md). JVM options for spindelta:
# SPINDELTA_JAVA_OPTS (e.g. -Xmx8g). Exit status 1 if any result differs from NEW or any of our steps failed.
set -euo pipefail

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2; exit 2; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
spindelta=$root/spindelta
results=$root/bench/results

[ $# -ge 2 ] || usage
case "$1" in -h|--help) usage ;; esac
old=$1
new=$2
shift 2
memory=256M
skip_debian=0
debian_timeout=
workdir=
keep=0
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --memory) memory=${2:?--memory needs a size}; shift 2 ;;
    --memory=*) memory=${1#--memory=}; shift ;;
    --skip-debian) skip_debian=1; shift ;;
    --debian-timeout) debian_timeout=${2:?--debian-timeout needs seconds}; shift 2 ;;
    --workdir) workdir=${2:?--workdir needs a directory}; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage ;;
    *) extra+=("$1"); shift ;;
  esac
done

for f in "$old" "$new"; do
  [ -f "$f" ] || { echo "bsdiff-macro: $f is not a file" >&2; exit 2; }
done
old=$(realpath "$old")
new=$(realpath "$new")

debian=1
debian_note=
if [ "$skip_debian" = 1 ]; then
  debian=0; debian_note="Debian bsdiff/bspatch skipped (--skip-debian)"
elif ! command -v bsdiff >/dev/null || ! command -v bspatch >/dev/null; then
  debian=0; debian_note="Debian bsdiff/bspatch not installed (apt-get install bsdiff); their rows are skipped"
fi

if [ -z "$workdir" ]; then
  workdir=$(mktemp -d "${TMPDIR:-/tmp}/bsdiff-macro.XXXXXX")
else
  mkdir -p "$workdir"
  workdir=$(realpath "$workdir")
fi
cleanup() { if [ "$keep" = 0 ]; then rm -rf "$workdir"; else echo "bsdiff-macro: kept $workdir" >&2; fi; }
trap cleanup EXIT

stamp=$(date +%Y%m%d-%H%M%S)
mkdir -p "$results"
csv=$results/bsdiff-$stamp.csv
md=$results/bsdiff-$stamp.md

progress() { echo "bsdiff-macro: $*" >&2; }

# Build the jar now, untimed, so no timed step includes a Maven build.
progress "preparing ./spindelta (builds the jar if sources changed) ..."
"$spindelta" --version >/dev/null

. "$root/bench/lib/timed.sh"

# Rows: tool, command, wall, cpu, rss, patch bytes, kind (diff|apply), patch file (for ratio)
rows=()
failures=0
add_row() { rows+=("$1"$'\t'"$2"$'\t'"$3"$'\t'"$4"$'\t'"$5"$'\t'"$6"$'\t'"$7"); }

steps_total=$(( (debian ? 3 : 0) + 8 ))
n=0
announce() { n=$((n + 1)); progress "[$n/$steps_total] $*"; }

old_size=$(stat -c %s "$old")
new_size=$(stat -c %s "$new")
progress "OLD $old ($old_size bytes), NEW $new ($new_size bytes), work dir $workdir"
[ -n "$debian_note" ] && progress "note: $debian_note"

# ------------------------------------------------------------------ diffs
declare -A patch_of   # row label -> patch file (only for successful diffs)
diff_debian_wall=
debian_patch_bytes=

if [ "$debian" = 1 ]; then
  p=$workdir/debian.bsdiff40
  announce "Debian bsdiff OLD NEW PATCH${debian_timeout:+ (timeout ${debian_timeout}s)}"
  if [ -n "$debian_timeout" ]; then
    run_timed timeout "$debian_timeout" bsdiff "$old" "$new" "$p"
  else
    run_timed bsdiff "$old" "$new" "$p"
  fi
  if [ "$RC" = 0 ]; then
    debian_patch_bytes=$(stat -c %s "$p")
    diff_debian_wall=$WALL
    patch_of["Debian bsdiff 4.3"]=$p
    add_row "Debian bsdiff 4.3" "bsdiff OLD NEW PATCH" "$WALL" "$CPU" "$RSS_MB" "$debian_patch_bytes" diff
  else
    why="failed (exit $RC)"; [ "$RC" = 124 ] && why="timed out"
    progress "  Debian bsdiff $why: $(tail -n 2 "$LOG" | tr '\n' ' ')"
    add_row "Debian bsdiff 4.3" "bsdiff OLD NEW PATCH" "$WALL" "$CPU" "$RSS_MB" "$why" diff
  fi
fi

our_diff() { # label, patch file name, extra option words...
  local label=$1 file=$workdir/$2
  shift 2
  local shown="./spindelta bsdiff${*:+ $*}${extra[*]:+ ${extra[*]}} OLD NEW PATCH"
  announce "$label: $shown"
  run_timed "$spindelta" bsdiff "$@" "${extra[@]}" "$old" "$new" "$file"
  if [ "$RC" = 0 ]; then
    patch_of["$label"]=$file
    progress "  $(grep -v '^spindelta: building' "$LOG" | tail -n 1)"
    add_row "$label" "$shown" "$WALL" "$CPU" "$RSS_MB" "$(stat -c %s "$file")" diff
  else
    failures=$((failures + 1))
    progress "  FAILED (exit $RC): $(tail -n 3 "$LOG" | tr '\n' ' ')"
    add_row "$label" "$shown" "$WALL" "$CPU" "$RSS_MB" "failed (exit $RC)" diff
  fi
}

our_diff "spindelta bsdiff40" ours.bsdiff40
our_diff "spindelta bsdiff40 --memory $memory" ours-mem.bsdiff40 --memory "$memory"
our_diff "spindelta spdw-xz" ours.spdw-xz --format spdw-xz
our_diff "spindelta spdw-zstd" ours.spdw-zstd --format spdw-zstd

# ------------------------------------------------------------------ applies
apply_debian_wall=
result=$workdir/result

verify() { # label; compares $result with NEW, then removes it (NEW may be GBs)
  if cmp -s "$new" "$result"; then
    progress "  result identical to NEW"
  else
    failures=$((failures + 1))
    progress "  FAILED: $1 did not reproduce NEW"
  fi
  rm -f "$result"
}

debian_apply() { # row label, diff label whose patch is applied
  local label=$1 p=${patch_of[$2]:-}
  announce "$label: bspatch OLD NEW PATCH"
  if [ -z "$p" ]; then
    progress "  skipped: no patch from '$2'"
    return
  fi
  run_timed bspatch "$old" "$result" "$p"
  local bytes
  bytes=$(stat -c %s "$p")
  if [ "$RC" = 0 ]; then
    [ "$2" = "Debian bsdiff 4.3" ] && apply_debian_wall=$WALL
    verify "$label"
    add_row "$label" "bspatch OLD NEW PATCH" "$WALL" "$CPU" "$RSS_MB" "$bytes" apply
  else
    # Debian's tool failing on its own patch (e.g. its 2 GiB cap) is not our failure; failing only on ours is
    if [ "$2" != "Debian bsdiff 4.3" ] && [ -n "$apply_debian_wall" ]; then
      failures=$((failures + 1))
    fi
    progress "  FAILED (exit $RC): $(tail -n 2 "$LOG" | tr '\n' ' ')"
    add_row "$label" "bspatch OLD NEW PATCH" "$WALL" "$CPU" "$RSS_MB" "failed (exit $RC)" apply
  fi
}

our_apply() { # diff label whose patch is applied
  local label="spindelta bspatch (${1#spindelta })" p=${patch_of[$1]:-}
  local shown="./spindelta bspatch OLD PATCH NEW"
  announce "$label: $shown"
  if [ -z "$p" ]; then
    progress "  skipped: no patch from '$1'"
    return
  fi
  run_timed "$spindelta" bspatch "$old" "$p" "$result"
  if [ "$RC" = 0 ]; then
    verify "$label"
    add_row "$label" "$shown" "$WALL" "$CPU" "$RSS_MB" "$(stat -c %s "$p")" apply
  else
    failures=$((failures + 1))
    progress "  FAILED (exit $RC): $(tail -n 3 "$LOG" | tr '\n' ' ')"
    add_row "$label" "$shown" "$WALL" "$CPU" "$RSS_MB" "failed (exit $RC)" apply
  fi
}

if [ "$debian" = 1 ]; then
  debian_apply "Debian bspatch 4.3" "Debian bsdiff 4.3"
  debian_apply "Debian bspatch 4.3 (spindelta bsdiff40)" "spindelta bsdiff40"
fi
our_apply "spindelta bsdiff40"
our_apply "spindelta bsdiff40 --memory $memory"
our_apply "spindelta spdw-xz"
our_apply "spindelta spdw-zstd"

# ------------------------------------------------------------------ report
header="tool | command | wall s | CPU s | peak RSS MB | patch bytes | patch/bsdiff ratio | speedup vs bsdiff"
{
  echo "# bsdiff macro benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "- OLD: \`$old\` ($old_size bytes)"
  echo "- NEW: \`$new\` ($new_size bytes)"
  echo "- host: $(host_line)"
  echo "- SPINDELTA_JAVA_OPTS: \`${SPINDELTA_JAVA_OPTS:-}\`; extra bsdiff args: \`${extra[*]:-}\`"
  [ -n "$debian_note" ] && echo "- note: $debian_note"
  echo "- patch/bsdiff ratio: patch bytes / Debian bsdiff's; speedup: Debian's wall time / this row's"
  echo "  (diff rows against Debian bsdiff, apply rows against Debian bspatch on its own patch); MB = 10^6 bytes"
  echo
  echo "| $header |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|"
} >"$md"
echo "tool,command,wall_s,cpu_s,peak_rss_mb,patch_bytes,patch_bsdiff_ratio,speedup_vs_bsdiff" >"$csv"

for r in "${rows[@]}"; do
  IFS=$'\t' read -r tool cmd wall cpu rss bytes kind <<<"$r"
  pr=$(ratio "$bytes" "$debian_patch_bytes" "%.4f")
  if [ "$kind" = diff ]; then base=$diff_debian_wall; else base=$apply_debian_wall; fi
  if [[ "$bytes" =~ ^[0-9]+$ ]]; then sp=$(ratio "$base" "$wall" "%.2f"); else sp="n/a"; fi
  echo "| $tool | \`$cmd\` | $wall | $cpu | $rss | $bytes | $pr | $sp |" >>"$md"
  printf '"%s","%s",%s,%s,%s,"%s",%s,%s\n' "$tool" "$cmd" "$wall" "$cpu" "$rss" "$bytes" "$pr" "$sp" >>"$csv"
done

finish_report bsdiff-macro "did not reproduce NEW"

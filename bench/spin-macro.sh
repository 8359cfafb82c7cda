#!/usr/bin/env bash
# Macro benchmark: spin patches (spindelta diff/apply) against the real peers on real SquashFS pairs,
# in one run: xdelta3 -9, zstd -19 --long=31 --patch-from, Debian bsdiff 4.3, and mksquashfs building
# the spin from its tree (the yardstick of the apply target).
#
# usage: bench/spin-macro.sh [options] BASE:SPIN[:TREE] ...
#
#   BASE:SPIN[:TREE]   a pair of images (SquashFS files, or files carrying one such as ISOs); TREE, if
#                      given, is the directory SPIN was built from: "mksquashfs TREE" is then timed with
#                      SPIN's compressor and block size (read with unsquashfs -s)
#   --workdir DIR      where patches and rebuilt images go (default: a new directory under /var/tmp);
#                      room for 5 patches and one rebuilt image per pair
#   --skip PEER        leave a peer out: xdelta3, zstd, bsdiff, mksquashfs (repeatable)
#   --peer-timeout S   give up on a peer's step after S seconds (default 1800; the row says so)
#   --keep             keep the work directory
#
# Per pair, each step under GNU time (wall s, CPU s, peak RSS of the whole process, JVM included):
#   ours:  ./spindelta diff BASE SPIN PATCH, then ./spindelta apply BASE PATCH OUT
#   peers: xdelta3 -9 -e -s BASE SPIN PATCH / xdelta3 -d -s BASE PATCH OUT;
#          zstd -19 --long=31 --patch-from=BASE SPIN / zstd -d --long=31 --patch-from=BASE;
#          bsdiff BASE SPIN PATCH / bspatch BASE OUT PATCH;  mksquashfs TREE OUT -comp C -b B
# Every rebuilt image is compared with SPIN (cmp); a peer whose result differs is reported, ours fails the
# run. The 1-minute load average before each step is recorded (2-core machines share CPU with anything
# else running). Targets checked per pair (issue 4): patch at most 0.65x the best peer's; diff wall time
# at most xdelta3 -9's; diff peak RSS at most 512 MB; apply peak RSS at most 256 MB; apply wall time at
# most half of mksquashfs's. Writes bench/results/spin-<timestamp>.md (tables) and .csv (rows).
# JVM options for ./spindelta: SPINDELTA_JAVA_OPTS. Exit status 1 if a step of ours failed or differed.
set -euo pipefail

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2; exit 2; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
spindelta=$root/spindelta
results=$root/bench/results

pairs=()
workdir=
keep=0
timeout_s=1800
declare -A skip=()
while [ $# -gt 0 ]; do
  case "$1" in
    --workdir) workdir=${2:?--workdir needs a directory}; shift 2 ;;
    --skip) skip[${2:?--skip needs a peer}]=1; shift 2 ;;
    --peer-timeout) timeout_s=${2:?--peer-timeout needs seconds}; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage ;;
    -*) echo "spin-macro: unknown option $1" >&2; usage ;;
    *) pairs+=("$1"); shift ;;
  esac
done
[ ${#pairs[@]} -gt 0 ] || usage

progress() { echo "spin-macro: $*" >&2; }

for p in "${pairs[@]}"; do
  IFS=: read -r b s t <<<"$p"
  [ -f "$b" ] && [ -f "$s" ] || { echo "spin-macro: $p: BASE and SPIN must be files" >&2; exit 2; }
  [ -z "$t" ] || [ -d "$t" ] || { echo "spin-macro: $p: TREE $t is not a directory" >&2; exit 2; }
done
for peer in xdelta3 zstd bsdiff mksquashfs; do
  if [ -z "${skip[$peer]:-}" ] && ! command -v "$peer" >/dev/null; then
    progress "note: $peer is not installed; its rows are skipped"
    skip[$peer]=1
  fi
done

if [ -z "$workdir" ]; then
  workdir=$(mktemp -d /var/tmp/spin-macro.XXXXXX)
else
  mkdir -p "$workdir"
  workdir=$(realpath "$workdir")
fi
cleanup() { if [ "$keep" = 0 ]; then rm -rf "$workdir"; else progress "kept $workdir"; fi; }
trap cleanup EXIT

. "$root/bench/lib/timed.sh"

stamp=$(date +%Y%m%d-%H%M%S)
mkdir -p "$results"
csv=$results/spin-$stamp.csv
md=$results/spin-$stamp.md

progress "preparing ./spindelta (builds the jar if sources changed) ..."
"$spindelta" --version >/dev/null

failures=0
rows=()      # pair, tool, step, command, wall, cpu, rss, bytes, result, load
summaries=() # one target line per pair
sep=$'\x1f' # between a row's fields: not whitespace, so empty fields survive read
add_row() { local IFS=$sep; rows+=("$*"); }

out=$workdir/out
same() { # label: compares $out with SPIN, prints identical/DIFFERENT, removes $out
  if cmp -s "$spin" "$out"; then echo identical; else echo DIFFERENT; fi
  rm -f "$out"
}

peer_pair() { # tool, diff label, apply label, patch file, diff cmd..., --, apply cmd...
  local tool=$1 dlabel=$2 alabel=$3 patch=$4
  shift 4
  local dcmd=() acmd=()
  while [ "$1" != -- ]; do dcmd+=("$1"); shift; done
  shift
  acmd=("$@")
  progress "  $tool diff: $dlabel"
  run_timed timeout "$timeout_s" "${dcmd[@]}"
  if [ "$RC" != 0 ]; then
    local why="failed (exit $RC)"; [ "$RC" = 124 ] && why="timed out after ${timeout_s}s"
    progress "    $why: $(tail -n 2 "$LOG" | tr '\n' ' ')"
    add_row "$name" "$tool" diff "$dlabel" "$WALL" "$CPU" "$RSS_MB" "" "$why" "$LOAD"
    return
  fi
  local bytes
  bytes=$(stat -c %s "$patch")
  add_row "$name" "$tool" diff "$dlabel" "$WALL" "$CPU" "$RSS_MB" "$bytes" "" "$LOAD"
  peer_bytes[$tool]=$bytes
  peer_wall[$tool]=$WALL
  progress "    $bytes bytes, ${WALL}s, ${RSS_MB} MB"
  progress "  $tool apply: $alabel"
  run_timed timeout "$timeout_s" "${acmd[@]}"
  local res
  if [ "$RC" = 0 ]; then res=$(same); else res="failed (exit $RC)"; rm -f "$out"; fi
  add_row "$name" "$tool" apply "$alabel" "$WALL" "$CPU" "$RSS_MB" "$bytes" "$res" "$LOAD"
  progress "    $res, ${WALL}s"
  rm -f "$patch"
}

for p in "${pairs[@]}"; do
  IFS=: read -r base spin tree <<<"$p"
  base=$(realpath "$base"); spin=$(realpath "$spin")
  name="$(basename "$base") -> $(basename "$spin")"
  declare -A peer_bytes=() peer_wall=()
  progress "pair $name ($(stat -c %s "$base") -> $(stat -c %s "$spin") bytes)"
  cat "$base" "$spin" >/dev/null # into the page cache, untimed

  # ours
  patch=$workdir/ours.spin
  progress "  spindelta diff BASE SPIN PATCH"
  run_timed "$spindelta" diff "$base" "$spin" "$patch"
  ours_bytes=
  if [ "$RC" = 0 ]; then
    ours_bytes=$(stat -c %s "$patch")
    ours_diff_wall=$WALL; ours_diff_rss=$RSS_MB
    add_row "$name" spindelta diff "./spindelta diff BASE SPIN PATCH" "$WALL" "$CPU" "$RSS_MB" "$ours_bytes" "" "$LOAD"
    progress "    $ours_bytes bytes, ${WALL}s, ${RSS_MB} MB"
    progress "  spindelta apply BASE PATCH OUT"
    run_timed "$spindelta" apply "$base" "$patch" "$out"
    if [ "$RC" = 0 ]; then res=$(same); else res="failed (exit $RC)"; fi
    [ "$res" = identical ] || failures=$((failures + 1))
    ours_apply_wall=$WALL; ours_apply_rss=$RSS_MB
    add_row "$name" spindelta apply "./spindelta apply BASE PATCH OUT" "$WALL" "$CPU" "$RSS_MB" "$ours_bytes" "$res" "$LOAD"
    progress "    $res, ${WALL}s, ${RSS_MB} MB"
  else
    failures=$((failures + 1))
    progress "    FAILED (exit $RC): $(tail -n 3 "$LOG" | tr '\n' ' ')"
    add_row "$name" spindelta diff "./spindelta diff BASE SPIN PATCH" "$WALL" "$CPU" "$RSS_MB" "" "failed (exit $RC)" "$LOAD"
  fi
  rm -f "$patch" "$out"

  [ -n "${skip[xdelta3]:-}" ] || peer_pair xdelta3 "xdelta3 -9 -e -s BASE SPIN PATCH" \
    "xdelta3 -d -s BASE PATCH OUT" "$workdir/p.xd3" \
    xdelta3 -9 -f -e -s "$base" "$spin" "$workdir/p.xd3" -- xdelta3 -f -d -s "$base" "$workdir/p.xd3" "$out"
  [ -n "${skip[zstd]:-}" ] || peer_pair zstd "zstd -19 --long=31 --patch-from=BASE SPIN -o PATCH" \
    "zstd -d --long=31 --patch-from=BASE PATCH -o OUT" "$workdir/p.zst" \
    zstd -q -f -19 --long=31 --patch-from="$base" "$spin" -o "$workdir/p.zst" -- \
    zstd -q -f -d --long=31 --patch-from="$base" "$workdir/p.zst" -o "$out"
  [ -n "${skip[bsdiff]:-}" ] || peer_pair bsdiff "bsdiff BASE SPIN PATCH" "bspatch BASE OUT PATCH" "$workdir/p.bsdiff" \
    bsdiff "$base" "$spin" "$workdir/p.bsdiff" -- bspatch "$base" "$out" "$workdir/p.bsdiff"

  mksq_wall=
  if [ -n "$tree" ] && [ -z "${skip[mksquashfs]:-}" ]; then
    info=$(unsquashfs -s "$spin" 2>/dev/null || true)
    comp=$(awk '/^Compression /{print $2; exit}' <<<"$info")
    bsize=$(awk '/^Block size /{print $3; exit}' <<<"$info")
    if [ -n "$comp" ] && [ -n "$bsize" ]; then
      progress "  mksquashfs TREE OUT -comp $comp -b $bsize"
      run_timed mksquashfs "$tree" "$out" -comp "$comp" -b "$bsize" -noappend -no-progress -quiet
      if [ "$RC" = 0 ]; then mksq_wall=$WALL; res="$(stat -c %s "$out") bytes"; else res="failed (exit $RC)"; fi
      add_row "$name" mksquashfs build "mksquashfs TREE OUT -comp $comp -b $bsize" "$WALL" "$CPU" "$RSS_MB" "" "$res" "$LOAD"
      progress "    ${WALL}s ($res)"
      rm -f "$out"
    else
      progress "  mksquashfs skipped: SPIN is not a SquashFS file unsquashfs -s can read"
    fi
  fi

  # targets
  best=; best_tool=
  for tool in "${!peer_bytes[@]}"; do
    if [ -z "$best" ] || [ "${peer_bytes[$tool]}" -lt "$best" ]; then best=${peer_bytes[$tool]}; best_tool=$tool; fi
  done
  verdict() { if awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && b != "" && a + 0 <= b + 0) }'; then echo met; else echo "NOT met"; fi; }
  line="**$name**: patch $(ratio "$ours_bytes" "$best" %.3f)x the best peer's ($best_tool, $best bytes; target 0.65x: $(
    verdict "$(ratio "$ours_bytes" "$best" %.4f)" 0.65)); diff ${ours_diff_wall:-?} s vs xdelta3 ${peer_wall[xdelta3]:-?} s ($(
    verdict "${ours_diff_wall:-}" "${peer_wall[xdelta3]:-}")); diff RSS ${ours_diff_rss:-?} MB (<= 512: $(
    verdict "${ours_diff_rss:-}" 512)); apply RSS ${ours_apply_rss:-?} MB (<= 256: $(
    verdict "${ours_apply_rss:-}" 256)); apply ${ours_apply_wall:-?} s vs mksquashfs ${mksq_wall:-?} s (<= half: $(
    verdict "${ours_apply_wall:-}" "$(awk -v m="${mksq_wall:-}" 'BEGIN { if (m != "") printf "%.2f", m / 2 }')"))"
  summaries+=("$line")
  unset peer_bytes peer_wall ours_diff_wall ours_diff_rss ours_apply_wall ours_apply_rss
done

{
  echo "# spin patch macro benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "- host: $(host_line)"
  echo "- SPINDELTA_JAVA_OPTS: \`${SPINDELTA_JAVA_OPTS:-}\`; MB = 10^6 bytes; load = 1-minute load average before the step"
  echo "- peers: $(xdelta3 -V 2>&1 | head -n 1 || true); $(zstd -V 2>/dev/null || true); $(dpkg-query -W -f '${Package} ${Version}' bsdiff 2>/dev/null || true); $(mksquashfs -version 2>&1 | head -n 1 || true)"
  echo
  echo "| pair | tool | step | command | wall s | CPU s | peak RSS MB | patch bytes | result | load |"
  echo "|---|---|---|---|---:|---:|---:|---:|---|---:|"
  for r in "${rows[@]}"; do
    IFS=$sep read -r pair tool step cmd wall cpu rss bytes res load <<<"$r"
    echo "| $pair | $tool | $step | \`$cmd\` | $wall | $cpu | $rss | $bytes | $res | $load |"
  done
  echo
  echo "Targets:"
  echo
  for l in "${summaries[@]}"; do echo "- $l"; done
} >"$md"
echo "pair,tool,step,command,wall_s,cpu_s,peak_rss_mb,patch_bytes,result,load" >"$csv"
for r in "${rows[@]}"; do
  IFS=$sep read -r pair tool step cmd wall cpu rss bytes res load <<<"$r"
  printf '"%s","%s","%s","%s",%s,%s,%s,%s,"%s",%s\n' "$pair" "$tool" "$step" "$cmd" "$wall" "$cpu" "$rss" "${bytes:-}" "$res" "$load" >>"$csv"
done

finish_report spin-macro "did not reproduce SPIN"

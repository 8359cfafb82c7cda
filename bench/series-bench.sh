#!/usr/bin/env bash
# Large-image series (issue 7): every spindelta command and its peers on the size points made by
# bench/make-series.sh, in one run; wall time, CPU time, peak RSS and output size against image size,
# a Markdown table, CSV and JSON, plots, and the issue's targets computed and printed.
#
# usage: bench/series-bench.sh [options]
#
#   --data DIR          make-series.sh's output (default /work/series-data); points are DIR/points/<size>/
#   --sizes "S ..."     size points to run, GB as make-series names them (default: every point with images)
#   --spin V            the spin of the pairs, loc or upd (default: the one the points have; upd first)
#   --comp C            the images' compressor: gzip (default; every point) or xz, zstd (the COMP_SIZES points)
#   --ours "C ..."      our commands: diff apply bsdiff bspatch extract jigdo-template jigdo-image
#                       (default: all; apply needs diff, bspatch needs bsdiff, jigdo-image needs jigdo-template)
#   --peers "P ..."     peers: xdelta3 zstd bsdiff unsquashfs jigdo-file jigit (default: all)
#   --timeout S         per run of ours (default 7200); a run past it is killed and recorded so
#   --peer-timeout S    per run of a peer (default: --timeout); a peer past it is killed and its row says
#                       "timed out" (bsdiff 4.3 took 247 s at 0.1 GB and 892 s at 0.5 GB on a quiet machine)
#   --memory SIZE       --memory of our bsdiff (default 1G)
#   --bsdiff-factor F   bsdiff 4.3 runs at every point, under the cap below, so where it cannot fit its
#                       malloc fails and its row says so; the row then adds the need estimated as F x BASE
#                       + SPIN bytes (default 9: measured peak RSS 9.0 x BASE at 0.1 and 0.5 GB)
#   --workdir DIR       patches, rebuilt images and extracted trees (default DATA/run; room for one
#                       extracted tree of the largest image, ~3 x its size, plus a few images)
#   --keep              keep the work directory's logs
#   --report DIR        only (re)make the report, tables and plots of an earlier run's results DIR
#
# Inputs per point (SIZE): BASE = base.gzip.sqfs, SPIN = <spin>.gzip.sqfs, ISO = base.gzip.iso holding BASE
# as live/filesystem.squashfs, PARTS = iso-base/ (that ISO's tree); with --comp C, base.C.sqfs, <spin>.C.sqfs,
# base.C.iso and iso-base-C/. Each run is under GNU time (wall s, CPU =
# user + sys s, peak RSS of the whole process tree, JVM included, MB = 10^6 bytes) and timeout; peers also
# under an address-space cap of MemAvailable (prlimit --as), so a peer that runs out of memory fails alone
# instead of waking the OOM killer on a shared machine:
#   ours:  ./spindelta diff BASE SPIN P / apply BASE P OUT;  ./spindelta bsdiff --memory 1G BASE SPIN P /
#          bspatch BASE P OUT;  ./spindelta sqfs extract BASE DIR;  ./spindelta jigdo make-template ISO
#          --label L=PARTS --jigdo J --template T / jigdo make-image --source L=PARTS --template T J OUT
#   peers: xdelta3 -9 -e -s BASE SPIN P / -d;  zstd -19 --long=31 --patch-from=BASE SPIN / -d;  bsdiff 4.3
#          BASE SPIN P / bspatch;  unsquashfs -d DIR BASE;  jigdo-file make-template (its own J2, T2) /
#          jigdo-file make-image with J2, T2;  jigit-mkimage -j J -t T -m L=PARTS/ (our J, T)
# Every rebuilt file is compared with cmp; our extraction with unsquashfs's (listing of type, path, mode,
# owner, size, mtime, link target, and an MD5 of every file). A failed check of ours fails the run.
# Results: bench/results/series-<stamp>/ with series.csv, series.json, series.md (the table and targets),
# time.svg, rss.svg, patch.svg (and .png). Targets (issue 7), per command of ours: peak RSS flat (max/min
# over the points from 0.5 GB up at most 1.2) for diff, apply, bsdiff, bspatch, sqfs extract, jigdo
# make-template; wall time linear (the largest point at most 1.3x the least-squares line through the
# smaller ones; with one smaller point, the line through the origin) for all.
# Needs python3-matplotlib for the plots (the table and targets are made without it).
set -euo pipefail

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2; exit 2; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
spindelta=$root/spindelta
data=/work/series-data
sizes=
spin=
comp=gzip
ours="diff apply bsdiff bspatch extract jigdo-template jigdo-image"
peers="xdelta3 zstd bsdiff unsquashfs jigdo-file jigit"
timeout_s=7200
peer_timeout_s=
memory=1G
bsdiff_factor=9
workdir=
keep=0
report_only=
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data=${2:?}; shift 2 ;;
    --sizes) sizes=${2:?}; shift 2 ;;
    --spin) spin=${2:?}; shift 2 ;;
    --comp) comp=${2:?}; shift 2 ;;
    --ours) ours=$2; shift 2 ;;
    --peers) peers=$2; shift 2 ;;
    --timeout) timeout_s=${2:?}; shift 2 ;;
    --peer-timeout) peer_timeout_s=${2:?}; shift 2 ;;
    --memory) memory=${2:?}; shift 2 ;;
    --bsdiff-factor) bsdiff_factor=${2:?}; shift 2 ;;
    --workdir) workdir=${2:?}; shift 2 ;;
    --keep) keep=1; shift ;;
    --report) report_only=${2:?}; shift 2 ;;
    -h|--help) usage ;;
    *) echo "series-bench: unknown argument $1" >&2; usage ;;
  esac
done

# the plots need matplotlib: Debian's python3-matplotlib is for /usr/bin/python3, which a pyenv or venv
# python3 first on PATH does not see
py=python3
for p in /usr/bin/python3 python3; do
  if "$p" -c 'import matplotlib' 2>/dev/null; then py=$p; break; fi
done
[ -n "$peer_timeout_s" ] || peer_timeout_s=$timeout_s
if [ -n "$report_only" ]; then
  exec "$py" "$root/bench/series-report.py" "$report_only"
fi

has() { [[ " $1 " == *" $2 "* ]]; }
points=$data/points
if [ -z "$sizes" ]; then
  sizes=$(for d in "$points"/*/; do [ -f "$d/base.$comp.sqfs" ] && basename "$d"; done | sort -g | tr '\n' ' ')
fi
[ -n "$sizes" ] || { echo "series-bench: no size points with images under $points (run bench/make-series.sh)" >&2; exit 2; }
first=$(set -- $sizes; echo "$1")
if [ -z "$spin" ]; then
  for v in upd loc; do [ -f "$points/$first/$v.$comp.sqfs" ] && { spin=$v; break; }; done
fi
# SPIN is needed only by the patch commands: extraction and jigdo run on BASE and its ISO alone
need_spin=0
for c in diff bsdiff; do has "$ours" $c && need_spin=1; done
for c in xdelta3 zstd bsdiff; do has "$peers" $c && need_spin=1; done
[ -n "$spin" ] || { [ "$need_spin" = 0 ] && spin=upd; }
for s in $sizes; do
  for f in "base.$comp.sqfs" "$spin.$comp.sqfs"; do
    [ "$f" = "$spin.$comp.sqfs" ] && [ "$need_spin" = 0 ] && continue
    [ -f "$points/$s/$f" ] || { echo "series-bench: $points/$s/$f is missing" >&2; exit 2; }
  done
done
for t in xdelta3 zstd bsdiff unsquashfs jigdo-file jigit-mkimage; do
  p=$t; [ "$t" = jigit-mkimage ] && p=jigit
  if has "$peers" "$p" && ! command -v "$t" >/dev/null; then
    echo "series-bench: note: $t is not installed; its rows say so" >&2
  fi
done

[ -n "$workdir" ] || workdir=$data/run
mkdir -p "$workdir"
workdir=$(realpath "$workdir")
stamp=$(date +%Y%m%d-%H%M%S)
out_dir=$root/bench/results/series-$stamp
mkdir -p "$out_dir"
csv=$out_dir/series.csv
cleanup() { rm -rf "$workdir"/tmp-*; if [ "$keep" = 0 ]; then rm -rf "$workdir/logs-$stamp"; fi; }
trap cleanup EXIT
mkdir -p "$workdir/logs-$stamp"

progress() { echo "series: $*" >&2; }
t_start=$(date +%s)
n_points=$(wc -w <<<"$sizes")
# the progress line: point i/n, step k of the point, elapsed time of the whole run
status_line() { printf 'series [%s, point %d/%d %s GB, step %d] %s\n' \
  "$(date -u -d @$(( $(date +%s) - t_start )) +%H:%M:%S)" "$point_i" "$n_points" "$size" "$step_k" "$*" >&2; }

progress "preparing ./spindelta (builds the jar if sources changed) ..."
"$spindelta" --version >/dev/null
# The launcher's first successful `sqfs extract` of a new jar also dumps the class archive it reuses later
# (see ./spindelta), and that dump costs ~30 MB of RSS (measured: 99 MB the first run, 67 MB the next, on a
# 52 MB image): it made the first point's extraction look larger than the others in the series of
# 2026-11-23. A small extraction (BASE's /etc) first, unmeasured, so every measured run is a later one.
if has "$ours" extract; then
  warm_dir=$workdir/tmp-warm-extract
  rm -rf "$warm_dir"
  first_base=$points/$(set -- $sizes; echo "$1")/base.$comp.sqfs
  "$spindelta" sqfs extract -q "$first_base" "$warm_dir" etc >/dev/null 2>&1 ||
    progress "note: the warm-up extraction failed; the first point's extraction includes the archive dump"
  rm -rf "$warm_dir"
fi
workdir_logs=$workdir/logs-$stamp
. "$root/bench/lib/timed.sh"
workdir_saved=$workdir

{
  echo "# host: $(host_line)"
  echo "# images: $comp; spin: $spin; sizes: $sizes; timeout ${timeout_s}s (peers ${peer_timeout_s}s); our bsdiff --memory $memory; SPINDELTA_JAVA_OPTS: ${SPINDELTA_JAVA_OPTS:-}"
  echo "# peers: $(xdelta3 -V 2>&1 | head -n 1 || true); $(zstd -V 2>/dev/null || true); $(dpkg-query -W -f '${Package} ${Version}' bsdiff 2>/dev/null || true); $(unsquashfs -version 2>&1 | head -n 1 || true); $(dpkg-query -W -f '${Package} ${Version}' jigdo-file 2>/dev/null || true); $(dpkg-query -W -f '${Package} ${Version}' jigit 2>/dev/null || true)"
  echo "size_gb,base_bytes,spin_bytes,iso_bytes,tool,step,label,wall_s,cpu_s,peak_rss_mb,out_bytes,result,load"
} >"$csv"
failures=0
MEMORY_NOTE=  # set before a step: added to its row if it runs out of memory

mem_avail() { awk '/^MemAvailable:/ { printf "%.0f\n", $2 * 1024; exit }' /proc/meminfo; }
row() { # tool step label wall cpu rss out_bytes result
  printf '%s,%s,%s,%s,"%s","%s","%s",%s,%s,%s,%s,"%s",%s\n' "$size" "$base_bytes" "$spin_bytes" "${iso_bytes:-}" \
    "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$LOAD" >>"$csv"
}
why() { case $RC in 124) echo "timed out after ${TIMEOUT}s" ;; 137) echo "killed (SIGKILL: out of memory?)" ;;
        *) echo "failed (exit $RC)" ;; esac; }

# step KIND TOOL STEP LABEL OUTPUT -- CMD...   KIND is ours or peer; OUTPUT is the file whose size is
# recorded (or -). Sets OK=1 when the command exited 0.
step() {
  local kind=$1 tool=$2 st=$3 label=$4 output=$5; shift 6
  step_k=$((step_k + 1))
  status_line "$label"
  workdir=$workdir_logs
  if [ "$kind" = peer ]; then
    TIMEOUT=$peer_timeout_s
    run_timed timeout "$peer_timeout_s" prlimit --as="$(mem_avail)" -- "$@"
  else
    TIMEOUT=$timeout_s
    run_timed timeout "$timeout_s" "$@"
  fi
  workdir=$workdir_saved
  OK=0; RESULT=
  if [ "$RC" = 0 ]; then
    OK=1
    OUT_BYTES=
    [ "$output" = - ] || OUT_BYTES=$(du -sb --apparent-size "$output" | cut -f1)
  else
    RESULT=$(why); OUT_BYTES=
    if grep -qiE 'memory|alloc' "$LOG"; then
      RESULT="$RESULT: $(grep -iE -m1 'memory|alloc' "$LOG" | tr -d '",' | cut -c1-80)${MEMORY_NOTE:+; $MEMORY_NOTE}"
    elif [ "$RC" != 124 ] && [ "$RC" != 137 ] && grep -q . "$LOG"; then
      # the tool's own last words say why (zstd 1.5.4 on a 4.4 GB pair: "Can't handle files larger than 2 GB",
      # followed by a line of one space)
      RESULT="$RESULT: $(grep '[^[:space:]]' "$LOG" | tail -n 1 | tr -d '",' | sed 's/^ *//' | cut -c1-80)"
    fi
    [ "$kind" = ours ] && failures=$((failures + 1))
    progress "    $RESULT: $(tail -n 2 "$LOG" | tr '\n' ' ' | cut -c1-200)"
  fi
  MEMORY_NOTE=  # said of this step only
  LAST=("$tool" "$st" "$label" "$WALL" "$CPU" "$RSS_MB" "${OUT_BYTES:-}")
  progress "    ${WALL} s wall, ${CPU} s CPU, ${RSS_MB} MB peak RSS${OUT_BYTES:+, $OUT_BYTES bytes}"
}
# finish RESULT: writes the row of the last step, with RESULT unless the step failed
finish() {
  local res=${RESULT:-$1}
  row "${LAST[@]}" "$res"
  if [[ "${LAST[0]}" == spindelta* && "$res" == DIFFERENT* ]]; then failures=$((failures + 1)); fi
}
skipped() { # tool step label why
  step_k=$((step_k + 1))
  status_line "$3: skipped ($4)"
  LOAD=$(cut -d' ' -f1 /proc/loadavg)
  row "$1" "$2" "$3" "" "" "" "" "skipped: $4"
}
same() { if cmp -s "$1" "$2"; then echo identical; else echo "DIFFERENT"; fi; }
signature() { # tree -> listing with an MD5 per file, on stdout
  (cd "$1" && find . -printf '%y %p %m %U %G %s %T@ %l\n' | awk '$1 == "d" { $6 = "-" } { print }' | LC_ALL=C sort
   find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r md5sum)
}
patch_pair() { # kind tool dlabel alabel patchfile -- diffcmd... -- applycmd... (OUT is $tmp/out)
  local kind=$1 tool=$2 dl=$3 al=$4 p=$5; shift 6
  local dcmd=() acmd=()
  while [ "$1" != -- ]; do dcmd+=("$1"); shift; done; shift; acmd=("$@")
  step "$kind" "$tool" diff "$dl" "$p" -- "${dcmd[@]}"
  finish ""
  if [ "$OK" = 1 ]; then
    step "$kind" "$tool" apply "$al" "$tmp/out" -- "${acmd[@]}"
    if [ "$OK" = 1 ]; then finish "$(same "$spin_img" "$tmp/out")"; else finish ""; fi
  fi
  rm -f "$p" "$tmp/out"
}

point_i=0
for size in $sizes; do
  point_i=$((point_i + 1)); step_k=0
  d=$points/$size
  base_img=$d/base.$comp.sqfs; spin_img=$d/$spin.$comp.sqfs; iso=$d/base.$comp.iso; parts=$d/iso-base
  [ "$comp" = gzip ] || parts=$d/iso-base-$comp
  base_bytes=$(stat -c %s "$base_img"); spin_bytes=$(stat -c %s "$spin_img" 2>/dev/null || echo 0)
  iso_bytes=; [ -f "$iso" ] && iso_bytes=$(stat -c %s "$iso")
  tmp=$workdir/tmp-$size
  rm -rf "$tmp"; mkdir -p "$tmp"
  LOAD=
  status_line "BASE $base_bytes bytes, SPIN ($spin) $spin_bytes bytes, ISO ${iso_bytes:-none}; warming the page cache"
  cat "$base_img" >/dev/null; [ "$need_spin" = 0 ] || cat "$spin_img" >/dev/null
  t_point=$(date +%s)

  # spin patches
  if has "$ours" diff; then
    if has "$ours" apply; then
      patch_pair ours spindelta "spindelta diff" "spindelta apply" "$tmp/p.spin" -- \
        "$spindelta" diff -q "$base_img" "$spin_img" "$tmp/p.spin" -- "$spindelta" apply -q "$base_img" "$tmp/p.spin" "$tmp/out"
    else
      step ours spindelta diff "spindelta diff" "$tmp/p.spin" -- "$spindelta" diff -q "$base_img" "$spin_img" "$tmp/p.spin"
      finish ""; rm -f "$tmp/p.spin"
    fi
  fi
  if has "$peers" xdelta3; then
    patch_pair peer xdelta3 "xdelta3 -9 encode" "xdelta3 decode" "$tmp/p.xd3" -- \
      xdelta3 -9 -f -e -s "$base_img" "$spin_img" "$tmp/p.xd3" -- xdelta3 -f -d -s "$base_img" "$tmp/p.xd3" "$tmp/out"
  fi
  if has "$peers" zstd; then
    patch_pair peer zstd "zstd -19 --long=31 --patch-from" "zstd -d --long=31 --patch-from" "$tmp/p.zst" -- \
      zstd -q -f -19 --long=31 --patch-from="$base_img" "$spin_img" -o "$tmp/p.zst" -- \
      zstd -q -f -d --long=31 --patch-from="$base_img" "$tmp/p.zst" -o "$tmp/out"
  fi
  # bsdiff: ours, then 4.3 when it fits in memory
  if has "$ours" bsdiff; then
    if has "$ours" bspatch; then
      patch_pair ours spindelta "spindelta bsdiff --memory $memory" "spindelta bspatch" "$tmp/p.bsd" -- \
        "$spindelta" bsdiff -q --memory "$memory" "$base_img" "$spin_img" "$tmp/p.bsd" -- \
        "$spindelta" bspatch -q "$base_img" "$tmp/p.bsd" "$tmp/out"
    else
      step ours spindelta diff "spindelta bsdiff --memory $memory" "$tmp/p.bsd" -- \
        "$spindelta" bsdiff -q --memory "$memory" "$base_img" "$spin_img" "$tmp/p.bsd"
      finish ""; rm -f "$tmp/p.bsd"
    fi
  fi
  if has "$peers" bsdiff; then
    # run even where it cannot fit: under the address-space cap its malloc fails by itself, and that
    # failure (with the need estimated here, for the reader) is the row, not a prediction of it. Debian's
    # build also refuses an input of 2 GiB or more ("file too large"), before it allocates anything.
    need=$(( bsdiff_factor * base_bytes + spin_bytes ))
    MEMORY_NOTE="~$((need / 1000000)) MB needed (${bsdiff_factor}x BASE + SPIN), MemAvailable $(($(mem_avail) / 1000000)) MB"
    patch_pair peer bsdiff-4.3 "bsdiff 4.3" "bspatch 4.3" "$tmp/p.bsdiff" -- \
      bsdiff "$base_img" "$spin_img" "$tmp/p.bsdiff" -- bspatch "$base_img" "$tmp/out" "$tmp/p.bsdiff"
  fi

  # extraction of BASE: unsquashfs first (the reference: its signature is kept, its tree deleted, so the
  # disk holds one extracted tree at a time), then ours
  if has "$peers" unsquashfs || has "$ours" extract; then
    ref_sig=
    if has "$peers" unsquashfs; then
      sync
      step peer unsquashfs extract "unsquashfs" "$tmp/x-peer" -- unsquashfs -no-progress -d "$tmp/x-peer" "$base_img"
      finish ""
      if [ "$OK" = 1 ]; then signature "$tmp/x-peer" >"$tmp/sig-peer"; ref_sig=$tmp/sig-peer; fi
      rm -rf "$tmp/x-peer"
    fi
    if has "$ours" extract; then
      sync
      step ours spindelta extract "spindelta sqfs extract" "$tmp/x-ours" -- "$spindelta" sqfs extract -q "$base_img" "$tmp/x-ours"
      if [ "$OK" = 1 ]; then
        signature "$tmp/x-ours" >"$tmp/sig-ours"
        if [ -z "$ref_sig" ]; then finish "unverified (no unsquashfs tree)"
        elif cmp -s "$ref_sig" "$tmp/sig-ours"; then finish identical
        else finish "DIFFERENT from unsquashfs"; diff "$ref_sig" "$tmp/sig-ours" | head -n 5 >&2 || true; fi
      else finish ""; fi
    fi
    rm -rf "$tmp/x-ours"
  fi

  # jigdo on the ISO around BASE
  if [ -n "$iso_bytes" ] && [ -d "$parts" ]; then
    ours_t=
    if has "$ours" jigdo-template; then
      step ours spindelta jigdo-template "spindelta jigdo make-template" "$tmp/o.template" -- \
        "$spindelta" jigdo make-template -q "$iso" --label "Series=$parts" --jigdo "$tmp/o.jigdo" --template "$tmp/o.template"
      finish ""
      [ "$OK" = 1 ] && ours_t=1
    fi
    if has "$peers" jigdo-file; then
      step peer jigdo-file jigdo-template "jigdo-file make-template" "$tmp/j.template" -- \
        jigdo-file make-template -r quiet --force --image="$iso" --jigdo="$tmp/j.jigdo" --template="$tmp/j.template" \
        --label "Series=$parts" "$parts//"
      finish ""
      if [ "$OK" = 1 ]; then
        step peer jigdo-file jigdo-image "jigdo-file make-image" "$tmp/out" -- \
          jigdo-file make-image -r quiet --force --image="$tmp/out" --jigdo="$tmp/j.jigdo" --template="$tmp/j.template" "$parts//"
        if [ "$OK" = 1 ]; then finish "$(same "$iso" "$tmp/out")"; else finish ""; fi
        rm -f "$tmp/out"
      fi
    fi
    if [ -n "$ours_t" ]; then
      if has "$ours" jigdo-image; then
        step ours spindelta jigdo-image "spindelta jigdo make-image" "$tmp/out" -- \
          "$spindelta" jigdo make-image -q --source "Series=$parts" --template "$tmp/o.template" "$tmp/o.jigdo" "$tmp/out"
        if [ "$OK" = 1 ]; then finish "$(same "$iso" "$tmp/out")"; else finish ""; fi
        rm -f "$tmp/out"
      fi
      if has "$peers" jigit; then
        step peer jigit-mkimage jigdo-image "jigit-mkimage" "$tmp/out" -- \
          jigit-mkimage -j "$tmp/o.jigdo" -t "$tmp/o.template" -m "Series=$parts/" -o "$tmp/out"
        if [ "$OK" = 1 ]; then finish "$(same "$iso" "$tmp/out")"; else finish ""; fi
        rm -f "$tmp/out"
      fi
    fi
  elif has "$ours" jigdo-template || has "$peers" jigdo-file; then
    progress "  no ISO at $iso (make-series.sh isos): jigdo steps left out"
  fi
  rm -rf "$tmp"
  progress "point $size GB done in $(( $(date +%s) - t_point )) s"
  echo "$size,$(( $(date +%s) - t_point ))" >>"$out_dir/point-seconds.csv"
done

progress "all points done in $(( $(date +%s) - t_start )) s; writing the report"
"$py" "$root/bench/series-report.py" "$out_dir" || { progress "report failed"; failures=$((failures + 1)); }
[ "$keep" = 1 ] && progress "logs kept in $workdir_logs"
if [ "$failures" -gt 0 ]; then
  echo "series-bench: $failures step(s) of ours failed or did not reproduce their input (see above)" >&2
  exit 1
fi

#!/usr/bin/env bash
# Macro benchmark: unsquashfs against spindelta on real SquashFS images, in one run: full extraction
# and full-tree hashing, wall time, CPU time and peak RSS.
#
# usage: bench/sqfs-macro.sh IMAGE... [--runs N] [--warmup N] [--workdir DIR] [--fresh-fs SIZE] [--threads N]
#                            [--settle SECONDS] [--skip-extract] [--skip-hash] [--keep]
#
#   --runs N        timed runs of each tool per task, alternating peer and ours (default 3); the median is reported
#   --workdir DIR   where trees are extracted (default: a new directory under /var/tmp). Use a directory on a
#                   real disk, not tmpfs; it needs room for 3 x (N + warm-ups) extracted trees of one image. Each run's tree
#                   is checked, then moved aside; they are deleted after the image's last run (deleting them
#                   between runs would slow the next run's inode allocation, see discard() below). The
#                   directory itself is removed at the end unless --keep.
#   --settle SECONDS  wait after deleting an image's trees before the next image (default 65)
#   --fresh-fs SIZE extract onto a new ext4 file system per image, SIZE (e.g. 8G, sparse) in a file under
#                   --workdir on a loop device with direct I/O (needs root, losetup, mkfs.ext4): other
#                   processes' deletions on the host file system then cannot slow inode allocation
#   --warmup N      untimed runs of each tool per task before the timed ones (default 1; they are checked too)
#   --threads N     threads of our hashing (default: all cores)
#   --skip-extract, --skip-hash   leave a task out
#   --keep          keep the work directory (logs, hash lists)
#
# For each IMAGE (first warmed into the page cache with cat; caches cannot be dropped here):
#   extract: "unsquashfs -no-progress -d OUT IMAGE" and "./spindelta sqfs extract IMAGE OUT", each run into a
#            fresh OUT on --workdir. Every tree of ours is compared with the first unsquashfs tree: diff -r
#            --no-dereference (contents, symlink targets), a find listing (type, path, mode with setuid/sgid/
#            sticky, uid, gid, size of non-directories, mtime, symlink target, link count), device numbers,
#            sha256sum of every regular file, and xattrs in the security, trusted and user namespaces
#            (system.posix_acl_* are left out: unsquashfs 4.5 cannot write them). Any difference fails loudly.
#            If this build of spindelta has no "sqfs extract", only unsquashfs is timed and the report says so.
#   hash:    peer = "unsquashfs -no-progress -d OUT IMAGE" then "find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum"
#            in OUT, timed as one command (extraction included, sha256sum on one core); ours =
#            "java -cp bench/target/benchmarks.jar org.spindelta.bench.TreeHash IMAGE" (walk, then SHA-256 of
#            every regular file through the read API on all cores, nothing written). Both print "sha256  path"
#            sorted by path; every run's list must equal the first peer list.
# Each timed run is preceded by sync (untimed) so write-back of the last tree does not land in it; the 1-minute
# load average before each run is recorded. Prints a Markdown table (median wall, all walls, median CPU, highest
# peak RSS of the runs, peer/ours speed, the target and whether it is met) and writes it to
# bench/results/sqfs-<timestamp>.md, the rows also as CSV (.csv). Targets: extraction at least as fast as
# unsquashfs for gzip, lzo, lz4 and zstd, at least 0.7x for xz and lzma; peak RSS of ours at most 512 MB (10^6
# bytes). Exit status 1 if any step of ours failed or any result differed, 2 on bad usage.
# JVM options: SPINDELTA_JAVA_OPTS for ./spindelta (its launcher's heap default applies otherwise);
# TREEHASH_JAVA_OPTS for TreeHash (default -Xmx256m).
set -euo pipefail

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2; exit 2; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
spindelta=$root/spindelta
jar=$root/bench/target/benchmarks.jar
results=$root/bench/results

images=()
runs=3
workdir=
threads=
settle=65
fresh_fs=
warmup=1
do_extract=1
do_hash=1
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=${2:?--runs needs a number}; shift 2 ;;
    --workdir) workdir=${2:?--workdir needs a directory}; shift 2 ;;
    --threads) threads=${2:?--threads needs a number}; shift 2 ;;
    --settle) settle=${2:?--settle needs seconds}; shift 2 ;;
    --fresh-fs) fresh_fs=${2:?--fresh-fs needs a size}; shift 2 ;;
    --warmup) warmup=${2:?--warmup needs a number}; shift 2 ;;
    --skip-extract) do_extract=0; shift ;;
    --skip-hash) do_hash=0; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) usage ;;
    -*) echo "sqfs-macro: unknown option $1" >&2; usage ;;
    *) images+=("$1"); shift ;;
  esac
done
[ ${#images[@]} -ge 1 ] || usage
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "sqfs-macro: --runs must be a positive number, got $runs" >&2; exit 2; }
[[ "$warmup" =~ ^[0-9]+$ ]] || { echo "sqfs-macro: --warmup must be a number, got $warmup" >&2; exit 2; }
[[ "$settle" =~ ^[0-9]+$ ]] || { echo "sqfs-macro: --settle must be a number of seconds, got $settle" >&2; exit 2; }
for f in "${images[@]}"; do
  [ -f "$f" ] || { echo "sqfs-macro: $f is not a file" >&2; exit 2; }
done
for t in unsquashfs sha256sum diff find getfattr; do
  command -v "$t" >/dev/null || { echo "sqfs-macro: $t is needed (squashfs-tools, coreutils, diffutils, findutils, attr)" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "sqfs-macro: GNU time (/usr/bin/time, package 'time') is needed" >&2; exit 2; }

if [ -z "$workdir" ]; then
  workdir=$(mktemp -d /var/tmp/sqfs-macro.XXXXXX)
else
  mkdir -p "$workdir"
  workdir=$(realpath "$workdir")
fi
[ "$(stat -f -c %T "$workdir")" = tmpfs ] && echo "sqfs-macro: warning: $workdir is on tmpfs, not a disk" >&2
cleanup() {
  fresh_fs_end
  if [ "$keep" = 0 ]; then rm -rf "$workdir"; else echo "sqfs-macro: kept $workdir" >&2; fi
}
trap cleanup EXIT

stamp=$(date +%Y%m%d-%H%M%S)
mkdir -p "$results"
csv=$results/sqfs-$stamp.csv
md=$results/sqfs-$stamp.md

progress() { echo "sqfs-macro: $*" >&2; }

# Build everything now, untimed, so no timed step includes a Maven build.
progress "preparing ./spindelta (builds the jar if sources changed) ..."
"$spindelta" --version >/dev/null
our_extract=0
extract_note=
if [ "$do_extract" = 1 ]; then
  if "$spindelta" sqfs extract --help >/dev/null 2>&1; then
    our_extract=1
  else
    extract_note="this build of spindelta has no 'sqfs extract': only unsquashfs's extraction is timed"
    progress "note: $extract_note"
  fi
fi
if [ "$do_hash" = 1 ]; then
  if [ ! -f "$jar" ] || [ -n "$(find "$root/pom.xml" "$root"/*/pom.xml "$root"/{core,bsdiff,squashfs,bench}/src/main \
        -newer "$jar" -type f -print -quit 2>/dev/null)" ]; then
    progress "building $jar (missing or older than the sources) ..."
    (cd "$root" && mvn -q -B -DskipTests -pl bench -am package) >"$workdir/bench-build.log" 2>&1 ||
      { echo "sqfs-macro: building the bench jar failed; see $workdir/bench-build.log" >&2; keep=1; exit 1; }
  fi
fi
# shellcheck disable=SC2206
treehash_opts=(${TREEHASH_JAVA_OPTS:--Xmx256m})

# One timed step. Sets WALL CPU RSS_MB RC LOG LOAD; the command's stdout goes to $OUTFILE (default: the log).
step_no=0
run_timed() {
  step_no=$((step_no + 1))
  local log=$workdir/$step_no.log tf=$workdir/$step_no.time out=${OUTFILE:-}
  sync
  LOAD=$(cut -d' ' -f1 /proc/loadavg)
  RC=0
  if [ -n "$out" ]; then
    /usr/bin/time -f '%e %U %S %M' -o "$tf" "$@" >"$out" 2>"$log" || RC=$?
  else
    /usr/bin/time -f '%e %U %S %M' -o "$tf" "$@" >"$log" 2>&1 || RC=$?
  fi
  local wall user sys kb
  read -r wall user sys kb < <(tail -n 1 "$tf")
  WALL=$wall
  CPU=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
  USER_S=$user
  SYS_S=$sys
  RSS_MB=$(awk -v k="$kb" 'BEGIN { printf "%.1f", k * 1024 / 1e6 }')
  LOG=$log
  REBUILT=0
  if grep -q '^spindelta: building' "$log"; then
    REBUILT=1
    progress "  this run rebuilt the jar (sources changed meanwhile): its time includes the build; running it again"
  fi
}

# Trees are moved aside after each run and deleted only once all runs of an image are done: ext4 skips
# inodes freed in the last 60 s (300 s while their inode table block is dirty) when it allocates new
# ones, and a profile of unsquashfs right after deleting an extracted tree spent a third of its CPU
# time in that search (recently_deleted, find_get_block_common). --settle waits that out between images.
discard() { # dir
  [ -e "$1" ] || return 0
  mkdir -p "$trees/trash"
  mv "$1" "$trees/trash/$(basename "$1").$step_no"
}
purge() { rm -rf "$trees/trash"; sync; }

# --fresh-fs: each image's trees go to a new ext4 file system in a file under --workdir, on a loop
# device with direct I/O (no second page cache), so other processes' deletions on the host file system
# cannot slow inode allocation and every image starts from the same state.
trees=$workdir
loopdev=
fresh_fs_start() {
  [ -n "$fresh_fs" ] || return 0
  mkdir -p "$workdir/mnt"
  rm -f "$workdir/fs.img"
  truncate -s "$fresh_fs" "$workdir/fs.img"
  mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 "$workdir/fs.img"
  loopdev=$(losetup --find --show --direct-io=on "$workdir/fs.img")
  mount "$loopdev" "$workdir/mnt"
  trees=$workdir/mnt
}
fresh_fs_end() {
  [ -n "$loopdev" ] || return 0
  sync
  umount "$workdir/mnt" || true
  losetup -d "$loopdev" || true
  loopdev=
  rm -f "$workdir/fs.img"
  trees=$workdir
}

failures=0
fail() { failures=$((failures + 1)); progress "  FAILED: $*"; }

# A tree's signature, in files under $2 (a directory): listing, devices, sums, xattrs.
signature() { # tree dir, signature dir
  local t=$1 s=$2
  mkdir -p "$s"
  (cd "$t" && find . -printf '%y %p %m %U %G %s %T@ %l %n\n' |
     awk '$1 == "d" { $6 = "-" } { print }' | LC_ALL=C sort) >"$s/listing"
  (cd "$t" && find . \( -type c -o -type b \) -exec stat -c '%n %t:%T' {} + | LC_ALL=C sort) >"$s/devices"
  (cd "$t" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum) >"$s/sums"
  (cd "$t" && getfattr -R -P -d -m '^(security|trusted|user)\.' . 2>/dev/null) >"$s/xattrs" || true
}

# Compares tree $1 (ours) with the reference tree $2 and its signature $3; returns 1 on any difference.
same_tree() {
  local ours=$1 ref=$2 refsig=$3 sig=$workdir/sig-ours bad=0 what
  rm -rf "$sig"
  signature "$ours" "$sig"
  for what in listing devices sums xattrs; do
    if ! cmp -s "$refsig/$what" "$sig/$what"; then
      progress "  $what differs from unsquashfs's (< unsquashfs, > ours; first lines):"
      diff "$refsig/$what" "$sig/$what" | head -n 10 >&2 || true
      bad=1
    fi
  done
  # diff reports fifos and sockets as "File a is a fifo while file b is a fifo": same type, not a difference
  diff -r --no-dereference "$ref" "$ours" 2>&1 | grep -Ev '^File .* is a (.+) while file .* is a \1$' \
      >"$workdir/diff-r" || true
  if [ -s "$workdir/diff-r" ]; then
    progress "  diff -r --no-dereference finds differences (first lines):"
    head -n 10 "$workdir/diff-r" >&2
    bad=1
  fi
  return $bad
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
maximum() { printf '%s\n' "$@" | sort -g | tail -n 1; }

# Rows: image, compressor, task, tool, command, median wall, walls, median cpu, max rss, loads, status
rows=()
# fields joined by the unit separator: a tab would let read merge empty fields
add_row() { local IFS=$'\x1f'; rows+=("$*"); }

# Timed runs of one tool, $runs times, alternating with the other tool of the task: the caller interleaves.
declare -A walls cpus rsss loads users syss
run_label() { if [ "$r" -ge 1 ]; then echo "run $r/$runs"; else echo "warm-up run $((r + warmup))/$warmup"; fi; }

record() { # key; warm-up runs (r <= 0) are not recorded
  [ "$r" -ge 1 ] || return 0
  users[$1]="${users[$1]:-} $USER_S"; syss[$1]="${syss[$1]:-} $SYS_S"
  walls[$1]="${walls[$1]:-} $WALL"; cpus[$1]="${cpus[$1]:-} $CPU"; rsss[$1]="${rsss[$1]:-} $RSS_MB"
  loads[$1]="${loads[$1]:-} $LOAD"
}

summary_row() { # image, compressor, task, tool, command, key, status
  local k=$6 w c u s m l
  if [ -z "${walls[$k]:-}" ]; then
    add_row "$1" "$2" "$3" "$4" "$5" "n/a" "" "n/a" "n/a" "n/a" "n/a" "" "$7"
    return
  fi
  # shellcheck disable=SC2086
  w=$(median ${walls[$k]}); c=$(median ${cpus[$k]}); u=$(median ${users[$k]}); s=$(median ${syss[$k]})
  # shellcheck disable=SC2086
  m=$(maximum ${rsss[$k]})
  l=$(echo ${loads[$k]} | tr ' ' '/')
  add_row "$1" "$2" "$3" "$4" "$5" "$w" "$(echo ${walls[$k]} | tr ' ' '/')" "$c" "$u" "$s" "$m" "$l" "$7"
}

n_img=0
for image in "${images[@]}"; do
  n_img=$((n_img + 1))
  image=$(realpath "$image")
  name=$(basename "$image")
  comp=$(unsquashfs -s "$image" 2>/dev/null | awk '/^Compression / { print $2; exit }')
  [ -n "$comp" ] || { echo "sqfs-macro: $image is not a SquashFS image unsquashfs reads" >&2; exit 2; }
  progress "[$n_img/${#images[@]}] $image ($comp, $(stat -c %s "$image") bytes): warming it into the page cache"
  cat "$image" >/dev/null
  fresh_fs_start
  ref=$trees/ref
  refsig=$workdir/sig-ref
  rm -rf "$ref" "$refsig"
  ekey_u="$name/extract/u"; ekey_o="$name/extract/o"; hkey_u="$name/hash/u"; hkey_o="$name/hash/o"
  e_status_o=ok
  h_status_o=ok

  if [ "$do_extract" = 1 ]; then
    for r in $(seq $((1 - warmup)) "$runs"); do
      out=$trees/x-unsquashfs-$r
      progress "  extract $(run_label): unsquashfs -no-progress -d OUT IMAGE"
      run_timed unsquashfs -no-progress -d "$out" "$image"
      if [ "$RC" != 0 ]; then
        progress "  unsquashfs exited $RC: $(tail -n 2 "$LOG" | tr '\n' ' ')"
        discard "$out"
        continue
      fi
      record "$ekey_u"
      progress "    ${WALL} s, ${RSS_MB} MB (load $LOAD)"
      if [ ! -d "$ref" ]; then
        mv "$out" "$ref"
        signature "$ref" "$refsig"
      else
        discard "$out"
      fi
      [ "$our_extract" = 1 ] || continue
      out=$trees/x-spindelta-$r
      for attempt in 1 2; do
        progress "  extract $(run_label): ./spindelta sqfs extract IMAGE OUT"
        discard "$out"
        # a rebuild, if sources changed, happens here, untimed
        if ! "$spindelta" --version >/dev/null 2>"$workdir/prebuild.log"; then
          RC=prebuild; REBUILT=0
          break
        fi
        run_timed "$spindelta" sqfs extract "$image" "$out"
        [ "$REBUILT" = 1 ] || break
      done
      if [ "$RC" = prebuild ]; then
        fail "./spindelta could not be built: $(tail -n 1 "$workdir/prebuild.log")"
        e_status_o="build failed"
        continue
      elif [ "$RC" != 0 ]; then
        fail "spindelta sqfs extract exited $RC: $(tail -n 3 "$LOG" | tr '\n' ' ')"
        e_status_o="failed (exit $RC)"
        discard "$out"
        continue
      fi
      record "$ekey_o"
      progress "    ${WALL} s, ${RSS_MB} MB (load $LOAD)"
      if [ ! -d "$ref" ]; then
        fail "no unsquashfs tree to compare ours with"; e_status_o="unverified"
      elif same_tree "$out" "$ref" "$refsig"; then
        progress "    tree identical to unsquashfs's"
      else
        fail "our extraction of $name differs from unsquashfs's"; e_status_o="DIFFERS"
      fi
      discard "$out"
    done
    summary_row "$name" "$comp" extract unsquashfs "unsquashfs -no-progress -d OUT IMAGE" "$ekey_u" ok
    if [ "$our_extract" = 1 ]; then
      summary_row "$name" "$comp" extract spindelta "./spindelta sqfs extract IMAGE OUT" "$ekey_o" "$e_status_o"
    else
      add_row "$name" "$comp" extract spindelta "./spindelta sqfs extract IMAGE OUT" "n/a" "" "n/a" "n/a" "n/a" "n/a" "" \
          "not run: no sqfs extract in this build"
    fi
  fi

  if [ "$do_hash" = 1 ]; then
    peer_sums=$workdir/sums-peer
    rm -f "$peer_sums"
    for r in $(seq $((1 - warmup)) "$runs"); do
      out=$trees/h-unsquashfs
      discard "$out"
      progress "  hash $(run_label): unsquashfs -d OUT IMAGE && find | sort | xargs sha256sum"
      OUTFILE=$workdir/sums-raw run_timed bash -c \
          'unsquashfs -no-progress -d "$1" "$2" >&2 && cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum' \
          _ "$out" "$image"
      discard "$out"
      if [ "$RC" != 0 ]; then
        progress "  peer hashing exited $RC: $(tail -n 2 "$LOG" | tr '\n' ' ')"
      else
        record "$hkey_u"
        progress "    ${WALL} s, ${RSS_MB} MB (load $LOAD)"
        sed 's|  \./|  |' "$workdir/sums-raw" >"$workdir/sums-peer-$r"
        [ -f "$peer_sums" ] || cp "$workdir/sums-peer-$r" "$peer_sums"
        cmp -s "$peer_sums" "$workdir/sums-peer-$r" || progress "  warning: peer run $r's list differs from run 1's"
      fi
      progress "  hash $(run_label): java -cp bench/target/benchmarks.jar org.spindelta.bench.TreeHash IMAGE"
      OUTFILE=$workdir/sums-ours run_timed java "${treehash_opts[@]}" -cp "$jar" org.spindelta.bench.TreeHash \
          "$image" ${threads:+--threads "$threads"}
      if [ "$RC" != 0 ]; then
        fail "TreeHash exited $RC: $(tail -n 3 "$LOG" | tr '\n' ' ')"
        h_status_o="failed (exit $RC)"
        continue
      fi
      record "$hkey_o"
      progress "    ${WALL} s, ${RSS_MB} MB (load $LOAD); $(tail -n 1 "$LOG")"
      if [ ! -f "$peer_sums" ]; then
        fail "no peer hash list to compare ours with"; h_status_o="unverified"
      elif cmp -s "$peer_sums" "$workdir/sums-ours"; then
        progress "    hash list identical to the peer's ($(wc -l <"$peer_sums") files)"
      else
        fail "our hash list of $name differs from the peer's (< peer, > ours; first lines):"
        diff "$peer_sums" "$workdir/sums-ours" | head -n 10 >&2 || true
        h_status_o="DIFFERS"
      fi
    done
    summary_row "$name" "$comp" hash "unsquashfs + sha256sum" \
        "unsquashfs -no-progress -d OUT IMAGE; cd OUT; find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum" \
        "$hkey_u" ok
    summary_row "$name" "$comp" hash spindelta "java -cp bench/target/benchmarks.jar org.spindelta.bench.TreeHash IMAGE" \
        "$hkey_o" "$h_status_o"
  fi
  discard "$ref"
  rm -rf "$refsig"
  purge
  fresh_fs_end
  if [ "$n_img" -lt ${#images[@]} ] && [ "$settle" -gt 0 ] && [ -z "$fresh_fs" ]; then
    progress "  trees deleted; waiting ${settle}s so ext4 reuses their inodes without scanning (see --settle)"
    sleep "$settle"
  fi
done

# ------------------------------------------------------------------ report
ratio() { # a b -> a/b or n/a
  if [[ "$1" =~ ^[0-9]+(\.[0-9]+)?$ && "$2" =~ ^[0-9]+(\.[0-9]+)?$ ]] && awk -v b="$2" 'BEGIN { exit !(b > 0) }'; then
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
  else
    echo "n/a"
  fi
}

header="image | compressor | task | tool | command | wall s (median) | wall s (runs) | CPU s (median) | user s | sys s | peak RSS MB (max) | load before runs | speed vs peer | target | met | result"
{
  echo "# SquashFS macro benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  for image in "${images[@]}"; do
    echo "- image: \`$(realpath "$image")\` ($(stat -c %s "$image") bytes)"
  done
  echo "- host: $(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GB", $2 * 1024 / 1e9 }' /proc/meminfo) RAM;" \
       "$(java -version 2>&1 | head -n 1); $(unsquashfs -version 2>&1 | head -n 1);" \
       "spindelta $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')$(
        [ -n "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ] && echo ' (modified)')"
  echo "- work dir: \`$workdir\` ($(stat -f -c %T "$workdir"))${fresh_fs:+, trees on a fresh $fresh_fs ext4 per image (loop device, direct I/O)}; $warmup untimed warm-up and $runs timed runs per tool and task, alternating peer and ours;" \
       "images warmed with cat, caches not dropped; sync before each run; trees deleted after each image's runs," \
       "then ${settle}s of rest"
  echo "- SPINDELTA_JAVA_OPTS: \`${SPINDELTA_JAVA_OPTS:-}\`; TreeHash JVM options: \`${treehash_opts[*]}\`${threads:+; --threads $threads}"
  [ -n "$extract_note" ] && echo "- note: $extract_note"
  echo "- peer hashing = unsquashfs into OUT, then sha256sum of every regular file on one core, timed as one command;"
  echo "  ours hashes through the read API on all cores and writes no files. Peak RSS: the largest single process."
  echo "- speed vs peer: peer's median wall / ours (above 1: ours faster). Targets (extraction): >= 1.0 for gzip,"
  echo "  lzo, lz4, zstd; >= 0.7 for xz, lzma; peak RSS of ours <= 512 MB. MB = 10^6 bytes."
  echo
  echo "| $header |"
  echo "|---|---|---|---|---|---:|---|---:|---:|---:|---:|---|---:|---|---|---|"
} >"$md"
echo "image,compressor,task,tool,command,wall_s_median,wall_s_runs,cpu_s_median,user_s_median,sys_s_median,peak_rss_mb_max,load1_before_runs,speed_vs_peer,target,met,result" >"$csv"

declare -A peer_wall
for r in "${rows[@]}"; do
  IFS=$'\x1f' read -r img comp task tool cmd wall walls_ cpu usr sys rss lds status <<<"$r"
  [ "$tool" = spindelta ] || peer_wall["$img/$task"]=$wall
done
for r in "${rows[@]}"; do
  IFS=$'\x1f' read -r img comp task tool cmd wall walls_ cpu usr sys rss lds status <<<"$r"
  speed=
  target=
  met=
  if [ "$tool" = spindelta ]; then
    speed=$(ratio "${peer_wall["$img/$task"]:-}" "$wall")
    min_speed=
    if [ "$task" = extract ]; then
      case "$comp" in xz|lzma) min_speed=0.7 ;; *) min_speed=1.0 ;; esac
      target="speed >= $min_speed, RSS <= 512"
    else
      target="RSS <= 512"
    fi
    if [ "$speed" = n/a ] && [ -n "$min_speed" ] || [ "$rss" = n/a ]; then
      met=n/a
    elif awk -v s="$speed" -v m="${min_speed:-0}" -v r="$rss" 'BEGIN { exit !((m == 0 || s >= m) && r <= 512) }'; then
      met=yes
    else
      met=no
    fi
  fi
  echo "| $img | $comp | $task | $tool | \`${cmd//|/\\|}\` | $wall | $walls_ | $cpu | $usr | $sys | $rss | $lds | $speed | $target | $met | $status |" >>"$md"
  printf '"%s",%s,%s,"%s","%s",%s,"%s",%s,%s,%s,%s,"%s",%s,"%s",%s,"%s"\n' "$img" "$comp" "$task" "$tool" "$cmd" "$wall" \
      "$walls_" "$cpu" "$usr" "$sys" "$rss" "$lds" "$speed" "$target" "$met" "$status" >>"$csv"
done

echo
cat "$md"
echo
echo "CSV: $csv"
echo "Markdown: $md"
if [ "$failures" -gt 0 ]; then
  echo "sqfs-macro: $failures step(s) of ours failed or differed from the peer (see the lines above)" >&2
  exit 1
fi

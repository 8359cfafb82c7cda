#!/usr/bin/env bash
# Macro benchmark: `spindelta jigdo get` against jigdo-lite (package jigdo-file; it runs wget) on one ISO
# served by a loopback mirror (python3 -m http.server), every part downloaded.
#
# usage: bench/jigdo-get-macro.sh [--size-mb N] [--connections N] [--workdir DIR] [--keep]
#
#   --size-mb N       about how many MB of real files (from /usr, each under 64 MB) the ISO holds (default 300)
#   --connections N   ours: parts at once (default 4; jigdo-lite fetches 10 files per wget call, one at a time)
#   --workdir DIR     default: a new directory under /var/tmp (room for the tree, the ISO and two copies)
#   --keep            keep the work directory
#
# Steps: copy the files into mirror/tree, `xorriso -as mkisofs -R -J` the ISO, `jigdo-file make-template`
# with --label Tree=tree/, the .jigdo's [Servers] set to Tree=http://127.0.0.1:PORT/tree/; then, each in an
# empty directory under GNU time (wall s, peak RSS): ./spindelta jigdo get -q URL and
# `jigdo-lite --noask URL`; both images compared with the ISO (cmp). Prints one table.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
size_mb=300 connections=4 work= keep=
while [ $# -gt 0 ]; do
  case $1 in
    --size-mb) size_mb=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --workdir) work=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    *) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2; exit 2 ;;
  esac
done
for t in xorriso jigdo-file jigdo-lite wget python3 /usr/bin/time; do
  command -v "$t" >/dev/null || { echo "missing: $t" >&2; exit 1; }
done
work=${work:-$(mktemp -d /var/tmp/jigdo-get-bench.XXXXXX)}
py=
cleanup() { [ -n "$py" ] && kill "$py" 2>/dev/null; [ -z "$keep" ] && rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/mirror/tree"
echo "work: $work" >&2

# real files, at most 64 MB each, up to size_mb
python3 - "$work/mirror/tree" "$size_mb" <<'PY'
import os, shutil, sys
dest, budget = sys.argv[1], int(sys.argv[2]) << 20
total = i = 0
for root in ("/usr/lib", "/usr/share", "/usr/bin"):
    for d, _, files in sorted(os.walk(root)):
        for f in sorted(files):
            p = os.path.join(d, f)
            if total >= budget or os.path.islink(p) or not os.path.isfile(p):
                continue
            s = os.path.getsize(p)
            if s < 1024 or s > 64 << 20 or not os.access(p, os.R_OK):
                continue
            sub = os.path.join(dest, "d%02d" % (i % 50))
            os.makedirs(sub, exist_ok=True)
            shutil.copyfile(p, os.path.join(sub, "%d-%s" % (i, f)))
            total += s; i += 1
print("%d files, %d MB" % (i, total >> 20), file=sys.stderr)
PY
cd "$work/mirror"
xorriso -as mkisofs -R -J -V BENCH -o "$work/image.iso" tree 2>/dev/null
jigdo-file make-template -r quiet --image="$work/image.iso" --jigdo=raw.jigdo --template=image.template \
    --label Tree=tree/ tree// >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
awk -v url="http://127.0.0.1:$port/tree/" '
  /^\[/ { sec = $0 }
  sec == "[Servers]" && !/^\[/ { next }
  /^Template=/ { print "Template=image.template"; next }
  { print } END { print "[Servers]"; print "Tree=" url }' raw.jigdo > image.jigdo
rm raw.jigdo
python3 -m http.server --bind 127.0.0.1 "$port" >/dev/null 2>&1 &
py=$!
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null && break; sleep 0.1; done
parts=$(grep -c '^[A-Za-z0-9_-]\{22\}=' image.jigdo || true)
iso_mb=$(( $(stat -c %s "$work/image.iso") >> 20 ))

(cd "$here" && mvn -o -q -B ${MAVEN_REPO:+-Dmaven.repo.local=$MAVEN_REPO} -DskipTests -pl cli -am package >/dev/null)
run() { # name dir cmd...: prints "name wall_s rss_mb identical"
  local name=$1 dir=$2; shift 2
  mkdir -p "$dir"
  (cd "$dir" && /usr/bin/time -f '%e %M' -o "$dir/time" "$@" >"$dir/log" 2>&1) || { echo "$name failed; see $dir/log" >&2; cat "$dir/log" >&2; }
  local same=no
  [ -f "$dir/image.iso" ] && cmp -s "$dir/image.iso" "$work/image.iso" && same=yes
  read -r wall rss < "$dir/time"
  printf '| %s | %s | %d | %s |\n' "$name" "$wall" $((rss / 1024)) "$same"
}
echo
echo "ISO: $iso_mb MB, $parts parts, all from http://127.0.0.1 (python3 -m http.server); load: $(cut -d' ' -f1 /proc/loadavg)"
echo
echo '| tool | wall s | peak RSS MB | identical |'
echo '|---|---|---|---|'
run "spindelta jigdo get --connections $connections" "$work/ours" "$here/spindelta" jigdo get -q --connections "$connections" \
    "http://127.0.0.1:$port/image.jigdo"
run "jigdo-lite --noask" "$work/lite" jigdo-lite --noask "http://127.0.0.1:$port/image.jigdo"

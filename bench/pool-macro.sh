#!/usr/bin/env bash
# Macro benchmark of the pool (issue 8) on a spin family: pool size against base + the spin patches,
# pool add time against spindelta diff, and pool get over HTTP from a loopback server.
#
# usage: bench/pool-macro.sh BASE SPIN [SPIN ...]
#
# In a new work directory under /var/tmp (or $WORKDIR): adds BASE then each SPIN to a pool, timing each
# add (GNU time: wall, CPU, peak RSS) with the 1-minute load average; diffs each SPIN against BASE
# (./spindelta diff) with the same timing; prints pool stats and the targets: pool size at most 1.05 x
# (BASE + the patches), add time at most diff time. Then serves the pool on loopback (the tests'
# PoolMirror, a JDK server answering Range) and gets each SPIN over HTTP with the previous image as
# --source, comparing the bytes fetched with that SPIN's patch (target: at most 1.1 x), and the result
# with SPIN (cmp). Needs the jar and test classes: mvn -DskipTests -pl cli -am package test-compile.
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2; exit 2; }
here=$(cd "$(dirname "$0")/.." && pwd)
jar=$here/cli/target/spindelta.jar
work=${WORKDIR:-$(mktemp -d /var/tmp/pool-bench.XXXXXX)}
J=(java -Xmx1g -jar "$jar")
base=$1; shift
timed() { local label=$1; shift; echo "load $(cut -d' ' -f1 /proc/loadavg)  $label"
  /usr/bin/time -f "  $label: %e s wall, %U+%S s CPU, %M KB peak RSS" "$@"; }
cd "$work"
timed "add $(basename "$base")" "${J[@]}" pool add -q P "$base" --name base
sum=$(stat -c %s "$base")
for s in "$@"; do
  n=$(basename "$s"); n=${n%%.*}
  timed "add $n" "${J[@]}" pool add -q P "$s" --name "$n"
  timed "diff $n" "${J[@]}" diff -q "$base" "$s" "$n.spin"
  sum=$((sum + $(stat -c %s "$n.spin")))
done
"${J[@]}" pool stats P
size=$(du -sb P | cut -f1)
echo "pool $size bytes; base + patches $sum; ratio $(awk -v a="$size" -v b="$sum" 'BEGIN{printf "%.3f", a/b}') (target <= 1.05)"
java -cp "$jar:$here/cli/target/test-classes" org.spindelta.cli.PoolMirror P 18931 >mirror.log 2>&1 &
mirror=$!
trap 'kill $mirror 2>/dev/null' EXIT
sleep 2
prev=$base
for s in "$@"; do
  n=$(basename "$s"); n=${n%%.*}
  out=$(timed "http get $n" "${J[@]}" pool get http://127.0.0.1:18931/ "$n" "$n.out" --source "$prev" 2>&1)
  echo "$out"
  cmp "$n.out" "$s" && rm -f "$n.out"
  got=$(echo "$out" | sed -n 's/.*fetched .* (\([0-9]*\) bytes).*/\1/p')
  echo "  fetched $got bytes, patch $(stat -c %s "$n.spin"): ratio $(awk -v a="$got" -v b="$(stat -c %s "$n.spin")" 'BEGIN{printf "%.3f", a/b}') (target <= 1.1)"
  prev=$s
done

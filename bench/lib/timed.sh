# Shared plumbing of the macro benchmarks (sourced, not run): one timed step under GNU time.
#
# run_timed CMD ARGS...   runs CMD with its output in $workdir/<n>.log and sets
#   WALL (s)  CPU (user + sys, s)  RSS_MB (peak RSS of the process, JVM included, 10^6 bytes)
#   RC (exit status)  LOG (the log file)  LOAD (1-minute load average just before the step)
# Needs: $workdir, and a function progress() for messages. A step whose log shows that ./spindelta
# rebuilt its jar is flagged: its time includes a Maven build.

[ -x /usr/bin/time ] || { echo "GNU time (/usr/bin/time, package 'time') is needed" >&2; exit 2; }

step_no=0
run_timed() {
  step_no=$((step_no + 1))
  local log=$workdir/$step_no.log tf=$workdir/$step_no.time
  RC=0
  LOAD=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -f '%e %U %S %M' -o "$tf" "$@" >"$log" 2>&1 || RC=$?
  local wall user sys kb
  read -r wall user sys kb < <(tail -n 1 "$tf")
  WALL=$wall
  CPU=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
  RSS_MB=$(awk -v k="$kb" 'BEGIN { printf "%.1f", k * 1024 / 1e6 }')
  if grep -q '^spindelta: building' "$log"; then
    progress "  warning: this step rebuilt the jar (sources changed meanwhile); its time includes the build"
  fi
  LOG=$log
}

# ratio A B FORMAT -> A/B printed with FORMAT, or n/a when either is not a positive number
ratio() {
  if [[ "$1" =~ ^[0-9]+(\.[0-9]+)?$ && "$2" =~ ^[0-9]+(\.[0-9]+)?$ ]] && awk -v b="$2" 'BEGIN { exit !(b > 0) }'; then
    awk -v a="$1" -v b="$2" -v f="$3" 'BEGIN { printf f, a / b }'
  else
    echo "n/a"
  fi
}

# host_line: cores, RAM, Java, and the spindelta commit (with "(modified)" for a dirty tree)
host_line() {
  echo "$(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GB", $2 * 1024 / 1e9 }' /proc/meminfo) RAM;" \
       "$(java -version 2>&1 | head -n 1); spindelta $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')$(
        [ -n "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ] && echo ' (modified)')"
}

# finish_report NAME WHAT: prints the Markdown report $md and where $md and $csv are, then exits 1 if
# $failures is above zero ("NAME: N step(s) of ours failed or WHAT").
finish_report() {
  echo
  cat "$md"
  echo
  echo "CSV: $csv"
  echo "Markdown: $md"
  if [ "$failures" -gt 0 ]; then
    echo "$1: $failures step(s) of ours failed or $2 (see the lines above)" >&2
    exit 1
  fi
}

#!/usr/bin/env bash
# make-spin-family.sh - grow a real base root filesystem into a family of localized spins, each imaged
# with mksquashfs like the base: the data the pool benchmark (issue 8's 10-spin family) is measured on.
#
# usage (as root): bench/make-spin-family.sh DATA [LANG...]
#   DATA   a make-spin-pair.sh output directory: DATA/rootfs/base must exist (../shared/realdata/
#          make-spin-pair.sh builds it); spins go to DATA/rootfs/loc-LANG, images to DATA/img/loc-LANG.COMP.sqfs
#   LANG   two-letter codes from the table below (default: all ten: de es it pt nl pl ru ja zh sv)
# env: COMPS (default "xz"), MKSQ_OPTS (extra mksquashfs options), FORCE=1 to rebuild existing spins.
#
# Each spin is the base plus one language as a Debian installer would make it: the language's task
# package (task-german, ...), its hunspell dictionary and manual pages where Debian has them, its locale
# generated and made the default, its time zone and keyboard layout. The apt mirror is read at run time
# from the host's apt configuration and never stored in the trees, the images or the logs; the build-time
# apt lists and caches are removed afterwards (as make-spin-pair.sh does). Spins that exist are kept, so
# an interrupted run resumes. Step times go to DATA/logs/family-times.tsv.
set -euo pipefail

[ $# -ge 1 ] || { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2; exit 2; }
DATA=$1; shift
LANGS=("$@")
[ ${#LANGS[@]} -gt 0 ] || LANGS=(de es it pt nl pl ru ja zh sv)
COMPS=${COMPS:-xz}
MKSQ_OPTS=${MKSQ_OPTS:-}
FORCE=${FORCE:-0}
SUITE=bookworm
BASE=$DATA/rootfs/base
[ -d "$BASE/usr" ] || { echo "no base tree at $BASE (build it with ../shared/realdata/make-spin-pair.sh)" >&2; exit 1; }
mkdir -p "$DATA/img" "$DATA/logs"
TIMES=$DATA/logs/family-times.tsv
[ -f "$TIMES" ] || printf 'step\tseconds\n' >"$TIMES"
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8

# code -> task package, locale, time zone, keyboard layout, extra packages (dictionary, manual pages)
lang_info() {
  case $1 in
    de) echo "task-german de_DE.UTF-8 Europe/Berlin de hunspell-de-de manpages-de" ;;
    es) echo "task-spanish es_ES.UTF-8 Europe/Madrid es hunspell-es manpages-es" ;;
    it) echo "task-italian it_IT.UTF-8 Europe/Rome it hunspell-it manpages-it" ;;
    pt) echo "task-portuguese pt_PT.UTF-8 Europe/Lisbon pt hunspell-pt-pt manpages-pt-br" ;;
    nl) echo "task-dutch nl_NL.UTF-8 Europe/Amsterdam nl hunspell-nl manpages-nl" ;;
    pl) echo "task-polish pl_PL.UTF-8 Europe/Warsaw pl hunspell-pl manpages-pl" ;;
    ru) echo "task-russian ru_RU.UTF-8 Europe/Moscow ru hunspell-ru manpages-ru" ;;
    ja) echo "task-japanese ja_JP.UTF-8 Asia/Tokyo jp manpages-ja" ;;
    zh) echo "task-chinese-s zh_CN.UTF-8 Asia/Shanghai cn manpages-zh" ;;
    sv) echo "task-swedish sv_SE.UTF-8 Europe/Stockholm se hunspell-sv manpages-sv" ;;
    *) return 1 ;;
  esac
}

log() { echo "[$(date +%T)] $*" >&2; }
timed() { # timed STEP CMD...: runs CMD, appends its wall seconds to $TIMES
  local name=$1 t0 t1; shift
  t0=$(date +%s.%N)
  "$@"
  t1=$(date +%s.%N)
  printf '%s\t%.1f\n' "$name" "$(echo "$t1 - $t0" | bc)" >>"$TIMES"
  log "$name: $(echo "$t1 - $t0" | bc) s"
}

# The first deb URI of the host's apt configuration that serves $SUITE (deb822 .sources, then one-line lists).
mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v want="$SUITE" '/^URIs:/ { u = $2 } /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == want && u != "") { print u; exit } }' "$f"
  done | head -n1 | grep . && return 0
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    awk -v want="$SUITE" '$1 == "deb" && $3 == want { print $2; exit }' | grep .
}
MIRROR=$(mirror) || { echo "no apt mirror for $SUITE in the host's apt configuration" >&2; exit 1; }

MOUNTED=()
cleanup() { local m; for m in "${MOUNTED[@]}"; do umount -l "$m" 2>/dev/null || true; done; }
trap cleanup EXIT

build_spin() { # build_spin CODE
  local code=$1 r=$DATA/rootfs/loc-$1 task locale tz kb extra
  read -r task locale tz kb extra < <(lang_info "$code") || { echo "unknown language code: $code" >&2; exit 2; }
  if [ -d "$r/usr" ] && [ "$FORCE" != 1 ]; then log "loc-$code exists, kept"; return; fi
  rm -rf "$r" "$r.tmp"
  timed "loc-$code-copy" cp -a "$BASE" "$r.tmp"
  echo "deb $MIRROR $SUITE main" >"$r.tmp/etc/apt/sources.list"
  cp -L /etc/resolv.conf "$r.tmp/etc/resolv.conf"
  printf '#!/bin/sh\nexit 101\n' >"$r.tmp/usr/sbin/policy-rc.d"; chmod +x "$r.tmp/usr/sbin/policy-rc.d"
  local m
  for m in proc sys dev dev/pts; do
    case $m in proc) mount -t proc proc "$r.tmp/proc" ;; sys) mount -t sysfs sys "$r.tmp/sys" ;; *) mount --bind "/$m" "$r.tmp/$m" ;; esac
    MOUNTED=("$r.tmp/$m" "${MOUNTED[@]}")
  done
  # packages Debian lacks for a language are skipped, not fatal: the task package is what must install
  timed "loc-$code-install" chroot "$r.tmp" /bin/sh -ec "
    apt-get update -q >/dev/null
    apt-get install -y -q $task >/dev/null
    for p in $extra; do apt-get install -y -q \$p >/dev/null 2>&1 || echo \"(no \$p)\"; done
    sed -i 's/^# *$locale UTF-8/$locale UTF-8/' /etc/locale.gen
    locale-gen >/dev/null
    printf 'LANG=$locale\n' >/etc/default/locale
    echo $tz >/etc/timezone; ln -sf /usr/share/zoneinfo/$tz /etc/localtime
    sed -i 's/^XKBLAYOUT=.*/XKBLAYOUT=\"$kb\"/' /etc/default/keyboard || true
    mandb -q || true
    apt-get clean"
  for m in "${MOUNTED[@]}"; do umount -l "$m" 2>/dev/null || true; done
  MOUNTED=()
  # no trace of the build host or the mirror in the tree
  rm -rf "$r.tmp"/var/lib/apt/lists/* "$r.tmp"/var/cache/apt/*.bin "$r.tmp/usr/sbin/policy-rc.d"
  mkdir -p "$r.tmp/var/lib/apt/lists/partial"
  printf '# apt sources are configured at install time\n' >"$r.tmp/etc/apt/sources.list"
  : >"$r.tmp/etc/resolv.conf"
  mv "$r.tmp" "$r"
}

for code in "${LANGS[@]}"; do
  build_spin "$code"
  for c in $COMPS; do
    out=$DATA/img/loc-$code.$c.sqfs
    [ -f "$out" ] && [ "$FORCE" != 1 ] && continue
    # shellcheck disable=SC2086
    timed "mksquashfs-loc-$code-$c" mksquashfs "$DATA/rootfs/loc-$code" "$out.tmp" -comp "$c" $MKSQ_OPTS -noappend -no-progress -quiet
    mv "$out.tmp" "$out"
  done
done
ls -l "$DATA"/img/loc-*.sqfs >&2

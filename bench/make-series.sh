#!/usr/bin/env bash
# make-series.sh - data of the large-image benchmark series (issue 7): a desktop-sized REAL Debian root
# filesystem, its localized and updated variants, and from them a series of base/spin SquashFS image pairs
# of about 0.1, 0.5, 1, 2, 4 GB, each with a live ISO (xorriso) around it. Resumable: every step whose output
# exists is skipped; per-step times go to the terminal and to $DATA/logs/series-times.tsv.
#
# usage (as root): bench/make-series.sh [STEP...]      steps: trees points images isos  (default: trees images
#                  isos; images selects each point's packages first if the points step has not, one point at a
#                  time, so every point's budget uses the tree/image ratio of the previous point's image)
#
# Env knobs:
#   DATA         output root                              (default /work/series-data)
#   SRC_BASE     the small real tree to grow              (default /work/data/spin/rootfs/base, built by
#                ../shared/realdata/make-spin-pair.sh: bookworm minbase + a live-system package set; only read)
#   DESKTOP_PKGS packages installed into the copy         (default "task-gnome-desktop task-kde-desktop libreoffice")
#   LOC_PKGS     localization packages of loc             (default "task-french hunspell-fr manpages-fr")
#   SIZES        image sizes of the series, GB (10^9 B)   (default "0.1 0.5 1 2 4")
#   SPIN         the spin of the series' pairs: loc|upd   (default upd)
#   COMP_SIZES   the size points that also get xz and zstd images (default "0.5 1"; COMP_SIZE, one point, is
#                still read; "none" for gzip only)
#   ISO_OF       which images of each point get an ISO    (default "base"; "base spin" for both)
#   SUITE        Debian suite                             (default bookworm)
#   EXTRA_PKGS   packages of the grown trees of the largest points (default: the games below)
#   EXTRA_MORE   packages added to EXTRA_PKGS (default none). An 8 GB point needs more than the games: the
#                one measured (bench/README.md) used EXTRA_MORE="naev torcs unknown-horizons supertux
#                tuxpaint-stamps-default wesnoth-1.16 stellarium trigger-rally freeorion openclonk
#                fonts-noto-cjk-extra" (2.4 GB of .debs more; xbase 13 GB) and EXTRA_RATIO=1.8
#   EXTRA_FROM   points of this size (GB) and up are cut from the grown trees (default 4)
#   EXTRA_RATIO  tree/image ratio assumed for EXTRA_PKGS' files when budgeting those points (default 1.5)
#   RATIO        tree/image ratio of the desktop tree for a point's budget (default: measured on the previous
#                point's image, kept in points/tree-per-image-ratio; 2.8 if none: set RATIO=2.43, measured at
#                2 GB, when making a large point alone)
#
# Package set (chosen from measurements on this host, 2026-11-22): the mirror delivered 18 MB/s (an 80 MB
# .deb in 4.4 s); GNOME + KDE Plasma + LibreOffice with their recommends is 1912 packages, 1.6 GB to
# download (~1.5 min) and 5.4 GB installed, on top of the 0.37 GB live base: a ~5.8 GB tree, i.e. about
# as much as the two largest Debian live images (GNOME, KDE) together. texlive-full would add 4-5 GB but
# its format builds take too long for a session. Measured cost: see bench/README.md ("Large-image series").
#
# Trees ($DATA/rootfs): base is a copy of SRC_BASE grown in a chroot with DESKTOP_PKGS from the host's apt
# mirror (discovered at run time from the host's apt configuration, never recorded; proc/sys/dev mounted,
# policy-rc.d forbids service starts, apt lists and caches scrubbed afterwards). loc (= base + LOC_PKGS +
# fr_FR locale, as make-spin-pair.sh) and upd (= base + apt-get upgrade from -updates and -security) are
# overlayfs upper directories over base ($DATA/rootfs/<v>.upper): only their changes take disk. Every later
# step mounts <v> read-only at $DATA/rootfs/<v> (lower = <v>.upper:base) and unmounts it at the end.
#
# Size points ($DATA/points/<size>/): one image needs a subset of the tree. A point is a set of whole
# Debian packages: packages are taken in a seeded shuffled order (Priority: required and Essential
# packages always first), so each point is a superset of the smaller ones, until the files they own reach
# the point's budget of tree bytes; the budget is the size times the tree/image ratio measured on the
# previous point's base image (2.8 for the first point). exclude.<v> lists, for mksquashfs -ef, the files
# owned only by packages outside the set, read from <v>'s own dpkg lists: the same package names for base
# and spin, in the spin's versions, and packages the spin added (localization, new dependencies) are kept.
# Files no package owns (/etc, caches, locales) are in every point. If the tree's full image is smaller
# than a size, that size point is skipped and said so (the largest points then need a larger tree:
# several real trees side by side under different roots, e.g. a second suite, never repeated files).
#
# Grown trees, for the largest points: the desktop tree's full image is ~2.8 GB, short of 4 GB. xbase is an
# overlayfs layer over base (xbase.upper) with EXTRA_PKGS installed: Debian's largest game data packages
# (0ad, FlightGear, SuperTuxKart, Red Eclipse, Widelands, MegaGlest, Hedgewars, Warzone 2100; 5 GB of .debs,
# 8.5 GB installed, textures and sound already compressed, as in a games live image). x<SPIN> is made from
# xbase exactly as SPIN is made from base. Points from EXTRA_FROM up take the desktop tree's packages first,
# in their own order (series-select.py --first-from), so they are supersets of the smaller points, and the
# budget is the whole desktop tree plus EXTRA_RATIO bytes of tree per missing byte of image.
#
# Images: <v>.gzip.sqfs for base and SPIN at every point (block size 128K, mksquashfs defaults), and
# <v>.xz.sqfs, <v>.zstd.sqfs at COMP_SIZES. ISOs: <v>.<comp>.iso for each of those images, an ISO 9660
# (Rock Ridge, Joliet) made by xorriso holding the image as live/filesystem.squashfs; iso-<v>/ (gzip) or
# iso-<v>-<comp>/ beside it is that ISO's file tree (a hard link to the image), the parts directory of jigdo.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DATA=${DATA:-/work/series-data}
SRC_BASE=${SRC_BASE:-/work/data/spin/rootfs/base}
DESKTOP_PKGS=${DESKTOP_PKGS:-"task-gnome-desktop task-kde-desktop libreoffice"}
LOC_PKGS=${LOC_PKGS:-"task-french hunspell-fr manpages-fr"}
SIZES=${SIZES:-"0.1 0.5 1 2 4"}
SPIN=${SPIN:-upd}
COMP_SIZES=${COMP_SIZES:-${COMP_SIZE:-"0.5 1"}}
ISO_OF=${ISO_OF:-base}
SUITE=${SUITE:-bookworm}
EXTRA_PKGS=${EXTRA_PKGS:-"0ad flightgear supertuxkart redeclipse widelands megaglest hedgewars warzone2100"}
EXTRA_PKGS="$EXTRA_PKGS${EXTRA_MORE:+ $EXTRA_MORE}"
EXTRA_FROM=${EXTRA_FROM:-4}
EXTRA_RATIO=${EXTRA_RATIO:-1.5}

ROOTS=$DATA/rootfs
POINTS=$DATA/points
LOGS=$DATA/logs
mkdir -p "$ROOTS" "$POINTS" "$LOGS"
TIMES=$LOGS/series-times.tsv
[ -f "$TIMES" ] || printf 'step\tseconds\n' >"$TIMES"
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8

[ "$(id -u)" = 0 ] || { echo "make-series: run as root (chroot, mounts)" >&2; exit 2; }
case $SPIN in loc|upd) ;; *) echo "make-series: SPIN must be loc or upd" >&2; exit 2 ;; esac

exec 3>&2   # the terminal, for messages from inside redirected steps
log() { echo "[$(date +%T)] make-series: $*" >&3; }
timed() { # timed <step-name> cmd...
  local name=$1 t0 t1; shift
  t0=$(date +%s.%N)
  "$@"
  t1=$(date +%s.%N)
  printf '%s\t%.1f\n' "$name" "$(echo "$t1 - $t0" | bc)" >>"$TIMES"
  log "step $name done in $(printf '%.1f' "$(echo "$t1 - $t0" | bc)") s"
}

# ---- mirror discovery (host apt config, at run time; as make-spin-pair.sh) ---------------------------
apt_uri_for_suite() {
  local want=$1 f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v want="$want" '
      function flush() { if (uris != "" && types ~ /(^| )deb( |$)/) { n=split(suites,s," "); for(i=1;i<=n;i++) if (s[i]==want) { split(uris,u," "); print u[1]; exit } } uris=""; suites=""; types="" }
      /^[[:space:]]*#/ { next }
      /^[[:space:]]*$/ { flush(); next }
      /^Types:/  { sub(/^Types:[[:space:]]*/,"");  types=$0 }
      /^URIs:/   { sub(/^URIs:[[:space:]]*/,"");   uris=$0 }
      /^Suites:/ { sub(/^Suites:[[:space:]]*/,""); suites=$0 }
      END { flush() }' "$f"
  done | head -n1 | grep . && return 0
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    awk -v want="$want" '$1=="deb" { i=2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } if ($(i+1)==want) { print $i; exit } }' | grep .
}
MIRROR= SEC_MIRROR= MIRROR_HOST=
discover_mirror() {
  [ -z "$MIRROR" ] || return 0
  MIRROR=$(apt_uri_for_suite "$SUITE") || { echo "make-series: no mirror for $SUITE in the apt config" >&2; exit 1; }
  SEC_MIRROR=$(apt_uri_for_suite "$SUITE-security" || true)
  MIRROR_HOST=$(printf '%s\n' "$MIRROR" "$SEC_MIRROR" | sed -n 's#^[a-z+]*://\([^/]*\).*#\1#p' | sort -u | paste -sd'|')
  log "mirror discovered from the apt config (not recorded)"
}
mask() { if [ -n "$MIRROR_HOST" ]; then sed -E "s#(${MIRROR_HOST//./\\.})#<mirror>#g"; else cat; fi; }

# ---- mounts ----------------------------------------------------------------------------------------
MOUNTED=()
cleanup() { local i; for ((i=${#MOUNTED[@]}-1; i>=0; i--)); do umount -l "${MOUNTED[$i]}" 2>/dev/null || true; done; }
trap cleanup EXIT
mount_chroot() {
  local r=$1
  mount -t proc proc "$r/proc";       MOUNTED+=("$r/proc")
  mount -t sysfs sys "$r/sys";        MOUNTED+=("$r/sys")
  mount --bind /dev "$r/dev";         MOUNTED+=("$r/dev")
  mount --bind /dev/pts "$r/dev/pts"; MOUNTED+=("$r/dev/pts")
  cp -L /etc/resolv.conf "$r/etc/resolv.conf"
  printf '#!/bin/sh\nexit 101\n' >"$r/usr/sbin/policy-rc.d"; chmod +x "$r/usr/sbin/policy-rc.d"
}
umount_chroot() {
  local r=$1 m
  for m in dev/pts dev sys proc; do umount -l "$r/$m" 2>/dev/null || true; done
  rm -f "$r/usr/sbin/policy-rc.d"
}
set_sources() { # root [updates]
  local r=$1
  { echo "deb $MIRROR $SUITE main"
    if [ "${2:-}" = updates ]; then
      echo "deb $MIRROR $SUITE-updates main"
      [ -n "$SEC_MIRROR" ] && echo "deb $SEC_MIRROR $SUITE-security main"
    fi; } >"$r/etc/apt/sources.list"
}
scrub_tree() { # build-time apt state out: lists, debs, the sources naming the mirror, resolv.conf
  local r=$1
  chroot "$r" apt-get clean
  rm -rf "$r"/var/lib/apt/lists/* "$r"/var/cache/apt/*.bin
  mkdir -p "$r/var/lib/apt/lists/partial"
  printf '# apt sources are configured at install time\n' >"$r/etc/apt/sources.list"
  rm -f "$r/var/log/bootstrap.log"
  rm -f "$r/etc/resolv.conf"; : >"$r/etc/resolv.conf"
}
# mount_variant v [rw]: base is a plain directory; loc/upd (over base), xbase (over base) and xloc/xupd
# (over xbase) are overlays: rw while built, ro afterwards
lowers_of() { # the lower directories of v's overlay, top first
  case $1 in
    x?*) [ "$1" = xbase ] && echo "$ROOTS/base" || echo "$ROOTS/xbase.upper:$ROOTS/base" ;;
    *) echo "$ROOTS/base" ;;
  esac
}
mount_variant() {
  local v=$1 mode=${2:-ro} mp=$ROOTS/$1
  [ "$v" = base ] && return 0
  mountpoint -q "$mp" && umount "$mp"
  mkdir -p "$mp" "$ROOTS/$v.upper" "$ROOTS/$v.work"
  if [ "$mode" = rw ]; then
    mount -t overlay overlay -o "lowerdir=$(lowers_of "$v"),upperdir=$ROOTS/$v.upper,workdir=$ROOTS/$v.work" "$mp"
  else
    mount -t overlay overlay -o "ro,lowerdir=$ROOTS/$v.upper:$(lowers_of "$v")" "$mp"
  fi
  MOUNTED+=("$mp")
}

# ---- trees -----------------------------------------------------------------------------------------
grow_base() {
  local r=$ROOTS/base
  if [ -f "$ROOTS/base.done" ]; then log "base tree exists, skipping"; return; fi
  discover_mirror
  rm -rf "$r"
  timed base-copy cp -a "$SRC_BASE" "$r"
  set_sources "$r"
  mount_chroot "$r"
  timed base-grow chroot "$r" /bin/sh -ec "
    apt-get update -q
    apt-get install -y -q $DESKTOP_PKGS
    mandb -q || true" > >(mask >"$LOGS/base-grow.log") 2>&1
  umount_chroot "$r"
  scrub_tree "$r"
  du -sb "$r" | cut -f1 >"$ROOTS/base.done"
}
build_variant() { # loc | upd | xbase | xloc | xupd
  local v=$1 r=$ROOTS/$1
  if [ -f "$ROOTS/$v.done" ]; then log "$v tree exists, skipping"; return; fi
  discover_mirror
  [ "$v" = xbase ] || [ "${v#x}" = "$v" ] || mount_variant xbase   # xloc/xupd stack on xbase
  rm -rf "$ROOTS/$v.upper" "$ROOTS/$v.work"
  mount_variant "$v" rw
  mount_chroot "$r"
  if [ "$v" = xbase ]; then
    set_sources "$r"
    timed xbase-grow chroot "$r" /bin/sh -ec "
      apt-get update -q
      apt-get install -y -q $EXTRA_PKGS
      mandb -q || true" > >(mask >"$LOGS/xbase-grow.log") 2>&1
  elif [ "${v#x}" = loc ]; then
    set_sources "$r"
    timed "$v-install" chroot "$r" /bin/sh -ec "
      apt-get update -q
      apt-get install -y -q $LOC_PKGS
      sed -i 's/^# *fr_FR.UTF-8 UTF-8/fr_FR.UTF-8 UTF-8/' /etc/locale.gen
      locale-gen
      printf 'LANG=fr_FR.UTF-8\nLANGUAGE=fr_FR:fr:en\n' >/etc/default/locale
      echo Europe/Paris >/etc/timezone; ln -sf /usr/share/zoneinfo/Europe/Paris /etc/localtime
      sed -i 's/^XKBLAYOUT=.*/XKBLAYOUT=\"fr\"/' /etc/default/keyboard || true
      mandb -q || true" > >(mask >"$LOGS/$v-install.log") 2>&1
  else
    set_sources "$r" updates
    timed "$v-install" chroot "$r" /bin/sh -ec "
      apt-get update -q
      apt-get upgrade -y -q
      mandb -q || true" > >(mask >"$LOGS/$v-install.log") 2>&1
  fi
  umount_chroot "$r"
  scrub_tree "$r"
  umount "$r"
  du -sb "$ROOTS/$v.upper" | cut -f1 >"$ROOTS/$v.done"
}

# ---- size points -----------------------------------------------------------------------------------
gb_bytes() { awk -v g="$1" 'BEGIN { printf "%.0f", g * 1e9 }'; }
ratio_file=$POINTS/tree-per-image-ratio
grown() { awk -v s="$1" -v f="$EXTRA_FROM" 'BEGIN { exit !(s + 0 >= f + 0) }'; } # is point s cut from xbase?
select_point() { # size: the point's package set, unless it exists
  local s=$1 d=$POINTS/$1
  if [ -f "$d/exclude.$SPIN" ] && [ -f "$d/exclude.base" ]; then log "point $s: package set exists, skipping"; return; fi
  mkdir -p "$d"
  local ratio; ratio=${RATIO:-$(cat "$ratio_file" 2>/dev/null || echo 2.8)}
  local budget b=base v=$SPIN first=()
  if grown "$s"; then
    # the whole desktop tree, whose image is its bytes / ratio, plus EXTRA_RATIO tree bytes per image byte short
    local desk; desk=$(cat "$ROOTS/base.done")
    budget=$(awk -v g="$s" -v r="$ratio" -v d="$desk" -v x="$EXTRA_RATIO" \
      'BEGIN { m = g * 1e9 - d / r; if (m < 0) m = 0; printf "%.0f", d + m * x }')
    b=xbase; v=x$SPIN; first=(--first-from "$ROOTS/base")
    mount_variant xbase
    log "point $s GB: tree budget $budget bytes (the desktop tree, $desk, and ratio $EXTRA_RATIO past it)"
  else
    budget=$(awk -v g="$s" -v r="$ratio" 'BEGIN { printf "%.0f", g * 1e9 * r }')
    log "point $s GB: tree budget $budget bytes (tree/image ratio $ratio)"
  fi
  mount_variant "$v"
  timed "point-$s-select" python3 "$here/series-select.py" --budget "$budget" --seed 7 \
      --base "$ROOTS/$b" --spin "$ROOTS/$v" --spin-name "$SPIN" --out "$d" "${first[@]}" >&2
}
make_points() { local s; for s in $SIZES; do select_point "$s"; done; }

# ---- images and ISOs -------------------------------------------------------------------------------
mksq() { # variant comp out exclude
  local v=$1 c=$2 out=$3 ex=$4
  mksquashfs "$ROOTS/$v" "$out.part" -comp "$c" -ef "$ex" -noappend -no-progress -quiet
  mv "$out.part" "$out"
}
make_images() {
  local s v c
  mount_variant "$SPIN"
  for s in $SIZES; do
    local d=$POINTS/$s
    select_point "$s"   # here, not all in the points step, so it uses the ratio of the previous point's image
    if [ -f "$d/too-small" ]; then log "point $s: $(cat "$d/too-small")"; continue; fi
    local comps=gzip
    [[ " $COMP_SIZES " == *" $s "* ]] && comps="gzip xz zstd"
    for c in $comps; do   # the gzip pair of the series first
      for v in base "$SPIN"; do
        local out=$d/$v.$c.sqfs
        [ -f "$out" ] && { log "$out exists, skipping"; continue; }
        local tree=$v
        if grown "$s"; then tree=x$v; mount_variant xbase; [ "$v" = base ] || mount_variant "x$v"; fi
        timed "point-$s-mksquashfs-$v-$c" mksq "$tree" "$c" "$out" "$d/exclude.$v"
        log "  $out: $(stat -c %s "$out") bytes"
      done
    done
    local img; img=$(stat -c %s "$d/base.gzip.sqfs")
    # calibrate the next point's budget on this image (what the tree subset weighed vs what it became);
    # the grown trees' points are budgeted apart, on the desktop tree's ratio
    grown "$s" || awk -v t="$(cat "$d/tree-bytes.base")" -v i="$img" 'BEGIN { printf "%.3f\n", t / i }' >"$ratio_file"
    awk -v i="$img" -v g="$s" 'BEGIN { d = i / (g * 1e9); if (d < 0.8 || d > 1.25) exit 1 }' ||
      log "  note: point $s: base image is $img bytes, not within 20% of $s GB"
  done
}
make_isos() {
  local s v c
  for s in $SIZES; do
    local d=$POINTS/$s
    for v in $ISO_OF; do
      [ "$v" = spin ] && v=$SPIN
      for c in gzip xz zstd; do  # every image the point has
        local img=$d/$v.$c.sqfs iso=$d/$v.$c.iso tree=$d/iso-$v
        [ "$c" = gzip ] || tree=$d/iso-$v-$c
        [ -f "$img" ] || continue
        [ -f "$iso" ] && { log "$iso exists, skipping"; continue; }
        rm -rf "$tree"; mkdir -p "$tree/live"
        ln "$img" "$tree/live/filesystem.squashfs"
        # an image of 4 GiB or more needs ISO level 3 (a file of several extents); xorriso refuses it otherwise
        local level=()
        [ "$(stat -c %s "$img")" -lt $((1 << 32)) ] || level=(-iso-level 3)
        timed "point-$s-xorriso-$v-$c" xorriso -as mkisofs -quiet "${level[@]}" -o "$iso.part" -V "SERIES_${s/./_}_$v" -J -R "$tree"
        mv "$iso.part" "$iso"
      done
    done
  done
}

steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(trees images isos)
for st in "${steps[@]}"; do
  case $st in
    trees) grow_base; build_variant "$SPIN"; for v in loc upd; do [ "$v" = "$SPIN" ] || build_variant "$v"; done
           for s in $SIZES; do if grown "$s"; then build_variant xbase; build_variant "x$SPIN"; break; fi; done ;;
    points) make_points ;;
    images) make_images ;;
    isos) make_isos ;;
    *) echo "make-series: unknown step $st (trees points images isos)" >&2; exit 2 ;;
  esac
done
log "done; sizes:"
du -sh "$ROOTS/base" "$ROOTS"/*.upper >&2 2>/dev/null || true
ls -l "$POINTS"/*/*.sqfs "$POINTS"/*/*.iso >&2 2>/dev/null || true

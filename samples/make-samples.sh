#!/usr/bin/env bash
# Builds the bundled sample pair the README's first command diffs: two small SquashFS images
# (gzip, mksquashfs defaults) of real text files, a base and a "spin" that adds and edits files,
# like a localized live image. Needs mksquashfs (squashfs-tools). Re-run only to refresh them:
# the images are committed so a fresh machine with just a JDK and Maven can run the sample.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Debian's per-package copyright files: real, varied, redistributable text.
mapfile -t pkgs < <(ls /usr/share/doc | LC_ALL=C sort)
mkdir -p "$work/base/usr/share/doc" "$work/spin/usr/share/doc"
n=0
for p in "${pkgs[@]}"; do
  f=/usr/share/doc/$p/copyright
  [ -f "$f" ] || continue
  n=$((n + 1))
  if [ $((n % 3)) -ne 0 ]; then          # two thirds of the packages are in both images
    mkdir -p "$work/base/usr/share/doc/$p" "$work/spin/usr/share/doc/$p"
    cp "$f" "$work/base/usr/share/doc/$p/copyright"
    cp "$f" "$work/spin/usr/share/doc/$p/copyright"
    if [ $((n % 17)) -eq 1 ]; then        # some files edited in the spin
      printf '\nLocalized-By: spindelta sample\n' >>"$work/spin/usr/share/doc/$p/copyright"
    fi
  elif [ $((n % 2)) -eq 0 ]; then         # the rest only in the spin
    mkdir -p "$work/spin/usr/share/doc/$p"
    cp "$f" "$work/spin/usr/share/doc/$p/copyright"
  fi
  [ "$n" -ge 240 ] && break
done
for v in base spin; do
  find "$work/$v" -exec touch -h -d '2026-01-01 00:00:00 UTC' {} +
  mksquashfs "$work/$v" "$here/$v.sqfs" -comp gzip -noappend -no-progress -quiet -all-root -mkfs-time 1767225600
done
ls -l "$here"/*.sqfs

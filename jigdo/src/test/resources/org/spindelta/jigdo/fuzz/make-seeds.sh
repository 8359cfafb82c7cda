#!/usr/bin/env bash
# Regenerates the seed inputs of JigdoReadFuzzTest: small real templates and .jigdo files from every
# writer the reader must accept, which the fuzzer mutates. Run from anywhere; needs jigdo-file, xorriso
# and genisoimage.
#
#   jigdo/src/test/resources/org/spindelta/jigdo/fuzz/make-seeds.sh
#
# The tree is three fixed text files (two over 1 KiB, so they are matched, one under), so every
# template is a few hundred bytes to a few KiB: small seeds keep the fuzzer fast and its mutations
# dense. Times are SOURCE_DATE_EPOCH (default 1700000000) so the ISOs, and so the templates, repeat.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
out="$here/JigdoReadFuzzTestInputs/readTemplateAndJigdo/seeds"
epoch="${SOURCE_DATE_EPOCH:-1700000000}"
export TZ=UTC LC_ALL=C SOURCE_DATE_EPOCH="$epoch"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
t="$work/tree"
mkdir -p "$t/sub"
awk 'BEGIN { for (i = 0; i < 300; i++) printf "line %d of the first file\n", i * 7919 }' >"$t/one.txt"
awk 'BEGIN { for (i = 0; i < 150; i++) printf "%d,", i * i * 31 }' >"$t/sub/two.txt"
printf 'small\n' >"$t/small.txt"
find "$t" -exec touch -h -d "@$epoch" {} +
for f in "$t/one.txt" "$t/sub/two.txt" "$t/small.txt"; do
  printf '%s  %12d  %s\n' "$(md5sum <"$f" | cut -d' ' -f1)" "$(stat -c %s "$f")" "$f" >>"$work/md5.list"
  printf '%s  %12d  %s\n' "$(sha256sum <"$f" | cut -d' ' -f1)" "$(stat -c %s "$f")" "$f" >>"$work/sha256.list"
done

mkdir -p "$out"
rm -f "$out"/*
cd "$work"
xorriso -as mkisofs -quiet -R -V SEED -o plain.iso tree 2>/dev/null
jigdo-file make-template -f -r quiet --image=plain.iso --jigdo="$out/jigdo-file-md5.jigdo" \
    --template="$out/jigdo-file-md5.template" --label Tree=tree/ tree//
jigdo-file make-template -f -r quiet --checksum-algorithm=sha256 --image=plain.iso \
    --jigdo="$out/jigdo-file-sha256.jigdo" --template="$out/jigdo-file-sha256.template" --label Tree=tree/ tree//
jigdo-file make-template -f -r quiet --bzip2 --image=plain.iso --jigdo=bz.jigdo \
    --template="$out/jigdo-file-bzip2.template" --label Tree=tree/ tree//
jte=(-jigdo-map "Tree=$t/")
xorriso -as mkisofs -quiet -R -V SEED -o x.iso -jigdo-jigdo "$out/xorriso-md5.jigdo" \
    -jigdo-template "$out/xorriso-md5.template" "${jte[@]}" -md5-list md5.list tree 2>/dev/null
xorriso -as mkisofs -quiet -R -V SEED -o x.iso -jigdo-jigdo x.jigdo -jigdo-template "$out/xorriso-sha256.template" \
    "${jte[@]}" -jigdo-checksum-algorithm sha256 -checksum-list sha256.list tree 2>/dev/null
xorriso -as mkisofs -quiet -R -V SEED -o x.iso -jigdo-jigdo x.jigdo -jigdo-template "$out/xorriso-bzip2.template" \
    "${jte[@]}" -jigdo-template-compress bzip2 -md5-list md5.list tree 2>/dev/null
genisoimage -quiet -R -V SEED -o g.iso -jigdo-jigdo g.jigdo -jigdo-template "$out/genisoimage-md5.template" \
    "${jte[@]}" -md5-list md5.list tree
gzip -9n <"$out/jigdo-file-md5.jigdo" >"$out/jigdo-file-md5.jigdo.gz"
ls -l "$out"

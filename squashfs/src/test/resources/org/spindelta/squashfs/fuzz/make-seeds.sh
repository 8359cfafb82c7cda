#!/usr/bin/env bash
# Regenerates the seed images of SquashfsReadFuzzTest: small real mksquashfs images, one per
# compressor and layout option, that the fuzzer mutates. Run from anywhere; needs mksquashfs 4.5.1
# (squashfs-tools) and, for the xattr seeds, setfattr (attr) on a filesystem with user xattrs.
#
#   squashfs/src/test/resources/org/spindelta/squashfs/fuzz/make-seeds.sh
#
# The output is reproducible: fixed file contents, modes and owners (pseudo file definitions, so no
# root is needed); every time is SOURCE_DATE_EPOCH (default 1700000000), given to mksquashfs as
# -mkfs-time/-all-time because mksquashfs 4.5 refuses the variable together with those options;
# one mksquashfs thread. Block size 4 KiB, so a 10000-byte file has two full blocks and a tail and
# every image stays a few KiB (-nopad drops the padding to a 4 KiB multiple): small seeds keep the
# fuzzer fast and its mutations dense.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
out="$here/SquashfsReadFuzzTestInputs/readImage/seeds"
epoch="${SOURCE_DATE_EPOCH:-1700000000}"
unset SOURCE_DATE_EPOCH
export TZ=UTC LC_ALL=C

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# --- the tree ---------------------------------------------------------------------------------
t="$work/tree"
mkdir -p "$t/dir/sub"
printf 'hello\n' >"$t/small.txt"
: >"$t/empty"
printf 'inner file\n' >"$t/dir/inner"
printf 'deep\n' >"$t/dir/sub/deep"
# 10000 bytes of compressible but non-repeating text: two 4 KiB blocks and a 1808-byte tail
awk 'BEGIN { for (i = 0; ; i++) { s = s sprintf("%05d,", i * 7919 % 100000); if (length(s) >= 10000) break }
             printf "%s", substr(s, 1, 10000) }' >"$t/big.txt"
# an all-zero block in the middle of a file: stored as a sparse block (size 0)
{ head -c 4096 "$t/big.txt"; head -c 4096 /dev/zero; head -c 100 "$t/big.txt"; } >"$t/sparse.bin"
ln "$t/small.txt" "$t/hardlink"                 # nlink 2: an extended file inode
ln -s small.txt "$t/symlink"
ln -s "$(printf 'x%.0s' $(seq 1 200))" "$t/dir/long-dangling-link"

xattrs=yes
if ! command -v setfattr >/dev/null \
    || ! setfattr -n user.spindelta -v seed "$t/small.txt" 2>/dev/null; then
  echo "make-seeds.sh: no setfattr or no user xattrs on $work; seeds have no xattrs" >&2
  xattrs=no
else
  setfattr -n user.comment -v 'a directory' "$t/dir"
  # the same long value twice: mksquashfs stores it once and refers to it (an out-of-line value)
  long="$(printf 'v%.0s' $(seq 1 300))"
  setfattr -n user.long -v "$long" "$t/big.txt"
  setfattr -n user.long -v "$long" "$t/dir/inner"
  # a second prefix; trusted.* needs root (CAP_SYS_ADMIN)
  setfattr -n trusted.other -v t "$t/dir/inner" 2>/dev/null \
      || echo "make-seeds.sh: not root; seeds have no trusted.* xattr" >&2
  setfattr -n user.a -v 1 "$t/empty"
  setfattr -n user.b -v '' "$t/empty"
fi

find "$t" -exec touch -h -d "@$epoch" {} +

# Pseudo files: devices, a fifo and a socket, which need no privileges this way, and other owners
# (more ids in the id table) and modes than the files have here.
pseudo=(-p "chr c 0644 0 0 1 3" -p "blk b 0640 0 6 8 1" -p "fifo i 0644 0 0 f" -p "sock i 0644 0 0 s"
        -p "dir/inner m 0644 1000 1000" -p "dir/sub/deep m 0600 4242 100")

# --- the images -------------------------------------------------------------------------------
mkdir -p "$out"
rm -f "$out"/*.sqfs

seed() {
  local name="$1"
  shift
  mksquashfs "$t" "$out/$name.sqfs" -noappend -no-progress -quiet -processors 1 -b 4K -nopad \
      -mkfs-time "$epoch" -all-time "$epoch" "${pseudo[@]}" "$@" >/dev/null
}

seed gzip -comp gzip
seed gzip-options -comp gzip -Xcompression-level 1 -Xwindow-size 10 -Xstrategy default,filtered
seed gzip-uncompressed -comp gzip -noI -noD -noF -noX
seed gzip-uncompressed-no-fragments -comp gzip -noI -noD -noF -noX -no-fragments -no-exports -no-xattrs
seed xz -comp xz -always-use-fragments
seed xz-options -comp xz -Xbcj x86,arm -no-fragments
seed lzo -comp lzo -Xalgorithm lzo1x_1 -no-exports
seed lz4 -comp lz4 -Xhc -no-fragments
seed zstd -comp zstd -Xcompression-level 3 -no-sparse
# Debian builds mksquashfs with lzma (LZMA_XZ_SUPPORT, through liblzma); others may not have it.
if ! seed lzma -comp lzma 2>/dev/null; then
  rm -f "$out/lzma.sqfs"
  echo "make-seeds.sh: this mksquashfs cannot write lzma; no lzma seed" >&2
fi

ls -l "$out"
echo "xattrs: $xattrs"

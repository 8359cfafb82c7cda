#!/usr/bin/env python3
"""Writes two file trees, BASE and SPIN, that image (mksquashfs) into a realistic base/spin pair.

BASE holds files of 1 KiB-20 MiB (log-uniform sizes) in package-like directories: about 70% of the
bytes incompressible (like already-compressed payloads), the rest text-like (slices of a seeded word
soup, ~3:1 with gzip), so a tree of SIZE_MB images to roughly 0.8 x SIZE_MB with gzip or zstd.
SPIN is BASE with, per file: 3% edited in place (a few short overwrites), 2% removed, 2% renamed
with a version bump (libfoo-1.2.so -> libfoo-1.3.so, and edited all through), plus new files (about
3% of the bytes) and 40 small files (under 4 KiB, in fragments) whose names sort early, shifting the fragment packing.
Unchanged files in SPIN are hard links to BASE's (mksquashfs counts links only inside its tree), so
writing SPIN costs little time or disk. Deterministic for a given seed; mtimes are not set (image
with -all-time for reproducible images).

usage: make-spin-tree.py SIZE_MB BASE_DIR SPIN_DIR [--seed N]
"""
import os
import random
import sys

KIB = 1 << 10
MIB = 1 << 20
WRITE = 4 * MIB  # write in large pieces: generation runs at the speed of random.randbytes


def word_soup(rnd, size):
    """Text-like bytes: lines of words from a seeded vocabulary of 4,000."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocab = ["".join(rnd.choices(letters, k=rnd.randint(2, 11))) for _ in range(4000)]
    out, n = [], 0
    while n < size:
        line = " ".join(rnd.choices(vocab, k=rnd.randint(3, 14))) + "\n"
        out.append(line)
        n += len(line)
    return "".join(out).encode("ascii")[:size]


def write_content(path, rnd, size, text, soup):
    with open(path, "wb") as f:
        left = size
        while left > 0:
            n = min(left, WRITE)
            if text:  # pieces of the soup at random places: compressible but not the same in every file
                piece = bytearray()
                while len(piece) < n:
                    at = rnd.randrange(len(soup) - 64 * KIB)
                    piece += soup[at:at + rnd.randint(4 * KIB, 64 * KIB)]
                f.write(piece[:n])
            else:
                f.write(rnd.randbytes(n))
            left -= n


def bump(name):
    """libfoo-1.2.so -> libfoo-1.3.so: the version's minor number plus one."""
    stem, dash, rest = name.rpartition("-")
    major, dot, tail = rest.partition(".")
    minor, dot2, ext = tail.partition(".")
    return f"{stem}-{major}.{int(minor) + 1}.{ext}"


def main():
    args = sys.argv[1:]
    seed = 1
    if "--seed" in args:
        i = args.index("--seed")
        seed = int(args[i + 1])
        del args[i:i + 2]
    if len(args) != 3:
        sys.exit(__doc__)
    size = int(args[0]) * MIB
    base, spin = args[1], args[2]
    rnd = random.Random(seed)
    soup = word_soup(rnd, 8 * MIB)

    # BASE: (relative path, size, text) until SIZE_MB
    files, total, i = [], 0, 0
    while total < size:
        n = min(int(KIB * (20 * KIB) ** rnd.random()), size - total)  # log-uniform 1 KiB..20 MiB
        n = max(n, 1)
        text = rnd.random() < 0.3
        d = f"usr/lib/pkg{i // 16:03d}"
        name = f"{'doc' if text else 'lib'}{i:05d}-1.{rnd.randint(0, 9)}.{'txt' if text else 'so'}"
        files.append((f"{d}/{name}", n, text))
        total += n
        i += 1
    for rel, n, text in files:
        p = os.path.join(base, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        write_content(p, rnd, n, text, soup)

    # SPIN
    edited = renamed = removed = 0
    for rel, n, text in files:
        src = os.path.join(base, rel)
        roll = rnd.random()
        if roll < 0.02:
            removed += 1
            continue
        dst = os.path.join(spin, rel)
        edit = roll < 0.05
        if 0.05 <= roll < 0.07:
            dst = os.path.join(os.path.dirname(dst), bump(os.path.basename(rel)))
            edit, renamed = True, renamed + 1
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if not edit:
            os.link(src, dst)
            continue
        edited += 1
        with open(src, "rb") as f:
            data = bytearray(f.read())
        # a few short overwrites, as a patch release makes; a new version (renamed) changes all through,
        # about one overwrite per 64 KiB, so nearly every block of it is shipped and diffed
        for _ in range(rnd.randint(1, 4) if dst.endswith(rel) else 1 + len(data) // (64 * KIB)):
            at = rnd.randrange(len(data))
            k = min(rnd.randint(1, 200), len(data) - at)
            data[at:at + k] = rnd.randbytes(k)
        with open(dst, "wb") as f:
            f.write(data)
    added = added_bytes = 0
    while added_bytes < size // 33:  # new files: about 3% of BASE's bytes
        j, added = added, added + 1
        n = int(KIB * (20 * KIB) ** rnd.random())
        added_bytes += n
        text = rnd.random() < 0.3
        p = os.path.join(spin, f"usr/share/new{j // 16:03d}/added{j:05d}.{'txt' if text else 'bin'}")
        os.makedirs(os.path.dirname(p), exist_ok=True)
        write_content(p, rnd, n, text, soup)
    for j in range(40):  # small files: they go to fragments, early in the sort order
        p = os.path.join(spin, f"usr/lib/pkg000/a-small{j:02d}.conf")
        write_content(p, rnd, rnd.randint(20, 4000), True, soup)
    print(f"{base}: {len(files)} files, {total} bytes; {spin}: {edited} edited ({renamed} of them renamed), "
          f"{removed} removed, {added} added ({added_bytes} bytes), 40 small added")


if __name__ == "__main__":
    main()

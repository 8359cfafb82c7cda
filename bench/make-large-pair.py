#!/usr/bin/env python3
"""Writes a large OLD/NEW pair that behaves like two compressed images of related file trees.

OLD is incompressible (like xz/gzip SquashFS data). NEW is OLD cut into "files" of 4 KiB-4 MiB:
most copied unchanged (shifted by what came before), some replaced by fresh bytes (a changed file
recompresses to all-new bytes), some new files inserted, some dropped, and one large block moved
to the end (files reordered). Deterministic for a given seed.

usage: make-large-pair.py SIZE_MB OLD NEW [--seed N]
"""
import os
import random
import sys

def main():
    args = sys.argv[1:]
    seed = 1
    if "--seed" in args:
        i = args.index("--seed")
        seed = int(args[i + 1])
        del args[i:i + 2]
    if len(args) != 3:
        sys.exit(__doc__)
    size = int(args[0]) << 20
    old_path, new_path = args[1], args[2]
    rnd = random.Random(seed)
    block = 1 << 22
    with open(old_path, "wb") as f:  # random.randbytes is seeded: the pair is reproducible
        left = size
        while left > 0:
            n = min(block, left)
            f.write(rnd.randbytes(n))
            left -= n
    moved = None
    with open(old_path, "rb") as old, open(new_path, "wb") as new:
        pos = 0
        while pos < size:
            length = min(size - pos, int(rnd.lognormvariate(11.5, 1.3)) + 4096)
            length = min(length, 4 << 20)
            old.seek(pos)
            data = old.read(length)
            roll = rnd.random()
            if roll < 0.04:
                new.write(rnd.randbytes(len(data)))          # changed file: all-new compressed bytes
            elif roll < 0.06:
                pass                                          # dropped file
            elif moved is None and pos > size // 3 and length > (1 << 20):
                moved = data                                  # reordered file goes to the end
            else:
                new.write(data)
            if rnd.random() < 0.03:
                new.write(rnd.randbytes(rnd.randint(4096, 1 << 20)))  # added file
            pos += length
        if moved:
            new.write(moved)
    print(f"{old_path}: {os.path.getsize(old_path)} bytes, {new_path}: {os.path.getsize(new_path)} bytes")

if __name__ == "__main__":
    main()

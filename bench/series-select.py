#!/usr/bin/env python3
"""Chooses the Debian packages of one size point of the large-image series (bench/make-series.sh).

usage: series-select.py --budget BYTES --seed N --base TREE --spin TREE --out DIR [--spin-name V]
                        [--first-from TREE]

Packages of the base tree (its /var/lib/dpkg) are taken in a fixed order: Priority required and Essential
packages first (by name), then all others in an order shuffled with --seed, so a larger budget selects a
superset of a smaller one. With --first-from (a smaller tree that BASE was grown from), that tree's
packages come first, in exactly the order they have when it is the base, then the packages only BASE has, in
the same kind of order: the points of the grown tree are supersets of the points of the smaller one.
Packages are added until the bytes of the tree that the image will hold (files owned by selected packages,
plus every file no package owns) reach BYTES. Writes to DIR:
  packages.txt        the selected package names (dpkg's list names, e.g. libc6:amd64)
  exclude.base        for mksquashfs -ef: paths (relative to the tree) owned only by unselected packages
  exclude.<spin>      the same for the spin tree, from the spin's own dpkg lists; packages the spin has and
                      the base has not (localization, new dependencies) count as selected
  tree-bytes.base, tree-bytes.<spin>   bytes of regular files the image of each tree will hold
  too-small           only when the whole base tree is under 0.8 x BYTES (the point cannot be made)
Paths are resolved through the usrmerge links at the root (/bin -> usr/bin, ...), so an exclusion names the
file mksquashfs sees. Paths with a backslash or surrounding spaces are never excluded (mksquashfs's exclude
file syntax would misread them); they are few and small.
"""
import argparse
import os
import random
import stat
import sys


def read_status(root):
    """package name -> (priority, essential), keyed like the .list files (name or name:arch)."""
    info = {}
    path = os.path.join(root, "var/lib/dpkg/status")
    with open(path, encoding="utf-8", errors="replace") as f:
        for para in f.read().split("\n\n"):
            fields = {}
            for line in para.splitlines():
                if line and not line[0].isspace() and ":" in line:
                    k, v = line.split(":", 1)
                    fields[k] = v.strip()
            if "Package" not in fields or "installed" not in fields.get("Status", ""):
                continue
            val = (fields.get("Priority", "optional"), fields.get("Essential", "no") == "yes")
            info[fields["Package"]] = val
            if "Architecture" in fields:
                info[fields["Package"] + ":" + fields["Architecture"]] = val
    return info


def top_links(root):
    links = {}
    for name in os.listdir(root):
        p = os.path.join(root, name)
        if os.path.islink(p):
            t = os.readlink(p).lstrip("/")
            if "/" not in t.rstrip("/") or t.startswith("usr/"):
                links[name] = t.rstrip("/")
    return links


def owners(root):
    """canonical relative path -> set of packages, for non-directories that exist in the tree."""
    links = top_links(root)
    infodir = os.path.join(root, "var/lib/dpkg/info")
    own = {}
    for fn in os.listdir(infodir):
        if not fn.endswith(".list"):
            continue
        pkg = fn[:-5]
        with open(os.path.join(infodir, fn), encoding="utf-8", errors="surrogateescape") as f:
            for line in f:
                p = line.rstrip("\n").lstrip("/")
                if not p or p == ".":
                    continue
                first, _, rest = p.partition("/")
                if first in links and rest:
                    p = links[first] + "/" + rest
                try:
                    st = os.lstat(os.path.join(root, p))
                except OSError:
                    continue
                if stat.S_ISDIR(st.st_mode):
                    continue
                own.setdefault(p, set()).add(pkg)
    return own


def file_sizes(root):
    """canonical relative path -> size for every regular file of the tree (hard links counted once)."""
    sizes, seen = {}, set()
    for d, dirs, files in os.walk(root):
        for n in files:
            full = os.path.join(d, n)
            try:
                st = os.lstat(full)
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode):
                key = (st.st_dev, st.st_ino)
                sizes[os.path.relpath(full, root)] = 0 if key in seen else st.st_size
                seen.add(key)
    return sizes


def excludable(p):
    return "\\" not in p and p == p.strip() and "\n" not in p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--budget", type=int, required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--base", required=True)
    ap.add_argument("--spin", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--spin-name", help="the spin's name in the output files (default: the spin tree's name)")
    ap.add_argument("--first-from", help="a smaller tree whose packages are taken first, in their own order")
    a = ap.parse_args()
    spin_name = a.spin_name or os.path.basename(a.spin.rstrip("/"))

    status = read_status(a.base)
    own = owners(a.base)
    sizes = file_sizes(a.base)
    pkgs = sorted({p for s in own.values() for p in s})
    pkg_bytes = dict.fromkeys(pkgs, 0)
    owned_bytes = 0
    for path, ps in own.items():
        b = sizes.get(path, 0)
        owned_bytes += b
        for p in ps:
            pkg_bytes[p] += b / len(ps)
    total = sum(sizes.values())
    unowned = total - owned_bytes

    def ordered(names, status_of):
        def core(p):
            prio, ess = status_of.get(p, status_of.get(p.split(":")[0], ("optional", False)))
            return prio == "required" or ess
        first = [p for p in names if core(p)]
        rest = [p for p in names if not core(p)]
        random.Random(a.seed).shuffle(rest)
        return first + rest

    if a.first_from:
        old = ordered(sorted({p for s in owners(a.first_from).values() for p in s}), read_status(a.first_from))
        old_set = set(old)
        order = [p for p in old if p in pkg_bytes] + ordered([p for p in pkgs if p not in old_set], status)
    else:
        order = ordered(pkgs, status)
    selected, acc = set(), unowned
    for p in order:
        if acc >= a.budget:
            break
        selected.add(p)
        acc += pkg_bytes[p]
    os.makedirs(a.out, exist_ok=True)
    if total < 0.8 * a.budget:
        with open(os.path.join(a.out, "too-small"), "w") as f:
            f.write(f"the whole base tree holds {total} bytes, under 0.8 x the budget of {a.budget}\n")
    with open(os.path.join(a.out, "packages.txt"), "w") as f:
        f.write("".join(p + "\n" for p in sorted(selected)))

    def write_excludes(name, root, own_v, sizes_v, sel):
        excl = sorted(p for p, ps in own_v.items() if not (ps & sel) and excludable(p))
        with open(os.path.join(a.out, f"exclude.{name}"), "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write("".join(p + "\n" for p in excl))
        ex = set(excl)
        kept = sum(b for p, b in sizes_v.items() if p not in ex)
        with open(os.path.join(a.out, f"tree-bytes.{name}"), "w") as f:
            f.write(f"{kept}\n")
        print(f"series-select: {name}: {len(sel)} packages, {len(excl)} paths excluded, {kept} bytes kept "
              f"(whole tree {sum(sizes_v.values())})", file=sys.stderr)

    write_excludes("base", a.base, own, sizes, selected)
    own_s = owners(a.spin)
    spin_pkgs = {p for s in own_s.values() for p in s}
    write_excludes(spin_name, a.spin, own_s, file_sizes(a.spin), selected | (spin_pkgs - set(pkgs)))


if __name__ == "__main__":
    main()

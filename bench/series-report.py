#!/usr/bin/env python3
"""Report of a large-image series run (bench/series-bench.sh).

usage: series-report.py RESULTS_DIR | series-report.py --merge OUT_DIR RESULTS_DIR...
(--merge first joins the rows of several runs, e.g. one a point, into OUT_DIR; a later run's row replaces
an earlier run's row of the same size and command)

Reads RESULTS_DIR/series.csv and writes series.md (host, the table, the targets), series.json (the rows,
the targets), and with matplotlib time.svg/.png, rss.svg/.png, patch.svg/.png: one labelled line per
command, against the BASE image size in GB (10^9 bytes). Prints the Markdown report.

Targets (issue 7), for commands of ours:
  flat RSS:  peak RSS max/min over the points of at least 0.5 GB (nominal) <= 1.2, for diff, apply, bsdiff,
             bspatch, sqfs extract, jigdo make-template; n/a with fewer than two such points
  linear:    wall time of the largest point <= 1.3 x the least-squares line (wall = a + b * size) through
             the smaller points; with only one smaller point the line through the origin and it; n/a with
             one point
"""
import csv
import json
import os
import sys

FLAT = ["spindelta diff", "spindelta apply", "spindelta bsdiff", "spindelta bspatch", "spindelta sqfs extract",
        "spindelta jigdo make-template"]


def num(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def key(label):
    # "spindelta bsdiff --memory 1G" -> "spindelta bsdiff" for target names
    return label.split(" --")[0]


def linear_check(pts):
    """pts: [(x, y)] sorted by x. Returns (ratio, predicted, method) for the largest point, or None."""
    if len(pts) < 2:
        return None
    small, (xl, yl) = pts[:-1], pts[-1]
    if len(small) == 1:
        a, b = 0.0, small[0][1] / small[0][0]
        method = "line through the origin and the one smaller point"
    else:
        n = len(small)
        mx = sum(x for x, _ in small) / n
        my = sum(y for _, y in small) / n
        sxx = sum((x - mx) ** 2 for x, _ in small)
        b = sum((x - mx) * (y - my) for x, y in small) / sxx if sxx > 0 else 0.0
        a = my - b * mx
        method = f"least-squares line through {n} smaller points"
    pred = a + b * xl
    if pred <= 0:
        return None
    return yl / pred, pred, method


def merge(out, ins):
    """Writes OUT/series.csv (and point-seconds.csv) from the runs INS, e.g. points run one at a time.

    A row of a later run replaces the row of an earlier one for the same size and command (a step rerun,
    e.g. after a fix, supersedes its first measurement), keeping the earlier row's place in the table."""
    os.makedirs(out, exist_ok=True)
    heads, secs = [], []
    body = {}  # (size, label) -> line, in order of first appearance
    for i in ins:
        with open(os.path.join(i, "series.csv")) as f:
            lines = f.readlines()
        heads += [f"# from {os.path.basename(i.rstrip('/'))}: {l[2:]}" for l in lines if l.startswith("# ")]
        rows = [l for l in lines if not l.startswith("#")]
        col = rows[0]
        names = next(csv.reader([col]))
        for line in rows[1:]:
            r = dict(zip(names, next(csv.reader([line]))))
            key = (r.get("size_gb"), r.get("label"))
            if key in body:
                heads.append(f"# {os.path.basename(i.rstrip('/'))} replaces the {key[0]} GB row of {key[1]}\n")
            body[key] = line
        ps = os.path.join(i, "point-seconds.csv")
        if os.path.exists(ps):
            with open(ps) as f:
                secs += f.readlines()
    body = list(body.values())
    with open(os.path.join(out, "series.csv"), "w") as f:
        f.writelines(heads + [col] + body)
    if secs:
        with open(os.path.join(out, "point-seconds.csv"), "w") as f:
            f.writelines(secs)


def main():
    if len(sys.argv) > 3 and sys.argv[1] == "--merge":
        merge(sys.argv[2], sys.argv[3:])
        sys.argv = sys.argv[:1] + [sys.argv[2]]
    d = sys.argv[1]
    header, rows = [], []
    with open(os.path.join(d, "series.csv"), newline="") as f:
        lines = [l for l in f]
    header = [l[2:].strip() for l in lines if l.startswith("# ")]
    rows = list(csv.DictReader([l for l in lines if not l.startswith("#")]))
    for r in rows:
        r["base_gb"] = int(r["base_bytes"]) / 1e9
    sizes = sorted({r["size_gb"] for r in rows}, key=float)
    labels = []
    for r in rows:
        if r["label"] not in labels:
            labels.append(r["label"])
    ok = lambda r: num(r["wall_s"]) is not None and not r["result"].startswith(("failed", "timed", "killed", "skipped", "DIFF"))

    # targets
    targets = []
    for lab in labels:
        if not lab.startswith("spindelta"):
            continue
        pts = sorted((r["base_gb"], float(r["wall_s"]), float(r["peak_rss_mb"]), float(r["size_gb"]))
                     for r in rows if r["label"] == lab and ok(r))
        t = {"command": lab}
        if len(pts) >= 2:
            allr = [p[2] for p in pts]
            t["rss_ratio_all_points"] = round(max(allr) / min(allr), 3)
        if key(lab) in FLAT:
            big = [p[2] for p in pts if p[3] >= 0.5 - 1e-9]
            if len(big) >= 2:
                t["rss_ratio"] = round(max(big) / min(big), 3)
                t["rss_flat"] = "PASS" if t["rss_ratio"] <= 1.2 else "FAIL"
                t["rss_points"] = len(big)
            else:
                t["rss_flat"] = "n/a (fewer than two points of 0.5 GB or more)"
        lc = linear_check([(p[0], p[1]) for p in pts])
        if lc:
            t["wall_ratio"] = round(lc[0], 3)
            t["wall_predicted_s"] = round(lc[1], 2)
            t["linear"] = "PASS" if lc[0] <= 1.3 else "FAIL"
            t["linear_method"] = lc[2]
        else:
            t["linear"] = "n/a (one point)"
        targets.append(t)

    # Markdown
    md = [f"# Large-image series, {os.path.basename(d.rstrip('/'))}", ""]
    md += [f"- {h}" for h in header]
    md += ["- MB = 10^6 bytes; peak RSS of the whole process (JVM included); CPU = user + sys; load = 1-minute "
           "load average before the step; out = patch, template, rebuilt file or extracted tree (apparent bytes)", ""]
    md += ["| size GB | BASE bytes | command | wall s | CPU s | peak RSS MB | out bytes | result | load |",
           "|---:|---:|---|---:|---:|---:|---:|---|---:|"]
    for r in rows:
        md.append(f"| {r['size_gb']} | {r['base_bytes']} | {r['label']} | {r['wall_s']} | {r['cpu_s']} | "
                  f"{r['peak_rss_mb']} | {r['out_bytes']} | {r['result']} | {r['load']} |")
    md += ["", "Targets (issue 7): peak RSS flat (max/min from 0.5 GB up <= 1.2); wall time linear (largest point "
           "<= 1.3x the line through the smaller points):", ""]
    md += ["| command | RSS max/min, all points (info) | RSS max/min from 0.5 GB | flat | wall / predicted | linear |",
           "|---|---:|---:|---|---:|---|"]
    for t in targets:
        md.append(f"| {t['command']} | {t.get('rss_ratio_all_points', '')} | {t.get('rss_ratio', '')} | {t.get('rss_flat', '-')} | "
                  f"{t.get('wall_ratio', '')}{' (pred. %s s)' % t['wall_predicted_s'] if 'wall_predicted_s' in t else ''} | "
                  f"{t['linear']} |")
    ps = os.path.join(d, "point-seconds.csv")
    if os.path.exists(ps):
        with open(ps) as f:
            agg = {}  # a point run in parts (merged runs) counts once, with the parts' seconds summed
            for a, b in (l.strip().split(",") for l in f if l.strip()):
                agg[float(a)] = agg.get(float(a), 0.0) + float(b)
            secs = sorted(agg.items())
        md += ["", "Seconds per point (the whole point, checks included): " +
               ", ".join(f"{a:g} GB: {b:.0f} s" for a, b in secs)]
        if len(secs) >= 2:
            # a line through these points' times, to plan a run of the others (the same load assumed)
            n = len(secs)
            mx = sum(x for x, _ in secs) / n
            my = sum(y for _, y in secs) / n
            sxx = sum((x - mx) ** 2 for x, _ in secs)
            if sxx > 0 and sum((x - mx) * (y - my) for x, y in secs) <= 0:
                md += ["No estimate: the later points took no longer (they ran other commands, or timeouts differ)."]
            elif sxx > 0:
                slope = sum((x - mx) * (y - my) for x, y in secs) / sxx
                icpt = my - slope * mx
                est = [(g, icpt + slope * g) for g in (0.1, 0.5, 1, 2, 4, 8)]
                md += ["Estimated seconds per point from a line through them (same load, timeouts aside): " +
                       ", ".join(f"{g:g} GB: {e:.0f} s" for g, e in est) +
                       f"; 0.1-4 GB in all: {sum(e for g, e in est if g <= 4) / 3600:.1f} h"]
    plots = []
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        for name, field, ylabel, sel in [
                ("time", "wall_s", "wall time, s", lambda r: True),
                ("rss", "peak_rss_mb", "peak RSS, MB (whole process)", lambda r: True),
                ("patch", "out_bytes", "patch size, MB", lambda r: r["step"] == "diff")]:
            fig, ax = plt.subplots(figsize=(10, 6.5))
            for lab in labels:
                pts = sorted((r["base_gb"], float(r[field]) / (1e6 if field == "out_bytes" else 1))
                             for r in rows if r["label"] == lab and ok(r) and sel(r) and num(r[field]) is not None)
                if not pts:
                    continue
                ours = lab.startswith("spindelta")
                ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o" if ours else "s",
                        color=plt.get_cmap("tab20")(labels.index(lab) % 20),  # one colour a command
                        linestyle="-" if ours else "--", linewidth=2 if ours else 1.2, label=lab)
            ax.set_xlabel("BASE image size, GB (10^9 bytes)")
            ax.set_ylabel(ylabel)
            ax.set_title(f"{ylabel} vs image size (solid: spindelta, dashed: peers)")
            ax.grid(True, alpha=0.3)
            ax.set_xlim(left=0)
            if name == "time":  # seconds to hours: a log axis keeps the fast commands readable
                ax.set_yscale("log")
            else:
                ax.set_ylim(bottom=0)
            ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
            fig.tight_layout()
            for ext in ("svg", "png"):
                fig.savefig(os.path.join(d, f"{name}.{ext}"), dpi=100)
                plots.append(f"{name}.{ext}")
            plt.close(fig)
        md += ["", "Plots: " + ", ".join(plots)]
    except ImportError:
        md += ["", "No plots: python3-matplotlib is not installed (apt-get install python3-matplotlib)."]
    with open(os.path.join(d, "series.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    with open(os.path.join(d, "series.json"), "w") as f:
        json.dump({"header": header, "rows": rows, "targets": targets, "plots": plots}, f, indent=1)
    print("\n".join(md))
    print(f"\nresults: {d}/series.{{md,csv,json}}")


if __name__ == "__main__":
    main()

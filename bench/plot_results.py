"""Plots of a `make bench` run: throughput and latency against the number of cameras (matplotlib, Debian's
python3-matplotlib). Prints the file names it wrote, one per line.

  /usr/bin/python3 bench/plot_results.py bench/results/DATE.json bench/results DATE
"""
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)


def main():
    source, out_dir, date = sys.argv[1:4]
    with open(source) as f:
        report = json.load(f)
    rows = report["Pipeline"]["Rows"]
    cams = [r["Cameras"] for r in rows]
    written = []

    fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=100)
    med = [r["PublishedFps"]["Median"] for r in rows]
    err = [[m - r["PublishedFps"]["Min"] for m, r in zip(med, rows)], [r["PublishedFps"]["Max"] - m for m, r in zip(med, rows)]]
    ax.errorbar(cams, med, yerr=err, marker="o", capsize=3, label="published (median, min–max)")
    eng = [r["EngineFps"]["Median"] for r in rows]
    eng_err = [[m - r["EngineFps"]["Min"] for m, r in zip(eng, rows)], [r["EngineFps"]["Max"] - m for m, r in zip(eng, rows)]]
    ax.errorbar(cams, eng, yerr=eng_err, marker="s", linestyle="--", capsize=3, label="raw engine alone at the same batch")
    ax.plot(cams, [r["OfferedFps"] for r in rows], color="grey", linestyle=":", label=f"offered by the cameras ({report['Pipeline']['CameraFps']:g} fps each)")
    ax.set_xscale("log", base=2)
    ax.set_xticks(cams, [str(c) for c in cams])
    ax.set_ylim(0, max(max(r["PublishedFps"]["Max"] for r in rows), max(r["EngineFps"]["Max"] for r in rows)) * 1.3)
    ax.set_xlabel("cameras")
    ax.set_ylabel("frames per second")
    ax.set_title(f"Pipeline throughput ({date})")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    name = f"{date}-throughput.png"
    fig.savefig(os.path.join(out_dir, name))
    written.append(name)

    fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=100)
    ax.plot(cams, [r["LatencyP50Ms"] for r in rows], marker="o", label="p50")
    ax.plot(cams, [r["LatencyP99Ms"] for r in rows], marker="s", label="p99")
    ax.set_xscale("log", base=2)
    ax.set_xticks(cams, [str(c) for c in cams])
    ax.set_ylim(bottom=0)
    ax.set_xlabel("cameras")
    ax.set_ylabel("capture to publish (ms)")
    ax.set_title(f"Pipeline latency ({date})")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    name = f"{date}-latency.png"
    fig.savefig(os.path.join(out_dir, name))
    written.append(name)

    for name in written:
        print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())

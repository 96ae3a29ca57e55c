#!/usr/bin/python3
"""The forward pass on a machine whose cores are shared: `yolor bench`
with T threads on an idle machine and with one busy process pinned to core
0 (as an encoder or another job would be), interleaved round after round.

Prints the median of each, and their ratio: with two threads on two cores
and one core half taken, the share of CPU alone explains 1.33x (4/3); more
than that is time lost waiting for the thread that lost its core. Several
--yolor binaries (e.g. two builds) are measured in the same rounds, and
each is also compared with the first one's idle time. --scaling also
times one thread, idle, and prints the speedup from 1 to T threads.

Usage: busy-core.py [MODEL.cfg] [--size 320x320] [--threads 2]
       [--rounds 7] [--runs 30] [--scaling] [--yolor build/tools/yolor ...]

SPDX-License-Identifier: LGPL-2.1-or-later
"""

import argparse
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.environ.get("YOLOR_SHARED_DIR", os.path.join(ROOT, "..", "shared"))


def bench(a, yolor, threads):
    res = subprocess.run([yolor, "bench", a.model, "--size", a.size,
                          "--threads", str(threads), "--runs", str(a.runs)],
                         capture_output=True, text=True)
    m = re.search(r"median ([0-9.]+) ms/frame", res.stdout)
    if not m:
        sys.exit("%s bench failed: %s" % (yolor, res.stderr))
    return float(m.group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model", nargs="?", default=os.path.join(
        SHARED, "models", "yolo-fastest-1.1-xl", "yolo-fastest-1.1-xl.cfg"))
    ap.add_argument("--size", default="320x320")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--scaling", action="store_true")
    ap.add_argument("--yolor", action="append")
    a = ap.parse_args()
    builds = a.yolor or [os.path.join(ROOT, "build", "tools", "yolor")]
    kinds = ["idle", "busy"] + (["one"] if a.scaling else [])
    t = {(b, k): [] for b in builds for k in kinds}
    for r in range(a.rounds):
        for kind in kinds:
            hog = None
            if kind == "busy":
                hog = subprocess.Popen([sys.executable, "-c",
                                        "import os\nos.sched_setaffinity(0, {0})"
                                        "\nwhile True: pass"])
            try:
                for b in builds:
                    t[(b, kind)].append(bench(
                        a, b, 1 if kind == "one" else a.threads))
            finally:
                if hog:
                    hog.kill()
                    hog.wait()
        print("round %d: %s" % (r + 1, "; ".join(
            "%s %s ms" % (b, " / ".join("%.2f" % t[(b, k)][-1] for k in kinds))
            for b in builds)), flush=True)
    print("\n%s at %s, %d threads, %d cores, medians of %d rounds x %d runs"
          % (os.path.basename(a.model), a.size, a.threads, os.cpu_count(),
             a.rounds, a.runs))
    first = statistics.median(t[(builds[0], "idle")])
    for b in builds:
        idle = statistics.median(t[(b, "idle")])
        busy = statistics.median(t[(b, "busy")])
        line = ("%s: idle %.2f ms, core 0 busy %.2f ms: %.2fx; vs the first "
                "build's idle: idle %.2fx, busy %.2fx" % (
                    b, idle, busy, busy / idle, idle / first, busy / first))
        if a.scaling:
            one = statistics.median(t[(b, "one")])
            line += "; 1 thread %.2f ms, speedup %.2fx" % (one, one / idle)
        print(line)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""yolor bench against ONNX Runtime (CPU) on the same graph, weights, input
size and thread count.

The cfg's folded graph (folded.py) is written as a cfg and as ONNX
(export-onnx.py) with the same generated weights; `yolor bench` runs the
folded cfg with those weights, and ONNX Runtime (npm onnxruntime-node,
benchmarks/ort/) the ONNX file, with all its graph optimisations, the CPU
provider, intra-op threads = --threads. First both run one random input and
the heads are compared (the largest difference relative to the head's
largest value, which must stay below 1e-3, or the script stops: the two
would not be the same graph). Then rounds alternate: a round of ORT runs
(one untimed first), a `yolor bench` round of as many runs (one warm-up),
each round's median kept; the script prints each side's median over the
rounds and the ratio.

Usage: compare-ort.py MODEL.cfg [--size WxH] [--threads N] [--rounds R]
       [--frames F] [--yolor build/tools/yolor] [--keep DIR]
Needs Debian's python3-onnx, python3-numpy and nodejs/npm; run
`npm install` in benchmarks/ort once (ONNXRUNTIME_NODE_INSTALL=skip stops
its install script from fetching the CUDA libraries it does not need).

SPDX-License-Identifier: LGPL-2.1-or-later
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import folded  # noqa: E402


class Ort:
    """One ort-bench.js process: the session is made once."""

    def __init__(self, model, threads):
        script = os.path.join(HERE, "ort", "ort-bench.js")
        if not os.path.isdir(os.path.join(HERE, "ort", "node_modules",
                                          "onnxruntime-node")):
            sys.exit("onnxruntime-node is not installed: cd benchmarks/ort "
                     "&& ONNXRUNTIME_NODE_INSTALL=skip npm install")
        self.p = subprocess.Popen(["node", script, model, str(threads)],
                                  stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        self.version = self.answer("ready")[0]

    def answer(self, word):
        line = self.p.stdout.readline().split()
        if not line or line[0] != word:
            sys.exit("ort-bench.js: expected '%s', got %r" % (word, line))
        return line[1:]

    def ask(self, line, word):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        return self.answer(word)

    def close(self):
        self.p.stdin.write("quit\n")
        self.p.stdin.close()
        self.p.wait()


def check(a, cfg, weights, flavor, ort, w, h, tmp):
    """Both sides on one random input: the heads must agree."""
    import numpy as np
    inp = os.path.join(tmp, "input.bin")
    np.random.default_rng(3).random((1, 3, h, w), dtype=np.float32) \
        .tofile(inp)
    ours, theirs = os.path.join(tmp, "yolor"), os.path.join(tmp, "ort")
    os.makedirs(ours, exist_ok=True)
    os.makedirs(theirs, exist_ok=True)
    res = subprocess.run([a.yolor, "run", cfg, "--weights", weights,
                          "--flavor", flavor, "--input", inp, "--size",
                          "%dx%d" % (w, h), "--dump", ours,
                          "--threads", str(a.threads)],
                         capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit("yolor run failed: " + res.stderr)
    names = ort.ask("dump %s %s" % (inp, theirs), "dumped")
    worst = 0.0
    for name in names:
        x = np.fromfile(os.path.join(ours, name + ".bin"), "<f4")
        y = np.fromfile(os.path.join(theirs, name + ".bin"), "<f4")
        if x.shape != y.shape:
            sys.exit("%s: %d values from yolor, %d from ORT"
                     % (name, x.size, y.size))
        rel = float(np.abs(x - y).max() / max(np.abs(x).max(), 1e-30))
        worst = max(worst, rel)
        print("check %s: %d values, largest difference %.2g of the largest "
              "value" % (name, x.size, rel))
    if worst > 1e-3:
        sys.exit("the ONNX graph does not compute what the engine computes")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--size", default=None)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--frames", type=int, default=0,
                    help="runs per round (default: about 0.5 s of work)")
    ap.add_argument("--yolor", default=os.path.join(ROOT, "build", "tools",
                                                    "yolor"))
    ap.add_argument("--keep", default=None,
                    help="write the folded cfg, weights and ONNX here")
    a = ap.parse_args()

    w, h = folded.net_size(a.model)
    if a.size:
        w, h = (int(v) for v in (a.size.split("x") + [a.size])[:2])
    tmp = a.keep or tempfile.mkdtemp(prefix="yolor-ort-")
    os.makedirs(tmp, exist_ok=True)
    cfg = os.path.join(tmp, "model.cfg")
    weights = os.path.join(tmp, "model.weights")
    onnx_path = os.path.join(tmp, "model.onnx")
    with open(cfg, "w") as f:
        f.write(folded.folded_cfg(a.model, w, h))
    folded.synthetic_weights(cfg, weights)
    flavor = "yolor" if folded.is_yolor(a.model) else "darknet"
    res = subprocess.run([sys.executable, os.path.join(HERE, "export-onnx.py"),
                          a.model, onnx_path, "--size", "%dx%d" % (w, h),
                          "--weights", weights, "--flavor", flavor],
                         capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(res.stderr.strip())
    ort = Ort(onnx_path, a.threads)
    check(a, cfg, weights, flavor, ort, w, h, tmp)

    t0 = time.perf_counter()
    ort.ask("run 1", "times")
    first = time.perf_counter() - t0
    frames = a.frames or max(2, min(100, int(0.5 / max(first / 2, 1e-4))))
    ort_ms, yolor_ms = [], []
    for r in range(a.rounds):
        times = [float(t) for t in ort.ask("run %d" % frames, "times")]
        ort_ms.append(statistics.median(times))
        time.sleep(0.5)             # let ORT's idle workers go to sleep
        res = subprocess.run([a.yolor, "bench", cfg, "--weights", weights,
                              "--flavor", flavor, "--size", "%dx%d" % (w, h),
                              "--threads", str(a.threads), "--runs",
                              str(frames), "--warmup", "1"],
                             capture_output=True, text=True)
        if res.returncode != 0:
            sys.exit("yolor bench failed: " + res.stderr)
        mm = re.search(r"median ([0-9.]+) ms/frame", res.stdout)
        yolor_ms.append(float(mm.group(1)))
        time.sleep(0.5)
        print("round %d: onnxruntime %.1f ms, yolor %.1f ms"
              % (r + 1, ort_ms[-1], yolor_ms[-1]))
    ort.close()
    if not a.keep:
        shutil.rmtree(tmp)
    o_med, y_med = statistics.median(ort_ms), statistics.median(yolor_ms)
    print("model %s at %dx%d, %d threads, %d rounds of %d frames"
          % (os.path.basename(a.model), w, h, a.threads, a.rounds, frames))
    print("onnxruntime %s (CPU): median %.1f ms/frame" % (ort.version, o_med))
    print("yolor: median %.1f ms/frame" % y_med)
    print("ratio (onnxruntime / yolor): %.2fx" % (o_med / y_med))


if __name__ == "__main__":
    main()

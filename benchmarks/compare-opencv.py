#!/usr/bin/python3
"""yolor bench against OpenCV DNN on the same model, size and thread count.

Runs are interleaved (a round of OpenCV forwards, then a `yolor bench` round
of as many frames, repeat) so that both see the same machine state; each
round takes the median of its frames after a warm-up frame; the script
prints each side's median over the rounds and the ratio. Small models get
more frames per round (about half a second of work), so that single-frame
noise does not decide the result.

YOLOR cfgs are compared on their folded graph: the implicit layers and the
shift/control layers that combine them disappear into the head convs at load,
which leaves exactly the yolov4 graph; OpenCV gets that graph with `silu`
written as `swish`. Weights are synthetic (same for both sides' shapes; the
values do not change the speed), so any cfg can be measured.

Usage: compare-opencv.py MODEL.cfg [--size WxH] [--threads N] [--rounds R]
       [--yolor build/tools/yolor]
Needs Debian's python3-opencv and python3-numpy.

SPDX-License-Identifier: LGPL-2.1-or-later
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import folded  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--size", default=None)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--frames", type=int, default=0,
                    help="frames per round (default: about 0.5 s of work)")
    ap.add_argument("--yolor", default=os.path.join(ROOT, "build", "tools",
                                                    "yolor"))
    a = ap.parse_args()

    import cv2
    import numpy as np
    cv2.setNumThreads(a.threads)

    w, h = folded.net_size(a.model)
    if a.size:
        w, h = (int(v) for v in (a.size.split("x") + [a.size])[:2])

    tmp = tempfile.mkdtemp(prefix="yolor-bench-")
    cfg = os.path.join(tmp, "model.cfg")
    weights = os.path.join(tmp, "model.weights")
    with open(cfg, "w") as f:
        f.write(folded.folded_cfg(a.model, w, h, swish=True))
    folded.synthetic_weights(cfg, weights)
    net = cv2.dnn.readNetFromDarknet(cfg, weights)
    net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
    net.setPreferableTarget(cv2.dnn.DNN_TARGET_CPU)
    blob = np.random.default_rng(2).random((1, 3, h, w), dtype=np.float32)
    outs = net.getUnconnectedOutLayersNames()
    net.setInput(blob)
    t0 = time.perf_counter()
    net.forward(outs)                                       # warm-up
    first = time.perf_counter() - t0
    frames = a.frames or max(2, min(100, int(0.5 / max(first, 1e-4))))

    cv_ms, yolor_ms = [], []
    for r in range(a.rounds):
        round_ms = []
        net.setInput(blob)
        net.forward(outs)                                   # warm-up
        for _ in range(frames):
            net.setInput(blob)
            t0 = time.perf_counter()
            net.forward(outs)
            round_ms.append((time.perf_counter() - t0) * 1e3)
        cv_ms.append(statistics.median(round_ms))
        time.sleep(0.5)             # let OpenCV's idle workers go to sleep
        res = subprocess.run([a.yolor, "bench", a.model, "--size",
                              "%dx%d" % (w, h), "--threads", str(a.threads),
                              "--runs", str(frames), "--warmup", "1"],
                             capture_output=True, text=True)
        if res.returncode != 0:
            sys.exit("yolor bench failed: " + res.stderr)
        mm = re.search(r"median ([0-9.]+) ms/frame", res.stdout)
        yolor_ms.append(float(mm.group(1)))
        time.sleep(0.5)
        print("round %d: opencv %.1f ms, yolor %.1f ms" % (r + 1, cv_ms[-1],
                                                           yolor_ms[-1]))
    cv_med, y_med = statistics.median(cv_ms), statistics.median(yolor_ms)
    print("model %s at %dx%d, %d threads, %d rounds of %d frames" %
          (os.path.basename(a.model), w, h, a.threads, a.rounds, frames))
    print("opencv dnn %s: median %.1f ms/frame" % (cv2.__version__, cv_med))
    print("yolor: median %.1f ms/frame" % y_med)
    print("ratio (opencv / yolor): %.2fx" % (cv_med / y_med))


if __name__ == "__main__":
    main()

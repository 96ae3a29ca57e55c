#!/usr/bin/python3
"""fp32 against bf16: speed in one run, and what bf16 changes in the output.

speed MODEL.cfg [--size WxH] [--threads N] [--rounds R] [--runs F]
    Alternating `yolor bench --precision fp32` and `--precision bf16` rounds
    (F frames each, one warm-up), each round's median kept; prints both
    medians over the rounds and their ratio, the median of each round pair's
    ratio (steadier when the machine's speed drifts), then the slowest layers of the
    last `--layers` round of each (ms and GFLOP/s side by side) and the time
    by kind.

accuracy
    What bf16 changes, on the shared data:
    - raw heads of the narrowed YOLOR models against the official code's
      (reference/), next to fp32's difference to the same files;
    - raw heads of the full-size yolor_csp and yolov4_csp (generated
      weights, a real image) in bf16 against fp32;
    - mAP on eval/coco-val-ccby for the darknet models, fp32 and bf16;
    - the detections on the five test images.

Differences of a head: the largest |difference| over the largest |value|,
and the NMSE (sum of squared differences over the sum of squares).

SPDX-License-Identifier: LGPL-2.1-or-later
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.environ.get("YOLOR_SHARED_DIR", os.path.join(ROOT, "..",
                                                         "shared"))
PRECISIONS = ("fp32", "bf16")


def run(args, env=None):
    r = subprocess.run(args, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        sys.exit("%s: exit %d\n%s" % (" ".join(args), r.returncode,
                                      r.stderr))
    return r.stdout


def bench(yolor, cfg, size, threads, runs, precision, layers=False):
    args = [yolor, "bench", cfg, "--threads", str(threads), "--runs",
            str(runs), "--precision", precision]
    if size:
        args += ["--size", size]
    if layers:
        args.append("--layers")
    out = run(args)
    if "precision: %s" % precision not in out:
        sys.exit("yolor bench did not run in %s (no avx512_bf16 here?)\n%s"
                 % (precision, out))
    return float(re.search(r"^median ([\d.]+) ms/frame", out, re.M)
                 .group(1)), out


def layer_rows(out):
    rows = {}
    for m in re.finditer(r"^ *(\d+) +convolutional +(\w+) +([\d.]+) +([\d.]+)$",
                         out, re.M):
        rows[int(m.group(1))] = (m.group(2), float(m.group(3)),
                                 float(m.group(4)))
    return rows


def kinds(out):
    part = out.split("by kind", 1)[1] if "by kind" in out else ""
    res = {}
    for m in re.finditer(r"^(\S.*?) {2,}(\d+) +([\d.]+) +([\d.]+)% +(\S+)$",
                         part, re.M):
        res[m.group(1)] = (int(m.group(2)), float(m.group(3)), m.group(5))
    return res


def speed(a):
    med = {p: [] for p in PRECISIONS}
    for r in range(a.rounds):
        for p in PRECISIONS:
            ms, _ = bench(a.yolor, a.model, a.size, a.threads, a.runs, p)
            med[p].append(ms)
            print("round %d %s: %.2f ms" % (r + 1, p, ms), flush=True)
    f, b = (statistics.median(med[p]) for p in PRECISIONS)
    print("\n%s %s, %d threads, %d rounds x %d frames" % (
        os.path.basename(a.model), a.size or "(model size)", a.threads,
        a.rounds, a.runs))
    pairs = statistics.median(x / y for x, y in zip(med["fp32"],
                                                     med["bf16"]))
    print("fp32 %.2f ms  bf16 %.2f ms  fp32/bf16 %.2fx (median of the "
          "rounds' ratios %.2fx)" % (f, b, f / b, pairs))
    outs = {p: bench(a.yolor, a.model, a.size, a.threads, a.runs, p,
                     layers=True)[1] for p in PRECISIONS}
    rows = {p: layer_rows(outs[p]) for p in PRECISIONS}
    slow = sorted(rows["fp32"], key=lambda i: -rows["fp32"][i][1])[:a.top]
    print("\nslowest convolutions (fp32 order)")
    print("layer  kernel      fp32 ms  GFLOP/s   bf16 ms  GFLOP/s  ratio")
    for i in slow:
        k, fm, fg = rows["fp32"][i]
        _, bm, bg = rows["bf16"].get(i, (k, float("nan"), float("nan")))
        print("%5d  %-10s %8.3f %8.1f  %8.3f %8.1f  %5.2fx"
              % (i, k, fm, fg, bm, bg, fm / bm if bm else float("nan")))
    kf, kb = kinds(outs["fp32"]), kinds(outs["bf16"])
    print("\nby kind           layers   fp32 ms  GFLOP/s   bf16 ms  GFLOP/s")
    for name, (n, ms, g) in sorted(kf.items(), key=lambda kv: -kv[1][1]):
        bn = kb.get(name, (n, float("nan"), "-"))
        print("%-18s %5d %9.2f %8s %9.2f %8s" % (name, n, ms, g, bn[1],
                                                 bn[2]))


def head_diff(got, ref):
    import numpy as np
    g = np.fromfile(got, np.float32).astype(np.float64)
    r = np.fromfile(ref, np.float32).astype(np.float64)
    return (np.abs(g - r).max() / np.abs(r).max(),
            ((g - r) ** 2).sum() / (r ** 2).sum())


def dump_heads(yolor, cfg, inp, size, precision, tmp, synthetic=False):
    d = tempfile.mkdtemp(dir=tmp)
    args = [yolor, "run", cfg, "--input", inp, "--size", size, "--dump", d,
            "--precision", precision, "--threads", "2"]
    if synthetic:
        args.append("--synthetic")
    run(args)
    return d


def accuracy(a):
    ref_dir = os.path.join(SHARED, "reference")
    with tempfile.TemporaryDirectory() as tmp:
        print("raw heads against the official code (generated weights)")
        for folder in ("yolor_csp_narrow_320", "yolor_p6_narrow_384"):
            d = os.path.join(ref_dir, folder)
            ref = json.load(open(os.path.join(d, "ref.json")))
            for inp in ref["inputs"]:
                h, w = inp["input_hw"]
                dumps = {p: dump_heads(a.yolor, os.path.join(d, "model.cfg"),
                                       os.path.join(d, inp["tag"]
                                                    + "_input.bin"),
                                       "%dx%d" % (w, h), p, tmp)
                         for p in PRECISIONS}
                for k, head in enumerate(inp["heads"]):
                    cells = []
                    for p in PRECISIONS:
                        mx, nm = head_diff(os.path.join(dumps[p],
                                                        "head%d.bin" % k),
                                           os.path.join(d, head["file"]))
                        cells.append("%s max %.2e nmse %.2e" % (p, mx, nm))
                    print("  %s %s head%d: %s" % (folder, inp["tag"], k,
                                                  " | ".join(cells)))
        print("\nfull-size models, bf16 against fp32 (generated weights, "
              "horses at 320x320)")
        inp = os.path.join(ref_dir, "yolor_csp_narrow_320",
                           "horses_square_input.bin")
        for m in ("yolor_csp", "yolov4_csp"):
            cfg = os.path.join(SHARED, "models", "yolor-cfg", m + ".cfg")
            dumps = {p: dump_heads(a.yolor, cfg, inp, "320x320", p, tmp,
                                   synthetic=True) for p in PRECISIONS}
            for k in range(3):
                mx, nm = head_diff(os.path.join(dumps["bf16"],
                                                "head%d.bin" % k),
                                   os.path.join(dumps["fp32"],
                                                "head%d.bin" % k))
                print("  %s head%d: max %.2e nmse %.2e" % (m, k, mx, nm))
    ev = os.path.join(SHARED, "eval", "coco-val-ccby")
    print("\nmAP on %s (darknet models, real weights)" % ev)
    darknet = ("yolo-fastest-1.1", "yolo-fastest-1.1-xl",
               "mobilenetv2-yolov3-nano-coco")
    for m in darknet:
        cfg = os.path.join(SHARED, "models", m, m + ".cfg")
        res = {}
        for p in PRECISIONS:
            out = run([a.yolor, "eval", cfg, "--images",
                       os.path.join(ev, "images"), "--labels",
                       os.path.join(ev, "labels"), "--threads", "2",
                       "--precision", p])
            res[p] = [float(re.search(pat, out, re.M).group(1)) * 100
                      for pat in (r"^mAP@0\.5 = ([\d.]+)$",
                                  r"^mAP@0\.5:0\.95 = ([\d.]+)$")]
        f, b = res["fp32"], res["bf16"]
        print("  %-30s mAP@0.5 fp32 %.2f bf16 %.2f (%+.2f)   "
              "mAP@0.5:0.95 fp32 %.2f bf16 %.2f (%+.2f)"
              % (m, f[0], b[0], b[0] - f[0], f[1], b[1], b[1] - f[1]))
    print("\ndetections at 0.25, Yolo-Fastest-1.1-xl")
    xl = os.path.join(SHARED, "models", darknet[1], darknet[1] + ".cfg")
    imgs = [os.path.join(SHARED, "images", n + ".jpg")
            for n in ("dog", "horses", "person", "giraffe", "eagle")]
    det = {p: [json.loads(line) for line in
               run([a.yolor, "detect", xl, *imgs, "--threshold", "0.25",
                    "--precision", p]).strip().splitlines()]
           for p in PRECISIONS}
    for f, b in zip(det["fp32"], det["bf16"]):
        print("  %s" % os.path.basename(f["file"]))
        for p, o in (("fp32", f), ("bf16", b)):
            print("    %s: %s" % (p, ", ".join(
                "%s %.3f" % (d["label"], d["confidence"])
                for d in o["detections"])))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("speed")
    s.add_argument("model")
    s.add_argument("--size", default="")
    s.add_argument("--threads", type=int, default=2)
    s.add_argument("--rounds", type=int, default=5)
    s.add_argument("--runs", type=int, default=3)
    s.add_argument("--top", type=int, default=10)
    sub.add_parser("accuracy")
    for p in (s, sub.choices["accuracy"]):
        p.add_argument("--yolor", default=os.path.join(ROOT, "build",
                                                       "tools", "yolor"))
    a = ap.parse_args()
    speed(a) if a.cmd == "speed" else accuracy(a)


if __name__ == "__main__":
    main()

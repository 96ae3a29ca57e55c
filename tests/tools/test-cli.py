#!/usr/bin/python3
# Smoke tests of the yolor command-line tool: info (exact parameter counts
# and GFLOPs of the full-size cfgs), run (raw heads vs the official code),
# eval, detect, bench, and the exit codes.
#
# Usage: test-cli.py PATH/TO/yolor
#
# Copyright (C) 2026 the gst-yolor authors
# SPDX-License-Identifier: LGPL-2.1-or-later

import array
import json
import os
import re
import resource
import struct
import subprocess
import sys
import tempfile
import zlib

YOLOR = sys.argv[1] if len(sys.argv) > 1 else "yolor"
SHARED = os.environ.get("YOLOR_SHARED_DIR", "../shared")
MODELS = os.path.join(SHARED, "models")
CFGS = os.path.join(MODELS, "yolor-cfg")
REF = os.path.join(SHARED, "reference")
XL = os.path.join(MODELS, "yolo-fastest-1.1-xl", "yolo-fastest-1.1-xl.cfg")
FASTEST = os.path.join(MODELS, "yolo-fastest-1.1", "yolo-fastest-1.1.cfg")

# name: (size or None for the model default, layers, params, GMACs, GFLOPs)
# Counted with torch on the official builders (yolor-spec.md section 12).
FULL_SIZE = {
    "yolor_csp": (None, "640x640", 188, 52923994, 60.12, 120.24),
    "yolor_csp_x": (None, "640x640", 216, 99754058, 110.94, 221.89),
    "yolor_p6": (None, "1280x1280", 235, 37265016, 162.56, 325.12),
    "yolor_w6": (None, "1280x1280", 235, 79873400, 226.32, 452.65),
    "yolov4_csp": ("640x640", "640x640", 176, 52921437, 60.12, None),
    "yolov4_csp_x": ("640x640", "640x640", 204, 99751053, 110.94, None),
    "yolov4_p6": ("1280x1280", "1280x1280", 305, 127585200, 358.51, None),
    "yolov4_p7": ("1536x1536", "1536x1536", 366, 287566300, 818.35, None),
}

failures = []


def check(cond, what):
    print("%s: %s" % ("ok" if cond else "FAIL", what), flush=True)
    if not cond:
        failures.append(what)
    return cond


def yolor(*args, timeout=900):
    r = subprocess.run([YOLOR] + list(args), capture_output=True, text=True,
                       timeout=timeout)
    return r.returncode, r.stdout, r.stderr


def field(pattern, text):
    m = re.search(pattern, text, re.M)
    return m.group(1) if m else None


def test_info():
    for name, (size, shown, layers, params, gmacs, gflops) in FULL_SIZE.items():
        cfg = os.path.join(CFGS, name + ".cfg")
        args = ["info", cfg] + (["--size", size] if size else [])
        rc, out, err = yolor(*args)
        if not check(rc == 0, "info %s: exit 0 (got %d; %s)"
                     % (name, rc, err.strip())):
            continue
        check("synthetic" in out, "info %s: says the weights are synthetic"
              % name)
        got = field(r"^total params:\s*(\d+)", out)
        check(got is not None and int(got) == params,
              "info %s: params %s, expected %d" % (name, got, params))
        got = field(r"layers:\s*(\d+)", out)
        check(got is not None and int(got) == layers,
              "info %s: layers %s, expected %d" % (name, got, layers))
        got = field(r"^total GMACs:\s*([\d.]+)", out)
        check(got is not None and abs(float(got) - gmacs) <= 0.006,
              "info %s: GMACs %s, expected %.2f" % (name, got, gmacs))
        if gflops is not None:
            got = field(r"^total GFLOPs:\s*([\d.]+)", out)
            check(got is not None and abs(float(got) - gflops) <= 0.015,
                  "info %s: GFLOPs %s, expected %.2f" % (name, got, gflops))
        got = field(r"^total GFLOPs:.* at (\d+x\d+)", out)
        check(got == shown, "info %s: input %s, expected %s"
              % (name, got, shown))
        n_rows = len(re.findall(r"^\s*\d+\s+\S", out, re.M))
        check(n_rows == layers, "info %s: %d layer rows, expected %d"
              % (name, n_rows, layers))


def implicit_values(cfg, weights):
    """{layer index: [floats]} of the implicit layers of @cfg, from the
    trailer of @weights (their floats in cfg order, at the file's end)."""
    layers, kind = [], None
    for line in open(cfg):
        line = line.strip()
        if line.startswith("["):
            kind = line.strip("[]")
            if kind != "net":
                layers.append([kind, {}])
        elif "=" in line and not line.startswith("#") and kind != "net":
            k, v = line.split("=", 1)
            layers[-1][1][k.strip()] = v.strip()
    sizes = [(i, int(d["filters"]) * int(d.get("atoms", 1)))
             for i, (k, d) in enumerate(layers) if k.startswith("implicit_")]
    data = read_f32(weights)
    at = len(data) - sum(n for _, n in sizes)
    out = {}
    for i, n in sizes:
        out[i] = list(data[at:at + n])
        at += n
    return out


def test_implicit():
    import xml.etree.ElementTree as ET
    folder = os.path.join(REF, "yolor_csp_narrow_320")
    cfg = os.path.join(folder, "model.cfg")
    want = implicit_values(cfg, os.path.join(folder, "model.weights"))
    with tempfile.TemporaryDirectory() as tmp:
        svg = os.path.join(tmp, "implicit.svg")
        rc, out, err = yolor("info", cfg, "--implicit", "--implicit-plot", svg)
        check(rc == 0 and "wrote " + svg in err,
              "info --implicit --implicit-plot: exit 0, says where the SVG "
              "went (%d, %s)" % (rc, err.strip()))
        rows = re.findall(
            r"^\s*(\d+)\s+(\w+)\s+(\d+)\s+(\w+)\s+(adds|multiplies)\s+"
            r"(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\d+): (\S+?),", out, re.M)
        check(len(rows) == 6, "info --implicit: one row per consumer of the "
              "narrowed yolor_csp (3 shift, 3 control), got %d" % len(rows))
        for (layer, consumer, src, kind, op, n, lo, mean, hi, far,
             far_v) in rows:
            v = want.get(int(src))
            if not check(v is not None and len(v) == int(n),
                         "info --implicit: layer %s reads implicit layer %s "
                         "with %s channels" % (layer, src, n)):
                continue
            ident = 1.0 if op == "multiplies" else 0.0
            check(op == ("adds" if consumer == "shift_channels"
                         else "multiplies"),
                  "info --implicit: %s %s" % (consumer, op))
            got = (float(lo), float(mean), float(hi))
            exp = (min(v), sum(v) / len(v), max(v))
            check(all(abs(a - b) <= 6e-5 for a, b in zip(got, exp)),
                  "info --implicit: layer %s min/mean/max %s are the "
                  "weights' %s" % (layer, got, exp))
            best = max(range(len(v)), key=lambda c: abs(v[c] - ident))
            check(int(far) == best and abs(float(far_v) - v[best]) <= 6e-5,
                  "info --implicit: layer %s farthest channel %s, the "
                  "weights say %d" % (layer, far, best))
        try:
            root = ET.parse(svg).getroot()
        except (OSError, ET.ParseError) as e:
            check(False, "the SVG parses as XML (%s)" % e)
            return
        ns = "{http://www.w3.org/2000/svg}"
        groups = [g for g in root.iter(ns + "g")
                  if g.get("class") == "consumer"]
        check(len(groups) == 6, "the SVG has a chart per consumer (%d)"
              % len(groups))
        for g in groups:
            v = want.get(int(g.get("data-from")), [])
            bars = [r for r in g.iter(ns + "rect") if r.get("class") == "bar"]
            vals = [float(r.find(ns + "title").text.split(": ")[1])
                    for r in bars]
            check(len(vals) == len(v) and all(
                abs(a - b) <= 1e-5 * max(1.0, abs(b))
                for a, b in zip(vals, v)),
                "SVG layer %s: a bar per channel holding its value"
                % g.get("data-layer"))
            hs = [float(r.get("height")) for r in bars]
            ident = 1.0 if "control" in "".join(g.itertext()) else 0.0
            big = max(range(len(v)), key=lambda c: abs(v[c] - ident))
            check(hs and hs.index(max(hs)) == big,
                  "SVG layer %s: the tallest bar is the channel farthest "
                  "from the identity" % g.get("data-layer"))
        rc, out, err = yolor("info", cfg, "--implicit-plot",
                             os.path.join(tmp, "no", "such", "x.svg"))
        check(rc == 1 and "cannot write" in err,
              "--implicit-plot into a missing folder: exit 1 (%d, %s)"
              % (rc, err.strip()))
    src = os.environ.get("YOLOR_SOURCE_DIR", ".")
    zc = os.path.join(src, "tests", "data", "implicit-zc.cfg")
    rc, out, err = yolor("info", zc, "--implicit")
    check(rc == 0 and len(re.findall(r"conv \(Z\^T c\)", out)) == 3,
          "info --implicit on Z^T c: the consumers read convs computed at "
          "load (%s)" % out.strip())
    rc, out, err = yolor("info", zc, "--implicit", "--no-fold")
    check(rc == 0 and out.count("computed every frame") == 3,
          "info --implicit --no-fold: says a conv of an implicit layer is not "
          "constant then")
    rc, out, err = yolor("detect", XL, "--implicit")
    check(rc == 2 and "does not apply" in err,
          "detect --implicit: a usage error (%d)" % rc)


def read_f32(path):
    a = array.array("f")
    with open(path, "rb") as f:
        a.frombytes(f.read())
    if sys.byteorder != "little":
        a.byteswap()
    return a


def test_run():
    cases = [
        ("yolor_csp_narrow_320", "horses_square"),
        ("yolor_csp_narrow_320", "horses_rect"),
        ("yolor_p6_narrow_384", "horses_square"),
        ("yolor_unit_64", "horses_square"),
    ]
    for folder, tag in cases:
        d = os.path.join(REF, folder)
        with open(os.path.join(d, "ref.json")) as f:
            ref = json.load(f)
        inp = [i for i in ref["inputs"] if i["tag"] == tag][0]
        h, w = inp["input_hw"]
        limits = inp["f32_vs_f64"]["heads_raw_max_abs"]
        for fold in (True, False):
            label = "run %s/%s%s" % (folder, tag, "" if fold else " --no-fold")
            with tempfile.TemporaryDirectory() as tmp:
                args = ["run", os.path.join(d, "model.cfg"),
                        "--input", os.path.join(d, tag + "_input.bin"),
                        "--size", "%dx%d" % (w, h), "--dump", tmp]
                if not fold:
                    args.append("--no-fold")
                rc, out, err = yolor(*args)
                if not check(rc == 0, "%s: exit 0 (got %d; %s)"
                             % (label, rc, err.strip())):
                    continue
                for k, head in enumerate(inp["heads"]):
                    dump = os.path.join(tmp, "head%d.bin" % k)
                    if not check(os.path.exists(dump), "%s: head%d.bin "
                                 "written" % (label, k)):
                        continue
                    got = read_f32(dump)
                    want = read_f32(os.path.join(d, head["file"]))
                    if not check(len(got) == len(want), "%s: head%d has %d "
                                 "floats, expected %d"
                                 % (label, k, len(got), len(want))):
                        continue
                    worst, at = 0.0, 0
                    for i, (a, b) in enumerate(zip(got, want)):
                        dlt = abs(a - b)
                        if not dlt <= worst:     # also catches NaN
                            worst, at = dlt if dlt == dlt else float("inf"), i
                    tol = 8.0 * limits[k]
                    gh, gw = head["grid_hw"]
                    c, rest = divmod(at, gh * gw)
                    check(worst <= tol, "%s: head%d max|d| %.3g <= %.3g "
                          "(worst at c=%d y=%d x=%d: %.6g vs %.6g)"
                          % (label, k, worst, tol, c, rest // gw, rest % gw,
                             got[at], want[at]))
        if len(failures) > 20:
            return


def test_eval():
    ev = os.path.join(SHARED, "eval", "coco-val-ccby")
    rc, out, err = yolor("eval", XL, "--images", os.path.join(ev, "images"),
                         "--labels", os.path.join(ev, "labels"))
    print(out)
    if not check(rc == 0, "eval: exit 0 (got %d; %s)" % (rc, err.strip())):
        return
    m50 = field(r"^mAP@0\.5 = (\d\.\d{4})$", out)
    m5095 = field(r"^mAP@0\.5:0\.95 = (\d\.\d{4})$", out)
    check(m50 is not None and 0.0 <= float(m50) <= 1.0,
          "eval: prints 'mAP@0.5 = x.xxxx' (%s)" % m50)
    check(m5095 is not None and 0.0 <= float(m5095) <= 1.0,
          "eval: prints 'mAP@0.5:0.95 = x.xxxx' (%s)" % m5095)
    check(m50 is not None and m5095 is not None and float(m50) > 0.05
          and float(m5095) <= float(m50),
          "eval: plausible values (mAP@0.5 %s > 0.05, >= mAP@0.5:0.95 %s)"
          % (m50, m5095))
    check("ground-truth boxes: 173" in out, "eval: reads all 173 boxes")
    # the dataset root (images/ and labels/ inside), and images/ alone
    # with its sibling labels/: the same numbers, with the default model
    for args in ([ev], [os.path.join(ev, "images")]):
        rc2, out2, err2 = yolor("eval", "--images", *args)
        check(rc2 == 0 and field(r"^mAP@0\.5 = (\S+)$", out2) == m50
              and field(r"^mAP@0\.5:0\.95 = (\S+)$", out2) == m5095,
              "eval --images %s without --labels or a model: the same mAP "
              "(rc %d; %s)" % (args[0], rc2, err2.strip()))


def test_detect_and_bench():
    img = os.path.join(SHARED, "images", "dog.jpg")
    rc, out, err = yolor("detect", XL, img, "--threshold", "0.25")
    if check(rc == 0, "detect: exit 0 (got %d; %s)" % (rc, err.strip())):
        try:
            obj = json.loads(out.strip().splitlines()[0])
            ok = (obj["file"] == img and obj["width"] == 768
                  and obj["height"] == 576 and isinstance(obj["detections"],
                                                          list))
            for d in obj["detections"]:
                ok = ok and {"class_id", "label", "confidence", "box",
                             "relative_coordinates"} <= set(d)
            check(ok, "detect: JSON object with file, size and detections")
        except (ValueError, IndexError, KeyError) as e:
            check(False, "detect: output is JSON (%s)" % e)

    rc, out, err = yolor("bench", FASTEST, "--threads", "2", "--runs", "3",
                         "--layers")
    check(rc == 0 and re.search(r"^median [\d.]+ ms/frame, [\d.]+ GFLOP/s$",
                                out, re.M) is not None,
          "bench: exit 0 and a 'median ... ms/frame, ... GFLOP/s' line "
          "(rc %d; %s)" % (rc, err.strip()))
    check_by_kind(out)
    rc, out, err = yolor("bench", os.path.join(CFGS, "yolor_csp.cfg"),
                         "--size", "128x128", "--runs", "1", "--warmup", "0",
                         "--layers")
    check(rc == 0 and "synthetic" in out,
          "bench without weights: synthetic, said in the output (rc %d; %s)"
          % (rc, err.strip()))
    check(re.search(r"^winograd 3x3 s1 +36 ", out, re.M)
          and re.search(r"^im2col 3x3 s2 +7 ", out, re.M),
          "bench --layers: yolor_csp's 36 Winograd and 7 stride-2 convs")


def iou(a, b):
    ix = max(0.0, min(a["x2"], b["x2"]) - max(a["x1"], b["x1"]))
    iy = max(0.0, min(a["y2"], b["y2"]) - max(a["y1"], b["y1"]))
    inter = ix * iy
    area = ((a["x2"] - a["x1"]) * (a["y2"] - a["y1"])
            + (b["x2"] - b["x1"]) * (b["y2"] - b["y1"]) - inter)
    return inter / area if area > 0 else 0.0


def test_precision():
    """--precision: bf16 where the CPU has it, else fp32 with a warning;
    on the five test images bf16 finds the same objects as fp32."""
    rc, out, err = yolor("bench", FASTEST, "--runs", "1", "--warmup", "0",
                         "--precision", "bf16")
    kernels = field(r"kernels: (\w+)", out)
    flags = open("/proc/cpuinfo").read()
    has_bf16 = kernels == "avx512" and " avx512_bf16" in flags
    got = field(r"precision: (\w+)", out)
    check(rc == 0 and got == ("bf16" if has_bf16 else "fp32")
          and (has_bf16 or "needs a CPU with avx512_bf16" in err),
          "bench --precision bf16: runs in %s here (got %s, rc %d; %s)"
          % ("bf16" if has_bf16 else "fp32 with a warning", got, rc,
             err.strip()))
    env = dict(os.environ, YOLOR_KERNELS="avx2")
    r = subprocess.run([YOLOR, "bench", FASTEST, "--runs", "1", "--warmup",
                        "0", "--precision", "bf16"], capture_output=True,
                       text=True, env=env, timeout=300)
    check(r.returncode == 0 and "precision: fp32" in r.stdout
          and "precision bf16 needs a CPU with avx512_bf16" in r.stderr,
          "bench --precision bf16 with the AVX2 kernels: fp32, and says why "
          "(rc %d; %s)" % (r.returncode, r.stderr.strip()))
    rc, out, err = yolor("bench", FASTEST, "--precision", "fp16")
    check(rc == 2 and "bad --precision 'fp16' (fp32 or bf16)" in err,
          "--precision fp16: usage error (rc %d; %s)" % (rc, err.strip()))
    if not has_bf16:
        print("no BF16 on this CPU: detections in bf16 not compared")
        return
    names = ["dog", "horses", "person", "giraffe", "eagle"]
    imgs = [os.path.join(SHARED, "images", n + ".jpg") for n in names]
    runs = {}
    for p in ("fp32", "bf16"):
        rc, out, err = yolor("detect", XL, *imgs, "--threshold", "0.25",
                             "--precision", p)
        if not check(rc == 0, "detect --precision %s: exit 0 (%s)"
                     % (p, err.strip())):
            return
        runs[p] = [json.loads(line)["detections"]
                   for line in out.strip().splitlines()]
    for name, a, b in zip(names, runs["fp32"], runs["bf16"]):
        # every confident fp32 box has a bf16 box of its class on it, and
        # back; scores near the threshold may cross it either way
        def matched(xs, ys):
            return all(any(y["class_id"] == x["class_id"]
                           and iou(x["box"], y["box"]) > 0.9
                           and abs(x["confidence"] - y["confidence"]) < 0.05
                           for y in ys)
                       for x in xs if x["confidence"] >= 0.35)
        check(len(a) > 0 and matched(a, b) and matched(b, a),
              "detect %s: bf16 finds fp32's objects (fp32 %s, bf16 %s)"
              % (name, [(d["label"], round(d["confidence"], 3)) for d in a],
                 [(d["label"], round(d["confidence"], 3)) for d in b]))


def check_by_kind(out):
    """bench --layers: the per-layer rows name each conv's kernel, and the
    by-kind table adds them up."""
    layers = re.findall(r"^\s*\d+\s+(\S+)\s+(winograd|gemm|im2col|depthwise)?"
                        r"\s+([\d.]+)\s", out, re.M)
    convs = [k for t, k, _ in layers if t == "convolutional"]
    check(convs and all(convs),
          "bench --layers: every convolution names its kernel (%r)"
          % convs[:5])
    total = re.search(r"^sum of layer medians: ([\d.]+) ms$", out, re.M)
    kinds = re.findall(r"^(\S+(?: \d+x\d+ s\d+)?)\s+(\d+)\s+([\d.]+)\s+"
                       r"[\d.]+%", out, re.M)
    names = [k for k, _, _ in kinds]
    check("depthwise 3x3 s1" in names and "gemm 1x1 s1" in names,
          "bench --layers: by kind, Yolo-Fastest's depthwise and 1x1 convs "
          "(%r)" % names)
    counted = sum(int(n) for _, n, _ in kinds)
    check(total and sum(1 for _, _, ms in layers if float(ms) > 0)
          <= counted <= len(layers)
          and abs(sum(float(ms) for _, _, ms in kinds)
                  - float(total.group(1))) < 0.01,
          "bench --layers: the kinds hold every timed layer once and add "
          "up to the sum of the layers")


def test_batch():
    """bench --batch B: B frames as one forward pass, timed per batch and
    per frame; a batch outside 1..32 is a usage error."""
    rc, out, err = yolor("bench", FASTEST, "--runs", "2", "--warmup", "0",
                         "--threads", "1", "--batch", "3")
    per_batch = field(r"median ([0-9.]+) ms/batch", out)
    per_frame = field(r"([0-9.]+) ms/frame", out)
    check(rc == 0 and "batch: 3 frames per forward pass" in out
          and per_batch is not None and per_frame is not None
          and abs(float(per_batch) / 3 - float(per_frame)) < 0.02,
          "bench --batch 3: per batch and per frame (rc %d; %s%s)"
          % (rc, out.strip()[-200:], err.strip()))
    for bad in ("0", "33", "x"):
        rc, out, err = yolor("bench", FASTEST, "--batch", bad)
        check(rc == 2 and ("bad --batch '%s' (1 to 32)" % bad) in err,
              "--batch %s: usage error (rc %d; %s)" % (bad, rc, err.strip()))


def test_default_model():
    img = os.path.join(SHARED, "images", "dog.jpg")
    rc, out, err = yolor("detect", XL, img)
    rc2, out2, err2 = yolor("detect", img)
    check(rc2 == 0 and "(the default)" in err2 and XL in err2,
          "detect without a model: the default, %s, named on stderr "
          "(rc %d; %s)" % (XL, rc2, err2.strip()))
    check(rc == 0 and out2 == out and '"label": "dog"' in out2,
          "detect without a model: the same detections as with it")
    rc, out, err = yolor("info", "--quiet")
    check(rc == 0 and "model: " + XL in out and "(the default)" not in err,
          "info without a model: the default (rc %d; %s)" % (rc, err.strip()))
    # $YOLOR_MODEL_DIR comes first
    with tempfile.TemporaryDirectory() as tmp:
        for ext in (".cfg", ".weights"):
            os.symlink(XL[:-4] + ext,
                       os.path.join(tmp, "yolo-fastest-1.1-xl" + ext))
        env = dict(os.environ, YOLOR_MODEL_DIR=tmp)
        r = subprocess.run([YOLOR, "detect", img], capture_output=True,
                           text=True, env=env, timeout=300)
        want = os.path.join(tmp, "yolo-fastest-1.1-xl.cfg")
        check(r.returncode == 0 and want in r.stderr and r.stdout == out2,
              "detect without a model: found in $YOLOR_MODEL_DIR first "
              "(rc %d; %s)" % (r.returncode, r.stderr.strip()))


def test_exit_codes():
    img = os.path.join(SHARED, "images", "dog.jpg")
    usage = [
        [],
        ["frobnicate", XL],
        ["detect"],
        ["detect", XL],
        ["detect", XL, img, "--threshold", "2"],
        ["detect", XL, img, "--bogus"],
        ["detect", XL, img, "--letterbox", "diagonal"],
        ["info", XL, "--size", "640x"],
        ["info", XL, "--size", "8193"],
        ["detect", XL, img, "--letterbox", "Rect"],
        ["run", XL, "--size", "320x320"],
        ["eval", XL, "--images", "/tmp"],
        ["bench", XL, "--runs", "0"],
    ]
    for args in usage:
        rc, out, err = yolor(*args)
        check(rc == 2 and err.strip() != "", "usage error exits 2: yolor %s "
              "(got %d)" % (" ".join(args[:1] + args[2:]), rc))
    rc, out, err = yolor("--help")
    check(rc == 0 and "detect" in out, "yolor --help exits 0")

    missing = "/nonexistent/missing-model.cfg"
    for cmd in (["detect", missing, img], ["info", missing],
                ["run", missing, "--input", "x", "--size", "8x8", "--dump",
                 "/tmp"]):
        rc, out, err = yolor(*cmd)
        check(rc == 1 and missing in err, "missing model: yolor %s exits 1 "
              "naming the file (got %d: %s)" % (cmd[0], rc, err.strip()))
    with tempfile.TemporaryDirectory() as tmp:
        cfg = os.path.join(tmp, "copy.cfg")
        with open(XL) as src, open(cfg, "w") as dst:
            dst.write(src.read())
        rc, out, err = yolor("detect", cfg, img)
        check(rc == 1 and "copy.weights" in err, "missing weights: exit 1 "
              "naming copy.weights (got %d: %s)" % (rc, err.strip()))
        bad = os.path.join(tmp, "bad.jpg")
        with open(bad, "wb") as f:
            f.write(b"\xff\xd8\xff not really a jpeg")
        rc, out, err = yolor("detect", XL, bad)
        check(rc == 1 and "bad.jpg" in err, "undecodable image: exit 1 "
              "naming it (got %d: %s)" % (rc, err.strip()))


def png_claiming(width, height):
    """A valid PNG header claiming width x height, with a tiny IDAT."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0,
                                         0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


def jpeg_claiming(width, height):
    """A JPEG whose frame header (after 360 KB of APP1 segments) claims
    width x height."""
    data = b"\xff\xd8"
    for _ in range(6):
        data += b"\xff\xe1" + struct.pack(">H", 60002) + b"\0" * 60000
    data += (b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3)
             + b"\x01\x22\x00\x02\x11\x01\x03\x11\x01\xff\xd9")
    return data


def test_huge_images():
    # Small files that claim a huge picture: refused from their header or
    # from the decoder's caps, before the pixels get memory. The address
    # space limit makes a 2.3 GB allocation fail the test rather than the
    # machine.
    def limited():
        resource.setrlimit(resource.RLIMIT_AS, (1536 << 20, 1536 << 20))

    with tempfile.TemporaryDirectory() as tmp:
        cases = [
            ("huge.png", png_claiming(20000, 20000), "20000x20000"),
            ("wide.png", png_claiming(16385, 16), "16385x16"),
            ("many.png", png_claiming(9000, 9000), "9000x9000"),
            ("huge.jpg", jpeg_claiming(30000, 20000), "30000x20000"),
            # no header read for PNM: the caps probe stops it
            ("huge.ppm", b"P6\n20000 20000\n255\n" + b"\0" * 64,
             "20000x20000"),
        ]
        for name, data, size in cases:
            path = os.path.join(tmp, name)
            with open(path, "wb") as f:
                f.write(data)
            r = subprocess.run([YOLOR, "detect", XL, path],
                               capture_output=True, text=True, timeout=120,
                               preexec_fn=limited)
            want = ("image '%s' is %s pixels: more than this tool decodes "
                    "(at most 16384 per side and 67108864 pixels)"
                    % (path, size))
            check(r.returncode == 1 and want in r.stderr,
                  "image claiming %s (%s): exit 1 saying so (got %d: %s)"
                  % (size, name, r.returncode, r.stderr.strip()))
        # within the bounds, a small real picture still decodes
        path = os.path.join(tmp, "ok.png")
        with open(path, "wb") as f:
            f.write(png_claiming(8, 8))
        r = subprocess.run([YOLOR, "detect", XL, path], capture_output=True,
                           text=True, timeout=120, preexec_fn=limited)
        check("pixels: more than" not in r.stderr,
              "an 8x8 PNG is not refused for its size (%s)"
              % r.stderr.strip())


def main():
    if not os.path.isdir(SHARED):
        print("SKIP: no shared data at %s" % SHARED)
        return 77
    test_exit_codes()
    test_default_model()
    test_huge_images()
    test_detect_and_bench()
    test_precision()
    test_batch()
    test_run()
    test_info()
    test_implicit()
    test_eval()
    if failures:
        print("\n%d check(s) failed:" % len(failures))
        for f in failures:
            print("  " + f)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
# Round trip of tools/yolor-convert: the reference .weights of the narrowed
# yolor_csp -> a PyTorch checkpoint laid out like the official one ->
# yolor-convert -> must be byte-identical. Plus the error cases.
#
# Copyright (C) 2026 the gst-yolor authors
# SPDX-License-Identifier: LGPL-2.1-or-later

import collections
import os
import struct
import subprocess
import sys
import tempfile

try:
    import torch
except ImportError:
    print("SKIP: PyTorch is not installed (apt install python3-torch)")
    sys.exit(77)

SHARED = os.environ.get("YOLOR_SHARED_DIR", "../shared")
SOURCE = os.environ.get("YOLOR_SOURCE_DIR", ".")
CONVERT = os.path.join(SOURCE, "tools", "yolor-convert")
REF = os.path.join(SHARED, "reference", "yolor_csp_narrow_320")
CFG = os.path.join(REF, "model.cfg")
WEIGHTS = os.path.join(REF, "model.weights")

failures = []


def check(cond, what):
    print("%s: %s" % ("ok" if cond else "FAIL", what))
    if not cond:
        failures.append(what)


def read_cfg(path):
    blocks = []
    with open(path) as f:
        for raw in f:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("["):
                blocks.append((line[1:-1], {}))
            else:
                k, v = line.split("=", 1)
                blocks[-1][1][k.strip()] = v.strip()
    return blocks[1:]


def layout(blocks):
    """The convs (index, cin, cout, k, bn) and implicit layers (index, C) of
    the narrowed cfgs (the layer types they use)."""
    out, convs, impl = [], [], []
    for i, (kind, kv) in enumerate(blocks):
        prev = out[-1] if out else 3
        if kind == "convolutional":
            c = int(kv["filters"])
            convs.append((i, prev, c, int(kv.get("size", 1)),
                          kv.get("batch_normalize", "0") == "1"))
        elif kind == "route":
            idx = [int(x) for x in kv["layers"].split(",")]
            c = sum(out[j if j >= 0 else i + j] for j in idx)
        elif kind in ("implicit_add", "implicit_mul"):
            c = int(kv["filters"])
            impl.append((i, c))
        else:
            c = prev
        out.append(c)
    return convs, impl


def build_state_dict():
    data = open(WEIGHTS, "rb").read()
    convs, impl = layout(read_cfg(CFG))
    pos = 20
    sd = collections.OrderedDict()

    def floats(n):
        nonlocal pos
        t = torch.tensor(struct.unpack_from("<%df" % n, data, pos),
                         dtype=torch.float32)
        pos += 4 * n
        return t

    for (i, cin, cout, k, bn) in convs:
        p = "module_list.%d." % i
        if bn:
            beta, gamma = floats(cout), floats(cout)
            mean, var = floats(cout), floats(cout)
        else:
            bias = floats(cout)
        sd[p + "Conv2d.weight"] = floats(cout * cin * k * k).reshape(
            cout, cin, k, k)
        if bn:
            sd[p + "BatchNorm2d.weight"] = gamma
            sd[p + "BatchNorm2d.bias"] = beta
            sd[p + "BatchNorm2d.running_mean"] = mean
            sd[p + "BatchNorm2d.running_var"] = var
            sd[p + "BatchNorm2d.num_batches_tracked"] = torch.tensor(0)
        else:
            sd[p + "Conv2d.bias"] = bias
    for (i, c) in impl:
        sd["module_list.%d.implicit" % i] = floats(c).reshape(1, c, 1, 1)
    check(pos == len(data), "the test's own reading of model.weights uses "
          "every byte (%d of %d)" % (pos, len(data)))
    return sd, convs, impl


def as_module(sd, n_layers):
    """The same parameters as a whole nn.Module built from torch classes."""
    root = torch.nn.Module()
    layers = []
    for i in range(n_layers):
        p = "module_list.%d." % i
        if p + "Conv2d.weight" in sd:
            w = sd[p + "Conv2d.weight"]
            mods = collections.OrderedDict()
            conv = torch.nn.Conv2d(w.shape[1], w.shape[0], w.shape[2],
                                   bias=(p + "Conv2d.bias") in sd)
            mods["Conv2d"] = conv
            if p + "BatchNorm2d.weight" in sd:
                mods["BatchNorm2d"] = torch.nn.BatchNorm2d(w.shape[0])
            layers.append(torch.nn.Sequential(mods))
        elif p + "implicit" in sd:
            layers.append(torch.nn.ParameterDict(
                {"implicit": torch.nn.Parameter(sd[p + "implicit"].clone())}))
        else:
            layers.append(torch.nn.Identity())
    root.module_list = torch.nn.ModuleList(layers)
    root.load_state_dict(sd)
    return root


def run_convert(ckpt, out):
    r = subprocess.run([sys.executable, CONVERT, CFG, ckpt, out],
                       capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


def main():
    ref = open(WEIGHTS, "rb").read()
    sd, convs, impl = build_state_dict()
    n_layers = len(read_cfg(CFG))
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.weights")

        ckpt = os.path.join(tmp, "sd.pt")
        torch.save({"epoch": -1, "model": sd}, ckpt)
        rc, msg = run_convert(ckpt, out)
        check(rc == 0, "convert a state_dict checkpoint (rc %d) %s"
              % (rc, msg.strip()))
        check(rc == 0 and open(out, "rb").read() == ref,
              "output is byte-identical to model.weights")

        ckpt = os.path.join(tmp, "module.pt")
        torch.save({"epoch": -1, "model": as_module(sd, n_layers)}, ckpt)
        os.path.exists(out) and os.unlink(out)
        rc, msg = run_convert(ckpt, out)
        check(rc == 0, "convert a whole-module checkpoint (rc %d) %s"
              % (rc, msg.strip()))
        check(rc == 0 and open(out, "rb").read() == ref,
              "whole-module output is byte-identical to model.weights")

        # other storages: float64 and non-contiguous views hold the same
        # float32 values, so the same bytes; BF16 the values BF16 rounds to
        ckpt = os.path.join(tmp, "double.pt")
        torch.save({"model": collections.OrderedDict(
            (k, v.double() if v.is_floating_point() else v)
            for k, v in sd.items())}, ckpt)
        rc, msg = run_convert(ckpt, out)
        check(rc == 0 and open(out, "rb").read() == ref,
              "a float64 checkpoint converts to the same bytes (%s)"
              % msg.strip())
        ckpt = os.path.join(tmp, "strided.pt")
        torch.save({"model": collections.OrderedDict(
            (k, v.t().contiguous().t() if v.dim() == 2 else
             v.transpose(0, 1).contiguous().transpose(0, 1) if v.dim() == 4
             else v) for k, v in sd.items())}, ckpt)
        rc, msg = run_convert(ckpt, out)
        check(rc == 0 and open(out, "rb").read() == ref,
              "non-contiguous tensors convert to the same bytes (%s)"
              % msg.strip())
        rounded = os.path.join(tmp, "rounded.weights")
        ckpt = os.path.join(tmp, "bf16-as-fp32.pt")
        torch.save({"model": collections.OrderedDict(
            (k, v.bfloat16().float() if v.is_floating_point() else v)
            for k, v in sd.items())}, ckpt)
        rc1, _ = run_convert(ckpt, rounded)
        ckpt = os.path.join(tmp, "bf16.pt")
        torch.save({"model": collections.OrderedDict(
            (k, v.bfloat16() if v.is_floating_point() else v)
            for k, v in sd.items())}, ckpt)
        rc, msg = run_convert(ckpt, out)
        check(rc == 0 and rc1 == 0
              and open(out, "rb").read() == open(rounded, "rb").read()
              and open(out, "rb").read() != ref,
              "a BF16 checkpoint converts to its values in float32 (%s)"
              % msg.strip())

        bad = collections.OrderedDict(sd)
        key = "module_list.%d.BatchNorm2d.running_var" % convs[3][0]
        del bad[key]
        ckpt = os.path.join(tmp, "missing.pt")
        torch.save({"model": bad}, ckpt)
        rc, msg = run_convert(ckpt, os.path.join(tmp, "missing.weights"))
        check(rc == 1 and key in msg, "missing key: exit 1 naming '%s' "
              "(rc %d: %s)" % (key, rc, msg.strip()))
        check(not os.path.exists(os.path.join(tmp, "missing.weights")),
              "no output file after an error")

        bad = collections.OrderedDict(sd)
        key = "module_list.%d.Conv2d.weight" % convs[5][0]
        bad[key] = bad[key].transpose(0, 1).contiguous()
        ckpt = os.path.join(tmp, "shape.pt")
        torch.save({"model": bad}, ckpt)
        rc, msg = run_convert(ckpt, os.path.join(tmp, "shape.weights"))
        check(rc == 1 and key in msg and "shape" in msg,
              "wrong shape: exit 1 naming the key (rc %d: %s)"
              % (rc, msg.strip()))

        bad = collections.OrderedDict(sd)
        key = "module_list.%d.implicit" % impl[0][0]
        bad[key] = torch.zeros(1, impl[0][1] + 1, 1, 1)
        ckpt = os.path.join(tmp, "implicit.pt")
        torch.save({"model": bad}, ckpt)
        rc, msg = run_convert(ckpt, os.path.join(tmp, "implicit.weights"))
        check(rc == 1 and key in msg, "wrong implicit size: exit 1 (rc %d: %s)"
              % (rc, msg.strip()))

        bad = collections.OrderedDict(sd)
        bad["module_list.7.w"] = torch.zeros(2)
        ckpt = os.path.join(tmp, "extra.pt")
        torch.save({"model": bad}, ckpt)
        rc, msg = run_convert(ckpt, os.path.join(tmp, "extra.weights"))
        check(rc == 1 and "module_list.7.w" in msg,
              "unused parameter: exit 1 (rc %d: %s)" % (rc, msg.strip()))

        rc, msg = run_convert(os.path.join(tmp, "nope.pt"), out)
        check(rc == 1 and "nope.pt" in msg, "missing checkpoint: exit 1 "
              "(rc %d: %s)" % (rc, msg.strip()))

        bad_cfg = os.path.join(tmp, "bad.cfg")
        with open(bad_cfg, "w") as f:
            f.write("[net]\nwidth=64\n[convolutional]\nfilters=8\nsize 3\n")
        r = subprocess.run([sys.executable, CONVERT, bad_cfg,
                            os.path.join(tmp, "sd.pt"), out],
                           capture_output=True, text=True)
        check(r.returncode == 1 and "bad.cfg:5" in r.stderr,
              "malformed cfg: exit 1 naming file:line (%s)" % r.stderr.strip())

        r = subprocess.run([sys.executable, CONVERT], capture_output=True,
                           text=True)
        check(r.returncode == 2, "no arguments: exit 2 (rc %d)" % r.returncode)

    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

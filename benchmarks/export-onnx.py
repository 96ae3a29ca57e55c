#!/usr/bin/python3
"""Writes the folded graph of a cfg as an ONNX model, for ONNX Runtime.

The graph is the one the engine runs after load (see folded.py): batch norm
folded into each convolution's weights and bias, implicit layers folded
away. Weights come from a darknet .weights file of the folded cfg (by
default the generated ones of folded.py, the same numbers OpenCV gets). The
input is "images" [1][3][H][W]; the outputs "head0", "head1", ... are the
tensors entering each [yolo] layer, the ones `yolor run --dump` writes, so
the two can be compared number for number.

Each darknet layer becomes the ONNX nodes an exporter of the PyTorch model
writes (opset 17): Conv, LeakyRelu 0.1, Relu, x * Sigmoid(x) for silu,
x * Tanh(Softplus(x)) for mish (Mish is opset 18), Concat and Slice for
routes, Add for shortcuts, MaxPool with darknet's padding, Resize (nearest)
for upsample, and YOLOR's stem reorg as four strided Slices and a Concat.

Usage: export-onnx.py MODEL.cfg OUT.onnx [--size WxH] [--weights FILE]
       [--cfg-out FILE] [--flavor auto|yolor|darknet]
  --weights FILE   darknet weights of the folded cfg (default: generated)
  --cfg-out FILE   also write the folded cfg there (for `yolor run/bench`)
  --flavor F       whose batch-norm epsilon to fold with (YOLOR 1e-4,
                   darknet 1e-5); auto: YOLOR for cfgs with silu, implicit
                   layers or the reorg stem (give `yolor` the same)
Needs Debian's python3-onnx and python3-numpy.

SPDX-License-Identifier: LGPL-2.1-or-later
"""

import argparse
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import folded  # noqa: E402


class ExportError(Exception):
    pass


def act_nodes(b, x, act, name):
    """Appends the nodes of a darknet activation on x; returns the output."""
    h = b.helper
    if act in ("linear", None):
        return x
    y = name + "_act"
    if act == "leaky":
        b.nodes.append(h.make_node("LeakyRelu", [x], [y], alpha=0.1))
    elif act == "relu":
        b.nodes.append(h.make_node("Relu", [x], [y]))
    elif act == "logistic":
        b.nodes.append(h.make_node("Sigmoid", [x], [y]))
    elif act in ("silu", "swish"):
        b.nodes.append(h.make_node("Sigmoid", [x], [name + "_sig"]))
        b.nodes.append(h.make_node("Mul", [x, name + "_sig"], [y]))
    elif act == "mish":
        b.nodes.append(h.make_node("Softplus", [x], [name + "_sp"]))
        b.nodes.append(h.make_node("Tanh", [name + "_sp"], [name + "_th"]))
        b.nodes.append(h.make_node("Mul", [x, name + "_th"], [y]))
    else:
        raise ExportError("%s: activation '%s' is not exported" % (name, act))
    return y


class Builder:
    def __init__(self, onnx, np):
        self.onnx, self.np = onnx, np
        self.helper = onnx.helper
        self.nodes, self.inits = [], []

    def const(self, name, array):
        self.inits.append(self.onnx.numpy_helper.from_array(array, name))
        return name

    def ints(self, name, values):
        return self.const(name, self.np.array(values, dtype=self.np.int64))


def export(cfg_path, weights_path, out_path, width, height, eps):
    """Writes out_path from the folded cfg cfg_path and its weights; eps is
    the batch-norm epsilon of the model's flavour."""
    import numpy as np
    import onnx
    import onnx.numpy_helper
    from onnx import TensorProto

    sections = folded.read_sections(cfg_path)
    layers = sections[1:]
    raw = np.fromfile(weights_path, dtype="<u1")
    major, minor = np.frombuffer(raw[:8], "<i4")
    pos = 20 if major * 10 + minor >= 2 else 16
    weights = np.frombuffer(raw[pos:(len(raw) - pos) // 4 * 4 + pos], "<f4")
    wpos = 0

    def take(n, what):
        nonlocal wpos
        if wpos + n > len(weights):
            raise ExportError("%s: the weights end at %s" % (weights_path,
                                                             what))
        wpos += n
        return weights[wpos - n:wpos]

    b = Builder(onnx, np)
    names, chans, hw = [], [], []
    c, h, w = 3, height, width
    x = "images"
    heads = []
    for i, (kind, kvl) in enumerate(layers):
        kv = dict(kvl)
        name = "l%d_%s" % (i, kind)

        def ref(r, i=i):
            r = int(r)
            j = i + r if r < 0 else r
            if j < 0 or j >= i:
                raise ExportError("%s: layer %d refers to layer %d"
                                  % (cfg_path, i, j))
            return j

        if kind == "convolutional":
            f = int(kv["filters"])
            k = int(kv.get("size", 1))
            s = int(kv.get("stride", 1))
            g = int(kv.get("groups", 1))
            p = k // 2 if int(kv.get("pad", 0)) else int(kv.get("padding", 0))
            bn = int(kv.get("batch_normalize", 0))
            if bn:
                beta = take(f, name).astype(np.float64)
                gamma = take(f, name).astype(np.float64)
                mean = take(f, name).astype(np.float64)
                var = take(f, name).astype(np.float64)
                scale = gamma / np.sqrt(var + eps)
                bias = beta - mean * scale
            else:
                scale = np.ones(f)
                bias = take(f, name).astype(np.float64)
            wt = take(f * (c // g) * k * k, name).astype(np.float64)
            wt = (wt.reshape(f, c // g, k, k) * scale[:, None, None, None])
            b.const(name + "_w", wt.astype(np.float32))
            b.const(name + "_b", bias.astype(np.float32))
            b.nodes.append(onnx.helper.make_node(
                "Conv", [x, name + "_w", name + "_b"], [name + "_conv"],
                kernel_shape=[k, k], strides=[s, s], pads=[p, p, p, p],
                group=g))
            y = act_nodes(b, name + "_conv", kv.get("activation", "logistic"),
                          name)
            c, h, w = f, (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
        elif kind in ("route", "route_lhalf"):
            srcs = [ref(r) for r in kv["layers"].split(",")]
            groups = int(kv.get("groups", 1))
            gid = int(kv.get("group_id", 0))
            if kind == "route_lhalf":
                groups, gid = 2, 0
            if len(srcs) == 1:
                y = names[srcs[0]]
            else:
                y = name + "_cat"
                b.nodes.append(onnx.helper.make_node(
                    "Concat", [names[j] for j in srcs], [y], axis=1))
            c = sum(chans[j] for j in srcs)
            h, w = hw[srcs[0]]
            if groups > 1:
                part = c // groups
                b.nodes.append(onnx.helper.make_node(
                    "Slice", [y, b.ints(name + "_s", [gid * part]),
                              b.ints(name + "_e", [(gid + 1) * part]),
                              b.ints(name + "_a", [1])], [name + "_part"]))
                y, c = name + "_part", part
        elif kind == "shortcut":
            src = ref(kv["from"])
            if "weights_type" in kv:
                raise ExportError("%s: layer %d: weighted shortcuts are not "
                                  "exported" % (cfg_path, i))
            b.nodes.append(onnx.helper.make_node(
                "Add", [x, names[src]], [name + "_add"]))
            y = act_nodes(b, name + "_add", kv.get("activation", "linear"),
                          name)
        elif kind == "maxpool":
            k = int(kv.get("size", 1))
            s = int(kv.get("stride", 1))
            pad = int(kv.get("padding", k - 1))
            oh, ow = (h + pad - k) // s + 1, (w + pad - k) // s + 1
            lo = pad // 2
            hi_h = max(0, (oh - 1) * s + k - h - lo)
            hi_w = max(0, (ow - 1) * s + k - w - lo)
            y = name + "_pool"
            b.nodes.append(onnx.helper.make_node(
                "MaxPool", [x], [y], kernel_shape=[k, k], strides=[s, s],
                pads=[lo, lo, hi_h, hi_w]))
            h, w = oh, ow
        elif kind == "upsample":
            s = int(kv.get("stride", 2))
            y = name + "_up"
            b.nodes.append(onnx.helper.make_node(
                "Resize", [x, "", b.const(name + "_sc", np.array(
                    [1, 1, s, s], dtype=np.float32))], [y], mode="nearest",
                coordinate_transformation_mode="asymmetric",
                nearest_mode="floor"))
            h, w = h * s, w * s
        elif kind == "reorg" and not kv:
            # YOLOR's ReOrg: (even rows, even cols), (odd, even), (even, odd),
            # (odd, odd), concatenated on channels
            parts = []
            for j, (r0, c0) in enumerate(((0, 0), (1, 0), (0, 1), (1, 1))):
                part = "%s_%d" % (name, j)
                b.nodes.append(onnx.helper.make_node(
                    "Slice", [x, b.ints(part + "_s", [r0, c0]),
                              b.ints(part + "_e", [h, w]),
                              b.ints(part + "_a", [2, 3]),
                              b.ints(part + "_st", [2, 2])], [part]))
                parts.append(part)
            y = name + "_cat"
            b.nodes.append(onnx.helper.make_node("Concat", parts, [y], axis=1))
            c, h, w = 4 * c, h // 2, w // 2
        elif kind == "dropout":
            y = x
        elif kind == "yolo":
            heads.append((x, c, h, w))
            y = x
        else:
            raise ExportError("%s: layer %d: [%s] is not exported"
                              % (cfg_path, i, kind))
        names.append(y)
        chans.append(c)
        hw.append((h, w))
        x = y
    if wpos != len(weights):
        raise ExportError("%s: %d weights left over" % (weights_path,
                                                        len(weights) - wpos))
    outputs = []
    for j, (t, hc, hh, hw_) in enumerate(heads):
        b.nodes.append(onnx.helper.make_node("Identity", [t], ["head%d" % j]))
        outputs.append(onnx.helper.make_tensor_value_info(
            "head%d" % j, TensorProto.FLOAT, [1, hc, hh, hw_]))
    graph = onnx.helper.make_graph(
        b.nodes, os.path.basename(cfg_path),
        [onnx.helper.make_tensor_value_info("images", TensorProto.FLOAT,
                                            [1, 3, height, width])],
        outputs, b.inits)
    model = onnx.helper.make_model(
        graph, producer_name="gst-yolor export-onnx.py",
        opset_imports=[onnx.helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    onnx.save(model, out_path)
    return len(heads)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("out")
    ap.add_argument("--size", default=None)
    ap.add_argument("--weights", default=None)
    ap.add_argument("--cfg-out", default=None)
    ap.add_argument("--flavor", choices=("auto", "yolor", "darknet"),
                    default="auto")
    a = ap.parse_args()
    w, h = folded.net_size(a.model)
    if a.size:
        w, h = (int(v) for v in (a.size.split("x") + [a.size])[:2])
    tmp = tempfile.mkdtemp(prefix="yolor-onnx-")
    cfg = a.cfg_out or os.path.join(tmp, "model.cfg")
    with open(cfg, "w") as f:
        f.write(folded.folded_cfg(a.model, w, h))
    weights = a.weights
    if not weights:
        weights = os.path.join(tmp, "model.weights")
        folded.synthetic_weights(cfg, weights)
    try:
        yolor = (a.flavor == "yolor"
                 or (a.flavor == "auto" and folded.is_yolor(a.model)))
        n = export(cfg, weights, a.out, w, h, 1e-4 if yolor else 1e-5)
    except (ExportError, KeyError, ValueError) as e:
        sys.exit("export-onnx: %s" % e)
    finally:
        shutil.rmtree(tmp)
    print("%s: %dx%d, %d heads" % (a.out, w, h, n))


if __name__ == "__main__":
    main()

"""The graph a peer runs: a cfg with its implicit layers folded away, and
generated weights for it.

At load the engine folds the implicit layers and the shift/control layers
that combine them into the head convolutions, which leaves exactly the
yolov4 graph. `folded_cfg` writes that graph as a cfg (with the input size
set), `synthetic_weights` a darknet .weights file for it: identity batch
norm, zero biases, normal weights scaled by 1/sqrt(fan-in), from a fixed
seed. The values do not change the speed, so any cfg can be measured, and
every side gets the same numbers.

Used by compare-opencv.py and export-onnx.py.

SPDX-License-Identifier: LGPL-2.1-or-later
"""

import importlib.machinery
import importlib.util
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

DROP = {"implicit_add", "implicit_mul", "implicit_cat", "shift_channels",
        "control_channels"}


def load_convert():
    """tools/yolor-convert as a module (its cfg walker knows every layer's
    channel count)."""
    path = os.path.join(ROOT, "tools", "yolor-convert")
    loader = importlib.machinery.SourceFileLoader("yolor_convert", path)
    spec = importlib.util.spec_from_loader("yolor_convert", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def read_sections(path):
    """[[kind, [[key, value], ...]], ...], [net] first; comments dropped."""
    sections = []
    for line in open(path):
        s = line.strip()
        if not s or s[0] in "#;":
            continue
        if s.startswith("["):
            sections.append([s[1:-1].strip(), []])
        else:
            k, v = s.split("=", 1)
            sections[-1][1].append([k.strip(), v.strip()])
    return sections


def net_size(path):
    """(width, height) of the cfg's [net], 416x416 when it has none."""
    net = dict(read_sections(path)[0][1])
    return int(net.get("width", 416)), int(net.get("height", 416))


def is_yolor(path):
    """The engine's flavour rule as far as the batch-norm epsilon needs it
    (YOLOR 1e-4, darknet 1e-5): silu, implicit layers or the reorg stem."""
    for i, (kind, kv) in enumerate(read_sections(path)):
        if kind in DROP or (i == 1 and kind == "reorg" and not kv):
            return True
        if dict(kv).get("activation") == "silu":
            return True
    return False


def folded_cfg(path, width, height, swish=False):
    """The cfg text of the folded graph at width x height; with swish,
    silu is spelled the way OpenCV reads it."""
    sections = read_sections(path)
    net, layers = sections[0], sections[1:]
    keep, new_index, removed_input = [], {}, {}
    for i, (kind, kv) in enumerate(layers):
        if kind in DROP:
            removed_input[i] = i - 1
            continue
        new_index[i] = len(keep)
        keep.append((i, kind, kv))

    def resolve(j):
        while j in removed_input:
            j = removed_input[j]
        return new_index[j]

    out = ["[net]"]
    for k, v in net[1]:
        if k == "width":
            v = str(width)
        elif k == "height":
            v = str(height)
        out.append("%s=%s" % (k, v))
    for ni, (oi, kind, kv) in enumerate(keep):
        out.append("")
        out.append("[%s]" % kind)
        for k, v in kv:
            if k in ("layers", "from"):
                refs = []
                for r in v.split(","):
                    r = int(r)
                    target = oi + r if r < 0 else r
                    nt = resolve(target)
                    refs.append(str(nt - ni if r < 0 else nt))
                v = ",".join(refs)
            elif k == "activation" and v == "silu" and swish:
                v = "swish"
            out.append("%s=%s" % (k, v))
    return "\n".join(out) + "\n"


def synthetic_weights(cfg_path, weights_path):
    """Writes generated darknet weights for cfg_path (see the module
    text)."""
    import numpy as np
    conv = load_convert()
    blocks = conv.parse_cfg(cfg_path)
    convs, _ = conv.plan_layers(cfg_path, blocks)
    rng = np.random.default_rng(1)
    with open(weights_path, "wb") as f:
        np.array([0, 2, 5], dtype="<i4").tofile(f)
        np.array([0], dtype="<i8").tofile(f)
        for _i, cin, cout, k, groups, bn in convs:
            fan = cin // groups * k * k
            if bn:
                np.zeros(cout, "<f4").tofile(f)           # beta
                np.ones(cout, "<f4").tofile(f)            # gamma
                np.zeros(cout, "<f4").tofile(f)           # mean
                np.ones(cout, "<f4").tofile(f)            # var
            else:
                np.zeros(cout, "<f4").tofile(f)
            (rng.standard_normal(cout * fan).astype("<f4")
             * np.float32((1.0 / fan) ** 0.5)).tofile(f)

#!/usr/bin/python3
# tools/yolor-convert --yaml on the paper branch's models
# (../shared/reference-paper):
#  - the six full-size YAMLs convert without a checkpoint; `yolor info`
#    gives the parameter counts and 2 x MACs of full_size_stats.json, and
#    `yolor bench` runs P6, E6 and SSSS-DWT (between them every module);
#  - a whole pickled model in FP16 (classes models.yolo.Model and
#    models.common.*, as real paper checkpoints are) converts, without those
#    classes, to the same .weights as its state_dict rounded to FP16;
#  - the error cases.
# The engine's exactness on the narrowed models is tests/lib/test-paper.c.
#
# Copyright (C) 2026 the gst-yolor authors
# SPDX-License-Identifier: LGPL-2.1-or-later

import json
import os
import re
import subprocess
import sys
import tempfile
import types

SHARED = os.environ.get("YOLOR_SHARED_DIR", "../shared")
SOURCE = os.environ.get("YOLOR_SOURCE_DIR", ".")
CONVERT = os.path.join(SOURCE, "tools", "yolor-convert")
PAPER = os.path.join(SHARED, "reference-paper")
YOLOR = sys.argv[1] if len(sys.argv) > 1 else "build/tools/yolor"
FULL = ("yolor-p6", "yolor-w6", "yolor-e6", "yolor-d6", "yolor-ssss-dwt",
        "yolor-ssss-s2d")
NARROW = "yolor_p6_w0125_320"
# yolor bench on one model of each set of modules (W6 is P6's, D6 E6's and
# S2D's ReOrg is P6's; loading them again would only cost the test time)
BENCHED = ("yolor-p6", "yolor-e6", "yolor-ssss-dwt")

failures = []


def check(cond, what):
    print("%s: %s" % ("ok" if cond else "FAIL", what))
    if not cond:
        failures.append(what)


def convert(*args):
    r = subprocess.run([sys.executable, CONVERT] + list(args),
                       capture_output=True, text=True)
    return r.returncode, (r.stdout + r.stderr).strip()


def run(*args):
    r = subprocess.run([YOLOR] + list(args), capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


def full_size(tmp):
    stats = json.load(open(os.path.join(PAPER, "full_size_stats.json")))
    for name in FULL:
        stem = os.path.join(tmp, name)
        rc, msg = convert("--yaml", os.path.join(PAPER, "models",
                                                  name + ".yaml"), stem)
        check(rc == 0 and not os.path.exists(stem + ".weights"),
              "%s converts without a checkpoint, cfg only (rc %d: %s)"
              % (name, rc, msg))
        if rc:
            continue
        rc, out = run("info", stem + ".cfg", "--size", "1280")
        params = re.search(r"total params: (\d+)", out)
        gflops = re.search(r"total GFLOPs: ([\d.]+)", out)
        want = stats[name + ".yaml"]
        check(rc == 0 and "flavor: yolor-paper" in out,
              "%s: yolor info runs, flavour yolor-paper" % name)
        check(params and int(params.group(1)) == want["params_model_info"],
              "%s: %s parameters (the official model_info: %d)"
              % (name, params and params.group(1), want["params_model_info"]))
        check(gflops and abs(float(gflops.group(1))
                             - want["gflops_1280_2x_conv_macs"]) < 0.006,
              "%s: %s GFLOPs at 1280 (2 x conv MACs: %.2f)"
              % (name, gflops and gflops.group(1),
                 want["gflops_1280_2x_conv_macs"]))
        if name not in BENCHED:
            continue
        rc, out = run("bench", stem + ".cfg", "--size", "256", "--runs", "1",
                      "--warmup", "0", "--threads", "2")
        check(rc == 0 and " ms" in out, "%s: yolor bench runs at 256 (rc %d)"
              % (name, rc))


def fake_classes(torch):
    """models.yolo and models.common with nn.Module subclasses, as the
    paper branch's checkpoints name them; registered so that torch.save
    can pickle them, removed before the converter runs (it runs in its own
    process anyway)."""
    pkg = types.ModuleType("models")
    yolo = types.ModuleType("models.yolo")
    common = types.ModuleType("models.common")
    pkg.yolo, pkg.common = yolo, common
    classes = {}
    for mod, names in ((yolo, ("Model", "IDetect")),
                       (common, ("Conv", "Bottleneck", "BottleneckCSPF",
                                 "BottleneckCSP2", "SPPCSP", "ReOrg",
                                 "Concat", "ImplicitA", "ImplicitM",
                                 "Block"))):
        for n in names:
            cls = type(n, (torch.nn.Module,), {"__module__": mod.__name__})
            setattr(mod, n, cls)
            classes[n] = cls
    sys.modules.update({"models": pkg, "models.yolo": yolo,
                        "models.common": common})
    return classes


def whole_model(torch, sd, layer_types, classes):
    """A module tree whose state_dict is @sd: model.{i} of the YAML's module
    class, its parts Conv/Bottleneck/ImplicitA/ImplicitM/Block."""
    root = classes["Model"]()

    def child(parent, name, path):
        if name in parent._modules:
            return parent._modules[name]
        if path.count(".") == 1:  # model.{i}
            cls = classes.get(layer_types[int(name)], classes["Block"])
        elif path.startswith("ia.") or ".ia." in path:
            cls = classes["ImplicitA"]
        elif ".im." in path:
            cls = classes["ImplicitM"]
        elif name in ("cv1", "cv2", "cv3", "cv4", "cv5", "cv6", "cv7"):
            cls = classes["Conv"]
        elif name.isdigit() and path.split(".")[-2] == "m":
            cls = classes["Bottleneck"]
        else:
            cls = classes["Block"]
        m = cls()
        parent.add_module(name, m)
        return m

    for key, t in sd.items():
        parts = key.split(".")
        node = root
        for k in range(len(parts) - 1):
            node = child(node, parts[k], ".".join(parts[:k + 1]))
        leaf = parts[-1]
        if "running" in leaf or leaf in ("num_batches_tracked", "anchors",
                                         "anchor_grid"):
            node.register_buffer(leaf, t.clone())
        else:
            node.register_parameter(leaf, torch.nn.Parameter(t.clone()))
    return root


def fp16_checkpoint(tmp):
    try:
        import torch
    except ImportError:
        check(False, "PyTorch (apt install python3-torch) builds the FP16 "
              "whole-model checkpoint")
        return
    folder = os.path.join(PAPER, NARROW)
    sd = torch.load(os.path.join(folder, "model_state_dict.pt"),
                    map_location="cpu")
    types_ = [l["type"].split(".")[-1] for l in
              json.load(open(os.path.join(folder, "ref.json")))
              ["model"]["layers"]]
    classes = fake_classes(torch)
    model = whole_model(torch, sd, types_, classes)
    check(list(model.state_dict().keys()) == list(sd.keys()),
          "the test's module tree has the state_dict's keys, in order")
    model = model.half()
    whole = os.path.join(tmp, "whole-fp16.pt")
    # what the paper's train.py keeps after strip_optimizer
    torch.save({"epoch": -1, "best_fitness": None, "training_results": None,
                "model": model, "optimizer": None, "wandb_id": None}, whole)
    for name in ("models", "models.yolo", "models.common"):
        del sys.modules[name]
    rounded = os.path.join(tmp, "rounded.pt")
    torch.save({"model": {k: (v.half().float() if v.is_floating_point()
                              else v) for k, v in sd.items()}}, rounded)
    yaml = os.path.join(folder, "model.yaml")
    rc, msg = convert("--yaml", yaml, whole, os.path.join(tmp, "whole"))
    check(rc == 0, "a whole pickled FP16 model converts without its classes "
          "(rc %d: %s)" % (rc, msg))
    rc2, msg2 = convert("--yaml", yaml, rounded, os.path.join(tmp, "rounded"))
    check(rc2 == 0, "its state_dict rounded to FP16 converts (%s)" % msg2)
    if rc == 0 and rc2 == 0:
        a = open(os.path.join(tmp, "whole.weights"), "rb").read()
        b = open(os.path.join(tmp, "rounded.weights"), "rb").read()
        check(a == b, "the same .weights from both (%d bytes)" % len(a))
        rc, out = run("info", os.path.join(tmp, "whole.cfg"))
        check(rc == 0 and "synthetic" not in out,
              "yolor info loads the converted weights")


def errors(tmp):
    folder = os.path.join(PAPER, NARROW)
    yaml = os.path.join(folder, "model.yaml")
    rc, msg = convert("--yaml", yaml,
                      os.path.join(folder, "model_fused_state_dict.pt"),
                      os.path.join(tmp, "fused"))
    check(rc == 1 and "fused" in msg and not os.path.exists(
        os.path.join(tmp, "fused.weights")),
        "a fused state_dict: exit 1, says so, writes nothing (%s)" % msg)
    other = os.path.join(PAPER, "yolor_d6_w0125_320", "model_state_dict.pt")
    rc, msg = convert("--yaml", yaml, other, os.path.join(tmp, "other"))
    check(rc == 1 and ("shape" in msg or "has no 'model." in msg)
          and not os.path.exists(os.path.join(tmp, "other.weights")),
          "another model's checkpoint: exit 1 naming the tensor that does not "
          "fit, writes nothing (%s)" % msg)
    bad = os.path.join(tmp, "bad.yaml")
    with open(bad, "w") as f:
        f.write(open(yaml).read().replace("SPPCSP", "SPPCSPX"))
    rc, msg = convert("--yaml", bad, os.path.join(tmp, "bad"))
    check(rc == 1 and "SPPCSPX" in msg and "layer 12" in msg,
          "an unknown module: exit 1 naming it and its layer (%s)" % msg)
    with open(bad, "w") as f:
        f.write("nc: 80\nbackbone: [[-1, 1, Conv\n")
    rc, msg = convert("--yaml", bad, os.path.join(tmp, "bad"))
    check(rc == 1 and "bad.yaml" in msg, "broken YAML: exit 1 (%s)" % msg)
    rc, msg = convert("--yaml", yaml, os.path.join(tmp, "nope.pt"),
                      os.path.join(tmp, "nope"))
    check(rc == 1 and "nope.pt" in msg, "missing checkpoint: exit 1 (%s)"
          % msg)
    rc, msg = convert("--yaml", yaml, yaml, os.path.join(tmp, "notzip"))
    check(rc == 1 and "zip" in msg, "not a checkpoint: exit 1 (%s)" % msg)
    rc, msg = convert("--yaml", yaml)
    check(rc == 2, "no OUTSTEM: exit 2 (rc %d)" % rc)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        full_size(tmp)
        fp16_checkpoint(tmp)
        errors(tmp)
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

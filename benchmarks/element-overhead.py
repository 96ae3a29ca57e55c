#!/usr/bin/python3
"""What yolordetect costs beyond the network itself, at a given frame size.

Runs `videotestsrc ! video/x-raw,WxH ! yolordetect ! fakesink` in one
streaming thread (no queue, so nothing else competes for the cores) and
times every frame inside the element with pad probes: colour conversion,
resize, forward pass, decode, NMS and metadata. Interleaved with it, `yolor
bench` times the forward pass alone on the same model, size and threads.
The overhead is the element's median frame time minus the forward's median,
as a share of the element's frame time.

A model without a weights file beside its cfg (the YOLOR cfgs in shared/)
runs with synthetic weights written to a temporary folder, as in
compare-opencv.py; the values do not change the time.

Usage: element-overhead.py [MODEL.cfg] [--frame 1920x1080] [--format NV12]
       [--threads 2] [--rounds 5] [--frames 60]
Needs python3-gi and the GStreamer packages of scripts/install-deps.sh.

SPDX-License-Identifier: LGPL-2.1-or-later
"""

import argparse
import importlib.machinery
import importlib.util
import os
import re
import statistics
import subprocess
import shutil
import sys
import tempfile
import time

try:
    import gi
except ImportError:
    sys.exit("%s: needs PyGObject for this Python (%s): on Debian, "
             "apt install python3-gi gir1.2-gstreamer-1.0 and run it with "
             "/usr/bin/python3" % (sys.argv[0], sys.executable))

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.environ.get("YOLOR_SHARED_DIR", os.path.join(ROOT, "..", "shared"))


def with_weights(model):
    """@model, or a copy of it beside synthetic weights if it has none."""
    if os.path.exists(re.sub(r"\.cfg$", "", model) + ".weights"):
        return model
    path = os.path.join(HERE, "compare-opencv.py")
    loader = importlib.machinery.SourceFileLoader("compare_opencv", path)
    spec = importlib.util.spec_from_loader("compare_opencv", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    tmp = tempfile.mkdtemp(prefix="yolor-overhead-")
    cfg = os.path.join(tmp, os.path.basename(model))
    shutil.copy(model, cfg)
    mod.synthetic_weights(cfg, re.sub(r"\.cfg$", "", cfg) + ".weights")
    print("no weights beside %s: synthetic weights in %s" % (model, tmp))
    return cfg


def element_round(a, w, h):
    """Median ms per frame spent inside yolordetect over one round."""
    desc = ("videotestsrc pattern=smpte num-buffers=%d ! "
            "video/x-raw,format=%s,width=%d,height=%d,framerate=30/1 ! "
            "yolordetect name=det model=%s n-threads=%d ! fakesink sync=false"
            % (a.frames + 1, a.format, w, h, a.model, a.threads))
    pipe = Gst.parse_launch(desc)
    det = pipe.get_by_name("det")
    t_in, spans = {}, []

    def on_in(pad, info):
        t_in[info.get_buffer().pts] = time.perf_counter()
        return Gst.PadProbeReturn.OK

    def on_out(pad, info):
        t0 = t_in.pop(info.get_buffer().pts, None)
        if t0 is not None:
            spans.append((time.perf_counter() - t0) * 1e3)
        return Gst.PadProbeReturn.OK

    det.get_static_pad("sink").add_probe(Gst.PadProbeType.BUFFER, on_in)
    det.get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER, on_out)
    pipe.set_state(Gst.State.PLAYING)
    msg = pipe.get_bus().timed_pop_filtered(
        Gst.CLOCK_TIME_NONE, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    pipe.set_state(Gst.State.NULL)
    if msg.type == Gst.MessageType.ERROR:
        err, dbg = msg.parse_error()
        sys.exit("pipeline error: %s (%s)" % (err.message, dbg))
    return statistics.median(spans[1:])             # first frame: warm-up


def forward_round(a, size):
    res = subprocess.run([a.yolor, "bench", a.model, "--size", size,
                          "--threads", str(a.threads), "--runs",
                          str(a.frames), "--warmup", "1"],
                         capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit("yolor bench failed: " + res.stderr)
    return float(re.search(r"median ([0-9.]+) ms/frame", res.stdout).group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model", nargs="?", default=os.path.join(
        SHARED, "models", "yolo-fastest-1.1-xl", "yolo-fastest-1.1-xl.cfg"))
    ap.add_argument("--frame", default="1920x1080")
    ap.add_argument("--format", default="NV12")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--frames", type=int, default=60)
    ap.add_argument("--yolor", default=os.path.join(ROOT, "build", "tools",
                                                    "yolor"))
    a = ap.parse_args()
    os.environ["GST_PLUGIN_PATH"] = os.path.join(ROOT, "build", "gst")
    Gst.init(None)
    w, h = (int(v) for v in a.frame.split("x"))
    a.model = with_weights(a.model)

    info = subprocess.run([a.yolor, "info", a.model], capture_output=True,
                          text=True).stdout
    m = re.search(r"input: (\d+x\d+)", info)
    if not m:
        sys.exit("cannot read the model's input size from 'yolor info'")
    size = m.group(1)

    el, fw = [], []
    for r in range(a.rounds):
        el.append(element_round(a, w, h))
        time.sleep(0.5)
        fw.append(forward_round(a, size))
        time.sleep(0.5)
        print("round %d: element %.2f ms/frame, forward %.2f ms/frame" %
              (r + 1, el[-1], fw[-1]))
    e, f = statistics.median(el), statistics.median(fw)
    print("model %s, input %s, frames %dx%d %s, %d threads" %
          (os.path.basename(a.model), size, w, h, a.format, a.threads))
    print("yolordetect: median %.2f ms/frame; forward alone: median %.2f "
          "ms/frame" % (e, f))
    print("overhead (conversion, resize, decode, NMS, metadata): %.2f ms = "
          "%.1f%% of the element's frame time" % (e - f, 100.0 * (e - f) / e))


if __name__ == "__main__":
    main()

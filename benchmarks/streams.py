#!/usr/bin/python3
"""Many streams in one process: aggregate frame rate, per-stream latency and
memory, with a model per element, one shared model (model-instance-id), or
one shared model running the streams' frames in batches (batch-size).

Each run is a fresh process running N branches of

    videotestsrc num-buffers=F ! video/x-raw,format=NV12,WxH !
        yolordetect model=M n-threads=T [model-instance-id=bench
                    [batch-size=N]] ! fakesink

in one pipeline (each branch has its own streaming thread). Modes: "own" (a
model each), "shared" (one model-instance-id), "batched" (one id and
batch-size = the number of streams, batch-timeout 40 ms). It measures the
wall time from PLAYING to EOS (aggregate fps = N·F / time), each frame's
time inside yolordetect (pad probes: the per-stream latency the element
adds), and the process's peak resident memory (VmHWM). Runs of the
configurations are interleaved, round after round, and the medians are
printed. With --busy a process spinning on core 0 competes for the CPU
throughout, as an encoder or another job would.

The reference line, "2 x 1-thread bench", is what two independent
single-thread engines would give: 2 × 1000 / the median of `yolor bench
--threads 1` at the model's input size, measured in the same rounds.

A model without a weights file beside its cfg (the YOLOR cfgs in shared/)
runs with synthetic weights written to a temporary folder; the values do
not change the time or the memory.

Usage: streams.py [MODEL.cfg] [--streams 1,2,4,8] [--frames 40]
       [--frame 640x480] [--threads 1] [--rounds 3] [--busy]
       [--modes own,shared,batched]
Needs python3-gi and the GStreamer packages of scripts/install-deps.sh.

SPDX-License-Identifier: LGPL-2.1-or-later
"""

import argparse
import importlib.machinery
import importlib.util
import json
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.environ.get("YOLOR_SHARED_DIR", os.path.join(ROOT, "..", "shared"))


def load_sibling(name, file):
    loader = importlib.machinery.SourceFileLoader(name,
                                                  os.path.join(HERE, file))
    spec = importlib.util.spec_from_loader(name, loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def vm_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def child(a):
    """One run, in this process; prints one JSON line."""
    try:
        import gi
    except ImportError:
        sys.exit("%s: needs PyGObject for this Python (%s): on Debian, "
                 "apt install python3-gi gir1.2-gstreamer-1.0 and run it with "
                 "/usr/bin/python3" % (sys.argv[0], sys.executable))
    gi.require_version("Gst", "1.0")
    from gi.repository import Gst
    Gst.init(None)
    w, h = (int(v) for v in a.frame.split("x"))
    if a.streams == 0:
        Gst.ElementFactory.make("yolordetect")  # the plugin, loaded
        print(json.dumps({"hwm_kb": vm_kb("VmHWM")}))
        return
    patterns = ["smpte", "ball", "snow", "pinwheel", "gradient", "zone-plate",
                "circular", "spokes"]
    branches = []
    for i in range(a.streams):
        share = (" model-instance-id=bench"
                 if a.mode in ("shared", "batched") else "")
        if a.mode == "batched":
            share += " batch-size=%d" % min(a.streams, 32)
        queue = "queue max-size-buffers=2 ! " if a.queue else ""
        branches.append(
            "videotestsrc num-buffers=%d pattern=%s ! "
            "video/x-raw,format=NV12,width=%d,height=%d,framerate=30/1 ! %s"
            "yolordetect name=d%d model=\"%s\" n-threads=%d%s ! "
            "fakesink sync=false"
            % (a.frames, patterns[i % len(patterns)], w, h, queue, i,
               a.model, a.threads, share))
    pipe = Gst.parse_launch(" ".join(branches))
    lat = [[] for _ in range(a.streams)]
    t_in = [{} for _ in range(a.streams)]

    def probe_in(pad, info, i):
        t_in[i][info.get_buffer().pts] = time.perf_counter()
        return Gst.PadProbeReturn.OK

    def probe_out(pad, info, i):
        t0 = t_in[i].pop(info.get_buffer().pts, None)
        if t0 is not None:
            lat[i].append(1e3 * (time.perf_counter() - t0))
        return Gst.PadProbeReturn.OK

    for i in range(a.streams):
        d = pipe.get_by_name("d%d" % i)
        d.get_static_pad("sink").add_probe(Gst.PadProbeType.BUFFER,
                                           probe_in, i)
        d.get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER,
                                          probe_out, i)
    # the models load in READY → PAUSED: not part of the timed run
    if pipe.set_state(Gst.State.PAUSED) == Gst.StateChangeReturn.FAILURE:
        sys.exit("the pipeline does not start")
    pipe.get_state(Gst.CLOCK_TIME_NONE)
    t0 = time.perf_counter()
    pipe.set_state(Gst.State.PLAYING)
    msg = pipe.get_bus().timed_pop_filtered(
        Gst.CLOCK_TIME_NONE, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    wall = time.perf_counter() - t0
    if msg.type == Gst.MessageType.ERROR:
        sys.exit("error: %s" % msg.parse_error()[0].message)
    hwm = vm_kb("VmHWM")
    pipe.set_state(Gst.State.NULL)
    # the first frame of each stream prepares the net: left out
    per_stream = [statistics.median(x[1:] or x) for x in lat]
    p90 = [sorted(x)[int(0.9 * (len(x) - 1))] for x in lat]
    print(json.dumps({"fps": a.streams * a.frames / wall,
                      "lat_ms": statistics.median(per_stream),
                      "lat_p90_ms": max(p90),
                      "hwm_kb": hwm}))


def run_child(a, n, mode):
    cmd = [sys.executable, os.path.abspath(__file__), "--child",
           "--streams", str(n), "--mode", mode, "--frames", str(a.frames),
           "--frame", a.frame, "--threads", str(a.threads), a.model] + (
               ["--queue"] if a.queue else [])
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit("%s: %s" % (" ".join(cmd), res.stderr.strip()))
    return json.loads(res.stdout.strip().splitlines()[-1])


def bench_1thread(a, size):
    """Median ms of `yolor bench --threads 1` (busy-core.py's runner)."""
    busy_core = load_sibling("busy_core", "busy-core.py")
    return busy_core.bench(argparse.Namespace(model=a.model, size=size,
                                              runs=10), a.yolor, 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model", nargs="?", default=os.path.join(
        SHARED, "models", "yolo-fastest-1.1-xl", "yolo-fastest-1.1-xl.cfg"))
    ap.add_argument("--streams", default="1,2,4,8")
    ap.add_argument("--modes", default="own,shared",
                    help="own, shared and/or batched")
    ap.add_argument("--frames", type=int, default=40)
    ap.add_argument("--frame", default="640x480")
    ap.add_argument("--threads", type=int, default=1,
                    help="n-threads of each yolordetect")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--queue", action="store_true",
                    help="a queue before each yolordetect: the source runs "
                    "in a thread of its own, as a decoder would")
    ap.add_argument("--busy", action="store_true",
                    help="a process spinning on core 0 throughout")
    ap.add_argument("--yolor", default=os.path.join(ROOT, "build", "tools",
                                                    "yolor"))
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--mode", default="own", help=argparse.SUPPRESS)
    a = ap.parse_args()
    os.environ.setdefault("GST_PLUGIN_PATH",
                          os.path.join(ROOT, "build", "gst"))
    if a.child:
        a.streams = int(a.streams)
        child(a)
        return
    a.model = load_sibling("element_overhead",
                           "element-overhead.py").with_weights(a.model)
    info = subprocess.run([a.yolor, "info", a.model], capture_output=True,
                          text=True).stdout
    size = re.search(r"input: (\d+x\d+)", info).group(1)
    params = re.search(r"parameters in memory: ([0-9.]+) MB", info).group(1)
    counts = [int(v) for v in a.streams.split(",")]
    modes = a.modes.split(",")

    busy = None
    if a.busy:
        busy = subprocess.Popen([sys.executable, "-c",
                                 "import os\nos.sched_setaffinity(0, {0})\n"
                                 "while True: pass"])
    try:
        base = run_child(argparse.Namespace(**{**vars(a)}), 0, "own")
        results = {(n, m): [] for n in counts for m in modes}
        ref = []
        for r in range(a.rounds):
            for n in counts:
                for m in modes:
                    results[(n, m)].append(run_child(a, n, m))
                    x = results[(n, m)][-1]
                    print("round %d: %d streams, %-7s %6.1f fps, %7.1f ms, "
                          "%7.0f MB" % (r + 1, n, m, x["fps"], x["lat_ms"],
                                        x["hwm_kb"] / 1024), flush=True)
            ref.append(bench_1thread(a, size))
    finally:
        if busy:
            busy.kill()

    print()
    print("model %s (input %s, %s MB of parameters), frames %s NV12, "
          "n-threads=%d, %d frames per stream, %d cores%s; medians of %d "
          "rounds" % (os.path.basename(a.model), size, params, a.frame,
                      a.threads, a.frames, os.cpu_count(),
                      ", one busy process on core 0" if a.busy else "",
                      a.rounds))
    print("process without streams: %.0f MB" % (base["hwm_kb"] / 1024))
    ref_fps = 2 * 1000.0 / statistics.median(ref)
    print("2 x 1-thread bench: %.1f fps (forward pass only)" % ref_fps)
    print("%7s  %-7s  %9s  %8s  %12s  %12s  %9s" % (
        "streams", "model", "agg fps", "vs 2x1t", "latency ms", "p90 ms",
        "peak MB"))
    for n in counts:
        for m in modes:
            xs = results[(n, m)]
            fps = statistics.median(x["fps"] for x in xs)
            print("%7d  %-7s  %9.1f  %7.2fx  %12.1f  %12.1f  %9.0f" % (
                n, m, fps, fps / ref_fps,
                statistics.median(x["lat_ms"] for x in xs),
                statistics.median(x["lat_p90_ms"] for x in xs),
                statistics.median(x["hwm_kb"] for x in xs) / 1024))
    if "own" in modes and "shared" in modes:
        print()
        for n in counts:
            own = statistics.median(x["hwm_kb"] for x in results[(n, "own")])
            sh = statistics.median(x["hwm_kb"]
                                   for x in results[(n, "shared")])
            print("%d streams: shared model uses %.0f MB less "
                  "(%.2fx the memory of a model each)"
                  % (n, (own - sh) / 1024, sh / own))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""The multi-camera job (yolor-cameras) on N cameras of our own RTSP server:
frames per second each camera delivers, how often each camera's detections
are renewed, and the CPU the job and the server use.

For each N, a fresh `yolor-rtsp-server --raw --streams N` serves the sample
video N times (10 fps, 768x432, H.264 encoded by the server), and
`yolor-cameras` runs on the N URLs for --seconds. From the JSON lines it
counts, per camera, the frames delivered in the last --measure seconds and
those with "fresh": true (an inference finished on them); the job's and the
server's CPU time over the whole run come from the kernel (getrusage of the
children). Rounds of the configurations are interleaved and medians
printed.

The server's decoding and encoding run on the same cores as the job, as a
machine's other work would.

Usage: cameras.py [--cameras 1,2,4,8] [--seconds 20] [--measure 10]
       [--rounds 3] [--model CFG] [--video] [--build DIR]
--video also writes the per-camera MP4s (x264enc); without, JSON lines only.

SPDX-License-Identifier: LGPL-2.1-or-later
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_once(args, n, out):
    """One run with @n cameras; returns (fps per camera, inferences per
    second per camera, job CPU %, server CPU %)."""
    gst = os.path.join(args.build, "gst")
    log = os.path.join(out, "server.log")
    cpu0 = children_cpu()
    with open(log, "w") as f:
        server = subprocess.Popen(
            [os.path.join(gst, "yolor-rtsp-server"), "--raw", "--streams",
             str(n), "--port", "0", args.video_file], stdout=f,
            stderr=subprocess.STDOUT)
    urls = []
    for _ in range(200):
        urls = [l.strip() for l in open(log) if l.startswith("rtsp://")]
        if len(urls) == n + 1:
            break
        time.sleep(0.05)
    urls = urls[1:]
    cams = os.path.join(out, "cams")
    cmd = [os.path.join(gst, "yolor-cameras"), "-o", cams, "--duration",
           str(args.seconds)]
    if not args.video:
        cmd.append("--no-video")
    if args.model:
        cmd += ["--model", args.model]
    t0 = time.monotonic()
    job = subprocess.run(cmd + urls, capture_output=True, text=True)
    wall = time.monotonic() - t0
    cpu_job = children_cpu() - cpu0
    server.terminate()
    server.wait()
    cpu_server = children_cpu() - cpu0 - cpu_job
    if job.returncode != 0:
        sys.exit("yolor-cameras failed:\n" + job.stderr)
    fps, inf = [], []
    for i in range(1, n + 1):
        lines = [json.loads(l) for l in open(
            os.path.join(cams, "cam%d.jsonl" % i))]
        end = lines[-1]["utc_ms"]
        last = [l for l in lines if l["utc_ms"] > end - args.measure * 1000]
        fps.append(len(last) / args.measure)
        inf.append(sum(1 for l in last if l["fresh"]) / args.measure)
    return (statistics.mean(fps), statistics.mean(inf),
            100 * cpu_job / wall, 100 * cpu_server / wall)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cameras", default="1,2,4,8")
    p.add_argument("--seconds", type=int, default=20)
    p.add_argument("--measure", type=int, default=10)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--model")
    p.add_argument("--video", action="store_true")
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    args = p.parse_args()
    shared = os.environ.get("YOLOR_SHARED_DIR",
                            os.path.join(ROOT, "..", "shared"))
    args.video_file = os.path.join(shared, "video",
                                   "one-by-one-person-detection.mp4")
    os.environ["GST_PLUGIN_PATH"] = os.path.join(args.build, "gst")
    ns = [int(x) for x in args.cameras.split(",")]
    res = {n: [] for n in ns}
    with tempfile.TemporaryDirectory() as out:
        for r in range(args.rounds):
            for n in ns:
                res[n].append(run_once(args, n, out))
                print("round %d, %d cameras: %.1f fps, %.1f inferences/s per "
                      "camera" % (r + 1, n, res[n][-1][0], res[n][-1][1]),
                      file=sys.stderr, flush=True)
    print("cameras  fps/camera  inferences/s/camera  total inferences/s  "
          "job CPU %%  server CPU %%  (medians of %d rounds, %s)"
          % (args.rounds, "with MP4s" if args.video else "JSON lines only"))
    for n in ns:
        m = [statistics.median(x[i] for x in res[n]) for i in range(4)]
        print("%7d  %10.1f  %19.1f  %18.1f  %9.0f  %12.0f"
              % (n, m[0], m[1], m[1] * n, m[2], m[3]))


if __name__ == "__main__":
    main()

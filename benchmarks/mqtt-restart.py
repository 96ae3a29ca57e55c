#!/usr/bin/python3
"""What reaches an MQTT subscriber when the broker restarts mid-stream.

Runs the sample video in real time (fakesink sync=true, 10 fps) through
  yolordetect ! yolortrack ! yolormetaconvert add-empty-results=true !
  yolormetapublish method=mqtt
to a mosquitto on loopback, stops the broker (SIGTERM, so it saves its
sessions) after --before seconds, starts it again after --down seconds,
and counts what a subscriber with a persistent session (mosquitto_sub -c,
QoS 1) received: distinct frames, repeats, frames missing, and what the
element reported (published, lost). Once per --max-queue value.

A frame's message is lost when it fell out of the element's queue (more
frames during the outage than max-queue); the element counts those as
lost, so "missing" should equal "lost".

Usage: benchmarks/mqtt-restart.py [--build build] [--frames 300]
           [--before 10] [--down 5] [--max-queue 1000,20]
Needs a build, ../shared, and mosquitto, mosquitto-clients.
"""
import argparse
import getpass
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_broker(conf, port):
    broker = subprocess.Popen([shutil.which("mosquitto") or
                               "/usr/sbin/mosquitto", "-c", conf],
                              stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    for _ in range(500):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return broker
        time.sleep(0.01)
    sys.exit("mosquitto did not start")


def run(args, video, max_queue):
    work = tempfile.mkdtemp(prefix="yolor-mqtt-bench-")
    port = free_port()
    conf = os.path.join(work, "mosquitto.conf")
    with open(conf, "w") as f:
        f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\n"
                f"persistence true\npersistence_location {work}/\n"
                f"max_queued_messages 100000\nuser {getpass.getuser()}\n")
    broker = start_broker(conf, port)
    received = open(os.path.join(work, "received"), "w")
    sub = subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p",
                            str(port), "-q", "1", "-c", "-i", "bench-sub",
                            "-t", "bench"], stdout=received)
    time.sleep(0.5)
    pipeline = (
        f"filesrc location={video} ! qtdemux ! h264parse ! "
        f"identity eos-after={args.frames} ! avdec_h264 ! videoconvert ! "
        f"yolordetect ! yolortrack ! yolormetaconvert add-empty-results=true "
        f"! yolormetapublish method=mqtt address=127.0.0.1:{port} "
        f"topic=bench max-queue={max_queue} max-reconnect-interval=1 "
        f"flush-timeout=20000 ! fakesink sync=true")
    env = dict(os.environ)
    env["GST_PLUGIN_PATH"] = os.path.join(args.build, "gst")
    gst = subprocess.Popen(["gst-launch-1.0", "-m"] + pipeline.split(),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, env=env)
    time.sleep(args.before)
    broker.send_signal(signal.SIGTERM)
    broker.wait()
    time.sleep(args.down)
    broker = start_broker(conf, port)
    out, _ = gst.communicate(timeout=600)
    m = re.search(r"yolormetapublish, published=\(guint64\)(\d+), "
                  r"lost=\(guint64\)(\d+), queued=\(guint64\)(\d+)", out)
    if not m:
        sys.exit("no counts from yolormetapublish:\n" + out[-2000:])
    published, lost, queued = map(int, m.groups())
    # wait for the last message (the tracks alive at EOS)
    path = os.path.join(work, "received")
    for _ in range(200):
        with open(path) as f:
            if '"reason":"eos"' in f.read():
                break
        time.sleep(0.1)
    sub.terminate()
    sub.wait()
    broker.terminate()
    broker.wait()
    frames = []
    with open(path) as f:
        for line in f:
            msg = json.loads(line)
            if "frame" in msg:
                frames.append(msg["frame"])
    shutil.rmtree(work)
    sent = published + lost + queued - 1  # minus the events message
    distinct = len(set(frames))
    return {"max_queue": max_queue, "frames": sent, "distinct": distinct,
            "repeats": len(frames) - distinct, "missing": sent - distinct,
            "published": published, "lost": lost, "queued": queued}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--frames", type=int, default=300)
    ap.add_argument("--before", type=float, default=10)
    ap.add_argument("--down", type=float, default=5)
    ap.add_argument("--max-queue", default="1000,20")
    args = ap.parse_args()
    video = os.path.join(args.shared, "video",
                         "one-by-one-person-detection.mp4")
    print(f"{args.frames} frames at 10 fps; broker down from "
          f"{args.before:g} s for {args.down:g} s")
    print(f"{'max-queue':>9} {'frames':>6} {'arrived':>7} {'repeats':>7} "
          f"{'missing':>7} {'lost':>5}")
    for q in (int(x) for x in args.max_queue.split(",")):
        r = run(args, video, q)
        print(f"{r['max_queue']:>9} {r['frames']:>6} {r['distinct']:>7} "
              f"{r['repeats']:>7} {r['missing']:>7} {r['lost']:>5}")


if __name__ == "__main__":
    main()

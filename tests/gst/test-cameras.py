#!/usr/bin/python3
"""The multi-camera job (yolor-cameras) against our own RTSP server.

    test-cameras.py YOLOR_CAMERAS YOLOR_RTSP_SERVER VIDEO OUT_DIR

Cases (each reported; the script fails at the end if any failed):
  four      4 cameras of one server, 110 frames each: JSON lines, MP4s,
            people detected (they enter the sample video at frame 61)
  restart   the server killed (SIGKILL) mid-stream and started again on
            the same port; a job over TCP and one over UDP: both report
            the drop, reconnect and go on
  stall     the server stopped (SIGSTOP): silence is a drop, attempts
            against the frozen server fail, then it resumes (SIGCONT)
  give-up   no server at all: --retries 2 ends the job with status 1
  bad-model a missing model is the job's error, not a camera's: no retry
"""
import json
import os
import re
import signal
import subprocess
import sys
import time

CAMERAS, SERVER, VIDEO, OUT = sys.argv[1:5]
SAMPLE_FRAMES = 1394  # frames of the sample video (139.4 s at 10 fps)
failures = []


def check(case, ok, what):
    print(("ok   " if ok else "FAIL ") + case + ": " + what, flush=True)
    if not ok:
        failures.append(case + ": " + what)


class Server:
    """yolor-rtsp-server --raw --streams N: N cameras on loopback."""

    def __init__(self, streams, port=0):
        self.streams = streams
        self.log = os.path.join(OUT, "server-%d.log" % time.monotonic_ns())
        self.out = open(self.log, "w")
        self.proc = subprocess.Popen(
            [SERVER, "--raw", "--streams", str(streams), "--port", str(port),
             "--quit-after", "180", VIDEO],
            stdout=self.out, stderr=subprocess.STDOUT)
        self.urls = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with open(self.log) as f:
                lines = [l.strip() for l in f if l.startswith("rtsp://")]
            if len(lines) == streams + 1:
                self.urls = lines[1:]
                break
            time.sleep(0.1)
        if not self.urls:
            raise RuntimeError("the RTSP server did not start: " +
                               open(self.log).read())
        self.port = int(re.search(r":(\d+)/", self.urls[0]).group(1))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.out.close()


class Job:
    """yolor-cameras in the background, its stderr kept."""

    def __init__(self, name, cams, *options, env=None):
        self.dir = os.path.join(OUT, name)
        os.makedirs(self.dir, exist_ok=True)
        for f in os.listdir(self.dir):
            os.unlink(os.path.join(self.dir, f))
        # the child writes its own handle; we read through the path, so
        # reading never moves the child's file position
        self.err_path = os.path.join(self.dir, "stderr.log")
        with open(self.err_path, "w") as err:
            self.proc = subprocess.Popen(
                [CAMERAS, "-o", self.dir] + list(options) + cams,
                stdout=subprocess.PIPE, stderr=err, text=True,
                env=dict(os.environ, **(env or {})))

    def log(self):
        with open(self.err_path) as f:
            return f.read()

    def frames(self, cam):
        """The JSON lines of @cam so far, parsed."""
        path = os.path.join(self.dir, cam + ".jsonl")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [json.loads(l) for l in f if l.endswith("\n")]

    def wait_frames(self, cam, n, timeout, connection=None):
        """Waits until @cam has @n lines (of @connection, when given)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = [f for f in self.frames(cam)
                   if connection is None or f["connection"] >= connection]
            if len(got) >= n:
                return True
            time.sleep(0.2)
        return False

    def finish(self, timeout):
        """Waits for the job to end by itself; None if it did not (then it
        is stopped), else its exit status."""
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            return None
        return self.stop()

    def stop(self, timeout=30):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            self.stdout, _ = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.stdout, _ = self.proc.communicate()
        self.stderr = self.log()
        return self.proc.returncode


def mp4_frames(path):
    """Frames decoded from an MP4, -1 when it does not decode."""
    r = subprocess.run(
        ["gst-launch-1.0", "-v", "filesrc", "location=" + path, "!",
         "qtdemux", "!", "h264parse", "!", "avdec_h264", "!", "fakesink",
         "silent=false"],
        capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        return -1
    return len(re.findall(r"last-message = chain", r.stdout))


def has_person(frames):
    return any(o["detection"]["label"] == "person"
               for f in frames for o in f["objects"])


def case_four():
    server = Server(4)
    try:
        job = Job("four", server.urls, "--max-frames", "110")
        rc = job.finish(120)
    finally:
        server.stop()
    check("four", rc == 0, "ends by itself (--max-frames), status 0 (got %s)"
          "\n%s" % (rc, job.stderr))
    for i in range(1, 5):
        cam = "cam%d" % i
        frames = job.frames(cam)
        check("four", [f["frame"] for f in frames] == list(range(110)),
              "%s: 110 JSON lines, frames 0..109 (got %d)"
              % (cam, len(frames)))
        check("four", all(f["camera"] == cam and f["connection"] == 1
                          for f in frames), cam + ": camera and connection")
        check("four", has_person(frames[61:]),
              cam + ": a person detected in frames 61..109")
        n = mp4_frames(os.path.join(job.dir, cam + "-1.mp4"))
        check("four", n == 110, "%s-1.mp4 decodes to 110 frames (got %d)"
              % (cam, n))
        # sane encoder settings: not much bigger than the camera's own
        # video (the sample's bytes per frame, times 3)
        size = os.path.getsize(os.path.join(job.dir, cam + "-1.mp4"))
        bound = 3 * os.path.getsize(VIDEO) * 110 // SAMPLE_FRAMES
        check("four", size <= bound, "%s-1.mp4: %d bytes, at most %d"
              % (cam, size, bound))
    check("four", "error" not in job.stderr and "warning" not in job.stderr,
          "no error or warning reported\n" + job.stderr)
    check("four", job.stdout.count(" 0 drops;") == 4,
          "the summary counts no drop\n" + job.stdout)


def case_restart():
    # two jobs on one server: cam1 over TCP, cam2 over UDP
    server = Server(2)
    # the engine logs each model load ("…cfg: N layers") at INFO
    loads = {"GST_DEBUG": "yolordetect:4", "GST_DEBUG_NO_COLOR": "1"}
    jobs = {"cam1": Job("restart-tcp", server.urls[:1], "--protocols", "tcp",
                        "--duration", "90", env=loads),
            "cam2": Job("restart-udp", ["cam2=" + server.urls[1]],
                        "--protocols", "udp", "--duration", "90")}
    rcs = {}
    try:
        for cam, job in jobs.items():
            check("restart", job.wait_frames(cam, 20, 30),
                  cam + ": streams before the crash")
        server.stop()
        time.sleep(2)
        server = Server(2, server.port)
        for cam, job in jobs.items():
            check("restart", job.wait_frames(cam, 20, 40, connection=2),
                  cam + ": 20 frames after the server came back")
    finally:
        for cam, job in jobs.items():
            rcs[cam] = job.stop()
        server.stop()
    for cam, transport in (("cam1", "TCP"), ("cam2", "UDP")):
        job = jobs[cam]
        check("restart", rcs[cam] == 0, "%s: exit status 0 (got %s)"
              % (cam, rcs[cam]))
        lines = [l for l in job.stderr.splitlines() if l.startswith(
            "yolor-cameras: %s: " % cam)]
        first_error = next((i for i, l in enumerate(lines)
                            if ": error: " in l), None)
        second = next((i for i, l in enumerate(lines)
                       if "(connection 2)" in l), None)
        check("restart", first_error is not None and second is not None
              and first_error < second,
              "%s (%s): the drop is reported as an error before the "
              "reconnect" % (cam, transport))
        check("restart", any("reconnecting in 1 s" in l for l in lines),
              "%s (%s): reconnects after 1 s" % (cam, transport))
        frames = job.frames(cam)
        conns = sorted({f["connection"] for f in frames})
        check("restart", len(conns) >= 2 and conns[0] == 1,
              "%s: frames from 2 connections or more (got %s)" % (cam, conns))
        check("restart", [f["frame"] for f in frames] ==
              list(range(len(frames))), cam + ": frame numbers go on")
        for k in (conns[:1] + conns[-1:]) if len(conns) > 1 else []:
            path = os.path.join(job.dir, "%s-%d.mp4" % (cam, k))
            n = mp4_frames(path) if os.path.exists(path) else -1
            check("restart", n > 0, "%s-%d.mp4 decodes (%d frames)"
                  % (cam, k, n))
        n = len(re.findall(r"engine_log.*: \d+ layers,", job.stderr))
        if cam == "cam1":
            check("restart", n == 1, "cam1: the model loaded once, though "
                  "the only camera was away (got %d loads)" % n)
        m = re.search(cam + r": (\d+) frames, (\d+) connections \((\d+) "
                      r"without video\), (\d+) drops?", job.stdout)
        check("restart", m is not None and int(m.group(1)) == len(frames)
              and int(m.group(4)) == 1,
              "%s: the summary counts its frames and 1 drop: %s"
              % (cam, m.group(0) if m else job.stdout))


def case_stall():
    server = Server(1)
    job = Job("stall", server.urls, "--stall-timeout", "3",
              "--connect-timeout", "4", "--duration", "90")
    try:
        check("stall", job.wait_frames("cam1", 10, 30), "streams")
        server.proc.send_signal(signal.SIGSTOP)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if "no video within 4 s" in job.log():
                break
            time.sleep(0.2)
        server.proc.send_signal(signal.SIGCONT)
        check("stall", job.wait_frames("cam1", 10, 40, connection=2),
              "10 frames after the server resumed")
    finally:
        server.proc.send_signal(signal.SIGCONT)
        rc = job.stop()
        server.stop()
    check("stall", rc == 0, "exit status 0 (got %s)" % rc)
    check("stall", "cam1: error: no frame for 3 s" in job.stderr,
          "the silence is reported\n" + job.stderr)
    check("stall", "cam1: error: no video within 4 s" in job.stderr,
          "the attempt against the frozen server times out")
    check("stall", "reconnecting in 2 s (attempt 2)" in job.stderr,
          "the wait doubles after a failed attempt")


def case_give_up():
    server = Server(1)
    url = server.urls[0]
    server.stop()  # the port is free again: connections are refused
    job = Job("give-up", [url], "--retries", "2")
    rc = job.finish(60)
    check("give-up", rc == 1, "ends by itself, status 1 (got %s)" % rc)
    check("give-up", "giving up after 2 retries" in job.stderr,
          "says it gave up\n" + job.stderr)
    check("give-up", job.stderr.count("connecting to") == 3,
          "one attempt and 2 retries")


def case_bad_model():
    server = Server(1)
    try:
        job = Job("bad-model", server.urls, "--model",
                  os.path.join(OUT, "no-such-model.cfg"))
        rc = job.finish(60)
    finally:
        server.stop()
    check("bad-model", rc == 1, "ends by itself, status 1 (got %s)" % rc)
    check("bad-model", "no-such-model.cfg" in job.stderr
          and "reconnecting" not in job.stderr
          and "connecting to" not in job.stderr,
          "the error names the model, before any camera connects\n"
          + job.stderr)


os.makedirs(OUT, exist_ok=True)
for case in (case_four, case_restart, case_stall, case_give_up,
             case_bad_model):
    try:
        case()
    except Exception as e:  # report and go on to the next case
        check(case.__name__[5:], False, "raised %r" % e)
if failures:
    print("%d check(s) failed" % len(failures))
    sys.exit(1)
print("all passed")

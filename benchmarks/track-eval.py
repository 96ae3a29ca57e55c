#!/usr/bin/python3
"""Tracking quality and cost of yolortrack on the shared sample video.

Runs  filesrc ! qtdemux ! h264parse ! avdec_h264 ! videoconvert !
      yolordetect ! yolortrack ! fakesink
on video/one-by-one-person-detection.mp4 for each configuration below and
scores the person tracks against the hand-made labels in
tests/data/one-by-one-person.tracks (six people, one at a time):

  ids        distinct track ids given to the person while in view (1 is right)
  switches   times the id of the person changed from one tracked frame to
             the next (0 is right)
  merged     track ids that were given to more than one person (0 is right)
  tracked    frames where the person's detection had a track id, of the
             frames where it was detected
  enter/leave  events for person tracks (6 and 6 is right)

and then what yolortrack costs per frame: the detector's output of the
embedding run (buffers without pixels: flags, timestamps, metas) replayed
from an appsrc through yolortrack and, interleaved, through identity; the
median time per frame of each and the difference.

Configurations: both tracking types on every frame; with
inference-interval=3; and "blind" variants where the detector sees
nothing for a stretch of frames while a person walks in (threshold=1.0
set on the fly), which only motion prediction and max-age carry through.

Usage: benchmarks/track-eval.py [--build build] [--model CFG] [--quick]
                                [--check FRAMES]
Needs the release build (sh scripts/build.sh build) and ../shared.

--check FRAMES is the test (tests/gst/meson.build): the first FRAMES
frames with both tracking types and one blind stretch; it fails unless
every person seen there has one id, no id is shared, every person enters
and leaves once, and 95 % of their detections are tracked.
"""
import argparse
import os
import statistics
import sys
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


def load_labels(path):
    people = []
    for line in open(path):
        line = line.split("#")[0].split()
        if line:
            people.append(tuple(int(v) for v in line))
    return people


def array(s, field, conv=lambda v: v):
    """The values of an array field, each passed through conv while the
    array (which owns them) is alive."""
    ok, arr = s.get_array(field)
    return [conv(arr.get_nth(i)) for i in range(arr.n_values)] if ok else []


def event_dict(e):
    """A copy of a yolor-track-event structure (which the buffer owns)."""
    return {"type": e.get_string("type"), "id": e.get_int("id")[1],
            "label": e.get_string("label")}


def run(video, detect_props, track_props, blind=None, frames_max=0,
        record=None):
    """Per-frame rows [(id, label)] and the track events; with
    @record (a list), also the detector's output buffers without their
    pixels (flags, timestamps and metas) and their caps."""
    Gst.init(None)
    cut = f"identity eos-after={frames_max} ! " if frames_max else ""
    # the decoder named, so the frames do not depend on which optional
    # plugins are installed
    desc = (f"filesrc location={video} ! qtdemux ! h264parse ! avdec_h264 ! "
            f"{cut}videoconvert ! "
            f"yolordetect name=det {detect_props} ! "
            f"yolortrack name=trk {track_props} ! fakesink sync=false")
    pipe = Gst.parse_launch(desc)
    det = pipe.get_by_name("det")
    trk = pipe.get_by_name("trk")
    frames, events = [], []
    state = {"n": 0, "threshold": None}

    def after_detect(pad, info):
        buf = info.get_buffer()
        b = Gst.Buffer.new()
        b.copy_into(buf, Gst.BufferCopyFlags.FLAGS
                    | Gst.BufferCopyFlags.TIMESTAMPS
                    | Gst.BufferCopyFlags.META, 0, 0)
        if not record:
            record.append(pad.get_current_caps())
        record.append(b)
        return Gst.PadProbeReturn.OK

    def before_detect(pad, info):
        n = state["n"]
        state["n"] += 1
        if blind:
            if n == blind[0]:
                state["threshold"] = det.get_property("threshold")
                det.set_property("threshold", 1.0)
            elif n == blind[1] + 1:
                det.set_property("threshold", state["threshold"])
        return Gst.PadProbeReturn.OK

    def track_out(pad, info):
        if info.type & Gst.PadProbeType.EVENT_DOWNSTREAM:
            ev = info.get_event()
            s = ev.get_structure()
            if s is not None and s.get_name() == "yolor-track-events":
                events.extend(array(s, "events", event_dict))
            return Gst.PadProbeReturn.OK
        buf = info.get_buffer()
        meta = buf.get_custom_meta("GstYolorFrameMeta")
        s = meta.get_structure()
        frames.append(list(zip(array(s, "ids"), array(s, "labels"))))
        if s.has_field("events"):
            events.extend(array(s, "events", event_dict))
        return Gst.PadProbeReturn.OK

    det.get_static_pad("sink").add_probe(Gst.PadProbeType.BUFFER, before_detect)
    if record is not None:
        det.get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER,
                                            after_detect)
    trk.get_static_pad("src").add_probe(
        Gst.PadProbeType.BUFFER | Gst.PadProbeType.EVENT_DOWNSTREAM, track_out)
    pipe.set_state(Gst.State.PLAYING)
    msg = pipe.get_bus().timed_pop_filtered(
        Gst.CLOCK_TIME_NONE, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    pipe.set_state(Gst.State.NULL)
    if msg.type == Gst.MessageType.ERROR:
        sys.exit(f"pipeline error: {msg.parse_error()[0].message}")
    return frames, events


def replay(record, element):
    """Seconds to push the recorded buffers through @element (launch
    syntax) and a fakesink, from PLAYING to EOS. The buffers are copies
    queued in the appsrc before the clock starts, so each is writable when
    it arrives (as behind yolordetect) and no copy is timed."""
    caps, bufs = record[0], record[1:]
    pipe = Gst.parse_launch(
        f"appsrc name=src format=time max-bytes=0 max-buffers=0 ! "
        f"{element} ! fakesink sync=false")
    src = pipe.get_by_name("src")
    src.set_property("caps", caps)
    for b in bufs:
        src.emit("push-buffer", b.copy())
    src.emit("end-of-stream")
    bus = pipe.get_bus()
    t0 = time.perf_counter()
    pipe.set_state(Gst.State.PLAYING)
    msg = bus.timed_pop_filtered(Gst.CLOCK_TIME_NONE,
                                 Gst.MessageType.EOS | Gst.MessageType.ERROR)
    t1 = time.perf_counter()
    pipe.set_state(Gst.State.NULL)
    if msg.type == Gst.MessageType.ERROR:
        sys.exit(f"replay error: {msg.parse_error()[0].message}")
    return t1 - t0


def replay_costs(record, rounds=9):
    """Median µs per frame of each tracking type over the identity element,
    interleaved rounds."""
    elements = {"identity": "identity",
                "iou": "yolortrack tracking-type=iou",
                "embedding": "yolortrack tracking-type=embedding"}
    times = {k: [] for k in elements}
    for _ in range(rounds):
        for k, e in elements.items():
            times[k].append(replay(record, e))
    n = len(record) - 1
    med = {k: statistics.median(v) * 1e6 / n for k, v in times.items()}
    return n, med


def score(frames, events, people, label="person"):
    per = []
    owner = {}
    for p, w0, w1, v0, v1 in people:
        if v0 >= len(frames):
            continue
        ids, seq, detected, tracked = set(), [], 0, 0
        for f in range(w0, min(w1, len(frames) - 1) + 1):
            rows = [i for i, lab in frames[f] if lab == label]
            if not rows:
                continue
            detected += 1
            good = [i for i in rows if i > 0]
            if good:
                tracked += 1
                # one person in view: the best-tracked row is theirs
                i = min(good)
                ids.add(i)
                if not seq or seq[-1] != i:
                    seq.append(i)
                owner.setdefault(i, set()).add(p)
        per.append({"person": p, "ids": len(ids), "switches": max(len(seq) - 1, 0),
                    "detected": detected, "tracked": tracked})
    merged = sum(1 for s in owner.values() if len(s) > 1)
    ev = [e for e in events if e["label"] == label]
    enters = sum(1 for e in ev if e["type"] == "enter")
    leaves = sum(1 for e in ev if e["type"] == "leave")
    return per, merged, enters, leaves


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--shared", default=os.environ.get(
        "YOLOR_SHARED_DIR", os.path.join(os.path.dirname(ROOT), "shared")))
    ap.add_argument("--model", default="")
    ap.add_argument("--quick", action="store_true",
                    help="only the two tracking types on every frame")
    ap.add_argument("--check", type=int, default=0, metavar="FRAMES",
                    help="test the first FRAMES frames; fail on a wrong id")
    args = ap.parse_args()
    os.environ["GST_PLUGIN_PATH"] = os.path.join(args.build, "gst")
    video = os.path.join(args.shared, "video", "one-by-one-person-detection.mp4")
    people = load_labels(os.path.join(ROOT, "tests", "data",
                                      "one-by-one-person.tracks"))
    model = f"model={args.model} " if args.model else ""
    configs = [
        ("iou", "", "tracking-type=iou", None),
        ("embedding", "", "tracking-type=embedding", None),
    ]
    if args.check:
        configs.append(("embedding, blind 70-79", "", "tracking-type=embedding",
                        (70, 79)))
    elif not args.quick:
        configs += [
            ("iou, interval 3", "inference-interval=3", "tracking-type=iou", None),
            ("embedding, interval 3", "inference-interval=3",
             "tracking-type=embedding", None),
            # person 1 walks in from the bottom left over frames 60-90
            ("iou, blind 70-79", "", "tracking-type=iou", (70, 79)),
            ("embedding, blind 70-79", "", "tracking-type=embedding", (70, 79)),
            ("embedding, blind 70-89", "", "tracking-type=embedding", (70, 89)),
            ("iou, blind 70-89", "", "tracking-type=iou", (70, 89)),
            # longer than max-age (30): the track ends, a new id is right
            ("embedding, blind 70-109", "", "tracking-type=embedding",
             (70, 109)),
            ("embedding, blind 70-109, max-age 50", "",
             "tracking-type=embedding max-age=50", (70, 109)),
        ]
    print(f"video: {video}; labels: tests/data/one-by-one-person.tracks")
    print("| configuration | ids per person | switches | merged | tracked "
          "| enter/leave |")
    print("|---|---|---|---|---|---|")
    failures = []
    record = [] if not args.check else None
    for name, dprops, tprops, blind in configs:
        frames, events = run(video, model + dprops, tprops, blind,
                                    args.check,
                                    record if name == "embedding" else None)
        per, merged, enters, leaves = score(frames, events, people)
        if args.check:
            failures += check(name, per, merged, enters, leaves)
        ids = " ".join(str(p["ids"]) for p in per)
        sw = sum(p["switches"] for p in per)
        tr = sum(p["tracked"] for p in per)
        dt = sum(p["detected"] for p in per)
        print(f"| {name} | {ids} | {sw} | {merged} | {tr}/{dt} "
              f"| {enters}/{leaves} |", flush=True)
    if record:
        n, med = replay_costs(record)
        print(f"\nyolortrack alone: {n} recorded frames of the embedding run "
              f"replayed from an appsrc, 9 interleaved rounds, median µs per "
              f"frame: identity {med['identity']:.1f}, iou {med['iou']:.1f} "
              f"(+{med['iou'] - med['identity']:.1f}), embedding "
              f"{med['embedding']:.1f} "
              f"(+{med['embedding'] - med['identity']:.1f})")
    for f in failures:
        print(f"FAIL {f}")
    sys.exit(1 if failures else 0)


def check(name, per, merged, enters, leaves):
    """What is wrong with one configuration's scores (empty: nothing)."""
    bad = []
    if not per:
        bad.append(f"{name}: nobody in view")
    for p in per:
        if p["ids"] != 1 or p["switches"] != 0:
            bad.append(f"{name}: person {p['person']} got {p['ids']} ids, "
                       f"{p['switches']} switches")
        if p["tracked"] < 0.95 * p["detected"]:
            bad.append(f"{name}: person {p['person']} tracked on "
                       f"{p['tracked']} of {p['detected']} frames")
    if merged:
        bad.append(f"{name}: {merged} ids given to more than one person")
    if enters != len(per) or leaves != len(per):
        bad.append(f"{name}: {enters} enter and {leaves} leave events for "
                   f"{len(per)} people")
    return bad


if __name__ == "__main__":
    main()

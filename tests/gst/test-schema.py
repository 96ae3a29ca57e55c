#!/usr/bin/python3
"""The JSON of yolormetaconvert and yolor-annotate against DL Streamer's.

Runs the sample video's first frames through yolordetect ! yolortrack !
yolormetaconvert ! yolormetapublish (both file formats) and through
yolor-annotate --track, then checks that each message parses, holds every
member of a gvametaconvert message (tests/data/dlstreamer-gvametaconvert
.jsonl) with the same JSON type, and that the values mean what
docs/metadata.md says (units, normalised boxes, track ids, events).

Usage: test-schema.py BUILD_DIR SHARED_DIR OUT_DIR
"""
import json
import os
import shlex
import subprocess
import sys

FRAMES = 100
SOURCE = "lab camera 1"


def paths(value, prefix=""):
    """The (path, JSON type) pairs of @value; arrays as path[]."""
    out = set()
    if isinstance(value, dict):
        out.add((prefix, "object"))
        for k, v in value.items():
            out |= paths(v, f"{prefix}.{k}" if prefix else k)
    elif isinstance(value, list):
        out.add((prefix, "array"))
        for v in value:
            out |= paths(v, prefix + "[]")
    elif isinstance(value, bool):
        out.add((prefix, "boolean"))
    elif isinstance(value, int):
        out.add((prefix, "integer"))
    elif isinstance(value, float):
        out.add((prefix, "number"))
    elif isinstance(value, str):
        out.add((prefix, "string"))
    else:
        out.add((prefix, "null"))
    return out


def check(cond, what):
    if not cond:
        sys.exit(f"FAIL: {what}")


def check_frames(name, messages, sample_paths, sample_frame_paths):
    frames = [m for m in messages if "frame" in m]
    events = [m for m in messages if "frame" not in m]
    # identity eos-after lets a few frames more through
    check(len(frames) >= FRAMES, f"{name}: {len(frames)} frames, not {FRAMES}")
    check(len(events) == 1 and events[0].get("reason") == "eos",
          f"{name}: not one final events message: {events}")
    with_objects = 0
    ids = set()
    entered = set()
    last_ts = -1
    for i, m in enumerate(frames):
        check(m["frame"] == i, f"{name}: frame {m['frame']} at line {i}")
        got = paths(m)
        want = sample_paths if m["objects"] else sample_frame_paths
        missing = sorted(want - got)
        check(not missing, f"{name}: frame {i} lacks {missing}")
        # timestamp: the PTS in ns, 10 frames a second (the video skips
        # frames here and there); the frames identity lets through after
        # the first FRAMES may come from anywhere later
        check(m["timestamp"] > last_ts, f"{name}: timestamps go back")
        if last_ts >= 0 and i < FRAMES:
            check(99_000_000 <= m["timestamp"] - last_ts <= 2_000_000_000,
                  f"{name}: frame {i} is not 0.1-2 s (in ns) after the last")
        last_ts = m["timestamp"]
        W, H = m["resolution"]["width"], m["resolution"]["height"]
        check((W, H) == (768, 432), f"{name}: resolution {W}x{H}")
        for o in m["objects"]:
            with_objects += 1
            bb = o["detection"]["bounding_box"]
            check(0 <= bb["x_min"] <= bb["x_max"] <= 1
                  and 0 <= bb["y_min"] <= bb["y_max"] <= 1,
                  f"{name}: box not normalised: {bb}")
            check(abs(o["x"] - bb["x_min"] * W) <= 2
                  and abs(o["w"] - (bb["x_max"] - bb["x_min"]) * W) <= 2
                  and abs(o["y"] - bb["y_min"] * H) <= 2
                  and abs(o["h"] - (bb["y_max"] - bb["y_min"]) * H) <= 2,
                  f"{name}: pixels and normalised box disagree: {o}")
            check(o["roi_type"] == o["detection"]["label"],
                  f"{name}: roi_type is not the label")
            check(0 < o["detection"]["confidence"] <= 1, f"{name}: confidence")
            if "id" in o:
                check(isinstance(o["id"], int) and o["id"] > 0,
                      f"{name}: track id {o['id']}")
                ids.add(o["id"])
        for e in m.get("events", []):
            check(e["type"] in ("enter", "leave"), f"{name}: event {e}")
            check(e["first_timestamp"] <= e["last_timestamp"]
                  and e["first_frame"] <= e["last_frame"],
                  f"{name}: event times {e}")
            if e["type"] == "enter":
                entered.add(e["id"])
    left = {e["id"] for e in events[0]["events"]} | {
        e["id"] for m in frames for e in m.get("events", [])
        if e["type"] == "leave"}
    check(with_objects > 0, f"{name}: no objects in {FRAMES} frames")
    check(ids and ids == entered, f"{name}: ids {ids}, entered {entered}")
    check(entered == left, f"{name}: entered {entered}, left {left}")
    print(f"{name}: {len(frames)} frames, {with_objects} objects, "
          f"{len(ids)} track ids, schema as DL Streamer's")


def main():
    build, shared, out = sys.argv[1:4]
    here = os.path.dirname(os.path.abspath(__file__))
    video = os.path.join(shared, "video", "one-by-one-person-detection.mp4")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(here, "..", "data",
                           "dlstreamer-gvametaconvert.jsonl")) as f:
        sample = [json.loads(line) for line in f if line.strip()]
    sample_paths = set().union(*(paths(m) for m in sample))
    # a frame without objects has the frame's members and an empty array
    sample_frame_paths = {p for p in sample_paths
                          if not p[0].startswith("objects[]")}

    jsonl = os.path.join(out, "convert.jsonl")
    whole = os.path.join(out, "convert.json")
    pipeline = (
        f'filesrc location="{video}" ! decodebin ! videoconvert ! '
        f'identity eos-after={FRAMES} ! yolordetect ! yolortrack ! '
        f'yolormetaconvert add-empty-results=true source="{SOURCE}" '
        f'tags="{{\\"site\\":\\"lab\\"}}" ! tee name=t '
        f't. ! queue ! yolormetapublish file-format=json-lines '
        f'file-path="{jsonl}" ! fakesink '
        f't. ! queue ! yolormetapublish file-format=json '
        f'file-path="{whole}" ! fakesink')
    # one argument per word: gst-launch quotes each argument it is given
    r = subprocess.run(["gst-launch-1.0", "-q"] + shlex.split(pipeline),
                       timeout=300,
                       capture_output=True, text=True)
    check(r.returncode == 0, f"gst-launch failed: {r.stderr}\n{pipeline}")
    with open(jsonl) as f:
        lines = [json.loads(line) for line in f]
    with open(whole) as f:
        array = json.load(f)
    check(array == lines, "file-format=json and json-lines differ")
    check(all(m.get("source") == SOURCE and m.get("tags") == {"site": "lab"}
              for m in lines if "frame" in m), "source or tags missing")
    check_frames("yolormetaconvert", lines, sample_paths, sample_frame_paths)

    # yolor-annotate writes the same schema (frames without objects too)
    annotated = os.path.join(out, "annotate.jsonl")
    r = subprocess.run([os.path.join(build, "gst", "yolor-annotate"),
                        "--no-video", "--track", "embedding", "--max-frames",
                        str(FRAMES), "--jsonl", annotated, video],
                       timeout=300, capture_output=True, text=True)
    check(r.returncode == 0, f"yolor-annotate failed: {r.stderr}")
    with open(annotated) as f:
        lines = [json.loads(line) for line in f]
    sample_paths = {p for p in sample_paths if not p[0].startswith("source")}
    sample_frame_paths = {p for p in sample_frame_paths
                          if not p[0].startswith("source")}
    check_frames("yolor-annotate", lines, sample_paths, sample_frame_paths)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
# `yolor detect --threshold 0.25` agrees with reference darknet
# (../shared/expected/<model>.darknet.json) on the five test images:
# the same detections, matched one to one by class with box IoU >= 0.95 and
# |confidence difference| <= 0.03. The engine itself is held to 0.01 in
# tests/lib/test-darknet.c, which decodes the JPEGs with darknet's own
# decoder; here the images go through GStreamer's JPEG decoder, whose pixels
# differ from darknet's by a level or two, which moves a few confidences of
# the small models by up to 0.02. Darknet lists a box once per class above
# the threshold, and so does yolor (multi-label). Darknet's boxes are not
# clamped to the image while ours are, so the expected boxes are clamped to
# [0,1] before the IoU. A detection that is unmatched only because its
# confidence is within 0.01 of the threshold is reported, not failed.
#
# Usage: test-darknet.py PATH/TO/yolor
#
# Copyright (C) 2026 the gst-yolor authors
# SPDX-License-Identifier: LGPL-2.1-or-later

import json
import os
import subprocess
import sys

YOLOR = sys.argv[1] if len(sys.argv) > 1 else "yolor"
SHARED = os.environ.get("YOLOR_SHARED_DIR", "../shared")
MODELS = ["yolo-fastest-1.1", "yolo-fastest-1.1-xl",
          "mobilenetv2-yolov3-nano-coco"]
IMAGES = ["dog.jpg", "eagle.jpg", "giraffe.jpg", "horses.jpg", "person.jpg"]
THRESHOLD = 0.25
MIN_IOU = 0.95
MAX_DCONF = 0.03


def clamp01(v):
    return min(max(v, 0.0), 1.0)


def corners(rel, clamp):
    x1 = rel["center_x"] - rel["width"] / 2
    x2 = rel["center_x"] + rel["width"] / 2
    y1 = rel["center_y"] - rel["height"] / 2
    y2 = rel["center_y"] + rel["height"] / 2
    if clamp:
        x1, y1, x2, y2 = clamp01(x1), clamp01(y1), clamp01(x2), clamp01(y2)
    return x1, y1, x2, y2


def iou(a, b):
    iw = min(a[2], b[2]) - max(a[0], b[0])
    ih = min(a[3], b[3]) - max(a[1], b[1])
    if iw <= 0 or ih <= 0:
        return 0.0
    inter = iw * ih
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) \
        - inter
    return inter / union if union > 0 else 0.0


def describe(d, box):
    return "class %d %-12s conf %.4f box (%.4f %.4f %.4f %.4f)" % (
        d["class_id"], d.get("name", d.get("label", "")), d["confidence"],
        box[0], box[1], box[2], box[3])


def compare(model, image, expected, got):
    """Returns (n_matched, errors, notes)."""
    errors, notes = [], []
    exp = [(e, corners(e["relative_coordinates"], True)) for e in expected]
    ours = [(g, corners(g["relative_coordinates"], False)) for g in got]
    pairs = []
    for i, (e, eb) in enumerate(exp):
        for j, (g, gb) in enumerate(ours):
            if g["class_id"] == e["class_id"]:
                pairs.append((iou(eb, gb), i, j))
    pairs.sort(reverse=True)
    used_e, used_g, n_matched = set(), set(), 0
    for v, i, j in pairs:
        if i in used_e or j in used_g or v < 0.5:
            continue
        used_e.add(i)
        used_g.add(j)
        e, eb = exp[i]
        g, gb = ours[j]
        dconf = abs(g["confidence"] - e["confidence"])
        if v >= MIN_IOU and dconf <= MAX_DCONF:
            n_matched += 1
        else:
            errors.append("%s %s: differs: darknet %s / yolor %s (IoU %.4f, "
                          "|dconf| %.4f)" % (model, image, describe(e, eb),
                                             describe(g, gb), v, dconf))
    for i, (e, eb) in enumerate(exp):
        if i in used_e:
            continue
        msg = "%s %s: missing: darknet %s" % (model, image, describe(e, eb))
        if abs(e["confidence"] - THRESHOLD) <= MAX_DCONF:
            notes.append(msg + " (at the threshold, tolerated)")
        else:
            errors.append(msg)
    for j, (g, gb) in enumerate(ours):
        if j in used_g:
            continue
        msg = "%s %s: extra: yolor %s" % (model, image, describe(g, gb))
        if abs(g["confidence"] - THRESHOLD) <= MAX_DCONF:
            notes.append(msg + " (at the threshold, tolerated)")
        else:
            errors.append(msg)
    return n_matched, errors, notes


def main():
    if not os.path.isdir(SHARED):
        print("SKIP: no shared data at %s" % SHARED)
        return 77
    all_errors = []
    for model in MODELS:
        cfg = os.path.join(SHARED, "models", model, model + ".cfg")
        with open(os.path.join(SHARED, "expected",
                               model + ".darknet.json")) as f:
            expected = {fr["filename"]: fr["objects"] for fr in json.load(f)}
        paths = [os.path.join(SHARED, "images", i) for i in IMAGES]
        r = subprocess.run([YOLOR, "detect", cfg, "--threshold",
                            str(THRESHOLD)] + paths,
                           capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            all_errors.append("%s: yolor detect exited %d: %s"
                              % (model, r.returncode, r.stderr.strip()))
            print("FAIL: " + all_errors[-1])
            continue
        got = {}
        for line in r.stdout.splitlines():
            obj = json.loads(line)
            got[os.path.basename(obj["file"])] = obj["detections"]
        for image in IMAGES:
            exp = expected.get(image, [])
            n, errors, notes = compare(model, image, exp, got.get(image, []))
            status = "ok" if not errors else "FAIL"
            print("%s: %s %s: %d of %d darknet detections matched, yolor has "
                  "%d" % (status, model, image, n, len(exp),
                          len(got.get(image, []))))
            for m in errors:
                print("    " + m)
            for m in notes:
                print("    note: " + m)
            all_errors += errors
    if all_errors:
        print("\n%d mismatch(es)" % len(all_errors))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

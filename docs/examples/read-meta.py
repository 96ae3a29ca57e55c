#!/usr/bin/python3
# read-meta.py: read yolordetect's metadata from Python (PyGObject).
#
# Copyright (C) 2026 the gst-yolor authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: read-meta.py VIDEO [N_FRAMES [START_SECONDS]]
# Needs python3-gi and gir1.2-gstreamer-1.0 (Debian's /usr/bin/python3 has
# them once installed; another python3 on PATH may not); gst-python is not
# needed.
# Exits 1 if a frame lacks the frame meta or no person is seen.

import struct
import sys
import warnings

try:
    import gi
except ImportError:
    sys.exit("%s: needs PyGObject for this Python (%s): on Debian, "
             "apt install python3-gi gir1.2-gstreamer-1.0 and run it with "
             "/usr/bin/python3" % (sys.argv[0], sys.executable))

gi.require_version("Gst", "1.0")
gi.require_version("GstApp", "1.0")
from gi.repository import Gst, GstApp  # noqa: E402

warnings.filterwarnings("ignore", category=DeprecationWarning)


def array(structure, field):
    """A GstValueArray field as a Python list (works without gst-python)."""
    ok, arr = structure.get_array(field)
    return [arr.get_nth(i) for i in range(arr.n_values)] if ok else []


def main():
    Gst.init(None)
    video = sys.argv[1]
    n_frames = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    start = float(sys.argv[3]) if len(sys.argv) > 3 else 30.0
    pipe = Gst.parse_launch(
        f'filesrc location="{video}" ! decodebin ! videoconvert ! '
        "yolordetect ! appsink name=sink sync=false")
    sink = pipe.get_by_name("sink")
    pipe.set_state(Gst.State.PAUSED)
    pipe.get_state(Gst.CLOCK_TIME_NONE)
    pipe.seek_simple(Gst.Format.TIME,
                     Gst.SeekFlags.FLUSH | Gst.SeekFlags.ACCURATE,
                     int(start * Gst.SECOND))
    pipe.set_state(Gst.State.PLAYING)

    people = 0
    for i in range(n_frames):
        sample = sink.pull_sample()
        if sample is None:
            break
        buf = sample.get_buffer()

        # The frame meta: a GstCustomMeta holding one GstStructure.
        meta = buf.get_custom_meta("GstYolorFrameMeta")
        if meta is None:
            print(f"frame {i}: no frame meta", file=sys.stderr)
            return 1
        s = meta.get_structure()
        labels = array(s, "labels")
        confs = array(s, "confidences")
        boxes = list(zip(array(s, "x_min"), array(s, "y_min"),
                         array(s, "x_max"), array(s, "y_max")))
        ok, fresh = s.get_boolean("fresh")
        print(f"frame {i}: {len(labels)} objects, fresh={fresh}")
        for label, conf, box in zip(labels, confs, boxes):
            print(f"  {label:12s} {conf:.2f} "
                  + " ".join(f"{v:.3f}" for v in box))
            people += label == "person"

        # Embeddings: one buffer of N x D float32.
        ok, dim = s.get_int("embedding_dim")
        if ok and dim > 0 and s.has_field("embeddings"):
            emb = s.get_value("embeddings")
            ok, info = emb.map(Gst.MapFlags.READ)
            first = struct.unpack_from(f"{dim}f", bytes(info.data))
            emb.unmap(info)
            print(f"  embedding[0]: {dim} floats, "
                  f"norm {sum(v * v for v in first) ** 0.5:.3f}")
    pipe.set_state(Gst.State.NULL)
    if people == 0:
        print("no person seen", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

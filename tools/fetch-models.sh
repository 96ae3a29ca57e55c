#!/bin/sh
# Download the darknet-family models gst-yolor runs out of the box, and the
# COCO class names, from their upstream repositories; verify every file's
# sha256. Needs curl and sha256sum, and the internet. Never run by the tests.
#
# Usage: tools/fetch-models.sh [DEST]      (default DEST: ./models)
#
# Result (the layout the tests and docs use):
#   DEST/coco.names
#   DEST/yolo-fastest-1.1/yolo-fastest-1.1.{cfg,weights}
#   DEST/yolo-fastest-1.1-xl/yolo-fastest-1.1-xl.{cfg,weights}
#   DEST/mobilenetv2-yolov3-nano-coco/mobilenetv2-yolov3-nano-coco.{cfg,weights}
#
# The models are public domain ("YOLO LICENSE" of their repositories).
#
# Copyright (C) 2026 the gst-yolor authors
# SPDX-License-Identifier: LGPL-2.1-or-later
set -eu

dest=${1:-models}
fastest=https://raw.githubusercontent.com/dog-qiuqiu/Yolo-Fastest/master/ModelZoo/yolo-fastest-1.1_coco
nano=https://raw.githubusercontent.com/dog-qiuqiu/MobileNet-Yolo/master/MobileNetV2-YOLOv3-Nano/COCO
names=https://raw.githubusercontent.com/AlexeyAB/darknet/master/data/coco.names

# local path | URL | sha256
files="
coco.names|$names|634a1132eb33f8091d60f2c346ababe8b905ae08387037aed883953b7329af84
yolo-fastest-1.1/yolo-fastest-1.1.cfg|$fastest/yolo-fastest-1.1.cfg|f6df5775c1e862998cf69046eba9265be3ae84dfe8b2caab7529823f0795bf70
yolo-fastest-1.1/yolo-fastest-1.1.weights|$fastest/yolo-fastest-1.1.weights|1c445c42bbd6df63edea2cc69f99667b5650d663ca11e34b116240740cd42890
yolo-fastest-1.1-xl/yolo-fastest-1.1-xl.cfg|$fastest/yolo-fastest-1.1-xl.cfg|c458427acc4fbeabceff4528ef7b65b066c0308ce599460f8ba299eba63abad3
yolo-fastest-1.1-xl/yolo-fastest-1.1-xl.weights|$fastest/yolo-fastest-1.1-xl.weights|fac5fb41786c1f38f04972a658443b189f48720d7d117f9a044100e98a35b0c5
mobilenetv2-yolov3-nano-coco/mobilenetv2-yolov3-nano-coco.cfg|$nano/MobileNetV2-YOLOv3-Nano-coco.cfg|f9c93b9167275c94975984c8b1d8adbff990f2e3a983adc79d02e748d6ed763b
mobilenetv2-yolov3-nano-coco/mobilenetv2-yolov3-nano-coco.weights|$nano/MobileNetV2-YOLOv3-Nano-coco.weights|60a6c2a86735fd39ff54d61f9a16f3ac3fe24a8b2e0d7740585bf2b54a5db81a
"

for tool in curl sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "fetch-models: '$tool' is needed" >&2
    exit 1
  }
done

status=0
for entry in $files; do
  path=${entry%%|*}
  rest=${entry#*|}
  url=${rest%|*}
  sum=${rest##*|}
  out="$dest/$path"
  mkdir -p "$(dirname "$out")"
  if [ -f "$out" ] && echo "$sum  $out" | sha256sum -c --status; then
    echo "have  $out"
    continue
  fi
  echo "fetch $out"
  if ! curl -fsSL --retry 3 -o "$out.part" "$url"; then
    echo "fetch-models: download failed: $url" >&2
    rm -f "$out.part"
    status=1
    continue
  fi
  if echo "$sum  $out.part" | sha256sum -c --status; then
    mv "$out.part" "$out"
  else
    echo "fetch-models: sha256 mismatch for $url" >&2
    echo "  expected $sum" >&2
    echo "  got      $(sha256sum "$out.part" | cut -d' ' -f1)" >&2
    rm -f "$out.part"
    status=1
  fi
done
exit $status

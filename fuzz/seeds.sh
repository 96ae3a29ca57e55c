#!/bin/sh
# Writes the seed inputs of the fuzz targets (fuzz/) into OUT/<target>/:
#   cfg/     every cfg of SHARED/models, SHARED/models/yolor-cfg and
#            SHARED/reference/cfg, and a tiny model
#   load/    the same cfgs (synthetic parameters), and the tiny model with
#            weights of the exact size, a truncated one and one with a v0.1
#            header (fuzz-load.c's separator between the two)
#   weights/ for each model of fuzz-weights.c: zero and all-one parameters
#            of the exact size (with and without the implicit trailer),
#            a v0.1 header, truncated files; the first 4 KiB of the real
#            weights in SHARED/models
#   frame/   every pixel format with every resize mode (fuzz-frame.c's
#            parameter bytes, then pixels)
#   track/   two objects crossing, in both tracking modes (fuzz-track.c)
# Nothing here is copied into the project: OUT is a build directory.
#
# Usage: fuzz/seeds.sh OUT SHARED [STAMP]   (STAMP: touched when done)
set -eu

if [ $# -lt 2 ]; then
  echo "usage: $0 OUT SHARED [STAMP]" >&2
  exit 2
fi
OUT=$1
SHARED=$2
STAMP=${3:-}
rm -rf "$OUT"
mkdir -p "$OUT/cfg" "$OUT/load" "$OUT/weights" "$OUT/frame" "$OUT/track"

# bytes N...: the raw bytes of the decimal values N (0-255)
bytes() {
  for b in "$@"; do
    printf '%b' "\\0$(printf '%o' "$b")"
  done
}

# le32 N: a little-endian 32-bit integer
le32() {
  bytes $(($1 & 255)) $((($1 >> 8) & 255)) $((($1 >> 16) & 255)) \
    $((($1 >> 24) & 255))
}

# header MAJOR MINOR: the .weights header (seen is 64-bit from version 0.2)
header() {
  le32 "$1"
  le32 "$2"
  le32 0
  le32 0
  if [ $(($1 * 10 + $2)) -ge 2 ]; then
    le32 0
  fi
}

# zeros N: N float zeros; ones N: N floats 1.0
zeros() {
  dd if=/dev/zero bs=4 count="$1" 2>/dev/null
}
ones() {
  i=0
  while [ "$i" -lt "$1" ]; do
    bytes 0 0 128 63
    i=$((i + 1))
  done
}

# first N bytes of a file
first() {
  dd if="$2" bs="$1" count=1 2>/dev/null
}

# fuzz-load.c's separator between the cfg and the weights
sep() {
  printf '\n%%weights%%\n'
}

# ---- the cfgs ----
for f in "$SHARED"/models/*/*.cfg "$SHARED"/reference/cfg/*.cfg; do
  [ -f "$f" ] || continue
  name=$(basename "$f")
  cp "$f" "$OUT/cfg/$name"
  cp "$f" "$OUT/load/$name"
done

# The first model of fuzz-weights.c: 214 floats.
TINY='[net]
width=16
height=16
[convolutional]
batch_normalize=1
filters=4
size=3
stride=2
pad=1
activation=leaky
[convolutional]
filters=18
size=1
stride=1
activation=linear
[yolo]
mask=0,1,2
anchors=4,6, 10,12, 20,24
classes=1
num=3'
printf '%s\n' "$TINY" >"$OUT/cfg/tiny.cfg"
printf '%s\n' "$TINY" >"$OUT/load/tiny.cfg"
{ printf '%s' "$TINY"; sep; header 0 2; ones 214; } \
  >"$OUT/load/tiny-weights"
{ printf '%s' "$TINY"; sep; header 0 1; zeros 214; } \
  >"$OUT/load/tiny-weights-v01"
{ printf '%s' "$TINY"; sep; header 0 2; zeros 200; } \
  >"$OUT/load/tiny-weights-truncated"

# ---- weights: the models of fuzz-weights.c (conv floats, trailer floats)
# model_seeds INDEX CONV TRAILER
model_seeds() {
  { header 0 2; zeros "$2"; } >"$OUT/weights/model$1-zeros"
  { header 0 2; ones "$2"; } >"$OUT/weights/model$1-ones"
  { header 0 1; ones "$2"; } >"$OUT/weights/model$1-v01"
  { header 0 2; zeros $(($2 - 1)); } >"$OUT/weights/model$1-truncated"
  if [ "$3" -gt 0 ]; then
    { header 0 2; ones $(($2 + $3)); } >"$OUT/weights/model$1-trailer"
  fi
}
model_seeds 0 214 0
model_seeds 1 204 0
model_seeds 2 410 26
header 0 2 >"$OUT/weights/header-only"
for f in "$SHARED"/models/*/*.weights; do
  [ -f "$f" ] || continue
  first 4096 "$f" >"$OUT/weights/$(basename "$f" .weights)-4k"
done

# ---- frames: format, resize, matrix, flags, width, height (16-bit), net
# width, height, then stride extra + 2 and offset for three planes; pixels
fmt=0
while [ "$fmt" -le 10 ]; do
  resize=0
  while [ "$resize" -le 3 ]; do
    {
      bytes "$fmt" "$resize" $((fmt % 5)) $((resize & 1)) \
        $((37 + fmt)) 0 $((23 + resize)) 0 31 47 2 0 5 3 2 1
      i=0
      while [ "$i" -lt 64 ]; do
        bytes $(((i * 37 + fmt) & 255))
        i=$((i + 1))
      done
    } >"$OUT/frame/fmt$fmt-resize$resize"
    resize=$((resize + 1))
  done
  fmt=$((fmt + 1))
done

# ---- tracks: fuzz-track.c's parameters (mode, IoU, appearance, min_hits,
# max_age, per_class, min_confidence, embedding size), then per update the
# frame step, the detections, the operation (1: with embeddings), each
# detection's box (4 × 16 bits, half pixels), class, confidence, and the
# embeddings. Two objects walking towards each other, both modes.
le16() {
  bytes $(($1 & 255)) $((($1 >> 8) & 255))
}
for mode in 0 1; do
  {
    bytes "$mode" 77 51 2 10 1 0 4
    u=0
    while [ "$u" -lt 16 ]; do
      bytes 1 2 1
      le16 $((2 * (40 + 12 * u))) ; le16 200 ; le16 $((2 * (100 + 12 * u)))
      le16 520 ; bytes 0 230
      le16 $((2 * (600 - 12 * u))) ; le16 210 ; le16 $((2 * (660 - 12 * u)))
      le16 530 ; bytes 0 220
      bytes 191 127 127 127 127 191 127 127
      u=$((u + 1))
    done
  } >"$OUT/track/crossing-mode$mode"
done

if [ -n "$STAMP" ]; then
  : >"$STAMP"
fi

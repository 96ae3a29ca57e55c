#!/bin/sh
# --detect-props of yolor-annotate and yolor-rtsp-server takes property
# assignments only: anything that would add elements to the launch line is
# refused (exit 2, naming the word), and values with spaces or launch
# syntax stay values.
#   test-launch-props.sh YOLOR_ANNOTATE YOLOR_RTSP_SERVER VIDEO OUT_DIR
set -u
annotate=$1
server=$2
video=$3
out=$4
failed=0
assign="is not a property assignment"

# refused WHAT MESSAGE COMMAND…: COMMAND fails, saying MESSAGE
refused () {
  what=$1
  message=$2
  shift 2
  if err=$("$@" 2>&1 >/dev/null); then
    echo "FAIL: $what: accepted"
    failed=1
  elif ! printf '%s' "$err" | grep -q "$message"; then
    echo "FAIL: $what: $err"
    failed=1
  else
    echo "ok: $what refused"
  fi
}

refused "annotate, a link" "$assign" "$annotate" --detect-props 'threshold=0.3 ! fakesink' "$video"
refused "annotate, a bin" "$assign" "$annotate" --detect-props 'threshold=0.3 ) ( fakesrc' "$video"
refused "server, a link" "$assign" "$server" --detect-props 'threshold=0.3 ! tee' "$video"
refused "server, a bare word" "$assign" "$server" --detect-props 'fakesink' "$video"
# the apps find their elements by name: a quoted name= cannot rename one
refused "annotate, name" "name is the application's" "$annotate" \
  --detect-props "threshold=0.3 'name'=x" "$video"

# a value with a space and a '!' is one value: the element rejects it or
# takes it, and no element is added
mkdir -p "$out"
if "$annotate" --no-video --max-frames 3 --output-dir "$out" \
  --detect-props "object-class='person, car' threshold=0.3" "$video" >/dev/null; then
  echo "ok: quoted values"
else
  echo "FAIL: object-class='person, car' was not accepted"
  failed=1
fi
if "$annotate" --no-video --max-frames 3 --output-dir "$out" \
  --detect-props "object-class='person ! fakesink'" "$video" >"$out/props.log" 2>&1 \
  && ! grep -q fakesink "$out"/*-detections.jsonl; then
  echo "ok: '!' inside a value stays a value"
else
  echo "FAIL: object-class='person ! fakesink'"
  cat "$out/props.log"
  failed=1
fi
exit $failed

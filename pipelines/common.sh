# Sourced by the pipeline scripts: finds the sample data, the plugin and the
# apps of a meson build, and the settings for short test runs.
#
#   YOLOR_SHARED_DIR  data folder (default: ../shared beside the source tree)
#   YOLOR_BUILD_DIR   meson build folder (default: <source>/build)
#   YOLOR_OUT_DIR     where outputs go (default: ./yolor-out)
#   VIDEO             input video (default: the sample with people walking)
#   FRAMES            stop after this many frames (default: all)
#   VIDEO_SINK        display sink (default: autovideosink)
#   PIPELINE_TEST=1   short run for the test suite: FRAMES=20, fakesink
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
SHARED=${YOLOR_SHARED_DIR:-$ROOT/../shared}
VIDEO=${VIDEO:-$SHARED/video/one-by-one-person-detection.mp4}
BUILD=${YOLOR_BUILD_DIR:-$ROOT/build}
BIN=${YOLOR_BIN_DIR:-$BUILD/gst}
OUT=${YOLOR_OUT_DIR:-$PWD/yolor-out}

# The plugin of the build, before any installed one.
if [ -f "$BIN/libgstyolor.so" ]; then
  GST_PLUGIN_PATH="$BIN${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
  export GST_PLUGIN_PATH
fi

if [ -n "$PIPELINE_TEST" ]; then
  FRAMES=${FRAMES:-20}
  VIDEO_SINK=fakesink
fi
VIDEO_SINK=${VIDEO_SINK:-autovideosink}
LIMIT=""
DECODE="decodebin"
if [ -n "$FRAMES" ]; then
  LIMIT="identity eos-after=$FRAMES !"
  # Cut an MP4 before its decoder: cutting decoded frames while the decoder
  # still drains can leave mp4mux a buffer without a timestamp.
  DECODE="qtdemux ! h264parse ! identity eos-after=$FRAMES ! avdec_h264"
fi

if [ ! -f "$VIDEO" ]; then
  echo "error: no video at $VIDEO (set VIDEO or YOLOR_SHARED_DIR)" >&2
  exit 1
fi
if ! gst-inspect-1.0 yolordetect >/dev/null 2>&1; then
  echo "error: the yolordetect element is not found; build with" \
    "'meson setup build && ninja -C build' or set GST_PLUGIN_PATH" >&2
  exit 1
fi
OSD="yolorosd !"
if ! gst-inspect-1.0 yolorosd >/dev/null 2>&1; then
  echo "note: yolorosd is not available, the boxes are not drawn" >&2
  OSD=""
fi
mkdir -p "$OUT"

# find_app NAME: the path of one of our programs (build folder, then PATH).
find_app () {
  for d in "$BIN" "$BUILD/gst"; do
    if [ -x "$d/$1" ]; then
      echo "$d/$1"
      return 0
    fi
  done
  command -v "$1" || { echo "error: $1 not built" >&2; return 1; }
}

# run: echo a command, then run it.
run () {
  echo "+ $*" >&2
  "$@"
}

# run_until_eos: run a gst-launch-1.0 command; success when the pipeline
# reached EOS (an RTSP session may report a write error while tearing down
# after EOS, which must not fail a short test run).
run_until_eos () {
  echo "+ $*" >&2
  _log=$(mktemp)
  _rc=0
  "$@" > "$_log" 2>&1 || _rc=$?
  cat "$_log"
  if grep -q 'Got EOS from element' "$_log"; then
    _rc=0
  fi
  rm -f "$_log"
  return $_rc
}

# start_server NAME URLS [yolor-rtsp-server options…]: serves $VIDEO with
# yolor-rtsp-server on a free loopback port for a short test run (killed
# when the script exits) and waits until it printed URLS addresses, one per
# line, into $SERVER_LOG ($OUT/NAME-server.log).
start_server () {
  _name=$1
  _urls=$2
  shift 2
  SERVER_LOG="$OUT/$_name-server.log"
  rm -f "$SERVER_LOG"
  # not built (no libgstrtspserver-1.0-dev): say so, never wait on nothing
  _server=$(find_app yolor-rtsp-server) || exit 1
  "$_server" --port 0 --quit-after 120 "$@" "$VIDEO" > "$SERVER_LOG" 2>&1 &
  _server_pid=$!
  trap 'kill $_server_pid 2>/dev/null || true' EXIT
  _i=0
  while [ "$(grep -c '^rtsp' "$SERVER_LOG" 2>/dev/null || true)" != "$_urls" ] \
    && [ $_i -lt 100 ]; do
    sleep 0.1
    _i=$((_i + 1))
  done
  if [ "$(grep -c '^rtsp' "$SERVER_LOG" 2>/dev/null || true)" != "$_urls" ]; then
    echo "error: yolor-rtsp-server did not start:" >&2
    cat "$SERVER_LOG" >&2
    exit 1
  fi
}

# start_broker NAME: a mosquitto broker on a free loopback port for a short
# test run (killed when the script exits); sets BROKER_PORT.
start_broker () {
  _mosquitto=$(command -v mosquitto || echo /usr/sbin/mosquitto)
  if [ ! -x "$_mosquitto" ] || ! command -v mosquitto_sub >/dev/null; then
    echo "error: mosquitto and mosquitto-clients are needed" \
      "(sh scripts/install-deps.sh)" >&2
    exit 1
  fi
  _try=0
  while [ $_try -lt 20 ]; do
    BROKER_PORT=$((20000 + ($$ * 7 + _try * 1031) % 40000))
    printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$BROKER_PORT" \
      > "$OUT/$1-mosquitto.conf"
    "$_mosquitto" -c "$OUT/$1-mosquitto.conf" > "$OUT/$1-mosquitto.log" 2>&1 &
    _broker_pid=$!
    trap 'kill $_broker_pid 2>/dev/null || true' EXIT
    _i=0
    while [ $_i -lt 50 ] && kill -0 $_broker_pid 2>/dev/null \
      && ! grep -q "listen socket on port $BROKER_PORT" "$OUT/$1-mosquitto.log"; do
      sleep 0.1
      _i=$((_i + 1))
    done
    if grep -q "listen socket on port $BROKER_PORT" "$OUT/$1-mosquitto.log"; then
      return 0
    fi
    kill $_broker_pid 2>/dev/null || true
    _try=$((_try + 1))
  done
  echo "error: mosquitto did not start (see $OUT/$1-mosquitto.log)" >&2
  exit 1
}

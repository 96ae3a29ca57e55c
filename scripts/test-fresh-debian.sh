#!/bin/sh
# The README's main command on a fresh Debian 12, as a new user runs it:
# a minimal Debian 12 root made with debootstrap, a user with sudo, this
# tree (its tracked files) in ~/gst-yolor and the shared data beside it in
# ~/shared, then `sh scripts/demo.sh` as that user. Checks that it printed
# where the annotated MP4 and the JSON lines went, that they hold the
# people of the sample video at a sane size, and that the main job
# installed only what it needs (no PyTorch, no clang); then the README's
# opening gst-launch-1.0 pipeline, as written but for a fakesink.
#
# The base root is made once in $YOLOR_BOOKWORM_ROOT (default
# /var/tmp/gst-yolor-bookworm) and copied fresh for every run. Needs root
# (chroot, mount): uses sudo when not root. About 5 minutes on 2 cores.
set -eu
cd "$(dirname "$0")/.."
SRC=$(pwd)
SHARED=${YOLOR_SHARED_DIR:-$(cd .. && pwd)/shared}
BASE=${YOLOR_BOOKWORM_ROOT:-/var/tmp/gst-yolor-bookworm}

ROOT=$BASE
. scripts/debian-root.sh
as_root "$SRC/scripts/$(basename "$0")" "$@"
need_shared video/one-by-one-person-detection.mp4

# the base: Debian 12 and a user who may sudo, as a new machine has
if [ ! -f "$BASE/.gst-yolor-user" ]; then
  debian_root bookworm
  root_install sudo ca-certificates
  in_root useradd -m -s /bin/sh newcomer
  echo 'newcomer ALL=(ALL) NOPASSWD:ALL' >"$BASE/etc/sudoers.d/newcomer"
  _root_cleanup
  touch "$BASE/.gst-yolor-user"
fi

# a fresh copy of it for this run
ROOT=$BASE.run
root_remove "$ROOT"
cp -a "$BASE" "$ROOT"
trap 'root_remove "$ROOT"' EXIT
debian_root bookworm
HOME_IN=/home/newcomer
mkdir -p "$ROOT$HOME_IN/gst-yolor"
git ls-files -z | xargs -0 tar -cf - | tar -xf - -C "$ROOT$HOME_IN/gst-yolor"
root_bind "$SHARED" "$HOME_IN/shared" ro
in_root chown -R newcomer "$HOME_IN/gst-yolor"

echo "test-fresh-debian: sh scripts/demo.sh, as a new user"
if ! in_root runuser -u newcomer -- env HOME="$HOME_IN" \
  sh -c 'cd ~/gst-yolor && sh scripts/demo.sh' >"$ROOT.log" 2>&1; then
  tail -30 "$ROOT.log" >&2
  echo "test-fresh-debian: the main job failed" >&2
  exit 1
fi
tail -6 "$ROOT.log"

failed=0
fail () {
  echo "test-fresh-debian: FAIL: $*" >&2
  failed=1
}
mp4=$(sed -n 's/^annotated video: //p' "$ROOT.log")
jsonl=$(sed -n 's/^detections (JSON lines): //p' "$ROOT.log")
if [ -z "$mp4" ] || [ ! -s "$ROOT$mp4" ]; then
  fail "no annotated video printed or written"
fi
if [ -z "$jsonl" ] || [ ! -s "$ROOT$jsonl" ]; then
  fail "no JSON lines printed or written"
fi
grep -q '^inference: median ' "$ROOT.log" || fail "no inference times printed"
if [ -s "$ROOT$mp4" ]; then
  src=$(stat -c %s "$SHARED/video/one-by-one-person-detection.mp4")
  out=$(stat -c %s "$ROOT$mp4")
  echo "test-fresh-debian: annotated MP4 $out bytes, the source $src"
  [ "$out" -le $((2 * src)) ] || fail "the MP4 is more than twice the source"
fi
if [ -s "$ROOT$jsonl" ]; then
  frames=$(grep -c '"frame"' "$ROOT$jsonl")
  people=$(grep -c '"label":"person"' "$ROOT$jsonl" || true)
  others=$(grep -o '"label":"[a-z ]*"' "$ROOT$jsonl" | grep -vc person || true)
  echo "test-fresh-debian: $frames frames, $people with a person"
  [ "$frames" -ge 1300 ] || fail "$frames frames in the JSON lines"
  [ "$people" -ge 500 ] || fail "a person on only $people frames"
  [ "$others" -eq 0 ] || fail "$others labels other than person"
fi
# the README's opening pipeline, as written, with a sink that needs no
# screen
pipeline=$(sed -n '/^    GST_PLUGIN_PATH=build\/gst gst-launch-1.0/,/autovideosink$/p' \
  "$SRC/README.md" | sed 's/\\$//' | tr '\n' ' ' \
  | sed 's/autovideosink/fakesink/')
case "$pipeline" in
  *gst-launch-1.0*fakesink*) ;;
  *) fail "no gst-launch pipeline ending in autovideosink in README.md" ;;
esac
if [ -n "$pipeline" ]; then
  echo "test-fresh-debian: the README's pipeline:$pipeline"
  if ! in_root runuser -u newcomer -- env HOME="$HOME_IN" \
    sh -c "cd ~/gst-yolor && $pipeline" >"$ROOT.readme.log" 2>&1; then
    tail -20 "$ROOT.readme.log" >&2
    fail "the README's pipeline failed"
  fi
fi

for p in python3-torch clang valgrind mosquitto; do
  # shellcheck disable=SC2016 # dpkg-query's own ${Status}
  if in_root dpkg-query -W -f='${Status}' "$p" 2>/dev/null \
    | grep -q "install ok installed"; then
    fail "the main job installed $p, which only the tests need"
  fi
done
exit $failed

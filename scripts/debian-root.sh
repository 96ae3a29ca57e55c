# shellcheck shell=sh
# Helpers for the scripts that test in a Debian root of their own
# (test-gstreamer-1.26.sh, test-fresh-debian.sh): sourced, not run. Needs
# root (debootstrap, chroot, mount).
#
#   ROOT=/var/tmp/x; . scripts/debian-root.sh
#   debian_root trixie          # debootstrap once (kept between runs)
#   root_bind /work/shared /shared ro
#   in_root apt-get install -y ...
#
# Mounts made here are undone when the sourcing script exits.

# as_root SCRIPT ARG...: runs the script again under sudo when not root,
# with the YOLOR_* settings it reads.
as_root () {
  if [ "$(id -u)" -ne 0 ]; then
    exec sudo --preserve-env=YOLOR_SHARED_DIR,YOLOR_TRIXIE_ROOT,YOLOR_BOOKWORM_ROOT,YOLOR_DEBIAN_MIRROR \
      sh "$@"
  fi
}

# need_shared FILE: fails, saying how to point at it, when the shared data
# ($SHARED) lacks FILE.
need_shared () {
  if [ ! -e "$SHARED/$1" ]; then
    echo "$(basename "$0"): no $1 in the shared data at $SHARED" \
      "(set YOLOR_SHARED_DIR)" >&2
    exit 1
  fi
}

MIRROR=${YOLOR_DEBIAN_MIRROR:-http://deb.debian.org/debian}
_root_mounts=

_root_cleanup () {
  for _m in $_root_mounts; do
    umount "$_m" 2>/dev/null || umount -l "$_m" 2>/dev/null || true
  done
  _root_mounts=
}
trap _root_cleanup EXIT
trap '_root_cleanup; exit 130' INT TERM

# root_remove DIR: unmounts what is mounted here, then deletes DIR, never
# while anything is still mounted under it (/dev is bound in).
root_remove () {
  _root_cleanup
  if grep -q " $1/" /proc/mounts; then
    echo "not removing $1: still mounted under it" >&2
    return 1
  fi
  rm -rf "$1"
}

# debian_root SUITE: a minimal Debian SUITE in $ROOT (made once: a root
# with .gst-yolor-ready is reused), with /proc and /dev mounted.
debian_root () {
  if [ ! -f "$ROOT/.gst-yolor-ready" ]; then
    if ! command -v debootstrap >/dev/null 2>&1; then
      apt-get -o DPkg::Lock::Timeout=600 update -qq
      DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
        install -y -q debootstrap
    fi
    root_remove "$ROOT" || return 1
    echo "installing Debian $1 into $ROOT"
    if ! debootstrap --variant=minbase "$1" "$ROOT" "$MIRROR" \
      >"$ROOT.log" 2>&1; then
      tail -20 "$ROOT.log" >&2
      return 1
    fi
    touch "$ROOT/.gst-yolor-ready"
  fi
  if ! mountpoint -q "$ROOT/proc"; then
    mount -t proc proc "$ROOT/proc"
    _root_mounts="$ROOT/proc $_root_mounts"
  fi
  root_bind /dev /dev
  cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
}

# root_bind DIR PATH [ro]: DIR of this machine at PATH inside the root.
root_bind () {
  mkdir -p "$ROOT$2"
  if ! mountpoint -q "$ROOT$2"; then
    mount --bind "$1" "$ROOT$2"
    _root_mounts="$ROOT$2 $_root_mounts"
    if [ "${3:-}" = ro ]; then
      mount -o remount,bind,ro "$ROOT$2"
    fi
  fi
}

# in_root COMMAND...: runs it in the root, with a clean environment.
in_root () {
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive chroot "$ROOT" "$@"
}

# root_install PACKAGE...: apt-get install in the root (only the log's tail
# on failure).
root_install () {
  in_root sh -c 'apt-get -o DPkg::Lock::Timeout=600 update -qq \
    && apt-get -o DPkg::Lock::Timeout=600 install -y -q \
      --no-install-recommends "$@" >/var/tmp/apt.log 2>&1 \
    || { tail -20 /var/tmp/apt.log; exit 1; }' sh "$@"
}

#!/bin/sh
# Installs what compare-ort.py needs: Debian's nodejs and npm (unless a node
# and npm are on PATH already), python3-onnx and python3-numpy; then
# onnxruntime-node at the version and checksum benchmarks/ort/package-lock.json
# pins (npm ci). ONNXRUNTIME_NODE_INSTALL=skip keeps its install script from
# fetching CUDA libraries: the CPU provider ships in the package. Uses sudo
# when not run as root.
set -eu
cd "$(dirname "$0")/ort"

SUDO=
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
fi
missing=
# a node that is already there (Debian's or another) is used as it is
command -v node >/dev/null || missing="$missing nodejs"
command -v npm >/dev/null || missing="$missing npm"
for p in python3-onnx python3-numpy; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "Installing:$missing"
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086 # one argument per package
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q $missing
fi
ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-fund --no-audit
node -e "console.log('onnxruntime-node ' + require('onnxruntime-node').env.versions.common + ' in ' + process.cwd() + '/node_modules')"

#!/bin/sh
# Runs a Python example with the system python3 (which has gi); exit 77
# (skipped) when gi or GStreamer's typelib is missing.
# Usage: run-python-example.sh SCRIPT ARGS...
for py in /usr/bin/python3 python3; do
  if "$py" -c 'import gi; gi.require_version("Gst", "1.0")' 2>/dev/null; then
    exec "$py" "$@"
  fi
done
echo "python3 with gi (python3-gi, gir1.2-gstreamer-1.0) not found: skipped"
exit 77

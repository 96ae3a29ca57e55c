#!/usr/bin/python3
"""What `meson install` installs, used the way an application outside the
source tree uses it:

- installs the build into a temporary folder (meson install --destdir);
- yolor.pc: `pkg-config --cflags --libs yolor` builds tests/install/
  detect.c against the installed headers and the shared libyolor (soname
  libyolor.so.0, the binary loads it from the install), which detects the
  dog, the bicycle and the car on the shared dog.jpg with the default model;
- gst-yolor-meta.pc: tests/install/read-meta.c, built with it, runs the
  installed plugin (GST_PLUGIN_PATH = the installed pluginsdir) on the same
  image and reads the dog back from the frame meta.

Needs the build's compiler (cc) and pkg-config.

SPDX-License-Identifier: LGPL-2.1-or-later
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.environ["YOLOR_BUILD_DIR"]
SHARED = os.environ["YOLOR_SHARED_DIR"]
MODEL = os.path.join(SHARED, "models", "yolo-fastest-1.1-xl",
                     "yolo-fastest-1.1-xl.cfg")
IMAGE = os.path.join(SHARED, "images", "dog.jpg")

failures = []


def check(ok, what):
    print(("ok: " if ok else "FAIL: ") + what, flush=True)
    if not ok:
        failures.append(what)


def run(cmd, env=None):
    r = subprocess.run(cmd, capture_output=True, text=True, env=env,
                       timeout=300)
    return r.returncode, r.stdout, r.stderr


def find(root, name):
    for d, _, files in os.walk(root):
        if name in files:
            return os.path.join(d, name)
    return None


def main():
    tmp = tempfile.mkdtemp(prefix="yolor-install-")
    try:
        dest = os.path.join(tmp, "dest")
        rc, out, err = run(["meson", "install", "-C", BUILD, "--destdir",
                            dest, "--no-rebuild", "--quiet"])
        check(rc == 0, "meson install --destdir (rc %d; %s)"
              % (rc, err.strip()[-300:]))
        if rc:
            return
        pc = find(dest, "yolor.pc")
        meta_pc = find(dest, "gst-yolor-meta.pc")
        lib = find(dest, "libyolor.so.0")
        check(pc is not None and meta_pc is not None and lib is not None,
              "installed: yolor.pc, gst-yolor-meta.pc, libyolor.so.0 (%s, "
              "%s, %s)" % (pc, meta_pc, lib))
        if pc is None or meta_pc is None or lib is None:
            return
        for h in ("yolor.h", "yolor-track.h", "yolor-draw.h"):
            check(find(os.path.join(dest), h) is not None,
                  "installed: yolor/%s" % h)
        # the install is not where its prefix says: copies of our .pc files
        # with the prefix under dest (the system's .pc files keep theirs)
        opts = json.loads(run(["meson", "introspect", "--buildoptions",
                               BUILD])[1])
        prefix = next(o["value"] for o in opts if o["name"] == "prefix")
        pc_dir = os.path.join(tmp, "pkgconfig")
        os.mkdir(pc_dir)
        for f in (pc, meta_pc):
            text = open(f).read()
            check(("prefix=%s\n" % prefix) in text,
                  "%s: prefix=%s" % (os.path.basename(f), prefix))
            with open(os.path.join(pc_dir, os.path.basename(f)), "w") as o:
                o.write(text.replace("prefix=%s\n" % prefix,
                                     "prefix=%s%s\n" % (dest, prefix), 1))
        env = dict(os.environ, PKG_CONFIG_PATH=pc_dir)
        pkgconf = ["pkg-config"]
        rc, version, err = run(pkgconf + ["--modversion", "yolor"], env)
        check(rc == 0 and re.match(r"^\d+\.\d+\.\d+$", version.strip()),
              "pkg-config --modversion yolor: %s" % version.strip())

        # the engine
        rc, flags, err = run(pkgconf + ["--cflags", "--libs", "yolor"], env)
        check(rc == 0, "pkg-config --cflags --libs yolor: %s"
              % (flags.strip() or err.strip()))
        # stb_image itself needs libm
        flags += " " + run(["pkg-config", "--cflags", "--libs", "stb"])[1] + " -lm"
        exe = os.path.join(tmp, "detect")
        rc, out, err = run(["cc", "-std=c11", "-Wall", "-Werror",
                            os.path.join(HERE, "detect.c"), "-o", exe]
                           + flags.split())
        check(rc == 0, "cc detect.c $(pkg-config --cflags --libs yolor stb)"
              " (%s)" % err.strip()[-500:])
        if rc:
            return
        run_env = dict(os.environ, LD_LIBRARY_PATH=os.path.dirname(lib))
        rc, out, err = run(["ldd", exe], run_env)
        check(os.path.dirname(lib) in out,
              "detect loads the installed libyolor.so.0 (%s)"
              % " ".join(line.strip() for line in out.splitlines()
                         if "yolor" in line))
        rc, out, err = run([exe, MODEL, IMAGE], run_env)
        print(out.strip())
        labels = {line.split()[0] for line in out.splitlines()[1:]}
        check(rc == 0 and {"dog", "bicycle", "car"} <= labels
              and version.strip() in out.splitlines()[0],
              "detect on dog.jpg: dog, bicycle and car (rc %d; %s)"
              % (rc, err.strip()))

        # the plugin and the metadata readers
        rc, flags, err = run(pkgconf + ["--cflags", "--libs", "gst-yolor-meta"],
                             env)
        check(rc == 0, "pkg-config --cflags --libs gst-yolor-meta: %s"
              % (flags.strip() or err.strip()))
        rc, plugins, err = run(pkgconf + ["--variable=pluginsdir",
                                      "gst-yolor-meta"], env)
        plugins = plugins.strip()
        exe = os.path.join(tmp, "read-meta")
        rc, out, err = run(["cc", "-Wall", "-Werror",
                            os.path.join(HERE, "read-meta.c"), "-o", exe]
                           + flags.split())
        check(rc == 0, "cc read-meta.c $(pkg-config --cflags --libs "
              "gst-yolor-meta) (%s)" % err.strip()[-500:])
        if rc:
            return
        gst_env = dict(os.environ, GST_PLUGIN_PATH=plugins,
                       GST_REGISTRY=os.path.join(tmp, "registry.bin"))
        rc, out, err = run([exe, MODEL, IMAGE], gst_env)
        print(out.strip())
        check(rc == 0 and os.path.isfile(os.path.join(plugins,
                                                      "libgstyolor.so"))
              and re.search(r"^dog 0\.\d+ ", out, re.M) is not None,
              "read-meta with the installed plugin (%s): the dog (rc %d; %s)"
              % (plugins, rc, err.strip()[-300:]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


main()
if failures:
    print("%d failed" % len(failures))
    sys.exit(1)

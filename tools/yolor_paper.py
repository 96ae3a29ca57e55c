# yolor_paper: the YOLOR paper branch's YAML models as cfg + .weights.
#
# Copyright (C) 2026 the gst-yolor authors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A paper-branch model (models/*.yaml, built by models/yolo.py parse_model)
as the sections of a cfg the engine runs, and the order in which a
state_dict's tensors fill its .weights.

Every module becomes plain cfg layers:
  Conv            [convolutional] batch_normalize=1, activation=silu
  SiLU(BN(cat[y1, y2])) of the CSP blocks (a BatchNorm2d fuse() leaves
                  alone) is cat[SiLU(BN1(y1)), SiLU(BN2(y2))] with BN1, BN2
                  the halves of the BN: a half whose y is a plain conv
                  becomes that conv's batch norm and SiLU; any other half a
                  [batchnorm] activation=silu after its y
  ReOrg, DWT      [reorg], [dwt];  nn.Upsample [upsample];  Concat [route]
  MaxPool         [maxpool] (padded as nn.MaxPool2d)
  IDetect         per head: [implicit_add] on the feature, the 1x1 conv
                  with bias, [implicit_mul] on its output, [yolo]
The cfg's [net] says flavor=yolor-paper: BN epsilon 1e-3 (set by the
paper's initialize_weights), anchors in pixels, NMS 0.25 / 0.45.
"""

import math

import yolor_checkpoint

MODULES = ("Conv", "DownC", "BottleneckCSP", "BottleneckCSPF",
           "BottleneckCSP2", "SPPCSP", "ReOrg", "DWT", "nn.Upsample",
           "Concat", "IDetect")
# the modules whose first argument is an output width (scaled by the
# width multiple and rounded up to a multiple of 8)
WIDTH_SCALED = ("Conv", "DownC", "BottleneckCSP", "BottleneckCSPF",
                "BottleneckCSP2", "SPPCSP")
REPEATED = ("BottleneckCSP", "BottleneckCSPF", "BottleneckCSP2")


class PaperError(Exception):
    pass


def make_divisible(x, divisor=8):
    return int(math.ceil(x / divisor) * divisor)


class Cfg:
    """The cfg being written: its sections, each output's channel count,
    and for each [convolutional] where its parameters come from."""

    def __init__(self):
        self.sections = []   # (kind, [(key, value)], comment)
        self.channels = []   # output channels of each section
        self.params = []     # (section, spec, c_in/groups, c_out, k) of
        #                      every [convolutional] and [batchnorm]
        self.implicits = []  # (section, state-dict key, channels)

    @property
    def last(self):
        return len(self.sections) - 1

    def add(self, kind, channels, keys=(), comment=None):
        self.sections.append((kind, list(keys), comment))
        self.channels.append(channels)
        return self.last

    def read(self, src):
        """Makes @src (a section, or None: the network input) the input of
        the next section."""
        if src is not None and src != self.last:
            self.add("route", self.channels[src], [("layers", src)])

    def route(self, srcs, comment=None):
        return self.add("route", sum(self.channels[s] for s in srcs),
                        [("layers", ",".join(str(s) for s in srcs))], comment)

    def conv(self, cin, cout, k, s, spec, bn=True, act="silu", groups=1,
             comment=None):
        keys = [("batch_normalize", 1 if bn else 0), ("filters", cout),
                ("size", k), ("stride", s), ("pad", 1)]
        if groups != 1:
            keys.append(("groups", groups))
        keys.append(("activation", act))
        i = self.add("convolutional", cout, keys, comment)
        self.params.append((i, spec, cin // groups, cout, k))
        return i

    def batchnorm(self, c, spec, comment=None):
        i = self.add("batchnorm", c, [("activation", "silu")], comment)
        self.params.append((i, spec, c, c, 0))
        return i

    def text(self, net_keys, header):
        out = ["# " + line if line else "#" for line in header]
        out += ["", "[net]"] + ["%s=%s" % kv for kv in net_keys]
        for i, (kind, keys, comment) in enumerate(self.sections):
            out.append("")
            out.append("# %d%s" % (i, ": " + comment if comment else ""))
            out.append("[%s]" % kind)
            out += ["%s=%s" % kv for kv in keys]
        return "\n".join(out) + "\n"


# ---- the modules (models/common.py), each from its input section ----

def m_conv(g, x, c1, c2, k, s, p):
    g.read(x)
    return g.conv(c1, c2, k, s, ("bn", p))


def m_bottleneck(g, c, shortcut, p):
    x = g.last
    g.conv(c, c, 1, 1, ("bn", p + "cv1."))
    g.conv(c, c, 3, 1, ("bn", p + "cv2."))
    if shortcut:
        g.add("shortcut", c, [("from", x), ("activation", "linear")])
    return g.last


def bn_half(g, y, lo, hi, p):
    """SiLU(BN[lo:hi](y)) of a CSP block's concatenation BN: a [batchnorm]
    after the section @y."""
    g.read(y)
    return g.batchnorm(hi - lo, ("bn_half", p + "bn.", lo, hi),
                       "BN + SiLU of the concatenation, channels %d..%d"
                       % (lo, hi - 1))


def plain_bn(g, cin, cout, key, p, lo, hi):
    """A plain 1x1 conv whose output is channels [lo, hi) of the
    concatenation: the BN's half becomes its batch norm, then SiLU."""
    return g.conv(cin, cout, 1, 1, ("plain_bn", key, p + "bn.", lo, hi),
                  comment="and BN + SiLU of the concatenation, channels "
                  "%d..%d" % (lo, hi - 1))


def m_csp(g, x, c1, c2, n, p, variant):
    """BottleneckCSP (plain 1x1 after the stack), BottleneckCSPF (none)."""
    c_ = c2 // 2
    g.read(x)
    g.conv(c1, c_, 1, 1, ("bn", p + "cv1."))
    for j in range(n):
        m_bottleneck(g, c_, True, "%sm.%d." % (p, j))
    if variant == "CSP":
        y1 = plain_bn(g, c_, c_, p + "cv3.weight", p, 0, c_)
    else:
        y1 = bn_half(g, g.last, 0, c_, p)
    g.read(x)
    y2 = plain_bn(g, c1, c_, p + "cv2.weight", p, c_, 2 * c_)
    g.route([y1, y2])
    return g.conv(2 * c_, c2, 1, 1, ("bn", p + "cv4."))


def m_csp2(g, x, c1, c2, n, p):
    c_ = c2
    g.read(x)
    x1 = g.conv(c1, c_, 1, 1, ("bn", p + "cv1."))
    for j in range(n):
        m_bottleneck(g, c_, False, "%sm.%d." % (p, j))
    y1 = bn_half(g, g.last, 0, c_, p)
    g.read(x1)
    y2 = plain_bn(g, c_, c_, p + "cv2.weight", p, c_, 2 * c_)
    g.route([y1, y2])
    return g.conv(2 * c_, c2, 1, 1, ("bn", p + "cv3."))


def m_sppcsp(g, x, c1, c2, p):
    c_ = c2
    g.read(x)
    g.conv(c1, c_, 1, 1, ("bn", p + "cv1."))
    g.conv(c_, c_, 3, 1, ("bn", p + "cv3."))
    x1 = g.conv(c_, c_, 1, 1, ("bn", p + "cv4."))
    pools = []
    for k in (5, 9, 13):
        g.read(x1)
        pools.append(g.add("maxpool", c_, [("size", k), ("stride", 1)]))
    g.route([x1] + pools)
    g.conv(4 * c_, c_, 1, 1, ("bn", p + "cv5."))
    y1 = bn_half(g, g.conv(c_, c_, 3, 1, ("bn", p + "cv6.")), 0, c_, p)
    g.read(x)
    y2 = plain_bn(g, c1, c_, p + "cv2.weight", p, c_, 2 * c_)
    g.route([y1, y2])
    return g.conv(2 * c_, c2, 1, 1, ("bn", p + "cv7."))


def m_downc(g, x, c1, c2, p):
    c_ = c2 // 2
    g.read(x)
    g.conv(c1, c1, 1, 1, ("bn", p + "cv1."))
    a = g.conv(c1, c_, 3, 2, ("bn", p + "cv2."))
    g.read(x)
    g.add("maxpool", c1, [("size", 2), ("stride", 2)])
    b = g.conv(c1, c_, 1, 1, ("bn", p + "cv3."))
    return g.route([a, b], "cat[conv branch, pool branch]")


def m_idetect(g, feats, chans, nc, anchors, p):
    na = len(anchors[0]) // 2
    nl = len(anchors)
    no = nc + 5
    if len(feats) != nl:
        raise PaperError("IDetect reads %d layers for %d anchor groups"
                         % (len(feats), nl))
    flat = ",".join("%g" % a for group in anchors for a in group)
    ia = [g.add("implicit_add", c, [("filters", c)], "ia.%d" % k)
          for k, c in enumerate(chans)]
    im = [g.add("implicit_mul", na * no, [("filters", na * no)], "im.%d" % k)
          for k in range(nl)]
    for k in range(nl):
        g.implicits.append((ia[k], "%sia.%d.implicit" % (p, k), chans[k]))
    for k in range(nl):
        g.implicits.append((im[k], "%sim.%d.implicit" % (p, k), na * no))
    heads = []
    for k in range(nl):
        g.read(feats[k])
        g.add("shift_channels", chans[k], [("from", ia[k])],
              "head %d: + ia.%d" % (k, k))
        g.conv(chans[k], na * no, 1, 1, ("head", "%sm.%d." % (p, k)),
               bn=False, act="linear")
        g.add("control_channels", na * no, [("from", im[k])],
              "x im.%d" % k)
        heads.append(g.add("yolo", na * no, [
            ("mask", ",".join(str(k * na + a) for a in range(na))),
            ("anchors", flat), ("classes", nc), ("num", na * nl)]))
    return heads


# ---- the model ----

def check_model(d, path):
    for key in ("nc", "depth_multiple", "width_multiple", "anchors",
                "backbone", "head"):
        if key not in d:
            raise PaperError("%s: no '%s'" % (path, key))
    rows = list(d["backbone"]) + list(d["head"])
    for i, row in enumerate(rows):
        if not isinstance(row, (list, tuple)) or len(row) != 4:
            raise PaperError("%s: layer %d is not [from, number, module, "
                             "args]" % (path, i))
        if row[2] not in MODULES:
            raise PaperError("%s: layer %d: module %s is not supported "
                             "(known: %s)" % (path, i, row[2],
                                              ", ".join(MODULES)))
    if rows[-1][2] != "IDetect":
        raise PaperError("%s: the last layer is %s, not IDetect"
                         % (path, rows[-1][2]))
    return rows


def build(d, path):
    """(Cfg, info) of the parsed YAML @d."""
    rows = check_model(d, path)
    nc, gd, gw = int(d["nc"]), float(d["depth_multiple"]), \
        float(d["width_multiple"])
    anchors = [list(a) for a in d["anchors"]]
    g = Cfg()
    out, ch = [], []  # the cfg section and channels of each YAML layer
    for i, (f, n, m, args) in enumerate(rows):
        p = "model.%d." % i

        def src(j):
            k = i + j if j < 0 else j
            if k < 0 or k >= i:
                if i == 0 and j == -1:
                    return None
                raise PaperError("%s: layer %d reads layer %d" % (path, i, j))
            return k

        fs = [src(j) for j in (f if isinstance(f, list) else [f])]
        x = out[fs[0]] if fs[0] is not None else None
        c1 = ch[fs[0]] if fs[0] is not None else 3
        n = max(round(n * gd), 1) if n > 1 else n
        c2 = make_divisible(args[0] * gw) if m in WIDTH_SCALED else None
        first = len(g.sections)
        if m == "Conv":
            k = args[1] if len(args) > 1 else 1
            s = args[2] if len(args) > 2 else 1
            o = m_conv(g, x, c1, c2, k, s, p)
        elif m == "DownC":
            o = m_downc(g, x, c1, c2, p)
        elif m == "BottleneckCSP":
            o = m_csp(g, x, c1, c2, n, p, "CSP")
        elif m == "BottleneckCSPF":
            o = m_csp(g, x, c1, c2, n, p, "CSPF")
        elif m == "BottleneckCSP2":
            o = m_csp2(g, x, c1, c2, n, p)
        elif m == "SPPCSP":
            o = m_sppcsp(g, x, c1, c2, p)
        elif m in ("ReOrg", "DWT"):
            g.read(x)
            o = g.add("reorg" if m == "ReOrg" else "dwt", 4 * c1)
            c2 = 4 * c1
        elif m == "nn.Upsample":
            if len(args) < 2 or args[1] != 2 or (len(args) > 2
                                                 and args[2] != "nearest"):
                raise PaperError("%s: layer %d: only nearest x2 upsampling"
                                 % (path, i))
            g.read(x)
            o = g.add("upsample", c1, [("stride", 2)])
            c2 = c1
        elif m == "Concat":
            o = g.route([out[j] for j in fs])
            c2 = sum(ch[j] for j in fs)
        else:  # IDetect
            if len(args) > 0 and args[0] != "nc" and args[0] != nc:
                nc = int(args[0])
            heads = m_idetect(g, [out[j] for j in fs], [ch[j] for j in fs],
                              nc, anchors, p)
            o, c2 = heads[-1], None
        name = m[3:] if m.startswith("nn.") else m
        if first < len(g.sections):
            kind, keys, comment = g.sections[first]
            g.sections[first] = (kind, keys, "model.%d %s%s" % (
                i, name, " x%d" % n if m in REPEATED else "") + (
                    " (" + comment + ")" if comment else ""))
        out.append(o)
        ch.append(c2)
    info = {"nc": nc, "heads": len(anchors), "layers": len(rows)}
    return g, info


def cfg_text(g, info, yaml_path, size):
    header = ["%s: a YOLOR paper-branch model (models/yolo.py) as a cfg,"
              % yaml_path.split("/")[-1],
              "written by tools/yolor-convert --yaml. '# N: model.I' marks "
              "where YAML layer I begins."]
    net = [("width", size), ("height", size), ("channels", 3),
           ("flavor", "yolor-paper")]
    return g.text(net, header)


# ---- the weights ----

def tensor(sd, used, key, shape):
    try:
        return yolor_checkpoint.take(sd, used, key, shape)
    except yolor_checkpoint.CheckpointError as e:
        raise PaperError(str(e))


def bn_arrays(sd, used, p, c, lo=0, hi=None):
    """beta, gamma, running mean, running variance (the .weights order) of
    the BatchNorm2d @p, channels [lo, hi) of its @c."""
    used.add(p + "num_batches_tracked")
    return [tensor(sd, used, p + name, (c,))[lo:hi]
            for name in ("bias", "weight", "running_mean", "running_var")]


def weight_arrays(g, sd):
    """The .weights body after the header: every conv and batchnorm in cfg
    order, then the implicit trailer. Returns (list of float sequences,
    the checkpoint's keys nothing used)."""
    used, parts = set(), []
    bn_width = {}
    for (i, spec, cin, cout, k) in g.params:
        if spec[0] in ("bn_half", "plain_bn"):
            p = spec[1] if spec[0] == "bn_half" else spec[2]
            bn_width[p] = max(bn_width.get(p, 0), spec[-1])
    for (i, spec, cin, cout, k) in g.params:
        kind = spec[0]
        wshape = (cout, cin, k, k)
        if kind == "bn":
            p = spec[1]
            if p + "conv.bias" in sd:
                raise PaperError("'%sconv.bias' is present: this checkpoint "
                                 "is fused; convert the unfused one" % p)
            parts += bn_arrays(sd, used, p + "bn.", cout)
            parts.append(tensor(sd, used, p + "conv.weight", wshape))
        elif kind == "plain_bn":
            key, p, lo, hi = spec[1:]
            parts += bn_arrays(sd, used, p, bn_width[p], lo, hi)
            parts.append(tensor(sd, used, key, wshape))
        elif kind == "bn_half":
            p, lo, hi = spec[1:]
            parts += bn_arrays(sd, used, p, bn_width[p], lo, hi)
        else:  # head
            p = spec[1]
            parts.append(tensor(sd, used, p + "bias", (cout,)))
            parts.append(tensor(sd, used, p + "weight", wshape))
    for (i, key, c) in g.implicits:
        parts.append(tensor(sd, used, key, (1, c, 1, 1)))
    unused = [key for key in sd if key not in used
              and not key.endswith(("anchors", "anchor_grid"))
              and ".xfm." not in key]
    return parts, unused

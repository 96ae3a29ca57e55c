# yolor_checkpoint: reads a PyTorch checkpoint (.pt, the zip format torch.save
# writes since 1.6) without PyTorch and without the code that defined it.
#
# Copyright (C) 2026 the gst-yolor authors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Read the tensors of a PyTorch .pt file with the standard library only.

A .pt file is a zip archive: PREFIX/data.pkl is a pickle whose tensors refer
to storages PREFIX/data/KEY (raw little-endian arrays). The pickle may hold a
plain state_dict, or a whole model object (the YOLOR paper branch's
checkpoints pickle models.yolo.Model, FP16). Every class the pickle names
that is not a tensor or a storage becomes an inert Obj holding the state the
pickle gives it, so nothing of the checkpoint's own code is imported or run.

state_dict(path) returns {name: Tensor} with the names model.state_dict()
would give (the checkpoint's 'model', else 'ema' or 'state_dict' entry, else
the top level), each Tensor its shape and its values in C order: for a
floating-point tensor an array('f') (4 bytes a value, whatever the stored
precision, so a full-size model converts in about twice its FP32 size).
"""

import array
import collections
import pickle
import struct
import sys
import zipfile


class CheckpointError(Exception):
    pass


# storage class name -> (struct code, bytes per element)
STORAGE_TYPES = {
    "FloatStorage": ("f", 4),
    "HalfStorage": ("e", 2),
    "DoubleStorage": ("d", 8),
    "BFloat16Storage": ("bf16", 2),
    "LongStorage": ("q", 8),
    "IntStorage": ("i", 4),
    "ShortStorage": ("h", 2),
    "CharStorage": ("b", 1),
    "ByteStorage": ("B", 1),
    "BoolStorage": ("?", 1),
}
FLOAT_CODES = ("f", "e", "d", "bf16")
BUILTINS = {"set": set, "frozenset": frozenset, "slice": slice,
            "complex": complex, "bytearray": bytearray}


class StorageType:
    def __init__(self, name):
        self.name = name


class Storage:
    """A storage: its element code and its bytes, decoded on first use."""

    def __init__(self, code, size, raw):
        self.code, self.size, self.raw = code, size, raw
        self._values = None

    def values(self):
        """The elements: array('f') for the floating-point storages, a
        tuple of ints for the others. Decoded once; the raw bytes are
        dropped then."""
        if self._values is None:
            n = len(self.raw) // self.size
            if self.code == "f":
                v = array.array("f")
                v.frombytes(self.raw[:4 * n])
                if sys.byteorder != "little":
                    v.byteswap()
            elif self.code == "bf16":
                # a BF16 is the upper half of a float32: little-endian, its
                # two bytes go to bytes 2 and 3 of each four
                out = bytearray(4 * n)
                out[2::4] = self.raw[0:2 * n:2]
                out[3::4] = self.raw[1:2 * n:2]
                v = array.array("f")
                v.frombytes(bytes(out))
                if sys.byteorder != "little":
                    v.byteswap()
            elif self.code in ("e", "d"):
                v = array.array("f", struct.unpack("<%d%s" % (n, self.code),
                                                   self.raw[:n * self.size]))
            else:
                v = struct.unpack("<%d%s" % (n, self.code), self.raw)
            self._values = v
            self.raw = None
        return self._values


class Tensor:
    """A tensor: shape (tuple) and values (flat list, C order)."""

    def __init__(self, storage, offset, shape, stride):
        self.shape = tuple(int(s) for s in shape)
        self.is_float = storage.code in FLOAT_CODES
        n = 1
        for s in self.shape:
            n *= s
        v = storage.values()
        contiguous, expect = True, 1
        for s, st in zip(reversed(self.shape), reversed(tuple(stride))):
            if s != 1 and st != expect:
                contiguous = False
            expect *= s
        if n and (offset < 0 or offset + sum(
                (sz - 1) * st for sz, st in zip(self.shape, stride))
                >= len(v)):
            raise CheckpointError("a tensor reaches past its storage")
        if contiguous:
            self.values = v[offset:offset + n]
        else:
            picked = (v[offset + sum(i * st for i, st in zip(idx, stride))]
                      for idx in _indices(self.shape))
            self.values = (array.array("f", picked) if self.is_float
                           else tuple(picked))

    def numel(self):
        return len(self.values)


def _indices(shape):
    if not shape:
        yield ()
        return
    for i in range(shape[0]):
        for rest in _indices(shape[1:]):
            yield (i,) + rest


class Obj:
    """Any other pickled object: what it was built from and its state.
    Each class the pickle names is a subclass (see _obj_class), so that
    the pickle's NEWOBJ, REDUCE and BUILD all work on it."""

    cls_name = ""

    def __init__(self, *args, **kwargs):
        self.args = args
        self._state()

    def _state(self):
        if "state" not in self.__dict__:
            self.state = {}
        return self.state

    def __setstate__(self, state):
        if isinstance(state, tuple) and len(state) == 2:
            merged = {}
            for part in state:
                if isinstance(part, dict):
                    merged.update(part)
            state = merged
        self.state = state if isinstance(state, dict) else {"": state}

    # dict-like and list-like subclasses (OrderedDict of Modules, ...)
    def __setitem__(self, key, value):
        self._state()[key] = value

    def append(self, value):
        st = self._state()
        st[len(st)] = value

    def extend(self, values):
        for v in values:
            self.append(v)


_classes = {}


def _obj_class(module, name):
    full = "%s.%s" % (module, name)
    if full not in _classes:
        _classes[full] = type(name, (Obj,), {"cls_name": full})
    return _classes[full]


def _rebuild_tensor(storage, offset, shape, stride, *rest):
    if not isinstance(storage, Storage):
        raise CheckpointError("a tensor without a storage")
    return Tensor(storage, offset, shape, stride)


def _rebuild_parameter(data, *rest):
    return data


class _Unpickler(pickle.Unpickler):
    def __init__(self, f, archive, prefix):
        super().__init__(f)
        self.archive, self.prefix, self.storages = archive, prefix, {}

    def find_class(self, module, name):
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        if module == "torch._utils" and name in ("_rebuild_tensor_v2",
                                                 "_rebuild_tensor"):
            return _rebuild_tensor
        if module == "torch._utils" and name == "_rebuild_parameter":
            return _rebuild_parameter
        if module == "torch" and name in STORAGE_TYPES:
            return StorageType(name)
        if module == "torch" and name == "Size":
            return tuple
        if module == "copyreg" and name == "_reconstructor":
            return lambda cls, base, state: (
                cls.__new__(cls) if isinstance(cls, type) else Obj())
        # protocol 2 pickles name Python 2's module (pickle's fix_imports
        # maps it in the find_class this replaces)
        if module in ("builtins", "__builtin__") and name in BUILTINS:
            return BUILTINS[name]
        return _obj_class(module, name)

    def persistent_load(self, pid):
        if not isinstance(pid, tuple) or len(pid) < 5 or pid[0] != "storage":
            raise CheckpointError("unknown persistent id %r" % (pid,))
        stype, key = pid[1], str(pid[2])
        if isinstance(stype, StorageType):
            code, size = STORAGE_TYPES[stype.name]
        else:
            raise CheckpointError("unknown storage type %r" % (stype,))
        if key not in self.storages:
            name = "%sdata/%s" % (self.prefix, key)
            try:
                raw = self.archive.read(name)
            except KeyError:
                raise CheckpointError("the archive has no %s" % name)
            self.storages[key] = Storage(code, size, raw)
        return self.storages[key]


def load(path):
    """The object the .pt file pickles (tensors as Tensor, classes as Obj)."""
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise CheckpointError("cannot open checkpoint '%s'" % path)
    except zipfile.BadZipFile:
        raise CheckpointError(
            "'%s' is not a zip-format PyTorch checkpoint (the legacy format "
            "of torch < 1.6 is not read: re-save it with torch.save)" % path)
    except OSError as e:
        raise CheckpointError("cannot read checkpoint '%s': %s"
                              % (path, e.strerror))
    with archive:
        pkl = [n for n in archive.namelist() if n.endswith("data.pkl")
               and n.count("/") == 1]
        if len(pkl) != 1:
            raise CheckpointError("'%s' has no PREFIX/data.pkl" % path)
        prefix = pkl[0][:-len("data.pkl")]
        order = archive.read(prefix + "byteorder") if (
            prefix + "byteorder") in archive.namelist() else b"little"
        if order.strip() != b"little":
            raise CheckpointError("'%s' is big-endian" % path)
        with archive.open(pkl[0]) as f:
            try:
                return _Unpickler(f, archive, prefix).load()
            except CheckpointError:
                raise
            except Exception as e:
                raise CheckpointError("cannot unpickle '%s': %s" % (path, e))


def _module_state(obj, prefix, out):
    """model.state_dict() of a pickled nn.Module: parameters and persistent
    buffers of each module, then its submodules, in registration order."""
    st = obj._state()
    skip = st.get("_non_persistent_buffers_set") or set()
    for table in ("_parameters", "_buffers"):
        entries = st.get(table) or {}
        if isinstance(entries, Obj):
            entries = entries._state()
        for name, t in entries.items():
            if t is None or (table == "_buffers" and name in skip):
                continue
            out[prefix + name] = t
    mods = st.get("_modules") or {}
    if isinstance(mods, Obj):
        mods = mods._state()
    for name, m in mods.items():
        if isinstance(m, Obj):
            _module_state(m, prefix + str(name) + ".", out)


def state_dict(path):
    """{name: Tensor} of the checkpoint's model (see the module's text)."""
    top = load(path)
    model = top
    if isinstance(top, dict):
        for key in ("model", "ema", "state_dict"):
            if top.get(key) is not None:
                model = top[key]
                break
    if isinstance(model, Obj):
        sd = collections.OrderedDict()
        _module_state(model, "", sd)
    elif isinstance(model, dict):
        sd = collections.OrderedDict(
            (k, v) for k, v in model.items() if isinstance(v, Tensor))
    else:
        raise CheckpointError("'%s' holds no model or state_dict" % path)
    if not sd:
        raise CheckpointError("'%s' holds no tensors" % path)
    return sd


def take(sd, used, key, shape):
    """The values of the floating-point tensor @key of @sd, which must have
    @shape; @key is added to the set @used. CheckpointError names the key
    when it is missing, has another shape or is not floating-point."""
    t = sd.get(key)
    if t is None:
        raise CheckpointError("the checkpoint has no '%s'" % key)
    if tuple(t.shape) != tuple(shape):
        raise CheckpointError("'%s' has shape %s, expected %s"
                              % (key, list(t.shape), list(shape)))
    if not t.is_float:
        raise CheckpointError("'%s' is not a floating-point tensor" % key)
    used.add(key)
    return t.values

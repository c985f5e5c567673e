"""Independent reference reader: loads a volume with numpy/h5py/tifffile only (no tomocrop code)."""
import glob
import json
import os
import re

import numpy as np


def _natural_key(name):
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", name)]


def load(path, fmt, dataset=None):
    if fmt == "raw":
        sidecar = path + ".json" if os.path.exists(path + ".json") else os.path.splitext(path)[0] + ".json"
        meta = json.load(open(sidecar))
        dt = np.dtype(meta["dtype"]).newbyteorder("<" if meta.get("byte_order", "little") == "little" else ">")
        return np.fromfile(path, dtype=dt, offset=meta.get("offset", 0)).reshape(meta["shape"])
    if fmt == "hdf5":
        import h5py
        with h5py.File(path, "r") as f:
            return f[dataset or "/exchange/data"][...]
    if fmt == "tiff":
        import tifffile
        return tifffile.imread(path)
    if fmt == "tiff-stack":
        import tifffile
        names = sorted((n for n in os.listdir(path) if n.lower().endswith((".tif", ".tiff")) and not n.startswith(".")), key=_natural_key)
        # A slice file may describe itself as a one-slice volume (1, y, x); a stack slice is its 2-D image.
        slices = [tifffile.imread(os.path.join(path, n)) for n in names]
        return np.stack([s.reshape(s.shape[-2:]) if s.ndim > 2 and s.size == s.shape[-1] * s.shape[-2] else s for s in slices])
    raise ValueError(fmt)


def le_bytes(a):
    """The C-ordered little-endian bytes of an array: what tomocrop hashes."""
    return np.ascontiguousarray(a.astype(a.dtype.newbyteorder("<"))).tobytes()

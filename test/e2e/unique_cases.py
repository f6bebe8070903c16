#!/usr/bin/python3
"""Unique beyond the ONNX backend node tests.

The node tests find 2 to 4 unique values among 6 elements or 3 slices. This
driver uses 300 integer-valued elements, slices along each axis of a 3-D
tensor (rows that differ only in a late position sort lexicographically),
sorted and first-occurrence order, and all four outputs. The reference is
numpy.unique (reordered by first occurrence for sorted=0), confirmed with
ONNX Runtime when it is installed; it also fixes the declared number of
unique values. Each model is compiled at -O3 and -O0.

  unique_cases.py BIN_DIR WORK_DIR
"""
import sys

import numpy as np

import e2e_cases
from e2e_cases import Case

RNG = np.random.default_rng(12)


def unique_reference(x, axis, sorted_):
    y, index, inverse, counts = np.unique(x, axis=axis, return_index=True,
                                          return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    if not sorted_:
        order = np.argsort(index)        # first-occurrence order
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        y = np.take(y, order, axis=0 if axis is None else axis)
        index, counts, inverse = index[order], counts[order], rank[inverse]
    return [y, index.astype(np.int64), inverse.astype(np.int64), counts.astype(np.int64)]


def unique_case(name, x, axis, sorted_):
    c = Case("unique_" + name, 11)
    attrs = {"sorted": int(sorted_)}
    if axis is not None:
        attrs["axis"] = axis
    c.node("Unique", [c.input("x", x)], ["y", "indices", "inverse", "counts"], **attrs)
    for out_name, value in zip(["y", "indices", "inverse", "counts"],
                               unique_reference(x, axis, sorted_)):
        c.output(out_name, value)
    return c


VALUES = RNG.integers(-20, 20, size=300).astype(np.float32)
SLICES = RNG.integers(0, 2, size=(3, 6, 4)).astype(np.float32)
SLICES[:, 5] = SLICES[:, 1]
SLICES[2, 3] = SLICES[2, 0] + [0, 0, 0, 1]

CASES = [
    unique_case("flat_sorted", VALUES, None, True),
    unique_case("flat_first_occurrence", VALUES, None, False),
    unique_case("axis1_sorted", SLICES, 1, True),
    unique_case("axis1_first_occurrence", SLICES, 1, False),
    unique_case("axis2_sorted", SLICES, -1, True),
]

if __name__ == "__main__":
    sys.exit(e2e_cases.main(__doc__, CASES, confirm_with_ort=True))

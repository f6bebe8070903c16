#!/usr/bin/python3
"""MaxPool's Indices output beyond the ONNX backend node tests.

The node tests take indices of one 5x5 image (pads, or strides with
storage_order 1). This driver adds batches and channels (the index counts
them), dilations, ceil_mode windows that overhang the input, 1-D and 3-D
pools, ties (the first maximum of a window wins) and column-major indices
of a non-square image. ONNX Runtime computes the expected outputs (the
driver is skipped without it); each model is compiled at -O3 and -O0 and
checked with xfc-run.

  pooling_cases.py BIN_DIR WORK_DIR
"""
import sys

import numpy as np

import e2e_cases
from e2e_cases import Case

RNG = np.random.default_rng(13)


def pool_case(name, x, out_shape, **attrs):
    c = Case("maxpool_indices_" + name, 12)
    c.node("MaxPool", [c.input("x", x)], ["y", "i"], **attrs)
    # Shapes only; ONNX Runtime writes the values.
    c.output("y", np.zeros(out_shape, np.float32))
    c.output("i", np.zeros(out_shape, np.int64))
    return c


CASES = [
    pool_case("batch_pads_strides", RNG.standard_normal((2, 3, 9, 11)).astype(np.float32),
              (2, 3, 5, 6), kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
    pool_case("dilated_ceil", RNG.standard_normal((1, 2, 10, 10)).astype(np.float32),
              (1, 2, 4, 4), kernel_shape=[3, 3], strides=[2, 2], dilations=[2, 2],
              ceil_mode=1),
    pool_case("column_major", RNG.standard_normal((2, 2, 6, 9)).astype(np.float32),
              (2, 2, 3, 4), kernel_shape=[2, 3], strides=[2, 2], storage_order=1),
    pool_case("ties", np.round(RNG.uniform(0, 2, (1, 2, 8, 8))).astype(np.float32),
              (1, 2, 7, 7), kernel_shape=[2, 2]),
    pool_case("1d", RNG.standard_normal((2, 3, 20)).astype(np.float32), (2, 3, 9),
              kernel_shape=[4], strides=[2], pads=[1, 0]),
    pool_case("3d", RNG.standard_normal((1, 2, 5, 6, 7)).astype(np.float32), (1, 2, 2, 3, 3),
              kernel_shape=[2, 2, 3], strides=[2, 2, 2]),
]

if __name__ == "__main__":
    sys.exit(e2e_cases.main(__doc__, CASES, expect_ort=True))

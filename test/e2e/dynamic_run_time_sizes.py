#!/usr/bin/python3
"""Run-time output sizes: shape-like graph inputs with only the rank declared.

Reshape, Squeeze/Unsqueeze, Expand, Tile, ConstantOfShape, Range, EyeLike
and HannWindow whose sizes come from run-time values: each model is compiled
once (-O3 and -O0) and run with values that give different output sizes,
and with values ONNX rejects, which must fail with the node's name.

  dynamic_run_time_sizes.py BIN_DIR WORK_DIR
"""
import sys

import numpy as np
from onnx import TensorProto, helper

from dynamic_shapes import graph_model, main, rand

F, I = TensorProto.FLOAT, TensorProto.INT64


def ints(*v):
    return np.array(v, np.int64)


def node(op, ins, name, **attrs):
    return helper.make_node(op, ins, ["y"], name=name, **attrs)


def hann(n):
    return (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)).astype(np.float32)


x26, x43, x31, x14 = rand(2, 6), rand(4, 3), rand(3, 1), rand(1, 4)
CASES = [
    ("reshape", graph_model([node("Reshape", ["x", "s"], "reshape")],
                            [("x", F, [None, None]), ("s", I, [None])],
                            [("y", F, [None, None, None])]), [
        ([x26, ints(0, 3, -1)], [x26.reshape(2, 3, 2)]),
        ([x43, ints(2, -1, 3)], [x43.reshape(2, 2, 3)]),
        ([x26, ints(5, -1, 1)], "node 'reshape' (Reshape): the target shape must have 3 entries"),
        ([x26, ints(2, 6)], "node 'reshape' (Reshape): the target shape must have 3 entries"),
        # 2^32 * 2^32 wraps to 0 in i64, the element count of the empty input.
        ([rand(0, 3), ints(2**32, 2**32, 1)], "node 'reshape' (Reshape): the target shape must have 3 entries"),
    ]),
    ("unsqueeze", graph_model([node("Unsqueeze", ["x", "a"], "unsqueeze")],
                              [("x", F, [None, None]), ("a", I, [None])],
                              [("y", F, [None, None, None, None])]), [
        ([x26, ints(0, 3)], [x26.reshape(1, 2, 6, 1)]),
        ([x43, ints(-1, 1)], [x43.reshape(4, 1, 3, 1)]),
        ([x26, ints(1, 1)], "node 'unsqueeze' (Unsqueeze): the axes must not name an axis twice"),
    ]),
    ("squeeze", graph_model([node("Squeeze", ["x", "a"], "squeeze")],
                            [("x", F, [None, None, None]), ("a", I, [None])],
                            [("y", F, [None, None])]), [
        ([rand(1, 3, 4), ints(0)], [rand(1, 3, 4).reshape(3, 4)]),
        ([rand(3, 4, 1), ints(-1)], [rand(3, 4, 1).reshape(3, 4)]),
        ([rand(3, 2, 4), ints(1)], "node 'squeeze' (Squeeze): the squeezed dimensions must be 1"),
        # An axis out of range names no axis: reported, and the (empty)
        # input is not read with the sizes of the other two.
        ([rand(5, 7, 0), ints(3)], "node 'squeeze' (Squeeze): the axes must be in [-3, 3)"),
    ]),
    ("expand", graph_model([node("Expand", ["x", "s"], "expand")],
                           [("x", F, [None, None]), ("s", I, [None])],
                           [("y", F, [None, None, None])]), [
        ([x31, ints(2, 1, 6)], [np.broadcast_to(x31, (2, 3, 6))]),
        ([x14, ints(3, 1, 1)], [np.broadcast_to(x14, (3, 1, 4))]),
        ([x43, ints(1, 1, 3)], [np.broadcast_to(x43, (1, 4, 3))]),
        ([x43, ints(1, 2, 3)], "node 'expand' (Expand): the shape must have 3 entries"),
    ]),
    ("tile", graph_model([node("Tile", ["x", "r"], "tile")],
                         [("x", F, [None, None]), ("r", I, [None])],
                         [("y", F, [None, None])]), [
        ([x26, ints(2, 1)], [np.tile(x26, (2, 1))]),
        ([x14, ints(3, 2)], [np.tile(x14, (3, 2))]),
        ([x26, ints(2, -1)], "node 'tile' (Tile): the repeats must have 2 entries"),
    ]),
    ("constant_of_shape", graph_model(
        [node("ConstantOfShape", ["s"], "cos",
              value=helper.make_tensor("v", F, [1], [1.5]))],
        [("s", I, [None])], [("y", F, [None, None])]), [
        ([ints(2, 3)], [np.full((2, 3), 1.5, np.float32)]),
        ([ints(4, 0)], [np.zeros((4, 0), np.float32)]),
        ([ints(4)], "node 'cos' (ConstantOfShape): the shape input must have 2 entries"),
    ]),
    ("range", graph_model([node("Range", ["a", "b", "d"], "range")],
                          [("a", F, []), ("b", F, []), ("d", F, [])], [("y", F, [None])]), [
        ([np.float32(0), np.float32(5), np.float32(1)], [np.arange(0, 5, 1, np.float32)]),
        ([np.float32(1), np.float32(2), np.float32(0.25)], [np.arange(1, 2, 0.25, dtype=np.float32)]),
        ([np.float32(1), np.float32(2), np.float32(0)], "node 'range' (Range): delta must not be 0"),
    ]),
    ("range_int", graph_model([node("Range", ["a", "b", "d"], "range")],
                              [("a", I, []), ("b", I, []), ("d", I, [])], [("y", I, [None])]), [
        ([np.int64(-3), np.int64(7), np.int64(3)], [np.arange(-3, 7, 3, dtype=np.int64)]),
        # The span wraps around in i64.
        ([np.int64(-2**62), np.int64(2**62), np.int64(1)],
         "node 'range' (Range): Range must have at most 2^40 elements"),
    ]),
    ("eyelike", graph_model([node("EyeLike", ["x"], "eye", k=1)],
                            [("x", F, [None, None])], [("y", F, [None, None])]), [
        ([rand(3, 4)], [np.eye(3, 4, 1, dtype=np.float32)]),
        ([rand(5, 2)], [np.eye(5, 2, 1, dtype=np.float32)]),
    ]),
    ("hann", graph_model([node("HannWindow", ["n"], "hann")],
                         [("n", I, [])], [("y", F, [None])]), [
        ([np.int64(10)], [hann(10)]),
        ([np.int64(7)], [hann(7)]),
        ([np.int64(-1)], "node 'hann' (HannWindow): the size must not be negative"),
    ]),
]

if __name__ == "__main__":
    sys.exit(main(CASES))

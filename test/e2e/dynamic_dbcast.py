#!/usr/bin/python3
"""Run-time broadcasting: one compiled model, dynamic sizes that are 1 or not.

A dynamic dimension may be 1 at run time where another operand's is not
(ONNX broadcasts it); each model is compiled once and run with both kinds of
sizes, and with sizes that do not broadcast, which must fail naming the node.
Also the forms that only import natively with dynamic shapes: Add/Gemm
before opset 7 (`broadcast`/`axis`), PRelu-6's per-channel slope and
quantization parameters of dynamic size (per tensor or per axis at run time).

  dynamic_dbcast.py BIN_DIR WORK_DIR
"""
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

import dynamic_shapes
from dynamic_shapes import rand

F, U8 = TensorProto.FLOAT, TensorProto.UINT8


def model(nodes, inputs, outputs, opset=17, initializers=()):
    m = dynamic_shapes.graph_model(nodes, inputs, outputs, initializers)
    m.opset_import[0].version = opset
    return m


def u8(*shape):
    return np.random.default_rng(sum(shape)).integers(0, 255, shape).astype(np.uint8)


a34, a14, a31, a24 = rand(3, 4), rand(1, 4), rand(3, 1), rand(2, 4)
g23, g34 = rand(2, 3), rand(3, 4)
q25 = u8(2, 5)
s5, s1 = np.array([0.5, 1, 2, 4, 0.25], np.float32), np.array([0.5], np.float32)
z5, z1 = np.array([1, 2, 3, 4, 5], np.uint8), np.array([7], np.uint8)
x234 = rand(2, 3, 4)
slope = np.array([0.1, 0.2, 0.3], np.float32)

CASES = [
    # Both operands' dimensions dynamic: equal sizes (the fast path), sizes
    # of 1 on either side or both, and sizes that do not broadcast.
    ("bcast_add", model([helper.make_node("Add", ["a", "b"], ["y"], name="add")],
                        [("a", F, [None, None]), ("b", F, [None, None])],
                        [("y", F, [None, None])]), [
        ([a34, a34], [a34 + a34]),
        ([a34, a14], [a34 + a14]),
        ([a14, a34], [a14 + a34]),
        ([a31, a14], [a31 + a14]),
        ([a34, a24], "node 'add' (Add): dimension 0 of the operands must agree or be 1"),
    ]),
    # Where with three dynamic operands of different ranks.
    ("bcast_where", model([helper.make_node("Where", ["c", "a", "b"], ["y"], name="where")],
                          [("c", TensorProto.BOOL, [None]), ("a", F, [None, None]),
                           ("b", F, [None, None])], [("y", F, [None, None])]), [
        ([np.array([True, False, True, False]), a34, a14],
         [np.where([True, False, True, False], a34, a14)]),
        ([np.array([True]), a31, a14], [np.where([True], a31, a14)]),
    ]),
    # Gemm's bias C [?]: [N] or [1] at run time.
    ("gemm_bias", model([helper.make_node("Gemm", ["a", "b", "c"], ["y"], name="gemm",
                                          beta=0.5)],
                        [("a", F, [None, None]), ("b", F, [None, None]), ("c", F, [None])],
                        [("y", F, [None, None])]), [
        ([g23, g34, rand(4)], [g23 @ g34 + 0.5 * rand(4)]),
        ([g23, g34, rand(1)], [g23 @ g34 + 0.5 * rand(1)]),
        ([g23, g34, rand(3)], "node 'gemm' (Gemm): dimension 1 of the operands must agree or be 1"),
    ]),
    # Add-6 with broadcast=1 and axis: B aligned with A's dimension 1.
    ("legacy_add", model([helper.make_node("Add", ["a", "b"], ["y"], name="add",
                                           broadcast=1, axis=1)],
                         [("a", F, [None, None, None]), ("b", F, [None])],
                         [("y", F, [None, None, None])], opset=6), [
        ([x234, rand(3)], [x234 + rand(3).reshape(3, 1)]),
        ([x234, rand(1)], [x234 + rand(1)]),
    ]),
    # PRelu-6: a 1-D slope is per channel.
    ("prelu6", model([helper.make_node("PRelu", ["x", "s"], ["y"], name="prelu")],
                     [("x", F, [None, None, None])], [("y", F, [None, None, None])],
                     opset=6, initializers=[numpy_helper.from_array(slope, "s")]), [
        ([x234], [np.where(x234 < 0, x234 * slope.reshape(3, 1), x234)]),
    ]),
    # DequantizeLinear along axis 1 with parameters of dynamic size: per
    # axis ([5]) or per tensor ([1]) at run time.
    ("dequant_axis", model([helper.make_node("DequantizeLinear", ["x", "s", "z"], ["y"],
                                             name="dq", axis=1)],
                           [("x", U8, [None, None]), ("s", F, [None]), ("z", U8, [None])],
                           [("y", F, [None, None])], opset=13), [
        ([q25, s5, z5], [(q25.astype(np.float32) - z5) * s5]),
        ([q25, s1, z1], [(q25.astype(np.float32) - z1) * s1]),
        ([q25, s5[:3], z5[:3]], "node 'dq' (DequantizeLinear): dimension 1 of the operands"),
    ]),
]


if __name__ == "__main__":
    # dynamic_shapes' driver compiles each model once and runs every case.
    sys.exit(dynamic_shapes.main(CASES))

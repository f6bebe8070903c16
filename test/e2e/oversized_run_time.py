#!/usr/bin/python3
"""Buffers too large to exist: errors naming the node, never a crash.

Tile and Expand to sizes read at run time, whose result is an intermediate
(not an output the runtime allocates), an Expand to a static 2^46 elements
and a ConstantOfShape of 2^46 integers (which must compile promptly: it is
filled at run time, not stored): each compiled once (-O3, -O0) and run
with sizes that fit, sizes past the address space (the allocation fails)
and sizes whose byte count would wrap around in i64.

  oversized_run_time.py BIN_DIR WORK_DIR
"""
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from dynamic_shapes import graph_model, rand
from e2e_cases import run_at_sizes

F, I = TensorProto.FLOAT, TensorProto.INT64
BIG = 2**23  # 2^23 x 2^23 floats: 2^48 bytes, past x86-64's 2^47 of user space


def ints(*v):
    return np.array(v, np.int64)


def summed(op_node, inputs, inits=()):
    """op_node's output `t` summed into the scalar output y."""
    nodes = [op_node, helper.make_node("ReduceSum", ["t"], ["y"], name="sum", keepdims=0)]
    return graph_model(nodes, inputs, [("y", F, [])], inits)


x22, x1 = rand(2, 2), rand(1)
CASES = [
    ("tile", summed(helper.make_node("Tile", ["x", "r"], ["t"], name="tile"),
                    [("x", F, [2, 2]), ("r", I, [2])]), [
        ([x22, ints(2, 3)], [np.array(np.tile(x22, (2, 3)).sum(), np.float32)]),
        ([x22, ints(BIG // 2, BIG // 2)], "node 'tile' (Tile): out of memory: cannot allocate"),
        # Each dimension 2^39, the byte count 2^80.
        ([x22, ints(2**38, 2**38)],
         "node 'tile' (Tile): cannot allocate a buffer of the sizes computed at run time "
         "(more than 2^62 bytes)"),
        # 2 * 2^62 wraps around.
        ([x22, ints(2**62, 2**62)], "node 'tile' (Tile): the repeats must have 2 entries"),
    ]),
    ("expand", summed(helper.make_node("Expand", ["x", "s"], ["t"], name="expand"),
                      [("x", F, [1]), ("s", I, [2])]), [
        ([x1, ints(3, 4)], [np.array(x1[0] * 12, np.float32)]),
        ([x1, ints(BIG, BIG)], "node 'expand' (Expand): out of memory: cannot allocate"),
        ([x1, ints(2**40, 2**40)], "node 'expand' (Expand)"),
    ]),
    ("expand_static", summed(helper.make_node("Expand", ["x", "s"], ["t"], name="expand"),
                             [("x", F, [1])], [numpy_helper.from_array(ints(BIG, BIG), "s")]), [
        ([x1], "node 'expand' (Expand): out of memory: cannot allocate a buffer of "
               "281474976710656 bytes"),
    ]),
    ("constant_of_shape", graph_model(
        [helper.make_node("ConstantOfShape", ["s"], ["c"], name="cos",
                          value=numpy_helper.from_array(ints(3), "v")),
         helper.make_node("Add", ["c", "x"], ["t"], name="add"),
         helper.make_node("ReduceSum", ["t"], ["y"], name="sum", keepdims=0)],
        [("x", I, [1])], [("y", I, [])], [numpy_helper.from_array(ints(BIG, BIG), "s")]), [
        ([ints(1)], "cannot allocate"),
    ]),
]

if __name__ == "__main__":
    sys.exit(run_at_sizes(sys.argv[1], sys.argv[2], CASES))

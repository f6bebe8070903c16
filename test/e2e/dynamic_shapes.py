#!/usr/bin/python3
"""Dynamic input dimensions: one compiled model, any size, mismatches caught.

Each case is a small ONNX model with symbolic or unknown input dimensions,
compiled once at -O3 and once at -O0 and run at several sizes: sizes that
fit must match numpy; sizes that the model relates but that disagree must
fail with a message naming the node (or, for dimensions two inputs name
alike, the input), never crash or print a result.

  dynamic_shapes.py BIN_DIR WORK_DIR
"""
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from e2e_cases import run_at_sizes

F = TensorProto.FLOAT


def graph_model(nodes, inputs, outputs, initializers=()):
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs],
        [helper.make_tensor_value_info(n, t, s) for n, t, s in outputs],
        initializer=list(initializers))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def rand(*shape):
    return np.random.default_rng(sum(shape) + len(shape)).standard_normal(shape).astype(np.float32)


# name, model, [(inputs, expected outputs, or an error substring)]
a3, b3, a5, b4 = rand(3, 4), rand(3, 4), rand(5, 4), rand(4, 4)
m23, m37 = rand(2, 3), rand(3, 7)
x28 = rand(2, 8)
CASES = [
    # Two unrelated dynamic sizes that broadcasting assumes equal.
    ("add", graph_model([helper.make_node("Add", ["a", "b"], ["y"], name="add")],
                        [("a", F, ["n", 4]), ("b", F, ["m", 4])], [("y", F, ["n", 4])]), [
        ([a3, b3], [a3 + b3]),
        ([a5, rand(5, 4)], [a5 + rand(5, 4)]),
        ([a3, b4], "node 'add' (Add): dimension 0 of the operands must agree"),
    ]),
    # Dimensions the model names alike are checked before the call.
    ("named", graph_model([helper.make_node("Sub", ["a", "b"], ["y"], name="sub")],
                          [("a", F, ["batch", 4]), ("b", F, ["batch", 4])],
                          [("y", F, ["batch", 4])]), [
        ([a3, b3], [a3 - b3]),
        ([a3, b4], "input 'b': dimension 0 ('batch') is 4, but dimension 0 of input 'a'"),
    ]),
    # The reduced dimension of a product, dynamic on both sides.
    ("matmul", graph_model([helper.make_node("MatMul", ["a", "b"], ["y"], name="mm")],
                           [("a", F, ["m", "k"]), ("b", F, ["k2", "n"])],
                           [("y", F, ["m", "n"])]), [
        ([m23, m37], [m23 @ m37]),
        ([m23, rand(4, 7)], "node 'mm' (MatMul): the operands' reduced dimensions must agree"),
    ]),
    # Concatenation: sizes add up along the axis, must agree elsewhere.
    ("concat", graph_model([helper.make_node("Concat", ["a", "b"], ["y"], name="cat", axis=0)],
                           [("a", F, ["n", "c"]), ("b", F, ["m", "c2"])],
                           [("y", F, [None, None])]), [
        ([a3, a5], [np.concatenate([a3, a5])]),
        ([a3, rand(2, 3)], "node 'cat' (Concat): the inputs must agree on dimension 1"),
    ]),
    # A reshape to another tensor's run-time shape (LayerNormalization's
    # expansion): sizes read at run time, the element count checked.
    ("reshape_like", graph_model(
        [helper.make_node("Shape", ["x"], ["s"], name="shape"),
         helper.make_node("Reshape", ["y", "s"], ["z"], name="reshape")],
        [("x", F, ["b", "t", 2]), ("y", F, ["m", "n"])], [("z", F, ["b", "t", 2])]), [
        ([rand(3, 4, 2), rand(4, 6)],
         [rand(4, 6).reshape(3, 4, 2)]),
        ([rand(3, 4, 2), rand(5, 6)],
         "node 'reshape' (Reshape): the target shape must have as many elements"),
    ]),
    # PyTorch's x[:, :s] with s = z.shape[1]: a slice with a run-time end,
    # clamped to the sliced dimension like ONNX Slice.
    ("slice", graph_model(
        [helper.make_node("Shape", ["z"], ["s"], name="shape"),
         helper.make_node("Gather", ["s", "i1"], ["n"], name="gather"),
         helper.make_node("Unsqueeze", ["n", "zero"], ["end"], name="unsq"),
         helper.make_node("Slice", ["x", "zero", "end", "one"], ["y"], name="slice")],
        [("x", F, [2, 8]), ("z", F, [2, "s"])], [("y", F, [2, None])],
        [numpy_helper.from_array(np.array([0], np.int64), "zero"),
         numpy_helper.from_array(np.array([1], np.int64), "one"),
         numpy_helper.from_array(np.array(1, np.int64), "i1")]), [
        ([x28, rand(2, 5)], [x28[:, :5]]),
        ([x28, rand(2, 11)], [x28]),
    ]),
]


def main(cases=CASES):
    return run_at_sizes(sys.argv[1], sys.argv[2], cases)


if __name__ == "__main__":
    sys.exit(main())

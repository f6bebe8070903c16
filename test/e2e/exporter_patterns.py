#!/usr/bin/python3
"""Patterns of models as exporters write them, with dynamic input sizes.

TorchScript exports compute with sizes: Shape -> Gather -> Equal/Less ->
If conditions (nested, their branches capturing outer values), Cast of a
size into float arithmetic, sizes concatenated into graph outputs, Range
and ConstantOfShape of computed sizes. PyTorch's x[::-1] is a Slice with
a negative step along a dynamic axis. `xfc --input-shape` and `--dim`
specialize such a model. Each model is compiled once per level (-O3, -O0)
and run at several sizes; ONNX Runtime computes the expected outputs.
Inputs that contradict a specialized shape are rejected with the input's
name.

  exporter_patterns.py BIN_DIR WORK_DIR
"""
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from e2e_cases import ORT, run_at_sizes

F, I, B = TensorProto.FLOAT, TensorProto.INT64, TensorProto.BOOL
INT64_MAX = 2**63 - 1


def rand(*shape):
    return np.random.default_rng(sum(shape) + 7).standard_normal(shape).astype(np.float32)


def const(name, value):
    return helper.make_node("Constant", [], [name], name=name,
                            value=numpy_helper.from_array(np.asarray(value), name))


def node(op, ins, outs, name, **attrs):
    return helper.make_node(op, ins, outs, name=name, **attrs)


def graph(name, nodes, inputs, outputs):
    return helper.make_graph(nodes, name,
                             [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs],
                             [helper.make_tensor_value_info(n, t, s) for n, t, s in outputs])


def model(g, opset=17):
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])


def size_conditions():
    """y = x + n if n == 1, else (x * (n + 1) if n < 3 else x - n), with n
    the run-time batch size: the inner If sits in the outer else branch and
    both capture x and sizes of the outer graph. Sizes also leave as data:
    [n, 2n] as a graph output, Range(0, n), ConstantOfShape([2n]), and a
    reduction plus a size, a Reshape to [4n] and an Expand to [2n, 4]."""
    inner_then = graph("inner_then", [
        node("Add", ["n", "one"], ["n1"], "inner_then/add"),
        node("Cast", ["n1"], ["n1f"], "inner_then/cast", to=F),
        node("Mul", ["x", "n1f"], ["t"], "inner_then/mul"),
    ], [], [("t", F, ["N", 4])])
    inner_else = graph("inner_else", [node("Sub", ["x", "nf"], ["e"], "inner_else/sub")],
                       [], [("e", F, ["N", 4])])
    outer_then = graph("outer_then", [node("Add", ["x", "nf"], ["a"], "outer_then/add")],
                       [], [("a", F, ["N", 4])])
    outer_else = graph("outer_else", [
        node("Less", ["n", "three"], ["small"], "outer_else/less"),
        node("If", ["small"], ["b"], "outer_else/if", then_branch=inner_then,
             else_branch=inner_else),
    ], [], [("b", F, ["N", 4])])
    nodes = [
        const("zero", np.int64(0)), const("one", np.int64(1)), const("two", np.int64(2)),
        const("three", np.int64(3)), const("axes0", np.array([0], np.int64)),
        node("Shape", ["x"], ["shape"], "shape"),
        node("Gather", ["shape", "zero"], ["n"], "gather", axis=0),
        node("Equal", ["n", "one"], ["is_one"], "equal"),
        node("Cast", ["n"], ["nf"], "cast", to=F),
        node("If", ["is_one"], ["y"], "if", then_branch=outer_then, else_branch=outer_else),
        node("Mul", ["n", "two"], ["n2"], "mul"),
        node("Unsqueeze", ["n", "axes0"], ["n_1d"], "unsqueeze_n"),
        node("Unsqueeze", ["n2", "axes0"], ["n2_1d"], "unsqueeze_n2"),
        node("Concat", ["n_1d", "n2_1d"], ["sizes"], "concat", axis=0),
        node("Range", ["zero", "n", "one"], ["range"], "range"),
        node("ConstantOfShape", ["n2_1d"], ["filled"], "constant_of_shape",
             value=numpy_helper.from_array(np.array([1.5], np.float32))),
        # A reshape to, and an expand of a scalar to, computed sizes.
        const("four", np.int64(4)), const("four_1d", np.array([4], np.int64)),
        const("half", np.float32(0.5)),
        node("Mul", ["n", "four"], ["n4"], "mul4"),
        node("Unsqueeze", ["n4", "axes0"], ["n4_1d"], "unsqueeze_n4"),
        node("Reshape", ["x", "n4_1d"], ["flat"], "reshape"),
        node("Concat", ["n2_1d", "four_1d"], ["wide_shape"], "concat_wide", axis=0),
        node("Expand", ["half", "wide_shape"], ["wide"], "expand"),
        node("ReduceSum", ["x"], ["total"], "reduce_sum", keepdims=0),
        node("Cast", ["n2"], ["n2f"], "cast_n2", to=F),
        node("Add", ["total", "n2f"], ["total_plus"], "add_total"),
    ]
    g = graph("size_conditions", nodes, [("x", F, ["N", 4])],
              [("y", F, ["N", 4]), ("sizes", I, [2]), ("range", I, ["N"]),
               ("filled", F, [None]), ("total_plus", F, []), ("flat", F, [None]),
               ("wide", F, [None, 4])])
    return model(g)


def reversed_slices():
    """x[:, ::-1], x[::-2], bounds past the ends clamped with a negative
    step, and x[:, m-2::-1] with its start computed from the run-time size."""
    nodes = [
        const("m1", np.array([-1], np.int64)), const("neg_max", np.array([-INT64_MAX], np.int64)),
        const("ax0", np.array([0], np.int64)), const("ax1", np.array([1], np.int64)),
        const("m2", np.array([-2], np.int64)), const("far", np.array([100, -2], np.int64)),
        const("near", np.array([-100, 0], np.int64)), const("ax01", np.array([0, 1], np.int64)),
        const("m11", np.array([-1, -1], np.int64)), const("two", np.array([2], np.int64)),
        node("Slice", ["x", "m1", "neg_max", "ax1", "m1"], ["flip_cols"], "flip_cols"),
        node("Slice", ["x", "m1", "neg_max", "ax0", "m2"], ["every_other_row"], "every_other_row"),
        node("Slice", ["x", "far", "near", "ax01", "m11"], ["clamped"], "clamped"),
        node("Shape", ["x"], ["shape"], "shape"),
        node("Gather", ["shape", "ax1"], ["m"], "gather", axis=0),
        node("Sub", ["m", "two"], ["start"], "sub"),
        node("Slice", ["x", "start", "neg_max", "ax1", "m1"], ["from_size"], "from_size"),
    ]
    g = graph("reversed_slices", nodes, [("x", F, ["N", "M"])],
              [(n, F, [None, None]) for n in ("flip_cols", "every_other_row", "clamped",
                                              "from_size")])
    return model(g)


def specialized():
    """A model with dynamic batch and sequence, for --input-shape and --dim."""
    nodes = [node("MatMul", ["x", "w"], ["h"], "matmul"),
             node("Relu", ["h"], ["y"], "relu")]
    g = graph("specialized", nodes, [("x", F, ["batch", "seq", 8]), ("w", F, [8, 3])],
              [("y", F, ["batch", "seq", 3])])
    return model(g)


w83 = rand(8, 3)
CASES = [
    ("size_conditions", size_conditions(), [
        ([rand(1, 4)], ORT), ([rand(2, 4)], ORT), ([rand(5, 4)], ORT),
    ]),
    ("reversed_slices", reversed_slices(), [
        ([rand(3, 4)], ORT), ([rand(1, 5)], ORT), ([rand(6, 2)], ORT),
    ]),
    ("input_shape", specialized(), [
        ([rand(2, 5, 8), w83], ORT),
        ([rand(2, 6, 8), w83], "input 'x': dimension 1 is 6, the model expects 5"),
    ], ["--input-shape=x:2x5x8"]),
    ("dim_param", specialized(), [
        ([rand(3, 1, 8), w83], ORT), ([rand(3, 7, 8), w83], ORT),
        ([rand(4, 7, 8), w83], "input 'x': dimension 0 is 4, the model expects 3"),
    ], ["--dim=batch=3"]),
    # The same model with the size conditions specialized: the If folds.
    ("size_conditions_at_2", size_conditions(), [([rand(2, 4)], ORT)], ["--dim=N=2"]),
]

if __name__ == "__main__":
    sys.exit(run_at_sizes(sys.argv[1], sys.argv[2], CASES))

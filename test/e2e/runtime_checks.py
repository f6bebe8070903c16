#!/usr/bin/python3
"""Run-time checks of shape-like inputs: right values run, wrong ones fail.

When a shape-like input (Reshape's target, Slice's starts, Pad's pads, an
axes list, Range's bounds, ...) is a graph input but the model declares the
output's static shape, xfc compiles for that shape, computes what the
values decide (offsets, axes) at run time and checks that they give the
declared shape. For each case this driver compiles the model at -O3 and
-O0, runs it with values that give the declared shape (the outputs must
match numpy) and with values that do not (xfc-run must fail with a message
naming the node, not crash or print a result).

  runtime_checks.py BIN_DIR WORK_DIR
"""
import sys

import numpy as np
from onnx import TensorProto, helper

from e2e_cases import run_at_sizes

F, I64, I32, B = TensorProto.FLOAT, TensorProto.INT64, TensorProto.INT32, TensorProto.BOOL


def graph_model(name, op, inputs, outputs, opset=14, **attrs):
    """One node `op` named `name`; inputs and outputs are (type, shape)."""
    in_names = [f"i{k}" if t is not None else "" for k, t in enumerate(inputs)]
    out_names = [f"y{k}" for k in range(len(outputs))]
    node = helper.make_node(op, in_names, out_names, name=name, **attrs)
    graph = helper.make_graph(
        [node], name,
        [helper.make_tensor_value_info(n, *t) for n, t in zip(in_names, inputs) if n],
        [helper.make_tensor_value_info(n, *t) for n, t in zip(out_names, outputs)])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def model(name, op, x_shape, s_len, y_shape, s_type=I64,
          node_inputs=("x", "s"), **attrs):
    """x (float) and one shape-like input s, in the node's slots `node_inputs`."""
    inputs = [(F, x_shape) if n == "x" else (s_type, [s_len]) if n == "s" else None
              for n in node_inputs]
    return graph_model(name, op, inputs, [(F, y_shape)], **attrs)


def runs(x, cases, s_dtype=np.int64):
    """Runs of a two-input model: (s values, expected) -> ([x, s], [expected])."""
    return [([x, np.array(v, dtype=s_dtype)], None if e is None else [e])
            for v, e in cases]


def i64(*v):
    return np.array(v, dtype=np.int64)


def scalar(v, dtype):
    return np.array(v, dtype=dtype)


x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
e = np.arange(3, dtype=np.float32).reshape(3, 1)
v = np.arange(72, dtype=np.float32).reshape(6, 4, 3)
m = np.arange(12, dtype=np.float32).reshape(3, 4)
ones = np.ones(1, np.float32)


def pad(a, lo, hi, **kw):
    """np.pad with ONNX's negative pads (they crop)."""
    crop = tuple(slice(max(-l, 0), a.shape[d] - max(-h, 0))
                 for d, (l, h) in enumerate(zip(lo, hi)))
    return np.pad(a[crop], [(max(l, 0), max(h, 0)) for l, h in zip(lo, hi)], **kw)


# name, model, [(inputs, expected outputs, or None when the values are wrong)]
CASES = [
    ("reshape", model("r", "Reshape", [2, 3, 4], 3, [4, 3, 2]), runs(x, [
        ([4, 3, 2], x.reshape(4, 3, 2)),
        ([4, -1, 2], x.reshape(4, 3, 2)),
        ([4, 3, -1], x.reshape(4, 3, 2)),
        ([4, 0, 2], x.reshape(4, 3, 2)),  # 0 copies the input's 3
        ([2, 3, 4], None),
        ([-1, -1, 2], None),
        ([4, 6, 1], None),
    ])),
    ("expand", model("e", "Expand", [3, 1], 3, [2, 3, 5]), runs(e, [
        ([2, 3, 5], np.broadcast_to(e, (2, 3, 5))),
        ([2, 1, 5], np.broadcast_to(e, (2, 3, 5))),
        ([2, 3, 4], None),
        ([1, 3, 5], None),
    ])),
    ("tile", model("t", "Tile", [3, 1], 2, [6, 2]), runs(e, [
        ([2, 2], np.tile(e, (2, 2))),
        ([2, 1], None),
        ([1, 4], None),
    ])),
    # Resize's run-time scales must give the declared shape: floor(in * s).
    ("resize_scales", model("rs", "Resize", [1, 1, 2, 2], 4, [1, 1, 4, 6],
                            s_type=F, node_inputs=("x", "", "s")),
     runs(np.arange(4, dtype=np.float32).reshape(1, 1, 2, 2), [
        ([1, 1, 2, 3], np.arange(4, dtype=np.float32).reshape(1, 1, 2, 2)
         .repeat(2, axis=2).repeat(3, axis=3)),
        ([1, 1, 2, 3.6], None),
        ([1, 1, 3, 3], None),
    ], np.float32)),
    ("resize_sizes", model("rz", "Resize", [1, 1, 2, 2], 4, [1, 1, 4, 6],
                           node_inputs=("x", "", "", "s")),
     runs(np.arange(4, dtype=np.float32).reshape(1, 1, 2, 2), [
        ([1, 1, 4, 6], np.arange(4, dtype=np.float32).reshape(1, 1, 2, 2)
         .repeat(2, axis=2).repeat(3, axis=3)),
        ([1, 1, 4, 5], None),
    ])),
    # Slice: offsets and axes at run time, ONNX clamping, negative steps.
    ("slice", graph_model("sl", "Slice", [(F, [6, 4, 3])] + [(I64, [2])] * 4,
                          [(F, [3, 4, 3])]), [
        ([v, i64(0, 0), i64(3, 4), i64(0, 1), i64(1, 1)], [v[0:3]]),
        ([v, i64(0, 2), i64(4, 5), i64(1, 0), i64(1, 1)], [v[2:5]]),
        ([v, i64(-1, 0), i64(-4, 99), i64(0, -2), i64(-1, 1)], [v[5:2:-1]]),
        ([v, i64(1, 0), i64(99, 4), i64(0, 1), i64(2, 1)], [v[1::2]]),
        ([v, i64(0, 0), i64(3, 3), i64(0, 1), i64(1, 1)], None),
        ([v, i64(0, 0), i64(3, 4), i64(0, 0), i64(1, 1)], None),
        ([v, i64(0, 0), i64(3, 4), i64(0, 3), i64(1, 1)], None),
        ([v, i64(0, 0), i64(3, 4), i64(0, 1), i64(1, 0)], None),
    ]),
    ("pad_constant", graph_model("pc", "Pad", [(F, [3, 4]), (I64, [4]), (F, [])],
                                 [(F, [4, 7])]), [
        ([m, i64(1, 2, 0, 1), scalar(1.5, np.float32)],
         [pad(m, (1, 2), (0, 1), constant_values=1.5)]),
        ([m, i64(0, 0, 1, 3), scalar(-2, np.float32)],
         [pad(m, (0, 0), (1, 3), constant_values=-2)]),
        ([m, i64(-1, 4, 2, -1), scalar(0, np.float32)],
         [pad(m, (-1, 4), (2, -1))]),
        ([m, i64(1, 1, 1, 1), scalar(0, np.float32)], None),
    ]),
    ("pad_reflect", graph_model("pr", "Pad", [(F, [3, 4]), (I64, [4])],
                                [(F, [5, 6])], mode="reflect"), [
        ([m, i64(1, 1, 1, 1)], [np.pad(m, ((1, 1), (1, 1)), mode="reflect")]),
        ([m, i64(2, 0, 0, 2)], [np.pad(m, ((2, 0), (0, 2)), mode="reflect")]),
        ([m, i64(0, 3, 2, -1)], None),
        ([m, i64(3, 1, -1, 1)], None),
    ]),
    ("pad_edge", graph_model("pe", "Pad", [(F, [3, 4]), (I64, [4])],
                             [(F, [5, 6])], mode="edge"), [
        ([m, i64(0, 2, 2, 0)], [np.pad(m, ((0, 2), (2, 0)), mode="edge")]),
        ([m, i64(0, 2, 3, -1)], None),
    ]),
    ("range_float", graph_model("rf", "Range", [(F, [])] * 3, [(F, [4])]), [
        ([scalar(v0, np.float32) for v0 in (1, 5, 1)], [np.arange(1, 5, 1, np.float32)]),
        ([scalar(v0, np.float32) for v0 in (1, 4.5, 1)], [np.arange(1, 4.5, 1, np.float32)]),
        ([scalar(v0, np.float32) for v0 in (10, 2, -2)], [np.arange(10, 2, -2, np.float32)]),
        ([scalar(v0, np.float32) for v0 in (1, 5, 2)], None),
        ([scalar(v0, np.float32) for v0 in (1, 5, 0)], None),
    ]),
    ("range_int", graph_model("ri", "Range", [(I32, [])] * 3, [(I32, [3])]), [
        ([scalar(v0, np.int32) for v0 in (10, 3, -3)], [np.arange(10, 3, -3, np.int32)]),
        ([scalar(v0, np.int32) for v0 in (-2, 7, 4)], [np.arange(-2, 7, 4, np.int32)]),
        ([scalar(v0, np.int32) for v0 in (10, 4, -3)], None),
        ([scalar(v0, np.int32) for v0 in (0, 3, 0)], None),
    ]),
    ("unsqueeze", model("u", "Unsqueeze", [3, 4], 2, [3, 1, 4, 1]), runs(m, [
        ([1, 3], m.reshape(3, 1, 4, 1)),
        ([3, 1], m.reshape(3, 1, 4, 1)),
        ([-1, 1], m.reshape(3, 1, 4, 1)),
        ([1, 2], None),
        ([1, 1], None),
        ([1, 4], None),
    ])),
    # Either unit axis of [3, 1, 1] may go.
    ("squeeze", model("s", "Squeeze", [3, 1, 1], 1, [3, 1]),
     runs(np.arange(3, dtype=np.float32).reshape(3, 1, 1), [
        ([1], np.arange(3, dtype=np.float32).reshape(3, 1)),
        ([-1], np.arange(3, dtype=np.float32).reshape(3, 1)),
        ([0], None),
    ])),
    # Axes 1 and 2 both reduce [2, 3, 3] to [2, 3]: both are computed.
    ("reduce_sum", model("rd", "ReduceSum", [2, 3, 3], 1, [2, 3], keepdims=0),
     runs(np.arange(18, dtype=np.float32).reshape(2, 3, 3), [
        ([1], np.arange(18, dtype=np.float32).reshape(2, 3, 3).sum(1)),
        ([2], np.arange(18, dtype=np.float32).reshape(2, 3, 3).sum(2)),
        ([-2], np.arange(18, dtype=np.float32).reshape(2, 3, 3).sum(1)),
        ([0], None),
        ([3], None),
    ])),
    ("reduce_sum_keepdims", model("rk", "ReduceSum", [2, 1, 3], 2, [1, 1, 3]),
     runs(np.arange(6, dtype=np.float32).reshape(2, 1, 3), [
        ([0, 1], np.arange(6, dtype=np.float32).reshape(2, 1, 3).sum(0, keepdims=True)),
        ([1, 0], np.arange(6, dtype=np.float32).reshape(2, 1, 3).sum(0, keepdims=True)),
        ([0, 2], None),
        ([0, 0], None),
    ])),
    ("cumsum", graph_model("c", "CumSum", [(F, [3, 4]), (I32, [])], [(F, [3, 4])]), [
        ([m, scalar(0, np.int32)], [np.cumsum(m, 0)]),
        ([m, scalar(1, np.int32)], [np.cumsum(m, 1)]),
        ([m, scalar(-2, np.int32)], [np.cumsum(m, 0)]),
        ([m, scalar(2, np.int32)], None),
    ]),
    ("onehot", graph_model("o", "OneHot", [(I64, [3]), (F, []), (F, [2])],
                           [(F, [3, 5])]), [
        ([i64(0, 4, -1), scalar(5, np.float32), np.array([0, 1], np.float32)],
         [np.eye(5, dtype=np.float32)[[0, 4, 4]]]),
        ([i64(1, 2, 3), scalar(5.5, np.float32), np.array([2, 3], np.float32)],
         [2 + np.eye(5, dtype=np.float32)[[1, 2, 3]]]),
        ([i64(0, 1, 2), scalar(4, np.float32), np.array([0, 1], np.float32)], None),
    ]),
    ("split", graph_model("sp", "Split", [(F, [6]), (I64, [2])],
                          [(F, [2]), (F, [4])]), [
        ([np.arange(6, dtype=np.float32), i64(2, 4)],
         [np.arange(2, dtype=np.float32), np.arange(2, 6, dtype=np.float32)]),
        ([np.arange(6, dtype=np.float32), i64(3, 3)], None),
    ]),
    ("dropout", graph_model("d", "Dropout", [(F, [3, 4]), (F, []), (B, [])],
                            [(F, [3, 4])]), [
        ([m, scalar(0.5, np.float32), scalar(False, np.bool_)], [m]),
        ([m, scalar(0, np.float32), scalar(True, np.bool_)], [m]),
        ([m, scalar(0.5, np.float32), scalar(True, np.bool_)], None),
    ]),
    # Trilu's k is a run-time value: every k is valid.
    ("trilu", graph_model("tr", "Trilu", [(F, [3, 4]), (I64, [])], [(F, [3, 4])]), [
        ([m, scalar(1, np.int64)], [np.triu(m, 1)]),
        ([m, scalar(-1, np.int64)], [np.triu(m, -1)]),
        ([m, scalar(7, np.int64)], [np.zeros_like(m)]),
    ]),
    # Data-dependent counts: compiled for the declared count of 5.
    ("nonzero", graph_model("nz", "NonZero", [(F, [3, 4])], [(I64, [2, 5])], opset=13), [
        ([np.array([[0, 2, 0, 1], [0, 0, 0, 0], [7, 0, 3, -1]], np.float32)],
         [np.array(np.nonzero(np.array([[0, 2, 0, 1], [0, 0, 0, 0], [7, 0, 3, -1]])), np.int64)]),
        ([np.eye(3, 4, dtype=np.float32)], None),
        ([np.ones((3, 4), np.float32)], None),
    ]),
    ("compress", graph_model("cp", "Compress", [(F, [3, 4]), (B, [4])], [(F, [3, 2])],
                             opset=11, axis=1), [
        ([m, np.array([False, True, False, True])], [m[:, [1, 3]]]),
        ([m, np.array([True, False, False, True])], [m[:, [0, 3]]]),
        ([m, np.array([True, True, False, True])], None),
        ([m, np.array([False, False, False, False])], None),
    ]),
]


def main():
    # A rejected run (expected None) must name the node.
    cases = [(name, mdl, [(inputs, expected if expected is not None else
                           f"node '{mdl.graph.node[0].name}' ({mdl.graph.node[0].op_type})")
                          for inputs, expected in runs])
             for name, mdl, runs in CASES]
    return run_at_sizes(sys.argv[1], sys.argv[2], cases)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""Run-time shape-like inputs on dynamic tensors: one model, any values.

Slice's starts/ends/axes/steps, Split's sizes (and equal parts of a dynamic
dimension), Pad's pads and constant value, ReduceSum's axes, Hardmax along
a dynamic axis and Dropout's mask: each model is compiled once (-O3 and
-O0) with every dimension unknown and no declared output shape, run with
several sizes and values that must match numpy, and with values ONNX
rejects, which must fail with a message naming the node.

  dynamic_dshapeb.py BIN_DIR WORK_DIR
"""
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

import dynamic_shapes
from dynamic_shapes import graph_model, rand

F, I = TensorProto.FLOAT, TensorProto.INT64


def ints(*v):
    return np.array(v, np.int64)


def node(op, inputs, outputs, **attrs):
    return helper.make_node(op, inputs, outputs, name=op.lower(), **attrs)


def dyn(name, rank, t=F):
    return (name, t, [None] * rank)


def slice_ref(x, starts, ends, axes, steps):
    index = [slice(None)] * x.ndim
    for s, e, a, st in zip(starts, ends, axes, steps):
        index[a] = slice(s, e, st)
    return x[tuple(index)]


def pad_ref(x, pads, mode, value=0.0):
    rank = x.ndim
    lo, hi = np.array(pads[:rank]), np.array(pads[rank:])
    # Negative (constant) pads crop first.
    x = x[tuple(slice(max(-l, 0), x.shape[d] - max(-h, 0))
                for d, (l, h) in enumerate(zip(lo, hi)))]
    widths = [(max(l, 0), max(h, 0)) for l, h in zip(lo, hi)]
    if mode == "constant":
        return np.pad(x, widths, mode="constant", constant_values=value)
    return np.pad(x, widths, mode=mode)


def hardmax_ref(x, axis):
    out = np.zeros_like(x)
    idx = np.expand_dims(np.argmax(x, axis=axis), axis)
    np.put_along_axis(out, idx, 1, axis=axis)
    return out


x56, x39, x47 = rand(5, 6), rand(3, 9), rand(4, 7)
x26, x34 = rand(2, 6), rand(3, 4)
x234 = rand(2, 3, 4)
s = (ints(1, 5), ints(4, 0), ints(0, 1), ints(1, -2))

CASES = [
    ("slice", graph_model(
        [node("Slice", ["x", "starts", "ends", "axes", "steps"], ["y"])],
        [dyn("x", 2), dyn("starts", 1, I), dyn("ends", 1, I), dyn("axes", 1, I),
         dyn("steps", 1, I)], [dyn("y", 2)]), [
        ([x56, *s], [slice_ref(x56, *s)]),
        ([x39, ints(-100), ints(2), ints(-1), ints(3)],
         [slice_ref(x39, [-100], [2], [1], [3])]),
        ([x47, ints(10, -1), ints(-10, 0), ints(1, 0), ints(-1, -2)],
         [slice_ref(x47, [10, -1], [-10, 0], [1, 0], [-1, -2])]),
        ([x56, ints(0), ints(2), ints(0), ints(0)],
         "node 'slice' (Slice): the steps must not be 0"),
        ([x56, ints(0, 0), ints(2, 2), ints(1, -1), ints(1, 1)],
         "node 'slice' (Slice): the axes must not name an axis twice"),
    ]),
    # Constant bounds on the static axis of a tensor with a dynamic one.
    ("slice_const", graph_model(
        [node("Slice", ["x", "s", "e", "a", "st"], ["y"]),
         helper.make_node("Slice", ["x", "e", "s", "a", "neg"], ["z"], name="flip")],
        [("x", F, [None, 6])], [dyn("y", 2), dyn("z", 2)],
        [numpy_helper.from_array(ints(1), "s"), numpy_helper.from_array(ints(5), "e"),
         numpy_helper.from_array(ints(1), "a"), numpy_helper.from_array(ints(2), "st"),
         numpy_helper.from_array(ints(-2), "neg")]), [
        ([x26], [x26[:, 1:5:2], x26[:, 5:1:-2]]),
        ([x56], [x56[:, 1:5:2], x56[:, 5:1:-2]]),
    ]),
    ("split_equal", graph_model(
        [node("Split", ["x"], ["a", "b"], axis=1)],
        [dyn("x", 2)], [dyn("a", 2), dyn("b", 2)]), [
        ([x26], list(np.split(x26, 2, axis=1))),
        ([x34], list(np.split(x34, 2, axis=1))),
        ([x39], "node 'split' (Split): the dimension must split evenly into 2"),
    ]),
    ("split_sizes", graph_model(
        [node("Split", ["x", "split"], ["a", "b", "c"], axis=0)],
        [dyn("x", 2), dyn("split", 1, I)], [dyn("a", 2), dyn("b", 2), dyn("c", 2)]), [
        ([x56, ints(1, 0, 4)], [x56[:1], x56[1:1], x56[1:]]),
        ([x39, ints(2, 1, 0)], [x39[:2], x39[2:], x39[3:]]),
        ([x56, ints(1, 1, 1)],
         "node 'split' (Split): the split sizes must not be negative and must add up"),
    ]),
    ("pad_constant", graph_model(
        [node("Pad", ["x", "pads", "value"], ["y"], mode="constant")],
        [dyn("x", 2), dyn("pads", 1, I), ("value", F, [])], [dyn("y", 2)]), [
        ([x34, ints(1, 0, 2, -1), np.array(1.5, np.float32)],
         [pad_ref(x34, [1, 0, 2, -1], "constant", 1.5)]),
        ([x56, ints(-2, 3, 0, 0), np.array(-1, np.float32)],
         [pad_ref(x56, [-2, 3, 0, 0], "constant", -1)]),
        ([x34, ints(0, 0, -4, 0), np.array(0, np.float32)],
         "node 'pad' (Pad): the pads must not crop a dimension below zero"),
    ]),
    ("pad_reflect", graph_model(
        [node("Pad", ["x", "pads"], ["y"], mode="reflect")],
        [dyn("x", 2), dyn("pads", 1, I)], [dyn("y", 2)]), [
        ([x34, ints(2, 1, 0, 3)], [pad_ref(x34, [2, 1, 0, 3], "reflect")]),
        ([x56, ints(0, 5, 4, 0)], [pad_ref(x56, [0, 5, 4, 0], "reflect")]),
        ([x34, ints(3, 0, 0, 0)],
         "node 'pad' (Pad): reflect pads must be in [0, dimension - 1]"),
    ]),
    ("pad_edge", graph_model(
        [node("Pad", ["x", "pads"], ["y"], mode="edge")],
        [dyn("x", 3), dyn("pads", 1, I)], [dyn("y", 3)]), [
        ([x234, ints(1, 0, 2, 0, 3, 1)], [pad_ref(x234, [1, 0, 2, 0, 3, 1], "edge")]),
        ([x234, ints(1, 0, 0)], "node 'pad' (Pad): the pads must have 2 * rank = 6 entries"),
    ]),
    ("reduce_keep", graph_model(
        [node("ReduceSum", ["x", "axes"], ["y"], keepdims=1)],
        [dyn("x", 3), dyn("axes", 1, I)], [dyn("y", 3)]), [
        ([x234, ints(1)], [x234.sum(axis=1, keepdims=True)]),
        ([rand(3, 1, 5), ints(-1, 0)], [rand(3, 1, 5).sum(axis=(0, 2), keepdims=True)]),
        ([x234, np.zeros(0, np.int64)], [x234.sum(keepdims=True)]),
        ([x234, ints(3)], "node 'reducesum' (ReduceSum): the axes must be in [-3, 3)"),
    ]),
    ("reduce_drop", graph_model(
        [node("ReduceSum", ["x", "axes"], ["y"], keepdims=0)],
        [dyn("x", 3), dyn("axes", 1, I)], [dyn("y", 2)]), [
        ([x234, ints(1)], [x234.sum(axis=1)]),
        ([rand(3, 1, 5), ints(-1)], [rand(3, 1, 5).sum(axis=2)]),
        ([x234, ints(0, 1)], "node 'reducesum' (ReduceSum): the axes must leave the declared rank 2"),
    ]),
    ("reduce_noop", graph_model(
        [node("ReduceSum", ["x", "axes"], ["y"], keepdims=1, noop_with_empty_axes=1)],
        [dyn("x", 3), dyn("axes", 1, I)], [dyn("y", 3)]), [
        ([x234, np.zeros(0, np.int64)], [x234]),
        ([x234, ints(0, 2)], [x234.sum(axis=(0, 2), keepdims=True)]),
    ]),
    ("hardmax", graph_model(
        [node("Hardmax", ["x"], ["y"], axis=1)], [dyn("x", 2)], [dyn("y", 2)]), [
        ([x56], [hardmax_ref(x56, 1)]),
        ([x39], [hardmax_ref(x39, 1)]),
    ]),
    ("dropout_mask", graph_model(
        [node("Dropout", ["x"], ["y", "mask"])], [dyn("x", 2)],
        [dyn("y", 2), dyn("mask", 2, TensorProto.BOOL)]), [
        ([x34], [x34, np.ones((3, 4), bool)]),
        ([x56], [x56, np.ones((5, 6), bool)]),
    ]),
]


if __name__ == "__main__":
    sys.exit(dynamic_shapes.main(CASES))

#!/usr/bin/python3
"""Indexing ops with dynamic input dimensions: one compiled model per case,
run at several sizes, with outputs whose size is only known at run time
(TopK's k, OneHot's depth, NonZero's and Compress's and Unique's counts) and
the run-time checks that replace the static verifier's.

  dynamic_dindex.py BIN_DIR WORK_DIR
"""
import sys

import numpy as np
from onnx import TensorProto, helper

import dynamic_shapes
from dynamic_shapes import graph_model, rand

F, I64, B = TensorProto.FLOAT, TensorProto.INT64, TensorProto.BOOL


def node(op, inputs, outputs, **attrs):
    return helper.make_node(op, inputs, outputs, name=op.lower(), **attrs)


def topk(x, k):
    order = np.argsort(-x, axis=1, kind="stable")[:, :k]
    return [np.take_along_axis(x, order, 1), order.astype(np.int64)]


def onehot(indices, depth, values):
    eye = (np.arange(depth) == indices[..., None])
    return [np.where(eye, values[1], values[0]).astype(np.float32)]


x34, x57 = rand(3, 4), rand(5, 7)
nz = np.array([[1, 0, 2], [0, 0, 3]], np.float32)
CASES = [
    ("cumsum", graph_model([node("CumSum", ["x", "axis"], ["y"], reverse=1)],
                           [("x", F, ["n", "m"]), ("axis", I64, [])], [("y", F, [None, None])]), [
        ([x34, np.array(1, np.int64)], [np.flip(np.cumsum(np.flip(x34, 1), 1), 1)]),
        ([x57, np.array(0, np.int64)], [np.flip(np.cumsum(np.flip(x57, 0), 0), 0)]),
        ([rand(0, 3), np.array(0, np.int64)], [rand(0, 3)]),
    ]),
    ("topk", graph_model([node("TopK", ["x", "k"], ["v", "i"], axis=1)],
                         [("x", F, ["n", "m"]), ("k", I64, [1])],
                         [("v", F, [None, None]), ("i", I64, [None, None])]), [
        ([x34, np.array([2], np.int64)], topk(x34, 2)),
        ([x57, np.array([7], np.int64)], topk(x57, 7)),
        ([x34, np.array([5], np.int64)], "node 'topk' (TopK): k must be in [0, the size of the axis]"),
    ]),
    ("onehot", graph_model([node("OneHot", ["i", "depth", "values"], ["y"], axis=-1)],
                           [("i", I64, ["n"]), ("depth", F, []), ("values", F, ["two"])],
                           [("y", F, [None, None])]), [
        ([np.array([0, 2, -1], np.int64), np.array(4, np.float32), np.array([0, 5], np.float32)],
         onehot(np.array([0, 2, 3]), 4, [0, 5])),
        ([np.array([1], np.int64), np.array(2, np.float32), np.array([1, 2, 3], np.float32)],
         "node 'onehot' (OneHot): values must have two elements"),
    ]),
    ("gathernd", graph_model([node("GatherND", ["x", "i"], ["y"])],
                             [("x", F, ["a", "b"]), ("i", I64, ["n", "k"])], [("y", F, [None])]), [
        ([x34, np.array([[2, 3], [0, -1]], np.int64)], [np.array([x34[2, 3], x34[0, 3]])]),
        ([x57, np.array([[4, 6]], np.int64)], [np.array([x57[4, 6]])]),
        ([x34, np.array([[2], [0]], np.int64)],
         "node 'gathernd' (GatherND): the last dimension of the indices must be 2"),
    ]),
    ("nonzero", graph_model([node("NonZero", ["x"], ["y"])],
                            [("x", F, ["n", "m"])], [("y", I64, [2, None])]), [
        ([nz], [np.array(np.nonzero(nz), np.int64)]),
        ([np.zeros((3, 2), np.float32)], [np.zeros((2, 0), np.int64)]),
        ([x57], [np.array(np.nonzero(x57), np.int64)]),
    ]),
    ("compress", graph_model([node("Compress", ["x", "c"], ["y"], axis=1)],
                             [("x", F, ["n", "m"]), ("c", B, ["k"])], [("y", F, [None, None])]), [
        ([x34, np.array([True, False, True])], [x34[:, [0, 2]]]),
        ([x57, np.array([False] * 7)], [x57[:, []]]),
        ([x34, np.array([True] * 5)], "node 'compress' (Compress): the condition must not be longer"),
    ]),
    ("unique", graph_model([node("Unique", ["x"], ["y", "i", "inv", "n"])],
                           [("x", F, ["n"])],
                           [("y", F, [None]), ("i", I64, [None]), ("inv", I64, [None]),
                            ("n", I64, [None])]), [
        ([np.array([2, 1, 1, 3, 4, 3], np.float32)],
         [np.array([1, 2, 3, 4], np.float32), np.array([1, 0, 3, 4], np.int64),
          np.array([1, 0, 0, 2, 3, 2], np.int64), np.array([2, 1, 2, 1], np.int64)]),
        ([np.array([5, 5], np.float32)],
         [np.array([5], np.float32), np.array([0], np.int64), np.array([0, 0], np.int64),
          np.array([2], np.int64)]),
    ]),
]

if __name__ == "__main__":
    sys.exit(dynamic_shapes.main(CASES))

#!/usr/bin/python3
"""Convolutions and pooling with run-time sizes: one compiled model, any size.

A run-time weight's kernel, SAME pads, ceil_mode output sizes and
ConvTranspose's output sizes are computed when the model runs; each model
is compiled once (-O3 and -O0, by dynamic_shapes.py's driver) and run at
two sizes against NumPy, and with sizes that disagree, which must fail
naming the node.

  dynamic_dconv.py BIN_DIR WORK_DIR
"""
import sys

import numpy as np
from onnx import TensorProto, helper

import dynamic_shapes as ds

F = TensorProto.FLOAT


def conv_same_upper(x, w, s):
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    out = [(h + s - 1) // s, (wd + s - 1) // s]
    pads = []
    for size, k, o in zip((h, wd), (kh, kw), out):
        total = max(0, (o - 1) * s + k - size)
        pads.append((total // 2, total - total // 2))
    xp = np.pad(x, ((0, 0), (0, 0), pads[0], pads[1]))
    y = np.zeros((n, f, out[0], out[1]), np.float32)
    for i in range(out[0]):
        for j in range(out[1]):
            win = xp[:, :, i * s:i * s + kh, j * s:j * s + kw]
            y[:, :, i, j] = np.einsum("nchw,fchw->nf", win, w)
    return y


def maxpool_ceil(x, k, s):
    n, c, h, w = x.shape
    out = []
    for size in (h, w):
        o = -(-(size - k) // s) + 1
        if (o - 1) * s >= size:
            o -= 1
        out.append(o)
    y = np.empty((n, c, out[0], out[1]), np.float32)
    for i in range(out[0]):
        for j in range(out[1]):
            y[:, :, i, j] = x[:, :, i * s:i * s + k, j * s:j * s + k].max(axis=(2, 3))
    return y


def conv_transpose_1d(x, w, s, pad):
    n, c, length = x.shape
    _, f, k = w.shape
    full = np.zeros((n, f, s * (length - 1) + k), np.float32)
    for i in range(length):
        full[:, :, i * s:i * s + k] += np.einsum("nc,cfk->nfk", x[:, :, i], w)
    return full[:, :, pad:full.shape[2] - pad]


r = ds.rand
x1, w1, x2, w2 = r(1, 2, 5, 5), r(3, 2, 3, 3), r(2, 1, 7, 6), r(2, 1, 2, 4)
p1, p2 = r(1, 1, 5, 5), r(2, 3, 6, 7)
t1, v1, t2, v2 = r(1, 2, 4), r(2, 3, 3), r(2, 1, 7), r(1, 2, 4)
CASES = [
    ("conv_same", ds.graph_model(
        [helper.make_node("Conv", ["x", "w"], ["y"], name="conv", strides=[2, 2],
                          auto_pad="SAME_UPPER")],
        [("x", F, [None] * 4), ("w", F, [None] * 4)], [("y", F, [None] * 4)]), [
        ([x1, w1], [conv_same_upper(x1, w1, 2)]),
        ([x2, w2], [conv_same_upper(x2, w2, 2)]),
        ([x1, w2], "node 'conv' (Conv): the input channels must be group * the weight's dimension 1"),
    ]),
    ("maxpool_ceil", ds.graph_model(
        [helper.make_node("MaxPool", ["x"], ["y"], name="pool", kernel_shape=[3, 3],
                          strides=[2, 2], ceil_mode=1)],
        [("x", F, [None] * 4)], [("y", F, [None] * 4)]), [
        ([p1], [maxpool_ceil(p1, 3, 2)]),
        ([p2], [maxpool_ceil(p2, 3, 2)]),
        ([r(1, 1, 1, 1)], "node 'pool' (MaxPool): the window must fit spatial dimension 0"),
    ]),
    ("conv_transpose", ds.graph_model(
        [helper.make_node("ConvTranspose", ["x", "w"], ["y"], name="ct", strides=[2],
                          pads=[1, 1])],
        [("x", F, [None] * 3), ("w", F, [None] * 3)], [("y", F, [None] * 3)]), [
        ([t1, v1], [conv_transpose_1d(t1, v1, 2, 1)]),
        ([t2, v2], [conv_transpose_1d(t2, v2, 2, 1)]),
        ([t1, v2], "node 'ct' (ConvTranspose): the weight's dimension 0 must equal the input channels"),
    ]),
]

if __name__ == "__main__":
    sys.exit(ds.main(CASES))

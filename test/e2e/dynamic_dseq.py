#!/usr/bin/python3
"""Dynamic sequences: recurrences, NMS, DFT/STFT and Loop scan outputs whose
lengths are only known at run time, one compiled model run at several sizes.

Each model is compiled once at -O3 and once at -O0 (by dynamic_shapes.py's
runner) and run at two or more sizes against NumPy references; inputs that
the node cannot accept must fail with a message naming the node.

  dynamic_dseq.py BIN_DIR WORK_DIR
"""
import sys

import numpy as np
from onnx import TensorProto, helper

import dynamic_shapes
from dynamic_shapes import graph_model
from recurrent_cases import reference

F, I64 = TensorProto.FLOAT, TensorProto.INT64


def rand(seed, *shape):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def recurrent_run(op, attrs, T, N, I, H, seed, lens=None):
    dirs = 2 if attrs.get("direction") == "bidirectional" else 1
    g = {"RNN": 1, "GRU": 3, "LSTM": 4}[op]
    X = rand(seed, T, N, I) if not attrs.get("layout") else rand(seed, N, T, I)
    W, R = rand(seed + 1, dirs, g * H, I), rand(seed + 2, dirs, g * H, H)
    B = rand(seed + 3, dirs, 2 * g * H)
    inputs = [X, W, R, B]
    if lens is not None:
        inputs.append(np.asarray(lens, np.int32))
    Y, Yh, _ = reference(op, attrs, X, W, R, B, lens=lens)
    return inputs, [Y, Yh]


def recurrent_model(op, attrs, lens):
    names = ["X", "W", "R", "B"] + (["lens"] if lens else [])
    types = [(n, F, [None] * (2 if n == "B" else 3)) for n in names[:4]]
    if lens:
        types.append(("lens", TensorProto.INT32, [None]))
    node = helper.make_node(op, names, ["Y", "Yh"], name="rec", **attrs)
    return graph_model([node], types, [("Y", F, [None] * 4), ("Yh", F, [None] * 3)])


LSTM_ATTRS = {"hidden_size": 3, "direction": "bidirectional"}
GRU_ATTRS = {"hidden_size": 4, "layout": 1, "linear_before_reset": 1}
lstm_short, lstm_long = (recurrent_run("LSTM", LSTM_ATTRS, 2, 3, 4, 3, 1, [2, 1, 0]),
                         recurrent_run("LSTM", LSTM_ATTRS, 7, 2, 4, 3, 2, [7, 4]))
bad_w = list(lstm_short[0])
bad_w[1] = rand(9, 2, 8, 4)  # hidden size 2, not 3


def dft_run(n, inverse, seed):
    x = rand(seed, 2, n, 2)
    z = x[..., 0] + 1j * x[..., 1]
    y = np.fft.ifft(z, axis=1) if inverse else np.fft.fft(z, axis=1)
    return [x], [np.stack([y.real, y.imag], -1).astype(np.float32)]


def dft_length_run(n, length, seed):
    x = rand(seed, 1, n, 1)
    y = np.fft.fft(x[..., 0], n=length, axis=1)
    return ([x, np.asarray(length, np.int64)],
            [np.stack([y.real, y.imag], -1).astype(np.float32)])


def stft_run(samples, step, window, seed):
    x = rand(seed, 1, samples, 1)
    frames = (samples - len(window)) // step + 1
    rows = [x[0, f * step:f * step + len(window), 0] * window for f in range(frames)]
    y = np.fft.rfft(np.asarray(rows), axis=-1)[None]
    return ([x, np.asarray(step, np.int64), window.astype(np.float32)],
            [np.stack([y.real, y.imag], -1).astype(np.float32)])


def nms_run(boxes, scores, limit):
    # Reference: greedy NMS, IoU threshold 0.5, per class.
    out = []
    for b in range(boxes.shape[0]):
        for c in range(scores.shape[1]):
            order, kept = np.argsort(-scores[b, c], kind="stable"), []
            for i in order:
                if len(kept) == limit:
                    break
                y1, x1, y2, x2 = boxes[b, i]
                ok = True
                for j in kept:
                    v1, u1, v2, u2 = boxes[b, j]
                    inter = max(0, min(y2, v2) - max(y1, v1)) * max(0, min(x2, u2) - max(x1, u1))
                    union = (y2 - y1) * (x2 - x1) + (v2 - v1) * (u2 - u1) - inter
                    ok &= not inter / union > 0.5
                if ok:
                    kept.append(i)
            out += [[b, c, i] for i in kept]
    return ([boxes, scores, np.asarray([limit], np.int64), np.asarray([0.5], np.float32)],
            [np.asarray(out, np.int64).reshape(-1, 3)])


def boxes_at(*corners):
    return np.asarray([corners], np.float32)


nms_model = graph_model(
    [helper.make_node("NonMaxSuppression", ["boxes", "scores", "limit", "iou"], ["sel"],
                      name="nms")],
    [("boxes", F, [None, None, None]), ("scores", F, [None, None, None]),
     ("limit", I64, [None]), ("iou", F, [None])],
    [("sel", I64, [None, 3])])
three = boxes_at([0, 0, 1, 1], [0, 0.1, 1, 1.1], [2, 2, 3, 3])
five = boxes_at([0, 0, 1, 1], [5, 5, 6, 6], [0, 0, 1, 0.9], [5, 5.1, 6, 6], [9, 9, 9.5, 9.5])

loop_body = helper.make_graph(
    [helper.make_node("Add", ["v", "one"], ["v2"]), helper.make_node("Identity", ["v"], ["row"])],
    "body",
    [helper.make_tensor_value_info("i", I64, []), helper.make_tensor_value_info("c", TensorProto.BOOL, []),
     helper.make_tensor_value_info("v", F, [2])],
    [helper.make_tensor_value_info("c", TensorProto.BOOL, []),
     helper.make_tensor_value_info("v2", F, [2]), helper.make_tensor_value_info("row", F, [2])],
    [helper.make_tensor("one", F, [1], [1.0])])
loop_model = graph_model(
    [helper.make_node("Loop", ["m", "", "v0"], ["v", "rows"], name="loop", body=loop_body)],
    [("m", I64, []), ("v0", F, [2])], [("v", F, [2]), ("rows", F, [None, 2])])


def loop_run(m):
    v0 = np.asarray([0.5, -1], np.float32)
    rows = v0 + np.arange(m, dtype=np.float32)[:, None]
    return [np.asarray(m, np.int64), v0], [v0 + m, rows.reshape(m, 2)]


scan_body = helper.make_graph(
    [helper.make_node("Add", ["sum", "x"], ["sum2"]), helper.make_node("Identity", ["sum2"], ["row"])],
    "body", [helper.make_tensor_value_info("sum", F, [None]), helper.make_tensor_value_info("x", F, [None])],
    [helper.make_tensor_value_info("sum2", F, [None]), helper.make_tensor_value_info("row", F, [None])])
scan_model = graph_model(
    [helper.make_node("Scan", ["s0", "xs"], ["s", "rows"], name="scan", body=scan_body,
                      num_scan_inputs=1)],
    [("s0", F, [None]), ("xs", F, [None, None])], [("s", F, [None]), ("rows", F, [None, None])])


def scan_run(n, k, seed):
    s0, xs = rand(seed, k), rand(seed + 1, n, k)
    rows = s0 + np.cumsum(xs, axis=0)
    return [s0, xs], [s0 + xs.sum(0), rows]


scan8_model = graph_model(
    [helper.make_node("Scan", ["", "s0", "xs"], ["s", "rows"], name="scan", body=scan_body,
                      num_scan_inputs=1)],
    [("s0", F, [None, None]), ("xs", F, [None, None, None])],
    [("s", F, [None, None]), ("rows", F, [None, None, None])])
scan8_model.opset_import[0].version = 8
scan8_model.ir_version = 3


def scan8_run(batch, n, k, seed):
    s0, xs = rand(seed, batch, k), rand(seed + 1, batch, n, k)
    return [s0, xs], [s0 + xs.sum(1), s0[:, None] + np.cumsum(xs, axis=1)]


grow_body = helper.make_graph(
    [helper.make_node("Add", ["v", "one"], ["v2"]), helper.make_node("Identity", ["v2"], ["row"])],
    "body",
    [helper.make_tensor_value_info("i", I64, []), helper.make_tensor_value_info("c", TensorProto.BOOL, []),
     helper.make_tensor_value_info("v", F, [None])],
    [helper.make_tensor_value_info("c", TensorProto.BOOL, []),
     helper.make_tensor_value_info("v2", F, [None]), helper.make_tensor_value_info("row", F, [None])],
    [helper.make_tensor("one", F, [1], [1.0])])
grow_model = graph_model(
    [helper.make_node("Loop", ["m", "c", "v0"], ["v", "rows"], name="loop", body=grow_body)],
    [("m", I64, []), ("c", TensorProto.BOOL, []), ("v0", F, [None])],
    [("v", F, [None]), ("rows", F, [None, None])])


def grow_run(m, k, seed):
    v0 = rand(seed, k)
    rows = v0 + np.arange(1, m + 1, dtype=np.float32)[:, None]
    return [np.asarray(m, np.int64), np.asarray(True), v0], [v0 + m, rows.reshape(m, k)]


CASES = [
    # A bidirectional LSTM with sequence_lens at two sequence lengths and
    # batches; a W for another hidden size is caught at run time.
    ("lstm", recurrent_model("LSTM", LSTM_ATTRS, True), [
        lstm_short, lstm_long,
        (bad_w, "node 'rec' (LSTM): dimension 1 of the operands must agree"),
    ]),
    # Batch-first GRU (linear_before_reset) at two lengths.
    ("gru", recurrent_model("GRU", GRU_ATTRS, False), [
        recurrent_run("GRU", GRU_ATTRS, 3, 2, 5, 4, 3),
        recurrent_run("GRU", GRU_ATTRS, 1, 4, 5, 4, 4),
    ]),
    # A complex DFT (and its inverse) of any length.
    ("dft", graph_model([helper.make_node("DFT", ["x"], ["y"], name="dft", axis=1)],
                        [("x", F, [None, None, None])], [("y", F, [None] * 3)]), [
        dft_run(8, False, 5), dft_run(5, False, 6),
    ]),
    ("idft", graph_model([helper.make_node("DFT", ["x"], ["y"], name="dft", axis=1, inverse=1)],
                         [("x", F, [None, None, None])], [("y", F, [None] * 3)]), [
        dft_run(6, True, 7), dft_run(3, True, 8),
    ]),
    # A run-time dft_length pads (or truncates) the signal.
    ("dft_length", graph_model(
        [helper.make_node("DFT", ["x", "len"], ["y"], name="dft", axis=1)],
        [("x", F, [None, None, None]), ("len", I64, [])], [("y", F, [None] * 3)]), [
        dft_length_run(4, 6, 9), dft_length_run(7, 5, 10),
    ]),
    # STFT with a window: run-time signal length, step and frame length.
    ("stft", graph_model([helper.make_node("STFT", ["x", "step", "w"], ["y"], name="stft")],
                         [("x", F, [None, None, None]), ("step", I64, []), ("w", F, [None])],
                         [("y", F, [None] * 4)]), [
        stft_run(32, 4, np.hanning(8), 11), stft_run(20, 3, np.hamming(6), 12),
        ([rand(1, 1, 4, 1), np.asarray(2, np.int64), np.ones(8, np.float32)],
         "node 'stft' (STFT): the signal must hold at least one frame"),
    ]),
    # The number of selected boxes is only known at run time.
    ("nms", nms_model, [
        nms_run(three, np.asarray([[[0.9, 0.8, 0.7]]], np.float32), 3),
        nms_run(five, np.asarray([[[0.1, 0.9, 0.8, 0.95, 0.3],
                                   [0.5, 0.4, 0.3, 0.2, 0.1]]], np.float32), 2),
        nms_run(three, np.asarray([[[0.9, 0.8, 0.7]]], np.float32), 0),
    ]),
    # A scan output with one row per iteration of a run-time trip count.
    ("loop", loop_model, [loop_run(3), loop_run(1), loop_run(6)]),
    # A scan over a run-time length, rows of the state's run-time size; a
    # scan input whose rows do not have the state's size is caught.
    ("scan", scan_model, [
        scan_run(4, 3, 13), scan_run(1, 5, 14),
        ([rand(1, 3), rand(2, 4, 2)],
         "node 'scan/body/Add_0' (Add): dimension 0 of the operands must agree"),
    ]),
    # Scan-8 loops over a run-time batch.
    ("scan8", scan8_model, [scan8_run(2, 3, 2, 17), scan8_run(3, 1, 4, 18)]),
    # A run-time condition and trip count, rows of the carried value's size.
    ("loop_rows", grow_model, [grow_run(3, 2, 15), grow_run(5, 1, 16)]),
]

if __name__ == "__main__":
    sys.exit(dynamic_shapes.main(CASES))

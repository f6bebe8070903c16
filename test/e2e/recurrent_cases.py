#!/usr/bin/python3
"""RNN, GRU and LSTM variants the ONNX backend node tests do not cover.

The backend suite has forward-only, default-activation cases. This driver
builds single-node models for the rest of the specification: reverse and
bidirectional directions, GRU's linear_before_reset 0 and 1, peepholes,
initial states, clip, the optional activations with their alpha/beta,
layout 1, every output (Y, Y_h, Y_c), sequence_lens as a constant and as a
run-time input with mixed lengths, opset 7 and 14, and a double-precision
model. The reference is a plain numpy transcription of the ONNX equations
that runs each sequence of the batch on its own (no masking), so it shares
nothing with the importer's unrolling. Each model is compiled at -O3 and
-O0 and checked with xfc-run.

  recurrent_cases.py BIN_DIR WORK_DIR [--filter REGEX]
"""
import argparse
import os
import re
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from e2e_cases import LEVELS, compile_and_check, write_test_dir

# --- Reference -------------------------------------------------------------

ACTS = {
    "relu": lambda x, a, b: np.maximum(x, 0),
    "tanh": lambda x, a, b: np.tanh(x),
    "sigmoid": lambda x, a, b: 1 / (1 + np.exp(-x)),
    "affine": lambda x, a, b: a * x + b,
    "leakyrelu": lambda x, a, b: np.where(x >= 0, x, a * x),
    "thresholdedrelu": lambda x, a, b: np.where(x > a, x, 0),
    "scaledtanh": lambda x, a, b: a * np.tanh(b * x),
    "hardsigmoid": lambda x, a, b: np.clip(a * x + b, 0, 1),
    "elu": lambda x, a, b: np.where(x >= 0, x, a * (np.exp(x) - 1)),
    "softsign": lambda x, a, b: x / (1 + np.abs(x)),
    "softplus": lambda x, a, b: np.log1p(np.exp(x)),
}
# (takes alpha, takes beta, default alpha, default beta)
PARAMS = {
    "affine": (True, True, 1.0, 0.0), "leakyrelu": (True, False, 0.01, 0),
    "thresholdedrelu": (True, False, 1.0, 0), "scaledtanh": (True, True, 1, 1),
    "hardsigmoid": (True, True, 0.2, 0.5), "elu": (True, False, 1.0, 0),
}
DEFAULT_ACTS = {"RNN": ["Tanh"], "GRU": ["Sigmoid", "Tanh"],
                "LSTM": ["Sigmoid", "Tanh", "Tanh"]}
GATES = {"RNN": 1, "GRU": 3, "LSTM": 4}


def activation_functions(op, attrs, dirs):
    names = attrs.get("activations", DEFAULT_ACTS[op] * dirs)
    alphas = list(attrs.get("activation_alpha", []))
    betas = list(attrs.get("activation_beta", []))
    funcs = []
    for name in names:
        key = name.lower()
        takes_a, takes_b, da, db = PARAMS.get(key, (False, False, 0, 0))
        a = alphas.pop(0) if takes_a and alphas else da
        b = betas.pop(0) if takes_b and betas else db
        funcs.append(lambda x, f=ACTS[key], a=a, b=b: f(x, a, b))
    return funcs


def reference(op, attrs, X, W, R, B=None, lens=None, H0=None, C0=None, P=None):
    """Returns Y, Y_h, Y_c in the node's layout (Y_c None except LSTM)."""
    layout = attrs.get("layout", 0)
    if layout:
        X = X.transpose(1, 0, 2)
        H0 = None if H0 is None else H0.transpose(1, 0, 2)
        C0 = None if C0 is None else C0.transpose(1, 0, 2)
    T, N, _ = X.shape
    dirs, gh, _ = W.shape
    H = R.shape[2]
    g = GATES[op]
    direction = attrs.get("direction", "forward")
    clip = attrs.get("clip")
    funcs = activation_functions(op, attrs, dirs)
    per_dir = len(DEFAULT_ACTS[op])
    dt = X.dtype

    def act(d, k, x, clipped=True):
        if clipped and clip is not None:
            x = np.clip(x, -clip, clip)
        return funcs[d * per_dir + k](x).astype(dt)

    Y = np.zeros((T, dirs, N, H), dt)
    Yh = np.zeros((dirs, N, H), dt)
    Yc = np.zeros((dirs, N, H), dt)
    for d in range(dirs):
        reverse = direction == "reverse" or d == 1
        w, r = W[d], R[d]
        b = B[d] if B is not None else np.zeros(2 * gh, dt)
        wb, rb = b[:gh], b[gh:]
        for n in range(N):
            length = T if lens is None else int(lens[n])
            h = H0[d, n] if H0 is not None else np.zeros(H, dt)
            c = C0[d, n] if C0 is not None else np.zeros(H, dt)
            steps = range(length - 1, -1, -1) if reverse else range(length)
            for t in steps:
                x = X[t, n]
                if op == "RNN":
                    h = act(d, 0, x @ w.T + h @ r.T + wb + rb)
                elif op == "GRU":
                    wz, wr, wh = np.split(w, 3)
                    rz, rr, rh = np.split(r, 3)
                    wbz, wbr, wbh = np.split(wb, 3)
                    rbz, rbr, rbh = np.split(rb, 3)
                    z = act(d, 0, x @ wz.T + h @ rz.T + wbz + rbz)
                    rt = act(d, 0, x @ wr.T + h @ rr.T + wbr + rbr)
                    if attrs.get("linear_before_reset", 0):
                        hh = act(d, 1, x @ wh.T + rt * (h @ rh.T + rbh) + wbh)
                    else:
                        hh = act(d, 1, x @ wh.T + (rt * h) @ rh.T + rbh + wbh)
                    h = (1 - z) * hh + z * h
                else:
                    wi, wo, wf, wc = np.split(w, 4)
                    ri, ro, rf, rc = np.split(r, 4)
                    wbi, wbo, wbf, wbc = np.split(wb, 4)
                    rbi, rbo, rbf, rbc = np.split(rb, 4)
                    pi, po, pf = (np.split(P[d], 3) if P is not None
                                  else (0, 0, 0))
                    i = act(d, 0, x @ wi.T + h @ ri.T + pi * c + wbi + rbi)
                    f = act(d, 0, x @ wf.T + h @ rf.T + pf * c + wbf + rbf)
                    cc = act(d, 1, x @ wc.T + h @ rc.T + wbc + rbc)
                    c = f * c + i * cc
                    o = act(d, 0, x @ wo.T + h @ ro.T + po * c + wbo + rbo)
                    h = o * act(d, 2, c, clipped=False)
                Y[t, d, n] = h
            Yh[d, n] = h
            Yc[d, n] = c
    if layout:
        return Y.transpose(2, 0, 1, 3), Yh.transpose(1, 0, 2), \
            Yc.transpose(1, 0, 2)
    return Y, Yh, Yc


# --- Cases -----------------------------------------------------------------

class Case:
    def __init__(self, name, op, T=4, N=3, I=5, H=4, opset=14, attrs=None,
                 inputs=("B",), const=(), lens=None, outputs=(0, 1, 2),
                 dtype=np.float32):
        self.name, self.op, self.opset = name, op, opset
        self.T, self.N, self.I, self.H = T, N, I, H
        self.attrs = dict(attrs or {})
        self.inputs = inputs    # optional inputs present: B, lens, H0, C0, P
        self.const = const      # of those (and W, R), which are initializers
        self.lens = lens
        self.outputs = [o for o in outputs if o < 2 or op == "LSTM"]
        self.dtype = dtype


CASES = [
    Case("rnn_reverse", "RNN", attrs={"direction": "reverse"},
         inputs=("B", "H0")),
    Case("rnn_bidi_relu_affine", "RNN", opset=7,
         attrs={"direction": "bidirectional",
                "activations": ["Relu", "Affine"],
                "activation_alpha": [0.5], "activation_beta": [0.25]},
         inputs=("B", "H0"), const=("W", "R", "B")),
    Case("rnn_layout1_bidi", "RNN",
         attrs={"direction": "bidirectional", "layout": 1}, inputs=("B", "H0")),
    Case("rnn_clip_leakyrelu", "RNN",
         attrs={"clip": 0.5, "activations": ["LeakyRelu"],
                "activation_alpha": [0.2]}),
    Case("gru_reverse_lbr", "GRU",
         attrs={"direction": "reverse", "linear_before_reset": 1},
         inputs=("B", "H0")),
    Case("gru_bidi_lbr0", "GRU", attrs={"direction": "bidirectional"},
         inputs=("B", "H0"), const=("W", "R", "B")),
    Case("gru_bidi_lbr1_layout1", "GRU",
         attrs={"direction": "bidirectional", "linear_before_reset": 1,
                "layout": 1}, inputs=("B",)),
    Case("gru_activations", "GRU", opset=7,
         attrs={"activations": ["HardSigmoid", "Softsign"],
                "activation_alpha": [0.3], "activation_beta": [0.4],
                "clip": 2.0}, inputs=("B", "H0")),
    Case("gru_elu_softplus", "GRU",
         attrs={"direction": "bidirectional",
                "activations": ["Sigmoid", "Elu", "HardSigmoid", "Softplus"],
                "activation_alpha": [0.7]}),
    Case("lstm_bidi_peepholes", "LSTM", attrs={"direction": "bidirectional"},
         inputs=("B", "H0", "C0", "P")),
    Case("lstm_reverse_const", "LSTM", opset=7, attrs={"direction": "reverse"},
         inputs=("B", "H0", "C0", "P"), const=("W", "R", "B", "P")),
    Case("lstm_layout1_bidi", "LSTM",
         attrs={"direction": "bidirectional", "layout": 1},
         inputs=("B", "H0", "C0")),
    Case("lstm_clip_scaledtanh", "LSTM",
         attrs={"clip": 1.5,
                "activations": ["Sigmoid", "ScaledTanh", "ThresholdedRelu"],
                "activation_alpha": [1.5, 0.1], "activation_beta": [0.5]},
         inputs=("B", "P")),
    Case("lstm_lens_runtime", "LSTM", attrs={"direction": "bidirectional"},
         inputs=("B", "lens", "H0", "C0", "P"), lens=[4, 2, 0]),
    Case("lstm_lens_const", "LSTM", attrs={"direction": "bidirectional"},
         inputs=("B", "lens", "H0", "C0"), const=("lens",), lens=[1, 4, 3]),
    Case("gru_lens_runtime_layout1", "GRU",
         attrs={"direction": "bidirectional", "layout": 1,
                "linear_before_reset": 1},
         inputs=("B", "lens", "H0"), lens=[3, 4, 1]),
    Case("rnn_lens_const_reverse", "RNN", attrs={"direction": "reverse"},
         inputs=("B", "lens"), const=("lens",), lens=[2, 4, 3]),
    Case("lstm_only_yc", "LSTM", outputs=(2,), inputs=("B", "C0")),
    Case("lstm_f64", "LSTM", attrs={"direction": "bidirectional"},
         inputs=("B", "H0", "C0", "P"), dtype=np.float64),
    Case("gru_long", "GRU", T=64, N=2, I=16, H=32,
         attrs={"direction": "bidirectional", "linear_before_reset": 1},
         inputs=("B",), const=("W", "R", "B")),
]

INPUT_NAMES = ["X", "W", "R", "B", "lens", "H0", "C0", "P"]
ONNX_DTYPE = {np.float32: TensorProto.FLOAT, np.float64: TensorProto.DOUBLE}


def build(case, rng):
    """The model and (feeds, expected outputs)."""
    T, N, I, H = case.T, case.N, case.I, case.H
    dirs = 2 if case.attrs.get("direction") == "bidirectional" else 1
    g = GATES[case.op]
    layout = case.attrs.get("layout", 0)
    state = (N, dirs, H) if layout else (dirs, N, H)
    dt = case.dtype
    scale = 1 / np.sqrt(H)
    values = {
        "X": rng.standard_normal((N, T, I) if layout else (T, N, I)),
        "W": rng.uniform(-scale, scale, (dirs, g * H, I)),
        "R": rng.uniform(-scale, scale, (dirs, g * H, H)),
        "B": rng.uniform(-scale, scale, (dirs, 2 * g * H)),
        "H0": rng.standard_normal(state) * 0.5,
        "C0": rng.standard_normal(state) * 0.5,
        "P": rng.uniform(-scale, scale, (dirs, 3 * H)),
    }
    values = {k: v.astype(dt) for k, v in values.items()}
    if case.lens is not None:
        values["lens"] = np.array(case.lens, np.int32)
    present = ["X", "W", "R"] + [n for n in INPUT_NAMES[3:] if n in case.inputs]
    node_inputs = [n if n in present else "" for n in INPUT_NAMES]
    while node_inputs[-1] == "":
        node_inputs.pop()
    out_names = ["Y", "Y_h", "Y_c"]
    node_outputs = [out_names[i] if i in case.outputs else ""
                    for i in range(max(case.outputs) + 1)]
    node = helper.make_node(case.op, node_inputs, node_outputs,
                            hidden_size=H, **case.attrs)
    elem = ONNX_DTYPE[dt]
    graph_inputs, inits, feeds = [], [], []
    for n in present:
        v = values[n]
        if n in case.const:
            inits.append(numpy_helper.from_array(v, n))
            continue
        t = TensorProto.INT32 if n == "lens" else elem
        graph_inputs.append(helper.make_tensor_value_info(n, t, v.shape))
        feeds.append(numpy_helper.from_array(v, n))
    args = {k: values.get(k) for k in ("B", "H0", "C0", "P")
            if k in present}
    lens = values["lens"] if "lens" in present else None
    Y, Yh, Yc = reference(case.op, case.attrs, values["X"], values["W"],
                          values["R"], args.get("B"), lens, args.get("H0"),
                          args.get("C0"), args.get("P"))
    ref = {"Y": Y, "Y_h": Yh, "Y_c": Yc}
    graph_outputs, expected = [], []
    for i in case.outputs:
        name = out_names[i]
        graph_outputs.append(
            helper.make_tensor_value_info(name, elem, ref[name].shape))
        expected.append(numpy_helper.from_array(ref[name].astype(dt), name))
    graph = helper.make_graph([node], case.name, graph_inputs, graph_outputs,
                              inits)
    model = helper.make_model(graph, producer_name="recurrent_cases",
                              opset_imports=[helper.make_opsetid("", case.opset)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    return model, feeds, expected


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("bin_dir")
    parser.add_argument("work_dir")
    parser.add_argument("--filter", default="")
    args = parser.parse_args()
    failures = total = 0
    for case in CASES:
        if not re.search(args.filter, case.name):
            continue
        rng = np.random.default_rng(sum(map(ord, case.name)))
        model, feeds, expected = build(case, rng)
        dst = os.path.join(args.work_dir, case.name)
        write_test_dir(dst, model, feeds, expected)
        failures += compile_and_check(args.bin_dir, dst, case.name)
        total += len(LEVELS)
    print("%d of %d failed" % (failures, total))
    return 1 if failures or not total else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""If, Loop and Scan with run-time control, against numpy references.

The backend node tests have one tiny model per operator. These models put
real work in the subgraphs (matrix products the CPU strategy tiles,
vectorizes and spreads over threads inside the loop), read values of the
enclosing graphs from inside the subgraphs (initializers, graph inputs,
values computed before the loop, a Loop body's values from an If nested in
it), include what PyTorch exports for a scripted loop and branch (checked
against PyTorch), and run each model with several inputs: a condition true
and false, a Loop ended by its condition, by its trip count and one that
runs zero times, and a trip count that disagrees with the declared scan
output (a run-time check must fail). Each model is compiled at -O3 and
-O0; when onnxruntime-node is installed, ONNX Runtime must also agree with
the references.

  control_flow.py BIN_DIR WORK_DIR [--filter REGEX]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from e2e_cases import LEVELS, REPO, ort_available

ONNX_TYPE = {np.dtype(np.float32): TensorProto.FLOAT, np.dtype(np.int64): TensorProto.INT64,
             np.dtype(np.bool_): TensorProto.BOOL}


def info(name, value_or_shape, dtype=None):
    if isinstance(value_or_shape, np.ndarray):
        return helper.make_tensor_value_info(name, ONNX_TYPE[value_or_shape.dtype],
                                             value_or_shape.shape)
    return helper.make_tensor_value_info(name, dtype, value_or_shape)


def f32(a):
    return np.asarray(a, np.float32)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


class Case:
    """A model and its runs: (inputs, expected outputs or an error text)."""

    def __init__(self, name, graph=None, opset=16, model=None):
        self.name = name
        if model is None:
            model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
            model.ir_version = 8
        onnx.checker.check_model(model)
        self.model = model
        self.runs = []

    def run(self, inputs, outputs=None, error=None):
        self.runs.append((inputs, outputs, error))
        return self


def const(name, value):
    return numpy_helper.from_array(np.asarray(value), name)


# --- Models ------------------------------------------------------------------

def if_runtime(rng):
    """Both branches read x and the initializer w; two outputs."""
    x = f32(rng.standard_normal((16, 64)))
    w = f32(rng.standard_normal((64, 32)) / 8)
    then = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["tm"]),
         helper.make_node("Relu", ["tm"], ["ty"]),
         helper.make_node("Add", ["x", "one"], ["tt"])],
        "then", [], [info("ty", [16, 32], TensorProto.FLOAT),
                     info("tt", [16, 64], TensorProto.FLOAT)])
    other = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["em"]),
         helper.make_node("Sigmoid", ["em"], ["ey"]),
         helper.make_node("Mul", ["x", "two"], ["et"])],
        "else", [], [info("ey", [16, 32], TensorProto.FLOAT),
                     info("et", [16, 64], TensorProto.FLOAT)])
    graph = helper.make_graph(
        [helper.make_node("If", ["c"], ["y", "t"], then_branch=then, else_branch=other)],
        "if_runtime", [info("x", x), info("c", [], TensorProto.BOOL)],
        [info("y", [16, 32], TensorProto.FLOAT), info("t", [16, 64], TensorProto.FLOAT)],
        [const("w", w), const("one", f32(1)), const("two", f32(2))])
    case = Case("if_runtime", graph)
    m = x @ w
    case.run({"x": x, "c": np.array(True)}, [np.maximum(m, 0), x + 1])
    case.run({"x": x, "c": np.array(False)}, [sigmoid(m), x * 2])
    return case


def loop_for_scan(rng):
    """A constant trip count and no condition: an scf.for whose body reads
    the iteration number, two initializers and a value computed before the
    loop, with two scan outputs."""
    h0 = f32(rng.standard_normal((8, 32)))
    w = f32(rng.standard_normal((32, 32)) / 6)
    b = f32(rng.standard_normal(32) / 4)
    body = helper.make_graph(
        [helper.make_node("Cast", ["i"], ["fi"], to=TensorProto.FLOAT),
         helper.make_node("Mul", ["b", "fi"], ["bi"]),
         helper.make_node("MatMul", ["h", "w"], ["hw"]),
         helper.make_node("Add", ["hw", "bi"], ["pre"]),
         helper.make_node("Add", ["pre", "shift"], ["pre2"]),
         helper.make_node("Tanh", ["pre2"], ["h2"]),
         helper.make_node("Identity", ["cond"], ["cond2"]),
         helper.make_node("ReduceSum", ["h2", "axis1"], ["s"], keepdims=0),
         helper.make_node("Identity", ["h2"], ["hs"])],
        "body", [info("i", [], TensorProto.INT64), info("cond", [], TensorProto.BOOL),
                 info("h", [8, 32], TensorProto.FLOAT)],
        [info("cond2", [], TensorProto.BOOL), info("h2", [8, 32], TensorProto.FLOAT),
         info("hs", [8, 32], TensorProto.FLOAT), info("s", [8], TensorProto.FLOAT)])
    graph = helper.make_graph(
        [helper.make_node("ReduceMean", ["h0"], ["shift"], axes=[0], keepdims=0),
         helper.make_node("Loop", ["m", "", "h0"], ["h", "hs", "s"], body=body)],
        "loop_for_scan", [info("h0", h0)],
        [info("h", [8, 32], TensorProto.FLOAT), info("hs", [5, 8, 32], TensorProto.FLOAT),
         info("s", [5, 8], TensorProto.FLOAT)],
        [const("m", np.int64(5)), const("w", w), const("b", b),
         const("axis1", np.array([1], np.int64))], )
    shift = h0.mean(axis=0)
    h, hs = h0, []
    for i in range(5):
        h = np.tanh(h @ w + b * i + shift)
        hs.append(h)
    hs = np.stack(hs)
    case = Case("loop_for_scan", graph, opset=13)
    case.run({"h0": h0}, [h, hs, hs.sum(axis=2)])
    return case


def loop_while(rng):
    """Run-time trip count and condition; the body's condition compares with
    a graph input. Ends by the condition, by the trip count, or never runs."""
    v0 = f32(rng.uniform(0.5, 1, (4, 16)))
    body = helper.make_graph(
        [helper.make_node("Mul", ["v", "k"], ["vk"]),
         helper.make_node("Add", ["vk", "one"], ["v2"]),
         helper.make_node("Add", ["n", "onei"], ["n2"]),
         helper.make_node("ReduceMax", ["v2"], ["mx"], keepdims=0),
         helper.make_node("Less", ["mx", "limit"], ["go"])],
        "body", [info("i", [], TensorProto.INT64), info("cond", [], TensorProto.BOOL),
                 info("v", [4, 16], TensorProto.FLOAT), info("n", [], TensorProto.INT64)],
        [info("go", [], TensorProto.BOOL), info("v2", [4, 16], TensorProto.FLOAT),
         info("n2", [], TensorProto.INT64)])
    graph = helper.make_graph(
        [helper.make_node("Loop", ["m", "c", "v0", "zero"], ["v", "n"], body=body)],
        "loop_while", [info("m", [], TensorProto.INT64), info("c", [], TensorProto.BOOL),
                       info("v0", v0), info("limit", [], TensorProto.FLOAT)],
        [info("v", [4, 16], TensorProto.FLOAT), info("n", [], TensorProto.INT64)],
        [const("k", f32(1.5)), const("one", f32(1)), const("onei", np.int64(1)),
         const("zero", np.int64(0))])

    def reference(m, c, limit):
        v, n = v0, 0
        while n < m and c:
            v = v * np.float32(1.5) + 1
            n += 1
            c = v.max() < limit
        return [v, np.int64(n)]

    case = Case("loop_while", graph)
    for m, c, limit in ((100, True, 50.0), (3, True, 1e9), (10, False, 1e9), (0, True, 1e9)):
        feeds = {"m": np.int64(m), "c": np.array(c), "v0": v0, "limit": f32(limit)}
        case.run(feeds, reference(m, c, limit))
    return case


def loop_declared_scan(rng):
    """A run-time trip count, no condition: the scan output's declared
    length is what xfc compiles for, checked when the model runs."""
    v = f32(rng.standard_normal(4))
    body = helper.make_graph(
        [helper.make_node("Cast", ["i"], ["fi"], to=TensorProto.FLOAT),
         helper.make_node("Mul", ["v", "fi"], ["out"]),
         helper.make_node("Identity", ["cond"], ["cond2"])],
        "body", [info("i", [], TensorProto.INT64), info("cond", [], TensorProto.BOOL)],
        [info("cond2", [], TensorProto.BOOL), info("out", [4], TensorProto.FLOAT)])
    graph = helper.make_graph(
        [helper.make_node("Loop", ["m", ""], ["ys"], body=body)],
        "loop_declared_scan", [info("m", [], TensorProto.INT64), info("v", v)],
        [info("ys", [6, 4], TensorProto.FLOAT)])
    case = Case("loop_declared_scan", graph)
    case.run({"m": np.int64(6), "v": v}, [np.stack([v * i for i in range(6)])])
    case.run({"m": np.int64(4), "v": v}, error="the loop must run 6 times")
    return case


def loop_while_scan(rng):
    """The condition ends the loop; the declared scan length matches."""
    body = helper.make_graph(
        [helper.make_node("Add", ["acc", "step"], ["acc2"]),
         helper.make_node("ReduceMax", ["acc2"], ["top"], keepdims=0),
         helper.make_node("Less", ["top", "limit"], ["go"]),
         helper.make_node("Identity", ["acc2"], ["out"])],
        "body", [info("i", [], TensorProto.INT64), info("cond", [], TensorProto.BOOL),
                 info("acc", [3], TensorProto.FLOAT)],
        [info("go", [], TensorProto.BOOL), info("acc2", [3], TensorProto.FLOAT),
         info("out", [3], TensorProto.FLOAT)])
    graph = helper.make_graph(
        [helper.make_node("ReduceMax", ["acc0"], ["s0"], keepdims=0),
         helper.make_node("Add", ["s0", "four"], ["limit"]),
         helper.make_node("Loop", ["", "c", "acc0"], ["acc", "outs"], body=body)],
        "loop_while_scan", [info("c", [], TensorProto.BOOL), info("acc0", [3], TensorProto.FLOAT),
                            info("step", [], TensorProto.FLOAT)],
        [info("acc", [3], TensorProto.FLOAT), info("outs", [4, 3], TensorProto.FLOAT)],
        [const("four", f32(4))])
    # The largest element (0) grows by 1 per step up to 4: four iterations.
    acc0 = f32([0, -10, -20])
    outs = np.stack([acc0 + k for k in range(1, 5)])
    case = Case("loop_while_scan", graph)
    case.run({"c": np.array(True), "acc0": acc0, "step": f32(1)}, [outs[-1], outs])
    case.run({"c": np.array(True), "acc0": acc0, "step": f32(2)},
             error="the loop must run 4 times")
    return case


def loop_zero_trip(rng):
    """A constant trip count of 0: the carried value comes out unchanged."""
    v0 = f32(rng.standard_normal((2, 8)))
    body = helper.make_graph(
        [helper.make_node("Exp", ["v"], ["v2"]),
         helper.make_node("Identity", ["cond"], ["cond2"])],
        "body", [info("i", [], TensorProto.INT64), info("cond", [], TensorProto.BOOL),
                 info("v", [2, 8], TensorProto.FLOAT)],
        [info("cond2", [], TensorProto.BOOL), info("v2", [2, 8], TensorProto.FLOAT)])
    graph = helper.make_graph(
        [helper.make_node("Loop", ["m", "", "v0"], ["v"], body=body)],
        "loop_zero_trip", [info("v0", v0)], [info("v", [2, 8], TensorProto.FLOAT)],
        [const("m", np.int64(0))])
    return Case("loop_zero_trip", graph).run({"v0": v0}, [v0])


def loop_row_slice(rng):
    """x[i:i+1] in the body (what PyTorch exports for a slice by the loop
    index): the Slice's starts follow the iteration number."""
    table = f32(rng.standard_normal((6, 16)))
    body = helper.make_graph(
        [helper.make_node("Unsqueeze", ["i", "zero"], ["s"]),
         helper.make_node("Add", ["i", "one"], ["i1"]),
         helper.make_node("Unsqueeze", ["i1", "zero"], ["e"]),
         helper.make_node("Slice", ["table", "s", "e"], ["row"]),
         helper.make_node("Mul", ["row", "acc"], ["prod"]),
         helper.make_node("Add", ["acc", "row"], ["acc2"]),
         helper.make_node("Identity", ["cond"], ["cond2"])],
        "body", [info("i", [], TensorProto.INT64), info("cond", [], TensorProto.BOOL),
                 info("acc", [1, 16], TensorProto.FLOAT)],
        [info("cond2", [], TensorProto.BOOL), info("acc2", [1, 16], TensorProto.FLOAT),
         info("prod", [1, 16], TensorProto.FLOAT)])
    graph = helper.make_graph(
        [helper.make_node("Loop", ["m", "", "acc0"], ["acc", "prods"], body=body)],
        "loop_row_slice", [info("table", table), info("acc0", [1, 16], TensorProto.FLOAT)],
        [info("acc", [1, 16], TensorProto.FLOAT), info("prods", [6, 1, 16], TensorProto.FLOAT)],
        [const("m", np.int64(6)), const("one", np.int64(1)),
         const("zero", np.array([0], np.int64))])
    acc0 = f32(rng.standard_normal((1, 16)))
    acc, prods = acc0, []
    for i in range(6):
        prods.append(table[i:i + 1] * acc)
        acc = acc + table[i:i + 1]
    return Case("loop_row_slice", graph).run({"table": table, "acc0": acc0},
                                             [acc, np.stack(prods)])


def loop_nested_if(rng):
    """An If inside a Loop body on the iteration number's parity; its
    branches read the body's value h and the main graph's w."""
    h0 = f32(rng.standard_normal((16, 64)))
    w = f32(rng.standard_normal((64, 64)) / 8)
    then = helper.make_graph(
        [helper.make_node("MatMul", ["h", "w"], ["hw"]),
         helper.make_node("Relu", ["hw"], ["a"])],
        "then", [], [info("a", [16, 64], TensorProto.FLOAT)])
    other = helper.make_graph(
        [helper.make_node("Tanh", ["h"], ["t"]),
         helper.make_node("Mul", ["t", "half"], ["th"]),
         helper.make_node("Sub", ["h", "th"], ["b"])],
        "else", [], [info("b", [16, 64], TensorProto.FLOAT)])
    body = helper.make_graph(
        [helper.make_node("Mod", ["i", "two"], ["r"]),
         helper.make_node("Equal", ["r", "zero"], ["even"]),
         helper.make_node("If", ["even"], ["h2"], then_branch=then, else_branch=other),
         helper.make_node("Identity", ["cond"], ["cond2"])],
        "body", [info("i", [], TensorProto.INT64), info("cond", [], TensorProto.BOOL),
                 info("h", [16, 64], TensorProto.FLOAT)],
        [info("cond2", [], TensorProto.BOOL), info("h2", [16, 64], TensorProto.FLOAT)])
    graph = helper.make_graph(
        [helper.make_node("Loop", ["m", "", "h0"], ["h"], body=body)],
        "loop_nested_if", [info("h0", h0)], [info("h", [16, 64], TensorProto.FLOAT)],
        [const("m", np.int64(6)), const("w", w), const("two", np.int64(2)),
         const("zero", np.int64(0)), const("half", f32(0.5))])
    h = h0
    for i in range(6):
        h = np.maximum(h @ w, 0) if i % 2 == 0 else h - 0.5 * np.tanh(h)
    return Case("loop_nested_if", graph).run({"h0": h0}, [h])


def nested_loops(rng):
    """A Loop whose body runs a Scan over a graph input and an inner Loop,
    both reading the outer body's iteration number and carried value."""
    acc0 = f32(rng.standard_normal((4, 8)))
    xs = f32(rng.standard_normal((5, 8)))
    scan_body = helper.make_graph(
        [helper.make_node("Mul", ["x", "fi"], ["xi"]),
         helper.make_node("Add", ["s", "xi"], ["s2"]),
         helper.make_node("Identity", ["s2"], ["y"])],
        "scan_body", [info("s", [8], TensorProto.FLOAT), info("x", [8], TensorProto.FLOAT)],
        [info("s2", [8], TensorProto.FLOAT), info("y", [8], TensorProto.FLOAT)])
    inner = helper.make_graph(
        [helper.make_node("Cast", ["j"], ["fj"], to=TensorProto.FLOAT),
         helper.make_node("Add", ["fj", "fi"], ["fij"]),
         helper.make_node("Mul", ["a", "fij"], ["afij"]),
         helper.make_node("Add", ["b", "afij"], ["b2"]),
         helper.make_node("Identity", ["cj"], ["cj2"])],
        "inner", [info("j", [], TensorProto.INT64), info("cj", [], TensorProto.BOOL),
                  info("b", [4, 8], TensorProto.FLOAT)],
        [info("cj2", [], TensorProto.BOOL), info("b2", [4, 8], TensorProto.FLOAT)])
    outer = helper.make_graph(
        [helper.make_node("Cast", ["i"], ["fi"], to=TensorProto.FLOAT),
         helper.make_node("ReduceMean", ["a"], ["s0"], axes=[0], keepdims=0),
         helper.make_node("Scan", ["s0", "xs"], ["s", "ys"], body=scan_body,
                          num_scan_inputs=1),
         helper.make_node("Add", ["a", "s"], ["as"]),
         helper.make_node("Loop", ["two", "", "as"], ["a2"], body=inner),
         helper.make_node("Tanh", ["a2"], ["a3"]),
         helper.make_node("Identity", ["c"], ["c2"])],
        "outer", [info("i", [], TensorProto.INT64), info("c", [], TensorProto.BOOL),
                  info("a", [4, 8], TensorProto.FLOAT)],
        [info("c2", [], TensorProto.BOOL), info("a3", [4, 8], TensorProto.FLOAT)])
    graph = helper.make_graph(
        [helper.make_node("Loop", ["three", "", "acc0"], ["acc"], body=outer)],
        "nested_loops", [info("acc0", acc0), info("xs", xs)],
        [info("acc", [4, 8], TensorProto.FLOAT)],
        [const("three", np.int64(3)), const("two", np.int64(2))])
    a = acc0
    for i in range(3):
        s = a.mean(axis=0)
        for x in xs:
            s = s + x * i
        b = a + s
        for j in range(2):
            b = b + a * (j + i)
        a = np.tanh(b)
    return Case("nested_loops", graph).run({"acc0": acc0, "xs": xs}, [a])


def scan9(rng):
    """Scan-9+ with a reversed scan input along axis 1, a forward one along
    axis 0, scan outputs along axes 0 and 2 (one reversed), and an
    initializer read from the body."""
    s0 = f32(rng.standard_normal((4, 8)))
    x1 = f32(rng.standard_normal((4, 5, 8)))
    x2 = f32(rng.standard_normal((5, 8)))
    c = f32(rng.standard_normal(8) / 4)
    body = helper.make_graph(
        [helper.make_node("Mul", ["a", "b"], ["ab"]),
         helper.make_node("Add", ["s", "ab"], ["sab"]),
         helper.make_node("Add", ["sab", "c"], ["s2"]),
         helper.make_node("Relu", ["s2"], ["r"]),
         helper.make_node("Identity", ["s2"], ["y"])],
        "body", [info("s", [4, 8], TensorProto.FLOAT), info("a", [4, 8], TensorProto.FLOAT),
                 info("b", [8], TensorProto.FLOAT)],
        [info("s2", [4, 8], TensorProto.FLOAT), info("y", [4, 8], TensorProto.FLOAT),
         info("r", [4, 8], TensorProto.FLOAT)])
    graph = helper.make_graph(
        [helper.make_node("Scan", ["s0", "x1", "x2"], ["s", "ys", "rs"], body=body,
                          num_scan_inputs=2, scan_input_axes=[1, 0],
                          scan_input_directions=[1, 0], scan_output_axes=[0, -1],
                          scan_output_directions=[0, 1])],
        "scan9", [info("s0", s0), info("x1", x1), info("x2", x2)],
        [info("s", [4, 8], TensorProto.FLOAT), info("ys", [5, 4, 8], TensorProto.FLOAT),
         info("rs", [4, 8, 5], TensorProto.FLOAT)], [const("c", c)])
    s, ys, rs = s0, [], []
    for t in range(5):
        s = s + x1[:, 4 - t, :] * x2[t] + c
        ys.append(s)
        rs.append(np.maximum(s, 0))
    rs = np.stack(rs[::-1], axis=-1)
    return Case("scan9", graph, opset=11).run({"s0": s0, "x1": x1, "x2": x2},
                                              [s, np.stack(ys), rs])


def scan8(rng):
    """Scan-8: a batch of two, the scan input reversed."""
    s0 = f32(rng.standard_normal((2, 3)))
    x = f32(rng.standard_normal((2, 4, 3)))
    body = helper.make_graph(
        [helper.make_node("Add", ["s", "a"], ["s2"]),
         helper.make_node("Mul", ["s2", "two"], ["y"])],
        "body", [info("s", [3], TensorProto.FLOAT), info("a", [3], TensorProto.FLOAT)],
        [info("s2", [3], TensorProto.FLOAT), info("y", [3], TensorProto.FLOAT)])
    graph = helper.make_graph(
        [helper.make_node("Scan", ["", "s0", "x"], ["s", "ys"], body=body,
                          num_scan_inputs=1, directions=[1])],
        "scan8", [info("s0", s0), info("x", x)],
        [info("s", [2, 3], TensorProto.FLOAT), info("ys", [2, 4, 3], TensorProto.FLOAT)],
        [const("two", f32(2))])
    s, ys = s0.copy(), np.zeros((2, 4, 3), np.float32)
    for t in range(4):
        s = s + x[:, 3 - t, :]
        ys[:, t, :] = s * 2
    return Case("scan8", graph, opset=8).run({"s0": s0, "x": x}, [s, ys])


def torch_script(rng):
    """What PyTorch exports for a scripted loop over a run-time count and a
    data-dependent branch (a Loop whose condition is the constant true, an
    If on a reduction); PyTorch itself is the reference."""
    import io
    import torch

    class Model(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = torch.nn.Linear(32, 32)

        def forward(self, x, n: int):
            h = x
            for i in range(n):
                h = torch.tanh(self.lin(h)) + i
            if h.sum() > 0:
                h = h * 2
            else:
                h = h - 1
            return h

    torch.manual_seed(0)
    module = torch.jit.script(Model())
    f = io.BytesIO()
    x = torch.from_numpy(f32(rng.standard_normal((8, 32))))
    torch.onnx.export(module, (x, 3), f, input_names=["x", "n"], output_names=["y"],
                      opset_version=17)
    case = Case("torch_script", model=onnx.load_from_string(f.getvalue()))
    for n, scale in ((3, 1), (0, -4), (0, 4), (5, 1)):
        xs = x * scale
        with torch.no_grad():
            y = module(xs, n).numpy()
        case.run({"x": xs.numpy(), "n": np.int64(n)}, [y])
    return case


CASES = [if_runtime, loop_for_scan, loop_while, loop_declared_scan, loop_while_scan,
         loop_zero_trip, loop_row_slice, loop_nested_if, nested_loops, scan9, scan8, torch_script]


# --- Driver ------------------------------------------------------------------

def write_runs(case, directory):
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory)
    onnx.save(case.model, os.path.join(directory, "model.onnx"))
    names = [i.name for i in case.model.graph.input]
    outs = [o.name for o in case.model.graph.output]
    dirs = []
    for k, (inputs, outputs, _) in enumerate(case.runs):
        d = os.path.join(directory, "test_data_set_%d" % k)
        os.makedirs(d)
        tensors = [("input", i, numpy_helper.from_array(np.asarray(inputs[n]), n))
                   for i, n in enumerate(names)]
        tensors += [("output", i, numpy_helper.from_array(np.asarray(v), outs[i]))
                    for i, v in enumerate(outputs or [])]
        for kind, i, t in tensors:
            with open(os.path.join(d, "%s_%d.pb" % (kind, i)), "wb") as f:
                f.write(t.SerializeToString())
        dirs.append(d)
    return dirs


def check_run(cmd, error):
    """Runs `cmd`; with `error`, it must fail and print that text."""
    p = subprocess.run(cmd, capture_output=True, text=True)
    if error is None and p.returncode == 0:
        return None
    if error is not None and p.returncode != 0 and error in p.stdout + p.stderr:
        return None
    return "%s\n%s%s" % (" ".join(cmd), p.stdout, p.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("bin_dir")
    parser.add_argument("work_dir")
    parser.add_argument("--filter", default="")
    args = parser.parse_args()
    xfc = os.path.join(args.bin_dir, "xfc")
    run = os.path.join(args.bin_dir, "xfc-run")
    ort = ort_available()
    if not ort:
        print("onnxruntime-node not found: numpy references only")
    failures = total = 0
    for make in CASES:
        if not re.search(args.filter, make.__name__):
            continue
        case = make(np.random.default_rng(sum(map(ord, make.__name__))))
        d = os.path.join(args.work_dir, case.name)
        dirs = write_runs(case, d)
        model = os.path.join(d, "model.onnx")
        # (tag, command, expected error): ONNX Runtime on the runs that
        # have outputs, then xfc and xfc-run at each level.
        checks = []
        if ort:
            checks += [("ort", ["node", os.path.join(REPO, "tools", "ort", "ort_run.js"), model,
                                "--test-data-dir", data, "--rtol=1e-4", "--atol=1e-4"], None)
                       for data, (_, _, error) in zip(dirs, case.runs) if error is None]
        for opt in LEVELS:
            lib = os.path.join(d, "model%s.so" % opt)
            checks.append((opt, [xfc, model, opt, "-o", lib], None))
            checks += [(opt, [run, lib, "--test-data-dir", data], error)
                       for data, (_, _, error) in zip(dirs, case.runs)]
        for tag in dict.fromkeys(c[0] for c in checks):
            total += 1
            problem = None
            for _, cmd, error in (c for c in checks if c[0] == tag):
                problem = check_run(cmd, error)
                if problem:
                    break
            failures += problem is not None
            print("%s %s %s%s" % ("FAIL" if problem else "PASS", case.name, tag,
                                  ": " + problem if problem else ""))
    print("%d of %d failed" % (failures, total))
    return 1 if failures or not total else 0


if __name__ == "__main__":
    sys.exit(main())

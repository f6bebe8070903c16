#!/usr/bin/python3
"""Compile time that grows with the graph, not with its square.

Builds a chain of N elementwise nodes (Add of a constant, Neg, Relu, Abs in
turn; exported LLMs have tens of thousands of nodes), compiles it with
`xfc -o` within a time limit and checks the result against NumPy with
xfc-run. Quadratic steps (fusion copying ever larger bodies, attributes
rebuilt per argument) made 8000 nodes take 88 s; the limit is loose
enough for a loaded machine and far below what a quadratic step takes.

  large_graph.py --xfc XFC --xfc-run XFC_RUN --work-dir DIR [--nodes N] [--limit S]
"""
import argparse
import os
import subprocess
import sys
import time

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--xfc", required=True)
    p.add_argument("--xfc-run", required=True)
    p.add_argument("--work-dir", required=True)
    p.add_argument("--nodes", type=int, default=200000)
    p.add_argument("--limit", type=float, default=180)
    args = p.parse_args()
    os.makedirs(args.work_dir, exist_ok=True)

    x = np.linspace(-2, 2, 8, dtype=np.float32)
    c = numpy_helper.from_array(np.float32(0.25).reshape(1), "c")
    nodes, prev, y = [], "x", x.copy()
    for i in range(args.nodes):
        out, kind = "v%d" % i, i % 4
        if kind == 0:
            nodes.append(helper.make_node("Add", [prev, "c"], [out], name="n%d" % i))
            y = y + np.float32(0.25)
        else:
            op = ("Neg", "Relu", "Abs")[kind - 1]
            nodes.append(helper.make_node(op, [prev], [out], name="n%d" % i))
            y = -y if op == "Neg" else (np.maximum(y, 0) if op == "Relu" else np.abs(y))
        prev = out
    graph = helper.make_graph(nodes, "chain",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [8])],
                              [helper.make_tensor_value_info(prev, TensorProto.FLOAT, [8])], [c])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    path = os.path.join(args.work_dir, "chain.onnx")
    onnx.save(model, path)
    data = os.path.join(args.work_dir, "data")
    os.makedirs(data, exist_ok=True)
    for name, value in (("input_0.pb", x), ("output_0.pb", y)):
        with open(os.path.join(data, name), "wb") as f:
            f.write(numpy_helper.from_array(value).SerializeToString())

    lib = os.path.join(args.work_dir, "chain.so")
    start = time.monotonic()
    try:
        r = subprocess.run([args.xfc, path, "-o", lib], capture_output=True, text=True,
                           timeout=args.limit)
    except subprocess.TimeoutExpired:
        print("FAIL: %d nodes did not compile within %g s" % (args.nodes, args.limit))
        return 1
    seconds = time.monotonic() - start
    if r.returncode != 0:
        print("FAIL: xfc exited with %d\n%s" % (r.returncode, r.stderr))
        return 1
    print("compiled %d nodes in %.1f s (limit %g s)" % (args.nodes, seconds, args.limit))
    r = subprocess.run([args.xfc_run, lib, "--test-data-dir", data], capture_output=True,
                       text=True)
    print(r.stdout + r.stderr)
    return 0 if r.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""Run-time checks of shape-like inputs: right values run, wrong ones fail.

When a shape-like input (Reshape's target, Expand's shape, Tile's repeats, Resize's scales
or sizes) is a graph input
but the model declares the output's static shape, xfc compiles for that
shape and checks the input's values at run time. For each case this driver
compiles the model at -O3 and -O0, runs it with values that give the
declared shape (the outputs must match numpy) and with values that do not
(xfc-run must fail with a message naming the node, not crash or print a
result).

  runtime_checks.py BIN_DIR WORK_DIR
"""
import os
import shutil
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def model(name, op, x_shape, s_len, y_shape, s_type=TensorProto.INT64,
          node_inputs=("x", "s"), **attrs):
    node = helper.make_node(op, list(node_inputs), ["y"], name=name, **attrs)
    graph = helper.make_graph(
        [node], name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, x_shape),
         helper.make_tensor_value_info("s", s_type, [s_len])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, y_shape)])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])


x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
e = np.arange(3, dtype=np.float32).reshape(3, 1)
# name, model, input x, [(shape values, expected output or None if wrong)]
CASES = [
    ("reshape", model("r", "Reshape", [2, 3, 4], 3, [4, 3, 2]), x, [
        ([4, 3, 2], x.reshape(4, 3, 2)),
        ([4, -1, 2], x.reshape(4, 3, 2)),
        ([4, 3, -1], x.reshape(4, 3, 2)),
        ([4, 0, 2], x.reshape(4, 3, 2)),  # 0 copies the input's 3
        ([2, 3, 4], None),
        ([-1, -1, 2], None),
        ([4, 6, 1], None),
    ]),
    ("expand", model("e", "Expand", [3, 1], 3, [2, 3, 5]), e, [
        ([2, 3, 5], np.broadcast_to(e, (2, 3, 5))),
        ([2, 1, 5], np.broadcast_to(e, (2, 3, 5))),
        ([2, 3, 4], None),
        ([1, 3, 5], None),
    ]),
    ("tile", model("t", "Tile", [3, 1], 2, [6, 2]), e, [
        ([2, 2], np.tile(e, (2, 2))),
        ([2, 1], None),
        ([1, 4], None),
    ]),
    # Resize's run-time scales must give the declared shape: floor(in * s).
    ("resize_scales", model("rs", "Resize", [1, 1, 2, 2], 4, [1, 1, 4, 6],
                            s_type=TensorProto.FLOAT, node_inputs=("x", "", "s")),
     np.arange(4, dtype=np.float32).reshape(1, 1, 2, 2), [
        ([1, 1, 2, 3], np.arange(4, dtype=np.float32).reshape(1, 1, 2, 2)
         .repeat(2, axis=2).repeat(3, axis=3)),
        ([1, 1, 2, 3.6], None),
        ([1, 1, 3, 3], None),
    ]),
    ("resize_sizes", model("rz", "Resize", [1, 1, 2, 2], 4, [1, 1, 4, 6],
                           node_inputs=("x", "", "", "s")),
     np.arange(4, dtype=np.float32).reshape(1, 1, 2, 2), [
        ([1, 1, 4, 6], np.arange(4, dtype=np.float32).reshape(1, 1, 2, 2)
         .repeat(2, axis=2).repeat(3, axis=3)),
        ([1, 1, 4, 5], None),
    ]),
]


def write_case(case_dir, inputs, output):
    os.makedirs(case_dir, exist_ok=True)
    for i, a in enumerate(inputs):
        with open(os.path.join(case_dir, f"input_{i}.pb"), "wb") as f:
            f.write(numpy_helper.from_array(a).SerializeToString())
    if output is not None:
        with open(os.path.join(case_dir, "output_0.pb"), "wb") as f:
            f.write(numpy_helper.from_array(np.ascontiguousarray(output)).SerializeToString())


def main():
    bin_dir, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    failures = 0
    for name, m, data, runs in CASES:
        onnx_path = os.path.join(work, name + ".onnx")
        onnx.save(m, onnx_path)
        node = m.graph.node[0]
        for level in ("-O3", "-O0"):
            lib = os.path.join(work, f"{name}{level}.so")
            subprocess.run([os.path.join(bin_dir, "xfc"), onnx_path, level, "-o", lib],
                           check=True)
            for k, (values, expected) in enumerate(runs):
                case = os.path.join(work, f"{name}{level}_{k}")
                s_type = m.graph.input[1].type.tensor_type.elem_type
                s_dtype = np.float32 if s_type == TensorProto.FLOAT else np.int64
                write_case(case, [data, np.array(values, dtype=s_dtype)],
                           expected if expected is not None else np.zeros(1, np.float32))
                r = subprocess.run([os.path.join(bin_dir, "xfc-run"), lib,
                                    "--test-data-dir", case],
                                   capture_output=True, text=True)
                text = r.stdout + r.stderr
                what = f"{name} {level} {node.op_type}({values})"
                if expected is not None:
                    ok = r.returncode == 0
                else:
                    ok = (0 < r.returncode < 128 and
                          f"node '{node.name}' ({node.op_type})" in text)
                print(("PASS " if ok else "FAIL ") + what +
                      ("" if expected is not None else " rejected: " +
                       text.strip().splitlines()[-1] if text.strip() else ""))
                if not ok:
                    print(text)
                    failures += 1
    print(f"{failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

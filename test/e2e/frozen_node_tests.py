#!/usr/bin/python3
"""ONNX backend node tests whose shape-like inputs are graph inputs, frozen.

Some node tests feed what xfc needs at compile time (CumSum's
axis, OneHot's depth) as graph inputs, so the backend suite reports them as
import failures; the quantization tests feed their scales and zero points
as graph inputs, where real models have constants (a different path through
the importer). This driver rewrites each such model with those inputs
turned into initializers holding the test's own values, then compiles it
at -O3 and -O0 and checks every test_data_set_* with xfc-run: the same
numbers the backend test checks, with the compile-time inputs made constant.

  frozen_node_tests.py BIN_DIR WORK_DIR [--data-dir DIR]
"""
import argparse
import os
import shutil
import subprocess
import sys

import onnx
from onnx import numpy_helper

DEFAULT_DATA_DIR = "/usr/include/onnx/backend/test/data/node"

# test name -> indices of the graph inputs to freeze.
FROZEN = {
    "test_cumsum_1d": [1],
    "test_cumsum_1d_exclusive": [1],
    "test_cumsum_1d_reverse": [1],
    "test_cumsum_1d_reverse_exclusive": [1],
    "test_cumsum_2d_axis_0": [1],
    "test_cumsum_2d_axis_1": [1],
    "test_cumsum_2d_negative_axis": [1],
    "test_onehot_negative_indices": [1],
    "test_onehot_with_axis": [1],
    "test_onehot_with_negative_axis": [1],
    "test_onehot_without_axis": [1],
    # Exported quantized models hold their scales and zero points as
    # initializers: the importer converts them at compile time.
    "test_quantizelinear": [1, 2],
    "test_quantizelinear_axis": [1, 2],
    "test_dequantizelinear": [1, 2],
    "test_dequantizelinear_axis": [1, 2],
    "test_matmulinteger": [2, 3],
    "test_qlinearmatmul_2D": [1, 2, 4, 5, 6, 7],
    "test_qlinearmatmul_3D": [1, 2, 4, 5, 6, 7],
    "test_convinteger_with_padding": [2],
    "test_qlinearconv": [1, 2, 4, 5, 6, 7],
}


def freeze(src, dst, frozen):
    """Copies test dir `src` to `dst` with inputs `frozen` made constant."""
    model = onnx.load(os.path.join(src, "model.onnx"))
    graph = model.graph
    sets = sorted(d for d in os.listdir(src) if d.startswith("test_data_set_"))
    names = [graph.input[i].name for i in frozen]
    for i, name in zip(frozen, names):
        t = onnx.TensorProto()
        with open(os.path.join(src, sets[0], "input_%d.pb" % i), "rb") as f:
            t.ParseFromString(f.read())
        # Every data set must agree on the frozen value.
        for s in sets[1:]:
            other = onnx.TensorProto()
            with open(os.path.join(src, s, "input_%d.pb" % i), "rb") as f:
                other.ParseFromString(f.read())
            if (numpy_helper.to_array(other) != numpy_helper.to_array(t)).any():
                raise SystemExit("%s: data sets differ in input %d" % (src, i))
        t.name = name
        graph.initializer.append(t)
    kept = [inp for inp in graph.input if inp.name not in names]
    del graph.input[:]
    graph.input.extend(kept)
    os.makedirs(dst, exist_ok=True)
    onnx.save(model, os.path.join(dst, "model.onnx"))
    for s in sets:
        out = os.path.join(dst, s)
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        j = 0
        for i in range(len(kept) + len(frozen)):
            if i in frozen:
                continue
            shutil.copy(os.path.join(src, s, "input_%d.pb" % i),
                        os.path.join(out, "input_%d.pb" % j))
            j += 1
        for f in os.listdir(os.path.join(src, s)):
            if f.startswith("output_"):
                shutil.copy(os.path.join(src, s, f), os.path.join(out, f))
    return sets


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("bin_dir")
    parser.add_argument("work_dir")
    parser.add_argument("--data-dir", default=DEFAULT_DATA_DIR)
    args = parser.parse_args()
    if not os.path.isdir(args.data_dir):
        print("no ONNX backend test data at " + args.data_dir)
        return 77
    xfc = os.path.join(args.bin_dir, "xfc")
    run = os.path.join(args.bin_dir, "xfc-run")
    failures = 0
    for test, frozen in sorted(FROZEN.items()):
        dst = os.path.join(args.work_dir, test)
        sets = freeze(os.path.join(args.data_dir, test), dst, frozen)
        for opt in ("-O3", "-O0"):
            lib = os.path.join(dst, "model%s.so" % opt)
            steps = [[xfc, os.path.join(dst, "model.onnx"), opt, "-o", lib]]
            steps += [[run, lib, "--test-data-dir", os.path.join(dst, s)]
                      for s in sets]
            ok = True
            for cmd in steps:
                p = subprocess.run(cmd, capture_output=True, text=True)
                if p.returncode != 0:
                    ok = False
                    print("FAIL %s %s: %s\n%s%s" % (test, opt, " ".join(cmd),
                                                    p.stdout, p.stderr))
                    break
            failures += not ok
            if ok:
                print("PASS %s %s" % (test, opt))
    print("%d of %d failed" % (failures, 2 * len(FROZEN)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

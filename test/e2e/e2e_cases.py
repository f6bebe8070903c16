"""Shared pieces of the e2e drivers that build small ONNX models in Python.

A driver (quantized_ops.py, recurrent_cases.py, signal_ops.py) builds each
model with the ONNX helper API and its expected outputs from its own NumPy
reference, writes them as an ONNX backend-test directory (model.onnx and
test_data_set_0/{input,output}_N.pb), and has every one compiled at -O3 and
-O0 and checked with `xfc-run --test-data-dir`.
"""
import argparse
import os
import shutil
import subprocess

import numpy as np
import onnx
from onnx import helper, mapping, numpy_helper

LEVELS = ("-O3", "-O0")


def tensor_type(dtype):
    return mapping.NP_TYPE_TO_TENSOR_TYPE[np.dtype(dtype)]


class Case:
    """A model built node by node: graph inputs fed at run time (with their
    test values), initializers, nodes and outputs (with expected values)."""

    def __init__(self, name, opset):
        self.name, self.opset = name, opset
        self.inputs, self.inits, self.outputs, self.nodes = [], [], [], []

    def input(self, name, value):
        self.inputs.append((name, np.asarray(value)))
        return name

    def const(self, name, value):
        self.inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def node(self, op, ins, outs, **attrs):
        self.nodes.append(helper.make_node(op, ins, outs, name=op + "_%d" % len(self.nodes),
                                           **attrs))

    def output(self, name, value):
        self.outputs.append((name, np.asarray(value)))

    def model(self):
        info = lambda n, v: helper.make_tensor_value_info(n, tensor_type(v.dtype), v.shape)
        graph = helper.make_graph(self.nodes, self.name,
                                  [info(n, v) for n, v in self.inputs],
                                  [info(n, v) for n, v in self.outputs],
                                  self.inits)
        opsets = [helper.make_opsetid("", self.opset)]
        model = helper.make_model(graph, opset_imports=opsets)
        model.ir_version = helper.find_min_ir_version_for(opsets)
        onnx.checker.check_model(model)
        return model

    def write(self, directory):
        write_test_dir(directory, self.model(),
                       [numpy_helper.from_array(v, n) for n, v in self.inputs],
                       [numpy_helper.from_array(v, n) for n, v in self.outputs])


def write_test_dir(directory, model, inputs, outputs):
    """model.onnx and test_data_set_0 with the given TensorProtos."""
    shutil.rmtree(directory, ignore_errors=True)
    data = os.path.join(directory, "test_data_set_0")
    os.makedirs(data)
    onnx.save(model, os.path.join(directory, "model.onnx"))
    for kind, tensors in (("input", inputs), ("output", outputs)):
        for i, t in enumerate(tensors):
            with open(os.path.join(data, "%s_%d.pb" % (kind, i)), "wb") as f:
                f.write(t.SerializeToString())


def write_test_data(directory, inputs, outputs):
    """input_N.pb / output_N.pb in `directory` from numpy arrays (0-D ones
    stay 0-D: np.ascontiguousarray would make them 1-D)."""
    os.makedirs(directory, exist_ok=True)
    for kind, arrays in (("input", inputs), ("output", outputs)):
        for i, a in enumerate(arrays):
            with open(os.path.join(directory, "%s_%d.pb" % (kind, i)), "wb") as f:
                f.write(numpy_helper.from_array(np.asarray(a, order="C")).SerializeToString())


def compile_and_check(bin_dir, directory, name):
    """Compiles directory/model.onnx at each level and runs xfc-run on its
    test data; prints PASS/FAIL lines and returns the number of failures."""
    failures = 0
    for level in LEVELS:
        lib = os.path.join(directory, "model%s.so" % level)
        for cmd in ([os.path.join(bin_dir, "xfc"), os.path.join(directory, "model.onnx"),
                     level, "-o", lib],
                    [os.path.join(bin_dir, "xfc-run"), lib, "--test-data-dir",
                     os.path.join(directory, "test_data_set_0")]):
            p = subprocess.run(cmd, capture_output=True, text=True)
            if p.returncode != 0:
                print("FAIL %s %s: %s\n%s%s" % (name, level, " ".join(cmd), p.stdout, p.stderr))
                failures += 1
                break
        else:
            print("PASS %s %s" % (name, level))
    return failures


def run_cases(bin_dir, work_dir, cases, confirm_with_ort=False, expect_ort=False):
    """Writes and checks every Case; returns the exit status. With
    `confirm_with_ort` ONNX Runtime must agree with the case's expected
    outputs first; with `expect_ort` ORT computes them."""
    failures = 0
    for case in cases:
        d = os.path.join(work_dir, case.name)
        case.write(d)
        if confirm_with_ort:
            failures += reference_agrees_with_ort(d, case.name)
        if expect_ort and outputs_from_ort(d, case.name):
            failures += 1
            continue
        failures += compile_and_check(bin_dir, d, case.name)
    print("%d of %d failed" % (failures, len(LEVELS) * len(cases)))
    return 1 if failures else 0


def run_at_sizes(bin_dir, work, cases):
    """Compiles each (name, model, runs) once per level (-O3, -O0) and runs it
    on every (inputs, expected) of `runs`: `expected` is the list of output
    arrays, ORT (ONNX Runtime computes them), or the message (a str) the run
    must be rejected with. One model run at several sizes is what checks
    dynamic shapes and run-time checks. A case may have a fourth element,
    more arguments for xfc (`--input-shape=...`). Returns the process exit
    status."""
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    failures = 0
    for name, model, runs, *xfc_args in cases:
        onnx_path = os.path.join(work, name + ".onnx")
        onnx.save(model, onnx_path)
        for level in ("-O3", "-O0"):
            lib = os.path.join(work, f"{name}{level}.so")
            subprocess.run([os.path.join(bin_dir, "xfc"), onnx_path, level, "-o", lib]
                           + (xfc_args[0] if xfc_args else []), check=True)
            for k, (inputs, expected) in enumerate(runs):
                case = os.path.join(work, f"{name}{level}_{k}")
                rejected = isinstance(expected, str)
                write_test_data(case, inputs, [] if rejected or expected is ORT else expected)
                if expected is ORT and ort_write_outputs(onnx_path, case):
                    print(f"FAIL {name} {level}: ONNX Runtime did not run it")
                    failures += 1
                    continue
                r = subprocess.run([os.path.join(bin_dir, "xfc-run"), lib,
                                    "--test-data-dir", case],
                                   capture_output=True, text=True)
                text = r.stdout + r.stderr
                shapes = "x".join(str(np.shape(a)) for a in inputs)
                if rejected:
                    ok = 0 < r.returncode < 128 and expected in text
                else:
                    ok = r.returncode == 0 and "PASS" in text
                print(("PASS " if ok else "FAIL ") + f"{name} {level} {shapes}" +
                      ("" if ok or not text.strip() else ": " + text.strip().splitlines()[-1]))
                if not ok:
                    print(text)
                    failures += 1
    print(f"{failures} failure(s)")
    return 1 if failures else 0


def check_rejected(bin_dir, directory, name, inputs, node_name):
    """Runs the models compile_and_check built with wrong `inputs`
    (TensorProtos): xfc-run must fail with a message naming `node_name`,
    never crash or print a result. Returns the number of failures."""
    data = os.path.join(directory, "test_data_set_wrong")
    shutil.rmtree(data, ignore_errors=True)
    os.makedirs(data)
    for i, t in enumerate(inputs):
        with open(os.path.join(data, "input_%d.pb" % i), "wb") as f:
            f.write(t.SerializeToString())
    failures = 0
    for level in LEVELS:
        lib = os.path.join(directory, "model%s.so" % level)
        p = subprocess.run([os.path.join(bin_dir, "xfc-run"), lib, "--test-data-dir", data],
                           capture_output=True, text=True)
        text = p.stdout + p.stderr
        if 0 < p.returncode < 128 and ("node '%s'" % node_name) in text:
            print("PASS %s %s rejected: %s" % (name, level, text.strip().splitlines()[-1]))
        else:
            print("FAIL %s %s: wrong inputs not rejected (exit %d)\n%s"
                  % (name, level, p.returncode, text))
            failures += 1
    return failures


REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

class _OrtOutputs:
    """An expected result of run_at_sizes: ONNX Runtime's outputs for the
    inputs of the run."""


ORT = _OrtOutputs()


def ort_write_outputs(model_path, data_dir):
    """Writes ONNX Runtime's outputs for data_dir/input_N.pb as
    data_dir/output_N.pb. Returns the number of failures; raises
    SystemExit(77) (skipped) when ORT is not installed."""
    if not ort_available():
        print("SKIP: node or onnxruntime-node is not installed")
        raise SystemExit(77)
    p = subprocess.run(["node", os.path.join(REPO, "tools", "ort", "ort_run.js"), model_path,
                        "--test-data-dir", data_dir, "--write-outputs", data_dir,
                        "--rtol=1e30", "--atol=1e30"], capture_output=True, text=True)
    if p.returncode != 0:
        print(p.stdout + p.stderr)
        return 1
    return 0


def ort_available():
    return (shutil.which("node") is not None and
            os.path.isfile(os.path.join(REPO, "node_modules", "onnxruntime-node", "package.json")))


def reference_agrees_with_ort(directory, name, rtol=1e-4, atol=1e-4):
    """Runs ONNX Runtime on directory's model and test data: the expected
    outputs a driver computed must be what ORT computes too. Returns the
    number of failures (0 when ORT is not installed)."""
    if not ort_available():
        return 0
    p = subprocess.run(["node", os.path.join(REPO, "tools", "ort", "ort_run.js"),
                        os.path.join(directory, "model.onnx"), "--test-data-dir",
                        os.path.join(directory, "test_data_set_0"),
                        "--rtol=%g" % rtol, "--atol=%g" % atol],
                       capture_output=True, text=True)
    if p.returncode != 0:
        print("FAIL %s: the reference disagrees with ONNX Runtime\n%s%s" % (name, p.stdout, p.stderr))
        return 1
    return 0


def main(doc, cases, **options):
    """The command line of a driver: `DRIVER BIN_DIR WORK_DIR`; `options`
    go to run_cases."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("bin_dir")
    parser.add_argument("work_dir")
    args = parser.parse_args()
    return run_cases(args.bin_dir, args.work_dir, cases, **options)


def outputs_from_ort(directory, name):
    """Replaces the expected outputs of directory's test data with ONNX
    Runtime's, for ops whose definition in practice is ORT's behaviour.
    Returns the number of failures; raises SystemExit(77) (skipped) when ORT
    is not installed."""
    if not ort_available():
        print("SKIP %s: node or onnxruntime-node is not installed" % name)
        raise SystemExit(77)
    data = os.path.join(directory, "test_data_set_0")
    p = subprocess.run(["node", os.path.join(REPO, "tools", "ort", "ort_run.js"),
                        os.path.join(directory, "model.onnx"), "--test-data-dir", data,
                        "--write-outputs", data, "--rtol=1e30", "--atol=1e30"],
                       capture_output=True, text=True)
    if p.returncode != 0:
        print("FAIL %s: ONNX Runtime did not run the model\n%s%s" % (name, p.stdout, p.stderr))
        return 1
    return 0

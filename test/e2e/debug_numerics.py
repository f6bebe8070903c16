#!/usr/bin/python3
"""tools/xfc-debug-numerics.py end to end, against ONNX Runtime.

Where xfc is right, the script must report no divergence; where the
reference is made wrong on purpose (ONNX Runtime runs a copy of the model
with one initializer changed, through --reference-model), it must name the
node that reads it as the first divergence. Runs a small generated model on
random inputs with a filter of the exposed values, and the bundled
examples/bert_tiny on its test data with every value exposed.

  debug_numerics.py TOOLS_DIR WORK_DIR

Exits 77 (skipped) when node or onnxruntime-node is missing.
"""
import os
import shutil
import subprocess
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(SRC, "tools", "xfc-debug-numerics.py")
SKIP = 77


def small_model(path):
    """x·W + b, ReLU, softmax: what the filter test needs, nothing more."""
    rng = np.random.default_rng(0)
    w = numpy_helper.from_array(rng.standard_normal((8, 4)).astype(np.float32), "w")
    b = numpy_helper.from_array(rng.standard_normal(4).astype(np.float32), "b")
    nodes = [
        helper.make_node("MatMul", ["x", "w"], ["h"], name="matmul"),
        helper.make_node("Add", ["h", "b"], ["z"], name="add"),
        helper.make_node("Relu", ["z"], ["r"], name="relu"),
        helper.make_node("Softmax", ["r"], ["y"], name="softmax", axis=-1),
    ]
    graph = helper.make_graph(
        nodes, "small",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 4])], [w, b])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]),
              path)


def perturbed(src, dst, initializer, delta):
    """A copy of model `src` whose `initializer` has `delta` added."""
    model = onnx.load(src)
    for i, init in enumerate(model.graph.initializer):
        if init.name == initializer:
            value = numpy_helper.to_array(init) + np.float32(delta)
            model.graph.initializer[i].CopyFrom(
                numpy_helper.from_array(value.astype(np.float32), initializer))
            onnx.save(model, dst)
            return
    raise SystemExit(f"{src} has no initializer '{initializer}'")


def check(tools, args, exit_code, expected):
    command = [sys.executable, SCRIPT, "--tools-dir", tools] + args
    result = subprocess.run(command, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    print("$ " + " ".join(command) + "\n" + result.stdout)
    missing = [line for line in expected if line not in result.stdout]
    if result.returncode != exit_code or missing:
        raise SystemExit(f"FAIL: exit {result.returncode} (want {exit_code}); "
                         f"missing from the output: {missing}")


def main():
    tools, work = sys.argv[1], sys.argv[2]
    if shutil.which("node") is None or not os.path.isfile(os.path.join(
            SRC, "node_modules", "onnxruntime-node", "package.json")):
        print("node or onnxruntime-node is missing: skipped")
        return SKIP
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)

    small = os.path.join(work, "small.onnx")
    small_model(small)
    check(tools, [small, "--seed=1"], 0,
          ["4 node outputs compared", "no divergence"])
    wrong = os.path.join(work, "small_wrong_b.onnx")
    perturbed(small, wrong, "b", 0.5)
    check(tools, [small, "--seed=1", "--expose=z", "--reference-model", wrong], 1,
          ["2 node outputs compared",
           "first divergence: node 'add' (Add), output 'z'"])

    bert = os.path.join(SRC, "examples", "bert_tiny")
    data = ["--test-data-dir", os.path.join(bert, "test_data_set_0")]
    model = os.path.join(bert, "model.onnx")
    check(tools, [model] + data, 0, ["no divergence"])
    wrong = os.path.join(work, "bert_wrong_ln1_bias.onnx")
    perturbed(model, wrong, "layers.0.ln1.bias", 0.25)
    check(tools, [model, "--reference-model", wrong] + data, 1,
          ["first divergence: node '/layers.0/ln1/LayerNormalization' "
           "(LayerNormalization), output '/layers.0/ln1/LayerNormalization_output_0'"])
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""Seed corpus and dictionary for xfc-import-fuzzer.

Seeds: from the ONNX backend test data (libonnx-testdata), the smallest model
of every distinct opset and set of operator types (a few hundred small models
covering every operator the data has), the bundled example's model when
small, and a few models in ONNX's text syntax (inputs starting with '<' are
read as text).
Dictionary: operator, attribute and domain names, the text syntax's keywords.

Usage: make_seeds.py --out DIR --dict FILE [--data-dir DIR] [--max-size BYTES]
"""

import argparse
import os
import shutil
import sys

import onnx
from onnx import defs

DEFAULT_DATA_DIR = "/usr/include/onnx/backend/test/data"
SUITES = ("node", "pytorch-converted", "pytorch-operator", "simple")

TEXT_SEEDS = {
    "relu.onnxtxt": """<ir_version: 8, opset_import: ["" : 17]>
g (float[2] x) => (float[2] y) { y = Relu(x) }
""",
    "add_init.onnxtxt": """<ir_version: 8, opset_import: ["" : 17]>
g (float[3] x) => (float[3] y) <float[3] w = {1.0, 2.0, 3.0}> { y = Add(x, w) }
""",
    "reshape.onnxtxt": """<ir_version: 8, opset_import: ["" : 17]>
g (float[2,3] x) => (float[3,2] y) <int64[2] s = {3, 2}> { y = Reshape(x, s) }
""",
    "shape_chain.onnxtxt": """<ir_version: 8, opset_import: ["" : 17]>
g (float[2,3,4] x) => (float[6,4] y) <int64[1] zero = {0}, int64[1] minus1 = {-1}> {
  s = Shape(x)
  d = Gather<axis = 0>(s, zero)
  t = Concat<axis = 0>(minus1, d)
  y0 = Reshape(x, t)
  y = Transpose<perm = [1, 0]>(y0)
}
""",
    "conv.onnxtxt": """<ir_version: 8, opset_import: ["" : 17]>
g (float[1,2,5,5] x, float[4,2,3,3] w, float[4] b) => (float[1,4,3,3] y) {
  c = Conv<kernel_shape = [3, 3], strides = [1, 1], pads = [0, 0, 0, 0]>(x, w, b)
  y = Relu(c)
}
""",
    "matmul_softmax.onnxtxt": """<ir_version: 8, opset_import: ["" : 13]>
g (float[2,4,8] q, float[2,8,4] k) => (float[2,4,4] y) {
  s = MatMul(q, k)
  y = Softmax<axis = -1>(s)
}
""",
    "if.onnxtxt": """<ir_version: 8, opset_import: ["" : 17]>
g (bool c, float[2] x) => (float[2] y) {
  y = If(c) <then_branch = t () => (float[2] a) { a = Relu(x) },
             else_branch = e () => (float[2] b) { b = Neg(x) }>
}
""",
    "reduce.onnxtxt": """<ir_version: 8, opset_import: ["" : 18]>
g (float[2,3,4] x) => (float[2,1,4] y) <int64[1] ax = {1}> { y = ReduceMean<keepdims = 1>(x, ax) }
""",
}

TEXT_TOKENS = ["<", ">", "=>", "{", "}", "(", ")", "[", "]", ",", ":", "=",
               "ir_version", "opset_import", "producer_name", "domain",
               "float", "double", "float16", "bfloat16", "int8", "int16",
               "int32", "int64", "uint8", "uint16", "uint32", "uint64", "bool",
               "string", "ai.onnx", "com.microsoft", "-1", "0", "1", "2",
               "9223372036854775807", "-9223372036854775808", "2147483648",
               "1e308", "nan", "inf"]


def op_types(path):
    try:
        model = onnx.load(path, load_external_data=False)
    except Exception:
        return None
    opset = max((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")),
                default=0)
    return (opset,) + tuple(sorted({n.op_type for n in model.graph.node}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--dict", required=True)
    parser.add_argument("--data-dir", default=DEFAULT_DATA_DIR)
    parser.add_argument("--source", help="the xfc source tree (for the example)")
    parser.add_argument("--max-size", type=int, default=8192)
    args = parser.parse_args()

    if os.path.isdir(args.out):
        shutil.rmtree(args.out)
    os.makedirs(args.out)

    best = {}  # set of op types -> (size, name, path)
    for suite in SUITES:
        base = os.path.join(args.data_dir, suite)
        if not os.path.isdir(base):
            continue
        for test in sorted(os.listdir(base)):
            path = os.path.join(base, test, "model.onnx")
            if not os.path.isfile(path):
                continue
            size = os.path.getsize(path)
            if size > args.max_size:
                continue
            key = op_types(path)
            if key is None:
                continue
            if key not in best or size < best[key][0]:
                best[key] = (size, suite + "-" + test, path)
    for size, name, path in best.values():
        shutil.copyfile(path, os.path.join(args.out, name + ".onnx"))
    if args.source:
        example = os.path.join(args.source, "examples", "bert_tiny", "model.onnx")
        if os.path.isfile(example) and os.path.getsize(example) <= args.max_size:
            shutil.copyfile(example, os.path.join(args.out, "bert_tiny.onnx"))
    for name, text in TEXT_SEEDS.items():
        with open(os.path.join(args.out, name), "w") as f:
            f.write(text)

    words = set(TEXT_TOKENS)
    for schema in defs.get_all_schemas_with_history():
        words.add(schema.name)
        if schema.domain:
            words.add(schema.domain)
        words.update(schema.attributes.keys())
    with open(args.dict, "w") as f:
        for w in sorted(words):
            escaped = "".join(c if c.isalnum() or c in "._-<>=(){}[],: " else
                              "\\x%02X" % ord(c) for c in w)
            f.write('"%s"\n' % escaped)
    print("fuzz seeds: %d models (%d from the ONNX backend data), %d dictionary words"
          % (len(os.listdir(args.out)), len(best), len(words)))


if __name__ == "__main__":
    sys.exit(main())

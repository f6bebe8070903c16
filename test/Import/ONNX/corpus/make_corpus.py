#!/usr/bin/python3
"""Writes the corrupted-model corpus of the robustness test into a directory.

From a few small, valid seed models (and the bundled example) it writes:

  trunc-*    truncated files, at many cut points
  flip-*     files with a few bytes overwritten (deterministic seeds)
  wire-*     protobuf wire-level damage: fields with the wrong wire type,
             lengths past the end, bad varints, unknown fields, deep nesting
  struct-*   well-formed protobufs that are wrong models: huge, negative and
             overflowing dims, raw_data whose size does not match the dims,
             attributes of the wrong type, missing required fields, deeply
             nested subgraphs, absurd opset and ir_version numbers, bad
             external data, names with control characters, ...
  text-*     the same kinds of damage in ONNX's text syntax (.onnxtxt)

Every file must make `xfc --check` and `xfc -o` either succeed or fail with
one clear line per problem; check_corpus.py runs them. The output is the same
on every run (no unseeded randomness). Usage: make_corpus.py OUTDIR
"""

import os
import random
import shutil
import struct
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = None
F = TensorProto.FLOAT
I64 = TensorProto.INT64


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def save(model, name):
    write(name + ".onnx", model.SerializeToString())


def opset(v=17, domain=""):
    return helper.make_opsetid(domain, v)


def model_of(nodes, inputs, outputs, inits=(), version=17, ir=8, **kw):
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(inits))
    m = helper.make_model(graph, opset_imports=[opset(version)], **kw)
    m.ir_version = ir
    return m


def vi(name, shape, dtype=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, dtype, shape)


def sym(rank):
    """A shape of `rank` unknown dimensions."""
    return ["d%d" % i for i in range(rank)]


# ---------------------------------------------------------------------------
# Seed models: small, valid, importable, with the features damage can hit.
# ---------------------------------------------------------------------------

def seed_models():
    seeds = {}
    w = numpy_helper.from_array(np.arange(16, dtype=np.float32), "w")
    seeds["add"] = model_of([helper.make_node("Add", ["x", "w"], ["y"], name="add")],
                            [vi("x", [16])], [vi("y", [16])], [w])

    wc = numpy_helper.from_array(np.ones((4, 2, 3, 3), np.float32) * 0.5, "wc")
    bc = helper.make_tensor("bc", TensorProto.FLOAT, [4], [0.1, 0.2, 0.3, 0.4])
    seeds["conv"] = model_of(
        [helper.make_node("Conv", ["x", "wc", "bc"], ["c"], name="conv",
                          kernel_shape=[3, 3], strides=[1, 1], pads=[1, 1, 1, 1]),
         helper.make_node("Relu", ["c"], ["r"], name="relu"),
         helper.make_node("MaxPool", ["r"], ["y"], name="pool",
                          kernel_shape=[2, 2], strides=[2, 2])],
        [vi("x", [1, 2, 6, 6])], [vi("y", [1, 4, 3, 3])], [wc, bc])

    idx = numpy_helper.from_array(np.array([0], np.int64), "idx")
    minus1 = numpy_helper.from_array(np.array([-1], np.int64), "minus1")
    seeds["shape"] = model_of(
        [helper.make_node("Shape", ["x"], ["s"], name="shape"),
         helper.make_node("Gather", ["s", "idx"], ["d"], name="gather", axis=0),
         helper.make_node("Concat", ["d", "minus1"], ["t"], name="concat", axis=0),
         helper.make_node("Reshape", ["x", "t"], ["r"], name="reshape"),
         helper.make_node("Transpose", ["r"], ["y"], name="transpose", perm=[1, 0])],
        [vi("x", [2, 3, 4])], [vi("y", [12, 2])], [idx, minus1])

    then_g = helper.make_graph([helper.make_node("Relu", ["x"], ["a"])], "then", [],
                               [vi("a", [2])])
    else_g = helper.make_graph([helper.make_node("Neg", ["x"], ["b"])], "else", [],
                               [vi("b", [2])])
    seeds["if"] = model_of(
        [helper.make_node("If", ["c"], ["y"], name="if", then_branch=then_g,
                          else_branch=else_g)],
        [vi("c", [], TensorProto.BOOL), vi("x", [2])], [vi("y", [2])])

    k = numpy_helper.from_array(np.ones((2, 8, 4), np.float32), "k")
    seeds["attn"] = model_of(
        [helper.make_node("MatMul", ["q", "k"], ["s"], name="matmul"),
         helper.make_node("Softmax", ["s"], ["p"], name="softmax", axis=-1),
         helper.make_node("ReduceSum", ["p", "axes"], ["y"], name="sum", keepdims=1)],
        [vi("q", [2, 4, 8])], [vi("y", [2, 4, 1])],
        [k, numpy_helper.from_array(np.array([2], np.int64), "axes")], version=13)
    for m in seeds.values():
        onnx.checker.check_model(m)
    return seeds


# ---------------------------------------------------------------------------
# Byte-level damage.
# ---------------------------------------------------------------------------

def cut_points(n, count):
    if n <= count:
        return list(range(1, n))
    step = n / count
    return sorted({max(1, min(n - 1, int(i * step))) for i in range(1, count + 1)})


def truncations(name, data, count):
    for cut in cut_points(len(data), count):
        write("trunc-%s-%06d.onnx" % (name, cut), data[:cut])


def flips(name, data, count, seed):
    for i in range(count):
        rng = random.Random(seed * 1000 + i)
        b = bytearray(data)
        for _ in range(rng.choice((1, 1, 2, 3, 8))):
            pos = rng.randrange(len(b))
            b[pos] = rng.choice((0, 0xFF, 0x7F, 0x80, rng.randrange(256)))
        write("flip-%s-%03d.onnx" % (name, i), bytes(b))


# ---------------------------------------------------------------------------
# Wire-level damage: a minimal protobuf encoder.
# ---------------------------------------------------------------------------

def varint(v):
    v &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def key(field, wire):
    return varint((field << 3) | wire)


def ld(field, payload):
    return key(field, 2) + varint(len(payload)) + payload


def vint(field, v):
    return key(field, 0) + varint(v)


def wire_cases(seeds):
    good = seeds["add"].SerializeToString()
    graph = seeds["add"].graph.SerializeToString()
    opset17 = ld(8, vint(2, 17))
    ir8 = vint(1, 8)
    cases = {
        # ModelProto.graph (7) as a varint, as fixed64, as a group.
        "graph-as-varint": ir8 + opset17 + vint(7, 12345),
        "graph-as-fixed64": ir8 + opset17 + key(7, 1) + b"\0" * 8,
        "graph-as-group": ir8 + opset17 + key(7, 3) + graph + key(7, 4),
        # ir_version (1) as a string; opset version as a string.
        "irversion-as-string": ld(1, b"eight") + opset17 + ld(7, graph),
        "opset-version-as-string": ir8 + ld(8, ld(2, b"17")) + ld(7, graph),
        # A length that runs past the end, a huge length, a negative one.
        "length-past-end": ir8 + opset17 + key(7, 2) + varint(len(graph) + 100) + graph,
        "length-huge": ir8 + opset17 + key(7, 2) + varint(1 << 62) + graph,
        "length-negative": ir8 + opset17 + key(7, 2) + varint(-5) + graph,
        # An unterminated varint, an 11-byte varint.
        "varint-unterminated": ir8 + opset17 + ld(7, graph) + key(1, 0) + b"\xff" * 5,
        "varint-too-long": key(1, 0) + b"\xff" * 10 + b"\x01" + opset17 + ld(7, graph),
        # Field number 0, wire types 6 and 7.
        "field-zero": b"\x00\x01" + good,
        "wire-type-6": key(3, 6) + good,
        "wire-type-7": key(3, 7) + good,
        # Unknown fields everywhere are legal protobuf (and ignored).
        "unknown-fields": good + vint(999, 1) + ld(1000, b"x" * 10),
        # NodeProto.op_type (4) as a varint inside a well-formed graph.
        "optype-as-varint": ir8 + opset17 + ld(7, ld(1, ld(1, b"x") + ld(1, b"w")
                                                  + ld(2, b"y") + vint(4, 7))
                                           + ld(2, b"g")),
        # TensorProto.dims (1) as fixed64 / packed with a bad length.
        "dims-as-fixed64": ir8 + opset17 + ld(7, ld(2, b"g") + ld(5, key(1, 1) + b"\x10" + b"\0" * 7
                                                         + vint(2, 1) + ld(8, b"w"))),
        "dims-packed-bad": ir8 + opset17 + ld(7, ld(2, b"g") + ld(5, key(1, 2) + varint(9) + b"\x01\x02"
                                                          + vint(2, 1) + ld(8, b"w"))),
        # The same message twice (protobuf merges them).
        "merged-twice": good + good,
        # A TensorProto, a GraphProto and a NodeProto where a model should be.
        "graph-not-model": graph,
        "empty-message-fields": ir8 + ld(7, b"") + ld(8, b""),
    }
    # Nested sub-messages far past protobuf's recursion limit.
    deep = b""
    for _ in range(2000):
        deep = ld(1, ld(5, ld(6, deep)))  # graph.node[].attribute[].g
    cases["deep-wire-nesting"] = ir8 + opset17 + ld(7, deep)
    for name, data in cases.items():
        write("wire-%s.onnx" % name, data)


# ---------------------------------------------------------------------------
# Structurally wrong models.
# ---------------------------------------------------------------------------

def raw_tensor(name, dtype, dims, raw):
    t = TensorProto(name=name, data_type=dtype, dims=dims)
    t.raw_data = raw
    return t


def float_tensor(name, dims, values):
    t = TensorProto(name=name, data_type=F, dims=dims)
    t.float_data.extend(values)
    return t


def add_with(init, shape=(16,), version=17, ir=8):
    return model_of([helper.make_node("Add", ["x", init.name], ["y"], name="add")],
                    [vi("x", list(shape))], [vi("y", list(shape))], [init],
                    version=version, ir=ir)


def one_node(op, inputs, outputs, attrs=None, inits=(), version=17, name="n"):
    """One `op` node; inputs/outputs are (name, shape, dtype); inputs that are
    initializers are not graph inputs."""
    init_names = {t.name for t in inits}
    node = helper.make_node(op, [n for n, _, _ in inputs], [n for n, _, _ in outputs],
                            name=name, **(attrs or {}))
    ins = [vi(n, s, d) for n, s, d in inputs if n not in init_names]
    outs = [vi(n, s, d) for n, s, d in outputs]
    return model_of([node], ins, outs, inits, version=version)


def nested_if(depth):
    """If nodes nested `depth` deep, each branch one level further in."""
    inner = helper.make_graph([helper.make_node("Relu", ["x"], ["o%d" % depth])],
                              "b%d" % depth, [], [vi("o%d" % depth, [2])])
    for d in range(depth - 1, -1, -1):
        other = helper.make_graph([helper.make_node("Neg", ["x"], ["e%d" % d])],
                                  "e%d" % d, [], [vi("e%d" % d, [2])])
        node = helper.make_node("If", ["c"], ["o%d" % d], then_branch=inner,
                                else_branch=other)
        inner = helper.make_graph([node], "b%d" % d, [], [vi("o%d" % d, [2])])
    top = helper.make_node("Identity", ["o0"], ["y"])
    return model_of(list(inner.node) + [top], [vi("c", [], TensorProto.BOOL), vi("x", [2])],
                    [vi("y", [2])])


def nested_loop(depth):
    """Loop nodes nested `depth` deep, one trip each, carrying x; the
    innermost body negates it."""
    body = helper.make_graph([helper.make_node("Identity", ["c%d" % depth], ["co%d" % depth]),
                              helper.make_node("Neg", ["x%d" % depth], ["xo%d" % depth])],
                             "l%d" % depth,
                             [vi("i%d" % depth, [], I64), vi("c%d" % depth, [], TensorProto.BOOL),
                              vi("x%d" % depth, [2])],
                             [vi("co%d" % depth, [], TensorProto.BOOL), vi("xo%d" % depth, [2])])
    for d in range(depth - 1, 0, -1):
        loop = helper.make_node("Loop", ["one", "c%d" % d, "x%d" % d], ["xo%d" % d], body=body)
        body = helper.make_graph([helper.make_node("Identity", ["c%d" % d], ["co%d" % d]), loop],
                                 "l%d" % d,
                                 [vi("i%d" % d, [], I64), vi("c%d" % d, [], TensorProto.BOOL),
                                  vi("x%d" % d, [2])],
                                 [vi("co%d" % d, [], TensorProto.BOOL), vi("xo%d" % d, [2])])
    top = helper.make_node("Loop", ["one", "c", "x"], ["y"], body=body)
    return model_of([top], [vi("c", [], TensorProto.BOOL), vi("x", [2])], [vi("y", [2])],
                    [numpy_helper.from_array(np.array(1, np.int64), "one")])


def struct_cases(seeds):
    cases = {}
    N = 16

    # --- dims ----------------------------------------------------------------
    cases["init-dim-huge"] = add_with(TensorProto(name="w", data_type=F, dims=[1 << 40]))
    cases["init-dim-2e62"] = add_with(TensorProto(name="w", data_type=F, dims=[1 << 62]))
    cases["init-dims-overflow"] = add_with(
        TensorProto(name="w", data_type=F, dims=[1 << 31, 1 << 31, 1 << 31, 4]))
    cases["init-dims-overflow-raw"] = add_with(
        raw_tensor("w", F, [1 << 32, 1 << 32, 4], b"\0" * 64))
    cases["init-dims-wrap-to-16"] = add_with(
        raw_tensor("w", F, [(1 << 62) + 4, 4], b"\0" * 64))
    cases["init-dim-negative"] = add_with(raw_tensor("w", F, [-16], b"\0" * 64))
    cases["init-dims-two-negative"] = add_with(raw_tensor("w", F, [-4, -4], b"\0" * 64))
    cases["init-dim-int64-min"] = add_with(raw_tensor("w", F, [-(1 << 63)], b"\0" * 64))
    cases["init-zero-dim"] = add_with(raw_tensor("w", F, [0, 1 << 62], b""))
    cases["init-rank-100"] = add_with(raw_tensor("w", F, [1] * 100 + [16], b"\0" * 64))
    cases["input-dim-huge"] = add_with(numpy_helper.from_array(np.ones(1, np.float32), "w"),
                                       shape=(1 << 62,))
    cases["input-dims-overflow"] = add_with(numpy_helper.from_array(np.ones(1, np.float32), "w"),
                                            shape=(1 << 31, 1 << 31, 1 << 31))
    cases["input-dim-negative"] = add_with(numpy_helper.from_array(np.ones(1, np.float32), "w"),
                                           shape=(-3,))
    cases["input-rank-1000"] = add_with(numpy_helper.from_array(np.ones(1, np.float32), "w"),
                                        shape=[1] * 1000)
    m = seeds["add"].__class__()
    m.CopyFrom(seeds["add"])
    m.graph.input[0].type.tensor_type.shape.dim[0].dim_param = ""
    m.graph.input[0].type.tensor_type.shape.dim[0].ClearField("dim_param")
    cases["input-dim-empty"] = m

    # --- data size vs dims ---------------------------------------------------
    cases["raw-short"] = add_with(raw_tensor("w", F, [N], b"\0" * (4 * N - 4)))
    cases["raw-long"] = add_with(raw_tensor("w", F, [N], b"\0" * (4 * N + 4)))
    cases["raw-odd"] = add_with(raw_tensor("w", F, [N], b"\0" * (4 * N - 1)))
    cases["raw-empty"] = add_with(raw_tensor("w", F, [N], b""))
    cases["raw-and-float-data"] = add_with(
        helper.make_tensor("w", F, [N], [1.0] * N), shape=(N,))
    cases["raw-and-float-data"].graph.initializer[0].raw_data = b"\0" * 64
    cases["float-data-short"] = add_with(float_tensor("w", [N], [1.0] * 3))
    cases["float-data-long"] = add_with(float_tensor("w", [2], [1.0] * N), shape=(2,))
    t = TensorProto(name="w", data_type=F, dims=[N])
    t.int64_data.extend(range(N))
    cases["float-as-int64-data"] = add_with(t)
    t = TensorProto(name="w", data_type=F, dims=[N])
    t.string_data.extend([b"x"] * N)
    cases["float-as-string-data"] = add_with(t)
    cases["dtype-zero"] = add_with(raw_tensor("w", 0, [N], b"\0" * 64))
    cases["dtype-999"] = add_with(raw_tensor("w", 999, [N], b"\0" * 64))
    cases["dtype-negative"] = add_with(raw_tensor("w", -1, [N], b"\0" * 64))
    cases["dtype-string"] = add_with(raw_tensor("w", TensorProto.STRING, [N], b"\0" * 64))
    cases["dtype-complex"] = add_with(raw_tensor("w", TensorProto.COMPLEX64, [N], b"\0" * 128))
    cases["int64-raw-short"] = one_node(
        "Reshape", [("x", [2, 8], F), ("s", [2], I64)], [("y", [4, 4], F)],
        inits=[raw_tensor("s", I64, [2], b"\4\0\0\0\0\0\0\0\4\0\0")])
    cases["int64-huge-target-shape"] = one_node(
        "Reshape", [("x", [2, 8], F), ("s", [2], I64)], [("y", [4, 4], F)],
        inits=[numpy_helper.from_array(np.array([1 << 62, 4], np.int64), "s")])
    # External data: out of range offsets and lengths, absolute paths.
    for tag, entries in (("offset-huge", {"offset": str(1 << 62), "length": "64"}),
                         ("offset-negative", {"offset": "-64", "length": "64"}),
                         ("length-negative", {"offset": "0", "length": "-1"}),
                         ("length-huge", {"offset": "0", "length": str(1 << 62)}),
                         ("offset-not-number", {"offset": "abc"}),
                         ("abs-path", {"location": "/etc/passwd"}),
                         ("dir", {"location": "."}),
                         ("self", {"location": "struct-ext-self.onnx"}),
                         ("empty-location", {"location": ""}),
                         ("no-location", {"offset": "0"})):
        t = TensorProto(name="w", data_type=F, dims=[N])
        t.data_location = TensorProto.EXTERNAL
        if "location" not in entries and tag != "no-location":
            entries = dict(entries, location="struct-ext-%s.onnx" % tag)
        for k, v in entries.items():
            e = t.external_data.add()
            e.key, e.value = k, v
        cases["ext-" + tag] = add_with(t)

    # --- attributes of the wrong type ----------------------------------------
    def attr(name, **fields):
        a = onnx.AttributeProto(name=name)
        for k, v in fields.items():
            if k in ("ints", "floats", "strings"):
                getattr(a, k).extend(v)
            elif k in ("t", "g"):
                getattr(a, k).CopyFrom(v)
            else:
                setattr(a, k, v)
        return a

    A = onnx.AttributeProto
    wrong_attrs = {
        "perm-float": ("Transpose", attr("perm", type=A.FLOAT, f=1.5)),
        "perm-ints-huge": ("Transpose", attr("perm", type=A.INTS, ints=[1 << 40, 0])),
        "perm-ints-negative": ("Transpose", attr("perm", type=A.INTS, ints=[-1, -2])),
        "perm-type-ints-field-i": ("Transpose", attr("perm", type=A.INTS, i=3)),
        "perm-undefined": ("Transpose", attr("perm", type=A.UNDEFINED)),
        # An enum value the schema does not have (protobuf keeps it as an
        # unknown field, so the attribute has no type).
        "perm-type-999": ("Transpose", A.FromString(ld(1, b"perm") + vint(20, 999)
                                                      + vint(8, 1) + vint(8, 0))),
        "perm-graph": ("Transpose", attr("perm", type=A.GRAPH,
                                          g=seeds["add"].graph)),
        "softmax-axis-tensor": ("Softmax", attr("axis", type=A.TENSOR,
                                                t=numpy_helper.from_array(np.array(1, np.int64)))),
        "softmax-axis-huge": ("Softmax", attr("axis", type=A.INT, i=1 << 62)),
        "softmax-axis-int64-min": ("Softmax", attr("axis", type=A.INT, i=-(1 << 63))),
        "softmax-axis-string": ("Softmax", attr("axis", type=A.STRING, s=b"1")),
        "softmax-attr-no-name": ("Softmax", attr("", type=A.INT, i=1)),
        "softmax-attr-twice": ("Softmax", attr("axis", type=A.INT, i=1)),
        "softmax-unknown-attr": ("Softmax", attr("frobnicate", type=A.INT, i=1)),
        "cast-to-999": ("Cast", attr("to", type=A.INT, i=999)),
        "cast-to-negative": ("Cast", attr("to", type=A.INT, i=-1)),
        "cast-to-string": ("Cast", attr("to", type=A.INT, i=TensorProto.STRING)),
        "relu-ref-attr": ("Relu", attr("alpha", type=A.FLOAT, ref_attr_name="a")),
        "leakyrelu-alpha-nan": ("LeakyRelu", attr("alpha", type=A.FLOAT, f=float("nan"))),
        "leakyrelu-alpha-inf": ("LeakyRelu", attr("alpha", type=A.FLOAT, f=float("inf"))),
        "flatten-axis-huge": ("Flatten", attr("axis", type=A.INT, i=1 << 40)),
        "concat-axis-huge": ("Concat", attr("axis", type=A.INT, i=-(1 << 40))),
        "gather-axis-huge": ("Gather", attr("axis", type=A.INT, i=1 << 40)),
        "split-axis-huge": ("Split", attr("axis", type=A.INT, i=77)),
        "transpose-perm-long": ("Transpose", attr("perm", type=A.INTS, ints=list(range(70)))),
        "depthtospace-block-zero": ("DepthToSpace", attr("blocksize", type=A.INT, i=0)),
        "depthtospace-block-huge": ("DepthToSpace", attr("blocksize", type=A.INT, i=1 << 40)),
    }
    for tag, (op, a) in wrong_attrs.items():
        ins = [("x", [2, 4, 2, 2], F)]
        if op == "Gather":
            ins.append(("i", [1], I64))
        if op == "Concat":
            ins.append(("z", [2, 4, 2, 2], F))
        outs = [("y", [2, 4, 2, 2], F)]
        if op == "Split":
            outs.append(("y2", [2, 4, 2, 2], F))
        m = one_node(op, ins, outs)
        m.graph.ClearField("output")
        # Outputs of the right rank but unknown dims (the checker wants a
        # rank), so the models reach shape inference and the importer.
        rank = 2 if op == "Flatten" else 4
        m.graph.output.extend([vi(o[0], sym(rank)) for o in outs])
        m.graph.node[0].attribute.append(a)
        if tag == "softmax-attr-twice":
            m.graph.node[0].attribute.append(attr("axis", type=A.INT, i=0))
        if op == "Cast":
            m.graph.output[0].type.tensor_type.elem_type = 0
        cases["attr-" + tag] = m

    # Node attributes whose values make huge or degenerate shapes.
    big = [
        ("expand-huge", "Expand", [("x", [1], F)], [("s", np.array([1 << 40, 1 << 20], np.int64))], {}),
        ("tile-huge", "Tile", [("x", [2, 2], F)], [("r", np.array([1 << 40, 1 << 40], np.int64))], {}),
        ("tile-negative", "Tile", [("x", [2, 2], F)], [("r", np.array([-1, 2], np.int64))], {}),
        ("constantofshape-huge", "ConstantOfShape", [], [("s", np.array([1 << 62], np.int64))], {}),
        ("constantofshape-overflow", "ConstantOfShape", [],
         [("s", np.array([1 << 31, 1 << 31, 1 << 31], np.int64))], {}),
        ("constantofshape-negative", "ConstantOfShape", [], [("s", np.array([-5], np.int64))], {}),
        ("range-huge", "Range", [], [("a", np.array(0, np.int64)), ("b", np.array(1 << 62, np.int64)),
                                     ("d", np.array(1, np.int64))], {}),
        ("range-step-zero", "Range", [], [("a", np.array(0, np.int64)), ("b", np.array(10, np.int64)),
                                          ("d", np.array(0, np.int64))], {}),
        ("range-float-nan", "Range", [], [("a", np.array(0, np.float32)),
                                          ("b", np.array(float("nan"), np.float32)),
                                          ("d", np.array(1, np.float32))], {}),
        ("range-int-overflow", "Range", [], [("a", np.array(-(1 << 63), np.int64)),
                                             ("b", np.array((1 << 63) - 1, np.int64)),
                                             ("d", np.array(1 << 62, np.int64))], {}),
        ("slice-step-zero", "Slice", [("x", [8], F)], [("st", np.array([0], np.int64)),
                                                      ("en", np.array([8], np.int64)),
                                                      ("ax", np.array([0], np.int64)),
                                                      ("sp", np.array([0], np.int64))], {}),
        ("slice-int64-extremes", "Slice", [("x", [8], F)],
         [("st", np.array([-(1 << 63)], np.int64)), ("en", np.array([(1 << 63) - 1], np.int64)),
          ("ax", np.array([0], np.int64)), ("sp", np.array([-(1 << 63)], np.int64))], {}),
        ("pad-huge", "Pad", [("x", [2, 2], F)], [("p", np.array([0, 1 << 40, 0, 1 << 40], np.int64))], {}),
        ("pad-negative-past", "Pad", [("x", [2, 2], F)], [("p", np.array([0, -5, 0, 0], np.int64))], {}),
        ("reshape-two-minus1", "Reshape", [("x", [2, 8], F)], [("s", np.array([-1, -1], np.int64))], {}),
        ("reshape-zero-copy-oob", "Reshape", [("x", [2, 8], F)], [("s", np.array([0, 0, 0, 4], np.int64))], {}),
        ("unsqueeze-axis-huge", "Unsqueeze", [("x", [2], F)], [("a", np.array([1 << 40], np.int64))], {}),
        ("squeeze-axis-dup", "Squeeze", [("x", [1, 2], F)], [("a", np.array([0, 0], np.int64))], {}),
        ("reducesum-axis-huge", "ReduceSum", [("x", [2, 3], F)], [("a", np.array([-(1 << 62)], np.int64))], {}),
        ("onehot-depth-huge", "OneHot", [("i", [2], I64)], [("d", np.array(1 << 40, np.int64)),
                                                           ("v", np.array([0, 1], np.float32))], {}),
        ("resize-scale-huge", "Resize", [("x", [1, 1, 2, 2], F)],
         [("roi", np.array([], np.float32)), ("sc", np.array([1, 1, 1e18, 1e18], np.float32))], {}),
        ("resize-scale-nan", "Resize", [("x", [1, 1, 2, 2], F)],
         [("roi", np.array([], np.float32)), ("sc", np.array([1, 1, float("nan"), 2], np.float32))], {}),
        ("topk-k-huge", "TopK", [("x", [4], F)], [("k", np.array([1 << 62], np.int64))], {}),
        ("gather-index-huge", "Gather", [("x", [4], F)], [("i", np.array([1 << 62], np.int64))], {}),
        ("gather-index-int64-min", "Gather", [("x", [4], F)], [("i", np.array([-(1 << 63)], np.int64))], {}),
        ("split-sizes-overflow", "Split", [("x", [4], F)], [("s", np.array([(1 << 63) - 1, 5], np.int64))], {}),
        ("conv-stride-zero", "Conv", [("x", [1, 1, 4, 4], F), ("w", [1, 1, 2, 2], F)], [],
         {"strides": [0, 0]}),
        ("conv-dilation-huge", "Conv", [("x", [1, 1, 4, 4], F), ("w", [1, 1, 2, 2], F)], [],
         {"dilations": [1 << 40, 1]}),
        ("conv-group-zero", "Conv", [("x", [1, 2, 4, 4], F), ("w", [2, 1, 2, 2], F)], [], {"group": 0}),
        ("conv-pads-negative", "Conv", [("x", [1, 1, 4, 4], F), ("w", [1, 1, 2, 2], F)], [],
         {"pads": [-10, -10, 0, 0]}),
        ("maxpool-kernel-zero", "MaxPool", [("x", [1, 1, 4, 4], F)], [], {"kernel_shape": [0, 0]}),
        ("maxpool-kernel-huge", "MaxPool", [("x", [1, 1, 4, 4], F)], [],
         {"kernel_shape": [1 << 40, 1 << 40]}),
        ("avgpool-strides-huge", "AveragePool", [("x", [1, 1, 4, 4], F)], [],
         {"kernel_shape": [2, 2], "strides": [1 << 62, 1]}),
        ("einsum-bad-equation", "Einsum", [("x", [2, 2], F)], [], {"equation": "ij,,->>ji..."}),
        ("einsum-many-letters", "Einsum", [("x", [2, 2], F)], [],
         {"equation": "ij" + "".join(chr(c) for c in range(ord("a"), ord("z"))) + "->ji"}),
    ]
    ranks = {"expand": 2, "tile": 2, "constantofshape-overflow": 3, "constantofshape": 1,
             "range": 1, "slice": 1, "pad": 2, "reshape-zero-copy-oob": 4, "reshape": 2,
             "unsqueeze": 2, "squeeze": 1, "reducesum": 2, "onehot": 2, "resize": 4,
             "topk": 1, "gather": 1, "split": 1, "conv": 4, "maxpool": 4, "avgpool": 4,
             "einsum": 2}
    for tag, op, ins, consts, attrs in big:
        inits = [numpy_helper.from_array(v, n) for n, v in consts]
        node = helper.make_node(op, [n for n, _, _ in ins] + [n for n, _ in consts], ["y"],
                                name=op.lower(), **attrs)
        rank = next(r for prefix, r in ranks.items() if tag.startswith(prefix))
        dtype = inits[0].data_type if op == "Range" else F
        m = model_of([node], [vi(n, s, d) for n, s, d in ins], [vi("y", sym(rank), dtype)],
                     inits)
        if op == "TopK":
            m.graph.node[0].output.append("idx")
            m.graph.output.append(vi("idx", sym(1), I64))
        if op == "Split":
            m.graph.node[0].output.append("y2")
            m.graph.output.append(vi("y2", sym(1)))
        cases["big-" + tag] = m

    # Constants: Constant nodes with several values, none, or a huge one.
    c = helper.make_node("Constant", [], ["y"], name="const",
                         value=numpy_helper.from_array(np.ones(2, np.float32)), value_float=1.0)
    cases["constant-two-values"] = model_of([c], [], [vi("y", [2])])
    cases["constant-no-value"] = model_of([helper.make_node("Constant", [], ["y"], name="const")],
                                          [], [vi("y", [2])])
    c = helper.make_node("Constant", [], ["y"], name="const",
                         value=raw_tensor("v", F, [1 << 40], b"\0" * 16))
    cases["constant-huge-dims"] = model_of([c], [], [vi("y", [1 << 40])])
    c = helper.make_node("Constant", [], ["y"], name="const", value_ints=[])
    cases["constant-empty-ints"] = model_of([c], [], [vi("y", [0], I64)])
    c = helper.make_node("Constant", [], ["y"], name="const", sparse_value=helper.make_sparse_tensor(
        helper.make_tensor("v", F, [1], [1.0]), helper.make_tensor("i", I64, [1], [99]), [4]))
    cases["constant-sparse-bad-index"] = model_of([c], [], [vi("y", [4])])

    # --- missing required fields --------------------------------------------
    def variant(seed, fn):
        m = onnx.ModelProto()
        m.CopyFrom(seeds[seed])
        fn(m)
        return m

    missing = {
        "node-no-optype": ("add", lambda m: m.graph.node[0].ClearField("op_type")),
        "node-no-outputs": ("add", lambda m: m.graph.node[0].ClearField("output")),
        "node-no-inputs": ("add", lambda m: m.graph.node[0].ClearField("input")),
        "node-empty-input-name": ("add", lambda m: m.graph.node[0].input.__setitem__(0, "")),
        "node-extra-inputs": ("add", lambda m: m.graph.node[0].input.extend(["x"] * 50)),
        "node-extra-outputs": ("add", lambda m: m.graph.node[0].output.extend(["z1", "z2"])),
        "init-no-name": ("add", lambda m: m.graph.initializer[0].ClearField("name")),
        "init-no-dtype": ("add", lambda m: m.graph.initializer[0].ClearField("data_type")),
        "init-no-dims": ("add", lambda m: m.graph.initializer[0].ClearField("dims")),
        "init-twice": ("add", lambda m: m.graph.initializer.append(m.graph.initializer[0])),
        "init-also-input": ("add", lambda m: m.graph.input.append(vi("w", [16]))),
        "init-also-input-wrong-shape": ("add", lambda m: m.graph.input.append(vi("w", [3, 3]))),
        "input-no-type": ("add", lambda m: m.graph.input[0].ClearField("type")),
        "input-no-elem-type": ("add", lambda m: m.graph.input[0].type.tensor_type.ClearField("elem_type")),
        "input-no-name": ("add", lambda m: m.graph.input[0].ClearField("name")),
        "input-twice": ("add", lambda m: m.graph.input.append(m.graph.input[0])),
        "output-no-name": ("add", lambda m: m.graph.output[0].ClearField("name")),
        "output-no-type": ("add", lambda m: m.graph.output[0].ClearField("type")),
        "output-is-input": ("add", lambda m: m.graph.output[0].__setattr__("name", "x")),
        "output-is-initializer": ("add", lambda m: m.graph.output[0].__setattr__("name", "w")),
        "output-missing": ("add", lambda m: m.graph.output[0].__setattr__("name", "nowhere")),
        "no-outputs": ("add", lambda m: m.graph.ClearField("output")),
        "no-nodes": ("add", lambda m: m.graph.ClearField("node")),
        "graph-no-name": ("add", lambda m: m.graph.ClearField("name")),
        "no-opset-import": ("add", lambda m: m.ClearField("opset_import")),
        "no-ir-version": ("add", lambda m: m.ClearField("ir_version")),
        "if-no-branches": ("if", lambda m: m.graph.node[0].ClearField("attribute")),
        "if-branch-no-outputs": ("if", lambda m: m.graph.node[0].attribute[0].g.ClearField("output")),
        "if-branch-three-outputs": ("if", lambda m: m.graph.node[0].attribute[0].g.output.extend(
            [vi("a", [2]), vi("a", [2])])),
        "if-branch-uses-later": ("if", lambda m: m.graph.node[0].attribute[0].g.node[0].input.__setitem__(0, "y")),
        "conv-no-weight": ("conv", lambda m: m.graph.node[0].input.__delitem__(1)),
        "conv-weight-scalar": ("conv", lambda m: m.graph.initializer[0].ClearField("dims")),
        "shape-gather-oob": ("shape", lambda m: m.graph.initializer[0].CopyFrom(
            numpy_helper.from_array(np.array([7], np.int64), "idx"))),
        "shape-minus1-zero": ("shape", lambda m: m.graph.initializer[1].CopyFrom(
            numpy_helper.from_array(np.array([0], np.int64), "minus1"))),
    }
    for tag, (seed, fn) in missing.items():
        cases["missing-" + tag] = variant(seed, fn)

    # --- graph structure ---------------------------------------------------
    relu = lambda i, o, n: helper.make_node("Relu", [i], [o], name=n)
    cases["graph-cycle"] = model_of([relu("b", "a", "r1"), relu("a", "b", "r2")],
                                    [vi("x", [2])], [vi("b", [2])])
    cases["graph-self-loop"] = model_of([relu("a", "a", "r")], [vi("x", [2])], [vi("a", [2])])
    cases["graph-out-of-order"] = model_of([relu("a", "y", "r2"), relu("x", "a", "r1")],
                                           [vi("x", [2])], [vi("y", [2])])
    cases["graph-output-redefines-input"] = model_of([relu("x", "x", "r")], [vi("x", [2])],
                                                     [vi("x", [2])])
    chain = [relu("x" if i == 0 else "t%d" % (i - 1), "t%d" % i, "r%d" % i) for i in range(3000)]
    cases["graph-long-chain"] = model_of(chain, [vi("x", [2])], [vi("t2999", [2])])
    wide = [helper.make_node("Add", ["x", "x"], ["s%d" % i], name="a%d" % i) for i in range(500)]
    cases["graph-many-outputs"] = model_of(wide, [vi("x", [2])], [vi("s%d" % i, [2]) for i in range(500)])
    cases["names-control-chars"] = model_of(
        [helper.make_node("Bernoulli", ["x"], ["y"], name="bad\nname\r\x1b[31m")],
        [vi("x", [2, 2])], [vi("y", [2, 2])])
    cases["names-newline-input"] = model_of(
        [helper.make_node("Relu", ["in\nput"], ["y"], name="r")], [vi("x", [2])], [vi("y", [2])])
    cases["names-long"] = model_of(
        [helper.make_node("FooBar", ["x"], ["y"], name="n" * 100000)], [vi("x", [2])], [vi("y", [2])])
    cases["names-invalid-utf8"] = model_of(
        [helper.make_node("Bernoulli", ["x"], ["y"], name="r")], [vi("x", [2])], [vi("y", [2])])
    # protobuf's Python API refuses invalid UTF-8 in strings: patch the bytes.
    cases["names-invalid-utf8"] = cases["names-invalid-utf8"].SerializeToString().replace(
        b"\x12\x01r", b"\x12\x01\xff")
    cases["unknown-op"] = model_of([helper.make_node("NoSuchOp", ["x"], ["y"], name="n")],
                                   [vi("x", [2])], [vi("y", [2])])
    cases["unknown-domain"] = model_of([helper.make_node("Relu", ["x"], ["y"], name="n",
                                                         domain="com.example")],
                                       [vi("x", [2])], [vi("y", [2])])
    cases["function-call"] = model_of([helper.make_node("MyFn", ["x"], ["y"], name="n",
                                                        domain="local")],
                                      [vi("x", [2])], [vi("y", [2])])
    cases["function-call"].opset_import.append(opset(1, "local"))
    fn = helper.make_function("local", "MyFn", ["a"], ["b"],
                              [helper.make_node("MyFn", ["a"], ["b"], domain="local")],
                              [opset(17), opset(1, "local")])
    cases["function-call"].functions.append(fn)  # recursive function
    cases["sparse-initializer"] = add_with(numpy_helper.from_array(np.ones(16, np.float32), "w"))
    cases["sparse-initializer"].graph.sparse_initializer.append(helper.make_sparse_tensor(
        helper.make_tensor("s", F, [1], [1.0]), helper.make_tensor("si", I64, [1], [1 << 40]),
        [16]))
    seq = helper.make_tensor_sequence_value_info("x", F, [2])
    cases["sequence-output"] = model_of([helper.make_node("SequenceEmpty", [], ["y"], name="n")],
                                        [], [seq])
    cases["sequence-output"].graph.output[0].name = "y"
    cases["optional-input"] = model_of([relu("x", "y", "r")], [vi("x", [2])], [vi("y", [2])])
    cases["optional-input"].graph.input[0].type.CopyFrom(
        helper.make_optional_type_proto(helper.make_tensor_type_proto(F, [2])))

    # --- deeply nested subgraphs --------------------------------------------
    # Exported models nest a few levels; 256 is xfc's documented bound
    # (OnnxBridge.h), 257 is one past it.
    for depth in (8, 64, 160, 200, 256, 257):
        cases["nested-if-%d" % depth] = nested_if(depth)
    for depth in (200, 257):
        cases["nested-loop-%d" % depth] = nested_loop(depth)
    m = nested_if(160)
    m.graph.input.remove(m.graph.input[0])
    m.graph.initializer.append(numpy_helper.from_array(np.array(True), "c"))
    cases["nested-if-const-160"] = m

    # --- opset and ir_version -----------------------------------------------
    def with_opsets(entries, ir=8):
        m = onnx.ModelProto()
        m.CopyFrom(seeds["add"])
        m.ClearField("opset_import")
        for domain, version in entries:
            m.opset_import.append(opset(version, domain))
        m.ir_version = ir
        return m

    opsets = {
        "0": [("", 0)], "negative": [("", -1)], "1": [("", 1)], "6": [("", 6)],
        "10000": [("", 10000)], "int32-max": [("", (1 << 31) - 1)],
        "int32-wrap": [("", 1 << 32 | 13)], "2e62": [("", 1 << 62)],
        "int64-min": [("", -(1 << 63))], "duplicate": [("", 13), ("", 17)],
        "onnx-and-empty": [("", 17), ("ai.onnx", 11)], "only-custom": [("com.example", 1)],
        "custom-huge": [("", 17), ("com.example", 1 << 62)], "ml-huge": [("", 17), ("ai.onnx.ml", 1 << 40)],
    }
    for tag, entries in opsets.items():
        cases["opset-" + tag] = with_opsets(entries)
    for tag, ir in (("0", 0), ("negative", -1), ("huge", 1 << 62), ("1", 1), ("2", 2), ("99", 99)):
        cases["irversion-" + tag] = with_opsets([("", 17)], ir=ir)
    cases["opset-old-ir-with-opset"] = with_opsets([("", 17)], ir=2)
    cases["opset-old-ir-no-opset"] = with_opsets([], ir=2)
    cases["opset-upgrade-path"] = variant("conv", lambda m: [
        m.opset_import[0].__setattr__("version", 7)])
    cases["opset-old-unknown-attr"] = variant("attn", lambda m: [
        m.opset_import[0].__setattr__("version", 9)])

    for name, m in cases.items():
        if isinstance(m, bytes):
            write("struct-%s.onnx" % name, m)
        else:
            save(m, "struct-" + name)


TEXT_CASES = {
    "unterminated-header": "<ir_version: 8, opset_import: [\"\" : 17]",
    "opset-huge": "<ir_version: 8, opset_import: [\"\" : 99999999999999999999]>\n"
                  "g (float[2] x) => (float[2] y) { y = Relu(x) }",
    "dim-huge": "<ir_version: 8, opset_import: [\"\" : 17]>\n"
                "g (float[99999999999999999999] x) => (float[2] y) { y = Relu(x) }",
    "dim-int64-max": "<ir_version: 8, opset_import: [\"\" : 17]>\n"
                     "g (float[9223372036854775807, 9223372036854775807] x) => (float[2] y) { y = Relu(x) }",
    "init-too-many-values": "<ir_version: 8, opset_import: [\"\" : 17]>\n"
                            "g (float[2] x) => (float[2] y) <float[2] w = {1, 2, 3, 4, 5}> { y = Add(x, w) }",
    "init-huge-dims": "<ir_version: 8, opset_import: [\"\" : 17]>\n"
                      "g (float[2] x) => (float[2] y) <float[1099511627776] w = {1}> { y = Add(x, w) }",
    "attr-bad-value": "<ir_version: 8, opset_import: [\"\" : 17]>\n"
                      "g (float[2,3] x) => (float[3,2] y) { y = Transpose<perm = \"abc\">(x) }",
    "attr-unterminated-string": "<ir_version: 8, opset_import: [\"\" : 17]>\n"
                                "g (float[2] x) => (float[2] y) { y = Relu<a = \"abc>(x) }",
    "nul-bytes": "<ir_version: 8, opset_import: [\"\" : 17]>\n"
                 "g (float[2] x) => (float[2] y) { y = Re\0lu(x) }",
    "unicode": "<ir_version: 8, opset_import: [\"\" : 17]>\n"
               "g (float[2] x\u00e9) => (float[2] y) { y = Relu(x\u00e9) }",
    "only-header": "<ir_version: 8, opset_import: [\"\" : 17]>",
    "bare-angle": "<",
    "deep-brackets": "<ir_version: 8, opset_import: [\"\" : 17]>\n"
                     "g (float[2] x) => (float[2] y) { y = Relu<a = " + "[" * 5000 + ">(x) }",
    "deep-parens-type": "<ir_version: 8, opset_import: [\"\" : 17]>\n"
                        "g (" + "seq(" * 2000 + "float[2]" + ")" * 2000 + " x) => (float[2] y) { y = Relu(x) }",
}


def nested_text_if(depth, constant=False):
    body = "a%d = Relu(x)" % depth
    for d in range(depth - 1, -1, -1):
        body = ("a%d = If(c) <then_branch = t%d () => (float[2] a%d) { %s }, "
                "else_branch = e%d () => (float[2] b%d) { b%d = Neg(x) }>"
                % (d, d, d + 1, body, d, d, d))
    if constant:  # the importer inlines the branch taken, level by level
        return ("<ir_version: 8, opset_import: [\"\" : 17]>\n"
                "g (float[2] x) => (float[2] a0) <bool c = {1}> { %s }\n" % body)
    return ("<ir_version: 8, opset_import: [\"\" : 17]>\n"
            "g (bool c, float[2] x) => (float[2] a0) { %s }\n" % body)


def main():
    global OUT
    OUT = sys.argv[1]
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    seeds = seed_models()
    for i, (name, m) in enumerate(sorted(seeds.items())):
        data = m.SerializeToString()
        save(m, "seed-" + name)
        truncations(name, data, 24)
        flips(name, data, 16, i + 1)
    example = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..",
                           "examples", "bert_tiny", "model.onnx")
    if os.path.isfile(example):
        with open(example, "rb") as f:
            data = f.read()
        truncations("bert_tiny", data, 12)
    wire_cases(seeds)
    struct_cases(seeds)
    for name, text in TEXT_CASES.items():
        write("text-%s.onnxtxt" % name, text)
    write("text-nested-if-64.onnxtxt", nested_text_if(64))
    write("text-nested-if-400.onnxtxt", nested_text_if(400))
    write("text-nested-if-const-500.onnxtxt", nested_text_if(500, constant=True))
    write("text-nested-if-10000.onnxtxt", nested_text_if(10000))
    print("make_corpus: %d files in %s" % (len(os.listdir(OUT)), OUT))


if __name__ == "__main__":
    main()

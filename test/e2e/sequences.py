#!/usr/bin/python3
"""Sequence and Optional ops, compiled once and run at several sizes.

The backend node tests check these ops at one size each; here each model
has dynamic dimensions and run-time positions, so one compiled model must
be right at every size and position, grow a sequence in a loop, and reject
a wrong position, split or empty optional with the node's name (at -O3 and
-O0).

  sequences.py BIN_DIR WORK_DIR
"""
import sys

import numpy as np
from onnx import TensorProto, helper

from e2e_cases import run_at_sizes

F, I64, B = TensorProto.FLOAT, TensorProto.INT64, TensorProto.BOOL


def model(nodes, inputs, outputs, opset=17):
    graph = helper.make_graph(
        nodes, "g",
        [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs],
        [helper.make_tensor_value_info(n, t, s) for n, t, s in outputs])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def i64(v):
    return np.array(v, dtype=np.int64)


def floats(*shape):
    return np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape) + 1


# [x, y, x] with element pe erased, then element pa read, and the length.
erase_at = model(
    [helper.make_node("SequenceConstruct", ["x", "y", "x"], ["s"], name="construct"),
     helper.make_node("SequenceErase", ["s", "pe"], ["t"], name="erase"),
     helper.make_node("SequenceAt", ["t", "pa"], ["e"], name="at"),
     helper.make_node("SequenceLength", ["t"], ["n"], name="len")],
    [("x", F, ["N", 3]), ("y", F, ["N", 3]), ("pe", I64, []), ("pa", I64, [])],
    [("e", F, ["N", 3]), ("n", I64, [])])


def erase_at_run(n, pe, pa):
    x, y = floats(n, 3), -floats(n, 3)
    seq = [x, y, x]
    del seq[pe]
    return [x, y, i64(pe), i64(pa)], [seq[pa], i64(len(seq))]


# Elements of different sizes: x, y and z inserted at run-time positions.
insert_concat = model(
    [helper.make_node("SequenceEmpty", [], ["s0"], dtype=F),
     helper.make_node("SequenceInsert", ["s0", "x"], ["s1"]),
     helper.make_node("SequenceInsert", ["s1", "y", "p"], ["s2"], name="insert"),
     helper.make_node("SequenceInsert", ["s2", "z", "q"], ["s3"]),
     helper.make_node("ConcatFromSequence", ["s3"], ["c"], axis=0, name="concat")],
    [("x", F, ["A", 2]), ("y", F, ["B", 2]), ("z", F, ["C", 2]),
     ("p", I64, []), ("q", I64, [])],
    [("c", F, ["D", 2])])


def insert_concat_run(a, b, c, p, q):
    x, y, z = floats(a, 2), -floats(b, 2), 100 + floats(c, 2)
    seq = [x]
    seq.insert(p if p >= 0 else p + len(seq), y)
    seq.insert(q if q >= 0 else q + len(seq), z)
    return [x, y, z, i64(p), i64(q)], [np.concatenate(seq, axis=0)]


# SplitToSequence with run-time sizes along axis 1, stacked on a new axis 0
# after a per-piece sum; and the pieces concatenated back along axis 1.
split_concat = model(
    [helper.make_node("SplitToSequence", ["x", "sizes"], ["s"], axis=1, name="split"),
     helper.make_node("ConcatFromSequence", ["s"], ["y"], axis=1, name="concat"),
     helper.make_node("SequenceLength", ["s"], ["n"])],
    [("x", F, ["R", "C"]), ("sizes", I64, ["K"])],
    [("y", F, ["R", "C"]), ("n", I64, [])])


def split_concat_run(r, sizes):
    x = floats(r, sum(sizes))
    return [x, i64(sizes)], [x, i64(len(sizes))]


# A Loop that appends row i of x, as a 1-D tensor of i + 1 values, in every
# iteration: the loop-carried sequence grows.
body = helper.make_graph(
    [helper.make_node("Identity", ["cond_in"], ["cond_out"]),
     helper.make_node("Constant", [], ["one"], value=helper.make_tensor("", I64, [1], [1])),
     helper.make_node("Constant", [], ["zero"], value=helper.make_tensor("", I64, [1], [0])),
     helper.make_node("Unsqueeze", ["i", "zero"], ["i1"]),
     helper.make_node("Add", ["i1", "one"], ["end"]),
     helper.make_node("Slice", ["x", "zero", "end"], ["piece"]),
     helper.make_node("SequenceInsert", ["seq_in", "piece"], ["seq_out"])],
    "body",
    [helper.make_tensor_value_info("i", I64, []),
     helper.make_tensor_value_info("cond_in", B, []),
     helper.make_tensor_sequence_value_info("seq_in", F, None)],
    [helper.make_tensor_value_info("cond_out", B, []),
     helper.make_tensor_sequence_value_info("seq_out", F, None)])
loop_grows = model(
    [helper.make_node("SequenceEmpty", [], ["empty"], dtype=F),
     helper.make_node("Loop", ["m", "", "empty"], ["seq"], body=body),
     helper.make_node("ConcatFromSequence", ["seq"], ["y"], axis=0)],
    [("x", F, ["N"]), ("m", I64, [])],
    [("y", F, ["T"])])


def loop_grows_run(n, m):
    x = floats(n)
    return [x, i64(m)], [np.concatenate([x[:i + 1] for i in range(m)] or [np.zeros(0, np.float32)])]


# An optional that a run-time condition fills or leaves empty.
then_branch = helper.make_graph(
    [helper.make_node("Optional", ["x"], ["o"])], "then", [],
    [helper.make_value_info("o", helper.make_optional_type_proto(
        helper.make_tensor_type_proto(F, ["N"])))])
else_branch = helper.make_graph(
    [helper.make_node("Optional", [], ["o"],
                      type=helper.make_tensor_type_proto(F, ["N"]))], "else", [],
    [helper.make_value_info("o", helper.make_optional_type_proto(
        helper.make_tensor_type_proto(F, ["N"])))])
optional = model(
    [helper.make_node("If", ["c"], ["o"], then_branch=then_branch,
                      else_branch=else_branch),
     helper.make_node("OptionalHasElement", ["o"], ["has"]),
     helper.make_node("OptionalGetElement", ["o"], ["v"], name="get")],
    [("x", F, ["N"]), ("c", B, [])],
    [("has", B, []), ("v", F, ["N"])], opset=16)

CASES = [
    ("erase_at", erase_at, [
        erase_at_run(1, 0, 0),
        erase_at_run(4, 1, -1),
        erase_at_run(2, -3, 1),
        ([floats(2, 3), floats(2, 3), i64(3), i64(0)],
         "node 'erase' (SequenceErase): the position must be in [-n, n-1]"),
        ([floats(2, 3), floats(2, 3), i64(0), i64(-3)],
         "node 'at' (SequenceAt): the position must be in [-n, n-1]"),
    ]),
    ("insert_concat", insert_concat, [
        insert_concat_run(1, 2, 3, 0, 2),
        insert_concat_run(3, 1, 2, 1, -1),
        insert_concat_run(2, 0, 1, -1, 0),
        ([floats(1, 2), floats(1, 2), floats(1, 2), i64(2), i64(0)],
         "node 'insert' (SequenceInsert): the position must be in [-n, n]"),
    ]),
    ("split_concat", split_concat, [
        split_concat_run(1, [1]),
        split_concat_run(3, [2, 0, 3]),
        split_concat_run(2, [1, 1, 1, 1]),
        ([floats(2, 4), i64([1, 2])],
         "node 'split' (SplitToSequence): the split sizes must add up to the length of the axis"),
        # A 1-D split of one element is a list of one size, not a chunk size.
        ([floats(2, 4), i64([2])],
         "node 'split' (SplitToSequence): the split sizes must add up to the length of the axis"),
    ]),
    ("loop_grows", loop_grows, [
        loop_grows_run(4, 3),
        loop_grows_run(6, 6),
        loop_grows_run(1, 1),
    ]),
    ("optional", optional, [
        ([floats(3), np.array(True)], [np.array(True), floats(3)]),
        ([floats(1), np.array(True)], [np.array(True), floats(1)]),
        ([floats(2), np.array(False)],
         "node 'get' (OptionalGetElement): the optional input has no value"),
    ]),
]

if __name__ == "__main__":
    sys.exit(run_at_sizes(sys.argv[1], sys.argv[2], CASES))

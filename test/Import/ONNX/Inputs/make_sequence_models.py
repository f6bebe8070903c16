#!/usr/bin/env python3
"""Writes the ONNX models of sequence.test (the ONNX text format of onnx
1.12 has no sequence or optional types) into the directory argv[1]."""
import os
import sys

import onnx
from onnx import TensorProto, helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def save(nodes, inputs, outputs, name, opset=17):
    model = helper.make_model(helper.make_graph(nodes, "g", inputs, outputs),
                              opset_imports=[helper.make_opsetid("", opset)])
    onnx.save(model, os.path.join(out, name))


def seq(name, elem_type, shape):
    return helper.make_tensor_sequence_value_info(name, elem_type, shape)


def tensor(name, elem_type, shape):
    return helper.make_tensor_value_info(name, elem_type, shape)


# A sequence graph input and output, erased at a run-time position, read
# at another, and counted.
save([helper.make_node("SequenceErase", ["s", "p"], ["t"], name="erase"),
      helper.make_node("SequenceAt", ["s", "p"], ["e"], name="at"),
      helper.make_node("SequenceLength", ["t"], ["n"], name="len")],
     [seq("s", TensorProto.FLOAT, ["N"]), tensor("p", TensorProto.INT64, [])],
     [seq("t", TensorProto.FLOAT, ["N"]), tensor("e", TensorProto.FLOAT, ["N"]),
      tensor("n", TensorProto.INT64, [])],
     "erase_at.onnx")

# An optional sequence input, tested and unwrapped.
opt = helper.make_value_info(
    "o", helper.make_optional_type_proto(
        helper.make_sequence_type_proto(
            helper.make_tensor_type_proto(TensorProto.INT32, [4]))))
save([helper.make_node("OptionalHasElement", ["o"], ["has"], name="has"),
      helper.make_node("OptionalGetElement", ["o"], ["v"], name="get")],
     [opt],
     [tensor("has", TensorProto.BOOL, []), seq("v", TensorProto.INT32, [4])],
     "optional.onnx", opset=15)

# SplitToSequence then ConcatFromSequence on a new axis.
save([helper.make_node("SplitToSequence", ["x"], ["s"], axis=1, keepdims=0,
                       name="split"),
      helper.make_node("ConcatFromSequence", ["s"], ["y"], axis=0, new_axis=1,
                       name="concat")],
     [tensor("x", TensorProto.FLOAT, [2, 3])],
     [tensor("y", TensorProto.FLOAT, [3, 2])],
     "split_concat.onnx")

# SequenceAt of a sequence whose element rank nothing gives.
save([helper.make_node("SequenceAt", ["s", "p"], ["e"], name="at_unknown"),
      helper.make_node("Size", ["e"], ["n"])],
     [helper.make_tensor_sequence_value_info("s", TensorProto.FLOAT, None),
      tensor("p", TensorProto.INT64, [])],
     [tensor("n", TensorProto.INT64, [])],
     "at_unknown_rank.onnx")

# SequenceConstruct of tensors of different ranks.
save([helper.make_node("SequenceConstruct", ["a", "b"], ["s"], name="construct"),
      helper.make_node("SequenceLength", ["s"], ["n"])],
     [tensor("a", TensorProto.FLOAT, [2]), tensor("b", TensorProto.FLOAT, [2, 2])],
     [tensor("n", TensorProto.INT64, [])],
     "construct_ranks.onnx")

# A uint8 sequence passed through: its data keeps the ONNX type uint8 at
# the boundary (xf has signless i8).
save([helper.make_node("Identity", ["s"], ["t"])],
     [seq("s", TensorProto.UINT8, [3])], [seq("t", TensorProto.UINT8, [3])],
     "uint8_identity.onnx")

# A sequence where SequenceInsert takes the tensor to insert.
save([helper.make_node("SequenceInsert", ["s", "s"], ["t"], name="insert_seq")],
     [seq("s", TensorProto.FLOAT, [2])], [seq("t", TensorProto.FLOAT, [2])],
     "insert_sequence.onnx")

"""Writes the binary ONNX models the importer tests need into a directory.

The ONNX text syntax (.onnxtxt) covers most tests; these cases need what it
cannot express: raw_data, external data, names with '/' and '.', broken
protobuf. Usage: make_models.py OUTDIR
"""
import os
import random
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def save(model, name):
    with open(os.path.join(out, name), "wb") as f:
        f.write(model.SerializeToString())


def add_model(init, extra_inputs=(), name="w", n=100):
    """y = x + <initializer>, with x: float[n]."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [n])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [n])
    node = helper.make_node("Add", ["x", name], ["y"], name="add")
    graph = helper.make_graph([node], "g", [x, *extra_inputs], [y], [init])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


w = numpy_helper.from_array(np.arange(100, dtype=np.float32), "w")
good = add_model(w)
save(good, "good.onnx")

# Names with characters that are not identifiers in MLIR resource keys.
named = numpy_helper.from_array(np.ones(100, dtype=np.float32), "layer.0/weight")
save(add_model(named, name="layer.0/weight"), "names.onnx")

# Broken files.
data = good.SerializeToString()
with open(os.path.join(out, "truncated.onnx"), "wb") as f:
    f.write(data[: len(data) // 2])
rng = random.Random(1)
with open(os.path.join(out, "garbage.onnx"), "wb") as f:
    f.write(bytes(rng.randrange(256) for _ in range(512)))
# A valid protobuf message that is not a model (a TensorProto).
with open(os.path.join(out, "tensor.pb"), "wb") as f:
    f.write(numpy_helper.from_array(np.ones(3, dtype=np.float32), "t").SerializeToString())

# raw_data shorter than the dims say.
short = numpy_helper.from_array(np.arange(100, dtype=np.float32), "w")
short.raw_data = short.raw_data[:396]
save(add_model(short), "rawsize.onnx")

# An initializer with a negative dimension.
neg = helper.make_tensor("w", TensorProto.FLOAT, [4], [1.0, 2.0, 3.0, 4.0])
neg.dims[0] = -4
save(add_model(neg, n=4), "negdim.onnx")

# External data: weights.bin next to the model; the test writes (or omits)
# the file itself.
def external_tensor(location):
    t = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[100])
    t.data_location = TensorProto.EXTERNAL
    entry = t.external_data.add()
    entry.key, entry.value = "location", location
    return t


ext = external_tensor("weights.bin")
for key, value in (("offset", "0"), ("length", "400")):
    entry = ext.external_data.add()
    entry.key, entry.value = key, value
save(add_model(ext), "external.onnx")

# External data outside the model's directory.
save(add_model(external_tensor("../weights.bin")), "external_escape.onnx")

# A graph input that is a sequence, read by SequenceAt (supported) and by
# Relu, which takes tensors.
seq_in = helper.make_tensor_sequence_value_info("s", TensorProto.FLOAT, [2])
zero = helper.make_node("Constant", [], ["zero"], value_int=0)
at = helper.make_node("SequenceAt", ["s", "zero"], ["y"])
y2 = helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])
save(helper.make_model(helper.make_graph([zero, at], "g", [seq_in], [y2]),
                       opset_imports=[helper.make_opsetid("", 17)]),
     "sequence.onnx")
relu = helper.make_node("Relu", ["s"], ["r"], name="relu_of_seq")
save(helper.make_model(helper.make_graph([relu], "g", [seq_in],
                                         [helper.make_tensor_value_info("r", TensorProto.FLOAT, [2])]),
                       opset_imports=[helper.make_opsetid("", 17)]),
     "sequence_relu.onnx")

# A graph input that is a map, which xfc does not take.
map_type = onnx.TypeProto()
map_type.map_type.key_type = TensorProto.INT64
map_type.map_type.value_type.CopyFrom(helper.make_tensor_type_proto(TensorProto.FLOAT, []))
map_in = helper.make_value_info("m", map_type)
one = helper.make_node("Constant", [], ["o"], value_float=1.0)
save(helper.make_model(helper.make_graph([one], "g", [map_in],
                                         [helper.make_tensor_value_info("o", TensorProto.FLOAT, [])]),
                       opset_imports=[helper.make_opsetid("", 17)]),
     "map.onnx")

# A graph input of unknown rank.
xr = helper.make_tensor_value_info("x", TensorProto.FLOAT, None)
yr = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
save(helper.make_model(helper.make_graph([helper.make_node("Relu", ["x"], ["y"])],
                                         "g", [xr], [yr]),
                       opset_imports=[helper.make_opsetid("", 17)]),
     "unknownrank.onnx")

# A Loop with neither a trip count nor a condition (the text syntax cannot
# leave out leading inputs).
v2 = [helper.make_tensor_value_info(n, TensorProto.FLOAT, [2]) for n in ("v", "v2", "x", "f")]
body = helper.make_graph(
    [helper.make_node("Identity", ["ci"], ["c2"]), helper.make_node("Neg", ["v"], ["v2"])],
    "body", [helper.make_tensor_value_info("i", TensorProto.INT64, []),
             helper.make_tensor_value_info("ci", TensorProto.BOOL, []), v2[0]],
    [helper.make_tensor_value_info("c2", TensorProto.BOOL, []), v2[1]])
save(helper.make_model(helper.make_graph([helper.make_node("Loop", ["", "", "x"], ["f"],
                                                           body=body)],
                                         "g", [v2[2]], [v2[3]]),
                       opset_imports=[helper.make_opsetid("", 16)]),
     "loop_forever.onnx")

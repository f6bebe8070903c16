//===- SequenceIO.cpp - TensorProto, SequenceProto, OptionalProto files ---===//
#include "SequenceIO.h"

#include <cstring>

#include "TensorProtoIO.h"
#include "onnx/onnx-data_pb.h"
#include "onnx/onnx_pb.h"

namespace xfc::run {
namespace {

/// ONNX's backend test data (before ONNX 1.14) stores bfloat16 tensors as
/// uint16 TensorProtos holding the same bits: read them as the bfloat16 the
/// model's descriptor says they are.
void adoptBfloat16Bits(HostTensor &tensor, int32_t modelType) {
  if (modelType == XFRT_ELEMENT_TYPE_BFLOAT16 &&
      tensor.elementType() == XFRT_ELEMENT_TYPE_UINT16)
    tensor.raw().element_type = XFRT_ELEMENT_TYPE_BFLOAT16;
}

/// A sequence's element rank as the model declares it, 0 when dynamic.
int64_t declaredRank(const ValueGroup &group) {
  int64_t rank = group.entries[1]->shape[1];
  return rank < 0 ? 0 : rank;
}

HostTensor makeFlag(bool value, const std::string &origin) {
  HostTensor flag = HostTensor::allocate(XFRT_ELEMENT_TYPE_BOOL, {}, origin);
  *static_cast<uint8_t *>(flag.data()) = value ? 1 : 0;
  return flag;
}

/// The elements of a SequenceProto (which must hold tensors), packed.
void decodeSequence(const onnx::SequenceProto &proto, const ValueGroup &group,
                    const std::string &path, std::vector<HostTensor> &out) {
  if (proto.sparse_tensor_values_size() || proto.sequence_values_size() ||
      proto.map_values_size() || proto.optional_values_size() ||
      (proto.elem_type() != onnx::SequenceProto_DataType_TENSOR &&
       proto.elem_type() != onnx::SequenceProto_DataType_UNDEFINED))
    throw Error(path, "the sequence does not hold tensors; xfc-run supports "
                      "sequences of tensors only");
  std::vector<HostTensor> elements;
  for (int i = 0; i < proto.tensor_values_size(); ++i) {
    try {
      elements.push_back(decodeTensorProto(proto.tensor_values(i), path).tensor);
    } catch (const Error &error) {
      throw Error(error.file(), "sequence element " + std::to_string(i) +
                                    ": " + error.what());
    }
    adoptBfloat16Bits(elements.back(), group.data().element_type);
  }
  packSequence(elements, group, path, out);
}

/// The payload of `group` (its entries before the flag) as a tensor or
/// sequence read from `proto` into `out`.
void decodePayload(const onnx::OptionalProto &proto, const ValueGroup &group,
                   const std::string &path, std::vector<HostTensor> &out) {
  if (group.sequence) {
    decodeSequence(proto.sequence_value(), group, path, out);
    return;
  }
  out.push_back(decodeTensorProto(proto.tensor_value(), path).tensor);
  adoptBfloat16Bits(out.back(), group.data().element_type);
}

std::string parseError(const std::string &what) {
  return "not a valid serialized ONNX " + what + " (corrupt file?)";
}

} // namespace

void packSequence(const std::vector<HostTensor> &elements,
                  const ValueGroup &group, const std::string &origin,
                  std::vector<HostTensor> &out) {
  int32_t type = group.data().element_type;
  int64_t rank = declaredRank(group);
  if (!elements.empty()) {
    type = elements[0].elementType();
    rank = elements[0].raw().rank;
  }
  int64_t total = 0;
  for (size_t i = 0; i < elements.size(); ++i) {
    const HostTensor &element = elements[i];
    if (element.elementType() != type || element.raw().rank != rank)
      throw Error(origin,
                  "sequence element " + std::to_string(i) + " is " +
                      xfrt_element_type_name(element.elementType()) + " " +
                      formatShape(element.shape()) + ", element 0 is " +
                      xfrt_element_type_name(type) + " " +
                      formatShape(elements[0].shape()) +
                      "; xfc passes a sequence as one tensor, so its elements "
                      "must share element type and rank");
    total += element.numElements();
  }
  HostTensor data = HostTensor::allocate(type, {total}, origin);
  HostTensor shapes = HostTensor::allocate(
      XFRT_ELEMENT_TYPE_INT64, {static_cast<int64_t>(elements.size()), rank},
      origin);
  char *at = static_cast<char *>(data.data());
  int64_t *row = static_cast<int64_t *>(shapes.data());
  for (const HostTensor &element : elements) {
    size_t bytes = static_cast<size_t>(element.numElements()) * element.elementSize();
    if (bytes)
      std::memcpy(at, element.data(), bytes);
    at += bytes;
    for (int64_t d = 0; d < rank; ++d)
      *row++ = element.raw().shape[d];
  }
  out.push_back(std::move(data));
  out.push_back(std::move(shapes));
}

PackedValue readValueFile(const std::string &path, const ValueGroup &group) {
  PackedValue value;
  if (!group.sequence && !group.optional) {
    NamedTensor named = readTensorProtoFile(path);
    adoptBfloat16Bits(named.tensor, group.data().element_type);
    value.name = named.name;
    value.entries.push_back(std::move(named.tensor));
    return value;
  }
  std::string bytes = readFileBytes(path, "the value file");
  if (!group.optional) {
    onnx::SequenceProto proto;
    if (!proto.ParseFromString(bytes))
      throw Error(path, parseError("SequenceProto"));
    value.name = proto.name();
    decodeSequence(proto, group, path, value.entries);
    return value;
  }
  onnx::OptionalProto proto;
  if (!proto.ParseFromString(bytes))
    throw Error(path, parseError("OptionalProto"));
  value.name = proto.name();
  const int32_t payloadKind = group.sequence ? onnx::OptionalProto_DataType_SEQUENCE
                                             : onnx::OptionalProto_DataType_TENSOR;
  const bool present =
      group.sequence ? proto.has_sequence_value() : proto.has_tensor_value();
  if (proto.elem_type() != onnx::OptionalProto_DataType_UNDEFINED &&
      proto.elem_type() != payloadKind)
    throw Error(path, "the optional holds elem_type " +
                          std::to_string(proto.elem_type()) + ", but the model's '" +
                          group.name + "' is an " + group.kindName());
  if (proto.elem_type() == onnx::OptionalProto_DataType_UNDEFINED || !present) {
    value.entries = absentValue(group, path);
    return value;
  }
  decodePayload(proto, group, path, value.entries);
  value.entries.push_back(makeFlag(true, path));
  return value;
}

std::vector<HostTensor> absentValue(const ValueGroup &group,
                                    const std::string &origin) {
  std::vector<HostTensor> entries;
  if (group.sequence) {
    packSequence({}, group, origin, entries);
  } else {
    const xfrt_tensor_desc &desc = group.data();
    std::vector<int64_t> shape(desc.shape, desc.shape + desc.rank);
    for (int64_t &dim : shape)
      if (dim < 0)
        dim = 0;
    entries.push_back(HostTensor::allocate(desc.element_type, shape, origin));
  }
  entries.push_back(makeFlag(false, origin));
  return entries;
}

namespace {

/// The sequence packed in entries[0] (data) and entries[1] (shapes).
void encodeSequence(const xfrt_tensor *entries, const std::string &path,
                    onnx::SequenceProto &proto) {
  proto.set_elem_type(onnx::SequenceProto_DataType_TENSOR);
  for (const xfrt_tensor &element : sequenceElements(entries[0], entries[1], path))
    encodeTensorProto("", element, *proto.add_tensor_values());
}

} // namespace

void writeValueFile(const std::string &path, const ValueGroup &group,
                    const xfrt_tensor *entries) {
  if (!group.sequence && !group.optional) {
    writeTensorProtoFile(path, group.name, entries[0]);
    return;
  }
  if (!group.optional) {
    onnx::SequenceProto proto;
    proto.set_name(group.name);
    encodeSequence(entries, path, proto);
    writeFileBytes(path, proto.SerializeAsString(), "the sequence file");
    return;
  }
  onnx::OptionalProto proto;
  proto.set_name(group.name);
  // ONNX writes an empty optional as elem_type UNDEFINED and no value.
  if (flagIsSet(entries[group.flagIndex()])) {
    if (group.sequence) {
      proto.set_elem_type(onnx::OptionalProto_DataType_SEQUENCE);
      encodeSequence(entries, path, *proto.mutable_sequence_value());
    } else {
      proto.set_elem_type(onnx::OptionalProto_DataType_TENSOR);
      encodeTensorProto("", entries[0], *proto.mutable_tensor_value());
    }
  }
  writeFileBytes(path, proto.SerializeAsString(), "the optional file");
}

} // namespace xfc::run

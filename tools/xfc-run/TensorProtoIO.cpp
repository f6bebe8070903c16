//===- TensorProtoIO.cpp - decoding onnx.TensorProto ----------------------===//
//
// Everything read from a file is checked before it is used (sizes against
// the shape, element counts against the typed fields, external offsets
// against the file size), so a corrupt file is an error, never a crash.
//
//===----------------------------------------------------------------------===//
#include "TensorProtoIO.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "Values.h"
#include "xfc/Support/ContainedPath.h"
#include "onnx/onnx-data_pb.h"
#include "onnx/onnx_pb.h"

namespace xfc::run {

std::string readFileBytes(const std::string &path, const std::string &what) {
  std::ifstream stream(path, std::ios::binary);
  if (!stream)
    throw Error(path, "cannot open " + what + ": " + std::strerror(errno));
  std::ostringstream bytes;
  bytes << stream.rdbuf();
  if (stream.bad())
    throw Error(path, "cannot read " + what);
  return bytes.str();
}

void writeFileBytes(const std::string &path, const std::string &bytes,
                    const std::string &what) {
  std::ofstream stream(path, std::ios::binary | std::ios::trunc);
  if (!stream || !stream.write(bytes.data(), static_cast<std::streamsize>(bytes.size())) ||
      !stream.flush())
    throw Error(path, "cannot write " + what + ": " + std::strerror(errno));
}

namespace {

std::string directoryOf(const std::string &path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

const char *onnxTypeName(int32_t type) {
  if (onnx::TensorProto_DataType_IsValid(type))
    return onnx::TensorProto_DataType_Name(
               static_cast<onnx::TensorProto_DataType>(type))
        .c_str();
  return "an unknown type";
}

// The bytes of an EXTERNAL tensor: `location`, `offset`, `length` keys,
// location relative to the .pb file's directory.
std::string readExternalData(const onnx::TensorProto &proto,
                             const std::string &path, size_t expectedBytes) {
  std::string location;
  long long offset = 0, length = -1;
  for (const auto &entry : proto.external_data()) {
    try {
      if (entry.key() == "location")
        location = entry.value();
      else if (entry.key() == "offset")
        offset = std::stoll(entry.value());
      else if (entry.key() == "length")
        length = std::stoll(entry.value());
    } catch (const std::exception &) {
      throw Error(path, "external data entry '" + entry.key() +
                            "' is not a number: '" + entry.value() + "'");
    }
  }
  if (location.empty())
    throw Error(path, "external data has no location");
  std::string dataPath;
  if (std::string why =
          resolveContainedFile(directoryOf(path), location,
                               "the tensor file's directory", dataPath);
      !why.empty())
    throw Error(path, "external data location '" + location + "' " + why);
  std::string bytes = readFileBytes(dataPath, "external data");
  if (length < 0)
    length = static_cast<long long>(bytes.size()) - offset;
  if (offset < 0 || length < 0 ||
      static_cast<unsigned long long>(offset) + length > bytes.size())
    throw Error(dataPath, "offset " + std::to_string(offset) + " and length " +
                              std::to_string(length) + " exceed the file's " +
                              std::to_string(bytes.size()) + " bytes");
  if (static_cast<size_t>(length) != expectedBytes)
    throw Error(path, "external data has " + std::to_string(length) +
                          " bytes, the shape needs " +
                          std::to_string(expectedBytes));
  return bytes.substr(static_cast<size_t>(offset), static_cast<size_t>(length));
}

// The typed repeated field ONNX uses for each element type: int32_data
// carries every type of 32 bits or less except float (float16 and bfloat16
// as their bits), uint64_data carries uint32 and uint64.
const char *typedFieldName(int32_t type) {
  switch (type) {
  case XFRT_ELEMENT_TYPE_FLOAT32:
    return "float_data";
  case XFRT_ELEMENT_TYPE_FLOAT64:
    return "double_data";
  case XFRT_ELEMENT_TYPE_INT64:
    return "int64_data";
  case XFRT_ELEMENT_TYPE_UINT32:
  case XFRT_ELEMENT_TYPE_UINT64:
    return "uint64_data";
  default:
    return "int32_data";
  }
}

int64_t typedFieldSize(const onnx::TensorProto &proto, int32_t type) {
  switch (type) {
  case XFRT_ELEMENT_TYPE_FLOAT32:
    return proto.float_data_size();
  case XFRT_ELEMENT_TYPE_FLOAT64:
    return proto.double_data_size();
  case XFRT_ELEMENT_TYPE_INT64:
    return proto.int64_data_size();
  case XFRT_ELEMENT_TYPE_UINT32:
  case XFRT_ELEMENT_TYPE_UINT64:
    return proto.uint64_data_size();
  default:
    return proto.int32_data_size();
  }
}

// Copies a typed repeated field into the tensor, converting each value to
// the storage type `Store` (e.g. int32_data holds int8 and float16 bits).
template <typename Store, typename Field>
void copyField(const Field &field, HostTensor &tensor) {
  Store *out = static_cast<Store *>(tensor.data());
  for (int i = 0; i < field.size(); ++i)
    out[i] = static_cast<Store>(field.Get(i));
}

// The field sizes were checked by the caller (typedFieldSize).
void decodeTypedFields(const onnx::TensorProto &proto, HostTensor &tensor) {
  switch (tensor.elementType()) {
  case XFRT_ELEMENT_TYPE_FLOAT32:
    return copyField<float>(proto.float_data(), tensor);
  case XFRT_ELEMENT_TYPE_FLOAT64:
    return copyField<double>(proto.double_data(), tensor);
  case XFRT_ELEMENT_TYPE_INT64:
    return copyField<int64_t>(proto.int64_data(), tensor);
  case XFRT_ELEMENT_TYPE_UINT32:
    return copyField<uint32_t>(proto.uint64_data(), tensor);
  case XFRT_ELEMENT_TYPE_UINT64:
    return copyField<uint64_t>(proto.uint64_data(), tensor);
  case XFRT_ELEMENT_TYPE_INT32:
    return copyField<int32_t>(proto.int32_data(), tensor);
  case XFRT_ELEMENT_TYPE_INT16:
    return copyField<int16_t>(proto.int32_data(), tensor);
  case XFRT_ELEMENT_TYPE_INT8:
    return copyField<int8_t>(proto.int32_data(), tensor);
  case XFRT_ELEMENT_TYPE_UINT16:
  case XFRT_ELEMENT_TYPE_FLOAT16:
  case XFRT_ELEMENT_TYPE_BFLOAT16:
    return copyField<uint16_t>(proto.int32_data(), tensor);
  case XFRT_ELEMENT_TYPE_UINT8:
    return copyField<uint8_t>(proto.int32_data(), tensor);
  case XFRT_ELEMENT_TYPE_BOOL: {
    uint8_t *out = static_cast<uint8_t *>(tensor.data());
    for (int i = 0; i < proto.int32_data_size(); ++i)
      out[i] = proto.int32_data(i) != 0;
    return;
  }
  }
}

// The backend suite stores sequence and optional values as SequenceProto /
// OptionalProto, whose field numbers overlap TensorProto's, so such a file
// parses as a nonsensical tensor. Recognise it to say what it really is.
// Only consulted after decoding as a tensor failed.
bool looksLikeSequenceOrOptional(const std::string &bytes) {
  onnx::SequenceProto sequence;
  if (!sequence.ParseFromString(bytes) || !sequence.has_elem_type() ||
      sequence.elem_type() < onnx::SequenceProto_DataType_TENSOR ||
      sequence.elem_type() > onnx::SequenceProto_DataType_OPTIONAL)
    return false;
  return sequence.has_name() || sequence.tensor_values_size() > 0 ||
         sequence.sparse_tensor_values_size() > 0 ||
         sequence.sequence_values_size() > 0 ||
         sequence.map_values_size() > 0 || sequence.optional_values_size() > 0;
}

} // namespace

NamedTensor decodeTensorProto(const onnx::TensorProto &proto,
                              const std::string &path) {
  const int32_t type = proto.data_type();
  if (type == onnx::TensorProto_DataType_UNDEFINED)
    throw Error(path, "the TensorProto has no data_type (an empty or corrupt "
                      "file, or not a tensor)");
  if (xfrt_element_type_byte_size(type) == 0)
    throw Error(path, std::string("element type ") + onnxTypeName(type) +
                          " is not supported");
  if (proto.has_segment())
    throw Error(path, "segmented tensors are not supported");
  if (proto.dims_size() > XFRT_MAX_RANK)
    throw Error(path, "rank " + std::to_string(proto.dims_size()) +
                          " is above the supported " +
                          std::to_string(XFRT_MAX_RANK));
  std::vector<int64_t> shape(proto.dims().begin(), proto.dims().end());
  for (size_t d = 0; d < shape.size(); ++d)
    if (shape[d] < 0)
      throw Error(path, "dimension " + std::to_string(d) + " is " +
                            std::to_string(shape[d]));

  // Check the data against the shape before allocating anything, so a
  // corrupt header cannot make the tool allocate (and zero) gigabytes.
  size_t bytes = 0;
  check(xfrt_tensor_byte_size_for(type, static_cast<int32_t>(shape.size()),
                                  shape.data(), &bytes),
        path);
  const bool external =
      proto.data_location() == onnx::TensorProto_DataLocation_EXTERNAL;
  std::string externalBytes;
  if (external) {
    externalBytes = readExternalData(proto, path, bytes);
  } else if (proto.has_raw_data()) {
    // raw_data is little-endian, as is every target xfc runs on.
    if (proto.raw_data().size() != bytes)
      throw Error(path, "raw_data has " + std::to_string(proto.raw_data().size()) +
                            " bytes, a " + xfrt_element_type_name(type) +
                            " tensor of shape " + formatShape(shape) +
                            " needs " + std::to_string(bytes));
  } else {
    const int64_t count =
        static_cast<int64_t>(bytes / xfrt_element_type_byte_size(type));
    if (typedFieldSize(proto, type) != count)
      throw Error(path, std::string(typedFieldName(type)) + " has " +
                            std::to_string(typedFieldSize(proto, type)) +
                            " values, the shape needs " + std::to_string(count));
  }

  NamedTensor result;
  result.name = proto.name();
  result.tensor = HostTensor::allocate(type, shape, path);
  HostTensor &tensor = result.tensor;
  if (external)
    std::memcpy(tensor.data(), externalBytes.data(), bytes);
  else if (proto.has_raw_data())
    std::memcpy(tensor.data(), proto.raw_data().data(), bytes);
  else
    decodeTypedFields(proto, tensor);
  return result;
}

NamedTensor readTensorProtoFile(const std::string &path) {
  std::string bytes = readFileBytes(path, "the tensor file");
  onnx::TensorProto proto;
  if (!proto.ParseFromString(bytes))
    throw Error(path, "not a valid serialized ONNX TensorProto (corrupt file?)");
  try {
    return decodeTensorProto(proto, path);
  } catch (const Error &error) {
    if (error.file() == path && looksLikeSequenceOrOptional(bytes))
      throw Error(path, "not a tensor: this looks like an ONNX SequenceProto "
                        "or OptionalProto, but the model takes a tensor here");
    throw;
  }
}

void encodeTensorProto(const std::string &name, const xfrt_tensor &tensor,
                       onnx::TensorProto &proto) {
  proto.set_name(name);
  // xfrt's element types are ONNX's TensorProto data types.
  proto.set_data_type(tensor.element_type);
  for (int32_t d = 0; d < tensor.rank; ++d)
    proto.add_dims(tensor.shape[d]);
  // raw_data is little-endian, as is every target xfc runs on.
  size_t bytes = static_cast<size_t>(xfrt_tensor_element_count(&tensor)) *
                 xfrt_element_type_byte_size(tensor.element_type);
  // An empty tensor may have no buffer; it still needs an empty raw_data.
  proto.set_raw_data(bytes ? static_cast<const char *>(tensor.data) : "", bytes);
}

void writeTensorProtoFile(const std::string &path, const std::string &name,
                          const xfrt_tensor &tensor) {
  onnx::TensorProto proto;
  encodeTensorProto(name, tensor, proto);
  writeFileBytes(path, proto.SerializeAsString(), "the tensor file");
}

} // namespace xfc::run

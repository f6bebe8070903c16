//===- TensorProtoIO.h - ONNX TensorProto files -----------------*- C++ -*-===//
//
// Reads the `input_<i>.pb` / `output_<i>.pb` files of the ONNX backend-test
// layout: one serialized onnx.TensorProto each, with the data in raw_data,
// in a typed field (float_data, int32_data, int64_data, double_data,
// uint64_data) or in an external file (data_location = EXTERNAL), and
// writes them (always with raw_data). Sequences and optionals, whose files
// hold SequenceProto / OptionalProto, are in SequenceIO.h.
//
//===----------------------------------------------------------------------===//
#ifndef XFC_TOOLS_XFC_RUN_TENSORPROTOIO_H
#define XFC_TOOLS_XFC_RUN_TENSORPROTOIO_H

#include <string>

#include "HostTensor.h"

namespace onnx {
class TensorProto;
} // namespace onnx

namespace xfc::run {

struct NamedTensor {
  std::string name; ///< the TensorProto's name; may be empty
  HostTensor tensor;
};

/// Reads and decodes `path`. Throws Error(path, ...) for a missing,
/// unreadable, corrupt or unsupported file.
NamedTensor readTensorProtoFile(const std::string &path);

/// Decodes a parsed proto; `path` is used in messages and to resolve
/// external data relative to its directory.
NamedTensor decodeTensorProto(const onnx::TensorProto &proto,
                              const std::string &path);

/// `tensor` as a TensorProto named `name`, its data in raw_data.
void encodeTensorProto(const std::string &name, const xfrt_tensor &tensor,
                       onnx::TensorProto &proto);

/// Writes `tensor` to `path` as a serialized TensorProto named `name`, its
/// data in raw_data. Throws Error(path, ...) when the file cannot be written.
void writeTensorProtoFile(const std::string &path, const std::string &name,
                          const xfrt_tensor &tensor);

/// The bytes of `path`; `what` names the file in messages ("the tensor
/// file"). Throws Error(path, ...) when it cannot be read.
std::string readFileBytes(const std::string &path, const std::string &what);

/// Writes serialized `bytes` to `path`, `what` naming it in messages.
void writeFileBytes(const std::string &path, const std::string &bytes,
                    const std::string &what);

} // namespace xfc::run

#endif // XFC_TOOLS_XFC_RUN_TENSORPROTOIO_H

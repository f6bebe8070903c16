//===- OnnxBridge.h - exception-free calls into the ONNX library ----------===//
//
// libonnx reports errors by throwing C++ exceptions; xfc is built without
// them. These functions are the only way the importer calls into libonnx:
// they run in one translation unit compiled with -fexceptions, catch
// everything, and return an error message (empty on success) on one line.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_LIB_IMPORT_ONNX_ONNXBRIDGE_H
#define XFC_LIB_IMPORT_ONNX_ONNXBRIDGE_H

#include <cstddef>
#include <string>

namespace onnx {
class ModelProto;
} // namespace onnx

namespace xfc::onnx_import {

/// Subgraphs (the bodies of If, Loop and Scan) nest at most this deep in a
/// model xfc takes: the importer, ONNX's checker and shape inference, and
/// MLIR's passes recurse once (or a few times) per level.
constexpr int kMaxSubgraphNesting = 256;

/// Parses a binary ModelProto. Protobuf's recursion limit admits subgraphs
/// nested kMaxSubgraphNesting deep; a model nested deeper is reported as
/// such ("subgraphs nest deeper than N levels"), not as unparsable.
std::string parseModelBinary(const char *data, size_t size,
                             onnx::ModelProto &model);

/// Parses ONNX's textual syntax (onnx::OnnxParser).
std::string parseModelText(const std::string &text, onnx::ModelProto &model);

/// onnx::checker::check_model with external data resolved from `modelDir`.
std::string checkModel(const onnx::ModelProto &model,
                       const std::string &modelDir);

/// ONNX shape inference, non-strict, without data propagation (the importer
/// folds shape computations itself). Adds value_info.
std::string inferShapes(onnx::ModelProto &model);

/// onnx::version_conversion::ConvertVersion to `targetOpset`.
std::string convertVersion(const onnx::ModelProto &in, int targetOpset,
                           onnx::ModelProto &out);

/// checkModel, then inferShapes, in a forked child process: libonnx 1.12
/// crashes on some malformed models, and a crash there is then reported
/// instead. On success the inferred types are copied into `model`. Returns
/// "" or the problem, starting with "invalid model: " (the checker), "ONNX
/// shape inference failed: " or "ONNX's checker or shape inference crashed".
/// Runs in the process when fork is not possible or XFC_ONNX_IN_PROCESS=1.
std::string checkAndInferShapes(onnx::ModelProto &model,
                                const std::string &modelDir);

/// convertVersion, then inferShapes on the result, isolated the same way.
std::string convertVersionAndInferShapes(const onnx::ModelProto &in,
                                         int targetOpset,
                                         onnx::ModelProto &out);

/// Since-version of the schema of `opType` in effect at `opset` in
/// `domain`, or -1 when there is none.
int schemaSinceVersion(const std::string &opType, int opset,
                       const std::string &domain);

} // namespace xfc::onnx_import

#endif // XFC_LIB_IMPORT_ONNX_ONNXBRIDGE_H

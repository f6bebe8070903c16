//===- InputShapes.h - fixing dynamic input sizes at compile time ---------===//
//
// `xfc --input-shape=NAME:D0xD1x...` and `--dim=PARAM=N` specialize a model
// whose graph inputs have dynamic dimensions, as onnx-mlir's
// --shapeInformation and ONNX Runtime's free dimension overrides do: the
// graph inputs are rewritten before the checker and ONNX's shape inference
// run, so every later stage sees the fixed sizes as if the model had
// declared them.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_LIB_IMPORT_ONNX_INPUTSHAPES_H
#define XFC_LIB_IMPORT_ONNX_INPUTSHAPES_H

#include "xfc/Import/ONNX/Importer.h"

#include <string>

namespace onnx {
class ModelProto;
} // namespace onnx

namespace xfc::onnx_import {

/// Applies `opts.dimParams`, then `opts.inputShapes`, to the graph inputs of
/// `model`. Returns "" or the first problem, one line naming the input (or
/// the dimension name): an unknown name, an input that is not a tensor or
/// is a weight, a wrong rank, or a size that contradicts a static one.
std::string specializeInputs(onnx::ModelProto &model,
                             const ImportOptions &opts);

} // namespace xfc::onnx_import

#endif // XFC_LIB_IMPORT_ONNX_INPUTSHAPES_H

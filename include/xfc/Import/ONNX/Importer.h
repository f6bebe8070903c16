//===- Importer.h - ONNX model -> xf dialect ------------------------------===//
//
// The entry point of xfc's front end. A model file (binary ModelProto, or
// ONNX's textual syntax when the name ends in `.onnxtxt`) is parsed, checked
// with onnx::checker, run through ONNX shape inference and converted node by
// node into one `func.func @main` of xf ops. Shape computations (Shape ->
// Gather -> Concat -> Reshape, ...) are folded while importing, so every
// shape in the result is a compile-time value.
//
// Nothing a model contains makes the importer crash or throw: every problem is
// reported as an ImportProblem, tied to the ONNX node it comes from.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_IMPORT_ONNX_IMPORTER_H
#define XFC_IMPORT_ONNX_IMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>
#include <vector>

namespace xfc {

/// Which intermediate values of the main graph become extra results of
/// @main (`xfc --expose-intermediates`), so that a run can be compared node
/// by node with a reference engine. A value is exposed when it is named in
/// `names` or matches `regex`, or, when both are empty, always.
struct ExposeOptions {
  bool enabled = false;
  std::vector<std::string> names; ///< exact ONNX value names
  std::string regex;              ///< POSIX extended, matched to the whole name
};

/// `xfc --input-shape=NAME:D0xD1x...`: the shape graph input `name` is
/// compiled for, each entry a size or kKeep (the model's dimension stays).
struct InputShapeOverride {
  static constexpr int64_t kKeep = -1;
  std::string name;
  std::vector<int64_t> dims;
};

/// `xfc --dim=PARAM=N`: every graph input dimension named `param` is `size`.
struct DimParamOverride {
  std::string param;
  int64_t size;
};

struct ImportOptions {
  /// Convert every node even after a failure, so that one run reports every
  /// unsupported node (`xfc --check`). No module is returned on failure.
  bool checkOnly = false;
  ExposeOptions expose;
  /// Rewrite the graph inputs before ONNX's shape inference, so that a
  /// model with dynamic inputs compiles for fixed sizes. Errors (unknown
  /// names, wrong ranks, sizes that contradict static dimensions) name the
  /// input.
  std::vector<InputShapeOverride> inputShapes;
  std::vector<DimParamOverride> dimParams;
};

/// One thing the importer cannot handle. `nodeName`/`opType` are empty for
/// problems that belong to no node (unreadable file, checker failure).
struct ImportProblem {
  std::string nodeName;
  std::string opType;
  std::string domain;
  int64_t opset = 0;
  std::string reason;
};

/// A row of the supported-operators table.
struct SupportedOp {
  std::string domain; ///< "" is the default ONNX domain (ai.onnx).
  std::string opType;
  int sinceVersion = 0;
  std::string notes;
};

/// Parses, checks (onnx::checker), runs ONNX shape inference and converts the
/// model at `path` to xf. The context gets the xf, func, arith and tensor
/// dialects loaded. On failure returns nullptr and fills `problems`: every
/// problem node with `opts.checkOnly`, at least the first one otherwise.
/// Never throws, never asserts on model input.
mlir::OwningOpRef<mlir::ModuleOp>
importOnnxFile(llvm::StringRef path, mlir::MLIRContext &ctx,
               const ImportOptions &opts, std::vector<ImportProblem> &problems);

/// One line: `file: node 'NAME' (OpType): what`, or `file: what` for
/// problems that belong to no node.
std::string formatProblem(llvm::StringRef file, const ImportProblem &p);

/// Every (domain, op type, since-version) the importer converts, sorted, with
/// notes on what is not supported.
std::vector<SupportedOp> listSupportedOps();

} // namespace xfc

#endif // XFC_IMPORT_ONNX_IMPORTER_H

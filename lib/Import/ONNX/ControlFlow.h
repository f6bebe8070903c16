//===- ControlFlow.h - helpers shared by Loop and Scan ----------*- C++ -*-===//
//
// Loop (OpsControlFlow.cpp) and Scan (OpsScan.cpp) both convert a subgraph
// into a detached block, move it into the body of an scf loop, carry tensors
// that must keep their type, and read and write one row of a sequence
// tensor per iteration. The helpers they share are defined in
// OpsControlFlow.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_LIB_IMPORT_ONNX_CONTROLFLOW_H
#define XFC_LIB_IMPORT_ONNX_CONTROLFLOW_H

#include "GraphImporter.h"
#include "NodeContext.h"

namespace xfc::onnx_import {

/// The state of `v`, a value known only at run time (no compile-time
/// constant): how a value built in a loop enters the subgraph of its body.
ValueState runtimeValue(mlir::Value v);

/// Moves the ops of `from` to the end of `to`, whose arguments replace
/// `from`'s; a terminator that the scf builder put into `to` is dropped.
void moveBody(mlir::Block &from, mlir::Block &to);

/// `shape` with `size` inserted at `axis`.
llvm::SmallVector<int64_t> withDim(llvm::ArrayRef<int64_t> shape,
                                   int64_t axis, int64_t size);

/// The slice of `t` at position `pos` of dimension `axis`, without that
/// dimension.
mlir::Value sliceAt(mlir::OpBuilder &b, mlir::Location loc, mlir::Value t,
                    int64_t axis, mlir::Value pos);

/// `dest` with `v` written at position `pos` of dimension `axis` (`v` has
/// `dest`'s shape without that dimension). Where that shape is dynamic, `v`
/// must have the sizes `dest` was allocated with: checked at run time
/// (`what` names the value), and clamped so that a failed check stays in
/// bounds.
mlir::Value insertAt(NodeContext &c, mlir::Value v, mlir::Value dest,
                     int64_t axis, mlir::Value pos, const llvm::Twine &what);

/// Fails for scan output `k`, of the dynamic `type` in the body, when no
/// `candidates` value of that type gives the sizes of its buffer.
mlir::LogicalResult failUnsized(NodeContext &c, size_t k,
                                mlir::RankedTensorType type,
                                llvm::StringRef candidates);

/// Fails unless the body's value `what` keeps the type it entered with: a
/// loop-carried tensor lives in one buffer for the whole loop.
mlir::LogicalResult checkCarried(NodeContext &c, mlir::Type before,
                                 mlir::Type after, const llvm::Twine &what);

} // namespace xfc::onnx_import

#endif // XFC_LIB_IMPORT_ONNX_CONTROLFLOW_H

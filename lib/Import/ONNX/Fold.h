//===- Fold.h - evaluating ONNX ops on compile-time tensors --------------===//
//
// PyTorch exports compute shapes with small graphs (Shape -> Gather ->
// Unsqueeze -> Concat -> Reshape, Cast, Range, Where, ...). The converters
// evaluate those ops here when all inputs are known, so that xf only ever
// sees compile-time shapes. Semantics follow ONNX (and the xf lowering):
// integer division truncates, Mod follows the divisor's sign, float -> int
// casts truncate toward zero. A fold that would be undefined (division by
// zero, index out of range) returns nullopt and the op is built instead.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_LIB_IMPORT_ONNX_FOLD_H
#define XFC_LIB_IMPORT_ONNX_FOLD_H

#include "ConstTensor.h"

#include "dialects/Xf/IR/XfDialect.h"

#include <optional>

namespace xfc::onnx_import {

/// Results with more elements than this are not folded (splats excepted).
constexpr int64_t kFoldLimit = 1 << 16;

/// Index into `inShape` of every element of `outShape` under numpy
/// broadcasting (`inShape` right-aligned, size-1 dimensions repeated).
std::vector<int64_t> broadcastIndexMap(llvm::ArrayRef<int64_t> inShape,
                                       llvm::ArrayRef<int64_t> outShape);

std::optional<ConstTensor> foldBinary(xf::BinaryKind kind, const ConstTensor &a,
                                      const ConstTensor &b);
std::optional<ConstTensor> foldUnary(xf::UnaryKind kind, const ConstTensor &a);
ConstTensor foldCast(const ConstTensor &a, int32_t toDType);
std::optional<ConstTensor> foldSelect(const ConstTensor &cond,
                                      const ConstTensor &a,
                                      const ConstTensor &b);
ConstTensor foldBroadcast(const ConstTensor &a, llvm::ArrayRef<int64_t> shape);
ConstTensor foldTranspose(const ConstTensor &a, llvm::ArrayRef<int64_t> perm);
/// xf.slice semantics: normalized starts/steps, result sizes.
ConstTensor foldSlice(const ConstTensor &a, llvm::ArrayRef<int64_t> starts,
                      llvm::ArrayRef<int64_t> steps,
                      llvm::ArrayRef<int64_t> sizes);
ConstTensor foldConcat(llvm::ArrayRef<const ConstTensor *> inputs,
                       int64_t axis);
/// nullopt when an index is out of range.
std::optional<ConstTensor> foldGather(const ConstTensor &data,
                                      const ConstTensor &indices, int64_t axis);
/// Sum, prod, min, max, mean over sorted unique `axes`.
std::optional<ConstTensor> foldReduce(xf::ReduceKind kind, const ConstTensor &a,
                                      llvm::ArrayRef<int64_t> axes,
                                      bool keepDims);

} // namespace xfc::onnx_import

#endif // XFC_LIB_IMPORT_ONNX_FOLD_H

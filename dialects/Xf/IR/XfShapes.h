//===- XfShapes.h - shape rules shared by verifiers and the importer ------===//
//
// ONNX shape rules written once: the verifiers check them, the importer uses
// them to type the ops it builds, and the lowering relies on them. Dynamic
// dimensions are ShapedType::kDynamic.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_DIALECTS_XF_IR_XFSHAPES_H
#define XFC_DIALECTS_XF_IR_XFSHAPES_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include <optional>

namespace xfc::xf {

/// Numpy (ONNX multidirectional) broadcast of two shapes, or nullopt when
/// two static dimensions disagree and neither is 1.
std::optional<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b);

/// True when `from` broadcasts to exactly `to` (ONNX Expand rule).
bool isBroadcastableTo(llvm::ArrayRef<int64_t> from, llvm::ArrayRef<int64_t> to);

/// ONNX MatMul result shape (1-D promotion, broadcasting batch dims).
std::optional<llvm::SmallVector<int64_t>>
matmulShape(llvm::ArrayRef<int64_t> lhs, llvm::ArrayRef<int64_t> rhs);

/// Output size of one spatial dimension of a convolution or pooling window.
int64_t windowOutputSize(int64_t in, int64_t kernel, int64_t stride,
                         int64_t padLow, int64_t padHigh, int64_t dilation,
                         bool ceilMode = false);

} // namespace xfc::xf

#endif // XFC_DIALECTS_XF_IR_XFSHAPES_H

//===- OpsNN.h - convolution shared by the Conv family ------------------===//
//
// Conv, ConvInteger and QLinearConv read the same attributes and check the
// same shapes; only the element types and the arithmetic around the
// convolution differ. Also the dimension check shared by OpsNN.cpp and
// OpsConvPool.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_LIB_IMPORT_ONNX_OPSNN_H
#define XFC_LIB_IMPORT_ONNX_OPSNN_H

#include "NodeContext.h"

namespace xfc::onnx_import {

/// Two dimensions that may be equal: either is dynamic, or they are equal.
inline bool sameDim(int64_t a, int64_t b) {
  return mlir::ShapedType::isDynamic(a) || mlir::ShapedType::isDynamic(b) ||
         a == b;
}

/// Checks the data (input 0) and weight (input `weightIndex`) shapes and
/// Conv's attributes (group, kernel_shape, strides, pads, dilations,
/// auto_pad) and builds xf.conv of `x` and `weight` (and an optional [F]
/// `bias`), values of those inputs' shapes with one element type.
mlir::FailureOr<mlir::Value> buildConv(NodeContext &c, unsigned weightIndex,
                                       mlir::Value x, mlir::Value weight,
                                       mlir::Value bias);

} // namespace xfc::onnx_import

#endif // XFC_LIB_IMPORT_ONNX_OPSNN_H

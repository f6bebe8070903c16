//===- XfDialect.h - the xf dialect ---------------------------------------===//
//
// Declares the xf dialect, its enums and its ops. Include this one header to
// use the dialect.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_DIALECTS_XF_IR_XFDIALECT_H
#define XFC_DIALECTS_XF_IR_XFDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/Xf/IR/XfDialect.h.inc"
#include "dialects/Xf/IR/XfEnums.h.inc"

#define GET_OP_CLASSES
#include "dialects/Xf/IR/XfOps.h.inc"

#endif // XFC_DIALECTS_XF_IR_XFDIALECT_H

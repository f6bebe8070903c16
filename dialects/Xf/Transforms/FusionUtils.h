//===- FusionUtils.h - matchers shared by the xf fusion patterns ----------===//
//
// Small predicates the fusion patterns combine: constants compared in the
// element type's precision, elementwise ops that keep their operand's shape,
// commutative operand matching and use checks.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_DIALECTS_XF_TRANSFORMS_FUSIONUTILS_H
#define XFC_DIALECTS_XF_TRANSFORMS_FUSIONUTILS_H

#include "dialects/Xf/IR/XfDialect.h"

#include "llvm/ADT/APFloat.h"
#include <optional>

namespace xfc::xf::fusion {

/// The value of `v` when it is a constant floating-point tensor whose
/// elements are all equal.
std::optional<llvm::APFloat> getSplatFloat(mlir::Value v);

/// True when `v` is a floating-point splat constant equal to `expected`
/// rounded to the element type, give or take one ulp (exporters round
/// constants such as 1/√2 in different ways).
bool isSplatNear(mlir::Value v, double expected);

/// True when `v` is a splat constant exactly equal to `expected`.
bool isSplatExactly(mlir::Value v, double expected);

/// `v`'s defining op when it is an `xf.binary` of `kind`, else null.
BinaryOp getBinary(mlir::Value v, BinaryKind kind);

/// `v`'s defining op when it is an `xf.unary` of `kind`, else null.
UnaryOp getUnary(mlir::Value v, UnaryKind kind);

/// For a binary `op` with `known` as one operand, the other operand (the
/// rhs when both are `known`); null when `known` is neither.
mlir::Value otherOperand(BinaryOp op, mlir::Value known);

/// True when `op` is an elementwise binary whose result has the type of
/// `operand`, i.e. the other operand does not broadcast it to a larger shape.
bool keepsTypeOf(BinaryOp op, mlir::Value operand);

/// The single user of `v` when `v` has exactly one use, else null.
mlir::Operation *singleUser(mlir::Value v);

/// True when every use of `v` is in one of `ops`.
bool onlyUsedBy(mlir::Value v, llvm::ArrayRef<mlir::Operation *> ops);

/// `[axis, rank)` when `axes` is exactly that range of trailing axes of a
/// rank-`rank` tensor, else nullopt.
std::optional<int64_t> trailingAxesStart(llvm::ArrayRef<int64_t> axes,
                                         int64_t rank);

} // namespace xfc::xf::fusion

#endif // XFC_DIALECTS_XF_TRANSFORMS_FUSIONUTILS_H

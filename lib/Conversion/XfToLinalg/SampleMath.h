//===- SampleMath.h - scalar f64 math of the sampling lowerings -----------===//
//
// GridSample and RoiAlign compute, per output element, where to read the
// input: f64 coordinates, floors, clamps and reflections, then integer
// indices. F64Builder keeps that arithmetic short and in one place.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_LIB_CONVERSION_XFTOLINALG_SAMPLEMATH_H
#define XFC_LIB_CONVERSION_XFTOLINALG_SAMPLEMATH_H

#include "LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace xfc::lowering {

/// f64 arithmetic on scalars, for the coordinate computations.
struct F64Builder {
  mlir::OpBuilder &b;
  mlir::Location l;

  mlir::Value c(double v) const { return scalar(b, l, b.getF64Type(), v); }
  mlir::Value add(mlir::Value x, mlir::Value y) const { return mlir::arith::AddFOp::create(b, l, x, y); }
  mlir::Value sub(mlir::Value x, mlir::Value y) const { return mlir::arith::SubFOp::create(b, l, x, y); }
  mlir::Value mul(mlir::Value x, mlir::Value y) const { return mlir::arith::MulFOp::create(b, l, x, y); }
  mlir::Value div(mlir::Value x, mlir::Value y) const { return mlir::arith::DivFOp::create(b, l, x, y); }
  mlir::Value floor(mlir::Value x) const { return mlir::math::FloorOp::create(b, l, x); }
  mlir::Value lt(mlir::Value x, mlir::Value y) const {
    return mlir::arith::CmpFOp::create(b, l, mlir::arith::CmpFPredicate::OLT, x, y);
  }
  mlir::Value le(mlir::Value x, mlir::Value y) const {
    return mlir::arith::CmpFOp::create(b, l, mlir::arith::CmpFPredicate::OLE, x, y);
  }
  mlir::Value select(mlir::Value cond, mlir::Value x, mlir::Value y) const {
    return mlir::arith::SelectOp::create(b, l, cond, x, y);
  }
  /// Clamps into [lo, hi]; NaN becomes lo (maxnumf/minnumf drop NaN), so a
  /// later conversion to an integer is always defined.
  mlir::Value clamp(mlir::Value x, double lo, double hi) const {
    return mlir::arith::MinNumFOp::create(b, l, mlir::arith::MaxNumFOp::create(b, l, x, c(lo)),
                                    c(hi));
  }
  /// clamp() with bounds known only at run time.
  mlir::Value clamp(mlir::Value x, mlir::Value lo, mlir::Value hi) const {
    return mlir::arith::MinNumFOp::create(b, l, mlir::arith::MaxNumFOp::create(b, l, x, lo), hi);
  }
  /// Size `d` of `t` as an f64: a constant when static.
  mlir::Value size(mlir::Value t, int64_t d) const {
    auto type = mlir::cast<mlir::RankedTensorType>(t.getType());
    if (!type.isDynamicDim(d))
      return c(static_cast<double>(type.getDimSize(d)));
    mlir::Value n = mlir::tensor::DimOp::create(b, l, t, d);
    n = mlir::arith::IndexCastOp::create(b, l, b.getI64Type(), n);
    return mlir::arith::SIToFPOp::create(b, l, b.getF64Type(), n);
  }
  /// An in-range f64 as an index.
  mlir::Value toIndex(mlir::Value x) const {
    mlir::Value i = mlir::arith::FPToSIOp::create(b, l, b.getI64Type(), x);
    return mlir::arith::IndexCastOp::create(b, l, b.getIndexType(), i);
  }

  /// Reflects `x` at the borders lo and hi until it lies in [lo, hi]: a
  /// distance dx beyond a border crosses the range floor(dx / range) times,
  /// and an even count lands measured from the border it crossed first.
  mlir::Value reflect(mlir::Value x, double lo, double hi) const {
    if (hi - lo <= 0)
      return c(lo);
    return reflectInRange(x, c(lo), c(hi), c(hi - lo));
  }
  /// reflect() with borders known only at run time (an empty range gives lo).
  mlir::Value reflect(mlir::Value x, mlir::Value lo, mlir::Value hi) const {
    mlir::Value range = sub(hi, lo);
    return select(le(range, c(0)), lo, reflectInRange(x, lo, hi, range));
  }

private:
  mlir::Value reflectInRange(mlir::Value x, mlir::Value lo, mlir::Value hi,
                             mlir::Value range) const {
    mlir::Value below = lt(x, lo), above = lt(hi, x);
    mlir::Value dx = select(below, sub(lo, x), sub(x, hi));
    mlir::Value n = floor(div(dx, range));
    mlir::Value r = sub(dx, mul(n, range));
    mlir::Value even = mlir::arith::CmpFOp::create(b, l, mlir::arith::CmpFPredicate::OEQ,
                                       sub(n, mul(c(2), floor(div(n, c(2))))), c(0));
    mlir::Value fromLo = add(lo, r), fromHi = sub(hi, r);
    mlir::Value reflectedBelow = select(even, fromLo, fromHi);
    mlir::Value reflectedAbove = select(even, fromHi, fromLo);
    return select(below, reflectedBelow, select(above, reflectedAbove, x));
  }
};

} // namespace xfc::lowering

#endif // XFC_LIB_CONVERSION_XFTOLINALG_SAMPLEMATH_H

//===- OpsSignal.cpp - DFT, STFT and window functions -> xf -----------------===//
//
// The signal-processing operators of opset 17. A DFT of length N over a
// signal of n samples is a product with an n x bins matrix of cos and sin
// values known at compile time, so DFT and STFT become xf.matmul with two
// constant matrices (real and imaginary parts): O(n * bins) per transform
// instead of an FFT's O(n log n), which is what audio front ends (frames of
// a few hundred samples) spend anyway in a tuned GEMM. The window functions
// depend only on their length, so they are constants of the declared size.
//
// A signal length (or DFT length, frame length, frame step) known only at
// run time takes the same route with the matrices generated at run time
// (tensor.generate of the angles 2*pi*(j*k mod N)/N in f64, then xf cos and
// sin); rows past the DFT length are zero, which truncates longer signals,
// and a shorter signal is zero-padded by the missing rows. A trailing
// complex axis that is dynamic is read as real or complex at run time.
//
//===----------------------------------------------------------------------===//

#include "NodeContext.h"
#include "ShapeInputs.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>
#include <functional>
#include <numeric>
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using xfc::xf::BinaryKind;

namespace xfc::onnx_import {
namespace {

/// A complex tensor as two real tensors of the same shape; `im` is null for
/// a real signal.
struct Complex {
  Value re, im;
};

/// Splits the trailing [1] (real) or [2] (real, imaginary) axis of ONNX's
/// complex layout off `x`.
FailureOr<Complex> splitComplex(NodeContext &c, Value x, StringRef what) {
  auto type = cast<RankedTensorType>(x.getType());
  ArrayRef<int64_t> shape = type.getShape();
  if (shape.empty() || (shape.back() != 1 && shape.back() != 2))
    return c.fail(what + " " + shapeStr(shape) +
                  " must end in a dimension of 1 (real) or 2 (complex)");
  SmallVector<int64_t> starts(shape.size(), 0), steps(shape.size(), 1);
  SmallVector<int64_t> sizes(shape), partShape(shape.drop_back());
  sizes.back() = 1;
  auto part = [&](int64_t index) {
    starts.back() = index;
    return c.reshape(c.slice(x, starts, steps, sizes), partShape);
  };
  return Complex{part(0), shape.back() == 2 ? part(1) : Value()};
}

/// Stacks real and imaginary parts into ONNX's trailing [2] axis.
FailureOr<Value> joinComplex(NodeContext &c, Complex z) {
  SmallVector<int64_t> shape(
      cast<RankedTensorType>(z.re.getType()).getShape());
  shape.push_back(1);
  return c.concat({c.reshape(z.re, shape), c.reshape(z.im, shape)},
                  static_cast<int64_t>(shape.size()) - 1);
}

/// z times the complex matrix C + iS ([n, bins]) along the last axis:
///   re = a.C - b.S,  im = a.S + b.C.
FailureOr<Complex> multiply(NodeContext &c, Complex z, Value cosM, Value sinM,
                            int64_t bins) {
  auto type = cast<RankedTensorType>(z.re.getType());
  SmallVector<int64_t> outShape(type.getShape());
  outShape.back() = bins;
  auto outType = RankedTensorType::get(outShape, type.getElementType());
  auto matmul = [&](Value a, Value m) -> Value {
    return xf::MatMulOp::create(c.b(), c.loc(), outType, a, m);
  };
  Value re = matmul(z.re, cosM), im = matmul(z.re, sinM);
  if (z.im) {
    FailureOr<Value> re2 = c.binary(BinaryKind::sub, re, matmul(z.im, sinM));
    FailureOr<Value> im2 = c.binary(BinaryKind::add, im, matmul(z.im, cosM));
    if (::mlir::failed(re2) || ::mlir::failed(im2))
      return failure();
    re = *re2;
    im = *im2;
  }
  return Complex{re, im};
}

/// The DFT of length `length` along the last axis of `z` (n samples: fewer
/// than `length` are zero-padded, more are truncated by the caller), keeping
/// the first `bins` frequencies. With e = exp(sign * 2*pi*i*j*k / length):
///   re = a.C - b.S,  im = a.S + b.C,  C = Re(e) * scale, S = Im(e) * scale.
FailureOr<Complex> dftLastAxis(NodeContext &c, Complex z, int64_t length,
                               int64_t bins, bool inverse) {
  auto type = cast<RankedTensorType>(z.re.getType());
  int64_t n = type.getShape().back();
  int32_t dtype = c.dtype(0);
  double sign = inverse ? 1.0 : -1.0;
  double scale = inverse ? 1.0 / static_cast<double>(length) : 1.0;
  std::vector<double> cosV(n * bins), sinV(n * bins);
  for (int64_t j = 0; j < n; ++j)
    for (int64_t k = 0; k < bins; ++k) {
      // j * k mod length keeps the angle small and exact for long signals.
      double angle = 2.0 * llvm::numbers::pi *
                     static_cast<double>((j * k) % length) /
                     static_cast<double>(length);
      cosV[j * bins + k] = std::cos(angle) * scale;
      sinV[j * bins + k] = sign * std::sin(angle) * scale;
    }
  Value cosM = c.constant(ConstTensor::ofFloats(dtype, {n, bins}, cosV));
  Value sinM = c.constant(ConstTensor::ofFloats(dtype, {n, bins}, sinV));
  return multiply(c, z, cosM, sinM, bins);
}

/// Keeps the first `length` entries of the last axis.
Value truncateLastAxis(NodeContext &c, Value x, int64_t length) {
  ArrayRef<int64_t> shape = cast<RankedTensorType>(x.getType()).getShape();
  if (shape.back() <= length)
    return x;
  SmallVector<int64_t> starts(shape.size(), 0), steps(shape.size(), 1);
  SmallVector<int64_t> sizes(shape);
  sizes.back() = length;
  return c.slice(x, starts, steps, sizes);
}

/// Moves axis `from` of `x` to the end (or back, with `inverse`).
Value moveAxisToEnd(NodeContext &c, Value x, int64_t from, bool inverse) {
  int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
  if (from == rank - 1)
    return x;
  SmallVector<int64_t> perm;
  for (int64_t d = 0; d < rank; ++d)
    if (d != from)
      perm.push_back(d);
  perm.push_back(from);
  if (inverse) {
    SmallVector<int64_t> inv(rank);
    for (int64_t d = 0; d < rank; ++d)
      inv[perm[d]] = d;
    perm = inv;
  }
  return c.transpose(x, perm);
}

/// A scalar integer input that sets a length: its constant value, else the
/// one the declared output implies (`implied`, checked at run time).
FailureOr<int64_t> lengthInput(NodeContext &c, unsigned i, int64_t implied,
                               StringRef what) {
  if (const ConstTensor *t = c.constant(i)) {
    if (t->numElements() != 1 || t->isFloat())
      return c.fail(what + " must be an integer scalar");
    return t->intAt(0);
  }
  if (ShapedType::isDynamic(implied))
    return c.fail(what + " must be a compile-time constant (or the model "
                         "must declare the output's static shape)");
  if (::mlir::failed(c.checkEquals(i, {implied}, what)))
    return failure();
  return implied;
}

//===----------------------------------------------------------------------===//
// Run-time sizes
//===----------------------------------------------------------------------===//

/// An index as a 0-D i64 tensor, and back.
Value indexTensor(NodeContext &c, Value index) {
  OpBuilder &b = c.b();
  Value v = arith::IndexCastOp::create(b, c.loc(), b.getI64Type(), index);
  return tensor::FromElementsOp::create(
      b, c.loc(), RankedTensorType::get({}, b.getI64Type()), ValueRange{v});
}
Value tensorIndex(NodeContext &c, Value t) {
  OpBuilder &b = c.b();
  Value scalar = c.reshape(c.cast(t, b.getI64Type()), {});
  return arith::IndexCastOp::create(
      b, c.loc(), b.getIndexType(),
      tensor::ExtractOp::create(b, c.loc(), scalar, ValueRange{}));
}

/// The splitComplex of an input whose sizes are dynamic (xf.slice needs
/// static ones): gathers of the last axis; a dynamic last axis is read as
/// real (1) or complex (2) at run time and checked to be one of them.
FailureOr<Complex> splitComplexAtRunTime(NodeContext &c, Value x,
                                         StringRef what, bool realOnly) {
  OpBuilder &b = c.b();
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank(), last = type.getShape().back();
  if (rank == 0 || (!ShapedType::isDynamic(last) && last != 1 && last != 2))
    return c.fail(what + " " + shapeStr(type.getShape()) +
                  " must end in a dimension of 1 (real) or 2 (complex)");
  auto partType = RankedTensorType::get(type.getShape().drop_back(),
                                        type.getElementType());
  auto take = [&](Value index) -> Value {
    return xf::GatherOp::create(b, c.loc(), partType, x, index,
                                b.getI64IntegerAttr(rank - 1));
  };
  Type i64 = b.getI64Type();
  Complex z{take(c.splat(i64, 0)), Value()};
  if (last == 2) {
    z.im = take(c.splat(i64, 1));
  } else if (ShapedType::isDynamic(last)) {
    Value size = indexTensor(
        c, tensor::DimOp::create(b, c.loc(), x, rank - 1).getResult());
    Value one = c.splat(i64, 1);
    if (realOnly) {
      c.check(*c.binary(BinaryKind::eq, size, one),
              what + " must be real (end in a dimension of 1)");
      return z;
    }
    Value two = c.splat(i64, 2);
    c.check(*c.binary(BinaryKind::or_, *c.binary(BinaryKind::eq, size, one),
                      *c.binary(BinaryKind::eq, size, two)),
            what + " must end in a dimension of 1 (real) or 2 (complex)");
    // Element 1 when there is one (else 0, and the part is zero).
    Value im = take(*c.binary(BinaryKind::min, one,
                              *c.binary(BinaryKind::sub, size, one)));
    z.im = *c.select(*c.binary(BinaryKind::eq, size, two), im,
                     c.splat(type.getElementType(), 0.0));
  }
  return z;
}

/// dftLastAxis for sizes known only at run time: `length` and `bins` are
/// indices, and the [n, bins] matrices are computed at run time.
FailureOr<Complex> dftLastAxisAtRunTime(NodeContext &c, Complex z,
                                        Value length, Value bins,
                                        bool inverse) {
  OpBuilder &b = c.b();
  Location loc = c.loc();
  auto type = cast<RankedTensorType>(z.re.getType());
  int64_t rank = type.getRank();
  Value n = tensor::DimOp::create(b, loc, z.re, rank - 1);
  Type f64 = b.getF64Type();
  auto matrixType = RankedTensorType::get(
      {type.getShape().back(), ShapedType::kDynamic}, f64);
  SmallVector<Value> sizes{n, bins};
  if (!type.isDynamicDim(rank - 1))
    sizes.erase(sizes.begin());
  auto generate = [&](auto body) -> Value {
    return tensor::GenerateOp::create(
        b, loc, matrixType, sizes,
        [&](OpBuilder &gb, Location gl, ValueRange ivs) {
          tensor::YieldOp::create(gb, gl, body(gb, gl, ivs[0], ivs[1]));
        });
  };
  auto toF64 = [&](OpBuilder &gb, Location gl, Value index) -> Value {
    Value i = arith::IndexCastOp::create(gb, gl, gb.getI64Type(), index);
    return arith::SIToFPOp::create(gb, gl, f64, i);
  };
  // angle[j, k] = 2*pi*(j*k mod N)/N; j * k mod N keeps it small and exact.
  Value angle = generate([&](OpBuilder &gb, Location gl, Value j, Value k) {
    Value jk = arith::RemUIOp::create(
        gb, gl, arith::MulIOp::create(gb, gl, j, k), length);
    Value ratio = arith::DivFOp::create(gb, gl, toF64(gb, gl, jk),
                                        toF64(gb, gl, length));
    return arith::MulFOp::create(
        gb, gl,
        arith::ConstantOp::create(gb, gl, gb.getF64FloatAttr(
                                              2.0 * llvm::numbers::pi)),
        ratio);
  });
  // Rows past N read nothing (the signal is truncated); the inverse is
  // scaled by 1/N.
  Value weight = generate([&](OpBuilder &gb, Location gl, Value j, Value) {
    Value inside =
        arith::CmpIOp::create(gb, gl, arith::CmpIPredicate::ult, j, length);
    Value scale =
        inverse ? Value(arith::DivFOp::create(
                      gb, gl,
                      arith::ConstantOp::create(gb, gl, gb.getF64FloatAttr(1.0)),
                      toF64(gb, gl, length)))
                : Value(arith::ConstantOp::create(gb, gl,
                                                  gb.getF64FloatAttr(1.0)));
    return arith::SelectOp::create(
        gb, gl, inside, scale,
        arith::ConstantOp::create(gb, gl, gb.getF64FloatAttr(0.0)));
  });
  Type elt = type.getElementType();
  Value cosM = c.cast(*c.binary(BinaryKind::mul,
                                c.unary(xf::UnaryKind::cos, angle), weight),
                      elt);
  Value sinM = *c.binary(BinaryKind::mul, c.unary(xf::UnaryKind::sin, angle),
                         weight);
  if (!inverse)
    sinM = c.unary(xf::UnaryKind::neg, sinM);
  sinM = c.cast(sinM, elt);
  return multiply(c, z, cosM, sinM, ShapedType::kDynamic);
}

/// The number of frequency bins of a DFT of `length` (an index).
Value binsOf(NodeContext &c, Value length, bool onesided) {
  if (!onesided)
    return length;
  OpBuilder &b = c.b();
  Value half = arith::DivUIOp::create(
      b, c.loc(), length, arith::ConstantIndexOp::create(b, c.loc(), 2));
  return arith::AddIOp::create(b, c.loc(), half,
                               arith::ConstantIndexOp::create(b, c.loc(), 1));
}

//===----------------------------------------------------------------------===//
// DFT
//===----------------------------------------------------------------------===//

/// Sets the node's result: the transform `y` (along the last axis) moved
/// back to `axis`, in ONNX's complex layout.
LogicalResult doneAlong(NodeContext &c, FailureOr<Complex> y, int64_t axis) {
  if (::mlir::failed(y))
    return failure();
  y->re = moveAxisToEnd(c, y->re, axis, true);
  y->im = moveAxisToEnd(c, y->im, axis, true);
  FailureOr<Value> r = joinComplex(c, *y);
  return ::mlir::failed(r) ? failure() : c.done(*r);
}

/// DFT with a dynamic signal length, complex axis or run-time dft_length.
LogicalResult convertDFTAtRunTime(NodeContext &c, int64_t axis, bool inverse,
                                  bool onesided) {
  FailureOr<Complex> z =
      splitComplexAtRunTime(c, c.in(0), "the input", onesided);
  if (::mlir::failed(z))
    return failure();
  if (onesided && (inverse || z->im))
    return c.fail("onesided needs a real input and a forward transform");
  Value re = moveAxisToEnd(c, z->re, axis, false);
  Value im = z->im ? moveAxisToEnd(c, z->im, axis, false) : Value();
  OpBuilder &b = c.b();
  int64_t last = c.rank(0) - 2;
  Value length = tensor::DimOp::create(b, c.loc(), re, last);
  if (c.has(1)) {
    if (!c.type(1).hasStaticShape() || c.type(1).getNumElements() != 1 ||
        !isa<IntegerType>(c.elt(1)))
      return c.fail("dft_length must be an integer scalar");
    Value given = c.in(1);
    c.check(*c.binary(BinaryKind::gt, given, c.splat(c.elt(1), 0)),
            "dft_length must be positive");
    // At least 1, so that no angle divides by zero after a failed check.
    length = arith::MaxSIOp::create(b, c.loc(), tensorIndex(c, given),
                                    arith::ConstantIndexOp::create(b, c.loc(), 1));
  } else {
    c.check(*c.binary(BinaryKind::gt, indexTensor(c, length),
                      c.splat(b.getI64Type(), 0)),
            "the signal must not be empty");
    length = arith::MaxSIOp::create(b, c.loc(), length,
                                    arith::ConstantIndexOp::create(b, c.loc(), 1));
  }
  FailureOr<Complex> y = dftLastAxisAtRunTime(
      c, {re, im}, length, binsOf(c, length, onesided), inverse);
  return doneAlong(c, y, axis);
}

LogicalResult convertDFT(NodeContext &c) {
  if (!isa<FloatType>(c.elt(0)))
    return c.fail("the input must be floating-point");
  int64_t rank = c.rank(0);
  if (rank < 2)
    return c.fail("the input " + shapeStr(c.shape(0)) +
                  " must be [batch, signal..., 1 or 2]");
  bool inverse = c.attrInt("inverse", 0) != 0;
  bool onesided = c.attrInt("onesided", 0) != 0;
  int64_t axisAttr = c.attrInt("axis", 1);
  if (c.failed())
    return failure();
  // The axis counts the trailing complex axis but may not name it: the
  // valid range is [-rank, -2] and [0, rank - 2].
  if (axisAttr < -rank || axisAttr > rank - 2 || axisAttr == -1)
    return c.fail("axis " + llvm::Twine(axisAttr) + " must name a signal axis "
                  "of the input " + shapeStr(c.shape(0)) + ": in [" +
                  llvm::Twine(-rank) + ", -2] or [0, " + llvm::Twine(rank - 2) +
                  "]");
  int64_t axis = axisAttr < 0 ? axisAttr + rank : axisAttr;
  bool dynamic = llvm::any_of(c.shape(0), ShapedType::isDynamic);
  if (dynamic ||
      (c.has(1) && !c.constant(1) &&
       !(c.declaredType(0) && c.declaredType(0)->getRank() == rank)))
    return convertDFTAtRunTime(c, axis, inverse, onesided);
  FailureOr<Complex> z = splitComplex(c, c.in(0), "the input");
  if (::mlir::failed(z))
    return failure();
  if (onesided && (inverse || z->im))
    return c.fail("onesided needs a real input and a forward transform");

  int64_t n = c.shape(0)[axis];
  int64_t length = n;
  if (c.has(1)) {
    std::optional<RankedTensorType> out = c.declaredType(0);
    int64_t implied = ShapedType::kDynamic;
    if (out && out->getRank() == rank) {
      int64_t declared = out->getShape()[axis];
      implied = onesided ? 2 * (declared - 1) : declared;
    }
    FailureOr<int64_t> len = lengthInput(c, 1, implied, "dft_length");
    if (::mlir::failed(len))
      return failure();
    length = *len;
  }
  if (ShapedType::isDynamic(n) || length < 1)
    return c.fail("the signal length must be static and dft_length positive");
  int64_t bins = onesided ? length / 2 + 1 : length;

  auto toEnd = [&](Value v) {
    return v ? truncateLastAxis(c, moveAxisToEnd(c, v, axis, false), length)
             : v;
  };
  FailureOr<Complex> y =
      dftLastAxis(c, {toEnd(z->re), toEnd(z->im)}, length, bins, inverse);
  return doneAlong(c, y, axis);
}

//===----------------------------------------------------------------------===//
// STFT
//===----------------------------------------------------------------------===//

/// Frames [batch, frames, frameLength] of `signal` [batch, samples] at
/// offsets f * step: constant indices for a constant step, else computed
/// from the run-time frame_step (input 1).
Value frames(NodeContext &c, Value signal, std::optional<int64_t> constStep,
             int64_t numFrames, int64_t frameLength) {
  Value indices;
  if (constStep) {
    std::vector<int64_t> v(numFrames * frameLength);
    for (int64_t f = 0; f < numFrames; ++f)
      for (int64_t j = 0; j < frameLength; ++j)
        v[f * frameLength + j] = f * *constStep + j;
    indices = c.constant(
        ConstTensor::ofInts(dt::Int64, {numFrames, frameLength}, std::move(v)));
  } else {
    std::vector<int64_t> f(numFrames), j(frameLength);
    std::iota(f.begin(), f.end(), 0);
    std::iota(j.begin(), j.end(), 0);
    Value fV = c.constant(ConstTensor::ofInts(dt::Int64, {numFrames, 1}, f));
    Value jV = c.constant(ConstTensor::ofInts(dt::Int64, {1, frameLength}, j));
    Value step = c.cast(c.in(1), c.b().getI64Type());
    indices = *c.binary(BinaryKind::add, *c.binary(BinaryKind::mul, fV, step), jV);
  }
  auto type = cast<RankedTensorType>(signal.getType());
  auto resultType = RankedTensorType::get(
      {type.getShape()[0], numFrames, frameLength}, type.getElementType());
  return xf::GatherOp::create(c.b(), c.loc(), resultType, signal, indices,
                              c.b().getI64IntegerAttr(1));
}

/// STFT with a dynamic signal or window, or a run-time frame_step or
/// frame_length that no declared output shape pins.
LogicalResult convertSTFTAtRunTime(NodeContext &c, bool onesided) {
  OpBuilder &b = c.b();
  Location loc = c.loc();
  FailureOr<Complex> z =
      splitComplexAtRunTime(c, c.in(0), "the signal", onesided);
  if (::mlir::failed(z))
    return failure();
  auto scalarIndex = [&](unsigned i, StringRef what) -> FailureOr<Value> {
    if (!c.type(i).hasStaticShape() || c.type(i).getNumElements() != 1 ||
        !isa<IntegerType>(c.elt(i)))
      return c.fail(what + " must be an integer scalar");
    return tensorIndex(c, c.in(i));
  };
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  auto check = [&](arith::CmpIPredicate pred, Value x, Value y,
                   const Twine &what) {
    Value ok = arith::CmpIOp::create(b, loc, pred, x, y);
    c.check(tensor::FromElementsOp::create(
                b, loc, RankedTensorType::get({}, b.getI1Type()), ValueRange{ok}),
            what);
  };
  Value frameLength;
  if (c.has(2)) {
    if (c.rank(2) != 1 || c.elt(2) != c.elt(0))
      return c.fail("the window must be 1-D and of the signal's element type");
    frameLength = tensor::DimOp::create(b, loc, c.in(2), 0);
  }
  if (c.has(3)) {
    FailureOr<Value> given = scalarIndex(3, "frame_length");
    if (::mlir::failed(given))
      return failure();
    if (frameLength)
      check(arith::CmpIPredicate::eq, *given, frameLength,
            "frame_length must equal the window's length");
    else
      frameLength = *given;
  }
  if (!frameLength)
    return c.fail("a window or frame_length is required");
  FailureOr<Value> stepIn = scalarIndex(1, "frame_step");
  if (::mlir::failed(stepIn))
    return failure();
  Value samples = tensor::DimOp::create(b, loc, c.in(0), 1);
  check(arith::CmpIPredicate::sge, *stepIn, one, "frame_step must be positive");
  check(arith::CmpIPredicate::sge, frameLength, one,
        "the frame length must be positive");
  check(arith::CmpIPredicate::sle, frameLength, samples,
        "the signal must hold at least one frame");
  // Clamped so that nothing divides by zero after a failed check; the
  // gather clamps the indices into the signal.
  Value step = arith::MaxSIOp::create(b, loc, *stepIn, one);
  frameLength = arith::MaxSIOp::create(b, loc, frameLength, one);
  Value numFrames = arith::MaxSIOp::create(
      b, loc,
      arith::AddIOp::create(
          b, loc,
          arith::DivSIOp::create(
              b, loc, arith::SubIOp::create(b, loc, samples, frameLength), step),
          one),
      arith::ConstantIndexOp::create(b, loc, 0));
  // indices[f, j] = f * step + j
  int64_t staticLength =
      c.has(2) ? c.shape(2)[0] : static_cast<int64_t>(ShapedType::kDynamic);
  auto indexType = RankedTensorType::get({ShapedType::kDynamic, staticLength},
                                         b.getI64Type());
  SmallVector<Value> sizes{numFrames};
  if (ShapedType::isDynamic(staticLength))
    sizes.push_back(frameLength);
  Value indices = tensor::GenerateOp::create(
      b, loc, indexType, sizes,
      [&](OpBuilder &gb, Location gl, ValueRange ivs) {
        Value at = arith::AddIOp::create(
            gb, gl, arith::MulIOp::create(gb, gl, ivs[0], step), ivs[1]);
        tensor::YieldOp::create(
            gb, gl, arith::IndexCastOp::create(gb, gl, gb.getI64Type(), at));
      });
  auto frame = [&](Value part) -> Value {
    if (!part)
      return part;
    auto type = cast<RankedTensorType>(part.getType());
    auto framesType = RankedTensorType::get(
        {type.getShape()[0], ShapedType::kDynamic, staticLength},
        type.getElementType());
    Value f = xf::GatherOp::create(b, loc, framesType, part, indices,
                                   b.getI64IntegerAttr(1));
    if (c.has(2))
      f = *c.binary(BinaryKind::mul, f, c.in(2));
    return f;
  };
  FailureOr<Complex> y = dftLastAxisAtRunTime(
      c, {frame(z->re), frame(z->im)}, frameLength,
      binsOf(c, frameLength, onesided), /*inverse=*/false);
  if (::mlir::failed(y))
    return failure();
  FailureOr<Value> r = joinComplex(c, *y);
  return ::mlir::failed(r) ? failure() : c.done(*r);
}

LogicalResult convertSTFT(NodeContext &c) {
  if (!isa<FloatType>(c.elt(0)))
    return c.fail("the signal must be floating-point");
  if (c.rank(0) != 3)
    return c.fail("the signal " + shapeStr(c.shape(0)) +
                  " must be [batch, samples, 1 or 2]");
  bool onesided = c.attrInt("onesided", 1) != 0;
  if (c.failed())
    return failure();
  int64_t samples = c.shape(0)[1];
  std::optional<RankedTensorType> out = c.declaredType(0);
  bool declared = out && out->getRank() == 4;
  if (llvm::any_of(c.shape(0), ShapedType::isDynamic) ||
      (c.has(2) && (c.rank(2) != 1 || c.type(2).isDynamicDim(0))) ||
      (!c.constant(1) && !declared) ||
      (c.has(3) && !c.constant(3) && !c.has(2) && !declared))
    return convertSTFTAtRunTime(c, onesided);

  // The frame length: the window's, else frame_length's, else the one the
  // declared number of frequency bins implies.
  int64_t frameLength = ShapedType::kDynamic;
  if (c.has(2)) {
    if (c.rank(2) != 1 || ShapedType::isDynamic(c.shape(2)[0]) ||
        c.elt(2) != c.elt(0))
      return c.fail("the window must be 1-D, static and of the signal's "
                    "element type");
    frameLength = c.shape(2)[0];
  }
  if (c.has(3)) {
    int64_t implied = frameLength;
    if (ShapedType::isDynamic(implied) && out && out->getRank() == 4)
      implied = onesided ? 2 * (out->getShape()[2] - 1) : out->getShape()[2];
    FailureOr<int64_t> len = lengthInput(c, 3, implied, "frame_length");
    if (::mlir::failed(len))
      return failure();
    if (!ShapedType::isDynamic(frameLength) && *len != frameLength)
      return c.fail("frame_length must equal the window's length");
    frameLength = *len;
  }
  if (ShapedType::isDynamic(frameLength))
    return c.fail("a window or frame_length is required");
  if (frameLength < 1 || frameLength > samples)
    return c.fail("the frame length " + llvm::Twine(frameLength) +
                  " must be in [1, " + llvm::Twine(samples) + "]");

  // The number of frames: from a constant frame_step, else declared (the
  // run-time step is then checked to give that many frames).
  int64_t numFrames;
  std::optional<int64_t> constStep;
  if (const ConstTensor *given = c.constant(1)) {
    if (given->numElements() != 1 || given->isFloat() || given->intAt(0) < 1)
      return c.fail("frame_step must be a positive integer scalar");
    constStep = given->intAt(0);
    numFrames = (samples - frameLength) / *constStep + 1;
  } else {
    if (!out || out->getRank() != 4)
      return c.fail("frame_step must be a compile-time constant (or the "
                    "model must declare the output's static shape)");
    numFrames = out->getShape()[1];
    // (samples - frameLength) / step + 1 == numFrames, i.e.
    // step * (numFrames - 1) <= samples - frameLength < step * numFrames.
    Value step = c.cast(c.in(1), c.b().getI64Type());
    Value span = c.splat(c.b().getI64Type(), samples - frameLength);
    Value lo = *c.binary(BinaryKind::mul, step,
                         c.splat(c.b().getI64Type(), numFrames - 1));
    Value hi = *c.binary(BinaryKind::mul, step,
                         c.splat(c.b().getI64Type(), numFrames));
    Value ok = *c.binary(BinaryKind::and_,
                         *c.binary(BinaryKind::le, lo, span),
                         *c.binary(BinaryKind::lt, span, hi));
    c.check(ok, "frame_step must give " + llvm::Twine(numFrames) +
                    " frames of " + llvm::Twine(frameLength) + " samples (the "
                    "model declares the output shape this needs)");
  }
  if (numFrames < 1)
    return c.fail("the signal is shorter than one frame");

  FailureOr<Complex> z = splitComplex(c, c.in(0), "the signal");
  if (::mlir::failed(z))
    return failure();
  if (onesided && z->im)
    return c.fail("onesided needs a real signal");
  auto frame = [&](Value part) -> Value {
    if (!part)
      return part;
    Value f = frames(c, part, constStep, numFrames, frameLength);
    if (c.has(2))
      f = *c.binary(BinaryKind::mul, f, c.in(2));
    return f;
  };
  int64_t bins = onesided ? frameLength / 2 + 1 : frameLength;
  FailureOr<Complex> y = dftLastAxis(c, {frame(z->re), frame(z->im)},
                                     frameLength, bins, /*inverse=*/false);
  if (::mlir::failed(y))
    return failure();
  FailureOr<Value> r = joinComplex(c, *y);
  return ::mlir::failed(r) ? failure() : c.done(*r);
}

//===----------------------------------------------------------------------===//
// Window functions
//===----------------------------------------------------------------------===//

/// The output_datatype attribute, which must name a floating-point type.
FailureOr<int32_t> floatOutputType(NodeContext &c) {
  int64_t dtype = c.attrInt("output_datatype", dt::Float);
  if (c.failed())
    return failure();
  if (!isFloatDType(static_cast<int32_t>(dtype)))
    return c.fail("output_datatype " + llvm::Twine(dtype) +
                  " must be a floating-point type");
  return static_cast<int32_t>(dtype);
}

/// A generalized cosine window a0 - a1 cos(2 pi n / N') + a2 cos(4 pi n / N')
/// of `size` samples, N' = size (periodic) or size - 1 (symmetric).
LogicalResult convertCosineWindow(NodeContext &c, double a0, double a1,
                                  double a2) {
  bool periodic = c.attrInt("periodic", 1) != 0;
  FailureOr<int32_t> dtype = floatOutputType(c);
  if (failed(dtype))
    return failure();
  std::optional<RankedTensorType> out = c.declaredType(0);
  if (!c.constant(0) && !(out && out->getRank() == 1))
    return cosineWindowAtRunTime(c, dtypeToType(c.ctx(), *dtype), periodic, a0,
                                 a1, a2);
  FailureOr<int64_t> size = lengthInput(
      c, 0, out && out->getRank() == 1 ? out->getShape()[0] : ShapedType::kDynamic,
      "the size");
  if (::mlir::failed(size))
    return failure();
  if (*size < 0 || *size > (int64_t(1) << 24))
    return c.fail("the size " + llvm::Twine(*size) + " is out of range");
  double denom = static_cast<double>(periodic ? *size : *size - 1);
  std::vector<double> w(*size);
  for (int64_t i = 0; i < *size; ++i) {
    double t = denom > 0 ? 2.0 * llvm::numbers::pi * i / denom : 0.0;
    w[i] = a0 - a1 * std::cos(t) + a2 * std::cos(2.0 * t);
  }
  return c.doneConst(ConstTensor::ofFloats(*dtype, {*size}, std::move(w)));
}

/// MelWeightMatrix: num_mel_bins triangular filters over the dft_length / 2
/// + 1 frequency bins, computed at run time from the sample rate and the
/// band edges as the ONNX reference does: num_mel_bins + 2 edges spaced by
/// 1 / (num_mel_bins + 2) of the mel range (2595 log10(1 + f / 700)) from
/// the lower edge, mapped back to bins floor((dft_length + 1) * f /
/// sample_rate); filter i rises from edge i to edge i + 1 and falls to edge
/// i + 2.
LogicalResult convertMelWeightMatrix(NodeContext &c) {
  FailureOr<int32_t> dtype = floatOutputType(c);
  if (failed(dtype))
    return failure();
  std::optional<RankedTensorType> out = c.declaredType(0);
  bool declared = out && out->getRank() == 2;
  Type f64 = c.b().getF64Type();
  ChainedOps ops{c};
  // The edge numbers 0 .. num_mel_bins + 1, the frequency bins 0 .. rows - 1
  // as a column, and edges[offset + i] for i < num_mel_bins (as a row):
  // constants when the sizes are known, else computed at run time.
  Value edgeIds, j, lengthPlusOne, edgeCount;
  std::function<Value(Value, int64_t)> edgeRow;
  if (!declared && (!c.constant(0) || !c.constant(1))) {
    ShapeMath m(c);
    Value mels = m.reshape(m.input(0), {}), length = m.reshape(m.input(1), {});
    Value ok = m.and_(m.and_(m.ge(mels, m.scalar(1)), m.ge(length, m.scalar(1))),
                      m.and_(m.le(mels, m.scalar(1 << 16)),
                             m.le(length, m.scalar(1 << 24))));
    m.check(ok, "num_mel_bins and dft_length must be positive");
    mels = m.select(ok, mels, m.scalar(1));
    length = m.select(ok, length, m.scalar(1));
    Value rows = m.add(m.div(length, m.scalar(2)), m.scalar(1));
    edgeIds = m.iota(m.reshape(m.add(mels, m.scalar(2)), {1}), 0, f64);
    j = m.reshape(m.iota(m.reshape(rows, {1}), 0, f64), {ShapedType::kDynamic, 1});
    lengthPlusOne = m.cast(m.add(length, m.scalar(1)), f64);
    edgeCount = m.cast(m.add(mels, m.scalar(2)), f64);
    Value melIds = m.iota(m.reshape(mels, {1}), 0, c.b().getI64Type());
    edgeRow = [&c, melIds](Value edges, int64_t offset) {
      ShapeMath m(c);
      return m.reshape(m.take(edges, m.add(melIds, m.scalar(offset)), 0),
                       {1, ShapedType::kDynamic});
    };
    if (!m.ok())
      return failure();
  } else {
    FailureOr<int64_t> mels = lengthInput(
        c, 0, declared ? out->getDimSize(1) : ShapedType::kDynamic, "num_mel_bins");
    FailureOr<int64_t> length = lengthInput(
        c, 1, declared ? 2 * (out->getDimSize(0) - 1) : ShapedType::kDynamic,
        "dft_length");
    if (failed(mels) || failed(length))
      return failure();
    if (*mels < 1 || *length < 1 || *mels > (1 << 16) || *length > (1 << 24))
      return c.fail("num_mel_bins and dft_length must be positive");
    int64_t rows = *length / 2 + 1;
    std::vector<double> edgeIdValues(*mels + 2), rowIds(rows);
    std::iota(edgeIdValues.begin(), edgeIdValues.end(), 0.0);
    std::iota(rowIds.begin(), rowIds.end(), 0.0);
    edgeIds = c.constant(ConstTensor::ofFloats(dt::Double, {*mels + 2}, edgeIdValues));
    j = c.constant(ConstTensor::ofFloats(dt::Double, {rows, 1}, rowIds));
    lengthPlusOne = c.splat(f64, static_cast<double>(*length + 1));
    edgeCount = c.splat(f64, static_cast<double>(*mels + 2));
    int64_t n = *mels;
    edgeRow = [&c, n](Value edges, int64_t offset) {
      return c.reshape(c.slice(edges, {offset}, {1}, {n}), {1, n});
    };
  }
  auto input = [&](unsigned i) { return c.reshape(c.cast(c.in(i), f64), {}); };
  auto k = [&](double v) { return c.splat(f64, v); };
  using xf::BinaryKind;
  const double ln10 = std::log(10.0);
  // Mel of a frequency, and back.
  auto toMel = [&](Value hz) {
    return ops.bin(BinaryKind::mul, k(2595.0 / ln10),
                   c.unary(xf::UnaryKind::log,
                           ops.bin(BinaryKind::add, k(1), ops.bin(BinaryKind::div, hz, k(700)))));
  };
  Value low = toMel(input(3)), high = toMel(input(4));
  // The reference (and ONNX Runtime) divides the mel range by the number of
  // edges, num_mel_bins + 2, so the last edge stops short of the upper one.
  Value step = ops.bin(BinaryKind::div, ops.bin(BinaryKind::sub, high, low),
                       edgeCount);
  Value edgeMel = ops.bin(BinaryKind::add, ops.bin(BinaryKind::mul, edgeIds, step),
                          low);
  Value edgeHz = ops.bin(BinaryKind::mul, k(700),
                         ops.bin(BinaryKind::sub,
                                 c.unary(xf::UnaryKind::exp,
                                         ops.bin(BinaryKind::mul, edgeMel, k(ln10 / 2595.0))),
                                 k(1)));
  Value edges = c.unary(
      xf::UnaryKind::floor,
      ops.bin(BinaryKind::div,
              ops.bin(BinaryKind::mul, lengthPlusOne, edgeHz),
              input(2)));
  Value left = edgeRow(edges, 0), center = edgeRow(edges, 1),
        right = edgeRow(edges, 2);
  auto between = [&](Value lo, BinaryKind upper, Value hi) {
    return ops.bin(BinaryKind::and_, ops.bin(BinaryKind::ge, j, lo), ops.bin(upper, j, hi));
  };
  // Rising from left to center (a single 1 at center when they coincide).
  Value rising = ops.select(
      ops.bin(BinaryKind::eq, center, left),
      c.cast(ops.bin(BinaryKind::eq, j, center), f64),
      ops.bin(BinaryKind::div, ops.bin(BinaryKind::sub, j, left),
              ops.bin(BinaryKind::sub, center, left)));
  // Falling from center to right, written after the rising side.
  Value falling = ops.bin(BinaryKind::div, ops.bin(BinaryKind::sub, right, j),
                          ops.bin(BinaryKind::sub, right, center));
  Value falls = ops.bin(BinaryKind::and_, ops.bin(BinaryKind::gt, right, center),
                        between(center, BinaryKind::lt, right));
  Value weights = ops.select(falls, falling,
                             ops.select(between(left, BinaryKind::le, center), rising, k(0)));
  if (!ops.ok)
    return failure();
  Type outType = dtypeToType(c.ctx(), *dtype);
  return c.done(c.cast(weights, outType));
}

} // namespace

void registerSignalOps(OpRegistry &r) {
  r.on("DFT", {17}, convertDFT,
       "xf.matmul with cos/sin matrices (O(n * bins)): constants for "
       "static lengths, generated at run time for run-time ones");
  r.on("STFT", {17}, convertSTFT,
       "frames gathered at run-time offsets, then the DFT as xf.matmul; "
       "run-time lengths and frame_step give run-time sizes");
  r.on("MelWeightMatrix", {17}, convertMelWeightMatrix,
       "computed at run time from the sample rate and band edges; "
       "run-time num_mel_bins and dft_length give run-time sizes");
  r.on("HannWindow", {17},
       [](NodeContext &c) { return convertCosineWindow(c, 0.5, 0.5, 0.0); },
       "a constant of a constant or declared size, else computed at run time");
  r.on("HammingWindow", {17},
       [](NodeContext &c) {
         return convertCosineWindow(c, 25.0 / 46.0, 21.0 / 46.0, 0.0);
       },
       "a constant of a constant or declared size, else computed at run time");
  r.on("BlackmanWindow", {17},
       [](NodeContext &c) { return convertCosineWindow(c, 0.42, 0.5, 0.08); },
       "a constant of a constant or declared size, else computed at run time");
}

} // namespace xfc::onnx_import

//===- OpsElementwise.cpp - elementwise ONNX ops -> xf -------------------===//
//
// Unary math and activations (xf.unary), binary arithmetic, comparisons and
// logic (xf.binary), their variadic forms, Clip, Where, Cast, PRelu. Every
// converter folds when its inputs are compile-time constants.
//
//===----------------------------------------------------------------------===//

#include "Fold.h"
#include "NodeContext.h"

#include <cfloat>
#include <cmath>

using namespace mlir;
using xfc::xf::BinaryKind;
using xfc::xf::UnaryKind;

namespace xfc::onnx_import {
namespace {

ConvertFn unaryOp(UnaryKind kind) {
  return [kind](NodeContext &c) -> LogicalResult {
    if (const ConstTensor *t = c.partial(0))
      if (auto folded = foldUnary(kind, *t))
        return c.doneConst(std::move(*folded));
    return c.done(c.unary(kind, c.in(0)));
  };
}

/// An activation with ONNX-default alpha (and beta).
ConvertFn unaryWithParams(UnaryKind kind, const char *alphaName, float alpha,
                          const char *betaName = nullptr, float beta = 0) {
  return [=](NodeContext &c) -> LogicalResult {
    float a = c.attrFloat(alphaName, alpha);
    std::optional<float> b;
    if (betaName)
      b = c.attrFloat(betaName, beta);
    if (c.failed())
      return failure();
    return c.done(c.unary(kind, c.in(0), a, b));
  };
}

LogicalResult binaryValues(NodeContext &c, BinaryKind kind, unsigned lhs,
                           unsigned rhs) {
  const ConstTensor *a = c.partial(lhs), *b = c.partial(rhs);
  if (a && b)
    if (auto folded = foldBinary(kind, *a, *b))
      return c.doneConst(std::move(*folded));
  FailureOr<Value> r = c.binary(kind, c.in(lhs), c.in(rhs));
  return failed(r) ? failure() : c.done(*r);
}

ConvertFn binaryOp(BinaryKind kind) {
  return [kind](NodeContext &c) { return binaryValues(c, kind, 0, 1); };
}

/// Max, Min, Sum, Mean: a left-to-right chain over any number of inputs.
ConvertFn variadicOp(BinaryKind kind, bool mean = false) {
  return [=](NodeContext &c) -> LogicalResult {
    unsigned n = c.numInputs();
    if (n == 0)
      return c.fail("needs at least one input");
    for (unsigned i = 0; i < n; ++i)
      if (!c.has(i))
        return c.fail("inputs must not be empty");
    if (mean && !isa<FloatType>(c.elt(0)))
      return c.fail("Mean needs floating-point inputs");
    if (c.allConstant()) {
      std::optional<ConstTensor> acc = *c.constant(0);
      for (unsigned i = 1; acc && i < n; ++i)
        acc = foldBinary(kind, *acc, *c.constant(i));
      if (acc && mean)
        acc = foldBinary(BinaryKind::div, *acc,
                         ConstTensor::splat(acc->dtype(), {}, n));
      if (acc)
        return c.doneConst(std::move(*acc));
    }
    Value acc = c.in(0);
    for (unsigned i = 1; i < n; ++i) {
      FailureOr<Value> r = c.binary(kind, acc, c.in(i));
      if (failed(r))
        return failure();
      acc = *r;
    }
    if (mean && n > 1) {
      FailureOr<Value> r =
          c.binary(BinaryKind::div, acc, c.splat(c.elt(0), n));
      if (failed(r))
        return failure();
      acc = *r;
    }
    return c.done(acc);
  };
}

LogicalResult convertPow(NodeContext &c) {
  if (c.elt(0) == c.elt(1))
    return binaryValues(c, BinaryKind::pow, 0, 1);
  // The exponent may have another numeric type (opset 12+).
  if (const ConstTensor *e = c.constant(1)) {
    if (const ConstTensor *base = c.constant(0))
      if (auto folded = foldBinary(BinaryKind::pow, *base,
                                   foldCast(*e, base->dtype())))
        return c.doneConst(std::move(*folded));
    ConstTensor exp = foldCast(*e, c.dtype(0));
    FailureOr<Value> r = c.binary(BinaryKind::pow, c.in(0), c.constant(exp));
    return failed(r) ? failure() : c.done(*r);
  }
  FailureOr<Value> r =
      c.binary(BinaryKind::pow, c.in(0), c.cast(c.in(1), c.elt(0)));
  return failed(r) ? failure() : c.done(*r);
}

LogicalResult convertMod(NodeContext &c) {
  bool fmod = c.attrInt("fmod", 0) != 0;
  if (c.failed())
    return failure();
  if (!fmod && isa<FloatType>(c.elt(0)))
    return c.fail("Mod of floating-point values needs fmod=1");
  return binaryValues(c, fmod ? BinaryKind::fmod : BinaryKind::mod, 0, 1);
}

LogicalResult convertBitShift(NodeContext &c) {
  std::string direction = c.attrString("direction", "");
  if (c.failed())
    return failure();
  if (direction != "LEFT" && direction != "RIGHT")
    return c.fail("direction must be LEFT or RIGHT, not '" + direction + "'");
  return binaryValues(c, direction == "LEFT" ? BinaryKind::shl : BinaryKind::shr,
                      0, 1);
}

LogicalResult convertIsInf(NodeContext &c) {
  bool negative = c.attrInt("detect_negative", 1) != 0;
  bool positive = c.attrInt("detect_positive", 1) != 0;
  if (c.failed())
    return failure();
  Value x = c.in(0);
  if (!negative && !positive)
    return c.doneConst(ConstTensor::splatInt(dt::Bool, c.shape(0), 0));
  Value inf = c.unary(UnaryKind::is_inf, x);
  if (negative && positive)
    return c.done(inf);
  FailureOr<Value> sign = c.binary(positive ? BinaryKind::gt : BinaryKind::lt,
                                   x, c.splat(c.elt(0), 0.0));
  if (failed(sign))
    return failure();
  FailureOr<Value> r = c.binary(BinaryKind::and_, inf, *sign);
  return failed(r) ? failure() : c.done(*r);
}

LogicalResult convertClip(NodeContext &c) {
  std::optional<double> lo, hi;
  if (c.since() < 11) {
    if (c.hasAttr("min"))
      lo = c.attrFloat("min", -FLT_MAX);
    if (c.hasAttr("max"))
      hi = c.attrFloat("max", FLT_MAX);
  } else {
    for (unsigned i : {1u, 2u})
      if (c.has(i) && c.constant(i) && c.constant(i)->numElements() != 1)
        return c.fail("min and max must be scalars");
    // Bounds known at run time only: max(x, min) then min(., max).
    if ((c.has(1) && !c.constant(1)) || (c.has(2) && !c.constant(2))) {
      Value y = c.in(0);
      for (unsigned i : {1u, 2u}) {
        if (!c.has(i))
          continue;
        FailureOr<Value> r = c.binary(
            i == 1 ? BinaryKind::max : BinaryKind::min, y, c.in(i));
        if (failed(r))
          return failure();
        y = *r;
      }
      return c.done(y);
    }
    if (c.has(1))
      lo = c.constant(1)->floatAt(0);
    if (c.has(2))
      hi = c.constant(2)->floatAt(0);
  }
  if (c.failed())
    return failure();
  // ONNX: when min > max every value becomes max.
  if (lo && hi && *lo > *hi)
    lo = hi;
  Value x = c.in(0);
  OpBuilder &b = c.b();
  return c.done(xf::ClampOp::create(b, c.loc(), x.getType(),
                                    x, lo ? b.getF64FloatAttr(*lo) : FloatAttr(),
                                    hi ? b.getF64FloatAttr(*hi) : FloatAttr()));
}

LogicalResult convertWhere(NodeContext &c) {
  if (c.allPartial())
    if (auto folded = foldSelect(*c.partial(0), *c.partial(1), *c.partial(2)))
      return c.doneConst(std::move(*folded));
  FailureOr<Value> r = c.select(c.in(0), c.in(1), c.in(2));
  return failed(r) ? failure() : c.done(*r);
}

LogicalResult castTo(NodeContext &c, int32_t to) {
  if (!dtypeToType(c.ctx(), to))
    return c.fail("casting to " + dtypeName(to) + " is not supported");
  if (const ConstTensor *t = c.partial(0))
    if (t->isSplat() || t->numElements() <= kFoldLimit)
      return c.doneConst(foldCast(*t, to));
  if (c.dtype(0) == to)
    return c.done(c.in(0));
  return c.done(c.castDType(c.in(0), c.dtype(0), to));
}

LogicalResult convertCast(NodeContext &c) {
  if (!c.hasAttr("to"))
    return c.fail("attribute 'to' is required");
  int64_t to = c.attrInt("to", 0);
  if (c.failed())
    return failure();
  return castTo(c, static_cast<int32_t>(to));
}

LogicalResult convertPRelu(NodeContext &c) {
  Value x = c.in(0), slope = c.in(1);
  // Before opset 7 a 1-D slope of C values is per channel (axis 1), not
  // numpy-broadcast against the last axis.
  ArrayRef<int64_t> xShape = c.shape(0), slopeShape = c.shape(1);
  if (c.opset() < 7 && slopeShape.size() == 1 && xShape.size() > 2 &&
      slopeShape[0] != 1 &&
      (slopeShape[0] == xShape[1] || ShapedType::isDynamic(xShape[1]))) {
    SmallVector<int64_t> perChannel(xShape.size() - 1, 1);
    perChannel[0] = slopeShape[0];
    slope = c.reshape(slope, perChannel);
  }
  FailureOr<Value> negative =
      c.binary(BinaryKind::lt, x, c.splat(c.elt(0), 0.0));
  FailureOr<Value> scaled = c.binary(BinaryKind::mul, x, slope);
  if (failed(negative) || failed(scaled))
    return failure();
  // The slope broadcasts to x, never x to the slope (a dynamic dimension of
  // x may come back with the slope's static size, checked at run time).
  auto scaledShape = cast<RankedTensorType>(scaled->getType()).getShape();
  if (scaledShape.size() != xShape.size() ||
      llvm::any_of(llvm::zip(scaledShape, xShape), [](auto p) {
        return !ShapedType::isDynamic(std::get<1>(p)) &&
               std::get<0>(p) != std::get<1>(p);
      }))
    return c.fail("slope " + shapeStr(c.shape(1)) +
                  " does not broadcast to the input " + shapeStr(c.shape(0)));
  FailureOr<Value> r = c.select(*negative, *scaled, x);
  return failed(r) ? failure() : c.done(*r);
}

/// x < -lambd ? x + bias : (x > lambd ? x - bias : 0).
LogicalResult convertShrink(NodeContext &c) {
  float lambd = c.attrFloat("lambd", 0.5f), bias = c.attrFloat("bias", 0.0f);
  if (c.failed())
    return failure();
  Value x = c.in(0);
  Type elt = c.elt(0);
  FailureOr<Value> low = c.binary(BinaryKind::lt, x, c.splat(elt, -lambd));
  FailureOr<Value> high = c.binary(BinaryKind::gt, x, c.splat(elt, lambd));
  FailureOr<Value> plus = c.binary(BinaryKind::add, x, c.splat(elt, bias));
  FailureOr<Value> minus = c.binary(BinaryKind::sub, x, c.splat(elt, bias));
  if (failed(low) || failed(high) || failed(plus) || failed(minus))
    return failure();
  FailureOr<Value> inner = c.select(*high, *minus, c.splat(elt, 0.0));
  if (failed(inner))
    return failure();
  FailureOr<Value> y = c.select(*low, *plus, *inner);
  return failed(y) ? failure() : c.done(*y);
}

} // namespace

void registerElementwiseOps(OpRegistry &r) {
  // Unary math.
  r.on("Relu", {6, 13, 14}, unaryOp(UnaryKind::relu));
  r.on("Sigmoid", {6, 13}, unaryOp(UnaryKind::sigmoid));
  r.on("Tanh", {6, 13}, unaryOp(UnaryKind::tanh));
  r.on("Exp", {6, 13}, unaryOp(UnaryKind::exp));
  r.on("Log", {6, 13}, unaryOp(UnaryKind::log));
  r.on("Sqrt", {6, 13}, unaryOp(UnaryKind::sqrt));
  r.on("Reciprocal", {6, 13}, unaryOp(UnaryKind::reciprocal));
  r.on("Neg", {6, 13}, unaryOp(UnaryKind::neg));
  r.on("Abs", {6, 13}, unaryOp(UnaryKind::abs));
  r.on("Ceil", {6, 13}, unaryOp(UnaryKind::ceil));
  r.on("Floor", {6, 13}, unaryOp(UnaryKind::floor));
  r.on("Round", {11}, unaryOp(UnaryKind::round));
  r.on("Sign", {9, 13}, unaryOp(UnaryKind::sign));
  r.on("Erf", {9, 13}, unaryOp(UnaryKind::erf));
  r.on("Sin", {7}, unaryOp(UnaryKind::sin));
  r.on("Cos", {7}, unaryOp(UnaryKind::cos));
  r.on("Tan", {7}, unaryOp(UnaryKind::tan));
  r.on("Asin", {7}, unaryOp(UnaryKind::asin));
  r.on("Acos", {7}, unaryOp(UnaryKind::acos));
  r.on("Atan", {7}, unaryOp(UnaryKind::atan));
  r.on("Sinh", {9}, unaryOp(UnaryKind::sinh));
  r.on("Cosh", {9}, unaryOp(UnaryKind::cosh));
  r.on("Asinh", {9}, unaryOp(UnaryKind::asinh));
  r.on("Acosh", {9}, unaryOp(UnaryKind::acosh));
  r.on("Atanh", {9}, unaryOp(UnaryKind::atanh));
  r.on("Softplus", {1}, unaryOp(UnaryKind::softplus));
  r.on("Softsign", {1}, unaryOp(UnaryKind::softsign));
  r.on("HardSwish", {14}, [](NodeContext &c) {
    // x * hard_sigmoid(x) with ONNX's fixed alpha = 1/6, beta = 0.5.
    return c.done(c.unary(UnaryKind::hard_swish, c.in(0), 1.0f / 6.0f, 0.5f));
  });
  r.on("Not", {1}, unaryOp(UnaryKind::not_));
  r.on("IsNaN", {9, 13}, unaryOp(UnaryKind::is_nan));
  r.on("IsInf", {10}, convertIsInf);

  // Parameterized activations (alpha/beta default to ONNX's values).
  r.on("LeakyRelu", {6, 16},
       unaryWithParams(UnaryKind::leaky_relu, "alpha", 0.01f));
  r.on("Elu", {6}, unaryWithParams(UnaryKind::elu, "alpha", 1.0f));
  r.on("Celu", {12}, unaryWithParams(UnaryKind::celu, "alpha", 1.0f));
  r.on("Selu", {6},
       unaryWithParams(UnaryKind::selu, "alpha", 1.67326319217681884765625f,
                       "gamma", 1.05070102214813232421875f),
       "xf.unary selu: alpha = alpha, beta = gamma");
  r.on("ThresholdedRelu", {10},
       unaryWithParams(UnaryKind::thresholded_relu, "alpha", 1.0f));
  r.on("HardSigmoid", {6},
       unaryWithParams(UnaryKind::hard_sigmoid, "alpha", 0.2f, "beta", 0.5f));
  r.on("PRelu", {6, 7, 9, 16}, convertPRelu,
       "select(x < 0, x * slope, x); before opset 7 a 1-D slope is per channel");

  // Binary arithmetic, comparisons, logic.
  r.on("Add", {7, 13, 14}, binaryOp(BinaryKind::add));
  r.on("Sub", {7, 13, 14}, binaryOp(BinaryKind::sub));
  r.on("Mul", {7, 13, 14}, binaryOp(BinaryKind::mul));
  r.on("Div", {7, 13, 14}, binaryOp(BinaryKind::div));
  r.on("Pow", {7, 12, 13, 15}, convertPow,
       "an exponent of another type is cast to the base type");
  r.on("Mod", {10, 13}, convertMod);
  r.on("BitShift", {11}, convertBitShift);
  r.on("Equal", {7, 11, 13}, binaryOp(BinaryKind::eq));
  r.on("Less", {7, 9, 13}, binaryOp(BinaryKind::lt));
  r.on("LessOrEqual", {12, 16}, binaryOp(BinaryKind::le));
  r.on("Greater", {7, 9, 13}, binaryOp(BinaryKind::gt));
  r.on("GreaterOrEqual", {12, 16}, binaryOp(BinaryKind::ge));
  r.on("And", {7}, binaryOp(BinaryKind::and_));
  r.on("Or", {7}, binaryOp(BinaryKind::or_));
  r.on("Xor", {7}, binaryOp(BinaryKind::xor_));
  r.on("Max", {6, 8, 12, 13}, variadicOp(BinaryKind::max));
  r.on("Min", {6, 8, 12, 13}, variadicOp(BinaryKind::min));
  r.on("Sum", {6, 8, 13}, variadicOp(BinaryKind::add));
  r.on("Mean", {6, 8, 13}, variadicOp(BinaryKind::add, /*mean=*/true));

  r.on("Shrink", {9}, convertShrink);
  r.on("Clip", {6, 11, 12, 13}, convertClip,
       "constant bounds: xf.clamp; run-time bounds: xf.binary max/min");
  r.on("Where", {9, 16}, convertWhere);
  r.on("Cast", {6, 9, 13}, convertCast, "no string types");
  r.on("CastLike", {15}, [](NodeContext &c) { return castTo(c, c.dtype(1)); },
       "no string types");
}

} // namespace xfc::onnx_import

//===- OpsReduction.cpp - reductions and normalizations -> xf ------------===//
//
// Reduce* and ArgMax/ArgMin, Softmax/LogSoftmax/Hardmax, LayerNormalization,
// BatchNormalization (inference: folded into a per-channel scale and shift),
// InstanceNormalization and the global pools.
//
//===----------------------------------------------------------------------===//

#include "Fold.h"
#include "NodeContext.h"
#include "ShapeInputs.h"

#include "dialects/Xf/IR/XfShapes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;
using xfc::xf::BinaryKind;
using xfc::xf::ReduceKind;

namespace xfc::onnx_import {
namespace {

ConvertFn reduceOp(ReduceKind kind) {
  return [kind](NodeContext &c) -> LogicalResult {
    bool keep = c.attrInt("keepdims", 1) != 0;
    bool noop = c.attrInt("noop_with_empty_axes", 0) != 0;
    // Only ReduceSum takes axes as an input in opsets up to 17.
    bool axesInput = c.opType() == "ReduceSum" && c.since() >= 13;
    llvm::SmallVector<int64_t> axes;
    if (axesInput) {
      // An empty run-time list is as good as a constant one.
      bool runTime = c.has(1) && !c.constant(1) &&
                     (!c.type(1).hasStaticShape() ||
                      c.type(1).getNumElements() != 0);
      // Compiled for the declared output shape where there is one, else
      // with the sizes computed at run time.
      if (runTime && !c.failed() &&
          (!c.declaredType(0) || !c.type(0).hasStaticShape() ||
           !c.type(1).hasStaticShape()))
        return reduceWithRunTimeAxes(c, kind, keep, noop);
      if (runTime)
        return c.failed() ? failure() : reduceAtRunTime(c, kind, keep);
      if (c.has(1) && c.constant(1)) {
        auto v = c.constInts(1, "the axes");
        if (failed(v))
          return failure();
        axes = *v;
      }
    } else if (auto a = c.attrInts("axes")) {
      axes = *a;
    }
    if (c.failed())
      return failure();
    int64_t rank = c.rank(0);
    if (axes.empty()) {
      if (noop && axesInput)
        return c.forward(0);
      for (int64_t d = 0; d < rank; ++d)
        axes.push_back(d);
    }
    auto norm = c.normAxes(axes, rank);
    if (failed(norm))
      return failure();
    if (norm->empty())
      return c.forward(0); // A scalar: nothing to reduce.
    if (const ConstTensor *t = c.constant(0))
      if (auto folded = foldReduce(kind, *t, *norm, keep))
        return c.doneConst(std::move(*folded));
    return c.done(c.reduce(kind, c.in(0), *norm, keep));
  };
}

ConvertFn argReduceOp(bool isMax) {
  return [isMax](NodeContext &c) -> LogicalResult {
    int64_t axis = c.attrInt("axis", 0);
    bool keep = c.attrInt("keepdims", 1) != 0;
    bool last = c.attrInt("select_last_index", 0) != 0;
    if (c.failed())
      return failure();
    FailureOr<int64_t> a = c.normAxis(axis, c.rank(0));
    if (failed(a))
      return failure();
    llvm::SmallVector<int64_t> shape(c.shape(0));
    // An empty axis has no element to point at (ONNX Runtime rejects it too).
    if (shape[*a] == 0)
      return c.fail("axis " + llvm::Twine(axis) + " of the input " +
                    shapeStr(shape) + " is empty: there is no extremum to index");
    if (keep)
      shape[*a] = 1;
    else
      shape.erase(shape.begin() + *a);
    auto type = RankedTensorType::get(shape, c.b().getI64Type());
    return c.done(xf::ArgReduceOp::create(c.b(), c.loc(), type, c.in(0),
                                          static_cast<uint64_t>(*a), isMax,
                                          keep, last));
  };
}

ConvertFn softmaxOp(bool log) {
  return [log](NodeContext &c) -> LogicalResult {
    bool coerce2d = c.since() < 13;
    int64_t axis = c.attrInt("axis", coerce2d ? 1 : -1);
    if (c.failed())
      return failure();
    if (!isa<FloatType>(c.elt(0)))
      return c.fail("needs floating-point input");
    int64_t rank = c.rank(0);
    FailureOr<int64_t> a = c.normAxis(axis, rank);
    if (failed(a))
      return failure();
    Value x = c.in(0);
    OpBuilder &b = c.b();
    if (!coerce2d || *a == rank - 1)
      return c.done(xf::SoftmaxOp::create(b, c.loc(), x.getType(), x,
                                          static_cast<uint64_t>(*a), log));
    // Before opset 13 the input is coerced to 2-D [outer, inner] at `axis`
    // and normalized over `inner`.
    llvm::ArrayRef<int64_t> shape = c.shape(0);
    int64_t outer = dimProduct(shape.take_front(*a));
    int64_t inner = dimProduct(shape.drop_front(*a));
    if (ShapedType::isDynamic(inner))
      return c.fail("the dimensions from axis " + llvm::Twine(*a) +
                    " on must be static (opset < 13 coerces to 2-D)");
    Value flat = c.reshape(x, {outer, inner});
    Value sm = xf::SoftmaxOp::create(b, c.loc(), flat.getType(), flat,
                                     static_cast<uint64_t>(1), log);
    return c.done(c.reshape(sm, shape));
  };
}

/// One-hot of the first maximum along an axis: xf.arg_reduce, compared with
/// the positions along the axis, cast to the input type. Before opset 13
/// the input is coerced to 2-D at `axis`, as for Softmax.
LogicalResult convertHardmax(NodeContext &c) {
  bool coerce2d = c.since() < 13;
  int64_t axis = c.attrInt("axis", coerce2d ? 1 : -1);
  if (c.failed())
    return failure();
  if (!isa<FloatType>(c.elt(0)))
    return c.fail("needs floating-point input");
  int64_t rank = c.rank(0);
  if (rank < 1)
    return c.fail("the input must have rank 1 or more");
  FailureOr<int64_t> a = c.normAxis(axis, rank);
  if (failed(a))
    return failure();
  llvm::ArrayRef<int64_t> shape = c.shape(0);
  Value x = c.in(0);
  int64_t along = *a;
  if (coerce2d && along != rank - 1) {
    int64_t inner = dimProduct(shape.drop_front(along));
    if (ShapedType::isDynamic(inner))
      return c.fail("the dimensions from axis " + llvm::Twine(along) +
                    " on must be static (opset < 13 coerces to 2-D)");
    x = c.reshape(x, {dimProduct(shape.take_front(along)), inner});
    along = 1;
  }
  auto xType = cast<RankedTensorType>(x.getType());
  int64_t size = xType.getDimSize(along);
  llvm::SmallVector<int64_t> idxShape(xType.getShape());
  idxShape[along] = 1;
  OpBuilder &b = c.b();
  Value idx = xf::ArgReduceOp::create(
      b, c.loc(), RankedTensorType::get(idxShape, b.getI64Type()), x,
      static_cast<uint64_t>(along), /*is_max=*/true, /*keep_dims=*/true,
      /*select_last_index=*/false);
  // Positions 0..size-1 along the axis, [size, 1, ..., 1].
  llvm::SmallVector<int64_t> iotaShape(xType.getRank() - along, 1);
  Value positions;
  if (ShapedType::isDynamic(size)) {
    positions = runTimeIota(c, tensor::DimOp::create(b, c.loc(), x, along),
                            xType.getRank() - along, 0);
  } else {
    iotaShape[0] = size;
    std::vector<int64_t> iota(size);
    for (int64_t i = 0; i < size; ++i)
      iota[i] = i;
    positions =
        c.constant(ConstTensor::ofInts(dt::Int64, iotaShape, std::move(iota)));
  }
  FailureOr<Value> hit = c.binary(BinaryKind::eq, idx, positions);
  if (failed(hit))
    return failure();
  return c.done(c.reshape(c.cast(*hit, c.elt(0)), shape));
}

/// Shape [C, 1, ..., 1] for per-channel parameters of an input of `rank`.
llvm::SmallVector<int64_t> channelShape(int64_t channels, int64_t rank) {
  llvm::SmallVector<int64_t> shape{channels};
  shape.append(std::max<int64_t>(rank - 2, 0), 1);
  return shape;
}

/// Checks that input `i` is [C] (static C) or [?].
LogicalResult checkChannelParam(NodeContext &c, unsigned i, int64_t channels,
                                const char *what) {
  if (c.rank(i) != 1)
    return c.fail(llvm::Twine(what) + " must be 1-D, not " +
                  shapeStr(c.shape(i)));
  int64_t n = c.shape(i)[0];
  if (!ShapedType::isDynamic(n) && !ShapedType::isDynamic(channels) &&
      n != channels)
    return c.fail(llvm::Twine(what) + " has " + llvm::Twine(n) +
                  " elements for " + llvm::Twine(channels) + " channels");
  return success();
}

/// The mean and the population variance of `x` over `axes`, kept as
/// size-1 dimensions.
FailureOr<std::pair<Value, Value>>
meanAndVariance(NodeContext &c, Value x, llvm::ArrayRef<int64_t> axes) {
  Value mean = c.reduce(xf::ReduceKind::mean, x, axes, /*keepDims=*/true);
  FailureOr<Value> centered = c.binary(BinaryKind::sub, x, mean);
  if (failed(centered))
    return failure();
  FailureOr<Value> squared = c.binary(BinaryKind::mul, *centered, *centered);
  if (failed(squared))
    return failure();
  return std::make_pair(
      mean, c.reduce(xf::ReduceKind::mean, *squared, axes, /*keepDims=*/true));
}

/// The per-channel s = scale / sqrt(var + eps) and t = bias - mean * s of
/// y = x * s + t, from tensors that broadcast against x.
FailureOr<std::pair<Value, Value>> scaleShift(NodeContext &c, Value scale,
                                              Value bias, Value mean, Value var,
                                              float eps) {
  Type elt = cast<RankedTensorType>(scale.getType()).getElementType();
  FailureOr<Value> varEps = c.binary(BinaryKind::add, var, c.splat(elt, eps));
  if (failed(varEps))
    return failure();
  FailureOr<Value> s =
      c.binary(BinaryKind::mul, scale, c.unary(xf::UnaryKind::rsqrt, *varEps));
  if (failed(s))
    return failure();
  FailureOr<Value> ms = c.binary(BinaryKind::mul, mean, *s);
  if (failed(ms))
    return failure();
  FailureOr<Value> t = c.binary(BinaryKind::sub, bias, *ms);
  if (failed(t))
    return failure();
  return std::make_pair(*s, *t);
}

/// Training mode normalizes with the batch's own statistics (over every
/// axis but the channels; the population variance) and also returns the
/// updated running statistics: input * momentum + batch * (1 - momentum).
LogicalResult convertBatchNormTraining(NodeContext &c, float eps) {
  float momentum = c.attrFloat("momentum", 0.9f);
  if (c.failed())
    return failure();
  int64_t rank = c.rank(0), channels = c.shape(0)[1];
  Type elt = c.elt(0);
  Value x = c.in(0);
  SmallVector<int64_t> axes{0};
  for (int64_t d = 2; d < rank; ++d)
    axes.push_back(d);
  FailureOr<std::pair<Value, Value>> stats = meanAndVariance(c, x, axes);
  if (failed(stats))
    return failure();
  auto [mean, var] = *stats;
  auto param = [&](unsigned i) {
    return c.reshape(c.cast(c.in(i), elt), channelShape(channels, rank));
  };
  // The statistics are [1, C, 1, ...]; the parameters [C, 1, ...].
  Value batchMean = c.reshape(mean, channelShape(channels, rank));
  Value batchVar = c.reshape(var, channelShape(channels, rank));
  FailureOr<std::pair<Value, Value>> st =
      scaleShift(c, param(1), param(2), batchMean, batchVar, eps);
  if (failed(st))
    return failure();
  FailureOr<Value> scaled = c.binary(BinaryKind::mul, x, st->first);
  if (failed(scaled))
    return failure();
  FailureOr<Value> y = c.binary(BinaryKind::add, *scaled, st->second);
  if (failed(y))
    return failure();
  c.set(0, *y);
  auto running = [&](unsigned input, Value batch) -> FailureOr<Value> {
    Type t = c.elt(input);
    FailureOr<Value> kept =
        c.binary(BinaryKind::mul, c.in(input), c.splat(t, momentum));
    FailureOr<Value> added = c.binary(
        BinaryKind::mul, c.cast(c.reshape(batch, {channels}), t),
        c.splat(t, 1.0 - static_cast<double>(momentum)));
    if (failed(kept) || failed(added))
      return failure();
    return c.binary(BinaryKind::add, *kept, *added);
  };
  for (auto [out, input, batch] :
       {std::tuple{1u, 3u, mean}, std::tuple{2u, 4u, var}}) {
    if (out >= c.numOutputs() || !c.outputUsed(out))
      continue;
    FailureOr<Value> r = running(input, batch);
    if (failed(r))
      return failure();
    c.set(out, *r);
  }
  return success();
}

LogicalResult convertBatchNorm(NodeContext &c) {
  float eps = c.attrFloat("epsilon", 1e-5f);
  if (c.since() < 9 && c.attrInt("spatial", 1) != 1)
    return c.fail("spatial=0 is not supported");
  bool training = c.since() >= 14 && c.attrInt("training_mode", 0) != 0;
  if (c.failed())
    return failure();
  int64_t rank = c.rank(0);
  if (rank < 2)
    return c.fail("the input must be [N, C, ...]");
  if (!isa<FloatType>(c.elt(0)))
    return c.fail("needs floating-point input");
  int64_t channels = c.shape(0)[1];
  static const char *names[] = {"", "scale", "bias", "mean", "var"};
  for (unsigned i = 1; i <= 4; ++i)
    if (failed(checkChannelParam(c, i, channels, names[i])))
      return failure();
  if (training) {
    return convertBatchNormTraining(c, eps);
  }
  if (failed(c.onlyFirstOutput("the running statistics are outputs of "
                               "training mode only")))
    return failure();
  Type elt = c.elt(0);
  int32_t dtype = c.dtype(0);
  Value x = c.in(0);

  const ConstTensor *scale = c.constant(1), *bias = c.constant(2),
                    *mean = c.constant(3), *var = c.constant(4);
  Value s, t;
  if (scale && bias && mean && var) {
    // y = x * s + t with s = scale / sqrt(var + eps), t = bias - mean * s.
    int64_t n = scale->numElements();
    std::vector<double> sv(n), tv(n);
    for (int64_t i = 0; i < n; ++i) {
      sv[i] = scale->floatAt(i) / std::sqrt(var->floatAt(i) + eps);
      tv[i] = bias->floatAt(i) - mean->floatAt(i) * sv[i];
    }
    auto shape = channelShape(n, rank);
    s = c.constant(ConstTensor::ofFloats(dtype, shape, std::move(sv)));
    t = c.constant(ConstTensor::ofFloats(dtype, shape, std::move(tv)));
  } else {
    auto param = [&](unsigned i) {
      Value v = c.cast(c.in(i), elt);
      return c.reshape(v, channelShape(c.shape(i)[0], rank));
    };
    FailureOr<std::pair<Value, Value>> st =
        scaleShift(c, param(1), param(2), param(3), param(4), eps);
    if (failed(st))
      return failure();
    std::tie(s, t) = *st;
  }
  FailureOr<Value> scaled = c.binary(BinaryKind::mul, x, s);
  if (failed(scaled))
    return failure();
  FailureOr<Value> y = c.binary(BinaryKind::add, *scaled, t);
  return failed(y) ? failure() : c.done(*y);
}

LogicalResult convertInstanceNorm(NodeContext &c) {
  float eps = c.attrFloat("epsilon", 1e-5f);
  if (c.failed())
    return failure();
  int64_t rank = c.rank(0);
  if (rank < 3)
    return c.fail("the input must be [N, C, spatial...]");
  if (!isa<FloatType>(c.elt(0)))
    return c.fail("needs floating-point input");
  int64_t channels = c.shape(0)[1];
  if (failed(checkChannelParam(c, 1, channels, "scale")) ||
      failed(checkChannelParam(c, 2, channels, "bias")))
    return failure();
  Type elt = c.elt(0);
  OpBuilder &b = c.b();
  // Normalize every (n, c) over the spatial dimensions, then apply the
  // per-channel scale and bias.
  Value x = c.in(0);
  Value one = c.splat(elt, 1.0, {1});
  Value norm = xf::LayerNormOp::create(b, c.loc(), x.getType(), x, one,
                                       Value(), static_cast<uint64_t>(2),
                                       llvm::APFloat(eps));
  Value scale = c.reshape(c.cast(c.in(1), elt), channelShape(c.shape(1)[0], rank));
  Value bias = c.reshape(c.cast(c.in(2), elt), channelShape(c.shape(2)[0], rank));
  FailureOr<Value> scaled = c.binary(BinaryKind::mul, norm, scale);
  if (failed(scaled))
    return failure();
  FailureOr<Value> y = c.binary(BinaryKind::add, *scaled, bias);
  return failed(y) ? failure() : c.done(*y);
}

LogicalResult convertLayerNorm(NodeContext &c) {
  int64_t axis = c.attrInt("axis", -1);
  float eps = c.attrFloat("epsilon", 1e-5f);
  int64_t stash = c.attrInt("stash_type", 1);
  if (c.failed())
    return failure();
  if (!isa<FloatType>(c.elt(0)))
    return c.fail("needs floating-point input");
  FailureOr<int64_t> a = c.normAxis(axis, c.rank(0));
  if (failed(a))
    return failure();
  llvm::ArrayRef<int64_t> normalized = c.shape(0).drop_front(*a);
  Value scale = c.in(1), bias = c.has(2) ? c.in(2) : Value();
  for (Value p : {scale, bias}) {
    if (!p)
      continue;
    auto t = llvm::cast<RankedTensorType>(p.getType());
    if (t.getElementType() != c.elt(0))
      return c.fail("scale and bias must have the input's element type");
    if (!xf::isBroadcastableTo(t.getShape(), normalized))
      return c.fail("scale/bias " + shapeStr(t.getShape()) +
                    " does not broadcast to the normalized dimensions " +
                    shapeStr(normalized));
  }
  Value x = c.in(0);
  c.set(0, xf::LayerNormOp::create(c.b(), c.loc(), x.getType(), x, scale, bias,
                                   static_cast<uint64_t>(*a),
                                   llvm::APFloat(eps)));
  if (!c.outputUsed(1) && !c.outputUsed(2))
    return success();
  // Mean and InvStdDev (outputs 1 and 2), kept as [..., 1, ..., 1], in the
  // stash type (float unless stash_type says otherwise).
  Type elt = c.elt(0), statElt = stash == 1 ? c.b().getF32Type() : elt;
  llvm::SmallVector<int64_t> axes;
  for (int64_t d = *a; d < c.rank(0); ++d)
    axes.push_back(d);
  FailureOr<std::pair<Value, Value>> stats = meanAndVariance(c, x, axes);
  if (failed(stats))
    return failure();
  auto [mean, var] = *stats;
  FailureOr<Value> varEps = c.binary(BinaryKind::add, var, c.splat(elt, eps));
  if (failed(varEps))
    return failure();
  c.set(1, c.cast(mean, statElt));
  c.set(2, c.cast(c.unary(xf::UnaryKind::rsqrt, *varEps), statElt));
  return success();
}

/// (x - mean) / (sqrt(E[x^2] - mean^2) + 1e-9) over `axes`, as ONNX's
/// function body computes it.
LogicalResult convertMVN(NodeContext &c) {
  llvm::SmallVector<int64_t> axes{0, 2, 3};
  if (auto a = c.attrInts("axes"))
    axes = *a;
  if (c.failed())
    return failure();
  if (!isa<FloatType>(c.elt(0)))
    return c.fail("needs floating-point input");
  auto norm = c.normAxes(axes, c.rank(0));
  if (failed(norm))
    return failure();
  Value x = c.in(0);
  Type elt = c.elt(0);
  Value mean = c.reduce(ReduceKind::mean, x, *norm, /*keepDims=*/true);
  FailureOr<Value> sq = c.binary(BinaryKind::mul, x, x);
  if (failed(sq))
    return failure();
  Value sqMean = c.reduce(ReduceKind::mean, *sq, *norm, true);
  FailureOr<Value> meanSq = c.binary(BinaryKind::mul, mean, mean);
  if (failed(meanSq))
    return failure();
  FailureOr<Value> var = c.binary(BinaryKind::sub, sqMean, *meanSq);
  if (failed(var))
    return failure();
  FailureOr<Value> den = c.binary(BinaryKind::add, c.unary(xf::UnaryKind::sqrt, *var),
                                  c.splat(elt, 1e-9));
  FailureOr<Value> centered = c.binary(BinaryKind::sub, x, mean);
  if (failed(den) || failed(centered))
    return failure();
  FailureOr<Value> y = c.binary(BinaryKind::div, *centered, *den);
  return failed(y) ? failure() : c.done(*y);
}

/// x / ||x||_p along `axis` (p = 1 or 2).
LogicalResult convertLpNorm(NodeContext &c) {
  int64_t axis = c.attrInt("axis", -1), p = c.attrInt("p", 2);
  if (c.failed())
    return failure();
  if (p != 1 && p != 2)
    return c.fail("p must be 1 or 2, not " + llvm::Twine(p));
  if (!isa<FloatType>(c.elt(0)))
    return c.fail("needs floating-point input");
  FailureOr<int64_t> a = c.normAxis(axis, c.rank(0));
  if (failed(a))
    return failure();
  Value x = c.in(0);
  Value n = c.reduce(p == 1 ? ReduceKind::l1 : ReduceKind::l2, x, {*a}, true);
  FailureOr<Value> y = c.binary(BinaryKind::div, x, n);
  return failed(y) ? failure() : c.done(*y);
}

ConvertFn globalPoolOp(ReduceKind kind) {
  return [kind](NodeContext &c) -> LogicalResult {
    int64_t rank = c.rank(0);
    if (rank < 3)
      return c.fail("the input must be [N, C, spatial...]");
    if (!isa<FloatType>(c.elt(0)))
      return c.fail("needs floating-point input");
    llvm::SmallVector<int64_t> axes;
    for (int64_t d = 2; d < rank; ++d)
      axes.push_back(d);
    return c.done(c.reduce(kind, c.in(0), axes, /*keepDims=*/true));
  };
}

} // namespace

void registerReductionOps(OpRegistry &r) {
  const char *axesNote = "run-time axes: with a declared static output "
                         "shape each fitting set of axes is computed and "
                         "one chosen at run time, else one axis at a time";
  r.on("ReduceSum", {1, 11, 13}, reduceOp(ReduceKind::sum), axesNote);
  r.on("ReduceMean", {1, 11, 13}, reduceOp(ReduceKind::mean));
  r.on("ReduceMax", {1, 11, 12, 13}, reduceOp(ReduceKind::max));
  r.on("ReduceMin", {1, 11, 12, 13}, reduceOp(ReduceKind::min));
  r.on("ReduceProd", {1, 11, 13}, reduceOp(ReduceKind::prod));
  r.on("ReduceL1", {1, 11, 13}, reduceOp(ReduceKind::l1));
  r.on("ReduceL2", {1, 11, 13}, reduceOp(ReduceKind::l2));
  r.on("ReduceLogSum", {1, 11, 13}, reduceOp(ReduceKind::log_sum));
  r.on("ReduceLogSumExp", {1, 11, 13}, reduceOp(ReduceKind::log_sum_exp));
  r.on("ReduceSumSquare", {1, 11, 13}, reduceOp(ReduceKind::sum_square));
  r.on("ArgMax", {1, 11, 12, 13}, argReduceOp(/*isMax=*/true));
  r.on("ArgMin", {1, 11, 12, 13}, argReduceOp(/*isMax=*/false));

  r.on("Softmax", {1, 11, 13}, softmaxOp(/*log=*/false),
       "opset < 13: coerced to 2-D with xf.reshape");
  r.on("LogSoftmax", {1, 11, 13}, softmaxOp(/*log=*/true),
       "opset < 13: coerced to 2-D with xf.reshape");
  r.on("Hardmax", {1, 11, 13}, convertHardmax,
       "xf.arg_reduce + compare; opset < 13: coerced to 2-D with xf.reshape");
  r.on("LayerNormalization", {17}, convertLayerNorm,
       "Mean/InvStdDev outputs computed with xf.reduce when used");
  r.on("BatchNormalization", {6, 7, 9, 14, 15}, convertBatchNorm,
       "constant parameters fold into scale/shift; training_mode normalizes "
       "with the batch statistics and returns the running ones");
  r.on("InstanceNormalization", {6}, convertInstanceNorm,
       "xf.layer_norm over spatial axes + per-channel scale/bias");
  r.on("MeanVarianceNormalization", {9, 13}, convertMVN);
  r.on("LpNormalization", {1}, convertLpNorm, "p = 1 or 2");
  r.on("GlobalAveragePool", {1}, globalPoolOp(ReduceKind::mean),
       "xf.reduce mean over spatial axes");
  r.on("GlobalMaxPool", {1}, globalPoolOp(ReduceKind::max),
       "xf.reduce max over spatial axes");
}

} // namespace xfc::onnx_import

//===- OpsImage.cpp - image layout ops -> xf ------------------------------===//
//
// Ops on [N, C, spatial...] images that xf expresses with reshapes,
// transposes and broadcasts: DepthToSpace/SpaceToDepth, nearest-neighbour
// Resize/Upsample by integer factors (each pixel repeated), and LRN (a sum of
// squares over neighbouring channels, computed as an average pool). Every
// other Resize/Upsample becomes xf.resize; scales or sizes given at run time
// take the output shape from the model's declaration when the input shape is
// static, else the output sizes are computed at run time (xf.resize's
// output_sizes). Dynamic C, H or W make DepthToSpace/SpaceToDepth and LRN
// explicit expand_shape/collapse_shape with run-time sizes. GridSample
// becomes xf.grid_sample, RoiAlign xf.roi_align (their lowerings read and
// check dynamic sizes).
//
//===----------------------------------------------------------------------===//

#include "Fold.h"
#include "NodeContext.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;
using xfc::xf::BinaryKind;

namespace xfc::onnx_import {
namespace {

/// Size `d` of `x` as an OpFoldResult: the static size, or tensor.dim.
OpFoldResult dimOf(NodeContext &c, Value x, int64_t d) {
  auto t = llvm::cast<RankedTensorType>(x.getType());
  if (!t.isDynamicDim(d))
    return c.b().getIndexAttr(t.getDimSize(d));
  return tensor::DimOp::create(c.b(), c.loc(), x, d).getResult();
}

/// Size `d` of input 0 divided by `k` (static where it is), after a check
/// at run time that `k` divides it. The truncated quotient keeps the views
/// below inside the input even when the check fails.
OpFoldResult dividedDim(NodeContext &c, int64_t d, int64_t k, const llvm::Twine &what) {
  int64_t s = c.shape(0)[d];
  if (!ShapedType::isDynamic(s))
    return c.b().getIndexAttr(s / k);
  OpBuilder &b = c.b();
  Location loc = c.loc();
  Value size = tensor::DimOp::create(b, loc, c.in(0), d);
  Value divisor = arith::ConstantIndexOp::create(b, loc, k);
  Value ok = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                   arith::RemUIOp::create(b, loc, size, divisor),
                                   arith::ConstantIndexOp::create(b, loc, 0));
  c.check(tensor::FromElementsOp::create(b, loc, RankedTensorType::get({}, b.getI1Type()),
                                         ValueRange{ok}),
          what);
  return arith::DivUIOp::create(b, loc, size, divisor).getResult();
}

/// The static shape of explicit sizes (dynamic where a size is a value).
llvm::SmallVector<int64_t> staticShapeOf(llvm::ArrayRef<OpFoldResult> sizes) {
  llvm::SmallVector<int64_t> shape;
  for (OpFoldResult s : sizes)
    shape.push_back(getConstantIntValue(s).value_or(ShapedType::kDynamic));
  return shape;
}

/// DepthToSpace / SpaceToDepth when C, H or W is dynamic: the same
/// expand -> transpose -> collapse, with the expanded sizes given
/// explicitly (the block size is static, so every group has one dynamic
/// size at most) and divisibility checked at run time.
LogicalResult convertDepthSpaceDynamic(NodeContext &c, bool toSpace, int64_t bs,
                                       bool dcr) {
  Value x = c.in(0);
  Type elt = c.elt(0);
  OpBuilder &b = c.b();
  Location loc = c.loc();
  auto bsAttr = b.getIndexAttr(bs);
  llvm::SmallVector<OpFoldResult> expanded;
  llvm::SmallVector<ReassociationIndices> expandGroups, collapseGroups;
  llvm::SmallVector<int64_t> perm;
  if (toSpace) {
    OpFoldResult cc = dividedDim(c, 1, bs * bs, "channels must be divisible by blocksize^2");
    if (dcr) {
      expanded = {dimOf(c, x, 0), bsAttr, bsAttr, cc, dimOf(c, x, 2), dimOf(c, x, 3)};
      perm = {0, 3, 4, 1, 5, 2};
    } else {
      expanded = {dimOf(c, x, 0), cc, bsAttr, bsAttr, dimOf(c, x, 2), dimOf(c, x, 3)};
      perm = {0, 1, 4, 2, 5, 3};
    }
    expandGroups = {{0}, {1, 2, 3}, {4}, {5}};
    collapseGroups = {{0}, {1}, {2, 3}, {4, 5}};
  } else {
    expanded = {dimOf(c, x, 0), dimOf(c, x, 1),
                dividedDim(c, 2, bs, "H must be divisible by blocksize"), bsAttr,
                dividedDim(c, 3, bs, "W must be divisible by blocksize"), bsAttr};
    perm = {0, 3, 5, 1, 2, 4};
    expandGroups = {{0}, {1}, {2, 3}, {4, 5}};
    collapseGroups = {{0}, {1, 2, 3}, {4}, {5}};
  }
  llvm::SmallVector<int64_t> shape = staticShapeOf(expanded);
  Value v = tensor::ExpandShapeOp::create(b, loc, RankedTensorType::get(shape, elt), x,
                                          expandGroups, expanded);
  v = c.transpose(v, perm);
  auto t = llvm::cast<RankedTensorType>(v.getType());
  llvm::SmallVector<int64_t> out;
  for (const ReassociationIndices &group : collapseGroups) {
    llvm::SmallVector<int64_t> sizes;
    for (int64_t d : group)
      sizes.push_back(t.getDimSize(d));
    out.push_back(dimProduct(sizes));
  }
  return c.done(tensor::CollapseShapeOp::create(b, loc, RankedTensorType::get(out, elt), v,
                                                collapseGroups));
}

/// DepthToSpace / SpaceToDepth as reshape -> transpose -> reshape.
LogicalResult convertDepthSpace(NodeContext &c, bool toSpace) {
  int64_t bs = c.attrInt("blocksize", 0);
  std::string mode = c.attrString("mode", "DCR");
  if (c.failed())
    return failure();
  if (bs < 1)
    return c.fail("blocksize must be positive");
  if (c.rank(0) != 4)
    return c.fail("the input must be [N, C, H, W]");
  llvm::ArrayRef<int64_t> s = c.shape(0);
  int64_t n = s[0], ch = s[1], h = s[2], w = s[3];
  if (toSpace && mode != "DCR" && mode != "CRD")
    return c.fail("mode must be DCR or CRD");
  if (ShapedType::isDynamic(ch) || ShapedType::isDynamic(h) ||
      ShapedType::isDynamic(w)) {
    if (toSpace ? !ShapedType::isDynamic(ch) && ch % (bs * bs) != 0
                : (!ShapedType::isDynamic(h) && h % bs != 0) ||
                      (!ShapedType::isDynamic(w) && w % bs != 0))
      return c.fail(toSpace ? "channels are not divisible by blocksize^2"
                            : "H and W are not divisible by blocksize");
    return convertDepthSpaceDynamic(c, toSpace, bs, mode == "DCR");
  }
  llvm::SmallVector<int64_t> first, perm, out;
  if (toSpace) {
    if (ch % (bs * bs) != 0)
      return c.fail("channels are not divisible by blocksize^2");
    int64_t cc = ch / (bs * bs);
    if (mode == "DCR") {
      first = {n, bs, bs, cc, h, w};
      perm = {0, 3, 4, 1, 5, 2};
    } else {
      first = {n, cc, bs, bs, h, w};
      perm = {0, 1, 4, 2, 5, 3};
    }
    out = {n, cc, h * bs, w * bs};
  } else {
    if (h % bs != 0 || w % bs != 0)
      return c.fail("H and W are not divisible by blocksize");
    first = {n, ch, h / bs, bs, w / bs, bs};
    perm = {0, 3, 5, 1, 2, 4};
    out = {n, ch * bs * bs, h / bs, w / bs};
  }
  Value x = c.reshape(c.in(0), first);
  x = c.transpose(x, perm);
  return c.done(c.reshape(x, out));
}

/// Repeats every element `factors[d]` times along each dimension d:
/// reshape [.., d, ..] -> [.., d, 1, ..], broadcast to [.., d, f, ..],
/// reshape to [.., d * f, ..].
LogicalResult repeatEach(NodeContext &c, llvm::ArrayRef<int64_t> factors) {
  llvm::ArrayRef<int64_t> in = c.shape(0);
  llvm::SmallVector<int64_t> expanded, broadcast, out;
  for (size_t d = 0; d < in.size(); ++d) {
    expanded.push_back(in[d]);
    broadcast.push_back(in[d]);
    if (factors[d] != 1) {
      expanded.push_back(1);
      broadcast.push_back(factors[d]);
    }
    out.push_back(ShapedType::isDynamic(in[d]) ? ShapedType::kDynamic
                                               : dimProduct({in[d], factors[d]}));
  }
  if (llvm::all_of(factors, [](int64_t f) { return f == 1; }))
    return c.forward(0);
  Value x = c.reshape(c.in(0), expanded);
  FailureOr<Value> b = c.broadcastTo(x, broadcast);
  if (failed(b))
    return failure();
  return c.done(c.reshape(*b, out));
}

/// Nearest resizing by whole factors is "repeat each element" exactly when
/// the coordinate mapping never rounds a sample into the next pixel.
bool repeatsEachElement(llvm::ArrayRef<int64_t> factors, xf::CoordinateMode ctm,
                        xf::NearestMode nearest) {
  using CM = xf::CoordinateMode;
  using NM = xf::NearestMode;
  int64_t largest = *llvm::max_element(factors);
  if (largest == 1)
    return ctm != CM::tf_half_pixel_for_nn && ctm != CM::tf_crop_and_resize;
  if (ctm == CM::asymmetric)
    return nearest == NM::floor ||
           (nearest == NM::round_prefer_floor && largest <= 2);
  if (ctm == CM::half_pixel || ctm == CM::pytorch_half_pixel)
    return nearest == NM::round_prefer_floor || nearest == NM::round_prefer_ceil;
  if (ctm == CM::tf_half_pixel_for_nn)
    return nearest == NM::floor;
  return false;
}

/// What Resize and Upsample have in common once their inputs are read: the
/// output shape, the scales operand (constant or a run-time input) and,
/// when every factor is a compile-time whole number, those factors.
struct ResizePlan {
  llvm::SmallVector<int64_t> out;
  Value scales;
  std::optional<llvm::SmallVector<int64_t>> wholeFactors;
};

/// The declared output shape, for run-time scales or sizes (`what`).
FailureOr<llvm::SmallVector<int64_t>> declaredOutput(NodeContext &c,
                                                     llvm::StringRef what) {
  FailureOr<RankedTensorType> t = c.declaredOutput(what);
  if (failed(t))
    return failure();
  if (t->getRank() != c.rank(0))
    return c.fail("the declared output " + shapeStr(t->getShape()) +
                  " does not have the input's rank");
  return llvm::SmallVector<int64_t>(t->getShape());
}

/// Checks at run time that the scales (input `idx`) give `out`:
/// floor(in * scale) in single precision, as ONNX's shape inference does.
LogicalResult checkScalesGive(NodeContext &c, unsigned idx,
                              llvm::ArrayRef<int64_t> out) {
  Type f32 = c.b().getF32Type();
  int64_t rank = c.rank(0);
  llvm::ArrayRef<int64_t> in = c.shape(0);
  Value inSizes = c.constant(ConstTensor::ofFloats(
      dt::Float, {rank}, std::vector<double>(in.begin(), in.end())));
  FailureOr<Value> scaled =
      c.binary(xf::BinaryKind::mul, inSizes, c.cast(c.in(idx), f32));
  if (failed(scaled))
    return failure();
  Value sizes = c.cast(c.unary(xf::UnaryKind::floor, *scaled),
                       c.b().getI64Type());
  FailureOr<Value> ok = c.binary(
      xf::BinaryKind::eq, sizes,
      c.constant(ConstTensor::ofInts(dt::Int64, {rank},
                                     std::vector<int64_t>(out.begin(), out.end()))));
  if (failed(ok))
    return failure();
  c.check(*ok, "the scales must resize " + shapeStr(in) + " to the declared " +
                   shapeStr(out));
  return success();
}

/// Scales given as input `idx` (or `attrScales`): output floor(in * scale).
FailureOr<ResizePlan> planFromScales(NodeContext &c, unsigned idx,
                                     const std::vector<double> *attrScales) {
  ResizePlan p;
  int64_t rank = c.rank(0);
  llvm::ArrayRef<int64_t> in = c.shape(0);
  std::vector<double> scales;
  const ConstTensor *t = attrScales ? nullptr : c.constant(idx);
  if (attrScales)
    scales = *attrScales;
  else if (t)
    scales = t->floats();
  if (attrScales || t) {
    if (static_cast<int64_t>(scales.size()) != rank)
      return c.fail("has " + llvm::Twine(scales.size()) + " scales for rank " +
                    llvm::Twine(rank));
    bool whole = true;
    llvm::SmallVector<int64_t> factors;
    for (int64_t d = 0; d < rank; ++d) {
      double s = scales[d];
      if (!(s > 0.0 && s <= 1024.0))
        return c.fail("scale " + std::to_string(s) +
                      " must be positive and at most 1024");
      // ONNX's shape inference multiplies in single precision.
      p.out.push_back(static_cast<int64_t>(
          std::floor(static_cast<float>(in[d]) * static_cast<float>(s))));
      whole &= s == std::floor(s);
      factors.push_back(static_cast<int64_t>(s));
    }
    if (whole)
      p.wholeFactors = factors;
    if (attrScales)
      p.scales = c.constant(ConstTensor::ofFloats(dt::Float, {rank}, scales));
    else
      p.scales = c.in(idx);
    return p;
  }
  if (c.shape(idx) != llvm::ArrayRef<int64_t>{rank} || !isa<FloatType>(c.elt(idx)))
    return c.fail("the scales " + shapeStr(c.shape(idx)) +
                  " must be a float tensor of " + llvm::Twine(rank) +
                  " elements");
  auto out = declaredOutput(c, "the scales");
  if (failed(out) || failed(checkScalesGive(c, idx, *out)))
    return failure();
  p.out = *out;
  p.scales = c.in(idx);
  return p;
}

/// Sizes given as input `idx`: scales are sizes / input sizes (f64).
FailureOr<ResizePlan> planFromSizes(NodeContext &c, unsigned idx) {
  ResizePlan p;
  int64_t rank = c.rank(0);
  llvm::ArrayRef<int64_t> in = c.shape(0);
  if (c.constant(idx)) {
    auto sizes = c.constInts(idx, "the sizes");
    if (failed(sizes))
      return failure();
    if (static_cast<int64_t>(sizes->size()) != rank)
      return c.fail("sizes " + listStr(*sizes) + " do not match the input rank");
    p.out = *sizes;
  } else {
    if (c.shape(idx) != llvm::ArrayRef<int64_t>{rank})
      return c.fail("the sizes " + shapeStr(c.shape(idx)) + " must have " +
                    llvm::Twine(rank) + " elements");
    auto out = declaredOutput(c, "the sizes");
    if (failed(out) || failed(c.checkEquals(idx, *out, "the sizes")))
      return failure();
    p.out = *out;
  }
  std::vector<double> scales;
  llvm::SmallVector<int64_t> factors;
  bool whole = true;
  for (int64_t d = 0; d < rank; ++d) {
    if (p.out[d] < 1 || p.out[d] > kMaxDim)
      return c.fail("output size " + llvm::Twine(p.out[d]) + " is not supported");
    scales.push_back(static_cast<double>(p.out[d]) / static_cast<double>(in[d]));
    whole &= p.out[d] % in[d] == 0;
    factors.push_back(p.out[d] / in[d]);
  }
  if (whole)
    p.wholeFactors = factors;
  p.scales = c.constant(ConstTensor::ofFloats(dt::Double, {rank}, scales));
  return p;
}

/// Builds the resize of input 0 per `plan`: a repeat when that is exact,
/// else xf.resize.
LogicalResult emitResize(NodeContext &c, const ResizePlan &plan,
                         xf::ResizeMode mode, xf::CoordinateMode ctm,
                         xf::NearestMode nearest, double cubicA, bool exclude,
                         double extrapolation, Value roi) {
  llvm::ArrayRef<int64_t> in = c.shape(0);
  for (int64_t d = 0; d < c.rank(0); ++d)
    if (plan.out[d] < 1 || plan.out[d] > kMaxDim)
      return c.fail("resizes dimension " + llvm::Twine(d) + " of " +
                    shapeStr(in) + " to " + llvm::Twine(plan.out[d]) +
                    " elements");
  if (!saneShape(plan.out))
    return c.fail("the output " + shapeStr(plan.out) + " is too large");
  // The lowering gathers every combination of taps of the resampled
  // dimensions (2^n linear, 4^n cubic): keep that bounded.
  bool constScales = static_cast<bool>(plan.scales.getDefiningOp<arith::ConstantOp>());
  int64_t resampled = 0;
  for (int64_t d = 0; d < c.rank(0); ++d)
    resampled += in[d] != plan.out[d] || (in[d] > 1 && !constScales);
  int64_t tapBits = mode == xf::ResizeMode::linear ? 1 : mode == xf::ResizeMode::cubic ? 2 : 0;
  if (tapBits * resampled > 12)
    return c.fail("resamples " + llvm::Twine(resampled) +
                  " dimensions; at most " + llvm::Twine(12 / tapBits) +
                  " are supported in this mode");
  if (mode == xf::ResizeMode::nearest && plan.wholeFactors &&
      repeatsEachElement(*plan.wholeFactors, ctm, nearest)) {
    bool matches = true;
    for (int64_t d = 0; d < c.rank(0); ++d)
      matches &= plan.out[d] == in[d] * (*plan.wholeFactors)[d];
    if (matches)
      return repeatEach(c, *plan.wholeFactors);
  }
  if (mode != xf::ResizeMode::nearest && !isa<FloatType>(c.elt(0)))
    return c.fail("linear and cubic resizing need a floating-point input");
  auto type = RankedTensorType::get(plan.out, c.elt(0));
  return c.done(xf::ResizeOp::create(
      c.b(), c.loc(), type, mode, c.in(0), plan.scales, roi, ValueRange{}, ctm,
      nearest, llvm::APFloat(cubicA), exclude, llvm::APFloat(extrapolation)));
}

/// Where a resize's output shape comes from: scales (input `idx`, or the
/// attribute `attrScales` of Upsample-7) or sizes (input `idx`).
struct ResizeSource {
  unsigned idx = 0;
  bool sizes = false;
  const std::vector<double> *attrScales = nullptr;
};

/// Input 0's sizes as a [rank] tensor of float type `elt`: constants where
/// static, tensor.dim where dynamic.
Value inputSizes(NodeContext &c, Type elt) {
  OpBuilder &b = c.b();
  Location loc = c.loc();
  llvm::SmallVector<Value> sizes;
  for (int64_t d = 0; d < c.rank(0); ++d) {
    int64_t s = c.shape(0)[d];
    Value i = ShapedType::isDynamic(s)
                  ? (Value)arith::IndexCastOp::create(b, loc, b.getI64Type(),
                                                      tensor::DimOp::create(b, loc, c.in(0), d))
                  : (Value)arith::ConstantIntOp::create(b, loc, s, 64);
    sizes.push_back(arith::SIToFPOp::create(b, loc, elt, i));
  }
  return tensor::FromElementsOp::create(
      b, loc, RankedTensorType::get({c.rank(0)}, elt), sizes);
}

/// `v`, a 1-D tensor whose length the op before it checked to be `n`, as
/// tensor<n x elt>.
Value withLength(NodeContext &c, Value v, int64_t n) {
  auto t = llvm::cast<RankedTensorType>(v.getType());
  if (!t.isDynamicDim(0))
    return v;
  return tensor::CastOp::create(c.b(), c.loc(),
                                RankedTensorType::get({n}, t.getElementType()), v);
}

/// The resize of input 0 when its shape or the scales or sizes that give
/// the output shape are only known at run time. The output's dynamic sizes
/// are computed here and passed to xf.resize: floor(in * scale) in single
/// precision (ONNX's shape inference), or the sizes. A run-time scales or
/// sizes input of unknown length meets the [rank] input sizes in an
/// xf.binary first, whose lowering checks the length before anything reads
/// the values; the values are checked with xf.assert and clamped into
/// [0, kMaxDim], so a bad value never sizes a buffer wrongly.
LogicalResult emitResizeAtRunTime(NodeContext &c, const ResizeSource &src,
                                  xf::ResizeMode mode, xf::CoordinateMode ctm,
                                  xf::NearestMode nearest, double cubicA,
                                  bool exclude, double extrapolation, Value roi) {
  OpBuilder &b = c.b();
  Location loc = c.loc();
  int64_t rank = c.rank(0);
  llvm::ArrayRef<int64_t> in = c.shape(0);
  Type f32 = b.getF32Type(), f64 = b.getF64Type(), i64 = b.getI64Type();
  Value x = c.in(0);
  llvm::SmallVector<int64_t> out(rank, ShapedType::kDynamic);
  llvm::SmallVector<Value> outSizes(rank);
  // Dimensions whose constant scale is 1 (the lowering may copy them).
  llvm::SmallVector<bool> unitScale(rank, false);
  Value scales;
  const ConstTensor *known = src.attrScales ? nullptr : c.constant(src.idx);
  if (!src.attrScales && !known) {
    llvm::ArrayRef<int64_t> shape = c.shape(src.idx);
    if (shape.size() != 1 || (shape[0] != rank && !ShapedType::isDynamic(shape[0])) ||
        (ShapedType::isDynamic(shape[0]) && rank == 1))
      return c.fail("the " + llvm::Twine(src.sizes ? "sizes " : "scales ") +
                    shapeStr(shape) + " must have " + llvm::Twine(rank) +
                    " elements" + (rank == 1 ? " (a static length for rank 1)" : ""));
  }
  // An element of a [rank] tensor as a scalar.
  auto at = [&](Value t, int64_t d) -> Value {
    return tensor::ExtractOp::create(b, loc, t,
                                     ValueRange{arith::ConstantIndexOp::create(b, loc, d)});
  };
  // A run-time size (i64 scalar) clamped into [0, kMaxDim], as an index.
  auto sizeIndex = [&](Value v) -> Value {
    v = arith::MaxSIOp::create(b, loc, v, arith::ConstantIntOp::create(b, loc, 0, 64));
    v = arith::MinSIOp::create(b, loc, v, arith::ConstantIntOp::create(b, loc, kMaxDim, 64));
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
  };
  ChainedOps ops{c};
  if (!src.sizes) {
    if (src.attrScales || known) {
      std::vector<double> values = src.attrScales ? *src.attrScales : known->floats();
      if (static_cast<int64_t>(values.size()) != rank)
        return c.fail("has " + llvm::Twine(values.size()) + " scales for rank " +
                      llvm::Twine(rank));
      for (int64_t d = 0; d < rank; ++d) {
        double s = values[d];
        if (!(s > 0.0 && s <= 1024.0))
          return c.fail("scale " + std::to_string(s) +
                        " must be positive and at most 1024");
        float sf = static_cast<float>(s);
        unitScale[d] = s == 1.0;
        if (!ShapedType::isDynamic(in[d])) {
          out[d] = static_cast<int64_t>(std::floor(static_cast<float>(in[d]) * sf));
        } else if (s == 1.0) {
          // The lowering copies such a dimension (it sees tensor.dim).
          outSizes[d] = tensor::DimOp::create(b, loc, x, d);
        } else {
          Value n = arith::SIToFPOp::create(
              b, loc, f32,
              arith::IndexCastOp::create(b, loc, i64, tensor::DimOp::create(b, loc, x, d)));
          // Both factors are positive, so truncation is the floor.
          Value scaled = arith::MulFOp::create(
              b, loc, n, arith::ConstantFloatOp::create(b, loc, b.getF32Type(), llvm::APFloat(sf)));
          outSizes[d] = sizeIndex(arith::FPToSIOp::create(b, loc, i64, scaled));
        }
      }
      scales = src.attrScales
                   ? c.constant(ConstTensor::ofFloats(dt::Float, {rank}, values))
                   : c.in(src.idx);
    } else {
      if (!isa<FloatType>(c.elt(src.idx)))
        return c.fail("the scales must be a float tensor");
      Value raw = c.in(src.idx);
      Value scaled = ops.bin(BinaryKind::mul, inputSizes(c, f32), c.cast(raw, f32));
      scales = withLength(c, raw, rank);
      Type elt = c.elt(src.idx);
      c.check(ops.bin(BinaryKind::gt, scales, c.splat(elt, 0.0)),
              "the scales must be positive");
      Value floored = c.unary(xf::UnaryKind::floor, scaled);
      for (int64_t d = 0; d < rank; ++d) {
        // NaN and anything beyond the i64 range become a bound first.
        Value v = arith::MaxNumFOp::create(b, loc, at(floored, d),
                                           arith::ConstantFloatOp::create(b, loc, b.getF32Type(), llvm::APFloat(0.0f)));
        v = arith::MinNumFOp::create(
            b, loc, v,
            arith::ConstantFloatOp::create(b, loc, b.getF32Type(), llvm::APFloat(static_cast<float>(kMaxDim))));
        outSizes[d] = sizeIndex(arith::FPToSIOp::create(b, loc, i64, v));
      }
    }
  } else {
    Value sizesF;
    if (known) {
      auto sizes = c.constInts(src.idx, "the sizes");
      if (failed(sizes))
        return failure();
      if (static_cast<int64_t>(sizes->size()) != rank)
        return c.fail("sizes " + listStr(*sizes) + " do not match the input rank");
      for (int64_t d = 0; d < rank; ++d) {
        if ((*sizes)[d] < 1 || (*sizes)[d] > kMaxDim)
          return c.fail("output size " + llvm::Twine((*sizes)[d]) + " is not supported");
        out[d] = (*sizes)[d];
      }
      std::vector<double> values(sizes->begin(), sizes->end());
      sizesF = c.constant(ConstTensor::ofFloats(dt::Double, {rank}, values));
      scales = ops.bin(BinaryKind::div, sizesF, inputSizes(c, f64));
    } else {
      if (!isa<IntegerType>(c.elt(src.idx)))
        return c.fail("the sizes must be an integer tensor");
      Value raw = c.cast(c.in(src.idx), i64);
      scales = ops.bin(BinaryKind::div, c.cast(raw, f64), inputSizes(c, f64));
      Value sizes = withLength(c, raw, rank);
      c.check(ops.bin(BinaryKind::and_,
                      ops.bin(BinaryKind::ge, sizes, c.splat(i64, 0.0)),
                      ops.bin(BinaryKind::le, sizes, c.splat(i64, static_cast<double>(kMaxDim)))),
              "the sizes must be in [0, 2^40]");
      for (int64_t d = 0; d < rank; ++d)
        outSizes[d] = sizeIndex(at(sizes, d));
    }
  }
  if (!ops.ok)
    return failure();
  if (!saneShape(out))
    return c.fail("the output " + shapeStr(out) + " is too large");
  // The lowering gathers every combination of taps of the resampled
  // dimensions: keep that bounded. A dimension is copied when its size is
  // 1 -> 1 or its scale is a constant 1.
  bool mapsIdentically = ctm != xf::CoordinateMode::tf_half_pixel_for_nn &&
                         ctm != xf::CoordinateMode::tf_crop_and_resize;
  int64_t resampled = 0;
  for (int64_t d = 0; d < rank; ++d)
    resampled += !((in[d] == 1 && out[d] == 1) || (unitScale[d] && mapsIdentically));
  int64_t tapBits = mode == xf::ResizeMode::linear ? 1 : mode == xf::ResizeMode::cubic ? 2 : 0;
  if (tapBits * resampled > 12)
    return c.fail("resamples " + llvm::Twine(resampled) +
                  " dimensions; at most " + llvm::Twine(12 / tapBits) +
                  " are supported in this mode");
  if (mode != xf::ResizeMode::nearest && !isa<FloatType>(c.elt(0)))
    return c.fail("linear and cubic resizing need a floating-point input");
  llvm::SmallVector<Value> dynamicSizes;
  for (int64_t d = 0; d < rank; ++d)
    if (ShapedType::isDynamic(out[d]))
      dynamicSizes.push_back(outSizes[d]);
  auto type = RankedTensorType::get(out, c.elt(0));
  return c.done(xf::ResizeOp::create(
      b, loc, type, mode, x, scales, roi, dynamicSizes, ctm, nearest,
      llvm::APFloat(cubicA), exclude, llvm::APFloat(extrapolation)));
}

LogicalResult convertResize(NodeContext &c) {
  // Attributes of later opsets (antialias, axes, keep_aspect_ratio_policy)
  // change the semantics: refuse them rather than ignore them.
  for (const char *name : {"antialias", "axes", "keep_aspect_ratio_policy"})
    if (c.hasAttr(name))
      return c.fail("attribute '" + llvm::Twine(name) + "' is not supported");
  std::string modeName = c.attrString("mode", "nearest");
  // Resize-10 maps like Upsample: asymmetric, floor.
  std::string ctmName = c.attrString("coordinate_transformation_mode",
                                     c.since() >= 11 ? "half_pixel" : "asymmetric");
  std::string nearestName = c.attrString(
      "nearest_mode", c.since() >= 11 ? "round_prefer_floor" : "floor");
  float cubicA = c.attrFloat("cubic_coeff_a", -0.75f);
  bool exclude = c.attrInt("exclude_outside", 0) != 0;
  float extrapolation = c.attrFloat("extrapolation_value", 0.0f);
  if (c.failed())
    return failure();
  auto mode = xf::symbolizeResizeMode(modeName);
  auto ctm = xf::symbolizeCoordinateMode(ctmName);
  auto nearest = xf::symbolizeNearestMode(nearestName);
  if (!mode)
    return c.fail("mode '" + modeName + "' is not supported");
  if (!ctm)
    return c.fail("coordinate_transformation_mode '" + ctmName +
                  "' is not supported");
  if (!nearest)
    return c.fail("nearest_mode '" + nearestName + "' is not supported");
  if (c.rank(0) < 1)
    return c.fail("needs an input of rank 1 or more");

  // Scales win when they have elements (Resize-11 passes an empty tensor
  // in their place when it gives sizes).
  unsigned scalesIdx = c.since() >= 11 ? 2 : 1;
  auto present = [&](unsigned i) {
    if (!c.has(i))
      return false;
    if (const ConstTensor *t = c.constant(i))
      return t->numElements() > 0;
    return c.shape(i) != llvm::ArrayRef<int64_t>{0};
  };
  bool hasSizes = c.since() >= 11 && present(3);
  bool scalesOfUnknownLength = c.has(scalesIdx) && !c.constant(scalesIdx) &&
                               !c.type(scalesIdx).hasStaticShape();
  ResizeSource src;
  if (present(scalesIdx) && !(hasSizes && scalesOfUnknownLength))
    src.idx = scalesIdx;
  else if (hasSizes)
    src = {3, true, nullptr};
  else
    return c.fail("needs scales or sizes");

  Value roi;
  if (*ctm == xf::CoordinateMode::tf_crop_and_resize) {
    int64_t rank = c.rank(0);
    // A roi of unknown length is checked by the lowering.
    if (!c.has(1) || c.rank(1) != 1 ||
        (c.shape(1)[0] != 2 * rank && !ShapedType::isDynamic(c.shape(1)[0])) ||
        !isa<FloatType>(c.elt(1)))
      return c.fail("tf_crop_and_resize needs a float roi of " +
                    llvm::Twine(2 * rank) + " elements");
    roi = c.in(1);
  }
  // A dynamic input, or run-time scales or sizes without a declared output
  // shape: the output shape is computed at run time.
  if (!c.type(0).hasStaticShape() || (!c.constant(src.idx) && !c.declaredType(0)))
    return emitResizeAtRunTime(c, src, *mode, *ctm, *nearest, cubicA, exclude,
                               extrapolation, roi);
  if (dimProduct(c.shape(0)) == 0)
    return c.fail("the input " + shapeStr(c.shape(0)) + " is empty");
  FailureOr<ResizePlan> plan = src.sizes ? planFromSizes(c, src.idx)
                                         : planFromScales(c, src.idx, nullptr);
  if (failed(plan))
    return failure();
  return emitResize(c, *plan, *mode, *ctm, *nearest, cubicA, exclude,
                    extrapolation, roi);
}

LogicalResult convertUpsample(NodeContext &c) {
  std::string modeName = c.attrString("mode", "nearest");
  if (c.failed())
    return failure();
  // Upsample-7 also spells linear "bilinear".
  if (modeName == "bilinear")
    modeName = "linear";
  auto mode = xf::symbolizeResizeMode(modeName);
  if (!mode || *mode == xf::ResizeMode::cubic)
    return c.fail("mode '" + modeName + "' is not supported");
  if (c.rank(0) < 1)
    return c.fail("needs an input of rank 1 or more");
  std::vector<double> attrScales;
  ResizeSource src{1, false, nullptr};
  if (c.since() < 9) {
    auto s = c.attrFloats("scales");
    if (!s)
      return c.fail("attribute 'scales' is required");
    attrScales.assign(s->begin(), s->end());
    src = {0, false, &attrScales};
  }
  // Upsample maps asymmetrically and takes floor(o / scale) for nearest.
  if (!c.type(0).hasStaticShape() ||
      (!src.attrScales && !c.constant(src.idx) && !c.declaredType(0)))
    return emitResizeAtRunTime(c, src, *mode, xf::CoordinateMode::asymmetric,
                               xf::NearestMode::floor, -0.75, false, 0.0, Value());
  if (dimProduct(c.shape(0)) == 0)
    return c.fail("the input " + shapeStr(c.shape(0)) + " is empty");
  FailureOr<ResizePlan> plan = planFromScales(c, src.idx, src.attrScales);
  if (failed(plan))
    return failure();
  return emitResize(c, *plan, *mode, xf::CoordinateMode::asymmetric,
                    xf::NearestMode::floor, -0.75, false, 0.0, Value());
}

/// y = x / (bias + alpha / size * sum of x^2 over `size` channels)^beta. The
/// channel-window sum is an average pool (count_include_pad) over
/// [N, 1, C, spatial] times `size`.
LogicalResult convertLRN(NodeContext &c) {
  float alpha = c.attrFloat("alpha", 1e-4f), beta = c.attrFloat("beta", 0.75f);
  float bias = c.attrFloat("bias", 1.0f);
  int64_t size = c.attrInt("size", 0);
  if (c.failed())
    return failure();
  if (size < 1 || size > (1 << 20))
    return c.fail("attribute 'size' must be positive");
  llvm::ArrayRef<int64_t> shape = c.shape(0);
  if (shape.size() < 3 || !isa<FloatType>(c.elt(0)))
    return c.fail("needs a floating-point [N, C, spatial...] input");
  int64_t spatial = dimProduct(shape.drop_front(2));
  Type elt = c.elt(0);
  Value x = c.in(0);
  FailureOr<Value> sq = c.binary(BinaryKind::mul, x, x);
  if (failed(sq))
    return failure();
  int64_t lo = (size - 1) / 2, hi = size - 1 - lo;
  Value avg;
  if (ShapedType::isDynamic(shape[1]) || ShapedType::isDynamic(spatial)) {
    // Dynamic C or spatial sizes: the pool runs over [N, 1, C, spatial...]
    // (an explicit expand_shape, whose sizes are the input's), with a
    // window of `size` channels and 1 elsewhere.
    int64_t rank = c.rank(0);
    llvm::SmallVector<OpFoldResult> sizes{dimOf(c, *sq, 0), c.b().getIndexAttr(1)};
    llvm::SmallVector<ReassociationIndices> groups{{0, 1}};
    for (int64_t d = 1; d < rank; ++d) {
      sizes.push_back(dimOf(c, *sq, d));
      groups.push_back({d + 1});
    }
    auto imgType = RankedTensorType::get(staticShapeOf(sizes), elt);
    Value img = tensor::ExpandShapeOp::create(c.b(), c.loc(), imgType, *sq, groups, sizes);
    int64_t windowRank = rank - 1;
    llvm::SmallVector<int64_t> kernel(windowRank, 1), ones(windowRank, 1),
        pads(2 * windowRank, 0);
    kernel[0] = size;
    pads[0] = lo;
    pads[windowRank] = hi;
    Value pooled = xf::PoolOp::create(c.b(), c.loc(), imgType, xf::PoolKind::avg, img,
                                      kernel, ones, pads, ones, /*count_include_pad=*/true,
                                      /*auto_pad=*/StringAttr(), /*ceil_mode=*/false);
    avg = tensor::CollapseShapeOp::create(c.b(), c.loc(), llvm::cast<RankedTensorType>(x.getType()),
                                          pooled, groups);
  } else {
    Value img = c.reshape(*sq, {shape[0], 1, shape[1], spatial});
    auto pooledType = llvm::cast<RankedTensorType>(img.getType());
    avg = xf::PoolOp::create(c.b(), c.loc(), pooledType, xf::PoolKind::avg,
                             img, llvm::ArrayRef<int64_t>{size, 1},
                             llvm::ArrayRef<int64_t>{1, 1},
                             llvm::ArrayRef<int64_t>{lo, 0, hi, 0},
                             llvm::ArrayRef<int64_t>{1, 1},
                             /*count_include_pad=*/true,
                             /*auto_pad=*/StringAttr(), /*ceil_mode=*/false);
    avg = c.reshape(avg, shape);
  }
  FailureOr<Value> scaled = c.binary(BinaryKind::mul, avg, c.splat(elt, alpha));
  if (failed(scaled))
    return failure();
  FailureOr<Value> base = c.binary(BinaryKind::add, *scaled, c.splat(elt, bias));
  if (failed(base))
    return failure();
  FailureOr<Value> den = c.binary(BinaryKind::pow, *base, c.splat(elt, beta));
  if (failed(den))
    return failure();
  FailureOr<Value> y = c.binary(BinaryKind::div, x, *den);
  return failed(y) ? failure() : c.done(*y);
}

LogicalResult convertGridSample(NodeContext &c) {
  std::string mode = c.attrString("mode", "bilinear");
  std::string padding = c.attrString("padding_mode", "zeros");
  bool alignCorners = c.attrInt("align_corners", 0) != 0;
  if (c.failed())
    return failure();
  std::optional<xf::ResizeMode> m =
      llvm::StringSwitch<std::optional<xf::ResizeMode>>(mode)
          .Case("nearest", xf::ResizeMode::nearest)
          .Case("bilinear", xf::ResizeMode::linear)
          .Case("bicubic", xf::ResizeMode::cubic)
          .Default(std::nullopt);
  if (!m)
    return c.fail("mode must be 'bilinear', 'nearest' or 'bicubic', not '" +
                  mode + "'");
  std::optional<xf::GridPadding> p = xf::symbolizeGridPadding(padding);
  if (!p)
    return c.fail("padding_mode must be 'zeros', 'border' or 'reflection', "
                  "not '" + padding + "'");
  if (!isa<FloatType>(c.elt(0)) || !isa<FloatType>(c.elt(1)))
    return c.fail("the input and the grid must be floating-point");
  ArrayRef<int64_t> in = c.shape(0), grid = c.shape(1);
  // Dynamic sizes that must agree are checked by the lowering.
  if (in.size() != 4 || grid.size() != 4 ||
      (grid[3] != 2 && !ShapedType::isDynamic(grid[3])) ||
      (in[0] != grid[0] && !ShapedType::isDynamic(in[0]) &&
       !ShapedType::isDynamic(grid[0])))
    return c.fail("the input " + shapeStr(in) + " and the grid " +
                  shapeStr(grid) + " must be [N, C, H, W] and [N, H_out, W_out, 2]");
  auto type = RankedTensorType::get({in[0], in[1], grid[1], grid[2]}, c.elt(0));
  return c.done(xf::GridSampleOp::create(c.b(), c.loc(), type, *m, c.in(0),
                                         c.in(1), *p, alignCorners));
}

LogicalResult convertRoiAlign(NodeContext &c) {
  std::string mode = c.attrString("mode", "avg");
  std::string ctm = c.attrString(
      "coordinate_transformation_mode",
      c.since() >= 16 ? "half_pixel" : "output_half_pixel");
  int64_t outH = c.attrInt("output_height", 1), outW = c.attrInt("output_width", 1);
  int64_t sampling = c.attrInt("sampling_ratio", 0);
  float scale = c.attrFloat("spatial_scale", 1.0f);
  if (c.failed())
    return failure();
  if (mode != "avg" && mode != "max")
    return c.fail("mode must be 'avg' or 'max', not '" + mode + "'");
  if (ctm != "half_pixel" && ctm != "output_half_pixel")
    return c.fail("coordinate_transformation_mode must be 'half_pixel' or "
                  "'output_half_pixel', not '" + ctm + "'");
  if (sampling < 1 || sampling > 64)
    return c.fail("sampling_ratio " + llvm::Twine(sampling) +
                  " is not supported: the adaptive count (0) depends on each "
                  "box's size at run time; give 1 to 64 samples per bin");
  if (outH < 1 || outW < 1 || outH > kMaxDim || outW > kMaxDim)
    return c.fail("output_height and output_width must be positive");
  ArrayRef<int64_t> x = c.shape(0), rois = c.shape(1);
  if (!isa<FloatType>(c.elt(0)) || c.elt(1) != c.elt(0))
    return c.fail("the input and the rois must be floating-point of one type");
  if (!isa<IntegerType>(c.elt(2)) || c.elt(2).isInteger(1))
    return c.fail("batch_indices must be integers");
  // Dynamic sizes that must agree are checked by the lowering.
  if (x.size() != 4 || rois.size() != 2 || c.rank(2) != 1 ||
      (rois[1] != 4 && !ShapedType::isDynamic(rois[1])))
    return c.fail("the input " + shapeStr(x) + ", rois " + shapeStr(rois) +
                  " and batch_indices " + shapeStr(c.shape(2)) +
                  " must be [N, C, H, W], [R, 4] and [R]");
  int64_t r = ShapedType::isDynamic(rois[0]) ? c.shape(2)[0] : rois[0];
  auto type = RankedTensorType::get({r, x[1], outH, outW}, c.elt(0));
  return c.done(xf::RoiAlignOp::create(
      c.b(), c.loc(), type, mode == "max" ? xf::PoolKind::max : xf::PoolKind::avg,
      c.in(0), c.in(1), c.in(2), sampling, llvm::APFloat(static_cast<double>(scale)),
      ctm == "half_pixel"));
}

} // namespace

void registerImageOps(OpRegistry &r) {
  r.on("DepthToSpace", {1, 11, 13},
       [](NodeContext &c) { return convertDepthSpace(c, /*toSpace=*/true); },
       "dynamic C, H, W: divisibility checked at run time");
  r.on("SpaceToDepth", {1, 13},
       [](NodeContext &c) { return convertDepthSpace(c, /*toSpace=*/false); },
       "dynamic C, H, W: divisibility checked at run time");
  r.on("Resize", {10, 11, 13}, convertResize,
       "nearest, linear, cubic; every coordinate mode; scales or sizes "
       "constant, or run-time with a declared output shape");
  r.on("Upsample", {7, 9}, convertUpsample,
       "nearest, linear; scales constant, or run-time with a declared "
       "output shape");
  r.on("LRN", {1, 13}, convertLRN);
  r.on("RoiAlign", {10, 16}, convertRoiAlign,
       "xf.roi_align: a fixed sampling_ratio (the adaptive 0 is not "
       "supported)");
  r.on("GridSample", {16}, convertGridSample,
       "xf.grid_sample: one gather per tap (1, 4 or 16) per output pixel; "
       "2-D");
}

} // namespace xfc::onnx_import

//===- OpsImage.cpp - image layout ops -> xf ------------------------------===//
//
// Ops on [N, C, spatial...] images that xf expresses with reshapes,
// transposes and broadcasts: DepthToSpace/SpaceToDepth, nearest-neighbour
// Resize/Upsample by integer factors (each pixel repeated), and LRN (a sum of
// squares over neighbouring channels, computed as an average pool).
//
//===----------------------------------------------------------------------===//

#include "Fold.h"
#include "NodeContext.h"

#include <cmath>

using namespace mlir;
using xfc::xf::BinaryKind;

namespace xfc::onnx_import {
namespace {

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
  if (ShapedType::isDynamic(ch) || ShapedType::isDynamic(h) ||
      ShapedType::isDynamic(w))
    return c.fail("C, H and W must be static");
  llvm::SmallVector<int64_t> first, perm, out;
  if (toSpace) {
    if (mode != "DCR" && mode != "CRD")
      return c.fail("mode must be DCR or CRD");
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

/// Integer upsampling factors from float scales; fails unless every scale
/// is a whole number >= 1.
FailureOr<llvm::SmallVector<int64_t>> integerFactors(NodeContext &c,
                                                     llvm::ArrayRef<double> scales) {
  if (static_cast<int64_t>(scales.size()) != c.rank(0))
    return c.fail("has " + llvm::Twine(scales.size()) + " scales for rank " +
                  llvm::Twine(c.rank(0)));
  llvm::SmallVector<int64_t> factors;
  for (double s : scales) {
    if (!(s >= 1.0 && s <= 1024.0) || s != std::floor(s))
      return c.fail("only nearest upsampling by whole factors is supported, "
                    "not scale " + std::to_string(s));
    factors.push_back(static_cast<int64_t>(s));
  }
  return factors;
}

/// Nearest Resize by whole factors is "repeat each element" exactly when
/// the coordinate mapping never rounds a sample into the next pixel.
LogicalResult convertResize(NodeContext &c) {
  std::string mode = c.attrString("mode", "nearest");
  std::string ctm = c.attrString("coordinate_transformation_mode",
                                 c.since() >= 11 ? "half_pixel" : "asymmetric");
  // Resize-10 maps like Upsample: asymmetric, floor.
  std::string nearest = c.attrString(
      "nearest_mode", c.since() >= 11 ? "round_prefer_floor" : "floor");
  if (c.failed())
    return failure();
  if (mode != "nearest")
    return c.fail("mode '" + mode + "' is not supported (only nearest)");
  llvm::SmallVector<int64_t> factors;
  unsigned scalesIdx = c.since() >= 11 ? 2 : 1;
  const ConstTensor *scales = c.has(scalesIdx) ? c.constant(scalesIdx) : nullptr;
  bool hasScales = c.has(scalesIdx) && (!scales || scales->numElements() > 0);
  if (hasScales) {
    if (!scales)
      return c.fail("the scales of Resize must be a compile-time constant");
    auto f = integerFactors(c, scales->floats());
    if (failed(f))
      return failure();
    factors = *f;
  } else if (c.since() >= 11 && c.has(3)) {
    auto sizes = c.constInts(3, "the sizes");
    if (failed(sizes))
      return failure();
    if (static_cast<int64_t>(sizes->size()) != c.rank(0))
      return c.fail("sizes do not match the input rank");
    for (auto [size, dim] : llvm::zip(*sizes, c.shape(0))) {
      if (ShapedType::isDynamic(dim) || dim == 0 || size < dim || size % dim)
        return c.fail("only nearest upsampling by whole factors is supported");
      factors.push_back(size / dim);
    }
  } else {
    return c.fail("needs scales or sizes");
  }
  int64_t largest = *llvm::max_element(factors);
  bool exact = largest == 1;
  if (ctm == "asymmetric")
    exact |= nearest == "floor" || (nearest == "round_prefer_floor" && largest <= 2);
  else if (ctm == "half_pixel" || ctm == "pytorch_half_pixel")
    exact |= nearest == "round_prefer_floor" || nearest == "round_prefer_ceil";
  else if (ctm == "tf_half_pixel_for_nn")
    exact |= nearest == "floor";
  if (!exact)
    return c.fail("coordinate_transformation_mode '" + ctm +
                  "' with nearest_mode '" + nearest + "' is not supported");
  return repeatEach(c, factors);
}

LogicalResult convertUpsample(NodeContext &c) {
  std::string mode = c.attrString("mode", "nearest");
  if (c.failed())
    return failure();
  if (mode != "nearest")
    return c.fail("mode '" + mode + "' is not supported (only nearest)");
  std::vector<double> scales;
  if (c.since() < 9) {
    auto s = c.attrFloats("scales");
    if (!s)
      return c.fail("attribute 'scales' is required");
    scales.assign(s->begin(), s->end());
  } else {
    const ConstTensor *t = c.constant(1);
    if (!t)
      return c.fail("the scales of Upsample must be a compile-time constant");
    scales = t->floats();
  }
  auto factors = integerFactors(c, scales);
  if (failed(factors))
    return failure();
  return repeatEach(c, *factors); // floor(o / s): each element repeated.
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
  if (ShapedType::isDynamic(shape[1]) || ShapedType::isDynamic(spatial))
    return c.fail("C and the spatial dimensions must be static");
  Type elt = c.elt(0);
  Value x = c.in(0);
  FailureOr<Value> sq = c.binary(BinaryKind::mul, x, x);
  if (failed(sq))
    return failure();
  Value img = c.reshape(*sq, {shape[0], 1, shape[1], spatial});
  int64_t lo = (size - 1) / 2, hi = size - 1 - lo;
  auto pooledType = llvm::cast<RankedTensorType>(img.getType());
  Value avg = xf::PoolOp::create(c.b(), c.loc(), pooledType, xf::PoolKind::avg,
                                 img, llvm::ArrayRef<int64_t>{size, 1},
                                 llvm::ArrayRef<int64_t>{1, 1},
                                 llvm::ArrayRef<int64_t>{lo, 0, hi, 0},
                                 llvm::ArrayRef<int64_t>{1, 1},
                                 /*count_include_pad=*/true);
  avg = c.reshape(avg, shape);
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

} // namespace

void registerImageOps(OpRegistry &r) {
  r.on("DepthToSpace", {1, 11, 13},
       [](NodeContext &c) { return convertDepthSpace(c, /*toSpace=*/true); },
       "static C, H, W");
  r.on("SpaceToDepth", {1, 13},
       [](NodeContext &c) { return convertDepthSpace(c, /*toSpace=*/false); },
       "static C, H, W");
  r.on("Resize", {10, 11, 13}, convertResize,
       "nearest upsampling by whole factors (asymmetric/floor, half_pixel); "
       "constant scales or sizes");
  r.on("Upsample", {7, 9}, convertUpsample,
       "nearest, whole factors, constant scales");
  r.on("LRN", {1, 13}, convertLRN, "static C and spatial dimensions");
}

} // namespace xfc::onnx_import

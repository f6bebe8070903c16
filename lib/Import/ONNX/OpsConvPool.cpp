//===- OpsConvPool.cpp - Conv, ConvTranspose and pooling -> xf -----------===//
//
// The sliding-window ops: Conv, ConvTranspose, MaxPool (with its Indices
// output), AveragePool and MaxUnpool. They are their own family (split from
// OpsNN.cpp to keep files small) because they share the window attributes
// (kernel_shape, strides, pads, dilations, auto_pad, ceil_mode), which are
// validated and resolved into explicit pads here, so xf ops only carry
// explicit windows. buildConv (OpsNN.h) also serves ConvInteger and
// QLinearConv.
//
//===----------------------------------------------------------------------===//

#include "OpsNN.h"

#include "Fold.h"

#include "dialects/Xf/IR/XfShapes.h"

#include <algorithm>
#include <limits>

using namespace mlir;

namespace xfc::onnx_import {
namespace {

/// A per-spatial-dimension attribute (strides, dilations, pads, ...):
/// `count` entries, all `dflt` when absent or empty.
FailureOr<llvm::SmallVector<int64_t>> windowInts(NodeContext &c,
                                                 const char *name,
                                                 int64_t count, int64_t dflt) {
  auto v = c.attrInts(name);
  if (c.failed())
    return failure();
  if (!v || v->empty())
    return llvm::SmallVector<int64_t>(count, dflt);
  if (static_cast<int64_t>(v->size()) != count)
    return c.fail(llvm::Twine(name) + " " + listStr(*v) + " must have " +
                  llvm::Twine(count) + " entries");
  return *v;
}

/// Window attributes shared by Conv and the pools, validated, with auto_pad
/// resolved into explicit pads.
struct Window {
  llvm::SmallVector<int64_t> kernel, strides, pads, dilations, outSpatial;
  /// SAME padding the lowering computes at run time ("same_upper" or
  /// "same_lower", `pads` then zero): set when a spatial or kernel size is
  /// dynamic.
  StringAttr autoPad;
  /// ceil_mode on a dynamic spatial size, computed by the lowering.
  bool runtimeCeil = false;
};

FailureOr<Window> readWindow(NodeContext &c, llvm::ArrayRef<int64_t> kernel,
                             bool hasDilations, bool ceilMode) {
  int64_t spatial = c.rank(0) - 2;
  Window w;
  w.kernel.assign(kernel.begin(), kernel.end());
  auto ints = [&](const char *name, int64_t count, int64_t dflt) {
    return windowInts(c, name, count, dflt);
  };
  auto strides = ints("strides", spatial, 1);
  if (failed(strides))
    return failure();
  w.strides = *strides;
  if (hasDilations) {
    auto dil = ints("dilations", spatial, 1);
    if (failed(dil))
      return failure();
    w.dilations = *dil;
  } else {
    w.dilations.assign(spatial, 1);
  }
  constexpr int64_t kMaxWindow = int64_t(1) << 20;
  for (int64_t i = 0; i < spatial; ++i) {
    if (ShapedType::isDynamic(w.kernel[i]))
      continue; // a run-time weight's kernel (Conv)
    if (w.kernel[i] < 1 || w.strides[i] < 1 || w.dilations[i] < 1)
      return c.fail("kernel, strides and dilations must be positive");
    if (w.kernel[i] > kMaxWindow || w.strides[i] > kMaxWindow ||
        w.dilations[i] > kMaxWindow)
      return c.fail("kernel, strides or dilations are too large");
  }

  std::string autoPad = c.attrString("auto_pad", "NOTSET");
  if (c.failed())
    return failure();
  llvm::ArrayRef<int64_t> in = c.shape(0).drop_front(2);
  if (autoPad == "NOTSET") {
    auto pads = ints("pads", 2 * spatial, 0);
    if (failed(pads))
      return failure();
    w.pads = *pads;
    for (int64_t p : w.pads)
      if (p < 0 || p > kMaxDim)
        return c.fail("pads must be non-negative and not too large");
  } else if (autoPad == "VALID") {
    w.pads.assign(2 * spatial, 0);
  } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    w.pads.assign(2 * spatial, 0);
    if (llvm::any_of(in, ShapedType::isDynamic) ||
        llvm::any_of(w.kernel, ShapedType::isDynamic)) {
      // The pads depend on sizes known at run time: the lowering computes
      // them; the output is ceil(in / stride) either way.
      w.autoPad = StringAttr::get(
          c.ctx(), autoPad == "SAME_UPPER" ? "same_upper" : "same_lower");
      for (int64_t i = 0; i < spatial; ++i)
        w.outSpatial.push_back(ShapedType::isDynamic(in[i])
                                   ? ShapedType::kDynamic
                                   : (in[i] + w.strides[i] - 1) / w.strides[i]);
      return w;
    }
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t out = (in[i] + w.strides[i] - 1) / w.strides[i];
      int64_t span = (w.kernel[i] - 1) * w.dilations[i] + 1;
      int64_t total =
          std::max<int64_t>(0, (out - 1) * w.strides[i] + span - in[i]);
      int64_t small = total / 2, large = total - small;
      w.pads[i] = autoPad == "SAME_UPPER" ? small : large;
      w.pads[spatial + i] = autoPad == "SAME_UPPER" ? large : small;
    }
  } else {
    return c.fail("auto_pad '" + autoPad + "' is not supported");
  }
  for (int64_t i = 0; i < spatial; ++i) {
    // The lowering computes dynamic output sizes (with ceil_mode's rule).
    w.runtimeCeil |= ceilMode && ShapedType::isDynamic(in[i]);
    int64_t out = xf::windowOutputSize(in[i], w.kernel[i], w.strides[i],
                                       w.pads[i], w.pads[spatial + i],
                                       w.dilations[i], ceilMode);
    if (!ShapedType::isDynamic(out) && out < 1)
      return c.fail("the window does not fit spatial dimension " +
                    llvm::Twine(i) + " (" + llvm::Twine(in[i]) +
                    " with pads)");
    w.outSpatial.push_back(out);
  }
  return w;
}

LogicalResult convertConv(NodeContext &c) {
  if (c.rank(0) >= 3 && c.rank(1) == c.rank(0) &&
      (!isa<FloatType>(c.elt(0)) || c.elt(1) != c.elt(0)))
    return c.fail("needs floating-point input and weight of one type");
  Value bias;
  if (c.has(2)) {
    int64_t filters = c.rank(1) > 0 ? c.shape(1)[0] : ShapedType::kDynamic;
    if (c.rank(2) != 1 || !sameDim(c.shape(2)[0], filters) ||
        c.elt(2) != c.elt(0))
      return c.fail("the bias " + shapeStr(c.shape(2)) + " must be [" +
                    llvm::Twine(filters) + "]");
    bias = c.in(2);
  }
  FailureOr<Value> y = buildConv(c, 1, c.in(0), c.in(1), bias);
  return failed(y) ? failure() : c.done(*y);
}

/// MaxPool's Indices output: per output element, the flat index (over the
/// whole input, N and C included; row-major spatial positions, or
/// column-major with storage_order 1) of the first maximum in its window.
/// The windows are gathered from the flattened spatial positions (taps in
/// the padding read an appended -inf), and arg_reduce picks within each.
FailureOr<Value> maxPoolIndices(NodeContext &c, const Window &w) {
  bool columnMajor = c.attrInt("storage_order", 0) != 0;
  if (c.failed())
    return failure();
  llvm::ArrayRef<int64_t> shape = c.shape(0);
  if (llvm::any_of(shape, ShapedType::isDynamic))
    return c.fail("the Indices output needs a static input shape");
  int64_t spatial = static_cast<int64_t>(shape.size()) - 2;
  int64_t n = shape[0], channels = shape[1];
  llvm::ArrayRef<int64_t> in = shape.drop_front(2);
  int64_t inTotal = 1, outTotal = 1, taps = 1;
  for (int64_t d = 0; d < spatial; ++d) {
    inTotal *= in[d];
    outTotal *= w.outSpatial[d];
    taps *= w.kernel[d];
  }
  if (outTotal * taps > (int64_t(1) << 24))
    return c.fail("the Indices output needs a window table of " +
                  llvm::Twine(outTotal * taps) + " entries, too many");
  // Strides of the flat spatial index, and of the position tables.
  llvm::SmallVector<int64_t> inStride(spatial, 1);
  if (columnMajor)
    for (int64_t d = 1; d < spatial; ++d)
      inStride[d] = inStride[d - 1] * in[d - 1];
  else
    for (int64_t d = spatial - 2; d >= 0; --d)
      inStride[d] = inStride[d + 1] * in[d + 1];
  // For every (output position, tap): the row-major position gathered (or
  // inTotal, the -inf pad), and the flat index it stands for.
  std::vector<int64_t> gatherAt(outTotal * taps), flatIndex(outTotal * taps);
  llvm::SmallVector<int64_t> o(spatial), k(spatial);
  for (int64_t e = 0; e < outTotal * taps; ++e) {
    for (int64_t d = spatial - 1, rest = e / taps; d >= 0; --d) {
      o[d] = rest % w.outSpatial[d];
      rest /= w.outSpatial[d];
    }
    for (int64_t d = spatial - 1, rest = e % taps; d >= 0; --d) {
      k[d] = rest % w.kernel[d];
      rest /= w.kernel[d];
    }
    int64_t rowMajor = 0, flat = 0;
    bool inside = true;
    for (int64_t d = 0; d < spatial; ++d) {
      int64_t pos = o[d] * w.strides[d] + k[d] * w.dilations[d] - w.pads[d];
      inside = inside && pos >= 0 && pos < in[d];
      rowMajor = rowMajor * in[d] + pos;
      flat += pos * inStride[d];
    }
    gatherAt[e] = inside ? rowMajor : inTotal;
    flatIndex[e] = inside ? flat : 0;
  }
  Type elt = c.elt(0);
  Value x = c.reshape(c.in(0), {n, channels, inTotal});
  FailureOr<Value> padded = c.concat(
      {x, c.splat(elt, -std::numeric_limits<double>::infinity(), {n, channels, 1})}, 2);
  if (failed(padded))
    return failure();
  Value table = c.constant(ConstTensor::ofInts(dt::Int64, {outTotal, taps}, gatherAt));
  Value windows = xf::GatherOp::create(
      c.b(), c.loc(), RankedTensorType::get({n, channels, outTotal, taps}, elt), *padded,
      table, c.b().getI64IntegerAttr(2));
  Type i64 = c.b().getI64Type();
  Value best = xf::ArgReduceOp::create(
      c.b(), c.loc(), RankedTensorType::get({n, channels, outTotal, 1}, i64), windows, 3,
      /*is_max=*/true, /*keep_dims=*/true, /*select_last_index=*/false);
  // The tap's flat spatial index, plus the offset of its (n, c) image.
  Value flat = c.constant(ConstTensor::ofInts(dt::Int64, {1, 1, outTotal, taps}, flatIndex));
  FailureOr<Value> broadcastFlat = c.broadcastTo(flat, {n, channels, outTotal, taps});
  if (failed(broadcastFlat))
    return failure();
  Value picked = xf::GatherElementsOp::create(
      c.b(), c.loc(), RankedTensorType::get({n, channels, outTotal, 1}, i64), *broadcastFlat,
      best, 3);
  std::vector<int64_t> images(n * channels);
  for (int64_t i = 0; i < n * channels; ++i)
    images[i] = i * inTotal;
  FailureOr<Value> indices = c.binary(
      xf::BinaryKind::add, picked,
      c.constant(ConstTensor::ofInts(dt::Int64, {n, channels, 1, 1}, images)));
  if (failed(indices))
    return failure();
  llvm::SmallVector<int64_t> outShape{n, channels};
  llvm::append_range(outShape, w.outSpatial);
  return c.reshape(*indices, outShape);
}

ConvertFn poolOp(xf::PoolKind kind) {
  return [kind](NodeContext &c) -> LogicalResult {
    bool isMax = kind == xf::PoolKind::max;
    bool indices = isMax && c.numOutputs() > 1 && c.outputUsed(1);
    int64_t rank = c.rank(0);
    if (rank < 3)
      return c.fail("the input must be [N, C, spatial...]");
    if (!isa<FloatType>(c.elt(0)))
      return c.fail("needs floating-point input");
    auto kernel = c.attrInts("kernel_shape");
    bool ceilMode = c.since() >= 10 && c.attrInt("ceil_mode", 0) != 0;
    bool countPad = !isMax && c.since() >= 7 &&
                    c.attrInt("count_include_pad", 0) != 0;
    if (c.failed())
      return failure();
    if (!kernel || static_cast<int64_t>(kernel->size()) != rank - 2)
      return c.fail("kernel_shape must have one entry per spatial dimension");
    auto w = readWindow(c, *kernel, /*hasDilations=*/isMax && c.since() >= 10,
                        ceilMode);
    if (failed(w))
      return failure();
    llvm::SmallVector<int64_t> shape(c.shape(0).take_front(2));
    llvm::append_range(shape, w->outSpatial);
    auto type = RankedTensorType::get(shape, c.elt(0));
    if (indices && !c.type(0).hasStaticShape()) {
      // Run-time sizes: the lowering reduces the maximum and its flat index
      // together (row-major; the static path's table handles storage_order).
      if (c.attrInt("storage_order", 0) != 0)
        return c.fail("the Indices output with storage_order 1 needs a static "
                      "input shape");
      auto idxType = RankedTensorType::get(shape, c.b().getI64Type());
      c.set(1, xf::PoolOp::create(c.b(), c.loc(), idxType, xf::PoolKind::argmax,
                                  c.in(0), w->kernel, w->strides, w->pads,
                                  w->dilations, false, w->autoPad,
                                  w->runtimeCeil));
    } else if (indices) {
      FailureOr<Value> idx = maxPoolIndices(c, *w);
      if (failed(idx))
        return failure();
      c.set(1, *idx);
    }
    return c.done(xf::PoolOp::create(c.b(), c.loc(), type, kind, c.in(0),
                                     w->kernel, w->strides, w->pads,
                                     w->dilations, countPad, w->autoPad,
                                     w->runtimeCeil));
  };
}

//===----------------------------------------------------------------------===//
// ConvTranspose
//===----------------------------------------------------------------------===//
//
// A transposed convolution scatters every input element, times the kernel,
// into the output at `i * stride + k * dilation - pad`. Written as a
// gather, output position t = o + pad reads input i = (t - k * dilation) /
// stride only where the division is exact, so the kernel taps that reach t
// depend on t mod stride: the output splits into `stride` phases, and each
// phase is an ordinary stride-1 correlation of the input with a sub-kernel
// (every stride-th tap, flipped). All phases of all dimensions become extra
// filters of ONE xf.conv (sub-pixel convolution), whose output channels are
// then interleaved back into space by reshape -> transpose -> reshape and
// cropped by a slice to the pads. Unlike the textbook "convolve the input
// dilated with stride-1 zeros", this does no multiplications by inserted
// zeros (stride^D fewer MACs) and reuses xf.conv and its CPU strategy.
// A kernel dilation is kept as the conv's dilation when stride is 1;
// together with a stride it is materialized as zero taps (rare in models).
// The weight rearrangement is folded at compile time for constant weights,
// and is one xf.gather with constant indices otherwise.

/// How one spatial dimension of a ConvTranspose maps onto the convolution.
struct TransposedDim {
  int64_t phases = 1;       ///< stride: interleaved output phases
  int64_t taps = 1;         ///< kernel size of the phase convolutions
  int64_t convDilation = 1; ///< dilation of the phase convolutions
  /// Kernel index read by phase p, tap m at [p * taps + m], or -1 (zero).
  llvm::SmallVector<int64_t> source;
  int64_t padLow = 0, padHigh = 0; ///< the convolution's pads
  int64_t convOut = 0;             ///< per-phase output length
  int64_t sliceStart = 0;          ///< crop of the interleaved output
};

int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/// The phase decomposition of one dimension with input length `in`,
/// kernel `k`, producing `out` elements that start at full-output position
/// `padLow` (negative when output_shape asks for more than the full output).
TransposedDim transposedDim(int64_t in, int64_t k, int64_t stride,
                            int64_t dilation, int64_t padLow, int64_t out) {
  TransposedDim t;
  int64_t span = (k - 1) * dilation + 1;
  if (stride == 1) {
    // One phase: the flipped kernel with the original dilation.
    t.taps = k;
    t.convDilation = dilation;
    for (int64_t m = 0; m < k; ++m)
      t.source.push_back(k - 1 - m);
  } else {
    // Phase r reads the (zero-dilated) kernel at r, r + s, r + 2s, ...,
    // flipped so that the convolution correlates.
    t.phases = stride;
    t.taps = (span + stride - 1) / stride;
    for (int64_t r = 0; r < stride; ++r)
      for (int64_t m = 0; m < t.taps; ++m) {
        int64_t e = r + (t.taps - 1 - m) * stride;
        t.source.push_back(e < span && e % dilation == 0 ? e / dilation : -1);
      }
  }
  // Full-output position q * stride + r is phase r's output q, which reads
  // input rows q - (taps - 1) ... q (times the dilation) : a pad of
  // convSpan - 1 in front puts q = 0 at the first conv output. Outputs
  // before floor(padLow / stride) are cropped anyway, so skip them.
  int64_t convSpan = (t.taps - 1) * t.convDilation + 1;
  int64_t first = std::min(floorDiv(padLow, stride), convSpan - 1);
  int64_t last = floorDiv(padLow + out + stride - 1, stride); // exclusive
  t.padLow = convSpan - 1 - first;
  t.convOut = last - first;
  t.padHigh = t.convOut + convSpan - 1 - in - t.padLow;
  if (t.padHigh < 0) {
    t.padHigh = 0;
    t.convOut = in + t.padLow - convSpan + 1;
  }
  t.sliceStart = padLow - first * stride;
  return t;
}

/// ConvTranspose with run-time input or weight sizes: xf.conv_transpose,
/// whose lowering computes the output sizes and crops when the model runs.
LogicalResult
convertConvTransposeDynamic(NodeContext &c, int64_t group,
                            std::optional<llvm::SmallVector<int64_t>> outputShape,
                            llvm::StringRef autoPad) {
  int64_t rank = c.rank(0), spatial = rank - 2;
  llvm::ArrayRef<int64_t> xs = c.shape(0), ws = c.shape(1);
  llvm::ArrayRef<int64_t> kernel = ws.drop_front(2);
  auto kernelAttr = c.attrInts("kernel_shape");
  if (c.failed())
    return failure();
  if (kernelAttr &&
      (kernelAttr->size() != kernel.size() ||
       llvm::any_of(llvm::zip(*kernelAttr, kernel),
                    [](auto p) { return !sameDim(std::get<0>(p), std::get<1>(p)); })))
    return c.fail("kernel_shape " + listStr(*kernelAttr) +
                  " differs from the weight " + shapeStr(ws));
  if (group < 1 || (!ShapedType::isDynamic(xs[1]) && xs[1] % group != 0))
    return c.fail("group " + llvm::Twine(group) + " does not divide the " +
                  shapeStr(xs) + " input's channels");
  if (!sameDim(ws[0], xs[1]))
    return c.fail("the weight " + shapeStr(ws) + " must start with the " +
                  llvm::Twine(xs[1]) + " input channels");
  auto ints = [&](const char *name, int64_t count, int64_t dflt) {
    return windowInts(c, name, count, dflt);
  };
  auto strides = ints("strides", spatial, 1);
  auto dilations = ints("dilations", spatial, 1);
  auto outPadding = ints("output_padding", spatial, 0);
  auto pads = ints("pads", 2 * spatial, 0);
  if (failed(strides) || failed(dilations) || failed(outPadding) || failed(pads))
    return failure();
  constexpr int64_t kMaxWindow = int64_t(1) << 20;
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t s = (*strides)[i], d = (*dilations)[i], p = (*outPadding)[i];
    if (s < 1 || d < 1 || s > kMaxWindow || d > kMaxWindow)
      return c.fail("strides and dilations must be in [1, 2^20]");
    if (p < 0 || p >= std::max(s, d))
      return c.fail("output_padding " + listStr(*outPadding) +
                    " must be below the stride or the dilation");
  }
  bool same = autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";
  if (autoPad != "NOTSET" && autoPad != "VALID" && !same)
    return c.fail("auto_pad '" + autoPad + "' is not supported");
  if (autoPad != "NOTSET" || outputShape)
    pads->assign(2 * spatial, 0);
  for (int64_t p : *pads)
    if (p < 0 || p > kMaxDim)
      return c.fail("pads " + listStr(*pads) + " must be non-negative");
  llvm::SmallVector<int64_t> outShape{
      xs[0], ShapedType::isDynamic(ws[1]) ? ShapedType::kDynamic : ws[1] * group};
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t target = outputShape ? (*outputShape)[i] : ShapedType::kDynamic;
    if (outputShape && (target < 1 || target > kMaxDim))
      return c.fail("output_shape " + listStr(*outputShape) + " must be positive");
    outShape.push_back(target);
  }
  Value bias;
  if (c.has(2)) {
    if (c.rank(2) != 1 || !sameDim(c.shape(2)[0], outShape[1]) || c.elt(2) != c.elt(0))
      return c.fail("the bias " + shapeStr(c.shape(2)) + " must be [" +
                    llvm::Twine(outShape[1]) + "]");
    bias = c.in(2);
  }
  StringAttr autoPadAttr;
  if (same)
    autoPadAttr = StringAttr::get(
        c.ctx(), autoPad == "SAME_UPPER" ? "same_upper" : "same_lower");
  DenseI64ArrayAttr outputShapeAttr;
  if (outputShape)
    outputShapeAttr = DenseI64ArrayAttr::get(c.ctx(), *outputShape);
  return c.done(xf::ConvTransposeOp::create(
      c.b(), c.loc(), RankedTensorType::get(outShape, c.elt(0)), c.in(0), c.in(1),
      bias, *strides, *dilations, *pads, *outPadding, static_cast<uint64_t>(group),
      autoPadAttr, outputShapeAttr));
}

LogicalResult convertConvTranspose(NodeContext &c) {
  int64_t rank = c.rank(0);
  if (rank < 3)
    return c.fail("the input must be [N, C, spatial...]");
  if (c.rank(1) != rank)
    return c.fail("the weight " + shapeStr(c.shape(1)) +
                  " must have the input's rank " + llvm::Twine(rank));
  if (!isa<FloatType>(c.elt(0)) || c.elt(1) != c.elt(0))
    return c.fail("needs floating-point input and weight of one type");
  int64_t spatial = rank - 2;
  int64_t group = c.attrInt("group", 1);
  auto kernelAttr = c.attrInts("kernel_shape");
  auto outputShape = c.attrInts("output_shape");
  std::string autoPad = c.attrString("auto_pad", "NOTSET");
  if (c.failed())
    return failure();
  if (outputShape && static_cast<int64_t>(outputShape->size()) == rank)
    outputShape->erase(outputShape->begin(), outputShape->begin() + 2);
  if (outputShape && static_cast<int64_t>(outputShape->size()) != spatial)
    return c.fail("output_shape " + listStr(*outputShape) + " must have " +
                  llvm::Twine(spatial) + " entries");
  llvm::ArrayRef<int64_t> xs = c.shape(0), ws = c.shape(1);
  if (!c.type(0).hasStaticShape() || !c.type(1).hasStaticShape())
    return convertConvTransposeDynamic(c, group, outputShape, autoPad);
  llvm::ArrayRef<int64_t> kernel = ws.drop_front(2);
  if (kernelAttr && llvm::ArrayRef<int64_t>(*kernelAttr) != kernel)
    return c.fail("kernel_shape " + listStr(*kernelAttr) +
                  " differs from the weight " + shapeStr(ws));
  int64_t channels = xs[1];
  if (group < 1 || group > channels || channels % group != 0)
    return c.fail("group " + llvm::Twine(group) + " does not divide " +
                  llvm::Twine(channels) + " input channels");
  if (ws[0] != channels)
    return c.fail("the weight " + shapeStr(ws) + " must start with the " +
                  llvm::Twine(channels) + " input channels");
  int64_t cg = channels / group, fg = ws[1], filters = fg * group;
  if (fg < 1 || llvm::any_of(kernel, [](int64_t k) { return k < 1; }))
    return c.fail("the weight " + shapeStr(ws) + " is empty");

  auto ints = [&](const char *name, int64_t count, int64_t dflt) {
    return windowInts(c, name, count, dflt);
  };
  auto strides = ints("strides", spatial, 1);
  auto dilations = ints("dilations", spatial, 1);
  auto outPadding = ints("output_padding", spatial, 0);
  if (failed(strides) || failed(dilations) || failed(outPadding))
    return failure();
  constexpr int64_t kMaxWindow = int64_t(1) << 20;
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t s = (*strides)[i], d = (*dilations)[i], p = (*outPadding)[i];
    if (s < 1 || d < 1 || s > kMaxWindow || d > kMaxWindow ||
        kernel[i] > kMaxWindow)
      return c.fail("strides and dilations must be in [1, 2^20]");
    if (p < 0 || p >= std::max(s, d))
      return c.fail("output_padding " + listStr(*outPadding) +
                    " must be below the stride or the dilation");
  }

  // Pads and output sizes (ONNX: output_shape or SAME_* fix the output and
  // the pads follow; the odd unit of padding goes first unless SAME_UPPER).
  llvm::SmallVector<int64_t> pads(2 * spatial, 0), out(spatial);
  if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" &&
      autoPad != "SAME_LOWER")
    return c.fail("auto_pad '" + autoPad + "' is not supported");
  if (autoPad == "NOTSET" && !outputShape) {
    auto p = ints("pads", 2 * spatial, 0);
    if (failed(p))
      return failure();
    pads = *p;
  }
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t in = xs[2 + i], s = (*strides)[i], d = (*dilations)[i];
    int64_t full = s * (in - 1) + (*outPadding)[i] + (kernel[i] - 1) * d + 1;
    bool same = autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";
    if (outputShape || same) {
      int64_t target = outputShape ? (*outputShape)[i] : in * s;
      if (target < 1 || target > kMaxDim)
        return c.fail("output_shape " + listStr(*outputShape) +
                      " must be positive");
      int64_t total = full - target, half = floorDiv(total, 2);
      pads[i] = autoPad == "SAME_UPPER" ? half : total - half;
      pads[spatial + i] = total - pads[i];
    } else if (pads[i] < 0 || pads[spatial + i] < 0 ||
               pads[i] > kMaxDim || pads[spatial + i] > kMaxDim) {
      return c.fail("pads " + listStr(pads) + " must be non-negative");
    }
    out[i] = full - pads[i] - pads[spatial + i];
    if (out[i] < 1)
      return c.fail("the pads leave no output in spatial dimension " +
                    llvm::Twine(i));
  }
  llvm::SmallVector<int64_t> outShape{xs[0], filters};
  llvm::append_range(outShape, out);
  if (!saneShape(outShape))
    return c.fail("the output " + shapeStr(outShape) + " is too large");

  llvm::SmallVector<TransposedDim> dims;
  int64_t phases = 1;
  for (int64_t i = 0; i < spatial; ++i) {
    dims.push_back(transposedDim(xs[2 + i], kernel[i], (*strides)[i],
                                 (*dilations)[i], pads[i], out[i]));
    phases *= dims.back().phases;
    if (phases > (int64_t(1) << 16))
      return c.fail("the strides " + listStr(*strides) + " are too large");
  }
  // Conv weight [group, phases..., F/group, C/group, taps...], flattened to
  // [group * phases * F/group, C/group, taps...]: each entry is an index
  // into the ConvTranspose weight [C, F/group, kernel...], or -1 for zero.
  llvm::SmallVector<int64_t> convW{group * phases * fg, cg};
  for (const TransposedDim &t : dims)
    convW.push_back(t.taps);
  int64_t convSize = checkedNumElements(convW);
  if (convSize < 0 || convSize > (int64_t(1) << 26))
    return c.fail("the rearranged weight " + shapeStr(convW) + " is too large");
  std::vector<int64_t> index(convSize);
  llvm::SmallVector<int64_t> phase(spatial), tap(spatial);
  for (int64_t e = 0; e < convSize; ++e) {
    // Decompose e = (((g * P + p) * fg + f) * cg + ch) * taps + t.
    int64_t rest = e;
    for (int64_t i = spatial - 1; i >= 0; --i) {
      tap[i] = rest % dims[i].taps;
      rest /= dims[i].taps;
    }
    int64_t ch = rest % cg;
    rest /= cg;
    int64_t f = rest % fg;
    rest /= fg;
    for (int64_t i = spatial - 1; i >= 0; --i) {
      phase[i] = rest % dims[i].phases;
      rest /= dims[i].phases;
    }
    int64_t g = rest;
    int64_t src = (g * cg + ch) * fg + f;
    for (int64_t i = 0; i < spatial && src >= 0; ++i) {
      int64_t k = dims[i].source[phase[i] * dims[i].taps + tap[i]];
      src = k < 0 ? -1 : src * kernel[i] + k;
    }
    index[e] = src;
  }
  int64_t wSize = dimProduct(ws);
  Value weight;
  if (const ConstTensor *w = c.constant(1)) {
    std::vector<double> vals(convSize);
    for (int64_t e = 0; e < convSize; ++e)
      vals[e] = index[e] < 0 ? 0.0 : w->floatAt(index[e]);
    weight = c.constant(ConstTensor::ofFloats(w->dtype(), convW, std::move(vals)));
  } else {
    // A zero appended to the flat weight stands for the missing taps.
    for (int64_t &i : index)
      if (i < 0)
        i = wSize;
    FailureOr<Value> flat =
        c.concat({c.reshape(c.in(1), {wSize}), c.splat(c.elt(1), 0.0, {1})}, 0);
    if (failed(flat))
      return failure();
    Value idx = c.constant(ConstTensor::ofInts(dt::Int64, convW, std::move(index)));
    weight = xf::GatherOp::create(c.b(), c.loc(),
                                  RankedTensorType::get(convW, c.elt(1)), *flat,
                                  idx, /*axis=*/0);
  }
  Value bias;
  if (c.has(2)) {
    if (c.rank(2) != 1 || c.shape(2)[0] != filters || c.elt(2) != c.elt(0))
      return c.fail("the bias " + shapeStr(c.shape(2)) + " must be [" +
                    llvm::Twine(filters) + "]");
    bias = c.in(2);
    if (phases > 1 && c.constant(2)) {
      // Every phase filter of output channel f adds bias[f].
      bias = c.constant(foldBroadcast(c.constant(2)->reshaped({group, 1, fg}),
                                      {group, phases, fg})
                            .reshaped({group * phases * fg}));
    } else if (phases > 1) {
      FailureOr<Value> b = c.broadcastTo(c.reshape(bias, {group, 1, fg}),
                                         {group, phases, fg});
      if (failed(b))
        return failure();
      bias = c.reshape(*b, {group * phases * fg});
    }
  }

  llvm::SmallVector<int64_t> convPads(2 * spatial), convDil, ones(spatial, 1);
  llvm::SmallVector<int64_t> convShape{xs[0], convW[0]};
  for (int64_t i = 0; i < spatial; ++i) {
    convPads[i] = dims[i].padLow;
    convPads[spatial + i] = dims[i].padHigh;
    convDil.push_back(dims[i].convDilation);
    convShape.push_back(dims[i].convOut);
  }
  Value y = xf::ConvOp::create(
      c.b(), c.loc(), RankedTensorType::get(convShape, c.elt(0)), c.in(0),
      weight, bias, ones, convPads, convDil, static_cast<uint64_t>(group),
      /*auto_pad=*/StringAttr());
  // [N, group, phases..., F/group, Q...] -> [N, group, F/group, Q0, s0, ...].
  llvm::SmallVector<int64_t> split{xs[0], group}, perm{0, 1, 2 + spatial},
      merged{xs[0], filters};
  for (int64_t i = 0; i < spatial; ++i)
    split.push_back(dims[i].phases);
  split.push_back(fg);
  for (int64_t i = 0; i < spatial; ++i) {
    split.push_back(dims[i].convOut);
    perm.push_back(3 + spatial + i);
    perm.push_back(2 + i);
    merged.push_back(dims[i].convOut * dims[i].phases);
  }
  if (phases > 1)
    y = c.reshape(c.transpose(c.reshape(y, split), perm), merged);
  llvm::SmallVector<int64_t> starts{0, 0}, steps(rank, 1), sizes{xs[0], filters};
  bool crop = false;
  for (int64_t i = 0; i < spatial; ++i) {
    starts.push_back(dims[i].sliceStart);
    sizes.push_back(out[i]);
    crop |= dims[i].sliceStart != 0 || out[i] != merged[2 + i];
  }
  if (crop)
    y = c.slice(y, starts, steps, sizes);
  return c.done(y);
}

/// MaxUnpool scatters each value to the flat position (over the whole
/// output, like MaxPool's Indices) its index names; everything else is zero.
/// The output size is output_shape's (a constant, or the declared shape when
/// it is a run-time input) or the inverse of the pooling arithmetic.
LogicalResult convertMaxUnpool(NodeContext &c) {
  auto kernel = c.attrInts("kernel_shape");
  if (c.failed())
    return failure();
  llvm::ArrayRef<int64_t> in = c.shape(0);
  int64_t spatial = static_cast<int64_t>(in.size()) - 2;
  if (!kernel || spatial < 1 || static_cast<int64_t>(kernel->size()) != spatial)
    return c.fail("kernel_shape must give one size per spatial dimension of "
                  "the input " + shapeStr(in));
  if (!isa<FloatType>(c.elt(0)))
    return c.fail("needs floating-point input");
  if (!isa<IntegerType>(c.elt(1)) || c.shape(1) != in)
    return c.fail("the indices " + shapeStr(c.shape(1)) +
                  " must be integers of the input's shape " + shapeStr(in));
  if (llvm::any_of(in, ShapedType::isDynamic))
    return c.fail("the input's shape must be static");
  auto strides = windowInts(c, "strides", spatial, 1);
  auto pads = windowInts(c, "pads", 2 * spatial, 0);
  if (failed(strides) || failed(pads))
    return failure();
  // The indices address the output the pooling arithmetic implies; a
  // larger output_shape only adds zeros after it in every dimension.
  llvm::SmallVector<int64_t> inferred{in[0], in[1]};
  for (int64_t d = 0; d < spatial; ++d)
    inferred.push_back((in[2 + d] - 1) * (*strides)[d] - (*pads)[d] -
                       (*pads)[spatial + d] + (*kernel)[d]);
  llvm::SmallVector<int64_t> out = inferred;
  if (c.has(2) && c.constant(2)) {
    auto shape = c.constInts(2, "output_shape");
    if (failed(shape))
      return failure();
    out.assign(shape->begin(), shape->end());
  } else if (c.has(2)) {
    FailureOr<RankedTensorType> declared = c.declaredOutput("output_shape");
    if (failed(declared))
      return failure();
    out.assign(declared->getShape().begin(), declared->getShape().end());
    if (failed(c.checkEquals(2, out, "output_shape")))
      return failure();
  }
  int64_t total = checkedNumElements(inferred);
  if (total < 0 || llvm::any_of(inferred, [](int64_t d) { return d < 0; }))
    return c.fail("the inferred output shape " + shapeStr(inferred) +
                  " is invalid");
  if (out.size() != inferred.size() ||
      llvm::any_of(llvm::zip(out, inferred),
                   [](auto p) { return std::get<0>(p) < std::get<1>(p); }) ||
      out[0] != in[0] || out[1] != in[1])
    return c.fail("output_shape " + listStr(out) + " must be at least " +
                  listStr(inferred) + " with the input's N and C");
  int64_t count = checkedNumElements(in);
  Type elt = c.elt(0);
  Value zeros = c.splat(elt, 0.0, {total});
  Value values = c.reshape(c.in(0), {count});
  Value indices = c.reshape(c.in(1), {count});
  Value flat = xf::ScatterElementsOp::create(
      c.b(), c.loc(), cast<RankedTensorType>(zeros.getType()),
      xf::ScatterReduction::none, zeros, indices, values, 0);
  Value y = c.reshape(flat, inferred);
  if (out == inferred)
    return c.done(y);
  llvm::SmallVector<int64_t> padding(inferred.size(), 0);
  for (int64_t d : llvm::seq<int64_t>(0, out.size()))
    padding.push_back(out[d] - inferred[d]);
  return c.done(xf::PadOp::create(c.b(), c.loc(), RankedTensorType::get(out, elt),
                                  xf::PadMode::constant, y, padding,
                                  llvm::APFloat(0.0)));
}

} // namespace

FailureOr<Value> buildConv(NodeContext &c, unsigned weightIndex, Value x,
                           Value weight, Value bias) {
  int64_t rank = c.rank(0);
  if (rank < 3)
    return c.fail("the input must be [N, C, spatial...]");
  if (c.rank(weightIndex) != rank)
    return c.fail("the weight " + shapeStr(c.shape(weightIndex)) +
                  " must have the input's rank " + llvm::Twine(rank));
  int64_t group = c.attrInt("group", 1);
  auto kernelAttr = c.attrInts("kernel_shape");
  if (c.failed())
    return failure();
  llvm::ArrayRef<int64_t> ws = c.shape(weightIndex), xs = c.shape(0);
  // A run-time weight may have a dynamic kernel size: the lowering's
  // window loops then take it from the weight.
  llvm::ArrayRef<int64_t> kernel = ws.drop_front(2);
  if (kernelAttr &&
      (kernelAttr->size() != kernel.size() ||
       llvm::any_of(llvm::zip(*kernelAttr, kernel),
                    [](auto p) { return !sameDim(std::get<0>(p), std::get<1>(p)); })))
    return c.fail("kernel_shape " + listStr(*kernelAttr) +
                  " differs from the weight " + shapeStr(ws));
  if (group < 1)
    return c.fail("group must be positive");
  int64_t channels = xs[1], filters = ws[0];
  if (!ShapedType::isDynamic(channels) &&
      (channels % group != 0 ||
       (!ShapedType::isDynamic(ws[1]) && ws[1] * group != channels)))
    return c.fail("the weight " + shapeStr(ws) + " does not match " +
                  llvm::Twine(channels) + " input channels in " +
                  llvm::Twine(group) + " groups");
  if (!ShapedType::isDynamic(filters) && filters % group != 0)
    return c.fail("filters are not divisible by group");
  auto w = readWindow(c, kernel, /*hasDilations=*/true, /*ceilMode=*/false);
  if (failed(w))
    return failure();
  llvm::SmallVector<int64_t> shape{xs[0], filters};
  llvm::append_range(shape, w->outSpatial);
  Type elt = cast<RankedTensorType>(x.getType()).getElementType();
  auto type = RankedTensorType::get(shape, elt);
  return xf::ConvOp::create(c.b(), c.loc(), type, x, weight, bias, w->strides,
                            w->pads, w->dilations,
                            static_cast<uint64_t>(group), w->autoPad)
      .getResult();
}

void registerConvPoolOps(OpRegistry &r) {
  r.on("Conv", {1, 11}, convertConv,
       "floating point; auto_pad resolved to explicit pads");
  r.on("ConvTranspose", {1, 11}, convertConvTranspose,
       "floating point; static shapes: one xf.conv over stride phases "
       "(sub-pixel), no multiplications by inserted zeros; dynamic: "
       "xf.conv_transpose, sizes computed at run time");
  r.on("MaxPool", {1, 8, 10, 11, 12}, poolOp(xf::PoolKind::max),
       "floating point; the Indices output is a gather of the windows and "
       "an arg_reduce (static shapes), xf.pool argmax (dynamic, "
       "storage_order 0 only)");
  r.on("AveragePool", {1, 7, 10, 11}, poolOp(xf::PoolKind::avg),
       "floating point");
  r.on("MaxUnpool", {9, 11}, convertMaxUnpool,
       "xf.scatter_elements into zeros; static input shape; a run-time "
       "output_shape needs the output's static shape declared (checked at "
       "run time)");
}

} // namespace xfc::onnx_import

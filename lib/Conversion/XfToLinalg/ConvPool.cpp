//===- ConvPool.cpp - xf conv/pool → linalg -------------------------------===//
//
// Convolution is one linalg.generic over [N, G, F/G, out..., C/G, kernel...]
// that covers every group count, stride, dilation, spatial rank and element
// type (integer convolutions accumulate in their own type); padding
// is a tensor.pad that bufferizes to a fill and a copy. Pooling reduces over
// a window operand the same way.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "dialects/Xf/IR/XfDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace xfc::xf;

namespace xfc::lowering {
namespace {

Value add(OpBuilder &b, Location loc, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::AddFOp::create(b, loc, x, y);
  return arith::AddIOp::create(b, loc, x, y);
}

/// acc + x * y, for float and integer convolutions.
Value multiplyAdd(OpBuilder &b, Location loc, Value x, Value y, Value acc) {
  if (isa<FloatType>(x.getType()))
    return add(b, loc, acc, arith::MulFOp::create(b, loc, x, y));
  return add(b, loc, acc, arith::MulIOp::create(b, loc, x, y));
}

/// Pads the spatial dimensions of an NC... tensor with `value`.
Value padSpatial(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> pads,
                 TypedAttr value) {
  if (llvm::all_of(pads, [](int64_t p) { return p == 0; }))
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  int64_t spatial = type.getRank() - 2;
  SmallVector<OpFoldResult> low(2, b.getIndexAttr(0)), high(2, b.getIndexAttr(0));
  SmallVector<int64_t> shape(type.getShape().take_front(2));
  for (int64_t i = 0; i < spatial; ++i) {
    low.push_back(b.getIndexAttr(pads[i]));
    high.push_back(b.getIndexAttr(pads[spatial + i]));
    shape.push_back(type.isDynamicDim(2 + i)
                        ? ShapedType::kDynamic
                        : type.getDimSize(2 + i) + pads[i] + pads[spatial + i]);
  }
  auto padded = RankedTensorType::get(shape, type.getElementType());
  Value pad = arith::ConstantOp::create(b, loc, value);
  return tensor::PadOp::create(b, loc, padded, input, low, high, pad).getResult();
}

/// A window op's result [n, c..., out...] over the padded input `padded`
/// [n, c, in...]: n from the input, the channels `channels(d)` for d in
/// [1, firstSpatial), each output size (in - dilation * (kernel - 1) - 1) /
/// stride + 1 (`kernel` entries are attributes, or index values for a
/// run-time weight), unless `outSizes[i]` gives it.
Value windowResult(OpBuilder &b, Location loc, RankedTensorType type, Value padded,
                   int64_t firstSpatial, ArrayRef<OpFoldResult> kernel,
                   ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
                   function_ref<Value(int64_t)> channels,
                   ArrayRef<Value> outSizes = {}) {
  return createEmptySized(b, loc, type, [&](int64_t d) -> Value {
    if (d == 0)
      return tensor::DimOp::create(b, loc, padded, 0);
    if (d < firstSpatial)
      return channels(d);
    int64_t i = d - firstSpatial;
    if (!outSizes.empty() && outSizes[i])
      return outSizes[i];
    auto c = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); };
    Value in = tensor::DimOp::create(b, loc, padded, 2 + i);
    Value span;
    if (std::optional<int64_t> k = getConstantIntValue(kernel[i]))
      span = arith::SubIOp::create(b, loc, in, c(dilations[i] * (*k - 1) + 1));
    else
      span = arith::SubIOp::create(
          b, loc, arith::AddIOp::create(b, loc, in, c(dilations[i] - 1)),
          arith::MulIOp::create(b, loc, cast<Value>(kernel[i]), c(dilations[i])));
    return arith::AddIOp::create(b, loc,
                                 arith::DivSIOp::create(b, loc, span, c(strides[i])), c(1));
  });
}

/// Pads of every spatial dimension that depend on run-time sizes: ONNX's
/// SAME_UPPER/SAME_LOWER (`autoPad`) for the input `input` and kernel sizes
/// `kernel`: out = ceil(in / stride), total = max(0, (out - 1) * stride +
/// span - in), the odd unit at the end for same_upper.
SmallVector<OpFoldResult> samePads(OpBuilder &b, Location loc, Value input,
                                   StringRef autoPad, ArrayRef<OpFoldResult> kernel,
                                   ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations) {
  int64_t spatial = kernel.size();
  SmallVector<OpFoldResult> pads(2 * spatial);
  auto c = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); };
  for (int64_t i = 0; i < spatial; ++i) {
    Value in = tensor::DimOp::create(b, loc, input, 2 + i);
    Value out = arith::CeilDivSIOp::create(b, loc, in, c(strides[i]));
    Value k = getValueOrCreateConstantIndexOp(b, loc, kernel[i]);
    Value span = arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, arith::SubIOp::create(b, loc, k, c(1)),
                                      c(dilations[i])),
        c(1));
    Value reach = arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, arith::SubIOp::create(b, loc, out, c(1)),
                                      c(strides[i])),
        span);
    Value total = arith::MaxSIOp::create(b, loc, c(0), arith::SubIOp::create(b, loc, reach, in));
    Value small = arith::DivSIOp::create(b, loc, total, c(2));
    Value large = arith::SubIOp::create(b, loc, total, small);
    bool upper = autoPad == "same_upper";
    pads[i] = upper ? small : large;
    pads[spatial + i] = upper ? large : small;
  }
  return pads;
}

/// Pads the spatial dimensions of an NC... tensor by run-time amounts.
Value padSpatialMixed(OpBuilder &b, Location loc, Value input,
                      ArrayRef<OpFoldResult> pads, TypedAttr value) {
  int64_t spatial = pads.size() / 2;
  SmallVector<OpFoldResult> low(2, b.getIndexAttr(0)), high(2, b.getIndexAttr(0));
  low.append(pads.begin(), pads.begin() + spatial);
  high.append(pads.begin() + spatial, pads.end());
  Value pad = arith::ConstantOp::create(b, loc, value);
  return tensor::PadOp::create(b, loc, Type(), input, low, high, pad).getResult();
}

/// Checks at run time, where a padded spatial size or the kernel is dynamic,
/// that the window fits the padded input `padded` (the output size is then
/// positive).
void checkWindowFits(OpBuilder &b, Location loc, Value padded,
                     ArrayRef<OpFoldResult> kernel, ArrayRef<int64_t> dilations) {
  auto type = cast<RankedTensorType>(padded.getType());
  for (int64_t i = 0; i < (int64_t)kernel.size(); ++i) {
    std::optional<int64_t> k = getConstantIntValue(kernel[i]);
    if (!type.isDynamicDim(2 + i) && k)
      continue;
    auto c = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); };
    Value span = k ? (Value)c(dilations[i] * (*k - 1) + 1)
                   : (Value)arith::AddIOp::create(
                         b, loc,
                         arith::MulIOp::create(
                             b, loc, arith::SubIOp::create(b, loc, cast<Value>(kernel[i]), c(1)),
                             c(dilations[i])),
                         c(1));
    Value ok = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge,
                                     tensor::DimOp::create(b, loc, padded, 2 + i), span);
    buildSizeCheck(b, loc, ok,
                   "the window must fit spatial dimension " + llvm::Twine(i) +
                       " of the padded input");
  }
}

struct LowerConv : OpRewritePattern<ConvOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConvOp op, PatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto wType = cast<RankedTensorType>(op.getWeight().getType());
    // Every size may be dynamic: a run-time weight gives the filter count,
    // the channels per group and the kernel (the window loops' bounds).
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    Type elt = type.getElementType();
    int64_t spatial = type.getRank() - 2, g = op.getGroup();
    int64_t n = inType.getDimSize(0), c = inType.getDimSize(1);
    int64_t f = wType.getDimSize(0), cg = wType.getDimSize(1);
    int64_t fg = ShapedType::isDynamic(f) ? f : f / g;
    auto cst = [&](int64_t v) { return arith::ConstantIndexOp::create(rewriter, loc, v); };
    Value weightIn = op.getWeight();
    if (ShapedType::isDynamic(c) || ShapedType::isDynamic(cg)) {
      Value want = ShapedType::isDynamic(cg)
                       ? (Value)arith::MulIOp::create(
                             rewriter, loc, tensor::DimOp::create(rewriter, loc, weightIn, 1),
                             cst(g))
                       : (Value)cst(g * cg);
      Value ok = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq,
                                       tensor::DimOp::create(rewriter, loc, op.getInput(), 1),
                                       want);
      buildSizeCheck(rewriter, loc, ok,
                     ShapedType::isDynamic(cg)
                         ? "the input channels must be group * the weight's dimension 1"
                         : "the input must have " + llvm::Twine(g * cg) + " channels");
    }
    Value fgSize;
    if (ShapedType::isDynamic(f)) {
      Value filters = tensor::DimOp::create(rewriter, loc, weightIn, 0);
      fgSize = arith::DivUIOp::create(rewriter, loc, filters, cst(g));
      if (g > 1) {
        Value ok = arith::CmpIOp::create(
            rewriter, loc, arith::CmpIPredicate::eq,
            arith::RemUIOp::create(rewriter, loc, filters, cst(g)), cst(0));
        buildSizeCheck(rewriter, loc, ok,
                       "the filter count must be a multiple of group " + llvm::Twine(g));
      }
    }
    SmallVector<OpFoldResult> kernel;
    for (int64_t i = 0; i < spatial; ++i)
      kernel.push_back(tensor::getMixedSize(rewriter, loc, weightIn, 2 + i));
    ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations();

    Value input;
    if (std::optional<StringRef> autoPad = op.getAutoPad())
      input = padSpatialMixed(rewriter, loc, op.getInput(),
                              samePads(rewriter, loc, op.getInput(), *autoPad, kernel,
                                       strides, dilations),
                              scalarAttr(elt, 0.0));
    else
      input = padSpatial(rewriter, loc, op.getInput(), op.getPads(), scalarAttr(elt, 0.0));
    Value paddedInput = input;
    checkWindowFits(rewriter, loc, paddedInput, kernel, dilations);
    auto padded = cast<RankedTensorType>(input.getType());
    // Split channels into (group, channel-in-group).
    SmallVector<int64_t> inShape{n, g, cg};
    llvm::append_range(inShape, padded.getShape().drop_front(2));
    // [n, c, in...] → [n, g, c/g, in...]: the grouping is known, so every
    // other dimension keeps its (possibly run-time) size.
    if (padded.isDynamicDim(1) && !ShapedType::isDynamic(cg)) {
      // Checked above to be g * cg.
      SmallVector<int64_t> shape(padded.getShape());
      shape[1] = g * cg;
      input = tensor::CastOp::create(rewriter, loc, RankedTensorType::get(shape, elt), input);
    }
    SmallVector<ReassociationIndices> split{{0}, {1, 2}};
    SmallVector<OpFoldResult> splitSizes{tensor::getMixedSize(rewriter, loc, input, 0),
                                         rewriter.getIndexAttr(g),
                                         tensor::getMixedSize(rewriter, loc, weightIn, 1)};
    for (int64_t i = 0; i < spatial; ++i) {
      split.push_back({3 + i});
      splitSizes.push_back(tensor::getMixedSize(rewriter, loc, input, 2 + i));
    }
    input = tensor::ExpandShapeOp::create(rewriter, loc, RankedTensorType::get(inShape, elt),
                                          input, split, splitSizes);
    SmallVector<int64_t> wShape{g, fg, cg};
    llvm::append_range(wShape, wType.getShape().drop_front(2));
    Value weight;
    if (wType.hasStaticShape()) {
      weight = reshape(rewriter, loc, weightIn, RankedTensorType::get(wShape, elt));
    } else {
      // [f, cg, k...] → [g, f/g, cg, k...] with the run-time sizes.
      SmallVector<ReassociationIndices> wSplit{{0, 1}};
      SmallVector<OpFoldResult> wSizes{rewriter.getIndexAttr(g),
                                       fgSize ? OpFoldResult(fgSize)
                                              : OpFoldResult(rewriter.getIndexAttr(fg))};
      for (int64_t d = 1; d < wType.getRank(); ++d) {
        wSplit.push_back({d + 1});
        wSizes.push_back(tensor::getMixedSize(rewriter, loc, weightIn, d));
      }
      weight = tensor::ExpandShapeOp::create(rewriter, loc, RankedTensorType::get(wShape, elt),
                                             weightIn, wSplit, wSizes);
    }
    SmallVector<int64_t> outShape{n, g, fg};
    llvm::append_range(outShape, type.getShape().drop_front(2));
    auto outType = RankedTensorType::get(outShape, elt);

    // Loops: n, g, f, out[0..s), c, k[0..s).
    int64_t nLoops = 4 + 2 * spatial, cDim = 3 + spatial, kDim = 4 + spatial;
    auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
    SmallVector<AffineExpr> inExprs{d(0), d(1), d(cDim)}, wExprs{d(1), d(2), d(cDim)},
        outExprs{d(0), d(1), d(2)};
    for (int64_t i = 0; i < spatial; ++i) {
      inExprs.push_back(d(3 + i) * strides[i] + d(kDim + i) * dilations[i]);
      wExprs.push_back(d(kDim + i));
      outExprs.push_back(d(3 + i));
    }
    SmallVector<AffineMap> maps{AffineMap::get(nLoops, 0, inExprs, ctx),
                                AffineMap::get(nLoops, 0, wExprs, ctx),
                                AffineMap::get(nLoops, 0, outExprs, ctx)};
    SmallVector<utils::IteratorType> iterators(nLoops, utils::IteratorType::parallel);
    for (int64_t i = cDim; i < nLoops; ++i)
      iterators[i] = utils::IteratorType::reduction;
    Value empty = windowResult(rewriter, loc, outType, paddedInput, 3, kernel, strides,
                               dilations, [&](int64_t) -> Value { return fgSize; });
    Value init = linalg::FillOp::create(rewriter, loc, scalar(rewriter, loc, elt, 0.0),
                                        empty)
                     .getResult(0);
    Value conv = linalg::GenericOp::create(
                     rewriter, loc, outType, ValueRange{input, weight}, init, maps,
                     iterators,
                     [](OpBuilder &b, Location l, ValueRange a) {
                       linalg::YieldOp::create(b, l, multiplyAdd(b, l, a[0], a[1], a[2]));
                     })
                     .getResult(0);
    Value result = reshape(rewriter, loc, conv, type);
    if (Value bias = op.getBias()) {
      // [F] → [F, 1, ...] so it broadcasts along the channel axis.
      SmallVector<int64_t> bShape{f};
      bShape.append(spatial, 1);
      Value b = reshape(rewriter, loc, bias, RankedTensorType::get(bShape, elt));
      result = buildElementwise(rewriter, loc, type, {result, b},
                                [](OpBuilder &nb, Location l, ValueRange a) {
                                  return add(nb, l, a[0], a[1]);
                                });
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Number of window positions of one spatial dim that fall inside the
/// unpadded input of `size`, for average pooling without count_include_pad.
Value validCount(OpBuilder &b, Location l, Value outIdx, int64_t stride,
                 OpFoldResult padLow, int64_t kernel, int64_t dilation, Value size) {
  auto c = [&](int64_t v) { return arith::ConstantIndexOp::create(b, l, v).getResult(); };
  Value start = arith::SubIOp::create(b, l, arith::MulIOp::create(b, l, outIdx, c(stride)),
                                      getValueOrCreateConstantIndexOp(b, l, padLow));
  // kmin = max(0, ceil(-start / d)); kmax = min(K-1, floor((size-1-start)/d)).
  Value kmin = arith::MaxSIOp::create(
      b, l, c(0),
      arith::CeilDivSIOp::create(b, l, arith::SubIOp::create(b, l, c(0), start),
                                 c(dilation)));
  Value last = arith::SubIOp::create(b, l, size, c(1));
  Value kmax = arith::MinSIOp::create(
      b, l, c(kernel - 1),
      arith::FloorDivSIOp::create(b, l, arith::SubIOp::create(b, l, last, start),
                                  c(dilation)));
  Value cnt = arith::AddIOp::create(b, l, arith::SubIOp::create(b, l, kmax, kmin), c(1));
  return arith::MaxSIOp::create(b, l, cnt, c(0));
}

/// MaxPool's Indices (xf.pool argmax): the window maximum and the row-major
/// flat index of its first occurrence, reduced together (a later element
/// replaces the best only when strictly greater, so padding, at the lowest
/// value, is never picked). `input` is padded by `lowPads` in front.
Value argMaxPool(OpBuilder &b, Location loc, PoolOp op, Value input, Value window,
                 Value valueEmpty, ArrayRef<AffineMap> maps,
                 ArrayRef<utils::IteratorType> iterators, ArrayRef<OpFoldResult> lowPads) {
  RankedTensorType type = op.getType();
  Value x = op.getInput();
  auto valueType = cast<RankedTensorType>(valueEmpty.getType());
  Type elt = valueType.getElementType(), i64 = b.getI64Type();
  int64_t spatial = type.getRank() - 2;
  Value indexEmpty = createEmptySized(b, loc, type, [&](int64_t d) -> Value {
    return tensor::DimOp::create(b, loc, valueEmpty, d);
  });
  Value best = linalg::FillOp::create(
                   b, loc, arith::ConstantOp::create(b, loc, lowestAttr(elt)).getResult(),
                   valueEmpty)
                   .getResult(0);
  Value where = linalg::FillOp::create(b, loc, scalar(b, loc, i64, 0.0), indexEmpty).getResult(0);
  SmallVector<Value> inSizes;
  for (int64_t d = 1; d < type.getRank(); ++d)
    inSizes.push_back(tensor::DimOp::create(b, loc, x, d));
  SmallVector<Value> pads;
  for (OpFoldResult p : lowPads)
    pads.push_back(getValueOrCreateConstantIndexOp(b, loc, p));
  SmallVector<AffineMap> allMaps(maps);
  allMaps.push_back(maps.back());
  ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations();
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{valueType, type}, ValueRange{input, window}, ValueRange{best, where},
      allMaps, iterators, [&](OpBuilder &nb, Location l, ValueRange a) {
        auto idx = [&](int64_t i) { return linalg::IndexOp::create(nb, l, i).getResult(); };
        auto k = [&](int64_t v) { return arith::ConstantIndexOp::create(nb, l, v).getResult(); };
        // ((n * C + c) * H + h) * W + w over the unpadded input.
        Value flat = arith::AddIOp::create(
            nb, l, arith::MulIOp::create(nb, l, idx(0), inSizes[0]), idx(1));
        for (int64_t i = 0; i < spatial; ++i) {
          Value pos = arith::SubIOp::create(
              nb, l,
              arith::AddIOp::create(
                  nb, l, arith::MulIOp::create(nb, l, idx(2 + i), k(strides[i])),
                  arith::MulIOp::create(nb, l, idx(2 + spatial + i), k(dilations[i]))),
              pads[i]);
          flat = arith::AddIOp::create(
              nb, l, arith::MulIOp::create(nb, l, flat, inSizes[1 + i]), pos);
        }
        Value greater = arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OGT, a[0], a[2]);
        Value flat64 = arith::IndexCastOp::create(nb, l, i64, flat);
        linalg::YieldOp::create(
            nb, l,
            ValueRange{arith::SelectOp::create(nb, l, greater, a[0], a[2]).getResult(),
                       arith::SelectOp::create(nb, l, greater, flat64, a[3]).getResult()});
      });
  return generic.getResult(1);
}

struct LowerPool : OpRewritePattern<PoolOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PoolOp op, PatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    Type elt = inType.getElementType();
    bool argmax = op.getKind() == PoolKind::argmax;
    bool isMax = op.getKind() == PoolKind::max || argmax;
    int64_t spatial = type.getRank() - 2;
    ArrayRef<int64_t> kernel = op.getKernel(), strides = op.getStrides(),
                      dilations = op.getDilations();
    SmallVector<int64_t> pads(op.getPads());
    // ceil_mode may need the last window to run past the high padding
    // (static sizes here, dynamic ones below).
    for (int64_t i = 0; i < spatial; ++i) {
      if (type.isDynamicDim(2 + i) || inType.isDynamicDim(2 + i))
        continue;
      int64_t need = (type.getDimSize(2 + i) - 1) * strides[i] +
                     dilations[i] * (kernel[i] - 1) + 1;
      int64_t have = inType.getDimSize(2 + i) + pads[i] + pads[spatial + i];
      if (need > have)
        pads[spatial + i] += need - have;
    }
    SmallVector<OpFoldResult> kernelSizes;
    for (int64_t k : kernel)
      kernelSizes.push_back(rewriter.getIndexAttr(k));
    TypedAttr padValue = isMax ? lowestAttr(elt) : scalarAttr(elt, 0.0);
    // The pads average pooling counts (explicit or SAME, without ceil_mode's
    // extension), and the output sizes ceil_mode computes at run time.
    SmallVector<OpFoldResult> countedPads =
        getAsIndexOpFoldResult(ctx, op.getPads());
    SmallVector<Value> outSizes(spatial);
    Value input;
    std::optional<StringRef> autoPad = op.getAutoPad();
    SmallVector<OpFoldResult> lowPads = getAsIndexOpFoldResult(ctx, pads);
    lowPads.resize(spatial);
    if (!autoPad && !op.getCeilMode()) {
      input = padSpatial(rewriter, loc, op.getInput(), pads, padValue);
    } else {
      SmallVector<OpFoldResult> runPads = getAsIndexOpFoldResult(ctx, pads);
      if (autoPad)
        runPads = countedPads = samePads(rewriter, loc, op.getInput(), *autoPad,
                                         kernelSizes, strides, dilations);
      auto c = [&](int64_t v) { return arith::ConstantIndexOp::create(rewriter, loc, v); };
      for (int64_t i = 0; op.getCeilMode() && !autoPad && i < spatial; ++i) {
        if (!type.isDynamicDim(2 + i))
          continue;
        // out = ceil((in + pads - span) / stride) + 1, minus the last window
        // when it would start past the input and the low padding; the high
        // padding grows until that window fits.
        int64_t span = dilations[i] * (kernel[i] - 1) + 1, lo = pads[i],
                hi = pads[spatial + i];
        Value in = tensor::DimOp::create(rewriter, loc, op.getInput(), 2 + i);
        Value have = arith::AddIOp::create(rewriter, loc, in, c(lo + hi));
        Value out = arith::AddIOp::create(
            rewriter, loc,
            arith::CeilDivSIOp::create(rewriter, loc,
                                       arith::SubIOp::create(rewriter, loc, have, c(span)),
                                       c(strides[i])),
            c(1));
        Value last = arith::MulIOp::create(
            rewriter, loc, arith::SubIOp::create(rewriter, loc, out, c(1)), c(strides[i]));
        Value pastEnd = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::sge, last,
                                              arith::AddIOp::create(rewriter, loc, in, c(lo)));
        out = arith::SelectOp::create(rewriter, loc, pastEnd,
                                      arith::SubIOp::create(rewriter, loc, out, c(1)), out);
        Value need = arith::AddIOp::create(
            rewriter, loc,
            arith::MulIOp::create(rewriter, loc,
                                  arith::SubIOp::create(rewriter, loc, out, c(1)),
                                  c(strides[i])),
            c(span));
        Value extra = arith::MaxSIOp::create(rewriter, loc, c(0),
                                             arith::SubIOp::create(rewriter, loc, need, have));
        runPads[spatial + i] = arith::AddIOp::create(rewriter, loc, c(hi), extra).getResult();
        outSizes[i] = out;
      }
      input = padSpatialMixed(rewriter, loc, op.getInput(), runPads, padValue);
      lowPads.assign(runPads.begin(), runPads.begin() + spatial);
    }
    checkWindowFits(rewriter, loc, input, kernelSizes, dilations);
    Value window = tensor::EmptyOp::create(rewriter, loc, kernel, elt);

    int64_t nLoops = 2 + 2 * spatial;
    auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
    SmallVector<AffineExpr> inExprs{d(0), d(1)}, winExprs, outExprs{d(0), d(1)};
    for (int64_t i = 0; i < spatial; ++i) {
      inExprs.push_back(d(2 + i) * strides[i] + d(2 + spatial + i) * dilations[i]);
      winExprs.push_back(d(2 + spatial + i));
      outExprs.push_back(d(2 + i));
    }
    SmallVector<AffineMap> maps{AffineMap::get(nLoops, 0, inExprs, ctx),
                                AffineMap::get(nLoops, 0, winExprs, ctx),
                                AffineMap::get(nLoops, 0, outExprs, ctx)};
    SmallVector<utils::IteratorType> iterators(nLoops, utils::IteratorType::parallel);
    for (int64_t i = 2 + spatial; i < nLoops; ++i)
      iterators[i] = utils::IteratorType::reduction;
    Value empty = windowResult(rewriter, loc, RankedTensorType::get(type.getShape(), elt),
                               input, 2, kernelSizes, strides, dilations,
                               [&](int64_t d) -> Value {
                                 return tensor::DimOp::create(rewriter, loc, input, d);
                               },
                               outSizes);
    if (argmax) {
      rewriter.replaceOp(op, argMaxPool(rewriter, loc, op, input, window, empty, maps,
                                        iterators, lowPads));
      return success();
    }
    Value init = linalg::FillOp::create(
                     rewriter, loc, arith::ConstantOp::create(rewriter, loc, padValue).getResult(),
                     empty)
                     .getResult(0);
    Value pooled = linalg::GenericOp::create(
                       rewriter, loc, type, ValueRange{input, window}, init, maps,
                       iterators,
                       [isMax](OpBuilder &b, Location l, ValueRange a) {
                         Value r = isMax ? buildMax(b, l, a[2], a[0])
                                         : (Value)arith::AddFOp::create(b, l, a[2], a[0]);
                         linalg::YieldOp::create(b, l, r);
                       })
                       .getResult(0);
    if (!isMax) {
      bool countPads = op.getCountIncludePad();
      Value unpadded = op.getInput();
      auto inputSize = [&](OpBuilder &b, Location l, int64_t d) -> Value {
        if (inType.isDynamicDim(d))
          return tensor::DimOp::create(b, l, unpadded, d);
        return arith::ConstantIndexOp::create(b, l, inType.getDimSize(d));
      };
      pooled = buildElementwise(
          rewriter, loc, type, pooled, [&](OpBuilder &b, Location l, ValueRange a) {
            if (countPads) {
              // Windows that run into ceil_mode's extra padding still only
              // count the explicit pads.
              Value cnt = arith::ConstantIndexOp::create(b, l, 1);
              for (int64_t i = 0; i < spatial; ++i) {
                Value padSum;
                std::optional<int64_t> lo = getConstantIntValue(countedPads[i]),
                                       hi = getConstantIntValue(countedPads[spatial + i]);
                if (lo && hi)
                  padSum = arith::ConstantIndexOp::create(b, l, *lo + *hi);
                else
                  padSum = arith::AddIOp::create(
                      b, l, getValueOrCreateConstantIndexOp(b, l, countedPads[i]),
                      getValueOrCreateConstantIndexOp(b, l, countedPads[spatial + i]));
                Value size = arith::AddIOp::create(b, l, inputSize(b, l, 2 + i), padSum);
                Value v = validCount(b, l, linalg::IndexOp::create(b, l, 2 + i), strides[i],
                                     b.getIndexAttr(0), kernel[i], dilations[i], size);
                cnt = arith::MulIOp::create(b, l, cnt, v);
              }
              Value cf = castScalar(b, l, arith::IndexCastOp::create(b, l, b.getI64Type(), cnt), elt);
              return (Value)arith::DivFOp::create(b, l, a[0], cf);
            }
            Value cnt = arith::ConstantIndexOp::create(b, l, 1);
            for (int64_t i = 0; i < spatial; ++i) {
              Value v = validCount(b, l, linalg::IndexOp::create(b, l, 2 + i), strides[i],
                                   countedPads[i], kernel[i], dilations[i],
                                   inputSize(b, l, 2 + i));
              cnt = arith::MulIOp::create(b, l, cnt, v);
            }
            Value cf = castScalar(b, l, arith::IndexCastOp::create(b, l, b.getI64Type(), cnt), elt);
            return (Value)arith::DivFOp::create(b, l, a[0], cf);
          });
    }
    rewriter.replaceOp(op, pooled);
    return success();
  }
};

/// A transposed convolution whose sizes are known at run time only (static
/// ones become an xf.conv over stride phases in the importer), written as a
/// gather: output position o of spatial dimension i, full-output position
/// t = o + padLow, sums the taps k whose input position (t - k * dilation) /
/// stride is exact and inside the input. One linalg.generic over
/// [N, G, F/G, out..., C/G, kernel...]: the weight is an affine operand, the
/// input an extract at the computed positions (taps that miss add zero).
struct LowerConvTranspose : OpRewritePattern<ConvTransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConvTransposeOp op, PatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    Type elt = type.getElementType();
    int64_t spatial = type.getRank() - 2, g = op.getGroup();
    Value x = op.getInput(), w = op.getWeight();
    OpBuilder &b = rewriter;
    auto c = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v).getResult(); };
    auto dim = [&](Value t, int64_t d) { return tensor::DimOp::create(b, loc, t, d).getResult(); };
    auto check = [&](arith::CmpIPredicate pred, Value l, Value r, const llvm::Twine &what) {
      buildSizeCheck(b, loc, arith::CmpIOp::create(b, loc, pred, l, r), what);
    };
    Value channels = dim(x, 1);
    check(arith::CmpIPredicate::eq, channels, dim(w, 0),
          "the weight's dimension 0 must equal the input channels");
    if (g > 1)
      check(arith::CmpIPredicate::eq, arith::RemUIOp::create(b, loc, channels, c(g)), c(0),
            "the input channels must be a multiple of group " + llvm::Twine(g));
    Value cg = arith::DivUIOp::create(b, loc, channels, c(g));
    Value fg = dim(w, 1);

    // Per spatial dimension: the low crop and the output size.
    ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations(),
                      pads = op.getPads(), outPadding = op.getOutputPadding();
    std::optional<StringRef> autoPad = op.getAutoPad();
    std::optional<ArrayRef<int64_t>> outputShape = op.getOutputShape();
    SmallVector<Value> padLow, outSize, inSize;
    for (int64_t i = 0; i < spatial; ++i) {
      Value in = dim(x, 2 + i), k = dim(w, 2 + i);
      inSize.push_back(in);
      Value full = arith::AddIOp::create(
          b, loc,
          arith::MulIOp::create(b, loc, arith::SubIOp::create(b, loc, in, c(1)), c(strides[i])),
          arith::AddIOp::create(
              b, loc,
              arith::MulIOp::create(b, loc, arith::SubIOp::create(b, loc, k, c(1)),
                                    c(dilations[i])),
              c(outPadding[i] + 1)));
      Value target;
      if (outputShape)
        target = c((*outputShape)[i]);
      else if (autoPad)
        target = arith::MulIOp::create(b, loc, in, c(strides[i]));
      if (target) {
        Value total = arith::SubIOp::create(b, loc, full, target);
        Value half = arith::FloorDivSIOp::create(b, loc, total, c(2));
        padLow.push_back(autoPad && *autoPad == "same_upper"
                             ? half
                             : arith::SubIOp::create(b, loc, total, half).getResult());
        outSize.push_back(target);
      } else {
        padLow.push_back(c(pads[i]));
        outSize.push_back(
            arith::SubIOp::create(b, loc, full, c(pads[i] + pads[spatial + i])));
      }
      check(arith::CmpIPredicate::sgt, outSize.back(), c(0),
            "the pads must leave an output in spatial dimension " + llvm::Twine(i));
    }

    // [N, C, in...] -> [N, G, C/G, in...]; [C, F/G, k...] -> [G, C/G, F/G, k...].
    auto expand = [&](Value t, int64_t at, Value inner) {
      auto tt = cast<RankedTensorType>(t.getType());
      SmallVector<int64_t> shape;
      SmallVector<ReassociationIndices> groups;
      SmallVector<OpFoldResult> sizes;
      for (int64_t d = 0; d < tt.getRank(); ++d) {
        if (d == at) {
          groups.push_back({(int64_t)shape.size(), (int64_t)shape.size() + 1});
          shape.append({g, ShapedType::kDynamic});
          sizes.append({b.getIndexAttr(g), inner});
          continue;
        }
        groups.push_back({(int64_t)shape.size()});
        shape.push_back(ShapedType::kDynamic);
        sizes.push_back(dim(t, d));
      }
      // Dynamic sizes everywhere: the checks above tie them together.
      Value dyn = tensor::CastOp::create(
          b, loc,
          RankedTensorType::get(SmallVector<int64_t>(tt.getRank(), ShapedType::kDynamic), elt),
          t);
      return tensor::ExpandShapeOp::create(b, loc, RankedTensorType::get(shape, elt), dyn,
                                           groups, sizes)
          .getResult();
    };
    Value xg = expand(x, 1, cg), wg = expand(w, 0, cg);

    SmallVector<int64_t> outShape{type.getDimSize(0), g, ShapedType::kDynamic};
    llvm::append_range(outShape, type.getShape().drop_front(2));
    auto outType = RankedTensorType::get(outShape, elt);
    Value empty = createEmptySized(b, loc, outType, [&](int64_t d) -> Value {
      if (d == 0)
        return dim(x, 0);
      if (d == 2)
        return fg;
      return outSize[d - 3];
    });
    Value init = linalg::FillOp::create(b, loc, scalar(b, loc, elt, 0.0), empty).getResult(0);

    // Loops: n, g, f, out[0..s), c, k[0..s).
    int64_t nLoops = 4 + 2 * spatial, cDim = 3 + spatial, kDim = 4 + spatial;
    auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
    SmallVector<AffineExpr> wExprs{d(1), d(cDim), d(2)}, outExprs{d(0), d(1), d(2)};
    for (int64_t i = 0; i < spatial; ++i) {
      wExprs.push_back(d(kDim + i));
      outExprs.push_back(d(3 + i));
    }
    SmallVector<AffineMap> maps{AffineMap::get(nLoops, 0, wExprs, ctx),
                                AffineMap::get(nLoops, 0, outExprs, ctx)};
    SmallVector<utils::IteratorType> iterators(nLoops, utils::IteratorType::parallel);
    for (int64_t i = cDim; i < nLoops; ++i)
      iterators[i] = utils::IteratorType::reduction;
    Value conv =
        linalg::GenericOp::create(
            b, loc, outType, ValueRange{wg}, init, maps, iterators,
            [&](OpBuilder &nb, Location l, ValueRange a) {
              auto idx = [&](int64_t i) { return linalg::IndexOp::create(nb, l, i).getResult(); };
              auto k = [&](int64_t v) {
                return arith::ConstantIndexOp::create(nb, l, v).getResult();
              };
              SmallVector<Value> at{idx(0), idx(1), idx(cDim)};
              Value ok;
              for (int64_t i = 0; i < spatial; ++i) {
                Value t = arith::SubIOp::create(
                    nb, l, arith::AddIOp::create(nb, l, idx(3 + i), padLow[i]),
                    arith::MulIOp::create(nb, l, idx(kDim + i), k(dilations[i])));
                Value q = arith::FloorDivSIOp::create(nb, l, t, k(strides[i]));
                Value exact = arith::CmpIOp::create(
                    nb, l, arith::CmpIPredicate::eq,
                    arith::MulIOp::create(nb, l, q, k(strides[i])), t);
                Value inside = arith::AndIOp::create(
                    nb, l,
                    arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sge, q, k(0)),
                    arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, q, inSize[i]));
                Value valid = arith::AndIOp::create(nb, l, exact, inside);
                ok = ok ? arith::AndIOp::create(nb, l, ok, valid).getResult() : valid;
                at.push_back(arith::SelectOp::create(nb, l, valid, q, k(0)));
              }
              Value v = tensor::ExtractOp::create(nb, l, xg, at);
              Value prod = arith::MulFOp::create(nb, l, v, a[0]);
              Value term = arith::SelectOp::create(nb, l, ok, prod, scalar(nb, l, elt, 0.0));
              linalg::YieldOp::create(nb, l, arith::AddFOp::create(nb, l, a[1], term).getResult());
            })
            .getResult(0);
    // [N, G, F/G, out...] -> [N, F, out...].
    SmallVector<ReassociationIndices> merge{{0}, {1, 2}};
    for (int64_t i = 0; i < spatial; ++i)
      merge.push_back({3 + i});
    SmallVector<int64_t> mergedShape(outShape);
    mergedShape.erase(mergedShape.begin() + 1);
    mergedShape[1] = ShapedType::kDynamic;
    Value result = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get(mergedShape, elt), conv, merge);
    if (result.getType() != type)
      result = tensor::CastOp::create(b, loc, type, result);
    if (Value bias = op.getBias()) {
      check(arith::CmpIPredicate::eq, dim(bias, 0), dim(result, 1),
            "the bias must have one value per output channel");
      SmallVector<int64_t> bShape{cast<RankedTensorType>(bias.getType()).getDimSize(0)};
      bShape.append(spatial, 1);
      Value bb = reshape(b, loc, bias, RankedTensorType::get(bShape, elt));
      result = buildElementwise(b, loc, type, {result, bb},
                                [](OpBuilder &nb, Location l, ValueRange a) {
                                  return add(nb, l, a[0], a[1]);
                                });
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateConvPoolPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerConv, LowerPool, LowerConvTranspose>(patterns.getContext());
}

} // namespace xfc::lowering

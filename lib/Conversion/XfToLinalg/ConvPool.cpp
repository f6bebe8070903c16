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
/// stride + 1.
Value windowResult(OpBuilder &b, Location loc, RankedTensorType type, Value padded,
                   int64_t firstSpatial, ArrayRef<int64_t> kernel,
                   ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
                   function_ref<Value(int64_t)> channels) {
  return createEmptySized(b, loc, type, [&](int64_t d) -> Value {
    if (d == 0)
      return tensor::DimOp::create(b, loc, padded, 0);
    if (d < firstSpatial)
      return channels(d);
    int64_t i = d - firstSpatial;
    auto c = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); };
    Value in = tensor::DimOp::create(b, loc, padded, 2 + i);
    Value span = arith::SubIOp::create(b, loc, in, c(dilations[i] * (kernel[i] - 1) + 1));
    return arith::AddIOp::create(b, loc,
                                 arith::DivSIOp::create(b, loc, span, c(strides[i])), c(1));
  });
}

struct LowerConv : OpRewritePattern<ConvOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConvOp op, PatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto wType = cast<RankedTensorType>(op.getWeight().getType());
    // Batch, channels and spatial sizes may be dynamic; the kernel and the
    // filter count shape the loops and the group split.
    if (!wType.hasStaticShape())
      return op.emitError("convolution with a dynamic weight shape is not "
                          "supported yet");
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    Type elt = type.getElementType();
    int64_t spatial = type.getRank() - 2, g = op.getGroup();
    int64_t n = inType.getDimSize(0), c = inType.getDimSize(1);
    int64_t f = wType.getDimSize(0), cg = wType.getDimSize(1), fg = f / g;
    if (ShapedType::isDynamic(c)) {
      Value ok = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::eq,
          tensor::DimOp::create(rewriter, loc, op.getInput(), 1),
          arith::ConstantIndexOp::create(rewriter, loc, g * cg));
      buildSizeCheck(rewriter, loc, ok,
                     "the input must have " + llvm::Twine(g * cg) + " channels");
    }
    ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations();

    Value input = padSpatial(rewriter, loc, op.getInput(), op.getPads(),
                             scalarAttr(elt, 0.0));
    Value paddedInput = input;
    auto padded = cast<RankedTensorType>(input.getType());
    // Split channels into (group, channel-in-group).
    SmallVector<int64_t> inShape{n, g, cg};
    llvm::append_range(inShape, padded.getShape().drop_front(2));
    // [n, c, in...] → [n, g, c/g, in...]: the grouping is known, so every
    // other dimension keeps its (possibly run-time) size.
    if (padded.isDynamicDim(1)) {
      // Checked above to be g * cg.
      SmallVector<int64_t> shape(padded.getShape());
      shape[1] = g * cg;
      input = tensor::CastOp::create(rewriter, loc, RankedTensorType::get(shape, elt), input);
    }
    SmallVector<ReassociationIndices> split{{0}, {1, 2}};
    SmallVector<OpFoldResult> splitSizes{tensor::getMixedSize(rewriter, loc, input, 0),
                                         rewriter.getIndexAttr(g),
                                         rewriter.getIndexAttr(cg)};
    for (int64_t i = 0; i < spatial; ++i) {
      split.push_back({3 + i});
      splitSizes.push_back(tensor::getMixedSize(rewriter, loc, input, 2 + i));
    }
    input = tensor::ExpandShapeOp::create(rewriter, loc, RankedTensorType::get(inShape, elt),
                                          input, split, splitSizes);
    SmallVector<int64_t> wShape{g, fg, cg};
    llvm::append_range(wShape, wType.getShape().drop_front(2));
    Value weight = reshape(rewriter, loc, op.getWeight(), RankedTensorType::get(wShape, elt));
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
    Value empty = windowResult(rewriter, loc, outType, paddedInput, 3,
                               wType.getShape().drop_front(2), strides, dilations,
                               [](int64_t) -> Value { return {}; });
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
                 int64_t padLow, int64_t kernel, int64_t dilation, Value size) {
  auto c = [&](int64_t v) { return arith::ConstantIndexOp::create(b, l, v).getResult(); };
  Value start = arith::SubIOp::create(
      b, l, arith::MulIOp::create(b, l, outIdx, c(stride)), c(padLow));
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

struct LowerPool : OpRewritePattern<PoolOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PoolOp op, PatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    Type elt = type.getElementType();
    bool isMax = op.getKind() == PoolKind::max;
    int64_t spatial = type.getRank() - 2;
    ArrayRef<int64_t> kernel = op.getKernel(), strides = op.getStrides(),
                      dilations = op.getDilations();
    SmallVector<int64_t> pads(op.getPads());
    // ceil_mode may need the last window to run past the high padding (the
    // importer allows ceil_mode on static spatial sizes only).
    for (int64_t i = 0; i < spatial; ++i) {
      if (type.isDynamicDim(2 + i) || inType.isDynamicDim(2 + i))
        continue;
      int64_t need = (type.getDimSize(2 + i) - 1) * strides[i] +
                     dilations[i] * (kernel[i] - 1) + 1;
      int64_t have = inType.getDimSize(2 + i) + pads[i] + pads[spatial + i];
      if (need > have)
        pads[spatial + i] += need - have;
    }
    TypedAttr padValue = isMax ? lowestAttr(elt) : scalarAttr(elt, 0.0);
    Value input = padSpatial(rewriter, loc, op.getInput(), pads, padValue);
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
    Value empty = windowResult(rewriter, loc, type, input, 2, kernel, strides, dilations,
                               [&](int64_t d) -> Value {
                                 return tensor::DimOp::create(rewriter, loc, input, d);
                               });
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
      int64_t full = 1;
      for (int64_t k : kernel)
        full *= k;
      bool countPads = op.getCountIncludePad();
      ArrayRef<int64_t> origPads = op.getPads();
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
                Value size = arith::AddIOp::create(
                    b, l, inputSize(b, l, 2 + i),
                    arith::ConstantIndexOp::create(b, l, origPads[i] + origPads[spatial + i]));
                Value v = validCount(b, l, linalg::IndexOp::create(b, l, 2 + i), strides[i],
                                     0, kernel[i], dilations[i], size);
                cnt = arith::MulIOp::create(b, l, cnt, v);
              }
              Value cf = castScalar(b, l, arith::IndexCastOp::create(b, l, b.getI64Type(), cnt), elt);
              return (Value)arith::DivFOp::create(b, l, a[0], cf);
            }
            Value cnt = arith::ConstantIndexOp::create(b, l, 1);
            for (int64_t i = 0; i < spatial; ++i) {
              Value v = validCount(b, l, linalg::IndexOp::create(b, l, 2 + i), strides[i],
                                   origPads[i], kernel[i], dilations[i],
                                   inputSize(b, l, 2 + i));
              cnt = arith::MulIOp::create(b, l, cnt, v);
            }
            Value cf = castScalar(b, l, arith::IndexCastOp::create(b, l, b.getI64Type(), cnt), elt);
            (void)full;
            return (Value)arith::DivFOp::create(b, l, a[0], cf);
          });
    }
    rewriter.replaceOp(op, pooled);
    return success();
  }
};

} // namespace

void populateConvPoolPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerConv, LowerPool>(patterns.getContext());
}

} // namespace xfc::lowering

//===- GridSample.cpp - xf.grid_sample → linalg ---------------------------===//
//
// Unlike Resize, a grid sample is not separable: every output element has
// its own position. So the whole op is one parallel linalg.generic over the
// output [N, C, D1, ..., Dr] whose body reads the position from the grid
// (tensor.extract), maps it to input coordinates, and gathers the input
// (tensor.extract) at every combination of taps (1 nearest, 2 linear, 4
// cubic per dimension). Coordinates are computed in f64 as the ONNX reference
// (PyTorch's grid_sampler) defines them:
//   x = (g + 1) / 2 * (d - 1)         align_corners
//   x = ((g + 1) * d - 1) / 2         otherwise
// then rounded half to even (nearest), then, for border and reflection
// padding, brought back into [lo, hi] ([0, d-1] or [-0.5, d-0.5]) except
// for cubic; each tap
// reads zero outside the input (zeros), the clamped pixel (border), or the
// pixel at the reflected tap (reflection).
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "SampleMath.h"

#include "dialects/Xf/IR/XfDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace xfc::xf;

namespace xfc::lowering {
namespace {

/// One sampled dimension: per tap the index to read, whether the tap lies
/// inside the input (zeros padding only) and its weight (linear and cubic).
struct Taps {
  SmallVector<Value> index, inside, weight;
};

/// The taps along an input dimension of size `d` (f64) for position `g`.
Taps buildTaps(const F64Builder &f, GridSampleOp op, Value g, Value d) {
  bool corners = op.getAlignCorners();
  Value one = f.c(1), last = f.sub(d, one);
  // The normalized position g in input coordinates, and the borders of the
  // input in the same coordinates.
  Value x = corners ? f.mul(f.div(f.add(g, one), f.c(2)), last)
                    : f.div(f.sub(f.mul(f.add(g, one), d), one), f.c(2));
  Value lo = corners ? f.c(0.0) : f.c(-0.5), hi = corners ? last : f.sub(d, f.c(0.5));
  if (op.getMode() == ResizeMode::nearest)
    x = math::RoundEvenOp::create(f.b, f.l, x);
  // Nearest and linear bring an outside position back into the input
  // first; cubic does not (its 4 taps are padded one by one), which is what
  // PyTorch's grid_sampler and ONNX Runtime do (the ONNX reference
  // implementation also moves cubic positions; ORT is the oracle).
  GridPadding padding = op.getPadding();
  if (op.getMode() != ResizeMode::cubic) {
    if (padding == GridPadding::border)
      x = f.select(f.lt(x, lo), f.c(0), f.select(f.lt(hi, x), last, x));
    else if (padding == GridPadding::reflection)
      x = f.reflect(f.clamp(x, -1e9, 1e9), lo, hi);
  }
  // Bound x so that the integer conversions below are defined (and NaN
  // reads the padding): beyond a few pixels outside the input every tap
  // reads the same padding, except that reflected cubic taps keep their
  // distances, so those only drop absurd positions.
  if (padding == GridPadding::reflection)
    x = f.clamp(x, -1e9, 1e9);
  else
    x = f.clamp(x, f.c(-8.0), f.add(d, f.c(8.0)));

  SmallVector<Value> positions;
  Taps taps;
  switch (op.getMode()) {
  case ResizeMode::nearest:
    positions.push_back(x);
    break;
  case ResizeMode::linear: {
    Value x0 = f.floor(x), r = f.sub(x, x0);
    positions = {x0, f.add(x0, f.c(1))};
    taps.weight = {f.sub(f.c(1), r), r};
    break;
  }
  case ResizeMode::cubic: {
    Value x0 = f.floor(x);
    for (int k = -1; k <= 2; ++k)
      positions.push_back(f.add(x0, f.c(k)));
    taps.weight = cubicWeights(f.b, f.l, f.sub(x, x0), -0.75);
    break;
  }
  }
  for (Value p : positions) {
    if (padding == GridPadding::zeros)
      taps.inside.push_back(arith::AndIOp::create(
          f.b, f.l, f.le(f.c(0), p), f.le(p, last)));
    if (padding == GridPadding::reflection)
      p = f.reflect(p, lo, hi);
    // Reflected taps lie in [lo, hi] and truncate into the input; clamping
    // covers border padding and the reads of taps that zeros discards.
    taps.index.push_back(f.toIndex(f.clamp(p, f.c(0), last)));
  }
  return taps;
}

struct LowerGridSample : OpRewritePattern<GridSampleOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GridSampleOp op, PatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto gridType = cast<RankedTensorType>(op.getGrid().getType());
    Location loc = op.getLoc();
    int64_t rank = type.getRank(), spatial = rank - 2;
    Type elt = type.getElementType();
    Value input = op.getInput(), grid = op.getGrid();
    // Dynamic sizes: the grid must fit the input, checked before any read.
    if (inType.isDynamicDim(0) || gridType.isDynamicDim(0))
      checkDims(rewriter, loc, grid, 0, arith::CmpIPredicate::eq, input, 0,
                "the grid's batch size must be the input's");
    if (gridType.isDynamicDim(spatial + 1)) {
      Value ok = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::eq,
          tensor::DimOp::create(rewriter, loc, grid, spatial + 1),
          arith::ConstantIndexOp::create(rewriter, loc, spatial));
      buildSizeCheck(rewriter, loc, ok,
                     "the grid's last dimension must be " + Twine(spatial));
    }
    SmallVector<Value> dynamicInSize(spatial);
    F64Builder outside{rewriter, loc};
    for (int64_t d = 0; d < spatial; ++d) {
      if (!inType.isDynamicDim(2 + d))
        continue;
      // Every tap reads a pixel: the sampled sizes must not be 0.
      Value ok = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::sgt,
                                       tensor::DimOp::create(rewriter, loc, input, 2 + d),
                                       arith::ConstantIndexOp::create(rewriter, loc, 0));
      buildSizeCheck(rewriter, loc, ok, "the input's spatial sizes must not be 0");
      dynamicInSize[d] = outside.size(input, 2 + d);
    }
    Value empty = createEmptySized(rewriter, loc, type, [&](int64_t d) -> Value {
      if (d < 2)
        return tensor::DimOp::create(rewriter, loc, input, d);
      return tensor::DimOp::create(rewriter, loc, grid, d - 1);
    });
    auto generic = linalg::GenericOp::create(
        rewriter, loc, type, ValueRange{}, empty,
        AffineMap::getMultiDimIdentityMap(rank, getContext()),
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange) {
          F64Builder f{b, l};
          SmallVector<Value> out;
          for (int64_t d = 0; d < rank; ++d)
            out.push_back(linalg::IndexOp::create(b, l, d));
          // grid[n, o1, ..., or, k] holds the position along input
          // dimension r - k (innermost first).
          SmallVector<Value> gridIndex{out[0]};
          llvm::append_range(gridIndex, ArrayRef<Value>(out).drop_front(2));
          gridIndex.push_back(Value());
          SmallVector<Taps> dims;
          for (int64_t d = 0; d < spatial; ++d) {
            gridIndex.back() = arith::ConstantIndexOp::create(b, l, spatial - 1 - d);
            Value g = castScalar(b, l, tensor::ExtractOp::create(b, l, grid, gridIndex),
                                 b.getF64Type());
            Value size = dynamicInSize[d]
                             ? dynamicInSize[d]
                             : f.c(static_cast<double>(inType.getDimSize(2 + d)));
            dims.push_back(buildTaps(f, op, g, size));
          }
          int64_t perDim = dims.front().index.size(), combos = 1;
          for (int64_t d = 0; d < spatial; ++d)
            combos *= perDim;
          Value zero = scalar(b, l, elt, 0.0), acc;
          for (int64_t combo = 0; combo < combos; ++combo) {
            SmallVector<Value> at{out[0], out[1]};
            Value weight, inside;
            for (int64_t d = 0, rest = combo; d < spatial; ++d, rest /= perDim) {
              int64_t t = rest % perDim;
              at.push_back(dims[d].index[t]);
              if (!dims[d].weight.empty())
                weight = weight ? f.mul(weight, dims[d].weight[t]) : dims[d].weight[t];
              if (!dims[d].inside.empty())
                inside = inside ? (Value)arith::AndIOp::create(b, l, inside, dims[d].inside[t])
                                : dims[d].inside[t];
            }
            Value v = tensor::ExtractOp::create(b, l, input, at);
            if (inside)
              v = arith::SelectOp::create(b, l, inside, v, zero);
            if (weight)
              v = arith::MulFOp::create(b, l, v, castScalar(b, l, weight, elt));
            acc = acc ? (Value)arith::AddFOp::create(b, l, acc, v) : v;
          }
          linalg::YieldOp::create(b, l, acc);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void populateGridSamplePatterns(RewritePatternSet &patterns) {
  patterns.add<LowerGridSample>(patterns.getContext());
}

} // namespace xfc::lowering

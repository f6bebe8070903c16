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

#include "dialects/Xf/IR/XfDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace xfc::xf;

namespace xfc::lowering {
namespace {

/// f64 arithmetic on scalars, for the coordinate computations.
struct F64Builder {
  OpBuilder &b;
  Location l;

  Value c(double v) const { return scalar(b, l, b.getF64Type(), v); }
  Value add(Value x, Value y) const { return arith::AddFOp::create(b, l, x, y); }
  Value sub(Value x, Value y) const { return arith::SubFOp::create(b, l, x, y); }
  Value mul(Value x, Value y) const { return arith::MulFOp::create(b, l, x, y); }
  Value div(Value x, Value y) const { return arith::DivFOp::create(b, l, x, y); }
  Value floor(Value x) const { return math::FloorOp::create(b, l, x); }
  Value lt(Value x, Value y) const {
    return arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, x, y);
  }
  Value le(Value x, Value y) const {
    return arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLE, x, y);
  }
  Value select(Value cond, Value x, Value y) const {
    return arith::SelectOp::create(b, l, cond, x, y);
  }
  /// Clamps into [lo, hi]; NaN becomes lo (maxnumf/minnumf drop NaN), so a
  /// later conversion to an integer is always defined.
  Value clamp(Value x, double lo, double hi) const {
    return arith::MinNumFOp::create(b, l, arith::MaxNumFOp::create(b, l, x, c(lo)),
                                    c(hi));
  }
  /// An in-range f64 as an index.
  Value toIndex(Value x) const {
    Value i = arith::FPToSIOp::create(b, l, b.getI64Type(), x);
    return arith::IndexCastOp::create(b, l, b.getIndexType(), i);
  }

  /// Reflects `x` at the borders lo and hi until it lies in [lo, hi]: a
  /// distance dx beyond a border crosses the range floor(dx / range) times,
  /// and an even count lands measured from the border it crossed first.
  Value reflect(Value x, double lo, double hi) const {
    double range = hi - lo;
    if (range <= 0)
      return c(lo);
    Value below = lt(x, c(lo)), above = lt(c(hi), x);
    Value dx = select(below, sub(c(lo), x), sub(x, c(hi)));
    Value n = floor(div(dx, c(range)));
    Value r = sub(dx, mul(n, c(range)));
    Value even = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ,
                                       sub(n, mul(c(2), floor(div(n, c(2))))), c(0));
    Value fromLo = add(c(lo), r), fromHi = sub(c(hi), r);
    Value reflectedBelow = select(even, fromLo, fromHi);
    Value reflectedAbove = select(even, fromHi, fromLo);
    return select(below, reflectedBelow, select(above, reflectedAbove, x));
  }
};

/// One sampled dimension: per tap the index to read, whether the tap lies
/// inside the input (zeros padding only) and its weight (linear and cubic).
struct Taps {
  SmallVector<Value> index, inside, weight;
};

Taps buildTaps(const F64Builder &f, GridSampleOp op, Value g, int64_t size) {
  double d = static_cast<double>(size);
  bool corners = op.getAlignCorners();
  // The normalized position g in input coordinates, and the borders of the
  // input in the same coordinates.
  Value x = corners ? f.mul(f.div(f.add(g, f.c(1)), f.c(2)), f.c(d - 1))
                    : f.div(f.sub(f.mul(f.add(g, f.c(1)), f.c(d)), f.c(1)), f.c(2));
  double lo = corners ? 0.0 : -0.5, hi = corners ? d - 1 : d - 0.5;
  if (op.getMode() == ResizeMode::nearest)
    x = math::RoundEvenOp::create(f.b, f.l, x);
  // Nearest and linear bring an outside position back into the input
  // first; cubic does not (its 4 taps are padded one by one), which is what
  // PyTorch's grid_sampler and ONNX Runtime do (the ONNX reference
  // implementation also moves cubic positions; ORT is the oracle).
  GridPadding padding = op.getPadding();
  if (op.getMode() != ResizeMode::cubic) {
    if (padding == GridPadding::border)
      x = f.select(f.lt(x, f.c(lo)), f.c(0),
                   f.select(f.lt(f.c(hi), x), f.c(d - 1), x));
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
    x = f.clamp(x, -8.0, d + 8.0);

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
          f.b, f.l, f.le(f.c(0), p), f.le(p, f.c(d - 1))));
    if (padding == GridPadding::reflection)
      p = f.reflect(p, lo, hi);
    // Reflected taps lie in [lo, hi] and truncate into the input; clamping
    // covers border padding and the reads of taps that zeros discards.
    taps.index.push_back(f.toIndex(f.clamp(p, 0, d - 1)));
  }
  return taps;
}

struct LowerGridSample : OpRewritePattern<GridSampleOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GridSampleOp op, PatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    if (!type.hasStaticShape() || !inType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic grid sample is not supported yet");
    Location loc = op.getLoc();
    int64_t rank = type.getRank(), spatial = rank - 2;
    Type elt = type.getElementType();
    Value input = op.getInput(), grid = op.getGrid();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, type, ValueRange{}, createEmpty(rewriter, loc, type, {}),
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
            dims.push_back(buildTaps(f, op, g, inType.getDimSize(2 + d)));
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

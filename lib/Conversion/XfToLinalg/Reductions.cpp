//===- Reductions.cpp - xf reduce/arg_reduce/softmax/norms → linalg -------===//
//
// Reductions are linalg.generic ops with reduction iterators; softmax and
// the normalizations are short chains of reductions and elementwise generics
// that elementwise fusion and tiling later merge.
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

Value add(OpBuilder &b, Location loc, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::AddFOp::create(b, loc, x, y);
  return arith::AddIOp::create(b, loc, x, y);
}

Value mul(OpBuilder &b, Location loc, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::MulFOp::create(b, loc, x, y);
  return arith::MulIOp::create(b, loc, x, y);
}

/// Number of elements reduced over `axes`, as a scalar of `type`.
Value reducedCount(OpBuilder &b, Location loc, Value input,
                   ArrayRef<int64_t> axes, Type type) {
  auto inType = cast<RankedTensorType>(input.getType());
  int64_t count = 1;
  Value dynamic;
  for (int64_t a : axes) {
    if (!inType.isDynamicDim(a)) {
      count *= inType.getDimSize(a);
      continue;
    }
    Value d = tensor::DimOp::create(b, loc, input, a);
    dynamic = dynamic ? (Value)arith::MulIOp::create(b, loc, dynamic, d) : d;
  }
  Value n = scalar(b, loc, type, static_cast<double>(count));
  if (!dynamic)
    return n;
  Value asInt = arith::IndexCastOp::create(b, loc, b.getI64Type(), dynamic);
  return mul(b, loc, n, castScalar(b, loc, asInt, type));
}

/// `result[i] = f(input[i], reduced[i without axes])`: an elementwise op
/// between a tensor and a reduction of it.
Value combineWithReduced(OpBuilder &b, Location loc, Value input,
                         Value reduced, ArrayRef<int64_t> axes,
                         BodyBuilder body) {
  auto type = cast<RankedTensorType>(input.getType());
  MLIRContext *ctx = b.getContext();
  int64_t rank = type.getRank();
  SmallVector<AffineMap> maps{AffineMap::getMultiDimIdentityMap(rank, ctx),
                              reducedOperandMap(ctx, rank, axes),
                              AffineMap::getMultiDimIdentityMap(rank, ctx)};
  Value init = createEmpty(b, loc, type, input);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, type, ValueRange{input, reduced}, init, maps, iterators,
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               linalg::YieldOp::create(nb, nloc,
                                       body(nb, nloc, args.drop_back()));
             })
      .getResult(0);
}

/// Applies `f` to every element of a tensor.
Value map(OpBuilder &b, Location loc, Value input,
          function_ref<Value(OpBuilder &, Location, Value)> f) {
  auto type = cast<RankedTensorType>(input.getType());
  return buildElementwise(b, loc, type, input,
                          [&](OpBuilder &nb, Location nloc, ValueRange args) {
                            return f(nb, nloc, args[0]);
                          });
}

Value sumReduce(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes) {
  Type elt = cast<RankedTensorType>(input.getType()).getElementType();
  return buildReduction(b, loc, input, axes, scalarAttr(elt, 0.0),
                        [](OpBuilder &nb, Location nloc, ValueRange args) {
                          return add(nb, nloc, args[0], args[1]);
                        });
}

Value maxReduce(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes) {
  Type elt = cast<RankedTensorType>(input.getType()).getElementType();
  return buildReduction(b, loc, input, axes, lowestAttr(elt),
                        [](OpBuilder &nb, Location nloc, ValueRange args) {
                          return buildMax(nb, nloc, args[0], args[1]);
                        });
}

struct LowerReduce : OpRewritePattern<ReduceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReduceOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = op.getInput();
    ArrayRef<int64_t> axes = op.getAxes();
    Type elt = op.getType().getElementType();
    auto combine = [&](auto fn) {
      return [fn](OpBuilder &b, Location l, ValueRange args) {
        return fn(b, l, args[0], args[1]);
      };
    };
    Value result;
    switch (op.getKind()) {
    case ReduceKind::sum:
      result = sumReduce(rewriter, loc, input, axes);
      break;
    case ReduceKind::mean: {
      Value sum = sumReduce(rewriter, loc, input, axes);
      Value n = reducedCount(rewriter, loc, input, axes, elt);
      result = map(rewriter, loc, sum, [&](OpBuilder &b, Location l, Value x) {
        if (isa<FloatType>(elt))
          return (Value)arith::DivFOp::create(b, l, x, n);
        return (Value)arith::DivSIOp::create(b, l, x, n);
      });
      break;
    }
    case ReduceKind::max:
      result = maxReduce(rewriter, loc, input, axes);
      break;
    case ReduceKind::min:
      result = buildReduction(rewriter, loc, input, axes, highestAttr(elt),
                              combine(buildMin));
      break;
    case ReduceKind::prod:
      result = buildReduction(rewriter, loc, input, axes, scalarAttr(elt, 1.0),
                              combine(mul));
      break;
    case ReduceKind::sum_square:
    case ReduceKind::l2: {
      Value sq = map(rewriter, loc, input, [](OpBuilder &b, Location l, Value x) {
        return mul(b, l, x, x);
      });
      result = sumReduce(rewriter, loc, sq, axes);
      if (op.getKind() == ReduceKind::l2)
        result = map(rewriter, loc, result, [](OpBuilder &b, Location l, Value x) {
          return (Value)math::SqrtOp::create(b, l, x);
        });
      break;
    }
    case ReduceKind::l1: {
      Value abs = map(rewriter, loc, input, [](OpBuilder &b, Location l, Value x) {
        if (isa<FloatType>(x.getType()))
          return (Value)math::AbsFOp::create(b, l, x);
        return (Value)math::AbsIOp::create(b, l, x);
      });
      result = sumReduce(rewriter, loc, abs, axes);
      break;
    }
    case ReduceKind::log_sum:
      result = map(rewriter, loc, sumReduce(rewriter, loc, input, axes),
                   [](OpBuilder &b, Location l, Value x) {
                     return (Value)math::LogOp::create(b, l, x);
                   });
      break;
    case ReduceKind::log_sum_exp: {
      // max + log(sum(exp(x - max))) stays finite for large inputs.
      Value mx = maxReduce(rewriter, loc, input, axes);
      Value shifted = combineWithReduced(
          rewriter, loc, input, mx, axes,
          [](OpBuilder &b, Location l, ValueRange a) {
            // An all -inf slice has max -inf; use 0 there to avoid NaN.
            Value isInf = arith::CmpFOp::create(
                b, l, arith::CmpFPredicate::OEQ, a[1],
                scalar(b, l, a[1].getType(), -INFINITY));
            Value m = arith::SelectOp::create(
                b, l, isInf, scalar(b, l, a[1].getType(), 0.0), a[1]);
            return (Value)math::ExpOp::create(
                b, l, arith::SubFOp::create(b, l, a[0], m));
          });
      Value sum = sumReduce(rewriter, loc, shifted, axes);
      result = buildElementwise(
          rewriter, loc, cast<RankedTensorType>(sum.getType()), {sum, mx},
          [](OpBuilder &b, Location l, ValueRange a) {
            Value isInf = arith::CmpFOp::create(
                b, l, arith::CmpFPredicate::OEQ, a[1],
                scalar(b, l, a[1].getType(), -INFINITY));
            Value m = arith::SelectOp::create(
                b, l, isInf, scalar(b, l, a[1].getType(), 0.0), a[1]);
            return (Value)arith::AddFOp::create(
                b, l, math::LogOp::create(b, l, a[0]), m);
          });
      break;
    }
    }
    rewriter.replaceOp(op, reshape(rewriter, loc, result, op.getType()));
    return success();
  }
};

struct LowerArgReduce : OpRewritePattern<ArgReduceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ArgReduceOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value input = op.getInput();
    auto inType = cast<RankedTensorType>(input.getType());
    Type elt = inType.getElementType();
    int64_t rank = inType.getRank(), axis = op.getAxis();
    bool isMax = op.getIsMax(), last = op.getSelectLastIndex();

    // Two accumulators: the best value and its index, reduced together.
    SmallVector<int64_t> shape;
    SmallVector<Value> dyn;
    for (int64_t d = 0; d < rank; ++d) {
      if (d == axis)
        continue;
      shape.push_back(inType.getDimSize(d));
      if (inType.isDynamicDim(d))
        dyn.push_back(tensor::DimOp::create(rewriter, loc, input, d));
    }
    Value valInit = linalg::FillOp::create(
        rewriter, loc,
        arith::ConstantOp::create(rewriter, loc,
                                  isMax ? lowestAttr(elt) : highestAttr(elt)).getResult(),
        tensor::EmptyOp::create(rewriter, loc, shape, elt, dyn).getResult())
        .getResult(0);
    Type i64 = rewriter.getI64Type();
    Value idxInit = linalg::FillOp::create(
        rewriter, loc, scalar(rewriter, loc, i64, 0.0),
        tensor::EmptyOp::create(rewriter, loc, shape, i64, dyn).getResult())
        .getResult(0);
    AffineMap outMap = reducedOperandMap(ctx, rank, {axis});
    SmallVector<AffineMap> maps{AffineMap::getMultiDimIdentityMap(rank, ctx),
                                outMap, outMap};
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    iterators[axis] = utils::IteratorType::reduction;
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{valInit.getType(), idxInit.getType()}, input,
        ValueRange{valInit, idxInit}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange a) {
          Value x = a[0], best = a[1], bestIdx = a[2];
          Value idx = arith::IndexCastOp::create(
              b, l, i64, linalg::IndexOp::create(b, l, axis));
          Value better;
          if (isa<FloatType>(elt)) {
            auto strict = isMax ? arith::CmpFPredicate::OGT : arith::CmpFPredicate::OLT;
            auto loose = isMax ? arith::CmpFPredicate::OGE : arith::CmpFPredicate::OLE;
            better = arith::CmpFOp::create(b, l, last ? loose : strict, x, best);
          } else {
            auto strict = isMax ? arith::CmpIPredicate::sgt : arith::CmpIPredicate::slt;
            auto loose = isMax ? arith::CmpIPredicate::sge : arith::CmpIPredicate::sle;
            better = arith::CmpIOp::create(b, l, last ? loose : strict, x, best);
          }
          // The first element always wins so that all -inf rows give 0.
          Value first = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, idx,
                                              scalar(b, l, i64, 0.0));
          better = arith::OrIOp::create(b, l, better, first);
          linalg::YieldOp::create(
              b, l, ValueRange{arith::SelectOp::create(b, l, better, x, best),
                               arith::SelectOp::create(b, l, better, idx, bestIdx)});
        });
    rewriter.replaceOp(op, reshape(rewriter, loc, generic.getResult(1), op.getType()));
    return success();
  }
};

struct LowerSoftmax : OpRewritePattern<SoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SoftmaxOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = op.getInput();
    SmallVector<int64_t> axes{static_cast<int64_t>(op.getAxis())};
    Value mx = maxReduce(rewriter, loc, input, axes);
    Value shifted = combineWithReduced(
        rewriter, loc, input, mx, axes, [](OpBuilder &b, Location l, ValueRange a) {
          return (Value)arith::SubFOp::create(b, l, a[0], a[1]);
        });
    Value e = map(rewriter, loc, shifted, [](OpBuilder &b, Location l, Value x) {
      return (Value)math::ExpOp::create(b, l, x);
    });
    Value sum = sumReduce(rewriter, loc, e, axes);
    bool log = op.getLog();
    Value result = combineWithReduced(
        rewriter, loc, log ? shifted : e, sum, axes,
        [log](OpBuilder &b, Location l, ValueRange a) {
          if (log)
            return (Value)arith::SubFOp::create(b, l, a[0],
                                                math::LogOp::create(b, l, a[1]));
          return (Value)arith::DivFOp::create(b, l, a[0], a[1]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Broadcasts a per-feature parameter (scale/bias over the trailing
/// normalized dims) into an elementwise op on `x`.
Value applyParam(OpBuilder &b, Location loc, Value x, Value param, bool isMul) {
  auto type = cast<RankedTensorType>(x.getType());
  return buildElementwise(b, loc, type, {x, param},
                          [isMul](OpBuilder &nb, Location l, ValueRange a) {
                            if (isMul)
                              return (Value)arith::MulFOp::create(nb, l, a[0], a[1]);
                            return (Value)arith::AddFOp::create(nb, l, a[0], a[1]);
                          });
}

/// x * rsqrt(stat / n + eps) where stat is reduced over the trailing axes.
Value normalizeBy(OpBuilder &b, Location loc, Value x, Value stat,
                  ArrayRef<int64_t> axes, Value n, double eps) {
  return combineWithReduced(
      b, loc, x, stat, axes, [&](OpBuilder &nb, Location l, ValueRange a) {
        Value var = arith::DivFOp::create(nb, l, a[1], n);
        Value den = math::RsqrtOp::create(
            nb, l, arith::AddFOp::create(nb, l, var, scalar(nb, l, var.getType(), eps)));
        return (Value)arith::MulFOp::create(nb, l, a[0], den);
      });
}

SmallVector<int64_t> trailingAxes(Value v, int64_t from) {
  SmallVector<int64_t> axes;
  for (int64_t d = from, e = cast<RankedTensorType>(v.getType()).getRank(); d < e; ++d)
    axes.push_back(d);
  return axes;
}

struct LowerLayerNorm : OpRewritePattern<LayerNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LayerNormOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getInput();
    SmallVector<int64_t> axes = trailingAxes(x, op.getAxis());
    Type elt = op.getType().getElementType();
    Value n = reducedCount(rewriter, loc, x, axes, elt);
    Value sum = sumReduce(rewriter, loc, x, axes);
    Value centered = combineWithReduced(
        rewriter, loc, x, sum, axes, [&](OpBuilder &b, Location l, ValueRange a) {
          return (Value)arith::SubFOp::create(b, l, a[0],
                                              arith::DivFOp::create(b, l, a[1], n));
        });
    Value sq = map(rewriter, loc, centered, [](OpBuilder &b, Location l, Value v) {
      return (Value)arith::MulFOp::create(b, l, v, v);
    });
    Value ss = sumReduce(rewriter, loc, sq, axes);
    Value y = normalizeBy(rewriter, loc, centered, ss, axes, n,
                          op.getEpsilon().convertToDouble());
    y = applyParam(rewriter, loc, y, op.getScale(), /*isMul=*/true);
    if (op.getBias())
      y = applyParam(rewriter, loc, y, op.getBias(), /*isMul=*/false);
    rewriter.replaceOp(op, y);
    return success();
  }
};

struct LowerRmsNorm : OpRewritePattern<RmsNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(RmsNormOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getInput();
    SmallVector<int64_t> axes = trailingAxes(x, op.getAxis());
    Type elt = op.getType().getElementType();
    Value n = reducedCount(rewriter, loc, x, axes, elt);
    Value sq = map(rewriter, loc, x, [](OpBuilder &b, Location l, Value v) {
      return (Value)arith::MulFOp::create(b, l, v, v);
    });
    Value ss = sumReduce(rewriter, loc, sq, axes);
    Value y = normalizeBy(rewriter, loc, x, ss, axes, n,
                          op.getEpsilon().convertToDouble());
    rewriter.replaceOp(op, applyParam(rewriter, loc, y, op.getScale(), true));
    return success();
  }
};

} // namespace

void populateReductionPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerReduce, LowerArgReduce, LowerSoftmax, LowerLayerNorm,
               LowerRmsNorm>(patterns.getContext());
}

} // namespace xfc::lowering

//===- LinearAlgebra.cpp - xf matmul/linear/attention → linalg ------------===//
//
// Contractions become linalg.matmul where the operands are plain matrices
// (the shape the CPU strategy tiles best) and linalg.generic contractions
// otherwise. Batch dimensions that broadcast are folded into the indexing
// maps, never materialized.
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

Value buildGeluScalar(OpBuilder &b, Location loc, Value x, bool useTanh);

namespace {

Value zeroFilled(OpBuilder &b, Location loc, RankedTensorType type,
                 function_ref<Value(int64_t)> dynamicSize) {
  Value empty = createEmptySized(b, loc, type, dynamicSize);
  Value zero = scalar(b, loc, type.getElementType(), 0.0);
  return linalg::FillOp::create(b, loc, zero, empty).getResult(0);
}

/// Dimension `d` of a contraction result [batch..., m, n] of `lhs` [...,
/// m, k] and `rhs` [..., k, n] (or [..., n, k] when `rhsTransposed`), whose
/// batch dimensions numpy-broadcast.
Value contractionDim(OpBuilder &b, Location loc, Value lhs, Value rhs,
                     bool rhsTransposed, int64_t rank, int64_t d) {
  auto lt = cast<RankedTensorType>(lhs.getType());
  auto rt = cast<RankedTensorType>(rhs.getType());
  if (d == rank - 2)
    return tensor::DimOp::create(b, loc, lhs, lt.getRank() - 2);
  if (d == rank - 1)
    return tensor::DimOp::create(b, loc, rhs, rt.getRank() - (rhsTransposed ? 2 : 1));
  for (auto [v, t] : {std::pair{lhs, lt}, {rhs, rt}}) {
    int64_t sd = d - (rank - t.getRank());
    if (sd >= 0 && t.getDimSize(sd) != 1)
      return tensor::DimOp::create(b, loc, v, sd);
  }
  llvm::report_fatal_error("xfc: dynamic contraction size with no source");
}

/// Run-time checks that the reduced dimension, and batch dimensions that
/// are dynamic, agree between `lhs` and `rhs`.
void checkContractionSizes(OpBuilder &b, Location loc, Value lhs, Value rhs,
                           bool rhsTransposed) {
  auto lt = cast<RankedTensorType>(lhs.getType());
  auto rt = cast<RankedTensorType>(rhs.getType());
  int64_t lk = lt.getRank() - 1, rk = rt.getRank() - (rhsTransposed ? 1 : 2);
  if (lt.isDynamicDim(lk) || rt.isDynamicDim(rk))
    checkDims(b, loc, lhs, lk, arith::CmpIPredicate::eq, rhs, rk,
              "the operands' reduced dimensions must agree");
  int64_t lb = lt.getRank() - 2, rb = rt.getRank() - 2, batch = std::max(lb, rb);
  for (int64_t d = 0; d < batch; ++d) {
    int64_t ld = d - (batch - lb), rd = d - (batch - rb);
    if (ld < 0 || rd < 0 || lt.getDimSize(ld) == 1 || rt.getDimSize(rd) == 1 ||
        (!lt.isDynamicDim(ld) && !rt.isDynamicDim(rd)))
      continue;
    checkDims(b, loc, lhs, ld, arith::CmpIPredicate::eq, rhs, rd,
              "batch dimension " + llvm::Twine(d) +
                  " of the operands must agree (a dynamic dimension "
                  "broadcasts only where it is 1 at compile time)");
  }
}

Value multiplyAdd(OpBuilder &b, Location loc, Value x, Value y, Value acc) {
  if (isa<FloatType>(x.getType()))
    return arith::AddFOp::create(b, loc, acc, arith::MulFOp::create(b, loc, x, y));
  return arith::AddIOp::create(b, loc, acc, arith::MulIOp::create(b, loc, x, y));
}

/// result[batch..., m, n] = Σ_k lhs[batch..., m, k] * rhs[batch..., k, n]
/// (rhs[batch..., n, k] when `rhsTransposed`), with numpy-broadcast batch
/// dims. Operands are at least 2-D.
Value buildContraction(OpBuilder &b, Location loc, Value lhs, Value rhs,
                       RankedTensorType resultType, bool rhsTransposed) {
  auto lt = cast<RankedTensorType>(lhs.getType());
  auto rt = cast<RankedTensorType>(rhs.getType());
  int64_t rank = resultType.getRank(); // batch + 2
  checkContractionSizes(b, loc, lhs, rhs, rhsTransposed);
  Value init = zeroFilled(b, loc, resultType, [&](int64_t d) {
    return contractionDim(b, loc, lhs, rhs, rhsTransposed, rank, d);
  });
  if (rank == 2 && !rhsTransposed)
    return linalg::MatmulOp::create(b, loc, ValueRange{lhs, rhs}, init)
        .getResult(0);

  MLIRContext *ctx = b.getContext();
  int64_t nLoops = rank + 1, m = rank - 2, n = rank - 1, k = rank;
  ArrayRef<int64_t> batchShape = resultType.getShape().drop_back(2);
  auto operandMap = [&](RankedTensorType t, int64_t row, int64_t col) {
    // Batch dims broadcast like an elementwise operand.
    AffineMap batch = broadcastMap(ctx, t.getShape().drop_back(2), batchShape);
    SmallVector<AffineExpr> exprs(batch.getResults());
    exprs.push_back(getAffineDimExpr(row, ctx));
    exprs.push_back(getAffineDimExpr(col, ctx));
    return AffineMap::get(nLoops, 0, exprs, ctx);
  };
  SmallVector<AffineExpr> outExprs;
  for (int64_t d = 0; d < rank; ++d)
    outExprs.push_back(getAffineDimExpr(d, ctx));
  SmallVector<AffineMap> maps{
      operandMap(lt, m, k),
      rhsTransposed ? operandMap(rt, n, k) : operandMap(rt, k, n),
      AffineMap::get(nLoops, 0, outExprs, ctx)};
  SmallVector<utils::IteratorType> iterators(nLoops,
                                             utils::IteratorType::parallel);
  iterators[k] = utils::IteratorType::reduction;
  return linalg::GenericOp::create(
             b, loc, resultType, ValueRange{lhs, rhs}, init, maps, iterators,
             [](OpBuilder &nb, Location l, ValueRange a) {
               linalg::YieldOp::create(nb, l, multiplyAdd(nb, l, a[0], a[1], a[2]));
             })
      .getResult(0);
}

RankedTensorType withShape(RankedTensorType t, ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, t.getElementType());
}

/// The sizes of the dynamic dimensions of `type`: `[rows..., n]` where
/// `rows` are the leading dimensions of `input` and n is `cols`'s
/// dimension `colsDim`, for a product computed on collapsed rows.
SmallVector<Value> rowMajorSizes(OpBuilder &b, Location loc, RankedTensorType type,
                                 Value input, Value cols, int64_t colsDim) {
  SmallVector<Value> sizes;
  int64_t rank = type.getRank();
  for (int64_t d = 0; d < rank; ++d)
    if (type.isDynamicDim(d))
      sizes.push_back(d == rank - 1 ? tensor::DimOp::create(b, loc, cols, colsDim)
                                    : tensor::DimOp::create(b, loc, input, d));
  return sizes;
}

/// Whether the rows of `t` ([d0, ..., dn-2, K]) may be collapsed into one
/// dimension and expanded back: at most one of them is dynamic, because
/// upstream's expand-strided-metadata cannot expand a dimension into
/// several dynamic ones.
bool rowsCollapsible(RankedTensorType t) {
  return llvm::count_if(t.getShape().drop_back(), ShapedType::isDynamic) <= 1;
}

/// Collapses [d0, ..., dn-2, K] to [d0*...*dn-2, K].
Value collapseRows(OpBuilder &b, Location loc, Value v) {
  auto t = cast<RankedTensorType>(v.getType());
  if (t.getRank() == 2)
    return v;
  int64_t rows = 1;
  for (int64_t d : t.getShape().drop_back())
    rows = ShapedType::isDynamic(d) || ShapedType::isDynamic(rows)
               ? ShapedType::kDynamic
               : rows * d;
  return reshape(b, loc, v, withShape(t, {rows, t.getShape().back()}));
}

struct LowerMatMul : OpRewritePattern<MatMulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MatMulOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value lhs = op.getLhs(), rhs = op.getRhs();
    auto lt = cast<RankedTensorType>(lhs.getType());
    auto rt = cast<RankedTensorType>(rhs.getType());
    RankedTensorType resultType = op.getType();
    // Promote 1-D operands to matrices; the result drops the added dim.
    if (lt.getRank() == 1)
      lhs = reshape(rewriter, loc, lhs, withShape(lt, {1, lt.getDimSize(0)}));
    if (rt.getRank() == 1)
      rhs = reshape(rewriter, loc, rhs, withShape(rt, {rt.getDimSize(0), 1}));
    lt = cast<RankedTensorType>(lhs.getType());
    rt = cast<RankedTensorType>(rhs.getType());
    Value result;
    if (rt.getRank() == 2 && lt.getRank() > 2 && rowsCollapsible(lt)) {
      // [..., M, K] x [K, N]: one big matrix product over all rows.
      Value rows = collapseRows(rewriter, loc, lhs);
      int64_t m = cast<RankedTensorType>(rows.getType()).getDimSize(0);
      result = buildContraction(
          rewriter, loc, rows, rhs,
          withShape(resultType, {m, rt.getDimSize(1)}), false);
      // Back to [..., M, N] (the 1-D promotions above keep the rank 2 rhs
      // as is, so the result is exactly that shape).
      auto fullType = withShape(resultType, [&] {
        SmallVector<int64_t> shape(lt.getShape().drop_back());
        shape.push_back(rt.getDimSize(1));
        return shape;
      }());
      result = reshape(rewriter, loc, result, fullType,
                       rowMajorSizes(rewriter, loc, fullType, lhs, rhs, 1));
    } else {
      auto batch = broadcastShapesOf(lt, rt);
      SmallVector<int64_t> shape(batch);
      shape.push_back(lt.getDimSize(lt.getRank() - 2));
      shape.push_back(rt.getDimSize(rt.getRank() - 1));
      result = buildContraction(rewriter, loc, lhs, rhs,
                                withShape(resultType, shape), false);
    }
    rewriter.replaceOp(op, reshape(rewriter, loc, result, resultType));
    return success();
  }

  static SmallVector<int64_t> broadcastShapesOf(RankedTensorType a,
                                                RankedTensorType b) {
    ArrayRef<int64_t> ab = a.getShape().drop_back(2), bb = b.getShape().drop_back(2);
    size_t rank = std::max(ab.size(), bb.size());
    SmallVector<int64_t> out(rank);
    for (size_t i = 0; i < rank; ++i) {
      int64_t x = i < rank - ab.size() ? 1 : ab[i - (rank - ab.size())];
      int64_t y = i < rank - bb.size() ? 1 : bb[i - (rank - bb.size())];
      out[i] = x == 1 ? y : x;
    }
    return out;
  }
};

/// The fused epilogue of xf.linear.
Value applyActivation(OpBuilder &b, Location loc, Activation act, Value x) {
  switch (act) {
  case Activation::none:
    return x;
  case Activation::relu:
    return arith::MaximumFOp::create(b, loc, x, scalar(b, loc, x.getType(), 0.0));
  case Activation::gelu:
    return buildGeluScalar(b, loc, x, false);
  case Activation::gelu_tanh:
    return buildGeluScalar(b, loc, x, true);
  }
  llvm_unreachable("unknown activation");
}

struct LowerLinear : OpRewritePattern<LinearOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LinearOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getType();
    // One matrix product over all rows, or a batched one where the rows
    // cannot be collapsed.
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    Value rows = rowsCollapsible(inType) ? collapseRows(rewriter, loc, op.getInput())
                                         : op.getInput();
    auto rowsType = cast<RankedTensorType>(rows.getType());
    if (rowsType.getRank() == 1)
      rows = reshape(rewriter, loc, rows,
                     withShape(rowsType, {1, rowsType.getDimSize(0)}));
    auto wt = cast<RankedTensorType>(op.getWeight().getType());
    SmallVector<int64_t> flatShape(
        cast<RankedTensorType>(rows.getType()).getShape().drop_back());
    flatShape.push_back(wt.getDimSize(0));
    RankedTensorType flatType = withShape(resultType, flatShape);
    Value y = buildContraction(rewriter, loc, rows, op.getWeight(), flatType,
                               /*rhsTransposed=*/true);
    SmallVector<Value> resultSizes =
        rowMajorSizes(rewriter, loc, resultType, op.getInput(), op.getWeight(), 0);
    Activation act = op.getActivation();
    if (Value bias = op.getBias()) {
      y = buildElementwise(rewriter, loc, flatType, {y, bias},
                           [act](OpBuilder &b, Location l, ValueRange a) {
                             Value s = arith::AddFOp::create(b, l, a[0], a[1]);
                             return applyActivation(b, l, act, s);
                           });
    } else if (act != Activation::none) {
      y = buildElementwise(rewriter, loc, flatType, y,
                           [act](OpBuilder &b, Location l, ValueRange a) {
                             return applyActivation(b, l, act, a[0]);
                           });
    }
    rewriter.replaceOp(op, reshape(rewriter, loc, y, resultType, resultSizes));
    return success();
  }
};

struct LowerAttention : OpRewritePattern<AttentionOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AttentionOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto qt = cast<RankedTensorType>(op.getQuery().getType());
    auto kt = cast<RankedTensorType>(op.getKey().getType());
    RankedTensorType scoresType = withShape(
        qt, {qt.getDimSize(0), qt.getDimSize(1), qt.getDimSize(2), kt.getDimSize(2)});
    // kᵀ is materialized once ([B, H, D, Sk]) so the contraction reads
    // contiguous rows of it; reading k transposed in the contraction makes
    // every vector load a strided gather.
    SmallVector<int64_t> kTShape{kt.getDimSize(0), kt.getDimSize(1),
                                 kt.getDimSize(3), kt.getDimSize(2)};
    auto kTType = withShape(kt, kTShape);
    const int64_t kTPerm[] = {0, 1, 3, 2};
    Value kT = linalg::TransposeOp::create(
                   rewriter, loc, op.getKey(),
                   createEmptySized(rewriter, loc, kTType,
                                    [&](int64_t d) -> Value {
                                 return tensor::DimOp::create(rewriter, loc, op.getKey(),
                                                              kTPerm[d]);
                               }),
                   kTPerm)
                   .getResult()[0];
    Value scores = buildContraction(rewriter, loc, op.getQuery(), kT,
                                    scoresType, /*rhsTransposed=*/false);
    double scale = op.getScale().convertToDouble();
    bool causal = op.getCausal();
    SmallVector<Value> inputs{scores};
    if (Value mask = op.getMask())
      inputs.push_back(mask);
    scores = buildElementwise(
        rewriter, loc, scoresType, inputs,
        [&](OpBuilder &b, Location l, ValueRange a) {
          Type elt = a[0].getType();
          Value s = arith::MulFOp::create(b, l, a[0], scalar(b, l, elt, scale));
          if (a.size() > 1)
            s = arith::AddFOp::create(b, l, s, a[1]);
          if (causal) {
            Value i = linalg::IndexOp::create(b, l, 2);
            Value j = linalg::IndexOp::create(b, l, 3);
            Value future = arith::CmpIOp::create(b, l, arith::CmpIPredicate::ugt, j, i);
            s = arith::SelectOp::create(b, l, future, scalar(b, l, elt, -INFINITY), s);
          }
          return s;
        });
    Value probs = SoftmaxOp::create(rewriter, loc, scoresType, scores,
                                    rewriter.getI64IntegerAttr(3), nullptr);
    Value out = buildContraction(rewriter, loc, probs, op.getValue(),
                                 op.getType(), /*rhsTransposed=*/false);
    rewriter.replaceOp(op, out);
    return success();
  }
};

} // namespace

void populateLinearAlgebraPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerMatMul, LowerLinear, LowerAttention>(patterns.getContext());
}

} // namespace xfc::lowering

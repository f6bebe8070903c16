//===- FuseLayerNorm.cpp - decomposed normalizations → xf norm ops --------===//
//
// Below opset 17 PyTorch exports nn.LayerNorm as
//   d = x - mean(x); var = mean(pow(d, 2)); y = d / sqrt(var + eps) * γ + β
// and RMS norms (T5, LLaMA) come out as x * rsqrt(mean(x²) + eps) * γ with
// rsqrt spelled as Reciprocal(Sqrt) or 1 / Sqrt. One pattern covers both:
// it is anchored at the op that applies 1/σ, matches the variance above it,
// decides between layer norm (the squared value is x - mean(x)) and RMS norm,
// and then absorbs the γ and β below it. Deciding in one place keeps the
// RMS form from claiming the inside of a layer norm.
//
//===----------------------------------------------------------------------===//

#include "FusionUtils.h"
#include "dialects/Xf/IR/XfShapes.h"
#include "dialects/Xf/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace xfc::xf {
#define GEN_PASS_DEF_FUSELAYERNORMPASS
#include "dialects/Xf/Transforms/Passes.h.inc"
} // namespace xfc::xf

using namespace mlir;
using namespace xfc::xf;
using namespace xfc::xf::fusion;

namespace {

using Matched = SmallVector<Operation *, 12>;

/// `var + eps` as matched above the square root.
struct Variance {
  ReduceOp mean;      // mean(sq) over the trailing axes, keep_dims
  Operation *square;  // pow(d, 2) or d * d
  Value centered;     // d
  llvm::APFloat eps{0.0};
};

/// `1/σ` applied to d: `d / sqrt(ve)`, `d * rsqrt(ve)`,
/// `d * reciprocal(sqrt(ve))` or `d * (1 / sqrt(ve))`, in either operand
/// order of the product. Returns ve, sets `d`.
Value matchInverseStd(BinaryOp n, Value &d, Matched &ops) {
  auto sqrtOf = [&](Value s) -> Value {
    UnaryOp sqrt = getUnary(s, UnaryKind::sqrt);
    if (!sqrt || !s.hasOneUse())
      return nullptr;
    ops.push_back(sqrt);
    return sqrt.getInput();
  };
  if (n.getKind() == BinaryKind::div) {
    d = n.getLhs();
    return sqrtOf(n.getRhs());
  }
  if (n.getKind() != BinaryKind::mul)
    return nullptr;
  for (auto [x, inv] : {std::pair(n.getLhs(), n.getRhs()),
                        std::pair(n.getRhs(), n.getLhs())}) {
    if (!inv.hasOneUse())
      continue;
    d = x;
    if (UnaryOp rsqrt = getUnary(inv, UnaryKind::rsqrt)) {
      ops.push_back(rsqrt);
      return rsqrt.getInput();
    }
    if (UnaryOp rcp = getUnary(inv, UnaryKind::reciprocal)) {
      ops.push_back(rcp);
      if (Value ve = sqrtOf(rcp.getInput()))
        return ve;
      ops.pop_back();
      continue;
    }
    if (BinaryOp div = getBinary(inv, BinaryKind::div)) {
      if (!isSplatExactly(div.getLhs(), 1.0) || !keepsTypeOf(div, div.getRhs()))
        continue;
      ops.push_back(div);
      if (Value ve = sqrtOf(div.getRhs()))
        return ve;
      ops.pop_back();
    }
  }
  return nullptr;
}

/// `mean(sq) + eps` with `sq = pow(d, 2)` or `d * d` and every intermediate
/// used once.
std::optional<Variance> matchVariance(Value ve, Value d, Matched &ops) {
  BinaryOp add = getBinary(ve, BinaryKind::add);
  if (!add || !ve.hasOneUse())
    return std::nullopt;
  for (auto [var, epsValue] : {std::pair(add.getLhs(), add.getRhs()),
                               std::pair(add.getRhs(), add.getLhs())}) {
    std::optional<APFloat> eps = getSplatFloat(epsValue);
    auto mean = var.getDefiningOp<ReduceOp>();
    if (!eps || !mean || mean.getKind() != ReduceKind::mean ||
        !mean.getKeepDims() || !var.hasOneUse() || !keepsTypeOf(add, var))
      continue;
    Value sq = mean.getInput();
    if (sq.getType() != d.getType() || !sq.hasOneUse())
      continue;
    Operation *square = nullptr;
    if (BinaryOp pow = getBinary(sq, BinaryKind::pow)) {
      if (pow.getLhs() == d && isSplatExactly(pow.getRhs(), 2.0))
        square = pow;
    } else if (BinaryOp mul = getBinary(sq, BinaryKind::mul)) {
      if (mul.getLhs() == d && mul.getRhs() == d)
        square = mul;
    }
    if (!square)
      continue;
    ops.append({add, mean, square});
    return Variance{mean, square, d, *eps};
  }
  return std::nullopt;
}

/// The shape `param` takes as a γ/β operand over the normalized dims
/// `normalized`: its own, less leading unit dims beyond their rank. Null
/// when it would broadcast over the leading (non-normalized) dims.
std::optional<SmallVector<int64_t>> paramShape(Value param,
                                               ArrayRef<int64_t> normalized) {
  auto type = dyn_cast<RankedTensorType>(param.getType());
  if (!type)
    return std::nullopt;
  ArrayRef<int64_t> shape = type.getShape();
  while (shape.size() > normalized.size() && shape.front() == 1)
    shape = shape.drop_front();
  if (shape.size() > normalized.size() || !isBroadcastableTo(shape, normalized))
    return std::nullopt;
  return SmallVector<int64_t>(shape);
}

/// `v * param` / `param * v` (or `+` for `kind` add) as the single use of
/// `v`, not broadcasting `v`, with `param` over the normalized dims only.
BinaryOp matchAffine(Value v, BinaryKind kind, ArrayRef<int64_t> normalized,
                     Value &param) {
  auto op = dyn_cast_or_null<BinaryOp>(singleUser(v));
  if (!op || op.getKind() != kind || !keepsTypeOf(op, v))
    return nullptr;
  Value p = otherOperand(op, v);
  if (p == v || !paramShape(p, normalized))
    return nullptr;
  param = p;
  return op;
}

struct FuseNormalization : OpRewritePattern<BinaryOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BinaryOp n, PatternRewriter &rewriter) const override {
    if (n.getKind() != BinaryKind::div && n.getKind() != BinaryKind::mul)
      return failure();
    auto type = dyn_cast<RankedTensorType>(n.getType());
    if (!type || !isa<FloatType>(type.getElementType()))
      return failure();
    Matched ops{n};
    Value d;
    Value ve = matchInverseStd(n, d, ops);
    if (!ve || d.getType() != type)
      return rewriter.notifyMatchFailure(n, "not d / sqrt(v)");
    std::optional<Variance> variance = matchVariance(ve, d, ops);
    if (!variance)
      return rewriter.notifyMatchFailure(n, "not d / sqrt(mean(d²) + eps)");
    std::optional<int64_t> axis =
        trailingAxesStart(variance->mean.getAxes(), type.getRank());
    if (!axis)
      return rewriter.notifyMatchFailure(n, "not a reduction over trailing axes");
    // The op's epsilon is f32: the constant must survive the conversion.
    APFloat eps = variance->eps;
    bool losesInfo = false;
    (void)eps.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven,
                      &losesInfo);
    if (losesInfo || eps.isNaN())
      return rewriter.notifyMatchFailure(n, "epsilon is not exact in f32");

    // Layer norm when d = x - mean(x) over the same axes and d is only
    // squared and normalized; RMS norm of d otherwise.
    Value input = d;
    bool isLayerNorm = false;
    if (BinaryOp sub = getBinary(d, BinaryKind::sub)) {
      auto mean = sub.getRhs().getDefiningOp<ReduceOp>();
      if (mean && mean.getKind() == ReduceKind::mean && mean.getKeepDims() &&
          mean.getInput() == sub.getLhs() &&
          mean.getAxes() == variance->mean.getAxes() &&
          sub.getRhs().hasOneUse() && keepsTypeOf(sub, sub.getLhs()) &&
          onlyUsedBy(d, {variance->square, n})) {
        isLayerNorm = true;
        input = sub.getLhs();
        ops.append({sub, mean});
      }
    }

    ArrayRef<int64_t> normalized = type.getShape().drop_front(*axis);
    Operation *final = n;
    Value gamma, beta;
    if (BinaryOp mul = matchAffine(n.getResult(), BinaryKind::mul, normalized, gamma)) {
      final = mul;
      ops.push_back(mul);
    }
    if (isLayerNorm) {
      if (BinaryOp add = matchAffine(final->getResult(0), BinaryKind::add,
                                     normalized, beta)) {
        final = add;
        ops.push_back(add);
      }
    }

    SmallVector<Location> locs;
    for (Operation *m : ops)
      locs.push_back(m->getLoc());
    Location loc = rewriter.getFusedLoc(locs);
    rewriter.setInsertionPoint(final);
    Type elt = type.getElementType();
    auto asParam = [&](Value p) -> Value {
      if (!p)
        return p;
      SmallVector<int64_t> shape = *paramShape(p, normalized);
      auto pt = cast<RankedTensorType>(p.getType());
      if (pt.getShape() == ArrayRef<int64_t>(shape))
        return p;
      return ReshapeOp::create(rewriter, loc, pt.clone(shape), p);
    };
    gamma = asParam(gamma);
    beta = asParam(beta);
    if (!gamma) {
      auto onesType = RankedTensorType::get(normalized, elt);
      gamma = arith::ConstantOp::create(
          rewriter, loc, SplatElementsAttr::get(onesType, rewriter.getFloatAttr(elt, 1.0)));
    }
    FloatAttr epsAttr = rewriter.getF32FloatAttr(eps.convertToFloat());
    IntegerAttr axisAttr = rewriter.getI64IntegerAttr(*axis);
    Value fused;
    if (isLayerNorm)
      fused = LayerNormOp::create(rewriter, loc, type, input, gamma, beta,
                                  axisAttr, epsAttr);
    else
      fused = RmsNormOp::create(rewriter, loc, type, input, gamma, axisAttr,
                                epsAttr);
    rewriter.replaceOp(final, fused);
    return success();
  }
};

struct FuseLayerNormPass : xfc::xf::impl::FuseLayerNormPassBase<FuseLayerNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFuseLayerNormPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace

void xfc::xf::populateFuseLayerNormPatterns(RewritePatternSet &patterns) {
  patterns.add<FuseNormalization>(patterns.getContext());
}

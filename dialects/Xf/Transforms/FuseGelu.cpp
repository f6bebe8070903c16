//===- FuseGelu.cpp - decomposed GELU → xf.gelu ---------------------------===//
//
// PyTorch exports nn.GELU() as Div/Erf/Add/Mul/Mul and
// nn.GELU(approximate="tanh") as the tanh polynomial; Hugging Face code
// writes the same formulas with the factors in other orders. The pattern is
// anchored at the erf or tanh, walks up to find x and down to the final
// product, and checks every constant and every intermediate use.
//
//===----------------------------------------------------------------------===//

#include "FusionUtils.h"
#include "dialects/Xf/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace xfc::xf {
#define GEN_PASS_DEF_FUSEGELUPASS
#include "dialects/Xf/Transforms/Passes.h.inc"
} // namespace xfc::xf

using namespace mlir;
using namespace xfc::xf;
using namespace xfc::xf::fusion;

namespace {

constexpr double kSqrt2 = 1.41421356237309504880;
constexpr double kSqrt1_2 = 0.70710678118654752440;
constexpr double kSqrt2OverPi = 0.79788456080286535588;
constexpr double kTanhCubic = 0.044715;

/// The ops a match consumed, for the fused location.
using Matched = SmallVector<Operation *, 8>;

/// x when `arg` is `x / √2`, `x * (1/√2)` or `(1/√2) * x` and is used once.
Value matchErfArgument(Value arg, Matched &ops) {
  if (!arg.hasOneUse())
    return nullptr;
  if (BinaryOp div = getBinary(arg, BinaryKind::div)) {
    if (isSplatNear(div.getRhs(), kSqrt2) && keepsTypeOf(div, div.getLhs())) {
      ops.push_back(div);
      return div.getLhs();
    }
    return nullptr;
  }
  if (BinaryOp mul = getBinary(arg, BinaryKind::mul)) {
    for (auto [x, c] : {std::pair(mul.getLhs(), mul.getRhs()),
                        std::pair(mul.getRhs(), mul.getLhs())}) {
      if (isSplatNear(c, kSqrt1_2) && keepsTypeOf(mul, x)) {
        ops.push_back(mul);
        return x;
      }
    }
  }
  return nullptr;
}

/// True when `c` is `x³` written as pow(x, 3), x * (x * x) or (x * x) * x,
/// with no other use of the intermediate square.
bool isCubeOf(Value c, Value x, Matched &ops) {
  if (c.getType() != x.getType() || !c.hasOneUse())
    return false;
  if (BinaryOp pow = getBinary(c, BinaryKind::pow)) {
    if (pow.getLhs() != x || !isSplatExactly(pow.getRhs(), 3.0))
      return false;
    ops.push_back(pow);
    return true;
  }
  BinaryOp mul = getBinary(c, BinaryKind::mul);
  if (!mul)
    return false;
  Value sq = otherOperand(mul, x);
  BinaryOp sqOp = getBinary(sq, BinaryKind::mul);
  if (!sqOp || sqOp.getLhs() != x || sqOp.getRhs() != x || !sq.hasOneUse() ||
      sq.getType() != x.getType())
    return false;
  ops.append({mul, sqOp});
  return true;
}

/// x when `arg` is `√(2/π) * (x + 0.044715 * x³)` in any operand order.
Value matchTanhArgument(Value arg, Matched &ops) {
  BinaryOp outer = getBinary(arg, BinaryKind::mul);
  if (!outer || !arg.hasOneUse())
    return nullptr;
  for (auto [poly, c] : {std::pair(outer.getLhs(), outer.getRhs()),
                         std::pair(outer.getRhs(), outer.getLhs())}) {
    BinaryOp add = getBinary(poly, BinaryKind::add);
    if (!add || !poly.hasOneUse() || !isSplatNear(c, kSqrt2OverPi) ||
        !keepsTypeOf(outer, poly))
      continue;
    for (auto [x, term] : {std::pair(add.getLhs(), add.getRhs()),
                           std::pair(add.getRhs(), add.getLhs())}) {
      BinaryOp scaled = getBinary(term, BinaryKind::mul);
      if (!scaled || !term.hasOneUse() || x.getType() != poly.getType() ||
          term.getType() != poly.getType())
        continue;
      for (auto [cube, k] : {std::pair(scaled.getLhs(), scaled.getRhs()),
                             std::pair(scaled.getRhs(), scaled.getLhs())}) {
        Matched cubeOps;
        if (isSplatNear(k, kTanhCubic) && isCubeOf(cube, x, cubeOps)) {
          ops.append({outer, add, scaled});
          ops.append(cubeOps);
          return x;
        }
      }
    }
  }
  return nullptr;
}

/// True when `v` is the constant 0.5 multiplied elementwise (not broadcast).
bool isHalf(Value v) { return isSplatNear(v, 0.5); }

/// The op computing `x * 0.5 * p` from `p = 1 + f(x)` in any association:
/// (x·p)·½, ½·(x·p), (x·½)·p, x·(½·p), or (x·p)/2. Null when it is none.
Operation *matchFinalProduct(Value p, Value x, Matched &ops) {
  Type type = x.getType();
  auto mulUser = [&](Value v) -> BinaryOp {
    auto op = dyn_cast_or_null<BinaryOp>(singleUser(v));
    return op && op.getKind() == BinaryKind::mul && op.getType() == type ? op
                                                                         : nullptr;
  };
  BinaryOp m1 = mulUser(p);
  if (!m1)
    return nullptr;
  Value other = otherOperand(m1, p);
  if (other == x) {
    // (x·p)·½ or (x·p)/2.
    auto m2 = dyn_cast_or_null<BinaryOp>(singleUser(m1.getResult()));
    if (!m2 || m2.getType() != type)
      return nullptr;
    bool half = m2.getKind() == BinaryKind::mul &&
                isHalf(otherOperand(m2, m1.getResult()));
    bool byTwo = m2.getKind() == BinaryKind::div && m2.getLhs() == m1.getResult() &&
                 isSplatExactly(m2.getRhs(), 2.0);
    if (!half && !byTwo)
      return nullptr;
    ops.append({m1, m2});
    return m2;
  }
  if (isHalf(other)) {
    // x·(½·p).
    BinaryOp m2 = mulUser(m1.getResult());
    if (!m2 || otherOperand(m2, m1.getResult()) != x)
      return nullptr;
    ops.append({m1, m2});
    return m2;
  }
  // (x·½)·p.
  BinaryOp halfX = getBinary(other, BinaryKind::mul);
  if (!halfX || !other.hasOneUse() || other.getType() != type ||
      !isHalf(otherOperand(halfX, x)))
    return nullptr;
  ops.append({halfX, m1});
  return m1;
}

struct FuseGelu : OpRewritePattern<UnaryOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(UnaryOp op, PatternRewriter &rewriter) const override {
    bool useTanh = op.getKind() == UnaryKind::tanh;
    if (op.getKind() != UnaryKind::erf && !useTanh)
      return failure();
    Matched ops{op};
    Value x = useTanh ? matchTanhArgument(op.getInput(), ops)
                      : matchErfArgument(op.getInput(), ops);
    if (!x || x.getType() != op.getType() ||
        !isa<FloatType>(op.getType().getElementType()))
      return rewriter.notifyMatchFailure(op, "argument is not the GELU's");
    // 1 + erf(...) or 1 + tanh(...), used once.
    auto plusOne = dyn_cast_or_null<BinaryOp>(singleUser(op.getResult()));
    if (!plusOne || plusOne.getKind() != BinaryKind::add ||
        plusOne.getType() != op.getType() ||
        !isSplatNear(otherOperand(plusOne, op.getResult()), 1.0))
      return rewriter.notifyMatchFailure(op, "no 1 + f(x)");
    ops.push_back(plusOne);
    Operation *final = matchFinalProduct(plusOne.getResult(), x, ops);
    if (!final)
      return rewriter.notifyMatchFailure(op, "no x * 0.5 * (1 + f(x))");

    SmallVector<Location> locs;
    for (Operation *m : ops)
      locs.push_back(m->getLoc());
    rewriter.setInsertionPoint(final);
    auto gelu = GeluOp::create(rewriter, rewriter.getFusedLoc(locs),
                               op.getType(), x, useTanh);
    rewriter.replaceOp(final, gelu.getResult());
    return success();
  }
};

struct FuseGeluPass : xfc::xf::impl::FuseGeluPassBase<FuseGeluPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFuseGeluPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace

void xfc::xf::populateFuseGeluPatterns(RewritePatternSet &patterns) {
  patterns.add<FuseGelu>(patterns.getContext());
}

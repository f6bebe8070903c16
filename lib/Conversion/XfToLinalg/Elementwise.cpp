//===- Elementwise.cpp - xf unary/binary/select/cast/clamp/gelu → linalg --===//
//
// Every elementwise op becomes one linalg.generic whose body computes the
// scalar function; broadcasting is expressed in the indexing maps, so later
// elementwise fusion merges chains of these into single loops.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "dialects/Xf/IR/XfDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace xfc::xf;

namespace xfc::lowering {
namespace {

Value cst(OpBuilder &b, Location loc, Value like, double v) {
  return scalar(b, loc, like.getType(), v);
}

/// sigmoid(x) = 1 / (1 + exp(-x)).
Value sigmoid(OpBuilder &b, Location loc, Value x) {
  Value negX = arith::NegFOp::create(b, loc, x);
  Value e = math::ExpOp::create(b, loc, negX);
  Value den = arith::AddFOp::create(b, loc, cst(b, loc, x, 1.0), e);
  return arith::DivFOp::create(b, loc, cst(b, loc, x, 1.0), den);
}

/// softplus(x) = log(1 + exp(x)), computed as max(x,0) + log1p(exp(-|x|)) so
/// that large x does not overflow.
Value softplus(OpBuilder &b, Location loc, Value x) {
  Value absX = math::AbsFOp::create(b, loc, x);
  Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, absX));
  Value l = math::Log1pOp::create(b, loc, e);
  Value pos = arith::MaximumFOp::create(b, loc, x, cst(b, loc, x, 0.0));
  return arith::AddFOp::create(b, loc, pos, l);
}

Value select(OpBuilder &b, Location loc, Value cond, Value t, Value f) {
  return arith::SelectOp::create(b, loc, cond, t, f);
}

Value cmpF(OpBuilder &b, Location loc, arith::CmpFPredicate p, Value x,
           Value y) {
  return arith::CmpFOp::create(b, loc, p, x, y);
}

/// x^y for integers by binary exponentiation, unrolled over the bits of a
/// non-negative y: loop-free, so it vectorizes, and nothing is left for the
/// target to legalize (math.ipowi is not). Products wrap like math.ipowi.
/// A negative y gives 0 except for x = 1 (1) and x = -1 (±1 by parity).
Value intPow(OpBuilder &b, Location loc, Value x, Value y) {
  Type type = x.getType();
  unsigned bits = type.getIntOrFloatBitWidth();
  Value zero = cst(b, loc, x, 0.0), one = cst(b, loc, x, 1.0);
  Value minusOne = cst(b, loc, x, -1.0);
  auto isOdd = [&](Value v) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                 arith::AndIOp::create(b, loc, v, one), zero);
  };
  Value result = one, base = x, exponent = y;
  for (unsigned i = 0; i + 1 < bits; ++i) {
    result = select(b, loc, isOdd(exponent),
                    arith::MulIOp::create(b, loc, result, base), result);
    if (i + 2 < bits) {
      base = arith::MulIOp::create(b, loc, base, base);
      exponent = arith::ShRUIOp::create(b, loc, exponent, one);
    }
  }
  auto eq = [&](Value v, Value w) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, v, w);
  };
  Value negative = select(
      b, loc, eq(x, one), one,
      select(b, loc, eq(x, minusOne),
             select(b, loc, isOdd(y), minusOne, one), zero));
  Value isNegative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, y, zero);
  return select(b, loc, isNegative, negative, result);
}

Value buildUnaryScalar(OpBuilder &b, Location loc, UnaryOp op, Value x) {
  double alpha = op.getAlpha() ? op.getAlpha()->convertToDouble() : 0.0;
  double beta = op.getBeta() ? op.getBeta()->convertToDouble() : 0.0;
  bool isFloat = isa<FloatType>(x.getType());
  Value zero = cst(b, loc, x, 0.0);
  switch (op.getKind()) {
  case UnaryKind::neg:
    if (isFloat)
      return arith::NegFOp::create(b, loc, x);
    return arith::SubIOp::create(b, loc, zero, x);
  case UnaryKind::abs:
    if (isFloat)
      return math::AbsFOp::create(b, loc, x);
    return math::AbsIOp::create(b, loc, x);
  case UnaryKind::exp:
    return math::ExpOp::create(b, loc, x);
  case UnaryKind::log:
    return math::LogOp::create(b, loc, x);
  case UnaryKind::sqrt:
    return math::SqrtOp::create(b, loc, x);
  case UnaryKind::rsqrt:
    return math::RsqrtOp::create(b, loc, x);
  case UnaryKind::reciprocal:
    return arith::DivFOp::create(b, loc, cst(b, loc, x, 1.0), x);
  case UnaryKind::erf:
    return math::ErfOp::create(b, loc, x);
  case UnaryKind::tanh:
    return math::TanhOp::create(b, loc, x);
  case UnaryKind::sigmoid:
    return sigmoid(b, loc, x);
  case UnaryKind::relu:
    return buildMax(b, loc, x, zero);
  case UnaryKind::leaky_relu: {
    Value scaled = arith::MulFOp::create(b, loc, x, cst(b, loc, x, alpha));
    return select(b, loc, cmpF(b, loc, arith::CmpFPredicate::OLT, x, zero),
                  scaled, x);
  }
  case UnaryKind::elu:
  case UnaryKind::selu:
  case UnaryKind::celu: {
    // elu: x<0 ? alpha*(exp(x)-1) : x; selu scales both sides by gamma
    // (beta here); celu divides x by alpha inside the exponential.
    Value arg = x;
    if (op.getKind() == UnaryKind::celu)
      arg = arith::DivFOp::create(b, loc, x, cst(b, loc, x, alpha));
    Value em1 = math::ExpM1Op::create(b, loc, arg);
    Value neg = arith::MulFOp::create(b, loc, em1, cst(b, loc, x, alpha));
    Value r = select(b, loc, cmpF(b, loc, arith::CmpFPredicate::OLT, x, zero),
                     neg, x);
    if (op.getKind() == UnaryKind::selu)
      r = arith::MulFOp::create(b, loc, r, cst(b, loc, x, beta));
    return r;
  }
  case UnaryKind::ceil:
    return math::CeilOp::create(b, loc, x);
  case UnaryKind::floor:
    return math::FloorOp::create(b, loc, x);
  case UnaryKind::round:
    // ONNX rounds half to even.
    return math::RoundEvenOp::create(b, loc, x);
  case UnaryKind::sin:
    return math::SinOp::create(b, loc, x);
  case UnaryKind::cos:
    return math::CosOp::create(b, loc, x);
  case UnaryKind::tan:
    return math::TanOp::create(b, loc, x);
  case UnaryKind::atan:
    return math::AtanOp::create(b, loc, x);
  case UnaryKind::asin:
    return math::AsinOp::create(b, loc, x);
  case UnaryKind::acos:
    return math::AcosOp::create(b, loc, x);
  case UnaryKind::sinh:
    return math::SinhOp::create(b, loc, x);
  case UnaryKind::cosh:
    return math::CoshOp::create(b, loc, x);
  case UnaryKind::asinh:
    return math::AsinhOp::create(b, loc, x);
  case UnaryKind::acosh:
    return math::AcoshOp::create(b, loc, x);
  case UnaryKind::atanh:
    return math::AtanhOp::create(b, loc, x);
  case UnaryKind::not_:
    return arith::XOrIOp::create(b, loc, x, scalar(b, loc, x.getType(), 1.0));
  case UnaryKind::sign: {
    if (!isFloat) {
      Value pos = arith::ExtUIOp::create(
          b, loc, x.getType(),
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, x, zero));
      Value neg = arith::ExtUIOp::create(
          b, loc, x.getType(),
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, zero));
      return arith::SubIOp::create(b, loc, pos, neg);
    }
    Value one = cst(b, loc, x, 1.0), minusOne = cst(b, loc, x, -1.0);
    Value r = select(b, loc, cmpF(b, loc, arith::CmpFPredicate::OGT, x, zero),
                     one, zero);
    return select(b, loc, cmpF(b, loc, arith::CmpFPredicate::OLT, x, zero),
                  minusOne, r);
  }
  case UnaryKind::softplus:
    return softplus(b, loc, x);
  case UnaryKind::softsign: {
    Value den = arith::AddFOp::create(b, loc, cst(b, loc, x, 1.0),
                                      math::AbsFOp::create(b, loc, x));
    return arith::DivFOp::create(b, loc, x, den);
  }
  case UnaryKind::hard_sigmoid:
  case UnaryKind::hard_swish: {
    // hard_sigmoid = clamp(alpha*x + beta, 0, 1); hard_swish = x * that
    // with alpha = 1/6, beta = 0.5 (filled in by the importer).
    Value lin = arith::AddFOp::create(
        b, loc, arith::MulFOp::create(b, loc, x, cst(b, loc, x, alpha)),
        cst(b, loc, x, beta));
    Value hs = arith::MinimumFOp::create(
        b, loc, arith::MaximumFOp::create(b, loc, lin, zero),
        cst(b, loc, x, 1.0));
    if (op.getKind() == UnaryKind::hard_sigmoid)
      return hs;
    return arith::MulFOp::create(b, loc, x, hs);
  }
  case UnaryKind::mish:
    return arith::MulFOp::create(
        b, loc, x, math::TanhOp::create(b, loc, softplus(b, loc, x)));
  case UnaryKind::is_nan:
    return cmpF(b, loc, arith::CmpFPredicate::UNO, x, x);
  case UnaryKind::is_inf: {
    // alpha/beta select detect_positive / detect_negative (1 = on).
    Value absX = math::AbsFOp::create(b, loc, x);
    Value inf = scalar(b, loc, x.getType(), INFINITY);
    Value isInf = cmpF(b, loc, arith::CmpFPredicate::OEQ, absX, inf);
    bool detectPos = !op.getAlpha() || alpha != 0.0;
    bool detectNeg = !op.getBeta() || beta != 0.0;
    if (detectPos && detectNeg)
      return isInf;
    Value sideOk = cmpF(b, loc,
                        detectPos ? arith::CmpFPredicate::OGT
                                  : arith::CmpFPredicate::OLT,
                        x, zero);
    if (!detectPos && !detectNeg)
      return scalar(b, loc, b.getI1Type(), 0.0);
    return arith::AndIOp::create(b, loc, isInf, sideOk);
  }
  case UnaryKind::thresholded_relu:
    return select(b, loc,
                  cmpF(b, loc, arith::CmpFPredicate::OGT, x,
                       cst(b, loc, x, alpha)),
                  x, zero);
  }
  llvm_unreachable("unknown unary kind");
}

Value buildBinaryScalar(OpBuilder &b, Location loc, BinaryKind kind, Value x,
                        Value y) {
  bool isFloat = isa<FloatType>(x.getType());
  auto fcmp = [&](arith::CmpFPredicate p) { return cmpF(b, loc, p, x, y); };
  auto icmp = [&](arith::CmpIPredicate p) {
    return arith::CmpIOp::create(b, loc, p, x, y);
  };
  switch (kind) {
  case BinaryKind::add:
    return isFloat ? (Value)arith::AddFOp::create(b, loc, x, y)
                   : (Value)arith::AddIOp::create(b, loc, x, y);
  case BinaryKind::sub:
    return isFloat ? (Value)arith::SubFOp::create(b, loc, x, y)
                   : (Value)arith::SubIOp::create(b, loc, x, y);
  case BinaryKind::mul:
    return isFloat ? (Value)arith::MulFOp::create(b, loc, x, y)
                   : (Value)arith::MulIOp::create(b, loc, x, y);
  case BinaryKind::div:
    return isFloat ? (Value)arith::DivFOp::create(b, loc, x, y)
                   : (Value)arith::DivSIOp::create(b, loc, x, y);
  case BinaryKind::pow:
    if (isFloat)
      return math::PowFOp::create(b, loc, x, y);
    return intPow(b, loc, x, y);
  case BinaryKind::max:
    return buildMax(b, loc, x, y);
  case BinaryKind::min:
    return buildMin(b, loc, x, y);
  case BinaryKind::mod: {
    // Python-style modulo: a non-zero remainder takes the divisor's sign.
    Value zero = cst(b, loc, x, 0.0);
    Value r, rNeg, yNeg, rNonZero;
    if (isFloat) {
      r = arith::RemFOp::create(b, loc, x, y);
      rNeg = cmpF(b, loc, arith::CmpFPredicate::OLT, r, zero);
      yNeg = cmpF(b, loc, arith::CmpFPredicate::OLT, y, zero);
      rNonZero = cmpF(b, loc, arith::CmpFPredicate::ONE, r, zero);
    } else {
      r = arith::RemSIOp::create(b, loc, x, y);
      rNeg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, r, zero);
      yNeg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, y, zero);
      rNonZero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, r, zero);
    }
    Value fix = arith::AndIOp::create(
        b, loc, rNonZero, arith::XOrIOp::create(b, loc, rNeg, yNeg));
    Value fixed = isFloat ? (Value)arith::AddFOp::create(b, loc, r, y)
                          : (Value)arith::AddIOp::create(b, loc, r, y);
    return select(b, loc, fix, fixed, r);
  }
  case BinaryKind::fmod:
    // C fmod: the result takes the dividend's sign.
    if (isFloat)
      return arith::RemFOp::create(b, loc, x, y);
    return arith::RemSIOp::create(b, loc, x, y);
  case BinaryKind::and_:
  case BinaryKind::bitand_:
    return arith::AndIOp::create(b, loc, x, y);
  case BinaryKind::or_:
  case BinaryKind::bitor_:
    return arith::OrIOp::create(b, loc, x, y);
  case BinaryKind::xor_:
  case BinaryKind::bitxor_:
    return arith::XOrIOp::create(b, loc, x, y);
  case BinaryKind::eq:
    return isFloat ? fcmp(arith::CmpFPredicate::OEQ)
                   : icmp(arith::CmpIPredicate::eq);
  case BinaryKind::lt:
    return isFloat ? fcmp(arith::CmpFPredicate::OLT)
                   : icmp(arith::CmpIPredicate::slt);
  case BinaryKind::le:
    return isFloat ? fcmp(arith::CmpFPredicate::OLE)
                   : icmp(arith::CmpIPredicate::sle);
  case BinaryKind::gt:
    return isFloat ? fcmp(arith::CmpFPredicate::OGT)
                   : icmp(arith::CmpIPredicate::sgt);
  case BinaryKind::ge:
    return isFloat ? fcmp(arith::CmpFPredicate::OGE)
                   : icmp(arith::CmpIPredicate::sge);
  case BinaryKind::shl:
    return arith::ShLIOp::create(b, loc, x, y);
  case BinaryKind::shr:
    return arith::ShRUIOp::create(b, loc, x, y);
  }
  llvm_unreachable("unknown binary kind");
}

struct LowerUnary : OpRewritePattern<UnaryOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(UnaryOp op, PatternRewriter &rewriter) const override {
    Value result = buildElementwise(
        rewriter, op.getLoc(), op.getType(), op.getInput(),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return buildUnaryScalar(b, loc, op, args[0]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct LowerBinary : OpRewritePattern<BinaryOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BinaryOp op, PatternRewriter &rewriter) const override {
    Value result = buildElementwise(
        rewriter, op.getLoc(), op.getType(), {op.getLhs(), op.getRhs()},
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return buildBinaryScalar(b, loc, op.getKind(), args[0], args[1]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct LowerSelect : OpRewritePattern<SelectOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SelectOp op, PatternRewriter &rewriter) const override {
    Value result = buildElementwise(
        rewriter, op.getLoc(), op.getType(),
        {op.getCondition(), op.getOnTrue(), op.getOnFalse()},
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return select(b, loc, args[0], args[1], args[2]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct LowerCast : OpRewritePattern<CastOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(CastOp op, PatternRewriter &rewriter) const override {
    Type to = op.getType().getElementType();
    Value result = buildElementwise(
        rewriter, op.getLoc(), op.getType(), op.getInput(),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return castScalar(b, loc, args[0], to);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct LowerClamp : OpRewritePattern<ClampOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ClampOp op, PatternRewriter &rewriter) const override {
    Value result = buildElementwise(
        rewriter, op.getLoc(), op.getType(), op.getInput(),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Value x = args[0];
          if (auto lo = op.getMin())
            x = buildMax(b, loc, x, scalar(b, loc, x.getType(), lo->convertToDouble()));
          if (auto hi = op.getMax())
            x = buildMin(b, loc, x, scalar(b, loc, x.getType(), hi->convertToDouble()));
          return x;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

/// gelu(x) = 0.5 x (1 + erf(x/√2)), or the tanh approximation
/// 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³))). Shared with xf.linear's
/// epilogue.
Value buildGeluScalar(OpBuilder &b, Location loc, Value x, bool useTanh) {
  Value inner;
  if (useTanh) {
    Value x3 = arith::MulFOp::create(b, loc, x, arith::MulFOp::create(b, loc, x, x));
    Value poly = arith::AddFOp::create(
        b, loc, x, arith::MulFOp::create(b, loc, x3, cst(b, loc, x, 0.044715)));
    inner = math::TanhOp::create(
        b, loc, arith::MulFOp::create(b, loc, poly,
                                      cst(b, loc, x, 0.7978845608028654)));
  } else {
    inner = math::ErfOp::create(
        b, loc, arith::MulFOp::create(b, loc, x, cst(b, loc, x, M_SQRT1_2)));
  }
  Value onePlus = arith::AddFOp::create(b, loc, cst(b, loc, x, 1.0), inner);
  Value half = arith::MulFOp::create(b, loc, x, cst(b, loc, x, 0.5));
  return arith::MulFOp::create(b, loc, half, onePlus);
}

namespace {
struct LowerGelu : OpRewritePattern<GeluOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GeluOp op, PatternRewriter &rewriter) const override {
    Value result = buildElementwise(
        rewriter, op.getLoc(), op.getType(), op.getInput(),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return buildGeluScalar(b, loc, args[0], op.getTanh());
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};
} // namespace

void populateElementwisePatterns(RewritePatternSet &patterns) {
  patterns.add<LowerUnary, LowerBinary, LowerSelect, LowerCast, LowerClamp,
               LowerGelu>(patterns.getContext());
}

} // namespace xfc::lowering

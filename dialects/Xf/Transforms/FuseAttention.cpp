//===- FuseAttention.cpp - softmax(q·kᵀ·scale + mask)·v → xf.attention ----===//
//
// Exporters write scaled dot-product attention out as
//   matmul(softmax(matmul(q, transpose(k)) / √d + mask), v)
// with the scale as a division or multiplication on the scores or on q, the
// mask as an additive tensor, and a causal mask as Where(tril == 0, -inf, s).
// The pattern is anchored at the second matmul and walks up the scores.
// q, k and v keep whatever Reshape/Transpose produced them; only kᵀ is undone,
// by folding the inverse permutation into the transpose that made it.
//
//===----------------------------------------------------------------------===//

#include "FusionUtils.h"
#include "dialects/Xf/IR/XfShapes.h"
#include "dialects/Xf/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace xfc::xf {
#define GEN_PASS_DEF_FUSEATTENTIONPASS
#include "dialects/Xf/Transforms/Passes.h.inc"
} // namespace xfc::xf

using namespace mlir;
using namespace xfc::xf;
using namespace xfc::xf::fusion;

namespace {

/// A select fill at or below this is "large negative": its softmax weight
/// exp(fill - rowmax) is 0 in f32 whenever rowmax > fill + 104, as in any
/// causal row (the diagonal is never masked) whose scores are not themselves
/// below -9896. An additive mask breaks that argument (a row whose visible
/// keys are all padded sits at fill level too), so a finite fill is only
/// taken without one.
constexpr double kLargeNegative = -1.0e4;

double toDouble(APFloat v) {
  bool losesInfo;
  (void)v.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &losesInfo);
  return v.convertToDouble();
}

/// What the walk up from the softmax found.
struct Scores {
  RankedTensorType type; // [B, H, Sq, Sk], the type of every link
  MatMulOp product;      // q · kᵀ
  Value query, keyT;
  double scale = 1.0;
  Value additiveMask;
  SelectOp select;
  bool fillOnTrue = false; // masked where the condition is true
  bool fillIsInf = false;
  SmallVector<Operation *, 8> ops;
};

/// Peels multiplications and divisions by scalar constants off `v` (that do
/// not broadcast it) into `scale`. With `oneUse`, every peeled op must have
/// `v` as its only use.
Value peelScale(Value v, double &scale, bool oneUse,
                SmallVectorImpl<Operation *> &ops) {
  while (auto op = v.getDefiningOp<BinaryOp>()) {
    Value next;
    if (op.getKind() == BinaryKind::div) {
      std::optional<APFloat> c = getSplatFloat(op.getRhs());
      if (!c || c->isZero() || !c->isFinite() || !keepsTypeOf(op, op.getLhs()))
        break;
      scale /= toDouble(*c);
      next = op.getLhs();
    } else if (op.getKind() == BinaryKind::mul) {
      for (auto [x, k] : {std::pair(op.getLhs(), op.getRhs()),
                          std::pair(op.getRhs(), op.getLhs())}) {
        std::optional<APFloat> c = getSplatFloat(k);
        if (c && c->isFinite() && keepsTypeOf(op, x)) {
          scale *= toDouble(*c);
          next = x;
          break;
        }
      }
    }
    if (!next || (oneUse && !next.hasOneUse()))
      break;
    ops.push_back(op);
    v = next;
  }
  return v;
}

/// `s` = [select/additive mask] of `scale * matmul(q, kᵀ)`, each link of
/// the scores type and used once.
bool matchScores(Value s, Scores &m, bool allowMask, bool allowSelect) {
  if (s.getType() != m.type || !s.hasOneUse())
    return false;
  if (BinaryOp add = getBinary(s, BinaryKind::add); add && allowMask) {
    for (auto [x, mask] : {std::pair(add.getLhs(), add.getRhs()),
                           std::pair(add.getRhs(), add.getLhs())}) {
      Scores saved = m;
      if (matchScores(x, m, /*allowMask=*/false, allowSelect)) {
        m.additiveMask = mask;
        m.ops.push_back(add);
        return true;
      }
      m = saved;
    }
    return false;
  }
  if (auto select = s.getDefiningOp<SelectOp>(); select && allowSelect) {
    for (bool fillOnTrue : {true, false}) {
      Value fill = fillOnTrue ? select.getOnTrue() : select.getOnFalse();
      Value x = fillOnTrue ? select.getOnFalse() : select.getOnTrue();
      std::optional<APFloat> f = getSplatFloat(fill);
      if (!f || f->isNaN() || !f->isNegative() ||
          !(f->isInfinity() || toDouble(*f) <= kLargeNegative))
        continue;
      Scores saved = m;
      if (matchScores(x, m, allowMask, /*allowSelect=*/false)) {
        m.select = select;
        m.fillOnTrue = fillOnTrue;
        m.fillIsInf = f->isInfinity();
        m.ops.push_back(select);
        return true;
      }
      m = saved;
    }
    return false;
  }
  Value product = peelScale(s, m.scale, /*oneUse=*/true, m.ops);
  auto matmul = product.getDefiningOp<MatMulOp>();
  if (!matmul || !product.hasOneUse())
    return false;
  m.product = matmul;
  m.ops.push_back(matmul);
  m.query = peelScale(matmul.getLhs(), m.scale, /*oneUse=*/false, m.ops);
  m.keyT = peelScale(matmul.getRhs(), m.scale, /*oneUse=*/false, m.ops);
  return true;
}

/// True when the constant condition `cond` masks exactly the keys after each
/// query (key index j > query index i) in every [Sq, Sk] slice.
bool isCausalCondition(DenseElementsAttr cond, bool maskedWhenTrue,
                       int64_t sq, int64_t sk) {
  auto type = cast<RankedTensorType>(cond.getType());
  if (type.getRank() < 2 || type.getDimSize(type.getRank() - 2) != sq ||
      type.getDimSize(type.getRank() - 1) != sk)
    return false;
  int64_t idx = 0;
  for (bool value : cond.getValues<bool>()) {
    int64_t i = (idx / sk) % sq, j = idx % sk;
    if ((value == maskedWhenTrue) != (j > i))
      return false;
    ++idx;
  }
  return true;
}

bool isStatic4D(Type t) {
  auto rt = dyn_cast<RankedTensorType>(t);
  return rt && rt.getRank() == 4 && rt.hasStaticShape();
}

struct FuseAttention : OpRewritePattern<MatMulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MatMulOp pv, PatternRewriter &rewriter) const override {
    auto softmax = pv.getLhs().getDefiningOp<SoftmaxOp>();
    if (!softmax || softmax.getLog() || !pv.getLhs().hasOneUse())
      return failure();
    RankedTensorType st = softmax.getType();
    Value v = pv.getRhs();
    if (!isStatic4D(st) || softmax.getAxis() != 3 || !isStatic4D(v.getType()) ||
        !isStatic4D(pv.getType()) || !isa<FloatType>(st.getElementType()))
      return rewriter.notifyMatchFailure(pv, "not a softmax over the keys of [B, H, Sq, Sk]");

    Scores m;
    m.type = st;
    m.ops = {pv, softmax};
    if (!matchScores(softmax.getInput(), m, /*allowMask=*/true, /*allowSelect=*/true))
      return rewriter.notifyMatchFailure(pv, "scores are not [mask +] scale * q·kᵀ");
    if (!isStatic4D(m.query.getType()) || !isStatic4D(m.keyT.getType()))
      return rewriter.notifyMatchFailure(pv, "q or kᵀ is not a static [B, H, ., .]");

    // Shapes: q [B,H,Sq,D], kᵀ [B,H,D,Sk], v [B,H,Sk,Dv], nothing broadcast.
    auto qt = cast<RankedTensorType>(m.query.getType());
    auto ktt = cast<RankedTensorType>(m.keyT.getType());
    auto vt = cast<RankedTensorType>(v.getType());
    ArrayRef<int64_t> q = qt.getShape(), kT = ktt.getShape(), vs = vt.getShape();
    Type elt = st.getElementType();
    if (qt.getElementType() != elt || ktt.getElementType() != elt ||
        vt.getElementType() != elt || q[0] != kT[0] || q[1] != kT[1] ||
        q[0] != vs[0] || q[1] != vs[1] || q[3] != kT[2] || kT[3] != vs[2] ||
        st.getShape() != ArrayRef<int64_t>{q[0], q[1], q[2], kT[3]} ||
        pv.getType().getShape() != ArrayRef<int64_t>{q[0], q[1], q[2], vs[3]})
      return rewriter.notifyMatchFailure(pv, "q, k, v are not [B, H, S, D] without broadcasting");

    // The select: causal when its constant condition is exactly causal,
    // else an additive 0/-inf mask, which only a -inf fill makes exact.
    bool causal = false;
    bool selectAsMask = false;
    if (m.select) {
      DenseElementsAttr cond;
      if (matchPattern(m.select.getCondition(), m_Constant(&cond)) &&
          isCausalCondition(cond, m.fillOnTrue, q[2], kT[3])) {
        if (!m.fillIsInf && m.additiveMask)
          return rewriter.notifyMatchFailure(
              pv, "finite causal fill next to an additive mask");
        causal = true;
      }
      else if (m.fillIsInf)
        selectAsMask = true;
      else
        return rewriter.notifyMatchFailure(
            pv, "finite fill with a condition that is not causal");
    }

    SmallVector<Location> locs;
    for (Operation *op : m.ops)
      locs.push_back(op->getLoc());
    Location loc = rewriter.getFusedLoc(locs);
    rewriter.setInsertionPoint(pv);

    Value mask = m.additiveMask;
    if (selectAsMask) {
      auto scalarType = RankedTensorType::get({}, elt);
      auto constant = [&](double value) -> Value {
        return arith::ConstantOp::create(
            rewriter, loc,
            SplatElementsAttr::get(scalarType, rewriter.getFloatAttr(elt, value)));
      };
      Value cond = m.select.getCondition();
      Value minusInf = constant(-INFINITY), zero = constant(0.0);
      auto maskType = RankedTensorType::get(
          cast<RankedTensorType>(cond.getType()).getShape(), elt);
      Value selectMask = SelectOp::create(rewriter, loc, maskType, cond,
                                          m.fillOnTrue ? minusInf : zero,
                                          m.fillOnTrue ? zero : minusInf);
      if (mask) {
        auto shape = broadcastShapes(cast<RankedTensorType>(mask.getType()).getShape(),
                                     maskType.getShape());
        if (!shape)
          return rewriter.notifyMatchFailure(pv, "masks do not broadcast together");
        selectMask = BinaryOp::create(rewriter, loc,
                                      RankedTensorType::get(*shape, elt),
                                      BinaryKind::add, mask, selectMask);
      }
      mask = selectMask;
    }

    // k = transpose(kᵀ): swap the last two entries of the permutation that
    // produced kᵀ, or transpose it here.
    auto kType = RankedTensorType::get({kT[0], kT[1], kT[3], kT[2]}, elt);
    Value key;
    auto transpose = m.keyT.getDefiningOp<TransposeOp>();
    if (transpose) {
      ArrayRef<int64_t> p = transpose.getPerm();
      SmallVector<int64_t> perm{p[0], p[1], p[3], p[2]};
      if (perm == ArrayRef<int64_t>{0, 1, 2, 3})
        key = transpose.getInput();
      else
        key = TransposeOp::create(rewriter, loc, kType, transpose.getInput(),
                                  rewriter.getDenseI64ArrayAttr(perm));
    } else {
      key = TransposeOp::create(rewriter, loc, kType, m.keyT,
                                rewriter.getDenseI64ArrayAttr({0, 1, 3, 2}));
    }

    auto attention = AttentionOp::create(
        rewriter, loc, pv.getType(), m.query, key, v, mask,
        rewriter.getF32FloatAttr((float)m.scale),
        causal ? rewriter.getUnitAttr() : nullptr);
    rewriter.replaceOp(pv, attention.getResult());
    return success();
  }
};

struct FuseAttentionPass : xfc::xf::impl::FuseAttentionPassBase<FuseAttentionPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFuseAttentionPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace

void xfc::xf::populateFuseAttentionPatterns(RewritePatternSet &patterns) {
  patterns.add<FuseAttention>(patterns.getContext());
}

//===- Detection.cpp - xf.nms → scf loops on tensors ----------------------===//
//
// Greedy non-maximum suppression is sequential: every pick depends on the
// boxes the earlier picks suppressed. For each image and class a loop makes
// up to N picks; each pick scans the scores for the best box that is neither
// picked nor suppressed (O(N)), records it, and suppresses the boxes that
// overlap it too much (O(N)), so a class costs O(N * picks). The suppressed
// flags are a tensor<N x i1> carried by the loop; one-shot bufferization
// makes the inserts in-place stores. IoU follows ONNX Runtime: empty
// intersections and boxes without area never suppress.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "SampleMath.h"

#include "dialects/Xf/IR/XfDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace xfc::xf;

namespace xfc::lowering {
namespace {

/// A box as its f64 corners.
struct Box {
  Value x1, y1, x2, y2;
};

Box readBox(const F64Builder &f, Value boxes, Value b, Value i, bool center) {
  SmallVector<Value> v;
  for (int64_t k = 0; k < 4; ++k) {
    Value e = tensor::ExtractOp::create(
        f.b, f.l, boxes, ValueRange{b, i, arith::ConstantIndexOp::create(f.b, f.l, k)});
    v.push_back(castScalar(f.b, f.l, e, f.b.getF64Type()));
  }
  if (center) {
    Value halfW = f.div(v[2], f.c(2)), halfH = f.div(v[3], f.c(2));
    return {f.sub(v[0], halfW), f.sub(v[1], halfH), f.add(v[0], halfW),
            f.add(v[1], halfH)};
  }
  auto lo = [&](Value a, Value c) { return (Value)arith::MinimumFOp::create(f.b, f.l, a, c); };
  auto hi = [&](Value a, Value c) { return (Value)arith::MaximumFOp::create(f.b, f.l, a, c); };
  return {lo(v[1], v[3]), lo(v[0], v[2]), hi(v[1], v[3]), hi(v[0], v[2])};
}

/// IoU(a, b) > threshold, false for an empty intersection or a box (or
/// union) without area.
Value overlapsTooMuch(const F64Builder &f, const Box &a, const Box &b, Value threshold) {
  auto lo = [&](Value x, Value y) { return (Value)arith::MinimumFOp::create(f.b, f.l, x, y); };
  auto hi = [&](Value x, Value y) { return (Value)arith::MaximumFOp::create(f.b, f.l, x, y); };
  auto andI = [&](Value x, Value y) { return (Value)arith::AndIOp::create(f.b, f.l, x, y); };
  Value w = f.sub(lo(a.x2, b.x2), hi(a.x1, b.x1));
  Value h = f.sub(lo(a.y2, b.y2), hi(a.y1, b.y1));
  Value inter = f.mul(w, h);
  Value areaA = f.mul(f.sub(a.x2, a.x1), f.sub(a.y2, a.y1));
  Value areaB = f.mul(f.sub(b.x2, b.x1), f.sub(b.y2, b.y1));
  Value uni = f.sub(f.add(areaA, areaB), inter);
  Value valid = andI(andI(f.lt(f.c(0), w), f.lt(f.c(0), h)),
                     andI(andI(f.lt(f.c(0), areaA), f.lt(f.c(0), areaB)), f.lt(f.c(0), uni)));
  // inter / union > threshold, without dividing by a zero union.
  Value iou = f.div(inter, f.select(valid, uni, f.c(1)));
  return andI(valid, f.lt(threshold, iou));
}

struct LowerNms : OpRewritePattern<NmsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(NmsOp op, PatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    Location loc = op.getLoc();
    bool center = op.getCenterPointBox();
    Value boxes = op.getBoxes(), scores = op.getScores();
    // Dynamic sizes are read at run time; the verifier made the types agree,
    // so only two dynamic sizes (B or N of boxes and scores) need a check.
    auto boxesType = cast<RankedTensorType>(boxes.getType());
    if (boxesType.isDynamicDim(0))
      checkDims(rewriter, loc, boxes, 0, arith::CmpIPredicate::eq, scores, 0,
                "boxes and scores must have the same batch size");
    if (boxesType.isDynamicDim(1))
      checkDims(rewriter, loc, boxes, 1, arith::CmpIPredicate::eq, scores, 2,
                "scores must have one column per box");
    auto size = [&](int64_t d) -> Value {
      if (type.isDynamicDim(d))
        return tensor::DimOp::create(rewriter, loc, scores, d);
      return arith::ConstantIndexOp::create(rewriter, loc, type.getDimSize(d));
    };
    Value batch = size(0), classes = size(1), cn = size(2);
    auto scalarOf = [&](Value t) { return tensor::ExtractOp::create(rewriter, loc, t, ValueRange{}); };
    Value iouThreshold = castScalar(rewriter, loc, scalarOf(op.getIouThreshold()), rewriter.getF64Type());
    Value scoreThreshold = castScalar(rewriter, loc, scalarOf(op.getScoreThreshold()), rewriter.getF64Type());
    Value maxPicks = arith::IndexCastOp::create(
        rewriter, loc, rewriter.getIndexType(),
        castScalar(rewriter, loc, scalarOf(op.getMaxPerClass()), rewriter.getI64Type()));
    Value c0 = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value c1 = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value falseV = arith::ConstantIntOp::create(rewriter, loc, 0, 1);
    Value trueV = arith::ConstantIntOp::create(rewriter, loc, 1, 1);
    Value none = arith::ConstantIntOp::create(rewriter, loc, -1, 64);
    Value picks =
        linalg::FillOp::create(
            rewriter, loc, none,
            createEmptySized(rewriter, loc, type, [&](int64_t d) { return size(d); }))
            .getResult(0);
    auto flagsType = RankedTensorType::get({type.getDimSize(2)}, rewriter.getI1Type());
    scf::LoopNest nest = scf::buildLoopNest(
        rewriter, loc, {c0, c0}, {batch, classes},
        {c1, c1}, ValueRange{picks},
        [&](OpBuilder &b, Location l, ValueRange ivs, ValueRange args) -> scf::ValueVector {
          Value img = ivs[0], cls = ivs[1];
          Value suppressed =
              linalg::FillOp::create(b, l, falseV,
                                     createEmptySized(b, l, flagsType,
                                                      [&](int64_t) { return cn; }))
                  .getResult(0);
          auto pickLoop = scf::ForOp::create(
              b, l, c0, cn, c1, ValueRange{args[0], suppressed, c0},
              [&](OpBuilder &pb, Location pl, Value, ValueRange state) {
                F64Builder pf{pb, pl};
                Value result = state[0], flags = state[1], count = state[2];
                // The best remaining box above the score threshold.
                auto scan = scf::ForOp::create(
                    pb, pl, c0, cn, c1, ValueRange{pf.c(0), c0, falseV},
                    [&](OpBuilder &sb, Location sl, Value i, ValueRange best) {
                      F64Builder sf{sb, sl};
                      Value score = castScalar(
                          sb, sl, tensor::ExtractOp::create(sb, sl, scores, ValueRange{img, cls, i}),
                          sb.getF64Type());
                      Value free = arith::XOrIOp::create(
                          sb, sl, tensor::ExtractOp::create(sb, sl, flags, ValueRange{i}), trueV);
                      Value better = arith::OrIOp::create(
                          sb, sl, arith::XOrIOp::create(sb, sl, best[2], trueV),
                          sf.lt(best[0], score));
                      Value take = arith::AndIOp::create(
                          sb, sl, arith::AndIOp::create(sb, sl, free, sf.lt(scoreThreshold, score)),
                          better);
                      scf::YieldOp::create(
                          sb, sl,
                          ValueRange{sf.select(take, score, best[0]), sf.select(take, i, best[1]),
                                     arith::OrIOp::create(sb, sl, take, best[2])});
                    });
                Value bestIdx = scan.getResult(1);
                Value pick = arith::AndIOp::create(
                    pb, pl, scan.getResult(2),
                    arith::CmpIOp::create(pb, pl, arith::CmpIPredicate::slt, count, maxPicks));
                auto ifOp = scf::IfOp::create(
                    pb, pl, pick,
                    [&](OpBuilder &tb, Location tl) {
                      F64Builder tf{tb, tl};
                      Value index = arith::IndexCastOp::create(tb, tl, tb.getI64Type(), bestIdx);
                      Value recorded = tensor::InsertOp::create(tb, tl, index, result,
                                                                ValueRange{img, cls, count});
                      Box chosen = readBox(tf, boxes, img, bestIdx, center);
                      Value marked = tensor::InsertOp::create(tb, tl, trueV, flags, ValueRange{bestIdx});
                      auto suppress = scf::ForOp::create(
                          tb, tl, c0, cn, c1, ValueRange{marked},
                          [&](OpBuilder &jb, Location jl, Value j, ValueRange cur) {
                            F64Builder jf{jb, jl};
                            Box other = readBox(jf, boxes, img, j, center);
                            Value was = tensor::ExtractOp::create(jb, jl, cur[0], ValueRange{j});
                            Value now = arith::OrIOp::create(
                                jb, jl, was, overlapsTooMuch(jf, chosen, other, iouThreshold));
                            scf::YieldOp::create(
                                jb, jl, ValueRange{tensor::InsertOp::create(jb, jl, now, cur[0],
                                                                            ValueRange{j})});
                          });
                      Value next = arith::AddIOp::create(tb, tl, count, c1);
                      scf::YieldOp::create(tb, tl,
                                           ValueRange{recorded, suppress.getResult(0), next});
                    },
                    [&](OpBuilder &eb, Location el) {
                      scf::YieldOp::create(eb, el, ValueRange{result, flags, count});
                    });
                scf::YieldOp::create(pb, pl, ifOp.getResults());
              });
          return {pickLoop.getResult(0)};
        });
    rewriter.replaceOp(op, nest.results[0]);
    return success();
  }
};

} // namespace

void populateDetectionPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerNms>(patterns.getContext());
}

} // namespace xfc::lowering

//===- Sequential.cpp - xf cumsum/topk/scatters → scf loops on tensors ----===//
//
// The ops whose result depends on the order in which elements are visited:
// a running sum (cumsum), a selection (topk) and scatters, where a later
// update overwrites or accumulates into an earlier one. They become scf.for
// loops that carry the result tensor as an iter_arg; one-shot bufferization
// turns the tensor.insert / insert_slice chains into in-place stores. The
// cumsum scan moves one slice per step, so its body is a linalg.generic the
// CPU strategy still vectorizes; topk and the scatters are scalar loops.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "dialects/Xf/IR/XfDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace xfc::xf;

namespace xfc::lowering {
namespace {

Value cidx(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// A loop nest over a static `shape` carrying `acc`; `body` returns the new
/// accumulator for one point.
Value loopNest(OpBuilder &b, Location loc, ArrayRef<int64_t> shape, Value acc,
               function_ref<Value(OpBuilder &, Location, ValueRange, Value)> body) {
  SmallVector<Value> lbs, ubs, steps;
  for (int64_t s : shape) {
    lbs.push_back(cidx(b, loc, 0));
    ubs.push_back(cidx(b, loc, s));
    steps.push_back(cidx(b, loc, 1));
  }
  scf::LoopNest nest = scf::buildLoopNest(
      b, loc, lbs, ubs, steps, ValueRange{acc},
      [&](OpBuilder &nb, Location l, ValueRange ivs, ValueRange args) -> scf::ValueVector {
        return {body(nb, l, ivs, args[0])};
      });
  return nest.results.empty() ? acc : nest.results[0];
}

Value add(OpBuilder &b, Location loc, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::AddFOp::create(b, loc, x, y);
  return arith::AddIOp::create(b, loc, x, y);
}

/// Combines the element already in place with an update.
Value combine(OpBuilder &b, Location loc, ScatterReduction kind, Value old,
              Value update) {
  bool isFloat = isa<FloatType>(old.getType());
  switch (kind) {
  case ScatterReduction::none:
    return update;
  case ScatterReduction::add:
    return add(b, loc, old, update);
  case ScatterReduction::mul:
    return isFloat ? (Value)arith::MulFOp::create(b, loc, old, update)
                   : (Value)arith::MulIOp::create(b, loc, old, update);
  case ScatterReduction::max:
    return buildMax(b, loc, old, update);
  case ScatterReduction::min:
    return buildMin(b, loc, old, update);
  }
  return update;
}

/// A running sum along the axis, one slice per step:
/// out[p_t] = out[p_{t-1}] + in[exclusive ? p_{t-1} : p_t].
struct LowerCumSum : OpRewritePattern<CumSumOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(CumSumOp op, PatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    if (!type.hasStaticShape())
      return op.emitError("cumsum with dynamic dimensions is not supported yet");
    Location loc = op.getLoc();
    int64_t rank = type.getRank(), axis = op.getAxis();
    int64_t n = rank ? type.getDimSize(axis) : 1;
    Value input = op.getInput();
    if (rank == 0 || n == 0 || type.getNumElements() == 0) {
      // One element per row: the sum is the element, or 0 when exclusive.
      rewriter.replaceOp(op, op.getExclusive()
                                 ? arith::ConstantOp::create(
                                       rewriter, loc, DenseElementsAttr::get(
                                           type, scalarAttr(type.getElementType(), 0.0)))
                                       .getResult()
                                 : input);
      return success();
    }
    bool reverse = op.getReverse(), exclusive = op.getExclusive();
    SmallVector<int64_t> sliceShape(type.getShape());
    sliceShape[axis] = 1;
    auto sliceType = RankedTensorType::get(sliceShape, type.getElementType());
    auto window = [&](OpBuilder &b, OpFoldResult at) {
      SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0)), sizes,
          strides(rank, b.getIndexAttr(1));
      for (int64_t s : sliceShape)
        sizes.push_back(b.getIndexAttr(s));
      offsets[axis] = at;
      return std::make_tuple(offsets, sizes, strides);
    };
    auto extract = [&](OpBuilder &b, Location l, Value src, OpFoldResult at) -> Value {
      auto [o, s, st] = window(b, at);
      return tensor::ExtractSliceOp::create(b, l, sliceType, src, o, s, st);
    };
    auto insert = [&](OpBuilder &b, Location l, Value row, Value dst,
                      OpFoldResult at) -> Value {
      auto [o, s, st] = window(b, at);
      return tensor::InsertSliceOp::create(b, l, row, dst, o, s, st);
    };

    Value out = createEmpty(rewriter, loc, type, {});
    OpFoldResult first = rewriter.getIndexAttr(reverse ? n - 1 : 0);
    Value firstRow =
        exclusive ? arith::ConstantOp::create(
                        rewriter, loc,
                        DenseElementsAttr::get(sliceType,
                                               scalarAttr(type.getElementType(), 0.0)))
                        .getResult()
                  : extract(rewriter, loc, input, first);
    out = insert(rewriter, loc, firstRow, out, first);
    auto loop = scf::ForOp::create(
        rewriter, loc, cidx(rewriter, loc, 1), cidx(rewriter, loc, n),
        cidx(rewriter, loc, 1), ValueRange{out},
        [&](OpBuilder &b, Location l, Value t, ValueRange args) {
          Value p = t, prev = arith::SubIOp::create(b, l, t, cidx(b, l, 1));
          if (reverse) {
            p = arith::SubIOp::create(b, l, cidx(b, l, n - 1), t);
            prev = arith::AddIOp::create(b, l, p, cidx(b, l, 1));
          }
          Value acc = extract(b, l, args[0], prev);
          Value x = extract(b, l, input, exclusive ? prev : p);
          Value row = buildElementwise(
              b, l, sliceType, ValueRange{acc, x},
              [](OpBuilder &nb, Location nl, ValueRange a) {
                return add(nb, nl, a[0], a[1]);
              });
          scf::YieldOp::create(b, l, insert(b, l, row, args[0], p));
        });
    rewriter.replaceOp(op, loop.getResult(0));
    return success();
  }
};

/// Output j of a row is the best element after output j-1 in the order
/// (value, then lower index first): k passes over the row, no sorting
/// buffer, and ties come out in input order as ONNX requires.
struct LowerTopK : OpRewritePattern<TopKOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TopKOp op, PatternRewriter &rewriter) const override {
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    RankedTensorType valType = op.getValues().getType(),
                     idxType = op.getIndices().getType();
    if (!inType.hasStaticShape())
      return op.emitError("topk with dynamic dimensions is not supported yet");
    Location loc = op.getLoc();
    int64_t rank = inType.getRank(), axis = op.getAxis(), k = op.getK();
    int64_t n = inType.getDimSize(axis);
    bool largest = op.getLargest();
    Type elt = inType.getElementType();
    bool isFloat = isa<FloatType>(elt);
    Value input = op.getInput();
    Value vals = createEmpty(rewriter, loc, valType, {});
    Value idxs = createEmpty(rewriter, loc, idxType, {});
    if (k == 0 || valType.getNumElements() == 0) {
      rewriter.replaceOp(op, {vals, idxs});
      return success();
    }
    auto cmp = [&](OpBuilder &b, Location l, bool greater, Value x, Value y) -> Value {
      if (isFloat)
        return arith::CmpFOp::create(
            b, l, greater ? arith::CmpFPredicate::OGT : arith::CmpFPredicate::OLT, x, y);
      return arith::CmpIOp::create(
          b, l, greater ? arith::CmpIPredicate::sgt : arith::CmpIPredicate::slt, x, y);
    };
    auto eq = [&](OpBuilder &b, Location l, Value x, Value y) -> Value {
      if (isFloat)
        return arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, x, y);
      return arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, x, y);
    };
    SmallVector<int64_t> outer(inType.getShape());
    outer.erase(outer.begin() + axis);
    auto at = [&](ValueRange outerIvs, Value pos) {
      SmallVector<Value> coords(outerIvs.begin(), outerIvs.end());
      coords.insert(coords.begin() + axis, pos);
      return coords;
    };
    Value zero = scalar(rewriter, loc, elt, 0.0);
    Value falseV = scalar(rewriter, loc, rewriter.getI1Type(), 0.0);
    Value trueV = scalar(rewriter, loc, rewriter.getI1Type(), 1.0);
    Value c0 = cidx(rewriter, loc, 0), c1 = cidx(rewriter, loc, 1);
    SmallVector<Value> lbs, ubs, steps;
    for (int64_t s : outer) {
      lbs.push_back(c0);
      ubs.push_back(cidx(rewriter, loc, s));
      steps.push_back(c1);
    }
    scf::LoopNest nest = scf::buildLoopNest(
        rewriter, loc, lbs, ubs, steps, ValueRange{vals, idxs},
        [&](OpBuilder &b, Location l, ValueRange ivs, ValueRange args) -> scf::ValueVector {
          auto jLoop = scf::ForOp::create(
              b, l, c0, cidx(b, l, k), c1,
              ValueRange{args[0], args[1], zero, c0},
              [&](OpBuilder &jb, Location jl, Value j, ValueRange jargs) {
                Value prevVal = jargs[2], prevIdx = jargs[3];
                Value firstPass = arith::CmpIOp::create(
                    jb, jl, arith::CmpIPredicate::eq, j, c0);
                auto iLoop = scf::ForOp::create(
                    jb, jl, c0, cidx(jb, jl, n), c1,
                    ValueRange{zero, c0, falseV},
                    [&](OpBuilder &ib, Location il, Value i, ValueRange iargs) {
                      Value x = tensor::ExtractOp::create(ib, il, input, at(ivs, i));
                      // After the previous output: strictly worse, or equal
                      // with a larger index.
                      Value after = arith::OrIOp::create(
                          ib, il, cmp(ib, il, !largest, x, prevVal),
                          arith::AndIOp::create(
                              ib, il, eq(ib, il, x, prevVal),
                              arith::CmpIOp::create(ib, il, arith::CmpIPredicate::sgt,
                                                    i, prevIdx)));
                      after = arith::OrIOp::create(ib, il, after, firstPass);
                      Value notFound = arith::XOrIOp::create(ib, il, iargs[2], trueV);
                      Value better = arith::OrIOp::create(
                          ib, il, notFound, cmp(ib, il, largest, x, iargs[0]));
                      Value take = arith::AndIOp::create(ib, il, after, better);
                      scf::YieldOp::create(
                          ib, il,
                          ValueRange{arith::SelectOp::create(ib, il, take, x, iargs[0]),
                                     arith::SelectOp::create(ib, il, take, i, iargs[1]),
                                     arith::OrIOp::create(ib, il, take, iargs[2])});
                    });
                Value best = iLoop.getResult(0), bestIdx = iLoop.getResult(1);
                Value v = tensor::InsertOp::create(jb, jl, best, jargs[0], at(ivs, j));
                Value i64 = arith::IndexCastOp::create(jb, jl, jb.getI64Type(), bestIdx);
                Value ix = tensor::InsertOp::create(jb, jl, i64, jargs[1], at(ivs, j));
                scf::YieldOp::create(jb, jl, ValueRange{v, ix, best, bestIdx});
              });
          return {jLoop.getResult(0), jLoop.getResult(1)};
        });
    rewriter.replaceOp(op, nest.results);
    return success();
  }
};

struct LowerScatterElements : OpRewritePattern<ScatterElementsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ScatterElementsOp op, PatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    auto updType = cast<RankedTensorType>(op.getUpdates().getType());
    if (!type.hasStaticShape() || !updType.hasStaticShape())
      return op.emitError("scatter with dynamic dimensions is not supported yet");
    int64_t axis = op.getAxis(), dim = type.getDimSize(axis);
    Value indices = op.getIndices(), updates = op.getUpdates();
    ScatterReduction kind = op.getReduction();
    Value result = loopNest(
        rewriter, op.getLoc(), updType.getShape(), op.getData(),
        [&](OpBuilder &b, Location l, ValueRange ivs, Value acc) -> Value {
          SmallVector<Value> coords(ivs.begin(), ivs.end());
          coords[axis] = normalizeIndex(
              b, l, tensor::ExtractOp::create(b, l, indices, ivs), dim);
          Value u = tensor::ExtractOp::create(b, l, updates, ivs);
          Value v = kind == ScatterReduction::none
                        ? u
                        : combine(b, l, kind,
                                  tensor::ExtractOp::create(b, l, acc, coords), u);
          return tensor::InsertOp::create(b, l, v, acc, coords);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// One loop nest over the updates: indices.shape[:-1] + data.shape[m:].
struct LowerScatterND : OpRewritePattern<ScatterNDOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ScatterNDOp op, PatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    auto updType = cast<RankedTensorType>(op.getUpdates().getType());
    auto idxType = cast<RankedTensorType>(op.getIndices().getType());
    if (!type.hasStaticShape() || !updType.hasStaticShape() ||
        !idxType.hasStaticShape())
      return op.emitError("scatter with dynamic dimensions is not supported yet");
    int64_t outer = idxType.getRank() - 1, m = idxType.getShape().back();
    Value indices = op.getIndices(), updates = op.getUpdates();
    ScatterReduction kind = op.getReduction();
    Value result = loopNest(
        rewriter, op.getLoc(), updType.getShape(), op.getData(),
        [&](OpBuilder &b, Location l, ValueRange ivs, Value acc) -> Value {
          SmallVector<Value> coords;
          for (int64_t j = 0; j < m; ++j) {
            SmallVector<Value> pos(ivs.take_front(outer));
            pos.push_back(cidx(b, l, j));
            coords.push_back(normalizeIndex(
                b, l, tensor::ExtractOp::create(b, l, indices, pos),
                type.getDimSize(j)));
          }
          llvm::append_range(coords, ivs.drop_front(outer));
          Value u = tensor::ExtractOp::create(b, l, updates, ivs);
          Value v = kind == ScatterReduction::none
                        ? u
                        : combine(b, l, kind,
                                  tensor::ExtractOp::create(b, l, acc, coords), u);
          return tensor::InsertOp::create(b, l, v, acc, coords);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateSequentialPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerCumSum, LowerTopK, LowerScatterElements, LowerScatterND>(
      patterns.getContext());
}

} // namespace xfc::lowering

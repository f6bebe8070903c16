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

/// Dimension `d` of `t`: a constant when static, else tensor.dim.
Value dimSize(OpBuilder &b, Location loc, Value t, int64_t d) {
  auto type = cast<RankedTensorType>(t.getType());
  if (!type.isDynamicDim(d))
    return cidx(b, loc, type.getDimSize(d));
  return tensor::DimOp::create(b, loc, t, d);
}

/// A loop nest over the shape of `over` (sizes read at run time where
/// dynamic) carrying `acc`; `body` returns the new accumulator for one point.
Value loopNest(OpBuilder &b, Location loc, Value over, Value acc,
               function_ref<Value(OpBuilder &, Location, ValueRange, Value)> body) {
  SmallVector<Value> lbs, ubs, steps;
  for (int64_t d = 0, e = cast<RankedTensorType>(over.getType()).getRank(); d < e; ++d) {
    lbs.push_back(cidx(b, loc, 0));
    ubs.push_back(dimSize(b, loc, over, d));
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

/// An index of a dimension of `size` elements, static when `dynamicSize`
/// is null (normalizeIndex).
Value indexInto(OpBuilder &b, Location loc, Value raw, Value dynamicSize,
                int64_t size) {
  return dynamicSize ? normalizeIndex(b, loc, raw, dynamicSize)
                     : normalizeIndex(b, loc, raw, size);
}

/// Checks at run time that a dynamic data dimension of `size` that
/// indices address is not empty when there are `updates`: clamping cannot
/// keep an index inside an empty dimension.
void checkNonEmpty(OpBuilder &b, Location loc, Value size, Value updates) {
  Value count = cidx(b, loc, 1);
  for (int64_t d = 0, e = cast<RankedTensorType>(updates.getType()).getRank(); d < e; ++d)
    count = arith::MulIOp::create(b, loc, count, dimSize(b, loc, updates, d));
  Value zero = cidx(b, loc, 0);
  Value ok = arith::OrIOp::create(
      b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, size, zero),
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, count, zero));
  buildSizeCheck(b, loc, ok, "the data must not be empty where indices point");
}

/// A running sum along the axis, one slice per step:
/// out[p_t] = out[p_{t-1}] + in[exclusive ? p_{t-1} : p_t].
struct LowerCumSum : OpRewritePattern<CumSumOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(CumSumOp op, PatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    if (!type.hasStaticShape()) {
      rewriter.replaceOp(op, lowerDynamic(op, rewriter));
      return success();
    }
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

  /// With dynamic sizes (the axis may be empty at run time) the running sum
  /// row is carried from step to step, starting at zero:
  /// out[p_t] = exclusive ? acc : acc + in[p_t], acc += in[p_t].
  static Value lowerDynamic(CumSumOp op, PatternRewriter &rewriter) {
    RankedTensorType type = op.getType();
    Location loc = op.getLoc();
    Value input = op.getInput();
    int64_t rank = type.getRank(), axis = op.getAxis();
    bool reverse = op.getReverse(), exclusive = op.getExclusive();
    SmallVector<int64_t> sliceShape(type.getShape());
    sliceShape[axis] = 1;
    auto sliceType = RankedTensorType::get(sliceShape, type.getElementType());
    SmallVector<OpFoldResult> sizes;
    for (int64_t d = 0; d < rank; ++d)
      sizes.push_back(d == axis ? rewriter.getIndexAttr(1)
                                : tensor::getMixedSize(rewriter, loc, input, d));
    SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
    auto offsets = [&](OpBuilder &b, Value at) {
      SmallVector<OpFoldResult> o(rank, b.getIndexAttr(0));
      o[axis] = at;
      return o;
    };
    Value zeroRow =
        linalg::FillOp::create(
            rewriter, loc, scalar(rewriter, loc, type.getElementType(), 0.0),
            createEmptySized(rewriter, loc, sliceType,
                             [&](int64_t d) { return dimSize(rewriter, loc, input, d); }))
            .getResult(0);
    Value n = dimSize(rewriter, loc, input, axis);
    auto loop = scf::ForOp::create(
        rewriter, loc, cidx(rewriter, loc, 0), n, cidx(rewriter, loc, 1),
        ValueRange{createEmpty(rewriter, loc, type, input), zeroRow},
        [&](OpBuilder &b, Location l, Value t, ValueRange args) {
          Value p = t;
          if (reverse)
            p = arith::SubIOp::create(b, l, arith::SubIOp::create(b, l, n, cidx(b, l, 1)), t);
          Value x = tensor::ExtractSliceOp::create(b, l, sliceType, input, offsets(b, p),
                                                   sizes, strides);
          // Both slices have the sizes of `input` (no broadcasting to
          // check, and no check could be built in a loop still under
          // construction).
          auto id = AffineMap::getMultiDimIdentityMap(rank, b.getContext());
          Value sum =
              linalg::GenericOp::create(
                  b, l, sliceType, ValueRange{args[1], x},
                  ValueRange{tensor::EmptyOp::create(b, l, sizes, type.getElementType())},
                  SmallVector<AffineMap>(3, id),
                  SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
                  [](OpBuilder &nb, Location nl, ValueRange a) {
                    linalg::YieldOp::create(nb, nl, add(nb, nl, a[0], a[1]));
                  })
                  .getResult(0);
          Value out = tensor::InsertSliceOp::create(b, l, exclusive ? args[1] : sum,
                                                    args[0], offsets(b, p), sizes, strides);
          scf::YieldOp::create(b, l, ValueRange{out, sum});
        });
    return loop.getResult(0);
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
    Location loc = op.getLoc();
    int64_t rank = inType.getRank(), axis = op.getAxis();
    bool largest = op.getLargest();
    Type elt = inType.getElementType();
    bool isFloat = isa<FloatType>(elt);
    Value input = op.getInput();
    bool isStatic = inType.hasStaticShape() && !op.getKValue();
    // k and the axis size: constants, or read at run time (a run-time k
    // must lie in [0, n]).
    Value k = cidx(rewriter, loc, op.getK()), n = dimSize(rewriter, loc, input, axis);
    if (Value kv = op.getKValue())
      k = arith::IndexCastOp::create(rewriter, loc, rewriter.getIndexType(),
                                     tensor::ExtractOp::create(rewriter, loc, kv, ValueRange{}));
    if (op.getKValue() || inType.isDynamicDim(axis)) {
      Value ok = arith::AndIOp::create(
          rewriter, loc,
          arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::sge, k,
                                cidx(rewriter, loc, 0)),
          arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::sle, k, n));
      buildSizeCheck(rewriter, loc, ok, "k must be in [0, the size of the axis]");
    }
    auto sizeOf = [&](int64_t d) -> Value {
      return d == axis ? k : dimSize(rewriter, loc, input, d);
    };
    Value vals = createEmptySized(rewriter, loc, valType, sizeOf);
    Value idxs = createEmptySized(rewriter, loc, idxType, sizeOf);
    if (isStatic && (op.getK() == 0 || valType.getNumElements() == 0)) {
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
    for (int64_t d = 0; d < rank; ++d) {
      if (d == axis)
        continue;
      lbs.push_back(c0);
      ubs.push_back(dimSize(rewriter, loc, input, d));
      steps.push_back(c1);
    }
    scf::LoopNest nest = scf::buildLoopNest(
        rewriter, loc, lbs, ubs, steps, ValueRange{vals, idxs},
        [&](OpBuilder &b, Location l, ValueRange ivs, ValueRange args) -> scf::ValueVector {
          auto jLoop = scf::ForOp::create(
              b, l, c0, k, c1,
              ValueRange{args[0], args[1], zero, c0},
              [&](OpBuilder &jb, Location jl, Value j, ValueRange jargs) {
                Value prevVal = jargs[2], prevIdx = jargs[3];
                Value firstPass = arith::CmpIOp::create(
                    jb, jl, arith::CmpIPredicate::eq, j, c0);
                auto iLoop = scf::ForOp::create(
                    jb, jl, c0, n, c1,
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
    auto idxType = cast<RankedTensorType>(op.getIndices().getType());
    int64_t axis = op.getAxis();
    Value data = op.getData(), indices = op.getIndices(), updates = op.getUpdates();
    Location loc = op.getLoc();
    // The loops walk the updates: the indices must have their shape, and off
    // the axis the data must be at least as large (the verifier checks
    // static sizes).
    for (int64_t d = 0; d < type.getRank(); ++d) {
      if (idxType.isDynamicDim(d) || updType.isDynamicDim(d))
        checkDims(rewriter, loc, indices, d, arith::CmpIPredicate::eq, updates, d,
                  "dimension " + llvm::Twine(d) +
                      " of the indices and the updates must agree");
      if (d != axis && (type.isDynamicDim(d) || updType.isDynamicDim(d)))
        checkDims(rewriter, loc, updates, d, arith::CmpIPredicate::ule, data, d,
                  "dimension " + llvm::Twine(d) +
                      " of the updates must not exceed the data's");
    }
    Value dim; // null when static
    if (type.isDynamicDim(axis)) {
      dim = tensor::DimOp::create(rewriter, loc, data, axis);
      checkNonEmpty(rewriter, loc, dim, updates);
    }
    ScatterReduction kind = op.getReduction();
    Value result = loopNest(
        rewriter, loc, updates, data,
        [&](OpBuilder &b, Location l, ValueRange ivs, Value acc) -> Value {
          SmallVector<Value> coords(ivs.begin(), ivs.end());
          coords[axis] = indexInto(b, l, tensor::ExtractOp::create(b, l, indices, ivs),
                                   dim, type.getDimSize(axis));
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
    int64_t outer = idxType.getRank() - 1, m = idxType.getShape().back();
    Value data = op.getData(), indices = op.getIndices(), updates = op.getUpdates();
    Location loc = op.getLoc();
    // A dynamic tuple size is the one the ranks imply (see the verifier).
    if (ShapedType::isDynamic(m)) {
      m = outer + type.getRank() - updType.getRank();
      Value ok = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq,
                                       tensor::DimOp::create(rewriter, loc, indices, outer),
                                       cidx(rewriter, loc, m));
      buildSizeCheck(rewriter, loc, ok,
                     "the last dimension of the indices must be " + llvm::Twine(m) +
                         " (the ranks of the data, the indices and the updates imply it)");
    }
    // The loops walk the updates, indices.shape[:-1] + data.shape[m:]: the
    // indices must match them there (the verifier checks static sizes).
    for (int64_t d = 0; d < updType.getRank(); ++d) {
      Value other = d < outer ? indices : data;
      int64_t od = d < outer ? d : d - outer + m;
      if (updType.isDynamicDim(d) ||
          cast<RankedTensorType>(other.getType()).isDynamicDim(od))
        checkDims(rewriter, loc, updates, d, arith::CmpIPredicate::eq, other, od,
                  "dimension " + llvm::Twine(d) + " of the updates must be " +
                      (d < outer ? "the indices'" : "the data's") + " dimension " +
                      llvm::Twine(od));
    }
    SmallVector<Value> dims(m);
    for (int64_t j = 0; j < m; ++j)
      if (type.isDynamicDim(j)) {
        dims[j] = dimSize(rewriter, loc, data, j);
        checkNonEmpty(rewriter, loc, dims[j], updates);
      }
    ScatterReduction kind = op.getReduction();
    Value result = loopNest(
        rewriter, loc, updates, data,
        [&](OpBuilder &b, Location l, ValueRange ivs, Value acc) -> Value {
          SmallVector<Value> coords;
          for (int64_t j = 0; j < m; ++j) {
            SmallVector<Value> pos(ivs.take_front(outer));
            pos.push_back(cidx(b, l, j));
            coords.push_back(indexInto(b, l, tensor::ExtractOp::create(b, l, indices, pos),
                                       dims[j], type.getDimSize(j)));
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

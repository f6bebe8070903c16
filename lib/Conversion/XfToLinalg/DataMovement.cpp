//===- DataMovement.cpp - xf reshape/.../gathers/pad/trilu → linalg -------===//
//
// Pure views (reshape, strided slice) become tensor ops that bufferize to
// views; permutations and broadcasts become linalg ops; gathers and the
// index-dependent ops become linalg.generic with tensor.extract in the body.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "dialects/Xf/IR/XfDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;
using namespace xfc::xf;

namespace xfc::lowering {
namespace {

struct LowerReshape : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op, PatternRewriter &rewriter) const override {
    Value input = op.getInput();
    auto inType = cast<RankedTensorType>(input.getType());
    // A dynamic input to a static shape (a constant target): flatten it,
    // check its element count and view it as the static vector, since
    // expand_shape cannot give a dynamic dimension static parts.
    if (op.getType().hasStaticShape() && !inType.hasStaticShape()) {
      Location loc = op.getLoc();
      int64_t n = op.getType().getNumElements();
      auto flatType = RankedTensorType::get({ShapedType::kDynamic},
                                            inType.getElementType());
      SmallVector<ReassociationIndices> all(1);
      for (int64_t d = 0; d < inType.getRank(); ++d)
        all[0].push_back(d);
      Value flat = inType.getRank() == 1
                       ? input
                       : (Value)tensor::CollapseShapeOp::create(rewriter, loc, flatType,
                                                                input, all);
      Value ok = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::eq,
          tensor::DimOp::create(rewriter, loc, flat, 0),
          arith::ConstantIndexOp::create(rewriter, loc, n));
      buildSizeCheck(rewriter, loc, ok,
                     "the input must have " + llvm::Twine(n) +
                         " elements to reshape to the target shape");
      input = tensor::CastOp::create(
          rewriter, loc, RankedTensorType::get({n}, inType.getElementType()), flat);
    }
    Value result = reshape(rewriter, op.getLoc(), input, op.getType());
    if (!result)
      return op.emitError("reshape from ")
             << op.getInput().getType() << " to " << op.getType()
             << ": cannot tell the run-time sizes of several dynamic dimensions "
                "that one input dimension splits into";
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct LowerTranspose : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op, PatternRewriter &rewriter) const override {
    ArrayRef<int64_t> perm = op.getPerm();
    Value init = createEmptySized(rewriter, op.getLoc(), op.getType(), [&](int64_t d) -> Value {
      return tensor::DimOp::create(rewriter, op.getLoc(), op.getInput(), perm[d]);
    });
    auto t = linalg::TransposeOp::create(rewriter, op.getLoc(), op.getInput(),
                                         init, op.getPerm());
    rewriter.replaceOp(op, t.getResult());
    return success();
  }
};

struct LowerBroadcast : OpRewritePattern<BroadcastOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BroadcastOp op, PatternRewriter &rewriter) const override {
    if (!broadcastSizesKnown(op.getType(), op.getInput()))
      return op.emitError("broadcast to a dynamic size that the input does not "
                          "have is not supported yet");
    rewriter.replaceOp(op, buildElementwise(rewriter, op.getLoc(), op.getType(),
                                            op.getInput(),
                                            [](OpBuilder &, Location, ValueRange a) {
                                              return a[0];
                                            }));
    return success();
  }
};

/// A tensor.empty of `type` whose sizes are the elements of `shape` (the
/// i64 vector operand of xf.expand and xf.iota); negative sizes read as 0.
Value createEmptyFromShape(OpBuilder &b, Location loc, RankedTensorType type,
                           Value shape) {
  return createEmptySized(b, loc, type, [&](int64_t d) -> Value {
    Value at = arith::ConstantIndexOp::create(b, loc, d);
    Value v = tensor::ExtractOp::create(b, loc, shape, ValueRange{at});
    v = arith::MaxSIOp::create(b, loc, v, scalar(b, loc, v.getType(), 0.0));
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
  });
}

/// Each result element reads the input at its trailing-aligned indices,
/// index 0 where the input dimension is 1 (at compile or at run time).
struct LowerExpand : OpRewritePattern<ExpandOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ExpandOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    Value input = op.getInput();
    auto inType = cast<RankedTensorType>(input.getType());
    int64_t rank = type.getRank(), lead = rank - inType.getRank();
    Value init = createEmptyFromShape(rewriter, loc, type, op.getShape());
    auto generic = linalg::GenericOp::create(
        rewriter, loc, type, ValueRange{}, init,
        SmallVector<AffineMap>{AffineMap::getMultiDimIdentityMap(rank, getContext())},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange) {
          SmallVector<Value> coords;
          Value zero = arith::ConstantIndexOp::create(b, l, 0);
          Value one = arith::ConstantIndexOp::create(b, l, 1);
          for (int64_t j = 0; j < inType.getRank(); ++j) {
            if (inType.getDimSize(j) == 1) {
              coords.push_back(zero);
              continue;
            }
            Value size = inType.isDynamicDim(j)
                             ? (Value)tensor::DimOp::create(b, l, input, j)
                             : (Value)arith::ConstantIndexOp::create(b, l, inType.getDimSize(j));
            // Clamped: an unchecked size mismatch must not read outside.
            Value last = arith::MaxSIOp::create(
                b, l, arith::SubIOp::create(b, l, size, one), zero);
            Value i = arith::MinSIOp::create(
                b, l, linalg::IndexOp::create(b, l, lead + j), last);
            if (inType.isDynamicDim(j))
              i = arith::SelectOp::create(
                  b, l,
                  arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, size, one),
                  zero, i);
            coords.push_back(i);
          }
          linalg::YieldOp::create(
              b, l, tensor::ExtractOp::create(b, l, input, coords).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

struct LowerIota : OpRewritePattern<IotaOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(IotaOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank(), axis = op.getAxis();
    Value init = createEmptyFromShape(rewriter, loc, type, op.getShape());
    auto generic = linalg::GenericOp::create(
        rewriter, loc, type, ValueRange{}, init,
        SmallVector<AffineMap>{AffineMap::getMultiDimIdentityMap(rank, getContext())},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange) {
          Value i = arith::IndexCastOp::create(b, l, b.getI64Type(),
                                               linalg::IndexOp::create(b, l, axis));
          linalg::YieldOp::create(b, l, castScalar(b, l, i, type.getElementType()));
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

struct LowerConcat : OpRewritePattern<ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConcatOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    int64_t rank = op.getType().getRank(), axis = op.getAxis();
    ValueRange inputs = op.getInputs();
    // Sizes: along the axis, the inputs' sum; elsewhere, the first input's
    // (which the others must match).
    auto size = [&](Value v, int64_t d) -> OpFoldResult {
      auto t = cast<RankedTensorType>(v.getType());
      if (t.isDynamicDim(d))
        return tensor::DimOp::create(rewriter, loc, v, d).getResult();
      return rewriter.getIndexAttr(t.getDimSize(d));
    };
    auto add = [&](OpFoldResult a, OpFoldResult b) -> OpFoldResult {
      std::optional<int64_t> ca = getConstantIntValue(a), cb = getConstantIntValue(b);
      if (ca && cb)
        return rewriter.getIndexAttr(*ca + *cb);
      return arith::AddIOp::create(rewriter, loc,
                                   getValueOrCreateConstantIndexOp(rewriter, loc, a),
                                   getValueOrCreateConstantIndexOp(rewriter, loc, b))
          .getResult();
    };
    for (int64_t d = 0; d < rank; ++d) {
      if (d == axis)
        continue;
      for (Value input : inputs.drop_front()) {
        auto t = cast<RankedTensorType>(input.getType());
        auto t0 = cast<RankedTensorType>(inputs.front().getType());
        if (!t.isDynamicDim(d) && !t0.isDynamicDim(d))
          continue;
        Value ok = arith::CmpIOp::create(
            rewriter, loc, arith::CmpIPredicate::eq,
            getValueOrCreateConstantIndexOp(rewriter, loc, size(input, d)),
            getValueOrCreateConstantIndexOp(rewriter, loc, size(inputs.front(), d)));
        buildSizeCheck(rewriter, loc, ok,
                       "the inputs must agree on dimension " + llvm::Twine(d));
      }
    }
    OpFoldResult total = rewriter.getIndexAttr(0);
    for (Value input : inputs)
      total = add(total, size(input, axis));
    Value result = createEmptySized(rewriter, loc, op.getType(), [&](int64_t d) {
      return getValueOrCreateConstantIndexOp(
          rewriter, loc, d == axis ? total : size(inputs.front(), d));
    });
    OpFoldResult offset = rewriter.getIndexAttr(0);
    for (Value input : inputs) {
      auto t = cast<RankedTensorType>(input.getType());
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
      SmallVector<OpFoldResult> sizes, strides(rank, rewriter.getIndexAttr(1));
      for (int64_t d = 0; d < rank; ++d)
        sizes.push_back(size(input, d));
      offsets[axis] = offset;
      offset = add(offset, sizes[axis]);
      if (t.hasStaticShape() && t.getNumElements() == 0)
        continue;
      result = tensor::InsertSliceOp::create(rewriter, loc, input, result,
                                             offsets, sizes, strides);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Maps result index i of dimension d to input index start + i * step.
struct LowerSlice : OpRewritePattern<SliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SliceOp op, PatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    Location loc = op.getLoc();
    ArrayRef<int64_t> starts = op.getStarts(), steps = op.getSteps();
    // A dynamic dimension is one the slice keeps whole: its size is the
    // input's.
    for (int64_t d = 0; d < type.getRank(); ++d)
      if (type.isDynamicDim(d) && (starts[d] != 0 || steps[d] != 1))
        return op.emitError("slice of a dynamic dimension with constant "
                            "bounds is not supported");
    auto inputDim = [&](int64_t d) -> Value {
      return tensor::DimOp::create(rewriter, loc, op.getInput(), d);
    };
    if (llvm::all_of(steps, [](int64_t s) { return s > 0; })) {
      SmallVector<OpFoldResult> offsets, sizes, strides;
      for (int64_t d = 0; d < type.getRank(); ++d) {
        offsets.push_back(rewriter.getIndexAttr(starts[d]));
        sizes.push_back(type.isDynamicDim(d)
                            ? OpFoldResult(inputDim(d))
                            : OpFoldResult(rewriter.getIndexAttr(type.getDimSize(d))));
        strides.push_back(rewriter.getIndexAttr(steps[d]));
      }
      auto slice = tensor::ExtractSliceOp::create(rewriter, loc, type, op.getInput(),
                                                  offsets, sizes, strides);
      rewriter.replaceOp(op, slice.getResult());
      return success();
    }
    // Negative steps (a flip): each element is read with tensor.extract at
    // start + i * step. An input indexing map with negative coefficients
    // would verify, but tiling computes an operand's window as if indices
    // grew with the loop and so cuts the wrong piece of the input.
    int64_t rank = type.getRank();
    Value input = op.getInput();
    SmallVector<AffineMap> maps{
        AffineMap::getMultiDimIdentityMap(rank, rewriter.getContext())};
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, type, ValueRange{}, createEmptySized(rewriter, loc, type, inputDim),
        maps, iterators, [&](OpBuilder &b, Location l, ValueRange) {
          SmallVector<Value> indices;
          for (int64_t d = 0; d < rank; ++d) {
            Value i = linalg::IndexOp::create(b, l, d);
            Value scaled = arith::MulIOp::create(
                b, l, i, arith::ConstantIndexOp::create(b, l, steps[d]));
            indices.push_back(arith::AddIOp::create(
                b, l, scaled, arith::ConstantIndexOp::create(b, l, starts[d])));
          }
          linalg::YieldOp::create(
              b, l, tensor::ExtractOp::create(b, l, input, indices).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// result[pre..., idx..., post...] = data[pre..., indices[idx...], post...].
Value buildGather(OpBuilder &b, Location loc, Value data, Value indices,
                  int64_t axis, RankedTensorType resultType) {
  auto dt = cast<RankedTensorType>(data.getType());
  auto it = cast<RankedTensorType>(indices.getType());
  MLIRContext *ctx = b.getContext();
  int64_t rank = resultType.getRank(), idxRank = it.getRank();
  SmallVector<AffineExpr> idxExprs;
  for (int64_t d = 0; d < idxRank; ++d)
    idxExprs.push_back(getAffineDimExpr(axis + d, ctx));
  SmallVector<AffineMap> maps{AffineMap::get(rank, 0, idxExprs, ctx),
                              AffineMap::getMultiDimIdentityMap(rank, ctx)};
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  Value axisSize = dt.isDynamicDim(axis)
                      ? (Value)tensor::DimOp::create(b, loc, data, axis)
                      : (Value)arith::ConstantIndexOp::create(b, loc, dt.getDimSize(axis));
  Value init = createEmptySized(b, loc, resultType, [&](int64_t d) -> Value {
    if (d >= axis && d < axis + idxRank)
      return tensor::DimOp::create(b, loc, indices, d - axis);
    return tensor::DimOp::create(b, loc, data, d < axis ? d : d - idxRank + 1);
  });
  return linalg::GenericOp::create(
             b, loc, resultType, indices, init,
             maps, iterators,
             [&](OpBuilder &nb, Location l, ValueRange a) {
               SmallVector<Value> coords;
               for (int64_t d = 0; d < axis; ++d)
                 coords.push_back(linalg::IndexOp::create(nb, l, d));
               coords.push_back(normalizeIndex(nb, l, a[0], axisSize));
               for (int64_t d = axis + idxRank; d < rank; ++d)
                 coords.push_back(linalg::IndexOp::create(nb, l, d));
               linalg::YieldOp::create(
                   nb, l, tensor::ExtractOp::create(nb, l, data, coords).getResult());
             })
      .getResult(0);
}

struct LowerGather : OpRewritePattern<GatherOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GatherOp op, PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, buildGather(rewriter, op.getLoc(), op.getData(),
                                       op.getIndices(), op.getAxis(), op.getType()));
    return success();
  }
};

struct LowerEmbedding : OpRewritePattern<EmbeddingOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(EmbeddingOp op, PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, buildGather(rewriter, op.getLoc(), op.getTable(),
                                       op.getIndices(), 0, op.getType()));
    return success();
  }
};

/// result[i] = data[i with i[axis] := indices[i]] (GatherElements).
struct LowerGatherElements : OpRewritePattern<GatherElementsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GatherElementsOp op, PatternRewriter &rewriter) const override {
    auto dt = cast<RankedTensorType>(op.getData().getType());
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank(), axis = op.getAxis();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<AffineMap> maps(2, AffineMap::getMultiDimIdentityMap(rank, ctx));
    Value data = op.getData(), indices = op.getIndices();
    auto it = cast<RankedTensorType>(indices.getType());
    // Off the axis, the result walks the data along with the indices: the
    // indices must not be larger there (the verifier checks static sizes).
    for (int64_t d = 0; d < rank; ++d) {
      if (d == axis || (!dt.isDynamicDim(d) && !it.isDynamicDim(d)))
        continue;
      checkDims(rewriter, loc, indices, d, arith::CmpIPredicate::ule, data, d,
                "dimension " + llvm::Twine(d) +
                    " of the indices must not exceed the data's");
    }
    Value axisSize = dt.isDynamicDim(axis)
                         ? (Value)tensor::DimOp::create(rewriter, loc, data, axis)
                         : (Value)arith::ConstantIndexOp::create(rewriter, loc,
                                                                 dt.getDimSize(axis));
    auto generic = linalg::GenericOp::create(
        rewriter, loc, type, indices, createEmpty(rewriter, loc, type, indices), maps,
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange a) {
          SmallVector<Value> coords;
          for (int64_t d = 0; d < rank; ++d)
            coords.push_back(d == axis ? normalizeIndex(b, l, a[0], axisSize)
                                       : (Value)linalg::IndexOp::create(b, l, d));
          linalg::YieldOp::create(
              b, l, tensor::ExtractOp::create(b, l, data, coords).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// result[b..., i..., s...] = data[b..., indices[b..., i..., :], s...].
struct LowerGatherND : OpRewritePattern<GatherNDOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GatherNDOp op, PatternRewriter &rewriter) const override {
    auto dt = cast<RankedTensorType>(op.getData().getType());
    auto it = cast<RankedTensorType>(op.getIndices().getType());
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank(), batch = op.getBatchDims();
    int64_t outer = it.getRank() - 1, m = it.getShape().back();
    Value data = op.getData(), indices = op.getIndices();
    Location loc = op.getLoc();
    // A dynamic tuple size is the one the ranks imply (see the verifier).
    if (ShapedType::isDynamic(m)) {
      m = outer + dt.getRank() - batch - rank;
      Value ok = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq,
                                       tensor::DimOp::create(rewriter, loc, indices, outer),
                                       arith::ConstantIndexOp::create(rewriter, loc, m));
      buildSizeCheck(rewriter, loc, ok,
                     "the last dimension of the indices must be " + llvm::Twine(m) +
                         " (the ranks of the data, the indices and the output imply it)");
    }
    // The batch dimensions walk data and indices together; the tuples
    // address data dimensions that must not be empty (clamping cannot keep
    // an index inside one). The verifier checks static sizes.
    for (int64_t d = 0; d < batch; ++d)
      if (dt.isDynamicDim(d) || it.isDynamicDim(d))
        checkDims(rewriter, loc, indices, d, arith::CmpIPredicate::eq, data, d,
                  "batch dimension " + llvm::Twine(d) +
                      " of the indices and the data must agree");
    SmallVector<Value> dims(m);
    Value zero, tuples;
    for (int64_t j = 0; j < m; ++j)
      if (dt.isDynamicDim(batch + j)) {
        if (!zero) {
          zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
          tuples = arith::ConstantIndexOp::create(rewriter, loc, 1);
          for (int64_t d = 0; d < outer; ++d)
            tuples = arith::MulIOp::create(rewriter, loc, tuples,
                                           tensor::DimOp::create(rewriter, loc, indices, d));
        }
        dims[j] = tensor::DimOp::create(rewriter, loc, data, batch + j);
        Value ok = arith::OrIOp::create(
            rewriter, loc,
            arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ugt, dims[j], zero),
            arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, tuples, zero));
        buildSizeCheck(rewriter, loc, ok,
                       "dimension " + llvm::Twine(batch + j) +
                           " of the data, which the indices address, must not be empty");
      }
    Value init = createEmptySized(rewriter, loc, type, [&](int64_t d) -> Value {
      return d < outer ? tensor::DimOp::create(rewriter, loc, indices, d)
                       : tensor::DimOp::create(rewriter, loc, data, d - outer + batch + m);
    });
    auto generic = linalg::GenericOp::create(
        rewriter, loc, type, ValueRange{}, init,
        SmallVector<AffineMap>{AffineMap::getMultiDimIdentityMap(rank, getContext())},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange) {
          SmallVector<Value> outerIvs, coords;
          for (int64_t d = 0; d < outer; ++d)
            outerIvs.push_back(linalg::IndexOp::create(b, l, d));
          coords.append(outerIvs.begin(), outerIvs.begin() + batch);
          for (int64_t j = 0; j < m; ++j) {
            SmallVector<Value> at(outerIvs);
            at.push_back(arith::ConstantIndexOp::create(b, l, j));
            Value raw = tensor::ExtractOp::create(b, l, indices, at);
            coords.push_back(dims[j] ? normalizeIndex(b, l, raw, dims[j])
                                     : normalizeIndex(b, l, raw, dt.getDimSize(batch + j)));
          }
          for (int64_t d = outer; d < rank; ++d)
            coords.push_back(linalg::IndexOp::create(b, l, d));
          linalg::YieldOp::create(
              b, l, tensor::ExtractOp::create(b, l, data, coords).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// xf.pad with dynamic sizes or run-time pads. Constant mode crops the
/// negative pads with tensor.extract_slice and pads the rest with
/// tensor.pad, which never reads outside its source. Edge and reflect read
/// input[clamp/reflect(i - low)] in a linalg.generic; an empty input (only
/// valid with zero pads, which the importer checks) gives a zero result
/// instead of a read from nothing. Every offset and size is clamped so that
/// wrong run-time pads cannot address outside the input.
Value lowerDynamicPad(PadOp op, OpBuilder &b) {
  Location loc = op.getLoc();
  Value input = op.getInput();
  RankedTensorType type = op.getType();
  auto inType = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  Type elt = type.getElementType();
  auto index = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  Value zero = index(0);
  SmallVector<Value> dims, lows, highs;
  for (int64_t d = 0; d < rank; ++d) {
    dims.push_back(inType.isDynamicDim(d)
                       ? (Value)tensor::DimOp::create(b, loc, input, d)
                       : index(inType.getDimSize(d)));
    for (int64_t side = 0; side < 2; ++side) {
      Value pad;
      if (Value runtime = op.getRuntimePads()) {
        Value raw = tensor::ExtractOp::create(
            b, loc, runtime, ValueRange{index(side * rank + d)});
        // Bounded so that sums of sizes cannot overflow.
        pad = arith::IndexCastOp::create(b, loc, b.getIndexType(), raw);
        pad = arith::MaxSIOp::create(b, loc, pad, index(-(int64_t(1) << 40)));
        pad = arith::MinSIOp::create(b, loc, pad, index(int64_t(1) << 40));
      } else {
        pad = index(op.getPads()[side * rank + d]);
      }
      (side ? highs : lows).push_back(pad);
    }
  }
  if (op.getMode() == PadMode::constant) {
    Value value = op.getRuntimeValue()
                      ? (Value)tensor::ExtractOp::create(b, loc, op.getRuntimeValue(),
                                                         ValueRange{})
                      : scalar(b, loc, elt, op.getValue().convertToDouble());
    SmallVector<OpFoldResult> offsets, sizes, strides(rank, b.getIndexAttr(1)),
        low, high;
    for (int64_t d = 0; d < rank; ++d) {
      Value cropLo = b.createOrFold<arith::MinSIOp>(
          loc, b.createOrFold<arith::MaxSIOp>(
                   loc, b.createOrFold<arith::SubIOp>(loc, zero, lows[d]), zero),
          dims[d]);
      Value cropHi = b.createOrFold<arith::MaxSIOp>(
          loc, b.createOrFold<arith::SubIOp>(loc, zero, highs[d]), zero);
      Value size = b.createOrFold<arith::MaxSIOp>(
          loc,
          b.createOrFold<arith::SubIOp>(
              loc, b.createOrFold<arith::SubIOp>(loc, dims[d], cropLo), cropHi),
          zero);
      offsets.push_back(getAsOpFoldResult(cropLo));
      sizes.push_back(getAsOpFoldResult(size));
      low.push_back(getAsOpFoldResult(
          b.createOrFold<arith::MaxSIOp>(loc, lows[d], zero)));
      high.push_back(getAsOpFoldResult(
          b.createOrFold<arith::MaxSIOp>(loc, highs[d], zero)));
    }
    Value cropped =
        tensor::ExtractSliceOp::create(b, loc, input, offsets, sizes, strides);
    Value padded = tensor::PadOp::create(b, loc, Type(), cropped, low, high,
                                         value);
    return b.createOrFold<tensor::CastOp>(loc, type, padded);
  }
  Value empty = createEmptySized(b, loc, type, [&](int64_t d) -> Value {
    Value size = arith::AddIOp::create(
        b, loc, arith::AddIOp::create(b, loc, dims[d], lows[d]), highs[d]);
    return arith::MaxSIOp::create(b, loc, size, zero);
  });
  auto buildGeneric = [&](OpBuilder &ob, Location l) -> Value {
    return linalg::GenericOp::create(
               ob, l, type, ValueRange{}, empty,
               SmallVector<AffineMap>{
                   AffineMap::getMultiDimIdentityMap(rank, ob.getContext())},
               SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
               [&](OpBuilder &bb, Location bl, ValueRange) {
                 SmallVector<Value> coords;
                 Value z = arith::ConstantIndexOp::create(bb, bl, 0);
                 for (int64_t d = 0; d < rank; ++d) {
                   Value i = arith::SubIOp::create(
                       bb, bl, linalg::IndexOp::create(bb, bl, d), lows[d]);
                   Value last = arith::SubIOp::create(
                       bb, bl, dims[d], arith::ConstantIndexOp::create(bb, bl, 1));
                   if (op.getMode() == PadMode::reflect) {
                     // Reflect once about each edge: -i, or 2*last - i.
                     Value lo = arith::CmpIOp::create(
                         bb, bl, arith::CmpIPredicate::slt, i, z);
                     Value hi = arith::CmpIOp::create(
                         bb, bl, arith::CmpIPredicate::sgt, i, last);
                     Value neg = arith::SubIOp::create(bb, bl, z, i);
                     Value over = arith::SubIOp::create(
                         bb, bl, arith::AddIOp::create(bb, bl, last, last), i);
                     i = arith::SelectOp::create(bb, bl, lo, neg, i);
                     i = arith::SelectOp::create(bb, bl, hi, over, i);
                   }
                   i = arith::MinSIOp::create(bb, bl, i, last);
                   i = arith::MaxSIOp::create(bb, bl, i, z);
                   coords.push_back(i);
                 }
                 linalg::YieldOp::create(
                     bb, bl,
                     tensor::ExtractOp::create(bb, bl, input, coords).getResult());
               })
        .getResult(0);
  };
  if (inType.hasStaticShape() && inType.getNumElements() > 0)
    return buildGeneric(b, loc);
  Value isEmpty = arith::ConstantIntOp::create(b, loc, 0, 1);
  for (Value dim : dims)
    isEmpty = b.createOrFold<arith::OrIOp>(
        loc, isEmpty,
        b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, dim, zero));
  auto ifOp = scf::IfOp::create(
      b, loc, isEmpty,
      [&](OpBuilder &ob, Location l) {
        Value filled = linalg::FillOp::create(ob, l, scalar(ob, l, elt, 0.0), empty)
                           .getResult(0);
        scf::YieldOp::create(ob, l, filled);
      },
      [&](OpBuilder &ob, Location l) {
        scf::YieldOp::create(ob, l, buildGeneric(ob, l));
      });
  return ifOp.getResult(0);
}

struct LowerPad : OpRewritePattern<PadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PadOp op, PatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    if (!type.hasStaticShape() || !inType.hasStaticShape() ||
        op.getRuntimePads() || op.getRuntimeValue()) {
      rewriter.replaceOp(op, lowerDynamicPad(op, rewriter));
      return success();
    }
    Location loc = op.getLoc();
    int64_t rank = type.getRank();
    ArrayRef<int64_t> pads = op.getPads();
    Type elt = type.getElementType();
    // Every output element reads input[clamp/reflect(i - low)], or the
    // constant outside the input for constant mode. Crops (negative pads)
    // fall out of the same index arithmetic.
    auto generic = linalg::GenericOp::create(
        rewriter, loc, type, ValueRange{}, createEmpty(rewriter, loc, type, {}),
        SmallVector<AffineMap>{AffineMap::getMultiDimIdentityMap(rank, getContext())},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange) {
          SmallVector<Value> coords;
          Value inside = scalar(b, l, b.getI1Type(), 1.0);
          for (int64_t d = 0; d < rank; ++d) {
            int64_t size = inType.getDimSize(d);
            Value i = arith::SubIOp::create(
                b, l, linalg::IndexOp::create(b, l, d),
                arith::ConstantIndexOp::create(b, l, pads[d]));
            Value zero = arith::ConstantIndexOp::create(b, l, 0);
            Value last = arith::ConstantIndexOp::create(b, l, size - 1);
            Value lo = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, i, zero);
            Value hi = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sgt, i, last);
            if (op.getMode() == PadMode::reflect && size > 1) {
              // Reflect once about each edge: -i, or 2*last - i.
              Value neg = arith::SubIOp::create(b, l, zero, i);
              Value over = arith::SubIOp::create(
                  b, l, arith::ConstantIndexOp::create(b, l, 2 * (size - 1)), i);
              i = arith::SelectOp::create(b, l, lo, neg, i);
              i = arith::SelectOp::create(b, l, hi, over, i);
            } else if (op.getMode() == PadMode::constant) {
              Value out = arith::OrIOp::create(b, l, lo, hi);
              inside = arith::AndIOp::create(
                  b, l, inside, arith::XOrIOp::create(b, l, out, scalar(b, l, b.getI1Type(), 1.0)));
            }
            i = arith::MaxSIOp::create(b, l, i, zero);
            i = arith::MinSIOp::create(b, l, i, last);
            coords.push_back(i);
          }
          Value v = tensor::ExtractOp::create(b, l, op.getInput(), coords);
          if (op.getMode() == PadMode::constant)
            v = arith::SelectOp::create(
                b, l, inside, v, scalar(b, l, elt, op.getValue().convertToDouble()));
          linalg::YieldOp::create(b, l, v);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

struct LowerTrilu : OpRewritePattern<TriluOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TriluOp op, PatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank();
    bool upper = op.getUpper();
    Value k = tensor::ExtractOp::create(rewriter, op.getLoc(), op.getK(),
                                        ValueRange{});
    Value result = buildElementwise(
        rewriter, op.getLoc(), type, op.getInput(),
        [&](OpBuilder &b, Location l, ValueRange a) {
          Value i = arith::IndexCastOp::create(b, l, b.getI64Type(),
                                               linalg::IndexOp::create(b, l, rank - 2));
          Value j = arith::IndexCastOp::create(b, l, b.getI64Type(),
                                               linalg::IndexOp::create(b, l, rank - 1));
          Value diff = arith::SubIOp::create(b, l, j, i);
          Value keep = arith::CmpIOp::create(
              b, l, upper ? arith::CmpIPredicate::sge : arith::CmpIPredicate::sle,
              diff, k);
          return (Value)arith::SelectOp::create(
              b, l, keep, a[0], scalar(b, l, a[0].getType(), 0.0));
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateDataMovementPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerReshape, LowerTranspose, LowerBroadcast, LowerExpand,
               LowerIota, LowerConcat,
               LowerSlice, LowerGather, LowerGatherElements, LowerGatherND,
               LowerEmbedding, LowerPad, LowerTrilu>(
      patterns.getContext());
}

} // namespace xfc::lowering

//===- LoweringUtils.cpp - helpers shared by the xf→linalg patterns -------===//

#include "LoweringUtils.h"

#include "dialects/Xf/IR/XfDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "llvm/ADT/STLExtras.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace xfc::lowering {

Value createEmptySized(OpBuilder &b, Location loc, RankedTensorType type,
                       function_ref<Value(int64_t)> dynamicSize) {
  SmallVector<Value> dynamicSizes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      dynamicSizes.push_back(dynamicSize(d));
  return tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType(),
                                 dynamicSizes);
}

/// The first of `sources` whose dimension aligned (from the right) with
/// result dimension `d` of a rank-`rank` result is not statically 1, and that
/// dimension; {null, -1} when none.
static std::pair<Value, int64_t> broadcastSource(ValueRange sources, int64_t rank,
                                                 int64_t d) {
  for (Value source : sources) {
    auto st = cast<RankedTensorType>(source.getType());
    int64_t sd = d - (rank - st.getRank());
    if (sd >= 0 && st.getDimSize(sd) != 1)
      return {source, sd};
  }
  return {nullptr, -1};
}

Value createEmpty(OpBuilder &b, Location loc, RankedTensorType type,
                  ValueRange sources) {
  return createEmptySized(b, loc, type, [&](int64_t d) -> Value {
    auto [source, sd] = broadcastSource(sources, type.getRank(), d);
    // Every caller passes the operands the result shape derives from; a
    // dynamic size no operand carries is a bug in the caller.
    if (!source)
      llvm::report_fatal_error("xfc: dynamic result size with no source");
    return tensor::DimOp::create(b, loc, source, sd);
  });
}

bool broadcastSizesKnown(RankedTensorType type, ValueRange sources) {
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d) && !broadcastSource(sources, type.getRank(), d).first)
      return false;
  return true;
}

void checkDims(OpBuilder &b, Location loc, Value a, int64_t ad,
               arith::CmpIPredicate pred, Value other, int64_t od,
               const llvm::Twine &what) {
  Value ok = arith::CmpIOp::create(b, loc, pred, tensor::DimOp::create(b, loc, a, ad),
                                   tensor::DimOp::create(b, loc, other, od));
  buildSizeCheck(b, loc, ok, what);
}

void checkBroadcastSizes(OpBuilder &b, Location loc, RankedTensorType type,
                         ValueRange sources) {
  int64_t rank = type.getRank();
  for (int64_t d = 0; d < rank; ++d) {
    // The size every operand that does not broadcast must have: static, or
    // that of the first such operand (which createEmpty took).
    auto [first, firstDim] = broadcastSource(sources, rank, d);
    if (!first)
      continue;
    Value want;
    for (Value source : sources) {
      auto st = cast<RankedTensorType>(source.getType());
      int64_t sd = d - (rank - st.getRank());
      if (sd < 0 || st.getDimSize(sd) == 1)
        continue;
      if (!type.isDynamicDim(d) && !st.isDynamicDim(sd))
        continue; // checked by the verifier
      if (source == first && type.isDynamicDim(d))
        continue;
      if (!want)
        want = type.isDynamicDim(d)
                   ? (Value)tensor::DimOp::create(b, loc, first, firstDim)
                   : (Value)arith::ConstantIndexOp::create(b, loc, type.getDimSize(d));
      Value have = tensor::DimOp::create(b, loc, source, sd);
      Value ok = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, have, want);
      buildSizeCheck(b, loc, ok,
                     "dimension " + llvm::Twine(d) +
                         " of the operands must agree (a dynamic dimension "
                         "broadcasts only where it is 1 at compile time)");
    }
  }
}

namespace {
/// A dimension of a tensor value.
using DimRef = std::pair<Value, int64_t>;

/// Finds, for dynamic dimensions, the earliest dimension they provably
/// equal (the same graph input dimension through elementwise ops, matrix
/// rows, tensor.empty sizes read with tensor.dim, ...). Dimensions with the
/// same origin need no run-time broadcasting. Cached per query and bounded
/// in depth: an unknown origin only costs the general path.
class DimOrigins {
public:
  DimRef get(Value v, int64_t d, unsigned depth = 0) {
    auto [it, inserted] = cache.try_emplace({v, d}, DimRef{v, d});
    if (!inserted || depth > 512)
      return it->second;
    DimRef origin = trace(v, d, depth + 1);
    cache[{v, d}] = origin;
    return origin;
  }

private:
  DimRef trace(Value v, int64_t d, unsigned depth) {
    auto type = dyn_cast<RankedTensorType>(v.getType());
    if (!type || d >= type.getRank() || !type.isDynamicDim(d))
      return {v, d};
    if (auto arg = dyn_cast<BlockArgument>(v))
      return namedArgument(arg, d);
    Operation *op = v.getDefiningOp();
    // The result dimension of `source` aligned with d, when dynamic.
    auto aligned = [&](Value source) -> std::optional<DimRef> {
      auto st = dyn_cast<RankedTensorType>(source.getType());
      int64_t sd = st ? d - (type.getRank() - st.getRank()) : -1;
      if (sd < 0 || !st.isDynamicDim(sd))
        return std::nullopt;
      return get(source, sd, depth);
    };
    // Elementwise xf ops: one origin shared by all operands that do not
    // broadcast there (a binary op whose operands differ is its own origin).
    if (isa<xf::UnaryOp, xf::BinaryOp, xf::SelectOp, xf::CastOp, xf::ClampOp,
            xf::GeluOp, xf::SoftmaxOp, xf::LayerNormOp, xf::RmsNormOp>(op)) {
      std::optional<DimRef> common;
      for (Value operand : op->getOperands()) {
        auto st = dyn_cast<RankedTensorType>(operand.getType());
        int64_t sd = st ? d - (type.getRank() - st.getRank()) : -1;
        if (sd < 0 || st.getDimSize(sd) == 1)
          continue;
        std::optional<DimRef> o = aligned(operand);
        if (!o || (common && *common != *o))
          return {v, d};
        common = o;
        if (!isa<xf::BinaryOp, xf::SelectOp>(op))
          break; // the other operands are parameters
      }
      return common ? *common : DimRef{v, d};
    }
    if (auto linear = dyn_cast<xf::LinearOp>(op))
      if (d + 1 < type.getRank())
        if (auto o = aligned(linear.getInput()))
          return *o;
    if (auto matmul = dyn_cast<xf::MatMulOp>(op)) {
      auto lt = cast<RankedTensorType>(matmul.getLhs().getType());
      auto rt = cast<RankedTensorType>(matmul.getRhs().getType());
      int64_t rank = type.getRank();
      if (d == rank - 1 && rt.getRank() >= 2)
        return get(matmul.getRhs(), rt.getRank() - 1, depth);
      // Rows and batch dimensions from the left operand (the lowering
      // checks that dynamic batch sizes agree).
      if (lt.getRank() >= 2 && rt.getRank() >= 2 && d < rank - 1 &&
          lt.getRank() == rank)
        if (auto o = aligned(matmul.getLhs()))
          return *o;
      return {v, d};
    }
    if (auto reshapeOp = dyn_cast<xf::ReshapeOp>(op))
      if (auto o = throughReshape(reshapeOp.getInput(), type, d, depth))
        return *o;
    if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(op))
      if (auto o = throughReshape(collapse.getSrc(), type, d, depth))
        return *o;
    if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op)) {
      if (auto size = dyn_cast<Value>(expand.getMixedOutputShape()[d]))
        if (auto dim = size.getDefiningOp<tensor::DimOp>())
          if (std::optional<int64_t> index = dim.getConstantIndex())
            return get(dim.getSource(), *index, depth);
      if (auto o = throughReshape(expand.getSrc(), type, d, depth))
        return *o;
    }
    // Lookups: the result's leading dimensions are the indices'.
    if (auto embedding = dyn_cast<xf::EmbeddingOp>(op))
      if (d + 1 < type.getRank())
        return get(embedding.getIndices(), d, depth);
    if (auto gather = dyn_cast<xf::GatherOp>(op); gather && gather.getAxis() >= 0) {
      int64_t axis = gather.getAxis();
      int64_t indicesRank =
          cast<RankedTensorType>(gather.getIndices().getType()).getRank();
      if (d < axis)
        return get(gather.getData(), d, depth);
      if (d < axis + indicesRank)
        return get(gather.getIndices(), d - axis, depth);
      return get(gather.getData(), d - indicesRank + 1, depth);
    }
    if (auto transpose = dyn_cast<xf::TransposeOp>(op))
      return get(transpose.getInput(), transpose.getPerm()[d], depth);
    if (auto castOp = dyn_cast<tensor::CastOp>(op))
      if (auto o = aligned(castOp.getSource()))
        return *o;
    if (auto dps = dyn_cast<DestinationStyleOpInterface>(op)) {
      auto result = cast<OpResult>(v);
      if (dps.hasPureTensorSemantics())
        return get(dps.getDpsInitOperand(result.getResultNumber())->get(), d,
                   depth);
    }
    if (auto empty = dyn_cast<tensor::EmptyOp>(op))
      if (auto dim = empty.getDynamicSize(d).getDefiningOp<tensor::DimOp>())
        if (std::optional<int64_t> index = dim.getConstantIndex())
          return get(dim.getSource(), *index, depth);
    return {v, d};
  }

  /// Dimension d of a reshape of `input` to `type` (as `reshape` lowers it:
  /// collapse or expand along getReassociationIndicesForCollapse) when its
  /// group holds one dynamic dimension and otherwise sizes of 1: the size
  /// passes through unchanged.
  std::optional<DimRef> throughReshape(Value input, RankedTensorType type,
                                       int64_t d, unsigned depth) {
    auto inType = cast<RankedTensorType>(input.getType());
    if (inType.getShape() == type.getShape())
      return get(input, d, depth);
    bool collapse = type.getRank() < inType.getRank();
    RankedTensorType wide = collapse ? inType : type;
    RankedTensorType narrow = collapse ? type : inType;
    auto groups = getReassociationIndicesForCollapse(wide.getShape(),
                                                     narrow.getShape());
    if (!groups)
      return std::nullopt;
    for (auto [g, group] : llvm::enumerate(*groups)) {
      if (collapse ? (int64_t)g != d : !llvm::is_contained(group, d))
        continue;
      std::optional<int64_t> only;
      for (int64_t w : group) {
        if (wide.isDynamicDim(w)) {
          if (only)
            return std::nullopt;
          only = w;
        } else if (wide.getDimSize(w) != 1) {
          return std::nullopt;
        }
      }
      if (!only)
        return std::nullopt;
      return collapse ? get(input, *only, depth) : get(input, g, depth);
    }
    return std::nullopt;
  }

  /// Function inputs whose dimensions the model names alike are checked
  /// equal by the runtime before the call: the first such input is the
  /// origin.
  static DimRef namedArgument(BlockArgument arg, int64_t d) {
    auto func = dyn_cast<FunctionOpInterface>(arg.getOwner()->getParentOp());
    if (!func || arg.getOwner() != &func.getFunctionBody().front())
      return {arg, d};
    auto nameOf = [&](unsigned i, int64_t k) -> StringRef {
      auto names = func.getArgAttrOfType<ArrayAttr>(i, "xf.dim_names");
      if (!names || k >= static_cast<int64_t>(names.size()))
        return {};
      auto name = dyn_cast<StringAttr>(names[k]);
      return name ? name.getValue() : StringRef();
    };
    StringRef name = nameOf(arg.getArgNumber(), d);
    if (name.empty())
      return {arg, d};
    for (unsigned i = 0; i <= arg.getArgNumber(); ++i) {
      auto t = dyn_cast<RankedTensorType>(func.getArgument(i).getType());
      for (int64_t k = 0; t && k < t.getRank(); ++k)
        if (t.isDynamicDim(k) && nameOf(i, k) == name)
          return {func.getArgument(i), k};
    }
    return {arg, d};
  }

  llvm::DenseMap<DimRef, DimRef> cache;
};
} // namespace

/// The size of dimension `d` as an index value.
static Value dimSize(OpBuilder &b, Location loc, Value v, int64_t d) {
  auto t = cast<RankedTensorType>(v.getType());
  if (!t.isDynamicDim(d))
    return arith::ConstantIndexOp::create(b, loc, t.getDimSize(d));
  return tensor::DimOp::create(b, loc, v, d);
}

Value broadcastAtRunTime(OpBuilder &b, Location loc, RankedTensorType type,
                         SmallVectorImpl<Value> &operands) {
  int64_t rank = type.getRank();
  auto alignedDim = [&](Value v, int64_t d) {
    return d - (rank - cast<RankedTensorType>(v.getType()).getRank());
  };
  // The dimensions where an operand's dynamic size may be 1 while another's
  // is not: two or more operands not statically 1 there, one dynamic, and
  // not all of the same origin.
  DimOrigins origins;
  SmallVector<bool> runTime(rank, false);
  bool any = false;
  for (int64_t d = 0; d < rank; ++d) {
    SmallVector<DimRef> candidates;
    bool anyStatic = false, anyDynamic = false;
    for (Value v : operands) {
      int64_t sd = alignedDim(v, d);
      auto st = cast<RankedTensorType>(v.getType());
      if (sd < 0 || st.getDimSize(sd) == 1)
        continue;
      candidates.push_back({v, sd});
      (st.isDynamicDim(sd) ? anyDynamic : anyStatic) = true;
    }
    if (candidates.size() < 2 || !anyDynamic)
      continue;
    if (!anyStatic) {
      DimRef first = origins.get(candidates[0].first, candidates[0].second);
      if (llvm::all_of(candidates, [&](DimRef c) {
            return origins.get(c.first, c.second) == first;
          }))
        continue;
    }
    runTime[d] = any = true;
  }
  if (!any)
    return nullptr;

  // ONNX's rule: each result size is the operands' size that is not 1 (or
  // 1), and every operand's size must be that or 1.
  SmallVector<Value> sizes(rank);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  auto eq = [&](Value x, Value y) -> Value {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, y);
  };
  for (int64_t d = 0; d < rank; ++d) {
    if (!runTime[d])
      continue;
    Value size;
    if (!type.isDynamicDim(d))
      size = arith::ConstantIndexOp::create(b, loc, type.getDimSize(d));
    for (Value v : operands) {
      int64_t sd = alignedDim(v, d);
      if (sd < 0 || cast<RankedTensorType>(v.getType()).getDimSize(sd) == 1 ||
          !type.isDynamicDim(d))
        continue;
      Value s = dimSize(b, loc, v, sd);
      size = size ? (Value)arith::SelectOp::create(b, loc, eq(s, one), size, s) : s;
    }
    sizes[d] = size;
    for (Value v : operands) {
      int64_t sd = alignedDim(v, d);
      auto st = cast<RankedTensorType>(v.getType());
      // A static size other than 1 is checked too where the result's is
      // dynamic: it may not be the one `size` picked.
      if (sd < 0 || (!st.isDynamicDim(sd) &&
                     (st.getDimSize(sd) == 1 || !type.isDynamicDim(d))))
        continue;
      Value s = dimSize(b, loc, v, sd);
      Value ok = arith::OrIOp::create(b, loc, eq(s, one), eq(s, size));
      buildSizeCheck(b, loc, ok,
                     "dimension " + llvm::Twine(d) +
                         " of the operands must agree or be 1 (to broadcast)");
    }
  }

  // An operand that may be 1 where the result is not is read through a
  // copy broadcast to the result's sizes there, made only when a size
  // actually differs; otherwise the operand itself is read.
  for (Value &v : operands) {
    auto st = cast<RankedTensorType>(v.getType());
    SmallVector<int64_t> shape(st.getShape());
    Value same;
    for (int64_t sd = 0; sd < st.getRank(); ++sd) {
      int64_t d = sd + rank - st.getRank();
      if (!runTime[d] || !st.isDynamicDim(sd))
        continue;
      shape[sd] = type.getDimSize(d);
      Value ok = eq(tensor::DimOp::create(b, loc, v, sd), sizes[d]);
      same = same ? (Value)arith::AndIOp::create(b, loc, same, ok) : ok;
    }
    if (!same)
      continue;
    auto wideType = RankedTensorType::get(shape, st.getElementType());
    Value source = v;
    auto ifOp = scf::IfOp::create(
        b, loc, same,
        [&](OpBuilder &tb, Location l) {
          Value r = source;
          if (r.getType() != wideType)
            r = tensor::CastOp::create(tb, l, wideType, r);
          scf::YieldOp::create(tb, l, r);
        },
        [&](OpBuilder &eb, Location l) {
          Value init = createEmptySized(eb, l, wideType, [&](int64_t sd) -> Value {
            int64_t d = sd + rank - st.getRank();
            return runTime[d] ? sizes[d] : (Value)tensor::DimOp::create(eb, l, source, sd);
          });
          // Index i of a dimension whose size is 1 or the result's reads
          // min(i, size - 1).
          int64_t r = st.getRank();
          SmallVector<Value> last(r);
          for (int64_t sd = 0; sd < r; ++sd)
            if (runTime[sd + rank - r] && st.isDynamicDim(sd))
              last[sd] = arith::SubIOp::create(
                  eb, l, tensor::DimOp::create(eb, l, source, sd),
                  arith::ConstantIndexOp::create(eb, l, 1));
          auto copy = linalg::GenericOp::create(
              eb, l, TypeRange{wideType}, ValueRange{}, ValueRange{init},
              ArrayRef<AffineMap>{AffineMap::getMultiDimIdentityMap(r, eb.getContext())},
              SmallVector<utils::IteratorType>(r, utils::IteratorType::parallel),
              [&](OpBuilder &nb, Location nl, ValueRange) {
                SmallVector<Value> idx;
                for (int64_t sd = 0; sd < r; ++sd) {
                  Value i = linalg::IndexOp::create(nb, nl, sd);
                  idx.push_back(last[sd] ? (Value)arith::MinUIOp::create(nb, nl, i, last[sd])
                                         : i);
                }
                linalg::YieldOp::create(
                    nb, nl, tensor::ExtractOp::create(nb, nl, source, idx).getResult());
              });
          scf::YieldOp::create(eb, l, copy.getResult(0));
        });
    v = ifOp.getResult(0);
  }
  return createEmptySized(b, loc, type, [&](int64_t d) -> Value {
    if (runTime[d])
      return sizes[d];
    auto [source, sd] = broadcastSource(operands, rank, d);
    if (!source)
      llvm::report_fatal_error("xfc: dynamic result size with no source");
    return tensor::DimOp::create(b, loc, source, sd);
  });
}

AffineMap broadcastMap(MLIRContext *ctx, ArrayRef<int64_t> operandShape,
                       ArrayRef<int64_t> resultShape) {
  int64_t rank = resultShape.size(), lead = rank - operandShape.size();
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0, e = operandShape.size(); i < e; ++i) {
    bool broadcast = operandShape[i] == 1 && resultShape[lead + i] != 1;
    exprs.push_back(broadcast ? getAffineConstantExpr(0, ctx)
                              : getAffineDimExpr(lead + i, ctx));
  }
  return AffineMap::get(rank, 0, exprs, ctx);
}

Value buildElementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                       ValueRange inputs, BodyBuilder body) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = resultType.getRank();
  SmallVector<Value> operands(inputs);
  Value init = broadcastAtRunTime(b, loc, resultType, operands);
  if (!init) {
    checkBroadcastSizes(b, loc, resultType, operands);
    init = createEmpty(b, loc, resultType, operands);
  }
  inputs = operands;
  SmallVector<AffineMap> maps;
  for (Value input : inputs)
    maps.push_back(broadcastMap(
        ctx, cast<RankedTensorType>(input.getType()).getShape(),
        resultType.getShape()));
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, resultType, inputs, init, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value result = body(nb, nloc, args.drop_back());
        linalg::YieldOp::create(nb, nloc, result);
      });
  return generic.getResult(0);
}

AffineMap reducedOperandMap(MLIRContext *ctx, int64_t rank,
                            ArrayRef<int64_t> axes) {
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < rank; ++d)
    if (!llvm::is_contained(axes, d))
      exprs.push_back(getAffineDimExpr(d, ctx));
  return AffineMap::get(rank, 0, exprs, ctx);
}

Value buildReduction(OpBuilder &b, Location loc, Value input,
                     ArrayRef<int64_t> axes, TypedAttr init,
                     BodyBuilder combine) {
  MLIRContext *ctx = b.getContext();
  auto inType = cast<RankedTensorType>(input.getType());
  int64_t rank = inType.getRank();
  if (rank > 0 && static_cast<int64_t>(axes.size()) == rank) {
    // A full reduction keeps a unit parallel dimension: a 0-d accumulator
    // vectorizes to vector.extract/broadcast pairs, which MLIR's
    // hoistRedundantVectorBroadcasts (run by the CPU target) miscompiles
    // across nested reduction loops, feeding the initial value to every
    // iteration. The 1-element result collapses back to 0-d, a pure view.
    SmallVector<int64_t> unitShape{1};
    llvm::append_range(unitShape, inType.getShape());
    SmallVector<ReassociationIndices> reassociation{{0, 1}};
    SmallVector<int64_t> unitAxes;
    for (int64_t d = 0; d < rank; ++d) {
      if (d > 0)
        reassociation.push_back({d + 1});
      unitAxes.push_back(d + 1);
    }
    Value unit = tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get(unitShape, inType.getElementType()),
        input, reassociation);
    Value reduced = buildReduction(b, loc, unit, unitAxes, init, combine);
    return tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({}, init.getType()), reduced,
        ArrayRef<ReassociationIndices>{});
  }
  SmallVector<int64_t> shape;
  SmallVector<Value> dynamicSizes;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t d = 0; d < rank; ++d) {
    bool reduced = llvm::is_contained(axes, d);
    iterators.push_back(reduced ? utils::IteratorType::reduction
                                : utils::IteratorType::parallel);
    if (reduced)
      continue;
    shape.push_back(inType.getDimSize(d));
    if (inType.isDynamicDim(d))
      dynamicSizes.push_back(tensor::DimOp::create(b, loc, input, d));
  }
  Type elt = init.getType();
  Value empty = tensor::EmptyOp::create(b, loc, shape, elt, dynamicSizes);
  Value initValue = arith::ConstantOp::create(b, loc, init);
  Value filled =
      linalg::FillOp::create(b, loc, initValue, empty).getResult(0);
  SmallVector<AffineMap> maps{AffineMap::getMultiDimIdentityMap(rank, ctx),
                              reducedOperandMap(ctx, rank, axes)};
  auto generic = linalg::GenericOp::create(
      b, loc, filled.getType(), input, filled, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(nb, nloc, combine(nb, nloc, args));
      });
  return generic.getResult(0);
}

TypedAttr scalarAttr(Type type, double value) {
  if (auto ft = dyn_cast<FloatType>(type))
    return FloatAttr::get(ft, value);
  if (type.isInteger(1))
    return IntegerAttr::get(type, value != 0.0);
  return IntegerAttr::get(type, static_cast<int64_t>(value));
}

Value scalar(OpBuilder &b, Location loc, Type type, double value) {
  return arith::ConstantOp::create(b, loc, scalarAttr(type, value));
}

SmallVector<Value> cubicWeights(OpBuilder &b, Location loc, Value r, double a) {
  auto c = [&](double v) { return scalar(b, loc, b.getF64Type(), v); };
  auto mul = [&](Value x, Value y) { return (Value)arith::MulFOp::create(b, loc, x, y); };
  auto add = [&](Value x, Value y) { return (Value)arith::AddFOp::create(b, loc, x, y); };
  auto sub = [&](Value x, Value y) { return (Value)arith::SubFOp::create(b, loc, x, y); };
  // Outer taps, distance s in [1, 2]: ((A s - 5A) s + 8A) s - 4A.
  auto outer = [&](Value s) {
    return sub(mul(add(mul(sub(mul(c(a), s), c(5 * a)), s), c(8 * a)), s), c(4 * a));
  };
  // Inner taps, distance s in [0, 1]: ((A + 2) s - (A + 3)) s s + 1.
  auto inner = [&](Value s) {
    return add(mul(mul(sub(mul(c(a + 2), s), c(a + 3)), s), s), c(1.0));
  };
  Value oneMinus = sub(c(1.0), r);
  return {outer(add(r, c(1.0))), inner(r), inner(oneMinus),
          outer(add(oneMinus, c(1.0)))};
}

TypedAttr lowestAttr(Type type) {
  if (auto ft = dyn_cast<FloatType>(type))
    return FloatAttr::get(ft, -std::numeric_limits<double>::infinity());
  unsigned width = type.getIntOrFloatBitWidth();
  return IntegerAttr::get(type, APInt::getSignedMinValue(width));
}

TypedAttr highestAttr(Type type) {
  if (auto ft = dyn_cast<FloatType>(type))
    return FloatAttr::get(ft, std::numeric_limits<double>::infinity());
  unsigned width = type.getIntOrFloatBitWidth();
  return IntegerAttr::get(type, APInt::getSignedMaxValue(width));
}

/// expand_shape of `input` to `type` along `reassociation`, with the sizes
/// of dynamic result dimensions from `dynamicSizes` (in order) or, when
/// empty, inferred: a group with one dynamic dimension gets the input
/// dimension divided by the group's static sizes. Null when a group has
/// several dynamic dimensions and no sizes were given.
static Value expandShape(OpBuilder &b, Location loc, Value input,
                         RankedTensorType type,
                         ArrayRef<ReassociationIndices> reassociation,
                         ValueRange dynamicSizes) {
  SmallVector<OpFoldResult> sizes;
  // From a 0-d tensor: every result dimension is a static 1.
  if (reassociation.empty())
    for (int64_t d : type.getShape())
      sizes.push_back(b.getIndexAttr(d));
  auto next = dynamicSizes.begin();
  for (auto [g, group] : llvm::enumerate(reassociation)) {
    int64_t staticProduct = 1, dynamicCount = 0;
    for (int64_t d : group) {
      if (type.isDynamicDim(d))
        ++dynamicCount;
      else
        staticProduct *= type.getDimSize(d);
    }
    if (dynamicCount > 1 && dynamicSizes.empty())
      return nullptr;
    for (int64_t d : group) {
      if (!type.isDynamicDim(d)) {
        sizes.push_back(b.getIndexAttr(type.getDimSize(d)));
      } else if (!dynamicSizes.empty()) {
        sizes.push_back(*next++);
      } else {
        Value whole = tensor::DimOp::create(b, loc, input, g);
        sizes.push_back(staticProduct == 1
                            ? whole
                            : (Value)arith::DivUIOp::create(
                                  b, loc, whole,
                                  arith::ConstantIndexOp::create(b, loc, staticProduct)));
      }
    }
  }
  return tensor::ExpandShapeOp::create(b, loc, type, input, reassociation, sizes);
}

Value reshape(OpBuilder &b, Location loc, Value input, RankedTensorType type,
              ValueRange dynamicSizes) {
  auto inType = cast<RankedTensorType>(input.getType());
  if (inType == type)
    return input;
  if (type.getRank() < inType.getRank()) {
    if (auto reassoc = getReassociationIndicesForCollapse(inType.getShape(),
                                                          type.getShape()))
      return tensor::CollapseShapeOp::create(b, loc, type, input, *reassoc);
  } else if (type.getRank() > inType.getRank()) {
    if (auto reassoc = getReassociationIndicesForCollapse(type.getShape(),
                                                          inType.getShape()))
      return expandShape(b, loc, input, type, *reassoc, dynamicSizes);
  }
  // General case: through a 1-D tensor. Both steps are pure views after
  // bufferization.
  int64_t n = inType.hasStaticShape() ? inType.getNumElements()
                                      : ShapedType::kDynamic;
  auto flatType = RankedTensorType::get({n}, inType.getElementType());
  Value flat = input;
  if (inType.getRank() != 1) {
    SmallVector<ReassociationIndices> all(1);
    for (int64_t d = 0; d < inType.getRank(); ++d)
      all[0].push_back(d);
    flat = tensor::CollapseShapeOp::create(b, loc, flatType, input, all);
  }
  if (type.getRank() == 1)
    return flat;
  SmallVector<ReassociationIndices> all(1);
  for (int64_t d = 0; d < type.getRank(); ++d)
    all[0].push_back(d);
  if (type.getRank() == 0)
    all.clear();
  return expandShape(b, loc, flat, type, all, dynamicSizes);
}

Value buildMax(OpBuilder &b, Location loc, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::MaximumFOp::create(b, loc, x, y);
  return arith::MaxSIOp::create(b, loc, x, y);
}

Value buildMin(OpBuilder &b, Location loc, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::MinimumFOp::create(b, loc, x, y);
  return arith::MinSIOp::create(b, loc, x, y);
}

Value castScalar(OpBuilder &b, Location loc, Value value, Type to) {
  Type from = value.getType();
  if (from == to)
    return value;
  auto fromF = dyn_cast<FloatType>(from), toF = dyn_cast<FloatType>(to);
  if (to.isInteger(1)) {
    // Non-zero is true.
    if (fromF)
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, value,
                                   scalar(b, loc, from, 0.0));
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, value,
                                 scalar(b, loc, from, 0.0));
  }
  if (fromF && toF) {
    if (fromF.getWidth() < toF.getWidth())
      return arith::ExtFOp::create(b, loc, to, value);
    return arith::TruncFOp::create(b, loc, to, value);
  }
  if (fromF)
    return arith::FPToSIOp::create(b, loc, to, value);
  if (from.isInteger(1)) {
    // Booleans are 0 or 1, never -1.
    if (toF)
      return arith::UIToFPOp::create(b, loc, to, value);
    return arith::ExtUIOp::create(b, loc, to, value);
  }
  if (toF)
    return arith::SIToFPOp::create(b, loc, to, value);
  unsigned fw = from.getIntOrFloatBitWidth(), tw = to.getIntOrFloatBitWidth();
  if (fw < tw)
    return arith::ExtSIOp::create(b, loc, to, value);
  return arith::TruncIOp::create(b, loc, to, value);
}

/// normalizeIndex with the last valid index `last` (= size - 1) given.
static Value normalizeIndex(OpBuilder &b, Location loc, Value raw, Value size,
                            function_ref<Value()> last) {
  Value idx = arith::IndexCastOp::create(b, loc, b.getIndexType(), raw);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value isNeg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, idx, zero);
  idx = arith::SelectOp::create(b, loc, isNeg,
                                arith::AddIOp::create(b, loc, idx, size), idx);
  idx = arith::MaxSIOp::create(b, loc, idx, zero);
  return arith::MinSIOp::create(b, loc, idx, last());
}

Value normalizeIndex(OpBuilder &b, Location loc, Value raw, Value size) {
  return normalizeIndex(b, loc, raw, size, [&]() -> Value {
    return arith::SubIOp::create(b, loc, size,
                                 arith::ConstantIndexOp::create(b, loc, 1));
  });
}

Value normalizeIndex(OpBuilder &b, Location loc, Value raw, int64_t size) {
  return normalizeIndex(b, loc, raw, arith::ConstantIndexOp::create(b, loc, size),
                        [&]() -> Value {
                          return arith::ConstantIndexOp::create(b, loc, size - 1);
                        });
}

} // namespace xfc::lowering

//===- Resize.cpp - xf.resize → linalg ------------------------------------===//
//
// Resizing is separable: the source coordinate of output index o[d] depends
// on d's scale, sizes and roi only. So each resized dimension first gets
// small tables over its output length, computed by a 1-D linalg.generic:
// for every tap (1 nearest, 2 linear, 4 cubic) the clamped input index and
// its weight, and for tf_crop_and_resize whether the coordinate is inside.
// The resize itself is one parallel linalg.generic over the output that
// reads the tables through projections of its indices and gathers the
// input (tensor.extract) at every combination of taps. Coordinates are
// computed in f64 from the scale values, read at run time when the scales
// are not constants, exactly as the ONNX reference maps them (the resized
// length is scale * input length, not the integer output size). Dynamic
// input sizes are read with tensor.dim, dynamic output sizes come from the
// op's output_sizes operands.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "dialects/Xf/IR/XfDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace xfc::xf;

namespace xfc::lowering {
namespace {

/// The tables of one resized dimension, each a tensor over its output size.
struct AxisTables {
  int64_t dim;
  SmallVector<Value> index;  ///< per tap: clamped input index (index type)
  SmallVector<Value> weight; ///< per tap: weight (element type); empty for nearest
  Value inside;              ///< i1, tf_crop_and_resize only
};

/// Element `i` of a 1-D float tensor as an f64 scalar.
Value extractF64(OpBuilder &b, Location loc, Value t, int64_t i) {
  Value v = tensor::ExtractOp::create(b, loc, t,
                                      ValueRange{arith::ConstantIndexOp::create(b, loc, i)});
  Type f64 = b.getF64Type();
  if (v.getType() == f64)
    return v;
  if (v.getType().getIntOrFloatBitWidth() < 64)
    return arith::ExtFOp::create(b, loc, f64, v);
  return arith::TruncFOp::create(b, loc, f64, v);
}

/// A dimension's size: static, or the run-time index `value`.
struct Size {
  int64_t fixed;
  Value value;
  bool isDynamic() const { return ShapedType::isDynamic(fixed); }
};

/// Size `s` plus `offset` as an f64 (a constant when static).
Value sizeF64(OpBuilder &b, Location l, Size s, double offset) {
  if (!s.isDynamic())
    return scalar(b, l, b.getF64Type(), static_cast<double>(s.fixed) + offset);
  Value f = arith::SIToFPOp::create(b, l, b.getF64Type(),
                                    arith::IndexCastOp::create(b, l, b.getI64Type(), s.value));
  return offset == 0 ? f
                     : (Value)arith::AddFOp::create(b, l, f, scalar(b, l, b.getF64Type(), offset));
}

/// Size `s` minus one as an index.
Value lastIndex(OpBuilder &b, Location l, Size s) {
  if (!s.isDynamic())
    return arith::ConstantIndexOp::create(b, l, s.fixed - 1);
  return arith::SubIOp::create(b, l, s.value, arith::ConstantIndexOp::create(b, l, 1));
}

/// Builds the tables of dimension `d` (input size `in`, output size `out`).
AxisTables buildAxisTables(OpBuilder &b, Location loc, ResizeOp op, int64_t d,
                           Size in, Size out, Value scale, Value scaledLen,
                           Value roiStart, Value roiEnd) {
  Type elt = op.getType().getElementType();
  ResizeMode mode = op.getMode();
  CoordinateMode ctm = op.getCoordinateMode();
  bool crop = ctm == CoordinateMode::tf_crop_and_resize;
  int64_t taps = mode == ResizeMode::nearest ? 1 : mode == ResizeMode::linear ? 2 : 4;
  SmallVector<Type> types;
  SmallVector<Value> inits;
  auto addTable = [&](Type t) {
    types.push_back(RankedTensorType::get({out.fixed}, t));
    inits.push_back(tensor::EmptyOp::create(
        b, loc, ArrayRef<int64_t>{out.fixed}, t,
        out.isDynamic() ? ValueRange{out.value} : ValueRange{}));
  };
  for (int64_t t = 0; t < taps; ++t)
    addTable(b.getIndexType());
  if (mode != ResizeMode::nearest)
    for (int64_t t = 0; t < taps; ++t)
      addTable(elt);
  if (crop)
    addTable(b.getI1Type());
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps(inits.size(), AffineMap::getMultiDimIdentityMap(1, ctx));
  double a = op.getCubicCoeffA().convertToDouble();
  bool exclude = op.getExcludeOutside();
  NearestMode nearestMode = op.getNearestMode();

  auto generic = linalg::GenericOp::create(
      b, loc, types, ValueRange{}, inits, maps,
      SmallVector<utils::IteratorType>{utils::IteratorType::parallel},
      [&](OpBuilder &nb, Location l, ValueRange) {
        auto c = [&](double v) { return scalar(nb, l, nb.getF64Type(), v); };
        auto add = [&](Value x, Value y) { return (Value)arith::AddFOp::create(nb, l, x, y); };
        auto sub = [&](Value x, Value y) { return (Value)arith::SubFOp::create(nb, l, x, y); };
        auto mul = [&](Value x, Value y) { return (Value)arith::MulFOp::create(nb, l, x, y); };
        auto div = [&](Value x, Value y) { return (Value)arith::DivFOp::create(nb, l, x, y); };
        auto cmp = [&](arith::CmpFPredicate p, Value x, Value y) {
          return (Value)arith::CmpFOp::create(nb, l, p, x, y);
        };
        auto select = [&](Value cond, Value x, Value y) {
          return (Value)arith::SelectOp::create(nb, l, cond, x, y);
        };
        Value o = arith::SIToFPOp::create(
            nb, l, nb.getF64Type(),
            arith::IndexCastOp::create(nb, l, nb.getI64Type(),
                                       linalg::IndexOp::create(nb, l, 0)));
        Value len = scaledLen;
        Value lenIsOne = cmp(arith::CmpFPredicate::OEQ, len, c(1.0));
        Value halfPixel = sub(div(add(o, c(0.5)), scale), c(0.5));
        Value inLast = sizeF64(nb, l, in, -1.0);
        Value x, inside;
        switch (ctm) {
        case CoordinateMode::half_pixel:
          x = halfPixel;
          break;
        case CoordinateMode::pytorch_half_pixel:
          x = select(lenIsOne, c(-0.5), halfPixel);
          break;
        case CoordinateMode::align_corners:
          x = select(lenIsOne, c(0.0), div(mul(o, inLast), sub(len, c(1.0))));
          break;
        case CoordinateMode::asymmetric:
          x = div(o, scale);
          break;
        case CoordinateMode::tf_half_pixel_for_nn:
          x = div(add(o, c(0.5)), scale);
          break;
        case CoordinateMode::tf_crop_and_resize: {
          Value extent = sub(roiEnd, roiStart);
          Value single = div(mul(extent, inLast), c(2.0));
          Value many = div(mul(mul(o, extent), inLast), sub(len, c(1.0)));
          x = add(select(lenIsOne, single, many), mul(roiStart, inLast));
          inside = arith::AndIOp::create(nb, l, cmp(arith::CmpFPredicate::OGE, x, c(0.0)),
                                         cmp(arith::CmpFPredicate::OLE, x, inLast));
          break;
        }
        }
        // Far outside (or NaN from a zero scale) is as good as just outside:
        // clamping keeps the float -> int conversion defined.
        x = arith::MaxNumFOp::create(nb, l, x, c(-4.0));
        x = arith::MinNumFOp::create(nb, l, x, sizeF64(nb, l, in, 4.0));
        Value x0 = math::FloorOp::create(nb, l, x);
        Value r = sub(x, x0);
        Value base = arith::IndexCastOp::create(
            nb, l, nb.getIndexType(), arith::FPToSIOp::create(nb, l, nb.getI64Type(), x0));
        Value zero = arith::ConstantIndexOp::create(nb, l, 0);
        Value last = lastIndex(nb, l, in);
        auto clampIndex = [&](Value i) {
          return (Value)arith::MinSIOp::create(nb, l, arith::MaxSIOp::create(nb, l, i, zero),
                                               last);
        };
        auto offset = [&](int64_t k) {
          return (Value)arith::AddIOp::create(nb, l, base,
                                              arith::ConstantIndexOp::create(nb, l, k));
        };
        SmallVector<Value> results;
        if (mode == ResizeMode::nearest) {
          Value up;
          switch (nearestMode) {
          case NearestMode::round_prefer_floor:
            up = cmp(arith::CmpFPredicate::OGT, r, c(0.5));
            break;
          case NearestMode::round_prefer_ceil:
            up = cmp(arith::CmpFPredicate::OGE, r, c(0.5));
            break;
          case NearestMode::floor:
            up = scalar(nb, l, nb.getI1Type(), 0.0);
            break;
          case NearestMode::ceil:
            up = cmp(arith::CmpFPredicate::OGT, r, c(0.0));
            break;
          }
          results.push_back(clampIndex(select(up, offset(1), base)));
        } else {
          int64_t first = mode == ResizeMode::linear ? 0 : -1;
          SmallVector<Value> idx, w;
          for (int64_t t = 0; t < taps; ++t)
            idx.push_back(offset(first + t));
          if (mode == ResizeMode::linear)
            w = {sub(c(1.0), r), r};
          else
            w = cubicWeights(nb, l, r, a);
          if (exclude) {
            // Taps outside the input get no weight; the rest are rescaled.
            Value sum = c(0.0);
            for (int64_t t = 0; t < taps; ++t) {
              Value valid = arith::AndIOp::create(
                  nb, l,
                  arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sge, idx[t], zero),
                  arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sle, idx[t], last));
              w[t] = select(valid, w[t], c(0.0));
              sum = add(sum, w[t]);
            }
            for (Value &wt : w)
              wt = div(wt, sum);
          }
          for (Value i : idx)
            results.push_back(clampIndex(i));
          for (Value wt : w)
            results.push_back(castScalar(nb, l, wt, elt));
        }
        if (crop)
          results.push_back(inside);
        linalg::YieldOp::create(nb, l, results);
      });
  AxisTables tables{d, {}, {}, {}};
  ValueRange res = generic.getResults();
  tables.index.assign(res.begin(), res.begin() + taps);
  if (mode != ResizeMode::nearest)
    tables.weight.assign(res.begin() + taps, res.begin() + 2 * taps);
  if (crop)
    tables.inside = res.back();
  return tables;
}

/// Whether `v` is `tensor.dim` of the resize's input at dimension `d`.
bool isInputDimOf(ResizeOp op, Value v, int64_t d) {
  auto dim = v ? v.getDefiningOp<tensor::DimOp>() : tensor::DimOp();
  std::optional<int64_t> index = dim ? dim.getConstantIndex() : std::nullopt;
  return dim && dim.getSource() == op.getInput() && index == d;
}

struct LowerResize : OpRewritePattern<ResizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ResizeOp op, PatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    Location loc = op.getLoc();
    // Dynamic sizes: the input's from tensor.dim, the result's from the
    // output_sizes operands.
    SmallVector<Value> outSizes(type.getRank());
    for (auto [k, d] : llvm::enumerate(llvm::make_filter_range(
             llvm::seq<int64_t>(0, type.getRank()),
             [&](int64_t d) { return type.isDynamicDim(d); })))
      outSizes[d] = op.getOutputSizes()[k];
    auto inSize = [&](int64_t d) -> Size {
      if (!inType.isDynamicDim(d))
        return {inType.getDimSize(d), Value()};
      return {ShapedType::kDynamic, tensor::DimOp::create(rewriter, loc, op.getInput(), d)};
    };
    auto outSize = [&](int64_t d) -> Size { return {type.getDimSize(d), outSizes[d]}; };
    MLIRContext *ctx = getContext();
    int64_t rank = type.getRank();
    Type elt = type.getElementType();
    CoordinateMode ctm = op.getCoordinateMode();
    bool crop = ctm == CoordinateMode::tf_crop_and_resize;

    // A dimension is copied as is when every mapping gives x = o: sizes of
    // one (everything clamps to 0), or a constant scale of 1 with a mapping
    // that is the identity there.
    DenseFPElementsAttr constScales, constRoi;
    matchPattern(op.getScales(), m_Constant(&constScales));
    if (crop)
      matchPattern(op.getRoi(), m_Constant(&constRoi));
    auto isIdentity = [&](int64_t d) {
      int64_t in = inType.getDimSize(d), out = type.getDimSize(d);
      if (in == 1 && out == 1)
        return true;
      // A dynamic size is the same as the input's only when it is read
      // from the input (the importer does that for a constant scale of 1).
      bool sameSize = ShapedType::isDynamic(in)
                          ? ShapedType::isDynamic(out) && isInputDimOf(op, outSizes[d], d)
                          : in == out;
      if (!sameSize || !constScales ||
          constScales.getValues<APFloat>()[d].convertToDouble() != 1.0 ||
          ctm == CoordinateMode::tf_half_pixel_for_nn)
        return false;
      if (!crop)
        return true;
      return constRoi && constRoi.getValues<APFloat>()[d].convertToDouble() == 0.0 &&
             constRoi.getValues<APFloat>()[rank + d].convertToDouble() == 1.0;
    };

    // A roi of unknown length must have 2 * rank elements before it is
    // read.
    if (crop && cast<RankedTensorType>(op.getRoi().getType()).isDynamicDim(0)) {
      Value ok = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::eq, tensor::DimOp::create(rewriter, loc, op.getRoi(), 0),
          arith::ConstantIndexOp::create(rewriter, loc, 2 * rank));
      buildSizeCheck(rewriter, loc, ok, "the roi must have " + Twine(2 * rank) + " elements");
    }

    SmallVector<AxisTables> axes;
    for (int64_t d = 0; d < rank; ++d) {
      if (isIdentity(d))
        continue;
      Size in = inSize(d), out = outSize(d);
      // Nothing can be read from an empty dimension.
      if (in.isDynamic()) {
        Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
        Value outIndex = out.isDynamic()
                             ? out.value
                             : (Value)arith::ConstantIndexOp::create(rewriter, loc, out.fixed);
        Value ok = arith::OrIOp::create(
            rewriter, loc,
            arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::sgt, in.value, zero),
            arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, outIndex, zero));
        buildSizeCheck(rewriter, loc, ok,
                       "dimension " + Twine(d) + " of the input is empty but the output's is not");
      }
      // scale * in is formed in the scale's own precision, like the
      // reference (a float32 scale gives a float32 length).
      Value raw = tensor::ExtractOp::create(
          rewriter, loc, op.getScales(),
          ValueRange{arith::ConstantIndexOp::create(rewriter, loc, d)});
      Value inLen = in.isDynamic()
                        ? castScalar(rewriter, loc,
                                     arith::IndexCastOp::create(rewriter, loc,
                                                                rewriter.getI64Type(), in.value),
                                     raw.getType())
                        : scalar(rewriter, loc, raw.getType(), static_cast<double>(in.fixed));
      Value len = arith::MulFOp::create(rewriter, loc, raw, inLen);
      if (raw.getType() != rewriter.getF64Type()) {
        len = arith::ExtFOp::create(rewriter, loc, rewriter.getF64Type(), len);
      }
      Value scale = extractF64(rewriter, loc, op.getScales(), d);
      Value roiStart, roiEnd;
      if (crop) {
        roiStart = extractF64(rewriter, loc, op.getRoi(), d);
        roiEnd = extractF64(rewriter, loc, op.getRoi(), rank + d);
      }
      axes.push_back(buildAxisTables(rewriter, loc, op, d, in, out, scale, len,
                                     roiStart, roiEnd));
    }

    // The resize: tables in, output out; one gather per tap combination.
    SmallVector<Value> ins;
    SmallVector<AffineMap> maps;
    for (const AxisTables &t : axes) {
      AffineMap m = AffineMap::get(rank, 0, getAffineDimExpr(t.dim, ctx));
      for (Value v : t.index)
        ins.push_back(v), maps.push_back(m);
      for (Value v : t.weight)
        ins.push_back(v), maps.push_back(m);
      if (t.inside)
        ins.push_back(t.inside), maps.push_back(m);
    }
    maps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx));
    Value input = op.getInput();
    bool weighted = op.getMode() != ResizeMode::nearest;
    double extrapolation = op.getExtrapolationValue().convertToDouble();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, type, ins,
        createEmptySized(rewriter, loc, type, [&](int64_t d) { return outSizes[d]; }), maps,
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange args) {
          // Unpack the table arguments in the order they were added.
          SmallVector<SmallVector<Value>> idx, w;
          SmallVector<Value> insides;
          unsigned pos = 0;
          for (const AxisTables &t : axes) {
            idx.emplace_back(args.begin() + pos, args.begin() + pos + t.index.size());
            pos += t.index.size();
            w.emplace_back(args.begin() + pos, args.begin() + pos + t.weight.size());
            pos += t.weight.size();
            if (t.inside)
              insides.push_back(args[pos++]);
          }
          int64_t taps = axes.empty() ? 1 : idx.front().size();
          int64_t combos = 1;
          for (size_t k = 0; k < axes.size(); ++k)
            combos *= taps;
          Value acc;
          for (int64_t combo = 0; combo < combos; ++combo) {
            SmallVector<Value> coords;
            for (int64_t d = 0; d < rank; ++d)
              coords.push_back(linalg::IndexOp::create(b, l, d));
            Value weight;
            int64_t rest = combo;
            for (size_t k = 0; k < axes.size(); ++k) {
              int64_t t = rest % taps;
              rest /= taps;
              coords[axes[k].dim] = idx[k][t];
              if (weighted)
                weight = weight ? (Value)arith::MulFOp::create(b, l, weight, w[k][t])
                                : w[k][t];
            }
            Value v = tensor::ExtractOp::create(b, l, input, coords);
            if (weight)
              v = arith::MulFOp::create(b, l, v, weight);
            acc = acc ? (Value)arith::AddFOp::create(b, l, acc, v) : v;
          }
          if (!insides.empty()) {
            Value all = insides.front();
            for (Value i : llvm::drop_begin(insides))
              all = arith::AndIOp::create(b, l, all, i);
            acc = arith::SelectOp::create(b, l, all, acc, scalar(b, l, elt, extrapolation));
          }
          linalg::YieldOp::create(b, l, acc);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void populateResizePatterns(RewritePatternSet &patterns) {
  patterns.add<LowerResize>(patterns.getContext());
}

} // namespace xfc::lowering

//===- RoiAlign.cpp - xf.roi_align → linalg -------------------------------===//
//
// One parallel linalg.generic over the result [R, C, oh, ow]. Its body reads
// the box and image index of its roi (tensor.extract), places the
// sampling_ratio^2 sample points of its bin, and pools their bilinear
// interpolations of the image (four tensor.extract each). The arithmetic
// follows ONNX Runtime's RoiAlign, which defines the op in practice:
//   y = y1 + ph * bin_h + (iy + 0.5) * bin_h / s     (x likewise)
// a sample more than one pixel outside the image contributes 0, others are
// clamped into it; `max` pools max(w_i * v_i) over the four corners.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "SampleMath.h"

#include "dialects/Xf/IR/XfDialect.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace xfc::xf;

namespace xfc::lowering {
namespace {

/// The two taps of one sample coordinate `x` in a dimension of `size`, as
/// ONNX Runtime computes them, and their weights (zero when the sample is
/// out of the image).
struct SampleTaps {
  Value low, high;   ///< index
  Value wLow, wHigh; ///< f64
};

SampleTaps sampleTaps(const F64Builder &f, Value x, Value empty, Value size) {
  Value last = f.sub(size, f.c(1));
  x = f.clamp(x, f.c(0.0), f.add(size, f.c(1.0)));
  Value x0 = f.floor(x);
  // At or beyond the last pixel both taps read it, with the whole weight.
  Value atEnd = f.le(last, x0);
  x0 = f.select(atEnd, last, x0);
  x = f.select(atEnd, x0, x);
  Value x1 = f.select(atEnd, x0, f.add(x0, f.c(1)));
  Value frac = f.sub(x, x0);
  Value zero = f.c(0);
  return {f.toIndex(x0), f.toIndex(x1),
          f.select(empty, zero, f.sub(f.c(1), frac)), f.select(empty, zero, frac)};
}

struct LowerRoiAlign : OpRewritePattern<RoiAlignOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(RoiAlignOp op, PatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto roisType = cast<RankedTensorType>(op.getRois().getType());
    auto indicesType = cast<RankedTensorType>(op.getBatchIndices().getType());
    Location loc = op.getLoc();
    Type elt = type.getElementType();
    Value input = op.getInput(), rois = op.getRois(), indices = op.getBatchIndices();
    // Dynamic sizes that must agree are checked before any read.
    if (roisType.isDynamicDim(0) || indicesType.isDynamicDim(0))
      checkDims(rewriter, loc, indices, 0, arith::CmpIPredicate::eq, rois, 0,
                "batch_indices must have one entry per roi");
    if (roisType.isDynamicDim(1)) {
      Value ok = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq,
                                       tensor::DimOp::create(rewriter, loc, rois, 1),
                                       arith::ConstantIndexOp::create(rewriter, loc, 4));
      buildSizeCheck(rewriter, loc, ok, "the rois must be [R, 4]");
    }
    // The image sizes: constants when static (built in the body as before),
    // else read once outside it.
    auto dynamicSize = [&](int64_t d) -> Value {
      if (!inType.isDynamicDim(d))
        return Value();
      return tensor::DimOp::create(rewriter, loc, input, d);
    };
    Value dynBatch = dynamicSize(0), dynHeight = dynamicSize(2), dynWidth = dynamicSize(3);
    // Every roi reads an image: none may be empty unless there are no rois.
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value noRois = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq,
                                         tensor::DimOp::create(rewriter, loc, rois, 0), zero);
    for (Value size : {dynBatch, dynHeight, dynWidth})
      if (size)
        buildSizeCheck(rewriter, loc,
                       arith::OrIOp::create(rewriter, loc, noRois,
                                            arith::CmpIOp::create(rewriter, loc,
                                                                  arith::CmpIPredicate::sgt,
                                                                  size, zero)),
                       "the input must not be empty");
    Value empty = createEmptySized(rewriter, loc, type, [&](int64_t d) -> Value {
      return d == 0 ? tensor::DimOp::create(rewriter, loc, rois, 0)
                    : tensor::DimOp::create(rewriter, loc, input, 1);
    });
    int64_t outH = type.getDimSize(2), outW = type.getDimSize(3);
    int64_t samples = op.getSamplingRatio();
    double scale = op.getSpatialScale().convertToDouble();
    double offset = op.getHalfPixel() ? 0.5 : 0.0;
    bool isMax = op.getMode() == PoolKind::max;
    auto generic = linalg::GenericOp::create(
        rewriter, loc, type, ValueRange{}, empty,
        AffineMap::getMultiDimIdentityMap(4, getContext()),
        SmallVector<utils::IteratorType>(4, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange) {
          F64Builder f{b, l};
          Value r = linalg::IndexOp::create(b, l, 0), ch = linalg::IndexOp::create(b, l, 1);
          Value ph = linalg::IndexOp::create(b, l, 2), pw = linalg::IndexOp::create(b, l, 3);
          auto toF64 = [&](Value index) {
            Value i = arith::IndexCastOp::create(b, l, b.getI64Type(), index);
            return (Value)arith::SIToFPOp::create(b, l, b.getF64Type(), i);
          };
          auto box = [&](int64_t k) {
            Value v = tensor::ExtractOp::create(
                b, l, rois, ValueRange{r, arith::ConstantIndexOp::create(b, l, k)});
            return f.sub(f.mul(castScalar(b, l, v, b.getF64Type()), f.c(scale)), f.c(offset));
          };
          auto sizeF64 = [&](Value dynamic, int64_t d) {
            return dynamic ? toF64(dynamic) : f.c(static_cast<double>(inType.getDimSize(d)));
          };
          Value height = sizeF64(dynHeight, 2), width = sizeF64(dynWidth, 3);
          Value rawImage = tensor::ExtractOp::create(b, l, indices, r);
          Value image = dynBatch ? normalizeIndex(b, l, rawImage, dynBatch)
                                 : normalizeIndex(b, l, rawImage, inType.getDimSize(0));
          Value x1 = box(0), y1 = box(1), x2 = box(2), y2 = box(3);
          Value roiW = f.sub(x2, x1), roiH = f.sub(y2, y1);
          if (!op.getHalfPixel()) {
            roiW = arith::MaximumFOp::create(b, l, roiW, f.c(1));
            roiH = arith::MaximumFOp::create(b, l, roiH, f.c(1));
          }
          Value binW = f.div(roiW, f.c(outW)), binH = f.div(roiH, f.c(outH));
          Value startY = f.add(y1, f.mul(toF64(ph), binH));
          Value startX = f.add(x1, f.mul(toF64(pw), binW));
          Value acc;
          for (int64_t iy = 0; iy < samples; ++iy)
            for (int64_t ix = 0; ix < samples; ++ix) {
              Value y = f.add(startY, f.mul(f.c((iy + 0.5) / samples), binH));
              Value x = f.add(startX, f.mul(f.c((ix + 0.5) / samples), binW));
              Value empty = arith::OrIOp::create(
                  b, l,
                  arith::OrIOp::create(b, l, f.lt(y, f.c(-1.0)), f.lt(height, y)),
                  arith::OrIOp::create(b, l, f.lt(x, f.c(-1.0)), f.lt(width, x)));
              SampleTaps ty = sampleTaps(f, y, empty, height);
              SampleTaps tx = sampleTaps(f, x, empty, width);
              Value val;
              for (auto [yi, wy] : {std::pair{ty.low, ty.wLow}, std::pair{ty.high, ty.wHigh}})
                for (auto [xi, wx] : {std::pair{tx.low, tx.wLow}, std::pair{tx.high, tx.wHigh}}) {
                  Value v = tensor::ExtractOp::create(b, l, input, ValueRange{image, ch, yi, xi});
                  Value w = castScalar(b, l, f.mul(wy, wx), elt);
                  Value term = arith::MulFOp::create(b, l, w, v);
                  val = !val ? term
                        : isMax ? (Value)arith::MaximumFOp::create(b, l, val, term)
                                : (Value)arith::AddFOp::create(b, l, val, term);
                }
              acc = !acc ? val
                    : isMax ? (Value)arith::MaximumFOp::create(b, l, acc, val)
                            : (Value)arith::AddFOp::create(b, l, acc, val);
            }
          if (!isMax)
            acc = arith::DivFOp::create(b, l, acc,
                                        scalar(b, l, elt, static_cast<double>(samples * samples)));
          linalg::YieldOp::create(b, l, acc);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void populateRoiAlignPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerRoiAlign>(patterns.getContext());
}

} // namespace xfc::lowering

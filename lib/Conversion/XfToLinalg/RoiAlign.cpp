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

SampleTaps sampleTaps(const F64Builder &f, Value x, Value empty, int64_t size) {
  double last = static_cast<double>(size - 1);
  x = f.clamp(x, 0.0, last + 2.0);
  Value x0 = f.floor(x);
  // At or beyond the last pixel both taps read it, with the whole weight.
  Value atEnd = f.le(f.c(last), x0);
  x0 = f.select(atEnd, f.c(last), x0);
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
    if (!type.hasStaticShape() || !inType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic roi_align is not supported yet");
    Location loc = op.getLoc();
    Type elt = type.getElementType();
    int64_t batch = inType.getDimSize(0), height = inType.getDimSize(2),
            width = inType.getDimSize(3);
    int64_t outH = type.getDimSize(2), outW = type.getDimSize(3);
    int64_t samples = op.getSamplingRatio();
    double scale = op.getSpatialScale().convertToDouble();
    double offset = op.getHalfPixel() ? 0.5 : 0.0;
    bool isMax = op.getMode() == PoolKind::max;
    Value input = op.getInput(), rois = op.getRois(), indices = op.getBatchIndices();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, type, ValueRange{}, createEmpty(rewriter, loc, type, {}),
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
          Value image = normalizeIndex(b, l, tensor::ExtractOp::create(b, l, indices, r), batch);
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
                  arith::OrIOp::create(b, l, f.lt(y, f.c(-1.0)), f.lt(f.c(height), y)),
                  arith::OrIOp::create(b, l, f.lt(x, f.c(-1.0)), f.lt(f.c(width), x)));
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

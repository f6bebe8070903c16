//===- LowerVectors.cpp - vector ops → LLVM-friendly vector code ----------===//

#include "xfc/Target/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/Dialect/Math/Transforms/Approximation.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace xfc {
#define GEN_PASS_DEF_CPULOWERVECTORSPASS
#include "xfc/Target/Passes.h.inc"
} // namespace xfc

using namespace mlir;

namespace xfc {
namespace {

/// memref.copy between non-contiguous buffers lowers to a call into MLIR's
/// C runner library, which a model library must not depend on: turn it into
/// a linalg.copy, which becomes plain loops.
struct StridedCopyToLinalg : OpRewritePattern<memref::CopyOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(memref::CopyOp op, PatternRewriter &rewriter) const override {
    auto isContiguous = [](Value v) {
      auto type = cast<MemRefType>(v.getType());
      return type.getLayout().isIdentity() ||
             memref::isStaticShapeAndContiguousRowMajor(type);
    };
    if (isContiguous(op.getSource()) && isContiguous(op.getTarget()))
      return failure();
    rewriter.replaceOpWithNewOp<linalg::CopyOp>(op, op.getSource(), op.getTarget());
    return success();
  }
};

/// vector.gather reaches LLVM (llvm.masked.gather) only from a memref whose
/// innermost stride is 1, and upstream's gather lowerings give up on other
/// strides as well, so a gather from a strided view (the real part of an
/// interleaved complex tensor, a column of a matrix) would stay unconverted.
/// Rewrite it as a gather from a 1-D unit-stride view of the same memory:
/// base[o0, ..., on + idx[i]] is element o0*s0 + ... + on*sn + idx[i]*sn.
struct LinearizeStridedGather : OpRewritePattern<vector::GatherOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(vector::GatherOp op,
                                PatternRewriter &rewriter) const override {
    auto type = dyn_cast<MemRefType>(op.getBase().getType());
    SmallVector<int64_t> staticStrides;
    int64_t staticOffset;
    if (!type || type.getRank() == 0 ||
        failed(type.getStridesAndOffset(staticStrides, staticOffset)) ||
        staticStrides.back() == 1)
      return failure();
    Location loc = op.getLoc();
    auto meta = memref::ExtractStridedMetadataOp::create(rewriter, loc, op.getBase());
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    // The first element the gather's base position addresses, and the
    // extent of the view (1 + sum (size_d - 1) * stride_d elements).
    Value start = zero, span = one;
    for (auto [offset, size, stride] :
         llvm::zip(op.getOffsets(), meta.getSizes(), meta.getStrides())) {
      start = arith::AddIOp::create(
          rewriter, loc, start, arith::MulIOp::create(rewriter, loc, offset, stride));
      Value last = arith::SubIOp::create(rewriter, loc, size, one);
      span = arith::AddIOp::create(
          rewriter, loc, span, arith::MulIOp::create(rewriter, loc, last, stride));
    }
    auto flatType = MemRefType::get(
        {ShapedType::kDynamic}, type.getElementType(),
        StridedLayoutAttr::get(rewriter.getContext(), ShapedType::kDynamic, {1}),
        type.getMemorySpace());
    Value flat = memref::ReinterpretCastOp::create(
        rewriter, loc, flatType, meta.getBaseBuffer(),
        OpFoldResult(meta.getOffset()), ArrayRef<OpFoldResult>{span},
        ArrayRef<OpFoldResult>{rewriter.getIndexAttr(1)});
    // Lane i reads element start + idx[i] * innermost stride.
    VectorType indexType = op.getIndexVectorType().clone(rewriter.getIndexType());
    Value indices = op.getIndices();
    if (!op.getIndexVectorType().getElementType().isIndex())
      indices = arith::IndexCastOp::create(rewriter, loc, indexType, indices);
    auto splat = [&](Value v) {
      return vector::BroadcastOp::create(rewriter, loc, indexType, v);
    };
    indices = arith::MulIOp::create(rewriter, loc, indices,
                                    splat(meta.getStrides().back()));
    indices = arith::AddIOp::create(rewriter, loc, indices, splat(start));
    rewriter.replaceOpWithNewOp<vector::GatherOp>(
        op, op.getVectorType(), flat, ValueRange{zero}, indices, op.getMask(),
        op.getPassThru());
    return success();
  }
};

struct CpuLowerVectorsPass : impl::CpuLowerVectorsPassBase<CpuLowerVectorsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *ctx = &getContext();
    // Accumulators were turned into vector iter_args on tensors by
    // xfc-cpu-tile-and-vectorize. Upstream's hoistRedundantVectorBroadcasts
    // is not used: it miscompiles reductions across nested loops (every
    // inner iteration restarts from the initial value).

    // Phase 1: drop unit dimensions left by tiling. Kept apart from the
    // lowering patterns, which re-introduce leading unit dims and would
    // ping-pong with these forever.
    {
      RewritePatternSet patterns(ctx);
      vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
      vector::populateVectorTransferDropUnitDimsPatterns(patterns);
      vector::populateVectorToVectorCanonicalizationPatterns(patterns);
      if (failed(applyPatternsGreedily(func, std::move(patterns))))
        return signalPassFailure();
    }
    // Phase 2: lower to 1-D vector ops, FMAs and loads/stores.
    RewritePatternSet patterns(ctx);
    patterns.add<StridedCopyToLinalg, LinearizeStridedGather>(ctx);
    vector::populateVectorContractLoweringPatterns(
        patterns, vector::VectorContractLowering::OuterProduct);
    vector::populateVectorOuterProductLoweringPatterns(patterns);
    vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
    vector::populateVectorMultiReductionLoweringPatterns(
        patterns, vector::VectorMultiReductionLowering::InnerReduction);
    vector::populateVectorBroadcastLoweringPatterns(patterns);
    vector::populateVectorTransposeLoweringPatterns(
        patterns, vector::VectorTransposeLowering::EltWise);
    vector::populateVectorShapeCastLoweringPatterns(patterns);
    vector::populateVectorMaskOpLoweringPatterns(patterns);
    vector::populateVectorTransferLoweringPatterns(patterns, /*maxTransferRank=*/1);
    vector::populateVectorGatherLoweringPatterns(patterns);
    vector::populateVectorStepLoweringPatterns(patterns);
    vector::populateVectorInsertExtractStridedSliceTransforms(patterns);
    populateMathPolynomialApproximationPatterns(patterns);
    // libm has no rsqrt.
    math::populateExpansionPatterns(patterns, {"rsqrt"});
    if (failed(applyPatternsGreedily(func, std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
} // namespace xfc

//===- FuseEmbedding.cpp - table lookups → xf.embedding -------------------===//
//
// nn.Embedding exports as Gather(weight, ids) on axis 0 of a [V, D] table;
// ONNX Gather and xf.embedding agree on everything there, negative indices
// included, so the rewrite needs no other check.
//
//===----------------------------------------------------------------------===//

#include "dialects/Xf/IR/XfDialect.h"
#include "dialects/Xf/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace xfc::xf {
#define GEN_PASS_DEF_FUSEEMBEDDINGPASS
#include "dialects/Xf/Transforms/Passes.h.inc"
} // namespace xfc::xf

using namespace mlir;
using namespace xfc::xf;

namespace {

struct FuseEmbedding : OpRewritePattern<GatherOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(GatherOp op, PatternRewriter &rewriter) const override {
    auto table = cast<RankedTensorType>(op.getData().getType());
    if (op.getAxis() != 0 || table.getRank() != 2)
      return rewriter.notifyMatchFailure(op, "not a row lookup in a [V, D] table");
    rewriter.replaceOpWithNewOp<EmbeddingOp>(op, op.getType(), op.getData(),
                                             op.getIndices());
    return success();
  }
};

struct FuseEmbeddingPass : xfc::xf::impl::FuseEmbeddingPassBase<FuseEmbeddingPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFuseEmbeddingPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace

void xfc::xf::populateFuseEmbeddingPatterns(RewritePatternSet &patterns) {
  patterns.add<FuseEmbedding>(patterns.getContext());
}

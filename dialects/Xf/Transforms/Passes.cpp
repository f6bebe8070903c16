//===- Passes.cpp - xf-fuse: every xf fusion in one rewrite ---------------===//
//
// The patterns do not compete for ops (each anchors on a different op and
// consumes a disjoint subgraph), so one greedy rewrite applies them all.
//
//===----------------------------------------------------------------------===//

#include "dialects/Xf/IR/XfDialect.h"
#include "dialects/Xf/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace xfc::xf {
#define GEN_PASS_DEF_FUSEPASS
#include "dialects/Xf/Transforms/Passes.h.inc"
} // namespace xfc::xf

using namespace mlir;

namespace {

struct FusePass : xfc::xf::impl::FusePassBase<FusePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    xfc::xf::populateFusePatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace

void xfc::xf::populateFusePatterns(RewritePatternSet &patterns) {
  populateFuseAttentionPatterns(patterns);
  populateFuseLayerNormPatterns(patterns);
  populateFuseGeluPatterns(patterns);
  populateFuseEmbeddingPatterns(patterns);
}

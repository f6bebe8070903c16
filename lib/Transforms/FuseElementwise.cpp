//===- FuseElementwise.cpp - elementwise fusion that keeps contractions ---===//

#include "xfc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace xfc {
#define GEN_PASS_DEF_FUSEELEMENTWISEPASS
#include "xfc/Transforms/Passes.h.inc"
} // namespace xfc

using namespace mlir;

namespace xfc {
namespace {

/// Fuse only when fusion never multiplies the producer's work: the consumer
/// reads each produced element once, and nothing else reads the producer
/// (a producer fused into several consumers is recomputed by each, and
/// along a residual stream that compounds: every layer would recompute all
/// layers before it).
bool fusionKeepsWork(OpOperand *fused) {
  auto consumer = dyn_cast<linalg::LinalgOp>(fused->getOwner());
  if (!consumer || !consumer.getMatchingIndexingMap(fused).isPermutation())
    return false;
  Operation *producer = fused->get().getDefiningOp();
  return producer && llvm::all_of(producer->getUsers(), [&](Operation *user) {
           return user == consumer.getOperation();
         });
}

/// A fused body holds at most this many ops. Each fusion copies both
/// bodies, so an unbounded chain of n elementwise ops (200k in a generated
/// graph, thousands in exported LLMs) costs O(n^2); a few dozen ops per
/// loop already read each element once from memory.
constexpr unsigned kMaxFusedBodyOps = 128;

bool fusedBodyFits(OpOperand *fused) {
  Operation *producer = fused->get().getDefiningOp();
  unsigned budget = kMaxFusedBodyOps;
  for (Operation *op : {producer, fused->getOwner()}) {
    for (Region &region : op->getRegions())
      for (Block &block : region) {
        // Counted up to the budget only: a block's size is a list walk.
        for (Operation &inner : block) {
          (void)inner;
          if (budget-- == 0)
            return false;
        }
      }
  }
  return true;
}

struct FuseElementwisePass : impl::FuseElementwisePassBase<FuseElementwisePass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    linalg::populateElementwiseOpsFusionPatterns(patterns, [](OpOperand *fused) {
      return fusionKeepsWork(fused) && fusedBodyFits(fused);
    });
    linalg::populateEraseUnusedOperandsAndResultsPatterns(patterns);
    tensor::populateFoldTensorEmptyPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
} // namespace xfc

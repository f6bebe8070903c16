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

struct FuseElementwisePass : impl::FuseElementwisePassBase<FuseElementwisePass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    linalg::populateElementwiseOpsFusionPatterns(patterns, fusionKeepsWork);
    linalg::populateEraseUnusedOperandsAndResultsPatterns(patterns);
    tensor::populateFoldTensorEmptyPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
} // namespace xfc

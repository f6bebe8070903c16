//===- TileAndVectorize.cpp - apply the CPU lowering configurations -------===//

#include "LoweringConfig.h"

#include "xfc/Target/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

namespace xfc {
#define GEN_PASS_DEF_CPUTILEANDVECTORIZEPASS
#include "xfc/Target/Passes.h.inc"
} // namespace xfc

using namespace mlir;

namespace xfc::cpu {
namespace {

/// Tiles `op` by `sizes` (0 = untiled) and returns the tiled op, or the op
/// itself when nothing is tiled.
FailureOr<Operation *> tile(RewriterBase &rewriter, TilingInterface op,
                            ArrayRef<int64_t> sizes,
                            scf::SCFTilingOptions::LoopType loopType) {
  if (llvm::all_of(sizes, [](int64_t s) { return s == 0; }))
    return op.getOperation();
  scf::SCFTilingOptions options;
  options.setTileSizes(getAsIndexOpFoldResult(rewriter.getContext(), sizes));
  options.setLoopType(loopType);
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTilingResult> result = scf::tileUsingSCF(rewriter, op, options);
  if (failed(result))
    return failure();
  rewriter.replaceOp(op, result->replacements);
  return result->tiledOps.front();
}

/// Booleans are bytes in memory (i1 memref elements lower to i8) but vectors
/// of i1 load and store packed bits, so ops touching i1 tensors stay scalar.
bool touchesBooleans(Operation *op) {
  auto isBool = [](Type t) {
    return getElementTypeOrSelf(t).isInteger(1);
  };
  return llvm::any_of(op->getOperandTypes(), isBool) ||
         llvm::any_of(op->getResultTypes(), isBool);
}

/// The vector tile of each loop inside a distributed block: loops that are
/// tiled for threads but not for vectors are walked one iteration at a time.
SmallVector<int64_t> innerTileSizes(const LoweringConfig &config) {
  SmallVector<int64_t> sizes = config.vector;
  for (auto [i, d] : llvm::enumerate(config.distribute))
    if (d != 0 && sizes[i] == 0)
      sizes[i] = 1;
  return sizes;
}

struct CpuTileAndVectorizePass
    : impl::CpuTileAndVectorizePassBase<CpuTileAndVectorizePass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> roots;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (getLoweringConfig(op))
        roots.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    SmallVector<Operation *> toVectorize;
    for (linalg::LinalgOp root : roots) {
      LoweringConfig config = *getLoweringConfig(root);
      if (config.distribute.size() != root.getNumLoops() ||
          config.vector.size() != root.getNumLoops()) {
        root.emitError("lowering_config does not have one entry per loop");
        return signalPassFailure();
      }
      // An op over an empty iteration space does no work; tiling it would
      // divide by a zero trip count.
      if (llvm::is_contained(root.getStaticLoopRanges(), 0))
        continue;
      FailureOr<Operation *> distributed =
          tile(rewriter, cast<TilingInterface>(root.getOperation()),
               config.distribute, scf::SCFTilingOptions::LoopType::ForallOp);
      if (failed(distributed))
        continue; // stays untiled: correct, only slower
      FailureOr<Operation *> inner =
          tile(rewriter, cast<TilingInterface>(*distributed),
               innerTileSizes(config), scf::SCFTilingOptions::LoopType::ForOp);
      if (failed(inner))
        continue;
      (*inner)->removeAttr(kLoweringConfigAttr);
      toVectorize.push_back(*inner);
    }
    for (Operation *op : toVectorize) {
      if (touchesBooleans(op) ||
          failed(linalg::vectorizeOpPrecondition(op, {}, {}, /*vectorizeNDExtract=*/true)))
        continue;
      rewriter.setInsertionPoint(op);
      // Contractions become vector.contract (then outer-product FMAs), not a
      // multiply followed by a separate reduction.
      FailureOr<linalg::VectorizationResult> result = linalg::vectorize(
          rewriter, op, {}, {}, /*vectorizeNDExtract=*/true,
          /*flatten1DDepthwiseConv=*/false,
          /*assumeDynamicDimsMatchVecSizes=*/false,
          /*createNamedContraction=*/true);
      if (succeeded(result))
        rewriter.replaceOp(op, result->replacements);
    }
    // Keep accumulators in registers: a transfer_read/transfer_write pair of
    // a loop-invariant tile of an iter_arg becomes a vector iter_arg. This
    // must happen on tensors; after bufferization the tile is a subview,
    // which vector-transfer hoisting does not look through.
    SmallVector<scf::ForOp> loops;
    getOperation().walk([&](scf::ForOp loop) { loops.push_back(loop); });
    for (scf::ForOp loop : loops) {
      moveLoopInvariantCode(loop);
      // Each round peels one level (tensor tile, then its vector transfer)
      // and returns a new loop with one more iter_arg.
      LoopLikeOpInterface current = loop;
      for (int round = 0; round < 4; ++round) {
        unsigned before = current.getRegionIterArgs().size();
        current = hoistLoopInvariantSubsets(rewriter, current);
        if (current.getRegionIterArgs().size() == before)
          break;
      }
    }
    // Leftover configs on ops that could not be tiled are dropped.
    getOperation().walk([](Operation *op) { op->removeAttr(kLoweringConfigAttr); });
    // Each distributed loop gets its own ordinal. The CSE after this pass
    // would otherwise compare every pair of these loops: they share their
    // operands (one empty destination tensor), so they hash alike, and
    // each comparison walks both bodies, quadratic in the number of loops
    // (160 s of a graph of 200k elementwise nodes). Loops never repeat one
    // another here (CSE of the linalg ops they come from ran before).
    int64_t ordinal = 0;
    getOperation().walk([&](scf::ForallOp forall) {
      forall->setAttr(kTileLoopOrdinalAttr,
                      IntegerAttr::get(IntegerType::get(&getContext(), 64), ordinal++));
    });
  }
};

} // namespace
} // namespace xfc::cpu

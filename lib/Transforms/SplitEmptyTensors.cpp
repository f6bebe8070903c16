//===- SplitEmptyTensors.cpp - bounded sharing of empty destinations ------===//
//
// Partly undoes CSE of destination seeds before One-Shot Bufferize (see the
// pass description in Passes.td): a shared tensor.empty, or a shared
// linalg.fill of one, makes one alias class of all the ops that use it as
// their destination, and the analysis is superlinear in the size of alias
// classes.
//
//===----------------------------------------------------------------------===//

#include "xfc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

namespace xfc {
#define GEN_PASS_DEF_SPLITEMPTYTENSORSPASS
#include "xfc/Transforms/Passes.h.inc"
} // namespace xfc

using namespace mlir;

namespace xfc {
namespace {

/// A destination seed: tensor.empty, or linalg.fill of a tensor.empty.
bool isSeed(Operation *op) {
  if (isa<tensor::EmptyOp>(op))
    return true;
  auto fill = dyn_cast<linalg::FillOp>(op);
  return fill && fill.hasPureTensorSemantics() &&
         fill.getOutputs()[0].getDefiningOp<tensor::EmptyOp>();
}

struct SplitEmptyTensorsPass
    : impl::SplitEmptyTensorsPassBase<SplitEmptyTensorsPass> {
  using SplitEmptyTensorsPassBase::SplitEmptyTensorsPassBase;

  void runOnOperation() override {
    // Program order: an empty is split before the fill that uses it, and
    // the first user of a seed keeps the original.
    llvm::SmallVector<Operation *> seeds;
    llvm::DenseMap<Operation *, unsigned> order;
    getOperation().walk<WalkOrder::PreOrder>([&](Operation *op) {
      unsigned index = order.size();
      order[op] = index;
      if (isSeed(op))
        seeds.push_back(op);
    });
    size_t group = std::max(1u, static_cast<unsigned>(groupSize));
    OpBuilder b(&getContext());
    for (Operation *seed : seeds) {
      llvm::SmallVector<OpOperand *> uses;
      for (OpOperand &use : seed->getResult(0).getUses())
        uses.push_back(&use);
      llvm::sort(uses, [&](OpOperand *x, OpOperand *y) {
        return order.lookup(x->getOwner()) < order.lookup(y->getOwner());
      });
      // Consecutive users share a copy, `group` at a time: ops of one
      // group can still reuse each other's buffers when their lifetimes do
      // not overlap. The copies go next to the original, not next to their
      // users, which may sit in a loop body.
      b.setInsertionPointAfter(seed);
      Value copy;
      for (size_t i = group; i < uses.size(); ++i) {
        if (i % group == 0) {
          IRMapping map;
          if (auto fill = dyn_cast<linalg::FillOp>(seed)) {
            Value init = fill.getOutputs()[0];
            map.map(init, b.clone(*init.getDefiningOp())->getResult(0));
          }
          copy = b.clone(*seed, map)->getResult(0);
        }
        uses[i]->set(copy);
      }
    }
  }
};

} // namespace
} // namespace xfc

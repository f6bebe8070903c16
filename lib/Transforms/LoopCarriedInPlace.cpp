//===- LoopCarriedInPlace.cpp - loop-carried tensors keep one buffer ------===//
//
// See the pass description in Passes.td: a loop body that yields a freshly
// computed tensor gets a linalg.copy of it into the iteration argument, so
// that One-Shot Bufferize finds the yielded value equivalent to the argument
// and keeps one buffer for the whole loop.
//
//===----------------------------------------------------------------------===//

#include "xfc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"

namespace xfc {
#define GEN_PASS_DEF_LOOPCARRIEDINPLACEPASS
#include "xfc/Transforms/Passes.h.inc"
} // namespace xfc

using namespace mlir;

namespace xfc {
namespace {

/// Whether `v` is `arg` updated in place: `arg` itself, or the result of a
/// destination-style op, loop or scf.if whose destination (every branch's
/// value) is, in turn, `arg` updated in place.
bool updatesInPlace(Value v, Value arg) {
  while (v != arg) {
    auto result = dyn_cast<OpResult>(v);
    if (!result)
      return false;
    Operation *op = result.getOwner();
    unsigned n = result.getResultNumber();
    if (auto dps = dyn_cast<DestinationStyleOpInterface>(op)) {
      v = dps.getTiedOpOperand(result)->get();
    } else if (auto loop = dyn_cast<scf::ForOp>(op)) {
      v = loop.getInitArgs()[n];
    } else if (auto loop = dyn_cast<scf::ForallOp>(op)) {
      v = loop.getOutputs()[n];
    } else if (auto ifOp = dyn_cast<scf::IfOp>(op)) {
      return !ifOp.getElseRegion().empty() &&
             updatesInPlace(ifOp.thenYield().getOperand(n), arg) &&
             updatesInPlace(ifOp.elseYield().getOperand(n), arg);
    } else {
      return false;
    }
  }
  return true;
}

/// Whether `v` has `arg`'s sizes in every iteration: static ones, or
/// dynamic ones provably equal. A tensor that grows (a sequence's data)
/// cannot be copied into the argument; it keeps a new buffer per iteration.
bool keepsSizes(Value v, Value arg) {
  auto type = cast<RankedTensorType>(arg.getType());
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!type.isDynamicDim(d))
      continue;
    FailureOr<bool> equal = ValueBoundsConstraintSet::areEqual({v, d}, {arg, d});
    if (failed(equal) || !*equal)
      return false;
  }
  return true;
}

/// Makes yield operand `operand` (a tensor) the in-place update of `dest`,
/// the body's argument that bufferizes together with it.
void writeBack(OpOperand &operand, Value dest) {
  if (!dest || updatesInPlace(operand.get(), dest) ||
      !keepsSizes(operand.get(), dest))
    return;
  OpBuilder b(operand.getOwner());
  operand.set(linalg::CopyOp::create(b, operand.getOwner()->getLoc(),
                                     operand.get(), dest)
                  .getResult(0));
}

struct LoopCarriedInPlacePass
    : impl::LoopCarriedInPlacePassBase<LoopCarriedInPlacePass> {
  void runOnOperation() override {
    getOperation().walk([](scf::ForOp loop) {
      Operation *yield = loop.getBody()->getTerminator();
      for (auto [operand, arg] :
           llvm::zip(yield->getOpOperands(), loop.getRegionIterArgs()))
        if (isa<RankedTensorType>(arg.getType()))
          writeBack(operand, arg);
    });
    // Yielded value i bufferizes with the before region's argument i, which
    // the after region sees as whichever argument scf.condition forwards it
    // to (if any).
    getOperation().walk([](scf::WhileOp loop) {
      scf::ConditionOp cond = loop.getConditionOp();
      for (auto [operand, before] : llvm::zip(
               loop.getYieldOp()->getOpOperands(), loop.getBeforeArguments())) {
        if (!isa<RankedTensorType>(before.getType()))
          continue;
        Value dest;
        for (auto [forwarded, after] :
             llvm::zip(cond.getArgs(), loop.getAfterArguments()))
          if (forwarded == before)
            dest = after;
        writeBack(operand, dest);
      }
    });
  }
};

} // namespace
} // namespace xfc

//===- DynamicOutputs.cpp - dynamically shaped outputs in runtime buffers -===//
//
// See the pass description in Passes.td. The destination chain of a result
// is followed through destination-passing ops (linalg, a zero fill, the
// shared outputs of scf.forall, the iteration arguments of scf.for) down to
// the tensor.empty it starts from; that one use of the empty becomes the
// runtime's buffer, so the last op writes the output where the caller
// receives it and no copy is made.
//
//===----------------------------------------------------------------------===//

#include "xfc/Transforms/Passes.h"

#include "dialects/Xf/IR/XfDialect.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/BitVector.h"

namespace xfc {
#define GEN_PASS_DEF_DYNAMICOUTPUTSPASS
#include "xfc/Transforms/Passes.h.inc"
} // namespace xfc

using namespace mlir;

namespace xfc {
namespace {

/// The operand through which `v` is computed in place (its destination), if
/// `v` is the result of an op that writes into one.
OpOperand *destinationOf(Value v) {
  auto result = dyn_cast<OpResult>(v);
  if (!result)
    return nullptr;
  Operation *op = result.getOwner();
  if (auto dps = dyn_cast<DestinationStyleOpInterface>(op))
    return dps.getTiedOpOperand(result);
  if (auto forall = dyn_cast<scf::ForallOp>(op))
    return forall.getTiedOpOperand(result);
  if (auto loop = dyn_cast<scf::ForOp>(op))
    return loop.getTiedLoopInit(result);
  return nullptr;
}

/// The use of a tensor.empty of type `type` at the root of `result`'s
/// destination chain, or null. Every value on the chain must have no other
/// user, or the runtime's buffer would also receive another op's writes; a
/// shared fill seed is cloned for the chain instead.
OpOperand *rootEmptyUse(Value result, RankedTensorType type) {
  Value v = result;
  while (OpOperand *dest = destinationOf(v)) {
    Value next = dest->get();
    if (next.getType() != type)
      return nullptr;
    if (auto empty = next.getDefiningOp<tensor::EmptyOp>())
      return dest;
    if (!next.hasOneUse()) {
      auto fill = next.getDefiningOp<linalg::FillOp>();
      if (!fill)
        return nullptr;
      OpBuilder b(fill);
      Operation *clone = b.clone(*fill);
      dest->set(clone->getResult(0));
      next = clone->getResult(0);
    }
    v = next;
  }
  return nullptr;
}

struct DynamicOutputsPass : impl::DynamicOutputsPassBase<DynamicOutputsPass> {
  void runOnOperation() override {
    auto main = getOperation().lookupSymbol<func::FuncOp>("main");
    if (!main || main.isExternal())
      return;
    auto ret = cast<func::ReturnOp>(main.getBody().back().getTerminator());
    llvm::BitVector erased(ret.getNumOperands());
    for (OpOperand &operand : ret->getOpOperands()) {
      auto type = dyn_cast<RankedTensorType>(operand.get().getType());
      if (!type || type.hasStaticShape())
        continue;
      unsigned index = operand.getOperandNumber();
      auto memrefType = MemRefType::get(type.getShape(), type.getElementType());
      Location loc = operand.get().getLoc();
      Value result = operand.get();
      Value buffer;
      if (OpOperand *use = rootEmptyUse(result, type)) {
        // The buffer is requested where the destination was created: its
        // sizes are the empty's.
        auto empty = use->get().getDefiningOp<tensor::EmptyOp>();
        OpBuilder b(use->getOwner());
        buffer = xf::OutputBufferOp::create(b, loc, memrefType, index,
                                            empty.getDynamicSizes());
        use->set(bufferization::ToTensorOp::create(
            b, loc, type, buffer, /*restrict=*/true, /*writable=*/true));
      } else {
        OpBuilder b(ret);
        SmallVector<Value> sizes;
        for (int64_t d = 0; d < type.getRank(); ++d)
          if (type.isDynamicDim(d))
            sizes.push_back(tensor::DimOp::create(b, loc, result, d));
        buffer = xf::OutputBufferOp::create(b, loc, memrefType, index, sizes);
      }
      // A copy only when the chain could not be computed in place (the
      // self-copy left otherwise is folded after bufferization).
      OpBuilder b(ret);
      bufferization::MaterializeInDestinationOp::create(
          b, loc, /*result=*/Type(), result, buffer, /*restrict=*/true,
          /*writable=*/true);
      erased.set(index);
    }
    if (erased.none())
      return;
    ret->eraseOperands(erased);
    if (failed(main.eraseResults(erased)))
      return signalPassFailure();
  }
};

} // namespace
} // namespace xfc

//===- DistinctResults.cpp - every returned tensor gets its own buffer ----===//

#include "xfc/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseSet.h"

namespace xfc {
#define GEN_PASS_DEF_DISTINCTRESULTSPASS
#include "xfc/Transforms/Passes.h.inc"
} // namespace xfc

using namespace mlir;

namespace xfc {
namespace {

struct DistinctResultsPass
    : impl::DistinctResultsPassBase<DistinctResultsPass> {
  void runOnOperation() override {
    getOperation().walk([](func::ReturnOp ret) {
      OpBuilder b(ret);
      llvm::SmallDenseSet<Value> returned;
      for (OpOperand &operand : ret->getOpOperands()) {
        Value v = operand.get();
        auto tensor = dyn_cast<RankedTensorType>(v.getType());
        if (!tensor || returned.insert(v).second)
          continue;
        // A repeated result: return a fresh copy of it instead.
        operand.set(bufferization::AllocTensorOp::create(
            b, ret.getLoc(), tensor, /*dynamicSizes=*/ValueRange(), /*copy=*/v));
      }
    });
  }
};

} // namespace
} // namespace xfc

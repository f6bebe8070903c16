//===- ReadOnlyInputs.cpp - no in-place writes into the caller's inputs ---===//

#include "xfc/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace xfc {
#define GEN_PASS_DEF_READONLYINPUTSPASS
#include "xfc/Transforms/Passes.h.inc"
} // namespace xfc

using namespace mlir;

namespace xfc {
namespace {

struct ReadOnlyInputsPass : impl::ReadOnlyInputsPassBase<ReadOnlyInputsPass> {
  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    if (!fn.isPublic() || fn.isExternal())
      return;
    auto no = BoolAttr::get(&getContext(), false);
    for (BlockArgument arg : fn.getArguments())
      if (isa<TensorType>(arg.getType()))
        fn.setArgAttr(arg.getArgNumber(),
                      bufferization::BufferizationDialect::kWritableAttrName,
                      no);
  }
};

} // namespace
} // namespace xfc
